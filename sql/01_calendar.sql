-- The calendar engine: working days over the UK bank-holiday divisions.
-- Errors are asserted by SQLSTATE only (VERBOSITY sqlstate).
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';

-- The shipped divisions and their coverage.
SELECT division, time_zone, covered_from, covered_to,
       (SELECT count(*) FROM safeguard.bank_holiday h WHERE h.division = d.division) AS holidays
FROM safeguard.division d ORDER BY division;

-- Easter 2024, with the clocks changing on Sunday 31 March:
-- Thursday 28 March + 1 working day skips Good Friday and Easter Monday.
SELECT safeguard.add_working_days('2024-03-28', 1) AS easter_2024;

-- Golden cases across the notable holidays (england-and-wales).
SELECT start, n, safeguard.add_working_days(start, n) AS result,
       to_char(safeguard.add_working_days(start, n), 'Dy') AS dow
FROM (VALUES
    (date '2021-12-24', 1),   -- Christmas and Boxing Day substitutes 27/28
    (date '2021-12-24', 2),
    (date '2022-06-01', 1),   -- Spring bank holiday moved to 2 June, Jubilee 3 June
    (date '2022-09-16', 1),   -- State Funeral, Monday 19 September 2022
    (date '2023-05-05', 1),   -- Coronation, Monday 8 May 2023
    (date '2020-05-07', 1),   -- VE day: Early May moved to Friday 8 May 2020
    (date '2026-12-18', 5),   -- Christmas 2026: Friday + 5 = Tuesday 29th
    (date '2024-03-28', 0),   -- n = 0 on a working day is the day itself
    (date '2024-03-29', 0),   -- n = 0 on Good Friday is the next working day
    (date '2024-03-30', 1),   -- from a Saturday: day 0 is Tuesday 2 April
    (date '2024-04-02', -1),  -- backwards over Easter
    (date '2024-03-31', -1),  -- from Easter Sunday: day 0 is Thursday 28 March
    (date '2024-03-31', 0)    -- n = 0 from Easter Sunday: the next working day
) AS t(start, n)
ORDER BY start, n;

-- Scotland keeps 2 January and St Andrew's Day; England does not.
SELECT d, safeguard.is_working_day(d) AS england,
       safeguard.is_working_day(d, 'scotland') AS scotland,
       safeguard.is_working_day(d, 'northern-ireland') AS northern_ireland
FROM (VALUES (date '2024-01-02'), (date '2024-12-02'), (date '2024-03-18'),
             (date '2024-07-12'), (date '2024-04-01'), (date '2024-03-30')) AS t(d)
ORDER BY d;

SELECT safeguard.add_working_days('2023-12-29', 1) AS england,
       safeguard.add_working_days('2023-12-29', 1, 'scotland') AS scotland,
       safeguard.add_working_days('2024-03-15', 1, 'northern-ireland') AS ni_st_patrick,
       safeguard.add_working_days('2024-11-29', 1, 'scotland') AS st_andrew;

-- working_days_between counts d with a < d <= b, negative when b < a.
SELECT safeguard.working_days_between('2024-03-28', '2024-04-02') AS over_easter,
       safeguard.working_days_between('2024-04-02', '2024-03-28') AS backwards,
       safeguard.working_days_between('2024-03-28', '2024-03-28') AS same_day,
       safeguard.working_days_between('2024-01-01', '2024-12-31') AS year_2024,
       safeguard.working_days_between('2024-01-01', '2024-12-31', 'scotland') AS year_2024_scotland;

-- working_deadline: the end of the n-th working day in Europe/London,
-- identical under any session TimeZone (shown in UTC to compare).
CREATE TEMP TABLE deadlines (zone text, due timestamptz, due_winter timestamptz);
SET TimeZone = 'UTC';
INSERT INTO deadlines SELECT current_setting('TimeZone'),
    safeguard.working_deadline('2024-03-28 16:30+00', 1),
    safeguard.working_deadline('2026-12-18 23:30+00', 5);
SET TimeZone = 'Europe/London';
INSERT INTO deadlines SELECT current_setting('TimeZone'),
    safeguard.working_deadline('2024-03-28 16:30+00', 1),
    safeguard.working_deadline('2026-12-18 23:30+00', 5);
SET TimeZone = 'Pacific/Kiritimati';
SET DateStyle = 'SQL, DMY';
INSERT INTO deadlines SELECT current_setting('TimeZone'),
    safeguard.working_deadline('2024-03-28 16:30+00', 1),
    safeguard.working_deadline('2026-12-18 23:30+00', 5);
SET TimeZone = 'America/Los_Angeles';
INSERT INTO deadlines SELECT current_setting('TimeZone'),
    safeguard.working_deadline('2024-03-28 16:30+00', 1),
    safeguard.working_deadline('2026-12-18 23:30+00', 5);
RESET DateStyle;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
-- 2024-04-02 ends at midnight BST (23:00 UTC); 2026-12-18 23:30 UTC is still
-- Friday in London, so the 5th working day is Tuesday 29 December (GMT).
SELECT zone, due, due_winter FROM deadlines ORDER BY zone;
SELECT count(DISTINCT (due, due_winter)) AS distinct_answers FROM deadlines;
-- A start late on Friday in Kiritimati is still Thursday in London.
SELECT safeguard.working_deadline('2024-03-29 08:00+14', 0) AS day0_is_thursday_end;

-- NULL dates or counts give NULL; the division must not be NULL.
SELECT safeguard.add_working_days(NULL, 1) IS NULL AS null_start,
       safeguard.add_working_days('2024-01-01', NULL) IS NULL AS null_n,
       safeguard.working_days_between(NULL, '2024-01-01') IS NULL AS null_a,
       safeguard.is_working_day(NULL) IS NULL AS null_day,
       safeguard.working_deadline(NULL, 1) IS NULL AS null_instant;
SELECT safeguard.add_working_days('2024-01-01', 1, NULL);
SELECT safeguard.is_working_day('2024-01-01', NULL);

-- Errors: outside coverage (never a weekends-only answer), unknown division,
-- infinite dates, huge counts.
SELECT safeguard.add_working_days('2028-12-29', 1);
SELECT safeguard.add_working_days('2028-12-29', 0);
SELECT safeguard.add_working_days('2018-01-02', -1);
SELECT safeguard.add_working_days('2017-12-29', 1);
SELECT safeguard.is_working_day('2029-01-01');
SELECT safeguard.working_days_between('2017-12-31', '2018-01-05');
SELECT safeguard.working_deadline('2028-12-29 12:00+00', 1);
SELECT safeguard.add_working_days('2024-01-01', 1, 'wales');
SELECT safeguard.add_working_days('infinity', 1);
SELECT safeguard.working_days_between('-infinity', '2024-01-01');
SELECT safeguard.working_deadline('infinity', 1);
SELECT safeguard.add_working_days('2024-01-01', 2147483647);
SELECT safeguard.add_working_days('2024-01-01', -2147483648);
-- The last covered working day is reachable.
SELECT safeguard.add_working_days('2028-12-22', 1) AS last_covered;
