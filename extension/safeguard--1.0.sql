/* safeguard--1.0.sql: the foundation. Released scripts never change. */

\echo Use "CREATE EXTENSION safeguard" to load this file. \quit

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

--------------------------------------------------------------------------
-- Duty roles.  Cluster-wide NOLOGIN roles, created when absent; a login
-- role acts under a duty by being granted it (later issues bind duties to
-- organisations).  They are never dropped by DROP EXTENSION: other
-- databases of the cluster may use them.
--------------------------------------------------------------------------
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY[
        'safeguard_admin', 'safeguard_contact_centre', 'safeguard_inspector',
        'safeguard_la_officer', 'safeguard_sam', 'safeguard_enquiry_officer',
        'safeguard_commissioner', 'safeguard_provider', 'safeguard_reader',
        'safeguard_auditor']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                       WHERE rolname OPERATOR(pg_catalog.=) r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$roles$;

GRANT USAGE ON SCHEMA safeguard TO PUBLIC;

--------------------------------------------------------------------------
-- Calendar data
--------------------------------------------------------------------------
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

CREATE TABLE safeguard.bank_holiday (
    division text NOT NULL REFERENCES safeguard.division ON UPDATE CASCADE,
    day      date NOT NULL,
    title    text NOT NULL CHECK (title OPERATOR(pg_catalog.<>) ''),
    notes    text NOT NULL DEFAULT '',
    bunting  boolean NOT NULL DEFAULT false,
    shipped  boolean NOT NULL DEFAULT false,
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

SELECT pg_catalog.pg_extension_config_dump('safeguard.division', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('safeguard.bank_holiday', 'WHERE NOT shipped');

REVOKE ALL ON safeguard.division, safeguard.bank_holiday FROM PUBLIC;
GRANT SELECT ON safeguard.division, safeguard.bank_holiday TO PUBLIC;
GRANT INSERT, UPDATE, DELETE ON safeguard.division, safeguard.bank_holiday TO safeguard_admin;

--------------------------------------------------------------------------
-- Calendar triggers (C): validation and cache invalidation
--------------------------------------------------------------------------
CREATE FUNCTION safeguard.division_guard() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_division_guard';
COMMENT ON FUNCTION safeguard.division_guard() IS
    'Trigger: a division must name a known time zone (SG107) and a finite, ordered coverage (SG108).';

CREATE FUNCTION safeguard.calendar_invalidate() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_calendar_invalidate';
COMMENT ON FUNCTION safeguard.calendar_invalidate() IS
    'Trigger: after any change to the calendar tables, every session drops its cached calendar.';

REVOKE ALL ON FUNCTION safeguard.division_guard(), safeguard.calendar_invalidate() FROM PUBLIC;

CREATE TRIGGER division_guard
    BEFORE INSERT OR UPDATE ON safeguard.division
    FOR EACH ROW EXECUTE FUNCTION safeguard.division_guard();
CREATE TRIGGER calendar_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON safeguard.division
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.calendar_invalidate();
CREATE TRIGGER calendar_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON safeguard.bank_holiday
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.calendar_invalidate();
-- Fire even under session_replication_role = replica.
ALTER TABLE safeguard.division ENABLE ALWAYS TRIGGER division_guard;
ALTER TABLE safeguard.division ENABLE ALWAYS TRIGGER calendar_invalidate;
ALTER TABLE safeguard.bank_holiday ENABLE ALWAYS TRIGGER calendar_invalidate;

--------------------------------------------------------------------------
-- Calendar functions (C).  STABLE: the answer follows the calendar tables.
-- A NULL date or count gives NULL; a NULL division raises SG103.
--------------------------------------------------------------------------
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

--------------------------------------------------------------------------
-- Shipped calendar: gov.uk bank holidays 2018-2028 (data/ keeps the source).
--------------------------------------------------------------------------
INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to, shipped) VALUES
    ('england-and-wales', 'Europe/London', '2018-01-01', '2028-12-31', true),
    ('northern-ireland',  'Europe/London', '2018-01-01', '2028-12-31', true),
    ('scotland',          'Europe/London', '2018-01-01', '2028-12-31', true);

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
    ('scotland', '2028-12-26', 'Boxing Day', '', true, true),
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
    ('northern-ireland', '2028-12-26', 'Boxing Day', '', true, true);

--------------------------------------------------------------------------
-- Vocabularies.  Enum labels are part of the public interface; the SAC
-- labels are exactly those of the Safeguarding Adults Collection.
--------------------------------------------------------------------------
CREATE TYPE safeguard.organisation_kind AS ENUM
    ('regulator', 'local_authority', 'provider', 'provider_location', 'icb', 'police', 'other');
COMMENT ON TYPE safeguard.organisation_kind IS 'Kinds of organisation: the regulator (CQC), local authorities, providers and their locations, ICBs, police, others.';
CREATE TYPE safeguard.duty AS ENUM
    ('admin', 'contact_centre', 'inspector', 'la_officer', 'sam', 'enquiry_officer',
     'commissioner', 'provider', 'reader', 'auditor');
COMMENT ON TYPE safeguard.duty IS 'Duties a login role can act under; each is also the NOLOGIN role safeguard_<duty>.';
CREATE TYPE safeguard.concern_channel AS ENUM
    ('phone', 'email', 'web_form', 'letter', 'in_person', 'inspection', 'other');
COMMENT ON TYPE safeguard.concern_channel IS 'How a concern reached the organisation.';
CREATE TYPE safeguard.concern_source AS ENUM
    ('member_of_public', 'relative', 'professional', 'provider', 'whistleblower',
     'regulator_staff', 'anonymous');
COMMENT ON TYPE safeguard.concern_source IS 'Who raised a concern.';
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
CREATE TYPE safeguard.sac_action_result AS ENUM
    ('Risk identified and action taken', 'Risk identified and no action taken',
     'Risk Assessment inconclusive and action taken',
     'Risk Assessment inconclusive and no action taken',
     'No risk identified and action taken', 'No risk identified and no action taken',
     'Enquiry ceased at individual''s request and no action taken');
COMMENT ON TYPE safeguard.sac_action_result IS 'Action and result of an enquiry (SAC vocabulary).';
CREATE TYPE safeguard.sac_risk_outcome AS ENUM ('Risk remained', 'Risk reduced', 'Risk removed');
COMMENT ON TYPE safeguard.sac_risk_outcome IS 'Risk outcome of an enquiry (SAC vocabulary).';
CREATE TYPE safeguard.triage_decision AS ENUM ('refer_to_la', 'no_referral', 'regulatory_action_only');
COMMENT ON TYPE safeguard.triage_decision IS 'Triage decision on a concern: refer to the local authority, no referral, or regulatory action only.';
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
CREATE TYPE safeguard.case_state AS ENUM ('open', 'closed');
COMMENT ON TYPE safeguard.case_state IS 'Whether a safeguarding case is open.';
CREATE TYPE safeguard.deadline_unit AS ENUM ('working_days', 'clock_hours', 'calendar_days');
COMMENT ON TYPE safeguard.deadline_unit IS 'Unit of a deadline rule: working days end at local midnight after the n-th working day; clock hours are elapsed time; calendar days end at local midnight.';
CREATE TYPE safeguard.deadline_status AS ENUM ('open', 'met', 'breached', 'cancelled');
COMMENT ON TYPE safeguard.deadline_status IS 'A deadline is open until the event it waits for happens (met or breached) or it no longer applies (cancelled).';

--------------------------------------------------------------------------
-- The clock.  Workflow times come from safeguard.now(): the transaction
-- time, or an override that only a superuser can set (tests pin time).
--------------------------------------------------------------------------
CREATE FUNCTION safeguard.now() RETURNS timestamptz
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_now_sql';
COMMENT ON FUNCTION safeguard.now() IS
    'The time safeguard works to: the transaction start time, unless a superuser pinned the clock with set_clock() in this session.';
CREATE FUNCTION safeguard.set_clock(at timestamptz) RETURNS timestamptz
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_set_clock';
COMMENT ON FUNCTION safeguard.set_clock(timestamptz) IS
    'Pins safeguard.now() for this session (NULL unpins). For tests and demos; EXECUTE is revoked from PUBLIC and granted to nobody.';
REVOKE ALL ON FUNCTION safeguard.set_clock(timestamptz) FROM PUBLIC;

--------------------------------------------------------------------------
-- Organisations and duty grants
--------------------------------------------------------------------------
CREATE TABLE safeguard.organisation (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                 safeguard.organisation_kind NOT NULL,
    name                 text NOT NULL,
    code                 text UNIQUE,
    parent_id            bigint REFERENCES safeguard.organisation,
    la_id                bigint REFERENCES safeguard.organisation,
    division             text NOT NULL DEFAULT 'england-and-wales' REFERENCES safeguard.division,
    senior_contact_name  text,
    senior_contact_email text
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

CREATE TABLE safeguard.duty_grant (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role            regrole NOT NULL,
    duty            safeguard.duty NOT NULL,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    granted_at      timestamptz NOT NULL,
    granted_by      regrole NOT NULL,
    revoked_at      timestamptz,
    revoked_by      regrole
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

--------------------------------------------------------------------------
-- Cases, concerns, triage, referrals
--------------------------------------------------------------------------
CREATE TABLE safeguard.safeguarding_case (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id                bigint NOT NULL REFERENCES safeguard.organisation,
    adult_key            text,
    provider_location_id bigint REFERENCES safeguard.organisation,
    state                safeguard.case_state NOT NULL DEFAULT 'open',
    opened_at            timestamptz NOT NULL,
    closed_at            timestamptz
);
-- At most one open case per adult, and per location for unknown adults:
-- the guard links concerns to them, these indexes make a fork impossible.
CREATE UNIQUE INDEX safeguarding_case_open_adult ON safeguard.safeguarding_case (adult_key)
    WHERE state OPERATOR(pg_catalog.=) 'open' AND adult_key IS NOT NULL;
CREATE UNIQUE INDEX safeguarding_case_open_location ON safeguard.safeguarding_case (provider_location_id)
    WHERE state OPERATOR(pg_catalog.=) 'open' AND adult_key IS NULL;
COMMENT ON TABLE safeguard.safeguarding_case IS
    'A case groups the concerns about one adult (or, when the adult is unknown, one provider location) while it is open: a repeat concern joins the open case instead of starting an unconnected one. Created and closed by safeguard only.';
COMMENT ON COLUMN safeguard.safeguarding_case.id IS 'Case number.';
COMMENT ON COLUMN safeguard.safeguarding_case.la_id IS 'Local authority of the first concern.';
COMMENT ON COLUMN safeguard.safeguarding_case.adult_key IS 'Identity key of the adult at risk (NHS number, or name and date of birth); NULL when unknown.';
COMMENT ON COLUMN safeguard.safeguarding_case.provider_location_id IS 'Provider location of the first concern, if any.';
COMMENT ON COLUMN safeguard.safeguarding_case.state IS 'open or closed; a case closes when every concern is triaged and every referral closed or withdrawn.';
COMMENT ON COLUMN safeguard.safeguarding_case.opened_at IS 'When the first concern was logged.';
COMMENT ON COLUMN safeguard.safeguarding_case.closed_at IS 'When the case closed.';

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
    logged_org_id        bigint REFERENCES safeguard.organisation,
    logged_at            timestamptz
);
CREATE INDEX concern_case ON safeguard.concern (case_id);
CREATE INDEX concern_la ON safeguard.concern (la_id);
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
COMMENT ON COLUMN safeguard.concern.adult_ethnicity IS 'Ethnicity as recorded for the SAC return.';
COMMENT ON COLUMN safeguard.concern.adult_primary_support_reason IS 'Primary support reason as recorded for the SAC return.';
COMMENT ON COLUMN safeguard.concern.provider_location_id IS 'Provider location concerned, if any.';
COMMENT ON COLUMN safeguard.concern.la_id IS 'Local authority responsible; defaults to the provider location''s area.';
COMMENT ON COLUMN safeguard.concern.risk_types IS 'Types of risk (SAC vocabulary); at least one.';
COMMENT ON COLUMN safeguard.concern.risk_location IS 'Location of risk (SAC vocabulary).';
COMMENT ON COLUMN safeguard.concern.source_of_risk IS 'Source of risk (SAC vocabulary).';
COMMENT ON COLUMN safeguard.concern.immediate_risk IS 'True when the adult is at immediate risk: the referral must then be sent within 4 clock hours.';
COMMENT ON COLUMN safeguard.concern.description IS 'What was reported.';
COMMENT ON COLUMN safeguard.concern.case_id IS 'The case this concern belongs to (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.joined_open_case IS 'True when the concern joined a case that was already open: a repeat concern (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.logged_by IS 'Role that logged it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.logged_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern.logged_at IS 'When it was logged (recorded by safeguard).';

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
    decided_org_id         bigint REFERENCES safeguard.organisation,
    decided_duty           safeguard.duty,
    decided_at             timestamptz
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
    sent_org_id            bigint REFERENCES safeguard.organisation,
    sent_recorded_at       timestamptz,
    acknowledged_at        timestamptz,
    la_reference           text,
    acknowledged_by        regrole,
    acknowledged_org_id    bigint REFERENCES safeguard.organisation,
    la_decision            safeguard.la_decision,
    la_decision_rationale  text,
    decided_by             regrole,
    decided_org_id         bigint REFERENCES safeguard.organisation,
    decided_at             timestamptz,
    action_result          safeguard.sac_action_result,
    risk_outcome           safeguard.sac_risk_outcome,
    harm_from_delay        safeguard.harm_finding,
    outcome_by             regrole,
    outcome_org_id         bigint REFERENCES safeguard.organisation,
    outcome_at             timestamptz,
    feedback_at            timestamptz,
    feedback_method        safeguard.contact_method,
    feedback_waived_reason text,
    closed_by              regrole,
    closed_org_id          bigint REFERENCES safeguard.organisation,
    closed_at              timestamptz,
    withdrawal_rationale   text,
    withdrawn_by           regrole,
    withdrawn_org_id       bigint REFERENCES safeguard.organisation,
    withdrawn_at           timestamptz
);
CREATE INDEX referral_state ON safeguard.referral (state);
CREATE INDEX referral_la ON safeguard.referral (la_id);
CREATE INDEX referral_case ON safeguard.referral (case_id);
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

--------------------------------------------------------------------------
-- Deadline policies: per organisation, versioned by effective date; each
-- rule an amount, a unit and (through its kind) an anchor event.
--------------------------------------------------------------------------
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

INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description, shipped)
VALUES (NULL, '2000-01-01', 'safeguard defaults (see the README): local procedure timescales, configurable per organisation', true);
INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, r.kind, r.amount, r.unit::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p,
     (VALUES ('triage', 1, 'working_days'), ('send', 1, 'working_days'),
             ('send_immediate', 4, 'clock_hours'), ('la_acknowledgement', 2, 'working_days'),
             ('la_outcome', 20, 'working_days'), ('la_outcome_escalation', 40, 'working_days'),
             ('feedback', 5, 'working_days')) AS r(kind, amount, unit)
WHERE p.shipped;

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

CREATE FUNCTION safeguard.deadline_due(amount integer, unit safeguard.deadline_unit, anchor timestamptz, division text)
    RETURNS timestamptz LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'sg_deadline_due_sql';
COMMENT ON FUNCTION safeguard.deadline_due(integer, safeguard.deadline_unit, timestamptz, text) IS
    'The due instant of a rule: working days end at local midnight after the n-th working day (calendar engine), clock hours are elapsed time, calendar days end at local midnight.';

--------------------------------------------------------------------------
-- The audit trail
--------------------------------------------------------------------------
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
COMMENT ON COLUMN safeguard.audit_event.action IS 'INSERT or UPDATE.';
COMMENT ON COLUMN safeguard.audit_event.from_state IS 'State before (for tables with a state).';
COMMENT ON COLUMN safeguard.audit_event.to_state IS 'State after.';
COMMENT ON COLUMN safeguard.audit_event.changes IS 'Inserted values, or {"column": {"old": ..., "new": ...}} for changed columns, in canonical text (independent of session settings).';
COMMENT ON COLUMN safeguard.audit_event.application_name IS 'Client application_name.';
COMMENT ON COLUMN safeguard.audit_event.client_addr IS 'Client address (NULL for local socket connections).';
COMMENT ON COLUMN safeguard.audit_event.chain_key IS 'The hash chain the row belongs to: case:<id>, or table:<name> for rows outside a case.';
COMMENT ON COLUMN safeguard.audit_event.chain_seq IS 'Position in its chain, from 1, without gaps.';
COMMENT ON COLUMN safeguard.audit_event.prev_hash IS 'row_hash of the previous row of the chain (32 zero bytes for the first).';
COMMENT ON COLUMN safeguard.audit_event.row_hash IS 'SHA-256 over prev_hash and the canonical encoding of the row: the same in every session.';

CREATE TABLE safeguard.serial_lock (
    key text PRIMARY KEY
);
COMMENT ON TABLE safeguard.serial_lock IS 'One row per key safeguard serialises on (an audit chain, case linking for an adult): its row lock, which only safeguard can take, queues the writers of that key. Holds no data.';
COMMENT ON COLUMN safeguard.serial_lock.key IS 'The key, e.g. case:42 or link:adult:nhs:9434765919.';

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

--------------------------------------------------------------------------
-- C functions of the workflow
--------------------------------------------------------------------------
CREATE FUNCTION safeguard.grant_duty(role regrole, duty safeguard.duty, organisation_id bigint)
    RETURNS bigint LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_grant_duty';
COMMENT ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint) IS
    'Lets a login role act under a duty for an organisation (one organisation per role); also grants it the NOLOGIN role safeguard_<duty>. Superusers and safeguard_admin only. Returns the grant id.';
