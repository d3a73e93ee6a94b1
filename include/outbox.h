/*
 * outbox.h
 *		Writing a notification to safeguard.outbox (outbox_access.c).
 */
#ifndef SG_OUTBOX_H
#define SG_OUTBOX_H

#include "postgres.h"

#include "utils/timestamp.h"

extern void sg_outbox_write(const char *payload, TimestampTz created_at);

#endif							/* SG_OUTBOX_H */
