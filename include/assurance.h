/*
 * assurance.h
 *		Assurance as data (assurance.c, backend-free): the kinds of record a
 *		case-file audit programme samples, the reproducible draw of a sample
 *		and its assignment to auditors, and the state machine of a
 *		Safeguarding Adults Review.  The glue is case_file_audit.c (audit
 *		programmes, selections, audits, actions) and sar.c (reviews).
 */
#ifndef SAFEGUARD_ASSURANCE_H
#define SAFEGUARD_ASSURANCE_H

#include "fsm.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * The kinds of record a programme audits (safeguard.audit_record_kind), in
 * the SQL enum's order.  A further kind is one more value here, one more
 * rule in assurance.c and one more label of the SQL enum.
 */
typedef enum SgAuditRecordKind
{
	SG_AUDIT_KIND_REFERRAL = 0,
	SG_AUDIT_KIND_PROVIDER_ENQUIRY,
	SG_AUDIT_KIND_LA_ENQUIRY,
	SG_NAUDITKINDS
} SgAuditRecordKind;

#define SG_AUDIT_MAX_COLUMNS 10

/* How a kind of record is sampled and whose work it is. */
typedef struct SgAuditKindRule
{
	SgAuditRecordKind kind;
	const char *name;			/* the label of safeguard.audit_record_kind */
	const char *table;			/* relation in schema safeguard */
	const char *la_column;		/* the local authority whose work it is */
	const char *date_column;	/* the instant that places it in a period */
	bool		regulator_audits;	/* the regulator's programmes may audit it */
	/* whose work is audited: the first of these that is set */
	const char *practitioner[SG_AUDIT_MAX_COLUMNS];	/* for an authority's programme */
	const char *regulator_practitioner[SG_AUDIT_MAX_COLUMNS];	/* for the regulator's */
	/* every stamp naming a role that acted on the record (the audit trail adds more) */
	const char *actors[SG_AUDIT_MAX_COLUMNS];
} SgAuditKindRule;

extern const SgAuditKindRule *sg_audit_kind_rule(SgAuditRecordKind k);
extern const SgAuditKindRule *sg_audit_kind_find(const char *name);

/* One record drawn for one auditor. */
typedef struct SgSampleDraw
{
	int64_t		record_id;
	int			auditor;		/* index into the programme's auditors */
	int			position;		/* 1-based position of the record in the shuffled order */
} SgSampleDraw;

/* A pair a draw must avoid: the auditor acted on the record. */
typedef struct SgSampleConflict
{
	int64_t		record_id;
	int			auditor;
} SgSampleConflict;

extern uint64_t sg_sample_next(uint64_t *state);
extern void sg_sample_order(int64_t *ids, int n, uint64_t seed);
extern int	sg_sample_draw(int64_t *candidates, int ncandidates, uint64_t seed,
						   int nauditors, int per_auditor,
						   const SgSampleConflict *conflicts, int nconflicts,
						   SgSampleDraw *out);
extern int	sg_sample_draw_teams(int64_t *candidates, const int *teams, int ncandidates,
								 uint64_t seed, int nauditors, int per_auditor, int per_team,
								 const SgSampleConflict *conflicts, int nconflicts,
								 SgSampleDraw *out);

/*
 * The case-tracking pack (issue 17 item 3): a stratified draw of journeys.
 * Each candidate carries the index of its stratum (a group such as "older
 * people" crossed with open or closed); the draw takes one journey from each
 * stratum in turn, strata in an order shuffled by the seed and each stratum's
 * journeys shuffled by the seed, until it has taken want.  The first
 * SG_PACK_SAMPLE of the result are the sample, the rest the reserve.
 */
#define SG_PACK_SAMPLE 6
#define SG_PACK_RESERVE 4

typedef struct SgPackCandidate
{
	int64_t		id;
	int			stratum;		/* 0 .. nstrata - 1 */
} SgPackCandidate;

extern int	sg_pack_draw(const SgPackCandidate *candidates, int ncandidates, int nstrata,
						 uint64_t seed, int want, int64_t *out);

/* Safeguarding Adults Reviews: the states of a SAR referral. */
typedef enum SgSarState
{
	SG_SAR_REFERRED = 0,
	SG_SAR_COMMISSIONED,
	SG_SAR_NOT_COMMISSIONED,
	SG_SAR_COMPLETED,
	SG_NSARSTATES
} SgSarState;

extern const SgMachine sg_sar_machine;

#endif							/* SAFEGUARD_ASSURANCE_H */
