-- Large-scale provider enquiries: access and refusals.  The privilege
-- inventory of the twelve enquiry tables; row-level security between two
-- local authorities each leading enquiries, the regulator, two providers and
-- an ICB; every refusal of the Provider Concerns procedure by its SQLSTATE
-- (asserted by code, never by text), and that the refused statements changed
-- nothing; then the deadline rules: a local policy that shortens the initial
-- meeting of a major-risk enquiry, and a late meeting accepted as breached.
-- Every check runs under SET ROLE to the role concerned.
BEGIN;
SELECT plan(311);

\set enquiry_tables '{provider_enquiry,enquiry_location,enquiry_criterion,enquiry_appointment,enquiry_meeting,meeting_attendee,commissioning_decision,enquiry_finding,improvement_plan,plan_item,qa_activity,enquiry_notification}'

--------------------------------------------------------------------------
-- 1. Privilege inventory
--------------------------------------------------------------------------
SELECT table_privs_are('safeguard', t, 'public', ARRAY[]::name[],
                       format('PUBLIC has no privilege on safeguard.%s', t))
FROM unnest(:'enquiry_tables'::text[]) AS t;

SELECT table_privs_are('safeguard', t, 'safeguard_provider',
                       CASE WHEN t IN ('improvement_plan', 'plan_item')
                            THEN ARRAY['SELECT', 'UPDATE'] ELSE ARRAY[]::text[] END::name[],
                       format('safeguard_provider on safeguard.%s: %s', t,
                              CASE WHEN t IN ('improvement_plan', 'plan_item')
                                   THEN 'SELECT and UPDATE only' ELSE 'nothing' END))
FROM unnest(:'enquiry_tables'::text[]) AS t;

SELECT table_privs_are('safeguard', t, 'safeguard_commissioner',
                       CASE WHEN t = 'commissioning_decision'
                            THEN ARRAY['INSERT', 'SELECT'] ELSE ARRAY['SELECT'] END::name[],
                       format('safeguard_commissioner on safeguard.%s: %s', t,
                              CASE WHEN t = 'commissioning_decision'
                                   THEN 'SELECT and INSERT' ELSE 'SELECT only' END))
FROM unnest(:'enquiry_tables'::text[]) AS t;

SELECT table_privs_are('safeguard', t, 'safeguard_enquiry_officer',
                       CASE WHEN t IN ('enquiry_finding', 'qa_activity') THEN ARRAY['INSERT', 'SELECT']
                            WHEN t = 'plan_item' THEN ARRAY['SELECT', 'UPDATE']
                            ELSE ARRAY['SELECT'] END::name[],
                       format('safeguard_enquiry_officer on safeguard.%s: %s', t,
                              CASE WHEN t IN ('enquiry_finding', 'qa_activity') THEN 'SELECT and INSERT'
                                   WHEN t = 'plan_item' THEN 'SELECT and UPDATE'
                                   ELSE 'SELECT only' END))
FROM unnest(:'enquiry_tables'::text[]) AS t;

SELECT is_empty(format($$SELECT c.relname, a.privilege_type
                         FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
                         WHERE c.oid = ANY (ARRAY(SELECT ('safeguard.' || t)::regclass
                                                  FROM unnest(%L::text[]) AS t))
                           AND a.grantee <> c.relowner
                           AND a.privilege_type IN ('DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')$$,
                       :'enquiry_tables'),
                'no role but the owner holds DELETE, TRUNCATE, REFERENCES or TRIGGER on an enquiry table');

-- Row-level security, enabled and forced, with one policy per table.
SELECT is_empty(format($$SELECT t FROM unnest(%L::text[]) AS t
                         JOIN pg_catalog.pg_class c ON c.oid = ('safeguard.' || t)::regclass
                         WHERE NOT (c.relrowsecurity AND c.relforcerowsecurity)$$, :'enquiry_tables'),
                'row-level security is enabled and forced on all twelve enquiry tables');
-- (provider_enquiry also has reader_scope: safeguard_reader's rows for the reports)
SELECT policies_are('safeguard', t,
                    (ARRAY[CASE t WHEN 'commissioning_decision' THEN 'lead_la_or_funder'
                                  WHEN 'improvement_plan' THEN 'lead_la_or_provider'
                                  WHEN 'plan_item' THEN 'lead_la_or_provider'
                                  ELSE 'lead_la' END]
                     || CASE t WHEN 'provider_enquiry' THEN ARRAY['reader_scope'] ELSE ARRAY[]::text[] END)::name[],
                    format('safeguard.%s: %s only', t,
                           CASE t WHEN 'commissioning_decision' THEN 'lead_la_or_funder'
                                  WHEN 'improvement_plan' THEN 'lead_la_or_provider'
                                  WHEN 'plan_item' THEN 'lead_la_or_provider'
                                  WHEN 'provider_enquiry' THEN 'lead_la and reader_scope'
                                  ELSE 'lead_la' END))
FROM unnest(:'enquiry_tables'::text[]) AS t;

-- Triggers: every one fires ALWAYS; every table has its guard and refuses TRUNCATE.
SELECT is_empty(format($$SELECT c.relname, g.tgname, g.tgenabled FROM pg_catalog.pg_trigger g
                         JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
                         WHERE c.oid = ANY (ARRAY(SELECT ('safeguard.' || t)::regclass
                                                  FROM unnest(%L::text[]) AS t))
                           AND NOT g.tgisinternal AND g.tgenabled <> 'A'$$, :'enquiry_tables'),
                'every trigger on the enquiry tables fires ALWAYS (even under session_replication_role = replica)');
SELECT is_empty(format($$SELECT t FROM unnest(%L::text[]) AS t
                         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
                                           WHERE g.tgrelid = ('safeguard.' || t)::regclass
                                             AND g.tgname IN ('enquiry_guard', 'enquiry_record_guard')
                                             AND g.tgenabled = 'A')
                            OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
                                           WHERE g.tgrelid = ('safeguard.' || t)::regclass
                                             AND g.tgname = 'refuse_truncate' AND g.tgenabled = 'A')
                            OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
                                           WHERE g.tgrelid = ('safeguard.' || t)::regclass
                                             AND g.tgname = 'audit_row' AND g.tgenabled = 'A')$$,
                       :'enquiry_tables'),
                'every enquiry table has an ALWAYS guard, audit_row and refuse_truncate trigger');

-- The workflow functions run with the caller's rights and a pinned search_path.
\set wrappers '{propose_provider_enquiry,record_threshold,enquiry_set_stage,invoke_provider_enquiry,decline_provider_enquiry,record_enquiry_contacts,appoint_to_enquiry,record_enquiry_meeting,add_meeting_attendee,record_commissioning_decision,record_finding,issue_improvement_plan,add_plan_item,respond_to_plan,update_plan_item,start_quality_assurance,record_qa_activity,record_enquiry_notification,close_provider_enquiry,qa_not_sustained,move_to_monitoring}'
SELECT isnt_definer('safeguard'::name, f::name, format('safeguard.%s is SECURITY INVOKER', f))
FROM unnest(:'wrappers'::text[]) AS f;
SELECT is_empty(format($$SELECT f FROM unnest(%L::text[]) AS f
                         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p
                                           WHERE p.pronamespace = 'safeguard'::regnamespace
                                             AND p.proname = f AND NOT p.prosecdef
                                             AND 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig))$$,
                       :'wrappers'),
                'every enquiry workflow function exists, is SECURITY INVOKER and pins search_path = pg_catalog, pg_temp');

--------------------------------------------------------------------------
-- Fixture: the regulator, local authorities A and B, an ICB, providers A
-- (a home in A) and B (a home in B), one role per duty.  Clock pinned at T0
-- (Monday 3 June 2024, 10:00 London).
--------------------------------------------------------------------------
\set fixture TAP06
\set clock '2024-06-03 09:00+00'
\set orgs 'cqc=regulator laa=local_authority lab=local_authority icb=icb pa=provider pb=provider'
\set orgs :orgs ' loca=provider_location/pa/laa locb=provider_location/pb/lab'
\set cast 'sg06_la_a=la_officer@laa sg06_la_b=la_officer@lab sg06_sam_a=sam@laa sg06_sam_b=sam@lab'
\set cast :cast ' sg06_eo_a=enquiry_officer@laa sg06_eo_a2=enquiry_officer@laa sg06_eo_b=enquiry_officer@lab'
\set cast :cast ' sg06_comm_a=commissioner@laa sg06_comm_b=commissioner@lab sg06_comm_icb=commissioner@icb'
\set cast :cast ' sg06_insp=inspector@cqc sg06_cc=contact_centre@cqc sg06_admin=admin@cqc'
\set cast :cast ' sg06_prov_a=provider@pa sg06_prov_b=provider@pb'
\ir lib/fixtures.sql

