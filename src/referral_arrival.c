/*
 * referral_arrival.c
 *		A referral the regulator sends arrives at the receiving council's
 *		front door as the council's own concern, and the referral's
 *		LA-side states follow the council's records of that concern.
 *
 * Owns sg_referral_arrive (called by referral_after on sent),
 * sg_referral_refuse_if_arrived (referral_guard), sg_referral_follow_decision
 * (concern_decision_after) and sg_referral_follow_enquiry (la_enquiry_after).
 *
 * Invariants:
 *	- A referral sent to an authority that receives referrals as concerns
 *	  (organisation.receives_referrals_as_concerns) creates, in the sending
 *	  statement, one concern of that authority: source 'regulator', the
 *	  adult's identity and the facts copied from the regulator's concern,
 *	  received when the referral was sent, logged for the authority (so its
 *	  officers decide it with decide_concern), case-linked and with its
 *	  concern-decision deadline as any concern.  concern.referral_id names
 *	  the referral: unique, and immutable as every column of a concern.
 *	- Arrival is the acknowledgement: the referral moves to acknowledged at
 *	  once (acknowledged_at = sent_at, la_reference names the concern), so
 *	  the acknowledgement deadline is met by the delivery itself and the
 *	  concern-decision deadline takes over.
 *	- The council's decision moves the referral to decided with the same
 *	  decision (the rationale stays the council's: the referral records
 *	  only where it is); no_enquiry also records the outcome and closes the
 *	  referral, feedback waived with the reason that the regulator reads the
 *	  decision in safeguard.  The enquiry's allocation is mirrored as the
 *	  referral's allocation, its conclusion as the referral's outcome (the
 *	  SAC outcome answers, never free text), its closure as the referral's
 *	  closure with the feedback to the referrer.  Each mirror is a write by
 *	  safeguard in the council's statement, so the referral's own
 *	  triggers meet and open its deadlines and the audit records the
 *	  council's officer as the actor.
 *	- For such a referral the LA-side transitions and allocation through
 *	  the referral (acknowledge_referral ... close_referral,
 *	  allocate_referral, raw UPDATE) are refused with SG222 naming the
 *	  concern.  Referrals sent before 1.5, or to an authority that does not
 *	  receive referrals as concerns, have no such concern and keep them.
 */
#include "postgres.h"

#include "audit.h"
#include "key_scan.h"
#include "la_enquiry_fsm.h"
#include "referral_arrival.h"
#include "referral_fsm.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"
#include "transition.h"

#include "access/sysattr.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "nodes/bitmapset.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

/* Returns true when the installed schema has concern.referral_id (from 1.5). */
static bool
arrival_installed(void)
{
	Oid			nsp = get_namespace_oid("safeguard", true);
	Oid			rel = OidIsValid(nsp) ? get_relname_relid("concern", nsp) : InvalidOid;

	return OidIsValid(rel) && get_attnum(rel, "referral_id") != InvalidAttrNumber;
}

/*
 * Returns the bigint column want of the concern whose bigint column key
 * equals value, or 0 when there is no such concern or its want is NULL.  What "SELECT
 * want FROM safeguard.concern WHERE key = $1" through sg_exec_internal
 * returned, without SPI: one lookup of the primary key (id) or the unique
 * index (referral_id), with the snapshot that statement ran with
 * (key_scan.c), as the table owner reads (no privilege or policy).
 */
static int64
concern_lookup(const char *key, int64 value, const char *want)
{
	const char *const keys[1] = {key};
	SgKeyScan	ks;
	int64		found = 0;

	sg_key_scan_begin(&ks, "concern", AccessShareLock, keys, 1,
					  sg_key_scan_push_statement_snapshot(), Int64GetDatum(value));
	if (sg_key_scan_next(&ks, ForwardScanDirection))
	{
		bool		isnull;
		Datum		v = slot_getattr(ks.slot, sg_attnum(RelationGetDescr(ks.rel), want), &isnull);

		found = isnull ? 0 : DatumGetInt64(v);
	}
	sg_key_scan_end(&ks);
	PopActiveSnapshot();
	return found;
}

/* Returns the concern a referral arrived as, or 0. */
static int64
arrived_concern(int64 referral_id)
{
	return concern_lookup("referral_id", referral_id, "id");
}

/* Returns the referral a concern arrived from, or 0. */
static int64
concern_referral(int64 concern_id)
{
	return concern_lookup("id", concern_id, "referral_id");
}

/* Runs one write by safeguard with (referral, other) as $1, $2. */
static void
mirror(const char *sql, int64 referral_id, int64 other)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(referral_id), Int64GetDatum(other)};

	sg_audit_note_consequence(get_relname_relid("referral", get_namespace_oid("safeguard", false)),
							  referral_id);
	sg_spi_connect();
	if (sg_exec_internal(sql, 2, types, values, NULL) != 1)
		elog(ERROR, "safeguard: referral " INT64_FORMAT " did not follow its concern", referral_id);
	sg_spi_finish();
}

