-- The statutory return in NHS Digital's shape (issue 18, item 1): sac_return
-- gives every cell of the Safeguarding Adults Collection template, with the
-- table references, enquiry types and prefixed labels NHS Digital's
-- publication pipeline reads, for every local authority (same row count,
-- zeros included), named by its CASSR code; the cross-tabulations add up to
-- the totals; ethnicity and primary support reason are controlled values
-- refused otherwise at the table (SG605, SG606), as are malformed CASSR and
-- ONS codes (SG607, SG608).  The label vocabulary below is the pipeline's,
-- written out here.  Errors are asserted by SQLSTATE only.
BEGIN;
SELECT plan(81);

\set fixture T20
\set clock '2025-06-02 10:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority lac=local_authority prov=provider'
\set orgs :orgs ' lad=local_authority'
\set cast 't20_cc=contact_centre@cqc t20_insp=inspector@cqc t20_admin=admin@cqc'
\set cast :cast ' t20_la_a=la_officer@laa t20_la_b=la_officer@lab t20_reader=reader@cqc t20_nobody'
\set cast :cast ' t20_la_d=la_officer@lad t20_sam_d=sam@lad'
\ir lib/fixtures.sql

--------------------------------------------------------------------------
-- 1. CASSR and ONS codes: a validated attribute of a local authority
--------------------------------------------------------------------------
SET ROLE t20_admin;
SELECT lives_ok(format($$UPDATE safeguard.organisation SET cassr_code = '901', ons_code = 'E06000901' WHERE id = %s$$, :laa),
                'the regulator''s administrator gives A its CASSR and ONS codes');
SELECT lives_ok(format($$UPDATE safeguard.organisation SET cassr_code = '902', ons_code = 'E09000902' WHERE id = %s$$, :lab),
                'and B its codes');
SELECT throws_ok(format($$UPDATE safeguard.organisation SET cassr_code = %L WHERE id = %s$$, v, :lac), 'SG607', NULL,
                 format('CASSR code %L is refused (SG607)', v))
FROM unnest(ARRAY['90', '9031', '9O3', '', ' 903']) v;
SELECT throws_ok(format($$UPDATE safeguard.organisation SET ons_code = %L WHERE id = %s$$, v, :lac), 'SG608', NULL,
                 format('ONS code %L is refused (SG608)', v))
FROM unnest(ARRAY['E07000903', 'W06000903', 'e06000903', 'E0600090', 'E06X00903']) v;
SELECT throws_ok(format($$UPDATE safeguard.organisation SET cassr_code = '904' WHERE id = %s$$, :prov), 'SG607', NULL,
                 'a provider has no CASSR code (SG607)');
SELECT throws_ok(format($$UPDATE safeguard.organisation SET ons_code = 'E06000904' WHERE id = %s$$, :prov), 'SG608', NULL,
                 'nor an ONS local authority code (SG608)');
SELECT throws_ok(format($$UPDATE safeguard.organisation SET cassr_code = '901' WHERE id = %s$$, :lac), '23505', NULL,
                 'two authorities cannot share a CASSR code (23505)');
RESET ROLE;
SELECT results_eq(format('SELECT cassr_code, ons_code FROM safeguard.organisation WHERE id IN (%s, %s, %s) ORDER BY id',
                         :laa, :lab, :lac),
                  $$VALUES ('901'::text, 'E06000901'::text), ('902', 'E09000902'), (NULL, NULL)$$,
                  'A and B have their codes; C, refused each time, has none');

--------------------------------------------------------------------------
-- 2. Controlled values at the table (log_concern or a plain INSERT)
--------------------------------------------------------------------------
SELECT set_eq($$SELECT value FROM safeguard.sac_vocabulary() WHERE vocabulary = 'ethnic_category'$$,
              ARRAY['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'Z', '99'],
              'the ethnic categories are the NHS Data Dictionary codes A-H, J-N, P, R, S, Z and 99');
SELECT count(*) AS concerns_before FROM safeguard.concern \gset
SET ROLE t20_insp;
SELECT throws_ok(format($$SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 refused.',
                            '{Self-Neglect}', la_id => %s, referrer_anonymous => true, adult_ethnicity => %L)$$, :laa, v),
                 'SG605', NULL, format('ethnicity %L is refused (SG605)', v))
FROM unnest(ARRAY['Asian', 'White', 'a', 'A ', '', '9', 'I', 'Asian / Asian British']) v;
SELECT throws_ok(format($$SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 refused.',
                            '{Self-Neglect}', la_id => %s, referrer_anonymous => true, adult_primary_support_reason => %L)$$,
                        :laa, v),
                 'SG606', NULL, format('primary support reason %L is refused (SG606)', v))
FROM unnest(ARRAY['Mental Health', 'mental health support', 'Dementia', '']) v;
SELECT throws_ok(format($$INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id,
                            referrer_anonymous, adult_ethnicity)
                          VALUES ('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 raw.', '{Self-Neglect}', %s, true, 'Asian')$$,
                        :laa),
                 'SG605', NULL, 'a plain INSERT is checked as log_concern is (SG605)');
