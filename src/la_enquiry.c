/*
 * la_enquiry.c
 *		The council pathway: a local authority's decision on its own concern,
 *		and the enquiry (section 42 or other) that decision opens, with the
 *		machine of la_enquiry_fsm.c applied to every row change, from any
 *		client path.
 *
 * Owns the triggers concern_decision_guard (BEFORE), concern_decision_after
 * (AFTER INSERT), la_enquiry_guard (BEFORE), la_enquiry_after (AFTER
 * UPDATE), la_enquiry_strategy_guard, la_enquiry_plan_guard and
 * la_enquiry_plan_review_guard (BEFORE) with their AFTER INSERT triggers,
 * and the SQL predicate works_for_la().
 *
 * Invariants:
 *	- A concern decision is made on a concern its own local authority logged
 *	  (a concern the regulator logged is the regulator's to triage: SG214),
 *	  by an LA officer or SAM of that authority, with a rationale and the
 *	  three s42(1) threshold answers; no_enquiry names the action taken
 *	  instead, an enquiry never does (SG215).  It is final, and a concern
 *	  has either a triage decision or a concern decision, never both
 *	  (SG204, serialised on the case's lock as triage is).
 *	- An enquiry is created only by a section_42_enquiry or other_enquiry
 *	  decision, in decided; never deleted.  Every update is a transition of
 *	  the table (or a SAM's reallocation of an allocated or started enquiry),
 *	  made by a duty it permits for the enquiry's authority; only the
 *	  transition's columns change; who, for which organisation and when are
 *	  stamped here.
 *	- Only the allocated officer, or a SAM, starts and concludes an enquiry
 *	  (SG216); the officer allocated holds la_officer or sam for the
 *	  authority (SG602).
 *	- The start records Making Safeguarding Personal (asked, and what the
 *	  adult wanted or why not asked), capacity, and an advocate arranged or
 *	  why not (SG217); for an adult who has died (the concern's date of
 *	  death) none of these applies and none may be given (SG218), and the
 *	  conclusion records whether a Safeguarding Adults Review referral was
 *	  considered (SG219).
 *	- The conclusion records the SAC outcome: types, location and source of
 *	  risk, action and result, the risk outcome when action was taken on a
 *	  risk identified or inconclusive (SG219), and how far expressed
 *	  outcomes were achieved exactly when outcomes were expressed (SG219,
 *	  SG604).
 *	- An enquiry is neither concluded nor closed while an enquiry it caused
 *	  another organisation to make is open (SG229, caused_enquiry.c).
 *	- Closure is a SAM's, with the feedback to the referrer (time and
 *	  method) or the reason it cannot be given, not both, and the feedback
 *	  to the adult (time) or the reason not, unless the adult has died
 *	  (SG220, SG218).
 *	- A strategy discussion or meeting (la_enquiry_strategy) is recorded by
 *	  the allocated officer or a SAM while the enquiry is allocated or in
 *	  progress (SG221), with who attended and what was decided (SG202); it
 *	  is never changed.  The first one judges the strategy_discussion
 *	  deadline (5 working days from the decision) met or breached: measured
 *	  when held, never chased.
 *	- A safeguarding plan (la_enquiry_plan, one per enquiry) is made while
 *	  the enquiry is in progress or concluded, by the allocated officer or a
 *	  SAM; it opens the plan_review deadline (30 working days).  Each review
 *	  (la_enquiry_plan_review) meets it and, unless the review ends the
 *	  plan, opens the next from the review; an ended plan is not reviewed
 *	  again (SG221).  Plans and reviews are never changed.
 *	- Deadlines: the decision meets the concern's triage deadline and opens
 *	  enquiry_contact and enquiry_conclusion; the start meets the first, the
 *	  conclusion the second and opens enquiry_feedback, which closure meets
 *	  (or cancels, when no feedback can be given).
 * The checks run in the triggers, so raw INSERT and UPDATE, MERGE,
 * writable CTEs and COPY all meet them.
 */
#include "postgres.h"

#include "actions.h"
#include "audit.h"
#include "concern.h"
#include "deadline.h"
#include "la_enquiry.h"
#include "la_enquiry_fsm.h"
#include "referral_arrival.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"
#include "transition.h"
#include "validate.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_concern_decision_guard);
PG_FUNCTION_INFO_V1(sg_concern_decision_after);
PG_FUNCTION_INFO_V1(sg_la_enquiry_guard);
PG_FUNCTION_INFO_V1(sg_la_enquiry_after);
PG_FUNCTION_INFO_V1(sg_works_for_la);
PG_FUNCTION_INFO_V1(sg_la_enquiry_strategy_guard);
PG_FUNCTION_INFO_V1(sg_la_enquiry_strategy_after);
PG_FUNCTION_INFO_V1(sg_la_enquiry_plan_guard);
PG_FUNCTION_INFO_V1(sg_la_enquiry_plan_after);
PG_FUNCTION_INFO_V1(sg_la_enquiry_plan_review_guard);
PG_FUNCTION_INFO_V1(sg_la_enquiry_plan_review_after);

