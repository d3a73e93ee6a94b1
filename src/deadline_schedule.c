/*
 * deadline_schedule.c
 *		The sweep's schedule: each open, unpaused deadline's next rung
 *		instant, kept in safeguard.deadline_schedule so that a sweep reads
 *		what is due through an index instead of computing every open
 *		deadline's ladder (issue 19).
 *
 * Owns safeguard.rung_fire_at(), rebuild_deadline_schedule() and the
 * triggers deadline_schedule_sync (on deadline), deadline_schedule_ladder
 * (on deadline_rule and escalation_rung) and deadline_schedule_calendar (on
 * bank_holiday and division), and sg_schedule_refresh(), which the sweep
 * calls after firing a deadline's rungs.
 *
 * Invariants:
 *	- The schedule is derived, never a source of truth: a row holds the
 *	  earliest instant among the deadline's rungs not yet fired (NULL when
 *	  none is left, or none can be computed) and how many of them cannot be
 *	  computed.  Every row is computed by one statement (SCHEDULE_UPSERT)
 *	  from the deadline, its rule, its ladder and its alerts, with the same
 *	  arithmetic the sweep fires by (sg_rung_instant_try), so the sweep and
 *	  the schedule never disagree on an instant.
 *	- There is a row exactly for each open, unpaused deadline: the trigger
 *	  on deadline writes it when a deadline opens, resumes or is extended,
 *	  and removes it when the deadline closes, is cancelled or is paused;
 *	  the sweep brings it up to date after firing.  A change to the calendar
 *	  (bank holidays, a division's coverage) rebuilds every row once, at the
 *	  end of the transaction that made it; a change to a ladder or a rule
 *	  rebuilds the rows of its deadlines at once.  (A policy version's own
 *	  row cannot change once a deadline uses it, and a version no deadline
 *	  uses moves no row: deadline_policy needs no trigger of its own.)
 *	- Its rows are written as the table owner against the latest committed
 *	  state (sg_exec_internal_latest): a schedule row is anybody's to bring
 *	  up to date, so under REPEATABLE READ closing a deadline whose rung a
 *	  sweep just fired is not refused for the schedule's sake.
 *	- Not audited: everything in it follows from audited rows.  Nobody but
 *	  safeguard reads or writes it (no privilege; row-level security with no
 *	  policy, so even pg_read_all_data sees no row).  A dump keeps it; a
 *	  restore brings it back as dumped; rebuild_deadline_schedule() repairs
 *	  it from the deadlines if it was ever loaded some other way.
 */
#include "postgres.h"

#include "calendar.h"
#include "deadline.h"
#include "deadline_schedule.h"
#include "restore.h"
#include "safeguard.h"
#include "spi_util.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_rung_fire_at_sql);
PG_FUNCTION_INFO_V1(sg_deadline_schedule_sync);
PG_FUNCTION_INFO_V1(sg_deadline_schedule_ladder);
PG_FUNCTION_INFO_V1(sg_deadline_schedule_calendar);
PG_FUNCTION_INFO_V1(sg_rebuild_deadline_schedule);

/*
 * Brings schedule rows up to date: one row per open, unpaused deadline
 * chosen by `filter`, holding the earliest instant of its rungs not yet
 * fired and how many of them cannot be computed.  Rows that already hold
 * those values are not rewritten, so a rebuild after a calendar change
 * writes only the deadlines it moved.
 */
#define SCHEDULE_UPSERT(filter) \
	"INSERT INTO safeguard.deadline_schedule AS s (deadline_id, anchor_at, next_fire_at, uncomputable) " \
	"SELECT d.id, d.anchor_at, pg_catalog.min(x.at), " \
	"  (pg_catalog.count(x.rung) FILTER (WHERE x.at IS NULL))::pg_catalog.int4 " \
	"FROM safeguard.deadline d " \
	"JOIN safeguard.deadline_rule r ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id " \
	"  AND r.kind OPERATOR(pg_catalog.=) d.kind " \
	"LEFT JOIN LATERAL (SELECT e.rung, safeguard.rung_fire_at(coalesce(d.amount, r.amount), r.unit, " \
	"    d.anchor_at, d.division, e.offset_amount, e.offset_unit) AS at " \
	"  FROM safeguard.escalation_rung e " \
	"  WHERE e.policy_id OPERATOR(pg_catalog.=) d.policy_id AND e.kind OPERATOR(pg_catalog.=) d.kind " \
	"    AND NOT EXISTS (SELECT 1 FROM safeguard.deadline_alert a " \
	"      WHERE a.deadline_id OPERATOR(pg_catalog.=) d.id AND a.rung OPERATOR(pg_catalog.=) e.rung)) x ON true " \
	"WHERE d.status OPERATOR(pg_catalog.=) 'open' AND d.paused_at IS NULL " filter " " \
	"GROUP BY d.id, d.anchor_at " \
	"ON CONFLICT (deadline_id) DO UPDATE SET anchor_at = excluded.anchor_at, " \
	"  next_fire_at = excluded.next_fire_at, uncomputable = excluded.uncomputable " \
	"WHERE NOT (s.anchor_at OPERATOR(pg_catalog.=) excluded.anchor_at " \
	"  AND s.uncomputable OPERATOR(pg_catalog.=) excluded.uncomputable " \
	"  AND coalesce(s.next_fire_at OPERATOR(pg_catalog.=) excluded.next_fire_at, " \
	"               s.next_fire_at IS NULL AND excluded.next_fire_at IS NULL))"

