-- Deadlines that act on their own: safeguard.sweep() fires each rung of an
-- open deadline's escalation ladder (due_soon, breach, escalate) exactly
-- once, in order, with an outbox row and a NOTIFY.  The clock is pinned and
-- walked across the Easter 2026 bank holiday weekend (Good Friday 3 April,
-- Easter Monday 6 April; London is on BST, UTC+1).
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'S08 Regulator', 'S08-CQC') RETURNING id AS cqc \gset
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'S08 Council', 'S08-LA', 'Dana Head', 'dana.head@s08.example')
RETURNING id AS la \gset
CREATE ROLE s08_inspector LOGIN;
CREATE ROLE s08_admin LOGIN;
CREATE ROLE s08_officer LOGIN;
SELECT safeguard.grant_duty('s08_inspector', 'inspector', :cqc) IS NOT NULL AS granted,
       safeguard.grant_duty('s08_admin', 'admin', :cqc) IS NOT NULL AS admin_granted,
       safeguard.grant_duty('s08_officer', 'la_officer', :la) IS NOT NULL AS officer_granted;

-- The default ladder of a working-day rule: warn 2 working days before,
-- breach at due, escalate 5 working days after; clock-hour rules: 1 hour
-- before, at due, 24 hours after.
SELECT r.kind, e.rung, e.offset_amount, e.offset_unit
FROM safeguard.escalation_rung e JOIN safeguard.deadline_rule r USING (policy_id, kind)
WHERE r.shipped AND r.kind IN ('triage', 'send_immediate') ORDER BY r.kind, e.rung;

-- Thursday 2 April 10:00 London: a concern arrives; triage is due by the end
-- of the next working day, which is Tuesday 7 April (Friday and Monday are
-- bank holidays).
SELECT safeguard.set_clock('2026-04-02 09:00+00');
SET ROLE s08_inspector;
SELECT safeguard.log_concern('2026-04-02 09:00+00', 'phone', 'relative',
    'Bruises noticed at a visit.', '{Physical Abuse}', la_id => :la,
    referrer_name => 'Sam Relative', referrer_phone => '01234 567890') AS concern \gset
RESET ROLE;
SELECT kind, due_at FROM safeguard.open_deadlines WHERE subject_table = 'concern' AND subject_id = :concern;

-- Only the administrator (and superusers) may sweep.
SET ROLE s08_inspector;
SELECT safeguard.sweep();
RESET ROLE;

