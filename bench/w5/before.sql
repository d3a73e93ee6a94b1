-- bench/w5/before.sql: W5's comparator for the view issue 19 (target 2) changed:
-- report_indicators as it was before, its month computed as
-- date_trunc('month', local_date(received_at))::date, which is not leakproof, so that under
-- row-level security a month filter reads every concern.  It aggregates the shipped
-- report_indicator_events exactly as report_indicators does, grouping by the old expression
-- instead of the events' month column (the same value): a filter on month then reaches the
-- concern scan as the old expression, as it did.  bench/w5.sh creates it in schema
-- sg_w5_before, security_invoker as the original, readable by the reader duty, times it beside
-- the shipped view in the same run and checks that both give the same rows.
SET client_min_messages = warning;
CREATE SCHEMA sg_w5_before;
GRANT USAGE ON SCHEMA sg_w5_before TO safeguard_reader, safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE VIEW sg_w5_before.report_indicators WITH (security_invoker = true) AS
SELECT m.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order,
       pg_catalog.count(*) AS measured,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.count(*) FILTER (WHERE NOT e.in_time) AS out_of_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct
FROM safeguard.report_indicator_events e
CROSS JOIN LATERAL (SELECT pg_catalog.date_trunc('month', safeguard.local_date(e.received_at))::date AS month) m
GROUP BY m.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order;
GRANT SELECT ON sg_w5_before.report_indicators TO safeguard_reader;

-- sac_return as it was before issue 19 made it read the reporting year through indexes: every
-- concern, and every referral decided with an enquiry, read and then tested by the local date
-- of its instant (local_date() is not leakproof: under row-level security no index serves it).
-- Timed beside the shipped function and checked to give exactly its rows (bench/w5.sh, pgTAP
-- 29 as every role).
CREATE FUNCTION sg_w5_before.sac_return(year integer, disclosure_control boolean DEFAULT false,
                                     la_id bigint DEFAULT NULL)
RETURNS TABLE ("LA_ID" bigint, "CASSR_CODE" text, "ONS_CODE" text,
               "TABLE_REFERENCE" text, "ENQUIRY_TYPE" text, "CATEGORY" text, "SUBCATEGORY" text,
               "COLUMN_NAME" text, "ROW_NAME" text, "VALUE" bigint)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
