-- The referral workflow, walked through from concern to closed case.
--
-- A concern reaches the regulator (CQC); an inspector triages it; a
-- refer_to_la decision puts a referral in the contact centre's send queue;
-- only the contact centre sends it; the local authority (LA) acknowledges,
-- decides, records the outcome and closes it with feedback to the referrer.
-- Every step has a deadline counted in working days over the bank holidays,
-- every change leaves an audit row, and each role sees only what it may.
--
-- The clock is pinned across the Easter 2026 weekend (Good Friday 3 April,
-- Easter Monday 6 April; British Summer Time, so London is UTC+1).  Times
-- are shown in UTC.  Errors are asserted by SQLSTATE only.
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET IntervalStyle = 'postgres';

--------------------------------------------------------------------------
-- 1. Organisations and duties (the superuser stands in for the administrator)
--------------------------------------------------------------------------
-- The regulator, two local authorities (the first with a named senior
-- contact to escalate to), a provider and one of its locations, which lies
-- in the first authority's area.
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'W04 Care Quality Commission', 'W04-CQC') RETURNING id AS cqc \gset
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'W04 Northshire County Council', 'W04-LA-N', 'Dana Whitfield',
        'dana.whitfield@northshire.example.gov.uk') RETURNING id AS la_north \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'W04 Southshire Borough Council', 'W04-LA-S') RETURNING id AS la_south \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('provider', 'W04 Meadow Care Ltd', 'W04-PROV') RETURNING id AS provider \gset
INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
VALUES ('provider_location', 'W04 Meadow House', 'W04-LOC', :provider, :la_north)
RETURNING id AS location \gset

-- Login roles for the people, each acting under one duty for one organisation.
CREATE ROLE w04_admin LOGIN;
CREATE ROLE w04_cc LOGIN;
CREATE ROLE w04_inspector LOGIN;
CREATE ROLE w04_north LOGIN;
CREATE ROLE w04_south LOGIN;
CREATE ROLE w04_reader LOGIN;
SELECT safeguard.grant_duty('w04_admin', 'admin', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w04_cc', 'contact_centre', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w04_inspector', 'inspector', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w04_north', 'la_officer', :la_north) > 0 AS granted;
SELECT safeguard.grant_duty('w04_south', 'la_officer', :la_south) > 0 AS granted;
SELECT safeguard.grant_duty('w04_reader', 'reader', :cqc) > 0 AS granted;
SELECT g.role, g.duty, o.name AS organisation, g.revoked_at IS NULL AS active
FROM safeguard.duty_grant g JOIN safeguard.organisation o ON o.id = g.organisation_id
WHERE g.role::text LIKE 'w04\_%' ORDER BY g.id;
-- A duty acts for an organisation of the right kind only.
SELECT safeguard.grant_duty('w04_reader', 'la_officer', :cqc);

-- Labels for the rows this walkthrough creates, so the output shows no
-- serial numbers.  (Temporary, readable by the roles this session acts as.)
CREATE TEMP TABLE w04_label (label text PRIMARY KEY, kind text, id bigint);
GRANT SELECT ON w04_label TO PUBLIC;

--------------------------------------------------------------------------
-- 2. Logging concerns (Thursday 2 April 2026, 10:00 in London)
--------------------------------------------------------------------------
SELECT safeguard.set_clock('2026-04-02 09:00+00');

-- An inspector logs a relative's call about Mary Jones, a resident of
-- Meadow House.  The referrer is named with a telephone number (feedback
-- must be able to reach them).  The NHS number is given in its spaced form;
-- it is checked by its check digit and stored as ten digits.  The local
-- authority follows from the location.
SET ROLE w04_inspector;
SELECT safeguard.log_concern(
    received_at => '2026-04-02 08:40+00', channel => 'phone', source => 'relative',
    description => 'Resident left without fluids overnight; pressure sore not dressed.',
    risk_types => '{Neglect and Acts of Omission}', provider_location_id => :location,
    referrer_name => 'Ann Jones', referrer_phone => '07700 900123',
    adult_nhs_number => '943 476 5919', adult_name => 'Mary Jones',
    adult_date_of_birth => '1938-05-14', adult_gender => 'Female',
    risk_location => 'Care Home - Residential', source_of_risk => 'Service Provider') AS c1 \gset
SELECT c.adult_nhs_number, o.name AS local_authority, c.joined_open_case,
       c.logged_by, c.logged_at, c.case_id IS NOT NULL AS has_case
FROM safeguard.concern c JOIN safeguard.organisation o ON o.id = c.la_id
WHERE c.id = :c1;
SELECT case_id AS case_mary FROM safeguard.concern WHERE id = :c1 \gset

-- What a concern must record: a valid NHS number (SG207), a referrer who is
-- named with a contact route or recorded as anonymous (SG206), at least one
-- type of risk (SAC vocabulary) (SG202).
SELECT safeguard.log_concern('2026-04-02 08:40+00', 'phone', 'relative', 'Same call.',
    '{Neglect and Acts of Omission}', provider_location_id => :location,
    referrer_name => 'Ann Jones', referrer_phone => '07700 900123',
    adult_nhs_number => '943 476 5910');
SELECT safeguard.log_concern('2026-04-02 08:40+00', 'phone', 'relative', 'Same call.',
    '{Neglect and Acts of Omission}', provider_location_id => :location,
    referrer_name => 'Ann Jones');
SELECT safeguard.log_concern('2026-04-02 08:40+00', 'phone', 'relative', 'Same call.',
    '{}', provider_location_id => :location,
    referrer_name => 'Ann Jones', referrer_phone => '07700 900123');
RESET ROLE;

-- The contact centre logs a GP's e-mail about the same adult (NHS number
-- unspaced this time), who is now at immediate risk.  It joins Mary's open
-- case instead of starting an unconnected one: a repeat concern.
SET ROLE w04_cc;
SELECT safeguard.log_concern(
    received_at => '2026-04-02 08:55+00', channel => 'email', source => 'professional',
    description => 'Unexplained bruising to both forearms seen at a GP visit.',
    risk_types => '{Physical Abuse}', provider_location_id => :location,
    referrer_name => 'Dr Raj Patel', referrer_email => 'raj.patel@example.nhs.uk',
    adult_nhs_number => '9434765919', adult_gender => 'Female',
    risk_location => 'Care Home - Residential', source_of_risk => 'Service Provider',
    immediate_risk => true) AS c2 \gset
