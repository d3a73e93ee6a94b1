/*
 * referral.c
 *		Referrals to local authorities: the state machine of referral_fsm.c
 *		applied to every row change, from any client path.
 *
 * Owns the triggers referral_guard (BEFORE INSERT OR UPDATE OR DELETE) and
 * referral_after (AFTER UPDATE).
 *
 * Invariants (the regulator's incident made impossible):
 *	- A referral is created only by a refer_to_la triage decision, in
 *	  awaiting_send; it is never deleted.
 *	- Every update is either a transition listed in the table, made by a
 *	  duty the table permits acting for the organisation it names, or a
 *	  correction of the local authority contact or reference.  Anything else
 *	  raises SG201 naming both states, or 42501 naming the duty required.
 *	- A transition may change only the columns it supplies; the columns it
 *	  stamps (who, for which organisation, when) are set here and cannot be
 *	  supplied or edited; all other columns keep their values.  So a row
 *	  cannot be inserted already sent, and who sent it cannot be edited.
 *	- Deadlines are closed met or breached, and the next ones opened, by
 *	  the AFTER trigger once the row is final.
 *	- The outcome's Safeguarding Adults Collection answers (capacity,
 *	  advocacy, Making Safeguarding Personal) are consistent: none without
 *	  an enquiry, advocacy only for an adult who lacked capacity, an
 *	  achievement exactly when outcomes were expressed.
 *	- Allocation to a named worker (the way out of the "virtual worker"
 *	  caseload) is made by the recipient local authority's officers or
 *	  managers, to one of their own, while the referral is with them; who
 *	  allocated and when are stamped.
 *	- A referral sent to an authority that receives referrals as concerns
 *	  arrives as its concern and follows the council's records of it
 *	  (referral_arrival.c): no client makes its LA-side transitions or
 *	  allocation (SG222).
 * The checks run in the trigger, so raw UPDATE, INSERT ... ON CONFLICT,
 * MERGE, writable CTEs, COPY and updatable views all meet them.
 */
#include "postgres.h"

#include "actions.h"
#include "audit.h"
#include "deadline.h"
#include "referral_arrival.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"
#include "transition.h"
#include "validate.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_referral_guard);
PG_FUNCTION_INFO_V1(sg_referral_after);
PG_FUNCTION_INFO_V1(sg_referral_not_found);
PG_FUNCTION_INFO_V1(sg_referral_free_text);

/* The SAC label of an expressed-outcomes answer, which asks for an achievement. */
#define MSP_OUTCOMES_EXPRESSED "Yes, they were asked and outcomes were expressed"
#define CAPACITY_LACKED "Yes, they lacked capacity"

/* Raises SG604: an answer given that the other answers rule out. */
static void
refuse_answer(int64 id, const char *column, const char *why, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_INCONSISTENT_ANSWERS),
			 errmsg("referral " INT64_FORMAT ": %s cannot be recorded", id, column),
			 errdetail("%s", why),
			 errhint("%s", hint)));
}

/*
 * The outcome's Safeguarding Adults Collection answers must agree with each
 * other and with the decision.  Absent answers are allowed (the return
 * counts them as not recorded; report_data_quality lists them).  Columns
 * added in version 1.1 are skipped on an older schema.
 */
static void
check_sac_answers(HeapTuple tup, TupleDesc desc, const char *decision, int64 id)
{
	static const char *const answers[] = {"lacked_capacity", "advocate_supported",
	"msp_asked", "msp_achieved"};
	char	   *capacity;
	char	   *asked;
	bool		advocate_null,
				achieved_null;

	if (!sg_has_column(desc, "msp_achieved"))
		return;
	if (decision && strcmp(decision, "no_enquiry") == 0)
	{
		for (int i = 0; i < lengthof(answers); i++)
		{
			bool		isnull;

			(void) sg_get(tup, desc, answers[i], &isnull);
			if (!isnull)
				refuse_answer(id, answers[i],
							  "The local authority decided to make no enquiry.",
							  "Capacity, advocacy and Making Safeguarding Personal are recorded for enquiries only.");
		}
		return;
	}
	capacity = sg_get_label(tup, desc, "lacked_capacity");
	asked = sg_get_label(tup, desc, "msp_asked");
	(void) sg_get(tup, desc, "advocate_supported", &advocate_null);
	(void) sg_get(tup, desc, "msp_achieved", &achieved_null);
	if (!advocate_null && (capacity == NULL || strcmp(capacity, CAPACITY_LACKED) != 0))
		refuse_answer(id, "advocate_supported",
					  psprintf("lacked_capacity is %s.", capacity ? capacity : "not recorded"),
					  "Advocacy support is recorded for an adult who lacked capacity; set lacked_capacity first.");
	if (asked && strcmp(asked, MSP_OUTCOMES_EXPRESSED) == 0 && achieved_null)
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("referral " INT64_FORMAT ": msp_achieved is required", id),
				 errdetail("msp_asked is \"%s\".", asked),
				 errhint("Record whether the outcomes the adult expressed were fully, partially or not achieved.")));
	if (!achieved_null && (asked == NULL || strcmp(asked, MSP_OUTCOMES_EXPRESSED) != 0))
		refuse_answer(id, "msp_achieved",
					  psprintf("msp_asked is %s.", asked ? asked : "not recorded"),
					  "An achievement is recorded only when the adult was asked and expressed outcomes.");
}

