/*
 * tracking_pack.c
 *		The case-tracking pack (issue 17 item 3): the SQL functions
 *		draw_tracking_pack(), verify_tracking_pack() and
 *		tracking_pack_journeys().  A pack is a stratified random sample of a
 *		local authority's enquiries (its journeys, open and closed) decided
 *		in a period: a random 6 and a reserve of 4, one stratum at a time; the
 *		draw itself is sg_pack_draw (assurance.c, backend-free).
 *
 * Invariants:
 *	- Only the authority's SAM or DSAM draws its pack (42501 for any other
 *	  role or authority); a period ending before it starts is refused
 *	  (SG914), a period with no enquiry draws nothing (SG913).
 *	- A pack keeps its seed, its candidates and each candidate's stratum,
 *	  and is written only by safeguard (tracking_pack, tracking_pack_case:
 *	  internal_only); verify_tracking_pack() derives the draw again.
 *	- The journeys are read as the owner only after the caller is shown to
 *	  be on the staff of the pack's authority; who acted is their duty and
 *	  team, and their login name only when asked for.
 *	- A stratum is the adult's group as the concern records it, first of:
 *	  autism (an autism diagnosis), learning disability, mental health (the
 *	  primary support reason), older people (aged 65 or over at receipt),
 *	  other adults; crossed with whether the enquiry was closed at the draw.
 */
#include "postgres.h"

#include "actions.h"
#include "assurance.h"
#include "deadline_clock.h"
#include "internal_write.h"
#include "safeguard.h"
#include "sg_errcodes.h"
#include "spi_util.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "port.h"
#include "utils/datum.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(sg_draw_tracking_pack);
PG_FUNCTION_INFO_V1(sg_verify_tracking_pack);
PG_FUNCTION_INFO_V1(sg_tracking_pack_journeys);

#define PACK_SIZE (SG_PACK_SAMPLE + SG_PACK_RESERVE)

/* The candidates: the authority's enquiries decided in the period, with their stratum. */
static const char *const candidates_sql =
"SELECT e.id, pg_catalog.concat("
"  CASE WHEN x.adult_autism IS NOT NULL THEN 'autism' "
"       WHEN safeguard.sac_support_group(x.adult_primary_support_reason) OPERATOR(pg_catalog.=) 'Learning Disability Support' "
"       THEN 'learning disability' "
"       WHEN safeguard.sac_support_group(x.adult_primary_support_reason) OPERATOR(pg_catalog.=) 'Mental Health Support' "
"       THEN 'mental health' "
"       WHEN x.adult_age_band OPERATOR(pg_catalog.=) ANY ('{65-74,75-84,85-94,95+}'::pg_catalog.text[]) THEN 'older people' "
"       ELSE 'other adults' END, "
"  CASE WHEN e.state OPERATOR(pg_catalog.=) 'closed' THEN ', closed' ELSE ', open' END) "
"FROM safeguard.la_enquiry e "
"JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) e.concern_id "
"JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) e.la_id "
"JOIN safeguard.division d ON d.division OPERATOR(pg_catalog.=) o.division "
"WHERE e.la_id OPERATOR(pg_catalog.=) $1 "
"  AND (e.decided_at AT TIME ZONE d.time_zone)::pg_catalog.date OPERATOR(pg_catalog.>=) $2 "
"  AND (e.decided_at AT TIME ZONE d.time_zone)::pg_catalog.date OPERATOR(pg_catalog.<=) $3 "
"ORDER BY e.id";

/*
 * Each case's journey, one row per step reached, read as the owner: the
 * step's actor by duty and team ($2: with the login name), the deadline the
 * step meets and whether it did.
 */
