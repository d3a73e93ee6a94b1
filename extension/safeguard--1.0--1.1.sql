/* safeguard--1.0--1.1.sql: reporting for performance teams, inspectors and the statutory return. */

\echo Use "ALTER EXTENSION safeguard UPDATE TO '1.1'" to load this file. \quit

--------------------------------------------------------------------------
-- What the reports need that 1.0 did not record: the enquiry's capacity,
-- advocacy and Making Safeguarding Personal answers (SAC SG3, SG4), who a
-- referral is allocated to (the "virtual worker" caseload), the team of a
-- grant, and answers a reader may count without seeing identity (age band,
-- how the adult was identified, whether a rationale was recorded).
--------------------------------------------------------------------------
-- Pure functions of the reports (reporting.c); the generated columns below use them.
CREATE FUNCTION safeguard.sac_year(year integer) RETURNS daterange
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_year';
COMMENT ON FUNCTION safeguard.sac_year(integer) IS
    'The SAC reporting year starting 1 April of year: [year-04-01, year+1-04-01). Raises SG601 outside 2000-2100.';
CREATE FUNCTION safeguard.sac_age_band(date_of_birth date, on_date date) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_age_band_sql';
COMMENT ON FUNCTION safeguard.sac_age_band(date, date) IS
    'SAC age band on a date: 18-64, 65-74, 75-84, 85-94, 95+ (Under 18 below); Not Known without a date of birth.';
CREATE FUNCTION safeguard.sac_disclose(value bigint) RETURNS bigint
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_sac_disclose_sql';
COMMENT ON FUNCTION safeguard.sac_disclose(bigint) IS
    'Disclosure control of published figures: NULL (suppressed) under 5, otherwise rounded to the nearest 5.';
CREATE FUNCTION safeguard.nhs_number_is_valid(nhs_number text) RETURNS boolean
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'sg_nhs_number_is_valid';
COMMENT ON FUNCTION safeguard.nhs_number_is_valid(text) IS
    'True when the text is a valid NHS number (ten digits, optionally grouped 3-3-4, modulus 11 check digit).';

CREATE TYPE safeguard.sac_capacity AS ENUM
    ('Yes, they lacked capacity', 'No, they did not lack capacity', 'Don''t know');
COMMENT ON TYPE safeguard.sac_capacity IS 'Whether the adult lacked capacity to make decisions about the enquiry (SAC SG3); NULL counts as Not recorded.';
CREATE TYPE safeguard.sac_msp_asked AS ENUM
    ('Yes, they were asked and outcomes were expressed',
     'Yes, they were asked but no outcomes were expressed', 'No', 'Don''t know');
COMMENT ON TYPE safeguard.sac_msp_asked IS 'Making Safeguarding Personal: whether the adult (or representative) was asked about desired outcomes (SAC SG4); NULL counts as Not recorded.';
CREATE TYPE safeguard.sac_msp_achieved AS ENUM ('Fully Achieved', 'Partially Achieved', 'Not Achieved');
COMMENT ON TYPE safeguard.sac_msp_achieved IS 'Making Safeguarding Personal: how far the expressed outcomes were achieved (SAC SG4).';

ALTER TABLE safeguard.duty_grant ADD COLUMN team text;
COMMENT ON COLUMN safeguard.duty_grant.team IS 'Team the role works in under this grant (e.g. a locality team), for the indicators; set at grant, fixed for its life.';

ALTER TABLE safeguard.safeguarding_case ADD COLUMN adult_pseudonym text;
COMMENT ON COLUMN safeguard.safeguarding_case.adult_pseudonym IS 'Keyed hash (HMAC-SHA256, admin-set secret) of adult_key: the same for every case about the same adult, NULL when unknown. Computed by safeguard.';

ALTER TABLE safeguard.concern
    ADD COLUMN adult_age_band text GENERATED ALWAYS AS (safeguard.sac_age_band(
        adult_date_of_birth, (received_at AT TIME ZONE 'Europe/London')::date)) STORED,
    ADD COLUMN adult_identified_by text GENERATED ALWAYS AS (
        CASE WHEN adult_nhs_number IS NOT NULL THEN
                  CASE WHEN safeguard.nhs_number_is_valid(adult_nhs_number) THEN 'nhs_number'
                       ELSE 'invalid_nhs_number' END
             WHEN adult_name IS NOT NULL AND adult_date_of_birth IS NOT NULL THEN 'name_and_date_of_birth'
             WHEN adult_name IS NOT NULL THEN 'name_only'
             ELSE 'unknown' END) STORED,
    ADD COLUMN referrer_identified boolean GENERATED ALWAYS AS (
        referrer_name IS NOT NULL
        AND pg_catalog.btrim(referrer_name, E' \t\r\n\f\v') OPERATOR(pg_catalog.<>) ''
        AND (referrer_phone IS NOT NULL OR referrer_email IS NOT NULL OR referrer_address IS NOT NULL)) STORED;
COMMENT ON COLUMN safeguard.concern.adult_age_band IS 'SAC age band of the adult on the day the concern was received (18-64, 65-74, 75-84, 85-94, 95+; Not Known without a date of birth).';
COMMENT ON COLUMN safeguard.concern.adult_identified_by IS 'How the adult is identified: nhs_number (valid), invalid_nhs_number (never, the guard refuses one), name_and_date_of_birth, name_only, unknown.';
COMMENT ON COLUMN safeguard.concern.referrer_identified IS 'True when the referrer has a name and at least one contact route.';

ALTER TABLE safeguard.triage
    ADD COLUMN decided_team text,
    ADD COLUMN rationale_recorded boolean GENERATED ALWAYS AS (
        pg_catalog.btrim(rationale, E' \t\r\n\f\v') OPERATOR(pg_catalog.<>) '') STORED;
COMMENT ON COLUMN safeguard.triage.decided_team IS 'Team of the grant under which the decision was made (recorded by safeguard).';
COMMENT ON COLUMN safeguard.triage.rationale_recorded IS 'True when the rationale holds text (the guard makes this always true).';

ALTER TABLE safeguard.referral
    ADD COLUMN lacked_capacity safeguard.sac_capacity,
    ADD COLUMN advocate_supported boolean,
    ADD COLUMN msp_asked safeguard.sac_msp_asked,
    ADD COLUMN msp_achieved safeguard.sac_msp_achieved,
    ADD COLUMN allocated_to regrole,
    ADD COLUMN allocated_by regrole,
    ADD COLUMN allocated_at timestamptz,
    ADD COLUMN decision_rationale_recorded boolean GENERATED ALWAYS AS (
        CASE WHEN la_decision IS NOT NULL THEN
            coalesce(pg_catalog.btrim(la_decision_rationale, E' \t\r\n\f\v') OPERATOR(pg_catalog.<>) '', false) END) STORED,
    ADD COLUMN withdrawal_rationale_recorded boolean GENERATED ALWAYS AS (
        CASE WHEN state OPERATOR(pg_catalog.=) 'withdrawn' THEN
            coalesce(pg_catalog.btrim(withdrawal_rationale, E' \t\r\n\f\v') OPERATOR(pg_catalog.<>) '', false) END) STORED;