CREATE FUNCTION safeguard.revoke_duty(role regrole, duty safeguard.duty)
    RETURNS boolean LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_revoke_duty';
COMMENT ON FUNCTION safeguard.revoke_duty(regrole, safeguard.duty) IS
    'Ends a duty grant (kept as history) and the role membership; the next statement of every session sees it. Superusers and safeguard_admin only.';
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

REVOKE ALL ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint),
                       safeguard.revoke_duty(regrole, safeguard.duty) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint),
                          safeguard.revoke_duty(regrole, safeguard.duty) TO safeguard_admin;

-- Trigger functions (never called directly).
CREATE FUNCTION safeguard.organisation_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_organisation_guard';
CREATE FUNCTION safeguard.internal_only() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_internal_only';
CREATE FUNCTION safeguard.policy_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_policy_guard';
CREATE FUNCTION safeguard.concern_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_concern_guard';
CREATE FUNCTION safeguard.concern_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_concern_after';
CREATE FUNCTION safeguard.triage_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_triage_guard';
CREATE FUNCTION safeguard.triage_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_triage_after';
CREATE FUNCTION safeguard.referral_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_referral_guard';
CREATE FUNCTION safeguard.referral_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_referral_after';
CREATE FUNCTION safeguard.audit_row() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_audit_row';
CREATE FUNCTION safeguard.audit_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_audit_guard';
CREATE FUNCTION safeguard.refuse_truncate() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_refuse_truncate';
COMMENT ON FUNCTION safeguard.organisation_guard() IS 'Trigger: organisations are maintained by administrators, locations lie in a provider and a local authority area, nothing is deleted.';
COMMENT ON FUNCTION safeguard.internal_only() IS 'Trigger: tables written only by safeguard (cases, deadlines, duty grants).';
COMMENT ON FUNCTION safeguard.policy_guard() IS 'Trigger: administrators maintain deadline policies; a version in use is frozen.';
COMMENT ON FUNCTION safeguard.concern_guard() IS 'Trigger: who may log a concern, what it must record, and the case it joins.';
COMMENT ON FUNCTION safeguard.concern_after() IS 'Trigger: opens the triage deadline of a concern.';
COMMENT ON FUNCTION safeguard.triage_guard() IS 'Trigger: who may triage, with a rationale and the threshold answers; decisions are final.';
COMMENT ON FUNCTION safeguard.triage_after() IS 'Trigger: closes the triage deadline; refer_to_la creates the referral and its send deadline.';
COMMENT ON FUNCTION safeguard.referral_guard() IS 'Trigger: the referral state machine, enforced for every client path.';
COMMENT ON FUNCTION safeguard.referral_after() IS 'Trigger: deadlines met, breached and opened by referral transitions.';
COMMENT ON FUNCTION safeguard.audit_row() IS 'Trigger: writes the audit row of every insert and update.';
COMMENT ON FUNCTION safeguard.audit_guard() IS 'Trigger: the audit trail is append-only and written only by safeguard.';
COMMENT ON FUNCTION safeguard.refuse_truncate() IS 'Trigger: safeguard tables are never truncated.';
REVOKE ALL ON FUNCTION safeguard.organisation_guard(), safeguard.internal_only(), safeguard.policy_guard(),
    safeguard.concern_guard(), safeguard.concern_after(), safeguard.triage_guard(), safeguard.triage_after(),
    safeguard.referral_guard(), safeguard.referral_after(), safeguard.audit_row(), safeguard.audit_guard(),
    safeguard.refuse_truncate() FROM PUBLIC;

