/*
 * scope_columns.c
 *		The classification of every column of safeguard's tables under
 *		row-level security: which columns a scoped role's predicate may use
 *		to steer how the table is read, and which it may not.
 *
 * Why it exists.  A role that sees only its own authority's rows (a
 * "scoped" role: see scope_guard.c) must learn nothing about the rows it
 * cannot see.  PostgreSQL lets a leakproof user predicate (texteq, int8eq)
 * choose the index that drives a scan, and run before the row-level
 * security policy: then the time a query takes grows with the number of
 * invisible rows matching the predicate.  scope_guard.c stops that for
 * predicates on the guarded columns listed here.
 *
 * The classes, and why each is or is not guarded:
 *	- open: the row's own surrogate id and references to other casework
 *	  rows by id, states, kinds, flags, workflow instants and amounts.  A
 *	  predicate on them may still drive an index scan.  What that can tell
 *	  about invisible rows: that an id exists (the identity sequences give
 *	  that away: every role that creates a row sees how far they have gone),
 *	  how many rows nationally refer to an id, are in a state, or fall in a
 *	  time window: national volumes, not who, and not which authority.
 *	  Equality on a primary key (id = const) therefore stays fast.
 *	- person: identifies or describes a person: the adult (NHS number,
 *	  name, dates of birth and death, the adult key and pseudonym, and the
 *	  quasi-identifiers gender, ethnicity, age band, primary support
 *	  reason), the referrer, named contacts, and staff (every regrole
 *	  column: who logged, decided, sent, approved ...).
 *	- free_text: typed text (descriptions, rationales, reasons, findings,
 *	  references, notes): it can hold a name or an NHS number.
 *	- organisation: names an organisation (la_id, provider and location
 *	  ids, *_org_id, the division and team derived from it): a predicate
 *	  on it counts another organisation's rows.
 *	- own_organisation, own_la, own_provider: an organisation column whose
 *	  table's policy shows the rows of the caller's own organisation (an
 *	  arm "col = current_organisation()", may_see_la(col) for an
 *	  authority's staff, acts_for_provider(col) for a provider's staff).
 *	  Guarded like organisation, except that exactly
 *	  "col = safeguard.current_organisation()" may still drive an index
 *	  scan when the caller is one the policy shows those rows to: it selects
 *	  only rows the caller may see anyway (safeguard.my_deadlines).
 *	- unlisted: a column this table does not name (one added later) is
 *	  guarded until it is classified; pgTAP 16 fails until it is.
 *
 * Guarded columns cost only speed, and only for scoped roles: no index on
 * them drives their scans, and the planner estimates them without the values
 * their statistics hold.  Every column of every table is listed, so that a review
 * reads one table.
 */
#include "scope_columns.h"

#include <string.h>

#define O SG_COL_OPEN
#define P SG_COL_PERSON
#define T SG_COL_FREE_TEXT
#define G SG_COL_ORGANISATION
#define OWN SG_COL_OWN_ORGANISATION
#define LA SG_COL_OWN_LA
#define PROV SG_COL_OWN_PROVIDER

