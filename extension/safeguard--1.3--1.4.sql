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


-- Every refusal of a workflow action names the duty required (item 17).
-- The workflow functions run as their caller (SECURITY INVOKER, so the
-- guards see the real actor), and PostgreSQL checks a table privilege
-- before any trigger runs: an inspector calling send_referral() was told
-- only "permission denied for table referral".  Each function now first
-- asks safeguard.require_duty(), which refuses (42501) a caller holding no
-- duty that could take the action, naming the duties that can and what
-- the caller holds; the table's guard trigger still decides for which
-- record and organisation.  The permits come from the state machines and
-- from one table of actions (src/actions.c) that the guards read too.
CREATE FUNCTION safeguard.require_duty(action text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_require_duty';
COMMENT ON FUNCTION safeguard.require_duty(text) IS
    'Raises 42501, naming the duties required and what the caller holds, unless the caller holds a duty that may take the action (an action of src/actions.c, or referral:<state> / provider_enquiry:<stage>; a|b for either). The workflow functions call it first.';
REVOKE ALL ON FUNCTION safeguard.require_duty(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.require_duty(text) TO PUBLIC;

CREATE OR REPLACE FUNCTION safeguard.log_concern(received_at timestamp with time zone, channel safeguard.concern_channel, source safeguard.concern_source, description text, risk_types safeguard.sac_risk_type[], la_id bigint DEFAULT NULL::bigint, provider_location_id bigint DEFAULT NULL::bigint, referrer_anonymous boolean DEFAULT false, referrer_name text DEFAULT NULL::text, referrer_phone text DEFAULT NULL::text, referrer_email text DEFAULT NULL::text, referrer_address text DEFAULT NULL::text, adult_nhs_number text DEFAULT NULL::text, adult_name text DEFAULT NULL::text, adult_date_of_birth date DEFAULT NULL::date, adult_date_of_death date DEFAULT NULL::date, adult_gender safeguard.sac_gender DEFAULT 'Not Known'::safeguard.sac_gender, risk_location safeguard.sac_risk_location DEFAULT NULL::safeguard.sac_risk_location, source_of_risk safeguard.sac_source_of_risk DEFAULT NULL::safeguard.sac_source_of_risk, immediate_risk boolean DEFAULT false, adult_ethnicity text DEFAULT NULL::text, adult_primary_support_reason text DEFAULT NULL::text)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('log_concern');
    INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id,
        provider_location_id, referrer_anonymous, referrer_name, referrer_phone, referrer_email,
        referrer_address, adult_nhs_number, adult_name, adult_date_of_birth, adult_date_of_death,
        adult_gender, risk_location, source_of_risk, immediate_risk, adult_ethnicity,
        adult_primary_support_reason)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22)
    RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.triage_concern(concern_id bigint, decision safeguard.triage_decision, rationale text, care_and_support_needs boolean, abuse_or_neglect boolean, unable_to_protect_self boolean)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty(CASE WHEN $2 OPERATOR(pg_catalog.=) 'no_referral' THEN 'triage_concern' ELSE 'regulator_decision' END);
    INSERT INTO safeguard.triage (concern_id, decision, rationale, care_and_support_needs,
        abuse_or_neglect, unable_to_protect_self)
    VALUES ($1, $2, $3, $4, $5, $6);
    SELECT r.id FROM safeguard.referral r WHERE r.concern_id OPERATOR(pg_catalog.=) $1;
$function$;

CREATE OR REPLACE FUNCTION safeguard.allocate_referral(referral_id bigint, officer regrole)
 RETURNS regrole
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    result regrole;
BEGIN
    PERFORM safeguard.require_duty('allocate_referral');
    UPDATE safeguard.referral r SET allocated_to = allocate_referral.officer
     WHERE r.id OPERATOR(pg_catalog.=) allocate_referral.referral_id
    RETURNING r.allocated_to INTO result;
    IF NOT FOUND THEN
        PERFORM safeguard.referral_not_found(allocate_referral.referral_id);
    END IF;
    RETURN result;
END
$function$;

CREATE OR REPLACE FUNCTION safeguard.referral_set_state(referral_id bigint, state safeguard.referral_state, sent_at timestamp with time zone DEFAULT NULL::timestamp with time zone, sent_method safeguard.contact_method DEFAULT NULL::safeguard.contact_method, la_contact text DEFAULT NULL::text, la_id bigint DEFAULT NULL::bigint, acknowledged_at timestamp with time zone DEFAULT NULL::timestamp with time zone, la_reference text DEFAULT NULL::text, la_decision safeguard.la_decision DEFAULT NULL::safeguard.la_decision, la_decision_rationale text DEFAULT NULL::text, action_result safeguard.sac_action_result DEFAULT NULL::safeguard.sac_action_result, risk_outcome safeguard.sac_risk_outcome DEFAULT NULL::safeguard.sac_risk_outcome, harm_from_delay safeguard.harm_finding DEFAULT NULL::safeguard.harm_finding, feedback_at timestamp with time zone DEFAULT NULL::timestamp with time zone, feedback_method safeguard.contact_method DEFAULT NULL::safeguard.contact_method, feedback_waived_reason text DEFAULT NULL::text, withdrawal_rationale text DEFAULT NULL::text, lacked_capacity safeguard.sac_capacity DEFAULT NULL::safeguard.sac_capacity, advocate_supported boolean DEFAULT NULL::boolean, msp_asked safeguard.sac_msp_asked DEFAULT NULL::safeguard.sac_msp_asked, msp_achieved safeguard.sac_msp_achieved DEFAULT NULL::safeguard.sac_msp_achieved)
 RETURNS safeguard.referral_state
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    result safeguard.referral_state;
BEGIN
    PERFORM safeguard.require_duty('referral:' OPERATOR(pg_catalog.||) referral_set_state.state::pg_catalog.text);
    UPDATE safeguard.referral r
       SET state = referral_set_state.state,
           sent_at = coalesce(referral_set_state.sent_at, r.sent_at),
           sent_method = coalesce(referral_set_state.sent_method, r.sent_method),
           la_contact = coalesce(referral_set_state.la_contact, r.la_contact),
           la_id = coalesce(referral_set_state.la_id, r.la_id),
           acknowledged_at = coalesce(referral_set_state.acknowledged_at, r.acknowledged_at),
           la_reference = coalesce(referral_set_state.la_reference, r.la_reference),
           la_decision = coalesce(referral_set_state.la_decision, r.la_decision),
           la_decision_rationale = coalesce(referral_set_state.la_decision_rationale, r.la_decision_rationale),
           action_result = coalesce(referral_set_state.action_result, r.action_result),
           risk_outcome = coalesce(referral_set_state.risk_outcome, r.risk_outcome),
           harm_from_delay = coalesce(referral_set_state.harm_from_delay, r.harm_from_delay),
           feedback_at = coalesce(referral_set_state.feedback_at, r.feedback_at),
           feedback_method = coalesce(referral_set_state.feedback_method, r.feedback_method),
           feedback_waived_reason = coalesce(referral_set_state.feedback_waived_reason, r.feedback_waived_reason),
           withdrawal_rationale = coalesce(referral_set_state.withdrawal_rationale, r.withdrawal_rationale),
           lacked_capacity = coalesce(referral_set_state.lacked_capacity, r.lacked_capacity),
           advocate_supported = coalesce(referral_set_state.advocate_supported, r.advocate_supported),
           msp_asked = coalesce(referral_set_state.msp_asked, r.msp_asked),
           msp_achieved = coalesce(referral_set_state.msp_achieved, r.msp_achieved)
     WHERE r.id OPERATOR(pg_catalog.=) referral_set_state.referral_id
    RETURNING r.state INTO result;
    IF NOT FOUND THEN
        PERFORM safeguard.referral_not_found(referral_set_state.referral_id);
    END IF;
    RETURN result;
