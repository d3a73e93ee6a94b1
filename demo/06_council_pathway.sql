-- demo/06_council_pathway.sql: the council's own pathway (issue 16), one concern
-- from the ambulance service through to feedback.  Northshire's safeguarding
-- hub logs it at its front door, decides a section 42 enquiry with the
-- threshold answers, its manager (SAM) allocates it, the officer asks the adult
-- what he wants (Making Safeguarding Personal), holds a strategy discussion,
-- records the outcome and a safeguarding plan, and the manager closes it with
-- feedback to the crew and to the adult.  One refusal on the way: an officer
-- may not sign the enquiry off.  The story runs on a pinned clock over two
-- weeks ending yesterday.
\pset footer off
SET client_min_messages = notice;

SELECT NOT EXISTS (SELECT 1 FROM safeguard.concern WHERE description LIKE 'DEMO-06:%') AS load_council \gset
\if :load_council
SELECT (current_date - 15)::timestamp AT TIME ZONE 'Europe/London' AS day0 \gset

\echo
\echo '== Day 0, 22:40: an ambulance crew raises a concern with Northshire''s safeguarding hub =='
SELECT safeguard.set_clock(:'day0'::timestamptz + interval '23 hours') IS NOT NULL AS clock_pinned;
SET ROLE demo_north_officer;
SELECT safeguard.log_concern(:'day0'::timestamptz + interval '22 hours 40 minutes', 'phone', 'ambulance_service',
    'DEMO-06: crew called to a fall found Mr Hughes alone, unfed, pressure sores untreated; carer absent for days.',
    '{Neglect and Acts of Omission}',
    la_id => (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-NORTH'),
    referrer_name => 'Paramedic K. Ahmed, North Ambulance Service', referrer_phone => '0300 555 0142',
    adult_nhs_number => '4500000011', adult_name => 'Edward Hughes', adult_date_of_birth => '1938-05-14',
    adult_gender => 'Male', adult_ethnicity => 'A', adult_primary_support_reason => 'Physical Support',
    risk_location => 'Own Home', source_of_risk => 'Other - Known to individual') AS concern \gset
SELECT id AS concern, source, channel, received_at, case_id FROM safeguard.concern WHERE id = :concern;
\echo 'Its decision deadline (by the end of the next working day):'
SELECT kind, due_at FROM safeguard.open_deadlines WHERE subject_table = 'concern' AND subject_id = :concern;

\echo
\echo '== Day 1: the hub decides: a section 42 enquiry, with the three threshold answers and why =='
RESET ROLE;
SELECT safeguard.set_clock(:'day0'::timestamptz + interval '1 day 10 hours') IS NOT NULL AS clock_moved;
SET ROLE demo_north_officer;
SELECT safeguard.decide_concern(:concern, 'section_42_enquiry',
    'Care and support needs (frail, mobility), neglect by his paid carer, cannot protect himself: all three s42(1) criteria met.',
    true, true, true) AS enquiry \gset
SELECT id AS enquiry, kind, state, decided_at FROM safeguard.la_enquiry WHERE id = :enquiry;
\echo 'Unallocated, it sits with the "virtual worker":'
SELECT pathway, team, with_la, unallocated FROM safeguard.report_unallocated
WHERE local_authority = 'Northshire Council' AND pathway = 'council_enquiry';
RESET ROLE;

\echo
\echo '== Day 1, afternoon: the manager (SAM) allocates it to the officer =='
SELECT safeguard.set_clock(:'day0'::timestamptz + interval '1 day 15 hours') IS NOT NULL AS clock_moved;
SET ROLE demo_sam;
SELECT safeguard.allocate_enquiry(:enquiry, 'demo_north_officer') AS state;
RESET ROLE;

\echo
\echo '== Day 2: the officer meets Mr Hughes: Making Safeguarding Personal, capacity, advocacy =='
SELECT safeguard.set_clock(:'day0'::timestamptz + interval '2 days 11 hours') IS NOT NULL AS clock_moved;
SET ROLE demo_north_officer;
SELECT safeguard.start_enquiry(:enquiry, msp_asked => 'Yes, they were asked and outcomes were expressed',
    msp_outcomes_wanted => 'To stay in his own home, with carers who turn up.',
    lacked_capacity => 'No, they did not lack capacity', advocate_arranged => false,
    advocate_not_arranged_reason => 'No substantial difficulty in taking part; his niece supports him.') AS state;

\echo
\echo '== Day 3: a strategy discussion with the police and the care agency''s commissioner =='
RESET ROLE;
SELECT safeguard.set_clock(:'day0'::timestamptz + interval '3 days 14 hours') IS NOT NULL AS clock_moved;
SET ROLE demo_north_officer;
SELECT safeguard.record_strategy_discussion(:enquiry, 'discussion', :'day0'::timestamptz + interval '3 days 13 hours',
    'Safeguarding officer, police public protection unit, commissioning, GP',
    'Police assess wilful neglect; commissioning reviews the agency; new care package today.') AS strategy_discussion;

\echo
\echo '== Day 10: the outcome, in the return''s vocabulary, and a safeguarding plan =='
RESET ROLE;
SELECT safeguard.set_clock(:'day0'::timestamptz + interval '10 days 12 hours') IS NOT NULL AS clock_moved;
SET ROLE demo_north_officer;
SELECT safeguard.conclude_enquiry(:enquiry, 'Risk identified and action taken', '{Neglect and Acts of Omission}',
    'Own Home', 'Service Provider', 'Risk reduced', 'Fully Achieved') AS state;
SELECT safeguard.make_safeguarding_plan(:enquiry, :'day0'::timestamptz + interval '10 days 12 hours',
    'Twice-daily calls by the new agency; district nurse weekly for the sores; review in a month.') AS safeguarding_plan;
\echo 'The officer tries to sign the enquiry off: only a manager may.'
DO $$
DECLARE detail text;
BEGIN
    PERFORM safeguard.close_enquiry(max(id), now(), 'phone', adult_feedback_at => now()) FROM safeguard.la_enquiry;
    RAISE NOTICE 'this line is never reached';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RAISE NOTICE 'refused: SQLSTATE % (%) %', SQLSTATE, SQLERRM, detail;
END $$;
RESET ROLE;

\echo
\echo '== Day 12: the manager closes it, with feedback to the crew that raised it and to Mr Hughes =='
SELECT safeguard.set_clock(:'day0'::timestamptz + interval '12 days 16 hours') IS NOT NULL AS clock_moved;
SET ROLE demo_sam;
SELECT safeguard.close_enquiry(:enquiry, feedback_at => :'day0'::timestamptz + interval '12 days 15 hours',
    feedback_method => 'phone', adult_feedback_at => :'day0'::timestamptz + interval '12 days 11 hours') AS state;
RESET ROLE;
SELECT safeguard.set_clock(NULL) IS NOT NULL AS clock_back_to_now;
\endif

SELECT id AS enquiry, concern_id AS concern, case_id FROM safeguard.la_enquiry e
WHERE EXISTS (SELECT 1 FROM safeguard.concern x WHERE x.id = e.concern_id AND x.description LIKE 'DEMO-06:%') \gset
\echo
\echo '== The enquiry, as Northshire''s officer reads it =='
SET ROLE demo_north_officer;
SELECT state, decided_at::date AS decided, allocated_to, started_at::date AS started, msp_asked,
       concluded_at::date AS concluded, action_result, risk_outcome, msp_achieved,
       feedback_at::date AS referrer_told, feedback_method, adult_feedback_at::date AS adult_told, closed_by
FROM safeguard.la_enquiry WHERE id = :enquiry;
\echo 'Its deadlines, each judged when the step happened:'
SELECT kind, status, due_at_close::date AS was_due, closed_at::date AS met_on
FROM safeguard.deadline WHERE (subject_table = 'la_enquiry' AND subject_id = :enquiry)
   OR (subject_table = 'concern' AND subject_id = :concern) ORDER BY anchor_at, id;
RESET ROLE;
\echo 'Southshire''s officer sees none of it (row-level security):'
SET ROLE demo_south_officer;
SELECT count(*) AS northshire_enquiries_visible FROM safeguard.la_enquiry;
RESET ROLE;

\echo
\echo '== The audit trail of the case: each step, who took it and under which duty =='
SELECT a.id, a.acting_role, a.duty, a.table_name, a.action, a.from_state, a.to_state
FROM safeguard.audit_event a
WHERE a.case_id = :case_id AND a.table_name IN ('concern', 'concern_decision', 'la_enquiry', 'la_enquiry_strategy', 'la_enquiry_plan')
ORDER BY a.id;
