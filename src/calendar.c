/*
 * calendar.c
 *		The calendar engine's backend glue: a per-backend cache of every
 *		division's holidays, its invalidation, and the SQL-callable
 *		working-day functions.
 *
 * Owns: safeguard.is_working_day, add_working_days, working_days_between,
 * working_deadline, and the triggers calendar_invalidate and division_guard.
 * The arithmetic itself lives in calendar_math.c.
 *
 * Invariants:
 *	- No computation runs a query: the cache is loaded once, with SPI, on
 *	  first use after an invalidation.
 *	- The cache never outlives a change to safeguard.division or
 *	  safeguard.bank_holiday: a statement trigger on both tables sends a
 *	  relcache invalidation for the table, which reaches every backend at its
 *	  next command (and this backend at once), and our relcache callback
 *	  drops the cache.  Loading reads with the latest snapshot, so even a
 *	  REPEATABLE READ transaction cannot pin an outdated calendar in the
 *	  cache for later transactions.
 *	- Results never depend on session settings: dates are DateADT, instants
 *	  are computed in the division's own time zone, and messages format
 *	  dates as ISO 8601 whatever DateStyle says.
 */
#include "postgres.h"

#include "spi_util.h"
#include "calendar.h"
#include "sg_errcodes.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_is_working_day_sql);
PG_FUNCTION_INFO_V1(sg_add_working_days_sql);
PG_FUNCTION_INFO_V1(sg_working_days_between_sql);
PG_FUNCTION_INFO_V1(sg_working_deadline_sql);
PG_FUNCTION_INFO_V1(sg_calendar_invalidate);
PG_FUNCTION_INFO_V1(sg_division_guard);

/* The cache: every division, loaded together. */
static MemoryContext CalendarContext = NULL;
static SgDivision *divisions = NULL;
static int	ndivisions = 0;
static bool calendar_valid = false;
static uint64 invalidations = 0;	/* bumped by the relcache callback */
static bool callback_registered = false;
static Oid	division_relid = InvalidOid;
static Oid	holiday_relid = InvalidOid;

/* Drops the cache when either calendar table (or everything) is invalidated. */
static void
calendar_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == division_relid ||
		relid == holiday_relid)
	{
		calendar_valid = false;
		invalidations++;
	}
}

/*
 * Returns how many calendar invalidations this backend has seen: a value
 * that changes whenever a calendar table may have changed (the deadline
 * schedule rebuilds once per change, not once per row).
 */
uint64
sg_calendar_generation(void)
{
	return invalidations;
}

