/*
 * calendar_math_test.c
 *		TAP unit tests of src/calendar_math.c against the UK bank holiday CSV.
 *
 * Owns the correctness evidence for the working-day rules: an exhaustive
 * comparison with an independent brute-force day walk (every start day of
 * 2018-2028 in each UK division), golden cases written from the CSV facts,
 * and edge cases (coverage boundaries, int32/int64 extremes, empty holiday
 * lists, sgcal_normalise filtering, days before the 2000-01-01 epoch).
 *
 * Independence: dates, days of week and the oracle (calendar_oracle.h,
 * shared with the fuzz test) are computed without calling the library;
 * day of week comes from the anchor 2018-01-01 = Monday.  No PostgreSQL headers; usage:
 *		calendar_math_test path/to/uk_bank_holidays_2018_2028.csv
 * Output is TAP; the exit status is non-zero when any test fails.
 */
#include "calendar_math.h"
#include "calendar_oracle.h"
#include "prng.h"
#include "tap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 8
#define FIELD_MAX 256
#define MAX_DIVISIONS 8
#define SHOWN_MISMATCHES 5

/* A division's raw holiday dates as read from the CSV. */
typedef struct Division
{
	char		name[FIELD_MAX];
	int32_t    *days;
	int32_t		ndays;
	int32_t		cap;
} Division;

/* Pass/fail tally of one exhaustive check, printed as a single TAP line. */
typedef struct Tally
{
	const char *what;
	long		cases;
	long		failures;
} Tally;


/* Aborts the whole run the TAP way. */
static void
bail_out(const char *why, const char *detail)
{
	printf("Bail out! %s: %s\n", why, detail);
	exit(2);
}

/* Returns floor(a / b) for b > 0. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && a < 0);
}

/* Returns the day number (0 = 2000-01-01) of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t		era;
	int64_t		yoe;
	int64_t		doy;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	/* 730425 = days from 0000-03-01 to 2000-01-01 */
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 730425;
}

/* Writes the ISO date of a day number into buf (inverse of days_from_civil). */
static const char *
format_day(int64_t day, char *buf, size_t len)
{
	int64_t		z = day + 730425;
	int64_t		era = floor_div(z, 146097);
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;
	int			d = (int) (doy - (153 * mp + 2) / 5 + 1);
	int			m = (int) (mp < 10 ? mp + 3 : mp - 9);
	int64_t		y = yoe + era * 400 + (m <= 2);

	snprintf(buf, len, "%04" PRId64 "-%02d-%02d", y, m, d);
	return buf;
}

/* Returns true when y-m-d is a valid Gregorian date. */
static bool
valid_date(int y, int m, int d)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] && !(m == 2 && d == 29 && !leap);
}

/* Parses a strict YYYY-MM-DD string into *day; returns false when malformed. */
static bool
parse_iso(const char *s, int32_t *day)
{
	int			y,
				m,
				d,
				used = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 ||
		used != 10 || !valid_date(y, m, d))
		return false;
	*day = (int32_t) days_from_civil(y, m, d);
	return true;
}

/* Returns the day number of an ISO date literal used by the tests. */
static int32_t
D(const char *iso)
{
	int32_t		day;

	if (!parse_iso(iso, &day))
		bail_out("bad date literal in test", iso);
	return day;
}

/* Returns the library status as text for diagnostics. */
static const char *
status_name(SgCalStatus st)
{
	switch (st)
	{
		case SGCAL_OK:
			return "OK";
		case SGCAL_BEFORE_COVERAGE:
			return "BEFORE_COVERAGE";
		case SGCAL_AFTER_COVERAGE:
			return "AFTER_COVERAGE";
	}
	return "invalid status";
}

/*
 * Reads one CSV record (RFC 4180 quoting, LF or CRLF) from *pos into
 * fields; returns the field count, 0 at end of input, -1 on a malformed or
 * over-long record.
 */
static int
csv_record(const char **pos, const char *end, char fields[][FIELD_MAX])
{
	const char *p = *pos;
	int			nf = 0;
	size_t		len = 0;
	bool		quoted = false;

	if (p >= end)
		return 0;
	for (;;)
	{
		char		c = p < end ? *p : '\n';

		if (quoted)
		{
			if (p >= end)
				return -1;		/* unterminated quote */
			p++;
			if (c != '"')
			{
				if (len + 1 >= FIELD_MAX)
					return -1;
				fields[nf][len++] = c;
			}
			else if (p < end && *p == '"')
			{
				if (len + 1 >= FIELD_MAX)
					return -1;
				fields[nf][len++] = '"';
				p++;
			}
			else
				quoted = false;
			continue;
		}
		if (c == '"' && len == 0)
		{
			quoted = true;
			p++;
			continue;
		}
		if (c == ',' || c == '\n' || (c == '\r' && p + 1 < end && p[1] == '\n') ||
			(c == '\r' && p + 1 == end))
		{
			fields[nf++][len] = '\0';
			len = 0;
			if (c == ',')
			{
				if (nf == MAX_FIELDS)
					return -1;	/* too many fields */
				p++;
				continue;
			}
			p += (c == '\r') ? 2 : 1;
			*pos = p < end ? p : end;
			return nf;
		}
		if (len + 1 >= FIELD_MAX)
			return -1;
		fields[nf][len++] = c;
		p++;
	}
}

