/*
 * outbox_access.c
 *		The outbox: writing a notification (a deadline's rung, an audit's
 *		findings) with its empty NOTIFY, and who reads it: the row-level
 *		security predicate of safeguard.outbox.
 *
 * Owns sg_outbox_write(), safeguard.may_consume_outbox(organisation_id),
 * and the consumer's two calls: claim_outbox(max_rows) and
 * mark_delivered(ids).
 *
 * Why: the NOTIFY that wakes consumers reaches every login role that
 * LISTENs (PostgreSQL cannot restrict LISTEN), so since 1.4 it carries no
 * payload at all; what a notification says (deadline, case, subject,
 * contact) is read from the outbox, under this predicate.
 *
 * The rule (superusers and BYPASSRLS roles bypass row-level security
 * anyway):
 *	- only the admin duty and, since 1.5, the integration duty consume
 *	  (only safeguard_admin and safeguard_integration have SELECT and
 *	  UPDATE on the outbox); the integration duty is an application's: it
 *	  consumes exactly what an administrator of the same organisation
 *	  consumes, and may do nothing else (no casework table, no workflow
 *	  function);
 *	- an administrator (or integration) of the regulator consumes every organisation's
 *	  notifications (the regulator oversees every authority and escalates
 *	  nationally);
 *	- an administrator (or integration) of any other organisation consumes that
 *	  organisation's own: administration is scoped to the administrator's
 *	  organisation (issue 14, item 10), and these are the deadlines it must
 *	  meet, with its own named senior contact;
 *	- nobody else, whatever their SQL privileges (pg_read_all_data,
 *	  pg_write_all_data, a hand-made GRANT): a row an outbox consumer
 *	  cannot see, it cannot lock, mark delivered or learn exists.
 * Rows with no organisation (none are written today) are the regulator's.
 *
 * claim_outbox and mark_delivered run as the caller (SECURITY INVOKER), so
 * the predicate above decides every row they lock or mark; the row locks
 * a claim takes (FOR UPDATE SKIP LOCKED) are the caller's own, held until
 * its transaction ends: two consumers never claim the same row.
 */
#include "postgres.h"

#include "outbox.h"
#include "safeguard.h"
#include "sg_errcodes.h"
#include "spi_util.h"

#include "catalog/pg_type.h"
#include "commands/async.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(sg_may_consume_outbox);
PG_FUNCTION_INFO_V1(sg_claim_outbox);
PG_FUNCTION_INFO_V1(sg_mark_delivered);

/*
 * Writes one notification (a JSON object naming its organisation_id) to the
 * outbox as safeguard, in the caller's transaction, and announces it with an
 * empty NOTIFY on safeguard_deadline: any login role may LISTEN, so the
 * notification itself says nothing (identical ones of a transaction are
 * delivered once); what it is about is read from the outbox, under
 * row-level security.
 */
void
sg_outbox_write(const char *payload, TimestampTz created_at)
{
	Oid			types[2] = {TEXTOID, TIMESTAMPTZOID};
	Datum		values[2] = {CStringGetTextDatum(payload), TimestampTzGetDatum(created_at)};

	sg_spi_connect();
	sg_exec_internal("INSERT INTO safeguard.outbox (channel, payload, created_at) "
					 "VALUES ('safeguard_deadline', $1::pg_catalog.jsonb, $2)", 2, types, values, NULL);
	sg_spi_finish();
	Async_Notify("safeguard_deadline", "");
}

/* Duties that consume the outbox (the rows of which organisations: the banner). */
#define CONSUMER_DUTIES (SG_DUTY_BIT(SG_DUTY_ADMIN) | SG_DUTY_BIT(SG_DUTY_INTEGRATION))

/* SQL: may_consume_outbox(organisation_id bigint) -> boolean (see the banner). */
Datum
sg_may_consume_outbox(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();

	if ((a->duties & CONSUMER_DUTIES) == 0 || a->org_id == 0)
		PG_RETURN_BOOL(false);
	if (a->org_kind == SG_ORG_REGULATOR)
		PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(!PG_ARGISNULL(0) && PG_GETARG_INT64(0) == a->org_id);
}

/* Raises 42501 unless the caller is a superuser or holds a consumer duty for an organisation. */
static void
require_consumer(void)
{
	if (superuser_arg(sg_acting_userid()))
		return;
	(void) sg_require_action(sg_current_actor(), "consume_outbox", 0);
}

