/* safeguard--1.5.sql: the full install script of version 1.5.
 *
 * CREATE EXTENSION safeguard runs this file alone.  It creates what 1.4
 * created by running safeguard--1.0.sql and every update script after it,
 * object for object (test/t/006_upgrade.pl compares the two paths), written
 * in the order a reader learns the product:
 *
 *   0. Foundations: the schema, the duty roles, the clock, the conventions
 *      every table follows (row triggers that stand aside while restoring,
 *      audit, identities, no TRUNCATE)
 *   1. The calendar: divisions, bank holidays, working days
 *   2. Organisations and duties, and the predicates of row-level security
 *   3. Concerns and cases (triage, pseudonyms)
 *   4. Referrals to local authorities
 *   4a. The council pathway: a local authority's own concern decisions and
 *      enquiries (issue 16; their deadline rows are installed last)
 *   5. Large-scale provider enquiries
 *   6. The audit trail: hash chains, seals, journeys, the ledger, the outbox
 *   7. Deadlines, escalation and the sweep
 *   8. Reporting: the report views and the statutory return
 *   9. Sessions: the DDL guard, pool logins, preloading, the scope guard
 *  10. Finishing: ownership, triggers that fire always, the ledger baseline,
 *      then the council pathway's deadline kinds, timescales and ladders
 *
 * Each table's definition is followed by its indexes, comments, shipped
 * rows, triggers (in firing order: by name), row-level security, grants and
 * pg_dump registration.  Column order is that of the update chain (COPY and
 * applications depend on it): columns added by an update sit at the end.
 * Upgrades from a released version run safeguard--1.4--1.5.sql after the
 * released scripts, which never change.
 */

\echo Use "CREATE EXTENSION safeguard" to load this file. \quit

--------------------------------------------------------------------------
-- 0. Foundations
-- The schema, refused when someone else prepared it; the duty roles and the
-- role that owns safeguard's tables; the clock; and the trigger functions
-- every table uses: rows written only by safeguard (internal_only), the audit
-- row of every change (audit_row), ids no role can break (assign_identity),
-- no TRUNCATE (refuse_truncate), and restoring a dump (restoring(),
-- restore_guard): every row trigger stands aside while a superuser restores
-- by the procedure of docs/backup.md.
--------------------------------------------------------------------------

-- Refuse a schema someone else prepared: its owner could replace or drop
-- what this script creates.
DO $schema$
BEGIN
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_namespace n
            JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
            WHERE n.nspname OPERATOR(pg_catalog.=) 'safeguard')
       OR EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n
                  ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
                  WHERE n.nspname OPERATOR(pg_catalog.=) 'safeguard')
       OR EXISTS (SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n
                  ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
                  WHERE n.nspname OPERATOR(pg_catalog.=) 'safeguard')
       OR EXISTS (SELECT FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n
                  ON n.oid OPERATOR(pg_catalog.=) t.typnamespace
                  WHERE n.nspname OPERATOR(pg_catalog.=) 'safeguard')
    THEN
        RAISE EXCEPTION 'schema "safeguard" already exists and was not created for this extension'
            USING ERRCODE = 'SG403',
                  DETAIL = 'It is owned by a role that is not a superuser, or already holds objects: either could replace or drop safeguard''s own.',
                  HINT = 'Drop or rename that schema, then CREATE EXTENSION safeguard.';
    END IF;
END
$schema$;

-- The duty roles: cluster-wide NOLOGIN roles, created when absent.  A login
-- role acts under a duty by being granted it for an organisation
-- (grant_duty).  DROP EXTENSION never drops them: other databases of the
-- cluster may use them.
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY[
        'safeguard_admin', 'safeguard_contact_centre', 'safeguard_inspector',
        'safeguard_la_officer', 'safeguard_sam', 'safeguard_enquiry_officer',
        'safeguard_commissioner', 'safeguard_provider', 'safeguard_reader',
        'safeguard_auditor', 'safeguard_integration']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                       WHERE rolname OPERATOR(pg_catalog.=) r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$roles$;

-- The role that owns safeguard's tables (NOLOGIN, nobody is a member of it):
-- safeguard's own writes run as it, not as the superuser who ran CREATE
-- EXTENSION.  It holds exactly what those writes need: its tables (section
-- 10), BYPASSRLS (safeguard's checks see every authority's rows, whoever
-- the caller; the caller's own reads stay under row-level security), and
-- ADMIN OPTION on the duty roles (grant_duty makes a role a member of its
-- duty's role).
DO $owner$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'safeguard_owner') THEN
        CREATE ROLE safeguard_owner NOLOGIN;
    END IF;
END
$owner$;

ALTER ROLE safeguard_owner BYPASSRLS;

DO $owner$
DECLARE
    d pg_catalog.text;
BEGIN
    FOREACH d IN ARRAY ARRAY['admin', 'contact_centre', 'inspector', 'la_officer', 'sam',
        'enquiry_officer', 'commissioner', 'provider', 'reader', 'auditor', 'integration']
    LOOP
        EXECUTE pg_catalog.format('GRANT %I TO safeguard_owner WITH ADMIN OPTION', 'safeguard_' OPERATOR(pg_catalog.||) d);
    END LOOP;
END
$owner$;

GRANT USAGE ON SCHEMA safeguard TO PUBLIC;

-- The clock.  Workflow times come from safeguard.now(): the transaction
-- time, or an override that only a superuser can set (tests pin time).
CREATE FUNCTION safeguard.now() RETURNS timestamptz
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_now_sql';
COMMENT ON FUNCTION safeguard.now() IS
    'The time safeguard works to: the transaction start time, unless a superuser pinned the clock with set_clock() in this session.';

CREATE FUNCTION safeguard.set_clock(at timestamptz) RETURNS timestamptz
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_set_clock';
COMMENT ON FUNCTION safeguard.set_clock(timestamptz) IS
    'Pins safeguard.now() for this session (NULL unpins). For tests and demos; EXECUTE is revoked from PUBLIC and granted to nobody.';
REVOKE ALL ON FUNCTION safeguard.set_clock(timestamptz) FROM PUBLIC;

CREATE FUNCTION safeguard.internal_only() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_internal_only';
COMMENT ON FUNCTION safeguard.internal_only() IS 'Trigger: tables written only by safeguard (cases, deadlines, duty grants).';
REVOKE ALL ON FUNCTION safeguard.internal_only() FROM PUBLIC;

CREATE FUNCTION safeguard.audit_row() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_audit_row';
COMMENT ON FUNCTION safeguard.audit_row() IS
    'Trigger: writes the audit row of every insert, update and delete (a deleted row is recorded as it was).';
REVOKE ALL ON FUNCTION safeguard.audit_row() FROM PUBLIC;

CREATE FUNCTION safeguard.refuse_truncate() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_refuse_truncate';
COMMENT ON FUNCTION safeguard.refuse_truncate() IS 'Trigger: safeguard tables are never truncated.';
REVOKE ALL ON FUNCTION safeguard.refuse_truncate() FROM PUBLIC;

-- Raises SG208 for a record that does not exist or the caller cannot see
-- (the workflow functions call it when their UPDATE finds no row).
CREATE FUNCTION safeguard.raise_not_found(what text, id bigint) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_raise_not_found';
COMMENT ON FUNCTION safeguard.raise_not_found(text, bigint) IS 'Raises SG208: the record does not exist or is not visible to the caller.';

CREATE FUNCTION safeguard.restoring() RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_restoring_sql';
COMMENT ON FUNCTION safeguard.restoring() IS
    'True while the session restores a dump by the procedure of docs/backup.md: a COPY FROM or CREATE EXTENSION run with session_replication_role = replica by a session whose session and current user are superusers. Every row trigger on safeguard''s tables stands aside then.';
-- Trigger WHEN clauses run with the privileges of whichever role writes
-- (client roles, safeguard_owner for safeguard's own writes): every writer
-- needs EXECUTE.  It tells a session only whether it is itself a superuser
-- restoring.
REVOKE ALL ON FUNCTION safeguard.restoring() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.restoring() TO PUBLIC;

CREATE FUNCTION safeguard.restore_guard() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_restore_guard';
COMMENT ON FUNCTION safeguard.restore_guard() IS
    'Trigger: while restoring, a restored row replaces the row CREATE EXTENSION installed with the same key (trigger arguments); otherwise a superuser''s COPY FROM into the table is refused (SG701: restore by the procedure of docs/backup.md).';
REVOKE ALL ON FUNCTION safeguard.restore_guard() FROM PUBLIC;

-- Ids no role can break by moving a sequence, and that answer nothing about
-- rows a role cannot see: every identity column takes its ids through
-- assign_identity (src/identity.c), the first row trigger of its table
-- (_identity: triggers fire in name order).
CREATE FUNCTION safeguard.assign_identity() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_assign_identity';
COMMENT ON FUNCTION safeguard.assign_identity() IS
    'Trigger (argument: the identity column): keeps the id the identity sequence drew for the row unless a row already holds it or a larger one (the sequence was moved back), then draws past the largest; an id a client supplied (OVERRIDING SYSTEM VALUE, COPY) is replaced by a drawn one.';
REVOKE ALL ON FUNCTION safeguard.assign_identity() FROM PUBLIC;

--------------------------------------------------------------------------
-- 1. The calendar
-- Bank-holiday divisions and their holidays (gov.uk), the working-day
-- functions every deadline is counted with, and the shipped calendar.  Changed
-- only by an administrator of the regulator or a superuser; every change
-- audited.
--------------------------------------------------------------------------

CREATE FUNCTION safeguard.division_guard() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_division_guard';
COMMENT ON FUNCTION safeguard.division_guard() IS
    'Trigger: a division must name a known time zone (SG107) and a finite, ordered coverage (SG108).';
REVOKE ALL ON FUNCTION safeguard.division_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.calendar_invalidate() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_calendar_invalidate';
COMMENT ON FUNCTION safeguard.calendar_invalidate() IS
    'Trigger: after any change to the calendar tables, every session drops its cached calendar.';
REVOKE ALL ON FUNCTION safeguard.calendar_invalidate() FROM PUBLIC;

-- Calendar functions (C).  STABLE: the answer follows the calendar tables.
-- A NULL date or count gives NULL; a NULL division raises SG103.
CREATE FUNCTION safeguard.is_working_day(d date, division text DEFAULT 'england-and-wales')
    RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'sg_is_working_day_sql';
COMMENT ON FUNCTION safeguard.is_working_day(date, text) IS
    'True when d is neither a Saturday, a Sunday nor a bank holiday of the division. Raises SG101 outside the division''s coverage.';

CREATE FUNCTION safeguard.add_working_days(start date, n integer, division text DEFAULT 'england-and-wales')
    RETURNS date
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'sg_add_working_days_sql';
COMMENT ON FUNCTION safeguard.add_working_days(date, integer, text) IS
    'The n-th working day after day 0, where day 0 is start or, when start is not a working day, the next (n >= 0) or previous (n < 0) working day; n = 0 gives day 0. Raises SG101 outside the coverage.';

CREATE FUNCTION safeguard.working_days_between(a date, b date, division text DEFAULT 'england-and-wales')
    RETURNS integer
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'sg_working_days_between_sql';
COMMENT ON FUNCTION safeguard.working_days_between(date, date, text) IS
    'The number of working days d with a < d <= b; negative when b < a. Raises SG101 outside the coverage.';

CREATE FUNCTION safeguard.working_deadline(start timestamptz, n integer, division text DEFAULT 'england-and-wales')
    RETURNS timestamptz
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'sg_working_deadline_sql';
COMMENT ON FUNCTION safeguard.working_deadline(timestamptz, integer, text) IS
    'The end of the n-th working day after start (the instant the following day begins), with start''s local date and the day boundaries taken in the division''s time zone: the same instant whatever the session TimeZone.';

CREATE FUNCTION safeguard.import_bank_holidays(doc jsonb)
    RETURNS integer
    LANGUAGE c VOLATILE
    AS 'MODULE_PATHNAME', 'sg_import_bank_holidays';
COMMENT ON FUNCTION safeguard.import_bank_holidays(jsonb) IS
    'Loads gov.uk''s bank-holidays.json (all divisions) idempotently, extending coverage to the document''s whole years; returns the number of holidays added. safeguard_admin only.';
REVOKE ALL ON FUNCTION safeguard.import_bank_holidays(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.import_bank_holidays(jsonb) TO safeguard_admin;

CREATE FUNCTION safeguard.calendar_guard() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_calendar_guard';
COMMENT ON FUNCTION safeguard.calendar_guard() IS
    'Trigger: the calendar (bank holidays, divisions) is changed only by a role holding the admin duty for the regulator, or a superuser, or by safeguard itself (42501 otherwise); a holiday''s id and the shipped flag are not set by hand (SG203).';
REVOKE ALL ON FUNCTION safeguard.calendar_guard() FROM PUBLIC;

CREATE TABLE safeguard.division (
    division     text PRIMARY KEY
                 CHECK (division OPERATOR(pg_catalog.~) '^[a-z][a-z0-9-]*$'),
    time_zone    text NOT NULL,
    covered_from date NOT NULL,
    covered_to   date NOT NULL,
    shipped      boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE safeguard.division IS
    'Bank-holiday divisions (gov.uk: england-and-wales, scotland, northern-ireland), their time zone and the range of dates whose holidays are loaded. Working-day computations outside the coverage raise SQLSTATE SG101.';
COMMENT ON COLUMN safeguard.division.division IS 'Division name as gov.uk spells it, e.g. england-and-wales.';
COMMENT ON COLUMN safeguard.division.time_zone IS 'IANA time zone in which the division''s days begin and end, e.g. Europe/London.';
COMMENT ON COLUMN safeguard.division.covered_from IS 'First date whose bank holidays are loaded.';
COMMENT ON COLUMN safeguard.division.covered_to IS 'Last date whose bank holidays are loaded; import_bank_holidays() extends it.';
COMMENT ON COLUMN safeguard.division.shipped IS 'True for rows installed by the extension itself; pg_dump keeps only the others.';

-- The shipped calendar: gov.uk bank holidays 2018-2028 (data/ keeps the
-- source), installed before the calendar's triggers: section 10 records
-- them as found.
INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to, shipped) VALUES
    ('england-and-wales', 'Europe/London', '2018-01-01', '2028-12-31', true),
    ('northern-ireland',  'Europe/London', '2018-01-01', '2028-12-31', true),
    ('scotland',          'Europe/London', '2018-01-01', '2028-12-31', true);

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.division
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard('division');
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.division
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('division', '', '');
CREATE TRIGGER calendar_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.division
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.calendar_guard();
CREATE TRIGGER calendar_invalidate AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON safeguard.division
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.calendar_invalidate();
CREATE TRIGGER division_guard BEFORE INSERT OR UPDATE ON safeguard.division
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.division_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.division
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.division FROM PUBLIC;
GRANT SELECT ON safeguard.division TO PUBLIC;
GRANT INSERT, UPDATE, DELETE ON safeguard.division TO safeguard_admin;

SELECT pg_catalog.pg_extension_config_dump('safeguard.division', '');

CREATE TABLE safeguard.bank_holiday (
    division text NOT NULL REFERENCES safeguard.division ON UPDATE CASCADE,
    day      date NOT NULL,
    title    text NOT NULL CHECK (title OPERATOR(pg_catalog.<>) ''),
    notes    text NOT NULL DEFAULT '',
    bunting  boolean NOT NULL DEFAULT false,
    shipped  boolean NOT NULL DEFAULT false,
    id       bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT bank_holiday_id_key UNIQUE,
    PRIMARY KEY (division, day)
);

COMMENT ON TABLE safeguard.bank_holiday IS
    'Bank holidays per division (gov.uk bank-holidays.json). A weekday listed here is not a working day. Changes are seen at once by every session.';
COMMENT ON COLUMN safeguard.bank_holiday.division IS 'Division the holiday belongs to.';
COMMENT ON COLUMN safeguard.bank_holiday.day IS 'The holiday''s date (substitute days are listed on the day they are taken).';
COMMENT ON COLUMN safeguard.bank_holiday.title IS 'Title as published, e.g. Easter Monday.';
COMMENT ON COLUMN safeguard.bank_holiday.notes IS 'gov.uk notes, e.g. Substitute day.';
COMMENT ON COLUMN safeguard.bank_holiday.bunting IS 'gov.uk bunting flag (true for celebratory days).';
COMMENT ON COLUMN safeguard.bank_holiday.shipped IS 'True for rows installed by the extension itself; pg_dump keeps only the others.';
COMMENT ON COLUMN safeguard.bank_holiday.id IS
    'The holiday''s key in the audit trail (chain table:bank_holiday); never changes.';

-- A holiday's id (its key in the audit trail) follows the order of these
-- rows: the shipped holidays are 1-307, by division (C collation) and day,
-- as the update to 1.4 numbered them; holidays added later follow on.
INSERT INTO safeguard.bank_holiday (division, day, title, notes, bunting, shipped) VALUES
    ('england-and-wales', '2018-01-01', 'New Year’s Day', '', true, true),
    ('england-and-wales', '2018-03-30', 'Good Friday', '', false, true),
    ('england-and-wales', '2018-04-02', 'Easter Monday', '', true, true),
    ('england-and-wales', '2018-05-07', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2018-05-28', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2018-08-27', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2018-12-25', 'Christmas Day', '', true, true),
    ('england-and-wales', '2018-12-26', 'Boxing Day', '', true, true),
    ('england-and-wales', '2019-01-01', 'New Year’s Day', '', true, true),
    ('england-and-wales', '2019-04-19', 'Good Friday', '', false, true),
    ('england-and-wales', '2019-04-22', 'Easter Monday', '', true, true),
    ('england-and-wales', '2019-05-06', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2019-05-27', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2019-08-26', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2019-12-25', 'Christmas Day', '', true, true),
    ('england-and-wales', '2019-12-26', 'Boxing Day', '', true, true),
    ('england-and-wales', '2020-01-01', 'New Year’s Day', '', true, true),
    ('england-and-wales', '2020-04-10', 'Good Friday', '', false, true),
    ('england-and-wales', '2020-04-13', 'Easter Monday', '', false, true),
    ('england-and-wales', '2020-05-08', 'Early May bank holiday (VE day)', '', true, true),
    ('england-and-wales', '2020-05-25', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2020-08-31', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2020-12-25', 'Christmas Day', '', true, true),
    ('england-and-wales', '2020-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('england-and-wales', '2021-01-01', 'New Year’s Day', '', true, true),
    ('england-and-wales', '2021-04-02', 'Good Friday', '', false, true),
    ('england-and-wales', '2021-04-05', 'Easter Monday', '', true, true),
    ('england-and-wales', '2021-05-03', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2021-05-31', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2021-08-30', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2021-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('england-and-wales', '2021-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('england-and-wales', '2022-01-03', 'New Year’s Day', 'Substitute day', true, true),
    ('england-and-wales', '2022-04-15', 'Good Friday', '', false, true),
    ('england-and-wales', '2022-04-18', 'Easter Monday', '', true, true),
    ('england-and-wales', '2022-05-02', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2022-06-02', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2022-06-03', 'Platinum Jubilee bank holiday', '', true, true),
    ('england-and-wales', '2022-08-29', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2022-09-19', 'Bank Holiday for the State Funeral of Queen Elizabeth II', '', false, true),
    ('england-and-wales', '2022-12-26', 'Boxing Day', '', true, true),
    ('england-and-wales', '2022-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('england-and-wales', '2023-01-02', 'New Year’s Day', 'Substitute day', true, true),
    ('england-and-wales', '2023-04-07', 'Good Friday', '', false, true),
    ('england-and-wales', '2023-04-10', 'Easter Monday', '', true, true),
    ('england-and-wales', '2023-05-01', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2023-05-08', 'Bank holiday for the coronation of King Charles III', '', true, true),
    ('england-and-wales', '2023-05-29', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2023-08-28', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2023-12-25', 'Christmas Day', '', true, true),
    ('england-and-wales', '2023-12-26', 'Boxing Day', '', true, true),
    ('england-and-wales', '2024-01-01', 'New Year’s Day', '', true, true),
    ('england-and-wales', '2024-03-29', 'Good Friday', '', false, true),
    ('england-and-wales', '2024-04-01', 'Easter Monday', '', true, true),
    ('england-and-wales', '2024-05-06', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2024-05-27', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2024-08-26', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2024-12-25', 'Christmas Day', '', true, true),
    ('england-and-wales', '2024-12-26', 'Boxing Day', '', true, true),
    ('england-and-wales', '2025-01-01', 'New Year’s Day', '', true, true),
    ('england-and-wales', '2025-04-18', 'Good Friday', '', false, true),
    ('england-and-wales', '2025-04-21', 'Easter Monday', '', true, true),
    ('england-and-wales', '2025-05-05', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2025-05-26', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2025-08-25', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2025-12-25', 'Christmas Day', '', true, true),
    ('england-and-wales', '2025-12-26', 'Boxing Day', '', true, true),
    ('england-and-wales', '2026-01-01', 'New Year’s Day', '', true, true),
    ('england-and-wales', '2026-04-03', 'Good Friday', '', false, true),
    ('england-and-wales', '2026-04-06', 'Easter Monday', '', true, true),
    ('england-and-wales', '2026-05-04', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2026-05-25', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2026-08-31', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2026-12-25', 'Christmas Day', '', true, true),
    ('england-and-wales', '2026-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('england-and-wales', '2027-01-01', 'New Year’s Day', '', true, true),
    ('england-and-wales', '2027-03-26', 'Good Friday', '', false, true),
    ('england-and-wales', '2027-03-29', 'Easter Monday', '', true, true),
    ('england-and-wales', '2027-05-03', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2027-05-31', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2027-08-30', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2027-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('england-and-wales', '2027-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('england-and-wales', '2028-01-03', 'New Year’s Day', 'Substitute day', true, true),
    ('england-and-wales', '2028-04-14', 'Good Friday', '', false, true),
    ('england-and-wales', '2028-04-17', 'Easter Monday', '', true, true),
    ('england-and-wales', '2028-05-01', 'Early May bank holiday', '', true, true),
    ('england-and-wales', '2028-05-29', 'Spring bank holiday', '', true, true),
    ('england-and-wales', '2028-08-28', 'Summer bank holiday', '', true, true),
    ('england-and-wales', '2028-12-25', 'Christmas Day', '', true, true),
    ('england-and-wales', '2028-12-26', 'Boxing Day', '', true, true),
    ('northern-ireland', '2018-01-01', 'New Year’s Day', '', true, true),
    ('northern-ireland', '2018-03-19', 'St Patrick’s Day', 'Substitute day', true, true),
    ('northern-ireland', '2018-03-30', 'Good Friday', '', false, true),
    ('northern-ireland', '2018-04-02', 'Easter Monday', '', true, true),
    ('northern-ireland', '2018-05-07', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2018-05-28', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2018-07-12', 'Battle of the Boyne (Orangemen’s Day)', '', false, true),
    ('northern-ireland', '2018-08-27', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2018-12-25', 'Christmas Day', '', true, true),
    ('northern-ireland', '2018-12-26', 'Boxing Day', '', true, true),
    ('northern-ireland', '2019-01-01', 'New Year’s Day', '', true, true),
    ('northern-ireland', '2019-03-18', 'St Patrick’s Day', 'Substitute day', true, true),
    ('northern-ireland', '2019-04-19', 'Good Friday', '', false, true),
    ('northern-ireland', '2019-04-22', 'Easter Monday', '', true, true),
    ('northern-ireland', '2019-05-06', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2019-05-27', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2019-07-12', 'Battle of the Boyne (Orangemen’s Day)', '', false, true),
    ('northern-ireland', '2019-08-26', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2019-12-25', 'Christmas Day', '', true, true),
    ('northern-ireland', '2019-12-26', 'Boxing Day', '', true, true),
    ('northern-ireland', '2020-01-01', 'New Year’s Day', '', true, true),
    ('northern-ireland', '2020-03-17', 'St Patrick’s Day', '', true, true),
    ('northern-ireland', '2020-04-10', 'Good Friday', '', false, true),
    ('northern-ireland', '2020-04-13', 'Easter Monday', '', false, true),
    ('northern-ireland', '2020-05-08', 'Early May bank holiday (VE day)', '', true, true),
    ('northern-ireland', '2020-05-25', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2020-07-13', 'Battle of the Boyne (Orangemen’s Day)', 'Substitute day', false, true),
    ('northern-ireland', '2020-08-31', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2020-12-25', 'Christmas Day', '', true, true),
    ('northern-ireland', '2020-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('northern-ireland', '2021-01-01', 'New Year’s Day', '', true, true),
    ('northern-ireland', '2021-03-17', 'St Patrick’s Day', '', true, true),
    ('northern-ireland', '2021-04-02', 'Good Friday', '', false, true),
    ('northern-ireland', '2021-04-05', 'Easter Monday', '', true, true),
    ('northern-ireland', '2021-05-03', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2021-05-31', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2021-07-12', 'Battle of the Boyne (Orangemen’s Day)', '', false, true),
    ('northern-ireland', '2021-08-30', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2021-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('northern-ireland', '2021-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('northern-ireland', '2022-01-03', 'New Year’s Day', 'Substitute day', true, true),
    ('northern-ireland', '2022-03-17', 'St Patrick’s Day', '', true, true),
    ('northern-ireland', '2022-04-15', 'Good Friday', '', false, true),
    ('northern-ireland', '2022-04-18', 'Easter Monday', '', true, true),
    ('northern-ireland', '2022-05-02', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2022-06-02', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2022-06-03', 'Platinum Jubilee bank holiday', '', true, true),
    ('northern-ireland', '2022-07-12', 'Battle of the Boyne (Orangemen’s Day)', '', false, true),
    ('northern-ireland', '2022-08-29', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2022-09-19', 'Bank Holiday for the State Funeral of Queen Elizabeth II', '', false, true),
    ('northern-ireland', '2022-12-26', 'Boxing Day', '', true, true),
    ('northern-ireland', '2022-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('northern-ireland', '2023-01-02', 'New Year’s Day', 'Substitute day', true, true),
    ('northern-ireland', '2023-03-17', 'St Patrick’s Day', '', true, true),
    ('northern-ireland', '2023-04-07', 'Good Friday', '', false, true),
    ('northern-ireland', '2023-04-10', 'Easter Monday', '', true, true),
    ('northern-ireland', '2023-05-01', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2023-05-08', 'Bank holiday for the coronation of King Charles III', '', true, true),
    ('northern-ireland', '2023-05-29', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2023-07-12', 'Battle of the Boyne (Orangemen’s Day)', '', false, true),
    ('northern-ireland', '2023-08-28', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2023-12-25', 'Christmas Day', '', true, true),
    ('northern-ireland', '2023-12-26', 'Boxing Day', '', true, true),
    ('northern-ireland', '2024-01-01', 'New Year’s Day', '', true, true),
    ('northern-ireland', '2024-03-18', 'St Patrick’s Day', 'Substitute day', true, true),
    ('northern-ireland', '2024-03-29', 'Good Friday', '', false, true),
    ('northern-ireland', '2024-04-01', 'Easter Monday', '', true, true),
    ('northern-ireland', '2024-05-06', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2024-05-27', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2024-07-12', 'Battle of the Boyne (Orangemen’s Day)', '', false, true),
    ('northern-ireland', '2024-08-26', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2024-12-25', 'Christmas Day', '', true, true),
    ('northern-ireland', '2024-12-26', 'Boxing Day', '', true, true),
    ('northern-ireland', '2025-01-01', 'New Year’s Day', '', true, true),
    ('northern-ireland', '2025-03-17', 'St Patrick’s Day', '', true, true),
    ('northern-ireland', '2025-04-18', 'Good Friday', '', false, true),
    ('northern-ireland', '2025-04-21', 'Easter Monday', '', true, true),
    ('northern-ireland', '2025-05-05', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2025-05-26', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2025-07-14', 'Battle of the Boyne (Orangemen’s Day)', 'Substitute day', false, true),
    ('northern-ireland', '2025-08-25', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2025-12-25', 'Christmas Day', '', true, true),
    ('northern-ireland', '2025-12-26', 'Boxing Day', '', true, true),
    ('northern-ireland', '2026-01-01', 'New Year’s Day', '', true, true),
    ('northern-ireland', '2026-03-17', 'St Patrick’s Day', '', true, true),
    ('northern-ireland', '2026-04-03', 'Good Friday', '', false, true),
    ('northern-ireland', '2026-04-06', 'Easter Monday', '', true, true),
    ('northern-ireland', '2026-05-04', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2026-05-25', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2026-07-13', 'Battle of the Boyne (Orangemen’s Day)', 'Substitute day', false, true),
    ('northern-ireland', '2026-08-31', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2026-12-25', 'Christmas Day', '', true, true),
    ('northern-ireland', '2026-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('northern-ireland', '2027-01-01', 'New Year’s Day', '', true, true),
    ('northern-ireland', '2027-03-17', 'St Patrick’s Day', '', true, true),
    ('northern-ireland', '2027-03-26', 'Good Friday', '', false, true),
    ('northern-ireland', '2027-03-29', 'Easter Monday', '', true, true),
    ('northern-ireland', '2027-05-03', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2027-05-31', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2027-07-12', 'Battle of the Boyne (Orangemen’s Day)', '', false, true),
    ('northern-ireland', '2027-08-30', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2027-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('northern-ireland', '2027-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('northern-ireland', '2028-01-03', 'New Year’s Day', 'Substitute day', true, true),
    ('northern-ireland', '2028-03-17', 'St Patrick’s Day', '', true, true),
    ('northern-ireland', '2028-04-14', 'Good Friday', '', false, true),
    ('northern-ireland', '2028-04-17', 'Easter Monday', '', true, true),
    ('northern-ireland', '2028-05-01', 'Early May bank holiday', '', true, true),
    ('northern-ireland', '2028-05-29', 'Spring bank holiday', '', true, true),
    ('northern-ireland', '2028-07-12', 'Battle of the Boyne (Orangemen’s Day)', '', false, true),
    ('northern-ireland', '2028-08-28', 'Summer bank holiday', '', true, true),
    ('northern-ireland', '2028-12-25', 'Christmas Day', '', true, true),
    ('northern-ireland', '2028-12-26', 'Boxing Day', '', true, true),
    ('scotland', '2018-01-01', 'New Year’s Day', '', true, true),
    ('scotland', '2018-01-02', '2nd January', '', true, true),
    ('scotland', '2018-03-30', 'Good Friday', '', false, true),
    ('scotland', '2018-05-07', 'Early May bank holiday', '', true, true),
    ('scotland', '2018-05-28', 'Spring bank holiday', '', true, true),
    ('scotland', '2018-08-06', 'Summer bank holiday', '', true, true),
    ('scotland', '2018-11-30', 'St Andrew’s Day', '', true, true),
    ('scotland', '2018-12-25', 'Christmas Day', '', true, true),
    ('scotland', '2018-12-26', 'Boxing Day', '', true, true),
    ('scotland', '2019-01-01', 'New Year’s Day', '', true, true),
    ('scotland', '2019-01-02', '2nd January', '', true, true),
    ('scotland', '2019-04-19', 'Good Friday', '', false, true),
    ('scotland', '2019-05-06', 'Early May bank holiday', '', true, true),
    ('scotland', '2019-05-27', 'Spring bank holiday', '', true, true),
    ('scotland', '2019-08-05', 'Summer bank holiday', '', true, true),
    ('scotland', '2019-12-02', 'St Andrew’s Day', 'Substitute day', true, true),
    ('scotland', '2019-12-25', 'Christmas Day', '', true, true),
    ('scotland', '2019-12-26', 'Boxing Day', '', true, true),
    ('scotland', '2020-01-01', 'New Year’s Day', '', true, true),
    ('scotland', '2020-01-02', '2nd January', '', true, true),
    ('scotland', '2020-04-10', 'Good Friday', '', false, true),
    ('scotland', '2020-05-08', 'Early May bank holiday (VE day)', '', true, true),
    ('scotland', '2020-05-25', 'Spring bank holiday', '', true, true),
    ('scotland', '2020-08-03', 'Summer bank holiday', '', true, true),
    ('scotland', '2020-11-30', 'St Andrew’s Day', '', true, true),
    ('scotland', '2020-12-25', 'Christmas Day', '', true, true),
    ('scotland', '2020-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('scotland', '2021-01-01', 'New Year’s Day', '', true, true),
    ('scotland', '2021-01-04', '2nd January', 'Substitute day', true, true),
    ('scotland', '2021-04-02', 'Good Friday', '', false, true),
    ('scotland', '2021-05-03', 'Early May bank holiday', '', true, true),
    ('scotland', '2021-05-31', 'Spring bank holiday', '', true, true),
    ('scotland', '2021-08-02', 'Summer bank holiday', '', true, true),
    ('scotland', '2021-11-30', 'St Andrew’s Day', '', true, true),
    ('scotland', '2021-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('scotland', '2021-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('scotland', '2022-01-03', 'New Year’s Day', 'Substitute day', true, true),
    ('scotland', '2022-01-04', '2nd January', 'Substitute day', true, true),
    ('scotland', '2022-04-15', 'Good Friday', '', false, true),
    ('scotland', '2022-05-02', 'Early May bank holiday', '', true, true),
    ('scotland', '2022-06-02', 'Spring bank holiday', '', true, true),
    ('scotland', '2022-06-03', 'Platinum Jubilee bank holiday', '', true, true),
    ('scotland', '2022-08-01', 'Summer bank holiday', '', true, true),
    ('scotland', '2022-09-19', 'Bank Holiday for the State Funeral of Queen Elizabeth II', '', false, true),
    ('scotland', '2022-11-30', 'St Andrew’s Day', '', true, true),
    ('scotland', '2022-12-26', 'Boxing Day', '', true, true),
    ('scotland', '2022-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('scotland', '2023-01-02', 'New Year’s Day', 'Substitute day', true, true),
    ('scotland', '2023-01-03', '2nd January', 'Substitute day', true, true),
    ('scotland', '2023-04-07', 'Good Friday', '', false, true),
    ('scotland', '2023-05-01', 'Early May bank holiday', '', true, true),
    ('scotland', '2023-05-08', 'Bank holiday for the coronation of King Charles III', '', true, true),
    ('scotland', '2023-05-29', 'Spring bank holiday', '', true, true),
    ('scotland', '2023-08-07', 'Summer bank holiday', '', true, true),
    ('scotland', '2023-11-30', 'St Andrew’s Day', '', true, true),
    ('scotland', '2023-12-25', 'Christmas Day', '', true, true),
    ('scotland', '2023-12-26', 'Boxing Day', '', true, true),
    ('scotland', '2024-01-01', 'New Year’s Day', '', true, true),
    ('scotland', '2024-01-02', '2nd January', '', true, true),
    ('scotland', '2024-03-29', 'Good Friday', '', false, true),
    ('scotland', '2024-05-06', 'Early May bank holiday', '', true, true),
    ('scotland', '2024-05-27', 'Spring bank holiday', '', true, true),
    ('scotland', '2024-08-05', 'Summer bank holiday', '', true, true),
    ('scotland', '2024-12-02', 'St Andrew’s Day', 'Substitute day', true, true),
    ('scotland', '2024-12-25', 'Christmas Day', '', true, true),
    ('scotland', '2024-12-26', 'Boxing Day', '', true, true),
    ('scotland', '2025-01-01', 'New Year’s Day', '', true, true),
    ('scotland', '2025-01-02', '2nd January', '', true, true),
    ('scotland', '2025-04-18', 'Good Friday', '', false, true),
    ('scotland', '2025-05-05', 'Early May bank holiday', '', true, true),
    ('scotland', '2025-05-26', 'Spring bank holiday', '', true, true),
    ('scotland', '2025-08-04', 'Summer bank holiday', '', true, true),
    ('scotland', '2025-12-01', 'St Andrew’s Day', 'Substitute day', true, true),
    ('scotland', '2025-12-25', 'Christmas Day', '', true, true),
    ('scotland', '2025-12-26', 'Boxing Day', '', true, true),
    ('scotland', '2026-01-01', 'New Year’s Day', '', true, true),
    ('scotland', '2026-01-02', '2nd January', '', true, true),
    ('scotland', '2026-04-03', 'Good Friday', '', false, true),
    ('scotland', '2026-05-04', 'Early May bank holiday', '', true, true),
    ('scotland', '2026-05-25', 'Spring bank holiday', '', true, true),
    ('scotland', '2026-06-15', 'World Cup bank holiday', '', true, true),
    ('scotland', '2026-08-03', 'Summer bank holiday', '', true, true),
    ('scotland', '2026-11-30', 'St Andrew’s Day', '', true, true),
    ('scotland', '2026-12-25', 'Christmas Day', '', true, true),
    ('scotland', '2026-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('scotland', '2027-01-01', 'New Year’s Day', '', true, true),
    ('scotland', '2027-01-04', '2nd January', 'Substitute day', true, true),
    ('scotland', '2027-03-26', 'Good Friday', '', false, true),
    ('scotland', '2027-05-03', 'Early May bank holiday', '', true, true),
    ('scotland', '2027-05-31', 'Spring bank holiday', '', true, true),
    ('scotland', '2027-08-02', 'Summer bank holiday', '', true, true),
    ('scotland', '2027-11-30', 'St Andrew’s Day', '', true, true),
    ('scotland', '2027-12-27', 'Christmas Day', 'Substitute day', true, true),
    ('scotland', '2027-12-28', 'Boxing Day', 'Substitute day', true, true),
    ('scotland', '2028-01-03', 'New Year’s Day', 'Substitute day', true, true),
    ('scotland', '2028-01-04', '2nd January', 'Substitute day', true, true),
    ('scotland', '2028-04-14', 'Good Friday', '', false, true),
    ('scotland', '2028-05-01', 'Early May bank holiday', '', true, true),
    ('scotland', '2028-05-29', 'Spring bank holiday', '', true, true),
    ('scotland', '2028-08-07', 'Summer bank holiday', '', true, true),
    ('scotland', '2028-11-30', 'St Andrew’s Day', '', true, true),
    ('scotland', '2028-12-25', 'Christmas Day', '', true, true),
    ('scotland', '2028-12-26', 'Boxing Day', '', true, true);

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.bank_holiday
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.bank_holiday
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.bank_holiday
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER calendar_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.bank_holiday
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.calendar_guard();
CREATE TRIGGER calendar_invalidate AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON safeguard.bank_holiday
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.calendar_invalidate();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.bank_holiday
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.bank_holiday FROM PUBLIC;
GRANT SELECT ON safeguard.bank_holiday TO PUBLIC;
GRANT INSERT, UPDATE, DELETE ON safeguard.bank_holiday TO safeguard_admin;

SELECT pg_catalog.pg_extension_config_dump('safeguard.bank_holiday', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('safeguard.bank_holiday_id_seq', '');

CREATE FUNCTION safeguard.local_date(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (at AT TIME ZONE 'Europe/London')::date;
COMMENT ON FUNCTION safeguard.local_date(timestamptz) IS 'The date of an instant in Europe/London, where working days are counted.';

CREATE FUNCTION safeguard.local_month(at timestamptz) RETURNS date
    LANGUAGE c IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'sg_local_month';
COMMENT ON FUNCTION safeguard.local_month(timestamptz) IS 'The first day of the month of an instant''s date in Europe/London: the reports'' month (date_trunc(''month'', local_date(at))). Leakproof, so a filter on a month is an index condition under row-level security.';

CREATE FUNCTION safeguard.local_day_start(day date) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (day::timestamp AT TIME ZONE 'Europe/London');
COMMENT ON FUNCTION safeguard.local_day_start(date) IS 'The instant a date begins in Europe/London (midnight there, which every date has): local_date(t) >= day exactly when t >= local_day_start(day). A period of local dates as a range of stored instants, which an index serves under row-level security (sac_return).';

CREATE FUNCTION safeguard.working_days_since(since timestamptz, division text)
    RETURNS integer LANGUAGE sql STABLE PARALLEL RESTRICTED
    RETURN safeguard.working_days_between(safeguard.local_date(since),
                                          safeguard.local_date(safeguard.now()), division);
COMMENT ON FUNCTION safeguard.working_days_since(timestamptz, text) IS 'Working days from the local date of an instant to today (safeguard.now()), in a division: the age of waiting work.';

--------------------------------------------------------------------------
-- 2. Organisations and duties
-- Organisations (the regulator, local authorities, providers and their
-- locations, ...), the duties login roles act under for them, and the
-- predicates row-level security asks throughout: who may see which
-- authority's casework, which provider's plan, which audit rows.
--------------------------------------------------------------------------

CREATE TYPE safeguard.organisation_kind AS ENUM
    ('regulator', 'local_authority', 'provider', 'provider_location', 'icb', 'police', 'other');
COMMENT ON TYPE safeguard.organisation_kind IS 'Kinds of organisation: the regulator (CQC), local authorities, providers and their locations, ICBs, police, others.';

CREATE TYPE safeguard.duty AS ENUM
    ('admin', 'contact_centre', 'inspector', 'la_officer', 'sam', 'enquiry_officer',
     'commissioner', 'provider', 'reader', 'auditor', 'integration');
COMMENT ON TYPE safeguard.duty IS 'Duties a login role can act under; each is also the NOLOGIN role safeguard_<duty>.';

CREATE FUNCTION safeguard.grant_duty(role regrole, duty safeguard.duty, organisation_id bigint)
    RETURNS bigint LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_grant_duty';
CREATE FUNCTION safeguard.grant_duty(role regrole, duty safeguard.duty, organisation_id bigint, team text)
    RETURNS bigint LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_grant_duty';
COMMENT ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint) IS
    'Lets a login role act under a duty for an organisation (one organisation per role); also grants it the NOLOGIN role safeguard_<duty>. Superusers and safeguard_admin only. Returns the grant id.';
REVOKE ALL ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint) TO safeguard_admin;
COMMENT ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint, text) IS
    'As grant_duty(role, duty, organisation_id), recording the team the role works in (for the indicators by team). Superusers and safeguard_admin only.';
REVOKE ALL ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint,
    text) TO safeguard_admin;

CREATE FUNCTION safeguard.revoke_duty(role regrole, duty safeguard.duty)
    RETURNS boolean LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_revoke_duty';
COMMENT ON FUNCTION safeguard.revoke_duty(regrole, safeguard.duty) IS
    'Ends a duty grant (kept as history) and the role membership; the next statement of every session sees it. Superusers and safeguard_admin only.';
REVOKE ALL ON FUNCTION safeguard.revoke_duty(regrole, safeguard.duty) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.revoke_duty(regrole, safeguard.duty) TO safeguard_admin;

CREATE FUNCTION safeguard.current_organisation() RETURNS bigint
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_current_organisation';
COMMENT ON FUNCTION safeguard.current_organisation() IS 'The organisation the current role acts for, or NULL.';

CREATE FUNCTION safeguard.current_duties() RETURNS text[]
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_current_duties';
COMMENT ON FUNCTION safeguard.current_duties() IS 'The duties the current role holds.';

CREATE FUNCTION safeguard.may_see_la(la_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_may_see_la';
COMMENT ON FUNCTION safeguard.may_see_la(bigint) IS
    'Row-level security predicate: true when the current role may see casework of that local authority (the regulator''s staff: all; local authority staff: their own).';

-- Trigger functions (never called directly).
CREATE FUNCTION safeguard.organisation_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_organisation_guard';
COMMENT ON FUNCTION safeguard.organisation_guard() IS 'Trigger: organisations are maintained by administrators, locations lie in a provider and a local authority area, nothing is deleted.';
REVOKE ALL ON FUNCTION safeguard.organisation_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.acts_for_provider(provider_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_acts_for_provider';
COMMENT ON FUNCTION safeguard.acts_for_provider(bigint) IS
    'Row-level security predicate: true when the current role holds the provider duty for that provider.';

CREATE FUNCTION safeguard.may_report_on(la_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_may_report_on';
COMMENT ON FUNCTION safeguard.may_report_on(bigint) IS
    'Row-level security predicate of the reports: casework viewers as may_see_la; a reader (safeguard_reader) at the regulator sees every local authority, at a local authority its own.';

-- The leading authority of a provider enquiry sees every deadline of it, as
-- the provider and the regulator do: the 48-hour provider_response deadline
-- belongs to the provider, and its lead SAM chases it.
CREATE FUNCTION safeguard.leads_enquiry(enquiry_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_leads_enquiry';
COMMENT ON FUNCTION safeguard.leads_enquiry(bigint) IS
    'Row-level security predicate: true when the caller works the provider enquiry''s casework (its leading local authority''s staff and administrators, or the regulator). Needs no privilege on provider_enquiry, so the provider''s own policies keep working.';

-- Every refusal of a workflow action names the duty required.  The workflow
-- functions run as their caller (SECURITY INVOKER, so the guards see the
-- real actor), and PostgreSQL checks a table privilege before any trigger
-- runs: without this, an inspector calling send_referral() would be told
-- only "permission denied for table referral".  Each function first asks
-- safeguard.require_duty(), which refuses (42501) a caller holding no duty
-- that could take the action, naming the duties that can and what the
-- caller holds; the table's guard trigger still decides for which record
-- and organisation.  The permits come from the state machines and from one
-- table of actions (src/actions.c) that the guards read too.
CREATE FUNCTION safeguard.require_duty(action text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_require_duty';
COMMENT ON FUNCTION safeguard.require_duty(text) IS
    'Raises 42501, naming the duties required and what the caller holds, unless the caller holds a duty that may take the action (an action of src/actions.c, or referral:<state> / provider_enquiry:<stage>; a|b for either). The workflow functions call it first.';
REVOKE ALL ON FUNCTION safeguard.require_duty(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.require_duty(text) TO PUBLIC;

-- Administrative records are scoped like casework: administrators and
-- auditors of the regulator read every duty grant and the whole audit
-- trail; those of an authority read its own grants and the audit rows of
-- its own cases, enquiries and staff.  safeguard's verification functions
-- read the whole trail as its owner.
CREATE FUNCTION safeguard.oversees_organisation(org_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_oversees_organisation';
COMMENT ON FUNCTION safeguard.oversees_organisation(bigint) IS
    'Row-level security predicate of administrative records (duty grants, pool logins): true for an administrator or auditor of the regulator, or of that organisation.';

CREATE FUNCTION safeguard.may_read_audit(case_id bigint, chain_key text, organisation_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_may_read_audit';
COMMENT ON FUNCTION safeguard.may_read_audit(bigint, text, bigint) IS
    'Row-level security predicate of audit_event: an administrator or auditor of the regulator reads every row; one of a local authority reads the rows of its cases and provider enquiries and those its own staff wrote outside them.';

CREATE FUNCTION safeguard.may_consume_outbox(organisation_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_may_consume_outbox';
COMMENT ON FUNCTION safeguard.may_consume_outbox(bigint) IS
    'Row-level security predicate of the outbox: true when the current role holds the admin or integration duty for the regulator, or for that organisation.';
REVOKE ALL ON FUNCTION safeguard.may_consume_outbox(bigint) FROM PUBLIC;
-- Policies run with the privileges of whoever queries the outbox.
GRANT EXECUTE ON FUNCTION safeguard.may_consume_outbox(bigint) TO PUBLIC;

CREATE FUNCTION safeguard.scope_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_scope_changed';
COMMENT ON FUNCTION safeguard.scope_changed() IS
    'Trigger: after duties or organisations change, every cached plan over a table under row-level security is planned again (the plans a scoped role may use depend on its duties).';
REVOKE ALL ON FUNCTION safeguard.scope_changed() FROM PUBLIC;

CREATE FUNCTION safeguard.scope_changed_replicated() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_scope_changed_replicated';
COMMENT ON FUNCTION safeguard.scope_changed_replicated() IS
    'Trigger (each row): what scope_changed does, while logical replication applies changes (session_replication_role = replica), whose apply worker fires no statement trigger: a replicated grant, revoke or change of organisation reaches every session of the subscriber at once. Elsewhere it does nothing.';
REVOKE ALL ON FUNCTION safeguard.scope_changed_replicated() FROM PUBLIC;

CREATE TABLE safeguard.organisation (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                 safeguard.organisation_kind NOT NULL,
    name                 text NOT NULL,
    code                 text UNIQUE,
    parent_id            bigint REFERENCES safeguard.organisation,
    la_id                bigint REFERENCES safeguard.organisation,
    division             text NOT NULL DEFAULT 'england-and-wales' REFERENCES safeguard.division,
    senior_contact_name  text,
    senior_contact_email text,
    cassr_code           text UNIQUE,
    ons_code             text UNIQUE,
    receives_referrals_as_concerns boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE safeguard.organisation IS
    'Organisations: the regulator, local authorities (with their bank-holiday division), providers and their locations (each in a local authority area), ICBs, police and others. safeguard_admin maintains them.';
COMMENT ON COLUMN safeguard.organisation.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.organisation.kind IS 'Kind of organisation.';
COMMENT ON COLUMN safeguard.organisation.name IS 'Name.';
COMMENT ON COLUMN safeguard.organisation.code IS 'External code (e.g. CQC location ID, ONS local authority code); unique when given.';
COMMENT ON COLUMN safeguard.organisation.parent_id IS 'For a provider location: its provider.';
COMMENT ON COLUMN safeguard.organisation.la_id IS 'For a provider location: the local authority area it is in.';
COMMENT ON COLUMN safeguard.organisation.division IS 'Bank-holiday division whose working days this organisation keeps.';
COMMENT ON COLUMN safeguard.organisation.senior_contact_name IS 'Named senior contact to chase and escalate to.';
COMMENT ON COLUMN safeguard.organisation.senior_contact_email IS 'E-mail of the named senior contact.';
COMMENT ON COLUMN safeguard.organisation.cassr_code IS
    'For a local authority: its CASSR code, the three digits by which NHS England''s returns name a council with adult social services responsibilities (sac_return''s CASSR_CODE); unique. SG607 when malformed or on another kind of organisation.';
COMMENT ON COLUMN safeguard.organisation.ons_code IS
    'For a local authority: its ONS code (E06, E08, E09 or E10 and six digits; sac_return''s ONS_CODE); unique. SG608 when malformed or on another kind of organisation.';
COMMENT ON COLUMN safeguard.organisation.receives_referrals_as_concerns IS
    'For a local authority that runs its safeguarding pathway on safeguard: a referral the regulator sends it arrives as its own concern (concern.referral_id), and the referral''s states follow the council''s records. False (the default): its officers work referrals through the referral functions. Read when a referral is sent; SG210 on another kind of organisation.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.organisation
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.organisation
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.organisation
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER organisation_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.organisation
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.organisation_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.organisation
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER scope_changed AFTER INSERT OR DELETE OR UPDATE ON safeguard.organisation
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.scope_changed();
CREATE TRIGGER scope_changed_replicated AFTER INSERT OR DELETE OR UPDATE ON safeguard.organisation
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.scope_changed_replicated();

REVOKE ALL ON safeguard.organisation FROM PUBLIC;
GRANT SELECT ON safeguard.organisation TO PUBLIC;
GRANT INSERT, UPDATE ON safeguard.organisation TO safeguard_admin;

SELECT pg_catalog.pg_extension_config_dump('safeguard.organisation', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.organisation_id_seq', '');

-- Organisations are never deleted (organisation_guard, refuse_truncate: pgTAP 31), so the
-- "*_org_id" columns safeguard stamps from the acting role's grant carry no foreign key (its
-- per-row check and FOR KEY SHARE lock on the organisation's row guarded against nothing
-- that can happen); the columns a client supplies keep theirs.  A superuser who takes the
-- guard away can still delete one: this names what that leaves dangling.
CREATE FUNCTION safeguard.verify_organisation_references()
    RETURNS TABLE (table_name text, column_name text, row_id bigint, organisation_id bigint)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_organisation_references';
COMMENT ON FUNCTION safeguard.verify_organisation_references() IS
    'Every organisation a record''s stamped "*_org_id" column names (for whom the acting role acted; these columns have no foreign key since 1.5) that is not in safeguard.organisation: the table, the column, the row (its id, or concern_id) and the missing organisation. None unless a superuser deleted an organisation past its guard. Reads every authority''s rows. Read-only.';
REVOKE ALL ON FUNCTION safeguard.verify_organisation_references() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_organisation_references() TO safeguard_auditor, safeguard_admin;

CREATE TABLE safeguard.duty_grant (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role            regrole NOT NULL,
    duty            safeguard.duty NOT NULL,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    granted_at      timestamptz NOT NULL,
    granted_by      regrole NOT NULL,
    revoked_at      timestamptz,
    revoked_by      regrole,
    team            text
);

CREATE UNIQUE INDEX duty_grant_active ON safeguard.duty_grant (role, duty) WHERE revoked_at IS NULL;

COMMENT ON TABLE safeguard.duty_grant IS
    'Which login role acts under which duty for which organisation. Written only by grant_duty() and revoke_duty(); checked on every action, so a revocation stops the next call in every session.';
COMMENT ON COLUMN safeguard.duty_grant.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.duty_grant.role IS 'The login (or SET ROLE) role that acts.';
COMMENT ON COLUMN safeguard.duty_grant.duty IS 'The duty it acts under.';
COMMENT ON COLUMN safeguard.duty_grant.organisation_id IS 'The organisation it acts for (one per role).';
COMMENT ON COLUMN safeguard.duty_grant.granted_at IS 'When the grant was made.';
COMMENT ON COLUMN safeguard.duty_grant.granted_by IS 'Who made the grant.';
COMMENT ON COLUMN safeguard.duty_grant.revoked_at IS 'When the grant was revoked; NULL while active.';
COMMENT ON COLUMN safeguard.duty_grant.revoked_by IS 'Who revoked it.';
COMMENT ON COLUMN safeguard.duty_grant.team IS 'Team the role works in under this grant (e.g. a locality team), for the indicators; set at grant, fixed for its life.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.duty_grant
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.duty_grant
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.duty_grant
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.duty_grant
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.duty_grant
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER scope_changed AFTER INSERT OR DELETE OR UPDATE ON safeguard.duty_grant
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.scope_changed();
CREATE TRIGGER scope_changed_replicated AFTER INSERT OR DELETE OR UPDATE ON safeguard.duty_grant
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.scope_changed_replicated();

ALTER TABLE safeguard.duty_grant ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.duty_grant FORCE ROW LEVEL SECURITY;

CREATE POLICY oversight ON safeguard.duty_grant FOR SELECT
    USING (safeguard.oversees_organisation(organisation_id));

REVOKE ALL ON safeguard.duty_grant FROM PUBLIC;
GRANT SELECT ON safeguard.duty_grant TO safeguard_admin, safeguard_auditor;

SELECT pg_catalog.pg_extension_config_dump('safeguard.duty_grant', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.duty_grant_id_seq', '');

--------------------------------------------------------------------------
-- 3. Concerns and cases
-- A concern as received, the case it joins (one open case per adult, or per
-- location for unknown adults, within one authority), its triage decision,
-- and the keyed pseudonym that lets readers count adults without seeing them.
--------------------------------------------------------------------------

-- Vocabularies.  Enum labels are part of the public interface; the SAC
-- labels are exactly those of the Safeguarding Adults Collection.
CREATE TYPE safeguard.concern_channel AS ENUM
    ('phone', 'email', 'web_form', 'letter', 'in_person', 'inspection', 'other');
COMMENT ON TYPE safeguard.concern_channel IS 'How a concern reached the organisation.';

-- The sources a council's front door records (issue 16) follow the
-- regulator's own, appended in the order the update from 1.4 adds them.
CREATE TYPE safeguard.concern_source AS ENUM
    ('member_of_public', 'relative', 'professional', 'provider', 'whistleblower',
     'regulator_staff', 'anonymous', 'police', 'ambulance_service', 'gp_primary_care',
     'hospital', 'mental_health_service', 'care_provider', 'regulator', 'other_local_authority',
     'housing', 'family_friend_neighbour', 'self', 'other');
COMMENT ON TYPE safeguard.concern_source IS 'Who raised a concern: the regulator''s sources, then those a council''s front door records (police, ambulance service, GP and primary care, hospital, mental health service, care provider, the regulator, another local authority, housing, family / friend / neighbour, the adult themselves, other).';

CREATE TYPE safeguard.sac_gender AS ENUM ('Male', 'Female', 'Not Known');
COMMENT ON TYPE safeguard.sac_gender IS 'Gender as the Safeguarding Adults Collection records it.';

CREATE TYPE safeguard.sac_risk_type AS ENUM
    ('Physical Abuse', 'Sexual Abuse', 'Psychological Abuse', 'Financial or Material Abuse',
     'Discriminatory Abuse', 'Organisational Abuse', 'Neglect and Acts of Omission',
     'Domestic Abuse', 'Sexual Exploitation', 'Modern Slavery', 'Self-Neglect');
COMMENT ON TYPE safeguard.sac_risk_type IS 'Type of risk (SAC vocabulary).';

CREATE TYPE safeguard.sac_risk_location AS ENUM
    ('Own Home', 'In the Community', 'Community Service', 'Care Home - Nursing',
     'Care Home - Residential', 'Hospital - Acute', 'Hospital - Mental Health',
     'Hospital - Community', 'Other');
COMMENT ON TYPE safeguard.sac_risk_location IS 'Location of risk (SAC vocabulary).';

CREATE TYPE safeguard.sac_source_of_risk AS ENUM
    ('Service Provider', 'Other - Known to individual', 'Other - Unknown to individual');
COMMENT ON TYPE safeguard.sac_source_of_risk IS 'Source of risk (SAC vocabulary).';

CREATE TYPE safeguard.sac_autism AS ENUM
    ('Autism (excluding Asperger''s Syndrome)',
     'Asperger''s Syndrome / High Functioning Autism');
COMMENT ON TYPE safeguard.sac_autism IS 'A diagnosis of autism, which the return counts in SG1e (Learning, Developmental or Intellectual Disability): autism other than Asperger''s syndrome / high functioning autism, or Asperger''s syndrome / high functioning autism.';

CREATE TYPE safeguard.triage_decision AS ENUM ('refer_to_la', 'no_referral', 'regulatory_action_only');
COMMENT ON TYPE safeguard.triage_decision IS 'Triage decision on a concern: refer to the local authority, no referral, or regulatory action only.';

CREATE TYPE safeguard.case_state AS ENUM ('open', 'closed');
COMMENT ON TYPE safeguard.case_state IS 'Whether a safeguarding case is open.';

CREATE FUNCTION safeguard.concern_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_concern_guard';
COMMENT ON FUNCTION safeguard.concern_guard() IS 'Trigger: who may log a concern, what it must record, and the case it joins.';
REVOKE ALL ON FUNCTION safeguard.concern_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.concern_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_concern_after';
COMMENT ON FUNCTION safeguard.concern_after() IS 'Trigger: opens the triage deadline of a concern.';
REVOKE ALL ON FUNCTION safeguard.concern_after() FROM PUBLIC;

CREATE FUNCTION safeguard.triage_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_triage_guard';
COMMENT ON FUNCTION safeguard.triage_guard() IS 'Trigger: who may triage, with a rationale and the threshold answers; decisions are final.';
REVOKE ALL ON FUNCTION safeguard.triage_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.triage_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_triage_after';
COMMENT ON FUNCTION safeguard.triage_after() IS 'Trigger: closes the triage deadline; refer_to_la creates the referral and its send deadline.';
REVOKE ALL ON FUNCTION safeguard.triage_after() FROM PUBLIC;

CREATE FUNCTION safeguard.sac_age_band(date_of_birth date, on_date date) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_age_band_sql';
COMMENT ON FUNCTION safeguard.sac_age_band(date, date) IS
    'SAC age band on a date: 18-64, 65-74, 75-84, 85-94, 95+ (Under 18 below); Not Known without a date of birth.';

CREATE FUNCTION safeguard.nhs_number_is_valid(nhs_number text) RETURNS boolean
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_nhs_number_is_valid';
COMMENT ON FUNCTION safeguard.nhs_number_is_valid(text) IS
    'True when the text is a valid NHS number (ten digits, optionally grouped 3-3-4, modulus 11 check digit).';

CREATE FUNCTION safeguard.case_pseudonym() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_case_pseudonym';
COMMENT ON FUNCTION safeguard.case_pseudonym() IS 'Trigger: computes a case''s adult_pseudonym from adult_key under the current secret.';
REVOKE ALL ON FUNCTION safeguard.case_pseudonym() FROM PUBLIC;

CREATE FUNCTION safeguard.set_pseudonym_secret(secret text) RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_set_pseudonym_secret';
COMMENT ON FUNCTION safeguard.set_pseudonym_secret(text) IS
    'Sets the secret that keys adult pseudonyms (at least 32 bytes, kept outside the database too) and re-keys every case in the same transaction; returns how many. Superusers and safeguard_admin only; the secret cannot be read back.';
REVOKE ALL ON FUNCTION safeguard.set_pseudonym_secret(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.set_pseudonym_secret(text) TO safeguard_admin;

CREATE TABLE safeguard.safeguarding_case (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id                bigint NOT NULL REFERENCES safeguard.organisation,
    adult_key            text,
    provider_location_id bigint REFERENCES safeguard.organisation,
    state                safeguard.case_state NOT NULL DEFAULT 'open',
    opened_at            timestamptz NOT NULL,
    closed_at            timestamptz,
    adult_pseudonym      text
);

-- At most one open case per adult, and per location for unknown adults,
-- within one authority: the guard links concerns to them, these indexes make
-- a fork impossible.  Another authority may have its own open case about the
-- same adult or location.
CREATE UNIQUE INDEX safeguarding_case_open_adult ON safeguard.safeguarding_case (la_id, adult_key)
    WHERE state OPERATOR(pg_catalog.=) 'open' AND adult_key IS NOT NULL;
CREATE UNIQUE INDEX safeguarding_case_open_location ON safeguard.safeguarding_case (la_id, provider_location_id)
    WHERE state OPERATOR(pg_catalog.=) 'open' AND adult_key IS NULL AND provider_location_id IS NOT NULL;

COMMENT ON TABLE safeguard.safeguarding_case IS
    'A case groups the concerns about one adult (or, when the adult is unknown, one provider location) while it is open: a repeat concern joins the open case instead of starting an unconnected one. Created and closed by safeguard only.';
COMMENT ON COLUMN safeguard.safeguarding_case.id IS 'Case number.';
COMMENT ON COLUMN safeguard.safeguarding_case.la_id IS 'Local authority of the first concern.';
COMMENT ON COLUMN safeguard.safeguarding_case.adult_key IS 'Identity key of the adult at risk (NHS number, or name and date of birth); NULL when unknown.';
COMMENT ON COLUMN safeguard.safeguarding_case.provider_location_id IS 'Provider location of the first concern, if any.';
COMMENT ON COLUMN safeguard.safeguarding_case.state IS 'open or closed; a case closes when every concern is triaged and every referral closed or withdrawn.';
COMMENT ON COLUMN safeguard.safeguarding_case.opened_at IS 'When the first concern was logged.';
COMMENT ON COLUMN safeguard.safeguarding_case.closed_at IS 'When the case closed.';
COMMENT ON COLUMN safeguard.safeguarding_case.adult_pseudonym IS 'Keyed hash (HMAC-SHA256, admin-set secret) of adult_key: the same for every case about the same adult, NULL when unknown. Computed by safeguard.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.safeguarding_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.safeguarding_case
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.safeguarding_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'id');
CREATE TRIGGER case_pseudonym BEFORE INSERT OR UPDATE ON safeguard.safeguarding_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.case_pseudonym();
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.safeguarding_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.safeguarding_case
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

-- Row-level security: casework of a local authority is visible to that
-- authority's staff and to the regulator's; a reader (safeguard_reader) sees
-- the authorities it reports on, through column privileges that leave out
-- every identifying column; providers and roles without a duty see none.
ALTER TABLE safeguard.safeguarding_case ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.safeguarding_case FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.safeguarding_case
    USING (safeguard.may_see_la(la_id));
CREATE POLICY reader_scope ON safeguard.safeguarding_case FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.safeguarding_case FROM PUBLIC;
GRANT SELECT ON safeguard.safeguarding_case TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer;
GRANT SELECT (id, la_id, provider_location_id, state, opened_at, closed_at,
    adult_pseudonym) ON safeguard.safeguarding_case TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.safeguarding_case', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.safeguarding_case_id_seq', '');

CREATE TABLE safeguard.concern (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at          timestamptz NOT NULL,
    channel              safeguard.concern_channel NOT NULL,
    source               safeguard.concern_source NOT NULL,
    referrer_anonymous   boolean NOT NULL DEFAULT false,
    referrer_name        text,
    referrer_phone       text,
    referrer_email       text,
    referrer_address     text,
    adult_nhs_number     text,
    adult_name           text,
    adult_date_of_birth  date,
    adult_date_of_death  date,
    adult_gender         safeguard.sac_gender NOT NULL DEFAULT 'Not Known',
    adult_ethnicity      text,
    adult_primary_support_reason text,
    provider_location_id bigint REFERENCES safeguard.organisation,
    la_id                bigint NOT NULL REFERENCES safeguard.organisation,
    risk_types           safeguard.sac_risk_type[] NOT NULL,
    risk_location        safeguard.sac_risk_location,
    source_of_risk       safeguard.sac_source_of_risk,
    immediate_risk       boolean NOT NULL DEFAULT false,
    description          text NOT NULL,
    case_id              bigint REFERENCES safeguard.safeguarding_case,
    joined_open_case     boolean NOT NULL DEFAULT false,
    logged_by            regrole,
    logged_org_id        bigint,
    logged_at            timestamptz,
    adult_age_band       text GENERATED ALWAYS AS (safeguard.sac_age_band(
        adult_date_of_birth, (received_at AT TIME ZONE 'Europe/London')::date)) STORED,
    adult_identified_by  text GENERATED ALWAYS AS (
        CASE WHEN adult_nhs_number IS NOT NULL THEN
                  CASE WHEN safeguard.nhs_number_is_valid(adult_nhs_number) THEN 'nhs_number'
                       ELSE 'invalid_nhs_number' END
             WHEN adult_name IS NOT NULL AND adult_date_of_birth IS NOT NULL THEN 'name_and_date_of_birth'
             WHEN adult_name IS NOT NULL THEN 'name_only'
             ELSE 'unknown' END) STORED,
    referrer_identified  boolean GENERATED ALWAYS AS (
        referrer_name IS NOT NULL
        AND pg_catalog.btrim(referrer_name, E' \t\r\n\f\v') OPERATOR(pg_catalog.<>) ''
        AND (referrer_phone IS NOT NULL OR referrer_email IS NOT NULL OR referrer_address IS NOT NULL)) STORED,
    adult_autism         safeguard.sac_autism,
    referral_id          bigint UNIQUE
);

CREATE INDEX concern_case ON safeguard.concern (case_id);
CREATE INDEX concern_la ON safeguard.concern (la_id);

-- Concerns by time received: a date window over concerns (a BI tool's
-- "last 12 months") reads only those months; received_at >= a value is
-- leakproof, so it serves readers under row-level security too.
CREATE INDEX concern_received_at ON safeguard.concern (received_at);

COMMENT ON INDEX safeguard.concern_received_at IS
    'Concerns by time received: date windows (the last 12 months of the indicators) read only the months asked for.';
-- Concerns by month received: the reports' `month` (report_indicators,
-- report_indicator_events) is local_month(received_at); the function is
-- leakproof, so a month filter uses this index under row-level security.
CREATE INDEX concern_received_month ON safeguard.concern (safeguard.local_month(received_at));
COMMENT ON INDEX safeguard.concern_received_month IS
    'Concerns by month received: a filter on the reports'' month reads only the months asked for, under row-level security too.';
COMMENT ON TABLE safeguard.concern IS
    'A safeguarding concern as received. Logged by the contact centre, an inspector or a local authority officer; never updated or deleted. safeguard links it to an open case about the same adult or provider location, or opens a case.';
COMMENT ON COLUMN safeguard.concern.id IS 'Concern number.';
COMMENT ON COLUMN safeguard.concern.received_at IS 'When the concern was received (day 0 of the triage deadline).';
COMMENT ON COLUMN safeguard.concern.channel IS 'How it was received.';
COMMENT ON COLUMN safeguard.concern.source IS 'Who raised it.';
COMMENT ON COLUMN safeguard.concern.referrer_anonymous IS 'True when the referrer is anonymous; otherwise a name and at least one valid contact route are required.';
COMMENT ON COLUMN safeguard.concern.referrer_name IS 'Name of the person who raised the concern (identifying).';
COMMENT ON COLUMN safeguard.concern.referrer_phone IS 'Referrer telephone (identifying).';
COMMENT ON COLUMN safeguard.concern.referrer_email IS 'Referrer e-mail (identifying).';
COMMENT ON COLUMN safeguard.concern.referrer_address IS 'Referrer postal address (identifying).';
COMMENT ON COLUMN safeguard.concern.adult_nhs_number IS 'NHS number of the adult at risk, validated by its check digit and stored as ten digits (identifying).';
COMMENT ON COLUMN safeguard.concern.adult_name IS 'Name of the adult at risk (identifying).';
COMMENT ON COLUMN safeguard.concern.adult_date_of_birth IS 'Date of birth of the adult at risk (identifying).';
COMMENT ON COLUMN safeguard.concern.adult_date_of_death IS 'Date of death, for concerns about a person who has died (retrospective).';
COMMENT ON COLUMN safeguard.concern.adult_gender IS 'Gender (SAC vocabulary).';
COMMENT ON COLUMN safeguard.concern.adult_ethnicity IS 'Ethnicity: an NHS Data Dictionary ethnic category code (A-H, J-N, P, R, S; Z not stated; 99 not known; see sac_vocabulary()), counted in SG1c by its group; SG605 otherwise. Concerns logged before 1.5 keep the text they were logged with.';
COMMENT ON COLUMN safeguard.concern.adult_primary_support_reason IS 'Primary support reason: one of the return''s SG1d values (see sac_vocabulary()); SG606 otherwise. Concerns logged before 1.5 keep the text they were logged with.';
COMMENT ON COLUMN safeguard.concern.provider_location_id IS 'Provider location concerned, if any.';
COMMENT ON COLUMN safeguard.concern.la_id IS 'Local authority responsible; defaults to the provider location''s area.';
COMMENT ON COLUMN safeguard.concern.risk_types IS 'Types of risk (SAC vocabulary); at least one.';
COMMENT ON COLUMN safeguard.concern.risk_location IS 'Location of risk (SAC vocabulary).';
COMMENT ON COLUMN safeguard.concern.source_of_risk IS 'Source of risk (SAC vocabulary).';
COMMENT ON COLUMN safeguard.concern.immediate_risk IS 'True when the adult is at immediate risk: the referral must then be sent within 4 clock hours.';
COMMENT ON COLUMN safeguard.concern.referral_id IS 'For a concern that arrived from the regulator: the referral it arrived as (created by safeguard when the referral was sent to an authority that receives referrals as concerns; source regulator, logged for the authority). Unique; never supplied, never changed.';
COMMENT ON COLUMN safeguard.concern.description IS 'What was reported.';
COMMENT ON COLUMN safeguard.concern.case_id IS 'The case this concern belongs to (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.joined_open_case IS 'True when the concern joined a case that was already open: a repeat concern (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.logged_by IS 'Role that logged it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.logged_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.logged_at IS 'When it was logged (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.adult_age_band IS 'SAC age band of the adult on the day the concern was received (18-64, 65-74, 75-84, 85-94, 95+; Not Known without a date of birth).';
COMMENT ON COLUMN safeguard.concern.adult_identified_by IS 'How the adult is identified: nhs_number (valid), invalid_nhs_number (never, the guard refuses one), name_and_date_of_birth, name_only, unknown.';
COMMENT ON COLUMN safeguard.concern.referrer_identified IS 'True when the referrer has a name and at least one contact route.';
COMMENT ON COLUMN safeguard.concern.adult_autism IS 'A diagnosis of autism the adult has, when known (SG1e); NULL when none is recorded.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.concern
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.concern
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.concern
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
CREATE TRIGGER concern_after AFTER INSERT ON safeguard.concern
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.concern_after();
CREATE TRIGGER concern_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.concern
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.concern_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.concern
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.concern ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.concern FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.concern
    USING (safeguard.may_see_la(la_id)) WITH CHECK (safeguard.may_see_la(la_id));
CREATE POLICY reader_scope ON safeguard.concern FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.concern FROM PUBLIC;
GRANT SELECT ON safeguard.concern TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer;
GRANT INSERT ON safeguard.concern TO safeguard_contact_centre, safeguard_inspector,
    safeguard_la_officer;
GRANT SELECT (id, received_at, channel, source, referrer_anonymous, referrer_identified,
    adult_identified_by, adult_age_band, adult_gender, adult_ethnicity,
    adult_primary_support_reason, provider_location_id, la_id, risk_types, risk_location,
    source_of_risk, immediate_risk, case_id, joined_open_case, logged_org_id,
    logged_at, adult_autism, referral_id) ON safeguard.concern TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.concern', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.concern_id_seq', '');

CREATE TABLE safeguard.triage (
    concern_id             bigint PRIMARY KEY REFERENCES safeguard.concern,
    decision               safeguard.triage_decision NOT NULL,
    rationale              text NOT NULL,
    care_and_support_needs boolean NOT NULL,
    abuse_or_neglect       boolean NOT NULL,
    unable_to_protect_self boolean NOT NULL,
    la_id                  bigint REFERENCES safeguard.organisation,
    case_id                bigint REFERENCES safeguard.safeguarding_case,
    decided_by             regrole,
    decided_org_id         bigint,
    decided_duty           safeguard.duty,
    decided_at             timestamptz,
    decided_team           text,
    rationale_recorded     boolean GENERATED ALWAYS AS (
        pg_catalog.btrim(rationale, E' \t\r\n\f\v') OPERATOR(pg_catalog.<>) '') STORED
);

COMMENT ON TABLE safeguard.triage IS
    'The triage decision on a concern, with its rationale and the section 42(1) threshold questions answered. One per concern, never changed. refer_to_la creates a referral in awaiting_send.';
COMMENT ON COLUMN safeguard.triage.concern_id IS 'The concern decided.';
COMMENT ON COLUMN safeguard.triage.decision IS 'refer_to_la, no_referral or regulatory_action_only.';
COMMENT ON COLUMN safeguard.triage.rationale IS 'Why: required, never blank.';
COMMENT ON COLUMN safeguard.triage.care_and_support_needs IS 'Threshold s42(1)(a): the adult has needs for care and support.';
COMMENT ON COLUMN safeguard.triage.abuse_or_neglect IS 'Threshold s42(1)(b): the adult is experiencing, or at risk of, abuse or neglect.';
COMMENT ON COLUMN safeguard.triage.unable_to_protect_self IS 'Threshold s42(1)(c): as a result of those needs the adult is unable to protect themselves.';
COMMENT ON COLUMN safeguard.triage.la_id IS 'Local authority of the concern (recorded by safeguard).';
COMMENT ON COLUMN safeguard.triage.case_id IS 'Case of the concern (recorded by safeguard).';
COMMENT ON COLUMN safeguard.triage.decided_by IS 'Role that decided (recorded by safeguard).';
COMMENT ON COLUMN safeguard.triage.decided_org_id IS 'Organisation it acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.triage.decided_duty IS 'Duty it acted under (recorded by safeguard).';
COMMENT ON COLUMN safeguard.triage.decided_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.triage.decided_team IS 'Team of the grant under which the decision was made (recorded by safeguard).';
COMMENT ON COLUMN safeguard.triage.rationale_recorded IS 'True when the rationale holds text (the guard makes this always true).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.triage
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.triage
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('concern_id', '', 'case_id');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.triage
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER triage_after AFTER INSERT ON safeguard.triage
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.triage_after();
CREATE TRIGGER triage_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.triage
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.triage_guard();

ALTER TABLE safeguard.triage ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.triage FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.triage
    USING (safeguard.may_see_la(la_id)) WITH CHECK (safeguard.may_see_la(la_id));
CREATE POLICY reader_scope ON safeguard.triage FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.triage FROM PUBLIC;
GRANT SELECT ON safeguard.triage TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer;
GRANT INSERT ON safeguard.triage TO safeguard_contact_centre, safeguard_inspector,
    safeguard_la_officer;
GRANT SELECT (concern_id, decision, rationale_recorded, care_and_support_needs,
    abuse_or_neglect, unable_to_protect_self, la_id, case_id, decided_org_id, decided_duty,
    decided_team, decided_at) ON safeguard.triage TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.triage', '');

-- Pseudonymised views for safeguard_reader: no names, contact details or
-- NHS numbers; a stable keyed pseudonym per adult so repeats can be counted.
CREATE TABLE safeguard.pseudonym_key (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    secret   bytea NOT NULL
);

COMMENT ON TABLE safeguard.pseudonym_key IS 'The secret that keys adult pseudonyms. Readable by the extension owner only.';
COMMENT ON COLUMN safeguard.pseudonym_key.only_row IS 'There is one row.';
COMMENT ON COLUMN safeguard.pseudonym_key.secret IS 'Random secret generated at installation.';

-- A random secret (64 hex digits) until an administrator sets one with set_pseudonym_secret().
INSERT INTO safeguard.pseudonym_key (secret)
VALUES (pg_catalog.convert_to(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
    pg_catalog.gen_random_uuid()::pg_catalog.text OPERATOR(pg_catalog.||)
    pg_catalog.gen_random_uuid()::pg_catalog.text, 'UTF8')), 'hex'), 'UTF8'));

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.pseudonym_key
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard('only_row');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.pseudonym_key
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.pseudonym_key
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.pseudonym_key FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('safeguard.pseudonym_key', '');

CREATE FUNCTION safeguard.triage_concern(
    concern_id bigint,
    decision safeguard.triage_decision,
    rationale text,
    care_and_support_needs boolean,
    abuse_or_neglect boolean,
    unable_to_protect_self boolean)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty(CASE WHEN $2 OPERATOR(pg_catalog.=) 'no_referral' THEN 'triage_concern' ELSE 'regulator_decision' END);
    INSERT INTO safeguard.triage (concern_id, decision, rationale, care_and_support_needs,
        abuse_or_neglect, unable_to_protect_self)
    VALUES ($1, $2, $3, $4, $5, $6);
    SELECT r.id FROM safeguard.referral r WHERE r.concern_id OPERATOR(pg_catalog.=) $1;
$$;
COMMENT ON FUNCTION safeguard.triage_concern(bigint, safeguard.triage_decision, text, boolean, boolean, boolean) IS
    'Records the triage decision on a concern with its rationale and the s42(1) threshold answers; returns the referral created by refer_to_la, else NULL.';

-- Workflow functions: thin wrappers over INSERT and UPDATE.  They run with
-- the caller's rights (SECURITY INVOKER): the C guards see the real actor
-- and decide, exactly as for a raw statement.
CREATE FUNCTION safeguard.log_concern(
    received_at timestamptz,
    channel safeguard.concern_channel,
    source safeguard.concern_source,
    description text,
    risk_types safeguard.sac_risk_type[],
    la_id bigint DEFAULT NULL,
    provider_location_id bigint DEFAULT NULL,
    referrer_anonymous boolean DEFAULT false,
    referrer_name text DEFAULT NULL,
    referrer_phone text DEFAULT NULL,
    referrer_email text DEFAULT NULL,
    referrer_address text DEFAULT NULL,
    adult_nhs_number text DEFAULT NULL,
    adult_name text DEFAULT NULL,
    adult_date_of_birth date DEFAULT NULL,
    adult_date_of_death date DEFAULT NULL,
    adult_gender safeguard.sac_gender DEFAULT 'Not Known',
    risk_location safeguard.sac_risk_location DEFAULT NULL,
    source_of_risk safeguard.sac_source_of_risk DEFAULT NULL,
    immediate_risk boolean DEFAULT false,
    adult_ethnicity text DEFAULT NULL,
    adult_primary_support_reason text DEFAULT NULL,
    adult_autism safeguard.sac_autism DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('log_concern');
    INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id,
        provider_location_id, referrer_anonymous, referrer_name, referrer_phone, referrer_email,
        referrer_address, adult_nhs_number, adult_name, adult_date_of_birth, adult_date_of_death,
        adult_gender, risk_location, source_of_risk, immediate_risk, adult_ethnicity,
        adult_primary_support_reason, adult_autism)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22, $23)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.log_concern(timestamptz, safeguard.concern_channel, safeguard.concern_source, text, safeguard.sac_risk_type[], bigint, bigint, boolean, text, text, text, text, text, text, date, date, safeguard.sac_gender, safeguard.sac_risk_location, safeguard.sac_source_of_risk, boolean, text, text, safeguard.sac_autism) IS
    'Logs a concern (contact centre, inspector, or an officer of its local authority), with the adult''s ethnic category code, primary support reason and autism diagnosis when known (SAC SG1c-SG1e; sac_vocabulary() lists the codes); returns its id. The concern joins an open case about the same adult or location, or opens one.';

--------------------------------------------------------------------------
-- 4. Referrals
-- A refer_to_la triage decision creates a referral; its state machine
-- (awaiting_send, sent, acknowledged, decided, outcome_recorded, closed,
-- withdrawn) is enforced in C for every client path.  The workflow functions
-- are thin wrappers over INSERT and UPDATE that run with the caller's rights:
-- the guards see the real actor.
--------------------------------------------------------------------------

CREATE TYPE safeguard.referral_state AS ENUM
    ('awaiting_send', 'sent', 'acknowledged', 'decided', 'outcome_recorded', 'closed', 'withdrawn');
COMMENT ON TYPE safeguard.referral_state IS 'States of a referral to a local authority; transitions are enforced in C (see the README).';

CREATE TYPE safeguard.contact_method AS ENUM
    ('secure_email', 'email', 'phone', 'portal', 'letter', 'in_person');
COMMENT ON TYPE safeguard.contact_method IS 'How a referral was sent or feedback given.';

CREATE TYPE safeguard.la_decision AS ENUM ('section_42_enquiry', 'other_enquiry', 'no_enquiry');
COMMENT ON TYPE safeguard.la_decision IS 'The local authority''s decision on a referral.';

CREATE TYPE safeguard.harm_finding AS ENUM ('harm', 'no_harm', 'inconclusive', 'not_determined');
COMMENT ON TYPE safeguard.harm_finding IS 'Whether a late referral''s delay caused harm.';

CREATE TYPE safeguard.sac_action_result AS ENUM
    ('Risk identified and action taken', 'Risk identified and no action taken',
     'Risk Assessment inconclusive and action taken',
     'Risk Assessment inconclusive and no action taken',
     'No risk identified and action taken', 'No risk identified and no action taken',
     'Enquiry ceased at individual''s request and no action taken');
COMMENT ON TYPE safeguard.sac_action_result IS 'Action and result of an enquiry (SAC vocabulary).';

CREATE TYPE safeguard.sac_risk_outcome AS ENUM ('Risk remained', 'Risk reduced', 'Risk removed');
COMMENT ON TYPE safeguard.sac_risk_outcome IS 'Risk outcome of an enquiry (SAC vocabulary).';

CREATE TYPE safeguard.sac_capacity AS ENUM
    ('Yes, they lacked capacity', 'No, they did not lack capacity', 'Don''t know');
COMMENT ON TYPE safeguard.sac_capacity IS 'Whether the adult lacked capacity to make decisions about the enquiry (SAC SG3); NULL counts as Not recorded.';

CREATE TYPE safeguard.sac_msp_asked AS ENUM
    ('Yes, they were asked and outcomes were expressed',
     'Yes, they were asked but no outcomes were expressed', 'No', 'Don''t know');
COMMENT ON TYPE safeguard.sac_msp_asked IS 'Making Safeguarding Personal: whether the adult (or representative) was asked about desired outcomes (SAC SG4); NULL counts as Not recorded.';

CREATE TYPE safeguard.sac_msp_achieved AS ENUM ('Fully Achieved', 'Partially Achieved', 'Not Achieved');
COMMENT ON TYPE safeguard.sac_msp_achieved IS 'Making Safeguarding Personal: how far the expressed outcomes were achieved (SAC SG4).';

CREATE FUNCTION safeguard.referral_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_referral_guard';
COMMENT ON FUNCTION safeguard.referral_guard() IS 'Trigger: the referral state machine, enforced for every client path.';
REVOKE ALL ON FUNCTION safeguard.referral_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.referral_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_referral_after';
COMMENT ON FUNCTION safeguard.referral_after() IS 'Trigger: deadlines met, breached and opened by referral transitions.';
REVOKE ALL ON FUNCTION safeguard.referral_after() FROM PUBLIC;

CREATE FUNCTION safeguard.referral_not_found(referral_id bigint) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_referral_not_found';
COMMENT ON FUNCTION safeguard.referral_not_found(bigint) IS 'Raises SG208: the referral does not exist or is not visible to the caller.';

-- Readers see no free text.  A referral's la_contact and la_reference and a
-- deadline's extension_reason are typed by people and can hold names and
-- NHS numbers: performance readers (safeguard_reader) have no privilege on
-- them.  The chase list, which readers may read, lists the named contact
-- and the authority's reference through referral_free_text(), which returns
-- them to the referral's caseworkers only (NULL to a reader).
CREATE FUNCTION safeguard.referral_free_text(referral_id bigint, col text) RETURNS text
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_referral_free_text';
COMMENT ON FUNCTION safeguard.referral_free_text(bigint, text) IS
    'A referral''s la_contact or la_reference (col) for a caller who works its casework (the regulator''s staff, the recipient authority''s staff); NULL for anyone else, performance readers included.';
REVOKE ALL ON FUNCTION safeguard.referral_free_text(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.referral_free_text(bigint, text) TO PUBLIC;

CREATE TABLE safeguard.referral (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    concern_id             bigint NOT NULL UNIQUE REFERENCES safeguard.concern,
    case_id                bigint NOT NULL REFERENCES safeguard.safeguarding_case,
    la_id                  bigint NOT NULL REFERENCES safeguard.organisation,
    state                  safeguard.referral_state NOT NULL DEFAULT 'awaiting_send',
    immediate_risk         boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL,
    created_by             regrole NOT NULL,
    sent_at                timestamptz,
    sent_method            safeguard.contact_method,
    la_contact             text,
    sent_by                regrole,
    sent_org_id            bigint,
    sent_recorded_at       timestamptz,
    acknowledged_at        timestamptz,
    la_reference           text,
    acknowledged_by        regrole,
    acknowledged_org_id    bigint,
    la_decision            safeguard.la_decision,
    la_decision_rationale  text,
    decided_by             regrole,
    decided_org_id         bigint,
    decided_at             timestamptz,
    action_result          safeguard.sac_action_result,
    risk_outcome           safeguard.sac_risk_outcome,
    harm_from_delay        safeguard.harm_finding,
    outcome_by             regrole,
    outcome_org_id         bigint,
    outcome_at             timestamptz,
    feedback_at            timestamptz,
    feedback_method        safeguard.contact_method,
    feedback_waived_reason text,
    closed_by              regrole,
    closed_org_id          bigint,
    closed_at              timestamptz,
    withdrawal_rationale   text,
    withdrawn_by           regrole,
    withdrawn_org_id       bigint,
    withdrawn_at           timestamptz,
    lacked_capacity        safeguard.sac_capacity,
    advocate_supported     boolean,
    msp_asked              safeguard.sac_msp_asked,
    msp_achieved           safeguard.sac_msp_achieved,
    allocated_to           regrole,
    allocated_by           regrole,
    allocated_at           timestamptz,
    decision_rationale_recorded boolean GENERATED ALWAYS AS (
        CASE WHEN la_decision IS NOT NULL THEN
            coalesce(pg_catalog.btrim(la_decision_rationale, E' \t\r\n\f\v') OPERATOR(pg_catalog.<>) '', false) END) STORED,
    withdrawal_rationale_recorded boolean GENERATED ALWAYS AS (
        CASE WHEN state OPERATOR(pg_catalog.=) 'withdrawn' THEN
            coalesce(pg_catalog.btrim(withdrawal_rationale, E' \t\r\n\f\v') OPERATOR(pg_catalog.<>) '', false) END) STORED
);

CREATE INDEX referral_state ON safeguard.referral (state);
CREATE INDEX referral_la ON safeguard.referral (la_id);
CREATE INDEX referral_case ON safeguard.referral (case_id);
CREATE INDEX referral_unallocated ON safeguard.referral (la_id)
    WHERE allocated_to IS NULL
      AND state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided,outcome_recorded}'::safeguard.referral_state[]);

-- Referrals not yet closed or withdrawn: the send queue and the chase list
-- find them without reading every closed referral.
CREATE INDEX referral_open ON safeguard.referral (state, la_id)
    WHERE state OPERATOR(pg_catalog.=) ANY
          ('{awaiting_send,sent,acknowledged,decided,outcome_recorded}'::safeguard.referral_state[]);

COMMENT ON INDEX safeguard.referral_open IS
    'Referrals still open (not closed or withdrawn), by state and local authority: its size follows open work, not history.';

-- Referrals by the instants the reports count a period by: sac_return's year (sent,
-- decided, outcome recorded) and a dashboard's period of report_feedback (outcome recorded).
-- A range on these open columns is leakproof, so it reads only the period under row-level
-- security and the scope guard (issue 19, target 2).
CREATE INDEX referral_sent_at ON safeguard.referral (sent_at);
CREATE INDEX referral_decided_at ON safeguard.referral (decided_at);
CREATE INDEX referral_outcome_at ON safeguard.referral (outcome_at);
COMMENT ON INDEX safeguard.referral_sent_at IS
    'Referrals by time sent: sac_return reads only the year''s (SG1 concerns referred).';
COMMENT ON INDEX safeguard.referral_decided_at IS
    'Referrals by time the authority decided: sac_return reads only the enquiries commenced in the year.';
COMMENT ON INDEX safeguard.referral_outcome_at IS
    'Referrals by time the outcome was recorded: sac_return''s enquiries concluded in the year, and a period filter on report_feedback.outcome_at.';
COMMENT ON TABLE safeguard.referral IS
    'A referral to a local authority. Created in awaiting_send by a refer_to_la triage decision; leaves the send queue only by being sent (contact centre of the regulator) or withdrawn (safeguard_admin, with a rationale). Every change is a transition checked in C; never deleted.';
COMMENT ON COLUMN safeguard.referral.id IS 'Referral number.';
COMMENT ON COLUMN safeguard.referral.concern_id IS 'The concern referred.';
COMMENT ON COLUMN safeguard.referral.case_id IS 'The case it belongs to.';
COMMENT ON COLUMN safeguard.referral.la_id IS 'Recipient local authority (may be corrected when sending).';
COMMENT ON COLUMN safeguard.referral.state IS 'awaiting_send, sent, acknowledged, decided, outcome_recorded, closed, or withdrawn.';
COMMENT ON COLUMN safeguard.referral.immediate_risk IS 'Copied from the concern: sending is then due within 4 clock hours.';
COMMENT ON COLUMN safeguard.referral.created_at IS 'When the refer_to_la decision created it.';
COMMENT ON COLUMN safeguard.referral.created_by IS 'Who made that decision.';
COMMENT ON COLUMN safeguard.referral.sent_at IS 'When it was actually sent (supplied when sending; not in the future).';
COMMENT ON COLUMN safeguard.referral.sent_method IS 'How it was sent.';
COMMENT ON COLUMN safeguard.referral.la_contact IS 'The local authority contact it was sent to, when known.';
COMMENT ON COLUMN safeguard.referral.sent_by IS 'Who recorded the sending (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.sent_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.sent_recorded_at IS 'When the sending was recorded (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.acknowledged_at IS 'When the local authority acknowledged it.';
COMMENT ON COLUMN safeguard.referral.la_reference IS 'The local authority''s own reference.';
COMMENT ON COLUMN safeguard.referral.acknowledged_by IS 'Who recorded the acknowledgement (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.acknowledged_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.la_decision IS 'section_42_enquiry, other_enquiry or no_enquiry.';
COMMENT ON COLUMN safeguard.referral.la_decision_rationale IS 'Why: required, never blank.';
COMMENT ON COLUMN safeguard.referral.decided_by IS 'Who decided (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.decided_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.decided_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.action_result IS 'Action and result (SAC); required unless no enquiry was made.';
COMMENT ON COLUMN safeguard.referral.risk_outcome IS 'Risk outcome (SAC); required when risk was identified or inconclusive and action taken.';
COMMENT ON COLUMN safeguard.referral.harm_from_delay IS 'For a referral sent late: whether the delay caused harm (required then).';
COMMENT ON COLUMN safeguard.referral.outcome_by IS 'Who recorded the outcome (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.outcome_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.outcome_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.feedback_at IS 'When feedback was given to the referrer.';
COMMENT ON COLUMN safeguard.referral.feedback_method IS 'How feedback was given.';
COMMENT ON COLUMN safeguard.referral.feedback_waived_reason IS 'Why no feedback was given (e.g. anonymous referrer).';
COMMENT ON COLUMN safeguard.referral.closed_by IS 'Who closed it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.closed_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.closed_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.withdrawal_rationale IS 'Why it was withdrawn: required, never blank.';
COMMENT ON COLUMN safeguard.referral.withdrawn_by IS 'Who withdrew it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.withdrawn_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.withdrawn_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.lacked_capacity IS 'SAC SG3: whether the adult lacked capacity (enquiries only; recorded with the outcome).';
COMMENT ON COLUMN safeguard.referral.advocate_supported IS 'SAC SG3: for an adult who lacked capacity, whether an advocate, family member or friend supported them.';
COMMENT ON COLUMN safeguard.referral.msp_asked IS 'SAC SG4: whether the adult was asked about the outcomes they wanted.';
COMMENT ON COLUMN safeguard.referral.msp_achieved IS 'SAC SG4: how far the outcomes expressed were achieved (required when outcomes were expressed).';
COMMENT ON COLUMN safeguard.referral.allocated_to IS 'The named officer or manager of the recipient local authority working it; NULL: unallocated (the "virtual worker" caseload).';
COMMENT ON COLUMN safeguard.referral.allocated_by IS 'Who allocated it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.allocated_at IS 'When it was last allocated or unallocated (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.decision_rationale_recorded IS 'For a decided referral: true when the decision''s rationale holds text (the guard makes this always true).';
COMMENT ON COLUMN safeguard.referral.withdrawal_rationale_recorded IS 'For a withdrawn referral: true when the withdrawal''s rationale holds text (the guard makes this always true).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.referral
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'case_id');
CREATE TRIGGER referral_after AFTER UPDATE ON safeguard.referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.referral_after();
CREATE TRIGGER referral_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.referral_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.referral
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.referral ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.referral FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.referral
    USING (safeguard.may_see_la(la_id)) WITH CHECK (safeguard.may_see_la(la_id));
CREATE POLICY reader_scope ON safeguard.referral FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.referral FROM PUBLIC;
GRANT SELECT ON safeguard.referral TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer;
GRANT UPDATE ON safeguard.referral TO safeguard_admin, safeguard_contact_centre,
    safeguard_la_officer;

-- Managers allocate; that is the only column of a referral they may update.
GRANT UPDATE (allocated_to) ON safeguard.referral TO safeguard_sam;
GRANT SELECT (id, concern_id, case_id, la_id, state, immediate_risk, created_at, sent_at,
    sent_method, la_contact, sent_org_id, sent_recorded_at, acknowledged_at, la_reference,
    la_decision, decision_rationale_recorded, decided_org_id, decided_at, action_result,
    risk_outcome, harm_from_delay, outcome_org_id, outcome_at, feedback_at, feedback_method,
    closed_org_id, closed_at, withdrawal_rationale_recorded, withdrawn_org_id, withdrawn_at,
    lacked_capacity, advocate_supported, msp_asked, msp_achieved, allocated_to,
    allocated_at) ON safeguard.referral TO safeguard_reader;
REVOKE SELECT (la_contact, la_reference) ON safeguard.referral FROM safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.referral', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.referral_id_seq', '');

-- A referral sent to another authority than its concern's (a corrected
-- recipient) takes its concern and case along into the recipient's view:
-- whoever sees the referral sees what it is about.  Only for local authority
-- staff and readers: the regulator's staff see every concern already, and a
-- policy reading referral would add serialization conflicts to their work.
CREATE POLICY by_referral ON safeguard.concern FOR SELECT
    TO safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer, safeguard_reader
    USING (EXISTS (SELECT 1 FROM safeguard.referral r
                   WHERE r.concern_id OPERATOR(pg_catalog.=) concern.id));

CREATE POLICY by_referral ON safeguard.safeguarding_case FOR SELECT
    TO safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer, safeguard_reader
    USING (EXISTS (SELECT 1 FROM safeguard.referral r
                   WHERE r.case_id OPERATOR(pg_catalog.=) safeguarding_case.id));

COMMENT ON POLICY by_referral ON safeguard.concern IS
    'A local authority''s staff and readers see a concern whose referral they see (a referral sent to another authority than the concern''s takes its concern along). Named to be evaluated after la_scope and reader_scope.';

COMMENT ON POLICY by_referral ON safeguard.safeguarding_case IS
    'A local authority''s staff and readers see a case whose referral they see. Named to be evaluated after la_scope and reader_scope.';

CREATE FUNCTION safeguard.send_referral(referral_id bigint, method safeguard.contact_method,
    sent_at timestamptz DEFAULT NULL, la_contact text DEFAULT NULL, la_id bigint DEFAULT NULL)
RETURNS safeguard.referral_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.referral_set_state($1, 'sent', sent_method => $2,
          sent_at => coalesce($3, safeguard.now()), la_contact => $4, la_id => $5) $$;
COMMENT ON FUNCTION safeguard.send_referral(bigint, safeguard.contact_method, timestamptz, text, bigint) IS
    'Records that a referral was actually sent (method, time sent: default now, the local authority contact when known, a corrected recipient). Only the contact centre acting for the regulator.';

CREATE FUNCTION safeguard.acknowledge_referral(referral_id bigint,
    acknowledged_at timestamptz DEFAULT NULL, la_reference text DEFAULT NULL)
RETURNS safeguard.referral_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.referral_set_state($1, 'acknowledged',
          acknowledged_at => coalesce($2, safeguard.now()), la_reference => $3) $$;
COMMENT ON FUNCTION safeguard.acknowledge_referral(bigint, timestamptz, text) IS
    'Records the local authority''s acknowledgement (its officer, or the regulator''s contact centre).';

CREATE FUNCTION safeguard.decide_referral(referral_id bigint, decision safeguard.la_decision, rationale text)
RETURNS safeguard.referral_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.referral_set_state($1, 'decided', la_decision => $2, la_decision_rationale => $3) $$;
COMMENT ON FUNCTION safeguard.decide_referral(bigint, safeguard.la_decision, text) IS
    'Records the recipient local authority''s decision (section 42 enquiry, other enquiry, no enquiry) with its rationale.';

CREATE FUNCTION safeguard.close_referral(referral_id bigint,
    feedback_at timestamptz DEFAULT NULL, feedback_method safeguard.contact_method DEFAULT NULL,
    feedback_waived_reason text DEFAULT NULL)
RETURNS safeguard.referral_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.referral_set_state($1, 'closed', feedback_at => $2, feedback_method => $3,
          feedback_waived_reason => $4) $$;
COMMENT ON FUNCTION safeguard.close_referral(bigint, timestamptz, safeguard.contact_method, text) IS
    'Closes a referral once feedback to the referrer is recorded (date and method), or waived with a reason such as an anonymous referrer.';

CREATE FUNCTION safeguard.withdraw_referral(referral_id bigint, rationale text)
RETURNS safeguard.referral_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.referral_set_state($1, 'withdrawn', withdrawal_rationale => $2) $$;
COMMENT ON FUNCTION safeguard.withdraw_referral(bigint, text) IS
    'Withdraws a referral from the send queue: safeguard_admin only (a senior decision), with a rationale.';

CREATE FUNCTION safeguard.referral_set_state(referral_id bigint, state safeguard.referral_state,
    sent_at timestamptz DEFAULT NULL, sent_method safeguard.contact_method DEFAULT NULL,
    la_contact text DEFAULT NULL, la_id bigint DEFAULT NULL,
    acknowledged_at timestamptz DEFAULT NULL, la_reference text DEFAULT NULL,
    la_decision safeguard.la_decision DEFAULT NULL, la_decision_rationale text DEFAULT NULL,
    action_result safeguard.sac_action_result DEFAULT NULL,
    risk_outcome safeguard.sac_risk_outcome DEFAULT NULL,
    harm_from_delay safeguard.harm_finding DEFAULT NULL,
    feedback_at timestamptz DEFAULT NULL, feedback_method safeguard.contact_method DEFAULT NULL,
    feedback_waived_reason text DEFAULT NULL, withdrawal_rationale text DEFAULT NULL,
    lacked_capacity safeguard.sac_capacity DEFAULT NULL, advocate_supported boolean DEFAULT NULL,
    msp_asked safeguard.sac_msp_asked DEFAULT NULL, msp_achieved safeguard.sac_msp_achieved DEFAULT NULL)
RETURNS safeguard.referral_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.referral_state;
BEGIN
    PERFORM safeguard.require_duty('referral:' OPERATOR(pg_catalog.||) referral_set_state.state::pg_catalog.text);
    UPDATE safeguard.referral r
       SET state = referral_set_state.state,
           sent_at = coalesce(referral_set_state.sent_at, r.sent_at),
           sent_method = coalesce(referral_set_state.sent_method, r.sent_method),
           la_contact = coalesce(referral_set_state.la_contact, r.la_contact),
           la_id = coalesce(referral_set_state.la_id, r.la_id),
           acknowledged_at = coalesce(referral_set_state.acknowledged_at, r.acknowledged_at),
           la_reference = coalesce(referral_set_state.la_reference, r.la_reference),
           la_decision = coalesce(referral_set_state.la_decision, r.la_decision),
           la_decision_rationale = coalesce(referral_set_state.la_decision_rationale, r.la_decision_rationale),
           action_result = coalesce(referral_set_state.action_result, r.action_result),
           risk_outcome = coalesce(referral_set_state.risk_outcome, r.risk_outcome),
           harm_from_delay = coalesce(referral_set_state.harm_from_delay, r.harm_from_delay),
           feedback_at = coalesce(referral_set_state.feedback_at, r.feedback_at),
           feedback_method = coalesce(referral_set_state.feedback_method, r.feedback_method),
           feedback_waived_reason = coalesce(referral_set_state.feedback_waived_reason, r.feedback_waived_reason),
           withdrawal_rationale = coalesce(referral_set_state.withdrawal_rationale, r.withdrawal_rationale),
           lacked_capacity = coalesce(referral_set_state.lacked_capacity, r.lacked_capacity),
           advocate_supported = coalesce(referral_set_state.advocate_supported, r.advocate_supported),
           msp_asked = coalesce(referral_set_state.msp_asked, r.msp_asked),
           msp_achieved = coalesce(referral_set_state.msp_achieved, r.msp_achieved)
     WHERE r.id OPERATOR(pg_catalog.=) referral_set_state.referral_id
    RETURNING r.state INTO result;
    IF NOT FOUND THEN
        PERFORM safeguard.referral_not_found(referral_set_state.referral_id);
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.referral_set_state(bigint, safeguard.referral_state, timestamptz, safeguard.contact_method, text, bigint, timestamptz, text, safeguard.la_decision, text, safeguard.sac_action_result, safeguard.sac_risk_outcome, safeguard.harm_finding, timestamptz, safeguard.contact_method, text, text, safeguard.sac_capacity, boolean, safeguard.sac_msp_asked, safeguard.sac_msp_achieved) IS
    'Moves a referral to a state with that transition''s columns (others keep their values); the C guard decides. The named functions call it.';

CREATE FUNCTION safeguard.record_referral_outcome(referral_id bigint,
    action_result safeguard.sac_action_result DEFAULT NULL,
    risk_outcome safeguard.sac_risk_outcome DEFAULT NULL,
    harm_from_delay safeguard.harm_finding DEFAULT NULL,
    lacked_capacity safeguard.sac_capacity DEFAULT NULL,
    advocate_supported boolean DEFAULT NULL,
    msp_asked safeguard.sac_msp_asked DEFAULT NULL,
    msp_achieved safeguard.sac_msp_achieved DEFAULT NULL)
RETURNS safeguard.referral_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.referral_set_state($1, 'outcome_recorded', action_result => $2,
          risk_outcome => $3, harm_from_delay => $4, lacked_capacity => $5,
          advocate_supported => $6, msp_asked => $7, msp_achieved => $8) $$;
COMMENT ON FUNCTION safeguard.record_referral_outcome(bigint, safeguard.sac_action_result, safeguard.sac_risk_outcome, safeguard.harm_finding, safeguard.sac_capacity, boolean, safeguard.sac_msp_asked, safeguard.sac_msp_achieved) IS
    'Records the outcome (SAC action and result, risk outcome, capacity and advocacy, Making Safeguarding Personal) and, for a referral sent late, whether the delay caused harm. The answers must agree (SG604); an expressed outcome needs msp_achieved (SG202).';

CREATE FUNCTION safeguard.allocate_referral(referral_id bigint, officer regrole)
RETURNS regrole
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result regrole;
BEGIN
    PERFORM safeguard.require_duty('allocate_referral');
    UPDATE safeguard.referral r SET allocated_to = allocate_referral.officer
     WHERE r.id OPERATOR(pg_catalog.=) allocate_referral.referral_id
    RETURNING r.allocated_to INTO result;
    IF NOT FOUND THEN
        PERFORM safeguard.referral_not_found(allocate_referral.referral_id);
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.allocate_referral(bigint, regrole) IS
    'Allocates a referral to a named officer or manager of its local authority (NULL: back to the unallocated caseload). The recipient authority''s officers and managers only, while the referral is with them (SG602).';

CREATE VIEW safeguard.case_overview WITH (security_invoker = true) AS
SELECT c.id AS case_id, c.la_id, c.provider_location_id, c.state, c.opened_at, c.closed_at,
       (SELECT pg_catalog.count(*) FROM safeguard.concern x
         WHERE x.case_id OPERATOR(pg_catalog.=) c.id) AS concerns,
       (SELECT pg_catalog.count(*) FROM safeguard.concern x
         WHERE x.case_id OPERATOR(pg_catalog.=) c.id AND x.joined_open_case) AS repeat_concerns,
       (SELECT pg_catalog.count(*) FROM safeguard.referral r
         WHERE r.case_id OPERATOR(pg_catalog.=) c.id) AS referrals
FROM safeguard.safeguarding_case c;
COMMENT ON VIEW safeguard.case_overview IS 'Cases with their concern counts: repeat concerns are those that joined the case while it was open.';
COMMENT ON COLUMN safeguard.case_overview.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.case_overview.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.case_overview.provider_location_id IS 'Provider location, if any.';
COMMENT ON COLUMN safeguard.case_overview.state IS 'open or closed.';
COMMENT ON COLUMN safeguard.case_overview.opened_at IS 'When opened.';
COMMENT ON COLUMN safeguard.case_overview.closed_at IS 'When closed.';
COMMENT ON COLUMN safeguard.case_overview.concerns IS 'Concerns in the case.';
COMMENT ON COLUMN safeguard.case_overview.repeat_concerns IS 'Concerns that joined it while open (repeats).';
COMMENT ON COLUMN safeguard.case_overview.referrals IS 'Referrals made in the case.';
GRANT SELECT ON safeguard.case_overview TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer;

--------------------------------------------------------------------------
-- 4a. The council pathway (issue 16)
-- A local authority's own concerns: its officer logs a concern from any
-- source (the council sources of concern_source), an officer or SAM of the
-- authority decides on it (concern_decision: section 42 enquiry, other
-- enquiry, or no enquiry with the action taken instead), and an enquiry
-- decision opens an enquiry (la_enquiry) with its own state machine
-- (decided, allocated, in_progress, concluded, closed) enforced in C
-- (la_enquiry.c, la_enquiry_fsm.c) for every client path, its strategy
-- discussions (la_enquiry_strategy) and its safeguarding plan with the
-- plan's reviews (la_enquiry_plan, la_enquiry_plan_review).  Only the authority's own staff see
-- these tables (works_for_la); readers see their columns without free text
-- or people.
--------------------------------------------------------------------------

CREATE TYPE safeguard.alternative_action AS ENUM
    ('information_and_advice', 'signposting', 'care_act_assessment', 'other_agency_leads', 'other');
COMMENT ON TYPE safeguard.alternative_action IS 'What a local authority did instead of an enquiry when it decided no_enquiry on its own concern: information and advice, signposting, a Care Act assessment, another agency leads, other.';

CREATE TYPE safeguard.la_enquiry_state AS ENUM ('decided', 'allocated', 'in_progress', 'concluded', 'closed');
COMMENT ON TYPE safeguard.la_enquiry_state IS 'States of a local authority''s own enquiry; transitions are enforced in C (docs/council-pathway.md).';

CREATE FUNCTION safeguard.works_for_la(la_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_works_for_la';
COMMENT ON FUNCTION safeguard.works_for_la(bigint) IS
    'Row-level security predicate of the council pathway: true when the current role is on the staff of that local authority (officer, manager, enquiry officer, commissioner, administrator); the regulator''s staff see the referrals they sent, not a council''s own enquiries.';

CREATE FUNCTION safeguard.concern_decision_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_concern_decision_guard';
COMMENT ON FUNCTION safeguard.concern_decision_guard() IS 'Trigger: who may decide on a council''s own concern, with a rationale, the threshold answers and (no enquiry) the action taken instead; decisions are final.';
REVOKE ALL ON FUNCTION safeguard.concern_decision_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.concern_decision_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_concern_decision_after';
COMMENT ON FUNCTION safeguard.concern_decision_after() IS 'Trigger: meets the concern''s triage deadline; an enquiry decision creates the enquiry and its contact and conclusion deadlines.';
REVOKE ALL ON FUNCTION safeguard.concern_decision_after() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_guard';
COMMENT ON FUNCTION safeguard.la_enquiry_guard() IS 'Trigger: the local authority enquiry state machine, enforced for every client path.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_after';
COMMENT ON FUNCTION safeguard.la_enquiry_after() IS 'Trigger: deadlines met, breached and opened by enquiry transitions; closes the case when its work is done.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_after() FROM PUBLIC;

CREATE TABLE safeguard.concern_decision (
    concern_id             bigint PRIMARY KEY REFERENCES safeguard.concern,
    decision               safeguard.la_decision NOT NULL,
    rationale              text NOT NULL,
    care_and_support_needs boolean NOT NULL,
    abuse_or_neglect       boolean NOT NULL,
    unable_to_protect_self boolean NOT NULL,
    alternative_action     safeguard.alternative_action,
    la_id                  bigint REFERENCES safeguard.organisation,
    case_id                bigint REFERENCES safeguard.safeguarding_case,
    decided_by             regrole,
    decided_org_id         bigint,
    decided_duty           safeguard.duty,
    decided_at             timestamptz,
    decided_team           text
);

CREATE INDEX concern_decision_la ON safeguard.concern_decision (la_id);

COMMENT ON TABLE safeguard.concern_decision IS
    'A local authority''s decision on a concern its own officer logged: section 42 enquiry, other enquiry, or no enquiry with the action taken instead; with its rationale and the section 42(1) threshold answers. One per concern (a concern has this or a triage decision, never both), never changed. An enquiry decision creates the enquiry (safeguard.la_enquiry) in decided.';
COMMENT ON COLUMN safeguard.concern_decision.concern_id IS 'The concern decided.';
COMMENT ON COLUMN safeguard.concern_decision.decision IS 'section_42_enquiry, other_enquiry or no_enquiry.';
COMMENT ON COLUMN safeguard.concern_decision.rationale IS 'Why: required, never blank.';
COMMENT ON COLUMN safeguard.concern_decision.care_and_support_needs IS 'Threshold s42(1)(a): the adult has needs for care and support.';
COMMENT ON COLUMN safeguard.concern_decision.abuse_or_neglect IS 'Threshold s42(1)(b): the adult is experiencing, or at risk of, abuse or neglect.';
COMMENT ON COLUMN safeguard.concern_decision.unable_to_protect_self IS 'Threshold s42(1)(c): as a result of those needs the adult is unable to protect themselves.';
COMMENT ON COLUMN safeguard.concern_decision.alternative_action IS 'For no_enquiry (required then, refused otherwise): what was done instead.';
COMMENT ON COLUMN safeguard.concern_decision.la_id IS 'Local authority of the concern (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.case_id IS 'Case of the concern (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_by IS 'Role that decided (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_org_id IS 'Organisation it acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_duty IS 'Duty it acted under: la_officer or sam (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_team IS 'Team of the grant under which the decision was made (recorded by safeguard).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.concern_decision
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.concern_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('concern_id', '', 'case_id');
CREATE TRIGGER concern_decision_after AFTER INSERT ON safeguard.concern_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.concern_decision_after();
CREATE TRIGGER concern_decision_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.concern_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.concern_decision_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.concern_decision
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.concern_decision ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.concern_decision FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.concern_decision
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.concern_decision FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.concern_decision FROM PUBLIC;
GRANT SELECT ON safeguard.concern_decision TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT ON safeguard.concern_decision TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (concern_id, decision, care_and_support_needs, abuse_or_neglect, unable_to_protect_self,
    alternative_action, la_id, case_id, decided_org_id, decided_duty, decided_at,
    decided_team)
    ON safeguard.concern_decision TO safeguard_reader;
-- The team that decided, for the virtual worker caseload by team (report_unallocated).
GRANT SELECT (decided_team) ON safeguard.concern_decision TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.concern_decision', '');

CREATE TABLE safeguard.la_enquiry (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    concern_id             bigint NOT NULL UNIQUE REFERENCES safeguard.concern_decision,
    case_id                bigint NOT NULL REFERENCES safeguard.safeguarding_case,
    la_id                  bigint NOT NULL REFERENCES safeguard.organisation,
    kind                   safeguard.la_decision NOT NULL
        CHECK (kind OPERATOR(pg_catalog.<>) 'no_enquiry'::safeguard.la_decision),
    state                  safeguard.la_enquiry_state NOT NULL DEFAULT 'decided',
    decided_at             timestamptz NOT NULL,
    decided_by             regrole NOT NULL,
    adult_date_of_death    date,
    allocated_to           regrole,
    allocated_by           regrole,
    allocated_at           timestamptz,
    msp_asked              safeguard.sac_msp_asked,
    msp_outcomes_wanted    text,
    msp_not_asked_reason   text,
    lacked_capacity        safeguard.sac_capacity,
    advocate_arranged      boolean,
    advocate_not_arranged_reason text,
    started_by             regrole,
    started_org_id         bigint,
    started_at             timestamptz,
    action_result          safeguard.sac_action_result,
    risk_types             safeguard.sac_risk_type[],
    risk_location          safeguard.sac_risk_location,
    source_of_risk         safeguard.sac_source_of_risk,
    risk_outcome           safeguard.sac_risk_outcome,
    msp_achieved           safeguard.sac_msp_achieved,
    sar_considered         boolean,
    concluded_by           regrole,
    concluded_org_id       bigint,
    concluded_at           timestamptz,
    feedback_at            timestamptz,
    feedback_method        safeguard.contact_method,
    feedback_not_given_reason text,
    adult_feedback_at      timestamptz,
    adult_feedback_not_given_reason text,
    closed_by              regrole,
    closed_org_id          bigint,
    closed_at              timestamptz,
    retrospective          boolean GENERATED ALWAYS AS (adult_date_of_death IS NOT NULL) STORED
);

CREATE INDEX la_enquiry_la ON safeguard.la_enquiry (la_id);
CREATE INDEX la_enquiry_case ON safeguard.la_enquiry (case_id);

-- Enquiries not yet allocated: the "virtual worker" caseload, by authority.
CREATE INDEX la_enquiry_unallocated ON safeguard.la_enquiry (la_id)
    WHERE state OPERATOR(pg_catalog.=) 'decided'::safeguard.la_enquiry_state;

COMMENT ON INDEX safeguard.la_enquiry_unallocated IS
    'Enquiries decided but not yet allocated (the "virtual worker" caseload), by local authority.';
-- The reports' reads that must not grow with closed history (issue 19, target 2):
-- sac_return's year (decided or concluded in it) and report_unallocated's open work.
CREATE INDEX la_enquiry_decided_at ON safeguard.la_enquiry (decided_at);
CREATE INDEX la_enquiry_concluded_at ON safeguard.la_enquiry (concluded_at);
CREATE INDEX la_enquiry_open ON safeguard.la_enquiry (la_id)
    WHERE state OPERATOR(pg_catalog.<>) 'closed'::safeguard.la_enquiry_state;
COMMENT ON INDEX safeguard.la_enquiry_decided_at IS
    'Enquiries by the instant decided: a period of them (sac_return''s enquiries commenced in its year, through council_enquiries(active_from, active_to, open_only)) read under row-level security.';
COMMENT ON INDEX safeguard.la_enquiry_concluded_at IS
    'Enquiries by the instant concluded: a period of them (sac_return''s enquiries concluded in its year) read under row-level security.';
COMMENT ON INDEX safeguard.la_enquiry_open IS
    'Enquiries not yet closed (decided, allocated, in progress or concluded), by local authority: report_unallocated''s open work, read without the closed history.';
COMMENT ON TABLE safeguard.la_enquiry IS
    'A local authority''s own safeguarding enquiry (section 42 or other), one per enquiry decision on its own concern. Created in decided by safeguard.decide_concern; allocated by a SAM to a named officer, started with Making Safeguarding Personal, concluded with the SAC outcome, closed by a SAM with the feedback to the referrer. Every change is a transition checked in C; never deleted. Seen by the authority''s own staff only.';
COMMENT ON COLUMN safeguard.la_enquiry.id IS 'Enquiry number.';
COMMENT ON COLUMN safeguard.la_enquiry.concern_id IS 'The concern whose decision opened it.';
COMMENT ON COLUMN safeguard.la_enquiry.case_id IS 'The case it belongs to (its audit rows join the case''s chain).';
COMMENT ON COLUMN safeguard.la_enquiry.la_id IS 'The local authority making the enquiry.';
COMMENT ON COLUMN safeguard.la_enquiry.kind IS 'section_42_enquiry or other_enquiry, as decided.';
COMMENT ON COLUMN safeguard.la_enquiry.state IS 'decided, allocated, in_progress, concluded or closed.';
COMMENT ON COLUMN safeguard.la_enquiry.decided_at IS 'When the concern decision opened it (the anchor of its contact and conclusion deadlines).';
COMMENT ON COLUMN safeguard.la_enquiry.decided_by IS 'Who made that decision.';
COMMENT ON COLUMN safeguard.la_enquiry.adult_date_of_death IS 'The concern''s date of death: a retrospective enquiry about an adult who has died (copied by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.allocated_to IS 'The named officer or manager of the authority working it; NULL while decided (the "virtual worker" caseload).';
COMMENT ON COLUMN safeguard.la_enquiry.allocated_by IS 'The SAM who (re)allocated it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.allocated_at IS 'When it was last (re)allocated (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.msp_asked IS 'Making Safeguarding Personal at the start (SAC SG4): whether the adult was asked what outcomes they want; required unless the adult has died.';
COMMENT ON COLUMN safeguard.la_enquiry.msp_outcomes_wanted IS 'The outcomes the adult wants, as they said them (required when outcomes were expressed).';
COMMENT ON COLUMN safeguard.la_enquiry.msp_not_asked_reason IS 'Why the adult was not asked (required when msp_asked is No or Don''t know).';
COMMENT ON COLUMN safeguard.la_enquiry.lacked_capacity IS 'Capacity in relation to the enquiry (SAC SG3), at the start; required unless the adult has died.';
COMMENT ON COLUMN safeguard.la_enquiry.advocate_arranged IS 'Whether an independent advocate was arranged (Care Act s68), at the start; required unless the adult has died.';
COMMENT ON COLUMN safeguard.la_enquiry.advocate_not_arranged_reason IS 'Why no advocate was arranged (required then: e.g. no substantial difficulty, an appropriate person).';
COMMENT ON COLUMN safeguard.la_enquiry.started_by IS 'Who started it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.started_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.started_at IS 'When it started (recorded by safeguard; meets the contact deadline).';
COMMENT ON COLUMN safeguard.la_enquiry.action_result IS 'Action and result (SAC), at the conclusion.';
COMMENT ON COLUMN safeguard.la_enquiry.risk_types IS 'Types of risk the enquiry found (SAC), at the conclusion; at least one.';
COMMENT ON COLUMN safeguard.la_enquiry.risk_location IS 'Location of risk (SAC), at the conclusion.';
COMMENT ON COLUMN safeguard.la_enquiry.source_of_risk IS 'Source of risk (SAC), at the conclusion.';
COMMENT ON COLUMN safeguard.la_enquiry.risk_outcome IS 'Risk outcome (SAC); required when a risk identified or inconclusive was acted on.';
COMMENT ON COLUMN safeguard.la_enquiry.msp_achieved IS 'How far the outcomes the adult expressed were achieved (SAC SG4): required exactly when outcomes were expressed.';
COMMENT ON COLUMN safeguard.la_enquiry.sar_considered IS 'Whether a Safeguarding Adults Review referral was considered: required at the conclusion of a retrospective enquiry.';
COMMENT ON COLUMN safeguard.la_enquiry.concluded_by IS 'Who concluded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.concluded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.concluded_at IS 'When it concluded (recorded by safeguard; meets the conclusion deadline).';
COMMENT ON COLUMN safeguard.la_enquiry.feedback_at IS 'When the referrer heard the outcome.';
COMMENT ON COLUMN safeguard.la_enquiry.feedback_method IS 'How the referrer heard it.';
COMMENT ON COLUMN safeguard.la_enquiry.feedback_not_given_reason IS 'Why no feedback can be given (an anonymous referrer, the adult declined), instead of feedback_at and feedback_method.';
COMMENT ON COLUMN safeguard.la_enquiry.adult_feedback_at IS 'When the adult (or their representative) heard what the enquiry found (required at closure unless a reason is given; not for an adult who has died).';
COMMENT ON COLUMN safeguard.la_enquiry.adult_feedback_not_given_reason IS 'Why the adult was not given feedback, instead of adult_feedback_at.';
COMMENT ON COLUMN safeguard.la_enquiry.closed_by IS 'The SAM who signed it off (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.closed_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.closed_at IS 'When it closed (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.retrospective IS 'True for an enquiry about an adult who has died (adult_date_of_death recorded): capacity, advocacy and Making Safeguarding Personal do not apply.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.la_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.la_enquiry
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'case_id');
CREATE TRIGGER la_enquiry_after AFTER UPDATE ON safeguard.la_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_after();
CREATE TRIGGER la_enquiry_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.la_enquiry
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.la_enquiry ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.la_enquiry FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.la_enquiry
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.la_enquiry FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.la_enquiry FROM PUBLIC;
GRANT SELECT ON safeguard.la_enquiry TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT UPDATE ON safeguard.la_enquiry TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, concern_id, case_id, la_id, kind, state, decided_at, allocated_at, msp_asked,
    lacked_capacity, advocate_arranged, started_org_id, started_at, action_result, risk_types,
    risk_location, source_of_risk, risk_outcome, msp_achieved, sar_considered, concluded_org_id,
    concluded_at, feedback_at, feedback_method, adult_feedback_at, closed_org_id, closed_at,
    retrospective)
    ON safeguard.la_enquiry TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_id_seq', '');

-- Workflow functions: thin wrappers over INSERT and UPDATE with the caller's
-- rights (SECURITY INVOKER); the C guards see the real actor and decide.
CREATE FUNCTION safeguard.decide_concern(concern_id bigint, decision safeguard.la_decision,
    rationale text, care_and_support_needs boolean, abuse_or_neglect boolean,
    unable_to_protect_self boolean, alternative_action safeguard.alternative_action DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('decide_concern');
    INSERT INTO safeguard.concern_decision (concern_id, decision, rationale, care_and_support_needs,
        abuse_or_neglect, unable_to_protect_self, alternative_action)
    VALUES ($1, $2, $3, $4, $5, $6, $7);
    SELECT e.id FROM safeguard.la_enquiry e WHERE e.concern_id OPERATOR(pg_catalog.=) $1;
$$;
COMMENT ON FUNCTION safeguard.decide_concern(bigint, safeguard.la_decision, text, boolean, boolean, boolean, safeguard.alternative_action) IS
    'A local authority''s decision on a concern its own officer logged (an LA officer or SAM of that authority): section_42_enquiry, other_enquiry, or no_enquiry with the alternative action; rationale and the s42(1) threshold answers required; final. Returns the enquiry an enquiry decision opens, else NULL.';

CREATE FUNCTION safeguard.allocate_enquiry(enquiry_id bigint, officer regrole)
RETURNS safeguard.la_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.la_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('allocate_enquiry');
    UPDATE safeguard.la_enquiry e
       SET state = CASE WHEN e.state OPERATOR(pg_catalog.=) 'decided'::safeguard.la_enquiry_state
                        THEN 'allocated'::safeguard.la_enquiry_state ELSE e.state END,
           allocated_to = allocate_enquiry.officer
     WHERE e.id OPERATOR(pg_catalog.=) allocate_enquiry.enquiry_id
    RETURNING e.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enquiry % does not exist or is not visible to you', allocate_enquiry.enquiry_id
            USING ERRCODE = 'SG208', HINT = 'Local authority staff see only their own authority''s enquiries.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.allocate_enquiry(bigint, regrole) IS
    'Allocates a decided enquiry to a named officer or manager of its authority, or reallocates an allocated or started one: a SAM of the authority only (42501); SG602 for an officer without the duty there.';

CREATE FUNCTION safeguard.start_enquiry(enquiry_id bigint,
    msp_asked safeguard.sac_msp_asked DEFAULT NULL, msp_outcomes_wanted text DEFAULT NULL,
    msp_not_asked_reason text DEFAULT NULL, lacked_capacity safeguard.sac_capacity DEFAULT NULL,
    advocate_arranged boolean DEFAULT NULL, advocate_not_arranged_reason text DEFAULT NULL)
RETURNS safeguard.la_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.la_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('la_enquiry:in_progress');
    UPDATE safeguard.la_enquiry e
       SET state = 'in_progress', msp_asked = start_enquiry.msp_asked,
           msp_outcomes_wanted = start_enquiry.msp_outcomes_wanted,
           msp_not_asked_reason = start_enquiry.msp_not_asked_reason,
           lacked_capacity = start_enquiry.lacked_capacity,
           advocate_arranged = start_enquiry.advocate_arranged,
           advocate_not_arranged_reason = start_enquiry.advocate_not_arranged_reason
     WHERE e.id OPERATOR(pg_catalog.=) start_enquiry.enquiry_id
    RETURNING e.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enquiry % does not exist or is not visible to you', start_enquiry.enquiry_id
            USING ERRCODE = 'SG208', HINT = 'Local authority staff see only their own authority''s enquiries.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.start_enquiry(bigint, safeguard.sac_msp_asked, text, text, safeguard.sac_capacity, boolean, text) IS
    'Starts an allocated enquiry (its allocated officer, or a SAM) with Making Safeguarding Personal (asked; the outcomes wanted, or why not asked), capacity, and an advocate arranged or why not (SG217); none of these for an adult who has died (SG218).';

CREATE FUNCTION safeguard.conclude_enquiry(enquiry_id bigint,
    action_result safeguard.sac_action_result, risk_types safeguard.sac_risk_type[],
    risk_location safeguard.sac_risk_location, source_of_risk safeguard.sac_source_of_risk,
    risk_outcome safeguard.sac_risk_outcome DEFAULT NULL,
    msp_achieved safeguard.sac_msp_achieved DEFAULT NULL, sar_considered boolean DEFAULT NULL)
RETURNS safeguard.la_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.la_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('la_enquiry:concluded');
    UPDATE safeguard.la_enquiry e
       SET state = 'concluded', action_result = conclude_enquiry.action_result,
           risk_types = conclude_enquiry.risk_types, risk_location = conclude_enquiry.risk_location,
           source_of_risk = conclude_enquiry.source_of_risk, risk_outcome = conclude_enquiry.risk_outcome,
           msp_achieved = conclude_enquiry.msp_achieved, sar_considered = conclude_enquiry.sar_considered
     WHERE e.id OPERATOR(pg_catalog.=) conclude_enquiry.enquiry_id
    RETURNING e.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enquiry % does not exist or is not visible to you', conclude_enquiry.enquiry_id
            USING ERRCODE = 'SG208', HINT = 'Local authority staff see only their own authority''s enquiries.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.conclude_enquiry(bigint, safeguard.sac_action_result, safeguard.sac_risk_type[], safeguard.sac_risk_location, safeguard.sac_source_of_risk, safeguard.sac_risk_outcome, safeguard.sac_msp_achieved, boolean) IS
    'Concludes an enquiry in progress (its allocated officer, or a SAM) with the SAC outcome: types, location and source of risk, action and result, the risk outcome when a risk was acted on, how far expressed outcomes were achieved, and for an adult who has died whether a Safeguarding Adults Review referral was considered (SG219, SG604).';

CREATE FUNCTION safeguard.close_enquiry(enquiry_id bigint,
    feedback_at timestamptz DEFAULT NULL, feedback_method safeguard.contact_method DEFAULT NULL,
    feedback_not_given_reason text DEFAULT NULL, adult_feedback_at timestamptz DEFAULT NULL,
    adult_feedback_not_given_reason text DEFAULT NULL)
RETURNS safeguard.la_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.la_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('la_enquiry:closed');
    UPDATE safeguard.la_enquiry e
       SET state = 'closed', feedback_at = close_enquiry.feedback_at,
           feedback_method = close_enquiry.feedback_method,
           feedback_not_given_reason = close_enquiry.feedback_not_given_reason,
           adult_feedback_at = close_enquiry.adult_feedback_at,
           adult_feedback_not_given_reason = close_enquiry.adult_feedback_not_given_reason
     WHERE e.id OPERATOR(pg_catalog.=) close_enquiry.enquiry_id
    RETURNING e.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enquiry % does not exist or is not visible to you', close_enquiry.enquiry_id
            USING ERRCODE = 'SG208', HINT = 'Local authority staff see only their own authority''s enquiries.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.close_enquiry(bigint, timestamptz, safeguard.contact_method, text, timestamptz, text) IS
    'Closes a concluded enquiry: a SAM of the authority only (the manager''s sign-off), with the feedback to the referrer (when and how) or the reason it cannot be given, and the feedback to the adult (when) or the reason not, unless the adult has died (SG220, SG218).';

CREATE TYPE safeguard.strategy_kind AS ENUM ('discussion', 'meeting');
COMMENT ON TYPE safeguard.strategy_kind IS 'A strategy discussion (by telephone or video, between agencies) or a strategy meeting.';

CREATE FUNCTION safeguard.la_enquiry_strategy_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_strategy_guard';
COMMENT ON FUNCTION safeguard.la_enquiry_strategy_guard() IS 'Trigger: who may record an enquiry''s strategy discussion, when, and what it records; never changed.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_strategy_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_strategy_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_strategy_after';
COMMENT ON FUNCTION safeguard.la_enquiry_strategy_after() IS 'Trigger: the enquiry''s first strategy discussion judges its strategy_discussion deadline met or breached.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_strategy_after() FROM PUBLIC;

CREATE TABLE safeguard.la_enquiry_strategy (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id      bigint NOT NULL REFERENCES safeguard.la_enquiry,
    kind            safeguard.strategy_kind NOT NULL,
    held_at         timestamptz NOT NULL,
    attendees       text NOT NULL,
    decisions       text NOT NULL,
    la_id           bigint REFERENCES safeguard.organisation,
    case_id         bigint REFERENCES safeguard.safeguarding_case,
    recorded_by     regrole,
    recorded_org_id bigint,
    recorded_at     timestamptz
);

CREATE INDEX la_enquiry_strategy_enquiry ON safeguard.la_enquiry_strategy (enquiry_id);

COMMENT ON TABLE safeguard.la_enquiry_strategy IS
    'A strategy discussion or meeting held for a council''s enquiry: when, who attended, what was decided. Recorded by the allocated officer or a SAM while the enquiry is allocated or in progress; never changed. The first one judges the enquiry''s strategy_discussion deadline.';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.kind IS 'discussion or meeting.';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.held_at IS 'When it was held (not in the future, not before the decision that opened the enquiry).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.attendees IS 'Who took part, people and agencies (required).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.decisions IS 'What was decided, and who will do what (required).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.la_id IS 'The enquiry''s local authority (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.case_id IS 'The enquiry''s case (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.recorded_at IS 'When it was recorded (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.la_enquiry_strategy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.la_enquiry_strategy
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_strategy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
CREATE TRIGGER la_enquiry_strategy_after AFTER INSERT ON safeguard.la_enquiry_strategy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_strategy_after();
CREATE TRIGGER la_enquiry_strategy_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_strategy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_strategy_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.la_enquiry_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.la_enquiry_strategy ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.la_enquiry_strategy FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.la_enquiry_strategy
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.la_enquiry_strategy FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.la_enquiry_strategy FROM PUBLIC;
GRANT SELECT ON safeguard.la_enquiry_strategy TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT ON safeguard.la_enquiry_strategy TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, enquiry_id, kind, held_at, la_id, case_id, recorded_org_id, recorded_at)
    ON safeguard.la_enquiry_strategy TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_strategy', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_strategy_id_seq', '');

CREATE FUNCTION safeguard.record_strategy_discussion(enquiry_id bigint, kind safeguard.strategy_kind,
    held_at timestamptz, attendees text, decisions text)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_strategy_discussion');
    INSERT INTO safeguard.la_enquiry_strategy (enquiry_id, kind, held_at, attendees, decisions)
    VALUES ($1, $2, $3, $4, $5)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.record_strategy_discussion(bigint, safeguard.strategy_kind, timestamptz, text, text) IS
    'Records a strategy discussion or meeting of an allocated or started enquiry (its allocated officer, or a SAM): when, who attended, what was decided; returns its id. The first judges the strategy_discussion deadline (5 working days from the decision).';

CREATE FUNCTION safeguard.la_enquiry_plan_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_plan_guard';
COMMENT ON FUNCTION safeguard.la_enquiry_plan_guard() IS 'Trigger: who may make an enquiry''s safeguarding plan, when, and what it records; one per enquiry, never changed.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_plan_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_plan_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_plan_after';
COMMENT ON FUNCTION safeguard.la_enquiry_plan_after() IS 'Trigger: opens a safeguarding plan''s review deadline.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_plan_after() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_plan_review_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_plan_review_guard';
COMMENT ON FUNCTION safeguard.la_enquiry_plan_review_guard() IS 'Trigger: who may review a safeguarding plan, when, and what a review records; an ended plan is not reviewed again.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_plan_review_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_plan_review_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_plan_review_after';
COMMENT ON FUNCTION safeguard.la_enquiry_plan_review_after() IS 'Trigger: a review meets the plan''s review deadline and, unless it ends the plan, opens the next.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_plan_review_after() FROM PUBLIC;

CREATE TABLE safeguard.la_enquiry_plan (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id      bigint NOT NULL UNIQUE REFERENCES safeguard.la_enquiry,
    made_at         timestamptz NOT NULL,
    summary         text NOT NULL,
    la_id           bigint REFERENCES safeguard.organisation,
    case_id         bigint REFERENCES safeguard.safeguarding_case,
    recorded_by     regrole,
    recorded_org_id bigint,
    recorded_at     timestamptz
);

COMMENT ON TABLE safeguard.la_enquiry_plan IS
    'The safeguarding plan of a council''s enquiry: what will be done to keep the adult safe. One per enquiry, made while it is in progress or concluded by the allocated officer or a SAM; reviewed (safeguard.la_enquiry_plan_review) within 30 working days of the plan and of each review, until a review ends it; never changed.';
COMMENT ON COLUMN safeguard.la_enquiry_plan.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.la_enquiry_plan.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.la_enquiry_plan.made_at IS 'When the plan was agreed (not in the future, not before the decision that opened the enquiry; the anchor of its first review deadline).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.summary IS 'What will be done, by whom (required).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.la_id IS 'The enquiry''s local authority (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.case_id IS 'The enquiry''s case (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.recorded_at IS 'When it was recorded (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.la_enquiry_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.la_enquiry_plan
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
CREATE TRIGGER la_enquiry_plan_after AFTER INSERT ON safeguard.la_enquiry_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_plan_after();
CREATE TRIGGER la_enquiry_plan_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_plan_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.la_enquiry_plan
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.la_enquiry_plan ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.la_enquiry_plan FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.la_enquiry_plan
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.la_enquiry_plan FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.la_enquiry_plan FROM PUBLIC;
GRANT SELECT ON safeguard.la_enquiry_plan TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT ON safeguard.la_enquiry_plan TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, enquiry_id, made_at, la_id, case_id, recorded_org_id, recorded_at)
    ON safeguard.la_enquiry_plan TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_plan', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_plan_id_seq', '');

CREATE TABLE safeguard.la_enquiry_plan_review (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id         bigint NOT NULL REFERENCES safeguard.la_enquiry_plan,
    reviewed_at     timestamptz NOT NULL,
    outcome         text NOT NULL,
    plan_ended      boolean NOT NULL DEFAULT false,
    enquiry_id      bigint REFERENCES safeguard.la_enquiry,
    la_id           bigint REFERENCES safeguard.organisation,
    case_id         bigint REFERENCES safeguard.safeguarding_case,
    recorded_by     regrole,
    recorded_org_id bigint,
    recorded_at     timestamptz
);

CREATE INDEX la_enquiry_plan_review_plan ON safeguard.la_enquiry_plan_review (plan_id);

COMMENT ON TABLE safeguard.la_enquiry_plan_review IS
    'A review of a safeguarding plan: when, what it found, and whether it ended the plan. By the allocated officer or a SAM; meets the plan''s review deadline and, unless it ends the plan, opens the next; never changed.';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.plan_id IS 'The plan reviewed.';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.reviewed_at IS 'When it was reviewed (not in the future, not before the plan or its last review).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.outcome IS 'What the review found and what changes (required).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.plan_ended IS 'True when this review ended the plan: no further review is due or accepted.';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.enquiry_id IS 'The plan''s enquiry (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.la_id IS 'The enquiry''s local authority (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.case_id IS 'The enquiry''s case (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.recorded_at IS 'When it was recorded (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.la_enquiry_plan_review
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.la_enquiry_plan_review
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_plan_review
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
CREATE TRIGGER la_enquiry_plan_review_after AFTER INSERT ON safeguard.la_enquiry_plan_review
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_plan_review_after();
CREATE TRIGGER la_enquiry_plan_review_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_plan_review
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_plan_review_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.la_enquiry_plan_review
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.la_enquiry_plan_review ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.la_enquiry_plan_review FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.la_enquiry_plan_review
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.la_enquiry_plan_review FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.la_enquiry_plan_review FROM PUBLIC;
GRANT SELECT ON safeguard.la_enquiry_plan_review TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT ON safeguard.la_enquiry_plan_review TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, plan_id, reviewed_at, plan_ended, enquiry_id, la_id, case_id, recorded_org_id, recorded_at)
    ON safeguard.la_enquiry_plan_review TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_plan_review', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_plan_review_id_seq', '');

CREATE FUNCTION safeguard.make_safeguarding_plan(enquiry_id bigint, made_at timestamptz, summary text)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('make_safeguarding_plan');
    INSERT INTO safeguard.la_enquiry_plan (enquiry_id, made_at, summary) VALUES ($1, $2, $3)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.make_safeguarding_plan(bigint, timestamptz, text) IS
    'Makes the safeguarding plan of an enquiry in progress or concluded (its allocated officer, or a SAM); one per enquiry; returns its id. Its review is due within 30 working days.';

CREATE FUNCTION safeguard.review_safeguarding_plan(plan_id bigint, reviewed_at timestamptz, outcome text,
    plan_ended boolean DEFAULT false)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('review_safeguarding_plan');
    INSERT INTO safeguard.la_enquiry_plan_review (plan_id, reviewed_at, outcome, plan_ended)
    VALUES ($1, $2, $3, $4)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.review_safeguarding_plan(bigint, timestamptz, text, boolean) IS
    'Records a review of a safeguarding plan (the enquiry''s allocated officer, or a SAM), and whether it ends the plan; returns its id. The next review is due within 30 working days unless the plan ended.';

-- A referral the regulator sends to an authority that receives referrals
-- as concerns arrives as that authority's concern (concern.referral_id,
-- made in C by src/referral_arrival.c when the referral is sent), and the
-- referral's LA-side states follow the council's records of it.  The
-- regulator reads that pathway in referral_la_pathway: states and dates,
-- never the council's notes (its decision's rationale, the enquiry, the
-- plans stay under works_for_la).  concern.referral_id has no foreign key:
-- only safeguard sets it, from the referral being sent, and referral already
-- references concern (a cycle would leave pg_dump no order for the data).

CREATE VIEW safeguard.referral_la_pathway WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, o.name AS local_authority, r.state, r.sent_at,
       a.id AS council_concern_id, a.id IS NOT NULL AS arrived_as_concern,
       r.acknowledged_at, r.decided_at, r.la_decision AS decision,
       CASE WHEN r.la_decision OPERATOR(pg_catalog.<>) 'no_enquiry' THEN r.la_decision END AS enquiry_type,
       r.allocated_to IS NOT NULL AS allocated, r.allocated_at, r.outcome_at AS concluded_at,
       r.closed_at, r.feedback_at IS NOT NULL AS feedback_given, r.feedback_at, r.feedback_method
FROM safeguard.referral r
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
LEFT JOIN safeguard.concern a ON a.referral_id OPERATOR(pg_catalog.=) r.id
WHERE r.sent_at IS NOT NULL;
COMMENT ON VIEW safeguard.referral_la_pathway IS
    'The local authority pathway of each referral sent that the caller may see: for the regulator, what became of the referrals it sent, as states and dates only (no rationale, casework notes or free text). A referral that arrived as the council''s concern follows the council''s records of it.';
COMMENT ON COLUMN safeguard.referral_la_pathway.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.referral_la_pathway.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.referral_la_pathway.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.referral_la_pathway.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.referral_la_pathway.state IS 'The referral''s state: sent, acknowledged, decided, outcome_recorded or closed.';
COMMENT ON COLUMN safeguard.referral_la_pathway.sent_at IS 'When it was sent.';
COMMENT ON COLUMN safeguard.referral_la_pathway.council_concern_id IS 'The council''s concern it arrived as (NULL: worked through the referral functions).';
COMMENT ON COLUMN safeguard.referral_la_pathway.arrived_as_concern IS 'True when it arrived as the council''s concern.';
COMMENT ON COLUMN safeguard.referral_la_pathway.acknowledged_at IS 'When the authority acknowledged it (for an arrival: when it arrived).';
COMMENT ON COLUMN safeguard.referral_la_pathway.decided_at IS 'When the authority decided.';
COMMENT ON COLUMN safeguard.referral_la_pathway.decision IS 'section_42_enquiry, other_enquiry or no_enquiry.';
COMMENT ON COLUMN safeguard.referral_la_pathway.enquiry_type IS 'The enquiry made (section_42_enquiry or other_enquiry); NULL when none.';
COMMENT ON COLUMN safeguard.referral_la_pathway.allocated IS 'True while it (or the council''s enquiry) is allocated to a named officer.';
COMMENT ON COLUMN safeguard.referral_la_pathway.allocated_at IS 'When it was last allocated or unallocated.';
COMMENT ON COLUMN safeguard.referral_la_pathway.concluded_at IS 'When the outcome was recorded (the enquiry concluded).';
COMMENT ON COLUMN safeguard.referral_la_pathway.closed_at IS 'When it was closed.';
COMMENT ON COLUMN safeguard.referral_la_pathway.feedback_given IS 'True when feedback to the referrer was recorded.';
COMMENT ON COLUMN safeguard.referral_la_pathway.feedback_at IS 'When feedback was given.';
COMMENT ON COLUMN safeguard.referral_la_pathway.feedback_method IS 'How feedback was given.';
REVOKE ALL ON safeguard.referral_la_pathway FROM PUBLIC;
GRANT SELECT ON safeguard.referral_la_pathway TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- Enquiries the authority causes another organisation to make (Care Act
-- s42(2), "make or cause"): a provider, an NHS body, the police, another
-- authority is asked a question about the adult and reports back by the
-- date the caused_report deadline sets.  The machine (requested ->
-- report_received -> accepted, or returned for more and received again;
-- withdrawn while a report is awaited) is enforced in C
-- (caused_enquiry.c, caused_enquiry_fsm.c) for every client path.  The
-- organisation's own login (provider duty, acting for it) sees its
-- requests and answers them (caused_to); nothing else of the casework.
CREATE TYPE safeguard.caused_enquiry_state AS ENUM
    ('requested', 'report_received', 'accepted', 'returned', 'withdrawn');
COMMENT ON TYPE safeguard.caused_enquiry_state IS 'States of an enquiry a local authority causes another organisation to make (s42(2)); transitions are enforced in C (docs/council-pathway.md).';

CREATE TYPE safeguard.caused_report_method AS ENUM
    ('own_login', 'secure_email', 'email', 'letter', 'phone', 'meeting', 'other');
COMMENT ON TYPE safeguard.caused_report_method IS 'How a caused enquiry''s report reached the authority: own_login (the organisation reported through safeguard itself; recorded by safeguard only), or the way an officer received it (secure e-mail, e-mail, letter, phone, meeting, other).';

CREATE FUNCTION safeguard.caused_to(organisation_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_caused_to';
COMMENT ON FUNCTION safeguard.caused_to(bigint) IS
    'Row-level security predicate of caused enquiries: true when the current role is a login of that organisation (provider duty, acting for it), which a local authority caused to make an enquiry.';

CREATE FUNCTION safeguard.caused_enquiry_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_caused_enquiry_guard';
COMMENT ON FUNCTION safeguard.caused_enquiry_guard() IS 'Trigger: who may cause an enquiry, report, accept, return or withdraw it, when, and what each records; the caused_report deadline; enforced for every client path.';
REVOKE ALL ON FUNCTION safeguard.caused_enquiry_guard() FROM PUBLIC;

CREATE TABLE safeguard.caused_enquiry (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id             bigint NOT NULL REFERENCES safeguard.la_enquiry,
    organisation_id        bigint NOT NULL REFERENCES safeguard.organisation,
    question               text NOT NULL,
    state                  safeguard.caused_enquiry_state NOT NULL DEFAULT 'requested',
    la_id                  bigint REFERENCES safeguard.organisation,
    case_id                bigint REFERENCES safeguard.safeguarding_case,
    adult_name             text,
    adult_date_of_birth    date,
    adult_nhs_number       text,
    requested_by           regrole,
    requested_org_id       bigint,
    requested_at           timestamptz,
    report_due_at          timestamptz,
    report                 text,
    report_received_at     timestamptz,
    report_method          safeguard.caused_report_method,
    report_recorded_by     regrole,
    report_recorded_org_id bigint,
    report_recorded_at     timestamptz,
    returned_reason        text,
    withdrawn_reason       text,
    decided_by             regrole,
    decided_org_id         bigint,
    decided_at             timestamptz
);

CREATE INDEX caused_enquiry_enquiry ON safeguard.caused_enquiry (enquiry_id);
CREATE INDEX caused_enquiry_organisation ON safeguard.caused_enquiry (organisation_id);

COMMENT ON TABLE safeguard.caused_enquiry IS
    'An enquiry a local authority causes another organisation to make (Care Act s42(2)) as part of its own enquiry: the organisation, the question, when it was asked and when the report is due, the report and how it arrived, and the authority''s acceptance or return. Requested by the enquiry''s allocated officer or a SAM while the enquiry is in progress; the report comes from a login of the organisation, or is recorded by the officer on its behalf. The enquiry neither concludes nor closes while one is open.';
COMMENT ON COLUMN safeguard.caused_enquiry.id IS 'Caused enquiry number.';
COMMENT ON COLUMN safeguard.caused_enquiry.enquiry_id IS 'The council''s enquiry (la_enquiry) it is part of.';
COMMENT ON COLUMN safeguard.caused_enquiry.organisation_id IS 'The organisation caused to make the enquiry: a provider, an NHS body, the police, another authority.';
COMMENT ON COLUMN safeguard.caused_enquiry.question IS 'What the organisation is asked to find out (required).';
COMMENT ON COLUMN safeguard.caused_enquiry.state IS 'requested, report_received, accepted, returned or withdrawn.';
COMMENT ON COLUMN safeguard.caused_enquiry.la_id IS 'The enquiry''s local authority (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.case_id IS 'The enquiry''s case (recorded by safeguard; its audit rows join the case''s chain).';
COMMENT ON COLUMN safeguard.caused_enquiry.adult_name IS 'The adult''s name as the concern records it, for the organisation to find the adult (copied by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.adult_date_of_birth IS 'The adult''s date of birth as the concern records it (copied by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.adult_nhs_number IS 'The adult''s NHS number as the concern records it (copied by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.requested_by IS 'Who asked (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.requested_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.requested_at IS 'When it was asked (recorded by safeguard; the anchor of its caused_report deadline).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_due_at IS 'When the report is due: the caused_report deadline (10 working days by default) from the request, or from the last return (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.report IS 'What the organisation''s enquiry found (required with the report).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_received_at IS 'When the report arrived: now, when the organisation''s login reports; as recorded by the officer otherwise (not in the future, not before the request or return).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_method IS 'How it arrived: own_login (recorded by safeguard), or as the officer recorded it.';
COMMENT ON COLUMN safeguard.caused_enquiry.report_recorded_by IS 'Who recorded the report: the organisation''s login, or the officer on its behalf (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_recorded_at IS 'When the report was recorded (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.returned_reason IS 'What more the authority asked for when it last returned the report.';
COMMENT ON COLUMN safeguard.caused_enquiry.withdrawn_reason IS 'Why the authority withdrew the request.';
COMMENT ON COLUMN safeguard.caused_enquiry.decided_by IS 'Who last accepted, returned or withdrew it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.decided_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.decided_at IS 'When it was last accepted, returned or withdrawn (recorded by safeguard).';
COMMENT ON INDEX safeguard.caused_enquiry_enquiry IS 'The caused enquiries of an enquiry (its closure checks them).';
COMMENT ON INDEX safeguard.caused_enquiry_organisation IS 'An organisation''s requests.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.caused_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.caused_enquiry
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.caused_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'case_id');
CREATE TRIGGER caused_enquiry_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.caused_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.caused_enquiry_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.caused_enquiry
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.caused_enquiry ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.caused_enquiry FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.caused_enquiry
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY caused_scope ON safeguard.caused_enquiry FOR SELECT TO safeguard_provider
    USING (safeguard.caused_to(organisation_id));
CREATE POLICY caused_report ON safeguard.caused_enquiry FOR UPDATE TO safeguard_provider
    USING (safeguard.caused_to(organisation_id)) WITH CHECK (safeguard.caused_to(organisation_id));
CREATE POLICY reader_scope ON safeguard.caused_enquiry FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.caused_enquiry FROM PUBLIC;
GRANT SELECT ON safeguard.caused_enquiry TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT, UPDATE ON safeguard.caused_enquiry TO safeguard_la_officer, safeguard_sam;
-- the organisation: its request and what it needs to answer it, and its report
GRANT SELECT (id, enquiry_id, organisation_id, question, state, la_id, adult_name, adult_date_of_birth,
    adult_nhs_number, requested_at, report_due_at, report, report_received_at, report_method,
    returned_reason, withdrawn_reason, decided_at)
    ON safeguard.caused_enquiry TO safeguard_provider;
GRANT UPDATE (state, report) ON safeguard.caused_enquiry TO safeguard_provider;
GRANT SELECT (id, enquiry_id, organisation_id, state, la_id, case_id, requested_org_id, requested_at,
    report_due_at, report_received_at, report_method, report_recorded_org_id, report_recorded_at,
    decided_org_id, decided_at)
    ON safeguard.caused_enquiry TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.caused_enquiry', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.caused_enquiry_id_seq', '');

-- Workflow functions: thin wrappers with the caller's rights; the guard decides.
CREATE FUNCTION safeguard.caused_enquiry_found(state safeguard.caused_enquiry_state, caused_enquiry_id bigint)
RETURNS safeguard.caused_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF caused_enquiry_found.state IS NULL THEN
        PERFORM safeguard.raise_not_found('caused enquiry', caused_enquiry_found.caused_enquiry_id);
    END IF;
    RETURN caused_enquiry_found.state;
END
$$;
COMMENT ON FUNCTION safeguard.caused_enquiry_found(safeguard.caused_enquiry_state, bigint) IS
    'Returns the state a caused enquiry workflow function moved it to; SG208 when the statement found no such request visible to the caller.';
REVOKE ALL ON FUNCTION safeguard.caused_enquiry_found(safeguard.caused_enquiry_state, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.caused_enquiry_found(safeguard.caused_enquiry_state, bigint)
    TO safeguard_la_officer, safeguard_sam, safeguard_provider;

CREATE FUNCTION safeguard.cause_enquiry(enquiry_id bigint, organisation_id bigint, question text)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('cause_enquiry');
    INSERT INTO safeguard.caused_enquiry (enquiry_id, organisation_id, question) VALUES ($1, $2, $3)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.cause_enquiry(bigint, bigint, text) IS
    'Causes another organisation (a provider, an NHS body, the police, another authority) to make an enquiry as part of an enquiry in progress (its allocated officer, or a SAM): the question asked; returns its id. Its report is due within 10 working days (caused_report).';

CREATE FUNCTION safeguard.record_caused_report(caused_enquiry_id bigint, report text,
    received_at timestamptz DEFAULT NULL, method safeguard.caused_report_method DEFAULT NULL)
RETURNS safeguard.caused_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.caused_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('caused_enquiry:report_received');
    IF record_caused_report.received_at IS NULL AND record_caused_report.method IS NULL THEN
        -- the organisation's own login: the report only (safeguard records when and how)
        UPDATE safeguard.caused_enquiry c
           SET state = 'report_received', report = record_caused_report.report
         WHERE c.id OPERATOR(pg_catalog.=) record_caused_report.caused_enquiry_id
        RETURNING c.state INTO result;
    ELSE
        UPDATE safeguard.caused_enquiry c
           SET state = 'report_received', report = record_caused_report.report,
               report_received_at = record_caused_report.received_at,
               report_method = record_caused_report.method
         WHERE c.id OPERATOR(pg_catalog.=) record_caused_report.caused_enquiry_id
        RETURNING c.state INTO result;
    END IF;
    RETURN safeguard.caused_enquiry_found(result, record_caused_report.caused_enquiry_id);
END
$$;
COMMENT ON FUNCTION safeguard.record_caused_report(bigint, text, timestamptz, safeguard.caused_report_method) IS
    'Records the report of a caused enquiry awaiting one: by a login of the organisation (the report only), or by the enquiry''s allocated officer or a SAM on its behalf with when it arrived and how (SG228). Meets the caused_report deadline.';

CREATE FUNCTION safeguard.accept_caused_report(caused_enquiry_id bigint)
RETURNS safeguard.caused_enquiry_state
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('caused_enquiry:accepted');
    WITH m AS (UPDATE safeguard.caused_enquiry c SET state = 'accepted'
               WHERE c.id OPERATOR(pg_catalog.=) $1 RETURNING c.state)
    SELECT safeguard.caused_enquiry_found((SELECT m.state FROM m), $1);
$$;
COMMENT ON FUNCTION safeguard.accept_caused_report(bigint) IS
    'Accepts the report of a caused enquiry (the enquiry''s allocated officer, or a SAM): the request is done.';

CREATE FUNCTION safeguard.return_caused_report(caused_enquiry_id bigint, reason text)
RETURNS safeguard.caused_enquiry_state
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('caused_enquiry:returned');
    WITH m AS (UPDATE safeguard.caused_enquiry c SET state = 'returned', returned_reason = $2
               WHERE c.id OPERATOR(pg_catalog.=) $1 RETURNING c.state)
    SELECT safeguard.caused_enquiry_found((SELECT m.state FROM m), $1);
$$;
COMMENT ON FUNCTION safeguard.return_caused_report(bigint, text) IS
    'Returns the report of a caused enquiry for more (the enquiry''s allocated officer, or a SAM), saying what more is needed; a further report is due within 10 working days of the return.';

CREATE FUNCTION safeguard.withdraw_caused_enquiry(caused_enquiry_id bigint, reason text)
RETURNS safeguard.caused_enquiry_state
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('caused_enquiry:withdrawn');
    WITH m AS (UPDATE safeguard.caused_enquiry c SET state = 'withdrawn', withdrawn_reason = $2
               WHERE c.id OPERATOR(pg_catalog.=) $1 RETURNING c.state)
    SELECT safeguard.caused_enquiry_found((SELECT m.state FROM m), $1);
$$;
COMMENT ON FUNCTION safeguard.withdraw_caused_enquiry(bigint, text) IS
    'Withdraws a request whose report is still awaited (the enquiry''s allocated officer, or a SAM), with the reason; its deadline is cancelled.';

-- The council's view: requests still open, and which are late.
CREATE VIEW safeguard.caused_enquiries_open WITH (security_invoker = true) AS
SELECT c.id, c.enquiry_id, c.la_id, c.case_id, c.organisation_id, o.name AS organisation_name,
       o.kind AS organisation_kind, c.question, c.state, c.requested_by, c.requested_at,
       c.report_due_at,
       c.state OPERATOR(pg_catalog.<>) 'report_received'::safeguard.caused_enquiry_state
           AND c.report_due_at OPERATOR(pg_catalog.<) safeguard.now() AS late,
       e.allocated_to
FROM safeguard.caused_enquiry c
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) c.organisation_id
JOIN safeguard.la_enquiry e ON e.id OPERATOR(pg_catalog.=) c.enquiry_id
WHERE c.state OPERATOR(pg_catalog.=) ANY ('{requested,report_received,returned}'::safeguard.caused_enquiry_state[]);
COMMENT ON VIEW safeguard.caused_enquiries_open IS
    'The authority''s open caused enquiries (requested, report received and awaiting its decision, returned for more), with the date each report is due and whether it is late; the caller''s own authority only.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.id IS 'Caused enquiry number.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.enquiry_id IS 'The council''s enquiry it is part of.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.la_id IS 'The local authority.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.organisation_id IS 'The organisation caused to enquire.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.organisation_name IS 'Its name.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.organisation_kind IS 'Its kind (provider, police, other...).';
COMMENT ON COLUMN safeguard.caused_enquiries_open.question IS 'What it was asked.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.state IS 'requested, report_received or returned.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.requested_by IS 'Who asked.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.requested_at IS 'When it was asked.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.report_due_at IS 'When the report is (or was) due.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.late IS 'True when a report is awaited (requested or returned) and its due instant has passed.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.allocated_to IS 'The officer the enquiry is allocated to (who chases it).';
REVOKE ALL ON safeguard.caused_enquiries_open FROM PUBLIC;
GRANT SELECT ON safeguard.caused_enquiries_open TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;

-- The organisation's view: the requests it was caused to answer, and nothing else.
CREATE VIEW safeguard.caused_enquiry_requests WITH (security_invoker = true) AS
SELECT c.id, c.la_id, a.name AS local_authority, c.question, c.adult_name, c.adult_date_of_birth,
       c.adult_nhs_number, c.state, c.requested_at, c.report_due_at, c.returned_reason,
       c.report, c.report_received_at, c.decided_at
FROM safeguard.caused_enquiry c
JOIN safeguard.organisation a ON a.id OPERATOR(pg_catalog.=) c.la_id
WHERE safeguard.caused_to(c.organisation_id);
COMMENT ON VIEW safeguard.caused_enquiry_requests IS
    'For a login of an organisation a local authority caused to make an enquiry: its own requests, with what it needs to answer them (the question, the dates, the adult''s identifiers) and its reports; nothing else of the authority''s casework.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.id IS 'Caused enquiry number (answer it with safeguard.record_caused_report).';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.la_id IS 'The local authority that asked.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.question IS 'What the organisation is asked to find out.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.adult_name IS 'The adult''s name.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.adult_date_of_birth IS 'The adult''s date of birth.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.adult_nhs_number IS 'The adult''s NHS number.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.state IS 'requested, report_received, accepted, returned or withdrawn.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.requested_at IS 'When it was asked.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.report_due_at IS 'When the report is due.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.returned_reason IS 'What more the authority asked for, when it returned the report.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.report IS 'The report given.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.report_received_at IS 'When the report was received.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.decided_at IS 'When the authority last accepted, returned or withdrew it.';
REVOKE ALL ON safeguard.caused_enquiry_requests FROM PUBLIC;
GRANT SELECT ON safeguard.caused_enquiry_requests TO safeguard_provider;


--------------------------------------------------------------------------
-- 5. Provider enquiries
-- Large-scale provider enquiries: the Provider Concerns procedure, stages 1
-- to 6.  Stage changes and every record are checked in C (provider_enquiry.c,
-- enquiry_fsm.c); the lead authority's staff work the enquiry, commissioners
-- decide placements, the provider sees and answers only its own plan.
--------------------------------------------------------------------------

CREATE TYPE safeguard.enquiry_stage AS ENUM
    ('proposed', 'not_invoked', 'invoked', 'fact_finding', 'improvement_plan',
     'monitoring', 'quality_assurance', 'closed');
COMMENT ON TYPE safeguard.enquiry_stage IS 'Stages of a large-scale provider enquiry (see the README''s stage diagram).';

CREATE TYPE safeguard.risk_level AS ENUM ('major', 'moderate', 'minor');
COMMENT ON TYPE safeguard.risk_level IS 'Risk matrix level of a provider enquiry.';

CREATE TYPE safeguard.threshold_criterion AS ENUM
    ('death', 'three_or_more_allegations', 'serious_abuse_or_neglect', 'professional_concerns',
     'manager_concerns', 'enforcement_or_proceedings', 'immigration_issues', 'low_level_concerns');
COMMENT ON TYPE safeguard.threshold_criterion IS 'The eight threshold criteria of the Provider Concerns procedure (stage 1).';

CREATE TYPE safeguard.meeting_kind AS ENUM ('initial', 'outcomes', 'monitoring', 'other');
COMMENT ON TYPE safeguard.meeting_kind IS 'Kinds of enquiry meeting: initial (stage 2), outcomes (stage 3), monitoring (stage 4), other.';

CREATE TYPE safeguard.commissioning_action AS ENUM ('suspend_new_placements', 'place_with_caution', 'resume');
COMMENT ON TYPE safeguard.commissioning_action IS 'Commissioning decisions about placements with a provider.';

CREATE TYPE safeguard.plan_item_status AS ENUM ('open', 'in_progress', 'done', 'delayed');
COMMENT ON TYPE safeguard.plan_item_status IS 'Progress of a Service Improvement Plan item.';

CREATE TYPE safeguard.qa_outcome AS ENUM ('sustained', 'not_sustained');
COMMENT ON TYPE safeguard.qa_outcome IS 'Quality assurance outcome: improvements sustained or not.';

CREATE TYPE safeguard.notification_recipient AS ENUM ('provider', 'cqc');
COMMENT ON TYPE safeguard.notification_recipient IS 'Who a closure notification is addressed to.';

CREATE FUNCTION safeguard.enquiry_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_enquiry_guard';
COMMENT ON FUNCTION safeguard.enquiry_guard() IS 'Trigger: proposing an enquiry and its stage changes, checked against the enquiry state machine.';
REVOKE ALL ON FUNCTION safeguard.enquiry_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.enquiry_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_enquiry_after';
COMMENT ON FUNCTION safeguard.enquiry_after() IS 'Trigger: deadlines opened and closed by enquiry stage changes.';
REVOKE ALL ON FUNCTION safeguard.enquiry_after() FROM PUBLIC;

CREATE FUNCTION safeguard.enquiry_record_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_enquiry_record_guard';
COMMENT ON FUNCTION safeguard.enquiry_record_guard() IS 'Trigger: who may record each enquiry record (criteria, locations, appointments, meetings, decisions, findings, plan, items, QA, notifications), at which stage.';
REVOKE ALL ON FUNCTION safeguard.enquiry_record_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.enquiry_record_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_enquiry_record_after';
COMMENT ON FUNCTION safeguard.enquiry_record_after() IS 'Trigger: what an enquiry record moves on (stage, deadlines).';
REVOKE ALL ON FUNCTION safeguard.enquiry_record_after() FROM PUBLIC;

CREATE TABLE safeguard.provider_enquiry (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_id           bigint NOT NULL REFERENCES safeguard.organisation,
    la_id                 bigint NOT NULL REFERENCES safeguard.organisation,
    stage                 safeguard.enquiry_stage NOT NULL DEFAULT 'proposed',
    raised_by_regulator   boolean NOT NULL DEFAULT false,
    proposed_by           regrole,
    proposed_org_id       bigint,
    proposed_at           timestamptz,
    risk_level            safeguard.risk_level,
    risk_actions          text[],
    decision_rationale    text,
    override_rationale    text,
    alternative_action    text,
    decided_by            regrole,
    decided_org_id        bigint,
    decided_at            timestamptz,
    cqc_advised_at        timestamptz,
    cqc_advised_method    safeguard.contact_method,
    provider_informed_at  timestamptz,
    provider_informed_method safeguard.contact_method,
    meeting_required      boolean NOT NULL DEFAULT false,
    monitoring_started_at timestamptz,
    qa_strategy           text,
    qa_started_at         timestamptz,
    qa_outcome            safeguard.qa_outcome,
    qa_completed_at       timestamptz,
    lessons_learnt        text,
    sab_report_at         timestamptz,
    sab_report_reference  text,
    closed_by             regrole,
    closed_org_id         bigint,
    closed_at             timestamptz
);

CREATE INDEX provider_enquiry_provider ON safeguard.provider_enquiry (provider_id);

COMMENT ON TABLE safeguard.provider_enquiry IS
    'A large-scale provider enquiry (Provider Concerns procedure), led by a local authority. Its stage changes are checked in C; it is never deleted, so a provider''s risk history stays readable after closure.';
COMMENT ON COLUMN safeguard.provider_enquiry.id IS 'Enquiry number.';
COMMENT ON COLUMN safeguard.provider_enquiry.provider_id IS 'The provider concerned.';
COMMENT ON COLUMN safeguard.provider_enquiry.la_id IS 'The local authority leading the enquiry.';
COMMENT ON COLUMN safeguard.provider_enquiry.stage IS 'proposed, not_invoked, invoked, fact_finding, improvement_plan, monitoring, quality_assurance, closed.';
COMMENT ON COLUMN safeguard.provider_enquiry.raised_by_regulator IS 'True when the regulator (CQC) raised it: CQC need not then be formally advised.';
COMMENT ON COLUMN safeguard.provider_enquiry.proposed_by IS 'Who proposed it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.proposed_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.proposed_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.risk_level IS 'Risk matrix level: major, moderate or minor (required to invoke).';
COMMENT ON COLUMN safeguard.provider_enquiry.risk_actions IS 'Risk matrix actions taken (e.g. immediate suspension of new placements, increased monitoring).';
COMMENT ON COLUMN safeguard.provider_enquiry.decision_rationale IS 'Why the enquiry was or was not invoked (required).';
COMMENT ON COLUMN safeguard.provider_enquiry.override_rationale IS 'Why it was invoked although no threshold criterion is met.';
COMMENT ON COLUMN safeguard.provider_enquiry.alternative_action IS 'The action directed instead, when not invoked (required then).';
COMMENT ON COLUMN safeguard.provider_enquiry.decided_by IS 'Who decided (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.decided_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.decided_at IS 'When: the initial meeting is due within 5 working days (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.cqc_advised_at IS 'When CQC was formally advised (unless CQC raised it).';
COMMENT ON COLUMN safeguard.provider_enquiry.cqc_advised_method IS 'How CQC was advised.';
COMMENT ON COLUMN safeguard.provider_enquiry.provider_informed_at IS 'When the provider was informed.';
COMMENT ON COLUMN safeguard.provider_enquiry.provider_informed_method IS 'How the provider was informed.';
COMMENT ON COLUMN safeguard.provider_enquiry.meeting_required IS 'True when a serious delay on the plan forces a meeting (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.monitoring_started_at IS 'When monitoring (stage 4) began (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.qa_strategy IS 'Quality assurance strategy (stage 5).';
COMMENT ON COLUMN safeguard.provider_enquiry.qa_started_at IS 'When quality assurance began: at most 10 working days (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.qa_outcome IS 'Improvements sustained or not.';
COMMENT ON COLUMN safeguard.provider_enquiry.qa_completed_at IS 'When quality assurance concluded (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.lessons_learnt IS 'The lessons-learnt record (required to close).';
COMMENT ON COLUMN safeguard.provider_enquiry.sab_report_at IS 'When the report went to the Safeguarding Adults Board (required to close).';
COMMENT ON COLUMN safeguard.provider_enquiry.sab_report_reference IS 'Reference of that report (required to close).';
COMMENT ON COLUMN safeguard.provider_enquiry.closed_by IS 'Who closed it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.closed_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.provider_enquiry.closed_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.provider_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.provider_enquiry
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.provider_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'stage', '', 'id');
CREATE TRIGGER enquiry_after AFTER UPDATE ON safeguard.provider_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_after();
CREATE TRIGGER enquiry_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.provider_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.provider_enquiry
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.provider_enquiry ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.provider_enquiry FORCE ROW LEVEL SECURITY;

CREATE POLICY lead_la ON safeguard.provider_enquiry
    USING (safeguard.may_see_la(la_id)) WITH CHECK (safeguard.may_see_la(la_id));
CREATE POLICY reader_scope ON safeguard.provider_enquiry FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

-- Privileges: the lead authority's staff work the enquiry; commissioners
-- decide placements; the provider sees and answers only its own plan.
REVOKE ALL ON safeguard.provider_enquiry FROM PUBLIC;
GRANT SELECT ON safeguard.provider_enquiry TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.provider_enquiry TO safeguard_admin, safeguard_la_officer, safeguard_sam;
GRANT UPDATE ON safeguard.provider_enquiry TO safeguard_admin, safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, provider_id, la_id, stage, raised_by_regulator, proposed_org_id, proposed_at,
    risk_level, decided_org_id, decided_at, meeting_required, monitoring_started_at,
    qa_started_at, qa_outcome, qa_completed_at, sab_report_at, closed_org_id,
    closed_at) ON safeguard.provider_enquiry TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.provider_enquiry', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.provider_enquiry_id_seq', '');

CREATE TABLE safeguard.enquiry_location (
    enquiry_id  bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    location_id bigint NOT NULL REFERENCES safeguard.organisation,
    added_by    regrole,
    added_at    timestamptz,
    PRIMARY KEY (enquiry_id, location_id)
);

COMMENT ON TABLE safeguard.enquiry_location IS 'The provider''s locations an enquiry covers (one or more).';
COMMENT ON COLUMN safeguard.enquiry_location.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.enquiry_location.location_id IS 'A location of the enquiry''s provider.';
COMMENT ON COLUMN safeguard.enquiry_location.added_by IS 'Who added it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.enquiry_location.added_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.enquiry_location
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.enquiry_location
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('enquiry_id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.enquiry_location
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.enquiry_location
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.enquiry_location
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.enquiry_location FROM PUBLIC;
GRANT SELECT ON safeguard.enquiry_location TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.enquiry_location TO safeguard_admin, safeguard_la_officer, safeguard_sam;

ALTER TABLE safeguard.enquiry_location ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.enquiry_location FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.enquiry_location USING (EXISTS (
    SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));

SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_location', '');

CREATE TABLE safeguard.enquiry_criterion (
    enquiry_id  bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    criterion   safeguard.threshold_criterion NOT NULL,
    met         boolean NOT NULL,
    evidence    text,
    recorded_by regrole,
    recorded_at timestamptz,
    PRIMARY KEY (enquiry_id, criterion)
);

COMMENT ON TABLE safeguard.enquiry_criterion IS 'The threshold tool: each of the eight criteria answered yes or no with an evidence note, while the enquiry is proposed.';
COMMENT ON COLUMN safeguard.enquiry_criterion.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.enquiry_criterion.criterion IS 'Which criterion.';
COMMENT ON COLUMN safeguard.enquiry_criterion.met IS 'Yes or no.';
COMMENT ON COLUMN safeguard.enquiry_criterion.evidence IS 'The evidence note (required).';
COMMENT ON COLUMN safeguard.enquiry_criterion.recorded_by IS 'Who answered (recorded by safeguard).';
COMMENT ON COLUMN safeguard.enquiry_criterion.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.enquiry_criterion
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.enquiry_criterion
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('enquiry_id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.enquiry_criterion
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.enquiry_criterion
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.enquiry_criterion
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.enquiry_criterion FROM PUBLIC;
GRANT SELECT ON safeguard.enquiry_criterion TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.enquiry_criterion TO safeguard_admin, safeguard_la_officer, safeguard_sam;
GRANT UPDATE ON safeguard.enquiry_criterion TO safeguard_admin, safeguard_la_officer, safeguard_sam;

ALTER TABLE safeguard.enquiry_criterion ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.enquiry_criterion FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.enquiry_criterion USING (EXISTS (
    SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));

SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_criterion', '');

CREATE TABLE safeguard.enquiry_appointment (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id  bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    role        regrole NOT NULL,
    duty        safeguard.duty NOT NULL CHECK (duty OPERATOR(pg_catalog.=) ANY ('{sam,enquiry_officer}'::safeguard.duty[])),
    appointed_by regrole,
    appointed_at timestamptz,
    UNIQUE (enquiry_id, role, duty)
);

COMMENT ON TABLE safeguard.enquiry_appointment IS 'The SAM and enquiry officers appointed to an enquiry; each must hold that duty for the leading local authority.';
COMMENT ON COLUMN safeguard.enquiry_appointment.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.enquiry_appointment.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.enquiry_appointment.role IS 'The role appointed.';
COMMENT ON COLUMN safeguard.enquiry_appointment.duty IS 'sam or enquiry_officer.';
COMMENT ON COLUMN safeguard.enquiry_appointment.appointed_by IS 'Who appointed (recorded by safeguard).';
COMMENT ON COLUMN safeguard.enquiry_appointment.appointed_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.enquiry_appointment
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.enquiry_appointment
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.enquiry_appointment
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.enquiry_appointment
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.enquiry_appointment
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.enquiry_appointment
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.enquiry_appointment FROM PUBLIC;
GRANT SELECT ON safeguard.enquiry_appointment TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.enquiry_appointment TO safeguard_admin, safeguard_sam;

ALTER TABLE safeguard.enquiry_appointment ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.enquiry_appointment FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.enquiry_appointment USING (EXISTS (
    SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));

SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_appointment', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_appointment_id_seq', '');

CREATE TABLE safeguard.enquiry_meeting (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id     bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    kind           safeguard.meeting_kind NOT NULL,
    held_at        timestamptz NOT NULL,
    agenda_covered text[] NOT NULL DEFAULT '{}',
    decisions      text,
    fact_finding_working_days integer,
    recorded_by    regrole,
    recorded_org_id bigint,
    recorded_at    timestamptz
);

COMMENT ON TABLE safeguard.enquiry_meeting IS 'Enquiry meetings. The initial meeting (due within 5 working days of invocation) sets the fact-finding timescale (at most 20 working days); the outcomes meeting ends fact finding; a monitoring meeting answers a serious delay. A meeting recorded late is accepted and its deadline marked breached.';
COMMENT ON COLUMN safeguard.enquiry_meeting.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.enquiry_meeting.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.enquiry_meeting.kind IS 'initial, outcomes, monitoring or other.';
COMMENT ON COLUMN safeguard.enquiry_meeting.held_at IS 'When it was held.';
COMMENT ON COLUMN safeguard.enquiry_meeting.agenda_covered IS 'Agenda items covered.';
COMMENT ON COLUMN safeguard.enquiry_meeting.decisions IS 'Decisions made.';
COMMENT ON COLUMN safeguard.enquiry_meeting.fact_finding_working_days IS 'Initial meeting: the fact-finding timescale it sets, in working days after the meeting.';
COMMENT ON COLUMN safeguard.enquiry_meeting.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.enquiry_meeting.recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.enquiry_meeting.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.enquiry_meeting
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.enquiry_meeting
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.enquiry_meeting
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.enquiry_meeting
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.enquiry_meeting
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.enquiry_meeting
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.enquiry_meeting FROM PUBLIC;
GRANT SELECT ON safeguard.enquiry_meeting TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.enquiry_meeting TO safeguard_admin, safeguard_sam;

ALTER TABLE safeguard.enquiry_meeting ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.enquiry_meeting FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.enquiry_meeting USING (EXISTS (
    SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));

SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_meeting', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_meeting_id_seq', '');

CREATE TABLE safeguard.meeting_attendee (
    meeting_id      bigint NOT NULL REFERENCES safeguard.enquiry_meeting,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    role_title      text NOT NULL,
    attendee_name   text,
    PRIMARY KEY (meeting_id, organisation_id, role_title)
);

COMMENT ON TABLE safeguard.meeting_attendee IS 'Who attended an enquiry meeting, by organisation and role.';
COMMENT ON COLUMN safeguard.meeting_attendee.meeting_id IS 'The meeting.';
COMMENT ON COLUMN safeguard.meeting_attendee.organisation_id IS 'The organisation attending.';
COMMENT ON COLUMN safeguard.meeting_attendee.role_title IS 'The attendee''s role, e.g. Safeguarding Adults Manager.';
COMMENT ON COLUMN safeguard.meeting_attendee.attendee_name IS 'The attendee''s name.';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.meeting_attendee
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.meeting_attendee
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('meeting_id', '', '', 'meeting_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.meeting_attendee
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.meeting_attendee
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.meeting_attendee
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.meeting_attendee ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.meeting_attendee FORCE ROW LEVEL SECURITY;

CREATE POLICY lead_la ON safeguard.meeting_attendee USING (EXISTS (
    SELECT 1 FROM safeguard.enquiry_meeting m WHERE m.id OPERATOR(pg_catalog.=) meeting_id));

REVOKE ALL ON safeguard.meeting_attendee FROM PUBLIC;
GRANT SELECT ON safeguard.meeting_attendee TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.meeting_attendee TO safeguard_admin, safeguard_sam;

SELECT pg_catalog.pg_extension_config_dump('safeguard.meeting_attendee', '');

CREATE TABLE safeguard.commissioning_decision (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id           bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    meeting_id           bigint REFERENCES safeguard.enquiry_meeting,
    funding_authority_id bigint NOT NULL REFERENCES safeguard.organisation,
    action               safeguard.commissioning_action NOT NULL,
    rationale            text NOT NULL,
    decided_by           regrole,
    decided_org_id       bigint,
    decided_at           timestamptz
);

COMMENT ON TABLE safeguard.commissioning_decision IS 'Commissioning decisions (suspend new placements, place with caution, resume) per funding authority, by its commissioner. The regulator abstains: no role acting for it may record one.';
COMMENT ON COLUMN safeguard.commissioning_decision.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.commissioning_decision.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.commissioning_decision.meeting_id IS 'The meeting it was taken at, if any.';
COMMENT ON COLUMN safeguard.commissioning_decision.funding_authority_id IS 'The funding authority (local authority or ICB) deciding.';
COMMENT ON COLUMN safeguard.commissioning_decision.action IS 'suspend_new_placements, place_with_caution or resume.';
COMMENT ON COLUMN safeguard.commissioning_decision.rationale IS 'Why (required).';
COMMENT ON COLUMN safeguard.commissioning_decision.decided_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.commissioning_decision.decided_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.commissioning_decision.decided_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.commissioning_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.commissioning_decision
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.commissioning_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.commissioning_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.commissioning_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.commissioning_decision
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.commissioning_decision ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.commissioning_decision FORCE ROW LEVEL SECURITY;

CREATE POLICY lead_la_or_funder ON safeguard.commissioning_decision USING (
    funding_authority_id OPERATOR(pg_catalog.=) safeguard.current_organisation()
    OR EXISTS (SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));

REVOKE ALL ON safeguard.commissioning_decision FROM PUBLIC;
GRANT SELECT ON safeguard.commissioning_decision TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.commissioning_decision TO safeguard_commissioner;
GRANT SELECT (id, enquiry_id, meeting_id, funding_authority_id, action, decided_org_id,
    decided_at) ON safeguard.commissioning_decision TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.commissioning_decision', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.commissioning_decision_id_seq', '');

CREATE TABLE safeguard.enquiry_finding (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id  bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    concern_id  bigint REFERENCES safeguard.concern,
    finding     text NOT NULL,
    recorded_by regrole,
    recorded_at timestamptz
);

COMMENT ON TABLE safeguard.enquiry_finding IS 'Fact-finding by the enquiry''s appointed enquiry officers, recorded against the concerns.';
COMMENT ON COLUMN safeguard.enquiry_finding.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.enquiry_finding.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.enquiry_finding.concern_id IS 'The concern the finding is about, if one.';
COMMENT ON COLUMN safeguard.enquiry_finding.finding IS 'What was found.';
COMMENT ON COLUMN safeguard.enquiry_finding.recorded_by IS 'The enquiry officer (recorded by safeguard).';
COMMENT ON COLUMN safeguard.enquiry_finding.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.enquiry_finding
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.enquiry_finding
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.enquiry_finding
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.enquiry_finding
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.enquiry_finding
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.enquiry_finding
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.enquiry_finding FROM PUBLIC;
GRANT SELECT ON safeguard.enquiry_finding TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.enquiry_finding TO safeguard_enquiry_officer;

ALTER TABLE safeguard.enquiry_finding ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.enquiry_finding FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.enquiry_finding USING (EXISTS (
    SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));

SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_finding', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_finding_id_seq', '');

CREATE TABLE safeguard.improvement_plan (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id        bigint NOT NULL UNIQUE REFERENCES safeguard.provider_enquiry,
    provider_id       bigint REFERENCES safeguard.organisation,
    la_id             bigint REFERENCES safeguard.organisation,
    summary           text NOT NULL,
    issued_by         regrole,
    issued_org_id     bigint,
    issued_at         timestamptz,
    provider_response text,
    responded_by      regrole,
    responded_org_id  bigint,
    responded_at      timestamptz
);

COMMENT ON TABLE safeguard.improvement_plan IS 'The Service Improvement Plan of an enquiry. Issuing it starts the provider''s 48 clock-hour response deadline; the provider (safeguard_provider of that provider only) reads it and records its response.';
COMMENT ON COLUMN safeguard.improvement_plan.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.improvement_plan.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.improvement_plan.provider_id IS 'The provider (recorded by safeguard).';
COMMENT ON COLUMN safeguard.improvement_plan.la_id IS 'The local authority leading the enquiry (recorded by safeguard).';
COMMENT ON COLUMN safeguard.improvement_plan.summary IS 'What the plan requires.';
COMMENT ON COLUMN safeguard.improvement_plan.issued_by IS 'Who issued it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.improvement_plan.issued_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.improvement_plan.issued_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.improvement_plan.provider_response IS 'The provider''s response.';
COMMENT ON COLUMN safeguard.improvement_plan.responded_by IS 'Who responded (recorded by safeguard).';
COMMENT ON COLUMN safeguard.improvement_plan.responded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.improvement_plan.responded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.improvement_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.improvement_plan
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.improvement_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.improvement_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.improvement_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.improvement_plan
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.improvement_plan ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.improvement_plan FORCE ROW LEVEL SECURITY;

CREATE POLICY lead_la_or_provider ON safeguard.improvement_plan USING (
    safeguard.acts_for_provider(provider_id) OR safeguard.may_see_la(la_id));

REVOKE ALL ON safeguard.improvement_plan FROM PUBLIC;
GRANT SELECT ON safeguard.improvement_plan TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.improvement_plan TO safeguard_admin, safeguard_sam;
GRANT SELECT, UPDATE ON safeguard.improvement_plan TO safeguard_provider;

SELECT pg_catalog.pg_extension_config_dump('safeguard.improvement_plan', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.improvement_plan_id_seq', '');

CREATE TABLE safeguard.plan_item (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       bigint NOT NULL REFERENCES safeguard.improvement_plan,
    provider_id   bigint REFERENCES safeguard.organisation,
    la_id         bigint REFERENCES safeguard.organisation,
    description   text NOT NULL,
    owner         text NOT NULL,
    due_date      date NOT NULL,
    status        safeguard.plan_item_status NOT NULL DEFAULT 'open',
    progress_note text,
    serious_delay boolean NOT NULL DEFAULT false,
    referral_id   bigint REFERENCES safeguard.referral,
    updated_by    regrole,
    updated_at    timestamptz
);

COMMENT ON TABLE safeguard.plan_item IS 'Items of a Service Improvement Plan, with owner, due date and status. Flagging a serious delay forces a meeting. An individual safeguarding plan sits under the plan as an item linked to its referral.';
COMMENT ON COLUMN safeguard.plan_item.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.plan_item.plan_id IS 'The plan.';
COMMENT ON COLUMN safeguard.plan_item.provider_id IS 'The provider (recorded by safeguard).';
COMMENT ON COLUMN safeguard.plan_item.la_id IS 'The local authority leading the enquiry (recorded by safeguard).';
COMMENT ON COLUMN safeguard.plan_item.description IS 'What must improve.';
COMMENT ON COLUMN safeguard.plan_item.owner IS 'Who owns the item.';
COMMENT ON COLUMN safeguard.plan_item.due_date IS 'When it is due.';
COMMENT ON COLUMN safeguard.plan_item.status IS 'open, in_progress, done or delayed.';
COMMENT ON COLUMN safeguard.plan_item.progress_note IS 'Latest progress.';
COMMENT ON COLUMN safeguard.plan_item.serious_delay IS 'A serious delay, flagged by the SAM or an enquiry officer: forces a meeting.';
COMMENT ON COLUMN safeguard.plan_item.referral_id IS 'For an individual safeguarding plan: the referral it belongs to.';
COMMENT ON COLUMN safeguard.plan_item.updated_by IS 'Who last changed it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.plan_item.updated_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.plan_item
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.plan_item
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.plan_item
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'status', '', 'plan_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.plan_item
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.plan_item
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.plan_item
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.plan_item ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.plan_item FORCE ROW LEVEL SECURITY;

CREATE POLICY lead_la_or_provider ON safeguard.plan_item USING (
    safeguard.acts_for_provider(provider_id) OR safeguard.may_see_la(la_id));

REVOKE ALL ON safeguard.plan_item FROM PUBLIC;
GRANT SELECT ON safeguard.plan_item TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.plan_item TO safeguard_admin, safeguard_sam;
GRANT SELECT, UPDATE ON safeguard.plan_item TO safeguard_provider;
GRANT UPDATE ON safeguard.plan_item TO safeguard_admin, safeguard_sam, safeguard_enquiry_officer;

SELECT pg_catalog.pg_extension_config_dump('safeguard.plan_item', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.plan_item_id_seq', '');

CREATE TABLE safeguard.qa_activity (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id    bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    activity      text NOT NULL,
    carried_out_at timestamptz NOT NULL,
    recorded_by   regrole,
    recorded_at   timestamptz
);

COMMENT ON TABLE safeguard.qa_activity IS 'Quality assurance activities (stage 5).';
COMMENT ON COLUMN safeguard.qa_activity.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.qa_activity.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.qa_activity.activity IS 'What was done (e.g. unannounced visit, file audit).';
COMMENT ON COLUMN safeguard.qa_activity.carried_out_at IS 'When.';
COMMENT ON COLUMN safeguard.qa_activity.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.qa_activity.recorded_at IS 'When it was recorded (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.qa_activity
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.qa_activity
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.qa_activity
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.qa_activity
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.qa_activity
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.qa_activity
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.qa_activity FROM PUBLIC;
GRANT SELECT ON safeguard.qa_activity TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.qa_activity TO safeguard_admin, safeguard_sam, safeguard_enquiry_officer;

ALTER TABLE safeguard.qa_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.qa_activity FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.qa_activity USING (EXISTS (
    SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));

SELECT pg_catalog.pg_extension_config_dump('safeguard.qa_activity', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.qa_activity_id_seq', '');

CREATE TABLE safeguard.enquiry_notification (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id  bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    recipient   safeguard.notification_recipient NOT NULL,
    sent_on     date NOT NULL,
    method      safeguard.contact_method NOT NULL,
    reference   text NOT NULL,
    recorded_by regrole,
    recorded_at timestamptz
);

COMMENT ON TABLE safeguard.enquiry_notification IS 'Written closure notifications to the provider and to CQC (both required before closure).';
COMMENT ON COLUMN safeguard.enquiry_notification.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.enquiry_notification.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.enquiry_notification.recipient IS 'provider or cqc.';
COMMENT ON COLUMN safeguard.enquiry_notification.sent_on IS 'Date of the letter.';
COMMENT ON COLUMN safeguard.enquiry_notification.method IS 'How it was sent (letter, secure e-mail, ...).';
COMMENT ON COLUMN safeguard.enquiry_notification.reference IS 'Reference of the letter.';
COMMENT ON COLUMN safeguard.enquiry_notification.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.enquiry_notification.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.enquiry_notification
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.enquiry_notification
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.enquiry_notification
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '', 'enquiry_id');
CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE ON safeguard.enquiry_notification
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_after();
CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.enquiry_notification
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.enquiry_record_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.enquiry_notification
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.enquiry_notification FROM PUBLIC;
GRANT SELECT ON safeguard.enquiry_notification TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;
GRANT INSERT ON safeguard.enquiry_notification TO safeguard_admin, safeguard_sam;

ALTER TABLE safeguard.enquiry_notification ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.enquiry_notification FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.enquiry_notification USING (EXISTS (
    SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));

SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_notification', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.enquiry_notification_id_seq', '');

-- Raises SG208 for a record that does not exist or the caller cannot see
-- (the workflow functions call it when their UPDATE finds no row).
CREATE FUNCTION safeguard.propose_provider_enquiry(provider_id bigint, la_id bigint,
    location_ids bigint[] DEFAULT '{}', raised_by_regulator boolean DEFAULT false)
RETURNS bigint LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
    loc bigint;
BEGIN
    PERFORM safeguard.require_duty('propose_provider_enquiry');
    INSERT INTO safeguard.provider_enquiry (provider_id, la_id, raised_by_regulator)
    VALUES (propose_provider_enquiry.provider_id, propose_provider_enquiry.la_id,
            propose_provider_enquiry.raised_by_regulator)
    RETURNING id INTO new_id;
    FOREACH loc IN ARRAY coalesce(location_ids, '{}') LOOP
        INSERT INTO safeguard.enquiry_location (enquiry_id, location_id) VALUES (new_id, loc);
    END LOOP;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION safeguard.propose_provider_enquiry(bigint, bigint, bigint[], boolean) IS
    'Stage 1: proposes a large-scale enquiry about a provider (some of its locations), led by a local authority; returns its id.';

CREATE FUNCTION safeguard.record_threshold(enquiry_id bigint, criterion safeguard.threshold_criterion,
    met boolean, evidence text)
RETURNS void LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_threshold');
    INSERT INTO safeguard.enquiry_criterion (enquiry_id, criterion, met, evidence)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT ON CONSTRAINT enquiry_criterion_pkey
    DO UPDATE SET met = EXCLUDED.met, evidence = EXCLUDED.evidence;
$$;
COMMENT ON FUNCTION safeguard.record_threshold(bigint, safeguard.threshold_criterion, boolean, text) IS
    'Stage 1 threshold tool: answers one of the eight criteria yes or no with an evidence note.';

CREATE FUNCTION safeguard.enquiry_set_stage(enquiry_id bigint, stage safeguard.enquiry_stage,
    risk_level safeguard.risk_level DEFAULT NULL, risk_actions text[] DEFAULT NULL,
    decision_rationale text DEFAULT NULL, override_rationale text DEFAULT NULL,
    alternative_action text DEFAULT NULL, qa_strategy text DEFAULT NULL,
    qa_outcome safeguard.qa_outcome DEFAULT NULL, lessons_learnt text DEFAULT NULL,
    sab_report_at timestamptz DEFAULT NULL, sab_report_reference text DEFAULT NULL)
RETURNS safeguard.enquiry_stage LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.enquiry_stage;
BEGIN
    PERFORM safeguard.require_duty('provider_enquiry:' OPERATOR(pg_catalog.||) enquiry_set_stage.stage::pg_catalog.text);
    UPDATE safeguard.provider_enquiry e
       SET stage = enquiry_set_stage.stage,
           risk_level = coalesce(enquiry_set_stage.risk_level, e.risk_level),
           risk_actions = coalesce(enquiry_set_stage.risk_actions, e.risk_actions),
           decision_rationale = coalesce(enquiry_set_stage.decision_rationale, e.decision_rationale),
           override_rationale = coalesce(enquiry_set_stage.override_rationale, e.override_rationale),
           alternative_action = coalesce(enquiry_set_stage.alternative_action, e.alternative_action),
           qa_strategy = coalesce(enquiry_set_stage.qa_strategy, e.qa_strategy),
           qa_outcome = coalesce(enquiry_set_stage.qa_outcome, e.qa_outcome),
           lessons_learnt = coalesce(enquiry_set_stage.lessons_learnt, e.lessons_learnt),
           sab_report_at = coalesce(enquiry_set_stage.sab_report_at, e.sab_report_at),
           sab_report_reference = coalesce(enquiry_set_stage.sab_report_reference, e.sab_report_reference)
     WHERE e.id OPERATOR(pg_catalog.=) enquiry_set_stage.enquiry_id
    RETURNING e.stage INTO result;
    IF NOT FOUND THEN
        PERFORM safeguard.raise_not_found('provider enquiry', enquiry_set_stage.enquiry_id);
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.enquiry_set_stage(bigint, safeguard.enquiry_stage, safeguard.risk_level, text[], text, text, text, text, safeguard.qa_outcome, text, timestamptz, text) IS
    'Moves a provider enquiry to a stage with that stage''s columns; the C guard decides. The named wrappers below call it.';

CREATE FUNCTION safeguard.invoke_provider_enquiry(enquiry_id bigint, risk_level safeguard.risk_level,
    rationale text, risk_actions text[] DEFAULT NULL, override_rationale text DEFAULT NULL)
RETURNS safeguard.enquiry_stage LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.enquiry_set_stage($1, 'invoked', risk_level => $2, decision_rationale => $3,
                                         risk_actions => $4, override_rationale => $5) $$;
COMMENT ON FUNCTION safeguard.invoke_provider_enquiry(bigint, safeguard.risk_level, text, text[], text) IS
    'Stage 1 decision to invoke (SAM, or safeguard_admin acting as DSAM): needs a criterion met or an override rationale; the initial meeting is then due within 5 working days.';

CREATE FUNCTION safeguard.decline_provider_enquiry(enquiry_id bigint, alternative_action text, rationale text)
RETURNS safeguard.enquiry_stage LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.enquiry_set_stage($1, 'not_invoked', alternative_action => $2, decision_rationale => $3) $$;
COMMENT ON FUNCTION safeguard.decline_provider_enquiry(bigint, text, text) IS
    'Stage 1 decision not to invoke, with the alternative action directed and the rationale.';

CREATE FUNCTION safeguard.record_enquiry_contacts(enquiry_id bigint,
    cqc_advised_at timestamptz DEFAULT NULL, cqc_advised_method safeguard.contact_method DEFAULT NULL,
    provider_informed_at timestamptz DEFAULT NULL, provider_informed_method safeguard.contact_method DEFAULT NULL)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM safeguard.require_duty('correct_provider_enquiry');
    UPDATE safeguard.provider_enquiry e
       SET cqc_advised_at = coalesce(record_enquiry_contacts.cqc_advised_at, e.cqc_advised_at),
           cqc_advised_method = coalesce(record_enquiry_contacts.cqc_advised_method, e.cqc_advised_method),
           provider_informed_at = coalesce(record_enquiry_contacts.provider_informed_at, e.provider_informed_at),
           provider_informed_method = coalesce(record_enquiry_contacts.provider_informed_method, e.provider_informed_method)
     WHERE e.id OPERATOR(pg_catalog.=) record_enquiry_contacts.enquiry_id;
    IF NOT FOUND THEN
        PERFORM safeguard.raise_not_found('provider enquiry', record_enquiry_contacts.enquiry_id);
    END IF;
END
$$;
COMMENT ON FUNCTION safeguard.record_enquiry_contacts(bigint, timestamptz, safeguard.contact_method, timestamptz, safeguard.contact_method) IS
    'Records that CQC was formally advised and that the provider was informed (SAM).';

CREATE FUNCTION safeguard.appoint_to_enquiry(enquiry_id bigint, role regrole, duty safeguard.duty)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('appoint_to_enquiry');
    INSERT INTO safeguard.enquiry_appointment (enquiry_id, role, duty) VALUES ($1, $2, $3) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.appoint_to_enquiry(bigint, regrole, safeguard.duty) IS
    'Appoints a SAM or an enquiry officer (who must hold that duty for the leading local authority).';

CREATE FUNCTION safeguard.record_enquiry_meeting(enquiry_id bigint, kind safeguard.meeting_kind,
    held_at timestamptz, agenda_covered text[] DEFAULT '{}', decisions text DEFAULT NULL,
    fact_finding_working_days integer DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_enquiry_meeting');
    INSERT INTO safeguard.enquiry_meeting (enquiry_id, kind, held_at, agenda_covered, decisions,
        fact_finding_working_days)
    VALUES ($1, $2, $3, coalesce($4, '{}'), $5, $6) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.record_enquiry_meeting(bigint, safeguard.meeting_kind, timestamptz, text[], text, integer) IS
    'Records an enquiry meeting. The initial meeting sets the fact-finding timescale (at most 20 working days) and moves the enquiry to fact finding; a late meeting is accepted and its deadline marked breached.';

CREATE FUNCTION safeguard.add_meeting_attendee(meeting_id bigint, organisation_id bigint,
    role_title text, attendee_name text DEFAULT NULL)
RETURNS void LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('add_meeting_attendee');
    INSERT INTO safeguard.meeting_attendee VALUES ($1, $2, $3, $4);
$$;
COMMENT ON FUNCTION safeguard.add_meeting_attendee(bigint, bigint, text, text) IS
    'Records who attended a meeting, by organisation and role.';

CREATE FUNCTION safeguard.record_commissioning_decision(enquiry_id bigint, funding_authority_id bigint,
    action safeguard.commissioning_action, rationale text, meeting_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_commissioning_decision');
    INSERT INTO safeguard.commissioning_decision (enquiry_id, funding_authority_id, action, rationale, meeting_id)
    VALUES ($1, $2, $3, $4, $5) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.record_commissioning_decision(bigint, bigint, safeguard.commissioning_action, text, bigint) IS
    'A funding authority''s commissioner records a placement decision; the regulator abstains.';

CREATE FUNCTION safeguard.record_finding(enquiry_id bigint, finding text, concern_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_finding');
    INSERT INTO safeguard.enquiry_finding (enquiry_id, finding, concern_id) VALUES ($1, $2, $3) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.record_finding(bigint, text, bigint) IS
    'Fact finding: an appointed enquiry officer records a finding, against a concern when it is about one.';

CREATE FUNCTION safeguard.issue_improvement_plan(enquiry_id bigint, summary text)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('issue_improvement_plan');
    INSERT INTO safeguard.improvement_plan (enquiry_id, summary) VALUES ($1, $2) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.issue_improvement_plan(bigint, text) IS
    'Stage 3: issues the Service Improvement Plan after the outcomes meeting; the provider has 48 clock hours to respond.';

CREATE FUNCTION safeguard.add_plan_item(plan_id bigint, description text, owner text, due_date date,
    referral_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('add_plan_item');
    INSERT INTO safeguard.plan_item (plan_id, description, owner, due_date, referral_id)
    VALUES ($1, $2, $3, $4, $5) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.add_plan_item(bigint, text, text, date, bigint) IS
    'Adds an item (owner, due date) to a plan; an individual safeguarding plan is an item linked to its referral.';

CREATE FUNCTION safeguard.respond_to_plan(plan_id bigint, response text)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM safeguard.require_duty('respond_to_plan');
    UPDATE safeguard.improvement_plan p SET provider_response = respond_to_plan.response
     WHERE p.id OPERATOR(pg_catalog.=) respond_to_plan.plan_id;
    IF NOT FOUND THEN
        PERFORM safeguard.raise_not_found('improvement plan', respond_to_plan.plan_id);
    END IF;
END
$$;
COMMENT ON FUNCTION safeguard.respond_to_plan(bigint, text) IS
    'The provider (safeguard_provider of that provider only) records its response to its plan; a late response is accepted and marked breached.';

CREATE FUNCTION safeguard.update_plan_item(item_id bigint, status safeguard.plan_item_status DEFAULT NULL,
    progress_note text DEFAULT NULL, serious_delay boolean DEFAULT NULL)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM safeguard.require_duty('update_plan_item|provider_progress');
    UPDATE safeguard.plan_item i
       SET status = coalesce(update_plan_item.status, i.status),
           progress_note = coalesce(update_plan_item.progress_note, i.progress_note),
           serious_delay = coalesce(update_plan_item.serious_delay, i.serious_delay)
     WHERE i.id OPERATOR(pg_catalog.=) update_plan_item.item_id;
    IF NOT FOUND THEN
        PERFORM safeguard.raise_not_found('plan item', update_plan_item.item_id);
    END IF;
END
$$;
COMMENT ON FUNCTION safeguard.update_plan_item(bigint, safeguard.plan_item_status, text, boolean) IS
    'Records progress on a plan item (SAM, enquiry officer, or the provider for status and notes); flagging a serious delay (SAM or enquiry officer) forces a meeting.';

CREATE FUNCTION safeguard.start_quality_assurance(enquiry_id bigint, strategy text)
RETURNS safeguard.enquiry_stage LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.enquiry_set_stage($1, 'quality_assurance', qa_strategy => $2) $$;
COMMENT ON FUNCTION safeguard.start_quality_assurance(bigint, text) IS
    'Stage 5: starts quality assurance with its strategy; at most 10 working days.';

CREATE FUNCTION safeguard.record_qa_activity(enquiry_id bigint, activity text,
    carried_out_at timestamptz DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_qa_activity');
    INSERT INTO safeguard.qa_activity (enquiry_id, activity, carried_out_at)
    VALUES ($1, $2, coalesce($3, safeguard.now())) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.record_qa_activity(bigint, text, timestamptz) IS 'Records a quality assurance activity.';

CREATE FUNCTION safeguard.record_enquiry_notification(enquiry_id bigint,
    recipient safeguard.notification_recipient, sent_on date, method safeguard.contact_method, reference text)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_enquiry_notification');
    INSERT INTO safeguard.enquiry_notification (enquiry_id, recipient, sent_on, method, reference)
    VALUES ($1, $2, $3, $4, $5) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.record_enquiry_notification(bigint, safeguard.notification_recipient, date, safeguard.contact_method, text) IS
    'Stage 6: records the written notification of closure to the provider or to CQC (both required to close).';

CREATE FUNCTION safeguard.close_provider_enquiry(enquiry_id bigint, lessons_learnt text,
    sab_report_at timestamptz, sab_report_reference text)
RETURNS safeguard.enquiry_stage LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.enquiry_set_stage($1, 'closed', qa_outcome => 'sustained', lessons_learnt => $2,
                                         sab_report_at => $3, sab_report_reference => $4) $$;
COMMENT ON FUNCTION safeguard.close_provider_enquiry(bigint, text, timestamptz, text) IS
    'Stage 6: closes the enquiry once QA found improvements sustained, with both written notifications, lessons learnt and the report to the Safeguarding Adults Board.';

CREATE FUNCTION safeguard.qa_not_sustained(enquiry_id bigint)
RETURNS safeguard.enquiry_stage LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.enquiry_set_stage($1, 'monitoring', qa_outcome => 'not_sustained') $$;
COMMENT ON FUNCTION safeguard.qa_not_sustained(bigint) IS 'Stage 5 outcome: improvements not sustained; the enquiry returns to monitoring.';

CREATE FUNCTION safeguard.move_to_monitoring(enquiry_id bigint)
RETURNS safeguard.enquiry_stage LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.enquiry_set_stage($1, 'monitoring') $$;
COMMENT ON FUNCTION safeguard.move_to_monitoring(bigint) IS
    'Stage 4: the SAM starts monitoring the plan without waiting for the provider''s response (which stays due).';

CREATE VIEW safeguard.enquiry_casework WITH (security_invoker = true) AS
SELECT el.enquiry_id, c.id AS concern_id, c.case_id, r.id AS referral_id, r.state AS referral_state,
       c.provider_location_id, c.received_at
FROM safeguard.enquiry_location el
JOIN safeguard.concern c ON c.provider_location_id OPERATOR(pg_catalog.=) el.location_id
LEFT JOIN safeguard.referral r ON r.concern_id OPERATOR(pg_catalog.=) c.id;
COMMENT ON VIEW safeguard.enquiry_casework IS 'Individual concerns and referrals about an enquiry''s locations: the casework the large-scale enquiry links to.';
COMMENT ON COLUMN safeguard.enquiry_casework.enquiry_id IS 'The provider enquiry.';
COMMENT ON COLUMN safeguard.enquiry_casework.concern_id IS 'A concern about one of its locations.';
COMMENT ON COLUMN safeguard.enquiry_casework.case_id IS 'The concern''s case.';
COMMENT ON COLUMN safeguard.enquiry_casework.referral_id IS 'Its referral, if any.';
COMMENT ON COLUMN safeguard.enquiry_casework.referral_state IS 'The referral''s state.';
COMMENT ON COLUMN safeguard.enquiry_casework.provider_location_id IS 'The location.';
COMMENT ON COLUMN safeguard.enquiry_casework.received_at IS 'When the concern was received.';
GRANT SELECT ON safeguard.enquiry_casework TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner;

--------------------------------------------------------------------------
-- 6. The audit trail
-- One audit row per insert, update and delete of every workflow table, hash
-- chained per case, per provider enquiry or per table; seals (digests kept
-- outside the database); verification; the journeys read from the trail; the
-- ledger that proves the live rows against the trail; and the outbox of
-- notifications, written in the same transaction as what caused them.
--------------------------------------------------------------------------

CREATE FUNCTION safeguard.audit_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_audit_guard';
COMMENT ON FUNCTION safeguard.audit_guard() IS 'Trigger: the audit trail is append-only and written only by safeguard.';
REVOKE ALL ON FUNCTION safeguard.audit_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.verify_audit()
    RETURNS TABLE (audit_id bigint, chain_key text, chain_seq bigint, problem text)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_audit';
CREATE FUNCTION safeguard.verify_audit(digest text)
    RETURNS TABLE (audit_id bigint, chain_key text, chain_seq bigint, problem text)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_audit_digest';
COMMENT ON FUNCTION safeguard.verify_audit() IS
    'Recomputes every hash chain; returns the first broken row (altered, missing before it, out of order, unlinked) or no row. Read-only.';
COMMENT ON FUNCTION safeguard.verify_audit(text) IS
    'As verify_audit(), and also checks a digest kept from audit_digest(): detects deleted newest rows and rebuilt chains. Read-only.';
REVOKE ALL ON FUNCTION safeguard.verify_audit() FROM PUBLIC;
REVOKE ALL ON FUNCTION safeguard.verify_audit(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_audit() TO safeguard_auditor, safeguard_admin;
GRANT EXECUTE ON FUNCTION safeguard.verify_audit(text) TO safeguard_auditor, safeguard_admin;

CREATE FUNCTION safeguard.verify_audit_strict(digest text DEFAULT NULL) RETURNS boolean
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_audit_strict';
COMMENT ON FUNCTION safeguard.verify_audit_strict(text) IS
    'Returns true when the audit trail (and the digest, when given) verifies; raises SG401 naming the first bad row otherwise.';
REVOKE ALL ON FUNCTION safeguard.verify_audit_strict(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_audit_strict(text) TO safeguard_auditor, safeguard_admin;

CREATE FUNCTION safeguard.audit_digest() RETURNS text
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_audit_digest';
COMMENT ON FUNCTION safeguard.audit_digest() IS
    'Seals every chain''s current head and returns sg1:<seal>:<sha256 hex>. Keep it outside the database (see the README); verify_audit(digest) checks against it.';
REVOKE ALL ON FUNCTION safeguard.audit_digest() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.audit_digest() TO safeguard_auditor, safeguard_admin;

CREATE FUNCTION safeguard.outbox_mark_delivered(ids bigint[]) RETURNS integer
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_outbox_mark_delivered';
COMMENT ON FUNCTION safeguard.outbox_mark_delivered(bigint[]) IS
    'Marks outbox rows delivered (once), among those the caller may consume (its organisation''s; all for an administrator of the regulator); returns how many were marked.';
REVOKE ALL ON FUNCTION safeguard.outbox_mark_delivered(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.outbox_mark_delivered(bigint[]) TO safeguard_admin;

CREATE FUNCTION safeguard.outbox_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_outbox_guard';
COMMENT ON FUNCTION safeguard.outbox_guard() IS 'Trigger: outbox rows come only from safeguard; only their delivery is recorded, once; none is deleted.';
REVOKE ALL ON FUNCTION safeguard.outbox_guard() FROM PUBLIC;

-- The live rows proved against the audit trail.  verify_audit() proves the
-- audit rows; a superuser who disables the triggers by editing the catalog
-- (no DDL, so nothing is recorded) could still change a row with no audit
-- row.  verify_ledger() proves the live rows against the trail, as ledger
-- tables are: every row of every table with the audit_row trigger equals the
-- newest values its audit rows record, no such row exists without them, and
-- no audit row describes a row that is gone (audit_ledger.c,
-- ledger_replay.c).  Rows installed before their table had an audit trigger
-- (the shipped calendar, policy, rules and rungs) are recorded once as found,
-- as BASELINE audit rows, by ledger_baseline() (section 10).
CREATE FUNCTION safeguard.verify_ledger()
    RETURNS TABLE (table_name text, row_key text, primary_key text, column_name text,
                   live_value text, trail_value text, audit_id bigint, problem text)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_ledger';
COMMENT ON FUNCTION safeguard.verify_ledger() IS
    'Proves every row of every audited table against the audit trail: returns the first row that differs from the newest values its audit rows record, has none, or is gone although audit rows record it (table, row key, primary key, column, what the row holds, what the trail says, the audit row, the problem), or no row. Reads every row whatever the caller''s scope; streams. Read-only.';
REVOKE ALL ON FUNCTION safeguard.verify_ledger() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_ledger() TO safeguard_auditor, safeguard_admin;

CREATE FUNCTION safeguard.verify_ledger_strict() RETURNS boolean
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_ledger_strict';
COMMENT ON FUNCTION safeguard.verify_ledger_strict() IS
    'Returns true when every audited row agrees with the audit trail; raises SG404 naming the first that does not.';
REVOKE ALL ON FUNCTION safeguard.verify_ledger_strict() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_ledger_strict() TO safeguard_auditor, safeguard_admin;

CREATE FUNCTION safeguard.ledger_baseline() RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_ledger_baseline';
COMMENT ON FUNCTION safeguard.ledger_baseline() IS
    'Records as BASELINE audit rows the rows that have no audit row of their insert because they were installed before their table had an audit trigger (shipped = true, or every row of a table with no audit row yet); returns how many. Superusers only: the update to 1.4 runs it, and a superuser after restoring a dump taken before 1.4.';
REVOKE ALL ON FUNCTION safeguard.ledger_baseline() FROM PUBLIC;

CREATE TABLE safeguard.audit_event (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    recorded_at      timestamptz NOT NULL,
    business_time    timestamptz NOT NULL,
    txid             xid8 NOT NULL,
    login_role       text NOT NULL,
    acting_role      text NOT NULL,
    organisation_id  bigint,
    duty             safeguard.duty,
    table_name       text NOT NULL,
    row_key          text NOT NULL,
    case_id          bigint,
    action           text NOT NULL,
    from_state       text,
    to_state         text,
    changes          jsonb NOT NULL,
    application_name text,
    client_addr      inet,
    chain_key        text NOT NULL,
    chain_seq        bigint NOT NULL,
    prev_hash        bytea NOT NULL,
    row_hash         bytea NOT NULL,
    PRIMARY KEY (chain_key, chain_seq)
);

-- id orders rows for reading; the chain position is the key.  It is not
-- unique on purpose: a role allowed to write all data can wind the
-- sequence back, and that must not stop audited work.
CREATE INDEX audit_event_id ON safeguard.audit_event (id);
CREATE INDEX audit_event_case ON safeguard.audit_event (case_id);
CREATE INDEX audit_event_row ON safeguard.audit_event (table_name, row_key);

COMMENT ON TABLE safeguard.audit_event IS
    'One row per insert or update of every workflow table, written in the same transaction by safeguard; append-only for everyone, the owner included.';
COMMENT ON COLUMN safeguard.audit_event.id IS 'Order of writing (for reading in order; the chain position is the key).';
COMMENT ON COLUMN safeguard.audit_event.recorded_at IS 'Clock time the change was made.';
COMMENT ON COLUMN safeguard.audit_event.business_time IS 'safeguard.now() at the change (differs from recorded_at only when a test pinned the clock).';
COMMENT ON COLUMN safeguard.audit_event.txid IS 'Transaction id.';
COMMENT ON COLUMN safeguard.audit_event.login_role IS 'The session''s login role.';
COMMENT ON COLUMN safeguard.audit_event.acting_role IS 'The role that acted (current role, e.g. after SET ROLE).';
COMMENT ON COLUMN safeguard.audit_event.organisation_id IS 'Organisation it acted for.';
COMMENT ON COLUMN safeguard.audit_event.duty IS 'Duty under which it acted.';
COMMENT ON COLUMN safeguard.audit_event.table_name IS 'Table changed.';
COMMENT ON COLUMN safeguard.audit_event.row_key IS 'Key of the row changed.';
COMMENT ON COLUMN safeguard.audit_event.case_id IS 'Case the row belongs to, for case journeys.';
COMMENT ON COLUMN safeguard.audit_event.action IS
    'INSERT, UPDATE, DELETE (since 1.4), or BASELINE: a row recorded as found, installed before its table had an audit trigger (since 1.4, ledger_baseline()).';
COMMENT ON COLUMN safeguard.audit_event.from_state IS 'State before (for tables with a state).';
COMMENT ON COLUMN safeguard.audit_event.to_state IS 'State after.';
COMMENT ON COLUMN safeguard.audit_event.changes IS
    'Inserted values (also of a deleted row, as it was, and of a BASELINE), or {"column": {"old": ..., "new": ...}} for changed columns, in canonical text (independent of session settings).';
COMMENT ON COLUMN safeguard.audit_event.application_name IS 'Client application_name.';
COMMENT ON COLUMN safeguard.audit_event.client_addr IS 'Client address (NULL for local socket connections).';
COMMENT ON COLUMN safeguard.audit_event.chain_key IS 'The hash chain the row belongs to: case:<id>, or table:<name> for rows outside a case.';
COMMENT ON COLUMN safeguard.audit_event.chain_seq IS 'Position in its chain, from 1, without gaps.';
COMMENT ON COLUMN safeguard.audit_event.prev_hash IS 'row_hash of the previous row of the chain (32 zero bytes for the first).';
COMMENT ON COLUMN safeguard.audit_event.row_hash IS 'SHA-256 over prev_hash and the canonical encoding of the row: the same in every session.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_event
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_event
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_event
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_event FORCE ROW LEVEL SECURITY;

CREATE POLICY oversight ON safeguard.audit_event FOR SELECT
    USING (safeguard.may_read_audit(case_id, chain_key, organisation_id));

-- An UPDATE or DELETE of audit rows (by a role given the privilege, or
-- pg_write_all_data) reaches the rows and is refused by audit_guard
-- (SG204), rather than quietly matching none.
CREATE POLICY refused_by_guard ON safeguard.audit_event FOR UPDATE USING (true);
CREATE POLICY refused_by_guard_delete ON safeguard.audit_event FOR DELETE USING (true);

REVOKE ALL ON safeguard.audit_event FROM PUBLIC;
GRANT SELECT ON safeguard.audit_event TO safeguard_admin, safeguard_auditor;

SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_event', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_event_id_seq', '');

CREATE TABLE safeguard.serial_lock (
    key text PRIMARY KEY
);

COMMENT ON TABLE safeguard.serial_lock IS 'One row per key safeguard serialises on (an audit chain, case linking for an adult): its row lock, which only safeguard can take, queues the writers of that key. Holds no data.';
COMMENT ON COLUMN safeguard.serial_lock.key IS 'The key, e.g. case:42 or link:adult:nhs:9434765919.';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.serial_lock
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.serial_lock
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.serial_lock
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.serial_lock FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('safeguard.serial_lock', '');

CREATE TABLE safeguard.audit_seal (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sealed_at   timestamptz NOT NULL,
    prev_digest bytea NOT NULL,
    digest      bytea NOT NULL
);

COMMENT ON TABLE safeguard.audit_seal IS 'Seals made by audit_digest(): each folds every chain head, and the previous seal, into a digest to keep outside the database.';
COMMENT ON COLUMN safeguard.audit_seal.id IS 'Seal number (the digest names it).';
COMMENT ON COLUMN safeguard.audit_seal.sealed_at IS 'When the seal was made.';
COMMENT ON COLUMN safeguard.audit_seal.prev_digest IS 'The previous seal''s digest (zeros for the first).';
COMMENT ON COLUMN safeguard.audit_seal.digest IS 'SHA-256 over prev_digest and the sealed chain heads.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_seal
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_seal
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_seal
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.audit_seal FROM PUBLIC;
GRANT SELECT ON safeguard.audit_seal TO safeguard_admin, safeguard_auditor;

SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_seal', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_seal_id_seq', '');

CREATE TABLE safeguard.audit_seal_head (
    seal_id   bigint NOT NULL REFERENCES safeguard.audit_seal,
    chain_key text NOT NULL,
    chain_seq bigint NOT NULL,
    row_hash  bytea NOT NULL,
    PRIMARY KEY (seal_id, chain_key)
);

COMMENT ON TABLE safeguard.audit_seal_head IS 'The head of every chain at a seal.';
COMMENT ON COLUMN safeguard.audit_seal_head.seal_id IS 'The seal.';
COMMENT ON COLUMN safeguard.audit_seal_head.chain_key IS 'The chain.';
COMMENT ON COLUMN safeguard.audit_seal_head.chain_seq IS 'Its last sequence number at the seal.';
COMMENT ON COLUMN safeguard.audit_seal_head.row_hash IS 'The hash of that row.';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_seal_head
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_seal_head
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_seal_head
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.audit_seal_head FROM PUBLIC;
GRANT SELECT ON safeguard.audit_seal_head TO safeguard_admin, safeguard_auditor;

SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_seal_head', '');

CREATE TABLE safeguard.outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      text NOT NULL,
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    delivered_at timestamptz,
    delivered_by text,
    organisation_id bigint GENERATED ALWAYS AS ((payload OPERATOR(pg_catalog.->>) 'organisation_id')::pg_catalog.int8) STORED
);

CREATE INDEX outbox_undelivered ON safeguard.outbox (id) WHERE delivered_at IS NULL;

COMMENT ON TABLE safeguard.outbox IS 'Notifications to deliver, written in the same transaction as the rung that caused them; each consumer (the admin or integration duty) sees its own organisation''s, the regulator''s consumers all. Consume with safeguard.claim_outbox(), deliver, then safeguard.mark_delivered(ids) in the same transaction.';
COMMENT ON COLUMN safeguard.outbox.id IS 'Order of writing.';
COMMENT ON COLUMN safeguard.outbox.channel IS 'The NOTIFY channel it was announced on (safeguard_deadline); the NOTIFY itself carries no payload.';
COMMENT ON COLUMN safeguard.outbox.payload IS 'The notification (see the README).';
COMMENT ON COLUMN safeguard.outbox.created_at IS 'When it was written.';
COMMENT ON COLUMN safeguard.outbox.delivered_at IS 'When a consumer marked it delivered; NULL until then.';
COMMENT ON COLUMN safeguard.outbox.delivered_by IS 'The role that marked it delivered.';
COMMENT ON COLUMN safeguard.outbox.organisation_id IS
    'The organisation the notification concerns (the one that must meet the deadline), from the payload: only its consumers (admin, integration) and the regulator''s read the row.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.outbox
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.outbox
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER outbox_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.outbox
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.outbox_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.outbox FORCE ROW LEVEL SECURITY;

CREATE POLICY by_consumer ON safeguard.outbox
    USING (safeguard.may_consume_outbox(organisation_id));

-- Rows are written by safeguard alone (outbox_guard refuses anyone else's).
CREATE POLICY written_by_safeguard ON safeguard.outbox FOR INSERT
    WITH CHECK (true);

COMMENT ON POLICY by_consumer ON safeguard.outbox IS
    'A consumer sees, locks and marks delivered only the notifications of its own organisation (the regulator''s administrators: all).';
COMMENT ON POLICY written_by_safeguard ON safeguard.outbox IS
    'Inserting is left to the outbox_guard trigger, which accepts only safeguard''s own rows.';

REVOKE ALL ON safeguard.outbox FROM PUBLIC;
GRANT SELECT, UPDATE ON safeguard.outbox TO safeguard_admin;
-- The integration duty: read, and claim (FOR UPDATE needs UPDATE on a column), and record delivery.
GRANT SELECT, UPDATE (delivered_at, delivered_by) ON safeguard.outbox TO safeguard_integration;

SELECT pg_catalog.pg_extension_config_dump('safeguard.outbox', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.outbox_id_seq', '');

-- The consumer's two calls (issue 18): claim undelivered notifications,
-- deliver them, mark them delivered, all in one transaction.  SECURITY
-- INVOKER: the outbox's row-level security (may_consume_outbox) chooses
-- the rows, and the row locks are the caller's own.
CREATE FUNCTION safeguard.claim_outbox(max_rows integer DEFAULT 100) RETURNS SETOF safeguard.outbox
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_claim_outbox';
COMMENT ON FUNCTION safeguard.claim_outbox(integer) IS
    'Locks and returns up to max_rows undelivered notifications the caller may consume (its organisation''s; all for the regulator''s), oldest first, skipping rows another consumer has claimed (FOR UPDATE SKIP LOCKED). The admin and integration duties; deliver them, then mark_delivered(ids) in the same transaction.';
REVOKE ALL ON FUNCTION safeguard.claim_outbox(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.claim_outbox(integer) TO safeguard_integration, safeguard_admin;

CREATE FUNCTION safeguard.mark_delivered(ids bigint[]) RETURNS integer
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_mark_delivered';
COMMENT ON FUNCTION safeguard.mark_delivered(bigint[]) IS
    'Records the delivery (when, by which role) of the notifications ids, every one of which the caller must be able to consume (else SG208, nothing marked); returns how many were newly marked (one already delivered stays as it was). The admin and integration duties.';
REVOKE ALL ON FUNCTION safeguard.mark_delivered(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.mark_delivered(bigint[]) TO safeguard_integration, safeguard_admin;

-- A journey: the chronological timeline of a case, a referral or a provider
-- enquiry, read from the audit trail alone (the auditor duty, which may not
-- read casework, reads every journey), with actor, duty, organisation and
-- what changed.  The rows of each subject:
--   case      every audit row of the case (its concerns, triage, referrals,
--             deadlines, alerts, pauses and approvals);
--   referral  within the referral's case: the referral, its concern and
--             triage, and the deadlines whose insert names the referral;
--   enquiry   the enquiry's own chain (enquiry:<id>, since 1.4), and its rows
--             written before 1.4 in the chains of the enquiry tables and of
--             deadlines outside cases: the enquiry and every record naming it,
--             its plan, the plan's items, its meetings' attendees, the
--             deadlines whose insert names it.
CREATE FUNCTION safeguard.journey(subject text, id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF journey.subject IS NULL THEN
        RAISE EXCEPTION 'journey subject is null'
            USING ERRCODE = 'SG103',
                  DETAIL = 'A journey is that of a case, a referral or a provider enquiry.',
                  HINT = 'Call safeguard.journey(''case'', id), journey(''referral'', id) or journey(''enquiry'', id).';
    END IF;
    IF journey.subject OPERATOR(pg_catalog.<>) ALL ('{case,referral,enquiry}'::pg_catalog.text[]) THEN
        RAISE EXCEPTION 'unknown journey subject'
            USING ERRCODE = 'SG208',
                  DETAIL = pg_catalog.format('The subject is "%s"; a journey is that of a case, a referral or a provider enquiry.', journey.subject),
                  HINT = 'Use ''case'', ''referral'' or ''enquiry'' as the subject.';
    END IF;
    RETURN QUERY
    WITH referral_created AS (
        SELECT a.case_id, a.changes OPERATOR(pg_catalog.->>) 'concern_id' AS concern_key
        FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'referral'
          AND a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
          AND a.action OPERATOR(pg_catalog.=) 'INSERT'
    ), referral_case AS (
        SELECT a.* FROM safeguard.audit_event a
        WHERE a.case_id OPERATOR(pg_catalog.=) (SELECT c.case_id FROM referral_created c)
    ), referral_deadlines AS (
        SELECT d.row_key FROM referral_case d
        WHERE d.table_name OPERATOR(pg_catalog.=) 'deadline' AND d.action OPERATOR(pg_catalog.=) 'INSERT'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_table' OPERATOR(pg_catalog.=) 'referral'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), legacy AS (
        -- rows written before 1.4, in the chains of the enquiry tables and of
        -- deadlines outside cases (the deadlines of enquiries)
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'enquiry'
          AND a.chain_key OPERATOR(pg_catalog.=) ANY ('{table:provider_enquiry,table:enquiry_location,
              table:enquiry_criterion,table:enquiry_appointment,table:enquiry_meeting,table:meeting_attendee,
              table:commissioning_decision,table:enquiry_finding,table:improvement_plan,table:plan_item,
              table:qa_activity,table:enquiry_notification,table:deadline}'::text[])
    ), plans AS (
        SELECT p.row_key FROM legacy p
        WHERE p.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND p.action OPERATOR(pg_catalog.=) 'INSERT'
          AND p.changes OPERATOR(pg_catalog.->>) 'enquiry_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), items AS (
        SELECT i.row_key FROM legacy i
        WHERE i.table_name OPERATOR(pg_catalog.=) 'plan_item' AND i.action OPERATOR(pg_catalog.=) 'INSERT'
          AND i.changes OPERATOR(pg_catalog.->>) 'plan_id' OPERATOR(pg_catalog.=) ANY (SELECT p.row_key FROM plans p)
    ), meetings AS (
        SELECT m.row_key FROM legacy m
        WHERE m.table_name OPERATOR(pg_catalog.=) 'enquiry_meeting' AND m.action OPERATOR(pg_catalog.=) 'INSERT'
          AND m.changes OPERATOR(pg_catalog.->>) 'enquiry_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), enquiry_deadlines AS (
        SELECT d.row_key FROM legacy d
        WHERE d.table_name OPERATOR(pg_catalog.=) 'deadline' AND d.action OPERATOR(pg_catalog.=) 'INSERT'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_table' OPERATOR(pg_catalog.=) 'provider_enquiry'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), rows AS (
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'case' AND a.case_id OPERATOR(pg_catalog.=) journey.id
        UNION ALL
        SELECT a.* FROM referral_case a
        WHERE (a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text)
           OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT d.row_key FROM referral_deadlines d))
           OR (a.table_name OPERATOR(pg_catalog.=) ANY ('{concern,triage}'::text[])
               AND a.row_key OPERATOR(pg_catalog.=) (SELECT c.concern_key FROM referral_created c))
        UNION ALL
        SELECT a.* FROM legacy a
        WHERE (a.table_name OPERATOR(pg_catalog.=) 'provider_enquiry' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text)
           OR (a.changes OPERATOR(pg_catalog.->>) 'enquiry_id') OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
           OR (a.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT p.row_key FROM plans p))
           OR (a.table_name OPERATOR(pg_catalog.=) 'plan_item' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT i.row_key FROM items i))
           OR (a.table_name OPERATOR(pg_catalog.=) 'meeting_attendee' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT m.row_key FROM meetings m))
           OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT d.row_key FROM enquiry_deadlines d))
        UNION ALL
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'enquiry'
          AND a.chain_key OPERATOR(pg_catalog.=) ('enquiry:' OPERATOR(pg_catalog.||) journey.id::pg_catalog.text)
    )
    SELECT a.id, a.recorded_at, a.business_time, a.login_role, a.acting_role, a.duty, o.name,
           a.table_name, a.row_key, a.action, a.from_state, a.to_state, a.changes
    FROM rows a
    LEFT JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) a.organisation_id
    ORDER BY a.id;
END
$$;
COMMENT ON FUNCTION safeguard.journey(text, bigint) IS
    'The chronological timeline of a case, a referral or a provider enquiry (subject ''case'', ''referral'' or ''enquiry'') from the audit trail alone: every change with actor, duty, organisation and what changed (CQC case tracking). SG208 for another subject, SG103 for NULL.';
REVOKE ALL ON FUNCTION safeguard.journey(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.journey(text, bigint) TO safeguard_auditor, safeguard_admin;

-- The three journeys of 1.0, kept for existing callers.
CREATE FUNCTION safeguard.case_journey(case_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('case', $1) $$;
COMMENT ON FUNCTION safeguard.case_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''case'', case_id), which it calls. A case''s full chronological timeline from the audit trail.';
CREATE FUNCTION safeguard.referral_journey(referral_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('referral', $1) $$;
COMMENT ON FUNCTION safeguard.referral_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''referral'', referral_id), which it calls. A referral''s chronological timeline from the audit trail.';
CREATE FUNCTION safeguard.enquiry_journey(enquiry_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('enquiry', $1) $$;
COMMENT ON FUNCTION safeguard.enquiry_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''enquiry'', enquiry_id), which it calls. A provider enquiry''s chronological timeline from the audit trail.';
REVOKE ALL ON FUNCTION safeguard.case_journey(bigint), safeguard.referral_journey(bigint),
    safeguard.enquiry_journey(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.case_journey(bigint), safeguard.referral_journey(bigint),
    safeguard.enquiry_journey(bigint) TO safeguard_auditor, safeguard_admin;

--------------------------------------------------------------------------
-- 7. Deadlines, escalation and the sweep
-- Every expectation of an organisation is a deadline: an anchor and a rule
-- of the policy in force (per organisation, versioned), its due instant
-- computed by the calendar.  An escalation ladder per rule; each rung fired
-- exactly once by safeguard.sweep() (background worker or pg_cron).  Clock
-- stops, approved extensions, and the views of what is due.
--------------------------------------------------------------------------

CREATE TYPE safeguard.deadline_unit AS ENUM ('working_days', 'clock_hours', 'calendar_days');
COMMENT ON TYPE safeguard.deadline_unit IS 'Unit of a deadline rule: working days end at local midnight after the n-th working day; clock hours are elapsed time; calendar days end at local midnight.';

CREATE TYPE safeguard.deadline_status AS ENUM ('open', 'met', 'breached', 'cancelled');
COMMENT ON TYPE safeguard.deadline_status IS 'A deadline is open until the event it waits for happens (met or breached) or it no longer applies (cancelled).';

-- Deadlines that act on their own: an escalation ladder per rule, each rung
-- fired exactly once by safeguard.sweep() (from the background worker or
-- pg_cron), an outbox row and a NOTIFY in the same transaction.
CREATE TYPE safeguard.alert_rung AS ENUM ('due_soon', 'breach', 'escalate');
COMMENT ON TYPE safeguard.alert_rung IS 'Rungs of an escalation ladder, in firing order: due_soon (warning), breach (the due instant passed), escalate (to the organisation''s named senior contact).';

CREATE FUNCTION safeguard.deadline_due(amount integer, unit safeguard.deadline_unit, anchor timestamptz, division text)
    RETURNS timestamptz LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'sg_deadline_due_sql';
COMMENT ON FUNCTION safeguard.deadline_due(integer, safeguard.deadline_unit, timestamptz, text) IS
    'The due instant of a rule: working days end at local midnight after the n-th working day (calendar engine), clock hours are elapsed time, calendar days end at local midnight.';

CREATE FUNCTION safeguard.policy_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_policy_guard';
COMMENT ON FUNCTION safeguard.policy_guard() IS 'Trigger: administrators maintain deadline policies; a version in use is frozen.';
REVOKE ALL ON FUNCTION safeguard.policy_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.sweep(max_rungs integer DEFAULT 1000) RETURNS integer
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_sweep';
COMMENT ON FUNCTION safeguard.sweep(integer) IS
    'Fires the due rungs of open deadlines (due_soon, breach, escalate, in order), at most max_rungs per call, each exactly once, with an outbox row and a NOTIFY without payload on channel safeguard_deadline in the same transaction; returns how many fired. Called by the background worker, or by pg_cron.';
REVOKE ALL ON FUNCTION safeguard.sweep(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sweep(integer) TO safeguard_admin;

CREATE FUNCTION safeguard.pause_deadline(deadline_id bigint, reason text) RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_pause_deadline';
COMMENT ON FUNCTION safeguard.pause_deadline(bigint, text) IS
    'Stops a deadline''s clock with a reason (the organisation that must meet it, or an administrator); no rung fires while paused. Returns the pause id.';

CREATE FUNCTION safeguard.resume_deadline(deadline_id bigint) RETURNS timestamptz
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_resume_deadline';
COMMENT ON FUNCTION safeguard.resume_deadline(bigint) IS
    'Restarts a paused deadline''s clock, keeping the time that remained in its own unit (working days stay working days); returns the new due instant.';

CREATE FUNCTION safeguard.extend_deadline(deadline_id bigint, amount integer, reason text, approver regrole)
    RETURNS timestamptz LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_extend_deadline';
COMMENT ON FUNCTION safeguard.extend_deadline(bigint, integer, text, regrole) IS
    'Extends a deadline once, by an amount in its own unit, with a reason and an approver: another role holding the admin or SAM duty for the deadline''s organisation, who recorded the approval first (approve_extension); returns the new due instant.';

CREATE FUNCTION safeguard.approve_extension(deadline_id bigint, amount integer, reason text) RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_approve_extension';
COMMENT ON FUNCTION safeguard.approve_extension(bigint, integer, text) IS
    'Records the caller''s approval to extend an open deadline by up to amount units, with a reason: the caller holds the admin or SAM duty for the organisation that must meet it. extend_deadline() then names the caller as approver. Returns the approval id.';

-- A deadline that cannot be computed never stops the others.  A concern
-- received before the calendar of its authority's division is refused at
-- the door (SG101: its deadlines could not be counted); a deadline whose due
-- instant cannot be computed otherwise (counted from before the calendar, by
-- a row older than 1.4, or falling after the last loaded year until the
-- next gov.uk calendar is imported) is skipped by sweep(), which says so in
-- a WARNING, and shown by the views with due_at empty and due_problem saying
-- why, while every other deadline goes on.  deadline_due() itself still
-- raises (SG101, or SG105 for an amount out of the range of a timestamp).
CREATE FUNCTION safeguard.deadline_due_or_null(amount integer, unit safeguard.deadline_unit, anchor timestamptz, division text)
    RETURNS timestamptz LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_deadline_due_or_null';
COMMENT ON FUNCTION safeguard.deadline_due_or_null(integer, safeguard.deadline_unit, timestamptz, text) IS
    'As deadline_due, but NULL when the due instant cannot be computed (the division''s calendar does not cover it, or it is out of range); deadline_due_problem says why.';

CREATE FUNCTION safeguard.deadline_due_problem(amount integer, unit safeguard.deadline_unit, anchor timestamptz, division text)
    RETURNS text LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_deadline_due_problem';
COMMENT ON FUNCTION safeguard.deadline_due_problem(integer, safeguard.deadline_unit, timestamptz, text) IS
    'Why a due instant cannot be computed (counted from before the division''s calendar, falling after it, out of range), or NULL when it can.';

-- Deadline policies: per organisation, versioned by effective date; each
-- rule an amount, a unit and (through its kind) an anchor event.
CREATE TABLE safeguard.deadline_kind (
    kind         text PRIMARY KEY,
    subject      text NOT NULL,
    anchor_event text NOT NULL,
    closing_event text NOT NULL,
    description  text NOT NULL
);

COMMENT ON TABLE safeguard.deadline_kind IS 'The kinds of deadline safeguard keeps: what each is counted from (anchor) and what meets it.';
COMMENT ON COLUMN safeguard.deadline_kind.kind IS 'Name of the deadline kind.';
COMMENT ON COLUMN safeguard.deadline_kind.subject IS 'Table of the record the deadline belongs to.';
COMMENT ON COLUMN safeguard.deadline_kind.anchor_event IS 'The event the deadline is counted from.';
COMMENT ON COLUMN safeguard.deadline_kind.closing_event IS 'The event that meets it.';
COMMENT ON COLUMN safeguard.deadline_kind.description IS 'What the deadline expects of whom.';

INSERT INTO safeguard.deadline_kind VALUES
    ('triage', 'concern', 'concern received (received_at)', 'triage decision recorded', 'The receiving organisation decides on a concern.'),
    ('send', 'referral', 'refer_to_la decision', 'referral sent (sent_at)', 'The regulator''s contact centre sends a referral to the local authority.'),
    ('send_immediate', 'referral', 'refer_to_la decision, adult at immediate risk', 'referral sent (sent_at)', 'As send, when the adult is at immediate risk.'),
    ('la_acknowledgement', 'referral', 'referral sent (sent_at)', 'acknowledgement recorded (acknowledged_at)', 'The local authority acknowledges a referral.'),
    ('la_outcome', 'referral', 'referral sent (sent_at)', 'outcome recorded', 'The local authority reports the outcome; chase when breached.'),
    ('la_outcome_escalation', 'referral', 'referral sent (sent_at)', 'outcome recorded', 'When breached, escalate to the local authority''s named senior contact.'),
    ('feedback', 'referral', 'outcome recorded', 'feedback given to the referrer (feedback_at)', 'The referrer hears back.');

INSERT INTO safeguard.deadline_kind VALUES
    ('initial_meeting', 'provider_enquiry', 'enquiry invoked (decided_at)', 'initial meeting held', 'The SAM convenes the initial enquiry meeting (stage 2).'),
    ('initial_meeting_major', 'provider_enquiry', 'enquiry invoked at major risk', 'initial meeting held', 'As initial_meeting, when the risk is major: a policy may shorten it.'),
    ('fact_finding', 'provider_enquiry', 'initial meeting held', 'outcomes meeting held or plan issued', 'Fact finding, within the timescale the initial meeting set (at most the rule''s amount).'),
    ('provider_response', 'provider_enquiry', 'improvement plan issued', 'provider''s response recorded', 'The provider responds to the Service Improvement Plan.'),
    ('quality_assurance', 'provider_enquiry', 'quality assurance started', 'quality assurance concluded', 'Quality assurance (stage 5).'),
    ('delay_meeting', 'provider_enquiry', 'serious delay flagged on a plan item', 'monitoring meeting held', 'A serious delay on the plan forces a meeting.');

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_kind
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.deadline_kind FROM PUBLIC;
GRANT SELECT ON safeguard.deadline_kind TO PUBLIC;

CREATE TABLE safeguard.deadline_policy (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id bigint REFERENCES safeguard.organisation,
    effective_from  date NOT NULL,
    description     text NOT NULL,
    shipped         boolean NOT NULL DEFAULT false,
    UNIQUE NULLS NOT DISTINCT (organisation_id, effective_from)
);

COMMENT ON TABLE safeguard.deadline_policy IS
    'A version of an organisation''s deadline policy (organisation_id NULL: the default for every organisation), in force from effective_from until a later version. A version that a deadline uses cannot be changed.';
COMMENT ON COLUMN safeguard.deadline_policy.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.deadline_policy.organisation_id IS 'The organisation whose deadlines it sets (the one that must act); NULL for the default.';
COMMENT ON COLUMN safeguard.deadline_policy.effective_from IS 'First local date (of the anchor) the version applies to.';
COMMENT ON COLUMN safeguard.deadline_policy.description IS 'Where the timescales come from.';
COMMENT ON COLUMN safeguard.deadline_policy.shipped IS 'True for the default installed by the extension.';

INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description, shipped)
VALUES (NULL, '2000-01-01', 'safeguard defaults (see the README): local procedure timescales, configurable per organisation', true);

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.deadline_policy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_policy
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline_policy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER policy_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.deadline_policy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.policy_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_policy
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.deadline_policy FROM PUBLIC;
GRANT SELECT ON safeguard.deadline_policy TO PUBLIC;
GRANT INSERT, UPDATE, DELETE ON safeguard.deadline_policy TO safeguard_admin;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_policy', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_policy_id_seq', '');

CREATE TABLE safeguard.deadline_rule (
    policy_id bigint NOT NULL REFERENCES safeguard.deadline_policy,
    kind      text NOT NULL REFERENCES safeguard.deadline_kind,
    amount    integer NOT NULL,
    unit      safeguard.deadline_unit NOT NULL,
    shipped   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (policy_id, kind)
);

COMMENT ON TABLE safeguard.deadline_rule IS 'One timescale of a policy version: amount and unit for a kind of deadline.';
COMMENT ON COLUMN safeguard.deadline_rule.policy_id IS 'The policy version.';
COMMENT ON COLUMN safeguard.deadline_rule.kind IS 'The kind of deadline.';
COMMENT ON COLUMN safeguard.deadline_rule.amount IS 'How many units after the anchor.';
COMMENT ON COLUMN safeguard.deadline_rule.unit IS 'working_days, clock_hours or calendar_days.';
COMMENT ON COLUMN safeguard.deadline_rule.shipped IS 'True for the default installed by the extension.';

INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, r.kind, r.amount, r.unit::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p,
     (VALUES ('triage', 1, 'working_days'), ('send', 1, 'working_days'),
             ('send_immediate', 4, 'clock_hours'), ('la_acknowledgement', 2, 'working_days'),
             ('la_outcome', 20, 'working_days'), ('la_outcome_escalation', 40, 'working_days'),
             ('feedback', 5, 'working_days')) AS r(kind, amount, unit)
WHERE p.shipped;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_rule
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline_rule
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('policy_id', '', '');
CREATE TRIGGER policy_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.deadline_rule
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.policy_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_rule
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

-- The provider enquiry timescales are installed after the audit trigger, so
-- each has the audit row of its insert (the others are recorded as found,
-- section 10).
INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, r.kind, r.amount, r.unit::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p,
     (VALUES ('initial_meeting', 5, 'working_days'), ('initial_meeting_major', 5, 'working_days'),
             ('fact_finding', 20, 'working_days'), ('provider_response', 48, 'clock_hours'),
             ('quality_assurance', 10, 'working_days'), ('delay_meeting', 5, 'working_days')) AS r(kind, amount, unit)
WHERE p.shipped;

REVOKE ALL ON safeguard.deadline_rule FROM PUBLIC;
GRANT SELECT ON safeguard.deadline_rule TO PUBLIC;
GRANT INSERT, UPDATE, DELETE ON safeguard.deadline_rule TO safeguard_admin;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_rule', 'WHERE NOT shipped');

CREATE TABLE safeguard.deadline (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL,
    subject_table   text NOT NULL,
    subject_id      bigint NOT NULL,
    case_id         bigint REFERENCES safeguard.safeguarding_case,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    policy_id       bigint NOT NULL,
    anchor_at       timestamptz NOT NULL,
    division        text NOT NULL REFERENCES safeguard.division,
    amount          integer,
    status          safeguard.deadline_status NOT NULL DEFAULT 'open',
    closed_at       timestamptz,
    due_at_close    timestamptz,
    paused_at       timestamptz,
    extended_by     integer,
    extension_reason text,
    extension_approver regrole,
    FOREIGN KEY (policy_id, kind) REFERENCES safeguard.deadline_rule
);

CREATE UNIQUE INDEX deadline_one_open ON safeguard.deadline (subject_table, subject_id, kind)
    WHERE status OPERATOR(pg_catalog.=) 'open';
CREATE INDEX deadline_subject ON safeguard.deadline (subject_table, subject_id);
CREATE INDEX deadline_open ON safeguard.deadline (organisation_id)
    WHERE status OPERATOR(pg_catalog.=) 'open';

COMMENT ON TABLE safeguard.deadline IS
    'Every expectation of an organisation, stored as its anchor and rule; the due instant is computed by the calendar engine (so open deadlines follow the bank holidays), and met or breached is recorded when the awaited event happens. Written only by safeguard.';
COMMENT ON COLUMN safeguard.deadline.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.deadline.kind IS 'Kind of deadline (safeguard.deadline_kind).';
COMMENT ON COLUMN safeguard.deadline.subject_table IS 'Table of the record it belongs to.';
COMMENT ON COLUMN safeguard.deadline.subject_id IS 'Id of that record.';
COMMENT ON COLUMN safeguard.deadline.case_id IS 'The case, for case journeys.';
COMMENT ON COLUMN safeguard.deadline.organisation_id IS 'The organisation that must act.';
COMMENT ON COLUMN safeguard.deadline.policy_id IS 'The policy version whose rule applies.';
COMMENT ON COLUMN safeguard.deadline.anchor_at IS 'The instant it is counted from.';
COMMENT ON COLUMN safeguard.deadline.division IS 'The bank-holiday division its working days follow.';
COMMENT ON COLUMN safeguard.deadline.amount IS 'A timescale set for this record (e.g. by a meeting), in the rule''s unit, within the rule''s amount; NULL: the rule''s amount.';
COMMENT ON COLUMN safeguard.deadline.status IS 'open, met, breached or cancelled.';
COMMENT ON COLUMN safeguard.deadline.closed_at IS 'When the awaited event happened (or the deadline was cancelled).';
COMMENT ON COLUMN safeguard.deadline.due_at_close IS 'The due instant it was judged against when it closed.';
COMMENT ON COLUMN safeguard.deadline.paused_at IS 'When its clock was stopped (pause_deadline); NULL while it runs.';
COMMENT ON COLUMN safeguard.deadline.extended_by IS 'The one extension granted, in the rule''s unit (extend_deadline).';
COMMENT ON COLUMN safeguard.deadline.extension_reason IS 'Why it was extended.';
COMMENT ON COLUMN safeguard.deadline.extension_approver IS 'The senior role (admin or SAM duty) who approved the extension.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.deadline
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'status', 'case_id', 'subject_id');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.deadline
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.deadline ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline FORCE ROW LEVEL SECURITY;

CREATE POLICY own_or_overseen ON safeguard.deadline
    USING (safeguard.may_see_la(organisation_id)
           OR organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());

-- A reader sees the deadlines of the authorities it reports on, and those on
-- their concerns and referrals (how the regulator's triage and sending went).
CREATE POLICY reader_scope ON safeguard.deadline FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(organisation_id)
        OR (subject_table OPERATOR(pg_catalog.=) 'concern' AND EXISTS (
                SELECT 1 FROM safeguard.concern x WHERE x.id OPERATOR(pg_catalog.=) subject_id))
        OR (subject_table OPERATOR(pg_catalog.=) 'referral' AND EXISTS (
                SELECT 1 FROM safeguard.referral r WHERE r.id OPERATOR(pg_catalog.=) subject_id)));
CREATE POLICY enquiry_lead ON safeguard.deadline FOR SELECT
    USING (subject_table OPERATOR(pg_catalog.=) 'provider_enquiry' AND safeguard.leads_enquiry(subject_id));

REVOKE ALL ON safeguard.deadline FROM PUBLIC;
GRANT SELECT ON safeguard.deadline TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;
GRANT SELECT ON safeguard.deadline TO safeguard_reader;
REVOKE SELECT ON safeguard.deadline FROM safeguard_reader;
GRANT SELECT (id, kind, subject_table, subject_id, case_id, organisation_id, policy_id,
    anchor_at, division, amount, status, closed_at, due_at_close, paused_at, extended_by,
    extension_approver) ON safeguard.deadline TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_id_seq', '');

CREATE TABLE safeguard.escalation_rung (
    policy_id     bigint NOT NULL,
    kind          text NOT NULL,
    rung          safeguard.alert_rung NOT NULL,
    offset_amount integer NOT NULL,
    offset_unit   safeguard.deadline_unit NOT NULL,
    shipped       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (policy_id, kind, rung),
    FOREIGN KEY (policy_id, kind) REFERENCES safeguard.deadline_rule ON DELETE CASCADE
);

COMMENT ON TABLE safeguard.escalation_rung IS 'The escalation ladder of a deadline rule: when each rung fires, relative to the due instant (e.g. warn 2 working days before, breach at due, escalate 5 working days after).';
COMMENT ON COLUMN safeguard.escalation_rung.policy_id IS 'The policy version.';
COMMENT ON COLUMN safeguard.escalation_rung.kind IS 'The kind of deadline.';
COMMENT ON COLUMN safeguard.escalation_rung.rung IS 'due_soon, breach or escalate.';
COMMENT ON COLUMN safeguard.escalation_rung.offset_amount IS 'How far from the due instant the rung fires (negative: before), in offset_unit. Working days count whole days: -2 fires when two working days remain.';
COMMENT ON COLUMN safeguard.escalation_rung.offset_unit IS 'working_days, clock_hours or calendar_days.';
COMMENT ON COLUMN safeguard.escalation_rung.shipped IS 'True for the defaults installed by the extension.';

INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit, shipped)
SELECT r.policy_id, r.kind, x.rung::safeguard.alert_rung,
       CASE WHEN r.unit OPERATOR(pg_catalog.=) 'clock_hours' THEN x.hours ELSE x.days END,
       r.unit, true
FROM safeguard.deadline_rule r,
     (VALUES ('due_soon', -2, -1), ('breach', 0, 0), ('escalate', 5, 24)) AS x(rung, days, hours)
WHERE r.shipped;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.escalation_rung
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.escalation_rung
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('policy_id', '', '');
CREATE TRIGGER policy_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.escalation_rung
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.policy_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.escalation_rung
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.escalation_rung FROM PUBLIC;
GRANT SELECT ON safeguard.escalation_rung TO PUBLIC;
GRANT INSERT, UPDATE, DELETE ON safeguard.escalation_rung TO safeguard_admin;

SELECT pg_catalog.pg_extension_config_dump('safeguard.escalation_rung', 'WHERE NOT shipped');

CREATE TABLE safeguard.deadline_alert (
    deadline_id     bigint NOT NULL REFERENCES safeguard.deadline,
    rung            safeguard.alert_rung NOT NULL,
    case_id         bigint,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    kind            text NOT NULL,
    subject_table   text NOT NULL,
    subject_id      bigint NOT NULL,
    due_at          timestamptz NOT NULL,
    fire_at         timestamptz NOT NULL,
    fired_at        timestamptz NOT NULL,
    contact_name    text,
    contact_email   text,
    PRIMARY KEY (deadline_id, rung)
);

-- The chase list (report_la_outcomes_outstanding) counts each outstanding
-- referral's alerts: without this index every outstanding referral reads the
-- whole alert history (3,845 referrals x 30,000 alerts: 31 s; with it 0.04 s).
CREATE INDEX deadline_alert_subject ON safeguard.deadline_alert (subject_table, subject_id);

COMMENT ON INDEX safeguard.deadline_alert_subject IS
    'Alerts fired for a record (subject_table, subject_id): the chases and escalations of a referral, in report_la_outcomes_outstanding.';
COMMENT ON TABLE safeguard.deadline_alert IS 'Rungs fired: one row per deadline and rung, claimed by the primary key, so each fires exactly once whoever sweeps and however often.';
COMMENT ON COLUMN safeguard.deadline_alert.deadline_id IS 'The deadline.';
COMMENT ON COLUMN safeguard.deadline_alert.rung IS 'Which rung fired.';
COMMENT ON COLUMN safeguard.deadline_alert.case_id IS 'The case, for case journeys.';
COMMENT ON COLUMN safeguard.deadline_alert.organisation_id IS 'The organisation that must act.';
COMMENT ON COLUMN safeguard.deadline_alert.kind IS 'Kind of deadline.';
COMMENT ON COLUMN safeguard.deadline_alert.subject_table IS 'Table of the record the deadline belongs to.';
COMMENT ON COLUMN safeguard.deadline_alert.subject_id IS 'Id of that record.';
COMMENT ON COLUMN safeguard.deadline_alert.due_at IS 'The due instant when the rung fired.';
COMMENT ON COLUMN safeguard.deadline_alert.fire_at IS 'When the rung was due to fire.';
COMMENT ON COLUMN safeguard.deadline_alert.fired_at IS 'When a sweep fired it.';
COMMENT ON COLUMN safeguard.deadline_alert.contact_name IS 'The named senior contact to chase (escalations).';
COMMENT ON COLUMN safeguard.deadline_alert.contact_email IS 'That contact''s e-mail.';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_alert
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline_alert
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('deadline_id', 'rung', 'case_id', 'subject_id');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.deadline_alert
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_alert
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.deadline_alert ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_alert FORCE ROW LEVEL SECURITY;

CREATE POLICY own_or_overseen ON safeguard.deadline_alert
    USING (safeguard.may_see_la(organisation_id)
           OR organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
CREATE POLICY reader_scope ON safeguard.deadline_alert FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(organisation_id));
CREATE POLICY enquiry_lead ON safeguard.deadline_alert FOR SELECT
    USING (subject_table OPERATOR(pg_catalog.=) 'provider_enquiry' AND safeguard.leads_enquiry(subject_id));

REVOKE ALL ON safeguard.deadline_alert FROM PUBLIC;
GRANT SELECT ON safeguard.deadline_alert TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;
GRANT SELECT ON safeguard.deadline_alert TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_alert', '');

-- The sweep's schedule (issue 19): each open, unpaused deadline's next rung
-- instant, in a table of its own, indexed, so that sweep() reads what is
-- due and nothing else: a call costs the rungs it fires, not the deadlines
-- open.  Derived from the deadline, its rule, its ladder, its alerts and
-- the calendar, with the arithmetic the sweep fires by (rung_fire_at), and
-- kept in C: the trigger schedule_sync on deadline (open, pause, resume,
-- extend, close, cancel: any kind, whichever function opened it), the sweep
-- (fire), schedule_ladder on the ladders and rules, and schedule_calendar,
-- which rebuilds every row once when a transaction changes the calendar.
-- Not audited (derived); nobody but safeguard reads or writes it.
CREATE FUNCTION safeguard.rung_fire_at(amount integer, unit safeguard.deadline_unit, anchor timestamptz,
    division text, offset_amount integer, offset_unit safeguard.deadline_unit)
    RETURNS timestamptz LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_rung_fire_at_sql';
COMMENT ON FUNCTION safeguard.rung_fire_at(integer, safeguard.deadline_unit, timestamptz, text, integer, safeguard.deadline_unit) IS
    'The instant a rung of an escalation ladder fires: the due instant of the rule (amount, unit) counted from anchor in division, shifted by the rung''s offset, as sweep() computes it; NULL when it cannot be computed (the calendar does not cover it, or out of range).';

CREATE TABLE safeguard.deadline_schedule (
    deadline_id  bigint PRIMARY KEY REFERENCES safeguard.deadline,
    anchor_at    timestamptz NOT NULL,
    next_fire_at timestamptz,
    uncomputable integer NOT NULL DEFAULT 0
);

CREATE INDEX deadline_schedule_due ON safeguard.deadline_schedule (next_fire_at)
    WHERE next_fire_at IS NOT NULL;
CREATE INDEX deadline_schedule_uncomputable ON safeguard.deadline_schedule (anchor_at, deadline_id)
    WHERE uncomputable OPERATOR(pg_catalog.>) 0;

COMMENT ON TABLE safeguard.deadline_schedule IS
    'The sweep''s schedule: one row per open, unpaused deadline with the instant its next rung fires, so that sweep() reads only what is due (issue 19). Derived (not audited) and kept by safeguard: opening, pausing, resuming, extending, closing or cancelling a deadline, firing a rung, changing a ladder and changing the calendar bring it up to date. Readable by nobody but safeguard; safeguard.sweep_health shows what is due.';
COMMENT ON COLUMN safeguard.deadline_schedule.deadline_id IS 'The open, unpaused deadline.';
COMMENT ON COLUMN safeguard.deadline_schedule.anchor_at IS 'Its anchor: a sweep takes the deadlines due oldest anchor first.';
COMMENT ON COLUMN safeguard.deadline_schedule.next_fire_at IS 'The earliest instant among its rungs not yet fired; NULL when every rung has fired or none left can be computed.';
COMMENT ON COLUMN safeguard.deadline_schedule.uncomputable IS 'How many of its rungs not yet fired have an instant that cannot be computed (the calendar does not cover it); they wait, and sweep() warns, until the calendar is imported.';
COMMENT ON INDEX safeguard.deadline_schedule_due IS
    'What a sweep reads: next_fire_at <= now(), the deadlines with a rung due.';
COMMENT ON INDEX safeguard.deadline_schedule_uncomputable IS
    'The deadlines with a rung that waits for the calendar, for sweep()''s warning and sweep_health.';

CREATE FUNCTION safeguard.deadline_schedule_sync() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_sync';
COMMENT ON FUNCTION safeguard.deadline_schedule_sync() IS
    'Trigger on deadline: a deadline that opens, resumes or is extended gets its next rung instant in deadline_schedule; one that closes, is cancelled or paused leaves it.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_sync() FROM PUBLIC;

CREATE FUNCTION safeguard.deadline_schedule_ladder() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_ladder';
COMMENT ON FUNCTION safeguard.deadline_schedule_ladder() IS
    'Trigger on deadline_rule and escalation_rung: a change to a ladder (a rung added to a policy in use) reaches the schedule of that rule''s open deadlines at once.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_ladder() FROM PUBLIC;

CREATE FUNCTION safeguard.deadline_schedule_calendar() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_calendar';
COMMENT ON FUNCTION safeguard.deadline_schedule_calendar() IS
    'Deferred trigger on bank_holiday and division: a calendar change moves due instants, so the whole schedule is rebuilt, once, when the transaction that changed the calendar commits.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_calendar() FROM PUBLIC;

CREATE FUNCTION safeguard.rebuild_deadline_schedule() RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_rebuild_deadline_schedule';
COMMENT ON FUNCTION safeguard.rebuild_deadline_schedule() IS
    'Recomputes every row of the sweep''s schedule from the deadlines, their ladders, their alerts and the calendar; returns how many rows it wrote or removed (0 when the schedule was right). Nothing needs it in normal operation (a restore brings the schedule back as dumped); a repair, for an administrator of the regulator.';
REVOKE ALL ON FUNCTION safeguard.rebuild_deadline_schedule() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.rebuild_deadline_schedule() TO safeguard_admin;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_schedule
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_schedule
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

-- No privilege and no policy: nobody but safeguard (its owner) reads a row,
-- not even a member of pg_read_all_data.
ALTER TABLE safeguard.deadline_schedule ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_schedule FORCE ROW LEVEL SECURITY;
REVOKE ALL ON safeguard.deadline_schedule FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_schedule', '');

CREATE TRIGGER schedule_sync AFTER INSERT OR UPDATE OF status, paused_at, anchor_at, amount ON safeguard.deadline
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_sync();
CREATE TRIGGER schedule_ladder AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline_rule
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_ladder();
CREATE TRIGGER schedule_ladder AFTER INSERT OR DELETE OR UPDATE ON safeguard.escalation_rung
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_ladder();
CREATE CONSTRAINT TRIGGER schedule_calendar AFTER INSERT OR DELETE OR UPDATE ON safeguard.bank_holiday
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_calendar();
CREATE CONSTRAINT TRIGGER schedule_calendar AFTER INSERT OR DELETE OR UPDATE ON safeguard.division
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_calendar();

-- Clock-stop and extension
CREATE TABLE safeguard.deadline_pause (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deadline_id     bigint NOT NULL REFERENCES safeguard.deadline,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    case_id         bigint,
    paused_at       timestamptz NOT NULL,
    paused_by       regrole NOT NULL,
    reason          text NOT NULL,
    resumed_at      timestamptz,
    resumed_by      regrole,
    remaining       text
);

COMMENT ON TABLE safeguard.deadline_pause IS 'Each stop of a deadline''s clock (e.g. awaiting police advice), with its reason and what remained when it restarted.';
COMMENT ON COLUMN safeguard.deadline_pause.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.deadline_pause.deadline_id IS 'The deadline.';
COMMENT ON COLUMN safeguard.deadline_pause.organisation_id IS 'The organisation that must meet it.';
COMMENT ON COLUMN safeguard.deadline_pause.case_id IS 'The case, for case journeys.';
COMMENT ON COLUMN safeguard.deadline_pause.paused_at IS 'When the clock stopped.';
COMMENT ON COLUMN safeguard.deadline_pause.paused_by IS 'Who stopped it.';
COMMENT ON COLUMN safeguard.deadline_pause.reason IS 'Why.';
COMMENT ON COLUMN safeguard.deadline_pause.resumed_at IS 'When it restarted; NULL while paused.';
COMMENT ON COLUMN safeguard.deadline_pause.resumed_by IS 'Who restarted it.';
COMMENT ON COLUMN safeguard.deadline_pause.remaining IS 'The time that remained, in the deadline''s own unit, counted again from the restart.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.deadline_pause
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_pause
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline_pause
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id', 'deadline_id');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.deadline_pause
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_pause
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.deadline_pause ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_pause FORCE ROW LEVEL SECURITY;

CREATE POLICY own_or_overseen ON safeguard.deadline_pause
    USING (safeguard.may_see_la(organisation_id)
           OR organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());

REVOKE ALL ON safeguard.deadline_pause FROM PUBLIC;
GRANT SELECT ON safeguard.deadline_pause TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_pause', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_pause_id_seq', '');

-- An extension's approver records the approval: nobody can be named as an
-- approver without their consent, and only a senior role (admin or SAM) of
-- the organisation that must meet the deadline can approve.
CREATE TABLE safeguard.deadline_extension_approval (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deadline_id     bigint NOT NULL REFERENCES safeguard.deadline,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    case_id         bigint,
    approver        regrole NOT NULL,
    approver_duty   safeguard.duty NOT NULL,
    amount          integer NOT NULL CHECK (amount OPERATOR(pg_catalog.>) 0),
    reason          text NOT NULL,
    approved_at     timestamptz NOT NULL,
    used_at         timestamptz
);

CREATE INDEX deadline_extension_approval_deadline ON safeguard.deadline_extension_approval (deadline_id);

COMMENT ON TABLE safeguard.deadline_extension_approval IS 'Approvals of deadline extensions, each recorded by the approver (safeguard.approve_extension) before the extension names them; used once.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.deadline_id IS 'The deadline.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.organisation_id IS 'The organisation that must meet it (the approver acts for it).';
COMMENT ON COLUMN safeguard.deadline_extension_approval.case_id IS 'The case, for case journeys.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.approver IS 'Who approved: a role holding the admin or SAM duty for that organisation.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.approver_duty IS 'The duty under which they approved.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.amount IS 'The most the deadline may be extended by, in its own unit.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.reason IS 'Why the approver agreed.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.approved_at IS 'When they approved.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.used_at IS 'When an extension used it; NULL while unused.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.deadline_extension_approval
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_extension_approval
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline_extension_approval
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id', 'deadline_id');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.deadline_extension_approval
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_extension_approval
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.deadline_extension_approval ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_extension_approval FORCE ROW LEVEL SECURITY;

CREATE POLICY own_or_overseen ON safeguard.deadline_extension_approval
    USING (safeguard.may_see_la(organisation_id)
           OR organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());

REVOKE ALL ON safeguard.deadline_extension_approval FROM PUBLIC;
GRANT SELECT ON safeguard.deadline_extension_approval TO safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer, safeguard_commissioner, safeguard_provider;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_extension_approval', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_extension_approval_id_seq', '');

CREATE VIEW safeguard.open_deadlines WITH (security_invoker = true) AS
SELECT d.id, d.kind, d.subject_table, d.subject_id, d.case_id,
       d.organisation_id, o.name AS organisation, o.senior_contact_name, o.senior_contact_email,
       d.anchor_at, coalesce(d.amount, r.amount) AS amount, r.unit,
       CASE WHEN d.paused_at IS NULL THEN
         safeguard.deadline_due_or_null(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division) END AS due_at,
       coalesce(d.paused_at IS NULL AND
         safeguard.deadline_due_or_null(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division)
           OPERATOR(pg_catalog.<) safeguard.now(), false) AS overdue,
       d.paused_at,
       safeguard.deadline_due_problem(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division) AS due_problem
FROM safeguard.deadline d
JOIN safeguard.deadline_rule r ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id
                              AND r.kind OPERATOR(pg_catalog.=) d.kind
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) d.organisation_id
WHERE d.status OPERATOR(pg_catalog.=) 'open';
COMMENT ON VIEW safeguard.open_deadlines IS 'Open deadlines the caller may see, with the due instant as the calendar computes it now and the named contact to chase.';
COMMENT ON COLUMN safeguard.open_deadlines.id IS 'Deadline id.';
COMMENT ON COLUMN safeguard.open_deadlines.kind IS 'Kind of deadline.';
COMMENT ON COLUMN safeguard.open_deadlines.subject_table IS 'Table of the record it belongs to.';
COMMENT ON COLUMN safeguard.open_deadlines.subject_id IS 'Id of that record.';
COMMENT ON COLUMN safeguard.open_deadlines.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.open_deadlines.organisation_id IS 'The organisation that must act.';
COMMENT ON COLUMN safeguard.open_deadlines.organisation IS 'Its name.';
COMMENT ON COLUMN safeguard.open_deadlines.senior_contact_name IS 'Its named senior contact, to chase.';
COMMENT ON COLUMN safeguard.open_deadlines.senior_contact_email IS 'The contact''s e-mail.';
COMMENT ON COLUMN safeguard.open_deadlines.anchor_at IS 'What it is counted from.';
COMMENT ON COLUMN safeguard.open_deadlines.amount IS 'The timescale: the rule''s amount, or one set for this record.';
COMMENT ON COLUMN safeguard.open_deadlines.unit IS 'The rule''s unit.';
COMMENT ON COLUMN safeguard.open_deadlines.due_at IS 'When it is due; empty while paused, or when it cannot be computed (see due_problem).';
COMMENT ON COLUMN safeguard.open_deadlines.overdue IS 'True once due_at has passed (safeguard.now()); never while paused.';
COMMENT ON COLUMN safeguard.open_deadlines.paused_at IS 'When its clock was stopped; due_at is empty while paused.';
GRANT SELECT ON safeguard.open_deadlines TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;
GRANT SELECT ON safeguard.open_deadlines TO safeguard_reader;
COMMENT ON COLUMN safeguard.open_deadlines.due_problem IS 'Why the due instant cannot be computed (e.g. it falls after the division''s loaded calendar: import the next year''s gov.uk calendar), or NULL.';

CREATE VIEW safeguard.my_deadlines WITH (security_invoker = true) AS
SELECT * FROM safeguard.open_deadlines
WHERE organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation();
COMMENT ON VIEW safeguard.my_deadlines IS 'Open deadlines the caller''s own organisation must meet: what is due and overdue.';
COMMENT ON COLUMN safeguard.my_deadlines.id IS 'Deadline id.';
COMMENT ON COLUMN safeguard.my_deadlines.kind IS 'Kind of deadline.';
COMMENT ON COLUMN safeguard.my_deadlines.subject_table IS 'Table of the record it belongs to.';
COMMENT ON COLUMN safeguard.my_deadlines.subject_id IS 'Id of that record.';
COMMENT ON COLUMN safeguard.my_deadlines.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.my_deadlines.organisation_id IS 'The caller''s organisation.';
COMMENT ON COLUMN safeguard.my_deadlines.organisation IS 'Its name.';
COMMENT ON COLUMN safeguard.my_deadlines.senior_contact_name IS 'Its named senior contact.';
COMMENT ON COLUMN safeguard.my_deadlines.senior_contact_email IS 'The contact''s e-mail.';
COMMENT ON COLUMN safeguard.my_deadlines.anchor_at IS 'What it is counted from.';
COMMENT ON COLUMN safeguard.my_deadlines.amount IS 'The timescale: the rule''s amount, or one set for this record.';
COMMENT ON COLUMN safeguard.my_deadlines.unit IS 'The rule''s unit.';
COMMENT ON COLUMN safeguard.my_deadlines.due_at IS 'When it is due; empty while paused, or when it cannot be computed (see due_problem).';
COMMENT ON COLUMN safeguard.my_deadlines.overdue IS 'True once due_at has passed.';
COMMENT ON COLUMN safeguard.my_deadlines.paused_at IS 'When its clock was stopped; due_at is empty while paused.';
GRANT SELECT ON safeguard.my_deadlines TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;
COMMENT ON COLUMN safeguard.my_deadlines.due_problem IS 'Why the due instant cannot be computed, or NULL.';

CREATE VIEW safeguard.send_queue WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.concern_id, r.case_id, r.la_id, o.name AS local_authority,
       r.immediate_risk, r.created_at, safeguard.now() OPERATOR(pg_catalog.-) r.created_at AS age,
       d.due_at AS send_due_at, d.overdue
FROM safeguard.referral r
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
LEFT JOIN safeguard.open_deadlines d ON d.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND d.subject_id OPERATOR(pg_catalog.=) r.id
      AND d.kind OPERATOR(pg_catalog.=) ANY ('{send,send_immediate}'::text[])
WHERE r.state OPERATOR(pg_catalog.=) 'awaiting_send';
COMMENT ON VIEW safeguard.send_queue IS 'The contact centre''s send queue: referrals awaiting sending. A referral leaves it only by being sent or withdrawn.';
COMMENT ON COLUMN safeguard.send_queue.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.send_queue.concern_id IS 'The concern.';
COMMENT ON COLUMN safeguard.send_queue.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.send_queue.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.send_queue.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.send_queue.immediate_risk IS 'Adult at immediate risk: 4 clock hours to send.';
COMMENT ON COLUMN safeguard.send_queue.created_at IS 'When the refer_to_la decision was made.';
COMMENT ON COLUMN safeguard.send_queue.age IS 'How long it has waited.';
COMMENT ON COLUMN safeguard.send_queue.send_due_at IS 'When it is due to be sent.';
COMMENT ON COLUMN safeguard.send_queue.overdue IS 'True once overdue.';
GRANT SELECT ON safeguard.send_queue TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer;
GRANT SELECT ON safeguard.send_queue TO safeguard_reader;
GRANT SELECT ON safeguard.send_queue TO safeguard_sam;

-- Views of provider enquiries (security_invoker: what the caller may see).
CREATE VIEW safeguard.provider_enquiry_overview WITH (security_invoker = true) AS
SELECT e.id AS enquiry_id, e.provider_id, p.name AS provider, e.la_id, l.name AS local_authority,
       e.stage, e.risk_level, e.meeting_required, e.proposed_at, e.decided_at, e.closed_at,
       (SELECT d.kind FROM safeguard.open_deadlines d
         WHERE d.subject_table OPERATOR(pg_catalog.=) 'provider_enquiry'
           AND d.subject_id OPERATOR(pg_catalog.=) e.id
         ORDER BY d.due_at LIMIT 1) AS next_deadline,
       (SELECT d.due_at FROM safeguard.open_deadlines d
         WHERE d.subject_table OPERATOR(pg_catalog.=) 'provider_enquiry'
           AND d.subject_id OPERATOR(pg_catalog.=) e.id
         ORDER BY d.due_at LIMIT 1) AS next_due_at,
       (SELECT pg_catalog.string_agg(f.name OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||)
                                     c.action::pg_catalog.text, '; ' ORDER BY f.name)
          FROM (SELECT DISTINCT ON (cd.funding_authority_id) cd.funding_authority_id, cd.action
                  FROM safeguard.commissioning_decision cd
                 WHERE cd.enquiry_id OPERATOR(pg_catalog.=) e.id
                 ORDER BY cd.funding_authority_id, cd.decided_at DESC, cd.id DESC) c
          JOIN safeguard.organisation f ON f.id OPERATOR(pg_catalog.=) c.funding_authority_id) AS placements
FROM safeguard.provider_enquiry e
JOIN safeguard.organisation p ON p.id OPERATOR(pg_catalog.=) e.provider_id
JOIN safeguard.organisation l ON l.id OPERATOR(pg_catalog.=) e.la_id;
COMMENT ON VIEW safeguard.provider_enquiry_overview IS 'Provider enquiries the caller may see: stage, risk level, next deadline and the latest placement decision of each funding authority. Closed enquiries stay listed (risk history).';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.enquiry_id IS 'Enquiry number.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.provider_id IS 'The provider.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.provider IS 'Its name.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.la_id IS 'The leading local authority.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.stage IS 'The stage.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.risk_level IS 'Risk matrix level.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.meeting_required IS 'A serious delay forces a meeting.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.proposed_at IS 'When proposed.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.decided_at IS 'When invoked (or not).';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.closed_at IS 'When closed.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.next_deadline IS 'The next open deadline''s kind.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.next_due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.provider_enquiry_overview.placements IS 'Latest commissioning decision per funding authority (suspension status).';
GRANT SELECT ON safeguard.provider_enquiry_overview TO safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer, safeguard_commissioner;

-- What the caller's own organisation must act on, with the contact to chase.
CREATE VIEW safeguard.deadlines_due_today WITH (security_invoker = true) AS
SELECT d.id, d.kind, d.subject_table, d.subject_id, d.case_id, d.organisation_id, d.organisation,
       d.senior_contact_name, d.senior_contact_email, d.anchor_at, d.amount, d.unit, d.due_at,
       d.overdue, d.paused_at
FROM safeguard.my_deadlines d
WHERE (d.due_at OPERATOR(pg_catalog.-) interval '1 microsecond') AT TIME ZONE 'Europe/London'
      OPERATOR(pg_catalog.<) ((safeguard.now() AT TIME ZONE 'Europe/London')::date OPERATOR(pg_catalog.+) 1)
  AND NOT d.overdue;
COMMENT ON VIEW safeguard.deadlines_due_today IS 'The caller''s organisation''s open deadlines that fall due by the end of today (Europe/London) and are not yet overdue.';
GRANT SELECT ON safeguard.deadlines_due_today TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;
COMMENT ON COLUMN safeguard.deadlines_due_today.id IS 'Deadline id.';
COMMENT ON COLUMN safeguard.deadlines_due_today.kind IS 'Kind of deadline.';
COMMENT ON COLUMN safeguard.deadlines_due_today.subject_table IS 'Table of the record it belongs to.';
COMMENT ON COLUMN safeguard.deadlines_due_today.subject_id IS 'Id of that record.';
COMMENT ON COLUMN safeguard.deadlines_due_today.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.deadlines_due_today.organisation_id IS 'The organisation that must act.';
COMMENT ON COLUMN safeguard.deadlines_due_today.organisation IS 'Its name.';
COMMENT ON COLUMN safeguard.deadlines_due_today.senior_contact_name IS 'Its named senior contact, to chase.';
COMMENT ON COLUMN safeguard.deadlines_due_today.senior_contact_email IS 'The contact''s e-mail.';
COMMENT ON COLUMN safeguard.deadlines_due_today.anchor_at IS 'What it is counted from.';
COMMENT ON COLUMN safeguard.deadlines_due_today.amount IS 'The timescale: the rule''s amount, or one set for this record.';
COMMENT ON COLUMN safeguard.deadlines_due_today.unit IS 'The rule''s unit.';
COMMENT ON COLUMN safeguard.deadlines_due_today.due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.deadlines_due_today.overdue IS 'True once due_at has passed (safeguard.now()); never while paused.';
COMMENT ON COLUMN safeguard.deadlines_due_today.paused_at IS 'When its clock was stopped; due_at is empty while paused.';

CREATE VIEW safeguard.deadlines_due_soon WITH (security_invoker = true) AS
SELECT d.id, d.kind, d.subject_table, d.subject_id, d.case_id, d.organisation_id, d.organisation,
       d.senior_contact_name, d.senior_contact_email, d.anchor_at, d.amount, d.unit, d.due_at,
       d.overdue, d.paused_at
FROM safeguard.my_deadlines d
WHERE NOT d.overdue AND EXISTS (SELECT 1 FROM safeguard.deadline_alert a
    WHERE a.deadline_id OPERATOR(pg_catalog.=) d.id AND a.rung OPERATOR(pg_catalog.=) 'due_soon');
COMMENT ON VIEW safeguard.deadlines_due_soon IS 'The caller''s organisation''s open deadlines whose due-soon warning has fired and that are not yet overdue.';
GRANT SELECT ON safeguard.deadlines_due_soon TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;
COMMENT ON COLUMN safeguard.deadlines_due_soon.id IS 'Deadline id.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.kind IS 'Kind of deadline.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.subject_table IS 'Table of the record it belongs to.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.subject_id IS 'Id of that record.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.organisation_id IS 'The organisation that must act.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.organisation IS 'Its name.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.senior_contact_name IS 'Its named senior contact, to chase.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.senior_contact_email IS 'The contact''s e-mail.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.anchor_at IS 'What it is counted from.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.amount IS 'The timescale: the rule''s amount, or one set for this record.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.unit IS 'The rule''s unit.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.overdue IS 'True once due_at has passed (safeguard.now()); never while paused.';
COMMENT ON COLUMN safeguard.deadlines_due_soon.paused_at IS 'When its clock was stopped; due_at is empty while paused.';

CREATE VIEW safeguard.deadlines_overdue WITH (security_invoker = true) AS
SELECT d.id, d.kind, d.subject_table, d.subject_id, d.case_id, d.organisation_id, d.organisation,
       d.senior_contact_name, d.senior_contact_email, d.anchor_at, d.amount, d.unit, d.due_at,
       d.overdue, d.paused_at
FROM safeguard.my_deadlines d WHERE d.overdue;
COMMENT ON VIEW safeguard.deadlines_overdue IS 'The caller''s organisation''s open deadlines past their due instant, with the named senior contact.';
GRANT SELECT ON safeguard.deadlines_overdue TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;
COMMENT ON COLUMN safeguard.deadlines_overdue.id IS 'Deadline id.';
COMMENT ON COLUMN safeguard.deadlines_overdue.kind IS 'Kind of deadline.';
COMMENT ON COLUMN safeguard.deadlines_overdue.subject_table IS 'Table of the record it belongs to.';
COMMENT ON COLUMN safeguard.deadlines_overdue.subject_id IS 'Id of that record.';
COMMENT ON COLUMN safeguard.deadlines_overdue.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.deadlines_overdue.organisation_id IS 'The organisation that must act.';
COMMENT ON COLUMN safeguard.deadlines_overdue.organisation IS 'Its name.';
COMMENT ON COLUMN safeguard.deadlines_overdue.senior_contact_name IS 'Its named senior contact, to chase.';
COMMENT ON COLUMN safeguard.deadlines_overdue.senior_contact_email IS 'The contact''s e-mail.';
COMMENT ON COLUMN safeguard.deadlines_overdue.anchor_at IS 'What it is counted from.';
COMMENT ON COLUMN safeguard.deadlines_overdue.amount IS 'The timescale: the rule''s amount, or one set for this record.';
COMMENT ON COLUMN safeguard.deadlines_overdue.unit IS 'The rule''s unit.';
COMMENT ON COLUMN safeguard.deadlines_overdue.due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.deadlines_overdue.overdue IS 'True once due_at has passed (safeguard.now()); never while paused.';
COMMENT ON COLUMN safeguard.deadlines_overdue.paused_at IS 'When its clock was stopped; due_at is empty while paused.';

CREATE VIEW safeguard.deadlines_escalated WITH (security_invoker = true) AS
SELECT d.id, d.kind, d.subject_table, d.subject_id, d.case_id, d.organisation_id, d.organisation,
       d.senior_contact_name, d.senior_contact_email, d.anchor_at, d.amount, d.unit, d.due_at,
       d.overdue, d.paused_at,
       a.fired_at AS escalated_at FROM safeguard.open_deadlines d
JOIN safeguard.deadline_alert a ON a.deadline_id OPERATOR(pg_catalog.=) d.id
                               AND a.rung OPERATOR(pg_catalog.=) 'escalate';
COMMENT ON VIEW safeguard.deadlines_escalated IS 'Open deadlines the caller may see that have been escalated to the named senior contact: the chase list.';
GRANT SELECT ON safeguard.deadlines_escalated TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer,
    safeguard_commissioner, safeguard_provider;
COMMENT ON COLUMN safeguard.deadlines_escalated.escalated_at IS 'When the escalation fired.';
COMMENT ON COLUMN safeguard.deadlines_escalated.id IS 'Deadline id.';
COMMENT ON COLUMN safeguard.deadlines_escalated.kind IS 'Kind of deadline.';
COMMENT ON COLUMN safeguard.deadlines_escalated.subject_table IS 'Table of the record it belongs to.';
COMMENT ON COLUMN safeguard.deadlines_escalated.subject_id IS 'Id of that record.';
COMMENT ON COLUMN safeguard.deadlines_escalated.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.deadlines_escalated.organisation_id IS 'The organisation that must act.';
COMMENT ON COLUMN safeguard.deadlines_escalated.organisation IS 'Its name.';
COMMENT ON COLUMN safeguard.deadlines_escalated.senior_contact_name IS 'Its named senior contact, to chase.';
COMMENT ON COLUMN safeguard.deadlines_escalated.senior_contact_email IS 'The contact''s e-mail.';
COMMENT ON COLUMN safeguard.deadlines_escalated.anchor_at IS 'What it is counted from.';
COMMENT ON COLUMN safeguard.deadlines_escalated.amount IS 'The timescale: the rule''s amount, or one set for this record.';
COMMENT ON COLUMN safeguard.deadlines_escalated.unit IS 'The rule''s unit.';
COMMENT ON COLUMN safeguard.deadlines_escalated.due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.deadlines_escalated.overdue IS 'True once due_at has passed (safeguard.now()); never while paused.';
COMMENT ON COLUMN safeguard.deadlines_escalated.paused_at IS 'When its clock was stopped; due_at is empty while paused.';

-- The sweeper's health (issue 19): whether deadlines are being acted on,
-- for an operator and for a monitoring tool polling SQL.  Each sweep records
-- itself in its own transaction (never waiting for another sweep's record);
-- the background worker records a failed sweep after rolling it back.  The
-- view adds the due backlog as the schedule has it now.  The admin and
-- auditor duties only; thresholds to alert on: docs/operations.md.
CREATE TABLE safeguard.sweep_state (
    only_row            boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    sweeps              bigint NOT NULL DEFAULT 0,
    rungs_fired         bigint NOT NULL DEFAULT 0,
    last_started_at     timestamptz,
    last_finished_at    timestamptz,
    last_rungs_fired    integer,
    last_rungs_left     integer,
    last_error_at       timestamptz,
    last_error_sqlstate text,
    last_error          text
);

COMMENT ON TABLE safeguard.sweep_state IS
    'The sweeper''s record of itself: one row, installed empty, updated by every committed sweep and by the background worker when a sweep fails. Not audited (operational); read through safeguard.sweep_health.';
COMMENT ON COLUMN safeguard.sweep_state.only_row IS 'There is one row.';
COMMENT ON COLUMN safeguard.sweep_state.sweeps IS 'Sweeps committed since the row was created.';
COMMENT ON COLUMN safeguard.sweep_state.rungs_fired IS 'Rungs those sweeps fired.';
COMMENT ON COLUMN safeguard.sweep_state.last_started_at IS 'When the last committed sweep started (real time).';
COMMENT ON COLUMN safeguard.sweep_state.last_finished_at IS 'When it finished (real time, before its commit).';
COMMENT ON COLUMN safeguard.sweep_state.last_rungs_fired IS 'How many rungs it fired.';
COMMENT ON COLUMN safeguard.sweep_state.last_rungs_left IS 'How many due rungs it left for a later sweep because another transaction held their case.';
COMMENT ON COLUMN safeguard.sweep_state.last_error_at IS 'When the background worker last recorded a failed sweep.';
COMMENT ON COLUMN safeguard.sweep_state.last_error_sqlstate IS 'Its SQLSTATE.';
COMMENT ON COLUMN safeguard.sweep_state.last_error IS 'Its message.';

-- The one row, installed empty: a sweep only ever updates it (so two
-- sweeps never wait on each other's first insert).
INSERT INTO safeguard.sweep_state DEFAULT VALUES;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sweep_state
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard('only_row');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sweep_state
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.sweep_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sweep_state FORCE ROW LEVEL SECURITY;
REVOKE ALL ON safeguard.sweep_state FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('safeguard.sweep_state', '');

CREATE FUNCTION safeguard.sweeper_health(OUT last_started_at timestamptz, OUT last_finished_at timestamptz,
    OUT last_duration interval, OUT last_rungs_fired integer, OUT last_rungs_left integer,
    OUT sweeps bigint, OUT rungs_fired bigint, OUT due_deadlines bigint, OUT oldest_due_at timestamptz,
    OUT uncomputable_rungs bigint, OUT last_error_at timestamptz, OUT last_error_sqlstate text,
    OUT last_error text)
    RETURNS record LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_sweeper_health';
COMMENT ON FUNCTION safeguard.sweeper_health() IS
    'The sweeper''s health as one row (safeguard.sweep_health reads it): the last committed sweep, the due backlog as of safeguard.now(), the rungs whose instant cannot be computed yet and the last failure recorded. The admin and auditor duties.';
REVOKE ALL ON FUNCTION safeguard.sweeper_health() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sweeper_health() TO safeguard_admin, safeguard_auditor;

CREATE VIEW safeguard.sweep_health WITH (security_invoker = true) AS
SELECT h.last_started_at, h.last_finished_at, h.last_duration,
       safeguard.now() OPERATOR(pg_catalog.-) h.last_finished_at AS since_last_sweep,
       h.last_rungs_fired, h.last_rungs_left, h.sweeps, h.rungs_fired,
       h.due_deadlines, h.oldest_due_at,
       safeguard.now() OPERATOR(pg_catalog.-) h.oldest_due_at AS oldest_due_age,
       h.uncomputable_rungs, h.last_error_at, h.last_error_sqlstate, h.last_error
FROM safeguard.sweeper_health() h;
COMMENT ON VIEW safeguard.sweep_health IS
    'Whether deadlines are being acted on: the last committed sweep (when, how long, what it fired and left), the due backlog (deadlines with a rung due now and the oldest instant due), rungs waiting for the calendar, and the last failed sweep the background worker recorded. One row. The admin and auditor duties; alert thresholds in docs/operations.md.';
COMMENT ON COLUMN safeguard.sweep_health.last_started_at IS 'When the last committed sweep started (real time); NULL before the first.';
COMMENT ON COLUMN safeguard.sweep_health.last_finished_at IS 'When it finished.';
COMMENT ON COLUMN safeguard.sweep_health.last_duration IS 'How long it took.';
COMMENT ON COLUMN safeguard.sweep_health.since_last_sweep IS 'How long ago it finished (safeguard.now(), the transaction''s start unless a test pinned the clock, minus last_finished_at): alert when it passes a few sweep intervals.';
COMMENT ON COLUMN safeguard.sweep_health.last_rungs_fired IS 'How many rungs it fired.';
COMMENT ON COLUMN safeguard.sweep_health.last_rungs_left IS 'How many due rungs it left because another transaction held their case (they fire at the next sweep).';
COMMENT ON COLUMN safeguard.sweep_health.sweeps IS 'Sweeps committed so far: a counter for rates.';
COMMENT ON COLUMN safeguard.sweep_health.rungs_fired IS 'Rungs they fired: a counter for rates.';
COMMENT ON COLUMN safeguard.sweep_health.due_deadlines IS 'Open, unpaused deadlines with a rung due now (safeguard.now()) and not yet fired: the due backlog.';
COMMENT ON COLUMN safeguard.sweep_health.oldest_due_at IS 'The oldest instant due among them; NULL when nothing is due.';
COMMENT ON COLUMN safeguard.sweep_health.oldest_due_age IS 'How long the oldest due rung has waited (safeguard.now() minus oldest_due_at).';
COMMENT ON COLUMN safeguard.sweep_health.uncomputable_rungs IS 'Rungs of open deadlines whose instant cannot be computed until the next gov.uk calendar is imported.';
COMMENT ON COLUMN safeguard.sweep_health.last_error_at IS 'When the background worker last recorded a failed sweep (pg_cron keeps its own in cron.job_run_details).';
COMMENT ON COLUMN safeguard.sweep_health.last_error_sqlstate IS 'Its SQLSTATE.';
COMMENT ON COLUMN safeguard.sweep_health.last_error IS 'Its message.';
REVOKE ALL ON safeguard.sweep_health FROM PUBLIC;
GRANT SELECT ON safeguard.sweep_health TO safeguard_admin, safeguard_auditor;

--------------------------------------------------------------------------
-- 8. Reporting
-- Report views for performance teams, inspectors and the statutory return.
-- Stable names (report_*), security_invoker: each caller sees the figures of
-- what it may see.  Identity never appears: adults by pseudonym, dates of
-- birth as SAC age bands.  Working days count as the deadlines do.
--------------------------------------------------------------------------

CREATE FUNCTION safeguard.sac_year(year integer) RETURNS daterange
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_year';
COMMENT ON FUNCTION safeguard.sac_year(integer) IS
    'The SAC reporting year starting 1 April of year: [year-04-01, year+1-04-01). Raises SG601 outside 2000-2100.';

CREATE FUNCTION safeguard.sac_disclose(value bigint) RETURNS bigint
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_disclose_sql';
COMMENT ON FUNCTION safeguard.sac_disclose(bigint) IS
    'Disclosure control of published figures: NULL (suppressed) under 5, otherwise rounded to the nearest 5.';

-- The controlled values a concern records for the return (src/sac_values.c,
-- checked by concern_guard: SG605, SG606) and their cells: SG1c counts the
-- groups of the NHS Data Dictionary ethnic category codes, SG1d the primary
-- support reasons.  Rows logged before 1.5 keep the free text they were
-- logged with; the group functions read the return's own group names in it.
CREATE FUNCTION safeguard.sac_ethnic_group(ethnicity text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_ethnic_group_sql';
COMMENT ON FUNCTION safeguard.sac_ethnic_group(text) IS
    'The SG1c group of a concern''s ethnicity: an NHS Data Dictionary ethnic category code rolled up as the return publishes it (A-C White; D-G Mixed / Multiple; H-L and R Asian / Asian British; M-P Black / African / Caribbean / Black British; S Other Ethnic Group; Z Refused; 99 and NULL Undeclared / Not Known). Free text logged before 1.5 counts under the group it names, else as Undeclared / Not Known.';

CREATE FUNCTION safeguard.sac_support_group(primary_support_reason text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_support_group_sql';
COMMENT ON FUNCTION safeguard.sac_support_group(text) IS
    'The SG1d cell of a concern''s primary support reason: the value itself (NULL: Not Known). Free text logged before 1.5 counts under the reason it names (e.g. Mental Health as Mental Health Support), else as Not Known.';

CREATE FUNCTION safeguard.sac_vocabulary()
RETURNS TABLE (vocabulary text, value text, description text, sac_label text)
    LANGUAGE c IMMUTABLE PARALLEL SAFE ROWS 26 AS 'MODULE_PATHNAME', 'sg_sac_vocabulary';
COMMENT ON FUNCTION safeguard.sac_vocabulary() IS
    'The values log_concern accepts for adult_ethnicity (vocabulary ethnic_category: the NHS Data Dictionary ethnic category codes A-H, J-N, P, R, S, Z, 99) and adult_primary_support_reason (vocabulary primary_support_reason: the return''s SG1d values), with what each means and the cell of the return it counts in. Others are refused with SG605 and SG606.';

-- One row per cell of NHS Digital's Safeguarding Adults Collection template,
-- as its publication pipeline reads the return: table references SG1a-SG5b,
-- enquiry types, and the prefixed labels it pivots on (COLUMN_NAME for the
-- tables it totals by column, ROW_NAME for SG1a-SG1e and SG2b's sources).
-- A cross-tabulation (SG2a type by source, SG2a_b1 type by location, SG2b
-- location by source) has its row in category and its column in
-- subcategory; other tables leave subcategory empty.
CREATE VIEW safeguard.sac_template AS
WITH sg1_types(enquiry_type, o) AS (
    VALUES ('Safeguarding Concerns', 1), ('Section 42 Enquiries', 2), ('Other Enquiries', 3)
), sg1(table_reference, category, o) AS (
    SELECT 'SG1a', v.v, v.o FROM pg_catalog.unnest('{18-64,65-74,75-84,85-94,95+,Age Unknown}'::text[])
        WITH ORDINALITY v(v, o)
    UNION ALL
    SELECT 'SG1b', g.g::text, g.o FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_gender))
        WITH ORDINALITY g(g, o)
    UNION ALL
    SELECT 'SG1c', v.v, v.o FROM pg_catalog.unnest(ARRAY['White', 'Mixed / Multiple', 'Asian / Asian British',
        'Black / African / Caribbean / Black British', 'Other Ethnic Group', 'Refused',
        'Undeclared / Not Known']) WITH ORDINALITY v(v, o)
    UNION ALL
    SELECT 'SG1d', v.v, v.o FROM pg_catalog.unnest(ARRAY['Physical Support', 'Sensory Support',
        'Support with Memory and Cognition', 'Learning Disability Support', 'Mental Health Support',
        'Social Support', 'No Support Reason', 'Not Known']) WITH ORDINALITY v(v, o)
    UNION ALL
    SELECT 'SG1e', v.v, v.o FROM pg_catalog.unnest(ARRAY[
        'Learning, Developmental or Intellectual Disability (Autism excluding Asperger''s Syndrome/ High Functioning Autism)',
        'Learning, Developmental or Intellectual Disability (Asperger''s Syndrome/ High Functioning Autism)'])
        WITH ORDINALITY v(v, o)
), types AS (
    SELECT v::text AS v, o FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_type)) WITH ORDINALITY x(v, o)
), locations AS (
    SELECT v::text AS v, o FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_location)) WITH ORDINALITY x(v, o)
), sources AS (
    SELECT v::text AS v, o FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_source_of_risk)) WITH ORDINALITY x(v, o)
), cells(table_reference, enquiry_type, category, subcategory, o) AS (
    SELECT s.table_reference, t.enquiry_type, s.category, '', t.o OPERATOR(pg_catalog.*) 100 OPERATOR(pg_catalog.+) s.o
    FROM sg1_types t CROSS JOIN sg1 s
    UNION ALL
    SELECT 'SG1f', t.enquiry_type, t.total, '', t.o
    FROM (VALUES ('Safeguarding Concerns', 'Total Number of Safeguarding Concerns', 1),
                 ('Section 42 Enquiries', 'Total Number of Section 42 Safeguarding Enquiries', 2),
                 ('Other Enquiries', 'Total Number of Other Safeguarding Enquiries', 3)) t(enquiry_type, total, o)
    UNION ALL
    SELECT 'SG2a', 'Concluded Section 42 Enquiries', t.v, s.v, t.o OPERATOR(pg_catalog.*) 100 OPERATOR(pg_catalog.+) s.o
    FROM types t CROSS JOIN sources s
    UNION ALL
    SELECT 'SG2a_b1', 'Concluded Section 42 Enquiries', t.v, l.v, t.o OPERATOR(pg_catalog.*) 100 OPERATOR(pg_catalog.+) l.o
    FROM types t CROSS JOIN locations l
    UNION ALL
    SELECT 'SG2b', 'Concluded Section 42 Enquiries', l.v, s.v, l.o OPERATOR(pg_catalog.*) 100 OPERATOR(pg_catalog.+) s.o
    FROM locations l CROSS JOIN sources s
    UNION ALL
    SELECT 'SG2c', 'Concluded Section 42 Enquiries', v::text, '', o
    FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_action_result)) WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG2e', 'Concluded Section 42 Enquiries', v::text, '', o
    FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_outcome)) WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG3a', 'Concluded Section 42 Enquiries', v, '', o
    FROM pg_catalog.unnest(ARRAY['Yes, they lacked capacity', 'No, they did not lack capacity', 'Don''t know',
        'Not recorded',
        'Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend'])
        WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG4a', 'Concluded Section 42 Enquiries', v, '', o
    FROM pg_catalog.unnest(ARRAY['Yes they were asked and outcomes were expressed',
        'Yes they were asked but no outcomes were expressed', 'No', 'Don''t Know', 'Not Recorded',
        'Fully Achieved', 'Partially Achieved', 'Not Achieved']) WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG5a', 'Count of Safeguarding Adult Reviews', v, '', o
    FROM pg_catalog.unnest(ARRAY['Where one or more individuals died', 'Where no individuals died'])
        WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG5b', 'Count of Individuals Involved in Safeguarding Adult Reviews', v, '', o
    FROM pg_catalog.unnest(ARRAY['Who suffered serious harm and died', 'Who suffered serious harm and survived'])
        WITH ORDINALITY x(v, o)
)
SELECT c.table_reference, c.enquiry_type, c.category, c.subcategory,
       c.table_reference OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) c.category AS column_name,
       c.table_reference OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||)
           CASE c.subcategory WHEN '' THEN c.category ELSE c.subcategory END AS row_name,
       pg_catalog.row_number() OVER (ORDER BY c.table_reference COLLATE "C", c.o)::integer AS cell_number
FROM cells c;
COMMENT ON VIEW safeguard.sac_template IS
    'The cells of the Safeguarding Adults Collection template as NHS Digital''s publication pipeline reads them: every cell sac_return() gives each local authority, zeros included.';
COMMENT ON COLUMN safeguard.sac_template.table_reference IS 'Table of the return: SG1a-SG1f, SG2a, SG2a_b1, SG2b, SG2c, SG2e, SG3a, SG4a, SG5a, SG5b.';
COMMENT ON COLUMN safeguard.sac_template.enquiry_type IS 'Safeguarding Concerns, Section 42 Enquiries, Other Enquiries, Concluded Section 42 Enquiries, Count of Safeguarding Adult Reviews or Count of Individuals Involved in Safeguarding Adult Reviews.';
COMMENT ON COLUMN safeguard.sac_template.category IS 'The cell''s value (e.g. 18-64); in a cross-tabulation, its row (type or location of risk).';
COMMENT ON COLUMN safeguard.sac_template.subcategory IS 'In a cross-tabulation, the cell''s column (source or location of risk); empty otherwise.';
COMMENT ON COLUMN safeguard.sac_template.column_name IS 'Label the pipeline pivots SG1f-SG5a on: the table reference, a space, the category (e.g. SG2b Own Home).';
COMMENT ON COLUMN safeguard.sac_template.row_name IS 'Label the pipeline pivots SG1a-SG1e and SG2b on: the table reference, a space, the subcategory of a cross-tabulation, else the category (e.g. SG1a 18-64, SG2b Service Provider).';
COMMENT ON COLUMN safeguard.sac_template.cell_number IS 'Order of the cell in the return: by table reference, then as the template lists it.';
REVOKE ALL ON safeguard.sac_template FROM PUBLIC;
GRANT SELECT ON safeguard.sac_template TO safeguard_reader, safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- The council's own enquiries as the reports read them (issue 16 item 6): the
-- rows of la_enquiry the caller may read (its privileges and row-level
-- security), in the columns a reader may read, with the team of the grant
-- that decided.  A caller with no privilege on them (the regulator's staff,
-- who run sac_return and report_unallocated too) gets none instead of 42501.
-- The reports read only what they count (issue 19, target 2): a period of
-- stored instants (the enquiries decided or concluded in it: sac_return's year)
-- and the open ones (report_unallocated), each a condition an index serves under
-- row-level security (la_enquiry_decided_at, la_enquiry_concluded_at: leakproof
-- comparisons on open columns; la_enquiry_open: a partial index), so that they
-- do not grow with the council's closed history.
CREATE FUNCTION safeguard.council_enquiries(active_from timestamptz, active_to timestamptz,
                                            open_only boolean)
RETURNS TABLE (id bigint, concern_id bigint, la_id bigint, kind safeguard.la_decision,
               state safeguard.la_enquiry_state, decided_at timestamptz, decided_team text,
               allocated_at timestamptz, msp_asked safeguard.sac_msp_asked,
               lacked_capacity safeguard.sac_capacity, advocate_arranged boolean,
               action_result safeguard.sac_action_result, risk_types safeguard.sac_risk_type[],
               risk_location safeguard.sac_risk_location, source_of_risk safeguard.sac_source_of_risk,
               risk_outcome safeguard.sac_risk_outcome, msp_achieved safeguard.sac_msp_achieved,
               concluded_at timestamptz, closed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 1000
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (pg_catalog.has_column_privilege('safeguard.la_enquiry', 'concluded_at', 'SELECT')
            AND pg_catalog.has_column_privilege('safeguard.concern_decision', 'decided_team', 'SELECT')) THEN
        RETURN;
    END IF;
    -- Fixed fragments, the bounds passed as parameters: each call is planned for the
    -- conditions it has (no period: none on the instants; a period: a range on each).
    RETURN QUERY EXECUTE
        'SELECT e.id, e.concern_id, e.la_id, e.kind, e.state, e.decided_at, d.decided_team, e.allocated_at,
                e.msp_asked, e.lacked_capacity, e.advocate_arranged, e.action_result, e.risk_types,
                e.risk_location, e.source_of_risk, e.risk_outcome, e.msp_achieved, e.concluded_at, e.closed_at
         FROM safeguard.la_enquiry e
         JOIN safeguard.concern_decision d ON d.concern_id OPERATOR(pg_catalog.=) e.concern_id
         WHERE true'
        OPERATOR(pg_catalog.||)
        CASE WHEN active_from IS NULL AND active_to IS NULL THEN ''
             ELSE ' AND ((e.decided_at OPERATOR(pg_catalog.>=) $1 AND e.decided_at OPERATOR(pg_catalog.<) $2)
                     OR (e.concluded_at OPERATOR(pg_catalog.>=) $1 AND e.concluded_at OPERATOR(pg_catalog.<) $2))' END
        OPERATOR(pg_catalog.||)
        CASE WHEN open_only THEN ' AND e.state OPERATOR(pg_catalog.<>) ''closed''::safeguard.la_enquiry_state'
             ELSE '' END
        USING coalesce(active_from, '-infinity'::timestamptz), coalesce(active_to, 'infinity'::timestamptz);
END
$$;
COMMENT ON FUNCTION safeguard.council_enquiries(timestamptz, timestamptz, boolean) IS
    'The council''s own enquiries the caller may read, as safeguard.council_enquiries() gives them, narrowed to what a report counts: with active_from or active_to, those decided or concluded in [active_from, active_to) (decided_at or concluded_at in it; a NULL bound leaves that side open), e.g. sac_return''s year; with open_only, those not closed (report_unallocated). Each condition is read through an index under row-level security (la_enquiry_decided_at, la_enquiry_concluded_at, la_enquiry_open), for a scoped officer too, so the result costs what it returns, not the council''s closed history. (NULL, NULL, false) gives every row, as council_enquiries() does; a caller with no privilege on la_enquiry gets no rows rather than 42501.';
REVOKE ALL ON FUNCTION safeguard.council_enquiries(timestamptz, timestamptz, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.council_enquiries(timestamptz, timestamptz, boolean) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE FUNCTION safeguard.council_enquiries()
RETURNS TABLE (id bigint, concern_id bigint, la_id bigint, kind safeguard.la_decision,
               state safeguard.la_enquiry_state, decided_at timestamptz, decided_team text,
               allocated_at timestamptz, msp_asked safeguard.sac_msp_asked,
               lacked_capacity safeguard.sac_capacity, advocate_arranged boolean,
               action_result safeguard.sac_action_result, risk_types safeguard.sac_risk_type[],
               risk_location safeguard.sac_risk_location, source_of_risk safeguard.sac_source_of_risk,
               risk_outcome safeguard.sac_risk_outcome, msp_achieved safeguard.sac_msp_achieved,
               concluded_at timestamptz, closed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 1000
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY SELECT * FROM safeguard.council_enquiries(NULL::timestamptz, NULL::timestamptz, false);
END
$$;
COMMENT ON FUNCTION safeguard.council_enquiries() IS
    'The council''s own enquiries (safeguard.la_enquiry) the caller may read, every one ever decided, open or closed: the columns a reader may read and the team of the grant that decided (decided_team). Row-level security applies as to the caller; a caller with no privilege on la_enquiry (the regulator''s staff) gets no rows rather than 42501. It grows with the council''s closed history: sac_return and report_unallocated read council_enquiries(active_from, active_to, open_only), which gives only a period''s or the open ones through indexes.';
REVOKE ALL ON FUNCTION safeguard.council_enquiries() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.council_enquiries() TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- The return: the template's cells for every local authority the caller
-- may report on, each counted from the rows the workflow guards wrote.
-- SG5's counts for the return: completed Safeguarding Adults Reviews and the individuals in
-- them, per authority the caller may report on, read by safeguard (most duties that run the
-- return may not read reviews; the return shows counts only).
CREATE FUNCTION safeguard.sac_sg5_cells(year integer)
RETURNS TABLE (la_id bigint, table_reference text, category text, n bigint)
    LANGUAGE c STABLE STRICT AS 'MODULE_PATHNAME', 'sg_sac_sg5_cells';
COMMENT ON FUNCTION safeguard.sac_sg5_cells(integer) IS 'SAC table SG5 for sac_return(): per local authority the caller may report on, the Safeguarding Adults Reviews completed in the reporting year starting 1 April of year where one or more individuals died and where none died (SG5a), and the individuals in them who suffered serious harm and died or survived (SG5b). Counts only; the reviews are read by safeguard. SG601 for a year outside 2000-2100.';
REVOKE ALL ON FUNCTION safeguard.sac_sg5_cells(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sac_sg5_cells(integer) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
    safeguard_sam;

CREATE FUNCTION safeguard.sac_return(year integer, disclosure_control boolean DEFAULT false,
                                     la_id bigint DEFAULT NULL)
RETURNS TABLE ("LA_ID" bigint, "CASSR_CODE" text, "ONS_CODE" text,
               "TABLE_REFERENCE" text, "ENQUIRY_TYPE" text, "CATEGORY" text, "SUBCATEGORY" text,
               "COLUMN_NAME" text, "ROW_NAME" text, "VALUE" bigint)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
WITH period AS (SELECT safeguard.sac_year(sac_return.year) AS p),
-- The year's first and last instants (midnight in London begins a local date), which bound
-- the stored instants of the rows counted: a range on received_at, sent_at, decided_at or
-- outcome_at is leakproof on an open column, so under row-level security it reads the year
-- through an index (concern_received_at, referral_sent_at, referral_decided_at,
-- referral_outcome_at), not every row ever written (issue 19, target 2).  The local date
-- still decides (the same test as before), the range only narrows what is read.
authority AS (
    SELECT o.id, o.cassr_code, o.ons_code FROM safeguard.organisation o
    WHERE o.kind OPERATOR(pg_catalog.=) 'local_authority' AND safeguard.may_report_on(o.id)
      AND (sac_return.la_id IS NULL OR o.id OPERATOR(pg_catalog.=) sac_return.la_id)
),
-- Concerns that reached the authority in the year: logged by its own
-- staff (date received) or referred to it by the regulator (date sent).
-- Two branches, read by their own instant: a concern its authority logged, by the
-- time received; any other, by the time its referral was sent (a concern has at most one
-- referral).
concerns AS (
    SELECT coalesce(r.la_id, x.la_id) AS la, x.id, x.received_at, k.adult_pseudonym,
           x.adult_age_band, x.adult_gender::text AS gender,
           safeguard.sac_ethnic_group(x.adult_ethnicity) AS ethnic_group,
           safeguard.sac_support_group(x.adult_primary_support_reason) AS support_reason, x.adult_autism
    FROM safeguard.concern x
    LEFT JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
    LEFT JOIN safeguard.referral r ON r.concern_id OPERATOR(pg_catalog.=) x.id
    CROSS JOIN period
    WHERE x.received_at OPERATOR(pg_catalog.>=) safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year)))
      AND x.received_at OPERATOR(pg_catalog.<) safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year)))
      AND x.logged_org_id OPERATOR(pg_catalog.=) x.la_id
      AND safeguard.local_date(x.received_at) OPERATOR(pg_catalog.<@) period.p
      AND safeguard.may_report_on(coalesce(r.la_id, x.la_id))
      AND (sac_return.la_id IS NULL OR coalesce(r.la_id, x.la_id) OPERATOR(pg_catalog.=) sac_return.la_id)
      -- a referral that arrived as the authority's concern is counted once, as the referral
      AND x.referral_id IS NULL
    UNION ALL
    SELECT r.la_id, x.id, x.received_at, k.adult_pseudonym,
           x.adult_age_band, x.adult_gender::text,
           safeguard.sac_ethnic_group(x.adult_ethnicity),
           safeguard.sac_support_group(x.adult_primary_support_reason), x.adult_autism
    FROM safeguard.referral r
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
    LEFT JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
    CROSS JOIN period
    WHERE r.sent_at OPERATOR(pg_catalog.>=) safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year)))
      AND r.sent_at OPERATOR(pg_catalog.<) safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year)))
      AND (x.logged_org_id OPERATOR(pg_catalog.=) x.la_id) IS NOT TRUE
      AND safeguard.local_date(r.sent_at) OPERATOR(pg_catalog.<@) period.p
      AND safeguard.may_report_on(r.la_id)
      AND (sac_return.la_id IS NULL OR r.la_id OPERATOR(pg_catalog.=) sac_return.la_id)
      AND x.referral_id IS NULL
),
-- Enquiries commenced (decided) or concluded in the year, from both pathways:
-- the LA-side decision and outcome of the regulator's referrals, and the
-- council's own enquiries (la_enquiry: decided_at, concluded_at, and the SAC
-- outcome the enquiry recorded).  A concern has a referral's decision or its
-- authority's own, never both (SG214), so each enquiry counts once; one that
-- did appear in both would count once, as the council's.  An adult with
-- enquiries in both pathways is one individual per enquiry type (SG1a-SG1c).
-- The council's enquiries are read for the year alone (decided or concluded in it, the
-- year's instants as above), through la_enquiry_decided_at and la_enquiry_concluded_at:
-- the rows counted below are those commenced or concluded in the year, and the test for a
-- concern in both pathways needs no more, a council enquiry's concern having no referral
-- decision (SG204 and SG214, refused on every client path).
council AS (
    SELECT * FROM safeguard.council_enquiries(
        safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year))),
        safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year))), false)
),
enquiry_rows AS (
    SELECT r.la_id AS la, r.la_decision AS kind, r.decided_at, r.outcome_at AS concluded_at, r.concern_id,
           x.risk_types, x.risk_location, x.source_of_risk, r.action_result, r.risk_outcome,
           r.lacked_capacity, r.advocate_supported AS advocate, r.msp_asked, r.msp_achieved
    FROM safeguard.referral r
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
    WHERE r.la_decision OPERATOR(pg_catalog.=) ANY ('{section_42_enquiry,other_enquiry}'::safeguard.la_decision[])
      -- only an enquiry commenced or concluded in the year counts (enquiries, below)
      AND ((r.decided_at OPERATOR(pg_catalog.>=) safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year)))
            AND r.decided_at OPERATOR(pg_catalog.<) safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year))))
           OR (r.outcome_at OPERATOR(pg_catalog.>=) safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year)))
               AND r.outcome_at OPERATOR(pg_catalog.<) safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year)))))
      AND NOT EXISTS (SELECT 1 FROM council e WHERE e.concern_id OPERATOR(pg_catalog.=) r.concern_id)
      -- a referral that arrived as the council's concern: its enquiry is an la_enquiry
      AND NOT EXISTS (SELECT 1 FROM safeguard.concern a WHERE a.referral_id OPERATOR(pg_catalog.=) r.id)
    UNION ALL
    SELECT e.la_id, e.kind, e.decided_at, e.concluded_at, e.concern_id, e.risk_types, e.risk_location,
           e.source_of_risk, e.action_result, e.risk_outcome, e.lacked_capacity, e.advocate_arranged,
           e.msp_asked, e.msp_achieved
    FROM council e
),
enquiries AS (
    SELECT n.la,
           CASE n.kind WHEN 'section_42_enquiry' THEN 'Section 42 Enquiries' ELSE 'Other Enquiries' END AS enquiry_type,
           safeguard.local_date(n.decided_at) OPERATOR(pg_catalog.<@) period.p AS commenced,
           n.kind OPERATOR(pg_catalog.=) 'section_42_enquiry' AND n.concluded_at IS NOT NULL
               AND safeguard.local_date(n.concluded_at) OPERATOR(pg_catalog.<@) period.p AS concluded_s42,
           x.id, x.received_at, k.adult_pseudonym, x.adult_age_band, x.adult_gender::text AS gender,
           safeguard.sac_ethnic_group(x.adult_ethnicity) AS ethnic_group,
           safeguard.sac_support_group(x.adult_primary_support_reason) AS support_reason, x.adult_autism,
           n.risk_types, n.risk_location::text AS risk_location, n.source_of_risk::text AS source_of_risk,
           n.action_result::text AS action_result, n.risk_outcome::text AS risk_outcome,
           coalesce(n.lacked_capacity::text, 'Not recorded') AS capacity,
           n.lacked_capacity OPERATOR(pg_catalog.=) 'Yes, they lacked capacity' AND n.advocate AS advocate,
           -- the enum's labels, as NHS Digital's template spells them
           CASE n.msp_asked WHEN 'Yes, they were asked and outcomes were expressed'
                                THEN 'Yes they were asked and outcomes were expressed'
                            WHEN 'Yes, they were asked but no outcomes were expressed'
                                THEN 'Yes they were asked but no outcomes were expressed'
                            WHEN 'No' THEN 'No' WHEN 'Don''t know' THEN 'Don''t Know'
                            ELSE 'Not Recorded' END AS msp_asked,
           CASE WHEN n.msp_asked OPERATOR(pg_catalog.=) 'Yes, they were asked and outcomes were expressed'
                THEN n.msp_achieved::text END AS msp_achieved
    FROM enquiry_rows n
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) n.concern_id
    LEFT JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
    CROSS JOIN period
    WHERE safeguard.may_report_on(n.la)
      AND (sac_return.la_id IS NULL OR n.la OPERATOR(pg_catalog.=) sac_return.la_id)
),
-- SG1: each concern and each enquiry commenced, as a case; the adult
-- (by pseudonym; an unidentified adult is one per concern) as an individual.
cases AS (
    SELECT c.la, 'Safeguarding Concerns'::text AS e, 'Total Number of Safeguarding Concerns'::text AS total,
           coalesce(c.adult_pseudonym, 'concern:' OPERATOR(pg_catalog.||) c.id::text) AS individual,
           c.id, c.received_at, c.adult_age_band, c.gender, c.ethnic_group, c.support_reason, c.adult_autism
    FROM concerns c
    UNION ALL
    SELECT n.la, n.enquiry_type,
           CASE n.enquiry_type WHEN 'Section 42 Enquiries' THEN 'Total Number of Section 42 Safeguarding Enquiries'
                ELSE 'Total Number of Other Safeguarding Enquiries' END,
           coalesce(n.adult_pseudonym, 'concern:' OPERATOR(pg_catalog.||) n.id::text),
           n.id, n.received_at, n.adult_age_band, n.gender, n.ethnic_group, n.support_reason, n.adult_autism
    FROM enquiries n WHERE n.commenced
),
-- An individual counts once in SG1a-SG1c, as the latest of its cases records the adult.
individuals AS (
    SELECT DISTINCT ON (c.la, c.e, c.individual) c.la, c.e, c.adult_age_band, c.gender, c.ethnic_group
    FROM cases c
    ORDER BY c.la, c.e, c.individual, c.received_at DESC, c.id DESC
),
-- One row per count: (authority, table, enquiry type, category, subcategory).
facts AS (
    SELECT i.la, v.t, i.e, v.category, ''::text AS subcategory
    FROM individuals i CROSS JOIN LATERAL (VALUES
        ('SG1a', CASE WHEN i.adult_age_band OPERATOR(pg_catalog.=) 'Not Known' THEN 'Age Unknown'
                      ELSE i.adult_age_band END),
        ('SG1b', i.gender), ('SG1c', i.ethnic_group)) v(t, category)
    UNION ALL
    SELECT c.la, v.t, c.e, v.category, ''
    FROM cases c CROSS JOIN LATERAL (VALUES
        ('SG1d', c.support_reason),
        ('SG1e', CASE c.adult_autism
                     WHEN 'Autism (excluding Asperger''s Syndrome)'
                         THEN 'Learning, Developmental or Intellectual Disability (Autism excluding Asperger''s Syndrome/ High Functioning Autism)'
                     WHEN 'Asperger''s Syndrome / High Functioning Autism'
                         THEN 'Learning, Developmental or Intellectual Disability (Asperger''s Syndrome/ High Functioning Autism)' END),
        ('SG1f', c.total)) v(t, category)
    WHERE v.category IS NOT NULL
    UNION ALL
    -- SG2: a concluded enquiry counts once under each of its types of risk.
    SELECT n.la, 'SG2a', 'Concluded Section 42 Enquiries', rt::text, n.source_of_risk
    FROM enquiries n CROSS JOIN LATERAL pg_catalog.unnest(n.risk_types) rt
    WHERE n.concluded_s42 AND n.source_of_risk IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2a_b1', 'Concluded Section 42 Enquiries', rt::text, n.risk_location
    FROM enquiries n CROSS JOIN LATERAL pg_catalog.unnest(n.risk_types) rt
    WHERE n.concluded_s42 AND n.risk_location IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2b', 'Concluded Section 42 Enquiries', n.risk_location, n.source_of_risk
    FROM enquiries n WHERE n.concluded_s42 AND n.risk_location IS NOT NULL AND n.source_of_risk IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2c', 'Concluded Section 42 Enquiries', n.action_result, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.action_result IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2e', 'Concluded Section 42 Enquiries', n.risk_outcome, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.risk_outcome IS NOT NULL AND n.action_result OPERATOR(pg_catalog.=) ANY
        ('{Risk identified and action taken,Risk Assessment inconclusive and action taken}'::text[])
    UNION ALL
    SELECT n.la, 'SG3a', 'Concluded Section 42 Enquiries', n.capacity, ''
    FROM enquiries n WHERE n.concluded_s42
    UNION ALL
    SELECT n.la, 'SG3a', 'Concluded Section 42 Enquiries',
           'Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend', ''
    FROM enquiries n WHERE n.concluded_s42 AND n.advocate
    UNION ALL
    SELECT n.la, 'SG4a', 'Concluded Section 42 Enquiries', n.msp_asked, ''
    FROM enquiries n WHERE n.concluded_s42
    UNION ALL
    SELECT n.la, 'SG4a', 'Concluded Section 42 Enquiries', n.msp_achieved, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.msp_achieved IS NOT NULL
),
counted AS (
    SELECT f.la, f.t, f.e, f.category, f.subcategory, pg_catalog.count(*) AS n
    FROM facts f GROUP BY f.la, f.t, f.e, f.category, f.subcategory
    UNION ALL
    -- SG5: Safeguarding Adults Reviews completed in the year (counted by safeguard)
    SELECT g.la_id, g.table_reference,
           CASE g.table_reference WHEN 'SG5a' THEN 'Count of Safeguarding Adult Reviews'
                ELSE 'Count of Individuals Involved in Safeguarding Adult Reviews' END,
           g.category, '', g.n
    FROM safeguard.sac_sg5_cells(sac_return.year) g
)
SELECT a.id, a.cassr_code, a.ons_code, s.table_reference, s.enquiry_type, s.category, s.subcategory,
       s.column_name, s.row_name,
       CASE WHEN sac_return.disclosure_control THEN safeguard.sac_disclose(coalesce(n.n, 0))
            ELSE coalesce(n.n, 0) END
FROM authority a
CROSS JOIN safeguard.sac_template s
LEFT JOIN counted n ON n.la OPERATOR(pg_catalog.=) a.id AND n.t OPERATOR(pg_catalog.=) s.table_reference
     AND n.e OPERATOR(pg_catalog.=) s.enquiry_type AND n.category OPERATOR(pg_catalog.=) s.category
     AND n.subcategory OPERATOR(pg_catalog.=) s.subcategory
ORDER BY a.cassr_code COLLATE "C" NULLS LAST, a.id, s.cell_number
$$;
COMMENT ON FUNCTION safeguard.sac_return(integer, boolean, bigint) IS
    'The Safeguarding Adults Collection return for the year starting 1 April of year, in the shape NHS Digital''s publication pipeline reads (table references SG1a-SG5b, its enquiry types and prefixed labels, CASSR_CODE per authority): every cell of safeguard.sac_template for every local authority the caller may report on (or la_id alone), zeros included. SG1 counts concerns that reached the authority and enquiries commenced in the year (SG1a-SG1c each adult once, SG1d-SG1f each case); SG2-SG4 count Section 42 enquiries concluded in it; enquiries come from both pathways, each once: the LA-side decisions and outcomes of the regulator''s referrals and the council''s own enquiries (safeguard.council_enquiries() of the year: those decided or concluded in it, read through indexes, with the outcome the enquiry recorded); SG5a and SG5b count the Safeguarding Adults Reviews completed in it (sac_sg5_cells). disclosure_control: values under 5 become NULL (suppressed), the rest are rounded to the nearest 5. SG601 for a year outside 2000-2100.';
REVOKE ALL ON FUNCTION safeguard.sac_return(integer, boolean, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sac_return(integer, boolean, bigint) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
    safeguard_sam;

-- risk_types is text[], not sac_risk_type[]: client libraries (psycopg2, and
-- so pandas; R's RPostgres) know text[] but not the array type of an
-- extension's enum, and hand the latter over as the unparsed string
-- '{"Neglect and Acts of Omission"}' (issue 18).
CREATE VIEW safeguard.referral_pseudonymised WITH (security_barrier = true, security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, r.state, r.immediate_risk,
       c.adult_pseudonym,
       x.source, x.channel, x.risk_types::pg_catalog.text[] AS risk_types, x.risk_location, x.source_of_risk,
       x.adult_gender, x.received_at, r.created_at, r.sent_at, r.acknowledged_at, r.la_decision, r.decided_at,
       r.action_result, r.risk_outcome, r.harm_from_delay, r.outcome_at,
       r.feedback_at, r.closed_at, r.withdrawn_at
FROM safeguard.referral r
JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
JOIN safeguard.safeguarding_case c ON c.id OPERATOR(pg_catalog.=) r.case_id;
COMMENT ON VIEW safeguard.referral_pseudonymised IS 'Referrals for performance teams (safeguard_reader): no identifying columns; adult_pseudonym is a keyed hash, stable per adult.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.state IS 'Referral state.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.immediate_risk IS 'Adult at immediate risk.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.adult_pseudonym IS 'Keyed hash of the adult''s identity (NULL when unknown).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.source IS 'Who raised the concern.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.channel IS 'How it was received.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_types IS 'Types of risk (SAC): values of sac_risk_type, as text[] so that pandas, R and other clients read a list.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_location IS 'Location of risk (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.source_of_risk IS 'Source of risk (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.adult_gender IS 'Gender (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.received_at IS 'When the concern was received.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.created_at IS 'When the referral decision was made.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.sent_at IS 'When sent.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.acknowledged_at IS 'When acknowledged.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.la_decision IS 'The local authority''s decision.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.decided_at IS 'When decided.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.action_result IS 'Action and result (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_outcome IS 'Risk outcome (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.harm_from_delay IS 'Harm from delay, for late referrals.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.outcome_at IS 'When the outcome was recorded.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.feedback_at IS 'When the referrer heard back.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.closed_at IS 'When closed.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.withdrawn_at IS 'When withdrawn.';
REVOKE ALL ON safeguard.referral_pseudonymised FROM PUBLIC;
GRANT SELECT ON safeguard.referral_pseudonymised TO safeguard_reader, safeguard_admin;

-- Every reader of the report views is subject to row-level security, and
-- PostgreSQL then applies a query's own conditions only after the policies
-- unless they are leakproof, and hides the columns' statistics from the
-- planner (bench/w5.sh measures the views at 10% and 100% of a decade).  The
-- drill-down view therefore fetches each concern's triage and referral by
-- the concern's key (a LATERAL subquery per concern; OFFSET 0 keeps the
-- planner from turning it back into a join of whole tables), and ends with
-- received_at, on which a filter reads only the period asked for.
CREATE VIEW safeguard.report_indicator_events WITH (security_invoker = true) AS
WITH base AS (
    SELECT x.id AS concern_id, r.id AS referral_id, coalesce(r.la_id, x.la_id) AS la_id,
           coalesce(t.decided_team, 'No team recorded') AS team, x.source, x.received_at,
           t.decided_at AS triaged_at, r.sent_at, r.decided_at AS la_decided_at, r.outcome_at,
           CASE WHEN r.feedback_at IS NOT NULL OR r.state OPERATOR(pg_catalog.=) 'closed' THEN r.closed_at END AS closed_at
    FROM safeguard.concern x
    LEFT JOIN LATERAL (SELECT tr.decided_team, tr.decided_at FROM safeguard.triage tr
                       WHERE tr.concern_id OPERATOR(pg_catalog.=) x.id OFFSET 0) t ON true
    LEFT JOIN LATERAL (SELECT rf.id, rf.la_id, rf.state, rf.sent_at, rf.decided_at, rf.outcome_at,
                              rf.feedback_at, rf.closed_at
                       FROM safeguard.referral rf
                       WHERE rf.concern_id OPERATOR(pg_catalog.=) x.id OFFSET 0) r ON true
)
SELECT b.concern_id, b.referral_id,
       safeguard.local_month(b.received_at) AS month,
       b.la_id, o.name AS local_authority, b.team, b.source,
       s.stage, s.stage_order, s.reached_at,
       safeguard.working_days_between(safeguard.local_date(b.received_at),
                                      safeguard.local_date(s.reached_at), o.division) AS working_days,
       s.in_time,
       b.received_at
FROM base b
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) b.la_id
LEFT JOIN LATERAL (
    SELECT pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'triage') AS triage,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) ANY ('{send,send_immediate}'::text[])) AS send,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'la_outcome') AS outcome,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'feedback') AS feedback
    FROM safeguard.deadline d
    WHERE d.status OPERATOR(pg_catalog.=) ANY ('{met,breached}'::safeguard.deadline_status[])
      AND ((d.subject_table OPERATOR(pg_catalog.=) 'concern' AND d.subject_id OPERATOR(pg_catalog.=) b.concern_id)
        OR (d.subject_table OPERATOR(pg_catalog.=) 'referral' AND d.subject_id OPERATOR(pg_catalog.=) b.referral_id))
) dl ON true
CROSS JOIN LATERAL (VALUES
    ('received', 0, b.received_at, NULL::boolean),
    ('triage', 1, b.triaged_at, dl.triage),
    ('referral_sent', 2, b.sent_at, dl.send),
    ('la_decision', 3, b.la_decided_at, NULL::boolean),
    ('outcome', 4, b.outcome_at, dl.outcome),
    ('closure', 5, b.closed_at, dl.feedback)
) AS s(stage, stage_order, reached_at, in_time)
WHERE s.reached_at IS NOT NULL;
COMMENT ON VIEW safeguard.report_indicator_events IS 'One row per concern and stage reached (received, triage, referral_sent, la_decision, outcome, closure): working days from receipt, and whether the stage''s deadline was met under the policy in force then (NULL: no timescale). The base of report_indicators, for drill-down; filter on received_at (not month) to read only the period asked for.';
COMMENT ON COLUMN safeguard.report_indicator_events.concern_id IS 'Concern number.';
COMMENT ON COLUMN safeguard.report_indicator_events.referral_id IS 'Referral number, for the referral stages.';
COMMENT ON COLUMN safeguard.report_indicator_events.month IS 'Month the concern was received (first day, Europe/London).';
COMMENT ON COLUMN safeguard.report_indicator_events.la_id IS 'Local authority (the referral''s recipient, else the concern''s).';
COMMENT ON COLUMN safeguard.report_indicator_events.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_indicator_events.team IS 'Team of the grant that triaged the concern (No team recorded when none).';
COMMENT ON COLUMN safeguard.report_indicator_events.source IS 'Who raised the concern.';
COMMENT ON COLUMN safeguard.report_indicator_events.stage IS 'received, triage, referral_sent, la_decision, outcome or closure (feedback given and closed).';
COMMENT ON COLUMN safeguard.report_indicator_events.stage_order IS 'Order of the stage, 0 to 5.';
COMMENT ON COLUMN safeguard.report_indicator_events.reached_at IS 'When the stage was reached.';
COMMENT ON COLUMN safeguard.report_indicator_events.working_days IS 'Working days from receipt to the stage (day of receipt is day 0).';
COMMENT ON COLUMN safeguard.report_indicator_events.in_time IS 'True when the stage''s deadline was met, false when breached, NULL when the stage has no timescale or it was cancelled.';
REVOKE ALL ON safeguard.report_indicator_events FROM PUBLIC;
GRANT SELECT ON safeguard.report_indicator_events TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;
COMMENT ON COLUMN safeguard.report_indicator_events.received_at IS
    'When the concern was received. A filter on it (received_at >= an instant) reads only the concerns of that period; a filter on month reads every concern.';

CREATE VIEW safeguard.report_indicators WITH (security_invoker = true) AS
SELECT e.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order,
       pg_catalog.count(*) AS measured,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.count(*) FILTER (WHERE NOT e.in_time) AS out_of_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct
FROM safeguard.report_indicator_events e
GROUP BY e.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order;
COMMENT ON VIEW safeguard.report_indicators IS 'Core indicators by month received, local authority, team and source: for each stage, how many reached it, the median working days from receipt, and how many were in and out of time against the policy in force then.';
COMMENT ON COLUMN safeguard.report_indicators.month IS 'Month the concerns were received.';
COMMENT ON COLUMN safeguard.report_indicators.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_indicators.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_indicators.team IS 'Team that triaged.';
COMMENT ON COLUMN safeguard.report_indicators.source IS 'Who raised the concerns.';
COMMENT ON COLUMN safeguard.report_indicators.stage IS 'Stage (see report_indicator_events).';
COMMENT ON COLUMN safeguard.report_indicators.stage_order IS 'Order of the stage.';
COMMENT ON COLUMN safeguard.report_indicators.measured IS 'Concerns that reached the stage.';
COMMENT ON COLUMN safeguard.report_indicators.median_working_days IS 'Median working days from receipt to the stage.';
COMMENT ON COLUMN safeguard.report_indicators.in_time IS 'Reached within the stage''s deadline.';
COMMENT ON COLUMN safeguard.report_indicators.out_of_time IS 'Reached after the stage''s deadline.';
COMMENT ON COLUMN safeguard.report_indicators.in_time_pct IS 'Percentage in time of those with a timescale (one decimal); NULL when none has one.';
REVOKE ALL ON safeguard.report_indicators FROM PUBLIC;
GRANT SELECT ON safeguard.report_indicators TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE VIEW safeguard.report_kpi WITH (security_invoker = true) AS
SELECT e.stage AS indicator,
       pg_catalog.count(*) AS measured,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days
FROM safeguard.report_indicator_events e
-- From the first instant (Europe/London) of the month 11 months ago: the
-- concerns whose month is that month or later, on the stored column.
WHERE e.received_at OPERATOR(pg_catalog.>=)
      ((pg_catalog.date_trunc('month', safeguard.local_date(safeguard.now())::timestamp)
        OPERATOR(pg_catalog.-) '11 months'::interval) AT TIME ZONE 'Europe/London')
GROUP BY e.stage, e.stage_order
ORDER BY e.stage_order;
COMMENT ON VIEW safeguard.report_kpi IS 'The headline indicators over the last 12 months (this month and the 11 before, by month received, Europe/London), for the dashboard. Reads only the concerns of those months.';
COMMENT ON COLUMN safeguard.report_kpi.indicator IS 'Stage measured (see report_indicator_events).';
COMMENT ON COLUMN safeguard.report_kpi.measured IS 'Concerns that reached it.';
COMMENT ON COLUMN safeguard.report_kpi.in_time IS 'Reached within the deadline.';
COMMENT ON COLUMN safeguard.report_kpi.in_time_pct IS 'Percentage in time of those with a timescale.';
COMMENT ON COLUMN safeguard.report_kpi.median_working_days IS 'Median working days from receipt.';
REVOKE ALL ON safeguard.report_kpi FROM PUBLIC;
GRANT SELECT ON safeguard.report_kpi TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- The queue views fetch each listed referral's pseudonym by the case's key
-- (a scalar subquery) rather than joining every case ever opened.
CREATE VIEW safeguard.report_send_queue WITH (security_invoker = true) AS
SELECT q.referral_id, q.case_id, q.la_id, q.local_authority,
       (SELECT c.adult_pseudonym FROM safeguard.safeguarding_case c
         WHERE c.id OPERATOR(pg_catalog.=) q.case_id) AS adult_pseudonym,
       q.immediate_risk, q.created_at, q.age,
       safeguard.working_days_since(q.created_at, o.division) AS age_working_days,
       q.send_due_at, coalesce(q.overdue, false) AS overdue
FROM safeguard.send_queue q
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) q.la_id;
COMMENT ON VIEW safeguard.report_send_queue IS 'The contact centre''s send queue with its age, pseudonymised: what the regulator''s performance team watches. Rows are the referrals awaiting sending that the caller may see; the pseudonym is read from the referral''s case (NULL if the caller may not see that case: no shipped reader of this view is such a caller).';
COMMENT ON COLUMN safeguard.report_send_queue.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.report_send_queue.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.report_send_queue.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.report_send_queue.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_send_queue.adult_pseudonym IS 'Pseudonym of the adult (NULL when unknown).';
COMMENT ON COLUMN safeguard.report_send_queue.immediate_risk IS 'Adult at immediate risk: 4 clock hours to send.';
COMMENT ON COLUMN safeguard.report_send_queue.created_at IS 'When the refer_to_la decision was made.';
COMMENT ON COLUMN safeguard.report_send_queue.age IS 'How long it has waited.';
COMMENT ON COLUMN safeguard.report_send_queue.age_working_days IS 'Working days it has waited.';
COMMENT ON COLUMN safeguard.report_send_queue.send_due_at IS 'When it is due to be sent.';
COMMENT ON COLUMN safeguard.report_send_queue.overdue IS 'True once overdue.';
REVOKE ALL ON safeguard.report_send_queue FROM PUBLIC;
GRANT SELECT ON safeguard.report_send_queue TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE VIEW safeguard.report_la_outcomes_outstanding WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, o.name AS local_authority,
       (SELECT c.adult_pseudonym FROM safeguard.safeguarding_case c
         WHERE c.id OPERATOR(pg_catalog.=) r.case_id) AS adult_pseudonym,
       r.state, r.sent_at, safeguard.working_days_since(r.sent_at, o.division) AS age_working_days,
       od.due_at AS outcome_due_at, coalesce(od.overdue, false) AS outcome_overdue,
       ed.due_at AS escalation_due_at, coalesce(ed.overdue, false) AS escalation_overdue,
       al.chases, al.last_alert_at,
       CASE WHEN coalesce(ed.overdue, false) OR al.escalations OPERATOR(pg_catalog.>) 0 THEN 'escalated'
            WHEN coalesce(od.overdue, false) OR al.chases OPERATOR(pg_catalog.>) 0 THEN 'chase'
            ELSE 'awaiting' END AS chase_state,
       safeguard.referral_free_text(r.id, 'la_contact') AS named_contact,
       safeguard.referral_free_text(r.id, 'la_reference') AS la_reference,
       o.senior_contact_name, o.senior_contact_email
FROM safeguard.referral r
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
LEFT JOIN safeguard.open_deadlines od ON od.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND od.subject_id OPERATOR(pg_catalog.=) r.id AND od.kind OPERATOR(pg_catalog.=) 'la_outcome'
LEFT JOIN safeguard.open_deadlines ed ON ed.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND ed.subject_id OPERATOR(pg_catalog.=) r.id AND ed.kind OPERATOR(pg_catalog.=) 'la_outcome_escalation'
CROSS JOIN LATERAL (
    SELECT pg_catalog.count(*) FILTER (WHERE a.rung OPERATOR(pg_catalog.=) 'breach') AS chases,
           pg_catalog.count(*) FILTER (WHERE a.rung OPERATOR(pg_catalog.=) 'escalate'
                                        OR (a.rung OPERATOR(pg_catalog.=) 'breach'
                                            AND a.kind OPERATOR(pg_catalog.=) 'la_outcome_escalation')) AS escalations,
           pg_catalog.max(a.fired_at) AS last_alert_at
    FROM safeguard.deadline_alert a
    WHERE a.subject_table OPERATOR(pg_catalog.=) 'referral' AND a.subject_id OPERATOR(pg_catalog.=) r.id
      AND a.kind OPERATOR(pg_catalog.=) ANY ('{la_outcome,la_outcome_escalation}'::text[])
) al
WHERE r.state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided}'::safeguard.referral_state[]);
COMMENT ON VIEW safeguard.report_la_outcomes_outstanding IS 'The chase list the regulator lacked: every referral sent and still awaiting the local authority''s outcome, with its age, deadlines, chases, escalation state and the named contacts. Rows are the referrals the caller may see; the pseudonym is read from the referral''s case (NULL if the caller may not see that case: no shipped reader of this view is such a caller).';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.adult_pseudonym IS 'Pseudonym of the adult.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.state IS 'sent, acknowledged or decided.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.sent_at IS 'When it was sent.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.age_working_days IS 'Working days since it was sent.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.outcome_due_at IS 'When the outcome is due.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.outcome_overdue IS 'True once the outcome is overdue: chase.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.escalation_due_at IS 'When it escalates to the named senior contact.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.escalation_overdue IS 'True once that is overdue.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.chases IS 'Breach alerts fired (chases sent by the sweep).';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.last_alert_at IS 'When the last alert fired.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.chase_state IS 'awaiting (in time), chase (outcome overdue or chased), escalated (escalation due or fired).';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.named_contact IS 'The local authority contact it was sent to.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.la_reference IS 'The local authority''s reference.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.senior_contact_name IS 'Named senior contact to escalate to.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.senior_contact_email IS 'Their e-mail.';
REVOKE ALL ON safeguard.report_la_outcomes_outstanding FROM PUBLIC;
GRANT SELECT ON safeguard.report_la_outcomes_outstanding TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE VIEW safeguard.report_unallocated WITH (security_invoker = true) AS
WITH work AS (
    SELECT r.la_id, 'referral'::text AS pathway, NULL::text AS team,
           r.allocated_to IS NOT NULL AS allocated, r.sent_at AS since
    FROM safeguard.referral r
    WHERE r.state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided,outcome_recorded}'::safeguard.referral_state[])
      -- a referral that arrived as the council's concern is the council's work once decided
      AND NOT EXISTS (SELECT 1 FROM safeguard.concern a WHERE a.referral_id OPERATOR(pg_catalog.=) r.id)
    UNION ALL
    SELECT e.la_id, 'council_enquiry', coalesce(e.decided_team, 'No team recorded'),
           e.state OPERATOR(pg_catalog.<>) 'decided'::safeguard.la_enquiry_state, e.decided_at
    -- the open ones only, through la_enquiry_open: not the council's closed history
    FROM safeguard.council_enquiries(NULL::timestamptz, NULL::timestamptz, true) e
), aged AS (
    SELECT w.la_id, o.name AS local_authority, w.pathway, w.team, w.allocated,
           safeguard.working_days_since(w.since, o.division) AS age
    FROM work w
    JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) w.la_id
)
SELECT a.la_id, a.local_authority,
       pg_catalog.count(*) AS with_la,
       pg_catalog.count(*) FILTER (WHERE a.allocated) AS allocated,
       pg_catalog.count(*) FILTER (WHERE NOT a.allocated) AS unallocated,
       pg_catalog.max(a.age) FILTER (WHERE NOT a.allocated) AS oldest_unallocated_working_days,
       (pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY a.age::double precision)
           FILTER (WHERE NOT a.allocated))::numeric AS median_unallocated_working_days,
       pg_catalog.count(*) FILTER (WHERE NOT a.allocated AND a.age OPERATOR(pg_catalog.>) 20)
           AS unallocated_over_20_working_days,
       a.pathway, a.team
FROM aged a
GROUP BY a.la_id, a.local_authority, a.pathway, a.team;
COMMENT ON VIEW safeguard.report_unallocated IS 'The "virtual worker" caseload: open work with each local authority and how much of it awaits allocation to a named worker, with its age in working days. One row per authority, pathway and team: the council''s own enquiries (pathway council_enquiry: decided to concluded, not yet closed; unallocated while decided; aged from the decision; by the team of the grant that decided) and the regulator''s referrals (pathway referral: sent, not yet closed; aged from sending; no team). Until 1.5 one row per authority, of referrals only: sum by la_id for that total.';
COMMENT ON COLUMN safeguard.report_unallocated.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_unallocated.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_unallocated.with_la IS 'Open work of this pathway and team with the authority: enquiries decided, allocated, in progress or concluded (not closed); referrals sent, acknowledged, decided or with the outcome recorded.';
COMMENT ON COLUMN safeguard.report_unallocated.allocated IS 'Of those, allocated to a named worker.';
COMMENT ON COLUMN safeguard.report_unallocated.unallocated IS 'Of those, unallocated (an enquiry still decided, a referral with no worker): the virtual worker''s caseload.';
COMMENT ON COLUMN safeguard.report_unallocated.oldest_unallocated_working_days IS 'Age of the oldest unallocated one, in working days (in the authority''s division) since the decision (enquiries) or since sending (referrals).';
COMMENT ON COLUMN safeguard.report_unallocated.median_unallocated_working_days IS 'Median age of the unallocated ones, in working days.';
COMMENT ON COLUMN safeguard.report_unallocated.unallocated_over_20_working_days IS 'Unallocated ones older than 20 working days.';
COMMENT ON COLUMN safeguard.report_unallocated.pathway IS 'council_enquiry (the council''s own enquiries, safeguard.la_enquiry) or referral (the regulator''s referrals).';
COMMENT ON COLUMN safeguard.report_unallocated.team IS 'For council enquiries, the team of the grant that decided (No team recorded when none); NULL for referrals.';
REVOKE ALL ON safeguard.report_unallocated FROM PUBLIC;
GRANT SELECT ON safeguard.report_unallocated TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE VIEW safeguard.report_feedback WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.la_id, o.name AS local_authority, x.source, x.referrer_anonymous,
       r.outcome_at,
       coalesce(od.due_at, d.due_at_close) AS feedback_due_at,
       r.feedback_at, r.feedback_method,
       CASE WHEN r.feedback_at IS NOT NULL THEN
                 CASE WHEN d.status OPERATOR(pg_catalog.=) 'breached' THEN 'done_late' ELSE 'done' END
            WHEN r.state OPERATOR(pg_catalog.=) 'closed' THEN 'waived'
            WHEN coalesce(od.overdue, false) THEN 'overdue'
            ELSE 'due' END AS status
FROM safeguard.referral r
JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
LEFT JOIN LATERAL (
    SELECT dd.status, dd.due_at_close FROM safeguard.deadline dd
    WHERE dd.subject_table OPERATOR(pg_catalog.=) 'referral' AND dd.subject_id OPERATOR(pg_catalog.=) r.id
      AND dd.kind OPERATOR(pg_catalog.=) 'feedback'
    ORDER BY dd.id DESC LIMIT 1) d ON true
LEFT JOIN safeguard.open_deadlines od ON od.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND od.subject_id OPERATOR(pg_catalog.=) r.id AND od.kind OPERATOR(pg_catalog.=) 'feedback'
WHERE r.outcome_at IS NOT NULL;
COMMENT ON VIEW safeguard.report_feedback IS 'Feedback to the person who raised the concern, for every referral with an outcome: due, overdue, done (in time), done_late, or waived (e.g. an anonymous referrer).';
COMMENT ON COLUMN safeguard.report_feedback.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.report_feedback.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_feedback.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_feedback.source IS 'Who raised the concern.';
COMMENT ON COLUMN safeguard.report_feedback.referrer_anonymous IS 'True for an anonymous referrer.';
COMMENT ON COLUMN safeguard.report_feedback.outcome_at IS 'When the outcome was recorded (feedback is counted from it). Filter a period on it (a dashboard''s last 12 months: outcome_at >= a date): the view returns a row for every referral with an outcome, so unfiltered it grows with the history, while a range on outcome_at reads only that period, through an index, under row-level security too.';
COMMENT ON COLUMN safeguard.report_feedback.feedback_due_at IS 'When feedback is (or was) due.';
COMMENT ON COLUMN safeguard.report_feedback.feedback_at IS 'When feedback was given.';
COMMENT ON COLUMN safeguard.report_feedback.feedback_method IS 'How.';
COMMENT ON COLUMN safeguard.report_feedback.status IS 'due, overdue, done, done_late or waived.';
REVOKE ALL ON safeguard.report_feedback FROM PUBLIC;
GRANT SELECT ON safeguard.report_feedback TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- Repeat concerns of a period: the window functions of report_repeat_concerns over the
-- concerns received from 12 months (and a day) before the period to its end, which is every
-- concern a row of the period can name as its predecessor or count in its 12 months (a
-- predecessor older than 12 months drops the row either way).  Read through
-- concern_received_at under row-level security and the scope guard (received_at is an open
-- column): a period costs its own concerns and the 12 months before, not the history.  The
-- predecessor is looked for among the concerns the caller may see, as the view's window does;
-- a lookup by pseudonym or provider location per concern would not do for a scoped caller (the
-- scope guard keeps those guarded columns out of index conditions, docs/security.md).
CREATE FUNCTION safeguard.repeat_concerns(received_from timestamptz, received_to timestamptz)
RETURNS TABLE (repeat_of text, concern_id bigint, la_id bigint, local_authority text,
               adult_pseudonym text, provider_location_id bigint, provider_location text,
               received_at timestamptz, previous_concern_id bigint,
               previous_received_at timestamptz, days_since_previous integer,
               concerns_in_12_months bigint)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 1000
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF received_from OPERATOR(pg_catalog.>) received_to THEN
        RAISE EXCEPTION USING ERRCODE = 'SG609', MESSAGE = 'the period ends before it starts',
            DETAIL = pg_catalog.format('received_from %s is later than received_to %s.', received_from, received_to),
            HINT = 'Give received_from <= received_to, or NULL for an open end.';
    END IF;
    -- Fixed fragments, the bounds passed as parameters: each call is planned for the
    -- conditions it has (no period: none on received_at; a period: a range on it).
    RETURN QUERY EXECUTE
        $q$WITH c AS (
            SELECT x.id AS concern_id, x.la_id, x.received_at, x.provider_location_id, k.adult_pseudonym
            FROM safeguard.concern x
            JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
            WHERE true$q$
        OPERATOR(pg_catalog.||)
        CASE WHEN received_from IS NULL THEN ''
             ELSE $q$ AND x.received_at OPERATOR(pg_catalog.>=) ($1 OPERATOR(pg_catalog.-) '12 months 1 day'::interval)$q$ END
        OPERATOR(pg_catalog.||)
        CASE WHEN received_to IS NULL THEN ''
             ELSE $q$ AND x.received_at OPERATOR(pg_catalog.<) $2$q$ END
        OPERATOR(pg_catalog.||)
        $q$), by_subject AS (
            SELECT 'adult'::text AS repeat_of, c.concern_id, c.la_id, c.received_at, c.adult_pseudonym,
                   NULL::bigint AS provider_location_id,
                   pg_catalog.lag(c.concern_id) OVER w AS previous_concern_id,
                   pg_catalog.lag(c.received_at) OVER w AS previous_received_at,
                   pg_catalog.count(*) OVER (PARTITION BY c.adult_pseudonym ORDER BY c.received_at
                       RANGE BETWEEN '12 months'::interval PRECEDING AND CURRENT ROW) AS concerns_in_12_months
            FROM c WHERE c.adult_pseudonym IS NOT NULL
            WINDOW w AS (PARTITION BY c.adult_pseudonym ORDER BY c.received_at, c.concern_id)
            UNION ALL
            SELECT 'provider_location', c.concern_id, c.la_id, c.received_at, NULL, c.provider_location_id,
                   pg_catalog.lag(c.concern_id) OVER w,
                   pg_catalog.lag(c.received_at) OVER w,
                   pg_catalog.count(*) OVER (PARTITION BY c.provider_location_id ORDER BY c.received_at
                       RANGE BETWEEN '12 months'::interval PRECEDING AND CURRENT ROW)
            FROM c WHERE c.provider_location_id IS NOT NULL
            WINDOW w AS (PARTITION BY c.provider_location_id ORDER BY c.received_at, c.concern_id)
        )
        SELECT s.repeat_of, s.concern_id, s.la_id, o.name, s.adult_pseudonym,
               s.provider_location_id, l.name, s.received_at,
               s.previous_concern_id, s.previous_received_at,
               safeguard.local_date(s.received_at) OPERATOR(pg_catalog.-) safeguard.local_date(s.previous_received_at),
               s.concerns_in_12_months
        FROM by_subject s
        JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) s.la_id
        LEFT JOIN safeguard.organisation l ON l.id OPERATOR(pg_catalog.=) s.provider_location_id
        WHERE s.previous_received_at OPERATOR(pg_catalog.>=) (s.received_at OPERATOR(pg_catalog.-) '12 months'::interval)
          AND s.received_at OPERATOR(pg_catalog.>=) $1 AND s.received_at OPERATOR(pg_catalog.<) $2$q$
        USING coalesce(received_from, '-infinity'::timestamptz), coalesce(received_to, 'infinity'::timestamptz);
END
$$;
COMMENT ON FUNCTION safeguard.repeat_concerns(timestamptz, timestamptz) IS
    'The rows of report_repeat_concerns received in [received_from, received_to) (a NULL bound leaves that side open), each with its previous concern and 12-month count among the concerns the caller may see, exactly as the view gives them. It reads only the concerns received from 12 months before received_from to received_to, through an index, under row-level security too: a dashboard''s last 12 months costs two years of concerns, not the history (the view, filtered on received_at, still computes every concern''s predecessor first). (NULL, NULL) gives every row, as the view does.';
REVOKE ALL ON FUNCTION safeguard.repeat_concerns(timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.repeat_concerns(timestamptz, timestamptz) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE VIEW safeguard.report_repeat_concerns WITH (security_invoker = true) AS
SELECT r.repeat_of, r.concern_id, r.la_id, r.local_authority, r.adult_pseudonym,
       r.provider_location_id, r.provider_location, r.received_at, r.previous_concern_id,
       r.previous_received_at, r.days_since_previous, r.concerns_in_12_months
FROM safeguard.repeat_concerns(NULL::timestamptz, NULL::timestamptz) r;
COMMENT ON VIEW safeguard.report_repeat_concerns IS 'Repeat concerns: each concern received within 12 months of an earlier one about the same adult (by pseudonym) or the same provider location, across cases, open or closed. Every one ever received: a filter on received_at applies after each concern''s predecessor is found, so the view costs the whole history; for a period (a dashboard''s last 12 months) call safeguard.repeat_concerns(received_from, received_to), which gives the same rows and reads only the period and the 12 months before it.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.repeat_of IS 'adult or provider_location: what the concerns share.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.concern_id IS 'The repeat concern.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.la_id IS 'Its local authority.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.adult_pseudonym IS 'Pseudonym of the adult (repeat_of adult).';
COMMENT ON COLUMN safeguard.report_repeat_concerns.provider_location_id IS 'The provider location (repeat_of provider_location).';
COMMENT ON COLUMN safeguard.report_repeat_concerns.provider_location IS 'Its name.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.received_at IS 'When the repeat concern was received.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.previous_concern_id IS 'The concern before it about the same subject.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.previous_received_at IS 'When that was received.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.days_since_previous IS 'Calendar days between the two (local dates).';
COMMENT ON COLUMN safeguard.report_repeat_concerns.concerns_in_12_months IS 'Concerns about the subject in the 12 months up to and including this one.';
REVOKE ALL ON safeguard.report_repeat_concerns FROM PUBLIC;
GRANT SELECT ON safeguard.report_repeat_concerns TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE VIEW safeguard.report_provider_enquiries WITH (security_invoker = true) AS
SELECT e.id AS enquiry_id, e.provider_id, p.name AS provider, e.la_id, l.name AS local_authority,
       e.stage, e.risk_level, e.proposed_at, e.decided_at,
       nd.kind AS next_deadline, nd.due_at AS next_due_at, coalesce(nd.overdue, false) AS next_overdue,
       coalesce(pl.suspended, 0) AS funders_suspending,
       coalesce(pl.caution, 0) AS funders_placing_with_caution,
       CASE WHEN pl.suspended OPERATOR(pg_catalog.>) 0 THEN 'suspended'
            WHEN pl.caution OPERATOR(pg_catalog.>) 0 THEN 'place_with_caution'
            ELSE 'none' END AS suspension_status
FROM safeguard.provider_enquiry e
JOIN safeguard.organisation p ON p.id OPERATOR(pg_catalog.=) e.provider_id
JOIN safeguard.organisation l ON l.id OPERATOR(pg_catalog.=) e.la_id
LEFT JOIN LATERAL (
    SELECT d.kind, d.due_at, d.overdue FROM safeguard.open_deadlines d
    WHERE d.subject_table OPERATOR(pg_catalog.=) 'provider_enquiry' AND d.subject_id OPERATOR(pg_catalog.=) e.id
    ORDER BY d.due_at NULLS LAST, d.id LIMIT 1) nd ON true
LEFT JOIN LATERAL (
    SELECT pg_catalog.count(*) FILTER (WHERE c.action OPERATOR(pg_catalog.=) 'suspend_new_placements')::integer AS suspended,
           pg_catalog.count(*) FILTER (WHERE c.action OPERATOR(pg_catalog.=) 'place_with_caution')::integer AS caution
    FROM (SELECT DISTINCT ON (cd.funding_authority_id) cd.action
            FROM safeguard.commissioning_decision cd
           WHERE cd.enquiry_id OPERATOR(pg_catalog.=) e.id
           ORDER BY cd.funding_authority_id, cd.decided_at DESC, cd.id DESC) c) pl ON true
WHERE e.stage OPERATOR(pg_catalog.<>) ALL ('{closed,not_invoked}'::safeguard.enquiry_stage[]);
COMMENT ON VIEW safeguard.report_provider_enquiries IS 'Large-scale provider enquiries in progress: stage, risk level, the next deadline, and the placement position (each funding authority''s latest decision).';
COMMENT ON COLUMN safeguard.report_provider_enquiries.enquiry_id IS 'Enquiry number.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.provider_id IS 'Provider.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.provider IS 'Its name.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.la_id IS 'Leading local authority.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.stage IS 'Stage of the enquiry.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.risk_level IS 'Risk matrix level (major, moderate, minor).';
COMMENT ON COLUMN safeguard.report_provider_enquiries.proposed_at IS 'When proposed.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.decided_at IS 'When invoked.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.next_deadline IS 'Kind of the next open deadline.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.next_due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.next_overdue IS 'True once it is overdue.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.funders_suspending IS 'Funding authorities whose latest decision suspends new placements.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.funders_placing_with_caution IS 'Funding authorities whose latest decision is to place with caution.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.suspension_status IS 'suspended (any funder suspends), place_with_caution, or none.';
REVOKE ALL ON safeguard.report_provider_enquiries FROM PUBLIC;
GRANT SELECT ON safeguard.report_provider_enquiries TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- Data quality of a period: the checks of report_data_quality over the concerns received in
-- it and their triage and referral, read through concern_received_at and then by key (each
-- concern's triage by its primary key, its referral by the unique concern_id), under
-- row-level security and the scope guard too: a period costs its own records, not the
-- history.  With no period it checks every live row (the all-time proof of the must-be-zero
-- checks).
CREATE FUNCTION safeguard.data_quality(received_from date, received_to date)
RETURNS TABLE (la_id bigint, local_authority text, check_name text, must_be_zero boolean,
               records_checked bigint, failing bigint, failing_pct numeric)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 100
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF received_from OPERATOR(pg_catalog.>) received_to THEN
        RAISE EXCEPTION USING ERRCODE = 'SG609', MESSAGE = 'the period ends before it starts',
            DETAIL = pg_catalog.format('received_from %s is later than received_to %s.', received_from, received_to),
            HINT = 'Give received_from <= received_to (both days included), or NULL for an open end.';
    END IF;
    -- Fixed fragments, the period's instants passed as parameters (local dates as the
    -- instants they begin in London): each call is planned for the conditions it has.
    RETURN QUERY EXECUTE
        $q$WITH p AS MATERIALIZED (
            SELECT x.id, x.la_id, x.risk_location, x.source_of_risk, x.adult_gender, x.adult_age_band,
                   x.adult_ethnicity, x.adult_primary_support_reason, x.adult_identified_by,
                   x.referrer_anonymous, x.referrer_identified
            FROM safeguard.concern x
            WHERE true$q$
        OPERATOR(pg_catalog.||)
        CASE WHEN received_from IS NULL THEN ''
             ELSE $q$ AND x.received_at OPERATOR(pg_catalog.>=) $1$q$ END
        OPERATOR(pg_catalog.||)
        CASE WHEN received_to IS NULL THEN ''
             ELSE $q$ AND x.received_at OPERATOR(pg_catalog.<) $2$q$ END
        OPERATOR(pg_catalog.||)
        $q$), checks AS (
            SELECT p.la_id, q.check_name, q.must_be_zero, q.failing
            FROM p
            CROSS JOIN LATERAL (VALUES
                ('concern: risk location missing', false, p.risk_location IS NULL),
                ('concern: source of risk missing', false, p.source_of_risk IS NULL),
                ('concern: gender not known', false, p.adult_gender OPERATOR(pg_catalog.=) 'Not Known'),
                ('concern: age not known', false, p.adult_age_band OPERATOR(pg_catalog.=) 'Not Known'),
                ('concern: ethnicity missing', false, p.adult_ethnicity IS NULL),
                ('concern: primary support reason missing', false, p.adult_primary_support_reason IS NULL),
                ('concern: adult not identified by NHS number', false,
                    p.adult_identified_by OPERATOR(pg_catalog.<>) 'nhs_number'),
                ('concern: invalid NHS number', true, p.adult_identified_by OPERATOR(pg_catalog.=) 'invalid_nhs_number'),
                ('concern: referrer neither identified nor anonymous', true,
                    NOT p.referrer_anonymous AND NOT p.referrer_identified)
            ) AS q(check_name, must_be_zero, failing)
            UNION ALL
            SELECT t.la_id, 'triage: decision without rationale', true, NOT t.rationale_recorded
            FROM p
            -- OFFSET 0 keeps each lookup by key (not a join that could read every triage)
            CROSS JOIN LATERAL (SELECT tt.la_id, tt.rationale_recorded FROM safeguard.triage tt
                                WHERE tt.concern_id OPERATOR(pg_catalog.=) p.id OFFSET 0) t
            UNION ALL
            SELECT r.la_id, q.check_name, q.must_be_zero, q.failing
            FROM p
            CROSS JOIN LATERAL (SELECT rr.la_id, rr.decision_rationale_recorded, rr.withdrawal_rationale_recorded,
                                       rr.la_decision, rr.outcome_at, rr.lacked_capacity, rr.msp_asked
                                FROM safeguard.referral rr
                                WHERE rr.concern_id OPERATOR(pg_catalog.=) p.id OFFSET 0) r
            CROSS JOIN LATERAL (VALUES
                ('referral: decision without rationale', true, NOT r.decision_rationale_recorded),
                ('referral: withdrawal without rationale', true, NOT r.withdrawal_rationale_recorded),
                ('enquiry concluded: capacity not recorded', false,
                    CASE WHEN r.la_decision OPERATOR(pg_catalog.<>) 'no_enquiry' AND r.outcome_at IS NOT NULL
                         THEN r.lacked_capacity IS NULL END),
                ('enquiry concluded: Making Safeguarding Personal not recorded', false,
                    CASE WHEN r.la_decision OPERATOR(pg_catalog.<>) 'no_enquiry' AND r.outcome_at IS NOT NULL
                         THEN r.msp_asked IS NULL END)
            ) AS q(check_name, must_be_zero, failing)
            WHERE q.failing IS NOT NULL
        )
        SELECT c.la_id, o.name, c.check_name, c.must_be_zero,
               pg_catalog.count(*),
               pg_catalog.count(*) FILTER (WHERE c.failing),
               pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE c.failing)
                   OPERATOR(pg_catalog./) pg_catalog.count(*), 1)
        FROM checks c
        JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) c.la_id
        GROUP BY c.la_id, o.name, c.check_name, c.must_be_zero$q$
        USING safeguard.local_day_start(received_from),
              safeguard.local_day_start(received_to OPERATOR(pg_catalog.+) 1);
END
$$;
COMMENT ON FUNCTION safeguard.data_quality(date, date) IS
    'Data quality by local authority, as report_data_quality gives it, over the concerns received from received_from through received_to (London dates, both included; a NULL bound leaves that side open) and the triage and referral of each. A period is read through indexes, under row-level security too, so it costs that period''s records, not the history. data_quality(NULL, NULL) checks every live row the caller may see: run it as the owner or a superuser to prove that every must_be_zero check fails on no record ever written (what the view did before 1.5).';
REVOKE ALL ON FUNCTION safeguard.data_quality(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.data_quality(date, date) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE VIEW safeguard.report_data_quality WITH (security_invoker = true) AS
SELECT d.la_id, d.local_authority, d.check_name, d.must_be_zero, d.records_checked, d.failing,
       d.failing_pct
FROM safeguard.data_quality(
    (pg_catalog.date_trunc('month', safeguard.local_date(safeguard.now())::timestamp)
        OPERATOR(pg_catalog.-) '11 months'::interval)::date,
    NULL::date) d;
COMMENT ON VIEW safeguard.report_data_quality IS 'Data quality by local authority over the last 12 months (the concerns received this month and the 11 before, Europe/London, as report_kpi, with their triage and referral): records missing what the statutory return and casework need, and checks that must be zero because the guards make them impossible. From 1.5 the last 12 months, not every record ever written (it read the whole history): for another period, or the all-time proof of the must-be-zero checks on every live row, call safeguard.data_quality(received_from, received_to), with (NULL, NULL) for all time.';
COMMENT ON COLUMN safeguard.report_data_quality.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_data_quality.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_data_quality.check_name IS 'What is checked: record kind, then the problem.';
COMMENT ON COLUMN safeguard.report_data_quality.must_be_zero IS 'True for a check the rules make impossible; a non-zero failing count would be a defect.';
COMMENT ON COLUMN safeguard.report_data_quality.records_checked IS 'Records the check applies to, of the last 12 months (concerns received in them, and their triage and referral).';
COMMENT ON COLUMN safeguard.report_data_quality.failing IS 'Records failing it.';
COMMENT ON COLUMN safeguard.report_data_quality.failing_pct IS 'Percentage failing (one decimal).';
REVOKE ALL ON safeguard.report_data_quality FROM PUBLIC;
GRANT SELECT ON safeguard.report_data_quality TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- The council's own stages (issue 16 item 6): each concern its authority
-- decided on, and the enquiry that decision opened, stage by stage, in and
-- out of time against the deadline policies in force then.  Counts only:
-- readers see the figures of the authorities they report on, the
-- authority's own staff those of their authority.
CREATE VIEW safeguard.report_council_indicators WITH (security_invoker = true) AS
WITH stages AS (
    SELECT pg_catalog.date_trunc('month', safeguard.local_date(x.received_at))::date AS month,
           x.la_id, o.name AS local_authority, coalesce(cd.decided_team, 'No team recorded') AS team,
           x.source, s.stage, s.stage_order,
           safeguard.working_days_between(safeguard.local_date(s.started_at),
                                          safeguard.local_date(s.reached_at), o.division) AS working_days,
           s.in_time
    FROM safeguard.concern x
    JOIN safeguard.concern_decision cd ON cd.concern_id OPERATOR(pg_catalog.=) x.id
    JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) x.la_id
    LEFT JOIN LATERAL (SELECT le.id, le.decided_at, le.allocated_at, le.concluded_at, le.feedback_at
                       FROM safeguard.la_enquiry le
                       WHERE le.concern_id OPERATOR(pg_catalog.=) x.id OFFSET 0) e ON true
    LEFT JOIN LATERAL (
        SELECT pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
                   FILTER (WHERE d.subject_table OPERATOR(pg_catalog.=) 'concern') AS decision,
               pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
                   FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'enquiry_conclusion') AS conclusion,
               pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
                   FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'enquiry_feedback') AS feedback
        FROM safeguard.deadline d
        WHERE d.status OPERATOR(pg_catalog.=) ANY ('{met,breached}'::safeguard.deadline_status[])
          AND ((d.subject_table OPERATOR(pg_catalog.=) 'concern' AND d.subject_id OPERATOR(pg_catalog.=) x.id
                AND d.kind OPERATOR(pg_catalog.=) 'triage')
            OR (d.subject_table OPERATOR(pg_catalog.=) 'la_enquiry' AND d.subject_id OPERATOR(pg_catalog.=) e.id
                AND d.kind OPERATOR(pg_catalog.=) ANY ('{enquiry_conclusion,enquiry_feedback}'::text[])))
    ) dl ON true
    CROSS JOIN LATERAL (VALUES
        ('decision', 1, x.received_at, cd.decided_at, dl.decision),
        ('allocation', 2, e.decided_at, e.allocated_at, NULL::boolean),
        ('conclusion', 3, e.decided_at, e.concluded_at, dl.conclusion),
        ('feedback', 4, e.concluded_at, e.feedback_at, dl.feedback)
    ) AS s(stage, stage_order, started_at, reached_at, in_time)
    WHERE s.reached_at IS NOT NULL
)
SELECT s.month, s.la_id, s.local_authority, s.team, s.source, s.stage, s.stage_order,
       pg_catalog.count(*) AS measured,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY s.working_days::double precision)::numeric
           AS median_working_days,
       pg_catalog.count(*) FILTER (WHERE s.in_time) AS in_time,
       pg_catalog.count(*) FILTER (WHERE NOT s.in_time) AS out_of_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE s.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(s.in_time), 0), 1) AS in_time_pct
FROM stages s
GROUP BY s.month, s.la_id, s.local_authority, s.team, s.source, s.stage, s.stage_order;
COMMENT ON VIEW safeguard.report_council_indicators IS 'The council pathway''s core indicators by month received, local authority, team and source: for each of its own stages (decision: concern received to the authority''s decision; allocation: decision to allocation to a named worker; conclusion: decision to the enquiry''s conclusion; feedback: conclusion to feedback to the referrer) how many reached it, the median working days the stage took, and how many were in and out of time against the deadline policy in force then. Counts only.';
COMMENT ON COLUMN safeguard.report_council_indicators.month IS 'Month the concerns were received (first day, Europe/London).';
COMMENT ON COLUMN safeguard.report_council_indicators.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_council_indicators.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_council_indicators.team IS 'Team of the grant under which the concern was decided (No team recorded when none).';
COMMENT ON COLUMN safeguard.report_council_indicators.source IS 'Who raised the concerns (e.g. ambulance service, police, a care provider).';
COMMENT ON COLUMN safeguard.report_council_indicators.stage IS 'decision, allocation, conclusion or feedback.';
COMMENT ON COLUMN safeguard.report_council_indicators.stage_order IS 'Order of the stage, 1 to 4.';
COMMENT ON COLUMN safeguard.report_council_indicators.measured IS 'Concerns (decision) or enquiries (the other stages) that reached the stage.';
COMMENT ON COLUMN safeguard.report_council_indicators.median_working_days IS 'Median working days the stage took: from receipt (decision), from the decision (allocation, conclusion), from the conclusion (feedback). Allocation is the enquiry''s latest (re)allocation.';
COMMENT ON COLUMN safeguard.report_council_indicators.in_time IS 'Reached within the stage''s deadline: the concern''s triage deadline (decision), enquiry_conclusion (with an approved extension), enquiry_feedback.';
COMMENT ON COLUMN safeguard.report_council_indicators.out_of_time IS 'Reached after the stage''s deadline.';
COMMENT ON COLUMN safeguard.report_council_indicators.in_time_pct IS 'Percentage in time of those with a timescale (one decimal); NULL when none has one (allocation has no timescale in the shipped policies).';
REVOKE ALL ON safeguard.report_council_indicators FROM PUBLIC;
GRANT SELECT ON safeguard.report_council_indicators TO safeguard_reader, safeguard_admin,
    safeguard_la_officer, safeguard_sam;

-- The data dictionary: every column the caller may read, with its description.  BI tools
-- show column descriptions from the driver's catalogue calls; psqlODBC returns none (its
-- SQLColumns and SQLTables answer REMARKS with an empty string, whatever the database
-- holds), so a Power BI or Excel user reads them here instead.  It lists only what the
-- caller may SELECT (a table of which it may read some columns only: those columns), and
-- reads nothing but the system catalogues, which every role can read anyway.
CREATE VIEW safeguard.data_dictionary AS
SELECT c.relnamespace::pg_catalog.regnamespace::pg_catalog.text AS schema_name,
       c.relname::pg_catalog.text AS relation_name,
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS relation_kind,
       pg_catalog.obj_description(c.oid, 'pg_class') AS relation_description,
       pg_catalog.has_table_privilege(c.oid, 'SELECT') AS relation_readable,
       a.attnum::integer AS column_position,
       a.attname::pg_catalog.text AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       pg_catalog.col_description(c.oid, a.attnum::integer) AS column_description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
WHERE c.relnamespace::pg_catalog.regnamespace::pg_catalog.text OPERATOR(pg_catalog.=) ANY ('{safeguard,safeguard_reporting}'::pg_catalog.text[])
  AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m}'::"char"[])
  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
  AND pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT');
COMMENT ON VIEW safeguard.data_dictionary IS 'Every table and view column in schemas safeguard and safeguard_reporting that the current role may read, with its description: for BI tools whose driver shows no descriptions (psqlODBC).';
COMMENT ON COLUMN safeguard.data_dictionary.schema_name IS 'safeguard, or safeguard_reporting (the reader''s relations again, for BI tools).';
COMMENT ON COLUMN safeguard.data_dictionary.relation_name IS 'Table or view name.';
COMMENT ON COLUMN safeguard.data_dictionary.relation_kind IS 'table, view or materialized view.';
COMMENT ON COLUMN safeguard.data_dictionary.relation_description IS 'What the table or view holds.';
COMMENT ON COLUMN safeguard.data_dictionary.relation_readable IS 'True when the role may read every column (SELECT * works, and an ODBC tool set to list accessible tables only offers it); false when it may read only the columns listed here (e.g. a reader''s non-identifying columns of casework tables).';
COMMENT ON COLUMN safeguard.data_dictionary.column_position IS 'Column number, from 1, in the relation''s order.';
COMMENT ON COLUMN safeguard.data_dictionary.column_name IS 'Column name.';
COMMENT ON COLUMN safeguard.data_dictionary.data_type IS 'Column type, as SQL writes it.';
COMMENT ON COLUMN safeguard.data_dictionary.column_description IS 'What the column holds.';
REVOKE ALL ON safeguard.data_dictionary FROM PUBLIC;
GRANT SELECT ON safeguard.data_dictionary TO PUBLIC;

--------------------------------------------------------------------------
-- 8b. Assurance: case-file audits and Safeguarding Adults Reviews (issue 17)
-- How anyone knows the work is good, not only done: case-file audit
-- programmes with a recorded random draw, graded audits, acknowledgement and
-- actions; Safeguarding Adults Reviews with the board's decision, the review
-- and the SG5 counts.  Rules in C (case_file_audit.c, sar.c, assurance.c).
--------------------------------------------------------------------------

-- Case-file audit programmes (docs/assurance.md): an organisation's SAM or
-- DSAM (a local authority's; the regulator's administrator for referrals)
-- defines a versioned audit tool of graded questions and a programme over a
-- kind of record (referral, provider_enquiry; the council's own enquiries
-- join as a further kind); each month's sample is drawn at random but
-- reproducibly (seed, candidates, auditors and conflicts recorded in
-- audit_selection, verify_audit_selection() derives it again); an auditor
-- never audits work they acted on; the practitioner acknowledges the
-- findings; actions have owners and deadlines on the policies' ladders.
-- Every rule is in C (case_file_audit.c, assurance.c); each organisation
-- sees only its own audits.
CREATE TYPE safeguard.audit_record_kind AS ENUM ('referral', 'provider_enquiry', 'la_enquiry');
COMMENT ON TYPE safeguard.audit_record_kind IS 'The kinds of record a case-file audit programme samples: the regulator''s referrals, provider enquiries, and a council''s own enquiries (la_enquiry).';

CREATE TYPE safeguard.audit_grade AS ENUM ('outstanding', 'good', 'requires_improvement', 'inadequate');
COMMENT ON TYPE safeguard.audit_grade IS 'The grade an auditor gives each question of a case-file audit.';

CREATE TYPE safeguard.case_file_audit_state AS ENUM ('assigned', 'completed', 'acknowledged');
COMMENT ON TYPE safeguard.case_file_audit_state IS 'A case-file audit is assigned to an auditor, completed by the auditor, acknowledged by the practitioner.';

CREATE TYPE safeguard.audit_action_status AS ENUM ('open', 'done');
COMMENT ON TYPE safeguard.audit_action_status IS 'An audit action is open until its owner records it done.';

CREATE FUNCTION safeguard.assurance_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_assurance_guard';
COMMENT ON FUNCTION safeguard.assurance_guard() IS 'Trigger: who may define audit tools and programmes, grade, complete, acknowledge and act on case-file audits, and with what (src/case_file_audit.c).';
REVOKE ALL ON FUNCTION safeguard.assurance_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.assurance_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_assurance_after';
COMMENT ON FUNCTION safeguard.assurance_after() IS 'Trigger: the deadlines a case-file audit''s completion and its actions open and close.';
REVOKE ALL ON FUNCTION safeguard.assurance_after() FROM PUBLIC;

CREATE TABLE safeguard.audit_tool (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    name            text NOT NULL,
    version         integer NOT NULL,
    created_by      regrole,
    created_at      timestamptz,
    UNIQUE (organisation_id, name, version)
);
COMMENT ON TABLE safeguard.audit_tool IS 'A version of a case-file audit tool: a list of questions, each graded. A version is frozen once a programme uses it; a changed tool is a new version of the same name.';
COMMENT ON COLUMN safeguard.audit_tool.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_tool.organisation_id IS 'The organisation whose tool it is (recorded by safeguard: the author''s).';
COMMENT ON COLUMN safeguard.audit_tool.name IS 'The tool''s name.';
COMMENT ON COLUMN safeguard.audit_tool.version IS 'Version of that name, from 1 (numbered by safeguard).';
COMMENT ON COLUMN safeguard.audit_tool.created_by IS 'Who defined it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_tool.created_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_tool
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_tool
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_tool
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_tool
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_tool
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_tool ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_tool FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_tool
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.audit_tool FROM PUBLIC;
GRANT SELECT ON safeguard.audit_tool TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
GRANT INSERT ON safeguard.audit_tool TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_tool', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_tool_id_seq', '');

CREATE TABLE safeguard.audit_question (
    tool_id   bigint NOT NULL REFERENCES safeguard.audit_tool,
    position  integer NOT NULL,
    question  text NOT NULL,
    guidance  text,
    PRIMARY KEY (tool_id, position)
);
COMMENT ON TABLE safeguard.audit_question IS 'The questions of an audit tool version, in order; each is graded outstanding, good, requires improvement or inadequate, with a note.';
COMMENT ON COLUMN safeguard.audit_question.tool_id IS 'The tool version.';
COMMENT ON COLUMN safeguard.audit_question.position IS 'The question''s number in the tool, from 1 (numbered by safeguard).';
COMMENT ON COLUMN safeguard.audit_question.question IS 'The question the auditor grades (e.g. Was the decision made in time and its rationale recorded?).';
COMMENT ON COLUMN safeguard.audit_question.guidance IS 'What each grade looks like, for the auditor.';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_question
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_question
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_question
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('tool_id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_question
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_question ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_question FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_question USING (EXISTS (
    SELECT 1 FROM safeguard.audit_tool t WHERE t.id OPERATOR(pg_catalog.=) tool_id));
REVOKE ALL ON safeguard.audit_question FROM PUBLIC;
GRANT SELECT ON safeguard.audit_question TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
GRANT INSERT ON safeguard.audit_question TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_question', '');

CREATE TABLE safeguard.audit_programme (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id       bigint NOT NULL REFERENCES safeguard.organisation,
    name                  text NOT NULL,
    record_kind           safeguard.audit_record_kind NOT NULL,
    tool_id               bigint NOT NULL REFERENCES safeguard.audit_tool,
    per_auditor_per_month integer NOT NULL,
    per_team_per_month    integer,
    sample_from           date NOT NULL,
    sample_to             date NOT NULL,
    auditors              regrole[] NOT NULL,
    created_by            regrole,
    created_at            timestamptz
);
COMMENT ON TABLE safeguard.audit_programme IS 'An agreed programme of case-file audits: which records, from which period, how many per auditor (and, optionally, per team) per month, by whom, with which tool version.';
COMMENT ON COLUMN safeguard.audit_programme.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_programme.organisation_id IS 'The organisation whose programme it is (recorded by safeguard): a local authority, or the regulator for referrals.';
COMMENT ON COLUMN safeguard.audit_programme.name IS 'The programme''s name.';
COMMENT ON COLUMN safeguard.audit_programme.record_kind IS 'The kind of record audited: referral, provider_enquiry or la_enquiry.';
COMMENT ON COLUMN safeguard.audit_programme.tool_id IS 'The audit tool version (with at least one question; frozen once used).';
COMMENT ON COLUMN safeguard.audit_programme.per_auditor_per_month IS 'How many records each auditor audits in a month (1 to 100).';
COMMENT ON COLUMN safeguard.audit_programme.per_team_per_month IS 'How many records of each team''s work are audited in a month (1 to 100; the team of the practitioner whose work the record is); NULL: no quota per team.';
COMMENT ON COLUMN safeguard.audit_programme.sample_from IS 'First day of the period the records are sampled from (by when they reached the organisation: a referral''s sending, an enquiry''s proposal), in the organisation''s time zone.';
COMMENT ON COLUMN safeguard.audit_programme.sample_to IS 'Last day of that period.';
COMMENT ON COLUMN safeguard.audit_programme.auditors IS 'The auditors, in the order the draw serves them: roles holding the la_officer, sam or admin duty for the authority (inspector or admin for the regulator).';
COMMENT ON COLUMN safeguard.audit_programme.created_by IS 'Who defined it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_programme.created_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_programme
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_programme
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_programme
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_programme
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_programme
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_programme ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_programme FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_programme
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.audit_programme FROM PUBLIC;
GRANT SELECT ON safeguard.audit_programme TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
GRANT INSERT ON safeguard.audit_programme TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_programme', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_programme_id_seq', '');

CREATE TABLE safeguard.audit_selection (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id      bigint NOT NULL REFERENCES safeguard.audit_programme,
    organisation_id   bigint NOT NULL REFERENCES safeguard.organisation,
    month             date NOT NULL,
    seed              bigint NOT NULL,
    candidates        bigint[] NOT NULL,
    auditors          regrole[] NOT NULL,
    conflict_records  bigint[] NOT NULL,
    conflict_auditors regrole[] NOT NULL,
    selected_by       regrole NOT NULL,
    selected_at       timestamptz NOT NULL,
    candidate_teams   text[] NOT NULL,
    UNIQUE (programme_id, month)
);
COMMENT ON TABLE safeguard.audit_selection IS 'A month''s random draw of a programme, with everything it was drawn from, so that the choice can be derived again (verify_audit_selection) and nobody can pick easy cases. Written only by safeguard.';
COMMENT ON COLUMN safeguard.audit_selection.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_selection.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.audit_selection.organisation_id IS 'The programme''s organisation.';
COMMENT ON COLUMN safeguard.audit_selection.month IS 'The month the audits are for (its first day); drawn once.';
COMMENT ON COLUMN safeguard.audit_selection.seed IS 'The seed of the draw (given, or drawn from a strong random source).';
COMMENT ON COLUMN safeguard.audit_selection.candidates IS 'The ids of every record the draw could take: of the programme''s kind and organisation, in its period, not audited by it before.';
COMMENT ON COLUMN safeguard.audit_selection.auditors IS 'The programme''s auditors at the draw, in order.';
COMMENT ON COLUMN safeguard.audit_selection.conflict_records IS 'With conflict_auditors: the pairs the draw avoided (the auditor acted on the record).';
COMMENT ON COLUMN safeguard.audit_selection.conflict_auditors IS 'The auditor of each pair in conflict_records.';
COMMENT ON COLUMN safeguard.audit_selection.selected_by IS 'Who drew it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_selection.selected_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_selection.candidate_teams IS 'The team of each candidate''s practitioner at the draw, in the order of candidates (NULL: none recorded): what a quota per team was drawn from.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_selection
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_selection
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_selection
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_selection
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_selection
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_selection ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_selection FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_selection
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.audit_selection FROM PUBLIC;
GRANT SELECT ON safeguard.audit_selection TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_selection', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_selection_id_seq', '');

CREATE TABLE safeguard.case_file_audit (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    selection_id         bigint NOT NULL REFERENCES safeguard.audit_selection,
    programme_id         bigint NOT NULL REFERENCES safeguard.audit_programme,
    organisation_id      bigint NOT NULL REFERENCES safeguard.organisation,
    record_kind          safeguard.audit_record_kind NOT NULL,
    record_id            bigint NOT NULL,
    drawn_for            regrole NOT NULL,
    auditor              regrole NOT NULL,
    practitioner         regrole,
    practitioner_team    text,
    draw_position        integer NOT NULL,
    state                safeguard.case_file_audit_state NOT NULL DEFAULT 'assigned',
    summary              text,
    completed_at         timestamptz,
    practitioner_comment text,
    acknowledged_at      timestamptz
);
CREATE INDEX case_file_audit_selection ON safeguard.case_file_audit (selection_id);
CREATE INDEX case_file_audit_record ON safeguard.case_file_audit (programme_id, record_id);
COMMENT ON TABLE safeguard.case_file_audit IS 'One record drawn for one auditor: graded question by question (audit_answer), completed by the auditor, acknowledged by the practitioner whose work it is. Created only by a selection; never deleted.';
COMMENT ON COLUMN safeguard.case_file_audit.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.case_file_audit.selection_id IS 'The draw that chose it.';
COMMENT ON COLUMN safeguard.case_file_audit.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.case_file_audit.organisation_id IS 'The programme''s organisation.';
COMMENT ON COLUMN safeguard.case_file_audit.record_kind IS 'The kind of record audited.';
COMMENT ON COLUMN safeguard.case_file_audit.record_id IS 'The record audited (a referral''s or provider enquiry''s id).';
COMMENT ON COLUMN safeguard.case_file_audit.drawn_for IS 'The auditor the draw gave it to (kept when reassigned: the draw is verified against it).';
COMMENT ON COLUMN safeguard.case_file_audit.auditor IS 'The auditor now (the SAM may reassign it while assigned); never one who acted on the record.';
COMMENT ON COLUMN safeguard.case_file_audit.practitioner IS 'Whose work was audited (a referral: the allocated worker, else who decided, else who acknowledged; for the regulator, who triaged; a provider enquiry: who decided to invoke it, else who proposed it), who acknowledges the findings.';
COMMENT ON COLUMN safeguard.case_file_audit.practitioner_team IS 'The practitioner''s team at the draw (duty_grant.team), for grades by team.';
COMMENT ON COLUMN safeguard.case_file_audit.draw_position IS 'The record''s place in the draw''s shuffled order.';
COMMENT ON COLUMN safeguard.case_file_audit.state IS 'assigned, completed or acknowledged.';
COMMENT ON COLUMN safeguard.case_file_audit.summary IS 'The auditor''s summary of the findings, for the practitioner (required to complete).';
COMMENT ON COLUMN safeguard.case_file_audit.completed_at IS 'When the auditor completed it (recorded by safeguard); the practitioner''s acknowledgement is then due.';
COMMENT ON COLUMN safeguard.case_file_audit.practitioner_comment IS 'The practitioner''s response to the findings.';
COMMENT ON COLUMN safeguard.case_file_audit.acknowledged_at IS 'When the practitioner acknowledged the findings (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.case_file_audit
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.case_file_audit
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_after AFTER INSERT OR UPDATE ON safeguard.case_file_audit
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_after();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.case_file_audit
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.case_file_audit
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.case_file_audit
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.case_file_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.case_file_audit FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.case_file_audit
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.case_file_audit FROM PUBLIC;
GRANT SELECT, UPDATE ON safeguard.case_file_audit TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre;
GRANT SELECT ON safeguard.case_file_audit TO safeguard_auditor;
SELECT pg_catalog.pg_extension_config_dump('safeguard.case_file_audit', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.case_file_audit_id_seq', '');

CREATE TABLE safeguard.audit_answer (
    audit_id    bigint NOT NULL REFERENCES safeguard.case_file_audit,
    position    integer NOT NULL,
    grade       safeguard.audit_grade NOT NULL,
    note        text NOT NULL,
    recorded_at timestamptz,
    PRIMARY KEY (audit_id, position)
);
COMMENT ON TABLE safeguard.audit_answer IS 'The assigned auditor''s grade and note for one question of a case-file audit, given while the audit is assigned; kept as given.';
COMMENT ON COLUMN safeguard.audit_answer.audit_id IS 'The audit.';
COMMENT ON COLUMN safeguard.audit_answer.position IS 'The question''s number in the programme''s tool.';
COMMENT ON COLUMN safeguard.audit_answer.grade IS 'outstanding, good, requires_improvement or inadequate.';
COMMENT ON COLUMN safeguard.audit_answer.note IS 'What in the record supports the grade (required).';
COMMENT ON COLUMN safeguard.audit_answer.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_answer
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_answer
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_answer
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('audit_id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_answer
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_answer ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_answer FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_answer USING (EXISTS (
    SELECT 1 FROM safeguard.case_file_audit a WHERE a.id OPERATOR(pg_catalog.=) audit_id));
REVOKE ALL ON safeguard.audit_answer FROM PUBLIC;
GRANT SELECT ON safeguard.audit_answer TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
GRANT INSERT ON safeguard.audit_answer TO safeguard_admin, safeguard_sam, safeguard_la_officer, safeguard_inspector;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_answer', '');

CREATE TABLE safeguard.audit_action (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    audit_id        bigint NOT NULL REFERENCES safeguard.case_file_audit,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    description     text NOT NULL,
    owner           regrole NOT NULL,
    working_days    integer,
    status          safeguard.audit_action_status NOT NULL DEFAULT 'open',
    created_by      regrole,
    created_at      timestamptz,
    done_note       text,
    done_by         regrole,
    done_at         timestamptz
);
CREATE INDEX audit_action_audit ON safeguard.audit_action (audit_id);
COMMENT ON TABLE safeguard.audit_action IS 'An action a completed case-file audit sets, with its owner and a deadline (kind audit_action) on the organisation''s policy and escalation ladder.';
COMMENT ON COLUMN safeguard.audit_action.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_action.audit_id IS 'The audit that set it.';
COMMENT ON COLUMN safeguard.audit_action.organisation_id IS 'The audit''s organisation (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_action.description IS 'What must be done.';
COMMENT ON COLUMN safeguard.audit_action.owner IS 'Who must do it: a role holding a duty for the organisation.';
COMMENT ON COLUMN safeguard.audit_action.working_days IS 'Its timescale in working days, within the policy''s (20 by default); NULL: the policy''s.';
COMMENT ON COLUMN safeguard.audit_action.status IS 'open or done.';
COMMENT ON COLUMN safeguard.audit_action.created_by IS 'Who set it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_action.created_at IS 'When: its deadline counts from here (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_action.done_note IS 'What was done (required when done).';
COMMENT ON COLUMN safeguard.audit_action.done_by IS 'Who recorded it done (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_action.done_at IS 'When (recorded by safeguard): its deadline is met or breached then.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_action
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_after AFTER INSERT OR UPDATE ON safeguard.audit_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_after();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'status', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_action
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_action ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_action FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_action
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.audit_action FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON safeguard.audit_action TO safeguard_admin, safeguard_sam,
    safeguard_la_officer, safeguard_inspector, safeguard_contact_centre;
GRANT SELECT ON safeguard.audit_action TO safeguard_auditor;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_action', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_action_id_seq', '');

-- The workflow of a programme, as functions running with the caller's rights
-- (the guards see the real actor; row-level security decides what it sees).
CREATE FUNCTION safeguard.define_audit_tool(name text, questions text[])
RETURNS bigint LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tool bigint;
BEGIN
    PERFORM safeguard.require_duty('define_audit_tool');
    INSERT INTO safeguard.audit_tool (name) VALUES (define_audit_tool.name) RETURNING id INTO tool;
    INSERT INTO safeguard.audit_question (tool_id, question)
    SELECT tool, q.question FROM pg_catalog.unnest(define_audit_tool.questions) WITH ORDINALITY AS q (question, n)
    ORDER BY q.n;
    RETURN tool;
END
$$;
COMMENT ON FUNCTION safeguard.define_audit_tool(text, text[]) IS 'Defines the next version of a named case-file audit tool for the caller''s organisation with its questions, in order (SAM or DSAM; the regulator''s administrator); returns the tool id. A programme refuses a tool without questions (SG901).';

CREATE FUNCTION safeguard.define_audit_programme(name text, record_kind safeguard.audit_record_kind,
    tool_id bigint, per_auditor_per_month integer, sample_from date, sample_to date, auditors regrole[],
    per_team_per_month integer DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('define_audit_programme');
    INSERT INTO safeguard.audit_programme (name, record_kind, tool_id, per_auditor_per_month,
                                           sample_from, sample_to, auditors, per_team_per_month)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.define_audit_programme(text, safeguard.audit_record_kind, bigint, integer, date, date, regrole[], integer) IS 'Defines a case-file audit programme of the caller''s organisation: the kind of record, the tool version, how many per auditor per month, the period sampled, the auditors and, optionally, how many of each team''s work per month; returns its id.';

CREATE FUNCTION safeguard.select_audit_sample(programme_id bigint, month date, seed bigint DEFAULT NULL)
RETURNS bigint LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_select_audit_sample';
COMMENT ON FUNCTION safeguard.select_audit_sample(bigint, date, bigint) IS 'Draws a month''s case-file audits of a programme at random but reproducibly (the seed is drawn when none is given), never giving an auditor a record they acted on; records the seed, candidates, auditors and conflicts (audit_selection) and creates the audits; returns the selection id. SG903 when the period has nothing left to sample, SG907 when the month is drawn already.';
REVOKE ALL ON FUNCTION safeguard.select_audit_sample(bigint, date, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.select_audit_sample(bigint, date, bigint) TO safeguard_admin, safeguard_sam;

CREATE FUNCTION safeguard.verify_audit_selection(selection_id bigint)
RETURNS boolean LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_audit_selection';
COMMENT ON FUNCTION safeguard.verify_audit_selection(bigint) IS 'Derives a selection''s draw again from what it recorded (seed, candidates, auditors, conflicts) and returns true when the audits it created are exactly that draw (same records, auditors drawn for, order).';
REVOKE ALL ON FUNCTION safeguard.verify_audit_selection(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_audit_selection(bigint) TO safeguard_admin, safeguard_sam,
    safeguard_la_officer, safeguard_inspector, safeguard_contact_centre, safeguard_auditor;

CREATE FUNCTION safeguard.grade_audit_question(audit_id bigint, question integer,
    grade safeguard.audit_grade, note text)
RETURNS void LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('audit_case_file');
    INSERT INTO safeguard.audit_answer (audit_id, position, grade, note) VALUES ($1, $2, $3, $4);
$$;
COMMENT ON FUNCTION safeguard.grade_audit_question(bigint, integer, safeguard.audit_grade, text) IS 'The assigned auditor grades one question of a case-file audit with a note (SG904 if they acted on the record).';

CREATE FUNCTION safeguard.case_file_audit_set(audit_id bigint, state safeguard.case_file_audit_state,
    summary text DEFAULT NULL, practitioner_comment text DEFAULT NULL, auditor regrole DEFAULT NULL)
RETURNS safeguard.case_file_audit_state LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.case_file_audit_state;
BEGIN
    UPDATE safeguard.case_file_audit a
       SET state = case_file_audit_set.state,
           summary = coalesce(case_file_audit_set.summary, a.summary),
           practitioner_comment = coalesce(case_file_audit_set.practitioner_comment, a.practitioner_comment),
           auditor = coalesce(case_file_audit_set.auditor, a.auditor)
     WHERE a.id OPERATOR(pg_catalog.=) case_file_audit_set.audit_id
    RETURNING a.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'case-file audit % does not exist or is not visible to you', case_file_audit_set.audit_id
            USING ERRCODE = 'SG208', HINT = 'Audits are seen by the organisation whose programme they belong to.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.case_file_audit_set(bigint, safeguard.case_file_audit_state, text, text, regrole) IS 'Moves a case-file audit (the guard decides who may, and what): used by complete_case_file_audit, acknowledge_case_file_audit and reassign_case_file_audit.';

CREATE FUNCTION safeguard.complete_case_file_audit(audit_id bigint, summary text)
RETURNS safeguard.case_file_audit_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.require_duty('audit_case_file');
      SELECT safeguard.case_file_audit_set($1, 'completed', summary => $2) $$;
COMMENT ON FUNCTION safeguard.complete_case_file_audit(bigint, text) IS 'The assigned auditor completes a case-file audit with a summary once every question is graded (SG905); the practitioner''s acknowledgement is then due (deadline audit_acknowledgement).';

CREATE FUNCTION safeguard.acknowledge_case_file_audit(audit_id bigint, comment text DEFAULT NULL)
RETURNS safeguard.case_file_audit_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.case_file_audit_set($1, 'acknowledged', practitioner_comment => $2) $$;
COMMENT ON FUNCTION safeguard.acknowledge_case_file_audit(bigint, text) IS 'The practitioner whose work was audited acknowledges the findings, with a comment if they wish.';

CREATE FUNCTION safeguard.reassign_case_file_audit(audit_id bigint, auditor regrole)
RETURNS safeguard.case_file_audit_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.require_duty('reassign_case_file_audit');
      SELECT safeguard.case_file_audit_set($1, 'assigned', auditor => $2) $$;
COMMENT ON FUNCTION safeguard.reassign_case_file_audit(bigint, regrole) IS 'The SAM or DSAM gives an assigned audit to another auditor of the organisation (never one who acted on the record: SG904).';

CREATE FUNCTION safeguard.add_audit_action(audit_id bigint, description text, owner regrole,
    working_days integer DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('audit_case_file');
    INSERT INTO safeguard.audit_action (audit_id, description, owner, working_days)
    VALUES ($1, $2, $3, $4) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.add_audit_action(bigint, text, regrole, integer) IS 'Sets an action from a completed audit (its auditor, the SAM or DSAM), with an owner of the organisation and a deadline on the policy''s ladder (audit_action: 20 working days by default, or fewer).';

CREATE FUNCTION safeguard.complete_audit_action(action_id bigint, note text)
RETURNS safeguard.audit_action_status LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.audit_action_status;
BEGIN
    UPDATE safeguard.audit_action x SET status = 'done', done_note = complete_audit_action.note
     WHERE x.id OPERATOR(pg_catalog.=) complete_audit_action.action_id
    RETURNING x.status INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'audit action % does not exist or is not visible to you', complete_audit_action.action_id
            USING ERRCODE = 'SG208', HINT = 'Audit actions are seen by the organisation whose audit set them.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.complete_audit_action(bigint, text) IS 'Records an audit action done, with what was done (its owner, the auditor, the SAM or DSAM); its deadline is met or breached.';

-- Reports of a programme, under the caller's row-level security.
CREATE VIEW safeguard.case_file_audit_coverage WITH (security_invoker = true) AS
SELECT p.id AS programme_id, p.organisation_id, p.record_kind, s.id AS selection_id, s.month,
       l.planned,
       pg_catalog.cardinality(s.candidates)::bigint AS candidates,
       pg_catalog.count(a.id) AS selected,
       pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.<>) 'assigned') AS completed,
       pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.=) 'acknowledged') AS acknowledged,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.<>) 'assigned')
             OPERATOR(pg_catalog./) l.planned, 1) AS coverage_percent
FROM safeguard.audit_programme p
JOIN safeguard.audit_selection s ON s.programme_id OPERATOR(pg_catalog.=) p.id
CROSS JOIN LATERAL (
    SELECT least(pg_catalog.cardinality(s.auditors) OPERATOR(pg_catalog.*) p.per_auditor_per_month,
                            (SELECT pg_catalog.count(DISTINCT coalesce(t, ''))
                             FROM pg_catalog.unnest(s.candidate_teams) AS t) OPERATOR(pg_catalog.*) p.per_team_per_month)::bigint
) AS l (planned)
LEFT JOIN safeguard.case_file_audit a ON a.selection_id OPERATOR(pg_catalog.=) s.id
GROUP BY p.id, s.id, l.planned;
COMMENT ON VIEW safeguard.case_file_audit_coverage IS 'Coverage of each programme''s months against the programme: audits planned (auditors x per month), drawn, completed and acknowledged.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.organisation_id IS 'Its organisation.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.record_kind IS 'The kind of record it audits.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.selection_id IS 'The month''s draw.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.month IS 'The month (its first day).';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.planned IS 'Audits the programme plans for the month: auditors x per_auditor_per_month, or, with a quota per team, at most the teams among the candidates x per_team_per_month.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.candidates IS 'Records the draw could take.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.selected IS 'Audits drawn (fewer than planned when the candidates ran out).';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.completed IS 'Audits completed (acknowledged ones included).';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.acknowledged IS 'Audits the practitioner acknowledged.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.coverage_percent IS 'Completed as a percentage of planned.';
REVOKE ALL ON safeguard.case_file_audit_coverage FROM PUBLIC;
GRANT SELECT ON safeguard.case_file_audit_coverage TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;

CREATE VIEW safeguard.case_file_audit_grades WITH (security_invoker = true) AS
SELECT a.programme_id, a.organisation_id, q.position AS question_position, q.question,
       coalesce(a.practitioner_team, 'No team recorded') AS team, s.month, x.grade,
       pg_catalog.count(*) AS answers
FROM safeguard.audit_answer x
JOIN safeguard.case_file_audit a ON a.id OPERATOR(pg_catalog.=) x.audit_id
JOIN safeguard.audit_selection s ON s.id OPERATOR(pg_catalog.=) a.selection_id
JOIN safeguard.audit_programme p ON p.id OPERATOR(pg_catalog.=) a.programme_id
JOIN safeguard.audit_question q ON q.tool_id OPERATOR(pg_catalog.=) p.tool_id AND q.position OPERATOR(pg_catalog.=) x.position
WHERE a.state OPERATOR(pg_catalog.<>) 'assigned'
GROUP BY a.programme_id, a.organisation_id, q.position, q.question, a.practitioner_team, s.month, x.grade;
COMMENT ON VIEW safeguard.case_file_audit_grades IS 'Grades of completed case-file audits by programme, question, the practitioner''s team and month.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.organisation_id IS 'Its organisation.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.question_position IS 'The question''s number in the tool.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.question IS 'The question.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.team IS 'The practitioner''s team at the draw (No team recorded when none).';
COMMENT ON COLUMN safeguard.case_file_audit_grades.month IS 'The month of the draw.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.grade IS 'The grade.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.answers IS 'How many answers gave it.';
REVOKE ALL ON safeguard.case_file_audit_grades FROM PUBLIC;
GRANT SELECT ON safeguard.case_file_audit_grades TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;

CREATE VIEW safeguard.case_file_audit_actions_open WITH (security_invoker = true) AS
SELECT x.id AS action_id, x.audit_id, a.programme_id, x.organisation_id, a.record_kind, a.record_id,
       x.description, x.owner, x.created_at, d.id AS deadline_id, d.due_at,
       coalesce(d.overdue, false) AS overdue
FROM safeguard.audit_action x
JOIN safeguard.case_file_audit a ON a.id OPERATOR(pg_catalog.=) x.audit_id
LEFT JOIN safeguard.open_deadlines d ON d.subject_table OPERATOR(pg_catalog.=) 'audit_action'
                                    AND d.subject_id OPERATOR(pg_catalog.=) x.id
WHERE x.status OPERATOR(pg_catalog.=) 'open';
COMMENT ON VIEW safeguard.case_file_audit_actions_open IS 'Open actions from case-file audits, with their owners and when each is due.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.action_id IS 'The action.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.audit_id IS 'The audit that set it.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.programme_id IS 'The audit''s programme.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.organisation_id IS 'The organisation.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.record_kind IS 'The kind of record audited.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.record_id IS 'The record audited.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.description IS 'What must be done.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.owner IS 'Who must do it.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.created_at IS 'When it was set.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.deadline_id IS 'Its deadline (kind audit_action).';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.due_at IS 'When it is due (empty while paused).';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.overdue IS 'True once due and not done.';
REVOKE ALL ON safeguard.case_file_audit_actions_open FROM PUBLIC;
GRANT SELECT ON safeguard.case_file_audit_actions_open TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;

-- The case-tracking pack (issue 17 item 3): a stratified random sample of
-- an authority's enquiries (its journeys, open and closed) for inspection
-- case tracking, drawn reproducibly from a recorded seed in C
-- (tracking_pack.c, the draw in assurance.c): a random 6 and a reserve of
-- 4, one group at a time (autism, learning disability, mental health,
-- older people, other adults; each open or closed, as the concern records
-- them), with the seed and every candidate kept so that the draw can be
-- derived again.  tracking_pack_journeys() gives each case's journey.
CREATE TABLE safeguard.tracking_pack (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id            bigint NOT NULL REFERENCES safeguard.organisation,
    period_from      date NOT NULL,
    period_to        date NOT NULL,
    seed             bigint NOT NULL,
    candidates       bigint[] NOT NULL,
    candidate_strata text[] NOT NULL,
    drawn_by         regrole NOT NULL,
    drawn_duty       safeguard.duty NOT NULL,
    drawn_at         timestamptz NOT NULL
);
COMMENT ON TABLE safeguard.tracking_pack IS 'A case-tracking pack''s draw: the enquiries of one local authority decided in a period, sampled by group (stratum) at random but reproducibly, with the seed and every candidate kept (verify_tracking_pack derives the draw again). Written only by safeguard (draw_tracking_pack); seen by the authority''s own staff.';
COMMENT ON COLUMN safeguard.tracking_pack.id IS 'Pack number.';
COMMENT ON COLUMN safeguard.tracking_pack.la_id IS 'The local authority whose journeys were drawn.';
COMMENT ON COLUMN safeguard.tracking_pack.period_from IS 'First day of the period (enquiries decided from it, local time).';
COMMENT ON COLUMN safeguard.tracking_pack.period_to IS 'Last day of the period.';
COMMENT ON COLUMN safeguard.tracking_pack.seed IS 'The seed of the draw (given, or drawn from a strong random source).';
COMMENT ON COLUMN safeguard.tracking_pack.candidates IS 'Every enquiry the draw could take, in id order.';
COMMENT ON COLUMN safeguard.tracking_pack.candidate_strata IS 'The stratum of each candidate, in the same order: its group (autism, learning disability, mental health, older people, other adults) and whether it was open or closed at the draw.';
COMMENT ON COLUMN safeguard.tracking_pack.drawn_by IS 'Who drew it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.tracking_pack.drawn_duty IS 'The duty they drew it under: sam or admin (recorded by safeguard).';
COMMENT ON COLUMN safeguard.tracking_pack.drawn_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.tracking_pack
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.tracking_pack
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.tracking_pack
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.tracking_pack
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.tracking_pack
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.tracking_pack ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.tracking_pack FORCE ROW LEVEL SECURITY;
CREATE POLICY la_scope ON safeguard.tracking_pack
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
REVOKE ALL ON safeguard.tracking_pack FROM PUBLIC;
GRANT SELECT ON safeguard.tracking_pack TO safeguard_admin, safeguard_sam, safeguard_la_officer;
SELECT pg_catalog.pg_extension_config_dump('safeguard.tracking_pack', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.tracking_pack_id_seq', '');

CREATE TABLE safeguard.tracking_pack_case (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pack_id    bigint NOT NULL REFERENCES safeguard.tracking_pack,
    position   integer NOT NULL,
    enquiry_id bigint NOT NULL REFERENCES safeguard.la_enquiry,
    la_id      bigint NOT NULL REFERENCES safeguard.organisation,
    stratum    text NOT NULL,
    reserve    boolean NOT NULL,
    UNIQUE (pack_id, position),
    UNIQUE (pack_id, enquiry_id)
);
COMMENT ON TABLE safeguard.tracking_pack_case IS 'The journeys a case-tracking pack drew, in draw order: positions 1 to 6 the sample, 7 to 10 the reserve. Written only by safeguard.';
COMMENT ON COLUMN safeguard.tracking_pack_case.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.tracking_pack_case.pack_id IS 'The pack.';
COMMENT ON COLUMN safeguard.tracking_pack_case.position IS 'Position in the draw, from 1.';
COMMENT ON COLUMN safeguard.tracking_pack_case.enquiry_id IS 'The enquiry (the journey) drawn.';
COMMENT ON COLUMN safeguard.tracking_pack_case.la_id IS 'Its local authority.';
COMMENT ON COLUMN safeguard.tracking_pack_case.stratum IS 'The stratum it was drawn from.';
COMMENT ON COLUMN safeguard.tracking_pack_case.reserve IS 'False for the random six, true for the reserve of four.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.tracking_pack_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.tracking_pack_case
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.tracking_pack_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.tracking_pack_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.tracking_pack_case
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.tracking_pack_case ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.tracking_pack_case FORCE ROW LEVEL SECURITY;
CREATE POLICY la_scope ON safeguard.tracking_pack_case
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
REVOKE ALL ON safeguard.tracking_pack_case FROM PUBLIC;
GRANT SELECT ON safeguard.tracking_pack_case TO safeguard_admin, safeguard_sam, safeguard_la_officer;
SELECT pg_catalog.pg_extension_config_dump('safeguard.tracking_pack_case', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.tracking_pack_case_id_seq', '');

CREATE FUNCTION safeguard.draw_tracking_pack(la_id bigint, period_from date, period_to date, seed bigint DEFAULT NULL)
RETURNS bigint LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_draw_tracking_pack';
COMMENT ON FUNCTION safeguard.draw_tracking_pack(bigint, date, date, bigint) IS 'Draws a case-tracking pack of a local authority (its SAM or DSAM): from the enquiries decided in the period, open and closed, a random 6 and a reserve of 4, one stratum (group, open or closed) at a time, reproducibly from the seed (drawn when none is given); records the seed, candidates and who drew it (tracking_pack, tracking_pack_case) and returns the pack''s id. SG913 when the period has no enquiry, SG914 for a period that ends before it starts, 42501 for any other role or authority.';
REVOKE ALL ON FUNCTION safeguard.draw_tracking_pack(bigint, date, date, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.draw_tracking_pack(bigint, date, date, bigint) TO safeguard_admin, safeguard_sam;

CREATE FUNCTION safeguard.verify_tracking_pack(pack_id bigint)
RETURNS boolean LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_tracking_pack';
COMMENT ON FUNCTION safeguard.verify_tracking_pack(bigint) IS 'Derives a case-tracking pack''s draw again from what it recorded (seed, candidates, strata) and returns true when its cases are exactly that draw, in order. SG208 for a pack of another authority.';
REVOKE ALL ON FUNCTION safeguard.verify_tracking_pack(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_tracking_pack(bigint) TO safeguard_admin, safeguard_sam, safeguard_la_officer;

CREATE FUNCTION safeguard.tracking_pack_journeys(pack_id bigint, with_names boolean DEFAULT false)
RETURNS TABLE (
    "position" integer, reserve boolean, stratum text, enquiry_id bigint, case_id bigint,
    step_order integer, step text, at timestamptz, who text, due_at timestamptz, in_time boolean,
    decision text, rationale text, detail text)
LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_tracking_pack_journeys';
COMMENT ON FUNCTION safeguard.tracking_pack_journeys(bigint, boolean) IS 'The journey of every case of a case-tracking pack, one row per step in order (concern received, decision, allocation, strategy discussions, start with Making Safeguarding Personal, plan and reviews, conclusion, closure with feedback): when, who (duty and team; login names too only with with_names), the step''s deadline and whether it was met, the decision with its rationale, and the details (MSP outcomes, capacity, advocacy, the SAC outcome). For the authority''s own staff (42501 otherwise; SG208 for a pack of another authority).';
REVOKE ALL ON FUNCTION safeguard.tracking_pack_journeys(bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.tracking_pack_journeys(bigint, boolean) TO safeguard_admin, safeguard_sam, safeguard_la_officer;

-- Safeguarding Adults Reviews (Care Act 2014 s44; docs/assurance.md): a
-- referral of a case to the local authority's Safeguarding Adults Board, the
-- board's decision with its rationale within the policy's timescale (30
-- working days by default), the commissioned review with the people it
-- concerns, its completion and its action plan (src/sar.c).  sar_sg5()
-- counts them for SAC table SG5.
CREATE TYPE safeguard.sar_state AS ENUM ('referred', 'commissioned', 'not_commissioned', 'completed');
COMMENT ON TYPE safeguard.sar_state IS 'A Safeguarding Adults Review referral: referred to the board, then commissioned (then completed) or not commissioned.';

CREATE FUNCTION safeguard.sar_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_sar_guard';
COMMENT ON FUNCTION safeguard.sar_guard() IS 'Trigger: who may refer a case for a Safeguarding Adults Review, decide, record its people and action plan and complete it, checked against the review''s state machine (src/sar.c).';
REVOKE ALL ON FUNCTION safeguard.sar_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.sar_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_sar_after';
COMMENT ON FUNCTION safeguard.sar_after() IS 'Trigger: the deadlines a review''s referral, decision and completion open and close.';
REVOKE ALL ON FUNCTION safeguard.sar_after() FROM PUBLIC;

CREATE TABLE safeguard.sar_referral (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id                    bigint NOT NULL REFERENCES safeguard.organisation,
    case_id                  bigint NOT NULL REFERENCES safeguard.safeguarding_case,
    referral_id              bigint REFERENCES safeguard.referral,
    adult_died               boolean NOT NULL DEFAULT false,
    serious_abuse_or_neglect boolean NOT NULL DEFAULT false,
    agencies_concern         boolean NOT NULL DEFAULT false,
    discretionary            boolean NOT NULL DEFAULT false,
    criteria_note            text,
    state                    safeguard.sar_state NOT NULL DEFAULT 'referred',
    referred_by              regrole,
    referred_org_id          bigint,
    referred_at              timestamptz,
    decision_rationale       text,
    reviewer                 text,
    methodology              text,
    decided_by               regrole,
    decided_org_id           bigint,
    decided_at               timestamptz,
    findings_summary         text,
    completed_by             regrole,
    completed_org_id         bigint,
    completed_at             timestamptz
);
CREATE INDEX sar_referral_case ON safeguard.sar_referral (case_id);
COMMENT ON TABLE safeguard.sar_referral IS 'A Safeguarding Adults Review (Care Act 2014 s44): the referral of a case to the Safeguarding Adults Board, the board''s decision and the commissioned review. Its states are checked in C; never deleted.';
COMMENT ON COLUMN safeguard.sar_referral.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.sar_referral.la_id IS 'The local authority whose board it goes to: the case''s (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.sar_referral.referral_id IS 'The referral of the case it concerns, if one.';
COMMENT ON COLUMN safeguard.sar_referral.adult_died IS 'Criterion: the adult died (and abuse or neglect is known or suspected).';
COMMENT ON COLUMN safeguard.sar_referral.serious_abuse_or_neglect IS 'Criterion: the adult is alive and experienced serious abuse or neglect.';
COMMENT ON COLUMN safeguard.sar_referral.agencies_concern IS 'Criterion: there is concern about how partner agencies worked together to safeguard the adult.';
COMMENT ON COLUMN safeguard.sar_referral.discretionary IS 'A discretionary review (s44(4)) where the criteria are not met; criteria_note says why.';
COMMENT ON COLUMN safeguard.sar_referral.criteria_note IS 'The referrer''s account of how the criteria are met, or why a discretionary review.';
COMMENT ON COLUMN safeguard.sar_referral.state IS 'referred, commissioned, not_commissioned or completed.';
COMMENT ON COLUMN safeguard.sar_referral.referred_by IS 'Who referred it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.referred_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.referred_at IS 'When (recorded by safeguard): the board''s decision is due within the policy''s timescale (sar_decision, 30 working days by default).';
COMMENT ON COLUMN safeguard.sar_referral.decision_rationale IS 'Why the board did or did not commission a review (required).';
COMMENT ON COLUMN safeguard.sar_referral.reviewer IS 'The independent reviewer or panel chair commissioned (required to commission).';
COMMENT ON COLUMN safeguard.sar_referral.methodology IS 'The review''s methodology (e.g. learning together, rapid review).';
COMMENT ON COLUMN safeguard.sar_referral.decided_by IS 'Who recorded the board''s decision (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.decided_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.decided_at IS 'When (recorded by safeguard); a commissioned review is due within the policy''s timescale (sar_completion).';
COMMENT ON COLUMN safeguard.sar_referral.findings_summary IS 'The review''s findings and recommendations (required to complete).';
COMMENT ON COLUMN safeguard.sar_referral.completed_by IS 'Who recorded the completion (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.completed_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.completed_at IS 'When the review completed (recorded by safeguard): SG5 counts it in that reporting year.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.sar_referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sar_referral
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.sar_referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'case_id');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sar_referral
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER sar_after AFTER INSERT OR UPDATE ON safeguard.sar_referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.sar_after();
CREATE TRIGGER sar_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.sar_referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.sar_guard();
ALTER TABLE safeguard.sar_referral ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sar_referral FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.sar_referral
    USING (la_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.sar_referral FROM PUBLIC;
GRANT SELECT ON safeguard.sar_referral TO safeguard_admin, safeguard_sam, safeguard_la_officer, safeguard_auditor;
GRANT INSERT ON safeguard.sar_referral TO safeguard_admin, safeguard_sam, safeguard_la_officer;
GRANT UPDATE ON safeguard.sar_referral TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_referral', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_referral_id_seq', '');

CREATE TABLE safeguard.sar_person (
    sar_id       bigint NOT NULL REFERENCES safeguard.sar_referral,
    person_no    integer NOT NULL,
    case_id      bigint REFERENCES safeguard.safeguarding_case,
    died         boolean NOT NULL,
    serious_harm boolean NOT NULL DEFAULT true,
    recorded_by  regrole,
    recorded_at  timestamptz,
    PRIMARY KEY (sar_id, person_no)
);
COMMENT ON TABLE safeguard.sar_person IS 'The individuals a Safeguarding Adults Review concerns (no names: a number, whether they died, their case when one), counted by SG5.';
COMMENT ON COLUMN safeguard.sar_person.sar_id IS 'The review.';
COMMENT ON COLUMN safeguard.sar_person.person_no IS 'The individual''s number in the review, from 1 (numbered by safeguard).';
COMMENT ON COLUMN safeguard.sar_person.case_id IS 'Their case in this authority, if one.';
COMMENT ON COLUMN safeguard.sar_person.died IS 'True when the individual died.';
COMMENT ON COLUMN safeguard.sar_person.serious_harm IS 'True when the individual suffered serious harm (SG5b counts these, by died or survived).';
COMMENT ON COLUMN safeguard.sar_person.recorded_by IS 'Who recorded them (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_person.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sar_person
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.sar_person
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('sar_id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sar_person
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER sar_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.sar_person
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.sar_guard();
ALTER TABLE safeguard.sar_person ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sar_person FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.sar_person USING (EXISTS (
    SELECT 1 FROM safeguard.sar_referral s WHERE s.id OPERATOR(pg_catalog.=) sar_id));
REVOKE ALL ON safeguard.sar_person FROM PUBLIC;
GRANT SELECT ON safeguard.sar_person TO safeguard_admin, safeguard_sam, safeguard_la_officer, safeguard_auditor;
GRANT INSERT ON safeguard.sar_person TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_person', '');

CREATE TABLE safeguard.sar_action (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sar_id      bigint NOT NULL REFERENCES safeguard.sar_referral,
    agency_id   bigint REFERENCES safeguard.organisation,
    description text NOT NULL,
    due_date    date,
    recorded_by regrole,
    recorded_at timestamptz
);
COMMENT ON TABLE safeguard.sar_action IS 'The action plan of a Safeguarding Adults Review: what each agency will do, by when.';
COMMENT ON COLUMN safeguard.sar_action.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.sar_action.sar_id IS 'The review.';
COMMENT ON COLUMN safeguard.sar_action.agency_id IS 'The agency that owns the action, when it is an organisation safeguard knows.';
COMMENT ON COLUMN safeguard.sar_action.description IS 'What will be done (required).';
COMMENT ON COLUMN safeguard.sar_action.due_date IS 'By when.';
COMMENT ON COLUMN safeguard.sar_action.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_action.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.sar_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sar_action
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.sar_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sar_action
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER sar_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.sar_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.sar_guard();
ALTER TABLE safeguard.sar_action ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sar_action FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.sar_action USING (EXISTS (
    SELECT 1 FROM safeguard.sar_referral s WHERE s.id OPERATOR(pg_catalog.=) sar_id));
REVOKE ALL ON safeguard.sar_action FROM PUBLIC;
GRANT SELECT ON safeguard.sar_action TO safeguard_admin, safeguard_sam, safeguard_la_officer, safeguard_auditor;
GRANT INSERT ON safeguard.sar_action TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_action', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_action_id_seq', '');

CREATE FUNCTION safeguard.refer_for_sar(case_id bigint, adult_died boolean, serious_abuse_or_neglect boolean,
    agencies_concern boolean, criteria_note text, referral_id bigint DEFAULT NULL, discretionary boolean DEFAULT false)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('refer_for_sar');
    INSERT INTO safeguard.sar_referral (case_id, adult_died, serious_abuse_or_neglect, agencies_concern,
                                        criteria_note, referral_id, discretionary)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.refer_for_sar(bigint, boolean, boolean, boolean, text, bigint, boolean) IS 'Refers a case (and optionally its referral) to the authority''s Safeguarding Adults Board for a review: the adult died or experienced serious abuse or neglect, and there is concern about how agencies worked together (SG911 otherwise, unless discretionary with its reason); the board''s decision is then due. Returns the review id.';

CREATE FUNCTION safeguard.sar_set_state(sar_id bigint, state safeguard.sar_state, decision_rationale text DEFAULT NULL,
    reviewer text DEFAULT NULL, methodology text DEFAULT NULL, findings_summary text DEFAULT NULL)
RETURNS safeguard.sar_state LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.sar_state;
BEGIN
    UPDATE safeguard.sar_referral s
       SET state = sar_set_state.state,
           decision_rationale = coalesce(sar_set_state.decision_rationale, s.decision_rationale),
           reviewer = coalesce(sar_set_state.reviewer, s.reviewer),
           methodology = coalesce(sar_set_state.methodology, s.methodology),
           findings_summary = coalesce(sar_set_state.findings_summary, s.findings_summary)
     WHERE s.id OPERATOR(pg_catalog.=) sar_set_state.sar_id
    RETURNING s.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Safeguarding Adults Review % does not exist or is not visible to you', sar_set_state.sar_id
            USING ERRCODE = 'SG208', HINT = 'Reviews are worked by the case''s local authority.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.sar_set_state(bigint, safeguard.sar_state, text, text, text, text) IS 'Moves a Safeguarding Adults Review to a state with that step''s columns (the guard checks the transition, the duty and the columns): used by decide_sar and complete_sar.';

CREATE FUNCTION safeguard.decide_sar(sar_id bigint, commission boolean, rationale text,
    reviewer text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS safeguard.sar_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.require_duty('record_sar');
      SELECT safeguard.sar_set_state($1, CASE WHEN $2 THEN 'commissioned' ELSE 'not_commissioned' END::safeguard.sar_state,
                                     decision_rationale => $3, reviewer => $4, methodology => $5) $$;
COMMENT ON FUNCTION safeguard.decide_sar(bigint, boolean, text, text, text) IS 'Records the Safeguarding Adults Board''s decision with its rationale (SG205 without): commission a review (with its reviewer) or not (SAM or DSAM of the authority).';

CREATE FUNCTION safeguard.add_sar_person(sar_id bigint, died boolean, serious_harm boolean DEFAULT true,
    case_id bigint DEFAULT NULL)
RETURNS integer LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_sar');
    INSERT INTO safeguard.sar_person (sar_id, died, serious_harm, case_id) VALUES ($1, $2, $3, $4)
    RETURNING person_no;
$$;
COMMENT ON FUNCTION safeguard.add_sar_person(bigint, boolean, boolean, bigint) IS 'Records an individual a Safeguarding Adults Review concerns (whether they died, whether they suffered serious harm, their case if one) before it completes; returns their number in the review.';

CREATE FUNCTION safeguard.add_sar_action(sar_id bigint, description text, due_date date DEFAULT NULL,
    agency_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_sar');
    INSERT INTO safeguard.sar_action (sar_id, description, due_date, agency_id) VALUES ($1, $2, $3, $4)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.add_sar_action(bigint, text, date, bigint) IS 'Adds an action to a commissioned review''s action plan: what, by when, by which agency.';

CREATE FUNCTION safeguard.complete_sar(sar_id bigint, findings_summary text)
RETURNS safeguard.sar_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.require_duty('record_sar');
      SELECT safeguard.sar_set_state($1, 'completed', findings_summary => $2) $$;
COMMENT ON FUNCTION safeguard.complete_sar(bigint, text) IS 'Completes a commissioned review with its findings, once its people and action plan are recorded (SG912).';

-- SAC table SG5 (NHS Digital): Safeguarding Adults Reviews completed in the
-- reporting year, where one or more individuals died (SG5a) or none died,
-- and the individuals who suffered serious harm and died (SG5b) or
-- survived.  sac_return reads these (through sac_sg5_cells).
CREATE FUNCTION safeguard.sar_sg5(year integer, la_id bigint DEFAULT NULL)
RETURNS TABLE (local_authority_id bigint, sars_where_died bigint, sars_where_none_died bigint,
               individuals_died bigint, individuals_survived bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
WITH period AS (SELECT safeguard.sac_year(sar_sg5.year) AS p),
done AS (
    SELECT s.id, s.la_id,
           EXISTS (SELECT 1 FROM safeguard.sar_person x WHERE x.sar_id OPERATOR(pg_catalog.=) s.id AND x.died) AS any_died
    FROM safeguard.sar_referral s, period
    WHERE s.state OPERATOR(pg_catalog.=) 'completed'
      AND (s.completed_at AT TIME ZONE 'Europe/London')::pg_catalog.date OPERATOR(pg_catalog.<@) period.p
      AND (sar_sg5.la_id IS NULL OR s.la_id OPERATOR(pg_catalog.=) sar_sg5.la_id)
)
SELECT d.la_id,
       pg_catalog.count(*) FILTER (WHERE d.any_died),
       pg_catalog.count(*) FILTER (WHERE NOT d.any_died),
       (SELECT pg_catalog.count(*) FROM safeguard.sar_person x JOIN done e ON e.id OPERATOR(pg_catalog.=) x.sar_id
         WHERE e.la_id OPERATOR(pg_catalog.=) d.la_id AND x.serious_harm AND x.died),
       (SELECT pg_catalog.count(*) FROM safeguard.sar_person x JOIN done e ON e.id OPERATOR(pg_catalog.=) x.sar_id
         WHERE e.la_id OPERATOR(pg_catalog.=) d.la_id AND x.serious_harm AND NOT x.died)
FROM done d
GROUP BY d.la_id
$$;
COMMENT ON FUNCTION safeguard.sar_sg5(integer, bigint) IS 'SAC table SG5 for the reporting year starting 1 April of year, per local authority the caller may see (optionally one): Safeguarding Adults Reviews completed in the year where one or more individuals died (SG5a) and where none died, and the individuals who suffered serious harm and died (SG5b) and who survived. An authority with no completed review has no row (its counts are zero). SG601 outside 2000-2100.';
REVOKE ALL ON FUNCTION safeguard.sar_sg5(integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sar_sg5(integer, bigint) TO safeguard_admin, safeguard_sam,
    safeguard_la_officer, safeguard_auditor;

-- The assurance deadline kinds, with their default rules and rungs, are
-- installed at the end of section 10 (after the baseline), so that their
-- audit rows come in the order the update to 1.5 writes them.

--------------------------------------------------------------------------
-- 9. Sessions: DDL, pool logins, preloading, the scope guard
-- DDL on safeguard's objects is refused outside extension scripts (a
-- superuser's recorded).  The library's hooks (src/session_guard.c) refuse
-- explicit locks, row locks, EXPLAIN and PREPARE TRANSACTION on safeguard's
-- objects and bound lock waits; pool logins act only through SET LOCAL ROLE;
-- the planner hooks (src/scope_guard.c) keep a scoped role's predicates on
-- guarded columns from steering scans.
--------------------------------------------------------------------------

-- DDL on safeguard's objects: refused outside extension scripts for every
-- role that is not a superuser; a superuser's DDL is recorded in the audit
-- chain (detected, since it cannot be prevented).
CREATE FUNCTION safeguard.guard_ddl() RETURNS event_trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_guard_ddl';
COMMENT ON FUNCTION safeguard.guard_ddl() IS
    'Event trigger: DDL on safeguard objects outside extension scripts is refused (SG403), or recorded in the audit chain when a superuser runs it.';
REVOKE ALL ON FUNCTION safeguard.guard_ddl() FROM PUBLIC;

CREATE FUNCTION safeguard.preloaded() RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_preloaded';
COMMENT ON FUNCTION safeguard.preloaded() IS
    'True when this session loaded safeguard before its first statement (shared_preload_libraries or session_preload_libraries): only then do its guards on LOCK TABLE, row locks, EXPLAIN, PREPARE TRANSACTION and lock waits apply from the first statement on.';
REVOKE ALL ON FUNCTION safeguard.preloaded() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.preloaded() TO PUBLIC;

CREATE FUNCTION safeguard.declare_pool_login(role regrole) RETURNS bigint
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_declare_pool_login';
COMMENT ON FUNCTION safeguard.declare_pool_login(regrole) IS
    'Declares a login role a connection pool''s (admin duty or superuser): sessions logged in as it act only through SET LOCAL ROLE inside each transaction. Returns the declaration (the existing one when already declared). Audited.';
REVOKE ALL ON FUNCTION safeguard.declare_pool_login(regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.declare_pool_login(regrole) TO safeguard_admin;

CREATE FUNCTION safeguard.undeclare_pool_login(role regrole) RETURNS boolean
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_undeclare_pool_login';
COMMENT ON FUNCTION safeguard.undeclare_pool_login(regrole) IS
    'Ends a pool login''s declaration (admin duty or superuser; the row stays as history). False when the role was not declared. Audited.';
REVOKE ALL ON FUNCTION safeguard.undeclare_pool_login(regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.undeclare_pool_login(regrole) TO safeguard_admin;

CREATE FUNCTION safeguard.pool_login_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_pool_login_changed';
COMMENT ON FUNCTION safeguard.pool_login_changed() IS
    'Trigger: after any change to pool_login, every session forgets whether its login is a pool''s (it asks again at its next check).';
REVOKE ALL ON FUNCTION safeguard.pool_login_changed() FROM PUBLIC;

CREATE FUNCTION safeguard.scope_columns()
    RETURNS TABLE (table_name text, column_name text, column_class text, guarded boolean)
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_scope_columns';
COMMENT ON FUNCTION safeguard.scope_columns() IS
    'Every column of every table under row-level security, with its class (open, person, free_text, organisation, own_organisation, own_local_authority, own_provider) and whether it is guarded: for a role that does not see every row, a predicate on a guarded column never chooses an index and runs after the policies, and the column is estimated without the values its statistics hold (most common values, histogram); only "column = safeguard.current_organisation()" on an own_* column still chooses an index, for a role the policy shows its own organisation''s rows.';
REVOKE ALL ON FUNCTION safeguard.scope_columns() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.scope_columns() TO PUBLIC;

CREATE TABLE safeguard.pool_login (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role            regrole NOT NULL,
    declared_at     timestamptz NOT NULL,
    declared_by     regrole NOT NULL,
    undeclared_at   timestamptz,
    undeclared_by   regrole
);

CREATE UNIQUE INDEX pool_login_active ON safeguard.pool_login (role) WHERE undeclared_at IS NULL;

COMMENT ON TABLE safeguard.pool_login IS
    'Login roles declared a connection pool''s (e.g. pgbouncer''s): a session logged in as one acts only through a role set for the current transaction with SET LOCAL ROLE (SG803 otherwise). Written only by declare_pool_login() and undeclare_pool_login().';
COMMENT ON COLUMN safeguard.pool_login.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.pool_login.role IS 'The pool''s login role.';
COMMENT ON COLUMN safeguard.pool_login.declared_at IS 'When it was declared.';
COMMENT ON COLUMN safeguard.pool_login.declared_by IS 'Who declared it.';
COMMENT ON COLUMN safeguard.pool_login.undeclared_at IS 'When the declaration ended; NULL while in force.';
COMMENT ON COLUMN safeguard.pool_login.undeclared_by IS 'Who ended it.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.pool_login
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.pool_login
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.pool_login
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.pool_login
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER pool_login_changed AFTER INSERT OR DELETE OR UPDATE ON safeguard.pool_login
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.pool_login_changed();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.pool_login
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

REVOKE ALL ON safeguard.pool_login FROM PUBLIC;
GRANT SELECT ON safeguard.pool_login TO safeguard_admin, safeguard_auditor;

SELECT pg_catalog.pg_extension_config_dump('safeguard.pool_login', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.pool_login_id_seq', '');

CREATE EVENT TRIGGER safeguard_guard_ddl ON ddl_command_end EXECUTE FUNCTION safeguard.guard_ddl();

CREATE EVENT TRIGGER safeguard_guard_drop ON sql_drop EXECUTE FUNCTION safeguard.guard_ddl();

-- Fire even under session_replication_role = replica.
ALTER EVENT TRIGGER safeguard_guard_ddl ENABLE ALWAYS;

ALTER EVENT TRIGGER safeguard_guard_drop ENABLE ALWAYS;

-- Said once, where it is installed: without preloading, a session's guards
-- start only when its first safeguard function loads the library.
DO $preload$
BEGIN
    IF NOT safeguard.preloaded() THEN
        RAISE WARNING 'safeguard is not preloaded in this session'
            USING DETAIL = 'Its refusal of LOCK TABLE, row locks, EXPLAIN and PREPARE TRANSACTION on safeguard''s objects, and its bound on lock waits, apply only in sessions that load the library at start.',
                  HINT = 'Set session_preload_libraries = ''safeguard'' (ALTER DATABASE ... SET, no restart) or shared_preload_libraries = ''safeguard''.';
    END IF;
END
$preload$;

--------------------------------------------------------------------------
-- 10. Finishing
-- Tables belong to safeguard_owner (NOLOGIN, no members): no login role is
-- the owner that could alter them.  Every trigger fires ALWAYS, so
-- session_replication_role = replica does not skip it.  The shipped rows
-- installed before their tables' audit triggers are recorded once as found
-- (BASELINE audit rows), not while restoring: the dumped trail holds them.
--------------------------------------------------------------------------

-- The reporting schema: exactly the relations a reader (the performance team's duty) may
-- read, as views of the same names, so that a BI tool pointed at it offers nothing that then
-- fails with 42501 (JDBC and ODBC drivers list every relation of a schema, readable or not).
-- Each is `SELECT *` of its relation in schema safeguard, security_invoker (the caller's own
-- privileges and row-level security apply, as in schema safeguard), with the same comments
-- and the same SELECT grants (but the owner's own).  Made here, after every relation, from
-- the reader's grants, so it holds exactly what the reader may open.
CREATE SCHEMA safeguard_reporting;
COMMENT ON SCHEMA safeguard_reporting IS 'The tables and views the reader duty (performance teams, BI tools) may read, as views of the same names over schema safeguard: point a BI tool here.';
REVOKE ALL ON SCHEMA safeguard_reporting FROM PUBLIC;
GRANT USAGE ON SCHEMA safeguard_reporting TO PUBLIC;

DO $reporting$
DECLARE
    r record;
    g record;
BEGIN
    FOR r IN SELECT c.oid, c.relname FROM pg_catalog.pg_class c
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m}'::"char"[])
               AND pg_catalog.has_table_privilege('safeguard_reader', c.oid, 'SELECT')
             ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('CREATE VIEW safeguard_reporting.%I WITH (security_invoker = true) '
                                  'AS SELECT * FROM safeguard.%I', r.relname, r.relname);
        EXECUTE pg_catalog.format('COMMENT ON VIEW safeguard_reporting.%I IS %L', r.relname,
                                  pg_catalog.obj_description(r.oid, 'pg_class'));
        EXECUTE pg_catalog.format('REVOKE ALL ON safeguard_reporting.%I FROM PUBLIC', r.relname);
        FOR g IN SELECT a.attname, pg_catalog.col_description(r.oid, a.attnum::integer) AS d
                 FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid OPERATOR(pg_catalog.=) r.oid AND a.attnum OPERATOR(pg_catalog.>) 0
                   AND NOT a.attisdropped ORDER BY a.attnum
        LOOP
            EXECUTE pg_catalog.format('COMMENT ON COLUMN safeguard_reporting.%I.%I IS %L', r.relname, g.attname, g.d);
        END LOOP;
        FOR g IN SELECT DISTINCT x.grantee FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) x
                 WHERE c.oid OPERATOR(pg_catalog.=) r.oid AND x.privilege_type OPERATOR(pg_catalog.=) 'SELECT'
                   AND x.grantee OPERATOR(pg_catalog.<>) c.relowner
                 ORDER BY x.grantee
        LOOP
            EXECUTE pg_catalog.format('GRANT SELECT ON safeguard_reporting.%I TO %s', r.relname,
                CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(g.grantee::pg_catalog.regrole::pg_catalog.text) END);
        END LOOP;
    END LOOP;
END
$reporting$;

DO $finish$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname FROM pg_catalog.pg_class c
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND c.relkind OPERATOR(pg_catalog.=) 'r'
             ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I OWNER TO safeguard_owner', t.relname);
    END LOOP;
    FOR t IN SELECT c.relname, g.tgname
             FROM pg_catalog.pg_trigger g
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND NOT g.tgisinternal AND g.tgenabled OPERATOR(pg_catalog.<>) 'A'
             ORDER BY c.relname, g.tgname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
    END LOOP;
END
$finish$;

-- The rows installed without audit rows, recorded once as found (not while
-- restoring: the dumped trail holds them).
SELECT safeguard.ledger_baseline() WHERE NOT safeguard.restoring();

--------------------------------------------------------------------------
-- 4a (continued). The council pathway's deadlines (issue 16)
-- The kinds of the enquiry's deadlines and their default timescales, in the
-- shipped policy, each with the default ladder.  Installed last, after the
-- rows recorded as found, so each row has the audit row of its insert, in
-- the same order as the update from 1.4 writes them.  (A concern decision
-- meets the concern's own triage deadline: by the end of the next working
-- day.)
--------------------------------------------------------------------------

INSERT INTO safeguard.deadline_kind VALUES
    ('enquiry_contact', 'la_enquiry', 'concern decision opening an enquiry (decided_at)', 'enquiry started (started_at)', 'The authority contacts the adult and the referrer: the enquiry starts with Making Safeguarding Personal.'),
    ('enquiry_conclusion', 'la_enquiry', 'concern decision opening an enquiry (decided_at)', 'enquiry concluded (concluded_at)', 'The authority concludes its enquiry; one extension, approved by a SAM.'),
    ('enquiry_feedback', 'la_enquiry', 'enquiry concluded (concluded_at)', 'feedback given to the referrer (feedback_at)', 'The referrer hears the outcome of the enquiry.'),
    ('strategy_discussion', 'la_enquiry', 'concern decision opening an enquiry (decided_at)', 'the first strategy discussion or meeting held (held_at)', 'When the authority holds a strategy discussion, it is held promptly: judged when recorded, never chased.'),
    ('plan_review', 'la_enquiry', 'safeguarding plan made (made_at), or its last review (reviewed_at)', 'the plan reviewed (reviewed_at)', 'The authority reviews an enquiry''s safeguarding plan until a review ends it.');

INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, r.kind, r.amount, r.unit::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p,
     (VALUES ('enquiry_contact', 2, 'working_days'), ('enquiry_conclusion', 20, 'working_days'),
             ('enquiry_feedback', 5, 'working_days'), ('strategy_discussion', 5, 'working_days'),
             ('plan_review', 30, 'working_days')) AS r(kind, amount, unit)
WHERE p.shipped
ORDER BY r.kind;

INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit, shipped)
SELECT r.policy_id, r.kind, x.rung::safeguard.alert_rung, x.days, r.unit, true
FROM safeguard.deadline_rule r,
     (VALUES ('due_soon', -2), ('breach', 0), ('escalate', 5)) AS x(rung, days)
WHERE r.shipped AND r.kind OPERATOR(pg_catalog.=) ANY ('{enquiry_contact,enquiry_conclusion,enquiry_feedback,strategy_discussion,plan_review}'::text[])
ORDER BY r.kind, x.rung;

-- 8b. Assurance (issue 17), installed last: The assurance deadlines: the practitioner's acknowledgement, audit
-- actions, the board's decision and the review's completion, with the
-- default ladder (warn 2 working days before, breach, escalate 5 after).
INSERT INTO safeguard.deadline_kind VALUES
    ('audit_acknowledgement', 'case_file_audit', 'case-file audit completed (completed_at)', 'findings acknowledged by the practitioner', 'The practitioner whose work was audited acknowledges the findings.'),
    ('audit_action', 'audit_action', 'audit action set (created_at)', 'action recorded done', 'The owner of an action from a case-file audit does it.'),
    ('sar_decision', 'sar_referral', 'case referred for a Safeguarding Adults Review (referred_at)', 'the board''s decision recorded', 'The Safeguarding Adults Board decides whether to commission a review.'),
    ('sar_completion', 'sar_referral', 'review commissioned (decided_at)', 'review completed', 'A commissioned Safeguarding Adults Review completes (six months is the usual expectation).');

INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, r.kind, r.amount, r.unit::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p,
     (VALUES ('audit_acknowledgement', 10, 'working_days'), ('audit_action', 20, 'working_days'),
             ('sar_decision', 30, 'working_days'), ('sar_completion', 130, 'working_days')) AS r(kind, amount, unit)
WHERE p.shipped;

INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit, shipped)
SELECT r.policy_id, r.kind, x.rung::safeguard.alert_rung, x.days, r.unit, true
FROM safeguard.deadline_rule r,
     (VALUES ('due_soon', -2), ('breach', 0), ('escalate', 5)) AS x(rung, days)
WHERE r.shipped AND r.kind OPERATOR(pg_catalog.=) ANY ('{audit_acknowledgement,audit_action,sar_decision,sar_completion}'::text[]);

-- 4a (continued). Caused enquiries (Care Act s42(2)), installed last: the caused_report
-- deadline, 10 working days from the request (or a return), with the default ladder.
INSERT INTO safeguard.deadline_kind VALUES
    ('caused_report', 'caused_enquiry', 'enquiry caused (requested_at), or its report returned for more (decided_at)', 'the report received (report_received_at)', 'The organisation a local authority caused to make an enquiry (s42(2)) reports back; the authority chases it.');

INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, 'caused_report', 10, 'working_days'::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p
WHERE p.shipped;

INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit, shipped)
SELECT r.policy_id, r.kind, x.rung::safeguard.alert_rung, x.days, r.unit, true
FROM safeguard.deadline_rule r,
     (VALUES ('due_soon', -2), ('breach', 0), ('escalate', 5)) AS x(rung, days)
WHERE r.shipped AND r.kind OPERATOR(pg_catalog.=) 'caused_report'
ORDER BY x.rung;
