/*
 * audit_ledger.c
 *		The live rows proved against the audit trail, as ledger tables are:
 *		every row of every audited table must equal the newest values its
 *		audit rows record, no audited row may exist without them, and no
 *		audit row may describe a row that is gone.
 *
 * Owns safeguard.verify_ledger(), verify_ledger_strict() and
 * ledger_baseline().  The replay and comparison rules are in
 * ledger_replay.c (backend-free); this file reads the catalog, the rows and
 * the records, and reports.
 *
 * Design:
 *	- Audited tables are those with an audit_row trigger, found in
 *	  pg_trigger (enabled or not: disabling it is the attack); the
 *	  trigger's first argument names the key column, whose output text is
 *	  audit_event.row_key.  Columns, generated columns, the values columns
 *	  were added with (attmissingval) and the primary key come from the
 *	  catalog, so columns and tables added by later versions are covered
 *	  without a list here.
 *	- It streams like verify_audit(): per table, in table-name order, two
 *	  cursors fetched 1,000 rows at a time, the live rows ordered by key
 *	  text and the table's audit rows by (row_key, id), both in the "C"
 *	  collation, merged.  Only one group (the rows sharing a row_key and
 *	  their records) is in memory at a time, in a context reset per group;
 *	  each fetched batch is freed when used up.  Sorts spill to disk, so
 *	  memory stays flat however long the trail.
 *	- It reads as the extension owner (sg_internal_begin): the casework
 *	  tables force row-level security, and verification must see every row
 *	  whatever the caller's scope.  Its callers (auditors, administrators)
 *	  read every value in audit_event already.
 *	- Both cursors read the same snapshot, so a row and its audit rows,
 *	  committed together, are seen together.
 *	- ledger_baseline() records, as BASELINE audit rows, the rows that
 *	  exist without a record of their insert because they were installed
 *	  before their table had an audit trigger: rows with shipped = true
 *	  (the policies, rules and escalation rungs CREATE EXTENSION installs)
 *	  and every row of a table with no audit row at all (a table audited
 *	  from this version on).  The 1.4 script runs it; a restore does not
 *	  (the dumped trail holds the baseline already).
 */
#include "postgres.h"

#include "audit.h"
#include "ledger_replay.h"
#include "restore.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/tupdesc_details.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(sg_verify_ledger);
PG_FUNCTION_INFO_V1(sg_verify_ledger_strict);
PG_FUNCTION_INFO_V1(sg_ledger_baseline);

/* Rows one cursor fetch reads (as verify_audit). */
#define LEDGER_FETCH 1000

/* An audited table, as the catalog describes it. */
typedef struct LedgerTable
{
	Oid			relid;
	char	   *name;
	char	  **args;			/* audit_row's arguments: key, state, case, ... */
	int			nargs;
	int			ncolumns;
	SgLedgerColumn *columns;	/* non-dropped columns, in attnum order */
	Oid		   *types;
	int			key;			/* column index of the audit key */
	Oid			key_output;		/* its type's output function */
	int		   *identity;		/* column indexes of the primary key */
	int			nidentity;
	int			shipped;		/* column index of boolean "shipped", or -1 */
	HTAB	   *by_name;		/* column name -> index */
} LedgerTable;

/* An entry of LedgerTable.by_name. */
typedef struct ColumnEntry
{
	char		name[NAMEDATALEN];
	int			index;
} ColumnEntry;

/* The first problem found, copied out of the walk's memory. */
typedef struct LedgerReport
{
	bool		found;
	char	   *table;
	char	   *row_key;
	char	   *primary_key;
	char	   *column;
	char	   *live;
	char	   *trail;
	int64		audit_id;
	char	   *problem;
} LedgerReport;

/* A cursor read a batch at a time. */
typedef struct Stream
{
	Portal		portal;
	SPITupleTable *batch;
	uint64		n;
	uint64		pos;
	bool		done;
} Stream;

