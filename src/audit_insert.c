/*
 * audit_insert.c
 *		The audit row's insertion without SPI: what the INSERT into
 *		safeguard.audit_event that audit_chain.c used to run through SPI
 *		does, without parsing, planning or an executor (issue 19, target 3).
 *
 * Owns sg_audit_insert(), called by audit_chain.c for every audit row.
 *
 * Why: through SPI, each audit row cost a plan revalidation, an executor
 * start and end, the projection of 20 parameters, and for audit_event's two
 * row triggers with a WHEN (NOT safeguard.restoring()) clause, the clause
 * read and prepared again by PostgreSQL on every execution (about 170k
 * instructions of a W1 transition's 760k).  Here the row goes into the heap
 * and its indexes directly, as PostgreSQL's logical replication worker
 * inserts a row.
 *
 * Invariants (what the SPI INSERT did, and still does when this path stands
 * aside):
 *	- The row is inserted as the table owner (sg_internal_begin), with the
 *	  owner's INSERT privilege on audit_event checked and row-level security
 *	  as it applies to the owner (BYPASSRLS: none); when the owner lacks the
 *	  privilege or row-level security would apply, the SPI INSERT runs
 *	  instead and raises what it always raised.
 *	- Triggers do not fire, so this path is taken only while every trigger
 *	  of audit_event is one of safeguard's own, whose effect on a row
 *	  safeguard inserts is done here: _identity (assign_identity('id'): the
 *	  id is drawn by the same rule, sg_identity_draw), _restore_guard
 *	  (restore_guard() without arguments: nothing for safeguard's own
 *	  rows), audit_guard (audit_guard(): lets safeguard's own rows through;
 *	  it still refuses every other INSERT, UPDATE and DELETE) and
 *	  refuse_truncate (a statement trigger for TRUNCATE).  A table with any
 *	  other trigger, a rule, a CHECK constraint, a generated column or a
 *	  column this file does not fill takes the SPI INSERT, so whatever was
 *	  added still applies.  Checked once per relcache entry of audit_event.
 *	- NOT NULL is checked as the executor checks it (23502); the primary
 *	  key's uniqueness by the index insertion, as the executor does (23505).
 *	- The command counter is stepped before and after the insertion, as SPI
 *	  does around a statement that is not read-only: the next chain-head
 *	  read of the same transaction (audit_chain.c) sees the row.
 *	- A read-only transaction, parallel mode, or a session restoring a dump
 *	  takes the SPI INSERT too (it refuses, or its triggers stand aside, as
 *	  before).
 */
#include "postgres.h"

#include "audit.h"
#include "identity.h"
#include "restore.h"
#include "safeguard.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"

/* Most columns an audit row fills (the hashed fields and the two hashes). */
#define AUDIT_MAX_COLUMNS 32

/* What the direct insertion knows of audit_event, until its relcache entry is invalidated. */
typedef struct AuditTarget
{
	bool		valid;			/* false: look it all up again */
	Oid			relid;
	bool		direct;			/* whether the direct insertion may be used */
	AttrNumber	id_attnum;
	AttrNumber	attnums[AUDIT_MAX_COLUMNS]; /* by the caller's column index */
	Oid			enum_type[AUDIT_MAX_COLUMNS];	/* an enum column given as text, else 0 */
} AuditTarget;

static AuditTarget target;
static bool callback_registered = false;

/* Forgets the target when audit_event's relcache entry (or every one) is invalidated. */
static void
audit_insert_relcache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == target.relid)
		target.valid = false;
}

/*
 * Returns true when trigger t is one of safeguard's own triggers of
 * audit_event, whose effect on a row safeguard inserts the direct insertion
 * does itself (see the banner).
 */
static bool
known_trigger(const Trigger *t, Oid nsp)
{
	const char *fn = get_func_name(t->tgfoid);

	if (fn == NULL || get_func_namespace(t->tgfoid) != nsp)
		return false;
	if (strcmp(fn, "assign_identity") == 0)
		return TRIGGER_FOR_ROW(t->tgtype) && TRIGGER_FOR_BEFORE(t->tgtype) &&
			t->tgnargs == 1 && strcmp(t->tgargs[0], "id") == 0;
	if (strcmp(fn, "restore_guard") == 0 || strcmp(fn, "audit_guard") == 0)
		return TRIGGER_FOR_ROW(t->tgtype) && TRIGGER_FOR_BEFORE(t->tgtype) && t->tgnargs == 0;
	if (strcmp(fn, "refuse_truncate") == 0)
		return !TRIGGER_FOR_ROW(t->tgtype) && TRIGGER_FOR_TRUNCATE(t->tgtype) &&
			!TRIGGER_FOR_INSERT(t->tgtype);
	return false;
}

/*
 * Looks up what the direct insertion needs of rel (audit_event, locked) and
 * whether it may be used: only safeguard's own triggers, no rule, no CHECK
 * constraint, no generated column, and every column either id or one of
 * columns, of the type given (an enum column may be given as text).
 */