COMMENT ON COLUMN safeguard.referral.lacked_capacity IS 'SAC SG3: whether the adult lacked capacity (enquiries only; recorded with the outcome).';
COMMENT ON COLUMN safeguard.referral.advocate_supported IS 'SAC SG3: for an adult who lacked capacity, whether an advocate, family member or friend supported them.';
COMMENT ON COLUMN safeguard.referral.msp_asked IS 'SAC SG4: whether the adult was asked about the outcomes they wanted.';
COMMENT ON COLUMN safeguard.referral.msp_achieved IS 'SAC SG4: how far the outcomes expressed were achieved (required when outcomes were expressed).';
COMMENT ON COLUMN safeguard.referral.allocated_to IS 'The named officer or manager of the recipient local authority working it; NULL: unallocated (the "virtual worker" caseload).';
COMMENT ON COLUMN safeguard.referral.allocated_by IS 'Who allocated it (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.allocated_at IS 'When it was last allocated or unallocated (recorded by safeguard).';
COMMENT ON COLUMN safeguard.referral.decision_rationale_recorded IS 'For a decided referral: true when the decision''s rationale holds text (the guard makes this always true).';
COMMENT ON COLUMN safeguard.referral.withdrawal_rationale_recorded IS 'For a withdrawn referral: true when the withdrawal''s rationale holds text (the guard makes this always true).';
CREATE INDEX referral_unallocated ON safeguard.referral (la_id)
    WHERE allocated_to IS NULL
      AND state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided,outcome_recorded}'::safeguard.referral_state[]);

--------------------------------------------------------------------------
-- C functions of the reporting layer (reporting.c, pseudonym.c, duties.c)
--------------------------------------------------------------------------
CREATE FUNCTION safeguard.grant_duty(role regrole, duty safeguard.duty, organisation_id bigint, team text)
    RETURNS bigint LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_grant_duty';
COMMENT ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint, text) IS
    'As grant_duty(role, duty, organisation_id), recording the team the role works in (for the indicators by team). Superusers and safeguard_admin only.';
REVOKE ALL ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.grant_duty(regrole, safeguard.duty, bigint, text) TO safeguard_admin;

CREATE FUNCTION safeguard.may_report_on(la_id bigint) RETURNS boolean
    LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'sg_may_report_on';
COMMENT ON FUNCTION safeguard.may_report_on(bigint) IS
    'Row-level security predicate of the reports: casework viewers as may_see_la; a reader (safeguard_reader) at the regulator sees every local authority, at a local authority its own.';

CREATE FUNCTION safeguard.case_pseudonym() RETURNS trigger LANGUAGE c AS 'MODULE_PATHNAME', 'sg_case_pseudonym';
COMMENT ON FUNCTION safeguard.case_pseudonym() IS 'Trigger: computes a case''s adult_pseudonym from adult_key under the current secret.';
REVOKE ALL ON FUNCTION safeguard.case_pseudonym() FROM PUBLIC;
CREATE TRIGGER case_pseudonym BEFORE INSERT OR UPDATE ON safeguard.safeguarding_case
    FOR EACH ROW EXECUTE FUNCTION safeguard.case_pseudonym();
ALTER TABLE safeguard.safeguarding_case ENABLE ALWAYS TRIGGER case_pseudonym;

CREATE FUNCTION safeguard.set_pseudonym_secret(secret text) RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'sg_set_pseudonym_secret';
COMMENT ON FUNCTION safeguard.set_pseudonym_secret(text) IS
    'Sets the secret that keys adult pseudonyms (at least 32 bytes, kept outside the database too) and re-keys every case in the same transaction; returns how many. Superusers and safeguard_admin only; the secret cannot be read back.';
REVOKE ALL ON FUNCTION safeguard.set_pseudonym_secret(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.set_pseudonym_secret(text) TO safeguard_admin;

-- A fresh secret for 1.1's keyed hash, and every existing case keyed by it.
SELECT safeguard.set_pseudonym_secret(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
    pg_catalog.gen_random_uuid()::pg_catalog.text OPERATOR(pg_catalog.||)
    pg_catalog.gen_random_uuid()::pg_catalog.text, 'UTF8')), 'hex'));

-- referral_pseudonymised reads the stored pseudonym (one keyed hash for every report).
-- It runs as its caller from 1.1 (security_invoker): row-level security scopes
-- it like every report, and the reader's column privileges cover what it shows.
CREATE OR REPLACE VIEW safeguard.referral_pseudonymised WITH (security_barrier = true, security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, r.state, r.immediate_risk,
       c.adult_pseudonym,
       x.source, x.channel, x.risk_types, x.risk_location, x.source_of_risk,
       x.adult_gender, x.received_at, r.created_at, r.sent_at, r.acknowledged_at, r.la_decision, r.decided_at,
       r.action_result, r.risk_outcome, r.harm_from_delay, r.outcome_at,
       r.feedback_at, r.closed_at, r.withdrawn_at
FROM safeguard.referral r
JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
JOIN safeguard.safeguarding_case c ON c.id OPERATOR(pg_catalog.=) r.case_id;

--------------------------------------------------------------------------
-- Workflow wrappers: the outcome takes the SAC answers; allocation.
--------------------------------------------------------------------------
DROP FUNCTION safeguard.record_referral_outcome(bigint, safeguard.sac_action_result,
    safeguard.sac_risk_outcome, safeguard.harm_finding);
DROP FUNCTION safeguard.referral_set_state(bigint, safeguard.referral_state, timestamptz,
    safeguard.contact_method, text, bigint, timestamptz, text, safeguard.la_decision, text,
    safeguard.sac_action_result, safeguard.sac_risk_outcome, safeguard.harm_finding, timestamptz,
    safeguard.contact_method, text, text);

CREATE FUNCTION safeguard.referral_set_state(referral_id bigint, state safeguard.referral_state,
    sent_at timestamptz DEFAULT NULL, sent_method safeguard.contact_method DEFAULT NULL,
    la_contact text DEFAULT NULL, la_id bigint DEFAULT NULL,
    acknowledged_at timestamptz DEFAULT NULL, la_reference text DEFAULT NULL,
    la_decision safeguard.la_decision DEFAULT NULL, la_decision_rationale text DEFAULT NULL,
    action_result safeguard.sac_action_result DEFAULT NULL,
    risk_outcome safeguard.sac_risk_outcome DEFAULT NULL,
    harm_from_delay safeguard.harm_finding DEFAULT NULL,
    feedback_at timestamptz DEFAULT NULL, feedback_method safeguard.contact_method DEFAULT NULL,
    feedback_waived_reason text DEFAULT NULL, withdrawal_rationale text DEFAULT NULL,
    lacked_capacity safeguard.sac_capacity DEFAULT NULL, advocate_supported boolean DEFAULT NULL,
    msp_asked safeguard.sac_msp_asked DEFAULT NULL, msp_achieved safeguard.sac_msp_achieved DEFAULT NULL)
RETURNS safeguard.referral_state
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result safeguard.referral_state;
BEGIN
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
$$;
COMMENT ON FUNCTION safeguard.referral_set_state(bigint, safeguard.referral_state, timestamptz, safeguard.contact_method, text, bigint, timestamptz, text, safeguard.la_decision, text, safeguard.sac_action_result, safeguard.sac_risk_outcome, safeguard.harm_finding, timestamptz, safeguard.contact_method, text, text, safeguard.sac_capacity, boolean, safeguard.sac_msp_asked, safeguard.sac_msp_achieved) IS
    'Moves a referral to a state with that transition''s columns (others keep their values); the C guard decides. The named functions call it.';

CREATE FUNCTION safeguard.record_referral_outcome(referral_id bigint,
    action_result safeguard.sac_action_result DEFAULT NULL,
    risk_outcome safeguard.sac_risk_outcome DEFAULT NULL,
    harm_from_delay safeguard.harm_finding DEFAULT NULL,
    lacked_capacity safeguard.sac_capacity DEFAULT NULL,
    advocate_supported boolean DEFAULT NULL,
    msp_asked safeguard.sac_msp_asked DEFAULT NULL,
    msp_achieved safeguard.sac_msp_achieved DEFAULT NULL)
RETURNS safeguard.referral_state LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT safeguard.referral_set_state($1, 'outcome_recorded', action_result => $2,
          risk_outcome => $3, harm_from_delay => $4, lacked_capacity => $5,
          advocate_supported => $6, msp_asked => $7, msp_achieved => $8) $$;
COMMENT ON FUNCTION safeguard.record_referral_outcome(bigint, safeguard.sac_action_result, safeguard.sac_risk_outcome, safeguard.harm_finding, safeguard.sac_capacity, boolean, safeguard.sac_msp_asked, safeguard.sac_msp_achieved) IS
    'Records the outcome (SAC action and result, risk outcome, capacity and advocacy, Making Safeguarding Personal) and, for a referral sent late, whether the delay caused harm. The answers must agree (SG604); an expressed outcome needs msp_achieved (SG202).';

-- log_concern takes the adult's ethnicity and primary support reason (SAC SG1).
DROP FUNCTION safeguard.log_concern(timestamptz, safeguard.concern_channel, safeguard.concern_source,
    text, safeguard.sac_risk_type[], bigint, bigint, boolean, text, text, text, text, text, text, date,
    date, safeguard.sac_gender, safeguard.sac_risk_location, safeguard.sac_source_of_risk, boolean);
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
    adult_primary_support_reason text DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id,
        provider_location_id, referrer_anonymous, referrer_name, referrer_phone, referrer_email,
        referrer_address, adult_nhs_number, adult_name, adult_date_of_birth, adult_date_of_death,
        adult_gender, risk_location, source_of_risk, immediate_risk, adult_ethnicity,
        adult_primary_support_reason)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22)
    RETURNING id