/* Every column of every table under row-level security, table by table. */
const SgScopeColumn sg_scope_classification[] = {
	/* concern: the adult and the referrer are named here */
	{"concern", "id", O},
	{"concern", "received_at", O},	/* national volume per time window only */
	{"concern", "channel", O},
	{"concern", "source", O},
	{"concern", "referrer_anonymous", O},
	{"concern", "referrer_name", P},
	{"concern", "referrer_phone", P},
	{"concern", "referrer_email", P},
	{"concern", "referrer_address", P},
	{"concern", "adult_nhs_number", P},
	{"concern", "adult_name", P},
	{"concern", "adult_date_of_birth", P},
	{"concern", "adult_date_of_death", P},
	{"concern", "adult_gender", P},	/* quasi-identifiers: with an authority */
	{"concern", "adult_ethnicity", P},	/* and a date they single a person out */
	{"concern", "adult_primary_support_reason", P},
	{"concern", "provider_location_id", G},
	{"concern", "la_id", LA},
	{"concern", "risk_types", O},
	{"concern", "risk_location", O},
	{"concern", "source_of_risk", O},
	{"concern", "immediate_risk", O},
	{"concern", "description", T},
	{"concern", "case_id", O},
	{"concern", "referral_id", O},	/* the referral it arrived by: an id, like case_id */
	{"concern", "joined_open_case", O},
	{"concern", "logged_by", P},
	{"concern", "logged_org_id", G},
	{"concern", "logged_at", O},
	{"concern", "adult_age_band", P},
	{"concern", "adult_identified_by", O},	/* how: nhs_number, name_and_dob, ... */
	{"concern", "referrer_identified", O},
	{"concern", "adult_autism", P},	/* a diagnosis, like the support reason */

	/* safeguarding_case: adult_key is the NHS number (or name and birth date) */
	{"safeguarding_case", "id", O},
	{"safeguarding_case", "la_id", LA},
	{"safeguarding_case", "adult_key", P},
	{"safeguarding_case", "provider_location_id", G},
	{"safeguarding_case", "state", O},
	{"safeguarding_case", "opened_at", O},
	{"safeguarding_case", "closed_at", O},
	{"safeguarding_case", "adult_pseudonym", P},	/* stable per adult: links rows */

	/* triage */
	{"triage", "concern_id", O},
	{"triage", "decision", O},
	{"triage", "rationale", T},
	{"triage", "care_and_support_needs", O},
	{"triage", "abuse_or_neglect", O},
	{"triage", "unable_to_protect_self", O},
	{"triage", "la_id", LA},
	{"triage", "case_id", O},
	{"triage", "decided_by", P},
	{"triage", "decided_org_id", G},
	{"triage", "decided_duty", O},
	{"triage", "decided_at", O},
	{"triage", "decided_team", G},	/* a team of the deciding organisation */
	{"triage", "rationale_recorded", O},

	/* concern_decision: a council's decision on its own concern (issue 16) */
	{"concern_decision", "concern_id", O},
	{"concern_decision", "decision", O},
	{"concern_decision", "rationale", T},
	{"concern_decision", "care_and_support_needs", O},
	{"concern_decision", "abuse_or_neglect", O},
	{"concern_decision", "unable_to_protect_self", O},
	{"concern_decision", "alternative_action", O},
	{"concern_decision", "la_id", G},
	{"concern_decision", "case_id", O},
	{"concern_decision", "decided_by", P},
	{"concern_decision", "decided_org_id", G},
	{"concern_decision", "decided_duty", O},
	{"concern_decision", "decided_at", O},
	{"concern_decision", "decided_team", G},

	/* la_enquiry: a council's own enquiry (issue 16) */
	{"la_enquiry", "id", O},
	{"la_enquiry", "concern_id", O},
	{"la_enquiry", "case_id", O},
	{"la_enquiry", "la_id", G},
	{"la_enquiry", "kind", O},
	{"la_enquiry", "state", O},
	{"la_enquiry", "decided_at", O},
	{"la_enquiry", "decided_by", P},
	{"la_enquiry", "adult_date_of_death", P},
	{"la_enquiry", "allocated_to", P},
	{"la_enquiry", "allocated_by", P},
	{"la_enquiry", "allocated_at", O},
	{"la_enquiry", "msp_asked", O},
	{"la_enquiry", "msp_outcomes_wanted", T},
	{"la_enquiry", "msp_not_asked_reason", T},
	{"la_enquiry", "lacked_capacity", O},
	{"la_enquiry", "advocate_arranged", O},
	{"la_enquiry", "advocate_not_arranged_reason", T},
	{"la_enquiry", "started_by", P},
	{"la_enquiry", "started_org_id", G},
	{"la_enquiry", "started_at", O},
	{"la_enquiry", "action_result", O},
	{"la_enquiry", "risk_types", O},
	{"la_enquiry", "risk_location", O},
	{"la_enquiry", "source_of_risk", O},
	{"la_enquiry", "risk_outcome", O},
	{"la_enquiry", "msp_achieved", O},
	{"la_enquiry", "sar_considered", O},
	{"la_enquiry", "concluded_by", P},
	{"la_enquiry", "concluded_org_id", G},
	{"la_enquiry", "concluded_at", O},
	{"la_enquiry", "feedback_at", O},
	{"la_enquiry", "feedback_method", O},
	{"la_enquiry", "feedback_not_given_reason", T},
	{"la_enquiry", "adult_feedback_at", O},
	{"la_enquiry", "adult_feedback_not_given_reason", T},
	{"la_enquiry", "closed_by", P},
	{"la_enquiry", "closed_org_id", G},
	{"la_enquiry", "closed_at", O},
	{"la_enquiry", "retrospective", O},

	/* la_enquiry_strategy: a council enquiry's strategy discussions (issue 16) */
	{"la_enquiry_strategy", "id", O},
	{"la_enquiry_strategy", "enquiry_id", O},
	{"la_enquiry_strategy", "kind", O},
	{"la_enquiry_strategy", "held_at", O},
	{"la_enquiry_strategy", "attendees", T},
	{"la_enquiry_strategy", "decisions", T},
	{"la_enquiry_strategy", "la_id", G},
	{"la_enquiry_strategy", "case_id", O},
	{"la_enquiry_strategy", "recorded_by", P},
	{"la_enquiry_strategy", "recorded_org_id", G},
	{"la_enquiry_strategy", "recorded_at", O},

	/* la_enquiry_plan, la_enquiry_plan_review: a council enquiry's plan (issue 16) */
	{"la_enquiry_plan", "id", O},
	{"la_enquiry_plan", "enquiry_id", O},
	{"la_enquiry_plan", "made_at", O},
	{"la_enquiry_plan", "summary", T},
	{"la_enquiry_plan", "la_id", G},
	{"la_enquiry_plan", "case_id", O},
	{"la_enquiry_plan", "recorded_by", P},
	{"la_enquiry_plan", "recorded_org_id", G},
	{"la_enquiry_plan", "recorded_at", O},

	{"la_enquiry_plan_review", "id", O},
	{"la_enquiry_plan_review", "plan_id", O},
	{"la_enquiry_plan_review", "reviewed_at", O},
	{"la_enquiry_plan_review", "outcome", T},
	{"la_enquiry_plan_review", "plan_ended", O},
	{"la_enquiry_plan_review", "enquiry_id", O},
	{"la_enquiry_plan_review", "la_id", G},
	{"la_enquiry_plan_review", "case_id", O},
	{"la_enquiry_plan_review", "recorded_by", P},
	{"la_enquiry_plan_review", "recorded_org_id", G},
	{"la_enquiry_plan_review", "recorded_at", O},

	/* caused_enquiry: an enquiry a council causes another organisation to make (s42(2)) */
	{"caused_enquiry", "id", O},
	{"caused_enquiry", "enquiry_id", O},
	{"caused_enquiry", "organisation_id", G},
	{"caused_enquiry", "question", T},
	{"caused_enquiry", "state", O},
	{"caused_enquiry", "la_id", G},
	{"caused_enquiry", "case_id", O},
	{"caused_enquiry", "adult_name", P},
	{"caused_enquiry", "adult_date_of_birth", P},
	{"caused_enquiry", "adult_nhs_number", P},
	{"caused_enquiry", "requested_by", P},
	{"caused_enquiry", "requested_org_id", G},
	{"caused_enquiry", "requested_at", O},
	{"caused_enquiry", "report_due_at", O},
	{"caused_enquiry", "report", T},
	{"caused_enquiry", "report_received_at", O},
	{"caused_enquiry", "report_method", O},
	{"caused_enquiry", "report_recorded_by", P},
	{"caused_enquiry", "report_recorded_org_id", G},
	{"caused_enquiry", "report_recorded_at", O},
	{"caused_enquiry", "returned_reason", T},
	{"caused_enquiry", "withdrawn_reason", T},
	{"caused_enquiry", "decided_by", P},
	{"caused_enquiry", "decided_org_id", G},
	{"caused_enquiry", "decided_at", O},

	/* referral */
	{"referral", "id", O},
	{"referral", "concern_id", O},
	{"referral", "case_id", O},
	{"referral", "la_id", LA},
	{"referral", "state", O},
	{"referral", "immediate_risk", O},
	{"referral", "created_at", O},
	{"referral", "created_by", P},
	{"referral", "sent_at", O},
	{"referral", "sent_method", O},
	{"referral", "la_contact", P},	/* a named person at the authority */
	{"referral", "sent_by", P},
	{"referral", "sent_org_id", G},
	{"referral", "sent_recorded_at", O},
	{"referral", "acknowledged_at", O},
	{"referral", "la_reference", T},	/* the authority's own case reference */
	{"referral", "acknowledged_by", P},
	{"referral", "acknowledged_org_id", G},
	{"referral", "la_decision", O},
	{"referral", "la_decision_rationale", T},
	{"referral", "decided_by", P},
	{"referral", "decided_org_id", G},
	{"referral", "decided_at", O},
	{"referral", "action_result", O},
	{"referral", "risk_outcome", O},
	{"referral", "harm_from_delay", O},
	{"referral", "outcome_by", P},
	{"referral", "outcome_org_id", G},
	{"referral", "outcome_at", O},
	{"referral", "feedback_at", O},
	{"referral", "feedback_method", O},
	{"referral", "feedback_waived_reason", T},
	{"referral", "closed_by", P},
	{"referral", "closed_org_id", G},
	{"referral", "closed_at", O},
	{"referral", "withdrawal_rationale", T},
	{"referral", "withdrawn_by", P},
	{"referral", "withdrawn_org_id", G},
	{"referral", "withdrawn_at", O},
	{"referral", "lacked_capacity", O},
	{"referral", "advocate_supported", O},
	{"referral", "msp_asked", O},
	{"referral", "msp_achieved", O},
	{"referral", "allocated_to", P},
	{"referral", "allocated_by", P},
	{"referral", "allocated_at", O},
	{"referral", "decision_rationale_recorded", O},
	{"referral", "withdrawal_rationale_recorded", O},

	/* deadline: the policy shows "organisation_id = current_organisation()" */
	{"deadline", "id", O},
	{"deadline", "kind", O},
	{"deadline", "subject_table", O},
	{"deadline", "subject_id", O},
	{"deadline", "case_id", O},
	{"deadline", "organisation_id", OWN},
	{"deadline", "policy_id", O},
	{"deadline", "anchor_at", O},
	{"deadline", "division", G},	/* the organisation's nation */
	{"deadline", "amount", O},
	{"deadline", "status", O},
	{"deadline", "closed_at", O},
	{"deadline", "due_at_close", O},
	{"deadline", "paused_at", O},
	{"deadline", "extended_by", O},
	{"deadline", "extension_reason", T},
	{"deadline", "extension_approver", P},

	/* deadline_alert */
	{"deadline_alert", "deadline_id", O},
	{"deadline_alert", "rung", O},
	{"deadline_alert", "case_id", O},
	{"deadline_alert", "organisation_id", OWN},
	{"deadline_alert", "kind", O},
	{"deadline_alert", "subject_table", O},
	{"deadline_alert", "subject_id", O},
	{"deadline_alert", "due_at", O},
	{"deadline_alert", "fire_at", O},
	{"deadline_alert", "fired_at", O},
	{"deadline_alert", "contact_name", P},	/* the organisation's senior contact */
	{"deadline_alert", "contact_email", P},

	/*
	 * The sweep's schedule and health (issue 19): nobody but safeguard reads
	 * them (no privilege, no policy); classified all the same.
	 */
	{"deadline_schedule", "deadline_id", O},
	{"deadline_schedule", "anchor_at", O},
	{"deadline_schedule", "next_fire_at", O},
	{"deadline_schedule", "uncomputable", O},
	{"sweep_state", "only_row", O},
	{"sweep_state", "sweeps", O},
	{"sweep_state", "rungs_fired", O},
	{"sweep_state", "last_started_at", O},
	{"sweep_state", "last_finished_at", O},
	{"sweep_state", "last_rungs_fired", O},
	{"sweep_state", "last_rungs_left", O},
	{"sweep_state", "last_error_at", O},
	{"sweep_state", "last_error_sqlstate", O},
	{"sweep_state", "last_error", T},	/* an error message can quote a value */

	/* deadline_pause */
	{"deadline_pause", "id", O},
	{"deadline_pause", "deadline_id", O},
	{"deadline_pause", "organisation_id", OWN},
	{"deadline_pause", "case_id", O},
	{"deadline_pause", "paused_at", O},
	{"deadline_pause", "paused_by", P},
	{"deadline_pause", "reason", T},
	{"deadline_pause", "resumed_at", O},
	{"deadline_pause", "resumed_by", P},
	{"deadline_pause", "remaining", O},	/* an amount, as text */

	/* duty_grant: who works where (read by administrators and auditors) */
	{"duty_grant", "id", O},
	{"duty_grant", "role", P},
	{"duty_grant", "duty", O},
	{"duty_grant", "organisation_id", G},	/* the policy is the oversight duties', not an own-organisation arm */
	{"duty_grant", "granted_at", O},
	{"duty_grant", "granted_by", P},
	{"duty_grant", "revoked_at", O},
	{"duty_grant", "revoked_by", P},
	{"duty_grant", "team", G},

	/* audit_event: every change, with its values (read by administrators and auditors) */
	{"audit_event", "id", O},
	{"audit_event", "recorded_at", O},
	{"audit_event", "business_time", O},
	{"audit_event", "txid", O},
	{"audit_event", "login_role", P},
	{"audit_event", "acting_role", P},
	{"audit_event", "organisation_id", G},
	{"audit_event", "duty", O},
	{"audit_event", "table_name", O},
	{"audit_event", "row_key", O},	/* a row's id: what the journeys look up */
	{"audit_event", "case_id", O},
	{"audit_event", "action", O},
	{"audit_event", "from_state", O},
	{"audit_event", "to_state", O},
	{"audit_event", "changes", T},	/* every value a change wrote */
	{"audit_event", "application_name", T},
	{"audit_event", "client_addr", P},
	{"audit_event", "chain_key", O},
	{"audit_event", "chain_seq", O},
	{"audit_event", "prev_hash", O},
	{"audit_event", "row_hash", O},

	/* outbox: notifications, with the named contact in the payload (read by administrators and integrations) */
	{"outbox", "id", O},
	{"outbox", "channel", O},
	{"outbox", "payload", T},
	{"outbox", "created_at", O},
	{"outbox", "delivered_at", O},
	{"outbox", "delivered_by", P},
	{"outbox", "organisation_id", OWN},	/* may_consume_outbox shows a consumer its own organisation's rows */

	/* deadline_extension_approval */
	{"deadline_extension_approval", "id", O},
	{"deadline_extension_approval", "deadline_id", O},
	{"deadline_extension_approval", "organisation_id", OWN},
	{"deadline_extension_approval", "case_id", O},
	{"deadline_extension_approval", "approver", P},
	{"deadline_extension_approval", "approver_duty", O},
	{"deadline_extension_approval", "amount", O},
	{"deadline_extension_approval", "reason", T},
	{"deadline_extension_approval", "approved_at", O},
	{"deadline_extension_approval", "used_at", O},

	/* provider_enquiry: the provider is named, its lead authority shows it */
	{"provider_enquiry", "id", O},
	{"provider_enquiry", "provider_id", G},	/* the policy does not show own provider */
	{"provider_enquiry", "la_id", LA},
	{"provider_enquiry", "stage", O},
	{"provider_enquiry", "raised_by_regulator", O},
	{"provider_enquiry", "proposed_by", P},
	{"provider_enquiry", "proposed_org_id", G},
	{"provider_enquiry", "proposed_at", O},
	{"provider_enquiry", "risk_level", O},
	{"provider_enquiry", "risk_actions", T},
	{"provider_enquiry", "decision_rationale", T},
	{"provider_enquiry", "override_rationale", T},
	{"provider_enquiry", "alternative_action", T},
	{"provider_enquiry", "decided_by", P},
	{"provider_enquiry", "decided_org_id", G},
	{"provider_enquiry", "decided_at", O},
	{"provider_enquiry", "cqc_advised_at", O},
	{"provider_enquiry", "cqc_advised_method", O},
	{"provider_enquiry", "provider_informed_at", O},
	{"provider_enquiry", "provider_informed_method", O},
	{"provider_enquiry", "meeting_required", O},
	{"provider_enquiry", "monitoring_started_at", O},
	{"provider_enquiry", "qa_strategy", T},
	{"provider_enquiry", "qa_started_at", O},
	{"provider_enquiry", "qa_outcome", O},
	{"provider_enquiry", "qa_completed_at", O},
	{"provider_enquiry", "lessons_learnt", T},
	{"provider_enquiry", "sab_report_at", O},
	{"provider_enquiry", "sab_report_reference", T},
	{"provider_enquiry", "closed_by", P},
	{"provider_enquiry", "closed_org_id", G},
	{"provider_enquiry", "closed_at", O},

	/* the enquiry's records: visible with their enquiry */
	{"enquiry_location", "enquiry_id", O},
	{"enquiry_location", "location_id", G},
	{"enquiry_location", "added_by", P},
	{"enquiry_location", "added_at", O},

	{"enquiry_criterion", "enquiry_id", O},
	{"enquiry_criterion", "criterion", O},
	{"enquiry_criterion", "met", O},
	{"enquiry_criterion", "evidence", T},
	{"enquiry_criterion", "recorded_by", P},
	{"enquiry_criterion", "recorded_at", O},

	{"enquiry_appointment", "id", O},
	{"enquiry_appointment", "enquiry_id", O},
	{"enquiry_appointment", "role", P},
	{"enquiry_appointment", "duty", O},
	{"enquiry_appointment", "appointed_by", P},
	{"enquiry_appointment", "appointed_at", O},

	{"enquiry_meeting", "id", O},
	{"enquiry_meeting", "enquiry_id", O},
	{"enquiry_meeting", "kind", O},
	{"enquiry_meeting", "held_at", O},
	{"enquiry_meeting", "agenda_covered", T},
	{"enquiry_meeting", "decisions", T},
	{"enquiry_meeting", "fact_finding_working_days", O},
	{"enquiry_meeting", "recorded_by", P},
	{"enquiry_meeting", "recorded_org_id", G},
	{"enquiry_meeting", "recorded_at", O},

	/* meeting_attendee: visible with its meeting, not by organisation */
	{"meeting_attendee", "meeting_id", O},
	{"meeting_attendee", "organisation_id", G},
	{"meeting_attendee", "role_title", P},
	{"meeting_attendee", "attendee_name", P},

	{"enquiry_finding", "id", O},
	{"enquiry_finding", "enquiry_id", O},
	{"enquiry_finding", "concern_id", O},
	{"enquiry_finding", "finding", T},
	{"enquiry_finding", "recorded_by", P},
	{"enquiry_finding", "recorded_at", O},

	{"qa_activity", "id", O},
	{"qa_activity", "enquiry_id", O},
	{"qa_activity", "activity", T},
	{"qa_activity", "carried_out_at", O},
	{"qa_activity", "recorded_by", P},
	{"qa_activity", "recorded_at", O},

	{"enquiry_notification", "id", O},
	{"enquiry_notification", "enquiry_id", O},
	{"enquiry_notification", "recipient", O},
	{"enquiry_notification", "sent_on", O},
	{"enquiry_notification", "method", O},
	{"enquiry_notification", "reference", T},
	{"enquiry_notification", "recorded_by", P},
	{"enquiry_notification", "recorded_at", O},

	/* commissioning_decision: the policy shows the funder its own decisions */
	{"commissioning_decision", "id", O},
	{"commissioning_decision", "enquiry_id", O},
	{"commissioning_decision", "meeting_id", O},
	{"commissioning_decision", "funding_authority_id", OWN},
	{"commissioning_decision", "action", O},
	{"commissioning_decision", "rationale", T},
	{"commissioning_decision", "decided_by", P},
	{"commissioning_decision", "decided_org_id", G},
	{"commissioning_decision", "decided_at", O},

	/* improvement_plan, plan_item: the provider's own, and the lead authority's */
	{"improvement_plan", "id", O},
	{"improvement_plan", "enquiry_id", O},
	{"improvement_plan", "provider_id", PROV},
	{"improvement_plan", "la_id", LA},
	{"improvement_plan", "summary", T},
	{"improvement_plan", "issued_by", P},
	{"improvement_plan", "issued_org_id", G},
	{"improvement_plan", "issued_at", O},
	{"improvement_plan", "provider_response", T},
	{"improvement_plan", "responded_by", P},
	{"improvement_plan", "responded_org_id", G},
	{"improvement_plan", "responded_at", O},

	{"plan_item", "id", O},
	{"plan_item", "plan_id", O},
	{"plan_item", "provider_id", PROV},
	{"plan_item", "la_id", LA},
	{"plan_item", "description", T},
	{"plan_item", "owner", P},	/* a named person or post */
	{"plan_item", "due_date", O},
	{"plan_item", "status", O},
	{"plan_item", "progress_note", T},
	{"plan_item", "serious_delay", O},
	{"plan_item", "referral_id", O},
	{"plan_item", "updated_by", P},
	{"plan_item", "updated_at", O},
	/* assurance (issue 17): each organisation sees its own; staff are persons */
	{"audit_tool", "id", O},
	{"audit_tool", "organisation_id", OWN},
	{"audit_tool", "name", T},
	{"audit_tool", "version", O},
	{"audit_tool", "created_by", P},
	{"audit_tool", "created_at", O},

	{"audit_question", "tool_id", O},
	{"audit_question", "position", O},
	{"audit_question", "question", T},
	{"audit_question", "guidance", T},

	{"audit_programme", "id", O},
	{"audit_programme", "organisation_id", OWN},
	{"audit_programme", "name", T},
	{"audit_programme", "record_kind", O},
	{"audit_programme", "tool_id", O},
	{"audit_programme", "per_auditor_per_month", O},
	{"audit_programme", "per_team_per_month", O},
	{"audit_programme", "sample_from", O},
	{"audit_programme", "sample_to", O},
	{"audit_programme", "auditors", P},
	{"audit_programme", "created_by", P},
	{"audit_programme", "created_at", O},

	{"audit_selection", "id", O},
	{"audit_selection", "programme_id", O},
	{"audit_selection", "organisation_id", OWN},
	{"audit_selection", "month", O},
	{"audit_selection", "seed", O},
	{"audit_selection", "candidates", O},	/* ids of records */
	{"audit_selection", "auditors", P},
	{"audit_selection", "conflict_records", O},
	{"audit_selection", "conflict_auditors", P},
	{"audit_selection", "selected_by", P},
	{"audit_selection", "selected_at", O},
	{"audit_selection", "candidate_teams", G},	/* teams: derived from the organisation */
	/* tracking_pack, tracking_pack_case: the case-tracking pack's recorded draw */
	{"tracking_pack", "id", O},
	{"tracking_pack", "la_id", G},
	{"tracking_pack", "period_from", O},
	{"tracking_pack", "period_to", O},
	{"tracking_pack", "seed", O},
	{"tracking_pack", "candidates", O},	/* ids of enquiries */
	{"tracking_pack", "candidate_strata", P},	/* groups: autism, learning disability, age ... */
	{"tracking_pack", "drawn_by", P},
	{"tracking_pack", "drawn_duty", O},
	{"tracking_pack", "drawn_at", O},
	{"tracking_pack_case", "id", O},
	{"tracking_pack_case", "pack_id", O},
	{"tracking_pack_case", "position", O},
	{"tracking_pack_case", "enquiry_id", O},
	{"tracking_pack_case", "la_id", G},
	{"tracking_pack_case", "stratum", P},	/* a group the adult belongs to */
	{"tracking_pack_case", "reserve", O},

	{"case_file_audit", "id", O},
	{"case_file_audit", "selection_id", O},
	{"case_file_audit", "programme_id", O},
	{"case_file_audit", "organisation_id", OWN},
	{"case_file_audit", "record_kind", O},
	{"case_file_audit", "record_id", O},
	{"case_file_audit", "drawn_for", P},
	{"case_file_audit", "auditor", P},
	{"case_file_audit", "practitioner", P},
	{"case_file_audit", "practitioner_team", G},
	{"case_file_audit", "draw_position", O},
	{"case_file_audit", "state", O},
	{"case_file_audit", "summary", T},
	{"case_file_audit", "completed_at", O},
	{"case_file_audit", "practitioner_comment", T},
	{"case_file_audit", "acknowledged_at", O},

	{"audit_answer", "audit_id", O},
	{"audit_answer", "position", O},
	{"audit_answer", "grade", O},
	{"audit_answer", "note", T},
	{"audit_answer", "recorded_at", O},

	{"audit_action", "id", O},
	{"audit_action", "audit_id", O},
	{"audit_action", "organisation_id", OWN},
	{"audit_action", "description", T},
	{"audit_action", "owner", P},
	{"audit_action", "working_days", O},
	{"audit_action", "status", O},
	{"audit_action", "created_by", P},
	{"audit_action", "created_at", O},
	{"audit_action", "done_note", T},
	{"audit_action", "done_by", P},
	{"audit_action", "done_at", O},

	{"sar_referral", "id", O},
	{"sar_referral", "la_id", OWN},
	{"sar_referral", "case_id", O},
	{"sar_referral", "referral_id", O},
	{"sar_referral", "adult_died", P},	/* with an authority and a date it singles a person out */
	{"sar_referral", "serious_abuse_or_neglect", O},
	{"sar_referral", "agencies_concern", O},
	{"sar_referral", "discretionary", O},
	{"sar_referral", "criteria_note", T},
	{"sar_referral", "state", O},
	{"sar_referral", "referred_by", P},
	{"sar_referral", "referred_org_id", G},
	{"sar_referral", "referred_at", O},
	{"sar_referral", "decision_rationale", T},
	{"sar_referral", "reviewer", P},
	{"sar_referral", "methodology", T},
	{"sar_referral", "decided_by", P},
	{"sar_referral", "decided_org_id", G},
	{"sar_referral", "decided_at", O},
	{"sar_referral", "findings_summary", T},
	{"sar_referral", "completed_by", P},
	{"sar_referral", "completed_org_id", G},
	{"sar_referral", "completed_at", O},

	{"sar_person", "sar_id", O},
	{"sar_person", "person_no", O},
	{"sar_person", "case_id", O},
	{"sar_person", "died", P},
	{"sar_person", "serious_harm", O},
	{"sar_person", "recorded_by", P},
	{"sar_person", "recorded_at", O},

	{"sar_action", "id", O},
	{"sar_action", "sar_id", O},
	{"sar_action", "agency_id", G},
	{"sar_action", "description", T},
	{"sar_action", "due_date", O},
	{"sar_action", "recorded_by", P},
	{"sar_action", "recorded_at", O},
};

