/*
 * scope_guard.c
 *		What a role that sees only part of a casework table can learn about
 *		the rest through how its queries are planned and timed.
 *
 * Owns the planner hooks set_rel_pathlist_hook and get_relation_stats_hook,
 * the setting safeguard.scope_guard, safeguard.scope_columns() and the
 * trigger function safeguard.scope_changed().
 *
 * The hole.  Row-level security filters rows, but PostgreSQL lets a
 * leakproof user predicate (texteq, int8eq, ...) run before the policies
 * and drive an index or TID scan (restriction_is_securely_promotable,
 * order_qual_clauses).  An officer of authority A who may not see
 * authority B's rows then still learns about them from the time a query
 * takes: "count(*) FROM concern WHERE la_id = <B>" reads B's index entries
 * and heap rows before the policy drops them, "WHERE adult_key = ..."
 * costs more when the person has a case anywhere, an ordered index scan
 * under LIMIT stops after a number of invisible rows, and the planner's
 * estimates (and so its choice of plan) follow the column statistics of
 * every authority's rows.
 *
 * Invariants, for a relation of schema safeguard under row-level security
 * for the current user, read by a scoped caller (one the policies do not
 * show every row: everyone but the regulator's contact centre, inspectors
 * and administrators; superusers and BYPASSRLS roles are never under
 * row-level security):
 *	- A user-level clause (security level above the policies') that
 *	  references a guarded column (scope_columns.c: everything but the open
 *	  columns; system columns and whole-row references too) is never an
 *	  index, bitmap or TID condition, and runs after the policies.
 *	  Exception, exactly: "col = safeguard.current_organisation()" on a
 *	  column whose policy shows the caller its own organisation's rows
 *	  selects only rows the caller may see, and may still drive a scan.
 *	- No index scan is ordered by a guarded column (a LIMIT, a merge join
 *	  or min()/max() would stop it after a number of invisible rows), and
 *	  no partial index whose predicate names a guarded column is used,
 *	  except by a scan whose first index column is bounded by the
 *	  own-organisation clause (it reads only what the caller may see).
 *	- Every user-level clause left in a scan's filter runs after the
 *	  policies, so the cost of the policies never depends on whether an
 *	  invisible row matches the user's predicate.
 *	- Guarded columns are estimated without the values their statistics
 *	  hold (most common values, histograms): from their null fraction,
 *	  width and number of distinct values only.
 *	- A plan depends on who acts: the trigger scope_changed invalidates
 *	  cached plans of these tables when duties or organisations change.
 * What stays observable is listed in scope_columns.c (open columns) and
 * the README ("Who sees what").  The cost is speed for scoped callers
 * only, and only for predicates on guarded columns.
 */
#include "postgres.h"

#include "safeguard.h"
#include "scope_columns.h"
#include "scope_guard.h"
#include "session_guard.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_statistic.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(sg_scope_columns);
PG_FUNCTION_INFO_V1(sg_scope_changed);
PG_FUNCTION_INFO_V1(sg_scope_changed_replicated);

/* safeguard.scope_guard */
bool		sg_scope_guard = true;

static set_rel_pathlist_hook_type prev_set_rel_pathlist = NULL;
static get_relation_stats_hook_type prev_relation_stats = NULL;

/*--------------------------------------------------------------------------
 * Which relations and columns: cached per relation, with invalidation
 *--------------------------------------------------------------------------
 */

/* What the hooks need to know about one relation. */
typedef struct ScopeRel
{
	Oid			relid;			/* hash key */
	bool		applies;		/* a table of schema safeguard with row-level security */
	/* attribute numbers offset by FirstLowInvalidHeapAttributeNumber: */
	Bitmapset  *open;			/* columns whose predicates may steer a scan */
	Bitmapset  *own_org;		/* the policy shows col = current_organisation() */
	Bitmapset  *own_la;			/* the policy shows may_see_la(col) */
	Bitmapset  *own_provider;	/* the policy shows acts_for_provider(col) */
} ScopeRel;