$$;
COMMENT ON FUNCTION safeguard.log_concern(timestamptz, safeguard.concern_channel, safeguard.concern_source, text, safeguard.sac_risk_type[], bigint, bigint, boolean, text, text, text, text, text, text, date, date, safeguard.sac_gender, safeguard.sac_risk_location, safeguard.sac_source_of_risk, boolean, text, text) IS
    'Logs a concern (contact centre, inspector, or an officer of its local authority), with the adult''s SAC ethnicity and primary support reason when known; returns its id. The concern joins an open case about the same adult or location, or opens one.';

CREATE FUNCTION safeguard.allocate_referral(referral_id bigint, officer regrole)
RETURNS regrole
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result regrole;
BEGIN
    UPDATE safeguard.referral r SET allocated_to = allocate_referral.officer
     WHERE r.id OPERATOR(pg_catalog.=) allocate_referral.referral_id
    RETURNING r.allocated_to INTO result;
    IF NOT FOUND THEN
        PERFORM safeguard.referral_not_found(allocate_referral.referral_id);
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION safeguard.allocate_referral(bigint, regrole) IS
    'Allocates a referral to a named officer or manager of its local authority (NULL: back to the unallocated caseload). The recipient authority''s officers and managers only, while the referral is with them (SG602).';

-- Managers allocate; that is the only column of a referral they may update.
GRANT UPDATE (allocated_to) ON safeguard.referral TO safeguard_sam;

--------------------------------------------------------------------------
-- What a reader may see: rows of the local authorities it reports on
-- (row-level security), and no identifying column (column privileges).
--------------------------------------------------------------------------
CREATE POLICY reader_scope ON safeguard.safeguarding_case FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));
CREATE POLICY reader_scope ON safeguard.concern FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));
CREATE POLICY reader_scope ON safeguard.triage FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));
CREATE POLICY reader_scope ON safeguard.referral FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));
-- A reader sees the deadlines of the authorities it reports on, and those on
-- their concerns and referrals (how the regulator's triage and sending went).
CREATE POLICY reader_scope ON safeguard.deadline FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(organisation_id)
        OR (subject_table OPERATOR(pg_catalog.=) 'concern' AND EXISTS (
                SELECT 1 FROM safeguard.concern x WHERE x.id OPERATOR(pg_catalog.=) subject_id))
        OR (subject_table OPERATOR(pg_catalog.=) 'referral' AND EXISTS (
                SELECT 1 FROM safeguard.referral r WHERE r.id OPERATOR(pg_catalog.=) subject_id)));
CREATE POLICY reader_scope ON safeguard.deadline_alert FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(organisation_id));
CREATE POLICY reader_scope ON safeguard.provider_enquiry FOR SELECT TO safeguard_reader
    USING (safeguard.may_report_on(la_id));

GRANT SELECT (id, la_id, provider_location_id, state, opened_at, closed_at, adult_pseudonym)
    ON safeguard.safeguarding_case TO safeguard_reader;
GRANT SELECT (id, received_at, channel, source, referrer_anonymous, referrer_identified,
              adult_identified_by, adult_age_band, adult_gender, adult_ethnicity,
              adult_primary_support_reason, provider_location_id, la_id, risk_types, risk_location,
              source_of_risk, immediate_risk, case_id, joined_open_case, logged_org_id, logged_at)
    ON safeguard.concern TO safeguard_reader;
GRANT SELECT (concern_id, decision, rationale_recorded, care_and_support_needs, abuse_or_neglect,
              unable_to_protect_self, la_id, case_id, decided_org_id, decided_duty, decided_team,
              decided_at)
    ON safeguard.triage TO safeguard_reader;
GRANT SELECT (id, concern_id, case_id, la_id, state, immediate_risk, created_at, sent_at,
              sent_method, la_contact, sent_org_id, sent_recorded_at, acknowledged_at, la_reference,
              la_decision, decision_rationale_recorded, decided_org_id, decided_at, action_result,
              risk_outcome, harm_from_delay, outcome_org_id, outcome_at, feedback_at, feedback_method,
              closed_org_id, closed_at, withdrawal_rationale_recorded, withdrawn_org_id, withdrawn_at,
              lacked_capacity, advocate_supported, msp_asked, msp_achieved, allocated_to, allocated_at)
    ON safeguard.referral TO safeguard_reader;
GRANT SELECT ON safeguard.deadline, safeguard.deadline_alert TO safeguard_reader;
GRANT SELECT (id, provider_id, la_id, stage, raised_by_regulator, proposed_org_id, proposed_at,
              risk_level, decided_org_id, decided_at, meeting_required, monitoring_started_at,
              qa_started_at, qa_outcome, qa_completed_at, sab_report_at, closed_org_id, closed_at)
    ON safeguard.provider_enquiry TO safeguard_reader;
GRANT SELECT (id, enquiry_id, meeting_id, funding_authority_id, action, decided_org_id, decided_at)
    ON safeguard.commissioning_decision TO safeguard_reader;
GRANT SELECT ON safeguard.open_deadlines, safeguard.send_queue TO safeguard_reader;
GRANT SELECT ON safeguard.send_queue TO safeguard_sam;

-- A referral sent to another authority than its concern's (a corrected
-- recipient) takes its concern and case along into the recipient's view:
-- whoever sees the referral sees what it is about.  Only for local authority
-- staff and readers: the regulator's staff see every concern already, and a
-- policy reading referral would add serialization conflicts to their work.
CREATE POLICY referred_scope ON safeguard.concern FOR SELECT
    TO safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer, safeguard_reader
    USING (EXISTS (SELECT 1 FROM safeguard.referral r
                   WHERE r.concern_id OPERATOR(pg_catalog.=) concern.id));
CREATE POLICY referred_scope ON safeguard.safeguarding_case FOR SELECT
    TO safeguard_la_officer, safeguard_sam, safeguard_enquiry_officer, safeguard_reader
    USING (EXISTS (SELECT 1 FROM safeguard.referral r
                   WHERE r.case_id OPERATOR(pg_catalog.=) safeguarding_case.id));

