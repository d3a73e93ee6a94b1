/*
 * export.c
 *		export VIEW [-o FILE]: one of safeguard's report views as CSV with a
 *		header; export --list: the report views and what each holds.
 *
 * Invariants:
 *	- Only a view (or materialized view) in schema safeguard whose name
 *	  starts with "report_" can be exported.  The name is checked against
 *	  the catalog with a parameterised query and quoted with
 *	  PQescapeIdentifier before it is put into the COPY, which cannot take
 *	  parameters; nothing else from the command line reaches the SQL.
 *	- What a role may read is the server's decision: the views are
 *	  security_invoker, so an export shows what the caller may see, and a
 *	  refusal is reported as permission refused.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_PREFIX "report_"
#define MAX_NAME_BYTES 63		/* NAMEDATALEN - 1 */

/* The report views, with their comments. */
static const char list_sql[] =
	"SELECT c.relname AS view, "
	"       COALESCE(pg_catalog.obj_description(c.oid, 'pg_class'), '') AS description "
	"FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
	"WHERE n.nspname OPERATOR(pg_catalog.=) 'safeguard' "
	"  AND c.relkind OPERATOR(pg_catalog.=) ANY ('{v,m}'::pg_catalog.\"char\"[]) "
	"  AND pg_catalog.starts_with(c.relname::pg_catalog.text, '" REPORT_PREFIX "') "
	"ORDER BY c.relname";

/* Whether $1 names a report view. */
static const char exists_sql[] =
	"SELECT pg_catalog.count(*) "
	"FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
	"WHERE n.nspname OPERATOR(pg_catalog.=) 'safeguard' "
	"  AND c.relkind OPERATOR(pg_catalog.=) ANY ('{v,m}'::pg_catalog.\"char\"[]) "
	"  AND c.relname::pg_catalog.text OPERATOR(pg_catalog.=) $1::pg_catalog.text";

/* Prints the help of export. */
static void
export_help(FILE *out)
{
	fprintf(out,
			"Exports one of safeguard's report views as CSV with a header line:\n"
			"COPY (SELECT * FROM safeguard.VIEW) TO STDOUT WITH (FORMAT csv, HEADER).\n"
			"Only views in schema safeguard named report_* can be exported; the rows are\n"
			"those the connecting role may see.\n"
			"\n"
			"Usage:\n"
			"  %s export [OPTIONS] VIEW\n"
			"  %s export --list\n"
			"\n"
			"Options:\n"
			"  -l, --list             list the report views with their descriptions\n"
			"  -o, --output=FILE      write to FILE (default: standard output); FILE is\n"
			"                         replaced only once the export is complete\n",
			CLI_NAME, CLI_NAME);
	cli_print_common_options(out, true);
	fprintf(out,
			"\nProgress (rows so far) goes to stderr when it is a terminal.  Dates are ISO;\n"
			"the file is UTF-8 and readable by its owner only.\n");
	cli_print_exit_codes(out);
}