SELECT throws_ok(format($$INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id,
                            referrer_anonymous, adult_primary_support_reason)
                          VALUES ('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 raw.', '{Self-Neglect}', %s, true, 'Mental Health')$$,
                        :laa),
                 'SG606', NULL, 'a plain INSERT is checked as log_concern is (SG606)');
RESET ROLE;
SELECT is((SELECT count(*) FROM safeguard.concern), :concerns_before::bigint, 'the refused concerns recorded nothing');
SELECT is(safeguard.sac_ethnic_group(v), g, format('a concern logged before 1.5 with %L counts under %s', v, g))
FROM (VALUES ('Asian', 'Asian / Asian British'), (' mixed', 'Mixed / Multiple'), ('Martian', 'Undeclared / Not Known'),
             (NULL, 'Undeclared / Not Known')) t(v, g);
SELECT is(safeguard.sac_support_group(v), g, format('a concern logged before 1.5 with %L counts under %s', v, g))
FROM (VALUES ('Mental Health', 'Mental Health Support'), ('Dementia', 'Not Known'), (NULL, 'Not Known')) t(v, g);

--------------------------------------------------------------------------
-- 3. Casework.  A: one adult (Pat, NHS number) in two section 42 enquiries,
--    concluded; an adult declining to state ethnicity in an other enquiry;
--    an unknown adult's referral, sent.  B: one section 42 enquiry,
--    concluded.  C: nothing.
--------------------------------------------------------------------------
SET ROLE t20_insp;
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 bruising.', '{Physical Abuse}',
    la_id => :laa, referrer_anonymous => true, adult_nhs_number => '4010232137', adult_gender => 'Female',
    adult_date_of_birth => '1940-01-15', adult_ethnicity => 'R', adult_primary_support_reason => 'Mental Health Support',
    adult_autism => 'Asperger''s Syndrome / High Functioning Autism',
    risk_location => 'Own Home', source_of_risk => 'Other - Known to individual') AS c1 \gset
SELECT safeguard.log_concern('2025-06-02 09:05+00', 'phone', 'anonymous', 'T20 unpaid fees, no care.',
    '{Neglect and Acts of Omission,Financial or Material Abuse}',
    la_id => :laa, referrer_anonymous => true, adult_nhs_number => '4010232137', adult_gender => 'Female',
    adult_date_of_birth => '1940-01-15', adult_ethnicity => 'R', adult_primary_support_reason => 'Physical Support',
    risk_location => 'Care Home - Residential', source_of_risk => 'Service Provider') AS c2 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 self-neglect.', '{Self-Neglect}',
    la_id => :laa, referrer_anonymous => true, adult_nhs_number => '4505577104', adult_gender => 'Male',
    adult_ethnicity => 'Z', risk_location => 'In the Community', source_of_risk => 'Other - Unknown to individual') AS c3 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 unknown adult.', '{Self-Neglect}',
    la_id => :laa, referrer_anonymous => true) AS c4 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 B hospital.', '{Physical Abuse}',
    la_id => :lab, referrer_anonymous => true, adult_nhs_number => '4857773457', adult_gender => 'Male',
    adult_ethnicity => 'A', risk_location => 'Hospital - Acute', source_of_risk => 'Service Provider') AS c5 \gset
SELECT count(safeguard.triage_concern(c, 'refer_to_la', 'Needs the council.', true, true, true)) AS triaged
FROM unnest(ARRAY[:c1, :c2, :c3, :c4, :c5]::bigint[]) AS c \gset
SELECT array_agg(id ORDER BY concern_id) AS refs FROM safeguard.referral
WHERE concern_id = ANY (ARRAY[:c1, :c2, :c3, :c4, :c5]::bigint[]) \gset
RESET ROLE;
SELECT (:'refs'::bigint[])[1] AS r1, (:'refs'::bigint[])[2] AS r2, (:'refs'::bigint[])[3] AS r3,
       (:'refs'::bigint[])[4] AS r4, (:'refs'::bigint[])[5] AS r5 \gset
SET ROLE t20_cc;
SELECT count(safeguard.send_referral(r, 'secure_email')) AS sent FROM unnest(ARRAY[:r1, :r2, :r3, :r4, :r5]::bigint[]) r \gset
RESET ROLE;
SET ROLE t20_la_a;
SELECT count(safeguard.acknowledge_referral(r)) AS acks FROM unnest(ARRAY[:r1, :r2, :r3]::bigint[]) r \gset
SELECT safeguard.decide_referral(:r1, 'section_42_enquiry', 'Criteria met.') AS d1,
       safeguard.decide_referral(:r2, 'section_42_enquiry', 'Criteria met.') AS d2,
       safeguard.decide_referral(:r3, 'other_enquiry', 'Worth a look.') AS d3 \gset
