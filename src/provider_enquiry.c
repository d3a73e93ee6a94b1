/*
 * provider_enquiry.c
 *		Large-scale provider enquiries (the Provider Concerns procedure,
 *		stages 1 to 6): the stage machine of enquiry_fsm.c applied to
 *		provider_enquiry, and the rules of every record an enquiry gathers.
 *
 * Owns the triggers enquiry_guard / enquiry_after (provider_enquiry) and
 * enquiry_record_guard / enquiry_record_after (locations, threshold
 * criteria, appointments, meetings, attendees, commissioning decisions,
 * findings, the Service Improvement Plan and its items, QA activities,
 * closure notifications), and safeguard.acts_for_provider().
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
#include "enquiry_records.h"
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
PG_FUNCTION_INFO_V1(sg_enquiry_record_guard);
PG_FUNCTION_INFO_V1(sg_enquiry_record_after);
PG_FUNCTION_INFO_V1(sg_acts_for_provider);
PG_FUNCTION_INFO_V1(sg_leads_enquiry);
PG_FUNCTION_INFO_V1(sg_raise_not_found);

/* What a record needs to know about its enquiry. */
typedef struct Enquiry
{
	int64		id;
	int64		la_id;
	int64		provider_id;
	int			stage;
	bool		meeting_required;
	TimestampTz decided_at;
} Enquiry;



/* Returns true when a text value holds more than white space. */
static bool
present(const char *s)
{
	return s != NULL && sg_text_present(s, strlen(s));
}

/* Raises SG202 for a missing value. */
static void
missing(const char *what, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_REQUIRED_FIELD),
			 errmsg("%s is required", what),
			 errhint("%s", hint)));
}

/* Raises SG305: the record does not belong at the enquiry's stage. */
static void
wrong_stage(const Enquiry *e, const char *what, const char *when)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_ENQUIRY_STAGE),
			 errmsg("cannot %s: provider enquiry " INT64_FORMAT " is %s", what, e->id,
					sg_fsm_state_name(&sg_enquiry_machine, e->stage)),
			 errdetail("This is done %s.", when),
			 errhint("Follow the stages of the Provider Concerns procedure (see the README).")));
}

/* Loads an enquiry as the owner; raises SG208 when absent or not visible to the actor. */
static void
load_enquiry(int64 id, Enquiry *e, bool check_visible)
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
static int64
query_int(const char *sql, int nargs, Oid *types, Datum *values)
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
static void
exec_int8(const char *sql, int nargs, int64 a, int64 b)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(a), Int64GetDatum(b)};

	sg_spi_connect();
	sg_exec_internal(sql, nargs, types, values, NULL);
	sg_spi_finish();
}

/* Returns how many rows a count(*) over two int8 parameters finds, as the owner. */
static int64
count_int8(const char *sql, int64 a, int64 b)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(a), Int64GetDatum(b)};

	return query_int(sql, 2, types, values);
}

