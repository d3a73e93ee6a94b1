/*
 * ledger_replay.h
 *		The live rows proved against the audit trail: the replay of a row's
 *		audit records and the comparison with the row as stored.
 *		Backend-free (unit-tested in test/unit); src/audit_ledger.c feeds it
 *		the rows and records it reads from the database.
 *
 * Values are canonical text (canonical.c): a NULL pointer is SQL NULL.
 * Strings are owned by the caller and must outlive the group they are
 * given to; the replay only keeps pointers.
 */
#ifndef SAFEGUARD_LEDGER_REPLAY_H
#define SAFEGUARD_LEDGER_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A column of an audited table. */
typedef struct SgLedgerColumn
{
	const char *name;
	int			position;		/* attnum: columns added later have higher ones */
	bool		generated;		/* GENERATED ALWAYS AS (...) STORED */
	int			nadded;			/* how many added_values */
	const char *added_values[2];	/* the values a column added later holds in
									 * rows older than it: the "missing value"
									 * ALTER TABLE ADD COLUMN kept, and its
									 * default when that is a constant (a
									 * rewrite, VACUUM FULL included, stores the
									 * value in the row and forgets the missing
									 * value) */
} SgLedgerColumn;

/* What the trail says a column of a row holds. */
typedef struct SgLedgerCell
{
	bool		recorded;		/* some record of the row named the column */
	const char *value;			/* the newest value recorded (NULL: SQL NULL) */
} SgLedgerCell;

/* The actions an audit row records. */
typedef enum SgLedgerAction
{
	SG_LEDGER_INSERT,
	SG_LEDGER_UPDATE,
	SG_LEDGER_DELETE,
	SG_LEDGER_BASELINE			/* the row as found when the ledger began */
} SgLedgerAction;

/*
 * One audit row of a table, by column: INSERT, BASELINE and DELETE name
 * every non-null column of the row (new_values); UPDATE names each changed
 * column with its old and new values.
 */
typedef struct SgLedgerRecord
{
	SgLedgerAction action;
	int64_t		id;				/* audit_event.id: the order of writing */
	const bool *named;			/* per column */
	const char *const *old_values;	/* per column, UPDATE only */
	const char *const *new_values;	/* per column */
} SgLedgerRecord;

/* One row's history, replayed from its records. */
typedef struct SgLedgerHistory
{
	SgLedgerCell *cells;		/* per column */
	int			created_through;	/* highest position its creating record
									 * names: every column up to it existed then */
	bool		deleted;
	int64_t		last_id;		/* its newest record */
	int			live;			/* the live row matched to it, or -1 */
} SgLedgerHistory;

/* What verification found, in order of the checks. */
typedef enum SgLedgerProblemKind
{
	SG_LEDGER_OK = 0,
	SG_LEDGER_DIFFERS,			/* a live value is not the trail's newest */
	SG_LEDGER_UNRECORDED_ROW,	/* a live row no audit row records */
	SG_LEDGER_MISSING_ROW,		/* audit rows describe a row that is gone */
	SG_LEDGER_UNRECORDED_CHANGE,	/* a record found a value no earlier one gave */
	SG_LEDGER_NO_CREATION,		/* an update or delete with no record of the insert */
	SG_LEDGER_CREATED_TWICE,	/* an insert of a row that exists */
	SG_LEDGER_MALFORMED			/* a record not as audit_row writes it */
} SgLedgerProblemKind;

/* The first problem of a group. */
typedef struct SgLedgerProblem
{
	SgLedgerProblemKind kind;
	int			column;			/* or -1 */
	bool		has_live;		/* live is meaningful */
	const char *live;			/* what the row holds (or held, for a change) */
	bool		has_trail;		/* trail is meaningful */
	const char *trail;			/* what the trail says */
	int64_t		audit_id;		/* the record in question, or the row's newest; 0: none */
	int			history;		/* or -1 */
	int			live_row;		/* or -1 */
} SgLedgerProblem;

/* Allocates zeroed memory for the replay (palloc0 in the server). */
typedef void *(*SgLedgerAlloc) (void *arg, size_t size);

/*
 * The rows of one table that share an audit row_key (one row, or the rows
 * of a composite key whose first column is the audit key), their live
 * values and their histories.
 */
typedef struct SgLedgerGroup
{
	const SgLedgerColumn *columns;
	int			ncolumns;
	const int  *identity;		/* columns identifying a row (its primary key) */
	int			nidentity;
	const char *const *const *live;	/* live rows: values per column */
	int			nlive;
	SgLedgerHistory *histories;
	int			nhistories;
	int			maxhistories;
	int64_t		orphan_id;		/* first record with no row to apply to, or 0 */
	int			orphan_column;
	SgLedgerProblem problem;	/* the first found (kind OK: none yet) */
	SgLedgerAlloc alloc;
	void	   *alloc_arg;
} SgLedgerGroup;

extern bool sg_ledger_unrecorded_ok(const SgLedgerColumn *col, int created_through,
									const char *value);
extern bool sg_ledger_cell_allows(const SgLedgerColumn *cols, const SgLedgerHistory *h,
								  int c, const char *value);
extern bool sg_ledger_same(const char *a, const char *b);
extern void sg_ledger_group_begin(SgLedgerGroup *g, const SgLedgerColumn *columns,
								  int ncolumns, const int *identity, int nidentity,
								  const char *const *const *live, int nlive,
								  SgLedgerAlloc alloc, void *alloc_arg);
extern bool sg_ledger_group_record(SgLedgerGroup *g, const SgLedgerRecord *r);
extern bool sg_ledger_group_malformed(SgLedgerGroup *g, int64_t id, int column);
extern bool sg_ledger_group_end(SgLedgerGroup *g);
extern int	sg_ledger_live_history(const SgLedgerGroup *g, int l);
extern const char *sg_ledger_problem_text(SgLedgerProblemKind kind);

#endif							/* SAFEGUARD_LEDGER_REPLAY_H */