SELECT safeguard.record_referral_outcome(:r1, 'Risk identified and action taken', 'Risk reduced',
    lacked_capacity => 'Yes, they lacked capacity', advocate_supported => true,
    msp_asked => 'Yes, they were asked and outcomes were expressed', msp_achieved => 'Fully Achieved') AS o1,
       safeguard.record_referral_outcome(:r2, 'No risk identified and no action taken', msp_asked => 'Don''t know') AS o2,
       safeguard.record_referral_outcome(:r3, 'No risk identified and no action taken') AS o3 \gset
RESET ROLE;
SET ROLE t20_la_b;
SELECT safeguard.acknowledge_referral(:r5) AS a5 \gset
SELECT safeguard.decide_referral(:r5, 'section_42_enquiry', 'Criteria met.') AS d5 \gset
SELECT safeguard.record_referral_outcome(:r5, 'Risk Assessment inconclusive and action taken', 'Risk removed',
    lacked_capacity => 'No, they did not lack capacity', msp_asked => 'No') AS o5 \gset
RESET ROLE;

--------------------------------------------------------------------------
-- 3b. The council's own pathway (issue 16).  D: Dee (NHS number) is referred
--     by the regulator (a section 42 enquiry, concluded) and, by the
--     ambulance service, at D's own front door (D's own section 42
--     enquiry, concluded with what it found); D also opens an other
--     enquiry about an unknown adult (unallocated) and decides no enquiry
--     on a third concern.
--------------------------------------------------------------------------
SET ROLE t20_insp;
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T20 D referred.', '{Psychological Abuse}',
    la_id => :lad, referrer_anonymous => true, adult_nhs_number => '4500000003', adult_gender => 'Female',
    adult_date_of_birth => '1950-03-01', adult_ethnicity => 'A', risk_location => 'Own Home',
    source_of_risk => 'Other - Known to individual') AS cd1 \gset
SELECT safeguard.triage_concern(:cd1, 'refer_to_la', 'Needs the council.', true, true, true) AS rd1 \gset
RESET ROLE;
SET ROLE t20_cc;
SELECT safeguard.send_referral(:rd1, 'secure_email') AS sd1 \gset
RESET ROLE;
SET ROLE t20_la_d;
SELECT safeguard.acknowledge_referral(:rd1) AS ad1, safeguard.decide_referral(:rd1, 'section_42_enquiry', 'Criteria met.') AS dd1 \gset
SELECT safeguard.record_referral_outcome(:rd1, 'No risk identified and no action taken',
    lacked_capacity => 'No, they did not lack capacity', msp_asked => 'No') AS od1 \gset
SELECT safeguard.log_concern('2025-06-02 09:30+00', 'phone', 'ambulance_service', 'T20 D crew found bruising.',
    '{Physical Abuse}', la_id => :lad, referrer_name => 'Crew 7', referrer_phone => '0300 123 4567',
    adult_nhs_number => '4500000003', adult_gender => 'Female', adult_date_of_birth => '1950-03-01',
    adult_ethnicity => 'A') AS cd2 \gset
SELECT safeguard.decide_concern(:cd2, 'section_42_enquiry', 'All three criteria met.', true, true, true) AS ed2 \gset
SELECT safeguard.log_concern('2025-06-02 09:40+00', 'phone', 'police', 'T20 D unknown adult.', '{Self-Neglect}',
    la_id => :lad, referrer_name => 'PC Lee', referrer_phone => '0300 123 1212') AS cd3 \gset
SELECT safeguard.decide_concern(:cd3, 'other_enquiry', 'Proportionate to look.', true, true, false) AS ed3 \gset
SELECT safeguard.log_concern('2025-06-02 09:50+00', 'phone', 'gp_primary_care', 'T20 D GP worry.', '{Self-Neglect}',
    la_id => :lad, referrer_name => 'Dr Patel', referrer_phone => '0300 765 4321') AS cd4 \gset
SELECT safeguard.decide_concern(:cd4, 'no_enquiry', 'GP already reviewing.', true, false, false, 'signposting') IS NULL
    AS no_enquiry_d \gset
RESET ROLE;
SET ROLE t20_sam_d;
SELECT safeguard.allocate_enquiry(:ed2, 't20_la_d') AS alloc_d \gset
RESET ROLE;
SET ROLE t20_la_d;
SELECT safeguard.start_enquiry(:ed2, msp_asked => 'Yes, they were asked and outcomes were expressed',
    msp_outcomes_wanted => 'To stay at home safely', lacked_capacity => 'Yes, they lacked capacity',
    advocate_arranged => true) AS start_d \gset
SELECT safeguard.conclude_enquiry(:ed2, 'Risk identified and action taken',
    '{Physical Abuse,Domestic Abuse}', 'Own Home', 'Other - Known to individual', 'Risk reduced',
    'Partially Achieved') AS concl_d \gset
RESET ROLE;

