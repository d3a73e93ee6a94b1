/*
 * actions.h
 *		The workflow actions that are not state transitions, and who may take
 *		them (actions.c): one table, read by the guard triggers that enforce
 *		each action and by safeguard.require_duty(), which the SQL workflow
 *		functions call first so that a role without the duty is told which
 *		duty it needs before any table privilege is checked.
 */
#ifndef SAFEGUARD_ACTIONS_H
#define SAFEGUARD_ACTIONS_H

#include "fsm.h"

#define SG_ACTION_MAX_PERMITS 4

/* One action: its name (the SQL function's), what it does, who may do it. */
typedef struct SgAction
{
	const char *name;
	const char *description;	/* for messages: "log a concern" */
	int			npermits;
	SgPermit	permits[SG_ACTION_MAX_PERMITS];
} SgAction;

extern const SgAction *sg_action_find(const char *name);
extern bool sg_permits_duty_held(const SgPermit *permits, int npermits,
								 uint32_t duties, SgOrgKind org_kind);

#endif							/* SAFEGUARD_ACTIONS_H */
