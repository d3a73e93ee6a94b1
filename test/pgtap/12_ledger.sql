-- The live rows proved against the audit trail (issue 14, item 14):
-- safeguard.verify_ledger() and verify_ledger_strict().  Real workflow data
-- verifies clean (casework, a provider enquiry with a shared-key record
-- updated, an unused policy version changed and partly deleted, a pause,
-- the sweeper's alerts, the shipped policy recorded as found); then a
-- superuser goes round the triggers by editing pg_trigger (no DDL, so
-- nothing is recorded) and the ledger finds each change: a referral put in
-- state sent, a concern's description, a row inserted and one deleted
-- without audit rows, a change later overwritten by a recorded one, the
-- shipped policy's timescale; and an audit row's changes document edited
-- (which verify_audit finds too).  verify_audit() stays clean wherever the
-- chains are intact.  The first mismatch in (table, row key) order is the
-- one reported.  The auditor may run it, a role without the duty may not.
BEGIN;
SELECT plan(52);

--------------------------------------------------------------------------
-- Helpers
--------------------------------------------------------------------------
-- Runs statements as the superuser in a subtransaction that is then undone;
-- returns what verify_ledger() (its row), verify_ledger_strict() (the
-- SQLSTATE) and verify_audit() (how many problems) said after them.
CREATE FUNCTION pg_temp.after(stmts text[]) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    s text;
    strict_state text := 'true';
    result jsonb;
BEGIN
    BEGIN
        FOREACH s IN ARRAY stmts LOOP
            EXECUTE s;
        END LOOP;
        BEGIN
            PERFORM safeguard.verify_ledger_strict();
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS strict_state = RETURNED_SQLSTATE;
        END;
        result := jsonb_build_object(
            'ledger', (SELECT to_jsonb(v) FROM safeguard.verify_ledger() v),
            'strict', strict_state,
            'audit_problems', (SELECT count(*) FROM safeguard.verify_audit()));
        RAISE EXCEPTION 'undo' USING ERRCODE = 'ZT001';
    EXCEPTION WHEN SQLSTATE 'ZT001' THEN
        NULL;
    END;
    RETURN result;
END
$$;
-- The ledger's row as one line: table|row_key|column|live|trail.
CREATE FUNCTION pg_temp.line(r jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT concat_ws('|', r->'ledger'->>'table_name', r->'ledger'->>'row_key',
                     coalesce(r->'ledger'->>'column_name', '-'),
                     coalesce(r->'ledger'->>'live_value', 'null'),
                     coalesce(r->'ledger'->>'trail_value', 'null'))
$$;
-- The catalog-edit bypass of the issue: every ALWAYS trigger of a table
-- disabled, then enabled again, by writing pg_trigger (no DDL is run, so
-- the DDL guard records nothing).  A write to pg_trigger does not
-- invalidate the table's cached triggers; a no-op write to its pg_class row
-- does, so this session sees the change at once (a new session would see
-- it anyway: TAP 012 runs the attack across sessions).
CREATE FUNCTION pg_temp.off(tbl text) RETURNS text LANGUAGE sql AS $$
    SELECT format($q$WITH t AS (UPDATE pg_catalog.pg_trigger SET tgenabled = 'D'
                                WHERE tgrelid = %L::regclass AND tgenabled = 'A' RETURNING tgrelid)
                     UPDATE pg_catalog.pg_class SET relhastriggers = true
                     WHERE oid IN (SELECT tgrelid FROM t)$q$, 'safeguard.' || tbl)
$$;
CREATE FUNCTION pg_temp.on(tbl text) RETURNS text LANGUAGE sql AS $$
    SELECT format($q$WITH t AS (UPDATE pg_catalog.pg_trigger SET tgenabled = 'A'
                                WHERE tgrelid = %L::regclass AND tgenabled = 'D' RETURNING tgrelid)
                     UPDATE pg_catalog.pg_class SET relhastriggers = true
                     WHERE oid IN (SELECT tgrelid FROM t)$q$, 'safeguard.' || tbl)
$$;

--------------------------------------------------------------------------
-- 1. The functions and who may run them
--------------------------------------------------------------------------
SELECT function_privs_are('safeguard', f, ARRAY[]::name[], 'public', ARRAY[]::name[],
                          format('PUBLIC may not run %s', f))
FROM unnest(ARRAY['verify_ledger', 'verify_ledger_strict', 'ledger_baseline']) AS f;
SELECT function_privs_are('safeguard', f, ARRAY[]::name[], r, ARRAY['EXECUTE']::name[],
                          format('%s may run %s', r, f))
FROM unnest(ARRAY['verify_ledger', 'verify_ledger_strict']) AS f,
     unnest(ARRAY['safeguard_auditor', 'safeguard_admin']) AS r;
SELECT function_privs_are('safeguard', 'ledger_baseline', ARRAY[]::name[], r, ARRAY[]::name[],
                          format('%s may not record a baseline', r))
FROM unnest(ARRAY['safeguard_auditor', 'safeguard_admin']) AS r;

--------------------------------------------------------------------------
-- 2. What CREATE EXTENSION installed without audit rows is recorded as found
--------------------------------------------------------------------------
SELECT id AS shipped_policy FROM safeguard.deadline_policy WHERE shipped \gset
SELECT is_empty($$
    SELECT 'deadline_policy', id::text FROM safeguard.deadline_policy p
    WHERE shipped AND NOT EXISTS (SELECT FROM safeguard.audit_event a
        WHERE a.table_name = 'deadline_policy' AND a.row_key = p.id::text AND a.action IN ('INSERT', 'BASELINE'))
    UNION ALL
    SELECT 'escalation_rung', format('%s/%s/%s', policy_id, kind, rung) FROM safeguard.escalation_rung x
    WHERE shipped AND NOT EXISTS (SELECT FROM safeguard.audit_event a
        WHERE a.table_name = 'escalation_rung' AND a.row_key = x.policy_id::text
          AND a.action IN ('INSERT', 'BASELINE')
          AND a.changes->>'kind' = x.kind AND a.changes->>'rung' = x.rung::text)
    UNION ALL
    SELECT 'deadline_rule', format('%s/%s', policy_id, kind) FROM safeguard.deadline_rule x
    WHERE shipped AND NOT EXISTS (SELECT FROM safeguard.audit_event a
        WHERE a.table_name = 'deadline_rule' AND a.row_key = x.policy_id::text
          AND a.action IN ('INSERT', 'BASELINE') AND a.changes->>'kind' = x.kind)$$,
    'every shipped policy, rule and rung has an audit row of its insert or a BASELINE');
SELECT ok((SELECT count(*) FROM safeguard.audit_event WHERE action = 'BASELINE') > 0,
          'the rows installed before their audit trigger are BASELINE audit rows');

--------------------------------------------------------------------------
-- Fixture: the regulator, a local authority, a provider and its home; one
-- role per duty; casework through the workflow.
--------------------------------------------------------------------------
\set fixture TAP12
\set clock '2024-06-03 09:00+00'
\set orgs 'cqc=regulator la=local_authority prov=provider loc=provider_location/prov/la'
\set cast 'sg12_insp=inspector@cqc sg12_cc=contact_centre@cqc sg12_la=la_officer@la sg12_admin=admin@cqc'
\set cast :cast ' sg12_auditor=auditor@cqc sg12_nobody'
\ir lib/fixtures.sql

SET ROLE sg12_insp;
SELECT safeguard.log_concern('2024-06-03 08:00+00', 'phone', 'relative', 'Bruising on both arms.',
    '{Physical Abuse}', la_id => :la, referrer_anonymous => true,
    adult_nhs_number => '9434765919') AS c1 \gset
SELECT safeguard.log_concern('2024-06-03 08:10+00', 'email', 'anonymous', 'Left without food.',
    '{Neglect and Acts of Omission}', la_id => :la, referrer_anonymous => true) AS c2 \gset
SELECT safeguard.log_concern('2024-06-03 08:20+00', 'phone', 'anonymous', 'Already known to the council.',
    '{Self-Neglect}', la_id => :la, referrer_anonymous => true) AS c3 \gset
SELECT safeguard.triage_concern(:c1, 'refer_to_la', 'Injuries need an enquiry.', true, true, true) AS r1 \gset
SELECT safeguard.triage_concern(:c2, 'refer_to_la', 'Neglect by carers.', true, true, true) AS r2 \gset
SELECT safeguard.triage_concern(:c3, 'no_referral', 'Already with the council.', true, true, false) AS none \gset
RESET ROLE;
SET ROLE sg12_cc;
SELECT safeguard.send_referral(:r1, 'phone', la_contact => 'Duty desk') AS sent \gset
RESET ROLE;
SET ROLE sg12_la;
SELECT safeguard.acknowledge_referral(:r1, la_reference => 'TAP12-REF-1') AS acknowledged \gset
-- A provider enquiry: two threshold answers share the audit key (the
-- enquiry), and one is answered again.
SELECT safeguard.propose_provider_enquiry(:prov, :la, ARRAY[:loc]::bigint[]) AS enquiry \gset
SELECT safeguard.record_threshold(:enquiry, 'death', false, 'Not known.') AS t1 \gset
SELECT safeguard.record_threshold(:enquiry, 'manager_concerns', false, 'Not known.') AS t2 \gset
SELECT safeguard.record_threshold(:enquiry, 'manager_concerns', true, 'The manager left in May.') AS t3 \gset
RESET ROLE;
-- An unused policy version: two rules alike, one changed; a rung deleted.
SET ROLE sg12_admin;
INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description)
VALUES (:la, '2031-01-01', 'TAP12 future timescales');
SELECT id AS new_policy FROM safeguard.deadline_policy WHERE organisation_id = :la \gset
INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit) VALUES
    (:new_policy, 'triage', 2, 'working_days'), (:new_policy, 'send', 2, 'working_days');
INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit) VALUES
    (:new_policy, 'triage', 'due_soon', -1, 'working_days'),
    (:new_policy, 'triage', 'breach', 0, 'working_days');
UPDATE safeguard.deadline_rule SET amount = 3 WHERE policy_id = :new_policy AND kind = 'send';
DELETE FROM safeguard.escalation_rung WHERE policy_id = :new_policy AND rung = 'breach';
-- A paused deadline.
SELECT safeguard.pause_deadline((SELECT id FROM safeguard.deadline
                                 WHERE subject_table = 'referral' AND subject_id = :r1 AND status = 'open'
                                 ORDER BY id LIMIT 1),
                                'Awaiting police advice.') AS pause \gset
RESET ROLE;
-- The sweeper's alerts, a week on.
SELECT safeguard.set_clock('2024-06-12 09:00+00') IS NOT NULL AS pinned \gset
SELECT safeguard.sweep() AS fired \gset

--------------------------------------------------------------------------
-- 3. Real workflow data verifies
--------------------------------------------------------------------------
SELECT ok(:fired > 0, 'precondition: the sweeper fired alerts');
SELECT is((SELECT count(*)::int FROM safeguard.audit_event
           WHERE table_name = 'escalation_rung' AND row_key = :'new_policy' AND action = 'DELETE'
             AND changes->>'rung' = 'breach'), 1,
          'the administrator''s deletion of a rung of an unused policy is recorded (action DELETE, the row as it was)');