-- The return as the regulator's reader reads it, and the labels the pipeline pivots on.
SET ROLE t20_reader;
CREATE TEMP TABLE t20_ret AS SELECT * FROM safeguard.sac_return(2025);
RESET ROLE;
GRANT SELECT ON t20_ret TO PUBLIC;
CREATE TEMP VIEW t20_labels AS
SELECT DISTINCT "TABLE_REFERENCE" AS t,
       CASE WHEN "TABLE_REFERENCE" IN ('SG1a', 'SG1b', 'SG1c', 'SG1d', 'SG1e') THEN "ROW_NAME" ELSE "COLUMN_NAME" END AS label
FROM t20_ret WHERE "TABLE_REFERENCE" <> 'SG2a_b1'
UNION
SELECT DISTINCT "TABLE_REFERENCE", "ROW_NAME" FROM t20_ret WHERE "TABLE_REFERENCE" = 'SG2b';
PREPARE t20_cell(bigint, text, text, text) AS
SELECT sum("VALUE")::bigint FROM t20_ret
WHERE "LA_ID" = $1 AND "TABLE_REFERENCE" = $2 AND "ENQUIRY_TYPE" = $3 AND "CATEGORY" = $4;

--------------------------------------------------------------------------
-- 4. The shape: the pipeline's labels, enquiry types, one row per cell
--------------------------------------------------------------------------
SELECT set_eq('SELECT t, label FROM t20_labels', $$VALUES
    ('SG1a', 'SG1a 18-64'), ('SG1a', 'SG1a 65-74'), ('SG1a', 'SG1a 75-84'), ('SG1a', 'SG1a 85-94'), ('SG1a', 'SG1a 95+'),
    ('SG1a', 'SG1a Age Unknown'),
    ('SG1b', 'SG1b Male'), ('SG1b', 'SG1b Female'), ('SG1b', 'SG1b Not Known'),
    ('SG1c', 'SG1c White'), ('SG1c', 'SG1c Mixed / Multiple'), ('SG1c', 'SG1c Asian / Asian British'),
    ('SG1c', 'SG1c Black / African / Caribbean / Black British'), ('SG1c', 'SG1c Other Ethnic Group'),
    ('SG1c', 'SG1c Refused'), ('SG1c', 'SG1c Undeclared / Not Known'),
    ('SG1d', 'SG1d Physical Support'), ('SG1d', 'SG1d Sensory Support'), ('SG1d', 'SG1d Support with Memory and Cognition'),
    ('SG1d', 'SG1d Learning Disability Support'), ('SG1d', 'SG1d Mental Health Support'), ('SG1d', 'SG1d Social Support'),
    ('SG1d', 'SG1d No Support Reason'), ('SG1d', 'SG1d Not Known'),
    ('SG1e', 'SG1e Learning, Developmental or Intellectual Disability (Autism excluding Asperger''s Syndrome/ High Functioning Autism)'),
    ('SG1e', 'SG1e Learning, Developmental or Intellectual Disability (Asperger''s Syndrome/ High Functioning Autism)'),
    ('SG1f', 'SG1f Total Number of Safeguarding Concerns'), ('SG1f', 'SG1f Total Number of Section 42 Safeguarding Enquiries'),
    ('SG1f', 'SG1f Total Number of Other Safeguarding Enquiries'),
    ('SG2a', 'SG2a Physical Abuse'), ('SG2a', 'SG2a Sexual Abuse'), ('SG2a', 'SG2a Psychological Abuse'),
    ('SG2a', 'SG2a Financial or Material Abuse'), ('SG2a', 'SG2a Discriminatory Abuse'), ('SG2a', 'SG2a Organisational Abuse'),
    ('SG2a', 'SG2a Neglect and Acts of Omission'), ('SG2a', 'SG2a Domestic Abuse'), ('SG2a', 'SG2a Sexual Exploitation'),
    ('SG2a', 'SG2a Modern Slavery'), ('SG2a', 'SG2a Self-Neglect'),
    ('SG2b', 'SG2b Own Home'), ('SG2b', 'SG2b In the Community'), ('SG2b', 'SG2b Community Service'),
    ('SG2b', 'SG2b Care Home - Nursing'), ('SG2b', 'SG2b Care Home - Residential'), ('SG2b', 'SG2b Hospital - Acute'),
    ('SG2b', 'SG2b Hospital - Mental Health'), ('SG2b', 'SG2b Hospital - Community'), ('SG2b', 'SG2b Other'),
    ('SG2b', 'SG2b Service Provider'), ('SG2b', 'SG2b Other - Known to individual'),
    ('SG2b', 'SG2b Other - Unknown to individual'),
    ('SG2c', 'SG2c Risk identified and action taken'), ('SG2c', 'SG2c Risk identified and no action taken'),
    ('SG2c', 'SG2c Risk Assessment inconclusive and action taken'),
    ('SG2c', 'SG2c Risk Assessment inconclusive and no action taken'), ('SG2c', 'SG2c No risk identified and action taken'),
    ('SG2c', 'SG2c No risk identified and no action taken'),
    ('SG2c', 'SG2c Enquiry ceased at individual''s request and no action taken'),
    ('SG2e', 'SG2e Risk remained'), ('SG2e', 'SG2e Risk reduced'), ('SG2e', 'SG2e Risk removed'),
    ('SG3a', 'SG3a Yes, they lacked capacity'), ('SG3a', 'SG3a No, they did not lack capacity'), ('SG3a', 'SG3a Don''t know'),
    ('SG3a', 'SG3a Not recorded'),
    ('SG3a', 'SG3a Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend'),
    ('SG4a', 'SG4a Yes they were asked and outcomes were expressed'),
    ('SG4a', 'SG4a Yes they were asked but no outcomes were expressed'), ('SG4a', 'SG4a No'), ('SG4a', 'SG4a Don''t Know'),
    ('SG4a', 'SG4a Not Recorded'), ('SG4a', 'SG4a Fully Achieved'), ('SG4a', 'SG4a Partially Achieved'),
    ('SG4a', 'SG4a Not Achieved'),
    ('SG5a', 'SG5a Where one or more individuals died'), ('SG5a', 'SG5a Where no individuals died'),
    ('SG5b', 'SG5b Who suffered serious harm and died'), ('SG5b', 'SG5b Who suffered serious harm and survived')$$,
    'each table''s labels are exactly those NHS Digital''s pipeline reads (and SG1a''s Age Unknown)');
