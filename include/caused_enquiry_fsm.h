/*
 * caused_enquiry_fsm.h
 *		An enquiry a local authority causes another organisation to make
 *		(Care Act s42(2), "make or cause"), as a state machine on fsm.h
 *		(caused_enquiry_fsm.c).
 *
 * Backend-free, so test/unit can check the table without a server.  The
 * backend glue (caused_enquiry.c) applies it to rows of
 * safeguard.caused_enquiry.
 */
#ifndef SAFEGUARD_CAUSED_ENQUIRY_FSM_H
#define SAFEGUARD_CAUSED_ENQUIRY_FSM_H

#include "fsm.h"

/* Caused enquiry states (public interface: the names never change). */
typedef enum SgCausedState
{
	SG_CE_REQUESTED = 0,		/* the authority asked; the report is awaited */
	SG_CE_REPORT_RECEIVED,		/* the organisation's report is in */
	SG_CE_ACCEPTED,				/* the authority accepted the report (final) */
	SG_CE_RETURNED,				/* the authority asked for more; a report is awaited */
	SG_CE_WITHDRAWN,			/* the authority withdrew the request (final) */
	SG_NCESTATES
} SgCausedState;

/* The caused enquiry machine. */
extern const SgMachine sg_caused_enquiry_machine;

extern const char *sg_caused_state_name(SgCausedState s);
extern bool sg_caused_state_parse(const char *name, SgCausedState *s);
extern bool sg_caused_state_is_open(SgCausedState s);
extern bool sg_caused_state_awaits_report(SgCausedState s);

#endif							/* SAFEGUARD_CAUSED_ENQUIRY_FSM_H */