static HTAB *scope_rels = NULL;
static MemoryContext scope_cxt = NULL;
static Oid	scope_nsp = InvalidOid;
static bool scope_nsp_valid = false;

/* Frees one cached relation's column sets. */
static void
free_scope_rel(ScopeRel *sr)
{
	bms_free(sr->open);
	bms_free(sr->own_org);
	bms_free(sr->own_la);
	bms_free(sr->own_provider);
	sr->open = sr->own_org = sr->own_la = sr->own_provider = NULL;
}

/* Forgets every cached relation (and the schema's OID). */
static void
reset_scope_cache(void)
{
	if (scope_cxt != NULL)
		MemoryContextReset(scope_cxt);
	scope_rels = NULL;
	scope_nsp_valid = false;
}

/* Relcache callback: a relation changed (or every one did). */
static void
scope_relcache_callback(Datum arg, Oid relid)
{
	ScopeRel   *sr;

	if (scope_rels == NULL)
		return;
	if (!OidIsValid(relid))
	{
		reset_scope_cache();
		return;
	}
	sr = hash_search(scope_rels, &relid, HASH_FIND, NULL);
	if (sr != NULL)
	{
		free_scope_rel(sr);
		hash_search(scope_rels, &relid, HASH_REMOVE, NULL);
	}
}

/* Syscache callback: a schema changed (the extension was created or dropped). */
static void
scope_namespace_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	reset_scope_cache();
}

/* Returns the OID of schema safeguard (InvalidOid where the extension is not installed). */
static Oid
safeguard_nsp(void)
{
	if (!scope_nsp_valid)
	{
		scope_nsp = get_namespace_oid("safeguard", true);
		scope_nsp_valid = true;
	}
	return scope_nsp;
}

/* Adds a column to a set (attribute numbers offset as pull_varattnos does). */
static void
add_column(Bitmapset **set, Oid relid, const char *column)
{
	AttrNumber	attno = get_attnum(relid, column);

	if (attno != InvalidAttrNumber)
		*set = bms_add_member(*set, attno - FirstLowInvalidHeapAttributeNumber);
}

/*
 * Returns what the hooks know about a relation, looking it up once per
 * relation until it changes: O(1) for every relation but the first sight.
 * The entry lives until the next invalidation: callers read it before any
 * catalog access (which may process invalidations), or copy it.
 */
