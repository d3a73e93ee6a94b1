/*
 * scope_columns_test.c
 *		TAP unit tests of src/scope_columns.c: the classification of the
 *		casework tables' columns that the planner hooks apply.
 *
 * Owns the evidence that the table says what the issue asks and nothing
 * looser: every column named once, with a known class, tables contiguous;
 * the identifying columns of the issue guarded (written out here from the
 * issue, not read from the library); every organisation column guarded;
 * the own-organisation exception granted to exactly the columns whose
 * policy shows the caller's own organisation's rows; no column whose name
 * says person, free text or organisation classed open (a review aid that
 * catches a careless addition); lookups of unknown tables and columns
 * answer "unlisted", which is guarded.
 *
 * Which columns the tables have is checked against the catalog by pgTAP
 * 16 (every column of every table under row-level security is listed).
 * No PostgreSQL headers; no arguments.  Output is TAP.
 */
#include "scope_columns.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

/* Returns true when s ends with suffix. */
static bool
ends_with(const char *s, const char *suffix)
{
	size_t		n = strlen(s);
	size_t		m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Every entry is well formed, named once, and each table's entries are contiguous. */
static void
test_well_formed(void)
{
	int			dup = 0;
	int			bad_class = 0;
	int			split = 0;

	for (int i = 0; i < sg_scope_ncolumns; i++)
	{
		const SgScopeColumn *a = &sg_scope_classification[i];

		if ((int) a->cls < 0 || a->cls >= SG_COL_UNLISTED)
			bad_class++;
		for (int j = i + 1; j < sg_scope_ncolumns; j++)
		{
			const SgScopeColumn *b = &sg_scope_classification[j];

			if (strcmp(a->table, b->table) == 0 && strcmp(a->column, b->column) == 0)
			{
				diag("listed twice: %s.%s", a->table, a->column);
				dup++;
			}
			/* a later entry of a's table after another table's entry */
			if (j > i + 1 && strcmp(a->table, b->table) == 0 &&
				strcmp(sg_scope_classification[j - 1].table, a->table) != 0)
			{
				diag("%s is split by %s", a->table, sg_scope_classification[j - 1].table);
				split++;
			}
		}
	}
	ok(sg_scope_ncolumns > 200, "the classification lists every column (%d)", sg_scope_ncolumns);
	ok(dup == 0, "no column is listed twice");
	ok(bad_class == 0, "every column has a class, none 'unlisted'");
	ok(split == 0, "each table's columns are listed together");
}

/* The identifying columns, written out here: all guarded, as person or free text. */
static void
test_identifying(void)
{
	static const char *const concern[] = {
		"adult_nhs_number", "adult_name", "adult_date_of_birth", "adult_date_of_death",
		"referrer_name", "referrer_phone", "referrer_email", "referrer_address", "description",
	};
	static const char *const safeguarding_case[] = {"adult_key", "adult_pseudonym"};
	int			bad = 0;

	for (size_t i = 0; i < sizeof(concern) / sizeof(concern[0]); i++)
	{
		SgColumnClass c = sg_scope_column_class("concern", concern[i]);

		if (c != SG_COL_PERSON && c != SG_COL_FREE_TEXT)
		{
			diag("concern.%s is %s", concern[i], sg_scope_class_name(c));
			bad++;
		}
	}
	for (size_t i = 0; i < sizeof(safeguarding_case) / sizeof(safeguarding_case[0]); i++)
		if (sg_scope_column_class("safeguarding_case", safeguarding_case[i]) != SG_COL_PERSON)
			bad++;
	ok(bad == 0, "the issue's identifying columns of concern and safeguarding_case are person or free text");
}

/* Returns true for a column name that names an organisation. */
static bool
names_organisation(const char *column)
{
	return strcmp(column, "la_id") == 0 || strcmp(column, "organisation_id") == 0 ||
		strcmp(column, "provider_id") == 0 || strcmp(column, "provider_location_id") == 0 ||
		strcmp(column, "location_id") == 0 || strcmp(column, "funding_authority_id") == 0 ||
		ends_with(column, "_org_id");
}

/*
 * Organisation columns are guarded; the own-organisation exception goes to
 * exactly the columns the policies read that way (from the install
 * scripts: own_or_overseen's "organisation_id = current_organisation()",
 * lead_la_or_funder's funder arm, may_see_la(la_id), acts_for_provider).
 */
static void
test_organisation_columns(void)
{
	static const char *const own_org[] = {
		"deadline.organisation_id", "deadline_alert.organisation_id",
		"deadline_pause.organisation_id", "deadline_extension_approval.organisation_id",
		"commissioning_decision.funding_authority_id",
		"outbox.organisation_id",	/* may_consume_outbox: an administrator's own organisation */
		/* assurance: each organisation's own */
		"audit_tool.organisation_id", "audit_programme.organisation_id",
		"audit_selection.organisation_id", "case_file_audit.organisation_id",
		"audit_action.organisation_id", "sar_referral.la_id",
	};
	static const char *const own_la[] = {
		"concern.la_id", "safeguarding_case.la_id", "triage.la_id", "referral.la_id",
		"provider_enquiry.la_id", "improvement_plan.la_id", "plan_item.la_id",
	};
	static const char *const own_provider[] = {
		"improvement_plan.provider_id", "plan_item.provider_id",
	};
	int			open_org = 0;
	int			unexpected = 0;
	int			missing = 0;
	int			n_own = 0;

	for (int i = 0; i < sg_scope_ncolumns; i++)
	{
		const SgScopeColumn *c = &sg_scope_classification[i];
		char		name[128];
		const char *const *want = NULL;
		size_t		nwant = 0;
		bool		listed = false;

		snprintf(name, sizeof(name), "%s.%s", c->table, c->column);
		if (names_organisation(c->column) && !sg_scope_class_guarded(c->cls))
		{
			diag("%s names an organisation and is open", name);
			open_org++;
		}
		switch (c->cls)
		{
			case SG_COL_OWN_ORGANISATION:
				want = own_org;
				nwant = sizeof(own_org) / sizeof(own_org[0]);
				break;
			case SG_COL_OWN_LA:
				want = own_la;
				nwant = sizeof(own_la) / sizeof(own_la[0]);
				break;
			case SG_COL_OWN_PROVIDER:
				want = own_provider;
				nwant = sizeof(own_provider) / sizeof(own_provider[0]);
				break;
			default:
				continue;
		}
		n_own++;
		for (size_t k = 0; k < nwant; k++)
			listed |= strcmp(want[k], name) == 0;
		if (!listed)
		{
			diag("%s has the own-organisation exception %s", name, sg_scope_class_name(c->cls));
			unexpected++;
		}
	}
	for (size_t k = 0; k < sizeof(own_la) / sizeof(own_la[0]); k++)
	{
		char		table[64];
		const char *dot = strchr(own_la[k], '.');

		snprintf(table, sizeof(table), "%.*s", (int) (dot - own_la[k]), own_la[k]);
		if (sg_scope_column_class(table, dot + 1) != SG_COL_OWN_LA)
			missing++;
	}
	ok(open_org == 0, "every column naming an organisation is guarded");
	ok(unexpected == 0 && missing == 0 &&
	   n_own == (int) (sizeof(own_org) / sizeof(own_org[0]) + sizeof(own_la) / sizeof(own_la[0]) +
					   sizeof(own_provider) / sizeof(own_provider[0])),
	   "the own-organisation exception goes to exactly the columns the policies read that way (%d)",
	   n_own);
}

/*
 * A review aid: no open column has a name that says person, free text or
 * staff, except the flags that only say whether such a thing was recorded.
 */
static void
test_open_names(void)
{
	static const char *const words[] = {
		"name", "nhs", "phone", "email", "address", "birth", "death", "_by", "rationale",
		"reason", "description", "reference", "contact", "note", "evidence", "finding",
		"summary", "key", "pseudonym", "ethnicity", "gender", "team", "owner", "approver",
		"allocated_to", "response", "lessons", "strategy", "decisions", "activity", "title",
	};
	static const char *const allowed[] = {
		"adult_identified_by",	/* how the adult was identified: a category */
		"rationale_recorded", "decision_rationale_recorded", "withdrawal_rationale_recorded",
		"extended_by",			/* an amount */
		"approver_duty",		/* a duty's name */
		"raised_by_regulator",	/* a flag */
		"fact_finding_working_days",	/* a count */
		"per_team_per_month",	/* a count */
		"table_name", "row_key", "chain_key",	/* the audit trail's addresses: a table, a row's id, a chain */
	};
	int			bad = 0;

	for (int i = 0; i < sg_scope_ncolumns; i++)
	{
		const SgScopeColumn *c = &sg_scope_classification[i];
		bool		exempt = false;

		if (c->cls != SG_COL_OPEN)
			continue;
		for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
			exempt |= strcmp(c->column, allowed[k]) == 0;
		if (exempt)
			continue;
		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strstr(c->column, words[k]) != NULL)
			{
				diag("%s.%s is open but its name says \"%s\"", c->table, c->column, words[k]);
				bad++;
				break;
			}
	}
	ok(bad == 0, "no open column's name says person, free text or staff");
}

