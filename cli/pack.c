/*
 * pack.c
 *		pack case-tracking | clinic: the packs that inspection and
 *		performance clinics ask for (issue 17 items 3-4), as files a browser
 *		opens with nothing else: no script, no network, no external file.
 *		  case-tracking  draws (or re-reads, --pack) a case-tracking pack
 *		                 and writes DIR/index.html, one DIR/case-NN.html per
 *		                 case and DIR/pack.csv;
 *		  clinic         writes one HTML report of an authority's core
 *		                 indicators over a period, as inline SVG charts,
 *		                 each with its numbers in a table.
 *
 * Invariants:
 *	- Every value from the command line reaches the server as a query
 *	  parameter, after it was checked here (ids and seeds digits only,
 *	  dates YYYY-MM-DD); every value from the server is HTML-escaped.
 *	- The clinic reads only what the reader duty may read
 *	  (report_council_indicators, data_quality() and la_enquiry's
 *	  non-identifying columns), in one read-only REPEATABLE READ
 *	  transaction, so its figures agree with each other.
 *	- A chart's numbers are in its table too (screen readers, printing).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CLI_OPT_LA 0x300
#define CLI_OPT_FROM 0x301
#define CLI_OPT_TO 0x302
#define CLI_OPT_OUT 0x303
#define CLI_OPT_SEED 0x304
#define CLI_OPT_PACK 0x305
#define CLI_OPT_NAMES 0x306

#define MAX_BARS 64
#define MAX_SERIES 3

/* The options of both packs. */
typedef struct PackArgs
{
	const char *la;
	const char *from;
	const char *to;
	const char *out;
	const char *seed;
	const char *pack;
	bool		names;
} PackArgs;

/* Prints the help of pack. */
static void
pack_help(FILE *out)
{
	fprintf(out,
			"Writes the packs that inspection and performance clinics ask for, as files a\n"
			"browser opens with nothing else (no JavaScript, no network).\n"
			"\n"
			"Usage:\n"
			"  %s pack case-tracking --la=ID --from=DATE --to=DATE --out=DIR [--seed=N] [--names]\n"
			"  %s pack case-tracking --pack=ID --out=DIR [--names]\n"
			"  %s pack clinic --la=ID --from=DATE --to=DATE --out=FILE\n"
			"\n"
			"case-tracking draws a case-tracking pack of the authority's enquiries decided\n"
			"from --from to --to (safeguard.draw_tracking_pack: a random 6 and a reserve of\n"
			"4, stratified by group and open or closed; a SAM or DSAM of the authority), or\n"
			"re-reads pack --pack, and writes DIR/index.html, DIR/case-NN.html per case and\n"
			"DIR/pack.csv: each step of each journey, who (duty and team; --names adds the\n"
			"login), when, in or out of time, decisions with their rationale, MSP outcomes.\n"
			"\n"
			"clinic writes one self-contained HTML report of the authority's core safe\n"
			"indicators over the months from --from to --to: charts as inline SVG with\n"
			"their numbers in tables, breakdowns by team and by source, data quality.\n"
			"\n"
			"Options:\n"
			"      --la=ID            the local authority's organisation id\n"
			"      --from=DATE        first day of the period (YYYY-MM-DD)\n"
			"      --to=DATE          last day of the period (YYYY-MM-DD)\n"
			"      --out=PATH         the directory (case-tracking) or file (clinic) to write\n"
			"      --seed=N           the draw's seed (default: a random one, recorded)\n"
			"      --pack=ID          write an existing pack again instead of drawing one\n"
			"      --names            name the logins who acted, not only duty and team\n",
			CLI_NAME, CLI_NAME, CLI_NAME);
	cli_print_common_options(out, false);
	cli_print_exit_codes(out);
}

/* True when s is 1 to 18 digits. */
static bool
is_id(const char *s)
{
	size_t		n = strlen(s);

	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* True when s is an optional minus and 1 to 18 digits. */
static bool
is_seed(const char *s)
{
	return is_id(s[0] == '-' ? s + 1 : s);
}

/* True when s looks like YYYY-MM-DD (the server checks the calendar). */
static bool
is_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

/* Writes s HTML-escaped. */
static void
html(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s)
		{
			case '&':
				fputs("&amp;", f);
				break;
			case '<':
				fputs("&lt;", f);
				break;
			case '>':
				fputs("&gt;", f);
				break;
			case '"':
				fputs("&quot;", f);
				break;
			case '\'':
				fputs("&#39;", f);
				break;
			default:
				fputc(*s, f);
		}
}

/* Writes one cell: open, s HTML-escaped, close. */
static void
html_cell(FILE *f, const char *open, const char *s, const char *close)
{
	fputs(open, f);
	html(f, s);
	fputs(close, f);
}

