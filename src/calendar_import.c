/*
 * calendar_import.c
 *		safeguard.import_bank_holidays(jsonb): loads gov.uk's public
 *		bank-holidays.json shape into safeguard.division and
 *		safeguard.bank_holiday.
 *
 * Invariants:
 *	- The whole document is validated before anything is written: a bad
 *	  document raises SG106 naming the offending element and changes
 *	  nothing (nothing lost on bad input, nothing half-imported).
 *	- Importing is idempotent: existing holidays are kept, only missing ones
 *	  are added, and the count of added holidays is returned.
 *	- Coverage grows to whole calendar years of the document, and only
 *	  contiguously: a document that would leave an uncovered gap between
 *	  the loaded years and its own is refused (SG108), because the engine
 *	  would otherwise count weekends only across the gap.
 *	- Holidays are never deleted by an import; a NOTICE reports stored
 *	  holidays in the document's years that the document does not list (a
 *	  moved or cancelled holiday), for the administrator to review.
 *	- Runs with the caller's privileges: only roles that may write the
 *	  calendar tables (safeguard_admin) can import.
 */
#include "postgres.h"

#include "spi_util.h"
#include "calendar.h"
#include "session_guard.h"
#include "sg_errcodes.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(sg_import_bank_holidays);

/* One holiday as read from the document. */
typedef struct ImportEvent
{
	DateADT		day;
	char	   *title;
	char	   *notes;
	bool		bunting;
} ImportEvent;

/* One division's events as read from the document. */
typedef struct ImportDivision
{
	char	   *name;
	ImportEvent *events;
	int			nevents;
	DateADT		first_day;		/* January 1st of the earliest event's year */
	DateADT		last_day;		/* December 31st of the latest event's year */
} ImportDivision;

/* Raises SG106 for a malformed document, naming where. */
static void
bad_document(const char *where, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_INVALID_HOLIDAY_DOCUMENT),
			 errmsg("invalid bank-holiday document"),
			 errdetail("%s: %s.", where, problem),
			 errhint("Pass gov.uk's bank-holidays.json: an object keyed by division, each with an \"events\" array of {\"title\", \"date\": \"YYYY-MM-DD\", \"notes\", \"bunting\"}.")));
}

/* Parses a strict YYYY-MM-DD string into a DateADT; returns false if malformed. */
static bool
parse_iso_date(const char *s, int len, DateADT *result)
{
	int			y,
				m,
				d;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	if (d > mdays[m - 1] + (m == 2 && isleap(y) ? 1 : 0))
		return false;
	*result = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	return true;
}

