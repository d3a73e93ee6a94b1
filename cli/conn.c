/*
 * conn.c
 *		The connection: opening it from libpq's environment and -d, making
 *		the session safe and predictable, and turning server errors into
 *		messages and exit statuses.
 *
 * Invariants:
 *	- The session runs with an empty search_path, so nothing this program
 *	  sends can resolve to an object some other role planted (every name it
 *	  uses is schema-qualified; pg_catalog is always searched first).
 *	- Dates come out as ISO (DateStyle ISO, YMD) whatever the server or the
 *	  environment says, so exported files have one format; the client
 *	  encoding is UTF8, the encoding of every file read or written.
 *	- A server error is reported with its SQLSTATE, DETAIL and HINT, and
 *	  mapped to exactly one exit status: 42501 -> permission refused; a
 *	  SQLSTATE the caller names as bad input -> bad input; a lost connection
 *	  -> cannot connect; anything else -> server error.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The installed safeguard version, read when connecting. */
static char *extension_version = NULL;

/* Prints a server notice or warning on stderr, prefixed like every other message. */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);

	(void) arg;
	fprintf(stderr, "%s: server %s: %s\n", CLI_NAME,
			severity ? severity : "NOTICE", primary ? primary : "(no message)");
	if (detail)
		fprintf(stderr, "%s: DETAIL: %s\n", CLI_NAME, detail);
	if (hint)
		fprintf(stderr, "%s: HINT: %s\n", CLI_NAME, hint);
}

/* Prints libpq's message for a failed connection or lost session, one prefixed line each. */
static void
print_libpq_message(const char *context, const char *message)
{
	const char *line = message;

	fprintf(stderr, "%s: %s", CLI_NAME, context);
	if (message == NULL || *message == '\0')
	{
		fputc('\n', stderr);
		return;
	}
	fputs(":\n", stderr);
	while (*line)
	{
		const char *end;
		int			len;

		line += strspn(line, " \t");
		end = strchr(line, '\n');
		len = end ? (int) (end - line) : (int) strlen(line);

		if (len > 0)
			fprintf(stderr, "%s:   %.*s\n", CLI_NAME, len, line);
		if (end == NULL)
			break;
		line = end + 1;
	}
}

/*
 * Opens the connection.  Returns NULL after printing why, with *exit_code
 * set (CLI_EXIT_CONNECT, or CLI_EXIT_SERVER when the server is reachable but
 * safeguard is not installed).
 */
PGconn *
cli_connect(const CliOptions *opts, int *exit_code)
{
	/* dbname first: the keywords after it override what its string says. */
	const char *const keywords[] = {"dbname", "fallback_application_name", "client_encoding", NULL};
	const char *const values[] = {opts->dbname, CLI_NAME, "UTF8", NULL};
	static const CliErrorSpec setup_spec = {"preparing the session", NULL, NULL};
	PGconn	   *conn;
	PGresult   *res;

	conn = PQconnectdbParams(keywords, values, 1);
	if (conn == NULL)
	{
		cli_error("cannot connect: out of memory");
		*exit_code = CLI_EXIT_CONNECT;
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK)
	{
		print_libpq_message("cannot connect to the database", PQerrorMessage(conn));
		PQfinish(conn);
		*exit_code = CLI_EXIT_CONNECT;
		return NULL;
	}
	PQsetNoticeReceiver(conn, notice_receiver, NULL);

	res = PQexec(conn,
				 "SELECT pg_catalog.set_config('search_path', '', false), "
				 "pg_catalog.set_config('datestyle', 'ISO, YMD', false), "
				 "pg_catalog.set_config('intervalstyle', 'postgres', false), "
				 "(SELECT e.extversion FROM pg_catalog.pg_extension e "
				 "  WHERE e.extname OPERATOR(pg_catalog.=) 'safeguard'), "
				 "pg_catalog.current_database()");
	*exit_code = cli_expect(conn, res, PGRES_TUPLES_OK, &setup_spec);
	if (*exit_code != CLI_EXIT_OK)
	{
		PQfinish(conn);
		return NULL;
	}
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 3))
	{
		cli_error("the safeguard extension is not installed in database \"%s\"",
				  PQntuples(res) == 1 ? PQgetvalue(res, 0, 4) : PQdb(conn));
		fprintf(stderr, "%s: HINT: connect to the database that has it (-d), or run CREATE EXTENSION safeguard there.\n",
				CLI_NAME);
		PQclear(res);
		PQfinish(conn);
		*exit_code = CLI_EXIT_SERVER;
		return NULL;
	}
	free(extension_version);
	extension_version = strdup(PQgetvalue(res, 0, 3));
	PQclear(res);
	*exit_code = CLI_EXIT_OK;
	return conn;
}

