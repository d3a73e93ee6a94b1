/*
 * internal_write.h
 *		Protected writes as the table owner, the acting user, statements run
 *		as the owner (internal_write.c).
 */
#ifndef SAFEGUARD_INTERNAL_WRITE_H
#define SAFEGUARD_INTERNAL_WRITE_H

#include "postgres.h"

#include "executor/spi.h"

typedef struct SgInternalWrite
{
	Oid			saved_userid;
	int			saved_sec_context;
} SgInternalWrite;

extern bool sg_schema_has(const char *relname);
extern Oid	sg_table_owner(void);
extern void sg_internal_begin(SgInternalWrite *iw);
extern void sg_internal_end(SgInternalWrite *iw);
extern bool sg_internal_writing(void);
extern Oid	sg_acting_userid(void);
extern uint64 sg_exec_internal(const char *sql, int nargs, Oid *types,
							   Datum *values, const char *nulls);
extern void sg_serial_lock(const char *key);
extern uint64 sg_query_internal_latest(const char *sql, int nargs, Oid *types,
									   Datum *values, const char *nulls);
extern uint64 sg_exec_internal_latest(const char *sql, int nargs, Oid *types,
									  Datum *values, const char *nulls);

#endif							/* SAFEGUARD_INTERNAL_WRITE_H */
