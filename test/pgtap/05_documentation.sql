-- Every object a user sees is documented (reporting tools show comments).
BEGIN;
SELECT plan(4);
SELECT is_empty($$
    SELECT c.relname FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'safeguard' AND c.relkind IN ('r', 'v')
      AND pg_catalog.obj_description(c.oid, 'pg_class') IS NULL$$,
    'every table and view has a comment');
SELECT is_empty($$
    SELECT c.relname || '.' || a.attname FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'safeguard' AND c.relkind IN ('r', 'v') AND a.attnum > 0
      AND NOT a.attisdropped AND pg_catalog.col_description(c.oid, a.attnum) IS NULL$$,
    'every column of every table and view has a comment');
SELECT is_empty($$
    SELECT p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'safeguard' AND pg_catalog.obj_description(p.oid, 'pg_proc') IS NULL$$,
    'every function has a comment');
SELECT is_empty($$
    SELECT t.typname FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'safeguard' AND t.typtype = 'e'
      AND pg_catalog.obj_description(t.oid, 'pg_type') IS NULL$$,
    'every enum type has a comment');
SELECT * FROM finish();
ROLLBACK;
