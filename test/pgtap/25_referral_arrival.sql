-- A referral arriving as the council's concern (issue 16 items 1 and 5): the
-- regulator sends a referral to an authority that receives referrals as
-- concerns; the concern appears at that authority only, with the facts
-- copied and its decision deadline; the council decides, allocates,
-- concludes and closes on its own records and the referral's states follow
-- each step (chase list and deadlines included); the referral functions are
-- refused for such a referral (SG222) and kept for one sent to an authority
-- that does not; every bypass (raw DML, MERGE, COPY) as the officer, as an
-- officer of another authority, as a role with no duty and as a superuser;
-- the regulator's view of the pathway, without the council's notes; the
-- return counts the arrival once.  SQLSTATEs only, never message text.
BEGIN;
SELECT plan(74);

\set fixture TAP25
\set clock '2025-06-02 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority prov=provider'
\set cast 'sg25_cc=contact_centre@cqc sg25_insp=inspector@cqc sg25_off=la_officer@laa sg25_sam=sam@laa'
\set cast :cast ' sg25_off_b=la_officer@lab sg25_sam_b=sam@lab sg25_nobody'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- 1. Which authorities receive referrals as concerns
--------------------------------------------------------------------------
SELECT is((SELECT receives_referrals_as_concerns FROM safeguard.organisation WHERE id = :laa), false,
          'by default an authority works referrals through the referral functions');
SELECT throws_ok(format($$UPDATE safeguard.organisation SET receives_referrals_as_concerns = true WHERE id = %s$$, :prov),
                 'SG210', NULL, 'only a local authority receives referrals as concerns');
SET ROLE sg25_off;
SELECT throws_ok(format($$UPDATE safeguard.organisation SET receives_referrals_as_concerns = true WHERE id = %s$$, :laa),
                 '42501', NULL, 'an officer does not switch it');
RESET ROLE;
-- A referral already with authority A before it switches (as one sent before 1.5).
SET ROLE sg25_cc;
SELECT safeguard.log_concern('2025-06-02 07:00+00', 'phone', 'relative', 'sent before the switch',
                             '{Physical Abuse}', la_id => :laa, referrer_anonymous => true,
                             adult_name => 'Dee Before', adult_date_of_birth => '1939-09-09') AS c0 \gset
RESET ROLE;
SET ROLE sg25_insp;
SELECT safeguard.triage_concern(:c0, 'refer_to_la', 'needs the council', true, true, true) AS r0 \gset
RESET ROLE;
SET ROLE sg25_cc;
SELECT is(safeguard.send_referral(:r0, 'phone'), 'sent'::safeguard.referral_state, 'a referral is sent to A before it switches');
RESET ROLE;
SELECT lives_ok(format($$UPDATE safeguard.organisation SET receives_referrals_as_concerns = true WHERE id = %s$$, :laa),
                'authority A receives referrals as concerns');

--------------------------------------------------------------------------
-- 2. The regulator's concerns, triaged and referred
--------------------------------------------------------------------------
SET ROLE sg25_cc;
SELECT safeguard.log_concern('2025-06-02 08:00+00', 'phone', 'relative', 'bruising seen by her son',
                             '{Physical Abuse}', la_id => :laa, referrer_name => 'Sam Son',
                             referrer_phone => '0300 123 4567', adult_nhs_number => '943 476 5919',
                             adult_name => 'Ann Example', adult_date_of_birth => '1938-04-01',
                             adult_gender => 'Female') AS c1 \gset
SELECT safeguard.log_concern('2025-06-02 08:30+00', 'email', 'professional', 'missed visits reported',
                             '{Neglect and Acts of Omission}', la_id => :laa, referrer_anonymous => true,
                             adult_name => 'Bob Other', adult_date_of_birth => '1940-02-02') AS c2 \gset
SELECT safeguard.log_concern('2025-06-02 08:45+00', 'phone', 'relative', 'an adult in authority B',
                             '{Financial or Material Abuse}', la_id => :lab, referrer_anonymous => true,
                             adult_name => 'Cy Third', adult_date_of_birth => '1945-03-03') AS c3 \gset
