-- Locks, EXPLAIN and pool logins (issue 14, items 13, 6 and 19): nobody but
-- safeguard's owner takes explicit locks on its relations or row locks on
-- their rows (directly, through views elsewhere, CTEs, subqueries,
-- functions), safeguard.outbox's FOR UPDATE SKIP LOCKED excepted; the
-- owner's own paths (foreign keys, the whole workflow) keep working; EXPLAIN
-- of a statement reading safeguard's tables under row-level security is
-- refused unless the session user is a superuser; a declared pool login acts
-- only through SET LOCAL ROLE.  The cluster preloads the library
-- (session_preload_libraries), as deployments do.
BEGIN;
SELECT plan(71);

SELECT ok(safeguard.preloaded(), 'this session loaded safeguard before its first statement');
SELECT is(current_setting('safeguard.lock_wait_timeout'), '10s',
          'safeguard.lock_wait_timeout defaults to 10 s');
SELECT is((SELECT context FROM pg_catalog.pg_settings WHERE name = 'safeguard.lock_wait_timeout'),
          'superuser', 'only a superuser changes safeguard.lock_wait_timeout');

--------------------------------------------------------------------------
-- Fixture: the regulator, local authorities A and B, one role per duty,
-- a role with pg_read_all_data + pg_write_all_data and no duty, views over
-- safeguard's tables in another schema, casework in both authorities.
--------------------------------------------------------------------------
\set fixture TAP13
\set clock '2024-03-05 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority'
\set cast 'sg13_cc=contact_centre@cqc sg13_la_a=la_officer@laa sg13_la_b=la_officer@lab'
\set cast :cast ' sg13_admin=admin@cqc sg13_rw sg13_pool'
\ir lib/fixtures.sql
GRANT pg_read_all_data, pg_write_all_data TO sg13_rw;
GRANT sg13_la_a, sg13_cc TO sg13_pool;

CREATE SCHEMA sg13;
GRANT USAGE ON SCHEMA sg13 TO PUBLIC;
CREATE VIEW sg13.referrals AS SELECT id, state, la_id FROM safeguard.referral;
CREATE VIEW sg13.referrals_again AS SELECT * FROM sg13.referrals;
CREATE VIEW sg13.referrals_inv WITH (security_invoker = true) AS
    SELECT id, state, la_id, la_contact FROM safeguard.referral;
CREATE VIEW sg13.concerns WITH (security_invoker = true) AS
    SELECT id, adult_nhs_number, la_id FROM safeguard.concern;
