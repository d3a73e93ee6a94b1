-- The council pathway's reports flat as its closed history grows (issue 19, target 2):
-- council_enquiries(active_from, active_to, open_only) gives exactly the rows of
-- council_enquiries() narrowed to a period (decided or concluded in it) or to the open ones,
-- for every role (an authority's officer, manager and reader, another authority's officer,
-- the regulator's reader; the regulator's staff no rows and no error); sac_return (years
-- 2024-2026) and report_unallocated give exactly the rows of their definitions before
-- (bench/w5/before.sql), on the seeded
-- generator's casework of both pathways; and they read la_enquiry through its new indexes
-- as the regulator's reader and as a scoped officer, where the old definitions read every
-- council enquiry.
BEGIN;
SELECT plan(32);

\set as_of '2026-01-21 12:00+00'
\ir ../generator/generator.sql
SELECT sg_gen.setup() IS NULL AS set_up \gset
SELECT sg_gen.plan(20321, 60, '2024-02-05', '2025-12-19') AS planned \gset
SELECT sg_gen.plan_council(20322, 140, '2024-02-05', '2025-12-19') AS planned_council \gset
SELECT sg_gen.execute(:'as_of') AS steps \gset
\ir ../../bench/w5/before.sql
SET client_min_messages = warning;
SELECT id AS gla1 FROM sg_gen.org WHERE code = 'GEN-LA1' \gset

\ir lib/sac_diff.sql

--------------------------------------------------------------------------
-- 1. The casework: council enquiries open and closed, commenced and
--    concluded in each of the SAC years 2024 and 2025
--------------------------------------------------------------------------
SELECT ok((SELECT count(*) FILTER (WHERE state = 'closed') > 0 AND count(*) FILTER (WHERE state <> 'closed') > 0
           FROM safeguard.la_enquiry), 'the generated council enquiries are both closed and open');
SELECT ok((SELECT bool_and(n > 0) FROM (
               SELECT count(*) FILTER (WHERE safeguard.local_date(decided_at) <@ safeguard.sac_year(y)) AS n
               FROM safeguard.la_enquiry, (VALUES (2024), (2025)) v(y) GROUP BY y
               UNION ALL
               SELECT count(*) FILTER (WHERE safeguard.local_date(concluded_at) <@ safeguard.sac_year(y))
               FROM safeguard.la_enquiry, (VALUES (2024), (2025)) v(y) GROUP BY y) c),
          'some were decided and some concluded in each of the SAC years 2024 and 2025');
SELECT ok((SELECT count(*) > 0 FROM safeguard.la_enquiry
           WHERE safeguard.local_date(decided_at) <@ safeguard.sac_year(2024)
             AND safeguard.local_date(concluded_at) <@ safeguard.sac_year(2025)),
          'some decided in 2024 were concluded in 2025 (read for 2025 by their conclusion alone)');

