/*
 * trigger_util.c
 *		Plumbing shared by the guard triggers: the trigger-protocol preamble,
 *		column access by name, and the standard refusal.
 *
 * Column access goes by name, not position, so a column added to a table
 * in an upgrade script can never shift what a trigger reads.  The numbers
 * behind the names are looked up once per table: a per-backend cache keyed
 * by the table's row type holds every column's number, built from the
 * table's descriptor on first use and dropped by a relation-cache
 * invalidation of that table (CacheRegisterRelcacheCallback), so an ALTER
 * TABLE in an upgrade script is seen at the next command.  A small memo of
 * recent answers sits in front of the hash tables (a write runs the same
 * few dozen lookups every time) and is cleared with them.  A descriptor
 * that is not a table's (a query's row) is searched column by column.
 */
#include "postgres.h"

#include "safeguard.h"
#include "sg_errcodes.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
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

/* One column of a cached table: its number, 0 when the table has no such column. */
typedef struct ColumnNumber
{
	char		name[NAMEDATALEN];	/* hash key */
	int			attnum;
} ColumnNumber;

/* The column numbers of one table, keyed by its row type. */
typedef struct TableColumns
{
	Oid			rowtype;		/* hash key: the descriptor's tdtypeid */
	Oid			relid;			/* the table, for invalidation */
	char		relname[NAMEDATALEN];
	HTAB	   *columns;		/* ColumnNumber by name */
} TableColumns;

static HTAB *table_columns = NULL;
static MemoryContext columns_cxt = NULL;

/*
 * A memo of recent lookups in front of the two hash tables, direct-mapped by
 * the row type and the address of the name asked for (callers pass string
 * constants, so the same question lands in the same slot): a hit still
 * compares the row type and the name itself, so an address reused for
 * another name only misses.  Cleared with the tables it summarises.
 */
#define COLUMN_MEMO_SIZE 256
typedef struct ColumnMemo
{
	Oid			rowtype;		/* InvalidOid: empty */
	int			attnum;
	const char *relname;		/* the TableColumns entry's, valid while it is */
	char		name[NAMEDATALEN];
} ColumnMemo;
static ColumnMemo column_memo[COLUMN_MEMO_SIZE];

/* Returns the memo slot for a row type and a name's address. */
static inline ColumnMemo *
memo_slot(Oid rowtype, const char *name)
{
	uint32		h = (uint32) ((uintptr_t) name >> 3) ^ (rowtype * 2654435761U);

	return &column_memo[(h ^ (h >> 16)) % COLUMN_MEMO_SIZE];
}

/* Drops the cached numbers of a table (every table when relid is InvalidOid). */
static void
columns_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	TableColumns *t;

	if (table_columns == NULL)
		return;
	/* the memo holds row types, not relids: cleared whole (a rare event) */
	memset(column_memo, 0, sizeof(column_memo));
	hash_seq_init(&status, table_columns);
	while ((t = hash_seq_search(&status)) != NULL)
		if (!OidIsValid(relid) || t->relid == relid)
		{
			hash_destroy(t->columns);
			(void) hash_search(table_columns, &t->rowtype, HASH_REMOVE, NULL);
		}
}

/*
 * Returns the cached columns of the table whose descriptor desc is, building
 * them from desc on first use; NULL for a descriptor that is no table's.
 */