--------------------------------------------------------------------------
-- Report views.  Stable names (report_*), security_invoker: each caller
-- sees the figures of what it may see.  Identity never appears: adults by
-- pseudonym, dates of birth as SAC age bands.  Working days count as the
-- deadlines do: a < d <= b in the local authority's division.
--------------------------------------------------------------------------
CREATE FUNCTION safeguard.local_date(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (at AT TIME ZONE 'Europe/London')::date;
COMMENT ON FUNCTION safeguard.local_date(timestamptz) IS 'The date of an instant in Europe/London, where working days are counted.';

CREATE FUNCTION safeguard.working_days_since(since timestamptz, division text)
    RETURNS integer LANGUAGE sql STABLE PARALLEL RESTRICTED
    RETURN safeguard.working_days_between(safeguard.local_date(since),
                                          safeguard.local_date(safeguard.now()), division);
COMMENT ON FUNCTION safeguard.working_days_since(timestamptz, text) IS 'Working days from the local date of an instant to today (safeguard.now()), in a division: the age of waiting work.';

CREATE VIEW safeguard.report_indicator_events WITH (security_invoker = true) AS
WITH base AS (
    SELECT x.id AS concern_id, r.id AS referral_id, coalesce(r.la_id, x.la_id) AS la_id,
           coalesce(t.decided_team, 'No team recorded') AS team, x.source, x.received_at,
           t.decided_at AS triaged_at, r.sent_at, r.decided_at AS la_decided_at, r.outcome_at,
           CASE WHEN r.feedback_at IS NOT NULL OR r.state OPERATOR(pg_catalog.=) 'closed' THEN r.closed_at END AS closed_at
    FROM safeguard.concern x
    LEFT JOIN safeguard.triage t ON t.concern_id OPERATOR(pg_catalog.=) x.id
    LEFT JOIN safeguard.referral r ON r.concern_id OPERATOR(pg_catalog.=) x.id
)
SELECT b.concern_id, b.referral_id,
       pg_catalog.date_trunc('month', safeguard.local_date(b.received_at))::date AS month,
       b.la_id, o.name AS local_authority, b.team, b.source,
       s.stage, s.stage_order, s.reached_at,
       safeguard.working_days_between(safeguard.local_date(b.received_at),
                                      safeguard.local_date(s.reached_at), o.division) AS working_days,
       s.in_time
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
COMMENT ON VIEW safeguard.report_indicator_events IS 'One row per concern and stage reached (received, triage, referral_sent, la_decision, outcome, closure): working days from receipt, and whether the stage''s deadline was met under the policy in force then (NULL: no timescale). The base of report_indicators, for drill-down.';
COMMENT ON COLUMN safeguard.report_indicator_events.concern_id IS 'Concern number.';
COMMENT ON COLUMN safeguard.report_indicator_events.referral_id IS 'Referral number, for the referral stages.';
COMMENT ON COLUMN safeguard.report_indicator_events.month IS 'Month the concern was received (first day, Europe/London).';
COMMENT ON COLUMN safeguard.report_indicator_events.la_id IS 'Local authority (the referral''s recipient, else the concern''s).';
COMMENT ON COLUMN safeguard.report_indicator_events.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_indicator_events.team IS 'Team of the grant that triaged the concern (No team recorded when none).';
COMMENT ON COLUMN safeguard.report_indicator_events.source IS 'Who raised the concern.';
COMMENT ON COLUMN safeguard.report_indicator_events.stage IS 'received, triage, referral_sent, la_decision, outcome or closure (feedback given and closed).';
COMMENT ON COLUMN safeguard.report_indicator_events.stage_order IS 'Order of the stage, 0 to 5.';
COMMENT ON COLUMN safeguard.report_indicator_events.reached_at IS 'When the stage was reached.';
COMMENT ON COLUMN safeguard.report_indicator_events.working_days IS 'Working days from receipt to the stage (day of receipt is day 0).';
COMMENT ON COLUMN safeguard.report_indicator_events.in_time IS 'True when the stage''s deadline was met, false when breached, NULL when the stage has no timescale or it was cancelled.';

CREATE VIEW safeguard.report_indicators WITH (security_invoker = true) AS
SELECT e.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order,
       pg_catalog.count(*) AS measured,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.count(*) FILTER (WHERE NOT e.in_time) AS out_of_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct
FROM safeguard.report_indicator_events e
GROUP BY e.month, e.la_id, e.local_authority, e.team, e.source, e.stage, e.stage_order;
COMMENT ON VIEW safeguard.report_indicators IS 'Core indicators by month received, local authority, team and source: for each stage, how many reached it, the median working days from receipt, and how many were in and out of time against the policy in force then.';
COMMENT ON COLUMN safeguard.report_indicators.month IS 'Month the concerns were received.';
COMMENT ON COLUMN safeguard.report_indicators.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_indicators.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_indicators.team IS 'Team that triaged.';
COMMENT ON COLUMN safeguard.report_indicators.source IS 'Who raised the concerns.';
COMMENT ON COLUMN safeguard.report_indicators.stage IS 'Stage (see report_indicator_events).';
COMMENT ON COLUMN safeguard.report_indicators.stage_order IS 'Order of the stage.';
COMMENT ON COLUMN safeguard.report_indicators.measured IS 'Concerns that reached the stage.';
COMMENT ON COLUMN safeguard.report_indicators.median_working_days IS 'Median working days from receipt to the stage.';
COMMENT ON COLUMN safeguard.report_indicators.in_time IS 'Reached within the stage''s deadline.';
COMMENT ON COLUMN safeguard.report_indicators.out_of_time IS 'Reached after the stage''s deadline.';
COMMENT ON COLUMN safeguard.report_indicators.in_time_pct IS 'Percentage in time of those with a timescale (one decimal); NULL when none has one.';

CREATE VIEW safeguard.report_kpi WITH (security_invoker = true) AS
SELECT e.stage AS indicator,
       pg_catalog.count(*) AS measured,
       pg_catalog.count(*) FILTER (WHERE e.in_time) AS in_time,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE e.in_time)
           OPERATOR(pg_catalog./) NULLIF(pg_catalog.count(e.in_time), 0), 1) AS in_time_pct,
       pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY e.working_days::double precision)::numeric
           AS median_working_days
FROM safeguard.report_indicator_events e
WHERE e.month OPERATOR(pg_catalog.>=) (pg_catalog.date_trunc('month', safeguard.local_date(safeguard.now()))
                                       OPERATOR(pg_catalog.-) '11 months'::interval)::date
GROUP BY e.stage, e.stage_order
ORDER BY e.stage_order;
COMMENT ON VIEW safeguard.report_kpi IS 'The headline indicators over the last 12 months (this month and the 11 before, by month received), for the dashboard.';
COMMENT ON COLUMN safeguard.report_kpi.indicator IS 'Stage measured (see report_indicator_events).';
COMMENT ON COLUMN safeguard.report_kpi.measured IS 'Concerns that reached it.';
COMMENT ON COLUMN safeguard.report_kpi.in_time IS 'Reached within the deadline.';
COMMENT ON COLUMN safeguard.report_kpi.in_time_pct IS 'Percentage in time of those with a timescale.';
COMMENT ON COLUMN safeguard.report_kpi.median_working_days IS 'Median working days from receipt.';

CREATE VIEW safeguard.report_send_queue WITH (security_invoker = true) AS
SELECT q.referral_id, q.case_id, q.la_id, q.local_authority, c.adult_pseudonym, q.immediate_risk,
       q.created_at, q.age,
       safeguard.working_days_since(q.created_at, o.division) AS age_working_days,
       q.send_due_at, coalesce(q.overdue, false) AS overdue
