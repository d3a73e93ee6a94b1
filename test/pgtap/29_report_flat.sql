-- Reports flat as history grows (issue 19, target 2): the reports' month as the leakproof
-- local_month(), the same value as before for every instant and every role, and a month
-- filter that is an index condition under row-level security and the scope guard.
BEGIN;
SELECT plan(16);

\set fixture T29
\set clock '2025-01-06 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority prov=provider'
\set orgs :orgs ' loc=provider_location/prov/laa'
\set cast 't29_insp=inspector@cqc t29_reader=reader@cqc t29_reader_a=reader@laa'
\set cast :cast ' t29_la_b=la_officer@lab t29_nobody'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- 1. local_month(): the same value as date_trunc('month', local_date(at))::date
--------------------------------------------------------------------------
SELECT is((SELECT count(*)::integer
           FROM (SELECT t FROM pg_catalog.generate_series(timestamptz '2024-01-01 00:00+00',
                                                          timestamptz '2026-12-31 23:59+00',
                                                          interval '97 minutes') t
                 UNION ALL
                 SELECT unnest(ARRAY[timestamptz '2025-03-31 23:30+00', '2025-03-31 22:59:59+00',
                                     '2025-10-31 23:59:59+00', '2025-10-31 23:30+00',
                                     '2024-02-29 23:30+00', '2025-12-31 23:59:59.999999+00',
                                     '2026-01-01 00:00+00', '1900-06-30 23:59+00'])) s
           WHERE safeguard.local_month(t) IS DISTINCT FROM
                 pg_catalog.date_trunc('month', safeguard.local_date(t))::date), 0,
          'local_month() equals date_trunc(month, local_date()) for every instant of three years and the month ends around both clock changes');
SELECT is(safeguard.local_month(timestamptz '2025-03-31 23:30+00'), date '2025-04-01',
          'local_month(): 23:30 UTC on 31 March 2025 is April in London (BST)');
SELECT is(safeguard.local_month(timestamptz '2025-10-31 23:30+00'), date '2025-10-01',
          'local_month(): 23:30 UTC on 31 October 2025 is still October in London (GMT)');
SELECT is(ARRAY[safeguard.local_month('infinity'), safeguard.local_month('-infinity')],
          ARRAY[date 'infinity', date '-infinity'], 'local_month(): infinities stay infinite');
SELECT is((SELECT ARRAY[proleakproof, provolatile = 'i', proisstrict]
           FROM pg_catalog.pg_proc WHERE oid = 'safeguard.local_month(timestamptz)'::regprocedure),
          ARRAY[true, true, true], 'local_month() is leakproof, immutable and strict');