/* Returns the member of an object container, or NULL when absent. */
static JsonbValue *
member(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

/* Returns a palloc'd copy of a JSON string value. */
static char *
string_value(JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* Reads one event object into ev, raising SG106 on any malformed member. */
static void
read_event(const char *division, int index, JsonbValue *v, ImportEvent *ev)
{
	char	   *where = psprintf("division \"%s\", event %d", division, index + 1);
	JsonbValue *date,
			   *title,
			   *notes,
			   *bunting;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		bad_document(where, "an event must be an object");
	date = member(v->val.binary.data, "date");
	if (date == NULL || date->type != jbvString ||
		!parse_iso_date(date->val.string.val, date->val.string.len, &ev->day))
		bad_document(where, "\"date\" must be a valid date written YYYY-MM-DD");
	title = member(v->val.binary.data, "title");
	if (title == NULL || title->type != jbvString || title->val.string.len == 0)
		bad_document(where, "\"title\" must be a non-empty string");
	ev->title = string_value(title);
	notes = member(v->val.binary.data, "notes");
	if (notes != NULL && notes->type != jbvString && notes->type != jbvNull)
		bad_document(where, "\"notes\" must be a string");
	ev->notes = (notes != NULL && notes->type == jbvString) ? string_value(notes) : pstrdup("");
	bunting = member(v->val.binary.data, "bunting");
	if (bunting != NULL && bunting->type != jbvBool && bunting->type != jbvNull)
		bad_document(where, "\"bunting\" must be true or false");
	ev->bunting = (bunting != NULL && bunting->type == jbvBool) ? bunting->val.boolean : false;
}

/* Reads and validates a whole document; returns its divisions. */
static ImportDivision *
read_document(Jsonb *doc, int *ndivisions)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	ImportDivision *divs;
	int			n = 0;
	char	   *key = NULL;

	if (JB_ROOT_IS_SCALAR(doc) || !JB_ROOT_IS_OBJECT(doc))
		bad_document("top level", "the document must be a JSON object keyed by division");
	divs = palloc0(sizeof(ImportDivision) * Max(JB_ROOT_COUNT(doc), 1));

	it = JsonbIteratorInit(&doc->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		ImportDivision *d;
		JsonbValue *name,
				   *events;
		int			nev;

		if (tok == WJB_KEY)
		{
			key = string_value(&v);
			continue;
		}
		if (tok != WJB_VALUE)
			continue;

		d = &divs[n++];
		d->name = key;
		if (strlen(key) == 0)
			bad_document("top level", "a division name must not be empty");
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			bad_document(psprintf("division \"%s\"", key), "must be an object");
		name = member(v.val.binary.data, "division");
		if (name != NULL &&
			(name->type != jbvString || strcmp(string_value(name), key) != 0))
			bad_document(psprintf("division \"%s\"", key),
						 "its \"division\" member must repeat the key");
		events = member(v.val.binary.data, "events");
		if (events == NULL || events->type != jbvBinary ||
			!JsonContainerIsArray(events->val.binary.data))
			bad_document(psprintf("division \"%s\"", key),
						 "\"events\" must be an array");
		nev = JsonContainerSize(events->val.binary.data);
		d->events = palloc0(sizeof(ImportEvent) * Max(nev, 1));
		d->nevents = nev;
		for (int i = 0; i < nev; i++)
		{
			JsonbValue *ev = getIthJsonbValueFromContainer(events->val.binary.data, i);
			int			y,
						m,
						dd;

			read_event(key, i, ev, &d->events[i]);
			j2date(d->events[i].day + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
			if (i == 0 || d->events[i].day < d->first_day)
				d->first_day = date2j(y, 1, 1) - POSTGRES_EPOCH_JDATE;
			if (i == 0 || d->events[i].day > d->last_day)
				d->last_day = date2j(y, 12, 31) - POSTGRES_EPOCH_JDATE;
		}
	}
	*ndivisions = n;
	return divs;
}

/* Runs a parameterised statement; returns SPI's result code. */
static int
exec(const char *sql, int nargs, Oid *types, Datum *values)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL,
										   false, 0);

	if (rc < 0)
		elog(ERROR, "calendar import statement failed: %s",
			 SPI_result_code_string(rc));
	return rc;
}

/* Creates or extends one division's coverage to include the document's years. */
static void
extend_coverage(ImportDivision *d)
{
	Oid			types[3] = {TEXTOID, DATEOID, DATEOID};
	Datum		values[3];
	bool		isnull;
	DateADT		from,
				to;

	values[0] = CStringGetTextDatum(d->name);
	/* locked as the owner (no other role locks safeguard's rows), boundedly */
	sg_lock_text_key_bounded("division", "division", d->name, "division");
	exec("SELECT covered_from, covered_to FROM safeguard.division "
		 "WHERE division OPERATOR(pg_catalog.=) $1",
		 1, types, values);
	if (SPI_processed == 0)
	{
		values[1] = DateADTGetDatum(d->first_day);
		values[2] = DateADTGetDatum(d->last_day);
		exec("INSERT INTO safeguard.division (division, time_zone, covered_from, covered_to) "
			 "VALUES ($1, 'Europe/London', $2, $3)", 3, types, values);
		ereport(NOTICE,
				(errmsg("created division \"%s\" with time zone Europe/London",
						d->name),
				 errhint("Change safeguard.division.time_zone if the division keeps another zone.")));
		return;
	}
	from = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1, &isnull));
	to = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0],
									   SPI_tuptable->tupdesc, 2, &isnull));
	if (d->first_day > to + 1 || d->last_day < from - 1)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_COVERAGE),
				 errmsg("bank-holiday document would leave a gap in the calendar of division \"%s\"",
						d->name),
				 errdetail("The division covers %s to %s; the document covers %s to %s.",
						   sg_iso_date(from),
						   sg_iso_date(to),
						   sg_iso_date(d->first_day),
						   sg_iso_date(d->last_day)),
				 errhint("Import the years in between first.")));
	values[1] = DateADTGetDatum(Min(from, d->first_day));
	values[2] = DateADTGetDatum(Max(to, d->last_day));
	if (from != DatumGetDateADT(values[1]) || to != DatumGetDateADT(values[2]))
		exec("UPDATE safeguard.division SET covered_from = $2, covered_to = $3 "
			 "WHERE division OPERATOR(pg_catalog.=) $1", 3, types, values);
}

