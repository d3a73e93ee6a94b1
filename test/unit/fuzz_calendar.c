/*
 * fuzz_calendar.c
 *		Property test of src/calendar_math.c: small random calendars and
 *		random queries, checked against a brute-force day walk.
 *
 * Owns the randomised half of the unit tests.  Any disagreement between the
 * library and the walk prints the case on stderr and calls abort(), which
 * libFuzzer reports as a crash and saves as a reproducer.
 *
 * Built two ways by test/unit/Makefile:
 *	- `make fuzz`: clang -fsanitize=fuzzer,address,undefined, a libFuzzer
 *	  target driven by coverage feedback;
 *	- `make fuzz-smoke`: any C compiler with -DSG_FUZZ_SMOKE, where main()
 *	  feeds the same entry point from a seeded PRNG and prints TAP.
 *
 * Input layout (reads past the end yield zero bytes):
 *	mode (1 byte): where the coverage lies: near the epoch, in 2018-2028,
 *		at INT32_MIN or at INT32_MAX;
 *	span (2), base (1-2): coverage [first, first + span], span < MAX_SPAN;
 *	entries (1), then per entry offset (2) and run (1): runs of listed
 *		holidays, which may fall on weekends, repeat or lie up to 8 days
 *		outside the coverage, so sgcal_normalise has work to do;
 *	then queries while bytes remain: start (2), b (2), n kind (1), n (1-8).
 */
#include "calendar_math.h"
#include "calendar_oracle.h"
#include "prng.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SPAN 400			/* coverage length limit, in days */
#define MAX_ENTRIES 48			/* holiday runs per calendar */
#define MAX_RUN 8				/* days per holiday run */
#define MAX_QUERIES 64

/* The unread part of the fuzz input. */
typedef struct Input
{
	const uint8_t *p;
	size_t		left;
} Input;

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns the next nbytes of input, little-endian, zero past the end. */
static uint64_t
take(Input *in, int nbytes)
{
	uint64_t	v = 0;

	for (int i = 0; i < nbytes; i++)
	{
		uint64_t	byte = 0;

		if (in->left > 0)
		{
			byte = *in->p++;
			in->left--;
		}
		v |= byte << (8 * i);
	}
	return v;
}

/* Prints the failed property and the calendar, then aborts; statuses show as -code. */
static void
fail(const SgCalendar *cal, const char *what, int64_t x, int64_t y,
	 int64_t got, int64_t want)
{
	fprintf(stderr, "fuzz_calendar: %s mismatch: x=%" PRId64 " y=%" PRId64
			" got=%" PRId64 " want=%" PRId64 "\ncoverage [%" PRId32 ", %" PRId32 "], holidays:",
			what, x, y, got, want, cal->first_day, cal->last_day);
	for (int32_t i = 0; i < cal->nholidays; i++)
		fprintf(stderr, " %" PRId32, cal->holidays[i]);
	fputc('\n', stderr);
	abort();
}

/* Returns a query count n of the kind chosen by the next input byte. */
static int64_t
take_n(Input *in, int64_t total)
{
	static const int64_t extremes[] = {
		INT64_MIN, INT64_MIN + 1, INT32_MIN, (int64_t) INT32_MIN - 1, -1, 0, 1,
		INT32_MAX, (int64_t) INT32_MAX + 1, INT64_MAX - 1, INT64_MAX
	};
	unsigned	kind = (unsigned) take(in, 1) % 8;

	switch (kind)
	{
		case 4:
			return (int16_t) take(in, 2);
		case 5:					/* around the coverage's working-day count */
			{
				int64_t		m = (int64_t) (take(in, 2) % (uint64_t) (total + 3));

				return (take(in, 1) & 1) ? -m : m;
			}
		case 6:
			return extremes[take(in, 1) % (sizeof(extremes) / sizeof(extremes[0]))];
		case 7:
			return (int64_t) take(in, 8);
		default:
			return (int8_t) take(in, 1);
	}
}

