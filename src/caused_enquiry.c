/*
 * caused_enquiry.c
 *		Enquiries a local authority causes another organisation to make
 *		(Care Act s42(2), "make or cause"): the machine of
 *		caused_enquiry_fsm.c applied to every row change of
 *		safeguard.caused_enquiry, from any client path.
 *
 * Owns the trigger caused_enquiry_guard (BEFORE), the SQL predicate
 * caused_to(), and the check la_enquiry.c runs before an enquiry concludes
 * or closes (sg_caused_enquiries_refuse_open).
 *
 * Invariants:
 *	- A caused enquiry belongs to a council enquiry (la_enquiry) that is in
 *	  progress (SG226); it is requested by the enquiry's allocated officer or
 *	  a SAM of its authority (SG216; anyone else of the authority: 42501;
 *	  anyone outside it: SG208), of an organisation that makes enquiries of
 *	  its own: a provider, an NHS body, the police, another authority (never
 *	  the authority itself, a provider's location or the regulator: SG227),
 *	  with the question asked (SG202).  Safeguard records who asked, when,
 *	  the adult's identifiers the organisation needs (copied from the
 *	  concern), and the date the report is due: the caused_report deadline
 *	  (10 working days by default, the authority's policy version) is
 *	  opened at once and its due instant written on the row.
 *	- The report is received once per request or return: by a login of the
 *	  organisation named (the provider duty, acting for that organisation),
 *	  which supplies the report only (safeguard records when, and how:
 *	  own_login), or recorded on its behalf by the allocated officer or a
 *	  SAM, who records when it arrived and how (SG228; not in the future, not
 *	  before the request or the return: SG211).  Receiving it closes the
 *	  deadline, met or breached at the time it arrived.
 *	- Only the allocated officer or a SAM accepts a report, returns it for
 *	  more (with the reason; a new caused_report deadline runs from the
 *	  return) or withdraws an unanswered request (with the reason; its
 *	  deadline is cancelled).  accepted and withdrawn are final.
 *	- While any caused enquiry of an enquiry is open (requested,
 *	  report_received, returned) the enquiry neither concludes nor closes
 *	  (SG229).  Both sides serialise on the case's lock and read the other
 *	  at its latest committed state, so no interleaving closes an enquiry
 *	  over an open request or opens a request on a concluded enquiry.
 *	- Nothing is deleted or changed outside a transition.
 * The checks run in the trigger, so raw INSERT and UPDATE, MERGE, writable
 * CTEs and COPY all meet them; the row-level security of the table shows
 * the organisation its own requests and nothing else (caused_to).
 */
#include "postgres.h"

#include "audit.h"
#include "caused_enquiry_fsm.h"
#include "deadline.h"
#include "la_enquiry.h"
#include "outbox.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"
#include "transition.h"
#include "validate.h"

#include "access/sysattr.h"
#include "catalog/pg_type.h"
#include "nodes/bitmapset.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(sg_caused_enquiry_guard);
PG_FUNCTION_INFO_V1(sg_caused_to);

/* The report method safeguard records when the organisation's own login reports. */
#define OWN_LOGIN "own_login"

/* The columns a client supplies when it requests a caused enquiry. */
static const char *const request_columns[] = {"enquiry_id", "organisation_id", "question", NULL};

/* Returns true when the actor is a login of the organisation a request names. */
static bool
acts_for(const SgActor *a, int64 organisation_id)
{
	return sg_actor_has(a, SG_DUTY_PROVIDER) && a->org_kind != SG_ORG_LOCAL_AUTHORITY &&
		a->org_kind != SG_ORG_REGULATOR && a->org_id == organisation_id;
}

/* Raises SG226 unless the council's enquiry is in progress. */
static void
require_in_progress(int64 enquiry_id, const char *state, const char *what)
{
	if (strcmp(state, "in_progress") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_CAUSED_ENQUIRY_STATE),
				 errmsg("cannot %s: enquiry " INT64_FORMAT " is not in progress", what, enquiry_id),
				 errdetail("The enquiry is %s.", state),
				 errhint("Another organisation is caused to enquire while the council's enquiry is in progress.")));
}

/*
 * Opens the caused_report deadline of a request, for its authority, counted
 * from anchor; returns its due instant (0 when the calendar cannot say).
 */
