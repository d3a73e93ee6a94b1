-- Enquiries a council causes another organisation to make (Care Act s42(2),
-- issue 16 item 3): requested by the enquiry's allocated officer or a SAM
-- while the enquiry is in progress, answered by a login of the
-- organisation or recorded by the officer on its behalf, accepted or
-- returned for more, withdrawn; the enquiry neither concludes nor closes
-- while one is open; the caused_report deadline through the versioned
-- policies, its ladder fired once by the sweep; what the organisation, the
-- authority, another authority and a reader see; every refusal by
-- SQLSTATE, by every write path (function, raw INSERT, UPDATE, DELETE,
-- MERGE, a writable CTE, COPY, TRUNCATE).  Every check runs under SET ROLE
-- to the role concerned; SQLSTATEs only, never message text.
BEGIN;
SELECT plan(132);

\set fixture TAP26
\set clock '2025-06-02 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority prov=provider prov2=provider'
\set orgs :orgs ' loc=provider_location/prov/laa pol=police nhs=other'
\set cast 'sg26_off=la_officer@laa sg26_off2=la_officer@laa sg26_sam=sam@laa sg26_admin_a=admin@laa'
\set cast :cast ' sg26_off_b=la_officer@lab sg26_sam_b=sam@lab sg26_insp=inspector@cqc'
\set cast :cast ' sg26_prov=provider@prov sg26_prov2=provider@prov2 sg26_pol=provider@pol'
\set cast :cast ' sg26_reader=reader@laa sg26_prov_admin=admin@prov sg26_nobody'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- 1. Inventory
--------------------------------------------------------------------------
SELECT table_privs_are('safeguard', 'caused_enquiry', 'public', ARRAY[]::name[],
                       'PUBLIC has no privilege on safeguard.caused_enquiry');
SELECT table_privs_are('safeguard', 'caused_enquiry', r, p, format('%s holds %s on caused_enquiry', r, p))
FROM (VALUES ('safeguard_la_officer', ARRAY['SELECT', 'INSERT', 'UPDATE']::name[]),
             ('safeguard_sam', ARRAY['SELECT', 'INSERT', 'UPDATE']::name[]),
             ('safeguard_provider', ARRAY[]::name[]),
             ('safeguard_inspector', ARRAY[]::name[]),
             ('safeguard_contact_centre', ARRAY[]::name[])) AS x(r, p);
SELECT policies_are('safeguard', 'caused_enquiry', ARRAY['la_scope', 'caused_scope', 'caused_report', 'reader_scope'],
                    'caused_enquiry: the authority''s staff, the organisation caused, readers');
SELECT is((SELECT relrowsecurity AND relforcerowsecurity FROM pg_catalog.pg_class
           WHERE oid = 'safeguard.caused_enquiry'::regclass), true, 'row-level security is enabled and forced');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.proname IN ('cause_enquiry', 'record_caused_report', 'accept_caused_report',
                                      'return_caused_report', 'withdraw_caused_enquiry', 'caused_enquiry_found')
                    AND p.pronamespace = 'safeguard'::regnamespace
                    AND (p.prosecdef OR NOT 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig))$$,
                'the workflow functions run with the caller''s rights and pin search_path');
SELECT is((SELECT amount FROM safeguard.deadline_rule WHERE policy_id = :shipped_policy AND kind = 'caused_report'),
          10, 'the shipped policy: a caused enquiry''s report within 10 working days');
SELECT is((SELECT array_agg(rung::text ORDER BY rung) FROM safeguard.escalation_rung
           WHERE policy_id = :shipped_policy AND kind = 'caused_report'),
          ARRAY['due_soon', 'breach', 'escalate'], '... with the default ladder');

--------------------------------------------------------------------------
-- 2. An enquiry to cause others from: decided, allocated, not yet started
--------------------------------------------------------------------------
SET ROLE sg26_off;
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'ambulance_service',
                             'found on the floor at the care home, unexplained bruising', '{Physical Abuse}',
                             la_id => :laa, referrer_name => 'Paramedic Jones',
                             referrer_phone => '0300 123 4567', adult_nhs_number => '943 476 5919',
                             adult_name => 'Ann Example', adult_date_of_birth => '1938-04-01') AS c1 \gset
SELECT safeguard.decide_concern(:c1, 'section_42_enquiry', 'all three criteria met', true, true, true) AS e1 \gset
SELECT (SELECT case_id FROM safeguard.la_enquiry WHERE id = :e1) AS case1 \gset
RESET ROLE;
SET ROLE sg26_sam;
SELECT is(safeguard.allocate_enquiry(:e1, 'sg26_off'), 'allocated'::safeguard.la_enquiry_state, 'allocated to the officer');
RESET ROLE;
SET ROLE sg26_off;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'what happened on the night shift?')$$, :e1, :prov),
                 'SG226', NULL, 'no enquiry is caused before the enquiry is in progress');