/* Writes s as one CSV field (quoted when it must be). */
static void
csv(FILE *f, const char *s)
{
	if (s == NULL || strpbrk(s, ",\"\r\n") == NULL)
	{
		fputs(s ? s : "", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++)
	{
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Returns a cell, "" for NULL. */
static const char *
cell(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col);
}

/* The page head every file shares: UTF-8, a title, the style (no external file). */
static void
page_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
	html(f, title);
	fputs("</title>\n<style>\n"
		  "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;color:#1a1a1a;max-width:72em}\n"
		  "h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em}\n"
		  "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
		  "th,td{border:1px solid #999;padding:0.3em 0.6em;text-align:left;vertical-align:top}\n"
		  "th{background:#e8e8e8}td.num{text-align:right}\n"
		  ".late{color:#a50026;font-weight:bold}.ok{color:#1b7837}\n"
		  "figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:0.3em}\n"
		  ".note{color:#444;font-size:0.9em}\n"
		  "</style>\n</head>\n<body>\n", f);
}

/* Runs a parameterised query; on failure reports and returns NULL with *rc set. */
static PGresult *
query(PGconn *conn, const char *context, const char *sql, int n, const char *const *params, int *rc)
{
	static const char *const bad_input[] = {"SG9", "22", NULL};
	CliErrorSpec spec = {context, bad_input, "The packs need the authority's SAM, officer or reader duty."};
	PGresult   *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		*rc = cli_result_error(conn, res, &spec);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Opens a file to write, or says why not. */
static FILE *
open_out(const char *path, int *rc)
{
	FILE	   *f = fopen(path, "w");

	if (f == NULL)
	{
		cli_error("cannot write \"%s\": %s", path, strerror(errno));
		*rc = CLI_EXIT_LOCAL_IO;
	}
	return f;
}

/* Closes a written file, or says why it failed. */
static int
close_out(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f))
	{
		cli_error("cannot write \"%s\": %s", path, strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}
	return CLI_EXIT_OK;
}

/* The journeys query's columns (tracking_pack_journeys, times as local text). */
#define SQL_JOURNEYS \
	"SELECT j.position, j.reserve, j.stratum, j.enquiry_id, j.case_id, j.step, " \
	"pg_catalog.to_char(j.at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI'), j.who, " \
	"pg_catalog.to_char(j.due_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI'), " \
	"CASE j.in_time WHEN true THEN 'in time' WHEN false THEN 'out of time' END, " \
	"j.decision, j.rationale, j.detail, j.step_order " \
	"FROM safeguard.tracking_pack_journeys($1::pg_catalog.int8, $2::pg_catalog.bool) j " \
	"ORDER BY j.position, j.at, j.step_order"

enum
{
	J_POSITION, J_RESERVE, J_STRATUM, J_ENQUIRY, J_CASE, J_STEP, J_AT, J_WHO, J_DUE, J_IN_TIME,
	J_DECISION, J_RATIONALE, J_DETAIL, J_STEP_ORDER, J_NCOLS
};

/* Writes one case's page. */
static int
write_case(const char *dir, const PGresult *pk, const PGresult *j, int first, int last)
{
	char		path[4096];
	char		title[256];
	FILE	   *f;
	int			rc = CLI_EXIT_OK;
	int			position = atoi(cell(j, first, J_POSITION));

	snprintf(path, sizeof(path), "%s/case-%02d.html", dir, position);
	if ((f = open_out(path, &rc)) == NULL)
		return rc;
	snprintf(title, sizeof(title), "Case %d of case-tracking pack %s: enquiry %s", position, cell(pk, 0, 0),
			 cell(j, first, J_ENQUIRY));
	page_head(f, title);
	fputs("<h1>", f);
	html(f, title);
	fputs("</h1>\n<p><a href=\"index.html\">Back to the pack</a></p>\n<table>\n", f);
	fprintf(f, "<tr><th scope=\"row\">Drawn as</th><td>%s</td></tr>\n",
			strcmp(cell(j, first, J_RESERVE), "t") == 0 ? "reserve" : "random sample");
	fputs("<tr><th scope=\"row\">Group</th><td>", f);
	html(f, cell(j, first, J_STRATUM));
	fputs("</td></tr>\n<tr><th scope=\"row\">Enquiry</th><td>", f);
	html(f, cell(j, first, J_ENQUIRY));
	fputs("</td></tr>\n<tr><th scope=\"row\">Case</th><td>", f);
	html(f, cell(j, first, J_CASE));
	fputs("</td></tr>\n<tr><th scope=\"row\">Local authority</th><td>", f);
	html(f, cell(pk, 0, 2));
	fputs("</td></tr>\n</table>\n<h2>The journey</h2>\n<table class=\"journey\">\n"
		  "<tr><th scope=\"col\">When</th><th scope=\"col\">Step</th><th scope=\"col\">Who</th>"
		  "<th scope=\"col\">Due</th><th scope=\"col\">In time</th><th scope=\"col\">Decision</th>"
		  "<th scope=\"col\">Rationale</th><th scope=\"col\">Details</th></tr>\n", f);
	for (int r = first; r <= last; r++)
	{
		const int	when_who[] = {J_AT, J_STEP, J_WHO, J_DUE};
		const char *t = cell(j, r, J_IN_TIME);

		fputs("<tr>", f);
		for (size_t k = 0; k < sizeof(when_who) / sizeof(when_who[0]); k++)
			html_cell(f, "<td>", cell(j, r, when_who[k]), "</td>");
		html_cell(f, strcmp(t, "out of time") == 0 ? "<td class=\"late\">" : "<td class=\"ok\">",
				  *t ? t : "no timescale", "</td>");
		for (int k = J_DECISION; k <= J_DETAIL; k++)
			html_cell(f, "<td>", cell(j, r, k), "</td>");
		fputs("</tr>\n", f);
	}
	fputs("</table>\n<p class=\"note\">Times are UK local time. Who acted is shown by duty and team.</p>\n"
		  "</body>\n</html>\n", f);
	return close_out(f, path);
}

/* Writes the index, the case pages and the CSV of a pack. */
static int
write_tracking(const char *dir, const PGresult *pk, const PGresult *j)
{
	char		path[4096];
	char		title[256];
	FILE	   *f;
	FILE	   *c;
	int			rc = CLI_EXIT_OK;
	int			n = PQntuples(j);

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
	{
		cli_error("cannot create directory \"%s\": %s", dir, strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}
	snprintf(path, sizeof(path), "%s/pack.csv", dir);
	if ((c = open_out(path, &rc)) == NULL)
		return rc;
	fputs("position,reserve,stratum,enquiry_id,case_id,step_order,step,at,who,due_at,in_time,decision,rationale,detail\n", c);
	for (int r = 0; r < n; r++)
	{
		const int	cols[] = {J_POSITION, J_RESERVE, J_STRATUM, J_ENQUIRY, J_CASE, J_STEP_ORDER, J_STEP, J_AT,
		J_WHO, J_DUE, J_IN_TIME, J_DECISION, J_RATIONALE, J_DETAIL};

		for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		{
			if (k)
				fputc(',', c);
			csv(c, cell(j, r, cols[k]));
		}
		fputc('\n', c);
	}
	if ((rc = close_out(c, path)) != CLI_EXIT_OK)
		return rc;

	snprintf(path, sizeof(path), "%s/index.html", dir);
	if ((f = open_out(path, &rc)) == NULL)
		return rc;
	snprintf(title, sizeof(title), "Case-tracking pack %s", cell(pk, 0, 0));
	page_head(f, title);
	fputs("<h1>", f);
	html(f, title);
	fputs("</h1>\n<table>\n<tr><th scope=\"row\">Local authority</th><td>", f);
	html(f, cell(pk, 0, 2));
	fputs("</td></tr>\n<tr><th scope=\"row\">Enquiries decided</th><td>", f);
	html(f, cell(pk, 0, 3));
	fputs(" to ", f);
	html(f, cell(pk, 0, 4));
	fputs("</td></tr>\n<tr><th scope=\"row\">Candidates</th><td>", f);
	html(f, cell(pk, 0, 8));
	fputs("</td></tr>\n<tr><th scope=\"row\">Seed</th><td>", f);
	html(f, cell(pk, 0, 5));
	fputs("</td></tr>\n<tr><th scope=\"row\">Drawn</th><td>", f);
	html(f, cell(pk, 0, 6));
	fputs(" by a ", f);
	html(f, cell(pk, 0, 7));
	fputs("</td></tr>\n</table>\n<p class=\"note\">A random six and a reserve of four, one group at a time. "
		  "The draw can be derived again from the seed and the candidates (safeguard.verify_tracking_pack).</p>\n"
		  "<table class=\"cases\">\n<tr><th scope=\"col\">Case</th><th scope=\"col\">Drawn as</th>"
		  "<th scope=\"col\">Group</th><th scope=\"col\">Enquiry</th><th scope=\"col\">Steps</th>"
		  "<th scope=\"col\">Out of time</th></tr>\n", f);
	for (int r = 0; r < n;)
	{
		int			last = r;
		int			late = 0;

		while (last + 1 < n && strcmp(cell(j, last + 1, J_POSITION), cell(j, r, J_POSITION)) == 0)
			last++;
		for (int k = r; k <= last; k++)
			late += strcmp(cell(j, k, J_IN_TIME), "out of time") == 0;
		fprintf(f, "<tr><td><a href=\"case-%02d.html\">%d</a></td><td>%s</td><td>", atoi(cell(j, r, J_POSITION)),
				atoi(cell(j, r, J_POSITION)), strcmp(cell(j, r, J_RESERVE), "t") == 0 ? "reserve" : "random sample");
		html(f, cell(j, r, J_STRATUM));
		fputs("</td><td>", f);
		html(f, cell(j, r, J_ENQUIRY));
		fprintf(f, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n", last - r + 1, late);
		if ((rc = write_case(dir, pk, j, r, last)) != CLI_EXIT_OK)
		{
			fclose(f);
			return rc;
		}
		r = last + 1;
	}
	fputs("</table>\n</body>\n</html>\n", f);
	return close_out(f, path);
}

/* pack case-tracking */
static int
run_case_tracking(PGconn *conn, const PackArgs *a, const CliOptions *opts)
{
	const char *params[4];
	PGresult   *res;
	PGresult   *pk;
	PGresult   *j;
	char		pack[32];
	int			rc = CLI_EXIT_OK;

	if (a->pack)
		snprintf(pack, sizeof(pack), "%s", a->pack);
	else
	{
		params[0] = a->la;
		params[1] = a->from;
		params[2] = a->to;
		params[3] = a->seed;
		res = query(conn, "draw the case-tracking pack",
					"SELECT safeguard.draw_tracking_pack($1::pg_catalog.int8, $2::pg_catalog.date, "
					"$3::pg_catalog.date, $4::pg_catalog.int8)", 4, params, &rc);
		if (res == NULL)
			return rc;
		snprintf(pack, sizeof(pack), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	params[0] = pack;
	pk = query(conn, "read the case-tracking pack",
			   "SELECT p.id, p.la_id, o.name, p.period_from, p.period_to, p.seed, "
			   "pg_catalog.to_char(p.drawn_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI'), "
			   "pg_catalog.replace(p.drawn_duty::pg_catalog.text, '_', ' '), pg_catalog.cardinality(p.candidates) "
			   "FROM safeguard.tracking_pack p JOIN safeguard.organisation o ON o.id OPERATOR(pg_catalog.=) p.la_id "
			   "WHERE p.id OPERATOR(pg_catalog.=) $1::pg_catalog.int8", 1, params, &rc);
	if (pk == NULL)
		return rc;
	if (PQntuples(pk) != 1)
	{
		cli_error("case-tracking pack %s does not exist or is not visible to you", pack);
		PQclear(pk);
		return CLI_EXIT_BAD_INPUT;
	}
	params[1] = a->names ? "true" : "false";
	j = query(conn, "read the journeys", SQL_JOURNEYS, 2, params, &rc);
	if (j == NULL)
	{
		PQclear(pk);
		return rc;
	}
	rc = write_tracking(a->out, pk, j);
	if (rc == CLI_EXIT_OK && !opts->quiet)
		fprintf(stderr, "%s: case-tracking pack %s: %s/index.html, %d case pages, %s/pack.csv\n", CLI_NAME, pack,
				a->out, j ? (PQntuples(j) > 0 ? atoi(cell(j, PQntuples(j) - 1, J_POSITION)) : 0) : 0, a->out);
	PQclear(pk);
	PQclear(j);
	return rc;
}

/* One chart: bars by category, up to MAX_SERIES series. */
typedef struct Chart
{
	const char *id;
	const char *title;
	const char *y_label;
	const char *x_label;
	bool		percent;		/* values are percentages: the axis runs to 100 */
	int			nseries;
	const char *series[MAX_SERIES];
	const char *colour[MAX_SERIES];
	int			nbars;
	char		label[MAX_BARS][64];
	double		value[MAX_BARS][MAX_SERIES];	/* NAN: none */
	char		note[MAX_BARS][48];	/* shown in the table, e.g. "12 of 15" */
	const char *note_label;		/* heading of the notes' column; NULL: no such column */
} Chart;

/* Formats a value as the chart shows it. */
static void
fmt_value(char *buf, size_t n, const Chart *c, double v)
{
	if (isnan(v))
		snprintf(buf, n, "no data");
	else if (c->percent)
		snprintf(buf, n, "%.1f%%", v);
	else
		snprintf(buf, n, "%.0f", v);
}

/* Writes a chart as inline SVG, then its numbers as a table. */
static void
write_chart(FILE *f, const Chart *c)
{
	const int	w = 760,
				h = 320,
				left = 70,
				right = 20,
				top = 30,
				bottom = 70;
	const int	pw = w - left - right,
				ph = h - top - bottom;
	double		max = c->percent ? 100.0 : 0.0;
	double		step;

	for (int b = 0; b < c->nbars; b++)
		for (int s = 0; s < c->nseries; s++)
			if (!isnan(c->value[b][s]) && c->value[b][s] > max)
				max = c->value[b][s];
	if (!c->percent)
	{
		/* a round top: 1, 2 or 5 times a power of ten, in five steps */
		double		raw = max > 0 ? max / 5.0 : 1.0;
		double		p = pow(10.0, floor(log10(raw)));

		step = raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
		if (step < 1)
			step = 1;
		max = step * 5;
	}
	else
		step = 20;

	fprintf(f, "<figure id=\"%s\">\n<figcaption id=\"%s-caption\">", c->id, c->id);
	html(f, c->title);
	fprintf(f, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"%s\" "
			"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-title\">\n"
			"<title id=\"%s-title\">", c->id, w, h, w, h, c->id, c->id);
	html(f, c->title);
	fputs("</title>\n", f);
	/* grid, y axis ticks and labels */
	for (double v = 0; v <= max + 1e-9; v += step)
	{
		double		y = top + ph - ph * v / max;

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, y, left + pw, y);
		fprintf(f, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%.0f%s</text>\n",
				left - 6, y + 4, v, c->percent ? "%" : "");
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, top, left, top + ph);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, top + ph, left + pw, top + ph);
	fprintf(f, "<text class=\"axis-title\" x=\"16\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" "
			"transform=\"rotate(-90 16 %d)\">", top + ph / 2, top + ph / 2);
	html(f, c->y_label);
	fprintf(f, "</text>\n<text class=\"axis-title\" x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">",
			left + pw / 2, h - 8);
	html(f, c->x_label);
	fputs("</text>\n", f);
	/* bars */
	if (c->nbars > 0)
	{
		double		slot = (double) pw / c->nbars;
		double		bw = slot * 0.7 / c->nseries;

		for (int b = 0; b < c->nbars; b++)
		{
			double		x0 = left + slot * b + slot * 0.15;

			for (int s = 0; s < c->nseries; s++)
			{
				double		v = c->value[b][s];
				double		bh = isnan(v) ? 0 : ph * v / max;
				char		buf[32];

				fmt_value(buf, sizeof(buf), c, v);
				fputs("<rect class=\"bar\" data-label=\"", f);
				html(f, c->label[b]);
				fputs("\" data-series=\"", f);
				html(f, c->series[s]);
				fprintf(f, "\" data-value=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
						"<title>", buf, x0 + bw * s, top + ph - bh, bw, bh, c->colour[s]);
				html(f, c->label[b]);
				fputs(", ", f);
				html(f, c->series[s]);
				fprintf(f, ": %s</title></rect>\n", buf);
				fprintf(f, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
						x0 + bw * s + bw / 2, top + ph - bh - 4, buf);
			}
			fprintf(f, "<text class=\"category\" x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">",
					left + slot * b + slot / 2, top + ph + 18);
			html(f, c->label[b]);
			fputs("</text>\n", f);
		}
	}
	else
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">No data in the period</text>\n",
				left + pw / 2, top + ph / 2);
	/* legend */
	if (c->nseries > 1)
		for (int s = 0; s < c->nseries; s++)
		{
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
					"<text class=\"legend\" x=\"%d\" y=\"%d\" font-size=\"12\">", left + 10 + s * 160, h - 40,
					c->colour[s], left + 28 + s * 160, h - 30);
			html(f, c->series[s]);
			fputs("</text>\n", f);
		}
	fputs("</svg>\n</figure>\n", f);

	/* the same numbers as a table */
	fprintf(f, "<table class=\"chart-data\" data-chart=\"%s\">\n<caption>", c->id);
	html(f, c->title);
	fputs(" (figures)</caption>\n<tr><th scope=\"col\">", f);
	html(f, c->x_label);
	fputs("</th>", f);
	for (int s = 0; s < c->nseries; s++)
	{
		fputs("<th scope=\"col\">", f);
		html(f, c->series[s]);
		fputs("</th>", f);
	}
	if (c->note_label)
	{
		fputs("<th scope=\"col\">", f);
		html(f, c->note_label);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (int b = 0; b < c->nbars; b++)
	{
		fputs("<tr><th scope=\"row\">", f);
		html(f, c->label[b]);
		fputs("</th>", f);
		for (int s = 0; s < c->nseries; s++)
		{
			char		buf[32];

			fmt_value(buf, sizeof(buf), c, c->value[b][s]);
			fprintf(f, "<td class=\"num\">%s</td>", buf);
		}
		if (c->note_label)
		{
			fputs("<td class=\"num\">", f);
			html(f, c->note[b]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* In-time percentage by month of one stage of report_council_indicators. */
#define SQL_STAGE_BY_MONTH \
	"SELECT pg_catalog.to_char(m.month, 'YYYY-MM'), " \
	"pg_catalog.round(100.0 * pg_catalog.sum(i.in_time) / NULLIF(pg_catalog.sum(i.in_time) + pg_catalog.sum(i.out_of_time), 0), 1), " \
	"coalesce(pg_catalog.sum(i.in_time), 0), coalesce(pg_catalog.sum(i.in_time) + pg_catalog.sum(i.out_of_time), 0) " \
	"FROM pg_catalog.generate_series(pg_catalog.date_trunc('month', $2::pg_catalog.date::pg_catalog.timestamp), " \
	"$3::pg_catalog.date::pg_catalog.timestamp, '1 month'::pg_catalog.interval) AS m(month) " \
	"LEFT JOIN safeguard.report_council_indicators i ON i.month OPERATOR(pg_catalog.=) m.month::pg_catalog.date " \
	"AND i.la_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8 AND i.stage OPERATOR(pg_catalog.=) $4 " \
	"GROUP BY m.month ORDER BY m.month"

/* Open and unallocated enquiries at the end of each month (Europe/London). */
#define SQL_CASELOAD_BY_MONTH \
	"SELECT pg_catalog.to_char(m.month, 'YYYY-MM'), " \
	"pg_catalog.count(e.id) FILTER (WHERE e.decided_at < x.end_at AND (e.closed_at IS NULL OR e.closed_at >= x.end_at)), " \
	"pg_catalog.count(e.id) FILTER (WHERE e.decided_at < x.end_at AND (e.closed_at IS NULL OR e.closed_at >= x.end_at) " \
	"AND (e.allocated_at IS NULL OR e.allocated_at >= x.end_at)) " \
	"FROM pg_catalog.generate_series(pg_catalog.date_trunc('month', $2::pg_catalog.date::pg_catalog.timestamp), " \
	"$3::pg_catalog.date::pg_catalog.timestamp, '1 month'::pg_catalog.interval) AS m(month) " \
	"CROSS JOIN LATERAL (SELECT (m.month + '1 month'::pg_catalog.interval) AT TIME ZONE 'Europe/London' AS end_at) x " \
	"LEFT JOIN safeguard.la_enquiry e ON e.la_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8 " \
	"GROUP BY m.month ORDER BY m.month"

/* Decisions in and out of time by a breakdown column (team or source) over the period. */
#define SQL_DECISIONS_BY(col) \
	"SELECT i." col "::pg_catalog.text, pg_catalog.sum(i.in_time), pg_catalog.sum(i.out_of_time), pg_catalog.sum(i.measured) " \
	"FROM safeguard.report_council_indicators i WHERE i.la_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8 " \
	"AND i.month >= pg_catalog.date_trunc('month', $2::pg_catalog.date::pg_catalog.timestamp)::pg_catalog.date AND i.month <= $3::pg_catalog.date " \
	"AND i.stage OPERATOR(pg_catalog.=) 'decision' GROUP BY 1 ORDER BY 1 LIMIT 20"

/* Fills a chart from rows of (label, value[, value...]); note from the columns given (-1: none). */
static void
fill_chart(Chart *c, const PGresult *res, int num_col, int den_col)
{
	c->nbars = PQntuples(res) < MAX_BARS ? PQntuples(res) : MAX_BARS;
	for (int b = 0; b < c->nbars; b++)
	{
		snprintf(c->label[b], sizeof(c->label[b]), "%s", cell(res, b, 0));
		for (int s = 0; s < c->nseries; s++)
			c->value[b][s] = PQgetisnull(res, b, 1 + s) ? NAN : atof(PQgetvalue(res, b, 1 + s));
		if (num_col >= 0)
			snprintf(c->note[b], sizeof(c->note[b]), "%s of %s", cell(res, b, num_col), cell(res, b, den_col));
		else
			c->note[b][0] = '\0';
	}
}

/* The five core indicators and the breakdowns, in order. */
typedef struct ClinicChart
{
	const char *id;
	const char *title;
	const char *y_label;
	const char *stage;			/* a stage of report_council_indicators, or NULL */
} ClinicChart;

static const ClinicChart stage_charts[] = {
	{"chart-decision", "Concerns decided by the end of the next working day", "% decided in time", "decision"},
	{"chart-conclusion", "Enquiries concluded within 20 working days of the decision", "% concluded in time", "conclusion"},
	{"chart-feedback", "Referrers told the outcome within 5 working days of the conclusion", "% told in time", "feedback"},
};

/* pack clinic */
static int
run_clinic(PGconn *conn, const PackArgs *a, const CliOptions *opts)
{
	const char *params[4] = {a->la, a->from, a->to, NULL};
	PGresult   *res;
	FILE	   *f;
	int			rc = CLI_EXIT_OK;
	Chart	   *c = calloc(1, sizeof(Chart));
	char		title[256];
	char		la_name[200] = "";

	if (c == NULL)
	{
		cli_error("out of memory");
		return CLI_EXIT_LOCAL_IO;
	}
	res = query(conn, "start the clinic's transaction",
				"START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0, NULL, &rc);
	if (res == NULL)
		goto done;
	PQclear(res);
	res = query(conn, "check the clinic's period",
				"SELECT o.name, $2::pg_catalog.date <= $3::pg_catalog.date FROM safeguard.organisation o "
				"WHERE o.id OPERATOR(pg_catalog.=) $1::pg_catalog.int8", 3, params, &rc);
	if (res == NULL)
		goto done;
	if (PQntuples(res) != 1 || strcmp(cell(res, 0, 1), "t") != 0)
	{
		cli_error(PQntuples(res) != 1 ? "local authority %s does not exist or is not visible to you"
				  : "the period of local authority %s's clinic ends before it starts", a->la);
		PQclear(res);
		rc = CLI_EXIT_BAD_INPUT;
		goto done;
	}
	snprintf(la_name, sizeof(la_name), "%s", cell(res, 0, 0));
	PQclear(res);
	if ((f = open_out(a->out, &rc)) == NULL)
		goto done;
	snprintf(title, sizeof(title), "Performance clinic: %s, %s to %s", la_name, a->from, a->to);
	page_head(f, title);
	fputs("<h1>", f);
	html(f, title);
	fputs("</h1>\n<p class=\"note\">The council's own safeguarding pathway, by month the concern was received. "
		  "In time means within the deadline policy in force then (working days, bank holidays excluded). "
		  "Each chart's figures follow it in a table.</p>\n<h2>Core safe indicators</h2>\n", f);
	for (size_t k = 0; k < sizeof(stage_charts) / sizeof(stage_charts[0]); k++)
	{
		memset(c, 0, sizeof(*c));
		c->id = stage_charts[k].id;
		c->title = stage_charts[k].title;
		c->y_label = stage_charts[k].y_label;
		c->x_label = "Month received";
		c->percent = true;
		c->nseries = 1;
		c->series[0] = "In time";
		c->colour[0] = "#2166ac";
		c->note_label = "In time, of those with a timescale";
		params[3] = stage_charts[k].stage;
		if ((res = query(conn, c->title, SQL_STAGE_BY_MONTH, 4, params, &rc)) == NULL)
			break;
		fill_chart(c, res, 2, 3);
		PQclear(res);
		write_chart(f, c);
	}
	if (rc == CLI_EXIT_OK && (res = query(conn, "the caseload", SQL_CASELOAD_BY_MONTH, 3, params, &rc)) != NULL)
	{
		memset(c, 0, sizeof(*c));
		c->id = "chart-caseload";
		c->title = "Open and unallocated enquiries at the end of each month";
		c->y_label = "Enquiries";
		c->x_label = "Month end";
		c->nseries = 2;
		c->series[0] = "Open";
		c->series[1] = "Unallocated (the virtual worker)";
		c->colour[0] = "#4393c3";
		c->colour[1] = "#d6604d";
		fill_chart(c, res, -1, -1);
		PQclear(res);
		write_chart(f, c);
		fputs("<p class=\"note\">Unallocated counts enquiries decided and not yet allocated to a named worker "
			  "by the month's end (an enquiry reallocated later counts from its latest allocation).</p>\n", f);
	}
	fputs("<h2>Breakdowns: concerns decided in time, by team and by source</h2>\n", f);
	for (int k = 0; rc == CLI_EXIT_OK && k < 2; k++)
	{
		if ((res = query(conn, "a breakdown", k == 0 ? SQL_DECISIONS_BY("team") : SQL_DECISIONS_BY("source"),
						 3, params, &rc)) == NULL)
			break;
		memset(c, 0, sizeof(*c));
		c->id = k == 0 ? "chart-team" : "chart-source";
		c->title = k == 0 ? "Concerns decided in and out of time, by team" : "Concerns decided in and out of time, by source";
		c->y_label = "Concerns";
		c->x_label = k == 0 ? "Team" : "Source";
		c->nseries = 2;
		c->series[0] = "In time";
		c->series[1] = "Out of time";
		c->colour[0] = "#2166ac";
		c->colour[1] = "#b2182b";
		c->note_label = "Concerns decided";
		fill_chart(c, res, -1, -1);
		for (int b = 0; b < c->nbars; b++)
		{
			for (char *p = c->label[b]; *p; p++)
				if (*p == '_')
					*p = ' ';
			snprintf(c->note[b], sizeof(c->note[b]), "%s", cell(res, b, 3));
		}
		PQclear(res);
		write_chart(f, c);
	}
	if (rc == CLI_EXIT_OK &&
		(res = query(conn, "data quality",
					 "SELECT q.check_name, q.records_checked, q.failing, q.failing_pct FROM safeguard.data_quality(NULL, NULL) q "
					 "WHERE q.la_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8 ORDER BY q.check_name", 1, params, &rc)) != NULL)
	{
		fputs("<h2>Data quality</h2>\n<table class=\"data-quality\">\n<caption>Records missing what the return "
			  "and casework need (all records, not only the period)</caption>\n<tr><th scope=\"col\">Check</th>"
			  "<th scope=\"col\">Records checked</th><th scope=\"col\">Failing</th><th scope=\"col\">%</th></tr>\n", f);
		for (int r = 0; r < PQntuples(res); r++)
		{
			html_cell(f, "<tr><th scope=\"row\">", cell(res, r, 0), "</th>");
			for (int k = 1; k <= 3; k++)
				html_cell(f, "<td class=\"num\">", cell(res, r, k), "</td>");
			fputs("</tr>\n", f);
		}
		fputs("</table>\n", f);
		PQclear(res);
	}
	fputs("</body>\n</html>\n", f);
	if (rc == CLI_EXIT_OK)
		rc = close_out(f, a->out);
	else
		fclose(f);
	if (rc == CLI_EXIT_OK && !opts->quiet)
		fprintf(stderr, "%s: clinic pack: %s\n", CLI_NAME, a->out);
done:
	free(c);
	return rc;
}

/* Parses the options of pack WHICH; runs it. */
static int
pack_run(CliOptions *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		CLI_COMMON_LONG_OPTIONS,
		{"la", required_argument, NULL, CLI_OPT_LA},
		{"from", required_argument, NULL, CLI_OPT_FROM},
		{"to", required_argument, NULL, CLI_OPT_TO},
		{"out", required_argument, NULL, CLI_OPT_OUT},
		{"seed", required_argument, NULL, CLI_OPT_SEED},
		{"pack", required_argument, NULL, CLI_OPT_PACK},
		{"names", no_argument, NULL, CLI_OPT_NAMES},
		{NULL, 0, NULL, 0}
	};
	PackArgs	a = {NULL, NULL, NULL, NULL, NULL, NULL, false};
	const char *which;
	bool		tracking;
	PGconn	   *conn;
	int			rc;
	int			c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CLI_COMMON_SHORT_OPTIONS, long_options, NULL)) != -1)
	{
		switch (c)
		{
			case CLI_OPT_LA:
				a.la = optarg;
				break;
			case CLI_OPT_FROM:
				a.from = optarg;
				break;
			case CLI_OPT_TO:
				a.to = optarg;
				break;
			case CLI_OPT_OUT:
				a.out = optarg;
				break;
			case CLI_OPT_SEED:
				a.seed = optarg;
				break;
			case CLI_OPT_PACK:
				a.pack = optarg;
				break;
			case CLI_OPT_NAMES:
				a.names = true;
				break;
			default:
				if ((rc = cli_common_option(c, &cli_pack_command, argv, opts)) >= 0)
					return rc;
				break;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("pack", "give one pack: case-tracking or clinic");
	which = argv[optind];
	tracking = strcmp(which, "case-tracking") == 0;
	if (!tracking && strcmp(which, "clinic") != 0)
		return cli_usage_error("pack", "unknown pack \"%s\" (case-tracking or clinic)", which);
	if (a.out == NULL)
		return cli_usage_error("pack", "--out is required");
	if (tracking && a.pack)
	{
		if (!is_id(a.pack) || a.la || a.from || a.to || a.seed)
			return cli_usage_error("pack", "--pack takes an id and no --la, --from, --to or --seed");
	}
	else
	{
		if (a.la == NULL || a.from == NULL || a.to == NULL)
			return cli_usage_error("pack", "--la, --from and --to are required");
		if (!is_id(a.la))
			return cli_usage_error("pack", "--la must be an organisation id (digits)");
		if (!is_date(a.from) || !is_date(a.to))
			return cli_usage_error("pack", "--from and --to must be dates YYYY-MM-DD");
		if (a.seed && (!tracking || !is_seed(a.seed)))
			return cli_usage_error("pack", "--seed is a whole number, for case-tracking only");
	}
	if (!tracking && a.names)
		return cli_usage_error("pack", "--names is for case-tracking only");

	conn = cli_connect(opts, &rc);
	if (conn == NULL)
		return rc;
	rc = tracking ? run_case_tracking(conn, &a, opts) : run_clinic(conn, &a, opts);
	PQfinish(conn);
	return rc;
}

const CliCommand cli_pack_command = {
	"pack", "write the case-tracking pack or the performance clinic pack (HTML)", pack_run, pack_help
};
