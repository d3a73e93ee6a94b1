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

--------------------------------------------------------------------------
-- Issue 18 item 1: sac_return in NHS Digital's shape
-- The return as NHS Digital's publication pipeline reads it: its table
-- references, enquiry types and prefixed labels, one row per template cell
-- for every local authority, named by its CASSR code.  A concern's
-- ethnicity and primary support reason become controlled values, checked
-- by concern_guard (SG605, SG606) on the concerns logged from now on.
-- Concerns are never rewritten: those logged before this update keep the
-- text they were logged with (the audit trail holds it as received), and
-- the return reads the group a text names (sac_ethnic_group,
-- sac_support_group).  A concern may record an autism diagnosis (SG1e):
-- log_concern gains a last parameter, so it is dropped and created again,
-- as is sac_return, whose columns change (nothing depends on either).
--------------------------------------------------------------------------
ALTER TABLE safeguard.organisation ADD COLUMN cassr_code text UNIQUE;
ALTER TABLE safeguard.organisation ADD COLUMN ons_code text UNIQUE;
COMMENT ON COLUMN safeguard.organisation.cassr_code IS
    'For a local authority: its CASSR code, the three digits by which NHS England''s returns name a council with adult social services responsibilities (sac_return''s CASSR_CODE); unique. SG607 when malformed or on another kind of organisation.';
COMMENT ON COLUMN safeguard.organisation.ons_code IS
    'For a local authority: its ONS code (E06, E08, E09 or E10 and six digits; sac_return''s ONS_CODE); unique. SG608 when malformed or on another kind of organisation.';
COMMENT ON COLUMN safeguard.concern.adult_ethnicity IS 'Ethnicity: an NHS Data Dictionary ethnic category code (A-H, J-N, P, R, S; Z not stated; 99 not known; see sac_vocabulary()), counted in SG1c by its group; SG605 otherwise. Concerns logged before 1.5 keep the text they were logged with.';
COMMENT ON COLUMN safeguard.concern.adult_primary_support_reason IS 'Primary support reason: one of the return''s SG1d values (see sac_vocabulary()); SG606 otherwise. Concerns logged before 1.5 keep the text they were logged with.';

CREATE TYPE safeguard.sac_autism AS ENUM
    ('Autism (excluding Asperger''s Syndrome)',
     'Asperger''s Syndrome / High Functioning Autism');
COMMENT ON TYPE safeguard.sac_autism IS 'A diagnosis of autism, which the return counts in SG1e (Learning, Developmental or Intellectual Disability): autism other than Asperger''s syndrome / high functioning autism, or Asperger''s syndrome / high functioning autism.';
ALTER TABLE safeguard.concern ADD COLUMN adult_autism safeguard.sac_autism;
COMMENT ON COLUMN safeguard.concern.adult_autism IS 'A diagnosis of autism the adult has, when known (SG1e); NULL when none is recorded.';
GRANT SELECT (adult_autism) ON safeguard.concern TO safeguard_reader;

DROP FUNCTION safeguard.log_concern(timestamptz, safeguard.concern_channel, safeguard.concern_source, text, safeguard.sac_risk_type[], bigint, bigint, boolean, text, text, text, text, text, text, date, date, safeguard.sac_gender, safeguard.sac_risk_location, safeguard.sac_source_of_risk, boolean, text, text);
CREATE FUNCTION safeguard.log_concern(
    received_at timestamptz,
    channel safeguard.concern_channel,
    source safeguard.concern_source,
    description text,
    risk_types safeguard.sac_risk_type[],
    la_id bigint DEFAULT NULL,
    provider_location_id bigint DEFAULT NULL,
    referrer_anonymous boolean DEFAULT false,
    referrer_name text DEFAULT NULL,
    referrer_phone text DEFAULT NULL,
    referrer_email text DEFAULT NULL,
    referrer_address text DEFAULT NULL,
    adult_nhs_number text DEFAULT NULL,
    adult_name text DEFAULT NULL,
    adult_date_of_birth date DEFAULT NULL,
    adult_date_of_death date DEFAULT NULL,
    adult_gender safeguard.sac_gender DEFAULT 'Not Known',
    risk_location safeguard.sac_risk_location DEFAULT NULL,
    source_of_risk safeguard.sac_source_of_risk DEFAULT NULL,
    immediate_risk boolean DEFAULT false,
    adult_ethnicity text DEFAULT NULL,
    adult_primary_support_reason text DEFAULT NULL,
    adult_autism safeguard.sac_autism DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('log_concern');
    INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id,
        provider_location_id, referrer_anonymous, referrer_name, referrer_phone, referrer_email,
        referrer_address, adult_nhs_number, adult_name, adult_date_of_birth, adult_date_of_death,
        adult_gender, risk_location, source_of_risk, immediate_risk, adult_ethnicity,
        adult_primary_support_reason, adult_autism)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22, $23)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.log_concern(timestamptz, safeguard.concern_channel, safeguard.concern_source, text, safeguard.sac_risk_type[], bigint, bigint, boolean, text, text, text, text, text, text, date, date, safeguard.sac_gender, safeguard.sac_risk_location, safeguard.sac_source_of_risk, boolean, text, text, safeguard.sac_autism) IS
    'Logs a concern (contact centre, inspector, or an officer of its local authority), with the adult''s ethnic category code, primary support reason and autism diagnosis when known (SAC SG1c-SG1e; sac_vocabulary() lists the codes); returns its id. The concern joins an open case about the same adult or location, or opens one.';

DROP FUNCTION safeguard.sac_return(integer, boolean, bigint);

-- The controlled values a concern records for the return (src/sac_values.c,
-- checked by concern_guard: SG605, SG606) and their cells: SG1c counts the
-- groups of the NHS Data Dictionary ethnic category codes, SG1d the primary
-- support reasons.  Rows logged before 1.5 keep the free text they were
-- logged with; the group functions read the return's own group names in it.
CREATE FUNCTION safeguard.sac_ethnic_group(ethnicity text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_ethnic_group_sql';
COMMENT ON FUNCTION safeguard.sac_ethnic_group(text) IS
    'The SG1c group of a concern''s ethnicity: an NHS Data Dictionary ethnic category code rolled up as the return publishes it (A-C White; D-G Mixed / Multiple; H-L and R Asian / Asian British; M-P Black / African / Caribbean / Black British; S Other Ethnic Group; Z Refused; 99 and NULL Undeclared / Not Known). Free text logged before 1.5 counts under the group it names, else as Undeclared / Not Known.';

CREATE FUNCTION safeguard.sac_support_group(primary_support_reason text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_support_group_sql';
COMMENT ON FUNCTION safeguard.sac_support_group(text) IS
    'The SG1d cell of a concern''s primary support reason: the value itself (NULL: Not Known). Free text logged before 1.5 counts under the reason it names (e.g. Mental Health as Mental Health Support), else as Not Known.';

CREATE FUNCTION safeguard.sac_vocabulary()
RETURNS TABLE (vocabulary text, value text, description text, sac_label text)
    LANGUAGE c IMMUTABLE PARALLEL SAFE ROWS 26 AS 'MODULE_PATHNAME', 'sg_sac_vocabulary';
COMMENT ON FUNCTION safeguard.sac_vocabulary() IS
    'The values log_concern accepts for adult_ethnicity (vocabulary ethnic_category: the NHS Data Dictionary ethnic category codes A-H, J-N, P, R, S, Z, 99) and adult_primary_support_reason (vocabulary primary_support_reason: the return''s SG1d values), with what each means and the cell of the return it counts in. Others are refused with SG605 and SG606.';

-- One row per cell of NHS Digital's Safeguarding Adults Collection template,
-- as its publication pipeline reads the return: table references SG1a-SG5b,
-- enquiry types, and the prefixed labels it pivots on (COLUMN_NAME for the
-- tables it totals by column, ROW_NAME for SG1a-SG1e and SG2b's sources).
-- A cross-tabulation (SG2a type by source, SG2a_b1 type by location, SG2b
-- location by source) has its row in category and its column in
-- subcategory; other tables leave subcategory empty.
CREATE VIEW safeguard.sac_template AS
WITH sg1_types(enquiry_type, o) AS (
    VALUES ('Safeguarding Concerns', 1), ('Section 42 Enquiries', 2), ('Other Enquiries', 3)
), sg1(table_reference, category, o) AS (
    SELECT 'SG1a', v.v, v.o FROM pg_catalog.unnest('{18-64,65-74,75-84,85-94,95+,Age Unknown}'::text[])
        WITH ORDINALITY v(v, o)
    UNION ALL
    SELECT 'SG1b', g.g::text, g.o FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_gender))
        WITH ORDINALITY g(g, o)
    UNION ALL
    SELECT 'SG1c', v.v, v.o FROM pg_catalog.unnest(ARRAY['White', 'Mixed / Multiple', 'Asian / Asian British',
        'Black / African / Caribbean / Black British', 'Other Ethnic Group', 'Refused',
        'Undeclared / Not Known']) WITH ORDINALITY v(v, o)
    UNION ALL
    SELECT 'SG1d', v.v, v.o FROM pg_catalog.unnest(ARRAY['Physical Support', 'Sensory Support',
        'Support with Memory and Cognition', 'Learning Disability Support', 'Mental Health Support',
        'Social Support', 'No Support Reason', 'Not Known']) WITH ORDINALITY v(v, o)
    UNION ALL
    SELECT 'SG1e', v.v, v.o FROM pg_catalog.unnest(ARRAY[
        'Learning, Developmental or Intellectual Disability (Autism excluding Asperger''s Syndrome/ High Functioning Autism)',
        'Learning, Developmental or Intellectual Disability (Asperger''s Syndrome/ High Functioning Autism)'])
        WITH ORDINALITY v(v, o)
), types AS (
    SELECT v::text AS v, o FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_type)) WITH ORDINALITY x(v, o)
), locations AS (
    SELECT v::text AS v, o FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_location)) WITH ORDINALITY x(v, o)
), sources AS (
    SELECT v::text AS v, o FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_source_of_risk)) WITH ORDINALITY x(v, o)
), cells(table_reference, enquiry_type, category, subcategory, o) AS (
    SELECT s.table_reference, t.enquiry_type, s.category, '', t.o OPERATOR(pg_catalog.*) 100 OPERATOR(pg_catalog.+) s.o
    FROM sg1_types t CROSS JOIN sg1 s
    UNION ALL
    SELECT 'SG1f', t.enquiry_type, t.total, '', t.o
    FROM (VALUES ('Safeguarding Concerns', 'Total Number of Safeguarding Concerns', 1),
                 ('Section 42 Enquiries', 'Total Number of Section 42 Safeguarding Enquiries', 2),
                 ('Other Enquiries', 'Total Number of Other Safeguarding Enquiries', 3)) t(enquiry_type, total, o)
    UNION ALL
    SELECT 'SG2a', 'Concluded Section 42 Enquiries', t.v, s.v, t.o OPERATOR(pg_catalog.*) 100 OPERATOR(pg_catalog.+) s.o
    FROM types t CROSS JOIN sources s
    UNION ALL
    SELECT 'SG2a_b1', 'Concluded Section 42 Enquiries', t.v, l.v, t.o OPERATOR(pg_catalog.*) 100 OPERATOR(pg_catalog.+) l.o
    FROM types t CROSS JOIN locations l
    UNION ALL
    SELECT 'SG2b', 'Concluded Section 42 Enquiries', l.v, s.v, l.o OPERATOR(pg_catalog.*) 100 OPERATOR(pg_catalog.+) s.o
    FROM locations l CROSS JOIN sources s
    UNION ALL
    SELECT 'SG2c', 'Concluded Section 42 Enquiries', v::text, '', o
    FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_action_result)) WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG2e', 'Concluded Section 42 Enquiries', v::text, '', o
    FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_outcome)) WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG3a', 'Concluded Section 42 Enquiries', v, '', o
    FROM pg_catalog.unnest(ARRAY['Yes, they lacked capacity', 'No, they did not lack capacity', 'Don''t know',
        'Not recorded',
        'Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend'])
        WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG4a', 'Concluded Section 42 Enquiries', v, '', o
    FROM pg_catalog.unnest(ARRAY['Yes they were asked and outcomes were expressed',
        'Yes they were asked but no outcomes were expressed', 'No', 'Don''t Know', 'Not Recorded',
        'Fully Achieved', 'Partially Achieved', 'Not Achieved']) WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG5a', 'Count of Safeguarding Adult Reviews', v, '', o
    FROM pg_catalog.unnest(ARRAY['Where one or more individuals died', 'Where no individuals died'])
        WITH ORDINALITY x(v, o)
    UNION ALL
    SELECT 'SG5b', 'Count of Individuals Involved in Safeguarding Adult Reviews', v, '', o
    FROM pg_catalog.unnest(ARRAY['Who suffered serious harm and died', 'Who suffered serious harm and survived'])
        WITH ORDINALITY x(v, o)
)
SELECT c.table_reference, c.enquiry_type, c.category, c.subcategory,
       c.table_reference OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) c.category AS column_name,
       c.table_reference OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||)
           CASE c.subcategory WHEN '' THEN c.category ELSE c.subcategory END AS row_name,
       pg_catalog.row_number() OVER (ORDER BY c.table_reference COLLATE "C", c.o)::integer AS cell_number
FROM cells c;
COMMENT ON VIEW safeguard.sac_template IS
    'The cells of the Safeguarding Adults Collection template as NHS Digital''s publication pipeline reads them: every cell sac_return() gives each local authority, zeros included.';
COMMENT ON COLUMN safeguard.sac_template.table_reference IS 'Table of the return: SG1a-SG1f, SG2a, SG2a_b1, SG2b, SG2c, SG2e, SG3a, SG4a, SG5a, SG5b.';
COMMENT ON COLUMN safeguard.sac_template.enquiry_type IS 'Safeguarding Concerns, Section 42 Enquiries, Other Enquiries, Concluded Section 42 Enquiries, Count of Safeguarding Adult Reviews or Count of Individuals Involved in Safeguarding Adult Reviews.';
COMMENT ON COLUMN safeguard.sac_template.category IS 'The cell''s value (e.g. 18-64); in a cross-tabulation, its row (type or location of risk).';
COMMENT ON COLUMN safeguard.sac_template.subcategory IS 'In a cross-tabulation, the cell''s column (source or location of risk); empty otherwise.';
COMMENT ON COLUMN safeguard.sac_template.column_name IS 'Label the pipeline pivots SG1f-SG5a on: the table reference, a space, the category (e.g. SG2b Own Home).';
COMMENT ON COLUMN safeguard.sac_template.row_name IS 'Label the pipeline pivots SG1a-SG1e and SG2b on: the table reference, a space, the subcategory of a cross-tabulation, else the category (e.g. SG1a 18-64, SG2b Service Provider).';
COMMENT ON COLUMN safeguard.sac_template.cell_number IS 'Order of the cell in the return: by table reference, then as the template lists it.';
REVOKE ALL ON safeguard.sac_template FROM PUBLIC;
GRANT SELECT ON safeguard.sac_template TO safeguard_reader, safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- The return: the template's cells for every local authority the caller
-- may report on, each counted from the rows the workflow guards wrote.
-- SG5's counts for the return: completed Safeguarding Adults Reviews and the individuals in
-- them, per authority the caller may report on, read by safeguard (most duties that run the
-- return may not read reviews; the return shows counts only).
CREATE FUNCTION safeguard.sac_sg5_cells(year integer)
RETURNS TABLE (la_id bigint, table_reference text, category text, n bigint)
    LANGUAGE c STABLE STRICT AS 'MODULE_PATHNAME', 'sg_sac_sg5_cells';