/* Raises SG203 unless every column not listed keeps its default (NULL, false, '{}'). */
static void
refuse_other_columns(HeapTuple tup, TupleDesc desc, const char *const *client)
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
			if (query_int("SELECT pg_catalog.count(*) FROM safeguard.enquiry_criterion "
						  "WHERE enquiry_id OPERATOR(pg_catalog.=) $1 AND met", 1, types, values) == 0 &&
				!present(sg_get_cstring(newtup, desc, "override_rationale")))
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
					if (query_int("SELECT pg_catalog.count(*) FROM safeguard.enquiry_notification "
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
					missing("the record that CQC was formally advised (cqc_advised_at)",
							"The SAM formally advises CQC unless CQC raised the concern; record when.");
				(void) sg_get(oldtup, desc, "provider_informed_at", &isnull);
				if (isnull)
					missing("the record that the provider was informed (provider_informed_at)",
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

	refuse_other_columns(tup, desc, client);
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

/* Raises 42501 unless the actor is an enquiry officer appointed to the enquiry. */
static SgDuty
require_appointed_officer(const Enquiry *e)
{
	const SgActor *a = sg_current_actor();
	Oid			types[2] = {INT8OID, OIDOID};
	Datum		values[2] = {Int64GetDatum(e->id), ObjectIdGetDatum(a->userid)};
	SgDuty		duty = sg_require_action(a, "record_finding", e->la_id);

	if (query_int("SELECT pg_catalog.count(*) FROM safeguard.enquiry_appointment "
				  "WHERE enquiry_id OPERATOR(pg_catalog.=) $1 "
				  "AND role::pg_catalog.oid OPERATOR(pg_catalog.=) $2 "
				  "AND duty OPERATOR(pg_catalog.=) 'enquiry_officer'", 2, types, values) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to record fact finding for provider enquiry " INT64_FORMAT, e->id),
				 errdetail("Only enquiry officers appointed to this enquiry record its fact finding."),
				 errhint("The SAM appoints enquiry officers with safeguard.appoint_to_enquiry().")));
	return duty;
}

/* Checks an appointment: the appointee holds the duty for the leading authority. */
static HeapTuple
check_appointment(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	Oid			role = DatumGetObjectId(sg_get(tup, desc, "role", &isnull));
	char	   *duty = sg_require_label(tup, desc, "duty", "the appointee's duty",
									  "Appoint as sam or enquiry_officer.");
	SgDuty		d;

	if (!sg_duty_parse(duty, &d))
		elog(ERROR, "safeguard: unknown duty \"%s\"", duty);
	if (!sg_role_holds_duty_for(role, SG_DUTY_BIT(d), e->la_id))
		ereport(ERROR,
				(errcode(ERRCODE_SG_APPOINTMENT),
				 errmsg("the appointee does not hold the %s duty for the leading local authority", duty),
				 errdetail("Appointing role %u to provider enquiry " INT64_FORMAT ".", role, e->id),
				 errhint("Grant the duty first with safeguard.grant_duty().")));
	return tup;
}

/*
 * Checks a meeting against the stage (which depends on the kind of meeting)
 * and, for the initial meeting, the fact-finding timescale.
 */
static HeapTuple
check_meeting(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	char	   *kind = sg_require_label(tup, desc, "kind", "the kind of meeting",
										"Say which meeting: initial, outcomes, monitoring or other.");
	bool		isnull;
	bool		held_null;
	Datum		days = sg_get(tup, desc, "fact_finding_working_days", &isnull);
	TimestampTz held = sg_get_ts(tup, desc, "held_at", &held_null);

	sg_check_event_time(tup, desc, "held_at", e->decided_at, "the decision to invoke");
	if (strcmp(kind, "initial") == 0)
	{
		int32		max;

		if (e->stage != SG_ENQ_INVOKED)
			wrong_stage(e, "record the initial meeting", "once, after the enquiry is invoked");
		if (isnull)
			missing("the fact-finding timescale (fact_finding_working_days)",
					"The initial meeting sets how many working days fact finding may take.");
		max = sg_deadline_rule_amount(SG_DL_FACT_FINDING, e->la_id, held);
		if (DatumGetInt32(days) < 1 || DatumGetInt32(days) > max)
			ereport(ERROR,
					(errcode(ERRCODE_SG_TIMESCALE_TOO_LONG),
					 errmsg("fact finding cannot take %d working days", DatumGetInt32(days)),
					 errdetail("The timescale shall not exceed %d working days after the initial meeting.", max),
					 errhint("Set fact_finding_working_days between 1 and %d.", max)));
		return tup;
	}
	if (!isnull)
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("only the initial meeting sets the fact-finding timescale"),
				 errhint("Leave fact_finding_working_days empty.")));
	if (strcmp(kind, "outcomes") == 0 && e->stage != SG_ENQ_FACT_FINDING)
		wrong_stage(e, "record the outcomes meeting", "at the end of fact finding");
	if (strcmp(kind, "monitoring") == 0 &&
		!(SG_STAGE_BIT(e->stage) & SG_PLAN_STAGES))
		wrong_stage(e, "record a monitoring meeting", "once the improvement plan is issued");
	if (!(SG_STAGE_BIT(e->stage) & SG_ACTIVE_STAGES))
		wrong_stage(e, "record a meeting", "while the enquiry is active");
	return tup;
}