SELECT is(safeguard.start_enquiry(:e1, 'Yes, they were asked and outcomes were expressed', 'to stay at the home safely',
                                  NULL, 'No, they did not lack capacity', false, 'no substantial difficulty'),
          'in_progress'::safeguard.la_enquiry_state, 'the officer starts the enquiry');
RESET ROLE;

--------------------------------------------------------------------------
-- 3. Causing an enquiry: who, of whom, what
--------------------------------------------------------------------------
SET ROLE sg26_off;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :laa),
                 'SG227', NULL, 'not of the authority itself');
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :cqc),
                 'SG227', NULL, 'not of the regulator');
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :loc),
                 'SG227', NULL, 'not of a provider''s location (the provider enquires)');
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, E' \t')$$, :e1, :prov),
                 'SG202', NULL, 'the question is required');
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, NULL)$$, :e1, :prov),
                 'SG202', NULL, '... never NULL');
SELECT throws_ok(format($$INSERT INTO safeguard.caused_enquiry (enquiry_id, organisation_id, question, requested_by)
                         VALUES (%s, %s, 'x', 'sg26_sam')$$, :e1, :prov),
                 'SG203', NULL, 'who asked is stamped, not supplied');
SELECT throws_ok(format($$INSERT INTO safeguard.caused_enquiry (enquiry_id, organisation_id, question, state, report)
                         VALUES (%s, %s, 'x', 'report_received', 'all fine')$$, :e1, :prov),
                 'SG203', NULL, 'a request is created requested, with no report');
SELECT throws_ok(format($$INSERT INTO safeguard.caused_enquiry (enquiry_id, organisation_id, question, report_due_at)
                         VALUES (%s, %s, 'x', '2026-01-01')$$, :e1, :prov),
                 'SG203', NULL, 'the due date is the policy''s, not supplied');
SELECT safeguard.cause_enquiry(:e1, :prov, 'Review the night shift''s records and interview the staff on duty') AS ce1 \gset
SELECT results_eq(format($$SELECT state::text, la_id, case_id, organisation_id, requested_by::text, requested_org_id,
                                  requested_at, adult_name, adult_date_of_birth, adult_nhs_number
                           FROM safeguard.caused_enquiry WHERE id = %s$$, :ce1),
                  format($$VALUES ('requested', %s::bigint, %s::bigint, %s::bigint, 'sg26_off', %s::bigint,
                                   '2025-06-02 10:00+00'::timestamptz, 'Ann Example', '1938-04-01'::date, '9434765919')$$,
                         :laa, :case1, :prov, :laa),
                  'the allocated officer causes the provider to enquire: safeguard records who, when, and the adult''s identifiers');
SELECT results_eq(format($$SELECT d.kind, d.status::text, d.organisation_id, d.anchor_at, d.policy_id,
                                  safeguard.deadline_due_or_null(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division)
                           FROM safeguard.deadline d JOIN safeguard.deadline_rule r USING (policy_id, kind)
                           WHERE d.subject_table = 'caused_enquiry' AND d.subject_id = %s$$, :ce1),
                  format($$VALUES ('caused_report', 'open', %s::bigint, '2025-06-02 10:00+00'::timestamptz, %s::bigint,
                                   '2025-06-17 00:00+01'::timestamptz)$$, :laa, :shipped_policy),
                  'it opens the caused_report deadline for the authority: 10 working days, the end of 16 June');
SELECT is((SELECT report_due_at FROM safeguard.caused_enquiry WHERE id = :ce1), '2025-06-17 00:00+01'::timestamptz,
          'the request carries that due instant');
SELECT safeguard.cause_enquiry(:e1, :pol, 'Check the call log and any previous incidents at the address') AS ce2 \gset
RESET ROLE;
SET ROLE sg26_sam;
SELECT safeguard.cause_enquiry(:e1, :nhs, 'A&E: record of the injuries on admission') AS ce3 \gset
SELECT ok(:ce3 > :ce2 AND :ce2 > :ce1, 'a SAM causes one too (the NHS trust)');
RESET ROLE;
SET ROLE sg26_off2;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :prov),
                 'SG216', NULL, 'an officer it is not allocated to cannot cause an enquiry');
RESET ROLE;
SET ROLE sg26_off_b;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :prov),
                 'SG208', NULL, 'an officer of another authority: the enquiry is not there');
