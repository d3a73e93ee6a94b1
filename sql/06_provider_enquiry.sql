-- A large-scale provider enquiry, walked through from proposal to closure.
--
-- Northshire County Council runs the Provider Concerns procedure about
-- Holly Tree Care Ltd and two of its care homes: the threshold tool and the
-- decision to invoke (stage 1), the initial meeting and fact finding
-- (stage 2), the outcomes meeting and the Service Improvement Plan
-- (stage 3), monitoring (stage 4), quality assurance (stage 5) and closure
-- (stage 6).  Each step is done by the duty the procedure names, and every
-- other duty is refused; the commissioners of the funding authorities decide
-- placements and the regulator abstains; the provider sees and answers only
-- its own plan.  A second enquiry, about another provider, is not invoked.
--
-- The enquiry is invoked on Friday 18 December 2026, over the Christmas bank
-- holidays (Christmas Day Friday 25 December, Boxing Day substitute Monday
-- 28 December, New Year's Day Friday 1 January 2027).  London is on GMT
-- until 28 March 2027, so UTC times are London times until then.  Errors
-- are asserted by SQLSTATE only.
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET IntervalStyle = 'postgres';

--------------------------------------------------------------------------
-- Set-up: organisations, people and duties (the superuser stands in for
-- the system administrator)
--------------------------------------------------------------------------
-- The regulator; the lead local authority, with a named senior contact; an
-- ICB that also funds placements; the provider under enquiry with two care
-- homes in Northshire; a second provider with a home of its own; and a
-- neighbouring local authority whose casework is none of this enquiry's.
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'W06 Care Quality Commission', 'W06-CQC') RETURNING id AS cqc \gset
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'W06 Northshire County Council', 'W06-LA', 'Priya Raman',
        'priya.raman@northshire.example.gov.uk') RETURNING id AS la \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('icb', 'W06 Northshire Integrated Care Board', 'W06-ICB') RETURNING id AS icb \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('provider', 'W06 Holly Tree Care Ltd', 'W06-HT') RETURNING id AS provider \gset
INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
VALUES ('provider_location', 'W06 Holly Tree House', 'W06-HT-1', :provider, :la)
RETURNING id AS house \gset
INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
VALUES ('provider_location', 'W06 Holly Tree Lodge', 'W06-HT-2', :provider, :la)
RETURNING id AS lodge \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('provider', 'W06 Birchwood Homes Ltd', 'W06-BW') RETURNING id AS other_provider \gset
INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
VALUES ('provider_location', 'W06 Birchwood Court', 'W06-BW-1', :other_provider, :la)
RETURNING id AS birchwood \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'W06 Southshire Borough Council', 'W06-LA-S') RETURNING id AS la_south \gset

