-- demo/01_referrals.sql: the referral workflow in action, and the regulator's
-- 2017-18 incident made impossible.  `make demo` rebuilds its database each
-- run, so the story is the same every time; against a database the
-- environment names (PGDATABASE) the data is loaded once and later runs show
-- the current state.
\pset footer off
SET client_min_messages = notice;

SELECT NOT EXISTS (SELECT 1 FROM safeguard.organisation WHERE code = 'DEMO-CQC') AS load_demo \gset
\if :load_demo
\echo
\echo '== Setting up: the regulator, two councils, a provider, and people with duties =='
-- The councils' CASSR and ONS codes name them in the statutory return (made up here).
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email, cassr_code, ons_code) VALUES
    ('regulator', 'Care Quality Commission', 'DEMO-CQC', 'Head of Safeguarding', 'safeguarding@cqc.example', NULL, NULL),
    ('local_authority', 'Northshire Council', 'DEMO-NORTH', 'Ann Head, Director of Adult Services', 'ann.head@northshire.example',
     '981', 'E10000981'),
    ('local_authority', 'Southshire Council', 'DEMO-SOUTH', 'Raj Patel, Head of Safeguarding', 'raj.patel@southshire.example',
     '982', 'E06000982'),
    ('provider', 'Evergreen Care Ltd', 'DEMO-PROV', NULL, NULL, NULL, NULL);
INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
SELECT 'provider_location', 'Oak House Care Home', 'DEMO-OAK', p.id, l.id
FROM safeguard.organisation p, safeguard.organisation l
WHERE p.code = 'DEMO-PROV' AND l.code = 'DEMO-NORTH';

DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['demo_contact_centre', 'demo_inspector', 'demo_north_officer',
                             'demo_south_officer', 'demo_admin']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r);
        END IF;
    END LOOP;
END $$;
\echo 'Each person is a login role of this cluster, given one duty for one organisation:'
SELECT g.login_role, g.duty, o.name AS organisation,
       safeguard.grant_duty(g.login_role::regrole, g.duty::safeguard.duty, o.id) AS grant_id
FROM (VALUES (1, 'demo_contact_centre', 'contact_centre', 'DEMO-CQC'),
             (2, 'demo_inspector', 'inspector', 'DEMO-CQC'),
             (3, 'demo_admin', 'admin', 'DEMO-CQC'),
             (4, 'demo_north_officer', 'la_officer', 'DEMO-NORTH'),
             (5, 'demo_south_officer', 'la_officer', 'DEMO-SOUTH')) AS g(n, login_role, duty, code)
JOIN safeguard.organisation o ON o.code = g.code
ORDER BY g.n;