/* Returns the enquiry id a record belongs to (its own, or its parent meeting's or plan's). */
static int64
record_enquiry_id(const SgEnquiryRecordRule *r, HeapTuple tup, TupleDesc desc)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1];

	if (r->record == SG_REC_ATTENDEE)
	{
		values[0] = Int64GetDatum(sg_get_int64(tup, desc, r->parent_column));
		return query_int("SELECT enquiry_id FROM safeguard.enquiry_meeting "
						 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values);
	}
	if (r->record == SG_REC_PLAN_ITEM)
	{
		values[0] = Int64GetDatum(sg_get_int64(tup, desc, r->parent_column));
		return query_int("SELECT enquiry_id FROM safeguard.improvement_plan "
						 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values);
	}
	return sg_get_int64(tup, desc, "enquiry_id");
}

/* Validates the provider's response to its plan; returns the stamped tuple. */
static HeapTuple
plan_response(TriggerData *td, const Enquiry *e, TupleDesc desc)
{
	static const char *const allowed[] = {"provider_response", NULL};
	const char *stamped[3] = {"responded_by", "responded_org_id", "responded_at"};
	HeapTuple	oldtup = td->tg_trigtuple;
	HeapTuple	newtup = td->tg_newtuple;
	bool		isnull;
	SgDuty		duty;

	duty = sg_require_action(sg_current_actor(), "respond_to_plan", e->provider_id);
	(void) sg_get(oldtup, desc, "responded_at", &isnull);
	if (!isnull)
		sg_refuse_change("a provider's response", "changed",
						 "The response is on record; further progress goes on the plan items.");
	if (!(SG_STAGE_BIT(e->stage) & SG_PLAN_STAGES))
		wrong_stage(e, "respond to the improvement plan", "while the plan is issued or monitored");
	sg_check_changed_columns(oldtup, newtup, desc, NULL, allowed,
							 "in an improvement plan (the provider records only its response)");
	if (!present(sg_get_cstring(newtup, desc, "provider_response")))
		missing("the provider's response", "Write the response to the plan.");
	newtup = sg_stamp(newtup, desc, stamped, 3);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(newtup, desc, "id"), duty);
	return newtup;
}

/* Validates progress on a plan item; returns the stamped tuple. */
static HeapTuple
plan_item_progress(TriggerData *td, const Enquiry *e, TupleDesc desc)
{
	static const char *const allowed[] = {"status", "progress_note", "serious_delay", NULL};
	const char *stamped[2] = {"updated_by", "updated_at"};
	HeapTuple	oldtup = td->tg_trigtuple;
	HeapTuple	newtup = td->tg_newtuple;
	const SgActor *a = sg_current_actor();
	SgDuty		duty;
	bool		delay_changed = !sg_column_unchanged(oldtup, newtup, desc,
													 sg_attnum(desc, "serious_delay"));

	sg_check_changed_columns(oldtup, newtup, desc, NULL, allowed,
							 "in a plan item (progress changes status, progress_note and serious_delay)");
	if (!(SG_STAGE_BIT(e->stage) & SG_PLAN_STAGES))
		wrong_stage(e, "record progress on the plan", "while the plan is being monitored");
	if (sg_actor_has(a, SG_DUTY_PROVIDER) && a->org_id == e->provider_id && !delay_changed)
		duty = sg_require_action(a, "provider_progress", e->provider_id);
	else
	{
		const SgAction *act = sg_action_find("update_plan_item");

		duty = sg_require_permit(a, act->permits, act->npermits, e->la_id,
								 delay_changed ? "flag a serious delay on the plan"
								 : act->description);
	}
	newtup = sg_stamp(newtup, desc, stamped, 2);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(newtup, desc, "id"), duty);
	return newtup;
}

/*
 * Checks a change to a threshold answer; returns NULL, so the answer is
 * then checked as a new one.
 */
static HeapTuple
criterion_change(TriggerData *td, const Enquiry *e, TupleDesc desc)
{
	if (e->stage != SG_ENQ_PROPOSED)
		wrong_stage(e, "change the threshold tool", "while the enquiry is proposed");
	if (!sg_column_unchanged(td->tg_trigtuple, td->tg_newtuple, desc, sg_attnum(desc, "criterion")))
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("a threshold answer cannot change criterion"),
				 errhint("Answer the other criterion in its own row.")));
	return NULL;
}

