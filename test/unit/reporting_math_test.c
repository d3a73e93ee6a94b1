/*
 * reporting_math_test.c
 *		Unit tests of src/reporting_math.c: ages in whole years, SAC age
 *		bands, the reporting-year bounds and disclosure control; and of
 *		src/sac_values.c: the ethnic category codes and their SG1c groups,
 *		the SG1d primary support reasons, CASSR and ONS codes.
 *
 * Independence: ages are checked against a day-by-day model that counts
 * the birthdays passed (a person born on 29 February has a birthday on
 * 1 March in common years), over every birth date of 1896-2000 and every
 * 10th day of 2018-2028; disclosure control against "suppress under 5,
 * else the multiple of 5 nearest", computed by distance; the ethnic codes
 * against every letter A-Z and a group table written from the NHS Data
 * Dictionary, not from the library's.  Output is TAP;
 * the exit status is non-zero when any test fails.
 */
#include "reporting_math.h"
#include "sac_values.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days in a month of a (proleptic Gregorian) year. */
static int
month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* The model: the birthdays on or before (y, m, d), counted one year at a time. */
static int
model_age(int by, int bm, int bd, int y, int m, int d)
{
	int			age = 0;

	for (int year = by + 1; year <= y; year++)
	{
		/* the birthday in that year; 29 February falls on 1 March in common years */
		int			cm = bm,
					cd = bd;

		if (bm == 2 && bd == 29 && month_days(year, 2) == 28)
		{
			cm = 3;
			cd = 1;
		}
		if (year < y || cm < m || (cm == m && cd <= d))
			age++;
	}
	return age;
}

/* Golden ages and the band edges. */
static void
test_golden(void)
{
	ok(sg_age_years(1960, 5, 10, 2025, 5, 9) == 64, "a day before the 65th birthday: 64");
	ok(sg_age_years(1960, 5, 10, 2025, 5, 10) == 65, "on the 65th birthday: 65");
	ok(sg_age_years(2000, 2, 29, 2025, 2, 28) == 24, "29 February born: still 24 on 28 February 2025");
	ok(sg_age_years(2000, 2, 29, 2025, 3, 1) == 25, "29 February born: 25 on 1 March 2025");
	ok(sg_age_years(2000, 2, 29, 2024, 2, 29) == 24, "29 February born: 24 on 29 February 2024");
	ok(sg_age_years(2010, 6, 1, 2009, 1, 1) < 0, "a date before the birth is a negative age");
	ok(strcmp(sg_sac_age_band(17), "Under 18") == 0, "17: Under 18");
	ok(strcmp(sg_sac_age_band(18), "18-64") == 0, "18: 18-64");
	ok(strcmp(sg_sac_age_band(64), "18-64") == 0, "64: 18-64");
	ok(strcmp(sg_sac_age_band(65), "65-74") == 0, "65: 65-74");
	ok(strcmp(sg_sac_age_band(74), "65-74") == 0, "74: 65-74");
	ok(strcmp(sg_sac_age_band(75), "75-84") == 0, "75: 75-84");
	ok(strcmp(sg_sac_age_band(84), "75-84") == 0, "84: 75-84");
	ok(strcmp(sg_sac_age_band(85), "85-94") == 0, "85: 85-94");
	ok(strcmp(sg_sac_age_band(94), "85-94") == 0, "94: 85-94");
	ok(strcmp(sg_sac_age_band(95), "95+") == 0, "95: 95+");
	ok(strcmp(sg_sac_age_band(117), "95+") == 0, "117: 95+");
}

