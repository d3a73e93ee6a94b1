-- Assurance (issue 17): case-file audit programmes over referrals and provider
-- enquiries, driven end to end (tool, programme, the recorded random draw,
-- grades, completion, acknowledgement, actions on the deadline ladder,
-- reports), and Safeguarding Adults Reviews (referral, the board's decision,
-- the review with its people and action plan, SG5).  Every refusal asserted
-- by SQLSTATE, and every bypass tried: raw DML, MERGE, COPY, as a role
-- without a duty and as the staff of another authority.
BEGIN;
SELECT plan(141);

\set fixture TAP23
\set clock '2026-02-09 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority'
\set cast 'sg23_insp=inspector@cqc sg23_insp2=inspector@cqc sg23_cc=contact_centre@cqc sg23_cqcadmin=admin@cqc sg23_sam=sam@laa sg23_dsam=admin@laa sg23_off1=la_officer@laa sg23_off2=la_officer@laa sg23_samb=sam@lab sg23_offb=la_officer@lab sg23_reader=reader@laa sg23_readerb=reader@lab sg23_nobody'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- 1. Fixture: seven referrals sent to authority A in February 2026 (off1
-- acknowledges the first three, off2 the rest), one to authority B.
--------------------------------------------------------------------------
SET ROLE sg23_insp;
SELECT array_agg(safeguard.log_concern('2026-02-09 09:00+00', 'phone', 'anonymous', format('Concern %s.', n),
                 '{Neglect and Acts of Omission}', la_id => CASE WHEN n = 8 THEN :lab ELSE :laa END,
                 referrer_anonymous => true) ORDER BY n) AS concerns
FROM generate_series(1, 8) AS n \gset
SELECT array_agg(safeguard.triage_concern(c, 'refer_to_la', 'Neglect of an adult with care needs.', true, true, true)
                 ORDER BY n) AS refs
FROM unnest(:'concerns'::bigint[]) WITH ORDINALITY AS x (c, n) \gset
RESET ROLE;
SET ROLE sg23_cc;
SELECT count(safeguard.send_referral(r, 'phone')) AS sent FROM unnest(:'refs'::bigint[]) AS r \gset
RESET ROLE;
SELECT (:'refs'::bigint[])[1] AS r1, (:'refs'::bigint[])[4] AS r4, (:'refs'::bigint[])[8] AS rb \gset
SELECT case_id AS case1 FROM safeguard.referral WHERE id = :r1 \gset
SELECT case_id AS case4 FROM safeguard.referral WHERE id = :r4 \gset
SELECT case_id AS caseb FROM safeguard.referral WHERE id = :rb \gset
SET ROLE sg23_off1;
SELECT count(safeguard.acknowledge_referral(r)) AS acked1 FROM unnest((:'refs'::bigint[])[1:3]) AS r \gset
RESET ROLE;
SET ROLE sg23_off2;
SELECT count(safeguard.acknowledge_referral(r)) AS acked2 FROM unnest((:'refs'::bigint[])[4:7]) AS r \gset
RESET ROLE;
SELECT safeguard.set_clock('2026-03-02 10:00+00') IS NOT NULL AS moved \gset
-- A careless DBA grants the SAM and an officer every write privilege on the
-- assurance tables: the triggers still decide.
GRANT INSERT, UPDATE, DELETE ON safeguard.audit_tool, safeguard.audit_question, safeguard.audit_programme,
    safeguard.case_file_audit, safeguard.audit_answer, safeguard.sar_referral, safeguard.sar_person
    TO sg23_sam, sg23_off1;

--------------------------------------------------------------------------
-- 2. The tool and the programme: refusals first.
--------------------------------------------------------------------------
SET ROLE sg23_off1;
SELECT throws_ok($$SELECT safeguard.define_audit_tool('Mine', ARRAY['Q?'])$$, '42501', NULL,
                 'an officer cannot define an audit tool (42501: SAM or DSAM)');
RESET ROLE;
SET ROLE sg23_sam;
SELECT safeguard.define_audit_tool('Referral decision audit',
    ARRAY['Was the referral acknowledged in time?', 'Is the rationale of each decision recorded?']) AS tool \gset
SELECT safeguard.define_audit_tool('Empty tool', '{}'::text[]) AS empty_tool \gset
SELECT results_eq(format('SELECT organisation_id, version, created_by::text FROM safeguard.audit_tool WHERE id = %s', :tool),
                  format('VALUES (%s::bigint, 1, ''sg23_sam'')', :laa),
                  'the tool is the author''s organisation''s, version 1, stamped by safeguard');
SELECT results_eq(format('SELECT position, question FROM safeguard.audit_question WHERE tool_id = %s ORDER BY 1', :tool),
                  $$VALUES (1, 'Was the referral acknowledged in time?'), (2, 'Is the rationale of each decision recorded?')$$,
                  'its questions are numbered in order');
