/*
 * session_guard.c
 *		What a session may do to safeguard's objects beyond the rules of the
 *		workflow: explicit locks, row locks, EXPLAIN, two-phase commit, how
 *		long it waits on another session's locks, and acting through a
 *		connection pooler's login.
 *
 * Owns the ProcessUtility, ExecutorStart and ExecutorRun hooks, the
 * transaction callback that refuses PREPARE TRANSACTION, the bounded row
 * locks (sg_serial_lock_bounded, sg_lock_row_bounded), the setting
 * safeguard.lock_wait_timeout, safeguard.preloaded(), and the pool logins
 * (declare_pool_login, undeclare_pool_login, the pool_login table).
 *
 * Invariants:
 *	- Only the owner (a superuser, or the table-owning role safeguard_owner,
 *	  as which safeguard runs its own statements) takes explicit locks on
 *	  safeguard's relations (LOCK TABLE, also through a view elsewhere) or row
 *	  locks on their rows (FOR UPDATE/NO KEY UPDATE/SHARE/KEY SHARE);
 *	  safeguard.outbox excepted, whose consumers claim rows with FOR UPDATE
 *	  SKIP LOCKED.  LOCK ... IN ACCESS SHARE MODE stays open: it is what any
 *	  SELECT holds, and pg_dump takes it.
 *	- Every wait on a lock held by another transaction that safeguard takes
 *	  for itself, and every wait of a client's write to safeguard's tables,
 *	  ends after safeguard.lock_wait_timeout with SG801 naming the holder.
 *	- A transaction that locked or wrote safeguard's rows is never prepared
 *	  (SG802): a prepared transaction keeps its locks across restarts.
 *	- EXPLAIN of a statement that reads a safeguard relation under row-level
 *	  security for the current user is refused unless the session user is a
 *	  superuser: plans, row counts and timings describe rows it cannot see.
 *	- A session logged in as a declared pool login acts (every duty check,
 *	  every row-level security predicate: sg_current_actor) only through a
 *	  role set for the current transaction (SET LOCAL ROLE), so a role set
 *	  by one client never carries over to the next client of the pool.
 *	- These hooks exist only once the library is loaded: deployments preload
 *	  it (session_preload_libraries or shared_preload_libraries);
 *	  safeguard.preloaded() says whether this session did.
 */
#include "postgres.h"

#include "key_scan.h"
#include "safeguard.h"
#include "spi_util.h"
#include "session_guard.h"
#include "sg_errcodes.h"

#include <limits.h>

#include "access/htup_details.h"
#include "access/multixact.h"
#include "access/subtrans.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteHandler.h"
#include "storage/bufmgr.h"
#include "storage/itemptr.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(sg_preloaded);
PG_FUNCTION_INFO_V1(sg_declare_pool_login);
PG_FUNCTION_INFO_V1(sg_undeclare_pool_login);
PG_FUNCTION_INFO_V1(sg_pool_login_changed);

/* safeguard.lock_wait_timeout (ms): see sg_session_guard_init for the default. */
int			sg_lock_wait_timeout = 10000;

/* True when the library was loaded before the session's first statement. */
static bool loaded_at_start = false;

/* Hooks we chain to. */
static ProcessUtility_hook_type prev_process_utility = NULL;
static ExecutorStart_hook_type prev_executor_start = NULL;
static ExecutorRun_hook_type prev_executor_run = NULL;

/* How many EXPLAIN statements are being run (nested through functions). */
static int	explain_depth = 0;

/* This transaction locked or wrote rows of safeguard's tables. */
static bool xact_holds_locks = false;

/* Most holders named in one message. */
#define MAX_HOLDERS 4

/* Returns the OID of schema safeguard, or InvalidOid before the extension exists. */
static Oid
safeguard_namespace(void)
{
	return get_namespace_oid("safeguard", true);
}

/* Returns a role's name for messages. */
static const char *
role_name(Oid roleid)
{
	const char *name = GetUserNameFromId(roleid, true);

	return name ? name : "(dropped role)";
}

/* Returns a relation's owner (InvalidOid when it is gone). */
static Oid
rel_owner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * Returns true when role acts as safeguard's owner: a superuser, the owner
 * of the relation, or safeguard_owner itself (not its members).
 */
static bool
is_owner(Oid role, Oid relowner)
{
	if (superuser_arg(role) || role == relowner)
		return true;
	return role == get_role_oid("safeguard_owner", true);
}

/*--------------------------------------------------------------------------
 * Who holds a row: the tuple's xmax, the transaction, its backend, its role
 *--------------------------------------------------------------------------
 */

/*
 * Collects the transactions, other than this one, that hold the tuple at
 * tid of relid locked or updated (a multixact's live members one by one);
 * returns how many (at most max).
 */
