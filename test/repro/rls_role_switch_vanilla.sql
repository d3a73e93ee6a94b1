-- PostgreSQL alone (no safeguard objects): a PL/pgSQL function whose simple expression calls a
-- non-inlined SQL function reading a security_invoker view over a table with RLS, called
-- after SET ROLE as one role then another, in one transaction and across transactions.
\set ON_ERROR_STOP 1
SELECT version();
SHOW session_preload_libraries;
CREATE ROLE rp_wide NOLOGIN;
CREATE ROLE rp_narrow NOLOGIN;
CREATE TABLE rp_t (id int, la int);
INSERT INTO rp_t SELECT g, g % 3 FROM generate_series(1, 30) g;   -- 10 rows per la
ALTER TABLE rp_t ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON rp_t FOR SELECT TO rp_wide USING (true);
CREATE POLICY la1_only ON rp_t FOR SELECT TO rp_narrow USING (la = 1);
GRANT SELECT ON rp_t TO rp_wide, rp_narrow;
CREATE VIEW rp_v WITH (security_invoker = true) AS SELECT * FROM rp_t;
GRANT SELECT ON rp_v TO rp_wide, rp_narrow;
-- not inlinable (FROM, aggregate): run by fmgr_sql, planned once per FmgrInfo and transaction
CREATE FUNCTION rp_sql_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM rp_v';
CREATE FUNCTION rp_sql_count_t() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM rp_t';
-- PL/pgSQL: a simple expression calling the SQL function (its FmgrInfo lives in the
-- transaction's simple-expression state) and an SPI query (the plan cache, revalidated)
CREATE FUNCTION rp_plpgsql() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN format('%s: simple expr via SQL fn (view) %s, (table) %s; SPI query %s; EXECUTE %s',
                  current_user, rp_sql_count(), rp_sql_count_t(),
                  (SELECT count(*) FROM rp_v), '-');
END $$;
CREATE FUNCTION rp_plpgsql_exec() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN EXECUTE 'SELECT rp_sql_count()' INTO n; RETURN n; END $$;
CREATE FUNCTION rp_plpgsql_simple() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN RETURN rp_sql_count(); END $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC;

\echo '== expected: rp_wide 30, rp_narrow 10 (top level)'
SET ROLE rp_wide;   SELECT current_user, rp_sql_count(); RESET ROLE;
SET ROLE rp_narrow; SELECT current_user, rp_sql_count(); RESET ROLE;

\echo '== one transaction: wide first, then narrow (does narrow see 30? a leak)'
BEGIN;
SET ROLE rp_wide;   SELECT rp_plpgsql_simple() AS simple, rp_plpgsql_exec() AS exec;
SET ROLE rp_narrow; SELECT rp_plpgsql_simple() AS simple, rp_plpgsql_exec() AS exec;
COMMIT;
\echo '== one transaction: narrow first, then wide (does wide see 10?)'
BEGIN;
SET ROLE rp_narrow; SELECT rp_plpgsql_simple() AS simple, rp_plpgsql_exec() AS exec;
SET ROLE rp_wide;   SELECT rp_plpgsql_simple() AS simple, rp_plpgsql_exec() AS exec;
COMMIT;
\echo '== separate transactions: wide then narrow'
SET ROLE rp_wide;   SELECT rp_plpgsql_simple() AS simple;
SET ROLE rp_narrow; SELECT rp_plpgsql_simple() AS simple;
RESET ROLE;
\echo '== one transaction, the combined function (SQL fns on the table and the view, SPI query)'
BEGIN;
SET ROLE rp_wide;   SELECT rp_plpgsql();
SET ROLE rp_narrow; SELECT rp_plpgsql();
COMMIT;
\echo '== one transaction, SET LOCAL ROLE (as a pool would): wide then narrow'
BEGIN; SET LOCAL ROLE rp_wide; SELECT rp_plpgsql_simple(); SET LOCAL ROLE rp_narrow; SELECT rp_plpgsql_simple(); COMMIT;
\echo '== no PL/pgSQL: a prepared statement / the same SQL function across SET ROLE in one transaction'
BEGIN;
PREPARE q AS SELECT rp_sql_count();
SET ROLE rp_wide; EXECUTE q; SET ROLE rp_narrow; EXECUTE q;
COMMIT;
RESET ROLE;
DROP VIEW rp_v; DROP TABLE rp_t; DROP FUNCTION rp_sql_count(), rp_sql_count_t(), rp_plpgsql(), rp_plpgsql_exec(), rp_plpgsql_simple();
DROP ROLE rp_wide; DROP ROLE rp_narrow;