SELECT safeguard.define_audit_tool('Referral decision audit', ARRAY['Q']) AS tool_v2 \gset
SELECT is((SELECT version FROM safeguard.audit_tool WHERE id = :tool_v2), 2, 'defining the same name again makes version 2');
SELECT throws_ok(format($$SELECT safeguard.define_audit_programme('P', 'referral', %s, 2, '2026-02-01', '2026-02-28',
                          ARRAY['sg23_off1']::regrole[])$$, :empty_tool), 'SG901', NULL,
                 'a programme over a tool with no questions is refused (SG901)');
SELECT throws_ok(format($$SELECT safeguard.define_audit_programme('P', 'referral', %s, 0, '2026-02-01', '2026-02-28',
                          ARRAY['sg23_off1']::regrole[])$$, :tool), 'SG906', NULL,
                 'zero audits per auditor per month is refused (SG906)');
SELECT throws_ok(format($$SELECT safeguard.define_audit_programme('P', 'referral', %s, 2, '2026-03-01', '2026-02-01',
                          ARRAY['sg23_off1']::regrole[])$$, :tool), 'SG906', NULL,
                 'an inverted period is refused (SG906)');
SELECT throws_ok(format($$SELECT safeguard.define_audit_programme('P', 'referral', %s, 2, '2026-02-01', '2026-02-28',
                          ARRAY['sg23_offb']::regrole[])$$, :tool), 'SG906', NULL,
                 'an auditor of another authority is refused (SG906)');
SELECT throws_ok(format($$SELECT safeguard.define_audit_programme('P', 'referral', %s, 2, '2026-02-01', '2026-02-28',
                          '{}'::regrole[])$$, :tool), 'SG906', NULL, 'a programme without auditors is refused (SG906)');
SELECT safeguard.define_audit_programme('Referral audits, March 2026', 'referral', :tool, 2, '2026-02-01', '2026-02-28',
    ARRAY['sg23_off1', 'sg23_off2']::regrole[]) AS prog \gset
SELECT safeguard.define_audit_programme('Last year', 'referral', :tool, 2, '2025-01-01', '2025-01-31',
    ARRAY['sg23_off1']::regrole[]) AS prog_empty \gset
SELECT throws_ok(format($$INSERT INTO safeguard.audit_question (tool_id, question) VALUES (%s, 'Late question?')$$, :tool),
                 'SG902', NULL, 'a tool a programme uses is frozen (SG902)');
SELECT throws_ok(format($$UPDATE safeguard.audit_programme SET per_auditor_per_month = 9 WHERE id = %s$$, :prog),
                 'SG204', NULL, 'a programme is kept as defined (SG204)');
SELECT throws_ok(format($$DELETE FROM safeguard.audit_tool WHERE id = %s$$, :tool), 'SG204', NULL,
                 'a tool is never deleted (SG204)');
SELECT throws_ok(format($$INSERT INTO safeguard.audit_programme (name, record_kind, tool_id, per_auditor_per_month,
                          sample_from, sample_to, auditors, organisation_id) VALUES ('P', 'referral', %s, 1, '2026-02-01',
                          '2026-02-28', ARRAY['sg23_off1']::regrole[], %s)$$, :tool, :lab), 'SG203', NULL,
                 'the organisation is not the client''s to supply (SG203)');

--------------------------------------------------------------------------
-- 3. The draw: random, reproducible, recorded, never an auditor's own work.
--------------------------------------------------------------------------
SELECT throws_ok(format($$SELECT safeguard.select_audit_sample(%s, '2026-03-01')$$, :prog_empty), 'SG903', NULL,
                 'a programme sampling from an empty period draws nothing (SG903)');
SELECT safeguard.select_audit_sample(:prog, '2026-03-15', 20260302) AS sel \gset
SELECT results_eq(format('SELECT month, seed, cardinality(candidates), cardinality(auditors) FROM safeguard.audit_selection WHERE id = %s', :sel),
                  $$VALUES ('2026-03-01'::date, 20260302::bigint, 7, 2)$$,
                  'the selection keeps its month, seed, the seven candidates and the auditors');
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit WHERE selection_id = :sel), 4,
          '2 auditors x 2 a month: four audits drawn');
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit WHERE selection_id = :sel GROUP BY auditor HAVING count(*) <> 2), NULL,
          'each auditor gets two');
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit a JOIN safeguard.referral r ON r.id = a.record_id
           WHERE a.selection_id = :sel AND r.acknowledged_by = a.auditor), 0,
          'nobody is drawn a referral they acknowledged');
SELECT is((SELECT cardinality(conflict_records) FROM safeguard.audit_selection WHERE id = :sel), 7,
          'the seven conflicts (who acknowledged what) are recorded');
SELECT ok(safeguard.verify_audit_selection(:sel), 'the draw derives again from what the selection recorded');
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit a JOIN safeguard.referral r ON r.id = a.record_id
           WHERE a.selection_id = :sel AND a.practitioner = r.acknowledged_by), 4,
          'the practitioner is who acted for the authority (here who acknowledged)');
