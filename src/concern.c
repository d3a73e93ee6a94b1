/*
 * concern.c
 *		Concerns and their triage: what must be recorded when a concern is
 *		received, how it joins an open case, and the decision that may turn
 *		it into a referral.
 *
 * Owns the triggers concern_guard (BEFORE), concern_after (AFTER INSERT),
 * triage_guard (BEFORE) and triage_after (AFTER INSERT), and the case
 * bookkeeping they share with referral.c.
 *
 * Invariants:
 *	- A concern is logged by the contact centre or an inspector acting for
 *	  the regulator, or an officer of the concern's local authority; it is
 *	  never updated or deleted.
 *	- Its referrer is identified (a name and at least one plausible contact
 *	  route) or explicitly anonymous; an NHS number passes its check digit
 *	  and is stored as ten digits.
 *	- safeguard, not the client, records who logged it, when, and which
 *	  case it joined: a concern about an adult (NHS number, else name and
 *	  date of birth) with an open case joins that case; a concern about an
 *	  unknown adult at a provider location joins that location's open case
 *	  for unknown adults (never a named resident's case); otherwise a case
 *	  is opened.  Concurrent concerns
 *	  about the same adult or location are serialised by a lock,
 *	  so they cannot open two cases.
 *	- A triage decision needs a rationale and the three s42(1) threshold
 *	  answers; it is final, and a concern its authority decided itself
 *	  (concern_decision, la_enquiry.c) takes no triage.  refer_to_la creates the referral in
 *	  awaiting_send and opens its send deadline.
 */
#include "postgres.h"

#include "actions.h"
#include "audit.h"
#include "concern.h"
#include "deadline.h"
#include "reporting.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"
#include "validate.h"

#include "calendar.h"
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/formatting.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_concern_guard);
PG_FUNCTION_INFO_V1(sg_concern_after);
PG_FUNCTION_INFO_V1(sg_triage_guard);
PG_FUNCTION_INFO_V1(sg_triage_after);

/* Returns true when a text column is present (non-null, not blank). */
static bool
text_present(const char *s)
{
	return s != NULL && sg_text_present(s, strlen(s));
}

/* Raises SG202 for a missing field. */
static void
missing(const char *what, const char *column, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_REQUIRED_FIELD),
			 errmsg("%s is required", what),
			 errdetail("Column %s is empty.", column),
			 errhint("%s", hint)));
}

/* Raises SG203 when a column safeguard records was supplied by the client. */
static void
refuse_supplied(HeapTuple tup, TupleDesc desc, const char *column)
{
	bool		isnull;
	Datum		v = sg_get(tup, desc, column, &isnull);
	Form_pg_attribute att = TupleDescAttr(desc, sg_attnum(desc, column) - 1);

	if (isnull)
		return;
	if (att->atttypid == BOOLOID && !DatumGetBool(v))
		return;					/* false is the default of the flags */
	ereport(ERROR,
			(errcode(ERRCODE_SG_FORGED_COLUMN),
			 errmsg("column %s is recorded by safeguard", column),
			 errdetail("The statement supplied a value for %s.", column),
			 errhint("Leave it out; safeguard fills it in.")));
}

/*
 * Serialises case linking for one adult or location at one authority until
 * the transaction ends.  The key names the authority: officers of different
 * authorities never wait for each other here (la_id 0: one key nationally,
 * for a schema before 1.4).
 */
static void
lock_case_key(int64 la_id, const char *kind, const char *key)
{
	sg_spi_connect();
	sg_serial_lock(la_id ? psprintf("link:" INT64_FORMAT ":%s:%s", la_id, kind, key)
				   : psprintf("link:%s:%s", kind, key));
	sg_spi_finish();
}

/*
 * The queries of case linking: [scoped][adult or location][read or latest].
 * From 1.4 a case belongs to one authority ($3); a schema not yet updated
 * still has one open case per adult or location nationally (its unique
 * indexes say so), and is served as before until the update.
 */
