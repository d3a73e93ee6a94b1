-- demo/05_reports.sql: what performance teams see.  A year and more of casework
-- from the seeded generator (three authorities, every step through the real
-- workflow), then the reports: headline indicators, the chase list, the
-- unallocated caseload, feedback, data quality and the statutory return.
\pset footer off
SET client_min_messages = warning;

SELECT NOT EXISTS (SELECT 1 FROM safeguard.organisation WHERE code = 'GEN-CQC') AS load_history \gset
\if :load_history
\echo
\echo '== Loading 15 months of generated casework (seed 7, 300 concerns; seed 8, 200 at the councils'' own front doors) =='
\set ECHO none
\ir ../test/generator/generator.sql
\set ECHO errors
SELECT sg_gen.setup() \g /dev/null
SELECT sg_gen.plan(7, 300, current_date - 450, current_date - 3) AS concerns_planned;
SELECT sg_gen.plan_council(8, 200, current_date - 450, current_date - 3) AS council_concerns_planned;
SELECT sg_gen.execute(now()) AS workflow_steps_replayed;
SELECT safeguard.set_clock(NULL) IS NOT NULL AS clock_back_to_now;
\endif

-- A performance analyst at the regulator (the reader duty: pseudonymised).
SELECT safeguard.set_clock(NULL) IS NOT NULL AS clock_is_now \gset
SET ROLE gen_reader_cqc;
\echo
\echo '== Headline indicators, last 12 months (working days from receipt) =='
SELECT * FROM safeguard.report_kpi;
\echo
\echo '== The chase list: referrals awaiting the local authority''s outcome =='
SELECT local_authority, chase_state, count(*) AS referrals, max(age_working_days) AS oldest_working_days
FROM safeguard.report_la_outcomes_outstanding GROUP BY 1, 2 ORDER BY 1, 2;
\echo
\echo '== Unallocated work (the "virtual worker" caseload): councils'' own enquiries by team, and referrals =='
SELECT local_authority, pathway, team, with_la, allocated, unallocated, oldest_unallocated_working_days
FROM safeguard.report_unallocated ORDER BY 1, 2, 3;
\echo
\echo '== Feedback to the people who raised concerns =='
SELECT status, count(*) FROM safeguard.report_feedback GROUP BY 1 ORDER BY 1;
\echo
\echo '== Repeat concerns within 12 months (adults by pseudonym, never by name) =='
SELECT repeat_of, count(*) AS repeats, left(min(adult_pseudonym), 16) || '...' AS a_pseudonym
FROM safeguard.report_repeat_concerns GROUP BY 1 ORDER BY 1;
\echo
\echo '== Data quality: the checks the rules make impossible are zero on live rows =='
SELECT check_name, sum(failing) AS failing FROM safeguard.report_data_quality
WHERE must_be_zero GROUP BY 1 ORDER BY 1;
\echo
\echo '== Safeguarding Adults Collection, totals of the current reporting year (published: rounded to 5, under 5 suppressed) =='
SELECT "LA_ID", "CASSR_CODE", "COLUMN_NAME", "VALUE"
FROM safeguard.sac_return(extract(year FROM current_date - interval '3 months')::int, true)
WHERE "TABLE_REFERENCE" = 'SG1f' ORDER BY 1, 2, 3;
\echo
\echo '== A reader asking for identity is refused =='
\set ON_ERROR_STOP off
SELECT adult_name FROM safeguard.concern LIMIT 1;
\set ON_ERROR_STOP on
RESET ROLE;
