-- Issue 14 (hardening, 1.4): the holes an independent attack campaign found
-- in privilege and confidentiality, each tried the way the campaign tried
-- it, as an unprivileged login role holding one duty.  Items: 1 and 4
-- (deadlines that cannot be computed, extreme counts), 5 (cases belong to
-- one authority; safeguard's own writes run as safeguard_owner), 8 (readers
-- read no free text), 9 (the auditor's journeys), 10 (administration scoped
-- to the administrator's organisation; extensions approved by the
-- approver), 16 (a second triage), 17 (every refusal names the duty).
-- SQLSTATEs are asserted, never message text (item 17 checks that a detail
-- exists and names the duty).
BEGIN;
SELECT plan(74);

\set fixture T15
\set clock '2025-06-02 12:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority prov=provider'
\set cast 't15_cc=contact_centre@cqc t15_insp=inspector@cqc t15_la_a=la_officer@laa'
\set cast :cast ' t15_la_b=la_officer@lab t15_sam_a=sam@laa t15_sam_b=sam@lab t15_admin=admin@cqc'
\set cast :cast ' t15_la_admin=admin@laa t15_reader=reader@cqc t15_auditor=auditor@cqc t15_spare'
\set cast :cast ' t15_la_auditor=auditor@laa'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- Item 5: a case belongs to one authority.
--------------------------------------------------------------------------
SET ROLE t15_la_a;
SELECT safeguard.log_concern('2025-06-02 08:00+00', 'phone', 'relative', 'Bruises on her arms.',
    '{Physical Abuse}', la_id => :laa, referrer_name => 'Ann Bell', referrer_phone => '07700 900111',
    adult_nhs_number => '943 476 5919', adult_name => 'Mary Smith') AS ca1 \gset
RESET ROLE;
SET ROLE t15_la_b;
SELECT safeguard.log_concern('2025-06-02 08:10+00', 'phone', 'relative', 'She moved here last week.',
    '{Self-Neglect}', la_id => :lab, referrer_name => 'Bob Bell', referrer_phone => '07700 900222',
    adult_nhs_number => '9434765919', adult_name => 'Mary Smith') AS cb1 \gset
SELECT results_eq(format('SELECT joined_open_case FROM safeguard.concern WHERE id = %s', :cb1),
                  ARRAY[false],
                  'B''s officer, logging a concern about an adult with an open case at A, opens B''s own case (does not join A''s)');
SELECT results_eq(format('SELECT count(*)::int FROM safeguard.safeguarding_case c JOIN safeguard.concern x ON x.case_id = c.id WHERE x.id = %s AND c.la_id = %s', :cb1, :lab),
                  ARRAY[1], 'and that case belongs to B');
SELECT is_empty(format('SELECT 1 FROM safeguard.concern WHERE id = %s', :ca1),
                'B''s officer still cannot see A''s concern');
RESET ROLE;
SELECT isnt((SELECT case_id FROM safeguard.concern WHERE id = :ca1), (SELECT case_id FROM safeguard.concern WHERE id = :cb1),
            'the two concerns about one adult are in two cases, one per authority');
SET ROLE t15_la_a;
SELECT safeguard.log_concern('2025-06-02 08:20+00', 'email', 'professional', 'GP worried too.',
    '{Physical Abuse}', la_id => :laa, referrer_name => 'Dr Who', referrer_email => 'gp@nhs.example',
    adult_nhs_number => '9434765919') AS ca2 \gset
RESET ROLE;
SELECT results_eq(format('SELECT joined_open_case, case_id = (SELECT case_id FROM safeguard.concern WHERE id = %s) FROM safeguard.concern WHERE id = %s', :ca1, :ca2),
                  $$VALUES (true, true)$$, 'a repeat at the same authority still joins its open case');
SET ROLE t15_cc;
SELECT results_eq(format('SELECT count(DISTINCT case_id)::int FROM safeguard.concern WHERE adult_nhs_number = %L', '9434765919'),
                  ARRAY[2], 'the regulator sees the repeat across authorities (two cases)');
RESET ROLE;

-- safeguard's own writes run as safeguard_owner (NOLOGIN, BYPASSRLS, no
-- superuser): a trigger on serial_lock records who inserts the linking lock.
SELECT ok((SELECT rolbypassrls AND NOT rolsuper AND NOT rolcanlogin FROM pg_roles WHERE rolname = 'safeguard_owner'),
          'safeguard_owner bypasses row-level security, is no superuser and cannot log in');
