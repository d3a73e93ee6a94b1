-- report_repeat_concerns and report_data_quality with a period (issue 19, target 2):
-- safeguard.repeat_concerns(from, to) gives exactly the rows of the old report_repeat_concerns
-- (bench/w5/before.sql) received in [from, to), and the view every one of them;
-- safeguard.data_quality(NULL, NULL) and a period covering everything give exactly the rows of
-- the old report_data_quality; for nine roles, on the seeded generator's casework and on
-- concerns about one adult at two authorities (ties in received_at, another authority's
-- concern between two an officer may see, a provider location); and a period reads concerns
-- through concern_received_at and triage and referrals by key, as the regulator's reader and
-- as a scoped officer, without a sequential scan of any of them.
BEGIN;
SELECT plan(48);

\set as_of '2026-01-21 12:00+00'
\ir ../generator/generator.sql
SELECT sg_gen.setup() IS NULL AS set_up \gset
SELECT sg_gen.plan(20331, 90, '2024-03-04', '2025-12-19') AS planned \gset
SELECT sg_gen.plan_council(20332, 40, '2024-03-04', '2025-12-19') AS planned_council \gset
SELECT sg_gen.execute(:'as_of') AS steps \gset
\ir ../../bench/w5/before.sql
SET client_min_messages = warning;
SELECT id AS gla1 FROM sg_gen.org WHERE code = 'GEN-LA1' \gset
SELECT id AS gla2 FROM sg_gen.org WHERE code = 'GEN-LA2' \gset
SELECT id AS gloc1 FROM sg_gen.org WHERE code = 'GEN-LOC1' \gset

