-- Reporting (version 1.1): what the report views and the statutory return
-- (sac_return) show to whom, pseudonyms and their secret, allocation to a
-- named worker, the SAC answers recorded with an outcome, teams, data
-- quality, and the report layer refused to roles without a duty.  Errors are
-- asserted by SQLSTATE only.  What a role may see or do is checked under SET
-- ROLE to that role; the clock is pinned by the superuser, between roles.
BEGIN;
SELECT plan(214);

--------------------------------------------------------------------------
-- Fixture: the regulator, local authorities A and B, a provider; one role
-- per duty (two officers and a SAM of A, an inspector working in Team X,
-- readers for A and for the regulator, an administrator, a role with no
-- duty).  The clock is pinned on Monday 2 June 2025 (SAC year 2025-26).
--------------------------------------------------------------------------
\set fixture T08
\set clock '2025-06-02 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority prov=provider'
\set cast 't08_cc=contact_centre@cqc t08_insp=inspector@cqc t08_insp_x t08_admin=admin@cqc'
\set cast :cast ' t08_la_a=la_officer@laa t08_la_a2=la_officer@laa t08_sam_a=sam@laa'
\set cast :cast ' t08_writer_a=la_officer@laa t08_la_b=la_officer@lab t08_reader_a=reader@laa'
\set cast :cast ' t08_reader_cqc=reader@cqc t08_blank t08_nobody'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- 1. Teams: grant_duty's fourth argument
--------------------------------------------------------------------------
SELECT lives_ok(format($$SELECT safeguard.grant_duty('t08_insp_x', 'inspector', %s, 'Team X')$$, :cqc),
                'grant_duty(role, duty, organisation, team) grants a duty with its team');
SELECT is((SELECT team FROM safeguard.duty_grant
           WHERE role = 't08_insp_x'::regrole AND revoked_at IS NULL), 'Team X',
          'the grant records the team');
SELECT is((SELECT team FROM safeguard.duty_grant
           WHERE role = 't08_insp'::regrole AND revoked_at IS NULL), NULL,
          'a grant without a team records none');
SELECT throws_ok(format($$SELECT safeguard.grant_duty('t08_blank', 'reader', %s, '  ')$$, :cqc),
                 'SG202', NULL, 'a blank team ''  '' is refused (SG202)');
SELECT throws_ok(format($$SELECT safeguard.grant_duty('t08_blank', 'reader', %s, E'\t')$$, :cqc),
                 'SG202', NULL, 'a team of white space only is refused (SG202)');
SELECT is((SELECT count(*)::int FROM safeguard.duty_grant WHERE role = 't08_blank'::regrole), 0,
          'the refused grants recorded nothing');
SET ROLE t08_la_a;
SELECT throws_ok(format($$SELECT safeguard.grant_duty('t08_blank', 'reader', %s, 'Team Y')$$, :laa),
                 '42501', NULL, 'an LA officer cannot grant a duty with a team (42501)');
RESET ROLE;

--------------------------------------------------------------------------
-- 2. Casework through the workflow.
--    A: rA1 section 42 (closed later), rA2 sent, rA3 unknown adult awaiting
--       sending, rA4 no enquiry, cA6 triaged by Team X, six concerns logged
--       by A's own officer; later cA5 about rA1's adult in a new case.
--    B: rB1 section 42 with an outcome, rB2 awaiting sending, rB3 sent;
--       later cB4, a repeat about rB1's adult.
--------------------------------------------------------------------------
SET ROLE t08_insp;
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'relative', 'T08 bruising on both arms.',
    '{Physical Abuse}', la_id => :laa, referrer_name => 'Jo Doe', referrer_phone => '07700 900123',
    referrer_email => 'jo.doe@t08.example', referrer_address => '1 T08 Street',
    adult_nhs_number => '401 023 2137', adult_name => 'Pat Doe', adult_date_of_birth => '1940-01-15',
    adult_gender => 'Female', risk_location => 'Own Home',
    source_of_risk => 'Other - Known to individual') AS c_a1 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'email', 'professional', 'T08 missed medication.',
    '{Neglect and Acts of Omission}', la_id => :laa, referrer_name => 'Dr Lee',
    referrer_email => 'lee@t08.example', adult_nhs_number => '4505577104') AS c_a2 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T08 someone left alone.',
    '{Self-Neglect}', la_id => :laa, referrer_anonymous => true) AS c_a3 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T08 money taken.',
    '{Financial or Material Abuse}', la_id => :laa, referrer_anonymous => true,
    adult_name => 'Quinn Roe', adult_date_of_birth => '1950-03-03') AS c_a4 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'web_form', 'anonymous', 'T08 shouting heard.',
    '{Psychological Abuse}', la_id => :laa, referrer_anonymous => true) AS c_a6 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'relative', 'T08 B bruising.',
    '{Physical Abuse}', la_id => :lab, referrer_name => 'Sam Roe', referrer_phone => '07700 900456',
    adult_nhs_number => '4857773457', adult_gender => 'Male') AS c_b1 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T08 B awaiting.',
    '{Self-Neglect}', la_id => :lab, referrer_anonymous => true) AS c_b2 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T08 B sent.',
    '{Self-Neglect}', la_id => :lab, referrer_anonymous => true) AS c_b3 \gset
SELECT safeguard.triage_concern(:c_a1, 'refer_to_la', 'Needs the council.', true, true, true) AS r_a1 \gset
SELECT safeguard.triage_concern(:c_a2, 'refer_to_la', 'Needs the council.', true, true, true) AS r_a2 \gset
SELECT safeguard.triage_concern(:c_a3, 'refer_to_la', 'Needs the council.', true, true, true) AS r_a3 \gset
SELECT safeguard.triage_concern(:c_a4, 'refer_to_la', 'Needs the council.', true, true, true) AS r_a4 \gset
SELECT safeguard.triage_concern(:c_b1, 'refer_to_la', 'Needs the council.', true, true, true) AS r_b1 \gset
SELECT safeguard.triage_concern(:c_b2, 'refer_to_la', 'Needs the council.', true, true, true) AS r_b2 \gset
SELECT safeguard.triage_concern(:c_b3, 'refer_to_la', 'Needs the council.', true, true, true) AS r_b3 \gset
RESET ROLE;
SET ROLE t08_insp_x;
SELECT safeguard.triage_concern(:c_a6, 'no_referral', 'No care and support needs.', false, true, false) AS none \gset
RESET ROLE;
SET ROLE t08_la_a;
SELECT array_agg(safeguard.log_concern('2025-06-02 09:00+00', 'in_person', 'anonymous',
           'T08 logged by the council (' || i || ').', '{Self-Neglect}', la_id => :laa,
           referrer_anonymous => true) ORDER BY i) AS c_a7
FROM generate_series(1, 6) AS i \gset
SELECT safeguard.triage_concern((:'c_a7'::bigint[])[1], 'no_referral', 'Resolved by the council.',
    true, false, false) AS none \gset
