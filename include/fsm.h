/*
 * fsm.h
 *		State machines as pure data: duties, organisation kinds, permits and
 *		transition tables, shared by every workflow (referrals, provider
 *		enquiries).
 *
 * Backend-free, so test/unit can check each table without a server.  A
 * machine is one enum of states with one mapping to text and one table of
 * transitions; the backend glue (transition.c) applies a machine to rows.
 */
#ifndef SAFEGUARD_FSM_H
#define SAFEGUARD_FSM_H

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
	SG_DUTY_INTEGRATION,		/* consumes the outbox, nothing else */
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

#define SG_MAX_PERMITS 3
#define SG_MAX_COLUMNS 8

/*
 * One transition: who may make it (no permit: only safeguard itself, as the
 * consequence of another record), the columns the actor supplies with it
 * (all others keep their values), which of those must be non-null, and the
 * columns safeguard records itself (actor, organisation, time).
 */
typedef struct SgTransition
{
	int			from;
	int			to;
	int			npermits;
	SgPermit	permits[SG_MAX_PERMITS];
	const char *supplied[SG_MAX_COLUMNS];	/* NULL-terminated */
	const char *required[SG_MAX_COLUMNS];	/* NULL-terminated */
	const char *stamped[SG_MAX_COLUMNS];	/* NULL-terminated */
} SgTransition;

/* A state machine: its states' names and its transitions. */
typedef struct SgMachine
{
	const char *name;			/* e.g. "referral", for messages */
	int			nstates;
	const char *const *state_names;
	int			ntransitions;
	const SgTransition *transitions;
} SgMachine;

extern const char *sg_duty_name(SgDuty d);
extern bool sg_duty_parse(const char *name, SgDuty *d);
extern const char *sg_org_kind_name(SgOrgKind k);
extern bool sg_org_kind_parse(const char *name, SgOrgKind *k);
extern const char *sg_fsm_state_name(const SgMachine *m, int s);
extern bool sg_fsm_state_parse(const SgMachine *m, const char *name, int *s);
extern const SgTransition *sg_fsm_transition(const SgMachine *m, int from, int to);
extern int	sg_fsm_next_states(const SgMachine *m, int s, int *next);
extern bool sg_column_listed(const char *const *list, const char *name);

#endif							/* SAFEGUARD_FSM_H */
