/*
 * la_enquiry_fsm.h
 *		A local authority's own safeguarding enquiry (section 42 or other,
 *		the council pathway) as a state machine on fsm.h (la_enquiry_fsm.c).
 *
 * Backend-free, so test/unit can check the table without a server.  The
 * backend glue (la_enquiry.c) applies it to rows of safeguard.la_enquiry.
 */
#ifndef SAFEGUARD_LA_ENQUIRY_FSM_H
#define SAFEGUARD_LA_ENQUIRY_FSM_H

#include "fsm.h"

/* Enquiry states (public interface: the names never change). */
typedef enum SgLaEnquiryState
{
	SG_LAE_DECIDED = 0,			/* the concern decision made it; unallocated */
	SG_LAE_ALLOCATED,			/* a named officer of the authority holds it */
	SG_LAE_IN_PROGRESS,			/* started: Making Safeguarding Personal answered */
	SG_LAE_CONCLUDED,			/* the outcome recorded in the SAC vocabulary */
	SG_LAE_CLOSED,				/* a SAM signed it off with the feedback (final) */
	SG_NLAESTATES
} SgLaEnquiryState;

/* The LA enquiry machine. */
extern const SgMachine sg_la_enquiry_machine;

extern const char *sg_la_enquiry_state_name(SgLaEnquiryState s);
extern bool sg_la_enquiry_state_parse(const char *name, SgLaEnquiryState *s);
extern bool sg_la_enquiry_state_is_final(SgLaEnquiryState s);

#endif							/* SAFEGUARD_LA_ENQUIRY_FSM_H */
