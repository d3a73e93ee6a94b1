/*
 * workflow_data_test.c
 *		Unit tests of the pure workflow data: the provider enquiry state
 *		machine (enquiry_fsm.c, on fsm.c), the table of actions and their
 *		permits (actions.c), the rules of the enquiry records
 *		(enquiry_records.c), the deadline kinds and their subjects
 *		(deadline_kinds.c) and the canonical audit encoding
 *		(audit_encoding.c).  TAP output; non-zero exit on any failure.
 */
#include "actions.h"
#include "audit_encoding.h"
#include "deadline_kinds.h"
#include "enquiry_fsm.h"
#include "enquiry_records.h"
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


/* Returns whether the machine allows from -> to. */
static int
allowed(int from, int to)
{
	return sg_fsm_transition(&sg_enquiry_machine, from, to) != NULL;
}

/* The procedure's stage changes exist, and no others. */
static void
test_enquiry_transitions(void)
{
	static const int want[][2] = {
		{SG_ENQ_PROPOSED, SG_ENQ_INVOKED}, {SG_ENQ_PROPOSED, SG_ENQ_NOT_INVOKED},
		{SG_ENQ_INVOKED, SG_ENQ_FACT_FINDING}, {SG_ENQ_FACT_FINDING, SG_ENQ_IMPROVEMENT_PLAN},
		{SG_ENQ_IMPROVEMENT_PLAN, SG_ENQ_MONITORING}, {SG_ENQ_MONITORING, SG_ENQ_QUALITY_ASSURANCE},
		{SG_ENQ_QUALITY_ASSURANCE, SG_ENQ_MONITORING}, {SG_ENQ_QUALITY_ASSURANCE, SG_ENQ_CLOSED},
	};
	int			n = (int) (sizeof(want) / sizeof(want[0]));
	int			count = 0;

	for (int f = 0; f < SG_NENQSTAGES; f++)
		for (int t = 0; t < SG_NENQSTAGES; t++)
		{
			int			expected = 0;

			for (int i = 0; i < n; i++)
				if (want[i][0] == f && want[i][1] == t)
					expected = 1;
			if (allowed(f, t) != expected)
				ok(0, "%s -> %s %s", sg_fsm_state_name(&sg_enquiry_machine, f),
				   sg_fsm_state_name(&sg_enquiry_machine, t), expected ? "missing" : "unexpected");
			count += allowed(f, t);
		}
	ok(count == n, "exactly the %d stage changes of the procedure exist (found %d)", n, count);

	/* Stages moved by recording an event have no permit: no client may set them. */
	ok(sg_fsm_transition(&sg_enquiry_machine, SG_ENQ_INVOKED, SG_ENQ_FACT_FINDING)->npermits == 0,
	   "invoked -> fact_finding follows only from the initial meeting");
	ok(sg_fsm_transition(&sg_enquiry_machine, SG_ENQ_FACT_FINDING, SG_ENQ_IMPROVEMENT_PLAN)->npermits == 0,
	   "fact_finding -> improvement_plan follows only from issuing the plan");

	/* Final stages. */
	{
		int			next[SG_NENQSTAGES];

		ok(sg_fsm_next_states(&sg_enquiry_machine, SG_ENQ_CLOSED, next) == 0, "closed is final");
		ok(sg_fsm_next_states(&sg_enquiry_machine, SG_ENQ_NOT_INVOKED, next) == 0, "not_invoked is final");
	}

	/* Who decides: the SAM of the leading authority, or an administrator as DSAM. */
	{
		const SgTransition *inv = sg_fsm_transition(&sg_enquiry_machine, SG_ENQ_PROPOSED, SG_ENQ_INVOKED);
		const SgTransition *close = sg_fsm_transition(&sg_enquiry_machine, SG_ENQ_QUALITY_ASSURANCE, SG_ENQ_CLOSED);
		int			sam = 0,
					admin = 0,
					other = 0;

		for (int i = 0; i < inv->npermits; i++)
		{
			if (inv->permits[i].duty == SG_DUTY_SAM && inv->permits[i].org == SG_ACT_FOR_RECIPIENT_LA)
				sam = 1;
			else if (inv->permits[i].duty == SG_DUTY_ADMIN)
				admin = 1;
			else
				other = 1;
		}
		ok(sam && admin && !other, "invoking: the SAM of the leading authority or an administrator (DSAM), nobody else");
		ok(sg_column_listed(close->required, "lessons_learnt") &&
		   sg_column_listed(close->required, "sab_report_at") &&
		   sg_column_listed(close->required, "sab_report_reference") &&
		   sg_column_listed(close->required, "qa_outcome"),
		   "closing requires QA outcome, lessons learnt and the SAB report");
		ok(sg_column_listed(inv->required, "risk_level"), "invoking requires the risk level");
	}

	/* Every required column is supplied; no stamped column is supplied. */
	for (int i = 0; i < sg_enquiry_machine.ntransitions; i++)
	{
		const SgTransition *t = &sg_enquiry_machine.transitions[i];
		int			good = 1;

		for (int c = 0; c < SG_MAX_COLUMNS && t->required[c]; c++)
			good &= sg_column_listed(t->supplied, t->required[c]);
		for (int c = 0; c < SG_MAX_COLUMNS && t->stamped[c]; c++)
			good &= !sg_column_listed(t->supplied, t->stamped[c]);
		ok(good, "%s -> %s: required columns are supplied, stamped ones are not",
		   sg_fsm_state_name(&sg_enquiry_machine, t->from), sg_fsm_state_name(&sg_enquiry_machine, t->to));
	}

	/* Names round-trip; others are refused. */
	for (int s = 0; s < SG_NENQSTAGES; s++)
	{
		int			back = -1;

		ok(sg_fsm_state_parse(&sg_enquiry_machine, sg_fsm_state_name(&sg_enquiry_machine, s), &back) && back == s,
		   "stage %s round-trips", sg_fsm_state_name(&sg_enquiry_machine, s));
	}
	{
		int			s = -1;

		ok(!sg_fsm_state_parse(&sg_enquiry_machine, "Closed", &s) &&
		   !sg_fsm_state_parse(&sg_enquiry_machine, "", &s) && s == -1,
		   "unknown stage names are refused");
		ok(strcmp(sg_fsm_state_name(&sg_enquiry_machine, 99), "?") == 0, "out-of-range stage prints ?");
	}
}

