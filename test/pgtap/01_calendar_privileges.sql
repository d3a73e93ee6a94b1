-- Calendar privileges: PUBLIC may compute and read; only safeguard_admin (acting for
-- the regulator) may change holidays or import.  Bypasses are tried as unprivileged roles.
BEGIN;
SELECT plan(47);

-- The duty roles exist and cannot log in.
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_roles
           WHERE rolname = ANY (ARRAY['safeguard_admin', 'safeguard_contact_centre',
               'safeguard_inspector', 'safeguard_la_officer', 'safeguard_sam',
               'safeguard_enquiry_officer', 'safeguard_commissioner',
               'safeguard_provider', 'safeguard_reader', 'safeguard_auditor',
               'safeguard_integration'])
             AND NOT rolcanlogin AND NOT rolsuper),
          11, 'the eleven duty roles exist, NOLOGIN, not superuser');

-- Catalogue of grants.
SELECT table_privs_are('safeguard', 'division', 'public', ARRAY['SELECT'],
                       'PUBLIC may only read divisions');
SELECT table_privs_are('safeguard', 'bank_holiday', 'public', ARRAY['SELECT'],
                       'PUBLIC may only read bank holidays');
SELECT table_privs_are('safeguard', 'division', 'safeguard_admin',
                       ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
                       'safeguard_admin may change divisions, not truncate');
SELECT table_privs_are('safeguard', 'bank_holiday', 'safeguard_admin',
                       ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
                       'safeguard_admin may change bank holidays, not truncate');
SELECT table_privs_are('safeguard', 'bank_holiday', 'safeguard_inspector', ARRAY['SELECT'],
                       'other duties may only read bank holidays');
SELECT function_privs_are('safeguard', 'import_bank_holidays', ARRAY['jsonb'],
                          'public', ARRAY[]::text[], 'PUBLIC may not import');
SELECT function_privs_are('safeguard', 'import_bank_holidays', ARRAY['jsonb'],
                          'safeguard_admin', ARRAY['EXECUTE'], 'safeguard_admin may import');
SELECT function_privs_are('safeguard', 'add_working_days', ARRAY['date', 'integer', 'text'],
                          'public', ARRAY['EXECUTE'], 'PUBLIC may add working days');
SELECT function_privs_are('safeguard', 'is_working_day', ARRAY['date', 'text'],
                          'public', ARRAY['EXECUTE'], 'PUBLIC may test working days');
SELECT function_privs_are('safeguard', 'working_days_between', ARRAY['date', 'date', 'text'],
                          'public', ARRAY['EXECUTE'], 'PUBLIC may count working days');
SELECT function_privs_are('safeguard', 'working_deadline', ARRAY['timestamptz', 'integer', 'text'],
                          'public', ARRAY['EXECUTE'], 'PUBLIC may compute deadlines');
SELECT function_privs_are('safeguard', 'calendar_invalidate', ARRAY[]::text[],
                          'public', ARRAY[]::text[], 'trigger functions are not executable by PUBLIC');
SELECT function_privs_are('safeguard', 'division_guard', ARRAY[]::text[],
                          'public', ARRAY[]::text[], 'trigger functions are not executable by PUBLIC');
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_trigger t
           JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'safeguard' AND NOT t.tgisinternal AND t.tgenabled <> 'A'),
          0, 'every calendar trigger fires ALWAYS, even under session_replication_role = replica');

-- Test roles (rolled back with the transaction).
CREATE ROLE sg_tap_nobody LOGIN;
CREATE ROLE sg_tap_inspector LOGIN IN ROLE safeguard_inspector;
CREATE ROLE sg_tap_admin LOGIN IN ROLE safeguard_admin;
-- The calendar is national: its administrator acts for the regulator (since 1.4 the
-- membership of safeguard_admin alone, a SQL privilege, changes nothing).
INSERT INTO safeguard.organisation (kind, name, code) VALUES ('regulator', 'TAP01 Regulator', 'TAP01-CQC');
SELECT safeguard.grant_duty('sg_tap_admin', 'admin',
    (SELECT id FROM safeguard.organisation WHERE code = 'TAP01-CQC')) IS NOT NULL AS granted \gset
SELECT count(*) AS holidays_before FROM safeguard.bank_holiday \gset

-- A role with no duty: computes and reads, changes nothing.
SET ROLE sg_tap_nobody;
SELECT is(safeguard.add_working_days('2024-03-28', 1), date '2024-04-02',
          'an unprivileged role computes working days');
SELECT is(safeguard.working_days_between('2024-03-28', '2024-04-02'), 1,
          'an unprivileged role counts working days');
SELECT is(safeguard.is_working_day('2024-01-02', 'scotland'), false,
          'an unprivileged role tests working days');
SELECT isnt(safeguard.working_deadline(now(), 1), NULL,
            'an unprivileged role computes deadlines');
SELECT cmp_ok((SELECT count(*) FROM safeguard.bank_holiday), '>', 300::bigint,
              'an unprivileged role reads the holidays');
SELECT throws_ok($$INSERT INTO safeguard.bank_holiday (division, day, title)
                   VALUES ('england-and-wales', '2027-06-03', 'Forged')$$,
                 '42501', NULL, 'an unprivileged role cannot add a holiday');
