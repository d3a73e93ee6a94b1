-- The outbox under row-level security (issue 14, item 7).  Any login role may LISTEN
-- safeguard_deadline, so since 1.4 the NOTIFY carries no payload (test/specs/
-- notify_payload.spec shows a role with no duty receiving it empty); what fired is read
-- from safeguard.outbox, whose rows name the organisation they concern.  A consumer
-- (the admin duty, as before) sees, locks and marks delivered only its organisation's
-- rows; an administrator of the regulator all of them; a role with SQL privileges alone
-- (pg_read_all_data, pg_write_all_data, membership of safeguard_admin) none.
BEGIN;
SELECT plan(26);

-- Everything due elsewhere in this database by the instant used below fires first.
SELECT safeguard.set_clock('2026-04-20 12:00+00') IS NOT NULL AS pinned \gset
SELECT safeguard.sweep(2147483647) IS NOT NULL AS drained \gset

CREATE ROLE tap14o_reader_writer IN ROLE pg_read_all_data, pg_write_all_data;   -- no duty
CREATE ROLE tap14o_member IN ROLE safeguard_admin;                            -- no duty
\set fixture TAP14O
\set orgs 'cqc=regulator la_a=local_authority la_b=local_authority'
\set contacts '{"la_a": ["Ann Head", "ann.head@a.example"], "la_b": ["Bob Head", "bob.head@b.example"]}'
\set cast 'tap14o_inspector=inspector@cqc tap14o_officer_a=la_officer@la_a tap14o_officer_b=la_officer@la_b'
\set cast :cast ' tap14o_admin_r=admin@cqc tap14o_admin_a=admin@la_a tap14o_admin_b=admin@la_b'
\ir lib/fixtures.sql

-- Three concerns, each triaged by the organisation that logged it: the regulator's,
-- authority A's and authority B's triage deadlines.  A month later every rung of each
-- has fired: nine outbox rows, three per organisation.
SELECT safeguard.set_clock('2026-03-02 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE tap14o_inspector;
SELECT safeguard.log_concern('2026-03-02 09:00+00', 'phone', 'anonymous', 'TAP14O regulator''s',
    '{Physical Abuse}', la_id => :la_a, referrer_anonymous => true) IS NOT NULL AS logged \gset
SET ROLE tap14o_officer_a;
SELECT safeguard.log_concern('2026-03-02 09:00+00', 'phone', 'anonymous', 'TAP14O A''s',
    '{Physical Abuse}', la_id => :la_a, referrer_anonymous => true) IS NOT NULL AS logged \gset
SET ROLE tap14o_officer_b;
SELECT safeguard.log_concern('2026-03-02 09:00+00', 'phone', 'anonymous', 'TAP14O B''s',
    '{Physical Abuse}', la_id => :la_b, referrer_anonymous => true) IS NOT NULL AS logged \gset
RESET ROLE;
SELECT safeguard.set_clock('2026-04-02 12:00+00') IS NOT NULL AS pinned \gset
SELECT is(safeguard.sweep(), 9, 'the sweep fires three rungs for each of the three triage deadlines');

-- Every row of this file's, by organisation, as each role sees it.
CREATE TEMP VIEW tap14o_seen WITH (security_invoker = true) AS
SELECT CASE o.organisation_id WHEN :cqc THEN 'R' WHEN :la_a THEN 'A' WHEN :la_b THEN 'B' ELSE 'other' END AS org,
       count(*) AS n
FROM safeguard.outbox o GROUP BY 1;
GRANT SELECT ON tap14o_seen TO PUBLIC;

--------------------------------------------------------------------------
-- 1. The table and its rows
--------------------------------------------------------------------------
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_catalog.pg_class
           WHERE oid = 'safeguard.outbox'::regclass),
          'the outbox has row-level security, enabled and forced');
SELECT policies_are('safeguard', 'outbox', ARRAY['by_consumer', 'written_by_safeguard'],
                    'the outbox has its two policies');
SELECT table_privs_are('safeguard', 'outbox', 'safeguard_admin', ARRAY['SELECT', 'UPDATE'],
                       'the admin duty alone consumes, as before 1.4');
SELECT table_privs_are('safeguard', 'outbox', 'safeguard_inspector', ARRAY[]::text[],
                       'no other duty reads the outbox');
SELECT results_eq('SELECT org, n FROM tap14o_seen ORDER BY org',
                   $$VALUES ('A', 3::bigint), ('B', 3::bigint), ('R', 3::bigint)$$,
                   'each row names the organisation it concerns (a superuser sees all)');