WITH period AS (SELECT safeguard.sac_year(sac_return.year) AS p),
authority AS (
    SELECT o.id, o.cassr_code, o.ons_code FROM safeguard.organisation o
    WHERE o.kind OPERATOR(pg_catalog.=) 'local_authority' AND safeguard.may_report_on(o.id)
      AND (sac_return.la_id IS NULL OR o.id OPERATOR(pg_catalog.=) sac_return.la_id)
),
-- Concerns that reached the authority in the year: logged by its own
-- staff (date received) or referred to it by the regulator (date sent).
concerns AS (
    SELECT coalesce(r.la_id, x.la_id) AS la, x.id, x.received_at, k.adult_pseudonym,
           x.adult_age_band, x.adult_gender::text AS gender,
           safeguard.sac_ethnic_group(x.adult_ethnicity) AS ethnic_group,
           safeguard.sac_support_group(x.adult_primary_support_reason) AS support_reason, x.adult_autism
    FROM safeguard.concern x
    LEFT JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
    LEFT JOIN safeguard.referral r ON r.concern_id OPERATOR(pg_catalog.=) x.id
    CROSS JOIN period
    WHERE safeguard.may_report_on(coalesce(r.la_id, x.la_id))
      AND (sac_return.la_id IS NULL OR coalesce(r.la_id, x.la_id) OPERATOR(pg_catalog.=) sac_return.la_id)
      AND CASE WHEN x.logged_org_id OPERATOR(pg_catalog.=) x.la_id
               THEN safeguard.local_date(x.received_at) OPERATOR(pg_catalog.<@) period.p
               ELSE r.sent_at IS NOT NULL AND safeguard.local_date(r.sent_at) OPERATOR(pg_catalog.<@) period.p END
      -- a referral that arrived as the authority's concern is counted once, as the referral
      AND x.referral_id IS NULL
),
-- Enquiries commenced (decided) or concluded in the year, from both pathways:
-- the LA-side decision and outcome of the regulator's referrals, and the
-- council's own enquiries (la_enquiry: decided_at, concluded_at, and the SAC
-- outcome the enquiry recorded).  A concern has a referral's decision or its
-- authority's own, never both (SG214), so each enquiry counts once; one that
-- did appear in both would count once, as the council's.  An adult with
-- enquiries in both pathways is one individual per enquiry type (SG1a-SG1c).
council AS (SELECT * FROM safeguard.council_enquiries()),
enquiry_rows AS (
    SELECT r.la_id AS la, r.la_decision AS kind, r.decided_at, r.outcome_at AS concluded_at, r.concern_id,
           x.risk_types, x.risk_location, x.source_of_risk, r.action_result, r.risk_outcome,
           r.lacked_capacity, r.advocate_supported AS advocate, r.msp_asked, r.msp_achieved
    FROM safeguard.referral r
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
    WHERE r.la_decision OPERATOR(pg_catalog.=) ANY ('{section_42_enquiry,other_enquiry}'::safeguard.la_decision[])
      AND NOT EXISTS (SELECT 1 FROM council e WHERE e.concern_id OPERATOR(pg_catalog.=) r.concern_id)
      -- a referral that arrived as the council's concern: its enquiry is an la_enquiry
      AND NOT EXISTS (SELECT 1 FROM safeguard.concern a WHERE a.referral_id OPERATOR(pg_catalog.=) r.id)
    UNION ALL
    SELECT e.la_id, e.kind, e.decided_at, e.concluded_at, e.concern_id, e.risk_types, e.risk_location,
           e.source_of_risk, e.action_result, e.risk_outcome, e.lacked_capacity, e.advocate_arranged,
           e.msp_asked, e.msp_achieved
    FROM council e
),
enquiries AS (
    SELECT n.la,
           CASE n.kind WHEN 'section_42_enquiry' THEN 'Section 42 Enquiries' ELSE 'Other Enquiries' END AS enquiry_type,
           safeguard.local_date(n.decided_at) OPERATOR(pg_catalog.<@) period.p AS commenced,
           n.kind OPERATOR(pg_catalog.=) 'section_42_enquiry' AND n.concluded_at IS NOT NULL
               AND safeguard.local_date(n.concluded_at) OPERATOR(pg_catalog.<@) period.p AS concluded_s42,
           x.id, x.received_at, k.adult_pseudonym, x.adult_age_band, x.adult_gender::text AS gender,
           safeguard.sac_ethnic_group(x.adult_ethnicity) AS ethnic_group,
           safeguard.sac_support_group(x.adult_primary_support_reason) AS support_reason, x.adult_autism,
           n.risk_types, n.risk_location::text AS risk_location, n.source_of_risk::text AS source_of_risk,
           n.action_result::text AS action_result, n.risk_outcome::text AS risk_outcome,
           coalesce(n.lacked_capacity::text, 'Not recorded') AS capacity,
           n.lacked_capacity OPERATOR(pg_catalog.=) 'Yes, they lacked capacity' AND n.advocate AS advocate,
           -- the enum's labels, as NHS Digital's template spells them
           CASE n.msp_asked WHEN 'Yes, they were asked and outcomes were expressed'
                                THEN 'Yes they were asked and outcomes were expressed'
                            WHEN 'Yes, they were asked but no outcomes were expressed'
                                THEN 'Yes they were asked but no outcomes were expressed'
                            WHEN 'No' THEN 'No' WHEN 'Don''t know' THEN 'Don''t Know'
                            ELSE 'Not Recorded' END AS msp_asked,
           CASE WHEN n.msp_asked OPERATOR(pg_catalog.=) 'Yes, they were asked and outcomes were expressed'
                THEN n.msp_achieved::text END AS msp_achieved
    FROM enquiry_rows n
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) n.concern_id
    LEFT JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
    CROSS JOIN period
    WHERE safeguard.may_report_on(n.la)
      AND (sac_return.la_id IS NULL OR n.la OPERATOR(pg_catalog.=) sac_return.la_id)
),
-- SG1: each concern and each enquiry commenced, as a case; the adult
-- (by pseudonym; an unidentified adult is one per concern) as an individual.
cases AS (
    SELECT c.la, 'Safeguarding Concerns'::text AS e, 'Total Number of Safeguarding Concerns'::text AS total,
           coalesce(c.adult_pseudonym, 'concern:' OPERATOR(pg_catalog.||) c.id::text) AS individual,
           c.id, c.received_at, c.adult_age_band, c.gender, c.ethnic_group, c.support_reason, c.adult_autism
    FROM concerns c
    UNION ALL
    SELECT n.la, n.enquiry_type,
           CASE n.enquiry_type WHEN 'Section 42 Enquiries' THEN 'Total Number of Section 42 Safeguarding Enquiries'
                ELSE 'Total Number of Other Safeguarding Enquiries' END,
           coalesce(n.adult_pseudonym, 'concern:' OPERATOR(pg_catalog.||) n.id::text),
           n.id, n.received_at, n.adult_age_band, n.gender, n.ethnic_group, n.support_reason, n.adult_autism
    FROM enquiries n WHERE n.commenced
),
-- An individual counts once in SG1a-SG1c, as the latest of its cases records the adult.
individuals AS (
    SELECT DISTINCT ON (c.la, c.e, c.individual) c.la, c.e, c.adult_age_band, c.gender, c.ethnic_group
    FROM cases c
    ORDER BY c.la, c.e, c.individual, c.received_at DESC, c.id DESC
),
-- One row per count: (authority, table, enquiry type, category, subcategory).
facts AS (
    SELECT i.la, v.t, i.e, v.category, ''::text AS subcategory
    FROM individuals i CROSS JOIN LATERAL (VALUES
        ('SG1a', CASE WHEN i.adult_age_band OPERATOR(pg_catalog.=) 'Not Known' THEN 'Age Unknown'
                      ELSE i.adult_age_band END),
        ('SG1b', i.gender), ('SG1c', i.ethnic_group)) v(t, category)
    UNION ALL
    SELECT c.la, v.t, c.e, v.category, ''
    FROM cases c CROSS JOIN LATERAL (VALUES
        ('SG1d', c.support_reason),
        ('SG1e', CASE c.adult_autism
                     WHEN 'Autism (excluding Asperger''s Syndrome)'
                         THEN 'Learning, Developmental or Intellectual Disability (Autism excluding Asperger''s Syndrome/ High Functioning Autism)'
                     WHEN 'Asperger''s Syndrome / High Functioning Autism'
                         THEN 'Learning, Developmental or Intellectual Disability (Asperger''s Syndrome/ High Functioning Autism)' END),
        ('SG1f', c.total)) v(t, category)
    WHERE v.category IS NOT NULL
    UNION ALL
    -- SG2: a concluded enquiry counts once under each of its types of risk.
    SELECT n.la, 'SG2a', 'Concluded Section 42 Enquiries', rt::text, n.source_of_risk
    FROM enquiries n CROSS JOIN LATERAL pg_catalog.unnest(n.risk_types) rt
    WHERE n.concluded_s42 AND n.source_of_risk IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2a_b1', 'Concluded Section 42 Enquiries', rt::text, n.risk_location
    FROM enquiries n CROSS JOIN LATERAL pg_catalog.unnest(n.risk_types) rt
    WHERE n.concluded_s42 AND n.risk_location IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2b', 'Concluded Section 42 Enquiries', n.risk_location, n.source_of_risk
    FROM enquiries n WHERE n.concluded_s42 AND n.risk_location IS NOT NULL AND n.source_of_risk IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2c', 'Concluded Section 42 Enquiries', n.action_result, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.action_result IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2e', 'Concluded Section 42 Enquiries', n.risk_outcome, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.risk_outcome IS NOT NULL AND n.action_result OPERATOR(pg_catalog.=) ANY
        ('{Risk identified and action taken,Risk Assessment inconclusive and action taken}'::text[])
    UNION ALL
    SELECT n.la, 'SG3a', 'Concluded Section 42 Enquiries', n.capacity, ''
    FROM enquiries n WHERE n.concluded_s42
    UNION ALL
    SELECT n.la, 'SG3a', 'Concluded Section 42 Enquiries',
           'Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend', ''
    FROM enquiries n WHERE n.concluded_s42 AND n.advocate
    UNION ALL
    SELECT n.la, 'SG4a', 'Concluded Section 42 Enquiries', n.msp_asked, ''
    FROM enquiries n WHERE n.concluded_s42
    UNION ALL
    SELECT n.la, 'SG4a', 'Concluded Section 42 Enquiries', n.msp_achieved, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.msp_achieved IS NOT NULL
),
counted AS (
    SELECT f.la, f.t, f.e, f.category, f.subcategory, pg_catalog.count(*) AS n
    FROM facts f GROUP BY f.la, f.t, f.e, f.category, f.subcategory
    UNION ALL
    -- SG5: Safeguarding Adults Reviews completed in the year (counted by safeguard)
    SELECT g.la_id, g.table_reference,
           CASE g.table_reference WHEN 'SG5a' THEN 'Count of Safeguarding Adult Reviews'
                ELSE 'Count of Individuals Involved in Safeguarding Adult Reviews' END,
           g.category, '', g.n
    FROM safeguard.sac_sg5_cells(sac_return.year) g
)
SELECT a.id, a.cassr_code, a.ons_code, s.table_reference, s.enquiry_type, s.category, s.subcategory,
       s.column_name, s.row_name,
       CASE WHEN sac_return.disclosure_control THEN safeguard.sac_disclose(coalesce(n.n, 0))
            ELSE coalesce(n.n, 0) END