RESET ROLE;
SET ROLE sg25_insp;
SELECT safeguard.triage_concern(:c1, 'refer_to_la', 'physical abuse by a carer', true, true, true) AS ra \gset
SELECT safeguard.triage_concern(:c2, 'refer_to_la', 'neglect', true, true, true) AS ra2 \gset
SELECT safeguard.triage_concern(:c3, 'refer_to_la', 'financial abuse', true, true, true) AS rb \gset
RESET ROLE;
SELECT is((SELECT count(*)::int FROM safeguard.concern WHERE referral_id IS NOT NULL), 0,
          'nothing arrives before a referral is sent');

--------------------------------------------------------------------------
-- 3. The arrival
--------------------------------------------------------------------------
SET ROLE sg25_cc;
SELECT is(safeguard.send_referral(:ra, 'secure_email'), 'sent'::safeguard.referral_state,
          'the contact centre sends a referral to authority A');
SELECT is(safeguard.send_referral(:rb, 'secure_email'), 'sent'::safeguard.referral_state,
          'sending to authority B, which does not receive referrals as concerns: sent, as before');
SELECT (SELECT id FROM safeguard.concern WHERE referral_id = :ra) AS ac \gset
RESET ROLE;
SELECT results_eq(format($$SELECT a.la_id, a.source::text, a.logged_org_id, a.received_at = r.sent_at,
                                  a.adult_nhs_number, a.adult_name, a.adult_date_of_birth, a.adult_gender::text,
                                  a.description, a.risk_types::text, a.referrer_name
                           FROM safeguard.concern a JOIN safeguard.referral r ON r.id = a.referral_id
                           WHERE a.referral_id = %s$$, :ra),
                  format($$VALUES (%s::bigint, 'regulator', %s::bigint, true, '9434765919', 'Ann Example',
                                   '1938-04-01'::date, 'Female', 'bruising seen by her son', '{"Physical Abuse"}',
                                   'TAP25 regulator CQC')$$, :laa, :laa),
                  'authority A holds one concern from the regulator, logged for A, received when sent, with the adult and the facts copied');
SELECT is((SELECT case_id FROM safeguard.concern WHERE id = :ac), (SELECT case_id FROM safeguard.concern WHERE id = :c1),
          'it joins the open case about the same adult');
SELECT is((SELECT count(*)::int FROM safeguard.concern WHERE referral_id = :rb), 0,
          'nothing arrives at authority B');
SELECT results_eq(format($$SELECT state::text, acknowledged_at = sent_at, la_reference FROM safeguard.referral WHERE id = %s$$, :ra),
                  format($$VALUES ('acknowledged', true, 'safeguard concern %s')$$, :ac),
                  'the referral is acknowledged at its arrival, its reference naming the concern');
SELECT results_eq(format($$SELECT subject_table, kind, status::text, organisation_id FROM safeguard.deadline
                           WHERE (subject_table = 'concern' AND subject_id = %s)
                              OR (subject_table = 'referral' AND subject_id = %s AND kind = 'la_acknowledgement')
                           ORDER BY subject_table$$, :ac, :ra),
                  format($$VALUES ('concern', 'triage', 'open', %s::bigint), ('referral', 'la_acknowledgement', 'met', %s::bigint)$$, :laa, :laa),
                  'the concern''s decision deadline opens for A; the acknowledgement deadline is met');
SELECT results_eq(format($$SELECT table_name, action, coalesce(to_state, '-'), acting_role FROM safeguard.audit_event
                           WHERE (table_name = 'concern' AND row_key = '%s') OR (table_name = 'referral' AND row_key = '%s'
                             AND to_state IN ('sent', 'acknowledged')) ORDER BY id$$, :ac, :ra),
                  $$VALUES ('referral', 'UPDATE', 'sent', 'sg25_cc'), ('concern', 'INSERT', '-', 'sg25_cc'),
                           ('referral', 'UPDATE', 'acknowledged', 'sg25_cc')$$,
                  'the arrival is audited in the sending statement, as the contact centre''s');
SET ROLE sg25_off;
SELECT is((SELECT count(*)::int FROM safeguard.concern WHERE referral_id = :ra), 1, 'A''s officer sees the concern');
RESET ROLE;
SET ROLE sg25_off_b;
SELECT is((SELECT count(*)::int FROM safeguard.concern WHERE referral_id IS NOT NULL), 0,
          'an officer of authority B sees no arrival');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. The referral functions, refused for an arrival, kept otherwise