/* State-specific rules beyond the table: outcome and feedback requirements. */
static void
check_transition_rules(const SgTransition *t, HeapTuple oldtup,
					   HeapTuple newtup, TupleDesc desc, int64 id)
{
	bool		isnull;

	switch (t->to)
	{
		case SG_REF_SENT:
			sg_check_event_time(newtup, desc, "sent_at",
							 sg_get_ts(oldtup, desc, "created_at", &isnull),
							 "the referral's creation");
			if (sg_organisation_kind(sg_get_int64(newtup, desc, "la_id")) != SG_ORG_LOCAL_AUTHORITY)
				ereport(ERROR,
						(errcode(ERRCODE_SG_INVALID_ORGANISATION),
						 errmsg("a referral is sent to a local authority"),
						 errhint("la_id names a local authority from safeguard.organisation.")));
			break;
		case SG_REF_ACKNOWLEDGED:
			sg_check_event_time(newtup, desc, "acknowledged_at",
							 sg_get_ts(oldtup, desc, "sent_at", &isnull), "sent_at");
			break;
		case SG_REF_DECIDED:
			sg_require_rationale(newtup, desc, "la_decision_rationale",
							  "the local authority's decision");
			break;
		case SG_REF_OUTCOME_RECORDED:
			{
				char	   *decision = sg_get_label(oldtup, desc, "la_decision");
				char	   *result = sg_get_label(newtup, desc, "action_result");
				char	   *send = sg_deadline_status(SG_DL_SEND, id);
				char	   *send_now = sg_deadline_status(SG_DL_SEND_IMMEDIATE, id);

				if (decision && strcmp(decision, "no_enquiry") != 0)
					sg_require_column(&sg_referral_machine, newtup, desc, "action_result", t->to);
				check_sac_answers(newtup, desc, decision, id);
				if (result && (strcmp(result, "Risk identified and action taken") == 0 ||
							   strcmp(result, "Risk Assessment inconclusive and action taken") == 0))
					sg_require_column(&sg_referral_machine, newtup, desc, "risk_outcome", t->to);
				if (strcmp(send, "breached") == 0 || strcmp(send_now, "breached") == 0)
				{
					(void) sg_get(newtup, desc, "harm_from_delay", &isnull);
					if (isnull)
						ereport(ERROR,
								(errcode(ERRCODE_SG_REQUIRED_FIELD),
								 errmsg("referral " INT64_FORMAT " was sent late: record whether the delay caused harm", id),
								 errdetail("harm_from_delay is empty and the send deadline was breached."),
								 errhint("Set harm_from_delay to harm, no_harm, inconclusive or not_determined.")));
				}
				break;
			}
		case SG_REF_CLOSED:
			{
				bool		at_null,
							method_null;
				char	   *waived = sg_get_cstring(newtup, desc, "feedback_waived_reason");
				bool		waived_given = waived && sg_text_present(waived, strlen(waived));

				(void) sg_get(newtup, desc, "feedback_at", &at_null);
				(void) sg_get(newtup, desc, "feedback_method", &method_null);
				if (waived_given ? !(at_null && method_null) : (at_null || method_null))
					ereport(ERROR,
							(errcode(ERRCODE_SG_REQUIRED_FIELD),
							 errmsg("closing referral " INT64_FORMAT " needs the feedback to the referrer", id),
							 errdetail("Record feedback_at and feedback_method, or feedback_waived_reason (e.g. an anonymous referrer), not both."),
							 errhint("Partners who raised a concern must hear back.")));
				sg_check_event_time(newtup, desc, "feedback_at",
								 sg_get_ts(oldtup, desc, "outcome_at", &isnull), "the outcome");
				break;
			}
		case SG_REF_WITHDRAWN:
			sg_require_rationale(newtup, desc, "withdrawal_rationale", "a withdrawal");
			break;
		default:
			break;
	}
}

