/*
 * concern.h
 *		Concerns and cases: what other modules ask of them (concern.c).
 */
#ifndef SAFEGUARD_CONCERN_H
#define SAFEGUARD_CONCERN_H

#include "postgres.h"

#include "datatype/timestamp.h"

extern void sg_case_close_if_done(int64 case_id, TimestampTz at);

#endif							/* SAFEGUARD_CONCERN_H */
