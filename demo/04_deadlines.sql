-- demo/04_deadlines.sql: the deadline dashboard.  A sweep fires the rungs
-- that have come due (each exactly once, however often this runs).
\pset footer off
SET client_min_messages = notice;

SELECT NOT EXISTS (SELECT 1 FROM safeguard.concern WHERE description LIKE 'Demo: an old referral%') AS load_old \gset
\if :load_old
\echo
\echo '== Six weeks ago: a referral to Southshire was sent and never answered =='
-- The superuser pins the clock for this session to replay the past.
SELECT safeguard.set_clock(now() - interval '42 days') IS NOT NULL AS clock_pinned;
SET ROLE demo_inspector;
SELECT safeguard.log_concern(safeguard.now(), 'phone', 'professional',
    'Demo: an old referral: a GP reports an older man is being kept from his medication.',
    '{Neglect and Acts of Omission}',
    la_id => (SELECT id FROM safeguard.organisation WHERE code = 'DEMO-SOUTH'),
    referrer_name => 'Dr Demo', referrer_email => 'dr.demo@gp.example') AS old_concern \gset
SELECT safeguard.triage_concern(:old_concern, 'refer_to_la',
    'Withholding medication from an adult with care needs.', true, true, true) AS old_referral \gset
RESET ROLE;
SET ROLE demo_contact_centre;
SELECT safeguard.send_referral(:old_referral, 'secure_email', la_contact => 'Southshire duty desk');
RESET ROLE;
SELECT safeguard.set_clock(NULL) IS NOT NULL AS clock_back_to_now;
\endif

\echo
\echo '== Sweep: due-soon warnings, breaches and escalations that have come due =='
SELECT safeguard.sweep() AS rungs_fired_now;
SELECT a.rung, a.kind, a.subject_table, a.subject_id, o.name AS organisation, a.due_at, a.fired_at
FROM safeguard.deadline_alert a JOIN safeguard.organisation o ON o.id = a.organisation_id
ORDER BY a.fired_at, a.deadline_id, a.rung;

\echo
\echo '== Notifications waiting in the outbox (also sent on NOTIFY channel safeguard_deadline) =='
SELECT id, payload->>'rung' AS rung, payload->>'kind' AS kind, payload->>'due_at' AS due_at,
       delivered_at IS NOT NULL AS delivered
FROM safeguard.outbox ORDER BY id DESC LIMIT 10;

\echo
\echo '== Dashboard: the regulator''s contact centre =='
SET ROLE demo_contact_centre;
SELECT 'due today' AS list, count(*) FROM safeguard.deadlines_due_today
UNION ALL SELECT 'due soon', count(*) FROM safeguard.deadlines_due_soon
UNION ALL SELECT 'overdue', count(*) FROM safeguard.deadlines_overdue
UNION ALL SELECT 'escalated (all it oversees)', count(*) FROM safeguard.deadlines_escalated;
SELECT kind, subject_table, subject_id, due_at, overdue FROM safeguard.my_deadlines ORDER BY due_at;
RESET ROLE;

\echo
\echo '== Dashboard: Southshire Council, six weeks without answering =='
SET ROLE demo_south_officer;
SELECT kind, subject_table, subject_id, due_at, overdue, senior_contact_name
FROM safeguard.deadlines_overdue ORDER BY due_at;
RESET ROLE;

\echo
\echo '== Dashboard: Northshire Council =='
SET ROLE demo_north_officer;
SELECT kind, subject_table, subject_id, amount, unit, due_at, overdue, senior_contact_name
FROM safeguard.my_deadlines ORDER BY due_at;
RESET ROLE;
