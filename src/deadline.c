/*
 * deadline.c
 *		Deadlines: every expectation of another party has a due instant
 *		computed from an anchor and a rule, and is recorded met or breached
 *		when the event it waits for happens.
 *
 * Owns safeguard.deadline_due(), the guards policy_guard and internal_only,
 * and the functions the workflow triggers call to open, close and cancel
 * deadlines.
 *
 * Invariants:
 *	- A deadline stores its anchor instant and the rule (policy, kind) that
 *	  applied at the anchor; its due instant is always computed by the
 *	  calendar engine, so an open deadline follows the bank holidays as they
 *	  are now.  Closing stores the due instant it was judged against.
 *	- The rule is the responsible organisation's latest policy version in
 *	  force at the anchor's local date, else the default policy's.  Policies
 *	  are versioned with effective dates; a version that a deadline uses can
 *	  no longer be changed (add a new version instead).
 *	- At most one open deadline per (subject, kind); a kind may recur once
 *	  the previous one closed (e.g. a second round of quality assurance).
 *	  Only safeguard writes deadlines.
 */
#include "postgres.h"

#include "audit.h"
#include "calendar.h"
#include "deadline.h"
#include "safeguard.h"
#include "spi_util.h"
#include "session_guard.h"
#include "sg_errcodes.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "common/int.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_deadline_due_sql);
PG_FUNCTION_INFO_V1(sg_deadline_due_or_null);
PG_FUNCTION_INFO_V1(sg_deadline_due_problem);
PG_FUNCTION_INFO_V1(sg_policy_guard);
PG_FUNCTION_INFO_V1(sg_internal_only);

/*
 * Computes the due instant of a rule applied to an anchor in a division
 * into *due, and says whether it could: a working-day count needs the
 * division's calendar to cover every day it passes, and every result must
 * be a valid timestamp (the arithmetic is range-checked before it is done,
 * so an extreme amount cannot wrap around to a date millions of years
 * away).  Never raises for a deadline's own values, so one deadline that
 * cannot be computed never stops the others (the sweep, the views).
 */
SgDueStatus
sg_deadline_due_try(int32 amount, const char *unit, TimestampTz anchor,
					const char *division, TimestampTz *due)
{
	const SgDivision *div = sg_division_lookup(division);
	DateADT		day;

	if (TIMESTAMP_NOT_FINITE(anchor) || !IS_VALID_TIMESTAMP(anchor))
		return SG_DUE_OUT_OF_RANGE;
	if (strcmp(unit, "clock_hours") == 0)
	{
		if (pg_add_s64_overflow(anchor, (int64) amount * USECS_PER_HOUR, due) ||
			!IS_VALID_TIMESTAMP(*due))
			return SG_DUE_OUT_OF_RANGE;
		return SG_DUE_OK;
	}
	if (!sg_local_date_try(div, anchor, &day))
		return SG_DUE_OUT_OF_RANGE;
	if (strcmp(unit, "working_days") == 0)
	{
		int32_t		result;
		SgCalStatus st = sgcal_add_working_days(&div->cal, day, amount, &result);

		if (st == SGCAL_BEFORE_COVERAGE)
			return SG_DUE_BEFORE_CALENDAR;
		if (st == SGCAL_AFTER_COVERAGE)
			return SG_DUE_AFTER_CALENDAR;
		day = result;
	}
	else if (strcmp(unit, "calendar_days") == 0)
	{
		if (pg_add_s32_overflow(day, amount, &day))
			return SG_DUE_OUT_OF_RANGE;
	}
	else
		elog(ERROR, "safeguard: unknown deadline unit \"%s\"", unit);
	return sg_end_of_day_try(div, day, due) ? SG_DUE_OK : SG_DUE_OUT_OF_RANGE;
}

/* Returns why a due instant could not be computed, for messages and views. */
const char *
sg_due_status_text(SgDueStatus st, const char *division)
{
	const SgDivision *div = sg_division_lookup(division);

	switch (st)
	{
		case SG_DUE_OK:
			return NULL;
		case SG_DUE_BEFORE_CALENDAR:
			return psprintf("counted from before the calendar of %s (loaded from %s)",
							division, sg_iso_date(div->cal.first_day));
		case SG_DUE_AFTER_CALENDAR:
			return psprintf("falls after the calendar of %s (loaded to %s)",
							division, sg_iso_date(div->cal.last_day));
		case SG_DUE_OUT_OF_RANGE:
			return pstrdup("out of the range of a timestamp");
	}
	return NULL;
}