SELECT throws_ok(format($$SELECT safeguard.select_audit_sample(%s, '2026-03-20')$$, :prog), 'SG907', NULL,
                 'a month is drawn once (SG907)');
SELECT throws_ok(format($$SELECT safeguard.select_audit_sample(%s, NULL)$$, :prog), 'SG103', NULL,
                 'a selection needs its month (SG103)');
SELECT lives_ok(format($$SELECT safeguard.select_audit_sample(%s, '2026-04-01')$$, :prog),
                'April draws from what March left');
SELECT is((SELECT count(*)::int FROM (SELECT record_id FROM safeguard.case_file_audit WHERE programme_id = :prog
           GROUP BY record_id HAVING count(*) > 1) d), 0, 'no record is drawn twice by a programme');
SELECT throws_ok(format($$INSERT INTO safeguard.audit_selection (programme_id, organisation_id, month, seed, candidates,
                          auditors, conflict_records, conflict_auditors, selected_by, selected_at)
                          VALUES (%s, %s, '2026-05-01', 1, '{}', '{}', '{}', '{}', 'sg23_sam', now())$$, :prog, :laa),
                 NULL, NULL, 'a selection cannot be forged by INSERT');
SELECT throws_ok(format($$UPDATE safeguard.audit_selection SET seed = 1 WHERE id = %s$$, :sel), NULL, NULL,
                 'nor its seed changed');
SELECT a.id AS au1, a.record_id AS au1_record FROM safeguard.case_file_audit a
 WHERE a.selection_id = :sel AND a.auditor = 'sg23_off1'::regrole ORDER BY a.draw_position LIMIT 1 \gset
SELECT a.id AS au2 FROM safeguard.case_file_audit a
 WHERE a.selection_id = :sel AND a.auditor = 'sg23_off2'::regrole ORDER BY a.draw_position LIMIT 1 \gset
SELECT throws_ok(format($$SELECT safeguard.reassign_case_file_audit(%s, 'sg23_off2')$$, :au1), 'SG904', NULL,
                 'an audit cannot go to the officer who acknowledged the referral (SG904)');
SELECT throws_ok(format($$UPDATE safeguard.case_file_audit SET auditor = 'sg23_off2' WHERE id = %s$$, :au1), 'SG904', NULL,
                 'nor by a raw UPDATE (SG904)');
SELECT throws_ok(format($$UPDATE safeguard.case_file_audit SET record_id = record_id + 1 WHERE id = %s$$, :au1), 'SG203', NULL,
                 'which record was drawn cannot change (SG203)');
SELECT throws_ok(format($$MERGE INTO safeguard.case_file_audit t USING (VALUES (%s::bigint)) v (id) ON t.id = v.id
                          WHEN MATCHED THEN UPDATE SET state = 'completed', summary = 'Fine.'$$, :au1), '42501', NULL,
                 'MERGE: the SAM cannot complete an audit assigned to another (42501)');
SELECT throws_ok(format($$MERGE INTO safeguard.case_file_audit t USING (VALUES (-1::bigint)) v (id) ON t.id = v.id
                          WHEN NOT MATCHED THEN INSERT (selection_id, programme_id, organisation_id, record_kind, record_id,
                          drawn_for, auditor, draw_position) VALUES (%s, %s, %s, 'referral', %s, 'sg23_off1', 'sg23_off1', 1)$$,
                        :sel, :prog, :laa, :r1), 'SG203', NULL,
                 'MERGE cannot create an audit: audits come only from a draw (SG203)');
SELECT lives_ok(format($$SELECT safeguard.reassign_case_file_audit(%s, 'sg23_dsam')$$, :au1),
                'the SAM reassigns an audit to another auditor who did not act on it');
SELECT lives_ok(format($$SELECT safeguard.reassign_case_file_audit(%s, 'sg23_off1')$$, :au1), 'and back');
SELECT ok(safeguard.verify_audit_selection(:sel), 'a reassignment leaves the draw verifiable (drawn_for is kept)');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. Grading, completion, acknowledgement, actions.
--------------------------------------------------------------------------
SET ROLE sg23_off2;
SELECT throws_ok(format($$SELECT safeguard.grade_audit_question(%s, 1, 'good', 'In time.')$$, :au1), '42501', NULL,
                 'only the assigned auditor grades (42501)');
RESET ROLE;
SET ROLE sg23_off1;
SELECT throws_ok(format($$SELECT safeguard.grade_audit_question(%s, 3, 'good', 'x')$$, :au1), 'SG208', NULL,
                 'a question the tool does not have (SG208)');
SELECT throws_ok(format($$SELECT safeguard.grade_audit_question(%s, 1, 'good', ' ')$$, :au1), 'SG202', NULL,
                 'a grade needs its note (SG202)');
