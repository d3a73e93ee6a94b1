-- Audit rows a superuser altered outside safeguard (issue 14, item 3): a NULL or
-- malformed hash, a NULL sequence or chain key, a NULL seal digest.  Each is reported
-- by verification as a broken row (verify_audit_strict raises SG401), and writes to the
-- chain and new seals are refused with SG401, never a crash of the backend.  (1.3
-- crashed on every NULL hash: verify_audit(), audit_digest() and every later write to
-- the chain dereferenced it.  Before the fix this file dies at the first such call, and
-- pg_prove reports it failed with the tests it did not reach.)
--
-- The columns are NOT NULL, and chain_seq and chain_key form the primary key, so the
-- superuser first edits the catalog (attnotnull), as item 14's attacker did, and
-- disables the guard triggers; each case is undone with ROLLBACK TO SAVEPOINT.
BEGIN;
SELECT plan(32);

-- A chain of our own: table:organisation, three rows written here (its head is ours).
INSERT INTO safeguard.organisation (kind, name, code) VALUES ('local_authority', 'TAP14 Council', 'TAP14-LA');
UPDATE safeguard.organisation SET senior_contact_name = 'Ann Head' WHERE code = 'TAP14-LA';
UPDATE safeguard.organisation SET senior_contact_email = 'ann.head@tap14.example' WHERE code = 'TAP14-LA';
SELECT id AS head, chain_seq AS head_seq FROM safeguard.audit_event
WHERE chain_key = 'table:organisation' ORDER BY chain_seq DESC LIMIT 1 \gset
SELECT id AS middle FROM safeguard.audit_event
WHERE chain_key = 'table:organisation' AND chain_seq = :head_seq - 1 \gset
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'the trail verifies before any edit');
SELECT safeguard.audit_digest() AS digest \gset

-- What a superuser can do without DDL on the columns: the catalog says NULL is allowed.
UPDATE pg_catalog.pg_attribute SET attnotnull = false
WHERE (attrelid = 'safeguard.audit_event'::regclass AND attname IN ('prev_hash', 'row_hash', 'chain_seq', 'chain_key'))
   OR (attrelid = 'safeguard.audit_seal'::regclass AND attname IN ('prev_digest', 'digest'))
   OR (attrelid = 'safeguard.audit_seal_head'::regclass AND attname IN ('chain_seq', 'row_hash'));
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
ALTER TABLE safeguard.audit_seal DISABLE TRIGGER internal_only;
ALTER TABLE safeguard.audit_seal_head DISABLE TRIGGER internal_only;
-- The edits above are themselves recorded (chain table:ddl) and verify.
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'the trail verifies after the superuser''s DDL');

-- The broken row verify_audit() reports, as (audit_id, chain_key).
CREATE TEMP VIEW tap14_reported AS SELECT audit_id, chain_key FROM safeguard.verify_audit();
-- A further audited write to the chain table:organisation.
\set write 'UPDATE safeguard.organisation SET senior_contact_name = ''Ann Head-Smith'' WHERE code = ''TAP14-LA'''

--------------------------------------------------------------------------
-- 1. The newest row's row_hash NULL
--------------------------------------------------------------------------
SAVEPOINT edit;
UPDATE safeguard.audit_event SET row_hash = NULL WHERE id = :head;
SELECT results_eq('SELECT * FROM tap14_reported', format('VALUES (%s::bigint, %L::text)', :head, 'table:organisation'),
    'a NULL row_hash: verify_audit() reports that row (no crash)');
SELECT throws_ok('SELECT safeguard.verify_audit_strict()', 'SG401', NULL,
    'verify_audit_strict() raises SG401');
SELECT throws_ok(:'write', 'SG401', NULL, 'a further write to the chain is refused with SG401 (no crash)');
SELECT throws_ok('SELECT safeguard.audit_digest()', 'SG401', NULL, 'a new seal is refused with SG401 (no crash)');
SELECT results_eq(format('SELECT audit_id, chain_key FROM safeguard.verify_audit(%L)', :'digest'),
    format('VALUES (%s::bigint, %L::text)', :head, 'table:organisation'),
    'verify_audit(digest) reports the sealed head whose hash is gone (no crash)');
SELECT is((SELECT count(*) FROM safeguard.audit_event WHERE chain_key = 'table:organisation' AND chain_seq > :head_seq),
    0::bigint, 'nothing was appended to the broken chain');
ROLLBACK TO SAVEPOINT edit;

--------------------------------------------------------------------------
-- 2. A row's prev_hash NULL (not the newest): reported; the chain's head is sound
--------------------------------------------------------------------------
SAVEPOINT edit;
UPDATE safeguard.audit_event SET prev_hash = NULL WHERE id = :middle;
SELECT results_eq('SELECT * FROM tap14_reported', format('VALUES (%s::bigint, %L::text)', :middle, 'table:organisation'),
    'a NULL prev_hash: verify_audit() reports that row (no crash)');
SELECT throws_ok('SELECT safeguard.verify_audit_strict()', 'SG401', NULL,
    'verify_audit_strict() raises SG401');
ROLLBACK TO SAVEPOINT edit;
SAVEPOINT edit;
UPDATE safeguard.audit_event SET prev_hash = NULL WHERE id = :head;
SELECT results_eq('SELECT * FROM tap14_reported', format('VALUES (%s::bigint, %L::text)', :head, 'table:organisation'),
    'the newest row''s prev_hash NULL: verify_audit() reports that row');
ROLLBACK TO SAVEPOINT edit;

