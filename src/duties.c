/*
 * duties.c
 *		Who may act: organisations, duty grants, and the acting role's
 *		duties as every check sees them.
 *
 * Owns safeguard.grant_duty, revoke_duty, current_organisation,
 * current_duties, may_see_la (the row-level security predicate) and the
 * organisation_guard trigger.
 *
 * Invariants:
 *	- The duty_grant table is the authority.  Membership of the NOLOGIN
 *	  safeguard_* roles only opens table privileges; every rule check asks
 *	  for the acting role's grants (the current user, so applications that
 *	  SET ROLE per user get the same checks).  They are read from the table
 *	  at their latest committed state and kept per backend, by role, across
 *	  statements and transactions, until a relcache invalidation of
 *	  duty_grant drops them all: the statement trigger scope_changed sends
 *	  one after every change to duty_grant or organisation, every backend
 *	  receives it when the change commits (this one at its next command),
 *	  and every statement first processes the invalidations pending.  A
 *	  revoked grant therefore stops the next statement in every session.
 *	- A role acts for exactly one organisation; a duty is only granted for
 *	  an organisation of a kind that can hold it.
 *	- Roles are compared by OID, never by name strings.
 */
#include "postgres.h"

#include "actions.h"
#include "enquiry_fsm.h"
#include "caused_enquiry_fsm.h"
#include "la_enquiry_fsm.h"
#include "reporting.h"
#include "safeguard.h"
#include "spi_util.h"
#include "session_guard.h"
#include "sg_errcodes.h"
#include "validate.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(sg_grant_duty);
PG_FUNCTION_INFO_V1(sg_revoke_duty);
PG_FUNCTION_INFO_V1(sg_current_organisation);
PG_FUNCTION_INFO_V1(sg_current_duties);
PG_FUNCTION_INFO_V1(sg_may_see_la);
PG_FUNCTION_INFO_V1(sg_may_report_on);
PG_FUNCTION_INFO_V1(sg_organisation_guard);
PG_FUNCTION_INFO_V1(sg_require_duty);
PG_FUNCTION_INFO_V1(sg_oversees_organisation);
PG_FUNCTION_INFO_V1(sg_may_read_audit);

/* Which organisation kinds each duty may act for (bit per SgOrgKind). */
#define KIND_BIT(k) ((uint32) 1 << (k))
static const uint32 duty_org_kinds[SG_NDUTIES] = {
	[SG_DUTY_ADMIN] = ~(uint32) 0,
	[SG_DUTY_CONTACT_CENTRE] = KIND_BIT(SG_ORG_REGULATOR),
	[SG_DUTY_INSPECTOR] = KIND_BIT(SG_ORG_REGULATOR),
	[SG_DUTY_LA_OFFICER] = KIND_BIT(SG_ORG_LOCAL_AUTHORITY),
	[SG_DUTY_SAM] = KIND_BIT(SG_ORG_LOCAL_AUTHORITY),
	[SG_DUTY_ENQUIRY_OFFICER] = KIND_BIT(SG_ORG_LOCAL_AUTHORITY),
	[SG_DUTY_COMMISSIONER] = KIND_BIT(SG_ORG_LOCAL_AUTHORITY) | KIND_BIT(SG_ORG_ICB),
	/* a partner's staff: a provider's, or of an organisation a council causes to enquire */
	[SG_DUTY_PROVIDER] = KIND_BIT(SG_ORG_PROVIDER) | KIND_BIT(SG_ORG_ICB) | KIND_BIT(SG_ORG_POLICE) |
	KIND_BIT(SG_ORG_OTHER),
	[SG_DUTY_READER] = ~(uint32) 0,
	[SG_DUTY_AUDITOR] = ~(uint32) 0,
	[SG_DUTY_INTEGRATION] = ~(uint32) 0,
};

/* Duties whose holders work the casework of their own local authority. */
#define LA_CASEWORK_DUTIES (SG_DUTY_BIT(SG_DUTY_LA_OFFICER) | SG_DUTY_BIT(SG_DUTY_SAM) | \
							SG_DUTY_BIT(SG_DUTY_ENQUIRY_OFFICER) | SG_DUTY_BIT(SG_DUTY_COMMISSIONER))
/* Duties whose holders at the regulator see every local authority's casework. */
#define REGULATOR_CASEWORK_DUTIES (SG_DUTY_BIT(SG_DUTY_CONTACT_CENTRE) | \
								   SG_DUTY_BIT(SG_DUTY_INSPECTOR) | SG_DUTY_BIT(SG_DUTY_ADMIN))

/* Returns a role's name for messages. */
static const char *
role_name(Oid roleid)
{
	const char *name = GetUserNameFromId(roleid, true);

	return name ? name : "(dropped role)";
}

/* Returns the name of the group role that carries a duty's privileges. */
static const char *
duty_role_name(SgDuty duty)
{
	return psprintf("safeguard_%s", sg_duty_name(duty));
}

/*
 * Grants (or revokes) a duty's group role to (from) a role, as the
 * table owner, which holds ADMIN OPTION on the duty roles.  Inside an SPI
 * connection.
 */