/* The SAC labels the rules read. */
#define MSP_OUTCOMES_EXPRESSED "Yes, they were asked and outcomes were expressed"
#define MSP_NOT_ASKED "No"
#define MSP_DONT_KNOW "Don't know"

/* Returns true when a text is present (non-null, not blank). */
static bool
present(const char *s)
{
	return s != NULL && sg_text_present(s, strlen(s));
}

/* Returns true when a column is NULL. */
static bool
is_null(HeapTuple tup, TupleDesc desc, const char *column)
{
	bool		isnull;

	(void) sg_get(tup, desc, column, &isnull);
	return isnull;
}

/* Raises SG203 when a column safeguard records was supplied. */
static void
refuse_supplied(HeapTuple tup, TupleDesc desc, const char *column)
{
	if (!is_null(tup, desc, column))
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("column %s is recorded by safeguard", column),
				 errdetail("The statement supplied a value for %s.", column),
				 errhint("Leave it out; safeguard fills it in.")));
}

/*
 * The start of every record guard of the pathway (strategy discussions,
 * plans, reviews): records are never deleted nor changed (SG204, with the
 * hints given), and the columns safeguard stamps are never supplied (SG203).
 */
static void
refuse_record_change(TriggerData *td, HeapTuple tup, TupleDesc desc, const char *what,
					 const char *deleted_hint, const char *changed_hint,
					 const char *const *stamped, int nstamped)
{
	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change(what, "deleted", deleted_hint);
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		sg_refuse_change(what, "changed", changed_hint);
	for (int i = 0; i < nstamped; i++)
		refuse_supplied(tup, desc, stamped[i]);
}

/*
 * Raises SG202 (message msg, hint) when a record's event time (column) is
 * empty, then checks it is neither in the future nor before since (SG211).
 */
static void
require_event_time(HeapTuple tup, TupleDesc desc, const char *column, const char *msg,
				   const char *hint, TimestampTz since, const char *since_what)
{
	if (is_null(tup, desc, column))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("%s", msg),
				 errdetail("%s is empty.", column),
				 errhint("%s", hint)));
	sg_check_event_time(tup, desc, column, since, since_what);
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON concern_decision. */
Datum
sg_concern_decision_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "concern_decision_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	SgDecisionConcern c;
	const SgActor *actor;
	SgDuty		duty;
	char	   *decision;
	bool		no_enquiry;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("concern decisions", "deleted", "A decision is kept with its rationale.");
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		sg_refuse_change("concern decisions", "changed",
						 "A concern decision is final; log a further concern if the picture changes.");
	actor = sg_decision_begin(tup, desc, "Decide on a concern of your own authority from safeguard.concern.", &c);
	duty = sg_require_action(actor, "decide_concern", c.la_id);
	if (c.logged_org_id != c.la_id)
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_COUNCIL_CONCERN),
				 errmsg("concern " INT64_FORMAT " was not logged by its local authority", c.concern_id),
				 errdetail("It was logged for organisation " INT64_FORMAT "; a concern the regulator logged is the regulator's to triage.",
						   c.logged_org_id),
				 errhint("The regulator's decision reaches the authority as a referral (safeguard.decide_referral).")));

	sg_decision_refuse_second(c.concern_id, c.case_id);
	sg_decision_require_reasons(tup, desc, "a concern decision");
	decision = sg_require_label(tup, desc, "decision", "a concern decision",
								"Decide section_42_enquiry, other_enquiry or no_enquiry.");
	no_enquiry = strcmp(decision, "no_enquiry") == 0;
	if (no_enquiry == is_null(tup, desc, "alternative_action"))
		ereport(ERROR,
				(errcode(ERRCODE_SG_ALTERNATIVE_ACTION),
				 no_enquiry ? errmsg("a decision to make no enquiry needs the action taken instead")
				 : errmsg("a decision to make an enquiry takes no alternative action"),
				 errdetail("decision is %s; alternative_action is %s.", decision,
						   no_enquiry ? "empty" : "given"),
				 no_enquiry ? errhint("Record alternative_action: information_and_advice, signposting, care_act_assessment, other_agency_leads or other.")
				 : errhint("Leave alternative_action empty; the enquiry is the action.")));
	return PointerGetDatum(sg_decision_stamp(td, tup, actor, duty, &c));
}

/*
 * Trigger: AFTER INSERT ON concern_decision: meets the concern's triage
 * deadline; an enquiry decision creates the enquiry in decided and opens its
 * contact and conclusion deadlines; no_enquiry may close the case.
 */
