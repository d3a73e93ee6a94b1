/*
 * deadline_pause.c
 *		Stopping and restarting a deadline's clock, and its one extension.
 *
 * Owns safeguard.pause_deadline(), resume_deadline() and extend_deadline().
 *
 * Invariants:
 *	- Only the organisation that must meet a deadline (its LA officers,
 *	  SAMs, contact centre or inspectors, as the deadline's organisation
 *	  is) or an administrator may stop its clock, restart it or extend it.
 *	- A paused deadline fires no rung and is not judged late.  Resuming
 *	  keeps the time that remained in the deadline's own unit: working days
 *	  stay working days (the days left are counted again from the resume
 *	  day, over the calendar as it is then), clock hours stay clock hours.
 *	- Each pause is a row of deadline_pause, audited like every other row.
 *	- A deadline is extended at most once, with a reason and an approver who
 *	  is not the requester, holds a senior duty (admin or SAM) for the
 *	  organisation that must meet the deadline, and recorded the approval
 *	  first (approve_extension): nobody can be named an approver without
 *	  their consent, and nobody of another organisation can approve.
 */
#include "postgres.h"

#include "calendar.h"
#include "deadline.h"
#include "safeguard.h"
#include "spi_util.h"
#include "session_guard.h"
#include "sg_errcodes.h"
#include "validate.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_pause_deadline);
PG_FUNCTION_INFO_V1(sg_resume_deadline);
PG_FUNCTION_INFO_V1(sg_extend_deadline);
PG_FUNCTION_INFO_V1(sg_approve_extension);

/* Duties that may approve an extension, for the deadline's own organisation. */
#define APPROVER_DUTIES (SG_DUTY_BIT(SG_DUTY_ADMIN) | SG_DUTY_BIT(SG_DUTY_SAM))

/* What the clock functions need of a deadline. */
typedef struct Clock
{
	int64		id;
	int64		org_id;
	int64		case_id;
	char	   *status;
	int32		amount;			/* effective amount */
	char	   *unit;
	TimestampTz anchor;
	char	   *division;
	bool		paused;
	TimestampTz paused_at;
	bool		extended;
} Clock;

/*
 * Raises SG208 unless the caller may see deadline id under row-level
 * security: one that does not exist and one the caller may not see get the
 * same answer, so the clock functions tell nobody whether another
 * authority's deadline exists.  Asked as the caller; a role with no
 * privilege on deadline sees none.  Inside an SPI connection.
 */
static void
require_visible(int64 id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	Oid			relid = get_relname_relid("deadline", get_namespace_oid("safeguard", false));
	bool		visible = false;

	/* the table's privilege, or the column's (a reader's grant is per column) */
	if (OidIsValid(relid) &&
		(pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK ||
		 pg_attribute_aclcheck(relid, 1 /* id */ , GetUserId(), ACL_SELECT) == ACLCHECK_OK))
	{
		if (SPI_execute_with_args("SELECT 1 FROM safeguard.deadline WHERE id OPERATOR(pg_catalog.=) $1",
								  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "safeguard: deadline visibility query failed");
		visible = SPI_processed == 1;
	}
	if (!visible)
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("deadline " INT64_FORMAT " does not exist or is not visible to you", id),
				 errhint("Deadlines are listed in safeguard.open_deadlines.")));
}

/*
 * Loads a deadline (locked) as the owner; raises SG208 when absent or not
 * visible to the caller.  Runs inside the caller's SPI connection; the
 * strings of *c are allocated outside it, since the callers use them after
 * SPI_finish().
 */
static void
load_clock(int64 id, Clock *c)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	HeapTuple	tup;
	TupleDesc	desc;
	bool		isnull;
	Datum		v;

	require_visible(id);
	sg_lock_row_bounded("deadline", id, "deadline");	/* a bounded wait for its holder (SG801) */
	sg_exec_internal("SELECT d.organisation_id, d.case_id, d.status::pg_catalog.text, "
					 "coalesce(d.amount, r.amount), r.unit::pg_catalog.text, d.anchor_at, d.division, "
					 "d.paused_at, d.extended_by IS NOT NULL "
					 "FROM safeguard.deadline d JOIN safeguard.deadline_rule r "
					 "ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id AND r.kind OPERATOR(pg_catalog.=) d.kind "
					 "WHERE d.id OPERATOR(pg_catalog.=) $1 FOR UPDATE OF d", 1, types, values, NULL);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("deadline " INT64_FORMAT " does not exist", id),
				 errhint("Deadlines are listed in safeguard.open_deadlines.")));
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	c->id = id;
	c->org_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
	v = SPI_getbinval(tup, desc, 2, &isnull);
	c->case_id = isnull ? 0 : DatumGetInt64(v);
	c->status = sg_spi_text(0, 3);
	c->amount = DatumGetInt32(SPI_getbinval(tup, desc, 4, &isnull));
	c->unit = sg_spi_text(0, 5);
	c->anchor = DatumGetTimestampTz(SPI_getbinval(tup, desc, 6, &isnull));
	c->division = sg_spi_text(0, 7);
	v = SPI_getbinval(tup, desc, 8, &isnull);
	c->paused = !isnull;
	c->paused_at = isnull ? 0 : DatumGetTimestampTz(v);
	c->extended = DatumGetBool(SPI_getbinval(tup, desc, 9, &isnull));
}

