/*
 * deadline_sweep.c
 *		Deadlines that act on their own: safeguard.sweep() fires the rungs of
 *		each open deadline's escalation ladder, exactly once each, with an
 *		outbox row and a NOTIFY in the same transaction, and records how it
 *		went for safeguard.sweep_health.
 *
 * Owns safeguard.sweep(), sweeper_health(), outbox_mark_delivered() and the
 * outbox_guard trigger.  The background worker (deadline_worker.c) and
 * pg_cron call sweep().
 *
 * Invariants:
 *	- A rung fires when safeguard.now() reaches its instant: the due instant
 *	  (computed now, from the anchor and rule, so a newly announced bank
 *	  holiday moves it) shifted by the rung's offset.  Rungs of one deadline
 *	  fire in ladder order, several in one sweep if it ran late.
 *	- The sweep finds what is due in the schedule (deadline_schedule.c):
 *	  each open, unpaused deadline's next rung instant, indexed.  A call
 *	  reads the deadlines due and nothing else, so its cost follows the
 *	  rungs it fires, not the deadlines open.  After firing a deadline's
 *	  rungs it brings the deadline's schedule row up to date.
 *	- The primary key (deadline_id, rung) claims each rung: the worker and
 *	  a manual sweep, or a sweep rerun after a crash, can never fire one
 *	  twice (ON CONFLICT DO NOTHING; the loser waits, then does nothing).
 *	  Each deadline's schedule row is locked (FOR UPDATE SKIP LOCKED) while
 *	  a sweep works on it, so concurrent sweeps share out the deadlines.
 *	- The alert, its audit row, its outbox row and the NOTIFY commit or
 *	  vanish together, with the schedule row and the health record.
 *	- One sweep fires at most max_rungs, oldest anchor first (then deadline
 *	  id, then ladder order), and stops reading once it has: repeated calls
 *	  drain a backlog oldest first without starving any.
 *	- A schema older than 1.5 (the library updated before ALTER EXTENSION
 *	  UPDATE) has no schedule: there the sweep reads every open deadline's
 *	  ladder through a cursor, as 1.4 did.
 */
#include "postgres.h"

#include "audit.h"
#include "calendar.h"
#include "deadline.h"
#include "deadline_schedule.h"
#include "deadline_sweep.h"
#include "outbox.h"
#include "safeguard.h"
#include "spi_util.h"
#include "session_guard.h"
#include "sg_errcodes.h"
#include "transition.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "miscadmin.h"
#include "funcapi.h"
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
PG_FUNCTION_INFO_V1(sg_sweeper_health);

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
open_candidates(const char *sql, int nargs, Oid *types, Datum *values)
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
		plan = SPI_prepare_cursor(sql, nargs, types,
								  CURSOR_OPT_NO_SCROLL | CURSOR_OPT_FAST_PLAN);
		if (plan == NULL)
			elog(ERROR, "sweep: SPI_prepare_cursor failed: %s",
				 SPI_result_code_string(SPI_result));
		portal = SPI_cursor_open(NULL, plan, values, NULL, false);
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
	return sg_rung_instant_try(p->due, offset, offset_unit, division, &p->fire);
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
	char	   *note;
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
	note = payload(p);
	MemoryContextSwitchTo(old);

	claimed = sg_exec_internal("INSERT INTO safeguard.deadline_alert (deadline_id, rung, case_id, "
							   "organisation_id, kind, subject_table, subject_id, due_at, fire_at, fired_at, "
							   "contact_name, contact_email) "
							   "VALUES ($1, $2::safeguard.alert_rung, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
							   "ON CONFLICT DO NOTHING", 12, types, values, nulls);
	if (claimed == 0)
		return false;			/* another sweep fired it */
	sg_outbox_write(note, now);
	return true;
}

static bool sweep_state_claim(void);

/* What one sweep did: for its messages and the sweeper's health. */
typedef struct SweepTally
{
	int32		max_rungs;
	TimestampTz now;
	int			fired;
	int64		uncomputable;	/* rungs whose instant cannot be computed */
	int64		first_uncomputable;
	int64		busy;			/* due rungs left: another transaction holds their case */
	int64		first_busy;
} SweepTally;

/*
 * Notes the rungs of a deadline left for a later sweep because another
 * transaction holds its case (or enquiry).
 */
static void
tally_busy(SweepTally *t, int64 deadline_id, int64 rungs)
{
	if (t->busy == 0)
		t->first_busy = deadline_id;
	t->busy += rungs;
}