/*
 * SQL: claim_outbox(max_rows integer DEFAULT 100) -> SETOF safeguard.outbox.
 * Locks and returns up to max_rows undelivered notifications the caller may
 * consume, oldest first, skipping rows another consumer holds.
 */
Datum
sg_claim_outbox(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[1] = {INT4OID};
	Datum		values[1];
	int32		max_rows;
	Datum	   *v;
	bool	   *n;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NULL_ARGUMENT),
				 errmsg("max_rows is null"),
				 errdetail("claim_outbox claims at most max_rows notifications."),
				 errhint("Call safeguard.claim_outbox() for at most 100, or pass a positive number.")));
	max_rows = PG_GETARG_INT32(0);
	if (max_rows < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_rows must be positive"),
				 errdetail("max_rows is %d.", max_rows),
				 errhint("Pass the largest number of notifications to claim, 1 or more.")));
	require_consumer();
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	values[0] = Int32GetDatum(max_rows);
	sg_spi_connect();
	/* as the caller: row-level security chooses the rows, and the locks are the caller's */
	if (SPI_execute_with_args("SELECT o.* FROM safeguard.outbox o "
							  "WHERE o.delivered_at IS NULL ORDER BY o.id "
							  "LIMIT $1 FOR UPDATE SKIP LOCKED",
							  1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "claim_outbox: select failed");
	if (SPI_tuptable->tupdesc->natts != rsinfo->setDesc->natts)
		elog(ERROR, "claim_outbox: safeguard.outbox has %d columns, its row type %d",
			 SPI_tuptable->tupdesc->natts, rsinfo->setDesc->natts);
	v = palloc(sizeof(Datum) * rsinfo->setDesc->natts);
	n = palloc(sizeof(bool) * rsinfo->setDesc->natts);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, v, n);
		/* copies the row into the tuplestore's own memory */
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
	sg_spi_finish();
	return (Datum) 0;
}

/*
 * SQL: mark_delivered(ids bigint[]) -> integer.  Records delivery (when,
 * by whom) of the notifications ids, all of which the caller must be able
 * to consume; returns how many were newly marked (one already delivered is
 * left as it was, so a retried call is harmless).
 */
Datum
sg_mark_delivered(PG_FUNCTION_ARGS)
{
	Oid			types[2] = {INT8ARRAYOID, TEXTOID};
	Datum		values[2];
	uint64		n;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NULL_ARGUMENT),
				 errmsg("ids is null"),
				 errdetail("mark_delivered marks the notifications whose ids it is given."),
				 errhint("Pass the ids claim_outbox returned, as an array.")));
	require_consumer();
	values[0] = PG_GETARG_DATUM(0);
	values[1] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	sg_spi_connect();
	/*
	 * As the caller: an id it may not consume is, to it, an id that does not
	 * exist; both are refused alike, so the refusal tells nothing.
	 */
	if (SPI_execute_with_args("SELECT u.i, pg_catalog.count(*) OVER () FROM pg_catalog.unnest($1) AS u(i) "
							  "WHERE u.i IS NULL OR NOT EXISTS (SELECT FROM safeguard.outbox o "
							  "WHERE o.id OPERATOR(pg_catalog.=) u.i) "
							  "ORDER BY u.i NULLS FIRST LIMIT 1",
							  1, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "mark_delivered: select failed");
	if (SPI_processed > 0)
	{
		bool		isnull;
		Datum		first = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		int64		missing = sg_spi_int64(0, 2, 0);

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_SG_NULL_ARGUMENT),
					 errmsg("ids contains a null"),
					 errdetail("Every element of ids must be the id of a notification."),
					 errhint("Pass the ids claim_outbox returned, without nulls.")));
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("outbox notification " INT64_FORMAT " does not exist or is not visible to you",
						DatumGetInt64(first)),
				 errdetail(INT64_FORMAT " of the ids given are not notifications this role may consume; none was marked.",
						   missing),
				 errhint("Mark only the ids safeguard.claim_outbox() returned to this role.")));
	}
	if (SPI_execute_with_args("UPDATE safeguard.outbox SET delivered_at = pg_catalog.clock_timestamp(), "
							  "delivered_by = $2 WHERE id OPERATOR(pg_catalog.=) ANY ($1) "
							  "AND delivered_at IS NULL", 2, types, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "mark_delivered: update failed");
	n = SPI_processed;
	sg_spi_finish();
	PG_RETURN_INT32((int32) n);
}
