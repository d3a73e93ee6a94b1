/*
 * sac_values.c
 *		The controlled values of the Safeguarding Adults Collection (SAC)
 *		that a concern records, and the codes that name a local authority in
 *		the return.
 *
 * Ethnicity is recorded as an NHS Data Dictionary ethnic category code (the
 * 2001 census categories A-S, Z "not stated", 99 "not known"); the return's
 * table SG1c counts the groups of the 2011 census that NHS Digital
 * publishes, so Chinese (R) rolls up under Asian / Asian British and "not
 * stated" (the person declined) is Refused.  The primary support reason is
 * one of the return's SG1d values.  Rows logged before 1.5 hold free text
 * (the guards did not check it then, and a concern is never rewritten): the
 * group functions read the return's own group names in it, whatever the
 * case, and count anything else as not known.
 *
 * A local authority is named in the return by its CASSR code (three
 * digits) and in ONS geography by a nine-character code whose entity is a
 * unitary authority (E06), metropolitan district (E08), London borough
 * (E09) or county (E10): the councils with adult social services
 * responsibilities.
 *
 * Backend-free: test/unit/sac_values_test.c checks it.
 */
#include "sac_values.h"

#include <string.h>

/* NHS Data Dictionary ETHNIC CATEGORY (2001 census), with the SG1c group of each. */
const SgSacValue sg_ethnic_categories[] = {
	{"A", "White - British", "White"},
	{"B", "White - Irish", "White"},
	{"C", "White - Any other White background", "White"},
	{"D", "Mixed - White and Black Caribbean", "Mixed / Multiple"},
	{"E", "Mixed - White and Black African", "Mixed / Multiple"},
	{"F", "Mixed - White and Asian", "Mixed / Multiple"},
	{"G", "Mixed - Any other mixed background", "Mixed / Multiple"},
	{"H", "Asian or Asian British - Indian", "Asian / Asian British"},
	{"J", "Asian or Asian British - Pakistani", "Asian / Asian British"},
	{"K", "Asian or Asian British - Bangladeshi", "Asian / Asian British"},
	{"L", "Asian or Asian British - Any other Asian background", "Asian / Asian British"},
	{"M", "Black or Black British - Caribbean", "Black / African / Caribbean / Black British"},
	{"N", "Black or Black British - African", "Black / African / Caribbean / Black British"},
	{"P", "Black or Black British - Any other Black background", "Black / African / Caribbean / Black British"},
	{"R", "Other Ethnic Groups - Chinese", "Asian / Asian British"},
	{"S", "Other Ethnic Groups - Any other ethnic group", "Other Ethnic Group"},
	{"Z", "Not stated (asked, and declined to give an ethnic category)", "Refused"},
	{"99", "Not known (not asked, or not recorded)", SG_SAC_ETHNIC_UNKNOWN},
};
const int	sg_n_ethnic_categories = sizeof(sg_ethnic_categories) / sizeof(sg_ethnic_categories[0]);

/* SG1d: the primary support reasons the return counts; each is recorded as itself. */
const SgSacValue sg_support_reasons[] = {
	{"Physical Support", "Physical support: access and mobility, or personal care", "Physical Support"},
	{"Sensory Support", "Sensory support: visual, hearing or dual impairment", "Sensory Support"},
	{"Support with Memory and Cognition", "Support with memory and cognition", "Support with Memory and Cognition"},
	{"Learning Disability Support", "Learning disability support", "Learning Disability Support"},
	{"Mental Health Support", "Mental health support", "Mental Health Support"},
	{"Social Support", "Social support: substance misuse, asylum seeker, social isolation or other", "Social Support"},
	{"No Support Reason", "No support reason: the adult has no care and support needs", "No Support Reason"},
	{"Not Known", "Not known", SG_SAC_SUPPORT_UNKNOWN},
};
const int	sg_n_support_reasons = sizeof(sg_support_reasons) / sizeof(sg_support_reasons[0]);