/* Adds a division's missing holidays; returns how many were added. */
static int64
insert_events(ImportDivision *d)
{
	Oid			types[5] = {TEXTOID, DATEOID, TEXTOID, TEXTOID, BOOLOID};
	Oid			ctypes[4] = {TEXTOID, DATEOID, DATEOID, DATEARRAYOID};
	Datum		values[5];
	Datum	   *days = palloc(sizeof(Datum) * Max(d->nevents, 1));
	int64		added = 0;
	bool		isnull;
	int64		unlisted;

	values[0] = CStringGetTextDatum(d->name);
	for (int i = 0; i < d->nevents; i++)
	{
		values[1] = DateADTGetDatum(d->events[i].day);
		values[2] = CStringGetTextDatum(d->events[i].title);
		values[3] = CStringGetTextDatum(d->events[i].notes);
		values[4] = BoolGetDatum(d->events[i].bunting);
		days[i] = values[1];
		exec("INSERT INTO safeguard.bank_holiday (division, day, title, notes, bunting) "
			 "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (division, day) DO NOTHING",
			 5, types, values);
		added += SPI_processed;
	}

	values[1] = DateADTGetDatum(d->first_day);
	values[2] = DateADTGetDatum(d->last_day);
	values[3] = PointerGetDatum(construct_array(days, d->nevents, DATEOID,
												sizeof(DateADT), true,
												TYPALIGN_INT));
	exec("SELECT pg_catalog.count(*) FROM safeguard.bank_holiday "
		 "WHERE division OPERATOR(pg_catalog.=) $1 "
		 "AND day OPERATOR(pg_catalog.>=) $2 AND day OPERATOR(pg_catalog.<=) $3 "
		 "AND NOT (day OPERATOR(pg_catalog.=) ANY ($4))", 4, ctypes, values);
	unlisted = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull));
	if (unlisted > 0)
		ereport(NOTICE,
				(errmsg("division \"%s\" has " INT64_FORMAT " stored holidays in the document's years that the document does not list",
						d->name, unlisted),
				 errhint("A holiday may have moved or been cancelled: review safeguard.bank_holiday and delete the stale rows.")));
	return added;
}

/* SQL: import_bank_holidays(doc jsonb) -> integer (holidays added). */
Datum
sg_import_bank_holidays(PG_FUNCTION_ARGS)
{
	ImportDivision *divs;
	int			ndivs;
	int64		added = 0;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NULL_ARGUMENT),
				 errmsg("bank-holiday document must not be null"),
				 errhint("Pass the contents of gov.uk's bank-holidays.json as jsonb.")));
	divs = read_document(PG_GETARG_JSONB_P(0), &ndivs);

	sg_spi_connect();
	for (int i = 0; i < ndivs; i++)
	{
		if (divs[i].nevents == 0)
			continue;
		extend_coverage(&divs[i]);
		added += insert_events(&divs[i]);
	}
	sg_spi_finish();

	PG_RETURN_INT32((int32) added);
}
