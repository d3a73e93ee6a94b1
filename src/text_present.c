/*
 * text_present.c
 *		The backend's entry to the blank-text check of validate.c: every
 *		"non-blank" rule (rationales, reasons, descriptions, names, teams)
 *		reads the text as Unicode, whatever the database's encoding.
 *
 * validate.c decides on UTF-8 (pure, unit-tested in test/unit): a text is
 * blank when it holds only white space (Unicode's White_Space), controls and
 * characters that render as nothing (Default_Ignorable_Code_Point: zero
 * width space, word joiner, byte order mark, ...), or the braille blank.
 *
 * A UTF-8 database's text is checked as it is; so is SQL_ASCII's (bytes the
 * server does not interpret: read as UTF-8 where they decode, any other byte
 * shows).  Any other encoding is converted to UTF-8 first, so its own
 * no-break space (0xA0 in LATIN1-10, ISO_8859_5-8, WIN1250-1258 and WIN874;
 * 0x9A in KOI8-R/U; 0xFF in WIN866) and the ideographic space of the EUC
 * encodings are blank too.  An encoding with no conversion to UTF-8
 * (MULE_INTERNAL) is checked as it is: only its ASCII blanks are blank.
 */
#include "postgres.h"

#include "validate.h"

#include "catalog/namespace.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

/*
 * Returns true when s, in the database's encoding, holds a character that
 * is not blank.  Backend only: defined in text_present.c, which reads the
 * text as UTF-8 (converting it first in other encodings).
 */
bool
sg_text_present(const char *s, size_t len)
{
	static int	convertible = -1;	/* -1: not yet known for this backend */
	int			encoding = GetDatabaseEncoding();
	char	   *utf8;
	bool		present;

	if (encoding == PG_UTF8 || encoding == PG_SQL_ASCII || len == 0)
		return sg_text_present_utf8(s, len);
	if (convertible < 0)
		convertible = OidIsValid(FindDefaultConversionProc(encoding, PG_UTF8)) ? 1 : 0;
	if (!convertible || len > (size_t) (MaxAllocSize / MAX_CONVERSION_GROWTH))
		return sg_text_present_utf8(s, len);
	utf8 = pg_server_to_any(s, (int) len, PG_UTF8);
	present = sg_text_present_utf8(utf8, strlen(utf8));
	if (utf8 != s)
		pfree(utf8);
	return present;
}
