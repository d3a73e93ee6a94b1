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

extern bool sg_nhs_number_valid(const char *s, size_t len, char out[11]);
extern bool sg_email_plausible(const char *s, size_t len);
extern bool sg_phone_plausible(const char *s, size_t len);
extern bool sg_codepoint_blank(uint32_t cp);
extern bool sg_text_present_utf8(const char *s, size_t len);
extern bool sg_text_present(const char *s, size_t len);

#endif							/* SAFEGUARD_VALIDATE_H */
