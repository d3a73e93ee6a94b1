/* safeguard--1.1--1.2.sql: dump and restore (pg_dump keeps every table and sequence; a supported restore procedure). */

\echo Use "ALTER EXTENSION safeguard UPDATE TO '1.2'" to load this file. \quit

--------------------------------------------------------------------------
-- Dump and restore (docs/backup.md).
--------------------------------------------------------------------------
