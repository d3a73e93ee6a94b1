/*
 * enquiry_fsm.c
 *		The large-scale provider enquiry as data: its stages and its one
 *		transition table.
 *
 * Owns which stage changes exist and who may make them.  Two transitions
 * have no permit: they follow from recording the event itself (the initial
 * meeting moves an invoked enquiry to fact finding; issuing the Service
 * Improvement Plan moves it to improvement_plan), so they cannot be made by
 * editing the stage.  Backend-free; provider_enquiry.c applies it.
 */
#include "enquiry_fsm.h"

#include <stddef.h>

static const char *const stage_names[SG_NENQSTAGES] = {
	"proposed", "not_invoked", "invoked", "fact_finding", "improvement_plan",
	"monitoring", "quality_assurance", "closed"
};

/* the DSAM is an administrator of the leading authority itself */
#define SAM_OR_DSAM 2, {{SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_ADMIN, SG_ACT_FOR_RECIPIENT_LA}}
#define SAM_ONLY 1, {{SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA}}

static const SgTransition transitions[] = {
	{SG_ENQ_PROPOSED, SG_ENQ_INVOKED, SAM_OR_DSAM,
		{"risk_level", "risk_actions", "decision_rationale", "override_rationale", NULL},
		{"risk_level", NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
	{SG_ENQ_PROPOSED, SG_ENQ_NOT_INVOKED, SAM_OR_DSAM,
		{"alternative_action", "decision_rationale", NULL},
		{NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
	{SG_ENQ_INVOKED, SG_ENQ_FACT_FINDING, 0, {{0}},
		{NULL}, {NULL}, {NULL}},
	{SG_ENQ_FACT_FINDING, SG_ENQ_IMPROVEMENT_PLAN, 0, {{0}},
		{NULL}, {NULL}, {NULL}},
	{SG_ENQ_IMPROVEMENT_PLAN, SG_ENQ_MONITORING, SAM_ONLY,
		{NULL},
		{NULL},
		{"monitoring_started_at", NULL}},
	{SG_ENQ_MONITORING, SG_ENQ_QUALITY_ASSURANCE, SAM_ONLY,
		{"qa_strategy", NULL},
		{"qa_strategy", NULL},
		{"qa_started_at", NULL}},
	{SG_ENQ_QUALITY_ASSURANCE, SG_ENQ_MONITORING, SAM_ONLY,
		{"qa_outcome", NULL},
		{"qa_outcome", NULL},
		{"qa_completed_at", NULL}},
	{SG_ENQ_QUALITY_ASSURANCE, SG_ENQ_CLOSED, SAM_OR_DSAM,
		{"qa_outcome", "lessons_learnt", "sab_report_at", "sab_report_reference", NULL},
		{"qa_outcome", "lessons_learnt", "sab_report_at", "sab_report_reference", NULL},
		{"qa_completed_at", "closed_by", "closed_org_id", "closed_at", NULL}},
};

const SgMachine sg_enquiry_machine = {
	"provider enquiry", SG_NENQSTAGES, stage_names,
	sizeof(transitions) / sizeof(transitions[0]), transitions
};
