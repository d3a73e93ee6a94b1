-- The audit row inserted without SPI (issue 19, target 3; src/audit_insert.c): the rows
-- are what the INSERT through SPI wrote (verify_audit recomputes every hash; regress 07
-- compares hashes byte for byte), chained to each other within one statement, with ids
-- drawn by _identity's rule even after the sequence was rewound; and a trigger someone adds
-- to audit_event still fires for safeguard's audit rows (the direct insertion stands aside
-- for a table whose triggers are not safeguard's own, and resumes once they are again).
BEGIN;
SELECT plan(9);

\set fixture TAP33
\set clock '2024-03-05 10:00+00'
\set orgs 'cqc=regulator laa=local_authority'
\ir lib/fixtures.sql

-- Two audited rows in one statement: the second is chained to the first.
SELECT coalesce(max(id), 0) AS before_id FROM safeguard.audit_event \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'TAP33 one', 'TAP33-ONE'), ('local_authority', 'TAP33 two', 'TAP33-TWO');
SELECT is((SELECT count(*) FROM safeguard.audit_event a JOIN safeguard.organisation o
           ON a.table_name = 'organisation' AND a.row_key = o.id::text
           WHERE o.code IN ('TAP33-ONE', 'TAP33-TWO') AND a.action = 'INSERT'),
          2::bigint, 'one audit row for each inserted organisation');
SELECT ok((SELECT bool_and(a.id > :before_id) FROM safeguard.audit_event a
           JOIN safeguard.organisation o ON a.table_name = 'organisation' AND a.row_key = o.id::text
           WHERE o.code IN ('TAP33-ONE', 'TAP33-TWO')),
          'their ids follow every earlier audit row''s');
SELECT is((SELECT b.chain_seq - a.chain_seq FROM safeguard.audit_event a, safeguard.audit_event b,
                  safeguard.organisation oa, safeguard.organisation ob
           WHERE oa.code = 'TAP33-ONE' AND ob.code = 'TAP33-TWO'
             AND a.table_name = 'organisation' AND a.row_key = oa.id::text
             AND b.table_name = 'organisation' AND b.row_key = ob.id::text
             AND b.prev_hash = a.row_hash AND a.chain_key = b.chain_key),
          1::bigint, 'the second row of the statement is chained to the first (it saw it)');

-- A rewound sequence: the next audit row's id still follows every id in the table.
SELECT max(id) AS max_id FROM safeguard.audit_event \gset
SELECT setval('safeguard.audit_event_id_seq', 1) IS NOT NULL AS rewound \gset
INSERT INTO safeguard.organisation (kind, name, code) VALUES ('local_authority', 'TAP33 three', 'TAP33-THREE');
SELECT ok((SELECT a.id > :max_id FROM safeguard.audit_event a JOIN safeguard.organisation o
           ON a.table_name = 'organisation' AND a.row_key = o.id::text WHERE o.code = 'TAP33-THREE'),
          'after the sequence was rewound, the next audit row''s id follows every id in the table');

-- A trigger someone adds to audit_event fires for safeguard's own audit rows.
CREATE TABLE public.sg33_seen (id bigint);
CREATE FUNCTION public.sg33_note() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$BEGIN INSERT INTO public.sg33_seen VALUES (NEW.id); RETURN NEW; END$$;
CREATE TRIGGER zz_sg33 AFTER INSERT ON safeguard.audit_event
    FOR EACH ROW EXECUTE FUNCTION public.sg33_note();
INSERT INTO safeguard.organisation (kind, name, code) VALUES ('local_authority', 'TAP33 four', 'TAP33-FOUR');
SELECT is((SELECT count(*) FROM public.sg33_seen s JOIN safeguard.audit_event a ON a.id = s.id
           JOIN safeguard.organisation o ON a.table_name = 'organisation' AND a.row_key = o.id::text
           WHERE o.code = 'TAP33-FOUR'),
          1::bigint, 'a trigger added to audit_event fires for the audit row of a change');
DROP TRIGGER zz_sg33 ON safeguard.audit_event;
DELETE FROM public.sg33_seen;
INSERT INTO safeguard.organisation (kind, name, code) VALUES ('local_authority', 'TAP33 five', 'TAP33-FIVE');
SELECT is((SELECT count(*) FROM safeguard.audit_event a JOIN safeguard.organisation o
           ON a.table_name = 'organisation' AND a.row_key = o.id::text WHERE o.code = 'TAP33-FIVE'),
          1::bigint, 'once it is dropped, audit rows are written as before');
SELECT is((SELECT count(*) FROM public.sg33_seen), 0::bigint, 'and the dropped trigger sees none');

-- The guards on audit_event are untouched: a direct INSERT is still refused.
SELECT throws_ok($$INSERT INTO safeguard.audit_event (recorded_at, business_time, txid, login_role,
                     acting_role, table_name, row_key, action, changes, chain_key, chain_seq,
                     prev_hash, row_hash)
                   VALUES (now(), now(), pg_current_xact_id(), 'x', 'x', 't', '1', 'INSERT', '{}',
                           'table:t', 1, '\x00', '\x00')$$,
                 'SG204', NULL, 'an INSERT into audit_event is still refused (audit_guard)');

SELECT is_empty($$SELECT * FROM safeguard.verify_audit()$$, 'the audit trail verifies');

SELECT * FROM finish();
ROLLBACK;
