/*
 * scope_columns.h
 *		Which columns of the casework tables may steer how a scoped role's
 *		query reads the table: one classification of every column of every
 *		table under row-level security (src/scope_columns.c).
 *
 * Backend-free, so test/unit can check the table without a server; the
 * planner hooks of src/scope_guard.c apply it.
 */
#ifndef SAFEGUARD_SCOPE_COLUMNS_H
#define SAFEGUARD_SCOPE_COLUMNS_H

#include <stdbool.h>

/* What a column tells about a row, and so what a predicate on it may do. */
typedef enum SgColumnClass
{
	SG_COL_OPEN = 0,			/* ids, states, kinds, flags, instants, amounts */
	SG_COL_PERSON,				/* identifies or describes a person */
	SG_COL_FREE_TEXT,			/* typed text: may hold names or NHS numbers */
	SG_COL_ORGANISATION,		/* names an organisation or one of its teams */
	SG_COL_OWN_ORGANISATION,	/* as ORGANISATION; policy shows col = own organisation */
	SG_COL_OWN_LA,				/* as ORGANISATION; policy may_see_la(col) */
	SG_COL_OWN_PROVIDER,		/* as ORGANISATION; policy acts_for_provider(col) */
	SG_COL_UNLISTED,			/* not in the table: guarded until classified */
	SG_NCOLCLASSES
} SgColumnClass;

/* One classified column. */
typedef struct SgScopeColumn
{
	const char *table;			/* a table of schema safeguard */
	const char *column;
	SgColumnClass cls;
} SgScopeColumn;

/* The classification, in table order; sg_scope_ncolumns entries. */
extern const SgScopeColumn sg_scope_classification[];
extern const int sg_scope_ncolumns;

extern bool sg_scope_table_listed(const char *table);
extern SgColumnClass sg_scope_column_class(const char *table, const char *column);
extern bool sg_scope_class_guarded(SgColumnClass cls);
extern const char *sg_scope_class_name(SgColumnClass cls);

#endif							/* SAFEGUARD_SCOPE_COLUMNS_H */
