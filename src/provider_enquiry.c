/*
 * provider_enquiry.c
 *		Large-scale provider enquiries (the Provider Concerns procedure,
 *		stages 1 to 6): the stage machine of enquiry_fsm.c applied to
 *		provider_enquiry, and what the rules of its records share
 *		(provider_enquiry.h; the rules themselves: enquiry_record_guard.c).
 *
 * Owns the triggers enquiry_guard / enquiry_after (provider_enquiry),
 * safeguard.acts_for_provider() and safeguard.leads_enquiry().
 *
 * Invariants:
 *	- Work is done by the leading local authority's staff: a SAM (or an
 *	  administrator acting as DSAM) decides, convenes, issues and closes;
 *	  only appointed enquiry officers record fact finding; commissioners
 *	  record placement decisions for their own funding authority, and no
 *	  role acting for the regulator can (it abstains); the provider sees
 *	  and answers only its own plan.
 *	- Stages move only as the procedure does: invoked needs a criterion met
 *	  or an override rationale; the initial meeting moves it to fact
 *	  finding and sets a timescale no longer than the policy allows (20
 *	  working days by default, SG301); issuing the plan after an outcomes
 *	  meeting moves it to improvement_plan; closing needs QA sustained, the
 *	  written notifications to the provider and CQC, lessons learnt and the
 *	  SAB report (SG303).
 *	- Every deadline (initial meeting, fact finding, provider response, QA,
 *	  delay meeting) is kept through the deadline policies.  A meeting or
 *	  response recorded late is accepted and its deadline marked breached:
 *	  the record matches what happened.
 *	- Nothing is deleted: a provider's risk history stays readable.
 */
#include "postgres.h"

#include "actions.h"
#include "audit.h"
#include "calendar.h"
#include "deadline.h"
#include "enquiry_fsm.h"
#include "provider_enquiry.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"
#include "transition.h"
#include "validate.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_enquiry_guard);
PG_FUNCTION_INFO_V1(sg_enquiry_after);
PG_FUNCTION_INFO_V1(sg_acts_for_provider);
PG_FUNCTION_INFO_V1(sg_leads_enquiry);
PG_FUNCTION_INFO_V1(sg_raise_not_found);

/* Returns true when a text value holds more than white space. */
bool
sg_enquiry_present(const char *s)
{
	return s != NULL && sg_text_present(s, strlen(s));
}

/* Raises SG202 for a missing value. */
void
sg_enquiry_missing(const char *what, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_REQUIRED_FIELD),
			 errmsg("%s is required", what),
			 errhint("%s", hint)));
}

/* Raises SG305: the record does not belong at the enquiry's stage. */
void
sg_enquiry_wrong_stage(const SgEnquiry *e, const char *what, const char *when)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_ENQUIRY_STAGE),
			 errmsg("cannot %s: provider enquiry " INT64_FORMAT " is %s", what, e->id,
					sg_fsm_state_name(&sg_enquiry_machine, e->stage)),
			 errdetail("This is done %s.", when),
			 errhint("Follow the stages of the Provider Concerns procedure (see the README).")));
}

/* Loads an enquiry as the owner; raises SG208 when absent or not visible to the actor. */
void
sg_enquiry_load(int64 id, SgEnquiry *e, bool check_visible)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	bool		found;
	bool		isnull;

	sg_spi_connect();
	sg_exec_internal("SELECT la_id, provider_id, stage::pg_catalog.text, meeting_required, decided_at "
					 "FROM safeguard.provider_enquiry WHERE id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL);
	found = SPI_processed == 1;
	if (found)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *stage = TextDatumGetCString(SPI_getbinval(tup, desc, 3, &isnull));
		Datum		d;

		e->id = id;
		e->la_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		e->provider_id = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		if (!sg_fsm_state_parse(&sg_enquiry_machine, stage, &e->stage))
			elog(ERROR, "safeguard: unknown enquiry stage \"%s\"", stage);
		e->meeting_required = DatumGetBool(SPI_getbinval(tup, desc, 4, &isnull));
		d = SPI_getbinval(tup, desc, 5, &isnull);
		e->decided_at = isnull ? 0 : DatumGetTimestampTz(d);
	}
	sg_spi_finish();
	if (!found || (check_visible && !sg_actor_may_see_la(sg_current_actor(), e->la_id)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("provider enquiry " INT64_FORMAT " does not exist or is not visible to you", id),
				 errhint("Enquiries are worked by the leading local authority's staff.")));
}