/* Returns a date formatted YYYY-MM-DD regardless of DateStyle. */
char *
sg_iso_date(DateADT d)
{
	int			y,
				m,
				day;

	if (DATE_NOT_FINITE(d))
		return pstrdup(DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	return psprintf("%04d-%02d-%02d", y, m, day);
}

/* Runs one read-only query with the latest snapshot; returns SPI_processed. */
static uint64
run_latest(const char *sql)
{
	SPIPlanPtr	plan = SPI_prepare(sql, 0, NULL);
	int			rc;

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for calendar query: %s",
			 SPI_result_code_string(SPI_result));
	rc = SPI_execute_snapshot(plan, NULL, NULL, GetLatestSnapshot(),
							  InvalidSnapshot, true, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "calendar query failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/* Orders divisions by name so lookups and error details are stable. */
static int
cmp_division(const void *a, const void *b)
{
	return strcmp(((const SgDivision *) a)->name,
				  ((const SgDivision *) b)->name);
}

/* Loads every division and its holidays into CalendarContext. */
static void
load_calendar(void)
{
	uint64		start_invalidations;
	Oid			nsp;
	SgDivision *divs;
	int			ndivs;
	int32	  **days;
	int32	   *ndays;
	uint64		nrows;
	MemoryContext oldcxt;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(calendar_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	if (CalendarContext == NULL)
		CalendarContext = AllocSetContextCreate(CacheMemoryContext,
												"safeguard calendar cache",
												ALLOCSET_SMALL_SIZES);
	calendar_valid = false;
	divisions = NULL;
	ndivisions = 0;
	MemoryContextReset(CalendarContext);
	start_invalidations = invalidations;

	nsp = get_namespace_oid("safeguard", false);
	division_relid = get_relname_relid("division", nsp);
	holiday_relid = get_relname_relid("bank_holiday", nsp);
	if (!OidIsValid(division_relid) || !OidIsValid(holiday_relid))
		elog(ERROR, "safeguard calendar tables are missing");

	sg_spi_connect();

	nrows = run_latest("SELECT division, time_zone, covered_from, covered_to "
					   "FROM safeguard.division");
	ndivs = (int) nrows;
	divs = MemoryContextAllocZero(CalendarContext,
								  sizeof(SgDivision) * Max(ndivs, 1));
	days = palloc0(sizeof(int32 *) * Max(ndivs, 1));
	ndays = palloc0(sizeof(int32) * Max(ndivs, 1));
	for (int i = 0; i < ndivs; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		v;

		oldcxt = MemoryContextSwitchTo(CalendarContext);
		divs[i].name = TextDatumGetCString(SPI_getbinval(tup, desc, 1, &isnull));
		divs[i].time_zone = TextDatumGetCString(SPI_getbinval(tup, desc, 2, &isnull));
		MemoryContextSwitchTo(oldcxt);
		divs[i].tz = pg_tzset(divs[i].time_zone);
		if (divs[i].tz == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_TIME_ZONE),
					 errmsg("division \"%s\" has an unknown time zone",
							divs[i].name),
					 errdetail("safeguard.division.time_zone is \"%s\".",
							   divs[i].time_zone),
					 errhint("Set it to an IANA time zone name such as Europe/London.")));
		v = SPI_getbinval(tup, desc, 3, &isnull);
		divs[i].cal.first_day = DatumGetDateADT(v);
		v = SPI_getbinval(tup, desc, 4, &isnull);
		divs[i].cal.last_day = DatumGetDateADT(v);
	}
	qsort(divs, ndivs, sizeof(SgDivision), cmp_division);

	nrows = run_latest("SELECT division, day FROM safeguard.bank_holiday");
	for (int pass = 0; pass < 2; pass++)
	{
		/* pass 0 counts holidays per division, pass 1 fills the arrays */
		for (uint64 r = 0; r < nrows; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			char	   *name = TextDatumGetCString(SPI_getbinval(tup, desc, 1, &isnull));

			for (int i = 0; i < ndivs; i++)
			{
				if (strcmp(divs[i].name, name) != 0)
					continue;
				if (pass == 0)
					ndays[i]++;
				else
					days[i][ndays[i]++] =
						DatumGetDateADT(SPI_getbinval(tup, desc, 2, &isnull));
				break;
			}
			pfree(name);
		}
		if (pass == 0)
		{
			for (int i = 0; i < ndivs; i++)
			{
				days[i] = MemoryContextAlloc(CalendarContext,
											 sizeof(int32) * Max(ndays[i], 1));
				ndays[i] = 0;
			}
		}
	}
	for (int i = 0; i < ndivs; i++)
	{
		divs[i].cal.nholidays = sgcal_normalise(days[i], ndays[i],
												divs[i].cal.first_day,
												divs[i].cal.last_day);
		divs[i].cal.holidays = days[i];
	}
	sg_spi_finish();

	divisions = divs;
	ndivisions = ndivs;
	/* An invalidation that arrived while loading forces another load. */
	calendar_valid = (invalidations == start_invalidations);
}

/*
 * Processes pending invalidations at the first calendar use of each
 * statement.  A statement that touches no table takes no lock, so without
 * this a session inside a long transaction would not hear of a committed
 * holiday change until it next locked something.  Once per statement keeps
 * every row of one statement on the same calendar.
 */
static void
accept_invalidations_once_per_statement(void)
{
	static TimestampTz last_statement = 0;
	static LocalTransactionId last_lxid = InvalidLocalTransactionId;
	TimestampTz stmt = GetCurrentStatementStartTimestamp();

	if (stmt != last_statement || MyProc->lxid != last_lxid)
	{
		last_statement = stmt;
		last_lxid = MyProc->lxid;
		AcceptInvalidationMessages();
	}
}

/* Finds a division by name (not NUL-terminated); raises SG102 if unknown. */
static const SgDivision *
lookup_division(const char *name, int len)
{
	StringInfoData known;

	accept_invalidations_once_per_statement();
	if (!calendar_valid)
		load_calendar();
	for (int i = 0; i < ndivisions; i++)
	{
		if (strncmp(divisions[i].name, name, len) == 0 &&
			divisions[i].name[len] == '\0')
			return &divisions[i];
	}

	initStringInfo(&known);
	for (int i = 0; i < ndivisions; i++)
		appendStringInfo(&known, "%s%s", i > 0 ? ", " : "", divisions[i].name);
	ereport(ERROR,
			(errcode(ERRCODE_SG_UNKNOWN_DIVISION),
			 errmsg("unknown bank-holiday division \"%.*s\"", len, name),
			 errdetail("Known divisions: %s.",
					   known.len > 0 ? known.data : "none"),
			 errhint("Use one of the names in safeguard.division, or import the gov.uk calendar with safeguard.import_bank_holidays().")));
	pg_unreachable();
}

/* Returns the named division's calendar or raises SG102. */
const SgDivision *
sg_division_lookup(const char *name)
{
	return lookup_division(name, (int) strlen(name));
}

/* Raises SG101 for a computation that left the division's coverage. */
static void
raise_not_covered(const SgDivision *div, SgCalStatus st, DateADT from)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_CALENDAR_NOT_COVERED),
			 errmsg("working days from %s are outside the calendar of division \"%s\"",
					sg_iso_date(from), div->name),
			 errdetail("The division's bank holidays are loaded from %s to %s; the computation needed a day %s that range.",
					   sg_iso_date(div->cal.first_day), sg_iso_date(div->cal.last_day),
					   st == SGCAL_BEFORE_COVERAGE ? "before" : "after"),
			 errhint("Import the gov.uk calendar that covers these dates with safeguard.import_bank_holidays().")));
}

