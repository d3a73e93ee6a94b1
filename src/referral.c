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
 * The checks run in the trigger, so raw UPDATE, INSERT ... ON CONFLICT,
 * MERGE, writable CTEs, COPY and updatable views all meet them.
 */
#include "postgres.h"

#include "audit.h"
#include "deadline.h"
#include "safeguard.h"
#include "sg_errcodes.h"
#include "validate.h"

#include "access/sysattr.h"
#include "catalog/pg_type.h"
#include "nodes/bitmapset.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_referral_guard);
PG_FUNCTION_INFO_V1(sg_referral_after);
PG_FUNCTION_INFO_V1(sg_referral_not_found);

/* Columns any update may correct without a transition, before a final state. */
static const char *const corrections[] = {"la_contact", "la_reference", NULL};

/* Returns the referral state of a tuple. */
static SgReferralState
row_state(HeapTuple tup, TupleDesc desc)
{
	char	   *label = sg_get_label(tup, desc, "state");
	SgReferralState s;

	if (label == NULL || !sg_referral_state_parse(label, &s))
		elog(ERROR, "safeguard: unknown referral state \"%s\"", label ? label : "null");
	return s;
}

/* Raises SG201 for a transition that does not exist. */
static void
refuse_transition(SgReferralState from, SgReferralState to, int64 id)
{
	SgReferralState next[SG_NREFSTATES];
	int			n = sg_referral_next_states(from, next);
	StringInfoData allowed;

	initStringInfo(&allowed);
	for (int i = 0; i < n; i++)
		appendStringInfo(&allowed, "%s%s", i ? ", " : "", sg_referral_state_name(next[i]));
	ereport(ERROR,
			(errcode(ERRCODE_SG_INVALID_TRANSITION),
			 errmsg("referral " INT64_FORMAT " cannot go from %s to %s", id,
					sg_referral_state_name(from), sg_referral_state_name(to)),
			 n > 0 ? errdetail("From %s a referral can go to: %s.",
							   sg_referral_state_name(from), allowed.data)
			 : errdetail("%s is a final state.", sg_referral_state_name(from)),
			 errhint("A referral leaves the send queue only by being sent or withdrawn.")));
}

/* Returns a timestamptz column, or 0 when NULL (*isnull set). */
static TimestampTz
get_ts(HeapTuple tup, TupleDesc desc, const char *column, bool *isnull)
{
	Datum		v = sg_get(tup, desc, column, isnull);

	return *isnull ? 0 : DatumGetTimestampTz(v);
}

/* Raises SG211 unless earliest <= t <= now (an event time a person supplied). */
static void
check_event_time(HeapTuple tup, TupleDesc desc, const char *column,
				 TimestampTz earliest, const char *earliest_what)
{
	bool		isnull;
	TimestampTz t = get_ts(tup, desc, column, &isnull);

	if (isnull)
		return;
	if (t > sg_now())
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME),
				 errmsg("%s cannot be in the future", column),
				 errhint("Record when it actually happened.")));
	if (t < earliest)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME),
				 errmsg("%s cannot be earlier than %s", column, earliest_what),
				 errhint("Record when it actually happened.")));
}

/* Raises SG205 unless a rationale column holds text. */
static void
require_rationale(HeapTuple tup, TupleDesc desc, const char *column, const char *what)
{
	char	   *s = sg_get_cstring(tup, desc, column);

	if (s == NULL || !sg_text_present(s, strlen(s)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
				 errmsg("%s needs a rationale", what),
				 errdetail("%s is empty.", column),
				 errhint("Record why; decisions without a recorded rationale cannot be audited.")));
}

/* Raises SG202 for a missing column. */
static void
require_column(HeapTuple tup, TupleDesc desc, const char *column,
			   SgReferralState to)
{
	bool		isnull;

	(void) sg_get(tup, desc, column, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("%s is required to move a referral to %s", column,
						sg_referral_state_name(to)),
				 errhint("Supply %s in the same statement.", column)));
}

