/*
 * deadline_sweep.c
 *		Deadlines that act on their own: safeguard.sweep() fires the rungs of
 *		each open deadline's escalation ladder, exactly once each, with an
 *		outbox row and a NOTIFY in the same transaction.
 *
 * Owns safeguard.sweep(), outbox_mark_delivered() and the outbox_guard
 * trigger.  The background worker (deadline_worker.c) and pg_cron call sweep().
 *
 * Invariants:
 *	- A rung fires when safeguard.now() reaches its instant: the due instant
 *	  (computed now, from the anchor and rule, so a newly announced bank
 *	  holiday moves it) shifted by the rung's offset.  Rungs of one deadline
 *	  fire in ladder order, several in one sweep if it ran late.
 *	- The primary key (deadline_id, rung) claims each rung: the worker and
 *	  a manual sweep, or a sweep rerun after a crash, can never fire one
 *	  twice (ON CONFLICT DO NOTHING; the loser waits, then does nothing).
 *	- The alert, its audit row, its outbox row and the NOTIFY commit or
 *	  vanish together.  Only open deadlines are read, through the partial
 *	  index on open deadlines: the cost grows with open work, not history.
 *	- One sweep fires at most max_rungs, oldest anchor first (then deadline
 *	  id, then ladder order), and stops reading once it has: the candidates
 *	  come through a cursor, so a backlog costs each call about what it
 *	  fires, and repeated calls drain it oldest first without starving any.
 */
#include "postgres.h"

#include "audit.h"
#include "calendar.h"
#include "deadline.h"
#include "safeguard.h"
#include "spi_util.h"
#include "session_guard.h"
#include "sg_errcodes.h"
#include "transition.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "commands/async.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_sweep);
PG_FUNCTION_INFO_V1(sg_outbox_mark_delivered);
PG_FUNCTION_INFO_V1(sg_outbox_guard);

/* One rung waiting to fire. */
typedef struct Pending
{
	int64		deadline_id;
	int64		case_id;
	int64		org_id;
	char	   *kind;
	char	   *subject_table;
	int64		subject_id;
	char	   *rung;
	TimestampTz due;
	TimestampTz fire;
	char	   *contact_name;
	char	   *contact_email;
} Pending;

/*
 * Sets *fire to the instant a rung fires: the due instant shifted by its
 * offset.  Returns false when that instant cannot be computed (an offset
 * in working days past the division's calendar, or out of range): the rung
 * waits, and its deadline is reported, while every other rung fires.
 */
