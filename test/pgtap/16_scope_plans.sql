-- Issue 14 item 6 (existence oracles, timing): a role that sees only its own
-- authority's casework learns nothing about other authorities' rows from
-- how its queries are planned (src/scope_guard.c).  Asserted on plan shapes,
-- never on timings (bench/scope_timing.sh measures those): as a superuser
-- session with SET ROLE to the scoped role (EXPLAIN is refused to the role
-- itself), no Index, Recheck or TID condition of a scan comes from the
-- user's predicate on a guarded column, no scan is ordered by one, every
-- user predicate in a scan's filter comes after the policy, and guarded
-- columns are estimated without the values their statistics hold.  The same statements with
-- safeguard.scope_guard off show the channel each assertion closes.  What
-- stays fast is asserted too: open columns (ids) and the own-organisation
-- condition of safeguard.my_deadlines still drive index scans, and the
-- regulator's staff, who see every row, keep PostgreSQL's plans.
-- enable_seqscan is off throughout: on a handful of rows the planner would
-- otherwise read every table whole, and a plan shape proves nothing then.
BEGIN;
SELECT plan(51);

SELECT is((SELECT setting || ' ' || context FROM pg_catalog.pg_settings WHERE name = 'safeguard.scope_guard'),
          'on superuser', 'safeguard.scope_guard is on by default and only a superuser changes it');

--------------------------------------------------------------------------
-- Fixture: the regulator, authorities A and B; B has six concerns about
-- one adult (so that ANALYZE makes the NHS number a most common value) and
-- one referral sent to it; A has two concerns of its own.
--------------------------------------------------------------------------
\set fixture T16
\set clock '2025-06-02 12:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority'
\set cast 't16_cc=contact_centre@cqc t16_la_a=la_officer@laa t16_la_b=la_officer@lab t16_reader=reader@cqc'
\set cast :cast ' t16_mover=contact_centre@cqc t16_reader_a=reader@laa'
\ir lib/fixtures.sql

SET ROLE t16_la_b;
SELECT count(safeguard.log_concern('2025-06-02 08:10+00', 'phone', 'relative', 'Bruises again.', '{Physical Abuse}',
    la_id => :lab, referrer_name => 'Bob Bell', referrer_phone => '07700 900222',
    adult_nhs_number => '9434765919', adult_name => 'Mary Smith')) AS b_logged FROM generate_series(1, 6) \gset
SELECT safeguard.log_concern('2025-06-02 08:20+00', 'phone', 'relative', 'Another adult.', '{Self-Neglect}',
    la_id => :lab, referrer_anonymous => true, adult_nhs_number => '4010232137') AS cb2 \gset
RESET ROLE;
SET ROLE t16_la_a;
SELECT safeguard.log_concern('2025-06-02 08:30+00', 'email', 'professional', 'Worried GP.', '{Neglect and Acts of Omission}',
    la_id => :laa, referrer_name => 'Dr Who', referrer_email => 'gp@nhs.example',
    adult_nhs_number => '6541237891') AS ca1 \gset
SELECT safeguard.log_concern('2025-06-02 08:40+00', 'phone', 'anonymous', 'Not seen.', '{Self-Neglect}',
    la_id => :laa, referrer_anonymous => true) AS ca2 \gset
RESET ROLE;
SET ROLE t16_cc;
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'Fall at home.', '{Neglect and Acts of Omission}',
    la_id => :lab, referrer_anonymous => true) AS cb3 \gset
SELECT safeguard.triage_concern(:cb3, 'refer_to_la', 'Needs care.', true, true, true) AS rb3 \gset
SELECT safeguard.send_referral(:rb3, 'secure_email') IS NOT NULL AS sent \gset
RESET ROLE;
ANALYZE safeguard.concern, safeguard.safeguarding_case, safeguard.referral, safeguard.deadline;

