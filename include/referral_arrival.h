/*
 * referral_arrival.h
 *		A referral arriving as the receiving council's concern, and its
 *		LA-side states following the council's records (referral_arrival.c).
 */
#ifndef SAFEGUARD_REFERRAL_ARRIVAL_H
#define SAFEGUARD_REFERRAL_ARRIVAL_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "commands/trigger.h"
#include "datatype/timestamp.h"

extern void sg_referral_arrive(int64 referral_id);
extern void sg_referral_refuse_if_arrived(TriggerData *td);
extern void sg_referral_follow_decision(int64 concern_id, const char *decision);
extern void sg_referral_follow_enquiry(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc);

#endif							/* SAFEGUARD_REFERRAL_ARRIVAL_H */
