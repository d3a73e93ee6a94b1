-- Workflow access: the privilege inventory, row-level security between two
-- local authorities, what each duty can see, and duty grants as the
-- authority (revocation, pooled connections, grant refusals, the audit of
-- who acted).  Every check runs under SET ROLE to the role concerned.
BEGIN;
SELECT plan(138);

--------------------------------------------------------------------------
-- 1. Privilege inventory
--------------------------------------------------------------------------
SELECT table_privs_are('safeguard', t, 'public', ARRAY[]::name[],
                       format('PUBLIC has no privilege on safeguard.%s', t))
FROM unnest(ARRAY['concern', 'triage', 'referral', 'safeguarding_case', 'deadline',
                  'duty_grant', 'audit_event', 'pseudonym_key']) AS t;

-- audit_event: read by admin and auditor, written by nobody but the owner.
SELECT table_privs_are('safeguard', 'audit_event', r,
                       CASE WHEN r IN ('safeguard_admin', 'safeguard_auditor')
                            THEN ARRAY['SELECT']::name[] ELSE ARRAY[]::name[] END,
                       format('%s may at most read the audit trail', r))
FROM unnest(ARRAY['safeguard_admin', 'safeguard_contact_centre', 'safeguard_inspector',
                  'safeguard_la_officer', 'safeguard_sam', 'safeguard_enquiry_officer',
                  'safeguard_commissioner', 'safeguard_provider', 'safeguard_reader',
                  'safeguard_auditor', 'safeguard_integration']) AS r;
SELECT is((SELECT count(*)::int
           FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
           WHERE c.oid = 'safeguard.audit_event'::regclass
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
          0, 'no role but the owner (nor PUBLIC) holds INSERT, UPDATE, DELETE or TRUNCATE on audit_event');

SELECT function_privs_are('safeguard', 'grant_duty', ARRAY['regrole', 'safeguard.duty', 'bigint'],
                          'public', ARRAY[]::name[], 'PUBLIC may not grant duties');
SELECT function_privs_are('safeguard', 'revoke_duty', ARRAY['regrole', 'safeguard.duty'],
                          'public', ARRAY[]::name[], 'PUBLIC may not revoke duties');
SELECT function_privs_are('safeguard', 'set_clock', ARRAY['timestamp with time zone'],
                          'public', ARRAY[]::name[], 'PUBLIC may not move the clock');
SELECT function_privs_are('safeguard', 'set_clock', ARRAY['timestamp with time zone'],
                          'safeguard_admin', ARRAY[]::name[], 'not even safeguard_admin may move the clock');

-- SECURITY DEFINER: none today (the wrappers run with the caller's rights);
-- any that appears must pin search_path.
SELECT results_eq($$SELECT p.oid::regprocedure::text COLLATE "default" FROM pg_catalog.pg_proc p
                    WHERE p.pronamespace = 'safeguard'::regnamespace AND p.prosecdef
                    ORDER BY 1$$,
                  ARRAY[]::text[],
                  'safeguard has no SECURITY DEFINER function (workflow wrappers are SECURITY INVOKER)');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'safeguard'::regnamespace AND p.prosecdef
                    AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)$$,
                'every SECURITY DEFINER function in safeguard pins search_path');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
                  WHERE p.pronamespace = 'safeguard'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
                    AND p.prosqlbody IS NULL
                    AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)$$,
                'every SQL and PL/pgSQL function with a string body in safeguard pins search_path too');
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
                WHERE p.pronamespace = 'safeguard'::regnamespace AND p.prosqlbody IS NOT NULL$$,
              ARRAY['safeguard.local_date(timestamp with time zone)',
                    'safeguard.local_day_start(date)',
                    'safeguard.working_days_since(timestamp with time zone,text)'],
              'only the three inlinable helpers have SQL-standard bodies (bound at creation, no search_path to pin)');