/*
 * Returns the due instant of a rule applied to an anchor in a division;
 * raises SG101 when the calendar does not cover it, SG105 when it is out
 * of range.
 */
TimestampTz
sg_deadline_due(int32 amount, const char *unit, TimestampTz anchor,
				const char *division)
{
	TimestampTz due = 0;
	SgDueStatus st = sg_deadline_due_try(amount, unit, anchor, division, &due);

	if (st == SG_DUE_BEFORE_CALENDAR || st == SG_DUE_AFTER_CALENDAR)
		ereport(ERROR,
				(errcode(ERRCODE_SG_CALENDAR_NOT_COVERED),
				 errmsg("the deadline cannot be computed: it %s", sg_due_status_text(st, division)),
				 errdetail("%d %s counted from %s.", amount, unit,
						   sg_canonical_text(TimestampTzGetDatum(anchor), TIMESTAMPTZOID)),
				 errhint("Import the gov.uk calendar that covers these dates with safeguard.import_bank_holidays().")));
	if (st == SG_DUE_OUT_OF_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_SG_CALENDAR_OVERFLOW),
				 errmsg("the deadline is out of range"),
				 errdetail("%d %s counted from that instant fall outside the range of a timestamp.",
						   amount, unit),
				 errhint("Use an amount that a deadline can take (a rule allows 0 to 10000).")));
	return due;
}

/*
 * SQL: deadline_due_or_null(amount, unit, anchor, division) -> timestamptz:
 * as deadline_due, NULL when the due instant cannot be computed (the views
 * show every other deadline, and this one with its problem).
 */
Datum
sg_deadline_due_or_null(PG_FUNCTION_ARGS)
{
	TimestampTz due;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	if (sg_deadline_due_try(PG_GETARG_INT32(0),
							DatumGetCString(DirectFunctionCall1(enum_out, PG_GETARG_DATUM(1))),
							PG_GETARG_TIMESTAMPTZ(2), text_to_cstring(PG_GETARG_TEXT_PP(3)),
							&due) != SG_DUE_OK)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(due);
}

/*
 * SQL: deadline_due_problem(amount, unit, anchor, division) -> text: why the
 * due instant cannot be computed, or NULL when it can.
 */
Datum
sg_deadline_due_problem(PG_FUNCTION_ARGS)
{
	TimestampTz due;
	char	   *division;
	SgDueStatus st;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	division = text_to_cstring(PG_GETARG_TEXT_PP(3));
	st = sg_deadline_due_try(PG_GETARG_INT32(0),
							 DatumGetCString(DirectFunctionCall1(enum_out, PG_GETARG_DATUM(1))),
							 PG_GETARG_TIMESTAMPTZ(2), division, &due);
	if (st == SG_DUE_OK)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(sg_due_status_text(st, division)));
}

/* SQL: deadline_due(amount int, unit deadline_unit, anchor timestamptz, division text). */
Datum
sg_deadline_due_sql(PG_FUNCTION_ARGS)
{
	char	   *unit;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	unit = DatumGetCString(DirectFunctionCall1(enum_out, PG_GETARG_DATUM(1)));
	PG_RETURN_TIMESTAMPTZ(sg_deadline_due(PG_GETARG_INT32(0), unit,
										  PG_GETARG_TIMESTAMPTZ(2),
										  text_to_cstring(PG_GETARG_TEXT_PP(3))));
}

/*
 * Finds the rule of a kind for organisation org_id at the anchor's local
 * date in the organisation's division; sets *policy_id and *amount.  Raises
 * SG212 when no policy has the rule.  Runs inside the caller's SPI
 * connection.
 */