/* Raises SG305 unless the enquiry is at a stage the record's rule accepts. */
static void
require_record_stage(const SgEnquiryRecordRule *r, const Enquiry *e)
{
	if (!(SG_STAGE_BIT(e->stage) & r->stages))
		wrong_stage(e, r->stage_what, r->stage_when);
}

/* Returns the duty of a commissioner of the decision's funding authority (the regulator abstains). */
static SgDuty
commissioning_permit(const Enquiry *e, HeapTuple tup, TupleDesc desc, const SgActor *actor)
{
	int64		funder = sg_get_int64(tup, desc, "funding_authority_id");
	SgOrgKind	kind;

	if (actor->org_kind == SG_ORG_REGULATOR && actor->org_id != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to record a commissioning decision: the regulator abstains"),
				 errdetail("Role \"%s\" acts for the regulator, which takes no part in decisions on placements.",
						   GetUserNameFromId(actor->userid, false)),
				 errhint("Commissioning decisions are recorded by the funding authorities' commissioners.")));
	kind = sg_organisation_kind(funder);
	if (kind != SG_ORG_LOCAL_AUTHORITY && kind != SG_ORG_ICB)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("organisation " INT64_FORMAT " is not a funding authority", funder),
				 errhint("A funding authority is a local authority or an ICB.")));
	return sg_require_action(actor, "record_commissioning_decision", funder);
}

/* Returns the duty of an enquiry officer appointed to the enquiry (findings). */
static SgDuty
finding_permit(const Enquiry *e, HeapTuple tup, TupleDesc desc, const SgActor *actor)
{
	return require_appointed_officer(e);
}

/* Checks a location: it is one of the enquiry's provider's. */
static HeapTuple
check_location(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(sg_get_int64(tup, desc, "location_id")),
	Int64GetDatum(e->provider_id)};

	if (!query_int("SELECT kind OPERATOR(pg_catalog.=) 'provider_location' "
				   "AND parent_id OPERATOR(pg_catalog.=) $2 FROM safeguard.organisation "
				   "WHERE id OPERATOR(pg_catalog.=) $1", 2, types, values))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("organisation " INT64_FORMAT " is not a location of the enquiry's provider",
						DatumGetInt64(values[0])),
				 errhint("Add the provider's own locations.")));
	return tup;
}

/* Checks a threshold answer: it has its evidence. */
static HeapTuple
check_criterion(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (!present(sg_get_cstring(tup, desc, "evidence")))
		missing("an evidence note", "Each criterion is answered yes or no with the evidence behind the answer.");
	return tup;
}

/* Checks an attendee: the role they attended in. */
static HeapTuple
check_attendee(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (!present(sg_get_cstring(tup, desc, "role_title")))
		missing("the attendee's role", "Record attendees by organisation and role.");
	return tup;
}

/* Checks a commissioning decision: its meeting is the enquiry's; then the stage; its rationale. */
static HeapTuple
check_commissioning(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (sg_get_int64(tup, desc, "meeting_id") != 0 &&
		count_int8("SELECT pg_catalog.count(*) FROM safeguard.enquiry_meeting "
				   "WHERE id OPERATOR(pg_catalog.=) $1 AND enquiry_id OPERATOR(pg_catalog.=) $2",
				   sg_get_int64(tup, desc, "meeting_id"), e->id) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("meeting " INT64_FORMAT " is not a meeting of provider enquiry " INT64_FORMAT,
						sg_get_int64(tup, desc, "meeting_id"), e->id),
				 errhint("Name a meeting of the same enquiry, or none.")));
	require_record_stage(r, e);
	if (!present(sg_get_cstring(tup, desc, "rationale")))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
				 errmsg("a commissioning decision needs a rationale"),
				 errhint("Record why placements are suspended, placed with caution or resumed.")));
	return tup;
}

