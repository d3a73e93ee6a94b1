/*
 * fsm.c
 *		Names of duties and organisation kinds, and lookups over any state
 *		machine's transition table (fsm.h).
 *
 * Backend-free.  The tables themselves live beside their workflow
 * (referral_fsm.c, enquiry_fsm.c); this file only reads them.
 */
#include "fsm.h"

#include <stddef.h>
#include <string.h>

static const char *const duty_names[SG_NDUTIES] = {
	"admin", "contact_centre", "inspector", "la_officer", "sam",
	"enquiry_officer", "commissioner", "provider", "reader", "auditor",
	"integration"
};

static const char *const org_kind_names[SG_NORGKINDS] = {
	"regulator", "local_authority", "provider", "provider_location", "icb",
	"police", "other"
};

/* Returns the index of name in a table of n names, or -1. */
static int
lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Returns the text name of a duty ("contact_centre"); role is "safeguard_" + name. */
const char *
sg_duty_name(SgDuty d)
{
	return ((int) d >= 0 && d < SG_NDUTIES) ? duty_names[d] : "?";
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
	return ((int) k >= 0 && k < SG_NORGKINDS) ? org_kind_names[k] : "?";
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

/* Returns the name of state s of a machine ("?" when out of range). */
const char *
sg_fsm_state_name(const SgMachine *m, int s)
{
	return (s >= 0 && s < m->nstates) ? m->state_names[s] : "?";
}

/* Parses a state name of a machine; returns false when unknown. */
bool
sg_fsm_state_parse(const SgMachine *m, const char *name, int *s)
{
	int			i = lookup(m->state_names, m->nstates, name);

	if (i < 0)
		return false;
	*s = i;
	return true;
}

/* Returns the transition from -> to of a machine, or NULL. */
const SgTransition *
sg_fsm_transition(const SgMachine *m, int from, int to)
{
	for (int i = 0; i < m->ntransitions; i++)
		if (m->transitions[i].from == from && m->transitions[i].to == to)
			return &m->transitions[i];
	return NULL;
}

/* Fills next[] with the states reachable from s; returns how many. */
int
sg_fsm_next_states(const SgMachine *m, int s, int *next)
{
	int			n = 0;

	for (int i = 0; i < m->ntransitions; i++)
		if (m->transitions[i].from == s)
			next[n++] = m->transitions[i].to;
	return n;
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
