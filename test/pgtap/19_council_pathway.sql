-- The council pathway (issue 16): a local authority's own concern from the
-- front door to the closure of its enquiry, driven end to end through the
-- documented functions, each step refused for every other duty, for an
-- officer of another authority and for a role with no duty, and by every
-- write path (raw INSERT, UPDATE, DELETE, MERGE, a writable CTE, COPY,
-- TRUNCATE); the deadlines it opens, meets and breaches through the
-- versioned policies and the sweep; the audit rows in the case's chain; and
-- what each role can see.  Every check runs under SET ROLE to the role
-- concerned; SQLSTATEs only, never message text.
BEGIN;
SELECT plan(169);

\set fixture TAP19
\set clock '2025-06-02 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority'
\set cast 'sg19_off=la_officer@laa sg19_off2=la_officer@laa sg19_sam=sam@laa sg19_admin_a=admin@laa'
\set cast :cast ' sg19_off_b=la_officer@lab sg19_sam_b=sam@lab sg19_insp=inspector@cqc sg19_cc=contact_centre@cqc'
\set cast :cast ' sg19_reader=reader@laa sg19_nobody'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- 1. Inventory
--------------------------------------------------------------------------
SELECT table_privs_are('safeguard', t, 'public', ARRAY[]::name[],
                       format('PUBLIC has no privilege on safeguard.%s', t))
FROM unnest(ARRAY['concern_decision', 'la_enquiry', 'la_enquiry_strategy', 'la_enquiry_plan',
                  'la_enquiry_plan_review']) AS t;
SELECT table_privs_are('safeguard', 'la_enquiry', r, p, format('%s holds %s on la_enquiry', r, p))
FROM (VALUES ('safeguard_la_officer', ARRAY['SELECT', 'UPDATE']::name[]),
             ('safeguard_sam', ARRAY['SELECT', 'UPDATE']::name[]),
             ('safeguard_contact_centre', ARRAY[]::name[]),
             ('safeguard_inspector', ARRAY[]::name[]),
             ('safeguard_provider', ARRAY[]::name[])) AS x(r, p);
SELECT table_privs_are('safeguard', 'concern_decision', r, p, format('%s holds %s on concern_decision', r, p))
FROM (VALUES ('safeguard_la_officer', ARRAY['SELECT', 'INSERT']::name[]),
             ('safeguard_sam', ARRAY['SELECT', 'INSERT']::name[]),
             ('safeguard_inspector', ARRAY[]::name[])) AS x(r, p);
SELECT policies_are('safeguard', t, ARRAY['la_scope', 'reader_scope'],
                    format('%s: the authority''s own staff, and readers', t))
FROM unnest(ARRAY['concern_decision', 'la_enquiry', 'la_enquiry_strategy', 'la_enquiry_plan',
                  'la_enquiry_plan_review']) AS t;
SELECT results_eq($$SELECT c.relrowsecurity AND c.relforcerowsecurity FROM pg_catalog.pg_class c
                    WHERE c.oid IN ('safeguard.concern_decision'::regclass, 'safeguard.la_enquiry'::regclass,
                                    'safeguard.la_enquiry_strategy'::regclass)$$,
                  ARRAY[true, true, true], 'row-level security is enabled and forced on the three tables');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.proname IN ('decide_concern', 'allocate_enquiry', 'start_enquiry',
                                      'conclude_enquiry', 'close_enquiry', 'record_strategy_discussion',
                                      'make_safeguarding_plan', 'review_safeguarding_plan')
                    AND p.pronamespace = 'safeguard'::regnamespace
                    AND (p.prosecdef OR NOT 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig))$$,
                'the workflow functions run with the caller''s rights and pin search_path');

--------------------------------------------------------------------------
-- 2. The front door: the council's sources
--------------------------------------------------------------------------
SET ROLE sg19_off;
SELECT lives_ok(format($$INSERT INTO safeguard.concern (received_at, channel, source, la_id, risk_types,
                           description, referrer_name, referrer_phone, adult_name, adult_date_of_birth)
                         SELECT '2025-06-02 08:00+00', 'phone', s, %s, '{Neglect and Acts of Omission}',
                                'source ' || s, 'Referrer', '01234 567890', 'Source ' || s, '1950-01-01'
                         FROM unnest('{police,ambulance_service,gp_primary_care,hospital,mental_health_service,care_provider,regulator,other_local_authority,housing,family_friend_neighbour,self,other}'::safeguard.concern_source[]) AS s$$, :laa),
                'an officer logs a concern from each source a council''s front door records');
SELECT is((SELECT count(DISTINCT source)::int FROM safeguard.concern WHERE description LIKE 'source %'),
          12, 'twelve concerns, one per council source');
SELECT is((SELECT count(*)::int FROM safeguard.deadline d JOIN safeguard.concern c
             ON d.subject_table = 'concern' AND d.subject_id = c.id
           WHERE c.description LIKE 'source %' AND d.kind = 'triage' AND d.status = 'open'
             AND d.organisation_id = :laa),
          12, 'each opens its decision deadline (the triage deadline) for the authority');
SELECT throws_ok(format($$SELECT safeguard.log_concern('2025-06-02 08:00+00', 'phone', 'police', 'x',
                           '{Physical Abuse}', la_id => %s, referrer_anonymous => true,
                           adult_nhs_number => '943 476 5910')$$, :laa),
                 'SG207', NULL, 'an NHS number with a bad check digit is refused at the council''s door too');
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'ambulance_service',
                             'found on the floor, unexplained bruising', '{Physical Abuse}',
                             la_id => :laa, referrer_name => 'Paramedic Jones',
                             referrer_phone => '0300 123 4567', adult_nhs_number => '943 476 5919',
                             adult_name => 'Ann Example', adult_date_of_birth => '1938-04-01') AS c1 \gset
