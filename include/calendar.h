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

/* Returns a date formatted YYYY-MM-DD regardless of DateStyle (palloc'd). */
extern char *sg_iso_date(DateADT d);

/* Returns the named division's calendar or raises SG102. */
extern const SgDivision *sg_division_lookup(const char *name);

/* Returns whether d is a working day; raises outside coverage. */
extern bool sg_is_working_day(const SgDivision *div, DateADT d);

/* Returns the n-th working day after day 0 of start; raises outside coverage. */
extern DateADT sg_add_working_days(const SgDivision *div, DateADT start, int64 n);

/* Returns the working days in (a, b]; raises outside coverage. */
extern int32 sg_working_days_between(const SgDivision *div, DateADT a, DateADT b);

/* Returns the local date of an instant in the division's time zone. */
extern DateADT sg_local_date(const SgDivision *div, TimestampTz t);

/* As sg_local_date; returns false instead of raising when out of range. */
extern bool sg_local_date_try(const SgDivision *div, TimestampTz t, DateADT *d);

/* Returns the instant local day d ends: the next day's local midnight. */
extern TimestampTz sg_end_of_day(const SgDivision *div, DateADT d);

/* As sg_end_of_day; returns false instead of raising when out of range. */
extern bool sg_end_of_day_try(const SgDivision *div, DateADT d, TimestampTz *result);

/* Returns the instant the n-th working day after start's local date ends. */
extern TimestampTz sg_working_deadline(const SgDivision *div, TimestampTz start,
									   int64 n);

#endif							/* SAFEGUARD_CALENDAR_H */
