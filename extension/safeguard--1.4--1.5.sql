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
SELECT c.relnamespace::pg_catalog.regnamespace::pg_catalog.text AS schema_name,
       c.relname::pg_catalog.text AS relation_name,
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS relation_kind,
       pg_catalog.obj_description(c.oid, 'pg_class') AS relation_description,
       pg_catalog.has_table_privilege(c.oid, 'SELECT') AS relation_readable,
       a.attnum::integer AS column_position,
       a.attname::pg_catalog.text AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       pg_catalog.col_description(c.oid, a.attnum::integer) AS column_description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
WHERE c.relnamespace::pg_catalog.regnamespace::pg_catalog.text OPERATOR(pg_catalog.=) ANY ('{safeguard,safeguard_reporting}'::pg_catalog.text[])
  AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m}'::"char"[])
  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
  AND pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT');
COMMENT ON VIEW safeguard.data_dictionary IS 'Every table and view column in schemas safeguard and safeguard_reporting that the current role may read, with its description: for BI tools whose driver shows no descriptions (psqlODBC).';
COMMENT ON COLUMN safeguard.data_dictionary.schema_name IS 'safeguard, or safeguard_reporting (the reader''s relations again, for BI tools).';
COMMENT ON COLUMN safeguard.data_dictionary.relation_name IS 'Table or view name.';
COMMENT ON COLUMN safeguard.data_dictionary.relation_kind IS 'table, view or materialized view.';
COMMENT ON COLUMN safeguard.data_dictionary.relation_description IS 'What the table or view holds.';
COMMENT ON COLUMN safeguard.data_dictionary.relation_readable IS 'True when the role may read every column (SELECT * works, and an ODBC tool set to list accessible tables only offers it); false when it may read only the columns listed here (e.g. a reader''s non-identifying columns of casework tables).';
COMMENT ON COLUMN safeguard.data_dictionary.column_position IS 'Column number, from 1, in the relation''s order.';
COMMENT ON COLUMN safeguard.data_dictionary.column_name IS 'Column name.';
COMMENT ON COLUMN safeguard.data_dictionary.data_type IS 'Column type, as SQL writes it.';
COMMENT ON COLUMN safeguard.data_dictionary.column_description IS 'What the column holds.';
REVOKE ALL ON safeguard.data_dictionary FROM PUBLIC;
GRANT SELECT ON safeguard.data_dictionary TO PUBLIC;

-- Issue 18 item 2: the reporting schema (keep this block last: it mirrors every relation the reader may read)
-- The reporting schema: exactly the relations a reader (the performance team's duty) may
-- read, as views of the same names, so that a BI tool pointed at it offers nothing that then
-- fails with 42501 (JDBC and ODBC drivers list every relation of a schema, readable or not).
-- Each is `SELECT *` of its relation in schema safeguard, security_invoker (the caller's own
-- privileges and row-level security apply, as in schema safeguard), with the same comments
-- and the same SELECT grants (but the owner's own).  Made here, after every relation, from
-- the reader's grants, so it holds exactly what the reader may open.
CREATE SCHEMA safeguard_reporting;
COMMENT ON SCHEMA safeguard_reporting IS 'The tables and views the reader duty (performance teams, BI tools) may read, as views of the same names over schema safeguard: point a BI tool here.';
REVOKE ALL ON SCHEMA safeguard_reporting FROM PUBLIC;
GRANT USAGE ON SCHEMA safeguard_reporting TO PUBLIC;

DO $reporting$
DECLARE
    r record;
    g record;
BEGIN
    FOR r IN SELECT c.oid, c.relname FROM pg_catalog.pg_class c
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m}'::"char"[])
               AND pg_catalog.has_table_privilege('safeguard_reader', c.oid, 'SELECT')
             ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('CREATE VIEW safeguard_reporting.%I WITH (security_invoker = true) '
                                  'AS SELECT * FROM safeguard.%I', r.relname, r.relname);
        EXECUTE pg_catalog.format('COMMENT ON VIEW safeguard_reporting.%I IS %L', r.relname,
                                  pg_catalog.obj_description(r.oid, 'pg_class'));
        EXECUTE pg_catalog.format('REVOKE ALL ON safeguard_reporting.%I FROM PUBLIC', r.relname);
        FOR g IN SELECT a.attname, pg_catalog.col_description(r.oid, a.attnum::integer) AS d
                 FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid OPERATOR(pg_catalog.=) r.oid AND a.attnum OPERATOR(pg_catalog.>) 0
                   AND NOT a.attisdropped ORDER BY a.attnum
        LOOP
            EXECUTE pg_catalog.format('COMMENT ON COLUMN safeguard_reporting.%I.%I IS %L', r.relname, g.attname, g.d);
        END LOOP;
        FOR g IN SELECT DISTINCT x.grantee FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) x
                 WHERE c.oid OPERATOR(pg_catalog.=) r.oid AND x.privilege_type OPERATOR(pg_catalog.=) 'SELECT'
                   AND x.grantee OPERATOR(pg_catalog.<>) c.relowner
                 ORDER BY x.grantee
        LOOP
            EXECUTE pg_catalog.format('GRANT SELECT ON safeguard_reporting.%I TO %s', r.relname,
                CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(g.grantee::pg_catalog.regrole::pg_catalog.text) END);
        END LOOP;
    END LOOP;
END
$reporting$;
