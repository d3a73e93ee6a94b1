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
-- Report views that follow open work (issue 8, W5)
--
-- Every reader of the report views is subject to row-level security, and
-- PostgreSQL then applies a query's own conditions only after the
-- policies unless they are leakproof: such a condition cannot be an index
-- condition, and the planner may not read the columns' statistics
-- (bench/w5.sh measures the views at 10% and 100% of the history).
--
-- report_kpi's 12-month window compared month, an expression of
-- received_at through AT TIME ZONE and date_trunc (not leakproof): every
-- concern ever received was read for every dashboard refresh.  It now
-- compares the stored column received_at (timestamptz >= is leakproof)
-- with an instant computed once, which concern_received_at serves; the
-- drill-down view gains received_at as its last column (CREATE OR REPLACE
-- VIEW only appends) so that BI tools can filter the same way.
--
-- The queue views joined safeguarding_case for one column.  Without the
-- statistics of referral.state the planner guessed a seventh of all
-- referrals in the queue and hash-joined them with every case ever opened.
-- A scalar subquery now fetches each listed referral's pseudonym by the
-- case's key.  Only the case join changes: the referral's own row-level
-- security filters the rows exactly as before.  A caller who may see a
-- referral but not its case would now get the row with a NULL pseudonym
-- instead of no row; under the shipped policies no reader of these views
-- is such a caller (the regulator's contact centre, inspectors and
-- administrators see every case; local authority officers, SAMs and
-- readers see the case of every referral they see through referred_scope).
--------------------------------------------------------------------------

CREATE OR REPLACE VIEW safeguard.report_indicator_events WITH (security_invoker = true) AS
WITH base AS (
    SELECT x.id AS concern_id, r.id AS referral_id, coalesce(r.la_id, x.la_id) AS la_id,
           coalesce(t.decided_team, 'No team recorded') AS team, x.source, x.received_at,
           t.decided_at AS triaged_at, r.sent_at, r.decided_at AS la_decided_at, r.outcome_at,
           CASE WHEN r.feedback_at IS NOT NULL OR r.state OPERATOR(pg_catalog.=) 'closed' THEN r.closed_at END AS closed_at
    FROM safeguard.concern x
    LEFT JOIN safeguard.triage t ON t.concern_id OPERATOR(pg_catalog.=) x.id
    LEFT JOIN safeguard.referral r ON r.concern_id OPERATOR(pg_catalog.=) x.id
)
SELECT b.concern_id, b.referral_id,
       pg_catalog.date_trunc('month', safeguard.local_date(b.received_at))::date AS month,
       b.la_id, o.name AS local_authority, b.team, b.source,
       s.stage, s.stage_order, s.reached_at,
       safeguard.working_days_between(safeguard.local_date(b.received_at),
                                      safeguard.local_date(s.reached_at), o.division) AS working_days,
       s.in_time,
       b.received_at
FROM base b
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) b.la_id
LEFT JOIN LATERAL (
    SELECT pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'triage') AS triage,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) ANY ('{send,send_immediate}'::text[])) AS send,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'la_outcome') AS outcome,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'feedback') AS feedback
    FROM safeguard.deadline d
    WHERE d.status OPERATOR(pg_catalog.=) ANY ('{met,breached}'::safeguard.deadline_status[])
      AND ((d.subject_table OPERATOR(pg_catalog.=) 'concern' AND d.subject_id OPERATOR(pg_catalog.=) b.concern_id)
        OR (d.subject_table OPERATOR(pg_catalog.=) 'referral' AND d.subject_id OPERATOR(pg_catalog.=) b.referral_id))
) dl ON true
CROSS JOIN LATERAL (VALUES
    ('received', 0, b.received_at, NULL::boolean),
    ('triage', 1, b.triaged_at, dl.triage),
    ('referral_sent', 2, b.sent_at, dl.send),
    ('la_decision', 3, b.la_decided_at, NULL::boolean),
    ('outcome', 4, b.outcome_at, dl.outcome),
    ('closure', 5, b.closed_at, dl.feedback)
) AS s(stage, stage_order, reached_at, in_time)
WHERE s.reached_at IS NOT NULL;
COMMENT ON VIEW safeguard.report_indicator_events IS 'One row per concern and stage reached (received, triage, referral_sent, la_decision, outcome, closure): working days from receipt, and whether the stage''s deadline was met under the policy in force then (NULL: no timescale). The base of report_indicators, for drill-down; filter on received_at (not month) to read only the period asked for.';
COMMENT ON COLUMN safeguard.report_indicator_events.received_at IS
    'When the concern was received. A filter on it (received_at >= an instant) reads only the concerns of that period; a filter on month reads every concern.';