FROM safeguard.send_queue q
JOIN safeguard.safeguarding_case c ON c.id OPERATOR(pg_catalog.=) q.case_id
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) q.la_id;
COMMENT ON VIEW safeguard.report_send_queue IS 'The contact centre''s send queue with its age, pseudonymised: what the regulator''s performance team watches.';
COMMENT ON COLUMN safeguard.report_send_queue.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.report_send_queue.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.report_send_queue.la_id IS 'Recipient local authority.';
COMMENT ON COLUMN safeguard.report_send_queue.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_send_queue.adult_pseudonym IS 'Pseudonym of the adult (NULL when unknown).';
COMMENT ON COLUMN safeguard.report_send_queue.immediate_risk IS 'Adult at immediate risk: 4 clock hours to send.';
COMMENT ON COLUMN safeguard.report_send_queue.created_at IS 'When the refer_to_la decision was made.';
COMMENT ON COLUMN safeguard.report_send_queue.age IS 'How long it has waited.';
COMMENT ON COLUMN safeguard.report_send_queue.age_working_days IS 'Working days it has waited.';
COMMENT ON COLUMN safeguard.report_send_queue.send_due_at IS 'When it is due to be sent.';
COMMENT ON COLUMN safeguard.report_send_queue.overdue IS 'True once overdue.';

CREATE VIEW safeguard.report_la_outcomes_outstanding WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.case_id, r.la_id, o.name AS local_authority, c.adult_pseudonym,
       r.state, r.sent_at, safeguard.working_days_since(r.sent_at, o.division) AS age_working_days,
       od.due_at AS outcome_due_at, coalesce(od.overdue, false) AS outcome_overdue,
       ed.due_at AS escalation_due_at, coalesce(ed.overdue, false) AS escalation_overdue,
       al.chases, al.last_alert_at,
       CASE WHEN coalesce(ed.overdue, false) OR al.escalations OPERATOR(pg_catalog.>) 0 THEN 'escalated'
            WHEN coalesce(od.overdue, false) OR al.chases OPERATOR(pg_catalog.>) 0 THEN 'chase'
            ELSE 'awaiting' END AS chase_state,
       r.la_contact AS named_contact, r.la_reference,
       o.senior_contact_name, o.senior_contact_email
FROM safeguard.referral r
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
JOIN safeguard.safeguarding_case c ON c.id OPERATOR(pg_catalog.=) r.case_id
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
COMMENT ON VIEW safeguard.report_la_outcomes_outstanding IS 'The chase list the regulator lacked: every referral sent and still awaiting the local authority''s outcome, with its age, deadlines, chases, escalation state and the named contacts.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.case_id IS 'Case number.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.adult_pseudonym IS 'Pseudonym of the adult.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.state IS 'sent, acknowledged or decided.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.sent_at IS 'When it was sent.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.age_working_days IS 'Working days since it was sent.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.outcome_due_at IS 'When the outcome is due.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.outcome_overdue IS 'True once the outcome is overdue: chase.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.escalation_due_at IS 'When it escalates to the named senior contact.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.escalation_overdue IS 'True once that is overdue.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.chases IS 'Breach alerts fired (chases sent by the sweep).';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.last_alert_at IS 'When the last alert fired.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.chase_state IS 'awaiting (in time), chase (outcome overdue or chased), escalated (escalation due or fired).';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.named_contact IS 'The local authority contact it was sent to.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.la_reference IS 'The local authority''s reference.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.senior_contact_name IS 'Named senior contact to escalate to.';
COMMENT ON COLUMN safeguard.report_la_outcomes_outstanding.senior_contact_email IS 'Their e-mail.';

CREATE VIEW safeguard.report_unallocated WITH (security_invoker = true) AS
SELECT r.la_id, o.name AS local_authority,
       pg_catalog.count(*) AS with_la,
       pg_catalog.count(*) FILTER (WHERE r.allocated_to IS NOT NULL) AS allocated,
       pg_catalog.count(*) FILTER (WHERE r.allocated_to IS NULL) AS unallocated,
       pg_catalog.max(safeguard.working_days_since(r.sent_at, o.division))
           FILTER (WHERE r.allocated_to IS NULL) AS oldest_unallocated_working_days,
       (pg_catalog.percentile_cont(0.5) WITHIN GROUP (
           ORDER BY safeguard.working_days_since(r.sent_at, o.division)::double precision)
           FILTER (WHERE r.allocated_to IS NULL))::numeric AS median_unallocated_working_days,
       pg_catalog.count(*) FILTER (WHERE r.allocated_to IS NULL
           AND safeguard.working_days_since(r.sent_at, o.division) OPERATOR(pg_catalog.>) 20)
           AS unallocated_over_20_working_days
FROM safeguard.referral r
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
WHERE r.state OPERATOR(pg_catalog.=) ANY ('{sent,acknowledged,decided,outcome_recorded}'::safeguard.referral_state[])
GROUP BY r.la_id, o.name;
COMMENT ON VIEW safeguard.report_unallocated IS 'The "virtual worker" caseload by local authority: referrals with the authority (sent, not yet closed) and how many await allocation to a named worker, with their age in working days since sending.';
COMMENT ON COLUMN safeguard.report_unallocated.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_unallocated.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_unallocated.with_la IS 'Referrals with the authority (sent, acknowledged, decided or outcome recorded).';
COMMENT ON COLUMN safeguard.report_unallocated.allocated IS 'Of those, allocated to a named worker.';
COMMENT ON COLUMN safeguard.report_unallocated.unallocated IS 'Of those, unallocated: the virtual worker''s caseload.';
COMMENT ON COLUMN safeguard.report_unallocated.oldest_unallocated_working_days IS 'Age of the oldest unallocated referral, in working days since it was sent.';
COMMENT ON COLUMN safeguard.report_unallocated.median_unallocated_working_days IS 'Median age of the unallocated referrals.';
COMMENT ON COLUMN safeguard.report_unallocated.unallocated_over_20_working_days IS 'Unallocated referrals older than 20 working days.';

CREATE VIEW safeguard.report_feedback WITH (security_invoker = true) AS
SELECT r.id AS referral_id, r.la_id, o.name AS local_authority, x.source, x.referrer_anonymous,
       r.outcome_at,
       coalesce(od.due_at, d.due_at_close) AS feedback_due_at,
       r.feedback_at, r.feedback_method,
       CASE WHEN r.feedback_at IS NOT NULL THEN
                 CASE WHEN d.status OPERATOR(pg_catalog.=) 'breached' THEN 'done_late' ELSE 'done' END
            WHEN r.state OPERATOR(pg_catalog.=) 'closed' THEN 'waived'
            WHEN coalesce(od.overdue, false) THEN 'overdue'
            ELSE 'due' END AS status
FROM safeguard.referral r
JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) r.la_id
LEFT JOIN LATERAL (
    SELECT dd.status, dd.due_at_close FROM safeguard.deadline dd
    WHERE dd.subject_table OPERATOR(pg_catalog.=) 'referral' AND dd.subject_id OPERATOR(pg_catalog.=) r.id
      AND dd.kind OPERATOR(pg_catalog.=) 'feedback'
    ORDER BY dd.id DESC LIMIT 1) d ON true
LEFT JOIN safeguard.open_deadlines od ON od.subject_table OPERATOR(pg_catalog.=) 'referral'
      AND od.subject_id OPERATOR(pg_catalog.=) r.id AND od.kind OPERATOR(pg_catalog.=) 'feedback'