-- One login role per person, each acting under one duty for one organisation.
CREATE ROLE w06_inspector LOGIN;   -- CQC inspector for the homes
CREATE ROLE w06_cc LOGIN;          -- CQC contact centre (sends referrals)
CREATE ROLE w06_cqc_admin LOGIN;   -- CQC system administrator
CREATE ROLE w06_dsam LOGIN;        -- Northshire's Designated SAM (administrator)
CREATE ROLE w06_sam LOGIN;         -- Safeguarding Adults Manager leading the enquiry
CREATE ROLE w06_officer LOGIN;     -- enquiry officer, to be appointed
CREATE ROLE w06_officer2 LOGIN;    -- another enquiry officer, not appointed
CREATE ROLE w06_la LOGIN;          -- Northshire safeguarding officer
CREATE ROLE w06_la_comm LOGIN;     -- Northshire commissioner
CREATE ROLE w06_icb_comm LOGIN;    -- ICB commissioner
CREATE ROLE w06_provider LOGIN;    -- Holly Tree's nominated individual
CREATE ROLE w06_other LOGIN;       -- Birchwood's nominated individual
SELECT safeguard.grant_duty('w06_inspector', 'inspector', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w06_cc', 'contact_centre', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w06_cqc_admin', 'admin', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w06_dsam', 'admin', :la) > 0 AS granted;
SELECT safeguard.grant_duty('w06_sam', 'sam', :la) > 0 AS granted;
SELECT safeguard.grant_duty('w06_officer', 'enquiry_officer', :la) > 0 AS granted;
SELECT safeguard.grant_duty('w06_officer2', 'enquiry_officer', :la) > 0 AS granted;
SELECT safeguard.grant_duty('w06_la', 'la_officer', :la) > 0 AS granted;
SELECT safeguard.grant_duty('w06_la_comm', 'commissioner', :la) > 0 AS granted;
SELECT safeguard.grant_duty('w06_icb_comm', 'commissioner', :icb) > 0 AS granted;
SELECT safeguard.grant_duty('w06_provider', 'provider', :provider) > 0 AS granted;
SELECT safeguard.grant_duty('w06_other', 'provider', :other_provider) > 0 AS granted;
SELECT g.role, g.duty, o.name AS organisation
FROM safeguard.duty_grant g JOIN safeguard.organisation o ON o.id = g.organisation_id
WHERE g.role::text LIKE 'w06\_%' AND g.revoked_at IS NULL ORDER BY g.id;

-- Labels for the rows this walkthrough creates, so the output shows no
-- serial numbers.  (Temporary, readable by the roles this session acts as.)
CREATE TEMP TABLE w06_label (label text PRIMARY KEY, kind text, id bigint);
GRANT SELECT ON w06_label TO PUBLIC;
INSERT INTO w06_label VALUES ('Holly Tree House', 'organisation', :house),
    ('Holly Tree Lodge', 'organisation', :lodge), ('Northshire', 'organisation', :la),
    ('ICB', 'organisation', :icb), ('CQC', 'organisation', :cqc),
    ('Holly Tree Care', 'organisation', :provider);

--------------------------------------------------------------------------
-- The casework behind the enquiry (Monday 14 December 2026)
--------------------------------------------------------------------------
SELECT safeguard.set_clock('2026-12-14 10:00+00');
-- The inspector logs a daughter's call about her mother at Holly Tree
-- House and refers it to Northshire; the contact centre sends it.
SET ROLE w06_inspector;
SELECT safeguard.log_concern(
    received_at => '2026-12-14 09:15+00', channel => 'phone', source => 'relative',
    description => 'Resident found on the floor at 07:00, not checked overnight; bruising to the hip.',
    risk_types => '{Neglect and Acts of Omission}', provider_location_id => :house,
    referrer_name => 'Susan Hill', referrer_phone => '07700 900321',
    adult_name => 'Margaret Hill', adult_date_of_birth => '1936-03-02', adult_gender => 'Female',
    risk_location => 'Care Home - Nursing', source_of_risk => 'Service Provider') AS c1 \gset
SELECT safeguard.triage_concern(:c1, 'refer_to_la',
    'Resident with care needs, neglect alleged, cannot protect herself: s42 threshold met.',
    true, true, true) AS r1 \gset
-- The same morning the inspector refers a concern about a man living at
-- home in Southshire: nothing to do with Holly Tree.
SELECT safeguard.log_concern(
    received_at => '2026-12-14 09:30+00', channel => 'phone', source => 'member_of_public',
    description => 'Neighbour reports a man left without food by his lodger.',
    risk_types => '{Neglect and Acts of Omission}', la_id => :la_south,
    referrer_name => 'Tom Reed', referrer_phone => '07700 900654',
    adult_name => 'Frank Dyer', adult_date_of_birth => '1944-08-19', adult_gender => 'Male',
    risk_location => 'Own Home', source_of_risk => 'Other - Known to individual') AS c3 \gset
SELECT safeguard.triage_concern(:c3, 'refer_to_la',
    'Adult with care needs neglected at home, cannot protect himself.', true, true, true) AS r3 \gset
RESET ROLE;
SET ROLE w06_cc;
SELECT safeguard.send_referral(:r1, 'secure_email', la_contact => 'Northshire adult safeguarding hub');
SELECT safeguard.send_referral(:r3, 'secure_email', la_contact => 'Southshire front door');
RESET ROLE;
-- Northshire's own officer logs a whistleblower's report about Holly Tree
-- Lodge, about no adult in particular.
SET ROLE w06_la;
SELECT safeguard.log_concern(
    received_at => '2026-12-14 09:40+00', channel => 'email', source => 'whistleblower',
    description => 'Night shifts at Holly Tree Lodge run with agency staff who do not know the residents.',
    risk_types => '{Organisational Abuse}', provider_location_id => :lodge,
    referrer_name => 'Care worker (name withheld from provider)', referrer_email => 'hl.worker@example.org.uk',
    risk_location => 'Care Home - Residential', source_of_risk => 'Service Provider') AS c2 \gset
RESET ROLE;
INSERT INTO w06_label VALUES ('C1 Margaret Hill', 'concern', :c1),
    ('C2 Lodge staffing', 'concern', :c2), ('C3 Frank Dyer, Southshire', 'concern', :c3),
    ('R1 Margaret Hill', 'referral', :r1), ('R3 Frank Dyer, Southshire', 'referral', :r3);

--------------------------------------------------------------------------
-- Stage 1: decision to invoke
--------------------------------------------------------------------------
-- Wednesday 16 December.  The Northshire officer proposes a large-scale
-- enquiry into Holly Tree Care covering both homes, and completes the
-- threshold tool: each criterion yes or no, with the evidence.
SELECT safeguard.set_clock('2026-12-16 10:00+00');
SET ROLE w06_la;
SELECT safeguard.propose_provider_enquiry(:provider, :la, ARRAY[:house, :lodge]) AS e1 \gset
SELECT safeguard.record_threshold(:e1, 'three_or_more_allegations', true,
    'Four neglect allegations at the two homes since October, for 46 residents.');
SELECT safeguard.record_threshold(:e1, 'professional_concerns', true,
    'District nurses report pressure care not followed at both homes.');
SELECT safeguard.record_threshold(:e1, 'death', false,
    'No death linked to a safeguarding concern.');
-- An answer needs its evidence note (SG202).
SELECT safeguard.record_threshold(:e1, 'manager_concerns', false, ' ');
SELECT p.name AS provider, e.stage, e.proposed_by, e.proposed_at,
       (SELECT array_agg(o.name ORDER BY o.name) FROM safeguard.enquiry_location l
          JOIN safeguard.organisation o ON o.id = l.location_id WHERE l.enquiry_id = e.id) AS locations
FROM safeguard.provider_enquiry e JOIN safeguard.organisation p ON p.id = e.provider_id
WHERE e.id = :e1;
SELECT criterion, met, evidence, recorded_by FROM safeguard.enquiry_criterion
WHERE enquiry_id = :e1 ORDER BY criterion;
-- A second proposal, about Birchwood Homes' home after a run of low-level
-- concerns: no criterion is met.
SELECT safeguard.propose_provider_enquiry(:other_provider, :la, ARRAY[:birchwood]) AS e2 \gset
SELECT safeguard.record_threshold(:e2, 'low_level_concerns', false,
    'Two low-level concerns in six months, both resolved by the home.');
SELECT safeguard.record_threshold(:e2, 'three_or_more_allegations', false,
    'One allegation in the past three months.');
RESET ROLE;
INSERT INTO w06_label VALUES ('E1 Holly Tree', 'enquiry', :e1), ('E2 Birchwood', 'enquiry', :e2);

-- The DSAM appoints the SAM and an enquiry officer to lead the Holly Tree
-- enquiry.  An appointee must hold that duty for Northshire: the
-- safeguarding officer is not an enquiry officer (SG304).
SET ROLE w06_dsam;
SELECT safeguard.appoint_to_enquiry(:e1, 'w06_sam', 'sam') > 0 AS appointed;
SELECT safeguard.appoint_to_enquiry(:e1, 'w06_officer', 'enquiry_officer') > 0 AS appointed;
SELECT safeguard.appoint_to_enquiry(:e1, 'w06_la', 'enquiry_officer');
SELECT role, duty, appointed_by, appointed_at FROM safeguard.enquiry_appointment
WHERE enquiry_id = :e1 ORDER BY id;
RESET ROLE;

-- Thursday 17 December: the SAM decides on Birchwood.  With no criterion
-- met and no override rationale it cannot be invoked (SG302).  Not
-- invoking needs the alternative action and a rationale (SG205 without).
SELECT safeguard.set_clock('2026-12-17 10:00+00');
SET ROLE w06_sam;
SELECT safeguard.invoke_provider_enquiry(:e2, 'minor', 'Pattern of low-level concerns.');
SELECT safeguard.decline_provider_enquiry(:e2, 'Contract monitoring visit in January.', '');
SELECT safeguard.decline_provider_enquiry(:e2, '',
    'No threshold criterion met; concerns resolved by the home.');
SELECT safeguard.decline_provider_enquiry(:e2, 'Contract monitoring visit in January.',
    'No threshold criterion met; concerns resolved by the home.');
SELECT stage, alternative_action, decision_rationale, decided_by, decided_at
FROM safeguard.provider_enquiry WHERE id = :e2;
RESET ROLE;

-- Friday 18 December, 14:00.  The safeguarding officer cannot invoke: that
-- is the SAM's (or the DSAM's) decision (42501).
SELECT safeguard.set_clock('2026-12-18 14:00+00');
SET ROLE w06_la;
SELECT safeguard.invoke_provider_enquiry(:e1, 'moderate', 'Two criteria met.');
RESET ROLE;
-- Nor can an administrator of another organisation act as Northshire's
-- DSAM: the DSAM is an administrator of the leading authority, and the
-- regulator's system administrator can neither invoke the enquiry nor
-- appoint to it (42501).
SET ROLE w06_cqc_admin;
SELECT safeguard.invoke_provider_enquiry(:e1, 'moderate', 'Invoked by the regulator''s administrator.');
SELECT safeguard.appoint_to_enquiry(:e1, 'w06_officer2', 'enquiry_officer');
RESET ROLE;
-- The SAM invokes it at moderate risk.
SET ROLE w06_sam;
SELECT safeguard.invoke_provider_enquiry(:e1, 'moderate',
    'Criteria 2 and 4 met: repeated neglect at both homes, raised by district nurses.',
    risk_actions => '{suspend or place with caution,increased monitoring,fact finding}');
