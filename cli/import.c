/*
 * import.c
 *		import-holidays FILE: loads gov.uk's bank-holidays.json into the
 *		calendar through safeguard.import_bank_holidays(jsonb).
 *
 * Invariants:
 *	- The whole file goes to the server as one parameter of one statement:
 *	  the server validates it and imports all of it or nothing.  The JSON is
 *	  parsed by the server only; a parse error comes back as bad input.
 *	- The file is refused before connecting when it cannot be read, is
 *	  empty, holds a NUL byte (a text parameter would silently end there)
 *	  or is larger than MAX_DOCUMENT_BYTES.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DOCUMENT_BYTES (16 * 1024 * 1024)
#define MAX_DOCUMENT_TEXT "16 MiB"

/* Errors of the document itself: data exceptions (JSON syntax, encoding) and calendar SG1xx. */
static const char *const import_bad_input[] = {"22", "SG1", NULL};

/* Prints the help of import-holidays. */
static void
import_help(FILE *out)
{
	fprintf(out,
			"Loads gov.uk's bank holidays (https://www.gov.uk/bank-holidays.json) into the\n"
			"safeguard calendar: safeguard.import_bank_holidays(jsonb).  Holidays already\n"
			"loaded are kept; the calendar's coverage grows to the document's whole years.\n"
			"Needs the safeguard_admin duty.\n"
			"\n"
			"Usage:\n"
			"  %s import-holidays [OPTIONS] FILE\n"
			"\n"
			"FILE is the JSON document, at most " MAX_DOCUMENT_TEXT "; \"-\" reads standard input.\n"
			"Prints how many holidays were added.\n"
			"\n"
			"Options:\n", CLI_NAME);
	cli_print_common_options(out, false);
	cli_print_exit_codes(out);
}

/*
 * Reads the whole document into a NUL-terminated buffer.  Returns
 * CLI_EXIT_OK, or CLI_EXIT_BAD_INPUT after saying why.
 */
static int
read_document(const char *path, const char *name, char **doc_out, size_t *len_out)
{
	FILE	   *fp;
	struct stat st;
	char	   *doc = NULL;
	size_t		len = 0;
	size_t		cap = 0;
	bool		from_stdin = strcmp(path, "-") == 0;

	fp = from_stdin ? stdin : fopen(path, "rb");
	if (fp == NULL)
	{
		cli_error("cannot read %s: %s", name, strerror(errno));
		return CLI_EXIT_BAD_INPUT;
	}
	if (fstat(fileno(fp), &st) == 0)
	{
		if (S_ISDIR(st.st_mode))
		{
			cli_error("cannot read %s: it is a directory", name);
			if (!from_stdin)
				fclose(fp);
			return CLI_EXIT_BAD_INPUT;
		}
		if (S_ISREG(st.st_mode) && st.st_size > MAX_DOCUMENT_BYTES)
		{
			cli_error("%s is too large (%lld bytes); a bank-holidays document is at most " MAX_DOCUMENT_TEXT,
					  name, (long long) st.st_size);
			if (!from_stdin)
				fclose(fp);
			return CLI_EXIT_BAD_INPUT;
		}
	}

	for (;;)
	{
		size_t		got;

		if (cap - len < 65536)
		{
			char	   *grown;

			cap = cap ? cap * 2 : 65536;
			grown = realloc(doc, cap + 1);
			if (grown == NULL)
			{
				cli_error("out of memory reading %s", name);
				free(doc);
				if (!from_stdin)
					fclose(fp);
				return CLI_EXIT_BAD_INPUT;
			}
			doc = grown;
		}
		got = fread(doc + len, 1, cap - len, fp);
		len += got;
		if (len > MAX_DOCUMENT_BYTES)
		{
			cli_error("%s is too large (more than " MAX_DOCUMENT_TEXT "); a bank-holidays document is at most " MAX_DOCUMENT_TEXT,
					  name);
			free(doc);
			if (!from_stdin)
				fclose(fp);
			return CLI_EXIT_BAD_INPUT;
		}
		if (got == 0)
			break;
	}
	if (ferror(fp))
	{
		cli_error("cannot read %s: %s", name, strerror(errno));
		free(doc);
		if (!from_stdin)
			fclose(fp);
		return CLI_EXIT_BAD_INPUT;
	}
	if (!from_stdin)
		fclose(fp);
	doc[len] = '\0';

	if (strspn(doc, " \t\r\n") == len)
	{
		cli_error("%s is empty: expected gov.uk's bank-holidays.json", name);
		free(doc);
		return CLI_EXIT_BAD_INPUT;
	}
	if (strlen(doc) != len)
	{
		cli_error("%s is not a text file (it contains a NUL byte): expected gov.uk's bank-holidays.json",
				  name);
		free(doc);
		return CLI_EXIT_BAD_INPUT;
	}
	/* A UTF-8 byte order mark is not JSON; editors add one. */
	if (len >= 3 && memcmp(doc, "\xEF\xBB\xBF", 3) == 0)
	{
		memmove(doc, doc + 3, len - 2);
		len -= 3;
	}
	*doc_out = doc;
	*len_out = len;
	return CLI_EXIT_OK;
}

