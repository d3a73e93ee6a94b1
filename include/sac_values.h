/*
 * sac_values.h
 *		The controlled values of the Safeguarding Adults Collection that
 *		safeguard records as codes: the NHS Data Dictionary ethnic category
 *		codes and their SG1c groups, the SG1d primary support reasons, and
 *		the CASSR and ONS codes of a local authority.  Backend-free
 *		(unit-tested in test/unit).
 */
#ifndef SAFEGUARD_SAC_VALUES_H
#define SAFEGUARD_SAC_VALUES_H

#include <stdbool.h>
#include <stddef.h>

/* One code of a vocabulary: the value recorded, what it means, its cell of the return. */
typedef struct SgSacValue
{
	const char *value;			/* what is recorded, e.g. "A" */
	const char *description;	/* what it means, e.g. "White - British" */
	const char *sac_label;		/* its cell label without the table prefix */
} SgSacValue;

extern const SgSacValue sg_ethnic_categories[];
extern const int sg_n_ethnic_categories;
extern const SgSacValue sg_support_reasons[];
extern const int sg_n_support_reasons;

/* SG1c's label when no code is recorded; SG1d's. */
#define SG_SAC_ETHNIC_UNKNOWN "Undeclared / Not Known"
#define SG_SAC_SUPPORT_UNKNOWN "Not Known"

extern const SgSacValue *sg_ethnic_category(const char *s, size_t len);
extern const SgSacValue *sg_support_reason(const char *s, size_t len);
extern const char *sg_sac_ethnic_group(const char *s, size_t len);
extern const char *sg_sac_support_group(const char *s, size_t len);
extern bool sg_cassr_code_valid(const char *s, size_t len);
extern bool sg_ons_code_valid(const char *s, size_t len);

#endif							/* SAFEGUARD_SAC_VALUES_H */