SELECT case_id = :case_mary AS same_case, joined_open_case, immediate_risk
FROM safeguard.concern WHERE id = :c2;
SELECT state, concerns, repeat_concerns, referrals
FROM safeguard.case_overview WHERE case_id = :case_mary;

-- A whistleblower reports short staffing at Meadow House, about no adult in
-- particular.  An unknown adult's concern joins the location's open case for
-- unknown adults (at most one per location), never a named resident's case:
-- here there is none yet, so it opens one.
SELECT safeguard.log_concern(
    received_at => '2026-04-02 08:58+00', channel => 'phone', source => 'whistleblower',
    description => 'Night shifts at Meadow House run with one carer for 30 residents.',
    risk_types => '{Organisational Abuse}', provider_location_id => :location,
    referrer_name => 'Care worker (name withheld from provider)', referrer_phone => '+44 7700 900456',
    source_of_risk => 'Service Provider') AS c3 \gset
SELECT case_id = :case_mary AS joined_marys_case, joined_open_case
FROM safeguard.concern WHERE id = :c3;
SELECT state, concerns, repeat_concerns, referrals
FROM safeguard.case_overview WHERE case_id = :case_mary;

-- A concern about another, identified resident of the same location opens a
-- case of its own: the location links only concerns whose adult is unknown.
-- (Without an NHS number the adult is identified by name and date of birth.)
SELECT safeguard.log_concern(
    received_at => '2026-04-02 08:59+00', channel => 'phone', source => 'relative',
    description => 'Medication given late on two days.',
    risk_types => '{Neglect and Acts of Omission}', provider_location_id => :location,
    referrer_name => 'Peter Smith', referrer_address => '1 High Street, Northtown',
    adult_name => 'Edith Smith', adult_date_of_birth => '1931-11-02') AS c4 \gset
SELECT case_id <> :case_mary AS own_case, joined_open_case
FROM safeguard.concern WHERE id = :c4;
SELECT case_id AS case_edith FROM safeguard.concern WHERE id = :c4 \gset

