/*
 * referral_fsm.h
 *		The referral state machine: its states and its one transition table
 *		(referral_fsm.c), on the shared machinery of fsm.h.
 *
 * Backend-free, so test/unit can check the table without a server.  The
 * backend glue (referral.c) applies it to rows; nothing else decides which
 * transitions exist or which duty may make them.
 */
#ifndef SAFEGUARD_REFERRAL_FSM_H
#define SAFEGUARD_REFERRAL_FSM_H

#include "fsm.h"

/* Referral states (public interface: the names never change). */
typedef enum SgReferralState
{
	SG_REF_AWAITING_SEND = 0,
	SG_REF_SENT,
	SG_REF_ACKNOWLEDGED,
	SG_REF_DECIDED,
	SG_REF_OUTCOME_RECORDED,
	SG_REF_CLOSED,
	SG_REF_WITHDRAWN,
	SG_NREFSTATES
} SgReferralState;

typedef SgTransition SgReferralTransition;

/* The referral machine. */
extern const SgMachine sg_referral_machine;

extern const char *sg_referral_state_name(SgReferralState s);
extern bool sg_referral_state_parse(const char *name, SgReferralState *s);
extern const SgReferralTransition *sg_referral_transition(SgReferralState from,
														  SgReferralState to);
extern bool sg_referral_state_is_final(SgReferralState s);
extern int	sg_referral_next_states(SgReferralState s,
									SgReferralState next[SG_NREFSTATES]);

#endif							/* SAFEGUARD_REFERRAL_FSM_H */