-- The warning is due at the end of Wednesday 1 April (two working days
-- remain): it fires at the first sweep, once.
-- (sweep() returns how many rungs fired across the database; other tests'
-- deadlines may fire too, so this file counts its own concern's alerts.)
CREATE TEMP VIEW s08_alerts AS
SELECT a.rung, a.fire_at, a.fired_at, a.contact_name FROM safeguard.deadline_alert a
WHERE a.subject_table = 'concern' AND a.subject_id = :concern;
SET ROLE s08_admin;
SELECT safeguard.sweep() >= 1 AS swept_thursday;
SELECT safeguard.sweep() IS NOT NULL AS swept_again;
RESET ROLE;
SELECT rung FROM s08_alerts ORDER BY fire_at;

-- Easter Monday: nothing more is due yet.
SELECT safeguard.set_clock('2026-04-06 12:00+00');
SELECT safeguard.sweep() IS NOT NULL AS swept_easter_monday;
SELECT count(*) AS alerts_so_far FROM s08_alerts;

-- A newly announced one-off holiday on Tuesday 7 April moves the open
-- deadline at once (due instants are derived, never stored while open).
INSERT INTO safeguard.bank_holiday (division, day, title)
VALUES ('england-and-wales', '2026-04-07', 'S08 test one-off holiday');
SELECT kind, due_at FROM safeguard.open_deadlines WHERE subject_table = 'concern' AND subject_id = :concern;
DELETE FROM safeguard.bank_holiday WHERE title = 'S08 test one-off holiday';
SELECT kind, due_at FROM safeguard.open_deadlines WHERE subject_table = 'concern' AND subject_id = :concern;

-- Wednesday 8 April: the deadline was breached at the end of Tuesday.
SELECT safeguard.set_clock('2026-04-08 08:00+00');
SELECT safeguard.sweep() >= 1 AS swept_wednesday;
SELECT rung FROM s08_alerts ORDER BY fire_at;
-- A week later (Tuesday 14 April ends the fifth working day after the due
-- day): the escalation to the named senior contact fires.
SELECT safeguard.set_clock('2026-04-15 08:00+00');
SELECT safeguard.sweep() >= 1 AS swept_next_week;
SELECT safeguard.sweep() IS NOT NULL AS swept_again;

-- Each rung fired once, in order, and the escalation names the contact.
SELECT rung, fire_at, fired_at, contact_name FROM s08_alerts ORDER BY fire_at;

-- The outbox holds one notification per rung; payloads carry no personal data.
SELECT payload->>'rung' AS rung, payload->>'kind' AS kind, payload->>'due_at' AS due_at,
       payload->>'contact_name' AS contact, delivered_at IS NULL AS undelivered
FROM safeguard.outbox WHERE (payload->>'subject_id')::bigint = :concern
  AND payload->>'subject_table' = 'concern' ORDER BY id;

-- A consumer that dies mid-batch loses nothing: its claim is rolled back
-- with it and the rows are still there for the next consumer.
BEGIN;
SELECT count(*) >= 3 AS claimed_then_died FROM (
    SELECT id FROM safeguard.outbox WHERE delivered_at IS NULL ORDER BY id
    FOR UPDATE SKIP LOCKED) c;
ROLLBACK;
SELECT count(*) AS still_undelivered FROM safeguard.outbox
WHERE delivered_at IS NULL AND (payload->>'subject_id')::bigint = :concern;

-- A consumer claims undelivered rows with SKIP LOCKED, delivers, marks them.
BEGIN;
SELECT count(*) >= 3 AS claimed FROM (
    SELECT id FROM safeguard.outbox WHERE delivered_at IS NULL ORDER BY id
    FOR UPDATE SKIP LOCKED) c;
SELECT safeguard.outbox_mark_delivered(array_agg(id)) >= 3 AS marked
FROM safeguard.outbox WHERE delivered_at IS NULL;
COMMIT;
SELECT count(*) FILTER (WHERE delivered_at IS NULL) AS undelivered FROM safeguard.outbox;
SELECT safeguard.outbox_mark_delivered(array_agg(id)) AS marked_twice FROM safeguard.outbox;
-- Outbox rows cannot be forged, altered after delivery, or deleted.
INSERT INTO safeguard.outbox (channel, payload, created_at) VALUES ('x', '{}', now());
UPDATE safeguard.outbox SET payload = '{}';
DELETE FROM safeguard.outbox;
-- Alerts cannot be written directly either.
INSERT INTO safeguard.deadline_alert (deadline_id, rung, organisation_id, kind, subject_table, subject_id, due_at, fire_at, fired_at)
SELECT id, 'breach', organisation_id, kind, subject_table, subject_id, now(), now(), now()
FROM safeguard.deadline LIMIT 1;

-- The regulator's own views: its triage deadline is overdue and escalated.
SET ROLE s08_inspector;
SELECT kind, overdue FROM safeguard.deadlines_overdue WHERE subject_id = :concern;
SELECT kind, senior_contact_name, escalated_at FROM safeguard.deadlines_escalated WHERE subject_id = :concern;
RESET ROLE;

-- Once the event happens the deadline closes (breached) and no more rungs fire.
SET ROLE s08_inspector;
SELECT safeguard.triage_concern(:concern, 'no_referral', 'Family support in place; no abuse indicated.',
    true, false, false) IS NULL AS no_referral;
RESET ROLE;
SELECT kind, status FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :concern;
SELECT safeguard.sweep() IS NOT NULL AS swept_after_close;
SELECT count(*) AS alerts_after_close FROM s08_alerts;

-- The alerts are in the audit chain, which still verifies.
SELECT count(*) AS alert_audit_rows FROM safeguard.audit_event
WHERE table_name = 'deadline_alert' AND changes->>'subject_table' = 'concern'
  AND (changes->>'subject_id')::bigint = :concern;
SELECT count(*) AS broken FROM safeguard.verify_audit();

-- Clock-stop.  A second concern, Thursday 2 April 11:00: triage due at the
-- end of Tuesday 7 April.  At 12:00 the inspector stops the clock while
-- awaiting police advice; nothing fires while it is stopped.
SELECT safeguard.set_clock('2026-04-02 10:00+00');
SET ROLE s08_inspector;
SELECT safeguard.log_concern('2026-04-02 10:00+00', 'email', 'professional',
    'Police attended; awaiting their advice.', '{Psychological Abuse}', la_id => :la,
    referrer_name => 'PC Example', referrer_email => 'pc.example@police.example') AS concern2 \gset
RESET ROLE;
SELECT id AS d2 FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :concern2 \gset
SELECT safeguard.set_clock('2026-04-02 11:00+00');
-- The council's officer cannot see the regulator's triage deadline, so it
-- is told it does not exist (SG208, as for any deadline it cannot see).
SET ROLE s08_officer;
SELECT safeguard.pause_deadline(:d2, 'Awaiting police advice.');
RESET ROLE;
SET ROLE s08_inspector;
SELECT safeguard.pause_deadline(:d2, '  ');
SELECT safeguard.pause_deadline(:d2, 'Awaiting police advice.') IS NOT NULL AS paused;
SELECT safeguard.pause_deadline(:d2, 'Again.');
SELECT kind, due_at, overdue, paused_at FROM safeguard.open_deadlines WHERE id = :d2;
RESET ROLE;
SELECT safeguard.set_clock('2026-04-08 08:00+00');
SELECT safeguard.sweep() IS NOT NULL AS swept_while_paused;
SELECT count(*) AS alerts_while_paused FROM safeguard.deadline_alert WHERE deadline_id = :d2;
-- Wednesday 8 April: the clock restarts.  One working day remained when it
-- stopped (Tuesday 7 April, after Thursday 2 April), so triage is now due by
-- the end of the next working day: Thursday 9 April.
SET ROLE s08_inspector;
SELECT safeguard.resume_deadline(:d2) AS new_due;
SELECT safeguard.resume_deadline(:d2);
SELECT reason, resumed_at IS NOT NULL AS resumed, remaining FROM safeguard.deadline_pause WHERE deadline_id = :d2;
-- One extension, by 2 working days, approved by another senior role of the
-- organisation that must meet the deadline, who records the approval first.
SELECT safeguard.extend_deadline(:d2, 2, 'Translator needed for the interview.', 's08_inspector');
SELECT safeguard.extend_deadline(:d2, 2, 'Translator needed for the interview.', 's08_admin');
RESET ROLE;
SET ROLE s08_admin;
SELECT safeguard.approve_extension(:d2, 2, 'Agreed: the interview needs a translator.') IS NOT NULL AS approved;
RESET ROLE;
SET ROLE s08_inspector;
SELECT safeguard.extend_deadline(:d2, 2, 'Translator needed for the interview.', 's08_admin') AS extended_due;
SELECT safeguard.extend_deadline(:d2, 1, 'More time.', 's08_admin');
SELECT kind, due_at, amount, unit FROM safeguard.open_deadlines WHERE id = :d2;
RESET ROLE;

SELECT safeguard.set_clock(NULL) IS NOT NULL AS unpinned;
SELECT safeguard.revoke_duty('s08_inspector', 'inspector'), safeguard.revoke_duty('s08_admin', 'admin'),
       safeguard.revoke_duty('s08_officer', 'la_officer');
DROP ROLE s08_inspector;
DROP ROLE s08_admin;
DROP ROLE s08_officer;