END
$function$;

CREATE OR REPLACE FUNCTION safeguard.propose_provider_enquiry(provider_id bigint, la_id bigint, location_ids bigint[] DEFAULT '{}'::bigint[], raised_by_regulator boolean DEFAULT false)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    new_id bigint;
    loc bigint;
BEGIN
    PERFORM safeguard.require_duty('propose_provider_enquiry');
    INSERT INTO safeguard.provider_enquiry (provider_id, la_id, raised_by_regulator)
    VALUES (propose_provider_enquiry.provider_id, propose_provider_enquiry.la_id,
            propose_provider_enquiry.raised_by_regulator)
    RETURNING id INTO new_id;
    FOREACH loc IN ARRAY coalesce(location_ids, '{}') LOOP
        INSERT INTO safeguard.enquiry_location (enquiry_id, location_id) VALUES (new_id, loc);
    END LOOP;
    RETURN new_id;
END
$function$;

CREATE OR REPLACE FUNCTION safeguard.record_threshold(enquiry_id bigint, criterion safeguard.threshold_criterion, met boolean, evidence text)
 RETURNS void
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('record_threshold');
    INSERT INTO safeguard.enquiry_criterion (enquiry_id, criterion, met, evidence)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT ON CONSTRAINT enquiry_criterion_pkey
    DO UPDATE SET met = EXCLUDED.met, evidence = EXCLUDED.evidence;
$function$;