Datum
sg_concern_decision_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "concern_decision_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	int64		la_id = sg_get_int64(td->tg_trigtuple, desc, "la_id");
	int64		concern_id;
	int64		case_id;
	TimestampTz decided_at;
	char	   *decision = sg_decision_after_begin(td, &concern_id, &case_id, &decided_at);

	sg_referral_follow_decision(concern_id, decision);
	if (strcmp(decision, "no_enquiry") != 0)
	{
		Oid			types[4] = {INT8OID, TIMESTAMPTZOID, OIDOID, TEXTOID};
		Datum		values[4];
		int64		enquiry_id;

		values[0] = Int64GetDatum(concern_id);
		values[1] = TimestampTzGetDatum(decided_at);
		values[2] = ObjectIdGetDatum(sg_acting_userid());
		values[3] = CStringGetTextDatum(decision);
		sg_spi_connect();
		sg_exec_internal("INSERT INTO safeguard.la_enquiry (concern_id, case_id, la_id, kind, "
						 "decided_at, decided_by, adult_date_of_death) "
						 "SELECT c.id, c.case_id, c.la_id, $4::safeguard.la_decision, $2, "
						 "$3::pg_catalog.regrole, c.adult_date_of_death "
						 "FROM safeguard.concern c WHERE c.id OPERATOR(pg_catalog.=) $1 "
						 "RETURNING id", 4, types, values, NULL);
		enquiry_id = sg_spi_int64(0, 1, 0);
		sg_spi_finish();
		sg_deadline_open(SG_DL_ENQUIRY_CONTACT, enquiry_id, case_id, la_id, decided_at);
		sg_deadline_open(SG_DL_ENQUIRY_CONCLUSION, enquiry_id, case_id, la_id, decided_at);
	}
	else
		sg_case_close_if_done(case_id, decided_at);
	return PointerGetDatum(NULL);
}

/* Raises SG216 unless the actor is a SAM of the authority or the enquiry's allocated officer. */
static void
require_allocated_officer(HeapTuple oldtup, TupleDesc desc, int64 id, const char *what)
{
	const SgActor *a = sg_current_actor();
	int64		la_id = sg_get_int64(oldtup, desc, "la_id");
	bool		isnull;
	Oid			allocated = DatumGetObjectId(sg_get(oldtup, desc, "allocated_to", &isnull));

	if (sg_actor_has(a, SG_DUTY_SAM) && a->org_id == la_id)
		return;
	if (!isnull && allocated == a->userid)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_SG_NOT_ALLOCATED_OFFICER),
			 errmsg("enquiry " INT64_FORMAT " is not allocated to you", id),
			 errdetail("Only the officer it is allocated to, or a safeguarding adults manager of the authority, may %s it.", what),
			 errhint("Ask a manager to reallocate the enquiry (safeguard.allocate_enquiry).")));
}

/* Raises SG217: an answer of Making Safeguarding Personal, capacity or advocacy is missing. */
static void
msp_missing(int64 id, const char *column, const char *why, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_MSP_INCOMPLETE),
			 errmsg("enquiry " INT64_FORMAT " cannot start without %s", id, column),
			 errdetail("%s", why),
			 errhint("%s", hint)));
}

/* Raises SG218: an answer given for an adult who has died. */
static void
not_applicable(int64 id, const char *column)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_NOT_APPLICABLE_DECEASED),
			 errmsg("enquiry " INT64_FORMAT ": %s does not apply to an adult who has died", id, column),
			 errdetail("The concern records a date of death: this is a retrospective enquiry."),
			 errhint("Leave capacity, advocacy and Making Safeguarding Personal empty (not applicable).")));
}

/* The start: Making Safeguarding Personal, capacity and advocacy, or none for an adult who died. */
static void
check_start(HeapTuple tup, TupleDesc desc, int64 id)
{
	static const char *const answers[] = {"msp_asked", "msp_outcomes_wanted", "msp_not_asked_reason",
	"lacked_capacity", "advocate_arranged", "advocate_not_arranged_reason"};
	char	   *asked;
	bool		isnull;

	if (!is_null(tup, desc, "adult_date_of_death"))
	{
		for (int i = 0; i < lengthof(answers); i++)
			if (!is_null(tup, desc, answers[i]))
				not_applicable(id, answers[i]);
		return;
	}
	asked = sg_get_label(tup, desc, "msp_asked");
	if (asked == NULL)
		msp_missing(id, "msp_asked", "Whether the adult was asked what outcomes they want is not recorded.",
					"Ask the adult (or their representative) at the start, and record the answer.");
	if (strcmp(asked, MSP_OUTCOMES_EXPRESSED) == 0 &&
		!present(sg_get_cstring(tup, desc, "msp_outcomes_wanted")))
		msp_missing(id, "msp_outcomes_wanted", "The adult expressed outcomes; what they said is not recorded.",
					"Record the outcomes the adult wants, in their words.");
	if ((strcmp(asked, MSP_NOT_ASKED) == 0 || strcmp(asked, MSP_DONT_KNOW) == 0) &&
		!present(sg_get_cstring(tup, desc, "msp_not_asked_reason")))
		msp_missing(id, "msp_not_asked_reason", "The adult was not asked (or it is not known); why is not recorded.",
					"Record why the adult was not asked what outcomes they want.");
	if (is_null(tup, desc, "lacked_capacity"))
		msp_missing(id, "lacked_capacity", "Capacity in relation to the enquiry is not recorded.",
					"Record whether the adult lacks capacity to make decisions about the enquiry.");
	if (is_null(tup, desc, "advocate_arranged"))
		msp_missing(id, "advocate_arranged", "Whether an independent advocate was arranged is not recorded.",
					"Record whether an advocate was arranged (Care Act s68), and if not, why.");
	if (!DatumGetBool(sg_get(tup, desc, "advocate_arranged", &isnull)) &&
		!present(sg_get_cstring(tup, desc, "advocate_not_arranged_reason")))
		msp_missing(id, "advocate_not_arranged_reason", "No advocate was arranged; why is not recorded.",
					"Record why: e.g. no substantial difficulty, or an appropriate person supports the adult.");
}

