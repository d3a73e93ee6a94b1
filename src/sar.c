/*
 * sar.c
 *		Safeguarding Adults Reviews (Care Act 2014 s44): a referral to the
 *		Safeguarding Adults Board for a case (and its referral), the board's
 *		decision with its rationale within the policy's timescale, the
 *		commissioned review with the people it concerns, its completion and
 *		its action plan.  Owns the triggers sar_guard and sar_after; the
 *		state machine is data in assurance.c.
 *
 * Invariants:
 *	- A SAR belongs to the local authority of its case (whose board it goes
 *	  to); only that authority's staff refer, only its SAM or DSAM record
 *	  the board's decision, the review's people and its action plan.
 *	- A referral meets the criteria (the adult died or experienced serious
 *	  abuse or neglect, and there is concern about how agencies worked
 *	  together) or is marked discretionary (s44(4)) with its reason (SG911).
 *	- The decision needs a rationale (SG205); the decision and completion
 *	  have deadlines (sar_decision, 30 working days by default;
 *	  sar_completion) on the policies' ladders.  A review completes with
 *	  its people and its action plan (SG912).  Nothing is deleted.
 */
#include "postgres.h"

#include "actions.h"
#include "assurance.h"
#include "audit.h"
#include "deadline.h"
#include "safeguard.h"
#include "sg_errcodes.h"
#include "spi_util.h"
#include "transition.h"
#include "validate.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(sg_sar_guard);
PG_FUNCTION_INFO_V1(sg_sar_after);

/* Returns the first cell (int8, count or boolean) of a query over two int8 parameters, as the owner. */
static int64
query_int8s(const char *sql, int64 a, int64 b)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(a), Int64GetDatum(b)};
	int64		result = 0;

	sg_spi_connect();
	sg_exec_internal(sql, 2, types, values, NULL);
	if (SPI_processed >= 1)
	{
		bool		isnull;
		Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			result = TupleDescAttr(SPI_tuptable->tupdesc, 0)->atttypid == BOOLOID ?
				(int64) DatumGetBool(v) : DatumGetInt64(v);
	}
	sg_spi_finish();
	return result;
}

/* Returns true when a text column holds text that shows. */
static bool
present(HeapTuple tup, TupleDesc desc, const char *column)
{
	char	   *s = sg_get_cstring(tup, desc, column);

	return s != NULL && sg_text_present(s, strlen(s));
}

/* Raises SG208 for a review, case or referral the caller may not see. */
static void
not_found(const char *what, int64 id)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_NOT_FOUND),
			 errmsg("%s " INT64_FORMAT " does not exist or is not visible to you", what, id),
			 errhint("Safeguarding Adults Reviews are worked by the case's local authority.")));
}

/* Raises SG203 for any column set on a new row other than the allowed ones. */
static void
refuse_supplied(HeapTuple tup, TupleDesc desc, const char *const *allowed, const char *what)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);
		bool		isnull;
		Datum		v;

		if (att->attisdropped || strcmp(name, "id") == 0 || sg_column_listed(allowed, name))
			continue;
		v = heap_getattr(tup, i + 1, desc, &isnull);
		if (isnull || (att->atttypid == BOOLOID && !DatumGetBool(v)))
			continue;
		if (strcmp(name, "state") == 0 && strcmp(sg_get_label(tup, desc, name), "referred") == 0)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("column %s cannot be supplied when %s is created", name, what),
				 errdetail("It is recorded by safeguard or belongs to a later step."),
				 errhint("Leave it out; use the workflow functions (docs/assurance.md).")));
	}
}

/* Returns a boolean column (false when NULL). */
static bool
get_bool(HeapTuple tup, TupleDesc desc, const char *column)
{
	bool		isnull;
	Datum		v = sg_get(tup, desc, column, &isnull);

	return !isnull && DatumGetBool(v);
}