--------------------------------------------------------------------------
SET ROLE sg25_off;
SELECT throws_ok(format($$SELECT safeguard.acknowledge_referral(%s)$$, :ra), 'SG222', NULL,
                 'acknowledge_referral: act on the concern instead');
SELECT throws_ok(format($$SELECT safeguard.decide_referral(%s, 'no_enquiry', 'x')$$, :ra), 'SG222', NULL,
                 'decide_referral');
SELECT throws_ok(format($$UPDATE safeguard.referral SET state = 'decided', la_decision = 'no_enquiry', la_decision_rationale = 'x' WHERE id = %s$$, :ra),
                 'SG222', NULL, '... nor by a raw UPDATE');
SELECT throws_ok(format($$MERGE INTO safeguard.referral r USING (SELECT %s::bigint AS id) s ON r.id = s.id
                         WHEN MATCHED THEN UPDATE SET state = 'decided', la_decision = 'no_enquiry', la_decision_rationale = 'x'$$, :ra),
                 'SG222', NULL, '... nor by MERGE');
SELECT throws_ok(format($$WITH u AS (UPDATE safeguard.referral SET allocated_to = 'sg25_off' WHERE id = %s RETURNING 1) SELECT count(*) FROM u$$, :ra),
                 'SG222', NULL, '... nor an allocation in a writable CTE');
RESET ROLE;
SET ROLE sg25_sam;
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 'sg25_off')$$, :ra), 'SG222', NULL,
                 'allocate_referral');
RESET ROLE;
SET ROLE sg25_cc;
SELECT throws_ok(format($$SELECT safeguard.acknowledge_referral(%s)$$, :ra), 'SG222', NULL,
                 'the contact centre cannot acknowledge it either');
RESET ROLE;
SELECT throws_ok(format($$UPDATE safeguard.referral SET state = 'decided', la_decision = 'no_enquiry', la_decision_rationale = 'x' WHERE id = %s$$, :ra),
                 'SG222', NULL, 'not even a superuser moves it by hand');
SET ROLE sg25_off_b;
SELECT throws_ok(format($$SELECT safeguard.decide_referral(%s, 'no_enquiry', 'x')$$, :ra), 'SG208', NULL,
                 'an officer of authority B: the referral is not there');
WITH u AS (UPDATE safeguard.referral SET state = 'decided' WHERE id = :ra RETURNING 1)
SELECT is(count(*)::int, 0, '... and a raw UPDATE reaches no row') FROM u;
SELECT is(safeguard.acknowledge_referral(:rb), 'acknowledged'::safeguard.referral_state,
          'authority B keeps the referral functions for its referral');
RESET ROLE;
SET ROLE sg25_off;
SELECT is(safeguard.acknowledge_referral(:r0), 'acknowledged'::safeguard.referral_state,
          'authority A keeps the referral functions for the referral it had before it switched');
SELECT is((SELECT count(*)::int FROM safeguard.concern WHERE referral_id = :r0), 0, '... which never arrived as a concern');
RESET ROLE;
SET ROLE sg25_nobody;
SELECT throws_ok(format($$SELECT safeguard.decide_referral(%s, 'no_enquiry', 'x')$$, :ra), '42501', NULL,
                 'a role with no duty: decide_referral');
SELECT throws_ok(format($$UPDATE safeguard.referral SET state = 'decided' WHERE id = %s$$, :ra), '42501', NULL,
                 '... a raw UPDATE');
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true)$$, :ac), '42501', NULL,
                 '... decide_concern');
RESET ROLE;

--------------------------------------------------------------------------
-- 5. concern.referral_id: never supplied, never changed
--------------------------------------------------------------------------
SET ROLE sg25_off;
SELECT throws_ok(format($$INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id, referrer_anonymous, referral_id)
                         VALUES ('2025-06-02 09:00+00', 'phone', 'regulator', 'x', '{Physical Abuse}', %s, true, %s)$$, :laa, :rb),
                 'SG203', NULL, 'an officer cannot make a concern claim to be a referral''s arrival');
SELECT throws_ok(format($$UPDATE safeguard.concern SET referral_id = NULL WHERE id = %s$$, :ac),
                 '42501', NULL, '... nor unlink one (no UPDATE on concerns)');
RESET ROLE;
GRANT pg_read_server_files TO sg25_off;
SET ROLE sg25_off;
SELECT throws_ok($$COPY safeguard.concern (received_at, channel, source, description, risk_types, la_id, referrer_anonymous, referral_id) FROM '/dev/null'$$,
                 '0A000', NULL, 'COPY FROM into concerns is refused under row-level security');
