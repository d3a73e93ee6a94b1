-- Every refusal of the referral workflow raises its SQLSTATE (asserted by
-- code, never by text), and a refused statement changes nothing: the audit
-- trail and every workflow table are the same after the error block as
-- before it.  The happy paths the errors contrast with come first (they
-- build the fixture) and last (they finish what the errors refused).
BEGIN;
SELECT plan(198);

--------------------------------------------------------------------------
-- Fixture: the regulator, local authorities A and B, a provider with a
-- location in A, one role per duty.  The clock is pinned at T0.
--------------------------------------------------------------------------
\set fixture TAP04
\set clock '2024-03-05 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority prov=provider' ' loc=provider_location/prov/laa'
\set cast 'sg04_cc=contact_centre@cqc sg04_insp=inspector@cqc sg04_la_a=la_officer@laa'
\set cast :cast ' sg04_la_b=la_officer@lab sg04_admin=admin@cqc sg04_prov=provider@prov sg04_spare'
\ir lib/fixtures.sql
SELECT id AS g1 FROM safeguard.duty_grant WHERE role = 'sg04_cc'::regrole \gset

--------------------------------------------------------------------------
-- SG212 for a kind no policy has a rule for.  Needs the shipped policy
-- unused (no deadline yet), so it runs before any concern is logged; the
-- deletion is undone with the refused statement.
--------------------------------------------------------------------------
SELECT is((SELECT count(*)::int FROM safeguard.deadline WHERE policy_id = :shipped_policy), 0,
          'precondition: no deadline uses the shipped policy yet');
SELECT throws_ok(format($f$DO $do$ BEGIN
        DELETE FROM safeguard.deadline_rule WHERE policy_id = %s AND kind = 'triage';
        SET LOCAL ROLE sg04_insp;
        PERFORM safeguard.log_concern(safeguard.now() - interval '1 hour', 'phone', 'anonymous',
            'No rule for triage.', '{Self-Neglect}', la_id => %s, referrer_anonymous => true);
    END $do$$f$, :shipped_policy, :laa),
    'SG212', NULL, 'a concern whose triage deadline no policy has a rule for: SG212');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM safeguard.deadline_rule WHERE policy_id = :shipped_policy), 23,
          'the refused statement left the shipped rules in place');

--------------------------------------------------------------------------
-- Happy paths (the fixture).  Concerns at T0 - 1h; referrals in each state.
--------------------------------------------------------------------------
SET ROLE sg04_insp;
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous', 'Left in a wet bed.',
    '{Neglect and Acts of Omission}', la_id => :laa, referrer_anonymous => true) AS c_await \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'relative', 'Bruising.', '{Physical Abuse}',
    la_id => :laa, referrer_name => 'Jo Smith', referrer_phone => '+44 7700 900123') AS c_sent \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'email', 'professional', 'Pressure sores.',
    '{Neglect and Acts of Omission}', provider_location_id => :loc, referrer_name => 'Sam Lee',
    referrer_email => 'sam.lee@nhs.example', adult_nhs_number => '943-476-5919') AS c_s42 \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'letter', 'member_of_public', 'Shouting heard.',
    '{Psychological Abuse}', la_id => :laa, referrer_name => 'Ann Bell',
    referrer_address => '1 High Street') AS c_closed \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous', 'Missed visits.',
    '{Neglect and Acts of Omission}', la_id => :laa, referrer_anonymous => true) AS c_close \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous', 'Duplicate call.',
    '{Self-Neglect}', la_id => :laa, referrer_anonymous => true) AS c_wd \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous', 'Acknowledged only.',
    '{Self-Neglect}', la_id => :laa, referrer_anonymous => true) AS c_ack \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous', 'Sent late.',
    '{Financial or Material Abuse}', la_id => :laa, referrer_anonymous => true) AS c_late \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous', 'Not yet triaged.',
    '{Self-Neglect}', la_id => :laa, referrer_anonymous => true) AS c_tri \gset
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous', 'In B.',
    '{Self-Neglect}', la_id => :lab, referrer_anonymous => true) AS c_b \gset
SELECT safeguard.triage_concern(:c_await, 'refer_to_la', 'Needs the council.', true, true, true) AS r_await \gset
SELECT safeguard.triage_concern(:c_sent, 'refer_to_la', 'Needs the council.', true, true, true) AS r_sent \gset
SELECT safeguard.triage_concern(:c_s42, 'refer_to_la', 'Needs the council.', true, true, true) AS r_s42 \gset
SELECT safeguard.triage_concern(:c_closed, 'refer_to_la', 'Needs the council.', true, true, true) AS r_closed \gset
SELECT safeguard.triage_concern(:c_close, 'refer_to_la', 'Needs the council.', true, true, true) AS r_close \gset
SELECT safeguard.triage_concern(:c_wd, 'refer_to_la', 'Needs the council.', true, true, true) AS r_wd \gset
SELECT safeguard.triage_concern(:c_ack, 'refer_to_la', 'Needs the council.', true, true, true) AS r_ack \gset
SELECT safeguard.triage_concern(:c_late, 'refer_to_la', 'Needs the council.', true, true, true) AS r_late \gset
SELECT safeguard.triage_concern(:c_b, 'refer_to_la', 'Needs the council.', true, true, true) AS r_b \gset
SELECT is((SELECT adult_nhs_number FROM safeguard.concern WHERE id = :c_s42), '9434765919',
          'a valid NHS number with separators is stored as ten digits');
