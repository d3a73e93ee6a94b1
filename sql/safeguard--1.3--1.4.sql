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
--
-- Items 3 (a NULL hash crashed the server) and 15 (Unicode white space
-- passed as text) are fixed in C alone (audit_chain.c; validate.c and
-- text_present.c).
--------------------------------------------------------------------------

-- C.1 (item 12) The calendar: changed only by an administrator of the
-- regulator or a superuser, whatever SQL privileges a role holds, and every
-- change audited, deletions included.
--
-- A holiday's audit rows need a key of one column: bank_holiday gets an
-- identity id.  Ids are given in a fixed order, so that a fresh install and
-- an updated database agree: the shipped holidays first, by division and
-- day (1-307 on a fresh install: the 307 holidays safeguard--1.0.sql
-- installs), then the others after 307.  A dump keeps only the holidays
-- not shipped (WHERE NOT shipped) and the restore's CREATE EXTENSION gives
-- the shipped ones 1-307 again, so a restored holiday never meets the id of
-- an installed one.
ALTER TABLE safeguard.bank_holiday ADD COLUMN id bigint;
UPDATE safeguard.bank_holiday h SET id = n.id
FROM (SELECT b.division, b.day,
             pg_catalog.row_number() OVER (ORDER BY b.division COLLATE "C", b.day) AS id
      FROM safeguard.bank_holiday b WHERE b.shipped) n
WHERE h.division OPERATOR(pg_catalog.=) n.division AND h.day OPERATOR(pg_catalog.=) n.day;
UPDATE safeguard.bank_holiday h SET id = n.id
FROM (SELECT b.division, b.day,
             pg_catalog.row_number() OVER (ORDER BY b.division COLLATE "C", b.day)
             OPERATOR(pg_catalog.+) GREATEST(307,
                 (SELECT pg_catalog.count(*) FROM safeguard.bank_holiday s WHERE s.shipped)) AS id
      FROM safeguard.bank_holiday b WHERE NOT b.shipped) n
WHERE h.division OPERATOR(pg_catalog.=) n.division AND h.day OPERATOR(pg_catalog.=) n.day;
ALTER TABLE safeguard.bank_holiday ALTER COLUMN id SET NOT NULL;
ALTER TABLE safeguard.bank_holiday ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE safeguard.bank_holiday ADD CONSTRAINT bank_holiday_id_key UNIQUE (id);
SELECT pg_catalog.setval('safeguard.bank_holiday_id_seq',
    GREATEST(307, (SELECT pg_catalog.max(id) FROM safeguard.bank_holiday)));
SELECT pg_catalog.pg_extension_config_dump('safeguard.bank_holiday_id_seq', '');
COMMENT ON COLUMN safeguard.bank_holiday.id IS
    'The holiday''s key in the audit trail (chain table:bank_holiday); never changes.';

CREATE FUNCTION safeguard.calendar_guard() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_calendar_guard';
COMMENT ON FUNCTION safeguard.calendar_guard() IS
    'Trigger: the calendar (bank holidays, divisions) is changed only by a role holding the admin duty for the regulator, or a superuser, or by safeguard itself (42501 otherwise); a holiday''s id and the shipped flag are not set by hand (SG203).';
REVOKE ALL ON FUNCTION safeguard.calendar_guard() FROM PUBLIC;

CREATE TRIGGER calendar_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.bank_holiday
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.calendar_guard();
CREATE TRIGGER calendar_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard.division
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.calendar_guard();
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON safeguard.bank_holiday
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON safeguard.division
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('division', '', '');
ALTER TABLE safeguard.bank_holiday ENABLE ALWAYS TRIGGER calendar_guard;
ALTER TABLE safeguard.division ENABLE ALWAYS TRIGGER calendar_guard;
ALTER TABLE safeguard.bank_holiday ENABLE ALWAYS TRIGGER audit_row;
ALTER TABLE safeguard.division ENABLE ALWAYS TRIGGER audit_row;