RESET ROLE;
-- 15:30: the SAM records that CQC was formally advised and the provider
-- informed.
SELECT safeguard.set_clock('2026-12-18 15:30+00');
SET ROLE w06_sam;
SELECT safeguard.record_enquiry_contacts(:e1,
    cqc_advised_at => '2026-12-18 14:30+00', cqc_advised_method => 'secure_email',
    provider_informed_at => '2026-12-18 15:00+00', provider_informed_method => 'phone');
SELECT stage, risk_level, risk_actions, decided_by, decided_at, cqc_advised_at,
       cqc_advised_method, provider_informed_at, provider_informed_method
FROM safeguard.provider_enquiry WHERE id = :e1;
-- A contact cannot be recorded as made in the future, nor before the
-- enquiry was proposed (SG211); the contacts on record stand.
SELECT safeguard.record_enquiry_contacts(:e1, provider_informed_at => '2027-01-04 10:00+00');
SELECT safeguard.record_enquiry_contacts(:e1, cqc_advised_at => '2026-12-15 16:00+00');
SELECT cqc_advised_at, provider_informed_at FROM safeguard.provider_enquiry WHERE id = :e1;
-- The initial meeting is due within 5 working days.  Friday is day 0; then
-- Monday 21 to Thursday 24 are days 1 to 4; Christmas Day and the Boxing
-- Day substitute (Monday 28) are not working days, so day 5 is Tuesday 29
-- December and the meeting is due by the end of it.
SELECT kind, organisation, anchor_at, amount, unit, due_at, overdue
FROM safeguard.open_deadlines
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1;
SELECT due_at = '2026-12-30 00:00:00+00' AS due_end_of_tuesday_29
FROM safeguard.open_deadlines
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1 AND kind = 'initial_meeting';
RESET ROLE;

--------------------------------------------------------------------------
-- Stage 2: the initial enquiry meeting, commissioning decisions, fact finding
--------------------------------------------------------------------------
-- Wednesday 30 December, 09:00: the meeting has not been held and the
-- deadline is overdue on the SAM's list.
SELECT safeguard.set_clock('2026-12-30 09:00+00');
SET ROLE w06_sam;
SELECT kind, organisation, senior_contact_name, due_at, overdue
FROM safeguard.my_deadlines
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1;
RESET ROLE;