RESET ROLE;

SET ROLE sg04_cc;
SELECT is(safeguard.send_referral(:r_sent, 'secure_email'), 'sent'::safeguard.referral_state,
          'the contact centre sends a referral');
SELECT is(safeguard.send_referral(:r_s42, 'secure_email', sent_at => safeguard.now(), la_contact => 'A hub'),
          'sent'::safeguard.referral_state, 'a send with its time and the authority''s contact');
SELECT is(safeguard.send_referral(:r_closed, 'phone'), 'sent'::safeguard.referral_state, 'sent by phone');
SELECT is(safeguard.send_referral(:r_close, 'portal'), 'sent'::safeguard.referral_state, 'sent by portal');
SELECT is(safeguard.send_referral(:r_ack, 'email'), 'sent'::safeguard.referral_state, 'sent by e-mail');
SELECT is(safeguard.send_referral(:r_b, 'email'), 'sent'::safeguard.referral_state, 'B''s referral is sent');
RESET ROLE;
SET ROLE sg04_admin;
SELECT is(safeguard.withdraw_referral(:r_wd, 'Duplicate of an earlier call.'), 'withdrawn'::safeguard.referral_state,
          'an administrator withdraws a referral with a rationale');
SELECT lives_ok(format($$INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description)
                         VALUES (%s, '2030-01-01', 'A''s future timescales')$$, :laa),
                'an administrator adds a policy version');
RESET ROLE;
SELECT id AS a_policy FROM safeguard.deadline_policy WHERE organisation_id = :laa \gset

SET ROLE sg04_la_a;
SELECT is(safeguard.acknowledge_referral(:r_s42, la_reference => 'A-1'), 'acknowledged'::safeguard.referral_state,
          'A''s officer acknowledges');
SELECT is(safeguard.acknowledge_referral(:r_closed), 'acknowledged'::safeguard.referral_state, 'acknowledged');
SELECT is(safeguard.acknowledge_referral(:r_close), 'acknowledged'::safeguard.referral_state, 'acknowledged');
SELECT is(safeguard.acknowledge_referral(:r_ack), 'acknowledged'::safeguard.referral_state, 'acknowledged');
SELECT is(safeguard.decide_referral(:r_s42, 'section_42_enquiry', 'All three criteria met.'),
          'decided'::safeguard.referral_state, 'A''s officer decides a section 42 enquiry, with a rationale');
SELECT is(safeguard.decide_referral(:r_closed, 'no_enquiry', 'Family resolved it.'),
          'decided'::safeguard.referral_state, 'no enquiry, with a rationale');
SELECT is(safeguard.decide_referral(:r_close, 'no_enquiry', 'Visits restored.'),
          'decided'::safeguard.referral_state, 'no enquiry, with a rationale');
SELECT is(safeguard.record_referral_outcome(:r_closed), 'outcome_recorded'::safeguard.referral_state,
          'no enquiry: the outcome needs no action and result');
SELECT is(safeguard.record_referral_outcome(:r_close), 'outcome_recorded'::safeguard.referral_state,
          'outcome recorded');
SELECT is(safeguard.close_referral(:r_closed, feedback_at => safeguard.now(), feedback_method => 'letter'),
          'closed'::safeguard.referral_state, 'closed with feedback given (date and method)');
RESET ROLE;

-- The late referral: sent a week after the decision.
SELECT safeguard.set_clock('2024-03-12 10:00+00') IS NOT NULL AS t1 \gset
SET ROLE sg04_cc;
SELECT is(safeguard.send_referral(:r_late, 'email'), 'sent'::safeguard.referral_state, 'a referral sent late');
RESET ROLE;
SET ROLE sg04_la_a;
SELECT is(safeguard.acknowledge_referral(:r_late), 'acknowledged'::safeguard.referral_state, 'acknowledged');
SELECT is(safeguard.decide_referral(:r_late, 'other_enquiry', 'Concerns about finances.'),
          'decided'::safeguard.referral_state, 'other enquiry, with a rationale');
RESET ROLE;
SELECT is((SELECT status::text FROM safeguard.deadline
           WHERE subject_table = 'referral' AND subject_id = :r_late AND kind = 'send'),
          'breached', 'precondition: the late referral''s send deadline was breached');

--------------------------------------------------------------------------
-- The error block.  Snapshot first.
--------------------------------------------------------------------------
-- Every workflow table, the duties, the policies and the audit trail, as
-- one digest; read again after the error block.
CREATE VIEW pg_temp.sg04_snapshot AS
SELECT md5(concat_ws('|',
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.referral x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.concern x),
         (SELECT string_agg(x::text, ',' ORDER BY x.concern_id) FROM safeguard.triage x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.safeguarding_case x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.deadline x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.duty_grant x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.organisation x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.deadline_policy x),
         (SELECT string_agg(x::text, ',' ORDER BY x.policy_id, x.kind) FROM safeguard.deadline_rule x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.audit_event x))) AS digest;
SELECT count(*) AS audit_before FROM safeguard.audit_event \gset
SELECT digest AS snapshot_before FROM pg_temp.sg04_snapshot \gset

