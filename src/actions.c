/*
 * actions.c
 *		Pure: the workflow actions that are not state transitions (logging and
 *		triaging or deciding on a concern, allocating a referral or an
 *		enquiry, the records of a provider
 *		enquiry) and the permits of each.  State transitions carry their
 *		permits in their machines (referral_fsm.c, enquiry_fsm.c).
 *
 * One table, so the guard that enforces an action and the duty check that
 * the SQL functions run first (safeguard.require_duty) cannot disagree.
 * Backend-free: test/unit checks it.
 */
#include "actions.h"

#include <string.h>

#define REG(d) {(d), SG_ACT_FOR_REGULATOR}
#define LA(d) {(d), SG_ACT_FOR_RECIPIENT_LA}
#define ANY(d) {(d), SG_ACT_FOR_ANY}

/* the DSAM is an administrator of the leading authority itself */
#define SAM_OR_DSAM 2, {LA(SG_DUTY_SAM), LA(SG_DUTY_ADMIN)}
#define LA_STAFF 3, {LA(SG_DUTY_LA_OFFICER), LA(SG_DUTY_SAM), LA(SG_DUTY_ADMIN)}

static const SgAction actions[] = {
	{"log_concern", "log a concern", 3,
	{REG(SG_DUTY_CONTACT_CENTRE), REG(SG_DUTY_INSPECTOR), LA(SG_DUTY_LA_OFFICER)}},
	/* no_referral; the regulator's decisions are regulator_decision */
	{"triage_concern", "triage a concern", 3,
	{REG(SG_DUTY_INSPECTOR), REG(SG_DUTY_CONTACT_CENTRE), LA(SG_DUTY_LA_OFFICER)}},
	{"regulator_decision", "decide on a concern for the regulator", 2,
	{REG(SG_DUTY_INSPECTOR), REG(SG_DUTY_CONTACT_CENTRE)}},
	{"allocate_referral", "allocate a referral", 2,
	{LA(SG_DUTY_LA_OFFICER), LA(SG_DUTY_SAM)}},
	/* the council pathway (la_enquiry.c): the authority's own concerns and enquiries */
	{"decide_concern", "decide on a local authority's own concern", 2,
	{LA(SG_DUTY_LA_OFFICER), LA(SG_DUTY_SAM)}},
	{"allocate_enquiry", "allocate an enquiry", 1, {LA(SG_DUTY_SAM)}},
	{"record_strategy_discussion", "record an enquiry's strategy discussion", 2,
	{LA(SG_DUTY_LA_OFFICER), LA(SG_DUTY_SAM)}},
	{"make_safeguarding_plan", "make an enquiry's safeguarding plan", 2,
	{LA(SG_DUTY_LA_OFFICER), LA(SG_DUTY_SAM)}},
	{"review_safeguarding_plan", "review a safeguarding plan", 2,
	{LA(SG_DUTY_LA_OFFICER), LA(SG_DUTY_SAM)}},
	/* s42(2): its moves are caused_enquiry:<state> (caused_enquiry_fsm.c) */
	{"cause_enquiry", "cause another organisation to make an enquiry", 2,
	{LA(SG_DUTY_LA_OFFICER), LA(SG_DUTY_SAM)}},
	{"correct_referral", "correct a referral's local authority contact or reference", 2,
	{REG(SG_DUTY_CONTACT_CENTRE), LA(SG_DUTY_LA_OFFICER)}},
	{"propose_provider_enquiry", "propose a provider enquiry", LA_STAFF},
	{"add_enquiry_location", "add a location to a provider enquiry", LA_STAFF},
	{"record_threshold", "answer the threshold tool", LA_STAFF},
	{"correct_provider_enquiry", "correct a provider enquiry's contacts", SAM_OR_DSAM},
	{"appoint_to_enquiry", "appoint to a provider enquiry", SAM_OR_DSAM},
	{"record_enquiry_meeting", "record an enquiry meeting", SAM_OR_DSAM},
	{"add_meeting_attendee", "record who attended a meeting", SAM_OR_DSAM},
	/* for the funding authority: a local authority or an ICB */
	{"record_commissioning_decision", "record a commissioning decision", 1,
	{LA(SG_DUTY_COMMISSIONER)}},
	{"record_finding", "record fact finding", 1, {LA(SG_DUTY_ENQUIRY_OFFICER)}},
	{"issue_improvement_plan", "issue an improvement plan", SAM_OR_DSAM},
	{"add_plan_item", "add an item to an improvement plan", SAM_OR_DSAM},
	{"update_plan_item", "record progress on a plan item", 3,
	{LA(SG_DUTY_SAM), LA(SG_DUTY_ENQUIRY_OFFICER), LA(SG_DUTY_ADMIN)}},
	{"provider_progress", "record progress on a plan item (the provider's own)", 1,
	{LA(SG_DUTY_PROVIDER)}},
	{"respond_to_plan", "respond to an improvement plan (the provider's own)", 1,
	{LA(SG_DUTY_PROVIDER)}},
	{"record_qa_activity", "record a quality assurance activity", 3,
	{LA(SG_DUTY_SAM), LA(SG_DUTY_ENQUIRY_OFFICER), LA(SG_DUTY_ADMIN)}},
	{"record_enquiry_notification", "record a closure notification", SAM_OR_DSAM},
	/* assurance (case_file_audit.c, sar.c): on the programme's or review's organisation */
	{"define_audit_tool", "define a case-file audit tool", SAM_OR_DSAM},
	{"define_audit_programme", "define a case-file audit programme", SAM_OR_DSAM},
	{"select_audit_sample", "select a case-file audit sample", SAM_OR_DSAM},
	{"reassign_case_file_audit", "reassign a case-file audit", SAM_OR_DSAM},
	{"audit_case_file", "grade and complete a case-file audit (its assigned auditor)", 4,
	{LA(SG_DUTY_LA_OFFICER), LA(SG_DUTY_SAM), LA(SG_DUTY_ADMIN), LA(SG_DUTY_INSPECTOR)}},
	{"refer_for_sar", "refer a case for a Safeguarding Adults Review", LA_STAFF},
	{"record_sar", "record a Safeguarding Adults Review's people and action plan", SAM_OR_DSAM},
	/* the case-tracking pack (tracking_pack.c): on the pack's authority */
	{"draw_tracking_pack", "draw a case-tracking pack", SAM_OR_DSAM},
	{"read_tracking_pack", "read a case-tracking pack", LA_STAFF},
	/* which organisation's rows: the outbox's row-level security (outbox_access.c) */
	{"consume_outbox", "consume the outbox", 2,
	{ANY(SG_DUTY_ADMIN), ANY(SG_DUTY_INTEGRATION)}},
};

/* Returns the action of that name, or NULL. */
const SgAction *
sg_action_find(const char *name)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

/*
 * Returns true when duties (an SG_DUTY_BIT mask) held for an organisation
 * of kind org_kind include one a permit names, judging only what can be
 * judged without the record: the duty, and for permits that act for the
 * regulator, the organisation's kind.
 */
bool
sg_permits_duty_held(const SgPermit *permits, int npermits, uint32_t duties,
					 SgOrgKind org_kind)
{
	for (int i = 0; i < npermits; i++)
	{
		if (!(duties & SG_DUTY_BIT(permits[i].duty)))
			continue;
		if (permits[i].org == SG_ACT_FOR_REGULATOR && org_kind != SG_ORG_REGULATOR)
			continue;
		return true;
	}
	return false;
}
