/*
 * audit.c
 *		The audit trail: one row per insert, update or delete of every workflow
 *		table, written in the same transaction, and nothing else may touch it.
 *
 * Owns the triggers audit_row (AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW
 * on every workflow table), audit_guard (on audit_event itself) and
 * refuse_truncate (BEFORE TRUNCATE on every safeguard table), and
 * sg_audit_record(), which also writes the BASELINE rows of
 * ledger_baseline() (audit_ledger.c).
 *
 * Invariants:
 *	- An audit row records the acting login role and current role, the
 *	  organisation and duty, clock time and safeguard time, the transaction
 *	  id, table, key, case, transition (from -> to), and old and new values
 *	  of the changed columns in canonical text (canonical.c), plus
 *	  application_name and client address.  A deleted row is recorded as
 *	  an inserted one is: every non-null column, as it was.
 *	- audit_event accepts INSERTs only from safeguard itself; UPDATE and
 *	  DELETE are refused for everyone, the owner included, and TRUNCATE is
 *	  refused by a statement trigger.  Superusers can still disable
 *	  triggers: the later tamper-evidence layer detects that; this file
 *	  keeps its column layout stable for it (hash columns are added, none
 *	  changed).
 *	- The audit row runs AFTER the row is final, so it records what was
 *	  stored, not what a BEFORE trigger was given.
 */
#include "postgres.h"

#include "audit.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"

#include "access/htup_details.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

PG_FUNCTION_INFO_V1(sg_audit_row);
PG_FUNCTION_INFO_V1(sg_audit_guard);
PG_FUNCTION_INFO_V1(sg_refuse_truncate);

/*
 * Duties noted by guards for the rows they let through; the AFTER trigger
 * of the same statement picks them up.  A small ring is enough: AFTER row
 * triggers fire at the end of each statement, and a miss only means the
 * audit row names the actor's duties instead of the one used.
 */
#define DUTY_NOTES 64
typedef struct DutyNote
{
	LocalTransactionId lxid;
	Oid			relid;
	int64		key;
	SgDuty		duty;
} DutyNote;
static DutyNote duty_notes[DUTY_NOTES];
static int	next_note = 0;

/* Records that duty d authorised the change to row key of relation relid. */
void
sg_audit_note_duty(Oid relid, int64 key, SgDuty d)
{
	DutyNote   *n = &duty_notes[next_note];

	n->lxid = MyProc->lxid;
	n->relid = relid;
	n->key = key;
	n->duty = d;
	next_note = (next_note + 1) % DUTY_NOTES;
}

/*
 * Notes for a row safeguard writes as a consequence of the latest action of
 * this transaction (a referral following the council's records) that
 * action's duty, so that an earlier note for the same row (its sending, in
 * the same transaction) does not stand for it.
 */
void
sg_audit_note_consequence(Oid relid, int64 key)
{
	DutyNote   *n = &duty_notes[(next_note - 1 + DUTY_NOTES) % DUTY_NOTES];

	if (n->lxid == MyProc->lxid)
		sg_audit_note_duty(relid, key, n->duty);
}

/*
 * Returns the duty noted for a row; else the duty of the latest action in
 * this transaction (a row safeguard wrote as a consequence of it, such as
 * the referral a triage decision creates); else the actor's first duty; or
 * -1 when the actor holds none.
 */
static int
noted_duty(Oid relid, int64 key, const SgActor *a)
{
	int			latest = -1;

	/* newest first: the same row may change twice in one transaction */
	for (int k = 1; k <= DUTY_NOTES; k++)
	{
		DutyNote   *n = &duty_notes[(next_note - k + DUTY_NOTES) % DUTY_NOTES];

		if (n->lxid != MyProc->lxid)
			continue;
		if (n->relid == relid && n->key == key)
			return n->duty;
		if (latest < 0)
			latest = n->duty;
	}
	if (latest >= 0 && sg_internal_writing())
		return latest;
	for (int d = 0; d < SG_NDUTIES; d++)
		if (a->duties & SG_DUTY_BIT(d))
			return d;
	return -1;
}