-- A second care worker reports the same staffing problem at Meadow House:
-- it joins the location's case (a repeat), not Edith's or Mary's.
SELECT safeguard.log_concern(
    received_at => '2026-04-02 08:59+00', channel => 'email', source => 'whistleblower',
    description => 'Agency staff on nights have not been trained in moving and handling.',
    risk_types => '{Organisational Abuse}', provider_location_id => :location,
    referrer_name => 'Second care worker', referrer_email => 'worker2@example.org.uk',
    source_of_risk => 'Service Provider') AS c7 \gset
SELECT case_id = :case_edith AS joined_ediths_case, joined_open_case
FROM safeguard.concern WHERE id = :c7;
SELECT count(DISTINCT case_id) AS cases_of_the_two_location_concerns
FROM safeguard.concern WHERE id IN (:c3, :c7);

-- An anonymous caller reports financial abuse of a man living at home in
-- Southshire.  Anonymity is recorded as such (it waives feedback later).
SELECT safeguard.log_concern(
    received_at => '2026-04-02 08:50+00', channel => 'phone', source => 'anonymous',
    description => 'Neighbour says a lodger is taking his pension.',
    risk_types => '{Financial or Material Abuse}', la_id => :la_south,
    referrer_anonymous => true, adult_name => 'John Brown', adult_date_of_birth => '1950-02-01',
    adult_gender => 'Male', risk_location => 'Own Home',
    source_of_risk => 'Other - Known to individual') AS c5 \gset
SELECT case_id AS case_john FROM safeguard.concern WHERE id = :c5 \gset
-- An anonymous source without the anonymity flag is refused (SG206).
SELECT safeguard.log_concern('2026-04-02 08:50+00', 'phone', 'anonymous', 'Same call.',
    '{Financial or Material Abuse}', la_id => :la_south);

-- A member of the public writes about a neighbour in Northshire (adult not
-- identified, no provider involved).  This one will be withdrawn.
SELECT safeguard.log_concern(
    received_at => '2026-04-02 08:45+00', channel => 'letter', source => 'member_of_public',
    description => 'Neighbour seems unable to look after herself; house in poor state.',
    risk_types => '{Self-Neglect}', la_id => :la_north,
    referrer_name => 'Sam Green', referrer_address => '4 Low Road, Northtown',
    risk_location => 'Own Home') AS c6 \gset
SELECT case_id AS case_letter FROM safeguard.concern WHERE id = :c6 \gset
RESET ROLE;

INSERT INTO w04_label VALUES
    ('C1 Mary, relative', 'concern', :c1), ('C2 Mary, GP, immediate', 'concern', :c2),
    ('C3 Meadow House staffing', 'concern', :c3), ('C4 Edith', 'concern', :c4),
    ('C5 John, anonymous', 'concern', :c5), ('C6 letter', 'concern', :c6),
    ('C7 Meadow House training', 'concern', :c7),
    ('case Mary', 'case', :case_mary), ('case Edith', 'case', :case_edith),
    ('case John', 'case', :case_john), ('case letter', 'case', :case_letter);

-- Every concern opened a triage deadline for the regulator: one working day.
SELECT l.label, d.status, x.due_at
FROM safeguard.deadline d
JOIN w04_label l ON l.kind = 'concern' AND l.id = d.subject_id
JOIN safeguard.open_deadlines x ON x.id = d.id
WHERE d.subject_table = 'concern' AND d.kind = 'triage' ORDER BY l.label;

--------------------------------------------------------------------------
-- 3. Triage (Thursday 11:00 in London): a decision with a rationale and
--    the three section 42(1) threshold answers
--------------------------------------------------------------------------
SELECT safeguard.set_clock('2026-04-02 10:00+00');
SET ROLE w04_inspector;
-- A decision without a rationale is refused (SG205).
SELECT safeguard.triage_concern(:c1, 'refer_to_la', '  ', true, true, true);
-- refer_to_la creates the referral in awaiting_send and returns its number.
SELECT safeguard.triage_concern(:c1, 'refer_to_la',
    'Resident with care needs, neglect alleged, cannot protect herself: s42 threshold met.',
    true, true, true) AS r1 \gset
SELECT safeguard.triage_concern(:c2, 'refer_to_la',
    'Physical abuse suspected; adult at immediate risk.', true, true, true) AS r2 \gset