-- 16:00: the SAM records the meeting held at 10:00, a day late.  It sets
-- the fact-finding timescale: 21 working days is more than the procedure
-- allows (SG301); 20 is accepted.  The late meeting is accepted (the record
-- matches what happened) and its deadline marked breached.
SELECT safeguard.set_clock('2026-12-30 16:00+00');
SET ROLE w06_sam;
SELECT safeguard.record_enquiry_meeting(:e1, 'initial', '2026-12-30 10:00+00',
    '{concerns,consultation with residents,advocacy,provider views,safeguarding plan,roles,organisational risk assessment,communication,timescales}',
    'Fact finding at both homes; residents and families to be consulted.',
    fact_finding_working_days => 21);
SELECT safeguard.record_enquiry_meeting(:e1, 'initial', '2026-12-30 10:00+00',
    '{concerns,consultation with residents,advocacy,provider views,safeguarding plan,roles,organisational risk assessment,communication,timescales}',
    'Fact finding at both homes; residents and families to be consulted.',
    fact_finding_working_days => 20) AS m1 \gset
-- Who attended, by organisation and role.
SELECT safeguard.add_meeting_attendee(:m1, :la, 'Safeguarding Adults Manager (chair)', 'Alex Moor');
SELECT safeguard.add_meeting_attendee(:m1, :la, 'Enquiry Officer', 'Sam Okoro');
SELECT safeguard.add_meeting_attendee(:m1, :la, 'Commissioning Manager', 'Jo Pike');
SELECT safeguard.add_meeting_attendee(:m1, :icb, 'Head of Continuing Healthcare', 'Lee Chan');
SELECT safeguard.add_meeting_attendee(:m1, :cqc, 'Inspector', 'Ruth Dale');
SELECT safeguard.add_meeting_attendee(:m1, :provider, 'Nominated Individual', 'Mark Holt');
SELECT o.name AS organisation, a.role_title, a.attendee_name
FROM safeguard.meeting_attendee a JOIN safeguard.organisation o ON o.id = a.organisation_id
WHERE a.meeting_id = :m1 ORDER BY o.name, a.role_title;
SELECT kind, held_at, fact_finding_working_days, recorded_by, recorded_at
FROM safeguard.enquiry_meeting WHERE id = :m1;
-- The meeting moved the enquiry to fact finding.
SELECT stage FROM safeguard.provider_enquiry WHERE id = :e1;
RESET ROLE;
-- The initial meeting deadline is breached (judged against the end of
-- Tuesday 29).  Fact finding is due 20 working days after the meeting:
-- New Year's Day is skipped, so by the end of Thursday 28 January 2027.
SELECT kind, status, closed_at, due_at_close FROM safeguard.deadline
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1 ORDER BY id;
SELECT kind, anchor_at, amount, due_at FROM safeguard.open_deadlines
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1;

-- Commissioning decisions, taken at the meeting.  Northshire's
-- commissioner suspends new placements; the ICB's places with caution.
SET ROLE w06_la_comm;
SELECT safeguard.record_commissioning_decision(:e1, :la, 'suspend_new_placements',
    'Neglect at both homes; no new council-funded placements until fact finding reports.',
    meeting_id => :m1) > 0 AS recorded;
-- A commissioner decides for its own funding authority only (42501).
SELECT safeguard.record_commissioning_decision(:e1, :icb, 'suspend_new_placements',
    'On behalf of the ICB.', meeting_id => :m1);
RESET ROLE;
SET ROLE w06_icb_comm;
SELECT safeguard.record_commissioning_decision(:e1, :icb, 'place_with_caution',
    'Continuing healthcare placements only after a review visit.', meeting_id => :m1) > 0 AS recorded;
RESET ROLE;
-- The regulator abstains: the inspector at the meeting cannot record one
-- (42501) ...
SET ROLE w06_inspector;
SELECT safeguard.record_commissioning_decision(:e1, :la, 'resume',
    'CQC view: placements can resume.', meeting_id => :m1);
RESET ROLE;
-- ... not even after a careless grant of the table privilege: the C check
-- refuses any role acting for the regulator (42501).
GRANT INSERT ON safeguard.commissioning_decision TO w06_inspector;
SET ROLE w06_inspector;
INSERT INTO safeguard.commissioning_decision (enquiry_id, funding_authority_id, action, rationale)
VALUES (:e1, :la, 'resume', 'CQC view: placements can resume.');
RESET ROLE;
REVOKE INSERT ON safeguard.commissioning_decision FROM w06_inspector;
SET ROLE w06_sam;
SELECT f.name AS funding_authority, d.action, d.decided_by, d.decided_at
FROM safeguard.commissioning_decision d JOIN safeguard.organisation f ON f.id = d.funding_authority_id
WHERE d.enquiry_id = :e1 ORDER BY d.id;
-- The overview shows the latest decision of each funding authority.
SELECT provider, local_authority, stage, risk_level, next_deadline, next_due_at, placements
FROM safeguard.provider_enquiry_overview WHERE enquiry_id = :e1;
RESET ROLE;

-- Monday 11 January 2027: fact finding.  The appointed enquiry officer
-- records findings, against the concerns at the homes.
SELECT safeguard.set_clock('2027-01-11 10:00+00');
SET ROLE w06_officer;
SELECT safeguard.record_finding(:e1,
    'Night checks at Holly Tree House not recorded for 9 of 14 nights reviewed; falls risk plans out of date.',
    concern_id => :c1) > 0 AS recorded;
SELECT safeguard.record_finding(:e1,
    'Holly Tree Lodge nights covered by agency staff on 11 of 14 nights without induction.',
    concern_id => :c2) > 0 AS recorded;
