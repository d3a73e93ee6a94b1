/* safeguard--1.4--1.5.sql: the journeys as one function (issue 15).  1.5 is a restructuring: a
 * fresh install runs the full script safeguard--1.5.sql; this step brings a 1.4 database to
 * the same schema. */

\echo Use "ALTER EXTENSION safeguard UPDATE TO '1.5'" to load this file. \quit

--------------------------------------------------------------------------
-- case_journey, referral_journey and enquiry_journey repeated one body;
-- safeguard.journey(subject, id) is that body once.  The three names stay
-- for existing callers, as wrappers over it: the same columns, the same
-- rows, the same privileges (SECURITY INVOKER: the caller's own reading of
-- the audit trail, the auditor's included).
--------------------------------------------------------------------------
-- A journey: the chronological timeline of a case, a referral or a provider
-- enquiry, read from the audit trail alone (the auditor duty, which may not
-- read casework, reads every journey), with actor, duty, organisation and
-- what changed.  The rows of each subject:
--   case      every audit row of the case (its concerns, triage, referrals,
--             deadlines, alerts, pauses and approvals);
--   referral  within the referral's case: the referral, its concern and
--             triage, and the deadlines whose insert names the referral;
--   enquiry   the enquiry's own chain (enquiry:<id>, since 1.4), and its rows
--             written before 1.4 in the chains of the enquiry tables and of
--             deadlines outside cases: the enquiry and every record naming it,
--             its plan, the plan's items, its meetings' attendees, the
--             deadlines whose insert names it.
CREATE FUNCTION safeguard.journey(subject text, id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF journey.subject IS NULL THEN
        RAISE EXCEPTION 'journey subject is null'
            USING ERRCODE = 'SG103',
                  DETAIL = 'A journey is that of a case, a referral or a provider enquiry.',
                  HINT = 'Call safeguard.journey(''case'', id), journey(''referral'', id) or journey(''enquiry'', id).';
    END IF;
    IF journey.subject OPERATOR(pg_catalog.<>) ALL ('{case,referral,enquiry}'::pg_catalog.text[]) THEN
        RAISE EXCEPTION 'unknown journey subject'
            USING ERRCODE = 'SG208',
                  DETAIL = pg_catalog.format('The subject is "%s"; a journey is that of a case, a referral or a provider enquiry.', journey.subject),
                  HINT = 'Use ''case'', ''referral'' or ''enquiry'' as the subject.';
    END IF;
    RETURN QUERY
    WITH referral_created AS (
        SELECT a.case_id, a.changes OPERATOR(pg_catalog.->>) 'concern_id' AS concern_key
        FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'referral'
          AND a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
          AND a.action OPERATOR(pg_catalog.=) 'INSERT'
    ), referral_case AS (
        SELECT a.* FROM safeguard.audit_event a
        WHERE a.case_id OPERATOR(pg_catalog.=) (SELECT c.case_id FROM referral_created c)
    ), referral_deadlines AS (
        SELECT d.row_key FROM referral_case d
        WHERE d.table_name OPERATOR(pg_catalog.=) 'deadline' AND d.action OPERATOR(pg_catalog.=) 'INSERT'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_table' OPERATOR(pg_catalog.=) 'referral'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), legacy AS (
        -- rows written before 1.4, in the chains of the enquiry tables and of
        -- deadlines outside cases (the deadlines of enquiries)
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'enquiry'
          AND a.chain_key OPERATOR(pg_catalog.=) ANY ('{table:provider_enquiry,table:enquiry_location,
              table:enquiry_criterion,table:enquiry_appointment,table:enquiry_meeting,table:meeting_attendee,
              table:commissioning_decision,table:enquiry_finding,table:improvement_plan,table:plan_item,
              table:qa_activity,table:enquiry_notification,table:deadline}'::text[])
    ), plans AS (
        SELECT p.row_key FROM legacy p
        WHERE p.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND p.action OPERATOR(pg_catalog.=) 'INSERT'
          AND p.changes OPERATOR(pg_catalog.->>) 'enquiry_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), items AS (
        SELECT i.row_key FROM legacy i
        WHERE i.table_name OPERATOR(pg_catalog.=) 'plan_item' AND i.action OPERATOR(pg_catalog.=) 'INSERT'
          AND i.changes OPERATOR(pg_catalog.->>) 'plan_id' OPERATOR(pg_catalog.=) ANY (SELECT p.row_key FROM plans p)
    ), meetings AS (
        SELECT m.row_key FROM legacy m
        WHERE m.table_name OPERATOR(pg_catalog.=) 'enquiry_meeting' AND m.action OPERATOR(pg_catalog.=) 'INSERT'
          AND m.changes OPERATOR(pg_catalog.->>) 'enquiry_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), enquiry_deadlines AS (
        SELECT d.row_key FROM legacy d
        WHERE d.table_name OPERATOR(pg_catalog.=) 'deadline' AND d.action OPERATOR(pg_catalog.=) 'INSERT'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_table' OPERATOR(pg_catalog.=) 'provider_enquiry'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_id' OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
    ), rows AS (
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'case' AND a.case_id OPERATOR(pg_catalog.=) journey.id
        UNION ALL
        SELECT a.* FROM referral_case a
        WHERE (a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text)
           OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT d.row_key FROM referral_deadlines d))
           OR (a.table_name OPERATOR(pg_catalog.=) ANY ('{concern,triage}'::text[])
               AND a.row_key OPERATOR(pg_catalog.=) (SELECT c.concern_key FROM referral_created c))
        UNION ALL
        SELECT a.* FROM legacy a
        WHERE (a.table_name OPERATOR(pg_catalog.=) 'provider_enquiry' AND a.row_key OPERATOR(pg_catalog.=) journey.id::pg_catalog.text)
           OR (a.changes OPERATOR(pg_catalog.->>) 'enquiry_id') OPERATOR(pg_catalog.=) journey.id::pg_catalog.text
           OR (a.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT p.row_key FROM plans p))
           OR (a.table_name OPERATOR(pg_catalog.=) 'plan_item' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT i.row_key FROM items i))
           OR (a.table_name OPERATOR(pg_catalog.=) 'meeting_attendee' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT m.row_key FROM meetings m))
           OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT d.row_key FROM enquiry_deadlines d))
        UNION ALL
        SELECT a.* FROM safeguard.audit_event a
        WHERE journey.subject OPERATOR(pg_catalog.=) 'enquiry'
          AND a.chain_key OPERATOR(pg_catalog.=) ('enquiry:' OPERATOR(pg_catalog.||) journey.id::pg_catalog.text)
    )
    SELECT a.id, a.recorded_at, a.business_time, a.login_role, a.acting_role, a.duty, o.name,
           a.table_name, a.row_key, a.action, a.from_state, a.to_state, a.changes
    FROM rows a
    LEFT JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) a.organisation_id
    ORDER BY a.id;
END
$$;
COMMENT ON FUNCTION safeguard.journey(text, bigint) IS
    'The chronological timeline of a case, a referral or a provider enquiry (subject ''case'', ''referral'' or ''enquiry'') from the audit trail alone: every change with actor, duty, organisation and what changed (CQC case tracking). SG208 for another subject, SG103 for NULL.';
