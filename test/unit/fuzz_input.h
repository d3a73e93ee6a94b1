/*
 * fuzz_input.h
 *		What the fuzz harnesses (fuzz_calendar.c, fuzz_encoding.c) share: the
 *		reader of the fuzzer's input bytes, libFuzzer's entry point, and in
 *		the smoke builds (-DSG_FUZZ_SMOKE) which seeded input is running, for
 *		the harnesses' failure messages.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* The unread part of the fuzz input. */
typedef struct Input
{
	const uint8_t *p;
	size_t		left;
} Input;

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef SG_FUZZ_SMOKE
static long smoke_iteration;	/* which seeded input is running */
static uint64_t smoke_seed;
#endif

/* Returns the next nbytes of input, little-endian, zero past the end. */
static uint64_t
take(Input *in, int nbytes)
{
	uint64_t	v = 0;

	for (int i = 0; i < nbytes; i++)
	{
		uint64_t	byte = 0;

		if (in->left > 0)
		{
			byte = *in->p++;
			in->left--;
		}
		v |= byte << (8 * i);
	}
	return v;
}

#endif							/* FUZZ_INPUT_H */