SELECT safeguard.triage_concern(:c5, 'refer_to_la',
    'Financial abuse of an adult with care needs at home.', true, true, true) AS r5 \gset
SELECT safeguard.triage_concern(:c6, 'refer_to_la',
    'Possible self-neglect; the LA should assess.', true, true, false) AS r6 \gset
-- no_referral records the decision and creates no referral.  Mary's case
-- stays open: her referrals are still to be worked.
SELECT safeguard.triage_concern(:c3, 'no_referral',
    'No individual adult identified; staffing passed to the inspection team.',
    false, false, false) AS no_referral;
SELECT t.decision, t.decided_by, t.decided_duty, t.rationale
FROM safeguard.triage t WHERE t.concern_id = :c3;
SELECT state, concerns, repeat_concerns, referrals
FROM safeguard.case_overview WHERE case_id = :case_mary;
-- The training concern needs no referral either.  Once every concern in a
-- case is triaged and no referral is open, the case closes.
SELECT safeguard.triage_concern(:c7, 'no_referral',
    'Training gap passed to the inspection team for the next inspection.',
    false, false, false) AS no_referral;
SELECT o.state AS location_case, o.concerns, o.repeat_concerns
FROM safeguard.case_overview o WHERE o.case_id = (SELECT case_id FROM safeguard.concern WHERE id = :c3);
SELECT state AS ediths_case FROM safeguard.case_overview WHERE case_id = :case_edith;
SELECT safeguard.triage_concern(:c4, 'no_referral',
    'Medication timing raised with the provider; no abuse or neglect indicated.',
    true, false, false) AS no_referral;
SELECT state, closed_at, concerns, repeat_concerns, referrals
FROM safeguard.case_overview WHERE case_id = :case_edith;
-- The referrals wait in awaiting_send, created by the inspector's decision.
SELECT CASE r.concern_id WHEN :c1 THEN 'R1 from C1' WHEN :c2 THEN 'R2 from C2' END AS referral,
       r.state, r.created_by, r.immediate_risk, r.case_id = :case_mary AS marys_case
FROM safeguard.referral r WHERE r.id IN (:r1, :r2) ORDER BY r.id;
RESET ROLE;

INSERT INTO w04_label VALUES
    ('R1 Mary', 'referral', :r1), ('R2 Mary, immediate', 'referral', :r2),
    ('R5 John, anonymous', 'referral', :r5), ('R6 letter', 'referral', :r6);

-- The triage deadlines were met (decided well inside one working day).
SELECT l.label, d.status, d.due_at_close
FROM safeguard.deadline d JOIN w04_label l ON l.kind = 'concern' AND l.id = d.subject_id
WHERE d.subject_table = 'concern' AND d.kind = 'triage' ORDER BY l.label;

-- The contact centre's send queue.  A referral is due to be sent by the end
-- of the next working day: decided on the Thursday before Easter, that is
-- the end of Tuesday 7 April in London (23:00 UTC), because Good Friday,
-- the weekend and Easter Monday are not working days.  The adult at
-- immediate risk has 4 clock hours, and holidays do not stop that clock.
SET ROLE w04_cc;
SELECT l.label, q.local_authority, q.immediate_risk, q.created_at, q.age,
       q.send_due_at, q.overdue
FROM safeguard.send_queue q JOIN w04_label l ON l.kind = 'referral' AND l.id = q.referral_id
ORDER BY l.label;
RESET ROLE;

--------------------------------------------------------------------------
-- 4. Thursday 16:00 in London: the immediate referral is overdue; an
--    administrator withdraws another one
--------------------------------------------------------------------------
SELECT safeguard.set_clock('2026-04-02 15:00+00');
SET ROLE w04_cc;
SELECT l.label, q.age, q.overdue
FROM safeguard.send_queue q JOIN w04_label l ON l.kind = 'referral' AND l.id = q.referral_id
ORDER BY l.label;
RESET ROLE;

-- The letter's author rang back: the neighbour has moved to her daughter's.
-- Withdrawal is the only other way out of the send queue: a senior decision
-- (admin duty) with a rationale.  Without one it is refused (SG205).
SET ROLE w04_admin;
SELECT safeguard.withdraw_referral(:r6, '');
SELECT safeguard.withdraw_referral(:r6,
    'Referrer confirmed the adult moved to live with her daughter and is supported; duplicate of the LA''s own contact.');