static void
find_rule(const char *kind, int64 org_id, TimestampTz anchor, const SgDivision *div,
		  int64 *policy_id, int32 *amount)
{
	Oid			ptypes[3] = {TEXTOID, INT8OID, DATEOID};
	Datum		pvalues[3];
	bool		isnull;

	pvalues[0] = CStringGetTextDatum(kind);
	pvalues[1] = Int64GetDatum(org_id);
	pvalues[2] = DateADTGetDatum(sg_local_date(div, anchor));
	sg_exec_internal("SELECT r.policy_id, r.amount FROM safeguard.deadline_rule r "
					 "JOIN safeguard.deadline_policy p ON p.id OPERATOR(pg_catalog.=) r.policy_id "
					 "WHERE r.kind OPERATOR(pg_catalog.=) $1 "
					 "AND (p.organisation_id OPERATOR(pg_catalog.=) $2 OR p.organisation_id IS NULL) "
					 "AND p.effective_from OPERATOR(pg_catalog.<=) $3 "
					 "ORDER BY p.organisation_id IS NULL, p.effective_from DESC LIMIT 1",
					 3, ptypes, pvalues, NULL);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_POLICY),
				 errmsg("no deadline policy has a rule for \"%s\"", kind),
				 errdetail("Organisation " INT64_FORMAT ", anchor date %s.", org_id,
						   sg_iso_date(DatumGetDateADT(pvalues[2]))),
				 errhint("Add a rule of this kind to a policy in force on that date.")));
	*policy_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											 SPI_tuptable->tupdesc, 1, &isnull));
	*amount = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 2, &isnull));
}

/* Returns the amount of the rule of a kind that applies to org_id at anchor. */
int32
sg_deadline_rule_amount(SgDeadlineKind k, int64 org_id, TimestampTz anchor)
{
	const char *kind = sg_deadline_kind_name(k);
	const SgDivision *div = sg_division_lookup(sg_organisation_division(org_id));
	int64		policy_id;
	int32		amount;

	sg_spi_connect();
	find_rule(kind, org_id, anchor, div, &policy_id, &amount);
	sg_spi_finish();
	return amount;
}

/*
 * Opens the deadline of a kind for a subject, to be met by organisation
 * org_id, counted from anchor.  amount, when >= 0, is a timescale set for
 * this subject (e.g. by a meeting) in the rule's unit, replacing the rule's
 * own amount.  Raises SG212 when no policy has the rule.
 */
void
sg_deadline_open_n(SgDeadlineKind k, int64 subject_id, int64 case_id, int64 org_id,
				   TimestampTz anchor, int32 amount)
{
	const char *kind = sg_deadline_kind_name(k);
	const char *subject_table = sg_deadline_subject_name(sg_deadline_kind_subject(k));
	char	   *division = sg_organisation_division(org_id);
	const SgDivision *div = sg_division_lookup(division);
	Oid			types[9] = {TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID,
		TIMESTAMPTZOID, TEXTOID, INT4OID};
	Datum		values[9];
	char		nulls[9] = "         ";
	int64		policy_id;
	int32		rule_amount;

	sg_spi_connect();
	find_rule(kind, org_id, anchor, div, &policy_id, &rule_amount);

	values[0] = CStringGetTextDatum(kind);
	values[1] = CStringGetTextDatum(subject_table);
	values[2] = Int64GetDatum(subject_id);
	values[3] = Int64GetDatum(case_id);
	if (case_id == 0)
		nulls[3] = 'n';
	values[4] = Int64GetDatum(org_id);
	values[5] = Int64GetDatum(policy_id);
	values[6] = TimestampTzGetDatum(anchor);
	values[7] = CStringGetTextDatum(division);
	values[8] = Int32GetDatum(amount);
	if (amount < 0)
		nulls[8] = 'n';
	sg_exec_internal("INSERT INTO safeguard.deadline (kind, subject_table, subject_id, case_id, "
					 "organisation_id, policy_id, anchor_at, division, amount) "
					 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
					 "ON CONFLICT (subject_table, subject_id, kind) "
					 "WHERE status OPERATOR(pg_catalog.=) 'open' DO NOTHING",
					 9, types, values, nulls);
	sg_spi_finish();
}

/* Opens the deadline of a kind for a subject with the rule's own amount. */
void
sg_deadline_open(SgDeadlineKind kind, int64 subject_id, int64 case_id, int64 org_id,
				 TimestampTz anchor)
{
	sg_deadline_open_n(kind, subject_id, case_id, org_id, anchor, -1);
}

/*
 * Closes an open deadline as met or breached by an event at `at`; returns
 * SG_DEADLINE_MET, SG_DEADLINE_BREACHED, or SG_DEADLINE_NONE when there is
 * no open deadline of that kind.
 */
