-- Tamper evidence: the audit trail's hash chains, seals and digests.
--
-- Every audit row belongs to a chain (case:<id>, or table:<name> for rows
-- outside a case), numbered 1, 2, ... and linked by SHA-256:
-- row_hash = sha256(prev_hash || canonical encoding of the row).
-- verify_audit() recomputes every chain and names the first broken row;
-- audit_digest() seals every chain's head into a digest to keep off the
-- database, and verify_audit(digest) also catches what a chain alone cannot
-- show: its newest rows deleted, or the chain rebuilt with fresh hashes.
--
-- Two cases are worked through the referral workflow, a digest is kept,
-- then a superuser tampers with the trail in every way the chains are meant
-- to catch, each attempt rolled back before the next.  Row ids, hashes and
-- digests vary from run to run and are never shown: chains are shown by
-- label, rows by their place in the chain.  Errors are asserted by SQLSTATE.
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET IntervalStyle = 'postgres';

--------------------------------------------------------------------------
-- 1. Two cases worked through the referral workflow (the superuser stands
--    in for the administrator)
--------------------------------------------------------------------------
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'R07 Regulator', 'R07-CQC') RETURNING id AS cqc \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'R07 Westshire Council', 'R07-LA') RETURNING id AS la \gset

CREATE ROLE r07_insp LOGIN;
CREATE ROLE r07_cc LOGIN;
CREATE ROLE r07_la LOGIN;
CREATE ROLE r07_auditor LOGIN;
SELECT safeguard.grant_duty('r07_insp', 'inspector', :cqc) > 0 AS granted,
       safeguard.grant_duty('r07_cc', 'contact_centre', :cqc) > 0 AS granted,
       safeguard.grant_duty('r07_la', 'la_officer', :la) > 0 AS granted,
       safeguard.grant_duty('r07_auditor', 'auditor', :cqc) > 0 AS granted;

-- Tuesday 4 March 2025 (GMT): two concerns about two adults, two cases.
SELECT safeguard.set_clock('2025-03-04 09:00+00') IS NOT NULL AS pinned;
SET ROLE r07_insp;
SELECT safeguard.log_concern('2025-03-04 08:30+00', 'phone', 'anonymous',
    'Resident left in a soiled bed all morning.', '{Neglect and Acts of Omission}',
    la_id => :la, referrer_anonymous => true, adult_name => 'Ada Field',
    adult_date_of_birth => '1940-01-02') AS concern_a \gset
SELECT safeguard.log_concern('2025-03-04 08:45+00', 'phone', 'anonymous',
    'Son is taking his father''s pension.', '{Financial or Material Abuse}',
    la_id => :la, referrer_anonymous => true, adult_name => 'Bert Moss',
    adult_date_of_birth => '1942-03-04') AS concern_b \gset
SELECT case_id AS case_a FROM safeguard.concern WHERE id = :concern_a \gset
SELECT case_id AS case_b FROM safeguard.concern WHERE id = :concern_b \gset
RESET ROLE;
SELECT :case_a <> :case_b AS two_cases;

SELECT safeguard.set_clock('2025-03-04 10:00+00') IS NOT NULL AS pinned;
SET ROLE r07_insp;
SELECT safeguard.triage_concern(:concern_a, 'refer_to_la', 'Neglect of a resident with care needs.',
    true, true, true) AS referral_a \gset
SELECT safeguard.triage_concern(:concern_b, 'refer_to_la', 'Financial abuse of an adult with care needs.',
    true, true, true) AS referral_b \gset
RESET ROLE;

SELECT safeguard.set_clock('2025-03-04 11:00+00') IS NOT NULL AS pinned;
SET ROLE r07_cc;
SELECT safeguard.send_referral(:referral_a, 'secure_email');
SELECT safeguard.send_referral(:referral_b, 'phone');
RESET ROLE;