static const char *const link_sql[2][2] = {
	{"SELECT id FROM safeguard.safeguarding_case "
		"WHERE adult_key OPERATOR(pg_catalog.=) $1 "
		"AND state OPERATOR(pg_catalog.=) 'open' ORDER BY id DESC LIMIT 1",
		"SELECT id FROM safeguard.safeguarding_case "
		"WHERE provider_location_id OPERATOR(pg_catalog.=) $2 AND adult_key IS NULL "
	"AND state OPERATOR(pg_catalog.=) 'open' ORDER BY id DESC LIMIT 1"},
	{"SELECT id FROM safeguard.safeguarding_case "
		"WHERE la_id OPERATOR(pg_catalog.=) $3 AND adult_key OPERATOR(pg_catalog.=) $1 "
		"AND state OPERATOR(pg_catalog.=) 'open' ORDER BY id DESC LIMIT 1",
		"SELECT id FROM safeguard.safeguarding_case "
		"WHERE la_id OPERATOR(pg_catalog.=) $3 "
		"AND provider_location_id OPERATOR(pg_catalog.=) $2 AND adult_key IS NULL "
	"AND state OPERATOR(pg_catalog.=) 'open' ORDER BY id DESC LIMIT 1"},
};

/*
 * Takes the case's lock (the lock of its audit chain, held until the
 * transaction ends) and returns whether the case is open at the latest
 * committed state.  Joining and closing a case both take it, so a concern
 * never joins a case that is being closed and a case never closes over a
 * concern that is joining it.  Inside an SPI connection.
 */
static bool
case_still_open(int64 case_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(case_id)};

	sg_serial_lock(psprintf("case:" INT64_FORMAT, case_id));
	return sg_query_internal_latest("SELECT 1 FROM safeguard.safeguarding_case "
									"WHERE id OPERATOR(pg_catalog.=) $1 "
									"AND state OPERATOR(pg_catalog.=) 'open'",
									1, types, values, NULL) == 1;
}

/*
 * Returns the open case to join for a concern, or opens one.  *joined is
 * set when an existing case was found.  A case belongs to one authority:
 * only that authority's open cases are candidates, so a concern logged for
 * one authority never joins, reveals or waits on another authority's case
 * about the same adult (a repeat across authorities is seen by the
 * regulator, in report_repeat_concerns).
 */
static int64
link_case(const char *adult_key, int64 location_id, int64 la_id,
		  TimestampTz at, bool *joined)
{
	Oid			types[4] = {TEXTOID, INT8OID, INT8OID, TIMESTAMPTZOID};
	Datum		values[4];
	char		nulls[4] = "    ";
	int64		case_id = 0;
	int			scoped = sg_schema_has("deadline_extension_approval") ? 1 : 0;
	const char *sql = adult_key ? link_sql[scoped][0] : link_sql[scoped][1];

	if (adult_key)
		lock_case_key(scoped ? la_id : 0, "adult", adult_key);
	else if (location_id)
		lock_case_key(scoped ? la_id : 0, "location", psprintf(INT64_FORMAT, location_id));

	values[0] = adult_key ? CStringGetTextDatum(adult_key) : (Datum) 0;
	if (!adult_key)
		nulls[0] = 'n';
	values[1] = Int64GetDatum(location_id);
	if (!location_id)
		nulls[1] = 'n';
	values[2] = Int64GetDatum(la_id);
	values[3] = TimestampTzGetDatum(at);

	sg_spi_connect();
	if (adult_key || location_id)
		sg_exec_internal(sql, 3, types, values, nulls);
	*joined = (adult_key || location_id) && SPI_processed == 1;

	/*
	 * Under REPEATABLE READ or SERIALIZABLE our snapshot may predate a case
	 * that a concurrent concern opened and committed while we waited for the
	 * lock.  Opening a second case would fork the adult's history, and
	 * joining a case our snapshot cannot see is not possible: ask the client
	 * to retry, as PostgreSQL does for any such conflict.
	 */
	if (!*joined && (adult_key || location_id) && IsolationUsesXactSnapshot())
	{
		if (sg_query_internal_latest(sql, 3, types, values, nulls) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access: a concurrent transaction opened a case for the same %s",
							adult_key ? "adult" : "provider location"),
					 errhint("Retry the transaction: the concern will join that case.")));
	}
	if (*joined)
	{
		case_id = sg_spi_int64(0, 1, 0);

		/*
		 * The case may be closing: its last pending concern triaged or
		 * referral closed by a transaction not yet committed when we read
		 * it.  Closing takes the case's lock (sg_case_close_if_done), so
		 * take it too and look again at the latest committed state.  Under
		 * READ COMMITTED a case closed meanwhile is passed over and the
		 * question asked afresh (the adult's linking lock is still ours);
		 * a transaction snapshot cannot see past it: retry.
		 */
		if (!case_still_open(case_id))
		{
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access: case " INT64_FORMAT " was closed by a concurrent transaction",
								case_id),
						 errhint("Retry the transaction: the concern will open a new case.")));
			sg_exec_internal(sql, 3, types, values, nulls);
			*joined = SPI_processed == 1;
			case_id = *joined ? sg_spi_int64(0, 1, 0) : 0;
			if (*joined && !case_still_open(case_id))
				elog(ERROR, "case " INT64_FORMAT " is open at the statement's snapshot but closed at the latest",
					 case_id);
		}
	}
	if (!*joined)
	{
		sg_spi_exec_expect("INSERT INTO safeguard.safeguarding_case "
						   "(adult_key, provider_location_id, la_id, opened_at) "
						   "VALUES ($1, $2, $3, $4) RETURNING id",
						   4, types, values, nulls, 1);
		case_id = sg_spi_int64(0, 1, 0);
	}
	sg_spi_finish();
	return case_id;
}

