-- Bypasses: every way round the guards that a role other than a superuser
-- might try, each refused with a domain SQLSTATE or 42501, and nothing
-- changed by any of them.  Roles tried: one with no privilege at all, the
-- auditor, one the superuser granted write privileges on audit_event, a
-- member of pg_write_all_data, and a member of safeguard_owner (the
-- NOLOGIN role owning the tables, which nobody should be a member of: the
-- event trigger is the last line there).  Then what a superuser's DDL
-- leaves behind (it is recorded, not prevented), and CREATE EXTENSION over
-- a schema a hostile role prepared.
BEGIN;
SELECT plan(233);

-- Wraps a statement in a DO block that fails with P0001 when the statement
-- succeeds, so a bypass that works is reported (as P0001 instead of the
-- expected code) and undone with the rest of the block.
CREATE FUNCTION pg_temp.attempt(stmt text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format('DO $do$ BEGIN %s; RAISE EXCEPTION %L USING ERRCODE = %L; END $do$',
                  stmt, 'not refused: ' || stmt, 'P0001')
$$;

--------------------------------------------------------------------------
-- 1. Inventory, taken before any test role exists
--------------------------------------------------------------------------
-- No role holds a write privilege on the audit tables but the owner,
-- superusers and pg_write_all_data (whose writes the triggers refuse, below).
SELECT is_empty($$
    SELECT r.rolname, t.tbl, p.priv
    FROM pg_catalog.pg_roles r
    CROSS JOIN unnest(ARRAY['safeguard.audit_event', 'safeguard.audit_seal',
                            'safeguard.audit_seal_head']) AS t(tbl)
    CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER']) AS p(priv)
    WHERE NOT r.rolsuper AND r.rolname <> 'safeguard_owner'
      AND NOT pg_catalog.pg_has_role(r.oid, 'pg_write_all_data', 'USAGE')
      AND pg_catalog.has_table_privilege(r.oid, t.tbl, p.priv)$$,
    'no role but superusers, safeguard_owner and pg_write_all_data may write, truncate or add triggers to the audit tables');
SELECT set_eq($$
    SELECT t.tbl, p.priv
    FROM unnest(ARRAY['safeguard.audit_event', 'safeguard.audit_seal',
                      'safeguard.audit_seal_head']) AS t(tbl)
    CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER']) AS p(priv)
    WHERE pg_catalog.has_table_privilege('pg_write_all_data', t.tbl, p.priv)$$,
    $$SELECT t, p FROM unnest(ARRAY['safeguard.audit_event', 'safeguard.audit_seal',
                                     'safeguard.audit_seal_head']) AS t,
                        unnest(ARRAY['INSERT', 'UPDATE', 'DELETE']) AS p$$,
    'pg_write_all_data holds INSERT, UPDATE and DELETE on the audit tables (its definition), never TRUNCATE or TRIGGER');
SELECT is_empty($$
    SELECT c.relname, a.grantee::regrole, a.privilege_type
    FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
    WHERE c.oid IN ('safeguard.audit_event'::regclass, 'safeguard.audit_seal'::regclass,
                    'safeguard.audit_seal_head'::regclass, 'safeguard.audit_event_id_seq'::regclass,
                    'safeguard.audit_seal_id_seq'::regclass)
      AND a.grantee <> c.relowner AND a.privilege_type <> 'SELECT'$$,
    'no GRANT on the audit tables or their sequences gives anything but SELECT');
SELECT is_empty($$
    SELECT r.rolname, s.seq
    FROM pg_catalog.pg_roles r
    CROSS JOIN unnest(ARRAY['safeguard.audit_event_id_seq', 'safeguard.audit_seal_id_seq']) AS s(seq)
    WHERE NOT r.rolsuper AND r.rolname <> 'safeguard_owner'
      AND NOT pg_catalog.pg_has_role(r.oid, 'pg_write_all_data', 'USAGE')
      AND (pg_catalog.has_sequence_privilege(r.oid, s.seq, 'USAGE')
           OR pg_catalog.has_sequence_privilege(r.oid, s.seq, 'UPDATE'))$$,
    'no role may draw from or move the audit sequences');
SELECT is_empty($$
    SELECT m.member::regrole FROM pg_catalog.pg_auth_members m
    WHERE m.roleid = 'safeguard_owner'::regrole$$,
    'nobody is a member of safeguard_owner');
SELECT is_empty($$
    SELECT c.relname, c.relowner::regrole FROM pg_catalog.pg_class c
    WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind IN ('r', 'S')
      AND c.relowner <> 'safeguard_owner'::regrole$$,
    'every safeguard table and sequence belongs to safeguard_owner');

SELECT results_eq($$SELECT p.oid::regprocedure::text COLLATE "default" FROM pg_catalog.pg_proc p
                    WHERE p.pronamespace = 'safeguard'::regnamespace AND p.prosecdef
                    ORDER BY 1$$,
                  ARRAY[]::text[],
                  'the SECURITY DEFINER functions of safeguard: none');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'safeguard'::regnamespace AND p.prosecdef
                    AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)$$,
                'every SECURITY DEFINER function of safeguard pins search_path');
