/*
 * ddl_guard.c
 *		The event trigger that stands between DDL and safeguard's objects.
 *
 * Owns safeguard.guard_ddl(), fired at ddl_command_end and sql_drop.
 *
 * Invariants:
 *	- Outside CREATE/ALTER EXTENSION scripts, DDL touching an object in
 *	  schema safeguard (ALTER TABLE ... DISABLE TRIGGER, DROP TRIGGER, DROP
 *	  POLICY, NO FORCE ROW LEVEL SECURITY, CREATE RULE, SET UNLOGGED, ...)
 *	  is refused with SG403 for any role that is not a superuser.  The
 *	  tables belong to the NOLOGIN role safeguard_owner, so ordinarily no
 *	  other role could run such DDL at all; this closes the door for a role
 *	  someone made a member of it.
 *	- A superuser cannot be prevented; their DDL on safeguard's objects is
 *	  written into the audit chain (chain "table:ddl") in the same
 *	  transaction, so verification and journeys show it.
 *	- DROP EXTENSION safeguard is left alone, and so are the GRANTs and
 *	  REVOKEs a superuser's restore replays (restore.c, docs/backup.md).
 */
#include "postgres.h"

#include "audit.h"
#include "restore.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"

#include "access/xact.h"
#include "commands/event_trigger.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "nodes/pg_list.h"
#include "tcop/deparse_utility.h"
#include "utils/aclchk_internal.h"
#include "utils/lsyscache.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

PG_FUNCTION_INFO_V1(sg_guard_ddl);

