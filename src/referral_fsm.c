/*
 * referral_fsm.c
 *		The referral state machine as data: state, duty and organisation-kind
 *		names, and the one transition table.
 *
 * Owns which transitions exist, which duty (acting for which organisation)
 * may make each, and which columns each transition supplies, requires and
 * stamps.  Backend-free; referral.c applies it to rows.
 *
 * The incident this table exists to prevent: an inspector marking a
 * referral as sent.  Only the contact centre acting for the regulator may
 * move a referral from awaiting_send to sent; the only other way out of
 * the send queue is a withdrawal by safeguard_admin with a rationale.
 */
#include "referral_fsm.h"

#include <stddef.h>
#include <string.h>

static const char *const duty_names[SG_NDUTIES] = {
	"admin", "contact_centre", "inspector", "la_officer", "sam",
	"enquiry_officer", "commissioner", "provider", "reader", "auditor"
};

static const char *const org_kind_names[SG_NORGKINDS] = {
	"regulator", "local_authority", "provider", "provider_location", "icb",
	"police", "other"
};

static const char *const state_names[SG_NREFSTATES] = {
	"awaiting_send", "sent", "acknowledged", "decided", "outcome_recorded",
	"closed", "withdrawn"
};

static const SgReferralTransition transitions[] = {
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
		{"action_result", "risk_outcome", "harm_from_delay", NULL},
		{NULL},
		{"outcome_by", "outcome_org_id", "outcome_at", NULL}},
	{SG_REF_OUTCOME_RECORDED, SG_REF_CLOSED,
		1, {{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}},
		{"feedback_at", "feedback_method", "feedback_waived_reason", NULL},
		{NULL},
		{"closed_by", "closed_org_id", "closed_at", NULL}},
	{SG_REF_AWAITING_SEND, SG_REF_WITHDRAWN,
		1, {{SG_DUTY_ADMIN, SG_ACT_FOR_ANY}},
		{"withdrawal_rationale", NULL},
		{"withdrawal_rationale", NULL},
		{"withdrawn_by", "withdrawn_org_id", "withdrawn_at", NULL}},
};

#define NTRANSITIONS (sizeof(transitions) / sizeof(transitions[0]))

/* Returns the index of name in a table of n names, or -1. */
static int
lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Returns the text name of a duty. */
const char *
sg_duty_name(SgDuty d)
{
	return (d >= 0 && d < SG_NDUTIES) ? duty_names[d] : "?";
}

/* Parses a duty name; returns false when unknown. */
bool
sg_duty_parse(const char *name, SgDuty *d)
{
	int			i = lookup(duty_names, SG_NDUTIES, name);

	if (i < 0)
		return false;
	*d = (SgDuty) i;
	return true;
}

/* Returns the text name of an organisation kind. */
const char *
sg_org_kind_name(SgOrgKind k)
{
	return (k >= 0 && k < SG_NORGKINDS) ? org_kind_names[k] : "?";
}

/* Parses an organisation kind; returns false when unknown. */
bool
sg_org_kind_parse(const char *name, SgOrgKind *k)
{
	int			i = lookup(org_kind_names, SG_NORGKINDS, name);

	if (i < 0)
		return false;
	*k = (SgOrgKind) i;
	return true;
}

/* Returns the text name of a referral state. */
const char *
sg_referral_state_name(SgReferralState s)
{
	return (s >= 0 && s < SG_NREFSTATES) ? state_names[s] : "?";
}

/* Parses a referral state; returns false when unknown. */
bool
sg_referral_state_parse(const char *name, SgReferralState *s)
{
	int			i = lookup(state_names, SG_NREFSTATES, name);

	if (i < 0)
		return false;
	*s = (SgReferralState) i;
	return true;
}

/* Returns the transition from -> to, or NULL when there is none. */
const SgReferralTransition *
sg_referral_transition(SgReferralState from, SgReferralState to)
{
	for (size_t i = 0; i < NTRANSITIONS; i++)
		if (transitions[i].from == from && transitions[i].to == to)
			return &transitions[i];
	return NULL;
}

/* Fills next[] with the states reachable from s; returns how many. */
int
sg_referral_next_states(SgReferralState s, SgReferralState next[SG_NREFSTATES])
{
	int			n = 0;

	for (size_t i = 0; i < NTRANSITIONS; i++)
		if (transitions[i].from == s)
			next[n++] = transitions[i].to;
	return n;
}

/* Returns true when no transition leaves the state. */
bool
sg_referral_state_is_final(SgReferralState s)
{
	SgReferralState next[SG_NREFSTATES];

	return sg_referral_next_states(s, next) == 0;
}

/* Returns true when name is in a NULL-terminated column list. */
bool
sg_column_listed(const char *const *list, const char *name)
{
	for (int i = 0; i < SG_MAX_COLUMNS && list[i] != NULL; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}
