-- Switching roles inside one transaction (PostgreSQL 15): a non-inlined SQL-language function
-- keeps the plans it made at its first call, under the row-level security of the role of that
-- call, for every later call through the same call site in the transaction (fmgr_sql's cache
-- lives as long as the caller's FmgrInfo; PL/pgSQL keeps a simple expression's, such as
-- `RETURN f()`, for the whole transaction) and does not re-plan when the role changes.  The
-- same happens without safeguard (test/repro/rls_role_switch_vanilla.sql).  What safeguard
-- relies on, checked here: EXECUTE and PL/pgSQL's queries are planned for the role they run
-- as, and so are the report functions in PL/pgSQL (repeat_concerns()); and the plan of a role
-- under row security, reused for another role, never shows that role more rows than it may
-- see, because every policy's predicate checks the acting role's duties when it runs (at
-- worst fewer rows, the policies of the planning role applying).  The hazard, a todo: a plan
-- made with no row security (a superuser, a BYPASSRLS role) reused for a role under it.
-- docs/security.md, "Several roles in one transaction".
BEGIN;
SELECT plan(16);

\ir ../generator/generator.sql
SET client_min_messages = warning;
SELECT sg_gen.setup() IS NULL AS set_up \gset
SELECT sg_gen.plan(20331, 30, '2024-03-04', '2025-12-19') AS planned \gset
SELECT sg_gen.execute('2026-01-21 12:00+00') AS steps \gset

-- What the current role sees of safeguard.concern (la_scope, reader_scope TO safeguard_reader,
-- by_referral): a SQL function not inlined (it reads a table).
CREATE FUNCTION pg_temp.seen() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('%s concerns of %s authorities', count(*), count(DISTINCT la_id)) FROM safeguard.concern
$$;
-- What it sees of report_repeat_concerns (over repeat_concerns(), PL/pgSQL: its queries
-- through the plan cache).
CREATE FUNCTION pg_temp.report_seen() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('%s repeat concerns of %s authorities', count(*), count(DISTINCT la_id))
    FROM safeguard.report_repeat_concerns
$$;
-- Per sequence of roles a PL/pgSQL function of its own, so that each starts with no cached plan:
-- simple_X() calls seen() in a simple expression (kept for the transaction), report_X()
-- report_seen() likewise, exec_X() EXECUTEs it, query_X() is a query of PL/pgSQL (SPI).
DO $$
DECLARE s text;
BEGIN
    FOREACH s IN ARRAY ARRAY['a', 'b', 'c', 'd'] LOOP
        EXECUTE format('CREATE FUNCTION pg_temp.simple_%s() RETURNS text LANGUAGE plpgsql AS %L',
                       s, 'BEGIN RETURN pg_temp.seen(); END');
        EXECUTE format('CREATE FUNCTION pg_temp.report_%s() RETURNS text LANGUAGE plpgsql AS %L',
                       s, 'BEGIN RETURN pg_temp.report_seen(); END');
        EXECUTE format('CREATE FUNCTION pg_temp.exec_%s() RETURNS text LANGUAGE plpgsql AS %L',
                       s, 'DECLARE r text; BEGIN EXECUTE ''SELECT pg_temp.seen()'' INTO r; RETURN r; END');
        EXECUTE format('CREATE FUNCTION pg_temp.query_%s() RETURNS text LANGUAGE plpgsql AS %L', s,
                       'BEGIN RETURN (SELECT format(''%s concerns of %s authorities'', count(*), count(DISTINCT la_id)) FROM safeguard.concern); END');
    END LOOP;
END $$;

-- What each role sees, each read a top-level statement of its own (planned as that role).
SELECT pg_temp.seen() AS all_rows \gset
SET ROLE gen_admin;
SELECT pg_temp.seen() AS admin_rows \gset
SET ROLE gen_reader_la1;
SELECT pg_temp.seen() AS reader_rows, pg_temp.report_seen() AS reader_report \gset
SET ROLE gen_la1_hub;
SELECT pg_temp.seen() AS la1_rows \gset
SET ROLE gen_la2_hub;
SELECT pg_temp.seen() AS la2_rows \gset
RESET ROLE;
SELECT ok(:'all_rows' = :'admin_rows' AND :'all_rows' LIKE '% of 3 authorities'
          AND :'reader_rows' = :'la1_rows' AND :'reader_rows' LIKE '% of 1 authorities'
          AND :'la2_rows' LIKE '% of 1 authorities' AND :'la2_rows' <> :'la1_rows',
          'the roles see different rows: the administrator every authority''s, LA1''s reader and officer LA1''s, LA2''s officer LA2''s');