SELECT is_empty($$SELECT c.relname, t.tgname, t.tgenabled FROM pg_catalog.pg_trigger t
                  JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
                  WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT t.tgisinternal
                    AND t.tgenabled <> 'A'$$,
                'every non-internal trigger on safeguard tables is enabled ALWAYS');
SELECT is_empty($$SELECT c.relname FROM pg_catalog.pg_class c
                  WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
                    AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger t
                                    WHERE t.tgrelid = c.oid AND t.tgname = 'refuse_truncate')$$,
                'every safeguard table has a refuse_truncate trigger');
SELECT is_empty($$SELECT c.relname FROM pg_catalog.pg_class c
                  WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
                    AND c.relrowsecurity AND NOT c.relforcerowsecurity$$,
                'every table with row-level security forces it (the owner included)');

-- The catalog state every refused attempt below must leave as it is:
-- the view reads it now, the table keeps it as it was before them.
CREATE VIEW pg_temp.sg07_catalog_now AS
SELECT 'trigger' AS kind, c.relname::text AS tbl, t.tgname::text AS name, t.tgenabled::text AS detail
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT t.tgisinternal
UNION ALL
SELECT 'policy', c.relname, p.polname, pg_catalog.pg_get_expr(p.polqual, p.polrelid)
FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
WHERE c.relnamespace = 'safeguard'::regnamespace
UNION ALL
SELECT 'rule', c.relname, r.rulename, NULL
FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
UNION ALL
SELECT 'table', c.relname, c.relowner::regrole::text,
       concat_ws(' ', c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, c.relacl::text)
FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind IN ('r', 'S');
CREATE TEMP TABLE sg07_catalog AS SELECT * FROM pg_temp.sg07_catalog_now;

--------------------------------------------------------------------------
-- Fixture: a regulator and a local authority, an inspector and the
-- contact centre; one concern referred and sent.  Then the roles that try.
--------------------------------------------------------------------------
\set fixture TAP07
\set clock '2024-06-04 10:00+00'
\set orgs 'cqc=regulator la=local_authority'
\set cast 'sg07_insp=inspector@cqc sg07_cc=contact_centre@cqc sg07_auditor=auditor@cqc'
\ir lib/fixtures.sql
SET ROLE sg07_insp;
SELECT safeguard.log_concern('2024-06-04 09:00+00', 'phone', 'anonymous', 'Left alone all night.',
    '{Neglect and Acts of Omission}', la_id => :la, referrer_anonymous => true) AS concern \gset
SELECT safeguard.triage_concern(:concern, 'refer_to_la', 'Neglect of an adult with care needs.',
    true, true, true) AS referral \gset
RESET ROLE;
SET ROLE sg07_cc;
SELECT safeguard.send_referral(:referral, 'phone') AS sent \gset
RESET ROLE;

-- A role with no privilege; one the superuser granted every write privilege
-- on the audit tables; a member of pg_write_all_data; a member of
-- safeguard_owner.
CREATE ROLE sg07_nobody LOGIN;
CREATE ROLE sg07_granted LOGIN;
CREATE ROLE sg07_writer LOGIN;
CREATE ROLE sg07_owner LOGIN;
GRANT INSERT, UPDATE, DELETE, TRUNCATE ON safeguard.audit_event, safeguard.audit_seal,
    safeguard.audit_seal_head TO sg07_granted;