/* Lists the report views with their comments (export --list). */
static int
list_views(PGconn *conn)
{
	static const CliErrorSpec spec = {"export --list", NULL, NULL};
	PGresult   *res = PQexec(conn, list_sql);
	int			rc = cli_expect(conn, res, PGRES_TUPLES_OK, &spec);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (PQntuples(res) == 0)
		cli_error("this database has no report views (safeguard %s)", cli_extension_version());
	else
		cli_print_table(stdout, res, "", 0);
	PQclear(res);
	if (fflush(stdout) != 0 || ferror(stdout))
	{
		cli_error("cannot write standard output: %s", strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}
	return CLI_EXIT_OK;
}

/* Reports an unknown view name and returns CLI_EXIT_BAD_INPUT. */
static int
unknown_view(const char *view, const char *why)
{
	cli_error("export: \"%s\" %s", view, why);
	fprintf(stderr, "%s: HINT: \"%s export --list\" shows the views that can be exported.\n",
			CLI_NAME, CLI_NAME);
	return CLI_EXIT_BAD_INPUT;
}

/* Checks the view name against the catalog; returns CLI_EXIT_OK or the failure's status. */
static int
check_view(PGconn *conn, const char *view)
{
	static const CliErrorSpec spec = {"export: looking up the view", NULL, NULL};
	const char *params[1] = {view};
	PGresult   *res;
	int			rc;
	bool		found;

	res = PQexecParams(conn, exists_sql, 1, NULL, params, NULL, NULL, 0);
	rc = cli_expect(conn, res, PGRES_TUPLES_OK, &spec);
	if (rc != CLI_EXIT_OK)
		return rc;
	found = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	PQclear(res);
	if (!found)
		return unknown_view(view, "is not a report view in this database");
	return CLI_EXIT_OK;
}

/* Runs export VIEW [-o FILE] or export --list. */
static int
export_run(CliOptions *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		CLI_COMMON_LONG_OPTIONS,
		{"list", no_argument, NULL, 'l'},
		{"output", required_argument, NULL, 'o'},
		{"progress", no_argument, NULL, CLI_OPT_PROGRESS},
		{NULL, 0, NULL, 0}
	};
	bool		list = false;
	const char *output = NULL;
	const char *view = NULL;
	PGconn	   *conn;
	char	   *quoted;
	char	   *sql;
	char	   *label;
	CliErrorSpec spec;
	CliCopyTarget target;
	int			rc;
	int			c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CLI_COMMON_SHORT_OPTIONS "lo:", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case 'l':
				list = true;
				break;
			case 'o':
				output = optarg;
				break;
			default:
				rc = cli_common_option(c, &cli_export_command, argv, opts);
				if (rc >= 0)
					return rc;
		}
	}
	if (list)
	{
		if (optind < argc)
			return cli_usage_error("export", "--list takes no VIEW");
		if (output)
			return cli_usage_error("export", "--list prints to standard output; -o is for exports");
	}
	else
	{
		if (optind >= argc)
			return cli_usage_error("export", "no VIEW given (\"%s export --list\" shows them)", CLI_NAME);
		if (optind + 1 < argc)
			return cli_usage_error("export", "too many arguments, starting at \"%s\"", argv[optind + 1]);
		view = argv[optind];
		/* A schema-qualified name is accepted for the one schema there is. */
		if (strncmp(view, "safeguard.", 10) == 0)
			view += 10;
		if (strncmp(view, REPORT_PREFIX, strlen(REPORT_PREFIX)) != 0)
			return unknown_view(view, "is not a report view: only views named " REPORT_PREFIX "* can be exported");
		if (strlen(view) > MAX_NAME_BYTES)
			return unknown_view(view, "is not a report view: the name is too long");
	}

	conn = cli_connect(opts, &rc);
	if (conn == NULL)
		return rc;
	if (list)
	{
		rc = list_views(conn);
		PQfinish(conn);
		return rc;
	}

	rc = check_view(conn, view);
	if (rc != CLI_EXIT_OK)
	{
		PQfinish(conn);
		return rc;
	}
	quoted = PQescapeIdentifier(conn, view, strlen(view));
	if (quoted == NULL)
	{
		cli_error("export: cannot quote \"%s\": %s", view, PQerrorMessage(conn));
		PQfinish(conn);
		return CLI_EXIT_BAD_INPUT;
	}
	sql = malloc(strlen(quoted) + 128);
	label = malloc(strlen(view) + sizeof("export "));
	if (sql == NULL || label == NULL)
	{
		cli_error("out of memory");
		PQfreemem(quoted);
		free(sql);
		free(label);
		PQfinish(conn);
		return CLI_EXIT_LOCAL_IO;
	}
	sprintf(sql, "COPY (SELECT * FROM safeguard.%s) TO STDOUT WITH (FORMAT csv, HEADER)", quoted);
	sprintf(label, "export %s", view);
	PQfreemem(quoted);

	spec.context = label;
	spec.bad_input_states = NULL;
	spec.permission_hint = "report views are for the reader, admin, contact centre, inspector, LA officer and SAM duties; ask a safeguard administrator.";
	target.output = output;
	target.label = label;
	target.progress = cli_want_progress(opts, output);
	rc = cli_copy_out(conn, sql, &target, &spec);

	free(sql);
	free(label);
	PQfinish(conn);
	return rc;
}

const CliCommand cli_export_command = {
	"export", "export a report view as CSV (export --list shows them)",
	export_run, export_help
};
