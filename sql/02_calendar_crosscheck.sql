-- Cross-check of the C engine against a brute-force day walk written in SQL,
-- over 2021-2024 for every division and n in -30..60.  The oracle numbers
-- the working days of each division; the n-th working day after day 0 is
-- then a lookup by number.
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';

CREATE TEMP TABLE days AS
SELECT v.division, d::date AS d,
       extract(isodow FROM d) < 6 AND NOT EXISTS (
           SELECT 1 FROM safeguard.bank_holiday h
           WHERE h.division = v.division AND h.day = d::date) AS working
FROM safeguard.division v,
     generate_series(date '2020-10-01', date '2025-03-31', interval '1 day') AS d;

CREATE TEMP TABLE numbered AS
SELECT division, d, working,
       count(*) FILTER (WHERE working) OVER (PARTITION BY division ORDER BY d) AS idx
FROM days;
CREATE INDEX ON numbered (division, idx) WHERE working;

-- Oracle: forwards, day 0 is the first working day >= start (index idx if
-- start is working, else idx + 1); backwards, the last working day <= start
-- (index idx).
CREATE TEMP TABLE expected AS
SELECT s.division, s.d AS start, n,
       (SELECT w.d FROM numbered w
        WHERE w.division = s.division AND w.working
          AND w.idx = CASE WHEN n >= 0
                           THEN s.idx + CASE WHEN s.working THEN 0 ELSE 1 END + n
                           ELSE s.idx + n END) AS result
FROM numbered s, generate_series(-30, 60) AS n
WHERE s.d BETWEEN date '2021-01-01' AND date '2024-12-31';

SELECT count(*) AS cases_checked,
       count(*) FILTER (WHERE result IS NULL) AS oracle_gaps
FROM expected;

SELECT count(*) AS add_working_days_mismatches
FROM expected
WHERE safeguard.add_working_days(start, n, division) IS DISTINCT FROM result;

-- working_days_between against the oracle's numbering: W(b) - W(a).
SELECT count(*) AS pairs_checked,
       count(*) FILTER (WHERE safeguard.working_days_between(a.d, b.d, a.division)
                              IS DISTINCT FROM (b.idx - a.idx)::int) AS between_mismatches
FROM numbered a
JOIN numbered b ON b.division = a.division
               AND b.d BETWEEN a.d - 40 AND a.d + 40
WHERE a.d BETWEEN date '2022-01-01' AND date '2022-12-31';

SELECT count(*) FILTER (WHERE safeguard.is_working_day(d, division) IS DISTINCT FROM working)
       AS is_working_day_mismatches
FROM days;

-- The oracle can tell a wrong answer: shifting any result by a day is caught.
SELECT count(*) = (SELECT count(*) FROM expected) AS oracle_detects_shift
FROM expected
WHERE safeguard.add_working_days(start, n, division) IS DISTINCT FROM result + 1;
