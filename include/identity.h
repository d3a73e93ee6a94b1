/*
 * identity.h
 *		Ids no role can break by moving a sequence (identity.c): the id of a
 *		row safeguard inserts without the executor.
 */
#ifndef SAFEGUARD_IDENTITY_H
#define SAFEGUARD_IDENTITY_H

#include "postgres.h"

#include "utils/relcache.h"

extern int64 sg_identity_draw(Relation rel, const char *column);

#endif							/* SAFEGUARD_IDENTITY_H */