SELECT is_empty('SELECT * FROM safeguard.verify_ledger()',
                'verify_ledger(): every audited row agrees with the trail');
SELECT ok(safeguard.verify_ledger_strict(), 'verify_ledger_strict() is true');
SELECT is(safeguard.ledger_baseline(), 0::bigint,
          'ledger_baseline() again records nothing: every row has its audit rows');

SET ROLE sg12_auditor;
SELECT is_empty('SELECT * FROM safeguard.verify_ledger()',
                'the auditor runs verify_ledger() and sees every row (forced row-level security notwithstanding): clean');
SELECT ok(safeguard.verify_ledger_strict(), 'the auditor runs verify_ledger_strict()');
SELECT throws_ok('SELECT safeguard.ledger_baseline()', '42501', NULL,
                 'the auditor cannot record a baseline (42501)');
RESET ROLE;
SET ROLE sg12_nobody;
SELECT throws_ok('SELECT * FROM safeguard.verify_ledger()', '42501', NULL,
                 'a role without the auditor or admin duty cannot run verify_ledger() (42501)');
SELECT throws_ok('SELECT safeguard.verify_ledger_strict()', '42501', NULL,
                 'nor verify_ledger_strict() (42501)');
RESET ROLE;
SET ROLE sg12_la;
SELECT throws_ok('SELECT * FROM safeguard.verify_ledger()', '42501', NULL,
                 'nor can an LA officer (42501)');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. The attack of the issue: triggers disabled in pg_trigger, a referral