static const char *const journeys_sql =
"WITH c AS ("
"  SELECT pc.position, pc.reserve, pc.stratum, pc.enquiry_id, e.case_id, e.la_id, e.concern_id "
"  FROM safeguard.tracking_pack_case pc "
"  JOIN safeguard.la_enquiry e ON e.id OPERATOR(pg_catalog.=) pc.enquiry_id "
"  WHERE pc.pack_id OPERATOR(pg_catalog.=) $1), "
"s AS ("
"  SELECT c.position, 1 AS step_order, 'Concern received' AS step, x.received_at AS at, x.logged_by AS role, "
"         NULL::pg_catalog.regrole AS role2, NULL::pg_catalog.text AS dl_table, NULL::pg_catalog.int8 AS dl_id, "
"         NULL::pg_catalog.text AS dl_kind, "
"         pg_catalog.concat('from ', pg_catalog.replace(x.source::pg_catalog.text, '_', ' ')) AS decision, "
"         NULL::pg_catalog.text AS rationale, "
"         pg_catalog.concat_ws('; ', pg_catalog.concat('channel: ', pg_catalog.replace(x.channel::pg_catalog.text, '_', ' ')), "
"             pg_catalog.concat('risk: ', pg_catalog.array_to_string(x.risk_types::pg_catalog.text[], ', ')), "
"             CASE WHEN x.immediate_risk THEN 'adult at immediate risk' END, "
"             CASE WHEN x.adult_date_of_death IS NOT NULL THEN 'the adult has died' END) AS detail "
"  FROM c JOIN safeguard.concern x ON x.id OPERATOR(pg_catalog.=) c.concern_id "
"  UNION ALL "
"  SELECT c.position, 2, 'Concern decided', d.decided_at, d.decided_by, NULL, 'concern', c.concern_id, 'triage', "
"         pg_catalog.concat(pg_catalog.replace(d.decision::pg_catalog.text, '_', ' '), "
"             ' (' OPERATOR(pg_catalog.||) pg_catalog.replace(d.alternative_action::pg_catalog.text, '_', ' ') OPERATOR(pg_catalog.||) ')'), "
"         d.rationale, "
"         pg_catalog.concat('care and support needs: ', CASE WHEN d.care_and_support_needs THEN 'yes' ELSE 'no' END, "
"             '; abuse or neglect: ', CASE WHEN d.abuse_or_neglect THEN 'yes' ELSE 'no' END, "
"             '; unable to protect themselves: ', CASE WHEN d.unable_to_protect_self THEN 'yes' ELSE 'no' END) "
"  FROM c JOIN safeguard.concern_decision d ON d.concern_id OPERATOR(pg_catalog.=) c.concern_id "
"  UNION ALL "
"  SELECT c.position, 3, 'Allocated', e.allocated_at, e.allocated_by, e.allocated_to, NULL, NULL, NULL, "
"         'allocated to a named worker', NULL, NULL "
"  FROM c JOIN safeguard.la_enquiry e ON e.id OPERATOR(pg_catalog.=) c.enquiry_id "
"  UNION ALL "
"  SELECT c.position, 4, pg_catalog.concat('Strategy ', st.kind::pg_catalog.text), st.held_at, st.recorded_by, NULL, "
"         'la_enquiry', c.enquiry_id, 'strategy_discussion', 'held', st.decisions, "
"         CASE WHEN $2 THEN pg_catalog.concat('attendees: ', st.attendees) END "
"  FROM c JOIN safeguard.la_enquiry_strategy st ON st.enquiry_id OPERATOR(pg_catalog.=) c.enquiry_id "
"  UNION ALL "
"  SELECT c.position, 5, 'Enquiry started', e.started_at, e.started_by, NULL, 'la_enquiry', c.enquiry_id, 'enquiry_contact', "
"         CASE WHEN e.retrospective THEN 'retrospective enquiry (the adult has died)' "
"              ELSE pg_catalog.concat('Making Safeguarding Personal: asked ', e.msp_asked::pg_catalog.text) END, "
"         coalesce(e.msp_outcomes_wanted, e.msp_not_asked_reason), "
"         CASE WHEN NOT e.retrospective THEN pg_catalog.concat_ws('; ', "
"             pg_catalog.concat('lacked capacity: ', e.lacked_capacity::pg_catalog.text), "
"             CASE WHEN e.advocate_arranged THEN 'independent advocate arranged' "
"                  ELSE pg_catalog.concat('no advocate: ', e.advocate_not_arranged_reason) END) END "
"  FROM c JOIN safeguard.la_enquiry e ON e.id OPERATOR(pg_catalog.=) c.enquiry_id "
"  UNION ALL "
"  SELECT c.position, 6, 'Safeguarding plan made', p.made_at, p.recorded_by, NULL, NULL, NULL, NULL, 'plan made', p.summary, NULL "
"  FROM c JOIN safeguard.la_enquiry_plan p ON p.enquiry_id OPERATOR(pg_catalog.=) c.enquiry_id "
"  UNION ALL "
"  SELECT c.position, 7, 'Safeguarding plan reviewed', r.reviewed_at, r.recorded_by, NULL, NULL, NULL, NULL, "
"         CASE WHEN r.plan_ended THEN 'plan ended' ELSE 'plan continues' END, r.outcome, NULL "
"  FROM c JOIN safeguard.la_enquiry_plan_review r ON r.enquiry_id OPERATOR(pg_catalog.=) c.enquiry_id "
"  UNION ALL "
"  SELECT c.position, 8, 'Enquiry concluded', e.concluded_at, e.concluded_by, NULL, 'la_enquiry', c.enquiry_id, "
"         'enquiry_conclusion', e.action_result::pg_catalog.text, NULL, "
"         pg_catalog.concat_ws('; ', "
"             pg_catalog.concat('risk: ', pg_catalog.array_to_string(e.risk_types::pg_catalog.text[], ', ')), "
"             pg_catalog.concat('location: ', e.risk_location::pg_catalog.text), "
"             pg_catalog.concat('source: ', e.source_of_risk::pg_catalog.text), "
"             'risk outcome: ' OPERATOR(pg_catalog.||) e.risk_outcome::pg_catalog.text, "
"             'outcomes the adult wanted achieved: ' OPERATOR(pg_catalog.||) e.msp_achieved::pg_catalog.text, "
"             CASE WHEN e.sar_considered THEN 'Safeguarding Adults Review referral considered' END) "
"  FROM c JOIN safeguard.la_enquiry e ON e.id OPERATOR(pg_catalog.=) c.enquiry_id "
"  UNION ALL "
"  SELECT c.position, 9, 'Enquiry closed', e.closed_at, e.closed_by, NULL, 'la_enquiry', c.enquiry_id, 'enquiry_feedback', "
"         CASE WHEN e.feedback_at IS NOT NULL "
"              THEN pg_catalog.concat('referrer told the outcome (', e.feedback_method::pg_catalog.text, ', ', "
"                   safeguard.local_date(e.feedback_at)::pg_catalog.text, ')') "
"              ELSE 'referrer not told the outcome' END, "
"         e.feedback_not_given_reason, "
"         CASE WHEN e.adult_feedback_at IS NOT NULL "
"              THEN pg_catalog.concat('adult told (', safeguard.local_date(e.adult_feedback_at)::pg_catalog.text, ')') "
"              WHEN e.adult_feedback_not_given_reason IS NOT NULL "
"              THEN pg_catalog.concat('adult not told: ', e.adult_feedback_not_given_reason) END "
"  FROM c JOIN safeguard.la_enquiry e ON e.id OPERATOR(pg_catalog.=) c.enquiry_id) "
"SELECT c.position, c.reserve, c.stratum, c.enquiry_id, c.case_id, s.step_order, s.step, s.at, "
"       CASE WHEN s.role IS NULL THEN NULL "
"            WHEN $2 THEN pg_catalog.concat(s.role::pg_catalog.text, ' (', coalesce(w.label, 'no duty recorded'), ')') "
"            ELSE coalesce(w.label, 'no duty recorded') END, "
"       dl.due_at, dl.in_time, s.decision, s.rationale, "
"       pg_catalog.concat_ws('; ', s.detail, "
"           CASE WHEN s.role2 IS NULL THEN NULL "
"                WHEN $2 THEN pg_catalog.concat('to ', s.role2::pg_catalog.text, ' (', coalesce(w2.label, 'no duty recorded'), ')') "
"                ELSE pg_catalog.concat('to ', coalesce(w2.label, 'no duty recorded')) END) "
"FROM s JOIN c ON c.position OPERATOR(pg_catalog.=) s.position "
"LEFT JOIN LATERAL (SELECT d.due_at_close AS due_at, "
"       CASE d.status WHEN 'met' THEN true WHEN 'breached' THEN false END AS in_time "
"       FROM safeguard.deadline d WHERE d.subject_table OPERATOR(pg_catalog.=) s.dl_table "
"       AND d.subject_id OPERATOR(pg_catalog.=) s.dl_id AND d.kind OPERATOR(pg_catalog.=) s.dl_kind "
"       ORDER BY d.id LIMIT 1) dl ON true "
"LEFT JOIN LATERAL (SELECT pg_catalog.concat_ws(', ', CASE g.duty WHEN 'la_officer' THEN 'safeguarding officer' "
"       WHEN 'sam' THEN 'safeguarding adults manager' WHEN 'admin' THEN 'administrator (DSAM)' "
"       ELSE pg_catalog.replace(g.duty::pg_catalog.text, '_', ' ') END, g.team) AS label "
"       FROM safeguard.duty_grant g WHERE g.role OPERATOR(pg_catalog.=) s.role "
"       AND g.organisation_id OPERATOR(pg_catalog.=) c.la_id "
"       ORDER BY g.revoked_at IS NULL DESC, g.id DESC LIMIT 1) w ON true "
"LEFT JOIN LATERAL (SELECT pg_catalog.concat_ws(', ', CASE g.duty WHEN 'la_officer' THEN 'safeguarding officer' "
"       WHEN 'sam' THEN 'safeguarding adults manager' WHEN 'admin' THEN 'administrator (DSAM)' "
"       ELSE pg_catalog.replace(g.duty::pg_catalog.text, '_', ' ') END, g.team) AS label "
"       FROM safeguard.duty_grant g WHERE g.role OPERATOR(pg_catalog.=) s.role2 "
"       AND g.organisation_id OPERATOR(pg_catalog.=) c.la_id "
"       ORDER BY g.revoked_at IS NULL DESC, g.id DESC LIMIT 1) w2 ON true "
"WHERE s.at IS NOT NULL "
"ORDER BY c.position, s.at, s.step_order";