-- Direct grants beyond the duty roles: the guards must refuse all the same.
GRANT INSERT ON safeguard.commissioning_decision TO sg06_insp, sg06_cc, sg06_admin;
GRANT UPDATE ON safeguard.enquiry_meeting TO sg06_sam_a;

--------------------------------------------------------------------------
-- Happy paths (the fixture).  E_done runs every stage to closure; the other
-- enquiries of A stop at one stage each; E_b is B's.
--------------------------------------------------------------------------
SET ROLE sg06_la_a;
SELECT lives_ok(format('SELECT safeguard.propose_provider_enquiry(%s, %s, ARRAY[%s])', :pa, :laa, :loca),
                'an officer of A proposes an enquiry about provider A, led by A, covering its home');
RESET ROLE;
SELECT max(id) AS e_done FROM safeguard.provider_enquiry WHERE la_id = :laa \gset
SET ROLE sg06_sam_a;
SELECT safeguard.record_threshold(:e_done, 'three_or_more_allegations', true,
                                  'Four allegations of neglect since March.') AS x,
       safeguard.record_threshold(:e_done, 'death', false, 'No deaths.') AS x \gset
SELECT is(safeguard.invoke_provider_enquiry(:e_done, 'major', 'A pattern of neglect across the home.',
                                            ARRAY['suspend new placements', 'increased monitoring']),
          'invoked'::safeguard.enquiry_stage, 'A''s SAM invokes E_done (a criterion met)');
SELECT lives_ok(format($$SELECT safeguard.record_enquiry_contacts(%s, safeguard.now(), 'secure_email',
                         safeguard.now(), 'letter')$$, :e_done),
                'the SAM records that CQC was advised and the provider informed');
SELECT lives_ok(format($$SELECT safeguard.appoint_to_enquiry(%s, 'sg06_sam_a', 'sam'),
                                safeguard.appoint_to_enquiry(%s, 'sg06_eo_a', 'enquiry_officer')$$, :e_done, :e_done),
                'the SAM appoints the SAM and an enquiry officer of A');
SELECT safeguard.record_enquiry_meeting(:e_done, 'initial', safeguard.now(),
           ARRAY['concerns', 'safeguarding plan', 'roles'], 'Fact finding agreed.', 20) AS m_done \gset
SELECT is((SELECT stage FROM safeguard.provider_enquiry WHERE id = :e_done), 'fact_finding'::safeguard.enquiry_stage,
          'the initial meeting (20 working days of fact finding) moves E_done to fact_finding');
SELECT safeguard.add_meeting_attendee(:m_done, :laa, 'Safeguarding Adults Manager', 'A. Manager') AS x,
       safeguard.add_meeting_attendee(:m_done, :cqc, 'Inspector') AS x \gset
RESET ROLE;
SET ROLE sg06_comm_a;
SELECT safeguard.record_commissioning_decision(:e_done, :laa, 'suspend_new_placements',
                                               'Major risk: no new placements.', :m_done) AS cd_a \gset
RESET ROLE;
SET ROLE sg06_comm_icb;
SELECT safeguard.record_commissioning_decision(:e_done, :icb, 'place_with_caution',
                                               'Health-funded residents stay; reviews weekly.') AS cd_icb_a \gset
RESET ROLE;
SET ROLE sg06_eo_a;
SELECT lives_ok(format('SELECT safeguard.record_finding(%s, %L)', :e_done, 'Care plans not followed at night.'),
                'the appointed enquiry officer records a finding');
RESET ROLE;
SET ROLE sg06_sam_a;
SELECT safeguard.record_enquiry_meeting(:e_done, 'outcomes', safeguard.now()) AS x \gset
SELECT safeguard.issue_improvement_plan(:e_done, 'Night staffing and care plan reviews.') AS plan_done \gset
SELECT is((SELECT stage FROM safeguard.provider_enquiry WHERE id = :e_done), 'improvement_plan'::safeguard.enquiry_stage,
          'issuing the plan after the outcomes meeting moves E_done to improvement_plan');
SELECT safeguard.add_plan_item(:plan_done, 'Review every care plan.', 'Registered manager', '2024-07-01') AS item_done \gset
RESET ROLE;
SET ROLE sg06_prov_a;
SELECT lives_ok(format('SELECT safeguard.respond_to_plan(%s, %L)', :plan_done, 'Accepted; reviews under way.'),
                'provider A responds to its plan');
SELECT lives_ok(format('SELECT safeguard.update_plan_item(%s, %L, %L)', :item_done, 'in_progress', 'Half reviewed.'),
                'provider A records progress on its item');
RESET ROLE;
SET ROLE sg06_sam_a;
SELECT is((SELECT stage FROM safeguard.provider_enquiry WHERE id = :e_done), 'monitoring'::safeguard.enquiry_stage,
          'the provider''s response moves E_done to monitoring');
SELECT is(safeguard.start_quality_assurance(:e_done, 'Unannounced visit and file audit.'),
          'quality_assurance'::safeguard.enquiry_stage, 'the SAM starts quality assurance');
RESET ROLE;
SET ROLE sg06_eo_a;
SELECT safeguard.record_qa_activity(:e_done, 'Unannounced night visit.') AS x \gset
RESET ROLE;
SET ROLE sg06_sam_a;
SELECT safeguard.record_enquiry_notification(:e_done, 'provider', '2024-06-03', 'letter', 'A/PE/1') AS x,
       safeguard.record_enquiry_notification(:e_done, 'cqc', '2024-06-03', 'secure_email', 'A/PE/2') AS x \gset
SELECT is(safeguard.close_provider_enquiry(:e_done, 'Night staffing must be checked at contract reviews.',
                                           safeguard.now(), 'SAB-2024-07'),
          'closed'::safeguard.enquiry_stage, 'the SAM closes E_done');

-- A's other enquiries, each stopped at one stage.
SELECT safeguard.propose_provider_enquiry(:pa, :laa) AS e_prop \gset
SELECT safeguard.record_threshold(:e_prop, 'death', false, 'No deaths.') AS x,
       safeguard.record_threshold(:e_prop, 'three_or_more_allegations', false, 'One allegation.') AS x \gset
SELECT safeguard.propose_provider_enquiry(:pa, :laa) AS e_decl \gset
SELECT is(safeguard.decline_provider_enquiry(:e_decl, 'Contract monitoring visit.', 'A single low-level concern.'),
          'not_invoked'::safeguard.enquiry_stage, 'the SAM declines an enquiry, directing alternative action');
SELECT safeguard.propose_provider_enquiry(:pa, :laa) AS e_inv,
       safeguard.propose_provider_enquiry(:pa, :laa) AS e_ff,
       safeguard.propose_provider_enquiry(:pa, :laa) AS e_ff2,
       safeguard.propose_provider_enquiry(:pa, :laa) AS e_mon,
       safeguard.propose_provider_enquiry(:pa, :laa) AS e_qa_p,
       safeguard.propose_provider_enquiry(:pa, :laa) AS e_qa_c \gset
-- (string_agg: one row for \gset, one call of each function per enquiry, in order)
SELECT string_agg(concat_ws(',',
           safeguard.record_threshold(e, 'professional_concerns', true, 'District nurses report missed care.'),
           safeguard.invoke_provider_enquiry(e, 'moderate', 'Concerns from professionals.'),
           safeguard.appoint_to_enquiry(e, 'sg06_eo_a', 'enquiry_officer')), ';') AS x
FROM unnest(ARRAY[:e_inv, :e_ff, :e_ff2, :e_mon, :e_qa_p, :e_qa_c]::bigint[]) AS e \gset
SELECT string_agg(safeguard.record_enquiry_meeting(e, 'initial', safeguard.now(),
                                                   fact_finding_working_days => 15)::text, ';') AS x
