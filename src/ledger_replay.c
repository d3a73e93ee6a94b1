/*
 * ledger_replay.c
 *		The replay of a row's audit records and the comparison with the row
 *		as stored: the pure core of safeguard.verify_ledger().
 *
 * Backend-free so test/unit checks it outside the server.  It sees one
 * group at a time: the live rows of a table that share an audit row_key
 * (one row, or the rows of a composite key whose first column is the audit
 * key, such as the rules of a policy) and that key's records in the order
 * they were written.
 *
 * The rules (README, "Proving the live rows"):
 *	- INSERT and BASELINE records start a row's history with every column
 *	  they name; DELETE ends it; UPDATE sets the columns it names, and its
 *	  old values must be what the history holds (otherwise the row was
 *	  changed without an audit row in between).
 *	- A column no record of the row names must be NULL, unless the column
 *	  may have been added after the row was created (its position is above
 *	  every column the creating record names) and holds the value it was
 *	  added with: its default (the "missing value" ALTER TABLE kept for
 *	  older rows, or its constant default), or, for a generated column,
 *	  whatever it computes from the others.
 *	- Rows are matched to histories by their identity (the primary key);
 *	  an UPDATE that does not name the identity, of a key shared by several
 *	  rows, applies to the one row whose history holds its old values; when
 *	  several do, to the first whose live row holds its new values.
 */
#include "ledger_replay.h"

#include <string.h>

/* Returns true when two values (NULL: SQL NULL) are the same. */
bool
sg_ledger_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Orders two values, SQL NULL first. */
static int
value_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b ? 0 : (a == NULL ? -1 : 1);
	return strcmp(a, b);
}

/*
 * The rule for a column no record of the row names, given a value the row
 * holds (or an update found): NULL, or, for a column that may have been
 * added after the row was created (position above created_through), the
 * value it was added with (a generated column: whatever it computes).
 */
bool
sg_ledger_unrecorded_ok(const SgLedgerColumn *col, int created_through, const char *value)
{
	if (value == NULL)
		return true;
	/* the column existed when the row was created, and was NULL then */
	if (col->position <= created_through)
		return false;
	if (col->generated)
		return true;
	for (int i = 0; i < col->nadded; i++)
		if (sg_ledger_same(value, col->added_values[i]))
			return true;
	return false;
}

/* Returns true when the trail's cell c of h allows value. */
bool
sg_ledger_cell_allows(const SgLedgerColumn *cols, const SgLedgerHistory *h, int c,
					  const char *value)
{
	if (h->cells[c].recorded)
		return sg_ledger_same(value, h->cells[c].value);
	return sg_ledger_unrecorded_ok(&cols[c], h->created_through, value);
}

/* Records the first problem of the group; returns false. */
static bool
found(SgLedgerGroup *g, SgLedgerProblemKind kind, int column, int64_t audit_id,
	  int history, int live_row)
{
	if (g->problem.kind != SG_LEDGER_OK)
		return false;
	memset(&g->problem, 0, sizeof(g->problem));
	g->problem.kind = kind;
	g->problem.column = column;
	g->problem.audit_id = audit_id;
	g->problem.history = history;
	g->problem.live_row = live_row;
	return false;
}

/* Sets what the row holds and what the trail says in the problem just found. */
static void
found_values(SgLedgerGroup *g, bool has_live, const char *live, bool has_trail, const char *trail)
{
	g->problem.has_live = has_live;
	g->problem.live = live;
	g->problem.has_trail = has_trail;
	g->problem.trail = trail;
}

/* Starts a group over its live rows. */
void
sg_ledger_group_begin(SgLedgerGroup *g, const SgLedgerColumn *columns, int ncolumns,
					  const int *identity, int nidentity,
					  const char *const *const *live, int nlive,
					  SgLedgerAlloc alloc, void *alloc_arg)
{
	memset(g, 0, sizeof(*g));
	g->columns = columns;
	g->ncolumns = ncolumns;
	g->identity = identity;
	g->nidentity = nidentity;
	g->live = live;
	g->nlive = nlive;
	g->alloc = alloc;
	g->alloc_arg = alloc_arg;
	g->orphan_column = -1;
	g->problem.kind = SG_LEDGER_OK;
}