SELECT safeguard.log_concern('2025-06-02 09:30+00', 'email', 'gp_primary_care',
                             'the same adult: missed medication', '{Neglect and Acts of Omission}',
                             la_id => :laa, referrer_name => 'Dr Smith',
                             referrer_email => 'gp@example.org', adult_nhs_number => '9434765919') AS c2 \gset
SELECT is((SELECT array_agg(joined_open_case ORDER BY id) FROM safeguard.concern WHERE id IN (:c1, :c2)),
          ARRAY[false, true], 'the second concern about the same adult joins the open case');
SELECT (SELECT case_id FROM safeguard.concern WHERE id = :c1) AS case1 \gset
SELECT is((SELECT adult_nhs_number FROM safeguard.concern WHERE id = :c1), '9434765919',
          'the NHS number is stored as ten digits');
RESET ROLE;
SET ROLE sg19_cc;
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'relative', 'the regulator''s own concern',
                             '{Physical Abuse}', la_id => :laa, referrer_anonymous => true) AS creg \gset
RESET ROLE;

--------------------------------------------------------------------------
-- 3. The concern decision
--------------------------------------------------------------------------
SET ROLE sg19_off;
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true)$$, :creg),
                 'SG214', NULL, 'a concern the regulator logged is not the council''s to decide (it is triaged, then referred)');
SELECT throws_ok(format($$SELECT safeguard.triage_concern(%s, 'refer_to_la', 'x', true, true, true)$$, :c1),
                 '42501', NULL, 'refer_to_la stays a regulator''s decision');
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', NULL, true, true, true)$$, :c1),
                 'SG205', NULL, 'no rationale');
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', E' \t\u200b', true, true, true)$$, :c1),
                 'SG205', NULL, 'a blank rationale');
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, NULL, true)$$, :c1),
                 'SG205', NULL, 'a threshold question unanswered');
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'no_enquiry', 'x', true, true, false)$$, :c1),
                 'SG215', NULL, 'no enquiry without the action taken instead');
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true, 'signposting')$$, :c1),
                 'SG215', NULL, 'an enquiry with an alternative action');
SELECT throws_ok(format($$INSERT INTO safeguard.concern_decision (concern_id, decision, rationale,
                           care_and_support_needs, abuse_or_neglect, unable_to_protect_self, decided_by)
                         VALUES (%s, 'other_enquiry', 'x', true, true, true, 'sg19_sam')$$, :c1),
                 'SG203', NULL, 'who decided cannot be supplied');
RESET ROLE;
SET ROLE sg19_off_b;
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true)$$, :c1),
                 'SG208', NULL, 'an officer of another authority: the concern is not there');
SELECT throws_ok(format($$INSERT INTO safeguard.concern_decision (concern_id, decision, rationale,
                           care_and_support_needs, abuse_or_neglect, unable_to_protect_self)
                         VALUES (%s, 'section_42_enquiry', 'x', true, true, true)$$, :c1),
                 'SG208', NULL, '... nor by a raw INSERT');
RESET ROLE;
SET ROLE sg19_insp;
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true)$$, :c1),
                 '42501', NULL, 'an inspector may not decide a council''s concern');
RESET ROLE;
SET ROLE sg19_cc;
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true)$$, :c1),
                 '42501', NULL, 'the contact centre may not decide a council''s concern');
RESET ROLE;
SET ROLE sg19_reader;
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true)$$, :c1),
                 '42501', NULL, 'a reader of the authority may not decide a council''s concern');
RESET ROLE;
SET ROLE sg19_admin_a;
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true)$$, :c1),
                 '42501', NULL, 'the authoritys administrator may not decide a council''s concern');
RESET ROLE;
SET ROLE sg19_nobody;
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'section_42_enquiry', 'x', true, true, true)$$, :c1),
                 '42501', NULL, 'a role with no duty may not decide a council''s concern');
RESET ROLE;

SET ROLE sg19_off;
SELECT safeguard.decide_concern(:c1, 'section_42_enquiry', 'all three criteria met: unexplained injuries',
                                true, true, true) AS e1 \gset
SELECT ok(:'e1' <> '', 'a section 42 decision opens an enquiry');
SELECT results_eq(format($$SELECT state::text, kind::text, la_id, allocated_to IS NULL FROM safeguard.la_enquiry WHERE id = %s$$, :e1),
                  format($$VALUES ('decided', 'section_42_enquiry', %s::bigint, true)$$, :laa),
                  'the enquiry is decided and unallocated: the virtual worker''s caseload');
SELECT results_eq(format($$SELECT decided_by::text, decided_duty::text, la_id, case_id FROM safeguard.concern_decision WHERE concern_id = %s$$, :c1),
                  format($$VALUES ('sg19_off', 'la_officer', %s::bigint, %s::bigint)$$, :laa, :case1),
                  'safeguard records who decided, under which duty, for which authority and case');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'concern' AND subject_id = :c1 AND kind = 'triage'),
          'met', 'the decision meets the concern''s decision deadline (end of the next working day)');