/* Free text of rows logged before 1.5 that names a group: the group. */
static const SgSacValue legacy_ethnic[] = {
	{"White", NULL, "White"},
	{"Mixed", NULL, "Mixed / Multiple"},
	{"Mixed / Multiple", NULL, "Mixed / Multiple"},
	{"Asian", NULL, "Asian / Asian British"},
	{"Asian / Asian British", NULL, "Asian / Asian British"},
	{"Black", NULL, "Black / African / Caribbean / Black British"},
	{"Black / African / Caribbean / Black British", NULL, "Black / African / Caribbean / Black British"},
	{"Other", NULL, "Other Ethnic Group"},
	{"Other Ethnic Group", NULL, "Other Ethnic Group"},
	{"Refused", NULL, "Refused"},
};
static const SgSacValue legacy_support[] = {
	{"Physical", NULL, "Physical Support"},
	{"Sensory", NULL, "Sensory Support"},
	{"Memory and Cognition", NULL, "Support with Memory and Cognition"},
	{"Learning Disability", NULL, "Learning Disability Support"},
	{"Mental Health", NULL, "Mental Health Support"},
	{"Social", NULL, "Social Support"},
};

/* Returns true when s (len bytes) equals z exactly, or whatever the ASCII case when fold. */
static bool
same(const char *s, size_t len, const char *z, bool fold)
{
	if (strlen(z) != len)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		char		a = s[i],
					b = z[i];

		if (fold)
		{
			if (a >= 'A' && a <= 'Z')
				a = (char) (a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char) (b - 'A' + 'a');
		}
		if (a != b)
			return false;
	}
	return true;
}

/* Returns the entry of table whose value is s, or NULL. */
static const SgSacValue *
find(const SgSacValue *table, int n, const char *s, size_t len, bool fold)
{
	for (int i = 0; i < n; i++)
		if (same(s, len, table[i].value, fold))
			return &table[i];
	return NULL;
}

/* Returns the ethnic category coded s exactly ("A", ..., "Z", "99"), or NULL. */
const SgSacValue *
sg_ethnic_category(const char *s, size_t len)
{
	return s ? find(sg_ethnic_categories, sg_n_ethnic_categories, s, len, false) : NULL;
}

/* Returns the SG1d primary support reason spelt exactly s, or NULL. */
const SgSacValue *
sg_support_reason(const char *s, size_t len)
{
	return s ? find(sg_support_reasons, sg_n_support_reasons, s, len, false) : NULL;
}

/* Returns the part of s (len bytes, updated) without leading and trailing ASCII blanks. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t'))
	{
		s++;
		(*len)--;
	}
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return s;
}

/*
 * Returns the SG1c label of what a concern records as ethnicity: the group
 * of a code, the group a pre-1.5 text names, else Undeclared / Not Known
 * (NULL s included).
 */
const char *
sg_sac_ethnic_group(const char *s, size_t len)
{
	const SgSacValue *v;

	if (s == NULL)
		return SG_SAC_ETHNIC_UNKNOWN;
	if ((v = sg_ethnic_category(s, len)) != NULL)
		return v->sac_label;
	s = trim(s, &len);
	v = find(legacy_ethnic, sizeof(legacy_ethnic) / sizeof(legacy_ethnic[0]), s, len, true);
	return v ? v->sac_label : SG_SAC_ETHNIC_UNKNOWN;
}

/*
 * Returns the SG1d label of what a concern records as primary support
 * reason: the value itself, the reason a pre-1.5 text names, else Not
 * Known (NULL s included).
 */
const char *
sg_sac_support_group(const char *s, size_t len)
{
	const SgSacValue *v;

	if (s == NULL)
		return SG_SAC_SUPPORT_UNKNOWN;
	if ((v = sg_support_reason(s, len)) != NULL)
		return v->sac_label;
	s = trim(s, &len);
	if ((v = find(sg_support_reasons, sg_n_support_reasons, s, len, true)) != NULL)
		return v->sac_label;
	v = find(legacy_support, sizeof(legacy_support) / sizeof(legacy_support[0]), s, len, true);
	return v ? v->sac_label : SG_SAC_SUPPORT_UNKNOWN;
}

/* Returns true for n ASCII digits at s. */
static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Returns true when s is a CASSR code: three digits, e.g. "202". */
bool
sg_cassr_code_valid(const char *s, size_t len)
{
	return s != NULL && len == 3 && digits(s, 3);
}

/*
 * Returns true when s is the ONS code of a council with adult social
 * services responsibilities: E06, E08, E09 or E10, then six digits.
 */
bool
sg_ons_code_valid(const char *s, size_t len)
{
	if (s == NULL || len != 9 || s[0] != 'E' || !digits(s + 1, 8))
		return false;
	return (s[1] == '0' && (s[2] == '6' || s[2] == '8' || s[2] == '9')) ||
		(s[1] == '1' && s[2] == '0');
}
