/*
 * verify.c
 *		verify: recomputes the audit trail's hash chains with
 *		safeguard.verify_audit() (or verify_audit(digest) with --digest)
 *		and says whether the trail is intact.
 *
 * Invariants:
 *	- The row and chain counts and the verification are read in one
 *	  read-only REPEATABLE READ transaction, so the summary describes
 *	  exactly the rows that were verified.
 *	- Intact: exit 0.  Any row verify_audit() returns is a break: every one
 *	  is printed (chain, position, audit row, problem) and the exit status
 *	  is CLI_EXIT_AUDIT, distinct from every error.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#define CLI_OPT_DIGEST 0x300

/* A malformed digest is a bad argument (SG402). */
static const char *const verify_bad_input[] = {"SG402", NULL};

/* Prints the help of verify. */
static void
verify_help(FILE *out)
{
	fprintf(out,
			"Verifies the audit trail: recomputes every hash chain with\n"
			"safeguard.verify_audit() and reports each broken chain (altered, missing,\n"
			"out-of-order or unlinked rows).  With --digest, also checks a digest kept\n"
			"from safeguard.audit_digest(), which detects deleted newest rows and rebuilt\n"
			"chains.  Needs the safeguard_auditor or safeguard_admin duty.\n"
			"\n"
			"Usage:\n"
			"  %s verify [OPTIONS]\n"
			"\n"
			"Options:\n"
			"      --digest=DIGEST    also check DIGEST (sg1:...) from audit_digest()\n", CLI_NAME);
	cli_print_common_options(out, false);
	fprintf(out, "\nExits 0 when the trail is intact and 6 when it is not.\n");
	cli_print_exit_codes(out);
}

/* Returns "s" unless the count (as text) is 1. */
static const char *
plural(const char *count)
{
	return strcmp(count, "1") == 0 ? "" : "s";
}

/* Reads the summary counts; returns the exit status. */
static int
count_rows(PGconn *conn, const CliErrorSpec *spec, PGresult **res)
{
	*res = PQexec(conn,
				  "SELECT pg_catalog.count(*), pg_catalog.count(DISTINCT e.chain_key) "
				  "FROM safeguard.audit_event e");
	return cli_expect(conn, *res, PGRES_TUPLES_OK, spec);
}

/* Runs verify [--digest DIGEST]: the counts and the verification in one snapshot. */
static int
verify_run(CliOptions *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		CLI_COMMON_LONG_OPTIONS,
		{"digest", required_argument, NULL, CLI_OPT_DIGEST},
		{NULL, 0, NULL, 0}
	};
	const CliErrorSpec spec = {
		"verify", verify_bad_input,
		"verifying the audit trail needs the safeguard_auditor or safeguard_admin duty; ask a safeguard administrator."
	};
	const char *digest = NULL;
	const char *params[1];
	PGconn	   *conn;
	PGresult   *res;
	PGresult   *counts;
	int			rc;
	int			c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CLI_COMMON_SHORT_OPTIONS, long_options, NULL)) != -1)
	{
		if (c == CLI_OPT_DIGEST)
		{
			digest = optarg;
			continue;
		}
		rc = cli_common_option(c, &cli_verify_command, argv, opts);
		if (rc >= 0)
			return rc;
	}
	if (optind < argc)
		return cli_usage_error("verify", "unexpected argument \"%s\"", argv[optind]);

	conn = cli_connect(opts, &rc);
	if (conn == NULL)
		return rc;

	res = PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	rc = cli_expect(conn, res, PGRES_COMMAND_OK, &spec);
	if (rc != CLI_EXIT_OK)
	{
		PQfinish(conn);
		return rc;
	}
	PQclear(res);

	/* Verification first: a role without the audit duties is refused there. */
	params[0] = digest;
	if (digest)
		res = PQexecParams(conn,
						   "SELECT v.chain_key AS chain, v.chain_seq AS position, "
						   "v.audit_id AS \"audit row\", v.problem "
						   "FROM safeguard.verify_audit($1::pg_catalog.text) v",
						   1, NULL, params, NULL, NULL, 0);
	else
		res = PQexec(conn,
					 "SELECT v.chain_key AS chain, v.chain_seq AS position, "
					 "v.audit_id AS \"audit row\", v.problem "
					 "FROM safeguard.verify_audit() v");
	rc = cli_expect(conn, res, PGRES_TUPLES_OK, &spec);
	if (rc != CLI_EXIT_OK)
	{
		PQfinish(conn);
		return rc;
	}
	rc = count_rows(conn, &spec, &counts);
	if (rc != CLI_EXIT_OK)
	{
		PQclear(res);
		PQfinish(conn);
		return rc;
	}

	if (PQntuples(res) == 0)
	{
		if (!opts->quiet)
			printf("audit trail intact: %s row%s in %s chain%s verified%s\n",
				   PQgetvalue(counts, 0, 0), plural(PQgetvalue(counts, 0, 0)),
				   PQgetvalue(counts, 0, 1), plural(PQgetvalue(counts, 0, 1)),
				   digest ? ", digest matches" : "");
	}
	else
	{
		printf("audit trail BROKEN: %d problem%s found in %s row%s (%s chain%s)\n",
			   PQntuples(res), PQntuples(res) == 1 ? "" : "s",
			   PQgetvalue(counts, 0, 0), plural(PQgetvalue(counts, 0, 0)),
			   PQgetvalue(counts, 0, 1), plural(PQgetvalue(counts, 0, 1)));
		cli_print_table(stdout, res, "  ", 0);
		rc = CLI_EXIT_AUDIT;
	}
	PQclear(counts);
	PQclear(res);
	PQfinish(conn);

	if (fflush(stdout) != 0 || ferror(stdout))
	{
		cli_error("cannot write standard output: %s", strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}
	if (rc == CLI_EXIT_AUDIT)
		cli_error("verify: the audit trail failed verification: see the rows above");
	return rc;
}

const CliCommand cli_verify_command = {
	"verify", "verify the audit trail's hash chains",
	verify_run, verify_help
};