-- SG201: transitions that do not exist.
SET ROLE sg04_la_a;
SELECT throws_ok(format('SELECT safeguard.acknowledge_referral(%s)', :r_await), 'SG201', NULL,
                 'awaiting_send -> acknowledged: SG201');
SELECT throws_ok(format('SELECT safeguard.decide_referral(%s, %L, %L)', :r_sent, 'no_enquiry', 'x'), 'SG201', NULL,
                 'sent -> decided (skipping the acknowledgement): SG201');
SELECT throws_ok(format('SELECT safeguard.record_referral_outcome(%s, %L)', :r_ack,
                        'No risk identified and no action taken'), 'SG201', NULL,
                 'acknowledged -> outcome_recorded (skipping the decision): SG201');
SELECT throws_ok(format('UPDATE safeguard.referral SET state = %L WHERE id = %s', s, :r_closed), 'SG201', NULL,
                 format('closed -> %s: SG201', s))
FROM unnest(enum_range(NULL::safeguard.referral_state)) AS s;
RESET ROLE;
SET ROLE sg04_cc;
SELECT throws_ok(format('UPDATE safeguard.referral SET state = %L WHERE id = %s', 'awaiting_send', :r_sent),
                 'SG201', NULL, 'sent -> awaiting_send: SG201');
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, %L)', :r_sent, 'email'), 'SG201', NULL,
                 'sent -> sent (sending twice): SG201');
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, %L)', :r_wd, 'email'), 'SG201', NULL,
                 'withdrawn -> sent: SG201');
RESET ROLE;
SET ROLE sg04_admin;
SELECT throws_ok(format('SELECT safeguard.withdraw_referral(%s, %L)', :r_sent, 'Changed my mind.'), 'SG201', NULL,
                 'sent -> withdrawn: SG201 (only the send queue can be withdrawn from)');
SELECT throws_ok(format('UPDATE safeguard.referral SET state = %L WHERE id = %s', s, :r_wd), 'SG201', NULL,
                 format('withdrawn -> %s: SG201', s))
FROM unnest(enum_range(NULL::safeguard.referral_state)) AS s;
RESET ROLE;

-- SG202: a transition without what it requires.
SET ROLE sg04_cc;
SELECT throws_ok(format('UPDATE safeguard.referral SET state = %L, sent_at = safeguard.now() WHERE id = %s',
                        'sent', :r_await), 'SG202', NULL, 'raw UPDATE to sent without a method: SG202');
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, NULL)', :r_await), 'SG202', NULL,
                 'send_referral without a method: SG202');
SELECT throws_ok(format('UPDATE safeguard.referral SET state = %L, sent_method = %L WHERE id = %s',
                        'sent', 'email', :r_await), 'SG202', NULL, 'raw UPDATE to sent without sent_at: SG202');
RESET ROLE;
SET ROLE sg04_la_a;
SELECT throws_ok(format('SELECT safeguard.record_referral_outcome(%s)', :r_s42), 'SG202', NULL,
                 'outcome of a section 42 enquiry without action_result: SG202');
SELECT throws_ok(format('SELECT safeguard.record_referral_outcome(%s, %L)', :r_s42, 'Risk identified and action taken'),
                 'SG202', NULL, 'risk identified and action taken without risk_outcome: SG202');
SELECT throws_ok(format('SELECT safeguard.record_referral_outcome(%s, %L)', :r_late,
                        'No risk identified and no action taken'),
                 'SG202', NULL, 'outcome of a late referral without harm_from_delay: SG202');
SELECT throws_ok(format('SELECT safeguard.close_referral(%s)', :r_close), 'SG202', NULL,
                 'close without feedback or waiver: SG202');
SELECT throws_ok(format('SELECT safeguard.close_referral(%s, safeguard.now(), %L, %L)', :r_close, 'phone',
                        'Anonymous referrer.'), 'SG202', NULL, 'close with both feedback and a waiver: SG202');
SELECT throws_ok(format('SELECT safeguard.close_referral(%s, feedback_at => safeguard.now())', :r_close),
                 'SG202', NULL, 'close with a feedback date but no method: SG202');
SELECT throws_ok(format('SELECT safeguard.close_referral(%s, feedback_waived_reason => %L)', :r_close, '   '),
                 'SG202', NULL, 'close with a blank waiver reason: SG202');
RESET ROLE;
SET ROLE sg04_insp;
SELECT throws_ok($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   referrer_anonymous => true)$$, 'SG202', NULL,
                 'a concern with neither a local authority nor a location: SG202');
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{}',
                   la_id => %s, referrer_anonymous => true)$$, :laa), 'SG202', NULL,
                 'a concern without a type of risk: SG202');
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', '  ',
                   '{Self-Neglect}', la_id => %s, referrer_anonymous => true)$$, :laa), 'SG202', NULL,
                 'a concern with a blank description: SG202');
RESET ROLE;

-- SG203: columns safeguard records, and tables only safeguard writes.
SET ROLE sg04_insp;
SELECT throws_ok(format($$INSERT INTO safeguard.concern (received_at, channel, source, referrer_anonymous,
                   la_id, risk_types, description, %I) VALUES (safeguard.now(), 'phone', 'anonymous', true,
                   %s, '{Self-Neglect}', 'x', %s)$$, col, :laa, val), 'SG203', NULL,
                 format('a concern insert supplying %s: SG203', col))
