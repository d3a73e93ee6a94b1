/* safeguard--1.2--1.3.sql: the indicator views read only the period asked for (issue 8, W5). */

\echo Use "ALTER EXTENSION safeguard UPDATE TO '1.3'" to load this file. \quit

--------------------------------------------------------------------------
-- Indicator views that read only the period asked for (issue 8, W5)
--
-- bench/w5.sh times the views as a reader at 10% and at 100% of a decade.
-- In 1.2 a reader's report_kpi and report_indicators grew 1.7x when the
-- closed history grew 10x although they read one year of concerns: the
-- year's concerns came by index, but the planner joined them to triage and
-- referral by hashing both tables whole (row-level security hides column
-- statistics from the planner), and the concern policy referred_scope
-- built a hash of every referral before the reader's own policy had been
-- asked.
--
-- The drill-down view now fetches each concern's triage and referral by
-- the concern's key (a LATERAL subquery per concern; OFFSET 0 keeps the
-- planner from turning it back into a join of whole tables): the work is
-- proportional to the concerns read, whatever the history.  Both are at
-- most one row per concern (triage's key, referral's unique concern_id),
-- so the rows are those of 1.2.  Over the whole history the time is that
-- of 1.2 (measured at 100% of SCALE 0.1: 1.93 s against 2.00 s).
--
-- referred_scope is renamed by_referral.  PostgreSQL 15 ORs a table's
-- permissive policies in descending order of name (as the plans show), and OR stops at the
-- first true arm: by_referral now comes after la_scope and reader_scope,
-- so its subquery over referral runs only for rows the caller's own
-- scope does not already show.  The rows a caller sees do not change.
--------------------------------------------------------------------------

ALTER POLICY referred_scope ON safeguard.concern RENAME TO by_referral;
ALTER POLICY referred_scope ON safeguard.safeguarding_case RENAME TO by_referral;

CREATE OR REPLACE VIEW safeguard.report_indicator_events WITH (security_invoker = true) AS
WITH base AS (
    SELECT x.id AS concern_id, r.id AS referral_id, coalesce(r.la_id, x.la_id) AS la_id,
           coalesce(t.decided_team, 'No team recorded') AS team, x.source, x.received_at,
           t.decided_at AS triaged_at, r.sent_at, r.decided_at AS la_decided_at, r.outcome_at,
           CASE WHEN r.feedback_at IS NOT NULL OR r.state OPERATOR(pg_catalog.=) 'closed' THEN r.closed_at END AS closed_at
    FROM safeguard.concern x
    LEFT JOIN LATERAL (SELECT tr.decided_team, tr.decided_at FROM safeguard.triage tr
                       WHERE tr.concern_id OPERATOR(pg_catalog.=) x.id OFFSET 0) t ON true
    LEFT JOIN LATERAL (SELECT rf.id, rf.la_id, rf.state, rf.sent_at, rf.decided_at, rf.outcome_at,
                              rf.feedback_at, rf.closed_at
                       FROM safeguard.referral rf
                       WHERE rf.concern_id OPERATOR(pg_catalog.=) x.id OFFSET 0) r ON true
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
COMMENT ON POLICY by_referral ON safeguard.concern IS
    'A local authority''s staff and readers see a concern whose referral they see (a referral sent to another authority than the concern''s takes its concern along). Named to be evaluated after la_scope and reader_scope.';
COMMENT ON POLICY by_referral ON safeguard.safeguarding_case IS
    'A local authority''s staff and readers see a case whose referral they see. Named to be evaluated after la_scope and reader_scope.';
