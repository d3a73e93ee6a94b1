/*
 * trigger_util.h
 *		Trigger plumbing: the protocol preamble, column access by name
 *		(column numbers cached per table), the standard refusal (trigger_util.c).
 */
#ifndef SAFEGUARD_TRIGGER_UTIL_H
#define SAFEGUARD_TRIGGER_UTIL_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "commands/trigger.h"
#include "fmgr.h"

extern TriggerData *sg_trigger_data(FunctionCallInfo fcinfo, const char *name,
									bool row, bool before);
extern bool sg_has_column(TupleDesc desc, const char *name);
extern int	sg_attnum(TupleDesc desc, const char *name);
extern Datum sg_get(HeapTuple tup, TupleDesc desc, const char *name, bool *isnull);
extern char *sg_get_cstring(HeapTuple tup, TupleDesc desc, const char *name);
extern char *sg_get_label(HeapTuple tup, TupleDesc desc, const char *name);
extern char *sg_require_label(HeapTuple tup, TupleDesc desc, const char *name,
							  const char *what, const char *hint);
extern int64 sg_get_int64(HeapTuple tup, TupleDesc desc, const char *name);
extern HeapTuple sg_set(HeapTuple tup, TupleDesc desc, int n,
						const char **names, Datum *values, bool *nulls);
extern bool sg_column_unchanged(HeapTuple a, HeapTuple b, TupleDesc desc, int attnum);

/* Two versions of a row, each deformed once, and which columns differ (index = attnum - 1). */
typedef struct SgRowPair
{
	Datum	   *old_values;
	bool	   *old_nulls;
	Datum	   *new_values;
	bool	   *new_nulls;
	bool	   *changed;		/* as !sg_column_unchanged says */
} SgRowPair;

extern void sg_row_pair(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc, SgRowPair *p);
extern void sg_refuse_change(const char *table, const char *what, const char *hint);

#endif							/* SAFEGUARD_TRIGGER_UTIL_H */