/* Returns the index of the history (not deleted) whose identity is values', or -1. */
static int
find_history(const SgLedgerGroup *g, const char *const *values, const bool *named)
{
	for (int h = 0; h < g->nhistories; h++)
	{
		const SgLedgerHistory *hist = &g->histories[h];
		bool		same = !hist->deleted;

		for (int i = 0; same && i < g->nidentity; i++)
		{
			int			c = g->identity[i];

			same = sg_ledger_same(hist->cells[c].value, named[c] ? values[c] : NULL);
		}
		if (same)
			return h;
	}
	return -1;
}

/* Adds an empty history; returns its index. */
static int
new_history(SgLedgerGroup *g)
{
	SgLedgerHistory *h;

	if (g->nhistories == g->maxhistories)
	{
		int			max = g->maxhistories == 0 ? 4 : g->maxhistories * 2;
		SgLedgerHistory *more = g->alloc(g->alloc_arg, sizeof(SgLedgerHistory) * max);

		if (g->nhistories > 0)
			memcpy(more, g->histories, sizeof(SgLedgerHistory) * g->nhistories);
		g->histories = more;
		g->maxhistories = max;
	}
	h = &g->histories[g->nhistories];
	memset(h, 0, sizeof(*h));
	h->cells = g->alloc(g->alloc_arg, sizeof(SgLedgerCell) * (g->ncolumns > 0 ? g->ncolumns : 1));
	h->live = -1;
	return g->nhistories++;
}

/* Returns true when the update r is consistent with history h (its old values are h's). */
static bool
update_fits(const SgLedgerGroup *g, const SgLedgerHistory *h, const SgLedgerRecord *r)
{
	for (int c = 0; c < g->ncolumns; c++)
		if (r->named[c] && !sg_ledger_cell_allows(g->columns, h, c, r->old_values[c]))
			return false;
	return true;
}

/* Returns true when live row l holds what update r leaves in history h. */
static bool
live_holds_update(const SgLedgerGroup *g, const SgLedgerHistory *h, const SgLedgerRecord *r, int l)
{
	for (int i = 0; i < g->nidentity; i++)
	{
		int			c = g->identity[i];
		const char *id = r->named[c] ? r->new_values[c] : h->cells[c].value;

		if (!sg_ledger_same(g->live[l][c], id))
			return false;
	}
	for (int c = 0; c < g->ncolumns; c++)
		if (r->named[c] && !sg_ledger_same(g->live[l][c], r->new_values[c]))
			return false;
	return true;
}

/* Replays an UPDATE. */
static bool
replay_update(SgLedgerGroup *g, const SgLedgerRecord *r)
{
	int			chosen = -1;
	int			candidates = 0;
	int			existing = 0;

	for (int h = 0; h < g->nhistories; h++)
	{
		if (g->histories[h].deleted)
			continue;
		existing++;
		if (!update_fits(g, &g->histories[h], r))
			continue;
		candidates++;
		if (chosen < 0)
			chosen = h;
	}
	if (candidates > 1)
	{
		/* a key shared by several rows, and the record does not say which */
		for (int h = 0; h < g->nhistories; h++)
		{
			bool		held = false;

			if (g->histories[h].deleted || !update_fits(g, &g->histories[h], r))
				continue;
			for (int l = 0; l < g->nlive && !held; l++)
				held = live_holds_update(g, &g->histories[h], r, l);
			if (held)
			{
				chosen = h;
				break;
			}
		}
	}
	if (candidates == 0 && existing == 0)
	{
		/* no record of the insert yet: a later BASELINE may supersede it */
		if (g->orphan_id == 0)
		{
			g->orphan_id = r->id;
			for (int c = 0; c < g->ncolumns && g->orphan_column < 0; c++)
				if (r->named[c])
					g->orphan_column = c;
		}
		return true;
	}
	if (candidates == 0)
	{
		/* the history nearest to the record: fewest columns that disagree */
		int			best = -1;
		int			best_conflicts = 0;
		int			column = -1;

		for (int h = 0; h < g->nhistories; h++)
		{
			int			conflicts = 0;

			if (g->histories[h].deleted)
				continue;
			for (int c = 0; c < g->ncolumns; c++)
				if (r->named[c] && !sg_ledger_cell_allows(g->columns, &g->histories[h], c, r->old_values[c]))
					conflicts++;
			if (best < 0 || conflicts < best_conflicts)
			{
				best = h;
				best_conflicts = conflicts;
			}
		}
		for (int c = 0; c < g->ncolumns && column < 0; c++)
			if (r->named[c] && !sg_ledger_cell_allows(g->columns, &g->histories[best], c, r->old_values[c]))
				column = c;
		found(g, SG_LEDGER_UNRECORDED_CHANGE, column, r->id, best, -1);
		if (column >= 0)
			found_values(g, true, r->old_values[column], true, g->histories[best].cells[column].value);
		return false;
	}
	for (int c = 0; c < g->ncolumns; c++)
		if (r->named[c])
		{
			g->histories[chosen].cells[c].recorded = true;
			g->histories[chosen].cells[c].value = r->new_values[c];
		}
	g->histories[chosen].last_id = r->id;
	return true;
}