/* Every birth date of 1896-2000 against every 10th day of 2018-2028. */
static void
test_exhaustive_ages(void)
{
	long		checked = 0,
				wrong = 0;

	for (int by = 1896; by <= 2000; by++)
		for (int bm = 1; bm <= 12; bm++)
			for (int bd = 1; bd <= month_days(by, bm); bd++)
			{
				int			step = 0;

				for (int y = 2018; y <= 2028; y++)
					for (int m = 1; m <= 12; m++)
						for (int d = 1; d <= month_days(y, m); d++)
						{
							if (step++ % 10 != 0 && !(m == bm && (d == bd || d == bd - 1 || d == 1)))
								continue;
							checked++;
							if (sg_age_years(by, bm, bd, y, m, d) != model_age(by, bm, bd, y, m, d))
							{
								if (wrong++ < 5)
									diag("born %04d-%02d-%02d on %04d-%02d-%02d: %d, model %d", by, bm, bd,
										 y, m, d, sg_age_years(by, bm, bd, y, m, d),
										 model_age(by, bm, bd, y, m, d));
							}
						}
			}
	ok(wrong == 0 && checked > 1000000, "ages agree with the birthday-counting model (%ld cases)", checked);
}

/* Disclosure control against the nearest multiple of 5, found by distance. */
static void
test_disclosure(void)
{
	long		wrong = 0;

	for (int64_t v = -3; v <= 100000; v++)
	{
		int64_t		out = -1;
		bool		shown = sg_sac_disclose(v, &out);
		int64_t		best = 0;

		for (int64_t c = (v / 5) * 5 - 5; c <= (v / 5) * 5 + 10; c += 5)
			if (llabs(c - v) < llabs(best - v))
				best = c;
		if (v < 5 ? shown : (!shown || out != best))
			wrong++;
	}
	ok(wrong == 0, "under 5 suppressed, the rest rounded to the nearest 5 (v in -3..100000)");
	{
		int64_t		out;

		ok(!sg_sac_disclose(4, &out), "4 is suppressed");
		ok(sg_sac_disclose(5, &out) && out == 5, "5 stays 5");
		ok(sg_sac_disclose(7, &out) && out == 5, "7 rounds to 5");
		ok(sg_sac_disclose(8, &out) && out == 10, "8 rounds to 10");
	}
}

/* The reporting-year bounds. */
static void
test_years(void)
{
	ok(!sg_sac_year_valid(1999) && sg_sac_year_valid(2000) && sg_sac_year_valid(2100) &&
	   !sg_sac_year_valid(2101), "reporting years start in 2000-2100");
	ok(!sg_sac_year_valid(INT64_MIN) && !sg_sac_year_valid(INT64_MAX), "extremes are refused");
}

/* Returns a malloc'd copy of s without its terminator, so the sanitizer sees a read past len. */
static char *
exact(const char *s)
{
	size_t		n = strlen(s);
	char	   *p = malloc(n ? n : 1);

	memcpy(p, s, n);
	return p;
}

/*
 * The controlled values of sac_values.c: every NHS Data Dictionary ethnic
 * category code (A-S without I, O and Q; Z; 99) and nothing else, each to
 * the 2011 census group NHS Digital publishes; the SG1d values; the
 * readings of pre-1.5 free text; CASSR and ONS codes.
 */
