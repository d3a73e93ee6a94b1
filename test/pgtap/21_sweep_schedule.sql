-- The sweep's schedule and the sweeper's health (issue 19).
--
-- safeguard.deadline_schedule holds each open, unpaused deadline's next rung instant; sweep()
-- reads only the rows due.  Each event that moves a deadline's next instant is followed here
-- through one triage deadline: opening it, firing a rung, pausing, resuming, extending,
-- closing; a referral's deadline is cancelled by a withdrawal.  After each event the row is
-- checked against the instant computed independently (open_deadlines' due_at, the calendar's
-- add_working_days), and rebuild_deadline_schedule() must find nothing to change: the
-- schedule kept by the triggers is the schedule recomputed from scratch.  A calendar change
-- rebuilds it when the transaction commits (here: SET CONSTRAINTS ALL IMMEDIATE), including
-- a deadline that could not be computed until the next year's calendar was imported.  A rung
-- added to a ladder in use reaches the schedule at once.  Nobody but safeguard reads the
-- schedule; safeguard.sweep_health is for the admin and auditor duties only.
--
-- The triage deadline of a concern received on Monday 2 March 2026 at 09:00 is due at the
-- end of Tuesday 3 March; its due_soon rung fires at the end of the day two working days
-- before, its breach at the due instant, its escalate five working days after.
BEGIN;
SELECT plan(63);

SET LOCAL TimeZone = 'UTC';
SET LOCAL client_min_messages = warning;

-- Everything due elsewhere in this database fires first, so the counts below are this file's.
SELECT safeguard.set_clock('2026-02-20 12:00+00') IS NOT NULL AS pinned \gset
SELECT safeguard.sweep(2147483647) IS NOT NULL AS drained \gset

\set fixture TAP21
\set orgs 'cqc=regulator la=local_authority'
\set cast 'tap21_insp=inspector@cqc tap21_cc=contact_centre@cqc tap21_admin=admin@cqc tap21_admin2=admin@cqc'
\set cast :cast ' tap21_aud=auditor@cqc tap21_reader=reader@cqc tap21_la=la_officer@la tap21_la_admin=admin@la'
\set cast :cast ' tap21_nobody tap21_readall'
\ir lib/fixtures.sql
GRANT pg_read_all_data TO tap21_readall;

-- The schedule row of a deadline, and its instants as computed without the schedule.
CREATE TEMP VIEW tap21_row AS
SELECT s.deadline_id, s.anchor_at, s.next_fire_at, s.uncomputable FROM safeguard.deadline_schedule s;
CREATE FUNCTION pg_temp.due_at(deadline bigint) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT due_at FROM safeguard.open_deadlines WHERE id = deadline $$;
-- The end of the day n working days from the day whose end is due (a rung's offset).
CREATE FUNCTION pg_temp.rung_at(due timestamptz, n integer) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT ((safeguard.add_working_days(((due - interval '1 microsecond') AT TIME ZONE 'Europe/London')::date, n)
            + 1)::timestamp AT TIME ZONE 'Europe/London') $$;

--------------------------------------------------------------------------
-- 1. Open, fire, pause, resume, extend, close
--------------------------------------------------------------------------
SELECT safeguard.set_clock('2026-03-02 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap21_insp;
SELECT safeguard.log_concern('2026-03-02 09:00+00', 'phone', 'relative', 'TAP21 concern', '{Physical Abuse}',
    la_id => :la, referrer_name => 'Sam Relative', referrer_phone => '01234 567890') AS concern \gset
RESET ROLE;
SELECT id AS dl, organisation_id AS dl_org FROM safeguard.deadline
WHERE subject_table = 'concern' AND subject_id = :concern AND kind = 'triage' \gset

SELECT is((SELECT count(*) FROM tap21_row WHERE deadline_id = :dl)::integer, 1, 'open: the deadline has a schedule row');
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :dl), pg_temp.rung_at(pg_temp.due_at(:dl), -2),
          'open: its next instant is the due_soon rung, two working days before the due day ends');
SELECT is((SELECT anchor_at FROM tap21_row WHERE deadline_id = :dl), timestamptz '2026-03-02 09:00+00',
          'with the deadline''s anchor (the order a backlog drains in)');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'open: a rebuild finds nothing to change');

-- Monday 2 March, 12:00: due_soon has fired (the end of Thursday 26 February passed); the breach waits.
SELECT safeguard.set_clock('2026-03-02 12:00+00') IS NOT NULL AS pinned \gset
SELECT is(safeguard.sweep(), 1, 'fire: the sweep fires the one rung due');
SELECT is((SELECT rung::text FROM safeguard.deadline_alert WHERE deadline_id = :dl), 'due_soon', 'the due_soon rung');
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :dl), pg_temp.due_at(:dl),
          'fire: the next instant moves to the breach, at the due instant');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'fire: a rebuild finds nothing to change');