/* How the referral guard applies its machine. */
static const char *const corrections[] = {"la_contact", "la_reference", NULL};

/* Returns how the referral guard applies its machine (correctors from actions.c). */
static const SgGuardSpec *
referral_spec(void)
{
	static SgGuardSpec spec;

	if (spec.machine == NULL)
	{
		const SgAction *correct = sg_action_find("correct_referral");

		spec.state_column = "state";
		spec.corrections = corrections;
		spec.correctors = correct->permits;
		spec.ncorrectors = correct->npermits;
		spec.rules = check_transition_rules;
		spec.hint = "A referral leaves the send queue only by being sent or withdrawn.";
		spec.machine = &sg_referral_machine;
	}
	return &spec;
}

/*
 * An update that changes allocated_to and nothing else (of the client's
 * columns): allocation to a named worker of the recipient local authority,
 * or back to the unallocated queue (NULL), while the referral is with it.
 */
static HeapTuple
allocate(TriggerData *td, int64 id, int64 la_id)
{
	int			state = sg_row_state(&sg_referral_machine, td->tg_newtuple,
									 RelationGetDescr(td->tg_relation), "state");

	return sg_allocate_update(td, &sg_referral_machine, "allocate_referral", id, la_id,
							  state != SG_REF_AWAITING_SEND &&
							  !sg_referral_state_is_final((SgReferralState) state),
							  "A referral is allocated between being sent and being closed.", true,
							  "Allocate to an officer or manager of the recipient local authority (safeguard.grant_duty).");
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON referral. */
Datum
sg_referral_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "referral_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	oldtup = td->tg_trigtuple;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("referrals", "deleted",
						 "A referral leaves the send queue only by being sent or withdrawn (safeguard.withdraw_referral).");
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		if (!sg_internal_writing())
			ereport(ERROR,
					(errcode(ERRCODE_SG_FORGED_COLUMN),
					 errmsg("referrals are created by a refer_to_la triage decision"),
					 errdetail("A referral row cannot be inserted directly."),
					 errhint("Record the decision with safeguard.triage_concern(); the referral follows in awaiting_send.")));
		if (sg_row_state(&sg_referral_machine, oldtup, desc, "state") != SG_REF_AWAITING_SEND)
			elog(ERROR, "safeguard: a referral starts in awaiting_send");
		return PointerGetDatum(oldtup);
	}
	if (!sg_internal_writing())
		sg_referral_refuse_if_arrived(td);
	if (sg_is_allocation(td, &sg_referral_machine))
		return PointerGetDatum(allocate(td, sg_get_int64(oldtup, desc, "id"),
										sg_get_int64(oldtup, desc, "la_id")));
	return PointerGetDatum(sg_guard_update(td, referral_spec(),
										   sg_get_int64(oldtup, desc, "id"),
										   sg_get_int64(oldtup, desc, "la_id")));
}

/*
 * Trigger: AFTER UPDATE ON referral: records deadlines met or breached and
 * opens the next ones; closes the case when the referral's work is done.
 */
Datum
sg_referral_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "referral_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	oldtup = td->tg_trigtuple;
	HeapTuple	newtup = td->tg_newtuple;
	int			from = sg_row_state(&sg_referral_machine, oldtup, desc, "state");
	int			to = sg_row_state(&sg_referral_machine, newtup, desc, "state");
	int64		id = sg_get_int64(newtup, desc, "id");
	int64		case_id = sg_get_int64(newtup, desc, "case_id");
	int64		la_id = sg_get_int64(newtup, desc, "la_id");
	bool		isnull;

	if (from == to)
		return PointerGetDatum(NULL);
	switch (to)
	{
		case SG_REF_SENT:
			{
				TimestampTz sent = sg_get_ts(newtup, desc, "sent_at", &isnull);

				sg_deadline_close(SG_DL_SEND, id, sent);
				sg_deadline_close(SG_DL_SEND_IMMEDIATE, id, sent);
				sg_deadline_open(SG_DL_LA_ACKNOWLEDGEMENT, id, case_id, la_id, sent);
				sg_deadline_open(SG_DL_LA_OUTCOME, id, case_id, la_id, sent);
				sg_deadline_open(SG_DL_LA_OUTCOME_ESCALATION, id, case_id, la_id, sent);
				sg_referral_arrive(id);
				break;
			}
		case SG_REF_ACKNOWLEDGED:
			sg_deadline_close(SG_DL_LA_ACKNOWLEDGEMENT, id,
							  sg_get_ts(newtup, desc, "acknowledged_at", &isnull));
			break;
		case SG_REF_OUTCOME_RECORDED:
			{
				TimestampTz at = sg_get_ts(newtup, desc, "outcome_at", &isnull);

				/* an outcome before acknowledgement was recorded implies it */
				sg_deadline_close(SG_DL_LA_ACKNOWLEDGEMENT, id, at);
				sg_deadline_close(SG_DL_LA_OUTCOME, id, at);
				sg_deadline_close(SG_DL_LA_OUTCOME_ESCALATION, id, at);
				sg_deadline_open(SG_DL_FEEDBACK, id, case_id, la_id, at);
				break;
			}
		case SG_REF_CLOSED:
			{
				TimestampTz at = sg_get_ts(newtup, desc, "feedback_at", &isnull);

				if (isnull)
					sg_deadline_cancel_all(SG_SUBJECT_REFERRAL, id, sg_get_ts(newtup, desc, "closed_at", &isnull));
				else
					sg_deadline_close(SG_DL_FEEDBACK, id, at);
				sg_case_close_if_done(case_id, sg_now());
				break;
			}
		case SG_REF_WITHDRAWN:
			sg_deadline_cancel_all(SG_SUBJECT_REFERRAL, id, sg_get_ts(newtup, desc, "withdrawn_at", &isnull));
			sg_case_close_if_done(case_id, sg_now());
			break;
		default:
			break;
	}
	return PointerGetDatum(NULL);
}

