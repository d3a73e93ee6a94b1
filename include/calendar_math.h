/*
 * calendar_math.h
 *		Working-day arithmetic over a weekend rule and a sorted holiday list.
 *
 * Backend-free: nothing here includes postgres.h, so the unit tests and
 * fuzzers in test/unit build it with a plain C compiler.  Days are plain
 * integers counted from 2000-01-01 (PostgreSQL's DateADT epoch), so a
 * backend caller passes DateADT values straight through.
 *
 * Invariants a caller must keep for an SgCalendar:
 *	- first_day <= last_day (the coverage, inclusive at both ends);
 *	- holidays[] is strictly increasing, holds only Monday-Friday days and
 *	  only days inside the coverage (sgcal_normalise() establishes this);
 *	  it may be NULL when nholidays is 0.
 *
 * Every computation returns a status; *result is written only on SGCAL_OK.
 * When several days are outside the coverage, the status describes the
 * first argument found outside it.
 */
#ifndef SAFEGUARD_CALENDAR_MATH_H
#define SAFEGUARD_CALENDAR_MATH_H

#include <stdbool.h>
#include <stdint.h>

/* A division's calendar: its coverage and its weekday bank holidays. */
typedef struct SgCalendar
{
	int32_t		first_day;		/* first covered day */
	int32_t		last_day;		/* last covered day */
	int32_t		nholidays;		/* entries in holidays[] */
	const int32_t *holidays;	/* sorted weekday holidays inside coverage */
} SgCalendar;

/* Outcome of a calendar computation. */
typedef enum SgCalStatus
{
	SGCAL_OK = 0,
	SGCAL_BEFORE_COVERAGE,		/* needed a day before first_day */
	SGCAL_AFTER_COVERAGE		/* needed a day after last_day */
} SgCalStatus;

extern int	sgcal_day_of_week(int32_t day);
extern bool sgcal_is_weekend(int32_t day);
extern int32_t sgcal_normalise(int32_t *days, int32_t n,
							   int32_t first_day, int32_t last_day);
extern SgCalStatus sgcal_is_working_day(const SgCalendar *cal, int32_t day,
										bool *result);
extern SgCalStatus sgcal_add_working_days(const SgCalendar *cal, int32_t start,
										  int64_t n, int32_t *result);
extern SgCalStatus sgcal_working_days_between(const SgCalendar *cal,
											  int32_t a, int32_t b,
											  int64_t *result);

#endif							/* SAFEGUARD_CALENDAR_MATH_H */