/* Appends key: value (canonical text or null) to a jsonb object being built. */
static void
push_value(JsonbParseState **state, const char *key, bool isnull, Datum v, Oid typid)
{
	JsonbValue	k,
				val;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(state, WJB_KEY, &k);
	if (isnull)
		val.type = jbvNull;
	else
	{
		char	   *s = sg_canonical_text(v, typid);

		val.type = jbvString;
		val.val.string.val = s;
		val.val.string.len = strlen(s);
	}
	pushJsonbValue(state, WJB_VALUE, &val);
}

/*
 * Builds the changes document: for an insert, every non-null column; for an
 * update, {"column": {"old": ..., "new": ...}} for each changed column.
 */
static Jsonb *
changes_document(TupleDesc desc, HeapTuple oldtup, HeapTuple newtup, char **text)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;
	SgRowPair	pair;

	if (oldtup != NULL)
		sg_row_pair(oldtup, newtup, desc, &pair);
	else
	{
		pair.new_values = palloc(desc->natts * sizeof(Datum));
		pair.new_nulls = palloc(desc->natts * sizeof(bool));
		heap_deform_tuple(newtup, desc, pair.new_values, pair.new_nulls);
	}
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);

		if (att->attisdropped)
			continue;
		if (oldtup == NULL)
		{
			if (!pair.new_nulls[i])
				push_value(&state, name, false, pair.new_values[i], att->atttypid);
			continue;
		}
		if (!pair.changed[i])
			continue;
		{
			JsonbValue	k;

			k.type = jbvString;
			k.val.string.val = (char *) name;
			k.val.string.len = strlen(name);
			pushJsonbValue(&state, WJB_KEY, &k);
			pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
			push_value(&state, "old", pair.old_nulls[i], pair.old_values[i], att->atttypid);
			push_value(&state, "new", pair.new_nulls[i], pair.new_values[i], att->atttypid);
			pushJsonbValue(&state, WJB_END_OBJECT, NULL);
		}
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	*text = sg_jsonb_value_text(res);
	return JsonbValueToJsonb(res);
}

/*
 * Returns the provider enquiry a row outside any case belongs to, or 0.
 * source is audit_row's fourth argument: the column holding the enquiry
 * ("enquiry_id"; "id" on provider_enquiry itself), or the column leading to
 * it: "meeting_id" (an enquiry meeting), "plan_id" (an improvement plan),
 * "subject_id" (a deadline or alert whose subject is an enquiry),
 * "deadline_id" (a pause or approval of such a deadline).  Inside an SPI
 * connection.
 */
static int64
enquiry_of_row(const char *source, HeapTuple tup, TupleDesc desc)
{
	static const struct
	{
		const char *column;
		const char *sql;
	}			lookups[] = {
		{"meeting_id", "SELECT enquiry_id FROM safeguard.enquiry_meeting WHERE id OPERATOR(pg_catalog.=) $1"},
		{"plan_id", "SELECT enquiry_id FROM safeguard.improvement_plan WHERE id OPERATOR(pg_catalog.=) $1"},
		{"deadline_id", "SELECT subject_id FROM safeguard.deadline WHERE id OPERATOR(pg_catalog.=) $1 "
		"AND subject_table OPERATOR(pg_catalog.=) 'provider_enquiry'"},
	};
	int64		value = sg_get_int64(tup, desc, source);

	if (value == 0)
		return 0;
	if (strcmp(source, "subject_id") == 0)
	{
		char	   *subject = sg_get_cstring(tup, desc, "subject_table");

		return subject && strcmp(subject, "provider_enquiry") == 0 ? value : 0;
	}
	for (int i = 0; i < lengthof(lookups); i++)
	{
		if (strcmp(source, lookups[i].column) == 0)
		{
			Oid			types[1] = {INT8OID};
			Datum		values[1] = {Int64GetDatum(value)};
			bool		isnull;
			Datum		v;

			if (sg_exec_internal(lookups[i].sql, 1, types, values, NULL) != 1)
				return 0;
			v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
			return isnull ? 0 : DatumGetInt64(v);
		}
	}
	return value;
}