COMMENT ON FUNCTION safeguard.sac_sg5_cells(integer) IS 'SAC table SG5 for sac_return(): per local authority the caller may report on, the Safeguarding Adults Reviews completed in the reporting year starting 1 April of year where one or more individuals died and where none died (SG5a), and the individuals in them who suffered serious harm and died or survived (SG5b). Counts only; the reviews are read by safeguard. SG601 for a year outside 2000-2100.';
REVOKE ALL ON FUNCTION safeguard.sac_sg5_cells(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sac_sg5_cells(integer) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
    safeguard_sam;

-- sac_return itself (dropped above: its columns change) is created once, as the full script
-- defines it, in the block of the council pathway's reports below: it reads the council's
-- enquiries and the referrals that arrived as concerns, which the blocks between add.

--------------------------------------------------------------------------
-- Issue 16: the council pathway
-- A local authority's own concerns from any source, its decision on them
-- (concern_decision), its enquiries (la_enquiry), their strategy
-- discussions (la_enquiry_strategy) and safeguarding plans with their
-- reviews (la_enquiry_plan, la_enquiry_plan_review), with their deadlines;
-- as the full script's sections 3 and 4a define them.  Existing casework is
-- untouched: a concern already triaged keeps its triage, and no concern
-- logged before the update has a decision of the new kind.
--------------------------------------------------------------------------
-- The council sources, appended as in the full script; not used in this
-- transaction (a new enum value cannot be used before it commits).
ALTER TYPE safeguard.concern_source ADD VALUE 'police';
ALTER TYPE safeguard.concern_source ADD VALUE 'ambulance_service';
ALTER TYPE safeguard.concern_source ADD VALUE 'gp_primary_care';
ALTER TYPE safeguard.concern_source ADD VALUE 'hospital';
ALTER TYPE safeguard.concern_source ADD VALUE 'mental_health_service';
ALTER TYPE safeguard.concern_source ADD VALUE 'care_provider';
ALTER TYPE safeguard.concern_source ADD VALUE 'regulator';
ALTER TYPE safeguard.concern_source ADD VALUE 'other_local_authority';
ALTER TYPE safeguard.concern_source ADD VALUE 'housing';
ALTER TYPE safeguard.concern_source ADD VALUE 'family_friend_neighbour';
ALTER TYPE safeguard.concern_source ADD VALUE 'self';
ALTER TYPE safeguard.concern_source ADD VALUE 'other';
COMMENT ON TYPE safeguard.concern_source IS 'Who raised a concern: the regulator''s sources, then those a council''s front door records (police, ambulance service, GP and primary care, hospital, mental health service, care provider, the regulator, another local authority, housing, family / friend / neighbour, the adult themselves, other).';

CREATE TYPE safeguard.alternative_action AS ENUM
    ('information_and_advice', 'signposting', 'care_act_assessment', 'other_agency_leads', 'other');
COMMENT ON TYPE safeguard.alternative_action IS 'What a local authority did instead of an enquiry when it decided no_enquiry on its own concern: information and advice, signposting, a Care Act assessment, another agency leads, other.';

CREATE TYPE safeguard.la_enquiry_state AS ENUM ('decided', 'allocated', 'in_progress', 'concluded', 'closed');
COMMENT ON TYPE safeguard.la_enquiry_state IS 'States of a local authority''s own enquiry; transitions are enforced in C (docs/council-pathway.md).';

CREATE FUNCTION safeguard.works_for_la(la_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_works_for_la';
COMMENT ON FUNCTION safeguard.works_for_la(bigint) IS
    'Row-level security predicate of the council pathway: true when the current role is on the staff of that local authority (officer, manager, enquiry officer, commissioner, administrator); the regulator''s staff see the referrals they sent, not a council''s own enquiries.';

CREATE FUNCTION safeguard.concern_decision_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_concern_decision_guard';
COMMENT ON FUNCTION safeguard.concern_decision_guard() IS 'Trigger: who may decide on a council''s own concern, with a rationale, the threshold answers and (no enquiry) the action taken instead; decisions are final.';
REVOKE ALL ON FUNCTION safeguard.concern_decision_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.concern_decision_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_concern_decision_after';
COMMENT ON FUNCTION safeguard.concern_decision_after() IS 'Trigger: meets the concern''s triage deadline; an enquiry decision creates the enquiry and its contact and conclusion deadlines.';
REVOKE ALL ON FUNCTION safeguard.concern_decision_after() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_guard';
COMMENT ON FUNCTION safeguard.la_enquiry_guard() IS 'Trigger: the local authority enquiry state machine, enforced for every client path.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_after';
COMMENT ON FUNCTION safeguard.la_enquiry_after() IS 'Trigger: deadlines met, breached and opened by enquiry transitions; closes the case when its work is done.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_after() FROM PUBLIC;

CREATE TABLE safeguard.concern_decision (
    concern_id             bigint PRIMARY KEY REFERENCES safeguard.concern,
    decision               safeguard.la_decision NOT NULL,
    rationale              text NOT NULL,
    care_and_support_needs boolean NOT NULL,
    abuse_or_neglect       boolean NOT NULL,
    unable_to_protect_self boolean NOT NULL,
    alternative_action     safeguard.alternative_action,
    la_id                  bigint REFERENCES safeguard.organisation,
    case_id                bigint REFERENCES safeguard.safeguarding_case,
    decided_by             regrole,
    decided_org_id         bigint REFERENCES safeguard.organisation,
    decided_duty           safeguard.duty,
    decided_at             timestamptz,
    decided_team           text
);

CREATE INDEX concern_decision_la ON safeguard.concern_decision (la_id);

COMMENT ON TABLE safeguard.concern_decision IS
    'A local authority''s decision on a concern its own officer logged: section 42 enquiry, other enquiry, or no enquiry with the action taken instead; with its rationale and the section 42(1) threshold answers. One per concern (a concern has this or a triage decision, never both), never changed. An enquiry decision creates the enquiry (safeguard.la_enquiry) in decided.';
COMMENT ON COLUMN safeguard.concern_decision.concern_id IS 'The concern decided.';
COMMENT ON COLUMN safeguard.concern_decision.decision IS 'section_42_enquiry, other_enquiry or no_enquiry.';
COMMENT ON COLUMN safeguard.concern_decision.rationale IS 'Why: required, never blank.';
COMMENT ON COLUMN safeguard.concern_decision.care_and_support_needs IS 'Threshold s42(1)(a): the adult has needs for care and support.';
COMMENT ON COLUMN safeguard.concern_decision.abuse_or_neglect IS 'Threshold s42(1)(b): the adult is experiencing, or at risk of, abuse or neglect.';
COMMENT ON COLUMN safeguard.concern_decision.unable_to_protect_self IS 'Threshold s42(1)(c): as a result of those needs the adult is unable to protect themselves.';
COMMENT ON COLUMN safeguard.concern_decision.alternative_action IS 'For no_enquiry (required then, refused otherwise): what was done instead.';
COMMENT ON COLUMN safeguard.concern_decision.la_id IS 'Local authority of the concern (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.case_id IS 'Case of the concern (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_by IS 'Role that decided (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_org_id IS 'Organisation it acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_duty IS 'Duty it acted under: la_officer or sam (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_at IS 'When (recorded by safeguard).';
COMMENT ON COLUMN safeguard.concern_decision.decided_team IS 'Team of the grant under which the decision was made (recorded by safeguard).';

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.concern_decision
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.concern_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('concern_id', '', 'case_id');
CREATE TRIGGER concern_decision_after AFTER INSERT ON safeguard.concern_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.concern_decision_after();
CREATE TRIGGER concern_decision_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.concern_decision
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.concern_decision_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.concern_decision
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.concern_decision ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.concern_decision FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.concern_decision
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.concern_decision FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.concern_decision FROM PUBLIC;
GRANT SELECT ON safeguard.concern_decision TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT ON safeguard.concern_decision TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (concern_id, decision, care_and_support_needs, abuse_or_neglect, unable_to_protect_self,
    alternative_action, la_id, case_id, decided_org_id, decided_duty, decided_at)
    ON safeguard.concern_decision TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.concern_decision', '');

CREATE TABLE safeguard.la_enquiry (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    concern_id             bigint NOT NULL UNIQUE REFERENCES safeguard.concern_decision,
    case_id                bigint NOT NULL REFERENCES safeguard.safeguarding_case,
    la_id                  bigint NOT NULL REFERENCES safeguard.organisation,
    kind                   safeguard.la_decision NOT NULL
        CHECK (kind OPERATOR(pg_catalog.<>) 'no_enquiry'::safeguard.la_decision),
    state                  safeguard.la_enquiry_state NOT NULL DEFAULT 'decided',
    decided_at             timestamptz NOT NULL,
    decided_by             regrole NOT NULL,
    adult_date_of_death    date,
    allocated_to           regrole,
    allocated_by           regrole,
    allocated_at           timestamptz,
    msp_asked              safeguard.sac_msp_asked,
    msp_outcomes_wanted    text,
    msp_not_asked_reason   text,
    lacked_capacity        safeguard.sac_capacity,
    advocate_arranged      boolean,
    advocate_not_arranged_reason text,
    started_by             regrole,
    started_org_id         bigint REFERENCES safeguard.organisation,
    started_at             timestamptz,
    action_result          safeguard.sac_action_result,
    risk_types             safeguard.sac_risk_type[],
    risk_location          safeguard.sac_risk_location,
    source_of_risk         safeguard.sac_source_of_risk,
    risk_outcome           safeguard.sac_risk_outcome,
    msp_achieved           safeguard.sac_msp_achieved,
    sar_considered         boolean,
    concluded_by           regrole,
    concluded_org_id       bigint REFERENCES safeguard.organisation,
    concluded_at           timestamptz,
    feedback_at            timestamptz,
    feedback_method        safeguard.contact_method,
    feedback_not_given_reason text,
    adult_feedback_at      timestamptz,
    adult_feedback_not_given_reason text,
    closed_by              regrole,
    closed_org_id          bigint REFERENCES safeguard.organisation,
    closed_at              timestamptz,
    retrospective          boolean GENERATED ALWAYS AS (adult_date_of_death IS NOT NULL) STORED
);

CREATE INDEX la_enquiry_la ON safeguard.la_enquiry (la_id);
CREATE INDEX la_enquiry_case ON safeguard.la_enquiry (case_id);

-- Enquiries not yet allocated: the "virtual worker" caseload, by authority.
CREATE INDEX la_enquiry_unallocated ON safeguard.la_enquiry (la_id)
    WHERE state OPERATOR(pg_catalog.=) 'decided'::safeguard.la_enquiry_state;

COMMENT ON INDEX safeguard.la_enquiry_unallocated IS
    'Enquiries decided but not yet allocated (the "virtual worker" caseload), by local authority.';
COMMENT ON TABLE safeguard.la_enquiry IS
    'A local authority''s own safeguarding enquiry (section 42 or other), one per enquiry decision on its own concern. Created in decided by safeguard.decide_concern; allocated by a SAM to a named officer, started with Making Safeguarding Personal, concluded with the SAC outcome, closed by a SAM with the feedback to the referrer. Every change is a transition checked in C; never deleted. Seen by the authority''s own staff only.';
COMMENT ON COLUMN safeguard.la_enquiry.id IS 'Enquiry number.';
COMMENT ON COLUMN safeguard.la_enquiry.concern_id IS 'The concern whose decision opened it.';
COMMENT ON COLUMN safeguard.la_enquiry.case_id IS 'The case it belongs to (its audit rows join the case''s chain).';
COMMENT ON COLUMN safeguard.la_enquiry.la_id IS 'The local authority making the enquiry.';
COMMENT ON COLUMN safeguard.la_enquiry.kind IS 'section_42_enquiry or other_enquiry, as decided.';
COMMENT ON COLUMN safeguard.la_enquiry.state IS 'decided, allocated, in_progress, concluded or closed.';
COMMENT ON COLUMN safeguard.la_enquiry.decided_at IS 'When the concern decision opened it (the anchor of its contact and conclusion deadlines).';
COMMENT ON COLUMN safeguard.la_enquiry.decided_by IS 'Who made that decision.';
COMMENT ON COLUMN safeguard.la_enquiry.adult_date_of_death IS 'The concern''s date of death: a retrospective enquiry about an adult who has died (copied by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.allocated_to IS 'The named officer or manager of the authority working it; NULL while decided (the "virtual worker" caseload).';
COMMENT ON COLUMN safeguard.la_enquiry.allocated_by IS 'The SAM who (re)allocated it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.allocated_at IS 'When it was last (re)allocated (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.msp_asked IS 'Making Safeguarding Personal at the start (SAC SG4): whether the adult was asked what outcomes they want; required unless the adult has died.';
COMMENT ON COLUMN safeguard.la_enquiry.msp_outcomes_wanted IS 'The outcomes the adult wants, as they said them (required when outcomes were expressed).';
COMMENT ON COLUMN safeguard.la_enquiry.msp_not_asked_reason IS 'Why the adult was not asked (required when msp_asked is No or Don''t know).';
COMMENT ON COLUMN safeguard.la_enquiry.lacked_capacity IS 'Capacity in relation to the enquiry (SAC SG3), at the start; required unless the adult has died.';
COMMENT ON COLUMN safeguard.la_enquiry.advocate_arranged IS 'Whether an independent advocate was arranged (Care Act s68), at the start; required unless the adult has died.';
COMMENT ON COLUMN safeguard.la_enquiry.advocate_not_arranged_reason IS 'Why no advocate was arranged (required then: e.g. no substantial difficulty, an appropriate person).';
COMMENT ON COLUMN safeguard.la_enquiry.started_by IS 'Who started it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.started_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.started_at IS 'When it started (recorded by safeguard; meets the contact deadline).';
COMMENT ON COLUMN safeguard.la_enquiry.action_result IS 'Action and result (SAC), at the conclusion.';
COMMENT ON COLUMN safeguard.la_enquiry.risk_types IS 'Types of risk the enquiry found (SAC), at the conclusion; at least one.';
COMMENT ON COLUMN safeguard.la_enquiry.risk_location IS 'Location of risk (SAC), at the conclusion.';
COMMENT ON COLUMN safeguard.la_enquiry.source_of_risk IS 'Source of risk (SAC), at the conclusion.';
COMMENT ON COLUMN safeguard.la_enquiry.risk_outcome IS 'Risk outcome (SAC); required when a risk identified or inconclusive was acted on.';
COMMENT ON COLUMN safeguard.la_enquiry.msp_achieved IS 'How far the outcomes the adult expressed were achieved (SAC SG4): required exactly when outcomes were expressed.';
COMMENT ON COLUMN safeguard.la_enquiry.sar_considered IS 'Whether a Safeguarding Adults Review referral was considered: required at the conclusion of a retrospective enquiry.';
COMMENT ON COLUMN safeguard.la_enquiry.concluded_by IS 'Who concluded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.concluded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.concluded_at IS 'When it concluded (recorded by safeguard; meets the conclusion deadline).';
COMMENT ON COLUMN safeguard.la_enquiry.feedback_at IS 'When the referrer heard the outcome.';
COMMENT ON COLUMN safeguard.la_enquiry.feedback_method IS 'How the referrer heard it.';
COMMENT ON COLUMN safeguard.la_enquiry.feedback_not_given_reason IS 'Why no feedback can be given (an anonymous referrer, the adult declined), instead of feedback_at and feedback_method.';
COMMENT ON COLUMN safeguard.la_enquiry.adult_feedback_at IS 'When the adult (or their representative) heard what the enquiry found (required at closure unless a reason is given; not for an adult who has died).';
COMMENT ON COLUMN safeguard.la_enquiry.adult_feedback_not_given_reason IS 'Why the adult was not given feedback, instead of adult_feedback_at.';
COMMENT ON COLUMN safeguard.la_enquiry.closed_by IS 'The SAM who signed it off (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.closed_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.closed_at IS 'When it closed (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry.retrospective IS 'True for an enquiry about an adult who has died (adult_date_of_death recorded): capacity, advocacy and Making Safeguarding Personal do not apply.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.la_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.la_enquiry
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'case_id');
CREATE TRIGGER la_enquiry_after AFTER UPDATE ON safeguard.la_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_after();
CREATE TRIGGER la_enquiry_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.la_enquiry
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.la_enquiry ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.la_enquiry FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.la_enquiry
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.la_enquiry FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.la_enquiry FROM PUBLIC;
GRANT SELECT ON safeguard.la_enquiry TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT UPDATE ON safeguard.la_enquiry TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, concern_id, case_id, la_id, kind, state, decided_at, allocated_at, msp_asked,
    lacked_capacity, advocate_arranged, started_org_id, started_at, action_result, risk_types,
    risk_location, source_of_risk, risk_outcome, msp_achieved, sar_considered, concluded_org_id,
    concluded_at, feedback_at, feedback_method, adult_feedback_at, closed_org_id, closed_at,
    retrospective)
    ON safeguard.la_enquiry TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_id_seq', '');

-- Workflow functions: thin wrappers over INSERT and UPDATE with the caller's
-- rights (SECURITY INVOKER); the C guards see the real actor and decide.
CREATE FUNCTION safeguard.decide_concern(concern_id bigint, decision safeguard.la_decision,
    rationale text, care_and_support_needs boolean, abuse_or_neglect boolean,
    unable_to_protect_self boolean, alternative_action safeguard.alternative_action DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('decide_concern');
    INSERT INTO safeguard.concern_decision (concern_id, decision, rationale, care_and_support_needs,
        abuse_or_neglect, unable_to_protect_self, alternative_action)
    VALUES ($1, $2, $3, $4, $5, $6, $7);
    SELECT e.id FROM safeguard.la_enquiry e WHERE e.concern_id OPERATOR(pg_catalog.=) $1;
$$;
COMMENT ON FUNCTION safeguard.decide_concern(bigint, safeguard.la_decision, text, boolean, boolean, boolean, safeguard.alternative_action) IS
    'A local authority''s decision on a concern its own officer logged (an LA officer or SAM of that authority): section_42_enquiry, other_enquiry, or no_enquiry with the alternative action; rationale and the s42(1) threshold answers required; final. Returns the enquiry an enquiry decision opens, else NULL.';

CREATE FUNCTION safeguard.allocate_enquiry(enquiry_id bigint, officer regrole)
RETURNS safeguard.la_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.la_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('allocate_enquiry');
    UPDATE safeguard.la_enquiry e
       SET state = CASE WHEN e.state OPERATOR(pg_catalog.=) 'decided'::safeguard.la_enquiry_state
                        THEN 'allocated'::safeguard.la_enquiry_state ELSE e.state END,
           allocated_to = allocate_enquiry.officer
     WHERE e.id OPERATOR(pg_catalog.=) allocate_enquiry.enquiry_id
    RETURNING e.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enquiry % does not exist or is not visible to you', allocate_enquiry.enquiry_id
            USING ERRCODE = 'SG208', HINT = 'Local authority staff see only their own authority''s enquiries.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.allocate_enquiry(bigint, regrole) IS
    'Allocates a decided enquiry to a named officer or manager of its authority, or reallocates an allocated or started one: a SAM of the authority only (42501); SG602 for an officer without the duty there.';

CREATE FUNCTION safeguard.start_enquiry(enquiry_id bigint,
    msp_asked safeguard.sac_msp_asked DEFAULT NULL, msp_outcomes_wanted text DEFAULT NULL,
    msp_not_asked_reason text DEFAULT NULL, lacked_capacity safeguard.sac_capacity DEFAULT NULL,
    advocate_arranged boolean DEFAULT NULL, advocate_not_arranged_reason text DEFAULT NULL)
RETURNS safeguard.la_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.la_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('la_enquiry:in_progress');
    UPDATE safeguard.la_enquiry e
       SET state = 'in_progress', msp_asked = start_enquiry.msp_asked,
           msp_outcomes_wanted = start_enquiry.msp_outcomes_wanted,
           msp_not_asked_reason = start_enquiry.msp_not_asked_reason,
           lacked_capacity = start_enquiry.lacked_capacity,
           advocate_arranged = start_enquiry.advocate_arranged,
           advocate_not_arranged_reason = start_enquiry.advocate_not_arranged_reason
     WHERE e.id OPERATOR(pg_catalog.=) start_enquiry.enquiry_id
    RETURNING e.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enquiry % does not exist or is not visible to you', start_enquiry.enquiry_id
            USING ERRCODE = 'SG208', HINT = 'Local authority staff see only their own authority''s enquiries.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.start_enquiry(bigint, safeguard.sac_msp_asked, text, text, safeguard.sac_capacity, boolean, text) IS
    'Starts an allocated enquiry (its allocated officer, or a SAM) with Making Safeguarding Personal (asked; the outcomes wanted, or why not asked), capacity, and an advocate arranged or why not (SG217); none of these for an adult who has died (SG218).';

CREATE FUNCTION safeguard.conclude_enquiry(enquiry_id bigint,
    action_result safeguard.sac_action_result, risk_types safeguard.sac_risk_type[],
    risk_location safeguard.sac_risk_location, source_of_risk safeguard.sac_source_of_risk,
    risk_outcome safeguard.sac_risk_outcome DEFAULT NULL,
    msp_achieved safeguard.sac_msp_achieved DEFAULT NULL, sar_considered boolean DEFAULT NULL)
RETURNS safeguard.la_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.la_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('la_enquiry:concluded');
    UPDATE safeguard.la_enquiry e
       SET state = 'concluded', action_result = conclude_enquiry.action_result,
           risk_types = conclude_enquiry.risk_types, risk_location = conclude_enquiry.risk_location,
           source_of_risk = conclude_enquiry.source_of_risk, risk_outcome = conclude_enquiry.risk_outcome,
           msp_achieved = conclude_enquiry.msp_achieved, sar_considered = conclude_enquiry.sar_considered
     WHERE e.id OPERATOR(pg_catalog.=) conclude_enquiry.enquiry_id
    RETURNING e.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enquiry % does not exist or is not visible to you', conclude_enquiry.enquiry_id
            USING ERRCODE = 'SG208', HINT = 'Local authority staff see only their own authority''s enquiries.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.conclude_enquiry(bigint, safeguard.sac_action_result, safeguard.sac_risk_type[], safeguard.sac_risk_location, safeguard.sac_source_of_risk, safeguard.sac_risk_outcome, safeguard.sac_msp_achieved, boolean) IS
    'Concludes an enquiry in progress (its allocated officer, or a SAM) with the SAC outcome: types, location and source of risk, action and result, the risk outcome when a risk was acted on, how far expressed outcomes were achieved, and for an adult who has died whether a Safeguarding Adults Review referral was considered (SG219, SG604).';

CREATE FUNCTION safeguard.close_enquiry(enquiry_id bigint,
    feedback_at timestamptz DEFAULT NULL, feedback_method safeguard.contact_method DEFAULT NULL,
    feedback_not_given_reason text DEFAULT NULL, adult_feedback_at timestamptz DEFAULT NULL,
    adult_feedback_not_given_reason text DEFAULT NULL)
RETURNS safeguard.la_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.la_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('la_enquiry:closed');
    UPDATE safeguard.la_enquiry e
       SET state = 'closed', feedback_at = close_enquiry.feedback_at,
           feedback_method = close_enquiry.feedback_method,
           feedback_not_given_reason = close_enquiry.feedback_not_given_reason,
           adult_feedback_at = close_enquiry.adult_feedback_at,
           adult_feedback_not_given_reason = close_enquiry.adult_feedback_not_given_reason
     WHERE e.id OPERATOR(pg_catalog.=) close_enquiry.enquiry_id
    RETURNING e.state INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enquiry % does not exist or is not visible to you', close_enquiry.enquiry_id
            USING ERRCODE = 'SG208', HINT = 'Local authority staff see only their own authority''s enquiries.';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.close_enquiry(bigint, timestamptz, safeguard.contact_method, text, timestamptz, text) IS
    'Closes a concluded enquiry: a SAM of the authority only (the manager''s sign-off), with the feedback to the referrer (when and how) or the reason it cannot be given, and the feedback to the adult (when) or the reason not, unless the adult has died (SG220, SG218).';

CREATE TYPE safeguard.strategy_kind AS ENUM ('discussion', 'meeting');
COMMENT ON TYPE safeguard.strategy_kind IS 'A strategy discussion (by telephone or video, between agencies) or a strategy meeting.';

CREATE FUNCTION safeguard.la_enquiry_strategy_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_strategy_guard';
COMMENT ON FUNCTION safeguard.la_enquiry_strategy_guard() IS 'Trigger: who may record an enquiry''s strategy discussion, when, and what it records; never changed.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_strategy_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_strategy_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_strategy_after';
COMMENT ON FUNCTION safeguard.la_enquiry_strategy_after() IS 'Trigger: the enquiry''s first strategy discussion judges its strategy_discussion deadline met or breached.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_strategy_after() FROM PUBLIC;

CREATE TABLE safeguard.la_enquiry_strategy (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id      bigint NOT NULL REFERENCES safeguard.la_enquiry,
    kind            safeguard.strategy_kind NOT NULL,
    held_at         timestamptz NOT NULL,
    attendees       text NOT NULL,
    decisions       text NOT NULL,
    la_id           bigint REFERENCES safeguard.organisation,
    case_id         bigint REFERENCES safeguard.safeguarding_case,
    recorded_by     regrole,
    recorded_org_id bigint REFERENCES safeguard.organisation,
    recorded_at     timestamptz
);

CREATE INDEX la_enquiry_strategy_enquiry ON safeguard.la_enquiry_strategy (enquiry_id);

COMMENT ON TABLE safeguard.la_enquiry_strategy IS
    'A strategy discussion or meeting held for a council''s enquiry: when, who attended, what was decided. Recorded by the allocated officer or a SAM while the enquiry is allocated or in progress; never changed. The first one judges the enquiry''s strategy_discussion deadline.';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.kind IS 'discussion or meeting.';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.held_at IS 'When it was held (not in the future, not before the decision that opened the enquiry).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.attendees IS 'Who took part, people and agencies (required).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.decisions IS 'What was decided, and who will do what (required).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.la_id IS 'The enquiry''s local authority (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.case_id IS 'The enquiry''s case (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_strategy.recorded_at IS 'When it was recorded (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.la_enquiry_strategy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.la_enquiry_strategy
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_strategy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
CREATE TRIGGER la_enquiry_strategy_after AFTER INSERT ON safeguard.la_enquiry_strategy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_strategy_after();
CREATE TRIGGER la_enquiry_strategy_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_strategy
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_strategy_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.la_enquiry_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.la_enquiry_strategy ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.la_enquiry_strategy FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.la_enquiry_strategy
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.la_enquiry_strategy FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.la_enquiry_strategy FROM PUBLIC;
GRANT SELECT ON safeguard.la_enquiry_strategy TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT ON safeguard.la_enquiry_strategy TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, enquiry_id, kind, held_at, la_id, case_id, recorded_org_id, recorded_at)
    ON safeguard.la_enquiry_strategy TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_strategy', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_strategy_id_seq', '');

CREATE FUNCTION safeguard.record_strategy_discussion(enquiry_id bigint, kind safeguard.strategy_kind,
    held_at timestamptz, attendees text, decisions text)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('record_strategy_discussion');
    INSERT INTO safeguard.la_enquiry_strategy (enquiry_id, kind, held_at, attendees, decisions)
    VALUES ($1, $2, $3, $4, $5)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.record_strategy_discussion(bigint, safeguard.strategy_kind, timestamptz, text, text) IS
    'Records a strategy discussion or meeting of an allocated or started enquiry (its allocated officer, or a SAM): when, who attended, what was decided; returns its id. The first judges the strategy_discussion deadline (5 working days from the decision).';

CREATE FUNCTION safeguard.la_enquiry_plan_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_plan_guard';
COMMENT ON FUNCTION safeguard.la_enquiry_plan_guard() IS 'Trigger: who may make an enquiry''s safeguarding plan, when, and what it records; one per enquiry, never changed.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_plan_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_plan_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_plan_after';
COMMENT ON FUNCTION safeguard.la_enquiry_plan_after() IS 'Trigger: opens a safeguarding plan''s review deadline.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_plan_after() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_plan_review_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_plan_review_guard';
COMMENT ON FUNCTION safeguard.la_enquiry_plan_review_guard() IS 'Trigger: who may review a safeguarding plan, when, and what a review records; an ended plan is not reviewed again.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_plan_review_guard() FROM PUBLIC;

CREATE FUNCTION safeguard.la_enquiry_plan_review_after() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_la_enquiry_plan_review_after';
COMMENT ON FUNCTION safeguard.la_enquiry_plan_review_after() IS 'Trigger: a review meets the plan''s review deadline and, unless it ends the plan, opens the next.';
REVOKE ALL ON FUNCTION safeguard.la_enquiry_plan_review_after() FROM PUBLIC;

CREATE TABLE safeguard.la_enquiry_plan (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id      bigint NOT NULL UNIQUE REFERENCES safeguard.la_enquiry,
    made_at         timestamptz NOT NULL,
    summary         text NOT NULL,
    la_id           bigint REFERENCES safeguard.organisation,
    case_id         bigint REFERENCES safeguard.safeguarding_case,
    recorded_by     regrole,
    recorded_org_id bigint REFERENCES safeguard.organisation,
    recorded_at     timestamptz
);

COMMENT ON TABLE safeguard.la_enquiry_plan IS
    'The safeguarding plan of a council''s enquiry: what will be done to keep the adult safe. One per enquiry, made while it is in progress or concluded by the allocated officer or a SAM; reviewed (safeguard.la_enquiry_plan_review) within 30 working days of the plan and of each review, until a review ends it; never changed.';
COMMENT ON COLUMN safeguard.la_enquiry_plan.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.la_enquiry_plan.enquiry_id IS 'The enquiry.';
COMMENT ON COLUMN safeguard.la_enquiry_plan.made_at IS 'When the plan was agreed (not in the future, not before the decision that opened the enquiry; the anchor of its first review deadline).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.summary IS 'What will be done, by whom (required).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.la_id IS 'The enquiry''s local authority (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.case_id IS 'The enquiry''s case (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan.recorded_at IS 'When it was recorded (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.la_enquiry_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.la_enquiry_plan
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
CREATE TRIGGER la_enquiry_plan_after AFTER INSERT ON safeguard.la_enquiry_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_plan_after();
CREATE TRIGGER la_enquiry_plan_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_plan
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_plan_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.la_enquiry_plan
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.la_enquiry_plan ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.la_enquiry_plan FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.la_enquiry_plan
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.la_enquiry_plan FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.la_enquiry_plan FROM PUBLIC;
GRANT SELECT ON safeguard.la_enquiry_plan TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT ON safeguard.la_enquiry_plan TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, enquiry_id, made_at, la_id, case_id, recorded_org_id, recorded_at)
    ON safeguard.la_enquiry_plan TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_plan', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_plan_id_seq', '');

CREATE TABLE safeguard.la_enquiry_plan_review (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id         bigint NOT NULL REFERENCES safeguard.la_enquiry_plan,
    reviewed_at     timestamptz NOT NULL,
    outcome         text NOT NULL,
    plan_ended      boolean NOT NULL DEFAULT false,
    enquiry_id      bigint REFERENCES safeguard.la_enquiry,
    la_id           bigint REFERENCES safeguard.organisation,
    case_id         bigint REFERENCES safeguard.safeguarding_case,
    recorded_by     regrole,
    recorded_org_id bigint REFERENCES safeguard.organisation,
    recorded_at     timestamptz
);

CREATE INDEX la_enquiry_plan_review_plan ON safeguard.la_enquiry_plan_review (plan_id);

COMMENT ON TABLE safeguard.la_enquiry_plan_review IS
    'A review of a safeguarding plan: when, what it found, and whether it ended the plan. By the allocated officer or a SAM; meets the plan''s review deadline and, unless it ends the plan, opens the next; never changed.';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.plan_id IS 'The plan reviewed.';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.reviewed_at IS 'When it was reviewed (not in the future, not before the plan or its last review).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.outcome IS 'What the review found and what changes (required).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.plan_ended IS 'True when this review ended the plan: no further review is due or accepted.';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.enquiry_id IS 'The plan''s enquiry (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.la_id IS 'The enquiry''s local authority (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.case_id IS 'The enquiry''s case (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.recorded_by IS 'Who recorded it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.la_enquiry_plan_review.recorded_at IS 'When it was recorded (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.la_enquiry_plan_review
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.la_enquiry_plan_review
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_plan_review
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', 'case_id');
CREATE TRIGGER la_enquiry_plan_review_after AFTER INSERT ON safeguard.la_enquiry_plan_review
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_plan_review_after();
CREATE TRIGGER la_enquiry_plan_review_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.la_enquiry_plan_review
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.la_enquiry_plan_review_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.la_enquiry_plan_review
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.la_enquiry_plan_review ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.la_enquiry_plan_review FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.la_enquiry_plan_review
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY reader_scope ON safeguard.la_enquiry_plan_review FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.la_enquiry_plan_review FROM PUBLIC;
GRANT SELECT ON safeguard.la_enquiry_plan_review TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT ON safeguard.la_enquiry_plan_review TO safeguard_la_officer, safeguard_sam;
GRANT SELECT (id, plan_id, reviewed_at, plan_ended, enquiry_id, la_id, case_id, recorded_org_id, recorded_at)
    ON safeguard.la_enquiry_plan_review TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_plan_review', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.la_enquiry_plan_review_id_seq', '');

CREATE FUNCTION safeguard.make_safeguarding_plan(enquiry_id bigint, made_at timestamptz, summary text)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('make_safeguarding_plan');
    INSERT INTO safeguard.la_enquiry_plan (enquiry_id, made_at, summary) VALUES ($1, $2, $3)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.make_safeguarding_plan(bigint, timestamptz, text) IS
    'Makes the safeguarding plan of an enquiry in progress or concluded (its allocated officer, or a SAM); one per enquiry; returns its id. Its review is due within 30 working days.';

CREATE FUNCTION safeguard.review_safeguarding_plan(plan_id bigint, reviewed_at timestamptz, outcome text,
    plan_ended boolean DEFAULT false)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('review_safeguarding_plan');
    INSERT INTO safeguard.la_enquiry_plan_review (plan_id, reviewed_at, outcome, plan_ended)
    VALUES ($1, $2, $3, $4)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.review_safeguarding_plan(bigint, timestamptz, text, boolean) IS
    'Records a review of a safeguarding plan (the enquiry''s allocated officer, or a SAM), and whether it ends the plan; returns its id. The next review is due within 30 working days unless the plan ended.';


-- Owned and fired as the full script's finishing section does for every table.
ALTER TABLE safeguard.concern_decision OWNER TO safeguard_owner;
ALTER TABLE safeguard.la_enquiry OWNER TO safeguard_owner;
ALTER TABLE safeguard.la_enquiry_strategy OWNER TO safeguard_owner;
ALTER TABLE safeguard.la_enquiry_plan OWNER TO safeguard_owner;
ALTER TABLE safeguard.la_enquiry_plan_review OWNER TO safeguard_owner;
DO $council$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, g.tgname
             FROM pg_catalog.pg_trigger g
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND c.relname OPERATOR(pg_catalog.=) ANY ('{concern_decision,la_enquiry,la_enquiry_strategy,la_enquiry_plan,la_enquiry_plan_review}'::pg_catalog.name[])
               AND NOT g.tgisinternal AND g.tgenabled OPERATOR(pg_catalog.<>) 'A'
             ORDER BY c.relname, g.tgname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
    END LOOP;
END
$council$;

-- The enquiry's deadline kinds, timescales and ladders (the full script installs them last).
INSERT INTO safeguard.deadline_kind VALUES
    ('enquiry_contact', 'la_enquiry', 'concern decision opening an enquiry (decided_at)', 'enquiry started (started_at)', 'The authority contacts the adult and the referrer: the enquiry starts with Making Safeguarding Personal.'),
    ('enquiry_conclusion', 'la_enquiry', 'concern decision opening an enquiry (decided_at)', 'enquiry concluded (concluded_at)', 'The authority concludes its enquiry; one extension, approved by a SAM.'),
    ('enquiry_feedback', 'la_enquiry', 'enquiry concluded (concluded_at)', 'feedback given to the referrer (feedback_at)', 'The referrer hears the outcome of the enquiry.'),
    ('strategy_discussion', 'la_enquiry', 'concern decision opening an enquiry (decided_at)', 'the first strategy discussion or meeting held (held_at)', 'When the authority holds a strategy discussion, it is held promptly: judged when recorded, never chased.'),
    ('plan_review', 'la_enquiry', 'safeguarding plan made (made_at), or its last review (reviewed_at)', 'the plan reviewed (reviewed_at)', 'The authority reviews an enquiry''s safeguarding plan until a review ends it.');

INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, r.kind, r.amount, r.unit::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p,
     (VALUES ('enquiry_contact', 2, 'working_days'), ('enquiry_conclusion', 20, 'working_days'),
             ('enquiry_feedback', 5, 'working_days'), ('strategy_discussion', 5, 'working_days'),
             ('plan_review', 30, 'working_days')) AS r(kind, amount, unit)
WHERE p.shipped
ORDER BY r.kind;

INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit, shipped)
SELECT r.policy_id, r.kind, x.rung::safeguard.alert_rung, x.days, r.unit, true
FROM safeguard.deadline_rule r,
     (VALUES ('due_soon', -2), ('breach', 0), ('escalate', 5)) AS x(rung, days)
WHERE r.shipped AND r.kind OPERATOR(pg_catalog.=) ANY ('{enquiry_contact,enquiry_conclusion,enquiry_feedback,strategy_discussion,plan_review}'::text[])
ORDER BY r.kind, x.rung;

--------------------------------------------------------------------------
-- Issue 19: the sweep's schedule and health
-- The schedule (each open, unpaused deadline's next rung instant) and the
-- sweeper's health, as the full script defines them in section 7; then
-- their tables to safeguard_owner, their triggers ALWAYS (section 10 of the
-- full script), and the schedule computed for the deadlines open now.
--------------------------------------------------------------------------

-- The sweep's schedule (issue 19): each open, unpaused deadline's next rung
-- instant, in a table of its own, indexed, so that sweep() reads what is
-- due and nothing else: a call costs the rungs it fires, not the deadlines
-- open.  Derived from the deadline, its rule, its ladder, its alerts and
-- the calendar, with the arithmetic the sweep fires by (rung_fire_at), and
-- kept in C: the trigger schedule_sync on deadline (open, pause, resume,
-- extend, close, cancel: any kind, whichever function opened it), the sweep
-- (fire), schedule_ladder on the ladders and rules, and schedule_calendar,
-- which rebuilds every row once when a transaction changes the calendar.
-- Not audited (derived); nobody but safeguard reads or writes it.
CREATE FUNCTION safeguard.rung_fire_at(amount integer, unit safeguard.deadline_unit, anchor timestamptz,
    division text, offset_amount integer, offset_unit safeguard.deadline_unit)
    RETURNS timestamptz LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_rung_fire_at_sql';
COMMENT ON FUNCTION safeguard.rung_fire_at(integer, safeguard.deadline_unit, timestamptz, text, integer, safeguard.deadline_unit) IS
    'The instant a rung of an escalation ladder fires: the due instant of the rule (amount, unit) counted from anchor in division, shifted by the rung''s offset, as sweep() computes it; NULL when it cannot be computed (the calendar does not cover it, or out of range).';

CREATE TABLE safeguard.deadline_schedule (
    deadline_id  bigint PRIMARY KEY REFERENCES safeguard.deadline,
    anchor_at    timestamptz NOT NULL,
    next_fire_at timestamptz,
    uncomputable integer NOT NULL DEFAULT 0
);

CREATE INDEX deadline_schedule_due ON safeguard.deadline_schedule (next_fire_at)
    WHERE next_fire_at IS NOT NULL;
CREATE INDEX deadline_schedule_uncomputable ON safeguard.deadline_schedule (anchor_at, deadline_id)
    WHERE uncomputable OPERATOR(pg_catalog.>) 0;

COMMENT ON TABLE safeguard.deadline_schedule IS
    'The sweep''s schedule: one row per open, unpaused deadline with the instant its next rung fires, so that sweep() reads only what is due (issue 19). Derived (not audited) and kept by safeguard: opening, pausing, resuming, extending, closing or cancelling a deadline, firing a rung, changing a ladder and changing the calendar bring it up to date. Readable by nobody but safeguard; safeguard.sweep_health shows what is due.';
COMMENT ON COLUMN safeguard.deadline_schedule.deadline_id IS 'The open, unpaused deadline.';
COMMENT ON COLUMN safeguard.deadline_schedule.anchor_at IS 'Its anchor: a sweep takes the deadlines due oldest anchor first.';
COMMENT ON COLUMN safeguard.deadline_schedule.next_fire_at IS 'The earliest instant among its rungs not yet fired; NULL when every rung has fired or none left can be computed.';
COMMENT ON COLUMN safeguard.deadline_schedule.uncomputable IS 'How many of its rungs not yet fired have an instant that cannot be computed (the calendar does not cover it); they wait, and sweep() warns, until the calendar is imported.';
COMMENT ON INDEX safeguard.deadline_schedule_due IS
    'What a sweep reads: next_fire_at <= now(), the deadlines with a rung due.';
COMMENT ON INDEX safeguard.deadline_schedule_uncomputable IS
    'The deadlines with a rung that waits for the calendar, for sweep()''s warning and sweep_health.';

CREATE FUNCTION safeguard.deadline_schedule_sync() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_sync';
COMMENT ON FUNCTION safeguard.deadline_schedule_sync() IS
    'Trigger on deadline: a deadline that opens, resumes or is extended gets its next rung instant in deadline_schedule; one that closes, is cancelled or paused leaves it.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_sync() FROM PUBLIC;

CREATE FUNCTION safeguard.deadline_schedule_ladder() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_ladder';
COMMENT ON FUNCTION safeguard.deadline_schedule_ladder() IS
    'Trigger on deadline_rule and escalation_rung: a change to a ladder (a rung added to a policy in use) reaches the schedule of that rule''s open deadlines at once.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_ladder() FROM PUBLIC;

CREATE FUNCTION safeguard.deadline_schedule_calendar() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_deadline_schedule_calendar';
COMMENT ON FUNCTION safeguard.deadline_schedule_calendar() IS
    'Deferred trigger on bank_holiday and division: a calendar change moves due instants, so the whole schedule is rebuilt, once, when the transaction that changed the calendar commits.';
REVOKE ALL ON FUNCTION safeguard.deadline_schedule_calendar() FROM PUBLIC;

CREATE FUNCTION safeguard.rebuild_deadline_schedule() RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_rebuild_deadline_schedule';
COMMENT ON FUNCTION safeguard.rebuild_deadline_schedule() IS
    'Recomputes every row of the sweep''s schedule from the deadlines, their ladders, their alerts and the calendar; returns how many rows it wrote or removed (0 when the schedule was right). Nothing needs it in normal operation (a restore brings the schedule back as dumped); a repair, for an administrator of the regulator.';
REVOKE ALL ON FUNCTION safeguard.rebuild_deadline_schedule() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.rebuild_deadline_schedule() TO safeguard_admin;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.deadline_schedule
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.deadline_schedule
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

-- No privilege and no policy: nobody but safeguard (its owner) reads a row,
-- not even a member of pg_read_all_data.
ALTER TABLE safeguard.deadline_schedule ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.deadline_schedule FORCE ROW LEVEL SECURITY;
REVOKE ALL ON safeguard.deadline_schedule FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('safeguard.deadline_schedule', '');

CREATE TRIGGER schedule_sync AFTER INSERT OR UPDATE OF status, paused_at, anchor_at, amount ON safeguard.deadline
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_sync();
CREATE TRIGGER schedule_ladder AFTER INSERT OR DELETE OR UPDATE ON safeguard.deadline_rule
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_ladder();
CREATE TRIGGER schedule_ladder AFTER INSERT OR DELETE OR UPDATE ON safeguard.escalation_rung
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_ladder();
CREATE CONSTRAINT TRIGGER schedule_calendar AFTER INSERT OR DELETE OR UPDATE ON safeguard.bank_holiday
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_calendar();
CREATE CONSTRAINT TRIGGER schedule_calendar AFTER INSERT OR DELETE OR UPDATE ON safeguard.division
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.deadline_schedule_calendar();

-- The sweeper's health (issue 19): whether deadlines are being acted on,
-- for an operator and for a monitoring tool polling SQL.  Each sweep records
-- itself in its own transaction (never waiting for another sweep's record);
-- the background worker records a failed sweep after rolling it back.  The
-- view adds the due backlog as the schedule has it now.  The admin and
-- auditor duties only; thresholds to alert on: docs/operations.md.
CREATE TABLE safeguard.sweep_state (
    only_row            boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    sweeps              bigint NOT NULL DEFAULT 0,
    rungs_fired         bigint NOT NULL DEFAULT 0,
    last_started_at     timestamptz,
    last_finished_at    timestamptz,
    last_rungs_fired    integer,
    last_rungs_left     integer,
    last_error_at       timestamptz,
    last_error_sqlstate text,
    last_error          text
);

COMMENT ON TABLE safeguard.sweep_state IS
    'The sweeper''s record of itself: one row, installed empty, updated by every committed sweep and by the background worker when a sweep fails. Not audited (operational); read through safeguard.sweep_health.';
COMMENT ON COLUMN safeguard.sweep_state.only_row IS 'There is one row.';
COMMENT ON COLUMN safeguard.sweep_state.sweeps IS 'Sweeps committed since the row was created.';
COMMENT ON COLUMN safeguard.sweep_state.rungs_fired IS 'Rungs those sweeps fired.';
COMMENT ON COLUMN safeguard.sweep_state.last_started_at IS 'When the last committed sweep started (real time).';
COMMENT ON COLUMN safeguard.sweep_state.last_finished_at IS 'When it finished (real time, before its commit).';
COMMENT ON COLUMN safeguard.sweep_state.last_rungs_fired IS 'How many rungs it fired.';
COMMENT ON COLUMN safeguard.sweep_state.last_rungs_left IS 'How many due rungs it left for a later sweep because another transaction held their case.';
COMMENT ON COLUMN safeguard.sweep_state.last_error_at IS 'When the background worker last recorded a failed sweep.';
COMMENT ON COLUMN safeguard.sweep_state.last_error_sqlstate IS 'Its SQLSTATE.';
COMMENT ON COLUMN safeguard.sweep_state.last_error IS 'Its message.';

-- The one row, installed empty: a sweep only ever updates it (so two
-- sweeps never wait on each other's first insert).
INSERT INTO safeguard.sweep_state DEFAULT VALUES;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.sweep_state
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard('only_row');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.sweep_state
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.sweep_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.sweep_state FORCE ROW LEVEL SECURITY;
REVOKE ALL ON safeguard.sweep_state FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('safeguard.sweep_state', '');

CREATE FUNCTION safeguard.sweeper_health(OUT last_started_at timestamptz, OUT last_finished_at timestamptz,
    OUT last_duration interval, OUT last_rungs_fired integer, OUT last_rungs_left integer,
    OUT sweeps bigint, OUT rungs_fired bigint, OUT due_deadlines bigint, OUT oldest_due_at timestamptz,
    OUT uncomputable_rungs bigint, OUT last_error_at timestamptz, OUT last_error_sqlstate text,
    OUT last_error text)
    RETURNS record LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_sweeper_health';
COMMENT ON FUNCTION safeguard.sweeper_health() IS
    'The sweeper''s health as one row (safeguard.sweep_health reads it): the last committed sweep, the due backlog as of safeguard.now(), the rungs whose instant cannot be computed yet and the last failure recorded. The admin and auditor duties.';
REVOKE ALL ON FUNCTION safeguard.sweeper_health() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sweeper_health() TO safeguard_admin, safeguard_auditor;

CREATE VIEW safeguard.sweep_health WITH (security_invoker = true) AS
SELECT h.last_started_at, h.last_finished_at, h.last_duration,
       safeguard.now() OPERATOR(pg_catalog.-) h.last_finished_at AS since_last_sweep,
       h.last_rungs_fired, h.last_rungs_left, h.sweeps, h.rungs_fired,
       h.due_deadlines, h.oldest_due_at,
       safeguard.now() OPERATOR(pg_catalog.-) h.oldest_due_at AS oldest_due_age,
       h.uncomputable_rungs, h.last_error_at, h.last_error_sqlstate, h.last_error
FROM safeguard.sweeper_health() h;
COMMENT ON VIEW safeguard.sweep_health IS
    'Whether deadlines are being acted on: the last committed sweep (when, how long, what it fired and left), the due backlog (deadlines with a rung due now and the oldest instant due), rungs waiting for the calendar, and the last failed sweep the background worker recorded. One row. The admin and auditor duties; alert thresholds in docs/operations.md.';
COMMENT ON COLUMN safeguard.sweep_health.last_started_at IS 'When the last committed sweep started (real time); NULL before the first.';
COMMENT ON COLUMN safeguard.sweep_health.last_finished_at IS 'When it finished.';
COMMENT ON COLUMN safeguard.sweep_health.last_duration IS 'How long it took.';
COMMENT ON COLUMN safeguard.sweep_health.since_last_sweep IS 'How long ago it finished (safeguard.now(), the transaction''s start unless a test pinned the clock, minus last_finished_at): alert when it passes a few sweep intervals.';
COMMENT ON COLUMN safeguard.sweep_health.last_rungs_fired IS 'How many rungs it fired.';
COMMENT ON COLUMN safeguard.sweep_health.last_rungs_left IS 'How many due rungs it left because another transaction held their case (they fire at the next sweep).';
COMMENT ON COLUMN safeguard.sweep_health.sweeps IS 'Sweeps committed so far: a counter for rates.';
COMMENT ON COLUMN safeguard.sweep_health.rungs_fired IS 'Rungs they fired: a counter for rates.';
COMMENT ON COLUMN safeguard.sweep_health.due_deadlines IS 'Open, unpaused deadlines with a rung due now (safeguard.now()) and not yet fired: the due backlog.';
COMMENT ON COLUMN safeguard.sweep_health.oldest_due_at IS 'The oldest instant due among them; NULL when nothing is due.';
COMMENT ON COLUMN safeguard.sweep_health.oldest_due_age IS 'How long the oldest due rung has waited (safeguard.now() minus oldest_due_at).';
COMMENT ON COLUMN safeguard.sweep_health.uncomputable_rungs IS 'Rungs of open deadlines whose instant cannot be computed until the next gov.uk calendar is imported.';
COMMENT ON COLUMN safeguard.sweep_health.last_error_at IS 'When the background worker last recorded a failed sweep (pg_cron keeps its own in cron.job_run_details).';
COMMENT ON COLUMN safeguard.sweep_health.last_error_sqlstate IS 'Its SQLSTATE.';
COMMENT ON COLUMN safeguard.sweep_health.last_error IS 'Its message.';
REVOKE ALL ON safeguard.sweep_health FROM PUBLIC;
GRANT SELECT ON safeguard.sweep_health TO safeguard_admin, safeguard_auditor;

DO $issue19$
DECLARE
    t record;
BEGIN
    ALTER TABLE safeguard.deadline_schedule OWNER TO safeguard_owner;
    ALTER TABLE safeguard.sweep_state OWNER TO safeguard_owner;
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
$issue19$;

-- The schedule of the deadlines open when the update runs (as
-- rebuild_deadline_schedule() computes it).
INSERT INTO safeguard.deadline_schedule (deadline_id, anchor_at, next_fire_at, uncomputable)
SELECT d.id, d.anchor_at, pg_catalog.min(x.at),
       (pg_catalog.count(x.rung) FILTER (WHERE x.at IS NULL))::pg_catalog.int4
FROM safeguard.deadline d
JOIN safeguard.deadline_rule r ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id
                              AND r.kind OPERATOR(pg_catalog.=) d.kind
LEFT JOIN LATERAL (SELECT e.rung, safeguard.rung_fire_at(coalesce(d.amount, r.amount), r.unit,
                       d.anchor_at, d.division, e.offset_amount, e.offset_unit) AS at
                   FROM safeguard.escalation_rung e
                   WHERE e.policy_id OPERATOR(pg_catalog.=) d.policy_id AND e.kind OPERATOR(pg_catalog.=) d.kind
                     AND NOT EXISTS (SELECT 1 FROM safeguard.deadline_alert a
                                     WHERE a.deadline_id OPERATOR(pg_catalog.=) d.id
                                       AND a.rung OPERATOR(pg_catalog.=) e.rung)) x ON true
WHERE d.status OPERATOR(pg_catalog.=) 'open' AND d.paused_at IS NULL AND NOT safeguard.restoring()
GROUP BY d.id, d.anchor_at;

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
CREATE TYPE safeguard.audit_record_kind AS ENUM ('referral', 'provider_enquiry', 'la_enquiry');
COMMENT ON TYPE safeguard.audit_record_kind IS 'The kinds of record a case-file audit programme samples: the regulator''s referrals, provider enquiries, and a council''s own enquiries (la_enquiry).';

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
    per_team_per_month    integer,
    sample_from           date NOT NULL,
    sample_to             date NOT NULL,
    auditors              regrole[] NOT NULL,
    created_by            regrole,
    created_at            timestamptz
);
COMMENT ON TABLE safeguard.audit_programme IS 'An agreed programme of case-file audits: which records, from which period, how many per auditor (and, optionally, per team) per month, by whom, with which tool version.';
COMMENT ON COLUMN safeguard.audit_programme.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.audit_programme.organisation_id IS 'The organisation whose programme it is (recorded by safeguard): a local authority, or the regulator for referrals.';
COMMENT ON COLUMN safeguard.audit_programme.name IS 'The programme''s name.';
COMMENT ON COLUMN safeguard.audit_programme.record_kind IS 'The kind of record audited: referral, provider_enquiry or la_enquiry.';
COMMENT ON COLUMN safeguard.audit_programme.tool_id IS 'The audit tool version (with at least one question; frozen once used).';
COMMENT ON COLUMN safeguard.audit_programme.per_auditor_per_month IS 'How many records each auditor audits in a month (1 to 100).';
COMMENT ON COLUMN safeguard.audit_programme.per_team_per_month IS 'How many records of each team''s work are audited in a month (1 to 100; the team of the practitioner whose work the record is); NULL: no quota per team.';
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
    candidate_teams   text[] NOT NULL,
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
COMMENT ON COLUMN safeguard.audit_selection.candidate_teams IS 'The team of each candidate''s practitioner at the draw, in the order of candidates (NULL: none recorded): what a quota per team was drawn from.';

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
    tool_id bigint, per_auditor_per_month integer, sample_from date, sample_to date, auditors regrole[],
    per_team_per_month integer DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('define_audit_programme');
    INSERT INTO safeguard.audit_programme (name, record_kind, tool_id, per_auditor_per_month,
                                           sample_from, sample_to, auditors, per_team_per_month)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.define_audit_programme(text, safeguard.audit_record_kind, bigint, integer, date, date, regrole[], integer) IS 'Defines a case-file audit programme of the caller''s organisation: the kind of record, the tool version, how many per auditor per month, the period sampled, the auditors and, optionally, how many of each team''s work per month; returns its id.';

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
       l.planned,
       pg_catalog.cardinality(s.candidates)::bigint AS candidates,
       pg_catalog.count(a.id) AS selected,
       pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.<>) 'assigned') AS completed,
       pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.=) 'acknowledged') AS acknowledged,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(a.id) FILTER (WHERE a.state OPERATOR(pg_catalog.<>) 'assigned')
             OPERATOR(pg_catalog./) l.planned, 1) AS coverage_percent