/* Runs import-holidays FILE: reads the file, then imports it in one statement. */
static int
import_run(CliOptions *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		CLI_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0}
	};
	const char *path;
	const char *name;
	char	   *doc;
	size_t		len;
	char	   *context;
	CliErrorSpec spec;
	PGconn	   *conn;
	PGresult   *res;
	const char *params[1];
	int			rc;
	int			c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CLI_COMMON_SHORT_OPTIONS, long_options, NULL)) != -1)
	{
		rc = cli_common_option(c, &cli_import_command, argv, opts);
		if (rc >= 0)
			return rc;
	}
	if (optind >= argc)
		return cli_usage_error("import-holidays", "no FILE given (use \"-\" for standard input)");
	if (optind + 1 < argc)
		return cli_usage_error("import-holidays", "too many arguments, starting at \"%s\"", argv[optind + 1]);
	path = argv[optind];
	name = strcmp(path, "-") == 0 ? "standard input" : path;

	rc = read_document(path, name, &doc, &len);
	if (rc != CLI_EXIT_OK)
		return rc;

	conn = cli_connect(opts, &rc);
	if (conn == NULL)
	{
		free(doc);
		return rc;
	}

	context = malloc(strlen(name) + sizeof("import-holidays "));
	if (context == NULL)
	{
		cli_error("out of memory");
		free(doc);
		PQfinish(conn);
		return CLI_EXIT_LOCAL_IO;
	}
	sprintf(context, "import-holidays %s", name);
	spec.context = context;
	spec.bad_input_states = import_bad_input;
	spec.permission_hint = "importing bank holidays needs the safeguard_admin duty (safeguard.grant_duty(role, 'admin', organisation)).";

	params[0] = doc;
	res = PQexecParams(conn, "SELECT * FROM safeguard.import_bank_holidays($1::jsonb)",
					   1, NULL, params, NULL, NULL, 0);
	rc = cli_expect(conn, res, PGRES_TUPLES_OK, &spec);
	if (rc == CLI_EXIT_BAD_INPUT)
		cli_error("%s was not imported: it is not a valid bank-holidays document; nothing changed", name);
	else if (rc == CLI_EXIT_OK)
	{
		if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQgetisnull(res, 0, 0))
		{
			cli_error("%s: unexpected reply from import_bank_holidays()", context);
			rc = CLI_EXIT_SERVER;
		}
		else if (!opts->quiet)
		{
			const char *added = PQgetvalue(res, 0, 0);

			if (strcmp(added, "0") == 0)
				printf("%s: no new bank holidays (all already loaded)\n", name);
			else
				printf("%s: %s bank holiday%s added\n", name, added, strcmp(added, "1") == 0 ? "" : "s");
		}
		PQclear(res);
	}

	free(context);
	free(doc);
	PQfinish(conn);
	if (rc == CLI_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
	{
		cli_error("cannot write standard output: %s", strerror(errno));
		rc = CLI_EXIT_LOCAL_IO;
	}
	return rc;
}

const CliCommand cli_import_command = {
	"import-holidays", "load gov.uk's bank-holidays.json into the calendar",
	import_run, import_help
};
