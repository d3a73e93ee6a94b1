-- The packs (issue 17 items 3-4) and the council pathway's indicators (issue 16 item 6):
-- report_council_indicators against the journeys counted independently from the tables,
-- per duty and authority (readers see counts, other authorities nothing); the case-tracking
-- pack's draw (reproducible from its seed, a random 6 and a reserve of 4, one stratum at a
-- time, re-derived by verify_tracking_pack), its refusals by SQLSTATE (an empty period, a
-- period backwards, a role without the duty, an officer or SAM of another authority) and
-- its row-level security; and the journeys (who by duty and team, names only when asked).
BEGIN;
SELECT plan(61);

\set fixture TAP28
\set clock '2025-01-02 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority'
\set cast 'sg28_admin_a=admin@laa sg28_off_b=la_officer@lab sg28_sam_b=sam@lab sg28_insp=inspector@cqc'
\set cast :cast ' sg28_reader=reader@laa sg28_reader_b=reader@lab sg28_nobody'
\ir lib/fixtures.sql
\set pfx sg28
\ir lib/packs_seed.sql

--------------------------------------------------------------------------
-- 1. Inventory
--------------------------------------------------------------------------
SELECT table_privs_are('safeguard', t, 'public', ARRAY[]::name[], format('PUBLIC has no privilege on safeguard.%s', t))
FROM unnest(ARRAY['tracking_pack', 'tracking_pack_case', 'report_council_indicators']) AS t;
SELECT table_privs_are('safeguard', t, r, ARRAY['SELECT']::name[], format('%s may only read %s', r, t))
FROM unnest(ARRAY['tracking_pack', 'tracking_pack_case']) AS t,
     unnest(ARRAY['safeguard_sam', 'safeguard_la_officer']) AS r;
SELECT policies_are('safeguard', t, ARRAY['la_scope'], format('%s: the authority''s own staff only', t))
FROM unnest(ARRAY['tracking_pack', 'tracking_pack_case']) AS t;
SELECT results_eq($$SELECT bool_and(c.relrowsecurity AND c.relforcerowsecurity) FROM pg_catalog.pg_class c
                    WHERE c.oid IN ('safeguard.tracking_pack'::regclass, 'safeguard.tracking_pack_case'::regclass)$$,
                  ARRAY[true], 'row-level security is enabled and forced on both pack tables');

--------------------------------------------------------------------------
-- 2. The council's indicators, counted independently
--------------------------------------------------------------------------
CREATE TEMP TABLE expected_stage AS
SELECT 'decision'::text AS stage, count(*) AS measured,
       count(*) FILTER (WHERE d.status = 'met') AS in_time, count(*) FILTER (WHERE d.status = 'breached') AS out_of_time
FROM safeguard.concern_decision cd
LEFT JOIN safeguard.deadline d ON d.subject_table = 'concern' AND d.subject_id = cd.concern_id AND d.kind = 'triage'
WHERE cd.la_id = :laa
UNION ALL
SELECT 'allocation', count(*) FILTER (WHERE e.allocated_at IS NOT NULL), 0, 0 FROM safeguard.la_enquiry e WHERE e.la_id = :laa
UNION ALL
SELECT k.stage, count(*), count(*) FILTER (WHERE d.status = 'met'), count(*) FILTER (WHERE d.status = 'breached')
FROM (VALUES ('conclusion', 'enquiry_conclusion'), ('feedback', 'enquiry_feedback')) AS k(stage, kind)
JOIN safeguard.la_enquiry e ON e.la_id = :laa
  AND (CASE k.stage WHEN 'conclusion' THEN e.concluded_at ELSE e.feedback_at END) IS NOT NULL
LEFT JOIN safeguard.deadline d ON d.subject_table = 'la_enquiry' AND d.subject_id = e.id AND d.kind = k.kind
GROUP BY k.stage;
GRANT SELECT ON expected_stage TO PUBLIC;
SELECT is((SELECT measured::int FROM expected_stage WHERE stage = 'decision'), 27, 'the seed decided 27 concerns');
SELECT ok((SELECT in_time > 0 AND out_of_time > 0 FROM expected_stage WHERE stage = 'conclusion')
          AND (SELECT in_time > 0 AND out_of_time > 0 FROM expected_stage WHERE stage = 'feedback')
          AND (SELECT in_time > 0 AND out_of_time > 0 FROM expected_stage WHERE stage = 'decision'),
          'the seed has stages both in and out of time');