SELECT results_eq(format($$SELECT kind, status::text, anchor_at FROM safeguard.deadline
                          WHERE subject_table = 'la_enquiry' AND subject_id = %s ORDER BY kind$$, :e1),
                  $$VALUES ('enquiry_conclusion', 'open', '2025-06-02 10:00+00'::timestamptz),
                           ('enquiry_contact', 'open', '2025-06-02 10:00+00'::timestamptz)$$,
                  'it opens the contact and conclusion deadlines, counted from the decision');
SELECT is((SELECT safeguard.deadline_due_or_null(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division)
           FROM safeguard.deadline d JOIN safeguard.deadline_rule r USING (policy_id, kind)
           WHERE d.subject_table = 'la_enquiry' AND d.subject_id = :e1 AND d.kind = 'enquiry_conclusion'),
          '2025-07-01 00:00+01'::timestamptz, 'the enquiry is due concluded 20 working days after the decision');
SELECT throws_ok(format($$SELECT safeguard.decide_concern(%s, 'other_enquiry', 'again', true, true, true)$$, :c1),
                 'SG204', NULL, 'the decision is final');
SELECT throws_ok(format($$SELECT safeguard.triage_concern(%s, 'no_referral', 'x', true, true, true)$$, :c1),
                 'SG204', NULL, 'a concern the authority decided takes no triage');
SELECT throws_ok(format($$UPDATE safeguard.concern_decision SET decision = 'no_enquiry' WHERE concern_id = %s$$, :c1),
                 '42501', NULL, 'an officer has no UPDATE on decisions');
SELECT is(safeguard.decide_concern(:c2, 'no_enquiry', 'GP already reviewing medication', true, false, false,
                                   'other_agency_leads'), NULL, 'no enquiry, another agency leads: no enquiry is opened');
RESET ROLE;
SET ROLE sg19_insp;
SELECT throws_ok(format($$SELECT safeguard.triage_concern(%s, 'no_referral', 'x', true, true, true)$$, :c2),
                 'SG204', NULL, 'nor may the regulator triage it afterwards');
RESET ROLE;
SELECT throws_ok(format($$UPDATE safeguard.concern_decision SET rationale = 'rewritten' WHERE concern_id = %s$$, :c1),
                 'SG204', NULL, 'not even a superuser changes a decision');
SELECT throws_ok(format($$DELETE FROM safeguard.concern_decision WHERE concern_id = %s$$, :c2),
                 'SG204', NULL, '... or deletes one');

--------------------------------------------------------------------------
-- 4. The enquiry: allocation
--------------------------------------------------------------------------
SELECT throws_ok(format($$INSERT INTO safeguard.la_enquiry (concern_id, case_id, la_id, kind, decided_at, decided_by)
                         VALUES (%s, %s, %s, 'section_42_enquiry', now(), 'sg19_off')$$, :c2, :case1, :laa),
                 'SG203', NULL, 'an enquiry cannot be inserted, not even by a superuser: a decision creates it');
SET ROLE sg19_off;
SELECT throws_ok(format($$INSERT INTO safeguard.la_enquiry (concern_id, case_id, la_id, kind, decided_at, decided_by)
                         VALUES (%s, %s, %s, 'section_42_enquiry', now(), 'sg19_off')$$, :c2, :case1, :laa),
                 '42501', NULL, 'an officer has no INSERT on enquiries');
SELECT throws_ok(format($$SELECT safeguard.allocate_enquiry(%s, 'sg19_off')$$, :e1),
                 '42501', NULL, 'an officer cannot allocate (a SAM allocates)');
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET state = 'allocated', allocated_to = 'sg19_off' WHERE id = %s$$, :e1),
                 '42501', NULL, '... nor by a raw UPDATE');
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET state = 'in_progress' WHERE id = %s$$, :e1),
                 'SG201', NULL, 'an enquiry cannot skip allocation');
SELECT throws_ok(format($$WITH x AS (UPDATE safeguard.la_enquiry SET state = 'closed' WHERE id = %s RETURNING id) SELECT count(*) FROM x$$, :e1),
                 'SG201', NULL, '... nor be closed by a writable CTE');
SELECT throws_ok(format($$MERGE INTO safeguard.la_enquiry t USING (VALUES (%s::bigint)) AS s(id) ON t.id = s.id
                         WHEN MATCHED THEN UPDATE SET state = 'concluded', action_result = 'No risk identified and no action taken'$$, :e1),
                 'SG201', NULL, '... nor be concluded by MERGE');
RESET ROLE;
SET ROLE sg19_sam_b;
SELECT throws_ok(format($$SELECT safeguard.allocate_enquiry(%s, 'sg19_sam_b')$$, :e1),
                 'SG208', NULL, 'a SAM of another authority: the enquiry is not there');
SELECT is_empty(format($$UPDATE safeguard.la_enquiry SET state = 'allocated', allocated_to = 'sg19_sam_b' WHERE id = %s RETURNING id$$, :e1),
                '... and a raw UPDATE finds no row');
RESET ROLE;
SET ROLE sg19_sam;
SELECT throws_ok(format($$SELECT safeguard.allocate_enquiry(%s, 'sg19_off_b')$$, :e1),
                 'SG602', NULL, 'an enquiry is allocated only to an officer of its own authority');
SELECT throws_ok(format($$SELECT safeguard.allocate_enquiry(%s, 'sg19_reader')$$, :e1),
                 'SG602', NULL, '... who holds the la_officer or sam duty there');
SELECT throws_ok(format($$SELECT safeguard.allocate_enquiry(%s, NULL)$$, :e1),
                 'SG202', NULL, 'allocation names an officer');
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET state = 'allocated', allocated_to = 'sg19_off', allocated_by = 'sg19_off' WHERE id = %s$$, :e1),
                 'SG203', NULL, 'who allocated is stamped, not supplied');