FROM authority a
CROSS JOIN safeguard.sac_template s
LEFT JOIN counted n ON n.la OPERATOR(pg_catalog.=) a.id AND n.t OPERATOR(pg_catalog.=) s.table_reference
     AND n.e OPERATOR(pg_catalog.=) s.enquiry_type AND n.category OPERATOR(pg_catalog.=) s.category
     AND n.subcategory OPERATOR(pg_catalog.=) s.subcategory
ORDER BY a.cassr_code COLLATE "C" NULLS LAST, a.id, s.cell_number
$$;
GRANT EXECUTE ON FUNCTION sg_w5_before.sac_return(integer, boolean, bigint) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
    safeguard_sam;

-- report_unallocated as it was before issue 19 bounded its council pathway: every council
-- enquiry ever decided read through council_enquiries(), the closed ones then dropped (pgTAP
-- 32 checks the shipped view gives exactly its rows, for every role).
CREATE VIEW sg_w5_before.report_unallocated WITH (security_invoker = true) AS
WITH work AS (
    SELECT r.la_id, 'referral'::text AS pathway, NULL::text AS team,
           r.allocated_to IS NOT NULL AS allocated, r.sent_at AS since
    FROM safeguard.referral r
    WHERE r.state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided,outcome_recorded}'::safeguard.referral_state[])
      -- a referral that arrived as the council's concern is the council's work once decided
      AND NOT EXISTS (SELECT 1 FROM safeguard.concern a WHERE a.referral_id OPERATOR(pg_catalog.=) r.id)
    UNION ALL
    SELECT e.la_id, 'council_enquiry', coalesce(e.decided_team, 'No team recorded'),
           e.state OPERATOR(pg_catalog.<>) 'decided'::safeguard.la_enquiry_state, e.decided_at
    FROM safeguard.council_enquiries() e
    WHERE e.state OPERATOR(pg_catalog.<>) 'closed'::safeguard.la_enquiry_state
), aged AS (
    SELECT w.la_id, o.name AS local_authority, w.pathway, w.team, w.allocated,
           safeguard.working_days_since(w.since, o.division) AS age
    FROM work w
    JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) w.la_id
)
SELECT a.la_id, a.local_authority,
       pg_catalog.count(*) AS with_la,
       pg_catalog.count(*) FILTER (WHERE a.allocated) AS allocated,
       pg_catalog.count(*) FILTER (WHERE NOT a.allocated) AS unallocated,
       pg_catalog.max(a.age) FILTER (WHERE NOT a.allocated) AS oldest_unallocated_working_days,
       (pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY a.age::double precision)
           FILTER (WHERE NOT a.allocated))::numeric AS median_unallocated_working_days,
       pg_catalog.count(*) FILTER (WHERE NOT a.allocated AND a.age OPERATOR(pg_catalog.>) 20)
           AS unallocated_over_20_working_days,
       a.pathway, a.team
