/*
 * deadline_clock.h
 *		The time safeguard works to (deadline_clock.c).
 */
#ifndef SAFEGUARD_DEADLINE_CLOCK_H
#define SAFEGUARD_DEADLINE_CLOCK_H

#include "postgres.h"

#include "datatype/timestamp.h"

extern TimestampTz sg_now(void);

#endif							/* SAFEGUARD_DEADLINE_CLOCK_H */