--------------------------------------------------------------------------
-- Helpers: a statement's plan (EXPLAIN FORMAT JSON, as the current role),
-- its nodes, their index/recheck/TID conditions, a relation's scan filter.
--------------------------------------------------------------------------
CREATE FUNCTION public.t16_plan(q text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    p json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO p;
    RETURN p::jsonb;
END
$$;
CREATE FUNCTION public.t16_nodes(p jsonb) RETURNS SETOF jsonb LANGUAGE sql AS $$
    WITH RECURSIVE n(node) AS (
        SELECT p -> 0 -> 'Plan'
        UNION ALL
        SELECT c FROM n, jsonb_array_elements(coalesce(n.node -> 'Plans', '[]'::jsonb)) c)
    SELECT node FROM n
$$;
-- Every Index Cond, Recheck Cond and TID Cond of the plan, in one string.
CREATE FUNCTION public.t16_conds(q text) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(concat_ws(' ', node ->> 'Index Cond', node ->> 'Recheck Cond',
                                         node ->> 'TID Cond'), ' '), '')
    FROM public.t16_nodes(public.t16_plan(q)) node
$$;
-- The distinct Index Conds of the plan, sorted (an index or a bitmap index scan alike).
CREATE FUNCTION public.t16_index_conds(q text) RETURNS text[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(DISTINCT node ->> 'Index Cond' ORDER BY node ->> 'Index Cond'), '{}')
    FROM public.t16_nodes(public.t16_plan(q)) node WHERE node ? 'Index Cond'
$$;
-- The indexes the plan reads, sorted.
CREATE FUNCTION public.t16_indexes(q text) RETURNS text[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(DISTINCT node ->> 'Index Name' ORDER BY node ->> 'Index Name'), '{}')
    FROM public.t16_nodes(public.t16_plan(q)) node WHERE node ? 'Index Name'
$$;
-- True when, in the filter of the scan of rel, the policy (a call of
-- may_see_la) comes before the user's predicate pred (a substring).
CREATE FUNCTION public.t16_policy_first(q text, rel text, pred text) RETURNS boolean LANGUAGE sql AS $$
    SELECT bool_and(strpos(node ->> 'Filter', 'may_see_la') > 0
                    AND strpos(node ->> 'Filter', pred) > strpos(node ->> 'Filter', 'may_see_la'))
    FROM public.t16_nodes(public.t16_plan(q)) node
    WHERE node ->> 'Relation Name' = rel AND node ? 'Filter' AND strpos(node ->> 'Filter', pred) > 0
$$;
-- The planner's row estimate of the (first) scan of rel.
CREATE FUNCTION public.t16_rows(q text, rel text) RETURNS numeric LANGUAGE sql AS $$
    SELECT (node ->> 'Plan Rows')::numeric
    FROM public.t16_nodes(public.t16_plan(q)) node WHERE node ->> 'Relation Name' = rel LIMIT 1
$$;
GRANT EXECUTE ON FUNCTION public.t16_plan(text), public.t16_nodes(jsonb), public.t16_conds(text), public.t16_index_conds(text),
    public.t16_indexes(text), public.t16_policy_first(text, text, text), public.t16_rows(text, text) TO PUBLIC;

SET enable_seqscan = off;
SET enable_hashjoin = off;		-- joins by nested loop: parameterized scans are what a join
SET enable_mergejoin = off;		-- could drive by a guarded column

