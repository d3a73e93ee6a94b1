/*
 * sac.c
 *		sac YEAR: the Safeguarding Adults Collection return for the
 *		collection year starting 1 April YEAR, as CSV, from
 *		safeguard.sac_return(year, disclosure_control).
 *
 * Invariants:
 *	- COPY takes no parameters, so the year is validated here (digits only,
 *	  MIN_YEAR..MAX_YEAR), as is --la (digits only), and the statement is
 *	  built from the parsed integers and a boolean chosen by a flag; no text
 *	  from the command line reaches the SQL.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define MIN_YEAR 2000
#define MAX_YEAR 2100
#define CLI_OPT_DISCLOSURE 0x200
#define CLI_OPT_LA 0x201

/* Prints the help of sac. */
static void
sac_help(FILE *out)
{
	fprintf(out,
			"Exports the Safeguarding Adults Collection (SAC) return for the collection\n"
			"year from 1 April YEAR to 31 March YEAR+1 as CSV with a header line, from\n"
			"safeguard.sac_return(), one row per cell of NHS Digital's template for each\n"
			"local authority: columns LA_ID, CASSR_CODE, ONS_CODE, TABLE_REFERENCE,\n"
			"ENQUIRY_TYPE, CATEGORY, SUBCATEGORY, COLUMN_NAME, ROW_NAME, VALUE.\n"
			"\n"
			"Usage:\n"
			"  %s sac [OPTIONS] YEAR\n"
			"\n"
			"YEAR is the year the collection year starts in, %d to %d.\n"
			"\n"
			"Options:\n"
			"      --disclosure-control\n"
			"                         apply the collection's disclosure control to small\n"
			"                         counts (sac_return(year, true))\n"
			"      --la=ID            only the local authority with organisation id ID\n"
			"  -o, --output=FILE      write to FILE (default: standard output); FILE is\n"
			"                         replaced only once the export is complete\n",
			CLI_NAME, MIN_YEAR, MAX_YEAR);
	cli_print_common_options(out, true);
	cli_print_exit_codes(out);
}

/* Parses YEAR strictly: 4 digits, no sign or spaces, within range.  Returns -1 if not. */
static int
parse_year(const char *s)
{
	int			year = 0;

	if (strlen(s) != 4)
		return -1;
	for (int i = 0; i < 4; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return -1;
		year = year * 10 + (s[i] - '0');
	}
	if (year < MIN_YEAR || year > MAX_YEAR)
		return -1;
	return year;
}

/* Checks that this database's safeguard has sac_return() taking nargs arguments; returns the exit status. */
static int
check_sac_return(PGconn *conn, int nargs)
{
	static const CliErrorSpec spec = {"sac: looking up sac_return()", NULL, NULL};
	PGresult   *res;
	char		sql[256];
	int			rc;
	bool		found;

	snprintf(sql, sizeof(sql),
			 "SELECT pg_catalog.count(*) FROM pg_catalog.pg_proc p "
			 "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
			 "WHERE n.nspname = 'safeguard' AND p.proname = 'sac_return' "
			 "AND p.pronargs >= %d", nargs);
	res = PQexec(conn, sql);
	rc = cli_expect(conn, res, PGRES_TUPLES_OK, &spec);
	if (rc != CLI_EXIT_OK)
		return rc;
	found = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	PQclear(res);
	if (found)
		return CLI_EXIT_OK;
	cli_error("sac: this database's safeguard (version %s) has no sac_return(year, disclosure_control%s)",
			  cli_extension_version(), nargs > 2 ? ", la_id" : "");
	fprintf(stderr, "%s: HINT: the SAC return needs a later safeguard: ALTER EXTENSION safeguard UPDATE.\n",
			CLI_NAME);
	return CLI_EXIT_SERVER;
}

/* Parses an organisation id strictly: 1 to 18 digits, not zero.  Returns -1 if not. */
static long long
parse_id(const char *s)
{
	long long	id = 0;
	size_t		len = strlen(s);

	if (len == 0 || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return -1;
		id = id * 10 + (s[i] - '0');
	}
	return id > 0 ? id : -1;
}

/* Runs sac YEAR [--disclosure-control] [--la ID] [-o FILE]. */
static int
sac_run(CliOptions *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		CLI_COMMON_LONG_OPTIONS,
		{"disclosure-control", no_argument, NULL, CLI_OPT_DISCLOSURE},
		{"la", required_argument, NULL, CLI_OPT_LA},
		{"output", required_argument, NULL, 'o'},
		{"progress", no_argument, NULL, CLI_OPT_PROGRESS},
		{NULL, 0, NULL, 0}
	};
	bool		disclosure = false;
	const char *output = NULL;
	const char *la_arg = NULL;
	long long	la_id = 0;
	int			year;
	char		la_sql[48] = "";
	char		sql[224];
	char		label[32];
	CliErrorSpec spec;
	CliCopyTarget target;
	PGconn	   *conn;
	int			rc;
	int			c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CLI_COMMON_SHORT_OPTIONS "o:", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case CLI_OPT_DISCLOSURE:
				disclosure = true;
				break;
			case CLI_OPT_LA:
				la_arg = optarg;
				break;
			case 'o':
				output = optarg;
				break;
			default:
				rc = cli_common_option(c, &cli_sac_command, argv, opts);
				if (rc >= 0)
					return rc;
		}
	}
	if (optind >= argc)
		return cli_usage_error("sac", "no YEAR given");
	if (optind + 1 < argc)
		return cli_usage_error("sac", "too many arguments, starting at \"%s\"", argv[optind + 1]);
	year = parse_year(argv[optind]);
	if (year < 0)
	{
		cli_error("sac: YEAR must be a year from %d to %d (the collection year starting 1 April YEAR), not \"%s\"",
				  MIN_YEAR, MAX_YEAR, argv[optind]);
		return CLI_EXIT_BAD_INPUT;
	}
	if (la_arg)
	{
		la_id = parse_id(la_arg);
		if (la_id < 0)
		{
			cli_error("sac: --la must be a local authority's organisation id (a positive integer), not \"%s\"",
					  la_arg);
			return CLI_EXIT_BAD_INPUT;
		}
		snprintf(la_sql, sizeof(la_sql), ", %lld::pg_catalog.int8", la_id);
	}

	conn = cli_connect(opts, &rc);
	if (conn == NULL)
		return rc;

	rc = check_sac_return(conn, la_arg ? 3 : 2);
	if (rc != CLI_EXIT_OK)
	{
		PQfinish(conn);
		return rc;
	}

	snprintf(sql, sizeof(sql),
			 "COPY (SELECT * FROM safeguard.sac_return(%d::pg_catalog.int4, %s%s)) "
			 "TO STDOUT WITH (FORMAT csv, HEADER)",
			 year, disclosure ? "true" : "false", la_sql);
	snprintf(label, sizeof(label), "sac %d", year);
	spec.context = label;
	spec.bad_input_states = NULL;
	spec.permission_hint = "the SAC return is for the reader, admin, contact centre, inspector, LA officer and SAM duties; ask a safeguard administrator.";
	target.output = output;
	target.label = label;
	target.progress = cli_want_progress(opts, output);
	rc = cli_copy_out(conn, sql, &target, &spec);
	PQfinish(conn);
	return rc;
}

const CliCommand cli_sac_command = {
	"sac", "export the Safeguarding Adults Collection return as CSV",
	sac_run, sac_help
};