FROM unnest(ARRAY[:e_ff, :e_ff2, :e_mon, :e_qa_p, :e_qa_c]::bigint[]) AS e \gset
SELECT string_agg(safeguard.record_enquiry_meeting(e, 'outcomes', safeguard.now())::text, ';') AS x
FROM unnest(ARRAY[:e_ff2, :e_mon, :e_qa_p, :e_qa_c]::bigint[]) AS e \gset
SELECT safeguard.issue_improvement_plan(:e_mon, 'Medication audits.') AS plan_mon,
       safeguard.issue_improvement_plan(:e_qa_p, 'Staff training.') AS plan_qa_p,
       safeguard.issue_improvement_plan(:e_qa_c, 'Falls prevention.') AS plan_qa_c \gset
SELECT safeguard.add_plan_item(:plan_mon, 'Weekly medication audit.', 'Deputy manager', '2024-06-28') AS item_mon \gset
SELECT is(safeguard.move_to_monitoring(e), 'monitoring'::safeguard.enquiry_stage,
          'the SAM moves to monitoring without waiting for the provider''s response')
FROM unnest(ARRAY[:e_mon, :e_qa_p, :e_qa_c]::bigint[]) AS e ORDER BY e;
SELECT string_agg(concat_ws(',', safeguard.start_quality_assurance(e, 'Audit of training records.'),
           safeguard.record_enquiry_contacts(e, safeguard.now(), 'email', safeguard.now(), 'letter')), ';') AS x
FROM unnest(ARRAY[:e_qa_p, :e_qa_c]::bigint[]) AS e \gset
SELECT safeguard.record_enquiry_notification(:e_qa_p, 'provider', '2024-06-03', 'letter', 'A/QP/1') AS x,
       safeguard.record_enquiry_notification(:e_qa_c, 'cqc', '2024-06-03', 'secure_email', 'A/QC/2') AS x \gset
RESET ROLE;

-- B's enquiry about provider B, to the plan.
SET ROLE sg06_sam_b;
SELECT safeguard.propose_provider_enquiry(:pb, :lab, ARRAY[:locb]) AS e_b \gset
SELECT safeguard.record_threshold(:e_b, 'manager_concerns', true, 'Manager''s finances under investigation.') AS x \gset
SELECT safeguard.invoke_provider_enquiry(:e_b, 'moderate', 'Concerns about the manager.') AS x,
       safeguard.appoint_to_enquiry(:e_b, 'sg06_eo_b', 'enquiry_officer') AS x \gset
SELECT safeguard.record_enquiry_meeting(:e_b, 'initial', safeguard.now(), fact_finding_working_days => 10) AS m_b \gset
SELECT safeguard.add_meeting_attendee(:m_b, :lab, 'Safeguarding Adults Manager') AS x \gset
RESET ROLE;
SET ROLE sg06_eo_b;
SELECT safeguard.record_finding(:e_b, 'Residents'' money handled without receipts.') AS x \gset
RESET ROLE;
SET ROLE sg06_comm_b;
SELECT safeguard.record_commissioning_decision(:e_b, :lab, 'place_with_caution', 'Financial safeguards first.') AS cd_b \gset
RESET ROLE;
SET ROLE sg06_comm_icb;
SELECT safeguard.record_commissioning_decision(:e_b, :icb, 'place_with_caution', 'As the council.') AS cd_icb_b \gset
RESET ROLE;
SET ROLE sg06_sam_b;
SELECT safeguard.record_enquiry_meeting(:e_b, 'outcomes', safeguard.now()) AS x \gset
SELECT safeguard.issue_improvement_plan(:e_b, 'Financial controls.') AS plan_b \gset
SELECT safeguard.add_plan_item(:plan_b, 'Receipts for every transaction.', 'Manager', '2024-06-21') AS item_b \gset
RESET ROLE;

SELECT results_eq(format($$SELECT id, stage::text FROM safeguard.provider_enquiry
                           WHERE id IN (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ORDER BY id$$,
                         :e_done, :e_prop, :e_decl, :e_inv, :e_ff, :e_ff2, :e_mon, :e_qa_p, :e_qa_c, :e_b),
                  format($$VALUES (%s::bigint, 'closed'), (%s, 'proposed'), (%s, 'not_invoked'), (%s, 'invoked'),
                                  (%s, 'fact_finding'), (%s, 'fact_finding'), (%s, 'monitoring'),
                                  (%s, 'quality_assurance'), (%s, 'quality_assurance'), (%s, 'improvement_plan')$$,
                         :e_done, :e_prop, :e_decl, :e_inv, :e_ff, :e_ff2, :e_mon, :e_qa_p, :e_qa_c, :e_b),
                  'precondition: each enquiry of the fixture is at its stage');
SELECT is_empty(format($$SELECT t FROM unnest(%L::text[]) AS t
                         WHERE NOT (xpath('/row/n/text()',
                                    query_to_xml(format('SELECT count(*) AS n FROM safeguard.%%I', t), false, true, ''))
                                    )[1]::text::int > 0$$, :'enquiry_tables'),
                  'precondition: every enquiry table has rows');

--------------------------------------------------------------------------
-- 2. Row-level security
--------------------------------------------------------------------------
-- Every enquiry record, by table and enquiry, as the caller sees it.
CREATE TEMP VIEW sg06_records WITH (security_invoker = true) AS
SELECT 'provider_enquiry'::text AS tbl, id AS enquiry_id FROM safeguard.provider_enquiry
UNION ALL SELECT 'enquiry_location', enquiry_id FROM safeguard.enquiry_location
UNION ALL SELECT 'enquiry_criterion', enquiry_id FROM safeguard.enquiry_criterion
UNION ALL SELECT 'enquiry_appointment', enquiry_id FROM safeguard.enquiry_appointment
UNION ALL SELECT 'enquiry_meeting', enquiry_id FROM safeguard.enquiry_meeting
UNION ALL SELECT 'meeting_attendee', m.enquiry_id FROM safeguard.meeting_attendee a
          JOIN safeguard.enquiry_meeting m ON m.id = a.meeting_id
UNION ALL SELECT 'commissioning_decision', enquiry_id FROM safeguard.commissioning_decision
UNION ALL SELECT 'enquiry_finding', enquiry_id FROM safeguard.enquiry_finding
UNION ALL SELECT 'improvement_plan', enquiry_id FROM safeguard.improvement_plan
UNION ALL SELECT 'plan_item', p.enquiry_id FROM safeguard.plan_item i
          JOIN safeguard.improvement_plan p ON p.id = i.plan_id
UNION ALL SELECT 'qa_activity', enquiry_id FROM safeguard.qa_activity
UNION ALL SELECT 'enquiry_notification', enquiry_id FROM safeguard.enquiry_notification;
GRANT SELECT ON sg06_records TO PUBLIC;
-- What each authority should see, computed without row-level security.
SELECT 'VALUES ' || string_agg(format('(%L, %s::bigint)', r.tbl, r.enquiry_id), ', ') AS a_records
FROM sg06_records r JOIN safeguard.provider_enquiry e ON e.id = r.enquiry_id WHERE e.la_id = :laa \gset
SELECT 'VALUES ' || string_agg(format('(%L, %s::bigint)', r.tbl, r.enquiry_id), ', ') AS b_records
FROM sg06_records r JOIN safeguard.provider_enquiry e ON e.id = r.enquiry_id WHERE e.la_id = :lab \gset
SELECT 'VALUES ' || string_agg(format('(%L, %s::bigint)', r.tbl, r.enquiry_id), ', ') AS all_records
FROM sg06_records r \gset
SELECT array_agg(id ORDER BY id) AS a_enquiries FROM safeguard.provider_enquiry WHERE la_id = :laa \gset
SELECT array_agg(id ORDER BY id) AS pa_plans FROM safeguard.improvement_plan WHERE provider_id = :pa \gset
SELECT array_agg(id ORDER BY id) AS pa_items FROM safeguard.plan_item WHERE provider_id = :pa \gset
SELECT ok((SELECT count(DISTINCT tbl) FROM sg06_records r JOIN safeguard.provider_enquiry e ON e.id = r.enquiry_id
           WHERE e.la_id = :lab) = 10 AND array_length(:'pa_plans'::bigint[], 1) = 4,
          'precondition: B''s enquiry has records in ten tables; provider A has four plans');

SET ROLE sg06_la_a;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'a_records',
              'A''s officer sees exactly A''s enquiries and their records in every table');
RESET ROLE;
SET ROLE sg06_sam_a;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'a_records',
              'A''s SAM sees exactly A''s enquiries and their records in every table');
RESET ROLE;
SET ROLE sg06_eo_a;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'a_records',
              'A''s enquiry officer sees exactly A''s enquiries and their records in every table');