SELECT set_eq($$SELECT DISTINCT "TABLE_REFERENCE", "ENQUIRY_TYPE" FROM t20_ret$$, $$
    SELECT t, e FROM unnest('{SG1a,SG1b,SG1c,SG1d,SG1e,SG1f}'::text[]) t,
                     unnest('{Safeguarding Concerns,Section 42 Enquiries,Other Enquiries}'::text[]) e
    UNION ALL SELECT t, 'Concluded Section 42 Enquiries' FROM unnest('{SG2a,SG2a_b1,SG2b,SG2c,SG2e,SG3a,SG4a}'::text[]) t
    UNION ALL VALUES ('SG5a', 'Count of Safeguarding Adult Reviews'),
                     ('SG5b', 'Count of Individuals Involved in Safeguarding Adult Reviews')$$,
    'the enquiry types of each table are those of the template');
SELECT set_eq($$SELECT DISTINCT "CATEGORY", "SUBCATEGORY" FROM t20_ret WHERE "TABLE_REFERENCE" = 'SG2a_b1'$$,
              $$SELECT t::text, l::text FROM unnest(enum_range(NULL::safeguard.sac_risk_type)) t,
                                            unnest(enum_range(NULL::safeguard.sac_risk_location)) l$$,
              'SG2a_b1 is every type of risk by every location');
SELECT set_eq($$SELECT DISTINCT "CATEGORY", "SUBCATEGORY" FROM t20_ret WHERE "TABLE_REFERENCE" = 'SG2a'$$,
              $$SELECT t::text, s::text FROM unnest(enum_range(NULL::safeguard.sac_risk_type)) t,
                                            unnest(enum_range(NULL::safeguard.sac_source_of_risk)) s$$,
              'SG2a is every type of risk by every source of risk');
SELECT is_empty($$SELECT * FROM t20_ret r WHERE "COLUMN_NAME" <> "TABLE_REFERENCE" || ' ' || "CATEGORY"
                     OR "ROW_NAME" <> "TABLE_REFERENCE" || ' ' || CASE "SUBCATEGORY" WHEN '' THEN "CATEGORY" ELSE "SUBCATEGORY" END$$,
                'COLUMN_NAME and ROW_NAME are the table reference and the category (or the cross-tabulation''s column)');
SELECT results_eq(format('SELECT "LA_ID", count(*) FROM t20_ret WHERE "LA_ID" IN (%s, %s, %s) GROUP BY 1 ORDER BY 1',
                         :laa, :lab, :lac),
                  format('SELECT id, (SELECT count(*) FROM safeguard.sac_template) FROM safeguard.organisation
                           WHERE id IN (%s, %s, %s) ORDER BY 1', :laa, :lab, :lac),
                  'every authority, C without casework or codes too, has one row per template cell');
SELECT is((SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM t20_ret GROUP BY "LA_ID") c), 1::bigint,
          'the same row count for every authority the reader sees');
SELECT is_empty($$SELECT "LA_ID", "TABLE_REFERENCE", "ENQUIRY_TYPE", "CATEGORY", "SUBCATEGORY"
                  FROM t20_ret GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1$$, 'no cell twice');
SELECT results_eq(format('SELECT DISTINCT "CASSR_CODE", "ONS_CODE" FROM t20_ret WHERE "LA_ID" IN (%s, %s, %s) ORDER BY 1',
                         :laa, :lab, :lac),
                  $$VALUES ('901'::text, 'E06000901'::text), ('902', 'E09000902'), (NULL, NULL)$$,
                  'each authority''s rows carry its CASSR and ONS codes (none for C)');
