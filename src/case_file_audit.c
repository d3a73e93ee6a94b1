/*
 * case_file_audit.c
 *		Case-file audit programmes: audit tools and their questions,
 *		programmes, the recorded random selection of the records to audit,
 *		the audits with their graded answers, the practitioner's
 *		acknowledgement, and the actions an audit sets.  Owns the triggers
 *		assurance_guard and assurance_after on those tables, and the SQL
 *		functions select_audit_sample() and verify_audit_selection().  The
 *		data (kinds of record, the draw) is assurance.c.
 *
 * Invariants:
 *	- Everything belongs to one organisation (a local authority, or the
 *	  regulator for audits of referrals), stamped from the actor, and only
 *	  its SAM or administrator (DSAM) defines tools and programmes and
 *	  draws samples; row-level security shows each organisation its own.
 *	- A tool version with questions is frozen once a programme uses it; a
 *	  programme needs a tool with at least one question (SG901, SG902).
 *	- A selection keeps its seed, candidates, auditors and conflicts, and
 *	  is written only by safeguard; verify_audit_selection() derives it
 *	  again from them.  A period with no candidates draws nothing (SG903).
 *	- An auditor never audits a record they acted on: a stamp of the record
 *	  or an audit row of it names them (SG904), checked at the draw, on
 *	  reassignment, on every answer and on completion.
 *	- Only the assigned auditor grades and completes, every question graded
 *	  (SG905); only the practitioner acknowledges; both acknowledgement and
 *	  actions have deadlines on the policies' ladders.  Nothing is deleted.
 */
#include "postgres.h"

#include "actions.h"
#include "assurance.h"
#include "audit.h"
#include "deadline.h"
#include "outbox.h"
#include "safeguard.h"
#include "sg_errcodes.h"
#include "spi_util.h"
#include "transition.h"
#include "validate.h"

#include "catalog/pg_type.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "port.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_assurance_guard);
PG_FUNCTION_INFO_V1(sg_assurance_after);
PG_FUNCTION_INFO_V1(sg_select_audit_sample);
PG_FUNCTION_INFO_V1(sg_verify_audit_selection);

/* the duties that may audit for a local authority, and for the regulator */
#define LA_AUDITORS (SG_DUTY_BIT(SG_DUTY_LA_OFFICER) | SG_DUTY_BIT(SG_DUTY_SAM) | SG_DUTY_BIT(SG_DUTY_ADMIN))
#define REGULATOR_AUDITORS (SG_DUTY_BIT(SG_DUTY_INSPECTOR) | SG_DUTY_BIT(SG_DUTY_ADMIN))
#define ANY_DUTY ((uint32) ((1u << SG_NDUTIES) - 1))

/* What the rules need of a case-file audit. */
typedef struct Audit
{
	int64		id;
	int64		org_id;
	int64		programme_id;
	int64		tool_id;
	int64		record_id;
	const SgAuditKindRule *kind;
	Oid			auditor;
	Oid			practitioner;
	char	   *state;
} Audit;

/* Returns true when a text column holds text that shows. */
static bool
present(HeapTuple tup, TupleDesc desc, const char *column)
{
	char	   *s = sg_get_cstring(tup, desc, column);

	return s != NULL && sg_text_present(s, strlen(s));
}

/* Raises SG202 for a missing value. */
static void
missing(const char *what, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_REQUIRED_FIELD),
			 errmsg("%s is required", what),
			 errhint("%s", hint)));
}

/* Raises SG208: a record that does not exist or that the caller may not see. */
static void
not_found(const char *what, int64 id)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_NOT_FOUND),
			 errmsg("%s " INT64_FORMAT " does not exist or is not visible to you", what, id),
			 errhint("Assurance records are seen by the organisation that owns them only.")));
}

/*
 * Returns the kept copy of a statement built for one kind of record.
 * sg_exec_internal keeps plans by the statement's address, so a statement
 * built at run time is kept once per slot (what it does) and kind, in
 * TopMemoryContext, and the same text always has the same address.
 */
enum
{
	SQL_ACTED_ON = 0,
	SQL_CANDIDATES,
	SQL_CANDIDATES_REGULATOR,
	SQL_CONFLICTS,
	SQL_INSERT_AUDIT,
	SQL_INSERT_AUDIT_REGULATOR,
	SQL_NSLOTS
};

static const char *
kept_sql(int slot, SgAuditRecordKind kind, StringInfo built)
{
	static char *kept[SQL_NSLOTS][SG_NAUDITKINDS];

	if (kept[slot][kind] == NULL)
		kept[slot][kind] = MemoryContextStrdup(TopMemoryContext, built->data);
	else if (strcmp(kept[slot][kind], built->data) != 0)
		elog(ERROR, "safeguard: assurance statement %d changed", slot);
	return kept[slot][kind];
}

/* Returns the int8 (or count, or boolean) in the first cell of a query run as the owner; 0 when none. */
static int64
query_int(const char *sql, int nargs, Oid *types, Datum *values)
{
	int64		result = 0;

	sg_spi_connect();
	sg_exec_internal(sql, nargs, types, values, NULL);
	if (SPI_processed >= 1)
	{
		bool		isnull;
		Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			result = TupleDescAttr(SPI_tuptable->tupdesc, 0)->atttypid == BOOLOID ?
				(int64) DatumGetBool(v) : DatumGetInt64(v);
	}
	sg_spi_finish();
	return result;
}

/* Returns the int8 a query over one int8 parameter finds, as the owner. */
static int64
query_int8(const char *sql, int64 a)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(a)};

	return query_int(sql, 1, types, values);
}

/* Raises SG203 for any column set on a new row other than the allowed ones (id and state defaults aside). */
static void
refuse_supplied(HeapTuple tup, TupleDesc desc, const char *const *allowed, const char *what)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);
		bool		isnull;

		if (att->attisdropped || strcmp(name, "id") == 0 || sg_column_listed(allowed, name))
			continue;
		(void) heap_getattr(tup, i + 1, desc, &isnull);
		if (isnull)
			continue;
		if ((strcmp(name, "state") == 0 || strcmp(name, "status") == 0) &&
			(strcmp(sg_get_label(tup, desc, name), "assigned") == 0 ||
			 strcmp(sg_get_label(tup, desc, name), "open") == 0 ||
			 strcmp(sg_get_label(tup, desc, name), "referred") == 0))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("column %s cannot be supplied when %s is created", name, what),
				 errdetail("It is recorded by safeguard or belongs to a later step."),
				 errhint("Leave it out; use the workflow functions (docs/assurance.md).")));
	}
}

/* Raises SG906 unless the actor acts for a local authority or the regulator; returns whether the regulator. */
static bool
require_assuring_organisation(const SgActor *a)
{
	if (a->org_kind != SG_ORG_LOCAL_AUTHORITY && a->org_kind != SG_ORG_REGULATOR)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PROGRAMME),
				 errmsg("case-file audits belong to a local authority or the regulator"),
				 errdetail("The caller acts for organisation " INT64_FORMAT ", a %s.",
						   a->org_id, sg_org_kind_name(a->org_kind)),
				 errhint("Define audits as the SAM or administrator of a local authority, or an administrator of the regulator.")));
	return a->org_kind == SG_ORG_REGULATOR;
}

/*
 * Returns true when the role acted on the record: a stamp of the record
 * names it, or an audit row of the record was written by it (for a provider
 * enquiry: any row of the enquiry's chain).
 */