-- Two enquiries at the year's edge in London, decided by the first authority's officer at
-- 23:30 UTC on 31 March 2025 (00:30 on 1 April in London: the year 2025) and at 22:59:59 UTC
-- (23:59:59 on 31 March: the year 2024); every comparison below includes them.
CREATE FUNCTION pg_temp.edge_enquiry(at timestamptz, la bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE c bigint; e bigint;
BEGIN
    PERFORM safeguard.set_clock(at);
    SET LOCAL ROLE gen_la1_hub;
    c := safeguard.log_concern(at - interval '20 minutes', 'phone', 'anonymous', 'T32 edge',
                               '{Neglect and Acts of Omission}', la_id => la, referrer_anonymous => true);
    e := safeguard.decide_concern(c, 'section_42_enquiry', 'T32 edge', true, true, true);
    RESET ROLE;
    RETURN e;
END $$;
SELECT pg_temp.edge_enquiry('2025-03-31 23:30+00', :gla1) AS edge25 \gset
SELECT pg_temp.edge_enquiry('2025-03-31 22:59:59+00', :gla1) AS edge24 \gset
SELECT safeguard.set_clock(:'as_of') IS NOT NULL AS clock_back \gset
CREATE FUNCTION pg_temp.in_year(id bigint, y integer) RETURNS boolean LANGUAGE sql AS $$
    SELECT EXISTS (SELECT 1 FROM safeguard.council_enquiries(
                       safeguard.local_day_start(lower(safeguard.sac_year(y))),
                       safeguard.local_day_start(upper(safeguard.sac_year(y))), false) e
                   WHERE e.id = in_year.id)
$$;
SET ROLE gen_la1_hub;
SELECT is(ARRAY[pg_temp.in_year(:edge25, 2025), pg_temp.in_year(:edge25, 2024),
                pg_temp.in_year(:edge24, 2024), pg_temp.in_year(:edge24, 2025)],
          ARRAY[true, false, true, false],
          'the year''s council enquiries: 00:30 on 1 April (London) in 2025, 23:59:59 on 31 March in 2024 (an authority''s officer)');
RESET ROLE;

--------------------------------------------------------------------------
-- 2. council_enquiries(active_from, active_to, open_only): the rows of
--    council_enquiries() narrowed, for every role
--------------------------------------------------------------------------
-- Rows of the narrowed call not in council_enquiries() filtered as it promises, and the other
-- way round: all, the open ones, each SAC year 2024-2026 (open-ended on either side too).
CREATE FUNCTION pg_temp.narrow_diff() RETURNS integer LANGUAGE sql AS $$
    WITH calls(f, t, o) AS (
        SELECT NULL::timestamptz, NULL::timestamptz, false UNION ALL
        SELECT NULL, NULL, true UNION ALL
        SELECT safeguard.local_day_start(lower(safeguard.sac_year(y))),
               safeguard.local_day_start(upper(safeguard.sac_year(y))), o
        FROM generate_series(2024, 2026) y, (VALUES (false), (true)) v(o) UNION ALL
        SELECT timestamptz '2025-06-01 00:00+01', NULL, false UNION ALL
        SELECT NULL, timestamptz '2025-06-01 00:00+01', false
    ), expected AS (
        SELECT c.f, c.t, c.o, e.*
        FROM calls c, safeguard.council_enquiries() e
        WHERE (NOT c.o OR e.state <> 'closed')
          AND ((c.f IS NULL AND c.t IS NULL)
               OR (e.decided_at >= coalesce(c.f, '-infinity') AND e.decided_at < coalesce(c.t, 'infinity'))
               OR (e.concluded_at >= coalesce(c.f, '-infinity') AND e.concluded_at < coalesce(c.t, 'infinity')))
    ), got AS (
        SELECT c.f, c.t, c.o, e.* FROM calls c, LATERAL safeguard.council_enquiries(c.f, c.t, c.o) e
    )
    SELECT count(*)::integer FROM ((TABLE expected EXCEPT ALL TABLE got) UNION ALL (TABLE got EXCEPT ALL TABLE expected)) d
$$;
CREATE FUNCTION pg_temp.year_rows(y integer) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM safeguard.council_enquiries(safeguard.local_day_start(lower(safeguard.sac_year(y))),
                                                     safeguard.local_day_start(upper(safeguard.sac_year(y))), false)
$$;
SELECT is(pg_temp.narrow_diff(), 0, 'council_enquiries(from, to, open_only): the rows promised (superuser, every row)');
SELECT ok(pg_temp.year_rows(2025) > 0 AND pg_temp.year_rows(2025) < (SELECT count(*) FROM safeguard.council_enquiries()),
          'the year 2025 is some of the council enquiries, not all');
SET ROLE gen_reader_cqc;
SELECT is(pg_temp.narrow_diff(), 0, 'the same for the regulator''s reader');
SELECT ok(pg_temp.year_rows(2025) > 0, 'who reads some of them');
SET ROLE gen_reader_la1;
SELECT is(pg_temp.narrow_diff(), 0, 'the same for a reader at an authority');
SET ROLE gen_la1_hub;
SELECT is(pg_temp.narrow_diff(), 0, 'the same for an authority''s officer');
SELECT is((SELECT count(*) FROM safeguard.council_enquiries(NULL, NULL, true) WHERE la_id <> :gla1), 0::bigint,
          'who reads only their authority''s open enquiries');
SET ROLE gen_la1_sam;
SELECT is(pg_temp.narrow_diff(), 0, 'the same for the authority''s manager');
SET ROLE gen_la2_hub;
SELECT is(pg_temp.narrow_diff(), 0, 'the same for another authority''s officer');
SELECT is((SELECT count(*) FROM safeguard.council_enquiries(NULL, NULL, false) WHERE la_id = :gla1), 0::bigint,
          'who reads none of the first authority''s');
SET ROLE gen_cc;
SELECT lives_ok($$SELECT * FROM safeguard.council_enquiries(NULL, NULL, true)$$,
                'the regulator''s contact centre calls it without 42501');
SELECT is(pg_temp.year_rows(2025) + (SELECT count(*) FROM safeguard.council_enquiries(NULL, NULL, true)), 0::bigint,
          'and gets no rows');
SET ROLE gen_insp_north;
SELECT is(pg_temp.year_rows(2025) + (SELECT count(*) FROM safeguard.council_enquiries(NULL, NULL, true)), 0::bigint,
          'nor does an inspector');
RESET ROLE;

--------------------------------------------------------------------------
-- 3. sac_return and report_unallocated: the rows of their definitions
--    before, for every role
--------------------------------------------------------------------------
CREATE FUNCTION pg_temp.unallocated_diff() RETURNS integer LANGUAGE sql AS $$
    SELECT count(*)::integer FROM (
        (SELECT * FROM safeguard.report_unallocated EXCEPT ALL SELECT * FROM sg_w5_before.report_unallocated)
        UNION ALL
        (SELECT * FROM sg_w5_before.report_unallocated EXCEPT ALL SELECT * FROM safeguard.report_unallocated)) d
$$;
SET ROLE gen_reader_cqc;
SELECT ok((SELECT sum("VALUE") FILTER (WHERE "TABLE_REFERENCE" = 'SG3a') > 0
                  AND sum("VALUE") FILTER (WHERE "COLUMN_NAME" = 'SG1f Total Number of Section 42 Safeguarding Enquiries') > 0
           FROM safeguard.sac_return(2025)),
          'the generated casework fills the 2025 return: enquiries commenced and Section 42 enquiries concluded');
SELECT ok((SELECT sum(with_la) > 0 FROM safeguard.report_unallocated WHERE pathway = 'council_enquiry'),
          'and report_unallocated''s council pathway');
SELECT is(pg_temp.sac_diff(NULL), 0, 'sac_return 2024-2026: the rows of its old definition (the regulator''s reader)');
SELECT is(pg_temp.unallocated_diff(), 0, 'report_unallocated: the rows of its old definition (the regulator''s reader)');
SET ROLE gen_la1_hub;
SELECT is(pg_temp.sac_diff(NULL) + pg_temp.sac_diff(:gla1), 0,
          'sac_return: the rows of its old definition (an authority''s officer; all and la_id)');
SELECT is(pg_temp.unallocated_diff(), 0, 'report_unallocated: the same (an authority''s officer)');
SET ROLE gen_la1_sam;
SELECT is(pg_temp.sac_diff(NULL) + pg_temp.unallocated_diff(), 0, 'both: the same (the authority''s manager)');
SET ROLE gen_la2_hub;
SELECT is(pg_temp.sac_diff(NULL) + pg_temp.unallocated_diff(), 0, 'both: the same (another authority''s officer)');
SET ROLE gen_cc;
SELECT is(pg_temp.sac_diff(NULL) + pg_temp.unallocated_diff(), 0, 'both: the same (the regulator''s contact centre)');
RESET ROLE;
SELECT is(pg_temp.sac_diff(NULL) + pg_temp.unallocated_diff(), 0, 'both: the same (superuser, every row)');

--------------------------------------------------------------------------
-- 4. They read la_enquiry through its new indexes, as the regulator's
--    reader and as a scoped officer (index scans counted in this
--    transaction, sequential scans priced out as in pgTAP 29); the old
--    definitions read every council enquiry
--------------------------------------------------------------------------
CREATE FUNCTION pg_temp.scans() RETURNS bigint[] LANGUAGE sql AS $$
    SELECT ARRAY[pg_catalog.pg_stat_get_xact_numscans('safeguard.la_enquiry_decided_at'::regclass),
                 pg_catalog.pg_stat_get_xact_numscans('safeguard.la_enquiry_concluded_at'::regclass),
                 pg_catalog.pg_stat_get_xact_numscans('safeguard.la_enquiry_open'::regclass)]
$$;
-- Which of the three indexes a report scanned: 'sac' (shipped) or 'old sac', 'unallocated'
-- or 'old unallocated'.
CREATE FUNCTION pg_temp.report_scans(report text) RETURNS boolean[] LANGUAGE plpgsql AS $$
DECLARE before bigint[] := pg_temp.scans(); after bigint[];
BEGIN
    CASE report
        WHEN 'sac' THEN PERFORM count(*) FROM safeguard.sac_return(2025);
        WHEN 'old sac' THEN PERFORM count(*) FROM sg_w5_before.sac_return(2025);
        WHEN 'unallocated' THEN PERFORM count(*) FROM safeguard.report_unallocated;
        WHEN 'old unallocated' THEN PERFORM count(*) FROM sg_w5_before.report_unallocated;
    END CASE;
    after := pg_temp.scans();
    RETURN ARRAY(SELECT after[i] > before[i] FROM pg_catalog.generate_series(1, 3) i ORDER BY i);
END $$;
ANALYZE safeguard.la_enquiry, safeguard.concern_decision, safeguard.concern, safeguard.referral,
    safeguard.safeguarding_case;
SET LOCAL enable_seqscan = off;
SET ROLE gen_reader_cqc;
SELECT is(pg_temp.report_scans('sac'), ARRAY[true, true, false],
          'sac_return reads the council enquiries decided and concluded in the year through their indexes (the regulator''s reader)');
SELECT is(pg_temp.report_scans('unallocated'), ARRAY[false, false, true],
          'report_unallocated reads the open ones through la_enquiry_open (the regulator''s reader)');
SELECT is(pg_temp.report_scans('old sac') || pg_temp.report_scans('old unallocated'),
          ARRAY[false, false, false, false, false, false],
          'control: the old definitions (every council enquiry) use none of them');
SET ROLE gen_la1_hub;
SELECT is(pg_temp.report_scans('sac'), ARRAY[true, true, false],
          'sac_return: the same for an authority''s officer, a scoped caller under the scope guard');
SELECT is(pg_temp.report_scans('unallocated'), ARRAY[false, false, true],
          'report_unallocated: the same for an authority''s officer');
RESET ROLE;
RESET enable_seqscan;

SELECT * FROM finish();
ROLLBACK;
