-- No sequence a role can rewind may break the workflow (issue 14, item 12b).  In 1.3 a
-- role holding pg_write_all_data (UPDATE on every sequence) ran
-- setval('safeguard.referral_id_seq', 1), and every later refer_to_la failed with a
-- unique violation (23505).  Now every identity column takes its ids through the
-- trigger _identity: an id a row already holds, or one below it, is never used again;
-- the sequence is moved past the largest id instead.  An id a client supplies with
-- OVERRIDING SYSTEM VALUE is replaced, so a collision with a row the client cannot see
-- answers nothing (1.3: 23505, which told it the row exists).
BEGIN;
SELECT plan(27);

CREATE ROLE tap14s_writer LOGIN IN ROLE pg_write_all_data;   -- no duty
\set fixture TAP14S
\set orgs 'cqc=regulator la_a=local_authority la_b=local_authority'
\set cast 'tap14s_inspector=inspector@cqc tap14s_officer_b=la_officer@la_b'
\ir lib/fixtures.sql

-- Some work first: two concerns about authority A, one referred.
CREATE TEMP TABLE tap14s_ids (what text, id bigint);
GRANT SELECT, INSERT ON tap14s_ids TO tap14s_inspector, tap14s_officer_b;
SET ROLE tap14s_inspector;
INSERT INTO tap14s_ids
SELECT 'concern before', safeguard.log_concern(now() - interval '1 hour', 'phone', 'relative', 'TAP14S concern ' || g,
    '{Physical Abuse}', la_id => :la_a, referrer_name => 'Sam Relative', referrer_phone => '01234 567890')
FROM generate_series(1, 2) g;
INSERT INTO tap14s_ids
SELECT 'referral before', safeguard.triage_concern(min(id), 'refer_to_la', 'Needs the council.', true, true, true)
FROM tap14s_ids WHERE what = 'concern before';
RESET ROLE;

-- The largest id of each table before the rewind.
CREATE TEMP TABLE tap14s_max AS
SELECT 'referral' AS tbl, max(id) AS max_id FROM safeguard.referral
UNION ALL SELECT 'concern', max(id) FROM safeguard.concern
UNION ALL SELECT 'safeguarding_case', max(id) FROM safeguard.safeguarding_case
UNION ALL SELECT 'deadline', max(id) FROM safeguard.deadline
UNION ALL SELECT 'audit_event', max(id) FROM safeguard.audit_event;
SELECT count(*) AS audit_rows_before FROM safeguard.audit_event \gset

--------------------------------------------------------------------------
-- 1. A role with pg_write_all_data and no duty rewinds the sequences
--------------------------------------------------------------------------
SET ROLE tap14s_writer;
SELECT is(setval('safeguard.referral_id_seq', 1), 1::bigint, 'pg_write_all_data rewinds referral_id_seq to 1');
SELECT is(setval('safeguard.concern_id_seq', 1), 1::bigint, 'and concern_id_seq');
SELECT is(setval('safeguard.safeguarding_case_id_seq', 1), 1::bigint, 'and safeguarding_case_id_seq');
SELECT is(setval('safeguard.deadline_id_seq', 1), 1::bigint, 'and deadline_id_seq');
SELECT is(setval('safeguard.audit_event_id_seq', 1), 1::bigint, 'and audit_event_id_seq');
RESET ROLE;

--------------------------------------------------------------------------
-- 2. The workflow goes on, with new ids above every id taken
--------------------------------------------------------------------------
SET ROLE tap14s_inspector;
SELECT lives_ok($$INSERT INTO tap14s_ids SELECT 'concern after', safeguard.log_concern(now(), 'phone', 'relative',
                    'TAP14S concern after the rewind', '{Physical Abuse}', la_id => $$ || :la_a || $$,
                    referrer_name => 'Sam Relative', referrer_phone => '01234 567890')$$,
                'log_concern works after the rewind (a concern, its case, its deadline, their audit rows)');
SELECT lives_ok($$INSERT INTO tap14s_ids SELECT 'referral after', safeguard.triage_concern(max(id), 'refer_to_la',
                    'Needs the council.', true, true, true) FROM tap14s_ids WHERE what = 'concern before'$$,
                'refer_to_la works after the rewind (1.3: 23505)');
SELECT lives_ok($$INSERT INTO tap14s_ids SELECT 'referral after', safeguard.triage_concern(max(id), 'refer_to_la',
                    'Needs the council.', true, true, true) FROM tap14s_ids WHERE what = 'concern after'$$,
                'and again');
