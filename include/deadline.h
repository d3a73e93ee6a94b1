/*
 * deadline.h
 *		Opening, closing and computing deadlines (deadline.c).
 */
#ifndef SAFEGUARD_DEADLINE_H
#define SAFEGUARD_DEADLINE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "deadline_kinds.h"

typedef enum SgDeadlineOutcome
{
	SG_DEADLINE_NONE,			/* no open deadline of that kind */
	SG_DEADLINE_MET,
	SG_DEADLINE_BREACHED
} SgDeadlineOutcome;

/* Whether a due instant could be computed. */
typedef enum SgDueStatus
{
	SG_DUE_OK,
	SG_DUE_BEFORE_CALENDAR,		/* counted from before the division's calendar */
	SG_DUE_AFTER_CALENDAR,		/* falls after the division's calendar */
	SG_DUE_OUT_OF_RANGE			/* outside the range of a timestamp */
} SgDueStatus;

/* Returns the due instant of a rule applied to an anchor in a division; raises SG101 or SG105. */
extern TimestampTz sg_deadline_due(int32 amount, const char *unit,
								   TimestampTz anchor, const char *division);

/* As sg_deadline_due, never raising for the deadline's values: sets *due and returns the status. */
extern SgDueStatus sg_deadline_due_try(int32 amount, const char *unit, TimestampTz anchor,
									   const char *division, TimestampTz *due);

/* Returns why a due instant could not be computed (palloc'd), or NULL for SG_DUE_OK. */
extern const char *sg_due_status_text(SgDueStatus st, const char *division);

/* Opens the deadline of a kind for a subject; raises SG212 without a rule. */
extern void sg_deadline_open(SgDeadlineKind kind, int64 subject_id, int64 case_id,
							 int64 org_id, TimestampTz anchor);

/* As sg_deadline_open, with a timescale set for this subject (amount >= 0). */
extern void sg_deadline_open_n(SgDeadlineKind kind, int64 subject_id, int64 case_id,
							   int64 org_id, TimestampTz anchor, int32 amount);

/* Returns the amount of the rule of a kind that applies to org_id at anchor. */
extern int32 sg_deadline_rule_amount(SgDeadlineKind kind, int64 org_id, TimestampTz anchor);

/* Closes an open deadline as met or breached by an event at `at`. */
extern SgDeadlineOutcome sg_deadline_close(SgDeadlineKind kind, int64 subject_id,
										   TimestampTz at);

/* Closes an open deadline counted from before `at`; returns true when one was. */
extern bool sg_deadline_close_if_anchored_before(SgDeadlineKind kind, int64 subject_id,
												 TimestampTz at);

/* Cancels every open deadline of a subject. */
extern void sg_deadline_cancel_all(SgDeadlineSubject subject, int64 subject_id,
								   TimestampTz at);

/* Returns the status of a subject's deadline of a kind ("" when none). */
extern char *sg_deadline_status(SgDeadlineKind kind, int64 subject_id);

#endif							/* SAFEGUARD_DEADLINE_H */