static const ScopeRel *
scope_rel(Oid relid)
{
	ScopeRel   *sr;
	ScopeRel	fill = {relid, false, NULL, NULL, NULL, NULL};
	HeapTuple	tup;
	MemoryContext old;

	if (scope_rels != NULL &&
		(sr = hash_search(scope_rels, &relid, HASH_FIND, NULL)) != NULL)
		return sr;

	/*
	 * Look it up first, in the caller's memory: the catalog lookups below
	 * may process invalidations, which reset the cache.
	 */
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		Form_pg_class cls = (Form_pg_class) GETSTRUCT(tup);
		Oid			nsp = safeguard_nsp();

		fill.applies = OidIsValid(nsp) && cls->relnamespace == nsp && cls->relrowsecurity &&
			(cls->relkind == RELKIND_RELATION || cls->relkind == RELKIND_PARTITIONED_TABLE);
		ReleaseSysCache(tup);
	}
	if (fill.applies)
	{
		const char *relname = get_rel_name(relid);

		/*
		 * Unlisted columns (and tables), system columns and whole-row
		 * references stay out of every set: guarded.  tableoid is the same
		 * for every row.
		 */
		fill.open = bms_make_singleton(TableOidAttributeNumber - FirstLowInvalidHeapAttributeNumber);
		for (int i = 0; relname != NULL && i < sg_scope_ncolumns; i++)
		{
			const SgScopeColumn *c = &sg_scope_classification[i];

			if (strcmp(c->table, relname) != 0)
				continue;
			switch (c->cls)
			{
				case SG_COL_OPEN:
					add_column(&fill.open, relid, c->column);
					break;
				case SG_COL_OWN_ORGANISATION:
					add_column(&fill.own_org, relid, c->column);
					break;
				case SG_COL_OWN_LA:
					add_column(&fill.own_la, relid, c->column);
					break;
				case SG_COL_OWN_PROVIDER:
					add_column(&fill.own_provider, relid, c->column);
					break;
				default:
					break;
			}
		}
	}

	/* Then enter it, with no catalog access in between. */
	if (scope_cxt == NULL)
		scope_cxt = AllocSetContextCreate(CacheMemoryContext, "safeguard scope guard",
										  ALLOCSET_SMALL_SIZES);
	if (scope_rels == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(ScopeRel);
		ctl.hcxt = scope_cxt;
		scope_rels = hash_create("safeguard scope guard relations", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	sr = hash_search(scope_rels, &relid, HASH_ENTER, NULL);
	old = MemoryContextSwitchTo(scope_cxt);
	sr->applies = fill.applies;
	sr->open = bms_copy(fill.open);
	sr->own_org = bms_copy(fill.own_org);
	sr->own_la = bms_copy(fill.own_la);
	sr->own_provider = bms_copy(fill.own_provider);
	MemoryContextSwitchTo(old);
	return sr;
}

/* Copies a cached entry into the caller's memory (safe across invalidations). */
static void
copy_scope_rel(const ScopeRel *from, ScopeRel *to)
{
	to->relid = from->relid;
	to->applies = from->applies;
	to->open = bms_copy(from->open);
	to->own_org = bms_copy(from->own_org);
	to->own_la = bms_copy(from->own_la);
	to->own_provider = bms_copy(from->own_provider);
}

/*--------------------------------------------------------------------------
 * Who reads
 *--------------------------------------------------------------------------
 */

/* What the caller may see, as far as the hooks care. */
typedef struct ScopeCaller
{
	bool		scoped;			/* the policies do not show it every row */
	bool		own_la;			/* may_see_la(own organisation) holds */
	bool		own_provider;	/* acts_for_provider(own organisation) holds */
} ScopeCaller;

/* True while the caller's duties are being looked up (their query is planned too). */
static bool in_caller_lookup = false;

/*
 * Fills *c for the acting role.  Scoped unless it holds a casework duty at
 * the regulator (sg_actor_sees_every_la); a pool login acting without a
 * role set for its transaction, or a lookup nested in the lookup, counts
 * as scoped with no own organisation: the safe answer.
 */
static void
scope_caller(ScopeCaller *c)
{
	const SgActor *volatile a = NULL;

	c->scoped = true;
	c->own_la = c->own_provider = false;
	if (in_caller_lookup || !sg_transaction_role_ok())
		return;
	in_caller_lookup = true;
	PG_TRY();
	{
		a = sg_current_actor();
	}
	PG_FINALLY();
	{
		in_caller_lookup = false;
	}
	PG_END_TRY();
	if (sg_actor_sees_every_la(a))
	{
		c->scoped = false;
		return;
	}
	c->own_la = a->org_id != 0 && sg_actor_may_see_la(a, a->org_id);
	c->own_provider = sg_actor_has(a, SG_DUTY_PROVIDER) && a->org_kind == SG_ORG_PROVIDER;
}

/*
 * Returns true when the hooks apply to this range table entry for the
 * current caller, filling *sr (a copy) and *caller.
 */
static bool
guarded_relation(RangeTblEntry *rte, ScopeRel *sr, ScopeCaller *caller)
{
	const ScopeRel *cached;

	if (!sg_scope_guard || rte->rtekind != RTE_RELATION || rte->inh)
		return false;
	cached = scope_rel(rte->relid);
	if (!cached->applies)
		return false;
	copy_scope_rel(cached, sr);
	/* the user row-level security was applied for (a view's owner, or the caller) */
	if (check_enable_rls(rte->relid, rte->checkAsUser, true) != RLS_ENABLED)
		return false;
	scope_caller(caller);
	return caller->scoped;
}

/*--------------------------------------------------------------------------
 * Clauses
 *--------------------------------------------------------------------------
 */

/* What one relation's guard needs while it looks at clauses and paths. */
typedef struct GuardContext
{
	PlannerInfo *root;
	RelOptInfo *rel;
	ScopeRel	sr;				/* a copy: invalidations may reset the cache */
	ScopeCaller caller;
} GuardContext;

/* Returns true when an expression references a guarded column of the relation. */
static bool
expr_guarded(GuardContext *g, Node *expr)
{
	Bitmapset  *attrs = NULL;
	bool		result;

	pull_varattnos(expr, g->rel->relid, &attrs);
	result = attrs != NULL && !bms_is_subset(attrs, g->sr.open);
	bms_free(attrs);
	return result;
}

/* Returns true when funcid is safeguard.current_organisation(). */
static bool
is_current_organisation(Oid funcid)
{
	char	   *name;
	bool		result;

	if (get_func_namespace(funcid) != safeguard_nsp())
		return false;
	name = get_func_name(funcid);
	result = name != NULL && strcmp(name, "current_organisation") == 0;
	if (name)
		pfree(name);
	return result;
}

/*
 * Returns true when the clause is exactly "col = safeguard.current_organisation()"
 * (int8 equality, either side) on a column whose policy shows this caller
 * its own organisation's rows: it selects only rows the caller may see.
 */
static bool
own_organisation_clause(GuardContext *g, Expr *clause)
{
	OpExpr	   *op;
	Node	   *left;
	Node	   *right;
	Var		   *var;
	FuncExpr   *func;
	int			col;

	if (!IsA(clause, OpExpr))
		return false;
	op = (OpExpr *) clause;
	if (list_length(op->args) != 2 || get_opcode(op->opno) != F_INT8EQ)
		return false;
	left = linitial(op->args);
	right = lsecond(op->args);
	if (IsA(right, Var))
	{
		Node	   *swap = left;

		left = right;
		right = swap;
	}
	if (!IsA(left, Var) || !IsA(right, FuncExpr))
		return false;
	var = (Var *) left;
	func = (FuncExpr *) right;
	if (var->varno != g->rel->relid || var->varlevelsup != 0 || func->args != NIL ||
		!is_current_organisation(func->funcid))
		return false;
	col = var->varattno - FirstLowInvalidHeapAttributeNumber;
	return bms_is_member(col, g->sr.own_org) ||
		(g->caller.own_la && bms_is_member(col, g->sr.own_la)) ||
		(g->caller.own_provider && bms_is_member(col, g->sr.own_provider));
}

/* Returns true for a clause the user wrote (above the policies' security level). */
static bool
user_clause(GuardContext *g, RestrictInfo *rinfo)
{
	return rinfo->security_level > g->rel->baserestrict_min_security;
}

/* Returns true for a user clause that must not steer a scan of the relation. */
static bool
guarded_clause(GuardContext *g, RestrictInfo *rinfo)
{
	return user_clause(g, rinfo) && expr_guarded(g, (Node *) rinfo->clause) &&
		!own_organisation_clause(g, rinfo->clause);
}

/*
 * Marks a clause (and the arms of an OR, which index matching uses one by
 * one) not leakproof: it then runs after the policies and cannot become an
 * index or TID condition.  Returns true when that changed anything.
 */
static bool
mark_not_leakproof(RestrictInfo *rinfo)
{
	bool		changed = rinfo->leakproof;
	ListCell   *lc;

	rinfo->leakproof = false;
	if (rinfo->orclause == NULL)
		return changed;
	foreach(lc, ((BoolExpr *) rinfo->orclause)->args)
	{
		Node	   *arm = lfirst(lc);

		if (IsA(arm, RestrictInfo))
			changed |= mark_not_leakproof((RestrictInfo *) arm);
		else if (is_andclause(arm))
		{
			ListCell   *lc2;

			foreach(lc2, ((BoolExpr *) arm)->args)
				if (IsA(lfirst(lc2), RestrictInfo))
					changed |= mark_not_leakproof(lfirst_node(RestrictInfo, lc2));
		}
	}
	return changed;
}

/*--------------------------------------------------------------------------
 * Paths
 *--------------------------------------------------------------------------
 */

/* Returns true when an index's predicate names a guarded column. */
static bool
index_predicate_guarded(GuardContext *g, IndexOptInfo *index)
{
	return index->indpred != NIL && expr_guarded(g, (Node *) index->indpred);
}

/* Returns true when any pathkey's ordering is that of a guarded column of the relation. */
static bool
pathkeys_guarded(GuardContext *g, List *pathkeys)
{
	ListCell   *lc;

	foreach(lc, pathkeys)
	{
		EquivalenceClass *ec = lfirst_node(PathKey, lc)->pk_eclass;
		ListCell   *lc2;

		foreach(lc2, ec->ec_members)
		{
			EquivalenceMember *em = lfirst(lc2);

			if (bms_is_member(g->rel->relid, em->em_relids) &&
				expr_guarded(g, (Node *) em->em_expr))
				return true;
		}
	}
	return false;
}

/* Returns true when any clause of the list is a guarded clause. */
static bool
any_guarded(GuardContext *g, List *rinfos)
{
	ListCell   *lc;

	foreach(lc, rinfos)
		if (guarded_clause(g, lfirst_node(RestrictInfo, lc)))
			return true;
	return false;
}

/*
 * Returns true when an index scan's first column is bounded by the
 * own-organisation clause: it reads only index entries and rows the caller
 * may see, so neither its order nor the index's predicate depends on
 * anyone else's rows.
 */
static bool
own_organisation_scan(GuardContext *g, IndexPath *ipath)
{
	ListCell   *lc;

	foreach(lc, ipath->indexclauses)
	{
		IndexClause *iclause = lfirst_node(IndexClause, lc);

		if (iclause->indexcol == 0 && own_organisation_clause(g, iclause->rinfo->clause))
			return true;
	}
	return false;
}

/*
 * Returns true when a path lets a guarded clause or column steer the scan:
 * as an index, bitmap or TID condition, or, unless the scan reads only the
 * caller's own organisation's entries, through a partial index's predicate
 * or as the index's order.
 */
static bool
path_steered(GuardContext *g, Path *path)
{
	ListCell   *lc;

	switch (nodeTag(path))
	{
		case T_IndexPath:
			{
				IndexPath  *ipath = (IndexPath *) path;

				foreach(lc, ipath->indexclauses)
					if (guarded_clause(g, lfirst_node(IndexClause, lc)->rinfo))
						return true;
				if (own_organisation_scan(g, ipath))
					return false;
				if (index_predicate_guarded(g, ipath->indexinfo))
					return true;
				if (ipath->indexorderbys != NIL &&
					expr_guarded(g, (Node *) ipath->indexorderbys))
					return true;
				return pathkeys_guarded(g, path->pathkeys);
			}
		case T_BitmapHeapPath:
			return path_steered(g, ((BitmapHeapPath *) path)->bitmapqual);
		case T_BitmapAndPath:
			foreach(lc, ((BitmapAndPath *) path)->bitmapquals)
				if (path_steered(g, lfirst(lc)))
					return true;
			return false;
		case T_BitmapOrPath:
			foreach(lc, ((BitmapOrPath *) path)->bitmapquals)
				if (path_steered(g, lfirst(lc)))
					return true;
			return false;
		case T_TidPath:
			return any_guarded(g, ((TidPath *) path)->tidquals);
		case T_TidRangePath:
			return any_guarded(g, ((TidRangePath *) path)->tidrangequals);
		default:
			return false;
	}
}

/* Removes the paths a guarded clause or column steers; returns true when it removed any. */
static bool
drop_steered_paths(GuardContext *g, List **pathlist)
{
	List	   *kept = NIL;
	ListCell   *lc;
	bool		dropped = false;

	foreach(lc, *pathlist)
	{
		Path	   *path = lfirst(lc);

		if (path_steered(g, path))
			dropped = true;		/* not freed: bitmap paths may share it */
		else
			kept = lappend(kept, path);
	}
	if (dropped)
		*pathlist = kept;
	return dropped;
}

/* Adds a plain sequential scan unless a path needing only the lateral rels remains. */
static void
ensure_plain_path(PlannerInfo *root, RelOptInfo *rel)
{
	ListCell   *lc;

	foreach(lc, rel->pathlist)
		if (bms_equal(PATH_REQ_OUTER((Path *) lfirst(lc)), rel->lateral_relids))
			return;
	add_path(rel, create_seqscan_path(root, rel, rel->lateral_relids, 0));
}

/*
 * Returns true when marking this join clause not leakproof cannot take an
 * index condition from another relation still to be planned: every other
 * relation it references is planned already, or would promote the clause
 * whatever its leakproofness (no policy of its own ranks before it).
 */
static bool
others_planned(GuardContext *g, RestrictInfo *rinfo)
{
	int			relid = -1;

	while ((relid = bms_next_member(rinfo->clause_relids, relid)) >= 0)
	{
		RelOptInfo *other;

		if ((Index) relid == g->rel->relid || relid >= g->root->simple_rel_array_size)
			continue;
		other = g->root->simple_rel_array[relid];
		if (other != NULL && other->pathlist == NIL &&
			rinfo->security_level > other->baserestrict_min_security)
			return false;
	}
	return true;
}

/*
 * Applies the invariants of this file's banner to one relation, after its
 * paths are built and before the cheapest is chosen.
 */
static void
guard_relation(GuardContext *g)
{
	RelOptInfo *rel = g->rel;
	bool		changed = false;
	bool		dropped;
	ListCell   *lc;

	/* 1. Guarded user clauses run after the policies and steer no scan. */
	foreach(lc, rel->baserestrictinfo)
		if (guarded_clause(g, lfirst_node(RestrictInfo, lc)))
			changed |= mark_not_leakproof(lfirst_node(RestrictInfo, lc));
	foreach(lc, rel->joininfo)
		if (guarded_clause(g, lfirst_node(RestrictInfo, lc)))
			changed |= mark_not_leakproof(lfirst_node(RestrictInfo, lc));

	/*
	 * 2. Drop the paths built before: guarded index conditions (base, join
	 * or equivalence-class clauses of parameterized paths), bitmap and TID
	 * conditions, partial indexes whose predicate names a guarded column
	 * (a guarded clause may have proved it), guarded orderings.  Then build the
	 * index paths again, now from the clauses that may steer (a path using
	 * both kinds comes back with the safe ones only), and drop what
	 * equivalence classes derive again.
	 */
	dropped = drop_steered_paths(g, &rel->pathlist);
	dropped |= drop_steered_paths(g, &rel->partial_pathlist);
	if (changed && rel->indexlist != NIL)
	{
		create_index_paths(g->root, rel);
		dropped |= drop_steered_paths(g, &rel->pathlist);
		dropped |= drop_steered_paths(g, &rel->partial_pathlist);
	}
	if (dropped || rel->pathlist == NIL)
		ensure_plain_path(g->root, rel);

	/*
	 * 3. Every user clause left in a scan's filter runs after the policies,
	 * guarded or not: otherwise whether the policies run for an invisible
	 * row (and what that costs) would say whether it matches.  Done after
	 * the paths are built, so that open clauses already chosen as index
	 * conditions keep that role.  Join clauses pushed into parameterized
	 * paths are shared with the other relations: guarded ones are marked
	 * whatever that costs them; open ones only where no relation still to
	 * be planned loses an index condition by it.  The own-organisation
	 * clause stays: it is cheap, and true only of visible rows.
	 */
	foreach(lc, rel->baserestrictinfo)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		if (user_clause(g, rinfo) && !own_organisation_clause(g, rinfo->clause))
			mark_not_leakproof(rinfo);
	}
	for (int pass = 0; pass < 2; pass++)
	{
		foreach(lc, pass == 0 ? rel->pathlist : rel->partial_pathlist)
		{
			Path	   *path = lfirst(lc);
			ListCell   *lc2;

			if (path->param_info == NULL)
				continue;
			foreach(lc2, path->param_info->ppi_clauses)
			{
				RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc2);

				if (!user_clause(g, rinfo) || own_organisation_clause(g, rinfo->clause))
					continue;
				if (guarded_clause(g, rinfo) || others_planned(g, rinfo))
					mark_not_leakproof(rinfo);
			}
		}
	}
}

