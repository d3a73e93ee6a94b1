-- Every bad input to the calendar engine raises its domain SQLSTATE, and
-- the answers do not depend on session settings.
BEGIN;
SELECT plan(30);

SELECT throws_ok($$SELECT safeguard.add_working_days('2028-12-29', 1)$$, 'SG101', NULL,
                 'after the coverage: SG101, never a weekends-only answer');
SELECT throws_ok($$SELECT safeguard.add_working_days('2018-01-02', -1)$$, 'SG101', NULL,
                 'before the coverage: SG101');
SELECT throws_ok($$SELECT safeguard.add_working_days('1990-06-01', 1)$$, 'SG101', NULL,
                 'a start far before the coverage: SG101');
SELECT throws_ok($$SELECT safeguard.is_working_day('2035-01-01')$$, 'SG101', NULL,
                 'is_working_day outside the coverage: SG101');
SELECT throws_ok($$SELECT safeguard.working_days_between('2024-01-01', '2030-01-01')$$, 'SG101', NULL,
                 'working_days_between outside the coverage: SG101');
SELECT throws_ok($$SELECT safeguard.working_deadline('2028-12-30 12:00+00', 0)$$, 'SG101', NULL,
                 'working_deadline outside the coverage: SG101');
SELECT throws_ok($$SELECT safeguard.add_working_days('2024-01-01', 1, 'wales')$$, 'SG102', NULL,
                 'unknown division: SG102');
SELECT throws_ok($$SELECT safeguard.is_working_day('2024-01-01', '')$$, 'SG102', NULL,
                 'empty division: SG102');
SELECT throws_ok($$SELECT safeguard.working_deadline(now(), 1, 'England-And-Wales')$$, 'SG102', NULL,
                 'division names are exact: SG102');
SELECT throws_ok($$SELECT safeguard.add_working_days('2024-01-01', 1, NULL)$$, 'SG103', NULL,
                 'NULL division: SG103');
SELECT throws_ok($$SELECT safeguard.working_days_between('2024-01-01', '2024-02-01', NULL)$$, 'SG103', NULL,
                 'NULL division for a count: SG103');
SELECT throws_ok($$SELECT safeguard.working_deadline(now(), 1, NULL)$$, 'SG103', NULL,
                 'NULL division for a deadline: SG103');
SELECT throws_ok($$SELECT safeguard.import_bank_holidays(NULL)$$, 'SG103', NULL,
                 'NULL document: SG103');
SELECT throws_ok($$SELECT safeguard.add_working_days('infinity', 1)$$, 'SG104', NULL,
                 'infinite start: SG104');
SELECT throws_ok($$SELECT safeguard.is_working_day('-infinity')$$, 'SG104', NULL,
                 'infinite day: SG104');
SELECT throws_ok($$SELECT safeguard.working_deadline('-infinity', 1)$$, 'SG104', NULL,
                 'infinite instant: SG104');
SELECT throws_ok($$SELECT safeguard.add_working_days('2024-01-01', 2147483647)$$, 'SG101', NULL,
                 'the largest n leaves the coverage without overflow');
SELECT throws_ok($$SELECT safeguard.add_working_days('2024-01-01', -2147483648)$$, 'SG101', NULL,
                 'the smallest n leaves the coverage without overflow');
SELECT throws_ok($$SELECT safeguard.import_bank_holidays('[]')$$, 'SG106', NULL,
                 'a document that is not an object: SG106');
SELECT throws_ok($$SELECT safeguard.import_bank_holidays('{"scotland": {"events": [{"title": "X", "date": "2029-13-01"}]}}')$$,
                 'SG106', NULL, 'an impossible date: SG106');
SELECT throws_ok($$SELECT safeguard.import_bank_holidays('{"scotland": {"events": [{"title": "X", "date": "2033-01-01"}]}}')$$,
                 'SG108', NULL, 'a document leaving a gap in coverage: SG108');
SELECT throws_ok($$UPDATE safeguard.division SET covered_from = covered_to + 1 WHERE division = 'scotland'$$,
                 'SG108', NULL, 'an inverted coverage: SG108');
SELECT throws_ok($$UPDATE safeguard.division SET time_zone = 'Nowhere/Atall' WHERE division = 'scotland'$$,
                 'SG107', NULL, 'an unknown time zone: SG107');

-- Session settings change nothing.
SELECT is(safeguard.working_deadline('2024-03-28 16:30+00', 1),
          '2024-04-02 23:00:00+00'::timestamptz, 'deadline under the default settings');
SET TimeZone = 'Pacific/Kiritimati';
SET DateStyle = 'SQL, DMY';
SET IntervalStyle = 'sql_standard';
SET extra_float_digits = -15;
SELECT is(safeguard.working_deadline('2024-03-28 16:30+00', 1),
          '2024-04-02 23:00:00+00'::timestamptz, 'the same instant under a hostile session profile');
SELECT is(safeguard.add_working_days('2024-03-28', 1), '2024-04-02'::date,
          'the same date under a hostile session profile');
SELECT throws_like($$SELECT safeguard.add_working_days('2028-12-29', 1)$$,
                   '%2028-12-29%', 'error messages write dates in ISO 8601 whatever DateStyle says');
SET TimeZone = 'America/Los_Angeles';
SELECT is(safeguard.working_deadline('2024-03-28 16:30+00', 1),
          '2024-04-02 23:00:00+00'::timestamptz, 'the same instant in Los Angeles');
RESET ALL;

-- Deadlines straddling the clock changes end at local midnight.
SELECT is(safeguard.working_deadline('2024-10-25 09:00+01', 1),
          '2024-10-29 00:00:00+00'::timestamptz, 'end of Monday after the autumn clock change is GMT midnight');
SELECT is(safeguard.working_deadline('2024-03-28 09:00+00', 0),
          '2024-03-29 00:00:00+00'::timestamptz, 'day 0 ends at the next local midnight');

SELECT * FROM finish();
ROLLBACK;
