/*
 * spi_util.h
 *		SPI connections and results (spi_util.c): connect and finish with one
 *		error behaviour, run a statement as the owner expecting a row count,
 *		and read result values copied into the caller's memory context.
 */
#ifndef SG_SPI_UTIL_H
#define SG_SPI_UTIL_H

#include "postgres.h"

#include "executor/spi.h"
#include "utils/array.h"

extern void sg_spi_connect(void);
extern void sg_spi_finish(void);
extern uint64 sg_spi_exec_expect(const char *sql, int nargs, Oid *types,
								 Datum *values, const char *nulls,
								 uint64 expected);
extern Datum sg_spi_value(uint64 row, int col, bool *isnull);
extern char *sg_spi_text(uint64 row, int col);
extern char *sg_spi_output(uint64 row, int col);
extern int64 sg_spi_int64(uint64 row, int col, int64 if_null);
extern bool sg_spi_bool(uint64 row, int col, bool if_null);
extern char *sg_spi_strdup_out(const char *s);
extern ArrayType *sg_int8_array(const int64 *v, int n);

#endif							/* SG_SPI_UTIL_H */