/* Raises SG208 for a pack that does not exist or is another authority's. */
static void
pack_not_found(int64 id)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_NOT_FOUND),
			 errmsg("case-tracking pack " INT64_FORMAT " does not exist or is not visible to you", id),
			 errhint("A case-tracking pack is seen by its local authority's own staff only.")));
}

/* Orders C strings for qsort. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * Numbers the strata of the candidates: their distinct names in byte order
 * (so the numbering depends on the names alone), into cand[i].stratum.
 * Returns the number of strata.
 */
static int
number_strata(char **names, SgPackCandidate *cand, int n)
{
	char	  **sorted = palloc(sizeof(char *) * Max(n, 1));
	int			nstrata = 0;

	memcpy(sorted, names, sizeof(char *) * n);
	qsort(sorted, (size_t) n, sizeof(char *), cmp_str);
	for (int i = 0; i < n; i++)
		if (nstrata == 0 || strcmp(sorted[i], sorted[nstrata - 1]) != 0)
			sorted[nstrata++] = sorted[i];
	for (int i = 0; i < n; i++)
	{
		char	  **hit = bsearch(&names[i], sorted, (size_t) nstrata, sizeof(char *), cmp_str);

		cand[i].stratum = (int) (hit - sorted);
	}
	return nstrata;
}