/* sar_referral: a case referred to the board, on the criteria or as a discretionary review. */
static HeapTuple
referral_insert(TriggerData *td, HeapTuple tup, TupleDesc desc)
{
	static const char *const allowed[] = {"case_id", "referral_id", "adult_died",
		"serious_abuse_or_neglect", "agencies_concern", "discretionary", "criteria_note", NULL};
	static const char *const stamped[] = {"referred_by", "referred_org_id", "referred_at"};
	const SgActor *a = sg_current_actor();
	int64		case_id = sg_get_int64(tup, desc, "case_id");
	int64		referral_id = sg_get_int64(tup, desc, "referral_id");
	int64		la_id = query_int8s("SELECT la_id FROM safeguard.safeguarding_case WHERE id OPERATOR(pg_catalog.=) $1 "
									"AND $2 OPERATOR(pg_catalog.=) $2", case_id, 0);
	SgDuty		duty;
	bool		died = get_bool(tup, desc, "adult_died");
	bool		serious = get_bool(tup, desc, "serious_abuse_or_neglect");
	bool		agencies = get_bool(tup, desc, "agencies_concern");
	const char *cols[1] = {"la_id"};
	Datum		v[1];
	bool		n[1] = {false};

	if (la_id == 0 || !sg_actor_may_see_la(a, la_id))
		not_found("case", case_id);
	duty = sg_require_action(a, "refer_for_sar", la_id);
	refuse_supplied(tup, desc, allowed, "a Safeguarding Adults Review referral");
	if (referral_id != 0 &&
		query_int8s("SELECT pg_catalog.count(*) FROM safeguard.referral WHERE id OPERATOR(pg_catalog.=) $1 "
					"AND case_id OPERATOR(pg_catalog.=) $2", referral_id, case_id) == 0)
		not_found("referral of that case", referral_id);
	if (!((died || serious) && agencies))
	{
		if (!get_bool(tup, desc, "discretionary"))
			ereport(ERROR,
					(errcode(ERRCODE_SG_SAR_CRITERIA),
					 errmsg("the case does not meet the criteria for a Safeguarding Adults Review"),
					 errdetail("Died: %s; serious abuse or neglect: %s; concern about how agencies worked together: %s.",
							   died ? "yes" : "no", serious ? "yes" : "no", agencies ? "yes" : "no"),
					 errhint("A review is arranged when the adult died or experienced serious abuse or neglect and there is concern about how agencies worked together; otherwise refer it as discretionary with the reason.")));
		if (!present(tup, desc, "criteria_note"))
			ereport(ERROR,
					(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
					 errmsg("a discretionary Safeguarding Adults Review referral needs its reason"),
					 errhint("Say in criteria_note why the board should consider a review.")));
	}
	v[0] = Int64GetDatum(la_id);
	tup = sg_set(tup, desc, 1, cols, v, n);
	tup = sg_stamp(tup, desc, stamped, 3);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, "id"), duty);
	return tup;
}

/* The board's decisions and the review's completion, beyond the transition table. */
static void
sar_rules(const SgTransition *t, HeapTuple oldtup, HeapTuple newtup, TupleDesc desc, int64 id)
{
	if (t->to == SG_SAR_COMMISSIONED || t->to == SG_SAR_NOT_COMMISSIONED)
	{
		sg_require_rationale(newtup, desc, "decision_rationale", "the board's decision on a Safeguarding Adults Review");
		if (t->to == SG_SAR_COMMISSIONED && !present(newtup, desc, "reviewer"))
			ereport(ERROR,
					(errcode(ERRCODE_SG_REQUIRED_FIELD),
					 errmsg("a commissioned review needs its reviewer"),
					 errhint("Name the independent reviewer (or the review panel's chair).")));
		return;
	}
	if (!present(newtup, desc, "findings_summary"))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("a completed review needs its findings"),
				 errhint("Summarise the review's findings and recommendations.")));
	if (query_int8s("SELECT pg_catalog.count(*) FROM safeguard.sar_person WHERE sar_id OPERATOR(pg_catalog.=) $1 "
					"AND $2 OPERATOR(pg_catalog.=) $2", id, 0) == 0 ||
		query_int8s("SELECT pg_catalog.count(*) FROM safeguard.sar_action WHERE sar_id OPERATOR(pg_catalog.=) $1 "
					"AND $2 OPERATOR(pg_catalog.=) $2", id, 0) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_SAR_STAGE),
				 errmsg("Safeguarding Adults Review " INT64_FORMAT " cannot complete without its people and its action plan", id),
				 errdetail("A completed review names the individuals it concerns (with whether each died) and has at least one action."),
				 errhint("Record them with safeguard.add_sar_person() and safeguard.add_sar_action().")));
}

static const SgGuardSpec sar_spec = {
	.machine = &sg_sar_machine,
	.state_column = "state",
	.rules = sar_rules,
	.hint = "Record the board's decision with safeguard.decide_sar(), the completion with safeguard.complete_sar().",
};

/* Loads a SAR's authority and state as the owner; SG208 unless the actor's own authority's. */
static int64
load_sar(int64 id, int *state)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	int64		la_id = 0;
	char	   *label = NULL;

	sg_spi_connect();
	sg_exec_internal("SELECT la_id, state::pg_catalog.text FROM safeguard.sar_referral WHERE id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL);
	if (SPI_processed == 1)
	{
		la_id = sg_spi_int64(0, 1, 0);
		label = sg_spi_text(0, 2);
	}
	sg_spi_finish();
	if (la_id == 0 || sg_current_actor()->org_id != la_id)
		not_found("Safeguarding Adults Review", id);
	if (!sg_fsm_state_parse(&sg_sar_machine, label, state))
		elog(ERROR, "safeguard: unknown SAR state \"%s\"", label);
	return la_id;
}