/* Raises SG219: the conclusion lacks an answer the others call for. */
static void
outcome_missing(int64 id, const char *column, const char *why, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_OUTCOME_INCOMPLETE),
			 errmsg("enquiry " INT64_FORMAT " cannot conclude without %s", id, column),
			 errdetail("%s", why),
			 errhint("%s", hint)));
}

/* The conclusion: the SAC outcome, agreeing with the start. */
static void
check_conclusion(HeapTuple tup, TupleDesc desc, int64 id)
{
	bool		isnull;
	Datum		risks = sg_get(tup, desc, "risk_types", &isnull);
	char	   *result = sg_get_label(tup, desc, "action_result");
	char	   *asked = sg_get_label(tup, desc, "msp_asked");
	bool		deceased = !is_null(tup, desc, "adult_date_of_death");
	bool		expressed = asked != NULL && strcmp(asked, MSP_OUTCOMES_EXPRESSED) == 0;

	if (!isnull && (ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(risks)),
								   ARR_DIMS(DatumGetArrayTypeP(risks))) == 0 ||
					array_contains_nulls(DatumGetArrayTypeP(risks))))
		outcome_missing(id, "risk_types", "risk_types is empty or holds an empty element.",
						"Record the types of risk the enquiry found, in the SAC vocabulary.");
	if (result && (strcmp(result, "Risk identified and action taken") == 0 ||
				   strcmp(result, "Risk Assessment inconclusive and action taken") == 0) &&
		is_null(tup, desc, "risk_outcome"))
		outcome_missing(id, "risk_outcome", psprintf("action_result is \"%s\".", result),
						"Record whether the risk remained, was reduced or was removed.");
	if (expressed && is_null(tup, desc, "msp_achieved"))
		outcome_missing(id, "msp_achieved", "The adult expressed outcomes at the start.",
						"Record whether those outcomes were fully, partially or not achieved.");
	if (!expressed && !is_null(tup, desc, "msp_achieved"))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INCONSISTENT_ANSWERS),
				 errmsg("enquiry " INT64_FORMAT ": msp_achieved cannot be recorded", id),
				 errdetail("msp_asked is %s.", asked ? asked : "not applicable"),
				 errhint("An achievement is recorded only when the adult was asked and expressed outcomes.")));
	if (deceased && is_null(tup, desc, "sar_considered"))
		outcome_missing(id, "sar_considered", "The adult has died.",
						"Record whether a Safeguarding Adults Review referral was considered.");
}

/* The closure: feedback to the referrer, or why it cannot be given. */
static void
check_closure(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc, int64 id)
{
	bool		isnull;
	bool		at_null = is_null(newtup, desc, "feedback_at");
	bool		method_null = is_null(newtup, desc, "feedback_method");
	bool		reason = present(sg_get_cstring(newtup, desc, "feedback_not_given_reason"));

	if (reason ? !(at_null && method_null) : (at_null || method_null))
		ereport(ERROR,
				(errcode(ERRCODE_SG_FEEDBACK_REQUIRED),
				 errmsg("closing enquiry " INT64_FORMAT " needs the feedback to the referrer", id),
				 errdetail("Record feedback_at and feedback_method, or feedback_not_given_reason (an anonymous referrer, the adult declined), not both."),
				 errhint("Partners who raised a concern must hear back on the outcome.")));
	sg_check_event_time(newtup, desc, "feedback_at",
						sg_get_ts(oldtup, desc, "concluded_at", &isnull), "the conclusion");

	/* the adult hears the outcome too, unless they have died */
	at_null = is_null(newtup, desc, "adult_feedback_at");
	reason = present(sg_get_cstring(newtup, desc, "adult_feedback_not_given_reason"));
	if (!is_null(newtup, desc, "adult_date_of_death"))
	{
		if (!at_null || !is_null(newtup, desc, "adult_feedback_not_given_reason"))
			not_applicable(id, "feedback to the adult");
		return;
	}
	if (reason == !at_null)
		ereport(ERROR,
				(errcode(ERRCODE_SG_FEEDBACK_REQUIRED),
				 errmsg("closing enquiry " INT64_FORMAT " needs the feedback to the adult", id),
				 errdetail("Record adult_feedback_at, or adult_feedback_not_given_reason, not both."),
				 errhint("The adult (or their representative) hears what the enquiry found and what happens next.")));
	sg_check_event_time(newtup, desc, "adult_feedback_at",
						sg_get_ts(oldtup, desc, "concluded_at", &isnull), "the conclusion");
}

