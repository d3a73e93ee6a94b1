/*
 * la_enquiry.h
 *		What the records of a council's enquiry (its strategy discussions,
 *		plans, and the enquiries it causes other organisations to make)
 *		share with la_enquiry.c: loading the enquiry and checking the actor.
 */
#ifndef SAFEGUARD_LA_ENQUIRY_H
#define SAFEGUARD_LA_ENQUIRY_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fsm.h"

/* What the guards of an enquiry's records need to know about the enquiry. */
typedef struct SgLaEnquiryInfo
{
	int64		id;
	int64		la_id;
	int64		case_id;
	char	   *state;
	TimestampTz decided_at;
	Oid			allocated;
	bool		allocated_null;
} SgLaEnquiryInfo;

extern SgDuty sg_la_enquiry_load_for_record(int64 enquiry_id, const char *action,
											const char *what, SgLaEnquiryInfo *e);

/* caused_enquiry.c: SG229 while the enquiry has a caused enquiry open. */
extern void sg_caused_enquiries_refuse_open(int64 enquiry_id, int64 case_id, const char *what);

#endif							/* SAFEGUARD_LA_ENQUIRY_H */