/* Raises 42501 unless the actor works for the deadline's organisation (or administers). */
static SgDuty
require_clock_keeper(const Clock *c, const char *action)
{
	static const SgPermit keepers[] = {
		{SG_DUTY_LA_OFFICER, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA},
		{SG_DUTY_CONTACT_CENTRE, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_INSPECTOR, SG_ACT_FOR_RECIPIENT_LA},
		{SG_DUTY_ADMIN, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_ADMIN, SG_ACT_FOR_REGULATOR}};

	return sg_require_permit(sg_current_actor(), keepers, lengthof(keepers), c->org_id, action);
}

/* Raises SG501 unless the deadline is open. */
static void
require_open(const Clock *c, const char *action)
{
	if (strcmp(c->status, "open") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_DEADLINE_STATE),
				 errmsg("cannot %s deadline " INT64_FORMAT ": it is %s", action, c->id, c->status),
				 errhint("Only open deadlines can be paused, resumed or extended.")));
}

/* SQL: pause_deadline(deadline_id bigint, reason text) -> bigint (the pause). */
Datum
sg_pause_deadline(PG_FUNCTION_ARGS)
{
	Clock		c;
	char	   *reason = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	Oid			types[6] = {INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID, OIDOID, TEXTOID};
	Datum		values[6];
	char		nulls[6] = "      ";
	int64		pause_id;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (reason == NULL || !sg_text_present(reason, strlen(reason)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
				 errmsg("stopping a deadline's clock needs a reason"),
				 errhint("Say what the work waits for, e.g. police advice.")));
	sg_spi_connect();
	load_clock(PG_GETARG_INT64(0), &c);
	require_clock_keeper(&c, "stop a deadline's clock");
	require_open(&c, "pause");
	if (c.paused)
		ereport(ERROR,
				(errcode(ERRCODE_SG_DEADLINE_STATE),
				 errmsg("deadline " INT64_FORMAT " is already paused", c.id),
				 errhint("Resume it with safeguard.resume_deadline().")));

	values[0] = Int64GetDatum(c.id);
	values[1] = Int64GetDatum(c.org_id);
	values[2] = Int64GetDatum(c.case_id);
	nulls[2] = c.case_id ? ' ' : 'n';
	values[3] = TimestampTzGetDatum(sg_now());
	values[4] = ObjectIdGetDatum(sg_acting_userid());
	values[5] = CStringGetTextDatum(reason);
	sg_exec_internal("UPDATE safeguard.deadline SET paused_at = $4 WHERE id OPERATOR(pg_catalog.=) $1",
					 4, types, values, nulls);
	sg_spi_exec_expect("INSERT INTO safeguard.deadline_pause (deadline_id, organisation_id, case_id, "
					   "paused_at, paused_by, reason) VALUES ($1, $2, $3, $4, $5::pg_catalog.regrole, $6) "
					   "RETURNING id", 6, types, values, nulls, 1);
	pause_id = sg_spi_int64(0, 1, 0);
	sg_spi_finish();
	PG_RETURN_INT64(pause_id);
}