/* The enquiry's rules beyond the table, by the state moved to. */
static void
check_transition_rules(const SgTransition *t, HeapTuple oldtup,
					   HeapTuple newtup, TupleDesc desc, int64 id)
{
	int64		la_id = sg_get_int64(oldtup, desc, "la_id");
	bool		isnull;
	Oid			to;

	switch (t->to)
	{
		case SG_LAE_ALLOCATED:
			to = DatumGetObjectId(sg_get(newtup, desc, "allocated_to", &isnull));
			if (!isnull &&
				!sg_role_holds_duty_for(to, SG_DUTY_BIT(SG_DUTY_LA_OFFICER) | SG_DUTY_BIT(SG_DUTY_SAM), la_id))
				ereport(ERROR,
						(errcode(ERRCODE_SG_ALLOCATION),
						 errmsg("role %u cannot be allocated enquiry " INT64_FORMAT, to, id),
						 errdetail("The role holds no la_officer or sam duty for local authority " INT64_FORMAT ".", la_id),
						 errhint("Allocate to an officer or manager of the enquiry's authority (safeguard.grant_duty).")));
			break;
		case SG_LAE_IN_PROGRESS:
			require_allocated_officer(oldtup, desc, id, "start");
			check_start(newtup, desc, id);
			break;
		case SG_LAE_CONCLUDED:
			require_allocated_officer(oldtup, desc, id, "conclude");
			sg_caused_enquiries_refuse_open(id, sg_get_int64(oldtup, desc, "case_id"), "conclude");
			check_conclusion(newtup, desc, id);
			break;
		case SG_LAE_CLOSED:
			sg_caused_enquiries_refuse_open(id, sg_get_int64(oldtup, desc, "case_id"), "close");
			check_closure(oldtup, newtup, desc, id);
			break;
		default:
			break;
	}
}

/* Returns how the enquiry guard applies its machine. */
static const SgGuardSpec *
la_enquiry_spec(void)
{
	static const SgGuardSpec spec = {
		&sg_la_enquiry_machine, "state", NULL, NULL, 0, check_transition_rules,
		"An enquiry moves decided -> allocated -> in_progress -> concluded -> closed, through the workflow functions."
	};

	return &spec;
}

/*
 * An update that changes allocated_to and nothing else of an allocated or
 * started enquiry: a SAM's reallocation to another officer of the
 * authority.
 */
static HeapTuple
reallocate(TriggerData *td, int64 id, int64 la_id)
{
	int			state = sg_row_state(&sg_la_enquiry_machine, td->tg_newtuple,
									 RelationGetDescr(td->tg_relation), "state");

	return sg_allocate_update(td, &sg_la_enquiry_machine, "allocate_enquiry", id, la_id,
							  state == SG_LAE_ALLOCATED || state == SG_LAE_IN_PROGRESS,
							  "An enquiry is first allocated from decided (safeguard.allocate_enquiry), and reallocated until it concludes.",
							  false, "Reallocate to a named officer or manager of the authority (safeguard.grant_duty).");
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON la_enquiry. */
Datum
sg_la_enquiry_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "la_enquiry_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	oldtup = td->tg_trigtuple;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("enquiries", "deleted", "An enquiry is closed by a manager (safeguard.close_enquiry), never deleted.");
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		if (!sg_internal_writing())
			ereport(ERROR,
					(errcode(ERRCODE_SG_FORGED_COLUMN),
					 errmsg("enquiries are created by a concern decision"),
					 errdetail("An enquiry row cannot be inserted directly."),
					 errhint("Record the decision with safeguard.decide_concern(); the enquiry follows in decided.")));
		if (sg_row_state(&sg_la_enquiry_machine, oldtup, desc, "state") != SG_LAE_DECIDED)
			elog(ERROR, "safeguard: an enquiry starts in decided");
		return PointerGetDatum(oldtup);
	}
	if (sg_is_allocation(td, &sg_la_enquiry_machine) &&
		sg_row_state(&sg_la_enquiry_machine, oldtup, desc, "state") != SG_LAE_DECIDED)
		return PointerGetDatum(reallocate(td, sg_get_int64(oldtup, desc, "id"),
										  sg_get_int64(oldtup, desc, "la_id")));
	return PointerGetDatum(sg_guard_update(td, la_enquiry_spec(),
										   sg_get_int64(oldtup, desc, "id"),
										   sg_get_int64(oldtup, desc, "la_id")));
}

/*
 * Trigger: AFTER UPDATE ON la_enquiry: records the enquiry's deadlines met
 * or breached, opens the feedback deadline, and closes the case when its
 * work is done.
 */
