/*
 * la_enquiry_fsm.c
 *		A local authority's own safeguarding enquiry as data: its states and
 *		its one transition table.
 *
 * Owns which enquiry transitions exist, who may make each, and which columns
 * each supplies, requires and stamps.  Backend-free; la_enquiry.c applies
 * it to rows.  Every permit acts for the enquiry's own local authority:
 *	- decided -> allocated: a SAM names the officer (the way out of the
 *	  "virtual worker" caseload);
 *	- allocated -> in_progress and in_progress -> concluded: the allocated
 *	  officer, or a SAM (la_enquiry.c refuses any other officer);
 *	- concluded -> closed: a SAM only, the manager's sign-off, with the
 *	  feedback to the referrer and to the adult (or why none).
 * An enquiry is created in decided by a concern decision, never by a client.
 */
#include "la_enquiry_fsm.h"

#include <stddef.h>

static const char *const state_names[SG_NLAESTATES] = {
	"decided", "allocated", "in_progress", "concluded", "closed"
};

#define SAM_ONLY 1, {{SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA}}
#define OFFICER_OR_SAM 2, {{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA}}

static const SgTransition transitions[] = {
	{SG_LAE_DECIDED, SG_LAE_ALLOCATED, SAM_ONLY,
		{"allocated_to", NULL},
		{"allocated_to", NULL},
		{"allocated_by", "allocated_at", NULL}},
	{SG_LAE_ALLOCATED, SG_LAE_IN_PROGRESS, OFFICER_OR_SAM,
		{"msp_asked", "msp_outcomes_wanted", "msp_not_asked_reason", "lacked_capacity",
		"advocate_arranged", "advocate_not_arranged_reason", NULL},
		{NULL},
		{"started_by", "started_org_id", "started_at", NULL}},
	{SG_LAE_IN_PROGRESS, SG_LAE_CONCLUDED, OFFICER_OR_SAM,
		{"action_result", "risk_types", "risk_location", "source_of_risk", "risk_outcome",
		"msp_achieved", "sar_considered", NULL},
		{"action_result", "risk_types", "risk_location", "source_of_risk", NULL},
		{"concluded_by", "concluded_org_id", "concluded_at", NULL}},
	{SG_LAE_CONCLUDED, SG_LAE_CLOSED, SAM_ONLY,
		{"feedback_at", "feedback_method", "feedback_not_given_reason", "adult_feedback_at",
		"adult_feedback_not_given_reason", NULL},
		{NULL},
		{"closed_by", "closed_org_id", "closed_at", NULL}},
};

const SgMachine sg_la_enquiry_machine = {
	"council enquiry", SG_NLAESTATES, state_names,
	sizeof(transitions) / sizeof(transitions[0]), transitions
};

/* Returns the text name of an enquiry state. */
const char *
sg_la_enquiry_state_name(SgLaEnquiryState s)
{
	return sg_fsm_state_name(&sg_la_enquiry_machine, s);
}

/* Parses an enquiry state; returns false when unknown. */
bool
sg_la_enquiry_state_parse(const char *name, SgLaEnquiryState *s)
{
	int			i;

	if (!sg_fsm_state_parse(&sg_la_enquiry_machine, name, &i))
		return false;
	*s = (SgLaEnquiryState) i;
	return true;
}

/* Returns true when no transition leaves the state. */
bool
sg_la_enquiry_state_is_final(SgLaEnquiryState s)
{
	int			next[SG_NLAESTATES];

	return sg_fsm_next_states(&sg_la_enquiry_machine, s, next) == 0;
}