/* Checks a finding: what was found, and that its concern is about the enquiry's locations. */
static HeapTuple
check_finding(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (!present(sg_get_cstring(tup, desc, "finding")))
		missing("the finding", "Record what was found.");
	if (sg_get_int64(tup, desc, "concern_id") != 0 &&
		count_int8("SELECT pg_catalog.count(*) FROM safeguard.concern c "
				   "JOIN safeguard.enquiry_location l ON l.location_id OPERATOR(pg_catalog.=) c.provider_location_id "
				   "WHERE c.id OPERATOR(pg_catalog.=) $1 AND l.enquiry_id OPERATOR(pg_catalog.=) $2",
				   sg_get_int64(tup, desc, "concern_id"), e->id) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("concern " INT64_FORMAT " is not about a location of provider enquiry " INT64_FORMAT,
						sg_get_int64(tup, desc, "concern_id"), e->id),
				 errhint("Record findings against concerns about the enquiry's locations (see safeguard.enquiry_casework).")));
	return tup;
}

/* Returns the tuple with the enquiry's provider and leading authority set (plans and their items). */
static HeapTuple
link_to_enquiry(const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	const char *links[2] = {"provider_id", "la_id"};
	Datum		lv[2] = {Int64GetDatum(e->provider_id), Int64GetDatum(e->la_id)};
	bool		ln[2] = {false, false};

	return sg_set(tup, desc, 2, links, lv, ln);
}

/* Checks an improvement plan: issued at the outcomes meeting, with a summary; links it. */
static HeapTuple
check_plan(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(e->id)};

	if (query_int("SELECT pg_catalog.count(*) FROM safeguard.enquiry_meeting "
				  "WHERE enquiry_id OPERATOR(pg_catalog.=) $1 AND kind OPERATOR(pg_catalog.=) 'outcomes'",
				  1, types, values) == 0)
		wrong_stage(e, r->stage_what, r->stage_when);
	if (!present(sg_get_cstring(tup, desc, "summary")))
		missing("the plan's summary", "Say what the plan requires of the provider.");
	return link_to_enquiry(e, tup, desc);
}

/* Checks a plan item: description and owner, its referral about the enquiry's locations; links it. */
static HeapTuple
check_plan_item(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (!present(sg_get_cstring(tup, desc, "description")) ||
		!present(sg_get_cstring(tup, desc, "owner")))
		missing("the item's description and owner", "Each item has what must improve, an owner and a due date.");
	if (sg_get_int64(tup, desc, "referral_id") != 0 &&
		count_int8("SELECT pg_catalog.count(*) FROM safeguard.referral r "
				   "JOIN safeguard.concern c ON c.id OPERATOR(pg_catalog.=) r.concern_id "
				   "JOIN safeguard.enquiry_location l ON l.location_id OPERATOR(pg_catalog.=) c.provider_location_id "
				   "WHERE r.id OPERATOR(pg_catalog.=) $1 AND l.enquiry_id OPERATOR(pg_catalog.=) $2",
				   sg_get_int64(tup, desc, "referral_id"), e->id) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("referral " INT64_FORMAT " is not about a location of provider enquiry " INT64_FORMAT,
						sg_get_int64(tup, desc, "referral_id"), e->id),
				 errhint("An individual safeguarding plan sits under the plan of the enquiry about its location.")));
	return link_to_enquiry(e, tup, desc);
}

/* Checks a quality assurance activity: when it was carried out. */
static HeapTuple
check_qa(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	sg_check_event_time(tup, desc, "carried_out_at", e->decided_at, "the decision to invoke");
	return tup;
}

/* Checks a closure notification: its reference, and a date not in the future. */
static HeapTuple
check_notification(const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	const SgDivision *div;

	if (!present(sg_get_cstring(tup, desc, "reference")))
		missing("the letter's reference", "Record the date, method and reference of the written notification.");
	div = sg_division_lookup(sg_organisation_division(e->la_id));
	if (DatumGetDateADT(sg_get(tup, desc, "sent_on", &isnull)) > sg_local_date(div, sg_now()))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME),
				 errmsg("a closure notification cannot be dated in the future"),
				 errhint("Record the date the letter was actually sent.")));
	return tup;
}

/*
 * The backend half of a record's rule (the data half is enquiry_records.c):
 * who may add it when no single action does, what an UPDATE may change,
 * and the checks of its content.  Indexed by SgEnquiryRecord.
 */