SELECT is((SELECT count(*) FROM t20_ret WHERE "LA_ID" = :lac AND "VALUE" <> 0), 0::bigint,
          'C''s cells are all present and all zero');
SELECT cmp_ok((SELECT count(*) FROM t20_ret WHERE "LA_ID" = :laa AND "VALUE" = 0), '>', 200::bigint,
              'A''s return has its zero cells');
SELECT is((SELECT count(*) FROM t20_ret WHERE "TABLE_REFERENCE" IN ('SG5a', 'SG5b') AND "VALUE" <> 0), 0::bigint,
          'SG5a and SG5b are zero: no Safeguarding Adults Reviews are recorded');

--------------------------------------------------------------------------
-- 5. The counts: individuals and cases, the SG1c groups, the cross-tabulations
--------------------------------------------------------------------------
SELECT results_eq(format($$EXECUTE t20_cell(%s, 'SG1f', 'Safeguarding Concerns', 'Total Number of Safeguarding Concerns')$$, :laa),
                  ARRAY[4::bigint], 'A: 4 concerns');
SELECT results_eq(format($$SELECT (SELECT sum("VALUE")::bigint FROM t20_ret WHERE "LA_ID" = %s AND "TABLE_REFERENCE" = u.t
                                     AND "ENQUIRY_TYPE" = 'Safeguarding Concerns')
                             FROM unnest('{SG1a,SG1b,SG1c}'::text[]) WITH ORDINALITY u(t, n) ORDER BY u.n$$, :laa),
                  ARRAY[3::bigint, 3, 3], 'A: 3 individuals in SG1a, SG1b and SG1c (Pat twice, once counted)');
SELECT results_eq(format($$EXECUTE t20_cell(%s, 'SG1f', 'Section 42 Enquiries', 'Total Number of Section 42 Safeguarding Enquiries')$$, :laa),
                  ARRAY[2::bigint], 'A: 2 section 42 enquiries commenced');
SELECT results_eq(format($$SELECT sum("VALUE")::bigint FROM t20_ret WHERE "LA_ID" = %s AND "TABLE_REFERENCE" = 'SG1b'
                             AND "ENQUIRY_TYPE" = 'Section 42 Enquiries'$$, :laa),
                  ARRAY[1::bigint], '... about one individual (SG1b)');
SELECT results_eq(format($$SELECT sum("VALUE")::bigint FROM t20_ret WHERE "LA_ID" = %s AND "TABLE_REFERENCE" = 'SG1d'
                             AND "ENQUIRY_TYPE" = 'Section 42 Enquiries'$$, :laa),
                  ARRAY[2::bigint], '... counted per case in SG1d');
SELECT results_eq(format($$EXECUTE t20_cell(%s, 'SG1a', 'Section 42 Enquiries', '85-94')$$, :laa),
                  ARRAY[1::bigint], 'SG1a: Pat, born January 1940, is 85-94');
SELECT results_eq(format($$EXECUTE t20_cell(%s, 'SG1c', 'Section 42 Enquiries', 'Asian / Asian British')$$, :laa),
                  ARRAY[1::bigint], 'SG1c: code R (Chinese) counts under Asian / Asian British');
SELECT results_eq(format($$EXECUTE t20_cell(%s, 'SG1c', 'Other Enquiries', 'Refused')$$, :laa),
                  ARRAY[1::bigint], 'SG1c: code Z (not stated) counts as Refused');
SELECT results_eq(format($$EXECUTE t20_cell(%s, 'SG1c', 'Safeguarding Concerns', 'Undeclared / Not Known')$$, :laa),
                  ARRAY[1::bigint], 'SG1c: no ethnicity (the unknown adult) counts as Undeclared / Not Known');
SELECT results_eq(format($$SELECT "CATEGORY", "VALUE" FROM t20_ret WHERE "LA_ID" = %s AND "TABLE_REFERENCE" = 'SG1d'
                             AND "ENQUIRY_TYPE" = 'Section 42 Enquiries' AND "VALUE" > 0 ORDER BY 1$$, :laa),
                  $$VALUES ('Mental Health Support'::text, 1::bigint), ('Physical Support', 1)$$,
                  'SG1d: each enquiry under its primary support reason');
SELECT results_eq(format($$EXECUTE t20_cell(%s, 'SG1e', 'Section 42 Enquiries',
                           'Learning, Developmental or Intellectual Disability (Asperger''s Syndrome/ High Functioning Autism)')$$, :laa),
                  ARRAY[1::bigint], 'SG1e: the enquiry about an adult with Asperger''s syndrome');
