/*
 * assurance.c
 *		Assurance as data, backend-free (unit-tested in test/unit): the kinds
 *		of record a case-file audit programme samples, the draw of a sample,
 *		and the state machine of a Safeguarding Adults Review.
 *
 * The draw is random but reproducible: the same candidates, seed, auditors
 * and conflicts give the same audits, whoever computes them and whenever.
 * So the selection records exactly those four things (audit_selection), and
 * safeguard.verify_audit_selection() derives the sample again from them.
 *
 * Invariants:
 *	- The order of the candidates given does not matter: they are sorted
 *	  (and duplicates dropped) before the seeded shuffle.
 *	- The generator is splitmix64 and the shuffle Fisher-Yates with an
 *	  unbiased bounded draw (rejection), both fully specified here, so the
 *	  sample never depends on the platform's rand().
 *	- A record is drawn for at most one auditor, never for an auditor it
 *	  conflicts with (the auditor acted on it), and no auditor gets more
 *	  than per_auditor records; auditors are served in turn, so a short
 *	  period is shared out evenly.
 *	- With a team quota, no team's work gives more than per_team records;
 *	  the shuffle is the same with or without it.
 */
#include "assurance.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const SgAuditKindRule kinds[SG_NAUDITKINDS] = {
	[SG_AUDIT_KIND_REFERRAL] = {
		.kind = SG_AUDIT_KIND_REFERRAL, .name = "referral", .table = "referral",
		.la_column = "la_id", .date_column = "sent_at",
		.regulator_audits = true,
		/* the authority's practitioner: the allocated worker, else who decided */
		.practitioner = {"allocated_to", "decided_by", "acknowledged_by", NULL},
		/* the regulator audits its own decision: who triaged and sent it */
		.regulator_practitioner = {"created_by", "sent_by", NULL},
		.actors = {"created_by", "sent_by", "acknowledged_by", "decided_by", "outcome_by",
		"closed_by", "withdrawn_by", "allocated_to", "allocated_by", NULL},
	},
	[SG_AUDIT_KIND_PROVIDER_ENQUIRY] = {
		.kind = SG_AUDIT_KIND_PROVIDER_ENQUIRY, .name = "provider_enquiry",
		.table = "provider_enquiry", .la_column = "la_id", .date_column = "proposed_at",
		.regulator_audits = false,
		/* the SAM (or DSAM) who decided to invoke it, else who proposed it */
		.practitioner = {"decided_by", "proposed_by", NULL},
		.regulator_practitioner = {NULL},
		.actors = {"proposed_by", "decided_by", "closed_by", NULL},
	},
	[SG_AUDIT_KIND_LA_ENQUIRY] = {
		.kind = SG_AUDIT_KIND_LA_ENQUIRY, .name = "la_enquiry",
		.table = "la_enquiry", .la_column = "la_id", .date_column = "decided_at",
		.regulator_audits = false,
		/* the council's own enquiry: the allocated officer, else who decided it */
		.practitioner = {"allocated_to", "decided_by", NULL},
		.regulator_practitioner = {NULL},
		.actors = {"decided_by", "allocated_to", "allocated_by", "started_by",
		"concluded_by", "closed_by", NULL},
	},
};

/* Returns the rule of a kind of record, or NULL out of range. */
const SgAuditKindRule *
sg_audit_kind_rule(SgAuditRecordKind k)
{
	return ((int) k >= 0 && k < SG_NAUDITKINDS) ? &kinds[k] : NULL;
}