CREATE TABLE public.t15_writers (who name);
CREATE FUNCTION public.t15_note_writer() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO public.t15_writers VALUES (current_user); RETURN NEW; END $$;
GRANT INSERT ON public.t15_writers TO PUBLIC;
CREATE TRIGGER t15_note_writer BEFORE INSERT ON safeguard.serial_lock
    FOR EACH ROW EXECUTE FUNCTION public.t15_note_writer();
SET ROLE t15_la_a;
SELECT safeguard.log_concern('2025-06-02 08:30+00', 'phone', 'anonymous', 'New adult.', '{Self-Neglect}',
    la_id => :laa, referrer_anonymous => true, adult_nhs_number => '4010232137') IS NOT NULL AS logged;
RESET ROLE;
DROP TRIGGER t15_note_writer ON safeguard.serial_lock;
SELECT results_eq('SELECT DISTINCT who::text COLLATE "default" FROM public.t15_writers',
                  ARRAY['safeguard_owner'], 'case linking and the audit chain lock write as safeguard_owner, not as a superuser');

--------------------------------------------------------------------------
-- Item 10: administration is scoped to the administrator's organisation.
--------------------------------------------------------------------------
SET ROLE t15_la_admin;
SELECT is_empty(format('SELECT 1 FROM safeguard.concern WHERE id = %s', :cb1),
                'an administrator of A does not see B''s casework');
SELECT isnt_empty(format('SELECT 1 FROM safeguard.concern WHERE id = %s', :ca1),
                  'an administrator of A sees A''s casework');
SELECT throws_ok($$SELECT safeguard.grant_duty('t15_spare', 'contact_centre', $$ || :cqc || ')', '42501', NULL,
                 'an administrator of A cannot grant the contact-centre duty at the regulator (42501)');
SELECT throws_ok($$SELECT safeguard.grant_duty('t15_spare', 'la_officer', $$ || :lab || ')', '42501', NULL,
                 'an administrator of A cannot grant a duty for B (42501)');
SELECT lives_ok($$SELECT safeguard.grant_duty('t15_spare', 'la_officer', $$ || :laa || ')',
                'an administrator of A grants a duty for A');
SELECT throws_ok($$SELECT safeguard.revoke_duty('t15_la_b', 'la_officer')$$, '42501', NULL,
                 'an administrator of A cannot revoke B''s officer (42501)');
SELECT throws_ok($$INSERT INTO safeguard.organisation (kind, name, code) VALUES ('provider', 'Rogue', 'T15-ROGUE')$$,
                 '42501', NULL, 'an administrator of A cannot add to the national register of organisations');
SELECT lives_ok(format($$UPDATE safeguard.organisation SET senior_contact_name = 'Ann Head' WHERE id = %s$$, :laa),
                'an administrator of A keeps A''s own row up to date');
SELECT throws_ok(format($$UPDATE safeguard.organisation SET senior_contact_name = 'Mallory' WHERE id = %s$$, :lab),
                 '42501', NULL, 'an administrator of A cannot change B''s row (42501)');
SELECT throws_ok($$SELECT safeguard.set_pseudonym_secret(repeat('x', 40))$$, '42501', NULL,
                 'an administrator of A cannot replace the national pseudonym key (42501)');
SELECT throws_ok($$INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description) VALUES (NULL, '2025-01-01', 'Default for all')$$,
                 '42501', NULL, 'an administrator of A cannot write the default deadline policy (42501)');
SELECT lives_ok(format($$INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description) VALUES (%s, '2030-01-01', 'A''s own')$$, :laa),
                'an administrator of A writes A''s own deadline policy');
SELECT throws_ok(format($$INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description) VALUES (%s, '2030-01-01', 'B''s')$$, :lab),
                 '42501', NULL, 'an administrator of A cannot write B''s deadline policy (42501)');
RESET ROLE;

-- Withdrawal from the send queue is the regulator's administrators'.
SET ROLE t15_cc;
SELECT safeguard.log_concern('2025-06-02 08:40+00', 'phone', 'anonymous', 'Neighbour not seen.', '{Self-Neglect}',
    la_id => :lab, referrer_anonymous => true) AS cb2 \gset