static bool
acted_on(const SgAuditKindRule *k, int64 record_id, Oid role)
{
	StringInfoData sql;
	Oid			types[2] = {INT8OID, OIDOID};
	Datum		values[2] = {Int64GetDatum(record_id), ObjectIdGetDatum(role)};

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT EXISTS (SELECT 1 FROM safeguard.%s r WHERE r.id OPERATOR(pg_catalog.=) $1 "
					 "AND $2 OPERATOR(pg_catalog.=) ANY (ARRAY[", k->table);
	for (int i = 0; k->actors[i]; i++)
		appendStringInfo(&sql, "%sr.%s::pg_catalog.oid", i ? ", " : "", k->actors[i]);
	appendStringInfoString(&sql, "])) OR EXISTS (SELECT 1 FROM safeguard.audit_event a WHERE ");
	if (k->kind == SG_AUDIT_KIND_PROVIDER_ENQUIRY)
		appendStringInfoString(&sql, "a.chain_key OPERATOR(pg_catalog.=) ('enquiry:' OPERATOR(pg_catalog.||) $1::pg_catalog.text)");
	else
		appendStringInfo(&sql, "a.table_name OPERATOR(pg_catalog.=) '%s' "
						 "AND a.row_key OPERATOR(pg_catalog.=) $1::pg_catalog.text", k->table);
	appendStringInfoString(&sql, " AND a.acting_role OPERATOR(pg_catalog.=) pg_catalog.pg_get_userbyid($2)::pg_catalog.text)");
	return query_int(kept_sql(SQL_ACTED_ON, k->kind, &sql), 2, types, values) != 0;
}

/* Raises SG904 when the auditor acted on the record. */
static void
refuse_own_work(const SgAuditKindRule *k, int64 record_id, Oid auditor)
{
	if (acted_on(k, record_id, auditor))
		ereport(ERROR,
				(errcode(ERRCODE_SG_OWN_WORK),
				 errmsg("an auditor may not audit their own work"),
				 errdetail("Role %s acted on %s " INT64_FORMAT " (its record or its audit trail names them).",
						   GetUserNameFromId(auditor, false), k->name, record_id),
				 errhint("Assign the audit to another auditor (safeguard.reassign_case_file_audit).")));
}

/* Raises SG906 unless the role may audit for the organisation. */
static void
require_auditor(Oid role, int64 org_id, bool regulator)
{
	if (!sg_role_holds_duty_for(role, regulator ? REGULATOR_AUDITORS : LA_AUDITORS, org_id))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PROGRAMME),
				 errmsg("role %s cannot audit for organisation " INT64_FORMAT,
						GetUserNameFromId(role, true) ? GetUserNameFromId(role, true) : "?", org_id),
				 errdetail("An auditor holds the %s duty for the organisation.",
						   regulator ? "inspector or admin" : "la_officer, sam or admin"),
				 errhint("Grant the duty first with safeguard.grant_duty(), or choose another auditor.")));
}

/* Loads a case-file audit as the owner; SG208 unless it is the actor's organisation's. */
static void
load_audit(int64 id, Audit *au)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	bool		found;
	char	   *kind = NULL;

	sg_spi_connect();
	sg_exec_internal("SELECT a.organisation_id, a.programme_id, p.tool_id, a.record_id, "
					 "a.record_kind::pg_catalog.text, a.auditor::pg_catalog.oid, "
					 "a.practitioner::pg_catalog.oid, a.state::pg_catalog.text "
					 "FROM safeguard.case_file_audit a JOIN safeguard.audit_programme p "
					 "ON p.id OPERATOR(pg_catalog.=) a.programme_id WHERE a.id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL);
	found = SPI_processed == 1;
	if (found)
	{
		bool		isnull;

		au->id = id;
		au->org_id = sg_spi_int64(0, 1, 0);
		au->programme_id = sg_spi_int64(0, 2, 0);
		au->tool_id = sg_spi_int64(0, 3, 0);
		au->record_id = sg_spi_int64(0, 4, 0);
		kind = sg_spi_text(0, 5);
		au->auditor = DatumGetObjectId(sg_spi_value(0, 6, &isnull));
		au->practitioner = DatumGetObjectId(sg_spi_value(0, 7, &isnull));
		if (isnull)
			au->practitioner = InvalidOid;
		au->state = sg_spi_text(0, 8);
	}
	sg_spi_finish();
	if (!found || sg_current_actor()->org_id != au->org_id)
		not_found("case-file audit", id);
	au->kind = sg_audit_kind_find(kind);
	if (au->kind == NULL)
		elog(ERROR, "safeguard: unknown audit record kind \"%s\"", kind);
}

/* Refuses anything but a new row (permanent records). */
static void
refuse_update(TriggerData *td, const char *what)
{
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		sg_refuse_change(what, "changed", "Assurance records are kept as recorded; add a further record.");
}

/* audit_tool: a version of a named tool, numbered by safeguard. */
static HeapTuple
tool_insert(TriggerData *td, HeapTuple tup, TupleDesc desc)
{
	static const char *const allowed[] = {"name", NULL};
	static const char *const stamped[] = {"created_by", "created_at"};
	const SgActor *a = sg_current_actor();
	SgDuty		duty = sg_require_action(a, "define_audit_tool", a->org_id);
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		values[2];
	const char *cols[2] = {"organisation_id", "version"};
	Datum		v[2];
	bool		n[2] = {false, false};

	refuse_update(td, "an audit tool");
	require_assuring_organisation(a);
	refuse_supplied(tup, desc, allowed, "an audit tool");
	if (!present(tup, desc, "name"))
		missing("the tool's name", "Name the audit tool; a new version of a name is numbered by safeguard.");
	values[0] = Int64GetDatum(a->org_id);
	values[1] = CStringGetTextDatum(sg_get_cstring(tup, desc, "name"));
	v[0] = Int64GetDatum(a->org_id);
	v[1] = Int32GetDatum((int32) query_int("SELECT (coalesce(pg_catalog.max(version), 0) "
										   "OPERATOR(pg_catalog.+) 1)::pg_catalog.int8 FROM safeguard.audit_tool "
										   "WHERE organisation_id OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2",
										   2, types, values));
	tup = sg_set(tup, desc, 2, cols, v, n);
	tup = sg_stamp(tup, desc, stamped, 2);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, "id"), duty);
	return tup;
}

/* audit_question: added to a tool version no programme uses yet, numbered by safeguard. */
static HeapTuple
question_insert(TriggerData *td, HeapTuple tup, TupleDesc desc)
{
	static const char *const allowed[] = {"tool_id", "question", "guidance", NULL};
	const SgActor *a = sg_current_actor();
	int64		tool = sg_get_int64(tup, desc, "tool_id");
	int64		org = query_int8("SELECT organisation_id FROM safeguard.audit_tool WHERE id OPERATOR(pg_catalog.=) $1", tool);
	SgDuty		duty;
	const char *cols[1] = {"position"};
	Datum		v[1];
	bool		n[1] = {false};

	refuse_update(td, "an audit question");
	if (org == 0 || org != a->org_id)
		not_found("audit tool", tool);
	duty = sg_require_action(a, "define_audit_tool", org);
	refuse_supplied(tup, desc, allowed, "an audit question");
	if (query_int8("SELECT pg_catalog.count(*) FROM safeguard.audit_programme WHERE tool_id OPERATOR(pg_catalog.=) $1", tool) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_AUDIT_TOOL_FROZEN),
				 errmsg("audit tool " INT64_FORMAT " is in use and cannot change", tool),
				 errdetail("A programme audits with this version; its questions are what the audits answered."),
				 errhint("Define a new version of the tool (safeguard.define_audit_tool with the same name).")));
	if (!present(tup, desc, "question"))
		missing("the question", "Write the question the auditor grades.");
	v[0] = Int32GetDatum((int32) query_int8("SELECT (coalesce(pg_catalog.max(position), 0) "
											"OPERATOR(pg_catalog.+) 1)::pg_catalog.int8 FROM safeguard.audit_question "
											"WHERE tool_id OPERATOR(pg_catalog.=) $1", tool));
	tup = sg_set(tup, desc, 1, cols, v, n);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), tool, duty);
	return tup;
}