SELECT is(safeguard.allocate_enquiry(:e1, 'sg19_off'), 'allocated'::safeguard.la_enquiry_state,
          'the SAM allocates the enquiry to a named officer');
SELECT results_eq(format($$SELECT allocated_to::text, allocated_by::text FROM safeguard.la_enquiry WHERE id = %s$$, :e1),
                  $$VALUES ('sg19_off', 'sg19_sam')$$, 'who it is allocated to, and who allocated it');
RESET ROLE;

--------------------------------------------------------------------------
-- 5. The enquiry: the start (Making Safeguarding Personal)
--------------------------------------------------------------------------
SET ROLE sg19_off2;
SELECT throws_ok(format($$SELECT safeguard.start_enquiry(%s, 'No', NULL, 'adult unwell', 'Don''t know', false, 'family supports')$$, :e1),
                 'SG216', NULL, 'an officer it is not allocated to cannot start it');
RESET ROLE;
SET ROLE sg19_off;
SELECT throws_ok(format($$SELECT safeguard.start_enquiry(%s)$$, :e1),
                 'SG217', NULL, 'the start needs Making Safeguarding Personal');
SELECT throws_ok(format($$SELECT safeguard.start_enquiry(%s, 'Yes, they were asked and outcomes were expressed', NULL, NULL, 'No, they did not lack capacity', false, 'none needed')$$, :e1),
                 'SG217', NULL, 'outcomes expressed: what the adult wants is recorded');
SELECT throws_ok(format($$SELECT safeguard.start_enquiry(%s, 'No', NULL, NULL, 'No, they did not lack capacity', false, 'none needed')$$, :e1),
                 'SG217', NULL, 'not asked: why not is recorded');
SELECT throws_ok(format($$SELECT safeguard.start_enquiry(%s, 'Yes, they were asked and outcomes were expressed', 'to stay at home safely', NULL, NULL, false, 'none needed')$$, :e1),
                 'SG217', NULL, 'capacity is recorded');
SELECT throws_ok(format($$SELECT safeguard.start_enquiry(%s, 'Yes, they were asked and outcomes were expressed', 'to stay at home safely', NULL, 'No, they did not lack capacity', false, NULL)$$, :e1),
                 'SG217', NULL, 'no advocate: why not is recorded');
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET state = 'in_progress', msp_asked = 'Yes, they were asked but no outcomes were expressed',
                           lacked_capacity = 'No, they did not lack capacity', advocate_arranged = true, started_at = '2025-05-01' WHERE id = %s$$, :e1),
                 'SG203', NULL, 'when it started is stamped, not supplied');
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET state = 'in_progress', msp_asked = 'Yes, they were asked but no outcomes were expressed',
                           lacked_capacity = 'No, they did not lack capacity', advocate_arranged = true, action_result = 'No risk identified and no action taken' WHERE id = %s$$, :e1),
                 'SG203', NULL, 'the start cannot record the outcome');
SELECT is(safeguard.start_enquiry(:e1, 'Yes, they were asked and outcomes were expressed', 'to stay at home safely',
                                  NULL, 'No, they did not lack capacity', false, 'no substantial difficulty'),
          'in_progress'::safeguard.la_enquiry_state, 'the allocated officer starts the enquiry with the adult''s own outcomes');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = :e1 AND kind = 'enquiry_contact'),
          'met', 'the start meets the contact deadline');

-- A strategy discussion, while the enquiry is in progress.
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'discussion', '2025-06-02 11:00+00', '', 'x')$$, :e1),
                 'SG202', NULL, 'a strategy discussion records who attended');
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'discussion', '2025-06-02 11:00+00', 'SW, police', NULL)$$, :e1),
                 'SG202', NULL, '... and what was decided');
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'meeting', '2025-06-03 09:00+00', 'SW, police', 'x')$$, :e1),
                 'SG211', NULL, '... held not in the future');
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'meeting', '2025-06-01 09:00+00', 'SW, police', 'x')$$, :e1),
                 'SG211', NULL, '... nor before the decision');
SELECT throws_ok(format($$INSERT INTO safeguard.la_enquiry_strategy (enquiry_id, kind, held_at, attendees, decisions, recorded_by)
                         VALUES (%s, 'meeting', '2025-06-02 09:00+00', 'SW', 'x', 'sg19_sam')$$, :e1),
                 'SG203', NULL, '... and who recorded it is stamped');
SELECT ok(safeguard.record_strategy_discussion(:e1, 'discussion', '2025-06-02 10:00+00',
                                               'social worker; PC Brown; ward sister', 'police to interview son; SW to visit daily') IS NOT NULL,
          'the allocated officer records a strategy discussion');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = :e1 AND kind = 'strategy_discussion'),
          'met', 'held within 5 working days of the decision: its deadline is met');
RESET ROLE;
SET ROLE sg19_off2;
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'meeting', '2025-06-02 10:00+00', 'x', 'y')$$, :e1),
                 'SG216', NULL, 'another officer cannot record its strategy discussion');
RESET ROLE;
SET ROLE sg19_off_b;
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'meeting', '2025-06-02 10:00+00', 'x', 'y')$$, :e1),
                 'SG208', NULL, '... nor an officer of another authority (not there)');