/*
 * Closes a case when every concern is decided (triaged, or from 1.5 decided by
 * its authority) and every referral and enquiry is final.  The question is
 * asked under the case's lock at the latest committed state (plus this
 * transaction's own changes), at every isolation level: a concern joining the
 * case concurrently holds the lock until it commits and is then seen; two
 * transactions finishing the case's last two pieces of work queue on the lock
 * and the second sees the first's, so the case closes exactly once its work
 * is done.
 */
void
sg_case_close_if_done(int64 case_id, TimestampTz at)
{
	Oid			types[2] = {INT8OID, TIMESTAMPTZOID};
	Datum		values[2] = {Int64GetDatum(case_id), TimestampTzGetDatum(at)};
	bool		done;

#define CASE_DONE_SQL(decided, enquiries) \
	"SELECT 1 FROM safeguard.safeguarding_case c " \
	"WHERE c.id OPERATOR(pg_catalog.=) $1 AND c.state OPERATOR(pg_catalog.=) 'open' " \
	"AND NOT EXISTS (SELECT 1 FROM safeguard.concern x " \
	"  WHERE x.case_id OPERATOR(pg_catalog.=) c.id AND NOT EXISTS " \
	"  (SELECT 1 FROM safeguard.triage t WHERE t.concern_id OPERATOR(pg_catalog.=) x.id)" decided ") " \
	"AND NOT EXISTS (SELECT 1 FROM safeguard.referral r " \
	"  WHERE r.case_id OPERATOR(pg_catalog.=) c.id " \
	"  AND r.state OPERATOR(pg_catalog.<>) ALL ('{closed,withdrawn}'::safeguard.referral_state[]))" enquiries

	sg_spi_connect();
	sg_serial_lock(psprintf("case:" INT64_FORMAT, case_id));
	/* from 1.5 a concern may have its authority's decision instead, and enquiries */
	if (sg_schema_has("la_enquiry"))
		done = sg_query_internal_latest(CASE_DONE_SQL(" AND NOT EXISTS (SELECT 1 FROM safeguard.concern_decision d "
													  "WHERE d.concern_id OPERATOR(pg_catalog.=) x.id)",
													  " AND NOT EXISTS (SELECT 1 FROM safeguard.la_enquiry e "
													  "WHERE e.case_id OPERATOR(pg_catalog.=) c.id "
													  "AND e.state OPERATOR(pg_catalog.<>) 'closed')"),
										1, types, values, NULL) == 1;
	else
		done = sg_query_internal_latest(CASE_DONE_SQL("", ""), 1, types, values, NULL) == 1;
#undef CASE_DONE_SQL
	if (done)
		sg_exec_internal("UPDATE safeguard.safeguarding_case SET state = 'closed', closed_at = $2 "
						 "WHERE id OPERATOR(pg_catalog.=) $1 AND state OPERATOR(pg_catalog.=) 'open'",
						 2, types, values, NULL);
	sg_spi_finish();
}

