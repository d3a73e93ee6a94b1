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