SELECT is_empty($$SELECT c.relname, t.tgname, t.tgenabled FROM pg_catalog.pg_trigger t
                  JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
                  WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT t.tgisinternal
                    AND t.tgenabled <> 'A'$$,
                'every trigger on safeguard tables fires ALWAYS (even under session_replication_role = replica)');
SELECT results_eq($$SELECT c.relname::text COLLATE "default" FROM pg_catalog.pg_class c
                    WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
                      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t
                                      WHERE t.tgrelid = c.oid AND t.tgname = 'refuse_truncate'
                                        AND t.tgenabled = 'A')
                    ORDER BY 1$$,
                  ARRAY[]::text[],
                  'every safeguard table has an ALWAYS refuse_truncate trigger');

SELECT results_eq($$SELECT c.relname::text COLLATE "default", c.relrowsecurity, c.relforcerowsecurity
                    FROM pg_catalog.pg_class c
                    WHERE c.oid IN ('safeguard.concern'::regclass, 'safeguard.triage'::regclass,
                                    'safeguard.referral'::regclass, 'safeguard.safeguarding_case'::regclass,
                                    'safeguard.deadline'::regclass)
                    ORDER BY 1$$,
                  $$VALUES ('concern', true, true), ('deadline', true, true), ('referral', true, true),
                           ('safeguarding_case', true, true), ('triage', true, true)$$,
                  'row-level security is enabled and forced on the five casework tables');
SELECT policies_are('safeguard', 'concern', ARRAY['la_scope', 'reader_scope', 'by_referral'], 'concern: la_scope, reader_scope for safeguard_reader, by_referral (seen with its referral)');
SELECT policies_are('safeguard', 'triage', ARRAY['la_scope', 'reader_scope'], 'triage: la_scope, and reader_scope for safeguard_reader');
SELECT policies_are('safeguard', 'referral', ARRAY['la_scope', 'reader_scope'], 'referral: la_scope, and reader_scope for safeguard_reader');
SELECT policies_are('safeguard', 'safeguarding_case', ARRAY['la_scope', 'reader_scope', 'by_referral'], 'safeguarding_case: la_scope, reader_scope for safeguard_reader, by_referral (seen with its referral)');
SELECT policies_are('safeguard', 'deadline', ARRAY['own_or_overseen', 'reader_scope', 'enquiry_lead'], 'deadline: own_or_overseen, reader_scope for safeguard_reader, enquiry_lead (every deadline of an enquiry its lead sees)');

--------------------------------------------------------------------------
-- Fixture: the regulator, local authorities A and B, a provider with a
-- location in A, and one role per duty.  The clock is pinned.
--------------------------------------------------------------------------
\set fixture TAP03
\set clock '2024-03-05 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority prov=provider' ' loc=provider_location/prov/laa'
\set cast 'sg03_cc=contact_centre@cqc sg03_insp=inspector@cqc sg03_la_a=la_officer@laa'
\set cast :cast ' sg03_la_b=la_officer@lab sg03_admin=admin@cqc sg03_prov=provider@prov'
\set cast :cast ' sg03_aud=auditor@cqc sg03_reader=reader@cqc sg03_nobody sg03_multi'
\ir lib/fixtures.sql
SELECT safeguard.grant_duty('sg03_multi', 'inspector', :cqc) AS g9,
       safeguard.grant_duty('sg03_multi', 'contact_centre', :cqc) AS g10 \gset

-- Casework in both authorities.
SET ROLE sg03_insp;
SELECT safeguard.log_concern('2024-03-04 09:00+00', 'phone', 'relative', 'Bruising on both arms.',
    '{Physical Abuse}', provider_location_id => :loc, referrer_name => 'Jo Smith',
    referrer_phone => '07700 900123', adult_nhs_number => '943 476 5919',
    adult_name => 'Mary Smith') AS ca1 \gset