SELECT safeguard.propose_provider_enquiry(:prov, :laa) AS e_a \gset
RESET ROLE;
SET ROLE t08_la_b;
SELECT safeguard.propose_provider_enquiry(:prov, :lab) AS e_b \gset
RESET ROLE;
SET ROLE t08_cc;
SELECT count(safeguard.send_referral(r, 'secure_email')) AS sent
FROM unnest(ARRAY[:r_a1, :r_a2, :r_a4, :r_b1, :r_b3]::bigint[]) AS r \gset
RESET ROLE;
SET ROLE t08_la_a;
SELECT safeguard.acknowledge_referral(:r_a1) AS ack1, safeguard.acknowledge_referral(:r_a4) AS ack4 \gset
SELECT safeguard.decide_referral(:r_a1, 'section_42_enquiry', 'All three criteria met.') AS dec1,
       safeguard.decide_referral(:r_a4, 'no_enquiry', 'Family resolved it.') AS dec4 \gset
RESET ROLE;
SET ROLE t08_la_b;
SELECT safeguard.acknowledge_referral(:r_b1) AS ackb \gset
SELECT safeguard.decide_referral(:r_b1, 'section_42_enquiry', 'Criteria met.') AS decb \gset
SELECT is(safeguard.record_referral_outcome(:r_b1, 'No risk identified and no action taken',
              lacked_capacity => 'No, they did not lack capacity', msp_asked => 'No'),
          'outcome_recorded'::safeguard.referral_state,
          'B''s officer records an outcome with capacity and MSP answers (no capacity lacked, not asked)');
RESET ROLE;
SELECT results_eq(format($$SELECT state::text FROM safeguard.referral WHERE id IN (%s, %s, %s, %s) ORDER BY id$$,
                         :r_a1, :r_a2, :r_a3, :r_a4),
                  ARRAY['decided', 'sent', 'awaiting_send', 'decided'],
                  'precondition: A''s referrals are decided, sent, awaiting sending and decided');

--------------------------------------------------------------------------
-- 3. SAC answers at record_referral_outcome (SG604, SG202)
--------------------------------------------------------------------------
SET ROLE t08_la_a;
-- No enquiry: no capacity, advocacy or MSP answer at all.
SELECT throws_ok(format('SELECT safeguard.record_referral_outcome(%s, %s => %L)', :r_a4, a, v),
                 'SG604', NULL, format('no enquiry with %s given: SG604', a))
FROM (VALUES ('lacked_capacity', 'Yes, they lacked capacity'), ('advocate_supported', 'false'),
             ('msp_asked', 'No'), ('msp_achieved', 'Not Achieved')) AS x(a, v);
-- An enquiry: answers that contradict each other.
SELECT throws_ok(format($$SELECT safeguard.record_referral_outcome(%s, 'No risk identified and no action taken', %s)$$,
                        :r_a1, args),
                 code, NULL, what)
FROM (VALUES
    ('advocate_supported => true', 'SG604', 'advocate_supported without lacked_capacity: SG604'),
    ($$lacked_capacity => 'No, they did not lack capacity', advocate_supported => false$$, 'SG604',
     'advocate_supported when the adult did not lack capacity: SG604'),
    ($$lacked_capacity => 'Don''t know', advocate_supported => true$$, 'SG604',
     'advocate_supported when capacity is not known: SG604'),
    ($$msp_achieved => 'Fully Achieved'$$, 'SG604', 'msp_achieved without msp_asked: SG604'),
    ($$msp_asked => 'No', msp_achieved => 'Partially Achieved'$$, 'SG604',
     'msp_achieved when the adult was not asked: SG604'),
    ($$msp_asked => 'Yes, they were asked but no outcomes were expressed', msp_achieved => 'Fully Achieved'$$, 'SG604',
     'msp_achieved when no outcomes were expressed: SG604'),
    ($$msp_asked => 'Yes, they were asked and outcomes were expressed'$$, 'SG202',
     'outcomes expressed without msp_achieved: SG202'),
    ($$lacked_capacity => 'Yes, they lacked capacity', advocate_supported => true, msp_asked => 'Yes, they were asked and outcomes were expressed'$$,
     'SG202', 'outcomes expressed without msp_achieved, the rest consistent: SG202')
) AS x(args, code, what);
RESET ROLE;
SELECT results_eq(format($$SELECT state::text, lacked_capacity IS NULL AND advocate_supported IS NULL
                                  AND msp_asked IS NULL AND msp_achieved IS NULL
                           FROM safeguard.referral WHERE id IN (%s, %s) ORDER BY id$$, :r_a1, :r_a4),
                  $$VALUES ('decided', true), ('decided', true)$$,
                  'the refused outcomes changed nothing');
SET ROLE t08_la_a;
SELECT is(safeguard.record_referral_outcome(:r_a1, 'Risk identified and action taken', 'Risk reduced',
              lacked_capacity => 'Yes, they lacked capacity', advocate_supported => true,
              msp_asked => 'Yes, they were asked and outcomes were expressed',
              msp_achieved => 'Fully Achieved'),
          'outcome_recorded'::safeguard.referral_state, 'a consistent full answer set is recorded');
SELECT is(safeguard.record_referral_outcome(:r_a4), 'outcome_recorded'::safeguard.referral_state,
          'no enquiry: an outcome without any SAC answer is recorded');
RESET ROLE;
SELECT results_eq(format($$SELECT lacked_capacity::text, advocate_supported, msp_asked::text, msp_achieved::text
                           FROM safeguard.referral WHERE id = %s$$, :r_a1),
                  $$VALUES ('Yes, they lacked capacity', true, 'Yes, they were asked and outcomes were expressed',
                            'Fully Achieved')$$,
                  'the answers are stored as given');
SET ROLE t08_la_a;
SELECT is(safeguard.close_referral(:r_a1, feedback_at => safeguard.now(), feedback_method => 'letter'),
          'closed'::safeguard.referral_state, 'A closes rA1 with feedback');
RESET ROLE;
SELECT is((SELECT state::text FROM safeguard.safeguarding_case WHERE id = (SELECT case_id FROM safeguard.concern WHERE id = :c_a1)),
          'closed', 'precondition: rA1''s case closed with it');