/* Replays one record (records in id order); returns false once a problem is found. */
bool
sg_ledger_group_record(SgLedgerGroup *g, const SgLedgerRecord *r)
{
	int			h;

	if (g->problem.kind != SG_LEDGER_OK)
		return false;
	switch (r->action)
	{
		case SG_LEDGER_INSERT:
		case SG_LEDGER_BASELINE:
			h = find_history(g, r->new_values, r->named);
			if (h >= 0 && r->action == SG_LEDGER_INSERT)
				return found(g, SG_LEDGER_CREATED_TWICE, -1, r->id, h, -1);
			if (h < 0)
				h = new_history(g);
			g->histories[h].created_through = 0;
			for (int c = 0; c < g->ncolumns; c++)
			{
				g->histories[h].cells[c].recorded = r->named[c];
				g->histories[h].cells[c].value = r->named[c] ? r->new_values[c] : NULL;
				if (r->named[c] && g->columns[c].position > g->histories[h].created_through)
					g->histories[h].created_through = g->columns[c].position;
			}
			g->histories[h].deleted = false;
			g->histories[h].last_id = r->id;
			/* the row as found supersedes updates recorded before any insert */
			if (r->action == SG_LEDGER_BASELINE)
			{
				g->orphan_id = 0;
				g->orphan_column = -1;
			}
			return true;
		case SG_LEDGER_UPDATE:
			return replay_update(g, r);
		case SG_LEDGER_DELETE:
			h = find_history(g, r->new_values, r->named);
			if (h < 0)
				return found(g, SG_LEDGER_NO_CREATION, -1, r->id, -1, -1);
			for (int c = 0; c < g->ncolumns; c++)
			{
				const char *v = r->named[c] ? r->new_values[c] : NULL;

				if (!sg_ledger_cell_allows(g->columns, &g->histories[h], c, v))
				{
					found(g, SG_LEDGER_UNRECORDED_CHANGE, c, r->id, h, -1);
					found_values(g, true, v, true, g->histories[h].cells[c].value);
					return false;
				}
			}
			g->histories[h].deleted = true;
			g->histories[h].last_id = r->id;
			return true;
	}
	return found(g, SG_LEDGER_MALFORMED, -1, r->id, -1, -1);
}

/* Notes a record the caller could not read; returns false. */
bool
sg_ledger_group_malformed(SgLedgerGroup *g, int64_t id, int column)
{
	return found(g, SG_LEDGER_MALFORMED, column, id, -1, -1);
}

/* What the sorts below order: live rows or histories of a group, by identity. */
typedef struct SortContext
{
	const SgLedgerGroup *g;
	bool		histories;
} SortContext;

/* Returns identity column i of item k. */
static const char *
identity_value(const SortContext *s, int k, int i)
{
	int			c = s->g->identity[i];

	return s->histories ? s->g->histories[k].cells[c].value : s->g->live[k][c];
}

/* Orders two items of the same kind by identity. */
static int
item_cmp(const SortContext *s, int a, int b)
{
	for (int i = 0; i < s->g->nidentity; i++)
	{
		int			d = value_cmp(identity_value(s, a, i), identity_value(s, b, i));

		if (d != 0)
			return d;
	}
	return a - b;
}

/* Sorts idx[0..n) by identity (a merge sort: groups are small, the order stable). */
static void
sort_items(const SortContext *s, int *idx, int *tmp, int n)
{
	int			mid = n / 2,
				i = 0,
				j = mid,
				k = 0;

	if (n < 2)
		return;
	sort_items(s, idx, tmp, mid);
	sort_items(s, idx + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = item_cmp(s, idx[i], idx[j]) <= 0 ? idx[i++] : idx[j++];
	while (i < mid)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, sizeof(int) * n);
}

