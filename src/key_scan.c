/*
 * key_scan.c
 *		One lookup of a safeguard table by the leading text column of its
 *		primary key, without SPI: what "SELECT ... FROM safeguard.<table>
 *		WHERE <key> = $1 [ORDER BY <next key column> DESC]" does through the
 *		primary key's index, without parsing, planning or an executor.  For
 *		the audit chain's hot path: the chain head (audit_chain.c) and the
 *		chain lock (session_guard.c).
 *
 * Invariants:
 *	- The primary key must be a btree on exactly the columns the caller
 *	  names, in order, ascending with NULLS LAST, or the lookup raises a
 *	  can't-happen error naming the table: a schema that does not match
 *	  fails clearly instead of reading the wrong rows.
 *	- The key is compared with the index's own collation, as the planner's
 *	  index scan would (a descent under another collation could miss rows).
 *	- Rows are read with the caller's snapshot from the heap, never from
 *	  the index, and no privilege or row-level security is checked: these
 *	  are safeguard's own reads, as its owner (BYPASSRLS) would make them.
 */
#include "postgres.h"

#include "key_scan.h"
#include "safeguard.h"
#include "trigger_util.h"

#include "access/genam.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/relcache.h"

/*
 * Opens safeguard.<table> with lockmode and its primary key, and starts a
 * scan of the rows whose first key column (text) equals key, with snapshot.
 */
void
sg_key_scan_begin(SgKeyScan *ks, const char *table, LOCKMODE lockmode,
				  const char *const *pkey, int npkey, Snapshot snapshot, Datum key)
{
	Oid			relid = get_relname_relid(table, get_namespace_oid("safeguard", false));
	Oid			pk;
	TupleDesc	desc;
	ScanKeyData skey;
	bool		ok;

	if (!OidIsValid(relid))
		elog(ERROR, "safeguard: table safeguard.%s not found", table);
	ks->rel = table_open(relid, lockmode);
	desc = RelationGetDescr(ks->rel);
	pk = RelationGetPrimaryKeyIndex(ks->rel);
	if (!OidIsValid(pk))
		elog(ERROR, "safeguard: safeguard.%s has no primary key", table);
	ks->idx = index_open(pk, AccessShareLock);
	ok = ks->idx->rd_rel->relam == BTREE_AM_OID &&
		IndexRelationGetNumberOfKeyAttributes(ks->idx) == npkey &&
		TupleDescAttr(desc, ks->idx->rd_index->indkey.values[0] - 1)->atttypid == TEXTOID;
	for (int i = 0; ok && i < npkey; i++)
		ok = ks->idx->rd_index->indkey.values[i] == sg_attnum(desc, pkey[i]) &&
			ks->idx->rd_indoption[i] == 0;
	if (!ok)
		elog(ERROR, "safeguard: the primary key of safeguard.%s is not what safeguard reads it as", table);

	ScanKeyEntryInitialize(&skey, 0, 1, BTEqualStrategyNumber, InvalidOid,
						   ks->idx->rd_indcollation[0], F_TEXTEQ, key);
	ks->slot = table_slot_create(ks->rel, NULL);
	ks->scan = index_beginscan(ks->rel, ks->idx, snapshot, 1, 0);
	index_rescan(ks->scan, &skey, 1, NULL, 0);
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