/* Returns the division called name, adding it when new. */
static Division *
division_for(Division *divs, int *ndivs, const char *name)
{
	Division   *dv;

	for (int i = 0; i < *ndivs; i++)
		if (strcmp(divs[i].name, name) == 0)
			return &divs[i];
	if (*ndivs == MAX_DIVISIONS)
		bail_out("too many divisions in CSV", name);
	dv = &divs[(*ndivs)++];
	memset(dv, 0, sizeof(*dv));
	snprintf(dv->name, sizeof(dv->name), "%s", name);
	return dv;
}

/* Parses holiday CSV text into per-division date lists; returns the row count. */
static int
parse_holidays(const char *text, size_t size, Division *divs, int *ndivs)
{
	static const char *const header[] = {"division", "date", "title", "notes", "bunting"};
	char		fields[MAX_FIELDS][FIELD_MAX];
	const char *pos = text;
	const char *end = text + size;
	int			nf;
	int			rows = 0;

	if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos += 3;				/* UTF-8 byte order mark */
	nf = csv_record(&pos, end, fields);
	if (nf != 5)
		bail_out("CSV header", "expected 5 fields");
	for (int i = 0; i < 5; i++)
		if (strcmp(fields[i], header[i]) != 0)
			bail_out("CSV header field", fields[i]);
	while ((nf = csv_record(&pos, end, fields)) != 0)
	{
		Division   *dv;
		int32_t		day;

		if (nf == 1 && fields[0][0] == '\0')
			continue;			/* blank line */
		if (nf != 5)
			bail_out("CSV record", nf < 0 ? "malformed" : "expected 5 fields");
		if (!parse_iso(fields[1], &day))
			bail_out("CSV date", fields[1]);
		dv = division_for(divs, ndivs, fields[0]);
		if (dv->ndays == dv->cap)
		{
			dv->cap = dv->cap ? 2 * dv->cap : 64;
			dv->days = realloc(dv->days, (size_t) dv->cap * sizeof(int32_t));
			if (dv->days == NULL)
				bail_out("out of memory", dv->name);
		}
		dv->days[dv->ndays++] = day;
		rows++;
	}
	return rows;
}

/* Reads a whole file into a malloc'd buffer; bails out on error. */
static char *
read_file(const char *path, size_t *size)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf = NULL;
	size_t		cap = 0;
	size_t		len = 0;
	size_t		got;

	if (f == NULL)
		bail_out("cannot open holiday CSV", path);
	do
	{
		if (len == cap)
		{
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (buf == NULL)
				bail_out("out of memory", path);
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f))
		bail_out("cannot read holiday CSV", path);
	fclose(f);
	*size = len;
	return buf;
}

/* Builds the brute-force model: a day works unless weekend or listed. */
static Oracle
oracle_build(int32_t first, int32_t last, const int32_t *hols, int32_t nhols)
{
	Oracle		o = {first, last, NULL};
	size_t		len = (size_t) ((int64_t) last - first + 1);

	o.working = malloc(len);
	if (o.working == NULL)
		bail_out("out of memory", "oracle");
	for (size_t i = 0; i < len; i++)
		o.working[i] = oracle_dow((int64_t) first + (int64_t) i) < 5;
	for (int32_t i = 0; i < nhols; i++)
		if (hols[i] >= first && hols[i] <= last)
			o.working[hols[i] - first] = false;
	return o;
}

