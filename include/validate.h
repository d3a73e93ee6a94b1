/*
 * validate.h
 *		Pure validation of identifiers a person types: NHS numbers, e-mail
 *		addresses and telephone numbers, and blank text.  Backend-free
 *		(unit-tested in test/unit), except sg_text_present, the backend's
 *		entry to the blank-text check.
 */
#ifndef SAFEGUARD_VALIDATE_H
#define SAFEGUARD_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * Returns true when code point cp shows nothing: Unicode white space
 * (White_Space), a control character (Cc), a character that renders as
 * nothing (Default_Ignorable_Code_Point) or U+2800 BRAILLE PATTERN BLANK.
 */
extern bool sg_codepoint_blank(uint32_t cp);

/*
 * Returns true when the UTF-8 text s (len bytes) holds a character that is
 * not blank (sg_codepoint_blank); a byte that is not well-formed UTF-8
 * counts as a character that shows.
 */
extern bool sg_text_present_utf8(const char *s, size_t len);

/*
 * Returns true when s, in the database's encoding, holds a character that
 * is not blank.  Backend only: defined in text_present.c, which reads the
 * text as UTF-8 (converting it first in other encodings).
 */
extern bool sg_text_present(const char *s, size_t len);

#endif							/* SAFEGUARD_VALIDATE_H */