static int
row_holders(Oid relid, ItemPointer tid, TransactionId *xids, int max)
{
	Relation	rel;
	Buffer		buf;
	Page		page;
	OffsetNumber off = ItemPointerGetOffsetNumber(tid);
	TransactionId xmax = InvalidTransactionId;
	uint16		infomask = HEAP_XMAX_INVALID;
	int			n = 0;

	rel = table_open(relid, AccessShareLock);
	if (ItemPointerGetBlockNumber(tid) >= RelationGetNumberOfBlocks(rel))
	{
		table_close(rel, AccessShareLock);
		return 0;
	}
	buf = ReadBuffer(rel, ItemPointerGetBlockNumber(tid));
	LockBuffer(buf, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buf);
	if (off >= FirstOffsetNumber && off <= PageGetMaxOffsetNumber(page))
	{
		ItemId		lp = PageGetItemId(page, off);

		if (ItemIdIsNormal(lp))
		{
			HeapTupleHeader h = (HeapTupleHeader) PageGetItem(page, lp);

			xmax = HeapTupleHeaderGetRawXmax(h);
			infomask = h->t_infomask;
		}
	}
	UnlockReleaseBuffer(buf);
	table_close(rel, AccessShareLock);

	if (infomask & HEAP_XMAX_INVALID)
		return 0;
	if (infomask & HEAP_XMAX_IS_MULTI)
	{
		MultiXactMember *members;
		int			nmembers = GetMultiXactIdMembers(xmax, &members, false,
													 HEAP_XMAX_IS_LOCKED_ONLY(infomask));

		for (int i = 0; i < nmembers && n < max; i++)
			if (!TransactionIdIsCurrentTransactionId(members[i].xid) &&
				TransactionIdIsInProgress(members[i].xid))
				xids[n++] = members[i].xid;
		if (nmembers > 0)
			pfree(members);
	}
	else if (TransactionIdIsValid(xmax) && !TransactionIdIsCurrentTransactionId(xmax) &&
			 TransactionIdIsInProgress(xmax))
		xids[n++] = xmax;
	return n;
}

/* Appends "process 123 (role \"x\")" for a backend, or a prepared transaction. */
static void
append_backend(StringInfo buf, int pid, TransactionId xid)
{
	PGPROC	   *proc = pid != 0 ? BackendPidGetProc(pid) : NULL;

	if (buf->len > 0)
		appendStringInfoString(buf, ", ");
	if (pid == 0 && TransactionIdIsValid(xid))
		appendStringInfo(buf, "prepared transaction %u", xid);
	else if (pid == 0)
		appendStringInfoString(buf, "a prepared transaction");
	else if (proc == NULL || !OidIsValid(proc->roleId))
		appendStringInfo(buf, "process %d", pid);
	else
		appendStringInfo(buf, "process %d (role \"%s\")", pid, role_name(proc->roleId));
}

/* Describes the holders of a set of transactions: their backends and login roles. */
static void
describe_xids(StringInfo buf, const TransactionId *xids, int n)
{
	for (int i = 0; i < n; i++)
	{
		TransactionId top = SubTransGetTopmostTransaction(xids[i]);

		append_backend(buf, BackendXidGetPid(top), top);
	}
}

/*
 * Describes who holds rows of the relations of a client statement that
 * timed out waiting (rels), for its SG801.  Exact when this backend still
 * holds the heavyweight lock of the tuple it queued for (the tuple's xmax
 * names the holder); else the sessions whose table locks on those relations
 * allow row locks or writes.  Uses shared memory, the buffer and the
 * relation cache only: it runs after a lock timeout, before the abort.
 */
static void
describe_statement_holders(StringInfo buf, List *rels)
{
	LockData   *locks = GetLockStatusData();
	int			pids[MAX_HOLDERS];
	int			npids = 0;

	for (int i = 0; i < locks->nelements; i++)
	{
		LockInstanceData *l = &locks->locks[i];
		TransactionId xids[MAX_HOLDERS];
		ItemPointerData tid;
		int			n;

		if (l->pid != MyProcPid || l->locktag.locktag_type != LOCKTAG_TUPLE ||
			l->locktag.locktag_field1 != MyDatabaseId || l->holdMask == 0 ||
			!list_member_oid(rels, l->locktag.locktag_field2))
			continue;
		ItemPointerSet(&tid, l->locktag.locktag_field3, l->locktag.locktag_field4);
		n = row_holders(l->locktag.locktag_field2, &tid, xids, MAX_HOLDERS);
		if (n > 0)
		{
			describe_xids(buf, xids, n);
			return;
		}
	}
	for (int i = 0; i < locks->nelements && npids < MAX_HOLDERS; i++)
	{
		LockInstanceData *l = &locks->locks[i];
		LOCKMASK	rowlocking = LOCKBIT_ON(RowShareLock) | LOCKBIT_ON(RowExclusiveLock) |
			LOCKBIT_ON(ShareRowExclusiveLock) | LOCKBIT_ON(ExclusiveLock) |
			LOCKBIT_ON(AccessExclusiveLock);
		bool		seen = false;

		if (l->pid == MyProcPid || l->locktag.locktag_type != LOCKTAG_RELATION ||
			l->locktag.locktag_field1 != MyDatabaseId || (l->holdMask & rowlocking) == 0 ||
			!list_member_oid(rels, l->locktag.locktag_field2))
			continue;
		for (int j = 0; j < npids; j++)
			seen |= pids[j] == l->pid;
		if (seen)
			continue;
		pids[npids++] = l->pid;
		append_backend(buf, l->pid, InvalidTransactionId);
	}
}

/*--------------------------------------------------------------------------
 * Bounded row locks taken by safeguard itself
 *--------------------------------------------------------------------------
 */

/* The kept plans that lock one row of a safeguard table by its key. */
typedef struct LockPlans
{
	char		name[2 * NAMEDATALEN];	/* hash key: "table.keycol" */
	char		table[NAMEDATALEN];	/* the table's name (schema safeguard) */
	SPIPlanPtr	skip;			/* FOR UPDATE SKIP LOCKED: the wait-free try */
	SPIPlanPtr	wait;			/* FOR UPDATE: waits (bounded by the caller) */
	SPIPlanPtr	ctid;			/* the row's ctid, to find its holder */
	SPIPlanPtr	create;			/* serial_lock only: creates the key's row */
} LockPlans;