/* Validates the referrer's identity: named with a contact route, or anonymous. */
static void
check_referrer(HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	bool		anonymous = DatumGetBool(sg_get(tup, desc, "referrer_anonymous", &isnull));
	char	   *source = sg_require_label(tup, desc, "source", "the source of the concern",
										"Say who raised it, e.g. relative, professional or anonymous.");
	char	   *name = sg_get_cstring(tup, desc, "referrer_name");
	char	   *phone = sg_get_cstring(tup, desc, "referrer_phone");
	char	   *email = sg_get_cstring(tup, desc, "referrer_email");
	char	   *address = sg_get_cstring(tup, desc, "referrer_address");

	if (strcmp(source, "anonymous") == 0 && !anonymous)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_REFERRER),
				 errmsg("an anonymous source needs referrer_anonymous set"),
				 errhint("Set referrer_anonymous = true, or record who raised the concern.")));
	if (email && !sg_email_plausible(email, strlen(email)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_REFERRER),
				 errmsg("referrer e-mail address is not valid"),
				 errdetail("referrer_email is \"%s\".", email),
				 errhint("Check the address with the referrer; feedback will go there.")));
	if (phone && !sg_phone_plausible(phone, strlen(phone)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_REFERRER),
				 errmsg("referrer telephone number is not valid"),
				 errdetail("referrer_phone is \"%s\".", phone),
				 errhint("Use 7 to 15 digits, with an optional leading +.")));
	if (anonymous)
		return;
	if (!text_present(name))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_REFERRER),
				 errmsg("the referrer must be named or recorded as anonymous"),
				 errdetail("referrer_name is empty and referrer_anonymous is false."),
				 errhint("Record the referrer's name and a contact route, or set referrer_anonymous = true.")));
	if (!text_present(phone) && !text_present(email) && !text_present(address))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_REFERRER),
				 errmsg("the referrer needs at least one contact route"),
				 errdetail("referrer_phone, referrer_email and referrer_address are all empty."),
				 errhint("Without a contact route no feedback can reach the referrer; record one, or set referrer_anonymous = true.")));
}

/* Validates and normalises the adult's NHS number; returns the adult key or NULL. */
static char *
check_adult(HeapTuple *tup, TupleDesc desc)
{
	char	   *nhs = sg_get_cstring(*tup, desc, "adult_nhs_number");
	char	   *name = sg_get_cstring(*tup, desc, "adult_name");
	bool		dob_null,
				dod_null;
	Datum		dob = sg_get(*tup, desc, "adult_date_of_birth", &dob_null);
	Datum		dod = sg_get(*tup, desc, "adult_date_of_death", &dod_null);
	DateADT		today = DatumGetDateADT(DirectFunctionCall1(timestamptz_date,
															TimestampTzGetDatum(sg_now())));

	if (!dob_null && DatumGetDateADT(dob) > today)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME),
				 errmsg("the adult's date of birth is in the future"),
				 errhint("Check the date of birth.")));
	if (!dod_null && ((!dob_null && DatumGetDateADT(dod) < DatumGetDateADT(dob)) ||
					  DatumGetDateADT(dod) > today))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME),
				 errmsg("the adult's date of death must lie between the date of birth and today"),
				 errhint("Check the dates; concerns about a person who has died are recorded with the date of death.")));
	if (nhs != NULL)
	{
		char		digits[11];
		const char *col = "adult_nhs_number";
		Datum		v;
		bool		n = false;

		if (!sg_nhs_number_valid(nhs, strlen(nhs), digits))
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_NHS_NUMBER),
					 errmsg("invalid NHS number"),
					 errdetail("\"%s\" is not ten digits with a valid check digit.", nhs),
					 errhint("Check the number with the referrer, or leave it empty if unknown.")));
		v = CStringGetTextDatum(digits);
		*tup = sg_set(*tup, desc, 1, &col, &v, &n);
		return psprintf("nhs:%s", digits);
	}
	if (text_present(name) && !dob_null)
	{
		char	   *lower = str_tolower(name, strlen(name), DEFAULT_COLLATION_OID);

		return psprintf("name:%s|%s", lower, sg_iso_date(DatumGetDateADT(dob)));
	}
	return NULL;
}