-- a careless grant: UPDATE on the views opens LOCK and FOR UPDATE through them
GRANT SELECT, UPDATE ON sg13.referrals, sg13.referrals_again, sg13.referrals_inv TO PUBLIC;
GRANT SELECT ON sg13.concerns TO PUBLIC;
-- a function an officer could write: it asks for row locks
CREATE FUNCTION sg13.lock_referral(r bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE got bigint;
BEGIN
    SELECT id INTO got FROM safeguard.referral WHERE id = r FOR UPDATE;
    RETURN got;
END $$;

SET ROLE sg13_cc;
SELECT safeguard.log_concern('2024-03-04 09:00+00', 'phone', 'relative', 'Bruising on both arms.',
    '{Physical Abuse}', la_id => :laa, referrer_name => 'Jo Smith',
    referrer_phone => '07700 900123', adult_nhs_number => '943 476 5919') AS ca1 \gset
SELECT safeguard.log_concern('2024-03-04 10:00+00', 'phone', 'anonymous', 'Neighbour not seen for a week.',
    '{Self-Neglect}', la_id => :lab, referrer_anonymous => true,
    adult_nhs_number => '4010232137') AS cb1 \gset
SELECT safeguard.triage_concern(:ca1, 'refer_to_la', 'Injuries at home.', true, true, true) AS ra1 \gset
SELECT safeguard.triage_concern(:cb1, 'refer_to_la', 'Self-neglect, care needs.', true, true, true) AS rb1 \gset
RESET ROLE;

--------------------------------------------------------------------------
-- 1. LOCK TABLE: only the owner
--------------------------------------------------------------------------
SET ROLE sg13_la_a;
SELECT throws_ok('LOCK TABLE safeguard.referral IN ACCESS EXCLUSIVE MODE', '42501', NULL,
                 'an LA officer cannot LOCK safeguard.referral (it would stop the contact centre nationally)');
SELECT throws_ok('LOCK TABLE safeguard.referral IN ROW EXCLUSIVE MODE', '42501', NULL,
                 'nor in ROW EXCLUSIVE MODE (any mode but ACCESS SHARE)');
SELECT throws_ok('LOCK TABLE safeguard.referral IN SHARE MODE NOWAIT', '42501', NULL,
                 'nor with NOWAIT');
SELECT throws_ok('LOCK TABLE sg13.referrals', '42501', NULL,
                 'nor through a view in another schema (LOCK on a view locks its base relations)');
SELECT throws_ok('LOCK TABLE sg13.referrals_again IN EXCLUSIVE MODE', '42501', NULL,
                 'nor through a view over that view');
SELECT throws_ok('LOCK TABLE sg13.referrals_inv', '42501', NULL,
                 'nor through a security_invoker view');
SELECT lives_ok('LOCK TABLE safeguard.referral IN ACCESS SHARE MODE',
                'ACCESS SHARE (what any SELECT holds, and pg_dump takes) stays allowed');
RESET ROLE;
SET ROLE sg13_rw;
SELECT throws_ok('LOCK TABLE safeguard.audit_event', '42501', NULL,
                 'a pg_write_all_data role cannot LOCK the audit trail');
SELECT throws_ok('LOCK TABLE safeguard.serial_lock IN ROW SHARE MODE', '42501', NULL,
                 'nor the chain locks');
SELECT throws_ok('LOCK TABLE safeguard.bank_holiday, safeguard.division', '42501', NULL,
                 'nor the calendar');
SELECT throws_ok('LOCK TABLE safeguard.referral_id_seq', '42501', NULL,
                 'nor a sequence');
SELECT throws_ok('LOCK TABLE safeguard.send_queue', '42501', NULL,
                 'nor a safeguard view');
RESET ROLE;
SELECT lives_ok('LOCK TABLE safeguard.referral IN ACCESS EXCLUSIVE MODE',
                'a superuser may lock safeguard''s tables');
SET ROLE safeguard_owner;
SELECT lives_ok('LOCK TABLE safeguard.audit_event IN SHARE MODE',
                'so may safeguard_owner, the tables'' owner');
RESET ROLE;

--------------------------------------------------------------------------
-- 2. Row locks: only the owner; the outbox's consumers excepted
--------------------------------------------------------------------------
SET ROLE sg13_rw;
SELECT throws_ok('SELECT key FROM safeguard.serial_lock FOR UPDATE', '42501', NULL,
                 'pg_read_all_data + pg_write_all_data cannot hold the chain locks (FOR UPDATE on serial_lock)');
SELECT throws_ok('SELECT id FROM safeguard.audit_event FOR SHARE', '42501', NULL,
                 'nor lock audit rows');
SELECT throws_ok('SELECT id FROM safeguard.duty_grant FOR KEY SHARE', '42501', NULL,
                 'nor duty grants (FOR KEY SHARE)');
SELECT lives_ok('SELECT id FROM safeguard.outbox WHERE delivered_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED',
                'the outbox''s documented consumer pattern still works (FOR UPDATE SKIP LOCKED)');
RESET ROLE;
SET ROLE sg13_la_a;
SELECT throws_ok(format('SELECT id FROM safeguard.referral WHERE id = %s FOR UPDATE', :ra1), '42501', NULL,
                 'an LA officer cannot lock its own referral awaiting send (FOR UPDATE)');
SELECT throws_ok(format('SELECT id FROM safeguard.referral WHERE id = %s FOR NO KEY UPDATE', :ra1), '42501', NULL,
                 'nor FOR NO KEY UPDATE');
SELECT throws_ok(format('SELECT id FROM safeguard.referral WHERE id = %s FOR SHARE', :ra1), '42501', NULL,
                 'nor FOR SHARE');
SELECT throws_ok(format('SELECT id FROM safeguard.referral WHERE id = %s FOR KEY SHARE', :ra1), '42501', NULL,
                 'nor FOR KEY SHARE');
SELECT throws_ok('SELECT id FROM safeguard.referral FOR UPDATE SKIP LOCKED', '42501', NULL,
                 'nor with SKIP LOCKED on a table other than the outbox');
SELECT throws_ok('SELECT id FROM sg13.referrals FOR UPDATE', '42501', NULL,
                 'nor through a view in another schema');
SELECT throws_ok('SELECT id FROM sg13.referrals_inv FOR SHARE', '42501', NULL,
                 'nor through a security_invoker view');
SELECT throws_ok('WITH r AS (SELECT id FROM safeguard.referral FOR UPDATE) SELECT count(*) FROM r', '42501', NULL,
                 'nor in a CTE');
SELECT throws_ok('SELECT count(*) FROM (SELECT id FROM safeguard.referral FOR NO KEY UPDATE) r', '42501', NULL,
                 'nor in a subquery');
SELECT throws_ok('SELECT 1 WHERE EXISTS (SELECT 1 FROM safeguard.referral FOR UPDATE)', '42501', NULL,
                 'nor in a sublink');
SELECT throws_ok(format('SELECT sg13.lock_referral(%s)', :ra1), '42501', NULL,
                 'nor in a function of its own');
SELECT throws_ok(format('SELECT r.id FROM safeguard.referral r JOIN safeguard.organisation o ON o.id = r.la_id WHERE r.id = %s FOR UPDATE OF o', :ra1),
                 '42501', NULL, 'nor on the organisations it reads');
SELECT lives_ok(format('SELECT r.id FROM safeguard.referral r JOIN sg13.referrals v ON v.id = r.id WHERE r.id = %s', :ra1),
                'reading without a locking clause works');
RESET ROLE;

-- the owner's paths: safeguard's own locks and foreign-key checks (run as
-- the table owner), and the whole workflow under the duty roles
SET ROLE sg13_cc;
SELECT lives_ok(format('SELECT safeguard.send_referral(%s, %L)', :ra1, 'secure_email'),
                'the contact centre sends A''s referral (chain locks, deadline locks, foreign keys)');
RESET ROLE;
SET ROLE sg13_la_a;
SELECT lives_ok(format('SELECT safeguard.acknowledge_referral(%s, la_reference => %L)', :ra1, 'A-13'),
                'A''s officer acknowledges it');
SELECT lives_ok(format($$SELECT safeguard.decide_referral(%s, 'section_42_enquiry', 'Threshold met.')$$, :ra1),
                'and decides it');
SELECT lives_ok(format($$SELECT safeguard.log_concern('2024-03-05 08:00+00', 'phone', 'relative',
                    'Carer shouting at her.', '{Psychological Abuse}', la_id => %s,
                    referrer_name => 'Ann Bell', referrer_address => '1 High St')$$, :laa),
                'A''s officer logs a concern (case linking lock, foreign keys to organisations)');
SELECT lives_ok(format('SELECT safeguard.pause_deadline(d.id, %L) FROM safeguard.deadline d WHERE d.subject_table = %L AND d.subject_id = %s AND d.status = %L',
                       'Awaiting police advice.', 'referral', :ra1, 'open'),
                'pausing a deadline takes its row lock boundedly (load_clock)');
RESET ROLE;
SELECT is((SELECT state::text FROM safeguard.referral WHERE id = :ra1), 'decided',
          'the workflow went through');
SELECT is((SELECT count(*)::int FROM safeguard.verify_audit()), 0, 'and the audit chains verify');
SELECT lives_ok(format('SELECT id FROM safeguard.referral WHERE id = %s FOR UPDATE', :rb1),
                'a superuser may lock rows');

--------------------------------------------------------------------------
-- 3. EXPLAIN of statements reading safeguard's tables under row-level
-- security (the session user must be the officer: SET SESSION AUTHORIZATION)
--------------------------------------------------------------------------
SET SESSION AUTHORIZATION sg13_la_a;
SELECT throws_ok($$EXPLAIN ANALYZE SELECT id FROM safeguard.concern WHERE adult_nhs_number = '4010232137'$$,
                 '42501', NULL,
                 'an LA officer cannot EXPLAIN ANALYZE a search for an adult (the existence oracle)');
SELECT throws_ok(format('EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF) SELECT id FROM safeguard.concern WHERE la_id = %s', :lab),
                 '42501', NULL, 'nor count another authority''s concerns');
SELECT throws_ok(format('EXPLAIN SELECT id FROM safeguard.concern WHERE la_id = %s', :lab),
                 '42501', NULL, 'nor run plain EXPLAIN (estimates from column statistics)');
SELECT throws_ok('EXPLAIN SELECT id FROM safeguard.referral', '42501', NULL,
                 'nor EXPLAIN reads of referrals');
SELECT throws_ok($$EXPLAIN ANALYZE SELECT id FROM sg13.concerns WHERE adult_nhs_number = '4010232137'$$,
                 '42501', NULL, 'nor through a security_invoker view in another schema');
SELECT throws_ok('EXPLAIN SELECT count(*) FROM sg13.referrals', '42501', NULL,
                 'nor through a view that is not security_invoker');
SELECT throws_ok('EXPLAIN SELECT * FROM safeguard.send_queue', '42501', NULL,
                 'nor through safeguard''s own views');
PREPARE sg13_find(text) AS SELECT id FROM safeguard.concern WHERE adult_nhs_number = $1;
SELECT throws_ok($$EXPLAIN ANALYZE EXECUTE sg13_find('4010232137')$$, '42501', NULL,
                 'nor EXPLAIN EXECUTE a prepared statement');
SELECT lives_ok('EXPLAIN SELECT id, name FROM safeguard.organisation',
                'EXPLAIN of a table without row-level security works');
SELECT lives_ok('EXPLAIN ANALYZE SELECT 1', 'EXPLAIN of other statements works');
SELECT lives_ok($$EXECUTE sg13_find('4010232137')$$, 'the statement itself runs (under row-level security)');
DEALLOCATE sg13_find;
RESET SESSION AUTHORIZATION;
SET ROLE sg13_la_a;
SELECT lives_ok($$EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM safeguard.concern WHERE adult_nhs_number = '4010232137'$$,
                'a superuser''s session may EXPLAIN as an officer after SET ROLE (bench/w5.sh)');
RESET ROLE;
SELECT lives_ok('EXPLAIN ANALYZE SELECT id FROM safeguard.concern', 'and as itself');

--------------------------------------------------------------------------
-- 4. Pool logins act only through SET LOCAL ROLE
--------------------------------------------------------------------------
SET ROLE sg13_la_a;
SELECT throws_ok($$SELECT safeguard.declare_pool_login('sg13_pool')$$, '42501', NULL,
                 'an LA officer cannot declare pool logins');
RESET ROLE;
SET ROLE sg13_admin;
SELECT ok(safeguard.declare_pool_login('sg13_pool') > 0, 'an administrator declares sg13_pool a pool''s login');
SELECT is(safeguard.declare_pool_login('sg13_pool'), (SELECT id FROM safeguard.pool_login WHERE role = 'sg13_pool'::regrole),
          'declaring it again returns the same declaration');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM safeguard.audit_event WHERE table_name = 'pool_login'), 1,
          'the declaration is audited');