static void
set_duty_membership(bool grant, SgDuty duty, Oid role)
{
	char	   *sql = psprintf(grant ? "GRANT %s TO %s" : "REVOKE %s FROM %s",
							   quote_identifier(duty_role_name(duty)),
							   quote_identifier(role_name(role)));
	SgInternalWrite iw;

	sg_internal_begin(&iw);
	PG_TRY();
	{
		if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "safeguard: %s failed", sql);
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
}

/* Loads the active grants of a role into *a. */
static void
load_actor(Oid userid, SgActor *a)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(userid)};

	memset(a, 0, sizeof(*a));
	a->userid = userid;
	sg_spi_connect();
	/*
	 * The latest committed grants, whatever the isolation level: a revoke
	 * must stop the next statement even of a REPEATABLE READ transaction
	 * that began before it.
	 */
	sg_query_internal_latest("SELECT g.duty::pg_catalog.text, g.organisation_id, o.kind::pg_catalog.text "
							 "FROM safeguard.duty_grant g "
							 "JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) g.organisation_id "
							 "WHERE g.role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
							 "AND g.revoked_at IS NULL",
							 1, types, values, NULL);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *duty = TextDatumGetCString(SPI_getbinval(tup, desc, 1, &isnull));
		char	   *kind = TextDatumGetCString(SPI_getbinval(tup, desc, 3, &isnull));
		SgDuty		d;
		SgOrgKind	k;

		if (!sg_duty_parse(duty, &d) || !sg_org_kind_parse(kind, &k))
			elog(ERROR, "safeguard: unknown duty \"%s\" or kind \"%s\"", duty, kind);
		a->duties |= SG_DUTY_BIT(d);
		a->org_id = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		a->org_kind = k;
	}
	sg_spi_finish();
}

/*
 * The grants cache: each role's active grants (an SgActor), kept across
 * statements and transactions.  grants_relcache_callback bumps
 * grants_generation on a relcache invalidation of safeguard.duty_grant (or of
 * every relation); the cache is emptied lazily, at its next use, so the
 * callback, which may run inside any lock acquisition, frees nothing.  A
 * role's grants loaded while an invalidation arrived are used once and not
 * kept: the load may have read the grants as they were before the change.
 */
typedef struct ActorEntry
{
	Oid			userid;			/* hash key */
	SgActor		actor;
} ActorEntry;

static HTAB *actor_cache = NULL;
static MemoryContext actor_cxt = NULL;
static uint64 grants_generation = 0;	/* bumped by the relcache callback */
static uint64 actor_cache_generation = 0;	/* the generation actor_cache holds */
static Oid	grants_relid = InvalidOid;	/* safeguard.duty_grant, once looked up */

/* Drops every role's cached grants when duty_grant (or everything) is invalidated. */
static void
grants_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == grants_relid)
	{
		grants_generation++;
		/* looked up again at the next load: DROP and CREATE EXTENSION make a new table */
		grants_relid = InvalidOid;
	}
}

/*
 * Returns the grants cache, emptied when an invalidation arrived since it
 * was last filled; registers the callback on first use.
 */
