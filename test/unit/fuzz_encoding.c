/*
 * fuzz_encoding.c
 *		Property test of src/audit_encoding.c: the canonical encoding hashed
 *		into the audit chains is injective, so two different rows never
 *		hash the same message.
 *
 * Owns the randomised evidence for the encoding.  The fuzzer's bytes build
 * a row a, then derive a row b from it by edits aimed at collisions (a
 * field boundary moved, NULL against the empty string, a value holding a
 * forged field encoding, a field split or merged, renumbered or swapped,
 * an independent row); both are encoded exactly as audit_chain.c hashes
 * them and the harness asserts
 *		encode(a) == encode(b)  if and only if  a == b,
 * where a NULL field equals any NULL field whatever value pointer it came
 * with (the encoding ignores it).  It also decodes every message with its
 * own parser (nothing shared with the library) and asserts the round trip
 * gives the row back and consumes every byte, and that
 * sg_encode_field(NULL, ...) measures exactly what sg_encode_field writes
 * (a guard zone after each buffer must stay untouched; ASan checks too).
 *
 * Three layouts, as the backend uses the encoding:
 *	- chain: row_hash() in audit_chain.c: the previous hash (32 bytes),
 *	  then fields 1..18 (SG_AUDIT_NFIELDS, include/audit.h, a backend
 *	  header) with canonical text or NULL; lengths come from strlen()
 *	  as in hash_field(), so values hold no NUL byte (PostgreSQL text
 *	  cannot);
 *	- seal: seal_digest(): the previous digest, then per chain head field 1
 *	  the chain key, field 2 the sequence in decimal, field 3 the head hash
 *	  in hex; any number of heads, so field numbers repeat;
 *	- generic: any count of fields with any numbers, any bytes (NUL
 *	  included) with explicit lengths, and NULLs passed with a stale value
 *	  and length: the library's own contract, wider than what is hashed.
 * Nesting: the changes field holds jsonb text; the encoding sees it as
 * bytes like any other value, and the fuzzer builds such text from tokens.
 *
 * Built two ways by test/unit/Makefile, like fuzz_calendar.c:
 *	- `make fuzz`: clang -fsanitize=fuzzer,address,undefined;
 *	- `make fuzz-smoke` / `make check`: any C compiler with -DSG_FUZZ_SMOKE,
 *	  where main() feeds seeded PRNG bytes and prints TAP.
 * A failure prints both rows and messages on stderr, then aborts (libFuzzer
 * saves the input) or, in the smoke build, prints "not ok" and exits 1.
 *
 * Input layout (reads past the end yield zero bytes):
 *	layout (1); for chain and seal the previous hash (32); chain: per field
 *	a value; seal: heads (1), per head a value, 8 bytes of sequence and 32
 *	of hash; generic: count (1), per field number (2) and a value;
 *	a value: control (1): low 3 bits 0 = NULL, else tokens = control >> 3,
 *	then per token one byte (< 0x80: a dictionary token, else the next byte
 *	raw, or for generic values with bit 6 set a forged field encoding);
 *	then edits (1) and per edit kind (1) and its parameters.
 */
#include "audit_encoding.h"
#include "fuzz_input.h"
#include "prng.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAIN_FIELDS 18			/* SG_AUDIT_NFIELDS */
#define MAX_HEADS 5				/* chain heads of a seal */
#define MAX_FIELDS 32
#define MAX_VALUE 160			/* bytes per value */
#define MAX_EDITS 4
#define GUARD 16				/* guard zone after each encoded field */
#define GUARD_BYTE 0xA5

enum Layout
{
	LAYOUT_CHAIN,
	LAYOUT_SEAL,
	LAYOUT_GENERIC,
	NLAYOUTS
};

static const char *const layout_names[NLAYOUTS] = {"chain", "seal", "generic"};

/* One field as the caller of sg_encode_field sees it. */
typedef struct Field
{
	uint16_t	number;
	bool		isnull;
	uint32_t	len;			/* value bytes (a NULL may keep stale ones) */
	unsigned char value[MAX_VALUE + 1]; /* NUL-terminated for the text layouts */
} Field;

