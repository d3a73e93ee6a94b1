/*
 * spi_util.c
 *		The one way safeguard's C talks to SPI: connect, run, read, finish.
 *
 * Invariants:
 *	- A connection that cannot be made is a can't-happen error (elog), the
 *	  same everywhere.
 *	- Every value these readers return lives in the memory context that was
 *	  current when the caller connected (SPI's "upper" context), never in
 *	  SPI's own memory, which SPI_finish() frees.  A caller that reads results
 *	  only through sg_spi_value/sg_spi_text/sg_spi_output/sg_spi_int64/
 *	  sg_spi_bool can use them after sg_spi_finish(): the use-after-finish
 *	  class of bug (issue 14: a division name read after SPI_finish) cannot
 *	  arise.  By-value results are returned as they are; by-reference ones
 *	  are copied (SPI_datumTransfer, SPI_palloc).
 *	- Statements run as the table owner through sg_exec_internal
 *	  (internal_write.c): parameterised, with kept plans.
 */
#include "postgres.h"

#include "safeguard.h"
#include "spi_util.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* Connects to SPI; a failure is a can't-happen error. */
void
sg_spi_connect(void)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

/* Finishes the SPI connection, freeing everything allocated inside it. */
void
sg_spi_finish(void)
{
	SPI_finish();
}

/*
 * Runs a parameterised statement as the table owner (sg_exec_internal) and
 * raises a can't-happen error unless it touched exactly the expected number
 * of rows; returns that number.  For statements whose row count follows
 * from the schema (an INSERT ... RETURNING, a lookup by primary key of a row
 * just locked); counts a user can cause get their own ereport.
 */
uint64
sg_spi_exec_expect(const char *sql, int nargs, Oid *types, Datum *values,
				   const char *nulls, uint64 expected)
{
	uint64		n = sg_exec_internal(sql, nargs, types, values, nulls);

	if (n != expected)
		elog(ERROR, "internal statement returned " UINT64_FORMAT " rows, expected "
			 UINT64_FORMAT ": %s", n, expected, sql);
	return n;
}

/* Returns a cell of the last result as SPI holds it; a missing cell is a can't-happen error. */
static Datum
cell(uint64 row, int col, bool *isnull)
{
	if (SPI_tuptable == NULL || row >= SPI_processed ||
		col < 1 || col > SPI_tuptable->tupdesc->natts)
		elog(ERROR, "no SPI result cell (" UINT64_FORMAT ", %d)", row, col);
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

/*
 * Returns a value of the last result, copied into the caller's (upper)
 * context when it is passed by reference; sets *isnull.
 */
Datum
sg_spi_value(uint64 row, int col, bool *isnull)
{
	Datum		v = cell(row, col, isnull);
	Form_pg_attribute att = TupleDescAttr(SPI_tuptable->tupdesc, col - 1);

	return *isnull ? (Datum) 0 : SPI_datumTransfer(v, att->attbyval, att->attlen);
}

/* Returns a text value of the last result as a C string in the caller's context, or NULL. */
char *
sg_spi_text(uint64 row, int col)
{
	bool		isnull;
	Datum		v = cell(row, col, &isnull);

	return isnull ? NULL : sg_spi_strdup_out(TextDatumGetCString(v));
}

/* Returns a value of the last result in its output form (any type), in the caller's context, or NULL. */
char *
sg_spi_output(uint64 row, int col)
{
	bool		isnull;
	char	   *s;

	(void) cell(row, col, &isnull);
	s = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
	return s ? sg_spi_strdup_out(s) : NULL;
}

/* Returns an int8 value of the last result, or if_null. */
int64
sg_spi_int64(uint64 row, int col, int64 if_null)
{
	bool		isnull;
	Datum		v = cell(row, col, &isnull);

	return isnull ? if_null : DatumGetInt64(v);
}

/* Returns a boolean value of the last result, or if_null. */
bool
sg_spi_bool(uint64 row, int col, bool if_null)
{
	bool		isnull;
	Datum		v = cell(row, col, &isnull);

	return isnull ? if_null : DatumGetBool(v);
}

/* Returns a copy of a string in the caller's (upper) context, to outlive sg_spi_finish(). */
char *
sg_spi_strdup_out(const char *s)
{
	size_t		len = strlen(s) + 1;

	return memcpy(SPI_palloc(len), s, len);
}

/* Builds an int8[] from values (palloc'd in the current context). */
ArrayType *
sg_int8_array(const int64 *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = Int64GetDatum(v[i]);
	return construct_array(d, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}