static HTAB *
actor_cache_get(void)
{
	if (actor_cache == NULL || actor_cache_generation != grants_generation)
	{
		HASHCTL		ctl;

		if (actor_cxt == NULL)
		{
			CacheRegisterRelcacheCallback(grants_relcache_callback, (Datum) 0);
			actor_cxt = AllocSetContextCreate(CacheMemoryContext, "safeguard grants cache",
											  ALLOCSET_SMALL_SIZES);
		}
		else
			MemoryContextReset(actor_cxt);
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(ActorEntry);
		ctl.hcxt = actor_cxt;
		actor_cache = hash_create("safeguard grants cache", 64, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		actor_cache_generation = grants_generation;
	}
	return actor_cache;
}

/*
 * Returns the acting role's active grants.  The first call of each
 * statement processes the invalidations pending: a statement that takes no
 * lock it does not already hold (the next UPDATE of a transaction that made
 * one) would otherwise not hear of a revoke committed since.
 */
const SgActor *
sg_current_actor(void)
{
	static SgActor current;
	static Oid	current_user = InvalidOid;
	static uint64 current_generation = 0;
	static TimestampTz last_stmt = 0;
	static LocalTransactionId last_lxid = InvalidLocalTransactionId;
	Oid			userid = sg_acting_userid();
	TimestampTz stmt = GetCurrentStatementStartTimestamp();
	ActorEntry *e;
	bool		found;
	uint64		start_generation;

	sg_require_transaction_role();	/* a pool's login acts only through SET LOCAL ROLE */
	if (stmt != last_stmt || MyProc->lxid != last_lxid)
	{
		last_stmt = stmt;
		last_lxid = MyProc->lxid;
		AcceptInvalidationMessages();
	}
	if (userid == current_user && current_generation == grants_generation)
		return &current;

	current_user = InvalidOid;	/* stays invalid if loading fails */
	e = hash_search(actor_cache_get(), &userid, HASH_FIND, &found);
	if (found)
		current = e->actor;
	else
	{
		start_generation = grants_generation;
		if (!OidIsValid(grants_relid))
			grants_relid = get_relname_relid("duty_grant", get_namespace_oid("safeguard", false));
		load_actor(userid, &current);
		/* an invalidation that arrived while loading: use these grants once, keep none */
		if (grants_generation != start_generation)
			return &current;
		e = hash_search(actor_cache_get(), &userid, HASH_ENTER, &found);
		e->actor = current;
	}
	current_user = userid;
	current_generation = grants_generation;
	return &current;
}

/* Returns true when the actor holds duty d. */
bool
sg_actor_has(const SgActor *a, SgDuty d)
{
	return (a->duties & SG_DUTY_BIT(d)) != 0;
}

/* Describes one permit for a message: "safeguard_x acting for the regulator". */
static void
describe_permit(StringInfo buf, const SgPermit *p)
{
	appendStringInfo(buf, "safeguard_%s acting for %s", sg_duty_name(p->duty),
					 p->org == SG_ACT_FOR_REGULATOR ? "the regulator" :
					 p->org == SG_ACT_FOR_RECIPIENT_LA ? "the recipient local authority" :
					 "an organisation");
}

/* Describes what the actor holds: "inspector, contact_centre for organisation 3". */
static void
describe_actor(StringInfo buf, const SgActor *a)
{
	bool		any = false;

	for (int d = 0; d < SG_NDUTIES; d++)
	{
		if (!(a->duties & SG_DUTY_BIT(d)))
			continue;
		appendStringInfo(buf, "%s%s", any ? ", " : "", sg_duty_name((SgDuty) d));
		any = true;
	}
	if (any)
		appendStringInfo(buf, " for organisation " INT64_FORMAT " (%s)",
						 a->org_id, sg_org_kind_name(a->org_kind));
	else
		appendStringInfoString(buf, "no duty");
}

/* Raises 42501 for an action the actor may not take, naming the duties required. */
static void
permission_denied(const SgActor *a, const SgPermit *permits, int npermits, const char *action)
{
	StringInfoData need;
	StringInfoData held;

	initStringInfo(&need);
	for (int i = 0; i < npermits; i++)
	{
		if (i > 0)
			appendStringInfoString(&need, " or ");
		describe_permit(&need, &permits[i]);
	}
	initStringInfo(&held);
	describe_actor(&held, a);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s", action),
			 errdetail("Requires duty %s; role \"%s\" holds %s.",
					   need.data, role_name(a->userid), held.data),
			 errhint("Only a role granted that duty with safeguard.grant_duty() may do this.")));
}

/* Raises 42501 unless the actor holds one of the action's permits (actions.c); returns the duty used. */
SgDuty
sg_require_action(const SgActor *a, const char *name, int64 org_id)
{
	const SgAction *act = sg_action_find(name);

	if (act == NULL)
		elog(ERROR, "safeguard: unknown action \"%s\"", name);
	return sg_require_permit(a, act->permits, act->npermits, org_id, act->description);
}

/*
 * SQL: require_duty(action text) -> void.  The first statement of every
 * SQL workflow function: raises 42501, naming the duty required and what
 * the role holds, when the caller holds no duty that could take the action
 * (for any record), before the function's statement meets PostgreSQL's
 * table privileges, which would refuse without saying why.  action is an
 * action of actions.c, or "referral:<state>" / "provider_enquiry:<stage>"
 * (or "la_enquiry:<state>", "caused_enquiry:<state>") for the transitions into a state; "a|b" accepts the duties of either.
 * Which record, and for which organisation, is then decided by the table's
 * guard trigger.
 */
Datum
sg_require_duty(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();
	SgPermit	permits[SG_NDUTIES * 4];
	int			n = 0;
	const char *description = NULL;
	char	   *rest;
	char	   *action;

	if (PG_ARGISNULL(0))
		PG_RETURN_VOID();
	rest = text_to_cstring(PG_GETARG_TEXT_PP(0));
	while ((action = strsep(&rest, "|")) != NULL)
	{
		const SgMachine *m = NULL;
		const char *state = NULL;

		if (strncmp(action, "referral:", 9) == 0)
			m = &sg_referral_machine, state = action + 9;
		else if (strncmp(action, "provider_enquiry:", 17) == 0)
			m = &sg_enquiry_machine, state = action + 17;
		else if (strncmp(action, "la_enquiry:", 11) == 0)
			m = &sg_la_enquiry_machine, state = action + 11;
		else if (strncmp(action, "caused_enquiry:", 15) == 0)
			m = &sg_caused_enquiry_machine, state = action + 15;
		if (m)
		{
			int			to;
			int			before = n;

			if (!sg_fsm_state_parse(m, state, &to))
				elog(ERROR, "safeguard: unknown %s state \"%s\"", m->name, state);
			for (int t = 0; t < m->ntransitions; t++)
				for (int p = 0; p < m->transitions[t].npermits && n < lengthof(permits); p++)
					if (m->transitions[t].to == to)
						permits[n++] = m->transitions[t].permits[p];
			/* a state only safeguard moves to: its guard explains */
			if (n == before)
				PG_RETURN_VOID();
			if (description == NULL)
				description = psprintf("move a %s to %s", m->name, state);
		}
		else
		{
			const SgAction *act = sg_action_find(action);

			if (act == NULL)
				elog(ERROR, "safeguard: unknown action \"%s\"", action);
			for (int p = 0; p < act->npermits && n < lengthof(permits); p++)
				permits[n++] = act->permits[p];
			if (description == NULL)
				description = act->description;
		}
	}
	if (n > 0 && !sg_permits_duty_held(permits, n, a->duties, a->org_kind))
		permission_denied(a, permits, n, description);
	PG_RETURN_VOID();
}