/* A row: the previous hash (chain and seal) and its fields, in order. */
typedef struct Row
{
	int			layout;
	unsigned char prev[SG_HASH_LEN];
	int			nfields;
	Field		f[MAX_FIELDS];
} Row;

/* An encoded message. */
typedef struct Message
{
	size_t		len;
	unsigned char bytes[SG_HASH_LEN + MAX_FIELDS * (SG_FIELD_HEADER + MAX_VALUE)];
} Message;


/* Per-layout counts, reported by the smoke build. */
static long pairs[NLAYOUTS];
static long same_bytes[NLAYOUTS];
static long near_misses[NLAYOUTS];	/* different rows built by edits */

/* Tokens values are made of: separators, quotes, NULL spellings, numbers as text, UTF-8, JSON. */
static const char *const tokens[] = {
	"", "\"", "'", "\\", ",", ":", ";", "|", "=", "\t", "\n", "\r", " ", "NULL", "null",
	"\\N", "true", "false", "0", "-0", "00", "1", "1.0", "1e3", "-1",
	"9223372036854775807", "-9223372036854775808", "NaN", "Infinity", "{", "}", "[", "]",
	"{\"a\": 1}", "{\"k\": \"v\\\"w\"}", "[null, \"\"]", "\xc3\xa9", "e\xcc\x81",
	"\xe2\x82\xac", "\xf0\x9d\x84\x9e", "\xef\xbb\xbf", "\xe2\x80\x8b", "\xc0\x80",
	"\x01", "\x07", "\x7f", "\xff", "\xfe\xff", "2026-11-22T08:43:04Z",
	"2026-11-22T08:43:04.000001Z", "P1M2DT3U", "\\x00ff", "case:1", "table:referral",
	"\x01\x01\x01\x01\x01\x01\x01", "\xff\xff\xff\xff",
};
#define NTOKENS ((int) (sizeof(tokens) / sizeof(tokens[0])))

/* Prints bytes as hex on stderr, at most 400 of them. */
static void
dump_bytes(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len && i < 400; i++)
		fprintf(stderr, "%02x", p[i]);
	if (len > 400)
		fprintf(stderr, "... (%zu bytes)", len);
	fputc('\n', stderr);
}

/* Prints a row on stderr. */
static void
dump_row(const char *name, const Row *r)
{
	fprintf(stderr, "row %s (%s, %d fields), prev ", name, layout_names[r->layout], r->nfields);
	dump_bytes(r->prev, r->layout == LAYOUT_GENERIC ? 0 : SG_HASH_LEN);
	for (int i = 0; i < r->nfields; i++)
	{
		fprintf(stderr, "  field %u %s len %" PRIu32 ": ", r->f[i].number,
				r->f[i].isnull ? "NULL" : "value", r->f[i].len);
		dump_bytes(r->f[i].value, r->f[i].len);
	}
}

/* Reports a broken property with the rows and messages involved, then stops. */
static void
fail(const char *what, const Row *a, const Row *b, const Message *ma, const Message *mb)
{
	fprintf(stderr, "fuzz_encoding: %s\n", what);
	if (a != NULL)
		dump_row("a", a);
	if (b != NULL)
		dump_row("b", b);
	if (ma != NULL)
	{
		fprintf(stderr, "message a: ");
		dump_bytes(ma->bytes, ma->len);
	}
	if (mb != NULL)
	{
		fprintf(stderr, "message b: ");
		dump_bytes(mb->bytes, mb->len);
	}
#ifdef SG_FUZZ_SMOKE
	printf("not ok 1 - %s (iteration %ld of seed 0x%" PRIx64 ")\n",
		   what, smoke_iteration, smoke_seed);
	exit(1);
#else
	abort();
#endif
}

/* Returns whether a layout's values are text (NUL-free, length by strlen). */
static bool
is_text(int layout)
{
	return layout != LAYOUT_GENERIC;
}

/* Appends bytes to a field's value, as many as fit; keeps it NUL-terminated. */
static void
append(Field *f, const unsigned char *p, size_t n, bool text)
{
	for (size_t i = 0; i < n && f->len < MAX_VALUE; i++)
	{
		if (text && p[i] == 0)
			continue;
		f->value[f->len++] = p[i];
	}
	f->value[f->len] = 0;
}