--------------------------------------------------------------------------
-- 1. Another authority's count, by la_id: no index reads B's entries.
--------------------------------------------------------------------------
-- The statements, by name (the scoped role reads them through t16_q).
CREATE TABLE public.t16_queries (name text PRIMARY KEY, q text NOT NULL);
GRANT SELECT ON public.t16_queries TO PUBLIC;
INSERT INTO public.t16_queries VALUES
    ('la', format('SELECT count(*) FROM safeguard.concern WHERE la_id = %s', :lab)),
    ('la_or', format('SELECT count(*) FROM safeguard.concern WHERE la_id = %s OR la_id = %s', :lab, :laa)),
    ('join', format('SELECT count(*) FROM (VALUES (%s::bigint), (%s::bigint)) v(x) JOIN safeguard.concern c ON c.la_id = v.x', :lab, :laa)),
    ('lateral', format('SELECT count(*) FROM (VALUES (%s::bigint), (%s::bigint)) v(x), LATERAL (SELECT * FROM safeguard.concern c WHERE c.la_id = v.x OFFSET 0) c', :lab, :laa)),
    ('upd', format('UPDATE safeguard.referral SET la_contact = la_contact WHERE la_id = %s', :lab)),
    ('nhs', $$SELECT count(*) FROM safeguard.concern WHERE adult_nhs_number = '9434765919'$$),
    ('absent', $$SELECT count(*) FROM safeguard.concern WHERE adult_nhs_number = '1234567881'$$),
    ('join_nhs', format($$SELECT count(*) FROM (VALUES (%s::bigint, '9434765919'), (%s::bigint, '4010232137')) v(id, nhs) JOIN safeguard.concern c ON c.id = v.id AND c.adult_nhs_number = v.nhs$$, :cb2, :ca1)),
    ('case', $$SELECT count(*) FROM safeguard.safeguarding_case WHERE adult_key = 'nhs:9434765919' AND state = 'open'$$),
    ('ref', format('SELECT count(*) FROM safeguard.referral WHERE la_id = %s', :lab)),
    ('dl', format($$SELECT count(*) FROM safeguard.deadline WHERE organisation_id = %s AND status = 'open'$$, :lab)),
    ('max', 'SELECT max(la_id) FROM safeguard.concern'),
    ('order', 'SELECT id FROM safeguard.concern ORDER BY la_id LIMIT 1'),
    ('id', format($$SELECT count(*) FROM safeguard.concern WHERE id = %s AND logged_at = '2025-06-02 08:20+00'$$, :cb2)),
    ('own_la', 'SELECT count(*) FROM safeguard.concern WHERE la_id = safeguard.current_organisation()'),
    ('own_case', $$SELECT count(*) FROM safeguard.safeguarding_case WHERE la_id = safeguard.current_organisation() AND adult_key = 'nhs:6541237891' AND state = 'open'$$),
    ('prepared', 'EXECUTE t16_count');