/*
 * Raises SG101 when a concern was received before the calendar of its
 * authority's division begins.  Its triage deadline, and every deadline
 * after it, could not be counted; such a concern is refused at the door
 * rather than stored with deadlines no sweep can judge (an import of the
 * older gov.uk calendar makes it acceptable).
 */
static void
refuse_before_calendar(int64 la_id, TimestampTz received)
{
	char	   *division = sg_organisation_division(la_id);
	const SgDivision *div = sg_division_lookup(division);
	DateADT		day;

	if (!sg_local_date_try(div, received, &day) || day < div->cal.first_day)
		ereport(ERROR,
				(errcode(ERRCODE_SG_CALENDAR_NOT_COVERED),
				 errmsg("a concern received before the calendar of its local authority cannot be logged"),
				 errdetail("received_at falls before %s, the first day of the bank holidays loaded for division \"%s\"; its deadlines could not be counted.",
						   sg_iso_date(div->cal.first_day), division),
				 errhint("Check the date the concern was received; to record older concerns, first import the gov.uk calendar for those years with safeguard.import_bank_holidays().")));
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON concern. */
Datum
sg_concern_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "concern_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	const SgActor *actor;
	SgDuty		duty;
	int64		la_id;
	int64		location_id;
	bool		isnull;
	Datum		received;
	Datum		risks;
	char	   *adult_key;
	bool		joined;
	int64		case_id;
	bool		arrival;
	const char *cols[6] = {"la_id", "case_id", "joined_open_case", "logged_by",
	"logged_org_id", "logged_at"};
	Datum		vals[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("concerns", "deleted", "A concern is a record of what was received; it is kept.");
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		sg_refuse_change("concerns", "updated",
						 "A concern is a record of what was received; log a further concern to add information.");

	/* Columns safeguard records. */
	for (int i = 1; i < 6; i++)
		refuse_supplied(tup, desc, cols[i]);
	/* from 1.5: a referral arriving as its authority's concern (referral_arrival.c) */
	arrival = false;
	if (sg_has_column(desc, "referral_id"))
	{
		(void) sg_get(tup, desc, "referral_id", &isnull);
		arrival = !isnull;
	}
	if (arrival && !sg_internal_writing())
		refuse_supplied(tup, desc, "referral_id");

	location_id = sg_get_int64(tup, desc, "provider_location_id");
	la_id = sg_get_int64(tup, desc, "la_id");
	if (location_id != 0)
	{
		Oid			types[1] = {INT8OID};
		Datum		values[1] = {Int64GetDatum(location_id)};
		int64		location_la = 0;
		bool		is_location = false;

		sg_spi_connect();
		sg_exec_internal("SELECT la_id, kind OPERATOR(pg_catalog.=) 'provider_location' "
						 "FROM safeguard.organisation WHERE id OPERATOR(pg_catalog.=) $1",
						 1, types, values, NULL);
		if (SPI_processed == 1)
		{
			Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

			location_la = isnull ? 0 : DatumGetInt64(v);
			is_location = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
													 SPI_tuptable->tupdesc, 2, &isnull));
		}
		sg_spi_finish();
		if (!is_location)
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_ORGANISATION),
					 errmsg("organisation " INT64_FORMAT " is not a provider location", location_id),
					 errhint("provider_location_id names a provider location from safeguard.organisation.")));
		if (la_id == 0)
			la_id = location_la;
	}
	if (la_id == 0)
		missing("the local authority", "la_id",
				"Name the local authority responsible, or the provider location (its area's authority is used).");
	if (sg_organisation_kind(la_id) != SG_ORG_LOCAL_AUTHORITY)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_ORGANISATION),
				 errmsg("organisation " INT64_FORMAT " is not a local authority", la_id),
				 errhint("la_id names a local authority from safeguard.organisation.")));

	actor = sg_current_actor();
	duty = sg_require_action(actor, "log_concern", la_id);

	received = sg_get(tup, desc, "received_at", &isnull);
	if (isnull)
		missing("the time the concern was received", "received_at", "Record when the concern arrived.");
	if (DatumGetTimestampTz(received) > sg_now())
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME),
				 errmsg("a concern cannot be received in the future"),
				 errdetail("received_at is later than now."),
				 errhint("Record the time the concern actually arrived.")));
	refuse_before_calendar(la_id, DatumGetTimestampTz(received));
	risks = sg_get(tup, desc, "risk_types", &isnull);
	if (isnull || ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(risks)),
								 ARR_DIMS(DatumGetArrayTypeP(risks))) == 0 ||
		array_contains_nulls(DatumGetArrayTypeP(risks)))
		missing("at least one type of risk", "risk_types",
				"Record the types of risk in the SAC vocabulary, e.g. '{Neglect and Acts of Omission}'.");
	if (!text_present(sg_get_cstring(tup, desc, "description")))
		missing("a description of the concern", "description", "Record what was reported.");
	/*
	 * An arrival's referrer is the regulator, whose feedback is the referral
	 * itself; its facts were checked when the regulator logged them, by the
	 * rules of that version.
	 */
	if (!arrival)
		check_referrer(tup, desc);
	adult_key = check_adult(&tup, desc);
	if (!arrival)
		sg_check_concern_sac_values(tup, desc);

	case_id = link_case(adult_key, location_id, la_id, sg_now(), &joined);
	vals[0] = Int64GetDatum(la_id);
	vals[1] = Int64GetDatum(case_id);
	vals[2] = BoolGetDatum(joined);
	vals[3] = ObjectIdGetDatum(actor->userid);
	/* an arrival is logged for its authority: the council decides it */
	vals[4] = Int64GetDatum(arrival ? la_id : actor->org_id);
	vals[5] = TimestampTzGetDatum(sg_now());
	tup = sg_set(tup, desc, 6, cols, vals, nulls);

	sg_audit_note_duty(RelationGetRelid(td->tg_relation),
					   sg_get_int64(tup, desc, "id"), duty);
	return PointerGetDatum(tup);
}

