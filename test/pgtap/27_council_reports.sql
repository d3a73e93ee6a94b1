-- The reports from the council's own pathway (issue 16 item 6), over the seeded
-- generator (test/generator/generator.sql): its council plan logs concerns at the
-- authorities' front doors from the council sources, decides them and takes the
-- enquiries through every state.  Every expectation is computed here from the
-- generator's intent (sg_gen.plan, sg_gen.council_plan), not from the extension's
-- tables: report_unallocated's virtual worker caseload by authority and team,
-- sac_return's enquiries from both pathways; then who may read them (an officer
-- of another authority and a role with no duty see nothing, a reader counts,
-- the regulator's staff run both without the councils' enquiries).
BEGIN;
SELECT plan(27);

\set as_of '2026-01-21 12:00+00'
\ir ../generator/generator.sql
SELECT sg_gen.setup() IS NULL AS set_up \gset
SELECT sg_gen.plan(20271, 90, '2025-04-07', '2025-12-19') AS planned \gset
SELECT sg_gen.plan_council(20272, 160, '2025-04-07', '2025-12-19') AS planned_council \gset
SELECT sg_gen.execute(:'as_of') AS steps \gset
CREATE ROLE t27_nobody LOGIN;

-- The intent at as_of: each council enquiry's state, age and team; each referral's.
CREATE TEMP VIEW t27_intent AS
SELECT p.n, o.id AS la_id, o.division, p.team, p.decision, p.decide_at,
       CASE WHEN p.close_at < :'as_of' THEN 'closed' WHEN p.conclude_at < :'as_of' THEN 'concluded'
            WHEN p.start_at < :'as_of' THEN 'in_progress' WHEN p.allocate_at < :'as_of' THEN 'allocated'
            ELSE 'decided' END AS state,
       safeguard.working_days_between(safeguard.local_date(p.decide_at), safeguard.local_date(:'as_of'), o.division) AS age,
       p.conclude_at < :'as_of' AS concluded, p.action_result, p.lacked_capacity, p.msp_asked, p.msp_achieved
FROM sg_gen.council_plan p
JOIN sg_gen.org g ON g.code = p.la_code
JOIN safeguard.organisation o ON o.id = g.id
WHERE p.decision <> 'no_enquiry' AND p.decide_at < :'as_of';
GRANT SELECT ON t27_intent TO PUBLIC;
CREATE TEMP TABLE t27_gen_la AS SELECT id FROM sg_gen.org WHERE kind = 'local_authority';
GRANT SELECT ON t27_gen_la TO PUBLIC;
SELECT id AS la1 FROM sg_gen.org WHERE code = 'GEN-LA1' \gset
SELECT id AS la2 FROM sg_gen.org WHERE code = 'GEN-LA2' \gset

--------------------------------------------------------------------------
-- 1. The generator drove the council pathway, leaving work in every state
--------------------------------------------------------------------------
SELECT set_eq($$SELECT DISTINCT e.state::text FROM safeguard.la_enquiry e JOIN sg_gen.council_plan p ON p.enquiry_id = e.id$$,
              ARRAY['decided', 'allocated', 'in_progress', 'concluded', 'closed'],
              'the council plan leaves enquiries in every state');
SELECT is_empty($$SELECT i.n FROM t27_intent i JOIN sg_gen.council_plan p USING (n)
                  LEFT JOIN safeguard.la_enquiry e ON e.id = p.enquiry_id
                  WHERE e.state::text IS DISTINCT FROM i.state$$,
                'every enquiry is in the state the plan intends at as_of');
SELECT results_eq($$SELECT d.decision::text, count(*) FROM safeguard.concern_decision d
                    JOIN sg_gen.council_plan p ON p.concern_id = d.concern_id GROUP BY 1 ORDER BY 1$$,
                  $$SELECT decision::text, count(*) FROM sg_gen.council_plan WHERE decide_at < '2026-01-21 12:00+00'
                    GROUP BY 1 ORDER BY 1$$,
                  'every decision the plan made, by kind (no enquiry with its alternative action)');