GRANT pg_write_all_data TO sg07_writer;
GRANT safeguard_owner TO sg07_owner;
-- (The grant above is the one intended change to the audit tables' ACLs.)
UPDATE sg07_catalog SET detail = c.detail
FROM pg_temp.sg07_catalog_now c
WHERE sg07_catalog.kind = 'table' AND c.kind = 'table' AND c.tbl = sg07_catalog.tbl
  AND sg07_catalog.tbl IN ('audit_event', 'audit_seal', 'audit_seal_head');

-- What must still be there afterwards, and a digest kept from now.
SELECT safeguard.audit_digest() AS digest \gset
SELECT count(*) AS audit_rows FROM safeguard.audit_event \gset
SELECT count(*) AS seals FROM safeguard.audit_seal \gset
SELECT count(*) AS concerns FROM safeguard.concern \gset
SELECT secret AS secret FROM safeguard.pseudonym_key \gset
SELECT last_value AS audit_seq FROM safeguard.audit_event_id_seq \gset

--------------------------------------------------------------------------
-- 2. TRUNCATE
--------------------------------------------------------------------------
SET ROLE sg07_nobody;
SELECT throws_ok(format('TRUNCATE safeguard.%I', c.relname), '42501', NULL,
                 format('a role without TRUNCATE cannot truncate %s (42501)', c.relname))
FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r' ORDER BY c.relname;
RESET ROLE;
SET ROLE sg07_writer;
SELECT throws_ok('TRUNCATE safeguard.audit_event', '42501', NULL,
                 'pg_write_all_data does not include TRUNCATE (42501)');
RESET ROLE;
SET ROLE sg07_granted;
SELECT throws_ok(format('TRUNCATE safeguard.%I', t), 'SG204', NULL,
                 format('a role granted TRUNCATE on %s is refused by the trigger (SG204)', t))
FROM unnest(ARRAY['audit_event', 'audit_seal_head']) AS t;
RESET ROLE;
-- The superuser: a table other tables reference is refused by PostgreSQL
-- first (0A000, before any trigger fires); with CASCADE, or when nothing
-- references it, refuse_truncate refuses (SG204).
SELECT throws_ok(format('TRUNCATE safeguard.%I', c.relname),
                 CASE WHEN r.referenced THEN '0A000' ELSE 'SG204' END, NULL,
                 format('the superuser cannot truncate %s (%s)', c.relname,
                        CASE WHEN r.referenced THEN '0A000: referenced by a foreign key'
                             ELSE 'SG204' END))
FROM pg_catalog.pg_class c
CROSS JOIN LATERAL (SELECT EXISTS (SELECT FROM pg_catalog.pg_constraint f
                                   WHERE f.confrelid = c.oid AND f.contype = 'f'
                                     AND f.conrelid <> c.oid) AS referenced) r
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r' ORDER BY c.relname;
SELECT throws_ok(format('TRUNCATE safeguard.%I CASCADE', c.relname), 'SG204', NULL,
                 format('the superuser cannot truncate %s with CASCADE either (SG204)', c.relname))
FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
  AND EXISTS (SELECT FROM pg_catalog.pg_constraint f
              WHERE f.confrelid = c.oid AND f.contype = 'f' AND f.conrelid <> c.oid)
ORDER BY c.relname;

--------------------------------------------------------------------------
-- 3. Writing the audit trail directly
--------------------------------------------------------------------------
\set forged 'INSERT INTO safeguard.audit_event (recorded_at, business_time, txid, login_role, acting_role, table_name, row_key, action, changes, chain_key, chain_seq, prev_hash, row_hash) VALUES (now(), now(), pg_current_xact_id(), ''sg07_cc'', ''sg07_cc'', ''referral'', ''1'', ''UPDATE'', ''{}'', ''table:referral'', 1, sha256(''x''), sha256(''y''))'
SET ROLE sg07_nobody;
SELECT throws_ok(:'forged', '42501', NULL, 'a role without INSERT cannot forge an audit row (42501)');
SELECT throws_ok('DELETE FROM safeguard.audit_event', '42501', NULL,
                 'a role without DELETE cannot delete audit rows (42501)');
SELECT throws_ok('UPDATE safeguard.audit_event SET acting_role = ''x''', '42501', NULL,
                 'a role without UPDATE cannot alter audit rows (42501)');
RESET ROLE;
SET ROLE sg07_auditor;
SELECT throws_ok('DELETE FROM safeguard.audit_event', '42501', NULL,
                 'the auditor reads the trail but cannot delete from it (42501)');
SELECT throws_ok('UPDATE safeguard.audit_event SET acting_role = ''x''', '42501', NULL,
                 'the auditor cannot alter the trail (42501)');
SELECT throws_ok('DELETE FROM safeguard.audit_seal_head', '42501', NULL,
                 'the auditor cannot delete seal heads (42501)');
RESET ROLE;
SET ROLE sg07_granted;
SELECT throws_ok(:'forged', 'SG204', NULL,
                 'a role the superuser granted INSERT on audit_event still cannot forge a row (SG204)');
SELECT throws_ok('UPDATE safeguard.audit_event SET acting_role = ''x''', 'SG204', NULL,
                 'a role granted UPDATE on audit_event cannot alter rows (SG204)');
SELECT throws_ok('DELETE FROM safeguard.audit_event', 'SG204', NULL,
                 'a role granted DELETE on audit_event cannot delete rows (SG204)');
SELECT throws_ok('INSERT INTO safeguard.audit_seal (sealed_at, prev_digest, digest) VALUES (now(), sha256(''x''), sha256(''y''))',
                 'SG203', NULL, 'a role granted INSERT on audit_seal cannot forge a seal (SG203)');
SELECT throws_ok('UPDATE safeguard.audit_seal SET digest = sha256(''x'')', 'SG203', NULL,
                 'a role granted UPDATE on audit_seal cannot alter a seal (SG203)');
SELECT throws_ok('DELETE FROM safeguard.audit_seal_head', 'SG204', NULL,
                 'a role granted DELETE on audit_seal_head cannot delete seal heads (SG204)');
RESET ROLE;
SET ROLE sg07_writer;
SELECT throws_ok(:'forged', 'SG204', NULL, 'pg_write_all_data cannot forge an audit row (SG204)');
SELECT throws_ok('UPDATE safeguard.audit_event SET acting_role = ''x''', 'SG204', NULL,
                 'pg_write_all_data cannot alter audit rows (SG204)');
SELECT throws_ok('DELETE FROM safeguard.audit_event', 'SG204', NULL,
                 'pg_write_all_data cannot delete audit rows (SG204)');
SELECT throws_ok('UPDATE safeguard.audit_seal SET digest = sha256(''x'')', 'SG203', NULL,
                 'pg_write_all_data cannot alter a seal (SG203)');
SELECT throws_ok('DELETE FROM safeguard.audit_seal', 'SG204', NULL,
                 'pg_write_all_data cannot delete seals (SG204)');
RESET ROLE;
SET ROLE sg07_owner;
SELECT throws_ok(:'forged', 'SG204', NULL, 'a member of safeguard_owner cannot forge an audit row (SG204)');
SELECT throws_ok('DELETE FROM safeguard.audit_event', 'SG204', NULL,
                 'a member of safeguard_owner cannot delete audit rows (SG204)');
SELECT throws_ok('UPDATE safeguard.audit_event SET acting_role = ''x''', 'SG204', NULL,
                 'a member of safeguard_owner cannot alter audit rows (SG204)');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. The audit sequence, replication role, reserved settings
--------------------------------------------------------------------------
SET ROLE sg07_nobody;
SELECT throws_ok('SELECT pg_catalog.setval(''safeguard.audit_event_id_seq'', 1)', '42501', NULL,
                 'a role without privileges cannot move the audit sequence (42501)');
SELECT throws_ok('SELECT pg_catalog.nextval(''safeguard.audit_event_id_seq'')', '42501', NULL,
                 'a role without privileges cannot draw from the audit sequence (42501)');
SELECT throws_ok('SET session_replication_role = replica', '42501', NULL,
                 'a role that is not a superuser cannot SET session_replication_role (42501)');
SELECT throws_ok('SET safeguard.anything = ''on''', '42602', NULL,
                 'safeguard.* settings are reserved: an unknown one is refused (42602)');
RESET ROLE;
SET ROLE sg07_auditor;
SELECT throws_ok('SELECT pg_catalog.setval(''safeguard.audit_event_id_seq'', 1)', '42501', NULL,
                 'the auditor cannot move the audit sequence (42501)');
RESET ROLE;
SET ROLE sg07_owner;
SELECT throws_ok('SET session_replication_role = replica', '42501', NULL,
                 'a member of safeguard_owner cannot SET session_replication_role either (42501)');
RESET ROLE;
SELECT throws_ok('SET safeguard.anything = ''on''', '42602', NULL,
                 'nor can a superuser invent a safeguard.* setting (42602)');

-- pg_write_all_data (and the owner) may move any sequence: whatever they
-- do to the audit sequence, audited changes must go on being recorded.
SET ROLE sg07_writer;
DO $$ BEGIN PERFORM pg_catalog.setval('safeguard.audit_event_id_seq', 1);
          EXCEPTION WHEN insufficient_privilege THEN NULL; END $$;
RESET ROLE;
SELECT lives_ok($$UPDATE safeguard.organisation SET senior_contact_name = 'Kim Lee' WHERE code = 'TAP07-LA'$$,
                'after a member of pg_write_all_data rewound the audit sequence, audited changes still succeed');
SELECT setval('safeguard.audit_event_id_seq', greatest(:audit_seq, (SELECT max(id) FROM safeguard.audit_event))) AS restored \gset
SET ROLE sg07_owner;
DO $$ BEGIN PERFORM pg_catalog.setval('safeguard.audit_event_id_seq', 1);
          EXCEPTION WHEN insufficient_privilege OR SQLSTATE 'SG403' THEN NULL; END $$;
RESET ROLE;
SELECT lives_ok($$UPDATE safeguard.organisation SET senior_contact_name = 'Kim Lee-Ward' WHERE code = 'TAP07-LA'$$,
                'after a member of safeguard_owner rewound the audit sequence, audited changes still succeed');
SELECT setval('safeguard.audit_event_id_seq', greatest(:audit_seq, (SELECT max(id) FROM safeguard.audit_event))) AS restored \gset
SELECT count(*) AS audit_rows FROM safeguard.audit_event \gset

--------------------------------------------------------------------------
-- 5. DDL on safeguard's tables
--------------------------------------------------------------------------
-- A role that owns nothing: PostgreSQL refuses (42501).
SET ROLE sg07_nobody;
SELECT throws_ok(pg_temp.attempt(s), '42501', NULL, format('a role without privileges: %s (42501)', s))
FROM unnest(ARRAY[
    'ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard',
    'DROP TRIGGER audit_guard ON safeguard.audit_event',
    'DROP POLICY la_scope ON safeguard.concern',
    'ALTER TABLE safeguard.referral NO FORCE ROW LEVEL SECURITY',
    'ALTER TABLE safeguard.referral DISABLE ROW LEVEL SECURITY',
    'CREATE RULE sg07_rule AS ON INSERT TO safeguard.audit_event DO INSTEAD NOTHING',
    'ALTER TABLE safeguard.audit_event SET UNLOGGED',
    'CREATE TRIGGER sg07_trigger BEFORE INSERT ON safeguard.concern FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger()',
    'CREATE POLICY sg07_policy ON safeguard.concern USING (true)',
    'GRANT INSERT ON safeguard.audit_event TO PUBLIC']) AS s;
RESET ROLE;
-- A member of the owner role passes PostgreSQL's ownership check; the
-- event trigger refuses (SG403) at ddl_command_end, or at sql_drop.
SET ROLE sg07_owner;
SELECT throws_ok(pg_temp.attempt(s), 'SG403', NULL, format('a member of safeguard_owner: %s (SG403)', s))
FROM unnest(ARRAY[
    'ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard',
    'ALTER TABLE safeguard.audit_event ENABLE REPLICA TRIGGER audit_guard',
    'DROP TRIGGER audit_guard ON safeguard.audit_event',
    'DROP TRIGGER refuse_truncate ON safeguard.audit_event',
    'DROP POLICY la_scope ON safeguard.concern',
    'ALTER TABLE safeguard.referral NO FORCE ROW LEVEL SECURITY',
    'ALTER TABLE safeguard.referral DISABLE ROW LEVEL SECURITY',
    'CREATE RULE sg07_rule AS ON INSERT TO safeguard.audit_event DO INSTEAD NOTHING',
    'ALTER TABLE safeguard.audit_event SET UNLOGGED',
    'CREATE TRIGGER sg07_trigger BEFORE INSERT ON safeguard.concern FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger()',
    'CREATE POLICY sg07_policy ON safeguard.concern USING (true)',
    'ALTER POLICY la_scope ON safeguard.referral USING (true)',
    'ALTER TRIGGER audit_guard ON safeguard.audit_event RENAME TO sg07_renamed',
    'GRANT SELECT ON safeguard.pseudonym_key TO PUBLIC',
    'REVOKE SELECT ON safeguard.audit_event FROM safeguard_auditor',
    'ALTER SEQUENCE safeguard.audit_event_id_seq RESTART WITH 1',
    'COMMENT ON TABLE safeguard.audit_event IS ''nothing to see''']) AS s;
RESET ROLE;
-- Not even CREATE TRIGGER is open to a role without the TRIGGER privilege.
SET ROLE sg07_writer;
SELECT throws_ok(pg_temp.attempt('CREATE TRIGGER sg07_trigger BEFORE INSERT ON safeguard.audit_event FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger()'),
                 '42501', NULL, 'pg_write_all_data cannot CREATE TRIGGER on a safeguard table (42501)');
RESET ROLE;
SELECT set_eq('SELECT * FROM pg_temp.sg07_catalog_now', 'SELECT * FROM sg07_catalog',
              'the triggers, policies, rules, owners, persistence and grants of safeguard''s tables are as they were');

--------------------------------------------------------------------------
-- 6. pg_write_all_data writing casework directly
--------------------------------------------------------------------------
SET ROLE sg07_writer;
SELECT lives_ok('UPDATE safeguard.referral SET state = ''closed''',
                'pg_write_all_data: an UPDATE of every referral runs ...');
RESET ROLE;
SELECT is((SELECT state::text FROM safeguard.referral WHERE id = :referral), 'sent',
          '... and changes nothing: row-level security shows it no referral');
SET ROLE sg07_writer;
SELECT throws_ok(format('UPDATE safeguard.referral SET state = ''closed'' WHERE id = %s', :referral),
                 '42501', NULL, 'pg_write_all_data cannot select the referral to update (42501)');
SELECT throws_ok(format('INSERT INTO safeguard.referral (concern_id, case_id, la_id, created_at, created_by) '
                        'VALUES (%s, 1, %s, now(), ''sg07_writer'')', :concern, :la),
                 'SG203', NULL, 'pg_write_all_data cannot insert a referral (SG203: only a triage decision creates one)');
SELECT throws_ok(format('INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id, referrer_anonymous) '
                        'VALUES (now(), ''phone'', ''anonymous'', ''Forged.'', ''{Self-Neglect}'', %s, true)', :la),
                 '42501', NULL, 'pg_write_all_data without a duty cannot log a concern (42501 from the guard)');
SELECT lives_ok('DELETE FROM safeguard.concern', 'pg_write_all_data: a DELETE of every concern runs ...');
SELECT lives_ok('DELETE FROM safeguard.referral', 'pg_write_all_data: a DELETE of every referral runs ...');
RESET ROLE;
SELECT is((SELECT count(*) FROM safeguard.concern), :concerns::bigint,
          '... and deletes nothing: row-level security shows it no concern');
SELECT is((SELECT count(*) FROM safeguard.referral WHERE id = :referral), 1::bigint,
          '... and no referral');
SET ROLE sg07_writer;
DO $$ BEGIN UPDATE safeguard.pseudonym_key SET secret = '\x00';
          EXCEPTION WHEN OTHERS THEN NULL; END $$;
DO $$ BEGIN DELETE FROM safeguard.pseudonym_key;
          EXCEPTION WHEN OTHERS THEN NULL; END $$;
RESET ROLE;
SELECT is((SELECT secret FROM safeguard.pseudonym_key), :'secret'::bytea,
          'pg_write_all_data cannot replace or delete the pseudonym secret');

--------------------------------------------------------------------------
-- 7. After every refused attempt
--------------------------------------------------------------------------
SELECT is((SELECT count(*) FROM safeguard.audit_event), :audit_rows::bigint,
          'no refused attempt left or removed an audit row');
SELECT is((SELECT count(*) FROM safeguard.audit_seal), :seals::bigint,
          'no seal was added or removed');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'the audit trail verifies');