SELECT lives_ok(format($$SELECT safeguard.grade_audit_question(%s, 1, 'good', 'Acknowledged the same day.')$$, :au1),
                'the auditor grades question 1');
SELECT throws_ok(format($$SELECT safeguard.grade_audit_question(%s, 1, 'outstanding', 'Again.')$$, :au1), '23505', NULL,
                 'a question is graded once');
SELECT throws_ok(format($$UPDATE safeguard.audit_answer SET grade = 'outstanding' WHERE audit_id = %s$$, :au1), 'SG204', NULL,
                 'a grade is kept as given (SG204)');
SELECT throws_ok(format($$SELECT safeguard.complete_case_file_audit(%s, 'Good work.')$$, :au1), 'SG905', NULL,
                 'an audit with an ungraded question cannot complete (SG905)');
SELECT lives_ok(format($$SELECT safeguard.grade_audit_question(%s, 2, 'requires_improvement', 'No rationale for the decision.')$$, :au1),
                'question 2 graded');
SELECT throws_ok(format($$SELECT safeguard.add_audit_action(%s, 'Record rationales.', 'sg23_off2')$$, :au1), 'SG905', NULL,
                 'actions follow a completed audit (SG905)');
SELECT throws_ok(format($$SELECT safeguard.complete_case_file_audit(%s, '')$$, :au1), 'SG202', NULL,
                 'completing needs a summary (SG202)');
SELECT throws_ok(format($$UPDATE safeguard.case_file_audit SET state = 'completed', summary = 'x', completed_at = now() WHERE id = %s$$, :au1),
                 'SG203', NULL, 'when it completed is recorded by safeguard (SG203)');
SELECT is(safeguard.complete_case_file_audit(:au1, 'Timely; rationale missing.'), 'completed'::safeguard.case_file_audit_state,
          'the auditor completes the audit');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'case_file_audit' AND subject_id = :au1
           AND kind = 'audit_acknowledgement'), 'open', 'the practitioner''s acknowledgement is now due');
SELECT throws_ok(format($$SELECT safeguard.grade_audit_question(%s, 1, 'good', 'Late.')$$, :au1), 'SG905', NULL,
                 'a completed audit takes no more grades (SG905)');
SELECT throws_ok(format($$SELECT safeguard.acknowledge_case_file_audit(%s)$$, :au1), '42501', NULL,
                 'the auditor cannot acknowledge for the practitioner (42501)');
SELECT throws_ok(format($$SELECT safeguard.add_audit_action(%s, 'Record rationales.', 'sg23_offb')$$, :au1), 'SG908', NULL,
                 'an action''s owner works for the authority (SG908)');
SELECT throws_ok(format($$SELECT safeguard.add_audit_action(%s, 'Record rationales.', 'sg23_off2', 99)$$, :au1), 'SG908', NULL,
                 'an action''s timescale is within the policy''s (SG908)');
SELECT safeguard.add_audit_action(:au1, 'Record the rationale of every decision.', 'sg23_off2', 5) AS act \gset
SELECT results_eq(format($$SELECT kind, status::text, amount FROM safeguard.deadline WHERE subject_table = 'audit_action' AND subject_id = %s$$, :act),
                  $$VALUES ('audit_action', 'open', 5)$$, 'the action has its deadline on the policy''s ladder (5 working days)');
RESET ROLE;
SET ROLE sg23_off2;
SELECT is(safeguard.acknowledge_case_file_audit(:au1, 'Agreed.'), 'acknowledged'::safeguard.case_file_audit_state,
          'the practitioner acknowledges the findings');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'case_file_audit' AND subject_id = :au1),
          'met', 'the acknowledgement deadline is met');
SELECT throws_ok(format($$UPDATE safeguard.case_file_audit SET practitioner_comment = 'Changed.' WHERE id = %s$$, :au1),
                 'SG204', NULL, 'an acknowledged audit is kept as it is (SG204)');
SELECT throws_ok(format($$SELECT safeguard.complete_audit_action(%s, '')$$, :act), 'SG202', NULL,
                 'an action is done with a note of what was done (SG202)');
SELECT is(safeguard.complete_audit_action(:act, 'Team briefed; template changed.'), 'done'::safeguard.audit_action_status,
          'the owner records the action done');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'audit_action' AND subject_id = :act), 'met',
          'its deadline is met');
SELECT throws_ok(format($$UPDATE safeguard.audit_action SET done_note = 'Rewritten.' WHERE id = %s$$, :act), 'SG204', NULL,
                 'a done action is kept (SG204)');
RESET ROLE;
SET ROLE sg23_off1;
SELECT safeguard.add_audit_action(:au1, 'Share the learning at the team meeting.', 'sg23_off1') AS act2 \gset
RESET ROLE;