/* State-specific rules beyond the table: outcome and feedback requirements. */
static void
check_transition_rules(const SgReferralTransition *t, HeapTuple oldtup,
					   HeapTuple newtup, TupleDesc desc, int64 id)
{
	bool		isnull;

	switch (t->to)
	{
		case SG_REF_SENT:
			check_event_time(newtup, desc, "sent_at",
							 get_ts(oldtup, desc, "created_at", &isnull),
							 "the referral's creation");
			if (sg_organisation_kind(sg_get_int64(newtup, desc, "la_id")) != SG_ORG_LOCAL_AUTHORITY)
				ereport(ERROR,
						(errcode(ERRCODE_SG_INVALID_ORGANISATION),
						 errmsg("a referral is sent to a local authority"),
						 errhint("la_id names a local authority from safeguard.organisation.")));
			break;
		case SG_REF_ACKNOWLEDGED:
			check_event_time(newtup, desc, "acknowledged_at",
							 get_ts(oldtup, desc, "sent_at", &isnull), "sent_at");
			break;
		case SG_REF_DECIDED:
			require_rationale(newtup, desc, "la_decision_rationale",
							  "the local authority's decision");
			break;
		case SG_REF_OUTCOME_RECORDED:
			{
				char	   *decision = sg_get_label(oldtup, desc, "la_decision");
				char	   *result = sg_get_label(newtup, desc, "action_result");
				char	   *send = sg_deadline_status("referral", id, "send");
				char	   *send_now = sg_deadline_status("referral", id, "send_immediate");

				if (decision && strcmp(decision, "no_enquiry") != 0)
					require_column(newtup, desc, "action_result", t->to);
				if (result && (strcmp(result, "Risk identified and action taken") == 0 ||
							   strcmp(result, "Risk Assessment inconclusive and action taken") == 0))
					require_column(newtup, desc, "risk_outcome", t->to);
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
				check_event_time(newtup, desc, "feedback_at",
								 get_ts(oldtup, desc, "outcome_at", &isnull), "the outcome");
				break;
			}
		case SG_REF_WITHDRAWN:
			require_rationale(newtup, desc, "withdrawal_rationale", "a withdrawal");
			break;
		default:
			break;
	}
}

/*
 * Checks that only the given columns changed; raises SG203 naming the first
 * other column that did.
 */