/* Raises SG104 for an infinite date argument. */
static void
raise_infinite(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_INFINITE_DATE),
			 errmsg("%s must be a finite date", what),
			 errdetail("Working days cannot be counted from or to infinity."),
			 errhint("Pass a real calendar date.")));
}

/* Returns whether d is a working day; raises outside coverage. */
bool
sg_is_working_day(const SgDivision *div, DateADT d)
{
	bool		result = false;
	SgCalStatus st;

	if (DATE_NOT_FINITE(d))
		raise_infinite("the date");
	st = sgcal_is_working_day(&div->cal, d, &result);
	if (st != SGCAL_OK)
		raise_not_covered(div, st, d);
	return result;
}

/* Returns the n-th working day after day 0 of start; raises outside coverage. */
DateADT
sg_add_working_days(const SgDivision *div, DateADT start, int64 n)
{
	int32		result = 0;
	SgCalStatus st;

	if (DATE_NOT_FINITE(start))
		raise_infinite("the start date");
	st = sgcal_add_working_days(&div->cal, start, n, &result);
	if (st != SGCAL_OK)
		raise_not_covered(div, st, start);
	return (DateADT) result;
}

/* Returns the working days in (a, b]; raises outside coverage. */
int32
sg_working_days_between(const SgDivision *div, DateADT a, DateADT b)
{
	int64		result = 0;
	SgCalStatus st;

	if (DATE_NOT_FINITE(a) || DATE_NOT_FINITE(b))
		raise_infinite("both dates");
	st = sgcal_working_days_between(&div->cal, a, b, &result);
	if (st != SGCAL_OK)
		raise_not_covered(div, st, a);
	if (result > PG_INT32_MAX || result < PG_INT32_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_SG_CALENDAR_OVERFLOW),
				 errmsg("working-day count between %s and %s does not fit in an integer",
						sg_iso_date(a), sg_iso_date(b)),
				 errhint("Count over a shorter range.")));
	return (int32) result;
}