SELECT throws_ok(format($$INSERT INTO safeguard.caused_enquiry (enquiry_id, organisation_id, question) VALUES (%s, %s, 'x')$$, :e1, :prov),
                 'SG208', NULL, '... nor by a raw INSERT');
RESET ROLE;
SET ROLE sg26_prov;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :prov),
                 '42501', NULL, 'the provider cannot cause itself an enquiry');
SELECT throws_ok(format($$INSERT INTO safeguard.caused_enquiry (enquiry_id, organisation_id, question) VALUES (%s, %s, 'x')$$, :e1, :prov),
                 '42501', NULL, '... nor by a raw INSERT');
RESET ROLE;
SET ROLE sg26_insp;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :prov),
                 '42501', NULL, 'the regulator''s inspector cannot cause an enquiry');
RESET ROLE;
SET ROLE sg26_admin_a;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :prov),
                 '42501', NULL, 'nor the authority''s administrator');
RESET ROLE;
SET ROLE sg26_reader;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :prov),
                 '42501', NULL, 'nor a reader');
RESET ROLE;
SET ROLE sg26_nobody;
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'x')$$, :e1, :prov),
                 '42501', NULL, 'nor a role with no duty');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. What each sees
--------------------------------------------------------------------------
SET ROLE sg26_prov;
SELECT results_eq($$SELECT id, question, adult_name, adult_nhs_number, state::text, requested_at, report_due_at
                    FROM safeguard.caused_enquiry_requests$$,
                  format($$VALUES (%s::bigint, 'Review the night shift''s records and interview the staff on duty',
                                   'Ann Example', '9434765919', 'requested', '2025-06-02 10:00+00'::timestamptz,
                                   '2025-06-17 00:00+01'::timestamptz)$$, :ce1),
                  'the provider sees its request: the question, the adult''s identifiers, the dates');
SELECT is((SELECT count(*)::int FROM (SELECT id, state FROM safeguard.caused_enquiry) x), 1,
          '... exactly one row of the table: not the police''s or the trust''s');
SELECT throws_ok($$SELECT case_id FROM safeguard.caused_enquiry$$, '42501', NULL, '... and not the case');
SELECT throws_ok($$SELECT requested_by FROM safeguard.caused_enquiry$$, '42501', NULL, '... nor the officer''s name');
SELECT throws_ok($$SELECT count(*) FROM safeguard.la_enquiry$$, '42501', NULL, '... nor the council''s enquiry');
SELECT throws_ok($$SELECT count(*) FROM safeguard.caused_enquiries_open$$, '42501', NULL, '... nor the council''s view');
SELECT throws_ok($$SELECT count(*) FROM safeguard.concern$$, '42501', NULL, '... nor the concern');
SELECT is((SELECT count(*)::int FROM safeguard.deadline), 0, '... nor the authority''s deadlines');
RESET ROLE;
SET ROLE sg26_prov2;
SELECT is((SELECT count(*)::int FROM safeguard.caused_enquiry_requests) +
          (SELECT count(*)::int FROM (SELECT id FROM safeguard.caused_enquiry) x), 0,
          'another provider sees no request');
RESET ROLE;
SET ROLE sg26_pol;
SELECT results_eq($$SELECT id FROM safeguard.caused_enquiry_requests$$, format($$VALUES (%s::bigint)$$, :ce2),
                  'the police see their own request only');
RESET ROLE;
SET ROLE sg26_off;
SELECT results_eq($$SELECT id, state::text, late, allocated_to::text FROM safeguard.caused_enquiries_open ORDER BY id$$,
                  format($$VALUES (%s::bigint, 'requested', false, 'sg26_off'), (%s::bigint, 'requested', false, 'sg26_off'),
                                  (%s::bigint, 'requested', false, 'sg26_off')$$, :ce1, :ce2, :ce3),
                  'the officer''s view: three open requests, none late');
SELECT throws_ok($$SELECT count(*) FROM safeguard.caused_enquiry_requests$$, '42501', NULL,
                 'the organisation''s view is not the council''s');
RESET ROLE;
SET ROLE sg26_off_b;
SELECT is((SELECT count(*)::int FROM safeguard.caused_enquiry) + (SELECT count(*)::int FROM safeguard.caused_enquiries_open)
          + (SELECT count(*)::int FROM safeguard.deadline WHERE subject_table = 'caused_enquiry'), 0,
          'an officer of another authority sees no request, in the table, the view or the deadlines');
RESET ROLE;
SET ROLE sg26_reader;
SELECT is((SELECT count(*)::int FROM (SELECT id, state, report_due_at FROM safeguard.caused_enquiry) x), 3,
          'a reader of the authority counts its requests');