SELECT results_eq(format($$SELECT "TABLE_REFERENCE", sum("VALUE")::bigint FROM t20_ret WHERE "LA_ID" = %s
                             AND "ENQUIRY_TYPE" = 'Concluded Section 42 Enquiries' AND "CATEGORY" NOT LIKE 'Of the enquiries%%'
                             AND "CATEGORY" NOT LIKE '%%Achieved' GROUP BY 1 ORDER BY 1$$, :laa),
                  $$VALUES ('SG2a'::text, 3::bigint), ('SG2a_b1', 3), ('SG2b', 2), ('SG2c', 2), ('SG2e', 1), ('SG3a', 2), ('SG4a', 2)$$,
                  'A''s 2 concluded section 42 enquiries: 3 types of risk (SG2a, SG2a_b1), 2 in SG2b, SG2c, SG3a and SG4a; the other enquiry in none');
SELECT is_empty(format($$SELECT a."CATEGORY", a.n, b.n FROM
                           (SELECT "CATEGORY", sum("VALUE") n FROM t20_ret WHERE "LA_ID" = %1$s AND "TABLE_REFERENCE" = 'SG2a' GROUP BY 1) a
                      FULL JOIN (SELECT "CATEGORY", sum("VALUE") n FROM t20_ret WHERE "LA_ID" = %1$s AND "TABLE_REFERENCE" = 'SG2a_b1' GROUP BY 1) b
                        USING ("CATEGORY") WHERE a.n IS DISTINCT FROM b.n$$, :laa),
                'SG2a summed over sources equals SG2a_b1 summed over locations, type by type');
SELECT is_empty($$SELECT l."CATEGORY", l.n, s.n FROM
                    (SELECT "LA_ID", "CATEGORY", sum("VALUE") n FROM t20_ret WHERE "TABLE_REFERENCE" = 'SG2b' GROUP BY 1, 2) l
                    JOIN (SELECT "LA_ID", sum("VALUE") n FROM t20_ret WHERE "TABLE_REFERENCE" = 'SG2b' GROUP BY 1) s USING ("LA_ID")
                    JOIN (SELECT "LA_ID", sum("VALUE") n FROM t20_ret WHERE "TABLE_REFERENCE" = 'SG3a'
                            AND "CATEGORY" NOT LIKE 'Of the enquiries%' GROUP BY 1) c USING ("LA_ID")
                  WHERE s.n <> c.n$$,
                'for every authority, SG2b''s cells add up to the concluded section 42 enquiries (SG3a''s capacity cells)');
SELECT results_eq(format($$SELECT "CATEGORY", "SUBCATEGORY", "VALUE" FROM t20_ret WHERE "LA_ID" = %s
                             AND "TABLE_REFERENCE" = 'SG2b' AND "VALUE" > 0 ORDER BY 1$$, :laa),
                  $$VALUES ('Care Home - Residential'::text, 'Service Provider'::text, 1::bigint),
                           ('Own Home', 'Other - Known to individual', 1)$$,
                  'SG2b: location of risk by source of risk');
SELECT results_eq(format($$SELECT "CATEGORY", "VALUE" FROM t20_ret WHERE "LA_ID" = %s AND "TABLE_REFERENCE" = 'SG4a'
                             AND "VALUE" > 0 ORDER BY 1$$, :laa),
                  $$VALUES ('Don''t Know'::text, 1::bigint), ('Fully Achieved', 1),
                           ('Yes they were asked and outcomes were expressed', 1)$$,
                  'SG4a in the template''s spellings');
SELECT results_eq(format($$SELECT "CATEGORY", "VALUE" FROM t20_ret WHERE "LA_ID" = %s AND "TABLE_REFERENCE" = 'SG3a'
                             AND "VALUE" > 0 ORDER BY 1$$, :laa),
                  $$VALUES ('Not recorded'::text, 1::bigint),
                           ('Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend', 1),
                           ('Yes, they lacked capacity', 1)$$,
                  'SG3a with the advocate row');
SELECT results_eq(format($$SELECT "TABLE_REFERENCE", "CATEGORY", "SUBCATEGORY", "VALUE" FROM t20_ret
                             WHERE "LA_ID" = %s AND "ENQUIRY_TYPE" = 'Concluded Section 42 Enquiries' AND "VALUE" > 0
                               AND "TABLE_REFERENCE" IN ('SG2b', 'SG2c', 'SG2e') ORDER BY 1$$, :lab),
                  $$VALUES ('SG2b'::text, 'Hospital - Acute'::text, 'Service Provider'::text, 1::bigint),
                           ('SG2c', 'Risk Assessment inconclusive and action taken', '', 1), ('SG2e', 'Risk removed', '', 1)$$,
                  'B''s enquiry in SG2b, SG2c and SG2e');

--------------------------------------------------------------------------
-- 5b. D: both pathways, each enquiry once, Dee once
--------------------------------------------------------------------------
SELECT results_eq(format($$SELECT "ENQUIRY_TYPE", "VALUE" FROM t20_ret WHERE "LA_ID" = %s AND "TABLE_REFERENCE" = 'SG1f'
                             ORDER BY 1$$, :lad),
                  $$VALUES ('Other Enquiries'::text, 1::bigint), ('Safeguarding Concerns', 4), ('Section 42 Enquiries', 2)$$,
                  'D: 4 concerns (1 referred, 3 at its door), 2 section 42 enquiries (the referral''s and its own), 1 other enquiry');
