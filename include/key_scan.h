/*
 * key_scan.h
 *		One lookup of a safeguard table by the leading column (text or
 *		bigint) of its primary key or a unique index, without SPI, for the
 *		write path's hot lookups.  Implemented in src/key_scan.c.
 */
#ifndef SAFEGUARD_KEY_SCAN_H
#define SAFEGUARD_KEY_SCAN_H

#include "postgres.h"

#include "access/genam.h"
#include "access/sdir.h"
#include "executor/tuptable.h"
#include "utils/rel.h"
#include "utils/snapshot.h"

typedef struct SgKeyScan
{
	Relation	rel;			/* the table, open with the caller's lock mode */
	Relation	idx;			/* the index read: its primary key or a unique index */
	IndexScanDesc scan;
	TupleTableSlot *slot;		/* the row found (heap tuple, not the index's copy) */
	Oid			keytype;		/* of the first key column: text or bigint */
} SgKeyScan;

extern void sg_key_scan_begin(SgKeyScan *ks, const char *table, LOCKMODE lockmode,
							  const char *const *keys, int nkeys, Snapshot snapshot,
							  Datum key);
extern Snapshot sg_key_scan_push_statement_snapshot(void);
extern bool sg_key_scan_next(SgKeyScan *ks, ScanDirection dir);
extern void sg_key_scan_end(SgKeyScan *ks);

#endif							/* SAFEGUARD_KEY_SCAN_H */