FROM safeguard.audit_programme p
JOIN safeguard.audit_selection s ON s.programme_id OPERATOR(pg_catalog.=) p.id
CROSS JOIN LATERAL (
    SELECT least(pg_catalog.cardinality(s.auditors) OPERATOR(pg_catalog.*) p.per_auditor_per_month,
                            (SELECT pg_catalog.count(DISTINCT coalesce(t, ''))
                             FROM pg_catalog.unnest(s.candidate_teams) AS t) OPERATOR(pg_catalog.*) p.per_team_per_month)::bigint
) AS l (planned)
LEFT JOIN safeguard.case_file_audit a ON a.selection_id OPERATOR(pg_catalog.=) s.id
GROUP BY p.id, s.id, l.planned;
COMMENT ON VIEW safeguard.case_file_audit_coverage IS 'Coverage of each programme''s months against the programme: audits planned (auditors x per month), drawn, completed and acknowledged.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.programme_id IS 'The programme.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.organisation_id IS 'Its organisation.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.record_kind IS 'The kind of record it audits.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.selection_id IS 'The month''s draw.';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.month IS 'The month (its first day).';
COMMENT ON COLUMN safeguard.case_file_audit_coverage.planned IS 'Audits the programme plans for the month: auditors x per_auditor_per_month, or, with a quota per team, at most the teams among the candidates x per_team_per_month.';
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
-- survived.  sac_return reads these (through sac_sg5_cells).
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

