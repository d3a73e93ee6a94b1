-- Findings of bench/sqlsmith.sh (SQLsmith as an unprivileged role per duty), each reduced to
-- its smallest statement, asserted by SQLSTATE, never by message text.
--
-- 1. UPDATE or DELETE of safeguard.escalation_rung raised XX000 (an internal error:
--    "column id not found") instead of the policy guard's answer: the guard read the policy id
--    of every table but deadline_rule from a column "id", which escalation_rung (keyed by
--    policy_id) does not have.  Found as the admin duty with
--        DELETE FROM safeguard.escalation_rung WHERE kind IS NOT NULL RETURNING offset_unit;
--    Now a ladder of a policy version in use is frozen like its rules (SG212) and one of an
--    unused version can be changed and deleted by an administrator.
-- 2. INSERT or UPDATE of safeguard.division with a NULL division crashed the server (SIGSEGV):
--    the BEFORE trigger division_guard read the name without checking for NULL.  Found as the
--    admin duty with
--        INSERT INTO safeguard.division VALUES (NULL, NULL, NULL, DEFAULT, false);
--    Now the primary key refuses the row (23502), and the guard's own checks still apply to a
--    named division.
-- 3. More crashes of the same kind (a BEFORE trigger reading an enum column without checking
--    for NULL: NOT NULL constraints are checked after BEFORE triggers), the first found by
--    sqlsmith as admin (INSERT INTO safeguard.organisation with kind NULL), the others by
--    reading every trigger that parses an enum label: an enquiry appointment without a duty,
--    an enquiry meeting without a kind, a concern without a source.  Each is now SG202.
-- 4. Setting a referral's state or an enquiry's stage to NULL raised XX000 (found by a
--    NULL into every column each duty may write): now SG202.
BEGIN;
SELECT plan(34);

--------------------------------------------------------------------------
-- Fixture: the regulator, a local authority, an administrator, an
-- inspector; one concern logged, so the shipped policy is in use.
--------------------------------------------------------------------------
\set fixture TAP09
\set clock '2026-03-03 10:00+00'
\set orgs 'cqc=regulator la=local_authority prov=provider home=provider_location/prov/la'
\set cast 'sg09_admin=admin@cqc sg09_insp=inspector@cqc sg09_la=la_officer@la sg09_la_admin=admin@la'
\set cast :cast ' sg09_sam=sam@la sg09_eo=enquiry_officer@la'
\ir lib/fixtures.sql

SET ROLE sg09_insp;
SELECT safeguard.log_concern('2026-03-03 09:00+00', 'phone', 'anonymous', 'Missed visits.',
    '{Neglect and Acts of Omission}', la_id => :la, referrer_anonymous => true) AS c1 \gset
RESET ROLE;
SELECT ok((SELECT count(*) FROM safeguard.deadline WHERE policy_id = :shipped_policy) > 0,
          'precondition: a deadline uses the shipped policy');
SELECT (SELECT count(*) FROM safeguard.escalation_rung WHERE policy_id = :shipped_policy) AS shipped_rungs,
       (SELECT string_agg(format('%s/%s/%s/%s', kind, rung, offset_amount, offset_unit), ',' ORDER BY kind, rung)
          FROM safeguard.escalation_rung WHERE policy_id = :shipped_policy) AS shipped_ladder \gset
SELECT ok(:shipped_rungs > 0, 'precondition: the shipped policy has an escalation ladder');

--------------------------------------------------------------------------
-- 1. The ladder of a policy version in use is frozen: SG212, never XX000
--------------------------------------------------------------------------
SET ROLE sg09_admin;
SELECT throws_ok('DELETE FROM safeguard.escalation_rung WHERE kind IS NOT NULL RETURNING offset_unit',
                 'SG212', NULL, 'sqlsmith''s statement (admin): deleting rungs of a policy in use is SG212');
SELECT throws_ok(format($$DELETE FROM safeguard.escalation_rung WHERE policy_id = %s AND kind = 'triage'
                          AND rung = 'breach'$$, :shipped_policy),
                 'SG212', NULL, 'deleting one rung of a policy version in use: SG212');
