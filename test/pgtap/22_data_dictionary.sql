-- The data dictionary (issue 18, item 2): safeguard.data_dictionary lists every
-- column of schema safeguard that the current role may read (of a table it
-- may read in part, those columns only), with its
-- description, for BI tools whose driver shows none (psqlODBC answers REMARKS
-- with an empty string: test/t/030_bi_clients.pl).  Each role sees exactly the
-- relations it may SELECT, never another's; a role with no duty sees only
-- what PUBLIC may read.
BEGIN;
SELECT plan(26);

\set fixture T22
\set clock '2025-06-02 10:00+00'
\set orgs 'cqc=regulator laa=local_authority'
\set cast 't22_reader=reader@cqc t22_la=la_officer@laa t22_auditor=auditor@cqc t22_nobody'
\ir lib/fixtures.sql

-- What the current role may SELECT in schema safeguard (tables and views), per the catalogue.
CREATE FUNCTION pg_temp.readable() RETURNS SETOF text LANGUAGE sql AS $$
    SELECT c.relnamespace::regnamespace || '.' || c.relname FROM pg_class c
    WHERE c.relnamespace IN ('safeguard'::regnamespace, 'safeguard_reporting'::regnamespace)
      AND c.relkind IN ('r', 'p', 'v', 'm')
      AND (has_table_privilege(c.oid, 'SELECT') OR has_any_column_privilege(c.oid, 'SELECT'))
$$;
GRANT EXECUTE ON FUNCTION pg_temp.readable() TO PUBLIC;

-- 1. The reader (performance team at the regulator)
SET LOCAL ROLE t22_reader;
SELECT set_eq($$SELECT DISTINCT schema_name || '.' || relation_name FROM safeguard.data_dictionary$$,
              $$SELECT * FROM pg_temp.readable()$$,
              'the reader is offered exactly the relations it may read');
SELECT ok((SELECT count(*) FROM safeguard.data_dictionary WHERE schema_name = 'safeguard' AND relation_name LIKE 'report\_%') >= 10,
          'among them the report views');
SELECT is((SELECT count(*)::int FROM safeguard.data_dictionary WHERE schema_name = 'safeguard' AND relation_name = 'audit_event'), 0,
          'but not the audit trail, which the reader may not read');
SELECT set_eq($$SELECT column_name FROM safeguard.data_dictionary WHERE schema_name = 'safeguard' AND relation_name = 'concern'$$,
              $$SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = 'safeguard.concern'::regclass
                AND a.attnum > 0 AND NOT a.attisdropped
                AND has_column_privilege('safeguard.concern'::regclass, a.attnum, 'SELECT')$$,
              'of a casework table, only the columns the reader may read (its non-identifying ones)');
SELECT ok(NOT EXISTS (SELECT FROM safeguard.data_dictionary
                      WHERE relation_name = 'concern' AND column_name IN ('adult_name', 'adult_nhs_number', 'description')),
          'never an identifying column');
SELECT is((SELECT array_agg(DISTINCT relation_readable) FROM safeguard.data_dictionary WHERE schema_name = 'safeguard' AND relation_name = 'concern'),
          ARRAY[false], 'and concern is marked not readable whole (SELECT * is refused)');
SELECT is((SELECT array_agg(DISTINCT relation_readable) FROM safeguard.data_dictionary WHERE schema_name = 'safeguard' AND relation_name = 'report_kpi'),
          ARRAY[true], 'report_kpi is marked readable whole');
SELECT is((SELECT column_description FROM safeguard.data_dictionary
           WHERE schema_name = 'safeguard' AND relation_name = 'report_kpi' AND column_name = 'in_time'),
          col_description('safeguard.report_kpi'::regclass, 3),
          'a column''s description is its COMMENT (report_kpi.in_time)');
SELECT is((SELECT relation_description FROM safeguard.data_dictionary
           WHERE schema_name = 'safeguard' AND relation_name = 'report_kpi' AND column_position = 1),
          obj_description('safeguard.report_kpi'::regclass, 'pg_class'),
          'a relation''s description is its COMMENT');
SELECT is((SELECT array_agg(column_name ORDER BY column_position) FROM safeguard.data_dictionary
           WHERE schema_name = 'safeguard' AND relation_name = 'report_kpi'),
          ARRAY['indicator', 'measured', 'in_time', 'in_time_pct', 'median_working_days'],
          'columns come in the relation''s order');
SELECT is((SELECT count(*)::int FROM safeguard.data_dictionary WHERE column_description IS NULL), 0,
          'every column the reader is offered has a description');