-- Issue 19: the grants cache on a logical-replication subscriber.  From 1.5 each backend
-- keeps the grants it read until duty_grant's relcache invalidation; scope_changed sends it
-- after each statement, but the apply worker fires no statement trigger, so a row trigger
-- sends it while replication applies changes (and does nothing elsewhere).
CREATE FUNCTION safeguard.scope_changed_replicated() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_scope_changed_replicated';
COMMENT ON FUNCTION safeguard.scope_changed_replicated() IS
    'Trigger (each row): what scope_changed does, while logical replication applies changes (session_replication_role = replica), whose apply worker fires no statement trigger: a replicated grant, revoke or change of organisation reaches every session of the subscriber at once. Elsewhere it does nothing.';
REVOKE ALL ON FUNCTION safeguard.scope_changed_replicated() FROM PUBLIC;
CREATE TRIGGER scope_changed_replicated AFTER INSERT OR DELETE OR UPDATE ON safeguard.organisation
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.scope_changed_replicated();
CREATE TRIGGER scope_changed_replicated AFTER INSERT OR DELETE OR UPDATE ON safeguard.duty_grant
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.scope_changed_replicated();
ALTER TABLE safeguard.organisation ENABLE ALWAYS TRIGGER scope_changed_replicated;
ALTER TABLE safeguard.duty_grant ENABLE ALWAYS TRIGGER scope_changed_replicated;

-- Issue 16 items 1 and 5: a referral arrives as the council's concern (branch arrival)
-- An authority that runs its pathway on safeguard receives the regulator's
-- referrals as its own concerns (organisation.receives_referrals_as_concerns;
-- src/referral_arrival.c); the referral's LA-side states follow the council's
-- records.  Referrals sent before this version have no such concern and keep
-- the referral functions.
ALTER TABLE safeguard.organisation ADD COLUMN receives_referrals_as_concerns boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN safeguard.organisation.receives_referrals_as_concerns IS
    'For a local authority that runs its safeguarding pathway on safeguard: a referral the regulator sends it arrives as its own concern (concern.referral_id), and the referral''s states follow the council''s records. False (the default): its officers work referrals through the referral functions. Read when a referral is sent; SG210 on another kind of organisation.';
ALTER TABLE safeguard.concern ADD COLUMN referral_id bigint UNIQUE;
COMMENT ON COLUMN safeguard.concern.referral_id IS 'For a concern that arrived from the regulator: the referral it arrived as (created by safeguard when the referral was sent to an authority that receives referrals as concerns; source regulator, logged for the authority). Unique; never supplied, never changed.';
GRANT SELECT (referral_id) ON safeguard.concern TO safeguard_reader;

-- A referral the regulator sends to an authority that receives referrals
-- as concerns arrives as that authority's concern (concern.referral_id,
-- made in C by src/referral_arrival.c when the referral is sent), and the
-- referral's LA-side states follow the council's records of it.  The
-- regulator reads that pathway in referral_la_pathway: states and dates,
-- never the council's notes (its decision's rationale, the enquiry, the
-- plans stay under works_for_la).  concern.referral_id has no foreign key:
-- only safeguard sets it, from the referral being sent, and referral already
-- references concern (a cycle would leave pg_dump no order for the data).

CREATE VIEW safeguard.referral_la_pathway WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, o.name AS local_authority, r.state, r.sent_at,
       a.id AS council_concern_id, a.id IS NOT NULL AS arrived_as_concern,
       r.acknowledged_at, r.decided_at, r.la_decision AS decision,
       CASE WHEN r.la_decision OPERATOR(pg_catalog.<>) 'no_enquiry' THEN r.la_decision END AS enquiry_type,
       r.allocated_to IS NOT NULL AS allocated, r.allocated_at, r.outcome_at AS concluded_at,
       r.closed_at, r.feedback_at IS NOT NULL AS feedback_given, r.feedback_at, r.feedback_method
FROM safeguard.referral r
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
LEFT JOIN safeguard.concern a ON a.referral_id OPERATOR(pg_catalog.=) r.id
WHERE r.sent_at IS NOT NULL;
COMMENT ON VIEW safeguard.referral_la_pathway IS
    'The local authority pathway of each referral sent that the caller may see: for the regulator, what became of the referrals it sent, as states and dates only (no rationale, casework notes or free text). A referral that arrived as the council''s concern follows the council''s records of it.';
COMMENT ON COLUMN safeguard.referral_la_pathway.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.referral_la_pathway.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.referral_la_pathway.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.referral_la_pathway.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.referral_la_pathway.state IS 'The referral''s state: sent, acknowledged, decided, outcome_recorded or closed.';
COMMENT ON COLUMN safeguard.referral_la_pathway.sent_at IS 'When it was sent.';
COMMENT ON COLUMN safeguard.referral_la_pathway.council_concern_id IS 'The council''s concern it arrived as (NULL: worked through the referral functions).';
COMMENT ON COLUMN safeguard.referral_la_pathway.arrived_as_concern IS 'True when it arrived as the council''s concern.';
COMMENT ON COLUMN safeguard.referral_la_pathway.acknowledged_at IS 'When the authority acknowledged it (for an arrival: when it arrived).';
COMMENT ON COLUMN safeguard.referral_la_pathway.decided_at IS 'When the authority decided.';
COMMENT ON COLUMN safeguard.referral_la_pathway.decision IS 'section_42_enquiry, other_enquiry or no_enquiry.';
COMMENT ON COLUMN safeguard.referral_la_pathway.enquiry_type IS 'The enquiry made (section_42_enquiry or other_enquiry); NULL when none.';
COMMENT ON COLUMN safeguard.referral_la_pathway.allocated IS 'True while it (or the council''s enquiry) is allocated to a named officer.';
COMMENT ON COLUMN safeguard.referral_la_pathway.allocated_at IS 'When it was last allocated or unallocated.';
COMMENT ON COLUMN safeguard.referral_la_pathway.concluded_at IS 'When the outcome was recorded (the enquiry concluded).';
COMMENT ON COLUMN safeguard.referral_la_pathway.closed_at IS 'When it was closed.';
COMMENT ON COLUMN safeguard.referral_la_pathway.feedback_given IS 'True when feedback to the referrer was recorded.';
COMMENT ON COLUMN safeguard.referral_la_pathway.feedback_at IS 'When feedback was given.';
COMMENT ON COLUMN safeguard.referral_la_pathway.feedback_method IS 'How feedback was given.';
REVOKE ALL ON safeguard.referral_la_pathway FROM PUBLIC;
GRANT SELECT ON safeguard.referral_la_pathway TO safeguard_admin, safeguard_contact_centre,
    safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- sac_return counts an arrived referral once: see the block of branch reports below,
-- which defines it as the full script does.

-- Issue 16 item 6: the reports and the return from the council's own pathway (branch reports)
-- sac_return counts the council's enquiries (la_enquiry) with the referrals' LA-side
-- decisions, each enquiry once; report_unallocated becomes the virtual worker caseload of
-- the council's enquiries by authority and team, beside the referrals it showed (its
-- columns kept, two appended); readers may read the deciding team.  Both read la_enquiry
-- through council_enquiries(), which gives a caller without privilege on it no rows.
GRANT SELECT (decided_team) ON safeguard.concern_decision TO safeguard_reader;