RESET ROLE;
-- The SAM is not an enquiry officer (42501); nor may an enquiry officer who
-- is not appointed to this enquiry record its fact finding (42501).
SET ROLE w06_sam;
SELECT safeguard.record_finding(:e1, 'Manager agrees staffing is short.');
RESET ROLE;
SET ROLE w06_officer2;
SELECT safeguard.record_finding(:e1, 'Manager agrees staffing is short.');
RESET ROLE;
-- A finding is about this enquiry's casework: not about a concern in
-- another council's area, which the officer cannot even see (0 rows); the
-- concern is not about one of the enquiry's locations (SG210).
SET ROLE w06_officer;
SELECT count(*) AS visible FROM safeguard.concern WHERE id = :c3;
SELECT safeguard.record_finding(:e1, 'Neighbour confirms the lodger has left.',
    concern_id => :c3) > 0 AS recorded;
RESET ROLE;
SET ROLE w06_sam;
SELECT l.label AS concern, f.finding, f.recorded_by, f.recorded_at
FROM safeguard.enquiry_finding f LEFT JOIN w06_label l ON l.kind = 'concern' AND l.id = f.concern_id
WHERE f.enquiry_id = :e1 ORDER BY f.id;
RESET ROLE;

--------------------------------------------------------------------------
-- Stage 3: the outcomes meeting and the Service Improvement Plan
--------------------------------------------------------------------------
-- Tuesday 26 January, 14:00.  The plan is issued at the outcomes meeting,
-- so not before it (SG305).
SELECT safeguard.set_clock('2027-01-26 14:00+00');
SET ROLE w06_sam;
SELECT safeguard.issue_improvement_plan(:e1, 'Night staffing and falls prevention at both homes.');
SELECT safeguard.record_enquiry_meeting(:e1, 'outcomes', '2027-01-26 10:00+00',
    '{fact-finding outcomes,service improvement plan,commissioning}',
    'Neglect substantiated at both homes; improvement plan agreed.') AS m2 \gset
SELECT safeguard.issue_improvement_plan(:e1,
    'Night staffing and falls prevention at both homes.') AS plan \gset
SELECT safeguard.add_plan_item(:plan, 'Two-hourly night checks recorded for every resident.',
    'Registered manager, Holly Tree House', '2027-02-26') AS item1 \gset
SELECT safeguard.add_plan_item(:plan, 'Permanent night staff recruited; agency induction in place.',
    'Registered manager, Holly Tree Lodge', '2027-03-12') AS item2 \gset
-- Margaret Hill's individual safeguarding plan sits under the plan as an
-- item linked to her referral.
SELECT safeguard.add_plan_item(:plan, 'Individual safeguarding plan (referral R1): falls review and pressure care.',
    'Northshire enquiry officer', '2027-02-12', referral_id => :r1) AS item3 \gset
SELECT stage FROM safeguard.provider_enquiry WHERE id = :e1;
-- An individual plan belongs to a referral of this enquiry's casework, not
-- to one of Southshire's, which the SAM cannot see (0 rows): the referral
-- is not about one of the enquiry's locations (SG210).
SELECT count(*) AS visible FROM safeguard.referral WHERE id = :r3;
SELECT safeguard.add_plan_item(:plan, 'Individual safeguarding plan for a Southshire referral.',
    'Northshire enquiry officer', '2027-02-12', referral_id => :r3) > 0 AS added;
RESET ROLE;
INSERT INTO w06_label VALUES ('item 1 night checks', 'plan_item', :item1),
    ('item 2 night staff', 'plan_item', :item2), ('item 3 Margaret Hill', 'plan_item', :item3);
-- Fact finding is over: a further finding is refused (SG305).
SET ROLE w06_officer;
SELECT safeguard.record_finding(:e1, 'Late note on staffing rotas.');
RESET ROLE;
-- Fact finding ended in time; the provider has 48 clock hours from the
-- plan's issue to respond.
SELECT kind, status, closed_at, due_at_close FROM safeguard.deadline
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1 AND kind = 'fact_finding';
SELECT kind, organisation, anchor_at, amount, unit, due_at
FROM safeguard.open_deadlines WHERE subject_table = 'provider_enquiry' AND subject_id = :e1;

-- The other provider sees nothing of it: no plan, no items (0 rows), it
-- cannot respond (SG208: not visible), and it sees no casework at all
-- (42501 on concerns, referrals and enquiries).
SET ROLE w06_other;
SELECT count(*) AS plans FROM safeguard.improvement_plan WHERE id = :plan;
SELECT count(*) AS deadlines FROM safeguard.my_deadlines;
SELECT count(*) AS items FROM safeguard.plan_item WHERE plan_id = :plan;
SELECT safeguard.respond_to_plan(:plan, 'Not our plan.');
SELECT safeguard.update_plan_item(:item1, 'done');
SELECT count(*) FROM safeguard.concern;
SELECT count(*) FROM safeguard.referral;
SELECT count(*) FROM safeguard.provider_enquiry;
RESET ROLE;

-- Friday 29 January, 09:00: Holly Tree reads its plan and responds, 19
-- hours late.  The response is accepted, the deadline breached, and the
-- enquiry moves to monitoring.
SELECT safeguard.set_clock('2027-01-29 09:00+00');
SET ROLE w06_provider;
SELECT kind, organisation, due_at, overdue FROM safeguard.my_deadlines;
SELECT summary, issued_by, issued_at FROM safeguard.improvement_plan WHERE id = :plan;
SELECT description, owner, due_date, status FROM safeguard.plan_item WHERE plan_id = :plan ORDER BY id;
SELECT safeguard.respond_to_plan(:plan,
    'Accepted. Night check audits start 1 February; recruitment of four night carers under way.');
