/*
 * scope_guard.h
 *		What a role that sees only part of a casework table can learn about
 *		the rest through how its queries are planned: implemented in
 *		src/scope_guard.c, on the classification of src/scope_columns.c.
 */
#ifndef SAFEGUARD_SCOPE_GUARD_H
#define SAFEGUARD_SCOPE_GUARD_H

#include "postgres.h"

/* safeguard.scope_guard: the planner hooks apply (on by default). */
extern bool sg_scope_guard;

extern void sg_scope_guard_init(void);

#endif							/* SAFEGUARD_SCOPE_GUARD_H */