-- The council's own enquiries as the reports read them (issue 16 item 6): the
-- rows of la_enquiry the caller may read (its privileges and row-level
-- security), in the columns a reader may read, with the team of the grant
-- that decided.  A caller with no privilege on them (the regulator's staff,
-- who run sac_return and report_unallocated too) gets none instead of 42501.
CREATE FUNCTION safeguard.council_enquiries()
RETURNS TABLE (id bigint, concern_id bigint, la_id bigint, kind safeguard.la_decision,
               state safeguard.la_enquiry_state, decided_at timestamptz, decided_team text,
               allocated_at timestamptz, msp_asked safeguard.sac_msp_asked,
               lacked_capacity safeguard.sac_capacity, advocate_arranged boolean,
               action_result safeguard.sac_action_result, risk_types safeguard.sac_risk_type[],
               risk_location safeguard.sac_risk_location, source_of_risk safeguard.sac_source_of_risk,
               risk_outcome safeguard.sac_risk_outcome, msp_achieved safeguard.sac_msp_achieved,
               concluded_at timestamptz, closed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 1000
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (pg_catalog.has_column_privilege('safeguard.la_enquiry', 'concluded_at', 'SELECT')
            AND pg_catalog.has_column_privilege('safeguard.concern_decision', 'decided_team', 'SELECT')) THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT e.id, e.concern_id, e.la_id, e.kind, e.state, e.decided_at, d.decided_team, e.allocated_at,
           e.msp_asked, e.lacked_capacity, e.advocate_arranged, e.action_result, e.risk_types,
           e.risk_location, e.source_of_risk, e.risk_outcome, e.msp_achieved, e.concluded_at, e.closed_at
    FROM safeguard.la_enquiry e
    JOIN safeguard.concern_decision d ON d.concern_id OPERATOR(pg_catalog.=) e.concern_id;
END
$$;
COMMENT ON FUNCTION safeguard.council_enquiries() IS
    'The council''s own enquiries (safeguard.la_enquiry) the caller may read, as sac_return and report_unallocated count them: the columns a reader may read and the team of the grant that decided (decided_team). Row-level security applies as to the caller; a caller with no privilege on la_enquiry (the regulator''s staff) gets no rows rather than 42501.';
REVOKE ALL ON FUNCTION safeguard.council_enquiries() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.council_enquiries() TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

-- sac_return, which counts both pathways, is created once, in the council block at the end
-- of this step (its year read through the indexes that block and the views block add).

-- report_unallocated, which counts both pathways, is replaced once, in the council block at
-- the end of this step (reading only the open council enquiries, through its index).

--------------------------------------------------------------------------
-- Caused enquiries, Care Act s42(2) (branch caused)
-- Issue 16 item 3: enquiries a council causes another organisation to make,
-- as the full script's section 4a defines them; then the table to
-- safeguard_owner, its triggers ALWAYS (section 10 of the full script), and
-- the caused_report deadline kind with its default rule and ladder.  No
-- existing row changes.
--------------------------------------------------------------------------
-- Enquiries the authority causes another organisation to make (Care Act
-- s42(2), "make or cause"): a provider, an NHS body, the police, another
-- authority is asked a question about the adult and reports back by the
-- date the caused_report deadline sets.  The machine (requested ->
-- report_received -> accepted, or returned for more and received again;
-- withdrawn while a report is awaited) is enforced in C
-- (caused_enquiry.c, caused_enquiry_fsm.c) for every client path.  The
-- organisation's own login (provider duty, acting for it) sees its
-- requests and answers them (caused_to); nothing else of the casework.
CREATE TYPE safeguard.caused_enquiry_state AS ENUM
    ('requested', 'report_received', 'accepted', 'returned', 'withdrawn');
COMMENT ON TYPE safeguard.caused_enquiry_state IS 'States of an enquiry a local authority causes another organisation to make (s42(2)); transitions are enforced in C (docs/council-pathway.md).';

CREATE TYPE safeguard.caused_report_method AS ENUM
    ('own_login', 'secure_email', 'email', 'letter', 'phone', 'meeting', 'other');
COMMENT ON TYPE safeguard.caused_report_method IS 'How a caused enquiry''s report reached the authority: own_login (the organisation reported through safeguard itself; recorded by safeguard only), or the way an officer received it (secure e-mail, e-mail, letter, phone, meeting, other).';

CREATE FUNCTION safeguard.caused_to(organisation_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_caused_to';
COMMENT ON FUNCTION safeguard.caused_to(bigint) IS
    'Row-level security predicate of caused enquiries: true when the current role is a login of that organisation (provider duty, acting for it), which a local authority caused to make an enquiry.';

CREATE FUNCTION safeguard.caused_enquiry_guard() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_caused_enquiry_guard';
COMMENT ON FUNCTION safeguard.caused_enquiry_guard() IS 'Trigger: who may cause an enquiry, report, accept, return or withdraw it, when, and what each records; the caused_report deadline; enforced for every client path.';
REVOKE ALL ON FUNCTION safeguard.caused_enquiry_guard() FROM PUBLIC;

CREATE TABLE safeguard.caused_enquiry (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id             bigint NOT NULL REFERENCES safeguard.la_enquiry,
    organisation_id        bigint NOT NULL REFERENCES safeguard.organisation,
    question               text NOT NULL,
    state                  safeguard.caused_enquiry_state NOT NULL DEFAULT 'requested',
    la_id                  bigint REFERENCES safeguard.organisation,
    case_id                bigint REFERENCES safeguard.safeguarding_case,
    adult_name             text,
    adult_date_of_birth    date,
    adult_nhs_number       text,
    requested_by           regrole,
    requested_org_id       bigint REFERENCES safeguard.organisation,
    requested_at           timestamptz,
    report_due_at          timestamptz,
    report                 text,
    report_received_at     timestamptz,
    report_method          safeguard.caused_report_method,
    report_recorded_by     regrole,
    report_recorded_org_id bigint REFERENCES safeguard.organisation,
    report_recorded_at     timestamptz,
    returned_reason        text,
    withdrawn_reason       text,
    decided_by             regrole,
    decided_org_id         bigint REFERENCES safeguard.organisation,
    decided_at             timestamptz
);

CREATE INDEX caused_enquiry_enquiry ON safeguard.caused_enquiry (enquiry_id);
CREATE INDEX caused_enquiry_organisation ON safeguard.caused_enquiry (organisation_id);

COMMENT ON TABLE safeguard.caused_enquiry IS
    'An enquiry a local authority causes another organisation to make (Care Act s42(2)) as part of its own enquiry: the organisation, the question, when it was asked and when the report is due, the report and how it arrived, and the authority''s acceptance or return. Requested by the enquiry''s allocated officer or a SAM while the enquiry is in progress; the report comes from a login of the organisation, or is recorded by the officer on its behalf. The enquiry neither concludes nor closes while one is open.';
COMMENT ON COLUMN safeguard.caused_enquiry.id IS 'Caused enquiry number.';
COMMENT ON COLUMN safeguard.caused_enquiry.enquiry_id IS 'The council''s enquiry (la_enquiry) it is part of.';
COMMENT ON COLUMN safeguard.caused_enquiry.organisation_id IS 'The organisation caused to make the enquiry: a provider, an NHS body, the police, another authority.';
COMMENT ON COLUMN safeguard.caused_enquiry.question IS 'What the organisation is asked to find out (required).';
COMMENT ON COLUMN safeguard.caused_enquiry.state IS 'requested, report_received, accepted, returned or withdrawn.';
COMMENT ON COLUMN safeguard.caused_enquiry.la_id IS 'The enquiry''s local authority (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.case_id IS 'The enquiry''s case (recorded by safeguard; its audit rows join the case''s chain).';
COMMENT ON COLUMN safeguard.caused_enquiry.adult_name IS 'The adult''s name as the concern records it, for the organisation to find the adult (copied by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.adult_date_of_birth IS 'The adult''s date of birth as the concern records it (copied by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.adult_nhs_number IS 'The adult''s NHS number as the concern records it (copied by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.requested_by IS 'Who asked (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.requested_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.requested_at IS 'When it was asked (recorded by safeguard; the anchor of its caused_report deadline).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_due_at IS 'When the report is due: the caused_report deadline (10 working days by default) from the request, or from the last return (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.report IS 'What the organisation''s enquiry found (required with the report).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_received_at IS 'When the report arrived: now, when the organisation''s login reports; as recorded by the officer otherwise (not in the future, not before the request or return).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_method IS 'How it arrived: own_login (recorded by safeguard), or as the officer recorded it.';
COMMENT ON COLUMN safeguard.caused_enquiry.report_recorded_by IS 'Who recorded the report: the organisation''s login, or the officer on its behalf (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_recorded_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.report_recorded_at IS 'When the report was recorded (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.returned_reason IS 'What more the authority asked for when it last returned the report.';
COMMENT ON COLUMN safeguard.caused_enquiry.withdrawn_reason IS 'Why the authority withdrew the request.';
COMMENT ON COLUMN safeguard.caused_enquiry.decided_by IS 'Who last accepted, returned or withdrew it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.decided_org_id IS 'Organisation that role acted for (recorded by safeguard).';
COMMENT ON COLUMN safeguard.caused_enquiry.decided_at IS 'When it was last accepted, returned or withdrawn (recorded by safeguard).';
COMMENT ON INDEX safeguard.caused_enquiry_enquiry IS 'The caused enquiries of an enquiry (its closure checks them).';
COMMENT ON INDEX safeguard.caused_enquiry_organisation IS 'An organisation''s requests.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.caused_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.caused_enquiry
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.caused_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', 'state', 'case_id');
CREATE TRIGGER caused_enquiry_guard BEFORE INSERT OR DELETE OR UPDATE ON safeguard.caused_enquiry
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.caused_enquiry_guard();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.caused_enquiry
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();

ALTER TABLE safeguard.caused_enquiry ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.caused_enquiry FORCE ROW LEVEL SECURITY;

CREATE POLICY la_scope ON safeguard.caused_enquiry
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
CREATE POLICY caused_scope ON safeguard.caused_enquiry FOR SELECT TO safeguard_provider
    USING (safeguard.caused_to(organisation_id));
CREATE POLICY caused_report ON safeguard.caused_enquiry FOR UPDATE TO safeguard_provider
    USING (safeguard.caused_to(organisation_id)) WITH CHECK (safeguard.caused_to(organisation_id));
CREATE POLICY reader_scope ON safeguard.caused_enquiry FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

REVOKE ALL ON safeguard.caused_enquiry FROM PUBLIC;
GRANT SELECT ON safeguard.caused_enquiry TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;
GRANT INSERT, UPDATE ON safeguard.caused_enquiry TO safeguard_la_officer, safeguard_sam;
-- the organisation: its request and what it needs to answer it, and its report
GRANT SELECT (id, enquiry_id, organisation_id, question, state, la_id, adult_name, adult_date_of_birth,
    adult_nhs_number, requested_at, report_due_at, report, report_received_at, report_method,
    returned_reason, withdrawn_reason, decided_at)
    ON safeguard.caused_enquiry TO safeguard_provider;
GRANT UPDATE (state, report) ON safeguard.caused_enquiry TO safeguard_provider;
GRANT SELECT (id, enquiry_id, organisation_id, state, la_id, case_id, requested_org_id, requested_at,
    report_due_at, report_received_at, report_method, report_recorded_org_id, report_recorded_at,
    decided_org_id, decided_at)
    ON safeguard.caused_enquiry TO safeguard_reader;

SELECT pg_catalog.pg_extension_config_dump('safeguard.caused_enquiry', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.caused_enquiry_id_seq', '');

-- Workflow functions: thin wrappers with the caller's rights; the guard decides.
CREATE FUNCTION safeguard.caused_enquiry_found(state safeguard.caused_enquiry_state, caused_enquiry_id bigint)
RETURNS safeguard.caused_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF caused_enquiry_found.state IS NULL THEN
        PERFORM safeguard.raise_not_found('caused enquiry', caused_enquiry_found.caused_enquiry_id);
    END IF;
    RETURN caused_enquiry_found.state;
END
$$;
COMMENT ON FUNCTION safeguard.caused_enquiry_found(safeguard.caused_enquiry_state, bigint) IS
    'Returns the state a caused enquiry workflow function moved it to; SG208 when the statement found no such request visible to the caller.';
REVOKE ALL ON FUNCTION safeguard.caused_enquiry_found(safeguard.caused_enquiry_state, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.caused_enquiry_found(safeguard.caused_enquiry_state, bigint)
    TO safeguard_la_officer, safeguard_sam, safeguard_provider;

CREATE FUNCTION safeguard.cause_enquiry(enquiry_id bigint, organisation_id bigint, question text)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('cause_enquiry');
    INSERT INTO safeguard.caused_enquiry (enquiry_id, organisation_id, question) VALUES ($1, $2, $3)
    RETURNING id;
$$;
COMMENT ON FUNCTION safeguard.cause_enquiry(bigint, bigint, text) IS
    'Causes another organisation (a provider, an NHS body, the police, another authority) to make an enquiry as part of an enquiry in progress (its allocated officer, or a SAM): the question asked; returns its id. Its report is due within 10 working days (caused_report).';

CREATE FUNCTION safeguard.record_caused_report(caused_enquiry_id bigint, report text,
    received_at timestamptz DEFAULT NULL, method safeguard.caused_report_method DEFAULT NULL)
RETURNS safeguard.caused_enquiry_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.caused_enquiry_state;
BEGIN
    PERFORM safeguard.require_duty('caused_enquiry:report_received');
    IF record_caused_report.received_at IS NULL AND record_caused_report.method IS NULL THEN
        -- the organisation's own login: the report only (safeguard records when and how)
        UPDATE safeguard.caused_enquiry c
           SET state = 'report_received', report = record_caused_report.report
         WHERE c.id OPERATOR(pg_catalog.=) record_caused_report.caused_enquiry_id
        RETURNING c.state INTO result;
    ELSE
        UPDATE safeguard.caused_enquiry c
           SET state = 'report_received', report = record_caused_report.report,
               report_received_at = record_caused_report.received_at,
               report_method = record_caused_report.method
         WHERE c.id OPERATOR(pg_catalog.=) record_caused_report.caused_enquiry_id
        RETURNING c.state INTO result;
    END IF;
    RETURN safeguard.caused_enquiry_found(result, record_caused_report.caused_enquiry_id);
END
$$;
COMMENT ON FUNCTION safeguard.record_caused_report(bigint, text, timestamptz, safeguard.caused_report_method) IS
    'Records the report of a caused enquiry awaiting one: by a login of the organisation (the report only), or by the enquiry''s allocated officer or a SAM on its behalf with when it arrived and how (SG228). Meets the caused_report deadline.';

CREATE FUNCTION safeguard.accept_caused_report(caused_enquiry_id bigint)
RETURNS safeguard.caused_enquiry_state
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('caused_enquiry:accepted');
    WITH m AS (UPDATE safeguard.caused_enquiry c SET state = 'accepted'
               WHERE c.id OPERATOR(pg_catalog.=) $1 RETURNING c.state)
    SELECT safeguard.caused_enquiry_found((SELECT m.state FROM m), $1);
$$;
COMMENT ON FUNCTION safeguard.accept_caused_report(bigint) IS
    'Accepts the report of a caused enquiry (the enquiry''s allocated officer, or a SAM): the request is done.';

CREATE FUNCTION safeguard.return_caused_report(caused_enquiry_id bigint, reason text)
RETURNS safeguard.caused_enquiry_state
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('caused_enquiry:returned');
    WITH m AS (UPDATE safeguard.caused_enquiry c SET state = 'returned', returned_reason = $2
               WHERE c.id OPERATOR(pg_catalog.=) $1 RETURNING c.state)
    SELECT safeguard.caused_enquiry_found((SELECT m.state FROM m), $1);
$$;
COMMENT ON FUNCTION safeguard.return_caused_report(bigint, text) IS
    'Returns the report of a caused enquiry for more (the enquiry''s allocated officer, or a SAM), saying what more is needed; a further report is due within 10 working days of the return.';

CREATE FUNCTION safeguard.withdraw_caused_enquiry(caused_enquiry_id bigint, reason text)
RETURNS safeguard.caused_enquiry_state
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT safeguard.require_duty('caused_enquiry:withdrawn');
    WITH m AS (UPDATE safeguard.caused_enquiry c SET state = 'withdrawn', withdrawn_reason = $2
               WHERE c.id OPERATOR(pg_catalog.=) $1 RETURNING c.state)
    SELECT safeguard.caused_enquiry_found((SELECT m.state FROM m), $1);
$$;
COMMENT ON FUNCTION safeguard.withdraw_caused_enquiry(bigint, text) IS
    'Withdraws a request whose report is still awaited (the enquiry''s allocated officer, or a SAM), with the reason; its deadline is cancelled.';

-- The council's view: requests still open, and which are late.
CREATE VIEW safeguard.caused_enquiries_open WITH (security_invoker = true) AS
SELECT c.id, c.enquiry_id, c.la_id, c.case_id, c.organisation_id, o.name AS organisation_name,
       o.kind AS organisation_kind, c.question, c.state, c.requested_by, c.requested_at,
       c.report_due_at,
       c.state OPERATOR(pg_catalog.<>) 'report_received'::safeguard.caused_enquiry_state
           AND c.report_due_at OPERATOR(pg_catalog.<) safeguard.now() AS late,
       e.allocated_to
FROM safeguard.caused_enquiry c
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) c.organisation_id
JOIN safeguard.la_enquiry e ON e.id OPERATOR(pg_catalog.=) c.enquiry_id
WHERE c.state OPERATOR(pg_catalog.=) ANY ('{requested,report_received,returned}'::safeguard.caused_enquiry_state[]);
COMMENT ON VIEW safeguard.caused_enquiries_open IS
    'The authority''s open caused enquiries (requested, report received and awaiting its decision, returned for more), with the date each report is due and whether it is late; the caller''s own authority only.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.id IS 'Caused enquiry number.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.enquiry_id IS 'The council''s enquiry it is part of.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.la_id IS 'The local authority.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.case_id IS 'The case.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.organisation_id IS 'The organisation caused to enquire.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.organisation_name IS 'Its name.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.organisation_kind IS 'Its kind (provider, police, other...).';
COMMENT ON COLUMN safeguard.caused_enquiries_open.question IS 'What it was asked.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.state IS 'requested, report_received or returned.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.requested_by IS 'Who asked.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.requested_at IS 'When it was asked.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.report_due_at IS 'When the report is (or was) due.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.late IS 'True when a report is awaited (requested or returned) and its due instant has passed.';
COMMENT ON COLUMN safeguard.caused_enquiries_open.allocated_to IS 'The officer the enquiry is allocated to (who chases it).';
REVOKE ALL ON safeguard.caused_enquiries_open FROM PUBLIC;
GRANT SELECT ON safeguard.caused_enquiries_open TO safeguard_admin, safeguard_la_officer, safeguard_sam,
    safeguard_enquiry_officer;

-- The organisation's view: the requests it was caused to answer, and nothing else.
CREATE VIEW safeguard.caused_enquiry_requests WITH (security_invoker = true) AS
SELECT c.id, c.la_id, a.name AS local_authority, c.question, c.adult_name, c.adult_date_of_birth,
       c.adult_nhs_number, c.state, c.requested_at, c.report_due_at, c.returned_reason,
       c.report, c.report_received_at, c.decided_at
FROM safeguard.caused_enquiry c
JOIN safeguard.organisation a ON a.id OPERATOR(pg_catalog.=) c.la_id
WHERE safeguard.caused_to(c.organisation_id);
COMMENT ON VIEW safeguard.caused_enquiry_requests IS
    'For a login of an organisation a local authority caused to make an enquiry: its own requests, with what it needs to answer them (the question, the dates, the adult''s identifiers) and its reports; nothing else of the authority''s casework.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.id IS 'Caused enquiry number (answer it with safeguard.record_caused_report).';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.la_id IS 'The local authority that asked.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.question IS 'What the organisation is asked to find out.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.adult_name IS 'The adult''s name.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.adult_date_of_birth IS 'The adult''s date of birth.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.adult_nhs_number IS 'The adult''s NHS number.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.state IS 'requested, report_received, accepted, returned or withdrawn.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.requested_at IS 'When it was asked.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.report_due_at IS 'When the report is due.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.returned_reason IS 'What more the authority asked for, when it returned the report.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.report IS 'The report given.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.report_received_at IS 'When the report was received.';
COMMENT ON COLUMN safeguard.caused_enquiry_requests.decided_at IS 'When the authority last accepted, returned or withdrew it.';
REVOKE ALL ON safeguard.caused_enquiry_requests FROM PUBLIC;
GRANT SELECT ON safeguard.caused_enquiry_requests TO safeguard_provider;

ALTER TABLE safeguard.caused_enquiry OWNER TO safeguard_owner;
ALTER TABLE safeguard.caused_enquiry ENABLE ALWAYS TRIGGER _identity;
ALTER TABLE safeguard.caused_enquiry ENABLE ALWAYS TRIGGER _restore_guard;
ALTER TABLE safeguard.caused_enquiry ENABLE ALWAYS TRIGGER audit_row;
ALTER TABLE safeguard.caused_enquiry ENABLE ALWAYS TRIGGER caused_enquiry_guard;
ALTER TABLE safeguard.caused_enquiry ENABLE ALWAYS TRIGGER refuse_truncate;

INSERT INTO safeguard.deadline_kind VALUES
    ('caused_report', 'caused_enquiry', 'enquiry caused (requested_at), or its report returned for more (decided_at)', 'the report received (report_received_at)', 'The organisation a local authority caused to make an enquiry (s42(2)) reports back; the authority chases it.');

INSERT INTO safeguard.deadline_rule (policy_id, kind, amount, unit, shipped)
SELECT p.id, 'caused_report', 10, 'working_days'::safeguard.deadline_unit, true
FROM safeguard.deadline_policy p
WHERE p.shipped;

INSERT INTO safeguard.escalation_rung (policy_id, kind, rung, offset_amount, offset_unit, shipped)
SELECT r.policy_id, r.kind, x.rung::safeguard.alert_rung, x.days, r.unit, true
FROM safeguard.deadline_rule r,
     (VALUES ('due_soon', -2), ('breach', 0), ('escalate', 5)) AS x(rung, days)
WHERE r.shipped AND r.kind OPERATOR(pg_catalog.=) 'caused_report'
ORDER BY x.rung;

-- Issue 19 target 2: reports flat as closed history grows (branch perf)
-- The reports' month as a leakproof C function with an index on it, so that a
-- month filter on report_indicators / report_indicator_events reads only the
-- months asked for under row-level security (and the scope guard: received_at
-- is an open column).  The views' output is unchanged.
CREATE FUNCTION safeguard.local_month(at timestamptz) RETURNS date
    LANGUAGE c IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'sg_local_month';
COMMENT ON FUNCTION safeguard.local_month(timestamptz) IS 'The first day of the month of an instant''s date in Europe/London: the reports'' month (date_trunc(''month'', local_date(at))). Leakproof, so a filter on a month is an index condition under row-level security.';

-- Concerns by month received: the reports' `month` (report_indicators,
-- report_indicator_events) is local_month(received_at); the function is
-- leakproof, so a month filter uses this index under row-level security.
CREATE INDEX concern_received_month ON safeguard.concern (safeguard.local_month(received_at));
COMMENT ON INDEX safeguard.concern_received_month IS
    'Concerns by month received: a filter on the reports'' month reads only the months asked for, under row-level security too.';

CREATE OR REPLACE VIEW safeguard.report_indicator_events WITH (security_invoker = true) AS
WITH base AS (
    SELECT x.id AS concern_id, r.id AS referral_id, coalesce(r.la_id, x.la_id) AS la_id,
           coalesce(t.decided_team, 'No team recorded') AS team, x.source, x.received_at,
           t.decided_at AS triaged_at, r.sent_at, r.decided_at AS la_decided_at, r.outcome_at,
           CASE WHEN r.feedback_at IS NOT NULL OR r.state OPERATOR(pg_catalog.=) 'closed' THEN r.closed_at END AS closed_at
    FROM safeguard.concern x
    LEFT JOIN LATERAL (SELECT tr.decided_team, tr.decided_at FROM safeguard.triage tr
                       WHERE tr.concern_id OPERATOR(pg_catalog.=) x.id OFFSET 0) t ON true
    LEFT JOIN LATERAL (SELECT rf.id, rf.la_id, rf.state, rf.sent_at, rf.decided_at, rf.outcome_at,
                              rf.feedback_at, rf.closed_at
                       FROM safeguard.referral rf
                       WHERE rf.concern_id OPERATOR(pg_catalog.=) x.id OFFSET 0) r ON true
)
SELECT b.concern_id, b.referral_id,
       safeguard.local_month(b.received_at) AS month,
       b.la_id, o.name AS local_authority, b.team, b.source,
       s.stage, s.stage_order, s.reached_at,
       safeguard.working_days_between(safeguard.local_date(b.received_at),
                                      safeguard.local_date(s.reached_at), o.division) AS working_days,
       s.in_time,
       b.received_at
FROM base b
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) b.la_id
LEFT JOIN LATERAL (
    SELECT pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'triage') AS triage,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) ANY ('{send,send_immediate}'::text[])) AS send,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'la_outcome') AS outcome,
           pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
               FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'feedback') AS feedback
    FROM safeguard.deadline d
    WHERE d.status OPERATOR(pg_catalog.=) ANY ('{met,breached}'::safeguard.deadline_status[])
      AND ((d.subject_table OPERATOR(pg_catalog.=) 'concern' AND d.subject_id OPERATOR(pg_catalog.=) b.concern_id)
        OR (d.subject_table OPERATOR(pg_catalog.=) 'referral' AND d.subject_id OPERATOR(pg_catalog.=) b.referral_id))
) dl ON true
CROSS JOIN LATERAL (VALUES
    ('received', 0, b.received_at, NULL::boolean),
    ('triage', 1, b.triaged_at, dl.triage),
    ('referral_sent', 2, b.sent_at, dl.send),
    ('la_decision', 3, b.la_decided_at, NULL::boolean),
    ('outcome', 4, b.outcome_at, dl.outcome),
    ('closure', 5, b.closed_at, dl.feedback)
) AS s(stage, stage_order, reached_at, in_time)
WHERE s.reached_at IS NOT NULL;

