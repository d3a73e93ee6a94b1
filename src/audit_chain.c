/*
 * audit_chain.c
 *		Tamper evidence for the audit trail: per-chain SHA-256 hash chains,
 *		seals that fold every chain head into a digest kept off the
 *		database, and verification.
 *
 * Owns sg_audit_append() (called by audit.c for every audit row),
 * safeguard.verify_audit(), verify_audit(digest), verify_audit_strict(),
 * audit_digest().
 *
 * Design:
 *	- Chains are per case ("case:<id>"), or per table for rows outside a
 *	  case ("table:<name>").  A writer takes a transaction-scoped lock on
 *	  its chain only (sg_serial_lock) and reads the chain head with the latest
 *	  committed snapshot, so writers of different cases never wait for each
 *	  other and no isolation level forks a chain: READ COMMITTED, REPEATABLE
 *	  READ and SERIALIZABLE writers of the same chain queue on the lock and
 *	  each sees the previous head once it commits.  (chain_key, chain_seq)
 *	  is unique, so a fork could not be stored anyway.
 *	- row_hash = SHA-256(prev_hash || canonical encoding of the row), the
 *	  encoding built from canonical text (canonical.c, audit_encoding.c):
 *	  the same row hashes the same in every session.
 *	- audit_digest() seals: it records every chain's head and a digest over
 *	  them and the previous seal's digest.  Kept outside the database, a
 *	  digest later proves that no sealed row was deleted (the newest rows
 *	  included) and that no chain was rebuilt, even by a superuser.
 *	- Every transaction that writes an audit row commits synchronously,
 *	  whatever synchronous_commit the client set.
 *	- Superusers can still alter rows: that is detected, not prevented.
 *	  Whatever they leave (a NULL hash, sequence or chain key, a hash of
 *	  the wrong length, even in columns declared NOT NULL once the catalog
 *	  is edited) is a broken row to report or a broken chain to refuse
 *	  (SG401), never a crash: every value read back is tested for NULL.
 */
#include "postgres.h"

#include "audit.h"
#include "audit_encoding.h"
#include "key_scan.h"
#include "safeguard.h"
#include "spi_util.h"
#include "sg_errcodes.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "common/cryptohash.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(sg_verify_audit);
PG_FUNCTION_INFO_V1(sg_verify_audit_digest);
PG_FUNCTION_INFO_V1(sg_verify_audit_strict);
PG_FUNCTION_INFO_V1(sg_audit_digest);

/*
 * The hashed fields of an audit row, indexed by SgAuditField (field number
 * = index + 1): the column and the type its value is hashed and inserted
 * as (duty: the label of the enum safeguard.duty, passed as text).
 */
static const struct
{
	const char *column;
	Oid			type;
	bool		enum_label;
}			audit_fields[SG_AUDIT_NFIELDS] = {
	[SG_AUDIT_F_RECORDED_AT] = {"recorded_at", TIMESTAMPTZOID},
	[SG_AUDIT_F_BUSINESS_TIME] = {"business_time", TIMESTAMPTZOID},
	[SG_AUDIT_F_TXID] = {"txid", XID8OID},
	[SG_AUDIT_F_LOGIN_ROLE] = {"login_role", TEXTOID},
	[SG_AUDIT_F_ACTING_ROLE] = {"acting_role", TEXTOID},
	[SG_AUDIT_F_ORGANISATION_ID] = {"organisation_id", INT8OID},
	[SG_AUDIT_F_DUTY] = {"duty", TEXTOID, true},
	[SG_AUDIT_F_TABLE_NAME] = {"table_name", TEXTOID},
	[SG_AUDIT_F_ROW_KEY] = {"row_key", TEXTOID},
	[SG_AUDIT_F_CASE_ID] = {"case_id", INT8OID},
	[SG_AUDIT_F_ACTION] = {"action", TEXTOID},
	[SG_AUDIT_F_FROM_STATE] = {"from_state", TEXTOID},
	[SG_AUDIT_F_TO_STATE] = {"to_state", TEXTOID},
	[SG_AUDIT_F_CHANGES] = {"changes", JSONBOID},
	[SG_AUDIT_F_APPLICATION_NAME] = {"application_name", TEXTOID},
	[SG_AUDIT_F_CLIENT_ADDR] = {"client_addr", INETOID},
	[SG_AUDIT_F_CHAIN_KEY] = {"chain_key", TEXTOID},
	[SG_AUDIT_F_CHAIN_SEQ] = {"chain_seq", INT8OID},
};

static const unsigned char genesis[SG_HASH_LEN] = {0};

/*
 * Checks, once per backend, that every hashed field is a column of
 * safeguard.audit_event of the type the chain hashes it as, and that the
 * two hash columns are bytea: a mismatch between this file and the install
 * script fails the first audit write or verification clearly, naming the
 * column, instead of hashing or inserting the wrong thing.
 */
