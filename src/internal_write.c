/*
 * internal_write.c
 *		Protected writes: safeguard's own rows (audit, cases, referrals,
 *		deadlines) are written as the table owner (safeguard_owner), never with the
 *		caller's privileges, while remembering who the caller was.
 *
 * Invariants:
 *	- Client roles hold no INSERT privilege on these tables; the guard
 *	  triggers accept an INSERT only while sg_internal_writing() is true, a
 *	  flag in process memory that SQL cannot set (unlike a setting, which a
 *	  client could SET).
 *	- The caller is remembered before switching user, so the audit trail
 *	  and the recorded "by" columns name the real actor, not the owner.
 *	- An error anywhere in between restores both the user and the flag.
 */
#include "postgres.h"

#include "safeguard.h"
#include "session_guard.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

static int	internal_depth = 0;
static Oid	acting_user = InvalidOid;
static bool xact_callback_registered = false;

/* Resets the flag when a transaction ends, whatever happened in it. */
static void
internal_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_COMMIT ||
		event == XACT_EVENT_PARALLEL_ABORT || event == XACT_EVENT_PARALLEL_COMMIT)
	{
		internal_depth = 0;
		acting_user = InvalidOid;
	}
}

/*
 * Returns the owner of the safeguard extension (the superuser who created
 * it): who safeguard's writes ran as before 1.4.  pg_extension has no
 * syscache; this is only asked in a cluster not yet updated to 1.4.
 */
static Oid
extension_owner(void)
{
	Oid			ext = get_extension_oid("safeguard", false);
	Oid			owner;
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "safeguard extension %u not found", ext);
	owner = ((Form_pg_extension) GETSTRUCT(tup))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return owner;
}

/*
 * Returns the role that owns safeguard's tables (safeguard_owner), through
 * the system caches (three hash lookups: cheap enough not to cache, and
 * right even while CREATE EXTENSION, which creates the tables as the
 * superuser and hands them to safeguard_owner last, runs in a transaction
 * that dropped the extension first).  Protected writes run as
 * this NOLOGIN role, which holds exactly what safeguard's own statements
 * need (its tables, BYPASSRLS so that safeguard sees every authority's rows
 * whoever the caller, ADMIN OPTION on the duty roles) and nothing a
 * superuser could do, never as the superuser who ran CREATE EXTENSION.
 * The audit trail is the reference table: every version has it.
 */
Oid
sg_table_owner(void)
{
	Oid			owner;
	Oid			nsp;
	Oid			relid;
	HeapTuple	tup;

	nsp = get_namespace_oid("safeguard", false);
	relid = get_relname_relid("audit_event", nsp);
	if (!OidIsValid(relid))
		elog(ERROR, "safeguard: table safeguard.audit_event not found");
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);

	/*
	 * A cluster none of whose databases has run the update to 1.4 yet has a
	 * safeguard_owner without BYPASSRLS: safeguard's writes there run as
	 * the extension's owner, as before 1.4, until the update.
	 */
	if (!has_bypassrls_privilege(owner))
		return extension_owner();
	return owner;
}

