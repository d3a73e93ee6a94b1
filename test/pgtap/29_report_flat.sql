-- Reports flat as history grows (issue 19, target 2): the reports' month as the leakproof
-- local_month(), a month filter that is an index condition under row-level security, and
-- report_repeat_concerns rewritten as per-concern lookups: the same rows as the window
-- functions it replaced, for every role (row-level security decides which concerns each
-- sees, on both sides), and a received_at filter that reads through an index.
BEGIN;
SELECT plan(18);

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
-- 3. report_repeat_concerns gives the rows of the window functions it
--    replaced (the definition before issue 19), as each role sees them
--------------------------------------------------------------------------
CREATE VIEW pg_temp.repeat_by_window WITH (security_invoker = true) AS
WITH c AS (
    SELECT x.id AS concern_id, x.la_id, x.received_at, x.provider_location_id, k.adult_pseudonym
    FROM safeguard.concern x JOIN safeguard.safeguarding_case k ON k.id = x.case_id
), by_subject AS (
    SELECT 'adult'::text AS repeat_of, c.concern_id, c.la_id, c.received_at, c.adult_pseudonym,
           NULL::bigint AS provider_location_id,
           lag(c.concern_id) OVER w AS previous_concern_id, lag(c.received_at) OVER w AS previous_received_at,
           count(*) OVER (PARTITION BY c.adult_pseudonym ORDER BY c.received_at
               RANGE BETWEEN '12 months'::interval PRECEDING AND CURRENT ROW) AS concerns_in_12_months
    FROM c WHERE c.adult_pseudonym IS NOT NULL
    WINDOW w AS (PARTITION BY c.adult_pseudonym ORDER BY c.received_at, c.concern_id)
    UNION ALL
    SELECT 'provider_location', c.concern_id, c.la_id, c.received_at, NULL, c.provider_location_id,
           lag(c.concern_id) OVER w, lag(c.received_at) OVER w,
           count(*) OVER (PARTITION BY c.provider_location_id ORDER BY c.received_at
               RANGE BETWEEN '12 months'::interval PRECEDING AND CURRENT ROW)
    FROM c WHERE c.provider_location_id IS NOT NULL
    WINDOW w AS (PARTITION BY c.provider_location_id ORDER BY c.received_at, c.concern_id)
)
SELECT s.repeat_of, s.concern_id, s.la_id, s.adult_pseudonym, s.provider_location_id, s.received_at,
       s.previous_concern_id, s.previous_received_at,
       safeguard.local_date(s.received_at) - safeguard.local_date(s.previous_received_at) AS days_since_previous,
       s.concerns_in_12_months
FROM by_subject s
WHERE s.previous_received_at >= s.received_at - '12 months'::interval;
GRANT SELECT ON pg_temp.repeat_by_window TO PUBLIC;

CREATE FUNCTION pg_temp.repeat_difference() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM (
        (SELECT repeat_of, concern_id, la_id, adult_pseudonym, provider_location_id, received_at,
                previous_concern_id, previous_received_at, days_since_previous, concerns_in_12_months
         FROM safeguard.report_repeat_concerns
         EXCEPT ALL SELECT * FROM pg_temp.repeat_by_window)
        UNION ALL
        (SELECT * FROM pg_temp.repeat_by_window
         EXCEPT ALL
         SELECT repeat_of, concern_id, la_id, adult_pseudonym, provider_location_id, received_at,
                previous_concern_id, previous_received_at, days_since_previous, concerns_in_12_months
         FROM safeguard.report_repeat_concerns)) d $$;

SELECT is((SELECT count(*)::integer FROM safeguard.report_repeat_concerns), 6,
          'report_repeat_concerns (superuser): c2, c3, c5 and c6 about the adult, c4 and c5 about the location');
SELECT is((SELECT concerns_in_12_months FROM safeguard.report_repeat_concerns
           WHERE concern_id = :c3 AND repeat_of = 'adult'), 3::bigint,
          'report_repeat_concerns: c3 counts c1, c2 and itself in its 12 months');
SELECT is((SELECT previous_concern_id FROM safeguard.report_repeat_concerns
           WHERE concern_id = :c4 AND repeat_of = 'provider_location'), :c1::bigint,
          'report_repeat_concerns: c4''s previous concern about the location is c1');
SELECT is(pg_temp.repeat_difference(), 0::bigint, 'report_repeat_concerns equals the window functions (superuser)');
SET ROLE t29_reader;
SELECT is((SELECT count(*)::integer FROM safeguard.report_repeat_concerns), 6,
          'the regulator''s reader sees every repeat');
SELECT is(pg_temp.repeat_difference(), 0::bigint, 'report_repeat_concerns equals the window functions (regulator''s reader)');
SET ROLE t29_reader_a;
SELECT is((SELECT count(*)::integer FROM safeguard.report_repeat_concerns), 5,
          'A''s reader sees A''s repeats only (not c6, at B)');
SELECT is(pg_temp.repeat_difference(), 0::bigint, 'report_repeat_concerns equals the window functions (A''s reader)');
SET ROLE t29_la_b;
SELECT is((SELECT array_agg(concern_id) FROM safeguard.report_repeat_concerns), NULL::bigint[],
          'B''s officer sees no repeat: c6 is B''s only concern it may see, with nothing before it');
SELECT is(pg_temp.repeat_difference(), 0::bigint, 'report_repeat_concerns equals the window functions (B''s officer)');
SET ROLE t29_nobody;
SELECT throws_ok('SELECT * FROM safeguard.report_repeat_concerns', '42501', NULL,
                 'a role with no duty cannot read report_repeat_concerns (42501)');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. Under row-level security, a month filter and a received_at filter are
--    index conditions (the plan as the regulator's reader, sequential scans
--    priced out so that any index that can serve the filter is taken)
--------------------------------------------------------------------------
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; p text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP p := p || r."QUERY PLAN" || E'\n'; END LOOP;
    RETURN p;
END $$;
SET ROLE t29_reader;
SET LOCAL enable_seqscan = off;
SELECT matches(pg_temp.plan_of($$SELECT * FROM safeguard.report_indicators WHERE month >= date '2026-01-01'$$),
               'concern_received_month',
               'report_indicators filtered by month reads concerns through concern_received_month under row-level security');
SELECT matches(pg_temp.plan_of($$SELECT * FROM safeguard.report_repeat_concerns
                                 WHERE received_at >= timestamptz '2026-01-01 00:00+00'$$),
               'concern_received_at',
               'report_repeat_concerns filtered by received_at reads concerns through concern_received_at under row-level security');
RESET enable_seqscan;
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