/* Prepares and keeps one statement. */
static SPIPlanPtr
keep(const char *sql, Oid keytype)
{
	SPIPlanPtr	plan = SPI_prepare(sql, 1, &keytype);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result), sql);
	SPI_keepplan(plan);
	return plan;
}

/* Returns the kept plans locking rows of safeguard.<table> by keycol (of keytype). */
static LockPlans *
lock_plans(const char *table, const char *keycol, Oid keytype)
{
	static HTAB *plans = NULL;
	LockPlans  *p;
	bool		found;
	char		key[2 * NAMEDATALEN] = {0};
	const char *qt;

	if (plans == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = 2 * NAMEDATALEN;
		ctl.entrysize = sizeof(LockPlans);
		ctl.hcxt = TopMemoryContext;
		plans = hash_create("safeguard bounded lock plans", 16, &ctl,
							HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	snprintf(key, sizeof(key), "%s.%s", table, keycol);
	p = hash_search(plans, key, HASH_ENTER, &found);
	if (found && p->ctid != NULL)
		return p;
	strlcpy(p->table, table, NAMEDATALEN);
	p->skip = p->wait = p->ctid = p->create = NULL;
	qt = quote_qualified_identifier("safeguard", table);
	p->skip = keep(psprintf("SELECT 1 FROM %s WHERE %s OPERATOR(pg_catalog.=) $1 "
							"FOR UPDATE SKIP LOCKED", qt, quote_identifier(keycol)), keytype);
	p->wait = keep(psprintf("SELECT 1 FROM %s WHERE %s OPERATOR(pg_catalog.=) $1 FOR UPDATE",
							qt, quote_identifier(keycol)), keytype);
	if (strcmp(table, "serial_lock") == 0)
		p->create = keep("INSERT INTO safeguard.serial_lock (key) VALUES ($1) ON CONFLICT DO NOTHING",
						 keytype);
	p->ctid = keep(psprintf("SELECT ctid FROM %s WHERE %s OPERATOR(pg_catalog.=) $1",
							qt, quote_identifier(keycol)), keytype);
	return p;
}

/* Runs a kept plan as the extension owner inside the caller's SPI connection. */
static uint64
run_as_owner(SPIPlanPtr plan, Datum key)
{
	SgInternalWrite iw;
	int			rc;

	sg_internal_begin(&iw);
	PG_TRY();
	{
		rc = SPI_execute_plan(plan, &key, NULL, false, 0);
		if (rc < 0)
			elog(ERROR, "safeguard: bounded lock statement failed (%s)",
				 SPI_result_code_string(rc));
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
	return SPI_processed;
}

/* Returns the bound on a wait now: the smaller of ours and the session's lock_timeout. */
static int
wait_bound(void)
{
	if (sg_lock_wait_timeout <= 0)
		return LockTimeout;
	if (LockTimeout > 0 && LockTimeout < sg_lock_wait_timeout)
		return LockTimeout;
	return sg_lock_wait_timeout;
}

/* Sets lock_timeout at the current GUC nest level (restored when it ends). */
static void
set_lock_timeout(int ms)
{
	char		value[32];

	snprintf(value, sizeof(value), "%d", ms);
	(void) set_config_option("lock_timeout", value, PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/*
 * Raises SG801 for a wait on the row of safeguard.<table> with this key
 * that lasted bound ms, naming the transactions that hold it.
 */
static void
raise_wait_timeout(LockPlans *p, Datum key, const char *what, const char *keytext, int bound)
{
	StringInfoData holders;
	TransactionId xids[MAX_HOLDERS];
	int			n = 0;

	initStringInfo(&holders);
	if (run_as_owner(p->ctid, key) == 1)
	{
		bool		isnull;
		ItemPointer tid = (ItemPointer) DatumGetPointer(SPI_getbinval(SPI_tuptable->vals[0],
																	  SPI_tuptable->tupdesc, 1, &isnull));
		ItemPointerData copy = *tid;
		Oid			relid = get_relname_relid(p->table, safeguard_namespace());

		n = row_holders(relid, &copy, xids, MAX_HOLDERS);
	}
	describe_xids(&holders, xids, n);
	ereport(ERROR,
			(errcode(ERRCODE_SG_LOCK_WAIT_TIMEOUT),
			 errmsg("waited too long for a %s that another transaction holds", what),
			 errdetail("safeguard waits at most %d ms (safeguard.lock_wait_timeout, or the session's shorter lock_timeout) for %s %s; it is held by %s.",
					   bound, what, keytext, n > 0 ? holders.data : "a transaction that has since ended"),
			 n > 0 ?
			 errhint("Retry once %s ends its transaction; if it stays idle in transaction, an administrator can end it with pg_terminate_backend().",
					 holders.data) :
			 errhint("Retry the transaction.")));
}

/*
 * Runs a locking plan as the owner with its waits bounded: inside a
 * subtransaction whose lock_timeout is the bound, so that a timeout can be
 * told from other errors and the holder looked up afterwards (SG801).  The
 * row lock the subtransaction takes belongs to this transaction once it is
 * released.  Returns SPI_processed.
 */
static uint64
run_bounded(LockPlans *p, SPIPlanPtr plan, Datum key, const char *what, const char *keytext)
{
	int			bound = wait_bound();
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;
	volatile uint64 n = 0;

	if (bound <= 0)
		return run_as_owner(plan, key);

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		int			nest = NewGUCNestLevel();

		set_lock_timeout(bound);
		n = run_as_owner(plan, key);
		AtEOXact_GUC(true, nest);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_END_TRY();

	if (edata == NULL)
		return n;
	if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
		ReThrowError(edata);
	raise_wait_timeout(p, key, what, keytext, bound);
	pg_unreachable();
}

/* What the wait-free try on a chain lock found. */
typedef enum SerialTry
{
	SERIAL_LOCKED,				/* the row is locked by this transaction */
	SERIAL_NOT_LOCKED,			/* no row yet, or another transaction holds it */
	SERIAL_ASK_SQL				/* anything else: let the SKIP LOCKED statement decide */
} SerialTry;

/*
 * Tries the chain lock on key as the skip plan would (SELECT 1 FROM
 * safeguard.serial_lock WHERE key = $1 FOR UPDATE SKIP LOCKED), without the
 * SPI statement: the same command counter step and statement snapshot as
 * SPI takes, one lookup of serial_lock's primary key, and a row lock that
 * skips a row another transaction holds, with the executor's lock flags.
 * A row that was updated, deleted or is otherwise not plainly lockable
 * (serial_lock's rows never change: internal_only) is left to the SQL
 * statement, so every outcome but the two common ones is the executor's own.
 */
pg_noinline static SerialTry
serial_try_direct(Datum key)
{
	static const char *const pkey[1] = {"key"};
	SgKeyScan	ks;
	SerialTry	result = SERIAL_NOT_LOCKED;

	sg_key_scan_begin(&ks, "serial_lock", RowShareLock, pkey, 1,
					  sg_key_scan_push_statement_snapshot(), key);
	if (sg_key_scan_next(&ks, ForwardScanDirection))
	{
		ItemPointerData tid = ks.slot->tts_tid;
		TM_FailureData tmfd;
		int			flags = TUPLE_LOCK_FLAG_LOCK_UPDATE_IN_PROGRESS;

		if (!IsolationUsesXactSnapshot())
			flags |= TUPLE_LOCK_FLAG_FIND_LAST_VERSION;
		ExecClearTuple(ks.slot);
		switch (table_tuple_lock(ks.rel, &tid, GetActiveSnapshot(), ks.slot,
								 GetCurrentCommandId(true), LockTupleExclusive,
								 LockWaitSkip, flags, &tmfd))
		{
			case TM_Ok:
				result = SERIAL_LOCKED;
				break;
			case TM_WouldBlock:
				result = SERIAL_NOT_LOCKED;
				break;
			default:
				result = SERIAL_ASK_SQL;
				break;
		}
	}
	sg_key_scan_end(&ks);
	PopActiveSnapshot();
	return result;
}

/*
 * The wait-free try on the chain lock on key: the direct try, or the skip
 * plan where that leaves it to SQL.  Returns true when this transaction
 * holds the lock.
 */
static bool
serial_try(LockPlans *p, Datum key)
{
	SerialTry	t = serial_try_direct(key);

	if (t == SERIAL_ASK_SQL)
		return run_as_owner(p->skip, key) == 1;
	return t == SERIAL_LOCKED;
}

/* Takes the audit chain / case-linking lock on key, waiting boundedly (SG801). */
void
sg_serial_lock_bounded(const char *key)
{
	LockPlans  *p = lock_plans("serial_lock", "key", TEXTOID);
	Datum		k = CStringGetTextDatum(key);
	const char *what = "chain lock";
	const char *keytext = quote_literal_cstr(key);

	if (serial_try(p, k) || run_bounded(p, p->wait, k, what, keytext) == 1)
	{
		xact_holds_locks = true;
		return;
	}
	/* first use of the key: create its row (a concurrent creator is waited for) */
	run_bounded(p, p->create, k, what, keytext);
	if (run_bounded(p, p->wait, k, what, keytext) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access to \"%s\" created by a concurrent transaction", key),
				 errhint("Retry the transaction.")));
	xact_holds_locks = true;
}

/*
 * Takes the chain lock on key if nobody else holds it, without waiting;
 * returns false when another transaction holds it.  For work that can be
 * done later instead (the sweep skips a rung whose case another transaction
 * holds, and fires it at a later sweep), so one held chain never stops the
 * others.  Inside an SPI connection.
 */
bool
sg_serial_try_lock(const char *key)
{
	LockPlans  *p = lock_plans("serial_lock", "key", TEXTOID);
	Datum		k = CStringGetTextDatum(key);

	if (serial_try(p, k))
	{
		xact_holds_locks = true;
		return true;
	}
	if (run_as_owner(p->ctid, k) == 1)
		return false;			/* the row exists: another transaction holds it */
	/* first use of the key: create its row (nobody can hold it yet) */
	run_bounded(p, p->create, k, "chain lock", quote_literal_cstr(key));
	if (run_as_owner(p->skip, k) == 1)
	{
		xact_holds_locks = true;
		return true;
	}
	return false;
}

/*
 * Locks (FOR UPDATE) the row of safeguard.<table> whose id is id, as the
 * owner, inside the caller's SPI connection, waiting at most
 * safeguard.lock_wait_timeout for another transaction that holds it; then
 * raises SG801 naming what (e.g. "referral") and the holder's role and pid.
 * Returns false when no such row exists.
 */
bool
sg_lock_row_bounded(const char *table, int64 id, const char *what)
{
	LockPlans  *p = lock_plans(table, "id", INT8OID);
	Datum		k = Int64GetDatum(id);

	if (run_as_owner(p->skip, k) == 1 ||
		run_bounded(p, p->wait, k, what, psprintf(INT64_FORMAT, id)) == 1)
	{
		xact_holds_locks = true;
		return true;
	}
	return false;
}

/* Locks the row of safeguard.<table> whose text column keycol is key, waiting boundedly (SG801). */
bool
sg_lock_text_key_bounded(const char *table, const char *keycol, const char *key, const char *what)
{
	LockPlans  *p = lock_plans(table, keycol, TEXTOID);
	Datum		k = CStringGetTextDatum(key);

	if (run_as_owner(p->skip, k) == 1 ||
		run_bounded(p, p->wait, k, what, quote_literal_cstr(key)) == 1)
	{
		xact_holds_locks = true;
		return true;
	}
	return false;
}

/*
 * Locks, as sg_lock_row_bounded, every row of safeguard.<table> whose id the
 * query ids_sql (a string constant, run as the owner) returns; returns how
 * many rows it locked.
 */
uint64
sg_lock_rows_bounded(const char *table, const char *what, const char *ids_sql,
					 int nargs, Oid *types, Datum *values)
{
	uint64		n = sg_exec_internal(ids_sql, nargs, types, values, NULL);
	int64	   *ids = palloc(sizeof(int64) * (n + 1));
	uint64		locked = 0;

	for (uint64 i = 0; i < n; i++)
	{
		bool		isnull;

		ids[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1,
											 &isnull));
	}
	for (uint64 i = 0; i < n; i++)
		locked += sg_lock_row_bounded(table, ids[i], what) ? 1 : 0;
	pfree(ids);
	return locked;
}

/*--------------------------------------------------------------------------
 * LOCK TABLE (ProcessUtility hook)
 *--------------------------------------------------------------------------
 */

/* What a view's definition reaches: the first safeguard relation found. */
typedef struct ReachContext
{
	Oid			nsp;			/* schema safeguard */
	Oid			found;			/* the safeguard relation reached */
	List	   *views;			/* views already walked (self-references) */
} ReachContext;

static bool reaches_walker(Node *node, ReachContext *ctx);

/* Walks a view's query, recursively through the views it reads. */
static bool
walk_view(Oid viewid, ReachContext *ctx)
{
	Relation	view;
	bool		result;

	if (list_member_oid(ctx->views, viewid) || list_length(ctx->views) > 64)
		return false;
	ctx->views = lappend_oid(ctx->views, viewid);
	view = table_open(viewid, AccessShareLock);
	result = reaches_walker((Node *) get_view_query(view), ctx);
	table_close(view, AccessShareLock);
	return result;
}

/* Tree walker: stops at the first relation of schema safeguard. */
static bool
reaches_walker(Node *node, ReachContext *ctx)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind != RTE_RELATION)
			return false;
		if (get_rel_namespace(rte->relid) == ctx->nsp)
		{
			ctx->found = rte->relid;
			return true;
		}
		if (rte->relkind == RELKIND_VIEW)
			return walk_view(rte->relid, ctx);
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, reaches_walker, (void *) ctx,
								 QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, reaches_walker, (void *) ctx);
}