/* The audit encoding is length-prefixed, numbered and unambiguous. */
static void
test_audit_encoding(void)
{
	unsigned char a[64],
				b[64];
	size_t		na,
				nb;

	na = sg_encode_field(a, 258, "abc", 3, false);
	ok(na == SG_FIELD_HEADER + 3 && a[0] == 1 && a[1] == 2 && a[2] == 0 &&
	   a[3] == 0 && a[4] == 0 && a[5] == 0 && a[6] == 3 && memcmp(a + 7, "abc", 3) == 0,
	   "a field is number (2 bytes BE), null flag, length (4 bytes BE), bytes");
	ok(sg_encode_field(NULL, 1, "abc", 3, false) == na, "a NULL buffer only measures");
	na = sg_encode_field(a, 1, "x", 1, true);
	ok(na == SG_FIELD_HEADER && a[2] == 1 && a[6] == 0, "NULL is flagged and has no bytes");
	nb = sg_encode_field(b, 1, "", 0, false);
	ok(nb == na && memcmp(a, b, na) != 0, "NULL and the empty string encode differently");

	/* "ab"+"c" and "a"+"bc" must not collide once encoded. */
	na = sg_encode_field(a, 1, "ab", 2, false);
	na += sg_encode_field(a + na, 2, "c", 1, false);
	nb = sg_encode_field(b, 1, "a", 1, false);
	nb += sg_encode_field(b + nb, 2, "bc", 2, false);
	ok(na == nb && memcmp(a, b, na) != 0, "moving a byte between fields changes the encoding");
	na = sg_encode_field(a, 1, "v", 1, false);
	nb = sg_encode_field(b, 2, "v", 1, false);
	ok(memcmp(a, b, na) != 0, "the same value in another field encodes differently");
	{
		char		big[300];

		memset(big, 'z', sizeof(big));
		na = sg_encode_field(a, 3, big, 40, false);
		ok(na == SG_FIELD_HEADER + 40 && a[6] == 40, "lengths are exact");
		ok(sg_encode_field(NULL, 3, big, 300, false) == SG_FIELD_HEADER + 300 &&
		   (sg_encode_field(a, 3, big, 0x1234, true), a[5] == 0 && a[6] == 0),
		   "a NULL's length is 0 whatever length is passed");
	}
}