FROM (VALUES ('case_id', '1'), ('logged_by', '''sg04_cc''::regrole'), ('logged_org_id', :laa::text),
             ('logged_at', 'safeguard.now()'), ('joined_open_case', 'true')) AS v(col, val);
SELECT throws_ok(format($$INSERT INTO safeguard.triage (concern_id, decision, rationale, care_and_support_needs,
                   abuse_or_neglect, unable_to_protect_self, decided_by)
                   VALUES (%s, 'no_referral', 'x', true, true, true, 'sg04_cc')$$, :c_tri), 'SG203', NULL,
                 'a triage insert supplying decided_by: SG203');
RESET ROLE;
SET ROLE sg04_cc;
SELECT throws_ok(format($$UPDATE safeguard.referral SET sent_by = 'sg04_insp' WHERE id = %s$$, :r_sent),
                 'SG203', NULL, 'editing sent_by: SG203');
SELECT throws_ok(format($$UPDATE safeguard.referral SET sent_recorded_at = sent_recorded_at - interval '1 day'
                   WHERE id = %s$$, :r_sent), 'SG203', NULL, 'editing sent_recorded_at: SG203');
SELECT throws_ok(format('UPDATE safeguard.referral SET concern_id = %s WHERE id = %s', :c_tri, :r_await),
                 'SG203', NULL, 'changing the concern of a referral: SG203');
SELECT throws_ok(format($$UPDATE safeguard.referral SET state = 'sent', sent_method = 'email',
                   sent_at = safeguard.now(), sent_by = 'sg04_insp' WHERE id = %s$$, :r_await),
                 'SG203', NULL, 'a send that names someone else as sender: SG203');
RESET ROLE;
SET ROLE sg04_la_a;
SELECT throws_ok(format('UPDATE safeguard.referral SET la_id = %s WHERE id = %s', :lab, :r_s42),
                 'SG203', NULL, 'moving a referral to another authority without a transition: SG203');
SELECT throws_ok(format($$UPDATE safeguard.referral SET la_reference = 'late edit' WHERE id = %s$$, :r_closed),
                 'SG204', NULL, 'correcting a closed referral: SG204');
RESET ROLE;
-- Even the owner cannot write safeguard's own tables directly.
SELECT throws_ok(format($$INSERT INTO safeguard.safeguarding_case (la_id, opened_at) VALUES (%s, now())$$, :laa),
                 'SG203', NULL, 'the superuser inserting a case: SG203');
SELECT throws_ok(format($$INSERT INTO safeguard.deadline (kind, subject_table, subject_id, organisation_id,
                   policy_id, anchor_at, division) VALUES ('triage', 'concern', %s, %s, %s, now(), 'england-and-wales')$$,
                        :c_tri, :laa, :shipped_policy),
                 'SG203', NULL, 'the superuser inserting a deadline: SG203');
SELECT throws_ok(format($$INSERT INTO safeguard.referral (concern_id, case_id, la_id, created_at, created_by)
                   SELECT id, case_id, la_id, now(), 'sg04_insp' FROM safeguard.concern WHERE id = %s$$, :c_tri),
                 'SG203', NULL, 'the superuser inserting a referral: SG203');
SELECT throws_ok(format($$INSERT INTO safeguard.duty_grant (role, duty, organisation_id, granted_at, granted_by)
                   VALUES ('sg04_spare', 'admin', %s, now(), 'sg04_admin')$$, :cqc),
                 'SG203', NULL, 'the superuser inserting a duty grant: SG203');
SELECT throws_ok(format($$UPDATE safeguard.safeguarding_case SET state = 'closed' WHERE la_id = %s$$, :laa),
                 'SG203', NULL, 'the superuser closing a case by hand: SG203');
SELECT throws_ok(format($$UPDATE safeguard.deadline SET status = 'met' WHERE subject_id = %s AND subject_table = 'concern'$$,
                        :c_tri), 'SG203', NULL, 'the superuser marking a deadline met: SG203');
SELECT throws_ok(format($$UPDATE safeguard.duty_grant SET organisation_id = %s WHERE id = %s$$, :laa, :g1),
                 'SG203', NULL, 'the superuser editing a duty grant: SG203');

-- SG204: records are never changed or removed, by anyone.
SELECT throws_ok(format($$UPDATE safeguard.concern SET description = 'edited' WHERE id = %s$$, :c_tri),
                 'SG204', NULL, 'updating a concern (superuser): SG204');
SELECT throws_ok(format('DELETE FROM safeguard.concern WHERE id = %s', :c_tri),
                 'SG204', NULL, 'deleting a concern (superuser): SG204');
SELECT throws_ok(format($$UPDATE safeguard.triage SET rationale = 'edited' WHERE concern_id = %s$$, :c_sent),
                 'SG204', NULL, 'updating a triage decision (superuser): SG204');
SELECT throws_ok(format('DELETE FROM safeguard.triage WHERE concern_id = %s', :c_sent),
                 'SG204', NULL, 'deleting a triage decision (superuser): SG204');
SELECT throws_ok(format('DELETE FROM safeguard.referral WHERE id = %s', :r_await),
                 'SG204', NULL, 'deleting a referral (superuser): SG204');
SELECT throws_ok(format('DELETE FROM safeguard.safeguarding_case WHERE la_id = %s', :laa),
                 'SG204', NULL, 'deleting a case (superuser): SG204');
SELECT throws_ok(format('DELETE FROM safeguard.deadline WHERE organisation_id = %s', :laa),
                 'SG204', NULL, 'deleting deadlines (superuser): SG204');
SELECT throws_ok(format('DELETE FROM safeguard.duty_grant WHERE id = %s', :g1),
                 'SG204', NULL, 'deleting a duty grant (superuser): SG204');
SELECT throws_ok(format('DELETE FROM safeguard.organisation WHERE id = %s', :prov),
                 'SG204', NULL, 'deleting an organisation (superuser): SG204');
SELECT throws_ok($$UPDATE safeguard.audit_event SET acting_role = 'nobody'$$,
                 'SG204', NULL, 'updating the audit trail (superuser): SG204');
SELECT throws_ok($$DELETE FROM safeguard.audit_event$$,
                 'SG204', NULL, 'deleting from the audit trail (superuser): SG204');
SELECT throws_ok($$INSERT INTO safeguard.audit_event (recorded_at, business_time, txid, login_role, acting_role,
                   table_name, row_key, action, changes)
                   VALUES (now(), now(), pg_current_xact_id(), 'x', 'x', 'referral', '1', 'UPDATE', '{}')$$,
                 'SG204', NULL, 'forging an audit row (superuser): SG204');
SET client_min_messages = warning;  -- no "truncate cascades" notices
SELECT throws_ok(format('TRUNCATE safeguard.%I CASCADE', t), 'SG204', NULL,
                 format('truncating safeguard.%s (superuser): SG204', t))
FROM unnest(ARRAY['division', 'bank_holiday', 'organisation', 'duty_grant', 'safeguarding_case', 'concern',
                  'triage', 'referral', 'deadline_kind', 'deadline_policy', 'deadline_rule', 'deadline',
                  'audit_event']) AS t;
RESET client_min_messages;
SET session_replication_role = replica;
SELECT throws_ok(format($$UPDATE safeguard.concern SET description = 'edited' WHERE id = %s$$, :c_tri),
                 'SG204', NULL, 'under session_replication_role = replica the guards still fire');
SELECT throws_ok($$DELETE FROM safeguard.audit_event$$,
                 'SG204', NULL, 'under replica the audit trail is still append-only');
RESET session_replication_role;

-- SG205: decisions need a rationale and the threshold answers.
SET ROLE sg04_insp;
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, NULL, true, true, true)', :c_tri, 'refer_to_la'),
                 'SG205', NULL, 'triage without a rationale: SG205');
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, true, true, true)', :c_tri, 'refer_to_la', E' \t\n'),
                 'SG205', NULL, 'triage with a blank rationale: SG205');
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, NULL, true, true)', :c_tri, 'refer_to_la', 'why'),
                 'SG205', NULL, 'triage with care_and_support_needs unanswered: SG205');
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, true, NULL, true)', :c_tri, 'no_referral', 'why'),
                 'SG205', NULL, 'triage with abuse_or_neglect unanswered: SG205');
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, true, true, NULL)', :c_tri, 'regulatory_action_only', 'why'),
                 'SG205', NULL, 'triage with unable_to_protect_self unanswered: SG205');
RESET ROLE;
SET ROLE sg04_la_a;
SELECT throws_ok(format('SELECT safeguard.decide_referral(%s, %L, NULL)', :r_ack, 'section_42_enquiry'),
                 'SG205', NULL, 'a local authority decision without a rationale: SG205');
SELECT throws_ok(format('SELECT safeguard.decide_referral(%s, %L, %L)', :r_ack, 'section_42_enquiry', '  '),
                 'SG205', NULL, 'a local authority decision with a blank rationale: SG205');
RESET ROLE;
SET ROLE sg04_admin;
SELECT throws_ok(format('SELECT safeguard.withdraw_referral(%s, NULL)', :r_await),
                 'SG205', NULL, 'a withdrawal without a rationale: SG205');
SELECT throws_ok(format('SELECT safeguard.withdraw_referral(%s, %L)', :r_await, ''),
                 'SG205', NULL, 'a withdrawal with an empty rationale: SG205');
RESET ROLE;

-- SG206: the referrer is identified with a working contact route, or anonymous.
SET ROLE sg04_insp;
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'relative', 'x', '{Self-Neglect}',
                   la_id => %s, %s)$$, :laa, args), 'SG206', NULL, format('%s: SG206', what))
FROM (VALUES
    ('referrer_name => ''Jo Smith''', 'a named referrer with no contact route'),
    ('referrer_phone => ''07700 900123''', 'an unnamed referrer who is not anonymous'),
    ('referrer_name => ''  '', referrer_email => ''jo@example.org''', 'a blank referrer name'),
    ('referrer_name => ''Jo'', referrer_email => ''jo@example''', 'an e-mail without a domain'),
    ('referrer_name => ''Jo'', referrer_email => ''jo smith@example.org''', 'an e-mail with a space'),
    ('referrer_name => ''Jo'', referrer_phone => ''12345''', 'a telephone number too short'),
    ('referrer_name => ''Jo'', referrer_phone => ''0770O 900123''', 'a telephone number with a letter')) AS v(args, what);
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s)$$, :laa), 'SG206', NULL, 'an anonymous source without referrer_anonymous: SG206');
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_anonymous => true, referrer_email => 'not-an-address')$$, :laa),
                 'SG206', NULL, 'an anonymous referrer with a malformed e-mail: SG206');

