/*
 * validate.c
 *		Pure validation of what a person types about a concern: NHS numbers
 *		(modulus 11 check digit), e-mail addresses and telephone numbers.
 *
 * The regulator's incident review found "errors in recording the identity
 * of people raising concerns made it difficult to go back to them": these
 * checks make a contact route that cannot work fail at entry, not months
 * later when feedback is due.  Deliberately permissive beyond the shape
 * (no DNS, no numbering-plan rules): a false refusal would lose a concern.
 *
 * A text "says something" when it holds a character that shows: one that is
 * not white space (Unicode's White_Space property, not only ASCII's: a
 * rationale of no-break spaces or ideographic spaces is blank), not a
 * control character, and not one that renders as nothing
 * (Default_Ignorable_Code_Point: zero width space, word joiner, byte order
 * mark, bidirectional marks, variation selectors, Hangul fillers...), nor
 * the braille blank U+2800.  Bytes that are not UTF-8 count as characters
 * that show: the check refuses only what it can read as blank.
 */
#include "validate.h"

#include <stdint.h>

/* Returns true for ASCII digits. */
static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Returns true for ASCII white space. */
static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Returns true when s is a valid NHS number: ten digits, optionally grouped
 * 3-3-4 by single spaces or hyphens, whose modulus 11 check digit matches.
 * On success writes the ten bare digits and a NUL to out.
 */
bool
sg_nhs_number_valid(const char *s, size_t len, char out[11])
{
	int			n = 0;
	int			sum = 0;
	int			check;

	/* Either ten bare digits, or 3-3-4 with one separator kind. */
	if (len == 12)
	{
		char		sep = s[3];

		if ((sep != ' ' && sep != '-') || s[7] != sep)
			return false;
	}
	else if (len != 10)
		return false;

	for (size_t i = 0; i < len; i++)
	{
		if (len == 12 && (i == 3 || i == 7))
			continue;
		if (!is_digit(s[i]))
			return false;
		out[n++] = s[i];
	}
	out[10] = '\0';

	for (int i = 0; i < 9; i++)
		sum += (out[i] - '0') * (10 - i);
	check = 11 - (sum % 11);
	if (check == 11)
		check = 0;
	if (check == 10)
		return false;			/* no valid number has this stem */
	return check == out[9] - '0';
}

/* Returns true when s looks like local@domain.tld: no white space, no empty labels. */
bool
sg_email_plausible(const char *s, size_t len)
{
	size_t		at = len;
	size_t		last_dot = len;

	if (len < 5 || len > 254)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		if (is_space(s[i]) || s[i] == '\0')
			return false;
		if (s[i] == '@')
		{
			if (at != len)
				return false;	/* two @ */
			at = i;
		}
		else if (s[i] == '.' && at != len)
			last_dot = i;
	}
	if (at == 0 || at == len || last_dot == len || last_dot >= len - 1)
		return false;
	/* no empty labels: no leading dot, no "..", no dot next to the @ */
	if (s[0] == '.' || s[at - 1] == '.' || s[at + 1] == '.')
		return false;
	for (size_t i = 1; i < len; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return true;
}

/*
 * Returns true when s looks like a telephone number: 7 to 15 digits, an
 * optional leading +, and spaces, hyphens or parentheses between them.
 */
bool
sg_phone_plausible(const char *s, size_t len)
{
	int			digits = 0;

	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];

		if (is_digit(c))
			digits++;
		else if (c == '+' && i == 0)
			continue;
		else if (c != ' ' && c != '-' && c != '(' && c != ')')
			return false;
	}
	return digits >= 7 && digits <= 15;
}

/*
 * The blank code points, as sorted disjoint ranges: White_Space (U+0009-000D,
 * U+0020, U+0085, U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F,
 * U+205F, U+3000), the controls (Cc: U+0000-001F, U+007F-009F),
 * Default_Ignorable_Code_Point (Unicode 14/15 DerivedCoreProperties.txt) and
 * U+2800 BRAILLE PATTERN BLANK, merged where they touch.
 */
static const struct
{
	uint32_t	first;
	uint32_t	last;
}			blank_ranges[] = {
	{0x0000, 0x0020},			/* C0 controls, tab to carriage return, space */
	{0x007F, 0x00A0},			/* delete, C1 controls (next line U+0085), no-break space */
	{0x00AD, 0x00AD},			/* soft hyphen */
	{0x034F, 0x034F},			/* combining grapheme joiner */
	{0x061C, 0x061C},			/* Arabic letter mark */
	{0x115F, 0x1160},			/* Hangul choseong and jungseong fillers */
	{0x1680, 0x1680},			/* Ogham space mark */
	{0x17B4, 0x17B5},			/* Khmer inherent vowels */
	{0x180B, 0x180F},			/* Mongolian variation selectors, vowel separator */
	{0x2000, 0x200F},			/* en quad to hair space, zero width space to right-to-left mark */
	{0x2028, 0x202F},			/* line and paragraph separators, bidi embeddings, narrow no-break space */
	{0x205F, 0x206F},			/* medium mathematical space, word joiner, invisible operators, isolates */
	{0x2800, 0x2800},			/* braille pattern blank */
	{0x3000, 0x3000},			/* ideographic space */
	{0x3164, 0x3164},			/* Hangul filler */
	{0xFE00, 0xFE0F},			/* variation selectors */
	{0xFEFF, 0xFEFF},			/* zero width no-break space (byte order mark) */
	{0xFFA0, 0xFFA0},			/* halfwidth Hangul filler */
	{0xFFF0, 0xFFF8},			/* reserved, default ignorable */
	{0x1BCA0, 0x1BCA3},			/* shorthand format controls */
	{0x1D173, 0x1D17A},			/* musical symbol format controls */
	{0xE0000, 0xE0FFF},			/* tags, variation selectors supplement, reserved */
};

/*
 * Returns true when code point cp shows nothing: Unicode white space
 * (White_Space), a control character (Cc), a character that renders as
 * nothing (Default_Ignorable_Code_Point) or U+2800 BRAILLE PATTERN BLANK.
 */
bool
sg_codepoint_blank(uint32_t cp)
{
	size_t		lo = 0;
	size_t		hi = sizeof(blank_ranges) / sizeof(blank_ranges[0]);

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (cp < blank_ranges[mid].first)
			hi = mid;
		else if (cp > blank_ranges[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/*
 * Decodes the UTF-8 character at s (len bytes available) into *cp; returns
 * its length, or 0 when the bytes are not well-formed UTF-8 (overlong forms,
 * surrogates, beyond U+10FFFF, a truncated or stray continuation byte).
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t		n;
	uint32_t	v;
	unsigned char lo = 0x80,
				hi = 0xBF;		/* allowed range of the second byte */

	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
	{
		n = 2;
		v = c & 0x1F;
	}
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;			/* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F;			/* no surrogates */
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;			/* no overlong forms */
		else if (c == 0xF4)
			hi = 0x8F;			/* nothing beyond U+10FFFF */
	}
	else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return n;
}

/*
 * Returns true when the UTF-8 text s (len bytes) holds a character that is
 * not blank (sg_codepoint_blank); a byte that is not well-formed UTF-8
 * counts as a character that shows.
 */
bool
sg_text_present_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		uint32_t	cp;
		size_t		n = utf8_decode(p + i, len - i, &cp);

		if (n == 0 || !sg_codepoint_blank(cp))
			return true;
		i += n;
	}
	return false;
}