SgDeadlineOutcome
sg_deadline_close(SgDeadlineKind k, int64 subject_id, TimestampTz at)
{
	const char *kind = sg_deadline_kind_name(k);
	const char *subject_table = sg_deadline_subject_name(sg_deadline_kind_subject(k));
	Oid			types[5] = {TEXTOID, INT8OID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[5];
	SgDeadlineOutcome outcome = SG_DEADLINE_NONE;

	values[0] = CStringGetTextDatum(subject_table);
	values[1] = Int64GetDatum(subject_id);
	values[2] = CStringGetTextDatum(kind);
	sg_spi_connect();
	/*
	 * A deadline another transaction holds is skipped at first, then waited
	 * for with a bound (SG801 names the holder: session_guard.c).
	 */
#define CLOSE_QUERY(skip) \
	"SELECT coalesce(d.amount, r.amount), r.unit::pg_catalog.text, d.anchor_at, d.division, " \
	"d.paused_at IS NOT NULL " \
	"FROM safeguard.deadline d JOIN safeguard.deadline_rule r " \
	"ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id " \
	"AND r.kind OPERATOR(pg_catalog.=) d.kind " \
	"WHERE d.subject_table OPERATOR(pg_catalog.=) $1 " \
	"AND d.subject_id OPERATOR(pg_catalog.=) $2 " \
	"AND d.kind OPERATOR(pg_catalog.=) $3 " \
	"AND d.status OPERATOR(pg_catalog.=) 'open' FOR UPDATE OF d" skip
	if (sg_exec_internal(CLOSE_QUERY(" SKIP LOCKED"), 3, types, values, NULL) == 0 &&
		sg_lock_rows_bounded("deadline", "deadline",
							 "SELECT id FROM safeguard.deadline "
							 "WHERE subject_table OPERATOR(pg_catalog.=) $1 "
							 "AND subject_id OPERATOR(pg_catalog.=) $2 "
							 "AND kind OPERATOR(pg_catalog.=) $3 "
							 "AND status OPERATOR(pg_catalog.=) 'open'", 3, types, values) > 0)
		sg_exec_internal(CLOSE_QUERY(""), 3, types, values, NULL);
#undef CLOSE_QUERY
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int32		amount = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
		char	   *unit = TextDatumGetCString(SPI_getbinval(tup, desc, 2, &isnull));
		TimestampTz anchor = DatumGetTimestampTz(SPI_getbinval(tup, desc, 3, &isnull));
		char	   *division = TextDatumGetCString(SPI_getbinval(tup, desc, 4, &isnull));
		bool		paused = DatumGetBool(SPI_getbinval(tup, desc, 5, &isnull));
		TimestampTz due = 0;
		SgDueStatus st = sg_deadline_due_try(amount, unit, anchor, division, &due);
		char		due_nulls[5] = "     ";

		if (st == SG_DUE_OK)
			/* while its clock is stopped a deadline cannot run late */
			outcome = (paused || at <= due) ? SG_DEADLINE_MET : SG_DEADLINE_BREACHED;
		else
		{
			/*
			 * The due instant cannot be computed (a deadline counted from
			 * before the calendar, or falling after it).  The event is never
			 * refused for that: a deadline that falls after the calendar's
			 * last day is met by an event on or before that day; otherwise
			 * the deadline closes met with no due instant (due_at_close NULL)
			 * and a WARNING, and report_data_quality lists it.
			 */
			const SgDivision *div = sg_division_lookup(division);
			TimestampTz calendar_end;

			outcome = SG_DEADLINE_MET;
			due_nulls[4] = 'n';
			if (!(st == SG_DUE_AFTER_CALENDAR &&
				  sg_end_of_day_try(div, div->cal.last_day, &calendar_end) && at <= calendar_end))
				ereport(WARNING,
						(errcode(ERRCODE_SG_CALENDAR_NOT_COVERED),
						 errmsg("%s deadline of %s " INT64_FORMAT " closed without a due instant",
								kind, subject_table, subject_id),
						 errdetail("Its due instant %s.", sg_due_status_text(st, division)),
						 errhint("Import the gov.uk calendar that covers these dates with safeguard.import_bank_holidays().")));
		}
		values[3] = TimestampTzGetDatum(at);
		values[4] = TimestampTzGetDatum(due);
		sg_exec_internal(outcome == SG_DEADLINE_MET ?
						 "UPDATE safeguard.deadline SET status = 'met', closed_at = $4, due_at_close = $5 "
						 "WHERE subject_table OPERATOR(pg_catalog.=) $1 AND subject_id OPERATOR(pg_catalog.=) $2 "
						 "AND kind OPERATOR(pg_catalog.=) $3 AND status OPERATOR(pg_catalog.=) 'open'" :
						 "UPDATE safeguard.deadline SET status = 'breached', closed_at = $4, due_at_close = $5 "
						 "WHERE subject_table OPERATOR(pg_catalog.=) $1 AND subject_id OPERATOR(pg_catalog.=) $2 "
						 "AND kind OPERATOR(pg_catalog.=) $3 AND status OPERATOR(pg_catalog.=) 'open'",
						 5, types, values, due_nulls);
	}
	sg_spi_finish();
	return outcome;
}