SELECT state, withdrawn_by, withdrawn_at, withdrawal_rationale
FROM safeguard.referral WHERE id = :r6;
RESET ROLE;
-- Its send deadline no longer applies; its case (nothing else open) closes.
SELECT kind, status, closed_at FROM safeguard.deadline
WHERE subject_table = 'referral' AND subject_id = :r6;
SELECT state, closed_at FROM safeguard.case_overview WHERE case_id = :case_letter;

--------------------------------------------------------------------------
-- 5. Sending (contact centre only)
--------------------------------------------------------------------------
-- Good Friday, 10:00 in London: the immediate referral goes, 19 hours late;
-- John's goes to Southshire, in time.
SELECT safeguard.set_clock('2026-04-03 09:00+00');
SET ROLE w04_cc;
SELECT safeguard.send_referral(:r2, 'secure_email', la_contact => 'Northshire MASH duty desk');
SELECT safeguard.send_referral(:r5, 'phone', la_contact => 'Southshire adult social care front door');
SELECT l.label, r.state, r.sent_at, r.sent_method, r.la_contact, r.sent_by, r.sent_recorded_at
FROM safeguard.referral r JOIN w04_label l ON l.kind = 'referral' AND l.id = r.id
WHERE r.id IN (:r2, :r5) ORDER BY l.label;
RESET ROLE;