-- A week later: a new concern about rA1's adult opens a new case; a repeat
-- about rB1's adult joins its open case.
SELECT safeguard.set_clock('2025-06-09 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE t08_insp;
SELECT safeguard.log_concern('2025-06-09 09:00+00', 'phone', 'relative', 'T08 bruising again.',
    '{Physical Abuse}', la_id => :laa, referrer_name => 'Jo Doe', referrer_phone => '07700 900123',
    adult_nhs_number => '4010232137') AS c_a5 \gset
SELECT safeguard.triage_concern(:c_a5, 'refer_to_la', 'Needs the council again.', true, true, true) AS r_a5 \gset
SELECT safeguard.log_concern('2025-06-09 09:00+00', 'phone', 'relative', 'T08 B again.',
    '{Physical Abuse}', la_id => :lab, referrer_name => 'Sam Roe', referrer_phone => '07700 900456',
    adult_nhs_number => '485 777 3457') AS c_b4 \gset
RESET ROLE;
SELECT results_eq(format($$SELECT x.id, x.joined_open_case, x.case_id = y.case_id
                           FROM safeguard.concern x, safeguard.concern y
                           WHERE (x.id, y.id) IN ((%s, %s), (%s, %s)) ORDER BY x.id$$,
                         :c_a5, :c_a1, :c_b4, :c_b1),
                  format('VALUES (%s::bigint, false, false), (%s::bigint, true, true)', :c_a5, :c_b4),
                  'precondition: cA5 opened a new case for rA1''s adult; cB4 joined rB1''s open case');

--------------------------------------------------------------------------
-- 4. Allocation to a named worker (SG602)
--------------------------------------------------------------------------
SET ROLE t08_la_a;
SELECT unallocated AS unalloc_before, with_la AS with_la_before
FROM safeguard.report_unallocated WHERE la_id = :laa \gset
SELECT is(safeguard.allocate_referral(:r_a2, 't08_la_a2'), 't08_la_a2'::regrole,
          'A''s officer allocates a sent referral to another officer of A');
SELECT results_eq(format($$SELECT allocated_to, allocated_by, allocated_at FROM safeguard.referral WHERE id = %s$$, :r_a2),
                  $$VALUES ('t08_la_a2'::regrole, 't08_la_a'::regrole, '2025-06-09 10:00+00'::timestamptz)$$,
                  'allocated_to as given; allocated_by (the acting role) and allocated_at (now) stamped');
SELECT results_eq(format($$SELECT with_la, allocated, unallocated FROM safeguard.report_unallocated WHERE la_id = %s$$, :laa),
                  format('VALUES (%s::bigint, 1::bigint, %s::bigint)', :with_la_before, :unalloc_before - 1),
                  'report_unallocated: one fewer unallocated, one allocated');
SELECT is(:unalloc_before, 2, 'precondition: two of A''s referrals were with A unallocated (rA2 sent, rA4 outcome recorded)');
SELECT is(safeguard.allocate_referral(:r_a4, 't08_sam_a'), 't08_sam_a'::regrole,
          'a referral with its outcome recorded is allocated to A''s SAM');
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_la_b')$$, :r_a2), 'SG602', NULL,
                 'allocating to an officer of B: SG602');
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_nobody')$$, :r_a2), 'SG602', NULL,
                 'allocating to a role with no duty: SG602');
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_reader_a')$$, :r_a2), 'SG602', NULL,
                 'allocating to A''s reader (a duty for A, but not la_officer or sam): SG602');
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_la_a2')$$, :r_a3), 'SG602', NULL,
                 'allocating a referral awaiting sending: SG602');
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_la_a2')$$, :r_a1), 'SG602', NULL,
                 'allocating a closed referral: SG602');
SELECT throws_ok(format($$UPDATE safeguard.referral SET allocated_by = 't08_la_a2' WHERE id = %s$$, :r_a2),
                 'SG203', NULL, 'a raw UPDATE of allocated_by: SG203');
SELECT throws_ok(format($$UPDATE safeguard.referral SET allocated_at = '2025-01-01' WHERE id = %s$$, :r_a2),
                 'SG203', NULL, 'a raw UPDATE of allocated_at: SG203');
SELECT throws_ok(format($$UPDATE safeguard.referral SET allocated_to = 't08_la_a', allocated_by = 't08_la_a2' WHERE id = %s$$, :r_a2),
                 'SG203', NULL, 'an allocation that also supplies allocated_by: SG203');
SELECT throws_ok(format($$UPDATE safeguard.referral SET allocated_to = 't08_la_a', allocated_at = '2025-01-01' WHERE id = %s$$, :r_a2),
                 'SG203', NULL, 'an allocation that also supplies allocated_at: SG203');
RESET ROLE;
SET ROLE t08_insp;
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_la_a')$$, :r_a2), '42501', NULL,
                 'an inspector cannot allocate (42501)');
RESET ROLE;
SET ROLE t08_cc;
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_la_a')$$, :r_a2), '42501', NULL,
                 'the contact centre cannot allocate (42501)');
SELECT throws_ok(format($$UPDATE safeguard.referral SET allocated_to = 't08_la_a' WHERE id = %s$$, :r_a2), '42501', NULL,
                 'nor by a raw UPDATE of allocated_to (42501)');
RESET ROLE;
SET ROLE t08_la_b;
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_la_b')$$, :r_a2), 'SG208', NULL,
                 'B''s officer does not see A''s referral to allocate it (SG208)');
RESET ROLE;
SELECT results_eq(format($$SELECT id, allocated_to, allocated_by FROM safeguard.referral WHERE id IN (%s, %s) ORDER BY id$$, :r_a2, :r_a4),
                  format($$VALUES (%s::bigint, 't08_la_a2'::regrole, 't08_la_a'::regrole),
                                  (%s::bigint, 't08_sam_a'::regrole, 't08_la_a'::regrole)$$, :r_a2, :r_a4),
                  'the refused allocations changed nothing');
SET ROLE t08_sam_a;
SELECT lives_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_la_a')$$, :r_a4),
                'A''s SAM (a manager of the recipient authority) may allocate');
RESET ROLE;
SET ROLE t08_la_a;
SELECT is(safeguard.allocate_referral(:r_a4, NULL), NULL,
          'allocating to NULL returns a referral to the unallocated caseload');
SELECT results_eq(format($$SELECT allocated, unallocated FROM safeguard.report_unallocated WHERE la_id = %s$$, :laa),
                  $$VALUES (1::bigint, 1::bigint)$$,
                  'report_unallocated counts it unallocated again');
RESET ROLE;

--------------------------------------------------------------------------
-- 5. Teams recorded at triage
--------------------------------------------------------------------------
SELECT results_eq(format($$SELECT concern_id, decided_team FROM safeguard.triage WHERE concern_id IN (%s, %s) ORDER BY concern_id$$,
                         :c_a1, :c_a6),
                  format($$VALUES (%s::bigint, NULL::text), (%s::bigint, 'Team X')$$, :c_a1, :c_a6),
                  'a triage by Team X''s inspector records decided_team Team X; one without a team records none');
SET ROLE t08_insp;
SELECT throws_ok(format($$INSERT INTO safeguard.triage (concern_id, decision, rationale, care_and_support_needs,
                            abuse_or_neglect, unable_to_protect_self, decided_team)
                          VALUES (%s, 'no_referral', 'Forged team.', true, false, false, 'Team Y')$$, (:'c_a7'::bigint[])[2]),
                 'SG203', NULL, 'a raw INSERT INTO triage supplying decided_team: SG203');
RESET ROLE;
SET ROLE t08_insp_x;
SELECT throws_ok(format($$INSERT INTO safeguard.triage (concern_id, decision, rationale, care_and_support_needs,
                            abuse_or_neglect, unable_to_protect_self, decided_team)
                          VALUES (%s, 'no_referral', 'My own team.', true, false, false, 'Team X')$$, (:'c_a7'::bigint[])[2]),
                 'SG203', NULL, 'even supplying the role''s own team: SG203');
RESET ROLE;
SET ROLE t08_la_a;
SELECT set_eq($$SELECT la_id, stage, measured FROM safeguard.report_indicators WHERE team = 'Team X'$$,
              format($$VALUES (%s::bigint, 'received', 1::bigint), (%s::bigint, 'triage', 1::bigint)$$, :laa, :laa),
              'report_indicators groups the concern Team X triaged under Team X (received and triage)');
