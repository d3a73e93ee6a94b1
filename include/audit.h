/*
 * audit.h
 *		The audit trail's backend interface: canonical encoding of values
 *		and the note a guard leaves about which duty authorised a change.
 */
#ifndef SAFEGUARD_AUDIT_H
#define SAFEGUARD_AUDIT_H

#include "postgres.h"

#include "referral_fsm.h"

/*
 * Returns a value as canonical text: the same bytes in every session,
 * whatever DateStyle, TimeZone, extra_float_digits, bytea_output or
 * IntervalStyle say (timestamps in UTC ISO 8601, bytea in hex, ...).
 */
extern char *sg_canonical_text(Datum value, Oid typid);

/* Records that duty d authorised the change to row key of relation relid. */
extern void sg_audit_note_duty(Oid relid, int64 key, SgDuty d);

#endif							/* SAFEGUARD_AUDIT_H */
