-- A digest checked in the statement that made it (found by the docs helper while
-- checking docs/audit.md, 1.5): SELECT * FROM safeguard.verify_audit(safeguard.audit_digest())
-- reported "seal N is missing (the seal table was altered)", a false tamper alarm:
-- verify_audit() is STABLE and reads with the statement's snapshot, which cannot show
-- the seal audit_digest() wrote in the same statement.  Now the verifier looks for the
-- seal in the newest snapshot too: a seal that exists there is "newer than this
-- statement" (SG402, with a hint to verify in a later statement); a seal missing from
-- both is still reported as the tampering it is.
BEGIN;
SELECT plan(5);

INSERT INTO safeguard.organisation (kind, name, code) VALUES ('local_authority', 'TAP17 Council', 'TAP17-LA');

SELECT throws_ok('SELECT * FROM safeguard.verify_audit(safeguard.audit_digest())', 'SG402', NULL,
    'a digest made and verified in one statement: SG402 (newer than the statement), not a report of a missing seal');
SELECT throws_ok('SELECT safeguard.verify_audit_strict(safeguard.audit_digest())', 'SG402', NULL,
    'the same through verify_audit_strict: SG402, not SG401');

SELECT safeguard.audit_digest() AS digest \gset
SELECT is_empty(format('SELECT * FROM safeguard.verify_audit(%L)', :'digest'),
    'the digest verifies in a later statement');

-- The seal deleted behind the guards (a superuser disables them): reported missing.
ALTER TABLE safeguard.audit_seal DISABLE TRIGGER internal_only;
ALTER TABLE safeguard.audit_seal_head DISABLE TRIGGER internal_only;
DELETE FROM safeguard.audit_seal_head WHERE seal_id = split_part(:'digest', ':', 2)::bigint;
DELETE FROM safeguard.audit_seal WHERE id = split_part(:'digest', ':', 2)::bigint;
SELECT is((SELECT count(*) FROM safeguard.verify_audit(:'digest')), 1::bigint,
    'a deleted seal is reported as one broken row');
SELECT throws_ok(format('SELECT safeguard.verify_audit_strict(%L)', :'digest'), 'SG401', NULL,
    'and verify_audit_strict raises SG401 for it');

SELECT * FROM finish();
ROLLBACK;