SELECT safeguard.log_concern('2024-03-04 09:30+00', 'web_form', 'anonymous', 'Money going missing.',
    '{Financial or Material Abuse}', la_id => :laa, referrer_anonymous => true) AS ca2 \gset
SELECT safeguard.log_concern('2024-03-04 10:00+00', 'phone', 'anonymous', 'Neighbour not seen for a week.',
    '{Self-Neglect}', la_id => :lab, referrer_anonymous => true) AS cb1 \gset
SELECT safeguard.log_concern('2024-03-04 10:30+00', 'email', 'professional', 'Missed medication.',
    '{Neglect and Acts of Omission}', la_id => :lab, referrer_name => 'Sam Lee',
    referrer_email => 'sam.lee@nhs.example', adult_nhs_number => '4010232137') AS cb2 \gset
SELECT safeguard.triage_concern(:ca1, 'refer_to_la', 'Unexplained injuries in a care home.', true, true, true) AS ra1 \gset
SELECT safeguard.triage_concern(:ca2, 'refer_to_la', 'Possible financial abuse.', true, true, true) AS ra2 \gset
SELECT safeguard.triage_concern(:cb1, 'refer_to_la', 'Self-neglect, care needs.', true, true, true) AS rb1 \gset
RESET ROLE;
SET ROLE sg03_cc;
SELECT safeguard.send_referral(:ra1, 'secure_email') AS sent_a1,
       safeguard.send_referral(:rb1, 'secure_email') AS sent_b1 \gset
RESET ROLE;

--------------------------------------------------------------------------
-- 2. Row-level security
--------------------------------------------------------------------------
-- A local authority officer logs and triages concerns of its own authority.
SET ROLE sg03_la_a;
SELECT lives_ok(format($$SELECT safeguard.log_concern('2024-03-05 08:00+00', 'phone', 'relative',
                    'Carer shouting at her.', '{Psychological Abuse}', la_id => %s,
                    referrer_name => 'Ann Bell', referrer_address => '1 High St')$$, :laa),
                'an officer of A logs a concern for A');
RESET ROLE;
SELECT max(id) AS ca3 FROM safeguard.concern WHERE la_id = :laa \gset
SET ROLE sg03_la_a;
SELECT lives_ok(format($$SELECT safeguard.triage_concern(%s, 'no_referral',
                    'Family dispute already handled by the council.', true, false, false)$$, :ca3),
                'an officer of A triages A''s concern as no_referral');
SELECT lives_ok(format('SELECT safeguard.acknowledge_referral(%s, la_reference => %L)', :ra1, 'A-0001'),
                'an officer of A acknowledges A''s referral');
SELECT throws_ok(format($$SELECT safeguard.log_concern('2024-03-05 08:00+00', 'phone', 'anonymous',
                    'x', '{Self-Neglect}', la_id => %s, referrer_anonymous => true)$$, :lab),
                 '42501', NULL, 'an officer of A cannot log a concern for B');
RESET ROLE;

-- What each authority should see, computed without row-level security.
SELECT array_agg(id ORDER BY id) AS a_cases FROM safeguard.safeguarding_case WHERE la_id = :laa \gset
SELECT array_agg(id ORDER BY id) AS b_cases FROM safeguard.safeguarding_case WHERE la_id = :lab \gset
SELECT array_agg(id ORDER BY id) AS a_deadlines FROM safeguard.deadline WHERE organisation_id = :laa \gset
SELECT array_agg(id ORDER BY id) AS b_deadlines FROM safeguard.deadline WHERE organisation_id = :lab \gset
SELECT array_agg(id ORDER BY id) AS all_concerns FROM safeguard.concern \gset
SELECT array_agg(id ORDER BY id) AS all_referrals FROM safeguard.referral \gset
SELECT array_agg(id ORDER BY id) AS all_cases FROM safeguard.safeguarding_case \gset
SELECT array_agg(id ORDER BY id) AS all_deadlines FROM safeguard.deadline \gset
SELECT array_agg(concern_id ORDER BY concern_id) AS all_triage FROM safeguard.triage \gset
SELECT ok(:'a_deadlines'::bigint[] IS NOT NULL AND :'b_deadlines'::bigint[] IS NOT NULL
          AND NOT (:'a_deadlines'::bigint[] && :'b_deadlines'::bigint[]),
          'A and B each have deadlines of their own (sent referrals), and they are distinct');