--------------------------------------------------------------------------
-- 5. Reports.
--------------------------------------------------------------------------
SET ROLE sg23_sam;
SELECT results_eq(format('SELECT planned, candidates, selected, completed, acknowledged, coverage_percent FROM safeguard.case_file_audit_coverage WHERE selection_id = %s', :sel),
                  $$VALUES (4::bigint, 7::bigint, 4::bigint, 1::bigint, 1::bigint, 25.0::numeric)$$,
                  'coverage against the programme: 4 planned, 4 drawn, 1 completed and acknowledged');
SELECT results_eq(format('SELECT question_position, team, month, grade::text, answers FROM safeguard.case_file_audit_grades WHERE programme_id = %s ORDER BY 1', :prog),
                  $$VALUES (1, 'No team recorded', '2026-03-01'::date, 'good', 1::bigint),
                           (2, 'No team recorded', '2026-03-01'::date, 'requires_improvement', 1::bigint)$$,
                  'grades by question, team and month');
SELECT results_eq('SELECT action_id, owner::text, overdue FROM safeguard.case_file_audit_actions_open',
                  format('VALUES (%s::bigint, ''sg23_off1'', false)', :act2),
                  'open actions: the one not yet done, with its owner');
RESET ROLE;

--------------------------------------------------------------------------
-- 6. The regulator audits referrals: never the inspector's own triage.
--------------------------------------------------------------------------
SET ROLE sg23_cqcadmin;
SELECT safeguard.define_audit_tool('Triage quality', ARRAY['Was the threshold decision sound?']) AS rtool \gset
SELECT throws_ok(format($$SELECT safeguard.define_audit_programme('P', 'provider_enquiry', %s, 1, '2026-02-01', '2026-02-28',
                          ARRAY['sg23_insp2']::regrole[])$$, :rtool), 'SG906', NULL,
                 'the regulator audits referrals, not provider enquiries (SG906)');
SELECT safeguard.define_audit_programme('Inspection manager''s referral audit', 'referral', :rtool, 1, '2026-02-01', '2026-02-28',
    ARRAY['sg23_insp', 'sg23_insp2']::regrole[]) AS rprog \gset
SELECT safeguard.select_audit_sample(:rprog, '2026-03-01') AS rsel \gset
SELECT results_eq(format('SELECT cardinality(candidates), auditor::text, practitioner::text FROM safeguard.audit_selection s JOIN safeguard.case_file_audit a ON a.selection_id = s.id WHERE s.id = %s', :rsel),
                  $$VALUES (8, 'sg23_insp2', 'sg23_insp')$$,
                  'every authority''s referrals are candidates; the inspector who triaged them all is drawn none, the other one');
SELECT ok(safeguard.verify_audit_selection(:rsel), 'the regulator''s draw verifies too (with a random seed)');
RESET ROLE;

--------------------------------------------------------------------------
-- 7. Safeguarding Adults Reviews.
--------------------------------------------------------------------------
SET ROLE sg23_off1;
SELECT throws_ok(format($$SELECT safeguard.refer_for_sar(%s, false, false, true, 'Agencies did not share.')$$, :case1),
                 'SG911', NULL, 'neither death nor serious abuse or neglect: not the criteria (SG911)');
SELECT throws_ok(format($$SELECT safeguard.refer_for_sar(%s, true, false, false, 'Died.')$$, :case1),
                 'SG911', NULL, 'no concern about how agencies worked together: not the criteria (SG911)');
SELECT throws_ok(format($$SELECT safeguard.refer_for_sar(%s, false, false, false, ' ', discretionary => true)$$, :case1),
                 'SG205', NULL, 'a discretionary referral needs its reason (SG205)');
SELECT throws_ok(format($$SELECT safeguard.refer_for_sar(%s, true, false, true, 'x')$$, :caseb),
                 'SG208', NULL, 'another authority''s case is not there (SG208)');
SELECT throws_ok(format($$SELECT safeguard.refer_for_sar(%s, true, false, true, 'x', referral_id => %s)$$, :case1, :r4),
                 'SG208', NULL, 'the referral must be the case''s (SG208)');
SELECT safeguard.refer_for_sar(:case1, true, false, true, 'Died after missed visits; GP and agency did not share.',
                               referral_id => :r1) AS sar1 \gset
SELECT safeguard.refer_for_sar(:case4, false, false, false, 'Learning about hospital discharge.', discretionary => true) AS sar2 \gset
SELECT results_eq(format('SELECT la_id, state::text, referred_by::text FROM safeguard.sar_referral WHERE id = %s', :sar1),
                  format('VALUES (%s::bigint, ''referred'', ''sg23_off1'')', :laa),
                  'the review belongs to the case''s authority, referred, stamped');
SELECT results_eq(format($$SELECT kind, status::text, amount IS NULL FROM safeguard.deadline WHERE subject_table = 'sar_referral' AND subject_id = %s$$, :sar1),
                  $$VALUES ('sar_decision', 'open', true)$$, 'the board''s decision is due (sar_decision, the policy''s 30 working days)');