SELECT throws_ok($$SELECT question FROM safeguard.caused_enquiry$$, '42501', NULL, '... but reads no question');
SELECT throws_ok($$SELECT adult_nhs_number FROM safeguard.caused_enquiry$$, '42501', NULL, '... nor the adult');
RESET ROLE;
SET ROLE sg26_insp;
SELECT throws_ok($$SELECT count(*) FROM safeguard.caused_enquiry$$, '42501', NULL, 'the regulator''s inspector reads none');
RESET ROLE;
SET ROLE sg26_nobody;
SELECT throws_ok($$SELECT count(*) FROM safeguard.caused_enquiry$$, '42501', NULL, 'nor a role with no duty');
RESET ROLE;

--------------------------------------------------------------------------
-- 5. The organisation reports through its own login
--------------------------------------------------------------------------
SET ROLE sg26_prov2;
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'x')$$, :ce1),
                 'SG208', NULL, 'another provider cannot answer it (not there)');
RESET ROLE;
SET ROLE sg26_pol;
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'x')$$, :ce1),
                 'SG208', NULL, '... nor the police');
SELECT is_empty(format($$UPDATE safeguard.caused_enquiry SET state = 'report_received', report = 'x' WHERE id = %s RETURNING id$$, :ce1),
                '... whose raw UPDATE finds no row');
RESET ROLE;
SET ROLE sg26_prov;
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, '  ')$$, :ce1),
                 'SG202', NULL, 'a report says what was found');
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'x', '2025-06-01 10:00+00', 'email')$$, :ce1),
                 '42501', NULL, 'the organisation cannot say when or how its report arrived');
SELECT throws_ok(format($$UPDATE safeguard.caused_enquiry SET question = 'easier' WHERE id = %s$$, :ce1),
                 '42501', NULL, '... nor change the question');
SELECT throws_ok(format($$UPDATE safeguard.caused_enquiry SET state = 'accepted' WHERE id = %s$$, :ce1),
                 'SG201', NULL, '... nor skip to accepted');
SELECT throws_ok(format($$SELECT safeguard.accept_caused_report(%s)$$, :ce1),
                 '42501', NULL, '... nor accept its own report');
SELECT throws_ok(format($$SELECT safeguard.withdraw_caused_enquiry(%s, 'x')$$, :ce1),
                 '42501', NULL, '... nor withdraw the request');
SELECT throws_ok(format($$DELETE FROM safeguard.caused_enquiry WHERE id = %s$$, :ce1),
                 '42501', NULL, '... nor delete it');
SELECT is(safeguard.record_caused_report(:ce1, 'Night shift short-staffed; the carer on duty reports a fall at 03:00 not recorded'),
          'report_received'::safeguard.caused_enquiry_state, 'the provider''s login records its report');
SELECT results_eq(format($$SELECT state::text, report_received_at FROM safeguard.caused_enquiry_requests WHERE id = %s$$, :ce1),
                  $$VALUES ('report_received', '2025-06-02 10:00+00'::timestamptz)$$,
                  '... and sees it received now');
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'again')$$, :ce1),
                 'SG201', NULL, 'a report received is not received again until returned');
RESET ROLE;
SELECT results_eq(format($$SELECT report_method::text, report_recorded_by::text, report_recorded_org_id FROM safeguard.caused_enquiry WHERE id = %s$$, :ce1),
                  format($$VALUES ('own_login', 'sg26_prov', %s::bigint)$$, :prov),
                  'safeguard records it came through the provider''s own login');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'caused_enquiry' AND subject_id = :ce1),
          'met', 'the report meets the caused_report deadline');

--------------------------------------------------------------------------
-- 6. The authority accepts, or returns for more
--------------------------------------------------------------------------
SET ROLE sg26_off2;
SELECT throws_ok(format($$SELECT safeguard.accept_caused_report(%s)$$, :ce1),
                 'SG216', NULL, 'an officer it is not allocated to cannot accept the report');
RESET ROLE;
SET ROLE sg26_sam_b;
SELECT throws_ok(format($$SELECT safeguard.accept_caused_report(%s)$$, :ce1),
                 'SG208', NULL, 'a SAM of another authority: not there');
RESET ROLE;
SET ROLE sg26_off;
SELECT throws_ok(format($$SELECT safeguard.return_caused_report(%s, '')$$, :ce1),
                 'SG202', NULL, 'a return says what more is needed');
SELECT throws_ok(format($$UPDATE safeguard.caused_enquiry SET state = 'returned', returned_reason = 'more', decided_by = 'sg26_sam' WHERE id = %s$$, :ce1),
                 'SG203', NULL, 'who returned it is stamped');
SELECT throws_ok(format($$UPDATE safeguard.caused_enquiry SET state = 'withdrawn', withdrawn_reason = 'x' WHERE id = %s$$, :ce1),
                 'SG201', NULL, 'a request answered is not withdrawn');
