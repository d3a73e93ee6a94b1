/*
 * session_guard.h
 *		What a session may do to safeguard's objects beyond the workflow's
 *		rules: explicit and row locks, EXPLAIN, two-phase commit, bounded
 *		waits on other sessions' locks, and acting through a pooler's login.
 *		Implemented in src/session_guard.c.
 */
#ifndef SAFEGUARD_SESSION_GUARD_H
#define SAFEGUARD_SESSION_GUARD_H

#include "postgres.h"

/* safeguard.lock_wait_timeout, in milliseconds (0: no bound of safeguard's own). */
extern int	sg_lock_wait_timeout;

extern void sg_session_guard_init(void);
extern void sg_serial_lock_bounded(const char *key);
extern bool sg_serial_try_lock(const char *key);
extern bool sg_lock_row_bounded(const char *table, int64 id, const char *what);
extern bool sg_lock_text_key_bounded(const char *table, const char *keycol, const char *key,
									 const char *what);
extern uint64 sg_lock_rows_bounded(const char *table, const char *what, const char *ids_sql,
								   int nargs, Oid *types, Datum *values);
extern void sg_require_transaction_role(void);
extern bool sg_transaction_role_ok(void);

#endif							/* SAFEGUARD_SESSION_GUARD_H */