/* Returns {"command": tag, "object_type": type} as jsonb. */
static Jsonb *
ddl_document(const char *tag, const char *type)
{
	JsonbParseState *state = NULL;
	JsonbValue	k,
				v;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = "command";
	k.val.string.len = 7;
	pushJsonbValue(&state, WJB_KEY, &k);
	v.type = jbvString;
	v.val.string.val = (char *) tag;
	v.val.string.len = strlen(tag);
	pushJsonbValue(&state, WJB_VALUE, &v);
	k.val.string.val = "object_type";
	k.val.string.len = 11;
	pushJsonbValue(&state, WJB_KEY, &k);
	v.val.string.val = (char *) type;
	v.val.string.len = strlen(type);
	pushJsonbValue(&state, WJB_VALUE, &v);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* Writes one DDL record into the audit chain (inside an SPI connection). */
static void
record_ddl(const char *tag, const char *type, const char *identity)
{
	Datum		values[SG_AUDIT_NFIELDS];
	bool		nulls[SG_AUDIT_NFIELDS];

	memset(nulls, 0, sizeof(nulls));
	values[0] = TimestampTzGetDatum(GetCurrentTimestamp());
	values[1] = TimestampTzGetDatum(sg_now());
	values[2] = FullTransactionIdGetDatum(GetTopFullTransactionId());
	values[3] = CStringGetTextDatum(GetUserNameFromId(GetSessionUserId(), false));
	values[4] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	nulls[5] = nulls[6] = true;
	values[7] = CStringGetTextDatum("ddl");
	values[8] = CStringGetTextDatum(identity);
	nulls[9] = true;
	values[10] = CStringGetTextDatum("DDL");
	nulls[11] = nulls[12] = true;
	values[13] = JsonbPGetDatum(ddl_document(tag, type));
	values[14] = CStringGetTextDatum(application_name ? application_name : "");
	nulls[15] = true;
	sg_audit_append(values, nulls);
}

/*
 * Returns true when a GRANT or REVOKE being reported names an object in
 * schema safeguard (the command lists objects by OID, not by schema).
 */
static bool
grant_touches_safeguard(void)
{
	Oid			nsp = get_namespace_oid("safeguard", true);
	bool		touches = false;

	if (SPI_execute("SELECT command FROM pg_catalog.pg_event_trigger_ddl_commands()", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "guard_ddl: could not list the commands");
	for (uint64 i = 0; i < SPI_processed && !touches; i++)
	{
		bool		isnull;
		CollectedCommand *cmd = (CollectedCommand *)
			DatumGetPointer(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		ListCell   *lc;

		if (isnull || cmd == NULL || cmd->type != SCT_Grant)
			continue;
		foreach(lc, cmd->d.grant.istmt->objects)
		{
			Oid			objid = lfirst_oid(lc);
			Oid			objnsp = InvalidOid;

			switch (cmd->d.grant.istmt->objtype)
			{
				case OBJECT_TABLE:
				case OBJECT_SEQUENCE:
					objnsp = get_rel_namespace(objid);
					break;
				case OBJECT_FUNCTION:
				case OBJECT_PROCEDURE:
				case OBJECT_ROUTINE:
					objnsp = get_func_namespace(objid);
					break;
				case OBJECT_SCHEMA:
					objnsp = objid;
					break;
				default:
					break;
			}
			if (OidIsValid(objnsp) && objnsp == nsp)
				touches = true;
		}
	}
	return touches;
}

/* Event trigger: refuses, or records, DDL on safeguard's objects. */
Datum
sg_guard_ddl(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	const char *tag;
	bool		drop;
	uint64		n;
	char	  **types;
	char	  **identities;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("guard_ddl: not fired by an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	tag = GetCommandTagName(trigdata->tag);
	if (creating_extension || strcmp(tag, "DROP EXTENSION") == 0 ||
		strcmp(tag, "ALTER EXTENSION") == 0)
		PG_RETURN_NULL();
	/* pg_restore re-applies the dumped privileges: the restored chains hold the history */
	if (sg_restore_session() && (strcmp(tag, "GRANT") == 0 || strcmp(tag, "REVOKE") == 0))
		PG_RETURN_NULL();
	drop = strcmp(trigdata->event, "sql_drop") == 0;

	sg_spi_connect();
	if (SPI_execute(drop ?
					"SELECT object_type, object_identity FROM pg_catalog.pg_event_trigger_dropped_objects() "
					"WHERE schema_name OPERATOR(pg_catalog.=) 'safeguard' "
					"OR object_identity OPERATOR(pg_catalog.~~) '% on safeguard.%'" :
					"SELECT c.object_type, c.object_identity FROM pg_catalog.pg_event_trigger_ddl_commands() c "
					"WHERE c.schema_name OPERATOR(pg_catalog.=) 'safeguard' "
					"OR c.object_identity OPERATOR(pg_catalog.~~) '% on safeguard.%' "
					"OR (c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_trigger'::pg_catalog.regclass AND EXISTS ("
					"  SELECT 1 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) t.tgrelid "
					"  WHERE t.oid OPERATOR(pg_catalog.=) c.objid AND r.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace)) "
					"OR (c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_policy'::pg_catalog.regclass AND EXISTS ("
					"  SELECT 1 FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) p.polrelid "
					"  WHERE p.oid OPERATOR(pg_catalog.=) c.objid AND r.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace)) "
					"OR (c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND EXISTS ("
					"  SELECT 1 FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) w.ev_class "
					"  WHERE w.oid OPERATOR(pg_catalog.=) c.objid AND r.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace))",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "guard_ddl: could not list the objects");
	n = SPI_processed;
	types = palloc(sizeof(char *) * Max(n, 1));
	identities = palloc(sizeof(char *) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		types[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		identities[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
	}
	if (n == 0 && !drop && (strcmp(tag, "GRANT") == 0 || strcmp(tag, "REVOKE") == 0) &&
		grant_touches_safeguard())
	{
		n = 1;
		types[0] = "privileges";
		identities[0] = "on a safeguard object";
	}
	if (n > 0 && !superuser())
		ereport(ERROR,
				(errcode(ERRCODE_SG_PROTECTED_OBJECT),
				 errmsg("%s on safeguard's objects is not allowed", tag),
				 errdetail("%s %s belongs to the safeguard extension.", types[0], identities[0]),
				 errhint("safeguard's objects change only through its extension scripts (ALTER EXTENSION safeguard UPDATE).")));
	for (uint64 i = 0; i < n; i++)
		record_ddl(tag, types[i] ? types[i] : "", identities[i] ? identities[i] : "");
	sg_spi_finish();
	PG_RETURN_NULL();
}