SELECT is((SELECT count(*) FROM safeguard.outbox
           WHERE organisation_id IS DISTINCT FROM (payload->>'organisation_id')::bigint), 0::bigint,
          'the organisation is the payload''s');

--------------------------------------------------------------------------
-- 2. Who sees what
--------------------------------------------------------------------------
SET ROLE tap14o_admin_r;
SELECT results_eq('SELECT org, n FROM tap14o_seen ORDER BY org',
                   $$VALUES ('A', 3::bigint), ('B', 3::bigint), ('R', 3::bigint)$$,
                   'an administrator of the regulator sees every organisation''s notifications');
SET ROLE tap14o_admin_a;
SELECT results_eq('SELECT org, n FROM tap14o_seen ORDER BY org', $$VALUES ('A', 3::bigint)$$,
                   'an administrator of authority A sees A''s only');
SET ROLE tap14o_admin_b;
SELECT results_eq('SELECT org, n FROM tap14o_seen ORDER BY org', $$VALUES ('B', 3::bigint)$$,
                   'an administrator of authority B sees B''s only');
SET ROLE tap14o_reader_writer;
SELECT is_empty('SELECT * FROM safeguard.outbox', 'pg_read_all_data without a duty sees none');
SELECT is_empty('UPDATE safeguard.outbox SET delivered_at = now() RETURNING id',
                'pg_write_all_data without a duty marks none delivered');
SET ROLE tap14o_member;
SELECT is_empty('SELECT * FROM safeguard.outbox', 'membership of safeguard_admin without the duty sees none');
SELECT is(safeguard.outbox_mark_delivered(ARRAY(SELECT generate_series(1, 100000)::bigint)), 0,
          'nor marks any delivered');
SET ROLE tap14o_inspector;
SELECT throws_ok('SELECT * FROM safeguard.outbox', '42501', NULL, 'an inspector reads no outbox (no privilege)');
RESET ROLE;
SELECT is((SELECT count(*) FROM safeguard.outbox WHERE delivered_at IS NOT NULL), 0::bigint,
          'nothing was marked delivered so far');
SELECT array_agg(id ORDER BY id) AS all_ids FROM safeguard.outbox \gset
SELECT array_agg(id ORDER BY id) AS b_ids FROM safeguard.outbox WHERE organisation_id = :la_b \gset

--------------------------------------------------------------------------
-- 3. The documented consumer pattern, per organisation
--------------------------------------------------------------------------
SET ROLE tap14o_admin_a;
SELECT is((SELECT count(*) FROM (SELECT id, payload FROM safeguard.outbox WHERE delivered_at IS NULL
                                 ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED) c), 3::bigint,
          'A''s consumer claims A''s three undelivered rows with FOR UPDATE SKIP LOCKED');
SELECT is(safeguard.outbox_mark_delivered(:'b_ids'), 0, 'A''s consumer cannot mark B''s rows delivered');
SELECT is(safeguard.outbox_mark_delivered(:'all_ids'), 3,
          'given every id, A''s consumer marks its own three delivered, no other');
SELECT is((SELECT count(*) FROM safeguard.outbox WHERE delivered_at IS NULL), 0::bigint,
          'A''s consumer has nothing left to deliver');
SET ROLE tap14o_admin_b;
SELECT is((SELECT count(*) FROM (SELECT id FROM safeguard.outbox WHERE delivered_at IS NULL
                                 ORDER BY id FOR UPDATE SKIP LOCKED) c), 3::bigint,
          'B''s consumer still finds B''s three');
SELECT is(safeguard.outbox_mark_delivered(:'all_ids'), 3, 'and marks them');
SET ROLE tap14o_admin_r;
SELECT is(safeguard.outbox_mark_delivered(:'all_ids'), 3,
          'the regulator''s consumer marks what is left: the regulator''s three');
RESET ROLE;
SELECT results_eq($$SELECT CASE organisation_id WHEN $$ || :cqc || $$ THEN 'R' WHEN $$ || :la_a || $$ THEN 'A' ELSE 'B' END,
                           delivered_by FROM safeguard.outbox GROUP BY 1, 2 ORDER BY 1$$,
                   $$VALUES ('A', 'tap14o_admin_a'), ('B', 'tap14o_admin_b'), ('R', 'tap14o_admin_r')$$,
                   'each row was delivered once, by its own organisation''s consumer');
SELECT ok((SELECT bool_and(payload ? 'deadline_id' AND payload ? 'subject_id' AND payload ? 'due_at')
           FROM safeguard.outbox), 'the outbox rows still say what fired (the NOTIFY no longer does)');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'the audit trail verifies');

SELECT * FROM finish();
ROLLBACK;
