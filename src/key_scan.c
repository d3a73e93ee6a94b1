/*
 * key_scan.c
 *		One lookup of a safeguard table by the leading column (text or
 *		bigint) of its primary key or of a unique index, without SPI: what
 *		"SELECT ... FROM safeguard.<table> WHERE <key> = $1 [ORDER BY <next
 *		key column> DESC]" does through that index, without parsing,
 *		planning or an executor.  For the write path's hot lookups: the
 *		audit chain head (audit_chain.c), the chain lock (session_guard.c)
 *		and a referral's arrival as a council's concern (referral_arrival.c).
 *
 * Invariants:
 *	- The index must be a btree on exactly the columns the caller names,
 *	  in order, ascending with NULLS LAST: the primary key, or else a
 *	  valid unique index without a predicate.  Otherwise the lookup raises
 *	  a can't-happen error naming the table: a schema that does not match
 *	  fails clearly instead of reading the wrong rows.
 *	- The key is compared with the index's own collation, as the planner's
 *	  index scan would (a descent under another collation could miss rows).
 *	- Rows are read with the caller's snapshot from the heap, never from
 *	  the index, and no privilege or row-level security is checked: these
 *	  are safeguard's own reads, as its owner (BYPASSRLS) would make them.
 *	- What a lookup finds out about its table and index (their OIDs, the
 *	  key columns' numbers and type, that the index fits) is kept per
 *	  backend for each (table, key columns) a caller names, and forgotten
 *	  when the relcache entry of the table or of the index is invalidated
 *	  (an index created or dropped, the table altered or replaced): the
 *	  next lookup finds them again, and checks them again.  The table is
 *	  opened, with the caller's lock, before the kept answer is used, and
 *	  opening it processes pending invalidations.
 *	- sg_key_scan_push_statement_snapshot() gives a lookup the snapshot an
 *	  SPI statement of safeguard's (sg_exec_internal: not read-only) would
 *	  run with: the command counter stepped, then the transaction snapshot
 *	  (a new one under READ COMMITTED) with that command id.
 */
#include "postgres.h"

#include "key_scan.h"
#include "safeguard.h"
#include "trigger_util.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

/*
 * Returns true when the index whose pg_index row is indtup is on exactly
 * the columns keys (attnums), in order; unique, valid and without a
 * predicate unless primary (the primary key is all of that by definition).
 */
static bool
index_fits(HeapTuple indtup, const AttrNumber *keys, int nkeys, bool primary)
{
	Form_pg_index ind = (Form_pg_index) GETSTRUCT(indtup);
	bool		ok = ind->indnkeyatts == nkeys &&
		(primary || (ind->indisunique && ind->indisvalid &&
					 heap_attisnull(indtup, Anum_pg_index_indpred, NULL)));

	for (int i = 0; ok && i < nkeys; i++)
		ok = ind->indkey.values[i] == keys[i];
	return ok;
}

/* Returns true when index indexid (a pg_index row in the cache) fits, as index_fits says. */
static bool
index_oid_fits(Oid indexid, const AttrNumber *keys, int nkeys, bool primary)
{
	HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexid));
	bool		fits;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", indexid);
	fits = index_fits(tup, keys, nkeys, primary);
	ReleaseSysCache(tup);
	return fits;
}

/*
 * Opens, with AccessShareLock, the index of rel on exactly the columns keys:
 * the primary key when it is on them, else a unique index on them; returns
 * NULL when there is none.  Only the index read is opened (and locked).
 */
static Relation
open_key_index(Relation rel, const AttrNumber *keys, int nkeys)
{
	Oid			pk = RelationGetPrimaryKeyIndex(rel);
	Oid			found = InvalidOid;

	if (OidIsValid(pk) && index_oid_fits(pk, keys, nkeys, true))
		found = pk;
	else
	{
		List	   *indexes = RelationGetIndexList(rel);
		ListCell   *lc;

		foreach(lc, indexes)
		{
			if (lfirst_oid(lc) != pk && index_oid_fits(lfirst_oid(lc), keys, nkeys, false))
			{
				found = lfirst_oid(lc);
				break;
			}
		}
		list_free(indexes);
	}
	return OidIsValid(found) ? index_open(found, AccessShareLock) : NULL;
}