/* Raises 42501 unless the current role may lock the relations a LOCK statement names. */
static void
check_lock_stmt(LockStmt *stmt)
{
	Oid			nsp = safeguard_namespace();
	Oid			user = GetUserId();
	ListCell   *lc;

	if (!OidIsValid(nsp))
		return;

	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = lfirst_node(RangeVar, lc);
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);
		Oid			target = InvalidOid;

		if (!OidIsValid(relid))
			continue;			/* PostgreSQL reports it */
		if (get_rel_namespace(relid) == nsp)
			target = relid;
		else if (get_rel_relkind(relid) == RELKIND_VIEW)
		{
			ReachContext ctx = {nsp, InvalidOid, NIL};

			if (walk_view(relid, &ctx))
				target = ctx.found;
		}
		if (!OidIsValid(target))
			continue;
		if (is_owner(user, rel_owner(target)))
		{
			xact_holds_locks = true;
			continue;
		}
		/* what every SELECT holds, and pg_dump takes: conflicts only with DDL */
		if (stmt->mode == AccessShareLock)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to lock %s",
						quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												   get_rel_name(relid))),
				 errdetail("Role \"%s\" asked for %s on %s%s; only safeguard's owner takes explicit locks on safeguard.%s.",
						   role_name(user), GetLockmodeName(DEFAULT_LOCKMETHOD, stmt->mode),
						   quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
													  get_rel_name(relid)),
						   relid == target ? "" : ", a view over safeguard's relations",
						   get_rel_name(target)),
				 errhint("safeguard takes the locks its rules need itself: read or act without LOCK TABLE (ACCESS SHARE MODE, what a SELECT holds, is allowed).")));
	}
}