/*
 * Called when a referral is sent: when its authority receives referrals as
 * concerns, creates the authority's concern from the regulator's and marks
 * the referral acknowledged by its arrival.
 */
void
sg_referral_arrive(int64 referral_id)
{
	Oid			types[2] = {INT8OID, OIDOID};
	Datum		values[2] = {Int64GetDatum(referral_id), ObjectIdGetDatum(sg_acting_userid())};
	uint64		n;

	if (!arrival_installed())
		return;
	sg_spi_connect();
	n = sg_exec_internal(
						 "INSERT INTO safeguard.concern (received_at, channel, source, referrer_name, "
						 "adult_nhs_number, adult_name, adult_date_of_birth, adult_date_of_death, adult_gender, "
						 "adult_ethnicity, adult_primary_support_reason, adult_autism, provider_location_id, "
						 "la_id, risk_types, risk_location, source_of_risk, immediate_risk, description, referral_id) "
						 "SELECT r.sent_at, CASE r.sent_method WHEN 'phone' THEN 'phone' WHEN 'letter' THEN 'letter' "
						 "WHEN 'in_person' THEN 'in_person' WHEN 'portal' THEN 'web_form' ELSE 'email' "
						 "END::safeguard.concern_channel, 'regulator'::safeguard.concern_source, reg.name, "
						 "CASE WHEN safeguard.nhs_number_is_valid(c.adult_nhs_number) THEN c.adult_nhs_number END, "
						 "c.adult_name, c.adult_date_of_birth, c.adult_date_of_death, c.adult_gender, "
						 "c.adult_ethnicity, c.adult_primary_support_reason, c.adult_autism, c.provider_location_id, "
						 "r.la_id, c.risk_types, c.risk_location, c.source_of_risk, c.immediate_risk, c.description, r.id "
						 "FROM safeguard.referral r "
						 "JOIN safeguard.concern c ON c.id OPERATOR(pg_catalog.=) r.concern_id "
						 "JOIN safeguard.organisation la ON la.id OPERATOR(pg_catalog.=) r.la_id "
						 "JOIN safeguard.organisation reg ON reg.id OPERATOR(pg_catalog.=) r.sent_org_id "
						 "WHERE r.id OPERATOR(pg_catalog.=) $1 AND la.receives_referrals_as_concerns",
						 1, types, values, NULL);
	if (n == 1)
		sg_exec_internal("UPDATE safeguard.referral r SET state = 'acknowledged', "
						 "acknowledged_at = r.sent_at, acknowledged_by = $2::pg_catalog.regrole, "
						 "acknowledged_org_id = r.la_id, "
						 "la_reference = 'safeguard concern ' OPERATOR(pg_catalog.||) c.id "
						 "FROM safeguard.concern c WHERE r.id OPERATOR(pg_catalog.=) $1 "
						 "AND c.referral_id OPERATOR(pg_catalog.=) r.id",
						 2, types, values, NULL);
	sg_spi_finish();
}

/*
 * Raises SG222 when a client's update makes an LA-side transition or an
 * allocation of a referral that arrived as a council's concern.
 */
void
sg_referral_refuse_if_arrived(TriggerData *td)
{
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	oldtup = td->tg_trigtuple;
	HeapTuple	newtup = td->tg_newtuple;
	int			from = sg_row_state(&sg_referral_machine, oldtup, desc, "state");
	int64		id;
	int64		concern_id;

	if (from == SG_REF_AWAITING_SEND || !arrival_installed())
		return;
	/* a correction of the contact or reference leaves state and allocation alone */
	if (from == sg_row_state(&sg_referral_machine, newtup, desc, "state") &&
		sg_column_unchanged(oldtup, newtup, desc, sg_attnum(desc, "allocated_to")) &&
		!(td->tg_updatedcols != NULL &&
		  bms_is_member(sg_attnum(desc, "state") - FirstLowInvalidHeapAttributeNumber, td->tg_updatedcols)))
		return;
	id = sg_get_int64(oldtup, desc, "id");
	concern_id = arrived_concern(id);
	if (concern_id == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_SG_REFERRAL_ARRIVED),
			 errmsg("referral " INT64_FORMAT " arrived as the council's concern " INT64_FORMAT, id, concern_id),
			 errdetail("Its local authority states follow the council's records of that concern."),
			 errhint("Act on concern " INT64_FORMAT ": safeguard.decide_concern(), then the enquiry functions (allocate_enquiry ... close_enquiry).",
					 concern_id)));
}

/*
 * Called when a council decides a concern: a concern that arrived as a
 * referral moves the referral to decided; no_enquiry also records its
 * outcome and closes it.
 */