/* What a walk does: verify (stop at the first problem) or baseline. */
typedef struct Walk
{
	bool		baseline;
	MemoryContext report_cxt;	/* where the report lives */
	LedgerReport report;
	int64		baselined;		/* rows recorded by a baseline walk */
} Walk;

/* Allocates zeroed memory for the replay in the current (group) context. */
static void *
group_alloc(void *arg, size_t size)
{
	return palloc0(size);
}

/* Returns the next row of a stream without consuming it, or NULL at its end. */
static HeapTuple
stream_peek(Stream *s)
{
	if (s->pos >= s->n)
	{
		if (s->batch != NULL)
			SPI_freetuptable(s->batch);
		s->batch = NULL;
		if (s->done)
			return NULL;
		SPI_cursor_fetch(s->portal, true, LEDGER_FETCH);
		s->batch = SPI_tuptable;
		s->n = SPI_processed;
		s->pos = 0;
		if (s->n == 0)
		{
			if (s->batch != NULL)
				SPI_freetuptable(s->batch);
			s->batch = NULL;
			s->done = true;
			return NULL;
		}
	}
	return s->batch->vals[s->pos];
}

/* Returns the tuple descriptor of the batch stream_peek last returned a row of. */
static TupleDesc
stream_desc(Stream *s)
{
	return s->batch->tupdesc;
}

/* Returns a column's default as canonical text when it is a constant, else NULL. */
static char *
constant_default(TupleDesc desc, AttrNumber attnum)
{
	for (int d = 0; desc->constr != NULL && d < desc->constr->num_defval; d++)
	{
		AttrDefault *def = &desc->constr->defval[d];
		Node	   *expr;

		if (def->adnum != attnum)
			continue;
		/* e.g. 0 for a bigint column is int8(0) until folded */
		expr = eval_const_expressions(NULL, stringToNode(def->adbin));
		if (IsA(expr, Const) && !((Const *) expr)->constisnull)
			return sg_canonical_text(((Const *) expr)->constvalue, ((Const *) expr)->consttype);
		return NULL;
	}
	return NULL;
}

/* Describes an audited table from the catalog (in the current context). */
static LedgerTable *
describe_table(Oid relid, Oid audit_row)
{
	LedgerTable *t = palloc0(sizeof(LedgerTable));
	Relation	rel = table_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	Trigger    *trig = NULL;
	Oid			pk;
	HASHCTL		ctl;
	int			n = 0;
	bool		typisvarlena;

	t->relid = relid;
	t->name = pstrdup(RelationGetRelationName(rel));
	for (int i = 0; rel->trigdesc != NULL && i < rel->trigdesc->numtriggers && trig == NULL; i++)
		if (rel->trigdesc->triggers[i].tgfoid == audit_row)
			trig = &rel->trigdesc->triggers[i];
	if (trig == NULL || trig->tgnargs < 3)
		elog(ERROR, "safeguard: table %s has no audit_row trigger with its arguments", t->name);
	t->nargs = trig->tgnargs;
	t->args = palloc(sizeof(char *) * t->nargs);
	for (int i = 0; i < t->nargs; i++)
		t->args[i] = pstrdup(trig->tgargs[i]);

	t->columns = palloc0(sizeof(SgLedgerColumn) * desc->natts);
	t->types = palloc0(sizeof(Oid) * desc->natts);
	t->key = -1;
	t->shipped = -1;
	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(ColumnEntry);
	ctl.hcxt = CurrentMemoryContext;
	t->by_name = hash_create("safeguard ledger columns", desc->natts + 1, &ctl,
							 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		SgLedgerColumn *col = &t->columns[n];
		ColumnEntry *e;

		if (att->attisdropped)
			continue;
		col->name = pstrdup(NameStr(att->attname));
		col->position = att->attnum;
		col->generated = att->attgenerated == ATTRIBUTE_GENERATED_STORED;
		if (att->atthasmissing && desc->constr != NULL && desc->constr->missing != NULL &&
			desc->constr->missing[i].am_present)
			col->added_values[col->nadded++] =
				sg_canonical_text(desc->constr->missing[i].am_value, att->atttypid);
		if (att->atthasdef && !col->generated)
		{
			char	   *constant = constant_default(desc, att->attnum);

			if (constant != NULL)
				col->added_values[col->nadded++] = constant;
		}
		t->types[n] = att->atttypid;
		if (strcmp(col->name, t->args[0]) == 0)
		{
			t->key = n;
			getTypeOutputInfo(att->atttypid, &t->key_output, &typisvarlena);
		}
		if (strcmp(col->name, "shipped") == 0 && att->atttypid == BOOLOID)
			t->shipped = n;
		e = hash_search(t->by_name, col->name, HASH_ENTER, NULL);
		e->index = n;
		n++;
	}
	t->ncolumns = n;
	if (t->key < 0)
		elog(ERROR, "safeguard: table %s has no audit key column \"%s\"", t->name, t->args[0]);

	/* a row is identified by its primary key (else by the audit key alone) */
	pk = RelationGetPrimaryKeyIndex(rel);
	if (OidIsValid(pk))
	{
		HeapTuple	ix = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pk));
		Form_pg_index form;

		if (!HeapTupleIsValid(ix))
			elog(ERROR, "cache lookup failed for index %u", pk);
		form = (Form_pg_index) GETSTRUCT(ix);
		t->identity = palloc0(sizeof(int) * (form->indnkeyatts + 1));
		for (int k = 0; k < form->indnkeyatts; k++)
			for (int c = 0; c < n; c++)
				if (t->columns[c].position == form->indkey.values[k])
					t->identity[t->nidentity++] = c;
		ReleaseSysCache(ix);
	}
	if (t->nidentity == 0)
	{
		t->identity = palloc(sizeof(int));
		t->identity[0] = t->key;
		t->nidentity = 1;
	}
	table_close(rel, AccessShareLock);
	return t;
}