FROM aged a
GROUP BY a.la_id, a.local_authority, a.pathway, a.team;
GRANT SELECT ON sg_w5_before.report_unallocated TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- report_repeat_concerns as it was before issue 19 gave it a period: its window functions over
-- every concern the caller may see, a received_at filter applied after them (pgTAP 35 checks
-- that safeguard.repeat_concerns(from, to) gives exactly its rows in [from, to), for every role).
CREATE VIEW sg_w5_before.report_repeat_concerns WITH (security_invoker = true) AS
WITH c AS (
    SELECT x.id AS concern_id, x.la_id, x.received_at, x.provider_location_id, k.adult_pseudonym
    FROM safeguard.concern x
    JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
), by_subject AS (
    SELECT 'adult'::text AS repeat_of, c.concern_id, c.la_id, c.received_at, c.adult_pseudonym,
           NULL::bigint AS provider_location_id,
           pg_catalog.lag(c.concern_id) OVER w AS previous_concern_id,
           pg_catalog.lag(c.received_at) OVER w AS previous_received_at,
           pg_catalog.count(*) OVER (PARTITION BY c.adult_pseudonym ORDER BY c.received_at
               RANGE BETWEEN '12 months'::interval PRECEDING AND CURRENT ROW) AS concerns_in_12_months
    FROM c WHERE c.adult_pseudonym IS NOT NULL
    WINDOW w AS (PARTITION BY c.adult_pseudonym ORDER BY c.received_at, c.concern_id)
    UNION ALL
    SELECT 'provider_location', c.concern_id, c.la_id, c.received_at, NULL, c.provider_location_id,
           pg_catalog.lag(c.concern_id) OVER w,
           pg_catalog.lag(c.received_at) OVER w,
           pg_catalog.count(*) OVER (PARTITION BY c.provider_location_id ORDER BY c.received_at
               RANGE BETWEEN '12 months'::interval PRECEDING AND CURRENT ROW)
    FROM c WHERE c.provider_location_id IS NOT NULL
    WINDOW w AS (PARTITION BY c.provider_location_id ORDER BY c.received_at, c.concern_id)
)
SELECT s.repeat_of, s.concern_id, s.la_id, o.name AS local_authority, s.adult_pseudonym,
       s.provider_location_id, l.name AS provider_location, s.received_at,
       s.previous_concern_id, s.previous_received_at,
       safeguard.local_date(s.received_at) OPERATOR(pg_catalog.-) safeguard.local_date(s.previous_received_at)
           AS days_since_previous,
       s.concerns_in_12_months