RESET ROLE;
SET ROLE sg19_insp;
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'meeting', '2025-06-02 10:00+00', 'x', 'y')$$, :e1),
                 '42501', NULL, '... nor the regulator''s inspector');
RESET ROLE;
SET ROLE sg19_sam;
SELECT ok(safeguard.record_strategy_discussion(:e1, 'meeting', '2025-06-02 10:00+00', 'SAM; SW; GP', 'plan agreed') IS NOT NULL,
          'a SAM records a strategy meeting');
SELECT is((SELECT count(*)::int FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = :e1 AND kind = 'strategy_discussion'),
          1, 'only the first judges the deadline');
RESET ROLE;
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry_strategy SET decisions = 'rewritten' WHERE enquiry_id = %s$$, :e1),
                 'SG204', NULL, 'not even a superuser changes a strategy discussion');

-- The safeguarding plan and its reviews.
SET ROLE sg19_off2;
SELECT throws_ok(format($$SELECT safeguard.make_safeguarding_plan(%s, '2025-06-02 10:00+00', 'daily visits')$$, :e1),
                 'SG216', NULL, 'another officer cannot make its plan');
RESET ROLE;
SET ROLE sg19_off;
SELECT throws_ok(format($$SELECT safeguard.make_safeguarding_plan(%s, '2025-06-02 10:00+00', ' ')$$, :e1),
                 'SG202', NULL, 'a plan says what will be done');
SELECT throws_ok(format($$SELECT safeguard.make_safeguarding_plan(%s, '2025-06-01 10:00+00', 'daily visits')$$, :e1),
                 'SG211', NULL, 'a plan is not made before the decision');
SELECT safeguard.make_safeguarding_plan(:e1, '2025-06-02 10:00+00', 'daily visits by the district nurse; son not to visit alone') AS p1 \gset
SELECT results_eq(format($$SELECT status::text, anchor_at FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = %s AND kind = 'plan_review'$$, :e1),
                  $$VALUES ('open', '2025-06-02 10:00+00'::timestamptz)$$, 'the plan opens its review deadline');
SELECT throws_ok(format($$SELECT safeguard.make_safeguarding_plan(%s, '2025-06-02 10:00+00', 'another')$$, :e1),
                 'SG204', NULL, 'an enquiry has one plan');
SELECT throws_ok(format($$SELECT safeguard.review_safeguarding_plan(%s, '2025-06-02 10:00+00', '')$$, :p1),
                 'SG202', NULL, 'a review records what it found');
SELECT throws_ok(format($$SELECT safeguard.review_safeguarding_plan(%s, '2025-06-02 09:00+00', 'fine')$$, :p1),
                 'SG211', NULL, 'a review is not before the plan');
SELECT ok(safeguard.review_safeguarding_plan(:p1, '2025-06-02 10:00+00', 'visits happening; keep the plan') IS NOT NULL,
          'the officer reviews the plan');
SELECT results_eq(format($$SELECT status::text FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = %s AND kind = 'plan_review' ORDER BY id$$, :e1),
                  $$VALUES ('met'), ('open')$$, 'the review meets its deadline and opens the next');
RESET ROLE;
SET ROLE sg19_off_b;
SELECT throws_ok(format($$SELECT safeguard.review_safeguarding_plan(%s, '2025-06-02 10:00+00', 'x')$$, :p1),
                 'SG208', NULL, 'an officer of another authority cannot review it (not there)');
RESET ROLE;
SET ROLE sg19_sam;
SELECT ok(safeguard.review_safeguarding_plan(:p1, '2025-06-02 10:00+00', 'son moved away: risk removed', true) IS NOT NULL,
          'a SAM reviews the plan and ends it');
SELECT is((SELECT count(*)::int FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = :e1 AND kind = 'plan_review' AND status = 'open'),
          0, 'an ended plan has no review due');
SELECT throws_ok(format($$SELECT safeguard.review_safeguarding_plan(%s, '2025-06-02 10:00+00', 'again')$$, :p1),
                 'SG221', NULL, 'an ended plan is not reviewed again');
SELECT throws_ok(format($$INSERT INTO safeguard.la_enquiry_plan_review (plan_id, reviewed_at, outcome, enquiry_id)
                         VALUES (%s, '2025-06-02 10:00+00', 'x', %s)$$, :p1, :e1),
                 'SG203', NULL, 'a review''s enquiry is recorded by safeguard');
RESET ROLE;
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry_plan SET summary = 'rewritten' WHERE id = %s$$, :p1),
                 'SG204', NULL, 'not even a superuser changes a plan');

--------------------------------------------------------------------------
-- 6. The enquiry: the conclusion (the SAC outcome)
--------------------------------------------------------------------------
SET ROLE sg19_off2;
SELECT throws_ok(format($$SELECT safeguard.conclude_enquiry(%s, 'No risk identified and no action taken', '{Physical Abuse}', 'Own Home', 'Other - Known to individual', NULL, 'Fully Achieved')$$, :e1),
                 'SG216', NULL, 'another officer cannot conclude it');
RESET ROLE;
SET ROLE sg19_off;
SELECT throws_ok(format($$SELECT safeguard.conclude_enquiry(%s, 'Risk identified and action taken', '{Physical Abuse}', 'Own Home', 'Other - Known to individual', NULL, 'Fully Achieved')$$, :e1),
                 'SG219', NULL, 'a risk acted on needs the risk outcome');
SELECT throws_ok(format($$SELECT safeguard.conclude_enquiry(%s, 'Risk identified and action taken', '{Physical Abuse}', 'Own Home', 'Other - Known to individual', 'Risk reduced')$$, :e1),
                 'SG219', NULL, 'outcomes expressed at the start need their achievement');