SET ROLE sg03_la_a;
SELECT results_eq('SELECT id FROM safeguard.concern ORDER BY id',
                  ARRAY[:ca1, :ca2, :ca3]::bigint[], 'A''s officer sees exactly A''s concerns');
SELECT results_eq('SELECT concern_id FROM safeguard.triage ORDER BY 1',
                  ARRAY[:ca1, :ca2, :ca3]::bigint[], 'A''s officer sees exactly A''s triage decisions');
SELECT results_eq('SELECT id FROM safeguard.referral ORDER BY id',
                  ARRAY[:ra1, :ra2]::bigint[], 'A''s officer sees exactly A''s referrals');
SELECT results_eq('SELECT id FROM safeguard.safeguarding_case ORDER BY id',
                  :'a_cases'::bigint[], 'A''s officer sees exactly A''s cases');
SELECT results_eq('SELECT id FROM safeguard.deadline ORDER BY id',
                  :'a_deadlines'::bigint[], 'A''s officer sees exactly the deadlines A must meet');
SELECT results_eq('SELECT referral_id FROM safeguard.send_queue ORDER BY 1',
                  ARRAY[:ra2]::bigint[], 'A''s officer sees only A''s referral in the send queue');
SELECT results_eq('SELECT case_id FROM safeguard.case_overview ORDER BY 1',
                  :'a_cases'::bigint[], 'case_overview shows A''s officer only A''s cases');
SELECT is((SELECT count(*)::int FROM safeguard.open_deadlines WHERE organisation_id <> :laa),
          0, 'open_deadlines shows A''s officer nothing of B''s or the regulator''s');
SELECT is((SELECT count(*)::int FROM safeguard.concern WHERE la_id = :lab), 0,
          'asking for B''s concerns by name gives nothing');
WITH u AS (UPDATE safeguard.referral SET la_reference = 'stolen' WHERE id = :rb1 RETURNING id)
SELECT count(*) AS b_updated FROM u \gset
SELECT is(:b_updated::int, 0, 'A''s officer''s UPDATE of B''s referral affects no row');
SELECT throws_ok(format('SELECT safeguard.acknowledge_referral(%s)', :rb1), 'SG208', NULL,
                 'the wrapper reports B''s referral as not found to A''s officer');
SELECT throws_ok(format('SELECT safeguard.decide_referral(%s, %L, %L)', :rb1, 'no_enquiry', 'x'),
                 'SG208', NULL, 'A''s officer cannot decide B''s referral');
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, true, false, false)', :cb2, 'no_referral', 'x'),
                 'SG208', NULL, 'A''s officer cannot triage B''s concern: it is not visible (SG208, no existence leak)');
SET row_security = off;
SELECT throws_ok('SELECT 1 FROM safeguard.concern', '42501', NULL,
                 'A''s officer cannot switch row-level security off to see more');
RESET row_security;
RESET ROLE;
SELECT is((SELECT la_reference FROM safeguard.referral WHERE id = :rb1), NULL,
          'B''s referral is untouched');

SET ROLE sg03_la_b;
SELECT results_eq('SELECT id FROM safeguard.concern ORDER BY id',
                  ARRAY[:cb1, :cb2]::bigint[], 'B''s officer sees exactly B''s concerns');
SELECT results_eq('SELECT id FROM safeguard.referral ORDER BY id',
                  ARRAY[:rb1]::bigint[], 'B''s officer sees exactly B''s referral');