WHERE r.outcome_at IS NOT NULL;
COMMENT ON VIEW safeguard.report_feedback IS 'Feedback to the person who raised the concern, for every referral with an outcome: due, overdue, done (in time), done_late, or waived (e.g. an anonymous referrer).';
COMMENT ON COLUMN safeguard.report_feedback.referral_id IS 'Referral number.';
COMMENT ON COLUMN safeguard.report_feedback.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_feedback.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_feedback.source IS 'Who raised the concern.';
COMMENT ON COLUMN safeguard.report_feedback.referrer_anonymous IS 'True for an anonymous referrer.';
COMMENT ON COLUMN safeguard.report_feedback.outcome_at IS 'When the outcome was recorded (feedback is counted from it).';
COMMENT ON COLUMN safeguard.report_feedback.feedback_due_at IS 'When feedback is (or was) due.';
COMMENT ON COLUMN safeguard.report_feedback.feedback_at IS 'When feedback was given.';
COMMENT ON COLUMN safeguard.report_feedback.feedback_method IS 'How.';
COMMENT ON COLUMN safeguard.report_feedback.status IS 'due, overdue, done, done_late or waived.';

CREATE VIEW safeguard.report_repeat_concerns WITH (security_invoker = true) AS
WITH c AS (
    SELECT x.id AS concern_id, x.la_id, x.received_at, x.provider_location_id, k.adult_pseudonym
    FROM safeguard.concern x
    JOIN safeguard.safeguarding_case k ON k.id OPERATOR(pg_catalog.=) x.case_id
), by_subject AS (
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
SELECT s.repeat_of, s.concern_id, s.la_id, o.name AS local_authority, s.adult_pseudonym,
       s.provider_location_id, l.name AS provider_location, s.received_at,
       s.previous_concern_id, s.previous_received_at,
       safeguard.local_date(s.received_at) OPERATOR(pg_catalog.-) safeguard.local_date(s.previous_received_at)
           AS days_since_previous,
       s.concerns_in_12_months
FROM by_subject s
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) s.la_id
LEFT JOIN safeguard.organisation l ON l.id OPERATOR(pg_catalog.=) s.provider_location_id
WHERE s.previous_received_at OPERATOR(pg_catalog.>=) (s.received_at OPERATOR(pg_catalog.-) '12 months'::interval);
COMMENT ON VIEW safeguard.report_repeat_concerns IS 'Repeat concerns: each concern received within 12 months of an earlier one about the same adult (by pseudonym) or the same provider location, across cases, open or closed.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.repeat_of IS 'adult or provider_location: what the concerns share.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.concern_id IS 'The repeat concern.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.la_id IS 'Its local authority.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.adult_pseudonym IS 'Pseudonym of the adult (repeat_of adult).';
COMMENT ON COLUMN safeguard.report_repeat_concerns.provider_location_id IS 'The provider location (repeat_of provider_location).';
COMMENT ON COLUMN safeguard.report_repeat_concerns.provider_location IS 'Its name.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.received_at IS 'When the repeat concern was received.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.previous_concern_id IS 'The concern before it about the same subject.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.previous_received_at IS 'When that was received.';
COMMENT ON COLUMN safeguard.report_repeat_concerns.days_since_previous IS 'Calendar days between the two (local dates).';
COMMENT ON COLUMN safeguard.report_repeat_concerns.concerns_in_12_months IS 'Concerns about the subject in the 12 months up to and including this one.';

CREATE VIEW safeguard.report_provider_enquiries WITH (security_invoker = true) AS
SELECT e.id AS enquiry_id, e.provider_id, p.name AS provider, e.la_id, l.name AS local_authority,
       e.stage, e.risk_level, e.proposed_at, e.decided_at,
       nd.kind AS next_deadline, nd.due_at AS next_due_at, coalesce(nd.overdue, false) AS next_overdue,
       coalesce(pl.suspended, 0) AS funders_suspending,
       coalesce(pl.caution, 0) AS funders_placing_with_caution,
       CASE WHEN pl.suspended OPERATOR(pg_catalog.>) 0 THEN 'suspended'
            WHEN pl.caution OPERATOR(pg_catalog.>) 0 THEN 'place_with_caution'
            ELSE 'none' END AS suspension_status
FROM safeguard.provider_enquiry e
JOIN safeguard.organisation p ON p.id OPERATOR(pg_catalog.=) e.provider_id
JOIN safeguard.organisation l ON l.id OPERATOR(pg_catalog.=) e.la_id
LEFT JOIN LATERAL (
    SELECT d.kind, d.due_at, d.overdue FROM safeguard.open_deadlines d
    WHERE d.subject_table OPERATOR(pg_catalog.=) 'provider_enquiry' AND d.subject_id OPERATOR(pg_catalog.=) e.id
    ORDER BY d.due_at NULLS LAST, d.id LIMIT 1) nd ON true
LEFT JOIN LATERAL (
    SELECT pg_catalog.count(*) FILTER (WHERE c.action OPERATOR(pg_catalog.=) 'suspend_new_placements')::integer AS suspended,
           pg_catalog.count(*) FILTER (WHERE c.action OPERATOR(pg_catalog.=) 'place_with_caution')::integer AS caution
    FROM (SELECT DISTINCT ON (cd.funding_authority_id) cd.action
            FROM safeguard.commissioning_decision cd
           WHERE cd.enquiry_id OPERATOR(pg_catalog.=) e.id
           ORDER BY cd.funding_authority_id, cd.decided_at DESC, cd.id DESC) c) pl ON true
WHERE e.stage OPERATOR(pg_catalog.<>) ALL ('{closed,not_invoked}'::safeguard.enquiry_stage[]);
COMMENT ON VIEW safeguard.report_provider_enquiries IS 'Large-scale provider enquiries in progress: stage, risk level, the next deadline, and the placement position (each funding authority''s latest decision).';
COMMENT ON COLUMN safeguard.report_provider_enquiries.enquiry_id IS 'Enquiry number.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.provider_id IS 'Provider.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.provider IS 'Its name.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.la_id IS 'Leading local authority.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.stage IS 'Stage of the enquiry.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.risk_level IS 'Risk matrix level (major, moderate, minor).';
COMMENT ON COLUMN safeguard.report_provider_enquiries.proposed_at IS 'When proposed.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.decided_at IS 'When invoked.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.next_deadline IS 'Kind of the next open deadline.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.next_due_at IS 'When it is due.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.next_overdue IS 'True once it is overdue.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.funders_suspending IS 'Funding authorities whose latest decision suspends new placements.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.funders_placing_with_caution IS 'Funding authorities whose latest decision is to place with caution.';
COMMENT ON COLUMN safeguard.report_provider_enquiries.suspension_status IS 'suspended (any funder suspends), place_with_caution, or none.';

