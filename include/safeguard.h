/*
 * safeguard.h
 *		Backend-wide helpers shared by the workflow modules: the clock, the
 *		acting user, protected writes as the table owner, and trigger
 *		plumbing.  Each is implemented in the file named beside it.
 */
#ifndef SAFEGUARD_H
#define SAFEGUARD_H

#include "postgres.h"

#include "commands/trigger.h"
#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "referral_fsm.h"

/* deadline_clock.c: the time safeguard works to (transaction time or a pinned clock). */
extern TimestampTz sg_now(void);

/* internal_write.c: protected writes run as the table owner (safeguard_owner). */
typedef struct SgInternalWrite
{
	Oid			saved_userid;
	int			saved_sec_context;
} SgInternalWrite;

/* Returns true when schema safeguard has that relation (which version's schema is served). */
extern bool sg_schema_has(const char *relname);

/* Returns the role owning safeguard's tables (safeguard_owner). */
extern Oid	sg_table_owner(void);

/* Switches to the table owner for a protected write; remembers the actor. */
extern void sg_internal_begin(SgInternalWrite *iw);

/* Switches back to the caller. */
extern void sg_internal_end(SgInternalWrite *iw);

/* Returns true while safeguard itself is writing (not a client statement). */
extern bool sg_internal_writing(void);

/* Returns the role on whose behalf the current change is made. */
extern Oid	sg_acting_userid(void);

/* Runs a parameterised statement as the extension owner; returns SPI_processed. */
extern uint64 sg_exec_internal(const char *sql, int nargs, Oid *types,
							   Datum *values, const char *nulls);

/* Serialises transactions on a key until they end (a row lock only safeguard can take). */
extern void sg_serial_lock(const char *key);

/* As sg_exec_internal, read-only, against the latest committed state. */
extern uint64 sg_query_internal_latest(const char *sql, int nargs, Oid *types,
									   Datum *values, const char *nulls);

/* duties.c: who is acting, for which organisation, under which duties. */
typedef struct SgActor
{
	Oid			userid;			/* the acting role */
	int64		org_id;			/* organisation acted for; 0 if none */
	SgOrgKind	org_kind;
	uint32		duties;			/* SG_DUTY_BIT mask of active grants */
} SgActor;

/* Returns the acting role's active grants (looked up once per statement). */
extern const SgActor *sg_current_actor(void);

/* Returns true when the actor holds duty d. */
extern bool sg_actor_has(const SgActor *a, SgDuty d);

/*
 * Raises 42501 unless the actor holds one of the permits; la_id is the
 * recipient local authority for SG_ACT_FOR_RECIPIENT_LA.  Returns the duty
 * that authorised the action.
 */
extern SgDuty sg_require_permit(const SgActor *a, const SgPermit *permits,
								int npermits, int64 la_id, const char *action);

/* Raises 42501 unless the actor holds one of an action's permits (actions.c); returns the duty used. */
extern SgDuty sg_require_action(const SgActor *a, const char *name, int64 org_id);

/* Raises 42501 unless the caller is a superuser or holds the admin duty. */
extern void sg_require_admin(const char *action);

/* Returns true when the actor oversees an organisation's administrative records (admin, auditor). */
extern bool sg_actor_oversees(const SgActor *a, int64 org_id);

/* Returns true when the actor holds the admin duty acting for the regulator. */
extern bool sg_actor_is_national_admin(const SgActor *a);

/* Raises 42501 unless the caller may administer organisation org_id. */
extern void sg_require_admin_for(int64 org_id, const char *action);

/* Raises 42501 unless the caller is a superuser or an administrator of the regulator. */
extern void sg_require_national_admin(const char *action);

/* Returns true when the actor oversees every local authority's casework (the regulator's staff). */
extern bool sg_actor_sees_every_la(const SgActor *a);

/* Returns true when the actor may see casework of the local authority la_id. */
extern bool sg_actor_may_see_la(const SgActor *a, int64 la_id);

/* Returns true when the actor may see reports on the local authority la_id. */
extern bool sg_actor_may_report_on(const SgActor *a, int64 la_id);

/* Returns the team of a role's active grant of a duty (palloc'd), or NULL. */
extern char *sg_role_team(Oid role, SgDuty duty);

/* Returns true when a role holds one of the duties (SG_DUTY_BIT mask) for an organisation. */
extern bool sg_role_holds_duty_for(Oid role, uint32 duties, int64 org_id);

/* Returns an organisation's kind; raises SG210 when it does not exist. */
extern SgOrgKind sg_organisation_kind(int64 org_id);

/* Returns an organisation's bank-holiday division (palloc'd). */
extern char *sg_organisation_division(int64 org_id);

/* concern.c: closes a case when every concern is triaged and every referral final. */
extern void sg_case_close_if_done(int64 case_id, TimestampTz at);

/* trigger_util.c: trigger preamble and tuple access by column name. */
extern TriggerData *sg_trigger_data(FunctionCallInfo fcinfo, const char *name,
									bool row, bool before);

/* Returns true when the table has the column (added by a later version). */
extern bool sg_has_column(TupleDesc desc, const char *name);

/* Returns the attribute number of a column; errors if absent. */
extern int	sg_attnum(TupleDesc desc, const char *name);

/* Returns a column's value, setting *isnull. */
extern Datum sg_get(HeapTuple tup, TupleDesc desc, const char *name, bool *isnull);

/* Returns a text column as a C string, or NULL. */
extern char *sg_get_cstring(HeapTuple tup, TupleDesc desc, const char *name);

/* Returns an enum or text column's label as a C string, or NULL. */
extern char *sg_get_label(HeapTuple tup, TupleDesc desc, const char *name);

/* Returns a column's label; raises SG202 (what is required, hint) when it is NULL. */
extern char *sg_require_label(HeapTuple tup, TupleDesc desc, const char *name,
							  const char *what, const char *hint);

/* Returns an int8 column, or 0 when NULL. */
extern int64 sg_get_int64(HeapTuple tup, TupleDesc desc, const char *name);

/* Returns a copy of tup with the named columns replaced. */
extern HeapTuple sg_set(HeapTuple tup, TupleDesc desc, int n,
						const char **names, Datum *values, bool *nulls);

/* Returns true when a column has the same value in both tuples. */
extern bool sg_column_unchanged(HeapTuple a, HeapTuple b, TupleDesc desc, int attnum);

/* Raises SG204: the table's rows cannot be changed this way. */
extern void sg_refuse_change(const char *table, const char *what, const char *hint);

#endif							/* SAFEGUARD_H */