/* audit_programme: what is audited, how many per auditor per month, from which period, with which tool. */
static HeapTuple
programme_insert(TriggerData *td, HeapTuple tup, TupleDesc desc)
{
	static const char *const allowed[] = {"name", "record_kind", "tool_id", "per_auditor_per_month",
	"per_team_per_month", "sample_from", "sample_to", "auditors", NULL};
	static const char *const stamped[] = {"created_by", "created_at"};
	const SgActor *a = sg_current_actor();
	SgDuty		duty = sg_require_action(a, "define_audit_programme", a->org_id);
	bool		regulator;
	const SgAuditKindRule *k;
	int64		tool;
	bool		isnull;
	int32		per;
	DateADT		from,
				to;
	ArrayType  *arr;
	Datum	   *roles;
	bool	   *rnulls;
	int			nroles;
	const char *cols[1] = {"organisation_id"};
	Datum		v[1];
	bool		n[1] = {false};

	refuse_update(td, "an audit programme");
	regulator = require_assuring_organisation(a);
	refuse_supplied(tup, desc, allowed, "an audit programme");
	if (!present(tup, desc, "name"))
		missing("the programme's name", "Name the programme (e.g. 'Monthly referral audit 2026-27').");
	k = sg_audit_kind_find(sg_require_label(tup, desc, "record_kind", "the kind of record audited",
											"Say which records: referral, provider_enquiry or la_enquiry."));
	if (k == NULL)
		elog(ERROR, "safeguard: unknown audit record kind");
	if (regulator && !k->regulator_audits)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PROGRAMME),
				 errmsg("the regulator audits referrals only"),
				 errdetail("A programme of the regulator cannot audit %s records.", k->name),
				 errhint("A local authority audits its own enquiries.")));
	tool = sg_get_int64(tup, desc, "tool_id");
	if (tool == 0 ||
		query_int8("SELECT organisation_id FROM safeguard.audit_tool WHERE id OPERATOR(pg_catalog.=) $1", tool) != a->org_id)
		not_found("audit tool", tool);
	if (query_int8("SELECT pg_catalog.count(*) FROM safeguard.audit_question WHERE tool_id OPERATOR(pg_catalog.=) $1", tool) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_AUDIT_TOOL_EMPTY),
				 errmsg("audit tool " INT64_FORMAT " has no questions", tool),
				 errdetail("An audit grades each question of its tool; a tool without questions grades nothing."),
				 errhint("Give the tool its questions (safeguard.define_audit_tool(name, questions)).")));
	per = DatumGetInt32(sg_get(tup, desc, "per_auditor_per_month", &isnull));
	if (isnull || per < 1 || per > 100)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PROGRAMME),
				 errmsg("a programme audits between 1 and 100 records per auditor per month"),
				 errdetail("per_auditor_per_month is %s.", isnull ? "empty" : psprintf("%d", per)),
				 errhint("Agree the number with the auditors.")));
	per = DatumGetInt32(sg_get(tup, desc, "per_team_per_month", &isnull));
	if (!isnull && (per < 1 || per > 100))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PROGRAMME),
				 errmsg("a programme audits between 1 and 100 records of each team's work per month"),
				 errdetail("per_team_per_month is %d.", per),
				 errhint("Leave it empty for no quota per team, or agree the number with the teams' managers.")));
	from = DatumGetDateADT(sg_get(tup, desc, "sample_from", &isnull));
	if (isnull)
		missing("the period's first day (sample_from)", "Say which period the records are sampled from.");
	to = DatumGetDateADT(sg_get(tup, desc, "sample_to", &isnull));
	if (isnull)
		missing("the period's last day (sample_to)", "Say which period the records are sampled from.");
	if (DATE_NOT_FINITE(from) || DATE_NOT_FINITE(to) || from > to)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PROGRAMME),
				 errmsg("the sampling period is not a period"),
				 errdetail("sample_from must be a finite date on or before sample_to."),
				 errhint("Give the first and last day of the period.")));
	arr = DatumGetArrayTypeP(sg_get(tup, desc, "auditors", &isnull));
	if (isnull)
		nroles = 0;
	else
		deconstruct_array(arr, REGROLEOID, sizeof(Oid), true, TYPALIGN_INT, &roles, &rnulls, &nroles);
	if (nroles == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_PROGRAMME),
				 errmsg("a programme needs its auditors"),
				 errhint("Name the roles who audit (auditors => ARRAY['...']::regrole[]).")));
	for (int i = 0; i < nroles; i++)
	{
		if (rnulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_PROGRAMME),
					 errmsg("an auditor is empty"),
					 errhint("Name each auditor.")));
		for (int j = 0; j < i; j++)
			if (DatumGetObjectId(roles[j]) == DatumGetObjectId(roles[i]))
				ereport(ERROR,
						(errcode(ERRCODE_SG_INVALID_PROGRAMME),
						 errmsg("auditor %s is named twice", GetUserNameFromId(DatumGetObjectId(roles[i]), false)),
						 errhint("Name each auditor once; per_auditor_per_month sets how many each audits.")));
		require_auditor(DatumGetObjectId(roles[i]), a->org_id, regulator);
	}
	v[0] = Int64GetDatum(a->org_id);
	tup = sg_set(tup, desc, 1, cols, v, n);
	tup = sg_stamp(tup, desc, stamped, 2);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, "id"), duty);
	return tup;
}