/* Trigger: AFTER INSERT ON concern opens the triage deadline. */
Datum
sg_concern_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "concern_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	bool		isnull;

	sg_deadline_open(SG_DL_TRIAGE, sg_get_int64(tup, desc, "id"),
					 sg_get_int64(tup, desc, "case_id"),
					 sg_get_int64(tup, desc, "logged_org_id"),
					 DatumGetTimestampTz(sg_get(tup, desc, "received_at", &isnull)));
	return PointerGetDatum(NULL);
}

/* The columns safeguard stamps on a decision (triage or the council's). */
static const char *const decision_stamped[] = {"la_id", "case_id", "decided_by", "decided_org_id",
"decided_duty", "decided_at", "decided_team"};

/*
 * The preamble of a decision's guard (triage_guard, concern_decision_guard):
 * refuses the columns safeguard stamps (SG203), loads the concern and
 * raises SG208 unless it exists and the actor may see its authority.
 * Fills *c; returns the actor.  decided_team exists from version 1.1.
 */
const SgActor *
sg_decision_begin(HeapTuple tup, TupleDesc desc, const char *hint, SgDecisionConcern *c)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	bool		found;
	const SgActor *actor;

	for (int i = 0; i < lengthof(decision_stamped); i++)
		if (sg_has_column(desc, decision_stamped[i]))
			refuse_supplied(tup, desc, decision_stamped[i]);
	memset(c, 0, sizeof(*c));
	c->concern_id = sg_get_int64(tup, desc, "concern_id");
	values[0] = Int64GetDatum(c->concern_id);
	sg_spi_connect();
	sg_exec_internal("SELECT la_id, case_id, logged_org_id FROM safeguard.concern "
					 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values, NULL);
	found = SPI_processed == 1;
	if (found)
	{
		c->la_id = sg_spi_int64(0, 1, 0);
		c->case_id = sg_spi_int64(0, 2, 0);
		c->logged_org_id = sg_spi_int64(0, 3, 0);
	}
	sg_spi_finish();
	actor = sg_current_actor();
	if (!found || !sg_actor_may_see_la(actor, c->la_id))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NOT_FOUND),
				 errmsg("concern " INT64_FORMAT " does not exist or is not visible to you", c->concern_id),
				 errhint("%s", hint)));
	return actor;
}