/*
 * Raises 42501 unless the actor holds one of the permits; la_id is the
 * recipient local authority for SG_ACT_FOR_RECIPIENT_LA.  Returns the duty
 * that authorised the action.
 */
SgDuty
sg_require_permit(const SgActor *a, const SgPermit *permits, int npermits,
				  int64 la_id, const char *action)
{
	for (int i = 0; i < npermits; i++)
	{
		const SgPermit *p = &permits[i];
		bool		org_ok;

		if (!sg_actor_has(a, p->duty))
			continue;
		switch (p->org)
		{
			case SG_ACT_FOR_REGULATOR:
				org_ok = a->org_kind == SG_ORG_REGULATOR;
				break;
			case SG_ACT_FOR_RECIPIENT_LA:
				org_ok = a->org_id == la_id;
				break;
			default:
				org_ok = a->org_id != 0;
				break;
		}
		if (org_ok)
			return p->duty;
	}
	permission_denied(a, permits, npermits, action);
	pg_unreachable();
}

/* Raises 42501 unless the caller is a superuser or holds the admin duty. */
void
sg_require_admin(const char *action)
{
	static const SgPermit admin = {SG_DUTY_ADMIN, SG_ACT_FOR_ANY};

	if (superuser_arg(sg_acting_userid()))
		return;
	sg_require_permit(sg_current_actor(), &admin, 1, 0, action);
}

/* Returns true when the actor administers nationally: the admin duty acting for the regulator. */
bool
sg_actor_is_national_admin(const SgActor *a)
{
	return sg_actor_has(a, SG_DUTY_ADMIN) && a->org_kind == SG_ORG_REGULATOR;
}

/*
 * Raises 42501 unless the caller may administer organisation org_id: a
 * superuser, an administrator acting for the regulator (who administers
 * every organisation), or an administrator acting for org_id itself.  An
 * administrator of a local authority administers that authority only.
 */
void
sg_require_admin_for(int64 org_id, const char *action)
{
	const SgActor *a;
	StringInfoData held;

	if (superuser_arg(sg_acting_userid()))
		return;
	a = sg_current_actor();
	if (sg_actor_is_national_admin(a) ||
		(sg_actor_has(a, SG_DUTY_ADMIN) && a->org_id == org_id))
		return;
	initStringInfo(&held);
	describe_actor(&held, a);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s", action),
			 errdetail("Requires duty safeguard_admin acting for the regulator or for organisation " INT64_FORMAT "; role \"%s\" holds %s.",
					   org_id, role_name(a->userid), held.data),
			 errhint("Administration is scoped to the administrator's organisation; ask an administrator of that organisation or of the regulator.")));
}

/*
 * Raises 42501 unless the caller administers nationally: a superuser or an
 * administrator acting for the regulator.  For what belongs to no single
 * organisation (the national calendar, the default deadline policy, the
 * pseudonym key, the register of organisations).
 */
void
sg_require_national_admin(const char *action)
{
	static const SgPermit national = {SG_DUTY_ADMIN, SG_ACT_FOR_REGULATOR};

	if (superuser_arg(sg_acting_userid()))
		return;
	sg_require_permit(sg_current_actor(), &national, 1, 0, action);
}

/* Returns an organisation's kind; raises SG210 when it does not exist. */
SgOrgKind
sg_organisation_kind(int64 org_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(org_id)};
	SgOrgKind	k = SG_ORG_OTHER;
	bool		found;

	sg_spi_connect();
	sg_exec_internal("SELECT kind::pg_catalog.text FROM safeguard.organisation "
					 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values, NULL);
	found = SPI_processed == 1;
	if (found)
	{
		bool		isnull;
		char	   *kind = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0],
															 SPI_tuptable->tupdesc, 1, &isnull));

		sg_org_kind_parse(kind, &k);
	}
	sg_spi_finish();
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("organisation " INT64_FORMAT " does not exist", org_id),
				 errhint("Organisations are rows of safeguard.organisation.")));
	return k;
}