/* Runs a one-row, one-column int8/bool/count query as the owner; returns the value as int64. */
int64
sg_enquiry_query_int(const char *sql, int nargs, Oid *types, Datum *values)
{
	int64		result = 0;

	sg_spi_connect();
	sg_exec_internal(sql, nargs, types, values, NULL);
	if (SPI_processed == 1)
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

/* Runs an internal statement with int8 parameters (no result wanted). */
void
sg_enquiry_exec_int8(const char *sql, int nargs, int64 a, int64 b)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(a), Int64GetDatum(b)};

	sg_spi_connect();
	sg_exec_internal(sql, nargs, types, values, NULL);
	sg_spi_finish();
}

/* Raises SG203 unless every column not listed keeps its default (NULL, false, '{}'). */
void
sg_enquiry_refuse_other_columns(HeapTuple tup, TupleDesc desc, const char *const *client)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);
		bool		isnull;
		Datum		v;

		if (att->attisdropped || sg_column_listed(client, name) || strcmp(name, "id") == 0)
			continue;
		v = heap_getattr(tup, i + 1, desc, &isnull);
		if (isnull || (att->atttypid == BOOLOID && !DatumGetBool(v)))
			continue;
		if (strcmp(name, "stage") == 0 &&
			strcmp(sg_get_label(tup, desc, "stage"), "proposed") == 0)
			continue;
		if (strcmp(name, "status") == 0 &&
			strcmp(sg_get_label(tup, desc, "status"), "open") == 0)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("column %s cannot be supplied when the record is created", name),
				 errdetail("It is recorded by safeguard or belongs to a later stage."),
				 errhint("Leave it out.")));
	}
}

/* Workflow rules of enquiry stage changes beyond the transition table. */
static void
enquiry_rules(const SgTransition *t, HeapTuple oldtup, HeapTuple newtup,
			  TupleDesc desc, int64 id)
{
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		values[2] = {Int64GetDatum(id), (Datum) 0};

	switch (t->to)
	{
		case SG_ENQ_INVOKED:
			sg_require_rationale(newtup, desc, "decision_rationale", "invoking a provider enquiry");
			if (sg_enquiry_query_int("SELECT pg_catalog.count(*) FROM safeguard.enquiry_criterion "
						  "WHERE enquiry_id OPERATOR(pg_catalog.=) $1 AND met", 1, types, values) == 0 &&
				!sg_enquiry_present(sg_get_cstring(newtup, desc, "override_rationale")))
				ereport(ERROR,
						(errcode(ERRCODE_SG_THRESHOLD_NOT_MET),
						 errmsg("provider enquiry " INT64_FORMAT " meets no threshold criterion", id),
						 errdetail("None of the eight criteria is recorded as met."),
						 errhint("Record the criteria met with their evidence, or give override_rationale: the list is not exhaustive.")));
			break;
		case SG_ENQ_NOT_INVOKED:
			sg_require_rationale(newtup, desc, "decision_rationale", "deciding not to invoke");
			sg_require_rationale(newtup, desc, "alternative_action", "deciding not to invoke (the alternative action)");
			break;
		case SG_ENQ_MONITORING:
			if (t->from == SG_ENQ_QUALITY_ASSURANCE &&
				strcmp(sg_get_label(newtup, desc, "qa_outcome") ? sg_get_label(newtup, desc, "qa_outcome") : "",
					   "not_sustained") != 0)
				ereport(ERROR,
						(errcode(ERRCODE_SG_CLOSURE_INCOMPLETE),
						 errmsg("quality assurance returns to monitoring only when improvements were not sustained"),
						 errhint("Set qa_outcome = 'not_sustained', or close the enquiry if they were sustained.")));
			break;
		case SG_ENQ_CLOSED:
			{
				bool		isnull;
				bool		by_regulator = DatumGetBool(sg_get(oldtup, desc, "raised_by_regulator", &isnull));
				char	   *outcome = sg_get_label(newtup, desc, "qa_outcome");

				if (outcome == NULL || strcmp(outcome, "sustained") != 0)
					ereport(ERROR,
							(errcode(ERRCODE_SG_CLOSURE_INCOMPLETE),
							 errmsg("provider enquiry " INT64_FORMAT " closes only after quality assurance found improvements sustained", id),
							 errhint("Set qa_outcome = 'sustained'; if they were not, return to monitoring.")));
				if (DatumGetBool(sg_get(oldtup, desc, "meeting_required", &isnull)))
					ereport(ERROR,
							(errcode(ERRCODE_SG_CLOSURE_INCOMPLETE),
							 errmsg("provider enquiry " INT64_FORMAT " cannot close while a meeting forced by a serious delay is pending", id),
							 errhint("Hold and record the monitoring meeting first.")));
				sg_require_rationale(newtup, desc, "lessons_learnt", "closing a provider enquiry (lessons learnt)");
				for (int r = 0; r < 2; r++)
				{
					const char *recipient = r == 0 ? "provider" : "cqc";

					values[1] = CStringGetTextDatum(recipient);
					if (sg_enquiry_query_int("SELECT pg_catalog.count(*) FROM safeguard.enquiry_notification "
								  "WHERE enquiry_id OPERATOR(pg_catalog.=) $1 "
								  "AND recipient::pg_catalog.text OPERATOR(pg_catalog.=) $2",
								  2, types, values) == 0)
						ereport(ERROR,
								(errcode(ERRCODE_SG_CLOSURE_INCOMPLETE),
								 errmsg("provider enquiry " INT64_FORMAT " cannot close without the written notification to %s",
										id, r == 0 ? "the provider" : "CQC"),
								 errhint("Record the letter (date, method, reference) with safeguard.record_enquiry_notification().")));
				}
				(void) sg_get(oldtup, desc, "cqc_advised_at", &isnull);
				if (isnull && !by_regulator)
					sg_enquiry_missing("the record that CQC was formally advised (cqc_advised_at)",
							"The SAM formally advises CQC unless CQC raised the concern; record when.");
				(void) sg_get(oldtup, desc, "provider_informed_at", &isnull);
				if (isnull)
					sg_enquiry_missing("the record that the provider was informed (provider_informed_at)",
							"Record when the provider was informed of the enquiry.");
				sg_check_event_time(newtup, desc, "sab_report_at",
									sg_get_ts(oldtup, desc, "qa_started_at", &isnull), "quality assurance");
				break;
			}
		default:
			break;
	}
}

