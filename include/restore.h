/*
 * restore.h
 *		Dump and restore: whether this session is running the supported
 *		restore procedure (docs/backup.md).
 */
#ifndef SAFEGUARD_RESTORE_H
#define SAFEGUARD_RESTORE_H

#include "postgres.h"

/*
 * Returns true when the session is set up as a restore: session_replication_role
 * is replica and both the session user and the current user are superusers.
 */
extern bool sg_restore_session(void);

/*
 * Returns true while a restore session runs a COPY FROM or CREATE EXTENSION
 * (the statements pg_restore loads safeguard with): it is restoring a dump.
 */
extern bool sg_restoring(void);

#endif							/* SAFEGUARD_RESTORE_H */
