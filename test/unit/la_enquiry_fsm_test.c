/*
 * la_enquiry_fsm_test.c
 *		TAP unit tests of src/la_enquiry_fsm.c: a local authority's own
 *		safeguarding enquiry (the council pathway, issue 16) as data, and
 *		the two actions of that pathway in src/actions.c.
 *
 * Owns the evidence that the transition table says what the issue says and
 * nothing more: exactly four transitions among the 5 x 5 state pairs, in
 * the one order decided -> allocated -> in_progress -> concluded -> closed;
 * a SAM alone allocates and closes; an LA officer or a SAM starts and
 * concludes; every permit acts for the enquiry's own authority (never the
 * regulator, never any organisation); closed is the only final state;
 * column lists well formed (required within supplied, stamped never
 * supplied, nothing stamped twice); the outcome requires the SAC answers;
 * the concern decision is the authority's officers' and SAMs', allocation
 * its SAMs' only.
 *
 * Independence: the expected names, transitions and permits are written
 * here from the issue, not read from the library.  No PostgreSQL headers.
 */
#include "actions.h"
#include "la_enquiry_fsm.h"
#include "fsm_checks.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static const char *const want_state[SG_NLAESTATES] = {
	[SG_LAE_DECIDED] = "decided",
	[SG_LAE_ALLOCATED] = "allocated",
	[SG_LAE_IN_PROGRESS] = "in_progress",
	[SG_LAE_CONCLUDED] = "concluded",
	[SG_LAE_CLOSED] = "closed",
};

/* Returns true when the transition has exactly the permits (duty bits) given, all for the enquiry's authority. */
static bool
permits_are(const SgTransition *t, uint32_t duties)
{
	uint32_t	seen = 0;

	for (int i = 0; i < t->npermits; i++)
	{
		if (t->permits[i].org != SG_ACT_FOR_RECIPIENT_LA)
			return false;
		seen |= SG_DUTY_BIT(t->permits[i].duty);
	}
	return seen == duties && t->npermits == __builtin_popcount(duties);
}

/* Returns true when a NULL-terminated list names exactly the columns given. */
static bool
list_is(const char *const *list, const char *const *want)
{
	int			n = 0;
	int			w = 0;

	while (n < SG_MAX_COLUMNS && list[n])
		n++;
	while (want[w])
		w++;
	if (n != w)
		return false;
	for (int i = 0; i < w; i++)
		if (!sg_column_listed(list, want[i]))
			return false;
	return true;
}

/* The states: names, parsing, finality. */
static void
test_states(void)
{
	int			good = 0;
	SgLaEnquiryState s;

	for (int i = 0; i < SG_NLAESTATES; i++)
		good += strcmp(sg_la_enquiry_state_name((SgLaEnquiryState) i), want_state[i]) == 0 &&
			sg_la_enquiry_state_parse(want_state[i], &s) && (int) s == i;
	ok(good == SG_NLAESTATES, "every state names itself and parses back (%d states)", SG_NLAESTATES);
	ok(!sg_la_enquiry_state_parse("Decided", &s) && !sg_la_enquiry_state_parse("", &s) &&
	   !sg_la_enquiry_state_parse("outcome_recorded", &s) && !sg_la_enquiry_state_parse("in progress", &s),
	   "other case, empty, a referral state and a near miss do not parse");
	ok(strcmp(sg_la_enquiry_state_name(SG_NLAESTATES), "?") == 0,
	   "a state out of range has no name");
	for (int i = 0; i < SG_NLAESTATES; i++)
		ok(sg_la_enquiry_state_is_final((SgLaEnquiryState) i) == (i == SG_LAE_CLOSED),
		   "%s is %sfinal", want_state[i], i == SG_LAE_CLOSED ? "" : "not ");
}