/* Draws from the candidates; returns the count taken into out (room for PACK_SIZE). */
static int
draw(char **names, SgPackCandidate *cand, int n, uint64 seed, int64 *out)
{
	int			nstrata = number_strata(names, cand, n);
	int			made = sg_pack_draw(cand, n, nstrata, seed, PACK_SIZE, (int64_t *) out);

	if (made < 0)
		elog(ERROR, "safeguard: the case-tracking draw failed");
	return made;
}

/* Returns the stratum name of a candidate id. */
static const char *
stratum_of(char **names, const SgPackCandidate *cand, int n, int64 id)
{
	for (int i = 0; i < n; i++)
		if (cand[i].id == id)
			return names[i];
	elog(ERROR, "safeguard: drawn enquiry " INT64_FORMAT " is no candidate", id);
	pg_unreachable();
}

/*
 * SQL: draw_tracking_pack(la_id, period_from, period_to, seed DEFAULT NULL)
 * -> bigint.  Draws the pack, records it and its cases, returns its id.
 */
Datum
sg_draw_tracking_pack(PG_FUNCTION_ARGS)
{
	const SgActor *a = sg_current_actor();
	int64		la_id;
	DateADT		from,
				to;
	uint64		seed;
	SgDuty		duty;
	int			n;
	SgPackCandidate *cand;
	char	  **names;
	Datum	   *name_datums;
	int64	   *ids;
	int64		picked[PACK_SIZE];
	int			made;
	int64		pack;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NULL_ARGUMENT),
				 errmsg("a case-tracking pack needs its local authority and period"),
				 errhint("Call safeguard.draw_tracking_pack(la_id, period_from, period_to).")));
	la_id = PG_GETARG_INT64(0);
	duty = sg_require_action(a, "draw_tracking_pack", la_id);
	from = PG_GETARG_DATEADT(1);
	to = PG_GETARG_DATEADT(2);
	if (DATE_NOT_FINITE(from) || DATE_NOT_FINITE(to) || to < from)
		ereport(ERROR,
				(errcode(ERRCODE_SG_PACK_PERIOD),
				 errmsg("a case-tracking pack's period must be finite dates, the first not after the last"),
				 errdetail("The period given runs from %s to %s.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(from))),
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(to)))),
				 errhint("Give the first and the last day of the period the journeys were decided in.")));
	if (PG_ARGISNULL(3))
	{
		if (!pg_strong_random(&seed, sizeof(seed)))
			elog(ERROR, "could not generate a random seed");
	}
	else
		seed = (uint64) PG_GETARG_INT64(3);

	sg_spi_connect();
	{
		Oid			types[3] = {INT8OID, DATEOID, DATEOID};
		Datum		values[3] = {Int64GetDatum(la_id), DateADTGetDatum(from), DateADTGetDatum(to)};

		sg_exec_internal(candidates_sql, 3, types, values, NULL);
	}
	n = (int) SPI_processed;
	cand = SPI_palloc(sizeof(SgPackCandidate) * Max(n, 1));
	names = SPI_palloc(sizeof(char *) * Max(n, 1));
	ids = SPI_palloc(sizeof(int64) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		cand[i].id = ids[i] = sg_spi_int64(i, 1, 0);
		names[i] = sg_spi_strdup_out(sg_spi_text(i, 2));
	}
	sg_spi_finish();
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_SG_PACK_EMPTY),
				 errmsg("local authority " INT64_FORMAT " decided no enquiry in that period", la_id),
				 errdetail("A case-tracking pack samples the enquiries decided from %s to %s; there are none.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(from))),
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(to)))),
				 errhint("Choose a period in which the authority decided enquiries.")));
	made = draw(names, cand, n, seed, picked);

	name_datums = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
		name_datums[i] = CStringGetTextDatum(names[i]);
	sg_spi_connect();
	{
		Oid			types[9] = {INT8OID, DATEOID, DATEOID, INT8OID, INT8ARRAYOID, TEXTARRAYOID, OIDOID, TEXTOID,
		TIMESTAMPTZOID};
		Datum		values[9];

		values[0] = Int64GetDatum(la_id);
		values[1] = DateADTGetDatum(from);
		values[2] = DateADTGetDatum(to);
		values[3] = Int64GetDatum((int64) seed);
		values[4] = PointerGetDatum(sg_int8_array(ids, n));
		values[5] = PointerGetDatum(construct_array(name_datums, n, TEXTOID, -1, false, TYPALIGN_INT));
		values[6] = ObjectIdGetDatum(a->userid);
		values[7] = CStringGetTextDatum(sg_duty_name(duty));
		values[8] = TimestampTzGetDatum(sg_now());
		sg_spi_exec_expect("INSERT INTO safeguard.tracking_pack (la_id, period_from, period_to, seed, candidates, "
						   "candidate_strata, drawn_by, drawn_duty, drawn_at) "
						   "VALUES ($1, $2, $3, $4, $5, $6, $7::pg_catalog.regrole, $8::safeguard.duty, $9) RETURNING id",
						   9, types, values, NULL, 1);
		pack = sg_spi_int64(0, 1, 0);
	}
	for (int i = 0; i < made; i++)
	{
		Oid			types[6] = {INT8OID, INT4OID, INT8OID, INT8OID, TEXTOID, BOOLOID};
		Datum		values[6];

		values[0] = Int64GetDatum(pack);
		values[1] = Int32GetDatum(i + 1);
		values[2] = Int64GetDatum(picked[i]);
		values[3] = Int64GetDatum(la_id);
		values[4] = CStringGetTextDatum(stratum_of(names, cand, n, picked[i]));
		values[5] = BoolGetDatum(i >= SG_PACK_SAMPLE);
		sg_spi_exec_expect("INSERT INTO safeguard.tracking_pack_case (pack_id, position, enquiry_id, la_id, stratum, reserve) "
						   "VALUES ($1, $2, $3, $4, $5, $6)", 6, types, values, NULL, 1);
	}
	sg_spi_finish();
	PG_RETURN_INT64(pack);
}