/* Returns an organisation's bank-holiday division (palloc'd in the caller's context). */
char *
sg_organisation_division(int64 org_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(org_id)};
	char	   *result = NULL;

	sg_spi_connect();
	sg_exec_internal("SELECT division FROM safeguard.organisation "
					 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values, NULL);
	if (SPI_processed == 1)
		result = sg_spi_text(0, 1);
	sg_spi_finish();
	if (result == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("organisation " INT64_FORMAT " does not exist", org_id),
				 errhint("Organisations are rows of safeguard.organisation.")));
	return result;
}

/* Returns the duty named by an enum datum. */
static SgDuty
duty_from_datum(Datum v)
{
	char	   *name = DatumGetCString(DirectFunctionCall1(enum_out, v));
	SgDuty		d;

	if (!sg_duty_parse(name, &d))
		elog(ERROR, "safeguard: unknown duty \"%s\"", name);
	return d;
}

/*
 * SQL: grant_duty(role regrole, duty safeguard.duty, organisation_id bigint)
 * -> bigint.  Records the grant and makes the role a member of the duty's
 * NOLOGIN role (which opens the table privileges that duty needs).
 */
Datum
sg_grant_duty(PG_FUNCTION_ARGS)
{
	Oid			role;
	SgDuty		duty;
	int64		org_id;
	SgOrgKind	kind;
	Oid			types[6] = {OIDOID, TEXTOID, INT8OID, TIMESTAMPTZOID, OIDOID, TEXTOID};
	Datum		values[6];
	char		nulls[6] = "      ";
	char	   *team = NULL;
	int64		grant_id;
	int64		other_org = 0;
	bool		isnull;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("role, duty and organisation are all required"),
				 errhint("Call safeguard.grant_duty('login_role', 'inspector', organisation_id).")));
	role = PG_GETARG_OID(0);
	duty = duty_from_datum(PG_GETARG_DATUM(1));
	org_id = PG_GETARG_INT64(2);
	/* grant_duty(role, duty, organisation, team): from version 1.1 */
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		team = text_to_cstring(PG_GETARG_TEXT_PP(3));
		if (!sg_text_present(team, strlen(team)))
			ereport(ERROR,
					(errcode(ERRCODE_SG_REQUIRED_FIELD),
					 errmsg("a team name cannot be blank"),
					 errhint("Give the team's name, or leave team out (NULL).")));
	}

	sg_require_admin_for(org_id, "grant duties");
	kind = sg_organisation_kind(org_id);
	if ((duty_org_kinds[duty] & KIND_BIT(kind)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_DUTY_GRANT_CONFLICT),
				 errmsg("duty %s cannot act for a %s", sg_duty_name(duty),
						sg_org_kind_name(kind)),
				 errdetail("Organisation " INT64_FORMAT " is a %s.", org_id,
						   sg_org_kind_name(kind)),
				 errhint("Contact centre and inspector duties act for the regulator; local authority duties for a local authority; the provider duty for a provider.")));

	sg_spi_connect();
	values[0] = ObjectIdGetDatum(role);
	values[1] = CStringGetTextDatum(sg_duty_name(duty));
	sg_exec_internal("SELECT organisation_id, duty::pg_catalog.text OPERATOR(pg_catalog.=) $2 "
					 "FROM safeguard.duty_grant "
					 "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND revoked_at IS NULL",
					 2, types, values, NULL);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		int64		o = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
													SPI_tuptable->tupdesc, 1, &isnull));
		bool		same_duty = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i],
														   SPI_tuptable->tupdesc, 2, &isnull));

		if (o != org_id)
			other_org = o;
		else if (same_duty)
			ereport(ERROR,
					(errcode(ERRCODE_SG_DUTY_GRANT_CONFLICT),
					 errmsg("role \"%s\" already holds duty %s for organisation " INT64_FORMAT,
							role_name(role), sg_duty_name(duty), org_id),
					 errhint("Nothing to do; revoke_duty() ends a grant.")));
	}
	if (other_org != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_DUTY_GRANT_CONFLICT),
				 errmsg("role \"%s\" already acts for organisation " INT64_FORMAT,
						role_name(role), other_org),
				 errdetail("A role acts for one organisation; this grant is for organisation " INT64_FORMAT ".",
						   org_id),
				 errhint("Use a separate login role per organisation, or revoke the existing grants first.")));

	values[2] = Int64GetDatum(org_id);
	values[3] = TimestampTzGetDatum(sg_now());
	values[4] = ObjectIdGetDatum(sg_acting_userid());
	if (PG_NARGS() > 3)
	{
		values[5] = team ? CStringGetTextDatum(team) : (Datum) 0;
		nulls[5] = team ? ' ' : 'n';
		sg_spi_exec_expect("INSERT INTO safeguard.duty_grant "
						   "(role, duty, organisation_id, granted_at, granted_by, team) "
						   "VALUES ($1::pg_catalog.regrole, $2::safeguard.duty, $3, $4, $5::pg_catalog.regrole, $6) "
						   "RETURNING id", 6, types, values, nulls, 1);
	}
	else
		sg_spi_exec_expect("INSERT INTO safeguard.duty_grant "
						   "(role, duty, organisation_id, granted_at, granted_by) "
						   "VALUES ($1::pg_catalog.regrole, $2::safeguard.duty, $3, $4, $5::pg_catalog.regrole) "
						   "RETURNING id", 5, types, values, NULL, 1);
	grant_id = sg_spi_int64(0, 1, 0);

	if (!is_member_of_role_nosuper(role, get_role_oid(duty_role_name(duty), false)))
		set_duty_membership(true, duty, role);
	sg_spi_finish();
	PG_RETURN_INT64(grant_id);
}

