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
 */
#include "validate.h"

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

/* Returns true when s is a valid NHS number; writes its ten digits to out. */
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

/* Returns true when s has 7-15 digits, an optional leading +, and separators. */
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

/* Returns true when s holds a character that is not white space. */
bool
sg_text_present(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_space(s[i]))
			return true;
	return false;
}