SELECT is((SELECT sum(measured)::int FROM safeguard.report_indicators
           WHERE stage = 'received' AND team = 'No team recorded'), 11,
          'A''s other eleven concerns are under No team recorded');
RESET ROLE;

--------------------------------------------------------------------------
-- 6. Pseudonymisation: a reader sees no identifying column
--------------------------------------------------------------------------
SET ROLE t08_reader_a;
SELECT throws_ok(format('SELECT %I FROM safeguard.%I', c, t), '42501', NULL,
                 format('a reader cannot select %s.%s (42501)', t, c))
FROM (VALUES ('concern', 'adult_name'), ('concern', 'adult_nhs_number'), ('concern', 'adult_date_of_birth'),
             ('concern', 'referrer_name'), ('concern', 'referrer_phone'), ('concern', 'referrer_email'),
             ('concern', 'referrer_address'), ('concern', 'description'),
             ('safeguarding_case', 'adult_key'), ('triage', 'rationale'),
             ('referral', 'la_decision_rationale'), ('referral', 'withdrawal_rationale'),
             ('referral', 'feedback_waived_reason')) AS x(t, c);
SELECT throws_ok('SELECT * FROM safeguard.concern', '42501', NULL, 'a reader cannot SELECT * FROM safeguard.concern (42501)');
SELECT throws_ok('SELECT * FROM safeguard.pseudonym_key', '42501', NULL, 'a reader cannot read safeguard.pseudonym_key (42501)');
SELECT is((SELECT count(*)::int FROM safeguard.concern), 12,
          'but a reader for A may count A''s concerns through the columns it is granted');
RESET ROLE;

\set identifying '{adult_name,adult_nhs_number,adult_date_of_birth,adult_date_of_death,adult_key,referrer_name,referrer_phone,referrer_email,referrer_address,description,rationale,la_decision_rationale,withdrawal_rationale,feedback_waived_reason}'
SELECT is_empty(format($$SELECT table_name, column_name FROM information_schema.columns
                         WHERE table_schema = 'safeguard' AND table_name LIKE 'report\_%%'
                           AND (column_name = ANY (%L::text[]) OR column_name LIKE '%%nhs%%'
                                OR column_name LIKE '%%birth%%' OR column_name LIKE 'referrer\_%%'
                                   AND column_name <> 'referrer_anonymous')$$, :'identifying'),
                'no report view has an identifying column');
SELECT cmp_ok((SELECT count(DISTINCT table_name)::int FROM information_schema.columns
               WHERE table_schema = 'safeguard' AND table_name LIKE 'report\_%'), '=', 11,
              'information_schema lists the columns of the eleven report views (the check above is not vacuous)');

-- Pseudonyms as a reader sees them.
SET ROLE t08_reader_a;
SELECT adult_pseudonym AS p_a5 FROM safeguard.report_send_queue WHERE referral_id = :r_a5 \gset
SELECT matches(:'p_a5'::text, '^[0-9a-f]{64}$', 'report_send_queue: a known adult''s pseudonym is 64 hex digits');
SELECT is((SELECT adult_pseudonym FROM safeguard.report_repeat_concerns WHERE concern_id = :c_a5 AND repeat_of = 'adult'),
          :'p_a5', 'report_repeat_concerns: cA5 is a repeat about the same adult, with the same pseudonym');
SELECT is((SELECT previous_concern_id FROM safeguard.report_repeat_concerns WHERE concern_id = :c_a5 AND repeat_of = 'adult'),
          :c_a1::bigint, '... whose previous concern is cA1, in the closed case');
SELECT is((SELECT adult_pseudonym FROM safeguard.report_send_queue WHERE referral_id = :r_a3), NULL,
          'report_send_queue: an unknown adult has no pseudonym (NULL)');
SELECT isnt((SELECT adult_pseudonym FROM safeguard.report_la_outcomes_outstanding WHERE referral_id = :r_a2),
            :'p_a5', 'a different adult has a different pseudonym');
SELECT matches((SELECT adult_pseudonym FROM safeguard.report_la_outcomes_outstanding WHERE referral_id = :r_a2),
               '^[0-9a-f]{64}$', '... also 64 hex digits');
RESET ROLE;
SELECT is((SELECT adult_pseudonym FROM safeguard.safeguarding_case
           WHERE id = (SELECT case_id FROM safeguard.concern WHERE id = :c_a1)),
          :'p_a5', 'the two cases about the same adult (one closed, one open) share the pseudonym');
SELECT is(strpos(:'p_a5', '4010232137'), 0, 'the pseudonym does not contain the NHS number');
SELECT is((SELECT count(DISTINCT adult_pseudonym)::int FROM safeguard.safeguarding_case c
           WHERE c.id IN (SELECT case_id FROM safeguard.concern WHERE id IN (:c_a1, :c_a2, :c_a4, :c_a5, :c_b1))),
          4, 'four adults, four pseudonyms (cA1 and cA5 share one)');

--------------------------------------------------------------------------
-- 7. set_pseudonym_secret
--------------------------------------------------------------------------
-- HMAC-SHA256 (RFC 2104) over sha256(), to check the pseudonym independently.
CREATE FUNCTION pg_temp.t08_hmac(key bytea, msg bytea) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    k bytea := key;
    ipad bytea;
    opad bytea;