/* set_rel_pathlist hook: guards each scan of a casework table by a scoped caller. */
static void
sg_scope_set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel, Index rti, RangeTblEntry *rte)
{
	GuardContext g;

	if (prev_set_rel_pathlist)
		prev_set_rel_pathlist(root, rel, rti, rte);
	if (!IS_SIMPLE_REL(rel) || !guarded_relation(rte, &g.sr, &g.caller))
		return;
	g.root = root;
	g.rel = rel;
	guard_relation(&g);
}

/*
 * Returns a copy of a column's statistics that keeps only what describes
 * the column as a whole (null fraction, width, number of distinct values)
 * and none of its slots (most common values and their frequencies,
 * histogram, correlation, ...): values taken from the rows.  NULL when the
 * column has no statistics.
 */
static HeapTuple
stripped_statistics(Oid relid, AttrNumber attnum, bool inh)
{
	HeapTuple	stats;
	HeapTuple	result;
	Relation	pg_statistic;
	Datum		values[Natts_pg_statistic] = {0};
	bool		nulls[Natts_pg_statistic] = {0};
	bool		replace[Natts_pg_statistic] = {0};

	stats = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(attnum),
							BoolGetDatum(inh));
	if (!HeapTupleIsValid(stats))
		return NULL;
	for (int k = 0; k < STATISTIC_NUM_SLOTS; k++)
	{
		values[Anum_pg_statistic_stakind1 - 1 + k] = Int16GetDatum(0);
		values[Anum_pg_statistic_staop1 - 1 + k] = ObjectIdGetDatum(InvalidOid);
		values[Anum_pg_statistic_stacoll1 - 1 + k] = ObjectIdGetDatum(InvalidOid);
		nulls[Anum_pg_statistic_stanumbers1 - 1 + k] = true;
		nulls[Anum_pg_statistic_stavalues1 - 1 + k] = true;
		replace[Anum_pg_statistic_stakind1 - 1 + k] = true;
		replace[Anum_pg_statistic_staop1 - 1 + k] = true;
		replace[Anum_pg_statistic_stacoll1 - 1 + k] = true;
		replace[Anum_pg_statistic_stanumbers1 - 1 + k] = true;
		replace[Anum_pg_statistic_stavalues1 - 1 + k] = true;
	}
	pg_statistic = table_open(StatisticRelationId, AccessShareLock);
	result = heap_modify_tuple(stats, RelationGetDescr(pg_statistic), values, nulls, replace);
	table_close(pg_statistic, AccessShareLock);
	ReleaseSysCache(stats);
	return result;
}

