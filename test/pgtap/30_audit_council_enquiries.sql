-- Case-file audits of a council's own enquiries (issue 17 item 1 over issue 16's
-- pathway): a local authority's programme samples its la_enquiry rows decided in the
-- period, never draws an auditor an enquiry they acted on, keeps the draw verifiable,
-- and shows nothing to another authority; the regulator does not audit a council's
-- own enquiries.  SQLSTATEs only.
BEGIN;
SELECT plan(27);

\set fixture TAP30
\set clock '2026-02-09 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority'
\set cast 'sg30_cqcadmin=admin@cqc sg30_sam=sam@laa sg30_off1=la_officer@laa sg30_off2=la_officer@laa'
\set cast :cast ' sg30_samb=sam@lab sg30_offb=la_officer@lab sg30_admin=admin@laa sg30_adminb=admin@lab sg30_nobody'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- 1. Fixture: four enquiries of authority A decided in February 2026 (off1
-- decides the first two, off2 the others; the SAM allocates the last to off1),
-- one of authority B.
--------------------------------------------------------------------------
SET ROLE sg30_off1;
SELECT array_agg(safeguard.log_concern('2026-02-09 09:00+00', 'phone', 'ambulance_service', format('Concern %s.', n),
                 '{Physical Abuse}', la_id => :laa, referrer_anonymous => true) ORDER BY n) AS concerns
FROM generate_series(1, 4) AS n \gset
SELECT array_agg(safeguard.decide_concern(c, 'section_42_enquiry', 'Care needs, abuse alleged, cannot protect self.',
                 true, true, true) ORDER BY n) AS e12
FROM unnest((:'concerns'::bigint[])[1:2]) WITH ORDINALITY AS x (c, n) \gset
RESET ROLE;
SET ROLE sg30_off2;
SELECT array_agg(safeguard.decide_concern(c, 'section_42_enquiry', 'Care needs, abuse alleged, cannot protect self.',
                 true, true, true) ORDER BY n) AS e34
FROM unnest((:'concerns'::bigint[])[3:4]) WITH ORDINALITY AS x (c, n) \gset
RESET ROLE;
SELECT (:'e34'::bigint[])[2] AS e4 \gset
SET ROLE sg30_sam;
SELECT safeguard.allocate_enquiry(:e4, 'sg30_off1') AS allocated \gset
RESET ROLE;
SET ROLE sg30_offb;
SELECT safeguard.log_concern('2026-02-09 09:00+00', 'phone', 'police', 'Concern at B.', '{Physical Abuse}',
                             la_id => :lab, referrer_anonymous => true) AS cb \gset
SELECT safeguard.decide_concern(:cb, 'section_42_enquiry', 'Care needs, abuse alleged, cannot protect self.',
                                true, true, true) AS eb \gset
RESET ROLE;
-- Eight more, decided by officers of two teams: North (n1 three, n2 two), South (s1 three).
CREATE ROLE sg30_n1 LOGIN;
CREATE ROLE sg30_n2 LOGIN;
CREATE ROLE sg30_s1 LOGIN;
SELECT safeguard.grant_duty('sg30_n1', 'la_officer', :laa, 'North') IS NOT NULL AS g1,
       safeguard.grant_duty('sg30_n2', 'la_officer', :laa, 'North') IS NOT NULL AS g2,
       safeguard.grant_duty('sg30_s1', 'la_officer', :laa, 'South') IS NOT NULL AS g3 \gset
SELECT format('SET ROLE %s; SELECT safeguard.decide_concern(safeguard.log_concern(''2026-02-09 09:00+00'', ''phone'', '
              '''police'', ''Team concern.'', ''{Physical Abuse}'', la_id => %s, referrer_anonymous => true), '
              '''section_42_enquiry'', ''Care needs, abuse alleged, cannot protect self.'', true, true, true); RESET ROLE;',
              r, :laa)
FROM unnest(ARRAY['sg30_n1', 'sg30_n1', 'sg30_n1', 'sg30_n2', 'sg30_n2', 'sg30_s1', 'sg30_s1', 'sg30_s1']) AS r \gexec
SELECT safeguard.set_clock('2026-03-02 10:00+00') IS NOT NULL AS moved \gset

--------------------------------------------------------------------------
-- 2. The programme and its draw
--------------------------------------------------------------------------
SET ROLE sg30_nobody;
SELECT throws_ok($$SELECT safeguard.define_audit_tool('Mine', ARRAY['Q?'])$$, '42501', NULL,
                 'a role with no duty cannot define an audit tool');
