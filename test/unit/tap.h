/*
 * tap.h
 *		The Test Anything Protocol for the unit tests: result lines,
 *		diagnostics and the running tally.  Each test program is one
 *		translation unit, so the tally lives here as file-static state.
 */
#ifndef SAFEGUARD_TAP_H
#define SAFEGUARD_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int	tests_run;
static int	tests_failed;

/* Prints one TAP result line and records a failure; returns pass. */
static inline bool
ok(bool pass, const char *fmt,...)
{
	va_list		ap;

	tests_run++;
	if (!pass)
		tests_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return pass;
}

/* Prints a TAP diagnostic line on stderr, where prove always shows it. */
static inline void
diag(const char *fmt,...)
{
	va_list		ap;

	fflush(stdout);
	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#endif							/* SAFEGUARD_TAP_H */