SELECT is_empty(format('SELECT * FROM safeguard.verify_audit(%L)', :'digest'),
                'the digest taken before the attempts verifies');

--------------------------------------------------------------------------
-- 8. A superuser's DDL: allowed, but written into the chain table:ddl
--------------------------------------------------------------------------
SELECT count(*) AS ddl_rows FROM safeguard.audit_event WHERE chain_key = 'table:ddl' \gset
ALTER TABLE safeguard.concern DISABLE TRIGGER concern_after;
ALTER TABLE safeguard.concern ENABLE ALWAYS TRIGGER concern_after;
SELECT results_eq(format($$SELECT acting_role = current_user, row_key, changes ->> 'command'
                          FROM safeguard.audit_event WHERE chain_key = 'table:ddl' AND chain_seq > %s
                          ORDER BY chain_seq$$, :ddl_rows),
                  $$VALUES (true, 'safeguard.concern', 'ALTER TABLE'), (true, 'safeguard.concern', 'ALTER TABLE')$$,
                  'the superuser''s DISABLE and ENABLE ALWAYS TRIGGER are two rows of table:ddl, naming the table');
SELECT is((SELECT tgenabled::text FROM pg_catalog.pg_trigger
           WHERE tgrelid = 'safeguard.concern'::regclass AND tgname = 'concern_after'), 'A',
          'concern_after fires ALWAYS again');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'the audit trail verifies with the DDL rows');

