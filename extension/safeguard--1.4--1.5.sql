/* safeguard--1.4--1.5.sql: the journeys as one function (issue 15).  1.5 is a restructuring: a
 * fresh install runs the full script safeguard--1.5.sql; this step brings a 1.4 database to
 * the same schema. */

\echo Use "ALTER EXTENSION safeguard UPDATE TO '1.5'" to load this file. \quit

--------------------------------------------------------------------------
-- case_journey, referral_journey and enquiry_journey repeated one body;
-- safeguard.journey(subject, id) is that body once.  The three names stay
-- for existing callers, as wrappers over it: the same columns, the same
-- rows, the same privileges (SECURITY INVOKER: the caller's own reading of
-- the audit trail, the auditor's included).
--------------------------------------------------------------------------
-- A journey: the chronological timeline of a case, a referral or a provider
-- enquiry, read from the audit trail alone (the auditor duty, which may not
-- read casework, reads every journey), with actor, duty, organisation and
-- what changed.  The rows of each subject:
--   case      every audit row of the case (its concerns, triage, referrals,
--             deadlines, alerts, pauses and approvals);
--   referral  within the referral's case: the referral, its concern and
--             triage, and the deadlines whose insert names the referral;
--   enquiry   the enquiry's own chain (enquiry:<id>, since 1.4), and its rows
--             written before 1.4 in the chains of the enquiry tables and of
--             deadlines outside cases: the enquiry and every record naming it,
--             its plan, the plan's items, its meetings' attendees, the
--             deadlines whose insert names it.
CREATE FUNCTION safeguard.journey(subject text, id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF journey.subject IS NULL THEN
        RAISE EXCEPTION 'journey subject is null'
            USING ERRCODE = 'SG103',
                  DETAIL = 'A journey is that of a case, a referral or a provider enquiry.',
                  HINT = 'Call safeguard.journey(''case'', id), journey(''referral'', id) or journey(''enquiry'', id).';
    END IF;
    IF journey.subject OPERATOR(pg_catalog.<>) ALL ('{case,referral,enquiry}'::pg_catalog.text[]) THEN
        RAISE EXCEPTION 'unknown journey subject'
            USING ERRCODE = 'SG208',
                  DETAIL = pg_catalog.format('The subject is "%s"; a journey is that of a case, a referral or a provider enquiry.', journey.subject),
                  HINT = 'Use ''case'', ''referral'' or ''enquiry'' as the subject.';
    END IF;
    RETURN QUERY
    WITH referral_created AS (
        SELECT a.case_id, a.changes OPERATOR(pg_catalog.->>) 'concern_id' AS concern_key
        FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'referral'
          AND a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
          AND a.action OPERATOR(pg_catalog.=) 'INSERT'
    ), referral_case AS (
        SELECT a.* FROM safeguard.audit_event a
        WHERE a.case_id OPERATOR(pg_catalog.=) (SELECT c.case_id FROM referral_created c)
    ), referral_deadlines AS (
        SELECT d.row_key FROM referral_case d
        WHERE d.table_name OPERATOR(pg_catalog.=) 'deadline' AND d.action OPERATOR(pg_catalog.=) 'INSERT'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_table' OPERATOR(pg_catalog.=) 'referral'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), legacy AS (
        -- rows written before 1.4, in the chains of the enquiry tables and of
        -- deadlines outside cases (the deadlines of enquiries)
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'enquiry'
          AND a.chain_key OPERATOR(pg_catalog.=) ANY ('{table:provider_enquiry,table:enquiry_location,
              table:enquiry_criterion,table:enquiry_appointment,table:enquiry_meeting,table:meeting_attendee,
              table:commissioning_decision,table:enquiry_finding,table:improvement_plan,table:plan_item,
              table:qa_activity,table:enquiry_notification,table:deadline}'::text[])
    ), plans AS (
        SELECT p.row_key FROM legacy p
        WHERE p.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND p.action OPERATOR(pg_catalog.=) 'INSERT'
          AND p.changes OPERATOR(pg_catalog.->>) 'enquiry_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), items AS (
        SELECT i.row_key FROM legacy i
        WHERE i.table_name OPERATOR(pg_catalog.=) 'plan_item' AND i.action OPERATOR(pg_catalog.=) 'INSERT'
          AND i.changes OPERATOR(pg_catalog.->>) 'plan_id' OPERATOR(pg_catalog.=) ANY (SELECT p.row_key FROM plans p)
    ), meetings AS (
        SELECT m.row_key FROM legacy m
        WHERE m.table_name OPERATOR(pg_catalog.=) 'enquiry_meeting' AND m.action OPERATOR(pg_catalog.=) 'INSERT'
          AND m.changes OPERATOR(pg_catalog.->>) 'enquiry_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), enquiry_deadlines AS (
        SELECT d.row_key FROM legacy d
        WHERE d.table_name OPERATOR(pg_catalog.=) 'deadline' AND d.action OPERATOR(pg_catalog.=) 'INSERT'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_table' OPERATOR(pg_catalog.=) 'provider_enquiry'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), rows AS (
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'case' AND a.case_id OPERATOR(pg_catalog.=) journey.id
        UNION ALL
        SELECT a.* FROM referral_case a
        WHERE (a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text)
           OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT d.row_key FROM referral_deadlines d))
           OR (a.table_name OPERATOR(pg_catalog.=) ANY ('{concern,triage}'::text[])
               AND a.row_key OPERATOR(pg_catalog.=) (SELECT c.concern_key FROM referral_created c))
        UNION ALL
        SELECT a.* FROM legacy a
        WHERE (a.table_name OPERATOR(pg_catalog.=) 'provider_enquiry' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text)
           OR (a.changes OPERATOR(pg_catalog.->>) 'enquiry_id') OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
           OR (a.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT p.row_key FROM plans p))
           OR (a.table_name OPERATOR(pg_catalog.=) 'plan_item' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT i.row_key FROM items i))
           OR (a.table_name OPERATOR(pg_catalog.=) 'meeting_attendee' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT m.row_key FROM meetings m))
           OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT d.row_key FROM enquiry_deadlines d))
        UNION ALL
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'enquiry'
          AND a.chain_key OPERATOR(pg_catalog.=) ('enquiry:' OPERATOR(pg_catalog.||) journey.id::pg_catalog.text)
    )
    SELECT a.id, a.recorded_at, a.business_time, a.login_role, a.acting_role, a.duty, o.name,
           a.table_name, a.row_key, a.action, a.from_state, a.to_state, a.changes
    FROM rows a
    LEFT JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) a.organisation_id
    ORDER BY a.id;
