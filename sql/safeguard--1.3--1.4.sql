/* safeguard--1.3--1.4.sql: hardening against an independent attack campaign (issue 14). */

\echo Use "ALTER EXTENSION safeguard UPDATE TO '1.4'" to load this file. \quit

--------------------------------------------------------------------------
-- 1.4 closes the holes an attack campaign against 1.3 found: availability
-- (a deadline that cannot be computed no longer stops the others),
-- confidentiality between authorities, privilege scoped to the acting
-- organisation, denial of service by authenticated roles, tamper evidence
-- for the live rows, and smaller checks.  Each section below names the
-- items of issue 14 it answers.
--------------------------------------------------------------------------


--------------------------------------------------------------------------
-- Section A: privilege, visibility and confidentiality between authorities
-- (items 5, 6, 8, 9, 10, 11, 16, 17, 18, 19)
--------------------------------------------------------------------------


-- (end of section A)


--------------------------------------------------------------------------
-- Section B: availability and correctness of deadlines (items 1, 4)
--------------------------------------------------------------------------


-- (end of section B)


--------------------------------------------------------------------------
-- Section C: the calendar, sequences, notifications and the audit chain's
-- robustness (items 3, 7, 12, 15)
--------------------------------------------------------------------------


-- (end of section C)


--------------------------------------------------------------------------
-- Section D: locks, waits and statements a role may not run on
-- safeguard's objects (items 6, 13)
--------------------------------------------------------------------------
-- The library's hooks (src/session_guard.c) refuse explicit locks on
-- safeguard's relations and row locks on their rows to every role but the
-- owner (safeguard.outbox's FOR UPDATE SKIP LOCKED excepted), bound every
-- wait on another transaction's lock of safeguard's rows
-- (safeguard.lock_wait_timeout, SG801), refuse PREPARE TRANSACTION after
-- safeguard's rows were locked or written (SG802), and refuse EXPLAIN of
-- statements that read safeguard's tables under row-level security.  They
-- exist in a session only once the library is loaded: deployments preload
-- it, and preloaded() tells a session whether it did.
--
-- Pool logins (item 19): a login role declared a connection pool's acts
-- only through a role set for the current transaction (SET LOCAL ROLE);
-- a role set for the session would carry over to the pool's next client
-- (SG803).

CREATE FUNCTION safeguard.preloaded() RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_preloaded';
COMMENT ON FUNCTION safeguard.preloaded() IS
    'True when this session loaded safeguard before its first statement (shared_preload_libraries or session_preload_libraries): only then do its guards on LOCK TABLE, row locks, EXPLAIN, PREPARE TRANSACTION and lock waits apply from the first statement on.';
REVOKE ALL ON FUNCTION safeguard.preloaded() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.preloaded() TO PUBLIC;

CREATE TABLE safeguard.pool_login (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role            regrole NOT NULL,
    declared_at     timestamptz NOT NULL,
    declared_by     regrole NOT NULL,
    undeclared_at   timestamptz,
    undeclared_by   regrole
);
ALTER TABLE safeguard.pool_login OWNER TO safeguard_owner;
CREATE UNIQUE INDEX pool_login_active ON safeguard.pool_login (role) WHERE undeclared_at IS NULL;
COMMENT ON TABLE safeguard.pool_login IS
    'Login roles declared a connection pool''s (e.g. pgbouncer''s): a session logged in as one acts only through a role set for the current transaction with SET LOCAL ROLE (SG803 otherwise). Written only by declare_pool_login() and undeclare_pool_login().';
COMMENT ON COLUMN safeguard.pool_login.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.pool_login.role IS 'The pool''s login role.';
COMMENT ON COLUMN safeguard.pool_login.declared_at IS 'When it was declared.';
COMMENT ON COLUMN safeguard.pool_login.declared_by IS 'Who declared it.';
COMMENT ON COLUMN safeguard.pool_login.undeclared_at IS 'When the declaration ended; NULL while in force.';
COMMENT ON COLUMN safeguard.pool_login.undeclared_by IS 'Who ended it.';
REVOKE ALL ON safeguard.pool_login FROM PUBLIC;
GRANT SELECT ON safeguard.pool_login TO safeguard_admin, safeguard_auditor;

CREATE FUNCTION safeguard.declare_pool_login(role regrole) RETURNS bigint
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_declare_pool_login';
COMMENT ON FUNCTION safeguard.declare_pool_login(regrole) IS
    'Declares a login role a connection pool''s (admin duty or superuser): sessions logged in as it act only through SET LOCAL ROLE inside each transaction. Returns the declaration (the existing one when already declared). Audited.';
REVOKE ALL ON FUNCTION safeguard.declare_pool_login(regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.declare_pool_login(regrole) TO safeguard_admin;

CREATE FUNCTION safeguard.undeclare_pool_login(role regrole) RETURNS boolean
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_undeclare_pool_login';
COMMENT ON FUNCTION safeguard.undeclare_pool_login(regrole) IS
    'Ends a pool login''s declaration (admin duty or superuser; the row stays as history). False when the role was not declared. Audited.';
REVOKE ALL ON FUNCTION safeguard.undeclare_pool_login(regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.undeclare_pool_login(regrole) TO safeguard_admin;

CREATE FUNCTION safeguard.pool_login_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_pool_login_changed';
COMMENT ON FUNCTION safeguard.pool_login_changed() IS
    'Trigger: after any change to pool_login, every session forgets whether its login is a pool''s (it asks again at its next check).';
REVOKE ALL ON FUNCTION safeguard.pool_login_changed() FROM PUBLIC;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.pool_login
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.pool_login
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.pool_login
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER pool_login_changed AFTER INSERT OR UPDATE OR DELETE ON safeguard.pool_login
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.pool_login_changed();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.pool_login
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER _restore_guard;
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER internal_only;
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER audit_row;
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER pool_login_changed;
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER refuse_truncate;

SELECT pg_catalog.pg_extension_config_dump('safeguard.pool_login', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.pool_login_id_seq', '');

-- Said once, where it is installed: without preloading, a session's guards
-- start only when its first safeguard function loads the library.
DO $preload$
BEGIN
    IF NOT safeguard.preloaded() THEN
        RAISE WARNING 'safeguard is not preloaded in this session'
            USING DETAIL = 'Its refusal of LOCK TABLE, row locks, EXPLAIN and PREPARE TRANSACTION on safeguard''s objects, and its bound on lock waits, apply only in sessions that load the library at start.',
                  HINT = 'Set session_preload_libraries = ''safeguard'' (ALTER DATABASE ... SET, no restart) or shared_preload_libraries = ''safeguard''.';
    END IF;
END
$preload$;

-- (end of section D)


--------------------------------------------------------------------------
-- Section E: the live rows proved against the audit trail (item 14)
--------------------------------------------------------------------------


-- (end of section E)
