/*
 * reporting_math.h
 *		Pure arithmetic of the statutory return (Safeguarding Adults
 *		Collection): ages in whole years, the published age bands, the
 *		reporting year and disclosure control.  Backend-free (unit-tested in
 *		test/unit).
 */
#ifndef SAFEGUARD_REPORTING_MATH_H
#define SAFEGUARD_REPORTING_MATH_H

#include <stdbool.h>
#include <stdint.h>

/* Earliest and latest first year of a SAC reporting year (1 April to 31 March). */
#define SG_SAC_FIRST_YEAR 2000
#define SG_SAC_LAST_YEAR 2100

/*
 * Returns the age in whole years on (y, m, d) of a person born on
 * (by, bm, bd); negative when the date is before the birth.  Someone born on
 * 29 February is a year older on 1 March in a common year.
 */
extern int	sg_age_years(int by, int bm, int bd, int y, int m, int d);

/*
 * Returns the SAC age band of an age in whole years: "18-64", "65-74",
 * "75-84", "85-94", "95+", or "Under 18" (outside the collection, which
 * counts adults) for a lower age.
 */
extern const char *sg_sac_age_band(int age);

/* Returns true when year can start a SAC reporting year. */
extern bool sg_sac_year_valid(int64_t year);

/*
 * Disclosure control of published SAC figures: values under 5 are
 * suppressed (returns false), the rest rounded to the nearest 5 (*out).
 */
extern bool sg_sac_disclose(int64_t value, int64_t *out);

#endif							/* SAFEGUARD_REPORTING_MATH_H */