SELECT cmp_ok((SELECT count(DISTINCT x.source) FROM safeguard.concern x JOIN sg_gen.council_plan p ON p.concern_id = x.id),
              '>=', 10::bigint, 'the concerns come from the council''s sources (ambulance service, police, GP, ...)');
SELECT results_eq($$SELECT (SELECT count(*) FROM safeguard.la_enquiry_strategy s JOIN sg_gen.council_plan p ON p.enquiry_id = s.enquiry_id),
                           (SELECT count(*) FROM safeguard.la_enquiry_plan s JOIN sg_gen.council_plan p ON p.enquiry_id = s.enquiry_id),
                           (SELECT count(*) FROM safeguard.la_enquiry e JOIN sg_gen.council_plan p ON p.enquiry_id = e.id
                             WHERE e.retrospective AND e.state = 'closed' AND e.feedback_at IS NOT NULL)$$,
                  $$SELECT count(*) FILTER (WHERE strategy_at < '2026-01-21 12:00+00'),
                           count(*) FILTER (WHERE plan_at < '2026-01-21 12:00+00'),
                           count(*) FILTER (WHERE date_of_death IS NOT NULL AND close_at < '2026-01-21 12:00+00' AND NOT anonymous)
                    FROM sg_gen.council_plan$$,
                  'strategy discussions, plans and retrospective enquiries closed with feedback, as planned');
SELECT cmp_ok((SELECT count(*) FROM sg_gen.council_plan c JOIN sg_gen.plan m ON m.person = c.person
               WHERE c.decision <> 'no_enquiry' AND m.la_decision IN ('section_42_enquiry', 'other_enquiry')),
              '>', 0::bigint, 'some adults have enquiries in both pathways');

--------------------------------------------------------------------------
-- 2. report_unallocated: the virtual worker caseload by authority and team
--------------------------------------------------------------------------
SELECT results_eq($$SELECT la_id, team, with_la, allocated, unallocated, oldest_unallocated_working_days,
                           unallocated_over_20_working_days
                    FROM safeguard.report_unallocated
                    WHERE pathway = 'council_enquiry' AND la_id IN (SELECT id FROM t27_gen_la) ORDER BY 1, 2$$,
                  $$SELECT la_id, team, count(*), count(*) FILTER (WHERE state <> 'decided'),
                           count(*) FILTER (WHERE state = 'decided'), max(age) FILTER (WHERE state = 'decided'),
                           count(*) FILTER (WHERE state = 'decided' AND age > 20)
                    FROM t27_intent WHERE state <> 'closed' GROUP BY 1, 2 ORDER BY 1, 2$$,
                  'open council enquiries, allocated and not, with the oldest unallocated''s working days, per authority and deciding team');
SELECT results_eq($$SELECT la_id, team, median_unallocated_working_days FROM safeguard.report_unallocated
                    WHERE pathway = 'council_enquiry' AND la_id IN (SELECT id FROM t27_gen_la) ORDER BY 1, 2$$,
                  $$SELECT la_id, team, (percentile_cont(0.5) WITHIN GROUP (ORDER BY age) FILTER (WHERE state = 'decided'))::numeric
                    FROM t27_intent WHERE state <> 'closed' GROUP BY 1, 2 ORDER BY 1, 2$$,
                  '... and their median age');
SELECT cmp_ok((SELECT sum(unallocated) FROM safeguard.report_unallocated
               WHERE pathway = 'council_enquiry' AND la_id IN (SELECT id FROM t27_gen_la)), '>=', 5::numeric,
              'the virtual worker holds enquiries (not a trivially empty caseload)');
SELECT set_eq($$SELECT DISTINCT team FROM safeguard.report_unallocated
                WHERE pathway = 'council_enquiry' AND la_id IN (SELECT id FROM t27_gen_la)$$,
              ARRAY['Safeguarding Hub', 'Locality Team'], 'both deciding teams appear');