/* The actions every guard and require_duty() read: complete, and the duty check exact. */
static void
test_actions(void)
{
	static const char *const names[] = {
		"log_concern", "triage_concern", "regulator_decision", "allocate_referral",
		"correct_referral", "propose_provider_enquiry", "add_enquiry_location",
		"record_threshold", "correct_provider_enquiry", "appoint_to_enquiry",
		"record_enquiry_meeting", "add_meeting_attendee", "record_commissioning_decision",
		"record_finding", "issue_improvement_plan", "add_plan_item", "update_plan_item",
		"provider_progress", "respond_to_plan", "record_qa_activity",
		"record_enquiry_notification", "consume_outbox", "decide_concern", "allocate_enquiry",
		"record_strategy_discussion", "make_safeguarding_plan", "review_safeguarding_plan"};
	int			n = (int) (sizeof(names) / sizeof(names[0]));
	int			complete = 0;
	const SgAction *log;
	const SgAction *decision;

	for (int i = 0; i < n; i++)
	{
		const SgAction *a = sg_action_find(names[i]);
		bool		good = a != NULL && strcmp(a->name, names[i]) == 0 &&
			a->description != NULL && a->description[0] != '\0' &&
			a->npermits >= 1 && a->npermits <= SG_ACTION_MAX_PERMITS;

		for (int p = 0; good && p < a->npermits; p++)
			for (int q = p + 1; q < a->npermits; q++)
				if (a->permits[p].duty == a->permits[q].duty && a->permits[p].org == a->permits[q].org)
					good = false;
		complete += good;
	}
	ok(complete == n, "every action named by the guards and the SQL functions exists, with a description and 1-%d distinct permits", SG_ACTION_MAX_PERMITS);
	ok(sg_action_find("send_referral") == NULL && sg_action_find("") == NULL,
	   "transitions are not actions (their permits are in their machines)");

	log = sg_action_find("log_concern");
	ok(sg_permits_duty_held(log->permits, log->npermits, SG_DUTY_BIT(SG_DUTY_INSPECTOR), SG_ORG_REGULATOR),
	   "an inspector acting for the regulator may log a concern");
	ok(!sg_permits_duty_held(log->permits, log->npermits, SG_DUTY_BIT(SG_DUTY_INSPECTOR), SG_ORG_LOCAL_AUTHORITY),
	   "an inspector's duty held for a local authority does not count (the permit acts for the regulator)");
	ok(sg_permits_duty_held(log->permits, log->npermits, SG_DUTY_BIT(SG_DUTY_LA_OFFICER), SG_ORG_LOCAL_AUTHORITY),
	   "an LA officer may log a concern (which authority is the guard's to decide)");
	ok(!sg_permits_duty_held(log->permits, log->npermits, SG_DUTY_BIT(SG_DUTY_SAM) | SG_DUTY_BIT(SG_DUTY_READER),
							 SG_ORG_LOCAL_AUTHORITY),
	   "a SAM and a reader may not log a concern");
	decision = sg_action_find("regulator_decision");
	ok(!sg_permits_duty_held(decision->permits, decision->npermits, SG_DUTY_BIT(SG_DUTY_LA_OFFICER),
							 SG_ORG_LOCAL_AUTHORITY),
	   "refer_to_la and regulatory_action_only are the regulator's decisions, never an LA officer's");
	ok(!sg_permits_duty_held(log->permits, log->npermits, 0, SG_ORG_REGULATOR),
	   "no duty, no action");
	{
		int			integration_actions = 0;

		for (int i = 0; i < n; i++)
			for (int k = 0; k < SG_NORGKINDS; k++)
				if (sg_action_find(names[i]) != NULL &&
					sg_permits_duty_held(sg_action_find(names[i])->permits, sg_action_find(names[i])->npermits,
										 SG_DUTY_BIT(SG_DUTY_INTEGRATION), (SgOrgKind) k) &&
					strcmp(names[i], "consume_outbox") != 0)
					integration_actions++;
		ok(integration_actions == 0 &&
		   sg_permits_duty_held(sg_action_find("consume_outbox")->permits, sg_action_find("consume_outbox")->npermits,
								SG_DUTY_BIT(SG_DUTY_INTEGRATION), SG_ORG_LOCAL_AUTHORITY),
		   "the integration duty consumes the outbox and takes no other action");
	}
}

