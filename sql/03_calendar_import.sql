-- Importing gov.uk's bank-holidays.json, and changes to the calendar being
-- seen at once (the cache is invalidated, not timed out).
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';
\set govuk `cat data/bank-holidays.json`

-- The shipped calendar already holds the document: nothing is added.
SELECT safeguard.import_bank_holidays(:'govuk') AS added_again;
SELECT count(*) AS holidays FROM safeguard.bank_holiday;

-- A newly announced one-off holiday is seen by the very next computation
-- (this session has the calendar cached already).
SELECT safeguard.add_working_days('2027-06-02', 1) AS before_announcement;
INSERT INTO safeguard.bank_holiday (division, day, title)
VALUES ('england-and-wales', '2027-06-03', 'Test one-off bank holiday');
SELECT safeguard.add_working_days('2027-06-02', 1) AS after_announcement;
-- A moved holiday: delete and insert; a rolled-back change leaves no trace.
BEGIN;
DELETE FROM safeguard.bank_holiday WHERE division = 'england-and-wales' AND day = '2027-06-03';
SELECT safeguard.add_working_days('2027-06-02', 1) AS inside_transaction;
ROLLBACK;
SELECT safeguard.add_working_days('2027-06-02', 1) AS after_rollback;
DELETE FROM safeguard.bank_holiday WHERE division = 'england-and-wales' AND day = '2027-06-03';

-- Extending coverage: a 2029 calendar for england-and-wales.
SELECT safeguard.add_working_days('2028-12-29', 1);
SELECT safeguard.import_bank_holidays('{"england-and-wales": {"division": "england-and-wales", "events": [
    {"title": "New Year''s Day", "date": "2029-01-01", "notes": "", "bunting": true},
    {"title": "Good Friday", "date": "2029-03-30", "notes": "", "bunting": false},
    {"title": "Easter Monday", "date": "2029-04-02", "notes": "", "bunting": true}]}}') AS added_2029;
SELECT division, covered_from, covered_to FROM safeguard.division ORDER BY division;
SELECT safeguard.add_working_days('2028-12-29', 1) AS over_new_year_2029,
       safeguard.add_working_days('2029-03-29', 1) AS over_easter_2029;
-- Idempotent.
SELECT safeguard.import_bank_holidays('{"england-and-wales": {"events": [
    {"title": "New Year''s Day", "date": "2029-01-01"}]}}') AS added_twice;
-- Scotland was not in that document: still not covered.
SELECT safeguard.add_working_days('2028-12-29', 1, 'scotland');

-- A document that would leave a gap is refused (2031 after a 2029 coverage).
SELECT safeguard.import_bank_holidays('{"england-and-wales": {"events": [
    {"title": "New Year''s Day", "date": "2031-01-01"}]}}');

-- Holidays in the document's years that it does not list are reported.
INSERT INTO safeguard.bank_holiday (division, day, title)
VALUES ('england-and-wales', '2029-05-07', 'Stale holiday');
\set VERBOSITY terse
SELECT safeguard.import_bank_holidays('{"england-and-wales": {"events": [
    {"title": "New Year''s Day", "date": "2029-01-01"}]}}') AS added_with_notice;
\set VERBOSITY sqlstate

-- A new division is created with the Europe/London time zone.
SELECT safeguard.import_bank_holidays('{"isle-of-test": {"events": [
    {"title": "Test Day", "date": "2024-06-05"}]}}') AS added_new_division;
SELECT safeguard.is_working_day('2024-06-05', 'isle-of-test') AS test_day_working,
       safeguard.is_working_day('2024-06-06', 'isle-of-test') AS next_day_working;

-- Bad documents: each raises SG106 and changes nothing.
SELECT count(*) AS holidays_before FROM safeguard.bank_holiday \gset
SELECT safeguard.import_bank_holidays('[1, 2]');
SELECT safeguard.import_bank_holidays('"text"');
SELECT safeguard.import_bank_holidays('{"scotland": []}');
SELECT safeguard.import_bank_holidays('{"scotland": {"division": "england-and-wales", "events": []}}');
SELECT safeguard.import_bank_holidays('{"scotland": {"division": "scotland"}}');
SELECT safeguard.import_bank_holidays('{"scotland": {"events": [{"title": "X", "date": "2029-02-30"}]}}');
SELECT safeguard.import_bank_holidays('{"scotland": {"events": [{"title": "X", "date": "01/01/2029"}]}}');
SELECT safeguard.import_bank_holidays('{"scotland": {"events": [{"date": "2029-01-01"}]}}');
SELECT safeguard.import_bank_holidays('{"scotland": {"events": [{"title": "X", "date": "2029-01-01", "bunting": "yes"}]}}');
-- A valid division followed by a bad one: the valid part is not written either.
SELECT safeguard.import_bank_holidays('{"northern-ireland": {"events": [{"title": "New Year", "date": "2029-01-01"}]},
                                        "scotland": {"events": [42]}}');
SELECT safeguard.import_bank_holidays(NULL);
SELECT count(*) = :holidays_before AS nothing_changed FROM safeguard.bank_holiday;

-- Divisions are validated.
INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to)
VALUES ('atlantis', 'Atlantis/Capital', '2024-01-01', '2024-12-31');
INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to)
VALUES ('atlantis', 'Europe/London', '2024-12-31', '2024-01-01');
INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to)
VALUES ('atlantis', 'Europe/London', '-infinity', '2024-01-01');