/*
 * Writes one field exactly as audit_chain.c's hash_field() does for text
 * (length by strlen, value NULL when the field is NULL), or with the
 * explicit length and a stale value for NULLs in the generic layout;
 * checks that the measured size is the written size.
 */
static void
emit(Message *m, const Field *f, bool text, const Row *row)
{
	const char *value;
	uint32_t	len;
	size_t		need;
	size_t		wrote;
	unsigned char *buf;

	if (text)
	{
		value = f->isnull ? NULL : (const char *) f->value;
		len = f->isnull ? 0 : (uint32_t) strlen(value);
	}
	else
	{
		value = (const char *) f->value;
		len = f->len;
	}
	need = sg_encode_field(NULL, f->number, value, len, f->isnull);
	buf = malloc(need + GUARD);
	if (buf == NULL)
		abort();
	memset(buf, GUARD_BYTE, need + GUARD);
	wrote = sg_encode_field(buf, f->number, value, len, f->isnull);
	if (wrote != need)
		fail("sg_encode_field wrote a different size than it measured", row, NULL, NULL, NULL);
	for (size_t i = need; i < need + GUARD; i++)
		if (buf[i] != GUARD_BYTE)
			fail("sg_encode_field wrote past the size it measured", row, NULL, NULL, NULL);
	if (m->len + need > sizeof(m->bytes))
		fail("message buffer too small (harness limits)", row, NULL, NULL, NULL);
	memcpy(m->bytes + m->len, buf, need);
	m->len += need;
	free(buf);
}

/* Encodes a row into the message its layout hashes. */
static void
encode(const Row *r, Message *m)
{
	m->len = 0;
	if (r->layout != LAYOUT_GENERIC)
	{
		memcpy(m->bytes, r->prev, SG_HASH_LEN);
		m->len = SG_HASH_LEN;
	}
	for (int i = 0; i < r->nfields; i++)
		emit(m, &r->f[i], is_text(r->layout), r);
}

/* Returns whether two fields are the same value (all NULLs are alike). */
static bool
fields_equal(const Field *x, const Field *y)
{
	if (x->number != y->number || x->isnull != y->isnull)
		return false;
	return x->isnull || (x->len == y->len && memcmp(x->value, y->value, x->len) == 0);
}

/* Returns whether two rows of one layout are the same row. */
static bool
rows_equal(const Row *a, const Row *b)
{
	if (a->nfields != b->nfields)
		return false;
	if (a->layout != LAYOUT_GENERIC && memcmp(a->prev, b->prev, SG_HASH_LEN) != 0)
		return false;
	for (int i = 0; i < a->nfields; i++)
		if (!fields_equal(&a->f[i], &b->f[i]))
			return false;
	return true;
}

