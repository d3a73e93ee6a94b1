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

extern int	sg_age_years(int by, int bm, int bd, int y, int m, int d);
extern const char *sg_sac_age_band(int age);
extern bool sg_sac_year_valid(int64_t year);
extern bool sg_sac_disclose(int64_t value, int64_t *out);

#endif							/* SAFEGUARD_REPORTING_MATH_H */