static void
check_audit_columns(void)
{
	static bool checked = false;
	Oid			relid;
	Relation	rel;
	TupleDesc	desc;

	if (checked)
		return;
	relid = get_relname_relid("audit_event", get_namespace_oid("safeguard", false));
	if (!OidIsValid(relid))
		elog(ERROR, "safeguard: table safeguard.audit_event not found");
	rel = table_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	for (int i = 0; i < SG_AUDIT_NFIELDS + 2; i++)
	{
		const char *column = i < SG_AUDIT_NFIELDS ? audit_fields[i].column :
			i == SG_AUDIT_NFIELDS ? "prev_hash" : "row_hash";
		Oid			want = i < SG_AUDIT_NFIELDS ? audit_fields[i].type : BYTEAOID;
		bool		enum_label = i < SG_AUDIT_NFIELDS && audit_fields[i].enum_label;
		Oid			have;

		if (!sg_has_column(desc, column))
			elog(ERROR, "safeguard: audit field %d (%s) is not a column of safeguard.audit_event",
				 i + 1, column);
		have = TupleDescAttr(desc, sg_attnum(desc, column) - 1)->atttypid;
		if (enum_label ? get_typtype(have) != TYPTYPE_ENUM : have != want)
			elog(ERROR, "safeguard: column safeguard.audit_event.%s is of type %s, the audit chain expects %s",
				 column, format_type_be(have), enum_label ? "an enum" : format_type_be(want));
	}
	table_close(rel, AccessShareLock);
	checked = true;
}

/* Feeds bytes to a hash, raising on failure. */
static void
hash_update(pg_cryptohash_ctx *ctx, const unsigned char *data, size_t len)
{
	if (pg_cryptohash_update(ctx, data, len) < 0)
		elog(ERROR, "SHA-256 update failed: %s", pg_cryptohash_error(ctx));
}

/* Feeds one encoded field to a hash. */
static void
hash_field(pg_cryptohash_ctx *ctx, uint16 field, const char *value, bool isnull)
{
	uint32		len = isnull ? 0 : (uint32) strlen(value);
	unsigned char *buf = palloc(sg_encode_field(NULL, field, value, len, isnull));
	size_t		n = sg_encode_field(buf, field, value, len, isnull);

	hash_update(ctx, buf, n);
	pfree(buf);
}

/* Starts a SHA-256 computation. */
static pg_cryptohash_ctx *
hash_begin(void)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "could not start SHA-256");
	return ctx;
}

/* Finishes a SHA-256 computation into out. */
static void
hash_end(pg_cryptohash_ctx *ctx, unsigned char out[SG_HASH_LEN])
{
	if (pg_cryptohash_final(ctx, out, SG_HASH_LEN) < 0)
		elog(ERROR, "SHA-256 final failed: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
}

/*
 * Computes an audit row's hash from the previous hash and its field values:
 * the previous hash and every field's encoding, written into one buffer and
 * hashed in one update (the same bytes as a field at a time).  changes_text,
 * when not NULL, is the changes document's canonical text, already written
 * by its builder (sg_jsonb_value_text: what jsonb_out gives).
 */
static void
row_hash(const unsigned char *prev, const Datum *values, const bool *nulls,
		 const char *changes_text, unsigned char out[SG_HASH_LEN])
{
	pg_cryptohash_ctx *ctx;
	const char *text[SG_AUDIT_NFIELDS];
	uint32		len[SG_AUDIT_NFIELDS];
	size_t		total = SG_HASH_LEN;
	unsigned char *buf;
	size_t		n;

	for (int i = 0; i < SG_AUDIT_NFIELDS; i++)
	{
		text[i] = nulls[i] ? NULL :
			i == SG_AUDIT_F_CHANGES && changes_text ? changes_text :
			sg_canonical_text(values[i], audit_fields[i].type);
		len[i] = nulls[i] ? 0 : (uint32) strlen(text[i]);
		total += sg_encode_field(NULL, (uint16) (i + 1), text[i], len[i], nulls[i]);
	}
	buf = palloc(total);
	memcpy(buf, prev, SG_HASH_LEN);
	n = SG_HASH_LEN;
	for (int i = 0; i < SG_AUDIT_NFIELDS; i++)
		n += sg_encode_field(buf + n, (uint16) (i + 1), text[i], len[i], nulls[i]);
	Assert(n == total);
	ctx = hash_begin();
	hash_update(ctx, buf, n);
	hash_end(ctx, out);
	pfree(buf);
}

/* Returns a bytea datum holding a hash. */
static Datum
hash_datum(const unsigned char *hash)
{
	bytea	   *b = palloc(VARHDRSZ + SG_HASH_LEN);

	SET_VARSIZE(b, VARHDRSZ + SG_HASH_LEN);
	memcpy(VARDATA(b), hash, SG_HASH_LEN);
	return PointerGetDatum(b);
}

/*
 * Copies a bytea hash datum into out; returns false when it is not a hash
 * (NULL, or not SG_HASH_LEN bytes) and leaves out unchanged then.
 */
static bool
hash_from_datum(Datum d, bool isnull, unsigned char out[SG_HASH_LEN])
{
	bytea	   *b;

	if (isnull)
		return false;
	b = DatumGetByteaPP(d);

	if (VARSIZE_ANY_EXHDR(b) != SG_HASH_LEN)
		return false;
	memcpy(out, VARDATA_ANY(b), SG_HASH_LEN);
	return true;
}

/* Returns a hash as lower-case hex. */
static char *
hex(const unsigned char *hash)
{
	char	   *s = palloc(SG_HASH_LEN * 2 + 1);

	for (int i = 0; i < SG_HASH_LEN; i++)
		sprintf(s + 2 * i, "%02x", hash[i]);
	return s;
}

/*
 * Raises SG401: the chain's newest row cannot be chained to, so no change
 * that belongs to the chain can be recorded (and so none is made).  id is
 * the audit row (0: unknown), what says what is wrong with it.
 */
static void
refuse_broken_chain(const char *chain_key, int64 id, bool seq_known, int64 seq,
					const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_SG_AUDIT_TAMPERED),
			 errmsg("audit chain \"%s\" is broken", chain_key),
			 errdetail("Its newest row (audit row %s, sequence %s) %s, so no change can be chained to it.",
					   id != 0 ? psprintf(INT64_FORMAT, id) : "with no id",
					   seq_known ? psprintf(INT64_FORMAT, seq) : "none", what),
			 errhint("The audit trail was altered outside safeguard: run safeguard.verify_audit(), "
					 "restore the altered rows from a backup, then retry the change.")));
}