-- SG207: NHS numbers.
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_anonymous => true, adult_nhs_number => %L)$$, :laa, nhs), 'SG207', NULL,
                 format('NHS number %s (%s): SG207', nhs, what))
FROM (VALUES ('9434765918', 'wrong check digit'), ('943476591', 'nine digits'), ('94347659190', 'eleven digits'),
             ('94347659AB', 'letters'), ('943 476-5919', 'mixed separators'),
             ('1000000010', 'a stem whose check digit would be 10')) AS v(nhs, what);
RESET ROLE;

-- SG208: wrappers on a referral that does not exist, or that the caller cannot see.
SET ROLE sg04_cc;
SELECT throws_ok($$SELECT safeguard.send_referral(999999999, 'email')$$, 'SG208', NULL,
                 'send_referral of a nonexistent referral: SG208');
RESET ROLE;
SET ROLE sg04_la_a;
SELECT throws_ok(format('SELECT safeguard.%s', call), 'SG208', NULL, format('%s of a nonexistent referral: SG208', fn))
FROM (VALUES ('acknowledge_referral', 'acknowledge_referral(999999999)'),
             ('decide_referral', 'decide_referral(999999999, ''no_enquiry'', ''x'')'),
             ('record_referral_outcome', 'record_referral_outcome(999999999)'),
             ('close_referral', 'close_referral(999999999, feedback_waived_reason => ''x'')')) AS v(fn, call);
