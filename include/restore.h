/*
 * restore.h
 *		Dump and restore: whether this session is running the supported
 *		restore procedure (docs/backup.md).
 */
#ifndef SAFEGUARD_RESTORE_H
#define SAFEGUARD_RESTORE_H

#include "postgres.h"

/*
 * Returns true when the session is restoring a dump: session_replication_role
 * is replica and both the session user and the current user are superusers.
 */
extern bool sg_restoring(void);

#endif							/* SAFEGUARD_RESTORE_H */
