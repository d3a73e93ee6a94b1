/*
 * transition.h
 *		Applying a state machine (fsm.h) to row updates (transition.c).
 */
#ifndef SAFEGUARD_TRANSITION_H
#define SAFEGUARD_TRANSITION_H

#include "postgres.h"

#include "commands/trigger.h"
#include "fsm.h"

/* Extra checks of one workflow for a transition, run before its required columns. */
typedef void (*SgTransitionRules) (const SgTransition *t, HeapTuple oldtup,
								   HeapTuple newtup, TupleDesc desc, int64 id);

/* How a guard trigger applies its machine. */
typedef struct SgGuardSpec
{
	const SgMachine *machine;
	const char *state_column;	/* e.g. "state", "stage" */
	const char *const *corrections; /* columns correctable without a transition */
	const SgPermit *correctors;	/* who may correct them */
	int			ncorrectors;
	SgTransitionRules rules;	/* may be NULL */
	const char *hint;			/* for a transition that does not exist */
} SgGuardSpec;

extern HeapTuple sg_guard_update(TriggerData *td, const SgGuardSpec *spec,
								 int64 id, int64 org_id);
extern bool sg_is_allocation(TriggerData *td, const SgMachine *m);
extern HeapTuple sg_allocate_update(TriggerData *td, const SgMachine *m, const char *action,
									int64 id, int64 la_id, bool state_ok, const char *state_hint,
									bool may_unallocate, const char *role_hint);
extern HeapTuple sg_stamp(HeapTuple tup, TupleDesc desc, const char *const *cols, int n);
extern void sg_check_changed_columns(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc,
									 const char *state_column, const char *const *allowed,
									 const char *when);
extern int	sg_row_state(const SgMachine *m, HeapTuple tup, TupleDesc desc,
						 const char *state_column);
extern void sg_require_column(const SgMachine *m, HeapTuple tup, TupleDesc desc,
							  const char *column, int to);
extern void sg_require_text(HeapTuple tup, TupleDesc desc, const char *column,
							const char *what, const char *hint);
extern void sg_refuse_unsupplied(HeapTuple tup, TupleDesc desc, const SgMachine *m,
								 const char *state_column, int initial,
								 const char *const *allowed, const char *hint);
extern void sg_require_rationale(HeapTuple tup, TupleDesc desc, const char *column,
								 const char *what);
extern void sg_check_event_time(HeapTuple tup, TupleDesc desc, const char *column,
								TimestampTz earliest, const char *earliest_what);
extern TimestampTz sg_get_ts(HeapTuple tup, TupleDesc desc, const char *column,
							 bool *isnull);

#endif							/* SAFEGUARD_TRANSITION_H */