--------------------------------------------------------------------------
-- Triggers.  Guards run BEFORE (validate, stamp), audit and side effects
-- AFTER (on the final row).  All fire ALWAYS, so session_replication_role
-- = replica does not skip them.
--------------------------------------------------------------------------
CREATE TRIGGER organisation_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.organisation
    FOR EACH ROW EXECUTE FUNCTION safeguard.organisation_guard();
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.duty_grant
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.safeguarding_case
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.deadline
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.audit_seal
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.serial_lock
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.audit_seal_head
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER policy_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.deadline_policy
    FOR EACH ROW EXECUTE FUNCTION safeguard.policy_guard();
CREATE TRIGGER policy_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.deadline_rule
    FOR EACH ROW EXECUTE FUNCTION safeguard.policy_guard();
CREATE TRIGGER concern_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.concern
    FOR EACH ROW EXECUTE FUNCTION safeguard.concern_guard();
CREATE TRIGGER concern_after AFTER INSERT ON safeguard.concern
    FOR EACH ROW EXECUTE FUNCTION safeguard.concern_after();
CREATE TRIGGER triage_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.triage
    FOR EACH ROW EXECUTE FUNCTION safeguard.triage_guard();
CREATE TRIGGER triage_after AFTER INSERT ON safeguard.triage
    FOR EACH ROW EXECUTE FUNCTION safeguard.triage_after();
CREATE TRIGGER referral_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.referral
    FOR EACH ROW EXECUTE FUNCTION safeguard.referral_guard();
CREATE TRIGGER referral_after AFTER UPDATE ON safeguard.referral
    FOR EACH ROW EXECUTE FUNCTION safeguard.referral_after();
CREATE TRIGGER audit_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.audit_event
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_guard();

CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.organisation
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.duty_grant
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.safeguarding_case
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'id');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.concern
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.triage
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('concern_id', '', 'case_id');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.referral
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'case_id');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.deadline
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', 'status', 'case_id');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.deadline_policy
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.deadline_rule
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('policy_id', '', '');


--------------------------------------------------------------------------
-- Privileges.  Table privileges open the doors a duty needs; the C guards
-- decide every action; row-level security scopes what each role sees.
--------------------------------------------------------------------------
REVOKE ALL ON safeguard.organisation, safeguard.duty_grant, safeguard.safeguarding_case,
    safeguard.concern, safeguard.triage, safeguard.referral, safeguard.deadline_kind,
    safeguard.deadline_policy, safeguard.deadline_rule, safeguard.deadline,
    safeguard.audit_event, safeguard.audit_seal, safeguard.audit_seal_head,
    safeguard.serial_lock FROM PUBLIC;

GRANT SELECT ON safeguard.organisation, safeguard.deadline_kind, safeguard.deadline_policy,
    safeguard.deadline_rule TO PUBLIC;
GRANT INSERT, UPDATE ON safeguard.organisation TO safeguard_admin;
GRANT INSERT, UPDATE, DELETE ON safeguard.deadline_policy, safeguard.deadline_rule TO safeguard_admin;
GRANT SELECT ON safeguard.duty_grant TO safeguard_admin, safeguard_auditor;
GRANT SELECT ON safeguard.audit_event, safeguard.audit_seal, safeguard.audit_seal_head
    TO safeguard_admin, safeguard_auditor;

GRANT SELECT ON safeguard.safeguarding_case, safeguard.concern, safeguard.triage, safeguard.referral
    TO safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
       safeguard_sam, safeguard_enquiry_officer;
GRANT INSERT ON safeguard.concern, safeguard.triage
    TO safeguard_contact_centre, safeguard_inspector, safeguard_la_officer;
GRANT UPDATE ON safeguard.referral
    TO safeguard_admin, safeguard_contact_centre, safeguard_la_officer;
GRANT SELECT ON safeguard.deadline
    TO safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
       safeguard_sam, safeguard_enquiry_officer, safeguard_commissioner, safeguard_provider;

--------------------------------------------------------------------------
-- Row-level security: casework of a local authority is visible to that
-- authority's staff and to the regulator's; providers, readers and roles
-- without a duty see none of it.
--------------------------------------------------------------------------
ALTER TABLE safeguard.safeguarding_case ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.concern ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.triage ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.referral ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.safeguarding_case FORCE ROW LEVEL SECURITY;
ALTER TABLE safeguard.concern FORCE ROW LEVEL SECURITY;
ALTER TABLE safeguard.triage FORCE ROW LEVEL SECURITY;
ALTER TABLE safeguard.referral FORCE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.safeguarding_case
    USING (safeguard.may_see_la(la_id));
