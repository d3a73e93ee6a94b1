/*
 * caused_enquiry_fsm_test.c
 *		TAP unit tests of src/caused_enquiry_fsm.c: an enquiry a local
 *		authority causes another organisation to make (Care Act s42(2),
 *		issue 16 item 3) as data, and its action in src/actions.c.
 *
 * Owns the evidence that the transition table says what the brief says and
 * nothing more: exactly six transitions among the 5 x 5 state pairs
 * (requested and returned -> report_received, report_received -> accepted
 * or returned, requested and returned -> withdrawn); the report is made by
 * the organisation's login (provider duty) or the authority's officer or
 * SAM, everything else by the authority's officer or SAM only, never by
 * anyone acting for the regulator; accepted and withdrawn are the final
 * states; a report is awaited exactly in requested and returned; column
 * lists well formed; causing an enquiry is the authority's officers' and
 * SAMs' action.
 *
 * Independence: the expected names, transitions and permits are written
 * here from the brief, not read from the library.  No PostgreSQL headers.
 */
#include "actions.h"
#include "caused_enquiry_fsm.h"
#include "fsm_checks.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static const char *const want_state[SG_NCESTATES] = {
	[SG_CE_REQUESTED] = "requested",
	[SG_CE_REPORT_RECEIVED] = "report_received",
	[SG_CE_ACCEPTED] = "accepted",
	[SG_CE_RETURNED] = "returned",
	[SG_CE_WITHDRAWN] = "withdrawn",
};

/* Returns true when the transition's permits are exactly the duties given, LA duties for the authority. */
static bool
permits_are(const SgTransition *t, uint32_t duties)
{
	uint32_t	seen = 0;

	for (int i = 0; i < t->npermits; i++)
	{
		SgOrgRule	want = t->permits[i].duty == SG_DUTY_PROVIDER ? SG_ACT_FOR_ANY : SG_ACT_FOR_RECIPIENT_LA;

		if (t->permits[i].org != want)
			return false;
		seen |= SG_DUTY_BIT(t->permits[i].duty);
	}
	return seen == duties && t->npermits == __builtin_popcount(duties);
}

/* The states: names, parsing, finality, awaiting a report. */
static void
test_states(void)
{
	int			good = 0;
	SgCausedState s;

	for (int i = 0; i < SG_NCESTATES; i++)
		good += strcmp(sg_caused_state_name((SgCausedState) i), want_state[i]) == 0 &&
			sg_caused_state_parse(want_state[i], &s) && (int) s == i;
	ok(good == SG_NCESTATES, "every state names itself and parses back (%d states)", SG_NCESTATES);
	ok(!sg_caused_state_parse("Requested", &s) && !sg_caused_state_parse("", &s) &&
	   !sg_caused_state_parse("in_progress", &s) && !sg_caused_state_parse("report received", &s),
	   "other case, empty, an enquiry state and a near miss do not parse");
	ok(strcmp(sg_caused_state_name(SG_NCESTATES), "?") == 0, "a state out of range has no name");
	for (int i = 0; i < SG_NCESTATES; i++)
	{
		bool		open = i != SG_CE_ACCEPTED && i != SG_CE_WITHDRAWN;
		bool		awaits = i == SG_CE_REQUESTED || i == SG_CE_RETURNED;

		ok(sg_caused_state_is_open((SgCausedState) i) == open &&
		   sg_caused_state_awaits_report((SgCausedState) i) == awaits,
		   "%s is %sopen and %sawaits a report", want_state[i], open ? "" : "not ", awaits ? "" : "not ");
	}
}

