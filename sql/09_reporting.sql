-- Reports and the statutory return, checked against figures computed
-- independently from the generator's plan.
--
-- The seeded generator (test/generator/generator.sql) drives the real
-- workflow through 2024-10 to 2026-01 for three local authorities (one in
-- Scotland's bank-holiday division), and keeps its intent in sg_gen.plan.
-- This test computes what every report must show from that plan alone:
-- working days by walking the calendar day by day, deadlines by counting
-- forward from the anchor, SAC age bands with PostgreSQL's age(), and
-- compares each view (and sac_return) with it, in both directions.  Each
-- comparison prints the number of disagreeing rows: all must be 0.  A few
-- headline figures are printed too, so a change in the generator shows.
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET IntervalStyle = 'postgres';
SET client_min_messages = warning;

\set ECHO none
\i test/generator/generator.sql
\set ECHO all
SELECT sg_gen.setup();
SELECT sg_gen.plan(20251, 400, '2024-10-01', '2026-01-30') AS planned;
SELECT sg_gen.execute('2026-01-15 12:00+00') AS steps_replayed;
SELECT id AS la1 FROM safeguard.organisation WHERE code = 'GEN-LA1' \gset
-- The reports are read at the generator's as-of instant.
SELECT safeguard.now() AS as_of;

--------------------------------------------------------------------------
-- The oracle: independent calendar arithmetic, day by day.
--------------------------------------------------------------------------
CREATE SCHEMA r09;
CREATE FUNCTION r09.local(t timestamptz) RETURNS date LANGUAGE sql IMMUTABLE
    AS $$ SELECT (t AT TIME ZONE 'Europe/London')::date $$;
CREATE FUNCTION r09.working(d date, div text) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT extract(isodow FROM d) < 6
                 AND NOT EXISTS (SELECT 1 FROM safeguard.bank_holiday h WHERE h.division = div AND h.day = d) $$;
-- working days w with a < w <= b
CREATE FUNCTION r09.between(a date, b date, div text) RETURNS integer LANGUAGE sql STABLE
    AS $$ SELECT count(*)::int FROM generate_series(a + 1, b, interval '1 day') g
          WHERE r09.working(g::date, div) $$;
-- the last day of a deadline of n working days: day 0 is the anchor's day,
-- or the next working day when the anchor falls on a non-working day
CREATE FUNCTION r09.due(anchor date, n integer, div text) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
    d date := anchor;
BEGIN
    WHILE NOT r09.working(d, div) LOOP d := d + 1; END LOOP;
    FOR i IN 1..n LOOP
        d := d + 1;
        WHILE NOT r09.working(d, div) LOOP d := d + 1; END LOOP;
    END LOOP;
    RETURN d;
END $$;
-- The regression database holds the other tests' casework too: compare the generator's authorities.
CREATE FUNCTION r09.gen(la bigint) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT la IN (SELECT id FROM safeguard.organisation WHERE code LIKE 'GEN-LA%') $$;
CREATE FUNCTION r09.band(dob date, on_day date) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN dob IS NULL THEN 'Not Known'
                WHEN extract(year FROM age(on_day, dob)) < 65 THEN '18-64'
                WHEN extract(year FROM age(on_day, dob)) < 75 THEN '65-74'
                WHEN extract(year FROM age(on_day, dob)) < 85 THEN '75-84'
                WHEN extract(year FROM age(on_day, dob)) < 95 THEN '85-94'
                ELSE '95+' END $$;

-- What happened by the as-of instant, per concern, from the plan.
CREATE TABLE r09.fact AS
SELECT p.*, o.id AS la_id, o.division AS la_division,
       p.triage_at < safeguard.now() AS was_triaged,
       CASE WHEN p.triage_at < safeguard.now() THEN p.team ELSE 'No team recorded' END AS report_team,
       CASE WHEN p.logged_by_la THEN o.division ELSE 'england-and-wales' END AS triage_division,
       p.sent_at + interval '10 minutes' < safeguard.now() AS was_sent,
       p.ack_at < safeguard.now() AS was_acknowledged,
       p.allocate_at < safeguard.now() AS was_allocated,
       p.decide_at < safeguard.now() AS was_decided,
       p.outcome_at < safeguard.now() AS was_concluded,
       p.close_at < safeguard.now() AS was_closed,
       -- each person is reported by NHS number or by name and birth date, or not identifiable
       CASE WHEN p.nhs_number IS NOT NULL OR p.date_of_birth IS NOT NULL THEN p.person END AS known_person
FROM sg_gen.plan p JOIN safeguard.organisation o ON o.code = p.la_code
WHERE p.concern_id IS NOT NULL;
SELECT count(*) AS concerns, count(*) FILTER (WHERE was_sent) AS sent,
       count(*) FILTER (WHERE was_concluded) AS concluded, count(*) FILTER (WHERE was_closed) AS closed
FROM r09.fact;

-- Expected indicator events: one row per concern and stage reached.
CREATE TABLE r09.event AS
SELECT f.concern_id, date_trunc('month', r09.local(f.received_at))::date AS month, f.la_id, f.report_team AS team,
       f.source, s.stage, s.at,
       r09.between(r09.local(f.received_at), r09.local(s.at), f.la_division) AS working_days,
       s.in_time
FROM r09.fact f
CROSS JOIN LATERAL (VALUES
    ('received', f.received_at, NULL::boolean),
    ('triage', CASE WHEN f.was_triaged THEN f.triage_at END,
        r09.local(f.triage_at) <= r09.due(r09.local(f.received_at), 1, f.triage_division)),
    ('referral_sent', CASE WHEN f.was_sent THEN f.sent_at END,
        CASE WHEN f.immediate THEN f.sent_at <= f.triage_at + interval '4 hours'
             ELSE r09.local(f.sent_at) <= r09.due(r09.local(f.triage_at), 1, 'england-and-wales') END),
    ('la_decision', CASE WHEN f.was_decided THEN f.decide_at END, NULL),
    ('outcome', CASE WHEN f.was_concluded THEN f.outcome_at END,
        r09.local(f.outcome_at) <= r09.due(r09.local(f.sent_at), 20, f.la_division)),
    ('closure', CASE WHEN f.was_closed THEN f.close_at END,
        CASE WHEN NOT f.anonymous
             THEN r09.local(f.close_at) <= r09.due(r09.local(f.outcome_at), 5, f.la_division) END)
) AS s(stage, at, in_time)
WHERE s.at IS NOT NULL;

-- Compares two queries both ways; prints rows only one side has.
CREATE FUNCTION r09.disagreements(actual text, expected text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM ((%1$s EXCEPT ALL %2$s) UNION ALL (%2$s EXCEPT ALL %1$s)) d',
                   actual, expected) INTO n;
    RETURN n;
END $$;

--------------------------------------------------------------------------
-- Core indicators
--------------------------------------------------------------------------
SELECT r09.disagreements(
    'SELECT concern_id, month, la_id, team, source::text, stage, reached_at, working_days, in_time
       FROM safeguard.report_indicator_events WHERE r09.gen(la_id)',
    'SELECT concern_id, month, la_id, team, source::text, stage, at, working_days, in_time FROM r09.event')
    AS indicator_event_disagreements;
SELECT r09.disagreements(
    'SELECT month, la_id, team, source::text, stage, measured, median_working_days, in_time, out_of_time, in_time_pct
       FROM safeguard.report_indicators WHERE r09.gen(la_id)',
    'SELECT month, la_id, team, source::text, stage, count(*),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY working_days)::numeric,
            count(*) FILTER (WHERE in_time), count(*) FILTER (WHERE NOT in_time),
            round(100.0 * count(*) FILTER (WHERE in_time) / nullif(count(in_time), 0), 1)
       FROM r09.event GROUP BY 1, 2, 3, 4, 5') AS indicator_disagreements;
-- The headline over the last 12 months, as LA1's reader sees it (report_kpi has no
-- authority column: row-level security scopes it).
GRANT USAGE ON SCHEMA r09 TO PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA r09 TO PUBLIC;
SET ROLE gen_reader_la1;
SELECT r09.disagreements(
    'SELECT indicator, measured, in_time, in_time_pct, median_working_days FROM safeguard.report_kpi',
    'SELECT stage, count(*), count(*) FILTER (WHERE in_time),
            round(100.0 * count(*) FILTER (WHERE in_time) / nullif(count(in_time), 0), 1),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY working_days)::numeric
       FROM r09.event e JOIN safeguard.organisation o ON o.id = e.la_id
      WHERE o.code = ''GEN-LA1'' AND month >= date ''2025-02-01'' GROUP BY stage') AS kpi_disagreements;
SELECT * FROM safeguard.report_kpi;
RESET ROLE;
-- Both sides of every timed stage are represented.
SELECT stage, count(*) FILTER (WHERE in_time) > 0 AS some_in_time,
       count(*) FILTER (WHERE NOT in_time) > 0 AS some_late
FROM r09.event WHERE stage IN ('triage', 'referral_sent', 'outcome', 'closure') GROUP BY stage ORDER BY stage;
-- Teams come from the grant of whoever triaged.
SELECT team, sum(measured) AS concerns FROM safeguard.report_indicators WHERE stage = 'received' AND r09.gen(la_id)
GROUP BY team ORDER BY team;

--------------------------------------------------------------------------
-- Queues: the send queue, the chase list, the unallocated caseload, feedback
--------------------------------------------------------------------------
SELECT r09.disagreements(
    'SELECT referral_id, la_id, immediate_risk, age_working_days, overdue FROM safeguard.report_send_queue WHERE r09.gen(la_id)',
    'SELECT referral_id, la_id, immediate, r09.between(r09.local(triage_at), r09.local(safeguard.now()), la_division),
            CASE WHEN immediate THEN triage_at + interval ''4 hours'' < safeguard.now()
                 ELSE r09.local(safeguard.now()) > r09.due(r09.local(triage_at), 1, ''england-and-wales'') END
       FROM r09.fact WHERE was_triaged AND decision = ''refer_to_la'' AND NOT was_sent') AS send_queue_disagreements;
SELECT count(*) AS waiting_to_be_sent FROM safeguard.report_send_queue WHERE r09.gen(la_id);

SELECT r09.disagreements(
    'SELECT referral_id, la_id, state::text, age_working_days, outcome_overdue, escalation_overdue, chase_state,
            named_contact, senior_contact_name
       FROM safeguard.report_la_outcomes_outstanding WHERE r09.gen(la_id)',
    'SELECT f.referral_id, f.la_id,
            CASE WHEN f.was_decided THEN ''decided'' WHEN f.was_acknowledged THEN ''acknowledged'' ELSE ''sent'' END,
            r09.between(r09.local(f.sent_at), r09.local(safeguard.now()), f.la_division),
            r09.local(safeguard.now()) > r09.due(r09.local(f.sent_at), 20, f.la_division),
            r09.local(safeguard.now()) > r09.due(r09.local(f.sent_at), 40, f.la_division),
            CASE WHEN r09.local(safeguard.now()) > r09.due(r09.local(f.sent_at), 40, f.la_division) THEN ''escalated''
                 WHEN r09.local(safeguard.now()) > r09.due(r09.local(f.sent_at), 20, f.la_division) THEN ''chase''
                 ELSE ''awaiting'' END,
            ''Duty desk '' || f.la_code, o.senior_contact_name
       FROM r09.fact f JOIN safeguard.organisation o ON o.id = f.la_id
      WHERE f.was_sent AND NOT f.was_concluded') AS chase_list_disagreements;
SELECT chase_state, count(*) FROM safeguard.report_la_outcomes_outstanding WHERE r09.gen(la_id) GROUP BY 1 ORDER BY 1;

SELECT r09.disagreements(
    'SELECT la_id, with_la, allocated, unallocated, oldest_unallocated_working_days,
            median_unallocated_working_days, unallocated_over_20_working_days FROM safeguard.report_unallocated
      WHERE r09.gen(la_id)',
    'SELECT la_id, count(*), count(*) FILTER (WHERE allocated_flag), count(*) FILTER (WHERE NOT allocated_flag),
            max(age) FILTER (WHERE NOT allocated_flag),
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY age) FILTER (WHERE NOT allocated_flag))::numeric,
            count(*) FILTER (WHERE NOT allocated_flag AND age > 20)
       FROM (SELECT f.*, coalesce(f.was_allocated, false) AS allocated_flag,
                    r09.between(r09.local(f.sent_at), r09.local(safeguard.now()), f.la_division) AS age
               FROM r09.fact f WHERE f.was_sent AND NOT coalesce(f.was_closed, false)) w
      GROUP BY la_id') AS unallocated_disagreements;
SELECT local_authority, with_la, allocated, unallocated FROM safeguard.report_unallocated WHERE r09.gen(la_id) ORDER BY 1;

SELECT r09.disagreements(
    'SELECT referral_id, la_id, source::text, referrer_anonymous, status FROM safeguard.report_feedback WHERE r09.gen(la_id)',
    'SELECT referral_id, la_id, source::text, anonymous,
            CASE WHEN was_closed AND anonymous THEN ''waived''
                 WHEN was_closed THEN CASE WHEN r09.local(close_at) <= r09.due(r09.local(outcome_at), 5, la_division)
                                           THEN ''done'' ELSE ''done_late'' END
                 WHEN r09.local(safeguard.now()) > r09.due(r09.local(outcome_at), 5, la_division) THEN ''overdue''
                 ELSE ''due'' END
       FROM r09.fact WHERE was_concluded') AS feedback_disagreements;
SELECT status, count(*) FROM safeguard.report_feedback WHERE r09.gen(la_id) GROUP BY 1 ORDER BY 1;

--------------------------------------------------------------------------
-- Repeat concerns: same adult or same location within 12 months
--------------------------------------------------------------------------
CREATE TABLE r09.subject AS
SELECT 'adult' AS repeat_of, concern_id, received_at, known_person::text AS subject FROM r09.fact WHERE known_person IS NOT NULL
UNION ALL
SELECT 'provider_location', concern_id, received_at, location_code FROM r09.fact WHERE location_code IS NOT NULL;
SELECT r09.disagreements(
    'SELECT repeat_of, concern_id, previous_concern_id, concerns_in_12_months FROM safeguard.report_repeat_concerns
      WHERE r09.gen(la_id)',
    'SELECT s.repeat_of, s.concern_id,
            (SELECT p.concern_id FROM r09.subject p WHERE p.repeat_of = s.repeat_of AND p.subject = s.subject
               AND (p.received_at, p.concern_id) < (s.received_at, s.concern_id)
             ORDER BY p.received_at DESC, p.concern_id DESC LIMIT 1),
            (SELECT count(*) FROM r09.subject p WHERE p.repeat_of = s.repeat_of AND p.subject = s.subject
               AND p.received_at BETWEEN s.received_at - interval ''12 months'' AND s.received_at)
       FROM r09.subject s
      WHERE EXISTS (SELECT 1 FROM r09.subject p WHERE p.repeat_of = s.repeat_of AND p.subject = s.subject
                      AND (p.received_at, p.concern_id) < (s.received_at, s.concern_id)
                      AND p.received_at >= s.received_at - interval ''12 months'')') AS repeat_disagreements;
SELECT repeat_of, count(*) AS repeats FROM safeguard.report_repeat_concerns WHERE r09.gen(la_id) GROUP BY 1 ORDER BY 1;
-- One pseudonym per adult: as many distinct pseudonyms as identifiable people with a repeat.
SELECT (SELECT count(DISTINCT adult_pseudonym) FROM safeguard.report_repeat_concerns WHERE repeat_of = 'adult' AND r09.gen(la_id))
     = (SELECT count(DISTINCT subject) FROM r09.subject s WHERE repeat_of = 'adult'
          AND concern_id IN (SELECT concern_id FROM safeguard.report_repeat_concerns WHERE repeat_of = 'adult'))
       AS one_pseudonym_per_adult,
       bool_and(adult_pseudonym ~ '^[0-9a-f]{64}$') AS pseudonyms_are_hashes
FROM safeguard.report_repeat_concerns WHERE repeat_of = 'adult' AND r09.gen(la_id);

--------------------------------------------------------------------------
-- Data quality of every record: data_quality(NULL, NULL) (report_data_quality is the last
-- 12 months from 1.5; pgTAP 35 checks it is data_quality for those months)
--------------------------------------------------------------------------
SELECT r09.disagreements(
    'SELECT la_id, check_name, records_checked, failing FROM safeguard.data_quality(NULL, NULL)
      WHERE NOT must_be_zero AND r09.gen(la_id)',
    'SELECT la_id, c, count(*), count(*) FILTER (WHERE bad) FROM r09.fact f CROSS JOIN LATERAL (VALUES
        (''concern: risk location missing'', f.risk_location IS NULL),
        (''concern: source of risk missing'', f.source_of_risk IS NULL),
        (''concern: gender not known'', f.gender = ''Not Known''),
        (''concern: age not known'', f.date_of_birth IS NULL),
        (''concern: ethnicity missing'', f.ethnicity IS NULL),
        (''concern: primary support reason missing'', f.support_reason IS NULL),
        (''concern: adult not identified by NHS number'', f.nhs_number IS NULL),
        (''enquiry concluded: capacity not recorded'',
            CASE WHEN f.was_concluded AND f.la_decision <> ''no_enquiry'' THEN f.lacked_capacity IS NULL END),
        (''enquiry concluded: Making Safeguarding Personal not recorded'',
            CASE WHEN f.was_concluded AND f.la_decision <> ''no_enquiry'' THEN f.msp_asked IS NULL END)
      ) AS q(c, bad) WHERE bad IS NOT NULL GROUP BY 1, 2') AS data_quality_disagreements;
-- The checks the rules make impossible hold on every live row.
SELECT check_name, sum(records_checked) > 0 AS checked, sum(failing) AS failing
FROM safeguard.data_quality(NULL, NULL) WHERE must_be_zero AND r09.gen(la_id) GROUP BY 1 ORDER BY 1;

--------------------------------------------------------------------------
-- The Safeguarding Adults Collection, 2024-25 and 2025-26
--------------------------------------------------------------------------
-- The SG1c groups of the NHS Data Dictionary ethnic category codes, written
-- out here from the 2011 census groups NHS Digital publishes.
CREATE FUNCTION r09.ethnic_group(code text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN code IN ('A', 'B', 'C') THEN 'White'
                WHEN code IN ('D', 'E', 'F', 'G') THEN 'Mixed / Multiple'
                WHEN code IN ('H', 'J', 'K', 'L', 'R') THEN 'Asian / Asian British'
                WHEN code IN ('M', 'N', 'P') THEN 'Black / African / Caribbean / Black British'
                WHEN code = 'S' THEN 'Other Ethnic Group'
                WHEN code = 'Z' THEN 'Refused'
                ELSE 'Undeclared / Not Known' END $$;
-- Every non-zero cell of one authority's return: (table, enquiry type, category, subcategory, count).
CREATE FUNCTION r09.sac_expected(y integer, la bigint) RETURNS TABLE (t text, e text, category text, subcategory text,
                                                                      n bigint)
LANGUAGE sql STABLE AS $$
WITH yr AS (SELECT make_date(y, 4, 1) AS s, make_date(y + 1, 4, 1) AS e),
concern AS (
    SELECT f.* FROM r09.fact f, yr
    WHERE f.la_id = la AND CASE WHEN f.logged_by_la THEN r09.local(f.received_at) >= yr.s AND r09.local(f.received_at) < yr.e
               ELSE f.was_sent AND r09.local(f.sent_at) >= yr.s AND r09.local(f.sent_at) < yr.e END),
enquiry AS (
    SELECT f.*, CASE f.la_decision WHEN 'section_42_enquiry' THEN 'Section 42 Enquiries' ELSE 'Other Enquiries' END AS et,
           f.was_decided AND r09.local(f.decide_at) >= yr.s AND r09.local(f.decide_at) < yr.e AS commenced,
           f.la_decision = 'section_42_enquiry'
               AND f.was_concluded AND r09.local(f.outcome_at) >= yr.s AND r09.local(f.outcome_at) < yr.e AS concluded
    FROM r09.fact f, yr WHERE f.la_id = la AND f.la_decision IN ('section_42_enquiry', 'other_enquiry')),
-- each concern, and each enquiry commenced, is a case of its enquiry type
cases AS (
    SELECT 'Safeguarding Concerns' e, 'Total Number of Safeguarding Concerns' total, f.concern_id, f.received_at,
           coalesce(f.known_person::text, 'concern ' || f.concern_id) AS adult, f.date_of_birth, f.gender,
           f.ethnicity, f.support_reason, f.autism
    FROM concern f
    UNION ALL
    SELECT f.et, CASE f.et WHEN 'Section 42 Enquiries' THEN 'Total Number of Section 42 Safeguarding Enquiries'
                 ELSE 'Total Number of Other Safeguarding Enquiries' END, f.concern_id, f.received_at,
           coalesce(f.known_person::text, 'concern ' || f.concern_id), f.date_of_birth, f.gender,
           f.ethnicity, f.support_reason, f.autism
    FROM enquiry f WHERE f.commenced),
-- each adult once per enquiry type, as its latest case records it
adult AS (
    SELECT * FROM (SELECT c.*, row_number() OVER (PARTITION BY c.e, c.adult ORDER BY c.received_at DESC, c.concern_id DESC) AS k
                   FROM cases c) a WHERE a.k = 1),
facts AS (
    SELECT 'SG1a' t, a.e, replace(r09.band(a.date_of_birth, r09.local(a.received_at)), 'Not Known', 'Age Unknown') c,
           '' sc FROM adult a
    UNION ALL SELECT 'SG1b', a.e, a.gender::text, '' FROM adult a
    UNION ALL SELECT 'SG1c', a.e, r09.ethnic_group(a.ethnicity), '' FROM adult a
    UNION ALL SELECT 'SG1d', c.e, coalesce(c.support_reason, 'Not Known'), '' FROM cases c
    UNION ALL
    SELECT 'SG1e', c.e, CASE WHEN c.autism::text LIKE 'Autism%'
        THEN 'Learning, Developmental or Intellectual Disability (Autism excluding Asperger''s Syndrome/ High Functioning Autism)'
        ELSE 'Learning, Developmental or Intellectual Disability (Asperger''s Syndrome/ High Functioning Autism)' END, ''
    FROM cases c WHERE c.autism IS NOT NULL
    UNION ALL SELECT 'SG1f', c.e, c.total, '' FROM cases c
    UNION ALL
    SELECT 'SG2a', 'Concluded Section 42 Enquiries', rt::text, f.source_of_risk::text
    FROM enquiry f, unnest(f.risk_types) rt WHERE f.concluded AND f.source_of_risk IS NOT NULL
    UNION ALL
    SELECT 'SG2a_b1', 'Concluded Section 42 Enquiries', rt::text, f.risk_location::text
    FROM enquiry f, unnest(f.risk_types) rt WHERE f.concluded AND f.risk_location IS NOT NULL
    UNION ALL
    SELECT 'SG2b', 'Concluded Section 42 Enquiries', f.risk_location::text, f.source_of_risk::text
    FROM enquiry f WHERE f.concluded AND f.risk_location IS NOT NULL AND f.source_of_risk IS NOT NULL
    UNION ALL
    SELECT 'SG2c', 'Concluded Section 42 Enquiries', f.action_result::text, ''
    FROM enquiry f WHERE f.concluded AND f.action_result IS NOT NULL
    UNION ALL
    SELECT 'SG2e', 'Concluded Section 42 Enquiries', f.risk_outcome::text, ''
    FROM enquiry f WHERE f.concluded AND f.risk_outcome IS NOT NULL
    UNION ALL
    SELECT 'SG3a', 'Concluded Section 42 Enquiries', coalesce(f.lacked_capacity::text, 'Not recorded'), ''
    FROM enquiry f WHERE f.concluded
    UNION ALL
    SELECT 'SG3a', 'Concluded Section 42 Enquiries',
           'Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend', ''
    FROM enquiry f WHERE f.concluded AND f.lacked_capacity = 'Yes, they lacked capacity' AND f.advocate
    UNION ALL
    SELECT 'SG4a', 'Concluded Section 42 Enquiries',
           CASE f.msp_asked WHEN 'Yes, they were asked and outcomes were expressed' THEN 'Yes they were asked and outcomes were expressed'
                WHEN 'Yes, they were asked but no outcomes were expressed' THEN 'Yes they were asked but no outcomes were expressed'
                WHEN 'No' THEN 'No' WHEN 'Don''t know' THEN 'Don''t Know' ELSE 'Not Recorded' END, ''
    FROM enquiry f WHERE f.concluded
    UNION ALL
    SELECT 'SG4a', 'Concluded Section 42 Enquiries', f.msp_achieved::text, ''
    FROM enquiry f WHERE f.concluded AND f.msp_achieved IS NOT NULL)
SELECT t, e, c, sc, count(*) FROM facts GROUP BY 1, 2, 3, 4
$$;
SELECT y AS year, o.code, o.cassr_code,
       r09.disagreements(format('SELECT "TABLE_REFERENCE", "ENQUIRY_TYPE", "CATEGORY", "SUBCATEGORY", "VALUE"
                                   FROM safeguard.sac_return(%s, la_id => %s) WHERE "VALUE" > 0', y, o.id),
                         format('SELECT * FROM r09.sac_expected(%s, %s)', y, o.id)) AS sac_disagreements,
       r09.disagreements(format('SELECT "TABLE_REFERENCE", "ENQUIRY_TYPE", "CATEGORY", "SUBCATEGORY", "VALUE"
                                   FROM safeguard.sac_return(%s, true, %s) WHERE "VALUE" > 0', y, o.id),
                         format('SELECT t, e, category, subcategory, (round(n / 5.0) * 5)::bigint
                                   FROM r09.sac_expected(%s, %s) WHERE n >= 5', y, o.id)) AS published_disagreements,
       (SELECT count(*) FROM safeguard.sac_return(y, la_id => o.id) WHERE "VALUE" = 0) > 0 AS has_zero_cells,
       (SELECT count(*) FROM safeguard.sac_return(y, la_id => o.id)) = (SELECT count(*) FROM safeguard.sac_template)
           AS every_cell
FROM (VALUES (2024), (2025)) v(y), safeguard.organisation o
WHERE o.code LIKE 'GEN-LA%' ORDER BY 1, 2;
-- The 2025-26 return's totals for one authority.
SELECT "CASSR_CODE", "TABLE_REFERENCE", "ENQUIRY_TYPE", "COLUMN_NAME", "VALUE"
FROM safeguard.sac_return(2025, la_id => :'la1') WHERE "TABLE_REFERENCE" = 'SG1f' ORDER BY 1, 2, 3;
-- Published with disclosure control: 1-4 suppressed (NULL), the rest rounded to 5.
SELECT s."VALUE" AS exact, p."VALUE" AS published
FROM safeguard.sac_return(2025, la_id => :'la1') s JOIN safeguard.sac_return(2025, true, :'la1') p
  USING ("LA_ID", "TABLE_REFERENCE", "ENQUIRY_TYPE", "CATEGORY", "SUBCATEGORY", "COLUMN_NAME", "ROW_NAME")
WHERE s."TABLE_REFERENCE" IN ('SG1f', 'SG3a') ORDER BY 1, 2;
-- A year out of range.
SELECT * FROM safeguard.sac_return(1999);

--------------------------------------------------------------------------
-- Provider enquiries in progress
--------------------------------------------------------------------------
SELECT (SELECT id FROM sg_gen.org WHERE code = 'GEN-P1') AS provider,
       (SELECT id FROM sg_gen.org WHERE code = 'GEN-LA1') AS la1,
       (SELECT id FROM sg_gen.org WHERE code = 'GEN-LA2') AS la2,
       (SELECT id FROM sg_gen.org WHERE code = 'GEN-LOC1') AS loc1 \gset
CREATE ROLE r09_commissioner LOGIN;
SELECT safeguard.grant_duty('r09_commissioner', 'commissioner', :la2) > 0 AS granted;
SET ROLE gen_la1_hub;
SELECT safeguard.propose_provider_enquiry(:provider, :la1, ARRAY[:loc1]) AS enquiry \gset
SELECT safeguard.record_threshold(:enquiry, 'three_or_more_allegations', true, 'Generated: repeated neglect concerns.');
RESET ROLE;
SET ROLE gen_la1_sam;
SELECT safeguard.invoke_provider_enquiry(:enquiry, 'major', 'Generated: pattern of neglect.');
RESET ROLE;
SET ROLE r09_commissioner;
SELECT safeguard.record_commissioning_decision(:enquiry, :la2, 'suspend_new_placements', 'Generated: major risk.') > 0 AS decided;
RESET ROLE;
SELECT provider, local_authority, stage, risk_level, next_deadline,
       next_due_at = safeguard.working_deadline(safeguard.now(), 5) AS due_in_5_working_days,
       funders_suspending, suspension_status
FROM safeguard.report_provider_enquiries WHERE r09.gen(la_id);

--------------------------------------------------------------------------
-- Who sees what: a local authority's reader sees its own figures only;
-- no reader sees identity.
--------------------------------------------------------------------------
SET ROLE gen_reader_la1;
SELECT adult_name FROM safeguard.concern LIMIT 1;
SELECT adult_key FROM safeguard.safeguarding_case LIMIT 1;
SELECT * FROM safeguard.pseudonym_key;
RESET ROLE;
SELECT count(*) AS la1_events_expected FROM r09.event e JOIN sg_gen.org o ON o.id = e.la_id WHERE o.code = 'GEN-LA1';
SET ROLE gen_reader_la1;
SELECT count(*) AS la1_events_seen FROM safeguard.report_indicator_events;
RESET ROLE;
SET ROLE gen_reader_cqc;
SELECT count(DISTINCT la_id) AS authorities_seen_by_regulator_reader FROM safeguard.report_indicator_events WHERE r09.gen(la_id);
RESET ROLE;

-- Clean up the generator's schemas (the casework stays, as everywhere) and
-- this test's login role (the generator's are reused by a second run).
DROP SCHEMA r09 CASCADE;
DROP SCHEMA sg_gen CASCADE;
SELECT safeguard.revoke_duty('r09_commissioner', 'commissioner');
DROP ROLE r09_commissioner;