/* Returns the column index of a name, or -1. */
static int
column_index(const LedgerTable *t, const char *name, int len)
{
	char		buf[NAMEDATALEN];
	ColumnEntry *e;

	if (len >= NAMEDATALEN)
		return -1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	e = hash_search(t->by_name, buf, HASH_FIND, NULL);
	return e == NULL ? -1 : e->index;
}

/* Returns a table's live rows ordered by the text of their audit key (a cursor). */
static Portal
open_live(const LedgerTable *t)
{
	StringInfoData sql;
	SPIPlanPtr	plan;
	Portal		portal;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	for (int c = 0; c < t->ncolumns; c++)
		appendStringInfo(&sql, "%sx.%s", c > 0 ? ", " : "", quote_identifier(t->columns[c].name));
	/* the key's output text, as audit_row records it; "C": the order of strcmp */
	appendStringInfo(&sql, " FROM ONLY %s x ORDER BY %s(x.%s)::pg_catalog.text COLLATE \"C\" NULLS FIRST",
					 quote_qualified_identifier(get_namespace_name(get_rel_namespace(t->relid)), t->name),
					 quote_qualified_identifier(get_namespace_name(get_func_namespace(t->key_output)),
												get_func_name(t->key_output)),
					 quote_identifier(t->columns[t->key].name));
	plan = SPI_prepare(sql.data, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "verify_ledger: SPI_prepare failed for %s", t->name);
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	SPI_freeplan(plan);
	return portal;
}

/* Returns a table's audit rows ordered by (row_key, id) (a cursor). */
static Portal
open_trail(const LedgerTable *t)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(t->name)};
	SPIPlanPtr	plan;
	Portal		portal;

	plan = SPI_prepare("SELECT id, row_key, action, changes FROM safeguard.audit_event "
					   "WHERE table_name OPERATOR(pg_catalog.=) $1 "
					   "ORDER BY row_key COLLATE \"C\", id", 1, types);
	if (plan == NULL)
		elog(ERROR, "verify_ledger: SPI_prepare failed for the trail of %s", t->name);
	portal = SPI_cursor_open(NULL, plan, values, NULL, true);
	SPI_freeplan(plan);
	return portal;
}

