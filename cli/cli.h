/*
 * cli.h
 *		Shared declarations of safeguard-cli: the exit codes, the options
 *		every subcommand takes, the connection and error helpers, the COPY
 *		writer, the text table printer and each subcommand's entry point.
 *
 * Invariants:
 *	- Every exit status the program can return is one of CliExit; main()
 *	  returns what the subcommand returns and nothing else.
 *	- Every message to the user goes to stderr prefixed "safeguard-cli: ";
 *	  stdout carries only the requested output (CSV, a report, a summary).
 */
#ifndef SAFEGUARD_CLI_H
#define SAFEGUARD_CLI_H

/* POSIX.1-2008 (mkstemp, fsync, realpath, clock_gettime) under -std=c99. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libpq-fe.h>

#define CLI_NAME "safeguard-cli"

#ifndef SG_CLI_VERSION
#define SG_CLI_VERSION "unknown"
#endif

/* Exit statuses; documented in main.c's --help and in cli/README.md. */
typedef enum CliExit
{
	CLI_EXIT_OK = 0,			/* done */
	CLI_EXIT_USAGE = 1,			/* bad command line */
	CLI_EXIT_CONNECT = 2,		/* cannot connect, or the connection was lost */
	CLI_EXIT_BAD_INPUT = 3,		/* bad input file or argument value */
	CLI_EXIT_PERMISSION = 4,	/* the server refused: insufficient privilege */
	CLI_EXIT_SERVER = 5,		/* any other server error */
	CLI_EXIT_AUDIT = 6,			/* the audit trail failed verification */
	CLI_EXIT_LOCAL_IO = 7		/* cannot write the output */
} CliExit;

/* Options every subcommand accepts. */
typedef struct CliOptions
{
	const char *dbname;			/* -d: connection string or URI; NULL: environment */
	bool		quiet;			/* -q: no progress, no success summary */
	bool		progress;		/* --progress: progress even when stderr is no TTY */
} CliOptions;

/* How to classify a server error of one statement. */
typedef struct CliErrorSpec
{
	const char *context;		/* what was being done, e.g. "export report_x" */
	const char *const *bad_input_states;	/* SQLSTATE prefixes meaning bad input, NULL-ended */
	const char *permission_hint;	/* shown on 42501 when the server gave no hint */
} CliErrorSpec;

/* A subcommand: its name, one-line summary, entry point and help text. */
typedef struct CliCommand
{
	const char *name;
	const char *summary;
	int			(*run) (CliOptions *opts, int argc, char **argv);
	void		(*help) (FILE *out);
} CliCommand;

/* main.c */
extern void cli_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern int	cli_usage_error(const char *command, const char *fmt,...) __attribute__((format(printf, 2, 3)));
extern int	cli_common_option(int c, const CliCommand *cmd, char **argv, CliOptions *opts);
extern void cli_print_common_options(FILE *out, bool progress);
extern void cli_print_exit_codes(FILE *out);

/* Long option values shared by every subcommand's option table. */
#define CLI_OPT_HELP 0x100
#define CLI_OPT_PROGRESS 0x101
#define CLI_COMMON_LONG_OPTIONS \
	{"dbname", required_argument, NULL, 'd'}, \
	{"quiet", no_argument, NULL, 'q'}, \
	{"help", no_argument, NULL, CLI_OPT_HELP}
#define CLI_COMMON_SHORT_OPTIONS "d:q"

/* conn.c */
extern PGconn *cli_connect(const CliOptions *opts, int *exit_code);
extern const char *cli_extension_version(void);
extern int	cli_result_error(PGconn *conn, const PGresult *res, const CliErrorSpec *spec);
extern int	cli_expect(PGconn *conn, PGresult *res, ExecStatusType want, const CliErrorSpec *spec);
extern bool cli_sqlstate_is(const PGresult *res, const char *sqlstate);

/* copyout.c */
typedef struct CliCopyTarget
{
	const char *output;			/* -o FILE; NULL or "-" for stdout */
	const char *label;			/* for progress lines, e.g. "export report_x" */
	bool		progress;		/* print progress lines on stderr */
} CliCopyTarget;

extern bool cli_want_progress(const CliOptions *opts, const char *output);
extern int	cli_copy_out(PGconn *conn, const char *copy_sql, const CliCopyTarget *target,
						 const CliErrorSpec *spec);

/* table.c */
extern int	cli_display_width(const char *s);
extern void cli_print_table(FILE *out, const PGresult *res, const char *indent, int max_width);

/* Subcommands. */
extern const CliCommand cli_import_command;
extern const CliCommand cli_export_command;
extern const CliCommand cli_sac_command;
extern const CliCommand cli_dashboard_command;
extern const CliCommand cli_verify_command;
extern const CliCommand cli_pack_command;

#endif							/* SAFEGUARD_CLI_H */
