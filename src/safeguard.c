/*
 * safeguard.c
 *		Module entry point: the magic block and _PG_init.
 *
 * Owns process-wide set-up only.  Each concern (calendar, workflow, audit,
 * deadlines) lives in its own file; this file wires them in at load time.
 * Loading is idempotent: _PG_init runs once per backend, whether the
 * library arrives through shared_preload_libraries or the first call of
 * one of its functions.
 */
#include "postgres.h"

#include "fmgr.h"
#include "scope_guard.h"
#include "session_guard.h"
#include "utils/guc.h"
#include "deadline_worker.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Registers settings; reserves the safeguard.* prefix against spoofing. */
void
_PG_init(void)
{
	/* The deadline sweeper and its settings (only when preloaded). */
	sg_worker_init();

	/* Locks, waits, EXPLAIN and pool logins: hooks, safeguard.lock_wait_timeout. */
	sg_session_guard_init();

	/* What plans may tell a scoped role: planner hooks, safeguard.scope_guard. */
	sg_scope_guard_init();

	/*
	 * Last, after every setting is defined: reserving the prefix turns a
	 * typo or a spoofed "SET safeguard.x" into an error rather than a silent
	 * placeholder that some code might later trust.
	 */
	MarkGUCPrefixReserved("safeguard");
}