RESET ROLE;
SELECT cmp_ok((SELECT min(id) FROM tap14s_ids WHERE what = 'concern after'), '>',
              (SELECT max_id FROM tap14s_max WHERE tbl = 'concern'), 'the new concern''s id follows every earlier one');
SELECT cmp_ok((SELECT min(id) FROM tap14s_ids WHERE what = 'referral after'), '>',
              (SELECT max_id FROM tap14s_max WHERE tbl = 'referral'), 'the new referrals'' ids follow every earlier one');
SELECT cmp_ok((SELECT max(id) FROM tap14s_ids WHERE what = 'referral after'), '>',
              (SELECT min(id) FROM tap14s_ids WHERE what = 'referral after'), 'and increase');
SELECT cmp_ok((SELECT min(case_id) FROM safeguard.concern c JOIN tap14s_ids i ON i.id = c.id AND i.what = 'concern after'),
              '>', (SELECT max_id FROM tap14s_max WHERE tbl = 'safeguarding_case'), 'so does the new case''s');
SELECT is((SELECT count(*) FROM safeguard.deadline d, tap14s_max m
           WHERE m.tbl = 'deadline' AND d.id > m.max_id), 3::bigint,
          'three deadlines opened after the rewind (a triage, two sends), each with an id above every earlier one');
SELECT is((SELECT count(*) FROM safeguard.audit_event e, tap14s_max m
           WHERE m.tbl = 'audit_event' AND e.id <= m.max_id), :audit_rows_before::bigint,
          'no audit row written after the rewind took an earlier id');
SELECT is((SELECT count(*) - count(DISTINCT id) FROM safeguard.audit_event), 0::bigint,
          'audit row ids stay unique (their index is not unique: 1.3 repeated them)');
SELECT is((SELECT count(*) - count(DISTINCT id) FROM safeguard.referral), 0::bigint, 'referral ids are unique');
SELECT cmp_ok(nextval('safeguard.referral_id_seq'), '>',
              (SELECT max(id) FROM safeguard.referral), 'the sequence itself was moved past the largest id');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'the audit trail verifies');

--------------------------------------------------------------------------
-- 3. An id supplied with OVERRIDING SYSTEM VALUE is replaced
--------------------------------------------------------------------------
-- The officer of authority B cannot see authority A's concerns; supplying the id of one
-- must not tell it that the concern exists.
SELECT min(id) AS hidden FROM tap14s_ids WHERE what = 'concern before' \gset
SET ROLE tap14s_officer_b;
SELECT is((SELECT count(*) FROM safeguard.concern WHERE id = :hidden), 0::bigint,
          'the officer of B cannot see A''s concern');
\set supply 'INSERT INTO safeguard.concern (id, received_at, channel, source, description, risk_types, la_id, referrer_anonymous) OVERRIDING SYSTEM VALUE VALUES (%s, now(), ''phone'', ''anonymous'', ''TAP14S supplied id'', ''{Physical Abuse}'', %s, true) RETURNING id'
SELECT lives_ok(format(:'supply', :hidden, :la_b),
                'supplying the id of a concern it cannot see raises nothing (1.3: 23505, telling it exists)');
SELECT isnt((SELECT id FROM safeguard.concern WHERE description = 'TAP14S supplied id'), :hidden::bigint,
            'the supplied id was not used');
SELECT lives_ok(format(:'supply', 999999999, :la_b), 'an id beyond every other raises nothing either');
SELECT is((SELECT count(*) FROM safeguard.concern WHERE id = 999999999), 0::bigint, 'and is not used either');
SELECT cmp_ok((SELECT min(id) FROM safeguard.concern WHERE description = 'TAP14S supplied id'), '>',
              (SELECT max(id) FROM tap14s_ids WHERE what = 'concern after'),
              'the concerns get drawn ids, after the latest');
RESET ROLE;
-- A superuser's supplied id is replaced too (an organisation, which a superuser may add).
SELECT lives_ok(format('INSERT INTO safeguard.organisation (id, kind, name, code) OVERRIDING SYSTEM VALUE '
                       'VALUES (%s, ''local_authority'', ''TAP14S Council C'', ''TAP14S-LA-C'')', :cqc),
                'a superuser supplying a taken organisation id raises nothing');
SELECT isnt((SELECT id FROM safeguard.organisation WHERE code = 'TAP14S-LA-C'), :cqc::bigint,
            'and the organisation gets an id of its own');
SELECT is((SELECT count(*) - count(DISTINCT id) FROM safeguard.concern), 0::bigint, 'concern ids are unique');

SELECT * FROM finish();
ROLLBACK;