SELECT results_eq($$SELECT la_id, with_la, allocated, unallocated FROM safeguard.report_unallocated
                    WHERE pathway = 'referral' AND la_id IN (SELECT id FROM t27_gen_la) ORDER BY 1$$,
                  $$SELECT g.id, count(*), count(*) FILTER (WHERE p.allocate_at < '2026-01-21 12:00+00'),
                           count(*) FILTER (WHERE p.allocate_at IS NULL OR p.allocate_at >= '2026-01-21 12:00+00')
                    FROM sg_gen.plan p JOIN sg_gen.org g ON g.code = p.la_code
                    WHERE p.sent_at + interval '10 minutes' < '2026-01-21 12:00+00'
                      AND (p.close_at IS NULL OR p.close_at >= '2026-01-21 12:00+00')
                    GROUP BY 1 ORDER BY 1$$,
                  'the referrals with each authority stay, one row each, with no team');
SELECT is((SELECT count(*) FROM safeguard.report_unallocated WHERE pathway = 'referral' AND team IS NOT NULL), 0::bigint,
          'a referral row has no team');

--------------------------------------------------------------------------
-- 3. sac_return: both pathways' enquiries, each once
--------------------------------------------------------------------------
CREATE TEMP VIEW t27_sac_enquiries AS
SELECT g.id AS la_id, p.la_decision AS kind, p.decide_at, p.outcome_at < '2026-01-21 12:00+00' AS concluded,
       p.outcome_at AS concluded_at, p.action_result, p.lacked_capacity, p.msp_asked
FROM sg_gen.plan p JOIN sg_gen.org g ON g.code = p.la_code
WHERE p.la_decision IN ('section_42_enquiry', 'other_enquiry') AND p.decide_at < '2026-01-21 12:00+00'
UNION ALL
SELECT i.la_id, i.decision, i.decide_at, i.concluded, p.conclude_at, i.action_result, i.lacked_capacity, i.msp_asked
FROM t27_intent i JOIN sg_gen.council_plan p USING (n);
CREATE TEMP TABLE t27_ret AS SELECT * FROM safeguard.sac_return(2025) WHERE "LA_ID" IN (SELECT id FROM t27_gen_la);
SELECT results_eq($$SELECT "LA_ID", "ENQUIRY_TYPE", "VALUE" FROM t27_ret
                    WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" <> 'Safeguarding Concerns' ORDER BY 1, 2$$,
                  $$SELECT l.id, t.e, count(n.la_id) FROM t27_gen_la l
                    CROSS JOIN (VALUES ('Other Enquiries', 'other_enquiry'), ('Section 42 Enquiries', 'section_42_enquiry')) t(e, k)
                    LEFT JOIN t27_sac_enquiries n ON n.la_id = l.id AND n.kind::text = t.k
                         AND safeguard.local_date(n.decide_at) <@ daterange('2025-04-01', '2026-04-01')
                    GROUP BY 1, 2 ORDER BY 1, 2$$,
                  'SG1f: section 42 and other enquiries commenced in the year, the referrals'' and the council''s');