-- Issue 17 items 3-4 and issue 16 item 6's indicators: the packs (branch packs)
-- The council pathway's indicators (report_council_indicators, which readers may read: they
-- may now read a decision's team too), and the case-tracking pack's draw and journeys.
GRANT SELECT (decided_team) ON safeguard.concern_decision TO safeguard_reader;

-- The council's own stages (issue 16 item 6): each concern its authority
-- decided on, and the enquiry that decision opened, stage by stage, in and
-- out of time against the deadline policies in force then.  Counts only:
-- readers see the figures of the authorities they report on, the
-- authority's own staff those of their authority.
CREATE VIEW safeguard.report_council_indicators WITH (security_invoker = true) AS
WITH stages AS (
    SELECT pg_catalog.date_trunc('month', safeguard.local_date(x.received_at))::date AS month,
           x.la_id, o.name AS local_authority, coalesce(cd.decided_team, 'No team recorded') AS team,
           x.source, s.stage, s.stage_order,
           safeguard.working_days_between(safeguard.local_date(s.started_at),
                                          safeguard.local_date(s.reached_at), o.division) AS working_days,
           s.in_time
    FROM safeguard.concern x
    JOIN safeguard.concern_decision cd ON cd.concern_id OPERATOR(pg_catalog.=) x.id
    JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) x.la_id
    LEFT JOIN LATERAL (SELECT le.id, le.decided_at, le.allocated_at, le.concluded_at, le.feedback_at
                       FROM safeguard.la_enquiry le
                       WHERE le.concern_id OPERATOR(pg_catalog.=) x.id OFFSET 0) e ON true
    LEFT JOIN LATERAL (
        SELECT pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
                   FILTER (WHERE d.subject_table OPERATOR(pg_catalog.=) 'concern') AS decision,
               pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
                   FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'enquiry_conclusion') AS conclusion,
               pg_catalog.bool_and(d.status OPERATOR(pg_catalog.=) 'met')
                   FILTER (WHERE d.kind OPERATOR(pg_catalog.=) 'enquiry_feedback') AS feedback
        FROM safeguard.deadline d
        WHERE d.status OPERATOR(pg_catalog.=) ANY ('{met,breached}'::safeguard.deadline_status[])
          AND ((d.subject_table OPERATOR(pg_catalog.=) 'concern' AND d.subject_id OPERATOR(pg_catalog.=) x.id
                AND d.kind OPERATOR(pg_catalog.=) 'triage')
            OR (d.subject_table OPERATOR(pg_catalog.=) 'la_enquiry' AND d.subject_id OPERATOR(pg_catalog.=) e.id
                AND d.kind OPERATOR(pg_catalog.=) ANY ('{enquiry_conclusion,enquiry_feedback}'::text[])))
    ) dl ON true
    CROSS JOIN LATERAL (VALUES
        ('decision', 1, x.received_at, cd.decided_at, dl.decision),
        ('allocation', 2, e.decided_at, e.allocated_at, NULL::boolean),
        ('conclusion', 3, e.decided_at, e.concluded_at, dl.conclusion),
        ('feedback', 4, e.concluded_at, e.feedback_at, dl.feedback)
    ) AS s(stage, stage_order, started_at, reached_at, in_time)
    WHERE s.reached_at IS NOT NULL
)
SELECT s.month, s.la_id, s.local_authority, s.team, s.source, s.stage, s.stage_order,
       pg_catalog.count(*) AS measured,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY s.working_days::double precision)::numeric
           AS median_working_days,
       pg_catalog.count(*) FILTER (WHERE s.in_time) AS in_time,
       pg_catalog.count(*) FILTER (WHERE NOT s.in_time) AS out_of_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE s.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(s.in_time), 0), 1) AS in_time_pct
FROM stages s
GROUP BY s.month, s.la_id, s.local_authority, s.team, s.source, s.stage, s.stage_order;
COMMENT ON VIEW safeguard.report_council_indicators IS 'The council pathway''s core indicators by month received, local authority, team and source: for each of its own stages (decision: concern received to the authority''s decision; allocation: decision to allocation to a named worker; conclusion: decision to the enquiry''s conclusion; feedback: conclusion to feedback to the referrer) how many reached it, the median working days the stage took, and how many were in and out of time against the deadline policy in force then. Counts only.';
COMMENT ON COLUMN safeguard.report_council_indicators.month IS 'Month the concerns were received (first day, Europe/London).';
COMMENT ON COLUMN safeguard.report_council_indicators.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_council_indicators.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_council_indicators.team IS 'Team of the grant under which the concern was decided (No team recorded when none).';
COMMENT ON COLUMN safeguard.report_council_indicators.source IS 'Who raised the concerns (e.g. ambulance service, police, a care provider).';
COMMENT ON COLUMN safeguard.report_council_indicators.stage IS 'decision, allocation, conclusion or feedback.';
COMMENT ON COLUMN safeguard.report_council_indicators.stage_order IS 'Order of the stage, 1 to 4.';
COMMENT ON COLUMN safeguard.report_council_indicators.measured IS 'Concerns (decision) or enquiries (the other stages) that reached the stage.';
COMMENT ON COLUMN safeguard.report_council_indicators.median_working_days IS 'Median working days the stage took: from receipt (decision), from the decision (allocation, conclusion), from the conclusion (feedback). Allocation is the enquiry''s latest (re)allocation.';
COMMENT ON COLUMN safeguard.report_council_indicators.in_time IS 'Reached within the stage''s deadline: the concern''s triage deadline (decision), enquiry_conclusion (with an approved extension), enquiry_feedback.';
COMMENT ON COLUMN safeguard.report_council_indicators.out_of_time IS 'Reached after the stage''s deadline.';
COMMENT ON COLUMN safeguard.report_council_indicators.in_time_pct IS 'Percentage in time of those with a timescale (one decimal); NULL when none has one (allocation has no timescale in the shipped policies).';
REVOKE ALL ON safeguard.report_council_indicators FROM PUBLIC;
GRANT SELECT ON safeguard.report_council_indicators TO safeguard_reader, safeguard_admin,
    safeguard_la_officer, safeguard_sam;