/*
 * Closes an open deadline that was counted from before `at` (an event can
 * only meet a deadline it follows); returns true when one was closed.
 */
bool
sg_deadline_close_if_anchored_before(SgDeadlineKind k, int64 subject_id, TimestampTz at)
{
	const char *kind = sg_deadline_kind_name(k);
	const char *subject_table = sg_deadline_subject_name(sg_deadline_kind_subject(k));
	Oid			types[4] = {TEXTOID, INT8OID, TEXTOID, TIMESTAMPTZOID};
	Datum		values[4];
	uint64		n;

	values[0] = CStringGetTextDatum(subject_table);
	values[1] = Int64GetDatum(subject_id);
	values[2] = CStringGetTextDatum(kind);
	values[3] = TimestampTzGetDatum(at);
	sg_spi_connect();
	n = sg_exec_internal("SELECT 1 FROM safeguard.deadline "
						 "WHERE subject_table OPERATOR(pg_catalog.=) $1 AND subject_id OPERATOR(pg_catalog.=) $2 "
						 "AND kind OPERATOR(pg_catalog.=) $3 AND status OPERATOR(pg_catalog.=) 'open' "
						 "AND anchor_at OPERATOR(pg_catalog.<=) $4", 4, types, values, NULL);
	sg_spi_finish();
	return n > 0 && sg_deadline_close(k, subject_id, at) != SG_DEADLINE_NONE;
}

/* Cancels every open deadline of a subject (it no longer applies). */
void
sg_deadline_cancel_all(SgDeadlineSubject subject, int64 subject_id, TimestampTz at)
{
	const char *subject_table = sg_deadline_subject_name(subject);
	Oid			types[3] = {TEXTOID, INT8OID, TIMESTAMPTZOID};
	Datum		values[3];

	values[0] = CStringGetTextDatum(subject_table);
	values[1] = Int64GetDatum(subject_id);
	values[2] = TimestampTzGetDatum(at);
	sg_spi_connect();
	sg_exec_internal("UPDATE safeguard.deadline SET status = 'cancelled', closed_at = $3 "
					 "WHERE subject_table OPERATOR(pg_catalog.=) $1 "
					 "AND subject_id OPERATOR(pg_catalog.=) $2 "
					 "AND status OPERATOR(pg_catalog.=) 'open'",
					 3, types, values, NULL);
	sg_spi_finish();
}

/* Returns the status of a subject's deadline of a kind ("" when none). */
char *
sg_deadline_status(SgDeadlineKind k, int64 subject_id)
{
	const char *kind = sg_deadline_kind_name(k);
	const char *subject_table = sg_deadline_subject_name(sg_deadline_kind_subject(k));
	Oid			types[3] = {TEXTOID, INT8OID, TEXTOID};
	Datum		values[3];
	char	   *status = "";

	values[0] = CStringGetTextDatum(subject_table);
	values[1] = Int64GetDatum(subject_id);
	values[2] = CStringGetTextDatum(kind);
	sg_spi_connect();
	sg_exec_internal("SELECT status::pg_catalog.text FROM safeguard.deadline "
					 "WHERE subject_table OPERATOR(pg_catalog.=) $1 "
					 "AND subject_id OPERATOR(pg_catalog.=) $2 AND kind OPERATOR(pg_catalog.=) $3 "
					 "ORDER BY id DESC LIMIT 1",
					 3, types, values, NULL);
	if (SPI_processed == 1)
		status = sg_spi_text(0, 1);
	sg_spi_finish();
	return status;
}