static TableColumns *
table_columns_of(TupleDesc desc)
{
	TableColumns *t;
	bool		found;
	Oid			relid;
	HASHCTL		ctl;

	if (!OidIsValid(desc->tdtypeid) || desc->tdtypeid == RECORDOID)
		return NULL;
	if (table_columns == NULL)
	{
		columns_cxt = AllocSetContextCreate(CacheMemoryContext, "safeguard column numbers",
											ALLOCSET_SMALL_SIZES);
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(TableColumns);
		ctl.hcxt = columns_cxt;
		table_columns = hash_create("safeguard tables", 64, &ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		CacheRegisterRelcacheCallback(columns_relcache_callback, (Datum) 0);
	}
	t = hash_search(table_columns, &desc->tdtypeid, HASH_FIND, NULL);
	if (t != NULL)
		return t;
	relid = get_typ_typrelid(desc->tdtypeid);
	if (!OidIsValid(relid))
		return NULL;

	/* build the column table before entering it, so an error leaves no half entry */
	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(ColumnNumber);
	ctl.hcxt = columns_cxt;
	{
		HTAB	   *columns = hash_create("safeguard columns", Max(desc->natts, 8), &ctl,
										  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
		char	   *relname = get_rel_name(relid);

		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);
			ColumnNumber *c;

			if (att->attisdropped)
				continue;
			c = hash_search(columns, NameStr(att->attname), HASH_ENTER, NULL);
			c->attnum = i + 1;
		}
		t = hash_search(table_columns, &desc->tdtypeid, HASH_ENTER, &found);
		t->relid = relid;
		strlcpy(t->relname, relname ? relname : "?", NAMEDATALEN);
		t->columns = columns;
	}
	return t;
}

/* Returns a column's number by a scan of the descriptor, or 0. */
static int
scan_attnum(TupleDesc desc, const char *name)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return i + 1;
	}
	return 0;
}

/*
 * Returns a column's number, or 0 when the descriptor has no such column;
 * *relname is set to the table's name (NULL for a query's row).
 */
static int
column_attnum(TupleDesc desc, const char *name, const char **relname)
{
	ColumnMemo *m = memo_slot(desc->tdtypeid, name);
	TableColumns *t;
	ColumnNumber *c;

	if (OidIsValid(m->rowtype) && m->rowtype == desc->tdtypeid && strcmp(m->name, name) == 0)
	{
		*relname = m->relname;
		return m->attnum;
	}
	t = table_columns_of(desc);
	*relname = NULL;
	if (t == NULL || strlen(name) >= NAMEDATALEN)
		return scan_attnum(desc, name);
	*relname = t->relname;
	c = hash_search(t->columns, name, HASH_FIND, NULL);
	m->rowtype = desc->tdtypeid;
	m->attnum = c ? c->attnum : 0;
	m->relname = t->relname;
	strlcpy(m->name, name, NAMEDATALEN);
	return m->attnum;
}

/*
 * Returns true when the table has the column.  For columns added by a later
 * extension version: the library may meet a schema not yet updated.
 */
bool
sg_has_column(TupleDesc desc, const char *name)
{
	const char *relname;

	return column_attnum(desc, name, &relname) > 0;
}

/* Returns the attribute number of a column; a can't-happen error naming table and column if absent. */
int
sg_attnum(TupleDesc desc, const char *name)
{
	const char *relname;
	int			attnum = column_attnum(desc, name, &relname);

	if (attnum == 0)
	{
		if (relname != NULL)
			elog(ERROR, "safeguard: column \"%s\" not found in table %s", name, relname);
		elog(ERROR, "safeguard: column \"%s\" not found", name);
	}
	return attnum;
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

/*
 * Deforms both versions of a row once and marks each column that differs,
 * by the test sg_column_unchanged makes (null against null, else the bit
 * image): for callers that look at every column, where a heap_getattr per
 * column and version walks the tuple again from its start each time.
 */
void
sg_row_pair(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc, SgRowPair *p)
{
	int			n = desc->natts;

	p->old_values = palloc(n * sizeof(Datum));
	p->old_nulls = palloc(n * sizeof(bool));
	p->new_values = palloc(n * sizeof(Datum));
	p->new_nulls = palloc(n * sizeof(bool));
	p->changed = palloc(n * sizeof(bool));
	heap_deform_tuple(oldtup, desc, p->old_values, p->old_nulls);
	heap_deform_tuple(newtup, desc, p->new_values, p->new_nulls);
	for (int i = 0; i < n; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (p->old_nulls[i] || p->new_nulls[i])
			p->changed[i] = p->old_nulls[i] != p->new_nulls[i];
		else
			p->changed[i] = !datum_image_eq(p->old_values[i], p->new_values[i],
											att->attbyval, att->attlen);
	}
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