END
$$;
COMMENT ON FUNCTION safeguard.journey(text, bigint) IS
    'The chronological timeline of a case, a referral or a provider enquiry (subject ''case'', ''referral'' or ''enquiry'') from the audit trail alone: every change with actor, duty, organisation and what changed (CQC case tracking). SG208 for another subject, SG103 for NULL.';
REVOKE ALL ON FUNCTION safeguard.journey(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.journey(text, bigint) TO safeguard_auditor, safeguard_admin;

-- The three journeys of 1.0, kept for existing callers.
CREATE OR REPLACE FUNCTION safeguard.case_journey(case_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('case', $1) $$;
COMMENT ON FUNCTION safeguard.case_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''case'', case_id), which it calls. A case''s full chronological timeline from the audit trail.';
CREATE OR REPLACE FUNCTION safeguard.referral_journey(referral_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('referral', $1) $$;
COMMENT ON FUNCTION safeguard.referral_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''referral'', referral_id), which it calls. A referral''s chronological timeline from the audit trail.';
CREATE OR REPLACE FUNCTION safeguard.enquiry_journey(enquiry_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('enquiry', $1) $$;
COMMENT ON FUNCTION safeguard.enquiry_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''enquiry'', enquiry_id), which it calls. A provider enquiry''s chronological timeline from the audit trail.';

--------------------------------------------------------------------------
-- The integration duty (issue 18, item 3): an application's role that
-- consumes the outbox and may do nothing else.  It consumes exactly what
-- an administrator of the same organisation consumes (may_consume_outbox,
-- in C); claim_outbox() and mark_delivered() are the consumer's calls.
--------------------------------------------------------------------------
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                   WHERE rolname OPERATOR(pg_catalog.=) 'safeguard_integration') THEN
        CREATE ROLE safeguard_integration NOLOGIN;
    END IF;