SELECT is((SELECT amount FROM safeguard.deadline_rule r JOIN safeguard.deadline_policy p ON p.id = r.policy_id
           WHERE p.shipped AND r.kind = 'sar_decision'), 30, 'the default policy gives the board 30 working days');
SELECT throws_ok(format($$SELECT safeguard.decide_sar(%s, true, 'Criteria met.', 'A. Reviewer')$$, :sar1), '42501', NULL,
                 'an officer does not record the board''s decision (42501)');
SELECT throws_ok(format($$UPDATE safeguard.sar_referral SET criteria_note = 'Edited.' WHERE id = %s$$, :sar1), 'SG203', NULL,
                 'nor edits the referral, even with a hand-granted UPDATE (SG203)');
RESET ROLE;
SET ROLE sg23_sam;
SELECT throws_ok(format($$SELECT safeguard.decide_sar(%s, true, '   ', 'A. Reviewer')$$, :sar1), 'SG205', NULL,
                 'a decision without a rationale is refused (SG205)');
SELECT throws_ok(format($$SELECT safeguard.decide_sar(%s, true, 'Criteria met.')$$, :sar1), 'SG202', NULL,
                 'commissioning names the reviewer (SG202)');
SELECT throws_ok(format($$UPDATE safeguard.sar_referral SET state = 'completed', findings_summary = 'x' WHERE id = %s$$, :sar1),
                 'SG201', NULL, 'a review cannot complete before it is commissioned (SG201)');
SELECT throws_ok(format($$UPDATE safeguard.sar_referral SET la_id = %s WHERE id = %s$$, :lab, :sar1), 'SG203', NULL,
                 'the authority cannot be changed (SG203)');
SELECT throws_ok(format($$DELETE FROM safeguard.sar_referral WHERE id = %s$$, :sar1), 'SG204', NULL,
                 'a review is never deleted (SG204)');
SELECT throws_ok(format($$INSERT INTO safeguard.sar_referral (case_id, adult_died, agencies_concern, state) VALUES (%s, true, true, 'completed')$$, :case1),
                 'SG203', NULL, 'a review cannot be inserted completed (SG203)');
SELECT throws_ok(format($$SELECT safeguard.add_sar_action(%s, 'Too early.')$$, :sar1), 'SG912', NULL,
                 'the action plan follows the commissioning (SG912)');
SELECT is(safeguard.decide_sar(:sar1, true, 'Criteria met: death, and agencies did not share information.',
                               'A. Reviewer', 'Learning together'), 'commissioned'::safeguard.sar_state,
          'the board commissions the review, with its rationale and reviewer');
SELECT results_eq(format($$SELECT kind, status::text FROM safeguard.deadline WHERE subject_table = 'sar_referral' AND subject_id = %s ORDER BY kind$$, :sar1),
                  $$VALUES ('sar_completion', 'open'), ('sar_decision', 'met')$$,
                  'the decision deadline is met; the completion deadline opens');
SELECT throws_ok(format($$SELECT safeguard.complete_sar(%s, 'Findings.')$$, :sar1), 'SG912', NULL,
                 'a review cannot complete without its people and action plan (SG912)');
SELECT is(safeguard.add_sar_person(:sar1, true, case_id => :case1), 1, 'the adult who died is person 1');
SELECT is(safeguard.add_sar_person(:sar1, false), 2, 'a second individual, who survived serious harm, is person 2');
SELECT throws_ok(format($$SELECT safeguard.add_sar_person(%s, false, case_id => %s)$$, :sar1, :caseb), 'SG208', NULL,
                 'a person''s case is the authority''s own (SG208)');
SELECT isnt(safeguard.add_sar_action(:sar1, 'GP practice and agency agree an information-sharing protocol.', '2026-09-30', :laa),
            NULL, 'the action plan');
SELECT throws_ok(format($$UPDATE safeguard.sar_person SET died = false WHERE sar_id = %s$$, :sar1), 'SG204', NULL,
                 'people are kept as recorded (SG204)');
SELECT throws_ok(format($$SELECT safeguard.complete_sar(%s, ' ')$$, :sar1), 'SG202', NULL,
                 'completing needs the findings (SG202)');
SELECT is(safeguard.complete_sar(:sar1, 'Missed visits were not escalated; the GP was not told.'),
          'completed'::safeguard.sar_state, 'the review completes');
SELECT is(safeguard.decide_sar(:sar2, false, 'Discretionary: learning taken through a multi-agency audit instead.'),
          'not_commissioned'::safeguard.sar_state, 'the board declines the discretionary referral, with its rationale');
SELECT throws_ok(format($$SELECT safeguard.add_sar_person(%s, false)$$, :sar2), 'SG912', NULL,
                 'a declined referral takes no people (SG912)');