/* Returns the audit key text of a live row (as audit_row writes row_key), or NULL. */
static char *
live_key(const LedgerTable *t, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, t->key + 1, &isnull);

	return isnull ? NULL : OidOutputFunctionCall(t->key_output, d);
}

/* Returns a live row's values as canonical text, per column. */
static const char **
live_values(const LedgerTable *t, HeapTuple tup, TupleDesc desc)
{
	const char **v = palloc(sizeof(char *) * (t->ncolumns + 1));

	for (int c = 0; c < t->ncolumns; c++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(tup, desc, c + 1, &isnull);

		v[c] = isnull ? NULL : sg_canonical_text(d, t->types[c]);
	}
	return v;
}

/* Reads a jsonb scalar as a value; false when it is not a string or null. */
static bool
scalar_value(const JsonbValue *v, const char **out)
{
	if (v->type == jbvNull)
	{
		*out = NULL;
		return true;
	}
	if (v->type != jbvString)
		return false;
	*out = pnstrdup(v->val.string.val, v->val.string.len);
	return true;
}

/*
 * Reads an audit row into r (arrays in the current context); returns -2
 * when it is as audit_row writes it, else the column index it could not
 * read (-1: the document or the action).
 */
static int
read_record(const LedgerTable *t, HeapTuple tup, TupleDesc desc, SgLedgerRecord *r)
{
	bool		isnull;
	char	   *action;
	Jsonb	   *changes;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			c = -1;
	bool	   *named = palloc0(sizeof(bool) * (t->ncolumns + 1));
	const char **olds = palloc0(sizeof(char *) * (t->ncolumns + 1));
	const char **news = palloc0(sizeof(char *) * (t->ncolumns + 1));

	r->id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
	r->named = named;
	r->old_values = olds;
	r->new_values = news;
	action = TextDatumGetCString(SPI_getbinval(tup, desc, 3, &isnull));
	if (strcmp(action, "INSERT") == 0)
		r->action = SG_LEDGER_INSERT;
	else if (strcmp(action, "UPDATE") == 0)
		r->action = SG_LEDGER_UPDATE;
	else if (strcmp(action, "DELETE") == 0)
		r->action = SG_LEDGER_DELETE;
	else if (strcmp(action, "BASELINE") == 0)
		r->action = SG_LEDGER_BASELINE;
	else
		return -1;
	changes = DatumGetJsonbP(SPI_getbinval(tup, desc, 4, &isnull));
	if (isnull || !JB_ROOT_IS_OBJECT(changes))
		return -1;
	it = JsonbIteratorInit(&changes->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			c = column_index(t, v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE && c >= 0)
		{
			/* a column the table no longer has is left out */
			named[c] = true;
			if (r->action != SG_LEDGER_UPDATE)
			{
				if (!scalar_value(&v, &news[c]))
					return c;
			}
			else
			{
				JsonbValue	old,
							new;

				if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data) ||
					getKeyJsonValueFromContainer(v.val.binary.data, "old", 3, &old) == NULL ||
					getKeyJsonValueFromContainer(v.val.binary.data, "new", 3, &new) == NULL ||
					!scalar_value(&old, &olds[c]) || !scalar_value(&new, &news[c]))
					return c;
			}
		}
	}
	return -2;
}

/* Returns "(a, b)=(1, x)" for a row's identity values, or NULL when unknown. */
static char *
identity_text(const LedgerTable *t, const char *const *values)
{
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfoChar(&s, '(');
	for (int i = 0; i < t->nidentity; i++)
		appendStringInfo(&s, "%s%s", i > 0 ? ", " : "", t->columns[t->identity[i]].name);
	appendStringInfoString(&s, ")=(");
	for (int i = 0; i < t->nidentity; i++)
	{
		const char *v = values[t->identity[i]];

		appendStringInfo(&s, "%s%s", i > 0 ? ", " : "", v == NULL ? "null" : v);
	}
	appendStringInfoChar(&s, ')');
	return s.data;
}