/* Builds a calendar from the input and checks every library function on it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Input		in = {data, size};
	bool		working[MAX_SPAN + 1];
	Oracle		o = {0, 0, working};
	bool		listed[MAX_SPAN + 1] = {false};
	int32_t		hols[MAX_ENTRIES * MAX_RUN];
	int32_t		nraw = 0;
	int32_t		nlisted = 0;
	int64_t		total = 0;
	unsigned	mode = (unsigned) take(&in, 1) % 4;
	int64_t		span = (int64_t) (take(&in, 2) % MAX_SPAN);
	unsigned	entries;
	SgCalendar	cal;

	switch (mode)
	{
		case 0:
			o.first = (int16_t) take(&in, 2);
			break;
		case 1:
			o.first = ORACLE_ANCHOR_MONDAY + (int64_t) (take(&in, 2) % 4018);
			break;
		case 2:
			o.first = (int64_t) INT32_MIN + (int64_t) take(&in, 1);
			break;
		default:
			o.first = (int64_t) INT32_MAX - span - (int64_t) take(&in, 1);
			break;
	}
	o.last = o.first + span;

	entries = (unsigned) take(&in, 1) % (MAX_ENTRIES + 1);
	for (unsigned e = 0; e < entries; e++)
	{
		int64_t		d = o.first - 8 + (int64_t) (take(&in, 2) % (uint64_t) (span + 17));
		unsigned	run = 1 + (unsigned) take(&in, 1) % MAX_RUN;

		for (unsigned r = 0; r < run; r++, d++)
		{
			if (d < INT32_MIN || d > INT32_MAX)
				continue;
			hols[nraw++] = (int32_t) d;
			if (d >= o.first && d <= o.last && oracle_dow(d) < 5 && !listed[d - o.first])
			{
				listed[d - o.first] = true;
				nlisted++;
			}
		}
	}

	cal.first_day = (int32_t) o.first;
	cal.last_day = (int32_t) o.last;
	cal.nholidays = sgcal_normalise(hols, nraw, cal.first_day, cal.last_day);
	cal.holidays = hols;
	if (cal.nholidays != nlisted)
		fail(&cal, "sgcal_normalise length", nraw, 0, cal.nholidays, nlisted);
	for (int32_t i = 0; i < cal.nholidays; i++)
		if (hols[i] < o.first || hols[i] > o.last || !listed[hols[i] - o.first] ||
			(i > 0 && hols[i] <= hols[i - 1]))
			fail(&cal, "sgcal_normalise entry", i, 0, hols[i], 0);

	for (int64_t d = o.first; d <= o.last; d++)
		o.working[d - o.first] = oracle_dow(d) < 5 && !listed[d - o.first];
	oracle_between(&o, o.first, o.last, &total);

	for (int64_t d = o.first - 1; d <= o.last + 1; d++)
	{
		SgCalStatus wst = oracle_check(&o, d);
		bool		want = wst == SGCAL_OK && o.working[d - o.first];
		bool		got = !want;
		SgCalStatus gst;

		if (d < INT32_MIN || d > INT32_MAX)
			continue;
		gst = sgcal_is_working_day(&cal, (int32_t) d, &got);
		if (gst != wst || (gst == SGCAL_OK && got != want))
			fail(&cal, "sgcal_is_working_day", d, 0,
				 gst == SGCAL_OK ? got : -(int64_t) gst, wst == SGCAL_OK ? want : -(int64_t) wst);
	}

	for (int q = 0; q < MAX_QUERIES && in.left > 0; q++)
	{
		int64_t		a = o.first - 2 + (int64_t) (take(&in, 2) % (uint64_t) (span + 5));
		int64_t		b = o.first - 2 + (int64_t) (take(&in, 2) % (uint64_t) (span + 5));
		int64_t		n = take_n(&in, total);
		int64_t		want = 0,
					got64 = 0;
		int32_t		got = 0;
		SgCalStatus wst,
					gst;
		bool		bad;

		if (a < INT32_MIN || a > INT32_MAX || b < INT32_MIN || b > INT32_MAX)
			continue;

		wst = oracle_add(&o, a, n, &want);
		gst = sgcal_add_working_days(&cal, (int32_t) a, n, &got);
		if (gst != wst || (wst == SGCAL_OK && got != want))
			fail(&cal, "sgcal_add_working_days", a, n,
				 gst == SGCAL_OK ? got : -(int64_t) gst, wst == SGCAL_OK ? want : -(int64_t) wst);

		wst = oracle_check(&o, a) != SGCAL_OK ? oracle_check(&o, a) : oracle_check(&o, b);
		gst = sgcal_working_days_between(&cal, (int32_t) a, (int32_t) b, &got64);
		if (wst == SGCAL_OK)
			oracle_between(&o, a, b, &want);
		/* with both ends outside, the header does not say which end wins */
		if (oracle_check(&o, a) != SGCAL_OK && oracle_check(&o, b) != SGCAL_OK)
			bad = gst == SGCAL_OK;
		else
			bad = gst != wst || (wst == SGCAL_OK && got64 != want);
		if (bad)
			fail(&cal, "sgcal_working_days_between", a, b,
				 gst == SGCAL_OK ? got64 : -(int64_t) gst, wst == SGCAL_OK ? want : -(int64_t) wst);
	}
	return 0;
}

#ifdef SG_FUZZ_SMOKE
/* Feeds seeded random inputs to the harness; usage: [iterations [seed]]. */
int
main(int argc, char **argv)
{
	long		iterations = 200000;
	uint64_t	seed = 0x5AFE6A4Du;
	uint64_t	state;
	uint8_t		buf[320];
	char	   *end = NULL;

	if (argc > 1)
		iterations = strtol(argv[1], &end, 10);
	if (argc > 3 || (argc > 1 && (*end != '\0' || iterations <= 0)))
	{
		fprintf(stderr, "usage: %s [iterations [seed]]\n", argv[0]);
		return 2;
	}
	if (argc > 2)
		seed = strtoull(argv[2], &end, 0);
	if (argc > 2 && *end != '\0')
	{
		fprintf(stderr, "usage: %s [iterations [seed]]\n", argv[0]);
		return 2;
	}
	state = seed;

	printf("1..1\n");
	fflush(stdout);
	for (long i = 0; i < iterations; i++)
	{
		size_t		len = (size_t) (splitmix64(&state) % (sizeof(buf) + 1));

		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t) splitmix64(&state);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("ok 1 - %ld random calendars and queries agree with the day walk (seed 0x%" PRIx64 ")\n",
		   iterations, seed);
	return 0;
}
#endif
