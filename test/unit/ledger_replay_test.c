/*
 * ledger_replay_test.c
 *		Unit tests of src/ledger_replay.c: the replay of a row's audit
 *		records and the comparison with the row as stored (verify_ledger's
 *		core), outside the server.
 *
 * Each case builds a small table (columns with positions, a generated one,
 * one added later with a default), live rows and records as audit_row
 * writes them, and checks the problem found, or that none is.  Output is
 * TAP; the exit status is non-zero when any test fails.
 */
#include "ledger_replay.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The table: id (the key), kind (with id the primary key of the composite
 * case), status, note, upper_note (generated), region (added later with
 * default 'north', at position 5, before the generated one).
 */
enum
{
	C_ID, C_KIND, C_STATUS, C_NOTE, C_UPPER, C_REGION, NCOLS
};
static const SgLedgerColumn columns[NCOLS] = {
	{"id", 1, false, 0, {NULL, NULL}},
	{"kind", 2, false, 0, {NULL, NULL}},
	{"status", 3, false, 0, {NULL, NULL}},
	{"note", 4, false, 0, {NULL, NULL}},
	{"upper_note", 6, true, 0, {NULL, NULL}},
	{"region", 5, false, 1, {"north", NULL}},
};
static const int by_id[1] = {C_ID};
static const int by_id_kind[2] = {C_ID, C_KIND};

/* Every allocation of a test, freed by free_all() (an arena, as the server's group context). */
static void **arena;
static size_t arena_n,
			arena_max;

