/*
 * pseudonym.c
 *		Pseudonyms for performance teams: one stable keyed hash per adult, so
 *		repeats can be counted without identity.
 *
 * Owns the trigger case_pseudonym (BEFORE INSERT OR UPDATE ON
 * safeguarding_case) and set_pseudonym_secret().
 *
 * Invariants:
 *	- safeguarding_case.adult_pseudonym is HMAC-SHA256(secret, adult_key) in
 *	  hex, or NULL when the adult is unknown.  The trigger computes it on
 *	  insert and on any update that touches the key or the pseudonym, so no
 *	  writer can supply one; an update touching neither keeps the stored one,
 *	  which only a re-key (which touches every pseudonym) makes stale.
 *	- The secret lives in pseudonym_key, readable by the extension owner
 *	  only.  Administrators set it and never read it back.
 *	- Setting a secret re-keys every case in the same transaction, and the
 *	  trigger reads the secret with a share lock, so a case created during a
 *	  re-key waits for it: no pseudonym is ever made with a retired key.
 */
#include "postgres.h"

#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"

#include "catalog/pg_type.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "utils/builtins.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(sg_case_pseudonym);
PG_FUNCTION_INFO_V1(sg_set_pseudonym_secret);

/* Shortest secret accepted, in bytes: the length of the hash. */
#define MIN_SECRET_BYTES PG_SHA256_DIGEST_LENGTH

/* Writes the hex HMAC-SHA256 of key under the current secret to hex[65]. */
static void
pseudonym_hex(const char *key, size_t keylen, char hex[2 * PG_SHA256_DIGEST_LENGTH + 1])
{
	uint8		mac[PG_SHA256_DIGEST_LENGTH];
	pg_hmac_ctx *ctx;
	bytea	   *secret;
	bool		isnull;

	sg_spi_connect();
	sg_exec_internal("SELECT secret FROM safeguard.pseudonym_key FOR SHARE", 0, NULL, NULL, NULL);
	if (SPI_processed != 1)
		elog(ERROR, "safeguard: pseudonym_key must hold one row");
	secret = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	ctx = pg_hmac_create(PG_SHA256);
	if (ctx == NULL ||
		pg_hmac_init(ctx, (const uint8 *) VARDATA_ANY(secret), VARSIZE_ANY_EXHDR(secret)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) key, keylen) < 0 ||
		pg_hmac_final(ctx, mac, sizeof(mac)) < 0)
		elog(ERROR, "safeguard: could not compute a pseudonym: %s", pg_hmac_error(ctx));
	pg_hmac_free(ctx);
	sg_spi_finish();
	hex[hex_encode((const char *) mac, sizeof(mac), hex)] = '\0';
}

/* Trigger: BEFORE INSERT OR UPDATE ON safeguarding_case: sets adult_pseudonym. */
Datum
sg_case_pseudonym(PG_FUNCTION_ARGS)
{
	TriggerData *td = sg_trigger_data(fcinfo, "case_pseudonym", true, true);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	tup = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	const char *cols[1] = {"adult_pseudonym"};
	Datum		value = (Datum) 0;
	bool		isnull;
	char	   *key = sg_get_cstring(tup, desc, "adult_key");
	char		hex[2 * PG_SHA256_DIGEST_LENGTH + 1];

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		return PointerGetDatum(td->tg_trigtuple);	/* internal_only refuses it */
	/*
	 * An update touching neither key nor pseudonym (closing a case) keeps a
	 * pseudonym already computed: no query per case update.
	 */
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event) &&
		sg_column_unchanged(td->tg_trigtuple, tup, desc, sg_attnum(desc, "adult_key")) &&
		sg_column_unchanged(td->tg_trigtuple, tup, desc, sg_attnum(desc, "adult_pseudonym")) &&
		(key == NULL) == (sg_get_cstring(tup, desc, "adult_pseudonym") == NULL))
		return PointerGetDatum(tup);
	isnull = key == NULL;
	if (!isnull)
	{
		pseudonym_hex(key, strlen(key), hex);
		value = CStringGetTextDatum(hex);
	}
	return PointerGetDatum(sg_set(tup, desc, 1, cols, &value, &isnull));
}

/*
 * SQL: set_pseudonym_secret(secret text) -> bigint: replaces the secret and
 * re-keys every case's pseudonym; returns how many.  Administrators only.
 */
Datum
sg_set_pseudonym_secret(PG_FUNCTION_ARGS)
{
	text	   *secret;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	uint64		rekeyed;

	sg_require_national_admin("set the pseudonym secret");
	if (PG_ARGISNULL(0) || VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(0)) < MIN_SECRET_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_SG_WEAK_SECRET),
				 errmsg("the pseudonym secret is too short"),
				 errdetail("It needs at least %d bytes; %d were given.", MIN_SECRET_BYTES,
						   PG_ARGISNULL(0) ? 0 : (int) VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(0))),
				 errhint("Use a random value kept outside the database, e.g. the output of: openssl rand -hex 32.")));
	secret = PG_GETARG_TEXT_PP(0);
	values[0] = PointerGetDatum(secret);
	sg_spi_connect();
	sg_exec_internal("UPDATE safeguard.pseudonym_key SET secret = pg_catalog.convert_to($1, 'UTF8')",
					 1, types, values, NULL);
	/* the trigger recomputes each pseudonym under the new secret */
	rekeyed = sg_exec_internal("UPDATE safeguard.safeguarding_case SET adult_pseudonym = NULL "
							   "WHERE adult_key IS NOT NULL", 0, NULL, NULL, NULL);
	sg_spi_finish();
	PG_RETURN_INT64((int64) rekeyed);
}