/*
 * get_relation_stats_hook: a guarded column of a casework table is
 * estimated, for a scoped caller, from its statistics stripped of the
 * values found in the rows (stripped_statistics): what ANALYZE saw in other
 * authorities' rows (the most common NHS numbers, how many rows each
 * authority has, the range of dates of birth) must not choose the plan
 * whose timing the caller sees.  Every value of the column is estimated
 * alike; joins and groupings keep the number of distinct values.
 */
static bool
sg_scope_relation_stats(PlannerInfo *root, RangeTblEntry *rte, AttrNumber attnum,
						VariableStatData *vardata)
{
	ScopeCaller caller;
	ScopeRel	sr;

	if (sg_scope_guard && rte->rtekind == RTE_RELATION && !rte->inh)
	{
		const ScopeRel *cached = scope_rel(rte->relid);

		if (cached->applies &&
			!bms_is_member(attnum - FirstLowInvalidHeapAttributeNumber, cached->open) &&
			guarded_relation(rte, &sr, &caller))
		{
			vardata->statsTuple = stripped_statistics(rte->relid, attnum, rte->inh);
			vardata->freefunc = heap_freetuple;
			return true;
		}
	}
	if (prev_relation_stats)
		return prev_relation_stats(root, rte, attnum, vardata);
	return false;
}