static const char *const enquiry_corrections[] = {
	"risk_actions", "cqc_advised_at", "cqc_advised_method", "provider_informed_at",
	"provider_informed_method", NULL
};
/* Returns how the enquiry guard applies its machine (correctors from actions.c). */
static const SgGuardSpec *
enquiry_spec(void)
{
	static SgGuardSpec spec;

	if (spec.machine == NULL)
	{
		const SgAction *correct = sg_action_find("correct_provider_enquiry");

		spec.state_column = "stage";
		spec.corrections = enquiry_corrections;
		spec.correctors = correct->permits;
		spec.ncorrectors = correct->npermits;
		spec.rules = enquiry_rules;
		spec.hint = "An enquiry moves through the stages of the Provider Concerns procedure (see the README).";
		spec.machine = &sg_enquiry_machine;
	}
	return &spec;
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON provider_enquiry. */
Datum
sg_enquiry_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "enquiry_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	static const char *const client[] = {"provider_id", "la_id", "raised_by_regulator", NULL};
	const char *stamped[3] = {"proposed_by", "proposed_org_id", "proposed_at"};
	int64		la_id;
	SgDuty		duty;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("provider enquiries", "deleted",
						 "A provider's risk history is kept after the risks are resolved.");
	la_id = sg_get_int64(tup, desc, "la_id");
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		HeapTuple	newtup;
		bool		isnull;
		TimestampTz proposed = sg_get_ts(tup, desc, "proposed_at", &isnull);

		newtup = sg_guard_update(td, enquiry_spec(), sg_get_int64(tup, desc, "id"), la_id);
		if (!sg_internal_writing())
		{
			sg_check_event_time(newtup, desc, "cqc_advised_at", proposed, "the proposal");
			sg_check_event_time(newtup, desc, "provider_informed_at", proposed, "the proposal");
		}
		if (sg_row_state(&sg_enquiry_machine, tup, desc, "stage") == SG_ENQ_MONITORING &&
			sg_row_state(&sg_enquiry_machine, newtup, desc, "stage") == SG_ENQ_QUALITY_ASSURANCE)
		{
			/* a new round of quality assurance starts without the last round's outcome */
			const char *cols[2] = {"qa_outcome", "qa_completed_at"};
			Datum		vals[2] = {0, 0};
			bool		nulls[2] = {true, true};

			newtup = sg_set(newtup, desc, 2, cols, vals, nulls);
		}
		return PointerGetDatum(newtup);
	}
	if (sg_internal_writing())
		return PointerGetDatum(tup);

	sg_enquiry_refuse_other_columns(tup, desc, client);
	if (sg_organisation_kind(la_id) != SG_ORG_LOCAL_AUTHORITY)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("a provider enquiry is led by a local authority"),
				 errhint("la_id names a local authority from safeguard.organisation.")));
	if (sg_organisation_kind(sg_get_int64(tup, desc, "provider_id")) != SG_ORG_PROVIDER)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("a provider enquiry is about a provider"),
				 errhint("provider_id names a provider from safeguard.organisation (its locations are added with add_enquiry_location).")));
	duty = sg_require_action(sg_current_actor(), "propose_provider_enquiry", la_id);
	tup = sg_stamp(tup, desc, stamped, 3);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, "id"), duty);
	return PointerGetDatum(tup);
}