RESET ROLE;
SET ROLE sg30_sam;
SELECT safeguard.define_audit_tool('Section 42 enquiry audit',
    ARRAY['Was the adult asked what outcomes they wanted?', 'Was the enquiry proportionate?']) AS tool \gset
SELECT lives_ok(format($$SELECT safeguard.define_audit_programme('Enquiry audits, March 2026', 'la_enquiry', %s, 1,
                          '2026-02-01', '2026-02-28', ARRAY['sg30_off1', 'sg30_off2']::regrole[])$$, :tool),
                'an authority''s SAM defines a programme over its own enquiries');
SELECT id AS prog FROM safeguard.audit_programme WHERE name = 'Enquiry audits, March 2026' \gset
SELECT safeguard.define_audit_programme('Enquiry audits, last year', 'la_enquiry', :tool, 1, '2025-01-01', '2025-01-31',
    ARRAY['sg30_off1']::regrole[]) AS prog_empty \gset
SELECT throws_ok(format($$SELECT safeguard.select_audit_sample(%s, '2026-03-01')$$, :prog_empty), 'SG903', NULL,
                 'a programme over a period with no enquiries draws nothing (SG903)');
SELECT safeguard.select_audit_sample(:prog, '2026-03-15', 20260302) AS sel \gset
SELECT is((SELECT candidates FROM safeguard.audit_selection WHERE id = :sel),
          (SELECT array_agg(id ORDER BY id) FROM safeguard.la_enquiry WHERE la_id = :laa),
          'the candidates are the authority''s twelve enquiries decided in the period, not B''s');
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit WHERE selection_id = :sel), 2,
          '2 auditors x 1 a month: two audits drawn');
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit a JOIN safeguard.la_enquiry e ON e.id = a.record_id
           WHERE a.selection_id = :sel
             AND a.auditor IN (e.decided_by, e.allocated_to, e.allocated_by)), 0,
          'nobody is drawn an enquiry they decided, were allocated or allocated');
SELECT is((SELECT cardinality(conflict_records) FROM safeguard.audit_selection WHERE id = :sel), 5,
          'the five conflicts are recorded (four deciders, one allocation to off1)');
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit a JOIN safeguard.la_enquiry e ON e.id = a.record_id
           WHERE a.selection_id = :sel AND a.practitioner = coalesce(e.allocated_to, e.decided_by)), 2,
          'the practitioner is the allocated officer, else who decided');
SELECT ok(safeguard.verify_audit_selection(:sel), 'the draw derives again from what the selection recorded');
SELECT a.id AS audit_off2, e.decided_by::text AS decider_of_off2s
FROM safeguard.case_file_audit a JOIN safeguard.la_enquiry e ON e.id = a.record_id
WHERE a.selection_id = :sel AND a.auditor = 'sg30_off2'::regrole \gset
SELECT throws_ok(format($$SELECT safeguard.reassign_case_file_audit(%s, %L)$$, :audit_off2, :'decider_of_off2s'),
                 'SG904', NULL, 'reassigning an audit to the officer who decided the enquiry is refused (SG904)');
SELECT throws_ok(format($$SELECT safeguard.reassign_case_file_audit(%s, 'sg30_offb')$$, :audit_off2),
                 'SG906', NULL, 'an officer of another authority cannot be given the audit (SG906)');
RESET ROLE;

--------------------------------------------------------------------------
-- 2b. A quota per team: at most two of each team's work a month
--------------------------------------------------------------------------
SET ROLE sg30_sam;
SELECT throws_ok(format($$SELECT safeguard.define_audit_programme('T', 'la_enquiry', %s, 10, '2026-02-01', '2026-02-28',
                          ARRAY['sg30_off1', 'sg30_off2']::regrole[], 0)$$, :tool), 'SG906', NULL,
                 'a quota of zero per team is refused (SG906)');
SELECT safeguard.define_audit_programme('Enquiry audits by team', 'la_enquiry', :tool, 10, '2026-02-01', '2026-02-28',
    ARRAY['sg30_off1', 'sg30_off2']::regrole[], per_team_per_month => 2) AS prog_team \gset
SELECT safeguard.select_audit_sample(:prog_team, '2026-03-15', 7) AS sel_team \gset
SELECT results_eq(format($$SELECT coalesce(t, '(none)'), count(*)::int FROM safeguard.audit_selection s,
                                 unnest(s.candidate_teams) AS t WHERE s.id = %s GROUP BY 1 ORDER BY 1$$, :sel_team),
                  $$VALUES ('(none)', 4), ('North', 5), ('South', 3)$$,
                  'the draw records each candidate''s team: four with none recorded, five North, three South');
