/*
 * deadline_worker.c
 *		The deadline sweeper: a background worker that calls
 *		safeguard.sweep() every safeguard.sweep_interval seconds.
 *
 * Owns the worker's settings (safeguard.enable_worker, safeguard.database,
 * safeguard.worker_role, safeguard.sweep_interval), its registration and its
 * main loop.  What a sweep does (due-soon warnings, breaches, escalations)
 * is safeguard.sweep()'s business; this file decides only when to call it,
 * as whom, and in which transaction.
 *
 * Invariants:
 *	- The worker and its settings exist only when the library is in
 *	  shared_preload_libraries (the worker also needs safeguard.enable_worker
 *	  on).  PostgreSQL refuses PGC_POSTMASTER settings defined later, and a
 *	  backend that loads the library on demand has no worker to configure.
 *	- Each sweep runs in a transaction of its own and commits whole or not
 *	  at all.
 *	- A failing sweep never takes the cluster down and never stops the
 *	  worker: the error is logged, the transaction rolled back, recorded
 *	  for safeguard.sweep_health in a transaction of its own, and the sweep
 *	  retried one interval later.  If the process ends anyway (terminated,
 *	  FATAL), the postmaster starts it again after SG_WORKER_RESTART_SECS.
 *	- The worker calls safeguard.sweep() only when it is a member of the
 *	  installed safeguard extension.  The worker usually runs as a superuser,
 *	  so a same-named function planted in a look-alike schema must never run.
 *	  Until the extension is there, the worker logs that once and waits.
 *	- Sweeps start at most once per interval, counted from the start of the
 *	  previous one, except that a sweep which fired something is followed at
 *	  once by another (sweep() fires a bounded batch per call), until one
 *	  fires nothing.  A configuration reload causes no extra sweep, but a new
 *	  interval governs the very next wait.
 */
#include "postgres.h"

#include "spi_util.h"
#include "deadline_sweep.h"
#include "deadline_worker.h"
#include "internal_write.h"

#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "nodes/value.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

/* bgw_name and bgw_type; pg_stat_activity.backend_type shows it. */
#define SG_WORKER_NAME "safeguard deadline sweeper"

/* Seconds the postmaster waits before restarting a worker that ended. */
#define SG_WORKER_RESTART_SECS 10

/*
 * The statement a sweep runs.  The cast keeps the worker correct whether
 * sweep() returns integer or bigint.
 */
#define SG_SWEEP_SQL "SELECT safeguard.sweep()::pg_catalog.int8"

/* Settings (see sg_worker_init for their meaning). */
static bool sg_enable_worker = true;
static char *sg_worker_database = NULL;
static char *sg_worker_role = NULL;
static int	sg_sweep_interval = 60;

/* Whether safeguard.sweep() can be called in the worker's database. */
typedef enum SgSweepTarget
{
	SG_TARGET_UNKNOWN,			/* not looked yet */
	SG_TARGET_NO_EXTENSION,		/* CREATE EXTENSION safeguard not run */
	SG_TARGET_NO_SWEEP,			/* extension there, sweep() not (old version) */
	SG_TARGET_READY
} SgSweepTarget;

/* What the previous look found; a change is logged, a repeat is not. */
static SgSweepTarget last_target = SG_TARGET_UNKNOWN;

static SgSweepTarget sg_sweep_target(void);
static int64 sg_sweep_once(void);
static int64 sg_sweep_guarded(void);
static long sg_ms_until_due(TimestampTz last_start);
static void sg_record_failure(ErrorData *edata);