--    put in state sent with no audit row, triggers enabled again
--------------------------------------------------------------------------
SELECT pg_temp.after(ARRAY[pg_temp.off('referral'),
    format($$UPDATE safeguard.referral SET state = 'sent' WHERE id = %s$$, :r2),
    pg_temp.on('referral')]) AS res \gset
SELECT is(pg_temp.line(:'res'), format('referral|%s|state|sent|awaiting_send', :r2),
          'a referral flipped to sent: verify_ledger() names the referral, its state, what it holds and what the trail says');
SELECT is((:'res'::jsonb->'ledger'->>'audit_id')::bigint,
          (SELECT max(id) FROM safeguard.audit_event WHERE table_name = 'referral' AND row_key = :'r2'),
          'and the referral''s newest audit row');
SELECT is(:'res'::jsonb->'ledger'->>'primary_key', format('(id)=(%s)', :r2), 'and its primary key');
SELECT is(:'res'::jsonb->'ledger'->>'problem', 'the row differs from the newest values its audit rows record',
          'and the problem');
SELECT is(:'res'::jsonb->>'strict', 'SG404', 'verify_ledger_strict() raises SG404');
SELECT is((:'res'::jsonb->>'audit_problems')::int, 0, 'while verify_audit() is clean: the chains are intact');

--------------------------------------------------------------------------
-- 5. Other changes behind the triggers
--------------------------------------------------------------------------
SELECT pg_temp.after(ARRAY[pg_temp.off('concern'),
    format($$UPDATE safeguard.concern SET description = 'Nothing of note.' WHERE id = %s$$, :c1),
    pg_temp.on('concern')]) AS res \gset
SELECT is(pg_temp.line(:'res'), format('concern|%s|description|Nothing of note.|Bruising on both arms.', :c1),
          'a concern''s description rewritten: found, with both texts');
SELECT is((:'res'::jsonb->>'audit_problems')::int, 0, 'verify_audit() is clean');

SELECT pg_temp.after(ARRAY[pg_temp.off('concern'),
    format($$INSERT INTO safeguard.concern (received_at, channel, source, referrer_anonymous, la_id,
                                            risk_types, description)
             VALUES ('2024-06-03 07:00+00', 'phone', 'anonymous', true, %s, '{Financial or Material Abuse}',
                     'Inserted behind the triggers.')$$, :la),
    pg_temp.on('concern')]) AS res \gset
SELECT is(concat_ws('|', :'res'::jsonb->'ledger'->>'table_name', :'res'::jsonb->'ledger'->>'primary_key',
                    :'res'::jsonb->'ledger'->>'problem'),
          format('concern|(id)=(%s)|the row has no audit row recording its insert',
                 (SELECT last_value FROM safeguard.concern_id_seq)),
          'a concern inserted without audit rows: found, by its key');
SELECT is((:'res'::jsonb->>'audit_problems')::int, 0, 'verify_audit() is clean');

SELECT pg_temp.after(ARRAY[pg_temp.off('deadline_pause'),
    format($$DELETE FROM safeguard.deadline_pause WHERE id = %s$$, :pause),
    pg_temp.on('deadline_pause')]) AS res \gset