static void
check_changed_columns(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc,
					  const char *const *allowed, const char *when)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);

		if (att->attisdropped || strcmp(name, "state") == 0)
			continue;
		if (sg_column_unchanged(oldtup, newtup, desc, i + 1))
			continue;
		if (allowed && sg_column_listed(allowed, name))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("column %s cannot change %s", name, when),
				 errdetail("Each transition changes only its own columns; who acted and when is recorded by safeguard."),
				 errhint("Change the state and that transition's columns together, through the workflow functions (see the README).")));
	}
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON referral. */
Datum
sg_referral_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "referral_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	oldtup = td->tg_trigtuple;
	HeapTuple	newtup;
	SgReferralState from,
				to;
	const SgReferralTransition *t;
	const SgActor *actor;
	SgDuty		duty;
	int64		id;
	Datum		vals[SG_MAX_COLUMNS];
	bool		nulls[SG_MAX_COLUMNS];
	const char *cols[SG_MAX_COLUMNS];
	int			n = 0;

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
		if (row_state(oldtup, desc) != SG_REF_AWAITING_SEND)
			elog(ERROR, "safeguard: a referral starts in awaiting_send");
		return PointerGetDatum(oldtup);
	}

	newtup = td->tg_newtuple;
	id = sg_get_int64(oldtup, desc, "id");
	from = row_state(oldtup, desc);
	to = row_state(newtup, desc);
	actor = sg_current_actor();

	/* Setting the state to the state it has is an attempt at a transition. */
	if (from == to && td->tg_updatedcols != NULL &&
		bms_is_member(sg_attnum(desc, "state") - FirstLowInvalidHeapAttributeNumber,
					  td->tg_updatedcols))
		refuse_transition(from, to, id);

	if (from == to)
	{
		static const SgPermit correctors[2] = {{SG_DUTY_CONTACT_CENTRE, SG_ACT_FOR_REGULATOR},
		{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}};
		bool		any_change = false;

		for (int i = 0; i < desc->natts && !any_change; i++)
			any_change = !TupleDescAttr(desc, i)->attisdropped &&
				!sg_column_unchanged(oldtup, newtup, desc, i + 1);
		if (!any_change)
			return PointerGetDatum(newtup);
		if (sg_referral_state_is_final(from))
			check_changed_columns(oldtup, newtup, desc, NULL,
								  psprintf("once a referral is %s", sg_referral_state_name(from)));
		check_changed_columns(oldtup, newtup, desc, (const char *const *) corrections,
							  "without a transition");
		duty = sg_require_permit(actor, correctors, 2, sg_get_int64(oldtup, desc, "la_id"),
								 "correct a referral's local authority contact");
		sg_audit_note_duty(RelationGetRelid(td->tg_relation), id, duty);
		return PointerGetDatum(newtup);
	}

	t = sg_referral_transition(from, to);
	if (t == NULL)
		refuse_transition(from, to, id);
	duty = sg_require_permit(actor, t->permits, t->npermits,
							 sg_get_int64(oldtup, desc, "la_id"),
							 psprintf("move referral " INT64_FORMAT " from %s to %s", id,
									  sg_referral_state_name(from), sg_referral_state_name(to)));
	check_changed_columns(oldtup, newtup, desc, t->supplied,
						  psprintf("when a referral moves from %s to %s",
								   sg_referral_state_name(from), sg_referral_state_name(to)));
	/* rationales first: a missing one is SG205, like a blank one */
	check_transition_rules(t, oldtup, newtup, desc, id);
	for (int i = 0; i < SG_MAX_COLUMNS && t->required[i]; i++)
		require_column(newtup, desc, t->required[i], to);

	/* Stamp who, for which organisation, and when: "*_by", "*_org_id", "*_at". */
	for (int i = 0; i < SG_MAX_COLUMNS && t->stamped[i]; i++)
	{
		const char *c = t->stamped[i];
		size_t		len = strlen(c);

		cols[n] = c;
		nulls[n] = false;
		if (len > 3 && strcmp(c + len - 3, "_by") == 0)
			vals[n] = ObjectIdGetDatum(actor->userid);
		else if (len > 7 && strcmp(c + len - 7, "_org_id") == 0)
			vals[n] = Int64GetDatum(actor->org_id);
		else
			vals[n] = TimestampTzGetDatum(sg_now());
		n++;
	}
	newtup = sg_set(newtup, desc, n, cols, vals, nulls);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), id, duty);
	return PointerGetDatum(newtup);
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
	SgReferralState from = row_state(oldtup, desc);
	SgReferralState to = row_state(newtup, desc);
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
				TimestampTz sent = get_ts(newtup, desc, "sent_at", &isnull);

				sg_deadline_close("referral", id, "send", sent);
				sg_deadline_close("referral", id, "send_immediate", sent);
				sg_deadline_open("la_acknowledgement", "referral", id, case_id, la_id, sent);
				sg_deadline_open("la_outcome", "referral", id, case_id, la_id, sent);
				sg_deadline_open("la_outcome_escalation", "referral", id, case_id, la_id, sent);
				break;
			}
		case SG_REF_ACKNOWLEDGED:
			sg_deadline_close("referral", id, "la_acknowledgement",
							  get_ts(newtup, desc, "acknowledged_at", &isnull));
			break;
		case SG_REF_OUTCOME_RECORDED:
			{
				TimestampTz at = get_ts(newtup, desc, "outcome_at", &isnull);

				/* an outcome before acknowledgement was recorded implies it */
				sg_deadline_close("referral", id, "la_acknowledgement", at);
				sg_deadline_close("referral", id, "la_outcome", at);
				sg_deadline_close("referral", id, "la_outcome_escalation", at);
				sg_deadline_open("feedback", "referral", id, case_id, la_id, at);
				break;
			}
		case SG_REF_CLOSED:
			{
				TimestampTz at = get_ts(newtup, desc, "feedback_at", &isnull);

				if (isnull)
					sg_deadline_cancel_all("referral", id, get_ts(newtup, desc, "closed_at", &isnull));
				else
					sg_deadline_close("referral", id, "feedback", at);
				sg_case_close_if_done(case_id, sg_now());
				break;
			}
		case SG_REF_WITHDRAWN:
			sg_deadline_cancel_all("referral", id, get_ts(newtup, desc, "withdrawn_at", &isnull));
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