Datum
sg_la_enquiry_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "la_enquiry_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	newtup = td->tg_newtuple;
	int			from = sg_row_state(&sg_la_enquiry_machine, td->tg_trigtuple, desc, "state");
	int			to = sg_row_state(&sg_la_enquiry_machine, newtup, desc, "state");
	int64		id = sg_get_int64(newtup, desc, "id");
	int64		case_id = sg_get_int64(newtup, desc, "case_id");
	int64		la_id = sg_get_int64(newtup, desc, "la_id");
	bool		isnull;

	sg_referral_follow_enquiry(td->tg_trigtuple, newtup, desc);
	if (from == to)
		return PointerGetDatum(NULL);
	switch (to)
	{
		case SG_LAE_IN_PROGRESS:
			sg_deadline_close(SG_DL_ENQUIRY_CONTACT, id, sg_get_ts(newtup, desc, "started_at", &isnull));
			break;
		case SG_LAE_CONCLUDED:
			{
				TimestampTz at = sg_get_ts(newtup, desc, "concluded_at", &isnull);

				sg_deadline_close(SG_DL_ENQUIRY_CONCLUSION, id, at);
				sg_deadline_open(SG_DL_ENQUIRY_FEEDBACK, id, case_id, la_id, at);
				break;
			}
		case SG_LAE_CLOSED:
			{
				TimestampTz at = sg_get_ts(newtup, desc, "feedback_at", &isnull);

				if (isnull)
					sg_deadline_cancel_all(SG_SUBJECT_LA_ENQUIRY, id,
										   sg_get_ts(newtup, desc, "closed_at", &isnull));
				else
					sg_deadline_close(SG_DL_ENQUIRY_FEEDBACK, id, at);
				sg_case_close_if_done(case_id, sg_now());
				break;
			}
		default:
			break;
	}
	return PointerGetDatum(NULL);
}

/*
 * SQL: works_for_la(la_id bigint) -> boolean: the row-level security
 * predicate of the council pathway's casework (concern decisions,
 * enquiries): the authority's own staff (officers, managers, enquiry
 * officers, commissioners, administrators) see its rows; nobody else does,
 * the regulator's staff included (they see the referrals they sent, not a
 * council's own enquiries).
 */
Datum
sg_works_for_la(PG_FUNCTION_ARGS)
{
	const SgActor *a;

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	a = sg_current_actor();
	PG_RETURN_BOOL(a->org_kind == SG_ORG_LOCAL_AUTHORITY && a->org_id == PG_GETARG_INT64(0) &&
				   sg_actor_may_see_la(a, PG_GETARG_INT64(0)));
}

typedef SgLaEnquiryInfo EnquiryInfo;

/*
 * Loads an enquiry for a record about it and checks the actor: SG208 unless
 * it exists and the actor is on its authority's staff; 42501 unless the
 * actor holds the action's duty there; SG216 unless the actor is its
 * allocated officer or a SAM of the authority.  Returns the duty used.
 */
SgDuty
sg_la_enquiry_load_for_record(int64 enquiry_id, const char *action, const char *what, EnquiryInfo *e)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(enquiry_id)};
	bool		found;
	const SgActor *actor;
	SgDuty		duty;

	memset(e, 0, sizeof(*e));
	e->id = enquiry_id;
	e->allocated_null = true;
	sg_spi_connect();
	sg_exec_internal("SELECT la_id, case_id, state::pg_catalog.text, decided_at, allocated_to::pg_catalog.oid "
					 "FROM safeguard.la_enquiry WHERE id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL);
	found = SPI_processed == 1;
	if (found)
	{
		bool		isnull;

		e->la_id = sg_spi_int64(0, 1, 0);
		e->case_id = sg_spi_int64(0, 2, 0);
		e->state = sg_spi_text(0, 3);
		e->decided_at = DatumGetTimestampTz(sg_spi_value(0, 4, &isnull));
		e->allocated = DatumGetObjectId(sg_spi_value(0, 5, &e->allocated_null));
	}
	sg_spi_finish();
	actor = sg_current_actor();
	if (!found || !(actor->org_kind == SG_ORG_LOCAL_AUTHORITY && actor->org_id == e->la_id &&
					sg_actor_may_see_la(actor, e->la_id)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("enquiry " INT64_FORMAT " does not exist or is not visible to you", enquiry_id),
				 errhint("Local authority staff see only their own authority's enquiries.")));
	duty = sg_require_action(actor, action, e->la_id);
	if (!(sg_actor_has(actor, SG_DUTY_SAM) && actor->org_id == e->la_id) &&
		(e->allocated_null || e->allocated != actor->userid))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_ALLOCATED_OFFICER),
				 errmsg("enquiry " INT64_FORMAT " is not allocated to you", enquiry_id),
				 errdetail("Only the officer it is allocated to, or a safeguarding adults manager of the authority, may record its %s.", what),
				 errhint("Ask a manager to reallocate the enquiry (safeguard.allocate_enquiry).")));
	return duty;
}

/* Raises SG221 unless the enquiry is in one of two states. */
static void
require_enquiry_state(const EnquiryInfo *e, const char *s1, const char *s2, const char *what)
{
	if (strcmp(e->state, s1) == 0 || strcmp(e->state, s2) == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_SG_ENQUIRY_RECORD_STATE),
			 errmsg("%s cannot be recorded on enquiry " INT64_FORMAT, what, e->id),
			 errdetail("The enquiry is %s.", e->state),
			 errhint("It is recorded while the enquiry is %s or %s.", s1, s2)));
}