/* SQL: resume_deadline(deadline_id bigint) -> timestamptz (the new due instant). */
Datum
sg_resume_deadline(PG_FUNCTION_ARGS)
{
	Clock		c;
	TimestampTz now = sg_now();
	TimestampTz due;
	TimestampTz anchor;
	int32		amount;
	char	   *remaining;
	Oid			types[5] = {INT8OID, TIMESTAMPTZOID, INT4OID, OIDOID, TEXTOID};
	Datum		values[5];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	sg_spi_connect();
	load_clock(PG_GETARG_INT64(0), &c);
	require_clock_keeper(&c, "restart a deadline's clock");
	require_open(&c, "resume");
	if (!c.paused)
		ereport(ERROR,
				(errcode(ERRCODE_SG_DEADLINE_STATE),
				 errmsg("deadline " INT64_FORMAT " is not paused", c.id),
				 errhint("Stop its clock first with safeguard.pause_deadline().")));

	due = sg_deadline_due(c.amount, c.unit, c.anchor, c.division);
	if (strcmp(c.unit, "clock_hours") == 0)
	{
		/* the stopped time is added back, to the microsecond */
		anchor = c.anchor + (now - c.paused_at);
		amount = c.amount;
		remaining = psprintf("%s of %d clock hours",
							 due > c.paused_at ? "part" : "none", c.amount);
	}
	else
	{
		const SgDivision *div = sg_division_lookup(c.division);
		DateADT		stopped = sg_local_date(div, c.paused_at);
		DateADT		due_day = sg_local_date(div, due - 1);
		int32		left = strcmp(c.unit, "working_days") == 0 ?
			sg_working_days_between(div, stopped, due_day) : (int32) (due_day - stopped);

		amount = Max(left, 0);
		anchor = now;
		remaining = psprintf("%d %s day%s", amount,
							 strcmp(c.unit, "working_days") == 0 ? "working" : "calendar",
							 amount == 1 ? "" : "s");
	}

	values[0] = Int64GetDatum(c.id);
	values[1] = TimestampTzGetDatum(anchor);
	values[2] = Int32GetDatum(amount);
	sg_exec_internal("UPDATE safeguard.deadline SET anchor_at = $2, amount = $3, paused_at = NULL "
					 "WHERE id OPERATOR(pg_catalog.=) $1", 3, types, values, NULL);
	values[1] = TimestampTzGetDatum(now);
	values[3] = ObjectIdGetDatum(sg_acting_userid());
	values[4] = CStringGetTextDatum(remaining);
	sg_exec_internal("UPDATE safeguard.deadline_pause SET resumed_at = $2, "
					 "resumed_by = $4::pg_catalog.regrole, remaining = $5 "
					 "WHERE deadline_id OPERATOR(pg_catalog.=) $1 AND resumed_at IS NULL",
					 5, types, values, NULL);
	sg_spi_finish();
	PG_RETURN_TIMESTAMPTZ(sg_deadline_due(amount, c.unit, anchor, c.division));
}

/*
 * SQL: extend_deadline(deadline_id bigint, amount integer, reason text,
 * approver regrole) -> timestamptz (the new due instant).
 */
Datum
sg_extend_deadline(PG_FUNCTION_ARGS)
{
	Clock		c;
	int32		extra;
	char	   *reason;
	Oid			approver;
	Oid			types[4] = {INT8OID, INT4OID, TEXTOID, OIDOID};
	Oid			atypes[4] = {INT8OID, INT4OID, TIMESTAMPTZOID, OIDOID};
	Datum		values[4];
	uint64		approval;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("an extension needs the deadline, the amount, a reason and the approver"),
				 errhint("Call safeguard.extend_deadline(id, amount, 'reason', 'approving_role').")));
	extra = PG_GETARG_INT32(1);
	reason = text_to_cstring(PG_GETARG_TEXT_PP(2));
	approver = PG_GETARG_OID(3);
	if (!sg_text_present(reason, strlen(reason)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
				 errmsg("an extension needs a reason"),
				 errhint("Say why more time is needed.")));
	if (extra < 1 || extra > 10000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an extension adds between 1 and 10000 units"),
				 errhint("The amount counts the deadline's own unit.")));
	sg_spi_connect();
	load_clock(PG_GETARG_INT64(0), &c);
	require_clock_keeper(&c, "extend a deadline");
	require_open(&c, "extend");
	if (c.extended)
		ereport(ERROR,
				(errcode(ERRCODE_SG_ALREADY_EXTENDED),
				 errmsg("deadline " INT64_FORMAT " has already been extended once", c.id),
				 errhint("A deadline can be extended once; escalate instead.")));
	if (approver == sg_acting_userid())
		ereport(ERROR,
				(errcode(ERRCODE_SG_APPROVER),
				 errmsg("an extension cannot be approved by the role that asks for it"),
				 errdetail("Role \"%s\" named itself as the approver of deadline " INT64_FORMAT ".",
						   GetUserNameFromId(approver, true), c.id),
				 errhint("Ask a senior colleague of the same organisation to approve it with safeguard.approve_extension().")));
	if (!sg_role_holds_duty_for(approver, APPROVER_DUTIES, c.org_id))
		ereport(ERROR,
				(errcode(ERRCODE_SG_APPROVER),
				 errmsg("the approver of an extension must hold the admin or SAM duty for the deadline's organisation"),
				 errdetail("Role \"%s\" holds no admin or SAM duty for organisation " INT64_FORMAT ".",
						   GetUserNameFromId(approver, true), c.org_id),
				 errhint("Name a senior colleague of the organisation that must meet the deadline.")));

	/* the approver's own record of consent, unused, for at least this amount */
	values[0] = Int64GetDatum(c.id);
	values[1] = Int32GetDatum(extra);
	values[2] = TimestampTzGetDatum(sg_now());
	values[3] = ObjectIdGetDatum(approver);
	approval = sg_exec_internal("UPDATE safeguard.deadline_extension_approval SET used_at = $3 "
								"WHERE id OPERATOR(pg_catalog.=) (SELECT a.id FROM safeguard.deadline_extension_approval a "
								"  WHERE a.deadline_id OPERATOR(pg_catalog.=) $1 "
								"  AND a.approver::pg_catalog.oid OPERATOR(pg_catalog.=) $4 "
								"  AND a.used_at IS NULL AND a.amount OPERATOR(pg_catalog.>=) $2 "
								"  ORDER BY a.id LIMIT 1) RETURNING id", 4, atypes, values, NULL);
	if (approval == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_APPROVER),
				 errmsg("role \"%s\" has not approved this extension", GetUserNameFromId(approver, true)),
				 errdetail("No unused approval by that role covers %d more units of deadline " INT64_FORMAT ".",
						   extra, c.id),
				 errhint("The approver records the approval first: SELECT safeguard.approve_extension(deadline, amount, reason).")));

	values[0] = Int64GetDatum(c.id);
	values[1] = Int32GetDatum(extra);
	values[2] = CStringGetTextDatum(reason);
	values[3] = ObjectIdGetDatum(approver);
	sg_exec_internal("UPDATE safeguard.deadline d SET amount = coalesce(d.amount, r.amount) OPERATOR(pg_catalog.+) $2, "
					 "extended_by = $2, extension_reason = $3, extension_approver = $4::pg_catalog.regrole "
					 "FROM safeguard.deadline_rule r WHERE d.id OPERATOR(pg_catalog.=) $1 "
					 "AND r.policy_id OPERATOR(pg_catalog.=) d.policy_id AND r.kind OPERATOR(pg_catalog.=) d.kind",
					 4, types, values, NULL);
	sg_spi_finish();
	PG_RETURN_TIMESTAMPTZ(sg_deadline_due(c.amount + extra, c.unit, c.anchor, c.division));
}