SELECT results_eq('SELECT id FROM safeguard.safeguarding_case ORDER BY id',
                  :'b_cases'::bigint[], 'B''s officer sees exactly B''s cases');
SELECT results_eq('SELECT id FROM safeguard.deadline ORDER BY id',
                  :'b_deadlines'::bigint[], 'B''s officer sees exactly B''s deadlines');
SELECT results_eq('SELECT concern_id FROM safeguard.triage ORDER BY 1',
                  ARRAY[:cb1]::bigint[], 'B''s officer sees exactly B''s triage decision');
RESET ROLE;

-- The regulator's staff see both authorities.
SET ROLE sg03_cc;
SELECT results_eq('SELECT id FROM safeguard.concern ORDER BY id', :'all_concerns'::bigint[],
                  'the contact centre sees every concern');
SELECT results_eq('SELECT id FROM safeguard.referral ORDER BY id', :'all_referrals'::bigint[],
                  'the contact centre sees every referral');
SELECT results_eq('SELECT id FROM safeguard.deadline ORDER BY id', :'all_deadlines'::bigint[],
                  'the contact centre sees every deadline');
RESET ROLE;
SET ROLE sg03_insp;
SELECT results_eq('SELECT id FROM safeguard.concern ORDER BY id', :'all_concerns'::bigint[],
                  'an inspector sees every concern');
SELECT results_eq('SELECT id FROM safeguard.referral ORDER BY id', :'all_referrals'::bigint[],
                  'an inspector sees every referral');
SELECT results_eq('SELECT id FROM safeguard.safeguarding_case ORDER BY id', :'all_cases'::bigint[],
                  'an inspector sees every case');
SELECT results_eq('SELECT concern_id FROM safeguard.triage ORDER BY 1', :'all_triage'::bigint[],
                  'an inspector sees every triage decision');
RESET ROLE;

-- A provider, an auditor and a role without a duty see no casework.
SET ROLE sg03_prov;
SELECT throws_ok(format('SELECT 1 FROM safeguard.%I', t), '42501', NULL,
                 format('a provider is refused safeguard.%s (no privilege)', t))
FROM unnest(ARRAY['concern', 'triage', 'referral', 'safeguarding_case']) AS t;
SELECT is((SELECT count(*)::int FROM safeguard.deadline), 0,
          'a provider may query deadlines but sees none of the local authorities'' or regulator''s');
RESET ROLE;
SET ROLE sg03_aud;
SELECT throws_ok(format('SELECT 1 FROM safeguard.%I', t), '42501', NULL,
                 format('an auditor is refused safeguard.%s (no privilege)', t))
FROM unnest(ARRAY['concern', 'triage', 'referral', 'safeguarding_case', 'deadline']) AS t;
SELECT cmp_ok((SELECT count(*)::int FROM safeguard.audit_event), '>', 0,
              'an auditor reads the audit trail');
RESET ROLE;
SET ROLE sg03_nobody;
SELECT throws_ok(format('SELECT 1 FROM safeguard.%I', t), '42501', NULL,
                 format('a role without a duty is refused safeguard.%s', t))
FROM unnest(ARRAY['concern', 'triage', 'referral', 'safeguarding_case', 'deadline', 'audit_event']) AS t;
RESET ROLE;

-- The reader sees referrals pseudonymised, and nothing identifying.
SET ROLE sg03_reader;
SELECT results_eq('SELECT referral_id FROM safeguard.referral_pseudonymised ORDER BY 1',
                  :'all_referrals'::bigint[], 'safeguard_reader reads every referral, pseudonymised');
SELECT is((SELECT count(*)::int FROM safeguard.referral_pseudonymised p
           WHERE p::text LIKE '%9434765919%' OR p::text LIKE '%Mary Smith%' OR p::text LIKE '%Jo Smith%'),
          0, 'no NHS number or name appears anywhere in a pseudonymised row');