/* Records one exhaustive-check failure, printing the first few. */
static void
tally_fail(Tally *t, const char *fmt,...)
{
	va_list		ap;

	if (t->failures++ >= SHOWN_MISMATCHES)
		return;
	fflush(stdout);
	fprintf(stderr, "# %s mismatch: ", t->what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Prints a tally as one TAP line naming what the library was compared with. */
static void
tally_report(const Tally *t, const char *label, const char *oracle)
{
	ok(t->failures == 0, "%s: %s agrees with the %s (%ld cases, %ld mismatches)",
	   label, t->what, oracle, t->cases, t->failures);
}

/*
 * Compares all three calendar functions with the oracle on every covered
 * day: is_working_day per day, add_working_days for n in [nmin, nmax],
 * working_days_between for b within span days of a.
 */
static void
check_exhaustive(const char *label, const SgCalendar *cal, const Oracle *o,
				 int nmin, int nmax, int span)
{
	Tally		tw = {"sgcal_is_working_day", 0, 0};
	Tally		ta = {"sgcal_add_working_days", 0, 0};
	Tally		tb = {"sgcal_working_days_between", 0, 0};
	char		b1[32],
				b2[32],
				b3[32];

	for (int64_t d = o->first; d <= o->last; d++)
	{
		bool		got = !o->working[d - o->first];
		SgCalStatus st = sgcal_is_working_day(cal, (int32_t) d, &got);

		tw.cases++;
		if (st != SGCAL_OK || got != o->working[d - o->first])
			tally_fail(&tw, "%s: got %s/%d, want OK/%d", format_day(d, b1, 32),
					   status_name(st), got, o->working[d - o->first]);
	}

	for (int64_t s = o->first; s <= o->last; s++)
		for (int n = nmin; n <= nmax; n++)
		{
			int64_t		want = 0;
			int32_t		got = 0;
			SgCalStatus wst = oracle_add(o, s, n, &want);
			SgCalStatus gst = sgcal_add_working_days(cal, (int32_t) s, n, &got);

			ta.cases++;
			if (gst != wst || (wst == SGCAL_OK && got != want))
				tally_fail(&ta, "%s %+d: got %s %s, want %s %s",
						   format_day(s, b1, 32), n,
						   status_name(gst), gst == SGCAL_OK ? format_day(got, b2, 32) : "",
						   status_name(wst), wst == SGCAL_OK ? format_day(want, b3, 32) : "");
		}

	for (int64_t a = o->first; a <= o->last; a++)
		for (int64_t b = a - span; b <= a + span; b++)
		{
			int64_t		want = 0,
						got = 0;
			SgCalStatus wst,
						gst;

			if (b < o->first || b > o->last)
				continue;
			wst = oracle_between(o, a, b, &want);
			gst = sgcal_working_days_between(cal, (int32_t) a, (int32_t) b, &got);
			tb.cases++;
			if (gst != wst || got != want)
				tally_fail(&tb, "(%s, %s]: got %s %" PRId64 ", want %s %" PRId64,
						   format_day(a, b1, 32), format_day(b, b2, 32),
						   status_name(gst), got, status_name(wst), want);
		}

	tally_report(&tw, label, "day walk");
	tally_report(&ta, label, "day walk");
	tally_report(&tb, label, "day walk");
}

/* Checks one add_working_days call against an expected status and date. */
static void
expect_add(const SgCalendar *cal, const char *label, int32_t start, int64_t n,
		   SgCalStatus want_st, int32_t want)
{
	int32_t		got = 0;
	SgCalStatus st = sgcal_add_working_days(cal, start, n, &got);
	char		b1[32],
				b2[32],
				b3[32];

	if (!ok(st == want_st && (st != SGCAL_OK || got == want),
			"%s: %s %+" PRId64 " -> %s %s", label, format_day(start, b1, 32), n,
			status_name(want_st), want_st == SGCAL_OK ? format_day(want, b2, 32) : ""))
		diag("got %s %s", status_name(st), st == SGCAL_OK ? format_day(got, b3, 32) : "");
}

/* Checks one is_working_day call against an expected status and flag. */
static void
expect_working(const SgCalendar *cal, const char *label, int32_t day,
			   SgCalStatus want_st, bool want)
{
	bool		got = !want;
	SgCalStatus st = sgcal_is_working_day(cal, day, &got);
	char		b1[32];

	if (!ok(st == want_st && (st != SGCAL_OK || got == want),
			"%s: %s is %s", label, format_day(day, b1, 32),
			want_st != SGCAL_OK ? status_name(want_st) : want ? "a working day" : "not a working day"))
		diag("got %s %d", status_name(st), got);
}

/* Checks one working_days_between call against an expected status and count. */
static void
expect_between(const SgCalendar *cal, const char *label, int32_t a, int32_t b,
			   SgCalStatus want_st, int64_t want)
{
	int64_t		got = 0;
	SgCalStatus st = sgcal_working_days_between(cal, a, b, &got);
	char		b1[32],
				b2[32];

	if (!ok(st == want_st && (st != SGCAL_OK || got == want),
			"%s: working days in (%s, %s] -> %s %" PRId64, label,
			format_day(a, b1, 32), format_day(b, b2, 32), status_name(want_st), want))
		diag("got %s %" PRId64, status_name(st), got);
}

/* Checks the CSV reader on quoting, CRLF, a BOM and UTF-8 titles. */
static void
test_csv_reader(void)
{
	static const char text[] =
		"\xEF\xBB\xBF" "division,date,title,notes,bunting\r\n"
		"\"x-div\",2020-02-29,\"Comma, \"\"quoted\"\" day\",,true\r\n"
		"x-div,2020-03-02,\"Two\nlines\",n,false\n"
		"\n"
		"y-div,2020-03-03,Saint’s Day,,true";
	Division	divs[MAX_DIVISIONS];
	int			ndivs = 0;
	int			rows = parse_holidays(text, sizeof(text) - 1, divs, &ndivs);

	ok(rows == 3 && ndivs == 2 && divs[0].ndays == 2 && divs[1].ndays == 1 &&
	   strcmp(divs[0].name, "x-div") == 0 &&
	   divs[0].days[0] == D("2020-02-29") && divs[0].days[1] == D("2020-03-02") &&
	   divs[1].days[0] == D("2020-03-03"),
	   "CSV reader handles BOM, quoted commas and quotes, CRLF, blank lines, UTF-8");
	for (int i = 0; i < ndivs; i++)
		free(divs[i].days);
}

/* Checks the test's own date helpers against known calendar facts. */
static void
test_date_helpers(void)
{
	char		buf[32];

	ok(D("2000-01-01") == 0 && D("1999-12-31") == -1 && D("2018-01-01") == 6575 &&
	   D("2028-12-31") == 10592 && D("1970-01-01") == -10957 &&
	   strcmp(format_day(-10957, buf, 32), "1970-01-01") == 0 &&
	   oracle_dow(D("2000-01-01")) == 5 && oracle_dow(D("1970-01-01")) == 3 &&
	   oracle_dow(D("2024-12-02")) == 0,
	   "test date helpers: epoch, known days of week");
}

/* Checks sgcal_day_of_week and sgcal_is_weekend, including negative days. */
static void
test_day_of_week(void)
{
	static const int32_t extremes[] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX};
	long		fails = 0;

	for (int64_t d = -1000000; d <= 1000000; d++)
	{
		int			w = oracle_dow(d);

		if (sgcal_day_of_week((int32_t) d) != w || sgcal_is_weekend((int32_t) d) != (w >= 5))
		{
			if (fails++ < SHOWN_MISMATCHES)
				diag("day %" PRId64 ": got %d, want %d", d, sgcal_day_of_week((int32_t) d), w);
		}
	}
	ok(fails == 0, "sgcal_day_of_week/is_weekend agree with the anchor for days -1e6..1e6 (%ld mismatches)", fails);

	fails = 0;
	for (size_t i = 0; i < sizeof(extremes) / sizeof(extremes[0]); i++)
	{
		int			w = oracle_dow(extremes[i]);

		if (sgcal_day_of_week(extremes[i]) != w || sgcal_is_weekend(extremes[i]) != (w >= 5))
		{
			fails++;
			diag("day %" PRId32 ": got %d, want %d", extremes[i], sgcal_day_of_week(extremes[i]), w);
		}
	}
	ok(fails == 0, "sgcal_day_of_week at INT32_MIN/INT32_MAX");
	ok(sgcal_day_of_week(D("1999-12-31")) == 4 && sgcal_day_of_week(D("1900-01-01")) == 0 &&
	   sgcal_day_of_week(D("1752-09-14")) == 3 && sgcal_day_of_week(D("0001-01-01")) == 0 &&
	   sgcal_is_weekend(D("1999-12-26")),
	   "sgcal_day_of_week before the epoch: 1999-12-31 Fri, 1900-01-01 Mon, 1752-09-14 Thu, 0001-01-01 Mon");
}

/* Checks that sgcal_normalise sorts, de-duplicates and filters in place. */
static void
test_normalise(void)
{
	int32_t		first = D("2024-01-01");	/* Monday */
	int32_t		last = D("2024-01-31");	/* Wednesday */
	int32_t		in[] = {
		D("2024-01-17"), D("2024-01-06"), D("2024-01-31"), D("2024-02-01"),
		D("2024-01-17"), D("2023-12-29"), D("2024-01-01"), D("2024-01-07"),
		D("2024-01-31"), INT32_MAX, INT32_MIN, D("2024-01-10"), D("2024-01-01")
	};
	int32_t		want[] = {D("2024-01-01"), D("2024-01-10"), D("2024-01-17"), D("2024-01-31")};
	int32_t		n = sgcal_normalise(in, (int32_t) (sizeof(in) / sizeof(in[0])), first, last);
	int32_t		weekends[] = {D("2024-01-06"), D("2024-01-07"), D("2024-01-13")};
	int32_t		untouched[] = {D("2024-01-02")};

	if (!ok(n == 4 && memcmp(in, want, sizeof(want)) == 0,
			"sgcal_normalise sorts, drops duplicates, weekends, out-of-coverage days, keeps both ends"))
		diag("got length %" PRId32 ", first entries %" PRId32 " %" PRId32 " %" PRId32 " %" PRId32,
			 n, in[0], in[1], in[2], in[3]);
	ok(sgcal_normalise(weekends, 3, first, last) == 0, "sgcal_normalise of weekends only -> 0");
	ok(sgcal_normalise(untouched, 0, first, last) == 0 && untouched[0] == D("2024-01-02") &&
	   sgcal_normalise(untouched, -1, first, last) == 0 && sgcal_normalise(NULL, 0, first, last) == 0,
	   "sgcal_normalise with n <= 0 -> 0 and leaves the array alone");
}

/* Runs the exhaustive, golden and boundary checks on the CSV divisions. */
static void
test_uk_divisions(Division *divs, int ndivs)
{
	static const char *const names[] = {"england-and-wales", "scotland", "northern-ireland"};
	int32_t		first = D("2018-01-01");
	int32_t		last = D("2028-12-31");
	SgCalendar	cal[3];
	Oracle		orc[3];
	int32_t    *norm[3];

	for (int i = 0; i < 3; i++)
	{
		Division   *dv = NULL;
		int32_t		weekday_hols = 0;

		for (int j = 0; j < ndivs; j++)
			if (strcmp(divs[j].name, names[i]) == 0)
				dv = &divs[j];
		if (dv == NULL)
			bail_out("division missing from CSV", names[i]);
		orc[i] = oracle_build(first, last, dv->days, dv->ndays);
		norm[i] = malloc((size_t) dv->ndays * sizeof(int32_t));
		if (norm[i] == NULL)
			bail_out("out of memory", names[i]);
		memcpy(norm[i], dv->days, (size_t) dv->ndays * sizeof(int32_t));
		cal[i].first_day = first;
		cal[i].last_day = last;
		cal[i].nholidays = sgcal_normalise(norm[i], dv->ndays, first, last);
		cal[i].holidays = norm[i];
		for (int64_t d = first; d <= last; d++)
			weekday_hols += oracle_dow(d) < 5 && !orc[i].working[d - first];
		ok(cal[i].nholidays == weekday_hols && cal[i].nholidays > 80,
		   "%s: sgcal_normalise keeps the %d weekday holidays of %d CSV rows",
		   names[i], (int) weekday_hols, (int) dv->ndays);
		check_exhaustive(names[i], &cal[i], &orc[i], -30, 60, 45);
	}

	/* Golden cases, from the CSV rows quoted alongside. */
	{
		const SgCalendar *ew = &cal[0],
				   *sc = &cal[1],
				   *ni = &cal[2];

		/* 2024-03-29 Good Friday, 2024-04-01 Easter Monday */
		expect_add(ew, "england-and-wales Easter", D("2024-03-28"), 1, SGCAL_OK, D("2024-04-02"));
		/* 2021-12-27/28 Christmas and Boxing Day substitute days */
		expect_add(ew, "england-and-wales 2021 substitute days", D("2021-12-24"), 1, SGCAL_OK, D("2021-12-29"));
		/* 2022-06-02 Spring bank holiday, 2022-06-03 Platinum Jubilee */
		expect_add(ew, "england-and-wales Jubilee", D("2022-06-01"), 1, SGCAL_OK, D("2022-06-06"));
		/* 2022-09-19 State Funeral of Queen Elizabeth II */
		expect_add(ew, "england-and-wales State Funeral", D("2022-09-16"), 1, SGCAL_OK, D("2022-09-20"));
		/* 2023-05-08 coronation of King Charles III */
		expect_add(ew, "england-and-wales Coronation", D("2023-05-05"), 1, SGCAL_OK, D("2023-05-09"));
		/* 2026-12-25 Christmas Day, 2026-12-28 Boxing Day substitute */
		expect_add(ew, "england-and-wales Christmas 2026", D("2026-12-18"), 5, SGCAL_OK, D("2026-12-29"));
		expect_between(ew, "england-and-wales Christmas 2026", D("2026-12-18"), D("2026-12-29"), SGCAL_OK, 5);
		expect_between(ew, "england-and-wales Christmas 2026 reversed", D("2026-12-29"), D("2026-12-18"), SGCAL_OK, -5);
		expect_between(ew, "england-and-wales Easter", D("2024-03-28"), D("2024-04-02"), SGCAL_OK, 1);
		expect_between(ew, "england-and-wales same day", D("2024-04-02"), D("2024-04-02"), SGCAL_OK, 0);

		/* scotland 2024-01-02 "2nd January"; not a holiday in england-and-wales */
		expect_working(sc, "scotland 2nd January", D("2024-01-02"), SGCAL_OK, false);
		expect_working(ew, "england-and-wales 2nd January", D("2024-01-02"), SGCAL_OK, true);
		expect_add(sc, "scotland New Year", D("2023-12-29"), 1, SGCAL_OK, D("2024-01-03"));
		expect_add(ew, "england-and-wales New Year", D("2023-12-29"), 1, SGCAL_OK, D("2024-01-02"));

		/* scotland 2024-12-02 St Andrew's Day substitute (30 Nov 2024 is a Saturday) */
		expect_working(sc, "scotland St Andrew's Day substitute", D("2024-12-02"), SGCAL_OK, false);
		expect_working(ew, "england-and-wales on scotland's St Andrew's substitute", D("2024-12-02"), SGCAL_OK, true);
		expect_add(sc, "scotland St Andrew's Day substitute", D("2024-11-29"), 1, SGCAL_OK, D("2024-12-03"));
		expect_add(ew, "england-and-wales same Friday", D("2024-11-29"), 1, SGCAL_OK, D("2024-12-02"));

		/* northern-ireland 2024-03-18 St Patrick's Day substitute (17 March is a Sunday) */
		expect_working(ni, "northern-ireland St Patrick's Day substitute", D("2024-03-18"), SGCAL_OK, false);
		expect_working(ew, "england-and-wales on NI's St Patrick's substitute", D("2024-03-18"), SGCAL_OK, true);
		expect_add(ni, "northern-ireland St Patrick's Day substitute", D("2024-03-15"), 1, SGCAL_OK, D("2024-03-19"));
		expect_between(ni, "northern-ireland St Patrick's week", D("2024-03-15"), D("2024-03-22"), SGCAL_OK, 4);

		/* n = 0 on non-working days */
		expect_add(ew, "n = 0 on a Saturday", D("2024-03-09"), 0, SGCAL_OK, D("2024-03-11"));
		expect_add(ew, "n = 0 on Easter Saturday", D("2024-03-30"), 0, SGCAL_OK, D("2024-04-02"));
		expect_add(ew, "n = 0 on Good Friday", D("2024-03-29"), 0, SGCAL_OK, D("2024-04-02"));
		expect_add(ew, "n = 0 on a working day", D("2024-03-28"), 0, SGCAL_OK, D("2024-03-28"));

		/* negative n from a Sunday: day 0 is the previous working day */
		expect_add(ew, "negative n from a Sunday", D("2024-03-10"), -1, SGCAL_OK, D("2024-03-07"));
		expect_add(ew, "negative n from Easter Sunday", D("2024-03-31"), -1, SGCAL_OK, D("2024-03-27"));
		expect_add(ew, "n = -5 from Easter Monday", D("2024-04-01"), -5, SGCAL_OK, D("2024-03-21"));
		expect_add(ew, "n = -1 from the Tuesday after Easter", D("2024-04-02"), -1, SGCAL_OK, D("2024-03-28"));
	}

	/* Coverage boundaries: 2018-01-01 is a Monday holiday, 2028-12-31 a Sunday. */
	for (int i = 0; i < 3; i++)
	{
		const SgCalendar *c = &cal[i];
		int32_t		fw = D(i == 1 ? "2018-01-03" : "2018-01-02");	/* first working day */
		int32_t		lw = D("2028-12-29");	/* last working day, a Friday */
		int64_t		total = 0;
		char		label[96];

		oracle_between(&orc[i], fw, lw, &total);
		snprintf(label, sizeof(label), "%s boundary", names[i]);
		expect_working(c, label, first, SGCAL_OK, false);
		expect_working(c, label, first - 1, SGCAL_BEFORE_COVERAGE, false);
		expect_working(c, label, last, SGCAL_OK, false);
		expect_working(c, label, last + 1, SGCAL_AFTER_COVERAGE, false);
		expect_add(c, label, first, 0, SGCAL_OK, fw);
		expect_add(c, label, first, -1, SGCAL_BEFORE_COVERAGE, 0);
		expect_add(c, label, fw, -1, SGCAL_BEFORE_COVERAGE, 0);
		expect_add(c, label, fw, total, SGCAL_OK, lw);
		expect_add(c, label, fw, total + 1, SGCAL_AFTER_COVERAGE, 0);
		expect_add(c, label, first, total, SGCAL_OK, lw);
		expect_add(c, label, lw, -total, SGCAL_OK, fw);
		expect_add(c, label, lw, -total - 1, SGCAL_BEFORE_COVERAGE, 0);
		expect_add(c, label, last, -total, SGCAL_OK, fw);
		expect_add(c, label, last, 0, SGCAL_AFTER_COVERAGE, 0);
		expect_add(c, label, last, -1, SGCAL_OK, D("2028-12-28"));
		expect_add(c, label, lw, 0, SGCAL_OK, lw);
		expect_add(c, label, lw, 1, SGCAL_AFTER_COVERAGE, 0);
		expect_add(c, label, first - 1, 5, SGCAL_BEFORE_COVERAGE, 0);
		expect_add(c, label, last + 1, -5, SGCAL_AFTER_COVERAGE, 0);
		expect_add(c, label, INT32_MIN, 1, SGCAL_BEFORE_COVERAGE, 0);
		expect_add(c, label, INT32_MAX, -1, SGCAL_AFTER_COVERAGE, 0);
		expect_between(c, label, first, last, SGCAL_OK, total + 1);
		expect_between(c, label, last, first, SGCAL_OK, -total - 1);
		expect_between(c, label, first - 1, last, SGCAL_BEFORE_COVERAGE, 0);
		expect_between(c, label, first, last + 1, SGCAL_AFTER_COVERAGE, 0);
		expect_between(c, label, last + 1, first, SGCAL_AFTER_COVERAGE, 0);
		expect_between(c, label, INT32_MIN, INT32_MIN, SGCAL_BEFORE_COVERAGE, 0);
	}

	/* Huge n: the coverage status, never an overflowed answer. */
	{
		static const int64_t huge[] = {
			INT32_MAX, (int64_t) INT32_MAX + 1, UINT32_MAX, INT64_MAX, INT64_MAX - 1,
			INT32_MIN, (int64_t) INT32_MIN - 1, -(int64_t) UINT32_MAX, INT64_MIN, INT64_MIN + 1
		};
		const int32_t starts[] = {first, D("2018-01-06"), D("2023-06-15"), D("2028-12-29"), last};

		for (size_t k = 0; k < sizeof(huge) / sizeof(huge[0]); k++)
			for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++)
			{
				int32_t		got = 0;
				SgCalStatus st = sgcal_add_working_days(&cal[0], starts[s], huge[k], &got);
				SgCalStatus want = huge[k] > 0 ? SGCAL_AFTER_COVERAGE : SGCAL_BEFORE_COVERAGE;

				if (!ok(st == want, "england-and-wales: n = %" PRId64 " from day %" PRId32 " -> %s",
						huge[k], starts[s], status_name(want)))
					diag("got %s %" PRId32, status_name(st), got);
			}
	}

	for (int i = 0; i < 3; i++)
	{
		free(orc[i].working);
		free(norm[i]);
	}
}

