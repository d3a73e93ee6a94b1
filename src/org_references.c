/*
 * org_references.c
 *		The organisations safeguard stamps on records (the "*_org_id"
 *		columns: for which organisation the acting role acted), and their
 *		verification.
 *
 * Owns safeguard.verify_organisation_references().
 *
 * Invariants:
 *	- A stamped organisation column is set by safeguard's guards from the
 *	  acting role's grant (sg_stamp: duty_grant.organisation_id, which keeps
 *	  its foreign key), or copied by safeguard from another stamped column;
 *	  never taken from what a client supplies.  So it names an organisation
 *	  that existed when the row was written.
 *	- Organisations are never deleted: organisation_guard refuses DELETE
 *	  (SG204) and refuse_truncate refuses TRUNCATE, for every role, the
 *	  table's owner and superusers included (pgTAP 31).  So since 1.5 the
 *	  stamped columns carry no foreign key: its per-row check, and the FOR
 *	  KEY SHARE lock it takes on the organisation's row (one row shared by
 *	  every officer of an authority), guarded against a deletion that cannot
 *	  happen.  Columns a client supplies (la_id, provider_id, ...) keep
 *	  theirs.
 *	- A superuser can still take the guard away (disable safeguard's event
 *	  triggers and the table's triggers, or edit the catalog) and delete an
 *	  organisation.  verify_organisation_references() then names every
 *	  stamped reference left without its organisation.
 */
#include "postgres.h"

#include "safeguard.h"
#include "spi_util.h"

#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(sg_verify_organisation_references);

/*
 * Every stamped organisation column without a foreign key: its table, the
 * column, and the column that identifies the row.  The install script drops
 * exactly these foreign keys (pgTAP 31 compares the two).
 */
static const struct
{
	const char *table;
	const char *column;
	const char *key;
}			stamped_org_columns[] = {
	{"caused_enquiry", "decided_org_id", "id"},
	{"caused_enquiry", "report_recorded_org_id", "id"},
	{"caused_enquiry", "requested_org_id", "id"},
	{"commissioning_decision", "decided_org_id", "id"},
	{"concern", "logged_org_id", "id"},
	{"concern_decision", "decided_org_id", "concern_id"},
	{"enquiry_meeting", "recorded_org_id", "id"},
	{"improvement_plan", "issued_org_id", "id"},
	{"improvement_plan", "responded_org_id", "id"},
	{"la_enquiry", "closed_org_id", "id"},
	{"la_enquiry", "concluded_org_id", "id"},
	{"la_enquiry", "started_org_id", "id"},
	{"la_enquiry_plan", "recorded_org_id", "id"},
	{"la_enquiry_plan_review", "recorded_org_id", "id"},
	{"la_enquiry_strategy", "recorded_org_id", "id"},
	{"provider_enquiry", "closed_org_id", "id"},
	{"provider_enquiry", "decided_org_id", "id"},
	{"provider_enquiry", "proposed_org_id", "id"},
	{"referral", "acknowledged_org_id", "id"},
	{"referral", "closed_org_id", "id"},
	{"referral", "decided_org_id", "id"},
	{"referral", "outcome_org_id", "id"},
	{"referral", "sent_org_id", "id"},
	{"referral", "withdrawn_org_id", "id"},
	{"sar_referral", "completed_org_id", "id"},
	{"sar_referral", "decided_org_id", "id"},
	{"sar_referral", "referred_org_id", "id"},
	{"triage", "decided_org_id", "concern_id"},
};

/*
 * Returns the query that finds every stamped reference to a missing
 * organisation, built once per backend from the constant list above (its
 * address keys the kept plan, so it is built only once).
 */
static const char *
dangling_query(void)
{
	static char *sql = NULL;
	StringInfoData q;

	if (sql != NULL)
		return sql;
	initStringInfo(&q);
	for (int i = 0; i < lengthof(stamped_org_columns); i++)
	{
		const char *t = quote_identifier(stamped_org_columns[i].table);
		const char *c = quote_identifier(stamped_org_columns[i].column);
		const char *k = quote_identifier(stamped_org_columns[i].key);

		appendStringInfo(&q, "%sSELECT %s::pg_catalog.text, %s::pg_catalog.text, x.%s, x.%s "
						 "FROM safeguard.%s x WHERE x.%s IS NOT NULL AND NOT EXISTS "
						 "(SELECT FROM safeguard.organisation o WHERE o.id OPERATOR(pg_catalog.=) x.%s)",
						 i > 0 ? " UNION ALL " : "",
						 quote_literal_cstr(stamped_org_columns[i].table),
						 quote_literal_cstr(stamped_org_columns[i].column), k, c, t, c, c);
	}
	appendStringInfoString(&q, " ORDER BY 1, 2, 3");
	sql = MemoryContextStrdup(TopMemoryContext, q.data);
	pfree(q.data);
	return sql;
}

/*
 * SQL: verify_organisation_references() -> every stamped organisation
 * column that names no organisation (table, column, row, organisation);
 * none unless a superuser deleted an organisation past its guard.  Reads as
 * the owner, every authority's rows.
 */
Datum
sg_verify_organisation_references(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext outer = CurrentMemoryContext;

	InitMaterializedSRF(fcinfo, 0);
	sg_spi_connect();
	sg_exec_internal(dangling_query(), 0, NULL, NULL, NULL);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Datum		values[4];
		bool		nulls[4];
		MemoryContext spi = MemoryContextSwitchTo(outer);

		for (int c = 0; c < 4; c++)
			values[c] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, c + 1, &nulls[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextSwitchTo(spi);
	}
	sg_spi_finish();
	return (Datum) 0;
}