CREATE FUNCTION public.t16_q(n text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT q FROM public.t16_queries WHERE name = n
$$;
GRANT EXECUTE ON FUNCTION public.t16_q(text) TO PUBLIC;

SET ROLE t16_la_a;
SELECT unalike(public.t16_conds(public.t16_q('la')), '%la_id%',
               'count of B''s concerns by la_id, as A''s officer: no index condition on la_id');
SELECT ok(public.t16_policy_first(public.t16_q('la'), 'concern', '(la_id = '),
          'and the filter runs the policy before "la_id = B"');
SELECT unalike(public.t16_conds(public.t16_q('la_or')), '%la_id%',
               'la_id = B OR la_id = A: no bitmap OR of index conditions on la_id');
SELECT unalike(public.t16_conds(public.t16_q('join')), '%la_id%',
               'la_id from a join (VALUES): no parameterized index condition on la_id');
SELECT unalike(public.t16_conds(public.t16_q('lateral')), '%la_id%',
               'la_id from a LATERAL reference: none either (a scan parameterized by the lateral relation remains)');
SELECT unalike(public.t16_conds(public.t16_q('upd')), '%la_id%',
               'an UPDATE of B''s referrals by la_id: no index condition on la_id');
RESET ROLE;
SET safeguard.scope_guard = off;
SET ROLE t16_la_a;
SELECT alike(public.t16_conds(public.t16_q('la')), '%la_id =%',
             'without the guard, la_id = B is an index condition (the timing oracle)');
SELECT alike(public.t16_conds(public.t16_q('lateral')), '%la_id =%',
             'without the guard, the LATERAL reference drives a parameterized index scan on la_id');
RESET ROLE;
SET safeguard.scope_guard = on;

--------------------------------------------------------------------------
-- 2. A person, by NHS number or adult key: the policy runs first, no index.
--------------------------------------------------------------------------
SET ROLE t16_la_a;
SELECT ok(public.t16_policy_first(public.t16_q('nhs'), 'concern', 'adult_nhs_number'),
          'an NHS-number search by A''s officer runs the policy before the NHS number comparison');
SELECT ok(public.t16_policy_first(public.t16_q('join_nhs'), 'concern', 'adult_nhs_number'),
          'also when the NHS number comes from a join into a scan driven by id');
SELECT unalike(public.t16_conds(public.t16_q('case')), '%adult_key%',
               'a case search by adult_key: no index condition on adult_key');
SELECT unalike(array_to_string(public.t16_indexes(public.t16_q('case')), ','), '%open_adult%',
               'nor the partial index whose predicate names adult_key');
RESET ROLE;
SET safeguard.scope_guard = off;
SET ROLE t16_la_a;
SELECT ok(NOT public.t16_policy_first(public.t16_q('nhs'), 'concern', 'adult_nhs_number'),
          'without the guard the NHS number comparison runs first: the policy''s cost says whether it matched');
SELECT alike(public.t16_conds(public.t16_q('case')), '%adult_key%',
             'without the guard, adult_key is an index condition');
RESET ROLE;
SET safeguard.scope_guard = on;

--------------------------------------------------------------------------
-- 3. Referrals and deadlines of another authority.
--------------------------------------------------------------------------
SET ROLE t16_la_a;
SELECT unalike(public.t16_conds(public.t16_q('ref')), '%la_id%',
               'referrals by la_id = B: no index condition on la_id');
SELECT ok(public.t16_policy_first(public.t16_q('ref'), 'referral', '(la_id = '),
          'and the policy runs before "la_id = B"');
SELECT unalike(public.t16_conds(public.t16_q('dl')), '%organisation_id%',
               'B''s open deadlines by organisation_id: no index condition on organisation_id');
RESET ROLE;
SET safeguard.scope_guard = off;
SET ROLE t16_la_a;
SELECT alike(public.t16_conds(public.t16_q('ref')), '%la_id =%', 'without the guard: an index condition on referral.la_id');
SELECT alike(public.t16_conds(public.t16_q('dl')), '%organisation_id =%', 'without the guard: deadline_open on organisation_id = B');
RESET ROLE;
SET safeguard.scope_guard = on;

--------------------------------------------------------------------------
-- 4. No scan ordered by a guarded column (min/max, LIMIT, merge joins
-- stop after a number of invisible rows).
--------------------------------------------------------------------------
SET ROLE t16_la_a;
SELECT is_empty(format($$SELECT 1 FROM public.t16_nodes(public.t16_plan(%L)) n
                         WHERE n ->> 'Node Type' = 'Limit' OR n ->> 'Scan Direction' = 'Backward'$$, public.t16_q('max')),
                'max(la_id): no ordered index scan under a LIMIT');
SELECT ok(NOT ('concern_la' = ANY (public.t16_indexes(public.t16_q('order')))),
          'ORDER BY la_id LIMIT 1: concern_la is not read (its order would stop the scan early)');
RESET ROLE;
SET safeguard.scope_guard = off;
SET ROLE t16_la_a;
SELECT isnt_empty(format($$SELECT 1 FROM public.t16_nodes(public.t16_plan(%L)) n
                           WHERE n ->> 'Node Type' = 'Limit'$$, public.t16_q('max')),
                  'without the guard, max(la_id) reads concern_la backwards under a LIMIT');
RESET ROLE;
SET safeguard.scope_guard = on;

--------------------------------------------------------------------------
-- 5. Estimates: a guarded column has no statistics for a scoped role.
-- B's adult is a most common value; A's officer's estimate for it is the
-- same as for an NHS number nobody has.
--------------------------------------------------------------------------
SELECT cmp_ok((SELECT count(*) FROM pg_catalog.pg_stats WHERE schemaname = 'safeguard' AND tablename = 'concern'
                 AND attname = 'adult_nhs_number' AND '9434765919' = ANY (most_common_vals::text::text[])),
              '=', 1::bigint, 'ANALYZE found B''s adult among the most common NHS numbers');
SET ROLE t16_la_a;
SELECT is(public.t16_rows(public.t16_q('nhs'), 'concern'), public.t16_rows(public.t16_q('absent'), 'concern'),
          'A''s officer''s estimate for B''s adult equals that for an absent NHS number');
RESET ROLE;
SET safeguard.scope_guard = off;
SET ROLE t16_la_a;
SELECT isnt(public.t16_rows(public.t16_q('nhs'), 'concern'), public.t16_rows(public.t16_q('absent'), 'concern'),
            'without the guard the estimates differ: the plan could tell');
RESET ROLE;
SET safeguard.scope_guard = on;

--------------------------------------------------------------------------
-- 6. What stays fast: ids, and the caller's own organisation.
--------------------------------------------------------------------------
SET ROLE t16_la_a;
SELECT alike(public.t16_conds(public.t16_q('id')), '%id = %',
             'a concern by id (an open column) is still an index condition');
SELECT ok(public.t16_policy_first(public.t16_q('id'), 'concern', 'logged_at'),
          'and the other (open) predicate still runs after the policy');
SELECT alike(public.t16_conds('SELECT * FROM safeguard.my_deadlines'),
             '%organisation_id = safeguard.current_organisation()%',
             'my_deadlines: "organisation_id = current_organisation()" still drives the scan of deadline');
SELECT ok('deadline_open' = ANY (public.t16_indexes('SELECT * FROM safeguard.my_deadlines')),
          'through deadline_open');
SELECT alike(public.t16_conds(public.t16_q('own_la')),
             '%la_id = safeguard.current_organisation()%',
             'an authority''s officer''s own concerns by la_id = current_organisation(): an index condition');
SELECT ok('safeguarding_case_open_adult' = ANY (public.t16_indexes(public.t16_q('own_case')))
          AND '(la_id = safeguard.current_organisation())' = ANY (public.t16_index_conds(public.t16_q('own_case')))
          AND array_to_string(public.t16_index_conds(public.t16_q('own_case')), ' ') NOT LIKE '%adult_key%',
          'an officer''s own open case by adult key: the partial index on (la_id, adult_key), bounded by its own organisation only');
SELECT ok(public.t16_policy_first(public.t16_q('own_case'), 'safeguarding_case', 'adult_key'),
          'and the adult key is compared after the policy');
RESET ROLE;
SET ROLE t16_reader_a;
SELECT unalike(public.t16_conds(public.t16_q('own_la')), '%la_id%',
               'not for a reader of A: the exception follows may_see_la (A''s staff), and stays that narrow');
RESET ROLE;
SET ROLE t16_la_a;
SELECT is(public.t16_indexes('SELECT * FROM safeguard.deadlines_overdue'),
          public.t16_indexes('SELECT * FROM safeguard.my_deadlines'),
          'deadlines_overdue reads the same indexes as my_deadlines');
CREATE TEMP TABLE t16_on AS
SELECT v, public.t16_indexes(format('SELECT * FROM safeguard.%I', v)) AS idx,
       public.t16_index_conds(format('SELECT * FROM safeguard.%I', v)) AS conds
FROM unnest(ARRAY['my_deadlines', 'deadlines_overdue', 'deadlines_due_soon', 'case_overview',
                  'report_la_outcomes_outstanding']) v;
RESET ROLE;
SET safeguard.scope_guard = off;
SET ROLE t16_la_a;
SELECT is_empty($$SELECT v, idx FROM t16_on WHERE v <> 'report_la_outcomes_outstanding'
                  EXCEPT SELECT v, public.t16_indexes(format('SELECT * FROM safeguard.%I', v)) FROM t16_on$$,
                'my_deadlines, deadlines_overdue, deadlines_due_soon, case_overview: an officer reads the same indexes with the guard as without');
SELECT is_empty($$SELECT v, conds FROM t16_on
                  EXCEPT SELECT v, public.t16_index_conds(format('SELECT * FROM safeguard.%I', v)) FROM t16_on$$,
                'and those views and report_la_outcomes_outstanding by the same index conditions (the guard only swaps a whole-index walk in la_id order for one in id order)');
RESET ROLE;
SET safeguard.scope_guard = on;
SET ROLE t16_reader;
CREATE TEMP TABLE t16_reader_on AS
SELECT public.t16_indexes('SELECT * FROM safeguard.report_kpi') AS idx;
RESET ROLE;
SET safeguard.scope_guard = off;
SET ROLE t16_reader;
SELECT is((SELECT idx FROM t16_reader_on), public.t16_indexes('SELECT * FROM safeguard.report_kpi'),
          'a reader''s report_kpi reads the same indexes with the guard as without');
RESET ROLE;
SET safeguard.scope_guard = on;

--------------------------------------------------------------------------
-- 7. The regulator's staff see every row: PostgreSQL's plans are theirs.
--------------------------------------------------------------------------
SET ROLE t16_cc;
SELECT alike(public.t16_conds(public.t16_q('la')), '%la_id =%',
             'the contact centre''s count by la_id still uses the index');
SELECT isnt(public.t16_rows(public.t16_q('nhs'), 'concern'), public.t16_rows(public.t16_q('absent'), 'concern'),
            'and its estimates use the statistics');
RESET ROLE;

--------------------------------------------------------------------------
-- 8. A plan follows the caller's duties: a prepared statement planned for
-- the contact centre is planned again once the role is an authority's
-- officer (the trigger scope_changed on duty_grant).
--------------------------------------------------------------------------
SET ROLE t16_mover;
PREPARE t16_count AS SELECT count(*) FROM safeguard.concern WHERE la_id = 3000000000;
SELECT alike(public.t16_conds(public.t16_q('prepared')), '%la_id =%',
             'planned for the contact centre: an index condition on la_id');
RESET ROLE;
SELECT safeguard.revoke_duty('t16_mover', 'contact_centre') AS r1,
       safeguard.grant_duty('t16_mover', 'la_officer', :laa) AS g6 \gset
SET ROLE t16_mover;
SELECT unalike(public.t16_conds(public.t16_q('prepared')), '%la_id%',
               'the same prepared statement, once the role is A''s officer: no index condition on la_id');
RESET ROLE;
DEALLOCATE t16_count;
-- The same with nothing else changing: a plan cached while the guard was
-- off (a superuser's setting) outlives the setting until the trigger fires.
SET safeguard.scope_guard = off;
SET ROLE t16_la_a;
PREPARE t16_count AS SELECT count(*) FROM safeguard.concern WHERE la_id = 3000000000;
SELECT alike(public.t16_conds(public.t16_q('prepared')), '%la_id =%',
             'planned for A''s officer with the guard off: an index condition on la_id');
RESET ROLE;
SET safeguard.scope_guard = on;
SET ROLE t16_la_a;
SELECT alike(public.t16_conds(public.t16_q('prepared')), '%la_id =%',
             'the cached plan outlives the setting');
RESET ROLE;
UPDATE safeguard.organisation SET senior_contact_name = 'T16 Head' WHERE id = :lab;
SET ROLE t16_la_a;
SELECT unalike(public.t16_conds(public.t16_q('prepared')), '%la_id%',
               'once an organisation changes, scope_changed makes it be planned again, guarded');
RESET ROLE;
DEALLOCATE t16_count;
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_trigger
           WHERE tgname = 'scope_changed' AND tgenabled = 'A'
             AND tgrelid IN ('safeguard.duty_grant'::regclass, 'safeguard.organisation'::regclass)),
          2, 'scope_changed fires (ALWAYS) after changes to duty_grant and organisation');

