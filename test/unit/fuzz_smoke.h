/*
 * fuzz_smoke.h
 *		The plain-compiler driver shared by the fuzz harnesses' smoke builds
 *		(compiled with -DSG_FUZZ_SMOKE): the command line [iterations [seed]]
 *		and the loop feeding seeded random inputs to LLVMFuzzerTestOneInput.
 *
 * Each harness keeps its own main(): it parses the arguments with
 * fuzz_smoke_args(), runs fuzz_smoke_run(), then prints its TAP results.
 */
#ifndef FUZZ_SMOKE_H
#define FUZZ_SMOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "prng.h"

/*
 * Reads [iterations [seed]] from the command line into *iterations and
 * *seed, which hold the defaults on entry.  Prints the usage and returns
 * false on anything else.
 */
static bool
fuzz_smoke_args(int argc, char **argv, long *iterations, uint64_t *seed)
{
	char	   *end = NULL;

	if (argc > 3)
		goto usage;
	if (argc > 1)
	{
		*iterations = strtol(argv[1], &end, 10);
		if (*end != '\0' || *iterations <= 0)
			goto usage;
	}
	if (argc > 2)
	{
		*seed = strtoull(argv[2], &end, 0);
		if (*end != '\0')
			goto usage;
	}
	return true;

usage:
	fprintf(stderr, "usage: %s [iterations [seed]]\n", argv[0]);
	return false;
}

/*
 * Feeds `iterations` inputs of 0 to max_len random bytes, drawn from a
 * splitmix64 generator started at seed, to the harness; *iteration names
 * the input running (for the harness's failure messages).
 */
static void
fuzz_smoke_run(long iterations, uint64_t seed, size_t max_len, long *iteration)
{
	uint64_t	state = seed;
	uint8_t    *buf = malloc(max_len > 0 ? max_len : 1);

	if (buf == NULL)
	{
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	for (long i = 0; i < iterations; i++)
	{
		size_t		len = (size_t) (splitmix64(&state) % (max_len + 1));

		*iteration = i;
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t) splitmix64(&state);
		LLVMFuzzerTestOneInput(buf, len);
	}
	free(buf);
}

#endif							/* FUZZ_SMOKE_H */
