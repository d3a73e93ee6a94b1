/*
 * identity.c
 *		Ids that no role can break by moving a sequence, and that answer
 *		nothing about rows a role cannot see.
 *
 * Owns the trigger function assign_identity(id_column): BEFORE INSERT FOR
 * EACH ROW on every safeguard table with an identity column, as trigger
 * _identity, the first of the table's row triggers to fire (triggers fire
 * in name order), so every later trigger sees the final id.
 *
 * Why: pg_write_all_data (and a table's owner) may setval() any sequence.
 * Rewound, an identity sequence hands out ids that rows already have, and
 * every later insert into the table failed with a unique violation (1.3:
 * refer_to_la stopped for good after setval('referral_id_seq', 1)).  And an
 * id a client supplies with OVERRIDING SYSTEM VALUE (or a column list in
 * COPY) that collides with a row it cannot see answered 23505, telling it
 * that the row exists.
 *
 * Invariants:
 *	- A row's id is the value the identity sequence drew for this very row,
 *	  or a value drawn here: an id a client supplied is never kept.  Ids
 *	  safeguard's own writes insert are always drawn by the column default
 *	  (its statements never name the id column); a client's insert is asked
 *	  whether the id equals the value the session drew last from the
 *	  sequence (currval, read as the sequence's owner in a subtransaction,
 *	  since it fails before a session's first draw).
 *	- An id is used only when no index entry of the table holds that id or
 *	  a larger one: one probe of the id index, from its right end, that
 *	  reads index entries without a snapshot (committed, in progress or
 *	  dead alike: stricter than the latest committed state), as no role but
 *	  the code itself.  So ids stay unique and increasing.  In the normal
 *	  case the probe finds nothing and reads no heap page.
 *	- When the probe finds one (the sequence was rewound, or a concurrent
 *	  insert drew a larger id and got into the index first), the id is
 *	  drawn again under a lock on the sequence that only this code takes,
 *	  held for the repair only: a fresh value, and, when that one is in use
 *	  too, the sequence is set past the largest id in the index (as its
 *	  owner) before drawing once more.  The sequence only ever moves forward
 *	  here.
 *	- While a dump is restored (safeguard.restoring()) the trigger stands
 *	  aside like every row trigger: rows keep their dumped ids.
 *	- The audit row, which safeguard inserts without the executor (so no
 *	  trigger fires: audit_insert.c), takes its id from sg_identity_draw(),
 *	  by the same rule.
 *	- One window is left: a value drawn before a rewind and not yet in the
 *	  index (its insert still running its triggers) is not seen by a repair
 *	  running at that moment, which may hand it out again.  The second of
 *	  the two inserts then fails on the table's unique index (23505, to be
 *	  retried); audit_event, whose id index is not unique, may then hold the
 *	  id twice.  It needs a rewind during an insert in flight.
 */
#include "postgres.h"

#include "identity.h"
#include "safeguard.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "commands/sequence.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(sg_assign_identity);

/* objsubid of the repair lock: a LOCKTAG_OBJECT on (pg_class, sequence) nothing else takes. */
#define IDENTITY_REPAIR_LOCK 0x5347

/* Most times a repair draws again before giving up (each time past the largest id). */
#define IDENTITY_REPAIR_TRIES 100

/* What the trigger needs of a table, looked up once (invalidated with the relcache). */
typedef struct IdentityTarget
{
	Oid			relid;			/* hash key */
	AttrNumber	attnum;			/* the identity column */
	Oid			seqid;			/* its sequence */
	Oid			seqowner;		/* the sequence's owner */
	Oid			indexid;		/* a valid btree index whose first column is it */
} IdentityTarget;

static HTAB *targets = NULL;

/* Forgets a table's target when its relcache entry (or every one) is invalidated. */
static void
identity_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	IdentityTarget *t;

	if (targets == NULL)
		return;
	if (OidIsValid(relid))
	{
		(void) hash_search(targets, &relid, HASH_REMOVE, NULL);
		return;
	}
	hash_seq_init(&status, targets);
	while ((t = hash_seq_search(&status)) != NULL)
		(void) hash_search(targets, &t->relid, HASH_REMOVE, NULL);
}

