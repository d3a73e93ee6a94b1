/*
 * concern.h
 *		Concerns and cases: what other modules ask of them (concern.c).
 */
#ifndef SAFEGUARD_CONCERN_H
#define SAFEGUARD_CONCERN_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "commands/trigger.h"
#include "datatype/timestamp.h"
#include "duties.h"

/* The concern a decision (triage or the council's) is about. */
typedef struct SgDecisionConcern
{
	int64		concern_id;
	int64		la_id;
	int64		case_id;
	int64		logged_org_id;
} SgDecisionConcern;

extern void sg_case_close_if_done(int64 case_id, TimestampTz at);
extern const SgActor *sg_decision_begin(HeapTuple tup, TupleDesc desc, const char *hint,
										SgDecisionConcern *c);
extern void sg_decision_refuse_second(int64 concern_id, int64 case_id);
extern void sg_decision_require_reasons(HeapTuple tup, TupleDesc desc, const char *what);
extern HeapTuple sg_decision_stamp(TriggerData *td, HeapTuple tup, const SgActor *actor,
								   SgDuty duty, const SgDecisionConcern *c);
extern char *sg_decision_after_begin(TriggerData *td, int64 *concern_id, int64 *case_id,
									 TimestampTz *decided_at);

#endif							/* SAFEGUARD_CONCERN_H */