/*
 * Reads the head of a chain (its row with the largest sequence, or a row
 * with none) with the latest committed snapshot, as the chain's lock holder
 * must: one backward scan of audit_event's primary key (chain_key,
 * chain_seq), the index a "WHERE chain_key = $1 ORDER BY chain_seq DESC
 * LIMIT 1" would use, without the SPI statement around it.  A backward scan
 * of an ascending (NULLS LAST) index meets a NULL sequence first, as ORDER
 * BY ... DESC does.  Returns false for an empty chain; otherwise sets *seq
 * and prev from the head, or refuses a head that cannot be chained to
 * (SG401).  The head is read from the heap tuple, not from the index.
 */
pg_noinline static bool
read_chain_head(const char *chain_key, Datum key, int64 *seq,
				unsigned char prev[SG_HASH_LEN])
{
	static const char *const pkey[2] = {"chain_key", "chain_seq"};
	SgKeyScan	ks;
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	bool		found;

	/* the INSERT that follows takes this lock anyway */
	sg_key_scan_begin(&ks, "audit_event", RowExclusiveLock, pkey, 2, snapshot, key);
	found = sg_key_scan_next(&ks, BackwardScanDirection);
	if (found)
	{
		TupleDesc	desc = RelationGetDescr(ks.rel);
		bool		id_null,
					seq_null,
					hash_null;
		Datum		id = slot_getattr(ks.slot, sg_attnum(desc, "id"), &id_null);
		Datum		head_seq = slot_getattr(ks.slot, sg_attnum(desc, "chain_seq"), &seq_null);
		Datum		head_hash = slot_getattr(ks.slot, sg_attnum(desc, "row_hash"), &hash_null);
		int64		head_id = id_null ? 0 : DatumGetInt64(id);

		if (seq_null)
			refuse_broken_chain(chain_key, head_id, false, 0, "has no sequence number");
		*seq = DatumGetInt64(head_seq);
		if (*seq < 1 || *seq == PG_INT64_MAX)
			refuse_broken_chain(chain_key, head_id, true, *seq, "has an impossible sequence number");
		if (hash_null)
			refuse_broken_chain(chain_key, head_id, true, *seq, "has no row hash");
		if (!hash_from_datum(head_hash, false, prev))
			refuse_broken_chain(chain_key, head_id, true, *seq, "has a row hash that is not a SHA-256 hash");
	}
	sg_key_scan_end(&ks);
	UnregisterSnapshot(snapshot);
	return found;
}

/*
 * Appends an audit row to its chain: values/nulls hold the first 16 fields
 * (up to client_addr); the chain key, sequence and hashes are set here.
 * Runs inside the caller's SPI connection.  A chain whose newest row has no
 * usable sequence or hash (altered outside safeguard) is refused (SG401).
 */
void
sg_audit_append(Datum *values, bool *nulls)
{
	sg_audit_append_to(values, nulls, NULL, NULL);
}

/*
 * Appends an audit row to the chain named chain_key ("enquiry:<id>"), or,
 * when it is NULL, to its case's chain ("case:<id>") or else its table's
 * ("table:<name>").  changes_text is the changes document's canonical text
 * when its builder wrote it (sg_jsonb_value_text), or NULL: read out of the
 * jsonb then.
 */
