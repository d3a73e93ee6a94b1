/*
 * audit_encoding.h
 *		The canonical binary encoding of an audit row, hashed into its
 *		chain (audit_encoding.c).  Backend-free: unit-tested in test/unit.
 *
 * Each field is written as: field number (2 bytes, big-endian), a null
 * flag (1 byte), the value's length (4 bytes, big-endian) and the value's
 * bytes (its canonical text, see canonical.c).  Numbering, not order of
 * appearance, identifies a field, and lengths make the encoding
 * unambiguous: no two different rows encode to the same bytes.
 */
#ifndef SAFEGUARD_AUDIT_ENCODING_H
#define SAFEGUARD_AUDIT_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SG_HASH_LEN 32			/* SHA-256 */
#define SG_FIELD_HEADER 7

extern size_t sg_encode_field(unsigned char *out, uint16_t field,
							  const char *value, uint32_t len, bool isnull);

#endif							/* SAFEGUARD_AUDIT_ENCODING_H */