SELECT results_eq('SELECT local_authority_id, sars_where_died, sars_where_none_died, individuals_died, individuals_survived FROM safeguard.sar_sg5(2025)',
                  format('VALUES (%s::bigint, 1::bigint, 0::bigint, 1::bigint, 1::bigint)', :laa),
                  'SG5 for 2025-26: one review where an individual died; one who died, one who survived serious harm');
SELECT is_empty('SELECT * FROM safeguard.sar_sg5(2026)', 'nothing completed in 2026-27');
SELECT throws_ok('SELECT * FROM safeguard.sar_sg5(1999)', 'SG601', NULL, 'a year outside 2000-2100 (SG601)');
RESET ROLE;
SELECT ok(EXISTS (SELECT 1 FROM safeguard.audit_event WHERE table_name = 'sar_referral' AND case_id = :case1
                  AND to_state = 'completed'), 'the review is in the case''s audit chain (its journey)');

-- SG5 in the statutory return: counts only, for whoever runs the return on the authority.
SET ROLE sg23_reader;
SELECT results_eq(format($$SELECT "CATEGORY", "VALUE" FROM safeguard.sac_return(2025, la_id => %s)
                           WHERE "TABLE_REFERENCE" IN ('SG5a', 'SG5b') ORDER BY "TABLE_REFERENCE", "CATEGORY" COLLATE "C"$$, :laa),
                  $$VALUES ('Where no individuals died', 0::bigint), ('Where one or more individuals died', 1::bigint),
                           ('Who suffered serious harm and died', 1::bigint), ('Who suffered serious harm and survived', 1::bigint)$$,
                  'sac_return counts the completed review in SG5a and its two individuals in SG5b, for the authority''s reader');
SELECT throws_ok('SELECT count(*) FROM safeguard.sar_referral', '42501', NULL,
                 'the reader still cannot read the reviews themselves (42501)');
RESET ROLE;
SET ROLE sg23_readerb;
SELECT is((SELECT count(*)::int FROM safeguard.sac_return(2025) WHERE "LA_ID" = :laa), 0,
          'authority B''s reader gets no cell of authority A''s return');
SELECT is((SELECT sum("VALUE")::int FROM safeguard.sac_return(2025) WHERE "TABLE_REFERENCE" IN ('SG5a', 'SG5b')), 0,
          'and B''s own SG5 cells are zero');
SELECT is_empty('SELECT * FROM safeguard.sac_sg5_cells(2025)',
                'called directly, the SG5 counts give B''s reader nothing of A''s');
RESET ROLE;

--------------------------------------------------------------------------
-- 8. Another authority's staff: nothing visible, nothing reachable.
--------------------------------------------------------------------------
SET ROLE sg23_samb;
SELECT is((SELECT count(*)::int FROM safeguard.audit_tool) + (SELECT count(*)::int FROM safeguard.audit_question)
          + (SELECT count(*)::int FROM safeguard.audit_programme) + (SELECT count(*)::int FROM safeguard.audit_selection)
          + (SELECT count(*)::int FROM safeguard.case_file_audit) + (SELECT count(*)::int FROM safeguard.audit_answer)
          + (SELECT count(*)::int FROM safeguard.audit_action) + (SELECT count(*)::int FROM safeguard.sar_referral)
          + (SELECT count(*)::int FROM safeguard.sar_person) + (SELECT count(*)::int FROM safeguard.sar_action), 0,
          'the SAM of authority B sees none of A''s audits or reviews');
SELECT is((SELECT count(*)::int FROM safeguard.case_file_audit_coverage) + (SELECT count(*)::int FROM safeguard.case_file_audit_grades)
          + (SELECT count(*)::int FROM safeguard.case_file_audit_actions_open) + (SELECT count(*)::int FROM safeguard.sar_sg5(2025)), 0,
          'nor anything of them in the reports or SG5');
SELECT throws_ok(format($$SELECT safeguard.select_audit_sample(%s, '2026-06-01')$$, :prog), 'SG208', NULL,
                 'B cannot draw A''s programme (SG208)');
SELECT throws_ok(format($$SELECT safeguard.verify_audit_selection(%s)$$, :sel), 'SG208', NULL,
                 'nor verify A''s draw (SG208)');
SELECT throws_ok(format($$SELECT safeguard.reassign_case_file_audit(%s, 'sg23_samb')$$, :au2), 'SG208', NULL,
                 'nor reassign A''s audit (SG208)');
SELECT throws_ok(format($$SELECT safeguard.decide_sar(%s, true, 'Hijack.', 'X')$$, :sar2), 'SG208', NULL,
                 'nor decide A''s review (SG208)');
SELECT throws_ok(format($$SELECT safeguard.add_sar_action(%s, 'Hijack.')$$, :sar1), 'SG208', NULL,
                 'nor add to A''s action plan (SG208)');
SELECT throws_ok(format($$INSERT INTO safeguard.audit_programme (name, record_kind, tool_id, per_auditor_per_month, sample_from, sample_to, auditors)
                          VALUES ('Hijack', 'referral', %s, 1, '2026-02-01', '2026-02-28', ARRAY['sg23_samb']::regrole[])$$, :tool),
                 'SG208', NULL, 'nor build a programme on A''s tool (SG208)');
