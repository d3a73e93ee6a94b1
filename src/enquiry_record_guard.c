/*
 * enquiry_record_guard.c
 *		The rules of the records a provider enquiry gathers (locations,
 *		threshold criteria, appointments, meetings, attendees, commissioning
 *		decisions, findings, the Service Improvement Plan and its items, QA
 *		activities, closure notifications), applied by the triggers
 *		enquiry_record_guard and enquiry_record_after.  The stage machine of
 *		the enquiry itself is provider_enquiry.c; the data of each record's
 *		rule (permitting action, stages, parent, stamped columns, audit key)
 *		is enquiry_records.c.
 *
 * A record's way through enquiry_record_guard, each step from its rule and
 * its handler (record_handlers below):
 *		delete refused -> update refused unless the record has update rules
 *		-> its enquiry loaded (visible to the actor unless funders or the
 *		provider record it) -> permit (the rule's action, or the handler's
 *		permit) -> client columns -> stage -> the handler's check -> stamp
 *		-> audit note.
 *
 * Invariants: as provider_enquiry.c's (who works an enquiry, stages move
 * only as the procedure does, late records accepted and their deadlines
 * breached, nothing deleted).
 */
#include "postgres.h"

#include "actions.h"
#include "audit.h"
#include "calendar.h"
#include "deadline.h"
#include "enquiry_fsm.h"
#include "enquiry_records.h"
#include "provider_enquiry.h"
#include "safeguard.h"
#include "sg_errcodes.h"
#include "transition.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(sg_enquiry_record_guard);
PG_FUNCTION_INFO_V1(sg_enquiry_record_after);

/* Returns how many rows a count(*) over two int8 parameters finds, as the owner. */
static int64
count_int8(const char *sql, int64 a, int64 b)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(a), Int64GetDatum(b)};

	return sg_enquiry_query_int(sql, 2, types, values);
}

/* Raises 42501 unless the actor is an enquiry officer appointed to the enquiry. */
static SgDuty
require_appointed_officer(const SgEnquiry *e)
{
	const SgActor *a = sg_current_actor();
	Oid			types[2] = {INT8OID, OIDOID};
	Datum		values[2] = {Int64GetDatum(e->id), ObjectIdGetDatum(a->userid)};
	SgDuty		duty = sg_require_action(a, "record_finding", e->la_id);

	if (sg_enquiry_query_int("SELECT pg_catalog.count(*) FROM safeguard.enquiry_appointment "
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
check_appointment(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
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
check_meeting(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
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
			sg_enquiry_wrong_stage(e, "record the initial meeting", "once, after the enquiry is invoked");
		if (isnull)
			sg_enquiry_missing("the fact-finding timescale (fact_finding_working_days)",
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
		sg_enquiry_wrong_stage(e, "record the outcomes meeting", "at the end of fact finding");
	if (strcmp(kind, "monitoring") == 0 &&
		!(SG_STAGE_BIT(e->stage) & SG_PLAN_STAGES))
		sg_enquiry_wrong_stage(e, "record a monitoring meeting", "once the improvement plan is issued");
	if (!(SG_STAGE_BIT(e->stage) & SG_ACTIVE_STAGES))
		sg_enquiry_wrong_stage(e, "record a meeting", "while the enquiry is active");
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
		return sg_enquiry_query_int("SELECT enquiry_id FROM safeguard.enquiry_meeting "
						 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values);
	}
	if (r->record == SG_REC_PLAN_ITEM)
	{
		values[0] = Int64GetDatum(sg_get_int64(tup, desc, r->parent_column));
		return sg_enquiry_query_int("SELECT enquiry_id FROM safeguard.improvement_plan "
						 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values);
	}
	return sg_get_int64(tup, desc, "enquiry_id");
}

/* Validates the provider's response to its plan; returns the stamped tuple. */
static HeapTuple
plan_response(TriggerData *td, const SgEnquiry *e, TupleDesc desc)
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
		sg_enquiry_wrong_stage(e, "respond to the improvement plan", "while the plan is issued or monitored");
	sg_check_changed_columns(oldtup, newtup, desc, NULL, allowed,
							 "in an improvement plan (the provider records only its response)");
	if (!sg_enquiry_present(sg_get_cstring(newtup, desc, "provider_response")))
		sg_enquiry_missing("the provider's response", "Write the response to the plan.");
	newtup = sg_stamp(newtup, desc, stamped, 3);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(newtup, desc, "id"), duty);
	return newtup;
}

/* Validates progress on a plan item; returns the stamped tuple. */
static HeapTuple
plan_item_progress(TriggerData *td, const SgEnquiry *e, TupleDesc desc)
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
		sg_enquiry_wrong_stage(e, "record progress on the plan", "while the plan is being monitored");
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
criterion_change(TriggerData *td, const SgEnquiry *e, TupleDesc desc)
{
	if (e->stage != SG_ENQ_PROPOSED)
		sg_enquiry_wrong_stage(e, "change the threshold tool", "while the enquiry is proposed");
	if (!sg_column_unchanged(td->tg_trigtuple, td->tg_newtuple, desc, sg_attnum(desc, "criterion")))
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("a threshold answer cannot change criterion"),
				 errhint("Answer the other criterion in its own row.")));
	return NULL;
}

/* Raises SG305 unless the enquiry is at a stage the record's rule accepts. */
static void
require_record_stage(const SgEnquiryRecordRule *r, const SgEnquiry *e)
{
	if (!(SG_STAGE_BIT(e->stage) & r->stages))
		sg_enquiry_wrong_stage(e, r->stage_what, r->stage_when);
}