-- C.2 (item 12) Ids no role can break by moving a sequence, and that answer
-- nothing about rows a role cannot see: every identity column takes its ids
-- through assign_identity (src/identity.c), the first row trigger of its
-- table (triggers fire in name order).  Tables created after this section
-- need the same trigger.
CREATE FUNCTION safeguard.assign_identity() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_assign_identity';
COMMENT ON FUNCTION safeguard.assign_identity() IS
    'Trigger (argument: the identity column): keeps the id the identity sequence drew for the row unless a row already holds it or a larger one (the sequence was moved back), then draws past the largest; an id a client supplied (OVERRIDING SYSTEM VALUE, COPY) is replaced by a drawn one.';
REVOKE ALL ON FUNCTION safeguard.assign_identity() FROM PUBLIC;

DO $identity$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, a.attname
             FROM pg_catalog.pg_attribute a
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT a.attisdropped
               AND a.attidentity::pg_catalog.text OPERATOR(pg_catalog.<>) ''
             ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER _identity BEFORE INSERT ON safeguard.%I '
                                  'FOR EACH ROW WHEN (NOT safeguard.restoring()) '
                                  'EXECUTE FUNCTION safeguard.assign_identity(%L)', t.relname, t.attname);
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER _identity', t.relname);
    END LOOP;
END
$identity$;

-- C.3 (item 7) Notifications: the NOTIFY on safeguard_deadline carries no
-- payload (PostgreSQL lets every login role LISTEN); what fired is read from
-- the outbox, whose rows now name the organisation they concern and are
-- visible, lockable and deliverable only to its consumers: an administrator
-- of that organisation, or of the regulator (src/outbox_access.c).
ALTER TABLE safeguard.outbox ADD COLUMN organisation_id bigint
    GENERATED ALWAYS AS ((payload OPERATOR(pg_catalog.->>) 'organisation_id')::pg_catalog.int8) STORED;
COMMENT ON COLUMN safeguard.outbox.organisation_id IS
    'The organisation the notification concerns (the one that must meet the deadline), from the payload: only its administrators and the regulator''s read the row.';

CREATE FUNCTION safeguard.may_consume_outbox(organisation_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_may_consume_outbox';
COMMENT ON FUNCTION safeguard.may_consume_outbox(bigint) IS
    'Row-level security predicate of the outbox: true when the current role holds the admin duty for the regulator, or for that organisation.';
REVOKE ALL ON FUNCTION safeguard.may_consume_outbox(bigint) FROM PUBLIC;
-- Policies run with the privileges of whoever queries the outbox.
GRANT EXECUTE ON FUNCTION safeguard.may_consume_outbox(bigint) TO PUBLIC;

ALTER TABLE safeguard.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY by_consumer ON safeguard.outbox
    USING (safeguard.may_consume_outbox(organisation_id));
-- Rows are written by safeguard alone (outbox_guard refuses anyone else's).
CREATE POLICY written_by_safeguard ON safeguard.outbox FOR INSERT
    WITH CHECK (true);
COMMENT ON POLICY by_consumer ON safeguard.outbox IS
    'A consumer sees, locks and marks delivered only the notifications of its own organisation (the regulator''s administrators: all).';
COMMENT ON POLICY written_by_safeguard ON safeguard.outbox IS
    'Inserting is left to the outbox_guard trigger, which accepts only safeguard''s own rows.';
COMMENT ON FUNCTION safeguard.sweep(integer) IS
    'Fires the due rungs of open deadlines (due_soon, breach, escalate, in order), at most max_rungs per call, each exactly once, with an outbox row and a NOTIFY without payload on channel safeguard_deadline in the same transaction; returns how many fired. Called by the background worker, or by pg_cron.';
COMMENT ON COLUMN safeguard.outbox.channel IS 'The NOTIFY channel it was announced on (safeguard_deadline); the NOTIFY itself carries no payload.';
COMMENT ON TABLE safeguard.outbox IS 'Notifications to deliver, written in the same transaction as the rung that caused them; each consumer (the admin duty) sees its own organisation''s, the regulator''s administrators all. Consume with SELECT ... WHERE delivered_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED, deliver, then safeguard.outbox_mark_delivered(ids) in the same transaction.';
COMMENT ON FUNCTION safeguard.outbox_mark_delivered(bigint[]) IS
    'Marks outbox rows delivered (once), among those the caller may consume (its organisation''s; all for an administrator of the regulator); returns how many were marked.';

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