/* ProcessUtility hook: refuses explicit locks; marks EXPLAIN while it runs. */
static void
sg_process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				   ProcessUtilityContext context, ParamListInfo params,
				   QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;
	bool		explain = IsA(parsetree, ExplainStmt);

	if (IsA(parsetree, LockStmt) && IsTransactionState())
		check_lock_stmt((LockStmt *) parsetree);
	if (explain)
		explain_depth++;
	PG_TRY();
	{
		if (prev_process_utility)
			prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
								 queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
									queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		if (explain)
			explain_depth--;
	}
	PG_END_TRY();
}

/*--------------------------------------------------------------------------
 * Row locks, writes and EXPLAIN (ExecutorStart hook)
 *--------------------------------------------------------------------------
 */

/* Raises 42501 when an explained statement reads a safeguard relation under row-level security. */
static void
check_explain(PlannedStmt *ps, Oid nsp)
{
	ListCell   *lc;

	if (superuser_arg(GetSessionUserId()))
		return;
	foreach(lc, ps->rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);

		if (rte->rtekind != RTE_RELATION || get_rel_namespace(rte->relid) != nsp)
			continue;
		if (check_enable_rls(rte->relid, InvalidOid, true) != RLS_ENABLED)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to explain a statement that reads safeguard.%s",
						get_rel_name(rte->relid)),
				 errdetail("Row-level security applies to role \"%s\" on safeguard.%s: a plan's estimates, row counts and timings would tell it about rows it may not see.",
						   role_name(GetUserId()), get_rel_name(rte->relid)),
				 errhint("Run the statement without EXPLAIN. A superuser can explain it as any role (SET ROLE).")));
	}
}