SELECT throws_ok(format('SELECT safeguard.decide_referral(%s, %L, %L)', :r_b, 'no_enquiry', 'x'), 'SG208', NULL,
                 'A''s officer deciding B''s referral: SG208 (not visible)');
RESET ROLE;
SET ROLE sg04_la_b;
SELECT throws_ok(format('SELECT safeguard.acknowledge_referral(%s)', :r_sent), 'SG208', NULL,
                 'B''s officer acknowledging A''s referral: SG208 (row-level security hides it)');
RESET ROLE;
SET ROLE sg04_admin;
SELECT throws_ok($$SELECT safeguard.withdraw_referral(999999999, 'x')$$, 'SG208', NULL,
                 'withdraw_referral of a nonexistent referral: SG208');
RESET ROLE;
SET ROLE sg04_insp;
SELECT throws_ok($$SELECT safeguard.triage_concern(999999999, 'no_referral', 'x', true, true, true)$$, 'SG208', NULL,
                 'triage of a nonexistent concern: SG208');
RESET ROLE;

-- SG209: duty grants.
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg04_la_a', 'sam', :lab), 'SG209', NULL,
                 'a second organisation for the same role: SG209');
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg04_spare', 'la_officer', :cqc), 'SG209', NULL,
                 'la_officer for the regulator: SG209');
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg04_spare', 'inspector', :laa), 'SG209', NULL,
                 'inspector for a local authority: SG209');
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg04_spare', 'provider', :loc), 'SG209', NULL,
                 'provider duty for a location rather than the provider: SG209');
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg04_cc', 'contact_centre', :cqc), 'SG209', NULL,
                 'the same grant twice: SG209');

-- SG210: organisations.
SET ROLE sg04_insp;
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_anonymous => true)$$, :prov), 'SG210', NULL,
                 'a concern whose la_id is a provider: SG210');
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   provider_location_id => %s, referrer_anonymous => true)$$, :prov), 'SG210', NULL,
                 'a concern whose provider_location_id is not a location: SG210');
RESET ROLE;
SET ROLE sg04_cc;
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, %L, la_id => %s)', :r_await, 'email', :prov),
                 'SG210', NULL, 'sending a referral to a provider: SG210');
RESET ROLE;
SELECT throws_ok($$INSERT INTO safeguard.organisation (kind, name, la_id)
                   SELECT 'provider_location', 'Orphan Home', id FROM safeguard.organisation WHERE code = 'TAP04-LAA'$$,
                 'SG210', NULL, 'a location without a parent provider: SG210');
SELECT throws_ok($$INSERT INTO safeguard.organisation (kind, name, parent_id)
                   SELECT 'provider_location', 'Nowhere Home', id FROM safeguard.organisation WHERE code = 'TAP04-PROV'$$,
                 'SG210', NULL, 'a location without a local authority: SG210');
SELECT throws_ok($$INSERT INTO safeguard.organisation (kind, name, parent_id, la_id)
                   SELECT 'provider_location', 'Backwards Home', a.id, p.id FROM safeguard.organisation a,
                   safeguard.organisation p WHERE a.code = 'TAP04-LAA' AND p.code = 'TAP04-PROV'$$,
                 'SG210', NULL, 'a location whose parent is an authority and area a provider: SG210');
SELECT throws_ok($$INSERT INTO safeguard.organisation (kind, name) VALUES ('local_authority', '   ')$$,
                 'SG210', NULL, 'an organisation with a blank name: SG210');
SELECT throws_ok($$INSERT INTO safeguard.organisation (kind, name, la_id)
                   SELECT 'provider', 'Linked Provider', id FROM safeguard.organisation WHERE code = 'TAP04-LAA'$$,
                 'SG210', NULL, 'a provider with a local authority area: SG210');
SELECT throws_ok($$SELECT safeguard.grant_duty('sg04_spare', 'admin', 999999999)$$, 'SG210', NULL,
                 'a grant for a nonexistent organisation: SG210');