/* Copies a group's problem into the walk's report (outside the group's memory). */
static void
report_problem(Walk *w, const LedgerTable *t, const char *row_key, const SgLedgerGroup *g)
{
	const SgLedgerProblem *p = &g->problem;
	MemoryContext old = MemoryContextSwitchTo(w->report_cxt);
	LedgerReport *r = &w->report;

	r->found = true;
	r->table = pstrdup(t->name);
	r->row_key = row_key ? pstrdup(row_key) : NULL;
	r->primary_key = NULL;
	if (p->live_row >= 0)
		r->primary_key = identity_text(t, g->live[p->live_row]);
	else if (p->history >= 0)
	{
		const char **v = palloc0(sizeof(char *) * (t->ncolumns + 1));

		for (int c = 0; c < t->ncolumns; c++)
			v[c] = g->histories[p->history].cells[c].value;
		r->primary_key = identity_text(t, v);
	}
	r->column = p->column >= 0 ? pstrdup(t->columns[p->column].name) : NULL;
	r->live = p->has_live && p->live ? pstrdup(p->live) : NULL;
	r->trail = p->has_trail && p->trail ? pstrdup(p->trail) : NULL;
	r->audit_id = p->audit_id;
	r->problem = pstrdup(sg_ledger_problem_text(p->kind));
	MemoryContextSwitchTo(old);
}

/* Returns true when a live row may be recorded as found (see the banner). */
static bool
may_baseline(const LedgerTable *t, const char *const *values, bool table_unaudited)
{
	if (table_unaudited)
		return true;
	return t->shipped >= 0 && sg_ledger_same(values[t->shipped], "true");
}

/*
 * Walks one table: merges its live rows with its audit rows, group by
 * group.  Returns false when verification found a problem (w->report).
 * Runs in a context the caller resets after the table.
 */
