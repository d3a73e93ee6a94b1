/*
 * outbox_access.c
 *		Who reads the deadline notifications: the row-level security
 *		predicate of safeguard.outbox.
 *
 * Owns safeguard.may_consume_outbox(organisation_id).
 *
 * Why: the NOTIFY that wakes consumers reaches every login role that
 * LISTENs (PostgreSQL cannot restrict LISTEN), so since 1.4 it carries no
 * payload at all; what a notification says (deadline, case, subject,
 * contact) is read from the outbox, under this predicate.
 *
 * The rule (superusers and BYPASSRLS roles bypass row-level security
 * anyway):
 *	- only the admin duty consumes, as before 1.4 (only safeguard_admin has
 *	  SELECT and UPDATE on the outbox, and outbox_mark_delivered());
 *	- an administrator of the regulator consumes every organisation's
 *	  notifications (the regulator oversees every authority and escalates
 *	  nationally);
 *	- an administrator of any other organisation consumes that
 *	  organisation's own: administration is scoped to the administrator's
 *	  organisation (issue 14, item 10), and these are the deadlines it must
 *	  meet, with its own named senior contact;
 *	- nobody else, whatever their SQL privileges (pg_read_all_data,
 *	  pg_write_all_data, a hand-made GRANT): a row an outbox consumer
 *	  cannot see, it cannot lock, mark delivered or learn exists.
 * Rows with no organisation (none are written today) are the regulator's.
 */
#include "postgres.h"

#include "safeguard.h"

PG_FUNCTION_INFO_V1(sg_may_consume_outbox);

/* SQL: may_consume_outbox(organisation_id bigint) -> boolean (see the banner). */
Datum
sg_may_consume_outbox(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();

	if (!sg_actor_has(a, SG_DUTY_ADMIN) || a->org_id == 0)
		PG_RETURN_BOOL(false);
	if (a->org_kind == SG_ORG_REGULATOR)
		PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(!PG_ARGISNULL(0) && PG_GETARG_INT64(0) == a->org_id);
}