SELECT throws_ok(format($$UPDATE safeguard.escalation_rung SET offset_amount = offset_amount + 1
                          WHERE policy_id = %s AND kind = 'triage' AND rung = 'escalate'$$, :shipped_policy),
                 'SG212', NULL, 'changing a rung of a policy version in use: SG212');
RESET ROLE;
SELECT throws_ok(format($$UPDATE safeguard.escalation_rung SET offset_amount = 1
                          WHERE policy_id = %s$$, :shipped_policy),
                 'SG212', NULL, 'a superuser changing a rung of a policy version in use: SG212 too');
SET ROLE sg09_insp;
SELECT throws_ok('DELETE FROM safeguard.escalation_rung', '42501', NULL,
                 'an inspector deleting rungs: 42501');
RESET ROLE;
SELECT is((SELECT string_agg(format('%s/%s/%s/%s', kind, rung, offset_amount, offset_unit), ',' ORDER BY kind, rung)
             FROM safeguard.escalation_rung WHERE policy_id = :shipped_policy),
          :'shipped_ladder', 'the refused statements left the shipped ladder as it was');

--------------------------------------------------------------------------
-- 2. The ladder of an unused policy version: an administrator changes and
--    deletes its rungs
--------------------------------------------------------------------------
SET ROLE sg09_admin;
SELECT lives_ok(format($$INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description)
                         VALUES (%s, '2031-01-01', 'TAP09 future timescales')$$, :la),
                'an administrator adds a policy version');
SELECT id AS new_policy FROM safeguard.deadline_policy WHERE organisation_id = :la \gset
SELECT lives_ok(format($$INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit)
                         VALUES (%s, 'triage', 2, 'working_days')$$, :new_policy),
                'and a rule');
SELECT lives_ok(format($$INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit)
                         VALUES (%s, 'triage', 'due_soon', -1, 'working_days'),
                                (%s, 'triage', 'breach', 0, 'working_days')$$, :new_policy, :new_policy),
                'and its ladder');
SELECT lives_ok(format($$UPDATE safeguard.escalation_rung SET offset_amount = -2
                         WHERE policy_id = %s AND rung = 'due_soon'$$, :new_policy),
                'an administrator changes a rung of an unused policy version');
SELECT is((SELECT offset_amount FROM safeguard.escalation_rung
            WHERE policy_id = :new_policy AND kind = 'triage' AND rung = 'due_soon'), -2,
          'the rung is changed');
SELECT lives_ok(format($$DELETE FROM safeguard.escalation_rung WHERE policy_id = %s AND rung = 'breach'$$,
                       :new_policy),
                'an administrator deletes a rung of an unused policy version');
SELECT is((SELECT count(*)::int FROM safeguard.escalation_rung WHERE policy_id = :new_policy), 1,
          'one rung is left');
RESET ROLE;

--------------------------------------------------------------------------
-- 3. A division without a name: refused by the primary key, no crash
--------------------------------------------------------------------------
SELECT string_agg(format('%s/%s/%s/%s', division, time_zone, covered_from, covered_to), ',' ORDER BY division)
       AS divisions FROM safeguard.division \gset
SET ROLE sg09_admin;
SELECT throws_ok('INSERT INTO safeguard.division VALUES (NULL, NULL, NULL, DEFAULT, false)',
                 '23502', NULL, 'sqlsmith''s statement (admin): a division with every column NULL is 23502');
SELECT throws_ok($$INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to)
                   VALUES (NULL, 'Europe/London', '2020-01-01', '2020-12-31')$$,
                 '23502', NULL, 'a division without a name: 23502');
SELECT throws_ok($$UPDATE safeguard.division SET division = NULL WHERE division = 'scotland'$$,
                 '23502', NULL, 'renaming a division to NULL: 23502');
SELECT throws_ok($$INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to)
                   VALUES ('tap09-test', NULL, '2020-01-01', '2020-12-31')$$,
                 'SG107', NULL, 'a named division without a time zone: still SG107');