--------------------------------------------------------------------------
-- 2. Casework: adult X at A five times over 13 months, then at B; a provider
--    location at A three times (once with no adult named).
--------------------------------------------------------------------------
CREATE FUNCTION pg_temp.concern(at timestamptz, la bigint, nhs text, loc bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE id bigint;
BEGIN
    PERFORM safeguard.set_clock(at + interval '1 hour');
    SET LOCAL ROLE t29_insp;
    id := safeguard.log_concern(at, 'phone', 'anonymous', 'T29 concern', '{Neglect and Acts of Omission}',
        la_id => la, adult_nhs_number => nhs, provider_location_id => loc,
        referrer_anonymous => true);
    RESET ROLE;
    RETURN id;
END $$;
SELECT pg_temp.concern('2025-01-06 09:00+00', :laa, '401 023 2137', :loc) AS c1 \gset
SELECT pg_temp.concern('2025-03-31 23:30+00', :laa, '401 023 2137', NULL) AS c2 \gset
SELECT pg_temp.concern('2025-06-02 09:00+00', :laa, '401 023 2137', NULL) AS c3 \gset
SELECT pg_temp.concern('2025-06-02 09:00+00', :laa, NULL, :loc) AS c4 \gset
SELECT pg_temp.concern('2026-02-02 09:00+00', :laa, '401 023 2137', :loc) AS c5 \gset
SELECT pg_temp.concern('2026-02-03 09:00+00', :lab, '401 023 2137', NULL) AS c6 \gset

--------------------------------------------------------------------------
-- 3. The views' month is local_month(received_at), for every role
--------------------------------------------------------------------------
SELECT is((SELECT count(*)::integer FROM safeguard.report_indicator_events
           WHERE month IS DISTINCT FROM pg_catalog.date_trunc('month', safeguard.local_date(received_at))::date), 0,
          'report_indicator_events: month is the month received in London (superuser)');
SELECT is((SELECT count(DISTINCT concern_id)::integer FROM safeguard.report_indicator_events
           WHERE concern_id IN (:c1, :c2, :c3, :c4, :c5, :c6)), 6, 'report_indicator_events: the six concerns (superuser)');
SELECT is((SELECT month FROM safeguard.report_indicator_events WHERE concern_id = :c2 AND stage = 'received'),
          date '2025-04-01', 'report_indicator_events: c2, received 23:30 UTC on 31 March 2025, is April''s');
SET ROLE t29_reader;
SELECT is((SELECT array_agg(DISTINCT month ORDER BY month) FROM safeguard.report_indicators
           WHERE month >= date '2025-04-01' AND month < date '2026-02-01' AND la_id = :laa),
          ARRAY[date '2025-04-01', date '2025-06-01'],
          'report_indicators filtered by month (the regulator''s reader): April and June 2025 at A');
SET ROLE t29_la_b;
SELECT is((SELECT array_agg(DISTINCT month ORDER BY month) FROM safeguard.report_indicators
           WHERE month >= date '2025-01-01'), ARRAY[date '2026-02-01'],
          'report_indicators filtered by month (B''s officer): only B''s February 2026');
SET ROLE t29_nobody;
SELECT throws_ok($$SELECT * FROM safeguard.report_indicators WHERE month >= date '2025-01-01'$$, '42501', NULL,
                 'a role with no duty cannot read report_indicators (42501)');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. Under row-level security and the scope guard, a month filter is an
--    index condition (sequential scans priced out, so that any index that
--    may serve the filter is taken)
--------------------------------------------------------------------------
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; p text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP p := p || r."QUERY PLAN" || E'\n'; END LOOP;
    RETURN p;
END $$;
SELECT is(current_setting('safeguard.scope_guard'), 'on', 'the scope guard is on');
SET ROLE t29_reader;
SET LOCAL enable_seqscan = off;
SELECT matches(pg_temp.plan_of($$SELECT * FROM safeguard.report_indicators WHERE month >= date '2026-01-01'$$),
               'concern_received_month',
               'report_indicators filtered by month reads concerns through concern_received_month (the regulator''s reader)');
SELECT matches(pg_temp.plan_of($$SELECT * FROM safeguard.report_indicator_events WHERE month >= date '2026-01-01'$$),
               'concern_received_month',
               'report_indicator_events filtered by month reads concerns through concern_received_month (the regulator''s reader)');
SET ROLE t29_la_b;
SELECT matches(pg_temp.plan_of($$SELECT * FROM safeguard.report_indicators WHERE month >= date '2026-01-01'$$),
               'concern_received_month',
               'the same for an authority''s officer, a scoped caller under the scope guard');
RESET ROLE;
-- The control: the same plan once local_month() is not leakproof (as date_trunc and the old
-- month expression are not) reads concerns without the index.
ALTER FUNCTION safeguard.local_month(timestamptz) NOT LEAKPROOF;
SET ROLE t29_reader;
SELECT doesnt_match(pg_temp.plan_of($$SELECT * FROM safeguard.report_indicators WHERE month >= date '2026-01-01'$$),
                    'concern_received_month',
                    'control: without LEAKPROOF the month filter cannot use the index under row-level security');
RESET ROLE;
RESET enable_seqscan;

SELECT * FROM finish();
ROLLBACK;