RESET ROLE;
SET ROLE t15_insp;
SELECT safeguard.triage_concern(:cb2, 'refer_to_la', 'Self-neglect with care needs.', true, true, true) AS rb2 \gset
RESET ROLE;
SET ROLE t15_la_admin;
SELECT throws_ok(format($$SELECT safeguard.withdraw_referral(%s, 'Not ours.')$$, :rb2), '42501', NULL,
                 'an administrator of A cannot withdraw B''s referral from the send queue (42501)');
RESET ROLE;
SET ROLE t15_admin;
SELECT lives_ok(format($$SELECT safeguard.withdraw_referral(%s, 'Duplicate of a referral sent by phone.')$$, :rb2),
                'an administrator of the regulator withdraws it');
RESET ROLE;

-- An extension is approved by a senior role of the deadline's organisation,
-- who records the approval first.
SET ROLE t15_la_a;
SELECT safeguard.log_concern('2025-06-02 08:50+00', 'phone', 'anonymous', 'Carer shouting.', '{Psychological Abuse}',
    la_id => :laa, referrer_anonymous => true) AS ca3 \gset
RESET ROLE;
SELECT id AS d_a FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :ca3 \gset
SET ROLE t15_sam_b;
SELECT throws_ok(format($$SELECT safeguard.approve_extension(%s, 2, 'Agreed.')$$, :d_a), 'SG208', NULL,
                 'a SAM of B cannot approve an extension of A''s deadline: it is not visible to B (SG208)');
RESET ROLE;
SET ROLE t15_la_a;
SELECT throws_ok(format($$SELECT safeguard.extend_deadline(%s, 2, 'Interpreter needed.', 't15_sam_b')$$, :d_a), 'SG503', NULL,
                 'naming a SAM of another authority as approver is refused (SG503)');
SELECT throws_ok(format($$SELECT safeguard.extend_deadline(%s, 2, 'Interpreter needed.', 't15_sam_a')$$, :d_a), 'SG503', NULL,
                 'naming A''s SAM before the SAM approved is refused (SG503): no approval without consent');
SELECT throws_ok(format($$SELECT safeguard.approve_extension(%s, 2, 'I approve myself.')$$, :d_a), '42501', NULL,
                 'an officer cannot approve (42501)');
RESET ROLE;
SET ROLE t15_sam_a;
SELECT lives_ok(format($$SELECT safeguard.approve_extension(%s, 2, 'Agreed: interpreter booked for Friday.')$$, :d_a),
                'A''s SAM records the approval');
RESET ROLE;
SET ROLE t15_la_a;
SELECT throws_ok(format($$SELECT safeguard.extend_deadline(%s, 3, 'Interpreter needed.', 't15_sam_a')$$, :d_a), 'SG503', NULL,
                 'an extension beyond the approved amount is refused (SG503)');
SELECT lives_ok(format($$SELECT safeguard.extend_deadline(%s, 2, 'Interpreter needed.', 't15_sam_a')$$, :d_a),
                'the extension the SAM approved goes through');
RESET ROLE;
SELECT results_eq(format($$SELECT used_at IS NOT NULL, approver::text FROM safeguard.deadline_extension_approval WHERE deadline_id = %s$$, :d_a),
                  $$VALUES (true, 't15_sam_a'::text)$$, 'the approval is marked used');
SELECT ok(EXISTS (SELECT 1 FROM safeguard.audit_event WHERE table_name = 'deadline_extension_approval'),
          'approvals are audited');

--------------------------------------------------------------------------
-- Item 16: a second triage of one concern is SG204, not 23505.
--------------------------------------------------------------------------
SET ROLE t15_la_a;
SELECT lives_ok(format($$SELECT safeguard.triage_concern(%s, 'no_referral', 'Handled by the family.', true, false, false)$$, :ca3),
                'a first triage decision');
SELECT throws_ok(format($$SELECT safeguard.triage_concern(%s, 'no_referral', 'Again.', true, false, false)$$, :ca3),
                 'SG204', NULL, 'a second triage of the same concern: SG204 (the decision is final)');
RESET ROLE;

--------------------------------------------------------------------------
-- Item 17: every refusal of a workflow action names the duty required,
-- whichever check would fire first.
--------------------------------------------------------------------------
SET ROLE t15_insp;
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'Fall, no one called.', '{Neglect and Acts of Omission}',
    la_id => :laa, referrer_anonymous => true) AS ca4 \gset