SET ROLE sg13_rw;
SELECT throws_ok($$INSERT INTO safeguard.pool_login (role, declared_at, declared_by) VALUES ('sg13_rw', now(), 'sg13_rw')$$,
                 'SG203', NULL, 'pool_login is written only by safeguard');
RESET ROLE;

SET SESSION AUTHORIZATION sg13_pool;
SELECT throws_ok('SELECT safeguard.current_duties()', 'SG803', NULL,
                 'the pool login cannot act as itself');
SET ROLE sg13_la_a;
SELECT throws_ok('SELECT safeguard.current_duties()', 'SG803', NULL,
                 'nor through a role set for the session (SET ROLE): it would carry over to the next client');
SELECT throws_ok('SELECT count(*) FROM safeguard.concern', 'SG803', NULL,
                 'row-level security fails closed too: no row is read as a session-level role');
SET LOCAL ROLE sg13_la_a;
SELECT is(safeguard.current_duties(), ARRAY['la_officer'],
          'through SET LOCAL ROLE the pool login acts as the user');
SELECT is((SELECT count(*)::int FROM safeguard.concern WHERE la_id = :lab), 0,
          'and reads under that user''s row-level security');
SELECT lives_ok(format($$SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'relative',
                    'Left alone all day.', '{Neglect and Acts of Omission}', la_id => %s,
                    referrer_name => 'Bo Bell', referrer_address => '2 High St')$$, :laa),
                'and does casework');
SELECT lives_ok($$SELECT set_config('role', 'sg13_cc', true)$$, 'set_config(role, ..., true) is SET LOCAL');
SELECT is(safeguard.current_duties(), ARRAY['contact_centre'], 'and acts as that role');
RESET SESSION AUTHORIZATION;
SET ROLE sg13_admin;
SELECT ok(safeguard.undeclare_pool_login('sg13_pool'), 'an administrator ends the declaration');
RESET ROLE;
SET SESSION AUTHORIZATION sg13_pool;
SET ROLE sg13_la_a;
SELECT is(safeguard.current_duties(), ARRAY['la_officer'],
          'once undeclared, a session-level SET ROLE acts again');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM safeguard.audit_event WHERE table_name = 'pool_login'), 2,
          'the end of the declaration is audited');

SELECT * FROM finish();
ROLLBACK;