/* Returns the installed safeguard version (after cli_connect), or "?". */
const char *
cli_extension_version(void)
{
	return extension_version ? extension_version : "?";
}

/* True when the result failed with exactly this SQLSTATE. */
bool
cli_sqlstate_is(const PGresult *res, const char *sqlstate)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return state != NULL && strcmp(state, sqlstate) == 0;
}

/* True when sqlstate starts with one of the NULL-ended prefixes. */
static bool
sqlstate_in(const char *sqlstate, const char *const *prefixes)
{
	if (sqlstate == NULL || prefixes == NULL)
		return false;
	for (int i = 0; prefixes[i]; i++)
		if (strncmp(sqlstate, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/*
 * Reports a failed statement (res may be NULL when libpq had no result at
 * all) and returns its exit status.  Does not clear res.
 */
int
cli_result_error(PGconn *conn, const PGresult *res, const CliErrorSpec *spec)
{
	const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *where = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	bool		bad_input = sqlstate_in(sqlstate, spec->bad_input_states);

	if (PQstatus(conn) == CONNECTION_BAD)
	{
		print_libpq_message(spec->context, PQerrorMessage(conn));
		cli_error("the connection to the server was lost");
		return CLI_EXIT_CONNECT;
	}
	if (primary == NULL)
	{
		/* A client-side failure: libpq's own message, no SQLSTATE. */
		print_libpq_message(spec->context, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
		return CLI_EXIT_SERVER;
	}

	if (sqlstate)
		cli_error("%s: %s (SQLSTATE %s)", spec->context, primary, sqlstate);
	else
		cli_error("%s: %s", spec->context, primary);
	if (detail)
		fprintf(stderr, "%s: DETAIL: %s\n", CLI_NAME, detail);
	/* For bad input the context's first line says where (e.g. "JSON data, line 3"). */
	if (bad_input && where)
		fprintf(stderr, "%s: CONTEXT: %.*s\n", CLI_NAME, (int) strcspn(where, "\n"), where);
	if (hint)
		fprintf(stderr, "%s: HINT: %s\n", CLI_NAME, hint);

	if (sqlstate && strcmp(sqlstate, "42501") == 0)
	{
		if (hint == NULL && spec->permission_hint)
			fprintf(stderr, "%s: HINT: %s\n", CLI_NAME, spec->permission_hint);
		return CLI_EXIT_PERMISSION;
	}
	if (bad_input)
		return CLI_EXIT_BAD_INPUT;
	return CLI_EXIT_SERVER;
}

/*
 * Checks that res has status want.  On success returns CLI_EXIT_OK and
 * keeps res for the caller; on failure reports it, clears it and returns
 * the exit status.
 */
int
cli_expect(PGconn *conn, PGresult *res, ExecStatusType want, const CliErrorSpec *spec)
{
	int			rc;

	if (res != NULL && PQresultStatus(res) == want)
		return CLI_EXIT_OK;
	if (res != NULL && (PQresultStatus(res) == PGRES_FATAL_ERROR ||
						PQresultStatus(res) == PGRES_NONFATAL_ERROR))
		rc = cli_result_error(conn, res, spec);
	else if (res == NULL || PQstatus(conn) == CONNECTION_BAD)
		rc = cli_result_error(conn, res, spec);
	else
	{
		cli_error("%s: unexpected reply from the server (%s)", spec->context,
				  PQresStatus(PQresultStatus(res)));
		rc = CLI_EXIT_SERVER;
	}
	PQclear(res);
	return rc;
}
