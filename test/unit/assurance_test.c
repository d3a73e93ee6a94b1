/*
 * assurance_test.c
 *		TAP tests of src/assurance.c: the reproducible draw of case-file
 *		audits (generator, shuffle, assignment to auditors with conflicts),
 *		the kinds of record a programme samples, and the Safeguarding Adults
 *		Review machine.
 */
#include "assurance.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#define MAXN 512

/* Draws into out from a copy of ids; returns the count. */
static int
draw(const int64_t *ids, int n, uint64_t seed, int nauditors, int per,
	 const SgSampleConflict *conf, int nconf, SgSampleDraw *out)
{
	int64_t		work[MAXN];

	memcpy(work, ids, sizeof(int64_t) * (size_t) n);
	return sg_sample_draw(work, n, seed, nauditors, per, conf, nconf, out);
}

/* splitmix64's published first outputs from state 0. */
static void
test_generator(void)
{
	uint64_t	s = 0;
	uint64_t	a = sg_sample_next(&s);
	uint64_t	b = sg_sample_next(&s);
	uint64_t	c = sg_sample_next(&s);

	ok(a == UINT64_C(0xe220a8397b1dcdaf) && b == UINT64_C(0x6e789e6aa1b965f4) &&
	   c == UINT64_C(0x06c45d188009454f),
	   "the generator is splitmix64 (its reference outputs from seed 0)");
}

/* The shuffle is a permutation, depends on the seed, and is the same every time. */
static void
test_order(void)
{
	int64_t		a[100],
				b[100],
				c[100];
	int			perm = 1;
	int			same = 1;
	int			differ = 0;

	for (int i = 0; i < 100; i++)
		a[i] = b[i] = c[i] = i + 1;
	sg_sample_order(a, 100, 42);
	sg_sample_order(b, 100, 42);
	sg_sample_order(c, 100, 43);
	for (int i = 0; i < 100; i++)
	{
		int			found = 0;

		for (int j = 0; j < 100; j++)
			found += a[j] == i + 1;
		perm &= found == 1;
		same &= a[i] == b[i];
		differ += a[i] != c[i];
	}
	ok(perm, "the shuffle is a permutation of the candidates");
	ok(same, "the same seed gives the same order");
	ok(differ > 50, "another seed gives another order (%d of 100 places differ)", differ);
}

/* Every candidate is equally likely first (chi-square over 5 candidates, 50,000 seeds). */
static void
test_uniform(void)
{
	long		first[5] = {0};
	double		chi = 0;
	const int	trials = 50000;

	for (int t = 0; t < trials; t++)
	{
		int64_t		v[5] = {1, 2, 3, 4, 5};

		sg_sample_order(v, 5, (uint64_t) t * UINT64_C(2654435761) + 7);
		first[v[0] - 1]++;
	}
	for (int i = 0; i < 5; i++)
	{
		double		e = trials / 5.0;

		chi += (first[i] - e) * (first[i] - e) / e;
	}
	/* 4 degrees of freedom: 18.47 is the 0.1% critical value */
	ok(chi < 18.47, "each candidate is equally likely to come first (chi-square %.2f < 18.47)", chi);
}

/* The draw: reproducible, independent of input order, fills each auditor's quota. */
static void
test_draw(void)
{
	int64_t		ids[40],
				rev[40];
	SgSampleDraw d1[12],
				d2[12];
	int			n1,
				n2;
	int			same = 1;
	int			counts[3] = {0};
	int			dup = 0;

	for (int i = 0; i < 40; i++)
	{
		ids[i] = 1000 + i * 3;
		rev[39 - i] = ids[i];
	}
	n1 = draw(ids, 40, 20261207, 3, 4, NULL, 0, d1);
	n2 = draw(rev, 40, 20261207, 3, 4, NULL, 0, d2);
	ok(n1 == 12 && n2 == 12, "3 auditors x 4 a month draw 12 of 40 candidates (%d, %d)", n1, n2);
	for (int i = 0; i < n1; i++)
	{
		same &= d1[i].record_id == d2[i].record_id && d1[i].auditor == d2[i].auditor &&
			d1[i].position == d2[i].position;
		counts[d1[i].auditor]++;
		for (int j = 0; j < i; j++)
			dup += d1[j].record_id == d1[i].record_id;
	}
	ok(same, "the candidates' order does not change the draw (sorted before the shuffle)");
	ok(counts[0] == 4 && counts[1] == 4 && counts[2] == 4, "each auditor gets exactly their 4");
	ok(dup == 0, "no record is drawn twice");
	ok(d1[0].position == 1 && d1[11].position == 12,
	   "with no conflicts the draw takes the shuffled order's first 12, in turn");
	n2 = draw(ids, 40, 20261208, 3, 4, NULL, 0, d2);
	same = 1;
	for (int i = 0; i < n1 && i < n2; i++)
		same &= d1[i].record_id == d2[i].record_id;
	ok(!same, "another seed draws other records");
}

