/*
 * dashboard.c
 *		dashboard: a plain-text status page on stdout: the contact centre's
 *		send queue, overdue and escalated deadlines (the ten most overdue of
 *		each), and the performance indicators of safeguard.report_kpi.
 *
 * Invariants:
 *	- Every section is read in one read-only REPEATABLE READ transaction,
 *	  so the counts agree with each other and with safeguard.now().
 *	- The views are security_invoker: each section shows what the
 *	  connecting role may see.  A section the role may not read says so
 *	  and the others still print (each runs under its own savepoint); the
 *	  exit status is "permission refused" only when every section that
 *	  exists was refused.
 *	- report_kpi arrives with a later safeguard version: when it does not
 *	  exist the section prints "indicators: not available".
 *	- Plain ASCII; bold titles and red overdue counts only when stdout is
 *	  a terminal and NO_COLOR is unset.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOP_ROWS "10"
#define CELL_WIDTH 32

/* How long ago an instant x was, as "3d 04h", "5h 07m" or "12m" (the interval safeguard.now() - x). */
#define SQL_AGO(x) \
	"CASE WHEN safeguard.now() - " x " >= interval '1 day' " \
	"     THEN pg_catalog.to_char(pg_catalog.justify_hours(safeguard.now() - " x "), 'FMDD\"d\" HH24\"h\"') " \
	"     WHEN safeguard.now() - " x " >= interval '1 hour' " \
	"     THEN pg_catalog.to_char(safeguard.now() - " x ", 'FMHH24\"h\" MI\"m\"') " \
	"     ELSE pg_catalog.to_char(safeguard.now() - " x ", 'FMMI\"m\"') END"

/* Columns shown for a deadline row (overdue and escalated). */
#define SQL_DEADLINE_COLUMNS \
	"d.id, d.kind, d.subject_table || ' ' || d.subject_id AS subject, d.case_id AS \"case\", " \
	"d.organisation, d.senior_contact_name AS \"senior contact\", " \
	"pg_catalog.to_char(d.due_at, 'YYYY-MM-DD HH24:MI') AS due, " \
	"CASE WHEN d.due_at < safeguard.now() THEN " SQL_AGO("d.due_at") " END AS \"overdue by\""

/* Outcome of one section's query. */
typedef enum DashStatus
{
	DASH_OK,					/* rows in hand */
	DASH_REFUSED,				/* 42501: the role may not read it */
	DASH_MISSING,				/* 42P01: the view does not exist */
	DASH_FAILED					/* any other error: stop */
} DashStatus;

/* The dashboard being printed. */
typedef struct Dash
{
	PGconn	   *conn;
	FILE	   *out;
	bool		color;
	int			sections;		/* sections attempted */
	int			refused;		/* sections refused */
	int			missing;		/* sections whose view does not exist */
	int			rc;				/* exit status of a DASH_FAILED */
} Dash;

/* Prints the help of dashboard. */
static void
dashboard_help(FILE *out)
{
	fprintf(out,
			"Prints a status page on standard output: the contact centre's send queue\n"
			"(waiting, overdue, oldest), the caller's organisation's overdue deadlines and\n"
			"the escalated deadlines the caller may see (count and the " TOP_ROWS " most overdue of\n"
			"each), and the performance indicators (safeguard.report_kpi, when installed).\n"
			"Each section shows what the connecting role may see; a section it may not\n"
			"read says so.\n"
			"\n"
			"Usage:\n"
			"  %s dashboard [OPTIONS]\n"
			"\n"
			"Options:\n", CLI_NAME);
	cli_print_common_options(out, false);
	fprintf(out, "\nExits 4 only when the role may read none of the sections.\n"
			"Colours (bold titles, red overdue counts) only on a terminal, unless NO_COLOR is set.\n");
	cli_print_exit_codes(out);
}

/* Runs a statement that returns no rows (transaction control); false after reporting a failure. */
static bool
dash_command(Dash *d, const char *sql)
{
	static const CliErrorSpec spec = {"dashboard", NULL, NULL};
	PGresult   *res = PQexec(d->conn, sql);

	d->rc = cli_expect(d->conn, res, PGRES_COMMAND_OK, &spec);
	if (d->rc != CLI_EXIT_OK)
		return false;
	PQclear(res);
	return true;
}

/* Prints a section title. */
static void
dash_title(Dash *d, const char *title)
{
	fprintf(d->out, "\n%s%s%s\n", d->color ? "\033[1m" : "", title, d->color ? "\033[0m" : "");
}