REVOKE ALL ON FUNCTION safeguard.journey(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.journey(text, bigint) TO safeguard_auditor, safeguard_admin;

-- The three journeys of 1.0, kept for existing callers.
CREATE OR REPLACE FUNCTION safeguard.case_journey(case_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('case', $1) $$;
COMMENT ON FUNCTION safeguard.case_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''case'', case_id), which it calls. A case''s full chronological timeline from the audit trail.';
CREATE OR REPLACE FUNCTION safeguard.referral_journey(referral_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('referral', $1) $$;
COMMENT ON FUNCTION safeguard.referral_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''referral'', referral_id), which it calls. A referral''s chronological timeline from the audit trail.';
CREATE OR REPLACE FUNCTION safeguard.enquiry_journey(enquiry_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM safeguard.journey('enquiry', $1) $$;
COMMENT ON FUNCTION safeguard.enquiry_journey(bigint) IS
    'Deprecated since 1.5: safeguard.journey(''enquiry'', enquiry_id), which it calls. A provider enquiry''s chronological timeline from the audit trail.';

--------------------------------------------------------------------------
-- The integration duty (issue 18, item 3): an application's role that
-- consumes the outbox and may do nothing else.  It consumes exactly what
-- an administrator of the same organisation consumes (may_consume_outbox,
-- in C); claim_outbox() and mark_delivered() are the consumer's calls.
--------------------------------------------------------------------------
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                   WHERE rolname OPERATOR(pg_catalog.=) 'safeguard_integration') THEN
        CREATE ROLE safeguard_integration NOLOGIN;
    END IF;
END
$roles$;
GRANT safeguard_integration TO safeguard_owner WITH ADMIN OPTION;

-- Appended, as in the full script; not used in this transaction (a new
-- enum value cannot be used before it commits).
ALTER TYPE safeguard.duty ADD VALUE 'integration';

COMMENT ON FUNCTION safeguard.may_consume_outbox(bigint) IS
    'Row-level security predicate of the outbox: true when the current role holds the admin or integration duty for the regulator, or for that organisation.';
COMMENT ON TABLE safeguard.outbox IS 'Notifications to deliver, written in the same transaction as the rung that caused them; each consumer (the admin or integration duty) sees its own organisation''s, the regulator''s consumers all. Consume with safeguard.claim_outbox(), deliver, then safeguard.mark_delivered(ids) in the same transaction.';
COMMENT ON COLUMN safeguard.outbox.organisation_id IS
    'The organisation the notification concerns (the one that must meet the deadline), from the payload: only its consumers (admin, integration) and the regulator''s read the row.';
-- The integration duty: read, and claim (FOR UPDATE needs UPDATE on a column), and record delivery.
GRANT SELECT, UPDATE (delivered_at, delivered_by) ON safeguard.outbox TO safeguard_integration;

-- The consumer's two calls (issue 18): claim undelivered notifications,
-- deliver them, mark them delivered, all in one transaction.  SECURITY
-- INVOKER: the outbox's row-level security (may_consume_outbox) chooses
-- the rows, and the row locks are the caller's own.
CREATE FUNCTION safeguard.claim_outbox(max_rows integer DEFAULT 100) RETURNS SETOF safeguard.outbox
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_claim_outbox';
COMMENT ON FUNCTION safeguard.claim_outbox(integer) IS
    'Locks and returns up to max_rows undelivered notifications the caller may consume (its organisation''s; all for the regulator''s), oldest first, skipping rows another consumer has claimed (FOR UPDATE SKIP LOCKED). The admin and integration duties; deliver them, then mark_delivered(ids) in the same transaction.';
REVOKE ALL ON FUNCTION safeguard.claim_outbox(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.claim_outbox(integer) TO safeguard_integration, safeguard_admin;

CREATE FUNCTION safeguard.mark_delivered(ids bigint[]) RETURNS integer
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_mark_delivered';
COMMENT ON FUNCTION safeguard.mark_delivered(bigint[]) IS
    'Records the delivery (when, by which role) of the notifications ids, every one of which the caller must be able to consume (else SG208, nothing marked); returns how many were newly marked (one already delivered stays as it was). The admin and integration duties.';
REVOKE ALL ON FUNCTION safeguard.mark_delivered(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.mark_delivered(bigint[]) TO safeguard_integration, safeguard_admin;

--------------------------------------------------------------------------
-- Arrays that analysts' tools read (issue 18, item 2): the one enum array
-- a reporting view exposes, referral_pseudonymised.risk_types, becomes
-- text[].  CREATE OR REPLACE VIEW cannot change a column's type, so the
-- view is dropped and created again as the full script defines it, with
-- its comments and grants (no other view depends on it).
--------------------------------------------------------------------------
DROP VIEW safeguard.referral_pseudonymised;
-- risk_types is text[], not sac_risk_type[]: client libraries (psycopg2, and
-- so pandas; R's RPostgres) know text[] but not the array type of an
-- extension's enum, and hand the latter over as the unparsed string
-- '{"Neglect and Acts of Omission"}' (issue 18).
CREATE VIEW safeguard.referral_pseudonymised WITH (security_barrier = true, security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, r.state, r.immediate_risk,
       c.adult_pseudonym,
       x.source, x.channel, x.risk_types::pg_catalog.text[] AS risk_types, x.risk_location, x.source_of_risk,
       x.adult_gender, x.received_at, r.created_at, r.sent_at, r.acknowledged_at, r.la_decision, r.decided_at,
       r.action_result, r.risk_outcome, r.harm_from_delay, r.outcome_at,
       r.feedback_at, r.closed_at, r.withdrawn_at
FROM safeguard.referral r
JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
JOIN safeguard.safeguarding_case c ON c.id OPERATOR(pg_catalog.=) r.case_id;
COMMENT ON VIEW safeguard.referral_pseudonymised IS 'Referrals for performance teams (safeguard_reader): no identifying columns; adult_pseudonym is a keyed hash, stable per adult.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.state IS 'Referral state.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.immediate_risk IS 'Adult at immediate risk.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.adult_pseudonym IS 'Keyed hash of the adult''s identity (NULL when unknown).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.source IS 'Who raised the concern.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.channel IS 'How it was received.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_types IS 'Types of risk (SAC): values of sac_risk_type, as text[] so that pandas, R and other clients read a list.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_location IS 'Location of risk (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.source_of_risk IS 'Source of risk (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.adult_gender IS 'Gender (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.received_at IS 'When the concern was received.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.created_at IS 'When the referral decision was made.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.sent_at IS 'When sent.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.acknowledged_at IS 'When acknowledged.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.la_decision IS 'The local authority''s decision.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.decided_at IS 'When decided.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.action_result IS 'Action and result (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.risk_outcome IS 'Risk outcome (SAC).';
COMMENT ON COLUMN safeguard.referral_pseudonymised.harm_from_delay IS 'Harm from delay, for late referrals.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.outcome_at IS 'When the outcome was recorded.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.feedback_at IS 'When the referrer heard back.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.closed_at IS 'When closed.';
COMMENT ON COLUMN safeguard.referral_pseudonymised.withdrawn_at IS 'When withdrawn.';
REVOKE ALL ON safeguard.referral_pseudonymised FROM PUBLIC;
GRANT SELECT ON safeguard.referral_pseudonymised TO safeguard_reader, safeguard_admin;

-- Issue 18 item 2: the data dictionary for BI tools (psqlODBC shows no column descriptions)
-- The data dictionary: every column the caller may read, with its description.  BI tools
-- show column descriptions from the driver's catalogue calls; psqlODBC returns none (its
-- SQLColumns and SQLTables answer REMARKS with an empty string, whatever the database
-- holds), so a Power BI or Excel user reads them here instead.  It lists only what the
-- caller may SELECT (a table of which it may read some columns only: those columns), and
-- reads nothing but the system catalogues, which every role can read anyway.
CREATE VIEW safeguard.data_dictionary AS
SELECT c.relname::pg_catalog.text AS relation_name,
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS relation_kind,
       pg_catalog.obj_description(c.oid, 'pg_class') AS relation_description,
       pg_catalog.has_table_privilege(c.oid, 'SELECT') AS relation_readable,
       a.attnum::integer AS column_position,
       a.attname::pg_catalog.text AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       pg_catalog.col_description(c.oid, a.attnum::integer) AS column_description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
  AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m}'::"char"[])
  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
  AND pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT');
COMMENT ON VIEW safeguard.data_dictionary IS 'Every table and view column in schema safeguard that the current role may read, with its description: for BI tools whose driver shows no descriptions (psqlODBC).';
COMMENT ON COLUMN safeguard.data_dictionary.relation_name IS 'Table or view name (schema safeguard).';
COMMENT ON COLUMN safeguard.data_dictionary.relation_kind IS 'table, view or materialized view.';
COMMENT ON COLUMN safeguard.data_dictionary.relation_description IS 'What the table or view holds.';
COMMENT ON COLUMN safeguard.data_dictionary.relation_readable IS 'True when the role may read every column (SELECT * works, and an ODBC tool set to list accessible tables only offers it); false when it may read only the columns listed here (e.g. a reader''s non-identifying columns of casework tables).';
COMMENT ON COLUMN safeguard.data_dictionary.column_position IS 'Column number, from 1, in the relation''s order.';
COMMENT ON COLUMN safeguard.data_dictionary.column_name IS 'Column name.';
COMMENT ON COLUMN safeguard.data_dictionary.data_type IS 'Column type, as SQL writes it.';
COMMENT ON COLUMN safeguard.data_dictionary.column_description IS 'What the column holds.';
REVOKE ALL ON safeguard.data_dictionary FROM PUBLIC;
GRANT SELECT ON safeguard.data_dictionary TO PUBLIC;

-- Issue 17: assurance (case-file audits, SARs)
-- Case-file audit programmes (docs/assurance.md): an organisation's SAM or
-- DSAM (a local authority's; the regulator's administrator for referrals)
-- defines a versioned audit tool of graded questions and a programme over a
-- kind of record (referral, provider_enquiry; the council's own enquiries
-- join as a further kind); each month's sample is drawn at random but
-- reproducibly (seed, candidates, auditors and conflicts recorded in
-- audit_selection, verify_audit_selection() derives it again); an auditor
-- never audits work they acted on; the practitioner acknowledges the
-- findings; actions have owners and deadlines on the policies' ladders.
-- Every rule is in C (case_file_audit.c, assurance.c); each organisation
-- sees only its own audits.
CREATE TYPE safeguard.audit_record_kind AS ENUM ('referral', 'provider_enquiry');
COMMENT ON TYPE safeguard.audit_record_kind IS 'The kinds of record a case-file audit programme samples (a further kind, such as the council''s own enquiries, is a further label).';

CREATE TYPE safeguard.audit_grade AS ENUM ('outstanding', 'good', 'requires_improvement', 'inadequate');
COMMENT ON TYPE safeguard.audit_grade IS 'The grade an auditor gives each question of a case-file audit.';

CREATE TYPE safeguard.case_file_audit_state AS ENUM ('assigned', 'completed', 'acknowledged');
COMMENT ON TYPE safeguard.case_file_audit_state IS 'A case-file audit is assigned to an auditor, completed by the auditor, acknowledged by the practitioner.';

CREATE TYPE safeguard.audit_action_status AS ENUM ('open', 'done');
COMMENT ON TYPE safeguard.audit_action_status IS 'An audit action is open until its owner records it done.';

CREATE FUNCTION safeguard.assurance_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_assurance_guard';
COMMENT ON FUNCTION safeguard.assurance_guard() IS 'Trigger: who may define audit tools and programmes, grade, complete, acknowledge and act on case-file audits, and with what (src/case_file_audit.c).';
REVOKE ALL ON FUNCTION safeguard.assurance_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.assurance_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_assurance_after';
COMMENT ON FUNCTION safeguard.assurance_after() IS 'Trigger: the deadlines a case-file audit''s completion and its actions open and close.';
REVOKE ALL ON FUNCTION safeguard.assurance_after() FROM PUBLIC;

CREATE TABLE safeguard.audit_tool (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    name            text NOT NULL,
    version         integer NOT NULL,
    created_by      regrole,
    created_at      timestamptz,
    UNIQUE (organisation_id, name, version)
);
COMMENT ON TABLE safeguard.audit_tool IS 'A version of a case-file audit tool: a list of questions, each graded. A version is frozen once a programme uses it; a changed tool is a new version of the same name.';
COMMENT ON COLUMN safeguard.audit_tool.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_tool.organisation_id IS 'The organisation whose tool it is (recorded by safeguard: the author''s).';
COMMENT ON COLUMN safeguard.audit_tool.name IS 'The tool''s name.';
COMMENT ON COLUMN safeguard.audit_tool.version IS 'Version of that name, from 1 (numbered by safeguard).';
COMMENT ON COLUMN safeguard.audit_tool.created_by IS 'Who defined it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_tool.created_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_tool
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_tool
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_tool
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_tool
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_tool
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_tool ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_tool FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_tool
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.audit_tool FROM PUBLIC;
GRANT SELECT ON safeguard.audit_tool TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
GRANT INSERT ON safeguard.audit_tool TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_tool', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_tool_id_seq', '');

CREATE TABLE safeguard.audit_question (
    tool_id   bigint NOT NULL REFERENCES safeguard.audit_tool,
    position  integer NOT NULL,
    question  text NOT NULL,
    guidance  text,
    PRIMARY KEY (tool_id, position)
);
COMMENT ON TABLE safeguard.audit_question IS 'The questions of an audit tool version, in order; each is graded outstanding, good, requires improvement or inadequate, with a note.';
COMMENT ON COLUMN safeguard.audit_question.tool_id IS 'The tool version.';
COMMENT ON COLUMN safeguard.audit_question.position IS 'The question''s number in the tool, from 1 (numbered by safeguard).';
COMMENT ON COLUMN safeguard.audit_question.question IS 'The question the auditor grades (e.g. Was the decision made in time and its rationale recorded?).';
COMMENT ON COLUMN safeguard.audit_question.guidance IS 'What each grade looks like, for the auditor.';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_question
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_question
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_question
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('tool_id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_question
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_question ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_question FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_question USING (EXISTS (
    SELECT 1 FROM safeguard.audit_tool t WHERE t.id OPERATOR(pg_catalog.=) tool_id));
REVOKE ALL ON safeguard.audit_question FROM PUBLIC;
GRANT SELECT ON safeguard.audit_question TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
GRANT INSERT ON safeguard.audit_question TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_question', '');

CREATE TABLE safeguard.audit_programme (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id       bigint NOT NULL REFERENCES safeguard.organisation,
    name                  text NOT NULL,
    record_kind           safeguard.audit_record_kind NOT NULL,
    tool_id               bigint NOT NULL REFERENCES safeguard.audit_tool,
    per_auditor_per_month integer NOT NULL,
    sample_from           date NOT NULL,
    sample_to             date NOT NULL,
    auditors              regrole[] NOT NULL,
    created_by            regrole,
    created_at            timestamptz
);
COMMENT ON TABLE safeguard.audit_programme IS 'An agreed programme of case-file audits: which records, from which period, how many per auditor per month, by whom, with which tool version.';
COMMENT ON COLUMN safeguard.audit_programme.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_programme.organisation_id IS 'The organisation whose programme it is (recorded by safeguard): a local authority, or the regulator for referrals.';
COMMENT ON COLUMN safeguard.audit_programme.name IS 'The programme''s name.';
COMMENT ON COLUMN safeguard.audit_programme.record_kind IS 'The kind of record audited: referral or provider_enquiry.';
COMMENT ON COLUMN safeguard.audit_programme.tool_id IS 'The audit tool version (with at least one question; frozen once used).';
COMMENT ON COLUMN safeguard.audit_programme.per_auditor_per_month IS 'How many records each auditor audits in a month (1 to 100).';
COMMENT ON COLUMN safeguard.audit_programme.sample_from IS 'First day of the period the records are sampled from (by when they reached the organisation: a referral''s sending, an enquiry''s proposal), in the organisation''s time zone.';
COMMENT ON COLUMN safeguard.audit_programme.sample_to IS 'Last day of that period.';
COMMENT ON COLUMN safeguard.audit_programme.auditors IS 'The auditors, in the order the draw serves them: roles holding the la_officer, sam or admin duty for the authority (inspector or admin for the regulator).';
COMMENT ON COLUMN safeguard.audit_programme.created_by IS 'Who defined it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_programme.created_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_programme
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_programme
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_programme
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_programme
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_programme
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_programme ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_programme FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_programme
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.audit_programme FROM PUBLIC;
GRANT SELECT ON safeguard.audit_programme TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
GRANT INSERT ON safeguard.audit_programme TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_programme', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_programme_id_seq', '');

CREATE TABLE safeguard.audit_selection (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id      bigint NOT NULL REFERENCES safeguard.audit_programme,
    organisation_id   bigint NOT NULL REFERENCES safeguard.organisation,
    month             date NOT NULL,
    seed              bigint NOT NULL,
    candidates        bigint[] NOT NULL,
    auditors          regrole[] NOT NULL,
    conflict_records  bigint[] NOT NULL,
    conflict_auditors regrole[] NOT NULL,
    selected_by       regrole NOT NULL,
    selected_at       timestamptz NOT NULL,
    UNIQUE (programme_id, month)
);
COMMENT ON TABLE safeguard.audit_selection IS 'A month''s random draw of a programme, with everything it was drawn from, so that the choice can be derived again (verify_audit_selection) and nobody can pick easy cases. Written only by safeguard.';
COMMENT ON COLUMN safeguard.audit_selection.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_selection.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.audit_selection.organisation_id IS 'The programme''s organisation.';
COMMENT ON COLUMN safeguard.audit_selection.month IS 'The month the audits are for (its first day); drawn once.';
COMMENT ON COLUMN safeguard.audit_selection.seed IS 'The seed of the draw (given, or drawn from a strong random source).';
COMMENT ON COLUMN safeguard.audit_selection.candidates IS 'The ids of every record the draw could take: of the programme''s kind and organisation, in its period, not audited by it before.';
COMMENT ON COLUMN safeguard.audit_selection.auditors IS 'The programme''s auditors at the draw, in order.';
COMMENT ON COLUMN safeguard.audit_selection.conflict_records IS 'With conflict_auditors: the pairs the draw avoided (the auditor acted on the record).';
COMMENT ON COLUMN safeguard.audit_selection.conflict_auditors IS 'The auditor of each pair in conflict_records.';
COMMENT ON COLUMN safeguard.audit_selection.selected_by IS 'Who drew it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_selection.selected_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_selection
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_selection
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_selection
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_selection
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_selection
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_selection ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_selection FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_selection
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.audit_selection FROM PUBLIC;
GRANT SELECT ON safeguard.audit_selection TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_selection', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_selection_id_seq', '');

CREATE TABLE safeguard.case_file_audit (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    selection_id         bigint NOT NULL REFERENCES safeguard.audit_selection,
    programme_id         bigint NOT NULL REFERENCES safeguard.audit_programme,
    organisation_id      bigint NOT NULL REFERENCES safeguard.organisation,
    record_kind          safeguard.audit_record_kind NOT NULL,
    record_id            bigint NOT NULL,
    drawn_for            regrole NOT NULL,
    auditor              regrole NOT NULL,
    practitioner         regrole,
    practitioner_team    text,
    draw_position        integer NOT NULL,
    state                safeguard.case_file_audit_state NOT NULL DEFAULT 'assigned',
    summary              text,
    completed_at         timestamptz,
    practitioner_comment text,
    acknowledged_at      timestamptz
);
CREATE INDEX case_file_audit_selection ON safeguard.case_file_audit (selection_id);
CREATE INDEX case_file_audit_record ON safeguard.case_file_audit (programme_id, record_id);
COMMENT ON TABLE safeguard.case_file_audit IS 'One record drawn for one auditor: graded question by question (audit_answer), completed by the auditor, acknowledged by the practitioner whose work it is. Created only by a selection; never deleted.';
COMMENT ON COLUMN safeguard.case_file_audit.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.case_file_audit.selection_id IS 'The draw that chose it.';
COMMENT ON COLUMN safeguard.case_file_audit.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.case_file_audit.organisation_id IS 'The programme''s organisation.';
COMMENT ON COLUMN safeguard.case_file_audit.record_kind IS 'The kind of record audited.';
COMMENT ON COLUMN safeguard.case_file_audit.record_id IS 'The record audited (a referral''s or provider enquiry''s id).';
COMMENT ON COLUMN safeguard.case_file_audit.drawn_for IS 'The auditor the draw gave it to (kept when reassigned: the draw is verified against it).';
COMMENT ON COLUMN safeguard.case_file_audit.auditor IS 'The auditor now (the SAM may reassign it while assigned); never one who acted on the record.';
COMMENT ON COLUMN safeguard.case_file_audit.practitioner IS 'Whose work was audited (a referral: the allocated worker, else who decided, else who acknowledged; for the regulator, who triaged; a provider enquiry: who decided to invoke it, else who proposed it), who acknowledges the findings.';
COMMENT ON COLUMN safeguard.case_file_audit.practitioner_team IS 'The practitioner''s team at the draw (duty_grant.team), for grades by team.';
COMMENT ON COLUMN safeguard.case_file_audit.draw_position IS 'The record''s place in the draw''s shuffled order.';
COMMENT ON COLUMN safeguard.case_file_audit.state IS 'assigned, completed or acknowledged.';
COMMENT ON COLUMN safeguard.case_file_audit.summary IS 'The auditor''s summary of the findings, for the practitioner (required to complete).';
COMMENT ON COLUMN safeguard.case_file_audit.completed_at IS 'When the auditor completed it (recorded by safeguard); the practitioner''s acknowledgement is then due.';
COMMENT ON COLUMN safeguard.case_file_audit.practitioner_comment IS 'The practitioner''s response to the findings.';
COMMENT ON COLUMN safeguard.case_file_audit.acknowledged_at IS 'When the practitioner acknowledged the findings (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.case_file_audit
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.case_file_audit
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_after AFTER INSERT OR UPDATE ON safeguard.case_file_audit
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_after();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.case_file_audit
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.case_file_audit
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.case_file_audit
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.case_file_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.case_file_audit FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.case_file_audit
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.case_file_audit FROM PUBLIC;
GRANT SELECT, UPDATE ON safeguard.case_file_audit TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre;
GRANT SELECT ON safeguard.case_file_audit TO safeguard_auditor;
SELECT pg_catalog.pg_extension_config_dump('safeguard.case_file_audit', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.case_file_audit_id_seq', '');

CREATE TABLE safeguard.audit_answer (
    audit_id    bigint NOT NULL REFERENCES safeguard.case_file_audit,
    position    integer NOT NULL,
    grade       safeguard.audit_grade NOT NULL,
    note        text NOT NULL,
    recorded_at timestamptz,
    PRIMARY KEY (audit_id, position)
);
COMMENT ON TABLE safeguard.audit_answer IS 'The assigned auditor''s grade and note for one question of a case-file audit, given while the audit is assigned; kept as given.';
COMMENT ON COLUMN safeguard.audit_answer.audit_id IS 'The audit.';
COMMENT ON COLUMN safeguard.audit_answer.position IS 'The question''s number in the programme''s tool.';
COMMENT ON COLUMN safeguard.audit_answer.grade IS 'outstanding, good, requires_improvement or inadequate.';
COMMENT ON COLUMN safeguard.audit_answer.note IS 'What in the record supports the grade (required).';
COMMENT ON COLUMN safeguard.audit_answer.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_answer
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_answer
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_answer
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('audit_id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_answer
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_answer ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_answer FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_answer USING (EXISTS (
    SELECT 1 FROM safeguard.case_file_audit a WHERE a.id OPERATOR(pg_catalog.=) audit_id));
REVOKE ALL ON safeguard.audit_answer FROM PUBLIC;
GRANT SELECT ON safeguard.audit_answer TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;
GRANT INSERT ON safeguard.audit_answer TO safeguard_admin, safeguard_sam, safeguard_la_officer, safeguard_inspector;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_answer', '');

CREATE TABLE safeguard.audit_action (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    audit_id        bigint NOT NULL REFERENCES safeguard.case_file_audit,
    organisation_id bigint NOT NULL REFERENCES safeguard.organisation,
    description     text NOT NULL,
    owner           regrole NOT NULL,
    working_days    integer,
    status          safeguard.audit_action_status NOT NULL DEFAULT 'open',
    created_by      regrole,
    created_at      timestamptz,
    done_note       text,
    done_by         regrole,
    done_at         timestamptz
);
CREATE INDEX audit_action_audit ON safeguard.audit_action (audit_id);
COMMENT ON TABLE safeguard.audit_action IS 'An action a completed case-file audit sets, with its owner and a deadline (kind audit_action) on the organisation''s policy and escalation ladder.';
COMMENT ON COLUMN safeguard.audit_action.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_action.audit_id IS 'The audit that set it.';
COMMENT ON COLUMN safeguard.audit_action.organisation_id IS 'The audit''s organisation (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_action.description IS 'What must be done.';
COMMENT ON COLUMN safeguard.audit_action.owner IS 'Who must do it: a role holding a duty for the organisation.';
COMMENT ON COLUMN safeguard.audit_action.working_days IS 'Its timescale in working days, within the policy''s (20 by default); NULL: the policy''s.';
COMMENT ON COLUMN safeguard.audit_action.status IS 'open or done.';
COMMENT ON COLUMN safeguard.audit_action.created_by IS 'Who set it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_action.created_at IS 'When: its deadline counts from here (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_action.done_note IS 'What was done (required when done).';
COMMENT ON COLUMN safeguard.audit_action.done_by IS 'Who recorded it done (recorded by safeguard).';
COMMENT ON COLUMN safeguard.audit_action.done_at IS 'When (recorded by safeguard): its deadline is met or breached then.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.audit_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.audit_action
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER assurance_after AFTER INSERT OR UPDATE ON safeguard.audit_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_after();
CREATE TRIGGER assurance_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.audit_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assurance_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.audit_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'status', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.audit_action
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.audit_action ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_action FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.audit_action
    USING (organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.audit_action FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON safeguard.audit_action TO safeguard_admin, safeguard_sam,
    safeguard_la_officer, safeguard_inspector, safeguard_contact_centre;
GRANT SELECT ON safeguard.audit_action TO safeguard_auditor;
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_action', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.audit_action_id_seq', '');

-- The workflow of a programme, as functions running with the caller's rights
-- (the guards see the real actor; row-level security decides what it sees).
CREATE FUNCTION safeguard.define_audit_tool(name text, questions text[])
RETURNS bigint LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tool bigint;
BEGIN
    PERFORM safeguard.require_duty('define_audit_tool');
    INSERT INTO safeguard.audit_tool (name) VALUES (define_audit_tool.name) RETURNING id INTO tool;
    INSERT INTO safeguard.audit_question (tool_id, question)
    SELECT tool, q.question FROM pg_catalog.unnest(define_audit_tool.questions) WITH ORDINALITY AS q (question, n)
    ORDER BY q.n;
    RETURN tool;
END
$$;
COMMENT ON FUNCTION safeguard.define_audit_tool(text, text[]) IS 'Defines the next version of a named case-file audit tool for the caller''s organisation with its questions, in order (SAM or DSAM; the regulator''s administrator); returns the tool id. A programme refuses a tool without questions (SG901).';

CREATE FUNCTION safeguard.define_audit_programme(name text, record_kind safeguard.audit_record_kind,
    tool_id bigint, per_auditor_per_month integer, sample_from date, sample_to date, auditors regrole[])
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('define_audit_programme');
    INSERT INTO safeguard.audit_programme (name, record_kind, tool_id, per_auditor_per_month,
                                           sample_from, sample_to, auditors)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.define_audit_programme(text, safeguard.audit_record_kind, bigint, integer, date, date, regrole[]) IS 'Defines a case-file audit programme of the caller''s organisation: the kind of record, the tool version, how many per auditor per month, the period sampled and the auditors; returns its id.';

CREATE FUNCTION safeguard.select_audit_sample(programme_id bigint, month date, seed bigint DEFAULT NULL)
RETURNS bigint LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_select_audit_sample';
COMMENT ON FUNCTION safeguard.select_audit_sample(bigint, date, bigint) IS 'Draws a month''s case-file audits of a programme at random but reproducibly (the seed is drawn when none is given), never giving an auditor a record they acted on; records the seed, candidates, auditors and conflicts (audit_selection) and creates the audits; returns the selection id. SG903 when the period has nothing left to sample, SG907 when the month is drawn already.';
REVOKE ALL ON FUNCTION safeguard.select_audit_sample(bigint, date, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.select_audit_sample(bigint, date, bigint) TO safeguard_admin, safeguard_sam;

CREATE FUNCTION safeguard.verify_audit_selection(selection_id bigint)
RETURNS boolean LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_audit_selection';
COMMENT ON FUNCTION safeguard.verify_audit_selection(bigint) IS 'Derives a selection''s draw again from what it recorded (seed, candidates, auditors, conflicts) and returns true when the audits it created are exactly that draw (same records, auditors drawn for, order).';
REVOKE ALL ON FUNCTION safeguard.verify_audit_selection(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_audit_selection(bigint) TO safeguard_admin, safeguard_sam,
    safeguard_la_officer, safeguard_inspector, safeguard_contact_centre, safeguard_auditor;

CREATE FUNCTION safeguard.grade_audit_question(audit_id bigint, question integer,
    grade safeguard.audit_grade, note text)
RETURNS void LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('audit_case_file');
    INSERT INTO safeguard.audit_answer (audit_id, position, grade, note) VALUES ($1, $2, $3, $4);
$$;
COMMENT ON FUNCTION safeguard.grade_audit_question(bigint, integer, safeguard.audit_grade, text) IS 'The assigned auditor grades one question of a case-file audit with a note (SG904 if they acted on the record).';

CREATE FUNCTION safeguard.case_file_audit_set(audit_id bigint, state safeguard.case_file_audit_state,
    summary text DEFAULT NULL, practitioner_comment text DEFAULT NULL, auditor regrole DEFAULT NULL)
RETURNS safeguard.case_file_audit_state LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.case_file_audit_state;
BEGIN
    UPDATE safeguard.case_file_audit a
       SET state = case_file_audit_set.state,
           summary = coalesce(case_file_audit_set.summary, a.summary),
           practitioner_comment = coalesce(case_file_audit_set.practitioner_comment, a.practitioner_comment),
           auditor = coalesce(case_file_audit_set.auditor, a.auditor)
     WHERE a.id OPERATOR(pg_catalog.=) case_file_audit_set.audit_id
    RETURNING a.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'case-file audit % does not exist or is not visible to you', case_file_audit_set.audit_id
            USING ERRCODE = 'SG208', HINT = 'Audits are seen by the organisation whose programme they belong to.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.case_file_audit_set(bigint, safeguard.case_file_audit_state, text, text, regrole) IS 'Moves a case-file audit (the guard decides who may, and what): used by complete_case_file_audit, acknowledge_case_file_audit and reassign_case_file_audit.';

CREATE FUNCTION safeguard.complete_case_file_audit(audit_id bigint, summary text)
RETURNS safeguard.case_file_audit_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.require_duty('audit_case_file');
      SELECT safeguard.case_file_audit_set($1, 'completed', summary => $2) $$;
COMMENT ON FUNCTION safeguard.complete_case_file_audit(bigint, text) IS 'The assigned auditor completes a case-file audit with a summary once every question is graded (SG905); the practitioner''s acknowledgement is then due (deadline audit_acknowledgement).';

CREATE FUNCTION safeguard.acknowledge_case_file_audit(audit_id bigint, comment text DEFAULT NULL)
RETURNS safeguard.case_file_audit_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.case_file_audit_set($1, 'acknowledged', practitioner_comment => $2) $$;
COMMENT ON FUNCTION safeguard.acknowledge_case_file_audit(bigint, text) IS 'The practitioner whose work was audited acknowledges the findings, with a comment if they wish.';

CREATE FUNCTION safeguard.reassign_case_file_audit(audit_id bigint, auditor regrole)
RETURNS safeguard.case_file_audit_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.require_duty('reassign_case_file_audit');
      SELECT safeguard.case_file_audit_set($1, 'assigned', auditor => $2) $$;
COMMENT ON FUNCTION safeguard.reassign_case_file_audit(bigint, regrole) IS 'The SAM or DSAM gives an assigned audit to another auditor of the organisation (never one who acted on the record: SG904).';

CREATE FUNCTION safeguard.add_audit_action(audit_id bigint, description text, owner regrole,
    working_days integer DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('audit_case_file');
    INSERT INTO safeguard.audit_action (audit_id, description, owner, working_days)
    VALUES ($1, $2, $3, $4) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.add_audit_action(bigint, text, regrole, integer) IS 'Sets an action from a completed audit (its auditor, the SAM or DSAM), with an owner of the organisation and a deadline on the policy''s ladder (audit_action: 20 working days by default, or fewer).';

CREATE FUNCTION safeguard.complete_audit_action(action_id bigint, note text)
RETURNS safeguard.audit_action_status LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.audit_action_status;
BEGIN
    UPDATE safeguard.audit_action x SET status = 'done', done_note = complete_audit_action.note
     WHERE x.id OPERATOR(pg_catalog.=) complete_audit_action.action_id
    RETURNING x.status INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'audit action % does not exist or is not visible to you', complete_audit_action.action_id
            USING ERRCODE = 'SG208', HINT = 'Audit actions are seen by the organisation whose audit set them.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.complete_audit_action(bigint, text) IS 'Records an audit action done, with what was done (its owner, the auditor, the SAM or DSAM); its deadline is met or breached.';

-- Reports of a programme, under the caller's row-level security.
CREATE VIEW safeguard.case_file_audit_coverage WITH (security_invoker = true) AS
SELECT p.id AS programme_id, p.organisation_id, p.record_kind, s.id AS selection_id, s.month,
       (pg_catalog.cardinality(s.auditors) OPERATOR(pg_catalog.*) p.per_auditor_per_month)::bigint AS planned,
       pg_catalog.cardinality(s.candidates)::bigint AS candidates,
       pg_catalog.count(a.id) AS selected,
       pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.<>) 'assigned') AS completed,
       pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.=) 'acknowledged') AS acknowledged,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.<>) 'assigned')
             OPERATOR(pg_catalog./) (pg_catalog.cardinality(s.auditors) OPERATOR(pg_catalog.*) p.per_auditor_per_month), 1) AS coverage_percent
FROM safeguard.audit_programme p
JOIN safeguard.audit_selection s ON s.programme_id OPERATOR(pg_catalog.=) p.id
LEFT JOIN safeguard.case_file_audit a ON a.selection_id OPERATOR(pg_catalog.=) s.id
GROUP BY p.id, s.id;
COMMENT ON VIEW safeguard.case_file_audit_coverage IS 'Coverage of each programme''s months against the programme: audits planned (auditors x per month), drawn, completed and acknowledged.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.organisation_id IS 'Its organisation.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.record_kind IS 'The kind of record it audits.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.selection_id IS 'The month''s draw.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.month IS 'The month (its first day).';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.planned IS 'Audits the programme plans for the month: auditors x per_auditor_per_month.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.candidates IS 'Records the draw could take.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.selected IS 'Audits drawn (fewer than planned when the candidates ran out).';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.completed IS 'Audits completed (acknowledged ones included).';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.acknowledged IS 'Audits the practitioner acknowledged.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.coverage_percent IS 'Completed as a percentage of planned.';
REVOKE ALL ON safeguard.case_file_audit_coverage FROM PUBLIC;
GRANT SELECT ON safeguard.case_file_audit_coverage TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;

CREATE VIEW safeguard.case_file_audit_grades WITH (security_invoker = true) AS
SELECT a.programme_id, a.organisation_id, q.position AS question_position, q.question,
       coalesce(a.practitioner_team, 'No team recorded') AS team, s.month, x.grade,
       pg_catalog.count(*) AS answers
FROM safeguard.audit_answer x
JOIN safeguard.case_file_audit a ON a.id OPERATOR(pg_catalog.=) x.audit_id
JOIN safeguard.audit_selection s ON s.id OPERATOR(pg_catalog.=) a.selection_id
JOIN safeguard.audit_programme p ON p.id OPERATOR(pg_catalog.=) a.programme_id
JOIN safeguard.audit_question q ON q.tool_id OPERATOR(pg_catalog.=) p.tool_id AND q.position OPERATOR(pg_catalog.=) x.position
WHERE a.state OPERATOR(pg_catalog.<>) 'assigned'
GROUP BY a.programme_id, a.organisation_id, q.position, q.question, a.practitioner_team, s.month, x.grade;
COMMENT ON VIEW safeguard.case_file_audit_grades IS 'Grades of completed case-file audits by programme, question, the practitioner''s team and month.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.organisation_id IS 'Its organisation.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.question_position IS 'The question''s number in the tool.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.question IS 'The question.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.team IS 'The practitioner''s team at the draw (No team recorded when none).';
COMMENT ON COLUMN safeguard.case_file_audit_grades.month IS 'The month of the draw.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.grade IS 'The grade.';
COMMENT ON COLUMN safeguard.case_file_audit_grades.answers IS 'How many answers gave it.';
REVOKE ALL ON safeguard.case_file_audit_grades FROM PUBLIC;
GRANT SELECT ON safeguard.case_file_audit_grades TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;

CREATE VIEW safeguard.case_file_audit_actions_open WITH (security_invoker = true) AS
SELECT x.id AS action_id, x.audit_id, a.programme_id, x.organisation_id, a.record_kind, a.record_id,
       x.description, x.owner, x.created_at, d.id AS deadline_id, d.due_at,
       coalesce(d.overdue, false) AS overdue
FROM safeguard.audit_action x
JOIN safeguard.case_file_audit a ON a.id OPERATOR(pg_catalog.=) x.audit_id
LEFT JOIN safeguard.open_deadlines d ON d.subject_table OPERATOR(pg_catalog.=) 'audit_action'
                                    AND d.subject_id OPERATOR(pg_catalog.=) x.id
WHERE x.status OPERATOR(pg_catalog.=) 'open';
COMMENT ON VIEW safeguard.case_file_audit_actions_open IS 'Open actions from case-file audits, with their owners and when each is due.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.action_id IS 'The action.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.audit_id IS 'The audit that set it.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.programme_id IS 'The audit''s programme.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.organisation_id IS 'The organisation.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.record_kind IS 'The kind of record audited.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.record_id IS 'The record audited.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.description IS 'What must be done.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.owner IS 'Who must do it.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.created_at IS 'When it was set.';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.deadline_id IS 'Its deadline (kind audit_action).';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.due_at IS 'When it is due (empty while paused).';
COMMENT ON COLUMN safeguard.case_file_audit_actions_open.overdue IS 'True once due and not done.';
REVOKE ALL ON safeguard.case_file_audit_actions_open FROM PUBLIC;
GRANT SELECT ON safeguard.case_file_audit_actions_open TO safeguard_admin, safeguard_sam, safeguard_la_officer,
    safeguard_inspector, safeguard_contact_centre, safeguard_auditor;

-- Safeguarding Adults Reviews (Care Act 2014 s44; docs/assurance.md): a
-- referral of a case to the local authority's Safeguarding Adults Board, the
-- board's decision with its rationale within the policy's timescale (30
-- working days by default), the commissioned review with the people it
-- concerns, its completion and its action plan (src/sar.c).  sar_sg5()
-- counts them for SAC table SG5.
CREATE TYPE safeguard.sar_state AS ENUM ('referred', 'commissioned', 'not_commissioned', 'completed');
COMMENT ON TYPE safeguard.sar_state IS 'A Safeguarding Adults Review referral: referred to the board, then commissioned (then completed) or not commissioned.';

CREATE FUNCTION safeguard.sar_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_sar_guard';
COMMENT ON FUNCTION safeguard.sar_guard() IS 'Trigger: who may refer a case for a Safeguarding Adults Review, decide, record its people and action plan and complete it, checked against the review''s state machine (src/sar.c).';
REVOKE ALL ON FUNCTION safeguard.sar_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.sar_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_sar_after';
COMMENT ON FUNCTION safeguard.sar_after() IS 'Trigger: the deadlines a review''s referral, decision and completion open and close.';
REVOKE ALL ON FUNCTION safeguard.sar_after() FROM PUBLIC;

CREATE TABLE safeguard.sar_referral (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id                    bigint NOT NULL REFERENCES safeguard.organisation,
    case_id                  bigint NOT NULL REFERENCES safeguard.safeguarding_case,
    referral_id              bigint REFERENCES safeguard.referral,
    adult_died               boolean NOT NULL DEFAULT false,
    serious_abuse_or_neglect boolean NOT NULL DEFAULT false,
    agencies_concern         boolean NOT NULL DEFAULT false,
    discretionary            boolean NOT NULL DEFAULT false,
    criteria_note            text,
    state                    safeguard.sar_state NOT NULL DEFAULT 'referred',
    referred_by              regrole,
    referred_org_id          bigint REFERENCES safeguard.organisation,
    referred_at              timestamptz,
    decision_rationale       text,
    reviewer                 text,
    methodology              text,
    decided_by               regrole,
    decided_org_id           bigint REFERENCES safeguard.organisation,
    decided_at               timestamptz,
    findings_summary         text,
    completed_by             regrole,
    completed_org_id         bigint REFERENCES safeguard.organisation,
    completed_at             timestamptz
);
CREATE INDEX sar_referral_case ON safeguard.sar_referral (case_id);
COMMENT ON TABLE safeguard.sar_referral IS 'A Safeguarding Adults Review (Care Act 2014 s44): the referral of a case to the Safeguarding Adults Board, the board''s decision and the commissioned review. Its states are checked in C; never deleted.';
COMMENT ON COLUMN safeguard.sar_referral.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.sar_referral.la_id IS 'The local authority whose board it goes to: the case''s (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.sar_referral.referral_id IS 'The referral of the case it concerns, if one.';
COMMENT ON COLUMN safeguard.sar_referral.adult_died IS 'Criterion: the adult died (and abuse or neglect is known or suspected).';
COMMENT ON COLUMN safeguard.sar_referral.serious_abuse_or_neglect IS 'Criterion: the adult is alive and experienced serious abuse or neglect.';
COMMENT ON COLUMN safeguard.sar_referral.agencies_concern IS 'Criterion: there is concern about how partner agencies worked together to safeguard the adult.';
COMMENT ON COLUMN safeguard.sar_referral.discretionary IS 'A discretionary review (s44(4)) where the criteria are not met; criteria_note says why.';
COMMENT ON COLUMN safeguard.sar_referral.criteria_note IS 'The referrer''s account of how the criteria are met, or why a discretionary review.';
COMMENT ON COLUMN safeguard.sar_referral.state IS 'referred, commissioned, not_commissioned or completed.';
COMMENT ON COLUMN safeguard.sar_referral.referred_by IS 'Who referred it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.referred_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.referred_at IS 'When (recorded by safeguard): the board''s decision is due within the policy''s timescale (sar_decision, 30 working days by default).';
COMMENT ON COLUMN safeguard.sar_referral.decision_rationale IS 'Why the board did or did not commission a review (required).';
COMMENT ON COLUMN safeguard.sar_referral.reviewer IS 'The independent reviewer or panel chair commissioned (required to commission).';
COMMENT ON COLUMN safeguard.sar_referral.methodology IS 'The review''s methodology (e.g. learning together, rapid review).';
COMMENT ON COLUMN safeguard.sar_referral.decided_by IS 'Who recorded the board''s decision (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.decided_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.decided_at IS 'When (recorded by safeguard); a commissioned review is due within the policy''s timescale (sar_completion).';
COMMENT ON COLUMN safeguard.sar_referral.findings_summary IS 'The review''s findings and recommendations (required to complete).';
COMMENT ON COLUMN safeguard.sar_referral.completed_by IS 'Who recorded the completion (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.completed_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_referral.completed_at IS 'When the review completed (recorded by safeguard): SG5 counts it in that reporting year.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.sar_referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sar_referral
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.sar_referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'case_id');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sar_referral
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER sar_after AFTER INSERT OR UPDATE ON safeguard.sar_referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.sar_after();
CREATE TRIGGER sar_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.sar_referral
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.sar_guard();
ALTER TABLE safeguard.sar_referral ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sar_referral FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.sar_referral
    USING (la_id OPERATOR(pg_catalog.=) safeguard.current_organisation());
REVOKE ALL ON safeguard.sar_referral FROM PUBLIC;
GRANT SELECT ON safeguard.sar_referral TO safeguard_admin, safeguard_sam, safeguard_la_officer, safeguard_auditor;
GRANT INSERT ON safeguard.sar_referral TO safeguard_admin, safeguard_sam, safeguard_la_officer;
GRANT UPDATE ON safeguard.sar_referral TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_referral', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_referral_id_seq', '');