-- Tuesday 7 April, 16:00 in London: Mary's first referral is sent, still
-- within its deadline (the end of today).
SELECT safeguard.set_clock('2026-04-07 15:00+00');
SET ROLE w04_cc;
SELECT safeguard.send_referral(:r1, 'secure_email', la_contact => 'Northshire MASH duty desk');
-- The send queue is empty (of this walkthrough's referrals).
SELECT count(*) AS still_queued FROM safeguard.send_queue q
WHERE q.referral_id IN (SELECT id FROM w04_label WHERE kind = 'referral');
RESET ROLE;

-- The send deadlines: one met over the Easter weekend, one breached (clock
-- hours), one met, one cancelled by the withdrawal.  Sending opened the
-- local authority's deadlines: acknowledgement (2 working days), outcome
-- (20) and escalation to its senior contact (40), all counted from the day
-- the referral was sent; Good Friday's sendings count from Tuesday.
SELECT l.label, d.kind, d.status, d.due_at_close,
       safeguard.deadline_due(r.amount, r.unit, d.anchor_at, d.division) AS due_at,
       o.name AS must_act
FROM safeguard.deadline d
JOIN w04_label l ON l.kind = 'referral' AND l.id = d.subject_id
JOIN safeguard.deadline_rule r ON r.policy_id = d.policy_id AND r.kind = d.kind
JOIN safeguard.organisation o ON o.id = d.organisation_id
WHERE d.subject_table = 'referral' ORDER BY l.label, d.id;

--------------------------------------------------------------------------
-- 6. The local authorities acknowledge; what each sees is its own
--------------------------------------------------------------------------
-- Wednesday 8 April: Northshire acknowledges Mary's first referral with its
-- own reference.  Southshire cannot even see it (SG208: not visible).
SELECT safeguard.set_clock('2026-04-08 09:00+00');
SET ROLE w04_south;
SELECT safeguard.acknowledge_referral(:r1, la_reference => 'S-0001');
SELECT safeguard.acknowledge_referral(:r5, la_reference => 'SBC/26/0042');
SELECT count(*) AS referrals_visible_to_southshire FROM safeguard.referral
WHERE id IN (SELECT id FROM w04_label WHERE kind = 'referral');
RESET ROLE;
SET ROLE w04_north;
SELECT safeguard.acknowledge_referral(:r1, la_reference => 'NCC-ASC-2026-0412');
SELECT count(*) AS referrals_visible_to_northshire FROM safeguard.referral
WHERE id IN (SELECT id FROM w04_label WHERE kind = 'referral');
RESET ROLE;

-- Friday 10 April, 10:00 in London.  my_deadlines shows a Northshire officer
-- only what Northshire must meet, with the named senior contact to escalate
-- to: the acknowledgement of the immediate referral (due at the end of
-- Thursday) is overdue.  Southshire sees only its own, with no senior
-- contact on record.
SELECT safeguard.set_clock('2026-04-10 09:00+00');
SET ROLE w04_north;
SELECT l.label, m.kind, m.organisation, m.senior_contact_name, m.due_at, m.overdue
FROM safeguard.my_deadlines m JOIN w04_label l ON l.kind = 'referral' AND l.id = m.subject_id
ORDER BY l.label, m.id;
SELECT count(*) AS other_organisations FROM safeguard.my_deadlines
WHERE organisation_id <> safeguard.current_organisation();
SELECT safeguard.acknowledge_referral(:r2, la_reference => 'NCC-ASC-2026-0413');
RESET ROLE;
SET ROLE w04_south;
SELECT l.label, m.kind, m.organisation, m.senior_contact_name, m.due_at, m.overdue
FROM safeguard.my_deadlines m JOIN w04_label l ON l.kind = 'referral' AND l.id = m.subject_id
ORDER BY l.label, m.id;
RESET ROLE;

--------------------------------------------------------------------------
-- 7. Decision, outcome, feedback, closure
--------------------------------------------------------------------------
-- Tuesday 14 April: the decisions, each with its rationale.
SELECT safeguard.set_clock('2026-04-14 09:00+00');
SET ROLE w04_north;
SELECT safeguard.decide_referral(:r1, 'section_42_enquiry', '');
SELECT safeguard.decide_referral(:r1, 'section_42_enquiry',
    'All three s42(1) criteria met; enquiry caused to be made by the provider with LA oversight.');
SELECT safeguard.decide_referral(:r2, 'section_42_enquiry',
    'Physical abuse alleged against staff; enquiry led by the LA.');
-- A step cannot be skipped: decided -> closed is not a transition (SG201).
SELECT safeguard.close_referral(:r1, '2026-04-14 08:00+00', 'phone');
RESET ROLE;
SET ROLE w04_south;
SELECT safeguard.decide_referral(:r5, 'no_enquiry',
    'Adult has capacity, manages his money and declined involvement; signposted to advice.');
RESET ROLE;

-- Monday 20 April: the outcomes (SAC vocabulary).
SELECT safeguard.set_clock('2026-04-20 09:00+00');
SET ROLE w04_north;
SELECT safeguard.record_referral_outcome(:r1, 'Risk identified and action taken', 'Risk reduced');
-- Mary's second referral was sent late: the outcome must say whether the
-- delay caused harm (SG202 without it), then it is accepted.
SELECT safeguard.record_referral_outcome(:r2, 'Risk identified and action taken', 'Risk removed');
SELECT safeguard.record_referral_outcome(:r2, 'Risk identified and action taken', 'Risk removed',
    harm_from_delay => 'no_harm');
RESET ROLE;
SET ROLE w04_south;
-- No enquiry was made, so no SAC result is required.
SELECT safeguard.record_referral_outcome(:r5);
RESET ROLE;

-- Wednesday 22 April: feedback to the referrers, and closure.  Closing
-- needs the feedback (date and method) or a reason it was waived (SG202
-- with neither).
SELECT safeguard.set_clock('2026-04-22 09:00+00');
SET ROLE w04_north;
SELECT safeguard.close_referral(:r1);
SELECT safeguard.close_referral(:r1, '2026-04-21 14:00+00', 'phone');
SELECT safeguard.close_referral(:r2, '2026-04-22 08:30+00', 'secure_email');
RESET ROLE;
SET ROLE w04_south;
-- The anonymous referrer cannot be told: feedback is waived, with the reason.
SELECT safeguard.close_referral(:r5,
    feedback_waived_reason => 'Anonymous referrer: no contact route recorded.');
RESET ROLE;

SELECT l.label, r.state, r.la_decision, r.action_result, r.risk_outcome, r.harm_from_delay,
       r.outcome_at, r.feedback_at, r.feedback_method, r.feedback_waived_reason,
       r.closed_by, r.closed_at
FROM safeguard.referral r JOIN w04_label l ON l.kind = 'referral' AND l.id = r.id
ORDER BY l.label;

-- Every deadline of the referrals, closed: met, breached (the late send and
-- the late acknowledgement) or cancelled (the withdrawn referral's send,
-- the waived feedback).
SELECT l.label, d.kind, d.status, d.due_at_close, d.closed_at
FROM safeguard.deadline d JOIN w04_label l ON l.kind = 'referral' AND l.id = d.subject_id
WHERE d.subject_table = 'referral' ORDER BY l.label, d.id;
SELECT count(*) AS open_deadlines FROM safeguard.deadline d
WHERE d.status = 'open' AND d.case_id IN (SELECT id FROM w04_label WHERE kind = 'case');

-- Every case is closed: Mary's once all three concerns were triaged and
-- both referrals closed.
SELECT l.label, c.state, c.concerns, c.repeat_concerns, c.referrals, c.closed_at
FROM safeguard.case_overview c JOIN w04_label l ON l.kind = 'case' AND l.id = c.case_id
ORDER BY l.label;

--------------------------------------------------------------------------
-- 8. The audit trail of one referral: who did what, acting for whom,
--    under which duty, at which safeguard time (recorded_at, the real
--    clock, is left out; login_role is the session's login, here the
--    superuser running this file).  The referral created by the triage
--    decision is recorded under the inspector who made it.
--------------------------------------------------------------------------
SELECT a.login_role = session_user AS login_is_session_user, a.acting_role,
       o.name AS organisation, a.duty, a.action, a.from_state, a.to_state,
       a.business_time
FROM safeguard.audit_event a LEFT JOIN safeguard.organisation o ON o.id = a.organisation_id
WHERE a.table_name = 'referral' AND a.row_key = :'r1' ORDER BY a.id;
-- The sending row records the columns it changed, old and new.
SELECT jsonb_object_keys(changes) AS changed
FROM safeguard.audit_event
WHERE table_name = 'referral' AND row_key = :'r1' AND to_state = 'sent' ORDER BY 1;

--------------------------------------------------------------------------
-- 9. Performance teams: pseudonymised, read-only
--------------------------------------------------------------------------
SET ROLE w04_reader;
-- The two referrals about Mary carry the same pseudonym; John's differs;
-- the letter's unknown adult has none.  No name or NHS number appears.
SELECT count(*) AS mary_referrals, count(DISTINCT adult_pseudonym) AS mary_pseudonyms,
       min(length(adult_pseudonym)) AS pseudonym_length
FROM safeguard.referral_pseudonymised WHERE referral_id IN (:r1, :r2);
SELECT (SELECT adult_pseudonym FROM safeguard.referral_pseudonymised WHERE referral_id = :r5)
       <> (SELECT adult_pseudonym FROM safeguard.referral_pseudonymised WHERE referral_id = :r1)
       AS john_differs,
       (SELECT adult_pseudonym FROM safeguard.referral_pseudonymised WHERE referral_id = :r6)
       IS NULL AS unknown_adult_has_none;
SELECT l.label, p.state, p.source, p.risk_types, p.adult_gender, p.harm_from_delay
FROM safeguard.referral_pseudonymised p
JOIN w04_label l ON l.kind = 'referral' AND l.id = p.referral_id ORDER BY l.label;
SELECT count(*) AS columns,
       count(*) FILTER (WHERE column_name ~ '(name|nhs|phone|email|address|birth|referrer|contact|reference)')
           AS identifying_columns
FROM information_schema.columns
WHERE table_schema = 'safeguard' AND table_name = 'referral_pseudonymised';
-- The identifying columns are closed to the reader (42501).
SELECT adult_name FROM safeguard.concern;
SELECT referrer_phone FROM safeguard.concern;
SELECT la_decision_rationale FROM safeguard.referral;
RESET ROLE;

--------------------------------------------------------------------------
-- Clean up: end the grants (kept as history), drop the login roles.
--------------------------------------------------------------------------
SELECT safeguard.set_clock(NULL) IS NOT NULL AS unpinned;
SELECT safeguard.revoke_duty('w04_admin', 'admin') AND
       safeguard.revoke_duty('w04_cc', 'contact_centre') AND
       safeguard.revoke_duty('w04_inspector', 'inspector') AND
       safeguard.revoke_duty('w04_north', 'la_officer') AND
       safeguard.revoke_duty('w04_south', 'la_officer') AND
       safeguard.revoke_duty('w04_reader', 'reader') AS revoked;
DROP TABLE w04_label;
DROP ROLE w04_admin, w04_cc, w04_inspector, w04_north, w04_south, w04_reader;
