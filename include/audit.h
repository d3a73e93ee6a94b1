/*
 * audit.h
 *		The audit trail's backend interface: canonical encoding of values
 *		and the note a guard leaves about which duty authorised a change.
 */
#ifndef SAFEGUARD_AUDIT_H
#define SAFEGUARD_AUDIT_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "referral_fsm.h"

/*
 * Returns a value as canonical text: the same bytes in every session,
 * whatever DateStyle, TimeZone, extra_float_digits, bytea_output or
 * IntervalStyle say (timestamps in UTC ISO 8601, bytea in hex, ...).
 */
extern char *sg_canonical_text(Datum value, Oid typid);

/* The number of hashed fields of an audit row (audit_chain.c). */
#define SG_AUDIT_NFIELDS 18

/*
 * Appends an audit row to its hash chain; values/nulls hold the first 16
 * fields (recorded_at .. client_addr), room for 18.  Inside an SPI connection.
 */
extern void sg_audit_append(Datum *values, bool *nulls);

/* As sg_audit_append, to the named chain (NULL: the case's or the table's). */
extern void sg_audit_append_to(Datum *values, bool *nulls, const char *chain_key);

/*
 * Writes the audit row of one change (INSERT, UPDATE, DELETE or BASELINE)
 * to a row of relation relid; see audit.c.
 */
extern void sg_audit_record(Oid relid, const char *relname, TupleDesc desc, char **args,
							int nargs, const char *action, HeapTuple oldtup, HeapTuple newtup);

/* Records that duty d authorised the change to row key of relation relid. */
extern void sg_audit_note_duty(Oid relid, int64 key, SgDuty d);

#endif							/* SAFEGUARD_AUDIT_H */