SELECT isnt((SELECT adult_pseudonym FROM safeguard.referral_pseudonymised WHERE referral_id = :ra1),
            NULL, 'a known adult has a pseudonym');
SELECT is((SELECT count(*)::int FROM information_schema.columns
           WHERE table_schema = 'safeguard' AND table_name = 'referral_pseudonymised'
             AND column_name IN ('referrer_name', 'referrer_phone', 'referrer_email', 'referrer_address',
                                 'adult_nhs_number', 'adult_name', 'adult_date_of_birth')),
          0, 'information_schema (as the reader) lists no identifying column in referral_pseudonymised');
SELECT cmp_ok((SELECT count(*)::int FROM information_schema.columns
               WHERE table_schema = 'safeguard' AND table_name = 'referral_pseudonymised'),
              '>', 20, 'the reader does see the view''s columns (the check above is not vacuous)');
SELECT throws_ok('SELECT adult_name FROM safeguard.concern', '42501', NULL, 'the reader is refused identifying columns of safeguard.concern');
SELECT throws_ok('SELECT la_decision_rationale FROM safeguard.referral', '42501', NULL, 'the reader is refused free-text columns of safeguard.referral');
SELECT throws_ok('SELECT 1 FROM safeguard.pseudonym_key', '42501', NULL, 'the reader is refused the pseudonym key');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_attribute
           WHERE attrelid = 'safeguard.referral_pseudonymised'::regclass AND attnum > 0 AND NOT attisdropped
             AND attname IN ('referrer_name', 'referrer_phone', 'referrer_email', 'referrer_address',
                             'adult_nhs_number', 'adult_name', 'adult_date_of_birth')),
          0, 'pg_attribute: referral_pseudonymised has no identifying column');

--------------------------------------------------------------------------
-- 3. Duties: the grant table is the authority
--------------------------------------------------------------------------
-- Membership of safeguard_contact_centre alone is no duty.
CREATE ROLE sg03_member LOGIN IN ROLE safeguard_contact_centre;
SET ROLE sg03_member;
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, %L)', :ra2, 'email'), '42501', NULL,
                 'a member of safeguard_contact_centre without a duty grant is refused the send, told the duty it needs (42501)');
SELECT is_empty(format('SELECT 1 FROM safeguard.referral WHERE id = %s', :ra2),
                'and cannot even see the referral to send');
SELECT throws_ok(format($$SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous',
                    'x', '{Self-Neglect}', la_id => %s, referrer_anonymous => true)$$, :laa),
                 '42501', NULL, 'nor log a concern: role membership alone is no duty');
RESET ROLE;

-- A revoked grant stops the very next statement of the same session.
CREATE ROLE sg03_temp LOGIN;
SELECT safeguard.grant_duty('sg03_temp', 'inspector', :cqc) AS temp_grant \gset
SET ROLE sg03_temp;
SELECT lives_ok(format($$SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous',
                    'Call about a resident.', '{Neglect and Acts of Omission}', la_id => %s,
                    referrer_anonymous => true)$$, :laa),
                'with the grant, the inspector logs a concern');
RESET ROLE;
SELECT is(safeguard.revoke_duty('sg03_temp', 'inspector'), true, 'the superuser revokes the grant');
SET ROLE sg03_temp;
SELECT is(safeguard.current_duties(), ARRAY[]::text[], 'the next statement sees no duty');
SELECT throws_ok(format($$SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous',
                    'Call about a resident.', '{Neglect and Acts of Omission}', la_id => %s,
                    referrer_anonymous => true)$$, :laa),
                 '42501', NULL, 'the next action in the same session is refused');
RESET ROLE;
GRANT safeguard_inspector TO sg03_temp;
SET ROLE sg03_temp;
SELECT throws_ok(format($$SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous',
                    'Call about a resident.', '{Neglect and Acts of Omission}', la_id => %s,
                    referrer_anonymous => true)$$, :laa),
                 '42501', NULL, 'even with the role membership restored by hand, the revoked grant refuses');
