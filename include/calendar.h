/*
 * calendar.h
 *		Backend interface of the calendar engine: divisions, their cached
 *		holiday calendars, and working-day computations that raise domain
 *		errors.  Later modules (deadlines, workflow) compute due instants
 *		through these functions so that every client gets the same answer.
 */
#ifndef SAFEGUARD_CALENDAR_H
#define SAFEGUARD_CALENDAR_H

#include "postgres.h"

#include "calendar_math.h"
#include "datatype/timestamp.h"
#include "pgtime.h"
#include "utils/date.h"

/* One division's cached calendar; valid until the next cache invalidation. */
typedef struct SgDivision
{
	char	   *name;			/* e.g. "england-and-wales" */
	char	   *time_zone;		/* IANA name, e.g. "Europe/London" */
	pg_tz	   *tz;				/* resolved time zone */
	SgCalendar	cal;			/* coverage and weekday holidays */
} SgDivision;

extern char *sg_iso_date(DateADT d);
extern uint64 sg_calendar_generation(void);
extern const SgDivision *sg_division_lookup(const char *name);
extern bool sg_is_working_day(const SgDivision *div, DateADT d);
extern DateADT sg_add_working_days(const SgDivision *div, DateADT start, int64 n);
extern int32 sg_working_days_between(const SgDivision *div, DateADT a, DateADT b);
extern DateADT sg_local_date(const SgDivision *div, TimestampTz t);
extern bool sg_local_date_try(const SgDivision *div, TimestampTz t, DateADT *d);
extern TimestampTz sg_end_of_day(const SgDivision *div, DateADT d);
extern bool sg_end_of_day_try(const SgDivision *div, DateADT d, TimestampTz *result);
extern TimestampTz sg_working_deadline(const SgDivision *div, TimestampTz start,
									   int64 n);

#endif							/* SAFEGUARD_CALENDAR_H */