BEGIN
    IF length(k) > 64 THEN
        k := sha256(k);
    END IF;
    k := k || decode(repeat('00', 64 - length(k)), 'hex');
    ipad := k;
    opad := k;
    FOR i IN 0..63 LOOP
        ipad := set_byte(ipad, i, get_byte(k, i) # 54);
        opad := set_byte(opad, i, get_byte(k, i) # 92);
    END LOOP;
    RETURN encode(sha256(opad || sha256(ipad || msg)), 'hex');
END
$$;
CREATE TEMP TABLE t08_pseudonyms (secret text, case_id bigint, adult_pseudonym text);
GRANT SELECT ON t08_pseudonyms TO PUBLIC;
\set secret1 't08 first pseudonym secret, forty-two bytes'
\set secret2 't08 second pseudonym secret: a different one'
SELECT (SELECT case_id FROM safeguard.concern WHERE id = :c_a5) AS case_a5 \gset

SET ROLE t08_la_a;
SELECT throws_ok(format('SELECT safeguard.set_pseudonym_secret(%L)', :'secret1'), '42501', NULL,
                 'an LA officer cannot set the pseudonym secret (42501)');
RESET ROLE;
SET ROLE t08_reader_a;
SELECT throws_ok(format('SELECT safeguard.set_pseudonym_secret(%L)', :'secret1'), '42501', NULL,
                 'a reader cannot set the pseudonym secret (42501)');
RESET ROLE;
SET ROLE t08_admin;
SELECT throws_ok($$SELECT safeguard.set_pseudonym_secret('too short')$$, 'SG603', NULL,
                 'a short secret: SG603');
SELECT throws_ok(format('SELECT safeguard.set_pseudonym_secret(%L)', repeat('s', 31)), 'SG603', NULL,
                 'a secret of 31 bytes: SG603');
SELECT throws_ok('SELECT safeguard.set_pseudonym_secret(NULL)', 'SG603', NULL, 'a NULL secret: SG603');
RESET ROLE;
SELECT is((SELECT adult_pseudonym FROM safeguard.safeguarding_case WHERE id = :case_a5), :'p_a5',
          'the refused secrets changed no pseudonym');
SELECT count(*) AS keyed_cases FROM safeguard.safeguarding_case WHERE adult_key IS NOT NULL \gset
SET ROLE t08_admin;
SELECT is(safeguard.set_pseudonym_secret(:'secret1'), :keyed_cases::bigint,
          'an administrator sets a secret; it returns the number of cases re-keyed (every case with an adult)');
RESET ROLE;
INSERT INTO t08_pseudonyms SELECT 'one', id, adult_pseudonym FROM safeguard.safeguarding_case;
SELECT isnt((SELECT adult_pseudonym FROM safeguard.safeguarding_case WHERE id = :case_a5), :'p_a5',
            'the pseudonyms change with the secret');
SELECT is((SELECT adult_pseudonym FROM safeguard.safeguarding_case WHERE id = :case_a5),
          pg_temp.t08_hmac(convert_to(:'secret1', 'UTF8'), convert_to('nhs:4010232137', 'UTF8')),
          'the pseudonym is HMAC-SHA256 of the adult''s key under the secret');
SET ROLE t08_reader_a;
SELECT is((SELECT adult_pseudonym FROM safeguard.report_send_queue WHERE referral_id = :r_a5),
          (SELECT adult_pseudonym FROM t08_pseudonyms WHERE secret = 'one' AND case_id = :case_a5),
          'the report views show the re-keyed pseudonym');
RESET ROLE;
SET ROLE t08_admin;
SELECT is(safeguard.set_pseudonym_secret(:'secret2'), :keyed_cases::bigint, 'a second secret re-keys again');
RESET ROLE;
SELECT is_empty($$SELECT c.id FROM safeguard.safeguarding_case c JOIN t08_pseudonyms p ON p.case_id = c.id
                  WHERE c.adult_key IS NOT NULL AND c.adult_pseudonym = p.adult_pseudonym$$,
                'under the second secret every known adult''s pseudonym differs');
SET ROLE t08_admin;
SELECT is(safeguard.set_pseudonym_secret(:'secret1'), :keyed_cases::bigint, 'setting the first secret again');
RESET ROLE;
SELECT set_eq('SELECT id, adult_pseudonym FROM safeguard.safeguarding_case',
              $$SELECT case_id, adult_pseudonym FROM t08_pseudonyms WHERE secret = 'one'$$,
              'gives every case its pseudonym under that secret back (stable under a key)');
SET ROLE t08_admin;
SELECT is(safeguard.set_pseudonym_secret(repeat('k', 32)), :keyed_cases::bigint, 'a secret of exactly 32 bytes is accepted');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM safeguard.safeguarding_case
           WHERE (adult_key IS NULL) <> (adult_pseudonym IS NULL)), 0,
          'every case with an adult has a pseudonym, every case without one has none');

-- Nobody writes a pseudonym.
SELECT adult_pseudonym AS p_now FROM safeguard.safeguarding_case WHERE id = :case_a5 \gset
GRANT UPDATE ON safeguard.safeguarding_case TO t08_writer_a;
SET ROLE t08_la_a;
SELECT throws_ok(format($$UPDATE safeguard.safeguarding_case SET adult_pseudonym = 'x' WHERE id = %s$$, :case_a5),
                 '42501', NULL, 'an LA officer cannot UPDATE adult_pseudonym (42501)');
RESET ROLE;
SET ROLE t08_admin;
SELECT throws_ok(format($$UPDATE safeguard.safeguarding_case SET adult_pseudonym = 'x' WHERE id = %s$$, :case_a5),
                 '42501', NULL, 'an administrator cannot UPDATE adult_pseudonym (42501)');
RESET ROLE;
SET ROLE t08_writer_a;
SELECT throws_ok(format($$UPDATE safeguard.safeguarding_case SET adult_pseudonym = 'x' WHERE id = %s$$, :case_a5),
                 'SG203', NULL, 'an officer granted UPDATE on the table by the superuser: refused by the guard (SG203)');
RESET ROLE;
REVOKE UPDATE ON safeguard.safeguarding_case FROM t08_writer_a;
SELECT throws_ok(format($$UPDATE safeguard.safeguarding_case SET adult_pseudonym = 'x' WHERE id = %s$$, :case_a5),
                 'SG203', NULL, 'the superuser''s UPDATE of adult_pseudonym: SG203');
SELECT is((SELECT adult_pseudonym FROM safeguard.safeguarding_case WHERE id = :case_a5), :'p_now',
          'the pseudonym is unchanged');

-- A's enquiry invoked, and A's commissioner suspends new placements: the
-- placement position shows to A's officer and to both readers.
CREATE ROLE t08_comm_a LOGIN;
SELECT safeguard.grant_duty('t08_comm_a', 'commissioner', :laa) AS g11 \gset
SET ROLE t08_sam_a;
SELECT safeguard.record_threshold(:e_a, 'three_or_more_allegations', true, 'Four allegations since March.') AS x \gset
SELECT safeguard.invoke_provider_enquiry(:e_a, 'major', 'A pattern of neglect.') AS x \gset
RESET ROLE;
SET ROLE t08_comm_a;
SELECT safeguard.record_commissioning_decision(:e_a, :laa, 'suspend_new_placements', 'No new placements.') AS x \gset
RESET ROLE;
SET ROLE t08_la_a;
SELECT is((SELECT suspension_status FROM safeguard.report_provider_enquiries WHERE enquiry_id = :e_a), 'suspended',
          'report_provider_enquiries as A''s officer: A''s enquiry is suspended');
RESET ROLE;
SET ROLE t08_reader_a;
SELECT is((SELECT suspension_status FROM safeguard.report_provider_enquiries WHERE enquiry_id = :e_a), 'suspended',
          'report_provider_enquiries as a reader for A: A''s enquiry is suspended');
RESET ROLE;
SET ROLE t08_reader_cqc;
SELECT is((SELECT suspension_status FROM safeguard.report_provider_enquiries WHERE enquiry_id = :e_a), 'suspended',
          'report_provider_enquiries as a reader for the regulator: A''s enquiry is suspended');
RESET ROLE;