void
sg_audit_append_to(Datum *values, bool *nulls, const char *chain_key_or_null,
				   const char *changes_text)
{
	char	   *chain_key;
	Datum		hvalues[1];
	unsigned char prev[SG_HASH_LEN];
	unsigned char hash[SG_HASH_LEN];
	int64		seq = 1;
	const char *columns[SG_AUDIT_NFIELDS + 2];
	Oid			types[SG_AUDIT_NFIELDS + 2];
	Datum		ivalues[SG_AUDIT_NFIELDS + 2];
	bool		bnulls[SG_AUDIT_NFIELDS + 2];
	char		inulls[SG_AUDIT_NFIELDS + 3];

	check_audit_columns();
	chain_key = chain_key_or_null ? pstrdup(chain_key_or_null)
		: nulls[SG_AUDIT_F_CASE_ID] ? psprintf("table:%s", TextDatumGetCString(values[SG_AUDIT_F_TABLE_NAME]))
		: psprintf("case:" INT64_FORMAT, DatumGetInt64(values[SG_AUDIT_F_CASE_ID]));

	/* Only writers of this chain queue here, until this transaction ends. */
	sg_serial_lock(chain_key);
	hvalues[0] = CStringGetTextDatum(chain_key);
	memcpy(prev, genesis, SG_HASH_LEN);
	if (read_chain_head(chain_key, hvalues[0], &seq, prev))
		seq++;
	values[SG_AUDIT_F_CHAIN_KEY] = hvalues[0];
	nulls[SG_AUDIT_F_CHAIN_KEY] = false;
	values[SG_AUDIT_F_CHAIN_SEQ] = Int64GetDatum(seq);
	nulls[SG_AUDIT_F_CHAIN_SEQ] = false;
#ifdef USE_ASSERT_CHECKING
	if (changes_text != NULL && !nulls[SG_AUDIT_F_CHANGES])
		Assert(strcmp(changes_text, sg_canonical_text(values[SG_AUDIT_F_CHANGES], JSONBOID)) == 0);
#endif
	row_hash(prev, values, nulls, changes_text, hash);

	for (int i = 0; i < SG_AUDIT_NFIELDS; i++)
	{
		columns[i] = audit_fields[i].column;
		types[i] = audit_fields[i].type;
		ivalues[i] = values[i];
		bnulls[i] = nulls[i];
	}
	columns[SG_AUDIT_NFIELDS] = "prev_hash";
	types[SG_AUDIT_NFIELDS] = BYTEAOID;
	ivalues[SG_AUDIT_NFIELDS] = hash_datum(prev);
	bnulls[SG_AUDIT_NFIELDS] = false;
	columns[SG_AUDIT_NFIELDS + 1] = "row_hash";
	types[SG_AUDIT_NFIELDS + 1] = BYTEAOID;
	ivalues[SG_AUDIT_NFIELDS + 1] = hash_datum(hash);
	bnulls[SG_AUDIT_NFIELDS + 1] = false;

	/* without SPI when audit_event is as installed (audit_insert.c); else the statement */
	if (!sg_audit_insert(columns, types, ivalues, bnulls, SG_AUDIT_NFIELDS + 2))
	{
		for (int i = 0; i < SG_AUDIT_NFIELDS + 2; i++)
			inulls[i] = bnulls[i] ? 'n' : ' ';
		inulls[SG_AUDIT_NFIELDS + 2] = '\0';
		sg_exec_internal("INSERT INTO safeguard.audit_event (recorded_at, business_time, txid, "
						 "login_role, acting_role, organisation_id, duty, table_name, row_key, "
						 "case_id, action, from_state, to_state, changes, application_name, "
						 "client_addr, chain_key, chain_seq, prev_hash, row_hash) "
						 "VALUES ($1, $2, $3, $4, $5, $6, $7::safeguard.duty, $8, $9, $10, $11, "
						 "$12, $13, $14, $15, $16, $17, $18, $19, $20)",
						 SG_AUDIT_NFIELDS + 2, types, ivalues, inulls);
	}

	/* The record of a change must survive a crash whatever the client asked. */
	ForceSyncCommit();
}

/* One problem found by verification. */
typedef struct Problem
{
	MemoryContext cxt;			/* where the report lives (outside SPI) */
	bool		found;
	int64		id;
	char	   *chain_key;
	int64		chain_seq;
	char	   *problem;
} Problem;

/* Records the first problem only. */
static void
report(Problem *p, int64 id, const char *chain_key, int64 seq, const char *problem)
{
	if (p->found)
		return;
	p->found = true;
	p->id = id;
	p->chain_key = MemoryContextStrdup(p->cxt, chain_key);
	p->chain_seq = seq;
	p->problem = MemoryContextStrdup(p->cxt, problem);
}

/*
 * Rows one cursor fetch of verification reads.  Verification streams: each
 * batch's rows, and everything computed from them, are freed before the next
 * batch, so memory stays flat however long the trail (31M rows in W5).
 */
#define VERIFY_FETCH 1000

/* Walks every chain in order, recomputing each hash; records the first broken row. */
static void
verify_chains(Problem *p)
{
	StringInfoData sql;
	Portal		portal;
	SPIPlanPtr	plan;
	MemoryContext rowcxt;
	StringInfoData current;		/* the chain being walked */
	bool		walking = false;	/* whether current holds one yet */
	int64		expected = 1;
	unsigned char prev[SG_HASH_LEN];

	check_audit_columns();
	initStringInfo(&current);
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT id");
	for (int i = 0; i < SG_AUDIT_NFIELDS; i++)
		appendStringInfo(&sql, ", %s%s", audit_fields[i].column,
						 audit_fields[i].enum_label ? "::pg_catalog.text" : "");
	appendStringInfoString(&sql, ", prev_hash, row_hash FROM safeguard.audit_event "
						   "ORDER BY chain_key, chain_seq");
	plan = SPI_prepare(sql.data, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "verify_audit: SPI_prepare failed");
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "verify_audit rows", ALLOCSET_DEFAULT_SIZES);
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	while (!p->found)
	{
		MemoryContext outer;

		SPI_cursor_fetch(portal, true, VERIFY_FETCH);
		if (SPI_processed == 0)
			break;
		outer = MemoryContextSwitchTo(rowcxt);
		for (uint64 r = 0; r < SPI_processed && !p->found; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			Datum		values[SG_AUDIT_NFIELDS];
			bool		nulls[SG_AUDIT_NFIELDS];
			bool		isnull;
			Datum		idd = SPI_getbinval(tup, desc, 1, &isnull);
			int64		id = isnull ? 0 : DatumGetInt64(idd);
			unsigned char stored_prev[SG_HASH_LEN];
			unsigned char stored[SG_HASH_LEN];
			unsigned char computed[SG_HASH_LEN];
			char	   *key;
			int64		seq;

			for (int i = 0; i < SG_AUDIT_NFIELDS; i++)
				values[i] = SPI_getbinval(tup, desc, i + 2, &nulls[i]);
			if (nulls[SG_AUDIT_F_CHAIN_KEY] || nulls[SG_AUDIT_F_CHAIN_SEQ])
			{
				report(p, id, "", 0, "row has no chain position");
				break;
			}
			key = TextDatumGetCString(values[SG_AUDIT_F_CHAIN_KEY]);
			seq = DatumGetInt64(values[SG_AUDIT_F_CHAIN_SEQ]);
			if (!walking || strcmp(current.data, key) != 0)
			{
				resetStringInfo(&current);
				appendStringInfoString(&current, key);
				walking = true;
				expected = 1;
				memcpy(prev, genesis, SG_HASH_LEN);
			}
			{
				bool		prev_null,
							hash_null;
				Datum		pd = SPI_getbinval(tup, desc, SG_AUDIT_NFIELDS + 2, &prev_null);
				Datum		hd = SPI_getbinval(tup, desc, SG_AUDIT_NFIELDS + 3, &hash_null);

				if (prev_null || hash_null)
				{
					report(p, id, key, seq, "row's hashes are missing (NULL)");
					break;
				}
				if (!hash_from_datum(pd, false, stored_prev) ||
					!hash_from_datum(hd, false, stored))
				{
					report(p, id, key, seq, "row's hashes are malformed");
					break;
				}
			}
			if (seq != expected)
				report(p, id, key, seq,
					   seq > expected ? psprintf("rows before it are missing (expected sequence " INT64_FORMAT ")", expected)
					   : psprintf("sequence out of order (expected " INT64_FORMAT ")", expected));
			else if (memcmp(stored_prev, prev, SG_HASH_LEN) != 0)
				report(p, id, key, seq, "does not link to the previous row of its chain");
			else
			{
				row_hash(prev, values, nulls, NULL, computed);
				if (memcmp(computed, stored, SG_HASH_LEN) != 0)
					report(p, id, key, seq, "contents do not match its hash (altered)");
			}
			memcpy(prev, stored, SG_HASH_LEN);
			expected = seq < PG_INT64_MAX ? seq + 1 : seq;
		}
		MemoryContextSwitchTo(outer);
		SPI_freetuptable(SPI_tuptable);
		MemoryContextReset(rowcxt);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(rowcxt);
}

