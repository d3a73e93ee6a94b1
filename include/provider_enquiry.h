/*
 * provider_enquiry.h
 *		What the rules of an enquiry's records (enquiry_record_guard.c) share
 *		with the enquiry's stage machine (provider_enquiry.c, which defines
 *		these): the enquiry as a record sees it, loading it, and the
 *		refusals both raise.
 */
#ifndef SAFEGUARD_PROVIDER_ENQUIRY_H
#define SAFEGUARD_PROVIDER_ENQUIRY_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "datatype/timestamp.h"

/* What a record needs to know about its enquiry. */
typedef struct SgEnquiry
{
	int64		id;
	int64		la_id;
	int64		provider_id;
	int			stage;
	bool		meeting_required;
	TimestampTz decided_at;
} SgEnquiry;

extern void sg_enquiry_load(int64 id, SgEnquiry *e, bool check_visible);
extern int64 sg_enquiry_query_int(const char *sql, int nargs, Oid *types, Datum *values);
extern void sg_enquiry_exec_int8(const char *sql, int nargs, int64 a, int64 b);
extern bool sg_enquiry_present(const char *s);
extern void sg_enquiry_missing(const char *what, const char *hint);
extern void sg_enquiry_wrong_stage(const SgEnquiry *e, const char *what, const char *when);
extern void sg_enquiry_refuse_other_columns(HeapTuple tup, TupleDesc desc,
											const char *const *client);

#endif							/* SAFEGUARD_PROVIDER_ENQUIRY_H */