static const char *const upsert_one_sql =
SCHEDULE_UPSERT("AND d.id OPERATOR(pg_catalog.=) $1");
static const char *const upsert_rule_sql =
SCHEDULE_UPSERT("AND d.policy_id OPERATOR(pg_catalog.=) $1 AND d.kind OPERATOR(pg_catalog.=) $2");
static const char *const upsert_all_sql = SCHEDULE_UPSERT("");

static const char *const delete_one_sql =
"DELETE FROM safeguard.deadline_schedule WHERE deadline_id OPERATOR(pg_catalog.=) $1";

/* The row of deadline $1 when it is no longer open and running. */
static const char *const delete_stale_one_sql =
"DELETE FROM safeguard.deadline_schedule s WHERE s.deadline_id OPERATOR(pg_catalog.=) $1 "
"AND NOT EXISTS (SELECT 1 FROM safeguard.deadline d "
"  WHERE d.id OPERATOR(pg_catalog.=) s.deadline_id AND d.status OPERATOR(pg_catalog.=) 'open' "
"  AND d.paused_at IS NULL)";

/* Rows whose deadline is no longer open and running (a repair; none in normal operation). */
static const char *const delete_stale_sql =
"DELETE FROM safeguard.deadline_schedule s WHERE NOT EXISTS (SELECT 1 FROM safeguard.deadline d "
"  WHERE d.id OPERATOR(pg_catalog.=) s.deadline_id AND d.status OPERATOR(pg_catalog.=) 'open' "
"  AND d.paused_at IS NULL)";

/*
 * Sets *fire to the instant a rung fires: the due instant shifted by its
 * offset.  Returns false when that instant cannot be computed (an offset
 * in working days past the division's calendar, or out of range): the rung
 * waits, and its deadline is reported, while every other rung fires.
 */
bool
sg_rung_instant_try(TimestampTz due, int32 offset, const char *unit, const char *division,
					TimestampTz *fire)
{
	const SgDivision *div;
	DateADT		due_day;
	int32_t		day;

	if (offset == 0)
	{
		*fire = due;
		return true;
	}
	if (strcmp(unit, "clock_hours") == 0)
		return !pg_add_s64_overflow(due, (int64) offset * USECS_PER_HOUR, fire) &&
			IS_VALID_TIMESTAMP(*fire);
	div = sg_division_lookup(division);
	if (!sg_local_date_try(div, due - 1, &due_day))	/* the day whose end is due */
		return false;
	if (strcmp(unit, "calendar_days") == 0)
	{
		if (pg_add_s32_overflow(due_day, offset, &day))
			return false;
	}
	else if (sgcal_add_working_days(&div->cal, due_day, offset, &day) != SGCAL_OK)
		return false;
	return sg_end_of_day_try(div, day, fire);
}

/*
 * SQL: rung_fire_at(amount, unit, anchor, division, offset_amount,
 * offset_unit) -> timestamptz: the instant a rung of a deadline fires, or
 * NULL when it cannot be computed.
 */
Datum
sg_rung_fire_at_sql(PG_FUNCTION_ARGS)
{
	char	   *division;
	TimestampTz due;
	TimestampTz fire;

	for (int i = 0; i < 6; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_NULL();
	division = text_to_cstring(PG_GETARG_TEXT_PP(3));
	if (sg_deadline_due_try(PG_GETARG_INT32(0),
							DatumGetCString(DirectFunctionCall1(enum_out, PG_GETARG_DATUM(1))),
							PG_GETARG_TIMESTAMPTZ(2), division, &due) != SG_DUE_OK ||
		!sg_rung_instant_try(due, PG_GETARG_INT32(4),
							 DatumGetCString(DirectFunctionCall1(enum_out, PG_GETARG_DATUM(5))),
							 division, &fire))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(fire);
}

/*
 * Brings the schedule row of deadline id up to date from the deadline as it
 * now is (inserts, updates or removes it).  Inside an SPI connection.
 */
void
sg_schedule_refresh(int64 id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};

	sg_exec_internal_latest(upsert_one_sql, 1, types, values, NULL);
	sg_exec_internal_latest(delete_stale_one_sql, 1, types, values, NULL);
}