SELECT results_eq(format($$SELECT "TABLE_REFERENCE", sum("VALUE")::bigint FROM t20_ret WHERE "LA_ID" = %s
                             AND "ENQUIRY_TYPE" = 'Section 42 Enquiries' AND "TABLE_REFERENCE" IN ('SG1a', 'SG1b', 'SG1c', 'SG1d')
                             GROUP BY 1 ORDER BY 1$$, :lad),
                  $$VALUES ('SG1a'::text, 1::bigint), ('SG1b', 1), ('SG1c', 1), ('SG1d', 2)$$,
                  'D: Dee, in both pathways, is one individual in SG1a-SG1c and two cases in SG1d');
SELECT results_eq(format($$EXECUTE t20_cell(%s, 'SG1a', 'Section 42 Enquiries', '75-84')$$, :lad),
                  ARRAY[1::bigint], 'SG1a: Dee, born March 1950, is 75-84');
SELECT results_eq(format($$SELECT "TABLE_REFERENCE", "CATEGORY", "SUBCATEGORY", "VALUE" FROM t20_ret WHERE "LA_ID" = %s
                             AND "ENQUIRY_TYPE" = 'Concluded Section 42 Enquiries' AND "VALUE" > 0
                             AND "TABLE_REFERENCE" IN ('SG2a', 'SG2c', 'SG2e', 'SG3a', 'SG4a') ORDER BY 1, 2, 3$$, :lad),
                  $$VALUES ('SG2a'::text, 'Domestic Abuse'::text, 'Other - Known to individual'::text, 1::bigint),
                           ('SG2a', 'Physical Abuse', 'Other - Known to individual', 1),
                           ('SG2a', 'Psychological Abuse', 'Other - Known to individual', 1),
                           ('SG2c', 'No risk identified and no action taken', '', 1),
                           ('SG2c', 'Risk identified and action taken', '', 1),
                           ('SG2e', 'Risk reduced', '', 1),
                           ('SG3a', 'No, they did not lack capacity', '', 1),
                           ('SG3a', 'Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend', '', 1),
                           ('SG3a', 'Yes, they lacked capacity', '', 1),
                           ('SG4a', 'No', '', 1),
                           ('SG4a', 'Partially Achieved', '', 1),
                           ('SG4a', 'Yes they were asked and outcomes were expressed', '', 1)$$,
                  'D: both concluded section 42 enquiries in SG2-SG4, the council''s with the types of risk its enquiry found (not its concern''s)');
SELECT results_eq(format($$SELECT "CATEGORY", "SUBCATEGORY", "VALUE" FROM t20_ret WHERE "LA_ID" = %s
                             AND "TABLE_REFERENCE" = 'SG2b' AND "VALUE" > 0$$, :lad),
                  $$VALUES ('Own Home'::text, 'Other - Known to individual'::text, 2::bigint)$$,
                  'D: SG2b counts each concluded enquiry once (not once per type of risk)');
SET ROLE t20_la_d;
SELECT set_eq('SELECT * FROM safeguard.sac_return(2025)', format('SELECT * FROM t20_ret WHERE "LA_ID" = %s', :lad),
              'D''s officer counts D''s return as the regulator''s reader does');
RESET ROLE;
SET ROLE t20_la_a;
SELECT is((SELECT count(*) FROM safeguard.sac_return(2025, la_id => :lad)), 0::bigint,
          'A''s officer gets nothing of D''s return');
RESET ROLE;
SET ROLE t20_cc;
SELECT results_eq(format($$SELECT "ENQUIRY_TYPE", "VALUE" FROM safeguard.sac_return(2025, la_id => %s)
                            WHERE "TABLE_REFERENCE" = 'SG1f' ORDER BY 1$$, :lad),
                  $$VALUES ('Other Enquiries'::text, 0::bigint), ('Safeguarding Concerns', 4), ('Section 42 Enquiries', 1)$$,
                  'the regulator''s contact centre, with no privilege on councils'' enquiries, runs the return without them (no 42501)');
RESET ROLE;

--------------------------------------------------------------------------
-- 6. Who reads it
--------------------------------------------------------------------------
SET ROLE t20_la_a;
SELECT results_eq('SELECT DISTINCT "LA_ID" FROM safeguard.sac_return(2025)', ARRAY[:laa::bigint],
                  'A''s officer gets A''s return alone');
SELECT set_eq('SELECT * FROM safeguard.sac_return(2025)', format('SELECT * FROM t20_ret WHERE "LA_ID" = %s', :laa),
              '... as the regulator''s reader counts it');
RESET ROLE;
SET ROLE t20_nobody;
SELECT throws_ok('SELECT * FROM safeguard.sac_template', '42501', NULL, 'a role with no duty cannot read the template (42501)');
SELECT throws_ok('SELECT * FROM safeguard.sac_return(2025)', '42501', NULL, 'nor the return (42501)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
