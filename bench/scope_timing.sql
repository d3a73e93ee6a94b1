-- bench/scope_timing.sql: the data, queries and timing loop of bench/scope_timing.sh.
-- Loaded into a scratch database holding the extension, as a superuser, with psql variables
-- laa, lab, lac (the three authorities' ids) set.  Everything lives in schema scope_bench.

CREATE SCHEMA scope_bench;

-- Disables (false) or restores (true) the user triggers of concern and safeguarding_case and
-- the DDL event triggers, as bench/volume does for a bulk load; restoring makes every trigger
-- fire ALWAYS again.  The rows written meanwhile have no audit rows: a benchmark database.
CREATE FUNCTION scope_bench.triggers(enable boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    g record;
BEGIN
    IF NOT enable THEN
        ALTER EVENT TRIGGER safeguard_guard_ddl DISABLE;
        ALTER EVENT TRIGGER safeguard_guard_drop DISABLE;
        ALTER TABLE safeguard.concern DISABLE TRIGGER USER;
        ALTER TABLE safeguard.safeguarding_case DISABLE TRIGGER USER;
    ELSE
        FOR g IN SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT t.tgisinternal AND t.tgenabled <> 'A' LOOP
            EXECUTE format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', g.relname, g.tgname);
        END LOOP;
        ALTER EVENT TRIGGER safeguard_guard_ddl ENABLE ALWAYS;
        ALTER EVENT TRIGGER safeguard_guard_drop ENABLE ALWAYS;
    END IF;
END
$$;

-- Loads n concerns of authority la (ids from first_id), one case per two concerns; the first
-- `frequent` concerns are about the adult with NHS number `nhs`, who has one open case there.
-- Every other adult is distinct.  Call between triggers(false) and triggers(true).
CREATE FUNCTION scope_bench.load(la bigint, n integer, first_id bigint, nhs text, frequent integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO safeguard.safeguarding_case (id, la_id, adult_key, state, opened_at)
    OVERRIDING SYSTEM VALUE
    SELECT first_id + i, la,
           CASE WHEN i = 0 THEN 'nhs:' || nhs ELSE 'nhs:' || lpad((first_id + i)::text, 10, '0') END,
           CASE WHEN i % 3 = 0 THEN 'open' ELSE 'closed' END::safeguard.case_state,
           '2025-01-01 09:00+00'::timestamptz + i * interval '5 minutes'
    FROM generate_series(0, n / 2) i;
    INSERT INTO safeguard.concern (id, received_at, channel, source, referrer_anonymous, referrer_name,
        adult_nhs_number, adult_name, adult_gender, la_id, risk_types, immediate_risk, description,
        case_id, joined_open_case, logged_org_id, logged_at)
    OVERRIDING SYSTEM VALUE
    SELECT first_id + i, '2025-01-01 09:00+00'::timestamptz + i * interval '5 minutes', 'phone', 'relative', false,
           'Referrer ' || i,
           CASE WHEN i < frequent THEN nhs ELSE lpad((first_id + i)::text, 10, '0') END,
           'Person ' || i, 'Not Known', la, '{Self-Neglect}', false, 'Concern ' || i,
           first_id + CASE WHEN i < frequent THEN 0 ELSE i / 2 END, i % 2 = 1, la,
           '2025-01-01 09:00+00'::timestamptz + i * interval '5 minutes'
    FROM generate_series(0, n - 1) i;
$$;

-- The timed statements, each returning one number, and the role each runs as.
CREATE TABLE scope_bench.query (id integer PRIMARY KEY, part text NOT NULL, name text NOT NULL,
                                role text NOT NULL, sql text NOT NULL);

-- One row per timed run.
CREATE TABLE scope_bench.timing (
    state text, query text, guard text, rep integer, ms double precision, result bigint);

-- Times every query of a part `reps` times with safeguard.scope_guard off and on, each as
-- its role, after one untimed warm-up round; the guard's order alternates and the queries'
-- order is shuffled anew each repetition (no query always follows the same one).  Each run: the setting is set (as the superuser), SET LOCAL ROLE, then
-- clock_timestamp() around EXECUTE (planning included, as a client's statement has it).
CREATE PROCEDURE scope_bench.run(state text, which text, reps integer) LANGUAGE plpgsql AS $$
DECLARE
    q record;
    g text;
    t0 timestamptz;
    t1 timestamptz;
    n bigint;
BEGIN
    FOR r IN 0..reps LOOP
        FOR q IN SELECT * FROM scope_bench.query WHERE part = which ORDER BY md5(id || '/' || r) LOOP
            FOREACH g IN ARRAY CASE WHEN r % 2 = 0 THEN ARRAY['off', 'on'] ELSE ARRAY['on', 'off'] END LOOP
                PERFORM set_config('safeguard.scope_guard', g, true);
                EXECUTE format('SET LOCAL ROLE %I', q.role);
                t0 := clock_timestamp();
                EXECUTE q.sql INTO n;
                t1 := clock_timestamp();
                RESET ROLE;
                IF r > 0 THEN
                    INSERT INTO scope_bench.timing
                    VALUES (state, q.name, g, r, extract(epoch FROM t1 - t0) * 1000, n);
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;

-- Medians per state, query and setting.
CREATE VIEW scope_bench.medians AS
SELECT state, query, guard,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median_ms,
       min(result) AS result_min, max(result) AS result_max, count(*) AS runs
FROM scope_bench.timing GROUP BY state, query, guard;