CREATE OR REPLACE VIEW safeguard.report_kpi WITH (security_invoker = true) AS
SELECT e.stage AS indicator,
       pg_catalog.count(*) AS measured,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days
FROM safeguard.report_indicator_events e
-- From the first instant (Europe/London) of the month 11 months ago: the
-- concerns whose month is that month or later, on the stored column.
WHERE e.received_at OPERATOR(pg_catalog.>=)
      ((pg_catalog.date_trunc('month', safeguard.local_date(safeguard.now())::timestamp)
        OPERATOR(pg_catalog.-) '11 months'::interval) AT TIME ZONE 'Europe/London')
GROUP BY e.stage, e.stage_order
ORDER BY e.stage_order;
COMMENT ON VIEW safeguard.report_kpi IS 'The headline indicators over the last 12 months (this month and the 11 before, by month received, Europe/London), for the dashboard. Reads only the concerns of those months.';

CREATE OR REPLACE VIEW safeguard.report_send_queue WITH (security_invoker = true) AS
SELECT q.referral_id, q.case_id, q.la_id, q.local_authority,
       (SELECT c.adult_pseudonym FROM safeguard.safeguarding_case c
         WHERE c.id OPERATOR(pg_catalog.=) q.case_id) AS adult_pseudonym,
       q.immediate_risk, q.created_at, q.age,
       safeguard.working_days_since(q.created_at, o.division) AS age_working_days,
       q.send_due_at, coalesce(q.overdue, false) AS overdue
FROM safeguard.send_queue q
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) q.la_id;
COMMENT ON VIEW safeguard.report_send_queue IS 'The contact centre''s send queue with its age, pseudonymised: what the regulator''s performance team watches. Rows are the referrals awaiting sending that the caller may see; the pseudonym is read from the referral''s case (NULL if the caller may not see that case: no shipped reader of this view is such a caller).';

CREATE OR REPLACE VIEW safeguard.report_la_outcomes_outstanding WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, o.name AS local_authority,
       (SELECT c.adult_pseudonym FROM safeguard.safeguarding_case c
         WHERE c.id OPERATOR(pg_catalog.=) r.case_id) AS adult_pseudonym,
       r.state, r.sent_at, safeguard.working_days_since(r.sent_at, o.division) AS age_working_days,
       od.due_at AS outcome_due_at, coalesce(od.overdue, false) AS outcome_overdue,
       ed.due_at AS escalation_due_at, coalesce(ed.overdue, false) AS escalation_overdue,
       al.chases, al.last_alert_at,
       CASE WHEN coalesce(ed.overdue, false) OR al.escalations OPERATOR(pg_catalog.>) 0 THEN 'escalated'
            WHEN coalesce(od.overdue, false) OR al.chases OPERATOR(pg_catalog.>) 0 THEN 'chase'
            ELSE 'awaiting' END AS chase_state,
       r.la_contact AS named_contact, r.la_reference,
       o.senior_contact_name, o.senior_contact_email
FROM safeguard.referral r
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
LEFT JOIN safeguard.open_deadlines od ON od.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND od.subject_id OPERATOR(pg_catalog.=) r.id AND od.kind OPERATOR(pg_catalog.=) 'la_outcome'
LEFT JOIN safeguard.open_deadlines ed ON ed.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND ed.subject_id OPERATOR(pg_catalog.=) r.id AND ed.kind OPERATOR(pg_catalog.=) 'la_outcome_escalation'
CROSS JOIN LATERAL (
    SELECT pg_catalog.count(*) FILTER (WHERE a.rung OPERATOR(pg_catalog.=) 'breach') AS chases,
           pg_catalog.count(*) FILTER (WHERE a.rung OPERATOR(pg_catalog.=) 'escalate'
                                        OR (a.rung OPERATOR(pg_catalog.=) 'breach'
                                            AND a.kind OPERATOR(pg_catalog.=) 'la_outcome_escalation')) AS escalations,
           pg_catalog.max(a.fired_at) AS last_alert_at
    FROM safeguard.deadline_alert a
    WHERE a.subject_table OPERATOR(pg_catalog.=) 'referral' AND a.subject_id OPERATOR(pg_catalog.=) r.id
      AND a.kind OPERATOR(pg_catalog.=) ANY ('{la_outcome,la_outcome_escalation}'::text[])
) al
WHERE r.state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided}'::safeguard.referral_state[]);
COMMENT ON VIEW safeguard.report_la_outcomes_outstanding IS 'The chase list the regulator lacked: every referral sent and still awaiting the local authority''s outcome, with its age, deadlines, chases, escalation state and the named contacts. Rows are the referrals the caller may see; the pseudonym is read from the referral''s case (NULL if the caller may not see that case: no shipped reader of this view is such a caller).';

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