/* When preloaded, defines the worker's settings and registers the worker. */
void
sg_worker_init(void)
{
	BackgroundWorker worker;

	/*
	 * Settings and worker alike belong to the postmaster: defining a
	 * PGC_POSTMASTER setting in a backend that loads the library on demand
	 * (CREATE EXTENSION, the first function call) is a FATAL error.
	 */
	if (!process_shared_preload_libraries_in_progress)
		return;

	DefineCustomBoolVariable("safeguard.enable_worker",
							 "Starts the background worker that sweeps deadlines for breaches.",
							 "Takes effect only when safeguard is listed in shared_preload_libraries. "
							 "With the worker off, schedule safeguard.sweep() some other way, e.g. with pg_cron.",
							 &sg_enable_worker,
							 true,
							 PGC_POSTMASTER,
							 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("safeguard.database",
							   "Names the database whose deadlines the background worker sweeps.",
							   "The safeguard extension must be installed in that database; "
							   "until it is, the worker logs that once and waits.",
							   &sg_worker_database,
							   "postgres",
							   PGC_POSTMASTER,
							   0,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("safeguard.worker_role",
							   "Names the role the deadline-sweeping background worker connects as.",
							   "When empty, the worker connects as the bootstrap superuser. "
							   "Any other role needs LOGIN and EXECUTE on safeguard.sweep().",
							   &sg_worker_role,
							   NULL,
							   PGC_POSTMASTER,
							   0,
							   NULL, NULL, NULL);

	DefineCustomIntVariable("safeguard.sweep_interval",
							"Sets how often the background worker sweeps deadlines for breaches.",
							"A reload takes effect at once: the next sweep is due this long after the previous one started.",
							&sg_sweep_interval,
							60,
							1,
							86400,
							PGC_SIGHUP,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	if (!sg_enable_worker)
		return;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	/* Sweeping writes rows, so a standby has nothing to do until promoted. */
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = SG_WORKER_RESTART_SECS;
	strlcpy(worker.bgw_library_name, "safeguard", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "sg_worker_main", BGW_MAXLEN);
	strlcpy(worker.bgw_name, SG_WORKER_NAME, BGW_MAXLEN);
	strlcpy(worker.bgw_type, SG_WORKER_NAME, BGW_MAXLEN);
	worker.bgw_main_arg = (Datum) 0;
	worker.bgw_notify_pid = 0;
	RegisterBackgroundWorker(&worker);
}

/* Runs the sweeper: connects, then sweeps every safeguard.sweep_interval. */
void
sg_worker_main(Datum main_arg)
{
	/* 0: never swept, so the first sweep runs as soon as we are connected. */
	TimestampTz last_start = 0;
	bool		drain = false;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	/* die() sets the latch and makes the next CHECK_FOR_INTERRUPTS exit. */
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	/*
	 * A database or role that does not exist ends the worker with FATAL
	 * here; the postmaster retries every SG_WORKER_RESTART_SECS, so the log
	 * keeps saying what is wrong until the setting is fixed.
	 */
	BackgroundWorkerInitializeConnection(sg_worker_database,
										 (sg_worker_role != NULL && sg_worker_role[0] != '\0')
										 ? sg_worker_role : NULL,
										 0);

	/*
	 * The worker usually runs as a superuser: resolve nothing through a
	 * schema other users can create objects in.  Session level, so a
	 * function's own SET search_path still wins.
	 */
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_SESSION);

	ereport(LOG,
			errmsg("safeguard: deadline sweeper started in database \"%s\", sweeping every %d s",
				   sg_worker_database, sg_sweep_interval));

	for (;;)
	{
		long		wait_ms = drain ? 0 : sg_ms_until_due(last_start);

		if (wait_ms > 0)
		{
			(void) WaitLatch(MyLatch,
							 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 wait_ms,
							 PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}

		/*
		 * A cancel that arrives between sweeps has nothing to cancel; left
		 * pending, it would raise an ERROR outside any handler and end the
		 * process.  Termination (ProcDiePending) is unaffected.
		 */
		QueryCancelPending = false;
		CHECK_FOR_INTERRUPTS();

		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		/* Woken early (a reload, a stray latch): wait out the rest. */
		if (!drain && sg_ms_until_due(last_start) > 0)
			continue;

		last_start = GetCurrentTimestamp();
		drain = sg_sweep_guarded() > 0;
	}
}

/* Returns milliseconds until the next sweep is due; 0 when it is due now. */
static long
sg_ms_until_due(TimestampTz last_start)
{
	long		interval_ms = sg_sweep_interval * 1000L;
	long		elapsed_ms;

	if (last_start == 0)
		return 0;
	/* A clock that stepped backwards counts as no time passed. */
	elapsed_ms = TimestampDifferenceMilliseconds(last_start, GetCurrentTimestamp());
	return elapsed_ms >= interval_ms ? 0 : interval_ms - elapsed_ms;
}

/* Runs one sweep; on error logs it, rolls back and returns 0. */
static int64
sg_sweep_guarded(void)
{
	MemoryContext loopcxt = CurrentMemoryContext;
	int64		fired = 0;

	/*
	 * Why catch rather than let the ERROR end the process (the postmaster
	 * would restart it after SG_WORKER_RESTART_SECS): a bad row or a lock
	 * timeout in one sweep is not a reason to drop the connection, lose the
	 * cadence and fill the log with restart noise; the next sweep may well
	 * succeed.  Recovery is the same a backend performs after a failed
	 * statement: report, abort the transaction (which also unwinds SPI,
	 * snapshots, locks and buffer pins), forget the error.  FATAL and
	 * PANIC never come back here, so termination and crashes still end the
	 * process as they should.
	 */
	PG_TRY();
	{
		fired = sg_sweep_once();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		HOLD_INTERRUPTS();
		MemoryContextSwitchTo(loopcxt);
		edata = CopyErrorData();
		EmitErrorReport();
		AbortCurrentTransaction();
		MemoryContextSwitchTo(loopcxt);
		FlushErrorState();
		pgstat_report_stat(false);
		pgstat_report_activity(STATE_IDLE, NULL);
		RESUME_INTERRUPTS();

		ereport(LOG,
				errmsg("safeguard: deadline sweep failed and was rolled back; retrying in %d s",
					   sg_sweep_interval));
		sg_record_failure(edata);
		FreeErrorData(edata);
		fired = 0;
	}
	PG_END_TRY();

	return fired;
}

/*
 * Records a failed sweep in safeguard.sweep_state (last_error, last_error_at)
 * in a transaction of its own, for safeguard.sweep_health.  A failure to
 * record is logged and forgotten: it never stops the worker.
 */
static void
sg_record_failure(ErrorData *edata)
{
	MemoryContext loopcxt = CurrentMemoryContext;

	PG_TRY();
	{
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		if (sg_sweep_target() == SG_TARGET_READY && sg_schema_has("sweep_state"))
			sg_sweep_record_error(unpack_sql_state(edata->sqlerrcode),
								  edata->message ? edata->message : "");
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		EmitErrorReport();
		AbortCurrentTransaction();
		MemoryContextSwitchTo(loopcxt);
		FlushErrorState();
		RESUME_INTERRUPTS();
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* Runs safeguard.sweep() in a transaction of its own; returns how many rungs fired. */
static int64
sg_sweep_once(void)
{
	int64		fired = -1;		/* -1: nothing to call */

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());

	if (sg_sweep_target() == SG_TARGET_READY)
	{
		int			ret;
		bool		isnull;
		Datum		d;

		pgstat_report_activity(STATE_RUNNING, SG_SWEEP_SQL);
		sg_spi_connect();

		/* A constant statement: there is nothing to pass as a parameter. */
		ret = SPI_execute(SG_SWEEP_SQL, false, 0);
		if (ret != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "safeguard: %s returned SPI code %d with " UINT64_FORMAT " rows",
				 SG_SWEEP_SQL, ret, SPI_processed);

		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		fired = isnull ? 0 : DatumGetInt64(d);
		sg_spi_finish();
	}

	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);

	if (fired > 0)
		ereport(LOG,
				errmsg("safeguard: sweep fired " INT64_FORMAT " rungs", fired));
	else if (fired == 0)
		elog(DEBUG1, "safeguard: sweep fired no rungs");

	return fired > 0 ? fired : 0;
}

/* Returns whether safeguard.sweep() may be called here; logs each change of answer once. */
static SgSweepTarget
sg_sweep_target(void)
{
	SgSweepTarget target;
	Oid			extoid = get_extension_oid("safeguard", true);

	if (!OidIsValid(extoid))
		target = SG_TARGET_NO_EXTENSION;
	else
	{
		/*
		 * Resolve "safeguard.sweep()" as the parser will, defaults
		 * included, and accept it only if the one candidate belongs to the
		 * extension.
		 */
		List	   *name = list_make2(makeString(pstrdup("safeguard")),
									  makeString(pstrdup("sweep")));
		FuncCandidateList c = FuncnameGetCandidates(name, 0, NIL,
													false, true, false, true);

		if (c != NULL && c->next == NULL &&
			getExtensionOfObject(ProcedureRelationId, c->oid) == extoid)
			target = SG_TARGET_READY;
		else
			target = SG_TARGET_NO_SWEEP;
	}

	if (target != last_target)
	{
		switch (target)
		{
			case SG_TARGET_NO_EXTENSION:
				ereport(LOG,
						errmsg("safeguard: extension \"safeguard\" is not installed in database \"%s\"; the deadline sweeper is waiting",
							   sg_worker_database),
						errhint("Run CREATE EXTENSION safeguard in that database, or set safeguard.database to the database that has it."));
				break;
			case SG_TARGET_NO_SWEEP:
				ereport(LOG,
						errmsg("safeguard: the safeguard extension in database \"%s\" has no function safeguard.sweep() of its own; the deadline sweeper is waiting",
							   sg_worker_database),
						errhint("Run ALTER EXTENSION safeguard UPDATE."));
				break;
			case SG_TARGET_READY:
				ereport(LOG,
						errmsg("safeguard: deadline sweeper is sweeping database \"%s\"",
							   sg_worker_database));
				break;
			case SG_TARGET_UNKNOWN:
				break;
		}
		last_target = target;
	}

	return target;
}