/* Runs the exhaustive check on calendars that have no holidays at all. */
static void
test_empty_calendars(void)
{
	SgCalendar	cal = {D("2023-12-30"), D("2025-01-05"), 0, NULL};
	Oracle		o = oracle_build(cal.first_day, cal.last_day, NULL, 0);
	SgCalendar	sat = {D("2024-03-09"), D("2024-03-09"), 0, NULL};
	SgCalendar	mon = {D("2024-03-11"), D("2024-03-11"), 0, NULL};

	check_exhaustive("no holidays, 2024 +- a weekend", &cal, &o, -300, 300, 400);
	free(o.working);

	expect_add(&sat, "one-day coverage, a Saturday", sat.first_day, 0, SGCAL_AFTER_COVERAGE, 0);
	expect_add(&sat, "one-day coverage, a Saturday", sat.first_day, -1, SGCAL_BEFORE_COVERAGE, 0);
	expect_between(&sat, "one-day coverage, a Saturday", sat.first_day, sat.first_day, SGCAL_OK, 0);
	expect_add(&mon, "one-day coverage, a Monday", mon.first_day, 0, SGCAL_OK, mon.first_day);
	expect_add(&mon, "one-day coverage, a Monday", mon.first_day, -1, SGCAL_BEFORE_COVERAGE, 0);
	expect_add(&mon, "one-day coverage, a Monday", mon.first_day, 1, SGCAL_AFTER_COVERAGE, 0);
	expect_add(&mon, "one-day coverage, a Monday", mon.first_day, INT64_MIN, SGCAL_BEFORE_COVERAGE, 0);
}

