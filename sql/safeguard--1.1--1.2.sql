/* safeguard--1.1--1.2.sql: dump and restore (pg_dump keeps every table and sequence; a supported restore procedure). */

\echo Use "ALTER EXTENSION safeguard UPDATE TO '1.2'" to load this file. \quit

--------------------------------------------------------------------------
-- Dump and restore (docs/backup.md).
--------------------------------------------------------------------------
-- pg_dump keeps what 1.0 and 1.1 did not mark: the provider enquiries and
-- their sequences, the pseudonym secret (a dump holds every identity
-- already; without the secret the adults of new cases would get pseudonyms
-- unrelated to their earlier ones), the chain locks, and every division
-- (an import extends a shipped division's coverage).  A restore runs as a
-- superuser with session_replication_role = replica: while it runs CREATE
-- EXTENSION and COPY FROM, every row trigger stands aside (WHEN NOT
-- safeguard.restoring()) and rows are stored exactly as dumped; its other
-- statements, and every statement of any other session, meet the guards as
-- before.  Any other superuser COPY FROM into these tables is refused
-- (SG701) before a guard could refuse or re-stamp its rows.
CREATE FUNCTION safeguard.restoring() RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_restoring_sql';
COMMENT ON FUNCTION safeguard.restoring() IS
    'True while the session restores a dump by the procedure of docs/backup.md: a COPY FROM or CREATE EXTENSION run with session_replication_role = replica by a session whose session and current user are superusers. Every row trigger on safeguard''s tables stands aside then.';
-- Trigger WHEN clauses run with the privileges of whichever role writes
-- (client roles, safeguard_owner for safeguard's own writes): every writer
-- needs EXECUTE.  It tells a session only whether it is itself a superuser
-- restoring.
REVOKE ALL ON FUNCTION safeguard.restoring() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.restoring() TO PUBLIC;

CREATE FUNCTION safeguard.restore_guard() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_restore_guard';
COMMENT ON FUNCTION safeguard.restore_guard() IS
    'Trigger: while restoring, a restored row replaces the row CREATE EXTENSION installed with the same key (trigger arguments); otherwise a superuser''s COPY FROM into the table is refused (SG701: restore by the procedure of docs/backup.md).';
REVOKE ALL ON FUNCTION safeguard.restore_guard() FROM PUBLIC;

-- Every row trigger stands aside while restoring (statement triggers keep
-- firing: the calendar caches are still invalidated, TRUNCATE still refused).
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, g.tgname, g.tgenabled, pg_catalog.pg_get_triggerdef(g.oid) AS def
             FROM pg_catalog.pg_trigger g
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND NOT g.tgisinternal
               AND (g.tgtype::integer OPERATOR(pg_catalog.&) 1) OPERATOR(pg_catalog.=) 1
               AND g.tgqual IS NULL
             ORDER BY c.relname, g.tgname
    LOOP
        EXECUTE pg_catalog.replace(
            pg_catalog.replace(t.def, 'CREATE TRIGGER ', 'CREATE OR REPLACE TRIGGER '),
            ' FOR EACH ROW EXECUTE FUNCTION ',
            ' FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION ');
        IF t.tgenabled OPERATOR(pg_catalog.=) 'A' THEN
            EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
        END IF;
    END LOOP;
END
$$;

-- Tables whose rows pg_dump keeps, with their sequences.
-- (One call per statement: each call rewrites the extension's catalog row.)
DO $$
DECLARE
    t pg_catalog.text;
BEGIN
    FOREACH t IN ARRAY ARRAY['provider_enquiry', 'enquiry_location', 'enquiry_criterion',
        'enquiry_appointment', 'enquiry_meeting', 'meeting_attendee', 'commissioning_decision',
        'enquiry_finding', 'improvement_plan', 'plan_item', 'qa_activity', 'enquiry_notification',
        'provider_enquiry_id_seq', 'enquiry_appointment_id_seq', 'enquiry_meeting_id_seq',
        'commissioning_decision_id_seq', 'enquiry_finding_id_seq', 'improvement_plan_id_seq',
        'plan_item_id_seq', 'qa_activity_id_seq', 'enquiry_notification_id_seq',
        'pseudonym_key', 'serial_lock', 'division']
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(pg_catalog.format('safeguard.%I', t)::pg_catalog.regclass, '');
    END LOOP;
END
$$;

-- The first BEFORE INSERT trigger (triggers fire in name order) on every
-- table pg_dump keeps; a restored division or secret replaces the installed one.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname,
                    CASE WHEN c.relname OPERATOR(pg_catalog.=) 'division' THEN '''division'''
                         WHEN c.relname OPERATOR(pg_catalog.=) 'pseudonym_key' THEN '''only_row'''
                         ELSE '' END AS args
             FROM pg_catalog.pg_extension e
             CROSS JOIN LATERAL pg_catalog.unnest(e.extconfig) AS x(tbl)
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) x.tbl
             WHERE e.extname OPERATOR(pg_catalog.=) 'safeguard' AND c.relkind OPERATOR(pg_catalog.=) 'r'
             ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.%I '
                                  'FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard(%s)', t.relname, t.args);
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER _restore_guard', t.relname);
    END LOOP;
END
$$;

--------------------------------------------------------------------------
-- Performance indexes (issue 8, W5)
--
-- What the report views read for open work should grow with open work,
-- not with a decade of closed history (bench/w5.sh measures it at 10% and
-- 100% of the history).  Report readers are subject to row-level security,
-- so their own conditions become index conditions only when leakproof
-- (plain comparisons of stored columns), and the planner cannot see the
-- columns' statistics: these indexes are chosen for that.
--------------------------------------------------------------------------

-- The chase list (report_la_outcomes_outstanding) counts each outstanding
-- referral's alerts: without this index every outstanding referral reads the
-- whole alert history (3,845 referrals x 30,000 alerts: 31 s; with it 0.04 s).
CREATE INDEX deadline_alert_subject ON safeguard.deadline_alert (subject_table, subject_id);
COMMENT ON INDEX safeguard.deadline_alert_subject IS
    'Alerts fired for a record (subject_table, subject_id): the chases and escalations of a referral, in report_la_outcomes_outstanding.';

-- Referrals not yet closed or withdrawn: the send queue and the chase list
-- find them without reading every closed referral.
CREATE INDEX referral_open ON safeguard.referral (state, la_id)
    WHERE state OPERATOR(pg_catalog.=) ANY
          ('{awaiting_send,sent,acknowledged,decided,outcome_recorded}'::safeguard.referral_state[]);
COMMENT ON INDEX safeguard.referral_open IS
    'Referrals still open (not closed or withdrawn), by state and local authority: its size follows open work, not history.';

-- Concerns by time received: a date window over concerns (a BI tool's
-- "last 12 months") reads only those months; received_at >= a value is
-- leakproof, so it serves readers under row-level security too.
CREATE INDEX concern_received_at ON safeguard.concern (received_at);
COMMENT ON INDEX safeguard.concern_received_at IS
    'Concerns by time received: date windows (the last 12 months of the indicators) read only the months asked for.';