CREATE VIEW safeguard.report_data_quality WITH (security_invoker = true) AS
WITH checks AS (
    SELECT x.la_id, q.check_name, q.must_be_zero, q.failing
    FROM safeguard.concern x
    CROSS JOIN LATERAL (VALUES
        ('concern: risk location missing', false, x.risk_location IS NULL),
        ('concern: source of risk missing', false, x.source_of_risk IS NULL),
        ('concern: gender not known', false, x.adult_gender OPERATOR(pg_catalog.=) 'Not Known'),
        ('concern: age not known', false, x.adult_age_band OPERATOR(pg_catalog.=) 'Not Known'),
        ('concern: ethnicity missing', false, x.adult_ethnicity IS NULL),
        ('concern: primary support reason missing', false, x.adult_primary_support_reason IS NULL),
        ('concern: adult not identified by NHS number', false,
            x.adult_identified_by OPERATOR(pg_catalog.<>) 'nhs_number'),
        ('concern: invalid NHS number', true, x.adult_identified_by OPERATOR(pg_catalog.=) 'invalid_nhs_number'),
        ('concern: referrer neither identified nor anonymous', true,
            NOT x.referrer_anonymous AND NOT x.referrer_identified)
    ) AS q(check_name, must_be_zero, failing)
    UNION ALL
    SELECT t.la_id, 'triage: decision without rationale', true, NOT t.rationale_recorded
    FROM safeguard.triage t
    UNION ALL
    SELECT r.la_id, q.check_name, q.must_be_zero, q.failing
    FROM safeguard.referral r
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
SELECT c.la_id, o.name AS local_authority, c.check_name, c.must_be_zero,
       pg_catalog.count(*) AS records_checked,
       pg_catalog.count(*) FILTER (WHERE c.failing) AS failing,
       pg_catalog.round(100.0 OPERATOR(pg_catalog.*) pg_catalog.count(*) FILTER (WHERE c.failing)
           OPERATOR(pg_catalog./) pg_catalog.count(*), 1) AS failing_pct
FROM checks c
JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) c.la_id
GROUP BY c.la_id, o.name, c.check_name, c.must_be_zero;
COMMENT ON VIEW safeguard.report_data_quality IS 'Data quality by local authority: records missing what the statutory return and casework need, and checks that must be zero because the guards make them impossible (the view proves it on live rows).';
COMMENT ON COLUMN safeguard.report_data_quality.la_id IS 'Local authority.';
COMMENT ON COLUMN safeguard.report_data_quality.local_authority IS 'Its name.';
COMMENT ON COLUMN safeguard.report_data_quality.check_name IS 'What is checked: record kind, then the problem.';
COMMENT ON COLUMN safeguard.report_data_quality.must_be_zero IS 'True for a check the rules make impossible; a non-zero failing count would be a defect.';
COMMENT ON COLUMN safeguard.report_data_quality.records_checked IS 'Records the check applies to.';
COMMENT ON COLUMN safeguard.report_data_quality.failing IS 'Records failing it.';
COMMENT ON COLUMN safeguard.report_data_quality.failing_pct IS 'Percentage failing (one decimal).';

--------------------------------------------------------------------------
-- The Safeguarding Adults Collection return.
--------------------------------------------------------------------------
CREATE FUNCTION safeguard.sac_return(year integer, disclosure_control boolean DEFAULT false,
                                     la_id bigint DEFAULT NULL)
RETURNS TABLE ("TABLE_REFERENCE" text, "ENQUIRY_TYPE" text, "CATEGORY" text, "SUBCATEGORY" text,
               "COLUMN_NAME" text, "ROW_NAME" text, "VALUE" bigint)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