--------------------------------------------------------------------------
-- 8. Row-level security of the report views
--------------------------------------------------------------------------
-- Per view: a query giving (la_id, a count) and what A and B hold.
CREATE TEMP TABLE t08_views (v text, q text, a bigint, b bigint);
GRANT SELECT ON t08_views TO PUBLIC;
INSERT INTO t08_views VALUES
    ('report_indicator_events', 'SELECT la_id, count(DISTINCT concern_id) FROM safeguard.report_indicator_events GROUP BY 1', 12, 4),
    ('report_indicators', $$SELECT la_id, sum(measured)::bigint FROM safeguard.report_indicators WHERE stage = 'received' GROUP BY 1$$, 12, 4),
    ('report_send_queue', 'SELECT la_id, count(*) FROM safeguard.report_send_queue GROUP BY 1', 2, 1),
    ('report_la_outcomes_outstanding', 'SELECT la_id, count(*) FROM safeguard.report_la_outcomes_outstanding GROUP BY 1', 1, 1),
    ('report_unallocated', 'SELECT la_id, sum(with_la)::bigint FROM safeguard.report_unallocated GROUP BY 1', 2, 2),
    ('report_feedback', 'SELECT la_id, count(*) FROM safeguard.report_feedback GROUP BY 1', 2, 1),
    ('report_repeat_concerns', 'SELECT la_id, count(*) FROM safeguard.report_repeat_concerns GROUP BY 1', 1, 1),
    ('report_provider_enquiries', 'SELECT la_id, count(*) FROM safeguard.report_provider_enquiries GROUP BY 1', 1, 1),
    ('report_data_quality', $$SELECT la_id, sum(records_checked)::bigint FROM safeguard.report_data_quality WHERE check_name = 'concern: risk location missing' GROUP BY 1$$, 12, 4);
SELECT measured AS kpi_all FROM safeguard.report_kpi WHERE indicator = 'received' \gset

SET ROLE t08_la_a;
SELECT set_eq(q, format('VALUES (%s::bigint, %s::bigint)', :laa, a), format('an LA officer of A sees only A in %s', v))
FROM t08_views ORDER BY v;
SELECT is((SELECT measured FROM safeguard.report_kpi WHERE indicator = 'received'), 12::bigint,
          'an LA officer of A: report_kpi counts A''s twelve concerns');
RESET ROLE;
SET ROLE t08_reader_a;
SELECT set_eq(q, format('VALUES (%s::bigint, %s::bigint)', :laa, a), format('a reader for A sees only A in %s', v))
FROM t08_views ORDER BY v;
SELECT is((SELECT measured FROM safeguard.report_kpi WHERE indicator = 'received'), 12::bigint,
          'a reader for A: report_kpi counts A''s twelve concerns');
RESET ROLE;
SET ROLE t08_la_b;
SELECT set_eq(q, format('VALUES (%s::bigint, %s::bigint)', :lab, b), format('an LA officer of B sees only B in %s', v))
FROM t08_views ORDER BY v;
RESET ROLE;
SET ROLE t08_reader_cqc;
SELECT set_eq(format('SELECT * FROM (%s) s(la_id, n) WHERE la_id IN (%s, %s)', q, :laa, :lab),
              format('VALUES (%s::bigint, %s::bigint), (%s::bigint, %s::bigint)', :laa, a, :lab, b),
              format('a reader for the regulator sees A and B in %s', v))
FROM t08_views ORDER BY v;
SELECT is((SELECT measured FROM safeguard.report_kpi WHERE indicator = 'received'), :kpi_all::bigint,
          'a reader for the regulator: report_kpi counts every concern');
RESET ROLE;
SET ROLE t08_reader_a;
SELECT set_eq('SELECT la_id, count(*) FROM safeguard.referral_pseudonymised GROUP BY 1',
              format('VALUES (%s::bigint, 5::bigint)', :laa),
              'a reader for A sees only A''s five referrals in referral_pseudonymised');
RESET ROLE;
SET ROLE t08_sam_a;
SELECT lives_ok('SELECT * FROM safeguard.report_send_queue', 'A''s SAM can read report_send_queue');
RESET ROLE;
-- The deadline policies of 1.1 must not lock out the duties that read
-- deadlines without reading casework: commissioners and providers.
CREATE ROLE t08_prov LOGIN;
SELECT safeguard.grant_duty('t08_prov', 'provider', :prov) AS g12 \gset
SET ROLE t08_comm_a;
SELECT lives_ok('SELECT * FROM safeguard.my_deadlines', 'A''s commissioner can read its deadlines (my_deadlines)');
RESET ROLE;
SET ROLE t08_prov;
SELECT lives_ok('SELECT * FROM safeguard.my_deadlines', 'the provider can read its deadlines (my_deadlines)');
RESET ROLE;

--------------------------------------------------------------------------
-- 9. The statutory return: sac_return
--------------------------------------------------------------------------
SELECT throws_ok('SELECT * FROM safeguard.sac_return(1999)', 'SG601', NULL, 'sac_return(1999): SG601');
SELECT throws_ok('SELECT * FROM safeguard.sac_return(NULL)', 'SG601', NULL, 'sac_return(NULL): SG601');
SELECT throws_ok('SELECT * FROM safeguard.sac_return(2101)', 'SG601', NULL, 'sac_return(2101): SG601');
SELECT throws_ok('SELECT safeguard.sac_year(NULL)', 'SG601', NULL, 'sac_year(NULL): SG601');
SELECT is(safeguard.sac_year(2025), '[2025-04-01,2026-04-01)'::daterange, 'sac_year(2025) is 1 April 2025 to 31 March 2026');
SELECT is(safeguard.sac_year(2100), '[2100-04-01,2101-04-01)'::daterange, 'sac_year(2100), the last year accepted');

-- What the superuser (who sees everything) counts for A and for B.
CREATE TEMP TABLE t08_sac AS
SELECT 'a'::text AS la, * FROM safeguard.sac_return(2025, false, :laa)
UNION ALL
SELECT 'b', * FROM safeguard.sac_return(2025, false, :lab)
UNION ALL
SELECT 'all', * FROM safeguard.sac_return(2025);
GRANT SELECT ON t08_sac TO PUBLIC;
\set sac_cols '"LA_ID", "CASSR_CODE", "TABLE_REFERENCE", "ENQUIRY_TYPE", "CATEGORY", "SUBCATEGORY", "COLUMN_NAME", "ROW_NAME", "VALUE"'
-- A cell of the return, summed over the authorities the caller sees.
PREPARE t08_cell(text, text, text, text) AS
SELECT sum("VALUE")::bigint FROM safeguard.sac_return(2025)
WHERE "TABLE_REFERENCE" = $1 AND "ENQUIRY_TYPE" = $2 AND "CATEGORY" = $3 AND "SUBCATEGORY" = $4;

SET ROLE t08_la_a;
SELECT results_eq($$EXECUTE t08_cell('SG1f', 'Safeguarding Concerns', 'Total Number of Safeguarding Concerns', '')$$,
                  ARRAY[9::bigint], 'A''s officer: 9 concerns reached A (6 logged by A, 3 referrals sent)');
SELECT results_eq($$EXECUTE t08_cell('SG1f', 'Section 42 Enquiries', 'Total Number of Section 42 Safeguarding Enquiries', '')$$,
                  ARRAY[1::bigint], 'A''s officer: 1 section 42 enquiry commenced');
SELECT results_eq($$EXECUTE t08_cell('SG1f', 'Other Enquiries', 'Total Number of Other Safeguarding Enquiries', '')$$,
                  ARRAY[0::bigint], 'A''s officer: no other enquiry (no_enquiry is not an enquiry)');
SELECT results_eq($$SELECT sum("VALUE")::bigint FROM safeguard.sac_return(2025)
                    WHERE "TABLE_REFERENCE" = 'SG3a' AND "CATEGORY" NOT LIKE 'Of the enquiries%'$$,
                  ARRAY[1::bigint], 'A''s officer: 1 section 42 enquiry concluded (SG3a''s capacity cells)');
