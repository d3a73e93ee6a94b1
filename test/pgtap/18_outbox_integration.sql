-- The integration duty (issue 18, item 3): an application consumes the outbox through
-- safeguard.claim_outbox() (FOR UPDATE SKIP LOCKED over the undelivered rows it may
-- consume, oldest first) and safeguard.mark_delivered(ids), holding no other power.  It
-- consumes what an administrator of its organisation consumes (may_consume_outbox): its
-- own organisation's rows, the regulator's integration every organisation's.  An id it
-- may not consume is refused as not existing (SG208), so the refusal tells nothing.
-- Concurrency (two consumers never claim the same row): test/specs/outbox_claim.spec.
BEGIN;
SELECT plan(48);

-- Everything due elsewhere in this database by the instant used below fires first, and
-- is marked delivered: this file's consumers then find only this file's notifications.
SELECT safeguard.set_clock('2026-04-20 12:00+00') IS NOT NULL AS pinned \gset
SELECT safeguard.sweep(2147483647) IS NOT NULL AS drained \gset
UPDATE safeguard.outbox SET delivered_at = now(), delivered_by = 'tap18 set-up' WHERE delivered_at IS NULL;

CREATE ROLE tap18_member IN ROLE safeguard_integration;      -- the role's privileges, no duty
\set fixture TAP18
\set orgs 'cqc=regulator la_a=local_authority la_b=local_authority'
\set contacts '{"la_a": ["Ann Head", "ann.head@a.example"], "la_b": ["Bob Head", "bob.head@b.example"]}'
\set cast 'tap18_inspector=inspector@cqc tap18_officer_a=la_officer@la_a tap18_officer_b=la_officer@la_b'
\set cast :cast ' tap18_int_r=integration@cqc tap18_int_a=integration@la_a tap18_int_b=integration@la_b'
\set cast :cast ' tap18_admin_a=admin@la_a tap18_nobody'
\ir lib/fixtures.sql

