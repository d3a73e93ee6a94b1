/*
 * duties.h
 *		Who is acting, for which organisation, under which duties, and the
 *		permit checks (duties.c).
 */
#ifndef SAFEGUARD_DUTIES_H
#define SAFEGUARD_DUTIES_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fsm.h"

typedef struct SgActor
{
	Oid			userid;			/* the acting role */
	int64		org_id;			/* organisation acted for; 0 if none */
	SgOrgKind	org_kind;
	uint32		duties;			/* SG_DUTY_BIT mask of active grants */
} SgActor;

extern const SgActor *sg_current_actor(void);
extern bool sg_actor_has(const SgActor *a, SgDuty d);
extern SgDuty sg_require_permit(const SgActor *a, const SgPermit *permits,
								int npermits, int64 la_id, const char *action);
extern SgDuty sg_require_action(const SgActor *a, const char *name, int64 org_id);
extern void sg_require_admin(const char *action);
extern bool sg_actor_oversees(const SgActor *a, int64 org_id);
extern bool sg_actor_is_national_admin(const SgActor *a);
extern void sg_require_admin_for(int64 org_id, const char *action);
extern void sg_require_national_admin(const char *action);
extern bool sg_actor_sees_every_la(const SgActor *a);
extern bool sg_actor_may_see_la(const SgActor *a, int64 la_id);
extern bool sg_actor_may_report_on(const SgActor *a, int64 la_id);
extern char *sg_role_team(Oid role, SgDuty duty);
extern bool sg_role_holds_duty_for(Oid role, uint32 duties, int64 org_id);
extern SgOrgKind sg_organisation_kind(int64 org_id);
extern char *sg_organisation_division(int64 org_id);

#endif							/* SAFEGUARD_DUTIES_H */