END
$roles$;
GRANT safeguard_integration TO safeguard_owner WITH ADMIN OPTION;

-- Appended, as in the full script; not used in this transaction (a new
-- enum value cannot be used before it commits).
ALTER TYPE safeguard.duty ADD VALUE 'integration';

COMMENT ON FUNCTION safeguard.may_consume_outbox(bigint) IS
    'Row-level security predicate of the outbox: true when the current role holds the admin or integration duty for the regulator, or for that organisation.';
COMMENT ON TABLE safeguard.outbox IS 'Notifications to deliver, written in the same transaction as the rung that caused them; each consumer (the admin or integration duty) sees its own organisation''s, the regulator''s consumers all. Consume with safeguard.claim_outbox(), deliver, then safeguard.mark_delivered(ids) in the same transaction.';
COMMENT ON COLUMN safeguard.outbox.organisation_id IS
    'The organisation the notification concerns (the one that must meet the deadline), from the payload: only its consumers (admin, integration) and the regulator''s read the row.';
-- The integration duty: read, and claim (FOR UPDATE needs UPDATE on a column), and record delivery.
GRANT SELECT, UPDATE (delivered_at, delivered_by) ON safeguard.outbox TO safeguard_integration;

-- The consumer's two calls (issue 18): claim undelivered notifications,
-- deliver them, mark them delivered, all in one transaction.  SECURITY
-- INVOKER: the outbox's row-level security (may_consume_outbox) chooses
-- the rows, and the row locks are the caller's own.
CREATE FUNCTION safeguard.claim_outbox(max_rows integer DEFAULT 100) RETURNS SETOF safeguard.outbox
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_claim_outbox';
COMMENT ON FUNCTION safeguard.claim_outbox(integer) IS
    'Locks and returns up to max_rows undelivered notifications the caller may consume (its organisation''s; all for the regulator''s), oldest first, skipping rows another consumer has claimed (FOR UPDATE SKIP LOCKED). The admin and integration duties; deliver them, then mark_delivered(ids) in the same transaction.';