/*
 * SQL: revoke_duty(role regrole, duty safeguard.duty) -> boolean.  Ends the
 * grant (the row stays as history) and the role membership.
 */
Datum
sg_revoke_duty(PG_FUNCTION_ARGS)
{
	Oid			role;
	SgDuty		duty;
	Oid			types[4] = {OIDOID, TEXTOID, TIMESTAMPTZOID, OIDOID};
	Datum		values[4];
	uint64		n;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("role and duty are required"),
				 errhint("Call safeguard.revoke_duty('login_role', 'inspector').")));
	role = PG_GETARG_OID(0);
	duty = duty_from_datum(PG_GETARG_DATUM(1));
	sg_require_admin("revoke duties");

	values[0] = ObjectIdGetDatum(role);
	values[1] = CStringGetTextDatum(sg_duty_name(duty));
	values[2] = TimestampTzGetDatum(sg_now());
	values[3] = ObjectIdGetDatum(sg_acting_userid());
	sg_spi_connect();
	/* the grant's organisation decides who may end it */
	if (sg_query_internal_latest("SELECT organisation_id FROM safeguard.duty_grant "
								 "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
								 "AND duty OPERATOR(pg_catalog.=) $2::safeguard.duty "
								 "AND revoked_at IS NULL", 2, types, values, NULL) == 1)
	{

		sg_require_admin_for(sg_spi_int64(0, 1, 0),
							 "revoke duties");
	}
	n = sg_exec_internal("UPDATE safeguard.duty_grant SET revoked_at = $3, "
						 "revoked_by = $4::pg_catalog.regrole "
						 "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
						 "AND duty OPERATOR(pg_catalog.=) $2::safeguard.duty "
						 "AND revoked_at IS NULL", 4, types, values, NULL);
	if (n > 0)
		set_duty_membership(false, duty, role);
	sg_spi_finish();
	PG_RETURN_BOOL(n > 0);
}