CREATE POLICY la_scope ON safeguard.concern
    USING (safeguard.may_see_la(la_id)) WITH CHECK (safeguard.may_see_la(la_id));
CREATE POLICY la_scope ON safeguard.triage
    USING (safeguard.may_see_la(la_id)) WITH CHECK (safeguard.may_see_la(la_id));
CREATE POLICY la_scope ON safeguard.referral
    USING (safeguard.may_see_la(la_id)) WITH CHECK (safeguard.may_see_la(la_id));
CREATE POLICY own_or_overseen ON safeguard.deadline
    USING (safeguard.may_see_la(organisation_id)
           OR organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());

--------------------------------------------------------------------------
-- Views (security_invoker: they show what the caller may see)
--------------------------------------------------------------------------
CREATE VIEW safeguard.open_deadlines WITH (security_invoker = true) AS
SELECT d.id, d.kind, d.subject_table, d.subject_id, d.case_id,
       d.organisation_id, o.name AS organisation, o.senior_contact_name, o.senior_contact_email,
       d.anchor_at, coalesce(d.amount, r.amount) AS amount, r.unit,
       CASE WHEN d.paused_at IS NULL THEN
         safeguard.deadline_due(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division) END AS due_at,
       coalesce(d.paused_at IS NULL AND
         safeguard.deadline_due(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division)
           OPERATOR(pg_catalog.<) safeguard.now(), false) AS overdue,
       d.paused_at
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
COMMENT ON COLUMN safeguard.open_deadlines.due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.open_deadlines.overdue IS 'True once due_at has passed (safeguard.now()); never while paused.';
COMMENT ON COLUMN safeguard.open_deadlines.paused_at IS 'When its clock was stopped; due_at is empty while paused.';

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
COMMENT ON COLUMN safeguard.my_deadlines.due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.my_deadlines.overdue IS 'True once due_at has passed.';
COMMENT ON COLUMN safeguard.my_deadlines.paused_at IS 'When its clock was stopped; due_at is empty while paused.';

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

GRANT SELECT ON safeguard.open_deadlines, safeguard.my_deadlines TO safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer, safeguard_commissioner, safeguard_provider;
GRANT SELECT ON safeguard.send_queue, safeguard.case_overview TO safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer;

-- Pseudonymised views for safeguard_reader: no names, contact details or
-- NHS numbers; a stable keyed pseudonym per adult so repeats can be counted.
CREATE TABLE safeguard.pseudonym_key (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    secret   bytea NOT NULL
);
COMMENT ON TABLE safeguard.pseudonym_key IS 'The secret that keys adult pseudonyms. Readable by the extension owner only.';
COMMENT ON COLUMN safeguard.pseudonym_key.only_row IS 'There is one row.';
COMMENT ON COLUMN safeguard.pseudonym_key.secret IS 'Random secret generated at installation.';
INSERT INTO safeguard.pseudonym_key (secret)
VALUES (pg_catalog.sha256(pg_catalog.convert_to(
    pg_catalog.gen_random_uuid()::pg_catalog.text OPERATOR(pg_catalog.||)
    pg_catalog.gen_random_uuid()::pg_catalog.text, 'UTF8')));
REVOKE ALL ON safeguard.pseudonym_key FROM PUBLIC;
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.pseudonym_key
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();

CREATE VIEW safeguard.referral_pseudonymised WITH (security_barrier = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, r.state, r.immediate_risk,
       CASE WHEN c.adult_key IS NULL THEN NULL ELSE
         pg_catalog.encode(pg_catalog.sha256(k.secret OPERATOR(pg_catalog.||)
           pg_catalog.convert_to(c.adult_key, 'UTF8')), 'hex') END AS adult_pseudonym,
       x.source, x.channel, x.risk_types, x.risk_location, x.source_of_risk,
       x.adult_gender, x.received_at,
       r.created_at, r.sent_at, r.acknowledged_at, r.la_decision, r.decided_at,
       r.action_result, r.risk_outcome, r.harm_from_delay, r.outcome_at,
       r.feedback_at, r.closed_at, r.withdrawn_at
FROM safeguard.referral r
JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
JOIN safeguard.safeguarding_case c ON c.id OPERATOR(pg_catalog.=) r.case_id
CROSS JOIN safeguard.pseudonym_key k;
COMMENT ON VIEW safeguard.referral_pseudonymised IS 'Referrals for performance teams (safeguard_reader): no identifying columns; adult_pseudonym is a keyed hash, stable per adult.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.state IS 'Referral state.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.immediate_risk IS 'Adult at immediate risk.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.adult_pseudonym IS 'Keyed hash of the adult''s identity (NULL when unknown).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.source IS 'Who raised the concern.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.channel IS 'How it was received.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_types IS 'Types of risk (SAC).';
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

--------------------------------------------------------------------------
-- Workflow functions: thin wrappers over INSERT and UPDATE.  They run with
-- the caller's rights (SECURITY INVOKER): the C guards see the real actor
-- and decide, exactly as for a raw statement.
--------------------------------------------------------------------------
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
    immediate_risk boolean DEFAULT false)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id,
        provider_location_id, referrer_anonymous, referrer_name, referrer_phone, referrer_email,
        referrer_address, adult_nhs_number, adult_name, adult_date_of_birth, adult_date_of_death,
        adult_gender, risk_location, source_of_risk, immediate_risk)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
    RETURNING id
$$;
COMMENT ON FUNCTION safeguard.log_concern(timestamptz, safeguard.concern_channel, safeguard.concern_source, text, safeguard.sac_risk_type[], bigint, bigint, boolean, text, text, text, text, text, text, date, date, safeguard.sac_gender, safeguard.sac_risk_location, safeguard.sac_source_of_risk, boolean) IS
    'Logs a concern (contact centre, inspector, or an officer of its local authority); returns its id. The concern joins an open case about the same adult or location, or opens one.';

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
    INSERT INTO safeguard.triage (concern_id, decision, rationale, care_and_support_needs,
        abuse_or_neglect, unable_to_protect_self)
    VALUES ($1, $2, $3, $4, $5, $6);
    SELECT r.id FROM safeguard.referral r WHERE r.concern_id OPERATOR(pg_catalog.=) $1;
$$;
COMMENT ON FUNCTION safeguard.triage_concern(bigint, safeguard.triage_decision, text, boolean, boolean, boolean) IS
    'Records the triage decision on a concern with its rationale and the s42(1) threshold answers; returns the referral created by refer_to_la, else NULL.';

CREATE FUNCTION safeguard.referral_not_found(referral_id bigint) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_referral_not_found';
COMMENT ON FUNCTION safeguard.referral_not_found(bigint) IS 'Raises SG208: the referral does not exist or is not visible to the caller.';

CREATE FUNCTION safeguard.referral_set_state(referral_id bigint, state safeguard.referral_state,
    sent_at timestamptz DEFAULT NULL, sent_method safeguard.contact_method DEFAULT NULL,
    la_contact text DEFAULT NULL, la_id bigint DEFAULT NULL,
    acknowledged_at timestamptz DEFAULT NULL, la_reference text DEFAULT NULL,
    la_decision safeguard.la_decision DEFAULT NULL, la_decision_rationale text DEFAULT NULL,
    action_result safeguard.sac_action_result DEFAULT NULL,
    risk_outcome safeguard.sac_risk_outcome DEFAULT NULL,
    harm_from_delay safeguard.harm_finding DEFAULT NULL,
    feedback_at timestamptz DEFAULT NULL, feedback_method safeguard.contact_method DEFAULT NULL,
    feedback_waived_reason text DEFAULT NULL, withdrawal_rationale text DEFAULT NULL)
RETURNS safeguard.referral_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.referral_state;
BEGIN
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
           withdrawal_rationale = coalesce(referral_set_state.withdrawal_rationale, r.withdrawal_rationale)
     WHERE r.id OPERATOR(pg_catalog.=) referral_set_state.referral_id
    RETURNING r.state INTO result;
    IF NOT FOUND THEN
        PERFORM safeguard.referral_not_found(referral_set_state.referral_id);
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.referral_set_state(bigint, safeguard.referral_state, timestamptz, safeguard.contact_method, text, bigint, timestamptz, text, safeguard.la_decision, text, safeguard.sac_action_result, safeguard.sac_risk_outcome, safeguard.harm_finding, timestamptz, safeguard.contact_method, text, text) IS
    'Moves a referral to a state with that transition''s columns (others keep their values); the C guard decides. The named functions below call it.';

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

CREATE FUNCTION safeguard.record_referral_outcome(referral_id bigint,
    action_result safeguard.sac_action_result DEFAULT NULL,
    risk_outcome safeguard.sac_risk_outcome DEFAULT NULL,
    harm_from_delay safeguard.harm_finding DEFAULT NULL)
