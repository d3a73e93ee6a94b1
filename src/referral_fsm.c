/*
 * referral_fsm.c
 *		The referral state machine as data: state names and the one
 *		transition table.
 *
 * Owns which referral transitions exist, which duty (acting for which
 * organisation) may make each, and which columns each transition supplies,
 * requires and stamps.  Backend-free; referral.c applies it to rows.
 *
 * The incident this table exists to prevent: an inspector marking a
 * referral as sent.  Only the contact centre acting for the regulator may
 * move a referral from awaiting_send to sent; the only other way out of
 * the send queue is a withdrawal by safeguard_admin with a rationale.
 */
#include "referral_fsm.h"

#include <stddef.h>

static const char *const state_names[SG_NREFSTATES] = {
	"awaiting_send", "sent", "acknowledged", "decided", "outcome_recorded",
	"closed", "withdrawn"
};

static const SgTransition transitions[] = {
	{SG_REF_AWAITING_SEND, SG_REF_SENT,
		1, {{SG_DUTY_CONTACT_CENTRE, SG_ACT_FOR_REGULATOR}},
		{"sent_at", "sent_method", "la_contact", "la_id", NULL},
		{"sent_at", "sent_method", "la_id", NULL},
		{"sent_by", "sent_org_id", "sent_recorded_at", NULL}},
	{SG_REF_SENT, SG_REF_ACKNOWLEDGED,
		2, {{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA},
			{SG_DUTY_CONTACT_CENTRE, SG_ACT_FOR_REGULATOR}},
		{"acknowledged_at", "la_reference", "la_contact", NULL},
		{"acknowledged_at", NULL},
		{"acknowledged_by", "acknowledged_org_id", NULL}},
	{SG_REF_ACKNOWLEDGED, SG_REF_DECIDED,
		1, {{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}},
		{"la_decision", "la_decision_rationale", NULL},
		{"la_decision", "la_decision_rationale", NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
	{SG_REF_DECIDED, SG_REF_OUTCOME_RECORDED,
		1, {{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}},
		{"action_result", "risk_outcome", "harm_from_delay", "lacked_capacity",
		"advocate_supported", "msp_asked", "msp_achieved", NULL},
		{NULL},
		{"outcome_by", "outcome_org_id", "outcome_at", NULL}},
	{SG_REF_OUTCOME_RECORDED, SG_REF_CLOSED,
		1, {{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}},
		{"feedback_at", "feedback_method", "feedback_waived_reason", NULL},
		{NULL},
		{"closed_by", "closed_org_id", "closed_at", NULL}},
	{SG_REF_AWAITING_SEND, SG_REF_WITHDRAWN,
		1, {{SG_DUTY_ADMIN, SG_ACT_FOR_REGULATOR}},
		{"withdrawal_rationale", NULL},
		{"withdrawal_rationale", NULL},
		{"withdrawn_by", "withdrawn_org_id", "withdrawn_at", NULL}},
};

const SgMachine sg_referral_machine = {
	"referral", SG_NREFSTATES, state_names,
	sizeof(transitions) / sizeof(transitions[0]), transitions
};

/* Returns the text name of a referral state. */
const char *
sg_referral_state_name(SgReferralState s)
{
	return sg_fsm_state_name(&sg_referral_machine, s);
}

/* Parses a referral state; returns false when unknown. */
bool
sg_referral_state_parse(const char *name, SgReferralState *s)
{
	int			i;

	if (!sg_fsm_state_parse(&sg_referral_machine, name, &i))
		return false;
	*s = (SgReferralState) i;
	return true;
}

/* Returns the transition from -> to, or NULL when there is none. */
const SgReferralTransition *
sg_referral_transition(SgReferralState from, SgReferralState to)
{
	return sg_fsm_transition(&sg_referral_machine, from, to);
}

/* Fills next[] with the states reachable from s; returns how many. */
int
sg_referral_next_states(SgReferralState s, SgReferralState next[SG_NREFSTATES])
{
	int			ints[SG_NREFSTATES];
	int			n = sg_fsm_next_states(&sg_referral_machine, s, ints);

	for (int i = 0; i < n; i++)
		next[i] = (SgReferralState) ints[i];
	return n;
}

/* Returns true when no transition leaves the state. */
bool
sg_referral_state_is_final(SgReferralState s)
{
	SgReferralState next[SG_NREFSTATES];

	return sg_referral_next_states(s, next) == 0;
}
