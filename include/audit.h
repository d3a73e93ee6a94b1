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

extern char *sg_canonical_text(Datum value, Oid typid);
struct JsonbValue;
extern char *sg_jsonb_value_text(const struct JsonbValue *v);

/*
 * The hashed fields of an audit row: the columns of safeguard.audit_event
 * between id and prev_hash, in table order.  A field's number in the hash
 * encoding is its value + 1, so the order never changes (audit_chain.c
 * checks the names and types against the table once per backend).
 */
typedef enum SgAuditField
{
	SG_AUDIT_F_RECORDED_AT = 0,
	SG_AUDIT_F_BUSINESS_TIME,
	SG_AUDIT_F_TXID,
	SG_AUDIT_F_LOGIN_ROLE,
	SG_AUDIT_F_ACTING_ROLE,
	SG_AUDIT_F_ORGANISATION_ID,
	SG_AUDIT_F_DUTY,
	SG_AUDIT_F_TABLE_NAME,
	SG_AUDIT_F_ROW_KEY,
	SG_AUDIT_F_CASE_ID,
	SG_AUDIT_F_ACTION,
	SG_AUDIT_F_FROM_STATE,
	SG_AUDIT_F_TO_STATE,
	SG_AUDIT_F_CHANGES,
	SG_AUDIT_F_APPLICATION_NAME,
	SG_AUDIT_F_CLIENT_ADDR,
	SG_AUDIT_F_CHAIN_KEY,
	SG_AUDIT_F_CHAIN_SEQ,
	SG_AUDIT_NFIELDS
} SgAuditField;

extern void sg_audit_append(Datum *values, bool *nulls);
extern void sg_audit_append_to(Datum *values, bool *nulls, const char *chain_key,
							   const char *changes_text);
extern void sg_audit_record(Oid relid, const char *relname, TupleDesc desc, char **args,
							int nargs, const char *action, HeapTuple oldtup, HeapTuple newtup);
extern bool sg_audit_insert(const char *const *columns, const Oid *types, Datum *values,
							const bool *nulls, int n);
extern void sg_audit_note_duty(Oid relid, int64 key, SgDuty d);
extern void sg_audit_note_consequence(Oid relid, int64 key);

#endif							/* SAFEGUARD_AUDIT_H */