REVOKE ALL ON FUNCTION safeguard.claim_outbox(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.claim_outbox(integer) TO safeguard_integration, safeguard_admin;

CREATE FUNCTION safeguard.mark_delivered(ids bigint[]) RETURNS integer
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_mark_delivered';
COMMENT ON FUNCTION safeguard.mark_delivered(bigint[]) IS
    'Records the delivery (when, by which role) of the notifications ids, every one of which the caller must be able to consume (else SG208, nothing marked); returns how many were newly marked (one already delivered stays as it was). The admin and integration duties.';
REVOKE ALL ON FUNCTION safeguard.mark_delivered(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.mark_delivered(bigint[]) TO safeguard_integration, safeguard_admin;

--------------------------------------------------------------------------
-- Arrays that analysts' tools read (issue 18, item 2): the one enum array
-- a reporting view exposes, referral_pseudonymised.risk_types, becomes
-- text[].  CREATE OR REPLACE VIEW cannot change a column's type, so the
-- view is dropped and created again as the full script defines it, with
-- its comments and grants (no other view depends on it).
--------------------------------------------------------------------------
DROP VIEW safeguard.referral_pseudonymised;
-- risk_types is text[], not sac_risk_type[]: client libraries (psycopg2, and
-- so pandas; R's RPostgres) know text[] but not the array type of an
-- extension's enum, and hand the latter over as the unparsed string
-- '{"Neglect and Acts of Omission"}' (issue 18).
CREATE VIEW safeguard.referral_pseudonymised WITH (security_barrier = true, security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, r.state, r.immediate_risk,
       c.adult_pseudonym,
       x.source, x.channel, x.risk_types::pg_catalog.text[] AS risk_types, x.risk_location, x.source_of_risk,
       x.adult_gender, x.received_at, r.created_at, r.sent_at, r.acknowledged_at, r.la_decision, r.decided_at,
       r.action_result, r.risk_outcome, r.harm_from_delay, r.outcome_at,
       r.feedback_at, r.closed_at, r.withdrawn_at
FROM safeguard.referral r
JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
JOIN safeguard.safeguarding_case c ON c.id OPERATOR(pg_catalog.=) r.case_id;
COMMENT ON VIEW safeguard.referral_pseudonymised IS 'Referrals for performance teams (safeguard_reader): no identifying columns; adult_pseudonym is a keyed hash, stable per adult.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.state IS 'Referral state.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.immediate_risk IS 'Adult at immediate risk.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.adult_pseudonym IS 'Keyed hash of the adult''s identity (NULL when unknown).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.source IS 'Who raised the concern.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.channel IS 'How it was received.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_types IS 'Types of risk (SAC): values of sac_risk_type, as text[] so that pandas, R and other clients read a list.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_location IS 'Location of risk (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.source_of_risk IS 'Source of risk (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.adult_gender IS 'Gender (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.received_at IS 'When the concern was received.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.created_at IS 'When the referral decision was made.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.sent_at IS 'When sent.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.acknowledged_at IS 'When acknowledged.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.la_decision IS 'The local authority''s decision.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.decided_at IS 'When decided.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.action_result IS 'Action and result (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_outcome IS 'Risk outcome (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.harm_from_delay IS 'Harm from delay, for late referrals.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.outcome_at IS 'When the outcome was recorded.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.feedback_at IS 'When the referrer heard back.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.closed_at IS 'When closed.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.withdrawn_at IS 'When withdrawn.';
REVOKE ALL ON safeguard.referral_pseudonymised FROM PUBLIC;
GRANT SELECT ON safeguard.referral_pseudonymised TO safeguard_reader, safeguard_admin;

--------------------------------------------------------------------------
-- Issue 19: the sweep's schedule and health
-- The schedule (each open, unpaused deadline's next rung instant) and the
-- sweeper's health, as the full script defines them in section 7; then
-- their tables to safeguard_owner, their triggers ALWAYS (section 10 of the
-- full script), and the schedule computed for the deadlines open now.
--------------------------------------------------------------------------

-- The sweep's schedule (issue 19): each open, unpaused deadline's next rung
-- instant, in a table of its own, indexed, so that sweep() reads what is
-- due and nothing else: a call costs the rungs it fires, not the deadlines
-- open.  Derived from the deadline, its rule, its ladder, its alerts and
-- the calendar, with the arithmetic the sweep fires by (rung_fire_at), and
-- kept in C: the trigger schedule_sync on deadline (open, pause, resume,
-- extend, close, cancel: any kind, whichever function opened it), the sweep
-- (fire), schedule_ladder on the ladders and rules, and schedule_calendar,
-- which rebuilds every row once when a transaction changes the calendar.
-- Not audited (derived); nobody but safeguard reads or writes it.
CREATE FUNCTION safeguard.rung_fire_at(amount integer, unit safeguard.deadline_unit, anchor timestamptz,
    division text, offset_amount integer, offset_unit safeguard.deadline_unit)
    RETURNS timestamptz LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_rung_fire_at_sql';
COMMENT ON FUNCTION safeguard.rung_fire_at(integer, safeguard.deadline_unit, timestamptz, text, integer, safeguard.deadline_unit) IS
    'The instant a rung of an escalation ladder fires: the due instant of the rule (amount, unit) counted from anchor in division, shifted by the rung''s offset, as sweep() computes it; NULL when it cannot be computed (the calendar does not cover it, or out of range).';

CREATE TABLE safeguard.deadline_schedule (
    deadline_id  bigint PRIMARY KEY REFERENCES safeguard.deadline,
    anchor_at    timestamptz NOT NULL,
    next_fire_at timestamptz,
    uncomputable integer NOT NULL DEFAULT 0
);

CREATE INDEX deadline_schedule_due ON safeguard.deadline_schedule (next_fire_at)
    WHERE next_fire_at IS NOT NULL;
CREATE INDEX deadline_schedule_uncomputable ON safeguard.deadline_schedule (anchor_at, deadline_id)
    WHERE uncomputable OPERATOR(pg_catalog.>) 0;

COMMENT ON TABLE safeguard.deadline_schedule IS
    'The sweep''s schedule: one row per open, unpaused deadline with the instant its next rung fires, so that sweep() reads only what is due (issue 19). Derived (not audited) and kept by safeguard: opening, pausing, resuming, extending, closing or cancelling a deadline, firing a rung, changing a ladder and changing the calendar bring it up to date. Readable by nobody but safeguard; safeguard.sweep_health shows what is due.';
COMMENT ON COLUMN safeguard.deadline_schedule.deadline_id IS 'The open, unpaused deadline.';
COMMENT ON COLUMN safeguard.deadline_schedule.anchor_at IS 'Its anchor: a sweep takes the deadlines due oldest anchor first.';
COMMENT ON COLUMN safeguard.deadline_schedule.next_fire_at IS 'The earliest instant among its rungs not yet fired; NULL when every rung has fired or none left can be computed.';
COMMENT ON COLUMN safeguard.deadline_schedule.uncomputable IS 'How many of its rungs not yet fired have an instant that cannot be computed (the calendar does not cover it); they wait, and sweep() warns, until the calendar is imported.';
COMMENT ON INDEX safeguard.deadline_schedule_due IS
    'What a sweep reads: next_fire_at <= now(), the deadlines with a rung due.';
COMMENT ON INDEX safeguard.deadline_schedule_uncomputable IS
    'The deadlines with a rung that waits for the calendar, for sweep()''s warning and sweep_health.';

CREATE FUNCTION safeguard.deadline_schedule_sync() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_sync';
COMMENT ON FUNCTION safeguard.deadline_schedule_sync() IS
    'Trigger on deadline: a deadline that opens, resumes or is extended gets its next rung instant in deadline_schedule; one that closes, is cancelled or paused leaves it.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_sync() FROM PUBLIC;

CREATE FUNCTION safeguard.deadline_schedule_ladder() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_ladder';
COMMENT ON FUNCTION safeguard.deadline_schedule_ladder() IS
    'Trigger on deadline_rule and escalation_rung: a change to a ladder (a rung added to a policy in use) reaches the schedule of that rule''s open deadlines at once.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_ladder() FROM PUBLIC;

CREATE FUNCTION safeguard.deadline_schedule_calendar() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_calendar';
COMMENT ON FUNCTION safeguard.deadline_schedule_calendar() IS
    'Deferred trigger on bank_holiday and division: a calendar change moves due instants, so the whole schedule is rebuilt, once, when the transaction that changed the calendar commits.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_calendar() FROM PUBLIC;

CREATE FUNCTION safeguard.rebuild_deadline_schedule() RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_rebuild_deadline_schedule';
COMMENT ON FUNCTION safeguard.rebuild_deadline_schedule() IS
    'Recomputes every row of the sweep''s schedule from the deadlines, their ladders, their alerts and the calendar; returns how many rows it wrote or removed (0 when the schedule was right). Nothing needs it in normal operation (a restore brings the schedule back as dumped); a repair, for an administrator of the regulator.';
REVOKE ALL ON FUNCTION safeguard.rebuild_deadline_schedule() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.rebuild_deadline_schedule() TO safeguard_admin;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_schedule
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_schedule
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

-- No privilege and no policy: nobody but safeguard (its owner) reads a row,
-- not even a member of pg_read_all_data.
ALTER TABLE safeguard.deadline_schedule ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_schedule FORCE ROW LEVEL SECURITY;
REVOKE ALL ON safeguard.deadline_schedule FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_schedule', '');

CREATE TRIGGER schedule_sync AFTER INSERT OR UPDATE OF status, paused_at, anchor_at, amount ON safeguard.deadline
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_sync();
CREATE TRIGGER schedule_ladder AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline_rule
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_ladder();
CREATE TRIGGER schedule_ladder AFTER INSERT OR DELETE OR UPDATE ON safeguard.escalation_rung
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_ladder();
CREATE CONSTRAINT TRIGGER schedule_calendar AFTER INSERT OR DELETE OR UPDATE ON safeguard.bank_holiday
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_calendar();
CREATE CONSTRAINT TRIGGER schedule_calendar AFTER INSERT OR DELETE OR UPDATE ON safeguard.division
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_calendar();

-- The sweeper's health (issue 19): whether deadlines are being acted on,
-- for an operator and for a monitoring tool polling SQL.  Each sweep records
-- itself in its own transaction (never waiting for another sweep's record);
-- the background worker records a failed sweep after rolling it back.  The
-- view adds the due backlog as the schedule has it now.  The admin and
-- auditor duties only; thresholds to alert on: docs/operations.md.
CREATE TABLE safeguard.sweep_state (
    only_row            boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    sweeps              bigint NOT NULL DEFAULT 0,
    rungs_fired         bigint NOT NULL DEFAULT 0,
    last_started_at     timestamptz,
    last_finished_at    timestamptz,
    last_rungs_fired    integer,
    last_rungs_left     integer,
    last_error_at       timestamptz,
    last_error_sqlstate text,
    last_error          text
);

COMMENT ON TABLE safeguard.sweep_state IS
    'The sweeper''s record of itself: one row, installed empty, updated by every committed sweep and by the background worker when a sweep fails. Not audited (operational); read through safeguard.sweep_health.';
COMMENT ON COLUMN safeguard.sweep_state.only_row IS 'There is one row.';
COMMENT ON COLUMN safeguard.sweep_state.sweeps IS 'Sweeps committed since the row was created.';
COMMENT ON COLUMN safeguard.sweep_state.rungs_fired IS 'Rungs those sweeps fired.';
COMMENT ON COLUMN safeguard.sweep_state.last_started_at IS 'When the last committed sweep started (real time).';
COMMENT ON COLUMN safeguard.sweep_state.last_finished_at IS 'When it finished (real time, before its commit).';
COMMENT ON COLUMN safeguard.sweep_state.last_rungs_fired IS 'How many rungs it fired.';
COMMENT ON COLUMN safeguard.sweep_state.last_rungs_left IS 'How many due rungs it left for a later sweep because another transaction held their case.';
COMMENT ON COLUMN safeguard.sweep_state.last_error_at IS 'When the background worker last recorded a failed sweep.';
COMMENT ON COLUMN safeguard.sweep_state.last_error_sqlstate IS 'Its SQLSTATE.';
COMMENT ON COLUMN safeguard.sweep_state.last_error IS 'Its message.';

-- The one row, installed empty: a sweep only ever updates it (so two
-- sweeps never wait on each other's first insert).
INSERT INTO safeguard.sweep_state DEFAULT VALUES;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sweep_state
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard('only_row');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sweep_state
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.sweep_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sweep_state FORCE ROW LEVEL SECURITY;
REVOKE ALL ON safeguard.sweep_state FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('safeguard.sweep_state', '');

CREATE FUNCTION safeguard.sweeper_health(OUT last_started_at timestamptz, OUT last_finished_at timestamptz,
    OUT last_duration interval, OUT last_rungs_fired integer, OUT last_rungs_left integer,
    OUT sweeps bigint, OUT rungs_fired bigint, OUT due_deadlines bigint, OUT oldest_due_at timestamptz,
    OUT uncomputable_rungs bigint, OUT last_error_at timestamptz, OUT last_error_sqlstate text,
    OUT last_error text)
    RETURNS record LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_sweeper_health';
COMMENT ON FUNCTION safeguard.sweeper_health() IS
    'The sweeper''s health as one row (safeguard.sweep_health reads it): the last committed sweep, the due backlog as of safeguard.now(), the rungs whose instant cannot be computed yet and the last failure recorded. The admin and auditor duties.';
REVOKE ALL ON FUNCTION safeguard.sweeper_health() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sweeper_health() TO safeguard_admin, safeguard_auditor;

CREATE VIEW safeguard.sweep_health WITH (security_invoker = true) AS
SELECT h.last_started_at, h.last_finished_at, h.last_duration,
       safeguard.now() OPERATOR(pg_catalog.-) h.last_finished_at AS since_last_sweep,
       h.last_rungs_fired, h.last_rungs_left, h.sweeps, h.rungs_fired,
       h.due_deadlines, h.oldest_due_at,
       safeguard.now() OPERATOR(pg_catalog.-) h.oldest_due_at AS oldest_due_age,
       h.uncomputable_rungs, h.last_error_at, h.last_error_sqlstate, h.last_error
FROM safeguard.sweeper_health() h;
COMMENT ON VIEW safeguard.sweep_health IS
    'Whether deadlines are being acted on: the last committed sweep (when, how long, what it fired and left), the due backlog (deadlines with a rung due now and the oldest instant due), rungs waiting for the calendar, and the last failed sweep the background worker recorded. One row. The admin and auditor duties; alert thresholds in docs/operations.md.';
COMMENT ON COLUMN safeguard.sweep_health.last_started_at IS 'When the last committed sweep started (real time); NULL before the first.';
COMMENT ON COLUMN safeguard.sweep_health.last_finished_at IS 'When it finished.';
COMMENT ON COLUMN safeguard.sweep_health.last_duration IS 'How long it took.';
COMMENT ON COLUMN safeguard.sweep_health.since_last_sweep IS 'How long ago it finished (safeguard.now(), the transaction''s start unless a test pinned the clock, minus last_finished_at): alert when it passes a few sweep intervals.';
COMMENT ON COLUMN safeguard.sweep_health.last_rungs_fired IS 'How many rungs it fired.';
COMMENT ON COLUMN safeguard.sweep_health.last_rungs_left IS 'How many due rungs it left because another transaction held their case (they fire at the next sweep).';
COMMENT ON COLUMN safeguard.sweep_health.sweeps IS 'Sweeps committed so far: a counter for rates.';
COMMENT ON COLUMN safeguard.sweep_health.rungs_fired IS 'Rungs they fired: a counter for rates.';
COMMENT ON COLUMN safeguard.sweep_health.due_deadlines IS 'Open, unpaused deadlines with a rung due now (safeguard.now()) and not yet fired: the due backlog.';
COMMENT ON COLUMN safeguard.sweep_health.oldest_due_at IS 'The oldest instant due among them; NULL when nothing is due.';
COMMENT ON COLUMN safeguard.sweep_health.oldest_due_age IS 'How long the oldest due rung has waited (safeguard.now() minus oldest_due_at).';
COMMENT ON COLUMN safeguard.sweep_health.uncomputable_rungs IS 'Rungs of open deadlines whose instant cannot be computed until the next gov.uk calendar is imported.';
COMMENT ON COLUMN safeguard.sweep_health.last_error_at IS 'When the background worker last recorded a failed sweep (pg_cron keeps its own in cron.job_run_details).';
COMMENT ON COLUMN safeguard.sweep_health.last_error_sqlstate IS 'Its SQLSTATE.';
COMMENT ON COLUMN safeguard.sweep_health.last_error IS 'Its message.';
REVOKE ALL ON safeguard.sweep_health FROM PUBLIC;
GRANT SELECT ON safeguard.sweep_health TO safeguard_admin, safeguard_auditor;

DO $issue19$
DECLARE
    t record;
BEGIN
    ALTER TABLE safeguard.deadline_schedule OWNER TO safeguard_owner;
    ALTER TABLE safeguard.sweep_state OWNER TO safeguard_owner;
    FOR t IN SELECT c.relname, g.tgname
             FROM pg_catalog.pg_trigger g
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND NOT g.tgisinternal AND g.tgenabled OPERATOR(pg_catalog.<>) 'A'
             ORDER BY c.relname, g.tgname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
    END LOOP;
END
$issue19$;

-- The schedule of the deadlines open when the update runs (as
-- rebuild_deadline_schedule() computes it).
INSERT INTO safeguard.deadline_schedule (deadline_id, anchor_at, next_fire_at, uncomputable)
SELECT d.id, d.anchor_at, pg_catalog.min(x.at),
       (pg_catalog.count(x.rung) FILTER (WHERE x.at IS NULL))::pg_catalog.int4
FROM safeguard.deadline d
JOIN safeguard.deadline_rule r ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id
                              AND r.kind OPERATOR(pg_catalog.=) d.kind
LEFT JOIN LATERAL (SELECT e.rung, safeguard.rung_fire_at(coalesce(d.amount, r.amount), r.unit,
                       d.anchor_at, d.division, e.offset_amount, e.offset_unit) AS at
                   FROM safeguard.escalation_rung e
                   WHERE e.policy_id OPERATOR(pg_catalog.=) d.policy_id AND e.kind OPERATOR(pg_catalog.=) d.kind
                     AND NOT EXISTS (SELECT 1 FROM safeguard.deadline_alert a
                                     WHERE a.deadline_id OPERATOR(pg_catalog.=) d.id
                                       AND a.rung OPERATOR(pg_catalog.=) e.rung)) x ON true
WHERE d.status OPERATOR(pg_catalog.=) 'open' AND d.paused_at IS NULL AND NOT safeguard.restoring()
GROUP BY d.id, d.anchor_at;