SELECT is((SELECT data_type FROM safeguard.data_dictionary
           WHERE schema_name = 'safeguard' AND relation_name = 'referral_pseudonymised' AND column_name = 'risk_types'), 'text[]',
          'types are given as SQL writes them (referral_pseudonymised.risk_types text[])');
RESET ROLE;

-- 2. An officer of a local authority: the casework tables too
SET LOCAL ROLE t22_la;
SELECT set_eq($$SELECT DISTINCT schema_name || '.' || relation_name FROM safeguard.data_dictionary$$,
              $$SELECT * FROM pg_temp.readable()$$,
              'an LA officer is offered exactly the relations it may read');
SELECT ok(EXISTS (SELECT FROM safeguard.data_dictionary WHERE schema_name = 'safeguard' AND relation_name = 'concern'),
          'including the concern table');
RESET ROLE;

-- 3. The auditor: the audit trail, not casework
SET LOCAL ROLE t22_auditor;
SELECT set_eq($$SELECT DISTINCT schema_name || '.' || relation_name FROM safeguard.data_dictionary$$,
              $$SELECT * FROM pg_temp.readable()$$,
              'the auditor is offered exactly the relations it may read');
RESET ROLE;

-- 4. No duty: only what PUBLIC may read (the calendar, organisations, policies)
SET LOCAL ROLE t22_nobody;
SELECT set_eq($$SELECT DISTINCT schema_name || '.' || relation_name FROM safeguard.data_dictionary$$,
              $$SELECT * FROM pg_temp.readable()$$,
              'a role with no duty is offered only what PUBLIC may read');
SELECT is((SELECT count(*)::int FROM safeguard.data_dictionary WHERE schema_name = 'safeguard' AND relation_name LIKE 'report\_%'), 0,
          'and no report view');
RESET ROLE;

-- 5. The reporting schema: exactly the reader's relations, each readable whole
SELECT set_eq($$SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'safeguard_reporting'::regnamespace$$,
              $$SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'safeguard'::regnamespace
                AND c.relkind IN ('r', 'p', 'v', 'm') AND has_table_privilege('safeguard_reader', c.oid, 'SELECT')$$,
              'safeguard_reporting holds exactly the relations the reader duty may read');
SELECT is((SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'safeguard_reporting'::regnamespace
           AND (c.relkind <> 'v' OR NOT c.reloptions @> ARRAY['security_invoker=true'])), 0,
          'each is a security_invoker view (the caller''s privileges and row-level security apply)');
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
           WHERE c.relnamespace = 'safeguard_reporting'::regnamespace
             AND col_description(c.oid, a.attnum) IS DISTINCT FROM
                 col_description(format('safeguard.%I', c.relname)::regclass, a.attnum)), 0,
          'with the comments of its relation in schema safeguard, column by column');
SET LOCAL ROLE t22_reader;
SELECT set_eq($$SELECT DISTINCT relation_name FROM safeguard.data_dictionary WHERE schema_name = 'safeguard_reporting'$$,
              $$SELECT DISTINCT relation_name FROM safeguard.data_dictionary WHERE schema_name = 'safeguard' AND relation_readable$$,
              'the reader reads in safeguard_reporting what it reads whole in safeguard');
SELECT is((SELECT count(*) FROM safeguard_reporting.report_indicators),
          (SELECT count(*) FROM safeguard.report_indicators),
          'the same rows through either schema (row-level security as the reader)');
RESET ROLE;
SET LOCAL ROLE t22_nobody;
SELECT throws_ok($$SELECT count(*) FROM safeguard_reporting.report_kpi$$, '42501', NULL,
                 'a role with no duty cannot read a report through the reporting schema (42501)');
SELECT throws_ok($$SELECT count(*) FROM safeguard_reporting.referral_pseudonymised$$, '42501', NULL,
                 'nor the pseudonymised referrals (42501)');
RESET ROLE;
SET LOCAL ROLE t22_la;
SELECT throws_ok($$SELECT count(*) FROM safeguard_reporting.referral_pseudonymised$$, '42501', NULL,
                 'an LA officer cannot read what only readers and administrators may (42501)');
RESET ROLE;

-- 6. Read-only: it is a view over the catalogues
SET LOCAL ROLE t22_reader;
SELECT ok(NOT has_table_privilege('safeguard.data_dictionary', 'INSERT, UPDATE, DELETE, TRUNCATE'),
          'the reader may only read the data dictionary');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