/* Every open column is an id, an instant, a state, a kind, a flag or an amount. */
static void
test_open_shapes(void)
{
	int			ids = 0;
	int			total = 0;

	for (int i = 0; i < sg_scope_ncolumns; i++)
	{
		const SgScopeColumn *c = &sg_scope_classification[i];

		if (c->cls != SG_COL_OPEN)
			continue;
		total++;
		if (strcmp(c->column, "id") == 0 || ends_with(c->column, "_id"))
			ids++;
	}
	ok(total > 0 && ids > 0, "open columns include the surrogate ids (%d of %d)", ids, total);
	ok(sg_scope_column_class("concern", "id") == SG_COL_OPEN &&
	   sg_scope_column_class("referral", "concern_id") == SG_COL_OPEN &&
	   sg_scope_column_class("deadline", "subject_id") == SG_COL_OPEN,
	   "primary keys and references by id stay open: equality on them may drive an index");
}

/* Lookups of what is not listed, names and guardedness of the classes. */
static void
test_lookups(void)
{
	bool		names_ok = true;

	ok(sg_scope_table_listed("concern") && sg_scope_table_listed("plan_item") &&
	   !sg_scope_table_listed("organisation") && !sg_scope_table_listed("concerns"),
	   "listed tables are the casework tables");
	ok(sg_scope_column_class("concern", "no_such_column") == SG_COL_UNLISTED &&
	   sg_scope_column_class("no_such_table", "id") == SG_COL_UNLISTED,
	   "an unknown column or table is unlisted");
	ok(sg_scope_class_guarded(SG_COL_UNLISTED), "unlisted is guarded: a new column is safe until classified");
	for (int c = 0; c < SG_NCOLCLASSES; c++)
	{
		names_ok &= strcmp(sg_scope_class_name((SgColumnClass) c), "?") != 0;
		names_ok &= sg_scope_class_guarded((SgColumnClass) c) == (c != SG_COL_OPEN);
		for (int d = c + 1; d < SG_NCOLCLASSES; d++)
			names_ok &= strcmp(sg_scope_class_name((SgColumnClass) c),
							   sg_scope_class_name((SgColumnClass) d)) != 0;
	}
	ok(names_ok, "every class has its own name; every class but open is guarded");
	ok(strcmp(sg_scope_class_name(SG_NCOLCLASSES), "?") == 0 &&
	   strcmp(sg_scope_class_name((SgColumnClass) -1), "?") == 0,
	   "out-of-range classes are named \"?\"");
}

/* Runs every test group and prints the TAP plan last. */
int
main(void)
{
	test_well_formed();
	test_identifying();
	test_organisation_columns();
	test_open_names();
	test_open_shapes();
	test_lookups();

	printf("1..%d\n", tests_run);
	if (tests_failed)
		diag("failed %d of %d tests", tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