SELECT provider_response, responded_by, responded_at FROM safeguard.improvement_plan WHERE id = :plan;
-- The response is on record: it cannot be rewritten (SG204); further
-- progress goes on the plan items.
SELECT safeguard.respond_to_plan(:plan, 'Accepted, with four night carers in post by 1 March.');
-- Its casework stays closed to it (42501).
SELECT count(*) FROM safeguard.concern;
SELECT count(*) FROM safeguard.provider_enquiry;
RESET ROLE;
SELECT kind, status, closed_at, due_at_close FROM safeguard.deadline
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1 AND kind = 'provider_response';
SELECT stage, monitoring_started_at FROM safeguard.provider_enquiry WHERE id = :e1;

--------------------------------------------------------------------------
-- Stage 4: monitoring the plan
--------------------------------------------------------------------------
-- Monday 15 February.  The provider records progress on its items, but it
-- cannot flag a serious delay (42501): that is for the SAM or an enquiry
-- officer.
SELECT safeguard.set_clock('2027-02-15 10:00+00');
SET ROLE w06_provider;
SELECT safeguard.update_plan_item(:item1, 'in_progress',
    'Night checks recorded on an electronic system since 1 February.');
SELECT safeguard.update_plan_item(:item2, 'delayed', 'Recruitment slower than planned.',
    serious_delay => true);
RESET ROLE;
-- The enquiry officer flags the recruitment delay as serious: a meeting is
-- now required, due within 5 working days (by the end of Monday 22
-- February).  The deadline is the enquiry's: one forced meeting answers
-- every delay flagged before it.
SET ROLE w06_officer;
SELECT safeguard.update_plan_item(:item2, 'delayed',
    'Only one of four night carers recruited; agency use unchanged.', serious_delay => true);
RESET ROLE;
SET ROLE w06_sam;
SELECT l.label, i.status, i.progress_note, i.serious_delay, i.updated_by, i.updated_at
FROM safeguard.plan_item i JOIN w06_label l ON l.kind = 'plan_item' AND l.id = i.id
WHERE i.plan_id = :plan ORDER BY l.label;
SELECT stage, meeting_required FROM safeguard.provider_enquiry WHERE id = :e1;
SELECT subject_table, kind, organisation, anchor_at, due_at
FROM safeguard.open_deadlines
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1 AND kind = 'delay_meeting';
-- The overview's next deadline is the delay meeting.
SELECT stage, meeting_required, next_deadline, next_due_at
FROM safeguard.provider_enquiry_overview WHERE enquiry_id = :e1;
RESET ROLE;

-- Thursday 18 February: the monitoring meeting answers the delay.
SELECT safeguard.set_clock('2027-02-18 16:00+00');
SET ROLE w06_sam;
SELECT safeguard.record_enquiry_meeting(:e1, 'monitoring', '2027-02-18 11:00+00',
    '{plan progress,night staffing,commissioning}',
    'Provider to use a single agency with block-booked, inducted staff until recruitment completes.') > 0 AS recorded;
SELECT stage, meeting_required FROM safeguard.provider_enquiry WHERE id = :e1;
RESET ROLE;
SELECT kind, status, closed_at, due_at_close FROM safeguard.deadline
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1 AND kind = 'delay_meeting';

--------------------------------------------------------------------------
-- Stage 5: quality assurance
--------------------------------------------------------------------------
-- Monday 1 March: the SAM starts quality assurance with its strategy; it
-- has 10 working days, to the end of Monday 15 March.
SELECT safeguard.set_clock('2027-03-01 10:00+00');
SET ROLE w06_sam;
SELECT safeguard.start_quality_assurance(:e1,
    'Unannounced night visits to both homes; audit of night-check records and rotas.');
SELECT kind, anchor_at, amount, unit, due_at FROM safeguard.open_deadlines
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1;
RESET ROLE;
SELECT safeguard.set_clock('2027-03-04 10:00+00');
SET ROLE w06_officer;
SELECT safeguard.record_qa_activity(:e1, 'Unannounced night visit to Holly Tree Lodge.',
    '2027-03-03 02:00+00') > 0 AS recorded;
RESET ROLE;
-- Monday 8 March: improvements not sustained at the Lodge (agency staff
-- again on most nights); the enquiry returns to monitoring and this round
-- of quality assurance is concluded.
SELECT safeguard.set_clock('2027-03-08 10:00+00');
SET ROLE w06_sam;
SELECT safeguard.qa_not_sustained(:e1);
SELECT stage, qa_outcome, qa_completed_at FROM safeguard.provider_enquiry WHERE id = :e1;
RESET ROLE;

-- Monday 22 March: quality assurance again, starting clean: the first
-- round's outcome is cleared.  Its 10 working days skip Good Friday (26
-- March) and Easter Monday (29 March); clocks go forward on 28 March, so
-- the end of Wednesday 7 April in London is 23:00 UTC.
SELECT safeguard.set_clock('2027-03-22 10:00+00');
SET ROLE w06_sam;
SELECT safeguard.start_quality_assurance(:e1,
    'Second round: unannounced night visits and a rota audit over two weeks.');
SELECT stage, qa_outcome, qa_completed_at FROM safeguard.provider_enquiry WHERE id = :e1;
SELECT kind, anchor_at, due_at FROM safeguard.open_deadlines
WHERE subject_table = 'provider_enquiry' AND subject_id = :e1;
RESET ROLE;
SELECT safeguard.set_clock('2027-03-31 10:00+00');
SET ROLE w06_officer;
SELECT safeguard.record_qa_activity(:e1, 'Rota audit: permanent night staff on 13 of 14 nights at both homes.',
    '2027-03-30 14:00+00') > 0 AS recorded;