SELECT is(concat_ws('|', :'res'::jsonb->'ledger'->>'table_name', :'res'::jsonb->'ledger'->>'row_key',
                    :'res'::jsonb->'ledger'->>'problem', :'res'::jsonb->'ledger'->>'audit_id'),
          format('deadline_pause|%s|audit rows record a row that does not exist|%s', :pause,
                 (SELECT max(id) FROM safeguard.audit_event WHERE table_name = 'deadline_pause' AND row_key = :'pause')),
          'a pause deleted without an audit row: found, with its newest audit row');
SELECT is((:'res'::jsonb->>'audit_problems')::int, 0, 'verify_audit() is clean');

-- A change behind the triggers that a recorded change later overwrites:
-- the live row agrees with the trail again, but the recorded change found
-- a value no audit row had given.
SELECT pg_temp.after(ARRAY[pg_temp.off('referral'),
    format($$UPDATE safeguard.referral SET la_contact = 'Forged contact' WHERE id = %s$$, :r2),
    pg_temp.on('referral'),
    'SET ROLE sg12_cc',
    format($$SELECT safeguard.send_referral(%s, 'phone', la_contact => 'Duty desk')$$, :r2),
    'RESET ROLE']) AS res \gset
SELECT is(pg_temp.line(:'res'), format('referral|%s|la_contact|Forged contact|null', :r2),
          'a change later overwritten by a recorded one: found at the recorded change');
SELECT ok((:'res'::jsonb->'ledger'->>'audit_id')::bigint > (SELECT max(id) FROM safeguard.audit_event),
          'the audit row named is one the recorded change wrote');
SELECT is(:'res'::jsonb->'ledger'->>'problem',
          'the row was changed without an audit row: a later audit row found another value', 'and the problem');
SELECT is((:'res'::jsonb->>'audit_problems')::int, 0, 'verify_audit() is clean');

-- The shipped policy (recorded as found at install): its triage timescale.
SELECT pg_temp.after(ARRAY[pg_temp.off('deadline_rule'),
    format($$UPDATE safeguard.deadline_rule SET amount = 200 WHERE policy_id = %s AND kind = 'triage'$$,
           :shipped_policy),
    pg_temp.on('deadline_rule')]) AS res \gset
SELECT is(concat_ws('|', pg_temp.line(:'res'), :'res'::jsonb->'ledger'->>'primary_key'),
          format('deadline_rule|%s|amount|200|%s|(policy_id, kind)=(%s, triage)', :shipped_policy,
                 (SELECT amount FROM safeguard.deadline_rule WHERE policy_id = :shipped_policy AND kind = 'triage'),
                 :shipped_policy),
          'the shipped policy''s triage timescale changed: found, the rule named by its primary key');
SELECT is((:'res'::jsonb->>'audit_problems')::int, 0, 'verify_audit() is clean');