typedef struct RecordHandler
{
	SgEnquiryRecord record;
	SgDuty		(*permit) (const Enquiry *e, HeapTuple tup, TupleDesc desc, const SgActor *actor);
	HeapTuple	(*on_update) (TriggerData *td, const Enquiry *e, TupleDesc desc);
	HeapTuple	(*check) (const SgEnquiryRecordRule *r, const Enquiry *e, HeapTuple tup, TupleDesc desc);
} RecordHandler;

static const RecordHandler record_handlers[SG_NRECORDS] = {
	{SG_REC_LOCATION, NULL, NULL, check_location},
	{SG_REC_CRITERION, NULL, criterion_change, check_criterion},
	{SG_REC_APPOINTMENT, NULL, NULL, check_appointment},
	{SG_REC_MEETING, NULL, NULL, check_meeting},
	{SG_REC_ATTENDEE, NULL, NULL, check_attendee},
	{SG_REC_COMMISSIONING, commissioning_permit, NULL, check_commissioning},
	{SG_REC_FINDING, finding_permit, NULL, check_finding},
	{SG_REC_PLAN, NULL, plan_response, check_plan},
	{SG_REC_PLAN_ITEM, NULL, plan_item_progress, check_plan_item},
	{SG_REC_QA, NULL, NULL, check_qa},
	{SG_REC_NOTIFICATION, NULL, NULL, check_notification},
};

/*
 * Returns the rule of the trigger's table, looked up once per trigger call
 * site (cached in the FmgrInfo, which lives as long as the statement's
 * trigger state); a table without a rule is a can't-happen error.
 */
static const SgEnquiryRecordRule *
record_rule(FunctionCallInfo fcinfo, Relation rel, const char *trigger)
{
	const SgEnquiryRecordRule *r = fcinfo->flinfo->fn_extra;

	if (r == NULL)
	{
		r = sg_enquiry_record_find(RelationGetRelationName(rel));
		if (r == NULL || record_handlers[r->record].record != r->record)
			elog(ERROR, "%s: unexpected table %s", trigger, RelationGetRelationName(rel));
		fcinfo->flinfo->fn_extra = (void *) r;
	}
	return r;
}

/*
 * Trigger: BEFORE INSERT OR UPDATE OR DELETE on every enquiry record.  Who
 * may record it, at which stage, with what; then stamps who and when.  The
 * record's rule (enquiry_records.c) and handler say what each step is.
 */
Datum
sg_enquiry_record_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "enquiry_record_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	const char *table = RelationGetRelationName(td->tg_relation);
	HeapTuple	tup = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	const SgEnquiryRecordRule *r;
	const RecordHandler *h;
	const SgActor *actor;
	Enquiry		e;
	SgDuty		duty;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change(table, "deleted", "Enquiry records are kept as the enquiry's history.");
	if (sg_internal_writing())
		return PointerGetDatum(tup);
	r = record_rule(fcinfo, td->tg_relation, "enquiry_record_guard");
	h = &record_handlers[r->record];
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event) && !r->updatable)
		sg_refuse_change(table, "changed", "Enquiry records are kept as recorded; add a further record.");

	actor = sg_current_actor();
	/* commissioners of other funders and providers are not the lead LA's staff */
	load_enquiry(record_enquiry_id(r, td->tg_trigtuple, desc), &e,
				 !r->funders_record &&
				 !(sg_actor_has(actor, SG_DUTY_PROVIDER) && r->provider_answers));

	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		HeapTuple	done = h->on_update(td, &e, desc);

		if (done != NULL)
			return PointerGetDatum(done);
	}

	duty = h->permit ? h->permit(&e, tup, desc, actor) : sg_require_action(actor, r->action, e.la_id);
	if (r->client_columns)
		refuse_other_columns(tup, desc, r->client_columns);
	if (r->stages != 0 && !r->stage_in_check)
		require_record_stage(r, &e);
	tup = h->check(r, &e, tup, desc);
	if (r->nstamped > 0)
		tup = sg_stamp(tup, desc, r->stamped, r->nstamped);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, r->audit_key), duty);
	return PointerGetDatum(tup);
}

