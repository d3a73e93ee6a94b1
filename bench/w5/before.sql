-- bench/w5/before.sql: W5's comparator for the view issue 19 (target 2) changed:
-- report_indicators as it was before, its month computed as
-- date_trunc('month', local_date(received_at))::date, which is not leakproof, so that under
-- row-level security a month filter reads every concern.  It aggregates the shipped
-- report_indicator_events exactly as report_indicators does, grouping by the old expression
-- instead of the events' month column (the same value): a filter on month then reaches the
-- concern scan as the old expression, as it did.  bench/w5.sh creates it in schema
-- sg_w5_before, security_invoker as the original, readable by the reader duty, times it beside
-- the shipped view in the same run and checks that both give the same rows.
SET client_min_messages = warning;
CREATE SCHEMA sg_w5_before;
GRANT USAGE ON SCHEMA sg_w5_before TO safeguard_reader;

CREATE VIEW sg_w5_before.report_indicators WITH (security_invoker = true) AS
SELECT m.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order,
       pg_catalog.count(*) AS measured,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.count(*) FILTER (WHERE NOT e.in_time) AS out_of_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct
FROM safeguard.report_indicator_events e
CROSS JOIN LATERAL (SELECT pg_catalog.date_trunc('month', safeguard.local_date(e.received_at))::date AS month) m
GROUP BY m.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order;
GRANT SELECT ON sg_w5_before.report_indicators TO safeguard_reader;