SELECT throws_ok(format($$SELECT safeguard.accept_caused_report(%s)$$, 999999999),
                 'SG208', NULL, 'no such request');
SELECT is(safeguard.return_caused_report(:ce1, 'Send the rota and the carer''s written statement'),
          'returned'::safeguard.caused_enquiry_state, 'the officer returns the report for more');
SELECT results_eq(format($$SELECT status::text, anchor_at FROM safeguard.deadline
                          WHERE subject_table = 'caused_enquiry' AND subject_id = %s ORDER BY id$$, :ce1),
                  $$VALUES ('met', '2025-06-02 10:00+00'::timestamptz), ('open', '2025-06-02 10:00+00'::timestamptz)$$,
                  'a further report is due: a new caused_report deadline from the return');
RESET ROLE;
SET ROLE sg26_prov;
SELECT is((SELECT returned_reason FROM safeguard.caused_enquiry_requests WHERE id = :ce1),
          'Send the rota and the carer''s written statement', 'the provider sees what more is asked');
SELECT is(safeguard.record_caused_report(:ce1, 'Rota and statement attached: two carers on duty, one on a break'),
          'report_received'::safeguard.caused_enquiry_state, 'and reports again');
RESET ROLE;
SET ROLE sg26_off;
SELECT is(safeguard.accept_caused_report(:ce1), 'accepted'::safeguard.caused_enquiry_state, 'the officer accepts the report');
SELECT throws_ok(format($$UPDATE safeguard.caused_enquiry SET returned_reason = 'rewritten' WHERE id = %s$$, :ce1),
                 'SG204', NULL, 'an accepted request is kept as it is');
RESET ROLE;
SELECT results_eq(format($$SELECT status::text FROM safeguard.deadline WHERE subject_table = 'caused_enquiry' AND subject_id = %s ORDER BY id$$, :ce1),
                  $$VALUES ('met'), ('met')$$, 'both reports met their deadlines');

--------------------------------------------------------------------------
-- 7. A report recorded by the officer on the organisation's behalf
--------------------------------------------------------------------------
SET ROLE sg26_off;
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'phoned through')$$, :ce2),
                 'SG228', NULL, 'on the police''s behalf: when it arrived and how are required');
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'phoned through', safeguard.now(), NULL)$$, :ce2),
                 'SG228', NULL, '... how, too');
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'phoned through', safeguard.now(), 'own_login')$$, :ce2),
                 'SG228', NULL, '... and not as the organisation''s own login');
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'phoned through', safeguard.now() + interval '1 hour', 'phone')$$, :ce2),
                 'SG211', NULL, '... not in the future');
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'phoned through', '2025-06-02 09:00+00', 'phone')$$, :ce2),
                 'SG211', NULL, '... nor before the request');
SELECT throws_ok(format($$UPDATE safeguard.caused_enquiry SET state = 'report_received', report = 'x', report_received_at = safeguard.now(),
                           report_method = 'phone', report_recorded_by = 'sg26_pol' WHERE id = %s$$, :ce2),
                 'SG203', NULL, '... and who recorded it is stamped');
SELECT is(safeguard.record_caused_report(:ce2, 'Two previous calls to the address, no crime recorded', safeguard.now(), 'phone'),
          'report_received'::safeguard.caused_enquiry_state, 'the officer records the police''s report, received by phone');
SELECT results_eq(format($$SELECT report_method::text, report_recorded_by::text, report_received_at FROM safeguard.caused_enquiry WHERE id = %s$$, :ce2),
                  $$VALUES ('phone', 'sg26_off', '2025-06-02 10:00+00'::timestamptz)$$,
                  'who recorded it, when it arrived, how');
RESET ROLE;
SET ROLE sg26_pol;
SELECT is((SELECT report FROM safeguard.caused_enquiry_requests WHERE id = :ce2), 'Two previous calls to the address, no crime recorded',
          'the police see the report recorded for them');
RESET ROLE;
SET ROLE sg26_sam;
SELECT is(safeguard.accept_caused_report(:ce2), 'accepted'::safeguard.caused_enquiry_state, 'a SAM accepts it');
RESET ROLE;

--------------------------------------------------------------------------
-- 8. The enquiry waits for what it caused
--------------------------------------------------------------------------
SET ROLE sg26_off;
SELECT throws_ok(format($$SELECT safeguard.conclude_enquiry(%s, 'Risk identified and action taken', '{Physical Abuse}', 'Care Home - Residential', 'Service Provider', 'Risk reduced', 'Fully Achieved')$$, :e1),
                 'SG229', NULL, 'the enquiry does not conclude while the trust''s report is awaited');
