/*
 * copyout.c
 *		Runs one COPY ... TO STDOUT and writes what it returns to a file or
 *		to standard output, with an optional progress line on stderr.
 *
 * Invariants:
 *	- A regular output file appears complete or not at all: rows go to a
 *	  temporary file next to it (same directory, so the same file system),
 *	  which is flushed, fsync'ed and renamed over the target only after the
 *	  server has confirmed the COPY.  On any failure, and on SIGINT, SIGTERM
 *	  or SIGHUP, the temporary file is removed and the target is untouched.
 *	- The file is created readable by its owner only (mode 0600): exports
 *	  can hold personal data.
 *	- A device or FIFO named by -o (e.g. /dev/null) is written directly; a
 *	  directory is refused.
 *	- The server sends one CopyData message per line, so the row count is
 *	  the number of messages less the header line.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_INTERVAL_NS 500000000LL	/* half a second */

/* The temporary file to remove if a signal ends the program mid-export. */
static char *volatile cleanup_path = NULL;

/* Removes the temporary file, then dies of the signal as if unhandled. */
static void
cleanup_on_signal(int signo)
{
	char	   *path = cleanup_path;

	if (path)
		(void) unlink(path);
	signal(signo, SIG_DFL);
	raise(signo);
}

/* Installs (or, with NULL, removes) the signal-time cleanup of path. */
static void
set_cleanup(char *path)
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = path ? cleanup_on_signal : SIG_DFL;
	cleanup_path = path;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		(void) sigaction(signals[i], &sa, NULL);
}

/* True while a "\r" progress line on the terminal awaits its newline. */
static bool progress_line_open = false;

/* Ends an open progress line, so that a message can follow on a line of its own. */
static void
end_progress_line(void)
{
	if (progress_line_open)
		fputc('\n', stderr);
	progress_line_open = false;
}

/* Returns monotonic nanoseconds. */
static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * True when progress lines should be shown: --progress, or stderr is a
 * terminal (and is not where the CSV itself is going); never with --quiet.
 */
bool
cli_want_progress(const CliOptions *opts, const char *output)
{
	bool		to_stdout = output == NULL || strcmp(output, "-") == 0;

	if (opts->quiet)
		return false;
	if (opts->progress)
		return true;
	if (!isatty(fileno(stderr)))
		return false;
	return !(to_stdout && isatty(fileno(stdout)));
}

/* Prints the progress line; final ends it with a newline and names where rows went. */
static void
print_progress(const CliCopyTarget *target, long long rows, bool final, bool tty)
{
	const char *dest = (target->output && strcmp(target->output, "-") != 0) ?
		target->output : "standard output";

	progress_line_open = tty && !final;
	if (final)
		fprintf(stderr, "%s%s: %s: %lld row%s written to %s\n", tty ? "\r" : "", CLI_NAME,
				target->label, rows, rows == 1 ? "" : "s", dest);
	else
		fprintf(stderr, "%s%s: %s: %lld row%s so far%s", tty ? "\r" : "", CLI_NAME,
				target->label, rows, rows == 1 ? "" : "s", tty ? "" : "\n");
	fflush(stderr);
}

/* Where the output goes and how it becomes final. */
typedef struct Output
{
	FILE	   *fp;
	char	   *final_path;		/* regular file: the target; else NULL */
	char	   *temp_path;		/* regular file: the temporary file; else NULL */
	const char *name;			/* for messages */
} Output;

/*
 * Opens the output: stdout, a device/FIFO directly, or a temporary file
 * next to a regular target.  Returns CLI_EXIT_OK or CLI_EXIT_LOCAL_IO.
 */