/* Returns the rule of a kind of record by its label, or NULL. */
const SgAuditKindRule *
sg_audit_kind_find(const char *name)
{
	for (int i = 0; i < SG_NAUDITKINDS; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* Returns the next value of a splitmix64 generator and advances its state. */
uint64_t
sg_sample_next(uint64_t *state)
{
	uint64_t	z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Returns a uniform value in [0, bound), bound > 0, by rejection (no modulo bias). */
static uint64_t
bounded(uint64_t *state, uint64_t bound)
{
	uint64_t	limit = UINT64_MAX - (UINT64_MAX % bound);
	uint64_t	v;

	do
		v = sg_sample_next(state);
	while (v >= limit);
	return v % bound;
}

/* Orders two ids for qsort. */
static int
cmp_id(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a;
	int64_t		y = *(const int64_t *) b;

	return (x > y) - (x < y);
}

/* Shuffles ids in place (Fisher-Yates) from a seed. */
void
sg_sample_order(int64_t *ids, int n, uint64_t seed)
{
	uint64_t	state = seed;

	for (int i = n - 1; i > 0; i--)
	{
		int			j = (int) bounded(&state, (uint64_t) i + 1);
		int64_t		t = ids[i];

		ids[i] = ids[j];
		ids[j] = t;
	}
}

/* Returns true when the auditor must not audit the record. */
static bool
conflicted(const SgSampleConflict *conflicts, int nconflicts, int64_t record_id, int auditor)
{
	for (int i = 0; i < nconflicts; i++)
		if (conflicts[i].record_id == record_id && conflicts[i].auditor == auditor)
			return true;
	return false;
}

/* A candidate and its team, ordered by id (for the team of a shuffled id). */
typedef struct Teamed
{
	int64_t		id;
	int			team;
} Teamed;

/* Orders two teamed candidates by id for qsort and bsearch. */
static int
cmp_teamed(const void *a, const void *b)
{
	return cmp_id(&((const Teamed *) a)->id, &((const Teamed *) b)->id);
}

/*
 * Draws a sample: sorts the candidates (in place; duplicates dropped),
 * shuffles them with the seed, then walks the shuffled order giving each
 * record to the next auditor in turn who still needs one and did not act
 * on it.  out has room for nauditors * per_auditor draws; returns how many
 * were made (fewer when the candidates run out).
 */
int
sg_sample_draw(int64_t *candidates, int ncandidates, uint64_t seed,
			   int nauditors, int per_auditor,
			   const SgSampleConflict *conflicts, int nconflicts,
			   SgSampleDraw *out)
{
	return sg_sample_draw_teams(candidates, NULL, ncandidates, seed, nauditors, per_auditor, 0,
								conflicts, nconflicts, out);
}

/*
 * As sg_sample_draw, with a quota per team as well: teams[i] (0 or more)
 * is the team of candidates[i] (whose work it is), and no team has more
 * than per_team records drawn.  teams NULL or per_team 0: no team quota,
 * and the draw is exactly sg_sample_draw's.  The shuffle is of the ids
 * alone, so a team quota changes which records are taken, never their
 * order.  Returns -1 when out of memory (nothing drawn).
 */
int
sg_sample_draw_teams(int64_t *candidates, const int *teams, int ncandidates, uint64_t seed,
					 int nauditors, int per_auditor, int per_team,
					 const SgSampleConflict *conflicts, int nconflicts,
					 SgSampleDraw *out)
{
	int			n = 0;
	int			made = 0;
	int			next = 0;
	int			capacity;
	Teamed	   *teamed = NULL;
	int		   *taken = NULL;
	int			nteams = 0;

	if (ncandidates <= 0 || nauditors <= 0 || per_auditor <= 0)
		return 0;
	if (teams != NULL && per_team > 0)
	{
		teamed = malloc(sizeof(Teamed) * (size_t) ncandidates);
		if (teamed == NULL)
			return -1;
		for (int i = 0; i < ncandidates; i++)
		{
			teamed[i].id = candidates[i];
			teamed[i].team = teams[i] < 0 ? 0 : teams[i];
			if (teamed[i].team >= nteams)
				nteams = teamed[i].team + 1;
		}
		qsort(teamed, (size_t) ncandidates, sizeof(Teamed), cmp_teamed);
		taken = calloc((size_t) nteams, sizeof(int));
		if (taken == NULL)
		{
			free(teamed);
			return -1;
		}
	}
	capacity = nauditors * per_auditor;
	qsort(candidates, (size_t) ncandidates, sizeof(int64_t), cmp_id);
	for (int i = 0; i < ncandidates; i++)
		if (n == 0 || candidates[i] != candidates[n - 1])
			candidates[n++] = candidates[i];
	sg_sample_order(candidates, n, seed);

	for (int p = 0; p < n && made < capacity; p++)
	{
		int			team = -1;

		if (teamed != NULL)
		{
			Teamed		key = {candidates[p], 0};
			const Teamed *t = bsearch(&key, teamed, (size_t) ncandidates, sizeof(Teamed), cmp_teamed);

			team = t ? t->team : 0;
			if (taken[team] >= per_team)
				continue;
		}
		for (int k = 0; k < nauditors; k++)
		{
			int			a = (next + k) % nauditors;
			int			have = 0;

			for (int d = 0; d < made; d++)
				have += out[d].auditor == a;
			if (have >= per_auditor || conflicted(conflicts, nconflicts, candidates[p], a))
				continue;
			out[made].record_id = candidates[p];
			out[made].auditor = a;
			out[made].position = p + 1;
			made++;
			if (team >= 0)
				taken[team]++;
			next = (a + 1) % nauditors;
			break;
		}
	}
	free(teamed);
	free(taken);
	return made;
}

/* Orders candidates by stratum, then id, for qsort. */
static int
cmp_candidate(const void *a, const void *b)
{
	const SgPackCandidate *x = a;
	const SgPackCandidate *y = b;

	if (x->stratum != y->stratum)
		return (x->stratum > y->stratum) - (x->stratum < y->stratum);
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Draws a case-tracking pack: groups the candidates by stratum (ids in
 * order, duplicates dropped), shuffles the order of the strata and the ids
 * of each stratum with generators seeded in turn from seed, then takes the
 * next id of each stratum in the shuffled order of strata, round after
 * round, until want are taken or none is left.  out has room for want ids;
 * returns how many were taken.  A stratum index outside 0 .. nstrata - 1
 * makes the draw take nothing (returns -1).
 */
int
sg_pack_draw(const SgPackCandidate *candidates, int ncandidates, int nstrata,
			 uint64_t seed, int want, int64_t *out)
{
	SgPackCandidate *c;
	int64_t    *ids;
	int		   *start;
	int		   *len;
	int64_t    *order;
	uint64_t	state = seed;
	int			n = 0;
	int			made = 0;

	if (ncandidates <= 0 || nstrata <= 0 || want <= 0)
		return 0;
	for (int i = 0; i < ncandidates; i++)
		if (candidates[i].stratum < 0 || candidates[i].stratum >= nstrata)
			return -1;
	c = malloc(sizeof(SgPackCandidate) * (size_t) ncandidates);
	ids = malloc(sizeof(int64_t) * (size_t) ncandidates);
	start = calloc((size_t) nstrata, sizeof(int));
	len = calloc((size_t) nstrata, sizeof(int));
	order = malloc(sizeof(int64_t) * (size_t) nstrata);
	if (!c || !ids || !start || !len || !order)
	{
		free(c);
		free(ids);
		free(start);
		free(len);
		free(order);
		return -1;
	}
	memcpy(c, candidates, sizeof(SgPackCandidate) * (size_t) ncandidates);
	qsort(c, (size_t) ncandidates, sizeof(SgPackCandidate), cmp_candidate);
	for (int i = 0; i < ncandidates; i++)
	{
		if (n > 0 && c[i].id == ids[n - 1] && c[i].stratum == c[i - 1].stratum)
			continue;
		if (len[c[i].stratum]++ == 0)
			start[c[i].stratum] = n;
		ids[n++] = c[i].id;
	}
	for (int s = 0; s < nstrata; s++)
		order[s] = s;
	sg_sample_order(order, nstrata, sg_sample_next(&state));
	for (int s = 0; s < nstrata; s++)
		sg_sample_order(ids + start[s], len[s], sg_sample_next(&state));
	for (int round = 0; made < want; round++)
	{
		bool		any = false;

		for (int k = 0; k < nstrata && made < want; k++)
		{
			int			s = (int) order[k];

			if (round < len[s])
			{
				out[made++] = ids[start[s] + round];
				any = true;
			}
		}
		if (!any)
			break;
	}
	free(c);
	free(ids);
	free(start);
	free(len);
	free(order);
	return made;
}

/* The Safeguarding Adults Review machine: the board decides, then reviews. */
static const char *const sar_state_names[SG_NSARSTATES] = {
	"referred", "commissioned", "not_commissioned", "completed"
};

#define BOARD 2, {{SG_DUTY_SAM, SG_ACT_FOR_RECIPIENT_LA}, {SG_DUTY_ADMIN, SG_ACT_FOR_RECIPIENT_LA}}

static const SgTransition sar_transitions[] = {
	{SG_SAR_REFERRED, SG_SAR_COMMISSIONED, BOARD,
		{"decision_rationale", "reviewer", "methodology", NULL},
		{NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
	{SG_SAR_REFERRED, SG_SAR_NOT_COMMISSIONED, BOARD,
		{"decision_rationale", NULL},
		{NULL},
		{"decided_by", "decided_org_id", "decided_at", NULL}},
	{SG_SAR_COMMISSIONED, SG_SAR_COMPLETED, BOARD,
		{"findings_summary", NULL},
		{NULL},
		{"completed_by", "completed_org_id", "completed_at", NULL}},
};

const SgMachine sg_sar_machine = {
	"safeguarding adults review", SG_NSARSTATES, sar_state_names,
	sizeof(sar_transitions) / sizeof(sar_transitions[0]), sar_transitions
};