SELECT results_eq(format($$SELECT coalesce(practitioner_team, '(none)'), count(*)::int FROM safeguard.case_file_audit
                          WHERE selection_id = %s GROUP BY 1 ORDER BY 1$$, :sel_team),
                  $$VALUES ('(none)', 2), ('North', 2), ('South', 2)$$,
                  'two of each team''s work are drawn, though the auditors could take twenty');
SELECT ok(safeguard.verify_audit_selection(:sel_team), 'a draw with a team quota derives again from the selection');
SELECT results_eq(format('SELECT planned, selected FROM safeguard.case_file_audit_coverage WHERE selection_id = %s', :sel_team),
                  $$VALUES (6::bigint, 6::bigint)$$, 'coverage plans three teams x two');
SELECT results_eq(format('SELECT planned, selected FROM safeguard.case_file_audit_coverage WHERE selection_id = %s', :sel),
                  $$VALUES (2::bigint, 2::bigint)$$, 'a programme without a team quota still plans auditors x per auditor');
RESET ROLE;

--------------------------------------------------------------------------
-- 3. The practitioner is told: completing the audit writes an outbox notice
-- naming the audit, the record and the practitioner (not the findings).
--------------------------------------------------------------------------
SELECT coalesce(max(id), 0) AS outbox_before FROM safeguard.outbox \gset
SET ROLE sg30_off2;
SELECT count(safeguard.grade_audit_question(:audit_off2, q, 'good', 'Recorded clearly.')) AS graded
FROM generate_series(1, 2) AS q \gset
SELECT safeguard.complete_case_file_audit(:audit_off2, 'Good practice; record the adult''s words verbatim.') AS completed \gset
RESET ROLE;
SELECT is((SELECT count(*)::int FROM safeguard.outbox
           WHERE id > :outbox_before AND payload ->> 'event' = 'audit_findings'), 1,
          'completing the audit writes one audit_findings notice');
SELECT results_eq(format($$SELECT (payload ->> 'audit_id')::bigint, (payload ->> 'organisation_id')::bigint,
                                 payload ->> 'record_kind', payload ->> 'practitioner', payload ? 'summary'
                          FROM safeguard.outbox WHERE payload ->> 'event' = 'audit_findings'$$),
                  format($$SELECT a.id, %s::bigint, 'la_enquiry', a.practitioner::text, false
                          FROM safeguard.case_file_audit a WHERE a.id = %s$$, :laa, :audit_off2),
                  'it names the audit, the authority, the kind and the practitioner, not the findings');
SET ROLE sg30_admin;
SELECT is((SELECT count(*)::int FROM safeguard.outbox WHERE payload ->> 'event' = 'audit_findings'), 1,
          'the authority''s administrator (its outbox consumer) reads the notice');
RESET ROLE;
SET ROLE sg30_adminb;
SELECT is((SELECT count(*)::int FROM safeguard.outbox WHERE payload ->> 'event' = 'audit_findings'), 0,
          'another authority''s administrator does not');
RESET ROLE;
SELECT practitioner::text AS practitioner_off2 FROM safeguard.case_file_audit WHERE id = :audit_off2 \gset
SET ROLE :practitioner_off2;
SELECT is((SELECT state::text FROM safeguard.case_file_audit WHERE id = :audit_off2), 'completed',
          'the practitioner reads the completed audit of their work, to acknowledge it');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. Who else may: the regulator, another authority, a role with no duty
--------------------------------------------------------------------------
SET ROLE sg30_cqcadmin;
SELECT safeguard.define_audit_tool('Regulator tool', ARRAY['Q?']) AS cqc_tool \gset
SELECT throws_ok(format($$SELECT safeguard.define_audit_programme('R', 'la_enquiry', %s, 1, '2026-02-01', '2026-02-28',
                          ARRAY['sg30_cqcadmin']::regrole[])$$, :cqc_tool), 'SG906', NULL,
                 'the regulator does not audit a council''s own enquiries (SG906)');
RESET ROLE;
SET ROLE sg30_samb;
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit), 0, 'another authority''s SAM sees none of A''s audits');
SELECT is((SELECT count(*)::int FROM safeguard.audit_selection), 0, '... nor its draws');
SELECT throws_ok(format($$SELECT safeguard.select_audit_sample(%s, '2026-04-01')$$, :prog), 'SG208', NULL,
                 '... and cannot draw from A''s programme: it is not there (SG208)');
RESET ROLE;
SET ROLE sg30_nobody;
SELECT throws_ok('SELECT count(*) FROM safeguard.case_file_audit', '42501', NULL,
                 'a role with no duty cannot read case-file audits at all');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
