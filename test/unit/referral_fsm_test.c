/*
 * referral_fsm_test.c
 *		TAP unit tests of src/referral_fsm.c: the referral state machine,
 *		duties and organisation kinds as data.
 *
 * Owns the evidence that the transition table says what the product brief
 * says and nothing more: exactly six transitions among the 7 x 7 state
 * pairs; who may make each (the contact centre acting for the regulator
 * sends, never the inspector; the recipient local authority's officer
 * decides, records the outcome and closes; only admin withdraws); no
 * permit for the inspector anywhere; closed and withdrawn final; column
 * lists well formed (required within supplied, stamped never supplied,
 * no column stamped twice); name <-> enum round trips and rejection of
 * near-miss names; sg_referral_next_states; sg_column_listed.
 *
 * Independence: the expected names, transitions and permits are written
 * here from the brief, not read from the library.  No PostgreSQL headers;
 * no arguments.  Output is TAP; the exit status is non-zero when any test
 * fails.
 */
#include "referral_fsm.h"
#include "tap.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 64


/* The public names, written out from the interface (they never change). */
static const char *const want_duty[SG_NDUTIES] = {
	[SG_DUTY_ADMIN] = "admin",
	[SG_DUTY_CONTACT_CENTRE] = "contact_centre",
	[SG_DUTY_INSPECTOR] = "inspector",
	[SG_DUTY_LA_OFFICER] = "la_officer",
	[SG_DUTY_SAM] = "sam",
	[SG_DUTY_ENQUIRY_OFFICER] = "enquiry_officer",
	[SG_DUTY_COMMISSIONER] = "commissioner",
	[SG_DUTY_PROVIDER] = "provider",
	[SG_DUTY_READER] = "reader",
	[SG_DUTY_AUDITOR] = "auditor",
	[SG_DUTY_INTEGRATION] = "integration",
};

static const char *const want_org_kind[SG_NORGKINDS] = {
	[SG_ORG_REGULATOR] = "regulator",
	[SG_ORG_LOCAL_AUTHORITY] = "local_authority",
	[SG_ORG_PROVIDER] = "provider",
	[SG_ORG_PROVIDER_LOCATION] = "provider_location",
	[SG_ORG_ICB] = "icb",
	[SG_ORG_POLICE] = "police",
	[SG_ORG_OTHER] = "other",
};

static const char *const want_state[SG_NREFSTATES] = {
	[SG_REF_AWAITING_SEND] = "awaiting_send",
	[SG_REF_SENT] = "sent",
	[SG_REF_ACKNOWLEDGED] = "acknowledged",
	[SG_REF_DECIDED] = "decided",
	[SG_REF_OUTCOME_RECORDED] = "outcome_recorded",
	[SG_REF_CLOSED] = "closed",
	[SG_REF_WITHDRAWN] = "withdrawn",
};

/* One transition of the brief and the permits it allows, as a set. */
typedef struct WantTransition
{
	SgReferralState from;
	SgReferralState to;
	int			npermits;
	SgPermit	permits[SG_MAX_PERMITS];
} WantTransition;

static const WantTransition want_transitions[] = {
	{SG_REF_AWAITING_SEND, SG_REF_SENT, 1,
	{{SG_DUTY_CONTACT_CENTRE, SG_ACT_FOR_REGULATOR}}},
	{SG_REF_SENT, SG_REF_ACKNOWLEDGED, 2,
		{{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA},
	{SG_DUTY_CONTACT_CENTRE, SG_ACT_FOR_REGULATOR}}},
	{SG_REF_ACKNOWLEDGED, SG_REF_DECIDED, 1,
	{{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}}},
	{SG_REF_DECIDED, SG_REF_OUTCOME_RECORDED, 1,
	{{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}}},
	{SG_REF_OUTCOME_RECORDED, SG_REF_CLOSED, 1,
	{{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}}},
	/* a senior decision of the regulator, whose send queue it is (issue 14 item 10) */
	{SG_REF_AWAITING_SEND, SG_REF_WITHDRAWN, 1,
	{{SG_DUTY_ADMIN, SG_ACT_FOR_REGULATOR}}},
};