SELECT throws_ok($$INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to)
                   VALUES ('tap09-test', 'Europe/London', '2021-01-01', '2020-12-31')$$,
                 'SG108', NULL, 'a named division with its coverage reversed: still SG108');
RESET ROLE;
SELECT throws_ok('INSERT INTO safeguard.division VALUES (NULL, NULL, NULL, DEFAULT, false)',
                 '23502', NULL, 'the same statement as a superuser: 23502');
SELECT is((SELECT string_agg(format('%s/%s/%s/%s', division, time_zone, covered_from, covered_to), ',' ORDER BY division)
             FROM safeguard.division), :'divisions',
          'the refused statements left the divisions as they were (and the server up)');

--------------------------------------------------------------------------
-- 4. Enum columns left NULL: SG202, no crash
--------------------------------------------------------------------------
SET ROLE sg09_admin;
SELECT throws_ok($$INSERT INTO safeguard.organisation (kind, name) VALUES (NULL, 'TAP09 No kind')$$,
                 'SG202', NULL, 'sqlsmith''s statement (admin): an organisation without a kind is SG202');
SELECT throws_ok($$UPDATE safeguard.organisation SET kind = NULL WHERE code = 'TAP09-PROV'$$,
                 'SG202', NULL, 'an organisation''s kind set to NULL: SG202');
RESET ROLE;
SET ROLE sg09_la;
SELECT safeguard.propose_provider_enquiry(:prov, :la, ARRAY[:home]) AS enquiry \gset
SELECT safeguard.record_threshold(:enquiry, 'death', true, 'TAP09: a death linked to neglect.');
RESET ROLE;
SET ROLE sg09_la_admin;
SELECT throws_ok(format($$INSERT INTO safeguard.enquiry_appointment (enquiry_id, role, duty)
                          VALUES (%s, 'sg09_eo', NULL)$$, :enquiry),
                 'SG202', NULL, 'an enquiry appointment without a duty: SG202');
SELECT lives_ok(format($$SELECT safeguard.appoint_to_enquiry(%s, 'sg09_eo', 'enquiry_officer')$$, :enquiry),
                'the same appointment with its duty is made');
RESET ROLE;
SET ROLE sg09_sam;
SELECT lives_ok(format($$SELECT safeguard.invoke_provider_enquiry(%s, 'moderate', 'TAP09: threshold met.')$$,
                       :enquiry), 'the SAM invokes the enquiry');
SELECT throws_ok(format($$INSERT INTO safeguard.enquiry_meeting (enquiry_id, kind, held_at)
                          VALUES (%s, NULL, safeguard.now())$$, :enquiry),
                 'SG202', NULL, 'an enquiry meeting without a kind: SG202');
RESET ROLE;
SET ROLE sg09_insp;
SELECT throws_ok(format($$SELECT safeguard.log_concern(safeguard.now() - interval '1 hour', 'phone', NULL,
                            'No source.', '{Self-Neglect}', la_id => %s, referrer_anonymous => true)$$, :la),
                 'SG202', NULL, 'a concern without a source: SG202');
SELECT safeguard.triage_concern(:c1, 'refer_to_la', 'TAP09: refer.', true, true, true) AS r1 \gset
RESET ROLE;
SET ROLE sg09_admin;
SELECT throws_ok(format('UPDATE safeguard.referral SET state = NULL WHERE id = %s', :r1),
                 'SG202', NULL, 'a referral''s state set to NULL: SG202, not XX000');
RESET ROLE;
SET ROLE sg09_sam;
SELECT throws_ok(format('UPDATE safeguard.provider_enquiry SET stage = NULL WHERE id = %s', :enquiry),
                 'SG202', NULL, 'an enquiry''s stage set to NULL: SG202, not XX000');
RESET ROLE;
SELECT is((SELECT state::text FROM safeguard.referral WHERE id = :r1), 'awaiting_send',
          'the referral is still awaiting its send');

--------------------------------------------------------------------------
-- The audit trail verifies after all of it
--------------------------------------------------------------------------
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'verify_audit() finds no broken row');
SELECT ok(safeguard.verify_audit_strict(), 'verify_audit_strict() is true');

SELECT * FROM finish();
ROLLBACK;