SELECT cmp_ok((SELECT sum("VALUE") FROM t27_ret WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" = 'Section 42 Enquiries'),
              '>', (SELECT count(*) FROM sg_gen.plan WHERE la_decision = 'section_42_enquiry')::numeric,
              'more section 42 enquiries than the referral pathway alone has');
SELECT results_eq($$SELECT "LA_ID", "CATEGORY", "VALUE" FROM t27_ret WHERE "TABLE_REFERENCE" = 'SG2c' AND "VALUE" > 0 ORDER BY 1, 2$$,
                  $$SELECT la_id, action_result::text, count(*) FROM t27_sac_enquiries
                    WHERE kind = 'section_42_enquiry' AND concluded
                      AND safeguard.local_date(concluded_at) <@ daterange('2025-04-01', '2026-04-01')
                    GROUP BY 1, 2 ORDER BY 1, 2$$,
                  'SG2c: concluded section 42 enquiries of both pathways by action and result');
SELECT results_eq($$SELECT "LA_ID", "CATEGORY", "VALUE" FROM t27_ret WHERE "TABLE_REFERENCE" = 'SG3a' AND "VALUE" > 0
                      AND "CATEGORY" NOT LIKE 'Of the enquiries%' ORDER BY 1, 2$$,
                  $$SELECT la_id, coalesce(lacked_capacity::text, 'Not recorded'), count(*) FROM t27_sac_enquiries
                    WHERE kind = 'section_42_enquiry' AND concluded
                      AND safeguard.local_date(concluded_at) <@ daterange('2025-04-01', '2026-04-01')
                    GROUP BY 1, 2 ORDER BY 1, 2$$,
                  'SG3a: capacity, Not recorded for the retrospective enquiries (an adult who has died)');
SELECT results_eq($$SELECT "LA_ID", sum("VALUE") FILTER (WHERE "CATEGORY" LIKE 'Yes they were asked%'),
                           sum("VALUE") FILTER (WHERE "CATEGORY" = 'Not Recorded')
                    FROM t27_ret WHERE "TABLE_REFERENCE" = 'SG4a' GROUP BY 1 ORDER BY 1$$,
                  $$SELECT l.id, count(n.la_id) FILTER (WHERE n.msp_asked::text LIKE 'Yes%')::numeric,
                           count(n.la_id) FILTER (WHERE n.msp_asked IS NULL)::numeric
                    FROM t27_gen_la l LEFT JOIN t27_sac_enquiries n ON n.la_id = l.id AND n.kind = 'section_42_enquiry'
                         AND n.concluded AND safeguard.local_date(n.concluded_at) <@ daterange('2025-04-01', '2026-04-01')
                    GROUP BY 1 ORDER BY 1$$,
                  'SG4a: Making Safeguarding Personal asked, and not recorded');

--------------------------------------------------------------------------
-- 4. Who reads them
--------------------------------------------------------------------------
CREATE TEMP TABLE t27_unalloc AS SELECT * FROM safeguard.report_unallocated;
GRANT SELECT ON t27_unalloc, t27_ret TO PUBLIC;
SET ROLE gen_la2_hub;
SELECT set_eq($$SELECT * FROM safeguard.report_unallocated$$,
              format($$SELECT * FROM t27_unalloc WHERE la_id = %s$$, :la2),
              'an officer of authority 2 sees authority 2''s caseload and nothing of the others''');
SELECT is((SELECT count(*) FROM safeguard.sac_return(2025, la_id => :la1)), 0::bigint,
          '... and nothing of authority 1''s return');
SELECT is((SELECT count(*) FROM safeguard.council_enquiries() WHERE la_id <> :la2), 0::bigint,
          '... nor of its enquiries');
RESET ROLE;
SET ROLE gen_reader_la1;
SELECT set_eq($$SELECT * FROM safeguard_reporting.report_unallocated$$,
              format($$SELECT * FROM t27_unalloc WHERE la_id = %s$$, :la1),
              'authority 1''s reader counts its caseload (through safeguard_reporting, as a BI tool does)');
SELECT set_eq($$SELECT * FROM safeguard.sac_return(2025)$$, format($$SELECT * FROM t27_ret WHERE "LA_ID" = %s$$, :la1),
              '... and its return, as the superuser counts it');
SELECT throws_ok('SELECT allocated_to FROM safeguard.la_enquiry', '42501', NULL,
                 'the reader counts but cannot read who an enquiry is allocated to (42501)');
SELECT throws_ok('SELECT rationale FROM safeguard.concern_decision', '42501', NULL,
                 'nor a decision''s rationale (42501)');
RESET ROLE;
SET ROLE gen_cc;
SELECT is((SELECT count(*) FROM safeguard.report_unallocated WHERE pathway = 'council_enquiry'), 0::bigint,
          'the regulator''s contact centre reads the caseload of referrals, without the councils'' enquiries (no 42501)');
RESET ROLE;
SET ROLE t27_nobody;
SELECT throws_ok('SELECT * FROM safeguard.report_unallocated', '42501', NULL, 'a role with no duty cannot read the caseload (42501)');
SELECT throws_ok('SELECT * FROM safeguard.council_enquiries()', '42501', NULL, 'nor the council''s enquiries (42501)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