#define NWANT ((int) (sizeof(want_transitions) / sizeof(want_transitions[0])))

static const SgOrgRule all_rules[] = {
	SG_ACT_FOR_REGULATOR, SG_ACT_FOR_RECIPIENT_LA, SG_ACT_FOR_ANY
};

#define NRULES ((int) (sizeof(all_rules) / sizeof(all_rules[0])))

/* Returns the brief's transition from -> to, or NULL. */
static const WantTransition *
want_transition(SgReferralState from, SgReferralState to)
{
	for (int i = 0; i < NWANT; i++)
		if (want_transitions[i].from == from && want_transitions[i].to == to)
			return &want_transitions[i];
	return NULL;
}

/* Returns the text of an organisation rule for messages. */
static const char *
rule_name(SgOrgRule r)
{
	switch (r)
	{
		case SG_ACT_FOR_REGULATOR:
			return "regulator";
		case SG_ACT_FOR_RECIPIENT_LA:
			return "recipient LA";
		case SG_ACT_FOR_ANY:
			return "any organisation";
	}
	return "invalid rule";
}

/* Returns true when the permits hold (duty, rule). */
static bool
has_permit(const SgPermit *permits, int n, SgDuty duty, SgOrgRule rule)
{
	for (int i = 0; i < n; i++)
		if (permits[i].duty == duty && permits[i].org == rule)
			return true;
	return false;
}

/* Returns the number of names in a NULL-terminated column list, or -1 when unterminated. */
static int
list_length(const char *const *list)
{
	for (int i = 0; i < SG_MAX_COLUMNS; i++)
		if (list[i] == NULL)
			return i;
	return -1;
}

/* Returns the label "from -> to" of a state pair in buf. */
static const char *
pair_label(SgReferralState from, SgReferralState to, char *buf, size_t len)
{
	snprintf(buf, len, "%s -> %s", want_state[from], want_state[to]);
	return buf;
}

/* Checks that exactly the six transitions of the brief exist among the 7 x 7 pairs. */
static void
test_transition_set(void)
{
	char		label[80];
	int			found = 0;

	for (int f = 0; f < SG_NREFSTATES; f++)
		for (int t = 0; t < SG_NREFSTATES; t++)
		{
			const SgReferralTransition *tr = sg_referral_transition(f, t);
			bool		want = want_transition(f, t) != NULL;

			pair_label(f, t, label, sizeof(label));
			if (!ok((tr != NULL) == want && (tr == NULL || (tr->from == (int) f &&
															   tr->to == (int) t)),
					"%s %s", label, want ? "exists" : "does not exist"))
				diag("got %s", tr ? "a transition" : "NULL");
			found += tr != NULL;
		}
	ok(found == 6, "exactly 6 transitions among the 49 state pairs (found %d)", found);

	ok(sg_referral_transition(SG_NREFSTATES, SG_REF_SENT) == NULL &&
	   sg_referral_transition(SG_REF_AWAITING_SEND, SG_NREFSTATES) == NULL &&
	   sg_referral_transition((SgReferralState) 99, (SgReferralState) 100) == NULL,
	   "sg_referral_transition of out-of-range states -> NULL");
}