/* Parses "sg1:<seal id>:<64 hex>"; raises SG402 when malformed. */
static void
parse_digest(const char *digest, int64 *seal_id, unsigned char out[SG_HASH_LEN])
{
	char	   *end;
	const char *hexpart;

	if (strncmp(digest, "sg1:", 4) != 0)
		goto bad;
	*seal_id = strtoi64(digest + 4, &end, 10);
	if (end == digest + 4 || *end != ':')
		goto bad;
	hexpart = end + 1;
	if (strlen(hexpart) != SG_HASH_LEN * 2)
		goto bad;
	for (int i = 0; i < SG_HASH_LEN; i++)
	{
		unsigned int b;

		if (sscanf(hexpart + 2 * i, "%2x", &b) != 1 ||
			!isxdigit((unsigned char) hexpart[2 * i]) || !isxdigit((unsigned char) hexpart[2 * i + 1]))
			goto bad;
		out[i] = (unsigned char) b;
	}
	return;
bad:
	ereport(ERROR,
			(errcode(ERRCODE_SG_INVALID_DIGEST),
			 errmsg("malformed audit digest"),
			 errdetail("Expected sg1:<seal number>:<64 hex digits>, got \"%s\".", digest),
			 errhint("Pass a digest exactly as safeguard.audit_digest() returned it.")));
}

/*
 * Raises SG401: a chain head cannot be sealed.  The audit row is looked up
 * by its chain for the message (the newest row: a NULL sequence sorts first).
 */
static void
refuse_seal(const char *chain_key, bool seq_known, int64 seq, const char *what)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	int64		id = 0;

	if (chain_key == NULL)
		chain_key = "";
	values[0] = CStringGetTextDatum(chain_key);
	if (sg_exec_internal("SELECT id FROM safeguard.audit_event "
						 "WHERE chain_key OPERATOR(pg_catalog.=) $1 "
						 "ORDER BY chain_seq DESC LIMIT 1", 1, types, values, NULL) == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		id = isnull ? 0 : DatumGetInt64(d);
	}
	ereport(ERROR,
			(errcode(ERRCODE_SG_AUDIT_TAMPERED),
			 errmsg("audit chain \"%s\" cannot be sealed", chain_key),
			 errdetail("Its newest row (audit row %s, sequence %s) %s.",
					   id != 0 ? psprintf(INT64_FORMAT, id) : "with no id",
					   seq_known ? psprintf(INT64_FORMAT, seq) : "none", what),
			 errhint("The audit trail was altered outside safeguard: run safeguard.verify_audit(), "
					 "restore the altered rows from a backup, then seal again.")));
}

/*
 * Adds n chain heads (rows chain_key, chain_seq, row_hash of tt, in order)
 * to a seal's digest.  Sealing (seal_digest), a head must be a real one:
 * audit_digest() copies each chain's newest row with a NULL sequence or
 * hash made 0 or empty, and such a head refuses the seal (SG401).
 * Verifying, the heads come from audit_seal_head as stored, NULLs included
 * (a superuser's edit): a NULL is hashed as a NULL field, so the digest
 * no longer matches.
 */