SELECT activity, carried_out_at, recorded_by FROM safeguard.qa_activity
WHERE enquiry_id = :e1 ORDER BY id;
RESET ROLE;
-- On the audit's findings Northshire's commissioner lifts its suspension;
-- the ICB's "place with caution" stands.
SET ROLE w06_la_comm;
SELECT safeguard.record_commissioning_decision(:e1, :la, 'resume',
    'Night staffing stable for a month; placements resume with monthly contract monitoring.') > 0 AS recorded;
RESET ROLE;

--------------------------------------------------------------------------
-- Stage 6: closure
--------------------------------------------------------------------------
-- Tuesday 6 April 2027, 10:00 in London.  Closing needs quality assurance
-- to have found improvements sustained, the written notifications to the
-- provider and to CQC and no forced meeting pending (SG303), lessons learnt
-- and the report to the Safeguarding Adults Board.  The guard checks the
-- outcome first, then the provider's letter, then CQC's: each attempt
-- below fails for the reason named.
SELECT safeguard.set_clock('2027-04-06 09:00+00');
SET ROLE w06_sam;
-- No letter yet: refused for the provider's letter (checked before CQC's).
SELECT safeguard.close_provider_enquiry(:e1, 'Night staffing must be part of contract monitoring.',
    '2027-04-05 14:00+00', 'SAB-2027-04');
SELECT safeguard.record_enquiry_notification(:e1, 'provider', '2027-04-05', 'letter', 'NCC/PC/2026/07-P') > 0 AS recorded;
-- The provider's letter alone: refused for CQC's.
SELECT safeguard.close_provider_enquiry(:e1, 'Night staffing must be part of contract monitoring.',
    '2027-04-05 14:00+00', 'SAB-2027-04');
SELECT safeguard.record_enquiry_notification(:e1, 'cqc', '2027-04-05', 'secure_email', 'NCC/PC/2026/07-C') > 0 AS recorded;
-- Both letters, but closing through the generic enquiry_set_stage()
-- without an outcome leaves this round with none: refused.
SELECT safeguard.enquiry_set_stage(:e1, 'closed', lessons_learnt => 'Night staffing must be part of contract monitoring.',
    sab_report_at => '2027-04-05 14:00+00', sab_report_reference => 'SAB-2027-04');
-- Without lessons learnt (SG205), or without the report to the Board
-- (SG202): refused.
SELECT safeguard.close_provider_enquiry(:e1, ' ', '2027-04-05 14:00+00', 'SAB-2027-04');
SELECT safeguard.close_provider_enquiry(:e1, 'Night staffing must be part of contract monitoring.',
    NULL, NULL);
RESET ROLE;
-- A serious delay flagged now forces a meeting, which closing must not
-- leave behind.  (Tried in a transaction that is rolled back.)  A second
-- delay flagged while that meeting is pending adds no deadline: the one
-- meeting answers both.
BEGIN;
SET ROLE w06_officer;
SELECT safeguard.update_plan_item(:item1, 'delayed', 'Night checks lapsed at the House.',
    serious_delay => true);
SELECT safeguard.update_plan_item(:item3, 'delayed', 'Falls review postponed.',
    serious_delay => true);
SET ROLE w06_sam;
SELECT e.stage, e.meeting_required, d.kind, d.anchor_at, d.due_at
FROM safeguard.provider_enquiry e
JOIN safeguard.open_deadlines d ON d.subject_table = 'provider_enquiry' AND d.subject_id = e.id
WHERE e.id = :e1 AND d.kind = 'delay_meeting';
-- A monitoring meeting held before the delays were flagged (on Monday 5
-- April, recorded now) does not answer them: the meeting is still required.
SELECT safeguard.record_enquiry_meeting(:e1, 'monitoring', '2027-04-05 11:00+00',
    '{plan progress}', 'Plan on track; QA findings discussed.') > 0 AS recorded;
SELECT e.meeting_required,
       (SELECT count(*) FROM safeguard.open_deadlines d WHERE d.subject_table = 'provider_enquiry'
          AND d.subject_id = e.id AND d.kind = 'delay_meeting') AS open_delay_meetings
FROM safeguard.provider_enquiry e WHERE e.id = :e1;
-- While the meeting is pending the enquiry cannot close (SG303).
SELECT safeguard.close_provider_enquiry(:e1, 'Night staffing must be part of contract monitoring.',
    '2027-04-05 14:00+00', 'SAB-2027-04');
ROLLBACK;
SET ROLE w06_sam;
-- Sustained, with both letters, lessons learnt and the SAB report: closed.
SELECT safeguard.close_provider_enquiry(:e1, 'Night staffing must be part of contract monitoring.',
    '2027-04-05 14:00+00', 'SAB-2027-04');
SELECT stage, qa_outcome, qa_completed_at, lessons_learnt, sab_report_at, sab_report_reference,
       closed_by, closed_at
FROM safeguard.provider_enquiry WHERE id = :e1;
SELECT recipient, sent_on, method, reference, recorded_by FROM safeguard.enquiry_notification
WHERE enquiry_id = :e1 ORDER BY id;
RESET ROLE;

--------------------------------------------------------------------------
-- After closure: the provider's risk history stays readable, and nothing
-- can be deleted or changed
--------------------------------------------------------------------------
-- Both enquiries stay listed, with the latest placement decision of each
-- funding authority.
SET ROLE w06_sam;
SELECT l.label, o.stage, o.risk_level, o.meeting_required, o.proposed_at, o.decided_at,
       o.closed_at, o.next_deadline, o.placements