-- Three concerns, each logged by a different organisation; a month later every rung of
-- each triage deadline has fired: nine outbox rows, three per organisation.
SELECT safeguard.set_clock('2026-03-02 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap18_inspector;
SELECT safeguard.log_concern('2026-03-02 09:00+00', 'phone', 'anonymous', 'TAP18 regulator''s',
    '{Physical Abuse}', la_id => :la_a, referrer_anonymous => true) AS concern_r \gset
SET ROLE tap18_officer_a;
SELECT safeguard.log_concern('2026-03-02 09:00+00', 'phone', 'anonymous', 'TAP18 A''s',
    '{Physical Abuse}', la_id => :la_a, referrer_anonymous => true) AS concern_a \gset
SET ROLE tap18_officer_b;
SELECT safeguard.log_concern('2026-03-02 09:00+00', 'phone', 'anonymous', 'TAP18 B''s',
    '{Physical Abuse}', la_id => :la_b, referrer_anonymous => true) IS NOT NULL AS logged \gset
RESET ROLE;
SELECT safeguard.set_clock('2026-04-02 12:00+00') IS NOT NULL AS pinned \gset
SELECT is(safeguard.sweep(), 9, 'the sweep fires three rungs for each of the three triage deadlines');
SELECT array_agg(id ORDER BY id) AS a_ids FROM safeguard.outbox WHERE organisation_id = :la_a AND delivered_at IS NULL \gset
SELECT array_agg(id ORDER BY id) AS b_ids FROM safeguard.outbox WHERE organisation_id = :la_b AND delivered_at IS NULL \gset
SELECT array_agg(id ORDER BY id) AS r_ids FROM safeguard.outbox WHERE organisation_id = :cqc AND delivered_at IS NULL \gset
SELECT max(id) + 1000000 AS no_such_id FROM safeguard.outbox \gset

--------------------------------------------------------------------------
-- 1. The duty, its role and its two functions
--------------------------------------------------------------------------
SELECT ok('integration' = ANY (enum_range(NULL::safeguard.duty)::text[]), 'integration is a duty');
SELECT ok((SELECT NOT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = 'safeguard_integration'),
          'its role safeguard_integration exists, NOLOGIN');
SELECT function_privs_are('safeguard', 'claim_outbox', ARRAY['integer'], 'public', ARRAY[]::text[],
                          'claim_outbox: not for PUBLIC');
SELECT function_privs_are('safeguard', 'mark_delivered', ARRAY['bigint[]'], 'public', ARRAY[]::text[],
                          'mark_delivered: not for PUBLIC');
SELECT ok(has_function_privilege('safeguard_integration', 'safeguard.claim_outbox(integer)', 'EXECUTE')
          AND has_function_privilege('safeguard_admin', 'safeguard.claim_outbox(integer)', 'EXECUTE')
          AND has_function_privilege('safeguard_integration', 'safeguard.mark_delivered(bigint[])', 'EXECUTE')
          AND has_function_privilege('safeguard_admin', 'safeguard.mark_delivered(bigint[])', 'EXECUTE'),
          'both are granted to the integration and admin duties');
SELECT isnt_definer('safeguard', 'claim_outbox', ARRAY['integer'],
                    'claim_outbox runs as the caller (row-level security chooses, the locks are the caller''s)');
SELECT isnt_definer('safeguard', 'mark_delivered', ARRAY['bigint[]'], 'mark_delivered runs as the caller');
-- Nothing else: what safeguard_integration may use beyond what PUBLIC may.
SELECT results_eq($$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
                    WHERE p.pronamespace = 'safeguard'::regnamespace
                      AND has_function_privilege('safeguard_integration', p.oid, 'EXECUTE')
                      AND NOT has_function_privilege('public', p.oid, 'EXECUTE') ORDER BY 1$$,
                   $$VALUES ('safeguard.claim_outbox(integer)'), ('safeguard.mark_delivered(bigint[])')$$,
                   'the integration duty executes no function PUBLIC may not, but its two');
SELECT results_eq($$SELECT c.relname::text COLLATE "default" FROM pg_catalog.pg_class c
                    WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
                      AND (has_table_privilege('safeguard_integration', c.oid, 'SELECT')
                           OR has_any_column_privilege('safeguard_integration', c.oid, 'SELECT, UPDATE'))
                      AND NOT has_table_privilege('public', c.oid, 'SELECT') ORDER BY 1$$,
                   $$VALUES ('outbox')$$,
                   'the integration duty reads no table or view PUBLIC may not, but the outbox');
SELECT ok(NOT has_column_privilege('safeguard_integration', 'safeguard.outbox', 'payload', 'UPDATE')
          AND has_column_privilege('safeguard_integration', 'safeguard.outbox', 'delivered_at', 'UPDATE'),
          'of the outbox it may update only the delivery columns');

--------------------------------------------------------------------------
-- 2. An authority's integration consumes its own notifications
--------------------------------------------------------------------------
SET ROLE tap18_int_a;
SELECT is((SELECT count(*) FROM safeguard.outbox), 3::bigint, 'authority A''s integration sees A''s three rows');
SELECT results_eq('SELECT id, organisation_id FROM safeguard.claim_outbox() ORDER BY id',
                  format('SELECT unnest(%L::bigint[]), %s::bigint', :'a_ids', :la_a),
                  'claim_outbox() returns A''s three undelivered rows, no other');
SELECT results_eq('SELECT id FROM safeguard.claim_outbox(2)',
                  format('SELECT unnest((%L::bigint[])[1:2])', :'a_ids'),
                  'claim_outbox(2): the oldest two, oldest first');
SELECT throws_ok(format('SELECT safeguard.mark_delivered(%L)', :'b_ids'), 'SG208', NULL,
                 'A''s integration may not mark B''s rows: SG208, as if they did not exist');
SELECT throws_ok(format('SELECT safeguard.mark_delivered(ARRAY[%s]::bigint[])', :no_such_id), 'SG208', NULL,
                 'an id that exists nowhere: the same SG208');
SELECT throws_ok(format('SELECT safeguard.mark_delivered(%L::bigint[] || %L::bigint[])', :'a_ids', :'b_ids'),
                 'SG208', NULL, 'its own ids mixed with B''s: refused whole');
SELECT is((SELECT count(*) FROM safeguard.outbox WHERE delivered_at IS NOT NULL), 0::bigint,
          'the refusals marked nothing');
SELECT is(safeguard.mark_delivered(:'a_ids'), 3, 'A''s integration marks its three delivered');
SELECT is(safeguard.mark_delivered(:'a_ids'), 0, 'marking them again changes nothing (a retry is harmless)');
SELECT is_empty('SELECT * FROM safeguard.claim_outbox()', 'A''s integration has nothing left to claim');
RESET ROLE;
SELECT results_eq(format('SELECT delivered_by, count(*) FROM safeguard.outbox WHERE id = ANY (%L) '
                         'AND delivered_at IS NOT NULL GROUP BY 1', :'a_ids'),
                  $$VALUES ('tap18_int_a', 3::bigint)$$, 'each records who delivered it');

--------------------------------------------------------------------------
-- 3. Another authority's integration: none of A's
--------------------------------------------------------------------------
SET ROLE tap18_int_b;
SELECT is((SELECT count(*) FROM safeguard.outbox WHERE organisation_id = :la_a), 0::bigint,
          'B''s integration sees none of A''s rows');
SELECT throws_ok(format('SELECT safeguard.mark_delivered(%L)', :'a_ids'), 'SG208', NULL,
                 'nor may it mark them (SG208, whether or not they were delivered)');
SELECT results_eq('SELECT organisation_id, count(*) FROM safeguard.claim_outbox() GROUP BY 1',
                  format('VALUES (%s::bigint, 3::bigint)', :la_b),
                  'it claims B''s three, and only B''s');
SELECT is(safeguard.mark_delivered(:'b_ids'), 3, 'and marks them');

--------------------------------------------------------------------------
-- 4. The regulator's integration sees what the regulator's administrator sees
--------------------------------------------------------------------------
SET ROLE tap18_int_r;
SELECT is((SELECT count(*) FROM safeguard.outbox WHERE organisation_id IN (:cqc, :la_a, :la_b)), 9::bigint,
          'the regulator''s integration sees every organisation''s rows');
SELECT results_eq('SELECT id FROM safeguard.claim_outbox() ORDER BY id',
                  format('SELECT unnest(%L::bigint[])', :'r_ids'),
                  'and claims what is left undelivered: the regulator''s three');
SELECT is(safeguard.mark_delivered(:'r_ids'), 3, 'and marks them');

--------------------------------------------------------------------------
-- 5. Nothing else: no casework, no workflow
--------------------------------------------------------------------------
SET ROLE tap18_int_a;
SELECT throws_ok('SELECT * FROM safeguard.concern', '42501', NULL, 'the integration duty reads no concern');
SELECT throws_ok('SELECT * FROM safeguard.referral', '42501', NULL, 'nor any referral');
SELECT throws_ok('SELECT * FROM safeguard.safeguarding_case', '42501', NULL, 'nor any case');
SELECT throws_ok('SELECT * FROM safeguard.audit_event', '42501', NULL, 'nor the audit trail');
SELECT throws_ok($$SELECT safeguard.log_concern('2026-04-02 09:00+00', 'phone', 'anonymous', 'TAP18 refused',
                   '{Physical Abuse}', la_id => $$ || :la_a || $$, referrer_anonymous => true)$$,
                 '42501', NULL, 'it may not log a concern');
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, ''secure_email'')', :concern_a),
                 '42501', NULL, 'nor send a referral');