/* Prints a count, in red when it is not zero and colours are on. */
static void
dash_count(Dash *d, const char *label, const char *value, bool alarm)
{
	bool		red = d->color && alarm && strcmp(value, "0") != 0;

	fprintf(d->out, "  %-9s %s%s%s\n", label, red ? "\033[31m" : "", value, red ? "\033[0m" : "");
}

/*
 * Runs one section query under a savepoint.  Returns DASH_OK with *res
 * set (the savepoint released); DASH_REFUSED or DASH_MISSING after rolling back to the savepoint
 * (the caller prints what the section shows instead); DASH_FAILED after
 * reporting the error, with d->rc set.
 */
static DashStatus
dash_query(Dash *d, const char *context, const char *sql, PGresult **res)
{
	CliErrorSpec spec = {context, NULL, NULL};
	DashStatus	status;

	if (!dash_command(d, "SAVEPOINT section"))
		return DASH_FAILED;
	*res = PQexec(d->conn, sql);
	if (*res && PQresultStatus(*res) == PGRES_TUPLES_OK)
	{
		if (dash_command(d, "RELEASE SAVEPOINT section"))
			return DASH_OK;
		PQclear(*res);
		*res = NULL;
		return DASH_FAILED;
	}
	if (cli_sqlstate_is(*res, "42501"))
		status = DASH_REFUSED;
	else if (cli_sqlstate_is(*res, "42P01"))
		status = DASH_MISSING;
	else
	{
		d->rc = cli_expect(d->conn, *res, PGRES_TUPLES_OK, &spec);
		*res = NULL;
		return DASH_FAILED;
	}
	if (status == DASH_REFUSED)
		fprintf(d->out, "  not permitted: %s\n",
				PQresultErrorField(*res, PG_DIAG_MESSAGE_PRIMARY));
	PQclear(*res);
	*res = NULL;
	if (!dash_command(d, "ROLLBACK TO SAVEPOINT section"))
		return DASH_FAILED;
	return status;
}

/* Counts a section's outcome; returns false when the dashboard must stop. */
static bool
dash_account(Dash *d, DashStatus status)
{
	d->sections++;
	if (status == DASH_REFUSED)
		d->refused++;
	if (status == DASH_MISSING)
		d->missing++;
	return status != DASH_FAILED;
}

/* Prints the header line: where, as whom, when. */
static bool
dash_header(Dash *d)
{
	static const CliErrorSpec spec = {"dashboard", NULL, NULL};
	PGresult   *res = PQexec(d->conn,
							 "SELECT pg_catalog.current_database(), current_user, "
							 "pg_catalog.to_char(safeguard.now(), 'YYYY-MM-DD HH24:MI TZ')");

	d->rc = cli_expect(d->conn, res, PGRES_TUPLES_OK, &spec);
	if (d->rc != CLI_EXIT_OK)
		return false;
	fprintf(d->out, "safeguard dashboard: database %s, role %s, %s (safeguard %s)\n",
			PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
			cli_extension_version());
	PQclear(res);
	return true;
}

/* Prints the send queue section: waiting, overdue, oldest. */
static bool
dash_send_queue(Dash *d)
{
	PGresult   *res;
	DashStatus	status;

	dash_title(d, "Send queue");
	status = dash_query(d, "dashboard: send queue",
						"SELECT pg_catalog.count(*), "
						"pg_catalog.count(*) FILTER (WHERE q.overdue), "
						"(SELECT " SQL_AGO("o.created_at") " FROM safeguard.send_queue o "
						" ORDER BY o.created_at LIMIT 1) "
						"FROM safeguard.send_queue q", &res);
	if (status == DASH_OK)
	{
		dash_count(d, "waiting:", PQgetvalue(res, 0, 0), false);
		dash_count(d, "overdue:", PQgetvalue(res, 0, 1), true);
		dash_count(d, "oldest:", PQgetisnull(res, 0, 2) ? "-" : PQgetvalue(res, 0, 2), false);
		PQclear(res);
	}
	else if (status == DASH_MISSING)
		fprintf(d->out, "  send queue: not available\n");
	return dash_account(d, status);
}