-- The case-tracking pack (issue 17 item 3): a stratified random sample of
-- an authority's enquiries (its journeys, open and closed) for inspection
-- case tracking, drawn reproducibly from a recorded seed in C
-- (tracking_pack.c, the draw in assurance.c): a random 6 and a reserve of
-- 4, one group at a time (autism, learning disability, mental health,
-- older people, other adults; each open or closed, as the concern records
-- them), with the seed and every candidate kept so that the draw can be
-- derived again.  tracking_pack_journeys() gives each case's journey.
CREATE TABLE safeguard.tracking_pack (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id            bigint NOT NULL REFERENCES safeguard.organisation,
    period_from      date NOT NULL,
    period_to        date NOT NULL,
    seed             bigint NOT NULL,
    candidates       bigint[] NOT NULL,
    candidate_strata text[] NOT NULL,
    drawn_by         regrole NOT NULL,
    drawn_duty       safeguard.duty NOT NULL,
    drawn_at         timestamptz NOT NULL
);
COMMENT ON TABLE safeguard.tracking_pack IS 'A case-tracking pack''s draw: the enquiries of one local authority decided in a period, sampled by group (stratum) at random but reproducibly, with the seed and every candidate kept (verify_tracking_pack derives the draw again). Written only by safeguard (draw_tracking_pack); seen by the authority''s own staff.';
COMMENT ON COLUMN safeguard.tracking_pack.id IS 'Pack number.';
COMMENT ON COLUMN safeguard.tracking_pack.la_id IS 'The local authority whose journeys were drawn.';
COMMENT ON COLUMN safeguard.tracking_pack.period_from IS 'First day of the period (enquiries decided from it, local time).';
COMMENT ON COLUMN safeguard.tracking_pack.period_to IS 'Last day of the period.';
COMMENT ON COLUMN safeguard.tracking_pack.seed IS 'The seed of the draw (given, or drawn from a strong random source).';
COMMENT ON COLUMN safeguard.tracking_pack.candidates IS 'Every enquiry the draw could take, in id order.';
COMMENT ON COLUMN safeguard.tracking_pack.candidate_strata IS 'The stratum of each candidate, in the same order: its group (autism, learning disability, mental health, older people, other adults) and whether it was open or closed at the draw.';
COMMENT ON COLUMN safeguard.tracking_pack.drawn_by IS 'Who drew it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.tracking_pack.drawn_duty IS 'The duty they drew it under: sam or admin (recorded by safeguard).';
COMMENT ON COLUMN safeguard.tracking_pack.drawn_at IS 'When (recorded by safeguard).';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.tracking_pack
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.tracking_pack
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.tracking_pack
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.tracking_pack
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.tracking_pack
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.tracking_pack ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.tracking_pack FORCE ROW LEVEL SECURITY;
CREATE POLICY la_scope ON safeguard.tracking_pack
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
REVOKE ALL ON safeguard.tracking_pack FROM PUBLIC;
GRANT SELECT ON safeguard.tracking_pack TO safeguard_admin, safeguard_sam, safeguard_la_officer;
SELECT pg_catalog.pg_extension_config_dump('safeguard.tracking_pack', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.tracking_pack_id_seq', '');

CREATE TABLE safeguard.tracking_pack_case (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pack_id    bigint NOT NULL REFERENCES safeguard.tracking_pack,
    position   integer NOT NULL,
    enquiry_id bigint NOT NULL REFERENCES safeguard.la_enquiry,
    la_id      bigint NOT NULL REFERENCES safeguard.organisation,
    stratum    text NOT NULL,
    reserve    boolean NOT NULL,
    UNIQUE (pack_id, position),
    UNIQUE (pack_id, enquiry_id)
);
COMMENT ON TABLE safeguard.tracking_pack_case IS 'The journeys a case-tracking pack drew, in draw order: positions 1 to 6 the sample, 7 to 10 the reserve. Written only by safeguard.';
COMMENT ON COLUMN safeguard.tracking_pack_case.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.tracking_pack_case.pack_id IS 'The pack.';
COMMENT ON COLUMN safeguard.tracking_pack_case.position IS 'Position in the draw, from 1.';
COMMENT ON COLUMN safeguard.tracking_pack_case.enquiry_id IS 'The enquiry (the journey) drawn.';
COMMENT ON COLUMN safeguard.tracking_pack_case.la_id IS 'Its local authority.';
COMMENT ON COLUMN safeguard.tracking_pack_case.stratum IS 'The stratum it was drawn from.';
COMMENT ON COLUMN safeguard.tracking_pack_case.reserve IS 'False for the random six, true for the reserve of four.';

CREATE TRIGGER _identity BEFORE INSERT ON safeguard.tracking_pack_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.assign_identity('id');
CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.tracking_pack_case
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER audit_row AFTER INSERT OR DELETE OR UPDATE ON safeguard.tracking_pack_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER internal_only BEFORE INSERT OR DELETE OR UPDATE ON safeguard.tracking_pack_case
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.tracking_pack_case
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.tracking_pack_case ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.tracking_pack_case FORCE ROW LEVEL SECURITY;
CREATE POLICY la_scope ON safeguard.tracking_pack_case
    USING (safeguard.works_for_la(la_id)) WITH CHECK (safeguard.works_for_la(la_id));
REVOKE ALL ON safeguard.tracking_pack_case FROM PUBLIC;
GRANT SELECT ON safeguard.tracking_pack_case TO safeguard_admin, safeguard_sam, safeguard_la_officer;
SELECT pg_catalog.pg_extension_config_dump('safeguard.tracking_pack_case', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.tracking_pack_case_id_seq', '');

CREATE FUNCTION safeguard.draw_tracking_pack(la_id bigint, period_from date, period_to date, seed bigint DEFAULT NULL)
RETURNS bigint LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_draw_tracking_pack';
COMMENT ON FUNCTION safeguard.draw_tracking_pack(bigint, date, date, bigint) IS 'Draws a case-tracking pack of a local authority (its SAM or DSAM): from the enquiries decided in the period, open and closed, a random 6 and a reserve of 4, one stratum (group, open or closed) at a time, reproducibly from the seed (drawn when none is given); records the seed, candidates and who drew it (tracking_pack, tracking_pack_case) and returns the pack''s id. SG913 when the period has no enquiry, SG914 for a period that ends before it starts, 42501 for any other role or authority.';
REVOKE ALL ON FUNCTION safeguard.draw_tracking_pack(bigint, date, date, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.draw_tracking_pack(bigint, date, date, bigint) TO safeguard_admin, safeguard_sam;

CREATE FUNCTION safeguard.verify_tracking_pack(pack_id bigint)
RETURNS boolean LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_tracking_pack';
COMMENT ON FUNCTION safeguard.verify_tracking_pack(bigint) IS 'Derives a case-tracking pack''s draw again from what it recorded (seed, candidates, strata) and returns true when its cases are exactly that draw, in order. SG208 for a pack of another authority.';
REVOKE ALL ON FUNCTION safeguard.verify_tracking_pack(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_tracking_pack(bigint) TO safeguard_admin, safeguard_sam, safeguard_la_officer;

CREATE FUNCTION safeguard.tracking_pack_journeys(pack_id bigint, with_names boolean DEFAULT false)
RETURNS TABLE (
    "position" integer, reserve boolean, stratum text, enquiry_id bigint, case_id bigint,
    step_order integer, step text, at timestamptz, who text, due_at timestamptz, in_time boolean,
    decision text, rationale text, detail text)
LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_tracking_pack_journeys';
COMMENT ON FUNCTION safeguard.tracking_pack_journeys(bigint, boolean) IS 'The journey of every case of a case-tracking pack, one row per step in order (concern received, decision, allocation, strategy discussions, start with Making Safeguarding Personal, plan and reviews, conclusion, closure with feedback): when, who (duty and team; login names too only with with_names), the step''s deadline and whether it was met, the decision with its rationale, and the details (MSP outcomes, capacity, advocacy, the SAC outcome). For the authority''s own staff (42501 otherwise; SG208 for a pack of another authority).';
REVOKE ALL ON FUNCTION safeguard.tracking_pack_journeys(bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.tracking_pack_journeys(bigint, boolean) TO safeguard_admin, safeguard_sam, safeguard_la_officer;

-- The pack tables belong to safeguard_owner and their triggers fire ALWAYS, as section 10
-- of the full script makes every table's.
DO $packs_finish$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, g.tgname FROM pg_catalog.pg_trigger g
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace AND NOT g.tgisinternal
               AND c.relname OPERATOR(pg_catalog.=) ANY ('{tracking_pack,tracking_pack_case}'::pg_catalog.name[])
             ORDER BY c.relname, g.tgname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
    END LOOP;
END
$packs_finish$;
ALTER TABLE safeguard.tracking_pack OWNER TO safeguard_owner;
ALTER TABLE safeguard.tracking_pack_case OWNER TO safeguard_owner;

-- (branch writepath) The stamped organisation columns without foreign keys (issue 19 target 3)
-- Organisations are never deleted (organisation_guard refuses DELETE, refuse_truncate
-- TRUNCATE, for every role: pgTAP 31), and the "*_org_id" columns that safeguard's guards
-- stamp from the acting role's grant are never supplied by a client, so their foreign keys
-- checked nothing on every write but took a FOR KEY SHARE lock on the organisation's row,
-- one row shared by every officer of an authority.  They are dropped (found by table,
-- column and referenced table: their names are whatever the version that added them gave);
-- the columns a client supplies keep theirs.  verify_organisation_references() names a
-- stamped reference a superuser's deletion past the guard would leave dangling.
DO $stamped_org_fks$
DECLARE
    k record;
BEGIN
    FOR k IN SELECT c.relname, n.conname
             FROM pg_catalog.pg_constraint n
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) n.conrelid
             JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) n.conrelid
                  AND a.attnum OPERATOR(pg_catalog.=) n.conkey[1]
             WHERE n.contype OPERATOR(pg_catalog.=) 'f'
               AND n.confrelid OPERATOR(pg_catalog.=) 'safeguard.organisation'::pg_catalog.regclass
               AND c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND pg_catalog.array_length(n.conkey, 1) OPERATOR(pg_catalog.=) 1
               AND (c.relname::pg_catalog.text, a.attname::pg_catalog.text) IN (
                   ('caused_enquiry', 'decided_org_id'), ('caused_enquiry', 'report_recorded_org_id'),
                   ('caused_enquiry', 'requested_org_id'), ('commissioning_decision', 'decided_org_id'),
                   ('concern', 'logged_org_id'), ('concern_decision', 'decided_org_id'),
                   ('enquiry_meeting', 'recorded_org_id'), ('improvement_plan', 'issued_org_id'),
                   ('improvement_plan', 'responded_org_id'), ('la_enquiry', 'closed_org_id'),
                   ('la_enquiry', 'concluded_org_id'), ('la_enquiry', 'started_org_id'),
                   ('la_enquiry_plan', 'recorded_org_id'), ('la_enquiry_plan_review', 'recorded_org_id'),
                   ('la_enquiry_strategy', 'recorded_org_id'), ('provider_enquiry', 'closed_org_id'),
                   ('provider_enquiry', 'decided_org_id'), ('provider_enquiry', 'proposed_org_id'),
                   ('referral', 'acknowledged_org_id'), ('referral', 'closed_org_id'),
                   ('referral', 'decided_org_id'), ('referral', 'outcome_org_id'),
                   ('referral', 'sent_org_id'), ('referral', 'withdrawn_org_id'),
                   ('sar_referral', 'completed_org_id'), ('sar_referral', 'decided_org_id'),
                   ('sar_referral', 'referred_org_id'), ('triage', 'decided_org_id'))
             ORDER BY c.relname, n.conname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I DROP CONSTRAINT %I', k.relname, k.conname);
    END LOOP;
END
$stamped_org_fks$;

CREATE FUNCTION safeguard.verify_organisation_references()
    RETURNS TABLE (table_name text, column_name text, row_id bigint, organisation_id bigint)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_organisation_references';
COMMENT ON FUNCTION safeguard.verify_organisation_references() IS
    'Every organisation a record''s stamped "*_org_id" column names (for whom the acting role acted; these columns have no foreign key since 1.5) that is not in safeguard.organisation: the table, the column, the row (its id, or concern_id) and the missing organisation. None unless a superuser deleted an organisation past its guard. Reads every authority''s rows. Read-only.';
REVOKE ALL ON FUNCTION safeguard.verify_organisation_references() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_organisation_references() TO safeguard_auditor, safeguard_admin;

-- (branch views) Issue 19 target 2: sac_return reads its reporting year through indexes
-- (local_day_start(), referral_sent_at, referral_decided_at, referral_outcome_at), the same
-- rows as before for every role (pgTAP 29); report_feedback's period filter on outcome_at.
CREATE FUNCTION safeguard.local_day_start(day date) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (day::timestamp AT TIME ZONE 'Europe/London');
COMMENT ON FUNCTION safeguard.local_day_start(date) IS 'The instant a date begins in Europe/London (midnight there, which every date has): local_date(t) >= day exactly when t >= local_day_start(day). A period of local dates as a range of stored instants, which an index serves under row-level security (sac_return).';

-- Referrals by the instants the reports count a period by: sac_return's year (sent,
-- decided, outcome recorded) and a dashboard's period of report_feedback (outcome recorded).
-- A range on these open columns is leakproof, so it reads only the period under row-level
-- security and the scope guard (issue 19, target 2).
CREATE INDEX referral_sent_at ON safeguard.referral (sent_at);
CREATE INDEX referral_decided_at ON safeguard.referral (decided_at);
CREATE INDEX referral_outcome_at ON safeguard.referral (outcome_at);
COMMENT ON INDEX safeguard.referral_sent_at IS
    'Referrals by time sent: sac_return reads only the year''s (SG1 concerns referred).';
COMMENT ON INDEX safeguard.referral_decided_at IS
    'Referrals by time the authority decided: sac_return reads only the enquiries commenced in the year.';
COMMENT ON INDEX safeguard.referral_outcome_at IS
    'Referrals by time the outcome was recorded: sac_return''s enquiries concluded in the year, and a period filter on report_feedback.outcome_at.';

-- sac_return's year read through these indexes: defined once, in the council block below,
-- which reads the year's council enquiries as well.

-- report_feedback: dashboards filter a period on outcome_at (read through referral_outcome_at).
COMMENT ON COLUMN safeguard.report_feedback.outcome_at IS 'When the outcome was recorded (feedback is counted from it). Filter a period on it (a dashboard''s last 12 months: outcome_at >= a date): the view returns a row for every referral with an outcome, so unfiltered it grows with the history, while a range on outcome_at reads only that period, through an index, under row-level security too.';

-- (branch council) Issue 19 target 2: the council pathway's reports read only what they count
-- (council_enquiries(active_from, active_to, open_only) and la_enquiry's indexes): sac_return
-- reads the year's council enquiries, report_unallocated the open ones.  Replaced in place,
-- same signatures and columns, so their dependents stay.
-- The reports' reads that must not grow with closed history (issue 19, target 2):
-- sac_return's year (decided or concluded in it) and report_unallocated's open work.
CREATE INDEX la_enquiry_decided_at ON safeguard.la_enquiry (decided_at);
CREATE INDEX la_enquiry_concluded_at ON safeguard.la_enquiry (concluded_at);
CREATE INDEX la_enquiry_open ON safeguard.la_enquiry (la_id)
    WHERE state OPERATOR(pg_catalog.<>) 'closed'::safeguard.la_enquiry_state;
COMMENT ON INDEX safeguard.la_enquiry_decided_at IS
    'Enquiries by the instant decided: a period of them (sac_return''s enquiries commenced in its year, through council_enquiries(active_from, active_to, open_only)) read under row-level security.';
COMMENT ON INDEX safeguard.la_enquiry_concluded_at IS
    'Enquiries by the instant concluded: a period of them (sac_return''s enquiries concluded in its year) read under row-level security.';
COMMENT ON INDEX safeguard.la_enquiry_open IS
    'Enquiries not yet closed (decided, allocated, in progress or concluded), by local authority: report_unallocated''s open work, read without the closed history.';

-- The council's own enquiries as the reports read them (issue 16 item 6): the
-- rows of la_enquiry the caller may read (its privileges and row-level
-- security), in the columns a reader may read, with the team of the grant
-- that decided.  A caller with no privilege on them (the regulator's staff,
-- who run sac_return and report_unallocated too) gets none instead of 42501.
-- The reports read only what they count (issue 19, target 2): a period of
-- stored instants (the enquiries decided or concluded in it: sac_return's year)
-- and the open ones (report_unallocated), each a condition an index serves under
-- row-level security (la_enquiry_decided_at, la_enquiry_concluded_at: leakproof
-- comparisons on open columns; la_enquiry_open: a partial index), so that they
-- do not grow with the council's closed history.
CREATE FUNCTION safeguard.council_enquiries(active_from timestamptz, active_to timestamptz,
                                            open_only boolean)
RETURNS TABLE (id bigint, concern_id bigint, la_id bigint, kind safeguard.la_decision,
               state safeguard.la_enquiry_state, decided_at timestamptz, decided_team text,
               allocated_at timestamptz, msp_asked safeguard.sac_msp_asked,
               lacked_capacity safeguard.sac_capacity, advocate_arranged boolean,
               action_result safeguard.sac_action_result, risk_types safeguard.sac_risk_type[],
               risk_location safeguard.sac_risk_location, source_of_risk safeguard.sac_source_of_risk,
               risk_outcome safeguard.sac_risk_outcome, msp_achieved safeguard.sac_msp_achieved,
               concluded_at timestamptz, closed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 1000
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (pg_catalog.has_column_privilege('safeguard.la_enquiry', 'concluded_at', 'SELECT')
            AND pg_catalog.has_column_privilege('safeguard.concern_decision', 'decided_team', 'SELECT')) THEN
        RETURN;
    END IF;
    -- Fixed fragments, the bounds passed as parameters: each call is planned for the
    -- conditions it has (no period: none on the instants; a period: a range on each).
    RETURN QUERY EXECUTE
        'SELECT e.id, e.concern_id, e.la_id, e.kind, e.state, e.decided_at, d.decided_team, e.allocated_at,
                e.msp_asked, e.lacked_capacity, e.advocate_arranged, e.action_result, e.risk_types,
                e.risk_location, e.source_of_risk, e.risk_outcome, e.msp_achieved, e.concluded_at, e.closed_at
         FROM safeguard.la_enquiry e
         JOIN safeguard.concern_decision d ON d.concern_id OPERATOR(pg_catalog.=) e.concern_id
         WHERE true'
        OPERATOR(pg_catalog.||)
        CASE WHEN active_from IS NULL AND active_to IS NULL THEN ''
             ELSE ' AND ((e.decided_at OPERATOR(pg_catalog.>=) $1 AND e.decided_at OPERATOR(pg_catalog.<) $2)
                     OR (e.concluded_at OPERATOR(pg_catalog.>=) $1 AND e.concluded_at OPERATOR(pg_catalog.<) $2))' END
        OPERATOR(pg_catalog.||)
        CASE WHEN open_only THEN ' AND e.state OPERATOR(pg_catalog.<>) ''closed''::safeguard.la_enquiry_state'
             ELSE '' END
        USING coalesce(active_from, '-infinity'::timestamptz), coalesce(active_to, 'infinity'::timestamptz);
END
$$;
COMMENT ON FUNCTION safeguard.council_enquiries(timestamptz, timestamptz, boolean) IS
    'The council''s own enquiries the caller may read, as safeguard.council_enquiries() gives them, narrowed to what a report counts: with active_from or active_to, those decided or concluded in [active_from, active_to) (decided_at or concluded_at in it; a NULL bound leaves that side open), e.g. sac_return''s year; with open_only, those not closed (report_unallocated). Each condition is read through an index under row-level security (la_enquiry_decided_at, la_enquiry_concluded_at, la_enquiry_open), for a scoped officer too, so the result costs what it returns, not the council''s closed history. (NULL, NULL, false) gives every row, as council_enquiries() does; a caller with no privilege on la_enquiry gets no rows rather than 42501.';
REVOKE ALL ON FUNCTION safeguard.council_enquiries(timestamptz, timestamptz, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.council_enquiries(timestamptz, timestamptz, boolean) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE OR REPLACE FUNCTION safeguard.council_enquiries()
RETURNS TABLE (id bigint, concern_id bigint, la_id bigint, kind safeguard.la_decision,
               state safeguard.la_enquiry_state, decided_at timestamptz, decided_team text,
               allocated_at timestamptz, msp_asked safeguard.sac_msp_asked,
               lacked_capacity safeguard.sac_capacity, advocate_arranged boolean,
               action_result safeguard.sac_action_result, risk_types safeguard.sac_risk_type[],
               risk_location safeguard.sac_risk_location, source_of_risk safeguard.sac_source_of_risk,
               risk_outcome safeguard.sac_risk_outcome, msp_achieved safeguard.sac_msp_achieved,
               concluded_at timestamptz, closed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 1000
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY SELECT * FROM safeguard.council_enquiries(NULL::timestamptz, NULL::timestamptz, false);
END
$$;
COMMENT ON FUNCTION safeguard.council_enquiries() IS
    'The council''s own enquiries (safeguard.la_enquiry) the caller may read, every one ever decided, open or closed: the columns a reader may read and the team of the grant that decided (decided_team). Row-level security applies as to the caller; a caller with no privilege on la_enquiry (the regulator''s staff) gets no rows rather than 42501. It grows with the council''s closed history: sac_return and report_unallocated read council_enquiries(active_from, active_to, open_only), which gives only a period''s or the open ones through indexes.';
REVOKE ALL ON FUNCTION safeguard.council_enquiries() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.council_enquiries() TO safeguard_reader, safeguard_admin,
    safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE FUNCTION safeguard.sac_return(year integer, disclosure_control boolean DEFAULT false,
                                     la_id bigint DEFAULT NULL)
RETURNS TABLE ("LA_ID" bigint, "CASSR_CODE" text, "ONS_CODE" text,
               "TABLE_REFERENCE" text, "ENQUIRY_TYPE" text, "CATEGORY" text, "SUBCATEGORY" text,
               "COLUMN_NAME" text, "ROW_NAME" text, "VALUE" bigint)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
WITH period AS (SELECT safeguard.sac_year(sac_return.year) AS p),
-- The year's first and last instants (midnight in London begins a local date), which bound
-- the stored instants of the rows counted: a range on received_at, sent_at, decided_at or
-- outcome_at is leakproof on an open column, so under row-level security it reads the year
-- through an index (concern_received_at, referral_sent_at, referral_decided_at,
-- referral_outcome_at), not every row ever written (issue 19, target 2).  The local date
-- still decides (the same test as before), the range only narrows what is read.
authority AS (
    SELECT o.id, o.cassr_code, o.ons_code FROM safeguard.organisation o
    WHERE o.kind OPERATOR(pg_catalog.=) 'local_authority' AND safeguard.may_report_on(o.id)
      AND (sac_return.la_id IS NULL OR o.id OPERATOR(pg_catalog.=) sac_return.la_id)
),
-- Concerns that reached the authority in the year: logged by its own
-- staff (date received) or referred to it by the regulator (date sent).
-- Two branches, read by their own instant: a concern its authority logged, by the
-- time received; any other, by the time its referral was sent (a concern has at most one
-- referral).
concerns AS (
    SELECT coalesce(r.la_id, x.la_id) AS la, x.id, x.received_at, k.adult_pseudonym,
           x.adult_age_band, x.adult_gender::text AS gender,
           safeguard.sac_ethnic_group(x.adult_ethnicity) AS ethnic_group,
           safeguard.sac_support_group(x.adult_primary_support_reason) AS support_reason, x.adult_autism
    FROM safeguard.concern x
    LEFT JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
    LEFT JOIN safeguard.referral r ON r.concern_id OPERATOR(pg_catalog.=) x.id
    CROSS JOIN period
    WHERE x.received_at OPERATOR(pg_catalog.>=) safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year)))
      AND x.received_at OPERATOR(pg_catalog.<) safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year)))
      AND x.logged_org_id OPERATOR(pg_catalog.=) x.la_id
      AND safeguard.local_date(x.received_at) OPERATOR(pg_catalog.<@) period.p
      AND safeguard.may_report_on(coalesce(r.la_id, x.la_id))
      AND (sac_return.la_id IS NULL OR coalesce(r.la_id, x.la_id) OPERATOR(pg_catalog.=) sac_return.la_id)
      -- a referral that arrived as the authority's concern is counted once, as the referral
      AND x.referral_id IS NULL
    UNION ALL
    SELECT r.la_id, x.id, x.received_at, k.adult_pseudonym,
           x.adult_age_band, x.adult_gender::text,
           safeguard.sac_ethnic_group(x.adult_ethnicity),
           safeguard.sac_support_group(x.adult_primary_support_reason), x.adult_autism
    FROM safeguard.referral r
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
    LEFT JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
    CROSS JOIN period
    WHERE r.sent_at OPERATOR(pg_catalog.>=) safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year)))
      AND r.sent_at OPERATOR(pg_catalog.<) safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year)))
      AND (x.logged_org_id OPERATOR(pg_catalog.=) x.la_id) IS NOT TRUE
      AND safeguard.local_date(r.sent_at) OPERATOR(pg_catalog.<@) period.p
      AND safeguard.may_report_on(r.la_id)
      AND (sac_return.la_id IS NULL OR r.la_id OPERATOR(pg_catalog.=) sac_return.la_id)
      AND x.referral_id IS NULL
),
-- Enquiries commenced (decided) or concluded in the year, from both pathways:
-- the LA-side decision and outcome of the regulator's referrals, and the
-- council's own enquiries (la_enquiry: decided_at, concluded_at, and the SAC
-- outcome the enquiry recorded).  A concern has a referral's decision or its
-- authority's own, never both (SG214), so each enquiry counts once; one that
-- did appear in both would count once, as the council's.  An adult with
-- enquiries in both pathways is one individual per enquiry type (SG1a-SG1c).
-- The council's enquiries are read for the year alone (decided or concluded in it, the
-- year's instants as above), through la_enquiry_decided_at and la_enquiry_concluded_at:
-- the rows counted below are those commenced or concluded in the year, and the test for a
-- concern in both pathways needs no more, a council enquiry's concern having no referral
-- decision (SG204 and SG214, refused on every client path).
council AS (
    SELECT * FROM safeguard.council_enquiries(
        safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year))),
        safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year))), false)
),
enquiry_rows AS (
    SELECT r.la_id AS la, r.la_decision AS kind, r.decided_at, r.outcome_at AS concluded_at, r.concern_id,
           x.risk_types, x.risk_location, x.source_of_risk, r.action_result, r.risk_outcome,
           r.lacked_capacity, r.advocate_supported AS advocate, r.msp_asked, r.msp_achieved
    FROM safeguard.referral r
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
    WHERE r.la_decision OPERATOR(pg_catalog.=) ANY ('{section_42_enquiry,other_enquiry}'::safeguard.la_decision[])
      -- only an enquiry commenced or concluded in the year counts (enquiries, below)
      AND ((r.decided_at OPERATOR(pg_catalog.>=) safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year)))
            AND r.decided_at OPERATOR(pg_catalog.<) safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year))))
           OR (r.outcome_at OPERATOR(pg_catalog.>=) safeguard.local_day_start(pg_catalog.lower(safeguard.sac_year(sac_return.year)))
               AND r.outcome_at OPERATOR(pg_catalog.<) safeguard.local_day_start(pg_catalog.upper(safeguard.sac_year(sac_return.year)))))
      AND NOT EXISTS (SELECT 1 FROM council e WHERE e.concern_id OPERATOR(pg_catalog.=) r.concern_id)
      -- a referral that arrived as the council's concern: its enquiry is an la_enquiry
      AND NOT EXISTS (SELECT 1 FROM safeguard.concern a WHERE a.referral_id OPERATOR(pg_catalog.=) r.id)
    UNION ALL
    SELECT e.la_id, e.kind, e.decided_at, e.concluded_at, e.concern_id, e.risk_types, e.risk_location,
           e.source_of_risk, e.action_result, e.risk_outcome, e.lacked_capacity, e.advocate_arranged,
           e.msp_asked, e.msp_achieved
    FROM council e
),
enquiries AS (
    SELECT n.la,
           CASE n.kind WHEN 'section_42_enquiry' THEN 'Section 42 Enquiries' ELSE 'Other Enquiries' END AS enquiry_type,
           safeguard.local_date(n.decided_at) OPERATOR(pg_catalog.<@) period.p AS commenced,
           n.kind OPERATOR(pg_catalog.=) 'section_42_enquiry' AND n.concluded_at IS NOT NULL
               AND safeguard.local_date(n.concluded_at) OPERATOR(pg_catalog.<@) period.p AS concluded_s42,
           x.id, x.received_at, k.adult_pseudonym, x.adult_age_band, x.adult_gender::text AS gender,
           safeguard.sac_ethnic_group(x.adult_ethnicity) AS ethnic_group,
           safeguard.sac_support_group(x.adult_primary_support_reason) AS support_reason, x.adult_autism,
           n.risk_types, n.risk_location::text AS risk_location, n.source_of_risk::text AS source_of_risk,
           n.action_result::text AS action_result, n.risk_outcome::text AS risk_outcome,
           coalesce(n.lacked_capacity::text, 'Not recorded') AS capacity,
           n.lacked_capacity OPERATOR(pg_catalog.=) 'Yes, they lacked capacity' AND n.advocate AS advocate,
           -- the enum's labels, as NHS Digital's template spells them
           CASE n.msp_asked WHEN 'Yes, they were asked and outcomes were expressed'
                                THEN 'Yes they were asked and outcomes were expressed'
                            WHEN 'Yes, they were asked but no outcomes were expressed'
                                THEN 'Yes they were asked but no outcomes were expressed'
                            WHEN 'No' THEN 'No' WHEN 'Don''t know' THEN 'Don''t Know'
                            ELSE 'Not Recorded' END AS msp_asked,
           CASE WHEN n.msp_asked OPERATOR(pg_catalog.=) 'Yes, they were asked and outcomes were expressed'
                THEN n.msp_achieved::text END AS msp_achieved
    FROM enquiry_rows n
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) n.concern_id
    LEFT JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
    CROSS JOIN period
    WHERE safeguard.may_report_on(n.la)
      AND (sac_return.la_id IS NULL OR n.la OPERATOR(pg_catalog.=) sac_return.la_id)
),
-- SG1: each concern and each enquiry commenced, as a case; the adult
-- (by pseudonym; an unidentified adult is one per concern) as an individual.
cases AS (
    SELECT c.la, 'Safeguarding Concerns'::text AS e, 'Total Number of Safeguarding Concerns'::text AS total,
           coalesce(c.adult_pseudonym, 'concern:' OPERATOR(pg_catalog.||) c.id::text) AS individual,
           c.id, c.received_at, c.adult_age_band, c.gender, c.ethnic_group, c.support_reason, c.adult_autism
    FROM concerns c
    UNION ALL
    SELECT n.la, n.enquiry_type,
           CASE n.enquiry_type WHEN 'Section 42 Enquiries' THEN 'Total Number of Section 42 Safeguarding Enquiries'
                ELSE 'Total Number of Other Safeguarding Enquiries' END,
           coalesce(n.adult_pseudonym, 'concern:' OPERATOR(pg_catalog.||) n.id::text),
           n.id, n.received_at, n.adult_age_band, n.gender, n.ethnic_group, n.support_reason, n.adult_autism
    FROM enquiries n WHERE n.commenced
),
-- An individual counts once in SG1a-SG1c, as the latest of its cases records the adult.
individuals AS (
    SELECT DISTINCT ON (c.la, c.e, c.individual) c.la, c.e, c.adult_age_band, c.gender, c.ethnic_group
    FROM cases c
    ORDER BY c.la, c.e, c.individual, c.received_at DESC, c.id DESC
),
-- One row per count: (authority, table, enquiry type, category, subcategory).
facts AS (
    SELECT i.la, v.t, i.e, v.category, ''::text AS subcategory
    FROM individuals i CROSS JOIN LATERAL (VALUES
        ('SG1a', CASE WHEN i.adult_age_band OPERATOR(pg_catalog.=) 'Not Known' THEN 'Age Unknown'
                      ELSE i.adult_age_band END),
        ('SG1b', i.gender), ('SG1c', i.ethnic_group)) v(t, category)
    UNION ALL
    SELECT c.la, v.t, c.e, v.category, ''
    FROM cases c CROSS JOIN LATERAL (VALUES
        ('SG1d', c.support_reason),
        ('SG1e', CASE c.adult_autism
                     WHEN 'Autism (excluding Asperger''s Syndrome)'
                         THEN 'Learning, Developmental or Intellectual Disability (Autism excluding Asperger''s Syndrome/ High Functioning Autism)'
                     WHEN 'Asperger''s Syndrome / High Functioning Autism'
                         THEN 'Learning, Developmental or Intellectual Disability (Asperger''s Syndrome/ High Functioning Autism)' END),
        ('SG1f', c.total)) v(t, category)
    WHERE v.category IS NOT NULL
    UNION ALL
    -- SG2: a concluded enquiry counts once under each of its types of risk.
    SELECT n.la, 'SG2a', 'Concluded Section 42 Enquiries', rt::text, n.source_of_risk
    FROM enquiries n CROSS JOIN LATERAL pg_catalog.unnest(n.risk_types) rt
    WHERE n.concluded_s42 AND n.source_of_risk IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2a_b1', 'Concluded Section 42 Enquiries', rt::text, n.risk_location
    FROM enquiries n CROSS JOIN LATERAL pg_catalog.unnest(n.risk_types) rt
    WHERE n.concluded_s42 AND n.risk_location IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2b', 'Concluded Section 42 Enquiries', n.risk_location, n.source_of_risk
    FROM enquiries n WHERE n.concluded_s42 AND n.risk_location IS NOT NULL AND n.source_of_risk IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2c', 'Concluded Section 42 Enquiries', n.action_result, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.action_result IS NOT NULL
    UNION ALL
    SELECT n.la, 'SG2e', 'Concluded Section 42 Enquiries', n.risk_outcome, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.risk_outcome IS NOT NULL AND n.action_result OPERATOR(pg_catalog.=) ANY
        ('{Risk identified and action taken,Risk Assessment inconclusive and action taken}'::text[])
    UNION ALL
    SELECT n.la, 'SG3a', 'Concluded Section 42 Enquiries', n.capacity, ''
    FROM enquiries n WHERE n.concluded_s42
    UNION ALL
    SELECT n.la, 'SG3a', 'Concluded Section 42 Enquiries',
           'Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend', ''
    FROM enquiries n WHERE n.concluded_s42 AND n.advocate
    UNION ALL
    SELECT n.la, 'SG4a', 'Concluded Section 42 Enquiries', n.msp_asked, ''
    FROM enquiries n WHERE n.concluded_s42
    UNION ALL
    SELECT n.la, 'SG4a', 'Concluded Section 42 Enquiries', n.msp_achieved, ''
    FROM enquiries n WHERE n.concluded_s42 AND n.msp_achieved IS NOT NULL
),
counted AS (
    SELECT f.la, f.t, f.e, f.category, f.subcategory, pg_catalog.count(*) AS n
    FROM facts f GROUP BY f.la, f.t, f.e, f.category, f.subcategory
    UNION ALL
    -- SG5: Safeguarding Adults Reviews completed in the year (counted by safeguard)
    SELECT g.la_id, g.table_reference,
           CASE g.table_reference WHEN 'SG5a' THEN 'Count of Safeguarding Adult Reviews'
                ELSE 'Count of Individuals Involved in Safeguarding Adult Reviews' END,
           g.category, '', g.n
    FROM safeguard.sac_sg5_cells(sac_return.year) g
)
SELECT a.id, a.cassr_code, a.ons_code, s.table_reference, s.enquiry_type, s.category, s.subcategory,
       s.column_name, s.row_name,
       CASE WHEN sac_return.disclosure_control THEN safeguard.sac_disclose(coalesce(n.n, 0))
            ELSE coalesce(n.n, 0) END