/* sar_person and sar_action: the review's people (referred or commissioned) and action plan (commissioned or completed). */
static HeapTuple
record_insert(TriggerData *td, HeapTuple tup, TupleDesc desc, bool person)
{
	static const char *const person_cols[] = {"sar_id", "died", "serious_harm", "case_id", NULL};
	static const char *const action_cols[] = {"sar_id", "agency_id", "description", "due_date", NULL};
	static const char *const stamped[] = {"recorded_by", "recorded_at"};
	const SgActor *a = sg_current_actor();
	int64		sar = sg_get_int64(tup, desc, "sar_id");
	int			state;
	int64		la_id = load_sar(sar, &state);
	SgDuty		duty = sg_require_action(a, "record_sar", la_id);

	refuse_supplied(tup, desc, person ? person_cols : action_cols,
					person ? "a review's person" : "a review's action");
	if (person ? (state != SG_SAR_REFERRED && state != SG_SAR_COMMISSIONED)
		: (state != SG_SAR_COMMISSIONED))
		ereport(ERROR,
				(errcode(ERRCODE_SG_SAR_STAGE),
				 errmsg("cannot record %s: Safeguarding Adults Review " INT64_FORMAT " is %s",
						person ? "a person" : "an action", sar, sg_fsm_state_name(&sg_sar_machine, state)),
				 errdetail("%s", person ? "People are recorded before the review completes."
						   : "The action plan is recorded while the review is commissioned, before it completes."),
				 errhint("Follow the review's stages (docs/assurance.md).")));
	if (person)
	{
		int64		case_id = sg_get_int64(tup, desc, "case_id");
		const char *cols[1] = {"person_no"};
		Datum		v[1];
		bool		n[1] = {false};

		if (case_id != 0 &&
			query_int8s("SELECT pg_catalog.count(*) FROM safeguard.safeguarding_case WHERE id OPERATOR(pg_catalog.=) $1 "
						"AND la_id OPERATOR(pg_catalog.=) $2", case_id, la_id) == 0)
			not_found("case", case_id);
		v[0] = Int32GetDatum((int32) query_int8s("SELECT (coalesce(pg_catalog.max(person_no), 0) "
												 "OPERATOR(pg_catalog.+) 1)::pg_catalog.int8 FROM safeguard.sar_person "
												 "WHERE sar_id OPERATOR(pg_catalog.=) $1 AND $2 OPERATOR(pg_catalog.=) $2", sar, 0));
		tup = sg_set(tup, desc, 1, cols, v, n);
	}
	else if (!present(tup, desc, "description"))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("the action is required"),
				 errhint("Say what the agency will do.")));
	tup = sg_stamp(tup, desc, stamped, 2);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sar, duty);
	return tup;
}

/*
 * Trigger: BEFORE INSERT OR UPDATE OR DELETE on sar_referral, sar_person and
 * sar_action.  Referrals move through the SAR machine; people and actions
 * are added, never changed; nothing is deleted.
 */
Datum
sg_sar_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "sar_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	const char *table = RelationGetRelationName(td->tg_relation);
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	HeapTuple	tup = is_update ? td->tg_newtuple : td->tg_trigtuple;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change(table, "deleted", "Safeguarding Adults Reviews are kept as the board's record.");
	if (sg_internal_writing())
		return PointerGetDatum(tup);
	if (strcmp(table, "sar_referral") == 0)
	{
		int			state;
		int64		id = sg_get_int64(td->tg_trigtuple, desc, "id");

		if (!is_update)
			return PointerGetDatum(referral_insert(td, tup, desc));
		(void) load_sar(id, &state);
		return PointerGetDatum(sg_guard_update(td, &sar_spec, id, sg_get_int64(td->tg_trigtuple, desc, "la_id")));
	}
	if (is_update)
		sg_refuse_change(table, "changed", "A review's people and actions are kept as recorded; add a further record.");
	if (strcmp(table, "sar_person") == 0)
		return PointerGetDatum(record_insert(td, tup, desc, true));
	if (strcmp(table, "sar_action") == 0)
		return PointerGetDatum(record_insert(td, tup, desc, false));
	elog(ERROR, "sar_guard: unexpected table %s", table);
	pg_unreachable();
}

/* Trigger: AFTER INSERT OR UPDATE on sar_referral: the decision and completion deadlines. */
Datum
sg_sar_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "sar_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	HeapTuple	tup = is_update ? td->tg_newtuple : td->tg_trigtuple;
	int64		id = sg_get_int64(tup, desc, "id");
	int64		la_id = sg_get_int64(tup, desc, "la_id");
	int64		case_id = sg_get_int64(tup, desc, "case_id");
	char	   *to = sg_get_label(tup, desc, "state");
	bool		isnull;

	if (!is_update)
	{
		sg_deadline_open(SG_DL_SAR_DECISION, id, case_id, la_id, sg_get_ts(tup, desc, "referred_at", &isnull));
		return PointerGetDatum(NULL);
	}
	if (strcmp(sg_get_label(td->tg_trigtuple, desc, "state"), to) == 0)
		return PointerGetDatum(NULL);
	if (strcmp(to, "commissioned") == 0 || strcmp(to, "not_commissioned") == 0)
	{
		TimestampTz at = sg_get_ts(tup, desc, "decided_at", &isnull);

		sg_deadline_close(SG_DL_SAR_DECISION, id, at);
		if (strcmp(to, "commissioned") == 0)
			sg_deadline_open(SG_DL_SAR_COMPLETION, id, case_id, la_id, at);
	}
	else if (strcmp(to, "completed") == 0)
		sg_deadline_close(SG_DL_SAR_COMPLETION, id, sg_get_ts(tup, desc, "completed_at", &isnull));
	return PointerGetDatum(NULL);
}