/* The transitions: exactly the chain, each by its duties. */
static void
test_transitions(void)
{
	const SgMachine *m = &sg_la_enquiry_machine;
	int			n = 0;
	const SgTransition *t;
	static const char *const alloc_cols[] = {"allocated_to", NULL};
	static const char *const alloc_stamp[] = {"allocated_by", "allocated_at", NULL};
	static const char *const outcome_required[] = {"action_result", "risk_types", "risk_location",
	"source_of_risk", NULL};
	static const char *const close_cols[] = {"feedback_at", "feedback_method",
	"feedback_not_given_reason", "adult_feedback_at", "adult_feedback_not_given_reason", NULL};
	static const char *const close_stamp[] = {"closed_by", "closed_org_id", "closed_at", NULL};
	uint32_t	sam = SG_DUTY_BIT(SG_DUTY_SAM);
	uint32_t	officer_or_sam = SG_DUTY_BIT(SG_DUTY_LA_OFFICER) | sam;

	for (int from = 0; from < SG_NLAESTATES; from++)
		for (int to = 0; to < SG_NLAESTATES; to++)
		{
			bool		want = to == from + 1;

			t = sg_fsm_transition(m, from, to);
			n += t != NULL;
			if ((t != NULL) != want)
				ok(0, "%s -> %s %s", want_state[from], want_state[to], want ? "missing" : "must not exist");
		}
	ok(n == 4 && m->ntransitions == 4, "exactly four transitions, each to the next state (found %d)", n);

	t = sg_fsm_transition(m, SG_LAE_DECIDED, SG_LAE_ALLOCATED);
	ok(t && permits_are(t, sam), "only a SAM of the authority allocates");
	ok(t && list_is(t->supplied, alloc_cols) && list_is(t->required, alloc_cols) &&
	   list_is(t->stamped, alloc_stamp), "allocation supplies and requires the officer; stamps who and when");
	t = sg_fsm_transition(m, SG_LAE_ALLOCATED, SG_LAE_IN_PROGRESS);
	ok(t && permits_are(t, officer_or_sam), "an LA officer or SAM of the authority starts an enquiry");
	ok(t && sg_column_listed(t->supplied, "msp_asked") && sg_column_listed(t->supplied, "lacked_capacity") &&
	   sg_column_listed(t->supplied, "advocate_arranged") && t->required[0] == NULL,
	   "the start supplies the MSP, capacity and advocacy answers (required by rule: not for an adult who died)");
	t = sg_fsm_transition(m, SG_LAE_IN_PROGRESS, SG_LAE_CONCLUDED);
	ok(t && permits_are(t, officer_or_sam), "an LA officer or SAM of the authority concludes");
	ok(t && list_is(t->required, outcome_required) && sg_column_listed(t->supplied, "risk_outcome") &&
	   sg_column_listed(t->supplied, "msp_achieved") && sg_column_listed(t->supplied, "sar_considered"),
	   "the conclusion requires the SAC types, location and source of risk and the action and result");
	t = sg_fsm_transition(m, SG_LAE_CONCLUDED, SG_LAE_CLOSED);
	ok(t && permits_are(t, sam), "only a SAM of the authority closes (the manager's sign-off)");
	ok(t && list_is(t->supplied, close_cols) && list_is(t->stamped, close_stamp),
	   "closing supplies the feedback to the referrer and to the adult (or why none) and stamps who and when");
	check_column_lists(m, want_state);
}

/* The actions of the pathway: the concern decision and reallocation. */
static void
test_actions(void)
{
	const SgAction *decide = sg_action_find("decide_concern");
	const SgAction *allocate = sg_action_find("allocate_enquiry");

	ok(decide && sg_permits_duty_held(decide->permits, decide->npermits,
									  SG_DUTY_BIT(SG_DUTY_LA_OFFICER), SG_ORG_LOCAL_AUTHORITY) &&
	   sg_permits_duty_held(decide->permits, decide->npermits, SG_DUTY_BIT(SG_DUTY_SAM),
							SG_ORG_LOCAL_AUTHORITY),
	   "an LA officer or a SAM decides on the authority's concern");
	ok(decide && !sg_permits_duty_held(decide->permits, decide->npermits,
									   SG_DUTY_BIT(SG_DUTY_INSPECTOR) | SG_DUTY_BIT(SG_DUTY_CONTACT_CENTRE) |
									   SG_DUTY_BIT(SG_DUTY_ADMIN) | SG_DUTY_BIT(SG_DUTY_ENQUIRY_OFFICER) |
									   SG_DUTY_BIT(SG_DUTY_READER), SG_ORG_REGULATOR),
	   "nobody at the regulator, and no other duty, makes a council's concern decision");
	ok(allocate && allocate->npermits == 1 && allocate->permits[0].duty == SG_DUTY_SAM &&
	   allocate->permits[0].org == SG_ACT_FOR_RECIPIENT_LA,
	   "only a SAM of the authority reallocates an enquiry");
}

int
main(void)
{
	test_states();
	test_transitions();
	test_actions();
	printf("1..%d\n", tests_run);
	if (tests_failed)
		fprintf(stderr, "# failed %d of %d tests\n", tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