SELECT throws_ok(format($$UPDATE safeguard.la_enquiry SET state = 'concluded', action_result = 'Risk identified and action taken',
                           risk_types = '{Physical Abuse}', risk_location = 'Care Home - Residential', source_of_risk = 'Service Provider',
                           risk_outcome = 'Risk reduced', msp_achieved = 'Fully Achieved' WHERE id = %s$$, :e1),
                 'SG229', NULL, '... nor by a raw UPDATE');
SELECT throws_ok(format($$SELECT safeguard.withdraw_caused_enquiry(%s, NULL)$$, :ce3),
                 'SG202', NULL, 'a withdrawal says why');
SELECT is(safeguard.withdraw_caused_enquiry(:ce3, 'the hospital''s notes arrived with the discharge summary'),
          'withdrawn'::safeguard.caused_enquiry_state, 'the officer withdraws the trust''s request');
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'caused_enquiry' AND subject_id = :ce3),
          'cancelled', 'its deadline no longer applies');
SELECT throws_ok(format($$SELECT safeguard.record_caused_report(%s, 'late', safeguard.now(), 'letter')$$, :ce3),
                 'SG201', NULL, 'a withdrawn request takes no report');
SELECT is(safeguard.conclude_enquiry(:e1, 'Risk identified and action taken', '{Physical Abuse}', 'Care Home - Residential',
                                     'Service Provider', 'Risk reduced', 'Fully Achieved'),
          'concluded'::safeguard.la_enquiry_state, 'with nothing open, the enquiry concludes');
SELECT throws_ok(format($$SELECT safeguard.cause_enquiry(%s, %s, 'one more thing')$$, :e1, :prov),
                 'SG226', NULL, 'no enquiry is caused once the enquiry has concluded');
SELECT is((SELECT count(*)::int FROM safeguard.caused_enquiries_open), 0, 'nothing is open in the officer''s view');
RESET ROLE;

--------------------------------------------------------------------------
-- 9. Every other write path
--------------------------------------------------------------------------
SET ROLE sg26_off;
SELECT safeguard.log_concern('2025-06-02 09:30+00', 'email', 'police', 'financial abuse by a neighbour',
                             '{Financial or Material Abuse}', la_id => :laa, referrer_name => 'PC Brown',
                             referrer_phone => '01632 960 101', adult_name => 'Bob Example',
                             adult_date_of_birth => '1941-03-03') AS c2 \gset
SELECT safeguard.decide_concern(:c2, 'section_42_enquiry', 'criteria met', true, true, true) AS e2 \gset
RESET ROLE;
SET ROLE sg26_sam;
SELECT is(safeguard.allocate_enquiry(:e2, 'sg26_off'), 'allocated'::safeguard.la_enquiry_state, 'a second enquiry, allocated');
RESET ROLE;
SET ROLE sg26_off;
SELECT is(safeguard.start_enquiry(:e2, 'Yes, they were asked but no outcomes were expressed', NULL, NULL,
                                  'No, they did not lack capacity', true),
          'in_progress'::safeguard.la_enquiry_state, 'and started');
SELECT safeguard.cause_enquiry(:e2, :pol, 'Any reports of the neighbour''s conduct?') AS ce4 \gset
SELECT throws_ok(format($$WITH x AS (UPDATE safeguard.caused_enquiry SET state = 'accepted' WHERE id = %s RETURNING id) SELECT count(*) FROM x$$, :ce4),
                 'SG201', NULL, 'a writable CTE cannot accept a report never received');
SELECT throws_ok(format($$MERGE INTO safeguard.caused_enquiry t USING (VALUES (%s::bigint)) AS s(id) ON t.id = s.id
                         WHEN MATCHED THEN UPDATE SET organisation_id = %s$$, :ce4, :prov),
                 'SG203', NULL, 'MERGE cannot redirect the request to another organisation');
SELECT throws_ok(format($$MERGE INTO safeguard.caused_enquiry t USING (VALUES (%s::bigint, %s::bigint)) AS s(e, o) ON false
                         WHEN NOT MATCHED THEN INSERT (enquiry_id, organisation_id, question, state) VALUES (s.e, s.o, 'x', 'accepted')$$, :e2, :prov),
                 'SG203', NULL, '... nor insert one already accepted');
SELECT throws_ok(format($$DELETE FROM safeguard.caused_enquiry WHERE id = %s$$, :ce4),
                 '42501', NULL, 'an officer has no DELETE');
RESET ROLE;
SELECT throws_ok(format($$DELETE FROM safeguard.caused_enquiry WHERE id = %s$$, :ce4),
                 'SG204', NULL, 'not even a superuser deletes a request');