/* case_file_audit: reassigned, completed by its auditor, acknowledged by the practitioner. */
static HeapTuple
audit_update(TriggerData *td, HeapTuple newtup, TupleDesc desc)
{
	static const char *const reassign_cols[] = {"auditor", NULL};
	static const char *const complete_cols[] = {"summary", NULL};
	static const char *const ack_cols[] = {"practitioner_comment", NULL};
	HeapTuple	oldtup = td->tg_trigtuple;
	const SgActor *a = sg_current_actor();
	Audit		au;
	char	   *to = sg_get_label(newtup, desc, "state");
	const char *stamp[1];
	SgDuty		duty;

	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("case-file audits are created only by a selection"),
				 errdetail("Which records are audited is drawn at random and recorded, so nobody picks them."),
				 errhint("Draw the month's sample with safeguard.select_audit_sample().")));
	load_audit(sg_get_int64(oldtup, desc, "id"), &au);
	if (strcmp(au.state, to) == 0)
	{
		Oid			auditor;
		bool		isnull;
		bool		regulator = sg_organisation_kind(au.org_id) == SG_ORG_REGULATOR;

		if (strcmp(au.state, "assigned") != 0)
			sg_refuse_change(psprintf("a case-file audit that is %s", au.state), "changed",
							 "A completed audit is kept as it is; add actions to it.");
		duty = sg_require_action(a, "reassign_case_file_audit", au.org_id);
		sg_check_changed_columns(oldtup, newtup, desc, "state", reassign_cols,
								 "when a case-file audit is reassigned");
		auditor = DatumGetObjectId(sg_get(newtup, desc, "auditor", &isnull));
		if (isnull)
			missing("the auditor", "Name the auditor the audit goes to.");
		require_auditor(auditor, au.org_id, regulator);
		refuse_own_work(au.kind, au.record_id, auditor);
		sg_audit_note_duty(RelationGetRelid(td->tg_relation), au.id, duty);
		return newtup;
	}
	if (strcmp(au.state, "assigned") == 0 && strcmp(to, "completed") == 0)
	{
		Oid			types[2] = {INT8OID, INT8OID};
		Datum		values[2] = {Int64GetDatum(au.id), Int64GetDatum(au.tool_id)};
		int64		ungraded;

		duty = sg_require_action(a, "audit_case_file", au.org_id);
		if (a->userid != au.auditor)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to complete case-file audit " INT64_FORMAT, au.id),
					 errdetail("The audit is assigned to %s.", GetUserNameFromId(au.auditor, false)),
					 errhint("Only the assigned auditor completes it; the SAM may reassign it.")));
		sg_check_changed_columns(oldtup, newtup, desc, "state", complete_cols,
								 "when a case-file audit is completed");
		refuse_own_work(au.kind, au.record_id, au.auditor);
		ungraded = query_int("SELECT pg_catalog.count(*) FROM safeguard.audit_question q "
							 "WHERE q.tool_id OPERATOR(pg_catalog.=) $2 AND NOT EXISTS ("
							 "SELECT 1 FROM safeguard.audit_answer x WHERE x.audit_id OPERATOR(pg_catalog.=) $1 "
							 "AND x.position OPERATOR(pg_catalog.=) q.position)", 2, types, values);
		if (ungraded > 0)
			ereport(ERROR,
					(errcode(ERRCODE_SG_AUDIT_INCOMPLETE),
					 errmsg("case-file audit " INT64_FORMAT " has " INT64_FORMAT " ungraded question%s",
							au.id, ungraded, ungraded == 1 ? "" : "s"),
					 errdetail("Every question of the tool is graded before the audit is complete."),
					 errhint("Grade each question with safeguard.grade_audit_question().")));
		if (!present(newtup, desc, "summary"))
			missing("the audit's summary", "Summarise the findings for the practitioner.");
		stamp[0] = "completed_at";
		newtup = sg_stamp(newtup, desc, stamp, 1);
		sg_audit_note_duty(RelationGetRelid(td->tg_relation), au.id, duty);
		return newtup;
	}
	if (strcmp(au.state, "completed") == 0 && strcmp(to, "acknowledged") == 0)
	{
		if (a->userid != au.practitioner)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to acknowledge case-file audit " INT64_FORMAT, au.id),
					 errdetail("The findings are %s's to acknowledge.",
							   OidIsValid(au.practitioner) ? GetUserNameFromId(au.practitioner, false) : "no recorded practitioner"),
					 errhint("The practitioner whose work was audited acknowledges the findings.")));
		sg_check_changed_columns(oldtup, newtup, desc, "state", ack_cols,
								 "when a case-file audit is acknowledged");
		stamp[0] = "acknowledged_at";
		return sg_stamp(newtup, desc, stamp, 1);
	}
	ereport(ERROR,
			(errcode(ERRCODE_SG_INVALID_TRANSITION),
			 errmsg("case-file audit " INT64_FORMAT " cannot go from %s to %s", au.id, au.state, to),
			 errdetail("An audit is assigned, then completed by its auditor, then acknowledged by the practitioner."),
			 errhint("Use safeguard.complete_case_file_audit() and safeguard.acknowledge_case_file_audit().")));
	pg_unreachable();
}

/* audit_answer: one grade with its note per question, by the assigned auditor while the audit is open. */
static HeapTuple
answer_insert(TriggerData *td, HeapTuple tup, TupleDesc desc)
{
	static const char *const allowed[] = {"audit_id", "position", "grade", "note", NULL};
	static const char *const stamped[] = {"recorded_at"};
	const SgActor *a = sg_current_actor();
	Audit		au;
	SgDuty		duty;
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		values[2];
	bool		isnull;

	refuse_update(td, "an audit answer");
	load_audit(sg_get_int64(tup, desc, "audit_id"), &au);
	duty = sg_require_action(a, "audit_case_file", au.org_id);
	if (a->userid != au.auditor)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to grade case-file audit " INT64_FORMAT, au.id),
				 errdetail("The audit is assigned to %s.", GetUserNameFromId(au.auditor, false)),
				 errhint("Only the assigned auditor grades it.")));
	if (strcmp(au.state, "assigned") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_AUDIT_INCOMPLETE),
				 errmsg("case-file audit " INT64_FORMAT " is %s and takes no more grades", au.id, au.state),
				 errhint("Grades are given before the audit is completed.")));
	refuse_supplied(tup, desc, allowed, "an audit answer");
	values[0] = Int64GetDatum(au.tool_id);
	values[1] = sg_get(tup, desc, "position", &isnull);
	if (isnull || query_int("SELECT pg_catalog.count(*) FROM safeguard.audit_question WHERE tool_id "
							"OPERATOR(pg_catalog.=) $1 AND position OPERATOR(pg_catalog.=) $2", 2, types, values) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("the audit's tool has no question %s", isnull ? "(none given)" : psprintf("%d", DatumGetInt32(values[1]))),
				 errhint("Grade the questions of the tool the programme uses (safeguard.audit_question).")));
	if (!present(tup, desc, "note"))
		missing("a note with the grade", "Say what in the record supports the grade.");
	refuse_own_work(au.kind, au.record_id, au.auditor);
	tup = sg_stamp(tup, desc, stamped, 1);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), au.id, duty);
	return tup;
}

/* Returns the duty by which the actor sets or closes an audit's actions: its auditor, or the SAM/DSAM. */
static SgDuty
action_permit(const SgActor *a, const Audit *au, Oid also)
{
	if (a->userid == au->auditor)
		return sg_require_action(a, "audit_case_file", au->org_id);
	if (OidIsValid(also) && a->userid == also && sg_role_holds_duty_for(a->userid, ANY_DUTY, au->org_id))
	{
		for (int d = 0; d < SG_NDUTIES; d++)
			if (sg_actor_has(a, (SgDuty) d))
				return (SgDuty) d;
	}
	return sg_require_action(a, "reassign_case_file_audit", au->org_id);
}

/* audit_action: an action an audit sets, with an owner and a deadline on the policy's ladder. */
static HeapTuple
action_insert(TriggerData *td, HeapTuple tup, TupleDesc desc)
{
	static const char *const allowed[] = {"audit_id", "description", "owner", "working_days", NULL};
	static const char *const stamped[] = {"created_by", "created_at"};
	const SgActor *a = sg_current_actor();
	Audit		au;
	SgDuty		duty;
	bool		isnull;
	Oid			owner;
	Datum		days;
	int32		max;
	const char *cols[1] = {"organisation_id"};
	Datum		v[1];
	bool		n[1] = {false};

	load_audit(sg_get_int64(tup, desc, "audit_id"), &au);
	duty = action_permit(a, &au, InvalidOid);
	if (strcmp(au.state, "assigned") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_AUDIT_INCOMPLETE),
				 errmsg("case-file audit " INT64_FORMAT " is not complete", au.id),
				 errhint("Complete the audit first; its actions follow from its findings.")));
	refuse_supplied(tup, desc, allowed, "an audit action");
	if (!present(tup, desc, "description"))
		missing("the action", "Say what must be done.");
	owner = DatumGetObjectId(sg_get(tup, desc, "owner", &isnull));
	if (isnull || !sg_role_holds_duty_for(owner, ANY_DUTY, au.org_id))
		ereport(ERROR,
				(errcode(ERRCODE_SG_AUDIT_ACTION),
				 errmsg("an audit action's owner works for the audit's organisation"),
				 errdetail("%s holds no duty for organisation " INT64_FORMAT ".",
						   isnull ? "No owner was given; it" : GetUserNameFromId(owner, false), au.org_id),
				 errhint("Name a role of the organisation as the owner.")));
	days = sg_get(tup, desc, "working_days", &isnull);
	max = sg_deadline_rule_amount(SG_DL_AUDIT_ACTION, au.org_id, sg_now());
	if (!isnull && (DatumGetInt32(days) < 1 || DatumGetInt32(days) > max))
		ereport(ERROR,
				(errcode(ERRCODE_SG_AUDIT_ACTION),
				 errmsg("an audit action cannot take %d working days", DatumGetInt32(days)),
				 errdetail("The policy allows at most %d.", max),
				 errhint("Give between 1 and %d working days, or none for the policy's timescale.", max)));
	v[0] = Int64GetDatum(au.org_id);
	tup = sg_set(tup, desc, 1, cols, v, n);
	tup = sg_stamp(tup, desc, stamped, 2);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(tup, desc, "id"), duty);
	return tup;
}