/* Returns the duty of a commissioner of the decision's funding authority (the regulator abstains). */
static SgDuty
commissioning_permit(const SgEnquiry *e, HeapTuple tup, TupleDesc desc, const SgActor *actor)
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
finding_permit(const SgEnquiry *e, HeapTuple tup, TupleDesc desc, const SgActor *actor)
{
	return require_appointed_officer(e);
}

/* Checks a location: it is one of the enquiry's provider's. */
static HeapTuple
check_location(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(sg_get_int64(tup, desc, "location_id")),
	Int64GetDatum(e->provider_id)};

	if (!sg_enquiry_query_int("SELECT kind OPERATOR(pg_catalog.=) 'provider_location' "
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
check_criterion(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (!sg_enquiry_present(sg_get_cstring(tup, desc, "evidence")))
		sg_enquiry_missing("an evidence note", "Each criterion is answered yes or no with the evidence behind the answer.");
	return tup;
}

/* Checks an attendee: the role they attended in. */
static HeapTuple
check_attendee(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (!sg_enquiry_present(sg_get_cstring(tup, desc, "role_title")))
		sg_enquiry_missing("the attendee's role", "Record attendees by organisation and role.");
	return tup;
}

/* Checks a commissioning decision: its meeting is the enquiry's; then the stage; its rationale. */
static HeapTuple
check_commissioning(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
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
	if (!sg_enquiry_present(sg_get_cstring(tup, desc, "rationale")))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
				 errmsg("a commissioning decision needs a rationale"),
				 errhint("Record why placements are suspended, placed with caution or resumed.")));
	return tup;
}

/* Checks a finding: what was found, and that its concern is about the enquiry's locations. */
static HeapTuple
check_finding(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (!sg_enquiry_present(sg_get_cstring(tup, desc, "finding")))
		sg_enquiry_missing("the finding", "Record what was found.");
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
link_to_enquiry(const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	const char *links[2] = {"provider_id", "la_id"};
	Datum		lv[2] = {Int64GetDatum(e->provider_id), Int64GetDatum(e->la_id)};
	bool		ln[2] = {false, false};

	return sg_set(tup, desc, 2, links, lv, ln);
}

/* Checks an improvement plan: issued at the outcomes meeting, with a summary; links it. */
static HeapTuple
check_plan(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(e->id)};

	if (sg_enquiry_query_int("SELECT pg_catalog.count(*) FROM safeguard.enquiry_meeting "
				  "WHERE enquiry_id OPERATOR(pg_catalog.=) $1 AND kind OPERATOR(pg_catalog.=) 'outcomes'",
				  1, types, values) == 0)
		sg_enquiry_wrong_stage(e, r->stage_what, r->stage_when);
	if (!sg_enquiry_present(sg_get_cstring(tup, desc, "summary")))
		sg_enquiry_missing("the plan's summary", "Say what the plan requires of the provider.");
	return link_to_enquiry(e, tup, desc);
}

/* Checks a plan item: description and owner, its referral about the enquiry's locations; links it. */
static HeapTuple
check_plan_item(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	if (!sg_enquiry_present(sg_get_cstring(tup, desc, "description")) ||
		!sg_enquiry_present(sg_get_cstring(tup, desc, "owner")))
		sg_enquiry_missing("the item's description and owner", "Each item has what must improve, an owner and a due date.");
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
check_qa(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	sg_check_event_time(tup, desc, "carried_out_at", e->decided_at, "the decision to invoke");
	return tup;
}

/* Checks a closure notification: its reference, and a date not in the future. */
static HeapTuple
check_notification(const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	const SgDivision *div;

	if (!sg_enquiry_present(sg_get_cstring(tup, desc, "reference")))
		sg_enquiry_missing("the letter's reference", "Record the date, method and reference of the written notification.");
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
	SgDuty		(*permit) (const SgEnquiry *e, HeapTuple tup, TupleDesc desc, const SgActor *actor);
	HeapTuple	(*on_update) (TriggerData *td, const SgEnquiry *e, TupleDesc desc);
	HeapTuple	(*check) (const SgEnquiryRecordRule *r, const SgEnquiry *e, HeapTuple tup, TupleDesc desc);
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
	SgEnquiry	e;
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
	sg_enquiry_load(record_enquiry_id(r, td->tg_trigtuple, desc), &e,
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
		sg_enquiry_refuse_other_columns(tup, desc, r->client_columns);
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
	sg_enquiry_exec_int8(stage_sql, 1, id, 0);
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
	SgEnquiry	e;

	if (r->record == SG_REC_MEETING && !is_update)
	{
		char	   *kind = sg_get_label(tup, desc, "kind");
		TimestampTz held = sg_get_ts(tup, desc, "held_at", &isnull);

		sg_enquiry_load(sg_get_int64(tup, desc, "enquiry_id"), &e, false);
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
		sg_enquiry_load(sg_get_int64(tup, desc, "enquiry_id"), &e, false);
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

			sg_enquiry_load(enquiry_id, &e, false);
			advance_stage(e.id, "UPDATE safeguard.provider_enquiry SET meeting_required = true "
						  "WHERE id OPERATOR(pg_catalog.=) $1");
			/* one forced meeting answers every delay flagged before it */
			sg_deadline_open(SG_DL_DELAY_MEETING, e.id, 0, e.la_id, sg_now());
		}
	}
	return PointerGetDatum(NULL);
}