--------------------------------------------------------------------------
-- 1. One adult at two authorities: h1 at LA1, h2 at LA2 the next day, h3 and h4 at LA1
--    at the same instant, h5 (no adult named) at h1's provider location at that instant too
--------------------------------------------------------------------------
CREATE FUNCTION pg_temp.concern(at timestamptz, la bigint, nhs text, loc bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE id bigint;
BEGIN
    PERFORM safeguard.set_clock(at + interval '1 hour');
    SET LOCAL ROLE gen_insp_north;
    id := safeguard.log_concern(at, 'phone', 'anonymous', 'T33 concern', '{Neglect and Acts of Omission}',
        la_id => la, adult_nhs_number => nhs, provider_location_id => loc, referrer_anonymous => true);
    RESET ROLE;
    RETURN id;
END $$;
SELECT pg_temp.concern('2025-05-05 09:00+00', :gla1, '401 023 2137', :gloc1) AS h1 \gset
SELECT pg_temp.concern('2025-05-06 09:00+00', :gla2, '401 023 2137', NULL) AS h2 \gset
SELECT pg_temp.concern('2025-05-07 09:00+00', :gla1, '401 023 2137', NULL) AS h3 \gset
SELECT pg_temp.concern('2025-05-07 09:00+00', :gla1, '401 023 2137', NULL) AS h4 \gset
SELECT pg_temp.concern('2025-05-07 09:00+00', :gla1, NULL, :gloc1) AS h5 \gset
SELECT safeguard.set_clock(:'as_of') IS NOT NULL AS clock_back \gset

-- As the contact centre (every authority): h3 follows h2, h4 follows h3 (the tie ordered by
-- id), both counted with the other three about the adult.
SET ROLE gen_cc;
SELECT is((SELECT array_agg(ARRAY[previous_concern_id, concerns_in_12_months] ORDER BY concern_id)
           FROM safeguard.repeat_concerns('2025-05-07 00:00+00', '2025-05-08 00:00+00')
           WHERE repeat_of = 'adult' AND concern_id IN (:h3, :h4)),
          ARRAY[ARRAY[:h2, 4], ARRAY[:h3, 4]]::bigint[],
          'repeat_concerns (contact centre): h3 follows LA2''s h2, h4 follows h3 at the same instant; four in 12 months');
SELECT is((SELECT ARRAY[previous_concern_id, concerns_in_12_months]
           FROM safeguard.repeat_concerns('2025-05-07 00:00+00', NULL)
           WHERE repeat_of = 'provider_location' AND concern_id = :h5),
          ARRAY[:h1, (SELECT count(*) FROM safeguard.concern WHERE provider_location_id = :gloc1
                      AND received_at BETWEEN timestamptz '2025-05-07 09:00+00' - interval '12 months'
                                          AND timestamptz '2025-05-07 09:00+00')]::bigint[],
          'repeat_concerns (contact centre): h5 follows h1 at their provider location (the generated casework''s concerns there counted too)');
-- As LA1's officer, who may not see h2: h3 follows h1, three in 12 months.
SET ROLE gen_la1_hub;
SELECT is((SELECT array_agg(ARRAY[previous_concern_id, concerns_in_12_months] ORDER BY concern_id)
           FROM safeguard.repeat_concerns('2025-05-07 00:00+00', '2025-05-08 00:00+00')
           WHERE repeat_of = 'adult' AND concern_id IN (:h3, :h4)),
          ARRAY[ARRAY[:h1, 3], ARRAY[:h3, 3]]::bigint[],
          'repeat_concerns (LA1''s officer): h3 follows h1, LA2''s h2 between them unseen; three in 12 months');
SET ROLE gen_la2_hub;
SELECT is((SELECT count(*)::integer FROM safeguard.repeat_concerns('2025-05-01 00:00+00', '2025-06-01 00:00+00')
           WHERE concern_id IN (:h1, :h2, :h3, :h4, :h5)), 0,
          'repeat_concerns (LA2''s officer): h2 repeats nothing it may see');
RESET ROLE;
SELECT ok((SELECT count(*) FROM safeguard.report_repeat_concerns r JOIN safeguard.concern x ON x.id = r.concern_id
           WHERE x.description <> 'T33 concern') > 0
          AND (SELECT count(DISTINCT r.adult_pseudonym) FROM safeguard.report_repeat_concerns r
               JOIN safeguard.concern x ON x.id = r.concern_id JOIN safeguard.concern p ON p.id = r.previous_concern_id
               WHERE x.case_id <> p.case_id) > 0,
          'the generated casework has repeat concerns, some about the same adult in another case');

--------------------------------------------------------------------------
-- 2. The same rows as the definitions before, for every role
--------------------------------------------------------------------------
-- Rows of repeat_concerns(f, t) not in the old view's [f, t), and the other way round, for
-- every period of the list; and the same for the shipped view against the old one.
CREATE FUNCTION pg_temp.rc_diff() RETURNS integer LANGUAGE sql AS $$
    SELECT (SELECT count(*)::integer
            FROM (VALUES (NULL::timestamptz, NULL::timestamptz),
                         ('2025-01-21 00:00+00', NULL), (NULL, '2025-05-07 09:00+00'),
                         ('2025-05-07 09:00+00', '2025-05-07 09:00:01+00'),
                         ('2025-03-01 00:00+00', '2025-09-01 00:00+00'),
                         ('2024-11-30 23:30+00', '2025-12-01 00:00+00')) p(f, t),
            LATERAL ((SELECT * FROM safeguard.repeat_concerns(p.f, p.t)
                      EXCEPT ALL SELECT * FROM sg_w5_before.report_repeat_concerns o
                      WHERE o.received_at >= coalesce(p.f, '-infinity') AND o.received_at < coalesce(p.t, 'infinity'))
                     UNION ALL
                     (SELECT * FROM sg_w5_before.report_repeat_concerns o
                      WHERE o.received_at >= coalesce(p.f, '-infinity') AND o.received_at < coalesce(p.t, 'infinity')
                      EXCEPT ALL SELECT * FROM safeguard.repeat_concerns(p.f, p.t))) d)
         + (SELECT count(*)::integer FROM ((SELECT * FROM safeguard.report_repeat_concerns
                                            EXCEPT ALL SELECT * FROM sg_w5_before.report_repeat_concerns)
                                           UNION ALL
                                           (SELECT * FROM sg_w5_before.report_repeat_concerns
                                            EXCEPT ALL SELECT * FROM safeguard.report_repeat_concerns)) d)
$$;
-- Rows of data_quality(NULL, NULL) and of data_quality over 2000-2100 not in the old
-- report_data_quality, and the other way round.
CREATE FUNCTION pg_temp.dq_diff() RETURNS integer LANGUAGE sql AS $$
    SELECT count(*)::integer
    FROM (VALUES (NULL::date, NULL::date), ('2000-01-01', '2100-01-01')) p(f, t),
    LATERAL ((SELECT * FROM safeguard.data_quality(p.f, p.t) EXCEPT ALL SELECT * FROM sg_w5_before.report_data_quality)
             UNION ALL
             (SELECT * FROM sg_w5_before.report_data_quality EXCEPT ALL SELECT * FROM safeguard.data_quality(p.f, p.t))) d
$$;
-- The rows each role sees, so that a comparison of empty sets cannot pass for one of rows.
CREATE FUNCTION pg_temp.seen() RETURNS boolean LANGUAGE sql AS $$
    SELECT (SELECT count(*) FROM sg_w5_before.report_repeat_concerns) > 0
       AND (SELECT count(*) FROM sg_w5_before.report_data_quality) > 0
$$;

SELECT is(pg_temp.rc_diff(), 0, 'repeat_concerns and report_repeat_concerns: the old view''s rows (superuser, every row)');
SELECT is(pg_temp.dq_diff(), 0, 'data_quality: the old report_data_quality''s rows (superuser, every row)');
-- The three assertions as the current role (set at the top level before each call): it sees
-- rows of both, and neither differs from before.  Each read is EXECUTEd, planned as the role
-- it runs as: called in PL/pgSQL simple expressions, these SQL functions (not inlined) kept
-- for the transaction the plans made as the first role, and gave the readers no rows of the
-- old views (the administrator's policies, without reader_scope), where the same statements
-- at the top level give the reader its rows (PostgreSQL 15's, pgTAP 36, docs/security.md).
CREATE FUNCTION pg_temp.same_rows(label text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE seen boolean; rc integer; dq integer;
BEGIN
    EXECUTE 'SELECT pg_temp.seen(), pg_temp.rc_diff(), pg_temp.dq_diff()' INTO seen, rc, dq;
    RETURN NEXT ok(seen, label || ' sees repeat concerns and data-quality rows');
    RETURN NEXT is(rc, 0, 'repeat concerns: the old view''s rows (' || label || ')');
    RETURN NEXT is(dq, 0, 'data quality: the old view''s rows (' || label || ')');
END $$;
SET ROLE gen_admin;
SELECT pg_temp.same_rows('the regulator''s administrator');
SET ROLE gen_cc;
SELECT pg_temp.same_rows('the contact centre');
SET ROLE gen_insp_south;
SELECT pg_temp.same_rows('an inspector');
SET ROLE gen_reader_cqc;
SELECT pg_temp.same_rows('the regulator''s reader');
SET ROLE gen_reader_la1;
SELECT pg_temp.same_rows('a reader scoped to LA1');
SET ROLE gen_la1_hub;
SELECT pg_temp.same_rows('LA1''s officer');
SET ROLE gen_la1_sam;
SELECT pg_temp.same_rows('LA1''s safeguarding adults manager');
SET ROLE gen_la2_hub;
SELECT pg_temp.same_rows('an officer of another authority, LA2');
RESET ROLE;

--------------------------------------------------------------------------
-- 3. report_data_quality is the last 12 months: this month and the 11 before
--------------------------------------------------------------------------
SET ROLE gen_reader_cqc;
SELECT is((SELECT count(*)::integer FROM ((SELECT * FROM safeguard.report_data_quality
                                           EXCEPT ALL SELECT * FROM safeguard.data_quality('2025-02-01', NULL))
                                          UNION ALL
                                          (SELECT * FROM safeguard.data_quality('2025-02-01', NULL)
                                           EXCEPT ALL SELECT * FROM safeguard.report_data_quality)) d), 0,
          'report_data_quality is data_quality from 1 February 2025 (the clock at 21 January 2026)');
SELECT cmp_ok((SELECT sum(records_checked) FROM safeguard.report_data_quality
               WHERE check_name = 'concern: risk location missing'),
              '<', (SELECT sum(records_checked) FROM sg_w5_before.report_data_quality
                    WHERE check_name = 'concern: risk location missing'),
              'report_data_quality counts fewer concerns than the old view: the generated casework began in March 2024');
SELECT is((SELECT sum(records_checked)::integer FROM safeguard.data_quality('2025-05-07', '2025-05-07')
           WHERE check_name = 'concern: risk location missing' AND la_id = :gla1),
          (SELECT count(*)::integer FROM safeguard.concern
           WHERE la_id = :gla1 AND safeguard.local_date(received_at) = date '2025-05-07'),
          'data_quality of one day counts the concerns received on that London date');
RESET ROLE;
SELECT is_empty('SELECT * FROM safeguard.data_quality(NULL, NULL) WHERE must_be_zero AND failing <> 0',
                'data_quality(NULL, NULL): every must_be_zero check fails on no record ever written');

--------------------------------------------------------------------------
-- 4. A period reads concerns through concern_received_at, triage and referrals by key, as
--    the regulator's reader and as a scoped officer: no sequential scan of either table
--    (sequential scans priced out, so that any index that may serve is taken)
--------------------------------------------------------------------------
CREATE FUNCTION pg_temp.scans() RETURNS bigint[] LANGUAGE sql AS $$
    SELECT ARRAY[pg_catalog.pg_stat_get_xact_numscans('safeguard.concern_received_at'::regclass),
                 pg_catalog.pg_stat_get_xact_numscans('safeguard.concern'::regclass),
                 pg_catalog.pg_stat_get_xact_numscans('safeguard.triage'::regclass),
                 pg_catalog.pg_stat_get_xact_numscans('safeguard.referral'::regclass)]
$$;
-- Whether the query read concern_received_at, and sequentially concern, triage, referral.
CREATE FUNCTION pg_temp.reads(q text) RETURNS boolean[] LANGUAGE plpgsql AS $$
DECLARE before bigint[] := pg_temp.scans(); after bigint[];
BEGIN
    EXECUTE 'SELECT count(*) FROM (' || q || ') q';
    after := pg_temp.scans();
    RETURN ARRAY(SELECT after[i] > before[i] FROM pg_catalog.generate_series(1, 4) i ORDER BY i);
END $$;
ANALYZE safeguard.concern, safeguard.referral, safeguard.safeguarding_case, safeguard.triage;
SET LOCAL enable_seqscan = off;
SET ROLE gen_reader_cqc;
SELECT is(pg_temp.reads($$SELECT * FROM safeguard.repeat_concerns('2025-06-01 00:00+00', NULL)$$),
          ARRAY[true, false, false, false],
          'repeat_concerns of a period reads concerns through concern_received_at, none sequentially (the regulator''s reader)');
SELECT is(pg_temp.reads($$SELECT * FROM safeguard.data_quality('2025-06-01', NULL)$$),
          ARRAY[true, false, false, false],
          'data_quality of a period: concerns through concern_received_at, triage and referrals by key (the regulator''s reader)');
SELECT is(pg_temp.reads($$SELECT * FROM safeguard.report_data_quality$$),
          ARRAY[true, false, false, false], 'report_data_quality the same (the regulator''s reader)');
SET ROLE gen_la1_hub;
SELECT is(pg_temp.reads($$SELECT * FROM safeguard.repeat_concerns('2025-06-01 00:00+00', NULL)$$),
          ARRAY[true, false, false, false],
          'repeat_concerns of a period: the same for an authority''s officer, a scoped caller under the scope guard');
SELECT is(pg_temp.reads($$SELECT * FROM safeguard.report_data_quality$$),
          ARRAY[true, false, false, false],
          'report_data_quality: the same for an authority''s officer');
SET ROLE gen_reader_cqc;
SELECT is((pg_temp.reads($$SELECT * FROM sg_w5_before.report_repeat_concerns WHERE received_at >= '2025-06-01 00:00+00'$$))[1], false,
          'control: the old view filtered on received_at does not read concern_received_at');
SELECT is((pg_temp.reads($$SELECT * FROM sg_w5_before.report_data_quality$$))[1], false,
          'control: the old report_data_quality does not read concern_received_at');
RESET ROLE;
RESET enable_seqscan;

--------------------------------------------------------------------------
-- 5. Privileges and documentation
--------------------------------------------------------------------------
SET ROLE gen_la1_hub;
SELECT lives_ok($$SELECT * FROM safeguard.repeat_concerns(NULL, NULL)$$, 'an authority''s officer may call repeat_concerns');
RESET ROLE;
SELECT ok(NOT has_function_privilege('public', 'safeguard.repeat_concerns(timestamptz, timestamptz)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'safeguard.data_quality(date, date)', 'EXECUTE'),
          'PUBLIC may not execute repeat_concerns or data_quality');
SELECT ok(obj_description('safeguard.report_data_quality'::regclass, 'pg_class') LIKE '%last 12 months%'
          AND obj_description('safeguard.report_data_quality'::regclass, 'pg_class') LIKE '%From 1.5%',
          'report_data_quality''s comment says it is the last 12 months from 1.5');
SELECT ok(obj_description('safeguard.report_repeat_concerns'::regclass, 'pg_class') LIKE '%repeat_concerns(received_from, received_to)%',
          'report_repeat_concerns''s comment points a dashboard at repeat_concerns()');

-- A period that ends before it starts is refused, not read as empty.
SELECT throws_ok($$SELECT * FROM safeguard.repeat_concerns('2025-06-01', '2025-01-01')$$, 'SG609', NULL,
                 'repeat_concerns() refuses a period that ends before it starts (SG609)');
SELECT throws_ok($$SELECT * FROM safeguard.data_quality('2025-06-01', '2025-05-31')$$, 'SG609', NULL,
                 'data_quality() refuses a period that ends before it starts (SG609)');

SELECT * FROM finish();
ROLLBACK;