SET ROLE sg28_reader;
SELECT results_eq($$SELECT stage, sum(measured)::bigint, sum(in_time)::bigint, sum(out_of_time)::bigint
                    FROM safeguard.report_council_indicators WHERE la_id = $$ || :laa || $$ GROUP BY stage, stage_order ORDER BY stage_order$$,
                  $$SELECT stage, measured, in_time, out_of_time FROM expected_stage
                    ORDER BY array_position('{decision,allocation,conclusion,feedback}'::text[], stage)$$,
                  'a reader of the authority reads each stage''s counts, in and out of time, as the tables hold them');
SELECT is((SELECT sum(measured)::int FROM safeguard.report_council_indicators WHERE stage = 'decision' AND team = 'North'),
          (SELECT count(*)::int FROM safeguard.concern_decision WHERE la_id = :laa AND decided_team = 'North'),
          'by team: the decisions made under the North team''s grants');
SELECT is((SELECT sum(measured)::int FROM safeguard.report_council_indicators WHERE stage = 'decision' AND source = 'ambulance_service'),
          (SELECT count(*)::int FROM safeguard.concern x JOIN safeguard.concern_decision d ON d.concern_id = x.id
            WHERE x.la_id = :laa AND x.source = 'ambulance_service'),
          'by source: the ambulance trust''s concerns');
SELECT is((SELECT count(DISTINCT month)::int FROM safeguard.report_council_indicators), 3,
          'by month received: January to March 2025');
SELECT throws_ok($$SELECT * FROM safeguard.concern_decision$$, '42501', NULL,
                 '... while the reader still reads no rationale (counts only)');
RESET ROLE;
SET ROLE sg28_reader_b;
SELECT is((SELECT count(*)::int FROM safeguard.report_council_indicators), 0, 'a reader of another authority sees nothing of it');
RESET ROLE;
SET ROLE sg28_off_b;
SELECT is((SELECT count(*)::int FROM safeguard.report_council_indicators), 0, 'nor does an officer of another authority');
RESET ROLE;
SET ROLE sg28_off_n;
SELECT is((SELECT sum(measured)::int FROM safeguard.report_council_indicators WHERE stage = 'decision'), 27,
          'the authority''s own officer reads its indicators');
RESET ROLE;
SET ROLE sg28_insp;
SELECT throws_ok($$SELECT * FROM safeguard.report_council_indicators$$, '42501', NULL,
                 'the regulator''s inspector may not read a council''s own indicators');
RESET ROLE;
SET ROLE sg28_nobody;
SELECT throws_ok($$SELECT * FROM safeguard.report_council_indicators$$, '42501', NULL, 'nor may a role with no duty');
RESET ROLE;

--------------------------------------------------------------------------
-- 3. The case-tracking pack: the draw
--------------------------------------------------------------------------
SET ROLE sg28_sam;
SELECT safeguard.draw_tracking_pack(:laa, '2025-01-01', '2025-03-31', 20250331) AS p1 \gset
SELECT is((SELECT count(*)::int FROM safeguard.tracking_pack_case WHERE pack_id = :p1), 10, 'a pack draws ten journeys');
SELECT results_eq(format($$SELECT reserve, count(*)::int FROM safeguard.tracking_pack_case WHERE pack_id = %s GROUP BY reserve ORDER BY reserve$$, :p1),
                  $$VALUES (false, 6), (true, 4)$$, 'a random six and a reserve of four');
SELECT is((SELECT array_agg(position ORDER BY position) FROM safeguard.tracking_pack_case WHERE pack_id = :p1 AND reserve),
          ARRAY[7, 8, 9, 10], 'the reserve are positions 7 to 10');
SELECT is((SELECT count(DISTINCT stratum)::int FROM safeguard.tracking_pack_case WHERE pack_id = :p1 AND NOT reserve),
          (SELECT least(6, count(DISTINCT s))::int FROM safeguard.tracking_pack p, unnest(p.candidate_strata) AS s WHERE p.id = :p1),
          'the six come from as many different strata as there are (up to six)');
SELECT is((SELECT cardinality(candidates) FROM safeguard.tracking_pack WHERE id = :p1),
          (SELECT count(*)::int FROM safeguard.la_enquiry WHERE la_id = :laa AND decided_at < '2025-04-01 00:00+01'),
          'every enquiry decided in the period is a recorded candidate');
