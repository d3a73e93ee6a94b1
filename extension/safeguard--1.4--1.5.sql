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
