/*
 * deadline_clock.c
 *		The time safeguard works to: safeguard.now().
 *
 * Owns one backend-local value.  Workflow times (when a transition was
 * recorded, whether a deadline was met) come from sg_now(): the transaction
 * start time, so every row of a transaction agrees, unless the session has
 * pinned the clock with safeguard.set_clock().  Pinning exists so tests can
 * walk across a bank-holiday weekend deterministically; EXECUTE on
 * set_clock is revoked from PUBLIC, so only a superuser (or a role an
 * administrator deliberately grants it to) can move time.  The audit trail
 * records the real clock beside it, so a pinned clock is always visible.
 */
#include "postgres.h"

#include "safeguard.h"

#include "access/xact.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_now_sql);
PG_FUNCTION_INFO_V1(sg_set_clock);

static bool clock_pinned = false;
static TimestampTz pinned_at = 0;

/* Returns the pinned time, or the transaction start time. */
TimestampTz
sg_now(void)
{
	return clock_pinned ? pinned_at : GetCurrentTransactionStartTimestamp();
}

/* SQL: safeguard.now() -> timestamptz. */
Datum
sg_now_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ(sg_now());
}

/* SQL: safeguard.set_clock(at timestamptz) pins the clock; NULL unpins it. */
Datum
sg_set_clock(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
	{
		clock_pinned = false;
		PG_RETURN_TIMESTAMPTZ(GetCurrentTransactionStartTimestamp());
	}
	pinned_at = PG_GETARG_TIMESTAMPTZ(0);
	if (TIMESTAMP_NOT_FINITE(pinned_at))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the clock cannot be pinned at infinity"),
				 errhint("Pass a real point in time, or NULL to unpin.")));
	clock_pinned = true;
	PG_RETURN_TIMESTAMPTZ(pinned_at);
}