RESET ROLE;
REVOKE pg_read_server_files FROM sg25_off;
SELECT throws_ok(format($$COPY safeguard.concern (received_at, channel, source, description, risk_types, la_id, referrer_anonymous, referral_id) FROM PROGRAM 'echo "2025-06-02 09:00+00,phone,regulator,x,{Physical Abuse},%s,t,%s"' WITH (FORMAT csv)$$, :laa, :rb),
                 'SG203', NULL, 'a superuser''s COPY meets the guard: only safeguard links a concern to a referral');
SELECT throws_ok(format($$UPDATE safeguard.concern SET referral_id = %s WHERE id = %s$$, :rb, :c3),
                 'SG204', NULL, '... nor links one by hand, nor unlinks one');
SET ROLE sg25_off_b;
SELECT throws_ok(format($$UPDATE safeguard.concern SET referral_id = NULL WHERE id = %s$$, :ac),
                 '42501', NULL, 'an officer of authority B cannot touch an arrived concern');
RESET ROLE;
SET ROLE sg25_nobody;
SELECT throws_ok(format($$INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id, referrer_anonymous, referral_id)
                         VALUES ('2025-06-02 09:00+00', 'phone', 'regulator', 'x', '{Physical Abuse}', %s, true, %s)$$, :laa, :rb),
                 '42501', NULL, 'a role with no duty cannot insert a concern');
RESET ROLE;

--------------------------------------------------------------------------
-- 6. The council decides; the referral follows
--------------------------------------------------------------------------
SET ROLE sg25_off;
SELECT safeguard.decide_concern(:ac, 'section_42_enquiry', 'the council''s own casework note', true, true, true) AS e \gset
RESET ROLE;
SELECT results_eq(format($$SELECT state::text, la_decision::text, decided_by::text, decided_org_id, decided_at = safeguard.now(),
                                  strpos(la_decision_rationale, 'casework note') = 0
                           FROM safeguard.referral WHERE id = %s$$, :ra),
                  format($$VALUES ('decided', 'section_42_enquiry', 'sg25_off', %s::bigint, true, true)$$, :laa),
                  'the referral is decided with the council''s decision, by its officer; the council''s rationale stays the council''s');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :ac AND kind = 'triage'),
          'met', 'the decision meets the concern''s decision deadline');
SET ROLE sg25_insp;
SELECT results_eq(format($$SELECT referral_id, state::text FROM safeguard.report_la_outcomes_outstanding WHERE referral_id IN (%s, %s) ORDER BY referral_id$$, :ra, :rb),
                  format($$VALUES (%s::bigint, 'decided'), (%s::bigint, 'acknowledged')$$, :ra, :rb),
                  'the regulator''s chase list holds each referral once, the arrival at its council''s state');
RESET ROLE;

--------------------------------------------------------------------------
-- 7. Allocation, start, conclusion, closure
--------------------------------------------------------------------------
SET ROLE sg25_sam;
SELECT is(safeguard.allocate_enquiry(:e, 'sg25_off'), 'allocated'::safeguard.la_enquiry_state, 'the SAM allocates the enquiry');
RESET ROLE;
SELECT results_eq(format($$SELECT state::text, allocated_to::text, allocated_by::text FROM safeguard.referral WHERE id = %s$$, :ra),
                  $$VALUES ('decided', 'sg25_off', 'sg25_sam')$$, 'the referral shows the allocation');
SET ROLE sg25_off;
SELECT is(safeguard.start_enquiry(:e, 'Yes, they were asked but no outcomes were expressed', NULL, NULL,
                                  'No, they did not lack capacity', false, 'no substantial difficulty'),
          'in_progress'::safeguard.la_enquiry_state, 'the officer starts the enquiry');
SELECT is((SELECT state::text FROM safeguard.referral WHERE id = :ra), 'decided', 'the referral stays decided while the enquiry runs');
SELECT is(safeguard.conclude_enquiry(:e, 'Risk identified and action taken', '{Physical Abuse}', 'Own Home',
                                     'Other - Known to individual', 'Risk reduced'),
          'concluded'::safeguard.la_enquiry_state, 'the officer concludes it');