/* The transitions: exactly six, each by its duties, with its columns. */
static void
test_transitions(void)
{
	const SgMachine *m = &sg_caused_enquiry_machine;
	static const bool want[SG_NCESTATES][SG_NCESTATES] = {
		[SG_CE_REQUESTED] = {[SG_CE_REPORT_RECEIVED] = true, [SG_CE_WITHDRAWN] = true},
		[SG_CE_RETURNED] = {[SG_CE_REPORT_RECEIVED] = true, [SG_CE_WITHDRAWN] = true},
		[SG_CE_REPORT_RECEIVED] = {[SG_CE_ACCEPTED] = true, [SG_CE_RETURNED] = true},
	};
	uint32_t	officer_or_sam = SG_DUTY_BIT(SG_DUTY_LA_OFFICER) | SG_DUTY_BIT(SG_DUTY_SAM);
	int			n = 0;
	const SgTransition *t;

	for (int from = 0; from < SG_NCESTATES; from++)
		for (int to = 0; to < SG_NCESTATES; to++)
		{
			t = sg_fsm_transition(m, from, to);
			n += t != NULL;
			if ((t != NULL) != want[from][to])
				ok(0, "%s -> %s %s", want_state[from], want_state[to],
				   want[from][to] ? "missing" : "must not exist");
		}
	ok(n == 6 && m->ntransitions == 6, "exactly six transitions (found %d)", n);
	for (int from = 0; from < SG_NCESTATES; from += 3)
	{
		t = sg_fsm_transition(m, from, SG_CE_REPORT_RECEIVED);
		ok(t && permits_are(t, officer_or_sam | SG_DUTY_BIT(SG_DUTY_PROVIDER)),
		   "%s -> report_received: the organisation's login, or the authority's officer or SAM", want_state[from]);
		ok(t && sg_column_listed(t->supplied, "report") && sg_column_listed(t->required, "report") &&
		   sg_column_listed(t->supplied, "report_received_at") && sg_column_listed(t->supplied, "report_method") &&
		   sg_column_listed(t->stamped, "report_recorded_by"),
		   "%s -> report_received supplies the report (and when and how), stamps who recorded it", want_state[from]);
	}
	t = sg_fsm_transition(m, SG_CE_REPORT_RECEIVED, SG_CE_ACCEPTED);
	ok(t && permits_are(t, officer_or_sam) && t->supplied[0] == NULL,
	   "acceptance is the authority's officer's or SAM's, and supplies nothing");
	t = sg_fsm_transition(m, SG_CE_REPORT_RECEIVED, SG_CE_RETURNED);
	ok(t && permits_are(t, officer_or_sam) && sg_column_listed(t->required, "returned_reason"),
	   "a return is the authority's, with the reason");
	t = sg_fsm_transition(m, SG_CE_REQUESTED, SG_CE_WITHDRAWN);
	ok(t && permits_are(t, officer_or_sam) && sg_column_listed(t->required, "withdrawn_reason"),
	   "a withdrawal is the authority's, with the reason");
	check_column_lists(m, want_state);
}

/* Causing an enquiry: the authority's officers and SAMs. */
static void
test_actions(void)
{
	const SgAction *cause = sg_action_find("cause_enquiry");

	ok(cause && sg_permits_duty_held(cause->permits, cause->npermits,
									 SG_DUTY_BIT(SG_DUTY_LA_OFFICER), SG_ORG_LOCAL_AUTHORITY) &&
	   sg_permits_duty_held(cause->permits, cause->npermits, SG_DUTY_BIT(SG_DUTY_SAM),
							SG_ORG_LOCAL_AUTHORITY),
	   "an LA officer or a SAM causes an enquiry");
	ok(cause && !sg_permits_duty_held(cause->permits, cause->npermits,
									  SG_DUTY_BIT(SG_DUTY_INSPECTOR) | SG_DUTY_BIT(SG_DUTY_CONTACT_CENTRE) |
									  SG_DUTY_BIT(SG_DUTY_ADMIN) | SG_DUTY_BIT(SG_DUTY_PROVIDER) |
									  SG_DUTY_BIT(SG_DUTY_READER), SG_ORG_PROVIDER),
	   "no other duty, and not the organisation itself, causes an enquiry");
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
