-- safeguard.sweep(max_rungs) fires at most max_rungs rungs, oldest anchor first (then deadline
-- id, then ladder order), and stops there: repeated calls drain a backlog oldest first, each
-- rung exactly once with one outbox row and one audit row.  Rungs not yet due and paused
-- deadlines are passed over without using the budget.  A backlog larger than one cursor fetch
-- (1,200 rungs) checks that a call reads on across fetches and stops mid-fetch.
--
-- Concerns are logged in an order that differs from their received time, so deadline ids do
-- not follow the anchors: the order asserted is the anchor's.  Triage of a concern received
-- on Monday 2 March 2026 is due at the end of Tuesday 3 March: due_soon fires at once,
-- breach at the end of 3 March, escalate at the end of Tuesday 10 March.
BEGIN;
SELECT plan(33);

SET LOCAL TimeZone = 'UTC';

-- Everything due elsewhere in this database by the last instant used below fires first,
-- so the counts below are this file's own.
SELECT safeguard.set_clock('2026-04-20 12:00+00') IS NOT NULL AS pinned \gset
SELECT safeguard.sweep(2147483647) IS NOT NULL AS drained \gset

\set fixture TAP10
\set orgs 'cqc=regulator la=local_authority'
\set contacts '{"la": ["Dana Head", "dana.head@tap10.example"]}'
\set cast 'tap10_inspector=inspector@cqc tap10_admin=admin@cqc'
\ir lib/fixtures.sql