SELECT count(*) AS ddl_rows FROM safeguard.audit_event WHERE chain_key = 'table:ddl' \gset
SET LOCAL session_replication_role = replica;
ALTER TABLE safeguard.concern DISABLE TRIGGER concern_after;
ALTER TABLE safeguard.concern ENABLE ALWAYS TRIGGER concern_after;
SET LOCAL session_replication_role = origin;
SELECT is((SELECT count(*) FROM safeguard.audit_event WHERE chain_key = 'table:ddl'), :ddl_rows + 2::bigint,
          'under session_replication_role = replica the superuser''s DDL is recorded all the same');

SELECT count(*) AS ddl_rows FROM safeguard.audit_event WHERE chain_key = 'table:ddl' \gset
CREATE RULE sg07_rule AS ON UPDATE TO safeguard.deadline_kind DO ALSO NOTHING;
CREATE TRIGGER sg07_trigger BEFORE UPDATE ON safeguard.deadline_kind
    FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger();
ALTER TRIGGER sg07_trigger ON safeguard.deadline_kind RENAME TO sg07_trigger2;
CREATE POLICY sg07_policy ON safeguard.concern USING (false);
GRANT SELECT ON safeguard.pseudonym_key TO sg07_auditor;
SELECT ok(EXISTS (SELECT FROM safeguard.audit_event
                  WHERE chain_key = 'table:ddl' AND chain_seq > :ddl_rows AND changes ->> 'command' = c),
          format('the superuser''s %s on a safeguard table is recorded in table:ddl', c))