/* The rules of the enquiry records: one per record table, found by name, consistent. */
static void
test_enquiry_records(void)
{
	/* the record tables the install script puts enquiry_record_guard on */
	static const char *const tables[] = {
		"enquiry_location", "enquiry_criterion", "enquiry_appointment", "enquiry_meeting",
		"meeting_attendee", "commissioning_decision", "enquiry_finding", "improvement_plan",
		"plan_item", "qa_activity", "enquiry_notification"};
	int			n = (int) (sizeof(tables) / sizeof(tables[0]));
	int			found = 0;
	int			actions = 0;
	int			stages = 0;
	int			stamps = 0;
	int			parents = 0;
	uint32_t	final = SG_STAGE_BIT(SG_ENQ_NOT_INVOKED) | SG_STAGE_BIT(SG_ENQ_CLOSED);

	ok(n == SG_NRECORDS, "one rule per record table (%d tables, %d rules)", n, (int) SG_NRECORDS);
	for (int i = 0; i < n; i++)
	{
		const SgEnquiryRecordRule *r = sg_enquiry_record_find(tables[i]);

		if (r != NULL && strcmp(r->table, tables[i]) == 0 &&
			sg_enquiry_record_rule(r->record) == r && (int) r->record == i)
			found++;
		else
			ok(0, "rule of %s", tables[i]);
		if (r == NULL)
			continue;
		/* a single action permits the record, except where the permit needs the record */
		if (r->action != NULL ? sg_action_find(r->action) != NULL :
			(r->record == SG_REC_COMMISSIONING || r->record == SG_REC_FINDING))
			actions++;
		else
			ok(0, "the permit of %s", tables[i]);
		if ((r->stages & ~((1u << SG_NENQSTAGES) - 1)) == 0 && (r->stages & final) == 0 &&
			(r->stages == 0 ? (r->record == SG_REC_MEETING && !r->stage_in_check) :
			 (r->stage_what != NULL && r->stage_what[0] != '\0' &&
			  r->stage_when != NULL && r->stage_when[0] != '\0')))
			stages++;
		else
			ok(0, "the stages of %s", tables[i]);
		{
			bool		good = r->nstamped >= 0 && r->nstamped <= SG_REC_MAX_STAMPED &&
				r->audit_key != NULL;

			for (int c = 0; good && c < r->nstamped; c++)
				good = r->stamped[c] != NULL && r->stamped[c][0] != '\0';
			stamps += good;
		}
		if ((r->parent_table == NULL) == (r->parent_column == NULL))
			parents++;
	}
	ok(found == n, "every record table's rule is found by its name and by its record");
	ok(actions == n, "every rule's action exists in the actions table (commissioning decisions and findings decide their own permit)");
	ok(stages == n, "every rule accepts only stages of the machine, never a final one, and says when the record belongs (meetings decide by their kind)");
	ok(stamps == n, "every rule stamps at most %d named columns and names its audit key", SG_REC_MAX_STAMPED);
	ok(parents == n, "a rule names a parent table exactly when it names the parent column");
	ok(sg_enquiry_record_find("provider_enquiry") == NULL && sg_enquiry_record_find("") == NULL &&
	   sg_enquiry_record_find("plan_item ") == NULL,
	   "tables without a rule (the enquiry itself, near misses) are not found");
	ok(sg_enquiry_record_rule(SG_NRECORDS) == NULL && sg_enquiry_record_rule((SgEnquiryRecord) -1) == NULL,
	   "records out of range have no rule");
	ok(sg_enquiry_record_find("enquiry_criterion")->updatable &&
	   sg_enquiry_record_find("improvement_plan")->updatable &&
	   sg_enquiry_record_find("plan_item")->updatable &&
	   !sg_enquiry_record_find("enquiry_finding")->updatable &&
	   !sg_enquiry_record_find("enquiry_meeting")->updatable,
	   "only threshold answers, the plan (the provider's response) and plan items (progress) change");
	ok(sg_enquiry_record_find("improvement_plan")->provider_answers &&
	   sg_enquiry_record_find("plan_item")->provider_answers &&
	   sg_enquiry_record_find("commissioning_decision")->funders_record &&
	   !sg_enquiry_record_find("enquiry_finding")->provider_answers &&
	   !sg_enquiry_record_find("enquiry_finding")->funders_record,
	   "the provider answers only its plan; only commissioning decisions are recorded by other funders");
	ok(sg_enquiry_record_find("meeting_attendee")->parent_table != NULL &&
	   strcmp(sg_enquiry_record_find("meeting_attendee")->audit_key, "meeting_id") == 0 &&
	   strcmp(sg_enquiry_record_find("plan_item")->parent_column, "plan_id") == 0,
	   "attendees find their enquiry through their meeting, plan items through their plan");
}

