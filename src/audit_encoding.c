/*
 * audit_encoding.c
 *		The canonical binary encoding of an audit row's fields (see
 *		audit_encoding.h).  Backend-free.
 */
#include "audit_encoding.h"

#include <string.h>

/*
 * Writes one field at out (when out is not NULL); returns the number of
 * bytes the field takes.
 */
size_t
sg_encode_field(unsigned char *out, uint16_t field, const char *value,
				uint32_t len, bool isnull)
{
	if (isnull)
		len = 0;
	if (out != NULL)
	{
		out[0] = (unsigned char) (field >> 8);
		out[1] = (unsigned char) field;
		out[2] = isnull ? 1 : 0;
		out[3] = (unsigned char) (len >> 24);
		out[4] = (unsigned char) (len >> 16);
		out[5] = (unsigned char) (len >> 8);
		out[6] = (unsigned char) len;
		if (len > 0)
			memcpy(out + SG_FIELD_HEADER, value, len);
	}
	return SG_FIELD_HEADER + (size_t) len;
}
