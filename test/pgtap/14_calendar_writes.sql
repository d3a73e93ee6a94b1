-- Who may change the calendar, and the record of it (issue 14, item 12a).  In 1.3 a
-- role holding pg_write_all_data and no duty inserted and deleted bank holidays (one
-- deadline moved by 26 days) and no audit row recorded it.  Now a change to
-- safeguard.bank_holiday or safeguard.division needs the admin duty held for the
-- regulator (the calendar is national), or a superuser, whatever SQL privileges a role
-- holds (42501, the detail naming the duty); each change is an audit row in the chain
-- table:bank_holiday or table:division, deletions included, keyed by the holiday's id.
BEGIN;
SELECT plan(41);

CREATE ROLE tap14c_writer LOGIN IN ROLE pg_write_all_data;   -- no duty at all
CREATE ROLE tap14c_member LOGIN IN ROLE safeguard_admin;     -- the group role, no duty
\set fixture TAP14C
\set orgs 'cqc=regulator la=local_authority'
\set cast 'tap14c_la_admin=admin@la tap14c_admin=admin@cqc'
\ir lib/fixtures.sql

SELECT count(*) AS holidays_before FROM safeguard.bank_holiday \gset
SELECT md5(string_agg(x::text, ',' ORDER BY x.division, x.day)) AS calendar_before
FROM safeguard.bank_holiday x \gset
SELECT md5(string_agg(x::text, ',' ORDER BY x.division)) AS divisions_before FROM safeguard.division x \gset
SELECT count(*) AS calendar_audit_before FROM safeguard.audit_event
WHERE chain_key IN ('table:bank_holiday', 'table:division') \gset
-- An open triage deadline whose due instant a holiday would move.
SELECT safeguard.working_deadline('2027-06-08 10:00+01', 1) AS due_before \gset

--------------------------------------------------------------------------
-- 1. Refused: SQL privileges without the duty, another organisation's admin
--------------------------------------------------------------------------
\set add_holiday 'INSERT INTO safeguard.bank_holiday (division, day, title) VALUES (''england-and-wales'', ''2027-06-09'', ''Forged'')'
\set move_holiday 'UPDATE safeguard.bank_holiday SET day = day + 26 WHERE division = ''england-and-wales'' AND day = ''2027-06-09'''
\set delete_holiday 'DELETE FROM safeguard.bank_holiday WHERE division = ''england-and-wales'' AND day = ''2027-12-27'''
\set extend 'UPDATE safeguard.division SET covered_to = ''2099-12-31'' WHERE division = ''scotland'''
\set add_division 'INSERT INTO safeguard.division VALUES (''tap14c'', ''UTC'', ''2020-01-01'', ''2020-12-31'')'

