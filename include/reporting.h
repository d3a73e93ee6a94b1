/*
 * reporting.h
 *		The checks of the reporting layer that the guards of other tables
 *		call where data is written (src/reporting.c): the SAC answers a
 *		concern records, and the codes that name a local authority.
 */
#ifndef SAFEGUARD_REPORTING_H
#define SAFEGUARD_REPORTING_H

#include "access/htup.h"
#include "access/tupdesc.h"

extern void sg_check_concern_sac_values(HeapTuple tup, TupleDesc desc);
extern void sg_check_organisation_codes(HeapTuple tup, TupleDesc desc, bool local_authority,
										const char *name);

#endif							/* SAFEGUARD_REPORTING_H */
