-- The write path's caches (issue 19, target 3): the acting role's grants are
-- kept per backend across statements and transactions (src/duties.c) and
-- dropped by the relcache invalidation of safeguard.duty_grant that every
-- change to duty_grant or organisation sends.  In one session: a grant, a
-- revoke and a change of the organisation are seen by the very next
-- statement; after DROP EXTENSION and CREATE EXTENSION in the same session
-- the old grants are gone and the cache follows the new duty_grant table (a
-- cache that kept the dropped table's OID would never hear of the new
-- table's changes); safeguard's protected writes (as its table owner) still
-- work there, and the audit trail still verifies (the audit row's insertion
-- and the key lookups of src/key_scan.c keep the old audit_event's and its
-- index's OIDs per backend too, and must follow the new ones).  Across sessions:
-- test/specs/writepath_grants_cache.spec.
BEGIN;
SELECT plan(14);

\set fixture TAP24
\set clock '2024-03-05 10:00+00'
\set orgs 'cqc=regulator laa=local_authority'
\set cast 'sg24_la=la_officer@laa'
\ir lib/fixtures.sql

SET ROLE sg24_la;
SELECT is(safeguard.current_duties(), '{la_officer}'::text[], 'the officer holds its duty (its grants are now cached)');
SELECT ok(safeguard.may_see_la(:laa), 'and sees its authority''s casework');
RESET ROLE;

SELECT ok(safeguard.revoke_duty('sg24_la', 'la_officer'), 'the duty is revoked');
SET ROLE sg24_la;
SELECT is(safeguard.current_duties(), '{}'::text[], 'the revoke is seen by the next statement');
SELECT throws_ok($$SELECT safeguard.require_duty('referral:decided')$$, '42501', NULL,
                 'and the revoked duty''s action is refused');
RESET ROLE;

SELECT ok(safeguard.grant_duty('sg24_la', 'la_officer', :laa) > 0, 'the duty is granted again');
SET ROLE sg24_la;
SELECT is(safeguard.current_duties(), '{la_officer}'::text[], 'the grant is seen by the next statement');
RESET ROLE;

-- A change of the organisation (not of the grant): the officer's authority
-- becomes an ICB, for which la_officer does not open casework.
UPDATE safeguard.organisation SET kind = 'icb' WHERE id = :laa;
SET ROLE sg24_la;
SELECT ok(NOT safeguard.may_see_la(:laa), 'a change of the role''s organisation is seen by the next statement');
RESET ROLE;

--------------------------------------------------------------------------
-- DROP EXTENSION and CREATE EXTENSION in this same session.
--------------------------------------------------------------------------
SET client_min_messages = warning;
DROP EXTENSION safeguard CASCADE;
CREATE EXTENSION safeguard;
RESET client_min_messages;
SELECT safeguard.set_clock(:'clock') IS NOT NULL AS pinned \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'TAP24 local authority again', 'TAP24-LAA2') RETURNING id AS laa2 \gset

SET ROLE sg24_la;
SELECT is(safeguard.current_duties(), '{}'::text[],
          'after DROP and CREATE EXTENSION the dropped table''s grants are gone from the cache');
RESET ROLE;

SELECT ok(safeguard.grant_duty('sg24_la', 'la_officer', :laa2) > 0,
          'a protected write (grant_duty, as the table owner) works in the new extension');
SET ROLE sg24_la;
SELECT is(safeguard.current_organisation(), :laa2::bigint, 'the grant in the new table is seen at once');
RESET ROLE;

SELECT ok(safeguard.revoke_duty('sg24_la', 'la_officer'), 'the new grant is revoked');
SET ROLE sg24_la;
SELECT is(safeguard.current_duties(), '{}'::text[],
          'and the revoke is seen: the cache follows the new duty_grant table');
RESET ROLE;

SELECT is_empty($$SELECT * FROM safeguard.verify_audit()$$, 'the new audit trail verifies');

SELECT * FROM finish();
ROLLBACK;