SELECT throws_ok($$TRUNCATE safeguard.caused_enquiry$$, 'SG204', NULL, '... or truncates the table');
SELECT throws_ok(format($$COPY safeguard.caused_enquiry (enquiry_id, organisation_id, question) FROM PROGRAM 'echo %s,%s,x' WITH (FORMAT csv)$$, :e2, :prov),
                 'SG208', NULL, 'a superuser''s COPY FROM meets the guard: no authority''s officer, no enquiry to cause from');
GRANT pg_read_server_files TO sg26_off;
SET ROLE sg26_off;
SELECT throws_ok($$COPY safeguard.caused_enquiry (enquiry_id, organisation_id, question) FROM '/dev/null'$$,
                 '0A000', NULL, 'an officer''s COPY FROM is refused under row-level security');
RESET ROLE;
REVOKE pg_read_server_files FROM sg26_off;
GRANT pg_read_server_files TO sg26_pol;
SET ROLE sg26_pol;
SELECT throws_ok($$COPY safeguard.caused_enquiry (enquiry_id, organisation_id, question) FROM '/dev/null'$$,
                 '42501', NULL, 'the organisation''s COPY FROM: no INSERT');
RESET ROLE;
REVOKE pg_read_server_files FROM sg26_pol;
SET ROLE sg26_pol;
SELECT throws_ok(format($$MERGE INTO safeguard.caused_enquiry t USING (VALUES (%s::bigint)) AS s(id) ON t.id = s.id
                         WHEN MATCHED THEN UPDATE SET state = 'accepted'$$, :ce4),
                 'SG201', NULL, 'the police cannot accept by MERGE (a report is due first)');
SELECT throws_ok(format($$UPDATE safeguard.caused_enquiry SET state = 'withdrawn' WHERE id = %s$$, :ce4),
                 '42501', NULL, '... nor withdraw their own request');
RESET ROLE;
SET ROLE sg26_off_b;
SELECT is_empty(format($$UPDATE safeguard.caused_enquiry SET state = 'withdrawn', withdrawn_reason = 'x' WHERE id = %s RETURNING id$$, :ce4),
                'an officer of another authority: a raw UPDATE finds no row');
RESET ROLE;

-- The audit trail: every step in the case's chain, with the duty that made it.
SELECT results_eq(format($$SELECT action, coalesce(from_state, '-'), coalesce(to_state, '-'), duty::text, chain_key
                          FROM safeguard.audit_event WHERE table_name = 'caused_enquiry' AND row_key = '%s' ORDER BY id$$, :ce1),
                  format($$VALUES ('INSERT', '-', 'requested', 'la_officer', 'case:%s'),
                                  ('UPDATE', 'requested', 'report_received', 'provider', 'case:%s'),
                                  ('UPDATE', 'report_received', 'returned', 'la_officer', 'case:%s'),
                                  ('UPDATE', 'returned', 'report_received', 'provider', 'case:%s'),
                                  ('UPDATE', 'report_received', 'accepted', 'la_officer', 'case:%s')$$,
                         :case1, :case1, :case1, :case1, :case1),
                  'each step is audited in the case''s chain, with the duty that made it');
SELECT is_empty($$SELECT * FROM safeguard.verify_audit()$$, 'the audit chains verify');

--------------------------------------------------------------------------
-- 10. The deadline: the authority's own policy version, the ladder, the sweep
--------------------------------------------------------------------------
INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description)
VALUES (:laa, '2025-06-03', 'TAP26 authority A from 3 June: caused reports within 5 working days') RETURNING id AS policy_a \gset
INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit)
SELECT :policy_a, kind, CASE WHEN kind = 'caused_report' THEN 5 ELSE amount END, unit
FROM safeguard.deadline_rule WHERE policy_id = :shipped_policy;
INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit)
SELECT :policy_a, kind, rung, offset_amount, offset_unit
FROM safeguard.escalation_rung WHERE policy_id = :shipped_policy;
SELECT safeguard.set_clock('2025-06-03 10:00+00') IS NOT NULL AS moved \gset
SET ROLE sg26_off;
SELECT safeguard.cause_enquiry(:e2, :prov, 'Did staff see the neighbour handle the adult''s bank card?') AS ce5 \gset
SELECT results_eq(format($$SELECT d.subject_id, d.policy_id, coalesce(d.amount, r.amount), c.report_due_at
                          FROM safeguard.deadline d JOIN safeguard.deadline_rule r USING (policy_id, kind)
                          JOIN safeguard.caused_enquiry c ON c.id = d.subject_id
                          WHERE d.subject_table = 'caused_enquiry' AND d.subject_id IN (%s, %s) ORDER BY d.subject_id$$, :ce4, :ce5),
                  format($$VALUES (%s::bigint, %s::bigint, 10, '2025-06-17 00:00+01'::timestamptz),
                                  (%s::bigint, %s::bigint, 5, '2025-06-11 00:00+01'::timestamptz)$$,
                         :ce4, :shipped_policy, :ce5, :policy_a),
                  'a request follows the policy in force on its day: the shipped 10 days before 3 June, the authority''s 5 from it');