/* Returns the big-endian number in n bytes at p. */
static uint32_t
be(const unsigned char *p, int n)
{
	uint32_t	v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * Parses a message back into a row with the header layout documented in
 * audit_encoding.h; returns false on anything malformed (a flag other than
 * 0 or 1, a NULL with a length, a value running past the end, leftovers).
 */
static bool
decode(const Message *m, int layout, Row *out)
{
	size_t		pos = 0;

	memset(out, 0, sizeof(*out));
	out->layout = layout;
	if (layout != LAYOUT_GENERIC)
	{
		if (m->len < SG_HASH_LEN)
			return false;
		memcpy(out->prev, m->bytes, SG_HASH_LEN);
		pos = SG_HASH_LEN;
	}
	while (pos < m->len)
	{
		Field	   *f;
		uint32_t	len;

		if (out->nfields == MAX_FIELDS || m->len - pos < 7)
			return false;
		f = &out->f[out->nfields++];
		f->number = (uint16_t) be(m->bytes + pos, 2);
		if (m->bytes[pos + 2] > 1)
			return false;
		f->isnull = m->bytes[pos + 2] == 1;
		len = be(m->bytes + pos + 3, 4);
		pos += 7;
		if ((f->isnull && len != 0) || len > MAX_VALUE || m->len - pos < len)
			return false;
		memcpy(f->value, m->bytes + pos, len);
		f->len = len;
		pos += len;
	}
	return true;
}

/* Fills a value from the input: NULL, or tokens, raw bytes and forged fields. */
static void
take_value(Input *in, Field *f, bool text)
{
	unsigned	control = (unsigned) take(in, 1);
	unsigned	ntok = control >> 3;

	f->len = 0;
	f->value[0] = 0;
	f->isnull = (control & 7) == 0;
	/* a NULL keeps a stale value in the generic layout: the encoding must ignore it */
	if (f->isnull && text)
		return;
	for (unsigned t = 0; t < ntok; t++)
	{
		unsigned	tok = (unsigned) take(in, 1);

		if (tok < 0x80)
		{
			const char *s = tokens[tok % NTOKENS];

			append(f, (const unsigned char *) s, strlen(s), text);
		}
		else if (!text && (tok & 0x40))
		{
			/* the encoding of a field with a short value, inside this value */
			unsigned char fake[SG_FIELD_HEADER + 4];
			unsigned char inner[4];
			uint32_t	ilen = (uint32_t) take(in, 1) % 5;
			uint16_t	num = (uint16_t) take(in, 2);
			bool		inull = ilen == 4;

			for (int i = 0; i < 4; i++)
				inner[i] = (unsigned char) take(in, 1);
			if (inull)
				ilen = 0;
			append(f, fake, sg_encode_field(fake, num, (const char *) inner, ilen, inull), text);
		}
		else
		{
			unsigned char raw = (unsigned char) take(in, 1);

			append(f, &raw, 1, text);
		}
	}
}

/* Builds row a from the input. */
static void
take_row(Input *in, int layout, Row *r)
{
	r->layout = layout;
	r->nfields = 0;
	if (layout != LAYOUT_GENERIC)
		for (int i = 0; i < SG_HASH_LEN; i++)
			r->prev[i] = (unsigned char) take(in, 1);
	else
		memset(r->prev, 0, SG_HASH_LEN);

	switch (layout)
	{
		case LAYOUT_CHAIN:
			for (int i = 0; i < CHAIN_FIELDS; i++)
			{
				r->f[i].number = (uint16_t) (i + 1);
				take_value(in, &r->f[i], true);
			}
			r->nfields = CHAIN_FIELDS;
			break;
		case LAYOUT_SEAL:
			{
				int			heads = (int) (take(in, 1) % (MAX_HEADS + 1));

				for (int h = 0; h < heads; h++)
				{
					Field	   *key = &r->f[r->nfields++];
					Field	   *seq = &r->f[r->nfields++];
					Field	   *hash = &r->f[r->nfields++];
					char		text[2 * SG_HASH_LEN + 1];

					key->number = 1;
					take_value(in, key, true);
					key->isnull = false;	/* seal fields are never NULL */
					seq->number = 2;
					seq->isnull = false;
					seq->len = 0;
					snprintf(text, sizeof(text), "%" PRId64, (int64_t) take(in, 8));
					append(seq, (const unsigned char *) text, strlen(text), true);
					hash->number = 3;
					hash->isnull = false;
					hash->len = 0;
					for (int i = 0; i < SG_HASH_LEN; i++)
						snprintf(text + 2 * i, 3, "%02x", (unsigned) take(in, 1));
					append(hash, (const unsigned char *) text, 2 * SG_HASH_LEN, true);
				}
				break;
			}
		default:
			r->nfields = (int) (take(in, 1) % 25);
			for (int i = 0; i < r->nfields; i++)
			{
				r->f[i].number = (uint16_t) take(in, 2);
				take_value(in, &r->f[i], false);
			}
			break;
	}
}

/* Returns a field index chosen by the input, or -1 for a row without fields. */
static int
pick(Input *in, const Row *r)
{
	return r->nfields == 0 ? -1 : (int) (take(in, 1) % (unsigned) r->nfields);
}

/*
 * Applies one edit chosen by the input to b.  Edits that change the shape
 * (field count, numbers) apply only where the layout allows that shape.
 */
static void
edit(Input *in, Row *b)
{
	bool		text = is_text(b->layout);
	unsigned	kind = (unsigned) take(in, 1) % 11;
	int			i = pick(in, b);
	Field	   *f = i < 0 ? NULL : &b->f[i];

	switch (kind)
	{
		case 0:					/* nothing: equal rows must encode equally */
			break;
		case 1:					/* move the boundary between field i and the next */
			if (f != NULL && i + 1 < b->nfields)
			{
				Field	   *g = &b->f[i + 1];
				unsigned	k = (unsigned) take(in, 1) % 8;
				unsigned char tmp[MAX_VALUE + 1];

				if (take(in, 1) & 1)
				{
					/* the last k bytes of f start g */
					if (k > f->len)
						k = f->len;
					if (g->len + k > MAX_VALUE)
						break;
					memcpy(tmp, f->value + f->len - k, k);
					memcpy(tmp + k, g->value, g->len);
					memcpy(g->value, tmp, g->len + k);
					g->len += k;
					f->len -= k;
				}
				else
				{
					/* the first k bytes of g end f */
					if (k > g->len)
						k = g->len;
					if (f->len + k > MAX_VALUE)
						break;
					memcpy(f->value + f->len, g->value, k);
					memmove(g->value, g->value + k, g->len - k);
					f->len += k;
					g->len -= k;
				}
				f->value[f->len] = 0;
				g->value[g->len] = 0;
			}
			break;
		case 2:					/* NULL against the empty string */
			if (f != NULL && b->layout != LAYOUT_SEAL)
			{
				f->isnull = !f->isnull;
				if (text || (take(in, 1) & 1))
				{
					f->len = 0;
					f->value[0] = 0;
				}
			}
			break;
		case 3:					/* renumber (generic) or swap two values */
			if (f != NULL)
			{
				if (b->layout == LAYOUT_GENERIC)
					f->number ^= (uint16_t) (1u << (take(in, 1) % 16));
				else
				{
					int			j = pick(in, b);
					Field		t = b->f[j];
					uint16_t	nf = f->number,
								nt = t.number;

					b->f[j] = *f;
					*f = t;
					f->number = nf;
					b->f[j].number = nt;
				}
			}
			break;
		case 4:					/* change one byte of a value */
			if (f != NULL && f->len > 0)
			{
				unsigned	at = (unsigned) take(in, 1) % f->len;
				unsigned char to = (unsigned char) take(in, 1);

				if (to == f->value[at])
					to++;
				if (text && to == 0)
					to = 1;
				f->value[at] = to;
			}
			break;
		case 5:					/* one byte more or less */
			if (f != NULL)
			{
				if (f->len > 0 && (take(in, 1) & 1))
					f->value[--f->len] = 0;
				else
				{
					unsigned char c = (unsigned char) take(in, 1);

					append(f, &c, 1, text);
				}
			}
			break;
		case 6:					/* split field i in two, or merge it with the next (generic) */
			if (f != NULL && b->layout == LAYOUT_GENERIC)
			{
				if ((take(in, 1) & 1) && b->nfields < MAX_FIELDS)
				{
					unsigned	at = f->len == 0 ? 0 : (unsigned) take(in, 1) % (f->len + 1);

					memmove(&b->f[i + 1], &b->f[i], sizeof(Field) * (size_t) (b->nfields - i));
					b->nfields++;
					b->f[i].len = at;
					b->f[i + 1].len -= at;
					memmove(b->f[i + 1].value, b->f[i + 1].value + at, b->f[i + 1].len);
					b->f[i + 1].number = (uint16_t) take(in, 2);
				}
				else if (i + 1 < b->nfields && f->len + b->f[i + 1].len <= MAX_VALUE)
				{
					memcpy(f->value + f->len, b->f[i + 1].value, b->f[i + 1].len);
					f->len += b->f[i + 1].len;
					memmove(&b->f[i + 1], &b->f[i + 2],
							sizeof(Field) * (size_t) (b->nfields - i - 2));
					b->nfields--;
				}
			}
			break;
		case 7:					/* a NULL that keeps its old value and length */
			if (f != NULL && b->layout != LAYOUT_SEAL)
				f->isnull = true;
			break;
		case 8:					/* a whole new row from the input */
			take_row(in, b->layout, b);
			break;
		case 9:					/* the previous hash, or the last field (seal: head) dropped */
			if (b->layout != LAYOUT_GENERIC && (take(in, 1) & 1))
				b->prev[take(in, 1) % SG_HASH_LEN] ^= (unsigned char) (1 + take(in, 1) % 255);
			else if (b->layout == LAYOUT_SEAL && b->nfields >= 3)
				b->nfields -= 3;
			else if (b->layout == LAYOUT_GENERIC && b->nfields > 0)
				b->nfields--;
			break;
		default:

			/*
			 * Field i swallows the next field's encoding (generic): the same
			 * bytes as the two fields, but for field i's header.
			 */
			if (f != NULL && b->layout == LAYOUT_GENERIC && i + 1 < b->nfields)
			{
				Field	   *g = &b->f[i + 1];
				unsigned char forged[SG_FIELD_HEADER + MAX_VALUE];
				size_t		n = sg_encode_field(forged, g->number, (const char *) g->value,
												g->isnull ? 0 : g->len, g->isnull);

				if (f->len + n > MAX_VALUE)
					break;
				f->isnull = false;
				memcpy(f->value + f->len, forged, n);
				f->len += (uint32_t) n;
				memmove(g, g + 1, sizeof(Field) * (size_t) (b->nfields - i - 2));
				b->nfields--;
			}
			break;
	}
}

/* Checks the round trip of a row through its message. */
static void
check_round_trip(const Row *r, const Message *m)
{
	static Row	back;

	if (!decode(m, r->layout, &back))
		fail("the message does not parse back", r, NULL, m, NULL);
	if (!rows_equal(r, &back))
		fail("the message parses back to another row", r, &back, m, NULL);
}

/* Builds two rows from the input and checks the encoding's properties on them. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static Row	a,
				b;
	static Message ma,
				mb;
	Input		in = {data, size};
	int			layout = (int) (take(&in, 1) % NLAYOUTS);
	unsigned	edits;
	bool		same_rows;
	bool		same_messages;

	take_row(&in, layout, &a);
	b = a;
	edits = 1 + (unsigned) take(&in, 1) % MAX_EDITS;
	for (unsigned e = 0; e < edits; e++)
		edit(&in, &b);

	encode(&a, &ma);
	encode(&b, &mb);
	check_round_trip(&a, &ma);
	check_round_trip(&b, &mb);

	same_rows = rows_equal(&a, &b);
	same_messages = ma.len == mb.len && memcmp(ma.bytes, mb.bytes, ma.len) == 0;
	if (same_messages && !same_rows)
		fail("two different rows encode to the same message", &a, &b, &ma, &mb);
	if (same_rows && !same_messages)
		fail("one row encodes to two different messages", &a, &b, &ma, &mb);

	pairs[layout]++;
	if (same_messages)
		same_bytes[layout]++;
	else
		near_misses[layout]++;
	return 0;
}

#ifdef SG_FUZZ_SMOKE
#include "tap.h"
#include "fuzz_smoke.h"

/* Feeds seeded random inputs to the harness; usage: [iterations [seed]]. */
int
main(int argc, char **argv)
{
	long		iterations = 200000;
	uint64_t	seed = 0xA0D17C0DEu;

	if (!fuzz_smoke_args(argc, argv, &iterations, &seed))
		return 2;
	smoke_seed = seed;

	printf("1..%d\n", NLAYOUTS);
	fflush(stdout);
	fuzz_smoke_run(iterations, seed, 1200, &smoke_iteration);
	/* a layout that never met both outcomes would prove nothing */
	for (int l = 0; l < NLAYOUTS; l++)
		ok(same_bytes[l] > 0 && near_misses[l] > 0,
		   "%s layout: %ld row pairs, %ld equal (same message), %ld different "
		   "(different messages), round trips exact (seed 0x%" PRIx64 ")",
		   layout_names[l], pairs[l], same_bytes[l], near_misses[l], seed);
	return tests_failed == 0 ? 0 : 1;
}
#endif