RESET ROLE;
SET ROLE sg06_comm_a;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'a_records',
              'A''s commissioner sees exactly A''s enquiries and their records in every table');
RESET ROLE;
SET ROLE sg06_la_b;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'b_records',
              'B''s officer sees exactly B''s enquiry and its records in every table');
RESET ROLE;
SET ROLE sg06_sam_b;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'b_records',
              'B''s SAM sees exactly B''s enquiry and its records in every table');
RESET ROLE;
SET ROLE sg06_eo_b;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'b_records',
              'B''s enquiry officer sees exactly B''s enquiry and its records in every table');
RESET ROLE;
SET ROLE sg06_comm_b;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'b_records',
              'B''s commissioner sees exactly B''s enquiry and its records in every table');
RESET ROLE;
SET ROLE sg06_insp;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'all_records',
              'the regulator''s inspector sees the enquiries of both authorities and all their records');
RESET ROLE;
SET ROLE sg06_cc;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'all_records',
              'the regulator''s contact centre sees the enquiries of both authorities and all their records');
RESET ROLE;
SET ROLE sg06_admin;
SELECT bag_eq('SELECT tbl, enquiry_id FROM sg06_records', :'all_records',
              'the regulator''s administrator sees the enquiries of both authorities and all their records');
RESET ROLE;

SET ROLE sg06_sam_a;
SELECT results_eq('SELECT enquiry_id FROM safeguard.provider_enquiry_overview ORDER BY 1', :'a_enquiries'::bigint[],
                  'provider_enquiry_overview shows A''s SAM only A''s enquiries');
WITH u AS (UPDATE safeguard.provider_enquiry SET risk_actions = '{stolen}' WHERE id = :e_b RETURNING id)
SELECT count(*) AS b_updated FROM u \gset
SELECT is(:b_updated::int, 0, 'A''s SAM''s UPDATE of B''s enquiry affects no row');
RESET ROLE;

-- The ICB's commissioner: its own decisions, on both authorities' enquiries, and nothing else.
SET ROLE sg06_comm_icb;
SELECT results_eq('SELECT id FROM safeguard.commissioning_decision ORDER BY id',
                  ARRAY[:cd_icb_a, :cd_icb_b]::bigint[],
                  'the ICB''s commissioner sees exactly the ICB''s decisions (not the councils'')');
SELECT is((SELECT count(*)::int FROM sg06_records WHERE tbl <> 'commissioning_decision'), 0,
          'the ICB''s commissioner sees no enquiry and no other enquiry record');
RESET ROLE;

-- Providers: their own plan and items only; nothing of the enquiry or casework.
SET ROLE sg06_prov_a;
SELECT results_eq('SELECT id FROM safeguard.improvement_plan ORDER BY id', :'pa_plans'::bigint[],
                  'provider A sees exactly its own plans');
SELECT results_eq('SELECT id FROM safeguard.plan_item ORDER BY id', :'pa_items'::bigint[],
                  'provider A sees exactly its own plan items');
SELECT is((SELECT count(*)::int FROM safeguard.improvement_plan WHERE provider_id = :pb), 0,
          'provider A sees 0 rows of provider B''s plan');
SELECT is((SELECT count(*)::int FROM safeguard.plan_item WHERE id = :item_b OR provider_id = :pb), 0,
          'provider A sees 0 rows of provider B''s plan items');
SELECT throws_ok(format('SELECT count(*) FROM safeguard.%I', t), '42501', NULL,
                 format('provider A may not read safeguard.%s', t))
FROM unnest(ARRAY['provider_enquiry', 'enquiry_meeting', 'concern', 'referral', 'provider_enquiry_overview']) AS t;
RESET ROLE;
SET ROLE sg06_prov_b;
SELECT results_eq('SELECT id FROM safeguard.improvement_plan ORDER BY id', ARRAY[:plan_b]::bigint[],
                  'provider B sees exactly its own plan');
SELECT results_eq('SELECT id FROM safeguard.plan_item ORDER BY id', ARRAY[:item_b]::bigint[],
                  'provider B sees exactly its own plan item');
RESET ROLE;

--------------------------------------------------------------------------
-- 3. The error block.  Snapshot first.
--------------------------------------------------------------------------
-- Every enquiry table, the deadlines, the organisations and the audit trail,
-- as one digest; read again after the error block.
CREATE VIEW pg_temp.sg06_snapshot AS
SELECT md5(concat_ws('|',
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.provider_enquiry x),
         (SELECT string_agg(x::text, ',' ORDER BY x.enquiry_id, x.location_id) FROM safeguard.enquiry_location x),
         (SELECT string_agg(x::text, ',' ORDER BY x.enquiry_id, x.criterion) FROM safeguard.enquiry_criterion x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.enquiry_appointment x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.enquiry_meeting x),
         (SELECT string_agg(x::text, ',' ORDER BY x.meeting_id, x.organisation_id, x.role_title) FROM safeguard.meeting_attendee x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.commissioning_decision x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.enquiry_finding x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.improvement_plan x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.plan_item x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.qa_activity x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.enquiry_notification x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.deadline x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.organisation x),
         (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM safeguard.audit_event x))) AS digest;
SELECT count(*) AS audit_before FROM safeguard.audit_event \gset
SELECT digest AS snapshot_before FROM pg_temp.sg06_snapshot \gset

-- SG301: the fact-finding timescale exceeds the policy's maximum (or is not a timescale).
SET ROLE sg06_sam_a;
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'initial', safeguard.now(),
                           fact_finding_working_days => %s)$$, :e_inv, d), 'SG301', NULL,
                 format('an initial meeting setting %s working days of fact finding: SG301', d))
FROM unnest(ARRAY[21, 0, -1]) AS d;

-- SG302: invoking with no criterion met and no override rationale.
SELECT throws_ok(format($$SELECT safeguard.invoke_provider_enquiry(%s, 'moderate', 'Worrying pattern.')$$, :e_prop),
                 'SG302', NULL, 'invoking with every answered criterion "no" and no override: SG302');
SELECT throws_ok(format($$SELECT safeguard.invoke_provider_enquiry(%s, 'moderate', 'Worrying pattern.',
                           override_rationale => '  ')$$, :e_prop),
                 'SG302', NULL, 'invoking with a blank override rationale: SG302');

-- SG303: closure incomplete, and QA outcomes that do not fit the stage change.
SELECT throws_ok(format($$UPDATE safeguard.provider_enquiry SET stage = 'closed', qa_outcome = 'not_sustained',
                           lessons_learnt = 'x', sab_report_at = safeguard.now(), sab_report_reference = 'SAB-1'
                           WHERE id = %s$$, :e_qa_p), 'SG303', NULL,
                 'closing with QA not sustained: SG303');
SELECT throws_ok(format($$SELECT safeguard.enquiry_set_stage(%s, 'closed', lessons_learnt => 'x',
                           sab_report_at => safeguard.now(), sab_report_reference => 'SAB-1')$$, :e_qa_p), 'SG303', NULL,
                 'closing with no QA outcome: SG303');
SELECT throws_ok(format($$SELECT safeguard.close_provider_enquiry(%s, 'x', safeguard.now(), 'SAB-1')$$, :e_qa_c),
                 'SG303', NULL, 'closing without the written notification to the provider: SG303');
SELECT throws_ok(format($$SELECT safeguard.close_provider_enquiry(%s, 'x', safeguard.now(), 'SAB-1')$$, :e_qa_p),
                 'SG303', NULL, 'closing without the written notification to CQC: SG303');
SELECT throws_ok(format($$SELECT safeguard.enquiry_set_stage(%s, 'monitoring', qa_outcome => 'sustained')$$, :e_qa_c),
                 'SG303', NULL, 'quality_assurance -> monitoring with QA ''sustained'': SG303');
SELECT throws_ok(format($$UPDATE safeguard.provider_enquiry SET stage = 'monitoring' WHERE id = %s$$, :e_qa_c),
                 'SG303', NULL, 'quality_assurance -> monitoring with no QA outcome: SG303');

-- SG304: the appointee lacks the duty for the leading authority.
SELECT throws_ok(format($$SELECT safeguard.appoint_to_enquiry(%s, %L, %L)$$, :e_inv, r, d), 'SG304', NULL,
                 format('appointing %s as %s: SG304 (%s)', r, d, why))
