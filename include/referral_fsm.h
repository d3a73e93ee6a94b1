/*
 * referral_fsm.h
 *		The referral state machine, duties and organisation kinds as pure
 *		data: one enum per vocabulary, one mapping to text, one transition
 *		table.
 *
 * Backend-free, so test/unit can check the table without a server.  The
 * backend glue (referral.c) applies it to rows; nothing else decides which
 * transitions exist or which duty may make them.
 */
#ifndef SAFEGUARD_REFERRAL_FSM_H
#define SAFEGUARD_REFERRAL_FSM_H

#include <stdbool.h>
#include <stdint.h>

/* Duties: the NOLOGIN roles safeguard_<name>. */
typedef enum SgDuty
{
	SG_DUTY_ADMIN = 0,
	SG_DUTY_CONTACT_CENTRE,
	SG_DUTY_INSPECTOR,
	SG_DUTY_LA_OFFICER,
	SG_DUTY_SAM,
	SG_DUTY_ENQUIRY_OFFICER,
	SG_DUTY_COMMISSIONER,
	SG_DUTY_PROVIDER,
	SG_DUTY_READER,
	SG_DUTY_AUDITOR,
	SG_NDUTIES
} SgDuty;

#define SG_DUTY_BIT(d) ((uint32_t) 1 << (d))

/* Kinds of organisation. */
typedef enum SgOrgKind
{
	SG_ORG_REGULATOR = 0,
	SG_ORG_LOCAL_AUTHORITY,
	SG_ORG_PROVIDER,
	SG_ORG_PROVIDER_LOCATION,
	SG_ORG_ICB,
	SG_ORG_POLICE,
	SG_ORG_OTHER,
	SG_NORGKINDS
} SgOrgKind;

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

/* Which organisation a permitted actor must be acting for. */
typedef enum SgOrgRule
{
	SG_ACT_FOR_REGULATOR,		/* an organisation of kind regulator */
	SG_ACT_FOR_RECIPIENT_LA,	/* the referral's recipient local authority */
	SG_ACT_FOR_ANY				/* any organisation */
} SgOrgRule;

/* One way of being allowed to make a transition. */
typedef struct SgPermit
{
	SgDuty		duty;
	SgOrgRule	org;
} SgPermit;

#define SG_MAX_PERMITS 2
#define SG_MAX_COLUMNS 6

/*
 * One transition: who may make it, the columns the actor supplies with it
 * (all others keep their values), which of those must be non-null, and the
 * columns safeguard records itself (actor, organisation, time).
 */
typedef struct SgReferralTransition
{
	SgReferralState from;
	SgReferralState to;
	int			npermits;
	SgPermit	permits[SG_MAX_PERMITS];
	const char *supplied[SG_MAX_COLUMNS];	/* NULL-terminated */
	const char *required[SG_MAX_COLUMNS];	/* NULL-terminated */
	const char *stamped[SG_MAX_COLUMNS];	/* NULL-terminated */
} SgReferralTransition;

/* Returns the text name of a duty ("contact_centre"); role is "safeguard_" + name. */
extern const char *sg_duty_name(SgDuty d);

/* Parses a duty name; returns false when unknown. */
extern bool sg_duty_parse(const char *name, SgDuty *d);

/* Returns the text name of an organisation kind. */
extern const char *sg_org_kind_name(SgOrgKind k);

/* Parses an organisation kind; returns false when unknown. */
extern bool sg_org_kind_parse(const char *name, SgOrgKind *k);

/* Returns the text name of a referral state. */
extern const char *sg_referral_state_name(SgReferralState s);

/* Parses a referral state; returns false when unknown. */
extern bool sg_referral_state_parse(const char *name, SgReferralState *s);

/* Returns the transition from -> to, or NULL when there is none. */
extern const SgReferralTransition *sg_referral_transition(SgReferralState from,
														  SgReferralState to);

/* Returns true when no transition leaves the state. */
extern bool sg_referral_state_is_final(SgReferralState s);

/* Fills next[] with the states reachable from s; returns how many. */
extern int	sg_referral_next_states(SgReferralState s,
									SgReferralState next[SG_NREFSTATES]);

/* Returns true when name is in a NULL-terminated column list. */
extern bool sg_column_listed(const char *const *list, const char *name);

#endif							/* SAFEGUARD_REFERRAL_FSM_H */