\echo
\echo '== An inspector logs two concerns about the same resident of Oak House =='
SET ROLE demo_inspector;
SELECT safeguard.log_concern(now() - interval '3 days', 'phone', 'relative',
    'Daughter reports unexplained bruising on her mother''s arms.', '{Physical Abuse}',
    provider_location_id => (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-OAK'),
    referrer_name => 'Jo Smith', referrer_phone => '07700 900123',
    adult_nhs_number => '943 476 5919', adult_name => 'Mary Smith', adult_gender => 'Female',
    risk_location => 'Care Home - Residential', source_of_risk => 'Service Provider') AS first_concern \gset
SELECT safeguard.log_concern(now() - interval '2 days', 'email', 'professional',
    'District nurse: medication missed for three days.', '{Neglect and Acts of Omission}',
    provider_location_id => (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-OAK'),
    referrer_name => 'Sam Lee RN', referrer_email => 'sam.lee@nhs.example',
    adult_nhs_number => '9434765919', adult_name => 'Mary Smith', adult_gender => 'Female',
    risk_location => 'Care Home - Residential', source_of_risk => 'Service Provider') AS second_concern \gset
SELECT safeguard.log_concern(now() - interval '1 day', 'web_form', 'anonymous',
    'A caller says a man in Southshire is being financially exploited.', '{Financial or Material Abuse}',
    la_id => (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-SOUTH'),
    referrer_anonymous => true, immediate_risk => true) AS third_concern \gset
\echo 'The second concern joined the open case of the first (same NHS number):'
SELECT id AS concern, case_id, joined_open_case, received_at::date AS received FROM safeguard.concern ORDER BY id;

\echo
\echo '== Triage, with a rationale and the section 42(1) questions answered =='
SELECT safeguard.triage_concern(:first_concern, 'refer_to_la',
    'Unexplained injuries in a care home: the council must consider a section 42 enquiry.',
    true, true, true) AS referral_north \gset
SELECT coalesce(safeguard.triage_concern(:second_concern, 'regulatory_action_only',
    'Medication management is a regulatory matter; already covered by the open referral.',
    true, false, false)::text, 'no referral: regulatory action only') AS second_concern_decision;
SELECT safeguard.triage_concern(:third_concern, 'refer_to_la',
    'Possible financial abuse of an adult with care needs; immediate risk reported.',
    true, true, true) AS referral_south \gset

\echo
\echo '== The incident of 2017-18: the inspector tries to tick "sent" =='
DO $$
BEGIN
    UPDATE safeguard.referral SET state = 'sent', sent_method = 'email', sent_at = now()
     WHERE state = 'awaiting_send';
    RAISE NOTICE 'this line is never reached';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'refused: SQLSTATE % (%)', SQLSTATE, SQLERRM;
END $$;
RESET ROLE;
\echo 'Nor can anyone else who may write to referrals: a council officer records it as sent.'
\echo 'The C trigger checks the duty grant, not the SQL privilege:'
SET ROLE demo_north_officer;
DO $$
DECLARE detail text;
BEGIN
    PERFORM safeguard.send_referral(min(id), 'email') FROM safeguard.referral;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RAISE NOTICE 'refused: SQLSTATE % (%) %', SQLSTATE, SQLERRM, detail;
END $$;
RESET ROLE;
\echo 'Both referrals are still in the send queue:'
SELECT referral_id, local_authority, immediate_risk, send_due_at, overdue FROM safeguard.send_queue ORDER BY referral_id;

\echo
\echo '== The contact centre sends the Northshire referral; the council works it =='
SET ROLE demo_contact_centre;
SELECT safeguard.send_referral(:referral_north, 'secure_email', la_contact => 'Northshire adult safeguarding hub');
RESET ROLE;
SET ROLE demo_north_officer;
SELECT safeguard.acknowledge_referral(:referral_north, la_reference => 'NS-2026-0042');
SELECT safeguard.decide_referral(:referral_north, 'section_42_enquiry',
    'All three s42(1) criteria met: care and support needs, injuries, unable to protect herself.');
RESET ROLE;
\endif

\echo
\echo '== What each council sees (row-level security): =='
SET ROLE demo_north_officer;
SELECT 'Northshire officer' AS viewer, count(*) AS referrals_visible FROM safeguard.referral;
RESET ROLE;
SET ROLE demo_south_officer;
SELECT 'Southshire officer' AS viewer, count(*) AS referrals_visible FROM safeguard.referral;
RESET ROLE;

\echo
\echo '== The send queue (contact centre) =='
SET ROLE demo_contact_centre;
SELECT referral_id, local_authority, immediate_risk, age, send_due_at, overdue
FROM safeguard.send_queue ORDER BY referral_id;
RESET ROLE;

\echo
\echo '== Deadlines Northshire must meet (its officer''s view), with the senior contact to chase =='
SET ROLE demo_north_officer;
SELECT kind, subject_table, subject_id, amount, unit, due_at, overdue, senior_contact_name
FROM safeguard.my_deadlines ORDER BY due_at;
RESET ROLE;

\echo
\echo '== All open deadlines, as the regulator sees them =='
SET ROLE demo_contact_centre;
SELECT kind, subject_table, subject_id, organisation, due_at, overdue
FROM safeguard.open_deadlines ORDER BY due_at;
\echo 'Closed deadlines: met or breached, judged when the event happened'
SELECT kind, subject_table, subject_id, status, closed_at, due_at_close
FROM safeguard.deadline WHERE status <> 'open' ORDER BY id;
RESET ROLE;

\echo
\echo '== The audit trail of the Northshire referral: who did what, under which duty =='
SELECT a.id, a.acting_role, a.duty, a.action, a.from_state, a.to_state
FROM safeguard.audit_event a
JOIN safeguard.referral r ON a.table_name = 'referral' AND a.row_key = r.id::text
JOIN safeguard.organisation o ON o.id = r.la_id AND o.code = 'DEMO-NORTH'
ORDER BY a.id;