-- A threshold answer (a key shared by the enquiry's answers).
SELECT pg_temp.after(ARRAY[pg_temp.off('enquiry_criterion'),
    format($$UPDATE safeguard.enquiry_criterion SET met = true WHERE enquiry_id = %s AND criterion = 'death'$$,
           :enquiry),
    pg_temp.on('enquiry_criterion')]) AS res \gset
SELECT is(concat_ws('|', pg_temp.line(:'res'), :'res'::jsonb->'ledger'->>'primary_key'),
          format('enquiry_criterion|%s|met|true|false|(enquiry_id, criterion)=(%s, death)', :enquiry, :enquiry),
          'a threshold answer changed: found, the answer named by its primary key');

-- An audit row's changes document edited (audit_guard disabled too): the
-- live row no longer agrees with it, and verify_audit finds the hash broken.
SELECT pg_temp.after(ARRAY[pg_temp.off('audit_event'),
    format($$UPDATE safeguard.audit_event SET changes = changes || '{"description": "Nothing of note."}'
             WHERE table_name = 'concern' AND row_key = '%s' AND action = 'INSERT'$$, :c1),
    pg_temp.on('audit_event')]) AS res \gset
SELECT is(pg_temp.line(:'res'), format('concern|%s|description|Bruising on both arms.|Nothing of note.', :c1),
          'an altered changes document: the live row differs from what the trail now says');
SELECT is((:'res'::jsonb->>'audit_problems')::int, 1, 'and verify_audit() finds the altered audit row');

--------------------------------------------------------------------------
-- 6. The first mismatch, in (table, row key) order
--------------------------------------------------------------------------
SELECT pg_temp.after(ARRAY[pg_temp.off('referral'), pg_temp.off('concern'),
    format($$UPDATE safeguard.referral SET state = 'sent' WHERE id = %s$$, :r2),
    format($$UPDATE safeguard.concern SET description = 'Changed.' WHERE id IN (%s, %s)$$, :c1, :c2),
    pg_temp.on('referral'), pg_temp.on('concern')]) AS res \gset
SELECT is(concat_ws('|', :'res'::jsonb->'ledger'->>'table_name', :'res'::jsonb->'ledger'->>'row_key'),
          'concern|' || least(:'c1'::text COLLATE "C", :'c2'::text COLLATE "C"),
          'three rows changed: the one reported is the first table (concern before referral), first key');

--------------------------------------------------------------------------
-- 7. Columns added later: rows older than a column hold the value it was
--    added with, which no audit row of theirs records
--------------------------------------------------------------------------
-- (As an update script would; the DDL guard records the superuser's DDL.)
ALTER TABLE safeguard.organisation ADD COLUMN sg12_region text DEFAULT 'north';
SELECT is_empty('SELECT * FROM safeguard.verify_ledger()',
                'a column added with a default: the older rows hold it as the column''s missing value, and verify');
-- A generated column rewrites the table: the region is stored in every row
-- and its missing value forgotten (as VACUUM FULL would).
ALTER TABLE safeguard.organisation ADD COLUMN sg12_upper text GENERATED ALWAYS AS (upper(name)) STORED;
SELECT is((SELECT atthasmissing FROM pg_catalog.pg_attribute
           WHERE attrelid = 'safeguard.organisation'::regclass AND attname = 'sg12_region'), false,
          'precondition: the rewrite forgot the missing value');
SELECT is_empty('SELECT * FROM safeguard.verify_ledger()',
                'after the rewrite: the older rows hold the column''s constant default, and a computed value, and verify');
INSERT INTO safeguard.organisation (kind, name, code, sg12_region)
VALUES ('provider', 'TAP12 Later Provider', 'TAP12-P2', NULL);
SELECT id AS later FROM safeguard.organisation WHERE code = 'TAP12-P2' \gset
SELECT is_empty('SELECT * FROM safeguard.verify_ledger()', 'an organisation added since verifies');
SELECT pg_temp.after(ARRAY[pg_temp.off('organisation'),
    format($$UPDATE safeguard.organisation SET sg12_region = 'south' WHERE id = %s$$, :la),
    pg_temp.on('organisation')]) AS res \gset
SELECT is(pg_temp.line(:'res'), format('organisation|%s|sg12_region|south|null', :la),
          'an older row''s added column changed to another value: found');
SELECT pg_temp.after(ARRAY[pg_temp.off('organisation'),
    format($$UPDATE safeguard.organisation SET sg12_region = 'north' WHERE id = %s$$, :later),
    pg_temp.on('organisation')]) AS res \gset
SELECT is(pg_temp.line(:'res'), format('organisation|%s|sg12_region|north|null', :later),
          'a row inserted with the column NULL, changed to the default: found (its insert proves the column existed)');
ALTER TABLE safeguard.organisation DROP COLUMN sg12_upper, DROP COLUMN sg12_region;

--------------------------------------------------------------------------
-- 8. Every attack above was undone; the workflow goes on and verifies
--------------------------------------------------------------------------
SET ROLE sg12_cc;
SELECT safeguard.send_referral(:r2, 'email', la_contact => 'Hub') AS sent2 \gset
RESET ROLE;
SET ROLE sg12_auditor;
SELECT is_empty('SELECT * FROM safeguard.verify_ledger()', 'after the attacks (undone) and more work: clean');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM safeguard.verify_audit()), 0, 'and verify_audit() is clean');

SELECT * FROM finish();
ROLLBACK;