static int
open_output(const char *output, Output *out)
{
	struct stat st;
	char	   *target;
	int			fd;

	memset(out, 0, sizeof(*out));
	if (output == NULL || strcmp(output, "-") == 0)
	{
		out->fp = stdout;
		out->name = "standard output";
		return CLI_EXIT_OK;
	}
	out->name = output;

	if (stat(output, &st) == 0)
	{
		if (S_ISDIR(st.st_mode))
		{
			cli_error("cannot write \"%s\": it is a directory", output);
			return CLI_EXIT_LOCAL_IO;
		}
		if (!S_ISREG(st.st_mode))
		{
			/* A device or FIFO: there is nothing to replace atomically. */
			out->fp = fopen(output, "w");
			if (out->fp == NULL)
			{
				cli_error("cannot open \"%s\": %s", output, strerror(errno));
				return CLI_EXIT_LOCAL_IO;
			}
			return CLI_EXIT_OK;
		}
		/* Through a symbolic link, replace the file it points to, not the link. */
		target = realpath(output, NULL);
	}
	else
		target = strdup(output);
	if (target == NULL)
	{
		cli_error("cannot resolve \"%s\": %s", output, strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}

	out->final_path = target;
	out->temp_path = malloc(strlen(target) + sizeof(".partXXXXXX"));
	if (out->temp_path == NULL)
	{
		cli_error("out of memory");
		return CLI_EXIT_LOCAL_IO;
	}
	sprintf(out->temp_path, "%s.partXXXXXX", target);
	fd = mkstemp(out->temp_path);
	if (fd < 0)
	{
		cli_error("cannot create a temporary file next to \"%s\": %s", output, strerror(errno));
		free(out->temp_path);
		out->temp_path = NULL;
		return CLI_EXIT_LOCAL_IO;
	}
	set_cleanup(out->temp_path);
	out->fp = fdopen(fd, "w");
	if (out->fp == NULL)
	{
		cli_error("cannot write \"%s\": %s", out->temp_path, strerror(errno));
		close(fd);
		return CLI_EXIT_LOCAL_IO;
	}
	return CLI_EXIT_OK;
}

/* Abandons the output: closes and removes the temporary file, if any. */
static void
discard_output(Output *out)
{
	if (out->fp && out->fp != stdout)
		fclose(out->fp);
	out->fp = NULL;
	if (out->temp_path)
	{
		(void) unlink(out->temp_path);
		set_cleanup(NULL);
	}
	free(out->temp_path);
	free(out->final_path);
	out->temp_path = out->final_path = NULL;
}

/* Makes the output final: flush, fsync and rename.  Returns CLI_EXIT_OK or CLI_EXIT_LOCAL_IO. */
static int
finish_output(Output *out)
{
	int			rc = CLI_EXIT_OK;

	if (fflush(out->fp) != 0 || ferror(out->fp))
	{
		end_progress_line();
		cli_error("cannot write %s: %s", out->name, strerror(errno));
		rc = CLI_EXIT_LOCAL_IO;
	}
	if (out->fp == stdout)
	{
		out->fp = NULL;
		return rc;
	}
	if (rc == CLI_EXIT_OK && out->temp_path && fsync(fileno(out->fp)) != 0)
	{
		end_progress_line();
		cli_error("cannot write \"%s\": %s", out->name, strerror(errno));
		rc = CLI_EXIT_LOCAL_IO;
	}
	if (fclose(out->fp) != 0 && rc == CLI_EXIT_OK)
	{
		end_progress_line();
		cli_error("cannot write \"%s\": %s", out->name, strerror(errno));
		rc = CLI_EXIT_LOCAL_IO;
	}
	out->fp = NULL;
	if (rc == CLI_EXIT_OK && out->temp_path && rename(out->temp_path, out->final_path) != 0)
	{
		end_progress_line();
		cli_error("cannot rename \"%s\" to \"%s\": %s", out->temp_path, out->final_path,
				  strerror(errno));
		rc = CLI_EXIT_LOCAL_IO;
	}
	if (rc == CLI_EXIT_OK && out->temp_path)
	{
		/* Renamed: nothing left to clean up. */
		set_cleanup(NULL);
		free(out->temp_path);
		out->temp_path = NULL;
	}
	discard_output(out);
	return rc;
}

/* After a local write error: cancels the COPY and reads the server's reply to the end. */
static void
abandon_copy(PGconn *conn)
{
	PGcancel   *cancel = PQgetCancel(conn);
	char		errbuf[256];
	char	   *buf;
	PGresult   *res;

	if (cancel)
	{
		(void) PQcancel(cancel, errbuf, sizeof(errbuf));
		PQfreeCancel(cancel);
	}
	while (PQgetCopyData(conn, &buf, 0) > 0)
		PQfreemem(buf);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
}

/*
 * Runs copy_sql (a COPY ... TO STDOUT WITH (..., HEADER)) and writes its
 * output as described at the top of this file.  Returns the exit status.
 */
int
cli_copy_out(PGconn *conn, const char *copy_sql, const CliCopyTarget *target,
			 const CliErrorSpec *spec)
{
	Output		out;
	PGresult   *res;
	int			rc;
	long long	messages = 0;
	int			len;
	char	   *buf;
	bool		tty = isatty(fileno(stderr));
	int64_t		next_progress = now_ns() + PROGRESS_INTERVAL_NS;
	int			write_errno = 0;

	rc = open_output(target->output, &out);
	if (rc != CLI_EXIT_OK)
	{
		discard_output(&out);
		return rc;
	}

	res = PQexec(conn, copy_sql);
	rc = cli_expect(conn, res, PGRES_COPY_OUT, spec);
	if (rc != CLI_EXIT_OK)
	{
		discard_output(&out);
		return rc;
	}
	PQclear(res);

	while ((len = PQgetCopyData(conn, &buf, 0)) > 0)
	{
		if (fwrite(buf, 1, (size_t) len, out.fp) != (size_t) len)
			write_errno = errno ? errno : EIO;
		PQfreemem(buf);
		if (write_errno)
			break;
		messages++;
		if (target->progress && now_ns() >= next_progress)
		{
			print_progress(target, messages - 1, false, tty);
			next_progress = now_ns() + PROGRESS_INTERVAL_NS;
		}
	}
	if (write_errno)
	{
		end_progress_line();
		cli_error("cannot write %s: %s", out.name, strerror(write_errno));
		abandon_copy(conn);
		discard_output(&out);
		return CLI_EXIT_LOCAL_IO;
	}

	/* len is -1 (done) or -2 (failed): either way the outcome is in the result. */
	res = PQgetResult(conn);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		end_progress_line();
	rc = cli_expect(conn, res, PGRES_COMMAND_OK, spec);
	if (rc == CLI_EXIT_OK)
		PQclear(res);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
	if (rc != CLI_EXIT_OK)
	{
		discard_output(&out);
		return rc;
	}

	rc = finish_output(&out);
	if (rc == CLI_EXIT_OK && target->progress)
		print_progress(target, messages > 0 ? messages - 1 : 0, true, tty);
	return rc;
}
