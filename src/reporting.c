/*
 * reporting.c
 *		SQL glue of the reporting layer: the SAC reporting year, age bands,
 *		disclosure control and the NHS number check used by the reports; the
 *		controlled values of the return, checked where they are written.
 *
 * The counting itself is SQL (views and sac_return() in the extension
 * script): it reads the rows the workflow guards wrote.  What lives here is
 * the arithmetic the reports must agree on, from reporting_math.c, the
 * vocabularies and codes of sac_values.c, and the errors a caller meets: a
 * year outside 2000-2100 is SG601; a concern's ethnicity that is not an NHS
 * Data Dictionary ethnic category code SG605, a primary support reason that
 * is not one of the return's SG1d values SG606 (both from concern_guard);
 * a malformed CASSR code SG607 and ONS code SG608, or either on an
 * organisation that is not a local authority (from organisation_guard).
 * local_month() gives the reports' month as a leakproof function, so that a
 * filter on it is an index condition under row-level security.
 */
#include "postgres.h"

#include "internal_write.h"
#include "reporting.h"
#include "reporting_math.h"
#include "sac_values.h"
#include "sg_errcodes.h"
#include "spi_util.h"
#include "trigger_util.h"
#include "validate.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "pgtime.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/rangetypes.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(sg_sac_year);
PG_FUNCTION_INFO_V1(sg_sac_sg5_cells);
PG_FUNCTION_INFO_V1(sg_sac_age_band_sql);
PG_FUNCTION_INFO_V1(sg_sac_disclose_sql);
PG_FUNCTION_INFO_V1(sg_nhs_number_is_valid);
PG_FUNCTION_INFO_V1(sg_sac_ethnic_group_sql);
PG_FUNCTION_INFO_V1(sg_sac_support_group_sql);
PG_FUNCTION_INFO_V1(sg_sac_vocabulary);
PG_FUNCTION_INFO_V1(sg_local_month);

/* Returns the DateADT of a calendar date. */
static DateADT
make_date_adt(int y, int m, int d)
{
	return date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
}

/*
 * SQL: local_month(at timestamptz) -> date: the first day of the month of
 * at's date in Europe/London, the same value as
 * date_trunc('month', safeguard.local_date(at))::date (infinities stay
 * infinite).  Declared LEAKPROOF: it raises no error for any input (an
 * instant whose local time cannot be represented gives NULL, where
 * local_date() would fail; no stored instant is one), so PostgreSQL may
 * evaluate a filter on it before the row-level security policies and use
 * the index concern_received_month for it.  IMMUTABLE as local_date() is:
 * the zone is fixed.
 */
Datum
sg_local_month(PG_FUNCTION_ARGS)
{
	static pg_tz *london = NULL;
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(0);
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (TIMESTAMP_IS_NOBEGIN(at))
	{
		DateADT		d;

		DATE_NOBEGIN(d);
		PG_RETURN_DATEADT(d);
	}
	if (TIMESTAMP_IS_NOEND(at))
	{
		DateADT		d;

		DATE_NOEND(d);
		PG_RETURN_DATEADT(d);
	}
	if (london == NULL)
		london = pg_tzset("Europe/London");
	if (london == NULL || timestamp2tm(at, &tz, &tm, &fsec, NULL, london) != 0)
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(date2j(tm.tm_year, tm.tm_mon, 1) - POSTGRES_EPOCH_JDATE);
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

/* SQL: sac_ethnic_group(ethnicity text) -> text: the SG1c label of what a concern records. */
Datum
sg_sac_ethnic_group_sql(PG_FUNCTION_ARGS)
{
	text	   *t = PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0);

	PG_RETURN_TEXT_P(cstring_to_text(t ? sg_sac_ethnic_group(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t))
									 : sg_sac_ethnic_group(NULL, 0)));
}

/* SQL: sac_support_group(reason text) -> text: the SG1d label of what a concern records. */
Datum
sg_sac_support_group_sql(PG_FUNCTION_ARGS)
{
	text	   *t = PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0);

	PG_RETURN_TEXT_P(cstring_to_text(t ? sg_sac_support_group(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t))
									 : sg_sac_support_group(NULL, 0)));
}

/*
 * SQL: sac_vocabulary() -> (vocabulary, value, description, sac_label): the
 * values a concern may record as ethnicity and primary support reason, from
 * the tables the guard checks against.
 */
Datum
sg_sac_vocabulary(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	static const struct
	{
		const char *name;
		const SgSacValue *values;
		const int  *n;
	}			vocabularies[] = {
		{"ethnic_category", sg_ethnic_categories, &sg_n_ethnic_categories},
		{"primary_support_reason", sg_support_reasons, &sg_n_support_reasons},
	};

	InitMaterializedSRF(fcinfo, 0);
	for (size_t v = 0; v < lengthof(vocabularies); v++)
		for (int i = 0; i < *vocabularies[v].n; i++)
		{
			const SgSacValue *e = &vocabularies[v].values[i];
			Datum		values[4] = {CStringGetTextDatum(vocabularies[v].name),
				CStringGetTextDatum(e->value), CStringGetTextDatum(e->description),
			CStringGetTextDatum(e->sac_label)};
			bool		nulls[4] = {false, false, false, false};

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	return (Datum) 0;
}

/*
 * Refuses a concern whose ethnicity is not an NHS Data Dictionary ethnic
 * category code (SG605) or whose primary support reason is not one of the
 * return's SG1d values (SG606).  Either may be left empty (NULL): the
 * return counts it as not known.  The rule came with the 1.5 schema (whose
 * concern records adult_autism); a database not yet updated keeps the
 * rules of its version.
 */
void
sg_check_concern_sac_values(HeapTuple tup, TupleDesc desc)
{
	char	   *ethnicity;
	char	   *reason;

	if (!sg_has_column(desc, "adult_autism"))
		return;
	ethnicity = sg_get_cstring(tup, desc, "adult_ethnicity");
	reason = sg_get_cstring(tup, desc, "adult_primary_support_reason");

	if (ethnicity != NULL && sg_ethnic_category(ethnicity, strlen(ethnicity)) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ETHNIC_CATEGORY),
				 errmsg("\"%s\" is not an ethnic category code", ethnicity),
				 errdetail("adult_ethnicity takes an NHS Data Dictionary ethnic category code: A-H, J-N, P, R, S, Z (not stated) or 99 (not known)."),
				 errhint("Record the code, e.g. 'A' for White - British; safeguard.sac_vocabulary() lists them. Leave it NULL when not recorded.")));
	if (reason != NULL && sg_support_reason(reason, strlen(reason)) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_SUPPORT_REASON),
				 errmsg("\"%s\" is not a primary support reason of the return", reason),
				 errdetail("adult_primary_support_reason takes one of the Safeguarding Adults Collection's SG1d values, spelt as the return spells them."),
				 errhint("Record e.g. 'Mental Health Support'; safeguard.sac_vocabulary() lists them. Leave it NULL when not recorded.")));
}