/* audit_action: done by its owner (or the auditor, SAM or DSAM), with a note. */
static HeapTuple
action_update(TriggerData *td, HeapTuple newtup, TupleDesc desc)
{
	static const char *const done_cols[] = {"done_note", NULL};
	static const char *const stamped[] = {"done_by", "done_at"};
	HeapTuple	oldtup = td->tg_trigtuple;
	const SgActor *a = sg_current_actor();
	Audit		au;
	bool		isnull;
	Oid			owner = DatumGetObjectId(sg_get(oldtup, desc, "owner", &isnull));
	SgDuty		duty;

	load_audit(sg_get_int64(oldtup, desc, "audit_id"), &au);
	if (strcmp(sg_get_label(oldtup, desc, "status"), "open") != 0)
		sg_refuse_change("an audit action that is done", "changed", "A finished action is kept as it is.");
	if (strcmp(sg_get_label(newtup, desc, "status"), "done") != 0)
		sg_check_changed_columns(oldtup, newtup, desc, NULL, NULL, "while an audit action is open");
	duty = action_permit(a, &au, owner);
	sg_check_changed_columns(oldtup, newtup, desc, "status", done_cols, "when an audit action is done");
	if (!present(newtup, desc, "done_note"))
		missing("a note of what was done", "Say what was done and where it is recorded.");
	newtup = sg_stamp(newtup, desc, stamped, 2);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), sg_get_int64(newtup, desc, "id"), duty);
	return newtup;
}

/* The rule of each table assurance_guard protects. */
typedef struct GuardHandler
{
	const char *table;
	HeapTuple	(*on_insert) (TriggerData *td, HeapTuple tup, TupleDesc desc);
	HeapTuple	(*on_update) (TriggerData *td, HeapTuple tup, TupleDesc desc);
} GuardHandler;

static const GuardHandler handlers[] = {
	{"audit_tool", tool_insert, tool_insert},
	{"audit_question", question_insert, question_insert},
	{"audit_programme", programme_insert, programme_insert},
	{"case_file_audit", audit_update, audit_update},
	{"audit_answer", answer_insert, answer_insert},
	{"audit_action", action_insert, action_update},
};

/*
 * Trigger: BEFORE INSERT OR UPDATE OR DELETE on the case-file audit tables.
 * Nothing is deleted; safeguard's own writes (a selection's audits) pass;
 * everything else goes through the table's handler.
 */
Datum
sg_assurance_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "assurance_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	const char *table = RelationGetRelationName(td->tg_relation);
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	HeapTuple	tup = is_update ? td->tg_newtuple : td->tg_trigtuple;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change(table, "deleted", "Audits are kept as the record of how the work was assured.");
	if (sg_internal_writing())
		return PointerGetDatum(tup);
	for (int i = 0; i < lengthof(handlers); i++)
		if (strcmp(handlers[i].table, table) == 0)
			return PointerGetDatum(is_update ? handlers[i].on_update(td, tup, desc)
								   : handlers[i].on_insert(td, tup, desc));
	elog(ERROR, "assurance_guard: unexpected table %s", table);
	pg_unreachable();
}


/*
 * Tells the practitioner that an audit of their work is complete: an outbox
 * notification (event audit_findings) for the organisation's consumers to
 * deliver, written in the completing transaction.  It names the audit, the
 * record and the practitioner, never the findings: the practitioner reads
 * those in case_file_audit and audit_answer, under row-level security.
 */
static void
tell_practitioner(HeapTuple tup, TupleDesc desc, int64 id, int64 org, TimestampTz at)
{
	StringInfoData note;
	bool		isnull;
	Datum		practitioner = sg_get(tup, desc, "practitioner", &isnull);

	initStringInfo(&note);
	appendStringInfo(&note, "{\"event\": \"audit_findings\", \"audit_id\": " INT64_FORMAT ", "
					 "\"organisation_id\": " INT64_FORMAT ", \"record_kind\": \"%s\", "
					 "\"record_id\": " INT64_FORMAT ", \"completed_at\": \"%s\", \"practitioner\": ",
					 id, org, sg_get_label(tup, desc, "record_kind"), sg_get_int64(tup, desc, "record_id"),
					 sg_canonical_text(TimestampTzGetDatum(at), TIMESTAMPTZOID));
	if (isnull)
		appendStringInfoString(&note, "null");
	else
		escape_json(&note, GetUserNameFromId(DatumGetObjectId(practitioner), false));
	appendStringInfoChar(&note, '}');
	sg_outbox_write(note.data, at);
}
/* Trigger: AFTER INSERT OR UPDATE on case_file_audit and audit_action: their deadlines. */
Datum
sg_assurance_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "assurance_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	const char *table = RelationGetRelationName(td->tg_relation);
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	HeapTuple	tup = is_update ? td->tg_newtuple : td->tg_trigtuple;
	int64		id = sg_get_int64(tup, desc, "id");
	int64		org = sg_get_int64(tup, desc, "organisation_id");
	bool		isnull;

	if (strcmp(table, "case_file_audit") == 0 && is_update)
	{
		char	   *from = sg_get_label(td->tg_trigtuple, desc, "state");
		char	   *to = sg_get_label(tup, desc, "state");

		if (strcmp(from, "assigned") == 0 && strcmp(to, "completed") == 0)
		{
			TimestampTz at = sg_get_ts(tup, desc, "completed_at", &isnull);

			sg_deadline_open(SG_DL_AUDIT_ACKNOWLEDGEMENT, id, 0, org, at);
			tell_practitioner(tup, desc, id, org, at);
		}
		else if (strcmp(from, "completed") == 0 && strcmp(to, "acknowledged") == 0)
			sg_deadline_close(SG_DL_AUDIT_ACKNOWLEDGEMENT, id,
							  sg_get_ts(tup, desc, "acknowledged_at", &isnull));
	}
	else if (strcmp(table, "audit_action") == 0 && !is_update)
	{
		Datum		days = sg_get(tup, desc, "working_days", &isnull);

		sg_deadline_open_n(SG_DL_AUDIT_ACTION, id, 0, org, sg_get_ts(tup, desc, "created_at", &isnull),
						   isnull ? -1 : DatumGetInt32(days));
	}
	else if (strcmp(table, "audit_action") == 0 &&
			 strcmp(sg_get_label(td->tg_trigtuple, desc, "status"), "open") == 0 &&
			 strcmp(sg_get_label(tup, desc, "status"), "done") == 0)
		sg_deadline_close(SG_DL_AUDIT_ACTION, id, sg_get_ts(tup, desc, "done_at", &isnull));
	return PointerGetDatum(NULL);
}

/* What a selection works from: the programme as stored. */
typedef struct Programme
{
	int64		id;
	int64		org_id;
	const SgAuditKindRule *kind;
	int32		per_auditor;
	int32		per_team;		/* 0: no quota per team */
	bool		regulator;
	int			nauditors;
	Oid		   *auditors;
} Programme;

