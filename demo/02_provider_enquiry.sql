-- demo/02_provider_enquiry.sql: a large-scale provider enquiry (the Provider
-- Concerns procedure) under way, with its next deadlines.  Loaded once.
\pset footer off
SET client_min_messages = notice;

SELECT NOT EXISTS (SELECT 1 FROM safeguard.provider_enquiry e
                   JOIN safeguard.organisation p ON p.id = e.provider_id
                   WHERE p.code = 'DEMO-PROV') AS load_enquiry \gset
\if :load_enquiry
\echo
\echo '== A provider enquiry about Evergreen Care: Northshire''s SAM leads it =='
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['demo_sam', 'demo_enquiry_officer', 'demo_commissioner', 'demo_provider']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r);
        END IF;
    END LOOP;
END $$;
\echo 'Northshire''s people for the enquiry, and the provider:'
SELECT g.login_role, g.duty, o.name AS organisation,
       safeguard.grant_duty(g.login_role::regrole, g.duty::safeguard.duty, o.id) AS grant_id
FROM (VALUES (1, 'demo_sam', 'sam', 'DEMO-NORTH'),
             (2, 'demo_enquiry_officer', 'enquiry_officer', 'DEMO-NORTH'),
             (3, 'demo_commissioner', 'commissioner', 'DEMO-NORTH'),
             (4, 'demo_provider', 'provider', 'DEMO-PROV')) AS g(n, login_role, duty, code)
JOIN safeguard.organisation o ON o.code = g.code
ORDER BY g.n;

SET ROLE demo_north_officer;
SELECT safeguard.propose_provider_enquiry(
    (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-PROV'),
    (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-NORTH'),
    ARRAY[(SELECT id FROM safeguard.organisation WHERE code = 'DEMO-OAK')]) AS enquiry \gset
\echo 'The council''s officer proposes an enquiry into Evergreen Care and answers the threshold questions:'
SELECT safeguard.record_threshold(:enquiry, 'three_or_more_allegations', true,
    'Three allegations of neglect at Oak House in the past three months.') \g /dev/null
SELECT safeguard.record_threshold(:enquiry, 'death', false, 'No death linked to the concerns.') \g /dev/null
SELECT criterion, met, evidence FROM safeguard.enquiry_criterion WHERE enquiry_id = :enquiry ORDER BY criterion;
RESET ROLE;

SET ROLE demo_sam;
\echo 'Invoked at moderate risk; the SAM appoints an enquiry officer and records who was told:'
SELECT safeguard.invoke_provider_enquiry(:enquiry, 'moderate',
    'Pattern of neglect concerns at one home; threshold criterion 2 met.',
    ARRAY['place with caution', 'increased monitoring']);
SELECT safeguard.appoint_to_enquiry(:enquiry, 'demo_enquiry_officer', 'enquiry_officer') AS appointment;
SELECT safeguard.record_enquiry_contacts(:enquiry, now(), 'secure_email', now(), 'letter') \g /dev/null
\echo 'The initial meeting sets fact finding; 25 working days is refused (the procedure allows 20):'
DO $$
BEGIN
    PERFORM safeguard.record_enquiry_meeting(max(id), 'initial', now(), '{concerns}', NULL, 25)
    FROM safeguard.provider_enquiry;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'refused: SQLSTATE % (%)', SQLSTATE, SQLERRM;
END $$;
SELECT safeguard.record_enquiry_meeting(:enquiry, 'initial', now(),
    ARRAY['concerns', 'views of people using the service', 'provider''s views', 'safeguarding plan',
          'roles', 'risk assessment', 'communication', 'timescales'],
    'Fact finding by the enquiry officer within 15 working days.', 15) AS meeting \gset
SELECT safeguard.add_meeting_attendee(:meeting, (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-NORTH'),
    'Safeguarding Adults Manager', 'Demo SAM') \g /dev/null
SELECT safeguard.add_meeting_attendee(:meeting, (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-CQC'),
    'Inspector', 'Demo Inspector') \g /dev/null
\echo 'The initial meeting (fact finding in 15 working days), and who attended:'
SELECT o.name AS organisation, a.role_title, a.attendee_name
FROM safeguard.meeting_attendee a JOIN safeguard.organisation o ON o.id = a.organisation_id
WHERE a.meeting_id = :meeting ORDER BY o.name;
RESET ROLE;

\echo 'The regulator attends but abstains from placement decisions; the council''s commissioner decides:'
SET ROLE demo_inspector;
DO $$
BEGIN
    PERFORM safeguard.record_commissioning_decision(max(id), (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-NORTH'),
        'suspend_new_placements', 'The regulator tries to vote') FROM safeguard.provider_enquiry;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'refused: SQLSTATE % (%)', SQLSTATE, SQLERRM;
END $$;
RESET ROLE;
SET ROLE demo_commissioner;
SELECT safeguard.record_commissioning_decision(:enquiry, (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-NORTH'),
    'place_with_caution', 'Moderate risk: new placements only with a review at 2 weeks.', :meeting) AS decision;
RESET ROLE;
SET ROLE demo_enquiry_officer;
SELECT safeguard.record_finding(:enquiry, 'Medication records incomplete on 9 of 14 days sampled.',
    (SELECT min(id) FROM safeguard.concern)) AS finding;
RESET ROLE;
\endif

\echo
\echo '== Provider enquiries (Northshire''s SAM''s view) =='
SET ROLE demo_sam;
SELECT enquiry_id, provider, local_authority, stage, risk_level, next_deadline, next_due_at, placements
FROM safeguard.provider_enquiry_overview ORDER BY enquiry_id;
\echo 'Its deadlines:'
SELECT o.kind, o.amount, o.unit, o.due_at, o.overdue
FROM safeguard.open_deadlines o WHERE o.subject_table = 'provider_enquiry' ORDER BY o.due_at;
SELECT d.kind, d.status, d.due_at_close FROM safeguard.deadline d
WHERE d.subject_table = 'provider_enquiry' AND d.status <> 'open' ORDER BY d.id;
\echo 'The casework it links to (concerns and referrals about its locations):'
SELECT enquiry_id, concern_id, case_id, referral_id, referral_state FROM safeguard.enquiry_casework ORDER BY concern_id;
RESET ROLE;
\echo
\echo '== The provider sees its own plan only, and no casework: =='
SET ROLE demo_provider;
SELECT count(*) AS plans_visible_to_provider FROM safeguard.improvement_plan;
DO $$
BEGIN
    PERFORM count(*) FROM safeguard.concern;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'concerns: refused, SQLSTATE %', SQLSTATE;
END $$;
RESET ROLE;