FROM (VALUES ('sg06_la_a', 'enquiry_officer', 'an officer of A without the duty'),
             ('sg06_eo_b', 'enquiry_officer', 'B''s enquiry officer, not A''s'),
             ('sg06_eo_a', 'sam', 'an enquiry officer is not a SAM'),
             ('sg06_insp', 'enquiry_officer', 'a regulator''s inspector')) AS v(r, d, why);

-- SG305: a record at the wrong stage.
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'initial', safeguard.now(),
                           fact_finding_working_days => 10)$$, :e_ff), 'SG305', NULL,
                 'a second initial meeting (the enquiry is already fact finding): SG305');
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'outcomes', safeguard.now())$$, :e_inv),
                 'SG305', NULL, 'an outcomes meeting before fact finding (invoked): SG305');
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'monitoring', safeguard.now())$$, :e_ff),
                 'SG305', NULL, 'a monitoring meeting before the plan is issued: SG305');
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'other', safeguard.now())$$, :e_done),
                 'SG305', NULL, 'a meeting of a closed enquiry: SG305');
SELECT throws_ok(format($$SELECT safeguard.issue_improvement_plan(%s, 'Plan.')$$, :e_ff), 'SG305', NULL,
                 'the plan before the outcomes meeting: SG305');
SELECT throws_ok(format($$SELECT safeguard.issue_improvement_plan(%s, 'Plan.')$$, :e_inv), 'SG305', NULL,
                 'the plan before fact finding: SG305');
SELECT throws_ok(format($$WITH p AS (INSERT INTO safeguard.improvement_plan (enquiry_id, summary)
                                     VALUES (%s, 'Plan.') RETURNING id)
                          INSERT INTO safeguard.plan_item (plan_id, description, owner, due_date)
                          SELECT id, 'Item.', 'Manager', '2024-07-01' FROM p$$, :e_ff2), 'SG305', NULL,
                 'a plan item while the enquiry is still fact finding (plan and item in one statement): SG305');
SELECT throws_ok(format($$SELECT safeguard.add_plan_item(%s, 'Item.', 'Manager', '2024-07-01')$$, :plan_qa_p),
                 'SG305', NULL, 'a plan item during quality assurance: SG305');
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_notification(%s, 'provider', '2024-06-03', 'letter', 'R')$$,
                        :e_mon), 'SG305', NULL, 'a closure notification before quality assurance: SG305');
SELECT throws_ok(format($$SELECT safeguard.record_qa_activity(%s, 'File audit.')$$, :e_mon), 'SG305', NULL,
                 'a QA activity in monitoring: SG305');
SELECT throws_ok(format($$SELECT safeguard.record_threshold(%s, 'death', true, 'Found later.')$$, :e_inv),
                 'SG305', NULL, 'answering the threshold tool after invocation: SG305');
RESET ROLE;
SET ROLE sg06_eo_a;
SELECT throws_ok(format($$SELECT safeguard.record_finding(%s, 'Early finding.')$$, e), 'SG305', NULL,
                 format('a finding while the enquiry is %s: SG305', s))
FROM (VALUES (:e_inv, 'invoked'), (:e_mon, 'monitoring'), (:e_done, 'closed')) AS v(e, s);
SELECT throws_ok(format($$SELECT safeguard.record_qa_activity(%s, 'Visit.')$$, :e_done), 'SG305', NULL,
                 'a QA activity after closure: SG305');
RESET ROLE;

-- SG201: stage changes that do not exist, or follow only from a record.
SET ROLE sg06_sam_a;
SELECT throws_ok(format($$SELECT safeguard.close_provider_enquiry(%s, 'x', safeguard.now(), 'SAB-1')$$, :e_prop),
                 'SG201', NULL, 'proposed -> closed: SG201');
SELECT throws_ok(format($$UPDATE safeguard.provider_enquiry SET stage = 'fact_finding' WHERE id = %s$$, :e_inv),
                 'SG201', NULL, 'invoked -> fact_finding by UPDATE of stage (it follows only from the initial meeting): SG201');
SELECT throws_ok(format($$UPDATE safeguard.provider_enquiry SET stage = 'improvement_plan' WHERE id = %s$$, :e_ff2),
                 'SG201', NULL, 'fact_finding -> improvement_plan by UPDATE of stage (it follows only from issuing the plan): SG201');
SELECT throws_ok(format($$SELECT safeguard.invoke_provider_enquiry(%s, 'major', 'Again.')$$, :e_inv),
                 'SG201', NULL, 'invoked -> invoked (invoking twice): SG201');
SELECT throws_ok(format($$SELECT safeguard.invoke_provider_enquiry(%s, 'major', 'Reconsidered.',
                           override_rationale => 'New information.')$$, :e_decl),
                 'SG201', NULL, 'not_invoked -> invoked: SG201');
SELECT throws_ok(format($$UPDATE safeguard.provider_enquiry SET stage = %L WHERE id = %s$$, s, :e_done),
                 'SG201', NULL, format('closed -> %s: SG201', s))
FROM unnest(enum_range(NULL::safeguard.enquiry_stage)) AS s;
RESET ROLE;
SET ROLE sg06_admin;
SELECT throws_ok(format($$UPDATE safeguard.provider_enquiry SET stage = 'fact_finding' WHERE id = %s$$, :e_inv),
                 'SG201', NULL, 'not even an administrator moves invoked -> fact_finding by UPDATE: SG201');
RESET ROLE;

-- SG202: a record without what it requires.
SET ROLE sg06_sam_a;
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'initial', safeguard.now())$$, :e_inv),
                 'SG202', NULL, 'an initial meeting without the fact-finding timescale: SG202');
SELECT throws_ok(format($$SELECT safeguard.record_threshold(%s, 'immigration_issues', true, %s)$$, :e_prop, ev),
                 'SG202', NULL, format('a threshold answer with %s evidence: SG202', what))
FROM (VALUES ('NULL', 'no'), ('''  ''', 'blank')) AS v(ev, what);
RESET ROLE;
SET ROLE sg06_prov_a;
SELECT throws_ok(format('SELECT safeguard.respond_to_plan(%s, %s)', :plan_mon, resp), 'SG202', NULL,
                 format('the provider''s response %s: SG202', what))
FROM (VALUES ('NULL', 'missing'), ('''''', 'empty'), (quote_literal(E' \t\n'), 'blank')) AS v(resp, what);
RESET ROLE;

-- SG203: columns safeguard records, or that cannot change.
SET ROLE sg06_sam_a;
SELECT throws_ok(format($$INSERT INTO safeguard.provider_enquiry (provider_id, la_id, %I) VALUES (%s, %s, %s)$$,
                        col, :pa, :laa, val), 'SG203', NULL, format('proposing with %s supplied: SG203', col))
