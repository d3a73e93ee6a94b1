/*
 * validate.h
 *		Pure validation of identifiers a person types: NHS numbers, e-mail
 *		addresses and telephone numbers.  Backend-free (unit-tested in
 *		test/unit).
 */
#ifndef SAFEGUARD_VALIDATE_H
#define SAFEGUARD_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Returns true when s is a valid NHS number: ten digits, optionally grouped
 * 3-3-4 by single spaces or hyphens, whose modulus 11 check digit matches.
 * On success writes the ten bare digits and a NUL to out.
 */
extern bool sg_nhs_number_valid(const char *s, size_t len, char out[11]);

/* Returns true when s looks like an e-mail address: local@domain.tld, no spaces. */
extern bool sg_email_plausible(const char *s, size_t len);

/*
 * Returns true when s looks like a telephone number: 7 to 15 digits, an
 * optional leading +, and spaces, hyphens or parentheses between them.
 */
extern bool sg_phone_plausible(const char *s, size_t len);

/* Returns true when s holds at least one character that is not white space. */
extern bool sg_text_present(const char *s, size_t len);

#endif							/* SAFEGUARD_VALIDATE_H */