SELECT throws_ok($$SELECT safeguard.grant_duty('tap18_nobody', 'integration', $$ || :la_a || ')',
                 '42501', NULL, 'nor grant a duty (not even its own)');
SELECT throws_ok('SELECT safeguard.sweep()', '42501', NULL, 'nor sweep');
SELECT throws_ok('SELECT safeguard.outbox_mark_delivered(ARRAY[1]::bigint[])', '42501', NULL,
                 'nor use the administrators'' outbox_mark_delivered');
SELECT throws_ok($$UPDATE safeguard.outbox SET payload = '{}' WHERE false$$, '42501', NULL,
                 'nor write an outbox column other than its delivery');

--------------------------------------------------------------------------
-- 6. Without the duty, nothing
--------------------------------------------------------------------------
SET ROLE tap18_nobody;
SELECT throws_ok('SELECT * FROM safeguard.claim_outbox()', '42501', NULL, 'a role with no duty may not claim');
SELECT throws_ok('SELECT safeguard.mark_delivered(ARRAY[1]::bigint[])', '42501', NULL, 'nor mark');
SET ROLE tap18_member;
SELECT is_empty('SELECT * FROM safeguard.outbox', 'membership of safeguard_integration without the duty sees no row');
SELECT throws_ok('SELECT * FROM safeguard.claim_outbox()', '42501', NULL,
                 'and claim_outbox refuses it, naming the duty required');

--------------------------------------------------------------------------
-- 7. Arguments
--------------------------------------------------------------------------
SET ROLE tap18_admin_a;
SELECT is_empty('SELECT * FROM safeguard.claim_outbox()', 'an administrator consumes through the same calls');
SELECT throws_ok('SELECT * FROM safeguard.claim_outbox(0)', '22023', NULL, 'max_rows must be positive');
SELECT throws_ok('SELECT * FROM safeguard.claim_outbox(NULL)', 'SG103', NULL, 'max_rows is not null');
SELECT throws_ok('SELECT safeguard.mark_delivered(NULL)', 'SG103', NULL, 'ids is not null');
SELECT throws_ok(format('SELECT safeguard.mark_delivered(%L::bigint[] || NULL::bigint)', :'a_ids'), 'SG103', NULL,
                 'nor holds a null');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