SELECT results_eq($$EXECUTE t08_cell('SG3a', 'Concluded Section 42 Enquiries', 'Yes, they lacked capacity', '')$$,
                  ARRAY[1::bigint], 'SG3a: Yes, they lacked capacity counts 1');
SELECT results_eq($$EXECUTE t08_cell('SG3a', 'Concluded Section 42 Enquiries', 'Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend', '')$$,
                  ARRAY[1::bigint], 'SG3a: supported by an advocate, family or friend counts 1');
SELECT results_eq($$EXECUTE t08_cell('SG4a', 'Concluded Section 42 Enquiries', 'Yes they were asked and outcomes were expressed', '')$$,
                  ARRAY[1::bigint], 'SG4a: asked and outcomes expressed counts 1');
SELECT results_eq($$EXECUTE t08_cell('SG4a', 'Concluded Section 42 Enquiries', 'Fully Achieved', '')$$,
                  ARRAY[1::bigint], 'SG4a: fully achieved counts 1');
SELECT results_eq($$EXECUTE t08_cell('SG3a', 'Concluded Section 42 Enquiries', 'No, they did not lack capacity', '')$$,
                  ARRAY[0::bigint], 'A''s officer does not count B''s enquiry (capacity not lacked)');
SELECT results_eq($$EXECUTE t08_cell('SG1a', 'Safeguarding Concerns', '85-94', '')$$,
                  ARRAY[1::bigint], 'SG1a: the adult born in January 1940 is counted in age band 85-94');
SELECT results_eq($$EXECUTE t08_cell('SG1b', 'Safeguarding Concerns', 'Female', '')$$,
                  ARRAY[1::bigint], 'SG1b: one woman involved in concerns');
SELECT results_eq($$EXECUTE t08_cell('SG2e', 'Concluded Section 42 Enquiries', 'Risk reduced', '')$$,
                  ARRAY[1::bigint], 'SG2e: risk reduced counts 1');
SELECT set_eq(format('SELECT %s FROM safeguard.sac_return(2025)', :'sac_cols'),
              format($$SELECT %s FROM t08_sac WHERE la = 'a'$$, :'sac_cols'),
              'A''s officer: sac_return(2025) is exactly A''s return');
SELECT is_empty(format('SELECT * FROM safeguard.sac_return(2025, false, %s)', :lab),
                'A''s officer asking for B''s return gets no row of it');
RESET ROLE;
SET ROLE t08_reader_a;
SELECT set_eq(format('SELECT %s FROM safeguard.sac_return(2025)', :'sac_cols'),
              format($$SELECT %s FROM t08_sac WHERE la = 'a'$$, :'sac_cols'),
              'a reader for A: sac_return(2025) is exactly A''s return');
RESET ROLE;
SET ROLE t08_la_b;
SELECT results_eq($$EXECUTE t08_cell('SG1f', 'Safeguarding Concerns', 'Total Number of Safeguarding Concerns', '')$$,
                  ARRAY[2::bigint], 'B''s officer: 2 concerns reached B (2 referrals sent)');
SELECT results_eq($$EXECUTE t08_cell('SG3a', 'Concluded Section 42 Enquiries', 'No, they did not lack capacity', '')$$,
                  ARRAY[1::bigint], 'B''s officer: B''s enquiry, capacity not lacked, counts 1');
SELECT set_eq(format('SELECT %s FROM safeguard.sac_return(2025)', :'sac_cols'),
              format($$SELECT %s FROM t08_sac WHERE la = 'b'$$, :'sac_cols'),
              'B''s officer: sac_return(2025) is exactly B''s return');
RESET ROLE;
SET ROLE t08_reader_cqc;
SELECT set_eq(format('SELECT %s FROM safeguard.sac_return(2025, false, %s)', :'sac_cols', :laa),
              format($$SELECT %s FROM t08_sac WHERE la = 'a'$$, :'sac_cols'),
              'a reader for the regulator: A''s return as the superuser counts it');
SELECT set_eq(format('SELECT %s FROM safeguard.sac_return(2025, false, %s)', :'sac_cols', :lab),
              format($$SELECT %s FROM t08_sac WHERE la = 'b'$$, :'sac_cols'),
              'a reader for the regulator: B''s return as the superuser counts it');
SELECT set_eq(format('SELECT %s FROM safeguard.sac_return(2025)', :'sac_cols'),
              format($$SELECT %s FROM t08_sac WHERE la = 'all'$$, :'sac_cols'),
              'a reader for the regulator: the whole return as the superuser counts it');
RESET ROLE;
SELECT cmp_ok((SELECT sum("VALUE")::bigint FROM t08_sac WHERE la = 'all' AND "TABLE_REFERENCE" = 'SG1f'
                 AND "ENQUIRY_TYPE" = 'Safeguarding Concerns'), '>=', 11::bigint,
              'the whole return counts at least A''s 9 and B''s 2 concerns');

-- Disclosure control.
SELECT is(ARRAY(SELECT safeguard.sac_disclose(n) FROM generate_series(0, 13) AS n ORDER BY n),
          ARRAY[NULL, NULL, NULL, NULL, NULL, 5, 5, 5, 10, 10, 10, 10, 10, 15]::bigint[],
          'sac_disclose(0..13): NULL under 5, else the nearest multiple of 5');
SELECT is(safeguard.sac_disclose(NULL), NULL, 'sac_disclose(NULL) is NULL');
SET ROLE t08_la_a;
SELECT is_empty($$SELECT r."TABLE_REFERENCE", r."ENQUIRY_TYPE", r."CATEGORY", r."SUBCATEGORY", r."COLUMN_NAME",
                         r."ROW_NAME", r."VALUE" AS raw, d."VALUE" AS disclosed
                  FROM safeguard.sac_return(2025) r
                  FULL JOIN safeguard.sac_return(2025, true) d
                    USING ("LA_ID", "TABLE_REFERENCE", "ENQUIRY_TYPE", "CATEGORY", "SUBCATEGORY", "COLUMN_NAME", "ROW_NAME")
                  WHERE r."VALUE" IS NULL OR d."LA_ID" IS NULL
                     OR NOT CASE WHEN r."VALUE" < 5 THEN d."VALUE" IS NULL
                                 ELSE d."VALUE" % 5 = 0 AND abs(d."VALUE" - r."VALUE") <= 2 END$$,
                'sac_return(2025, true): NULL for counts under 5, a multiple of 5 within 2 of the count otherwise');
SELECT results_eq($$SELECT "VALUE" FROM safeguard.sac_return(2025, true)
                    WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" = 'Safeguarding Concerns'$$,
                  ARRAY[10::bigint], 'disclosed: A''s 9 concerns are published as 10');
SELECT results_eq($$SELECT "VALUE" FROM safeguard.sac_return(2025, true)
                    WHERE "TABLE_REFERENCE" = 'SG3a' AND "CATEGORY" = 'Yes, they lacked capacity'$$,
                  ARRAY[NULL::bigint], 'disclosed: a count of 1 is suppressed (NULL)');
RESET ROLE;

