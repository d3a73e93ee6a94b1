-- Values read inside an SPI connection must not be used after SPI_finish() (issue 14, item 2).
-- resume_deadline() and extend_deadline() loaded the deadline's unit and division as strings
-- allocated inside SPI and computed the due instant they return from them after SPI_finish():
-- on a cassert build (CLOBBER_FREED_MEMORY) every call failed, and on a production build a
-- calendar reload after SPI_finish() reused the freed memory, so the same call answered
-- SG102 unknown division "g" (a piece of the reload's query text) or a wrong instant.
--
-- Both functions are called once on a warm calendar cache and once right after a calendar
-- change in the same transaction (the next calendar use reloads the cache through SPI), and
-- each answer is checked against the due instant open_deadlines derives afresh.
--
-- Timeline (as sql/08_deadline_sweep.sql): concerns received on Thursday 2 April 2026 10:00
-- London are due for triage at the end of Tuesday 7 April (Good Friday and Easter Monday are
-- bank holidays; London is on BST).  The clocks stop at 11:00 with one working day left and
-- restart on Wednesday 8 April: due at the end of Thursday 9 April; an extension by 2
-- working days moves that to the end of Monday 13 April.
BEGIN;
SELECT plan(10);

SET LOCAL TimeZone = 'UTC';

\set fixture TAP11
\set orgs 'la=local_authority'
\set cast 'tap11_officer=la_officer@la tap11_sam=sam@la'
\ir lib/fixtures.sql

SELECT safeguard.set_clock('2026-04-02 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap11_officer;
SELECT safeguard.log_concern('2026-04-02 09:00+00', 'phone', 'relative', 'TAP11 concern one.',
    '{Physical Abuse}', la_id => :la, referrer_name => 'Sam Relative',
    referrer_phone => '01234 567890') AS c1 \gset
SELECT safeguard.log_concern('2026-04-02 09:00+00', 'phone', 'relative', 'TAP11 concern two.',
    '{Physical Abuse}', la_id => :la, referrer_name => 'Sam Relative',
    referrer_phone => '01234 567890') AS c2 \gset
RESET ROLE;
SELECT id AS d1 FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :c1 AND kind = 'triage' \gset
SELECT id AS d2 FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :c2 AND kind = 'triage' \gset

SELECT safeguard.set_clock('2026-04-02 11:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap11_officer;
SELECT safeguard.pause_deadline(:d1, 'Awaiting police advice.') IS NOT NULL AS paused \gset
SELECT safeguard.pause_deadline(:d2, 'Awaiting police advice.') IS NOT NULL AS paused \gset
RESET ROLE;
-- The SAM records the approvals the extensions below name (issue 14, item 10).
SET ROLE tap11_sam;
SELECT safeguard.approve_extension(:d1, 2, 'Agreed: translator booked.') IS NOT NULL AS approved \gset
SELECT safeguard.approve_extension(:d2, 2, 'Agreed: translator booked.') IS NOT NULL AS approved \gset
RESET ROLE;
SELECT safeguard.set_clock('2026-04-08 08:00+00') IS NOT NULL AS pinned \gset

-- A warm calendar cache.  (The calls run as the officer; the rows are read as the superuser.)
SET ROLE tap11_officer;
SELECT is(safeguard.resume_deadline(:d1), '2026-04-09 23:00+00'::timestamptz,
    'resume_deadline answers the new due instant: the end of Thursday 9 April');
RESET ROLE;
SELECT is((SELECT remaining FROM safeguard.deadline_pause WHERE deadline_id = :d1), '1 working day',
    'the pause records the one working day that remained');
SELECT is((SELECT due_at FROM safeguard.open_deadlines WHERE id = :d1), '2026-04-09 23:00+00'::timestamptz,
    'open_deadlines derives the same instant');
SET ROLE tap11_officer;
SELECT is(safeguard.extend_deadline(:d1, 2, 'Translator needed for the interview.', 'tap11_sam'),
    '2026-04-13 23:00+00'::timestamptz,
    'extend_deadline answers the extended due instant: the end of Monday 13 April');
RESET ROLE;
SELECT is((SELECT due_at FROM safeguard.open_deadlines WHERE id = :d1), '2026-04-13 23:00+00'::timestamptz,
    'open_deadlines derives the same instant');

-- A calendar change in the same transaction (a holiday far from these dates, added, then
-- taken back) drops the calendar cache: the next calendar use reloads it through SPI.
INSERT INTO safeguard.bank_holiday (division, day, title)
VALUES ('england-and-wales', '2026-11-02', 'TAP11 test holiday');
SET ROLE tap11_officer;
SELECT is(safeguard.resume_deadline(:d2), '2026-04-09 23:00+00'::timestamptz,
    'resume_deadline after a calendar change answers the same instant');
RESET ROLE;
SELECT is((SELECT due_at FROM safeguard.open_deadlines WHERE id = :d2), '2026-04-09 23:00+00'::timestamptz,
    'open_deadlines derives the same instant');
DELETE FROM safeguard.bank_holiday WHERE title = 'TAP11 test holiday';
SET ROLE tap11_officer;
SELECT is(safeguard.extend_deadline(:d2, 2, 'Translator needed for the interview.', 'tap11_sam'),
    '2026-04-13 23:00+00'::timestamptz,
    'extend_deadline after a calendar change (the reload follows SPI_finish) answers the same instant');
RESET ROLE;
SELECT is((SELECT due_at FROM safeguard.open_deadlines WHERE id = :d2), '2026-04-13 23:00+00'::timestamptz,
    'open_deadlines derives the same instant');
SELECT is((SELECT extension_reason FROM safeguard.deadline WHERE id = :d2), 'Translator needed for the interview.',
    'the extension is recorded');

SELECT * FROM finish();
ROLLBACK;