/* Returns the local date of an instant in the division's time zone. */
DateADT
sg_local_date(const SgDivision *div, TimestampTz t)
{
	DateADT		d;

	if (!sg_local_date_try(div, t, &d))
		ereport(ERROR,
				(errcode(ERRCODE_SG_CALENDAR_OVERFLOW),
				 errmsg("instant is out of range")));
	return d;
}

/* Sets *d to the local date of an instant; returns false when it is out of range. */
bool
sg_local_date_try(const SgDivision *div, TimestampTz t, DateADT *d)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;

	if (TIMESTAMP_NOT_FINITE(t) || !IS_VALID_TIMESTAMP(t) ||
		timestamp2tm(t, &tzoff, &tm, &fsec, NULL, div->tz) != 0)
		return false;
	*d = date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
	return true;
}

/*
 * Returns the instant the n-th working day after start ends: midnight at
 * the start of the following day, in the division's time zone.  The start's
 * local date is taken in that zone too, so the session TimeZone never
 * matters.
 */
TimestampTz
sg_working_deadline(const SgDivision *div, TimestampTz start, int64 n)
{
	if (TIMESTAMP_NOT_FINITE(start))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INFINITE_DATE),
				 errmsg("the start instant must be finite"),
				 errdetail("Working days cannot be counted from infinity."),
				 errhint("Pass a real point in time.")));
	return sg_end_of_day(div, sg_add_working_days(div, sg_local_date(div, start), n));
}

/* Returns the instant local day d ends: the next day's local midnight. */
TimestampTz
sg_end_of_day(const SgDivision *div, DateADT d)
{
	TimestampTz result;

	if (!sg_end_of_day_try(div, d, &result))
		ereport(ERROR,
				(errcode(ERRCODE_SG_CALENDAR_OVERFLOW),
				 errmsg("the end of %s is out of range",
						IS_VALID_DATE(d) ? sg_iso_date(d) : psprintf("day %d", (int) d)),
				 errhint("A deadline cannot fall outside the range of a PostgreSQL timestamp.")));
	return result;
}

/*
 * Sets *result to the instant local day d ends; returns false when that
 * instant is out of the timestamp range (checked before any date
 * arithmetic, so no day number can wrap around).
 */