static void
build_target(Relation rel, const char *const *columns, const Oid *types, int n)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Oid			nsp = RelationGetNamespace(rel);
	bool		direct = rel->rd_rel->relkind == RELKIND_RELATION && rel->rd_rules == NULL &&
		(desc->constr == NULL ||
		 (desc->constr->num_check == 0 && !desc->constr->has_generated_stored));
	int			filled = 1;

	target.relid = RelationGetRelid(rel);
	target.id_attnum = sg_attnum(desc, "id");
	for (int i = 0; i < n; i++)
	{
		Form_pg_attribute att;

		target.attnums[i] = sg_attnum(desc, columns[i]);
		att = TupleDescAttr(desc, target.attnums[i] - 1);
		target.enum_type[i] = InvalidOid;
		if (att->atttypid != types[i])
		{
			if (types[i] == TEXTOID && get_typtype(att->atttypid) == TYPTYPE_ENUM)
				target.enum_type[i] = att->atttypid;
			else
				direct = false;
		}
		filled++;
	}
	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped)
			filled--;
	if (filled != 0)
		direct = false;			/* a column nobody fills here: its default is the executor's */
	for (int i = 0; direct && rel->trigdesc != NULL && i < rel->trigdesc->numtriggers; i++)
		direct = known_trigger(&rel->trigdesc->triggers[i], nsp);
	target.direct = direct;
	target.valid = true;
}

/*
 * Returns true when the direct insertion may be used for this row now: the
 * transaction may write, and the current user (the owner, inside
 * sg_internal_begin) holds INSERT on rel and is not subject to its
 * row-level security.
 */
static bool
direct_allowed_now(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);

	return target.direct &&
		pg_class_aclcheck(relid, GetUserId(), ACL_INSERT) == ACLCHECK_OK &&
		check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}

/*
 * Inserts the row into rel's heap and indexes: values[i] / nulls[i] for
 * columns[i], the id drawn here.  NOT NULL as the executor checks it.
 */
static void
insert_row(Relation rel, int n, Datum *values, const bool *nulls)
{
	TupleDesc	desc = RelationGetDescr(rel);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
	EState	   *estate;
	ResultRelInfo *rri;

	ExecClearTuple(slot);
	for (int i = 0; i < desc->natts; i++)
	{
		slot->tts_values[i] = (Datum) 0;
		slot->tts_isnull[i] = true;
	}
	slot->tts_values[target.id_attnum - 1] = Int64GetDatum(sg_identity_draw(rel, "id"));
	slot->tts_isnull[target.id_attnum - 1] = false;
	for (int i = 0; i < n; i++)
	{
		int			a = target.attnums[i] - 1;

		slot->tts_isnull[a] = nulls[i];
		if (nulls[i])
			continue;
		slot->tts_values[a] = OidIsValid(target.enum_type[i]) ?
			OidInputFunctionCall(F_ENUM_IN, TextDatumGetCString(values[i]),
								 target.enum_type[i], -1) :
			values[i];
	}
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attnotnull && slot->tts_isnull[i])
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("null value in column \"%s\" of relation \"%s\" violates not-null constraint",
							NameStr(att->attname), RelationGetRelationName(rel)),
					 errtablecol(rel, i + 1)));
	}
	ExecStoreVirtualTuple(slot);

	estate = CreateExecutorState();
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	/* its own command id, as an SPI statement that is not read-only */
	CommandCounterIncrement();
	simple_table_tuple_insert(rel, slot);
	(void) ExecInsertIndexTuples(rri, slot, estate, false, false, NULL, NIL);
	ExecCloseIndices(rri);
	FreeExecutorState(estate);
	ExecDropSingleTupleTableSlot(slot);
	/* what follows in this transaction sees the row */
	CommandCounterIncrement();
}

/*
 * Inserts an audit row into safeguard.audit_event as its owner without SPI
 * when it may (see the banner) and returns true; returns false, having
 * written nothing, when the caller must run its SPI INSERT instead.
 * columns[i] (a column of audit_event) gets values[i] of type types[i] (an
 * enum column's value may be given as text: its label) or NULL when
 * nulls[i]; id is drawn here.
 */
bool
sg_audit_insert(const char *const *columns, const Oid *types, Datum *values,
				const bool *nulls, int n)
{
	SgInternalWrite iw;
	Relation	rel;
	bool		done = false;

	Assert(n <= AUDIT_MAX_COLUMNS);
	if (XactReadOnly || IsInParallelMode() || sg_restoring())
		return false;
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(audit_insert_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	if (!target.valid)
	{
		Oid			relid = get_relname_relid("audit_event", get_namespace_oid("safeguard", false));

		if (!OidIsValid(relid))
			elog(ERROR, "safeguard: table safeguard.audit_event not found");
		target.relid = relid;
	}
	/* the lock the INSERT takes; taking it processes invalidations */
	rel = table_open(target.relid, RowExclusiveLock);
	if (!target.valid || target.relid != RelationGetRelid(rel))
		build_target(rel, columns, types, n);
	sg_internal_begin(&iw);
	PG_TRY();
	{
		if (direct_allowed_now(rel))
		{
			insert_row(rel, n, values, nulls);
			done = true;
		}
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
	table_close(rel, NoLock);
	return done;
}