/* Rebuilds every row; returns how many were written or removed.  Inside SPI. */
static uint64
rebuild_all(void)
{
	uint64		n = sg_exec_internal_latest(delete_stale_sql, 0, NULL, NULL, NULL);

	return n + sg_exec_internal_latest(upsert_all_sql, 0, NULL, NULL, NULL);
}

/*
 * Trigger on deadline (AFTER INSERT OR UPDATE OF status, paused_at,
 * anchor_at, amount, FOR EACH ROW): a deadline that opens, resumes or is
 * extended gets its next instant; one that closes, is cancelled or paused
 * leaves the schedule.
 */
Datum
sg_deadline_schedule_sync(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "deadline_schedule_sync", true, false);
	HeapTuple	row = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	bool		running;		/* paused_at is NULL */
	char	   *status;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		return PointerGetDatum(NULL);	/* deadlines are never deleted (internal_only) */
	values[0] = Int64GetDatum(sg_get_int64(row, desc, "id"));
	status = sg_get_label(row, desc, "status");
	(void) sg_get(row, desc, "paused_at", &running);
	sg_spi_connect();
	if (strcmp(status, "open") == 0 && running)
		sg_exec_internal_latest(upsert_one_sql, 1, types, values, NULL);
	else
		sg_exec_internal_latest(delete_one_sql, 1, types, values, NULL);
	sg_spi_finish();
	return PointerGetDatum(NULL);
}

/*
 * Trigger on deadline_rule and escalation_rung (AFTER INSERT OR UPDATE OR
 * DELETE, FOR EACH ROW): a rung added to a ladder in use (the one change a
 * policy in use admits) reaches the open deadlines of that rule at once.
 */
Datum
sg_deadline_schedule_ladder(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "deadline_schedule_ladder", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	rows[2] = {td->tg_trigtuple,
	TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : NULL};
	Oid			types[2] = {INT8OID, TEXTOID};

	sg_spi_connect();
	for (int i = 0; i < 2 && rows[i] != NULL; i++)
	{
		Datum		values[2];

		values[0] = Int64GetDatum(sg_get_int64(rows[i], desc, "policy_id"));
		values[1] = CStringGetTextDatum(sg_get_cstring(rows[i], desc, "kind"));
		sg_exec_internal_latest(upsert_rule_sql, 2, types, values, NULL);
	}
	sg_spi_finish();
	return PointerGetDatum(NULL);
}

/*
 * Constraint trigger on bank_holiday and division (AFTER INSERT OR UPDATE
 * OR DELETE, FOR EACH ROW, DEFERRABLE INITIALLY DEFERRED): a calendar change
 * moves due instants, so the schedule is rebuilt, once, when the
 * transaction that changed the calendar commits (an import adds its
 * holidays one statement each).  A later change in the same transaction
 * (after SET CONSTRAINTS ... IMMEDIATE) invalidates the calendar again and
 * so rebuilds again.
 */
Datum
sg_deadline_schedule_calendar(PG_FUNCTION_ARGS)
{
	static LocalTransactionId rebuilt_in = InvalidLocalTransactionId;
	static uint64 rebuilt_at = 0;
	uint64		generation;

	(void) sg_trigger_data(fcinfo, "deadline_schedule_calendar", true, false);
	generation = sg_calendar_generation();
	if (rebuilt_in == MyProc->lxid && rebuilt_at == generation)
		return PointerGetDatum(NULL);
	sg_spi_connect();
	(void) rebuild_all();
	sg_spi_finish();
	rebuilt_in = MyProc->lxid;
	rebuilt_at = generation;
	return PointerGetDatum(NULL);
}

/*
 * SQL: rebuild_deadline_schedule() -> bigint: recomputes every row of the
 * schedule from the deadlines (an administrator of the regulator); returns
 * how many rows it wrote or removed.  Nothing needs it in normal operation.
 */
Datum
sg_rebuild_deadline_schedule(PG_FUNCTION_ARGS)
{
	uint64		n;

	sg_require_national_admin("rebuild the deadline schedule");
	sg_spi_connect();
	n = rebuild_all();
	sg_spi_finish();
	PG_RETURN_INT64((int64) n);
}