CREATE OR REPLACE FUNCTION safeguard.appoint_to_enquiry(enquiry_id bigint, role regrole, duty safeguard.duty)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('appoint_to_enquiry');
    INSERT INTO safeguard.enquiry_appointment (enquiry_id, role, duty) VALUES ($1, $2, $3) RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.record_enquiry_meeting(enquiry_id bigint, kind safeguard.meeting_kind, held_at timestamp with time zone, agenda_covered text[] DEFAULT '{}'::text[], decisions text DEFAULT NULL::text, fact_finding_working_days integer DEFAULT NULL::integer)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('record_enquiry_meeting');
    INSERT INTO safeguard.enquiry_meeting (enquiry_id, kind, held_at, agenda_covered, decisions,
        fact_finding_working_days)
    VALUES ($1, $2, $3, coalesce($4, '{}'), $5, $6) RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.add_meeting_attendee(meeting_id bigint, organisation_id bigint, role_title text, attendee_name text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('add_meeting_attendee');
    INSERT INTO safeguard.meeting_attendee VALUES ($1, $2, $3, $4);
$function$;

CREATE OR REPLACE FUNCTION safeguard.record_commissioning_decision(enquiry_id bigint, funding_authority_id bigint, action safeguard.commissioning_action, rationale text, meeting_id bigint DEFAULT NULL::bigint)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('record_commissioning_decision');
    INSERT INTO safeguard.commissioning_decision (enquiry_id, funding_authority_id, action, rationale, meeting_id)
    VALUES ($1, $2, $3, $4, $5) RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.record_finding(enquiry_id bigint, finding text, concern_id bigint DEFAULT NULL::bigint)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('record_finding');
    INSERT INTO safeguard.enquiry_finding (enquiry_id, finding, concern_id) VALUES ($1, $2, $3) RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.issue_improvement_plan(enquiry_id bigint, summary text)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('issue_improvement_plan');
    INSERT INTO safeguard.improvement_plan (enquiry_id, summary) VALUES ($1, $2) RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.add_plan_item(plan_id bigint, description text, owner text, due_date date, referral_id bigint DEFAULT NULL::bigint)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('add_plan_item');
    INSERT INTO safeguard.plan_item (plan_id, description, owner, due_date, referral_id)
    VALUES ($1, $2, $3, $4, $5) RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.update_plan_item(item_id bigint, status safeguard.plan_item_status DEFAULT NULL::safeguard.plan_item_status, progress_note text DEFAULT NULL::text, serious_delay boolean DEFAULT NULL::boolean)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM safeguard.require_duty('update_plan_item|provider_progress');
    UPDATE safeguard.plan_item i
       SET status = coalesce(update_plan_item.status, i.status),
           progress_note = coalesce(update_plan_item.progress_note, i.progress_note),
           serious_delay = coalesce(update_plan_item.serious_delay, i.serious_delay)
     WHERE i.id OPERATOR(pg_catalog.=) update_plan_item.item_id;
    IF NOT FOUND THEN
        PERFORM safeguard.raise_not_found('plan item', update_plan_item.item_id);
    END IF;
END
$function$;

CREATE OR REPLACE FUNCTION safeguard.respond_to_plan(plan_id bigint, response text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM safeguard.require_duty('respond_to_plan');
    UPDATE safeguard.improvement_plan p SET provider_response = respond_to_plan.response
     WHERE p.id OPERATOR(pg_catalog.=) respond_to_plan.plan_id;
    IF NOT FOUND THEN
        PERFORM safeguard.raise_not_found('improvement plan', respond_to_plan.plan_id);
    END IF;
END
$function$;

CREATE OR REPLACE FUNCTION safeguard.record_qa_activity(enquiry_id bigint, activity text, carried_out_at timestamp with time zone DEFAULT NULL::timestamp with time zone)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('record_qa_activity');
    INSERT INTO safeguard.qa_activity (enquiry_id, activity, carried_out_at)
    VALUES ($1, $2, coalesce($3, safeguard.now())) RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.record_enquiry_notification(enquiry_id bigint, recipient safeguard.notification_recipient, sent_on date, method safeguard.contact_method, reference text)
 RETURNS bigint
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT safeguard.require_duty('record_enquiry_notification');
    INSERT INTO safeguard.enquiry_notification (enquiry_id, recipient, sent_on, method, reference)
    VALUES ($1, $2, $3, $4, $5) RETURNING id;
$function$;

CREATE OR REPLACE FUNCTION safeguard.record_enquiry_contacts(enquiry_id bigint, cqc_advised_at timestamp with time zone DEFAULT NULL::timestamp with time zone, cqc_advised_method safeguard.contact_method DEFAULT NULL::safeguard.contact_method, provider_informed_at timestamp with time zone DEFAULT NULL::timestamp with time zone, provider_informed_method safeguard.contact_method DEFAULT NULL::safeguard.contact_method)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM safeguard.require_duty('correct_provider_enquiry');
    UPDATE safeguard.provider_enquiry e
       SET cqc_advised_at = coalesce(record_enquiry_contacts.cqc_advised_at, e.cqc_advised_at),
           cqc_advised_method = coalesce(record_enquiry_contacts.cqc_advised_method, e.cqc_advised_method),
           provider_informed_at = coalesce(record_enquiry_contacts.provider_informed_at, e.provider_informed_at),
           provider_informed_method = coalesce(record_enquiry_contacts.provider_informed_method, e.provider_informed_method)
     WHERE e.id OPERATOR(pg_catalog.=) record_enquiry_contacts.enquiry_id;
    IF NOT FOUND THEN
        PERFORM safeguard.raise_not_found('provider enquiry', record_enquiry_contacts.enquiry_id);
    END IF;
END
$function$;

CREATE OR REPLACE FUNCTION safeguard.enquiry_set_stage(enquiry_id bigint, stage safeguard.enquiry_stage, risk_level safeguard.risk_level DEFAULT NULL::safeguard.risk_level, risk_actions text[] DEFAULT NULL::text[], decision_rationale text DEFAULT NULL::text, override_rationale text DEFAULT NULL::text, alternative_action text DEFAULT NULL::text, qa_strategy text DEFAULT NULL::text, qa_outcome safeguard.qa_outcome DEFAULT NULL::safeguard.qa_outcome, lessons_learnt text DEFAULT NULL::text, sab_report_at timestamp with time zone DEFAULT NULL::timestamp with time zone, sab_report_reference text DEFAULT NULL::text)
 RETURNS safeguard.enquiry_stage
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    result safeguard.enquiry_stage;
BEGIN
    PERFORM safeguard.require_duty('provider_enquiry:' OPERATOR(pg_catalog.||) enquiry_set_stage.stage::pg_catalog.text);
    UPDATE safeguard.provider_enquiry e
       SET stage = enquiry_set_stage.stage,
           risk_level = coalesce(enquiry_set_stage.risk_level, e.risk_level),
           risk_actions = coalesce(enquiry_set_stage.risk_actions, e.risk_actions),
           decision_rationale = coalesce(enquiry_set_stage.decision_rationale, e.decision_rationale),
           override_rationale = coalesce(enquiry_set_stage.override_rationale, e.override_rationale),
           alternative_action = coalesce(enquiry_set_stage.alternative_action, e.alternative_action),
           qa_strategy = coalesce(enquiry_set_stage.qa_strategy, e.qa_strategy),
           qa_outcome = coalesce(enquiry_set_stage.qa_outcome, e.qa_outcome),
           lessons_learnt = coalesce(enquiry_set_stage.lessons_learnt, e.lessons_learnt),
           sab_report_at = coalesce(enquiry_set_stage.sab_report_at, e.sab_report_at),
           sab_report_reference = coalesce(enquiry_set_stage.sab_report_reference, e.sab_report_reference)
     WHERE e.id OPERATOR(pg_catalog.=) enquiry_set_stage.enquiry_id
    RETURNING e.stage INTO result;
    IF NOT FOUND THEN
        PERFORM safeguard.raise_not_found('provider enquiry', enquiry_set_stage.enquiry_id);
    END IF;
    RETURN result;
END
$function$;


-- Readers see no free text (item 8).  A referral's la_contact and
-- la_reference and a deadline's extension_reason are typed by people and
-- can hold names and NHS numbers; performance readers (safeguard_reader)
-- lose their privilege on them.  The chase list, which readers may read,
-- lists the named contact and the authority's reference through
-- referral_free_text(), which returns them to the referral's caseworkers
-- only (NULL to a reader).
CREATE FUNCTION safeguard.referral_free_text(referral_id bigint, col text) RETURNS text
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_referral_free_text';
COMMENT ON FUNCTION safeguard.referral_free_text(bigint, text) IS
    'A referral''s la_contact or la_reference (col) for a caller who works its casework (the regulator''s staff, the recipient authority''s staff); NULL for anyone else, performance readers included.';
REVOKE ALL ON FUNCTION safeguard.referral_free_text(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.referral_free_text(bigint, text) TO PUBLIC;
REVOKE SELECT (la_contact, la_reference) ON safeguard.referral FROM safeguard_reader;
REVOKE SELECT ON safeguard.deadline FROM safeguard_reader;
GRANT SELECT (id, kind, subject_table, subject_id, case_id, organisation_id, policy_id, anchor_at,
              division, amount, status, closed_at, due_at_close, paused_at, extended_by,
              extension_approver)
    ON safeguard.deadline TO safeguard_reader;
CREATE OR REPLACE VIEW safeguard.report_la_outcomes_outstanding WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, o.name AS local_authority,
       (SELECT c.adult_pseudonym FROM safeguard.safeguarding_case c
         WHERE c.id OPERATOR(pg_catalog.=) r.case_id) AS adult_pseudonym,
       r.state, r.sent_at, safeguard.working_days_since(r.sent_at, o.division) AS age_working_days,
       od.due_at AS outcome_due_at, coalesce(od.overdue, false) AS outcome_overdue,
       ed.due_at AS escalation_due_at, coalesce(ed.overdue, false) AS escalation_overdue,
       al.chases, al.last_alert_at,
       CASE WHEN coalesce(ed.overdue, false) OR al.escalations OPERATOR(pg_catalog.>) 0 THEN 'escalated'
            WHEN coalesce(od.overdue, false) OR al.chases OPERATOR(pg_catalog.>) 0 THEN 'chase'
            ELSE 'awaiting' END AS chase_state,
       safeguard.referral_free_text(r.id, 'la_contact') AS named_contact,
       safeguard.referral_free_text(r.id, 'la_reference') AS la_reference,
       o.senior_contact_name, o.senior_contact_email
FROM safeguard.referral r
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
LEFT JOIN safeguard.open_deadlines od ON od.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND od.subject_id OPERATOR(pg_catalog.=) r.id AND od.kind OPERATOR(pg_catalog.=) 'la_outcome'
LEFT JOIN safeguard.open_deadlines ed ON ed.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND ed.subject_id OPERATOR(pg_catalog.=) r.id AND ed.kind OPERATOR(pg_catalog.=) 'la_outcome_escalation'
CROSS JOIN LATERAL (
    SELECT pg_catalog.count(*) FILTER (WHERE a.rung OPERATOR(pg_catalog.=) 'breach') AS chases,
           pg_catalog.count(*) FILTER (WHERE a.rung OPERATOR(pg_catalog.=) 'escalate'
                                        OR (a.rung OPERATOR(pg_catalog.=) 'breach'
                                            AND a.kind OPERATOR(pg_catalog.=) 'la_outcome_escalation')) AS escalations,
           pg_catalog.max(a.fired_at) AS last_alert_at
    FROM safeguard.deadline_alert a
    WHERE a.subject_table OPERATOR(pg_catalog.=) 'referral' AND a.subject_id OPERATOR(pg_catalog.=) r.id
      AND a.kind OPERATOR(pg_catalog.=) ANY ('{la_outcome,la_outcome_escalation}'::text[])
) al
WHERE r.state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided}'::safeguard.referral_state[]);


-- The auditor reads every journey (item 9).  referral_journey and
-- enquiry_journey looked up deadlines, plans and items in the casework
-- tables, which the auditor duty may not read (42501).  They now read the
-- audit trail alone: a referral's deadlines and concern are named by the
-- audit rows that created them (every column of an insert is recorded),
-- within the referral's case; an enquiry's rows since 1.4 form its own
-- chain (enquiry:<id>), and its earlier rows are found in the table chains
-- they were written to.
CREATE OR REPLACE FUNCTION safeguard.referral_journey(referral_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    WITH created AS (
        SELECT a.case_id, a.changes OPERATOR(pg_catalog.->>) 'concern_id' AS concern_key
        FROM safeguard.audit_event a
        WHERE a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) $1::pg_catalog.text
          AND a.action OPERATOR(pg_catalog.=) 'INSERT'
    ), in_case AS (
        SELECT a.* FROM safeguard.audit_event a
        WHERE a.case_id OPERATOR(pg_catalog.=) (SELECT c.case_id FROM created c)
    ), deadlines AS (
        SELECT d.row_key FROM in_case d
        WHERE d.table_name OPERATOR(pg_catalog.=) 'deadline' AND d.action OPERATOR(pg_catalog.=) 'INSERT'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_table' OPERATOR(pg_catalog.=) 'referral'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_id' OPERATOR(pg_catalog.=) $1::pg_catalog.text
    )
    SELECT a.id, a.recorded_at, a.business_time, a.login_role, a.acting_role, a.duty, o.name,
           a.table_name, a.row_key, a.action, a.from_state, a.to_state, a.changes
    FROM in_case a
    LEFT JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) a.organisation_id
    WHERE (a.table_name OPERATOR(pg_catalog.=) 'referral' AND a.row_key OPERATOR(pg_catalog.=) $1::pg_catalog.text)
       OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT d.row_key FROM deadlines d))
       OR (a.table_name OPERATOR(pg_catalog.=) ANY ('{concern,triage}'::text[])
           AND a.row_key OPERATOR(pg_catalog.=) (SELECT c.concern_key FROM created c))
    ORDER BY a.id