/* Loads a programme as the owner; SG208 unless it is the actor's organisation's. */
static void
load_programme(int64 id, Programme *p)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	bool		found;
	char	   *kind = NULL;
	Datum		arr = (Datum) 0;

	sg_spi_connect();
	sg_exec_internal("SELECT p.organisation_id, p.record_kind::pg_catalog.text, p.per_auditor_per_month::pg_catalog.int8, "
					 "o.kind OPERATOR(pg_catalog.=) 'regulator', p.auditors::pg_catalog.oid[], "
					 "p.per_team_per_month::pg_catalog.int8 "
					 "FROM safeguard.audit_programme p JOIN safeguard.organisation o "
					 "ON o.id OPERATOR(pg_catalog.=) p.organisation_id WHERE p.id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL);
	found = SPI_processed == 1;
	if (found)
	{
		bool		isnull;

		p->id = id;
		p->org_id = sg_spi_int64(0, 1, 0);
		kind = sg_spi_text(0, 2);
		p->per_auditor = (int32) sg_spi_int64(0, 3, 0);
		p->regulator = sg_spi_bool(0, 4, false);
		arr = sg_spi_value(0, 5, &isnull);
		p->per_team = (int32) sg_spi_int64(0, 6, 0);
	}
	sg_spi_finish();
	if (!found || sg_current_actor()->org_id != p->org_id)
		not_found("audit programme", id);
	p->kind = sg_audit_kind_find(kind);
	if (p->kind == NULL)
		elog(ERROR, "safeguard: unknown audit record kind \"%s\"", kind);
	{
		Datum	   *elems;
		bool	   *nulls;

		deconstruct_array(DatumGetArrayTypeP(arr), OIDOID, sizeof(Oid), true, TYPALIGN_INT,
						  &elems, &nulls, &p->nauditors);
		p->auditors = palloc(sizeof(Oid) * Max(p->nauditors, 1));
		for (int i = 0; i < p->nauditors; i++)
			p->auditors[i] = DatumGetObjectId(elems[i]);
	}
}

/* Returns the index of a role among the programme's auditors, or -1. */
static int
auditor_index(const Oid *auditors, int n, Oid role)
{
	for (int i = 0; i < n; i++)
		if (auditors[i] == role)
			return i;
	return -1;
}

/* Builds a text[] from strings, NULL ones as NULL elements. */
static ArrayType *
text_array(char *const *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};

	for (int i = 0; i < n; i++)
	{
		nulls[i] = v[i] == NULL;
		d[i] = nulls[i] ? (Datum) 0 : CStringGetTextDatum(v[i]);
	}
	if (n == 0)
		return construct_empty_array(TEXTOID);
	return construct_md_array(d, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT);
}

/* Builds an oid[] from roles. */
static ArrayType *
oid_array(const Oid *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = ObjectIdGetDatum(v[i]);
	return construct_array(d, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT);
}

/* Appends whose work the record r is: the first of the kind's practitioner stamps that is set. */
static void
append_practitioner(StringInfo sql, const Programme *p)
{
	const char *const *cols = p->regulator ? p->kind->regulator_practitioner : p->kind->practitioner;

	appendStringInfoString(sql, "coalesce(");
	for (int i = 0; cols[i]; i++)
		appendStringInfo(sql, "%sr.%s", i ? ", " : "", cols[i]);
	appendStringInfoChar(sql, ')');
}

/*
 * Appends the team of a record's practitioner (the first of the kind's
 * practitioner stamps that is set, as the draw records it): the team of
 * that role's oldest live grant in the organisation org_expr names; NULL
 * when none is recorded.  The record is r.
 */
static void
append_team_of_practitioner(StringInfo sql, const Programme *p, const char *org_expr)
{
	appendStringInfoString(sql, "(SELECT g.team FROM safeguard.duty_grant g WHERE g.role OPERATOR(pg_catalog.=) ");
	append_practitioner(sql, p);
	appendStringInfo(sql, " AND g.organisation_id OPERATOR(pg_catalog.=) %s AND g.revoked_at IS NULL "
					 "ORDER BY g.id LIMIT 1)", org_expr);
}

/*
 * Numbers the teams of the candidates 0, 1, ... in the order they first
 * appear (the candidates are in id order, so the numbering is the same
 * wherever it is computed); records with no team recorded share one number.
 */
static int *
team_numbers(char *const *teams, int n)
{
	int		   *num = palloc(sizeof(int) * Max(n, 1));
	int			next = 0;

	for (int i = 0; i < n; i++)
	{
		num[i] = -1;
		for (int j = 0; j < i && num[i] < 0; j++)
			if ((teams[i] == NULL && teams[j] == NULL) ||
				(teams[i] != NULL && teams[j] != NULL && strcmp(teams[i], teams[j]) == 0))
				num[i] = num[j];
		if (num[i] < 0)
			num[i] = next++;
	}
	return num;
}

/*
 * Reads the candidates of a programme (records of its kind in its period,
 * of its authority, not drawn by it before) and the conflicts between them
 * and its auditors, as the owner.
 */
static void
read_candidates(const Programme *p, int64 **ids, char ***teams, int *nids,
				SgSampleConflict **conf, int *nconf)
{
	const SgAuditKindRule *k = p->kind;
	StringInfoData sql;
	Oid			types[3] = {INT8OID, INT8OID, OIDARRAYOID};
	Datum		values[3];
	char		nulls[3] = "   ";

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.id, ");
	append_team_of_practitioner(&sql, p, "p.organisation_id");
	appendStringInfo(&sql,
					 " FROM safeguard.%s r, safeguard.audit_programme p, safeguard.organisation o, safeguard.division d "
					 "WHERE p.id OPERATOR(pg_catalog.=) $1 AND o.id OPERATOR(pg_catalog.=) p.organisation_id "
					 "AND d.division OPERATOR(pg_catalog.=) o.division "
					 "AND (o.kind OPERATOR(pg_catalog.=) 'regulator' OR r.%s OPERATOR(pg_catalog.=) p.organisation_id) "
					 "AND (r.%s AT TIME ZONE d.time_zone)::pg_catalog.date OPERATOR(pg_catalog.>=) p.sample_from "
					 "AND (r.%s AT TIME ZONE d.time_zone)::pg_catalog.date OPERATOR(pg_catalog.<=) p.sample_to "
					 "AND NOT EXISTS (SELECT 1 FROM safeguard.case_file_audit a WHERE a.programme_id OPERATOR(pg_catalog.=) p.id "
					 "AND a.record_id OPERATOR(pg_catalog.=) r.id) ORDER BY r.id",
					 k->table, k->la_column, k->date_column, k->date_column);
	values[0] = Int64GetDatum(p->id);
	values[1] = (Datum) 0;
	values[2] = (Datum) 0;
	sg_spi_connect();
	sg_exec_internal(kept_sql(p->regulator ? SQL_CANDIDATES_REGULATOR : SQL_CANDIDATES, k->kind, &sql),
					 1, types, values, NULL);
	*nids = (int) SPI_processed;
	*ids = SPI_palloc(sizeof(int64) * Max(*nids, 1));
	*teams = SPI_palloc(sizeof(char *) * Max(*nids, 1));
	for (int i = 0; i < *nids; i++)
	{
		(*ids)[i] = sg_spi_int64(i, 1, 0);
		(*teams)[i] = sg_spi_text(i, 2);
	}
	*nconf = 0;
	*conf = SPI_palloc(sizeof(SgSampleConflict));
	if (*nids > 0)
	{
		resetStringInfo(&sql);
		appendStringInfo(&sql, "SELECT DISTINCT c.id, c.who FROM (SELECT r.id, x.who "
						 "FROM safeguard.%s r CROSS JOIN LATERAL pg_catalog.unnest(ARRAY[", k->table);
		for (int i = 0; k->actors[i]; i++)
			appendStringInfo(&sql, "%sr.%s::pg_catalog.oid", i ? ", " : "", k->actors[i]);
		appendStringInfoString(&sql, "]) AS x(who) WHERE r.id OPERATOR(pg_catalog.=) ANY ($1) UNION ALL ");
		if (k->kind == SG_AUDIT_KIND_PROVIDER_ENQUIRY)
			appendStringInfoString(&sql, "SELECT pg_catalog.substr(a.chain_key, 9)::pg_catalog.int8, u.oid "
								   "FROM safeguard.audit_event a JOIN pg_catalog.pg_roles u "
								   "ON u.rolname::pg_catalog.text OPERATOR(pg_catalog.=) a.acting_role "
								   "WHERE a.chain_key OPERATOR(pg_catalog.=) ANY (SELECT 'enquiry:' OPERATOR(pg_catalog.||) x "
								   "FROM pg_catalog.unnest($1) AS x)");
		else
			appendStringInfo(&sql, "SELECT a.row_key::pg_catalog.int8, u.oid "
							 "FROM safeguard.audit_event a JOIN pg_catalog.pg_roles u "
							 "ON u.rolname::pg_catalog.text OPERATOR(pg_catalog.=) a.acting_role "
							 "WHERE a.table_name OPERATOR(pg_catalog.=) '%s' "
							 "AND a.row_key OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.text[])", k->table);
		appendStringInfoString(&sql, ") AS c WHERE c.who OPERATOR(pg_catalog.=) ANY ($2) ORDER BY 1, 2");
		types[0] = INT8ARRAYOID;
		types[1] = OIDARRAYOID;
		values[0] = PointerGetDatum(sg_int8_array(*ids, *nids));
		values[1] = PointerGetDatum(oid_array(p->auditors, p->nauditors));
		sg_exec_internal(kept_sql(SQL_CONFLICTS, k->kind, &sql), 2, types, values, nulls);
		*nconf = (int) SPI_processed;
		*conf = SPI_palloc(sizeof(SgSampleConflict) * Max(*nconf, 1));
		for (int i = 0; i < *nconf; i++)
		{
			bool		isnull;

			(*conf)[i].record_id = sg_spi_int64(i, 1, 0);
			(*conf)[i].auditor = auditor_index(p->auditors, p->nauditors,
											   DatumGetObjectId(sg_spi_value(i, 2, &isnull)));
		}
	}
	sg_spi_finish();
}