RESET ROLE;
SELECT ok((SELECT revoked_at = safeguard.now() AND revoked_by = session_user::regrole
           FROM safeguard.duty_grant WHERE id = :temp_grant),
          'the revoked grant is kept as history: when and by whom');

-- A pooled login that SETs ROLE per user gets each user's checks.
CREATE ROLE sg03_user_insp LOGIN;
CREATE ROLE sg03_user_cc LOGIN;
CREATE ROLE sg03_pool LOGIN;
GRANT sg03_user_insp, sg03_user_cc TO sg03_pool;
SELECT safeguard.grant_duty('sg03_user_insp', 'inspector', :cqc) AS gp1,
       safeguard.grant_duty('sg03_user_cc', 'contact_centre', :cqc) AS gp2 \gset
SET SESSION AUTHORIZATION sg03_pool;
SET ROLE sg03_user_insp;
SELECT is(safeguard.current_duties(), ARRAY['inspector'], 'pooled login as user 1: inspector');
SELECT throws_ok(format('SELECT safeguard.send_referral(%s, %L)', :ra2, 'email'), '42501', NULL,
                 'pooled login as user 1 (inspector) cannot send');
SET ROLE sg03_user_cc;
SELECT is(safeguard.current_duties(), ARRAY['contact_centre'], 'pooled login as user 2: contact centre');
SELECT is(safeguard.send_referral(:ra2, 'email'), 'sent'::safeguard.referral_state,
          'pooled login as user 2 (contact centre) sends');
RESET ROLE;
SELECT is(safeguard.current_duties(), ARRAY[]::text[], 'the pooled login itself holds no duty');
SELECT throws_ok(format($$SELECT safeguard.log_concern('2024-03-05 09:00+00', 'phone', 'anonymous',
                    'x', '{Self-Neglect}', la_id => %s, referrer_anonymous => true)$$, :laa),
                 '42501', NULL, 'the pooled login itself cannot act, whatever privileges it inherits');
SELECT throws_ok(format('SELECT safeguard.acknowledge_referral(%s)', :ra2), '42501', NULL,
                 'and is refused any workflow action, told the duty it needs (42501)');
SELECT is_empty(format('SELECT 1 FROM safeguard.referral WHERE id = %s', :ra2),
                'and sees no referral to act on');
RESET SESSION AUTHORIZATION;
SELECT results_eq(format($$SELECT login_role, acting_role, duty::text, organisation_id
                           FROM safeguard.audit_event
                           WHERE table_name = 'referral' AND row_key = '%s' AND to_state = 'sent'$$, :ra2),
                  format($$VALUES ('sg03_pool'::text, 'sg03_user_cc'::text, 'contact_centre'::text, %s::bigint)$$, :cqc),
                  'the audit records the session login (sg03_pool) and the acting role after SET ROLE');
SELECT session_user AS me \gset
SELECT results_eq(format($$SELECT login_role, acting_role, duty::text FROM safeguard.audit_event
                           WHERE table_name = 'concern' AND row_key = '%s'$$, :ca1),
                  format($$VALUES (%L::text, 'sg03_insp'::text, 'inspector'::text)$$, :'me'),
                  'a concern''s audit row names the login and the inspector who logged it');
SELECT results_eq(format($$SELECT acting_role, duty::text FROM safeguard.audit_event
                           WHERE table_name = 'referral' AND row_key = '%s' AND to_state = 'acknowledged'$$, :ra1),
                  $$VALUES ('sg03_la_a'::text, 'la_officer'::text)$$,
                  'the acknowledgement''s audit row names the officer''s own duty (la_officer)');