WITH period AS (SELECT safeguard.sac_year(sac_return.year) AS p),
-- SG1 concerns: reached the authority in the year, logged by its own staff
-- (received) or referred to it by the regulator (sent).
concerns AS (
    SELECT x.adult_age_band, x.adult_gender::text AS gender,
           coalesce(x.adult_ethnicity, 'Not Known') AS ethnicity,
           coalesce(x.adult_primary_support_reason, 'Not Known') AS support_reason
    FROM safeguard.concern x
    LEFT JOIN safeguard.referral r ON r.concern_id OPERATOR(pg_catalog.=) x.id
    CROSS JOIN period
    WHERE safeguard.may_report_on(coalesce(r.la_id, x.la_id))
      AND (sac_return.la_id IS NULL OR coalesce(r.la_id, x.la_id) OPERATOR(pg_catalog.=) sac_return.la_id)
      AND CASE WHEN x.logged_org_id OPERATOR(pg_catalog.=) x.la_id
               THEN safeguard.local_date(x.received_at) OPERATOR(pg_catalog.<@) period.p
               ELSE r.sent_at IS NOT NULL AND safeguard.local_date(r.sent_at) OPERATOR(pg_catalog.<@) period.p END
),
-- Enquiries with the concern's answers: commenced (decided) or concluded
-- (outcome recorded) in the year.
enquiries AS (
    SELECT CASE r.la_decision WHEN 'section_42_enquiry' THEN 'Section 42' ELSE 'Other Enquiry' END AS enquiry_type,
           safeguard.local_date(r.decided_at) OPERATOR(pg_catalog.<@) period.p AS commenced,
           r.outcome_at IS NOT NULL AND safeguard.local_date(r.outcome_at) OPERATOR(pg_catalog.<@) period.p AS concluded,
           x.adult_age_band, x.adult_gender::text AS gender,
           coalesce(x.adult_ethnicity, 'Not Known') AS ethnicity,
           coalesce(x.adult_primary_support_reason, 'Not Known') AS support_reason,
           x.risk_types, coalesce(x.risk_location::text, 'Not Known') AS risk_location,
           coalesce(x.source_of_risk::text, 'Not Known') AS source_of_risk,
           r.action_result::text AS action_result, r.risk_outcome::text AS risk_outcome,
           coalesce(r.lacked_capacity::text, 'Not recorded') AS capacity,
           r.lacked_capacity, r.advocate_supported,
           coalesce(r.msp_asked::text, 'Not recorded') AS msp_asked, r.msp_achieved::text AS msp_achieved
    FROM safeguard.referral r
    JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) r.concern_id
    CROSS JOIN period
    WHERE r.la_decision OPERATOR(pg_catalog.=) ANY ('{section_42_enquiry,other_enquiry}'::safeguard.la_decision[])
      AND safeguard.may_report_on(r.la_id)
      AND (sac_return.la_id IS NULL OR r.la_id OPERATOR(pg_catalog.=) sac_return.la_id)
),
facts AS (
    SELECT 'SG1'::text AS t, 'Concerns'::text AS e, d.category, ''::text AS subcategory, d.value, 'Concerns raised'::text AS row_name
    FROM concerns c CROSS JOIN LATERAL (VALUES ('Total', 'Total'), ('Age Band', c.adult_age_band),
        ('Gender', c.gender), ('Ethnicity', c.ethnicity), ('Primary Support Reason', c.support_reason)) d(category, value)
    UNION ALL
    SELECT 'SG1', n.enquiry_type, d.category, '', d.value, 'Enquiries commenced'
    FROM enquiries n CROSS JOIN LATERAL (VALUES ('Total', 'Total'), ('Age Band', n.adult_age_band),
        ('Gender', n.gender), ('Ethnicity', n.ethnicity), ('Primary Support Reason', n.support_reason)) d(category, value)
    WHERE n.commenced
    UNION ALL
    SELECT 'SG2', n.enquiry_type, d.category, '', d.value, 'Enquiries concluded'
    FROM enquiries n CROSS JOIN LATERAL (VALUES ('Total', 'Total'), ('Location of Risk', n.risk_location),
        ('Source of Risk', n.source_of_risk), ('Action and Result', n.action_result)) d(category, value)
    WHERE n.concluded
    UNION ALL
    SELECT 'SG2', n.enquiry_type, 'Type of Risk', '', rt::text, 'Enquiries concluded'
    FROM enquiries n CROSS JOIN LATERAL pg_catalog.unnest(n.risk_types) rt
    WHERE n.concluded
    UNION ALL
    SELECT 'SG2', n.enquiry_type, 'Risk Outcome', '', n.risk_outcome, 'Enquiries concluded where risk was identified or inconclusive and action taken'
    FROM enquiries n
    WHERE n.concluded AND n.action_result OPERATOR(pg_catalog.=) ANY
        ('{Risk identified and action taken,Risk Assessment inconclusive and action taken}'::text[])
    UNION ALL
    SELECT 'SG3', n.enquiry_type, 'Lacking Capacity', '', n.capacity, 'Enquiries concluded'
    FROM enquiries n WHERE n.concluded
    UNION ALL
    SELECT 'SG3', n.enquiry_type, 'Lacking Capacity', 'Supported by advocate, family or friend',
           CASE n.advocate_supported WHEN true THEN 'Yes' WHEN false THEN 'No' ELSE 'Not recorded' END,
           'Enquiries concluded where the adult lacked capacity'
    FROM enquiries n WHERE n.concluded AND n.lacked_capacity OPERATOR(pg_catalog.=) 'Yes, they lacked capacity'
    UNION ALL
    SELECT 'SG4', n.enquiry_type, 'Making Safeguarding Personal', 'Asked', n.msp_asked, 'Enquiries concluded'
    FROM enquiries n WHERE n.concluded
    UNION ALL
    SELECT 'SG4', n.enquiry_type, 'Making Safeguarding Personal', 'Outcomes achieved', n.msp_achieved,
           'Enquiries concluded where outcomes were expressed'
    FROM enquiries n WHERE n.concluded AND n.msp_asked OPERATOR(pg_catalog.=) 'Yes, they were asked and outcomes were expressed'
),
-- Every published cell, counted or not, so the table has a fixed shape.
shape AS (
    SELECT 'SG1'::text AS t, e.e, c.category, ''::text AS subcategory, c.value, e.row_name
    FROM (VALUES ('Concerns', 'Concerns raised'), ('Section 42', 'Enquiries commenced'),
                 ('Other Enquiry', 'Enquiries commenced')) e(e, row_name)
    CROSS JOIN (SELECT 'Total', 'Total'
                UNION ALL SELECT 'Age Band', b FROM pg_catalog.unnest('{18-64,65-74,75-84,85-94,95+,Not Known}'::text[]) b
                UNION ALL SELECT 'Gender', g::text FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_gender)) g
               ) c(category, value)
    UNION ALL
    SELECT 'SG2', e.e, c.category, '', c.value, 'Enquiries concluded'
    FROM (VALUES ('Section 42'), ('Other Enquiry')) e(e)
    CROSS JOIN (SELECT 'Total', 'Total'
                UNION ALL SELECT 'Type of Risk', v::text FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_type)) v
                UNION ALL SELECT 'Location of Risk', v::text FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_location)) v
                UNION ALL SELECT 'Location of Risk', 'Not Known'
                UNION ALL SELECT 'Source of Risk', v::text FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_source_of_risk)) v
                UNION ALL SELECT 'Source of Risk', 'Not Known'
                UNION ALL SELECT 'Action and Result', v::text FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_action_result)) v
               ) c(category, value)
    UNION ALL
    SELECT 'SG2', e.e, 'Risk Outcome', '', v::text, 'Enquiries concluded where risk was identified or inconclusive and action taken'
    FROM (VALUES ('Section 42'), ('Other Enquiry')) e(e)
    CROSS JOIN pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_risk_outcome)) v
    UNION ALL
    SELECT 'SG3', e.e, 'Lacking Capacity', '', v, 'Enquiries concluded'
    FROM (VALUES ('Section 42'), ('Other Enquiry')) e(e)
    CROSS JOIN (SELECT v::text FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_capacity)) v
                UNION ALL SELECT 'Not recorded') c(v)
    UNION ALL
    SELECT 'SG3', e.e, 'Lacking Capacity', 'Supported by advocate, family or friend', v,
           'Enquiries concluded where the adult lacked capacity'
    FROM (VALUES ('Section 42'), ('Other Enquiry')) e(e)
    CROSS JOIN pg_catalog.unnest('{Yes,No,Not recorded}'::text[]) v
    UNION ALL
    SELECT 'SG4', e.e, 'Making Safeguarding Personal', 'Asked', v, 'Enquiries concluded'
    FROM (VALUES ('Section 42'), ('Other Enquiry')) e(e)
    CROSS JOIN (SELECT v::text FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_msp_asked)) v
                UNION ALL SELECT 'Not recorded') c(v)
    UNION ALL
    SELECT 'SG4', e.e, 'Making Safeguarding Personal', 'Outcomes achieved', v::text,
           'Enquiries concluded where outcomes were expressed'
    FROM (VALUES ('Section 42'), ('Other Enquiry')) e(e)
    CROSS JOIN pg_catalog.unnest(pg_catalog.enum_range(NULL::safeguard.sac_msp_achieved)) v
),
cells AS (
    SELECT s.t, s.e, s.category, s.subcategory, s.value, s.row_name FROM shape s
    UNION
    SELECT f.t, f.e, f.category, f.subcategory, f.value, f.row_name FROM facts f
),
counted AS (
    SELECT f.t, f.e, f.category, f.subcategory, f.value, f.row_name, pg_catalog.count(*) AS n
    FROM facts f GROUP BY f.t, f.e, f.category, f.subcategory, f.value, f.row_name
)
SELECT c.t, c.e, c.category, c.subcategory, c.value, c.row_name,
       CASE WHEN sac_return.disclosure_control THEN safeguard.sac_disclose(coalesce(n.n, 0))
            ELSE coalesce(n.n, 0) END
FROM cells c
LEFT JOIN counted n ON n.t OPERATOR(pg_catalog.=) c.t AND n.e OPERATOR(pg_catalog.=) c.e
     AND n.category OPERATOR(pg_catalog.=) c.category AND n.subcategory OPERATOR(pg_catalog.=) c.subcategory
     AND n.value OPERATOR(pg_catalog.=) c.value AND n.row_name OPERATOR(pg_catalog.=) c.row_name
ORDER BY c.t, c.e, c.row_name, c.category, c.subcategory, c.value
$$;
COMMENT ON FUNCTION safeguard.sac_return(integer, boolean, bigint) IS
    'The Safeguarding Adults Collection return for the year starting 1 April of year, as the published long table, over what the caller may see (optionally one local authority). SG1 counts concerns that reached the authority in the year and enquiries commenced; SG2-SG4 count enquiries concluded. disclosure_control: values under 5 become NULL (suppressed), the rest are rounded to the nearest 5. SG601 for a year outside 2000-2100.';

--------------------------------------------------------------------------
-- Who may read the reports: performance teams (pseudonymised), and the
-- casework duties for what they oversee.
--------------------------------------------------------------------------
REVOKE ALL ON safeguard.report_indicator_events, safeguard.report_indicators, safeguard.report_kpi,
    safeguard.report_send_queue, safeguard.report_la_outcomes_outstanding, safeguard.report_unallocated,
    safeguard.report_feedback, safeguard.report_repeat_concerns, safeguard.report_provider_enquiries,
    safeguard.report_data_quality FROM PUBLIC;
GRANT SELECT ON safeguard.report_indicator_events, safeguard.report_indicators, safeguard.report_kpi,
    safeguard.report_send_queue, safeguard.report_la_outcomes_outstanding, safeguard.report_unallocated,
    safeguard.report_feedback, safeguard.report_repeat_concerns, safeguard.report_provider_enquiries,
    safeguard.report_data_quality
    TO safeguard_reader, safeguard_admin, safeguard_contact_centre, safeguard_inspector,
       safeguard_la_officer, safeguard_sam;
REVOKE ALL ON FUNCTION safeguard.sac_return(integer, boolean, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION safeguard.sac_return(integer, boolean, bigint)
    TO safeguard_reader, safeguard_admin, safeguard_contact_centre, safeguard_inspector,
       safeguard_la_officer, safeguard_sam;
