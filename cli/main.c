/*
 * main.c
 *		safeguard-cli's entry point: the global options, the subcommand
 *		table and dispatch, the top-level help, and the helpers every
 *		subcommand uses for its own options and usage errors.
 *
 * Invariants:
 *	- The command line is COMMAND-first: global options (-d, --help,
 *	  --version) may precede the command; everything after the command
 *	  belongs to it and is parsed by it (getopt_long runs once per process,
 *	  on the command's own argument vector).
 *	- A usage error prints one line saying what is wrong and where to find
 *	  help, and exits with CLI_EXIT_USAGE; it never connects.
 */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Every subcommand, in the order --help lists them. */
static const CliCommand *const commands[] = {
	&cli_import_command,
	&cli_export_command,
	&cli_sac_command,
	&cli_dashboard_command,
	&cli_verify_command,
	&cli_pack_command,
	NULL
};

/* Prints "safeguard-cli: <message>" on stderr. */
void
cli_error(const char *fmt,...)
{
	va_list		ap;

	fputs(CLI_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Reports a usage error of COMMAND (NULL: the program) and returns CLI_EXIT_USAGE. */
int
cli_usage_error(const char *command, const char *fmt,...)
{
	va_list		ap;

	fputs(CLI_NAME ": ", stderr);
	if (command)
		fprintf(stderr, "%s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, "Try \"%s%s%s --help\" for more information.\n",
			CLI_NAME, command ? " " : "", command ? command : "");
	return CLI_EXIT_USAGE;
}

/* Prints the exit status table shared by every --help. */
void
cli_print_exit_codes(FILE *out)
{
	fprintf(out,
			"\nExit status:\n"
			"  0  success\n"
			"  1  usage error (bad command line)\n"
			"  2  cannot connect, or the connection was lost\n"
			"  3  bad input file or argument value\n"
			"  4  permission refused by the server (SQLSTATE 42501)\n"
			"  5  any other server error (its SQLSTATE is printed)\n"
			"  6  the audit trail failed verification\n"
			"  7  local I/O error writing the output\n");
}

/* Prints the options every subcommand takes (and --progress where it applies). */
void
cli_print_common_options(FILE *out, bool progress)
{
	fprintf(out,
			"  -d, --dbname=CONNSTR   connection string or URI (default: the PG* environment)\n"
			"  -q, --quiet            print no progress and no summary on success\n");
	if (progress)
		fprintf(out,
				"      --progress         show progress on stderr even when it is not a terminal\n");
	fprintf(out,
			"      --help             show this help, then exit\n");
}

/*
 * Handles an option every subcommand shares, or getopt's error returns.
 * Returns -1 to carry on parsing, else the exit status to return at once.
 */
int
cli_common_option(int c, const CliCommand *cmd, char **argv, CliOptions *opts)
{
	switch (c)
	{
		case 'd':
			opts->dbname = optarg;
			return -1;
		case 'q':
			opts->quiet = true;
			return -1;
		case CLI_OPT_PROGRESS:
			opts->progress = true;
			return -1;
		case CLI_OPT_HELP:
			cmd->help(stdout);
			return CLI_EXIT_OK;
		case ':':
			return cli_usage_error(cmd->name, "option \"%s\" needs a value", argv[optind - 1]);
		default:
			if (optopt != 0 && optopt != '?')
				return cli_usage_error(cmd->name, "unknown option \"-%c\"", optopt);
			return cli_usage_error(cmd->name, "unknown option \"%s\"", argv[optind - 1]);
	}
}

/* Prints the program's help. */
static void
print_help(FILE *out)
{
	fprintf(out,
			"%s moves files in and out of a safeguard database: bank holidays in,\n"
			"report views and the SAC return out as CSV, a dashboard and an audit check.\n"
			"\n"
			"Usage:\n"
			"  %s [-d CONNSTR] COMMAND [OPTIONS] [ARGUMENTS]\n"
			"  %s COMMAND --help\n"
			"\n"
			"Commands:\n", CLI_NAME, CLI_NAME, CLI_NAME);
	for (int i = 0; commands[i]; i++)
		fprintf(out, "  %-17s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
			"\n"
			"Options:\n"
			"  -d, --dbname=CONNSTR   connection string or URI, e.g. \"host=db1 dbname=safeguard\"\n"
			"                         or postgresql://db1/safeguard (a command takes it too)\n"
			"      --help             show this help, then exit\n"
			"      --version          show the version, then exit\n"
			"\n"
			"The connection also follows libpq's environment: PGHOST, PGPORT, PGUSER,\n"
			"PGDATABASE, PGPASSWORD, PGSERVICE, ~/.pgpass and the others; -d overrides them.\n"
			"Files are read and written as UTF-8.\n");
	cli_print_exit_codes(out);
}

/* Finds a subcommand by name, or NULL. */
static const CliCommand *
find_command(const char *name)
{
	for (int i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* Runs "help [COMMAND]": prints the program's or a command's help. */
static int
run_help(int argc, char **argv)
{
	const CliCommand *cmd;

	if (argc < 2)
	{
		print_help(stdout);
		return CLI_EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (cmd == NULL)
		return cli_usage_error(NULL, "unknown command \"%s\"", argv[1]);
	cmd->help(stdout);
	return CLI_EXIT_OK;
}

/* Parses the global options, then hands the rest of the command line to the command. */
int
main(int argc, char **argv)
{
	CliOptions	opts = {NULL, false, false};
	const CliCommand *cmd;
	int			i = 1;

	while (i < argc && argv[i][0] == '-')
	{
		const char *arg = argv[i];

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-?") == 0)
		{
			print_help(stdout);
			return CLI_EXIT_OK;
		}
		if (strcmp(arg, "--version") == 0 || strcmp(arg, "-V") == 0)
		{
			printf("%s (safeguard) %s\n", CLI_NAME, SG_CLI_VERSION);
			return CLI_EXIT_OK;
		}
		if (strcmp(arg, "-d") == 0 || strcmp(arg, "--dbname") == 0)
		{
			if (i + 1 >= argc)
				return cli_usage_error(NULL, "option \"%s\" needs a value", arg);
			opts.dbname = argv[i + 1];
			i += 2;
			continue;
		}
		if (strncmp(arg, "--dbname=", 9) == 0)
			opts.dbname = arg + 9;
		else if (strncmp(arg, "-d", 2) == 0)
			opts.dbname = arg + 2;
		else if (strcmp(arg, "--") == 0)
		{
			i++;
			break;
		}
		else
			return cli_usage_error(NULL, "unknown option \"%s\" (options of a command follow the command)", arg);
		i++;
	}

	if (i >= argc)
	{
		cli_error("no command given");
		fprintf(stderr, "Try \"%s --help\" for the list of commands.\n", CLI_NAME);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0)
		return run_help(argc - i, argv + i);
	cmd = find_command(argv[i]);
	if (cmd == NULL)
		return cli_usage_error(NULL, "unknown command \"%s\"", argv[i]);

	/* The command parses its own vector: argv[0] is its name. */
	return cmd->run(&opts, argc - i, argv + i);
}