static int64 pack_authority(int64 pack);

/*
 * Returns the pack of argument 0 after checking that the caller is on the
 * staff of its authority (SG208 otherwise: not there); SG103 for NULL.
 */
static int64
pack_argument(FunctionCallInfo fcinfo, const char *call)
{
	int64		pack;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_NULL_ARGUMENT),
				 errmsg("which case-tracking pack?"),
				 errhint("Call safeguard.%s(pack_id).", call)));
	pack = PG_GETARG_INT64(0);
	pack_authority(pack);
	return pack;
}

/* Loads a pack's la_id as the owner; SG208 unless the caller works for that authority. */
static int64
pack_authority(int64 pack)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(pack)};
	int64		la_id = 0;
	bool		found;

	sg_spi_connect();
	sg_exec_internal("SELECT la_id FROM safeguard.tracking_pack WHERE id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL);
	found = SPI_processed == 1;
	if (found)
		la_id = sg_spi_int64(0, 1, 0);
	sg_spi_finish();
	if (!found || sg_current_actor()->org_id != la_id)
		pack_not_found(pack);
	sg_require_action(sg_current_actor(), "read_tracking_pack", la_id);
	return la_id;
}

/*
 * SQL: verify_tracking_pack(pack_id) -> boolean.  Derives the draw again
 * from the seed, candidates and strata the pack recorded; true when its
 * cases are that draw, in order, with their strata and the reserve marked.
 */