static TimestampTz
open_report_deadline(int64 id, int64 case_id, int64 la_id, TimestampTz anchor)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	TimestampTz due = 0;

	sg_deadline_open(SG_DL_CAUSED_REPORT, id, case_id, la_id, anchor);
	sg_spi_connect();
	if (sg_exec_internal("SELECT safeguard.deadline_due_or_null(coalesce(d.amount, r.amount), r.unit, "
						 "d.anchor_at, d.division) "
						 "FROM safeguard.deadline d JOIN safeguard.deadline_rule r "
						 "ON r.policy_id OPERATOR(pg_catalog.=) d.policy_id AND r.kind OPERATOR(pg_catalog.=) d.kind "
						 "WHERE d.subject_table OPERATOR(pg_catalog.=) 'caused_enquiry' "
						 "AND d.subject_id OPERATOR(pg_catalog.=) $1 "
						 "AND d.kind OPERATOR(pg_catalog.=) 'caused_report' "
						 "AND d.status OPERATOR(pg_catalog.=) 'open'", 1, types, values, NULL) == 1)
	{
		bool		isnull;
		Datum		d = sg_spi_value(0, 1, &isnull);

		if (!isnull)
			due = DatumGetTimestampTz(d);
	}
	sg_spi_finish();
	return due;
}

/*
 * Tells the organisation caused to enquire that a request awaits its report
 * (a new request, or a report returned for more): an outbox notification
 * routed to that organisation's consumers (its admin or integration duty),
 * naming the request, the event and the due instant, never the question or
 * the adult (its login reads those in caused_enquiry_requests).
 */
static void
tell_organisation(int64 id, int64 organisation_id, const char *event, TimestampTz due)
{
	StringInfoData note;

	initStringInfo(&note);
	appendStringInfo(&note, "{\"event\": \"%s\", \"caused_enquiry_id\": " INT64_FORMAT ", "
					 "\"organisation_id\": " INT64_FORMAT ", \"report_due_at\": ",
					 event, id, organisation_id);
	if (due == 0)
		appendStringInfoString(&note, "null");
	else
		escape_json(&note, sg_canonical_text(TimestampTzGetDatum(due), TIMESTAMPTZOID));
	appendStringInfoChar(&note, '}');
	sg_outbox_write(note.data, sg_now());
}

/* Sets report_due_at on a tuple (NULL when the calendar cannot say). */
static HeapTuple
set_due(HeapTuple tup, TupleDesc desc, TimestampTz due)
{
	const char *col[1] = {"report_due_at"};
	Datum		val[1] = {TimestampTzGetDatum(due)};
	bool		null[1] = {due == 0};

	return sg_set(tup, desc, 1, col, val, null);
}

/*
 * Raises SG229 while an enquiry has a caused enquiry open.  Serialised with
 * requests on the case's lock; the requests are read at their latest
 * committed state.
 */
void
sg_caused_enquiries_refuse_open(int64 enquiry_id, int64 case_id, const char *what)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(enquiry_id)};
	uint64		n;
	char	   *first = NULL;

	sg_spi_connect();
	sg_serial_lock(psprintf("case:" INT64_FORMAT, case_id));
	n = sg_query_internal_latest("SELECT id::pg_catalog.text FROM safeguard.caused_enquiry "
								 "WHERE enquiry_id OPERATOR(pg_catalog.=) $1 "
								 "AND state OPERATOR(pg_catalog.=) ANY ('{requested,report_received,returned}') "
								 "ORDER BY id",
								 1, types, values, NULL);
	if (n > 0)
		first = sg_spi_text(0, 1);
	sg_spi_finish();
	if (n > 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_CAUSED_ENQUIRY_OPEN),
				 errmsg("enquiry " INT64_FORMAT " cannot %s while an enquiry it caused is open", enquiry_id, what),
				 errdetail("%d caused enquir%s open; caused enquiry %s awaits a report or a decision on it.",
						   (int) n, n == 1 ? "y is" : "ies are", first),
				 errhint("Accept or return each report (safeguard.accept_caused_report), or withdraw a request that is no longer needed (safeguard.withdraw_caused_enquiry).")));
}

/* Raises SG227 unless the organisation can be caused to enquire for this authority. */
static void
check_organisation(int64 organisation_id, int64 la_id)
{
	SgOrgKind	kind = sg_organisation_kind(organisation_id);

	if (organisation_id == la_id || kind == SG_ORG_REGULATOR || kind == SG_ORG_PROVIDER_LOCATION)
		ereport(ERROR,
				(errcode(ERRCODE_SG_CAUSED_ORGANISATION),
				 errmsg("organisation " INT64_FORMAT " cannot be caused to make an enquiry", organisation_id),
				 errdetail("It is %s.", organisation_id == la_id ? "the enquiry's own authority"
						   : kind == SG_ORG_REGULATOR ? "the regulator"
						   : "a provider's location"),
				 errhint("Name the organisation that will enquire: a provider (not one of its locations), an NHS body, the police, another authority.")));
}