/* SQL: current_organisation() -> bigint: the organisation the current role acts for. */
Datum
sg_current_organisation(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();

	if (a->org_id == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT64(a->org_id);
}

/* SQL: current_duties() -> text[]: the duties the current role holds. */
Datum
sg_current_duties(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();
	Datum		elems[SG_NDUTIES];
	int			n = 0;

	for (int d = 0; d < SG_NDUTIES; d++)
		if (a->duties & SG_DUTY_BIT(d))
			elems[n++] = CStringGetTextDatum(sg_duty_name((SgDuty) d));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * SQL: may_see_la(la_id bigint) -> boolean: the row-level security predicate
 * for casework.  The regulator's contact centre, inspectors and
 * administrators see every local authority's casework; local authority
 * staff see their own authority's; everyone else (providers, readers,
 * auditors, roles without a duty) sees none.
 */
Datum
sg_may_see_la(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(sg_actor_may_see_la(sg_current_actor(), PG_GETARG_INT64(0)));
}

/*
 * Returns true when the actor oversees every local authority's casework:
 * the regulator's contact centre, inspectors and administrators.
 */
bool
sg_actor_sees_every_la(const SgActor *a)
{
	return (a->duties & REGULATOR_CASEWORK_DUTIES) && a->org_kind == SG_ORG_REGULATOR;
}

/* Returns true when the actor may see casework of the local authority la_id. */
bool
sg_actor_may_see_la(const SgActor *a, int64 la_id)
{
	/* the regulator's staff, its administrators included, oversee every authority */
	if (sg_actor_sees_every_la(a))
		return true;
	/* an authority's own staff and administrators, that authority only */
	if ((a->duties & (LA_CASEWORK_DUTIES | SG_DUTY_BIT(SG_DUTY_ADMIN))) &&
		a->org_kind == SG_ORG_LOCAL_AUTHORITY)
		return a->org_id == la_id;
	return false;
}

/*
 * SQL: may_report_on(la_id bigint) -> boolean: the row-level security
 * predicate of the reporting duty.  A reader sees what its organisation
 * oversees: at the regulator every local authority, at a local authority
 * its own.  sac_return() filters by it too, so (as for row-level security)
 * superusers and BYPASSRLS roles see every authority.  Column privileges keep identifying columns from readers; this
 * predicate only scopes rows.
 */
Datum
sg_may_report_on(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	/* as row-level security does: roles that bypass it see every authority */
	if (superuser_arg(a->userid) || has_bypassrls_privilege(a->userid))
		PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(sg_actor_may_report_on(a, PG_GETARG_INT64(0)));
}

/* Returns true when the actor may see reports on the local authority la_id. */
bool
sg_actor_may_report_on(const SgActor *a, int64 la_id)
{
	if (sg_actor_may_see_la(a, la_id))
		return true;
	if (!sg_actor_has(a, SG_DUTY_READER))
		return false;
	if (a->org_kind == SG_ORG_REGULATOR)
		return true;
	return a->org_kind == SG_ORG_LOCAL_AUTHORITY && a->org_id == la_id;
}

/*
 * Returns true when a role holds, now, one of the duties in the mask for the
 * organisation (read as the table owner, latest committed grants).
 */
bool
sg_role_holds_duty_for(Oid role, uint32 duties, int64 org_id)
{
	Oid			types[3] = {OIDOID, INT8OID, TEXTARRAYOID};
	Datum		values[3];
	Datum	   *names = palloc(sizeof(Datum) * SG_NDUTIES);
	int			n = 0;
	bool		found;

	for (int d = 0; d < SG_NDUTIES; d++)
		if (duties & SG_DUTY_BIT(d))
			names[n++] = CStringGetTextDatum(sg_duty_name((SgDuty) d));
	values[0] = ObjectIdGetDatum(role);
	values[1] = Int64GetDatum(org_id);
	values[2] = PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
	sg_spi_connect();
	sg_query_internal_latest("SELECT 1 FROM safeguard.duty_grant "
							 "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
							 "AND organisation_id OPERATOR(pg_catalog.=) $2 "
							 "AND duty::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($3) "
							 "AND revoked_at IS NULL", 3, types, values, NULL);
	found = SPI_processed > 0;
	sg_spi_finish();
	return found;
}

/* Returns the team of a role's active grant of a duty (palloc'd), or NULL. */
char *
sg_role_team(Oid role, SgDuty duty)
{
	Oid			types[2] = {OIDOID, TEXTOID};
	Datum		values[2] = {ObjectIdGetDatum(role), CStringGetTextDatum(sg_duty_name(duty))};
	char	   *team = NULL;

	sg_spi_connect();
	sg_exec_internal("SELECT team FROM safeguard.duty_grant "
					 "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
					 "AND duty::pg_catalog.text OPERATOR(pg_catalog.=) $2 AND revoked_at IS NULL",
					 2, types, values, NULL);
	if (SPI_processed == 1)
		team = sg_spi_output(0, 1);
	sg_spi_finish();
	return team;
}

/*
 * Trigger: organisations are maintained by administrators; a provider
 * location belongs to a provider and lies in a local authority area; only
 * locations have those links.  Organisations are never deleted (casework
 * and audit refer to them).
 */
Datum
sg_organisation_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "organisation_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup;
	char	   *kind_name;
	char	   *name;
	SgOrgKind	kind;
	int64		parent,
				la;
	bool		isnull;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("organisations", "deleted",
						 "Keep the organisation; casework and the audit trail refer to it.");
	if (sg_internal_writing())
		return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple);

	/*
	 * The register of organisations is national: only an administrator of
	 * the regulator adds to it.  An organisation's own administrator may
	 * keep its row up to date (its senior contact), nobody else's.
	 */
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		sg_require_admin_for(sg_get_int64(td->tg_trigtuple, desc, "id"), "maintain organisations");
	else
		sg_require_national_admin("add organisations");

	tup = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	kind_name = sg_require_label(tup, desc, "kind", "an organisation's kind",
								 "Say what the organisation is, e.g. local_authority or provider.");
	name = sg_get_cstring(tup, desc, "name");
	if (!sg_org_kind_parse(kind_name, &kind))
		elog(ERROR, "safeguard: unknown organisation kind \"%s\"", kind_name);
	if (name == NULL || !sg_text_present(name, strlen(name)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("an organisation needs a name"),
				 errhint("Give the organisation's name as published.")));
	parent = sg_get_int64(tup, desc, "parent_id");
	la = sg_get_int64(tup, desc, "la_id");
	if (kind == SG_ORG_PROVIDER_LOCATION)
	{
		if (parent == 0 || sg_organisation_kind(parent) != SG_ORG_PROVIDER)
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_ORGANISATION),
					 errmsg("provider location \"%s\" must belong to a provider", name),
					 errdetail("parent_id is " INT64_FORMAT ".", parent),
					 errhint("Set parent_id to the provider's organisation id.")));
		if (la == 0 || sg_organisation_kind(la) != SG_ORG_LOCAL_AUTHORITY)
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_ORGANISATION),
					 errmsg("provider location \"%s\" must lie in a local authority area", name),
					 errdetail("la_id is " INT64_FORMAT ".", la),
					 errhint("Set la_id to the local authority's organisation id.")));
	}
	else if (parent != 0 || la != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("only a provider location has a parent provider and a local authority area"),
				 errdetail("\"%s\" is a %s.", name, sg_org_kind_name(kind)),
				 errhint("Leave parent_id and la_id empty.")));
	sg_check_organisation_codes(tup, desc, kind == SG_ORG_LOCAL_AUTHORITY, name);
	/* from 1.5: only a local authority receives referrals (referral_arrival.c) */
	if (kind != SG_ORG_LOCAL_AUTHORITY && sg_has_column(desc, "receives_referrals_as_concerns") &&
		DatumGetBool(sg_get(tup, desc, "receives_referrals_as_concerns", &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("only a local authority receives referrals as concerns"),
				 errdetail("\"%s\" is a %s.", name, sg_org_kind_name(kind)),
				 errhint("Leave receives_referrals_as_concerns false.")));
	return PointerGetDatum(tup);
}

