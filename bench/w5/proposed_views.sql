-- bench/w5/proposed_views.sql: the change W5 proposes to the indicator views (the lead's call:
-- view definitions), applied by bench/w5.sh to a scratch database when
-- SAFEGUARD_BENCH_W5_PROPOSED=1, to measure it.
--
-- Why.  Every reader of the report views is subject to row-level security, and PostgreSQL
-- then evaluates a query's own conditions only after the policies, unless the condition is
-- leakproof; a condition that cannot go first cannot be an index condition.  report_kpi's
-- 12-month filter (and a BI tool's "month >= ...") compares month, an expression of
-- concern.received_at through date_trunc and AT TIME ZONE, neither leakproof: every concern
-- ever received is read, filtered, for every dashboard refresh.  A comparison of the stored
-- column received_at with a value computed once (timestamptz >= is leakproof) can be an index
-- condition.  So:
--   report_indicator_events gains a last column received_at (BI tools can filter on it);
--   report_kpi filters received_at >= the first instant of the month 11 months ago
--     (Europe/London): the same concerns as month >= that month;
--   index concern_received_at on concern (received_at).
--
-- The queue views.  report_send_queue and report_la_outcomes_outstanding join
-- safeguarding_case for one column, adult_pseudonym.  Under row-level security the planner
-- may not read the statistics of referral.state (enum = is not leakproof), so it guesses that
-- a seventh of all referrals are awaiting sending and hash-joins them with every case ever
-- opened: a sequential scan of the whole case history per call.  A scalar subquery fetches the
-- pseudonym of each listed referral's case by its key instead: the work follows the queue.
-- (Same rows for every caller who may see the referral's case; a caller who sees a referral
-- but not its case gets the row with a NULL pseudonym instead of no row.)

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

CREATE OR REPLACE VIEW safeguard.report_kpi WITH (security_invoker = true) AS
SELECT e.stage AS indicator,
       pg_catalog.count(*) AS measured,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days
FROM safeguard.report_indicator_events e
-- the first instant of the month 11 months ago, Europe/London: the same concerns as
-- month >= that month, compared on the stored column so that an index serves it
WHERE e.received_at OPERATOR(pg_catalog.>=)
      ((pg_catalog.date_trunc('month', safeguard.local_date(safeguard.now())::timestamp)
        OPERATOR(pg_catalog.-) '11 months'::interval) AT TIME ZONE 'Europe/London')
GROUP BY e.stage, e.stage_order
ORDER BY e.stage_order;

CREATE INDEX IF NOT EXISTS concern_received_at ON safeguard.concern (received_at);
COMMENT ON INDEX safeguard.concern_received_at IS
    'Concerns by time received: the 12-month window of report_kpi and BI filters on report_indicator_events.received_at.';
COMMENT ON COLUMN safeguard.report_indicator_events.received_at IS
    'When the concern was received (filter on it, rather than month, to read only the months asked for).';

-- the queue views: the case's pseudonym by key, not a join with every case
CREATE OR REPLACE VIEW safeguard.report_send_queue WITH (security_invoker = true) AS
SELECT q.referral_id, q.case_id, q.la_id, q.local_authority,
       (SELECT c.adult_pseudonym FROM safeguard.safeguarding_case c
         WHERE c.id OPERATOR(pg_catalog.=) q.case_id) AS adult_pseudonym,
       q.immediate_risk, q.created_at, q.age,
       safeguard.working_days_since(q.created_at, o.division) AS age_working_days,
       q.send_due_at, coalesce(q.overdue, false) AS overdue
FROM safeguard.send_queue q
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) q.la_id;

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

-- The policy order.  Permissive policies are ORed last-named first, so for a reader the
-- planner builds referred_scope's EXISTS over every referral (a hashed subplan: a scan of all
-- referrals per query) before it tries the cheap may_report_on(la_id), which is true for every
-- concern a regulator's reader sees.  Named to sort first, the policy is evaluated last and,
-- for those readers, never.  (Same rows: OR is commutative.)
ALTER POLICY referred_scope ON safeguard.concern RENAME TO a_referred_scope;
