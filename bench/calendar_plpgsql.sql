/*
 * bench/calendar_plpgsql.sql: the PL/pgSQL comparator for bench/calendar.sh.
 *
 * bench_plpgsql_add_working_days() is what one would write without the
 * extension's C code: walk the calendar with generate_series, drop Saturdays,
 * Sundays and the rows of safeguard.bank_holiday, and take the n-th survivor.
 * It follows the counting rule of safeguard.add_working_days: day 0 is start,
 * or the next working day (n >= 0) / the previous one (n < 0) when start is
 * not a working day, and the answer is the n-th working day after day 0.
 * Unlike the C function it does not check the division's coverage, so the
 * harness only compares the two well inside 2018-2028.
 *
 * Loaded by bench/calendar.sh into the scratch schema safeguard_bench, which
 * the script creates (and drops) around it.
 */

-- Returns the n-th working day after day 0, by walking the calendar day by day.
CREATE FUNCTION safeguard_bench.bench_plpgsql_add_working_days(
    start date, n integer, division text DEFAULT 'england-and-wales')
    RETURNS date
    LANGUAGE plpgsql STABLE
AS $fn$
DECLARE
    span   integer;
    result date;
BEGIN
    IF start IS NULL OR n IS NULL THEN
        RETURN NULL;
    END IF;
    -- |n| working days span at most 7|n|/5 calendar days plus the holidays
    -- among them; 2|n| + 14 days cover that with room to spare.  Were the
    -- window ever short, the result would be NULL and the harness's
    -- agreement check and row counts would catch it.
    span := 2 * abs(n) + 14;
    IF n >= 0 THEN
        SELECT w.day INTO result
          FROM (SELECT start + i AS day
                  FROM pg_catalog.generate_series(0, span) AS i) AS w
         WHERE EXTRACT(ISODOW FROM w.day) < 6
           AND NOT EXISTS (
                SELECT FROM safeguard.bank_holiday AS h
                 WHERE h.division = bench_plpgsql_add_working_days.division
                   AND h.day = w.day)
         ORDER BY w.day
        OFFSET n LIMIT 1;
    ELSE
        SELECT w.day INTO result
          FROM (SELECT start - i AS day
                  FROM pg_catalog.generate_series(0, span) AS i) AS w
         WHERE EXTRACT(ISODOW FROM w.day) < 6
           AND NOT EXISTS (
                SELECT FROM safeguard.bank_holiday AS h
                 WHERE h.division = bench_plpgsql_add_working_days.division
                   AND h.day = w.day)
         ORDER BY w.day DESC
        OFFSET -n LIMIT 1;
    END IF;
    RETURN result;
END
$fn$;

COMMENT ON FUNCTION safeguard_bench.bench_plpgsql_add_working_days(date, integer, text) IS
    'Benchmark comparator: safeguard.add_working_days re-done as a generate_series walk over safeguard.bank_holiday (no coverage check).';