SELECT ok((SELECT bool_and(s IN ('autism, open', 'autism, closed', 'learning disability, open', 'learning disability, closed',
                                 'mental health, open', 'mental health, closed', 'older people, open', 'older people, closed',
                                 'other adults, open', 'other adults, closed'))
             AND count(DISTINCT s) >= 6
           FROM safeguard.tracking_pack p, unnest(p.candidate_strata) AS s WHERE p.id = :p1),
          'the candidates are stratified by group (autism, learning disability, mental health, older people, other) and open or closed');
SELECT results_eq(format($$SELECT drawn_by::text, drawn_duty::text, seed FROM safeguard.tracking_pack WHERE id = %s$$, :p1),
                  $$VALUES ('sg28_sam', 'sam', 20250331::bigint)$$, 'who drew it, under which duty, and the seed are recorded');
SELECT ok(safeguard.verify_tracking_pack(:p1), 'the draw derives again from what the pack recorded');
SELECT safeguard.draw_tracking_pack(:laa, '2025-01-01', '2025-03-31', 20250331) AS p2 \gset
SELECT results_eq(format($$SELECT enquiry_id, position, reserve FROM safeguard.tracking_pack_case WHERE pack_id = %s ORDER BY position$$, :p2),
                  format($$SELECT enquiry_id, position, reserve FROM safeguard.tracking_pack_case WHERE pack_id = %s ORDER BY position$$, :p1),
                  'the same seed over the same period draws the same pack');
SELECT safeguard.draw_tracking_pack(:laa, '2025-01-01', '2025-03-31', 7) AS p3 \gset
SELECT isnt((SELECT array_agg(enquiry_id ORDER BY position) FROM safeguard.tracking_pack_case WHERE pack_id = :p3),
            (SELECT array_agg(enquiry_id ORDER BY position) FROM safeguard.tracking_pack_case WHERE pack_id = :p1),
            'another seed draws another pack');
SELECT ok(safeguard.draw_tracking_pack(:laa, '2025-01-01', '2025-03-31') IS NOT NULL, 'with no seed, one is drawn and recorded');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM safeguard.audit_event WHERE table_name = 'tracking_pack'), 4, 'each draw has its audit row');
SELECT throws_ok(format($$UPDATE safeguard.tracking_pack_case SET position = position + 10 WHERE pack_id = %s$$, :p1), 'SG203', NULL,
                 'not even a superuser edits a drawn pack');
SELECT throws_ok(format($$DELETE FROM safeguard.tracking_pack_case WHERE pack_id = %s$$, :p1), 'SG204', NULL,
                 '... or deletes its cases');

--------------------------------------------------------------------------
-- 4. Refusals
--------------------------------------------------------------------------
SET ROLE sg28_sam;
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2024-01-01', '2024-12-31', 1)$$, :laa), 'SG913', NULL,
                 'a pack over a period with no enquiry');
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2025-03-31', '2025-01-01', 1)$$, :laa), 'SG914', NULL,
                 'a pack over a period that ends before it starts');
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2025-01-01', 'infinity', 1)$$, :laa), 'SG914', NULL,
                 'a pack over an endless period');
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, NULL, '2025-03-31', 1)$$, :laa), 'SG103', NULL,
                 'a pack with no period');
SELECT throws_ok(format($$INSERT INTO safeguard.tracking_pack (la_id, period_from, period_to, seed, candidates, candidate_strata, drawn_by, drawn_duty, drawn_at)
                          VALUES (%s, '2025-01-01', '2025-03-31', 1, '{}', '{}', 'sg28_sam', 'sam', now())$$, :laa), '42501', NULL,
                 'a SAM cannot write a pack of their choosing');
RESET ROLE;
SET ROLE sg28_off_n;
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2025-01-01', '2025-03-31', 1)$$, :laa), '42501', NULL,
                 'an officer of the authority does not draw its pack (a SAM or DSAM does)');
RESET ROLE;
SET ROLE sg28_sam_b;
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2025-01-01', '2025-03-31', 1)$$, :laa), '42501', NULL,
                 'the SAM of another authority does not draw this authority''s pack');
SELECT throws_ok(format($$SELECT * FROM safeguard.tracking_pack_journeys(%s)$$, :p1), 'SG208', NULL,
                 '... nor reads its journeys (not there)');