static void
seal_digest_add(pg_cryptohash_ctx *ctx, SPITupleTable *tt, uint64 n, bool sealing)
{
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = tt->vals[i];
		TupleDesc	desc = tt->tupdesc;
		bool		key_null,
					seq_null,
					hash_null;
		Datum		key = SPI_getbinval(tup, desc, 1, &key_null);
		Datum		seq = SPI_getbinval(tup, desc, 2, &seq_null);
		Datum		hash = SPI_getbinval(tup, desc, 3, &hash_null);
		char	   *key_text = key_null ? NULL : TextDatumGetCString(key);
		unsigned char h[SG_HASH_LEN];

		if (sealing && (key_null || seq_null || DatumGetInt64(seq) < 1))
			refuse_seal(key_text, false, 0, "has no valid sequence number");
		if (!hash_from_datum(hash, hash_null, h))
		{
			if (sealing)
				refuse_seal(key_text, true, DatumGetInt64(seq),
							hash_null || VARSIZE_ANY_EXHDR(DatumGetByteaPP(hash)) == 0
							? "has no row hash" : "has a row hash that is not a SHA-256 hash");
			memset(h, 0xff, SG_HASH_LEN);
		}
		hash_field(ctx, 1, key_text, key_null);
		hash_field(ctx, 2, seq_null ? NULL : psprintf(INT64_FORMAT, DatumGetInt64(seq)), seq_null);
		hash_field(ctx, 3, hex(h), false);
	}
}

/* Computes a seal's digest from its previous digest and its chain heads (in SPI_tuptable). */
static void
seal_digest(const unsigned char *prev, uint64 nheads, unsigned char out[SG_HASH_LEN])
{
	pg_cryptohash_ctx *ctx = hash_begin();
	SPITupleTable *heads = SPI_tuptable;

	hash_update(ctx, prev, SG_HASH_LEN);
	seal_digest_add(ctx, heads, nheads, true);
	hash_end(ctx, out);
}

/*
 * True when seal seal_id exists in the newest snapshot although the
 * statement's own snapshot does not show it: a seal made later, by another
 * transaction since the snapshot was taken or by audit_digest() earlier in the
 * same statement.  A seal missing from both was deleted.
 */
static bool
seal_made_later(int64 seal_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(seal_id)};
	SPIPlanPtr	plan;
	int			rc;

	plan = SPI_prepare("SELECT 1 FROM safeguard.audit_seal WHERE id OPERATOR(pg_catalog.=) $1", 1, types);
	if (plan == NULL)
		elog(ERROR, "verify_audit: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	rc = SPI_execute_snapshot(plan, values, NULL, GetLatestSnapshot(), InvalidSnapshot, true, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "verify_audit: seal lookup failed: %s", SPI_result_code_string(rc));
	SPI_freeplan(plan);
	return SPI_processed == 1;
}