/* Allocates zeroed memory in the arena. */
static void *
test_alloc(void *arg, size_t size)
{
	void	   *p = calloc(1, size ? size : 1);

	(void) arg;
	if (p == NULL || (arena_n == arena_max &&
					  (arena = realloc(arena, sizeof(void *) * (arena_max = arena_max * 2 + 64))) == NULL))
	{
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	arena[arena_n++] = p;
	return p;
}

/* Frees the arena. */
static void
free_all(void)
{
	for (size_t i = 0; i < arena_n; i++)
		free(arena[i]);
	free(arena);
	arena = NULL;
	arena_n = arena_max = 0;
}

/* A record being written: a slot per column. */
typedef struct Rec
{
	SgLedgerRecord r;
	bool		named[NCOLS];
	const char *olds[NCOLS];
	const char *news[NCOLS];
} Rec;

/* Starts a record. */
static Rec *
rec(SgLedgerAction action, int64_t id)
{
	Rec		   *x = test_alloc(NULL, sizeof(Rec));

	x->r.action = action;
	x->r.id = id;
	x->r.named = x->named;
	x->r.old_values = x->olds;
	x->r.new_values = x->news;
	return x;
}

/* Names a column of an INSERT, BASELINE or DELETE; returns the record. */
static Rec *
val(Rec *x, int c, const char *v)
{
	x->named[c] = true;
	x->news[c] = v;
	return x;
}

/* Names a changed column of an UPDATE; returns the record. */
static Rec *
chg(Rec *x, int c, const char *old, const char *new)
{
	x->named[c] = true;
	x->olds[c] = old;
	x->news[c] = new;
	return x;
}

/* Runs a group of live rows and records; returns the problem kind found. */
static SgLedgerProblemKind
run(SgLedgerGroup *g, const int *identity, int nidentity, const char *const *const *live, int nlive,
	Rec **recs, int nrecs)
{
	bool		going = true;

	sg_ledger_group_begin(g, columns, NCOLS, identity, nidentity, live, nlive, test_alloc, NULL);
	for (int i = 0; i < nrecs && going; i++)
		going = sg_ledger_group_record(g, &recs[i]->r);
	(void) sg_ledger_group_end(g);
	return g->problem.kind;
}

/* The rule for columns no record names. */
static void
test_unrecorded_rule(void)
{
	ok(sg_ledger_unrecorded_ok(&columns[C_NOTE], 7, NULL), "an unrecorded column may be NULL");
	ok(!sg_ledger_unrecorded_ok(&columns[C_NOTE], 7, "x"), "an unrecorded column that existed may not hold a value");
	ok(!sg_ledger_unrecorded_ok(&columns[C_NOTE], 3, "x"),
	   "nor a column with no added value, even if it may have been added later");
	ok(sg_ledger_unrecorded_ok(&columns[C_UPPER], 4, "X"),
	   "a generated column added after the row may hold what it computes");
	ok(!sg_ledger_unrecorded_ok(&columns[C_UPPER], 6, "X"),
	   "a generated column the creating record proves existed may not");
	ok(sg_ledger_unrecorded_ok(&columns[C_REGION], 4, "north"),
	   "a column added later may hold the value it was added with");
	ok(!sg_ledger_unrecorded_ok(&columns[C_REGION], 4, "south"), "but no other");
	ok(!sg_ledger_unrecorded_ok(&columns[C_REGION], 7, "north"),
	   "nor that value when the creating record names a later column (it existed, NULL)");
}

/* One row: insert and updates, replayed and compared. */
static void
test_single_row(void)
{
	SgLedgerGroup g;
	const char *row[NCOLS] = {"1", "a", "sent", "hello", "HELLO", NULL};
	const char *const *live[1] = {row};
	Rec		   *recs[3];

	recs[0] = val(val(val(val(val(rec(SG_LEDGER_INSERT, 10), C_ID, "1"), C_KIND, "a"),
						  C_STATUS, "awaiting"), C_NOTE, "hello"), C_UPPER, "HELLO");
	recs[1] = chg(rec(SG_LEDGER_UPDATE, 11), C_STATUS, "awaiting", "sent");
	ok(run(&g, by_id, 1, live, 1, recs, 2) == SG_LEDGER_OK, "a row equal to its replayed trail verifies");

	row[C_STATUS] = "closed";
	ok(run(&g, by_id, 1, live, 1, recs, 2) == SG_LEDGER_DIFFERS, "a changed state differs");
	ok(g.problem.column == C_STATUS && strcmp(g.problem.live, "closed") == 0 &&
	   strcmp(g.problem.trail, "sent") == 0 && g.problem.audit_id == 11,
	   "the problem names the column, both values and the newest record");
	row[C_STATUS] = "sent";

	row[C_REGION] = "north";
	ok(run(&g, by_id, 1, live, 1, recs, 2) == SG_LEDGER_DIFFERS,
	   "a region no record names, when the insert names a later column: differs");
	recs[0]->named[C_UPPER] = false;
	row[C_UPPER] = "HELLO";
	ok(run(&g, by_id, 1, live, 1, recs, 2) == SG_LEDGER_OK,
	   "when the insert names no later column: the region's added value and the generated value pass");
	recs[0]->named[C_UPPER] = true;
	row[C_REGION] = NULL;

	ok(run(&g, by_id, 1, live, 1, recs, 0) == SG_LEDGER_UNRECORDED_ROW, "a row with no record: unrecorded");
	ok(run(&g, by_id, 1, live, 0, recs, 2) == SG_LEDGER_MISSING_ROW && g.problem.audit_id == 11,
	   "records of a row that is gone: missing, with the newest record");

	recs[2] = chg(rec(SG_LEDGER_UPDATE, 12), C_NOTE, "forged", "bye");
	row[C_NOTE] = "bye";
	ok(run(&g, by_id, 1, live, 1, recs, 3) == SG_LEDGER_UNRECORDED_CHANGE,
	   "an update whose old value no record gave: a change without an audit row");
	ok(g.problem.column == C_NOTE && strcmp(g.problem.live, "forged") == 0 &&
	   strcmp(g.problem.trail, "hello") == 0 && g.problem.audit_id == 12,
	   "named at that update, with the value it found and the value the trail held");
	row[C_NOTE] = "hello";

	recs[0]->r.action = SG_LEDGER_UPDATE;
	ok(run(&g, by_id, 1, live, 1, recs + 1, 1) == SG_LEDGER_NO_CREATION,
	   "an update with no record of the insert");
	recs[0]->r.action = SG_LEDGER_INSERT;
	ok(run(&g, by_id, 1, live, 1, (Rec *[]) {recs[0], recs[0]}, 2) == SG_LEDGER_CREATED_TWICE,
	   "an insert of a row the trail holds");
}

/* Deletes, re-inserts and baselines. */
static void
test_delete_baseline(void)
{
	SgLedgerGroup g;
	const char *row[NCOLS] = {"1", "a", "new", NULL, NULL, NULL};
	const char *const *live[1] = {row};
	Rec		   *ins = val(val(val(rec(SG_LEDGER_INSERT, 1), C_ID, "1"), C_KIND, "a"), C_STATUS, "old");
	Rec		   *del = val(val(val(rec(SG_LEDGER_DELETE, 2), C_ID, "1"), C_KIND, "a"), C_STATUS, "old");
	Rec		   *again = val(val(val(rec(SG_LEDGER_INSERT, 3), C_ID, "1"), C_KIND, "a"), C_STATUS, "new");
	Rec		   *upd = chg(rec(SG_LEDGER_UPDATE, 1), C_STATUS, "older", "old");
	Rec		   *base = val(val(val(rec(SG_LEDGER_BASELINE, 5), C_ID, "1"), C_KIND, "a"), C_STATUS, "new");
	Rec		   *bad_del = val(val(val(rec(SG_LEDGER_DELETE, 2), C_ID, "1"), C_KIND, "a"), C_STATUS, "other");

	ok(run(&g, by_id, 1, live, 0, (Rec *[]) {ins, del}, 2) == SG_LEDGER_OK,
	   "a row deleted with a record of it: nothing is missing");
	ok(run(&g, by_id, 1, live, 1, (Rec *[]) {ins, del, again}, 3) == SG_LEDGER_OK,
	   "deleted, then inserted again: verifies against the new insert");
	ok(run(&g, by_id, 1, live, 1, (Rec *[]) {ins, del}, 2) == SG_LEDGER_UNRECORDED_ROW,
	   "a row that exists although its record says deleted: unrecorded");
	ok(run(&g, by_id, 1, live, 0, (Rec *[]) {ins, bad_del}, 2) == SG_LEDGER_UNRECORDED_CHANGE &&
	   g.problem.column == C_STATUS,
	   "a delete recording values the trail never gave: a change without an audit row");
	ok(run(&g, by_id, 1, live, 1, (Rec *[]) {upd, base}, 2) == SG_LEDGER_OK,
	   "updates recorded before any insert are superseded by a BASELINE");
	ok(run(&g, by_id, 1, live, 1, (Rec *[]) {upd}, 1) == SG_LEDGER_NO_CREATION && g.problem.audit_id == 1,
	   "without one: an update with no record of the insert");
	ok(run(&g, by_id, 1, live, 1, (Rec *[]) {base}, 1) == SG_LEDGER_OK, "a row recorded as found verifies");
}

/* Rows sharing an audit key (a composite primary key). */
static void
test_shared_key(void)
{
	SgLedgerGroup g;
	const char *a[NCOLS] = {"7", "a", "2", NULL, NULL, NULL};
	const char *b[NCOLS] = {"7", "b", "1", NULL, NULL, NULL};
	const char *const *live[2] = {b, a};	/* any order */
	Rec		   *ia = val(val(val(rec(SG_LEDGER_INSERT, 1), C_ID, "7"), C_KIND, "a"), C_STATUS, "1");
	Rec		   *ib = val(val(val(rec(SG_LEDGER_INSERT, 2), C_ID, "7"), C_KIND, "b"), C_STATUS, "1");
	Rec		   *u = chg(rec(SG_LEDGER_UPDATE, 3), C_STATUS, "1", "2");

	ok(run(&g, by_id_kind, 2, live, 2, (Rec *[]) {ia, ib, u}, 3) == SG_LEDGER_OK,
	   "an update that does not say which of two alike rows: the one whose live row holds its new values");
	a[C_STATUS] = "1";
	b[C_STATUS] = "2";
	ok(run(&g, by_id_kind, 2, live, 2, (Rec *[]) {ia, ib, u}, 3) == SG_LEDGER_OK, "whichever it is");
	b[C_STATUS] = "1";
	ok(run(&g, by_id_kind, 2, live, 2, (Rec *[]) {ia, ib, u}, 3) == SG_LEDGER_DIFFERS,
	   "when neither holds them: a difference");
	ok(g.problem.live_row == 1 && g.problem.history == 0,
	   "reported on the first row by primary key (kind a), the one the update was applied to");
	a[C_STATUS] = "9";
	b[C_STATUS] = "8";
	ok(run(&g, by_id_kind, 2, live, 2, (Rec *[]) {ia, ib}, 2) == SG_LEDGER_DIFFERS && g.problem.live_row == 1,
	   "two rows differ: the first by primary key is reported");
	a[C_STATUS] = "1";
	b[C_STATUS] = "1";
	ok(run(&g, by_id_kind, 2, live, 1, (Rec *[]) {ia, ib}, 2) == SG_LEDGER_MISSING_ROW &&
	   g.problem.history == 0 && g.problem.audit_id == 1,
	   "one of two rows gone (kind a): missing, with its own record");
	ok(run(&g, by_id_kind, 2, live, 2, (Rec *[]) {ib}, 1) == SG_LEDGER_UNRECORDED_ROW && g.problem.live_row == 1,
	   "one of two rows never recorded (kind a): unrecorded");
	ok(sg_ledger_live_history(&g, 0) == 0 && sg_ledger_live_history(&g, 1) == -1,
	   "the matches: b has its history, a has none");
}

/* Every problem kind has a text. */
static void
test_texts(void)
{
	for (int k = SG_LEDGER_OK; k <= SG_LEDGER_MALFORMED; k++)
		ok(strcmp(sg_ledger_problem_text((SgLedgerProblemKind) k), "unknown problem") != 0,
		   "problem kind %d has a description", k);
}

/* Runs every test group and prints the TAP plan last. */
int
main(void)
{
	test_unrecorded_rule();
	test_single_row();
	test_delete_baseline();
	test_shared_key();
	test_texts();
	free_all();
	printf("1..%d\n", tests_run);
	if (tests_failed)
		diag("failed %d of %d tests", tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