static bool
walk_table(Walk *w, const LedgerTable *t)
{
	Stream		live = {0};
	Stream		trail = {0};
	MemoryContext groupcxt;
	TupleDesc	live_desc = NULL;	/* a copy, for the baseline's rows */
	bool		ok = true;
	bool		table_unaudited;

	live.portal = open_live(t);
	trail.portal = open_trail(t);
	groupcxt = AllocSetContextCreate(CurrentMemoryContext, "verify_ledger group", ALLOCSET_DEFAULT_SIZES);
	table_unaudited = stream_peek(&trail) == NULL;

	while (ok)
	{
		MemoryContext outer = MemoryContextSwitchTo(groupcxt);
		HeapTuple	lt = stream_peek(&live);
		HeapTuple	at = stream_peek(&trail);
		char	   *lkey = lt ? live_key(t, lt, stream_desc(&live)) : NULL;
		char	   *akey = NULL;
		char	   *key;
		const char ***rows;
		HeapTuple  *tuples;
		int			nrows = 0;
		int			maxrows = 8;
		bool		isnull;
		SgLedgerGroup g;

		if (lt == NULL && at == NULL)
		{
			MemoryContextSwitchTo(outer);
			break;
		}
		if (at != NULL)
			akey = TextDatumGetCString(SPI_getbinval(at, stream_desc(&trail), 2, &isnull));
		if (lt != NULL && lkey == NULL)
		{
			/* a row without a key (NULLS FIRST) cannot have been recorded */
			const char **v = live_values(t, lt, stream_desc(&live));

			sg_ledger_group_begin(&g, t->columns, t->ncolumns, t->identity, t->nidentity,
								  (const char *const *const *) &v, 1, group_alloc, NULL);
			if (!sg_ledger_group_end(&g) && !w->baseline)
			{
				report_problem(w, t, NULL, &g);
				ok = false;
			}
			live.pos++;
			MemoryContextSwitchTo(outer);
			MemoryContextReset(groupcxt);
			continue;
		}
		key = lt == NULL ? akey : at == NULL ? lkey : (strcmp(lkey, akey) <= 0 ? lkey : akey);

		/* the group's live rows */
		rows = palloc(sizeof(char **) * maxrows);
		tuples = palloc(sizeof(HeapTuple) * maxrows);
		while ((lt = stream_peek(&live)) != NULL)
		{
			char	   *k = live_key(t, lt, stream_desc(&live));

			if (k == NULL || strcmp(k, key) != 0)
				break;
			if (nrows == maxrows)
			{
				maxrows *= 2;
				rows = repalloc(rows, sizeof(char **) * maxrows);
				tuples = repalloc(tuples, sizeof(HeapTuple) * maxrows);
			}
			rows[nrows] = live_values(t, lt, stream_desc(&live));
			if (w->baseline)
			{
				tuples[nrows] = heap_copytuple(lt);
				if (live_desc == NULL)
				{
					MemoryContextSwitchTo(outer);
					live_desc = CreateTupleDescCopy(stream_desc(&live));
					MemoryContextSwitchTo(groupcxt);
				}
			}
			nrows++;
			live.pos++;
		}
		sg_ledger_group_begin(&g, t->columns, t->ncolumns, t->identity, t->nidentity,
							  (const char *const *const *) rows, nrows, group_alloc, NULL);

		/* its records, in the order they were written */
		while ((at = stream_peek(&trail)) != NULL)
		{
			TupleDesc	desc = stream_desc(&trail);
			char	   *k = TextDatumGetCString(SPI_getbinval(at, desc, 2, &isnull));
			SgLedgerRecord r;
			int			bad;

			if (strcmp(k, key) != 0)
				break;
			if (g.problem.kind == SG_LEDGER_OK)
			{
				bad = read_record(t, at, desc, &r);
				if (bad != -2)
					(void) sg_ledger_group_malformed(&g, r.id, bad);
				else
					(void) sg_ledger_group_record(&g, &r);
			}
			trail.pos++;
			if (g.problem.kind != SG_LEDGER_OK && !w->baseline)
				break;
		}
		if (!sg_ledger_group_end(&g) && !w->baseline)
		{
			report_problem(w, t, key, &g);
			ok = false;
		}
		if (w->baseline)
		{
			for (int l = 0; l < nrows; l++)
				if (sg_ledger_live_history(&g, l) < 0 && may_baseline(t, rows[l], table_unaudited))
				{
					sg_audit_record(t->relid, t->name, live_desc, t->args, t->nargs, "BASELINE",
									NULL, tuples[l]);
					w->baselined++;
				}
		}
		MemoryContextSwitchTo(outer);
		MemoryContextReset(groupcxt);
	}
	if (live.batch != NULL)
		SPI_freetuptable(live.batch);
	if (trail.batch != NULL)
		SPI_freetuptable(trail.batch);
	SPI_cursor_close(live.portal);
	SPI_cursor_close(trail.portal);
	MemoryContextDelete(groupcxt);
	return ok;
}