/* Copies the adult's identifiers the organisation needs from the enquiry's concern. */
static HeapTuple
copy_adult(HeapTuple tup, TupleDesc desc, int64 enquiry_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(enquiry_id)};
	const char *cols[3] = {"adult_name", "adult_date_of_birth", "adult_nhs_number"};
	Datum		vals[3] = {0, 0, 0};
	bool		nulls[3] = {true, true, true};

	sg_spi_connect();
	if (sg_exec_internal("SELECT c.adult_name, c.adult_date_of_birth, c.adult_nhs_number "
						 "FROM safeguard.la_enquiry e JOIN safeguard.concern c "
						 "ON c.id OPERATOR(pg_catalog.=) e.concern_id "
						 "WHERE e.id OPERATOR(pg_catalog.=) $1", 1, types, values, NULL) == 1)
	{
		for (int i = 0; i < 3; i++)
			vals[i] = sg_spi_value(0, i + 1, &nulls[i]);
	}
	sg_spi_finish();
	return sg_set(tup, desc, 3, cols, vals, nulls);
}

/* A request: who, which enquiry, what is asked; stamps and opens the report deadline. */
static HeapTuple
guard_request(TriggerData *td)
{
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = td->tg_trigtuple;
	const SgActor *actor = sg_current_actor();
	SgLaEnquiryInfo e;
	SgDuty		duty;
	int64		id = sg_get_int64(tup, desc, "id");
	int64		organisation_id;
	TimestampTz due;
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	char	   *state = NULL;
	const char *cols[6] = {"la_id", "case_id", "requested_by", "requested_org_id", "requested_at", "state"};
	Datum		vals[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	sg_refuse_unsupplied(tup, desc, &sg_caused_enquiry_machine, "state", SG_CE_REQUESTED,
						 request_columns,
						 "Supply the enquiry, the organisation and the question (safeguard.cause_enquiry).");
	duty = sg_la_enquiry_load_for_record(sg_get_int64(tup, desc, "enquiry_id"), "cause_enquiry",
										 "caused enquiries", &e);
	/* the enquiry's state at its latest, under the lock a conclusion or closure takes */
	values[0] = Int64GetDatum(e.id);
	sg_spi_connect();
	sg_serial_lock(psprintf("case:" INT64_FORMAT, e.case_id));
	if (sg_query_internal_latest("SELECT state::pg_catalog.text FROM safeguard.la_enquiry "
								 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values, NULL) == 1)
		state = sg_spi_text(0, 1);
	sg_spi_finish();
	require_in_progress(e.id, state ? state : e.state, "cause an enquiry");
	organisation_id = sg_get_int64(tup, desc, "organisation_id");
	check_organisation(organisation_id, e.la_id);
	sg_require_text(tup, desc, "question", "the question", "Say what the organisation is asked to find out, and by when it reports.");

	vals[0] = Int64GetDatum(e.la_id);
	vals[1] = Int64GetDatum(e.case_id);
	vals[2] = ObjectIdGetDatum(actor->userid);
	vals[3] = Int64GetDatum(actor->org_id);
	vals[4] = TimestampTzGetDatum(sg_now());
	vals[5] = DirectFunctionCall2(enum_in, CStringGetDatum("requested"),
								  ObjectIdGetDatum(TupleDescAttr(desc, sg_attnum(desc, "state") - 1)->atttypid));
	tup = sg_set(tup, desc, lengthof(cols), cols, vals, nulls);
	tup = copy_adult(tup, desc, e.id);
	due = open_report_deadline(id, e.case_id, e.la_id, sg_now());
	tup = set_due(tup, desc, due);
	tell_organisation(id, organisation_id, "caused_enquiry_requested", due);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), id, duty);
	return tup;
}

/*
 * Checks who moves a request: the organisation's own login for a report
 * (the provider permit, narrowed to the organisation named), else the
 * enquiry's allocated officer or a SAM of its authority.  Returns the duty.
 */
