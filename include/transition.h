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

/*
 * Validates an UPDATE against the machine and returns the tuple to store:
 * the transition exists, the actor holds a permit (org_id is the record's
 * local authority), only the transition's columns change, its required
 * columns are present, and its stamped columns are set here.
 */
extern HeapTuple sg_guard_update(TriggerData *td, const SgGuardSpec *spec,
								 int64 id, int64 org_id);

/* Returns the tuple with *_by, *_org_id and *_at columns stamped for the actor, now. */
extern HeapTuple sg_stamp(HeapTuple tup, TupleDesc desc, const char *const *cols, int n);

/* Raises SG203 naming the first column, other than the allowed ones, that changed. */
extern void sg_check_changed_columns(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc,
									 const char *state_column, const char *const *allowed,
									 const char *when);

/* Returns the state of a row under a machine. */
extern int	sg_row_state(const SgMachine *m, HeapTuple tup, TupleDesc desc,
						 const char *state_column);

/* Raises SG202: a column required for moving to a state is missing. */
extern void sg_require_column(const SgMachine *m, HeapTuple tup, TupleDesc desc,
							  const char *column, int to);

/* Raises SG205 unless a rationale column holds text. */
extern void sg_require_rationale(HeapTuple tup, TupleDesc desc, const char *column,
								 const char *what);

/* Raises SG211 unless earliest <= the column's time <= now. */
extern void sg_check_event_time(HeapTuple tup, TupleDesc desc, const char *column,
								TimestampTz earliest, const char *earliest_what);

/* Returns a timestamptz column, or 0 when NULL (*isnull set). */
extern TimestampTz sg_get_ts(HeapTuple tup, TupleDesc desc, const char *column,
							 bool *isnull);

#endif							/* SAFEGUARD_TRANSITION_H */