/*
 * SQL: approve_extension(deadline_id bigint, amount integer, reason text)
 * -> bigint (the approval).  A role holding the admin or SAM duty for the
 * organisation that must meet the deadline records its consent to extend
 * the deadline by up to amount units; extend_deadline() then names it as
 * the approver.
 */
Datum
sg_approve_extension(PG_FUNCTION_ARGS)
{
	Clock		c;
	int32		amount;
	char	   *reason;
	const SgActor *a = sg_current_actor();
	SgDuty		duty;
	Oid			types[8] = {INT8OID, INT8OID, INT8OID, OIDOID, TEXTOID, INT4OID, TEXTOID, TIMESTAMPTZOID};
	Datum		values[8];
	char		nulls[8] = "        ";
	int64		approval_id;
	static const SgPermit approvers[] = {
		{SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_ADMIN, SG_ACT_FOR_RECIPIENT_LA}};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("an approval needs the deadline, the amount and a reason"),
				 errhint("Call safeguard.approve_extension(id, amount, 'reason').")));
	amount = PG_GETARG_INT32(1);
	reason = text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (!sg_text_present(reason, strlen(reason)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
				 errmsg("an approval needs a reason"),
				 errhint("Say why more time is justified.")));
	if (amount < 1 || amount > 10000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an extension adds between 1 and 10000 units"),
				 errdetail("The amount given is %d.", amount),
				 errhint("The amount counts the deadline's own unit.")));
	sg_spi_connect();
	load_clock(PG_GETARG_INT64(0), &c);
	duty = sg_require_permit(a, approvers, lengthof(approvers), c.org_id, "approve a deadline's extension");
	require_open(&c, "approve an extension of");
	if (c.extended)
		ereport(ERROR,
				(errcode(ERRCODE_SG_ALREADY_EXTENDED),
				 errmsg("deadline " INT64_FORMAT " has already been extended once", c.id),
				 errhint("A deadline can be extended once; escalate instead.")));

	values[0] = Int64GetDatum(c.id);
	values[1] = Int64GetDatum(c.org_id);
	values[2] = Int64GetDatum(c.case_id);
	nulls[2] = c.case_id ? ' ' : 'n';
	values[3] = ObjectIdGetDatum(sg_acting_userid());
	values[4] = CStringGetTextDatum(sg_duty_name(duty));
	values[5] = Int32GetDatum(amount);
	values[6] = CStringGetTextDatum(reason);
	values[7] = TimestampTzGetDatum(sg_now());
	sg_spi_exec_expect("INSERT INTO safeguard.deadline_extension_approval (deadline_id, organisation_id, case_id, "
					   "approver, approver_duty, amount, reason, approved_at) "
					   "VALUES ($1, $2, $3, $4::pg_catalog.regrole, $5::safeguard.duty, $6, $7, $8) RETURNING id",
					   8, types, values, nulls, 1);
	approval_id = sg_spi_int64(0, 1, 0);
	sg_spi_finish();
	PG_RETURN_INT64(approval_id);
}