-- Returns the detail of the 42501 a statement raises.
CREATE FUNCTION pg_temp.refusal_detail(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE stmt;
    RETURN 'not refused';
EXCEPTION WHEN insufficient_privilege THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN detail;
END $$;
SET ROLE tap14c_writer;
SELECT throws_ok(:'add_holiday', '42501', NULL, 'pg_write_all_data without a duty cannot add a holiday');
SELECT throws_ok(:'delete_holiday', '42501', NULL, 'nor delete one');
SELECT throws_ok('UPDATE safeguard.bank_holiday SET title = ''Forged'' WHERE day = ''2027-12-27''', '42501', NULL,
                 'nor change one');
SELECT throws_ok(:'extend', '42501', NULL, 'nor extend a division''s coverage');
SELECT throws_ok(:'add_division', '42501', NULL, 'nor add a division');
-- The refusal names the duty required.
SELECT matches(pg_temp.refusal_detail(:'add_holiday'),
    'safeguard_admin.*regulator',
    'the refusal names the duty required: admin, for the regulator');
RESET ROLE;

SET ROLE tap14c_member;
SELECT throws_ok(:'add_holiday', '42501', NULL,
                 'membership of safeguard_admin without the duty (a SQL privilege) adds no holiday');
RESET ROLE;
SET ROLE tap14c_la_admin;
SELECT throws_ok(:'add_holiday', '42501', NULL,
                 'an administrator of a local authority cannot change the national calendar');
SELECT throws_ok(:'delete_holiday', '42501', NULL, 'nor delete a holiday');
SELECT throws_ok(format('SELECT safeguard.import_bank_holidays(%L)',
                        '{"scotland": {"events": [{"title": "New Year", "date": "2029-01-01"}]}}'),
                 '42501', NULL, 'nor import a calendar');
RESET ROLE;

SELECT is((SELECT md5(string_agg(x::text, ',' ORDER BY x.division, x.day)) FROM safeguard.bank_holiday x),
          :'calendar_before', 'no refused attempt changed a holiday');
SELECT is((SELECT md5(string_agg(x::text, ',' ORDER BY x.division)) FROM safeguard.division x),
          :'divisions_before', 'nor a division');
SELECT is(safeguard.working_deadline('2027-06-08 10:00+01', 1), :'due_before'::timestamptz,
          'nor moved a deadline');
SELECT is((SELECT count(*) FROM safeguard.audit_event WHERE chain_key IN ('table:bank_holiday', 'table:division')),
          :calendar_audit_before::bigint, 'and nothing was recorded as changed');

--------------------------------------------------------------------------
-- 2. An administrator of the regulator changes the calendar; each change is audited
--------------------------------------------------------------------------
SET ROLE tap14c_admin;
SELECT lives_ok(:'add_holiday', 'an administrator of the regulator adds a holiday');
RESET ROLE;
SELECT id AS added FROM safeguard.bank_holiday WHERE division = 'england-and-wales' AND day = '2027-06-09' \gset
SELECT cmp_ok(:added::bigint, '>', 307::bigint, 'the new holiday has an id after the 307 shipped ones');
SELECT isnt(safeguard.working_deadline('2027-06-08 10:00+01', 1), :'due_before'::timestamptz,
            'the deadline moved with the new holiday');
SELECT results_eq(format($$SELECT action, acting_role, duty::text, organisation_id, changes->>'day', changes->>'title'
                           FROM safeguard.audit_event WHERE chain_key = 'table:bank_holiday' AND row_key = %L$$, :added),
    $$VALUES ('INSERT', 'tap14c_admin', 'admin', $$ || :cqc || $$::bigint, '2027-06-09', 'Forged')$$,
    'the insert is an audit row of the chain table:bank_holiday, keyed by the id: who, with which duty, for which organisation, what');
SET ROLE tap14c_admin;
SELECT lives_ok(:'move_holiday', 'the administrator moves the holiday');
RESET ROLE;
SELECT results_eq(format($$SELECT action, changes->'day'->>'old', changes->'day'->>'new'
                           FROM safeguard.audit_event WHERE chain_key = 'table:bank_holiday' AND row_key = %L
                           ORDER BY chain_seq DESC LIMIT 1$$, :added),
    $$VALUES ('UPDATE', '2027-06-09', '2027-07-05')$$, 'the move is audited with the old and new day');
SET ROLE tap14c_admin;
SELECT lives_ok('DELETE FROM safeguard.bank_holiday WHERE title = ''Forged''', 'the administrator deletes it');
RESET ROLE;
SELECT results_eq(format($$SELECT action, acting_role, changes->>'day', changes->>'id'
                           FROM safeguard.audit_event WHERE chain_key = 'table:bank_holiday' AND row_key = %L
                           ORDER BY chain_seq DESC LIMIT 1$$, :added),
    format($$VALUES ('DELETE', 'tap14c_admin', '2027-07-05', %L)$$, :added),
    'the deletion is an audit row too (action DELETE, with the deleted values)');
SELECT is(safeguard.working_deadline('2027-06-08 10:00+01', 1), :'due_before'::timestamptz,
          'with the holiday gone the deadline is back');
SET ROLE tap14c_admin;
SELECT lives_ok(:'delete_holiday', 'the administrator deletes a shipped holiday');
SELECT lives_ok(:'extend', 'and extends a division''s coverage');
SELECT lives_ok(format('SELECT safeguard.import_bank_holidays(%L)',
                       '{"northern-ireland": {"events": [{"title": "New Year", "date": "2029-01-01"}]}}'),
                'and imports a calendar');
SELECT lives_ok('UPDATE safeguard.division SET division = ''n-ireland'' WHERE division = ''northern-ireland''',
                'and renames a division no organisation uses (its holidays follow: ON UPDATE CASCADE)');
RESET ROLE;
SELECT is((SELECT count(*) FROM safeguard.bank_holiday WHERE division = 'northern-ireland'), 0::bigint,
          'the renamed division''s holidays moved with it');
SELECT cmp_ok((SELECT count(*) FROM safeguard.audit_event
               WHERE chain_key = 'table:bank_holiday' AND action = 'UPDATE'
                 AND changes->'division'->>'new' = 'n-ireland'), '>', 0::bigint,
              'and each move is audited');
SELECT is((SELECT count(*) FROM safeguard.audit_event
           WHERE chain_key = 'table:bank_holiday' AND action = 'DELETE' AND changes->>'day' = '2027-12-27'),
          1::bigint, 'the shipped holiday''s deletion is audited');
SELECT is((SELECT count(*) FROM safeguard.audit_event
           WHERE chain_key = 'table:division' AND row_key = 'scotland' AND action = 'UPDATE'
             AND changes->'covered_to'->>'new' = '2099-12-31'),
          1::bigint, 'the coverage change is audited in the chain table:division, keyed by the division');
SELECT is((SELECT count(*) FROM safeguard.audit_event e JOIN safeguard.bank_holiday h ON e.row_key = h.id::text
           WHERE e.chain_key = 'table:bank_holiday' AND e.action = 'INSERT' AND h.division = 'n-ireland'
             AND h.day = '2029-01-01' AND e.acting_role = 'tap14c_admin'),
          1::bigint, 'an imported holiday is audited, under the importing administrator');

--------------------------------------------------------------------------
-- 3. What safeguard records itself is not set by hand
--------------------------------------------------------------------------
SET ROLE tap14c_admin;
SELECT throws_ok('INSERT INTO safeguard.bank_holiday (division, day, title, shipped) VALUES (''scotland'', ''2027-06-01'', ''X'', true)',
                 'SG203', NULL, 'a holiday cannot be marked shipped (left out of dumps) by hand');
SELECT throws_ok('UPDATE safeguard.bank_holiday SET shipped = NOT shipped WHERE day = ''2027-12-28''',
                 'SG203', NULL, 'nor can the shipped flag be changed');
SELECT throws_ok('UPDATE safeguard.bank_holiday SET id = DEFAULT WHERE day = ''2027-12-28''',
                 'SG203', NULL, 'a holiday keeps its id (its key in the audit trail)');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. Superusers and safeguard's own writes still work; the trail verifies
--------------------------------------------------------------------------
SELECT lives_ok('INSERT INTO safeguard.bank_holiday (division, day, title) VALUES (''scotland'', ''2027-06-01'', ''By a superuser'')',
                'a superuser adds a holiday');
SELECT is((SELECT count(*) FROM safeguard.audit_event e JOIN safeguard.bank_holiday h ON e.row_key = h.id::text
           WHERE e.chain_key = 'table:bank_holiday' AND h.title = 'By a superuser'),
          1::bigint, 'audited too');
SELECT is((SELECT count(*) FROM safeguard.bank_holiday WHERE shipped), 307::bigint - 1,
          'the shipped holidays (307, one deleted above)');
SELECT ok((SELECT bool_and(id BETWEEN 1 AND 307) FROM safeguard.bank_holiday WHERE shipped),
          'shipped holidays have ids 1-307');
SELECT is((SELECT count(DISTINCT id) FROM safeguard.bank_holiday), (SELECT count(*) FROM safeguard.bank_holiday),
          'every holiday has its own id');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'the audit trail verifies');

SELECT * FROM finish();
ROLLBACK;