static bool
rung_instant(TimestampTz due, int32 offset, const char *unit, const char *division,
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

/* Returns a text column of the current SPI row, or NULL (copied to cxt). */
static char *
spi_text(HeapTuple tup, TupleDesc desc, int col, MemoryContext cxt)
{
	bool		isnull;
	Datum		v = SPI_getbinval(tup, desc, col, &isnull);
	MemoryContext old;
	char	   *s;

	if (isnull)
		return NULL;
	old = MemoryContextSwitchTo(cxt);
	s = TextDatumGetCString(v);
	MemoryContextSwitchTo(old);
	return s;
}

/* Builds the notification payload of a fired rung. */
static char *
payload(const Pending *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"deadline_id\": " INT64_FORMAT ", \"rung\": \"%s\", \"kind\": \"%s\", "
					 "\"subject_table\": \"%s\", \"subject_id\": " INT64_FORMAT ", "
					 "\"organisation_id\": " INT64_FORMAT ", \"due_at\": \"%s\"",
					 p->deadline_id, p->rung, p->kind, p->subject_table, p->subject_id,
					 p->org_id, sg_canonical_text(TimestampTzGetDatum(p->due), TIMESTAMPTZOID));
	if (p->case_id != 0)
		appendStringInfo(&buf, ", \"case_id\": " INT64_FORMAT, p->case_id);
	if (strcmp(p->rung, "escalate") == 0 && p->contact_name)
	{
		appendStringInfoString(&buf, ", \"contact_name\": ");
		escape_json(&buf, p->contact_name);
		if (p->contact_email)
		{
			appendStringInfoString(&buf, ", \"contact_email\": ");
			escape_json(&buf, p->contact_email);
		}
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * The rungs not yet fired of open, unpaused deadlines, oldest anchor first
 * (then deadline id, then ladder order): a deterministic order in which a
 * backlog drains oldest first, so nothing starves behind newer work.  The
 * inner query picks and sorts only the deadlines that still have a rung to
 * fire (narrow rows, read through the partial index on open deadlines);
 * everything else (the rule, the ladder, the contact, which rungs already
 * fired) is joined row by row as the cursor is read, so a sweep that stops
 * after max_rungs pays for the rows it read, not for every pending rung.
 */
static const char *const candidates_sql =
"SELECT d.id, d.case_id, d.organisation_id, d.kind, d.subject_table, d.subject_id, "
"coalesce(d.amount, r.amount), r.unit::pg_catalog.text, d.anchor_at, d.division, "
"e.rung::pg_catalog.text, e.offset_amount, e.offset_unit::pg_catalog.text, "
"o.senior_contact_name, o.senior_contact_email "
"FROM (SELECT w.id, w.anchor_at FROM safeguard.deadline w "
"  WHERE w.status OPERATOR(pg_catalog.=) 'open' AND w.paused_at IS NULL AND EXISTS ("
"    SELECT 1 FROM safeguard.escalation_rung x "
"    WHERE x.policy_id OPERATOR(pg_catalog.=) w.policy_id AND x.kind OPERATOR(pg_catalog.=) w.kind "
"      AND NOT EXISTS (SELECT 1 FROM safeguard.deadline_alert y "
"        WHERE y.deadline_id OPERATOR(pg_catalog.=) w.id AND y.rung OPERATOR(pg_catalog.=) x.rung)) "
"  ORDER BY w.anchor_at, w.id) c "
"JOIN safeguard.deadline d ON d.id OPERATOR(pg_catalog.=) c.id "
"JOIN safeguard.deadline_rule r ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id "
"  AND r.kind OPERATOR(pg_catalog.=) d.kind "
"JOIN safeguard.escalation_rung e ON e.policy_id OPERATOR(pg_catalog.=) d.policy_id "
"  AND e.kind OPERATOR(pg_catalog.=) d.kind "
"JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) d.organisation_id "
"WHERE NOT EXISTS ("
"  SELECT 1 FROM safeguard.deadline_alert a "
"  WHERE a.deadline_id OPERATOR(pg_catalog.=) d.id AND a.rung OPERATOR(pg_catalog.=) e.rung) "
"ORDER BY c.anchor_at, c.id, e.rung";

/* Most candidate rungs one cursor fetch reads. */
#define SWEEP_FETCH_MAX 1000
/* Fewest: a small budget still reads past rungs that are not due yet. */
#define SWEEP_FETCH_MIN 100

/*
 * Opens the candidate cursor as the table owner, with a fast-start plan
 * made for this call: a plan kept from a sweep when deadline_alert was
 * nearly empty would probe it by sequential scan for every candidate.  The
 * plan is made with jit off: its estimated cost passes jit_above_cost once
 * many alerts exist, and compiling it cost more than reading the rows
 * (measured: sweep(1000) 0.52 s with JIT, 0.17 s without).
 */
static Portal
open_candidates(void)
{
	SgInternalWrite iw;
	Portal		portal;
	int			nestlevel;

	sg_internal_begin(&iw);
	nestlevel = NewGUCNestLevel();
	PG_TRY();
	{
		SPIPlanPtr	plan;

		(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		plan = SPI_prepare_cursor(candidates_sql, 0, NULL,
								  CURSOR_OPT_NO_SCROLL | CURSOR_OPT_FAST_PLAN);
		if (plan == NULL)
			elog(ERROR, "sweep: SPI_prepare_cursor failed: %s",
				 SPI_result_code_string(SPI_result));
		portal = SPI_cursor_open(NULL, plan, NULL, NULL, false);
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
	AtEOXact_GUC(true, nestlevel);
	return portal;
}

/* Reads the next rows of the candidate cursor as the table owner. */
static void
fetch_candidates(Portal portal, long count)
{
	SgInternalWrite iw;

	sg_internal_begin(&iw);
	PG_TRY();
	{
		SPI_cursor_fetch(portal, true, count);
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
}

/*
 * Reads one candidate row into p (strings copied to cxt), with its due and
 * fire instants.  Returns false when either cannot be computed (see
 * sg_deadline_due_try): the caller skips the rung and counts it.
 */
static bool
read_candidate(HeapTuple tup, TupleDesc desc, MemoryContext cxt, Pending *p)
{
	bool		isnull;
	Datum		v;
	char	   *unit = spi_text(tup, desc, 8, cxt);
	char	   *division = spi_text(tup, desc, 10, cxt);
	char	   *offset_unit = spi_text(tup, desc, 13, cxt);
	int32		amount = DatumGetInt32(SPI_getbinval(tup, desc, 7, &isnull));
	TimestampTz anchor = DatumGetTimestampTz(SPI_getbinval(tup, desc, 9, &isnull));
	int32		offset = DatumGetInt32(SPI_getbinval(tup, desc, 12, &isnull));

	p->deadline_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
	v = SPI_getbinval(tup, desc, 2, &isnull);
	p->case_id = isnull ? 0 : DatumGetInt64(v);
	p->org_id = DatumGetInt64(SPI_getbinval(tup, desc, 3, &isnull));
	p->kind = spi_text(tup, desc, 4, cxt);
	p->subject_table = spi_text(tup, desc, 5, cxt);
	p->subject_id = DatumGetInt64(SPI_getbinval(tup, desc, 6, &isnull));
	p->rung = spi_text(tup, desc, 11, cxt);
	p->contact_name = spi_text(tup, desc, 14, cxt);
	p->contact_email = spi_text(tup, desc, 15, cxt);
	if (sg_deadline_due_try(amount, unit, anchor, division, &p->due) != SG_DUE_OK)
		return false;
	return rung_instant(p->due, offset, offset_unit, division, &p->fire);
}

/*
 * Returns the audit chain a rung's alert row joins (as audit_row computes
 * it for deadline_alert): its case's, else its provider enquiry's, else the
 * table's.  Allocates in cxt.
 */
static const char *
alert_chain(const Pending *p, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	char	   *key;
	SgDeadlineSubject subject;

	if (p->case_id != 0)
		key = psprintf("case:" INT64_FORMAT, p->case_id);
	else if (sg_deadline_subject_parse(p->subject_table, &subject) &&
			 subject == SG_SUBJECT_PROVIDER_ENQUIRY)
		key = psprintf("enquiry:" INT64_FORMAT, p->subject_id);
	else
		key = pstrdup("table:deadline_alert");
	MemoryContextSwitchTo(old);
	return key;
}

/*
 * Fires one due rung: claims it, then writes its outbox row and an empty NOTIFY.
 * Returns false when another sweep holds the claim (it fired the rung).
 * Allocates in cxt.
 */
static bool
fire_rung(const Pending *p, TimestampTz now, MemoryContext cxt)
{
	Oid			types[12] = {INT8OID, TEXTOID, INT8OID, INT8OID, TEXTOID, TEXTOID, INT8OID,
		TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, TEXTOID};
	Datum		values[12];
	char		nulls[12] = "            ";
	Oid			otypes[2] = {TEXTOID, TIMESTAMPTZOID};
	Datum		ovalues[2];
	MemoryContext old = MemoryContextSwitchTo(cxt);
	uint64		claimed;

	values[0] = Int64GetDatum(p->deadline_id);
	values[1] = CStringGetTextDatum(p->rung);
	values[2] = Int64GetDatum(p->case_id);
	nulls[2] = p->case_id ? ' ' : 'n';
	values[3] = Int64GetDatum(p->org_id);
	values[4] = CStringGetTextDatum(p->kind);
	values[5] = CStringGetTextDatum(p->subject_table);
	values[6] = Int64GetDatum(p->subject_id);
	values[7] = TimestampTzGetDatum(p->due);
	values[8] = TimestampTzGetDatum(p->fire);
	values[9] = TimestampTzGetDatum(now);
	values[10] = p->contact_name ? CStringGetTextDatum(p->contact_name) : (Datum) 0;
	nulls[10] = p->contact_name ? ' ' : 'n';
	values[11] = p->contact_email ? CStringGetTextDatum(p->contact_email) : (Datum) 0;
	nulls[11] = p->contact_email ? ' ' : 'n';
	ovalues[0] = CStringGetTextDatum(payload(p));
	ovalues[1] = TimestampTzGetDatum(now);
	MemoryContextSwitchTo(old);

	claimed = sg_exec_internal("INSERT INTO safeguard.deadline_alert (deadline_id, rung, case_id, "
							   "organisation_id, kind, subject_table, subject_id, due_at, fire_at, fired_at, "
							   "contact_name, contact_email) "
							   "VALUES ($1, $2::safeguard.alert_rung, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
							   "ON CONFLICT DO NOTHING", 12, types, values, nulls);
	if (claimed == 0)
		return false;			/* another sweep fired it */
	sg_exec_internal("INSERT INTO safeguard.outbox (channel, payload, created_at) "
					 "VALUES ('safeguard_deadline', $1::pg_catalog.jsonb, $2)", 2, otypes, ovalues, NULL);
	/*
	 * A pure wake-up: any login role may LISTEN, so the notification says
	 * nothing (identical ones of a transaction are delivered once); what it
	 * is about is read from the outbox, under row-level security.
	 */
	Async_Notify("safeguard_deadline", "");
	return true;
}

/*
 * SQL: sweep(max_rungs integer) -> integer: fires due rungs; returns how many.
 *
 * Reads the candidates through a cursor, a batch at a time, and stops as
 * soon as max_rungs have fired: a large backlog costs each call about what
 * it fires, and successive calls drain it oldest first.
 */
Datum
sg_sweep(PG_FUNCTION_ARGS)
{
	int32		max_rungs = PG_ARGISNULL(0) ? 1000 : PG_GETARG_INT32(0);
	TimestampTz now = sg_now();
	MemoryContext batch;
	Portal		portal;
	int			fired = 0;
	int64		uncomputable = 0;
	int64		first_uncomputable = 0;
	int64		busy = 0;
	int64		first_busy = 0;

	if (max_rungs < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_rungs must be at least 1"),
				 errhint("Pass how many rungs one call may fire, e.g. 1000.")));
	batch = AllocSetContextCreate(CurrentMemoryContext, "safeguard sweep batch",
								  ALLOCSET_DEFAULT_SIZES);
	sg_spi_connect();
	portal = open_candidates();
	while (fired < max_rungs)
	{
		SPITupleTable *rows;
		uint64		nrows;

		fetch_candidates(portal, Min(Max(max_rungs - fired, SWEEP_FETCH_MIN), SWEEP_FETCH_MAX));
		rows = SPI_tuptable;
		nrows = SPI_processed;
		if (nrows == 0)
			break;
		for (uint64 i = 0; i < nrows && fired < max_rungs; i++)
		{
			Pending		p;

			if (!read_candidate(rows->vals[i], rows->tupdesc, batch, &p))
			{
				/* one deadline that cannot be computed never stops the others */
				if (uncomputable++ == 0)
					first_uncomputable = p.deadline_id;
				continue;
			}
			if (p.fire > now)
				continue;
			/* a case (or enquiry) another transaction holds waits for a later sweep */
			if (!sg_serial_try_lock(alert_chain(&p, batch)))
			{
				if (busy++ == 0)
					first_busy = p.deadline_id;
				continue;
			}
			if (fire_rung(&p, now, batch))
				fired++;
		}
		SPI_freetuptable(rows);
		MemoryContextReset(batch);
	}
	SPI_cursor_close(portal);
	sg_spi_finish();
	MemoryContextDelete(batch);
	if (busy > 0)
		ereport(NOTICE,
				(errmsg("sweep left " INT64_FORMAT " due rung%s for a later sweep: another transaction holds %s case",
						busy, busy == 1 ? "" : "s", busy == 1 ? "its" : "their"),
				 errdetail("Every other due rung was swept; the first left is of deadline " INT64_FORMAT ".",
						   first_busy),
				 errhint("They fire at the first sweep after that transaction ends.")));
	if (uncomputable > 0)
		ereport(WARNING,
				(errcode(ERRCODE_SG_CALENDAR_NOT_COVERED),
				 errmsg("sweep skipped " INT64_FORMAT " rung%s whose instant cannot be computed",
						uncomputable, uncomputable == 1 ? "" : "s"),
				 errdetail("The first is of deadline " INT64_FORMAT "; every other rung was swept.",
						   first_uncomputable),
				 errhint("safeguard.open_deadlines shows each such deadline with its due_problem; "
						 "import the gov.uk calendar that covers its dates with safeguard.import_bank_holidays().")));
	PG_RETURN_INT32(fired);
}

/* SQL: outbox_mark_delivered(ids bigint[]) -> integer. */
Datum
sg_outbox_mark_delivered(PG_FUNCTION_ARGS)
{
	Oid			types[2] = {INT8ARRAYOID, TEXTOID};
	Datum		values[2];
	uint64		n;

	if (PG_ARGISNULL(0))
		PG_RETURN_INT32(0);
	values[0] = PG_GETARG_DATUM(0);
	values[1] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	sg_spi_connect();
	/* as the caller: the row locks a consumer took with SKIP LOCKED are its own */
	if (SPI_execute_with_args("UPDATE safeguard.outbox SET delivered_at = pg_catalog.clock_timestamp(), "
							  "delivered_by = $2 WHERE id OPERATOR(pg_catalog.=) ANY ($1) "
							  "AND delivered_at IS NULL", 2, types, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "outbox_mark_delivered: update failed");
	n = SPI_processed;
	sg_spi_finish();
	PG_RETURN_INT32((int32) n);
}

/*
 * Trigger on outbox: rows come only from safeguard; an update may only
 * record delivery, once; nothing is deleted.
 */
Datum
sg_outbox_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "outbox_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	bool		isnull;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("outbox rows", "deleted", "Mark them delivered with safeguard.mark_delivered().");
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		if (!sg_internal_writing())
			ereport(ERROR,
					(errcode(ERRCODE_SG_FORGED_COLUMN),
					 errmsg("outbox rows are written only by safeguard"),
					 errhint("Notifications follow from deadlines; they cannot be inserted.")));
		return PointerGetDatum(td->tg_trigtuple);
	}
	(void) sg_get(td->tg_trigtuple, desc, "delivered_at", &isnull);
	if (!isnull)
		sg_refuse_change("a delivered outbox row", "changed", "It was delivered already.");
	{
		static const char *const delivery[] = {"delivered_at", "delivered_by", NULL};

		sg_check_changed_columns(td->tg_trigtuple, td->tg_newtuple, desc, NULL, delivery,
								 "in an outbox row (only its delivery is recorded)");
	}
	return PointerGetDatum(td->tg_newtuple);
}
