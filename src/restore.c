/*
 * restore.c
 *		Dump and restore: how safeguard's triggers recognise the supported
 *		restore procedure (docs/backup.md), and refuse a restore without it.
 *
 * Owns safeguard.restoring(), which every row trigger on safeguard's tables
 * tests in its WHEN clause since 1.2, and the trigger _restore_guard (BEFORE
 * INSERT FOR EACH ROW on every table pg_dump keeps).
 *
 * Invariants:
 *	- A session is restoring only while it runs a COPY FROM or a CREATE
 *	  EXTENSION (what pg_restore loads safeguard with), with
 *	  session_replication_role = replica, and both its session user and its
 *	  current user are superusers.  A superuser can disable triggers anyway;
 *	  no other role gains anything: setting session_replication_role needs a
 *	  superuser or a GRANT SET ON PARAMETER, and such a grantee still fails
 *	  the superuser test.  Writes safeguard makes itself run as
 *	  safeguard_owner, never a superuser.  Under replica, UPDATE, DELETE and
 *	  INSERT statements meet the guards as ever: a restore only adds rows.
 *	- While restoring, the guard and audit triggers do not fire, so a
 *	  restored row is stored exactly as dumped: actors, times, states,
 *	  pseudonyms and hashes.  _restore_guard replaces a row CREATE EXTENSION
 *	  installed with the dumped row of the same key (the divisions, with any
 *	  coverage an import added; the pseudonym secret); nothing else is
 *	  changed.
 *	- The privileges pg_restore replays after the data (GRANT and REVOKE
 *	  in a restore session) are not recorded again by the DDL guard: the
 *	  restored chains already hold the history, and must stay as dumped.
 *	- Outside a restore, a superuser's COPY FROM into a dumped table is
 *	  refused (SG701) before any other trigger sees a row: it is a restore
 *	  without the procedure, whose rows the guards would refuse or stamp
 *	  anew and whose audit rows would collide with the dumped chains.
 *	  Other roles meet the guards exactly as before.
 */
#include "postgres.h"

#include "restore.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"

#include "commands/trigger.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "tcop/pquery.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/portal.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(sg_restoring_sql);
PG_FUNCTION_INFO_V1(sg_restore_guard);

/*
 * Returns true when the statement the client is running is a COPY FROM, or
 * (with_create) a CREATE EXTENSION: the statements pg_restore loads safeguard
 * with.
 */
static bool
restore_statement_running(bool with_create)
{
	Portal		portal = ActivePortal;
	ListCell   *lc;

	if (portal == NULL)
		return false;
	if (with_create && portal->commandTag == CMDTAG_CREATE_EXTENSION)
		return true;
	if (portal->commandTag != CMDTAG_COPY)
		return false;
	foreach(lc, portal->stmts)
	{
		Node	   *stmt = (Node *) lfirst(lc);

		if (IsA(stmt, PlannedStmt))
			stmt = ((PlannedStmt *) stmt)->utilityStmt;
		if (stmt != NULL && IsA(stmt, CopyStmt) && ((CopyStmt *) stmt)->is_from)
			return true;
	}
	return false;
}

/*
 * Returns true when the session is set up as a restore: session_replication_role
 * is replica and both the session user and the current user are superusers.
 */
bool
sg_restore_session(void)
{
	return SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA &&
		superuser_arg(GetSessionUserId()) && superuser_arg(GetUserId());
}

/*
 * Returns true while a restore session runs a COPY FROM or CREATE EXTENSION
 * (the statements pg_restore loads safeguard with): it is restoring a dump.
 */
bool
sg_restoring(void)
{
	return sg_restore_session() && restore_statement_running(true);
}

/* SQL: safeguard.restoring(). */
Datum
sg_restoring_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sg_restoring());
}

/*
 * Deletes the row of rel that has the same values as tup in the columns the
 * trigger names: the row CREATE EXTENSION installed, which the dumped row
 * replaces.  Runs as the restoring superuser, whose deletes no trigger
 * guards (they are skipped while restoring).
 */
static void
replace_installed_row(Relation rel, Trigger *trigger, HeapTuple tup)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			n = trigger->tgnargs;
	Oid		   *types = palloc(sizeof(Oid) * n);
	Datum	   *values = palloc(sizeof(Datum) * n);
	char	   *nulls = palloc(n + 1);
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfo(&sql, "DELETE FROM %s WHERE ",
					 quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
												RelationGetRelationName(rel)));
	for (int i = 0; i < n; i++)
	{
		int			attnum = sg_attnum(desc, trigger->tgargs[i]);
		bool		isnull;

		types[i] = TupleDescAttr(desc, attnum - 1)->atttypid;
		values[i] = heap_getattr(tup, attnum, desc, &isnull);
		nulls[i] = isnull ? 'n' : ' ';
		appendStringInfo(&sql, "%s%s OPERATOR(pg_catalog.=) $%d",
						 i > 0 ? " AND " : "", quote_identifier(trigger->tgargs[i]), i + 1);
	}
	nulls[n] = '\0';
	sg_spi_connect();
	if (SPI_execute_with_args(sql.data, n, types, values, nulls, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "restore_guard: could not replace the installed row of %s",
			 RelationGetRelationName(rel));
	sg_spi_finish();
}

/*
 * Trigger _restore_guard: BEFORE INSERT FOR EACH ROW on every table pg_dump
 * keeps.  Arguments: the key columns whose installed row a restored row
 * replaces (none for tables CREATE EXTENSION leaves empty).
 */
Datum
sg_restore_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = sg_trigger_data(fcinfo, "restore_guard", true, true);
	Relation	rel = trigdata->tg_relation;

	if (!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("restore_guard: must be fired for INSERT")));
	if (sg_restoring())
	{
		if (trigdata->tg_trigger->tgnargs > 0)
			replace_installed_row(rel, trigdata->tg_trigger, trigdata->tg_trigtuple);
	}
	else if (!sg_internal_writing() && superuser() && restore_statement_running(false))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RESTORE_PROCEDURE),
				 errmsg("COPY into safeguard.%s outside the restore procedure",
						RelationGetRelationName(rel)),
				 errdetail("A superuser's COPY FROM into safeguard's tables is a restore; "
						   "without the procedure safeguard's guards would refuse its rows "
						   "or stamp them anew, and its audit rows would collide with the chains."),
				 errhint("Restore into an empty database as a superuser with session_replication_role = replica, "
						 "e.g. PGOPTIONS='-c session_replication_role=replica' pg_restore --single-transaction; "
						 "see docs/backup.md.")));
	return PointerGetDatum(trigdata->tg_trigtuple);
}