SELECT is(safeguard.sweep(), 0, 'a sweep before the breach fires nothing');

SET ROLE tap21_admin;
SELECT safeguard.pause_deadline(:dl, 'Awaiting police advice.') IS NOT NULL AS paused \gset
RESET ROLE;
SELECT is((SELECT count(*) FROM tap21_row WHERE deadline_id = :dl)::integer, 0, 'pause: the deadline leaves the schedule');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'pause: a rebuild finds nothing to change');
SELECT safeguard.set_clock('2026-03-09 12:00+00') IS NOT NULL AS pinned \gset
SELECT is(safeguard.sweep(), 0, 'paused past its due instant, it fires nothing');

SET ROLE tap21_admin;
SELECT safeguard.resume_deadline(:dl) AS resumed_due \gset
RESET ROLE;
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :dl), :'resumed_due'::timestamptz,
          'resume: back in the schedule, its next instant the breach at the new due instant');
SELECT ok(:'resumed_due'::timestamptz > '2026-03-09 12:00+00', 'which lies after the resume');
SELECT is((SELECT anchor_at FROM tap21_row WHERE deadline_id = :dl), timestamptz '2026-03-09 12:00+00',
          'and its anchor is the resume instant');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'resume: a rebuild finds nothing to change');

SET ROLE tap21_admin2;
SELECT safeguard.approve_extension(:dl, 3, 'Police advice expected within the week.') IS NOT NULL AS approved \gset
RESET ROLE;
SET ROLE tap21_admin;
SELECT safeguard.extend_deadline(:dl, 3, 'Awaiting police advice.', 'tap21_admin2') AS extended_due \gset
RESET ROLE;
SELECT ok(:'extended_due'::timestamptz > :'resumed_due'::timestamptz, 'extend: the due instant moves later');
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :dl), :'extended_due'::timestamptz,
          'extend: the next instant moves with it');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'extend: a rebuild finds nothing to change');

-- Past the extended due instant and its escalation: both rungs left fire, then nothing is left.
SELECT safeguard.set_clock(pg_temp.rung_at(:'extended_due'::timestamptz, 5) + interval '1 hour') IS NOT NULL AS pinned \gset
SELECT is(safeguard.sweep(), 2, 'fire: breach and escalate fire in one sweep');
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :dl), NULL::timestamptz,
          'every rung fired: the row stays, with no next instant');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'a rebuild finds nothing to change');

SET ROLE tap21_insp;
SELECT safeguard.triage_concern(:concern, 'no_referral', 'No further action.', false, false, false) IS NULL AS triaged \gset
RESET ROLE;
SELECT is((SELECT status::text FROM safeguard.deadline WHERE id = :dl), 'breached', 'the triage closes the deadline');
SELECT is((SELECT count(*) FROM tap21_row WHERE deadline_id = :dl)::integer, 0, 'close: it leaves the schedule');

-- A referral's send deadline, cancelled by a withdrawal.
SET ROLE tap21_insp;
SELECT safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'TAP21 referral', '{Self-Neglect}',
    la_id => :la, referrer_anonymous => true) AS concern2 \gset
SELECT safeguard.triage_concern(:concern2, 'refer_to_la', 'Needs the council.', true, true, true) AS referral \gset
RESET ROLE;
SELECT id AS send_dl FROM safeguard.deadline WHERE subject_table = 'referral' AND subject_id = :referral AND kind = 'send' \gset
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :send_dl),
          pg_temp.rung_at(pg_temp.due_at(:send_dl), -2), 'the send deadline is scheduled when it opens');
SET ROLE tap21_admin;
SELECT safeguard.withdraw_referral(:referral, 'Duplicate of an earlier call.') AS withdrawn \gset
RESET ROLE;
SELECT is((SELECT status::text FROM safeguard.deadline WHERE id = :send_dl), 'cancelled', 'the withdrawal cancels it');
SELECT is((SELECT count(*) FROM tap21_row WHERE deadline_id = :send_dl)::integer, 0, 'cancel: it leaves the schedule');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'close and cancel: a rebuild finds nothing to change');

--------------------------------------------------------------------------
-- 2. The calendar: a new bank holiday moves the schedule when the transaction commits
--------------------------------------------------------------------------
SELECT safeguard.set_clock('2026-03-16 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap21_insp;
SELECT safeguard.log_concern('2026-03-16 09:00+00', 'phone', 'anonymous', 'TAP21 calendar', '{Self-Neglect}',
    la_id => :la, referrer_anonymous => true) AS concern3 \gset
RESET ROLE;
SELECT id AS cal_dl FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :concern3 AND kind = 'triage' \gset
SELECT safeguard.set_clock('2026-03-16 12:00+00') IS NOT NULL AS pinned \gset
SELECT is(safeguard.sweep(), 1, 'its due_soon fires at once');
SELECT pg_temp.due_at(:cal_dl) AS cal_due_before \gset
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :cal_dl), :'cal_due_before'::timestamptz,
          'the next instant is the breach, due at the end of Tuesday 17 March');