/*
 * Writes the audit row of one change to a row of relation relid (named
 * relname): action is INSERT, UPDATE, DELETE or BASELINE (the row as found
 * when the ledger began, ledger_baseline()); oldtup is NULL for INSERT and
 * BASELINE, newtup NULL for DELETE; desc describes both tuples by column
 * name (a relation's, or a query's over it); args are audit_row's nargs
 * trigger arguments (key_column, state_column, case_column [,
 * enquiry_source]).  A row of a case joins the case's chain; else a row
 * of a provider enquiry (enquiry_source, see enquiry_of_row) joins that
 * enquiry's chain, so that the work of different enquiries never queues on
 * one chain; else the table's chain.  An UPDATE that changed nothing
 * writes nothing.
 */
void
sg_audit_record(Oid relid, const char *relname, TupleDesc desc, char **args, int nargs,
				const char *action, HeapTuple oldtup, HeapTuple newtup)
{
	bool		is_update = newtup != NULL && oldtup != NULL;
	HeapTuple	row = newtup != NULL ? newtup : oldtup;
	const SgActor *actor;
	int			duty;
	Datum		values[SG_AUDIT_NFIELDS];
	bool		nulls[SG_AUDIT_NFIELDS];
	char	   *key;
	char	   *from_state = NULL;
	char	   *to_state = NULL;
	int64		case_id = 0;
	char	   *chain_key = NULL;
	Jsonb	   *changes;
	char	   *changes_text;

	if (nargs < 3)
		elog(ERROR, "safeguard: audit_row of %s has %d arguments", relname, nargs);
	/* a deleted row is recorded as it was, like an inserted one */
	changes = changes_document(desc, is_update ? oldtup : NULL, row, &changes_text);
	if (is_update && JB_ROOT_COUNT(changes) == 0)
		return;					/* nothing changed: nothing to record */

	key = sg_get_label(row, desc, args[0]);
	if (key == NULL)
		elog(ERROR, "audit_row: %s has no key in column \"%s\"", relname, args[0]);
	if (args[1][0] != '\0')
	{
		if (newtup != NULL)
			to_state = sg_get_label(newtup, desc, args[1]);
		if (oldtup != NULL)
			from_state = sg_get_label(oldtup, desc, args[1]);
	}
	if (args[2][0] != '\0')
		case_id = sg_get_int64(row, desc, args[2]);

	actor = sg_current_actor();
	duty = noted_duty(relid, strtoi64(key, NULL, 10), actor);

	memset(nulls, 0, sizeof(nulls));
	values[SG_AUDIT_F_RECORDED_AT] = TimestampTzGetDatum(GetCurrentTimestamp());
	values[SG_AUDIT_F_BUSINESS_TIME] = TimestampTzGetDatum(sg_now());
	values[SG_AUDIT_F_TXID] = FullTransactionIdGetDatum(GetTopFullTransactionId());
	values[SG_AUDIT_F_LOGIN_ROLE] = CStringGetTextDatum(GetUserNameFromId(GetSessionUserId(), false));
	values[SG_AUDIT_F_ACTING_ROLE] = CStringGetTextDatum(GetUserNameFromId(sg_acting_userid(), false));
	values[SG_AUDIT_F_ORGANISATION_ID] = Int64GetDatum(actor->org_id);
	nulls[SG_AUDIT_F_ORGANISATION_ID] = actor->org_id == 0;
	values[SG_AUDIT_F_DUTY] = duty >= 0 ? CStringGetTextDatum(sg_duty_name((SgDuty) duty)) : (Datum) 0;
	nulls[SG_AUDIT_F_DUTY] = duty < 0;
	values[SG_AUDIT_F_TABLE_NAME] = CStringGetTextDatum(relname);
	values[SG_AUDIT_F_ROW_KEY] = CStringGetTextDatum(key);
	values[SG_AUDIT_F_CASE_ID] = Int64GetDatum(case_id);
	nulls[SG_AUDIT_F_CASE_ID] = case_id == 0;
	values[SG_AUDIT_F_ACTION] = CStringGetTextDatum(action);
	values[SG_AUDIT_F_FROM_STATE] = from_state ? CStringGetTextDatum(from_state) : (Datum) 0;
	nulls[SG_AUDIT_F_FROM_STATE] = from_state == NULL;
	values[SG_AUDIT_F_TO_STATE] = to_state ? CStringGetTextDatum(to_state) : (Datum) 0;
	nulls[SG_AUDIT_F_TO_STATE] = to_state == NULL;
	values[SG_AUDIT_F_CHANGES] = JsonbPGetDatum(changes);
	values[SG_AUDIT_F_APPLICATION_NAME] = CStringGetTextDatum(application_name ? application_name : "");
	{
		LOCAL_FCINFO(fc, 0);

		InitFunctionCallInfoData(*fc, NULL, 0, InvalidOid, NULL, NULL);
		values[SG_AUDIT_F_CLIENT_ADDR] = inet_client_addr(fc);
		nulls[SG_AUDIT_F_CLIENT_ADDR] = fc->isnull;
	}

	sg_spi_connect();
	if (case_id == 0 && nargs >= 4 && args[3][0] != '\0')
	{
		int64		enquiry = enquiry_of_row(args[3], row, desc);

		if (enquiry != 0)
			chain_key = psprintf("enquiry:" INT64_FORMAT, enquiry);
	}
	sg_audit_append_to(values, nulls, chain_key, changes_text);
	sg_spi_finish();
}

