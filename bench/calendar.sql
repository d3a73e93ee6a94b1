/*
 * bench/calendar.sql: the harness of bench/calendar.sh, loaded after
 * bench/calendar_plpgsql.sql into the scratch schema safeguard_bench.
 *
 * psql variables (set by the script):
 *   rows          rows timed per C and floor query (default run: 1,000,000)
 *   plpgsql_rows  rows timed per PL/pgSQL query (default run: 20,000)
 *
 * What it creates:
 *   starts, starts_plpgsql   the start dates, 2019-01-01 + a permutation of
 *                            0..2499 repeated (so 2019-01 .. 2025-11, every
 *                            weekday, weekend and holiday alike); the PL/pgSQL
 *                            table holds the first plpgsql_rows of the same
 *                            sequence, so both see the same mix of dates
 *   timing                   one row per timed query
 *   verify(samples)          C and PL/pgSQL disagreements on random pairs
 *   run_round(rep, ns)       one interleaved repetition over every n
 *   summary()                medians per n, in microseconds per call
 */

-- Start dates.  7919 is prime to 2500, so each block of 2500 rows visits
-- every date once in scrambled order: no run of equal or consecutive dates
-- to flatter branch prediction.  Unlogged tables in shared buffers keep the
-- scan cheap and steady (a generate_series in FROM would spill its 1M-row
-- tuplestore to disk at the default work_mem).
CREATE UNLOGGED TABLE safeguard_bench.starts (d date NOT NULL);
INSERT INTO safeguard_bench.starts (d)
SELECT date '2019-01-01' + ((i * 7919::bigint) % 2500)::integer
  FROM pg_catalog.generate_series(0, :rows - 1) AS i;

CREATE UNLOGGED TABLE safeguard_bench.starts_plpgsql (d date NOT NULL);
INSERT INTO safeguard_bench.starts_plpgsql (d)
SELECT date '2019-01-01' + ((i * 7919::bigint) % 2500)::integer
  FROM pg_catalog.generate_series(0, :plpgsql_rows - 1) AS i;

-- Frozen and analysed: the first timed scan must not be the one that sets
-- hint bits.
VACUUM (FREEZE, ANALYZE) safeguard_bench.starts, safeguard_bench.starts_plpgsql;

CREATE TABLE safeguard_bench.timing (
    rep     integer NOT NULL,           -- 0 = warm-up, not reported
    n       integer NOT NULL,
    impl    text NOT NULL CHECK (impl IN ('c', 'floor', 'plpgsql')),
    calls   bigint NOT NULL,
    seconds double precision NOT NULL
);

-- Returns the (start, n) pairs on which the C function and the PL/pgSQL walk disagree.
CREATE FUNCTION safeguard_bench.verify(samples integer)
    RETURNS TABLE (bad_start date, bad_n integer, c_result date, plpgsql_result date)
    LANGUAGE plpgsql VOLATILE
AS $fn$
BEGIN
    -- A fixed seed: a disagreement found once is found again.
    PERFORM pg_catalog.setseed(0.2019);
    RETURN QUERY
    WITH pairs AS (
        -- Starts anywhere in 2019-2026; half the n are the timed ones, half
        -- uniform in [-250, 250] (negative n and n = 0 included).
        SELECT date '2019-01-01' + pg_catalog.floor(pg_catalog.random() * 2922)::integer AS start,
               CASE WHEN i % 2 = 0 THEN (ARRAY[2, 10, 60, 250])[1 + (i / 2) % 4]
                    ELSE pg_catalog.floor(pg_catalog.random() * 501)::integer - 250
               END AS n
          FROM pg_catalog.generate_series(0, samples - 1) AS i
    ), answers AS (
        SELECT p.start, p.n,
               safeguard.add_working_days(p.start, p.n, 'england-and-wales') AS c,
               safeguard_bench.bench_plpgsql_add_working_days(p.start, p.n, 'england-and-wales') AS r
          FROM pairs AS p
    )
    SELECT a.start, a.n, a.c, a.r
      FROM answers AS a
     WHERE a.c IS DISTINCT FROM a.r
     ORDER BY a.start, a.n;
END
$fn$;

