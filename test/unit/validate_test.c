/*
 * validate_test.c
 *		TAP unit tests of src/validate.c: NHS numbers, e-mail addresses,
 *		telephone numbers and text presence.
 *
 * Owns the evidence for the entry checks: NHS numbers against an
 * independent modulus 11 oracle (golden numbers worked by hand, every
 * single-digit change and adjacent transposition of valid numbers, stems
 * whose check digit would be 10, 3-3-4 grouping, and exhaustive or seeded
 * comparisons over tens of millions of strings); e-mail and telephone
 * shapes from tables; sg_text_present_utf8 and sg_codepoint_blank against
 * an oracle built from the Unicode property lists as published (White_Space,
 * Cc, Default_Ignorable_Code_Point, kept separate, not merged into ranges as
 * the library keeps them) and an independent UTF-8 encoder: every code
 * point alone and between blanks, every truncated encoding, malformed
 * bytes, and a million seeded strings.
 *
 * Every input is copied into a malloc'd buffer of exactly its length (no
 * terminator) and the NHS output is a malloc'd 11 bytes, so the sanitizer
 * build catches a read past len or a write past out[10].
 *
 * Independence: the oracle tests a number as "sum of d[i] * (10 - i) over
 * all ten digits is 0 mod 11" (the check digit carries weight 1), not by
 * computing the check digit as the library does; check_digit() below is
 * the textbook form, used to make valid numbers and cross-checked against
 * the oracle.  No PostgreSQL headers; no arguments.  Output is TAP; the
 * exit status is non-zero when any test fails.
 */
#include "validate.h"
#include "prng.h"
#include "tap.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN_MISMATCHES 5
#define RANDOM_NHS 2000000
#define RANDOM_OTHER 1000000

/* Pass/fail tally of one exhaustive check, printed as a single TAP line. */
typedef struct Tally
{
	const char *what;
	long		cases;
	long		accepted;
	long		failures;
} Tally;