/* Raises 42501 when a non-owner locks rows of a safeguard relation; notes safeguard's rows locked. */
static void
check_row_marks(PlannedStmt *ps, Oid nsp)
{
	Oid			user = GetUserId();
	ListCell   *lc;

	foreach(lc, ps->rowMarks)
	{
		PlanRowMark *rc = lfirst_node(PlanRowMark, lc);
		RangeTblEntry *rte;

		if (!RowMarkRequiresRowShareLock(rc->markType))
			continue;			/* REFERENCE and COPY lock nothing */
		rte = rt_fetch(rc->rti, ps->rtable);
		if (rte->rtekind != RTE_RELATION || get_rel_namespace(rte->relid) != nsp)
			continue;
		xact_holds_locks = true;
		if (is_owner(user, rel_owner(rte->relid)))
			continue;
		/* the documented consumer pattern: FOR UPDATE SKIP LOCKED */
		if (rte->relid == get_relname_relid("outbox", nsp))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to lock rows of safeguard.%s", get_rel_name(rte->relid)),
				 errdetail("Role \"%s\" asked for row locks (FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE or FOR KEY SHARE) on safeguard.%s; only safeguard's owner locks its rows.",
						   role_name(user), get_rel_name(rte->relid)),
				 errhint("Read without a locking clause: safeguard locks the rows an action changes itself. Only safeguard.outbox may be claimed, with FOR UPDATE SKIP LOCKED.")));
	}
}

/* Returns true when a statement writes a relation of schema safeguard. */
static bool
writes_safeguard(PlannedStmt *ps, Oid nsp)
{
	ListCell   *lc;

	foreach(lc, ps->resultRelations)
	{
		RangeTblEntry *rte = rt_fetch(lfirst_int(lc), ps->rtable);

		if (rte->rtekind == RTE_RELATION && get_rel_namespace(rte->relid) == nsp)
			return true;
	}
	return false;
}