/* Moves an enquiry to a stage, as safeguard (a consequence of a record). */
static void
advance_stage(int64 id, const char *stage_sql)
{
	exec_int8(stage_sql, 1, id, 0);
}

/* Trigger: AFTER INSERT OR UPDATE on enquiry records: stages and deadlines they move on. */
Datum
sg_enquiry_record_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "enquiry_record_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	const SgEnquiryRecordRule *r = record_rule(fcinfo, td->tg_relation, "enquiry_record_after");
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	HeapTuple	tup = is_update ? td->tg_newtuple : td->tg_trigtuple;
	bool		isnull;
	Enquiry		e;

	if (r->record == SG_REC_MEETING && !is_update)
	{
		char	   *kind = sg_get_label(tup, desc, "kind");
		TimestampTz held = sg_get_ts(tup, desc, "held_at", &isnull);

		load_enquiry(sg_get_int64(tup, desc, "enquiry_id"), &e, false);
		if (strcmp(kind, "initial") == 0)
		{
			sg_deadline_close(SG_DL_INITIAL_MEETING, e.id, held);
			sg_deadline_close(SG_DL_INITIAL_MEETING_MAJOR, e.id, held);
			advance_stage(e.id, "UPDATE safeguard.provider_enquiry SET stage = 'fact_finding' "
						  "WHERE id OPERATOR(pg_catalog.=) $1");
			sg_deadline_open_n(SG_DL_FACT_FINDING, e.id, 0, e.la_id, held,
							   DatumGetInt32(sg_get(tup, desc, "fact_finding_working_days", &isnull)));
		}
		else if (strcmp(kind, "outcomes") == 0)
			sg_deadline_close(SG_DL_FACT_FINDING, e.id, held);
		else if (strcmp(kind, "monitoring") == 0 && e.meeting_required)
		{
			/* the forced meeting happened (if after the delay was flagged) */
			if (sg_deadline_close_if_anchored_before(SG_DL_DELAY_MEETING, e.id, held))
				advance_stage(e.id, "UPDATE safeguard.provider_enquiry SET meeting_required = false "
							  "WHERE id OPERATOR(pg_catalog.=) $1");
		}
	}
	else if (r->record == SG_REC_PLAN)
	{
		load_enquiry(sg_get_int64(tup, desc, "enquiry_id"), &e, false);
		if (!is_update)
		{
			TimestampTz issued = sg_get_ts(tup, desc, "issued_at", &isnull);

			sg_deadline_close(SG_DL_FACT_FINDING, e.id, issued);
			advance_stage(e.id, "UPDATE safeguard.provider_enquiry SET stage = 'improvement_plan' "
						  "WHERE id OPERATOR(pg_catalog.=) $1");
			sg_deadline_open(SG_DL_PROVIDER_RESPONSE, e.id, 0, e.provider_id, issued);
		}
		else
		{
			sg_deadline_close(SG_DL_PROVIDER_RESPONSE, e.id,
							  sg_get_ts(tup, desc, "responded_at", &isnull));
			if (e.stage == SG_ENQ_IMPROVEMENT_PLAN)
				advance_stage(e.id, "UPDATE safeguard.provider_enquiry SET stage = 'monitoring', "
							  "monitoring_started_at = safeguard.now() WHERE id OPERATOR(pg_catalog.=) $1");
		}
	}
	else if (r->record == SG_REC_PLAN_ITEM && is_update)
	{
		bool		was = DatumGetBool(sg_get(td->tg_trigtuple, desc, "serious_delay", &isnull));
		bool		now = DatumGetBool(sg_get(tup, desc, "serious_delay", &isnull));

		if (now && !was)
		{
			int64		enquiry_id = record_enquiry_id(r, tup, desc);

			load_enquiry(enquiry_id, &e, false);
			advance_stage(e.id, "UPDATE safeguard.provider_enquiry SET meeting_required = true "
						  "WHERE id OPERATOR(pg_catalog.=) $1");
			/* one forced meeting answers every delay flagged before it */
			sg_deadline_open(SG_DL_DELAY_MEETING, e.id, 0, e.la_id, sg_now());
		}
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