/*
 * Refuses an organisation whose CASSR code (SG607) or ONS code (SG608) is
 * malformed, or that carries one without being a local authority.  Before
 * the 1.5 schema an organisation has neither.
 */
void
sg_check_organisation_codes(HeapTuple tup, TupleDesc desc, bool local_authority, const char *name)
{
	char	   *cassr;
	char	   *ons;

	if (!sg_has_column(desc, "cassr_code"))
		return;
	cassr = sg_get_cstring(tup, desc, "cassr_code");
	ons = sg_get_cstring(tup, desc, "ons_code");

	if (cassr != NULL && (!local_authority || !sg_cassr_code_valid(cassr, strlen(cassr))))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_CASSR_CODE),
				 local_authority ? errmsg("\"%s\" is not a CASSR code", cassr)
				 : errmsg("only a local authority has a CASSR code"),
				 local_authority ? errdetail("A CASSR code is the three digits by which NHS England's returns name a council with adult social services responsibilities (\"%s\").", name)
				 : errdetail("\"%s\" is not a local authority.", name),
				 errhint("Give the council's three-digit CASSR code as NHS England publishes it, e.g. '202'; leave it empty for other organisations.")));
	if (ons != NULL && (!local_authority || !sg_ons_code_valid(ons, strlen(ons))))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ONS_CODE),
				 local_authority ? errmsg("\"%s\" is not the ONS code of a council with adult social services", ons)
				 : errmsg("only a local authority has an ONS local authority code"),
				 local_authority ? errdetail("An ONS code of such a council is E06, E08, E09 or E10 followed by six digits (\"%s\").", name)
				 : errdetail("\"%s\" is not a local authority.", name),
				 errhint("Give the council's nine-character ONS code, e.g. 'E09000033'; leave it empty for other organisations.")));
}

/*
 * SQL: sac_sg5_cells(year integer) -> (la_id, table_reference, category, n):
 * the counts of SAC table SG5 for sac_return(): Safeguarding Adults Reviews
 * completed in the reporting year (SG5a, where one or more individuals died or
 * none did) and the individuals in them who suffered serious harm (SG5b, who
 * died or survived), per local authority the caller may report on.  The
 * reviews are read as safeguard: most of the duties that run the return may
 * not read reviews, and the return shows counts only, for the authorities
 * may_report_on() gives the caller (the acting caller, inside safeguard's
 * read).  SG601 for a year outside 2000-2100.
 */
Datum
sg_sac_sg5_cells(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[1] = {INT4OID};
	Datum		values[1];
	uint64		i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	values[0] = PG_GETARG_DATUM(0);
	InitMaterializedSRF(fcinfo, 0);
	sg_spi_connect();
	sg_exec_internal("WITH done AS ("
					 " SELECT s.id, s.la_id FROM safeguard.sar_referral s"
					 " WHERE s.state OPERATOR(pg_catalog.=) 'completed'"
					 " AND safeguard.local_date(s.completed_at) OPERATOR(pg_catalog.<@) safeguard.sac_year($1)"
					 " AND safeguard.may_report_on(s.la_id))"
					 "SELECT d.la_id, 'SG5a'::pg_catalog.text,"
					 " CASE WHEN EXISTS (SELECT 1 FROM safeguard.sar_person x"
					 "   WHERE x.sar_id OPERATOR(pg_catalog.=) d.id AND x.died)"
					 " THEN 'Where one or more individuals died' ELSE 'Where no individuals died' END,"
					 " pg_catalog.count(*) FROM done d GROUP BY 1, 2, 3 "
					 "UNION ALL "
					 "SELECT d.la_id, 'SG5b'::pg_catalog.text,"
					 " CASE WHEN x.died THEN 'Who suffered serious harm and died'"
					 " ELSE 'Who suffered serious harm and survived' END,"
					 " pg_catalog.count(*) FROM done d"
					 " JOIN safeguard.sar_person x ON x.sar_id OPERATOR(pg_catalog.=) d.id"
					 " WHERE x.serious_harm GROUP BY 1, 2, 3",
					 1, types, values, NULL);
	for (i = 0; i < SPI_processed; i++)
	{
		Datum		row[4];
		bool		nulls[4];
		int			c;

		for (c = 0; c < 4; c++)
			row[c] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, c + 1, &nulls[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
	}
	sg_spi_finish();
	return (Datum) 0;
}