RESET ROLE;
SELECT results_eq(format($$SELECT state::text, action_result::text, risk_outcome::text, msp_asked::text, lacked_capacity::text, outcome_by::text
                           FROM safeguard.referral WHERE id = %s$$, :ra),
                  $$VALUES ('outcome_recorded', 'Risk identified and action taken', 'Risk reduced',
                            'Yes, they were asked but no outcomes were expressed', 'No, they did not lack capacity', 'sg25_off')$$,
                  'the conclusion records the referral''s outcome with the SAC answers');
SELECT results_eq(format($$SELECT kind, status::text FROM safeguard.deadline WHERE subject_table = 'referral' AND subject_id = %s ORDER BY kind$$, :ra),
                  $$VALUES ('feedback', 'open'), ('la_acknowledgement', 'met'), ('la_outcome', 'met'),
                           ('la_outcome_escalation', 'met'), ('send', 'met')$$,
                  'the referral''s outcome deadlines are met and its feedback deadline opens');
SET ROLE sg25_insp;
SELECT is((SELECT count(*)::int FROM safeguard.report_la_outcomes_outstanding WHERE referral_id = :ra), 0,
          'the referral leaves the chase list');
RESET ROLE;
SET ROLE sg25_sam;
SELECT is(safeguard.close_enquiry(:e, safeguard.now(), 'secure_email', adult_feedback_at => safeguard.now()),
          'closed'::safeguard.la_enquiry_state, 'the SAM closes the enquiry with the feedback to the regulator and to the adult');
RESET ROLE;
SELECT results_eq(format($$SELECT state::text, feedback_at = safeguard.now(), feedback_method::text, closed_by::text FROM safeguard.referral WHERE id = %s$$, :ra),
                  $$VALUES ('closed', true, 'secure_email', 'sg25_sam')$$,
                  'the referral is closed with the feedback');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'referral' AND subject_id = :ra AND kind = 'feedback'),
          'met', 'the referral''s feedback deadline is met');
SELECT is((SELECT state::text FROM safeguard.safeguarding_case WHERE id = (SELECT case_id FROM safeguard.concern WHERE id = :ac)),
          'closed', 'the case closes: the regulator''s concern triaged, the referral closed, the council''s concern decided and its enquiry closed');
SELECT results_eq(format($$SELECT coalesce(to_state, '-'), acting_role, duty::text FROM safeguard.audit_event
                           WHERE table_name = 'referral' AND row_key = '%s' AND action = 'UPDATE' ORDER BY id$$, :ra),
                  $$VALUES ('sent', 'sg25_cc', 'contact_centre'), ('acknowledged', 'sg25_cc', 'contact_centre'),
                           ('decided', 'sg25_off', 'la_officer'), ('decided', 'sg25_sam', 'sam'),
                           ('outcome_recorded', 'sg25_off', 'la_officer'), ('closed', 'sg25_sam', 'sam')$$,
                  'every step of the referral is audited as the council officer''s who made it');

--------------------------------------------------------------------------
-- 8. No enquiry: the referral closes with the decision
--------------------------------------------------------------------------
SET ROLE sg25_cc;
SELECT is(safeguard.send_referral(:ra2, 'portal'), 'sent'::safeguard.referral_state, 'a second referral is sent to A');
SELECT (SELECT id FROM safeguard.concern WHERE referral_id = :ra2) AS ac2 \gset
RESET ROLE;
SELECT is((SELECT channel::text FROM safeguard.concern WHERE id = :ac2), 'web_form', 'a referral sent by portal arrives as a web form');
SET ROLE sg25_off;
SELECT is(safeguard.decide_concern(:ac2, 'no_enquiry', 'care act assessment instead', true, false, false, 'care_act_assessment'),
          NULL::bigint, 'the council decides no enquiry');
RESET ROLE;
SELECT results_eq(format($$SELECT state::text, la_decision::text, outcome_at IS NOT NULL, feedback_at IS NULL,
                                  feedback_waived_reason IS NOT NULL, closed_by::text
                           FROM safeguard.referral WHERE id = %s$$, :ra2),
                  $$VALUES ('closed', 'no_enquiry', true, true, true, 'sg25_off')$$,
                  'the referral is decided, its outcome recorded and it is closed at once');
SELECT is((SELECT count(*)::int FROM safeguard.deadline WHERE subject_table = 'referral' AND subject_id = :ra2 AND status = 'open'), 0,
          'none of its deadlines is left open');

