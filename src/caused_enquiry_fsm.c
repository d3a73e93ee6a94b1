/*
 * caused_enquiry_fsm.c
 *		An enquiry a local authority causes another organisation to make
 *		(Care Act s42(2)) as data: its states and its one transition table.
 *
 * Owns which transitions exist, who may make each, and which columns each
 * supplies, requires and stamps.  Backend-free; caused_enquiry.c applies it
 * to rows.  Every LA permit acts for the enquiry's own authority; the
 * provider permit (the staff of a partner organisation) is narrowed by
 * caused_enquiry.c to the organisation the request names:
 *	- requested or returned -> report_received: the organisation's own
 *	  login (its duty), or the authority's officer or SAM recording it on
 *	  the organisation's behalf (with when and how it arrived);
 *	- report_received -> accepted or returned (for more): the authority's
 *	  officer or SAM (caused_enquiry.c: the allocated officer, or a SAM);
 *	- requested or returned -> withdrawn: the authority's officer or SAM,
 *	  with the reason.
 * A caused enquiry is created in requested by cause_enquiry, never in
 * another state.  accepted and withdrawn are final.
 */
#include "caused_enquiry_fsm.h"

#include <stddef.h>

static const char *const state_names[SG_NCESTATES] = {
	"requested", "report_received", "accepted", "returned", "withdrawn"
};

#define OFFICER_OR_SAM 2, {{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA}}
#define PARTNER_OFFICER_OR_SAM 3, {{SG_DUTY_PROVIDER, SG_ACT_FOR_ANY}, \
	{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA}}
#define REPORT {"report", "report_received_at", "report_method", NULL}, \
	{"report", NULL}, \
	{"report_recorded_by", "report_recorded_org_id", "report_recorded_at", NULL}

static const SgTransition transitions[] = {
	{SG_CE_REQUESTED, SG_CE_REPORT_RECEIVED, PARTNER_OFFICER_OR_SAM, REPORT},
	{SG_CE_RETURNED, SG_CE_REPORT_RECEIVED, PARTNER_OFFICER_OR_SAM, REPORT},
	{SG_CE_REPORT_RECEIVED, SG_CE_ACCEPTED, OFFICER_OR_SAM,
		{NULL},
		{NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
	{SG_CE_REPORT_RECEIVED, SG_CE_RETURNED, OFFICER_OR_SAM,
		{"returned_reason", NULL},
		{"returned_reason", NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
	{SG_CE_REQUESTED, SG_CE_WITHDRAWN, OFFICER_OR_SAM,
		{"withdrawn_reason", NULL},
		{"withdrawn_reason", NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
	{SG_CE_RETURNED, SG_CE_WITHDRAWN, OFFICER_OR_SAM,
		{"withdrawn_reason", NULL},
		{"withdrawn_reason", NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
};

const SgMachine sg_caused_enquiry_machine = {
	"caused enquiry", SG_NCESTATES, state_names,
	sizeof(transitions) / sizeof(transitions[0]), transitions
};

/* Returns the text name of a caused enquiry state. */
const char *
sg_caused_state_name(SgCausedState s)
{
	return sg_fsm_state_name(&sg_caused_enquiry_machine, s);
}

/* Parses a caused enquiry state; returns false when unknown. */
bool
sg_caused_state_parse(const char *name, SgCausedState *s)
{
	int			i;

	if (!sg_fsm_state_parse(&sg_caused_enquiry_machine, name, &i))
		return false;
	*s = (SgCausedState) i;
	return true;
}

/* Returns true while the request is open: some transition still leaves the state. */
bool
sg_caused_state_is_open(SgCausedState s)
{
	int			next[SG_NCESTATES];

	return sg_fsm_next_states(&sg_caused_enquiry_machine, s, next) > 0;
}

/* Returns true when the organisation owes a report: a transition to report_received leaves the state. */
bool
sg_caused_state_awaits_report(SgCausedState s)
{
	return sg_fsm_transition(&sg_caused_enquiry_machine, s, SG_CE_REPORT_RECEIVED) != NULL;
}