-- SG211: times.
SET ROLE sg04_insp;
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now() + interval '1 minute', 'phone', 'anonymous',
                   'x', '{Self-Neglect}', la_id => %s, referrer_anonymous => true)$$, :laa), 'SG211', NULL,
                 'a concern received in the future: SG211');
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_anonymous => true, adult_date_of_birth => '1950-06-01',
                   adult_date_of_death => '1949-01-01')$$, :laa), 'SG211', NULL,
                 'a date of death before the date of birth: SG211');
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_anonymous => true, adult_date_of_death => (safeguard.now() + interval '3 days')::date)$$,
                        :laa), 'SG211', NULL, 'a date of death in the future: SG211');
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_anonymous => true, adult_date_of_birth => (safeguard.now() + interval '3 days')::date)$$,
                        :laa), 'SG211', NULL, 'a date of birth in the future: SG211');
RESET ROLE;
SET ROLE sg04_cc;
SELECT throws_ok(format($$SELECT safeguard.send_referral(%s, 'email', sent_at => safeguard.now() + interval '1 hour')$$,
                        :r_await), 'SG211', NULL, 'sent_at in the future: SG211');
SELECT throws_ok(format($$SELECT safeguard.send_referral(%s, 'email',
                   sent_at => (SELECT created_at - interval '1 minute' FROM safeguard.referral WHERE id = %s))$$,
                        :r_await, :r_await), 'SG211', NULL, 'sent_at before the referral was created: SG211');
RESET ROLE;
SET ROLE sg04_la_a;
SELECT throws_ok(format($$SELECT safeguard.acknowledge_referral(%s,
                   (SELECT sent_at - interval '1 minute' FROM safeguard.referral WHERE id = %s))$$,
                        :r_sent, :r_sent), 'SG211', NULL, 'acknowledged_at before sent_at: SG211');
SELECT throws_ok(format($$SELECT safeguard.acknowledge_referral(%s, safeguard.now() + interval '1 day')$$, :r_sent),
                 'SG211', NULL, 'acknowledged_at in the future: SG211');
SELECT throws_ok(format($$SELECT safeguard.close_referral(%s, feedback_method => 'phone',
                   feedback_at => (SELECT outcome_at - interval '1 minute' FROM safeguard.referral WHERE id = %s))$$,
                        :r_close, :r_close), 'SG211', NULL, 'feedback before the outcome: SG211');
RESET ROLE;

-- SG212: deadline policies.
SET ROLE sg04_admin;
SELECT throws_ok(format($$UPDATE safeguard.deadline_rule SET amount = 2 WHERE policy_id = %s AND kind = 'triage'$$,
                        :shipped_policy), 'SG212', NULL, 'changing a rule of a policy version in use: SG212');
SELECT throws_ok(format($$DELETE FROM safeguard.deadline_rule WHERE policy_id = %s AND kind = 'feedback'$$,
                        :shipped_policy), 'SG212', NULL, 'deleting a rule of a policy version in use: SG212');
SELECT throws_ok(format($$UPDATE safeguard.deadline_policy SET effective_from = '2024-01-01' WHERE id = %s$$,
                        :shipped_policy), 'SG212', NULL, 'changing a policy version in use: SG212');
SELECT throws_ok(format($$INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit)
                   VALUES (%s, 'triage', -1, 'working_days')$$, :a_policy), 'SG212', NULL,
                 'a rule with a negative amount: SG212');
SELECT throws_ok(format($$INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit)
                   VALUES (%s, 'triage', 10001, 'working_days')$$, :a_policy), 'SG212', NULL,
                 'a rule with an absurd amount: SG212');
RESET ROLE;

-- 42501: the wrong duty, whatever the client.
SET ROLE sg04_insp;
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, %L)', :r_await, 'email'), '42501', NULL,
                 'an inspector sending through the wrapper: 42501');
SELECT throws_ok(format($$UPDATE safeguard.referral SET state = 'sent', sent_method = 'email',
                   sent_at = safeguard.now() WHERE id = %s$$, :r_await), '42501', NULL,
                 'an inspector ticking "sent" with a raw UPDATE: 42501');
SELECT throws_ok(format($$INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit)
                   VALUES (%s, 'triage', 1, 'working_days')$$, :a_policy), '42501', NULL,
                 'an inspector changing deadline policy: 42501');
SELECT throws_ok($$SELECT safeguard.set_clock('2030-01-01')$$, '42501', NULL, 'an inspector moving the clock: 42501');
RESET ROLE;
SET ROLE sg04_la_a;
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, %L)', :r_await, 'email'), '42501', NULL,
                 'the recipient authority''s officer marking a referral sent: 42501');
SELECT throws_ok(format('SELECT safeguard.withdraw_referral(%s, %L)', :r_await, 'Not needed.'), '42501', NULL,
                 'an LA officer withdrawing: 42501');
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, true, true, true)', :c_tri, 'refer_to_la', 'why'),
                 '42501', NULL, 'an LA officer deciding refer_to_la (a regulator''s decision): 42501');
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, true, true, true)', :c_tri,
                        'regulatory_action_only', 'why'),
                 '42501', NULL, 'an LA officer deciding regulatory_action_only: 42501');
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_anonymous => true)$$, :lab), '42501', NULL,
                 'an officer of A logging a concern for B: 42501');