--------------------------------------------------------------------------
-- a. The regulator's administrator, then LA1's reader (pgTAP 35's case): fewer rows
--------------------------------------------------------------------------
SET ROLE gen_admin;
SELECT is(pg_temp.simple_a(), :'admin_rows', 'the administrator first: its rows');
SELECT pg_temp.report_a() IS NOT NULL AS report_a \gset
SELECT pg_temp.exec_a() IS NOT NULL AS exec_a \gset
SELECT pg_temp.query_a() IS NOT NULL AS query_a \gset
SET ROLE gen_reader_la1;
SELECT todo('PostgreSQL 15: a SQL function''s plans made as the first role of the transaction (here without the reader''s policy reader_scope) are reused; the reader gets no rows', 1);
SELECT is(pg_temp.simple_a(), :'reader_rows', 'then LA1''s reader, the same simple expression: its rows');
SELECT is(pg_temp.exec_a(), :'reader_rows', 'then LA1''s reader, EXECUTE: its rows (planned as the reader)');
SELECT is(pg_temp.query_a(), :'reader_rows', 'then LA1''s reader, a query of PL/pgSQL: its rows (the plan cache re-plans for the role)');
SELECT is(pg_temp.report_a(), :'reader_report', 'then LA1''s reader, report_repeat_concerns through the reused SQL function: its rows (repeat_concerns() re-plans its queries for the role)');

--------------------------------------------------------------------------
-- b. The superuser (no row security in its plans), then LA1's reader and LA2's officer: the hazard
--------------------------------------------------------------------------
RESET ROLE;
SELECT is(pg_temp.simple_b(), :'all_rows', 'the superuser first: every row');
SELECT pg_temp.report_b() IS NOT NULL AS report_b \gset
SELECT pg_temp.exec_b() IS NOT NULL AS exec_b \gset
SELECT pg_temp.query_b() IS NOT NULL AS query_b \gset
SET ROLE gen_reader_la1;
SELECT todo('PostgreSQL 15: a SQL function''s plans made by a role that bypasses row security are reused for the next role in the transaction; it sees every row (docs/security.md)', 1);
SELECT is(pg_temp.simple_b(), :'reader_rows', 'then LA1''s reader, the same simple expression: its rows');
SELECT is(pg_temp.exec_b(), :'reader_rows', 'then LA1''s reader, EXECUTE: its rows');
SELECT is(pg_temp.query_b(), :'reader_rows', 'then LA1''s reader, a query of PL/pgSQL: its rows');
SELECT is(pg_temp.report_b(), :'reader_report', 'then LA1''s reader, report_repeat_concerns through the reused SQL function: its rows');
SET ROLE gen_la2_hub;
SELECT todo('PostgreSQL 15: as above, for LA2''s officer', 1);
SELECT is(pg_temp.simple_b(), :'la2_rows', 'then LA2''s officer, the same simple expression: its rows');

--------------------------------------------------------------------------
-- c. LA1's reader (la_scope and reader_scope planned), then LA2's officer: never more rows
--------------------------------------------------------------------------
SET ROLE gen_reader_la1;
SELECT is(pg_temp.simple_c(), :'reader_rows', 'LA1''s reader first: its rows');
SET ROLE gen_la2_hub;
SELECT is(pg_temp.simple_c(), :'la2_rows', 'then LA2''s officer through the reader''s plan: LA2''s rows only (reader_scope''s predicate checks the acting role''s duties when it runs)');

--------------------------------------------------------------------------
-- d. LA1's officer, then LA2's officer: the same policies, each its own authority
--------------------------------------------------------------------------
SET ROLE gen_la1_hub;
SELECT is(pg_temp.simple_d(), :'la1_rows', 'LA1''s officer first: LA1''s rows');
SET ROLE gen_la2_hub;
SELECT is(pg_temp.simple_d(), :'la2_rows', 'then LA2''s officer through LA1''s officer''s plan: LA2''s rows, none of LA1''s');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