/* Checks the permits of each transition against the brief, duty by duty. */
static void
test_permits(void)
{
	char		label[80];
	long		inspector_permits = 0;

	for (int i = 0; i < NWANT; i++)
	{
		const WantTransition *w = &want_transitions[i];
		const SgReferralTransition *tr = sg_referral_transition(w->from, w->to);
		long		mismatches = 0;

		pair_label(w->from, w->to, label, sizeof(label));
		if (tr == NULL)
		{
			ok(false, "%s: permits (transition missing)", label);
			continue;
		}
		ok(tr->npermits == w->npermits && tr->npermits >= 1 && tr->npermits <= SG_MAX_PERMITS,
		   "%s: %d permit(s)", label, w->npermits);

		/* Every (duty, rule) pair: permitted exactly when the brief says so. */
		for (int d = 0; d < SG_NDUTIES; d++)
			for (int r = 0; r < NRULES; r++)
			{
				bool		got = has_permit(tr->permits, tr->npermits, d, all_rules[r]);
				bool		want = has_permit(w->permits, w->npermits, d, all_rules[r]);

				if (got != want && mismatches++ < 5)
					diag("%s: %s acting for %s: got %s, want %s", label, want_duty[d],
						 rule_name(all_rules[r]), got ? "permitted" : "refused",
						 want ? "permitted" : "refused");
			}
		ok(mismatches == 0, "%s: permitted to exactly the brief's duties and organisations (%ld mismatches)",
		   label, mismatches);

		for (int p = 0; p < tr->npermits && p < SG_MAX_PERMITS; p++)
		{
			inspector_permits += tr->permits[p].duty == SG_DUTY_INSPECTOR;
			if ((int) tr->permits[p].duty < 0 || (int) tr->permits[p].duty >= SG_NDUTIES)
				ok(false, "%s: permit %d names a valid duty", label, p);
		}
	}

	/* The specific rules of the brief, spelt out. */
	{
		const SgReferralTransition *send = sg_referral_transition(SG_REF_AWAITING_SEND, SG_REF_SENT);
		const SgReferralTransition *ack = sg_referral_transition(SG_REF_SENT, SG_REF_ACKNOWLEDGED);
		const SgReferralTransition *wd = sg_referral_transition(SG_REF_AWAITING_SEND, SG_REF_WITHDRAWN);

		ok(send && send->npermits == 1 && send->permits[0].duty == SG_DUTY_CONTACT_CENTRE &&
		   send->permits[0].org == SG_ACT_FOR_REGULATOR,
		   "sent: only contact_centre acting for the regulator");
		ok(send && !has_permit(send->permits, send->npermits, SG_DUTY_INSPECTOR, SG_ACT_FOR_REGULATOR) &&
		   !has_permit(send->permits, send->npermits, SG_DUTY_INSPECTOR, SG_ACT_FOR_ANY) &&
		   !has_permit(send->permits, send->npermits, SG_DUTY_CONTACT_CENTRE, SG_ACT_FOR_ANY) &&
		   !has_permit(send->permits, send->npermits, SG_DUTY_ADMIN, SG_ACT_FOR_ANY),
		   "sent: never the inspector, nor the contact centre acting for any organisation, nor admin");
		ok(ack && has_permit(ack->permits, ack->npermits, SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA) &&
		   has_permit(ack->permits, ack->npermits, SG_DUTY_CONTACT_CENTRE, SG_ACT_FOR_REGULATOR) &&
		   !has_permit(ack->permits, ack->npermits, SG_DUTY_LA_OFFICER, SG_ACT_FOR_ANY),
		   "acknowledged: la_officer of the recipient LA or contact_centre of the regulator");
		ok(wd && wd->npermits == 1 && wd->permits[0].duty == SG_DUTY_ADMIN &&
		   wd->permits[0].org == SG_ACT_FOR_REGULATOR,
		   "withdrawn: only admin acting for the regulator (an authority's administrator cannot empty the regulator's queue)");
		for (SgReferralState s = SG_REF_ACKNOWLEDGED; s <= SG_REF_OUTCOME_RECORDED; s++)
		{
			const SgReferralTransition *tr = sg_referral_transition(s, s + 1);

			ok(tr && tr->npermits == 1 && tr->permits[0].duty == SG_DUTY_LA_OFFICER &&
			   tr->permits[0].org == SG_ACT_FOR_RECIPIENT_LA,
			   "%s: only la_officer of the recipient LA", want_state[s + 1]);
		}
	}
	ok(inspector_permits == 0, "no transition is permitted to the inspector (%ld permits found)",
	   inspector_permits);
}