CREATE TABLE safeguard.sar_person (
    sar_id       bigint NOT NULL REFERENCES safeguard.sar_referral,
    person_no    integer NOT NULL,
    case_id      bigint REFERENCES safeguard.safeguarding_case,
    died         boolean NOT NULL,
    serious_harm boolean NOT NULL DEFAULT true,
    recorded_by  regrole,
    recorded_at  timestamptz,
    PRIMARY KEY (sar_id, person_no)
);
COMMENT ON TABLE safeguard.sar_person IS 'The individuals a Safeguarding Adults Review concerns (no names: a number, whether they died, their case when one), counted by SG5.';
COMMENT ON COLUMN safeguard.sar_person.sar_id IS 'The review.';
COMMENT ON COLUMN safeguard.sar_person.person_no IS 'The individual''s number in the review, from 1 (numbered by safeguard).';
COMMENT ON COLUMN safeguard.sar_person.case_id IS 'Their case in this authority, if one.';
COMMENT ON COLUMN safeguard.sar_person.died IS 'True when the individual died.';
COMMENT ON COLUMN safeguard.sar_person.serious_harm IS 'True when the individual suffered serious harm (SG5b counts these, by died or survived).';
COMMENT ON COLUMN safeguard.sar_person.recorded_by IS 'Who recorded them (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_person.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sar_person
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.sar_person
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('sar_id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sar_person
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER sar_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.sar_person
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.sar_guard();
ALTER TABLE safeguard.sar_person ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sar_person FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.sar_person USING (EXISTS (
    SELECT 1 FROM safeguard.sar_referral s WHERE s.id OPERATOR(pg_catalog.=) sar_id));
REVOKE ALL ON safeguard.sar_person FROM PUBLIC;
GRANT SELECT ON safeguard.sar_person TO safeguard_admin, safeguard_sam, safeguard_la_officer, safeguard_auditor;
GRANT INSERT ON safeguard.sar_person TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_person', '');

CREATE TABLE safeguard.sar_action (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sar_id      bigint NOT NULL REFERENCES safeguard.sar_referral,
    agency_id   bigint REFERENCES safeguard.organisation,
    description text NOT NULL,
    due_date    date,
    recorded_by regrole,
    recorded_at timestamptz
);
COMMENT ON TABLE safeguard.sar_action IS 'The action plan of a Safeguarding Adults Review: what each agency will do, by when.';
COMMENT ON COLUMN safeguard.sar_action.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.sar_action.sar_id IS 'The review.';
COMMENT ON COLUMN safeguard.sar_action.agency_id IS 'The agency that owns the action, when it is an organisation safeguard knows.';
COMMENT ON COLUMN safeguard.sar_action.description IS 'What will be done (required).';
COMMENT ON COLUMN safeguard.sar_action.due_date IS 'By when.';
COMMENT ON COLUMN safeguard.sar_action.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.sar_action.recorded_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.sar_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sar_action
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.sar_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sar_action
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
CREATE TRIGGER sar_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.sar_action
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.sar_guard();
ALTER TABLE safeguard.sar_action ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sar_action FORCE ROW LEVEL SECURITY;
CREATE POLICY own_organisation ON safeguard.sar_action USING (EXISTS (
    SELECT 1 FROM safeguard.sar_referral s WHERE s.id OPERATOR(pg_catalog.=) sar_id));
REVOKE ALL ON safeguard.sar_action FROM PUBLIC;
GRANT SELECT ON safeguard.sar_action TO safeguard_admin, safeguard_sam, safeguard_la_officer, safeguard_auditor;
GRANT INSERT ON safeguard.sar_action TO safeguard_admin, safeguard_sam;
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_action', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.sar_action_id_seq', '');