/* Raises SG205 unless a decision has its rationale and the three s42(1) answers. */
void
sg_decision_require_reasons(HeapTuple tup, TupleDesc desc, const char *what)
{
	static const char *const thresholds[3] = {"care_and_support_needs", "abuse_or_neglect",
	"unable_to_protect_self"};
	bool		isnull;

	if (!text_present(sg_get_cstring(tup, desc, "rationale")))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
				 errmsg("%s needs a rationale", what),
				 errdetail("rationale is empty."),
				 errhint("Record why: decisions without a recorded rationale cannot be audited.")));
	for (int i = 0; i < lengthof(thresholds); i++)
	{
		(void) sg_get(tup, desc, thresholds[i], &isnull);
		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
					 errmsg("every threshold question must be answered"),
					 errdetail("%s is not answered.", thresholds[i]),
					 errhint("Answer the three section 42(1) questions true or false.")));
	}
}

/*
 * Returns a decision's tuple with who decided, for which organisation, with
 * which duty, when and in which team stamped, and notes the duty for the
 * audit.
 */
HeapTuple
sg_decision_stamp(TriggerData *td, HeapTuple tup, const SgActor *actor, SgDuty duty,
				  const SgDecisionConcern *c)
{
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	int			n = sg_has_column(desc, "decided_team") ? 7 : 6;
	Datum		vals[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};
	char	   *team;

	vals[0] = Int64GetDatum(c->la_id);
	vals[1] = Int64GetDatum(c->case_id);
	vals[2] = ObjectIdGetDatum(actor->userid);
	vals[3] = Int64GetDatum(actor->org_id);
	vals[4] = DirectFunctionCall2(enum_in, CStringGetDatum(sg_duty_name(duty)),
								  ObjectIdGetDatum(TupleDescAttr(desc, sg_attnum(desc, "decided_duty") - 1)->atttypid));
	vals[5] = TimestampTzGetDatum(sg_now());
	/* from version 1.1: the team of the grant that decided, for the indicators */
	team = n == 7 ? sg_role_team(actor->userid, duty) : NULL;
	vals[6] = team ? CStringGetTextDatum(team) : (Datum) 0;
	nulls[6] = team == NULL;
	tup = sg_set(tup, desc, n, (const char **) decision_stamped, vals, nulls);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), c->concern_id, duty);
	return tup;
}

/*
 * The preamble of a decision's AFTER INSERT trigger: reads the decision and
 * meets the concern's triage deadline.  Returns the decision's label.
 */
char *
sg_decision_after_begin(TriggerData *td, int64 *concern_id, int64 *case_id, TimestampTz *decided_at)
{
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	bool		isnull;

	*concern_id = sg_get_int64(tup, desc, "concern_id");
	*case_id = sg_get_int64(tup, desc, "case_id");
	*decided_at = DatumGetTimestampTz(sg_get(tup, desc, "decided_at", &isnull));
	sg_deadline_close(SG_DL_TRIAGE, *concern_id, *decided_at);
	return sg_get_label(tup, desc, "decision");
}

/*
 * Raises SG204 when the concern is triaged already: a decision is final.
 * Triage decisions on one case queue on the case's chain lock (taken anyway
 * by the decision's audit row), and the existing decision is looked up at
 * the latest committed state, so two concurrent decisions on one concern
 * give one decision and one SG204 at every isolation level, never a unique
 * violation.
 */