/* Checks a digest against its seal and the chains; records the first problem. */
static void
verify_digest(const char *digest, Problem *p)
{
	int64		seal_id;
	unsigned char given[SG_HASH_LEN];
	unsigned char prev[SG_HASH_LEN];
	unsigned char stored[SG_HASH_LEN];
	unsigned char computed[SG_HASH_LEN];
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	Oid			find_types[2] = {TEXTOID, INT8OID};
	bool		isnull;
	SPIPlanPtr	heads;
	SPIPlanPtr	find;
	Portal		portal;
	MemoryContext rowcxt;
	pg_cryptohash_ctx *ctx;

	parse_digest(digest, &seal_id, given);
	values[0] = Int64GetDatum(seal_id);
	if (SPI_execute_with_args("SELECT s.prev_digest, s.digest, "
							  "(SELECT q.digest FROM safeguard.audit_seal q "
							  " WHERE q.id OPERATOR(pg_catalog.<) s.id ORDER BY q.id DESC LIMIT 1) "
							  "FROM safeguard.audit_seal s WHERE s.id OPERATOR(pg_catalog.=) $1",
							  1, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "verify_audit: seal query failed");
	if (SPI_processed != 1)
	{
		if (seal_made_later(seal_id))
			ereport(ERROR,
					(errcode(ERRCODE_SG_INVALID_DIGEST),
					 errmsg("audit seal " INT64_FORMAT " is newer than this statement", seal_id),
					 errdetail("The seal exists, but it was made after this statement's snapshot was taken "
							   "(for example by audit_digest() in the same statement), so the statement cannot check "
							   "the trail against it."),
					 errhint("Keep the digest and verify it in a later statement: "
							 "SELECT * FROM safeguard.verify_audit('<digest>').")));
		report(p, 0, "", 0, psprintf("seal " INT64_FORMAT " is missing (the seal table was altered)", seal_id));
		return;
	}
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		unsigned char before[SG_HASH_LEN];
		Datum		d;

		/* A NULL or malformed digest (a superuser's edit) matches nothing. */
		d = SPI_getbinval(tup, desc, 1, &isnull);
		if (!hash_from_datum(d, isnull, prev))
			memset(prev, 0xff, SG_HASH_LEN);
		d = SPI_getbinval(tup, desc, 2, &isnull);
		if (!hash_from_datum(d, isnull, stored))
			memset(stored, 0xff, SG_HASH_LEN);
		d = SPI_getbinval(tup, desc, 3, &isnull);
		if (isnull)
			memcpy(before, genesis, SG_HASH_LEN);	/* the first seal */
		else if (!hash_from_datum(d, false, before))
			memset(before, 0xff, SG_HASH_LEN);
		SPI_freetuptable(SPI_tuptable);
		if (memcmp(before, prev, SG_HASH_LEN) != 0)
		{
			report(p, 0, "", 0, "the seal does not link to the previous seal (the seal table was altered)");
			return;
		}
	}

	/*
	 * The sealed heads (one per chain at the time of the seal) are read
	 * twice, a batch at a time: first to recompute the digest, then to find
	 * each sealed row.
	 */
	heads = SPI_prepare("SELECT chain_key, chain_seq, row_hash FROM safeguard.audit_seal_head "
						"WHERE seal_id OPERATOR(pg_catalog.=) $1 ORDER BY chain_key COLLATE \"C\"",
						1, types);
	find = SPI_prepare("SELECT id, row_hash FROM safeguard.audit_event "
					   "WHERE chain_key OPERATOR(pg_catalog.=) $1 AND chain_seq OPERATOR(pg_catalog.=) $2",
					   2, find_types);
	if (heads == NULL || find == NULL)
		elog(ERROR, "verify_audit: SPI_prepare failed");
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "verify_audit heads", ALLOCSET_DEFAULT_SIZES);

	ctx = hash_begin();
	hash_update(ctx, prev, SG_HASH_LEN);
	portal = SPI_cursor_open(NULL, heads, values, NULL, true);
	for (;;)
	{
		MemoryContext outer;

		SPI_cursor_fetch(portal, true, VERIFY_FETCH);
		if (SPI_processed == 0)
			break;
		outer = MemoryContextSwitchTo(rowcxt);
		seal_digest_add(ctx, SPI_tuptable, SPI_processed, false);
		MemoryContextSwitchTo(outer);
		SPI_freetuptable(SPI_tuptable);
		MemoryContextReset(rowcxt);
	}
	SPI_cursor_close(portal);
	hash_end(ctx, computed);
	if (memcmp(computed, given, SG_HASH_LEN) != 0)
		report(p, 0, "", 0, "the digest does not match the sealed chain heads (the seal was altered)");
	else if (memcmp(stored, given, SG_HASH_LEN) != 0)
		report(p, 0, "", 0, "the seal's stored digest was altered");

	portal = SPI_cursor_open(NULL, heads, values, NULL, true);
	while (!p->found)
	{
		MemoryContext outer;
		uint64		n;
		Datum	   *keys;
		bool	   *usable;
		int64	   *seqs;
		unsigned char (*hashes)[SG_HASH_LEN];

		SPI_cursor_fetch(portal, true, VERIFY_FETCH);
		n = SPI_processed;
		if (n == 0)
			break;
		outer = MemoryContextSwitchTo(rowcxt);
		/* Copy the batch out: each lookup below replaces SPI_tuptable. */
		keys = palloc(sizeof(Datum) * n);
		usable = palloc(sizeof(bool) * n);
		seqs = palloc(sizeof(int64) * n);
		hashes = palloc(SG_HASH_LEN * n);
		for (uint64 i = 0; i < n; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		key_null,
						seq_null;
			Datum		key = SPI_getbinval(tup, desc, 1, &key_null);
			Datum		seq = SPI_getbinval(tup, desc, 2, &seq_null);
			Datum		hash = SPI_getbinval(tup, desc, 3, &isnull);

			usable[i] = !key_null && !seq_null;
			keys[i] = key_null ? (Datum) 0 : datumCopy(key, false, -1);
			seqs[i] = seq_null ? 0 : DatumGetInt64(seq);
			if (!hash_from_datum(hash, isnull, hashes[i]))
				memset(hashes[i], 0xff, SG_HASH_LEN);
		}
		SPI_freetuptable(SPI_tuptable);
		for (uint64 i = 0; i < n && !p->found; i++)
		{
			Datum		find_values[2] = {keys[i], Int64GetDatum(seqs[i])};
			unsigned char h[SG_HASH_LEN];
			bool		id_null,
						hash_null;
			Datum		id,
						hash;

			if (!usable[i])
			{
				/* the digest matched, so this cannot be; report it all the same */
				report(p, 0, "", seqs[i],
					   "a sealed chain head has no chain or sequence (the seal was altered)");
				break;
			}
			if (SPI_execute_plan(find, find_values, NULL, true, 1) != SPI_OK_SELECT)
				elog(ERROR, "verify_audit: head query failed");
			if (SPI_processed == 0)
			{
				report(p, 0, TextDatumGetCString(keys[i]), seqs[i],
					   "a sealed row is missing (rows were deleted after the seal)");
				SPI_freetuptable(SPI_tuptable);
				break;
			}
			id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &id_null);
			hash = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &hash_null);
			if (!hash_from_datum(hash, hash_null, h) || memcmp(h, hashes[i], SG_HASH_LEN) != 0)
				report(p, id_null ? 0 : DatumGetInt64(id), TextDatumGetCString(keys[i]), seqs[i],
					   "the chain was rewritten after the seal (its sealed head changed)");
			SPI_freetuptable(SPI_tuptable);
		}
		MemoryContextSwitchTo(outer);
		MemoryContextReset(rowcxt);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(rowcxt);
}

/* Returns the verification result as at most one row. */
static Datum
verification_result(FunctionCallInfo fcinfo, Problem *p)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	if (p->found)
	{
		Datum		values[4];
		bool		nulls[4] = {p->id == 0, p->chain_key[0] == '\0', p->chain_seq == 0, false};

		values[0] = Int64GetDatum(p->id);
		values[1] = CStringGetTextDatum(p->chain_key);
		values[2] = Int64GetDatum(p->chain_seq);
		values[3] = CStringGetTextDatum(p->problem);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * Verifies the whole trail into *p: the digest first when one is given,
 * then every chain.  Reads as safeguard's table owner: since 1.4 the audit
 * trail is under row-level security (an authority's auditor reads its own
 * rows), and a chain is whole or not whoever asks.
 */
static void
verify_all(const char *digest, Problem *p)
{
	SgInternalWrite iw;

	sg_internal_begin(&iw);
	PG_TRY();
	{
		sg_spi_connect();
		if (digest)
			verify_digest(digest, p);
		if (!p->found)
			verify_chains(p);
		sg_spi_finish();
	}
	PG_FINALLY();
	{
		sg_internal_end(&iw);
	}
	PG_END_TRY();
}

/* SQL: verify_audit() -> the first broken row, or none. */
Datum
sg_verify_audit(PG_FUNCTION_ARGS)
{
	Problem		p = {CurrentMemoryContext};

	verify_all(NULL, &p);
	return verification_result(fcinfo, &p);
}

/* SQL: verify_audit(digest) -> the first problem against a kept digest, or none. */
Datum
sg_verify_audit_digest(PG_FUNCTION_ARGS)
{
	Problem		p = {CurrentMemoryContext};

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_DIGEST),
				 errmsg("audit digest must not be null"),
				 errhint("Pass a digest kept from safeguard.audit_digest().")));
	verify_all(text_to_cstring(PG_GETARG_TEXT_PP(0)), &p);
	return verification_result(fcinfo, &p);
}

