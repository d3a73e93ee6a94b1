/*
 * enquiry_records.c
 *		The rules of the records a provider enquiry gathers, as data: one row
 *		per record table.  Backend-free (unit-tested in test/unit); the checks
 *		that need the database are in provider_enquiry.c, which looks a
 *		table's rule up once and applies it:
 *
 *			permit (action, or the record's permit function)
 *			-> client columns -> stage -> record check -> stamp -> audit note
 *
 * Invariants:
 *	- Every record table of the schema has exactly one rule, and the rules
 *	  are in SgEnquiryRecord order (sg_enquiry_record_rule indexes by it).
 *	- Every action named is an entry of actions.c.
 *	- Only the tables marked updatable accept an UPDATE; nothing is
 *	  deleted (the guard refuses both before consulting anything else).
 */
#include "enquiry_records.h"

#include <stddef.h>
#include <string.h>

static const char *const plan_client_columns[] = {"enquiry_id", "summary", NULL};
static const char *const plan_item_client_columns[] = {
	"plan_id", "description", "owner", "due_date", "status", "progress_note", "referral_id", NULL};

static const SgEnquiryRecordRule rules[SG_NRECORDS] = {
	{
		.record = SG_REC_LOCATION, .table = "enquiry_location",
		.action = "add_enquiry_location",
		.stages = SG_ACTIVE_STAGES | SG_STAGE_BIT(SG_ENQ_PROPOSED),
		.stage_what = "add a location", .stage_when = "before the enquiry ends",
		.nstamped = 2, .stamped = {"added_by", "added_at"},
		.audit_key = "enquiry_id",
	},
	{
		.record = SG_REC_CRITERION, .table = "enquiry_criterion",
		.action = "record_threshold",
		.stages = SG_STAGE_BIT(SG_ENQ_PROPOSED),
		.stage_what = "answer the threshold tool", .stage_when = "while the enquiry is proposed",
		.updatable = true,
		.nstamped = 2, .stamped = {"recorded_by", "recorded_at"},
		.audit_key = "enquiry_id",
	},
	{
		.record = SG_REC_APPOINTMENT, .table = "enquiry_appointment",
		.action = "appoint_to_enquiry",
		.stages = SG_ACTIVE_STAGES | SG_STAGE_BIT(SG_ENQ_PROPOSED),
		.stage_what = "appoint", .stage_when = "before the enquiry ends",
		.nstamped = 2, .stamped = {"appointed_by", "appointed_at"},
		.audit_key = "id",
	},
	{
		/* the stage depends on the kind of meeting: the check decides */
		.record = SG_REC_MEETING, .table = "enquiry_meeting",
		.action = "record_enquiry_meeting",
		.nstamped = 3, .stamped = {"recorded_by", "recorded_org_id", "recorded_at"},
		.audit_key = "id",
	},
	{
		.record = SG_REC_ATTENDEE, .table = "meeting_attendee",
		.action = "add_meeting_attendee",
		.stages = SG_ACTIVE_STAGES,
		.stage_what = "record who attended a meeting", .stage_when = "while the enquiry is active",
		.parent_table = "enquiry_meeting", .parent_column = "meeting_id",
		.audit_key = "meeting_id",
	},
	{
		/* permitted on the funding authority, not the leading one */
		.record = SG_REC_COMMISSIONING, .table = "commissioning_decision",
		.stages = SG_ACTIVE_STAGES, .stage_in_check = true,
		.stage_what = "record a commissioning decision", .stage_when = "while the enquiry is active",
		.funders_record = true,
		.nstamped = 3, .stamped = {"decided_by", "decided_org_id", "decided_at"},
		.audit_key = "id",
	},
	{
		/* permitted to the enquiry officers appointed to the enquiry */
		.record = SG_REC_FINDING, .table = "enquiry_finding",
		.stages = SG_STAGE_BIT(SG_ENQ_FACT_FINDING),
		.stage_what = "record a finding", .stage_when = "during fact finding",
		.nstamped = 2, .stamped = {"recorded_by", "recorded_at"},
		.audit_key = "id",
	},
	{
		.record = SG_REC_PLAN, .table = "improvement_plan",
		.action = "issue_improvement_plan",
		.stages = SG_STAGE_BIT(SG_ENQ_FACT_FINDING),
		.stage_what = "issue the improvement plan",
		.stage_when = "at the outcomes meeting, after fact finding",
		.updatable = true, .provider_answers = true,
		.client_columns = plan_client_columns,
		.nstamped = 3, .stamped = {"issued_by", "issued_org_id", "issued_at"},
		.audit_key = "id",
	},
	{
		.record = SG_REC_PLAN_ITEM, .table = "plan_item",
		.action = "add_plan_item",
		.stages = SG_STAGE_BIT(SG_ENQ_IMPROVEMENT_PLAN) | SG_STAGE_BIT(SG_ENQ_MONITORING),
		.stage_what = "add a plan item", .stage_when = "while the plan is issued or monitored",
		.parent_table = "improvement_plan", .parent_column = "plan_id",
		.updatable = true, .provider_answers = true,
		.client_columns = plan_item_client_columns,
		.nstamped = 2, .stamped = {"updated_by", "updated_at"},
		.audit_key = "id",
	},
	{
		.record = SG_REC_QA, .table = "qa_activity",
		.action = "record_qa_activity",
		.stages = SG_STAGE_BIT(SG_ENQ_QUALITY_ASSURANCE),
		.stage_what = "record a quality assurance activity", .stage_when = "during quality assurance",
		.nstamped = 2, .stamped = {"recorded_by", "recorded_at"},
		.audit_key = "id",
	},
	{
		.record = SG_REC_NOTIFICATION, .table = "enquiry_notification",
		.action = "record_enquiry_notification",
		.stages = SG_STAGE_BIT(SG_ENQ_QUALITY_ASSURANCE),
		.stage_what = "record a closure notification",
		.stage_when = "when quality assurance has found improvements sustained, before closing",
		.nstamped = 2, .stamped = {"recorded_by", "recorded_at"},
		.audit_key = "id",
	},
};

/* Returns the rule of a record table by relation name, or NULL. */
const SgEnquiryRecordRule *
sg_enquiry_record_find(const char *table)
{
	for (int i = 0; i < SG_NRECORDS; i++)
		if (strcmp(rules[i].table, table) == 0)
			return &rules[i];
	return NULL;
}

/* Returns the rule of a record, or NULL for a value out of range. */
const SgEnquiryRecordRule *
sg_enquiry_record_rule(SgEnquiryRecord record)
{
	if ((int) record < 0 || record >= SG_NRECORDS)
		return NULL;
	return &rules[record];
}
