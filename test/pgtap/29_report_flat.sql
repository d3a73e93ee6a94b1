-- Reports flat as history grows (issue 19, target 2): the reports' month as the leakproof
-- local_month(), the same value as before for every instant and every role, and a month
-- filter that is an index condition under row-level security and the scope guard; sac_return
-- reading its year through indexes (local_day_start() and the referrals' instants), with
-- exactly the rows of its definition before (bench/w5/before.sql) on generated data for
-- every role, and the indexes used by the regulator's reader and by a scoped officer; a
-- period on report_feedback.outcome_at read through its index.
BEGIN;
SELECT plan(32);

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
-- Instants of three years, and those at the edges of months, clock changes and SAC years.
CREATE TEMP VIEW t29_instants AS
SELECT t FROM pg_catalog.generate_series(timestamptz '2024-01-01 00:00+00', timestamptz '2026-12-31 23:59+00',
                                         interval '97 minutes') t
UNION ALL
SELECT unnest(ARRAY[timestamptz '2025-03-31 23:30+00', '2025-03-31 22:59:59+00',
                    '2025-10-31 23:59:59+00', '2025-10-31 23:30+00',
                    '2024-02-29 23:30+00', '2025-12-31 23:59:59.999999+00',
                    '2026-01-01 00:00+00', '1900-06-30 23:59+00',
                    '2025-03-31 23:00+00', '2025-03-31 22:59:59.999999+00',
                    '2025-03-30 00:59:59+00', '2025-03-30 01:00+00',
                    '2025-10-25 23:00+00', '2025-10-26 00:00+00',
                    '2026-03-31 23:00+00', '2026-03-31 22:59:59.999999+00']);
SELECT is((SELECT count(*)::integer FROM t29_instants
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
CREATE FUNCTION pg_temp.concern(at timestamptz, la bigint, nhs text, loc bigint,
                                who text DEFAULT 't29_insp') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE id bigint;
BEGIN
    PERFORM safeguard.set_clock(at + interval '1 hour');
    EXECUTE format('SET LOCAL ROLE %I', who);
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

--------------------------------------------------------------------------
-- 5. local_day_start(): the instant a London date begins, so that a period
--    of local dates is a range of stored instants
--------------------------------------------------------------------------
SELECT is((SELECT count(*)::integer FROM t29_instants
           WHERE NOT (t >= safeguard.local_day_start(safeguard.local_date(t))
                      AND t < safeguard.local_day_start(safeguard.local_date(t) + 1))), 0,
          'local_day_start(): every instant (of three years, and at the edges) lies in [start of its London date, start of the next)');

-- A concern B's officer logs at 23:30 UTC on 31 March 2025 (1 April in London: the SAC
-- year 2025) and one at 22:59:59 UTC (23:59:59 on 31 March: the year 2024).
SELECT pg_temp.concern('2025-03-31 23:30+00', :lab, NULL, NULL, 't29_la_b') AS b1 \gset
SELECT pg_temp.concern('2025-03-31 22:59:59+00', :lab, NULL, NULL, 't29_la_b') AS b2 \gset
SET ROLE t29_la_b;
SELECT is((SELECT array_agg("VALUE" ORDER BY y) FROM pg_catalog.generate_series(2024, 2025) y,
           LATERAL safeguard.sac_return(y) WHERE "LA_ID" = :lab AND "COLUMN_NAME" = 'SG1f Total Number of Safeguarding Concerns'),
          ARRAY[1, 1]::bigint[],
          'sac_return: B''s concern of 23:59:59 on 31 March (London) counts in 2024, the one of 00:30 on 1 April in 2025');
RESET ROLE;

--------------------------------------------------------------------------
-- 6. sac_return gives exactly the rows of its definition before issue 19
--    (bench/w5/before.sql), on the seeded generator's casework of both
--    pathways, for every role that runs it, every year and argument
--------------------------------------------------------------------------
\set as_of '2026-01-21 12:00+00'
\ir ../generator/generator.sql
SELECT sg_gen.setup() IS NULL AS set_up \gset
SELECT sg_gen.plan(20291, 90, '2025-02-03', '2025-12-19') AS planned \gset
SELECT sg_gen.plan_council(20292, 60, '2025-02-03', '2025-12-19') AS planned_council \gset
SELECT sg_gen.execute(:'as_of') AS steps \gset
\ir ../../bench/w5/before.sql
SET client_min_messages = warning;
SELECT id AS gla1 FROM sg_gen.org WHERE code = 'GEN-LA1' \gset

-- Rows of the shipped return not in the old one and the other way round (pg_temp.sac_diff).
\ir lib/sac_diff.sql
SET ROLE gen_reader_cqc;
SELECT ok((SELECT sum("VALUE") FILTER (WHERE "COLUMN_NAME" = 'SG1f Total Number of Safeguarding Concerns') > 0
                  AND sum("VALUE") FILTER (WHERE "TABLE_REFERENCE" = 'SG3a') > 0
           FROM safeguard.sac_return(2025)),
          'the generated casework fills the 2025 return: concerns of both pathways and concluded Section 42 enquiries');
SELECT is(pg_temp.sac_diff(NULL), 0, 'sac_return: the rows of its old definition (the regulator''s reader)');
SELECT is(pg_temp.sac_diff(:gla1), 0, 'sac_return: the same for one authority (la_id; the regulator''s reader)');
SET ROLE gen_reader_la1;
SELECT is(pg_temp.sac_diff(NULL), 0, 'sac_return: the rows of its old definition (a reader at an authority)');
SET ROLE gen_la1_hub;
SELECT is(pg_temp.sac_diff(NULL), 0, 'sac_return: the rows of its old definition (an authority''s officer)');
SET ROLE gen_la2_sam;
SELECT is(pg_temp.sac_diff(NULL), 0, 'sac_return: the rows of its old definition (another authority''s manager)');
SET ROLE gen_cc;
SELECT is(pg_temp.sac_diff(NULL), 0, 'sac_return: the rows of its old definition (the contact centre)');
SET ROLE t29_la_b;
SELECT is(pg_temp.sac_diff(NULL), 0, 'sac_return: the rows of its old definition (B''s officer, the concerns at the year''s edge)');
RESET ROLE;
SELECT is(pg_temp.sac_diff(NULL), 0, 'sac_return: the rows of its old definition (superuser, every row)');

--------------------------------------------------------------------------
-- 7. sac_return reads the year through the indexes, as the regulator's
--    reader and as a scoped officer (index scans counted in this
--    transaction; sequential scans priced out as in section 4)
--------------------------------------------------------------------------
CREATE FUNCTION pg_temp.scans() RETURNS bigint[] LANGUAGE sql AS $$
    SELECT ARRAY[pg_catalog.pg_stat_get_xact_numscans('safeguard.concern_received_at'::regclass),
                 pg_catalog.pg_stat_get_xact_numscans('safeguard.referral_sent_at'::regclass),
                 pg_catalog.pg_stat_get_xact_numscans('safeguard.referral_decided_at'::regclass),
                 pg_catalog.pg_stat_get_xact_numscans('safeguard.referral_outcome_at'::regclass)]
$$;
CREATE FUNCTION pg_temp.sac_scans(shipped boolean) RETURNS boolean[] LANGUAGE plpgsql AS $$
DECLARE before bigint[] := pg_temp.scans(); after bigint[];
BEGIN
    IF shipped THEN PERFORM count(*) FROM safeguard.sac_return(2025);
    ELSE PERFORM count(*) FROM sg_w5_before.sac_return(2025); END IF;
    after := pg_temp.scans();
    RETURN ARRAY(SELECT after[i] > before[i] FROM pg_catalog.generate_series(1, 4) i ORDER BY i);
END $$;
-- Statistics as a production database has them (most concerns arrived by no referral).
ANALYZE safeguard.concern, safeguard.referral, safeguard.safeguarding_case;
SET LOCAL enable_seqscan = off;
SET ROLE gen_reader_cqc;
SELECT is(pg_temp.sac_scans(true), ARRAY[true, true, true, true],
          'sac_return reads concerns received, referrals sent, decided and concluded in the year through their indexes (the regulator''s reader)');
SET ROLE gen_la1_hub;
SELECT is(pg_temp.sac_scans(true), ARRAY[true, true, true, true],
          'the same for an authority''s officer, a scoped caller under the scope guard');
SET ROLE gen_reader_cqc;
SELECT is(pg_temp.sac_scans(false), ARRAY[false, false, false, false],
          'control: the old definition (the local date of every row) uses none of them');
RESET ROLE;
RESET enable_seqscan;

-- report_feedback: a period on outcome_at (as a dashboard filters it) reads referrals through
-- referral_outcome_at, for the reader and a scoped officer.
SET LOCAL enable_seqscan = off;
SET ROLE gen_reader_cqc;
SELECT matches(pg_temp.plan_of($$SELECT * FROM safeguard.report_feedback WHERE outcome_at >= timestamptz '2025-06-01 00:00+01'$$),
               'referral_outcome_at',
               'report_feedback filtered by outcome_at reads referrals through referral_outcome_at (the regulator''s reader)');
SET ROLE gen_la1_hub;
SELECT matches(pg_temp.plan_of($$SELECT * FROM safeguard.report_feedback WHERE outcome_at >= timestamptz '2025-06-01 00:00+01'$$),
               'referral_outcome_at',
               'the same for an authority''s officer, a scoped caller under the scope guard');
RESET ROLE;
RESET enable_seqscan;

SELECT * FROM finish();
ROLLBACK;
