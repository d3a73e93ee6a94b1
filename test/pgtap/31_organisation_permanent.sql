-- Organisations are never deleted (issue 19 target 3): the proof the stamped organisation
-- columns rest on.  Those "*_org_id" columns, which safeguard's guards stamp from the acting
-- role's grant, have no foreign key since 1.5 (a per-row check and a FOR KEY SHARE lock on
-- the organisation's row, shared by every officer of an authority, on every write).  That is
-- sound only if no organisation can go: DELETE and TRUNCATE are refused for every role, the
-- table's owner and a superuser included, also under session_replication_role = replica.
-- A superuser can take the guard away; then the grant a stamp came from (duty_grant, whose
-- foreign key stays) still holds the organisation, and only with every trigger off too does
-- the deletion go through, which verify_organisation_references() then reports.
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(22);

\set fixture TAP31
\set clock '2024-03-05 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority'
\set cast 'sg31_insp=inspector@cqc sg31_admin=admin@cqc sg31_la_admin=admin@laa sg31_la_a=la_officer@laa'
\ir lib/fixtures.sql

SET ROLE sg31_insp;
SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous', 'Left in a wet bed.',
    '{Neglect and Acts of Omission}', la_id => :laa, referrer_anonymous => true) AS c1 \gset
RESET ROLE;
SELECT is((SELECT logged_org_id FROM safeguard.concern WHERE id = :c1), :cqc::bigint,
          'the concern is stamped with the organisation its logger acted for');

--------------------------------------------------------------------------
-- The schema: no foreign key on a stamped column, the supplied ones kept.
--------------------------------------------------------------------------
SELECT is_empty($$
    SELECT c.relname, a.attname FROM pg_catalog.pg_constraint n
    JOIN pg_catalog.pg_class c ON c.oid = n.conrelid
    JOIN pg_catalog.pg_attribute a ON a.attrelid = n.conrelid AND a.attnum = ANY (n.conkey)
    WHERE n.contype = 'f' AND n.confrelid = 'safeguard.organisation'::regclass
      AND a.attname LIKE '%\_org\_id'$$,
    'no stamped *_org_id column has a foreign key to organisation');
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_attribute a
           JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
           WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
             AND a.attname LIKE '%\_org\_id' AND NOT a.attisdropped), 28,
          'the 28 stamped organisation columns that verify_organisation_references() checks');
SELECT col_is_fk('safeguard', 'referral', 'la_id', 'a supplied organisation (referral.la_id) keeps its foreign key');
SELECT col_is_fk('safeguard', 'concern', 'provider_location_id', 'concern.provider_location_id keeps its foreign key');
SELECT col_is_fk('safeguard', 'duty_grant', 'organisation_id',
                 'the grant a stamp comes from (duty_grant.organisation_id) keeps its foreign key');

--------------------------------------------------------------------------
-- DELETE and TRUNCATE refused for everyone.
--------------------------------------------------------------------------
SET ROLE sg31_admin;
SELECT throws_ok(format('DELETE FROM safeguard.organisation WHERE id = %s', :laa), '42501', NULL,
                 'the national administrator may not delete an organisation (no DELETE privilege)');
SELECT throws_ok('TRUNCATE safeguard.organisation CASCADE', '42501', NULL,
                 'nor truncate the register');
RESET ROLE;
SET ROLE sg31_la_admin;
SELECT throws_ok(format('DELETE FROM safeguard.organisation WHERE id = %s', :laa), '42501', NULL,
                 'nor the authority''s own administrator');
RESET ROLE;
SET ROLE safeguard_owner;
SELECT throws_ok(format('DELETE FROM safeguard.organisation WHERE id = %s', :lab), 'SG204', NULL,
                 'the table''s owner: refused by organisation_guard (SG204), even for an organisation nothing refers to');
SELECT throws_ok('TRUNCATE safeguard.organisation CASCADE', 'SG204', NULL,
                 'the owner''s TRUNCATE ... CASCADE: refused by refuse_truncate (SG204)');
RESET ROLE;
SELECT throws_ok(format('DELETE FROM safeguard.organisation WHERE id = %s', :lab), 'SG204', NULL,
                 'a superuser''s DELETE: SG204');
SELECT throws_ok('TRUNCATE safeguard.organisation CASCADE', 'SG204', NULL,
                 'a superuser''s TRUNCATE ... CASCADE: SG204');
SELECT throws_ok('TRUNCATE safeguard.organisation', '0A000', NULL,
                 'a plain TRUNCATE: refused before its triggers, the register being referenced');
SET session_replication_role = replica;
SELECT throws_ok(format('DELETE FROM safeguard.organisation WHERE id = %s', :lab), 'SG204', NULL,
                 'under session_replication_role = replica (foreign keys off) the guard still fires: SG204');
SELECT throws_ok('TRUNCATE safeguard.organisation CASCADE', 'SG204', NULL,
                 'and refuse_truncate: SG204');
RESET session_replication_role;

--------------------------------------------------------------------------
-- A superuser past the guard.
--------------------------------------------------------------------------
SELECT is_empty('SELECT * FROM safeguard.verify_organisation_references()',
                'verify_organisation_references(): nothing dangling');
SELECT lives_ok('ALTER TABLE safeguard.organisation DISABLE TRIGGER organisation_guard',
                'a superuser can disable the guard (DDL on safeguard''s objects, recorded in the audit chain)');
SELECT throws_ok(format('DELETE FROM safeguard.organisation WHERE id = %s', :cqc), '23503', NULL,
                 'then the grant the stamp came from still holds the organisation (duty_grant''s foreign key)');
SET session_replication_role = replica;
SELECT lives_ok(format('DELETE FROM safeguard.organisation WHERE id = %s', :cqc),
                'only with the foreign keys off as well does the deletion go through');
RESET session_replication_role;
SELECT results_eq('SELECT table_name, column_name, row_id, organisation_id FROM safeguard.verify_organisation_references()',
                  format('VALUES (%L, %L, %s::bigint, %s::bigint)', 'concern', 'logged_org_id', :c1, :cqc),
                  'verify_organisation_references() names the stamped reference left without its organisation');
SET ROLE sg31_la_a;
SELECT throws_ok('SELECT * FROM safeguard.verify_organisation_references()', '42501', NULL,
                 'verify_organisation_references() is for the auditor and administrator duties');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
