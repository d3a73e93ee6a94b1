/*
 * table.c
 *		Prints a query result as a plain text table: a header, a dashed rule
 *		and one line per row, columns padded to their widest value.
 *
 * Invariants:
 *	- Widths count characters, not bytes (UTF-8 continuation bytes do not
 *	  count), so names with accents keep the columns aligned.
 *	- A value wider than max_width is cut at a character boundary and ends
 *	  in "..."; the last column is never padded or cut.
 *	- Numbers are right-aligned, everything else left-aligned; NULL is "-".
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Type OIDs of the numeric columns (pg_type.h is a server header). */
#define INT2OID 21
#define INT4OID 23
#define INT8OID 20
#define FLOAT4OID 700
#define FLOAT8OID 701
#define NUMERICOID 1700

/* Returns the number of characters in a UTF-8 string. */
int
cli_display_width(const char *s)
{
	int			n = 0;

	for (; *s; s++)
		if (((unsigned char) *s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Returns the number of bytes of s that hold its first n characters. */
static size_t
prefix_bytes(const char *s, int n)
{
	size_t		i = 0;

	while (s[i] && n > 0)
	{
		i++;
		while (((unsigned char) s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return i;
}

/* True for the column types printed right-aligned. */
static bool
is_numeric_type(Oid type)
{
	return type == INT2OID || type == INT4OID || type == INT8OID ||
		type == FLOAT4OID || type == FLOAT8OID || type == NUMERICOID;
}

/* Returns the text shown for a cell. */
static const char *
cell_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? "-" : PQgetvalue(res, row, col);
}

/* Prints one cell padded (or cut) to width; last: no padding. */
static void
print_cell(FILE *out, const char *text, int width, bool right, bool last)
{
	int			chars = cli_display_width(text);

	if (width > 3 && chars > width)
	{
		fprintf(out, "%.*s...", (int) prefix_bytes(text, width - 3), text);
		return;
	}
	if (right)
		fprintf(out, "%*s%s", width - chars, "", text);
	else if (last)
		fputs(text, out);
	else
		fprintf(out, "%s%*s", text, width - chars, "");
}

/*
 * Prints res as a table, each line starting with indent; max_width (> 3)
 * caps every column but the last, 0 means no cap.
 */
void
cli_print_table(FILE *out, const PGresult *res, const char *indent, int max_width)
{
	int			ncols = PQnfields(res);
	int			nrows = PQntuples(res);
	int		   *width = calloc((size_t) (ncols > 0 ? ncols : 1), sizeof(int));
	bool	   *right = calloc((size_t) (ncols > 0 ? ncols : 1), sizeof(bool));

	if (width == NULL || right == NULL)
	{
		cli_error("out of memory");
		exit(CLI_EXIT_LOCAL_IO);
	}
	for (int c = 0; c < ncols; c++)
	{
		right[c] = is_numeric_type(PQftype(res, c));
		width[c] = cli_display_width(PQfname(res, c));
		for (int r = 0; r < nrows; r++)
		{
			int			w = cli_display_width(cell_text(res, r, c));

			if (w > width[c])
				width[c] = w;
		}
		if (max_width > 3 && c < ncols - 1 && width[c] > max_width)
			width[c] = max_width;
	}

	fputs(indent, out);
	for (int c = 0; c < ncols; c++)
	{
		if (c > 0)
			fputs("  ", out);
		print_cell(out, PQfname(res, c), width[c], right[c], c == ncols - 1);
	}
	fputc('\n', out);
	fputs(indent, out);
	for (int c = 0; c < ncols; c++)
	{
		if (c > 0)
			fputs("  ", out);
		for (int i = 0; i < width[c]; i++)
			fputc('-', out);
	}
	fputc('\n', out);
	for (int r = 0; r < nrows; r++)
	{
		fputs(indent, out);
		for (int c = 0; c < ncols; c++)
		{
			if (c > 0)
				fputs("  ", out);
			print_cell(out, cell_text(res, r, c), width[c], right[c], c == ncols - 1);
		}
		fputc('\n', out);
	}
	free(width);
	free(right);
}
