/*
 * trigger_util.c
 *		Plumbing shared by the guard triggers: the trigger-protocol preamble,
 *		column access by name, and the standard refusal.
 *
 * Column access goes by name, not position, so a column added to a table
 * in an upgrade script can never shift what a trigger reads.
 */
#include "postgres.h"

#include "safeguard.h"
#include "sg_errcodes.h"

#include "access/htup_details.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

/* Checks the trigger protocol; returns the trigger data. */
TriggerData *
sg_trigger_data(FunctionCallInfo fcinfo, const char *name, bool row, bool before)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s: not called by trigger manager", name)));
	if (row != (bool) TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		before != (bool) TRIGGER_FIRED_BEFORE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s: must be fired %s %s", name,
						before ? "BEFORE" : "AFTER",
						row ? "FOR EACH ROW" : "FOR EACH STATEMENT")));
	return trigdata;
}

/*
 * Returns true when the table has the column.  For columns added by a later
 * extension version: the library may meet a schema not yet updated.
 */
bool
sg_has_column(TupleDesc desc, const char *name)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return true;
	}
	return false;
}

/* Returns the attribute number of a column; errors if absent. */
int
sg_attnum(TupleDesc desc, const char *name)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return i + 1;
	}
	elog(ERROR, "safeguard: column \"%s\" not found", name);
	pg_unreachable();
}

/* Returns a column's value, setting *isnull. */
Datum
sg_get(HeapTuple tup, TupleDesc desc, const char *name, bool *isnull)
{
	return heap_getattr(tup, sg_attnum(desc, name), desc, isnull);
}

/* Returns a text column as a C string, or NULL. */
char *
sg_get_cstring(HeapTuple tup, TupleDesc desc, const char *name)
{
	bool		isnull;
	Datum		v = sg_get(tup, desc, name, &isnull);

	return isnull ? NULL : TextDatumGetCString(v);
}

/* Returns any column's value through its output function (enums: the label), or NULL. */
char *
sg_get_label(HeapTuple tup, TupleDesc desc, const char *name)
{
	int			attnum = sg_attnum(desc, name);
	bool		isnull;
	Datum		v = heap_getattr(tup, attnum, desc, &isnull);
	Oid			typoutput;
	bool		typisvarlena;

	if (isnull)
		return NULL;
	getTypeOutputInfo(TupleDescAttr(desc, attnum - 1)->atttypid,
					  &typoutput, &typisvarlena);
	return OidOutputFunctionCall(typoutput, v);
}

/*
 * Returns a column's label as sg_get_label does, raising SG202 when it is
 * NULL: what names the value for the message ("the kind of meeting"), hint
 * says what to supply.
 */
char *
sg_require_label(HeapTuple tup, TupleDesc desc, const char *name, const char *what,
				 const char *hint)
{
	char	   *label = sg_get_label(tup, desc, name);

	if (label == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("%s is required", what),
				 errdetail("Column %s is empty.", name),
				 errhint("%s", hint)));
	return label;
}

/* Returns an int8 column, or 0 when NULL. */
int64
sg_get_int64(HeapTuple tup, TupleDesc desc, const char *name)
{
	bool		isnull;
	Datum		v = sg_get(tup, desc, name, &isnull);

	return isnull ? 0 : DatumGetInt64(v);
}

/* Returns a copy of tup with the named columns replaced. */
HeapTuple
sg_set(HeapTuple tup, TupleDesc desc, int n, const char **names,
	   Datum *values, bool *nulls)
{
	int		   *cols = palloc(sizeof(int) * n);

	for (int i = 0; i < n; i++)
		cols[i] = sg_attnum(desc, names[i]);
	return heap_modify_tuple_by_cols(tup, desc, n, cols, values, nulls);
}

/* Returns true when a column has the same value (bit image) in both tuples. */
bool
sg_column_unchanged(HeapTuple a, HeapTuple b, TupleDesc desc, int attnum)
{
	Form_pg_attribute att = TupleDescAttr(desc, attnum - 1);
	bool		anull,
				bnull;
	Datum		av = heap_getattr(a, attnum, desc, &anull);
	Datum		bv = heap_getattr(b, attnum, desc, &bnull);

	if (anull || bnull)
		return anull == bnull;
	return datum_image_eq(av, bv, att->attbyval, att->attlen);
}

/* Raises SG204: the table's rows cannot be changed this way. */
void
sg_refuse_change(const char *table, const char *what, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_IMMUTABLE_RECORD),
			 errmsg("%s cannot be %s", table, what),
			 errdetail("safeguard keeps %s as a permanent record.", table),
			 errhint("%s", hint)));
}