SELECT throws_ok($$UPDATE safeguard.bank_holiday SET day = day + 1$$,
                 '42501', NULL, 'an unprivileged role cannot move holidays');
SELECT throws_ok($$DELETE FROM safeguard.bank_holiday$$,
                 '42501', NULL, 'an unprivileged role cannot delete holidays');
SELECT throws_ok($$TRUNCATE safeguard.bank_holiday$$,
                 '42501', NULL, 'an unprivileged role cannot truncate holidays');
SELECT throws_ok($$UPDATE safeguard.division SET covered_to = '2099-12-31'$$,
                 '42501', NULL, 'an unprivileged role cannot extend coverage');
SELECT throws_ok($$INSERT INTO safeguard.division VALUES ('x', 'UTC', '2020-01-01', '2020-12-31')$$,
                 '42501', NULL, 'an unprivileged role cannot add a division');
SELECT throws_ok($$SELECT safeguard.import_bank_holidays('{}')$$,
                 '42501', NULL, 'an unprivileged role cannot import');
SELECT throws_ok($$ALTER TABLE safeguard.bank_holiday DISABLE TRIGGER calendar_invalidate$$,
                 '42501', NULL, 'an unprivileged role cannot disable the invalidation trigger');
SELECT throws_ok($$DROP TRIGGER division_guard ON safeguard.division$$,
                 '42501', NULL, 'an unprivileged role cannot drop the guard trigger');
SELECT throws_ok($$SET session_replication_role = replica$$,
                 '42501', NULL, 'an unprivileged role cannot switch to replica mode');
SELECT throws_ok($$SELECT safeguard.calendar_invalidate()$$,
                 '42501', NULL, 'an unprivileged role cannot call the trigger function');
SELECT throws_ok($$SET safeguard.calendar = 'spoofed'$$,
                 '42602', NULL, 'the safeguard.* settings prefix is reserved: no spoofed settings');
SELECT throws_ok($$CREATE FUNCTION safeguard.shadow() RETURNS int LANGUAGE sql AS 'SELECT 1'$$,
                 '42501', NULL, 'an unprivileged role cannot create objects in the safeguard schema');
RESET ROLE;

-- An inspector duty is not an administrator.
SET ROLE sg_tap_inspector;
SELECT throws_ok($$INSERT INTO safeguard.bank_holiday (division, day, title)
                   VALUES ('england-and-wales', '2027-06-03', 'Forged')$$,
                 '42501', NULL, 'an inspector cannot add a holiday');
SELECT throws_ok($$SELECT safeguard.import_bank_holidays('{}')$$,
                 '42501', NULL, 'an inspector cannot import');
RESET ROLE;
SELECT is((SELECT count(*) FROM safeguard.bank_holiday), :holidays_before::bigint,
          'nothing was changed by the refused attempts');

-- safeguard_admin maintains the calendar, and the change is seen at once.
SET ROLE sg_tap_admin;
SELECT lives_ok($$INSERT INTO safeguard.bank_holiday (division, day, title)
                  VALUES ('england-and-wales', '2027-06-03', 'Announced one-off')$$,
                'safeguard_admin adds a holiday');
SELECT is(safeguard.add_working_days('2027-06-02', 1), date '2027-06-04',
          'the new holiday is used by the next computation');
SELECT lives_ok($$DELETE FROM safeguard.bank_holiday
                  WHERE division = 'england-and-wales' AND day = '2027-06-03'$$,
                'safeguard_admin removes a holiday');
SELECT is(safeguard.add_working_days('2027-06-02', 1), date '2027-06-03',
          'the removal is used by the next computation');
SELECT is(safeguard.import_bank_holidays('{"scotland": {"events": [{"title": "New Year", "date": "2029-01-01"}]}}'),
          1, 'safeguard_admin imports a calendar');
SELECT is((SELECT covered_to FROM safeguard.division WHERE division = 'scotland'),
          date '2029-12-31', 'the import extended coverage to the whole year');
SELECT throws_ok($$TRUNCATE safeguard.bank_holiday$$,
                 '42501', NULL, 'not even safeguard_admin may truncate the calendar');
SELECT throws_ok($$INSERT INTO safeguard.division VALUES ('mars', 'Mars/Olympus', '2024-01-01', '2024-12-31')$$,
                 'SG107', NULL, 'a division needs a real time zone');
SELECT throws_ok($$INSERT INTO safeguard.bank_holiday (division, day, title) VALUES ('england-and-wales', '2027-06-03', '')$$,
                 '23514', NULL, 'a holiday needs a title');
RESET ROLE;

-- A hostile search_path cannot redirect the engine's own queries.
CREATE SCHEMA sg_tap_evil;
CREATE TABLE sg_tap_evil.bank_holiday (division text, day date);
INSERT INTO sg_tap_evil.bank_holiday VALUES ('england-and-wales', '2024-04-02');
SET search_path = sg_tap_evil, public;
SELECT is(safeguard.add_working_days('2024-03-28', 1), date '2024-04-02',
          'a shadowing table on the search_path is ignored');
RESET search_path;
SELECT is(safeguard.add_working_days('2024-03-28', 1), date '2024-04-02',
          'and the answer is the same without it');

SELECT * FROM finish();
ROLLBACK;