/*
 * Trigger: audit_row(key_column, state_column, case_column [, enquiry_source]),
 * AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW.  state_column and
 * case_column may be ''.  (Deletes are recorded since 1.4: the guards refuse them on every
 * table but the policies, whose unused versions an administrator may
 * delete.)
 */
Datum
sg_audit_row(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "audit_row", true, false);
	Relation	rel = td->tg_relation;
	Trigger    *trig = td->tg_trigger;
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	bool		is_delete = TRIGGER_FIRED_BY_DELETE(td->tg_event);

	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event) && !is_update && !is_delete)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("audit_row: must be fired for INSERT, UPDATE or DELETE")));
	if (trig->tgnargs != 3 && trig->tgnargs != 4)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("audit_row: expects (key_column, state_column, case_column [, enquiry_source])")));

	sg_audit_record(RelationGetRelid(rel), RelationGetRelationName(rel), RelationGetDescr(rel),
					trig->tgargs, trig->tgnargs, is_update ? "UPDATE" : is_delete ? "DELETE" : "INSERT",
					is_update || is_delete ? td->tg_trigtuple : NULL,
					is_update ? td->tg_newtuple : is_delete ? NULL : td->tg_trigtuple);
	return PointerGetDatum(NULL);
}

/*
 * Trigger on audit_event: rows come only from safeguard (audit_row), and
 * are never updated or deleted, by anyone.
 */
Datum
sg_audit_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "audit_guard", true, true);

	if (TRIGGER_FIRED_BY_INSERT(td->tg_event) && sg_internal_writing())
		return PointerGetDatum(td->tg_trigtuple);
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_SG_IMMUTABLE_RECORD),
				 errmsg("audit rows are written only by safeguard"),
				 errdetail("An audit row records a change safeguard saw happen; it cannot be inserted directly."),
				 errhint("Make the change itself; its audit row follows.")));
	sg_refuse_change("audit rows", TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? "updated" : "deleted",
					 "The audit trail is append-only.");
	pg_unreachable();
}

/* Trigger: BEFORE TRUNCATE on every safeguard table refuses it. */
Datum
sg_refuse_truncate(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "refuse_truncate", false, true);

	ereport(ERROR,
			(errcode(ERRCODE_SG_IMMUTABLE_RECORD),
			 errmsg("%s cannot be truncated", RelationGetRelationName(td->tg_relation)),
			 errdetail("safeguard's tables are a permanent record."),
			 errhint("Nothing in safeguard is removed in bulk.")));
	pg_unreachable();
}