/* Prints a deadline section: a count, then the most overdue rows. */
static bool
dash_deadlines(Dash *d, const char *title, const char *count_sql, const char *rows_sql)
{
	PGresult   *res;
	DashStatus	status;
	char		context[64];

	snprintf(context, sizeof(context), "dashboard: %s", title);
	dash_title(d, title);
	status = dash_query(d, context, count_sql, &res);
	if (status == DASH_OK)
	{
		const char *count = PQgetvalue(res, 0, 0);
		bool		none = strcmp(count, "0") == 0;

		dash_count(d, "count:", count, true);
		PQclear(res);
		if (!none)
		{
			status = dash_query(d, context, rows_sql, &res);
			if (status == DASH_OK)
			{
				fprintf(d->out, "  most overdue:\n");
				cli_print_table(d->out, res, "  ", CELL_WIDTH);
				PQclear(res);
			}
		}
	}
	else if (status == DASH_MISSING)
		fprintf(d->out, "  %s: not available\n", title);
	return dash_account(d, status);
}

/* Prints the indicators from safeguard.report_kpi, when that view exists. */
static bool
dash_indicators(Dash *d)
{
	PGresult   *res;
	DashStatus	status;

	dash_title(d, "Indicators");
	status = dash_query(d, "dashboard: indicators",
						"SELECT k.indicator, k.measured, k.in_time, "
						"k.in_time_pct AS \"in time %\", "
						"k.median_working_days AS \"median working days\" "
						"FROM safeguard.report_kpi k", &res);
	if (status == DASH_OK)
	{
		if (PQntuples(res) == 0)
			fprintf(d->out, "  indicators: none measured yet\n");
		else
			cli_print_table(d->out, res, "  ", 48);
		PQclear(res);
	}
	else if (status == DASH_MISSING)
		fprintf(d->out, "  indicators: not available\n");
	return dash_account(d, status);
}

/* True when stdout is a terminal that wants colours. */
static bool
want_color(void)
{
	const char *term = getenv("TERM");

	if (getenv("NO_COLOR") != NULL)
		return false;
	if (term == NULL || strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(stdout));
}

/* Runs dashboard: parses its options, then prints every section. */
static int
dashboard_run(CliOptions *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		CLI_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0}
	};
	Dash		d;
	bool		ok;
	int			rc;
	int			c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CLI_COMMON_SHORT_OPTIONS, long_options, NULL)) != -1)
	{
		rc = cli_common_option(c, &cli_dashboard_command, argv, opts);
		if (rc >= 0)
			return rc;
	}
	if (optind < argc)
		return cli_usage_error("dashboard", "unexpected argument \"%s\"", argv[optind]);

	memset(&d, 0, sizeof(d));
	d.out = stdout;
	d.color = want_color();
	d.conn = cli_connect(opts, &rc);
	if (d.conn == NULL)
		return rc;

	ok = dash_command(&d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") &&
		dash_header(&d) &&
		dash_send_queue(&d) &&
		dash_deadlines(&d, "Overdue deadlines",
					   "SELECT pg_catalog.count(*) FROM safeguard.deadlines_overdue",
					   "SELECT " SQL_DEADLINE_COLUMNS " FROM safeguard.deadlines_overdue d "
					   "ORDER BY d.due_at NULLS LAST, d.id LIMIT " TOP_ROWS) &&
		dash_deadlines(&d, "Escalated deadlines",
					   "SELECT pg_catalog.count(*) FROM safeguard.deadlines_escalated",
					   "SELECT " SQL_DEADLINE_COLUMNS ", "
					   "pg_catalog.to_char(d.escalated_at, 'YYYY-MM-DD HH24:MI') AS escalated "
					   "FROM safeguard.deadlines_escalated d "
					   "ORDER BY d.due_at NULLS LAST, d.id LIMIT " TOP_ROWS) &&
		dash_indicators(&d) &&
		dash_command(&d, "COMMIT");

	PQfinish(d.conn);
	if (!ok)
		return d.rc;
	if (fflush(stdout) != 0 || ferror(stdout))
	{
		cli_error("cannot write standard output: %s", strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}
	if (d.refused > 0 && d.refused + d.missing == d.sections)
	{
		cli_error("dashboard: role may read none of the sections");
		fprintf(stderr, "%s: HINT: the dashboard is for the admin, contact centre, inspector and LA officer duties; ask a safeguard administrator.\n",
				CLI_NAME);
		return CLI_EXIT_PERMISSION;
	}
	return CLI_EXIT_OK;
}

const CliCommand cli_dashboard_command = {
	"dashboard", "print the send queue, overdue and escalated deadlines, indicators",
	dashboard_run, dashboard_help
};
