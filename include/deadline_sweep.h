/*
 * deadline_sweep.h
 *		The sweep's record of failures, for safeguard.sweep_health
 *		(deadline_sweep.c).
 */
#ifndef SAFEGUARD_DEADLINE_SWEEP_H
#define SAFEGUARD_DEADLINE_SWEEP_H

#include "postgres.h"

extern void sg_sweep_record_error(const char *sqlstate, const char *message);

#endif							/* SAFEGUARD_DEADLINE_SWEEP_H */