/* Checks which states are final and what sg_referral_next_states returns. */
static void
test_next_states(void)
{
	static const struct
	{
		SgReferralState s;
		int			n;
		SgReferralState next[2];
	}			want[] = {
		{SG_REF_AWAITING_SEND, 2, {SG_REF_SENT, SG_REF_WITHDRAWN}},
		{SG_REF_SENT, 1, {SG_REF_ACKNOWLEDGED}},
		{SG_REF_ACKNOWLEDGED, 1, {SG_REF_DECIDED}},
		{SG_REF_DECIDED, 1, {SG_REF_OUTCOME_RECORDED}},
		{SG_REF_OUTCOME_RECORDED, 1, {SG_REF_CLOSED}},
		{SG_REF_CLOSED, 0, {0}},
		{SG_REF_WITHDRAWN, 0, {0}},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
	{
		SgReferralState next[SG_NREFSTATES];
		bool		final = want[i].n == 0;
		int			n;
		bool		same = true;

		for (int k = 0; k < SG_NREFSTATES; k++)
			next[k] = (SgReferralState) 77;		/* poison: untouched slots stay */
		n = sg_referral_next_states(want[i].s, next);
		if (n == want[i].n)
		{
			/* as sets: each wanted state once, in any order */
			for (int k = 0; k < n; k++)
			{
				int			hits = 0;

				for (int j = 0; j < n; j++)
					hits += next[j] == want[i].next[k];
				same = same && hits == 1;
			}
			for (int k = n; k < SG_NREFSTATES; k++)
				same = same && next[k] == (SgReferralState) 77;
		}
		if (!ok(n == want[i].n && same, "sg_referral_next_states(%s) -> %d state(s)%s%s%s%s",
				want_state[want[i].s], want[i].n, want[i].n ? ": " : "",
				want[i].n ? want_state[want[i].next[0]] : "",
				want[i].n > 1 ? ", " : "", want[i].n > 1 ? want_state[want[i].next[1]] : ""))
			diag("got %d state(s)", n);

		/* next states agree with sg_referral_transition */
		same = n >= 0 && n <= SG_NREFSTATES;
		for (int k = 0; same && k < n; k++)
			same = next[k] < SG_NREFSTATES && sg_referral_transition(want[i].s, next[k]) != NULL;
		ok(same, "sg_referral_next_states(%s) agrees with sg_referral_transition", want_state[want[i].s]);

		ok(sg_referral_state_is_final(want[i].s) == final, "%s is %sfinal",
		   want_state[want[i].s], final ? "" : "not ");
	}

	/* Every state is reachable from awaiting_send; the chain has no cycles. */
	{
		bool		seen[SG_NREFSTATES] = {true};
		SgReferralState queue[SG_NREFSTATES] = {SG_REF_AWAITING_SEND};
		int			head = 0,
					tail = 1;

		while (head < tail)
		{
			SgReferralState next[SG_NREFSTATES];
			int			n = sg_referral_next_states(queue[head++], next);

			for (int k = 0; k < n; k++)
				if (next[k] < SG_NREFSTATES && !seen[next[k]])
				{
					seen[next[k]] = true;
					queue[tail++] = next[k];
				}
		}
		ok(tail == SG_NREFSTATES, "every state is reachable from awaiting_send (%d of %d)",
		   tail, SG_NREFSTATES);
	}
}

/* Checks the supplied, required and stamped column lists of every transition. */
static void
test_columns(void)
{
	const SgReferralTransition *all[SG_NREFSTATES * SG_NREFSTATES];
	int			nall = 0;
	char		label[80];

	for (int f = 0; f < SG_NREFSTATES; f++)
		for (int t = 0; t < SG_NREFSTATES; t++)
			if (sg_referral_transition(f, t) != NULL)
				all[nall++] = sg_referral_transition(f, t);

	for (int i = 0; i < nall; i++)
	{
		const SgReferralTransition *tr = all[i];
		const char *const *lists[3] = {tr->supplied, tr->required, tr->stamped};
		static const char *const list_names[3] = {"supplied", "required", "stamped"};
		int			len[3];
		bool		distinct = true;
		bool		req_in_sup = true;
		bool		stamp_not_sup = true;

		pair_label(tr->from, tr->to, label, sizeof(label));
		for (int l = 0; l < 3; l++)
		{
			len[l] = list_length(lists[l]);
			ok(len[l] >= 0, "%s: %s list is NULL-terminated within %d entries", label,
			   list_names[l], SG_MAX_COLUMNS);
			for (int a = 0; a < len[l]; a++)
			{
				distinct = distinct && lists[l][a][0] != '\0';
				for (int b = a + 1; b < len[l]; b++)
					if (strcmp(lists[l][a], lists[l][b]) == 0)
					{
						distinct = false;
						diag("%s: %s lists %s twice", label, list_names[l], lists[l][a]);
					}
			}
		}
		ok(distinct, "%s: each list names distinct, non-empty columns", label);
		ok(len[2] >= 1, "%s: stamps at least one column (who made it)", label);
		ok(len[0] >= 1, "%s: supplies at least one column", label);

		for (int a = 0; a < len[1]; a++)
			if (!sg_column_listed(tr->supplied, tr->required[a]))
			{
				req_in_sup = false;
				diag("%s: %s required but not supplied", label, tr->required[a]);
			}
		ok(req_in_sup, "%s: every required column is supplied", label);

		for (int a = 0; a < len[2]; a++)
			for (int j = 0; j < nall; j++)
				if (sg_column_listed(all[j]->supplied, tr->stamped[a]))
				{
					stamp_not_sup = false;
					diag("%s: stamps %s, which %s -> %s supplies", label, tr->stamped[a],
						 want_state[all[j]->from], want_state[all[j]->to]);
				}
		ok(stamp_not_sup, "%s: no stamped column is supplied by any transition", label);
	}

	/* No column stamped by two transitions. */
	{
		bool		unique = true;

		for (int i = 0; i < nall; i++)
			for (int a = 0; a < SG_MAX_COLUMNS && all[i]->stamped[a] != NULL; a++)
				for (int j = i + 1; j < nall; j++)
					if (sg_column_listed(all[j]->stamped, all[i]->stamped[a]))
					{
						unique = false;
						diag("%s is stamped by two transitions", all[i]->stamped[a]);
					}
		ok(unique, "no column is stamped by two transitions");
	}

	/* The columns the brief's send rule relies on. */
	{
		const SgReferralTransition *send = sg_referral_transition(SG_REF_AWAITING_SEND, SG_REF_SENT);
		const SgReferralTransition *wd = sg_referral_transition(SG_REF_AWAITING_SEND, SG_REF_WITHDRAWN);

		ok(send && sg_column_listed(send->stamped, "sent_by") &&
		   !sg_column_listed(send->supplied, "sent_by"),
		   "sent stamps sent_by; the actor cannot supply it");
		ok(wd && sg_column_listed(wd->required, "withdrawal_rationale"),
		   "withdrawn requires withdrawal_rationale");
	}
}

/* Checks sg_column_listed on present, absent, near-miss and edge lists. */
static void
test_column_listed(void)
{
	static const char *const list[] = {"sent_at", "sent_method", "la_id", NULL};
	static const char *const empty[] = {NULL};
	/* full: no NULL, so the SG_MAX_COLUMNS bound must stop the scan (ASan checks) */
	static const char *const full[SG_MAX_COLUMNS] = {"c1", "c2", "c3", "c4", "c5", "c6"};
	/* after the terminator: must not be seen */
	static const char *const hidden[] = {"a", NULL, "b", NULL};

	ok(sg_column_listed(list, "sent_at") && sg_column_listed(list, "sent_method") &&
	   sg_column_listed(list, "la_id"), "sg_column_listed finds the first, middle and last column");
	ok(!sg_column_listed(list, "sent") && !sg_column_listed(list, "sent_at_") &&
	   !sg_column_listed(list, "Sent_at") && !sg_column_listed(list, "") &&
	   !sg_column_listed(list, "la_contact") && !sg_column_listed(list, " la_id"),
	   "sg_column_listed rejects prefixes, suffixes, case variants, empty and absent names");
	ok(!sg_column_listed(empty, "sent_at") && !sg_column_listed(empty, ""),
	   "sg_column_listed of an empty list -> false");
	ok(sg_column_listed(full, "c1") && sg_column_listed(full, "c6") && !sg_column_listed(full, "c7"),
	   "sg_column_listed of a full, unterminated list of SG_MAX_COLUMNS stops at the bound");
	ok(sg_column_listed(hidden, "a") && !sg_column_listed(hidden, "b"),
	   "sg_column_listed stops at the NULL terminator");
}

/* The three vocabularies, driven through one set of checks. */
typedef struct Vocab
{
	const char *what;
	int			n;
	const char *const *want;
	const char *(*name) (int v);
	bool		(*parse) (const char *s, int *v);
} Vocab;

/* Adapters from the typed library functions to int. */
static const char *
duty_name(int v)
{
	return sg_duty_name((SgDuty) v);
}

static bool
duty_parse(const char *s, int *v)
{
	SgDuty		d = (SgDuty) 0x5a5a;
	bool		r = sg_duty_parse(s, &d);

	*v = (int) d;
	return r;
}

static const char *
org_kind_name(int v)
{
	return sg_org_kind_name((SgOrgKind) v);
}

static bool
org_kind_parse(const char *s, int *v)
{
	SgOrgKind	k = (SgOrgKind) 0x5a5a;
	bool		r = sg_org_kind_parse(s, &k);

	*v = (int) k;
	return r;
}

static const char *
state_name(int v)
{
	return sg_referral_state_name((SgReferralState) v);
}

static bool
state_parse(const char *s, int *v)
{
	SgReferralState st = (SgReferralState) 0x5a5a;
	bool		r = sg_referral_state_parse(s, &st);

	*v = (int) st;
	return r;
}

/* Returns the index of s in the expected names of a vocabulary, or -1. */
static int
want_index(const Vocab *vc, const char *s)
{
	for (int i = 0; i < vc->n; i++)
		if (strcmp(vc->want[i], s) == 0)
			return i;
	return -1;
}

/*
 * Parses s and checks the answer against the expected names: accepted with
 * the right value when s is a name, otherwise rejected with the output
 * untouched.  Returns true when the library agrees.
 */
static bool
check_parse(const Vocab *vc, const char *s)
{
	int			v = -1;
	bool		got = vc->parse(s, &v);
	int			want = want_index(vc, s);

	if (want >= 0 ? (got && v == want) : (!got && v == 0x5a5a))
		return true;
	diag("%s parse \"%s\": got %s %d, want %s %d", vc->what, s, got ? "true" : "false", v,
		 want >= 0 ? "true" : "false", want);
	return false;
}

/* Checks name <-> enum round trips and rejection of near-miss names. */
static void
test_names(void)
{
	static const Vocab vocabs[] = {
		{"duty", SG_NDUTIES, want_duty, duty_name, duty_parse},
		{"organisation kind", SG_NORGKINDS, want_org_kind, org_kind_name, org_kind_parse},
		{"referral state", SG_NREFSTATES, want_state, state_name, state_parse},
	};
	static const char *const junk[] = {
		"", " ", "_", "?", "safeguard_admin", "safeguard_contact_centre", "awaiting-send",
		"awaiting send", "AWAITING_SEND", "Sent", "SENT", "sent\t", "la-officer", "LA_OFFICER",
		"contact centre", "Inspector", "Regulator", "local-authority", "null", "NULL",
		"\xc3\xa9", "sent\xc2\xa0"
	};

	for (size_t v = 0; v < sizeof(vocabs) / sizeof(vocabs[0]); v++)
	{
		const Vocab *vc = &vocabs[v];
		long		bad = 0;
		long		variants = 0;

		/* Round trip over every value. */
		for (int i = 0; i < vc->n; i++)
		{
			const char *name = vc->name(i);
			int			back = -1;

			if (!ok(name != NULL && strcmp(name, vc->want[i]) == 0 && vc->parse(name, &back) &&
					back == i, "%s %d <-> \"%s\"", vc->what, i, vc->want[i]))
				diag("got name \"%s\", parsed back to %d", name ? name : "(null)", back);
		}
		ok(strcmp(vc->name(vc->n), "?") == 0 && strcmp(vc->name(99), "?") == 0 &&
		   strcmp(vc->name(-1), "?") == 0,
		   "%s name of an out-of-range value -> \"?\"", vc->what);

		/* Fixed junk, and near misses of every name: case, prefixes, suffixes, spaces. */
		for (size_t j = 0; j < sizeof(junk) / sizeof(junk[0]); j++)
		{
			variants++;
			bad += !check_parse(vc, junk[j]);
		}
		for (int i = 0; i < vc->n; i++)
		{
			const char *name = vc->want[i];
			size_t		len = strlen(name);
			char		buf[NAME_MAX_LEN + 4];

			/* every proper prefix, and every suffix after dropping a head */
			for (size_t k = 0; k < len; k++)
			{
				memcpy(buf, name, k);
				buf[k] = '\0';
				variants++;
				bad += !check_parse(vc, buf);
				variants++;
				bad += !check_parse(vc, name + k + 1);
			}
			/* case variants: each letter upper-cased in turn, then all of them */
			for (size_t k = 0; k < len; k++)
			{
				if (!islower((unsigned char) name[k]))
					continue;
				snprintf(buf, sizeof(buf), "%s", name);
				buf[k] = (char) toupper((unsigned char) buf[k]);
				variants++;
				bad += !check_parse(vc, buf);
			}
			for (size_t k = 0; k <= len; k++)
				buf[k] = (char) toupper((unsigned char) name[k]);
			variants++;
			bad += !check_parse(vc, buf);
			/* additions: a character before or after, white space around */
			{
				static const char *const fmts[] = {
					"%sx", "x%s", "%s_", "_%s", "%s ", " %s", "%s\n", "%ss", "%s%s"
				};

				for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
				{
					snprintf(buf, sizeof(buf), fmts[f], name, name);
					variants++;
					bad += !check_parse(vc, buf);
				}
			}
			/* underscore replaced by a hyphen or a space */
			for (size_t k = 0; k < len; k++)
				if (name[k] == '_')
				{
					snprintf(buf, sizeof(buf), "%s", name);
					buf[k] = '-';
					variants++;
					bad += !check_parse(vc, buf);
					buf[k] = ' ';
					variants++;
					bad += !check_parse(vc, buf);
				}
		}
		ok(bad == 0, "%s parse rejects \"\", case, prefix, suffix and spelling variants, "
		   "leaving the output alone (%ld variants, %ld wrong)", vc->what, variants, bad);
	}

	/* The names of each vocabulary are distinct. */
	for (size_t v = 0; v < sizeof(vocabs) / sizeof(vocabs[0]); v++)
	{
		bool		distinct = true;

		for (int i = 0; i < vocabs[v].n; i++)
			for (int j = i + 1; j < vocabs[v].n; j++)
				distinct = distinct && strcmp(vocabs[v].name(i), vocabs[v].name(j)) != 0;
		ok(distinct, "%s names are distinct", vocabs[v].what);
	}
}

/* Runs every test group and prints the TAP plan last. */
int
main(void)
{
	test_transition_set();
	test_permits();
	test_next_states();
	test_columns();
	test_column_listed();
	test_names();

	printf("1..%d\n", tests_run);
	if (tests_failed)
		diag("failed %d of %d tests", tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
