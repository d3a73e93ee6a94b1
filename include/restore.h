/*
 * restore.h
 *		Dump and restore: whether this session is running the supported
 *		restore procedure (docs/backup.md).
 */
#ifndef SAFEGUARD_RESTORE_H
#define SAFEGUARD_RESTORE_H

#include "postgres.h"

extern bool sg_restore_session(void);
extern bool sg_restoring(void);

#endif							/* SAFEGUARD_RESTORE_H */
