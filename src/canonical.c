/*
 * canonical.c
 *		Canonical text for audited values: one spelling per value, whatever
 *		the session's settings.
 *
 * The audit trail stores old and new values as text inside jsonb, and a
 * later hash chain hashes them; a value must therefore read the same in a
 * session with DateStyle 'SQL, DMY' and TimeZone Pacific/Kiritimati as in
 * one with the defaults.  Types whose output functions depend on settings
 * (date/time, float, interval, bytea) are formatted here; every other type
 * used by safeguard's tables (integers, text, booleans, enums and arrays of
 * them, numeric, jsonb, inet, regrole) has a setting-independent output
 * function.
 */
#include "postgres.h"

#include "audit.h"
#include "calendar.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

/* Writes n decimal digits of v (0 <= v < 10^n) at out, zero-padded. */
static char *
put_digits(char *out, int v, int n)
{
	for (int i = n - 1; i >= 0; i--)
	{
		out[i] = (char) ('0' + v % 10);
		v /= 10;
	}
	return out + n;
}

/*
 * Writes what iso_timestamp's format writes for a year of four digits
 * (0-9999), digit by digit instead of through psprintf: the same text.
 */
static char *
iso_digits(const struct pg_tm *tm, fsec_t fsec, bool zoned)
{
	char	   *s = palloc(32);
	char	   *p = s;

	p = put_digits(p, tm->tm_year, 4);
	*p++ = '-';
	p = put_digits(p, tm->tm_mon, 2);
	*p++ = '-';
	p = put_digits(p, tm->tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm->tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm->tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm->tm_sec, 2);
	if (fsec != 0)
	{
		*p++ = '.';
		p = put_digits(p, (int) fsec, 6);
	}
	if (zoned)
		*p++ = 'Z';
	*p = '\0';
	return s;
}

/* Formats a timestamp as ISO 8601 (UTC when zoned), microseconds when nonzero. */
static char *
iso_timestamp(Timestamp ts, bool zoned)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_IS_NOBEGIN(ts))
		return pstrdup("-infinity");
	if (TIMESTAMP_IS_NOEND(ts))
		return pstrdup("infinity");
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range");
	if (tm.tm_year >= 0 && tm.tm_year <= 9999)
		return iso_digits(&tm, fsec, zoned);
	if (fsec != 0)
		return psprintf("%04d-%02d-%02dT%02d:%02d:%02d.%06d%s",
						tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour,
						tm.tm_min, tm.tm_sec, (int) fsec, zoned ? "Z" : "");
	return psprintf("%04d-%02d-%02dT%02d:%02d:%02d%s",
					tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour,
					tm.tm_min, tm.tm_sec, zoned ? "Z" : "");
}

/*
 * Returns a value as canonical text: the same bytes in every session,
 * whatever DateStyle, TimeZone, extra_float_digits, bytea_output or
 * IntervalStyle say (timestamps in UTC ISO 8601, bytea in hex, ...).
 */
char *
sg_canonical_text(Datum value, Oid typid)
{
	Oid			typoutput;
	bool		typisvarlena;

	switch (typid)
	{
		/* what textout, varcharout, int8out and int4out return, without the call */
		case TEXTOID:
		case VARCHAROID:
			return text_to_cstring(DatumGetTextPP(value));
		case INT8OID:
			{
				char		buf[MAXINT8LEN + 1];

				pg_lltoa(DatumGetInt64(value), buf);
				return pstrdup(buf);
			}
		case INT4OID:
			{
				char		buf[12];

				pg_ltoa(DatumGetInt32(value), buf);
				return pstrdup(buf);
			}
		case BOOLOID:
			return pstrdup(DatumGetBool(value) ? "true" : "false");
		case DATEOID:
			return sg_iso_date(DatumGetDateADT(value));
		case TIMESTAMPTZOID:
			/* TimestampTz is UTC microseconds: decode without a zone */
			return iso_timestamp(DatumGetTimestampTz(value), true);
		case TIMESTAMPOID:
			return iso_timestamp(DatumGetTimestamp(value), false);
		case FLOAT4OID:
			return psprintf("%.9g", (double) DatumGetFloat4(value));
		case FLOAT8OID:
			return psprintf("%.17g", DatumGetFloat8(value));
		case INTERVALOID:
			{
				Interval   *iv = DatumGetIntervalP(value);

				return psprintf("P%dM%dDT" INT64_FORMAT "U",
								iv->month, iv->day, iv->time);
			}
		case BYTEAOID:
			{
				bytea	   *b = DatumGetByteaPP(value);
				int			len = VARSIZE_ANY_EXHDR(b);
				const unsigned char *p = (const unsigned char *) VARDATA_ANY(b);
				char	   *out = palloc(len * 2 + 3);
				static const char hex[] = "0123456789abcdef";

				out[0] = '\\';
				out[1] = 'x';
				for (int i = 0; i < len; i++)
				{
					out[2 + 2 * i] = hex[p[i] >> 4];
					out[3 + 2 * i] = hex[p[i] & 0xf];
				}
				out[2 + 2 * len] = '\0';
				return out;
			}
		default:
			getTypeOutputInfo(typid, &typoutput, &typisvarlena);
			return OidOutputFunctionCall(typoutput, value);
	}
}

/* Appends a JSON string as escape_json() writes it, copying runs that need no escape whole. */
static void
put_json_string(StringInfo out, const char *s, int len)
{
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < ' ' || c == '"' || c == '\\')
		{
			escape_json(out, pnstrdup(s, len));
			return;
		}
	}
	appendStringInfoCharMacro(out, '"');
	appendBinaryStringInfo(out, s, len);
	appendStringInfoCharMacro(out, '"');
}

/* Appends v as jsonb_out() writes it; false for a kind of value it does not write. */
static bool
put_jsonb_value(StringInfo out, const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			appendBinaryStringInfo(out, "null", 4);
			return true;
		case jbvString:
			put_json_string(out, v->val.string.val, v->val.string.len);
			return true;
		case jbvObject:
			appendStringInfoCharMacro(out, '{');
			for (int i = 0; i < v->val.object.nPairs; i++)
			{
				const JsonbPair *p = &v->val.object.pairs[i];

				if (i > 0)
					appendBinaryStringInfo(out, ", ", 2);
				put_json_string(out, p->key.val.string.val, p->key.val.string.len);
				appendBinaryStringInfo(out, ": ", 2);
				if (!put_jsonb_value(out, &p->value))
					return false;
			}
			appendStringInfoCharMacro(out, '}');
			return true;
		default:
			return false;
	}
}

/*
 * Returns the text jsonb_out() gives for the jsonb that JsonbValueToJsonb(v)
 * builds, from the value itself: v must be what pushJsonbValue() returned
 * for a closed object (its keys sorted and unique, in the order the jsonb
 * stores them) of strings, nulls and such objects.  Returns NULL for any
 * other value (the caller then asks jsonb_out()).  For the audit row's
 * changes document, whose canonical text the chain hashes: written once
 * here, instead of read back out of the jsonb.
 */
char *
sg_jsonb_value_text(const JsonbValue *v)
{
	StringInfoData out;

	if (v == NULL || v->type != jbvObject)
		return NULL;
	initStringInfo(&out);
	if (!put_jsonb_value(&out, v))
	{
		pfree(out.data);
		return NULL;
	}
	return out.data;
}