/* Raises SG907: the programme's month is drawn already. */
static void
refuse_second_draw(int64 programme_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_SELECTION_EXISTS),
			 errmsg("programme " INT64_FORMAT " already has its selection for that month", programme_id),
			 errdetail("A month is drawn once, so that nobody can draw again until the cases suit them."),
			 errhint("See safeguard.audit_selection; reassign an audit rather than redraw.")));
}

/*
 * SQL: select_audit_sample(programme_id, month, seed DEFAULT NULL) -> bigint.
 * Draws the month's audits of a programme at random, reproducibly: records
 * the seed (drawn when none is given), the candidates, the auditors and the
 * conflicts, and creates one case-file audit per draw; returns the
 * selection's id.
 */
Datum
sg_select_audit_sample(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();
	Programme	p;
	DateADT		month;
	uint64		seed;
	int64	   *ids;
	char	  **teams;
	int			nids;
	SgSampleConflict *conf;
	int			nconf;
	SgSampleDraw *draws;
	int			ndraws;
	int64	   *conf_records;
	Oid		   *conf_roles;
	int64		selection;
	StringInfoData sql;
	const char *insert_sql;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NULL_ARGUMENT),
				 errmsg("a selection needs its programme and month"),
				 errhint("Call safeguard.select_audit_sample(programme_id, month).")));
	load_programme(PG_GETARG_INT64(0), &p);
	sg_require_action(a, "select_audit_sample", p.org_id);
	month = PG_GETARG_DATEADT(1);
	if (DATE_NOT_FINITE(month))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INFINITE_DATE),
				 errmsg("a selection's month must be a finite date"),
				 errhint("Give any day of the month the audits are for.")));
	{
		Oid			types[2] = {INT8OID, DATEOID};
		Datum		values[2] = {Int64GetDatum(p.id), DateADTGetDatum(month)};

		if (query_int("SELECT pg_catalog.count(*) FROM safeguard.audit_selection WHERE programme_id "
					  "OPERATOR(pg_catalog.=) $1 AND month OPERATOR(pg_catalog.=) "
					  "pg_catalog.date_trunc('month', $2::pg_catalog.timestamp)::pg_catalog.date", 2, types, values) > 0)
			refuse_second_draw(p.id);
	}
	if (PG_ARGISNULL(2))
	{
		if (!pg_strong_random(&seed, sizeof(seed)))
			elog(ERROR, "could not generate a random seed");
	}
	else
		seed = (uint64) PG_GETARG_INT64(2);

	read_candidates(&p, &ids, &teams, &nids, &conf, &nconf);
	if (nids == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_EMPTY_SAMPLE),
				 errmsg("programme " INT64_FORMAT " has no %s records left to sample", p.id, p.kind->name),
				 errdetail("No %s record of the programme's organisation falls in its sampling period that it has not audited already.",
						   p.kind->name),
				 errhint("Check the programme's period (sample_from, sample_to); define a programme over a period with records.")));
	conf_records = palloc(sizeof(int64) * Max(nconf, 1));
	conf_roles = palloc(sizeof(Oid) * Max(nconf, 1));
	for (int i = 0; i < nconf; i++)
	{
		conf_records[i] = conf[i].record_id;
		conf_roles[i] = p.auditors[conf[i].auditor];
	}
	draws = palloc(sizeof(SgSampleDraw) * p.nauditors * p.per_auditor);
	{
		int64	   *work = palloc(sizeof(int64) * nids);

		memcpy(work, ids, sizeof(int64) * nids);
		ndraws = sg_sample_draw_teams(work, team_numbers(teams, nids), nids, seed, p.nauditors,
									  p.per_auditor, p.per_team, conf, nconf, draws);
		if (ndraws < 0)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}

	sg_spi_connect();
	{
		Oid			types[11] = {INT8OID, INT8OID, DATEOID, INT8OID, INT8ARRAYOID, OIDARRAYOID,
		INT8ARRAYOID, OIDARRAYOID, OIDOID, TIMESTAMPTZOID, TEXTARRAYOID};
		Datum		values[11];

		values[0] = Int64GetDatum(p.id);
		values[1] = Int64GetDatum(p.org_id);
		values[2] = DateADTGetDatum(month);
		values[3] = Int64GetDatum((int64) seed);
		values[4] = PointerGetDatum(sg_int8_array(ids, nids));
		values[5] = PointerGetDatum(oid_array(p.auditors, p.nauditors));
		values[6] = PointerGetDatum(sg_int8_array(conf_records, nconf));
		values[7] = PointerGetDatum(oid_array(conf_roles, nconf));
		values[8] = ObjectIdGetDatum(a->userid);
		values[9] = TimestampTzGetDatum(sg_now());
		/*
		 * A draw of the same month committed since the check above (two
		 * managers drawing at once): the unique (programme_id, month) makes
		 * this insert wait for it and then insert nothing (READ COMMITTED),
		 * or fail with 40001 when the snapshot cannot see it (REPEATABLE
		 * READ, SERIALIZABLE); never a unique violation.
		 */
		values[10] = PointerGetDatum(text_array(teams, nids));
		if (sg_exec_internal("INSERT INTO safeguard.audit_selection (programme_id, organisation_id, month, seed, "
							 "candidates, auditors, conflict_records, conflict_auditors, selected_by, selected_at, "
							 "candidate_teams) "
							 "VALUES ($1, $2, pg_catalog.date_trunc('month', $3::pg_catalog.timestamp)::pg_catalog.date, "
							 "$4, $5, $6::pg_catalog.regrole[], $7, $8::pg_catalog.regrole[], "
							 "$9::pg_catalog.regrole, $10, $11) ON CONFLICT (programme_id, month) DO NOTHING RETURNING id",
							 11, types, values, NULL) != 1)
			refuse_second_draw(p.id);
		selection = sg_spi_int64(0, 1, 0);
	}
	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "INSERT INTO safeguard.case_file_audit (selection_id, programme_id, organisation_id, record_kind, "
					 "record_id, drawn_for, auditor, practitioner, practitioner_team, draw_position) "
					 "SELECT $1, $2, $3, '%s', r.id, $5::pg_catalog.regrole, $5::pg_catalog.regrole, ",
					 p.kind->name);
	append_practitioner(&sql, &p);
	appendStringInfoString(&sql, ", ");
	append_team_of_practitioner(&sql, &p, "$3");
	appendStringInfo(&sql, ", $6 FROM safeguard.%s r WHERE r.id OPERATOR(pg_catalog.=) $4", p.kind->table);
	insert_sql = kept_sql(p.regulator ? SQL_INSERT_AUDIT_REGULATOR : SQL_INSERT_AUDIT, p.kind->kind, &sql);
	for (int i = 0; i < ndraws; i++)
	{
		Oid			types[6] = {INT8OID, INT8OID, INT8OID, INT8OID, OIDOID, INT4OID};
		Datum		values[6];

		values[0] = Int64GetDatum(selection);
		values[1] = Int64GetDatum(p.id);
		values[2] = Int64GetDatum(p.org_id);
		values[3] = Int64GetDatum(draws[i].record_id);
		values[4] = ObjectIdGetDatum(p.auditors[draws[i].auditor]);
		values[5] = Int32GetDatum(draws[i].position);
		sg_spi_exec_expect(insert_sql, 6, types, values, NULL, 1);
	}
	sg_spi_finish();
	PG_RETURN_INT64(selection);
}