/*
 * What a lookup found out about a (table, key columns) pair, kept until the
 * relcache entry of the table or the index is invalidated.  The write path
 * names three such pairs; a few more slots cost nothing.  Names are copied
 * (a caller may build its array of column names on the stack).
 */
#define KEY_SCAN_TARGETS 8
#define KEY_SCAN_MAX_KEYS 4

typedef struct KeyScanTarget
{
	bool		used;			/* names filled in */
	bool		valid;			/* the OIDs and type below may be used */
	char		table[NAMEDATALEN];
	char		keys[KEY_SCAN_MAX_KEYS][NAMEDATALEN];
	int			nkeys;
	Oid			relid;
	Oid			indexid;
	Oid			keytype;
} KeyScanTarget;

static KeyScanTarget targets[KEY_SCAN_TARGETS];
static int	next_victim = 0;
static bool callback_registered = false;

/* Forgets every target on table or index relid (every target when relid is invalid). */
static void
key_scan_relcache_callback(Datum arg, Oid relid)
{
	for (int i = 0; i < KEY_SCAN_TARGETS; i++)
		if (!OidIsValid(relid) || targets[i].relid == relid || targets[i].indexid == relid)
			targets[i].valid = false;
}

/*
 * The slot kept for (table, keys), or NULL when they are too many to keep.
 * A slot naming them is returned as it is; otherwise a free or reused slot,
 * with the names filled in and nothing valid yet.
 */
static KeyScanTarget *
target_for(const char *table, const char *const *keys, int nkeys)
{
	KeyScanTarget *t = NULL;

	if (nkeys > KEY_SCAN_MAX_KEYS || strlen(table) >= NAMEDATALEN)
		return NULL;
	for (int k = 0; k < nkeys; k++)
		if (strlen(keys[k]) >= NAMEDATALEN)
			return NULL;
	for (int i = 0; i < KEY_SCAN_TARGETS; i++)
	{
		KeyScanTarget *c = &targets[i];
		bool		same = c->used && c->nkeys == nkeys && strcmp(c->table, table) == 0;

		for (int k = 0; same && k < nkeys; k++)
			same = strcmp(c->keys[k], keys[k]) == 0;
		if (same)
			return c;
		if (!c->used && t == NULL)
			t = c;
	}
	if (t == NULL)
	{
		t = &targets[next_victim];
		next_victim = (next_victim + 1) % KEY_SCAN_TARGETS;
	}
	memset(t, 0, sizeof(*t));
	strlcpy(t->table, table, NAMEDATALEN);
	for (int k = 0; k < nkeys; k++)
		strlcpy(t->keys[k], keys[k], NAMEDATALEN);
	t->nkeys = nkeys;
	t->used = true;
	return t;
}

/*
 * Finds the index of ks->rel (safeguard.<table>, open) on the columns keys
 * and checks that it is what the lookup reads it as; records the answer in t.
 */
static void
find_target(KeyScanTarget *t, SgKeyScan *ks, const char *table,
			const char *const *keys, int nkeys)
{
	AttrNumber	attnums[INDEX_MAX_KEYS];
	TupleDesc	desc = RelationGetDescr(ks->rel);
	Relation	idx;
	Oid			keytype;
	bool		ok;

	for (int i = 0; i < nkeys; i++)
		attnums[i] = sg_attnum(desc, keys[i]);
	keytype = TupleDescAttr(desc, attnums[0] - 1)->atttypid;
	idx = open_key_index(ks->rel, attnums, nkeys);
	if (idx == NULL)
		elog(ERROR, "safeguard: safeguard.%s has no primary key or unique index on (%s%s)",
			 table, keys[0], nkeys > 1 ? ", ..." : "");
	ok = idx->rd_rel->relam == BTREE_AM_OID &&
		(keytype == TEXTOID || keytype == INT8OID);
	for (int i = 0; ok && i < nkeys; i++)
		ok = idx->rd_indoption[i] == 0;
	if (!ok)
		elog(ERROR, "safeguard: the index %s of safeguard.%s is not what safeguard reads it as",
			 RelationGetRelationName(idx), table);
	ks->idx = idx;
	ks->keytype = keytype;
	if (t != NULL)
	{
		t->relid = RelationGetRelid(ks->rel);
		t->indexid = RelationGetRelid(idx);
		t->keytype = keytype;
		t->valid = true;
	}
}

