/*
 * calendar_guard.c
 *		Who may change the national calendar: the bank holidays and the
 *		divisions every deadline is counted over.
 *
 * Owns the trigger calendar_guard (BEFORE INSERT OR UPDATE OR DELETE FOR
 * EACH ROW on safeguard.bank_holiday and safeguard.division).  Every change
 * it lets through is recorded by audit_row (chains table:bank_holiday and
 * table:division), deletions included.
 *
 * Invariants:
 *	- A SQL privilege alone changes nothing: pg_write_all_data, or an
 *	  INSERT granted by hand, moved deadlines by weeks in 1.3 with no trace.
 *	  A change needs the admin duty held for the regulator (the calendar is
 *	  national: an administrator of a local authority administers that
 *	  authority only), or a superuser, checked against duty_grant like
 *	  every rule; 42501 names the duty required and what the role holds.
 *	- safeguard's own writes pass: its extension scripts (CREATE EXTENSION,
 *	  ALTER EXTENSION UPDATE), its internal writes, a renamed division's
 *	  cascade to its holidays, and a restore (the trigger stands aside
 *	  while safeguard.restoring()).
 *	  import_bank_holidays() runs as its caller, so it imports for a
 *	  superuser or an administrator of the regulator only.
 *	- A holiday's id (its audit key) never changes, and shipped (a row the
 *	  extension installed, left out of dumps) is set only by extension
 *	  scripts: SG203.
 */
#include "postgres.h"

#include "audit.h"
#include "safeguard.h"
#include "sg_errcodes.h"

#include "commands/extension.h"
#include "miscadmin.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(sg_calendar_guard);

/* Raises SG203: a column the extension records was supplied or changed. */
static void
refuse_column(const char *table, const char *column, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_FORGED_COLUMN),
			 errmsg("%s.%s cannot be set or changed", table, column),
			 errdetail("safeguard records %s itself.", column),
			 errhint("%s", hint)));
}

/*
 * Trigger: calendar_guard, BEFORE INSERT OR UPDATE OR DELETE FOR EACH ROW
 * on the calendar tables.  Passes the row when the change is safeguard's
 * own or the acting role may change the calendar; raises 42501 otherwise.
 */
Datum
sg_calendar_guard(PG_FUNCTION_ARGS)
{
	static const SgPermit regulator_admin = {SG_DUTY_ADMIN, SG_ACT_FOR_REGULATOR};
	TriggerData *td = sg_trigger_data(fcinfo, "calendar_guard", true, true);
	Relation	rel = td->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	const char *table = RelationGetRelationName(rel);
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	bool		is_delete = TRIGGER_FIRED_BY_DELETE(td->tg_event);
	HeapTuple	result = is_update ? td->tg_newtuple : td->tg_trigtuple;

	/*
	 * safeguard's own writes: its extension scripts, its internal writes, and
	 * the foreign key's ON UPDATE CASCADE from a renamed division (which
	 * PostgreSQL runs as the table's owner, the rename itself having passed
	 * this guard on division).
	 */
	if (creating_extension || sg_internal_writing() ||
		(InLocalUserIdChange() && GetUserId() == rel->rd_rel->relowner))
		return PointerGetDatum(result);

	if (!superuser_arg(sg_acting_userid()))
	{
		SgDuty		duty = sg_require_permit(sg_current_actor(), &regulator_admin, 1, 0,
											 "change the bank-holiday calendar");

		if (sg_has_column(desc, "id"))
			sg_audit_note_duty(RelationGetRelid(rel),
							   sg_get_int64(td->tg_trigtuple, desc, "id"), duty);
	}
	if (is_delete)
		return PointerGetDatum(result);

	if (sg_has_column(desc, "shipped"))
	{
		bool		isnull;
		Datum		shipped = sg_get(result, desc, "shipped", &isnull);

		if (is_update ? !sg_column_unchanged(td->tg_trigtuple, result, desc, sg_attnum(desc, "shipped"))
			: (!isnull && DatumGetBool(shipped)))
			refuse_column(table, "shipped",
						  "shipped marks the rows the extension installed; leave it out.");
	}
	if (is_update && sg_has_column(desc, "id") &&
		!sg_column_unchanged(td->tg_trigtuple, result, desc, sg_attnum(desc, "id")))
		refuse_column(table, "id", "A holiday keeps its id: change its other columns, or delete it and insert another.");
	return PointerGetDatum(result);
}