SELECT safeguard.triage_concern(:ca4, 'refer_to_la', 'Neglect of care.', true, true, true) AS ra4 \gset
SELECT throws_ok(format($$SELECT safeguard.send_referral(%s, 'secure_email')$$, :ra4), '42501', NULL,
                 'an inspector''s send_referral is refused 42501');
CREATE TEMP TABLE t15_refusal AS SELECT NULL::text AS state, NULL::text AS detail;
DO $$
DECLARE
    st text;
    dt text;
BEGIN
    PERFORM safeguard.send_referral((SELECT max(id) FROM safeguard.referral), 'secure_email');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, dt = PG_EXCEPTION_DETAIL;
    UPDATE t15_refusal SET state = st, detail = dt;
END
$$;
SELECT ok((SELECT state = '42501' AND detail LIKE '%safeguard_contact_centre%' AND detail LIKE '%inspector%' FROM t15_refusal),
          'the refusal''s detail names the duty required (contact centre) and what the role holds (inspector), not "permission denied for table referral"');
RESET ROLE;
SET ROLE t15_sam_a;
SELECT throws_ok($$SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'x', '{Self-Neglect}', la_id => $$ || :laa || $$, referrer_anonymous => true)$$,
                 '42501', NULL, 'a SAM''s log_concern is refused 42501 by the duty check, before the table privilege');
SELECT throws_ok(format($$SELECT safeguard.decide_referral(%s, 'section_42_enquiry', 'x')$$, :ra4), '42501', NULL,
                 'a SAM''s decide_referral is refused 42501 naming the duty');