/* Orders live row l against history h by identity. */
static int
live_history_cmp(const SgLedgerGroup *g, int l, int h)
{
	for (int i = 0; i < g->nidentity; i++)
	{
		int			c = g->identity[i];
		int			d = value_cmp(g->live[l][c], g->histories[h].cells[c].value);

		if (d != 0)
			return d;
	}
	return 0;
}

/*
 * Matches histories to live rows by identity and compares them; returns
 * false when a problem is found (g->problem), in the order: records left
 * with no row to apply to, then rows by identity.  Afterwards each
 * history's live field, and sg_ledger_live_history(), give the match.
 */
bool
sg_ledger_group_end(SgLedgerGroup *g)
{
	int			nh = 0;
	int		   *hs;
	int		   *ls;
	int		   *tmp;
	int			i = 0,
				j = 0;
	SortContext sh = {g, true};
	SortContext sl = {g, false};

	hs = g->alloc(g->alloc_arg, sizeof(int) * (g->nhistories + 1));
	ls = g->alloc(g->alloc_arg, sizeof(int) * (g->nlive + 1));
	tmp = g->alloc(g->alloc_arg, sizeof(int) * (g->nhistories + g->nlive + 1));
	for (int h = 0; h < g->nhistories; h++)
		if (!g->histories[h].deleted)
			hs[nh++] = h;
	for (int l = 0; l < g->nlive; l++)
		ls[l] = l;
	sort_items(&sh, hs, tmp, nh);
	sort_items(&sl, ls, tmp, g->nlive);

	/* match every row first (ledger_baseline reads the matches), then judge */
	while (i < g->nlive && j < nh)
	{
		int			d = live_history_cmp(g, ls[i], hs[j]);

		if (d == 0)
			g->histories[hs[j]].live = ls[i];
		if (d <= 0)
			i++;
		if (d >= 0)
			j++;
	}

	if (g->problem.kind != SG_LEDGER_OK)
		return false;
	if (g->orphan_id != 0)
	{
		found(g, SG_LEDGER_NO_CREATION, g->orphan_column, g->orphan_id, -1, -1);
		return false;
	}
	i = j = 0;
	while (i < g->nlive || j < nh)
	{
		int			d = i >= g->nlive ? 1 : j >= nh ? -1 : live_history_cmp(g, ls[i], hs[j]);

		if (d < 0)
			return found(g, SG_LEDGER_UNRECORDED_ROW, -1, 0, -1, ls[i]);
		if (d > 0)
			return found(g, SG_LEDGER_MISSING_ROW, -1, g->histories[hs[j]].last_id, hs[j], -1);
		for (int c = 0; c < g->ncolumns; c++)
		{
			const SgLedgerHistory *h = &g->histories[hs[j]];

			if (!sg_ledger_cell_allows(g->columns, h, c, g->live[ls[i]][c]))
			{
				found(g, SG_LEDGER_DIFFERS, c, h->last_id, hs[j], ls[i]);
				found_values(g, true, g->live[ls[i]][c], true, h->cells[c].value);
				return false;
			}
		}
		i++;
		j++;
	}
	return true;
}

/* Returns the history matched to live row l by sg_ledger_group_end, or -1. */
int
sg_ledger_live_history(const SgLedgerGroup *g, int l)
{
	for (int h = 0; h < g->nhistories; h++)
		if (!g->histories[h].deleted && g->histories[h].live == l)
			return h;
	return -1;
}

/* Returns a short description of a problem kind. */
const char *
sg_ledger_problem_text(SgLedgerProblemKind kind)
{
	switch (kind)
	{
		case SG_LEDGER_OK:
			return "no problem";
		case SG_LEDGER_DIFFERS:
			return "the row differs from the newest values its audit rows record";
		case SG_LEDGER_UNRECORDED_ROW:
			return "the row has no audit row recording its insert";
		case SG_LEDGER_MISSING_ROW:
			return "audit rows record a row that does not exist";
		case SG_LEDGER_UNRECORDED_CHANGE:
			return "the row was changed without an audit row: a later audit row found another value";
		case SG_LEDGER_NO_CREATION:
			return "an audit row updates or deletes a row whose insert no audit row records";
		case SG_LEDGER_CREATED_TWICE:
			return "an audit row inserts a row the trail already holds";
		case SG_LEDGER_MALFORMED:
			return "an audit row's changes are not as safeguard writes them";
	}
	return "unknown problem";
}