/* SQL: referral_not_found(id) raises SG208 (used by the workflow wrappers). */
Datum
sg_referral_not_found(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_NOT_FOUND),
			 errmsg("referral " INT64_FORMAT " does not exist or is not visible to you",
					PG_GETARG_INT64(0)),
			 errhint("Check the referral number; local authority staff see only their own authority's referrals.")));
	PG_RETURN_VOID();
}

/*
 * SQL: referral_free_text(referral_id bigint, column text) -> text: the
 * referral's la_contact or la_reference for a caller who works its
 * casework (the regulator's staff, the recipient authority's staff), NULL
 * for anyone else.  Those columns are free text that can hold names and NHS
 * numbers; performance readers hold no privilege on them, and the report
 * views that list them read them through this function, so a reader's view
 * shows NULL where an officer's shows the text.  Both columns of a referral
 * come from one lookup, kept for the rest of the statement.
 */
Datum
sg_referral_free_text(PG_FUNCTION_ARGS)
{
	static int64 cached_id = 0;
	static LocalTransactionId cached_lxid = InvalidLocalTransactionId;
	static TimestampTz cached_stmt = 0;
	static Oid	cached_user = InvalidOid;
	static char *cached[2];		/* la_contact, la_reference; in TopMemoryContext */
	static bool visible;
	int64		id;
	char	   *column;
	int			which;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	id = PG_GETARG_INT64(0);
	column = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (strcmp(column, "la_contact") == 0)
		which = 0;
	else if (strcmp(column, "la_reference") == 0)
		which = 1;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("referral_free_text reads la_contact or la_reference"),
				 errdetail("The column given is \"%s\".", column),
				 errhint("Name one of the two.")));

	if (id != cached_id || MyProc->lxid != cached_lxid ||
		GetCurrentStatementStartTimestamp() != cached_stmt || GetUserId() != cached_user)
	{
		Oid			types[1] = {INT8OID};
		Datum		values[1] = {Int64GetDatum(id)};

		cached_id = 0;
		for (int i = 0; i < 2; i++)
		{
			if (cached[i])
				pfree(cached[i]);
			cached[i] = NULL;
		}
		visible = false;
		sg_spi_connect();
		if (sg_exec_internal("SELECT la_id, la_contact, la_reference FROM safeguard.referral "
							 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values, NULL) == 1)
		{
			HeapTuple	tup = SPI_tuptable->vals[0];
			TupleDesc	tdesc = SPI_tuptable->tupdesc;
			bool		isnull;
			int64		la_id = DatumGetInt64(SPI_getbinval(tup, tdesc, 1, &isnull));

			/* as row-level security: roles that bypass it see the text too */
			visible = superuser_arg(GetUserId()) || has_bypassrls_privilege(GetUserId()) ||
				sg_actor_may_see_la(sg_current_actor(), la_id);
			for (int i = 0; visible && i < 2; i++)
			{
				Datum		v = SPI_getbinval(tup, tdesc, i + 2, &isnull);

				if (!isnull)
				{
					MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

					cached[i] = TextDatumGetCString(v);
					MemoryContextSwitchTo(old);
				}
			}
		}
		sg_spi_finish();
		cached_id = id;
		cached_lxid = MyProc->lxid;
		cached_stmt = GetCurrentStatementStartTimestamp();
		cached_user = GetUserId();
	}
	if (!visible || cached[which] == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(cached[which]));
}