/*--------------------------------------------------------------------------
 * SQL
 *--------------------------------------------------------------------------
 */

/*
 * SQL: scope_columns() -> (table_name, column_name, column_class, guarded):
 * the classification the planner hooks apply, one row per column.
 */
Datum
sg_scope_columns(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < sg_scope_ncolumns; i++)
	{
		const SgScopeColumn *c = &sg_scope_classification[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum(c->table);
		values[1] = CStringGetTextDatum(c->column);
		values[2] = CStringGetTextDatum(sg_scope_class_name(c->cls));
		values[3] = BoolGetDatum(sg_scope_class_guarded(c->cls));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * Sends the relcache invalidation of every table under row-level security in
 * schema safeguard, and of duty_grant: every cached plan over them is planned
 * again, and every backend drops its cached grants (duties.c), when this
 * transaction commits.
 */
static void
invalidate_scope(void)
{
	Oid			nsp;
	Relation	pg_class;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	nsp = get_namespace_oid("safeguard", false);
	pg_class = table_open(RelationRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_class_relnamespace, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(nsp));
	scan = systable_beginscan(pg_class, InvalidOid, false, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_class cls = (Form_pg_class) GETSTRUCT(tup);

		if (cls->relrowsecurity || strcmp(NameStr(cls->relname), "duty_grant") == 0)
			CacheInvalidateRelcacheByRelid(cls->oid);
	}
	systable_endscan(scan);
	table_close(pg_class, AccessShareLock);
}

/*
 * Trigger (after each statement on duty_grant and organisation): who acts
 * for what changed, and with it which plans a scoped caller may use, so
 * every cached plan over a table under row-level security in schema
 * safeguard is planned again (relcache invalidation; other sessions when
 * this transaction commits).  duty_grant is always among them: its
 * invalidation is also what drops every backend's cached grants (duties.c).
 */
Datum
sg_scope_changed(PG_FUNCTION_ARGS)
{
	(void) sg_trigger_data(fcinfo, "scope_changed", false, false);
	invalidate_scope();
	return PointerGetDatum(NULL);
}

/*
 * Trigger (after each row on duty_grant and organisation): the same, while
 * logical replication applies changes (session_replication_role = replica).
 * The apply worker fires no statement trigger, so without this a grant,
 * revoke or change of organisation replicated to a warehouse would not reach
 * the warehouse's sessions that hold the role's grants.  Anywhere else
 * scope_changed has done it once per statement, and this does nothing.
 */
Datum
sg_scope_changed_replicated(PG_FUNCTION_ARGS)
{
	(void) sg_trigger_data(fcinfo, "scope_changed_replicated", true, false);
	if (SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA)
		invalidate_scope();
	return PointerGetDatum(NULL);
}

/*--------------------------------------------------------------------------
 * Loading
 *--------------------------------------------------------------------------
 */

/* Installs the planner hooks and the cache callbacks; defines safeguard.scope_guard. */
void
sg_scope_guard_init(void)
{
	DefineCustomBoolVariable("safeguard.scope_guard",
							 "Keeps a role that sees only some casework rows from learning about the others through its query plans.",
							 "For a role under row-level security that does not see every row of a casework "
							 "table: predicates on identifying, free-text and organisation columns never choose "
							 "an index, every predicate of the role runs after the policies, and those columns "
							 "are estimated without the values their statistics hold. Turning it off "
							 "(superusers only) restores PostgreSQL's plans, e.g. to measure what it costs.",
							 &sg_scope_guard,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	CacheRegisterRelcacheCallback(scope_relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, scope_namespace_callback, (Datum) 0);

	prev_set_rel_pathlist = set_rel_pathlist_hook;
	set_rel_pathlist_hook = sg_scope_set_rel_pathlist;
	prev_relation_stats = get_relation_stats_hook;
	get_relation_stats_hook = sg_scope_relation_stats;
}