/* Walks every audited table in name order, reading as the extension owner. */
static void
walk(Walk *w)
{
	SgInternalWrite iw;
	MemoryContext tablecxt;
	Oid		   *relids;
	Oid			audit_row;
	uint64		ntables;

	sg_spi_connect();
	tablecxt = AllocSetContextCreate(CurrentMemoryContext, "verify_ledger table", ALLOCSET_DEFAULT_SIZES);
	sg_internal_begin(&iw);
	PG_TRY();
	{
		bool		isnull;

		/* every table with the trigger, whether or not it is enabled */
		if (SPI_execute("SELECT c.oid, t.tgfoid FROM pg_catalog.pg_trigger t "
						"JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tgrelid "
						"WHERE t.tgfoid OPERATOR(pg_catalog.=) 'safeguard.audit_row()'::pg_catalog.regprocedure "
						"AND NOT t.tgisinternal "
						"GROUP BY c.oid, t.tgfoid ORDER BY c.relname COLLATE \"C\", c.oid",
						true, 0) != SPI_OK_SELECT)
			elog(ERROR, "verify_ledger: could not list the audited tables");
		ntables = SPI_processed;
		relids = palloc(sizeof(Oid) * (ntables + 1));
		audit_row = InvalidOid;
		for (uint64 i = 0; i < ntables; i++)
		{
			relids[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
			audit_row = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
		}
		SPI_freetuptable(SPI_tuptable);

		for (uint64 i = 0; i < ntables; i++)
		{
			MemoryContext outer = MemoryContextSwitchTo(tablecxt);
			bool		ok = walk_table(w, describe_table(relids[i], audit_row));

			MemoryContextSwitchTo(outer);
			MemoryContextReset(tablecxt);
			if (!ok)
				break;
		}
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
	MemoryContextDelete(tablecxt);
	sg_spi_finish();
}

/* SQL: verify_ledger() -> the first row that disagrees with the trail, or none. */
Datum
sg_verify_ledger(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Walk		w = {0};

	w.report_cxt = CurrentMemoryContext;
	walk(&w);
	InitMaterializedSRF(fcinfo, 0);
	if (w.report.found)
	{
		LedgerReport *r = &w.report;
		Datum		values[8];
		bool		nulls[8] = {false, r->row_key == NULL, r->primary_key == NULL, r->column == NULL,
		r->live == NULL, r->trail == NULL, r->audit_id == 0, false};

		values[0] = CStringGetTextDatum(r->table);
		values[1] = r->row_key ? CStringGetTextDatum(r->row_key) : (Datum) 0;
		values[2] = r->primary_key ? CStringGetTextDatum(r->primary_key) : (Datum) 0;
		values[3] = r->column ? CStringGetTextDatum(r->column) : (Datum) 0;
		values[4] = r->live ? CStringGetTextDatum(r->live) : (Datum) 0;
		values[5] = r->trail ? CStringGetTextDatum(r->trail) : (Datum) 0;
		values[6] = Int64GetDatum(r->audit_id);
		values[7] = CStringGetTextDatum(r->problem);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* SQL: verify_ledger_strict() -> true, or raises SG404 naming the first mismatch. */
Datum
sg_verify_ledger_strict(PG_FUNCTION_ARGS)
{
	Walk		w = {0};

	w.report_cxt = CurrentMemoryContext;
	walk(&w);
	if (w.report.found)
	{
		LedgerReport *r = &w.report;

		ereport(ERROR,
				(errcode(ERRCODE_SG_LEDGER_MISMATCH),
				 errmsg("the live rows fail verification against the audit trail"),
				 errdetail("Table %s, row %s%s%s%s%s: %s (the row holds %s, the trail %s; audit row " INT64_FORMAT ").",
						   r->table, r->row_key ? r->row_key : "(no key)",
						   r->primary_key ? " " : "", r->primary_key ? r->primary_key : "",
						   r->column ? ", column " : "", r->column ? r->column : "",
						   r->problem,
						   r->live ? quote_literal_cstr(r->live) : "nothing",
						   r->trail ? quote_literal_cstr(r->trail) : "nothing",
						   r->audit_id),
				 errhint("Treat the row as altered outside safeguard: compare it with the audit trail "
						 "(safeguard.verify_ledger(), the journeys) and a backup.")));
	}
	PG_RETURN_BOOL(true);
}

/*
 * SQL: ledger_baseline() -> bigint.  Records as BASELINE audit rows the
 * rows installed before their table had an audit trigger (see the banner);
 * returns how many.  Superusers only; the 1.4 script runs it, and a
 * superuser after restoring a dump taken before 1.4.
 */
Datum
sg_ledger_baseline(PG_FUNCTION_ARGS)
{
	Walk		w = {0};

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to record the ledger baseline"),
				 errdetail("Only a superuser records the rows installed without audit rows."),
				 errhint("The update to 1.4 records them; after restoring an older dump, run it as a superuser.")));
	if (sg_restoring())
		ereport(ERROR,
				(errcode(ERRCODE_SG_RESTORE_PROCEDURE),
				 errmsg("the ledger baseline is not recorded while restoring"),
				 errdetail("The restored audit trail holds the baseline of the dumped database."),
				 errhint("Run it after the restore, and only for a dump taken before 1.4.")));
	w.baseline = true;
	w.report_cxt = CurrentMemoryContext;
	walk(&w);
	PG_RETURN_INT64(w.baselined);
}