/* Conflicts: an auditor never gets a record they acted on. */
static void
test_conflicts(void)
{
	int64_t		ids[10];
	SgSampleConflict conf[10];
	SgSampleDraw d[6];
	int			n;
	int			bad = 0;
	int			by1 = 0;

	for (int i = 0; i < 10; i++)
	{
		ids[i] = i + 1;
		/* auditor 1 acted on records 1..5 */
		conf[i].record_id = i + 1;
		conf[i].auditor = i < 5 ? 1 : 99;
	}
	n = draw(ids, 10, 7, 2, 3, conf, 10, d);
	for (int i = 0; i < n; i++)
	{
		bad += d[i].auditor == 1 && d[i].record_id <= 5;
		by1 += d[i].auditor == 1;
	}
	ok(n == 6 && bad == 0 && by1 == 3, "a conflicted auditor gets only records they did not act on (%d drawn, %d bad)", n, bad);
	for (int i = 0; i < 10; i++)
		conf[i].auditor = 0;
	n = draw(ids, 10, 7, 2, 3, conf, 10, d);
	bad = 0;
	for (int i = 0; i < n; i++)
		bad += d[i].auditor == 0;
	ok(n == 3 && bad == 0, "an auditor who acted on every candidate gets none; the others still get theirs (%d)", n);
}

/* A quota per team: no team's work gives more than its quota; without one, the plain draw. */
static void
test_teams(void)
{
	int64_t		ids[12],
				plain_ids[12];
	int			teams[12];
	SgSampleDraw d[12],
				plain[12];
	int			per_team[3] = {0, 0, 0};
	int			n,
				np,
				same = 1,
				over = 0,
				subset = 1;

	for (int i = 0; i < 12; i++)
	{
		/* given in reverse id order: the teams must follow their ids through the sort */
		ids[i] = plain_ids[i] = 12 - i;
		teams[i] = (int) ((12 - i) % 3);
	}
	n = sg_sample_draw_teams(ids, teams, 12, 99, 3, 4, 2, NULL, 0, d);
	for (int i = 0; i < n; i++)
		per_team[d[i].record_id % 3]++;
	for (int t = 0; t < 3; t++)
		over += per_team[t] != 2;
	ok(n == 6 && over == 0, "3 teams x 2: six drawn, two of each team's work (%d drawn)", n);
	np = sg_sample_draw(plain_ids, 12, 99, 3, 4, NULL, 0, plain);
	for (int i = 0; i < n; i++)
	{
		int			found = 0;

		for (int j = 0; j < np; j++)
			found |= plain[j].record_id == d[i].record_id && plain[j].position == d[i].position;
		subset &= found;
	}
	ok(np == 12 && subset, "the quota skips records in the shuffled order, never reorders them");
	for (int i = 0; i < 12; i++)
		ids[i] = 12 - i;
	n = sg_sample_draw_teams(ids, teams, 12, 99, 3, 4, 0, NULL, 0, d);
	for (int i = 0; i < n && i < np; i++)
		same &= d[i].record_id == plain[i].record_id && d[i].auditor == plain[i].auditor &&
			d[i].position == plain[i].position;
	ok(n == np && same, "no team quota: exactly the plain draw");
}

/* Short periods, duplicates and empty input. */
static void
test_edges(void)
{
	int64_t		ids[5] = {9, 3, 9, 3, 5};
	SgSampleDraw d[10];
	int			n = draw(ids, 5, 1, 2, 5, NULL, 0, d);
	int			a0 = 0;

	for (int i = 0; i < n; i++)
		a0 += d[i].auditor == 0;
	ok(n == 3, "duplicate candidates count once (3 distinct of 5)");
	ok(a0 == 2, "a short period is shared out in turn (2 and 1)");
	ok(draw(ids, 0, 1, 2, 5, NULL, 0, d) == 0, "no candidates: nothing drawn");
	ok(draw(ids, 5, 1, 0, 5, NULL, 0, d) == 0 && draw(ids, 5, 1, 2, 0, NULL, 0, d) == 0,
	   "no auditors or no quota: nothing drawn");
}