--------------------------------------------------------------------------
-- 9. The regulator's view of the pathway
--------------------------------------------------------------------------
SELECT columns_are('safeguard', 'referral_la_pathway',
                   ARRAY['referral_id', 'case_id', 'la_id', 'local_authority', 'state', 'sent_at', 'council_concern_id',
                         'arrived_as_concern', 'acknowledged_at', 'decided_at', 'decision', 'enquiry_type', 'allocated',
                         'allocated_at', 'concluded_at', 'closed_at', 'feedback_given', 'feedback_at', 'feedback_method'],
                   'referral_la_pathway holds states and dates, no rationale, notes or free text');
SELECT table_privs_are('safeguard', 'referral_la_pathway', r, p, format('%s holds %s on referral_la_pathway', r, p))
FROM (VALUES ('safeguard_inspector', ARRAY['SELECT']::name[]), ('safeguard_contact_centre', ARRAY['SELECT']::name[]),
             ('safeguard_reader', ARRAY[]::name[]), ('public', ARRAY[]::name[])) AS x(r, p);
SET ROLE sg25_insp;
SELECT results_eq(format($$SELECT referral_id, state::text, council_concern_id, arrived_as_concern, decision::text,
                                  enquiry_type::text, allocated, concluded_at IS NOT NULL, closed_at IS NOT NULL, feedback_given
                           FROM safeguard.referral_la_pathway WHERE referral_id IN (%s, %s, %s) ORDER BY referral_id$$, :ra, :ra2, :rb),
                  format($$VALUES (%s::bigint, 'closed', %s::bigint, true, 'section_42_enquiry', 'section_42_enquiry', true, true, true, true),
                                  (%s::bigint, 'closed', %s::bigint, true, 'no_enquiry', NULL, false, true, true, false),
                                  (%s::bigint, 'acknowledged', NULL::bigint, false, NULL, NULL, false, false, false, false)$$,
                         :ra, :ac, :ra2, :ac2, :rb),
                  'the regulator reads the LA pathway of each referral it sent');
SELECT throws_ok($$SELECT rationale FROM safeguard.concern_decision$$, '42501', NULL,
                 'the regulator cannot read the council''s decisions');
SELECT throws_ok($$SELECT msp_outcomes_wanted FROM safeguard.la_enquiry$$, '42501', NULL,
                 '... nor its enquiries');
RESET ROLE;
SET ROLE sg25_off;
SELECT is((SELECT count(*)::int FROM safeguard.referral_la_pathway WHERE referral_id IN (:ra, :ra2, :rb)), 2,
          'authority A''s officer sees A''s two referrals');
RESET ROLE;
SET ROLE sg25_off_b;
SELECT is((SELECT count(*)::int FROM safeguard.referral_la_pathway WHERE referral_id IN (:ra, :ra2)), 0,
          'an officer of authority B sees nothing of A''s');
RESET ROLE;
SET ROLE sg25_nobody;
SELECT throws_ok($$SELECT * FROM safeguard.referral_la_pathway$$, '42501', NULL, 'a role with no duty reads nothing');
RESET ROLE;

--------------------------------------------------------------------------
-- 10. The return counts each arrival once
--------------------------------------------------------------------------
CREATE TEMP TABLE t25_ret AS SELECT * FROM safeguard.sac_return(2025, false, :laa);
SELECT is((SELECT sum("VALUE")::int FROM t25_ret WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" = 'Safeguarding Concerns'
             AND "CATEGORY" = 'Total Number of Safeguarding Concerns'), 3,
          'three referred concerns reached authority A: each arrival and its referral count once');
SELECT is((SELECT sum("VALUE")::int FROM t25_ret WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" = 'Section 42 Enquiries'
             AND "CATEGORY" = 'Total Number of Section 42 Safeguarding Enquiries'), 1,
          'the section 42 enquiry counts once, as the council''s enquiry (the referral''s decision is not counted for an arrival)');
SET ROLE sg25_off;
SELECT is((SELECT sum("VALUE")::int FROM safeguard.sac_return(2025, false, :laa)
           WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" = 'Section 42 Enquiries'
             AND "CATEGORY" = 'Total Number of Section 42 Safeguarding Enquiries'), 1,
          '... and once when the authority''s own officer runs the return');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
