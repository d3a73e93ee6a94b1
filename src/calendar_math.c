/*
 * calendar_math.c
 *		Working-day arithmetic: O(1) week arithmetic plus a binary search
 *		over a division's weekday bank holidays.
 *
 * This file owns the counting rules of the product (see the README's
 * "Working days" section) and nothing else.  It is backend-free so that
 * test/unit can check it exhaustively against a brute-force day walk.
 *
 * The idea: number every weekday (Monday-Friday) consecutively, so that
 * weekdays_upto(d) is closed-form.  The working-day index of a day is
 *
 *		W(d) = weekdays_upto(d) - holidays_upto(d)
 *
 * where holidays_upto is a binary search.  W is non-decreasing and steps by
 * one exactly on working days, so "the n-th working day after day 0" is the
 * unique working day whose index is W(day 0) + n, and "working days in
 * (a, b]" is W(b) - W(a).  Inverting W needs a short fixed-point iteration
 * (see find_working_day) whose length depends on how many holidays fall
 * near the answer, not on n.
 *
 * Coverage: a division's holidays are only known inside its coverage, so
 * every day a computation depends on must lie inside it; otherwise the
 * caller gets SGCAL_BEFORE_COVERAGE / SGCAL_AFTER_COVERAGE, never an answer
 * that silently counted weekends only.
 */
#include "calendar_math.h"

#include <stdlib.h>

/* 2000-01-03, the first Monday on or after the DateADT epoch. */
#define MONDAY_ZERO 2

/* Returns floor(a / b) for b > 0. */
static inline int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Returns the day of week, 0 = Monday .. 6 = Sunday. */
int
sgcal_day_of_week(int32_t day)
{
	int64_t		m = (int64_t) day - MONDAY_ZERO;

	return (int) (m - 7 * floor_div(m, 7));
}

/* Returns true for Saturday and Sunday. */
bool
sgcal_is_weekend(int32_t day)
{
	return sgcal_day_of_week(day) >= 5;
}

/*
 * Returns the number of weekdays in [MONDAY_ZERO, day] (negative before it):
 * a monotone numbering in which consecutive weekdays differ by one.
 */
static inline int64_t
weekdays_upto(int64_t day)
{
	int64_t		m = day - MONDAY_ZERO;
	int64_t		weeks = floor_div(m, 7);
	int64_t		r = m - 7 * weeks;

	return 5 * weeks + (r < 5 ? r + 1 : 5);
}

/* Returns the weekday whose weekdays_upto() value is i. */
static inline int64_t
weekday_with_index(int64_t i)
{
	int64_t		w = floor_div(i - 1, 5);
	int64_t		q = (i - 1) - 5 * w;

	return MONDAY_ZERO + 7 * w + q;
}