SELECT is_empty(format($$UPDATE safeguard.case_file_audit SET auditor = 'sg23_samb' WHERE id = %s RETURNING id$$, :au2),
                'a raw UPDATE of A''s audit touches nothing');
SELECT lives_ok(format($$MERGE INTO safeguard.sar_referral t USING (VALUES (%s::bigint)) v (id) ON t.id = v.id
                         WHEN MATCHED THEN UPDATE SET state = 'completed', findings_summary = 'x'$$, :sar2),
                'a MERGE of A''s review matches nothing');
RESET ROLE;
SELECT results_eq(format('SELECT s.state::text, a.auditor::text FROM safeguard.sar_referral s, safeguard.case_file_audit a WHERE s.id = %s AND a.id = %s', :sar2, :au2),
                  $$VALUES ('not_commissioned', 'sg23_off2')$$, 'A''s review and audit are as they were');
SET ROLE sg23_offb;
SELECT throws_ok(format($$SELECT safeguard.grade_audit_question(%s, 1, 'inadequate', 'Hijack.')$$, :au2), 'SG208', NULL,
                 'an officer of B cannot grade A''s audit (SG208)');
SELECT throws_ok(format($$SELECT safeguard.acknowledge_case_file_audit(%s)$$, :au1), 'SG208', NULL,
                 'nor acknowledge it (SG208)');
SELECT throws_ok(format($$SELECT safeguard.complete_audit_action(%s, 'Hijack.')$$, :act2), 'SG208', NULL,
                 'nor close its actions (SG208)');
RESET ROLE;

--------------------------------------------------------------------------
-- 9. A role without a duty, and COPY.
--------------------------------------------------------------------------
SET ROLE sg23_nobody;
SELECT throws_ok(format('SELECT count(*) FROM safeguard.%I', t), '42501', NULL,
                 format('a role without a duty cannot read %s (42501)', t))
FROM unnest(ARRAY['audit_tool', 'audit_question', 'audit_programme', 'audit_selection', 'case_file_audit',
                  'audit_answer', 'audit_action', 'sar_referral', 'sar_person', 'sar_action',
                  'case_file_audit_coverage', 'case_file_audit_grades', 'case_file_audit_actions_open']) AS t;
SELECT throws_ok(f, '42501', NULL, format('a role without a duty is refused %s (42501)', f))
FROM unnest(ARRAY[format($$SELECT safeguard.define_audit_tool('x', ARRAY['q'])$$),
                  format($$SELECT safeguard.select_audit_sample(%s, '2026-06-01')$$, :prog),
                  format($$SELECT safeguard.verify_audit_selection(%s)$$, :sel),
                  format($$SELECT safeguard.grade_audit_question(%s, 1, 'good', 'x')$$, :au2),
                  format($$SELECT safeguard.refer_for_sar(%s, true, false, true, 'x')$$, :case1),
                  format($$SELECT * FROM safeguard.sar_sg5(2025)$$)]) AS f;
RESET ROLE;
SET ROLE sg23_off2;
\set LAST_ERROR_SQLSTATE 00000
\set ON_ERROR_STOP 0
SAVEPOINT copy_answer;
\copy safeguard.audit_answer (audit_id, position, grade, note) FROM PROGRAM 'trap "" PIPE; echo 1,1,good,x 2>/dev/null; exit 0' WITH (FORMAT csv)
ROLLBACK TO SAVEPOINT copy_answer;
\set ON_ERROR_STOP 1
SELECT is(:'LAST_ERROR_SQLSTATE'::text, '0A000'::text, 'COPY FROM into audit answers is refused under row-level security (0A000)');
RESET ROLE;
-- A superuser's COPY FROM outside a restore is refused once its rows arrive
-- (SG701; psql does not report the SQLSTATE of an error raised during the
-- data transfer, so the test counts the rows).
SELECT count(*) AS sars_before FROM safeguard.sar_referral \gset
\set ON_ERROR_STOP 0
SAVEPOINT copy_super;
\copy safeguard.sar_referral (case_id, adult_died, agencies_concern) FROM PROGRAM 'trap "" PIPE; echo 1,t,t 2>/dev/null; exit 0' WITH (FORMAT csv)
ROLLBACK TO SAVEPOINT copy_super;
\set ON_ERROR_STOP 1
SELECT is((SELECT count(*) FROM safeguard.sar_referral), :sars_before::bigint, 'a superuser''s COPY FROM outside a restore adds no review (SG701)');

SELECT is((SELECT count(*)::int FROM safeguard.verify_ledger()), 0, 'the live rows agree with the audit trail');
SELECT is((SELECT count(*)::int FROM safeguard.verify_audit()), 0, 'the audit chains verify');

SELECT * FROM finish();
ROLLBACK;