bool
sg_end_of_day_try(const SgDivision *div, DateADT d, TimestampTz *result)
{
	struct pg_tm tm;
	int			tzoff;

	/* the next day must be a valid date, and the day after it too (time zone slack) */
	if (DATE_NOT_FINITE(d) || d < (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) ||
		d > (TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE) - 3)
		return false;
	memset(&tm, 0, sizeof(tm));
	j2date(d + 1 + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tzoff = DetermineTimeZoneOffset(&tm, div->tz);
	if (tm2timestamp(&tm, 0, &tzoff, result) != 0 || !IS_VALID_TIMESTAMP(*result))
		return false;
	return true;
}

/* Returns the division named by argument argno; NULL raises SG103. */
static const SgDivision *
division_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *t;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NULL_ARGUMENT),
				 errmsg("division must not be null"),
				 errdetail("Working days depend on the bank holidays of a division."),
				 errhint("Omit the argument for england-and-wales, or name a division from safeguard.division.")));
	t = PG_GETARG_TEXT_PP(argno);
	return lookup_division(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/*
 * SQL: is_working_day(d date, division text) -> boolean.  NULL d gives NULL
 * (an unknown date is not an error); a NULL division is.
 */
Datum
sg_is_working_day_sql(PG_FUNCTION_ARGS)
{
	const SgDivision *div = division_arg(fcinfo, 1);

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(sg_is_working_day(div, PG_GETARG_DATEADT(0)));
}

/* SQL: add_working_days(start date, n integer, division text) -> date. */
Datum
sg_add_working_days_sql(PG_FUNCTION_ARGS)
{
	const SgDivision *div = division_arg(fcinfo, 2);

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(sg_add_working_days(div, PG_GETARG_DATEADT(0),
										  PG_GETARG_INT32(1)));
}

/* SQL: working_days_between(a date, b date, division text) -> integer. */
Datum
sg_working_days_between_sql(PG_FUNCTION_ARGS)
{
	const SgDivision *div = division_arg(fcinfo, 2);

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	PG_RETURN_INT32(sg_working_days_between(div, PG_GETARG_DATEADT(0),
											PG_GETARG_DATEADT(1)));
}

/* SQL: working_deadline(start timestamptz, n integer, division text) -> timestamptz. */
Datum
sg_working_deadline_sql(PG_FUNCTION_ARGS)
{
	const SgDivision *div = division_arg(fcinfo, 2);

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(sg_working_deadline(div, PG_GETARG_TIMESTAMPTZ(0),
											  PG_GETARG_INT32(1)));
}

/* Checks the trigger protocol shared by the calendar triggers. */
static TriggerData *
calendar_trigger_data(FunctionCallInfo fcinfo, const char *name,
					  bool want_row, bool want_before)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s: not called by trigger manager", name)));
	if (want_row != (bool) TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		want_before != (bool) TRIGGER_FIRED_BEFORE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s: must be fired %s %s", name,
						want_before ? "BEFORE" : "AFTER",
						want_row ? "FOR EACH ROW" : "FOR EACH STATEMENT")));
	return trigdata;
}

/*
 * Trigger: after any change to a calendar table, invalidate every backend's
 * cache.  The relcache invalidation is transactional: other backends see it
 * when the change commits, this one at the next command.
 */
Datum
sg_calendar_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = calendar_trigger_data(fcinfo, "calendar_invalidate",
												  false, false);

	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}

/* Trigger: a division row must name a known time zone and a finite, ordered coverage. */
Datum
sg_division_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = calendar_trigger_data(fcinfo, "division_guard",
												  true, true);
	HeapTuple	tup;
	TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);
	bool		isnull;
	Datum		v;
	char	   *name;
	DateADT		from,
				to;

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		tup = trigdata->tg_newtuple;
	else if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		tup = trigdata->tg_trigtuple;
	else
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("division_guard: must be fired for INSERT or UPDATE")));

	v = heap_getattr(tup, 1, desc, &isnull);
	if (isnull)
		return PointerGetDatum(tup);	/* the primary key refuses it (23502) */
	name = TextDatumGetCString(v);
	v = heap_getattr(tup, 2, desc, &isnull);
	if (isnull || pg_tzset(TextDatumGetCString(v)) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME_ZONE),
				 errmsg("unknown time zone for division \"%s\"", name),
				 errdetail("time_zone is \"%s\".",
						   isnull ? "null" : TextDatumGetCString(v)),
				 errhint("Use an IANA time zone name such as Europe/London.")));
	from = DatumGetDateADT(heap_getattr(tup, 3, desc, &isnull));
	to = DatumGetDateADT(heap_getattr(tup, 4, desc, &isnull));
	if (DATE_NOT_FINITE(from) || DATE_NOT_FINITE(to) || from > to)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_COVERAGE),
				 errmsg("invalid calendar coverage for division \"%s\"", name),
				 errdetail("covered_from is %s and covered_to is %s.",
						   sg_iso_date(from), sg_iso_date(to)),
				 errhint("Coverage is a finite range of dates with covered_from <= covered_to.")));
	return PointerGetDatum(tup);
}