/* Trigger: AFTER UPDATE ON provider_enquiry: deadlines of stage changes. */
Datum
sg_enquiry_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "enquiry_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	oldtup = td->tg_trigtuple;
	HeapTuple	newtup = td->tg_newtuple;
	int			from = sg_row_state(&sg_enquiry_machine, oldtup, desc, "stage");
	int			to = sg_row_state(&sg_enquiry_machine, newtup, desc, "stage");
	int64		id = sg_get_int64(newtup, desc, "id");
	int64		la_id = sg_get_int64(newtup, desc, "la_id");
	bool		isnull;

	if (from == to)
		return PointerGetDatum(NULL);
	switch (to)
	{
		case SG_ENQ_INVOKED:
			{
				char	   *risk = sg_get_label(newtup, desc, "risk_level");

				sg_deadline_open(strcmp(risk, "major") == 0 ? SG_DL_INITIAL_MEETING_MAJOR : SG_DL_INITIAL_MEETING,
								 id, 0, la_id,
								 sg_get_ts(newtup, desc, "decided_at", &isnull));
				break;
			}
		case SG_ENQ_QUALITY_ASSURANCE:
			sg_deadline_open(SG_DL_QUALITY_ASSURANCE, id, 0, la_id,
							 sg_get_ts(newtup, desc, "qa_started_at", &isnull));
			break;
		case SG_ENQ_MONITORING:
			if (from == SG_ENQ_QUALITY_ASSURANCE)
			{
				/* QA found improvements not sustained: this round ends; a new one may start */
				sg_deadline_close(SG_DL_QUALITY_ASSURANCE, id,
								  sg_get_ts(newtup, desc, "qa_completed_at", &isnull));
			}
			break;
		case SG_ENQ_CLOSED:
			sg_deadline_close(SG_DL_QUALITY_ASSURANCE, id,
							  sg_get_ts(newtup, desc, "qa_completed_at", &isnull));
			sg_deadline_cancel_all(SG_SUBJECT_PROVIDER_ENQUIRY, id, sg_now());
			break;
		default:
			break;
	}
	return PointerGetDatum(NULL);
}

/* SQL: acts_for_provider(provider_id) -> boolean (row-level security). */
Datum
sg_acts_for_provider(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(sg_actor_has(a, SG_DUTY_PROVIDER) && a->org_kind == SG_ORG_PROVIDER &&
				   a->org_id == PG_GETARG_INT64(0));
}

/*
 * SQL: leads_enquiry(enquiry_id) -> boolean (row-level security): true when
 * the caller may see the enquiry's casework as its leading authority (its
 * staff and administrators) or as the regulator.  The enquiry is read as
 * the owner, so the predicate needs no privilege on provider_enquiry.
 */
Datum
sg_leads_enquiry(PG_FUNCTION_ARGS)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	int64		la_id = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	values[0] = PG_GETARG_DATUM(0);
	sg_spi_connect();
	if (sg_exec_internal("SELECT la_id FROM safeguard.provider_enquiry WHERE id OPERATOR(pg_catalog.=) $1",
						 1, types, values, NULL) == 1)
	{
		bool		isnull;

		la_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	sg_spi_finish();
	PG_RETURN_BOOL(la_id != 0 && sg_actor_may_see_la(sg_current_actor(), la_id));
}

/* SQL: raise_not_found(what, id) raises SG208 (used by the workflow wrappers). */
Datum
sg_raise_not_found(PG_FUNCTION_ARGS)
{
	char	   *what = text_to_cstring(PG_GETARG_TEXT_PP(0));

	ereport(ERROR,
			(errcode(ERRCODE_SG_NOT_FOUND),
			 errmsg("%s " INT64_FORMAT " does not exist or is not visible to you",
					what, PG_GETARG_INT64(1)),
			 errhint("Check the number; each organisation sees only its own work.")));
	PG_RETURN_VOID();
}