--------------------------------------------------------------------------
-- 10. Data quality: the checks the guards make impossible are zero
--------------------------------------------------------------------------
SELECT is_empty('SELECT la_id, check_name, failing FROM safeguard.report_data_quality WHERE must_be_zero AND failing <> 0',
                'every must_be_zero check of report_data_quality fails on no record');
SELECT cmp_ok((SELECT count(DISTINCT check_name)::int FROM safeguard.report_data_quality
               WHERE must_be_zero AND la_id = :laa), '>=', 4,
              'A''s records are checked by the must_be_zero checks (the check above is not vacuous)');
SET ROLE t08_la_a;
SELECT is_empty('SELECT la_id, check_name, failing FROM safeguard.report_data_quality WHERE must_be_zero AND failing <> 0',
                'as A''s officer too');
RESET ROLE;

--------------------------------------------------------------------------
-- 11. A referral sent to a corrected local authority: logged for A, sent to
--     B (send_referral's la_id).  The referral is B's; its concern and case
--     stay A's.
--------------------------------------------------------------------------
SET ROLE t08_insp;
SELECT safeguard.log_concern('2025-06-09 09:00+00', 'phone', 'anonymous', 'T08 logged for the wrong council.',
    '{Self-Neglect}', la_id => :laa, referrer_anonymous => true, adult_nhs_number => '9990001111') AS c_x \gset
SELECT safeguard.triage_concern(:c_x, 'refer_to_la', 'Needs the council.', true, true, true) AS r_x \gset
RESET ROLE;
SET ROLE t08_cc;
SELECT is(safeguard.send_referral(:r_x, 'email', la_id => :lab), 'sent'::safeguard.referral_state,
          'the contact centre sends a referral to the corrected local authority B');
RESET ROLE;
SET ROLE t08_reader_cqc;
SELECT ok(EXISTS (SELECT FROM safeguard.report_la_outcomes_outstanding WHERE referral_id = :r_x AND la_id = :lab),
          'a reader for the regulator sees it outstanding with B');
SELECT "VALUE" AS sg1_b_regulator FROM safeguard.sac_return(2025, false, :lab)
WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" = 'Safeguarding Concerns' \gset
RESET ROLE;
SELECT is(:sg1_b_regulator::int, 3, 'the regulator''s reader counts three concerns reaching B (rB1, rB3 and this one)');
SET ROLE t08_la_b;
SELECT is(safeguard.acknowledge_referral(:r_x), 'acknowledged'::safeguard.referral_state,
          'B''s officer acknowledges it');
SELECT is((SELECT sum(with_la)::int FROM safeguard.report_unallocated), 3,
          'report_unallocated counts it with B');
SELECT ok(EXISTS (SELECT FROM safeguard.report_la_outcomes_outstanding WHERE referral_id = :r_x),
          'B''s officer sees it in report_la_outcomes_outstanding (its chase list)');
SELECT matches((SELECT adult_pseudonym FROM safeguard.report_la_outcomes_outstanding WHERE referral_id = :r_x),
               '^[0-9a-f]{64}$',
               '... with the adult''s pseudonym: the case (A''s) comes with its referral (by_referral), not NULL');
SELECT ok(EXISTS (SELECT FROM safeguard.report_indicator_events WHERE referral_id = :r_x),
          'B''s officer sees its stages in report_indicator_events');
SELECT results_eq($$SELECT "VALUE" FROM safeguard.sac_return(2025)
                    WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" = 'Safeguarding Concerns'$$,
                  ARRAY[:sg1_b_regulator::bigint],
                  'B''s officer counts the concerns that reached B as the regulator does');
RESET ROLE;
SET ROLE t08_la_a;
SELECT results_eq($$SELECT "VALUE" FROM safeguard.sac_return(2025)
                    WHERE "TABLE_REFERENCE" = 'SG1f' AND "ENQUIRY_TYPE" = 'Safeguarding Concerns'$$,
                  ARRAY[9::bigint], 'A''s officer does not count it for A');
RESET ROLE;

--------------------------------------------------------------------------
-- 12. A role with no duty: no report, no return
--------------------------------------------------------------------------
SET ROLE t08_nobody;
SELECT throws_ok(format('SELECT * FROM safeguard.%I', v), '42501', NULL,
                 format('a role with no duty cannot read %s (42501)', v))
FROM unnest(ARRAY['report_indicator_events', 'report_indicators', 'report_kpi', 'report_send_queue',
                  'report_la_outcomes_outstanding', 'report_unallocated', 'report_feedback',
                  'report_repeat_concerns', 'report_provider_enquiries', 'report_data_quality']) AS v
ORDER BY v;
SELECT throws_ok('SELECT * FROM safeguard.sac_return(2025)', '42501', NULL,
                 'a role with no duty cannot execute sac_return (42501)');
SELECT throws_ok(format($$SELECT safeguard.set_pseudonym_secret(%L)$$, :'secret1'), '42501', NULL,
                 'nor set_pseudonym_secret (42501)');
SELECT throws_ok(format($$SELECT safeguard.allocate_referral(%s, 't08_nobody')$$, :r_a2), '42501', NULL,
                 'nor allocate a referral (42501)');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_class c
           WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'v' AND c.relname LIKE 'report\_%'
             AND pg_catalog.has_table_privilege('t08_nobody', c.oid, 'SELECT')), 0,
          'PUBLIC holds SELECT on no report view');

--------------------------------------------------------------------------
-- 13. The drill-down view fetches each concern's triage and referral by key
-- (1.3): its rows are those of a plain join of the three tables, for every
-- kind of reader, under each one's row-level security.
--------------------------------------------------------------------------
\set plain_view 'SELECT concern_id, referral_id, la_id, team, stage, reached_at FROM safeguard.report_indicator_events WHERE stage IN (''received'', ''triage'', ''referral_sent'', ''la_decision'', ''outcome'')'
\set plain_join 'SELECT x.id AS concern_id, r.id AS referral_id, coalesce(r.la_id, x.la_id) AS la_id, coalesce(t.decided_team, ''No team recorded'') AS team, s.stage, s.reached_at FROM safeguard.concern x LEFT JOIN safeguard.triage t ON t.concern_id = x.id LEFT JOIN safeguard.referral r ON r.concern_id = x.id CROSS JOIN LATERAL (VALUES (''received'', x.received_at), (''triage'', t.decided_at), (''referral_sent'', r.sent_at), (''la_decision'', r.decided_at), (''outcome'', r.outcome_at)) AS s(stage, reached_at) WHERE s.reached_at IS NOT NULL'
SELECT format('SET ROLE %I', r),
       format('SELECT bag_eq(%L, %L, %L)', :'plain_view', :'plain_join',
              'report_indicator_events as ' || d || ': the rows of a plain join of concern, triage and referral'),
       'RESET ROLE'
FROM (VALUES (1, 't08_cc', 'the contact centre'), (2, 't08_la_a', 'A''s officer'),
             (3, 't08_la_b', 'B''s officer (a referral corrected to B brings its concern along)'),
             (4, 't08_reader_a', 'A''s reader'), (5, 't08_reader_cqc', 'the regulator''s reader')) AS v(n, r, d)
ORDER BY n \gexec

SELECT * FROM finish();
ROLLBACK;