/* The deadline kinds: each name maps to its enum and back, and to the table of safeguard.deadline_kind. */
static void
test_deadline_kinds(void)
{
	/* the (kind, subject) rows of safeguard.deadline_kind in the install scripts */
	static const struct
	{
		const char *kind;
		const char *subject;
	}			rows[] = {
		{"triage", "concern"}, {"send", "referral"}, {"send_immediate", "referral"},
		{"la_acknowledgement", "referral"}, {"la_outcome", "referral"},
		{"la_outcome_escalation", "referral"}, {"feedback", "referral"},
		{"initial_meeting", "provider_enquiry"}, {"initial_meeting_major", "provider_enquiry"},
		{"fact_finding", "provider_enquiry"}, {"provider_response", "provider_enquiry"},
		{"quality_assurance", "provider_enquiry"}, {"delay_meeting", "provider_enquiry"},
		{"enquiry_contact", "la_enquiry"}, {"enquiry_conclusion", "la_enquiry"},
		{"enquiry_feedback", "la_enquiry"}, {"strategy_discussion", "la_enquiry"},
		{"plan_review", "la_enquiry"},
		{"audit_acknowledgement", "case_file_audit"}, {"audit_action", "audit_action"},
		{"sar_decision", "sar_referral"}, {"sar_completion", "sar_referral"},
		{"caused_report", "caused_enquiry"}};
	int			n = (int) (sizeof(rows) / sizeof(rows[0]));
	int			good = 0;
	int			round = 0;
	SgDeadlineKind k;
	SgDeadlineSubject s;

	ok(n == SG_NDEADLINEKINDS, "one enum value per deadline kind (%d rows, %d values)", n, (int) SG_NDEADLINEKINDS);
	for (int i = 0; i < n; i++)
		if (sg_deadline_kind_parse(rows[i].kind, &k) &&
			strcmp(sg_deadline_kind_name(k), rows[i].kind) == 0 &&
			strcmp(sg_deadline_subject_name(sg_deadline_kind_subject(k)), rows[i].subject) == 0)
			good++;
		else
			ok(0, "deadline kind %s", rows[i].kind);
	ok(good == n, "every kind parses, names itself back, and belongs to its row's subject table");
	for (int i = 0; i < SG_NDEADLINEKINDS; i++)
		round += sg_deadline_kind_parse(sg_deadline_kind_name((SgDeadlineKind) i), &k) && (int) k == i;
	for (int i = 0; i < SG_NSUBJECTS; i++)
		round += sg_deadline_subject_parse(sg_deadline_subject_name((SgDeadlineSubject) i), &s) && (int) s == i;
	ok(round == SG_NDEADLINEKINDS + SG_NSUBJECTS, "every enum value's name parses back to it (kinds and subjects)");
	ok(!sg_deadline_kind_parse("", &k) && !sg_deadline_kind_parse("Send", &k) &&
	   !sg_deadline_kind_parse("referral", &k) && !sg_deadline_subject_parse("deadline", &s) &&
	   !sg_deadline_subject_parse("send", &s),
	   "unknown names, other case and the other map's names do not parse");
	ok(strcmp(sg_deadline_kind_name(SG_NDEADLINEKINDS), "?") == 0 &&
	   strcmp(sg_deadline_kind_name((SgDeadlineKind) -1), "?") == 0 &&
	   strcmp(sg_deadline_subject_name(SG_NSUBJECTS), "?") == 0 &&
	   sg_deadline_kind_subject(SG_NDEADLINEKINDS) == SG_NSUBJECTS,
	   "values out of range have no name and no subject");
}

int
main(void)
{
	test_enquiry_transitions();
	test_actions();
	test_enquiry_records();
	test_deadline_kinds();
	test_audit_encoding();
	printf("1..%d\n", tests_run);
	if (tests_failed)
		fprintf(stderr, "# failed %d of %d tests\n", tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