SELECT throws_ok(format($$SELECT safeguard.conclude_enquiry(%s, 'Risk identified and action taken', '{}', 'Own Home', 'Other - Known to individual', 'Risk reduced', 'Fully Achieved')$$, :e1),
                 'SG219', NULL, 'at least one type of risk');
SELECT throws_ok(format($$SELECT safeguard.conclude_enquiry(%s, 'Risk identified and action taken', '{Physical Abuse}', NULL, 'Other - Known to individual', 'Risk reduced', 'Fully Achieved')$$, :e1),
                 'SG202', NULL, 'the location of risk');
SELECT is(safeguard.conclude_enquiry(:e1, 'Risk identified and action taken', '{Physical Abuse}', 'Own Home',
                                     'Other - Known to individual', 'Risk reduced', 'Partially Achieved'),
          'concluded'::safeguard.la_enquiry_state, 'the officer concludes with the SAC outcome');
SELECT results_eq(format($$SELECT kind, status::text FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = %s ORDER BY kind, id$$, :e1),
                  $$VALUES ('enquiry_conclusion', 'met'), ('enquiry_contact', 'met'), ('enquiry_feedback', 'open'),
                           ('plan_review', 'met'), ('plan_review', 'met'), ('strategy_discussion', 'met')$$,
                  'the conclusion meets its deadline and opens the feedback deadline');
SELECT throws_ok(format($$SELECT safeguard.allocate_enquiry(%s, 'sg19_off2')$$, :e1),
                 '42501', NULL, 'an officer cannot reallocate');
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s, safeguard.now(), 'phone')$$, :e1),
                 '42501', NULL, 'an officer cannot close (a SAM signs off)');
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET state = 'closed', feedback_at = safeguard.now(), feedback_method = 'phone' WHERE id = %s$$, :e1),
                 '42501', NULL, '... nor by a raw UPDATE');
RESET ROLE;

--------------------------------------------------------------------------
-- 7. The enquiry: closure by a SAM, with the feedback
--------------------------------------------------------------------------
SET ROLE sg19_sam;
SELECT throws_ok(format($$SELECT safeguard.allocate_enquiry(%s, 'sg19_off2')$$, :e1),
                 'SG602', NULL, 'a concluded enquiry is not reallocated');
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s)$$, :e1),
                 'SG220', NULL, 'closure needs the feedback to the referrer');
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s, safeguard.now(), NULL)$$, :e1),
                 'SG220', NULL, '... when and how');
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s, safeguard.now(), 'phone', 'anonymous')$$, :e1),
                 'SG220', NULL, '... or why none, not both');
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s, safeguard.now() + interval '1 day', 'phone')$$, :e1),
                 'SG211', NULL, 'feedback cannot be in the future');
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s, '2025-06-01 10:00+00', 'phone')$$, :e1),
                 'SG211', NULL, '... nor before the conclusion');
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s, safeguard.now(), 'phone')$$, :e1),
                 'SG220', NULL, 'closure needs the feedback to the adult too');
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s, safeguard.now(), 'phone', NULL, safeguard.now(), 'declined')$$, :e1),
                 'SG220', NULL, '... when, or why not, not both');
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'meeting', '2025-06-02 10:00+00', 'x', 'y')$$, :e1),
                 'SG221', NULL, 'no strategy discussion is recorded on a concluded enquiry');
SELECT is(safeguard.close_enquiry(:e1, safeguard.now(), 'phone', adult_feedback_at => safeguard.now()),
          'closed'::safeguard.la_enquiry_state,
          'the SAM closes the enquiry with the feedback to the paramedic and to the adult');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = :e1 AND kind = 'enquiry_feedback'),
          'met', 'the feedback deadline is met');
SELECT is((SELECT state::text FROM safeguard.safeguarding_case WHERE id = :case1), 'closed',
          'the case closes: both concerns decided, the enquiry closed');
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET feedback_method = 'letter' WHERE id = %s$$, :e1),
                 'SG204', NULL, 'a closed enquiry is kept as it is');
SELECT throws_ok(format($$DELETE FROM safeguard.la_enquiry WHERE id = %s$$, :e1),
                 '42501', NULL, 'a SAM has no DELETE');
RESET ROLE;
SELECT throws_ok(format($$DELETE FROM safeguard.la_enquiry WHERE id = %s$$, :e1),
                 'SG204', NULL, 'not even a superuser deletes an enquiry');
SELECT throws_ok($$TRUNCATE safeguard.la_enquiry CASCADE$$, 'SG204', NULL, '... or truncates the table (with its strategy discussions)');
SELECT throws_ok($$COPY safeguard.la_enquiry (concern_id, case_id, la_id, kind, decided_at, decided_by) FROM PROGRAM 'echo 1,1,1,section_42_enquiry,2025-06-02 10:00+00,postgres' WITH (FORMAT csv)$$,
                 'SG203', NULL, 'a superuser''s COPY FROM meets the guard: an enquiry is created by a decision only');
SELECT throws_ok(format($$COPY safeguard.concern_decision (concern_id, decision, rationale, care_and_support_needs, abuse_or_neglect, unable_to_protect_self) FROM PROGRAM 'echo %s,no_enquiry,x,t,t,t' WITH (FORMAT csv)$$, :creg),
                 'SG208', NULL, '... and a decision''s guard: a role with no duty sees no concern to decide');
