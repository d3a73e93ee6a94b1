-- bench/w5/before.sql: W5's comparator for the view issue 19 (target 2) changed, as 1.5 had
-- it before (commit db70176): report_indicator_events with its month as
-- date_trunc('month', local_date(received_at)) (not leakproof: under row-level security a
-- month filter reads every concern) and report_indicators over it.  bench/w5.sh creates them
-- in schema sg_w5_before, security_invoker as the originals, readable by the reader duty, times
-- report_indicators beside the shipped one in the same run and checks both give the same rows.
SET client_min_messages = warning;
CREATE SCHEMA sg_w5_before;
GRANT USAGE ON SCHEMA sg_w5_before TO safeguard_reader;

CREATE VIEW sg_w5_before.report_indicator_events WITH (security_invoker = true) AS
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

CREATE VIEW sg_w5_before.report_indicators WITH (security_invoker = true) AS
SELECT e.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order,
       pg_catalog.count(*) AS measured,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.count(*) FILTER (WHERE NOT e.in_time) AS out_of_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct
FROM sg_w5_before.report_indicator_events e
GROUP BY e.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order;

GRANT SELECT ON sg_w5_before.report_indicator_events, sg_w5_before.report_indicators
    TO safeguard_reader;