SELECT throws_ok(format($$SELECT safeguard.verify_tracking_pack(%s)$$, :p1), 'SG208', NULL, '... nor verifies it');
SELECT is((SELECT count(*)::int FROM safeguard.tracking_pack) + (SELECT count(*)::int FROM safeguard.tracking_pack_case), 0,
          '... nor sees its rows');
RESET ROLE;
SET ROLE sg28_off_b;
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2025-01-01', '2025-03-31', 1)$$, :laa), '42501', NULL,
                 'nor an officer of another authority');
SELECT is((SELECT count(*)::int FROM safeguard.tracking_pack), 0, '... who sees no pack');
RESET ROLE;
SET ROLE sg28_reader;
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2025-01-01', '2025-03-31', 1)$$, :laa), '42501', NULL,
                 'a reader of the authority draws no pack');
SELECT throws_ok(format($$SELECT * FROM safeguard.tracking_pack_journeys(%s)$$, :p1), '42501', NULL,
                 '... and reads no journey (counts only)');
SELECT throws_ok($$SELECT * FROM safeguard.tracking_pack$$, '42501', NULL, '... nor the pack''s rows');
RESET ROLE;
SET ROLE sg28_insp;
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2025-01-01', '2025-03-31', 1)$$, :laa), '42501', NULL,
                 'the regulator''s inspector draws no council''s pack');
RESET ROLE;
SET ROLE sg28_nobody;
SELECT throws_ok(format($$SELECT safeguard.draw_tracking_pack(%s, '2025-01-01', '2025-03-31', 1)$$, :laa), '42501', NULL,
                 'nor a role with no duty');
RESET ROLE;

--------------------------------------------------------------------------
-- 5. The journeys
--------------------------------------------------------------------------
SET ROLE sg28_off_s;
SELECT is((SELECT count(DISTINCT position)::int FROM safeguard.tracking_pack_journeys(:p2)), 10,
          'an officer of the authority reads the journey of each of the ten cases');
SELECT is((SELECT count(*)::int FROM safeguard.tracking_pack_journeys(:p2) WHERE who LIKE '%sg28%'), 0,
          'the default form names duties and teams, never a login');
SELECT ok((SELECT bool_or(who = 'safeguarding adults manager, North') AND bool_or(who LIKE 'safeguarding officer, %')
           FROM safeguard.tracking_pack_journeys(:p2)),
          'who acted: the duty and the team');
SELECT ok((SELECT bool_and(who LIKE 'sg28\_%(%)') FROM safeguard.tracking_pack_journeys(:p2, true) WHERE who IS NOT NULL),
          'with names asked for, the login and the duty');
SELECT results_eq(format($$SELECT j.enquiry_id, j.step, j.in_time
                           FROM safeguard.tracking_pack_journeys(%s) j WHERE j.step = 'Enquiry concluded' ORDER BY j.enquiry_id$$, :p2),
                  format($$SELECT e.id, 'Enquiry concluded', d.status = 'met' FROM safeguard.tracking_pack_case c
                           JOIN safeguard.la_enquiry e ON e.id = c.enquiry_id
                           JOIN safeguard.deadline d ON d.subject_table = 'la_enquiry' AND d.subject_id = e.id AND d.kind = 'enquiry_conclusion'
                           WHERE c.pack_id = %s AND e.concluded_at IS NOT NULL ORDER BY e.id$$, :p2),
                  'each conclusion in or out of time as its deadline was judged');
SELECT ok((SELECT bool_and(rationale LIKE 'all three criteria met %' OR rationale LIKE 'no enquiry%')
           FROM safeguard.tracking_pack_journeys(:p2) WHERE step = 'Concern decided'),
          'the decision with its rationale');
SELECT ok((SELECT bool_and(detail LIKE '%outcomes the adult wanted achieved: Partially Achieved%')
           FROM safeguard.tracking_pack_journeys(:p2) WHERE step = 'Enquiry concluded'),
          'the Making Safeguarding Personal outcome at the conclusion');
SELECT ok((SELECT bool_and(step_order = 1) FROM safeguard.tracking_pack_journeys(:p2) j
           WHERE (j.position, j.at) IN (SELECT position, min(at) FROM safeguard.tracking_pack_journeys(:p2) GROUP BY position)),
          'each journey starts with its concern');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