GRANT pg_read_server_files TO sg19_sam;
SET ROLE sg19_sam;
SELECT throws_ok($$COPY safeguard.la_enquiry (concern_id, case_id, la_id, kind, decided_at, decided_by) FROM '/dev/null'$$,
                 '42501', NULL, 'COPY FROM into enquiries needs INSERT, which nobody holds');
SELECT throws_ok($$COPY safeguard.concern_decision (concern_id, decision, rationale, care_and_support_needs, abuse_or_neglect, unable_to_protect_self) FROM '/dev/null'$$,
                 '0A000', NULL, 'COPY FROM into decisions is refused under row-level security');
RESET ROLE;
REVOKE pg_read_server_files FROM sg19_sam;

-- The audit trail: every step in the case's chain, with the duty used.
SELECT results_eq(format($$SELECT action, coalesce(from_state, '-'), coalesce(to_state, '-'), duty::text, chain_key
                          FROM safeguard.audit_event WHERE table_name = 'la_enquiry' AND row_key = '%s' ORDER BY id$$, :e1),
                  format($$VALUES ('INSERT', '-', 'decided', 'la_officer', 'case:%s'),
                                  ('UPDATE', 'decided', 'allocated', 'sam', 'case:%s'),
                                  ('UPDATE', 'allocated', 'in_progress', 'la_officer', 'case:%s'),
                                  ('UPDATE', 'in_progress', 'concluded', 'la_officer', 'case:%s'),
                                  ('UPDATE', 'concluded', 'closed', 'sam', 'case:%s')$$,
                         :case1, :case1, :case1, :case1, :case1),
                  'each transition is audited in the case''s chain, with the duty that made it');
SELECT is_empty($$SELECT * FROM safeguard.verify_audit()$$, 'the audit chains verify');

--------------------------------------------------------------------------
-- 8. Visibility
--------------------------------------------------------------------------
SET ROLE sg19_off_b;
SELECT is((SELECT count(*)::int FROM safeguard.la_enquiry) + (SELECT count(*)::int FROM safeguard.concern_decision),
          0, 'an officer of another authority sees none of its enquiries or decisions');
RESET ROLE;
SET ROLE sg19_admin_a;
SELECT is((SELECT count(*)::int FROM safeguard.la_enquiry WHERE id = :e1), 1, 'the authority''s administrator sees its enquiry');
RESET ROLE;
SET ROLE sg19_insp;
SELECT throws_ok($$SELECT count(*) FROM safeguard.la_enquiry$$, '42501', NULL, 'an inspector of the regulator may not read enquiries');
RESET ROLE;
SET ROLE sg19_cc;
SELECT throws_ok($$SELECT count(*) FROM safeguard.la_enquiry$$, '42501', NULL, 'the regulators contact centre may not read enquiries');
RESET ROLE;
SET ROLE sg19_nobody;
SELECT throws_ok($$SELECT count(*) FROM safeguard.la_enquiry$$, '42501', NULL, 'a role with no duty may not read enquiries');
RESET ROLE;
SET ROLE sg19_reader;
SELECT is((SELECT count(*)::int FROM (SELECT id, state, action_result, msp_asked FROM safeguard.la_enquiry) x), 1,
          'a reader of the authority counts its enquiries and outcomes');
SELECT throws_ok($$SELECT msp_outcomes_wanted FROM safeguard.la_enquiry$$, '42501', NULL,
                 'but reads no free text');
SELECT throws_ok($$SELECT allocated_to FROM safeguard.la_enquiry$$, '42501', NULL,
                 '... and no staff names');
SELECT throws_ok($$SELECT rationale FROM safeguard.concern_decision$$, '42501', NULL,
                 '... nor a decision''s rationale');
RESET ROLE;

--------------------------------------------------------------------------
-- 9. A retrospective enquiry: an adult who has died
--------------------------------------------------------------------------
SET ROLE sg19_off;
SELECT safeguard.log_concern('2025-06-02 09:45+00', 'letter', 'family_friend_neighbour',
                             'daughter concerned about care before her mother died', '{Neglect and Acts of Omission}',
                             la_id => :laa, referrer_name => 'Ms Daughter', referrer_address => '1 High Street',
                             adult_name => 'Mary Late', adult_date_of_birth => '1930-02-02',
                             adult_date_of_death => '2025-05-20') AS c3 \gset
SELECT safeguard.decide_concern(:c3, 'section_42_enquiry', 'retrospective enquiry', true, true, true) AS e3 \gset
SELECT is((SELECT retrospective FROM safeguard.la_enquiry WHERE id = :e3), true, 'an enquiry about an adult who died is retrospective');
RESET ROLE;
SET ROLE sg19_sam;
SELECT is(safeguard.allocate_enquiry(:e3, 'sg19_off'), 'allocated'::safeguard.la_enquiry_state, 'allocated');
SELECT is(safeguard.allocate_enquiry(:e3, 'sg19_off2'), 'allocated'::safeguard.la_enquiry_state, 'and reallocated by the SAM');
SELECT is((SELECT allocated_to::text FROM safeguard.la_enquiry WHERE id = :e3), 'sg19_off2', 'to the new officer');
RESET ROLE;
SET ROLE sg19_off2;
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET allocated_to = 'sg19_off' WHERE id = %s$$, :e3),
                 '42501', NULL, 'an officer cannot hand the enquiry on');
SELECT throws_ok(format($$SELECT safeguard.start_enquiry(%s, 'No', NULL, 'the adult has died', NULL, false, 'n/a')$$, :e3),
                 'SG218', NULL, 'Making Safeguarding Personal does not apply to an adult who died');