/* The kinds of record. */
static void
test_kinds(void)
{
	const SgAuditKindRule *r = sg_audit_kind_find("referral");
	const SgAuditKindRule *e = sg_audit_kind_find("provider_enquiry");
	const SgAuditKindRule *l = sg_audit_kind_find("la_enquiry");
	int			good = 0;

	for (int i = 0; i < SG_NAUDITKINDS; i++)
	{
		const SgAuditKindRule *k = sg_audit_kind_rule((SgAuditRecordKind) i);

		good += k != NULL && k->kind == (SgAuditRecordKind) i && sg_audit_kind_find(k->name) == k &&
			k->actors[0] != NULL && k->practitioner[0] != NULL &&
			(!k->regulator_audits || k->regulator_practitioner[0] != NULL);
	}
	ok(good == SG_NAUDITKINDS, "every kind has its name, its practitioner and the stamps of who acted");
	ok(r && r->regulator_audits && e && !e->regulator_audits,
	   "the regulator audits referrals, not provider enquiries");
	ok(l && !l->regulator_audits && strcmp(l->table, "la_enquiry") == 0 &&
	   strcmp(l->practitioner[0], "allocated_to") == 0 && strcmp(l->practitioner[1], "decided_by") == 0,
	   "a council's own enquiry: its authority audits it; the allocated officer, else who decided");
	ok(sg_audit_kind_find("enquiry") == NULL && sg_audit_kind_rule(SG_NAUDITKINDS) == NULL,
	   "unknown kinds are refused");
}

/* The Safeguarding Adults Review machine. */
static void
test_sar_machine(void)
{
	const SgMachine *m = &sg_sar_machine;
	const SgTransition *c = sg_fsm_transition(m, SG_SAR_REFERRED, SG_SAR_COMMISSIONED);
	int			next[SG_NSARSTATES];

	ok(c && sg_fsm_transition(m, SG_SAR_REFERRED, SG_SAR_NOT_COMMISSIONED) &&
	   sg_fsm_transition(m, SG_SAR_COMMISSIONED, SG_SAR_COMPLETED),
	   "the board decides, then a commissioned review completes");
	ok(sg_fsm_transition(m, SG_SAR_REFERRED, SG_SAR_COMPLETED) == NULL &&
	   sg_fsm_next_states(m, SG_SAR_NOT_COMMISSIONED, next) == 0 &&
	   sg_fsm_next_states(m, SG_SAR_COMPLETED, next) == 0,
	   "no review completes without being commissioned; not_commissioned and completed are final");
	ok(c && c->npermits == 2 && c->permits[0].duty == SG_DUTY_SAM && c->permits[1].duty == SG_DUTY_ADMIN &&
	   c->permits[0].org == SG_ACT_FOR_RECIPIENT_LA,
	   "only the authority's SAM or DSAM records the board's decision");
}

/*
 * The case-tracking pack's draw: reproducible from its seed, one stratum
 * at a time before any stratum gives a second, every id once, and no more
 * than there are.
 */
static void
test_pack_draw(void)
{
	SgPackCandidate c[60];
	int64_t		a[10],
				b[10],
				d[10];
	int			na,
				nb,
				nd;
	bool		distinct = true;
	bool		spread = true;
	int			seen[6] = {0};

	for (int i = 0; i < 60; i++)
	{
		c[i].id = 1000 + i;
		c[i].stratum = i % 6;
	}
	na = sg_pack_draw(c, 60, 6, 20261207, SG_PACK_SAMPLE + SG_PACK_RESERVE, a);
	nb = sg_pack_draw(c, 60, 6, 20261207, SG_PACK_SAMPLE + SG_PACK_RESERVE, b);
	nd = sg_pack_draw(c, 60, 6, 20261208, SG_PACK_SAMPLE + SG_PACK_RESERVE, d);
	ok(na == 10 && nb == 10 && memcmp(a, b, sizeof(a)) == 0,
	   "a pack drawn twice from one seed is the same ten journeys in the same order");
	ok(nd == 10 && memcmp(a, d, sizeof(a)) != 0, "another seed draws another pack");
	for (int i = 0; i < na; i++)
		for (int j = 0; j < i; j++)
			distinct = distinct && a[i] != a[j];
	for (int i = 0; i < SG_PACK_SAMPLE; i++)
		seen[(a[i] - 1000) % 6]++;
	for (int s = 0; s < 6; s++)
		spread = spread && seen[s] == 1;
	ok(distinct && spread, "the six sampled come one from each of the six strata, every journey once");
	/* the first stratum holds 3, the second 1: 4 in all, whatever is wanted */
	c[0].stratum = 0;
	c[1].stratum = 0;
	c[2].stratum = 0;
	c[3].stratum = 1;
	nd = sg_pack_draw(c, 4, 2, 7, 10, d);
	ok(nd == 4, "a pack of four candidates takes all four (%d)", nd);
	ok(sg_pack_draw(c, 0, 2, 7, 10, d) == 0 && sg_pack_draw(c, 4, 1, 7, 10, d) == -1,
	   "no candidates draw nothing; a stratum out of range draws nothing (-1)");
}

int
main(void)
{
	test_generator();
	test_order();
	test_uniform();
	test_draw();
	test_conflicts();
	test_edges();
	test_teams();
	test_kinds();
	test_sar_machine();
	test_pack_draw();
	printf("1..%d\n", tests_run);
	return tests_failed ? 1 : 0;
}