/* ExecutorStart hook: EXPLAIN under row-level security, row locks, writes. */
static void
sg_executor_start(QueryDesc *queryDesc, int eflags)
{
	PlannedStmt *ps = queryDesc->plannedstmt;

	if ((explain_depth > 0 && !sg_internal_writing()) || ps->rowMarks != NIL ||
		(ps->resultRelations != NIL && !xact_holds_locks))
	{
		Oid			nsp = safeguard_namespace();

		if (OidIsValid(nsp))
		{
			if (explain_depth > 0 && !sg_internal_writing())
				check_explain(ps, nsp);
			if (ps->rowMarks != NIL)
				check_row_marks(ps, nsp);
			if (!xact_holds_locks && writes_safeguard(ps, nsp))
				xact_holds_locks = true;
		}
	}
	if (prev_executor_start)
		prev_executor_start(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

/*--------------------------------------------------------------------------
 * Bounded waits of client writes (ExecutorRun hook)
 *--------------------------------------------------------------------------
 */

/*
 * Returns the safeguard relations a client statement writes or row-locks
 * when its waits are to be bounded (a role other than the owner, the bound
 * on), else NIL; *nowait tells whether it asked for NOWAIT itself.
 */
static List *
client_locked_relations(PlannedStmt *ps, bool *nowait)
{
	Oid			nsp;
	Oid			user = GetUserId();
	List	   *rels = NIL;
	ListCell   *lc;

	*nowait = false;
	if ((ps->resultRelations == NIL && ps->rowMarks == NIL) || sg_lock_wait_timeout <= 0 ||
		sg_internal_writing() || superuser_arg(user) ||
		user == get_role_oid("safeguard_owner", true))
		return NIL;
	nsp = safeguard_namespace();
	if (!OidIsValid(nsp))
		return NIL;
	foreach(lc, ps->resultRelations)
	{
		RangeTblEntry *rte = rt_fetch(lfirst_int(lc), ps->rtable);

		if (rte->rtekind == RTE_RELATION && get_rel_namespace(rte->relid) == nsp)
			rels = list_append_unique_oid(rels, rte->relid);
	}
	foreach(lc, ps->rowMarks)
	{
		PlanRowMark *rc = lfirst_node(PlanRowMark, lc);
		RangeTblEntry *rte = rt_fetch(rc->rti, ps->rtable);

		if (!RowMarkRequiresRowShareLock(rc->markType))
			continue;
		*nowait |= rc->waitPolicy == LockWaitError;
		if (rte->rtekind == RTE_RELATION && get_rel_namespace(rte->relid) == nsp)
			rels = list_append_unique_oid(rels, rte->relid);
	}
	return rels;
}

/* Runs the executor through the hook chain. */
static void
run_executor(QueryDesc *queryDesc, ScanDirection direction, uint64 count, bool execute_once)
{
	if (prev_executor_run)
		prev_executor_run(queryDesc, direction, count, execute_once);
	else
		standard_ExecutorRun(queryDesc, direction, count, execute_once);
}

/*
 * ExecutorRun hook: a client's write (or row lock) on safeguard's tables by
 * a role other than the owner runs with lock_timeout at most
 * safeguard.lock_wait_timeout, restored when the statement ends; a lock
 * timeout becomes SG801 naming the holder.
 */
static void
sg_executor_run(QueryDesc *queryDesc, ScanDirection direction, uint64 count, bool execute_once)
{
	bool		nowait;
	List	   *rels = client_locked_relations(queryDesc->plannedstmt, &nowait);
	MemoryContext cxt = CurrentMemoryContext;
	int			bound = wait_bound();
	int			nest;

	if (rels == NIL)
	{
		run_executor(queryDesc, direction, count, execute_once);
		return;
	}
	nest = NewGUCNestLevel();
	if (bound != LockTimeout)
		set_lock_timeout(bound);
	PG_TRY();
	{
		run_executor(queryDesc, direction, count, execute_once);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		StringInfoData holders;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE || nowait)
			PG_RE_THROW();
		FlushErrorState();
		initStringInfo(&holders);
		describe_statement_holders(&holders, rels);
		ereport(ERROR,
				(errcode(ERRCODE_SG_LOCK_WAIT_TIMEOUT),
				 errmsg("waited too long for rows of safeguard.%s, which another transaction holds",
						get_rel_name(linitial_oid(rels))),
				 errdetail("A write to safeguard's tables waits at most %d ms (safeguard.lock_wait_timeout, or the session's shorter lock_timeout) for rows another transaction holds; %s.",
						   bound, holders.len > 0 ? psprintf("held by %s", holders.data) :
						   "the holder has since ended"),
				 holders.len > 0 ?
				 errhint("Retry once %s ends its transaction; if it stays idle in transaction, an administrator can end it with pg_terminate_backend().",
						 holders.data) :
				 errhint("Retry the transaction.")));
	}
	PG_END_TRY();
	AtEOXact_GUC(true, nest);
}

/*--------------------------------------------------------------------------
 * PREPARE TRANSACTION
 *--------------------------------------------------------------------------
 */

/* Refuses to prepare a transaction holding safeguard's locks; forgets them at its end. */
static void
sg_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_PREPARE:
			if (xact_holds_locks)
				ereport(ERROR,
						(errcode(ERRCODE_SG_PREPARED_LOCKS),
						 errmsg("cannot prepare a transaction that holds safeguard's locks"),
						 errdetail("This transaction locked or wrote rows of safeguard's tables (an audit chain, a case, a workflow row); prepared, it would hold them across restarts until someone commits or rolls it back, stalling everyone who needs them."),
						 errhint("COMMIT instead: safeguard's work does not take part in two-phase commit.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			xact_holds_locks = false;
			break;
		default:
			break;
	}
}

/*--------------------------------------------------------------------------
 * Pool logins
 *--------------------------------------------------------------------------
 */

/* Whether the session user is a declared pool login, cached until pool_login changes. */
static bool pool_cache_valid = false;
static Oid	pool_cache_user = InvalidOid;
static bool pool_cache_is_pool = false;
static Oid	pool_table = InvalidOid;
static bool pool_callback_registered = false;

/* Relcache callback: pool_login changed (or every relation did). */
static void
pool_relcache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == pool_table)
		pool_cache_valid = false;
}

/* Returns true when role is a declared (not undeclared) pool login. */
static bool
is_pool_login(Oid role)
{
	Oid			nsp;
	Oid			table;
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(role)};
	bool		result;

	if (pool_cache_valid && pool_cache_user == role)
		return pool_cache_is_pool;
	nsp = safeguard_namespace();
	table = OidIsValid(nsp) ? get_relname_relid("pool_login", nsp) : InvalidOid;
	if (!OidIsValid(table))
		return false;			/* before version 1.4: no pool logins */
	if (!pool_callback_registered)
	{
		CacheRegisterRelcacheCallback(pool_relcache_callback, (Datum) 0);
		pool_callback_registered = true;
	}
	pool_table = table;
	pool_cache_valid = false;
	sg_spi_connect();
	sg_query_internal_latest("SELECT 1 FROM safeguard.pool_login "
							 "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
							 "AND undeclared_at IS NULL", 1, types, values, NULL);
	result = SPI_processed > 0;
	sg_spi_finish();
	pool_cache_user = role;
	pool_cache_is_pool = result;
	pool_cache_valid = true;
	return result;
}

/* Returns the GUC record of "role" (found once: its address never changes). */
static struct config_generic *
role_setting(void)
{
	static struct config_generic *role = NULL;

	if (role == NULL)
	{
		struct config_generic **vars = get_guc_variables();
		int			n = GetNumConfigOptions();

		for (int i = 0; i < n; i++)
			if (strcmp(vars[i]->name, "role") == 0)
				role = vars[i];
		if (role == NULL)
			elog(ERROR, "safeguard: setting \"role\" not found");
	}
	return role;
}

/*
 * Returns true unless the session's login is a declared pool login acting
 * without a role set for this transaction (what SG803 refuses).
 */
bool
sg_transaction_role_ok(void)
{
	Oid			login = GetSessionUserId();
	GucStack   *stack;
	Oid			role;

	if (!is_pool_login(login))
		return true;
	stack = role_setting()->stack;
	role = GetCurrentRoleId();
	return stack != NULL && (stack->state == GUC_LOCAL || stack->state == GUC_SET_LOCAL) &&
		OidIsValid(role) && role != login;
}

/*
 * Raises SG803 when the session's login is a declared pool login and the
 * current role was not set for this transaction (SET LOCAL ROLE).
 */