/* Returns how many holidays fall on or before day (binary search). */
static inline int64_t
holidays_upto(const SgCalendar *cal, int64_t day)
{
	int32_t		lo = 0;
	int32_t		hi = cal->nholidays;

	while (lo < hi)
	{
		int32_t		mid = lo + (hi - lo) / 2;

		if (cal->holidays[mid] <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Returns the working-day index W(day). */
static inline int64_t
working_index(const SgCalendar *cal, int64_t day)
{
	return weekdays_upto(day) - holidays_upto(cal, day);
}

/*
 * Returns the working day whose index is t.  The caller has checked that
 * such a day exists inside the coverage.
 *
 * With H = holidays_upto, the answer a satisfies weekdays_upto(a) = t + H(a).
 * Starting from k <= H(a) and iterating k := H(weekday_with_index(t + k))
 * keeps k <= H(a) and stops at a fixed point d with W(d) = t and d <= a.  A
 * holiday cannot be that fixed point (the working day with index t would
 * then lie before it, i.e. a < d), so d is a working day with index t: d = a.
 * Each step jumps over every holiday found so far, so a handful of steps
 * suffice whatever t is.
 */
static int64_t
find_working_day(const SgCalendar *cal, int64_t t)
{
	int64_t		k = holidays_upto(cal, weekday_with_index(t));

	for (;;)
	{
		int64_t		d = weekday_with_index(t + k);
		int64_t		k2 = holidays_upto(cal, d);

		if (k2 == k)
			return d;
		k = k2;
	}
}

/* Returns the coverage status of a single day. */
static inline SgCalStatus
check_day(const SgCalendar *cal, int64_t day)
{
	if (day < cal->first_day)
		return SGCAL_BEFORE_COVERAGE;
	if (day > cal->last_day)
		return SGCAL_AFTER_COVERAGE;
	return SGCAL_OK;
}

/* Orders int32 values for qsort. */
static int
cmp_int32(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a;
	int32_t		y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

/*
 * Sorts, de-duplicates and filters a holiday array in place so that it
 * meets the SgCalendar invariants for the given coverage; returns the new
 * length.
 */
int32_t
sgcal_normalise(int32_t *days, int32_t n, int32_t first_day, int32_t last_day)
{
	int32_t		out = 0;

	if (n <= 0)
		return 0;
	qsort(days, (size_t) n, sizeof(int32_t), cmp_int32);
	for (int32_t i = 0; i < n; i++)
	{
		int32_t		d = days[i];

		if (d < first_day || d > last_day || sgcal_is_weekend(d))
			continue;
		if (out > 0 && days[out - 1] == d)
			continue;
		days[out++] = d;
	}
	return out;
}

/* Sets *result to whether day is a working day. */
SgCalStatus
sgcal_is_working_day(const SgCalendar *cal, int32_t day, bool *result)
{
	SgCalStatus st = check_day(cal, day);

	if (st != SGCAL_OK)
		return st;
	*result = !sgcal_is_weekend(day) &&
		holidays_upto(cal, day) == holidays_upto(cal, (int64_t) day - 1);
	return SGCAL_OK;
}

/*
 * Sets *result to the n-th working day after day 0, where day 0 is start
 * or, when start is not a working day, the next working day (n >= 0) or the
 * previous working day (n < 0).  n = 0 yields day 0 itself.
 */
SgCalStatus
sgcal_add_working_days(const SgCalendar *cal, int32_t start, int64_t n,
					   int32_t *result)
{
	SgCalStatus st = check_day(cal, start);
	int64_t		first_index;
	int64_t		last_index;
	int64_t		t;

	if (st != SGCAL_OK)
		return st;

	/*
	 * Day 0 is the first working day >= start (index W(start - 1) + 1) when
	 * counting forwards, the last working day <= start (index W(start)) when
	 * counting backwards.  Indices of the first and last covered working
	 * days bound the answer; testing them first also rules out overflow
	 * for any int64 n that reaches this point in range.
	 */
	first_index = working_index(cal, (int64_t) cal->first_day - 1) + 1;
	last_index = working_index(cal, cal->last_day);
	if (n >= 0)
	{
		int64_t		day0 = working_index(cal, (int64_t) start - 1) + 1;

		if (n > last_index - day0)
			return SGCAL_AFTER_COVERAGE;
		t = day0 + n;
	}
	else
	{
		int64_t		day0 = working_index(cal, start);

		if (n < first_index - day0)
			return SGCAL_BEFORE_COVERAGE;
		t = day0 + n;
	}
	if (t > last_index)
		return SGCAL_AFTER_COVERAGE;
	if (t < first_index)
		return SGCAL_BEFORE_COVERAGE;

	*result = (int32_t) find_working_day(cal, t);
	return SGCAL_OK;
}

/* Sets *result to the count of working days in (a, b], negated when b < a. */
SgCalStatus
sgcal_working_days_between(const SgCalendar *cal, int32_t a, int32_t b,
						   int64_t *result)
{
	SgCalStatus st = check_day(cal, a);

	if (st == SGCAL_OK)
		st = check_day(cal, b);
	if (st != SGCAL_OK)
		return st;
	*result = working_index(cal, b) - working_index(cal, a);
	return SGCAL_OK;
}
