/*
 * deadline_schedule.h
 *		The sweep's schedule: each open, unpaused deadline's next rung
 *		instant (deadline_schedule.c).
 */
#ifndef SAFEGUARD_DEADLINE_SCHEDULE_H
#define SAFEGUARD_DEADLINE_SCHEDULE_H

#include "postgres.h"

#include "datatype/timestamp.h"

extern bool sg_rung_instant_try(TimestampTz due, int32 offset, const char *unit,
								const char *division, TimestampTz *fire);
extern void sg_schedule_refresh(int64 id);

#endif							/* SAFEGUARD_DEADLINE_SCHEDULE_H */