CREATE FUNCTION safeguard.refer_for_sar(case_id bigint, adult_died boolean, serious_abuse_or_neglect boolean,
    agencies_concern boolean, criteria_note text, referral_id bigint DEFAULT NULL, discretionary boolean DEFAULT false)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('refer_for_sar');
    INSERT INTO safeguard.sar_referral (case_id, adult_died, serious_abuse_or_neglect, agencies_concern,
                                        criteria_note, referral_id, discretionary)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.refer_for_sar(bigint, boolean, boolean, boolean, text, bigint, boolean) IS 'Refers a case (and optionally its referral) to the authority''s Safeguarding Adults Board for a review: the adult died or experienced serious abuse or neglect, and there is concern about how agencies worked together (SG911 otherwise, unless discretionary with its reason); the board''s decision is then due. Returns the review id.';

CREATE FUNCTION safeguard.sar_set_state(sar_id bigint, state safeguard.sar_state, decision_rationale text DEFAULT NULL,
    reviewer text DEFAULT NULL, methodology text DEFAULT NULL, findings_summary text DEFAULT NULL)
RETURNS safeguard.sar_state LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.sar_state;
BEGIN
    UPDATE safeguard.sar_referral s
       SET state = sar_set_state.state,
           decision_rationale = coalesce(sar_set_state.decision_rationale, s.decision_rationale),
           reviewer = coalesce(sar_set_state.reviewer, s.reviewer),
           methodology = coalesce(sar_set_state.methodology, s.methodology),
           findings_summary = coalesce(sar_set_state.findings_summary, s.findings_summary)
     WHERE s.id OPERATOR(pg_catalog.=) sar_set_state.sar_id
    RETURNING s.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Safeguarding Adults Review % does not exist or is not visible to you', sar_set_state.sar_id
            USING ERRCODE = 'SG208', HINT = 'Reviews are worked by the case''s local authority.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.sar_set_state(bigint, safeguard.sar_state, text, text, text, text) IS 'Moves a Safeguarding Adults Review to a state with that step''s columns (the guard checks the transition, the duty and the columns): used by decide_sar and complete_sar.';