/*
 * The sweep of a schema older than 1.5 (no deadline_schedule: the library
 * was updated before ALTER EXTENSION UPDATE ran).  Reads the candidates
 * through a cursor, a batch at a time, and stops as soon as max_rungs have
 * fired; when fewer are due it reads every open deadline's ladder.
 */
static void
sweep_candidates(SweepTally *t, MemoryContext batch)
{
	Portal		portal = open_candidates(candidates_sql, 0, NULL, NULL);

	while (t->fired < t->max_rungs)
	{
		SPITupleTable *rows;
		uint64		nrows;

		fetch_candidates(portal, Min(Max(t->max_rungs - t->fired, SWEEP_FETCH_MIN), SWEEP_FETCH_MAX));
		rows = SPI_tuptable;
		nrows = SPI_processed;
		if (nrows == 0)
			break;
		for (uint64 i = 0; i < nrows && t->fired < t->max_rungs; i++)
		{
			Pending		p;

			if (!read_candidate(rows->vals[i], rows->tupdesc, batch, &p))
			{
				/* one deadline that cannot be computed never stops the others */
				if (t->uncomputable++ == 0)
					t->first_uncomputable = p.deadline_id;
				continue;
			}
			if (p.fire > t->now)
				continue;
			/* a case (or enquiry) another transaction holds waits for a later sweep */
			if (!sg_serial_try_lock(alert_chain(&p, batch)))
			{
				tally_busy(t, p.deadline_id, 1);
				continue;
			}
			if (fire_rung(&p, t->now, batch))
				t->fired++;
		}
		SPI_freetuptable(rows);
		MemoryContextReset(batch);
	}
	SPI_cursor_close(portal);
}

/*
 * The deadlines with a rung due, from the schedule: oldest anchor first
 * (then deadline id), each locked so that two sweeps never work on the same
 * deadline (SKIP LOCKED: one another sweep, or the transaction closing or
 * pausing it, holds is left for later).  Reads the partial index on
 * next_fire_at: the rows due, nothing else.
 */
static const char *const due_sql =
"SELECT s.deadline_id FROM safeguard.deadline_schedule s "
"WHERE s.next_fire_at OPERATOR(pg_catalog.<=) $1 "
"ORDER BY s.anchor_at, s.deadline_id FOR UPDATE OF s SKIP LOCKED";

/*
 * The rungs not yet fired of one open, unpaused deadline, in ladder order,
 * with what firing them needs (the columns of candidates_sql).
 */
static const char *const rungs_sql =
"SELECT d.id, d.case_id, d.organisation_id, d.kind, d.subject_table, d.subject_id, "
"coalesce(d.amount, r.amount), r.unit::pg_catalog.text, d.anchor_at, d.division, "
"e.rung::pg_catalog.text, e.offset_amount, e.offset_unit::pg_catalog.text, "
"o.senior_contact_name, o.senior_contact_email "
"FROM safeguard.deadline d "
"JOIN safeguard.deadline_rule r ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id "
"  AND r.kind OPERATOR(pg_catalog.=) d.kind "
"JOIN safeguard.escalation_rung e ON e.policy_id OPERATOR(pg_catalog.=) d.policy_id "
"  AND e.kind OPERATOR(pg_catalog.=) d.kind "
"JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) d.organisation_id "
"WHERE d.id OPERATOR(pg_catalog.=) $1 AND d.status OPERATOR(pg_catalog.=) 'open' "
"AND d.paused_at IS NULL AND NOT EXISTS ("
"  SELECT 1 FROM safeguard.deadline_alert a "
"  WHERE a.deadline_id OPERATOR(pg_catalog.=) d.id AND a.rung OPERATOR(pg_catalog.=) e.rung) "
"ORDER BY e.rung";

/* The deadlines with a rung that cannot be computed, oldest anchor first. */
static const char *const uncomputable_sql =
"SELECT s.deadline_id, s.uncomputable FROM safeguard.deadline_schedule s "
"WHERE s.uncomputable OPERATOR(pg_catalog.>) 0 ORDER BY s.anchor_at, s.deadline_id";

/*
 * Fires the due rungs of one deadline, in ladder order, while the budget
 * lasts, then brings its schedule row up to date.  A deadline whose case
 * another transaction holds is left whole for a later sweep.
 */