/*
 * Raises 42501 unless the caller may maintain the policy a row of
 * deadline_policy, deadline_rule or escalation_rung belongs to: an
 * organisation's policy by its own administrators (or the regulator's), the
 * default policy (no organisation) by an administrator of the regulator.
 * Both the old and the new row are checked, so a policy cannot be moved to
 * another organisation.
 */
static void
policy_guard_require_admin(TriggerData *td, TupleDesc desc, bool is_policy)
{
	HeapTuple	rows[2] = {td->tg_trigtuple,
	TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : NULL};

	for (int i = 0; i < 2 && rows[i] != NULL; i++)
	{
		int64		org_id = 0;

		if (is_policy)
			org_id = sg_get_int64(rows[i], desc, "organisation_id");
		else
		{
			Oid			types[1] = {INT8OID};
			Datum		values[1] = {Int64GetDatum(sg_get_int64(rows[i], desc, "policy_id"))};
			bool		isnull;

			sg_spi_connect();
			if (sg_exec_internal("SELECT organisation_id FROM safeguard.deadline_policy "
								 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values, NULL) == 1)
			{
				Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

				org_id = isnull ? 0 : DatumGetInt64(v);
			}
			sg_spi_finish();
		}
		if (org_id == 0)
			sg_require_national_admin("maintain the default deadline policy");
		else
			sg_require_admin_for(org_id, "maintain deadline policies");
	}
}

/*
 * Trigger on deadline_policy, deadline_rule and escalation_rung:
 * administrators maintain policies; a policy version that a deadline already
 * uses is frozen.
 */
Datum
sg_policy_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "policy_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	bool		is_rule = strcmp(RelationGetRelationName(td->tg_relation), "deadline_rule") == 0;
	/* deadline_policy is keyed by id; its rules and escalation ladders by policy_id */
	bool		is_policy = strcmp(RelationGetRelationName(td->tg_relation), "deadline_policy") == 0;

	/*
	 * A ladder row deleted with its rule: the foreign key's cascade runs as
	 * the table owner, after the rule's own delete passed this guard.
	 */
	if (TRIGGER_FIRED_BY_DELETE(td->tg_event) &&
		GetUserId() == td->tg_relation->rd_rel->relowner)
		return PointerGetDatum(td->tg_trigtuple);

	policy_guard_require_admin(td, desc, is_policy);

	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		int64		policy_id = sg_get_int64(td->tg_trigtuple, desc, is_policy ? "id" : "policy_id");
		Oid			types[1] = {INT8OID};
		Datum		values[1] = {Int64GetDatum(policy_id)};
		uint64		used;

		sg_spi_connect();
		used = sg_exec_internal("SELECT 1 FROM safeguard.deadline "
								"WHERE policy_id OPERATOR(pg_catalog.=) $1 LIMIT 1",
								1, types, values, NULL);
		sg_spi_finish();
		if (used > 0)
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_POLICY),
					 errmsg("deadline policy " INT64_FORMAT " is in use and cannot change", policy_id),
					 errdetail("Deadlines were counted under this version; changing it would rewrite their history."),
					 errhint("Add a new policy version with a later effective_from.")));
	}
	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		return PointerGetDatum(td->tg_trigtuple);
	if (is_rule)
	{
		HeapTuple	tup = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
		bool		isnull;
		Datum		amount = sg_get(tup, desc, "amount", &isnull);

		if (isnull || DatumGetInt32(amount) < 0 || DatumGetInt32(amount) > 10000)
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_POLICY),
					 errmsg("a deadline rule needs an amount between 0 and 10000"),
					 errhint("The amount counts the rule's unit: working days, clock hours or calendar days.")));
	}
	return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple);
}

/*
 * Trigger for tables only safeguard writes (cases, deadlines, duty grants):
 * client INSERT and UPDATE are refused; DELETE is refused for everyone.
 */
Datum
sg_internal_only(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "internal_only", true, true);
	const char *table = RelationGetRelationName(td->tg_relation);

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change(table, "deleted", "Rows of this table are kept as history.");
	if (!sg_internal_writing())
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("%s is written only by safeguard", table),
				 errdetail("Its rows follow from workflow actions and cannot be written directly."),
				 errhint("Use the workflow functions (see the README).")));
	return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple);
}