/*
 * SQL: verify_audit_selection(selection_id) -> boolean.  Derives the draw
 * again from what the selection recorded (seed, candidates, auditors,
 * conflicts) and compares it with the audits it created: true when they
 * are the same records, for the same auditors, in the same draw order.
 */
Datum
sg_verify_audit_selection(PG_FUNCTION_ARGS)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	bool		found;
	int64		org = 0;
	int64		per = 0;
	int64		per_team = 0;
	uint64		seed = 0;
	Datum		cand = 0,
				aud = 0,
				crec = 0,
				caud = 0,
				cteams = 0;
	Datum	   *e;
	bool	   *en;
	int			nids,
				nauditors,
				ncrec,
				ncaud;
	int64	   *ids;
	char	  **teams;
	int			nteams;
	Oid		   *auditors;
	SgSampleConflict *conf;
	SgSampleDraw *draws;
	int			ndraws;
	bool		same;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NULL_ARGUMENT),
				 errmsg("which selection?"),
				 errhint("Call safeguard.verify_audit_selection(selection_id).")));
	values[0] = Int64GetDatum(PG_GETARG_INT64(0));
	sg_spi_connect();
	sg_exec_internal("SELECT s.organisation_id, p.per_auditor_per_month::pg_catalog.int8, s.seed, s.candidates, "
					 "s.auditors::pg_catalog.oid[], s.conflict_records, s.conflict_auditors::pg_catalog.oid[], "
					 "p.per_team_per_month::pg_catalog.int8, s.candidate_teams "
					 "FROM safeguard.audit_selection s JOIN safeguard.audit_programme p "
					 "ON p.id OPERATOR(pg_catalog.=) s.programme_id WHERE s.id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL);
	found = SPI_processed == 1;
	if (found)
	{
		bool		isnull;

		org = sg_spi_int64(0, 1, 0);
		per = sg_spi_int64(0, 2, 0);
		seed = (uint64) sg_spi_int64(0, 3, 0);
		cand = sg_spi_value(0, 4, &isnull);
		aud = sg_spi_value(0, 5, &isnull);
		crec = sg_spi_value(0, 6, &isnull);
		caud = sg_spi_value(0, 7, &isnull);
		per_team = sg_spi_int64(0, 8, 0);
		cteams = sg_spi_value(0, 9, &isnull);
	}
	sg_spi_finish();
	if (!found || sg_current_actor()->org_id != org)
		not_found("audit selection", PG_GETARG_INT64(0));

	deconstruct_array(DatumGetArrayTypeP(cand), INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &e, &en, &nids);
	ids = palloc(sizeof(int64) * Max(nids, 1));
	for (int i = 0; i < nids; i++)
		ids[i] = DatumGetInt64(e[i]);
	deconstruct_array(DatumGetArrayTypeP(aud), OIDOID, sizeof(Oid), true, TYPALIGN_INT, &e, &en, &nauditors);
	auditors = palloc(sizeof(Oid) * Max(nauditors, 1));
	for (int i = 0; i < nauditors; i++)
		auditors[i] = DatumGetObjectId(e[i]);
	deconstruct_array(DatumGetArrayTypeP(crec), INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &e, &en, &ncrec);
	conf = palloc(sizeof(SgSampleConflict) * Max(ncrec, 1));
	for (int i = 0; i < ncrec; i++)
		conf[i].record_id = DatumGetInt64(e[i]);
	deconstruct_array(DatumGetArrayTypeP(caud), OIDOID, sizeof(Oid), true, TYPALIGN_INT, &e, &en, &ncaud);
	if (ncaud != ncrec)
		PG_RETURN_BOOL(false);
	for (int i = 0; i < ncaud; i++)
		conf[i].auditor = auditor_index(auditors, nauditors, DatumGetObjectId(e[i]));
	deconstruct_array(DatumGetArrayTypeP(cteams), TEXTOID, -1, false, TYPALIGN_INT, &e, &en, &nteams);
	if (nteams != nids)
		PG_RETURN_BOOL(false);
	teams = palloc(sizeof(char *) * Max(nids, 1));
	for (int i = 0; i < nids; i++)
		teams[i] = en[i] ? NULL : TextDatumGetCString(e[i]);
	draws = palloc(sizeof(SgSampleDraw) * Max(nauditors * (int) per, 1));
	ndraws = sg_sample_draw_teams(ids, team_numbers(teams, nids), nids, seed, nauditors, (int) per,
								  (int) per_team, conf, ncrec, draws);
	if (ndraws < 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));

	/* the audits the selection created, in draw order */
	sg_spi_connect();
	sg_exec_internal("SELECT record_id, drawn_for::pg_catalog.oid, draw_position::pg_catalog.int8 "
					 "FROM safeguard.case_file_audit WHERE selection_id OPERATOR(pg_catalog.=) $1 "
					 "ORDER BY draw_position", 1, types, values, NULL);
	same = SPI_processed == (uint64) ndraws;
	for (int i = 0; same && i < ndraws; i++)
	{
		bool		isnull;

		same = sg_spi_int64(i, 1, 0) == draws[i].record_id &&
			DatumGetObjectId(sg_spi_value(i, 2, &isnull)) == auditors[draws[i].auditor] &&
			sg_spi_int64(i, 3, 0) == draws[i].position;
	}
	sg_spi_finish();
	PG_RETURN_BOOL(same);
}