SET ROLE tap21_admin;
SELECT safeguard.import_bank_holidays('{"england-and-wales": {"division": "england-and-wales", "events": [
    {"title": "TAP21 holiday", "date": "2026-03-17", "notes": "", "bunting": false}]}}') AS added \gset
RESET ROLE;
SELECT is(:added, 1, 'Tuesday 17 March becomes a bank holiday');
SELECT ok(pg_temp.due_at(:cal_dl) > :'cal_due_before'::timestamptz, 'the deadline''s due instant moves a working day later');
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :cal_dl), :'cal_due_before'::timestamptz,
          'the schedule waits for the end of the transaction (a deferred trigger: once, not per holiday)');
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :cal_dl), pg_temp.due_at(:cal_dl),
          'calendar: rebuilt, the next instant follows the new due instant');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'calendar: a rebuild finds nothing more to change');

-- A deadline that falls after the loaded calendar cannot be computed: it waits, with its rungs
-- counted, until the next year's calendar is imported.
SELECT covered_to AS covered_to FROM safeguard.division WHERE division = 'england-and-wales' \gset
SELECT safeguard.set_clock((:'covered_to'::date - 1)::timestamp AT TIME ZONE 'Europe/London' + interval '10 hours')
    IS NOT NULL AS pinned \gset
SET ROLE tap21_insp;
SELECT safeguard.log_concern(safeguard.now() - interval '1 hour', 'phone', 'anonymous', 'TAP21 year end', '{Self-Neglect}',
    la_id => :la, referrer_anonymous => true) AS concern4 \gset
RESET ROLE;
SELECT id AS end_dl FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :concern4 AND kind = 'triage' \gset
SELECT is((SELECT due_problem IS NOT NULL FROM safeguard.open_deadlines WHERE id = :end_dl), true,
          'a deadline due after the loaded calendar cannot be computed');
SELECT results_eq(format('SELECT next_fire_at, uncomputable FROM tap21_row WHERE deadline_id = %s', :end_dl),
                  $$VALUES (NULL::timestamptz, 3)$$, 'it stays in the schedule, no instant, three rungs waiting');
SET ROLE tap21_admin;
SELECT is((SELECT uncomputable_rungs >= 3 FROM safeguard.sweep_health), true, 'sweep_health counts the rungs waiting');
RESET ROLE;
SELECT format('{"england-and-wales": {"division": "england-and-wales", "events": [
    {"title": "New Year''s Day", "date": "%s", "notes": "", "bunting": true}]}}',
    (date_trunc('year', :'covered_to'::date + 1))::date) AS next_year \gset
SET ROLE tap21_admin;
SELECT safeguard.import_bank_holidays(:'next_year') AS added_next \gset
RESET ROLE;
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT results_eq(format('SELECT next_fire_at, uncomputable FROM tap21_row WHERE deadline_id = %s', :end_dl),
                  format('VALUES (%L::timestamptz, 0)', pg_temp.rung_at(pg_temp.due_at(:end_dl), -2)),
                  'the next year''s calendar imported: its rungs get their instants');

--------------------------------------------------------------------------
-- 3. A rung added to a ladder in use reaches the schedule at once
--------------------------------------------------------------------------
-- A policy of the deadline's organisation whose triage ladder has only the breach rung.
INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description)
VALUES (:dl_org, '2026-04-01', 'TAP21 policy') RETURNING id AS tap21_policy \gset
INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit) VALUES (:tap21_policy, 'triage', 1, 'working_days');
INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit)
VALUES (:tap21_policy, 'triage', 'breach', 0, 'working_days');
SELECT safeguard.set_clock('2026-04-13 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap21_insp;
SELECT safeguard.log_concern('2026-04-13 09:00+00', 'phone', 'anonymous', 'TAP21 ladder', '{Self-Neglect}',
    la_id => :la, referrer_anonymous => true) AS concern5 \gset
RESET ROLE;
SELECT id AS lad_dl, policy_id AS lad_policy FROM safeguard.deadline
WHERE subject_table = 'concern' AND subject_id = :concern5 AND kind = 'triage' \gset
SELECT is(:lad_policy, :tap21_policy, 'the deadline follows the new policy');
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :lad_dl), pg_temp.due_at(:lad_dl),
          'its next instant is its one rung, the breach');
INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit)
VALUES (:tap21_policy, 'triage', 'due_soon', -1, 'clock_hours');
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :lad_dl), pg_temp.due_at(:lad_dl) - interval '1 hour',
          'ladder: a due_soon rung added to the policy in use moves it an hour earlier at once');
SELECT is(safeguard.rebuild_deadline_schedule(), 0::bigint, 'ladder: a rebuild finds nothing to change');

-- A repair: a row damaged by hand is put right by a rebuild.
UPDATE safeguard.deadline_schedule SET next_fire_at = NULL WHERE deadline_id = :lad_dl;
SELECT is(safeguard.rebuild_deadline_schedule(), 1::bigint, 'a rebuild repairs a damaged row');
SELECT is((SELECT next_fire_at FROM tap21_row WHERE deadline_id = :lad_dl), pg_temp.due_at(:lad_dl) - interval '1 hour',
          'back to its instant');

--------------------------------------------------------------------------
-- 4. Who may see the schedule and the sweeper's health
--------------------------------------------------------------------------
SELECT safeguard.set_clock('2026-04-14 12:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap21_admin;
SELECT sweeps AS sweeps_before FROM safeguard.sweep_health \gset
SELECT safeguard.sweep(1) AS fired_now \gset
SELECT results_eq('SELECT sweeps, last_rungs_fired, last_finished_at >= last_started_at FROM safeguard.sweep_health',
                  format('VALUES (%s::bigint, %s, true)', :sweeps_before + 1, :fired_now),
                  'sweep_health: the sweep just made, what it fired, when it ran');
SELECT results_eq('SELECT due_deadlines > 0, oldest_due_at <= safeguard.now() FROM safeguard.sweep_health',
                  $$VALUES (true, true)$$, 'sweep_health: the due backlog left by a sweep(1), and its oldest instant');
SELECT is((SELECT due_deadlines FROM safeguard.sweep_health),
          (SELECT count(*) FROM safeguard.open_deadlines d WHERE EXISTS (
               SELECT 1 FROM safeguard.escalation_rung e
               JOIN safeguard.deadline x ON x.id = d.id AND e.policy_id = x.policy_id AND e.kind = x.kind
               WHERE safeguard.rung_fire_at(d.amount, d.unit, d.anchor_at, x.division, e.offset_amount, e.offset_unit)
                     <= safeguard.now()
                 AND NOT EXISTS (SELECT 1 FROM safeguard.deadline_alert a WHERE a.deadline_id = d.id AND a.rung = e.rung))
             AND d.paused_at IS NULL),
          'the backlog is every open deadline with a rung due and not fired, as computed without the schedule');
RESET ROLE;
SET ROLE tap21_aud;
SELECT lives_ok('SELECT * FROM safeguard.sweep_health', 'the auditor reads sweep_health');
RESET ROLE;
SET ROLE tap21_la_admin;
SELECT lives_ok('SELECT * FROM safeguard.sweep_health', 'an authority''s administrator reads sweep_health');
RESET ROLE;
SELECT throws_ok(format('SET ROLE %I; SELECT * FROM safeguard.sweep_health', r), '42501', NULL,
                 format('%s may not read sweep_health (42501)', r))
FROM unnest(ARRAY['tap21_insp', 'tap21_cc', 'tap21_reader', 'tap21_la', 'tap21_nobody']) AS r;
RESET ROLE;
SET ROLE tap21_la;
SELECT throws_ok('SELECT * FROM safeguard.sweeper_health()', '42501', NULL, 'nor call sweeper_health() (42501)');
SELECT throws_ok('SELECT * FROM safeguard.deadline_schedule', '42501', NULL,
                 'an officer cannot read the schedule (42501)');
SELECT throws_ok('SELECT safeguard.rebuild_deadline_schedule()', '42501', NULL,
                 'nor rebuild it (42501)');
RESET ROLE;
SET ROLE tap21_la_admin;
SELECT throws_ok('SELECT safeguard.rebuild_deadline_schedule()', '42501', NULL,
                 'an authority''s administrator cannot rebuild the national schedule (42501)');
SELECT throws_ok('SELECT * FROM safeguard.sweep_state', '42501', NULL,
                 'nor read the health row directly (42501)');
RESET ROLE;
SET ROLE tap21_readall;
SELECT is((SELECT count(*) FROM safeguard.deadline_schedule)::integer, 0,
          'pg_read_all_data reads no row of the schedule (row-level security, no policy)');
RESET ROLE;
SELECT ok((SELECT count(*) FROM safeguard.deadline_schedule) > 0, 'while it has rows');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'verify_audit() finds no broken row');

SELECT * FROM finish();
ROLLBACK;