-- Wednesday: Westshire acknowledges both and decides the first; the first
-- is then worked to closure, which closes its case.
SELECT safeguard.set_clock('2025-03-05 09:00+00') IS NOT NULL AS pinned;
SET ROLE r07_la;
SELECT safeguard.acknowledge_referral(:referral_a, la_reference => 'WC-1');
SELECT safeguard.acknowledge_referral(:referral_b, la_reference => 'WC-2');
SELECT safeguard.decide_referral(:referral_a, 'section_42_enquiry', 'All three s42(1) criteria met.');
SELECT safeguard.record_referral_outcome(:referral_a, 'Risk identified and action taken', 'Risk reduced');
SELECT safeguard.close_referral(:referral_a, feedback_waived_reason => 'Anonymous referrer.');
RESET ROLE;
SELECT state FROM safeguard.safeguarding_case WHERE id = :case_a;

-- Chain labels, so the output shows no serial numbers.
CREATE TEMP TABLE r07_chain (chain_key text PRIMARY KEY, label text NOT NULL);
INSERT INTO r07_chain VALUES ('case:' || :case_a, 'case A'), ('case:' || :case_b, 'case B'),
    ('table:ddl', 'table:ddl');
SELECT 'case:' || :case_a AS chain_a, 'case:' || :case_b AS chain_b \gset

-- Each case's rows form one chain numbered from 1 without gaps, the first
-- linked to 32 zero bytes and each next one to the row before it.
SELECT c.label, count(*) AS rows, min(e.chain_seq) AS first_seq, max(e.chain_seq) AS last_seq,
       bool_and(e.prev_hash = coalesce(p.row_hash, '\x'::bytea || decode(repeat('00', 32), 'hex')))
           AS linked,
       bool_and(octet_length(e.row_hash) = 32) AS sha256
FROM safeguard.audit_event e
JOIN r07_chain c ON c.chain_key = e.chain_key
LEFT JOIN safeguard.audit_event p ON p.chain_key = e.chain_key AND p.chain_seq = e.chain_seq - 1
WHERE c.label LIKE 'case%'
GROUP BY c.label ORDER BY c.label;

--------------------------------------------------------------------------
-- 2. Verification and journeys
--------------------------------------------------------------------------
-- The auditor verifies the whole trail (every chain of the database): no
-- row means every chain recomputes.  Other duties may not (42501).
SET ROLE r07_auditor;
SELECT * FROM safeguard.verify_audit();
SELECT safeguard.verify_audit_strict() AS verified;
RESET ROLE;
SET ROLE r07_la;
SELECT * FROM safeguard.verify_audit();
SELECT safeguard.audit_digest();
RESET ROLE;

-- The auditor seals the trail and keeps the digest off the database (here:
-- in a psql variable; it differs from run to run, so only its shape shows).
SET ROLE r07_auditor;
SELECT safeguard.audit_digest() AS digest \gset
RESET ROLE;
SELECT :'digest' ~ '^sg1:[0-9]+:[0-9a-f]{64}$' AS digest_shape;
SELECT split_part(:'digest', ':', 2) AS seal \gset
-- The seal recorded the head of each of this walkthrough's chains.
SELECT c.label, h.chain_seq = (SELECT max(chain_seq) FROM safeguard.audit_event e
                               WHERE e.chain_key = h.chain_key) AS at_head
FROM safeguard.audit_seal_head h JOIN r07_chain c ON c.chain_key = h.chain_key
WHERE h.seal_id = :seal AND c.label LIKE 'case%' ORDER BY c.label;
SELECT * FROM safeguard.verify_audit(:'digest');
SELECT safeguard.verify_audit_strict(:'digest') AS verified;

-- Case A's journey: who did what, under which duty, in order.
SELECT acting_role, duty, table_name, action, from_state, to_state
FROM safeguard.case_journey(:case_a);
-- Referral B's journey: its concern, triage, transitions and deadlines.
SELECT acting_role, duty, table_name, action, from_state, to_state
FROM safeguard.referral_journey(:referral_b);