CREATE FUNCTION safeguard.decide_sar(sar_id bigint, commission boolean, rationale text,
    reviewer text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS safeguard.sar_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.require_duty('record_sar');
      SELECT safeguard.sar_set_state($1, CASE WHEN $2 THEN 'commissioned' ELSE 'not_commissioned' END::safeguard.sar_state,
                                     decision_rationale => $3, reviewer => $4, methodology => $5) $$;
COMMENT ON FUNCTION safeguard.decide_sar(bigint, boolean, text, text, text) IS 'Records the Safeguarding Adults Board''s decision with its rationale (SG205 without): commission a review (with its reviewer) or not (SAM or DSAM of the authority).';

CREATE FUNCTION safeguard.add_sar_person(sar_id bigint, died boolean, serious_harm boolean DEFAULT true,
    case_id bigint DEFAULT NULL)
RETURNS integer LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_sar');
    INSERT INTO safeguard.sar_person (sar_id, died, serious_harm, case_id) VALUES ($1, $2, $3, $4)
    RETURNING person_no;
$$;
COMMENT ON FUNCTION safeguard.add_sar_person(bigint, boolean, boolean, bigint) IS 'Records an individual a Safeguarding Adults Review concerns (whether they died, whether they suffered serious harm, their case if one) before it completes; returns their number in the review.';

CREATE FUNCTION safeguard.add_sar_action(sar_id bigint, description text, due_date date DEFAULT NULL,
    agency_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_sar');
    INSERT INTO safeguard.sar_action (sar_id, description, due_date, agency_id) VALUES ($1, $2, $3, $4)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.add_sar_action(bigint, text, date, bigint) IS 'Adds an action to a commissioned review''s action plan: what, by when, by which agency.';

CREATE FUNCTION safeguard.complete_sar(sar_id bigint, findings_summary text)
RETURNS safeguard.sar_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.require_duty('record_sar');
      SELECT safeguard.sar_set_state($1, 'completed', findings_summary => $2) $$;
COMMENT ON FUNCTION safeguard.complete_sar(bigint, text) IS 'Completes a commissioned review with its findings, once its people and action plan are recorded (SG912).';

-- SAC table SG5 (NHS Digital): Safeguarding Adults Reviews completed in the
-- reporting year, where one or more individuals died (SG5a) or none died,
-- and the individuals who suffered serious harm and died (SG5b) or
-- survived.  sac_return is being reshaped on its own branch; it reads these.
CREATE FUNCTION safeguard.sar_sg5(year integer, la_id bigint DEFAULT NULL)
RETURNS TABLE (local_authority_id bigint, sars_where_died bigint, sars_where_none_died bigint,
               individuals_died bigint, individuals_survived bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
WITH period AS (SELECT safeguard.sac_year(sar_sg5.year) AS p),
done AS (
    SELECT s.id, s.la_id,
           EXISTS (SELECT 1 FROM safeguard.sar_person x WHERE x.sar_id OPERATOR(pg_catalog.=) s.id AND x.died) AS any_died
    FROM safeguard.sar_referral s, period
    WHERE s.state OPERATOR(pg_catalog.=) 'completed'
      AND (s.completed_at AT TIME ZONE 'Europe/London')::pg_catalog.date OPERATOR(pg_catalog.<@) period.p
      AND (sar_sg5.la_id IS NULL OR s.la_id OPERATOR(pg_catalog.=) sar_sg5.la_id)
)
SELECT d.la_id,
       pg_catalog.count(*) FILTER (WHERE d.any_died),
       pg_catalog.count(*) FILTER (WHERE NOT d.any_died),
       (SELECT pg_catalog.count(*) FROM safeguard.sar_person x JOIN done e ON e.id OPERATOR(pg_catalog.=) x.sar_id
         WHERE e.la_id OPERATOR(pg_catalog.=) d.la_id AND x.serious_harm AND x.died),
       (SELECT pg_catalog.count(*) FROM safeguard.sar_person x JOIN done e ON e.id OPERATOR(pg_catalog.=) x.sar_id
         WHERE e.la_id OPERATOR(pg_catalog.=) d.la_id AND x.serious_harm AND NOT x.died)
FROM done d
GROUP BY d.la_id
$$;
COMMENT ON FUNCTION safeguard.sar_sg5(integer, bigint) IS 'SAC table SG5 for the reporting year starting 1 April of year, per local authority the caller may see (optionally one): Safeguarding Adults Reviews completed in the year where one or more individuals died (SG5a) and where none died, and the individuals who suffered serious harm and died (SG5b) and who survived. An authority with no completed review has no row (its counts are zero). SG601 outside 2000-2100.';
REVOKE ALL ON FUNCTION safeguard.sar_sg5(integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sar_sg5(integer, bigint) TO safeguard_admin, safeguard_sam,
    safeguard_la_officer, safeguard_auditor;

-- The assurance deadlines: the practitioner's acknowledgement, audit
-- actions, the board's decision and the review's completion, with the
-- default ladder (warn 2 working days before, breach, escalate 5 after).
INSERT INTO safeguard.deadline_kind VALUES
    ('audit_acknowledgement', 'case_file_audit', 'case-file audit completed (completed_at)', 'findings acknowledged by the practitioner', 'The practitioner whose work was audited acknowledges the findings.'),
    ('audit_action', 'audit_action', 'audit action set (created_at)', 'action recorded done', 'The owner of an action from a case-file audit does it.'),
    ('sar_decision', 'sar_referral', 'case referred for a Safeguarding Adults Review (referred_at)', 'the board''s decision recorded', 'The Safeguarding Adults Board decides whether to commission a review.'),
    ('sar_completion', 'sar_referral', 'review commissioned (decided_at)', 'review completed', 'A commissioned Safeguarding Adults Review completes (six months is the usual expectation).');

INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, r.kind, r.amount, r.unit::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p,
     (VALUES ('audit_acknowledgement', 10, 'working_days'), ('audit_action', 20, 'working_days'),
             ('sar_decision', 30, 'working_days'), ('sar_completion', 130, 'working_days')) AS r(kind, amount, unit)
WHERE p.shipped;

INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit, shipped)
SELECT r.policy_id, r.kind, x.rung::safeguard.alert_rung, x.days, r.unit, true
FROM safeguard.deadline_rule r,
     (VALUES ('due_soon', -2), ('breach', 0), ('escalate', 5)) AS x(rung, days)
WHERE r.shipped AND r.kind OPERATOR(pg_catalog.=) ANY ('{audit_acknowledgement,audit_action,sar_decision,sar_completion}'::text[]);

-- The assurance tables belong to safeguard_owner and their triggers fire
-- ALWAYS, as section 10 of the full script makes every table's.
DO $assurance_finish$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname FROM pg_catalog.pg_class c
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND c.relkind OPERATOR(pg_catalog.=) 'r'
               AND c.relname OPERATOR(pg_catalog.=) ANY ('{audit_tool,audit_question,audit_programme,audit_selection,case_file_audit,audit_answer,audit_action,sar_referral,sar_person,sar_action}'::pg_catalog.name[])
             ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I OWNER TO safeguard_owner', t.relname);
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
$assurance_finish$;