FROM unnest(ARRAY['CREATE RULE', 'CREATE TRIGGER', 'ALTER TRIGGER', 'CREATE POLICY', 'GRANT']) AS c;
DROP RULE sg07_rule ON safeguard.deadline_kind;
DROP TRIGGER sg07_trigger2 ON safeguard.deadline_kind;
DROP POLICY sg07_policy ON safeguard.concern;
REVOKE SELECT ON safeguard.pseudonym_key FROM sg07_auditor;
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'the audit trail still verifies');

--------------------------------------------------------------------------
-- 9. CREATE EXTENSION over a schema a hostile role prepared (last: the
--    extension is dropped here; the transaction's rollback restores it)
--------------------------------------------------------------------------
CREATE ROLE sg07_hostile LOGIN;
SELECT format('GRANT CREATE ON DATABASE %I TO sg07_hostile', current_database()) \gexec
DROP VIEW pg_temp.sg07_catalog_now;
DROP EXTENSION safeguard CASCADE;
DROP SCHEMA safeguard;
SET ROLE sg07_hostile;
CREATE SCHEMA safeguard;
RESET ROLE;
SELECT throws_ok('CREATE EXTENSION safeguard', 'SG403', NULL,
                 'CREATE EXTENSION refuses a schema safeguard owned by a role that is not a superuser (SG403)');
SELECT hasnt_extension('safeguard', 'and nothing was installed into it');
ALTER SCHEMA safeguard OWNER TO CURRENT_USER;
CREATE TABLE safeguard.audit_event (id bigint);
SELECT throws_ok('CREATE EXTENSION safeguard', 'SG403', NULL,
                 'CREATE EXTENSION refuses a schema safeguard that already holds objects (SG403)');
DROP TABLE safeguard.audit_event;
DROP SCHEMA safeguard;
SELECT lives_ok('CREATE EXTENSION safeguard', 'without the prepared schema, CREATE EXTENSION works');
SELECT is((SELECT n.nspowner::regrole::text FROM pg_catalog.pg_namespace n WHERE n.nspname = 'safeguard'),
          current_user::text, 'and the schema belongs to the superuser who created it');

SELECT * FROM finish();
ROLLBACK;