Datum
sg_verify_tracking_pack(PG_FUNCTION_ARGS)
{
	int64		pack;
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	uint64		seed = 0;
	Datum		cand_arr = 0,
				strata_arr = 0;
	Datum	   *e;
	bool	   *en;
	int			n,
				ns;
	SgPackCandidate *cand;
	char	  **names;
	int64		picked[PACK_SIZE];
	int			made;
	bool		same;

	pack = pack_argument(fcinfo, "verify_tracking_pack");
	values[0] = Int64GetDatum(pack);
	sg_spi_connect();
	sg_exec_internal("SELECT seed, candidates, candidate_strata FROM safeguard.tracking_pack "
					 "WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values, NULL);
	{
		bool		isnull;

		seed = (uint64) sg_spi_int64(0, 1, 0);
		cand_arr = datumCopy(sg_spi_value(0, 2, &isnull), false, -1);
		strata_arr = datumCopy(sg_spi_value(0, 3, &isnull), false, -1);
	}
	sg_spi_finish();
	deconstruct_array(DatumGetArrayTypeP(cand_arr), INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &e, &en, &n);
	cand = palloc(sizeof(SgPackCandidate) * Max(n, 1));
	for (int i = 0; i < n; i++)
		cand[i].id = DatumGetInt64(e[i]);
	deconstruct_array(DatumGetArrayTypeP(strata_arr), TEXTOID, -1, false, TYPALIGN_INT, &e, &en, &ns);
	if (ns != n)
		PG_RETURN_BOOL(false);
	names = palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
		names[i] = TextDatumGetCString(e[i]);
	made = draw(names, cand, n, seed, picked);

	sg_spi_connect();
	sg_exec_internal("SELECT enquiry_id, position::pg_catalog.int8, stratum, reserve FROM safeguard.tracking_pack_case "
					 "WHERE pack_id OPERATOR(pg_catalog.=) $1 ORDER BY position", 1, types, values, NULL);
	same = SPI_processed == (uint64) made;
	for (int i = 0; same && i < made; i++)
		same = sg_spi_int64(i, 1, 0) == picked[i] && sg_spi_int64(i, 2, 0) == i + 1 &&
			strcmp(sg_spi_text(i, 3), stratum_of(names, cand, n, picked[i])) == 0 &&
			sg_spi_bool(i, 4, false) == (i >= SG_PACK_SAMPLE);
	sg_spi_finish();
	PG_RETURN_BOOL(same);
}

/*
 * SQL: tracking_pack_journeys(pack_id, with_names DEFAULT false) -> SETOF
 * the journey steps of every case of the pack, in draw order then time.
 */
Datum
sg_tracking_pack_journeys(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		pack;
	Oid			types[2] = {INT8OID, BOOLOID};
	Datum		values[2];

	pack = pack_argument(fcinfo, "tracking_pack_journeys");
	InitMaterializedSRF(fcinfo, 0);
	values[0] = Int64GetDatum(pack);
	values[1] = BoolGetDatum(!PG_ARGISNULL(1) && PG_GETARG_BOOL(1));
	sg_spi_connect();
	sg_exec_internal(journeys_sql, 2, types, values, NULL);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		Datum		row[14];
		bool		nulls[14];

		for (int c = 0; c < 14; c++)
			row[c] = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c + 1, &nulls[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
	}
	sg_spi_finish();
	return (Datum) 0;
}
