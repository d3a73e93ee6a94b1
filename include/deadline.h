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

extern TimestampTz sg_deadline_due(int32 amount, const char *unit,
								   TimestampTz anchor, const char *division);
extern SgDueStatus sg_deadline_due_try(int32 amount, const char *unit, TimestampTz anchor,
									   const char *division, TimestampTz *due);
extern const char *sg_due_status_text(SgDueStatus st, const char *division);
extern void sg_deadline_open(SgDeadlineKind kind, int64 subject_id, int64 case_id,
							 int64 org_id, TimestampTz anchor);
extern void sg_deadline_open_n(SgDeadlineKind kind, int64 subject_id, int64 case_id,
							   int64 org_id, TimestampTz anchor, int32 amount);
extern int32 sg_deadline_rule_amount(SgDeadlineKind kind, int64 org_id, TimestampTz anchor);
extern SgDeadlineOutcome sg_deadline_close(SgDeadlineKind kind, int64 subject_id,
										   TimestampTz at);
extern bool sg_deadline_close_if_anchored_before(SgDeadlineKind kind, int64 subject_id,
												 TimestampTz at);
extern void sg_deadline_cancel_all(SgDeadlineSubject subject, int64 subject_id,
								   TimestampTz at);
extern char *sg_deadline_status(SgDeadlineKind kind, int64 subject_id);

#endif							/* SAFEGUARD_DEADLINE_H */