FROM by_subject s
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) s.la_id
LEFT JOIN safeguard.organisation l ON l.id OPERATOR(pg_catalog.=) s.provider_location_id
WHERE s.previous_received_at OPERATOR(pg_catalog.>=) (s.received_at OPERATOR(pg_catalog.-) '12 months'::interval);
GRANT SELECT ON sg_w5_before.report_repeat_concerns TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- report_data_quality as it was before issue 19 gave it a period: every concern, triage and
-- referral ever written (pgTAP 35 checks that safeguard.data_quality(NULL, NULL) gives exactly
-- its rows, for every role).
CREATE VIEW sg_w5_before.report_data_quality WITH (security_invoker = true) AS
WITH checks AS (
    SELECT x.la_id, q.check_name, q.must_be_zero, q.failing
    FROM safeguard.concern x
    CROSS JOIN LATERAL (VALUES
        ('concern: risk location missing', false, x.risk_location IS NULL),
        ('concern: source of risk missing', false, x.source_of_risk IS NULL),
        ('concern: gender not known', false, x.adult_gender OPERATOR(pg_catalog.=) 'Not Known'),
        ('concern: age not known', false, x.adult_age_band OPERATOR(pg_catalog.=) 'Not Known'),
        ('concern: ethnicity missing', false, x.adult_ethnicity IS NULL),
        ('concern: primary support reason missing', false, x.adult_primary_support_reason IS NULL),
        ('concern: adult not identified by NHS number', false,
            x.adult_identified_by OPERATOR(pg_catalog.<>) 'nhs_number'),
        ('concern: invalid NHS number', true, x.adult_identified_by OPERATOR(pg_catalog.=) 'invalid_nhs_number'),
        ('concern: referrer neither identified nor anonymous', true,
            NOT x.referrer_anonymous AND NOT x.referrer_identified)
    ) AS q(check_name, must_be_zero, failing)
    UNION ALL
    SELECT t.la_id, 'triage: decision without rationale', true, NOT t.rationale_recorded
    FROM safeguard.triage t
    UNION ALL
    SELECT r.la_id, q.check_name, q.must_be_zero, q.failing
    FROM safeguard.referral r
    CROSS JOIN LATERAL (VALUES
        ('referral: decision without rationale', true, NOT r.decision_rationale_recorded),
        ('referral: withdrawal without rationale', true, NOT r.withdrawal_rationale_recorded),
        ('enquiry concluded: capacity not recorded', false,
            CASE WHEN r.la_decision OPERATOR(pg_catalog.<>) 'no_enquiry' AND r.outcome_at IS NOT NULL
                 THEN r.lacked_capacity IS NULL END),
        ('enquiry concluded: Making Safeguarding Personal not recorded', false,
            CASE WHEN r.la_decision OPERATOR(pg_catalog.<>) 'no_enquiry' AND r.outcome_at IS NOT NULL
                 THEN r.msp_asked IS NULL END)
    ) AS q(check_name, must_be_zero, failing)
    WHERE q.failing IS NOT NULL
)
SELECT c.la_id, o.name AS local_authority, c.check_name, c.must_be_zero,
       pg_catalog.count(*) AS records_checked,
       pg_catalog.count(*) FILTER (WHERE c.failing) AS failing,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE c.failing)
           OPERATOR(pg_catalog./) pg_catalog.count(*), 1) AS failing_pct
FROM checks c
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) c.la_id
GROUP BY c.la_id, o.name, c.check_name, c.must_be_zero;
GRANT SELECT ON sg_w5_before.report_data_quality TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;
