-- The same with safeguard's tables and a shipped security_invoker report view: the generator's
-- casework, then a PL/pgSQL simple expression calling a non-inlined SQL function, called
-- after SET ROLE as one role then another.  Run: sgcheck psql -f test/repro/rls_role_switch_safeguard.sql
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS safeguard CASCADE;
\ir ../generator/generator.sql
SELECT sg_gen.setup() IS NULL AS set_up \gset
SELECT sg_gen.plan(20331, 30, '2024-03-04', '2025-12-19') AS planned \gset
SELECT sg_gen.execute('2026-01-21 12:00+00') AS steps \gset
-- rows of safeguard.concern (RLS: la_scope, reader_scope TO safeguard_reader, by_referral) and of
-- the report view safeguard.report_repeat_concerns (security_invoker), with the authorities seen
CREATE FUNCTION pg_temp.rs_seen() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('concern %s rows / %s LAs; report_repeat_concerns %s rows / %s LAs',
                  (SELECT count(*) FROM safeguard.concern), (SELECT count(DISTINCT la_id) FROM safeguard.concern),
                  count(*), count(DISTINCT la_id))
    FROM safeguard.report_repeat_concerns
$$;
CREATE FUNCTION pg_temp.rs_simple() RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN rpad(current_user, 16) || pg_temp.rs_seen(); END $$;
CREATE FUNCTION pg_temp.rs_exec() RETURNS text LANGUAGE plpgsql AS $$
DECLARE s text;
BEGIN EXECUTE 'SELECT pg_temp.rs_seen()' INTO s; RETURN rpad(current_user, 16) || s; END $$;

-- each read: the simple expression's result beside EXECUTE's
\set both 'SELECT pg_temp.rs_simple() AS simple, pg_temp.rs_exec() AS exec;'
\echo '== each role in a transaction of its own (the truth)'
SELECT pg_temp.rs_simple();
SET ROLE gen_admin;      SELECT pg_temp.rs_simple();
SET ROLE gen_reader_cqc; SELECT pg_temp.rs_simple();
SET ROLE gen_reader_la1; SELECT pg_temp.rs_simple();
SET ROLE gen_la1_hub;    SELECT pg_temp.rs_simple();
SET ROLE gen_la2_hub;    SELECT pg_temp.rs_simple();
RESET ROLE;

\echo '== one transaction: admin, then the readers (pgTAP 35''s case): simple expression | EXECUTE'
BEGIN;
SET ROLE gen_admin;      :both
SET ROLE gen_reader_cqc; :both
SET ROLE gen_reader_la1; :both
COMMIT;
\echo '== one transaction: LA1 reader, then the admin, then LA2''s officer'
BEGIN;
SET ROLE gen_reader_la1; :both
SET ROLE gen_admin;      :both
SET ROLE gen_la2_hub;    :both
COMMIT;
\echo '== one transaction: LA1''s officer, then LA2''s officer, then the LA1 reader'
BEGIN;
SET ROLE gen_la1_hub;    :both
SET ROLE gen_la2_hub;    :both
SET ROLE gen_reader_la1; :both
COMMIT;
\echo '== one transaction: the superuser (no row security in its plan), then the LA1 reader and LA2''s officer'
BEGIN;
RESET ROLE;              :both
SET ROLE gen_reader_la1; :both
SET ROLE gen_la2_hub;    :both
COMMIT;
\echo '== the same, SET LOCAL ROLE, one role per transaction (a pool): superuser then LA1 reader'
RESET ROLE;
BEGIN; SELECT pg_temp.rs_simple(); COMMIT;
BEGIN; SET LOCAL ROLE gen_reader_la1; SELECT pg_temp.rs_simple(); COMMIT;
