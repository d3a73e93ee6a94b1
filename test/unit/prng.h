/*
 * prng.h
 *		The seeded pseudo-random generator of the unit tests (splitmix64):
 *		the same seed gives the same cases on every machine, so a failure
 *		reported with its seed can be replayed.
 */
#ifndef SAFEGUARD_PRNG_H
#define SAFEGUARD_PRNG_H

#include <stdint.h>

/* Returns the next value of a splitmix64 generator. */
static inline uint64_t
splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += 0x9E3779B97F4A7C15u);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

#endif							/* SAFEGUARD_PRNG_H */