SELECT throws_ok(format($$SELECT safeguard.start_enquiry(%s, NULL, NULL, NULL, 'Don''t know')$$, :e3),
                 'SG218', NULL, '... nor capacity');
SELECT is(safeguard.start_enquiry(:e3), 'in_progress'::safeguard.la_enquiry_state, 'it starts with those answered as not applicable');
SELECT throws_ok(format($$SELECT safeguard.conclude_enquiry(%s, 'Risk identified and no action taken', '{Neglect and Acts of Omission}', 'Care Home - Residential', 'Service Provider')$$, :e3),
                 'SG219', NULL, 'its conclusion records whether a Safeguarding Adults Review referral was considered');
SELECT throws_ok(format($$SELECT safeguard.conclude_enquiry(%s, 'Risk identified and no action taken', '{Neglect and Acts of Omission}', 'Care Home - Residential', 'Service Provider', NULL, 'Not Achieved', true)$$, :e3),
                 'SG604', NULL, 'no achievement without expressed outcomes');
SELECT is(safeguard.conclude_enquiry(:e3, 'Risk identified and no action taken', '{Neglect and Acts of Omission}',
                                     'Care Home - Residential', 'Service Provider', NULL, NULL, true),
          'concluded'::safeguard.la_enquiry_state, 'concluded, a SAR referral considered');
RESET ROLE;
SET ROLE sg19_sam;
SELECT throws_ok(format($$SELECT safeguard.close_enquiry(%s, safeguard.now(), 'letter', adult_feedback_at => safeguard.now())$$, :e3),
                 'SG218', NULL, 'no feedback to an adult who has died');
SELECT is(safeguard.close_enquiry(:e3, feedback_not_given_reason => 'the daughter asked not to be contacted again'),
          'closed'::safeguard.la_enquiry_state, 'closed with the reason no feedback can be given');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'la_enquiry' AND subject_id = :e3 AND kind = 'enquiry_feedback'),
          'cancelled', 'the feedback deadline no longer applies');
RESET ROLE;

--------------------------------------------------------------------------
-- 10. Deadlines: the authority's own policy version, and the sweep
--------------------------------------------------------------------------
INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description)
VALUES (:laa, '2025-01-01', 'TAP19 authority A: enquiries concluded within 15 working days') RETURNING id AS policy_a \gset
INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit)
SELECT :policy_a, kind, CASE WHEN kind = 'enquiry_conclusion' THEN 15 ELSE amount END, unit
FROM safeguard.deadline_rule WHERE policy_id = :shipped_policy;
INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit)
SELECT :policy_a, kind, rung, offset_amount, offset_unit
FROM safeguard.escalation_rung WHERE policy_id = :shipped_policy;
SET ROLE sg19_off;
SELECT safeguard.log_concern('2025-06-02 09:50+00', 'phone', 'police', 'domestic abuse disclosed',
                             '{Domestic Abuse}', la_id => :laa, referrer_name => 'PC Brown',
                             referrer_phone => '01632 960 101') AS c4 \gset
SELECT safeguard.decide_concern(:c4, 'other_enquiry', 'a carer: not all three criteria, enquiry proportionate',
                                true, true, false) AS e4 \gset
SELECT is((SELECT kind::text FROM safeguard.la_enquiry WHERE id = :e4), 'other_enquiry', 'an other enquiry');
RESET ROLE;
SET ROLE sg19_sam;
SELECT throws_ok(format($$SELECT safeguard.make_safeguarding_plan(%s, '2025-06-02 10:00+00', 'x')$$, :e4),
                 'SG221', NULL, 'a plan is made once the enquiry is in progress');
SELECT throws_ok(format($$SELECT safeguard.record_strategy_discussion(%s, 'meeting', '2025-06-02 10:00+00', 'x', 'y')$$, :e4),
                 'SG221', NULL, '... and a strategy discussion once it is allocated');
RESET ROLE;
SET ROLE sg19_off;
SELECT results_eq(format($$SELECT d.policy_id, coalesce(d.amount, r.amount) FROM safeguard.deadline d
                          JOIN safeguard.deadline_rule r USING (policy_id, kind)
                          WHERE d.subject_table = 'la_enquiry' AND d.subject_id = %s AND d.kind = 'enquiry_conclusion'$$, :e4),
                  format($$VALUES (%s::bigint, 15)$$, :policy_a),
                  'its conclusion deadline follows the authority''s own policy version');
RESET ROLE;
SELECT safeguard.set_clock('2025-07-15 10:00+00') IS NOT NULL AS moved \gset
SELECT cmp_ok(safeguard.sweep(), '>', 0, 'a sweep weeks later fires rungs');
SELECT results_eq(format($$SELECT kind, array_agg(rung::text ORDER BY rung) FROM safeguard.deadline_alert
                          WHERE subject_table = 'la_enquiry' AND subject_id = %s GROUP BY kind ORDER BY kind$$, :e4),
                  $$VALUES ('enquiry_conclusion', ARRAY['due_soon', 'breach', 'escalate']),
                           ('enquiry_contact', ARRAY['due_soon', 'breach', 'escalate'])$$,
                  'the unallocated enquiry''s contact and conclusion deadlines are chased and escalated');
SET ROLE sg19_off_b;
SELECT is((SELECT count(*)::int FROM safeguard.deadline WHERE subject_table = 'la_enquiry'), 0,
          'another authority''s officer sees none of its deadlines');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