$$;

CREATE OR REPLACE FUNCTION safeguard.enquiry_journey(enquiry_id bigint)
RETURNS TABLE (audit_id bigint, recorded_at timestamptz, business_time timestamptz,
               login_role text, acting_role text, duty safeguard.duty, organisation text,
               table_name text, row_key text, action text, from_state text, to_state text,
               changes jsonb)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    WITH legacy AS (
        -- rows written before 1.4, in the chains of the enquiry tables and of
        -- deadlines outside cases (the deadlines of enquiries)
        SELECT a.* FROM safeguard.audit_event a
        WHERE a.chain_key OPERATOR(pg_catalog.=) ANY ('{table:provider_enquiry,table:enquiry_location,
              table:enquiry_criterion,table:enquiry_appointment,table:enquiry_meeting,table:meeting_attendee,
              table:commissioning_decision,table:enquiry_finding,table:improvement_plan,table:plan_item,
              table:qa_activity,table:enquiry_notification,table:deadline}'::text[])
    ), plans AS (
        SELECT p.row_key FROM legacy p
        WHERE p.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND p.action OPERATOR(pg_catalog.=) 'INSERT'
          AND p.changes OPERATOR(pg_catalog.->>) 'enquiry_id' OPERATOR(pg_catalog.=) $1::pg_catalog.text
    ), items AS (
        SELECT i.row_key FROM legacy i
        WHERE i.table_name OPERATOR(pg_catalog.=) 'plan_item' AND i.action OPERATOR(pg_catalog.=) 'INSERT'
          AND i.changes OPERATOR(pg_catalog.->>) 'plan_id' OPERATOR(pg_catalog.=) ANY (SELECT p.row_key FROM plans p)
    ), meetings AS (
        SELECT m.row_key FROM legacy m
        WHERE m.table_name OPERATOR(pg_catalog.=) 'enquiry_meeting' AND m.action OPERATOR(pg_catalog.=) 'INSERT'
          AND m.changes OPERATOR(pg_catalog.->>) 'enquiry_id' OPERATOR(pg_catalog.=) $1::pg_catalog.text
    ), deadlines AS (
        SELECT d.row_key FROM legacy d
        WHERE d.table_name OPERATOR(pg_catalog.=) 'deadline' AND d.action OPERATOR(pg_catalog.=) 'INSERT'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_table' OPERATOR(pg_catalog.=) 'provider_enquiry'
          AND d.changes OPERATOR(pg_catalog.->>) 'subject_id' OPERATOR(pg_catalog.=) $1::pg_catalog.text
    ), rows AS (
        SELECT a.* FROM legacy a
        WHERE (a.table_name OPERATOR(pg_catalog.=) 'provider_enquiry' AND a.row_key OPERATOR(pg_catalog.=) $1::pg_catalog.text)
           OR (a.changes OPERATOR(pg_catalog.->>) 'enquiry_id') OPERATOR(pg_catalog.=) $1::pg_catalog.text
           OR (a.table_name OPERATOR(pg_catalog.=) 'improvement_plan' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT p.row_key FROM plans p))
           OR (a.table_name OPERATOR(pg_catalog.=) 'plan_item' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT i.row_key FROM items i))
           OR (a.table_name OPERATOR(pg_catalog.=) 'meeting_attendee' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT m.row_key FROM meetings m))
           OR (a.table_name OPERATOR(pg_catalog.=) 'deadline' AND a.row_key OPERATOR(pg_catalog.=) ANY (SELECT d.row_key FROM deadlines d))
        UNION ALL
        SELECT a.* FROM safeguard.audit_event a
        WHERE a.chain_key OPERATOR(pg_catalog.=) ('enquiry:' OPERATOR(pg_catalog.||) $1::pg_catalog.text)
    )
    SELECT a.id, a.recorded_at, a.business_time, a.login_role, a.acting_role, a.duty, o.name,
           a.table_name, a.row_key, a.action, a.from_state, a.to_state, a.changes
    FROM rows a
    LEFT JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) a.organisation_id
    ORDER BY a.id