void
sg_referral_follow_decision(int64 concern_id, const char *decision)
{
	int64		referral_id;

	if (!arrival_installed() || (referral_id = concern_referral(concern_id)) == 0)
		return;
	mirror("UPDATE safeguard.referral r SET state = 'decided', la_decision = d.decision, "
		   "la_decision_rationale = 'Decided by the local authority on its concern ' "
		   "OPERATOR(pg_catalog.||) d.concern_id OPERATOR(pg_catalog.||) ' (the rationale is the council''s record).', "
		   "decided_by = d.decided_by, decided_org_id = d.decided_org_id, decided_at = d.decided_at "
		   "FROM safeguard.concern_decision d WHERE r.id OPERATOR(pg_catalog.=) $1 "
		   "AND d.concern_id OPERATOR(pg_catalog.=) $2 AND r.state OPERATOR(pg_catalog.=) 'acknowledged'",
		   referral_id, concern_id);
	if (strcmp(decision, "no_enquiry") != 0)
		return;
	mirror("UPDATE safeguard.referral r SET state = 'outcome_recorded', "
		   "outcome_by = d.decided_by, outcome_org_id = d.decided_org_id, outcome_at = d.decided_at "
		   "FROM safeguard.concern_decision d WHERE r.id OPERATOR(pg_catalog.=) $1 "
		   "AND d.concern_id OPERATOR(pg_catalog.=) $2",
		   referral_id, concern_id);
	mirror("UPDATE safeguard.referral r SET state = 'closed', "
		   "feedback_waived_reason = 'No enquiry: the regulator reads the decision in safeguard.referral_la_pathway.', "
		   "closed_by = d.decided_by, closed_org_id = d.decided_org_id, closed_at = d.decided_at "
		   "FROM safeguard.concern_decision d WHERE r.id OPERATOR(pg_catalog.=) $1 "
		   "AND d.concern_id OPERATOR(pg_catalog.=) $2",
		   referral_id, concern_id);
}

/*
 * Called after an update of a council's enquiry: for an enquiry on a
 * concern that arrived as a referral, mirrors its allocation, conclusion
 * and closure onto the referral.
 */
void
sg_referral_follow_enquiry(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc)
{
	int			from = sg_row_state(&sg_la_enquiry_machine, oldtup, desc, "state");
	int			to = sg_row_state(&sg_la_enquiry_machine, newtup, desc, "state");
	bool		allocation = !sg_column_unchanged(oldtup, newtup, desc, sg_attnum(desc, "allocated_to"));
	int64		enquiry_id = sg_get_int64(newtup, desc, "id");
	int64		referral_id;

	if (!allocation && (from == to || (to != SG_LAE_CONCLUDED && to != SG_LAE_CLOSED)))
		return;
	if (!arrival_installed() ||
		(referral_id = concern_referral(sg_get_int64(newtup, desc, "concern_id"))) == 0)
		return;
	if (allocation)
		mirror("UPDATE safeguard.referral r SET allocated_to = e.allocated_to, "
			   "allocated_by = e.allocated_by, allocated_at = e.allocated_at "
			   "FROM safeguard.la_enquiry e WHERE r.id OPERATOR(pg_catalog.=) $1 "
			   "AND e.id OPERATOR(pg_catalog.=) $2",
			   referral_id, enquiry_id);
	if (from != to && to == SG_LAE_CONCLUDED)
		mirror("UPDATE safeguard.referral r SET state = 'outcome_recorded', "
			   "action_result = e.action_result, risk_outcome = e.risk_outcome, "
			   "lacked_capacity = e.lacked_capacity, "
			   "advocate_supported = CASE WHEN e.lacked_capacity OPERATOR(pg_catalog.=) "
			   "'Yes, they lacked capacity'::safeguard.sac_capacity THEN e.advocate_arranged END, "
			   "msp_asked = e.msp_asked, msp_achieved = e.msp_achieved, "
			   "outcome_by = e.concluded_by, outcome_org_id = e.concluded_org_id, outcome_at = e.concluded_at "
			   "FROM safeguard.la_enquiry e WHERE r.id OPERATOR(pg_catalog.=) $1 "
			   "AND e.id OPERATOR(pg_catalog.=) $2 AND r.state OPERATOR(pg_catalog.=) 'decided'",
			   referral_id, enquiry_id);
	if (from != to && to == SG_LAE_CLOSED)
		mirror("UPDATE safeguard.referral r SET state = 'closed', feedback_at = e.feedback_at, "
			   "feedback_method = e.feedback_method, feedback_waived_reason = e.feedback_not_given_reason, "
			   "closed_by = e.closed_by, closed_org_id = e.closed_org_id, closed_at = e.closed_at "
			   "FROM safeguard.la_enquiry e WHERE r.id OPERATOR(pg_catalog.=) $1 "
			   "AND e.id OPERATOR(pg_catalog.=) $2 AND r.state OPERATOR(pg_catalog.=) 'outcome_recorded'",
			   referral_id, enquiry_id);
}