/*
 * Times one repetition: for each n, the C function, the floor and the
 * PL/pgSQL walk back to back, in an order rotated with rep so that none of
 * them always runs first (after a pause) or last.  Each query is timed with
 * clock_timestamp() around EXECUTE inside this one backend: no client round
 * trip, no per-node instrumentation, planning included but well under a
 * millisecond against queries of 100 ms and more.
 */
CREATE PROCEDURE safeguard_bench.run_round(rep integer, ns integer[])
    LANGUAGE plpgsql
AS $fn$
DECLARE
    impls    text[] := ARRAY['c', 'floor', 'plpgsql'];
    n        integer;
    k        integer;
    impl     text;
    q        text;
    big      bigint := (SELECT pg_catalog.count(*) FROM safeguard_bench.starts);
    small    bigint := (SELECT pg_catalog.count(*) FROM safeguard_bench.starts_plpgsql);
    expected bigint;
    got      bigint;
    t0       timestamptz;
    secs     double precision;
BEGIN
    FOREACH n IN ARRAY ns LOOP
        FOR k IN 0 .. 2 LOOP
            impl := impls[1 + (k + rep) % 3];
            IF impl = 'c' THEN
                q := pg_catalog.format(
                    'SELECT pg_catalog.count(safeguard.add_working_days(s.d, %s, %L)) FROM safeguard_bench.starts AS s',
                    n, 'england-and-wales');
                expected := big;
            ELSIF impl = 'floor' THEN
                q := pg_catalog.format(
                    'SELECT pg_catalog.count(s.d + %s) FROM safeguard_bench.starts AS s', n);
                expected := big;
            ELSE
                q := pg_catalog.format(
                    'SELECT pg_catalog.count(safeguard_bench.bench_plpgsql_add_working_days(s.d, %s, %L)) FROM safeguard_bench.starts_plpgsql AS s',
                    n, 'england-and-wales');
                expected := small;
            END IF;

            t0 := pg_catalog.clock_timestamp();
            EXECUTE q INTO got;
            secs := EXTRACT(EPOCH FROM pg_catalog.clock_timestamp() - t0);

            -- count() skips NULLs: a short count means a NULL answer.
            IF got IS DISTINCT FROM expected THEN
                RAISE EXCEPTION 'bench: % at n = % answered % of % rows', impl, n, got, expected;
            END IF;
            INSERT INTO safeguard_bench.timing (rep, n, impl, calls, seconds)
            VALUES (rep, n, impl, got, secs);
        END LOOP;
    END LOOP;
END
$fn$;

/*
 * Returns, per n, the median over repetitions (warm-up excluded) of the
 * microseconds per call of each implementation; net_us is the median of the
 * per-repetition differences C - floor (paired: they ran back to back);
 * c_spread is max/min of the C timings, a measure of the noise.
 */
CREATE FUNCTION safeguard_bench.summary()
    RETURNS TABLE (n integer, c_us double precision, floor_us double precision,
                   net_us double precision, plpgsql_us double precision,
                   c_spread double precision, reps bigint)
    LANGUAGE sql STABLE
AS $fn$
    WITH per AS (
        SELECT t.rep, t.n, t.impl, t.seconds * 1e6 / t.calls AS us
          FROM safeguard_bench.timing AS t
         WHERE t.rep >= 1
    ), paired AS (
        SELECT c.n, c.us - f.us AS net
          FROM per AS c
          JOIN per AS f ON f.rep = c.rep AND f.n = c.n AND f.impl = 'floor'
         WHERE c.impl = 'c'
    ), nets AS (
        SELECT p.n, pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY p.net) AS net_us
          FROM paired AS p
         GROUP BY p.n
    )
    SELECT x.n,
           pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY x.us) FILTER (WHERE x.impl = 'c'),
           pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY x.us) FILTER (WHERE x.impl = 'floor'),
           nets.net_us,
           pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY x.us) FILTER (WHERE x.impl = 'plpgsql'),
           pg_catalog.max(x.us) FILTER (WHERE x.impl = 'c') / pg_catalog.min(x.us) FILTER (WHERE x.impl = 'c'),
           pg_catalog.count(*) FILTER (WHERE x.impl = 'c')
      FROM per AS x
      JOIN nets ON nets.n = x.n
     GROUP BY x.n, nets.net_us
     ORDER BY x.n;
$fn$;