-- grant_duty: one organisation per role, the right kind, admins only.
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg03_la_a', 'sam', :lab), 'SG209', NULL,
                 'a role already acting for A cannot be granted a duty for B');
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg03_nobody', 'la_officer', :cqc), 'SG209', NULL,
                 'la_officer cannot act for the regulator');
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg03_nobody', 'contact_centre', :laa), 'SG209', NULL,
                 'contact_centre cannot act for a local authority');
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg03_cc', 'contact_centre', :cqc), 'SG209', NULL,
                 'the same grant twice is refused');
SET ROLE sg03_insp;
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg03_nobody', 'inspector', :cqc), '42501', NULL,
                 'an inspector cannot grant duties');
SELECT throws_ok(format('SELECT safeguard.revoke_duty(%L, %L)', 'sg03_cc', 'contact_centre'), '42501', NULL,
                 'an inspector cannot revoke duties');
RESET ROLE;
CREATE ROLE sg03_fake_admin LOGIN IN ROLE safeguard_admin;
SET ROLE sg03_fake_admin;
SELECT throws_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg03_nobody', 'inspector', :cqc), '42501', NULL,
                 'a member of safeguard_admin without the admin duty cannot grant');
RESET ROLE;
SET ROLE sg03_admin;
SELECT lives_ok(format('SELECT safeguard.grant_duty(%L, %L, %s)', 'sg03_nobody', 'inspector', :cqc),
                'an administrator grants a duty');
RESET ROLE;
SELECT ok((SELECT granted_by = 'sg03_admin'::regrole AND organisation_id = :cqc
           FROM safeguard.duty_grant WHERE role = 'sg03_nobody'::regrole AND revoked_at IS NULL),
          'the grant records the administrator who made it');
SELECT ok(pg_has_role('sg03_nobody', 'safeguard_inspector', 'MEMBER'),
          'the grant made the role a member of safeguard_inspector');
SET ROLE sg03_admin;
SELECT is(safeguard.revoke_duty('sg03_nobody', 'inspector'), true, 'an administrator revokes it');
SELECT is(safeguard.revoke_duty('sg03_nobody', 'inspector'), false, 'revoking again finds nothing to revoke');
RESET ROLE;
SELECT ok(NOT pg_has_role('sg03_nobody', 'safeguard_inspector', 'MEMBER'),
          'the revocation ended the membership');

--------------------------------------------------------------------------
-- 4. current_organisation() and current_duties() per role
--------------------------------------------------------------------------
SET ROLE sg03_la_a;
SELECT is(safeguard.current_organisation(), :laa::bigint, 'A''s officer acts for A');
SELECT is(safeguard.current_duties(), ARRAY['la_officer'], 'A''s officer holds la_officer');
RESET ROLE;
SET ROLE sg03_la_b;
SELECT is(safeguard.current_organisation(), :lab::bigint, 'B''s officer acts for B');
RESET ROLE;
SET ROLE sg03_cc;
SELECT is(safeguard.current_organisation(), :cqc::bigint, 'the contact centre acts for the regulator');
SELECT is(safeguard.current_duties(), ARRAY['contact_centre'], 'the contact centre holds contact_centre');
RESET ROLE;
SET ROLE sg03_prov;
SELECT is(safeguard.current_organisation(), :prov::bigint, 'the provider role acts for its provider');
SELECT is(safeguard.current_duties(), ARRAY['provider'], 'the provider role holds provider');
RESET ROLE;
SET ROLE sg03_multi;
SELECT is(safeguard.current_duties(), ARRAY['contact_centre', 'inspector'],
          'a role with two duties at one organisation holds both');
RESET ROLE;
SET ROLE sg03_nobody;
SELECT is(safeguard.current_organisation(), NULL::bigint, 'a role without a duty acts for no organisation');
SELECT is(safeguard.current_duties(), ARRAY[]::text[], 'a role without a duty holds none');
RESET ROLE;
SELECT is(safeguard.current_organisation(), NULL::bigint, 'a superuser without a grant acts for no organisation');

SELECT * FROM finish();
ROLLBACK;