-- The encoding is documented well enough to recompute outside safeguard:
-- each field as number (2 bytes, big-endian), null flag (1 byte), length
-- (4 bytes, big-endian) and its canonical text; fields 1..18 in order;
-- row_hash = sha256(prev_hash || fields).  Reimplemented here in SQL, it
-- gives every stored row_hash of the database.  (Canonical text is each
-- type's output function, except where settings would change it: an inet
-- is written as inet_out writes it, 127.0.0.1 and not the 127.0.0.1/32 of
-- a cast to text.)
CREATE FUNCTION pg_temp.r07_field(n integer, v text) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT int2send(n::smallint) || CASE WHEN v IS NULL THEN '\x0100000000'::bytea
        ELSE '\x00'::bytea || int4send(octet_length(convert_to(v, current_setting('server_encoding'))))
             || convert_to(v, current_setting('server_encoding')) END
$$;
-- Canonical timestamptz: ISO 8601 in UTC, microseconds only when nonzero.
CREATE FUNCTION pg_temp.r07_ts(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN extract(microseconds FROM t AT TIME ZONE 'UTC')::bigint % 1000000 <> 0
                THEN to_char(t AT TIME ZONE 'UTC', '.US') ELSE '' END || 'Z'
$$;
CREATE FUNCTION pg_temp.r07_hash(prev bytea, e safeguard.audit_event) RETURNS bytea
LANGUAGE sql STABLE AS $$
    SELECT sha256(prev
        || pg_temp.r07_field(1, pg_temp.r07_ts(e.recorded_at))
        || pg_temp.r07_field(2, pg_temp.r07_ts(e.business_time))
        || pg_temp.r07_field(3, e.txid::text)
        || pg_temp.r07_field(4, e.login_role)
        || pg_temp.r07_field(5, e.acting_role)
        || pg_temp.r07_field(6, e.organisation_id::text)
        || pg_temp.r07_field(7, e.duty::text)
        || pg_temp.r07_field(8, e.table_name)
        || pg_temp.r07_field(9, e.row_key)
        || pg_temp.r07_field(10, e.case_id::text)
        || pg_temp.r07_field(11, e.action)
        || pg_temp.r07_field(12, e.from_state)
        || pg_temp.r07_field(13, e.to_state)
        || pg_temp.r07_field(14, e.changes::text)
        || pg_temp.r07_field(15, e.application_name)
        || pg_temp.r07_field(16, CASE WHEN e.client_addr IS NOT NULL
                                      THEN format('%s', e.client_addr) END)
        || pg_temp.r07_field(17, e.chain_key)
        || pg_temp.r07_field(18, e.chain_seq::text))
$$;
SELECT count(*) > 0 AS rows_checked,
       count(*) FILTER (WHERE pg_temp.r07_hash(e.prev_hash, e) <> e.row_hash) AS mismatches
FROM safeguard.audit_event e;

--------------------------------------------------------------------------
-- 3. The same bytes in every session
--------------------------------------------------------------------------
-- A session with every output-affecting setting turned hostile verifies
-- the same chains: hashes are over canonical text, not session output.
SET TimeZone = 'Pacific/Kiritimati';
SET DateStyle = 'SQL, DMY';
SET IntervalStyle = 'sql_standard';
SET extra_float_digits = -15;
SET bytea_output = 'escape';
SELECT * FROM safeguard.verify_audit();
SELECT * FROM safeguard.verify_audit(:'digest');

-- A transition made in that session (Westshire decides referral B on
-- Thursday) is recorded in canonical text: UTC ISO 8601, not the
-- session's 'SQL, DMY' in Kiritimati time.
SELECT safeguard.set_clock('2025-03-06 09:00+00') IS NOT NULL AS pinned;
SET ROLE r07_la;
SELECT safeguard.decide_referral(:referral_b, 'no_enquiry', 'Adult has capacity and declined involvement.');
RESET ROLE;
SELECT action, from_state, to_state, changes -> 'decided_at' AS decided_at
FROM safeguard.audit_event
WHERE chain_key = :'chain_b' ORDER BY chain_seq DESC LIMIT 1;
SELECT * FROM safeguard.verify_audit();
RESET TimeZone;
RESET DateStyle;
RESET IntervalStyle;
RESET extra_float_digits;
RESET bytea_output;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET IntervalStyle = 'postgres';
-- ... and verifies under the default settings afterwards, the kept digest
-- too (rows appended after a seal are fine: the sealed heads are intact).
SELECT * FROM safeguard.verify_audit();
SELECT * FROM safeguard.verify_audit(:'digest');
SELECT count(*) FILTER (WHERE pg_temp.r07_hash(e.prev_hash, e) <> e.row_hash) AS mismatches
FROM safeguard.audit_event e;

--------------------------------------------------------------------------
-- 4. The tamper matrix.  A superuser can alter anything, so each attempt
--    is caught, not prevented.  Each runs in a transaction rolled back
--    before the next.  Case A's chain (sealed, nothing appended since) is
--    the target.
--------------------------------------------------------------------------
SELECT max(chain_seq) AS head_a FROM safeguard.audit_event WHERE chain_key = :'chain_a' \gset
SELECT count(*) AS ddl_rows_before FROM safeguard.audit_event WHERE chain_key = 'table:ddl' \gset
SELECT count(*) AS audit_rows_before FROM safeguard.audit_event \gset

-- (a) One value altered: the decision in case A's "decided" row rewritten
-- after the fact.  The trigger that keeps the trail append-only must be
-- disabled first; that DDL is itself written into the chain table:ddl.
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
SELECT c.label, e.table_name, e.row_key, e.action, e.changes, e.acting_role = current_user AS by_me
FROM safeguard.audit_event e JOIN r07_chain c ON c.chain_key = e.chain_key
WHERE e.chain_key = 'table:ddl' ORDER BY e.chain_seq DESC LIMIT 1;
SELECT count(*) - :ddl_rows_before AS ddl_rows_added
FROM safeguard.audit_event WHERE chain_key = 'table:ddl';
SELECT id AS victim, chain_seq AS victim_seq FROM safeguard.audit_event
WHERE chain_key = :'chain_a' AND to_state = 'decided' \gset
UPDATE safeguard.audit_event
   SET changes = jsonb_set(changes, '{la_decision,new}', '"no_enquiry"')
 WHERE id = :victim;
SELECT c.label, v.chain_seq = :victim_seq AS at_victim_seq, v.audit_id = :victim AS names_victim, v.problem
FROM safeguard.verify_audit() v JOIN r07_chain c ON c.chain_key = v.chain_key;
-- verify_audit_strict() refuses the trail (SG401).
SELECT safeguard.verify_audit_strict();
ROLLBACK;

-- (a') One byte of one field: the row key of case A's third row.
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
SELECT id AS victim FROM safeguard.audit_event WHERE chain_key = :'chain_a' AND chain_seq = 3 \gset
UPDATE safeguard.audit_event
   SET row_key = overlay(row_key PLACING chr(ascii(substr(row_key, 1, 1)) # 1) FROM 1 FOR 1)
 WHERE id = :victim;
SELECT c.label, v.chain_seq, v.audit_id = :victim AS names_victim, v.problem
FROM safeguard.verify_audit() v JOIN r07_chain c ON c.chain_key = v.chain_key;
ROLLBACK;

-- (a'') A stored hash overwritten with something that is not a hash.
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
SELECT id AS victim FROM safeguard.audit_event WHERE chain_key = :'chain_a' AND chain_seq = 2 \gset
UPDATE safeguard.audit_event SET row_hash = '\x00' WHERE id = :victim;
SELECT c.label, v.chain_seq, v.audit_id = :victim AS names_victim, v.problem
FROM safeguard.verify_audit() v JOIN r07_chain c ON c.chain_key = v.chain_key;
ROLLBACK;

-- (b) A row deleted from the middle of the chain: the row after the gap
-- is reported.
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
DELETE FROM safeguard.audit_event WHERE chain_key = :'chain_a' AND chain_seq = 4;
SELECT id AS victim FROM safeguard.audit_event WHERE chain_key = :'chain_a' AND chain_seq = 5 \gset
SELECT c.label, v.chain_seq, v.audit_id = :victim AS names_next_row, v.problem
FROM safeguard.verify_audit() v JOIN r07_chain c ON c.chain_key = v.chain_key;
ROLLBACK;

-- (c) Two rows swapped (their sequence numbers exchanged through a spare
-- value, as the pair is unique): the row now in third place does not link.
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
SELECT id AS victim FROM safeguard.audit_event WHERE chain_key = :'chain_a' AND chain_seq = 3 \gset
UPDATE safeguard.audit_event SET chain_seq = -1 WHERE chain_key = :'chain_a' AND chain_seq = 2;
UPDATE safeguard.audit_event SET chain_seq = 2 WHERE chain_key = :'chain_a' AND chain_seq = 3;
UPDATE safeguard.audit_event SET chain_seq = 3 WHERE chain_key = :'chain_a' AND chain_seq = -1;
SELECT c.label, v.chain_seq, v.audit_id = :victim AS names_moved_row, v.problem
FROM safeguard.verify_audit() v JOIN r07_chain c ON c.chain_key = v.chain_key;
ROLLBACK;

-- (d) The newest rows deleted: what is left is a perfectly valid, shorter
-- chain, so verify_audit() finds nothing.  The kept digest names the
-- sealed row that is gone.
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
DELETE FROM safeguard.audit_event WHERE chain_key = :'chain_a' AND chain_seq > :head_a - 2;
SELECT * FROM safeguard.verify_audit();
SELECT c.label, v.chain_seq = :head_a AS at_sealed_head, v.audit_id, v.problem
FROM safeguard.verify_audit(:'digest') v JOIN r07_chain c ON c.chain_key = v.chain_key;
SELECT safeguard.verify_audit_strict(:'digest');
ROLLBACK;

-- (d') A whole chain deleted: nothing is left to recompute, so again only
-- the kept digest notices.
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
DELETE FROM safeguard.audit_event WHERE chain_key = :'chain_a';
SELECT * FROM safeguard.verify_audit();
SELECT c.label, v.chain_seq = :head_a AS at_sealed_head, v.audit_id, v.problem
FROM safeguard.verify_audit(:'digest') v JOIN r07_chain c ON c.chain_key = v.chain_key;
ROLLBACK;

-- (e) A forged suffix: the decision rewritten and every hash from that
-- row on recomputed (with the encoding reimplemented above), so the chain
-- is internally consistent again and verify_audit() finds nothing.  A
-- fresh seal would even vouch for the forgery; the digest kept before it
-- does not.
CREATE FUNCTION pg_temp.r07_rehash(chain text, from_seq bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    e safeguard.audit_event;
    prev bytea;
    n integer := 0;
BEGIN
    SELECT a.row_hash INTO prev FROM safeguard.audit_event a
    WHERE a.chain_key = chain AND a.chain_seq = from_seq - 1;
    FOR e IN SELECT * FROM safeguard.audit_event a
             WHERE a.chain_key = chain AND a.chain_seq >= from_seq ORDER BY a.chain_seq
    LOOP
        UPDATE safeguard.audit_event a SET prev_hash = prev, row_hash = pg_temp.r07_hash(prev, e)
        WHERE a.id = e.id RETURNING a.row_hash INTO prev;
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
SELECT id AS victim, chain_seq AS victim_seq FROM safeguard.audit_event
WHERE chain_key = :'chain_a' AND to_state = 'decided' \gset
SELECT id AS head_id FROM safeguard.audit_event WHERE chain_key = :'chain_a' AND chain_seq = :head_a \gset
UPDATE safeguard.audit_event
   SET changes = jsonb_set(changes, '{la_decision,new}', '"no_enquiry"')
 WHERE id = :victim;
SELECT pg_temp.r07_rehash(:'chain_a', :victim_seq) = :head_a - :victim_seq + 1 AS rehashed_to_head;
SELECT * FROM safeguard.verify_audit();
SELECT c.label, v.chain_seq = :head_a AS at_sealed_head, v.audit_id = :head_id AS names_head,
       v.problem
FROM safeguard.verify_audit(:'digest') v JOIN r07_chain c ON c.chain_key = v.chain_key;
SELECT safeguard.audit_digest() AS forged_digest \gset
SELECT * FROM safeguard.verify_audit(:'forged_digest');
SELECT count(*) AS problems FROM safeguard.verify_audit(:'digest');
ROLLBACK;

-- (f) The seal tampered with.  A seal's chain heads altered: the digest no
-- longer matches them.
BEGIN;
ALTER TABLE safeguard.audit_seal_head DISABLE TRIGGER internal_only;
UPDATE safeguard.audit_seal_head SET row_hash = sha256('forged'::bytea)
 WHERE seal_id = :seal AND chain_key = :'chain_a';
SELECT v.audit_id, v.chain_key, v.chain_seq, v.problem FROM safeguard.verify_audit(:'digest') v;
ROLLBACK;
-- The seal's stored digest altered: the row no longer holds the digest
-- that was handed out (and the next seal would chain from a forged value),
-- so the kept digest must report it.
BEGIN;
ALTER TABLE safeguard.audit_seal DISABLE TRIGGER internal_only;
UPDATE safeguard.audit_seal SET digest = sha256('forged'::bytea) WHERE id = :seal;
SELECT count(*) AS problems, bool_and(v.problem LIKE '%seal%') AS names_the_seal
FROM safeguard.verify_audit(:'digest') v;
ROLLBACK;
-- A digest naming a seal that does not exist.
SELECT v.audit_id, v.chain_key, v.chain_seq, v.problem
FROM safeguard.verify_audit('sg1:999999999:' || repeat('ab', 32)) v;
-- A digest of a real seal with one hex digit changed.
SELECT v.audit_id, v.chain_key, v.chain_seq, v.problem
FROM safeguard.verify_audit(left(:'digest', -1) ||
    CASE right(:'digest', 1) WHEN '0' THEN '1' ELSE '0' END) v;

-- (g) Malformed digests raise SG402, whichever function is given them.
SELECT * FROM safeguard.verify_audit('sg1:1:abc');
SELECT * FROM safeguard.verify_audit('sg2:' || split_part(:'digest', ':', 2) || ':' || split_part(:'digest', ':', 3));
SELECT * FROM safeguard.verify_audit('sg1:x:' || repeat('00', 32));
SELECT * FROM safeguard.verify_audit('sg1:1:' || repeat('zz', 32));
SELECT * FROM safeguard.verify_audit(upper(:'digest'));
SELECT * FROM safeguard.verify_audit(NULL::text);
SELECT safeguard.verify_audit_strict('sg1:1:');

-- (h) verify_audit_strict() raises SG401 on a tampered trail, with or
-- without a digest.
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
UPDATE safeguard.audit_event SET acting_role = 'someone_else'
 WHERE chain_key = :'chain_a' AND chain_seq = 1;
SELECT safeguard.verify_audit_strict();
ROLLBACK;
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
DELETE FROM safeguard.audit_event WHERE chain_key = :'chain_a' AND chain_seq = :head_a;
SELECT safeguard.verify_audit_strict() AS without_digest;
SELECT safeguard.verify_audit_strict(:'digest');
ROLLBACK;

-- Every attempt was rolled back: the trail is whole, its triggers enabled
-- ALWAYS, and the kept digest verifies.
SELECT count(*) = :audit_rows_before AS same_rows FROM safeguard.audit_event;
SELECT tgrelid::regclass AS table_name, tgname, tgenabled FROM pg_trigger
WHERE tgrelid IN ('safeguard.audit_event'::regclass, 'safeguard.audit_seal'::regclass,
                  'safeguard.audit_seal_head'::regclass) AND NOT tgisinternal
ORDER BY tgrelid::regclass::text, tgname;
SELECT * FROM safeguard.verify_audit(:'digest');
SELECT safeguard.verify_audit_strict(:'digest') AS verified;

--------------------------------------------------------------------------
-- Clean up: unpin the clock, end the grants (kept as history), drop the
-- login roles.
--------------------------------------------------------------------------
SELECT safeguard.set_clock(NULL) IS NOT NULL AS unpinned;
SELECT safeguard.revoke_duty('r07_insp', 'inspector') AND
       safeguard.revoke_duty('r07_cc', 'contact_centre') AND
       safeguard.revoke_duty('r07_la', 'la_officer') AND
       safeguard.revoke_duty('r07_auditor', 'auditor') AS revoked;
DROP TABLE r07_chain;
DROP ROLE r07_insp, r07_cc, r07_la, r07_auditor;