/*
 * Opens safeguard.<table> with lockmode and its index on the columns keys
 * (the primary key, or a unique index), and starts a scan of the rows whose
 * first key column (text or bigint) equals key, with snapshot.
 */
void
sg_key_scan_begin(SgKeyScan *ks, const char *table, LOCKMODE lockmode,
				  const char *const *keys, int nkeys, Snapshot snapshot, Datum key)
{
	KeyScanTarget *t;
	Oid			relid;
	ScanKeyData skey;

	if (nkeys < 1 || nkeys > INDEX_MAX_KEYS)
		elog(ERROR, "safeguard: a key scan of safeguard.%s names %d columns", table, nkeys);
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(key_scan_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	t = target_for(table, keys, nkeys);
	if (t == NULL || !t->valid)
	{
		relid = get_relname_relid(table, get_namespace_oid("safeguard", false));
		if (!OidIsValid(relid))
			elog(ERROR, "safeguard: table safeguard.%s not found", table);
		if (t != NULL)
			t->valid = false;
	}
	else
		relid = t->relid;
	/* the caller's lock; taking it processes invalidations, which may forget t */
	ks->rel = table_open(relid, lockmode);
	ks->idx = NULL;
	if (t != NULL && t->valid && t->relid == RelationGetRelid(ks->rel))
	{
		ks->idx = index_open(t->indexid, AccessShareLock);
		ks->keytype = t->keytype;
		/* forgotten while the index's lock was taken: look it all up again */
		if (!t->valid)
		{
			index_close(ks->idx, AccessShareLock);
			ks->idx = NULL;
		}
	}
	if (ks->idx == NULL)
		find_target(t, ks, table, keys, nkeys);

	ScanKeyEntryInitialize(&skey, 0, 1, BTEqualStrategyNumber, InvalidOid,
						   ks->idx->rd_indcollation[0],
						   ks->keytype == TEXTOID ? F_TEXTEQ : F_INT8EQ, key);
	ks->slot = table_slot_create(ks->rel, NULL);
	ks->scan = index_beginscan(ks->rel, ks->idx, snapshot, 1, 0);
	index_rescan(ks->scan, &skey, 1, NULL, 0);
}

/*
 * Pushes, as the active snapshot, the one an SPI statement of safeguard's
 * own (not read-only) would run with: the command counter stepped, then the
 * transaction snapshot with the new command id.  Returns it; the caller
 * pops it (PopActiveSnapshot) when the lookup is done.
 */
Snapshot
sg_key_scan_push_statement_snapshot(void)
{
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	UpdateActiveSnapshotCommandId();
	return GetActiveSnapshot();
}

/* Fetches the next visible row into ks->slot; false when there is none. */
bool
sg_key_scan_next(SgKeyScan *ks, ScanDirection dir)
{
	return index_getnext_slot(ks->scan, dir, ks->slot);
}

/* Ends the scan and closes the index; the table's lock is kept to the transaction's end. */
void
sg_key_scan_end(SgKeyScan *ks)
{
	index_endscan(ks->scan);
	ExecDropSingleTupleTableSlot(ks->slot);
	index_close(ks->idx, AccessShareLock);
	table_close(ks->rel, NoLock);
}