/* Returns the n-th weekday after day 0 in closed form (no holidays), int64. */
static int64_t
weekday_add(int64_t start, int64_t n)
{
	int64_t		day0 = start;
	int64_t		k;

	while (oracle_dow(day0) >= 5)
		day0 += n >= 0 ? 1 : -1;
	k = oracle_dow(day0) + n;
	return day0 - oracle_dow(day0) + 7 * floor_div(k, 5) + (k - 5 * floor_div(k, 5));
}

/* Counts weekdays in (a, b] for a <= b: whole weeks, then the remainder. */
static int64_t
weekdays_between(int64_t a, int64_t b)
{
	int64_t		count = (b - a) / 7 * 5;

	for (int64_t d = b - (b - a) % 7 + 1; d <= b; d++)
		count += oracle_dow(d) < 5;
	return count;
}

/* Checks the whole int32 day range with no holidays against closed forms. */
static void
test_full_range(void)
{
	SgCalendar	cal = {INT32_MIN, INT32_MAX, 0, NULL};
	Tally		ta = {"sgcal_add_working_days", 0, 0};
	Tally		tb = {"sgcal_working_days_between", 0, 0};
	uint64_t	rng = 20240328;

	for (int i = 0; i < 200000; i++)
	{
		int32_t		s = (int32_t) (uint32_t) splitmix64(&rng);
		int64_t		n = (int64_t) (splitmix64(&rng) % 8000000001u) - 4000000000;
		int64_t		want;
		SgCalStatus wst;
		int32_t		got = 0;
		SgCalStatus gst;

		if (i % 4 == 0)			/* aim at the ends of the int32 range */
			s = i % 8 == 0 ? INT32_MIN + (int32_t) (n & 1023) : INT32_MAX - (int32_t) (n & 1023);
		if (i % 3 == 0)			/* and at answers near the start */
			n %= 1000;
		want = weekday_add(s, n);
		wst = want < INT32_MIN ? SGCAL_BEFORE_COVERAGE :
			want > INT32_MAX ? SGCAL_AFTER_COVERAGE : SGCAL_OK;
		gst = sgcal_add_working_days(&cal, s, n, &got);
		ta.cases++;
		if (gst != wst || (wst == SGCAL_OK && got != want))
			tally_fail(&ta, "day %" PRId32 " %+" PRId64 ": got %s %" PRId32 ", want %s %" PRId64,
					   s, n, status_name(gst), got, status_name(wst), want);
	}
	for (int i = 0; i < 200000; i++)
	{
		int32_t		a = (int32_t) (uint32_t) splitmix64(&rng);
		int32_t		b = (int32_t) (uint32_t) splitmix64(&rng);
		int64_t		want = a <= b ? weekdays_between(a, b) : -weekdays_between(b, a);
		int64_t		got = 0;
		SgCalStatus gst = sgcal_working_days_between(&cal, a, b, &got);

		tb.cases++;
		if (gst != SGCAL_OK || got != want)
			tally_fail(&tb, "(%" PRId32 ", %" PRId32 "]: got %s %" PRId64 ", want %" PRId64,
					   a, b, status_name(gst), got, want);
	}
	tally_report(&ta, "whole int32 range, no holidays", "closed form");
	tally_report(&tb, "whole int32 range, no holidays", "closed form");
	expect_between(&cal, "whole int32 range", INT32_MIN, INT32_MAX, SGCAL_OK,
				   weekdays_between(INT32_MIN, INT32_MAX));
	expect_between(&cal, "whole int32 range", INT32_MAX, INT32_MIN, SGCAL_OK,
				   -weekdays_between(INT32_MIN, INT32_MAX));
	expect_add(&cal, "whole int32 range", INT32_MAX, INT64_MAX, SGCAL_AFTER_COVERAGE, 0);
	expect_add(&cal, "whole int32 range", INT32_MIN, INT64_MIN, SGCAL_BEFORE_COVERAGE, 0);
	expect_add(&cal, "whole int32 range", INT32_MIN, INT64_MAX, SGCAL_AFTER_COVERAGE, 0);
	expect_add(&cal, "whole int32 range", INT32_MAX, INT64_MIN, SGCAL_BEFORE_COVERAGE, 0);
	expect_add(&cal, "whole int32 range", 0, INT32_MAX, SGCAL_AFTER_COVERAGE, 0);
	expect_add(&cal, "whole int32 range", 0, INT32_MIN, SGCAL_BEFORE_COVERAGE, 0);
}

/* Runs every test group and prints the TAP plan last. */
int
main(int argc, char **argv)
{
	Division	divs[MAX_DIVISIONS];
	int			ndivs = 0;
	size_t		size;
	char	   *text;
	int			rows;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s uk_bank_holidays.csv\n", argv[0]);
		return 2;
	}
	test_date_helpers();
	test_csv_reader();
	text = read_file(argv[1], &size);
	rows = parse_holidays(text, size, divs, &ndivs);
	ok(rows > 300 && ndivs == 3, "holiday CSV: %d rows in %d divisions", rows, ndivs);

	test_day_of_week();
	test_normalise();
	test_uk_divisions(divs, ndivs);
	test_empty_calendars();
	test_full_range();

	printf("1..%d\n", tests_run);
	if (tests_failed)
		diag("failed %d of %d tests", tests_failed, tests_run);
	for (int i = 0; i < ndivs; i++)
		free(divs[i].days);
	free(text);
	return tests_failed ? 1 : 0;
}