static SgDuty
require_mover(const SgTransition *t, int64 id, int64 la_id, int64 organisation_id,
			  int64 enquiry_id, bool *partner)
{
	const SgActor *a = sg_current_actor();
	SgPermit	council[SG_MAX_PERMITS];
	int			n = 0;
	SgLaEnquiryInfo e;
	SgDuty		duty;

	*partner = false;
	for (int i = 0; i < t->npermits; i++)
	{
		if (t->permits[i].duty != SG_DUTY_PROVIDER)
			council[n++] = t->permits[i];
		else if (acts_for(a, organisation_id))
		{
			*partner = true;
			return SG_DUTY_PROVIDER;
		}
	}
	duty = sg_require_permit(a, council, n, la_id,
							 psprintf("move caused enquiry " INT64_FORMAT " to %s", id,
									  sg_caused_state_name((SgCausedState) t->to)));
	/* the allocated officer or a SAM, of an enquiry still in progress */
	(void) sg_la_enquiry_load_for_record(enquiry_id, "cause_enquiry", "caused enquiries", &e);
	require_in_progress(enquiry_id, e.state, "move a caused enquiry");
	return duty;
}

/* A report received: by the organisation's login, or recorded on its behalf. */
static HeapTuple
receive_report(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc, int64 id, bool partner)
{
	bool		isnull;
	TimestampTz since;

	sg_require_text(newtup, desc, "report", "the report", "Record what the organisation's enquiry found.");
	if (partner)
	{
		const char *cols[2] = {"report_received_at", "report_method"};
		Datum		vals[2];
		bool		nulls[2] = {false, false};

		if (!sg_column_unchanged(oldtup, newtup, desc, sg_attnum(desc, "report_received_at")) ||
			!sg_column_unchanged(oldtup, newtup, desc, sg_attnum(desc, "report_method")))
			ereport(ERROR,
					(errcode(ERRCODE_SG_CAUSED_REPORT_RECEIPT),
					 errmsg("caused enquiry " INT64_FORMAT ": when and how a report arrives is recorded by safeguard", id),
					 errdetail("The organisation's own login reports now, through safeguard."),
					 errhint("Supply the report only (safeguard.record_caused_report).")));
		vals[0] = TimestampTzGetDatum(sg_now());
		vals[1] = DirectFunctionCall2(enum_in, CStringGetDatum(OWN_LOGIN),
									  ObjectIdGetDatum(TupleDescAttr(desc, sg_attnum(desc, "report_method") - 1)->atttypid));
		return sg_set(newtup, desc, 2, cols, vals, nulls);
	}
	{
		char	   *method = sg_get_label(newtup, desc, "report_method");

		(void) sg_get(newtup, desc, "report_received_at", &isnull);
		if (isnull || method == NULL || strcmp(method, OWN_LOGIN) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_SG_CAUSED_REPORT_RECEIPT),
					 errmsg("caused enquiry " INT64_FORMAT ": a report recorded on the organisation's behalf needs when and how it arrived", id),
					 errdetail("report_received_at is %s; report_method is %s.", isnull ? "empty" : "given",
							   method == NULL ? "empty" : method),
					 errhint("Record when the report arrived and how (secure_email, email, letter, phone, meeting, other); own_login is the organisation's own.")));
	}
	/* not before the request, nor before the return that asked for more */
	since = sg_get_ts(oldtup, desc, "decided_at", &isnull);
	if (isnull)
		since = sg_get_ts(oldtup, desc, "requested_at", &isnull);
	sg_check_event_time(newtup, desc, "report_received_at", since, "the request or its return");
	return newtup;
}