--------------------------------------------------------------------------
-- 9. The classification covers every column of every table under
-- row-level security, and names no column that does not exist.
--------------------------------------------------------------------------
SELECT is_empty($$SELECT c.relname::text, a.attname::text
                  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
                  WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relrowsecurity
                    AND a.attnum > 0 AND NOT a.attisdropped
                  EXCEPT SELECT table_name, column_name FROM safeguard.scope_columns()$$,
                'every column of every table under row-level security is classified');
SELECT is_empty($$SELECT table_name, column_name FROM safeguard.scope_columns()
                  EXCEPT SELECT c.relname::text, a.attname::text
                  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
                  WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relrowsecurity
                    AND a.attnum > 0 AND NOT a.attisdropped$$,
                'the classification names only columns of tables under row-level security');
SELECT is_empty($$SELECT table_name, column_name FROM safeguard.scope_columns()
                  WHERE column_name IN ('adult_nhs_number', 'adult_name', 'adult_key', 'la_id', 'organisation_id',
                                        'referrer_name', 'description', 'provider_id', 'provider_location_id')
                    AND NOT guarded$$,
                'identifying and organisation columns are guarded');
SELECT results_eq($$SELECT column_class FROM safeguard.scope_columns()
                    WHERE table_name = 'deadline' AND column_name = 'organisation_id'$$,
                  ARRAY['own_organisation'], 'deadline.organisation_id keeps the own-organisation exception');

-- The regulator's staff see every row of these tables (the premise of 7).
CREATE TEMP TABLE t16_all AS
SELECT 'concern' AS t, count(*) AS n FROM safeguard.concern
UNION ALL SELECT 'referral', count(*) FROM safeguard.referral
UNION ALL SELECT 'deadline', count(*) FROM safeguard.deadline;
GRANT SELECT ON t16_all TO PUBLIC;
SET ROLE t16_cc;
SELECT results_eq($$SELECT 'concern' AS t, count(*) AS n FROM safeguard.concern
                    UNION ALL SELECT 'referral', count(*) FROM safeguard.referral
                    UNION ALL SELECT 'deadline', count(*) FROM safeguard.deadline$$,
                  'SELECT t, n FROM t16_all',
                  'the contact centre sees every concern, referral and deadline (it is not scoped)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
