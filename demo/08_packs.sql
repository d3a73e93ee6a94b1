-- demo/08_packs.sql: journeys of Northshire Council's own safeguarding pathway for the packs
-- (issue 17 items 3-4): 27 concerns received from January to March 2025, decided, allocated,
-- started, concluded and closed with feedback (some late, some left unallocated), logged by
-- demo_packs_off_n / demo_packs_off_s and managed by demo_packs_sam (test/pgtap/lib/packs_seed.sql).
-- scripts/demo then writes the case-tracking pack and the performance clinic pack.
\pset footer off
SET client_min_messages = warning;
SELECT id AS laa FROM safeguard.organisation WHERE code = 'DEMO-NORTH' \gset
SELECT NOT EXISTS (SELECT 1 FROM safeguard.concern WHERE la_id = :laa AND description = 'concern 1') AS load_packs \gset
\if :load_packs
\echo
\echo '== Northshire''s own pathway: 27 concerns, January to March 2025 =='
\set pfx demo_packs
\set ECHO none
\ir ../test/pgtap/lib/packs_seed.sql
\set ECHO errors
SELECT safeguard.set_clock(NULL) IS NOT NULL AS clock_back_to_now;
\endif
\echo
\echo '== The council''s indicators (report_council_indicators), first quarter of 2025 =='
SELECT stage, sum(measured) AS reached, sum(in_time) AS in_time, sum(out_of_time) AS out_of_time
FROM safeguard.report_council_indicators WHERE la_id = :laa AND month < '2025-04-01'
GROUP BY stage, stage_order ORDER BY stage_order;