/* A move of a request through the machine. */
static HeapTuple
guard_move(TriggerData *td)
{
	const SgMachine *m = &sg_caused_enquiry_machine;
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	oldtup = td->tg_trigtuple;
	HeapTuple	newtup = td->tg_newtuple;
	int64		id = sg_get_int64(oldtup, desc, "id");
	int			from = sg_row_state(m, oldtup, desc, "state");
	int			to = sg_row_state(m, newtup, desc, "state");
	const SgTransition *t;
	SgDuty		duty;
	bool		partner;
	int			n = 0;

	/* setting the state to the state it has is an attempt at a transition */
	if (from == to && td->tg_updatedcols != NULL &&
		bms_is_member(sg_attnum(desc, "state") - FirstLowInvalidHeapAttributeNumber, td->tg_updatedcols))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TRANSITION),
				 errmsg("caused enquiry " INT64_FORMAT " is already %s", id, sg_fsm_state_name(m, from)),
				 errhint("A report received is received again only after the authority returns it for more.")));
	if (from == to)
	{
		int			next[SG_NCESTATES];

		if (sg_fsm_next_states(m, from, next) == 0)
			sg_refuse_change(psprintf("a caused enquiry that is %s", sg_fsm_state_name(m, from)),
							 "changed", "A report accepted, or a request withdrawn, is kept as it is.");
		sg_check_changed_columns(oldtup, newtup, desc, NULL, NULL,
								 psprintf("while a caused enquiry is %s", sg_fsm_state_name(m, from)));
		return newtup;
	}
	t = sg_fsm_transition(m, from, to);
	if (t == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TRANSITION),
				 errmsg("caused enquiry " INT64_FORMAT " cannot move from %s to %s", id,
						sg_fsm_state_name(m, from), sg_fsm_state_name(m, to)),
				 errhint("A caused enquiry moves requested -> report_received -> accepted or returned (and received again), or is withdrawn while a report is awaited.")));
	duty = require_mover(t, id, sg_get_int64(oldtup, desc, "la_id"),
						 sg_get_int64(oldtup, desc, "organisation_id"),
						 sg_get_int64(oldtup, desc, "enquiry_id"), &partner);
	sg_check_changed_columns(oldtup, newtup, desc, "state", t->supplied,
							 psprintf("when a caused enquiry moves from %s to %s",
									  sg_fsm_state_name(m, from), sg_fsm_state_name(m, to)));
	switch (to)
	{
		case SG_CE_REPORT_RECEIVED:
			newtup = receive_report(oldtup, newtup, desc, id, partner);
			break;
		case SG_CE_RETURNED:
			sg_require_text(newtup, desc, "returned_reason", "what more is needed", "Say what more the organisation is asked for.");
			break;
		case SG_CE_WITHDRAWN:
			sg_require_text(newtup, desc, "withdrawn_reason", "why the request is withdrawn", "Say why the request is no longer needed.");
			break;
		default:
			break;
	}
	for (int i = 0; i < SG_MAX_COLUMNS && t->required[i]; i++)
		sg_require_column(m, newtup, desc, t->required[i], to);
	while (n < SG_MAX_COLUMNS && t->stamped[n])
		n++;
	newtup = sg_stamp(newtup, desc, t->stamped, n);

	/* the report deadline: met when the report arrives, anew from a return, gone with the request */
	if (to == SG_CE_REPORT_RECEIVED)
	{
		bool		isnull;

		sg_deadline_close(SG_DL_CAUSED_REPORT, id, sg_get_ts(newtup, desc, "report_received_at", &isnull));
	}
	else if (to == SG_CE_RETURNED)
	{
		TimestampTz due = open_report_deadline(id, sg_get_int64(oldtup, desc, "case_id"),
											   sg_get_int64(oldtup, desc, "la_id"), sg_now());

		newtup = set_due(newtup, desc, due);
		tell_organisation(id, sg_get_int64(oldtup, desc, "organisation_id"), "caused_report_returned", due);
	}
	else if (to == SG_CE_WITHDRAWN)
		sg_deadline_cancel_all(SG_SUBJECT_CAUSED_ENQUIRY, id, sg_now());
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), id, duty);
	return newtup;
}

/*
 * Trigger: BEFORE INSERT OR UPDATE OR DELETE ON caused_enquiry.  The
 * deadline work runs here, not after: the due instant is written on the
 * row the organisation reads.
 */
Datum
sg_caused_enquiry_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "caused_enquiry_guard", true, true);

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		sg_refuse_change("caused enquiries", "deleted",
						 "Withdraw a request that is no longer needed (safeguard.withdraw_caused_enquiry).");
	if (sg_internal_writing())
		return PointerGetDatum(TRIGGER_FIRED_BY_INSERT(td->tg_event) ? td->tg_trigtuple : td->tg_newtuple);
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		return PointerGetDatum(guard_request(td));
	return PointerGetDatum(guard_move(td));
}

/*
 * SQL: caused_to(organisation_id bigint) -> boolean: the row-level security
 * predicate that shows an organisation the enquiries a council caused it
 * to make: true for a login acting for that organisation under the
 * provider duty (a partner's staff), never for a local authority's or the
 * regulator's.
 */
Datum
sg_caused_to(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(acts_for(sg_current_actor(), PG_GETARG_INT64(0)));
}
