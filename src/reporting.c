/*
 * reporting.c
 *		SQL glue of the reporting layer: the SAC reporting year, age bands,
 *		disclosure control and the NHS number check used by the reports.
 *
 * The counting itself is SQL (views and sac_return() in the extension
 * script): it reads the rows the workflow guards wrote.  What lives here is
 * the arithmetic the reports must agree on, from reporting_math.c, and the
 * errors a caller meets: a year outside 2000-2100 is SG601.
 */
#include "postgres.h"

#include "reporting_math.h"
#include "sg_errcodes.h"
#include "validate.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(sg_sac_year);
PG_FUNCTION_INFO_V1(sg_sac_age_band_sql);
PG_FUNCTION_INFO_V1(sg_sac_disclose_sql);
PG_FUNCTION_INFO_V1(sg_nhs_number_is_valid);

/* Returns the DateADT of a calendar date. */
static DateADT
make_date_adt(int y, int m, int d)
{
	return date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
}

/*
 * SQL: sac_year(year integer) -> daterange: the SAC reporting year that
 * starts on 1 April of year, [year-04-01, year+1-04-01).
 */
Datum
sg_sac_year(PG_FUNCTION_ARGS)
{
	int32		year;
	TypeCacheEntry *typcache;
	RangeBound	lower,
				upper;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PERIOD),
				 errmsg("a reporting year is required"),
				 errhint("Give the year in which the reporting year starts (1 April), e.g. 2025 for 2025-26.")));
	year = PG_GETARG_INT32(0);
	if (!sg_sac_year_valid(year))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PERIOD),
				 errmsg("%d cannot start a reporting year", year),
				 errdetail("Reporting years start between %d and %d.", SG_SAC_FIRST_YEAR, SG_SAC_LAST_YEAR),
				 errhint("Give the year in which the reporting year starts (1 April), e.g. 2025 for 2025-26.")));
	typcache = lookup_type_cache(DATERANGEOID, TYPECACHE_RANGE_INFO);
	lower.val = DateADTGetDatum(make_date_adt(year, 4, 1));
	lower.infinite = false;
	lower.inclusive = true;
	lower.lower = true;
	upper.val = DateADTGetDatum(make_date_adt(year + 1, 4, 1));
	upper.infinite = false;
	upper.inclusive = false;
	upper.lower = false;
	PG_RETURN_RANGE_P(make_range(typcache, &lower, &upper, false));
}

/*
 * SQL: sac_age_band(date_of_birth date, on_date date) -> text: the SAC age
 * band on a date; 'Not Known' without a date of birth (or a date of birth
 * after the date, which is not an age).
 */
Datum
sg_sac_age_band_sql(PG_FUNCTION_ARGS)
{
	int			by,
				bm,
				bd,
				y,
				m,
				d;
	int			age;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) ||
		DATE_NOT_FINITE(PG_GETARG_DATEADT(0)) || DATE_NOT_FINITE(PG_GETARG_DATEADT(1)))
		PG_RETURN_TEXT_P(cstring_to_text("Not Known"));
	j2date(PG_GETARG_DATEADT(0) + POSTGRES_EPOCH_JDATE, &by, &bm, &bd);
	j2date(PG_GETARG_DATEADT(1) + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	age = sg_age_years(by, bm, bd, y, m, d);
	if (age < 0)
		PG_RETURN_TEXT_P(cstring_to_text("Not Known"));
	PG_RETURN_TEXT_P(cstring_to_text(sg_sac_age_band(age)));
}

/* SQL: sac_disclose(value bigint) -> bigint: NULL under 5, else rounded to 5. */
Datum
sg_sac_disclose_sql(PG_FUNCTION_ARGS)
{
	int64		out;

	if (PG_ARGISNULL(0) || !sg_sac_disclose(PG_GETARG_INT64(0), &out))
		PG_RETURN_NULL();
	PG_RETURN_INT64(out);
}

/* SQL: nhs_number_is_valid(text) -> boolean: the modulus 11 check of validate.c. */
Datum
sg_nhs_number_is_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	char		digits[11];

	PG_RETURN_BOOL(sg_nhs_number_valid(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), digits));
}