RESET ROLE;
SET ROLE t15_spare;
SELECT throws_ok($$SELECT safeguard.propose_provider_enquiry($$ || :prov || ', ' || :lab || ')', '42501', NULL,
                 'an officer of A proposing an enquiry for B is refused 42501 by the guard');
RESET ROLE;
SET ROLE t15_reader;
SELECT throws_ok(format($$SELECT safeguard.acknowledge_referral(%s)$$, :ra4), '42501', NULL,
                 'a reader acknowledging a referral is refused 42501 naming the duty');
RESET ROLE;

--------------------------------------------------------------------------
-- Item 8: readers read no free text.
--------------------------------------------------------------------------
SET ROLE t15_cc;
SELECT safeguard.send_referral(:ra4, 'secure_email', la_contact => 'Duty desk, Mr J. Bloggs 07700 900333') AS sent4 \gset
RESET ROLE;
SET ROLE t15_la_a;
SELECT safeguard.acknowledge_referral(:ra4, la_reference => 'A-REF Mary Smith 9434765919') AS ack4 \gset
RESET ROLE;
SET ROLE t15_reader;
SELECT throws_ok('SELECT la_contact FROM safeguard.referral', '42501', NULL, 'a reader cannot read referral.la_contact');
SELECT throws_ok('SELECT la_reference FROM safeguard.referral', '42501', NULL, 'a reader cannot read referral.la_reference');
SELECT throws_ok('SELECT extension_reason FROM safeguard.deadline', '42501', NULL, 'a reader cannot read deadline.extension_reason');
SELECT lives_ok('SELECT id, kind, status, extended_by FROM safeguard.deadline', 'a reader still reads the deadlines'' other columns');
SELECT results_eq(format('SELECT named_contact, la_reference FROM safeguard.report_la_outcomes_outstanding WHERE referral_id = %s', :ra4),
                  $$VALUES (NULL::text, NULL::text)$$, 'the chase list shows a reader no contact and no reference');
SELECT is_empty($$SELECT c.relname, a.attname FROM pg_class c
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
                    AND c.relname NOT IN ('deadline_kind', 'deadline_policy', 'deadline_rule', 'escalation_rung',
                                          'organisation', 'division', 'bank_holiday')
                    AND a.attname IN ('la_contact', 'la_reference', 'extension_reason', 'rationale',
                                      'description', 'la_decision_rationale', 'withdrawal_rationale',
                                      'feedback_waived_reason', 'adult_name', 'referrer_name')
                    AND has_column_privilege('safeguard_reader', c.oid, a.attnum, 'SELECT')$$,
                'no free-text column of any casework table is readable by safeguard_reader (reference data such as policy descriptions excepted)');
RESET ROLE;
SET ROLE t15_la_a;
SELECT results_eq(format('SELECT named_contact, la_reference FROM safeguard.report_la_outcomes_outstanding WHERE referral_id = %s', :ra4),
                  $$VALUES ('Duty desk, Mr J. Bloggs 07700 900333'::text, 'A-REF Mary Smith 9434765919'::text)$$,
                  'the recipient''s officer sees them');
RESET ROLE;

--------------------------------------------------------------------------
-- Item 9: the auditor reads every journey.
--------------------------------------------------------------------------
SET ROLE t15_auditor;
SELECT isnt_empty(format('SELECT * FROM safeguard.referral_journey(%s)', :ra4), 'the auditor reads a referral''s journey');
SELECT results_eq(format($$SELECT array_agg(DISTINCT table_name ORDER BY table_name) FROM safeguard.referral_journey(%s)$$, :ra4),
                  $$VALUES ('{concern,deadline,referral,triage}'::text[])$$,
                  'with its concern, triage, transitions and deadlines');
SELECT lives_ok('SELECT * FROM safeguard.enquiry_journey(1)', 'the auditor runs enquiry_journey');
SELECT isnt_empty(format('SELECT * FROM safeguard.case_journey((SELECT case_id FROM safeguard.audit_event WHERE table_name = %L AND row_key = %L LIMIT 1))', 'referral', :ra4::text),
                  'and a case''s journey');
RESET ROLE;

--------------------------------------------------------------------------
-- Items 1 and 4: a deadline that cannot be computed never stops the others.
--------------------------------------------------------------------------
SET ROLE t15_cc;
SELECT throws_ok($$SELECT safeguard.log_concern('2017-12-29 10:00+00', 'phone', 'anonymous', 'An old letter found.', '{Self-Neglect}', la_id => $$ || :laa || $$, referrer_anonymous => true)$$,
                 'SG101', NULL, 'a concern received before the calendar is refused at the door (SG101)');
RESET ROLE;
-- A row stored before 1.4 (simulated by a superuser with the guards off):
-- a concern received in 2017 whose triage deadline cannot be computed.
SET ROLE t15_cc;
SELECT safeguard.log_concern('2025-06-02 09:05+00', 'phone', 'anonymous', 'Historic abuse disclosed.', '{Sexual Abuse}',
    la_id => :laa, referrer_anonymous => true) AS cold \gset
RESET ROLE;
ALTER TABLE safeguard.deadline DISABLE TRIGGER internal_only, DISABLE TRIGGER audit_row;
UPDATE safeguard.deadline SET anchor_at = '2017-12-29 10:00+00' WHERE subject_table = 'concern' AND subject_id = :cold;
ALTER TABLE safeguard.deadline ENABLE ALWAYS TRIGGER internal_only, ENABLE ALWAYS TRIGGER audit_row;
SELECT results_eq(format($$SELECT due_at IS NULL, overdue, due_problem IS NOT NULL FROM safeguard.open_deadlines WHERE subject_table = 'concern' AND subject_id = %s$$, :cold),
                  $$VALUES (true, false, true)$$,
                  'open_deadlines shows it without a due instant and says why (due_problem)');
SELECT lives_ok('SELECT count(*) FROM safeguard.open_deadlines', 'open_deadlines works for everyone else');
SET client_min_messages = error;
SELECT safeguard.set_clock('2025-06-20 09:00+00') IS NOT NULL AS later \gset
SET ROLE t15_admin;
SELECT lives_ok('SELECT safeguard.sweep()', 'sweep() goes on (a WARNING, not an error)');
RESET ROLE;
SELECT isnt_empty(format($$SELECT 1 FROM safeguard.deadline_alert a JOIN safeguard.deadline d ON d.id = a.deadline_id
                           WHERE d.subject_table = 'concern' AND d.subject_id = %s AND a.rung = 'escalate'$$, :ca1),
                  'and fired the other deadlines'' rungs (A''s untriaged concern escalated)');
SET ROLE t15_insp;
SELECT lives_ok(format($$SELECT safeguard.triage_concern(%s, 'no_referral', 'Historic: police informed.', true, true, false)$$, :cold),
                'the old concern can still be triaged: its deadline closes without a due instant');
RESET ROLE;
RESET client_min_messages;
SELECT results_eq(format($$SELECT status::text, due_at_close IS NULL FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = %s$$, :cold),
                  $$VALUES ('met'::text, true)$$, 'closed, with no due instant it could be judged against');
SELECT throws_ok($$SELECT safeguard.deadline_due(2000000000, 'calendar_days', '2025-06-02 10:00+00', 'england-and-wales')$$,
                 'SG105', NULL, 'an extreme count of calendar days is out of range (SG105), not wrapped around');
SELECT ok(safeguard.deadline_due(2147483647, 'clock_hours', '2025-06-02 10:00+00', 'england-and-wales')
          > '200000-01-01 00:00+00'::timestamptz,
          'the largest count of clock hours lands 245,000 years ahead, never wrapped around to the past');
SELECT throws_ok($$SELECT safeguard.deadline_due(-2000000000, 'calendar_days', '2025-06-02 10:00+00', 'england-and-wales')$$,
                 'SG105', NULL, 'so is an extreme negative count (SG105)');
SELECT throws_ok($$SELECT safeguard.deadline_due(5000, 'working_days', '2025-06-02 10:00+00', 'england-and-wales')$$,
                 'SG101', NULL, 'a working-day count past the calendar is SG101');
SELECT is(safeguard.deadline_due_or_null(5000, 'working_days', '2025-06-02 10:00+00', 'england-and-wales'), NULL,
          'deadline_due_or_null answers NULL for it');

--------------------------------------------------------------------------
-- Item 6 (errors): another authority's deadline and one that does not
-- exist get the same answer from the clock functions.
--------------------------------------------------------------------------
SET ROLE t15_la_b;
SELECT throws_ok(format($$SELECT safeguard.pause_deadline(%s, 'Waiting.')$$, :d_a), 'SG208', NULL,
                 'pausing another authority''s deadline: SG208, as for a deadline that does not exist');
SELECT throws_ok($$SELECT safeguard.pause_deadline(999999999, 'Waiting.')$$, 'SG208', NULL,
                 'pausing a deadline that does not exist: SG208');
SELECT throws_ok(format($$SELECT safeguard.resume_deadline(%s)$$, :d_a), 'SG208', NULL,
                 'resuming another authority''s deadline: SG208');
SELECT throws_ok(format($$SELECT safeguard.extend_deadline(%s, 1, 'More time.', 't15_sam_b')$$, :d_a), 'SG208', NULL,
                 'extending another authority''s deadline: SG208');
SELECT throws_ok(format($$SELECT safeguard.approve_extension(%s, 1, 'Agreed.')$$, :d_a), 'SG208', NULL,
                 'approving an extension of another authority''s deadline: SG208');
RESET ROLE;

--------------------------------------------------------------------------
-- Item 10 (administrative records): an authority's administrator reads
-- its own grants and audit rows only; the regulator's auditor reads all.
--------------------------------------------------------------------------
SELECT case_id AS case_b FROM safeguard.concern WHERE id = :cb1 \gset
SELECT case_id AS case_a FROM safeguard.concern WHERE id = :ca1 \gset
SET ROLE t15_la_admin;
SELECT is_empty(format('SELECT 1 FROM safeguard.audit_event WHERE case_id = %s', :case_b),
                'an administrator of A reads none of the audit rows of B''s case');
SELECT isnt_empty(format('SELECT 1 FROM safeguard.audit_event WHERE case_id = %s', :case_a),
                  'an administrator of A reads the audit rows of A''s case');
SELECT results_eq(format('SELECT DISTINCT organisation_id FROM safeguard.duty_grant ORDER BY 1'),
                  format('VALUES (%s::bigint)', :laa), 'an administrator of A reads A''s duty grants only');
RESET ROLE;
SET ROLE t15_la_auditor;
SELECT is_empty(format('SELECT 1 FROM safeguard.audit_event WHERE case_id = %s', :case_b),
                'an auditor of A reads none of B''s audit rows');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()',
                'and verify_audit() run by an auditor of A still checks every chain whole (no false gap)');
RESET ROLE;
SET ROLE t15_auditor;
SELECT isnt_empty(format('SELECT 1 FROM safeguard.audit_event WHERE case_id = %s', :case_b),
                  'the regulator''s auditor reads every authority''s audit rows');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