RESET ROLE;
SET ROLE sg04_cc;
SELECT throws_ok(format('SELECT safeguard.withdraw_referral(%s, %L)', :r_await, 'Not needed.'), '42501', NULL,
                 'the contact centre withdrawing: 42501');
SELECT throws_ok(format('SELECT safeguard.decide_referral(%s, %L, %L)', :r_ack, 'section_42_enquiry', 'why'),
                 '42501', NULL, 'the contact centre making the authority''s decision: 42501');
RESET ROLE;
SET ROLE sg04_admin;
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, %L)', :r_await, 'email'), '42501', NULL,
                 'an administrator marking a referral sent: 42501');
RESET ROLE;
SET ROLE sg04_prov;
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_anonymous => true)$$, :laa), '42501', NULL,
                 'a provider logging a concern: 42501');
RESET ROLE;
SET ROLE sg04_insp;
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg04_spare', 'inspector', :cqc), '42501', NULL,
                 'an inspector granting a duty: 42501');
RESET ROLE;

-- Nothing the refused statements tried was kept.
SELECT is((SELECT count(*) FROM safeguard.audit_event), :audit_before::bigint,
          'no audit row was written by the refused statements');
SELECT is((SELECT digest FROM pg_temp.sg04_snapshot),
          :'snapshot_before', 'every workflow table and the audit trail are exactly as before the error block');
SELECT results_eq(format('SELECT state::text FROM safeguard.referral WHERE id IN (%s) ORDER BY id',
                         concat_ws(',', :r_await, :r_sent, :r_closed, :r_wd)),
                  ARRAY['awaiting_send', 'sent', 'closed', 'withdrawn'],
                  'the referrals are in the states they were in');

--------------------------------------------------------------------------
-- Happy paths the errors contrast with.
--------------------------------------------------------------------------
SET ROLE sg04_la_a;
SELECT lives_ok(format('SELECT safeguard.record_referral_outcome(%s, %L, %L)', :r_s42,
                       'Risk identified and action taken', 'Risk reduced'),
                'a section 42 outcome with action and result and risk outcome');
SELECT lives_ok(format('SELECT safeguard.record_referral_outcome(%s, %L, harm_from_delay => %L)', :r_late,
                       'No risk identified and no action taken', 'no_harm'),
                'a late referral''s outcome with the harm from the delay');
SELECT lives_ok(format('SELECT safeguard.close_referral(%s, feedback_waived_reason => %L)', :r_close,
                       'Anonymous referrer: no route for feedback.'),
                'closing with feedback waived, with a reason');
SELECT lives_ok(format('SELECT safeguard.decide_referral(%s, %L, %L)', :r_ack, 'other_enquiry', 'Some concerns.'),
                'a decision with a rationale');
SELECT lives_ok(format($$UPDATE safeguard.referral SET la_reference = 'A-2' WHERE id = %s$$, :r_sent),
                'the recipient authority corrects its reference on an open referral');
SELECT lives_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'relative', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_name => 'Ann', referrer_address => '2 High St')$$, :laa),
                'an officer of A logs a concern for A, referrer reachable by post');
SELECT lives_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, true, false, false)', :c_tri,
                       'no_referral', 'No abuse or neglect indicated.'),
                'an LA officer decides no_referral, with a rationale');
RESET ROLE;
SET ROLE sg04_cc;
SELECT lives_ok(format($$SELECT safeguard.send_referral(%s, 'email', sent_at => safeguard.now() - interval '1 hour',
                   la_contact => 'A safeguarding hub')$$, :r_await),
                'the contact centre sends, recording when it happened');
RESET ROLE;
SET ROLE sg04_insp;
SELECT lives_ok(format($$SELECT safeguard.log_concern(safeguard.now(), 'phone', 'relative', 'x', '{Self-Neglect}',
                   la_id => %s, referrer_name => 'Jo', referrer_phone => '+44 (0)20 7946 0000',
                   adult_nhs_number => '401 023 2137', adult_date_of_birth => '1940-02-29',
                   adult_date_of_death => '2024-03-01')$$, :laa),
                'a concern about a person who has died, with a valid NHS number and phone');
RESET ROLE;
SET ROLE sg04_admin;
SELECT lives_ok(format($$INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit)
                         VALUES (%s, 'triage', 3, 'working_days')$$, :a_policy),
                'an administrator adds a rule to an unused policy version');
SELECT lives_ok(format($$UPDATE safeguard.deadline_rule SET amount = 2 WHERE policy_id = %s AND kind = 'triage'$$,
                       :a_policy),
                'and may still change it while no deadline uses it');
SELECT lives_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg04_spare', 'inspector', :cqc),
                'an administrator grants a duty');
RESET ROLE;
SELECT results_eq(format('SELECT state::text FROM safeguard.referral WHERE id IN (%s) ORDER BY id',
                         concat_ws(',', :r_await, :r_s42, :r_close, :r_ack, :r_late)),
                  ARRAY['sent', 'outcome_recorded', 'closed', 'decided', 'outcome_recorded'],
                  'the happy paths moved the referrals on');

SELECT throws_ok('TRUNCATE safeguard.pseudonym_key', 'SG204', NULL,
                 'truncating safeguard.pseudonym_key (superuser): SG204');

SELECT * FROM finish();
ROLLBACK;