RETURNS safeguard.referral_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.referral_set_state($1, 'outcome_recorded', action_result => $2,
          risk_outcome => $3, harm_from_delay => $4) $$;
COMMENT ON FUNCTION safeguard.record_referral_outcome(bigint, safeguard.sac_action_result, safeguard.sac_risk_outcome, safeguard.harm_finding) IS
    'Records the outcome (SAC action and result, risk outcome) and, for a referral sent late, whether the delay caused harm.';

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

--------------------------------------------------------------------------
-- Large-scale provider enquiries: the Provider Concerns procedure, stages
-- 1 to 6.  Stage changes and every record are checked in C
-- (provider_enquiry.c, enquiry_fsm.c).
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

CREATE TABLE safeguard.provider_enquiry (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_id           bigint NOT NULL REFERENCES safeguard.organisation,
    la_id                 bigint NOT NULL REFERENCES safeguard.organisation,
    stage                 safeguard.enquiry_stage NOT NULL DEFAULT 'proposed',
    raised_by_regulator   boolean NOT NULL DEFAULT false,
    proposed_by           regrole,
    proposed_org_id       bigint REFERENCES safeguard.organisation,
    proposed_at           timestamptz,
    risk_level            safeguard.risk_level,
    risk_actions          text[],
    decision_rationale    text,
    override_rationale    text,
    alternative_action    text,
    decided_by            regrole,
    decided_org_id        bigint REFERENCES safeguard.organisation,
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
    closed_org_id         bigint REFERENCES safeguard.organisation,
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

CREATE TABLE safeguard.enquiry_meeting (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id     bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    kind           safeguard.meeting_kind NOT NULL,
    held_at        timestamptz NOT NULL,
    agenda_covered text[] NOT NULL DEFAULT '{}',
    decisions      text,
    fact_finding_working_days integer,
    recorded_by    regrole,
    recorded_org_id bigint REFERENCES safeguard.organisation,
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

CREATE TABLE safeguard.commissioning_decision (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id           bigint NOT NULL REFERENCES safeguard.provider_enquiry,
    meeting_id           bigint REFERENCES safeguard.enquiry_meeting,
    funding_authority_id bigint NOT NULL REFERENCES safeguard.organisation,
    action               safeguard.commissioning_action NOT NULL,
    rationale            text NOT NULL,
    decided_by           regrole,
    decided_org_id       bigint REFERENCES safeguard.organisation,
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

CREATE TABLE safeguard.improvement_plan (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id        bigint NOT NULL UNIQUE REFERENCES safeguard.provider_enquiry,
    provider_id       bigint REFERENCES safeguard.organisation,
    la_id             bigint REFERENCES safeguard.organisation,
    summary           text NOT NULL,
    issued_by         regrole,
    issued_org_id     bigint REFERENCES safeguard.organisation,
    issued_at         timestamptz,
    provider_response text,
    responded_by      regrole,
    responded_org_id  bigint REFERENCES safeguard.organisation,
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

INSERT INTO safeguard.deadline_kind VALUES
    ('initial_meeting', 'provider_enquiry', 'enquiry invoked (decided_at)', 'initial meeting held', 'The SAM convenes the initial enquiry meeting (stage 2).'),
    ('initial_meeting_major', 'provider_enquiry', 'enquiry invoked at major risk', 'initial meeting held', 'As initial_meeting, when the risk is major: a policy may shorten it.'),
    ('fact_finding', 'provider_enquiry', 'initial meeting held', 'outcomes meeting held or plan issued', 'Fact finding, within the timescale the initial meeting set (at most the rule''s amount).'),
    ('provider_response', 'provider_enquiry', 'improvement plan issued', 'provider''s response recorded', 'The provider responds to the Service Improvement Plan.'),
    ('quality_assurance', 'provider_enquiry', 'quality assurance started', 'quality assurance concluded', 'Quality assurance (stage 5).'),
    ('delay_meeting', 'provider_enquiry', 'serious delay flagged on a plan item', 'monitoring meeting held', 'A serious delay on the plan forces a meeting.');
INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, r.kind, r.amount, r.unit::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p,
     (VALUES ('initial_meeting', 5, 'working_days'), ('initial_meeting_major', 5, 'working_days'),
             ('fact_finding', 20, 'working_days'), ('provider_response', 48, 'clock_hours'),
             ('quality_assurance', 10, 'working_days'), ('delay_meeting', 5, 'working_days')) AS r(kind, amount, unit)
WHERE p.shipped;

CREATE FUNCTION safeguard.acts_for_provider(provider_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_acts_for_provider';
COMMENT ON FUNCTION safeguard.acts_for_provider(bigint) IS
    'Row-level security predicate: true when the current role holds the provider duty for that provider.';

CREATE FUNCTION safeguard.enquiry_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_enquiry_guard';
CREATE FUNCTION safeguard.enquiry_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_enquiry_after';
CREATE FUNCTION safeguard.enquiry_record_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_enquiry_record_guard';
CREATE FUNCTION safeguard.enquiry_record_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_enquiry_record_after';
COMMENT ON FUNCTION safeguard.enquiry_guard() IS 'Trigger: proposing an enquiry and its stage changes, checked against the enquiry state machine.';
COMMENT ON FUNCTION safeguard.enquiry_after() IS 'Trigger: deadlines opened and closed by enquiry stage changes.';
COMMENT ON FUNCTION safeguard.enquiry_record_guard() IS 'Trigger: who may record each enquiry record (criteria, locations, appointments, meetings, decisions, findings, plan, items, QA, notifications), at which stage.';
COMMENT ON FUNCTION safeguard.enquiry_record_after() IS 'Trigger: what an enquiry record moves on (stage, deadlines).';
REVOKE ALL ON FUNCTION safeguard.enquiry_guard(), safeguard.enquiry_after(),
    safeguard.enquiry_record_guard(), safeguard.enquiry_record_after() FROM PUBLIC;

CREATE TRIGGER enquiry_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.provider_enquiry
    FOR EACH ROW EXECUTE FUNCTION safeguard.enquiry_guard();
CREATE TRIGGER enquiry_after AFTER UPDATE ON safeguard.provider_enquiry
    FOR EACH ROW EXECUTE FUNCTION safeguard.enquiry_after();
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.provider_enquiry
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', 'stage', '');
DO $records$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['enquiry_location', 'enquiry_criterion', 'enquiry_appointment',
        'enquiry_meeting', 'meeting_attendee', 'commissioning_decision', 'enquiry_finding',
        'improvement_plan', 'plan_item', 'qa_activity', 'enquiry_notification']
    LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER enquiry_record_guard BEFORE INSERT OR UPDATE OR DELETE '
            'ON safeguard.%I FOR EACH ROW EXECUTE FUNCTION safeguard.enquiry_record_guard()', t);
        EXECUTE pg_catalog.format('CREATE TRIGGER enquiry_record_after AFTER INSERT OR UPDATE '
            'ON safeguard.%I FOR EACH ROW EXECUTE FUNCTION safeguard.enquiry_record_after()', t);
    END LOOP;
END
$records$;
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.enquiry_location
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('enquiry_id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.enquiry_criterion
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('enquiry_id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.meeting_attendee
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('meeting_id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.enquiry_appointment
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.enquiry_meeting
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.commissioning_decision
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.enquiry_finding
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.improvement_plan
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.plan_item
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', 'status', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.qa_activity
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.enquiry_notification
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', '');

-- Privileges: the lead authority's staff work the enquiry; commissioners
-- decide placements; the provider sees and answers only its own plan.
REVOKE ALL ON safeguard.provider_enquiry, safeguard.enquiry_location, safeguard.enquiry_criterion,
    safeguard.enquiry_appointment, safeguard.enquiry_meeting, safeguard.meeting_attendee,
    safeguard.commissioning_decision, safeguard.enquiry_finding, safeguard.improvement_plan,
    safeguard.plan_item, safeguard.qa_activity, safeguard.enquiry_notification FROM PUBLIC;
GRANT SELECT ON safeguard.provider_enquiry, safeguard.enquiry_location, safeguard.enquiry_criterion,
    safeguard.enquiry_appointment, safeguard.enquiry_meeting, safeguard.meeting_attendee,
    safeguard.commissioning_decision, safeguard.enquiry_finding, safeguard.improvement_plan,
    safeguard.plan_item, safeguard.qa_activity, safeguard.enquiry_notification
    TO safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
       safeguard_sam, safeguard_enquiry_officer, safeguard_commissioner;
GRANT INSERT ON safeguard.provider_enquiry, safeguard.enquiry_location, safeguard.enquiry_criterion
    TO safeguard_admin, safeguard_la_officer, safeguard_sam;
GRANT UPDATE ON safeguard.provider_enquiry, safeguard.enquiry_criterion TO safeguard_admin, safeguard_la_officer, safeguard_sam;
GRANT INSERT ON safeguard.enquiry_appointment, safeguard.enquiry_meeting, safeguard.meeting_attendee,
    safeguard.improvement_plan, safeguard.plan_item, safeguard.enquiry_notification
    TO safeguard_admin, safeguard_sam;
GRANT INSERT ON safeguard.commissioning_decision TO safeguard_commissioner;
GRANT INSERT ON safeguard.enquiry_finding TO safeguard_enquiry_officer;
GRANT INSERT ON safeguard.qa_activity TO safeguard_admin, safeguard_sam, safeguard_enquiry_officer;
GRANT SELECT, UPDATE ON safeguard.improvement_plan, safeguard.plan_item TO safeguard_provider;
GRANT UPDATE ON safeguard.plan_item TO safeguard_admin, safeguard_sam, safeguard_enquiry_officer;

ALTER TABLE safeguard.provider_enquiry ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.provider_enquiry FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.provider_enquiry
    USING (safeguard.may_see_la(la_id)) WITH CHECK (safeguard.may_see_la(la_id));
DO $policies$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['enquiry_location', 'enquiry_criterion', 'enquiry_appointment',
        'enquiry_meeting', 'enquiry_finding', 'qa_activity', 'enquiry_notification']
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE pg_catalog.format('CREATE POLICY lead_la ON safeguard.%I USING (EXISTS ('
            'SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id))', t);
    END LOOP;
END
$policies$;
ALTER TABLE safeguard.meeting_attendee ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.meeting_attendee FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la ON safeguard.meeting_attendee USING (EXISTS (
    SELECT 1 FROM safeguard.enquiry_meeting m WHERE m.id OPERATOR(pg_catalog.=) meeting_id));
ALTER TABLE safeguard.commissioning_decision ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.commissioning_decision FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la_or_funder ON safeguard.commissioning_decision USING (
    funding_authority_id OPERATOR(pg_catalog.=) safeguard.current_organisation()
    OR EXISTS (SELECT 1 FROM safeguard.provider_enquiry e WHERE e.id OPERATOR(pg_catalog.=) enquiry_id));
ALTER TABLE safeguard.improvement_plan ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.improvement_plan FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la_or_provider ON safeguard.improvement_plan USING (
    safeguard.acts_for_provider(provider_id) OR safeguard.may_see_la(la_id));
ALTER TABLE safeguard.plan_item ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.plan_item FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_la_or_provider ON safeguard.plan_item USING (
    safeguard.acts_for_provider(provider_id) OR safeguard.may_see_la(la_id));


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

GRANT SELECT ON safeguard.provider_enquiry_overview, safeguard.enquiry_casework
    TO safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
       safeguard_sam, safeguard_enquiry_officer, safeguard_commissioner;

-- Workflow functions of provider enquiries (SECURITY INVOKER wrappers).
CREATE FUNCTION safeguard.raise_not_found(what text, id bigint) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_raise_not_found';
COMMENT ON FUNCTION safeguard.raise_not_found(text, bigint) IS 'Raises SG208: the record does not exist or is not visible to the caller.';

CREATE FUNCTION safeguard.propose_provider_enquiry(provider_id bigint, la_id bigint,
    location_ids bigint[] DEFAULT '{}', raised_by_regulator boolean DEFAULT false)
RETURNS bigint LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
    loc bigint;
BEGIN
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
AS $$ INSERT INTO safeguard.enquiry_appointment (enquiry_id, role, duty) VALUES ($1, $2, $3) RETURNING id $$;
COMMENT ON FUNCTION safeguard.appoint_to_enquiry(bigint, regrole, safeguard.duty) IS
    'Appoints a SAM or an enquiry officer (who must hold that duty for the leading local authority).';

CREATE FUNCTION safeguard.record_enquiry_meeting(enquiry_id bigint, kind safeguard.meeting_kind,
    held_at timestamptz, agenda_covered text[] DEFAULT '{}', decisions text DEFAULT NULL,
    fact_finding_working_days integer DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO safeguard.enquiry_meeting (enquiry_id, kind, held_at, agenda_covered, decisions,
        fact_finding_working_days)
    VALUES ($1, $2, $3, coalesce($4, '{}'), $5, $6) RETURNING id
$$;
COMMENT ON FUNCTION safeguard.record_enquiry_meeting(bigint, safeguard.meeting_kind, timestamptz, text[], text, integer) IS
    'Records an enquiry meeting. The initial meeting sets the fact-finding timescale (at most 20 working days) and moves the enquiry to fact finding; a late meeting is accepted and its deadline marked breached.';

CREATE FUNCTION safeguard.add_meeting_attendee(meeting_id bigint, organisation_id bigint,
    role_title text, attendee_name text DEFAULT NULL)
RETURNS void LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ INSERT INTO safeguard.meeting_attendee VALUES ($1, $2, $3, $4) $$;
COMMENT ON FUNCTION safeguard.add_meeting_attendee(bigint, bigint, text, text) IS
    'Records who attended a meeting, by organisation and role.';

CREATE FUNCTION safeguard.record_commissioning_decision(enquiry_id bigint, funding_authority_id bigint,
    action safeguard.commissioning_action, rationale text, meeting_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO safeguard.commissioning_decision (enquiry_id, funding_authority_id, action, rationale, meeting_id)
    VALUES ($1, $2, $3, $4, $5) RETURNING id
$$;
COMMENT ON FUNCTION safeguard.record_commissioning_decision(bigint, bigint, safeguard.commissioning_action, text, bigint) IS
    'A funding authority''s commissioner records a placement decision; the regulator abstains.';

CREATE FUNCTION safeguard.record_finding(enquiry_id bigint, finding text, concern_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ INSERT INTO safeguard.enquiry_finding (enquiry_id, finding, concern_id) VALUES ($1, $2, $3) RETURNING id $$;
COMMENT ON FUNCTION safeguard.record_finding(bigint, text, bigint) IS
    'Fact finding: an appointed enquiry officer records a finding, against a concern when it is about one.';

CREATE FUNCTION safeguard.issue_improvement_plan(enquiry_id bigint, summary text)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ INSERT INTO safeguard.improvement_plan (enquiry_id, summary) VALUES ($1, $2) RETURNING id $$;
COMMENT ON FUNCTION safeguard.issue_improvement_plan(bigint, text) IS
    'Stage 3: issues the Service Improvement Plan after the outcomes meeting; the provider has 48 clock hours to respond.';

CREATE FUNCTION safeguard.add_plan_item(plan_id bigint, description text, owner text, due_date date,
    referral_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO safeguard.plan_item (plan_id, description, owner, due_date, referral_id)
    VALUES ($1, $2, $3, $4, $5) RETURNING id
$$;
COMMENT ON FUNCTION safeguard.add_plan_item(bigint, text, text, date, bigint) IS
    'Adds an item (owner, due date) to a plan; an individual safeguarding plan is an item linked to its referral.';

CREATE FUNCTION safeguard.respond_to_plan(plan_id bigint, response text)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
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
    INSERT INTO safeguard.qa_activity (enquiry_id, activity, carried_out_at)
    VALUES ($1, $2, coalesce($3, safeguard.now())) RETURNING id
$$;
COMMENT ON FUNCTION safeguard.record_qa_activity(bigint, text, timestamptz) IS 'Records a quality assurance activity.';

CREATE FUNCTION safeguard.record_enquiry_notification(enquiry_id bigint,
    recipient safeguard.notification_recipient, sent_on date, method safeguard.contact_method, reference text)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO safeguard.enquiry_notification (enquiry_id, recipient, sent_on, method, reference)
    VALUES ($1, $2, $3, $4, $5) RETURNING id
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

--------------------------------------------------------------------------
-- Tamper evidence: verification, digests, case journeys
--------------------------------------------------------------------------
CREATE FUNCTION safeguard.verify_audit()
    RETURNS TABLE (audit_id bigint, chain_key text, chain_seq bigint, problem text)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_audit';
COMMENT ON FUNCTION safeguard.verify_audit() IS
    'Recomputes every hash chain; returns the first broken row (altered, missing before it, out of order, unlinked) or no row. Read-only.';
CREATE FUNCTION safeguard.verify_audit(digest text)
    RETURNS TABLE (audit_id bigint, chain_key text, chain_seq bigint, problem text)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_audit_digest';
COMMENT ON FUNCTION safeguard.verify_audit(text) IS
    'As verify_audit(), and also checks a digest kept from audit_digest(): detects deleted newest rows and rebuilt chains. Read-only.';
CREATE FUNCTION safeguard.verify_audit_strict(digest text DEFAULT NULL) RETURNS boolean
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_audit_strict';
COMMENT ON FUNCTION safeguard.verify_audit_strict(text) IS
    'Returns true when the audit trail (and the digest, when given) verifies; raises SG401 naming the first bad row otherwise.';
CREATE FUNCTION safeguard.audit_digest() RETURNS text
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_audit_digest';
COMMENT ON FUNCTION safeguard.audit_digest() IS
    'Seals every chain''s current head and returns sg1:<seal>:<sha256 hex>. Keep it outside the database (see the README); verify_audit(digest) checks against it.';
REVOKE ALL ON FUNCTION safeguard.verify_audit(), safeguard.verify_audit(text),
    safeguard.verify_audit_strict(text), safeguard.audit_digest() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_audit(), safeguard.verify_audit(text),
    safeguard.verify_audit_strict(text), safeguard.audit_digest() TO safeguard_auditor, safeguard_admin;

CREATE FUNCTION safeguard.case_journey(case_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.id, a.recorded_at, a.business_time, a.login_role, a.acting_role, a.duty, o.name,
           a.table_name, a.row_key, a.action, a.from_state, a.to_state, a.changes
    FROM safeguard.audit_event a
    LEFT JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) a.organisation_id
    WHERE a.case_id OPERATOR(pg_catalog.=) $1
    ORDER BY a.id
$$;
COMMENT ON FUNCTION safeguard.case_journey(bigint) IS
    'A case''s full chronological timeline from the audit trail: every concern, triage, referral and deadline change, with actor, duty, organisation and what changed (CQC case tracking).';

CREATE FUNCTION safeguard.referral_journey(referral_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.id, a.recorded_at, a.business_time, a.login_role, a.acting_role, a.duty, o.name,
           a.table_name, a.row_key, a.action, a.from_state, a.to_state, a.changes
    FROM safeguard.audit_event a
    LEFT JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) a.organisation_id
    WHERE (a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) $1::pg_catalog.text)
       OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (
            SELECT d.id::pg_catalog.text FROM safeguard.deadline d
            WHERE d.subject_table OPERATOR(pg_catalog.=) 'referral' AND d.subject_id OPERATOR(pg_catalog.=) $1))
       OR (a.table_name OPERATOR(pg_catalog.=) ANY ('{concern,triage}'::text[]) AND a.row_key OPERATOR(pg_catalog.=) (
            SELECT r.concern_id::pg_catalog.text FROM safeguard.referral r WHERE r.id OPERATOR(pg_catalog.=) $1))
    ORDER BY a.id
$$;
COMMENT ON FUNCTION safeguard.referral_journey(bigint) IS
    'A referral''s chronological timeline from the audit trail: its concern, triage, every transition and deadline.';

CREATE FUNCTION safeguard.enquiry_journey(enquiry_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.id, a.recorded_at, a.business_time, a.login_role, a.acting_role, a.duty, o.name,
           a.table_name, a.row_key, a.action, a.from_state, a.to_state, a.changes
    FROM safeguard.audit_event a
    LEFT JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) a.organisation_id
    WHERE (a.table_name OPERATOR(pg_catalog.=) 'provider_enquiry' AND a.row_key OPERATOR(pg_catalog.=) $1::pg_catalog.text)
       OR (a.changes OPERATOR(pg_catalog.->>) 'enquiry_id') OPERATOR(pg_catalog.=) $1::pg_catalog.text
       OR (a.table_name OPERATOR(pg_catalog.=) 'plan_item' AND a.row_key OPERATOR(pg_catalog.=) ANY (
            SELECT i.id::pg_catalog.text FROM safeguard.plan_item i
            JOIN safeguard.improvement_plan p ON p.id OPERATOR(pg_catalog.=) i.plan_id
            WHERE p.enquiry_id OPERATOR(pg_catalog.=) $1))
       OR (a.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND a.row_key OPERATOR(pg_catalog.=) ANY (
            SELECT p.id::pg_catalog.text FROM safeguard.improvement_plan p
            WHERE p.enquiry_id OPERATOR(pg_catalog.=) $1))
       OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (
            SELECT d.id::pg_catalog.text FROM safeguard.deadline d
            WHERE d.subject_table OPERATOR(pg_catalog.=) 'provider_enquiry' AND d.subject_id OPERATOR(pg_catalog.=) $1))
    ORDER BY a.id
$$;
COMMENT ON FUNCTION safeguard.enquiry_journey(bigint) IS
    'A provider enquiry''s chronological timeline from the audit trail: stages, records, plan and deadlines.';
REVOKE ALL ON FUNCTION safeguard.case_journey(bigint), safeguard.referral_journey(bigint),
    safeguard.enquiry_journey(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.case_journey(bigint), safeguard.referral_journey(bigint),
    safeguard.enquiry_journey(bigint) TO safeguard_auditor, safeguard_admin;

--------------------------------------------------------------------------
-- DDL on safeguard's objects: refused outside extension scripts for every
-- role that is not a superuser; a superuser's DDL is recorded in the audit
-- chain (detected, since it cannot be prevented).
--------------------------------------------------------------------------
CREATE FUNCTION safeguard.guard_ddl() RETURNS event_trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_guard_ddl';
COMMENT ON FUNCTION safeguard.guard_ddl() IS
    'Event trigger: DDL on safeguard objects outside extension scripts is refused (SG403), or recorded in the audit chain when a superuser runs it.';
REVOKE ALL ON FUNCTION safeguard.guard_ddl() FROM PUBLIC;
CREATE EVENT TRIGGER safeguard_guard_ddl ON ddl_command_end EXECUTE FUNCTION safeguard.guard_ddl();
CREATE EVENT TRIGGER safeguard_guard_drop ON sql_drop EXECUTE FUNCTION safeguard.guard_ddl();
-- Fire even under session_replication_role = replica.
ALTER EVENT TRIGGER safeguard_guard_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER safeguard_guard_drop ENABLE ALWAYS;


--------------------------------------------------------------------------
-- Deadlines that act on their own: an escalation ladder per rule, each
-- rung fired exactly once by safeguard.sweep() (from the background worker
-- or pg_cron), an outbox and a NOTIFY in the same transaction.
--------------------------------------------------------------------------
CREATE TYPE safeguard.alert_rung AS ENUM ('due_soon', 'breach', 'escalate');
COMMENT ON TYPE safeguard.alert_rung IS 'Rungs of an escalation ladder, in firing order: due_soon (warning), breach (the due instant passed), escalate (to the organisation''s named senior contact).';

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

CREATE TABLE safeguard.outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      text NOT NULL,
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    delivered_at timestamptz,
    delivered_by text
);
CREATE INDEX outbox_undelivered ON safeguard.outbox (id) WHERE delivered_at IS NULL;
COMMENT ON TABLE safeguard.outbox IS 'Notifications to deliver, written in the same transaction as the rung that caused them. Consume with SELECT ... WHERE delivered_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED, deliver, then safeguard.outbox_mark_delivered(ids) in the same transaction.';
COMMENT ON COLUMN safeguard.outbox.id IS 'Order of writing.';
COMMENT ON COLUMN safeguard.outbox.channel IS 'The NOTIFY channel it was also announced on (safeguard_deadline).';
COMMENT ON COLUMN safeguard.outbox.payload IS 'The notification (see the README).';
COMMENT ON COLUMN safeguard.outbox.created_at IS 'When it was written.';
COMMENT ON COLUMN safeguard.outbox.delivered_at IS 'When a consumer marked it delivered; NULL until then.';
COMMENT ON COLUMN safeguard.outbox.delivered_by IS 'The role that marked it delivered.';

CREATE FUNCTION safeguard.sweep(max_rungs integer DEFAULT 1000) RETURNS integer
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_sweep';
COMMENT ON FUNCTION safeguard.sweep(integer) IS
    'Fires the due rungs of open deadlines (due_soon, breach, escalate, in order), at most max_rungs per call, each exactly once, with an outbox row and a NOTIFY on channel safeguard_deadline in the same transaction; returns how many fired. Called by the background worker, or by pg_cron.';
CREATE FUNCTION safeguard.outbox_mark_delivered(ids bigint[]) RETURNS integer
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_outbox_mark_delivered';
COMMENT ON FUNCTION safeguard.outbox_mark_delivered(bigint[]) IS
    'Marks outbox rows delivered (once); returns how many were marked.';
CREATE FUNCTION safeguard.outbox_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_outbox_guard';
COMMENT ON FUNCTION safeguard.outbox_guard() IS 'Trigger: outbox rows come only from safeguard; only their delivery is recorded, once; none is deleted.';
REVOKE ALL ON FUNCTION safeguard.sweep(integer), safeguard.outbox_mark_delivered(bigint[]),
    safeguard.outbox_guard() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sweep(integer), safeguard.outbox_mark_delivered(bigint[]) TO safeguard_admin;

CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.deadline_alert
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER outbox_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.outbox
    FOR EACH ROW EXECUTE FUNCTION safeguard.outbox_guard();
CREATE TRIGGER policy_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.escalation_rung
    FOR EACH ROW EXECUTE FUNCTION safeguard.policy_guard();
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.deadline_alert
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('deadline_id', 'rung', 'case_id');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.escalation_rung
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('policy_id', '', '');

REVOKE ALL ON safeguard.escalation_rung, safeguard.deadline_alert, safeguard.outbox FROM PUBLIC;
GRANT SELECT ON safeguard.escalation_rung TO PUBLIC;
GRANT INSERT, UPDATE, DELETE ON safeguard.escalation_rung TO safeguard_admin;
GRANT SELECT ON safeguard.deadline_alert
    TO safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
       safeguard_sam, safeguard_enquiry_officer, safeguard_commissioner, safeguard_provider;
GRANT SELECT, UPDATE ON safeguard.outbox TO safeguard_admin;
ALTER TABLE safeguard.deadline_alert ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_alert FORCE ROW LEVEL SECURITY;
CREATE POLICY own_or_overseen ON safeguard.deadline_alert
    USING (safeguard.may_see_la(organisation_id)
           OR organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());

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
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.deadline_pause
    FOR EACH ROW EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.deadline_pause
    FOR EACH ROW EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
REVOKE ALL ON safeguard.deadline_pause FROM PUBLIC;
GRANT SELECT ON safeguard.deadline_pause
    TO safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
       safeguard_sam, safeguard_enquiry_officer, safeguard_commissioner, safeguard_provider;
ALTER TABLE safeguard.deadline_pause ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_pause FORCE ROW LEVEL SECURITY;
CREATE POLICY own_or_overseen ON safeguard.deadline_pause
    USING (safeguard.may_see_la(organisation_id)
           OR organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());

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
    'Extends a deadline once, by an amount in its own unit, with a reason and an approver (another role holding the admin or SAM duty); returns the new due instant.';

-- What the caller's own organisation must act on, with the contact to chase.
CREATE VIEW safeguard.deadlines_due_today WITH (security_invoker = true) AS
SELECT d.* FROM safeguard.my_deadlines d
WHERE (d.due_at OPERATOR(pg_catalog.-) interval '1 microsecond') AT TIME ZONE 'Europe/London'
      OPERATOR(pg_catalog.<) ((safeguard.now() AT TIME ZONE 'Europe/London')::date OPERATOR(pg_catalog.+) 1)
  AND NOT d.overdue;
COMMENT ON VIEW safeguard.deadlines_due_today IS 'The caller''s organisation''s open deadlines that fall due by the end of today (Europe/London) and are not yet overdue.';
CREATE VIEW safeguard.deadlines_due_soon WITH (security_invoker = true) AS
SELECT d.* FROM safeguard.my_deadlines d
WHERE NOT d.overdue AND EXISTS (SELECT 1 FROM safeguard.deadline_alert a
    WHERE a.deadline_id OPERATOR(pg_catalog.=) d.id AND a.rung OPERATOR(pg_catalog.=) 'due_soon');
COMMENT ON VIEW safeguard.deadlines_due_soon IS 'The caller''s organisation''s open deadlines whose due-soon warning has fired and that are not yet overdue.';
CREATE VIEW safeguard.deadlines_overdue WITH (security_invoker = true) AS
SELECT d.* FROM safeguard.my_deadlines d WHERE d.overdue;
COMMENT ON VIEW safeguard.deadlines_overdue IS 'The caller''s organisation''s open deadlines past their due instant, with the named senior contact.';
CREATE VIEW safeguard.deadlines_escalated WITH (security_invoker = true) AS
SELECT d.*, a.fired_at AS escalated_at FROM safeguard.open_deadlines d
JOIN safeguard.deadline_alert a ON a.deadline_id OPERATOR(pg_catalog.=) d.id
                               AND a.rung OPERATOR(pg_catalog.=) 'escalate';
COMMENT ON VIEW safeguard.deadlines_escalated IS 'Open deadlines the caller may see that have been escalated to the named senior contact: the chase list.';
GRANT SELECT ON safeguard.deadlines_due_today, safeguard.deadlines_due_soon,
    safeguard.deadlines_overdue, safeguard.deadlines_escalated TO safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer, safeguard_commissioner, safeguard_provider;
COMMENT ON COLUMN safeguard.deadlines_escalated.escalated_at IS 'When the escalation fired.';
DO $comments$
DECLARE
    v text;
    c record;
BEGIN
    FOREACH v IN ARRAY ARRAY['deadlines_due_today', 'deadlines_due_soon', 'deadlines_overdue', 'deadlines_escalated']
    LOOP
        FOR c IN SELECT a.attname, pg_catalog.col_description('safeguard.open_deadlines'::pg_catalog.regclass, b.attnum) AS d
                 FROM pg_catalog.pg_attribute a
                 JOIN pg_catalog.pg_attribute b ON b.attrelid OPERATOR(pg_catalog.=) 'safeguard.open_deadlines'::pg_catalog.regclass
                                               AND b.attname OPERATOR(pg_catalog.=) a.attname
                 WHERE a.attrelid OPERATOR(pg_catalog.=) pg_catalog.format('safeguard.%I', v)::pg_catalog.regclass
                   AND a.attnum OPERATOR(pg_catalog.>) 0
        LOOP
            EXECUTE pg_catalog.format('COMMENT ON COLUMN safeguard.%I.%I IS %L', v, c.attname, c.d);
        END LOOP;
    END LOOP;
END
$comments$;

--------------------------------------------------------------------------
-- Every table refuses TRUNCATE; every trigger fires ALWAYS.
--------------------------------------------------------------------------
DO $triggers$
DECLARE
    t text;
    g record;
BEGIN
    FOREACH t IN ARRAY ARRAY['division', 'bank_holiday', 'organisation', 'duty_grant',
        'safeguarding_case', 'concern', 'triage', 'referral', 'deadline_kind',
        'deadline_policy', 'deadline_rule', 'deadline', 'audit_event', 'audit_seal', 'audit_seal_head', 'pseudonym_key',
        'provider_enquiry', 'enquiry_location', 'enquiry_criterion', 'enquiry_appointment',
        'enquiry_meeting', 'meeting_attendee', 'commissioning_decision', 'enquiry_finding',
        'improvement_plan', 'plan_item', 'qa_activity', 'enquiry_notification',
        'escalation_rung', 'deadline_alert', 'outbox', 'deadline_pause', 'serial_lock']
    LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.%I '
                                  'FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate()', t);
    END LOOP;
    FOR g IN SELECT c.relname, tg.tgname
             FROM pg_catalog.pg_trigger tg
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) tg.tgrelid
             JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
             WHERE n.nspname OPERATOR(pg_catalog.=) 'safeguard' AND NOT tg.tgisinternal
               AND tg.tgenabled OPERATOR(pg_catalog.<>) 'A'
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', g.relname, g.tgname);
    END LOOP;
END
$triggers$;

-- Tables belong to a NOLOGIN role nobody can log in as or is a member of:
-- no login role is the "owner" that could alter them.
DO $owner$
DECLARE
    t record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'safeguard_owner') THEN
        CREATE ROLE safeguard_owner NOLOGIN;
    END IF;
    FOR t IN SELECT c.relname FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
             WHERE n.nspname OPERATOR(pg_catalog.=) 'safeguard' AND c.relkind OPERATOR(pg_catalog.=) 'r'
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I OWNER TO safeguard_owner', t.relname);
    END LOOP;
END
$owner$;

--------------------------------------------------------------------------
-- pg_dump keeps the data (installed defaults excepted)
--------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('safeguard.organisation', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.duty_grant', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.safeguarding_case', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.concern', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.triage', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.referral', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_policy', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_rule', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_event', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.escalation_rung', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_alert', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.outbox', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_pause', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_pause_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.outbox_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_seal', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_seal_head', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_seal_id_seq', '');
-- Identity sequences, so restored rows keep their numbers and new ones follow on.
SELECT pg_catalog.pg_extension_config_dump('safeguard.organisation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.duty_grant_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.safeguarding_case_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.concern_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.referral_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_policy_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_event_id_seq', '');
