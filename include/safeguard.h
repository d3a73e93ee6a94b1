/*
 * safeguard.h
 *		The backend-wide helpers every workflow module uses, one header per
 *		concern: the clock (deadline_clock.h), protected writes and the
 *		acting user (internal_write.h), duties and permits (duties.h),
 *		cases (concern.h) and trigger plumbing (trigger_util.h).  A file
 *		may include this header or only the ones it needs.
 */
#ifndef SAFEGUARD_H
#define SAFEGUARD_H

#include "postgres.h"

#include "concern.h"
#include "deadline_clock.h"
#include "duties.h"
#include "internal_write.h"
#include "referral_fsm.h"
#include "trigger_util.h"

#endif							/* SAFEGUARD_H */