/* Returns the first valid, non-partial btree index of rel on attnum alone or first. */
static Oid
id_index(Relation rel, AttrNumber attnum)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	Oid			found = InvalidOid;

	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index form = idx->rd_index;

		if (idx->rd_rel->relam == BTREE_AM_OID && form->indisvalid && form->indnkeyatts >= 1 &&
			form->indkey.values[0] == attnum && RelationGetIndexPredicate(idx) == NIL &&
			TupleDescAttr(RelationGetDescr(idx), 0)->atttypid == INT8OID)
			found = RelationGetRelid(idx);
		index_close(idx, AccessShareLock);
		if (OidIsValid(found))
			break;
	}
	list_free(indexes);
	return found;
}

/* Returns the trigger's target for rel and its identity column (looked up once). */
static IdentityTarget *
identity_target(Relation rel, const char *column)
{
	Oid			relid = RelationGetRelid(rel);
	IdentityTarget *t;
	bool		found;
	AttrNumber	attnum;
	Oid			seqid;
	Oid			indexid;
	HeapTuple	seqtup;

	if (targets == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(IdentityTarget);
		ctl.hcxt = TopMemoryContext;
		targets = hash_create("safeguard identity targets", 32, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		CacheRegisterRelcacheCallback(identity_relcache_callback, (Datum) 0);
	}
	t = hash_search(targets, &relid, HASH_FIND, NULL);
	if (t != NULL)
		return t;

	attnum = sg_attnum(RelationGetDescr(rel), column);
	if (TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attidentity == '\0' ||
		TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("assign_identity: column \"%s\" of %s is not a bigint identity column",
						column, RelationGetRelationName(rel))));
	seqid = getIdentitySequence(relid, attnum, false);
	indexid = id_index(rel, attnum);
	if (!OidIsValid(indexid))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("assign_identity: %s has no btree index on \"%s\"",
						RelationGetRelationName(rel), column)));
	seqtup = SearchSysCache1(RELOID, ObjectIdGetDatum(seqid));
	if (!HeapTupleIsValid(seqtup))
		elog(ERROR, "cache lookup failed for sequence %u", seqid);

	t = hash_search(targets, &relid, HASH_ENTER, &found);
	t->attnum = attnum;
	t->seqid = seqid;
	t->seqowner = ((Form_pg_class) GETSTRUCT(seqtup))->relowner;
	t->indexid = indexid;
	ReleaseSysCache(seqtup);
	return t;
}

/*
 * Returns true when the id index holds an entry >= id (committed or not,
 * visible or not), setting *max to the largest.  One descent to the
 * index's right end; no heap access.
 */
static bool
id_taken(Relation rel, const IdentityTarget *t, int64 id, int64 *max)
{
	Relation	idx = index_open(t->indexid, AccessShareLock);
	IndexScanDesc scan;
	ScanKeyData key;
	bool		taken;

	ScanKeyInit(&key, 1, BTGreaterEqualStrategyNumber, F_INT8GE, Int64GetDatum(id));
	scan = index_beginscan(rel, idx, SnapshotAny, 1, 0);
	scan->xs_want_itup = true;
	index_rescan(scan, &key, 1, NULL, 0);
	taken = index_getnext_tid(scan, BackwardScanDirection) != NULL;
	if (taken)
	{
		bool		isnull;
		Datum		v = index_getattr(scan->xs_itup, 1, scan->xs_itupdesc, &isnull);

		*max = isnull ? id : DatumGetInt64(v);
	}
	index_endscan(scan);
	index_close(idx, AccessShareLock);
	return taken;
}

/* Sets the sequence so that its next value follows last, as its owner. */
static void
move_sequence_past(const IdentityTarget *t, int64 last)
{
	Oid			saved_user;
	int			saved_context;

	GetUserIdAndSecContext(&saved_user, &saved_context);
	SetUserIdAndSecContext(t->seqowner, saved_context | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		(void) DirectFunctionCall2(setval_oid, ObjectIdGetDatum(t->seqid), Int64GetDatum(last));
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(saved_user, saved_context);
	}
	PG_END_TRY();
}

/*
 * Draws an id no index entry holds or exceeds, under the repair lock (held
 * only for this): a fresh value, else the sequence is moved past the
 * largest id in the index first.
 */