static void
test_sac_values(void)
{
	static const char *const groups[][2] = {
		{"ABC", "White"}, {"DEFG", "Mixed / Multiple"}, {"HJKLR", "Asian / Asian British"},
		{"MNP", "Black / African / Caribbean / Black British"}, {"S", "Other Ethnic Group"},
		{"Z", "Refused"},
	};
	int			letters = 0;
	bool		all = true;

	for (char c = 'A'; c <= 'Z'; c++)
	{
		char	   *p = exact((char[]) {c, 0});
		const SgSacValue *v = sg_ethnic_category(p, 1);
		const char *want = NULL;

		for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
			if (strchr(groups[g][0], c))
				want = groups[g][1];
		if ((want == NULL) != (v == NULL) ||
			(v && (strcmp(v->sac_label, want) != 0 || strcmp(sg_sac_ethnic_group(p, 1), want) != 0)))
		{
			all = false;
			diag("code %c: %s, expected %s", c, v ? v->sac_label : "refused", want ? want : "refused");
		}
		letters += v != NULL;
		free(p);
	}
	ok(all && letters == 17, "the 17 letter codes A-S (no I, O, Q) and Z, each to its SG1c group");
	ok(sg_ethnic_category("99", 2) != NULL &&
	   strcmp(sg_sac_ethnic_group("99", 2), "Undeclared / Not Known") == 0, "99 is Undeclared / Not Known");
	ok(sg_n_ethnic_categories == 18, "18 codes in all");
	ok(!sg_ethnic_category("a", 1) && !sg_ethnic_category("9", 1) && !sg_ethnic_category("A ", 2) &&
	   !sg_ethnic_category("", 0) && !sg_ethnic_category("White", 5) && !sg_ethnic_category(NULL, 0),
	   "lower case, 9, padding, empty, a group name and NULL are not codes");
	ok(strcmp(sg_sac_ethnic_group(NULL, 0), "Undeclared / Not Known") == 0, "no ethnicity counts as not known");
	ok(strcmp(sg_sac_ethnic_group(" asian ", 7), "Asian / Asian British") == 0 &&
	   strcmp(sg_sac_ethnic_group("Mixed", 5), "Mixed / Multiple") == 0 &&
	   strcmp(sg_sac_ethnic_group("OTHER", 5), "Other Ethnic Group") == 0 &&
	   strcmp(sg_sac_ethnic_group("Martian", 7), "Undeclared / Not Known") == 0,
	   "pre-1.5 free text: a group's name counts under it, anything else as not known");

	ok(sg_n_support_reasons == 8, "8 SG1d primary support reasons");
	all = true;
	for (int i = 0; i < sg_n_support_reasons; i++)
	{
		char	   *p = exact(sg_support_reasons[i].value);
		size_t		n = strlen(sg_support_reasons[i].value);

		all &= sg_support_reason(p, n) == &sg_support_reasons[i] &&
			strcmp(sg_sac_support_group(p, n), sg_support_reasons[i].sac_label) == 0 &&
			strcmp(sg_support_reasons[i].value, sg_support_reasons[i].sac_label) == 0;
		free(p);
	}
	ok(all, "each is recorded as its own label");
	ok(!sg_support_reason("Mental Health", 13) && !sg_support_reason("mental health support", 21),
	   "a short form or another case is refused at entry");
	ok(strcmp(sg_sac_support_group("Mental Health", 13), "Mental Health Support") == 0 &&
	   strcmp(sg_sac_support_group("memory and cognition", 20), "Support with Memory and Cognition") == 0 &&
	   strcmp(sg_sac_support_group("learning disability support", 27), "Learning Disability Support") == 0 &&
	   strcmp(sg_sac_support_group("Dementia", 8), "Not Known") == 0 &&
	   strcmp(sg_sac_support_group(NULL, 0), "Not Known") == 0,
	   "pre-1.5 free text and no reason: read as the return's value, else Not Known");

	ok(sg_cassr_code_valid("202", 3) && sg_cassr_code_valid("935", 3), "CASSR codes are three digits");
	ok(!sg_cassr_code_valid("20", 2) && !sg_cassr_code_valid("2020", 4) && !sg_cassr_code_valid("2O2", 3) &&
	   !sg_cassr_code_valid(NULL, 0), "other lengths, letters and NULL are not");
	ok(sg_ons_code_valid("E06000001", 9) && sg_ons_code_valid("E08000025", 9) &&
	   sg_ons_code_valid("E09000033", 9) && sg_ons_code_valid("E10000002", 9),
	   "ONS codes of unitary authorities, metropolitan districts, London boroughs and counties");
	ok(!sg_ons_code_valid("E07000001", 9) && !sg_ons_code_valid("W06000001", 9) &&
	   !sg_ons_code_valid("E0600001", 8) && !sg_ons_code_valid("e06000001", 9) &&
	   !sg_ons_code_valid("E06A00001", 9) && !sg_ons_code_valid(NULL, 0),
	   "districts (no adult social services), Wales, short, lower case, letters and NULL are not");
}

/* Runs every test group and prints the TAP plan last. */
int
main(void)
{
	test_golden();
	test_exhaustive_ages();
	test_disclosure();
	test_years();
	test_sac_values();
	printf("1..%d\n", tests_run);
	if (tests_failed)
		diag("failed %d of %d tests", tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