void
sg_decision_refuse_second(int64 concern_id, int64 case_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(concern_id)};
	uint64		n;

	sg_spi_connect();
	sg_serial_lock(psprintf("case:" INT64_FORMAT, case_id));
	/* from 1.5 the concern's authority may have decided it instead (la_enquiry.c) */
	n = sg_query_internal_latest(sg_schema_has("concern_decision") ?
								 "SELECT 1 FROM safeguard.triage WHERE concern_id OPERATOR(pg_catalog.=) $1 "
								 "UNION ALL SELECT 1 FROM safeguard.concern_decision "
								 "WHERE concern_id OPERATOR(pg_catalog.=) $1" :
								 "SELECT 1 FROM safeguard.triage WHERE concern_id OPERATOR(pg_catalog.=) $1",
								 1, types, values, NULL);
	sg_spi_finish();
	if (n > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_IMMUTABLE_RECORD),
				 errmsg("concern " INT64_FORMAT " has already been decided", concern_id),
				 errdetail("A decision on a concern is final (its triage or its authority's); the concern has one."),
				 errhint("Log a further concern if the picture has changed.")));
}

/* Trigger: BEFORE INSERT OR UPDATE OR DELETE ON triage. */
Datum
sg_triage_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "triage_guard", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	SgDecisionConcern c;
	char	   *decision;
	const SgActor *actor;
	SgDuty		duty;

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("triage decisions", "deleted", "A decision is kept with its rationale.");
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		sg_refuse_change("triage decisions", "changed",
						 "A triage decision is final; log a further concern if the picture changes.");
	actor = sg_decision_begin(tup, desc, "Triage a concern from safeguard.concern.", &c);

	decision = sg_get_label(tup, desc, "decision");
	if (decision == NULL)
		missing("a triage decision", "decision",
				"Decide refer_to_la, no_referral or regulatory_action_only.");
	if (strcmp(decision, "no_referral") == 0)
		duty = sg_require_action(actor, "triage_concern", c.la_id);
	else
	{
		const SgAction *act = sg_action_find("regulator_decision");

		duty = sg_require_permit(actor, act->permits, act->npermits, c.la_id,
								 psprintf("decide %s (a regulator's decision)", decision));
	}

	sg_decision_refuse_second(c.concern_id, c.case_id);
	sg_decision_require_reasons(tup, desc, "a triage decision");
	return PointerGetDatum(sg_decision_stamp(td, tup, actor, duty, &c));
}

/*
 * Trigger: AFTER INSERT ON triage: closes the triage deadline; refer_to_la
 * creates the referral in awaiting_send and opens its send deadline (4 clock
 * hours when the adult is at immediate risk).
 */
Datum
sg_triage_after(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "triage_after", true, false);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	int64		concern_id;
	int64		case_id;
	bool		isnull;
	TimestampTz decided_at;
	char	   *decision = sg_decision_after_begin(td, &concern_id, &case_id, &decided_at);

	if (strcmp(decision, "refer_to_la") == 0)
	{
		Oid			types[3] = {INT8OID, TIMESTAMPTZOID, OIDOID};
		Datum		values[3];
		int64		referral_id;
		bool		immediate;

		values[0] = Int64GetDatum(concern_id);
		values[1] = TimestampTzGetDatum(decided_at);
		values[2] = ObjectIdGetDatum(sg_acting_userid());
		sg_spi_connect();
		sg_exec_internal("INSERT INTO safeguard.referral (concern_id, case_id, la_id, "
						 "immediate_risk, created_at, created_by) "
						 "SELECT c.id, c.case_id, c.la_id, c.immediate_risk, $2, $3::pg_catalog.regrole "
						 "FROM safeguard.concern c WHERE c.id OPERATOR(pg_catalog.=) $1 "
						 "RETURNING id, immediate_risk", 3, types, values, NULL);
		referral_id = sg_spi_int64(0, 1, 0);
		immediate = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		sg_spi_finish();
		sg_deadline_open(immediate ? SG_DL_SEND_IMMEDIATE : SG_DL_SEND, referral_id,
						 case_id, sg_get_int64(tup, desc, "decided_org_id"), decided_at);
	}
	else
		sg_case_close_if_done(case_id, decided_at);
	return PointerGetDatum(NULL);
}