static int64
draw_free_id(Relation rel, const IdentityTarget *t)
{
	int64		id;
	int64		max;
	int			tries = 0;

	LockDatabaseObject(RelationRelationId, t->seqid, IDENTITY_REPAIR_LOCK, ExclusiveLock);
	id = nextval_internal(t->seqid, false);
	while (id_taken(rel, t, id, &max))
	{
		if (++tries > IDENTITY_REPAIR_TRIES)
			elog(ERROR, "safeguard: could not draw a free id for %s", RelationGetRelationName(rel));
		move_sequence_past(t, max);
		id = nextval_internal(t->seqid, false);
	}
	UnlockDatabaseObject(RelationRelationId, t->seqid, IDENTITY_REPAIR_LOCK, ExclusiveLock);
	return id;
}

/*
 * Returns true when id is the value this session drew last from the
 * sequence (the column default drew it for this row); false when the
 * session never drew from it (the id was supplied).  currval() needs a
 * privilege on the sequence (read as its owner) and fails before the
 * session's first draw, hence the subtransaction.
 */
static bool
drawn_for_this_row(const IdentityTarget *t, int64 id)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	bool		drawn = false;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		Oid			saved_user;
		int			saved_context;

		/* an error restores the user with the subtransaction */
		GetUserIdAndSecContext(&saved_user, &saved_context);
		SetUserIdAndSecContext(t->seqowner, saved_context | SECURITY_LOCAL_USERID_CHANGE);
		drawn = DatumGetInt64(DirectFunctionCall1(currval_oid, ObjectIdGetDatum(t->seqid))) == id;
		SetUserIdAndSecContext(saved_user, saved_context);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		/* only "currval is not yet defined in this session" means "supplied" */
		if (edata->sqlerrcode != ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE)
			ReThrowError(edata);
		FreeErrorData(edata);
		drawn = false;
	}
	PG_END_TRY();
	return drawn;
}

/*
 * Returns the id of a row safeguard inserts into rel itself without the
 * executor (the audit row: audit_insert.c), drawn as the trigger draws the
 * id the column default would have drawn: the identity sequence's next
 * value, or, when an index entry holds it or a larger one, a free one.
 */
int64
sg_identity_draw(Relation rel, const char *column)
{
	/* a copy: taking a lock below may process invalidations that drop the entry */
	IdentityTarget target = *identity_target(rel, column);
	int64		id = nextval_internal(target.seqid, false);
	int64		max;

	if (id_taken(rel, &target, id, &max))
		id = draw_free_id(rel, &target);
	return id;
}

/*
 * Trigger: assign_identity(id_column), BEFORE INSERT FOR EACH ROW.  Returns
 * the row with an id drawn for it that no row holds or exceeds.
 */
Datum
sg_assign_identity(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "assign_identity", true, true);
	Relation	rel = td->tg_relation;
	HeapTuple	tup = td->tg_trigtuple;
	IdentityTarget target;
	const IdentityTarget *t = &target;
	bool		isnull;
	Datum		v;
	int64		id;
	int64		max;
	bool		fresh = false;

	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("assign_identity: must be fired for INSERT")));
	if (td->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("assign_identity: expects (id_column)")));
	/* a copy: taking a lock below may process invalidations that drop the entry */
	target = *identity_target(rel, td->tg_trigger->tgargs[0]);
	v = heap_getattr(tup, t->attnum, RelationGetDescr(rel), &isnull);
	id = isnull ? 0 : DatumGetInt64(v);

	/* safeguard's own statements never supply an id; a client's may */
	if (isnull || (!sg_internal_writing() && !drawn_for_this_row(t, id)))
	{
		id = nextval_internal(t->seqid, false);
		fresh = true;
	}
	if (id_taken(rel, t, id, &max))
		id = draw_free_id(rel, t);
	else if (!fresh)
		return PointerGetDatum(tup);	/* the usual case: the drawn id is free */
	{
		Datum		value = Int64GetDatum(id);
		bool		null = false;
		int			col = t->attnum;

		return PointerGetDatum(heap_modify_tuple_by_cols(tup, RelationGetDescr(rel), 1, &col,
														 &value, &null));
	}
}
