/*
 * enquiry_fsm.h
 *		The large-scale provider enquiry (Provider Concerns procedure,
 *		stages 1-6) as a state machine on fsm.h (enquiry_fsm.c).
 */
#ifndef SAFEGUARD_ENQUIRY_FSM_H
#define SAFEGUARD_ENQUIRY_FSM_H

#include "fsm.h"

/* Stages (public interface: the names never change). */
typedef enum SgEnquiryStage
{
	SG_ENQ_PROPOSED = 0,		/* stage 1: threshold tool being completed */
	SG_ENQ_NOT_INVOKED,			/* stage 1: decided not to invoke (final) */
	SG_ENQ_INVOKED,				/* stage 1 done: initial meeting due */
	SG_ENQ_FACT_FINDING,		/* stage 2 meeting held: fact finding */
	SG_ENQ_IMPROVEMENT_PLAN,	/* stage 3: plan issued, provider to respond */
	SG_ENQ_MONITORING,			/* stage 4 */
	SG_ENQ_QUALITY_ASSURANCE,	/* stage 5 */
	SG_ENQ_CLOSED,				/* stage 6 (final) */
	SG_NENQSTAGES
} SgEnquiryStage;

/* The provider enquiry machine. */
extern const SgMachine sg_enquiry_machine;

#endif							/* SAFEGUARD_ENQUIRY_FSM_H */