$$;


-- Administrative records are scoped like casework (item 10).  An
-- administrator or auditor of a local authority read every authority's
-- duty grants and the whole audit trail (every change, with its values:
-- every authority's casework).  Now administrators and auditors of the
-- regulator read all of both; those of an authority read its own grants and
-- the audit rows of its own cases, enquiries and staff.  safeguard's
-- verification functions read the whole trail as its owner.
CREATE FUNCTION safeguard.oversees_organisation(org_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_oversees_organisation';
COMMENT ON FUNCTION safeguard.oversees_organisation(bigint) IS
    'Row-level security predicate of administrative records (duty grants, pool logins): true for an administrator or auditor of the regulator, or of that organisation.';
CREATE FUNCTION safeguard.may_read_audit(case_id bigint, chain_key text, organisation_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_may_read_audit';
COMMENT ON FUNCTION safeguard.may_read_audit(bigint, text, bigint) IS
    'Row-level security predicate of audit_event: an administrator or auditor of the regulator reads every row; one of a local authority reads the rows of its cases and provider enquiries and those its own staff wrote outside them.';
ALTER TABLE safeguard.duty_grant ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.duty_grant FORCE ROW LEVEL SECURITY;
CREATE POLICY oversight ON safeguard.duty_grant FOR SELECT
    USING (safeguard.oversees_organisation(organisation_id));
ALTER TABLE safeguard.audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard.audit_event FORCE ROW LEVEL SECURITY;
CREATE POLICY oversight ON safeguard.audit_event FOR SELECT
    USING (safeguard.may_read_audit(case_id, chain_key, organisation_id));
-- An UPDATE or DELETE of audit rows (by a role given the privilege, or
-- pg_write_all_data) reaches the rows and is refused by audit_guard
-- (SG204), rather than quietly matching none.
CREATE POLICY refused_by_guard ON safeguard.audit_event FOR UPDATE USING (true);
CREATE POLICY refused_by_guard_delete ON safeguard.audit_event FOR DELETE USING (true);

-- (end of section A)


--------------------------------------------------------------------------
-- Section B: availability and correctness of deadlines (items 1, 4)
--------------------------------------------------------------------------



-- A deadline that cannot be computed never stops the others (item 1).  A
-- concern received before the calendar of its authority's division is
-- refused at the door (SG101: its deadlines could not be counted); a
-- deadline whose due instant cannot be computed otherwise (counted from
-- before the calendar, by a row older than 1.4, or falling after the last
-- loaded year until the next gov.uk calendar is imported) is skipped by
-- sweep(), which says so in a WARNING, and shown by the views with due_at
-- empty and due_problem saying why, while every other deadline goes on.
-- deadline_due() itself still raises (SG101, or SG105 for an amount out of
-- the range of a timestamp: item 4).
CREATE FUNCTION safeguard.deadline_due_or_null(amount integer, unit safeguard.deadline_unit, anchor timestamptz, division text)
    RETURNS timestamptz LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_deadline_due_or_null';
COMMENT ON FUNCTION safeguard.deadline_due_or_null(integer, safeguard.deadline_unit, timestamptz, text) IS
    'As deadline_due, but NULL when the due instant cannot be computed (the division''s calendar does not cover it, or it is out of range); deadline_due_problem says why.';
CREATE FUNCTION safeguard.deadline_due_problem(amount integer, unit safeguard.deadline_unit, anchor timestamptz, division text)
    RETURNS text LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_deadline_due_problem';
COMMENT ON FUNCTION safeguard.deadline_due_problem(integer, safeguard.deadline_unit, timestamptz, text) IS
    'Why a due instant cannot be computed (counted from before the division''s calendar, falling after it, out of range), or NULL when it can.';

CREATE OR REPLACE VIEW safeguard.open_deadlines WITH (security_invoker = true) AS
SELECT d.id, d.kind, d.subject_table, d.subject_id, d.case_id,
       d.organisation_id, o.name AS organisation, o.senior_contact_name, o.senior_contact_email,
       d.anchor_at, coalesce(d.amount, r.amount) AS amount, r.unit,
       CASE WHEN d.paused_at IS NULL THEN
         safeguard.deadline_due_or_null(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division) END AS due_at,
       coalesce(d.paused_at IS NULL AND
         safeguard.deadline_due_or_null(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division)
           OPERATOR(pg_catalog.<) safeguard.now(), false) AS overdue,
       d.paused_at,
       safeguard.deadline_due_problem(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division) AS due_problem
FROM safeguard.deadline d
JOIN safeguard.deadline_rule r ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id
                              AND r.kind OPERATOR(pg_catalog.=) d.kind
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) d.organisation_id
WHERE d.status OPERATOR(pg_catalog.=) 'open';
COMMENT ON COLUMN safeguard.open_deadlines.due_at IS 'When it is due; empty while paused, or when it cannot be computed (see due_problem).';
COMMENT ON COLUMN safeguard.open_deadlines.due_problem IS 'Why the due instant cannot be computed (e.g. it falls after the division''s loaded calendar: import the next year''s gov.uk calendar), or NULL.';
CREATE OR REPLACE VIEW safeguard.my_deadlines WITH (security_invoker = true) AS
SELECT * FROM safeguard.open_deadlines
WHERE organisation_id OPERATOR(pg_catalog.=) safeguard.current_organisation();
COMMENT ON COLUMN safeguard.my_deadlines.due_at IS 'When it is due; empty while paused, or when it cannot be computed (see due_problem).';
COMMENT ON COLUMN safeguard.my_deadlines.due_problem IS 'Why the due instant cannot be computed, or NULL.';

-- Concerns stored before 1.4 that were received before their division's
-- calendar: their deadlines cannot be computed.  Say so at the update.
DO $calendar$
DECLARE
    n pg_catalog.int8;
BEGIN
    SELECT pg_catalog.count(*) INTO n
    FROM safeguard.deadline d
    JOIN safeguard.deadline_rule r ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id
                                  AND r.kind OPERATOR(pg_catalog.=) d.kind
    WHERE d.status OPERATOR(pg_catalog.=) 'open'
      AND safeguard.deadline_due_problem(coalesce(d.amount, r.amount), r.unit, d.anchor_at, d.division) IS NOT NULL;
    IF n OPERATOR(pg_catalog.>) 0 THEN
        RAISE WARNING '% open deadlines cannot be computed: their dates are outside the loaded calendar', n
            USING HINT = 'SELECT * FROM safeguard.open_deadlines WHERE due_problem IS NOT NULL; import the gov.uk calendar that covers them with safeguard.import_bank_holidays().';
    END IF;
END
$calendar$;

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
-- The library's hooks (src/session_guard.c) refuse explicit locks on
-- safeguard's relations and row locks on their rows to every role but the
-- owner (safeguard.outbox's FOR UPDATE SKIP LOCKED excepted), bound every
-- wait on another transaction's lock of safeguard's rows
-- (safeguard.lock_wait_timeout, SG801), refuse PREPARE TRANSACTION after
-- safeguard's rows were locked or written (SG802), and refuse EXPLAIN of
-- statements that read safeguard's tables under row-level security.  They
-- exist in a session only once the library is loaded: deployments preload
-- it, and preloaded() tells a session whether it did.
--
-- Pool logins (item 19): a login role declared a connection pool's acts
-- only through a role set for the current transaction (SET LOCAL ROLE);
-- a role set for the session would carry over to the pool's next client
-- (SG803).

CREATE FUNCTION safeguard.preloaded() RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_preloaded';
COMMENT ON FUNCTION safeguard.preloaded() IS
    'True when this session loaded safeguard before its first statement (shared_preload_libraries or session_preload_libraries): only then do its guards on LOCK TABLE, row locks, EXPLAIN, PREPARE TRANSACTION and lock waits apply from the first statement on.';
REVOKE ALL ON FUNCTION safeguard.preloaded() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.preloaded() TO PUBLIC;

CREATE TABLE safeguard.pool_login (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role            regrole NOT NULL,
    declared_at     timestamptz NOT NULL,
    declared_by     regrole NOT NULL,
    undeclared_at   timestamptz,
    undeclared_by   regrole
);
ALTER TABLE safeguard.pool_login OWNER TO safeguard_owner;
CREATE UNIQUE INDEX pool_login_active ON safeguard.pool_login (role) WHERE undeclared_at IS NULL;
COMMENT ON TABLE safeguard.pool_login IS
    'Login roles declared a connection pool''s (e.g. pgbouncer''s): a session logged in as one acts only through a role set for the current transaction with SET LOCAL ROLE (SG803 otherwise). Written only by declare_pool_login() and undeclare_pool_login().';
COMMENT ON COLUMN safeguard.pool_login.id IS 'Identifier.';
COMMENT ON COLUMN safeguard.pool_login.role IS 'The pool''s login role.';
COMMENT ON COLUMN safeguard.pool_login.declared_at IS 'When it was declared.';
COMMENT ON COLUMN safeguard.pool_login.declared_by IS 'Who declared it.';
COMMENT ON COLUMN safeguard.pool_login.undeclared_at IS 'When the declaration ended; NULL while in force.';
COMMENT ON COLUMN safeguard.pool_login.undeclared_by IS 'Who ended it.';
REVOKE ALL ON safeguard.pool_login FROM PUBLIC;
GRANT SELECT ON safeguard.pool_login TO safeguard_admin, safeguard_auditor;

CREATE FUNCTION safeguard.declare_pool_login(role regrole) RETURNS bigint
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_declare_pool_login';
COMMENT ON FUNCTION safeguard.declare_pool_login(regrole) IS
    'Declares a login role a connection pool''s (admin duty or superuser): sessions logged in as it act only through SET LOCAL ROLE inside each transaction. Returns the declaration (the existing one when already declared). Audited.';
REVOKE ALL ON FUNCTION safeguard.declare_pool_login(regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.declare_pool_login(regrole) TO safeguard_admin;

CREATE FUNCTION safeguard.undeclare_pool_login(role regrole) RETURNS boolean
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_undeclare_pool_login';
COMMENT ON FUNCTION safeguard.undeclare_pool_login(regrole) IS
    'Ends a pool login''s declaration (admin duty or superuser; the row stays as history). False when the role was not declared. Audited.';
REVOKE ALL ON FUNCTION safeguard.undeclare_pool_login(regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.undeclare_pool_login(regrole) TO safeguard_admin;

CREATE FUNCTION safeguard.pool_login_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_pool_login_changed';
COMMENT ON FUNCTION safeguard.pool_login_changed() IS
    'Trigger: after any change to pool_login, every session forgets whether its login is a pool''s (it asks again at its next check).';
REVOKE ALL ON FUNCTION safeguard.pool_login_changed() FROM PUBLIC;

CREATE TRIGGER _restore_guard BEFORE INSERT ON safeguard.pool_login
    FOR EACH ROW EXECUTE FUNCTION safeguard.restore_guard();
CREATE TRIGGER internal_only BEFORE INSERT OR UPDATE OR DELETE ON safeguard.pool_login
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.internal_only();
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE ON safeguard.pool_login
    FOR EACH ROW WHEN (NOT safeguard.restoring()) EXECUTE FUNCTION safeguard.audit_row('id', '', '');
CREATE TRIGGER pool_login_changed AFTER INSERT OR UPDATE OR DELETE ON safeguard.pool_login
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.pool_login_changed();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON safeguard.pool_login
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.refuse_truncate();
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER _restore_guard;
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER internal_only;
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER audit_row;
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER pool_login_changed;
ALTER TABLE safeguard.pool_login ENABLE ALWAYS TRIGGER refuse_truncate;

SELECT pg_catalog.pg_extension_config_dump('safeguard.pool_login', '');
SELECT pg_catalog.pg_extension_config_dump('safeguard.pool_login_id_seq', '');

-- Said once, where it is installed: without preloading, a session's guards
-- start only when its first safeguard function loads the library.
DO $preload$
BEGIN
    IF NOT safeguard.preloaded() THEN
        RAISE WARNING 'safeguard is not preloaded in this session'
            USING DETAIL = 'Its refusal of LOCK TABLE, row locks, EXPLAIN and PREPARE TRANSACTION on safeguard''s objects, and its bound on lock waits, apply only in sessions that load the library at start.',
                  HINT = 'Set session_preload_libraries = ''safeguard'' (ALTER DATABASE ... SET, no restart) or shared_preload_libraries = ''safeguard''.';
    END IF;
END
$preload$;

-- (end of section D)


--------------------------------------------------------------------------
-- Section E: the live rows proved against the audit trail (item 14)
--
-- verify_audit() proves the audit rows; a superuser who disables the
-- triggers by editing the catalog (no DDL, so nothing is recorded) could
-- still change a row with no audit row.  verify_ledger() proves the live
-- rows against the trail, as ledger tables are: every row of every table
-- with the audit_row trigger equals the newest values its audit rows
-- record, no such row exists without them, and no audit row describes a
-- row that is gone (audit_ledger.c, ledger_replay.c).
--
-- For that the trail must say when a row goes: audit_row now fires for
-- DELETE too (the guards refuse deletes everywhere but the policies,
-- whose unused versions an administrator may delete), recording the row as
-- it was.  And rows installed before their table had an audit trigger (the
-- shipped policy, its first rules and the escalation rungs) are recorded
-- once as found, as BASELINE audit rows, by ledger_baseline(); a restore
-- does not record them again: the dumped trail holds them.
--------------------------------------------------------------------------

-- Every audit_row trigger, whichever section or version made it, also fires
-- for DELETE (its arguments and WHEN clause are kept).
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, g.tgname, g.tgenabled, pg_catalog.pg_get_triggerdef(g.oid) AS def
             FROM pg_catalog.pg_trigger g
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND g.tgfoid OPERATOR(pg_catalog.=) 'safeguard.audit_row()'::pg_catalog.regprocedure
               AND NOT g.tgisinternal
               AND (g.tgtype::integer OPERATOR(pg_catalog.&) 8) OPERATOR(pg_catalog.=) 0
             ORDER BY c.relname, g.tgname
    LOOP
        EXECUTE pg_catalog.replace(
            pg_catalog.replace(t.def, 'CREATE TRIGGER ', 'CREATE OR REPLACE TRIGGER '),
            ' AFTER INSERT OR UPDATE ', ' AFTER INSERT OR DELETE OR UPDATE ');
        IF t.tgenabled OPERATOR(pg_catalog.=) 'A' THEN
            EXECUTE pg_catalog.format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION safeguard.audit_row() IS
    'Trigger: writes the audit row of every insert, update and delete (a deleted row is recorded as it was).';
COMMENT ON COLUMN safeguard.audit_event.action IS
    'INSERT, UPDATE, DELETE (since 1.4), or BASELINE: a row recorded as found, installed before its table had an audit trigger (since 1.4, ledger_baseline()).';
COMMENT ON COLUMN safeguard.audit_event.changes IS
    'Inserted values (also of a deleted row, as it was, and of a BASELINE), or {"column": {"old": ..., "new": ...}} for changed columns, in canonical text (independent of session settings).';

CREATE FUNCTION safeguard.verify_ledger()
    RETURNS TABLE (table_name text, row_key text, primary_key text, column_name text,
                   live_value text, trail_value text, audit_id bigint, problem text)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_ledger';
COMMENT ON FUNCTION safeguard.verify_ledger() IS
    'Proves every row of every audited table against the audit trail: returns the first row that differs from the newest values its audit rows record, has none, or is gone although audit rows record it (table, row key, primary key, column, what the row holds, what the trail says, the audit row, the problem), or no row. Reads every row whatever the caller''s scope; streams. Read-only.';
CREATE FUNCTION safeguard.verify_ledger_strict() RETURNS boolean
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'sg_verify_ledger_strict';
COMMENT ON FUNCTION safeguard.verify_ledger_strict() IS
    'Returns true when every audited row agrees with the audit trail; raises SG404 naming the first that does not.';
REVOKE ALL ON FUNCTION safeguard.verify_ledger(), safeguard.verify_ledger_strict() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.verify_ledger(), safeguard.verify_ledger_strict()
    TO safeguard_auditor, safeguard_admin;

CREATE FUNCTION safeguard.ledger_baseline() RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_ledger_baseline';
COMMENT ON FUNCTION safeguard.ledger_baseline() IS
    'Records as BASELINE audit rows the rows that have no audit row of their insert because they were installed before their table had an audit trigger (shipped = true, or every row of a table with no audit row yet); returns how many. Superusers only: the update to 1.4 runs it, and a superuser after restoring a dump taken before 1.4.';
REVOKE ALL ON FUNCTION safeguard.ledger_baseline() FROM PUBLIC;

-- The rows installed without audit rows, recorded once as found (not while
-- restoring: the dumped trail holds them).
SELECT safeguard.ledger_baseline() WHERE NOT safeguard.restoring();

-- (end of section E)



--------------------------------------------------------------------------
-- Section F: what query plans tell a scoped role about rows it cannot see
-- (item 6, timing)
--
-- Row-level security filters rows, but PostgreSQL lets a leakproof user
-- predicate (=, <, ... on text, bigint, dates) choose the index that drives
-- a scan and run before the policies: an authority's officer could time
-- "count(*) FROM safeguard.concern WHERE la_id = <another authority>" or
-- "... WHERE adult_nhs_number = '...'" and learn what the policies hide.
-- The library's planner hooks (src/scope_guard.c) keep predicates on
-- identifying, free-text and organisation columns from steering the scans
-- of a role that does not see every row, order every user predicate after
-- the policies, and estimate those columns without the values their
-- statistics hold (safeguard.scope_guard, on).  scope_columns() shows the
-- classification (src/scope_columns.c); a cached plan depends on the
-- caller's duties, so a change of duties or organisations plans those
-- tables' queries again.
--------------------------------------------------------------------------

CREATE FUNCTION safeguard.scope_columns()
    RETURNS TABLE (table_name text, column_name text, column_class text, guarded boolean)
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_scope_columns';
COMMENT ON FUNCTION safeguard.scope_columns() IS
    'Every column of every table under row-level security, with its class (open, person, free_text, organisation, own_organisation, own_local_authority, own_provider) and whether it is guarded: for a role that does not see every row, a predicate on a guarded column never chooses an index and runs after the policies, and the column is estimated without the values its statistics hold (most common values, histogram); only "column = safeguard.current_organisation()" on an own_* column still chooses an index, for a role the policy shows its own organisation''s rows.';
REVOKE ALL ON FUNCTION safeguard.scope_columns() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.scope_columns() TO PUBLIC;

CREATE FUNCTION safeguard.scope_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'sg_scope_changed';
COMMENT ON FUNCTION safeguard.scope_changed() IS
    'Trigger: after duties or organisations change, every cached plan over a table under row-level security is planned again (the plans a scoped role may use depend on its duties).';
REVOKE ALL ON FUNCTION safeguard.scope_changed() FROM PUBLIC;
CREATE TRIGGER scope_changed AFTER INSERT OR UPDATE OR DELETE ON safeguard.duty_grant
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.scope_changed();
CREATE TRIGGER scope_changed AFTER INSERT OR UPDATE OR DELETE ON safeguard.organisation
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard.scope_changed();

-- (end of section F)



--------------------------------------------------------------------------
-- Section Z: every table added in 1.4 follows safeguard's conventions:
-- owned by safeguard_owner, TRUNCATE refused, ids assigned by
-- assign_identity (Section C), every trigger fires ALWAYS
-- (session_replication_role = replica does not skip it).
--------------------------------------------------------------------------
DO $conventions$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname, a.attname
             FROM pg_catalog.pg_attribute a
             JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid
             WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
               AND c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT a.attisdropped
               AND a.attidentity::pg_catalog.text OPERATOR(pg_catalog.<>) ''
               AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger g
                               WHERE g.tgrelid OPERATOR(pg_catalog.=) c.oid
                                 AND g.tgname OPERATOR(pg_catalog.=) '_identity')
             ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER _identity BEFORE INSERT ON safeguard.%I '
                                  'FOR EACH ROW WHEN (NOT safeguard.restoring()) '
                                  'EXECUTE FUNCTION safeguard.assign_identity(%L)', t.relname, t.attname);
    END LOOP;
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