/* Switches to the table owner for a protected write; remembers the actor. */
void
sg_internal_begin(SgInternalWrite *iw)
{
	Oid			owner = sg_table_owner();

	if (!xact_callback_registered)
	{
		RegisterXactCallback(internal_xact_callback, NULL);
		xact_callback_registered = true;
	}
	GetUserIdAndSecContext(&iw->saved_userid, &iw->saved_sec_context);
	if (internal_depth == 0)
		acting_user = iw->saved_userid;
	internal_depth++;
	SetUserIdAndSecContext(owner,
						   iw->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

/* Switches back to the caller. */
void
sg_internal_end(SgInternalWrite *iw)
{
	SetUserIdAndSecContext(iw->saved_userid, iw->saved_sec_context);
	if (internal_depth > 0)
		internal_depth--;
	if (internal_depth == 0)
		acting_user = InvalidOid;
}

/* Returns true while safeguard itself is writing. */
bool
sg_internal_writing(void)
{
	return internal_depth > 0;
}

/* Returns the role on whose behalf the current change is made. */
Oid
sg_acting_userid(void)
{
	return internal_depth > 0 ? acting_user : GetUserId();
}

/* A kept plan per statement text (the texts are string constants). */
typedef struct PlanEntry
{
	const char *sql;			/* hash key: the constant's address */
	SPIPlanPtr	plan;
} PlanEntry;

/* Returns a kept plan for a constant statement text. */
static SPIPlanPtr
kept_plan(const char *sql, int nargs, Oid *types)
{
	static HTAB *plans = NULL;
	PlanEntry  *entry;
	bool		found;

	if (plans == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(const char *);
		ctl.entrysize = sizeof(PlanEntry);
		ctl.hcxt = TopMemoryContext;
		plans = hash_create("safeguard internal plans", 64, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(plans, &sql, HASH_ENTER, &found);
	if (!found || entry->plan == NULL)
	{
		SPIPlanPtr	plan;

		entry->plan = NULL;
		plan = SPI_prepare(sql, nargs, types);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed (%s): %s",
				 SPI_result_code_string(SPI_result), sql);
		SPI_keepplan(plan);
		entry->plan = plan;
	}
	return entry->plan;
}

/*
 * Runs a parameterised statement (sql must be a string constant) as the
 * table owner; returns SPI_processed.  Rows returned are left in
 * SPI_tuptable only for the duration of the caller's own SPI connection,
 * so callers that need results connect first and read before finishing.
 */
uint64
sg_exec_internal(const char *sql, int nargs, Oid *types, Datum *values,
				 const char *nulls)
{
	SgInternalWrite iw;
	int			rc;

	sg_internal_begin(&iw);
	PG_TRY();
	{
		rc = SPI_execute_plan(kept_plan(sql, nargs, types), values, nulls,
							  false, 0);
		if (rc < 0)
			elog(ERROR, "internal statement failed (%s): %s",
				 SPI_result_code_string(rc), sql);
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
	return SPI_processed;
}

/*
 * Runs a read-only parameterised statement as the table owner against
 * the latest committed state rather than the transaction's snapshot; returns
 * SPI_processed.  For checks that must see what concurrent transactions
 * have committed even inside REPEATABLE READ (e.g. "is there already an open
 * case for this adult?").
 */
uint64
sg_query_internal_latest(const char *sql, int nargs, Oid *types, Datum *values,
						 const char *nulls)
{
	SgInternalWrite iw;
	int			rc;

	sg_internal_begin(&iw);
	PG_TRY();
	{
		rc = SPI_execute_snapshot(kept_plan(sql, nargs, types), values, nulls,
								  GetLatestSnapshot(), InvalidSnapshot,
								  true, false, 0);
		if (rc < 0)
			elog(ERROR, "internal query failed (%s): %s",
				 SPI_result_code_string(rc), sql);
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
	return SPI_processed;
}

/*
 * Runs a parameterised statement (sql a string constant) as the table owner
 * against the latest committed state rather than the transaction's
 * snapshot; returns SPI_processed.  For writes to derived rows that any
 * transaction may bring up to date (the deadline schedule, the sweeper's
 * health): under REPEATABLE READ a row another transaction changed and
 * committed meanwhile is taken as it now is, not refused with 40001.
 */
uint64
sg_exec_internal_latest(const char *sql, int nargs, Oid *types, Datum *values,
						const char *nulls)
{
	SgInternalWrite iw;
	int			rc;

	sg_internal_begin(&iw);
	PG_TRY();
	{
		CommandCounterIncrement();
		rc = SPI_execute_snapshot(kept_plan(sql, nargs, types), values, nulls,
								  GetLatestSnapshot(), InvalidSnapshot,
								  false, true, 0);
		if (rc < 0)
			elog(ERROR, "internal statement failed (%s): %s",
				 SPI_result_code_string(rc), sql);
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
	return SPI_processed;
}

/*
 * Serialises, until the end of the transaction, every transaction that
 * locks the same key (a case's audit chain, an adult's case linking).  A row
 * lock in safeguard.serial_lock, not an advisory lock: advisory locks are
 * open to every role, which could hold one and stall safeguard's writes;
 * nobody but safeguard can lock these rows.  The wait for another holder is
 * bounded (safeguard.lock_wait_timeout, SG801: session_guard.c).  Inside an
 * SPI connection.
 */
void
sg_serial_lock(const char *key)
{
	sg_serial_lock_bounded(key);
}

/*
 * Returns true when schema safeguard has a relation of that name (a syscache
 * lookup): how the library tells which version's schema it serves, for the
 * rules that changed with the schema (e.g. cases per authority from 1.4).
 */
bool
sg_schema_has(const char *relname)
{
	Oid			nsp = get_namespace_oid("safeguard", true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid(relname, nsp));
}