void
sg_require_transaction_role(void)
{
	Oid			login = GetSessionUserId();
	Oid			role;

	if (sg_transaction_role_ok())
		return;
	role = GetCurrentRoleId();
	ereport(ERROR,
			(errcode(ERRCODE_SG_POOL_ROLE_NOT_LOCAL),
			 errmsg("pool login \"%s\" acts only through a role set for the transaction",
					role_name(login)),
			 !OidIsValid(role) || role == login ?
			 errdetail("Role \"%s\" is declared a connection pool's login (safeguard.pool_login) and no role is set for this transaction.",
					   role_name(login)) :
			 errdetail("Role \"%s\" is declared a connection pool's login (safeguard.pool_login); role \"%s\" was set for the session (SET ROLE), and behind a pooler it would act for the next client too.",
					   role_name(login), role_name(role)),
			 errhint("Act inside a transaction with the user's role set for it: BEGIN; SET LOCAL ROLE <user>; ...; COMMIT.")));
}

/*
 * SQL: declare_pool_login(role regrole) -> bigint.  Declares a login role as
 * a connection pool's (admin duty or superuser): sessions logged in as it
 * act only through SET LOCAL ROLE.  Returns the declaration's id (the
 * existing one when already declared).
 */
Datum
sg_declare_pool_login(PG_FUNCTION_ARGS)
{
	Oid			types[3] = {OIDOID, TIMESTAMPTZOID, OIDOID};
	Datum		values[3];
	bool		isnull;
	int64		id;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("a pool login role is required"),
				 errhint("Call safeguard.declare_pool_login('pool_login_role').")));
	sg_require_admin("declare pool logins");
	values[0] = PG_GETARG_DATUM(0);
	values[1] = TimestampTzGetDatum(sg_now());
	values[2] = ObjectIdGetDatum(sg_acting_userid());
	sg_spi_connect();
	if (sg_exec_internal("SELECT id FROM safeguard.pool_login "
						 "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
						 "AND undeclared_at IS NULL", 1, types, values, NULL) == 0)
		sg_exec_internal("INSERT INTO safeguard.pool_login (role, declared_at, declared_by) "
						 "VALUES ($1::pg_catalog.regrole, $2, $3::pg_catalog.regrole) RETURNING id",
						 3, types, values, NULL);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	sg_spi_finish();
	PG_RETURN_INT64(id);
}

/*
 * SQL: undeclare_pool_login(role regrole) -> boolean.  Ends a declaration
 * (the row stays as history); false when the role was not declared.
 */
Datum
sg_undeclare_pool_login(PG_FUNCTION_ARGS)
{
	Oid			types[3] = {OIDOID, TIMESTAMPTZOID, OIDOID};
	Datum		values[3];
	uint64		n;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("a pool login role is required"),
				 errhint("Call safeguard.undeclare_pool_login('pool_login_role').")));
	sg_require_admin("undeclare pool logins");
	values[0] = PG_GETARG_DATUM(0);
	values[1] = TimestampTzGetDatum(sg_now());
	values[2] = ObjectIdGetDatum(sg_acting_userid());
	sg_spi_connect();
	n = sg_exec_internal("UPDATE safeguard.pool_login SET undeclared_at = $2, "
						 "undeclared_by = $3::pg_catalog.regrole "
						 "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
						 "AND undeclared_at IS NULL", 3, types, values, NULL);
	sg_spi_finish();
	PG_RETURN_BOOL(n > 0);
}

/*
 * Trigger (after each statement on pool_login): every session forgets
 * whether its login is a pool's (transactional: others when this commits).
 */
Datum
sg_pool_login_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "pool_login_changed", false, false);

	CacheInvalidateRelcache(td->tg_relation);
	return PointerGetDatum(NULL);
}

/*--------------------------------------------------------------------------
 * Loading
 *--------------------------------------------------------------------------
 */

/* SQL: preloaded() -> boolean: the library was loaded before this session's first statement. */
Datum
sg_preloaded(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(loaded_at_start);
}

/* Installs the hooks and the transaction callback; defines the setting. */
void
sg_session_guard_init(void)
{
	/*
	 * shared_preload_libraries loads in the postmaster, session_preload_ and
	 * local_preload_libraries while the backend starts, before it reads any
	 * statement; any later load (a function call, LOAD) happens while a
	 * client's statement runs (debug_query_string is set).
	 */
	loaded_at_start = process_shared_preload_libraries_in_progress || debug_query_string == NULL;

	/*
	 * 10 s: a hundred times the longest wait safeguard's own work causes (a
	 * sweep batch holds its chains for about 0.4 s, a transition a few ms),
	 * so healthy contention never reaches it; short enough that a clerk
	 * hears who holds the lock while still at the screen, and that the
	 * sweeper, a web request (typically 30 s) or a pooler's query timeout
	 * get an answer rather than a timeout of their own.
	 */
	DefineCustomIntVariable("safeguard.lock_wait_timeout",
							"Sets the longest wait for a lock another transaction holds on safeguard's rows.",
							"Bounds safeguard's own locks (audit chains, case linking, workflow rows) and "
							"writes to safeguard's tables by roles other than its owner; a wait that reaches "
							"it fails with SQLSTATE SG801 naming the holder. 0 turns the bound off "
							"(the session's lock_timeout still applies).",
							&sg_lock_wait_timeout,
							10000,
							0,
							INT_MAX,
							PGC_SUSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = sg_process_utility;
	prev_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = sg_executor_start;
	prev_executor_run = ExecutorRun_hook;
	ExecutorRun_hook = sg_executor_run;
	RegisterXactCallback(sg_xact_callback, NULL);
}