FROM (VALUES ('stage', '''invoked'''), ('decided_by', '''sg06_sam_a''::regrole'),
             ('proposed_at', 'safeguard.now()'), ('meeting_required', 'true')) AS v(col, val);
SELECT throws_ok(format($$INSERT INTO safeguard.improvement_plan (enquiry_id, summary, provider_response)
                          VALUES (%s, 'Plan.', 'Accepted.')$$, :e_ff2), 'SG203', NULL,
                 'issuing a plan with the provider''s response already in it: SG203');
SELECT throws_ok(format($$INSERT INTO safeguard.plan_item (plan_id, description, owner, due_date, serious_delay)
                          VALUES (%s, 'Item.', 'Manager', '2024-07-01', true)$$, :plan_mon), 'SG203', NULL,
                 'adding a plan item already flagged as seriously delayed: SG203');
RESET ROLE;
SET ROLE sg06_prov_a;
SELECT throws_ok(format($$UPDATE safeguard.improvement_plan SET summary = 'Nothing to do.' WHERE id = %s$$, :plan_mon),
                 'SG203', NULL, 'provider A changing the summary of its plan: SG203');
SELECT throws_ok(format($$UPDATE safeguard.improvement_plan SET provider_response = 'Fine.', summary = 'Less.'
                          WHERE id = %s$$, :plan_mon),
                 'SG203', NULL, 'provider A responding and changing the summary at once: SG203');
SELECT throws_ok(format($$UPDATE safeguard.plan_item SET due_date = due_date + 30 WHERE id = %s$$, :item_mon),
                 'SG203', NULL, 'provider A changing a plan item''s due date: SG203');
RESET ROLE;

-- SG204: nothing is deleted, changed behind the procedure, or answered twice.
SELECT throws_ok(format('DELETE FROM safeguard.%I', t), 'SG204', NULL,
                 format('deleting from safeguard.%s (superuser): SG204', t))
FROM unnest(:'enquiry_tables'::text[]) AS t;
SET client_min_messages = warning;  -- no "truncate cascades" notices
SELECT throws_ok(format('TRUNCATE safeguard.%I CASCADE', t), 'SG204', NULL,
                 format('truncating safeguard.%s (superuser): SG204', t))
FROM unnest(:'enquiry_tables'::text[]) AS t;
RESET client_min_messages;
SELECT throws_ok(format($$UPDATE safeguard.enquiry_meeting SET decisions = 'edited' WHERE id = %s$$, :m_done),
                 'SG204', NULL, 'updating a meeting (superuser): SG204');
SET ROLE sg06_sam_a;
SELECT throws_ok(format($$UPDATE safeguard.enquiry_meeting SET decisions = 'edited' WHERE id = %s$$, :m_done),
                 'SG204', NULL, 'updating a meeting (A''s SAM, even with a direct UPDATE grant): SG204');
RESET ROLE;
SET ROLE sg06_prov_a;
SELECT throws_ok(format('SELECT safeguard.respond_to_plan(%s, %L)', :plan_done, 'Second thoughts.'), 'SG204', NULL,
                 'a second provider response: SG204');
RESET ROLE;

-- SG205: decisions need their rationale.
SET ROLE sg06_sam_a;
SELECT throws_ok(format('SELECT safeguard.invoke_provider_enquiry(%s, %L, %s, override_rationale => %L)',
                        :e_prop, 'major', r, 'Pattern of concern.'), 'SG205', NULL,
                 format('invoking with %s rationale: SG205', what))
FROM (VALUES ('NULL', 'no'), ('''   ''', 'a blank')) AS v(r, what);
SELECT throws_ok(format('SELECT safeguard.decline_provider_enquiry(%s, %s, %s)', :e_prop, alt, r), 'SG205', NULL,
                 format('declining %s: SG205', what))
FROM (VALUES ('NULL', '''Isolated concern.''', 'without an alternative action'),
             ('''  ''', '''Isolated concern.''', 'with a blank alternative action'),
             ('''Contract visit.''', 'NULL', 'without a rationale')) AS v(alt, r, what);
RESET ROLE;
SET ROLE sg06_comm_a;
SELECT throws_ok(format('SELECT safeguard.record_commissioning_decision(%s, %s, %L, %s)',
                        :e_mon, :laa, 'suspend_new_placements', r), 'SG205', NULL,
                 format('a commissioning decision with %s rationale: SG205', what))
FROM (VALUES ('NULL', 'no'), ('''  ''', 'a blank')) AS v(r, what);
RESET ROLE;

-- SG208: enquiries and records that do not exist, or that the caller cannot see.
SET ROLE sg06_sam_a;
SELECT throws_ok(format('SELECT safeguard.%s', call), 'SG208', NULL, format('%s of a nonexistent enquiry: SG208', fn))
FROM (VALUES ('invoke_provider_enquiry', 'invoke_provider_enquiry(999999999, ''major'', ''x'', override_rationale => ''x'')'),
             ('decline_provider_enquiry', 'decline_provider_enquiry(999999999, ''x'', ''x'')'),
             ('record_threshold', 'record_threshold(999999999, ''death'', true, ''x'')'),
             ('record_enquiry_contacts', 'record_enquiry_contacts(999999999, safeguard.now(), ''letter'')'),
             ('appoint_to_enquiry', 'appoint_to_enquiry(999999999, ''sg06_eo_a'', ''enquiry_officer'')'),
             ('record_enquiry_meeting', 'record_enquiry_meeting(999999999, ''other'', safeguard.now())'),
             ('add_meeting_attendee', 'add_meeting_attendee(999999999, ' || :laa || ', ''SAM'')'),
             ('issue_improvement_plan', 'issue_improvement_plan(999999999, ''x'')'),
             ('add_plan_item', 'add_plan_item(999999999, ''x'', ''x'', ''2024-07-01'')'),
             ('update_plan_item', 'update_plan_item(999999999, ''done'')'),
             ('move_to_monitoring', 'move_to_monitoring(999999999)'),
             ('start_quality_assurance', 'start_quality_assurance(999999999, ''x'')'),
             ('record_qa_activity', 'record_qa_activity(999999999, ''x'')'),
             ('qa_not_sustained', 'qa_not_sustained(999999999)'),
             ('record_enquiry_notification', 'record_enquiry_notification(999999999, ''cqc'', ''2024-06-03'', ''letter'', ''R'')'),
             ('close_provider_enquiry', 'close_provider_enquiry(999999999, ''x'', safeguard.now(), ''R'')'),
             ('enquiry_set_stage', 'enquiry_set_stage(999999999, ''monitoring'')')) AS v(fn, call);
RESET ROLE;
SET ROLE sg06_eo_a;
SELECT throws_ok($$SELECT safeguard.record_finding(999999999, 'x')$$, 'SG208', NULL,
                 'record_finding of a nonexistent enquiry: SG208');
RESET ROLE;
SET ROLE sg06_comm_a;
SELECT throws_ok(format($$SELECT safeguard.record_commissioning_decision(999999999, %s, 'resume', 'x')$$, :laa),
                 'SG208', NULL, 'record_commissioning_decision of a nonexistent enquiry: SG208');
RESET ROLE;
SET ROLE sg06_prov_a;
SELECT throws_ok($$SELECT safeguard.respond_to_plan(999999999, 'x')$$, 'SG208', NULL,
                 'respond_to_plan of a nonexistent plan: SG208');
RESET ROLE;
SET ROLE sg06_prov_b;
SELECT throws_ok(format('SELECT safeguard.respond_to_plan(%s, %L)', :plan_mon, 'Hijacked.'), 'SG208', NULL,
                 'provider B responding to provider A''s plan: SG208 (not visible)');
SELECT throws_ok(format('SELECT safeguard.update_plan_item(%s, %L)', :item_mon, 'done'), 'SG208', NULL,
                 'provider B updating provider A''s plan item: SG208 (not visible)');
RESET ROLE;
-- Another authority's SAM: A's enquiries are invisible to it, so not found.
SET ROLE sg06_sam_b;
SELECT throws_ok(format('SELECT safeguard.%s', call), 'SG208', NULL,
                 format('B''s SAM: %s on A''s enquiry: SG208 (not visible)', fn))
FROM (VALUES ('invoke_provider_enquiry', format('invoke_provider_enquiry(%s, ''major'', ''x'', override_rationale => ''x'')', :e_prop)),
             ('record_threshold', format('record_threshold(%s, ''death'', true, ''x'')', :e_prop)),
             ('appoint_to_enquiry', format('appoint_to_enquiry(%s, ''sg06_sam_b'', ''sam'')', :e_inv)),
             ('record_enquiry_meeting', format('record_enquiry_meeting(%s, ''initial'', safeguard.now(), fact_finding_working_days => 5)', :e_inv)),
             ('add_meeting_attendee', format('add_meeting_attendee(%s, %s, ''SAM'')', :m_done, :lab)),
             ('issue_improvement_plan', format('issue_improvement_plan(%s, ''x'')', :e_ff2)),
             ('add_plan_item', format('add_plan_item(%s, ''x'', ''x'', ''2024-07-01'')', :plan_mon)),
             ('start_quality_assurance', format('start_quality_assurance(%s, ''x'')', :e_mon)),
             ('record_enquiry_notification', format('record_enquiry_notification(%s, ''cqc'', ''2024-06-03'', ''letter'', ''R'')', :e_qa_p)),
             ('close_provider_enquiry', format('close_provider_enquiry(%s, ''x'', safeguard.now(), ''R'')', :e_qa_p))) AS v(fn, call);
RESET ROLE;

-- SG210: organisations of the wrong kind.
SET ROLE sg06_sam_a;
SELECT throws_ok(format('SELECT safeguard.propose_provider_enquiry(%s, %s)', :pa, :pb), 'SG210', NULL,
                 'proposing with a provider as the leading local authority: SG210');
SELECT throws_ok(format('SELECT safeguard.propose_provider_enquiry(%s, %s)', :laa, :laa), 'SG210', NULL,
                 'proposing an enquiry about a local authority: SG210');
SELECT throws_ok(format('SELECT safeguard.propose_provider_enquiry(%s, %s)', :loca, :laa), 'SG210', NULL,
                 'proposing an enquiry about a location rather than its provider: SG210');
SELECT throws_ok(format('SELECT safeguard.propose_provider_enquiry(%s, %s, ARRAY[%s])', :pa, :laa, :locb), 'SG210', NULL,
                 'proposing with a location of another provider: SG210');
SELECT throws_ok(format('INSERT INTO safeguard.enquiry_location (enquiry_id, location_id) VALUES (%s, %s)', :e_prop, :locb),
                 'SG210', NULL, 'adding a location of another provider: SG210');
SELECT throws_ok(format('INSERT INTO safeguard.enquiry_location (enquiry_id, location_id) VALUES (%s, %s)', :e_prop, :pa),
                 'SG210', NULL, 'adding the provider itself as a location: SG210');
RESET ROLE;
SET ROLE sg06_comm_a;
SELECT throws_ok(format($$SELECT safeguard.record_commissioning_decision(%s, %s, 'resume', 'x')$$, :e_mon, :pa),
                 'SG210', NULL, 'a commissioning decision for a provider as funding authority: SG210');
RESET ROLE;

-- 42501: the duty is wrong.
SELECT ok(has_table_privilege(r, 'safeguard.commissioning_decision', 'INSERT'),
          format('precondition: %s (the regulator) was granted INSERT on commissioning_decision directly', r))
FROM unnest(ARRAY['sg06_insp', 'sg06_cc', 'sg06_admin']) AS r;
SET ROLE sg06_insp;
SELECT throws_ok(format($$SELECT safeguard.record_commissioning_decision(%s, %s, 'suspend_new_placements',
                          'The regulator''s view.')$$, :e_mon, f), '42501', NULL,
                 format('sg06_insp (the regulator) cannot record a commissioning decision for %s, even with INSERT: 42501', fname))
FROM (VALUES (:laa, 'A'), (:icb, 'the ICB')) AS v(f, fname);
RESET ROLE;
SET ROLE sg06_cc;
SELECT throws_ok(format($$SELECT safeguard.record_commissioning_decision(%s, %s, 'suspend_new_placements',
                          'The regulator''s view.')$$, :e_mon, f), '42501', NULL,
                 format('sg06_cc (the regulator) cannot record a commissioning decision for %s, even with INSERT: 42501', fname))
FROM (VALUES (:laa, 'A'), (:icb, 'the ICB')) AS v(f, fname);
RESET ROLE;
SET ROLE sg06_admin;
SELECT throws_ok(format($$SELECT safeguard.record_commissioning_decision(%s, %s, 'suspend_new_placements',
                          'The regulator''s view.')$$, :e_mon, f), '42501', NULL,
                 format('sg06_admin (the regulator) cannot record a commissioning decision for %s, even with INSERT: 42501', fname))
FROM (VALUES (:laa, 'A'), (:icb, 'the ICB')) AS v(f, fname);
RESET ROLE;
SET ROLE sg06_comm_b;
SELECT throws_ok(format($$SELECT safeguard.record_commissioning_decision(%s, %s, 'resume', 'x')$$, :e_mon, :laa),
                 '42501', NULL, 'B''s commissioner recording a decision for A: 42501');
RESET ROLE;
SET ROLE sg06_sam_a;
SELECT throws_ok(format($$SELECT safeguard.record_commissioning_decision(%s, %s, 'resume', 'x')$$, :e_mon, :laa),
                 '42501', NULL, 'a SAM recording a commissioning decision: 42501');
RESET ROLE;
SET ROLE sg06_prov_a;
SELECT throws_ok(format('SELECT safeguard.update_plan_item(%s, serious_delay => true)', :item_mon), '42501', NULL,
                 'provider A flagging a serious delay on its own item: 42501');
RESET ROLE;
SET ROLE sg06_eo_a2;
SELECT throws_ok(format($$SELECT safeguard.record_finding(%s, 'Unappointed.')$$, :e_ff), '42501', NULL,
                 'an enquiry officer of A not appointed to the enquiry recording a finding: 42501');
RESET ROLE;
SET ROLE sg06_sam_a;
SELECT throws_ok(format($$INSERT INTO safeguard.enquiry_finding (enquiry_id, finding) VALUES (%s, 'By the SAM.')$$, :e_ff),
                 '42501', NULL, 'a SAM recording a finding: 42501');
RESET ROLE;
SET ROLE sg06_la_a;
SELECT throws_ok(format($$SELECT safeguard.invoke_provider_enquiry(%s, 'major', 'x', override_rationale => 'x')$$, :e_prop),
                 '42501', NULL, 'an officer of A invoking: 42501 (the SAM or DSAM decides)');
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'initial', safeguard.now(),
                          fact_finding_working_days => 5)$$, :e_inv), '42501', NULL,
                 'an officer of A recording the initial meeting: 42501');
RESET ROLE;
SET ROLE sg06_eo_a;
SELECT throws_ok(format($$SELECT safeguard.start_quality_assurance(%s, 'x')$$, :e_mon), '42501', NULL,
                 'an enquiry officer starting quality assurance: 42501');
RESET ROLE;
SET ROLE sg06_sam_a;
SELECT throws_ok(format('SELECT safeguard.respond_to_plan(%s, %L)', :plan_mon, 'On the provider''s behalf.'), '42501', NULL,
                 'A''s SAM answering for the provider: 42501');
RESET ROLE;

-- After the error block nothing changed.
SELECT is((SELECT count(*) FROM safeguard.audit_event), :audit_before::bigint,
          'the refused statements wrote no audit row');
SELECT is((SELECT digest FROM pg_temp.sg06_snapshot),
          :'snapshot_before', 'every enquiry table, the deadlines and the audit trail are as before the error block');

-- What was refused for want of something now succeeds once it is supplied.
SET ROLE sg06_sam_a;
SELECT safeguard.record_enquiry_notification(:e_qa_p, 'cqc', '2024-06-03', 'secure_email', 'A/QP/2') AS x \gset
SELECT is(safeguard.close_provider_enquiry(:e_qa_p, 'Training records audited monthly.', safeguard.now(), 'SAB-2024-08'),
          'closed'::safeguard.enquiry_stage, 'with the letter to CQC on record, the enquiry closes');
SELECT is(safeguard.qa_not_sustained(:e_qa_c), 'monitoring'::safeguard.enquiry_stage,
          'QA not sustained returns the other enquiry to monitoring');
SELECT is(safeguard.start_quality_assurance(:e_qa_c, 'Second round: unannounced visits.'),
          'quality_assurance'::safeguard.enquiry_stage, 'and a second round of quality assurance starts');
SELECT is(safeguard.invoke_provider_enquiry(:e_prop, 'minor', 'Low-level concerns, taken together.',
                                            override_rationale => 'The list is not exhaustive: a pattern of low-level concerns.'),
          'invoked'::safeguard.enquiry_stage, 'with an override rationale, an enquiry meeting no criterion is invoked');
RESET ROLE;

--------------------------------------------------------------------------
-- 4. Deadlines: A's policy shortens the initial meeting of a major-risk
-- enquiry to 2 working days; a moderate one keeps the default 5.
--------------------------------------------------------------------------
SET ROLE sg06_admin;
SELECT lives_ok(format($$INSERT INTO safeguard.deadline_policy (organisation_id, effective_from, description)
                         VALUES (%s, '2024-06-01', 'Council A: major-risk enquiries meet within 2 working days')$$, :laa),
                'an administrator adds a deadline policy for A');
SELECT id AS a_policy FROM safeguard.deadline_policy WHERE organisation_id = :laa \gset
SELECT lives_ok(format($$INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit)
                         VALUES (%s, 'initial_meeting_major', 2, 'working_days')$$, :a_policy),
                'with a rule: initial_meeting_major, 2 working days');
RESET ROLE;

-- T1: Monday 10 June 2024, 10:00 London.
SELECT safeguard.set_clock('2024-06-10 09:00+00') IS NOT NULL AS t1 \gset
SET ROLE sg06_sam_a;
SELECT safeguard.propose_provider_enquiry(:pa, :laa) AS e_major,
       safeguard.propose_provider_enquiry(:pa, :laa) AS e_moderate \gset
SELECT string_agg(concat_ws(',', safeguard.record_threshold(e, 'death', true, 'A resident died after a fall.'),
           safeguard.invoke_provider_enquiry(e, r, 'A death linked to the care given.')), ';') AS x
FROM (VALUES (:e_major, 'major'::safeguard.risk_level), (:e_moderate, 'moderate')) AS v(e, r) \gset
RESET ROLE;
SELECT results_eq(format($$SELECT d.kind, d.policy_id, o.due_at FROM safeguard.deadline d
                           JOIN safeguard.open_deadlines o ON o.id = d.id
                           WHERE d.subject_table = 'provider_enquiry' AND d.subject_id = %s$$, :e_major),
                  format($$VALUES ('initial_meeting_major'::text, %s::bigint, '2024-06-12 23:00+00'::timestamptz)$$, :a_policy),
                  'the major-risk enquiry''s initial meeting is due under A''s policy: end of Wednesday 12 June (2 working days)');
SELECT is((SELECT due_at FROM safeguard.open_deadlines
           WHERE subject_table = 'provider_enquiry' AND subject_id = :e_major),
          safeguard.working_deadline((SELECT decided_at FROM safeguard.provider_enquiry WHERE id = :e_major), 2),
          'that is 2 working days after the invocation, as the calendar engine counts');
SELECT results_eq(format($$SELECT d.kind, d.policy_id, o.due_at FROM safeguard.deadline d
                           JOIN safeguard.open_deadlines o ON o.id = d.id
                           WHERE d.subject_table = 'provider_enquiry' AND d.subject_id = %s$$, :e_moderate),
                  format($$VALUES ('initial_meeting'::text, %s::bigint, '2024-06-17 23:00+00'::timestamptz)$$, :shipped_policy),
                  'the moderate-risk enquiry''s stays at the default: end of Monday 17 June (5 working days)');

-- T2: Thursday 13 June, 10:00 London: too late for the major one, in time for the other.
SELECT safeguard.set_clock('2024-06-13 09:00+00') IS NOT NULL AS t2 \gset
SET ROLE sg06_sam_a;
SELECT lives_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'initial', safeguard.now(),
                         fact_finding_working_days => 10)$$, :e_major),
                'a late initial meeting is accepted');
SELECT lives_ok(format($$SELECT safeguard.record_enquiry_meeting(%s, 'initial', safeguard.now(),
                         fact_finding_working_days => 20)$$, :e_moderate),
                'the moderate-risk enquiry''s meeting is recorded');
RESET ROLE;
SELECT results_eq(format($$SELECT status::text, closed_at, due_at_close FROM safeguard.deadline
                           WHERE subject_table = 'provider_enquiry' AND subject_id = %s
                             AND kind = 'initial_meeting_major'$$, :e_major),
                  $$VALUES ('breached'::text, '2024-06-13 09:00+00'::timestamptz, '2024-06-12 23:00+00'::timestamptz)$$,
                  'the late meeting''s deadline is breached, judged against the shortened due instant');
SELECT results_eq(format($$SELECT status::text FROM safeguard.deadline
                           WHERE subject_table = 'provider_enquiry' AND subject_id = %s
                             AND kind = 'initial_meeting'$$, :e_moderate),
                  $$VALUES ('met'::text)$$, 'the moderate-risk enquiry''s initial meeting deadline is met');
SELECT results_eq(format($$SELECT id, stage::text FROM safeguard.provider_enquiry WHERE id IN (%s, %s) ORDER BY id$$,
                         :e_major, :e_moderate),
                  format($$VALUES (%s::bigint, 'fact_finding'::text), (%s, 'fact_finding')$$, :e_major, :e_moderate),
                  'both enquiries moved to fact finding');
SELECT results_eq(format($$SELECT amount, due_at FROM safeguard.open_deadlines
                           WHERE subject_table = 'provider_enquiry' AND subject_id = %s AND kind = 'fact_finding'$$, :e_major),
                  $$VALUES (10, '2024-06-27 23:00+00'::timestamptz)$$,
                  'the late meeting''s fact-finding timescale (10 working days) counts from the meeting');

SELECT results_eq(format($$SELECT status::text FROM safeguard.deadline
                           WHERE subject_table = 'provider_enquiry' AND subject_id = %s AND kind = 'quality_assurance'
                           ORDER BY id$$, :e_qa_c),
                  $$VALUES ('met'::text), ('open')$$,
                  'each round of quality assurance has its own deadline: the first met, the second open');

--------------------------------------------------------------------------
-- 5. Records after closure, future-dated letters, foreign meetings.
--------------------------------------------------------------------------
SET ROLE sg06_prov_a;
SELECT throws_ok(format('SELECT safeguard.respond_to_plan(%s, %L)', :plan_qa_p, 'After closure.'), 'SG305', NULL,
                 'a provider response to the plan of a closed enquiry: SG305');
RESET ROLE;
SET ROLE sg06_sam_a;
SELECT throws_ok(format('SELECT safeguard.add_meeting_attendee(%s, %s, %L)', :m_done, :cqc, 'Added after closure'),
                 'SG305', NULL, 'an attendee added to a meeting of a closed enquiry: SG305');
SELECT throws_ok(format($$SELECT safeguard.record_enquiry_notification(%s, 'cqc', '2031-01-01', 'letter', 'A/QC/9')$$,
                        :e_qa_c), 'SG211', NULL, 'a closure letter dated in the future: SG211');
RESET ROLE;
SET ROLE sg06_comm_a;
SELECT throws_ok(format($$SELECT safeguard.record_commissioning_decision(%s, %s, 'resume', 'At B''s meeting.', %s)$$,
                        :e_mon, :laa, :m_b), 'SG208', NULL,
                 'a commissioning decision on A''s enquiry citing a meeting of B''s enquiry: SG208');
RESET ROLE;

--------------------------------------------------------------------------
-- 6. Issue 14: the lead of an enquiry sees every deadline of it (item 18);
--    each enquiry keeps its own audit chain (item 5).
--------------------------------------------------------------------------
SELECT array_agg(d.id ORDER BY d.id) AS a_responses FROM safeguard.deadline d
JOIN safeguard.provider_enquiry e ON e.id = d.subject_id
WHERE d.subject_table = 'provider_enquiry' AND d.kind = 'provider_response' AND e.la_id = :laa \gset
SELECT ok(:'a_responses'::bigint[] IS NOT NULL,
          'A''s enquiries have provider_response deadlines (the provider must meet them)');
SET ROLE sg06_sam_a;
SELECT bag_eq(format($$SELECT d.id FROM safeguard.deadline d WHERE d.kind = 'provider_response'
                         AND d.id = ANY (%L::bigint[])$$, :'a_responses'),
              format($$SELECT unnest(%L::bigint[])$$, :'a_responses'),
              'the lead SAM of A sees every provider_response deadline of A''s enquiries');
SELECT lives_ok(format('SELECT count(*) FROM safeguard.deadline_alert WHERE deadline_id = ANY (%L::bigint[])',
                       :'a_responses'),
                'the lead SAM may read the alerts of those deadlines');
RESET ROLE;
SET ROLE sg06_sam_b;
SELECT is_empty(format($$SELECT d.id FROM safeguard.deadline d WHERE d.id = ANY (%L::bigint[])$$, :'a_responses'),
                'the SAM of B sees none of them');
RESET ROLE;
SELECT is_empty($$SELECT a.id FROM safeguard.audit_event a
                  WHERE a.table_name IN ('provider_enquiry', 'enquiry_location', 'enquiry_criterion',
                        'enquiry_appointment', 'enquiry_meeting', 'meeting_attendee', 'commissioning_decision',
                        'enquiry_finding', 'improvement_plan', 'plan_item', 'qa_activity', 'enquiry_notification')
                    AND a.chain_key NOT LIKE 'enquiry:%'$$,
                'every audit row of an enquiry''s records is in that enquiry''s own chain');
SELECT is_empty($$SELECT a.id FROM safeguard.audit_event a
                  JOIN safeguard.deadline d ON a.table_name = 'deadline' AND a.row_key = d.id::text
                  WHERE d.subject_table = 'provider_enquiry'
                    AND a.chain_key IS DISTINCT FROM 'enquiry:' || d.subject_id$$,
                'every audit row of an enquiry''s deadline is in that enquiry''s chain');
SELECT ok((SELECT count(DISTINCT a.chain_key) FROM safeguard.audit_event a WHERE a.chain_key LIKE 'enquiry:%')
          = (SELECT count(*) FROM safeguard.provider_enquiry),
          'one chain per enquiry');
SELECT is_empty('SELECT * FROM safeguard.verify_audit()', 'and the audit trail verifies');

SELECT * FROM finish();
ROLLBACK;