FROM safeguard.provider_enquiry_overview o JOIN w06_label l ON l.kind = 'enquiry' AND l.id = o.enquiry_id
ORDER BY l.label;
RESET ROLE;
-- Every deadline of the enquiry is closed, met or breached; none is open.
SELECT d.subject_table, d.kind, d.status, d.anchor_at, d.closed_at, d.due_at_close
FROM safeguard.deadline d
WHERE d.subject_table = 'provider_enquiry' AND d.subject_id IN (:e1, :e2)
ORDER BY d.id;

-- The SAM cannot reopen it (SG201: closed is final) nor edit it (SG204:
-- a record in a final state is kept as it is).
SET ROLE w06_sam;
SELECT safeguard.qa_not_sustained(:e1);
UPDATE safeguard.provider_enquiry SET stage = 'monitoring' WHERE id = :e1;
UPDATE safeguard.provider_enquiry SET lessons_learnt = 'None.' WHERE id = :e1;
RESET ROLE;
-- Enquiry records are kept as recorded (SG204), even after a careless grant
-- of the table privilege; progress on the plan is over (SG305).
GRANT UPDATE ON safeguard.enquiry_meeting, safeguard.enquiry_finding TO w06_sam;
SET ROLE w06_sam;
UPDATE safeguard.enquiry_meeting SET decisions = 'Rewritten.' WHERE id = :m1;
UPDATE safeguard.enquiry_finding SET finding = 'Rewritten.' WHERE enquiry_id = :e1;
RESET ROLE;
REVOKE UPDATE ON safeguard.enquiry_meeting, safeguard.enquiry_finding FROM w06_sam;
SET ROLE w06_provider;
SELECT safeguard.update_plan_item(:item2, 'done', 'All night posts filled.');
RESET ROLE;
-- Nothing is deleted, whoever asks: the superuser who owns the extension
-- is refused too (SG204).
DELETE FROM safeguard.provider_enquiry WHERE id = :e1;
DELETE FROM safeguard.enquiry_finding WHERE enquiry_id = :e1;
DELETE FROM safeguard.improvement_plan WHERE id = :plan;
DELETE FROM safeguard.commissioning_decision WHERE enquiry_id = :e1;
DELETE FROM safeguard.enquiry_meeting WHERE enquiry_id = :e1;
SELECT (SELECT count(*) FROM safeguard.enquiry_meeting WHERE enquiry_id = :e1) AS meetings,
       (SELECT count(*) FROM safeguard.enquiry_finding WHERE enquiry_id = :e1) AS findings,
       (SELECT count(*) FROM safeguard.plan_item WHERE plan_id = :plan) AS plan_items,
       (SELECT count(*) FROM safeguard.commissioning_decision WHERE enquiry_id = :e1) AS decisions;

--------------------------------------------------------------------------
-- The casework the enquiry links to
--------------------------------------------------------------------------
-- Concerns and referrals at the enquiry's homes (Frank Dyer's, in
-- Southshire, is not among them); Margaret Hill's referral also carries
-- her individual safeguarding plan, an item of the plan.
SET ROLE w06_sam;
SELECT lc.label AS concern, ll.label AS location,
       c.referral_state, c.received_at
FROM safeguard.enquiry_casework c
JOIN w06_label lc ON lc.kind = 'concern' AND lc.id = c.concern_id
JOIN w06_label ll ON ll.kind = 'organisation' AND ll.id = c.provider_location_id
WHERE c.enquiry_id = :e1 ORDER BY lc.label;
SELECT l.label AS item, r.label AS referral
FROM safeguard.plan_item i
JOIN w06_label l ON l.kind = 'plan_item' AND l.id = i.id
JOIN w06_label r ON r.kind = 'referral' AND r.id = i.referral_id
WHERE i.plan_id = :plan;
RESET ROLE;

--------------------------------------------------------------------------
-- The audit trail of the enquiry: who moved it, under which duty
--------------------------------------------------------------------------
-- Stage changes that follow from a record (the initial meeting, the plan,
-- the provider's response) are recorded under the person who made the
-- record; changes within a stage show the columns they changed: the
-- contacts, and the meeting forced by the serious delay (required, then
-- held); the second round of quality assurance clears the first round's
-- outcome.
SELECT a.acting_role, a.duty, a.action, a.from_state, a.to_state, a.business_time,
       CASE WHEN a.action = 'UPDATE' THEN
           (SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(a.changes) k) END AS changed
FROM safeguard.audit_event a
WHERE a.table_name = 'provider_enquiry' AND a.row_key = :'e1' ORDER BY a.id;
SELECT a.acting_role, a.duty, a.action, a.from_state, a.to_state
FROM safeguard.audit_event a
WHERE a.table_name = 'provider_enquiry' AND a.row_key = :'e2' ORDER BY a.id;

--------------------------------------------------------------------------
-- Clean up: end the grants (kept as history), drop the login roles.
--------------------------------------------------------------------------
SELECT safeguard.set_clock(NULL) IS NOT NULL AS unpinned;
SELECT bool_and(safeguard.revoke_duty(g.role, g.duty)) AS revoked
FROM safeguard.duty_grant g WHERE g.role::text LIKE 'w06\_%' AND g.revoked_at IS NULL;
DROP TABLE w06_label;
DROP ROLE w06_inspector, w06_cc, w06_cqc_admin, w06_dsam, w06_sam, w06_officer, w06_officer2, w06_la,
    w06_la_comm, w06_icb_comm, w06_provider, w06_other;
