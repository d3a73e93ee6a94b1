/*
 * calendar_oracle.h
 *		The brute-force model of a working-day calendar that the calendar
 *		unit tests hold src/calendar_math.c against: one flag per covered
 *		day, walked a day at a time.
 *
 * Shared by calendar_math_test.c (exhaustive, over the CSV calendars) and
 * fuzz_calendar.c (random calendars).  It calls nothing in the library; it
 * only speaks its SgCalStatus codes.  Days are numbered as in the library
 * (0 = 2000-01-01) and the day of week comes from the anchor 2018-01-01,
 * a Monday.  The caller owns the working[] storage.
 */
#ifndef SAFEGUARD_CALENDAR_ORACLE_H
#define SAFEGUARD_CALENDAR_ORACLE_H

#include "calendar_math.h"

#include <stdbool.h>
#include <stdint.h>

#define ORACLE_ANCHOR_MONDAY 6575	/* 2018-01-01 as a day number */

/* The model: days first..last, working[d - first] true on working days. */
typedef struct Oracle
{
	int64_t		first;
	int64_t		last;
	bool	   *working;
} Oracle;

/* Returns the day of week, 0 = Monday. */
static inline int
oracle_dow(int64_t day)
{
	int64_t		r = (day - ORACLE_ANCHOR_MONDAY) % 7;

	return (int) (r < 0 ? r + 7 : r);
}

/* Returns the coverage status of a day in the model. */
static inline SgCalStatus
oracle_check(const Oracle *o, int64_t day)
{
	if (day < o->first)
		return SGCAL_BEFORE_COVERAGE;
	if (day > o->last)
		return SGCAL_AFTER_COVERAGE;
	return SGCAL_OK;
}

/*
 * Walks day by day to the n-th working day after day 0, where day 0 is
 * start or the nearest working day in n's direction (calendar_math.h).
 */
static inline SgCalStatus
oracle_add(const Oracle *o, int64_t start, int64_t n, int64_t *result)
{
	int			step = n >= 0 ? 1 : -1;
	SgCalStatus off = n >= 0 ? SGCAL_AFTER_COVERAGE : SGCAL_BEFORE_COVERAGE;
	uint64_t	left = n >= 0 ? (uint64_t) n : -(uint64_t) n;
	int64_t		d = start;
	SgCalStatus st = oracle_check(o, d);

	if (st != SGCAL_OK)
		return st;
	while (!o->working[d - o->first])
	{
		d += step;
		if (oracle_check(o, d) != SGCAL_OK)
			return off;
	}
	for (; left > 0; left--)
	{
		do
		{
			d += step;
			if (oracle_check(o, d) != SGCAL_OK)
				return off;
		} while (!o->working[d - o->first]);
	}
	*result = d;
	return SGCAL_OK;
}

/*
 * Counts working days in (a, b] by walking, negated when b < a; a day
 * outside the coverage is reported for a first, then for b.
 */
static inline SgCalStatus
oracle_between(const Oracle *o, int64_t a, int64_t b, int64_t *result)
{
	SgCalStatus st = oracle_check(o, a);
	int64_t		lo = a < b ? a : b;
	int64_t		hi = a < b ? b : a;
	int64_t		count = 0;

	if (st == SGCAL_OK)
		st = oracle_check(o, b);
	if (st != SGCAL_OK)
		return st;
	for (int64_t d = lo + 1; d <= hi; d++)
		count += o->working[d - o->first];
	*result = b < a ? -count : count;
	return SGCAL_OK;
}

#endif							/* SAFEGUARD_CALENDAR_ORACLE_H */