RESET ROLE;
SELECT safeguard.set_clock('2025-07-15 10:00+00') IS NOT NULL AS moved \gset
SELECT cmp_ok(safeguard.sweep(), '>', 0, 'a sweep weeks later fires rungs');
SELECT results_eq(format($$SELECT subject_id, array_agg(rung::text ORDER BY rung) FROM safeguard.deadline_alert
                          WHERE subject_table = 'caused_enquiry' AND subject_id IN (%s, %s) GROUP BY subject_id ORDER BY subject_id$$, :ce4, :ce5),
                  format($$VALUES (%s::bigint, ARRAY['due_soon', 'breach', 'escalate']), (%s::bigint, ARRAY['due_soon', 'breach', 'escalate'])$$, :ce4, :ce5),
                  'both unanswered requests are chased and escalated');
SELECT lives_ok($$SELECT safeguard.sweep()$$, 'a second sweep');
SELECT is((SELECT count(*)::int FROM safeguard.deadline_alert WHERE subject_table = 'caused_enquiry'), 6,
          '... fires nothing again: each rung exactly once');
SELECT is((SELECT count(*)::int FROM safeguard.deadline_alert WHERE subject_table = 'caused_enquiry' AND subject_id IN (:ce1, :ce2, :ce3)), 0,
          'requests answered or withdrawn are never chased');
SET ROLE sg26_off;
SELECT results_eq($$SELECT id, late FROM safeguard.caused_enquiries_open ORDER BY id$$,
                  format($$VALUES (%s::bigint, true), (%s::bigint, true)$$, :ce4, :ce5),
                  'the officer''s view shows both late');
SELECT is(safeguard.record_caused_report(:ce5, 'Staff saw him take the card twice', '2025-07-14 16:00+00', 'secure_email'),
          'report_received'::safeguard.caused_enquiry_state, 'a late report is recorded as it arrived');
RESET ROLE;
SELECT is((SELECT status::text FROM safeguard.deadline WHERE subject_table = 'caused_enquiry' AND subject_id = :ce5),
          'breached', '... and its deadline is breached');
SET ROLE sg26_off_b;
SELECT is((SELECT count(*)::int FROM safeguard.deadline_alert WHERE subject_table = 'caused_enquiry'), 0,
          'another authority''s officer sees none of the chasing');
RESET ROLE;
SET ROLE sg26_pol;
SELECT is((SELECT count(*)::int FROM safeguard.deadline_alert), 0, 'nor do the police');
RESET ROLE;

--------------------------------------------------------------------------
-- The organisation is told: an outbox notice for each request and each
-- return, routed to that organisation's consumers, naming no question or adult.
--------------------------------------------------------------------------
SELECT results_eq(format($$SELECT payload ->> 'event', (payload ->> 'organisation_id')::bigint
                          FROM safeguard.outbox WHERE payload ->> 'caused_enquiry_id' = '%s' ORDER BY id$$, :ce1),
                  format($$VALUES ('caused_enquiry_requested', %s::bigint), ('caused_report_returned', %s::bigint)$$, :prov, :prov),
                  'the provider is told of the request and of the return, in that order');
SELECT is((SELECT count(*)::int FROM safeguard.outbox
           WHERE payload ->> 'event' LIKE 'caused_%' AND (payload ? 'question' OR payload ? 'adult_name'
                 OR payload ? 'adult_nhs_number' OR NOT payload ? 'report_due_at')), 0,
          'a notice names the request and its due date, never the question or the adult');
SET ROLE sg26_prov_admin;
SELECT is((SELECT count(*)::int FROM safeguard.outbox WHERE payload ->> 'caused_enquiry_id' = :'ce1'), 2,
          'the provider''s administrator (its outbox consumer) reads both notices');
SELECT is((SELECT count(*)::int FROM safeguard.outbox WHERE payload ->> 'caused_enquiry_id' IN (:'ce2', :'ce3')), 0,
          '... and not those sent to the police or the NHS body');
RESET ROLE;
SET ROLE sg26_admin_a;
SELECT is((SELECT count(*)::int FROM safeguard.outbox WHERE payload ->> 'event' LIKE 'caused_%'), 0,
          'the authority''s administrator does not consume another organisation''s notices');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