static void
sweep_deadline(SweepTally *t, int64 id, MemoryContext batch)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	SPITupleTable *rows;
	uint64		nrows;
	Pending    *pending;
	bool	   *due;
	int64		ndue = 0;
	bool		locked = false;

	sg_exec_internal(rungs_sql, 1, types, values, NULL);
	rows = SPI_tuptable;
	nrows = SPI_processed;
	pending = MemoryContextAlloc(batch, sizeof(Pending) * Max(nrows, 1));
	due = MemoryContextAlloc(batch, sizeof(bool) * Max(nrows, 1));
	for (uint64 i = 0; i < nrows; i++)
	{
		/* a rung that cannot be computed waits; the schedule counts it */
		due[i] = read_candidate(rows->vals[i], rows->tupdesc, batch, &pending[i]) &&
			pending[i].fire <= t->now;
		ndue += due[i];
	}
	SPI_freetuptable(rows);

	for (uint64 i = 0; i < nrows && t->fired < t->max_rungs; i++)
	{
		if (!due[i])
			continue;
		/* a case (or enquiry) another transaction holds waits for a later sweep */
		if (!locked && !sg_serial_try_lock(alert_chain(&pending[i], batch)))
		{
			tally_busy(t, id, ndue);
			return;
		}
		locked = true;
		if (fire_rung(&pending[i], t->now, batch))
			t->fired++;
	}
	sg_schedule_refresh(id);
}

/*
 * The sweep of a 1.5 schema: reads the deadlines due from the schedule,
 * a batch at a time, and stops as soon as max_rungs have fired.  A call
 * costs what is due, not what is open.
 */
static void
sweep_schedule(SweepTally *t, MemoryContext batch)
{
	Oid			types[1] = {TIMESTAMPTZOID};
	Datum		values[1] = {TimestampTzGetDatum(t->now)};
	Portal		portal = open_candidates(due_sql, 1, types, values);

	while (t->fired < t->max_rungs)
	{
		SPITupleTable *rows;
		uint64		nrows;

		fetch_candidates(portal, Min(t->max_rungs - t->fired, SWEEP_FETCH_MAX));
		rows = SPI_tuptable;
		nrows = SPI_processed;
		if (nrows == 0)
			break;
		for (uint64 i = 0; i < nrows && t->fired < t->max_rungs; i++)
		{
			bool		isnull;

			sweep_deadline(t, DatumGetInt64(SPI_getbinval(rows->vals[i], rows->tupdesc, 1, &isnull)),
						   batch);
		}
		SPI_freetuptable(rows);
		MemoryContextReset(batch);
	}
	SPI_cursor_close(portal);

	/* what waits for the calendar, as the schedule has it (a partial index) */
	sg_exec_internal(uncomputable_sql, 0, NULL, NULL, NULL);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		if (i == 0)
			t->first_uncomputable = sg_spi_int64(i, 1, 0);
		t->uncomputable += sg_spi_int64(i, 2, 0);
	}
}

/*
 * Records a finished sweep in safeguard.sweep_state (the sweeper's health),
 * in the sweep's own transaction.  Never waits: while another sweep's
 * transaction holds the row, this one is not recorded (that one will be).
 */
static void
record_sweep(const SweepTally *t, TimestampTz started)
{
	Oid			types[4] = {TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID, INT4OID};
	Datum		values[4];

	if (!sweep_state_claim())
		return;
	values[0] = TimestampTzGetDatum(started);
	values[1] = TimestampTzGetDatum(GetCurrentTimestamp());
	values[2] = Int32GetDatum(t->fired);
	values[3] = Int32GetDatum((int32) Min(t->busy, PG_INT32_MAX));
	sg_exec_internal_latest("UPDATE safeguard.sweep_state SET sweeps = sweeps OPERATOR(pg_catalog.+) 1, "
							"rungs_fired = rungs_fired OPERATOR(pg_catalog.+) $3, "
							"last_started_at = $1, last_finished_at = $2, "
							"last_rungs_fired = $3, last_rungs_left = $4",
							4, types, values, NULL);
}

/*
 * Locks the sweeper's health row (installed with the extension); returns
 * false when another transaction holds it.  Inside an SPI connection.
 */
static bool
sweep_state_claim(void)
{
	return sg_exec_internal_latest("SELECT 1 FROM safeguard.sweep_state FOR UPDATE SKIP LOCKED",
								   0, NULL, NULL, NULL) == 1;
}

/*
 * SQL: sweep(max_rungs integer) -> integer: fires due rungs; returns how many.
 *
 * Stops as soon as max_rungs have fired: a large backlog costs each call
 * about what it fires, and successive calls drain it oldest first.
 */