--------------------------------------------------------------------------
-- 3. The newest row's chain_seq NULL
--------------------------------------------------------------------------
SAVEPOINT edit;
UPDATE safeguard.audit_event SET chain_seq = NULL WHERE id = :head;
SELECT results_eq('SELECT audit_id FROM safeguard.verify_audit()', format('VALUES (%s::bigint)', :head),
    'a NULL chain_seq: verify_audit() reports that row (no chain position)');
SELECT throws_ok('SELECT safeguard.verify_audit_strict()', 'SG401', NULL,
    'verify_audit_strict() raises SG401');
SELECT throws_ok(:'write', 'SG401', NULL,
    'a further write to the chain is refused with SG401 (not a unique violation at sequence 1)');
SELECT throws_ok('SELECT safeguard.audit_digest()', 'SG401', NULL, 'a new seal is refused with SG401');
ROLLBACK TO SAVEPOINT edit;

--------------------------------------------------------------------------
-- 4. The newest row's row_hash one byte long (not a SHA-256 hash)
--------------------------------------------------------------------------
SAVEPOINT edit;
UPDATE safeguard.audit_event SET row_hash = '\x00' WHERE id = :head;
SELECT results_eq('SELECT * FROM tap14_reported', format('VALUES (%s::bigint, %L::text)', :head, 'table:organisation'),
    'a malformed row_hash: verify_audit() reports that row');
SELECT throws_ok(:'write', 'SG401', NULL, 'a further write to the chain is refused with SG401 (1.3: XX000)');
SELECT throws_ok('SELECT safeguard.audit_digest()', 'SG401', NULL, 'a new seal is refused with SG401');
ROLLBACK TO SAVEPOINT edit;

--------------------------------------------------------------------------
-- 5. A row's chain_key NULL: in no chain; reported, and the chain it left is broken
--------------------------------------------------------------------------
SAVEPOINT edit;
UPDATE safeguard.audit_event SET chain_key = NULL WHERE id = :middle;
SELECT ok((SELECT count(*) = 1 FROM safeguard.verify_audit()),
    'a NULL chain_key: verify_audit() reports a broken row (no crash)');
SELECT throws_ok('SELECT safeguard.verify_audit_strict()', 'SG401', NULL,
    'verify_audit_strict() raises SG401');
UPDATE safeguard.audit_event SET chain_key = NULL WHERE id = :head;
SELECT results_eq('SELECT audit_id, chain_key FROM safeguard.verify_audit()',
    format('VALUES (%s::bigint, NULL::text)', :middle),
    'with the head gone from its chain too, the chain verifies and a row with no chain position is reported');
ROLLBACK TO SAVEPOINT edit;

--------------------------------------------------------------------------
-- 6. Seals: a NULL digest, prev_digest, sealed head hash or sequence
--------------------------------------------------------------------------
SELECT split_part(:'digest', ':', 2)::bigint AS seal \gset
SAVEPOINT edit;
UPDATE safeguard.audit_seal SET digest = NULL WHERE id = :seal;
SELECT is((SELECT count(*) FROM safeguard.verify_audit(:'digest')), 1::bigint,
    'a NULL seal digest: verify_audit(digest) reports it (no crash)');
SELECT throws_ok(format('SELECT safeguard.verify_audit_strict(%L)', :'digest'), 'SG401', NULL,
    'verify_audit_strict(digest) raises SG401');
SELECT throws_ok('SELECT safeguard.audit_digest()', 'SG401', NULL,
    'a new seal cannot link to a seal with no digest: SG401 (no crash)');
ROLLBACK TO SAVEPOINT edit;
SAVEPOINT edit;
UPDATE safeguard.audit_seal SET prev_digest = NULL WHERE id = :seal;
SELECT is((SELECT count(*) FROM safeguard.verify_audit(:'digest')), 1::bigint,
    'a NULL previous digest: verify_audit(digest) reports it (no crash)');
ROLLBACK TO SAVEPOINT edit;
SAVEPOINT edit;
UPDATE safeguard.audit_seal_head SET row_hash = NULL WHERE seal_id = :seal AND chain_key = 'table:organisation';
SELECT is((SELECT count(*) FROM safeguard.verify_audit(:'digest')), 1::bigint,
    'a NULL sealed head hash: verify_audit(digest) reports it (no crash)');
ROLLBACK TO SAVEPOINT edit;
SAVEPOINT edit;
UPDATE safeguard.audit_seal_head SET chain_seq = NULL WHERE seal_id = :seal AND chain_key = 'table:organisation';
SELECT is((SELECT count(*) FROM safeguard.verify_audit(:'digest')), 1::bigint,
    'a NULL sealed head sequence: verify_audit(digest) reports it (no crash)');
ROLLBACK TO SAVEPOINT edit;

--------------------------------------------------------------------------
-- 7. Nothing left behind: the trail verifies, writes and seals go on
--------------------------------------------------------------------------
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'each edit undone, the trail verifies again');
SELECT lives_ok(:'write', 'writes to the chain go on');
SELECT lives_ok('SELECT safeguard.audit_digest()', 'and so do seals');
SELECT is_empty(format('SELECT * FROM safeguard.verify_audit(%L)', :'digest'),
    'the digest kept before the edits still verifies');
SELECT is((SELECT count(*) FROM safeguard.audit_event WHERE chain_key = 'table:organisation' AND chain_seq = :head_seq + 1),
    1::bigint, 'the write after the edits is chained after the old head');

SELECT * FROM finish();
ROLLBACK;