#undef O
#undef P
#undef T
#undef G
#undef OWN
#undef LA
#undef PROV

const int	sg_scope_ncolumns = sizeof(sg_scope_classification) / sizeof(sg_scope_classification[0]);

static const char *const class_names[SG_NCOLCLASSES] = {
	[SG_COL_OPEN] = "open",
	[SG_COL_PERSON] = "person",
	[SG_COL_FREE_TEXT] = "free_text",
	[SG_COL_ORGANISATION] = "organisation",
	[SG_COL_OWN_ORGANISATION] = "own_organisation",
	[SG_COL_OWN_LA] = "own_local_authority",
	[SG_COL_OWN_PROVIDER] = "own_provider",
	[SG_COL_UNLISTED] = "unlisted",
};

/* Returns true when the table has entries in the classification. */
bool
sg_scope_table_listed(const char *table)
{
	for (int i = 0; i < sg_scope_ncolumns; i++)
		if (strcmp(sg_scope_classification[i].table, table) == 0)
			return true;
	return false;
}

/* Returns a column's class; SG_COL_UNLISTED when the table lists no such column. */
SgColumnClass
sg_scope_column_class(const char *table, const char *column)
{
	for (int i = 0; i < sg_scope_ncolumns; i++)
		if (strcmp(sg_scope_classification[i].table, table) == 0 &&
			strcmp(sg_scope_classification[i].column, column) == 0)
			return sg_scope_classification[i].cls;
	return SG_COL_UNLISTED;
}

/* Returns true for every class but open: such predicates never steer a scoped scan. */
bool
sg_scope_class_guarded(SgColumnClass cls)
{
	return cls != SG_COL_OPEN;
}

/* Returns the class's name, as safeguard.scope_columns() shows it. */
const char *
sg_scope_class_name(SgColumnClass cls)
{
	if ((int) cls < 0 || cls >= SG_NCOLCLASSES)
		return "?";
	return class_names[cls];
}
