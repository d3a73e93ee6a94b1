/*
 * enquiry_records.h
 *		The records a provider enquiry gathers, as one table of rules
 *		(enquiry_records.c, backend-free): for each record table, which action
 *		permits it, at which stages it may be recorded, how its row finds its
 *		enquiry, which columns safeguard stamps.  provider_enquiry.c applies
 *		the table in its record triggers.
 */
#ifndef SAFEGUARD_ENQUIRY_RECORDS_H
#define SAFEGUARD_ENQUIRY_RECORDS_H

#include "enquiry_fsm.h"

#include <stdbool.h>
#include <stdint.h>

/* The record tables (one rule each, in the order of the procedure). */
typedef enum SgEnquiryRecord
{
	SG_REC_LOCATION = 0,		/* enquiry_location */
	SG_REC_CRITERION,			/* enquiry_criterion: the threshold tool */
	SG_REC_APPOINTMENT,			/* enquiry_appointment */
	SG_REC_MEETING,				/* enquiry_meeting */
	SG_REC_ATTENDEE,			/* meeting_attendee */
	SG_REC_COMMISSIONING,		/* commissioning_decision */
	SG_REC_FINDING,				/* enquiry_finding */
	SG_REC_PLAN,				/* improvement_plan */
	SG_REC_PLAN_ITEM,			/* plan_item */
	SG_REC_QA,					/* qa_activity */
	SG_REC_NOTIFICATION,		/* enquiry_notification */
	SG_NRECORDS
} SgEnquiryRecord;

/* A set of enquiry stages: one bit per SgEnquiryStage. */
#define SG_STAGE_BIT(s) (1u << (s))
#define SG_ACTIVE_STAGES (SG_STAGE_BIT(SG_ENQ_INVOKED) | SG_STAGE_BIT(SG_ENQ_FACT_FINDING) | \
						  SG_STAGE_BIT(SG_ENQ_IMPROVEMENT_PLAN) | SG_STAGE_BIT(SG_ENQ_MONITORING) | \
						  SG_STAGE_BIT(SG_ENQ_QUALITY_ASSURANCE))
#define SG_PLAN_STAGES (SG_STAGE_BIT(SG_ENQ_IMPROVEMENT_PLAN) | SG_STAGE_BIT(SG_ENQ_MONITORING) | \
						SG_STAGE_BIT(SG_ENQ_QUALITY_ASSURANCE))

#define SG_REC_MAX_STAMPED 3

/* The rule of one record table. */
typedef struct SgEnquiryRecordRule
{
	SgEnquiryRecord record;
	const char *table;			/* relation name in schema safeguard */
	const char *action;			/* actions.c entry permitting a new record, on
								 * the leading authority; NULL: the record's
								 * own permit function decides */
	uint32_t	stages;			/* stages at which a record may be added; 0:
								 * the record's check decides by its content */
	bool		stage_in_check; /* the check tests stages itself, part way */
	const char *stage_what;		/* "cannot <what>: ..." when out of stage */
	const char *stage_when;		/* "This is done <when>." */
	const char *parent_table;	/* NULL: the row names its enquiry_id; else
								 * the table of the parent row that does */
	const char *parent_column;	/* the row's reference to that parent */
	bool		updatable;		/* an UPDATE has rules of its own; others are
								 * refused */
	bool		funders_record; /* recorded by funding authorities, not only
								 * the leading authority's staff */
	bool		provider_answers;	/* the provider updates it (its own plan) */
	const char *const *client_columns;	/* columns a client may supply, NULL
										 * terminated; NULL: not restricted */
	int			nstamped;
	const char *stamped[SG_REC_MAX_STAMPED];	/* who/org/when columns set by safeguard */
	const char *audit_key;		/* the column whose value keys the audit note */
} SgEnquiryRecordRule;

extern const SgEnquiryRecordRule *sg_enquiry_record_find(const char *table);
extern const SgEnquiryRecordRule *sg_enquiry_record_rule(SgEnquiryRecord record);

#endif							/* SAFEGUARD_ENQUIRY_RECORDS_H */
