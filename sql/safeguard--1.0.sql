/* safeguard--1.0.sql: the foundation. Released scripts never change. */

\echo Use "CREATE EXTENSION safeguard" to load this file. \quit

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