/* Stamps a record's la_id, case_id and recorded_by, recorded_org_id, recorded_at. */
static HeapTuple
stamp_record(HeapTuple tup, TupleDesc desc, const EnquiryInfo *e)
{
	const SgActor *actor = sg_current_actor();
	const char *cols[5] = {"la_id", "case_id", "recorded_by", "recorded_org_id", "recorded_at"};
	Datum		vals[5];
	bool		nulls[5] = {false, false, false, false, false};

	vals[0] = Int64GetDatum(e->la_id);
	vals[1] = Int64GetDatum(e->case_id);
	vals[2] = ObjectIdGetDatum(actor->userid);
	vals[3] = Int64GetDatum(actor->org_id);
	vals[4] = TimestampTzGetDatum(sg_now());
	return sg_set(tup, desc, lengthof(cols), cols, vals, nulls);
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON la_enquiry_strategy. */
Datum
sg_la_enquiry_strategy_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "la_enquiry_strategy_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	static const char *const stamped[] = {"la_id", "case_id", "recorded_by", "recorded_org_id", "recorded_at"};
	EnquiryInfo e;
	SgDuty		duty;

	refuse_record_change(td, tup, desc, "strategy discussions", "A record of a discussion is kept.",
						 "Record a further discussion if the strategy changed.", stamped, lengthof(stamped));
	duty = sg_la_enquiry_load_for_record(sg_get_int64(tup, desc, "enquiry_id"), "record_strategy_discussion",
								   "strategy discussions", &e);
	require_enquiry_state(&e, "allocated", "in_progress", "a strategy discussion");
	sg_require_text(tup, desc, "attendees", "who attended", "Name the people and agencies who took part.");
	sg_require_text(tup, desc, "decisions", "what was decided", "Record the decisions and who will do what.");
	require_event_time(tup, desc, "held_at", "a strategy discussion records when it was held",
					   "Record when the discussion or meeting took place.", e.decided_at,
					   "the decision that opened the enquiry");
	tup = stamp_record(tup, desc, &e);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, "id"), duty);
	return PointerGetDatum(tup);
}

/*
 * Trigger: AFTER INSERT ON la_enquiry_strategy: the enquiry's first strategy
 * discussion judges the strategy_discussion deadline, counted from the
 * decision, met or breached at the time it was held.
 */
Datum
sg_la_enquiry_strategy_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "la_enquiry_strategy_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	int64		enquiry_id = sg_get_int64(tup, desc, "enquiry_id");
	bool		isnull;
	TimestampTz held_at = sg_get_ts(tup, desc, "held_at", &isnull);
	TimestampTz decided_at = 0;
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(enquiry_id)};

	if (sg_deadline_status(SG_DL_STRATEGY_DISCUSSION, enquiry_id)[0] != '\0')
		return PointerGetDatum(NULL);
	sg_spi_connect();
	if (sg_exec_internal("SELECT decided_at FROM safeguard.la_enquiry WHERE id OPERATOR(pg_catalog.=) $1",
						 1, types, values, NULL) == 1)
		decided_at = DatumGetTimestampTz(sg_spi_value(0, 1, &isnull));
	sg_spi_finish();
	sg_deadline_open(SG_DL_STRATEGY_DISCUSSION, enquiry_id, sg_get_int64(tup, desc, "case_id"),
					 sg_get_int64(tup, desc, "la_id"), decided_at);
	sg_deadline_close(SG_DL_STRATEGY_DISCUSSION, enquiry_id, held_at);
	return PointerGetDatum(NULL);
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON la_enquiry_plan. */
Datum
sg_la_enquiry_plan_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "la_enquiry_plan_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	static const char *const stamped[] = {"la_id", "case_id", "recorded_by", "recorded_org_id", "recorded_at"};
	EnquiryInfo e;
	SgDuty		duty;
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	uint64		n;

	refuse_record_change(td, tup, desc, "safeguarding plans",
						 "A plan is ended by a review (safeguard.review_safeguarding_plan).",
						 "Record a review of the plan (safeguard.review_safeguarding_plan).",
						 stamped, lengthof(stamped));
	duty = sg_la_enquiry_load_for_record(sg_get_int64(tup, desc, "enquiry_id"), "make_safeguarding_plan",
								   "safeguarding plan", &e);
	require_enquiry_state(&e, "in_progress", "concluded", "a safeguarding plan");
	values[0] = Int64GetDatum(e.id);
	sg_spi_connect();
	sg_serial_lock(psprintf("case:" INT64_FORMAT, e.case_id));
	n = sg_query_internal_latest("SELECT 1 FROM safeguard.la_enquiry_plan WHERE enquiry_id OPERATOR(pg_catalog.=) $1",
								 1, types, values, NULL);
	sg_spi_finish();
	if (n > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_IMMUTABLE_RECORD),
				 errmsg("enquiry " INT64_FORMAT " already has a safeguarding plan", e.id),
				 errdetail("An enquiry has one plan; it changes through its reviews."),
				 errhint("Record a review of the plan (safeguard.review_safeguarding_plan).")));
	sg_require_text(tup, desc, "summary", "the plan", "Record what will be done, by whom, to keep the adult safe.");
	require_event_time(tup, desc, "made_at", "a safeguarding plan records when it was made",
					   "Record when the plan was agreed.", e.decided_at,
					   "the decision that opened the enquiry");
	tup = stamp_record(tup, desc, &e);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, "id"), duty);
	return PointerGetDatum(tup);
}