/* Records one exhaustive-check failure, printing the first few. */
static void
tally_fail(Tally *t, const char *fmt,...)
{
	va_list		ap;

	if (t->failures++ >= SHOWN_MISMATCHES)
		return;
	fflush(stdout);
	fprintf(stderr, "# %s mismatch: ", t->what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Prints a tally as one TAP line. */
static void
tally_report(const Tally *t, const char *label)
{
	ok(t->failures == 0, "%s: %s agrees with the oracle (%ld cases, %ld valid, %ld mismatches)",
	   label, t->what, t->cases, t->accepted, t->failures);
}

/*
 * Returns s[0..len) printable for a TAP line: bytes outside ASCII 0x20-0x7e
 * and backslashes as \xNN.  Four rotating buffers, so up to four per call.
 */
static const char *
show(const char *s, size_t len)
{
	static char bufs[4][4 * 1024 + 16];
	static int	next;
	char	   *b = bufs[next++ % 4];
	size_t		o = 0;

	for (size_t i = 0; i < len && o < 4 * 1024; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			b[o++] = (char) c;
		else
			o += (size_t) snprintf(b + o, 5, "\\x%02x", c);
	}
	b[o] = '\0';
	return b;
}

/* Returns a malloc'd copy of len bytes of s with no terminator; bails out on OOM. */
static char *
exact_copy(const char *s, size_t len)
{
	char	   *p = malloc(len ? len : 1);

	if (p == NULL)
	{
		printf("Bail out! out of memory\n");
		exit(2);
	}
	memcpy(p, s, len);
	return p;
}

/* Calls sg_nhs_number_valid on an exact-length copy; out gets the bare digits. */
static bool
nhs(const char *s, size_t len, char out[11])
{
	char	   *in = exact_copy(s, len);
	char	   *o = malloc(11);
	bool		r;

	if (o == NULL)
	{
		printf("Bail out! out of memory\n");
		exit(2);
	}
	memset(o, 'z', 11);
	r = sg_nhs_number_valid(in, len, o);
	memcpy(out, o, 11);
	free(o);
	free(in);
	return r;
}

/* Calls sg_email_plausible on an exact-length copy. */
static bool
email(const char *s, size_t len)
{
	char	   *in = exact_copy(s, len);
	bool		r = sg_email_plausible(in, len);

	free(in);
	return r;
}

/* Calls sg_phone_plausible on an exact-length copy. */
static bool
phone(const char *s, size_t len)
{
	char	   *in = exact_copy(s, len);
	bool		r = sg_phone_plausible(in, len);

	free(in);
	return r;
}

/* Calls sg_text_present_utf8 on an exact-length copy. */
static bool
present(const char *s, size_t len)
{
	char	   *in = exact_copy(s, len);
	bool		r = sg_text_present_utf8(in, len);

	free(in);
	return r;
}

/*
 * The oracle: ten digits, bare or as 3-3-4 with the same single separator
 * (space or hyphen) twice, and sum(d[i] * (10 - i)) over all ten digits
 * divisible by 11.  Writes the bare digits to out when valid.
 */
static bool
oracle_nhs(const char *s, size_t len, char out[11])
{
	char		d[10];
	int			n = 0;
	int			sum = 0;

	if (len == 12)
	{
		if (!(s[3] == ' ' || s[3] == '-') || s[7] != s[3])
			return false;
	}
	else if (len != 10)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		if (len == 12 && (i == 3 || i == 7))
			continue;
		if ((unsigned char) s[i] < '0' || (unsigned char) s[i] > '9')
			return false;
		d[n++] = s[i];
	}
	for (int i = 0; i < 10; i++)
		sum += (d[i] - '0') * (10 - i);
	if (sum % 11 != 0)
		return false;
	memcpy(out, d, 10);
	out[10] = '\0';
	return true;
}

/* Returns the textbook check digit of a nine-digit stem, or 10 when none exists. */
static int
check_digit(const char *stem)
{
	int			sum = 0;
	int			c;

	for (int i = 0; i < 9; i++)
		sum += (stem[i] - '0') * (10 - i);
	c = 11 - sum % 11;
	return c == 11 ? 0 : c;
}

/* Checks one NHS number case against an expected answer and bare digits. */
static void
expect_nhs(const char *s, size_t len, bool want, const char *want_digits, const char *why)
{
	char		out[11];
	char		oout[11];
	bool		got = nhs(s, len, out);
	bool		orc = oracle_nhs(s, len, oout);

	if (!ok(got == want && orc == want &&
			(!want || (memcmp(out, want_digits, 10) == 0 && out[10] == '\0')),
			"NHS number \"%s\" (%zu bytes) %s: %s", show(s, len), len,
			want ? "accepted" : "rejected", why))
		diag("got %s%s%s, oracle %s", got ? "true" : "false", got ? " with digits " : "",
			 show(out, got ? 11 : 0), orc ? "true" : "false");
}

#define NHS_OK(s, why) expect_nhs(s, sizeof(s) - 1, true, s, why)
#define NHS_OK_AS(s, digits, why) expect_nhs(s, sizeof(s) - 1, true, digits, why)
#define NHS_BAD(s, why) expect_nhs(s, sizeof(s) - 1, false, NULL, why)

/* Checks hand-worked NHS numbers, grouping and malformed shapes. */
static void
test_nhs_golden(void)
{
	/* 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299 = 27*11+2; 11-2 = 9 */
	NHS_OK("9434765919", "the common test number, check 9");
	/* 4*10+1*8+2*6+3*5+2*4+1*3+3*2 = 92 = 8*11+4; 11-4 = 7 */
	NHS_OK("4010232137", "check 7");
	/* 4*10+2*2 = 44 = 4*11; 11-0 = 11 -> check 0 */
	NHS_OK("4000000020", "sum divisible by 11 gives check 0, not 11");
	/* 0: 11-0 = 11 -> 0; shape and check are all the library promises */
	NHS_OK("0000000000", "all zeros pass modulus 11");
	/* 9*(10+...+2) = 9*54 = 486 = 44*11+2; 11-2 = 9 */
	NHS_OK("9999999999", "all nines, check 9");
	NHS_BAD("9434765918", "check digit one low");
	NHS_BAD("9434765910", "check digit 0 instead of 9");
	NHS_BAD("4000000021", "check digit 1 instead of 0");
	NHS_BAD("4000000020 ", "trailing space");

	/* 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2 = 210 = 19*11+1; 11-1 = 10 */
	for (char c = '0'; c <= '9'; c++)
	{
		char		s[11] = "123456789";
		char		t[11] = "400000008";	/* 40+16 = 56 = 5*11+1 */

		s[9] = c;
		t[9] = c;
		expect_nhs(s, 10, false, NULL, "stem 123456789 has check 10: no valid number");
		expect_nhs(t, 10, false, NULL, "stem 400000008 has check 10: no valid number");
	}

	NHS_OK_AS("943 476 5919", "9434765919", "grouped 3-3-4 by spaces");
	NHS_OK_AS("943-476-5919", "9434765919", "grouped 3-3-4 by hyphens");
	NHS_OK_AS("401-023-2137", "4010232137", "grouped 3-3-4 by hyphens");
	NHS_BAD("943 476-5919", "mixed separators, space then hyphen");
	NHS_BAD("943-476 5919", "mixed separators, hyphen then space");
	NHS_BAD("943 476 5918", "grouped, wrong check digit");
	NHS_BAD("9434 765 919", "grouped 4-3-3");
	NHS_BAD("943 4765 919", "grouped 3-4-3");
	NHS_BAD("94 3476 5919", "grouped 2-4-4");
	NHS_BAD("943  476 5919", "two spaces");
	NHS_BAD("943 476 59 19", "extra group");
	NHS_BAD("943 4765919", "one separator only");
	NHS_BAD("9434765 919", "one separator only, late");
	NHS_BAD("943.476.5919", "dots");
	NHS_BAD("943/476/5919", "slashes");
	NHS_BAD("943_476_5919", "underscores");
	NHS_BAD("943\t476\t5919", "tabs");
	NHS_BAD("943\n476\n5919", "newlines");
	NHS_BAD("943\xe2\x80\x93" "476\xe2\x80\x93" "5919", "en dashes (UTF-8)");
	NHS_BAD("943044765919", "twelve digits");
	NHS_BAD("943 476 591 ", "twelve bytes, last digit a space");
	NHS_BAD(" 943476 5919", "twelve bytes, leading space");

	NHS_BAD("", "empty");
	NHS_BAD("943476591", "nine digits");
	NHS_BAD("94347659190", "eleven digits");
	NHS_BAD("094347659190", "twelve digits, leading zero");
	NHS_BAD(" 9434765919", "leading space");
	NHS_BAD("9434765919\n", "trailing newline");
	NHS_BAD("+9434765919", "leading plus");
	NHS_BAD("-943476591", "minus sign");
	NHS_BAD("94347659l9", "letter l for digit 1");
	NHS_BAD("943476591O", "letter O for digit 0");
	NHS_BAD("A434765919", "leading letter");
	NHS_BAD("9434x65919", "letter inside");
	NHS_BAD("943 476 591A", "grouped, letter check digit");
	NHS_BAD("9434765\0" "19", "NUL byte inside");
	NHS_BAD("\xef\xbc\x99\xef\xbc\x94\xef\xbc\x93\xef\xbc\x94", "full-width digits");
	NHS_BAD("9434765919" "9434765919", "twice over");
	/* '/' and ':' flank the digits in ASCII */
	NHS_BAD("943476591:", "colon (digit 9 + 1)");
	NHS_BAD("/434765919", "slash (digit 0 - 1)");
	NHS_BAD("943476591\xb9", "high-bit byte (superscript one in Latin-1)");
}

/* Checks that every single-digit change and adjacent swap of valid numbers is rejected. */
static void
test_nhs_errors(void)
{
	const char *valid[] = {"9434765919", "4010232137", "4000000020", "9999999999",
	"0000000000", NULL, NULL, NULL};
	uint64_t	rng = 11;
	int			nvalid = 5;

	/* three more valid numbers from seeded random stems */
	while (nvalid < 8)
	{
		static char made[3][11];
		char	   *m = made[nvalid - 5];
		int			c;

		for (int i = 0; i < 9; i++)
			m[i] = (char) ('0' + splitmix64(&rng) % 10);
		c = check_digit(m);
		if (c == 10)
			continue;
		m[9] = (char) ('0' + c);
		m[10] = '\0';
		valid[nvalid++] = m;
	}

	for (int v = 0; v < nvalid; v++)
	{
		char		out[11];
		char		s[11];
		long		accepted = 0;
		long		variants = 0;
		long		swaps = 0;

		ok(nhs(valid[v], 10, out) && oracle_nhs(valid[v], 10, out) &&
		   check_digit(valid[v]) == valid[v][9] - '0',
		   "%s is valid (library, oracle and textbook check digit agree)", valid[v]);
		for (int pos = 0; pos < 10; pos++)
			for (char c = '0'; c <= '9'; c++)
			{
				if (c == valid[v][pos])
					continue;
				memcpy(s, valid[v], 11);
				s[pos] = c;
				variants++;
				if (nhs(s, 10, out) || oracle_nhs(s, 10, out))
				{
					accepted++;
					diag("single-digit change %s accepted", s);
				}
			}
		ok(variants == 90 && accepted == 0,
		   "all %ld single-digit changes of %s are rejected (%ld accepted)",
		   variants, valid[v], accepted);

		for (int pos = 0; pos < 9; pos++)
		{
			if (valid[v][pos] == valid[v][pos + 1])
				continue;
			memcpy(s, valid[v], 11);
			s[pos] = valid[v][pos + 1];
			s[pos + 1] = valid[v][pos];
			swaps++;
			if (nhs(s, 10, out))
			{
				accepted++;
				diag("adjacent transposition %s accepted", s);
			}
		}
		ok(accepted == 0, "all %ld adjacent transpositions of %s are rejected", swaps, valid[v]);
	}
}

/* Compares the library with the oracle on one buffer; tallies a mismatch. */
static void
compare_nhs(Tally *t, const char *s, size_t len)
{
	char		out[11];
	char		oout[11];
	bool		got;
	bool		want;

	memset(out, 'z', sizeof(out));
	got = sg_nhs_number_valid(s, len, out);
	want = oracle_nhs(s, len, oout);
	t->cases++;
	t->accepted += want;
	if (got != want || (want && memcmp(out, oout, 11) != 0))
		tally_fail(t, "\"%s\": got %s, want %s", show(s, len), got ? "true" : "false",
				   want ? "true" : "false");
}

/* Compares the library with the oracle over millions of strings. */
static void
test_nhs_exhaustive(void)
{
	char	   *buf10 = exact_copy("0000000000", 10);
	char	   *buf12 = exact_copy("000 000 0000", 12);
	uint64_t	rng = 20240328;
	static const char seps[] = {' ', '-', '.', '/', '\t', '_', '0', 'x'};
	static const char alphabet[] = "0123456789012345678901234567890123456789 - -+a.\t";

	/* Every ten-digit string 0000000000..0009999999: all check digits of 10^6 stems. */
	{
		Tally		t = {"sg_nhs_number_valid", 0, 0, 0};
		long		textbook = 0;
		char		tmp[11];

		for (long k = 0; k < 10000000; k++)
		{
			long		x = k;

			for (int i = 9; i >= 0; i--, x /= 10)
				buf10[i] = (char) ('0' + x % 10);
			compare_nhs(&t, buf10, 10);
			/* the oracle and the textbook check digit agree on every number */
			textbook += (check_digit(buf10) == buf10[9] - '0') != oracle_nhs(buf10, 10, tmp);
		}
		tally_report(&t, "every number 0000000000..0009999999");
		ok(textbook == 0, "oracle (weighted sum of ten digits) and textbook check digit agree on those 10^7 numbers (%ld disagreements)",
		   textbook);
	}

	/* 2 million seeded random ten-digit strings, bare and grouped. */
	{
		Tally		t = {"sg_nhs_number_valid", 0, 0, 0};
		Tally		g = {"sg_nhs_number_valid", 0, 0, 0};

		for (long k = 0; k < RANDOM_NHS; k++)
		{
			uint64_t	r = splitmix64(&rng);
			uint64_t	m = splitmix64(&rng);

			for (int i = 0; i < 10; i++, r /= 10)
				buf10[i] = (char) ('0' + r % 10);
			compare_nhs(&t, buf10, 10);

			/* the same digits grouped 3-3-4, separators drawn independently */
			memcpy(buf12, buf10, 3);
			memcpy(buf12 + 4, buf10 + 3, 3);
			memcpy(buf12 + 8, buf10 + 6, 4);
			buf12[3] = seps[m % 8];
			buf12[7] = (m >> 3) % 4 == 0 ? seps[(m >> 6) % 8] : buf12[3];
			compare_nhs(&g, buf12, 12);
		}
		tally_report(&t, "2,000,000 seeded random ten-digit strings");
		tally_report(&g, "2,000,000 seeded random 3-3-4 strings, mixed and odd separators");
	}

	/* Random junk of length 0..14, mostly digits, in exact-length buffers. */
	{
		Tally		t = {"sg_nhs_number_valid", 0, 0, 0};

		for (long k = 0; k < RANDOM_OTHER; k++)
		{
			uint64_t	r = splitmix64(&rng);
			size_t		len = (size_t) (r % 15);
			char	   *s;
			char		tmp[16];

			if (r % 3 == 0)
				len = (r % 2) ? 10 : 12;	/* the interesting lengths */
			r = splitmix64(&rng);
			for (size_t i = 0; i < len; i++)
				tmp[i] = alphabet[(r >> (4 * (i % 16))) % (sizeof(alphabet) - 1)];
			if (len == 12 && k % 2 == 0)
				tmp[3] = tmp[7] = (k % 4 == 0) ? ' ' : '-';
			s = exact_copy(tmp, len);
			compare_nhs(&t, s, len);
			free(s);
		}
		tally_report(&t, "1,000,000 seeded random strings of 0-14 bytes");
	}
	free(buf10);
	free(buf12);
}

/* One table row: input, expected answer, reason. */
typedef struct Case
{
	const char *s;
	size_t		len;
	bool		want;
	const char *why;
} Case;

#define C(s, want, why) {s, sizeof(s) - 1, want, why}

/* Checks sg_email_plausible on a table of shapes and on long addresses. */
static void
test_email(void)
{
	static const Case cases[] = {
		C("a@b.c", true, "shortest plausible shape, five bytes"),
		C("user@example.com", true, "plain address"),
		C("first.last@example.co.uk", true, "dots in local part and domain"),
		C("user+tag@example.org", true, "plus tag"),
		C("o'brien@example.ie", true, "apostrophe"),
		C("USER@EXAMPLE.COM", true, "upper case"),
		C("user_name-1@ex-ample.com", true, "underscore and hyphens"),
		C("user@mail.sub.example.com", true, "several domain labels"),
		C("u@xn--bcher-kva.example", true, "punycode domain"),
		C("jos\xc3\xa9@example.fr", true, "UTF-8 local part (no shape rule against it)"),
		C("", false, "empty"),
		C("a@b.", false, "four bytes"),
		C("a@bc", false, "four bytes, no dot"),
		C("@b.co", false, "empty local part"),
		C("user.example.com", false, "no @"),
		C("user@@example.com", false, "two @ together"),
		C("user@exa@mple.com", false, "two @ apart"),
		C("us@er@example.com", false, "two @, dot after both"),
		C("user@example", false, "no dot after the @"),
		C("first.last@example", false, "dot only before the @"),
		C("user@.example", false, "dot right after the @, no other"),
		C("a@.co", false, "dot right after the @, five bytes"),
		C("user@example.com.", false, "trailing dot"),
		C("user@example.", false, "trailing dot, only dot"),
		C("user@", false, "nothing after the @"),
		C("user @example.com", false, "space before the @"),
		C("user@exa mple.com", false, "space in the domain"),
		C(" user@example.com", false, "leading space"),
		C("user@example.com ", false, "trailing space"),
		C("user@example.com\n", false, "trailing newline"),
		C("user@example\t.com", false, "tab"),
		C("user\r@example.com", false, "carriage return"),
		C("user@exam\vple.com", false, "vertical tab"),
		C("user@exam\fple.com", false, "form feed"),
		C("user\0@example.com", false, "NUL byte"),
		C("user@example.com\0", false, "trailing NUL byte"),
		C("user@.example.com", false, "dot right after the @, another dot later"),
		C("a@.b.c", false, "dot right after the @, six bytes"),
		C("user@example..com", false, "empty domain label"),
		C(".user@example.com", false, "leading dot"),
		C("first..last@example.com", false, "empty local label"),
		C("user.@example.com", false, "dot right before the @"),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(email(cases[i].s, cases[i].len) == cases[i].want, "e-mail \"%s\" %s: %s",
		   show(cases[i].s, cases[i].len),
		   cases[i].want ? "plausible" : "implausible", cases[i].why);

	/* Lengths around the 254-byte limit: local part of a's, then @example.com. */
	{
		static const size_t lens[] = {253, 254, 255, 256, 300, 1000};
		static const char domain[] = "@example.com";

		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		{
			size_t		len = lens[i];
			char	   *s = malloc(len);

			if (s == NULL)
			{
				printf("Bail out! out of memory\n");
				exit(2);
			}
			memset(s, 'a', len);
			memcpy(s + len - (sizeof(domain) - 1), domain, sizeof(domain) - 1);
			ok(email(s, len) == (len <= 254), "e-mail of %zu bytes is %s", len,
			   len <= 254 ? "plausible" : "implausible (over 254)");
			free(s);
		}
	}

	/* len bounds the check: a plausible address cut short is judged by what is left. */
	ok(!email("user@example.com", 12) && email("user@example.com", 14) &&
	   !email("user@example.com", 4),
	   "e-mail judged on len bytes only (\"user@example\", \"user@example.c\", \"user\")");
}

/* Checks sg_phone_plausible on a table of shapes. */
static void
test_phone(void)
{
	static const Case cases[] = {
		C("1234567", true, "seven digits"),
		C("123456789012345", true, "fifteen digits"),
		C("+1234567", true, "plus and seven digits"),
		C("+123456789012345", true, "plus and fifteen digits"),
		C("01614960000", true, "UK number, bare"),
		C("0161 496 0000", true, "spaces"),
		C("0161-496-0000", true, "hyphens"),
		C("(0161) 496-0000", true, "parentheses, space and hyphen"),
		C("+44 161 496 0000", true, "international with spaces"),
		C("+44 (0)161 496 0000", true, "international with trunk zero in parentheses"),
		C("+441614960000", true, "international, bare"),
		C("1-2-3-4-5-6-7", true, "a separator between every digit"),
		C("", false, "empty"),
		C("123456", false, "six digits"),
		C("+123456", false, "plus and six digits"),
		C("1234567890123456", false, "sixteen digits"),
		C("+44 1234 567 890 1234", false, "plus and sixteen digits"),
		C("(01) 2-3 4", false, "separators and six digits"),
		C("+", false, "plus alone"),
		C("() - ", false, "separators only"),
		C("++441614960000", false, "two pluses"),
		C("44+1614960000", false, "plus inside"),
		C("01614960000+", false, "plus at the end"),
		C(" +441614960000", false, "plus after a leading space"),
		C("(+44) 161 496 0000", false, "plus after a parenthesis"),
		C("0161 496 OOOO", false, "letter O for zero"),
		C("0161 496 0000 ext 12", false, "extension in words"),
		C("0161496000x", false, "letter at the end"),
		C("tel:01614960000", false, "URI scheme"),
		C("0161.496.0000", false, "dots"),
		C("0161/496/0000", false, "slashes"),
		C("0161\t496\t0000", false, "tabs"),
		C("0161 496 0000\n", false, "trailing newline"),
		C("0161 496\0 0000", false, "NUL byte"),
		C("\xef\xbc\x90\xef\xbc\x91\xef\xbc\x96\xef\xbc\x91\xef\xbc\x94\xef\xbc\x99\xef\xbc\x96",
		  false, "full-width digits"),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(phone(cases[i].s, cases[i].len) == cases[i].want, "phone \"%s\" %s: %s",
		   show(cases[i].s, cases[i].len),
		   cases[i].want ? "plausible" : "implausible", cases[i].why);

	/* Seeded random strings against a counting oracle. */
	{
		static const char alphabet[] = "01234567890123456789 -()+a.\t";
		Tally		t = {"sg_phone_plausible", 0, 0, 0};
		uint64_t	rng = 7;

		for (long k = 0; k < RANDOM_OTHER; k++)
		{
			uint64_t	r = splitmix64(&rng);
			size_t		len = (size_t) (r % 22);
			char		tmp[24];
			char	   *s;
			int			digits = 0;
			bool		want = true;
			bool		got;

			r = splitmix64(&rng);
			for (size_t i = 0; i < len; i++)
			{
				tmp[i] = alphabet[(r >> (3 * (i % 21))) % (sizeof(alphabet) - 1)];
				if (i > 0 && (k + i) % 5 == 0)
					tmp[i] = (char) ('0' + (k + i) % 10);	/* more digits */
			}
			if (len > 0 && k % 4 == 0)
				tmp[0] = '+';
			for (size_t i = 0; i < len; i++)
			{
				if (tmp[i] >= '0' && tmp[i] <= '9')
					digits++;
				else if (!(tmp[i] == '+' && i == 0) && !strchr(" -()", tmp[i]))
					want = false;
			}
			want = want && digits >= 7 && digits <= 15;
			s = exact_copy(tmp, len);
			got = sg_phone_plausible(s, len);
			free(s);
			t.cases++;
			t.accepted += want;
			if (got != want)
				tally_fail(&t, "\"%s\": got %s", show(tmp, len), got ? "true" : "false");
		}
		tally_report(&t, "1,000,000 seeded random strings of 0-21 bytes");
	}
}

/* Checks sg_text_present_utf8 on ASCII white space and on any other character. */
static void
test_text_present(void)
{
	static const Case cases[] = {
		C("", false, "empty"),
		C(" ", false, "one space"),
		C("\t", false, "one tab"),
		C("\n", false, "one newline"),
		C("   \n\t  \r\n", false, "spaces, tabs, newlines"),
		C(" \t\n\r\f\v", false, "every ASCII white space character"),
		C("\x01\x1b\x7f", false, "ASCII control characters"),
		C("a", true, "one letter"),
		C("  a  ", true, "a letter among spaces"),
		C("\n\t x", true, "a letter after white space"),
		C("x\n\t ", true, "a letter before white space"),
		C(".", true, "punctuation"),
		C("0", true, "a digit"),
		C("-", true, "a hyphen"),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(present(cases[i].s, cases[i].len) == cases[i].want, "text %s: %s",
		   cases[i].want ? "present" : "absent", cases[i].why);
	ok(!present("   x", 3) && !present("x", 0) && present("   x", 4),
	   "text presence judged on len bytes only");
}

/*
 * The oracle of blank code points, as the Unicode Character Database lists
 * them (PropList.txt White_Space; DerivedCoreProperties.txt
 * Default_Ignorable_Code_Point, one line per entry as published; general
 * category Cc), plus U+2800 BRAILLE PATTERN BLANK, which renders as nothing
 * without being either.
 */
static const uint32_t white_space[] = {
	0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x0085, 0x00A0, 0x1680,
	0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
	0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
};
static const uint32_t default_ignorable[][2] = {
	{0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C}, {0x115F, 0x1160},
	{0x17B4, 0x17B5}, {0x180B, 0x180D}, {0x180E, 0x180E}, {0x180F, 0x180F},
	{0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2065, 0x2065},
	{0x2066, 0x206F}, {0x3164, 0x3164}, {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF},
	{0xFFA0, 0xFFA0}, {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A},
	{0xE0000, 0xE0FFF},
};

/* The oracle: true when cp is White_Space, Cc, Default_Ignorable_Code_Point or U+2800. */
static bool
oracle_blank(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(white_space) / sizeof(white_space[0]); i++)
		if (cp == white_space[i])
			return true;
	if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F))
		return true;
	for (size_t i = 0; i < sizeof(default_ignorable) / sizeof(default_ignorable[0]); i++)
		if (cp >= default_ignorable[i][0] && cp <= default_ignorable[i][1])
			return true;
	return cp == 0x2800;
}

/*
 * Encodes cp as UTF-8 into out (room for 4); returns the length.  Surrogates
 * are encoded the CESU way (ED A0..BF xx), which is not UTF-8: a test input.
 */
static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/* Checks the blank characters named in issue 14 and what people paste, one by one. */
static void
test_text_unicode_golden(void)
{
	static const Case cases[] = {
		C("\xc2\xa0", false, "U+00A0 no-break space alone"),
		C("\xe3\x80\x80", false, "U+3000 ideographic space alone"),
		C("\xc2\xa0\xe3\x80\x80 \xc2\xa0", false, "no-break, ideographic and ASCII spaces"),
		C("\xc2\x85", false, "U+0085 next line"),
		C("\xe1\x9a\x80", false, "U+1680 Ogham space mark"),
		C("\xe2\x80\x80\xe2\x80\x8a", false, "U+2000 en quad, U+200A hair space"),
		C("\xe2\x80\xa8\xe2\x80\xa9", false, "U+2028 line and U+2029 paragraph separators"),
		C("\xe2\x80\xaf\xe2\x81\x9f", false, "U+202F narrow no-break, U+205F medium mathematical space"),
		C("\xe2\x80\x8b", false, "U+200B zero width space"),
		C("\xe2\x81\xa0", false, "U+2060 word joiner"),
		C("\xef\xbb\xbf", false, "U+FEFF byte order mark"),
		C("\xef\xbb\xbf\xe2\x80\x8b\xc2\xa0\xe2\x81\xa0", false, "BOM, zero width space, no-break space, word joiner"),
		C("\xe2\x80\x8e\xe2\x80\x8f", false, "U+200E, U+200F directional marks"),
		C("\xe1\xa0\x8e", false, "U+180E Mongolian vowel separator"),
		C("\xc2\xad", false, "U+00AD soft hyphen"),
		C("\xe3\x85\xa4", false, "U+3164 Hangul filler"),
		C("\xe2\xa0\x80", false, "U+2800 braille pattern blank"),
		C("\xf3\xa0\x80\x81", false, "U+E0001 language tag"),
		C("a\xc2\xa0" "b", true, "letters around a no-break space"),
		C("\xe3\x80\x80x\xe3\x80\x80", true, "a letter between ideographic spaces"),
		C("Real\xc2\xa0text", true, "real text with a no-break space inside"),
		C("\xc2\xa1", true, "U+00A1 inverted exclamation mark"),
		C("\xc3\xa9", true, "U+00E9 e acute"),
		C("\xcc\x81", true, "U+0301 a combining acute accent alone (it shows)"),
		C("\xe2\x80\x90", true, "U+2010 hyphen"),
		C("\xe2\xa0\x81", true, "U+2801 braille dots-1"),
		C("\xe3\x80\x81", true, "U+3001 ideographic comma"),
		C("\xef\xbc\xa1", true, "U+FF21 full-width A"),
		C("\xf0\x9f\x99\x82", true, "U+1F642 an emoji"),
		C("\x80", true, "a stray continuation byte (not UTF-8: shows)"),
		C("\xc0\x80", true, "an overlong NUL (not UTF-8)"),
		C("\xc1\xbf", true, "an overlong DEL (not UTF-8)"),
		C("\xe0\x80\xa0", true, "an overlong space (not UTF-8)"),
		C("\xed\xa0\x80", true, "a surrogate (not UTF-8)"),
		C("\xf4\x90\x80\x80", true, "beyond U+10FFFF (not UTF-8)"),
		C("\xf5\x80\x80\x80", true, "lead byte F5 (not UTF-8)"),
		C("\xff", true, "byte FF (not UTF-8)"),
		C("\xe3\x80", true, "U+3000 cut short (not UTF-8)"),
		C("\xc2\xa0\xe3\x80", true, "a no-break space, then U+3000 cut short"),
		C("\xc2", true, "a lone lead byte"),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(present(cases[i].s, cases[i].len) == cases[i].want, "text \"%s\" %s: %s",
		   show(cases[i].s, cases[i].len), cases[i].want ? "present" : "blank", cases[i].why);
	ok(!present("\xe3\x80\x80", 3) && present("\xe3\x80\x80", 2) && !present("\xe3\x80\x80", 0),
	   "a multi-byte character is judged on len bytes only");
}

/*
 * Every code point against the oracle: alone, between two ideographic
 * spaces, and its encoding cut short by one byte (not UTF-8: present).
 */
static void
test_text_unicode_exhaustive(void)
{
	Tally		alone = {"sg_text_present_utf8 of one character", 0, 0, 0};
	Tally		between = {"sg_text_present_utf8 between blanks", 0, 0, 0};
	Tally		blank = {"sg_codepoint_blank", 0, 0, 0};
	Tally		cut = {"sg_text_present_utf8 of a truncated encoding", 0, 0, 0};

	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++)
	{
		char		buf[12];
		bool		surrogate = cp >= 0xD800 && cp <= 0xDFFF;
		bool		want = surrogate || !oracle_blank(cp);
		size_t		n = utf8_encode(cp, buf + 3);
		bool		got;

		alone.cases++;
		alone.accepted += want;
		got = present(buf + 3, n);
		if (got != want)
			tally_fail(&alone, "U+%04X: got %s", (unsigned) cp, got ? "present" : "blank");
		if (!surrogate)
		{
			blank.cases++;
			blank.accepted += !want;
			if (sg_codepoint_blank(cp) != !want)
				tally_fail(&blank, "U+%04X: got %s", (unsigned) cp, want ? "blank" : "not blank");
		}
		memcpy(buf, "\xe3\x80\x80", 3);
		memcpy(buf + 3 + n, "\xe3\x80\x80", 3);
		between.cases++;
		between.accepted += want;
		got = present(buf, n + 6);
		if (got != want)
			tally_fail(&between, "U+%04X: got %s", (unsigned) cp, got ? "present" : "blank");
		if (n > 1)
		{
			cut.cases++;
			cut.accepted++;
			if (!present(buf + 3, n - 1))
				tally_fail(&cut, "U+%04X cut to %zu bytes: got blank", (unsigned) cp, n - 1);
		}
	}
	tally_report(&alone, "every code point U+0000-10FFFF alone (surrogates as CESU-8: present)");
	tally_report(&blank, "every scalar value");
	tally_report(&between, "every code point between two U+3000");
	tally_report(&cut, "every multi-byte encoding cut short by one byte");
}

/*
 * Seeded random strings of blank and other characters and malformed bytes;
 * present exactly when one character is not blank or one byte is malformed.
 */
static void
test_text_unicode_random(void)
{
	static const uint32_t blanks[] = {
		0x20, 0x09, 0x0A, 0x85, 0xA0, 0x1680, 0x2000, 0x2007, 0x200A, 0x200B,
		0x200D, 0x2028, 0x202F, 0x205F, 0x2060, 0x2800, 0x3000, 0xFEFF, 0x3164,
		0xE0020, 0x01, 0x7F,
	};
	static const char *const malformed[] = {"\x80", "\xc0\xa0", "\xed\xa0\x80", "\xff", "\xe3\x80"};
	Tally		t = {"sg_text_present_utf8", 0, 0, 0};
	uint64_t	rng = 15;

	for (long k = 0; k < RANDOM_OTHER; k++)
	{
		char		tmp[64];
		size_t		len = 0;
		int			nchars = (int) (splitmix64(&rng) % 9);
		bool		want = false;
		bool		got;
		char	   *s;

		for (int c = 0; c < nchars; c++)
		{
			uint64_t	r = splitmix64(&rng);

			if (r % 100 < 85)
				len += utf8_encode(blanks[(r >> 8) % (sizeof(blanks) / sizeof(blanks[0]))], tmp + len);
			else if (r % 100 < 97)
			{
				uint32_t	cp = (uint32_t) ((r >> 8) % 0x110000);

				if (cp >= 0xD800 && cp <= 0xDFFF)
					cp = 0x4E00;	/* a CJK ideograph instead */
				len += utf8_encode(cp, tmp + len);
				want = want || !oracle_blank(cp);
			}
			else if (c == nchars - 1 || r % 2 == 0)
			{
				const char *m = malformed[(r >> 8) % 4];	/* "\xe3\x80" only at the end */

				if (c == nchars - 1 && (r >> 16) % 5 == 0)
					m = malformed[4];
				memcpy(tmp + len, m, strlen(m));
				len += strlen(m);
				want = true;
			}
		}
		s = exact_copy(tmp, len);
		got = sg_text_present_utf8(s, len);
		free(s);
		t.cases++;
		t.accepted += want;
		if (got != want)
			tally_fail(&t, "\"%s\": got %s", show(tmp, len), got ? "present" : "blank");
	}
	tally_report(&t, "1,000,000 seeded strings of blank, other and malformed characters");
}

/* Runs every test group and prints the TAP plan last. */
int
main(void)
{
	test_nhs_golden();
	test_nhs_errors();
	test_nhs_exhaustive();
	test_email();
	test_phone();
	test_text_present();
	test_text_unicode_golden();
	test_text_unicode_exhaustive();
	test_text_unicode_random();

	printf("1..%d\n", tests_run);
	if (tests_failed)
		diag("failed %d of %d tests", tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
