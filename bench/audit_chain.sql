/*
 * bench/audit_chain.sql: the set-up of bench/audit_chain.sh, loaded into the
 * scratch schema safeguard_bench of a database where the extension exists.
 *
 * psql variables (set by the script):
 *   role   the login-less role the pgbench sessions act as (SET ROLE through
 *          PGOPTIONS): an inspector of the bench regulator
 *
 * What it creates:
 *   organisations            a regulator and a local authority, codes BENCH-*
 *   :role                    granted the inspector duty for the regulator
 *   nhs_number(i)            the i-th valid NHS number, one per adult
 *   adult_seq, bare_seq      hand out the adults of the distinct and bare runs
 *   bare_concern             the comparator's plain table (logged, no triggers)
 *   check_nhs_numbers(n)     what is wrong with the first n numbers, if anything
 */

-- The people: one regulator, one local authority, one inspector.  The role
-- cannot log in; the pgbench sessions connect as the superuser and SET ROLE.
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'Bench Care Quality Commission', 'BENCH-CQC') RETURNING id AS bench_cqc \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'Bench County Council', 'BENCH-LA') RETURNING id AS bench_la \gset
CREATE ROLE :"role" NOLOGIN;
SELECT safeguard.grant_duty(:'role', 'inspector', :bench_cqc) > 0 AS granted \gset

/*
 * Returns the i-th valid NHS number (0 <= i < 10,000,000): the stem is
 * 4 || i in eight digits, then a ninth digit 0, or 1 when 0 would leave no
 * valid check digit (weights 10..2 over the nine digits; check = 11 - sum
 * mod 11, 11 -> 0, 10 invalid).  Two ninth digits give sums 2 apart mod 11,
 * so at most one of them is invalid: every i has exactly one number, and
 * distinct i have distinct stems.  Computed instead of looked up, so no table
 * has to be sized for a throughput not known in advance.
 */
CREATE FUNCTION safeguard_bench.nhs_number(i bigint) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT
AS $fn$
DECLARE
    stem bigint := 40000000 + i;
    s    integer := 0;
    w    integer;
    d9   integer := 0;
BEGIN
    IF i < 0 OR i >= 10000000 THEN
        RAISE EXCEPTION 'nhs_number: i = % is outside 0 .. 9999999', i;
    END IF;
    FOR w IN 3 .. 10 LOOP
        s := s + w * ((stem / (10::bigint ^ (w - 3))::bigint) % 10)::integer;
    END LOOP;
    IF s % 11 = 1 THEN
        d9 := 1;
    END IF;
    s := s + 2 * d9;
    RETURN stem::text || d9::text || ((11 - s % 11) % 11)::text;
END
$fn$;

-- Adults 1, 2, ... for the distinct-chains runs (at most 9,999,999, some 25
-- minutes of them at 6,000 a second), and for the bare inserts (the same
-- computation, so both workloads pay for it; they wrap around, as repeats do
-- not matter there).  Adult 0 is the one every shared-chain transaction is
-- about.
CREATE SEQUENCE safeguard_bench.adult_seq MINVALUE 1 MAXVALUE 9999999;
CREATE SEQUENCE safeguard_bench.bare_seq MINVALUE 1;

-- The comparator: a concern-sized row into a plain logged table, primary key
-- only, no trigger, no audit.
CREATE TABLE safeguard_bench.bare_concern (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at      timestamptz NOT NULL,
    channel          text NOT NULL,
    source           text NOT NULL,
    description      text NOT NULL,
    risk_types       text[] NOT NULL,
    la_id            bigint NOT NULL,
    referrer_name    text,
    referrer_phone   text,
    adult_nhs_number text,
    logged_at        timestamptz NOT NULL DEFAULT pg_catalog.now()
);

GRANT USAGE ON SCHEMA safeguard_bench TO :"role";
GRANT USAGE ON SEQUENCE safeguard_bench.adult_seq, safeguard_bench.bare_seq TO :"role";
GRANT INSERT ON safeguard_bench.bare_concern TO :"role";

/*
 * Returns what is wrong with nhs_number(0 .. n - 1), checked independently of
 * how it was computed: ten digits, the check digit recomputed over the
 * digits, and no duplicates.  No row: all n are valid and distinct.
 */
CREATE FUNCTION safeguard_bench.check_nhs_numbers(n integer)
    RETURNS TABLE (i integer, nhs text, problem text)
    LANGUAGE sql STABLE
AS $fn$
    WITH nums AS (
        SELECT g AS i, safeguard_bench.nhs_number(g) AS nhs
          FROM pg_catalog.generate_series(0, n - 1) AS g
    ), sums AS (
        SELECT nums.i, nums.nhs,
               (SELECT pg_catalog.sum((11 - k) * pg_catalog.substr(nums.nhs, k, 1)::integer)
                  FROM pg_catalog.generate_series(1, 9) AS k) AS s
          FROM nums
         WHERE nums.nhs ~ '^[0-9]{10}$'
    )
    SELECT nums.i, nums.nhs, 'not ten digits'
      FROM nums WHERE nums.nhs !~ '^[0-9]{10}$'
    UNION ALL
    SELECT sums.i, sums.nhs, 'bad check digit'
      FROM sums
     WHERE (11 - sums.s % 11) % 11 = 10
        OR (11 - sums.s % 11) % 11 <> pg_catalog.substr(sums.nhs, 10, 1)::integer
    UNION ALL
    SELECT pg_catalog.min(nums.i), nums.nhs, 'duplicate'
      FROM nums GROUP BY nums.nhs HAVING pg_catalog.count(*) > 1
$fn$;