/* SQL: verify_audit_strict(digest text DEFAULT NULL) raises SG401 on any problem. */
Datum
sg_verify_audit_strict(PG_FUNCTION_ARGS)
{
	Problem		p = {CurrentMemoryContext};

	verify_all(PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0)), &p);
	if (p.found)
		ereport(ERROR,
				(errcode(ERRCODE_SG_AUDIT_TAMPERED),
				 errmsg("the audit trail fails verification"),
				 errdetail("Audit row " INT64_FORMAT " (chain %s, sequence " INT64_FORMAT "): %s.",
						   p.id, p.chain_key, p.chain_seq, p.problem),
				 errhint("Treat the audit trail as tampered with: compare with a backup and the digests kept off-host.")));
	PG_RETURN_BOOL(true);
}

/*
 * SQL: audit_digest() -> text.  Seals every chain's current head and
 * returns "sg1:<seal>:<hex digest>" to keep outside the database.
 */
Datum
sg_audit_digest(PG_FUNCTION_ARGS)
{
	Oid			types[2] = {BYTEAOID, BYTEAOID};
	Datum		values[2];
	unsigned char prev[SG_HASH_LEN];
	unsigned char digest[SG_HASH_LEN];
	int64		seal_id;
	bool		isnull;
	uint64		nheads;
	char	   *result;

	sg_spi_connect();
	/* one sealer at a time, so seals form a chain too */
	sg_serial_lock("seal");
	memcpy(prev, genesis, SG_HASH_LEN);
	if (sg_query_internal_latest("SELECT digest, id FROM safeguard.audit_seal ORDER BY id DESC LIMIT 1",
								 0, types, values, NULL) == 1)
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!hash_from_datum(d, isnull, prev))
		{
			Datum		id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);

			ereport(ERROR,
					(errcode(ERRCODE_SG_AUDIT_TAMPERED),
					 errmsg("the latest audit seal is broken"),
					 errdetail("Seal %s has no digest a new seal could link to.",
							   isnull ? "with no id" : psprintf(INT64_FORMAT, DatumGetInt64(id))),
					 errhint("The seal table was altered outside safeguard: check it against the digests kept off-host "
							 "and restore it from a backup before sealing again.")));
		}
	}
	/* Record the heads first, then digest exactly what was recorded. */
	values[0] = hash_datum(prev);
	values[1] = hash_datum(prev);
	types[1] = BYTEAOID;
	sg_spi_exec_expect("INSERT INTO safeguard.audit_seal (sealed_at, prev_digest, digest) "
					   "VALUES (pg_catalog.clock_timestamp(), $1, $2) RETURNING id",
					   2, types, values, NULL, 1);
	seal_id = sg_spi_int64(0, 1, 0);
	types[0] = INT8OID;
	values[0] = Int64GetDatum(seal_id);

	/*
	 * A head with no sequence or hash (an audit row altered outside
	 * safeguard) is copied as sequence 0 or an empty hash, which
	 * seal_digest() then refuses (SG401): the copy itself never fails on it,
	 * and reading the heads once costs no more than before.  Rows with no
	 * chain key belong to no chain and are not sealed (verify_audit()
	 * reports them).
	 */
	sg_exec_internal("INSERT INTO safeguard.audit_seal_head (seal_id, chain_key, chain_seq, row_hash) "
					 "SELECT $1, h.chain_key, COALESCE(h.chain_seq, 0), "
					 "COALESCE(h.row_hash, ''::pg_catalog.bytea) FROM "
					 "(SELECT DISTINCT ON (chain_key) chain_key, chain_seq, row_hash "
					 " FROM safeguard.audit_event WHERE chain_key IS NOT NULL "
					 " ORDER BY chain_key, chain_seq DESC) h",
					 1, types, values, NULL);
	nheads = sg_exec_internal("SELECT chain_key, chain_seq, row_hash FROM safeguard.audit_seal_head "
							  "WHERE seal_id OPERATOR(pg_catalog.=) $1 ORDER BY chain_key COLLATE \"C\"",
							  1, types, values, NULL);
	seal_digest(prev, nheads, digest);
	types[1] = BYTEAOID;
	values[1] = hash_datum(digest);
	sg_exec_internal("UPDATE safeguard.audit_seal SET digest = $2 WHERE id OPERATOR(pg_catalog.=) $1",
					 2, types, values, NULL);
	result = sg_spi_strdup_out(psprintf("sg1:" INT64_FORMAT ":%s", seal_id, hex(digest)));
	sg_spi_finish();
	ForceSyncCommit();
	PG_RETURN_TEXT_P(cstring_to_text(result));
}
