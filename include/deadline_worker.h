/*
 * deadline_worker.h
 *		The deadline sweeper: a background worker that calls
 *		safeguard.sweep() on a fixed cadence.  Implemented in deadline_worker.c.
 */
#ifndef SAFEGUARD_DEADLINE_WORKER_H
#define SAFEGUARD_DEADLINE_WORKER_H

#include "postgres.h"

extern void sg_worker_init(void);
extern PGDLLEXPORT void sg_worker_main(Datum main_arg) pg_attribute_noreturn();

#endif							/* SAFEGUARD_DEADLINE_WORKER_H */
