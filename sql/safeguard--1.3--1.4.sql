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



-- safeguard's own writes run as the role that owns its tables, not as the
-- superuser who ran CREATE EXTENSION (item 5): safeguard_owner is NOLOGIN,
-- nobody is a member of it, and it holds exactly what those writes need:
-- its tables, BYPASSRLS (safeguard's checks see every authority's rows,
-- whoever the caller; the caller's own reads stay under row-level
-- security), and ADMIN OPTION on the duty roles (grant_duty makes a role a
-- member of its duty's role).
ALTER ROLE safeguard_owner BYPASSRLS;
DO $owner$
DECLARE
    d pg_catalog.text;
BEGIN
    FOREACH d IN ARRAY ARRAY['admin', 'contact_centre', 'inspector', 'la_officer', 'sam',
        'enquiry_officer', 'commissioner', 'provider', 'reader', 'auditor']
    LOOP
        EXECUTE pg_catalog.format('GRANT %I TO safeguard_owner WITH ADMIN OPTION', 'safeguard_' OPERATOR(pg_catalog.||) d);
    END LOOP;
END
$owner$;

-- A case belongs to one authority (item 5).  A concern joins an open case
-- of its own authority only; another authority may have its own open case
-- about the same adult or location.
DROP INDEX safeguard.safeguarding_case_open_adult;
DROP INDEX safeguard.safeguarding_case_open_location;
CREATE UNIQUE INDEX safeguarding_case_open_adult ON safeguard.safeguarding_case (la_id, adult_key)
    WHERE state OPERATOR(pg_catalog.=) 'open' AND adult_key IS NOT NULL;
CREATE UNIQUE INDEX safeguarding_case_open_location ON safeguard.safeguarding_case (la_id, provider_location_id)
    WHERE state OPERATOR(pg_catalog.=) 'open' AND adult_key IS NULL AND provider_location_id IS NOT NULL;

-- One audit chain per provider enquiry (item 5): rows of an enquiry, and
-- of its deadlines, alerts, pauses and approvals, join "enquiry:<id>"
-- instead of one chain per table, so one authority's open transaction
-- never stalls another authority's enquiry work.  audit_row's fourth
-- argument says where a row's enquiry comes from (src/audit.c).  Rows
-- written before 1.4 stay in the table chains they were written to.
DO $chains$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, g.tgname, pg_catalog.pg_get_triggerdef(g.oid) AS def, x.source
             FROM (VALUES ('provider_enquiry', 'id'), ('enquiry_location', 'enquiry_id'),
                          ('enquiry_criterion', 'enquiry_id'), ('enquiry_appointment', 'enquiry_id'),
                          ('enquiry_meeting', 'enquiry_id'), ('meeting_attendee', 'meeting_id'),
                          ('commissioning_decision', 'enquiry_id'), ('enquiry_finding', 'enquiry_id'),
                          ('improvement_plan', 'enquiry_id'), ('plan_item', 'plan_id'),
                          ('qa_activity', 'enquiry_id'), ('enquiry_notification', 'enquiry_id'),
                          ('deadline', 'subject_id'), ('deadline_alert', 'subject_id'),
                          ('deadline_pause', 'deadline_id')) AS x (relname, source)
             JOIN pg_catalog.pg_class c ON c.relname OPERATOR(pg_catalog.=) x.relname
                  AND c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
             JOIN pg_catalog.pg_trigger g ON g.tgrelid OPERATOR(pg_catalog.=) c.oid
                  AND g.tgname OPERATOR(pg_catalog.=) 'audit_row'
             ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.regexp_replace(
            pg_catalog.replace(t.def, 'CREATE TRIGGER ', 'CREATE OR REPLACE TRIGGER '),
            '\)$', pg_catalog.format(', %L)', t.source));
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER audit_row', t.relname);
    END LOOP;
END
$chains$;

-- The leading authority of a provider enquiry sees every deadline of it
-- (item 18), as the provider and the regulator do: the 48-hour
-- provider_response deadline belongs to the provider, and its lead SAM
-- chases it.
CREATE FUNCTION safeguard.leads_enquiry(enquiry_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_leads_enquiry';
COMMENT ON FUNCTION safeguard.leads_enquiry(bigint) IS
    'Row-level security predicate: true when the caller works the provider enquiry''s casework (its leading local authority''s staff and administrators, or the regulator). Needs no privilege on provider_enquiry, so the provider''s own policies keep working.';
CREATE POLICY enquiry_lead ON safeguard.deadline FOR SELECT
    USING (subject_table OPERATOR(pg_catalog.=) 'provider_enquiry' AND safeguard.leads_enquiry(subject_id));
CREATE POLICY enquiry_lead ON safeguard.deadline_alert FOR SELECT
    USING (subject_table OPERATOR(pg_catalog.=) 'provider_enquiry' AND safeguard.leads_enquiry(subject_id));

-- An extension's approver records the approval (item 10): nobody can be
-- named as an approver without their consent, and only a senior role (admin
-- or SAM) of the organisation that must meet the deadline can approve.
CREATE TABLE safeguard.deadline_extension_approval (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deadline_id     bigint NOT NULL REFERENCES safeguard.deadline,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    case_id         bigint,
    approver        regrole NOT NULL,
    approver_duty   safeguard.duty NOT NULL,
    amount          integer NOT NULL CHECK (amount OPERATOR(pg_catalog.>) 0),
    reason          text NOT NULL,
    approved_at     timestamptz NOT NULL,
    used_at         timestamptz
);
CREATE INDEX deadline_extension_approval_deadline ON safeguard.deadline_extension_approval (deadline_id);
COMMENT ON TABLE safeguard.deadline_extension_approval IS 'Approvals of deadline extensions, each recorded by the approver (safeguard.approve_extension) before the extension names them; used once.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.deadline_id IS 'The deadline.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.organisation_id IS 'The organisation that must meet it (the approver acts for it).';
COMMENT ON COLUMN safeguard.deadline_extension_approval.case_id IS 'The case, for case journeys.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.approver IS 'Who approved: a role holding the admin or SAM duty for that organisation.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.approver_duty IS 'The duty under which they approved.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.amount IS 'The most the deadline may be extended by, in its own unit.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.reason IS 'Why the approver agreed.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.approved_at IS 'When they approved.';
COMMENT ON COLUMN safeguard.deadline_extension_approval.used_at IS 'When an extension used it; NULL while unused.';
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.deadline_extension_approval
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.deadline_extension_approval
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id', 'deadline_id');
REVOKE ALL ON safeguard.deadline_extension_approval FROM PUBLIC;
GRANT SELECT ON safeguard.deadline_extension_approval
    TO safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
       safeguard_sam, safeguard_enquiry_officer, safeguard_commissioner, safeguard_provider;
ALTER TABLE safeguard.deadline_extension_approval ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_extension_approval FORCE ROW LEVEL SECURITY;
CREATE POLICY own_or_overseen ON safeguard.deadline_extension_approval
    USING (safeguard.may_see_la(organisation_id)
           OR organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_extension_approval', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_extension_approval_id_seq', '');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_extension_approval
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();

CREATE FUNCTION safeguard.approve_extension(deadline_id bigint, amount integer, reason text) RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_approve_extension';
COMMENT ON FUNCTION safeguard.approve_extension(bigint, integer, text) IS
    'Records the caller''s approval to extend an open deadline by up to amount units, with a reason: the caller holds the admin or SAM duty for the organisation that must meet it. extend_deadline() then names the caller as approver. Returns the approval id.';
COMMENT ON FUNCTION safeguard.extend_deadline(bigint, integer, text, regrole) IS
    'Extends a deadline once, by an amount in its own unit, with a reason and an approver: another role holding the admin or SAM duty for the deadline''s organisation, who recorded the approval first (approve_extension); returns the new due instant.';

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



--------------------------------------------------------------------------
-- Section Z: every table added in 1.4 follows safeguard's conventions:
-- owned by safeguard_owner, TRUNCATE refused, every trigger fires ALWAYS
-- (session_replication_role = replica does not skip it).
--------------------------------------------------------------------------
DO $conventions$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, c.relowner
             FROM pg_catalog.pg_class c
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND c.relkind OPERATOR(pg_catalog.=) 'r'
             ORDER BY c.relname
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger g
                       WHERE g.tgrelid OPERATOR(pg_catalog.=) pg_catalog.format('safeguard.%I', t.relname)::pg_catalog.regclass
                         AND g.tgname OPERATOR(pg_catalog.=) 'refuse_truncate') THEN
            EXECUTE pg_catalog.format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.%I '
                                      'FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate()', t.relname);
        END IF;
        IF t.relowner OPERATOR(pg_catalog.<>) 'safeguard_owner'::pg_catalog.regrole THEN
            EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I OWNER TO safeguard_owner', t.relname);
        END IF;
    END LOOP;
    FOR t IN SELECT c.relname, g.tgname
             FROM pg_catalog.pg_trigger g
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND NOT g.tgisinternal AND g.tgenabled OPERATOR(pg_catalog.<>) 'A'
             ORDER BY c.relname, g.tgname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
    END LOOP;
END
$conventions$;