-- Six concerns received on Monday 2 March between 09:00 and 09:50; rank 0 (the oldest) is
-- paused.  Logged in the order of ranks 3, 0, 5, 2, 4, 1.
CREATE TEMP TABLE tap10_concern (rank integer PRIMARY KEY, concern bigint);
GRANT INSERT ON tap10_concern TO tap10_inspector;
SELECT safeguard.set_clock('2026-03-02 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_inspector;
WITH logged AS (
    SELECT o.rank, safeguard.log_concern(timestamptz '2026-03-02 09:00+00' + o.rank * interval '10 minutes',
        'phone', 'relative', 'TAP10 concern ' || o.rank, '{Physical Abuse}', la_id => :la,
        referrer_name => 'Sam Relative', referrer_phone => '01234 567890') AS concern
    FROM unnest(ARRAY[3, 0, 5, 2, 4, 1]) WITH ORDINALITY AS o(rank, n)
    ORDER BY o.n)
INSERT INTO tap10_concern SELECT rank, concern FROM logged;
RESET ROLE;
CREATE TEMP TABLE tap10_rank AS SELECT c.rank, d.id AS deadline_id FROM tap10_concern c
JOIN safeguard.deadline d ON d.subject_table = 'concern' AND d.subject_id = c.concern AND d.kind = 'triage';
GRANT SELECT ON tap10_rank TO tap10_inspector, tap10_admin;
SELECT is((SELECT count(*) FROM tap10_rank)::integer, 6, 'six triage deadlines');
SELECT ok((SELECT (SELECT deadline_id FROM tap10_rank WHERE rank = 1) > max(deadline_id) FROM tap10_rank WHERE rank > 1),
    'the oldest unpaused concern has the newest deadline id');
SET ROLE tap10_inspector;
SELECT safeguard.pause_deadline((SELECT deadline_id FROM tap10_rank WHERE rank = 0), 'Awaiting police advice.')
    IS NOT NULL AS paused \gset
RESET ROLE;

-- What has fired for this file's deadlines, by rank and ladder order, with when.
CREATE TEMP VIEW tap10_fired AS
SELECT r.rank, a.rung, a.fired_at, a.fire_at
FROM safeguard.deadline_alert a JOIN tap10_rank r USING (deadline_id);
GRANT SELECT ON tap10_fired TO tap10_admin;

-- Thursday 5 March: due_soon and breach are due for every concern, escalate for none.
-- Each call at its own minute, so fired_at tells the calls apart.
SELECT safeguard.set_clock('2026-03-05 12:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(3), 3, 'sweep(3) with 10 rungs due fires 3');
SELECT results_eq($$SELECT rank, rung::text FROM tap10_fired WHERE fired_at = '2026-03-05 12:00+00' ORDER BY rank, tap10_fired.rung$$,
    $$VALUES (1, 'due_soon'), (1, 'breach'), (2, 'due_soon')$$,
    'the oldest anchor first, in ladder order, not in id order; the paused deadline is passed over');
RESET ROLE;
SELECT safeguard.set_clock('2026-03-05 12:01+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(3), 3, 'the next sweep(3) fires the next 3');
SELECT results_eq($$SELECT rank, rung::text FROM tap10_fired WHERE fired_at = '2026-03-05 12:01+00' ORDER BY rank, tap10_fired.rung$$,
    $$VALUES (2, 'breach'), (3, 'due_soon'), (3, 'breach')$$,
    'it goes on where the previous one stopped: escalate rungs, not due, take no budget');
RESET ROLE;
SELECT safeguard.set_clock('2026-03-05 12:02+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(1), 1, 'sweep(1) fires one');
SELECT results_eq($$SELECT rank, rung::text FROM tap10_fired WHERE fired_at = '2026-03-05 12:02+00'$$,
    $$VALUES (4, 'due_soon')$$, 'the oldest rung left');
RESET ROLE;
SELECT safeguard.set_clock('2026-03-05 12:03+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(100), 3, 'a larger budget fires only what is left');
SELECT results_eq($$SELECT rank, rung::text FROM tap10_fired WHERE fired_at = '2026-03-05 12:03+00' ORDER BY rank, tap10_fired.rung$$,
    $$VALUES (4, 'breach'), (5, 'due_soon'), (5, 'breach')$$, 'the rest of what is due');
RESET ROLE;
SELECT safeguard.set_clock('2026-03-05 12:04+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(100), 0, 'then nothing is left to fire');

-- Friday 20 March: the escalations are due.
RESET ROLE;
SELECT safeguard.set_clock('2026-03-20 12:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(2), 2, 'sweep(2) with 5 escalations due fires 2');
SELECT results_eq($$SELECT rank, rung::text FROM tap10_fired WHERE fired_at = '2026-03-20 12:00+00' ORDER BY rank$$,
    $$VALUES (1, 'escalate'), (2, 'escalate')$$,
    'the oldest deadlines escalate first, past their fired rungs');
RESET ROLE;
SELECT safeguard.set_clock('2026-03-20 12:01+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(), 3, 'the default budget fires the other 3');
SELECT is(safeguard.sweep(), 0, 'and then nothing');
RESET ROLE;

SELECT is((SELECT count(*) FROM tap10_fired WHERE rank = 0)::integer, 0, 'the paused deadline fired nothing');
SELECT results_eq($$SELECT rank, rung::text FROM tap10_fired ORDER BY rank, tap10_fired.rung$$,
    $$SELECT r, x.g::text FROM generate_series(1, 5) r, unnest(enum_range(NULL::safeguard.alert_rung)) AS x(g) ORDER BY r, x.g$$,
    'every rung of the five unpaused deadlines fired, each once');
SELECT ok((SELECT bool_and(fire_at <= fired_at) FROM tap10_fired), 'no rung fired before its instant');
SELECT is((SELECT count(*) FROM safeguard.outbox o JOIN tap10_rank r
             ON (o.payload->>'deadline_id')::bigint = r.deadline_id)::integer, 15, 'one outbox row per rung');
SELECT is((SELECT count(DISTINCT (o.payload->>'deadline_id', o.payload->>'rung')) FROM safeguard.outbox o
             JOIN tap10_rank r ON (o.payload->>'deadline_id')::bigint = r.deadline_id)::integer, 15,
    'for 15 distinct rungs');
SELECT is((SELECT count(*) FROM safeguard.audit_event e JOIN tap10_rank r
             ON (e.changes->>'deadline_id')::bigint = r.deadline_id
           WHERE e.table_name = 'deadline_alert' AND e.action = 'INSERT')::integer, 15, 'one audit row per rung');

-- A backlog of 400 concerns received on Monday 23 March, logged out of order: 1,200 rungs
-- due on Monday 20 April, more than one cursor fetch reads.
CREATE TEMP TABLE tap10_backlog_concern (concern bigint PRIMARY KEY, received timestamptz);
GRANT INSERT ON tap10_backlog_concern TO tap10_inspector;
SELECT safeguard.set_clock('2026-03-23 12:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_inspector;
WITH logged AS (
    SELECT t.received, safeguard.log_concern(t.received, 'phone', 'relative', 'TAP10 backlog', '{Physical Abuse}',
        la_id => :la, referrer_name => 'Sam Relative', referrer_phone => '01234 567890') AS concern
    FROM (SELECT timestamptz '2026-03-23 09:00+00' + ((i * 7919) % 400) * interval '1 second' AS received, i
          FROM generate_series(1, 400) i) t
    ORDER BY t.i)
INSERT INTO tap10_backlog_concern SELECT concern, received FROM logged;
RESET ROLE;
CREATE TEMP TABLE tap10_backlog AS SELECT d.id AS deadline_id, c.received FROM tap10_backlog_concern c
JOIN safeguard.deadline d ON d.subject_table = 'concern' AND d.subject_id = c.concern AND d.kind = 'triage';
SELECT is((SELECT count(DISTINCT received) FROM tap10_backlog)::integer, 400, '400 deadlines, 400 distinct anchors');

-- The backlog's rungs in the order a sweep takes them, numbered.
CREATE TEMP VIEW tap10_backlog_order AS
SELECT row_number() OVER (ORDER BY b.received, b.deadline_id, g.rung) AS n, b.deadline_id, g.rung
FROM tap10_backlog b, unnest(enum_range(NULL::safeguard.alert_rung)) AS g(rung);

SELECT safeguard.set_clock('2026-04-20 12:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(1100), 1100, 'sweep(1100) with 1,200 rungs due fires 1,100');
RESET ROLE;
SELECT safeguard.set_clock('2026-04-20 12:01+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(1000), 100, 'the next call fires the last 100');
RESET ROLE;
SELECT safeguard.set_clock('2026-04-20 12:02+00') IS NOT NULL AS pinned \gset
SET ROLE tap10_admin;
SELECT is(safeguard.sweep(1000), 0, 'then nothing');
RESET ROLE;
SELECT is((SELECT count(*) FROM tap10_backlog_order o JOIN safeguard.deadline_alert a
             ON a.deadline_id = o.deadline_id AND a.rung = o.rung
           WHERE a.fired_at = '2026-04-20 12:00+00' AND o.n <= 1100)::integer, 1100,
    'the first call fired the 1,100 oldest rungs');
SELECT is((SELECT count(*) FROM tap10_backlog_order o JOIN safeguard.deadline_alert a
             ON a.deadline_id = o.deadline_id AND a.rung = o.rung
           WHERE a.fired_at = '2026-04-20 12:01+00' AND o.n > 1100)::integer, 100,
    'the second call fired the 100 newest');
SELECT is((SELECT count(*) FROM safeguard.deadline_alert a JOIN tap10_backlog b USING (deadline_id))::integer, 1200,
    'every backlog rung fired once');
SELECT is((SELECT count(*) FROM safeguard.outbox o JOIN tap10_backlog b
             ON (o.payload->>'deadline_id')::bigint = b.deadline_id)::integer, 1200,
    'with one outbox row each');
SELECT is((SELECT count(*) FROM safeguard.audit_event e JOIN tap10_backlog b
             ON (e.changes->>'deadline_id')::bigint = b.deadline_id
           WHERE e.table_name = 'deadline_alert' AND e.action = 'INSERT')::integer, 1200,
    'and one audit row each');

-- sweep() plans its cursor with jit off; the caller's setting is left as it was.
SET LOCAL jit = on;
SELECT safeguard.sweep(1) IS NOT NULL AS swept \gset
SELECT is(current_setting('jit'), 'on', 'the caller''s jit setting is kept');
SELECT throws_ok('SELECT safeguard.sweep(0)', '22023', NULL, 'a budget below 1 is refused');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'verify_audit() finds no broken row');

SELECT * FROM finish();
ROLLBACK;