Datum
sg_sweep(PG_FUNCTION_ARGS)
{
	TimestampTz started = GetCurrentTimestamp();
	SweepTally	t = {0};
	MemoryContext batch;
	bool		scheduled = sg_schema_has("deadline_schedule");

	t.max_rungs = PG_ARGISNULL(0) ? 1000 : PG_GETARG_INT32(0);
	t.now = sg_now();
	if (t.max_rungs < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_rungs must be at least 1"),
				 errhint("Pass how many rungs one call may fire, e.g. 1000.")));
	batch = AllocSetContextCreate(CurrentMemoryContext, "safeguard sweep batch",
								  ALLOCSET_DEFAULT_SIZES);
	sg_spi_connect();
	if (scheduled)
		sweep_schedule(&t, batch);
	else
		sweep_candidates(&t, batch);
	if (sg_schema_has("sweep_state"))
		record_sweep(&t, started);
	sg_spi_finish();
	MemoryContextDelete(batch);
	if (t.busy > 0)
		ereport(NOTICE,
				(errmsg("sweep left " INT64_FORMAT " due rung%s for a later sweep: another transaction holds %s case",
						t.busy, t.busy == 1 ? "" : "s", t.busy == 1 ? "its" : "their"),
				 errdetail("Every other due rung was swept; the first left is of deadline " INT64_FORMAT ".",
						   t.first_busy),
				 errhint("They fire at the first sweep after that transaction ends.")));
	if (t.uncomputable > 0)
		ereport(WARNING,
				(errcode(ERRCODE_SG_CALENDAR_NOT_COVERED),
				 errmsg("sweep skipped " INT64_FORMAT " rung%s whose instant cannot be computed",
						t.uncomputable, t.uncomputable == 1 ? "" : "s"),
				 errdetail("The first is of deadline " INT64_FORMAT "; every other rung was swept.",
						   t.first_uncomputable),
				 errhint("safeguard.open_deadlines shows each such deadline with its due_problem; "
						 "import the gov.uk calendar that covers its dates with safeguard.import_bank_holidays().")));
	PG_RETURN_INT32(t.fired);
}

/*
 * Records a sweep that failed (the background worker, after rolling it
 * back), in a transaction of the caller's: when and why.  Never waits for
 * a sweep in progress.
 */
void
sg_sweep_record_error(const char *sqlstate, const char *message)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];

	values[0] = CStringGetTextDatum(sqlstate);
	values[1] = CStringGetTextDatum(message);
	sg_spi_connect();
	if (sweep_state_claim())
		sg_exec_internal_latest("UPDATE safeguard.sweep_state SET "
								"last_error_at = pg_catalog.clock_timestamp(), "
								"last_error_sqlstate = $1, last_error = $2",
								2, types, values, NULL);
	sg_spi_finish();
}

/*
 * SQL: sweeper_health() -> one row: the last sweep (when it started and
 * finished, what it fired and left), the due backlog now (deadlines with a
 * rung due, the oldest instant due), rungs waiting for the calendar, and
 * the last failure the worker recorded.  Read as the table owner: the
 * schedule and the health row are nobody else's to read; who may call this
 * is decided by EXECUTE (the admin and auditor duties).
 */
Datum
sg_sweeper_health(PG_FUNCTION_ARGS)
{
	Oid			types[1] = {TIMESTAMPTZOID};
	Datum		values[1] = {TimestampTzGetDatum(sg_now())};
	TupleDesc	desc;
	Datum		result;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "sweeper_health: return type must be a row type");
	sg_spi_connect();
	if (sg_exec_internal(
						 "SELECT st.last_started_at, st.last_finished_at, "
						 "st.last_finished_at OPERATOR(pg_catalog.-) st.last_started_at, "
						 "st.last_rungs_fired, st.last_rungs_left, "
						 "coalesce(st.sweeps, 0::pg_catalog.int8), coalesce(st.rungs_fired, 0::pg_catalog.int8), "
						 "b.due, b.oldest, u.n, st.last_error_at, st.last_error_sqlstate, st.last_error "
						 "FROM (SELECT pg_catalog.count(*) AS due, pg_catalog.min(s.next_fire_at) AS oldest "
						 "      FROM safeguard.deadline_schedule s "
						 "      WHERE s.next_fire_at OPERATOR(pg_catalog.<=) $1) b "
						 "CROSS JOIN (SELECT coalesce(pg_catalog.sum(s.uncomputable), 0)::pg_catalog.int8 AS n "
						 "      FROM safeguard.deadline_schedule s "
						 "      WHERE s.uncomputable OPERATOR(pg_catalog.>) 0) u "
						 "LEFT JOIN safeguard.sweep_state st ON true",
						 1, types, values, NULL) != 1)
		elog(ERROR, "sweeper_health: expected one row");
	result = PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], BlessTupleDesc(desc)));
	sg_spi_finish();
	PG_RETURN_DATUM(result);
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
