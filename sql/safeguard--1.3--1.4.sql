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


-- (end of section D)


--------------------------------------------------------------------------
-- Section E: the live rows proved against the audit trail (item 14)
--
-- verify_audit() proves the audit rows; a superuser who disables the
-- triggers by editing the catalog (no DDL, so nothing is recorded) could
-- still change a row with no audit row.  verify_ledger() proves the live
-- rows against the trail, as ledger tables are: every row of every table
-- with the audit_row trigger equals the newest values its audit rows
-- record, no such row exists without them, and no audit row describes a
-- row that is gone (audit_ledger.c, ledger_replay.c).
--
-- For that the trail must say when a row goes: audit_row now fires for
-- DELETE too (the guards refuse deletes everywhere but the policies,
-- whose unused versions an administrator may delete), recording the row as
-- it was.  And rows installed before their table had an audit trigger (the
-- shipped policy, its first rules and the escalation rungs) are recorded
-- once as found, as BASELINE audit rows, by ledger_baseline(); a restore
-- does not record them again: the dumped trail holds them.
--------------------------------------------------------------------------

-- Every audit_row trigger, whichever section or version made it, also fires
-- for DELETE (its arguments and WHEN clause are kept).
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, g.tgname, g.tgenabled, pg_catalog.pg_get_triggerdef(g.oid) AS def
             FROM pg_catalog.pg_trigger g
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND g.tgfoid OPERATOR(pg_catalog.=) 'safeguard.audit_row()'::pg_catalog.regprocedure
               AND NOT g.tgisinternal
               AND (g.tgtype::integer OPERATOR(pg_catalog.&) 8) OPERATOR(pg_catalog.=) 0
             ORDER BY c.relname, g.tgname
    LOOP
        EXECUTE pg_catalog.replace(
            pg_catalog.replace(t.def, 'CREATE TRIGGER ', 'CREATE OR REPLACE TRIGGER '),
            ' AFTER INSERT OR UPDATE ', ' AFTER INSERT OR DELETE OR UPDATE ');
        IF t.tgenabled OPERATOR(pg_catalog.=) 'A' THEN
            EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION safeguard.audit_row() IS
    'Trigger: writes the audit row of every insert, update and delete (a deleted row is recorded as it was).';
COMMENT ON COLUMN safeguard.audit_event.action IS
    'INSERT, UPDATE, DELETE (since 1.4), or BASELINE: a row recorded as found, installed before its table had an audit trigger (since 1.4, ledger_baseline()).';
COMMENT ON COLUMN safeguard.audit_event.changes IS
    'Inserted values (also of a deleted row, as it was, and of a BASELINE), or {"column": {"old": ..., "new": ...}} for changed columns, in canonical text (independent of session settings).';

CREATE FUNCTION safeguard.verify_ledger()
    RETURNS TABLE (table_name text, row_key text, primary_key text, column_name text,
                   live_value text, trail_value text, audit_id bigint, problem text)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_ledger';
COMMENT ON FUNCTION safeguard.verify_ledger() IS
    'Proves every row of every audited table against the audit trail: returns the first row that differs from the newest values its audit rows record, has none, or is gone although audit rows record it (table, row key, primary key, column, what the row holds, what the trail says, the audit row, the problem), or no row. Reads every row whatever the caller''s scope; streams. Read-only.';
CREATE FUNCTION safeguard.verify_ledger_strict() RETURNS boolean
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_ledger_strict';
COMMENT ON FUNCTION safeguard.verify_ledger_strict() IS
    'Returns true when every audited row agrees with the audit trail; raises SG404 naming the first that does not.';
REVOKE ALL ON FUNCTION safeguard.verify_ledger(), safeguard.verify_ledger_strict() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_ledger(), safeguard.verify_ledger_strict()
    TO safeguard_auditor, safeguard_admin;

CREATE FUNCTION safeguard.ledger_baseline() RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_ledger_baseline';
COMMENT ON FUNCTION safeguard.ledger_baseline() IS
    'Records as BASELINE audit rows the rows that have no audit row of their insert because they were installed before their table had an audit trigger (shipped = true, or every row of a table with no audit row yet); returns how many. Superusers only: the update to 1.4 runs it, and a superuser after restoring a dump taken before 1.4.';
REVOKE ALL ON FUNCTION safeguard.ledger_baseline() FROM PUBLIC;

-- The rows installed without audit rows, recorded once as found (not while
-- restoring: the dumped trail holds them).
SELECT safeguard.ledger_baseline() WHERE NOT safeguard.restoring();

-- (end of section E)