/* Trigger: AFTER INSERT ON la_enquiry_plan: opens the plan's review deadline. */
Datum
sg_la_enquiry_plan_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "la_enquiry_plan_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	bool		isnull;

	sg_deadline_open(SG_DL_PLAN_REVIEW, sg_get_int64(tup, desc, "enquiry_id"),
					 sg_get_int64(tup, desc, "case_id"), sg_get_int64(tup, desc, "la_id"),
					 sg_get_ts(tup, desc, "made_at", &isnull));
	return PointerGetDatum(NULL);
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON la_enquiry_plan_review. */
Datum
sg_la_enquiry_plan_review_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "la_enquiry_plan_review_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	static const char *const stamped[] = {"enquiry_id", "la_id", "case_id", "recorded_by",
	"recorded_org_id", "recorded_at"};
	int64		plan_id;
	int64		enquiry_id = 0;
	TimestampTz since = 0;
	bool		ended = false;
	bool		found;
	EnquiryInfo e;
	SgDuty		duty;
	const char *col[1] = {"enquiry_id"};
	Datum		val[1];
	bool		null[1] = {false};

	refuse_record_change(td, tup, desc, "plan reviews", "A review is kept.", "Record a further review.",
						 stamped, lengthof(stamped));
	plan_id = sg_get_int64(tup, desc, "plan_id");
	{
		Oid			types[1] = {INT8OID};
		Datum		values[1] = {Int64GetDatum(plan_id)};

		sg_spi_connect();
		sg_exec_internal("SELECT p.enquiry_id, greatest(p.made_at, max(r.reviewed_at)), "
						 "coalesce(bool_or(r.plan_ended), false) "
						 "FROM safeguard.la_enquiry_plan p "
						 "LEFT JOIN safeguard.la_enquiry_plan_review r ON r.plan_id OPERATOR(pg_catalog.=) p.id "
						 "WHERE p.id OPERATOR(pg_catalog.=) $1 GROUP BY p.id",
						 1, types, values, NULL);
		found = SPI_processed == 1;
		if (found)
		{
			bool		isnull;

			enquiry_id = sg_spi_int64(0, 1, 0);
			since = DatumGetTimestampTz(sg_spi_value(0, 2, &isnull));
			ended = sg_spi_bool(0, 3, false);
		}
		sg_spi_finish();
	}
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("safeguarding plan " INT64_FORMAT " does not exist or is not visible to you", plan_id),
				 errhint("Local authority staff see only their own authority's plans.")));
	duty = sg_la_enquiry_load_for_record(enquiry_id, "review_safeguarding_plan", "plan reviews", &e);
	if (ended)
		ereport(ERROR,
				(errcode(ERRCODE_SG_ENQUIRY_RECORD_STATE),
				 errmsg("safeguarding plan " INT64_FORMAT " has ended", plan_id),
				 errdetail("A review ended it."),
				 errhint("A plan that has ended is not reviewed again.")));
	sg_require_text(tup, desc, "outcome", "the review's outcome", "Record what the review found and what changes.");
	require_event_time(tup, desc, "reviewed_at", "a plan review records when it took place",
					   "Record when the plan was reviewed.", since, "the plan or its last review");
	val[0] = Int64GetDatum(enquiry_id);
	tup = sg_set(tup, desc, 1, col, val, null);
	tup = stamp_record(tup, desc, &e);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, "id"), duty);
	return PointerGetDatum(tup);
}

/*
 * Trigger: AFTER INSERT ON la_enquiry_plan_review: meets the plan's review
 * deadline and, unless the review ended the plan, opens the next one from
 * the review.
 */
Datum
sg_la_enquiry_plan_review_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "la_enquiry_plan_review_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	int64		enquiry_id = sg_get_int64(tup, desc, "enquiry_id");
	bool		isnull;
	TimestampTz at = sg_get_ts(tup, desc, "reviewed_at", &isnull);

	sg_deadline_close(SG_DL_PLAN_REVIEW, enquiry_id, at);
	if (!DatumGetBool(sg_get(tup, desc, "plan_ended", &isnull)))
		sg_deadline_open(SG_DL_PLAN_REVIEW, enquiry_id, sg_get_int64(tup, desc, "case_id"),
						 sg_get_int64(tup, desc, "la_id"), at);
	return PointerGetDatum(NULL);
}
