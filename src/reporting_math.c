/*
 * reporting_math.c
 *		Pure arithmetic of the statutory return: ages, age bands, the
 *		reporting year and disclosure control.
 *
 * Backend-free so test/unit checks it against independent models.  The
 * bands and the disclosure rule are those of the published Safeguarding
 * Adults Collection (domain brief, section 5).
 */
#include "reporting_math.h"

/*
 * Returns the age in whole years on (y, m, d) of a person born on
 * (by, bm, bd); negative when the date is before the birth.  Someone born on
 * 29 February is a year older on 1 March in a common year.
 */
int
sg_age_years(int by, int bm, int bd, int y, int m, int d)
{
	int			age = y - by;

	/* not yet had this year's birthday: month first, then day */
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

/*
 * Returns the SAC age band of an age in whole years: "18-64", "65-74",
 * "75-84", "85-94", "95+", or "Under 18" (outside the collection, which
 * counts adults) for a lower age.
 */
const char *
sg_sac_age_band(int age)
{
	if (age < 18)
		return "Under 18";
	if (age <= 64)
		return "18-64";
	if (age <= 74)
		return "65-74";
	if (age <= 84)
		return "75-84";
	if (age <= 94)
		return "85-94";
	return "95+";
}

/* Returns true when year can start a SAC reporting year. */
bool
sg_sac_year_valid(int64_t year)
{
	return year >= SG_SAC_FIRST_YEAR && year <= SG_SAC_LAST_YEAR;
}

/*
 * Disclosure control of published SAC figures: values under 5 are
 * suppressed (returns false), the rest rounded to the nearest 5 (*out).
 */
bool
sg_sac_disclose(int64_t value, int64_t *out)
{
	int64_t		rem;

	if (value < 5)
		return false;
	rem = value % 5;
	/* remainders 0-2 round down, 3-4 up: integers never tie */
	*out = rem <= 2 ? value - rem : value + (5 - rem);
	return true;
}