FROM authority a
CROSS JOIN safeguard.sac_template s
LEFT JOIN counted n ON n.la OPERATOR(pg_catalog.=) a.id AND n.t OPERATOR(pg_catalog.=) s.table_reference
     AND n.e OPERATOR(pg_catalog.=) s.enquiry_type AND n.category OPERATOR(pg_catalog.=) s.category
     AND n.subcategory OPERATOR(pg_catalog.=) s.subcategory
ORDER BY a.cassr_code COLLATE "C" NULLS LAST, a.id, s.cell_number
$$;
COMMENT ON FUNCTION safeguard.sac_return(integer, boolean, bigint) IS
    'The Safeguarding Adults Collection return for the year starting 1 April of year, in the shape NHS Digital''s publication pipeline reads (table references SG1a-SG5b, its enquiry types and prefixed labels, CASSR_CODE per authority): every cell of safeguard.sac_template for every local authority the caller may report on (or la_id alone), zeros included. SG1 counts concerns that reached the authority and enquiries commenced in the year (SG1a-SG1c each adult once, SG1d-SG1f each case); SG2-SG4 count Section 42 enquiries concluded in it; enquiries come from both pathways, each once: the LA-side decisions and outcomes of the regulator''s referrals and the council''s own enquiries (safeguard.council_enquiries() of the year: those decided or concluded in it, read through indexes, with the outcome the enquiry recorded); SG5a and SG5b count the Safeguarding Adults Reviews completed in it (sac_sg5_cells). disclosure_control: values under 5 become NULL (suppressed), the rest are rounded to the nearest 5. SG601 for a year outside 2000-2100.';
REVOKE ALL ON FUNCTION safeguard.sac_return(integer, boolean, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sac_return(integer, boolean, bigint) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer,
    safeguard_sam;

CREATE OR REPLACE VIEW safeguard.report_unallocated WITH (security_invoker = true) AS
WITH work AS (
    SELECT r.la_id, 'referral'::text AS pathway, NULL::text AS team,
           r.allocated_to IS NOT NULL AS allocated, r.sent_at AS since
    FROM safeguard.referral r
    WHERE r.state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided,outcome_recorded}'::safeguard.referral_state[])
      -- a referral that arrived as the council's concern is the council's work once decided
      AND NOT EXISTS (SELECT 1 FROM safeguard.concern a WHERE a.referral_id OPERATOR(pg_catalog.=) r.id)
    UNION ALL
    SELECT e.la_id, 'council_enquiry', coalesce(e.decided_team, 'No team recorded'),
           e.state OPERATOR(pg_catalog.<>) 'decided'::safeguard.la_enquiry_state, e.decided_at
    -- the open ones only, through la_enquiry_open: not the council's closed history
    FROM safeguard.council_enquiries(NULL::timestamptz, NULL::timestamptz, true) e
), aged AS (
    SELECT w.la_id, o.name AS local_authority, w.pathway, w.team, w.allocated,
           safeguard.working_days_since(w.since, o.division) AS age
    FROM work w
    JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) w.la_id
)
SELECT a.la_id, a.local_authority,
       pg_catalog.count(*) AS with_la,
       pg_catalog.count(*) FILTER (WHERE a.allocated) AS allocated,
       pg_catalog.count(*) FILTER (WHERE NOT a.allocated) AS unallocated,
       pg_catalog.max(a.age) FILTER (WHERE NOT a.allocated) AS oldest_unallocated_working_days,
       (pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY a.age::double precision)
           FILTER (WHERE NOT a.allocated))::numeric AS median_unallocated_working_days,
       pg_catalog.count(*) FILTER (WHERE NOT a.allocated AND a.age OPERATOR(pg_catalog.>) 20)
           AS unallocated_over_20_working_days,
       a.pathway, a.team
FROM aged a
GROUP BY a.la_id, a.local_authority, a.pathway, a.team;
COMMENT ON VIEW safeguard.report_unallocated IS 'The "virtual worker" caseload: open work with each local authority and how much of it awaits allocation to a named worker, with its age in working days. One row per authority, pathway and team: the council''s own enquiries (pathway council_enquiry: decided to concluded, not yet closed; unallocated while decided; aged from the decision; by the team of the grant that decided) and the regulator''s referrals (pathway referral: sent, not yet closed; aged from sending; no team). Until 1.5 one row per authority, of referrals only: sum by la_id for that total.';
COMMENT ON COLUMN safeguard.report_unallocated.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_unallocated.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_unallocated.with_la IS 'Open work of this pathway and team with the authority: enquiries decided, allocated, in progress or concluded (not closed); referrals sent, acknowledged, decided or with the outcome recorded.';
COMMENT ON COLUMN safeguard.report_unallocated.allocated IS 'Of those, allocated to a named worker.';
COMMENT ON COLUMN safeguard.report_unallocated.unallocated IS 'Of those, unallocated (an enquiry still decided, a referral with no worker): the virtual worker''s caseload.';
COMMENT ON COLUMN safeguard.report_unallocated.oldest_unallocated_working_days IS 'Age of the oldest unallocated one, in working days (in the authority''s division) since the decision (enquiries) or since sending (referrals).';
COMMENT ON COLUMN safeguard.report_unallocated.median_unallocated_working_days IS 'Median age of the unallocated ones, in working days.';
COMMENT ON COLUMN safeguard.report_unallocated.unallocated_over_20_working_days IS 'Unallocated ones older than 20 working days.';
COMMENT ON COLUMN safeguard.report_unallocated.pathway IS 'council_enquiry (the council''s own enquiries, safeguard.la_enquiry) or referral (the regulator''s referrals).';
COMMENT ON COLUMN safeguard.report_unallocated.team IS 'For council enquiries, the team of the grant that decided (No team recorded when none); NULL for referrals.';

-- (branch history) views flat in history
-- Issue 19 target 2: report_repeat_concerns and report_data_quality with a period read through
-- indexes.  repeat_concerns(received_from, received_to) gives the view's rows of a period,
-- reading only the period and the 12 months before it; report_repeat_concerns keeps its rows
-- (every repeat concern), defined through it.  data_quality(received_from, received_to) checks
-- a period's records; report_data_quality now means the last 12 months (a behaviour change:
-- it counted every record ever written), data_quality(NULL, NULL) all time.  Replaced in
-- place, same columns, so their dependents stay.
-- Repeat concerns of a period: the window functions of report_repeat_concerns over the
-- concerns received from 12 months (and a day) before the period to its end, which is every
-- concern a row of the period can name as its predecessor or count in its 12 months (a
-- predecessor older than 12 months drops the row either way).  Read through
-- concern_received_at under row-level security and the scope guard (received_at is an open
-- column): a period costs its own concerns and the 12 months before, not the history.  The
-- predecessor is looked for among the concerns the caller may see, as the view's window does;
-- a lookup by pseudonym or provider location per concern would not do for a scoped caller (the
-- scope guard keeps those guarded columns out of index conditions, docs/security.md).
CREATE FUNCTION safeguard.repeat_concerns(received_from timestamptz, received_to timestamptz)
RETURNS TABLE (repeat_of text, concern_id bigint, la_id bigint, local_authority text,
               adult_pseudonym text, provider_location_id bigint, provider_location text,
               received_at timestamptz, previous_concern_id bigint,
               previous_received_at timestamptz, days_since_previous integer,
               concerns_in_12_months bigint)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 1000
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF received_from OPERATOR(pg_catalog.>) received_to THEN
        RAISE EXCEPTION USING ERRCODE = 'SG609', MESSAGE = 'the period ends before it starts',
            DETAIL = pg_catalog.format('received_from %s is later than received_to %s.', received_from, received_to),
            HINT = 'Give received_from <= received_to, or NULL for an open end.';
    END IF;
    -- Fixed fragments, the bounds passed as parameters: each call is planned for the
    -- conditions it has (no period: none on received_at; a period: a range on it).
    RETURN QUERY EXECUTE
        $q$WITH c AS (
            SELECT x.id AS concern_id, x.la_id, x.received_at, x.provider_location_id, k.adult_pseudonym
            FROM safeguard.concern x
            JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
            WHERE true$q$
        OPERATOR(pg_catalog.||)
        CASE WHEN received_from IS NULL THEN ''
             ELSE $q$ AND x.received_at OPERATOR(pg_catalog.>=) ($1 OPERATOR(pg_catalog.-) '12 months 1 day'::interval)$q$ END
        OPERATOR(pg_catalog.||)
        CASE WHEN received_to IS NULL THEN ''
             ELSE $q$ AND x.received_at OPERATOR(pg_catalog.<) $2$q$ END
        OPERATOR(pg_catalog.||)
        $q$), by_subject AS (
            SELECT 'adult'::text AS repeat_of, c.concern_id, c.la_id, c.received_at, c.adult_pseudonym,
                   NULL::bigint AS provider_location_id,
                   pg_catalog.lag(c.concern_id) OVER w AS previous_concern_id,
                   pg_catalog.lag(c.received_at) OVER w AS previous_received_at,
                   pg_catalog.count(*) OVER (PARTITION BY c.adult_pseudonym ORDER BY c.received_at
                       RANGE BETWEEN '12 months'::interval PRECEDING AND CURRENT ROW) AS concerns_in_12_months
            FROM c WHERE c.adult_pseudonym IS NOT NULL
            WINDOW w AS (PARTITION BY c.adult_pseudonym ORDER BY c.received_at, c.concern_id)
            UNION ALL
            SELECT 'provider_location', c.concern_id, c.la_id, c.received_at, NULL, c.provider_location_id,
                   pg_catalog.lag(c.concern_id) OVER w,
                   pg_catalog.lag(c.received_at) OVER w,
                   pg_catalog.count(*) OVER (PARTITION BY c.provider_location_id ORDER BY c.received_at
                       RANGE BETWEEN '12 months'::interval PRECEDING AND CURRENT ROW)
            FROM c WHERE c.provider_location_id IS NOT NULL
            WINDOW w AS (PARTITION BY c.provider_location_id ORDER BY c.received_at, c.concern_id)
        )
        SELECT s.repeat_of, s.concern_id, s.la_id, o.name, s.adult_pseudonym,
               s.provider_location_id, l.name, s.received_at,
               s.previous_concern_id, s.previous_received_at,
               safeguard.local_date(s.received_at) OPERATOR(pg_catalog.-) safeguard.local_date(s.previous_received_at),
               s.concerns_in_12_months
        FROM by_subject s
        JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) s.la_id
        LEFT JOIN safeguard.organisation l ON l.id OPERATOR(pg_catalog.=) s.provider_location_id
        WHERE s.previous_received_at OPERATOR(pg_catalog.>=) (s.received_at OPERATOR(pg_catalog.-) '12 months'::interval)
          AND s.received_at OPERATOR(pg_catalog.>=) $1 AND s.received_at OPERATOR(pg_catalog.<) $2$q$
        USING coalesce(received_from, '-infinity'::timestamptz), coalesce(received_to, 'infinity'::timestamptz);
END
$$;
COMMENT ON FUNCTION safeguard.repeat_concerns(timestamptz, timestamptz) IS
    'The rows of report_repeat_concerns received in [received_from, received_to) (a NULL bound leaves that side open), each with its previous concern and 12-month count among the concerns the caller may see, exactly as the view gives them. It reads only the concerns received from 12 months before received_from to received_to, through an index, under row-level security too: a dashboard''s last 12 months costs two years of concerns, not the history (the view, filtered on received_at, still computes every concern''s predecessor first). (NULL, NULL) gives every row, as the view does.';
REVOKE ALL ON FUNCTION safeguard.repeat_concerns(timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.repeat_concerns(timestamptz, timestamptz) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE OR REPLACE VIEW safeguard.report_repeat_concerns WITH (security_invoker = true) AS
SELECT r.repeat_of, r.concern_id, r.la_id, r.local_authority, r.adult_pseudonym,
       r.provider_location_id, r.provider_location, r.received_at, r.previous_concern_id,
       r.previous_received_at, r.days_since_previous, r.concerns_in_12_months
FROM safeguard.repeat_concerns(NULL::timestamptz, NULL::timestamptz) r;
COMMENT ON VIEW safeguard.report_repeat_concerns IS 'Repeat concerns: each concern received within 12 months of an earlier one about the same adult (by pseudonym) or the same provider location, across cases, open or closed. Every one ever received: a filter on received_at applies after each concern''s predecessor is found, so the view costs the whole history; for a period (a dashboard''s last 12 months) call safeguard.repeat_concerns(received_from, received_to), which gives the same rows and reads only the period and the 12 months before it.';

-- Data quality of a period: the checks of report_data_quality over the concerns received in
-- it and their triage and referral, read through concern_received_at and then by key (each
-- concern's triage by its primary key, its referral by the unique concern_id), under
-- row-level security and the scope guard too: a period costs its own records, not the
-- history.  With no period it checks every live row (the all-time proof of the must-be-zero
-- checks).
CREATE FUNCTION safeguard.data_quality(received_from date, received_to date)
RETURNS TABLE (la_id bigint, local_authority text, check_name text, must_be_zero boolean,
               records_checked bigint, failing bigint, failing_pct numeric)
LANGUAGE plpgsql STABLE SECURITY INVOKER ROWS 100
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF received_from OPERATOR(pg_catalog.>) received_to THEN
        RAISE EXCEPTION USING ERRCODE = 'SG609', MESSAGE = 'the period ends before it starts',
            DETAIL = pg_catalog.format('received_from %s is later than received_to %s.', received_from, received_to),
            HINT = 'Give received_from <= received_to (both days included), or NULL for an open end.';
    END IF;
    -- Fixed fragments, the period's instants passed as parameters (local dates as the
    -- instants they begin in London): each call is planned for the conditions it has.
    RETURN QUERY EXECUTE
        $q$WITH p AS MATERIALIZED (
            SELECT x.id, x.la_id, x.risk_location, x.source_of_risk, x.adult_gender, x.adult_age_band,
                   x.adult_ethnicity, x.adult_primary_support_reason, x.adult_identified_by,
                   x.referrer_anonymous, x.referrer_identified
            FROM safeguard.concern x
            WHERE true$q$
        OPERATOR(pg_catalog.||)
        CASE WHEN received_from IS NULL THEN ''
             ELSE $q$ AND x.received_at OPERATOR(pg_catalog.>=) $1$q$ END
        OPERATOR(pg_catalog.||)
        CASE WHEN received_to IS NULL THEN ''
             ELSE $q$ AND x.received_at OPERATOR(pg_catalog.<) $2$q$ END
        OPERATOR(pg_catalog.||)
        $q$), checks AS (
            SELECT p.la_id, q.check_name, q.must_be_zero, q.failing
            FROM p
            CROSS JOIN LATERAL (VALUES
                ('concern: risk location missing', false, p.risk_location IS NULL),
                ('concern: source of risk missing', false, p.source_of_risk IS NULL),
                ('concern: gender not known', false, p.adult_gender OPERATOR(pg_catalog.=) 'Not Known'),
                ('concern: age not known', false, p.adult_age_band OPERATOR(pg_catalog.=) 'Not Known'),
                ('concern: ethnicity missing', false, p.adult_ethnicity IS NULL),
                ('concern: primary support reason missing', false, p.adult_primary_support_reason IS NULL),
                ('concern: adult not identified by NHS number', false,
                    p.adult_identified_by OPERATOR(pg_catalog.<>) 'nhs_number'),
                ('concern: invalid NHS number', true, p.adult_identified_by OPERATOR(pg_catalog.=) 'invalid_nhs_number'),
                ('concern: referrer neither identified nor anonymous', true,
                    NOT p.referrer_anonymous AND NOT p.referrer_identified)
            ) AS q(check_name, must_be_zero, failing)
            UNION ALL
            SELECT t.la_id, 'triage: decision without rationale', true, NOT t.rationale_recorded
            FROM p
            -- OFFSET 0 keeps each lookup by key (not a join that could read every triage)
            CROSS JOIN LATERAL (SELECT tt.la_id, tt.rationale_recorded FROM safeguard.triage tt
                                WHERE tt.concern_id OPERATOR(pg_catalog.=) p.id OFFSET 0) t
            UNION ALL
            SELECT r.la_id, q.check_name, q.must_be_zero, q.failing
            FROM p
            CROSS JOIN LATERAL (SELECT rr.la_id, rr.decision_rationale_recorded, rr.withdrawal_rationale_recorded,
                                       rr.la_decision, rr.outcome_at, rr.lacked_capacity, rr.msp_asked
                                FROM safeguard.referral rr
                                WHERE rr.concern_id OPERATOR(pg_catalog.=) p.id OFFSET 0) r
            CROSS JOIN LATERAL (VALUES
                ('referral: decision without rationale', true, NOT r.decision_rationale_recorded),
                ('referral: withdrawal without rationale', true, NOT r.withdrawal_rationale_recorded),
                ('enquiry concluded: capacity not recorded', false,
                    CASE WHEN r.la_decision OPERATOR(pg_catalog.<>) 'no_enquiry' AND r.outcome_at IS NOT NULL
                         THEN r.lacked_capacity IS NULL END),
                ('enquiry concluded: Making Safeguarding Personal not recorded', false,
                    CASE WHEN r.la_decision OPERATOR(pg_catalog.<>) 'no_enquiry' AND r.outcome_at IS NOT NULL
                         THEN r.msp_asked IS NULL END)
            ) AS q(check_name, must_be_zero, failing)
            WHERE q.failing IS NOT NULL
        )
        SELECT c.la_id, o.name, c.check_name, c.must_be_zero,
               pg_catalog.count(*),
               pg_catalog.count(*) FILTER (WHERE c.failing),
               pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE c.failing)
                   OPERATOR(pg_catalog./) pg_catalog.count(*), 1)
        FROM checks c
        JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) c.la_id
        GROUP BY c.la_id, o.name, c.check_name, c.must_be_zero$q$
        USING safeguard.local_day_start(received_from),
              safeguard.local_day_start(received_to OPERATOR(pg_catalog.+) 1);
END
$$;
COMMENT ON FUNCTION safeguard.data_quality(date, date) IS
    'Data quality by local authority, as report_data_quality gives it, over the concerns received from received_from through received_to (London dates, both included; a NULL bound leaves that side open) and the triage and referral of each. A period is read through indexes, under row-level security too, so it costs that period''s records, not the history. data_quality(NULL, NULL) checks every live row the caller may see: run it as the owner or a superuser to prove that every must_be_zero check fails on no record ever written (what the view did before 1.5).';
REVOKE ALL ON FUNCTION safeguard.data_quality(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.data_quality(date, date) TO safeguard_reader,
    safeguard_admin, safeguard_contact_centre, safeguard_inspector, safeguard_la_officer, safeguard_sam;

CREATE OR REPLACE VIEW safeguard.report_data_quality WITH (security_invoker = true) AS
SELECT d.la_id, d.local_authority, d.check_name, d.must_be_zero, d.records_checked, d.failing,
       d.failing_pct
FROM safeguard.data_quality(
    (pg_catalog.date_trunc('month', safeguard.local_date(safeguard.now())::timestamp)
        OPERATOR(pg_catalog.-) '11 months'::interval)::date,
    NULL::date) d;
COMMENT ON VIEW safeguard.report_data_quality IS 'Data quality by local authority over the last 12 months (the concerns received this month and the 11 before, Europe/London, as report_kpi, with their triage and referral): records missing what the statutory return and casework need, and checks that must be zero because the guards make them impossible. From 1.5 the last 12 months, not every record ever written (it read the whole history): for another period, or the all-time proof of the must-be-zero checks on every live row, call safeguard.data_quality(received_from, received_to), with (NULL, NULL) for all time.';
COMMENT ON COLUMN safeguard.report_data_quality.records_checked IS 'Records the check applies to, of the last 12 months (concerns received in them, and their triage and referral).';

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
