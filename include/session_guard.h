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

/* Installs the hooks and the transaction callback; defines the setting. */
extern void sg_session_guard_init(void);

/* Takes the audit chain / case-linking lock on key, waiting boundedly (SG801). */
extern void sg_serial_lock_bounded(const char *key);

/* Takes the chain lock on key unless another transaction holds it; never waits. */
extern bool sg_serial_try_lock(const char *key);

/*
 * Locks (FOR UPDATE) the row of safeguard.<table> whose id is id, as the
 * owner, inside the caller's SPI connection, waiting at most
 * safeguard.lock_wait_timeout for another transaction that holds it; then
 * raises SG801 naming what (e.g. "referral") and the holder's role and pid.
 * Returns false when no such row exists.
 */
extern bool sg_lock_row_bounded(const char *table, int64 id, const char *what);

/* As sg_lock_row_bounded, for a table keyed by a text column (e.g. division). */
extern bool sg_lock_text_key_bounded(const char *table, const char *keycol, const char *key,
									 const char *what);

/*
 * Locks, as sg_lock_row_bounded, every row of safeguard.<table> whose id the
 * query ids_sql (a string constant, run as the owner) returns; returns how
 * many rows it locked.
 */
extern uint64 sg_lock_rows_bounded(const char *table, const char *what, const char *ids_sql,
								   int nargs, Oid *types, Datum *values);

/*
 * Raises SG803 when the session's login is a declared pool login and the
 * current role was not set for this transaction (SET LOCAL ROLE).
 */
extern void sg_require_transaction_role(void);

/* As sg_require_transaction_role, without raising: false where it would raise. */
extern bool sg_transaction_role_ok(void);

#endif							/* SAFEGUARD_SESSION_GUARD_H */