/* Duties that read administrative records: the grants, the audit trail. */
#define OVERSIGHT_DUTIES (SG_DUTY_BIT(SG_DUTY_ADMIN) | SG_DUTY_BIT(SG_DUTY_AUDITOR))

/*
 * Returns true when the actor oversees organisation org_id's administrative
 * records: an administrator or auditor of the regulator (every
 * organisation), or of org_id itself.
 */
bool
sg_actor_oversees(const SgActor *a, int64 org_id)
{
	if (!(a->duties & OVERSIGHT_DUTIES))
		return false;
	return a->org_kind == SG_ORG_REGULATOR || (org_id != 0 && a->org_id == org_id);
}

/*
 * SQL: oversees_organisation(org_id bigint) -> boolean: the row-level
 * security predicate of duty_grant (and of the pool logins): administrators
 * and auditors of the regulator see every organisation's grants, those of
 * an authority its own.
 */
Datum
sg_oversees_organisation(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(sg_actor_oversees(sg_current_actor(), PG_GETARG_INT64(0)));
}

/* One organisation a case or enquiry belongs to, cached for a statement. */
typedef struct OwnerEntry
{
	int64		key;			/* case id, or minus the enquiry id */
	int64		org_id;
} OwnerEntry;

/* Returns the local authority of a case (key > 0) or of an enquiry (-key), cached per statement. */
static int64
record_authority(int64 key)
{
	static HTAB *cache = NULL;
	static MemoryContext cxt = NULL;
	static LocalTransactionId lxid = InvalidLocalTransactionId;
	static TimestampTz stmt = 0;
	OwnerEntry *e;
	bool		found;

	if (cache == NULL || lxid != MyProc->lxid || stmt != GetCurrentStatementStartTimestamp())
	{
		HASHCTL		ctl;

		if (cxt == NULL)
			cxt = AllocSetContextCreate(TopMemoryContext, "safeguard audit owners", ALLOCSET_SMALL_SIZES);
		else
			MemoryContextReset(cxt);
		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(OwnerEntry);
		ctl.hcxt = cxt;
		cache = hash_create("safeguard audit owners", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		lxid = MyProc->lxid;
		stmt = GetCurrentStatementStartTimestamp();
	}
	e = hash_search(cache, &key, HASH_ENTER, &found);
	if (!found)
	{
		Oid			types[1] = {INT8OID};
		Datum		values[1] = {Int64GetDatum(key > 0 ? key : -key)};

		e->org_id = 0;
		sg_spi_connect();
		if (sg_exec_internal(key > 0 ?
							 "SELECT la_id FROM safeguard.safeguarding_case WHERE id OPERATOR(pg_catalog.=) $1" :
							 "SELECT la_id FROM safeguard.provider_enquiry WHERE id OPERATOR(pg_catalog.=) $1",
							 1, types, values, NULL) == 1)
		{
			bool		isnull;
			Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

			e->org_id = isnull ? 0 : DatumGetInt64(v);
		}
		sg_spi_finish();
	}
	return e->org_id;
}

/*
 * SQL: may_read_audit(case_id bigint, chain_key text, organisation_id
 * bigint) -> boolean: the row-level security predicate of audit_event.  An
 * administrator or auditor of the regulator reads the whole trail; one of a
 * local authority reads the rows of that authority's cases and provider
 * enquiries and the rows its own staff wrote outside them (grants,
 * policies); nobody else reads any.  The verification functions read the
 * whole trail as safeguard's owner whoever calls them.
 */
Datum
sg_may_read_audit(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();

	if (!(a->duties & OVERSIGHT_DUTIES))
		PG_RETURN_BOOL(false);
	if (a->org_kind == SG_ORG_REGULATOR)
		PG_RETURN_BOOL(true);
	if (a->org_id == 0)
		PG_RETURN_BOOL(false);
	if (!PG_ARGISNULL(0))
		PG_RETURN_BOOL(record_authority(PG_GETARG_INT64(0)) == a->org_id);
	if (!PG_ARGISNULL(1))
	{
		char	   *chain = text_to_cstring(PG_GETARG_TEXT_PP(1));

		if (strncmp(chain, "enquiry:", 8) == 0)
			PG_RETURN_BOOL(record_authority(-strtoi64(chain + 8, NULL, 10)) == a->org_id);
	}
	PG_RETURN_BOOL(!PG_ARGISNULL(2) && PG_GETARG_INT64(2) == a->org_id);
}
