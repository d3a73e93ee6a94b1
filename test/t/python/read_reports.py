#!/usr/bin/env python3
"""test/t/python/read_reports.py: read safeguard's reporting views as an analyst does.

usage: read_reports.py DSN

Connects with psycopg2 (as the role the DSN names, e.g. a login role holding the reader duty),
and reads every view of schema safeguard that role may SELECT, first with a psycopg2 cursor,
then with pandas.read_sql, with no type registration of any kind (as an analyst's notebook
does).  Checks:
  - no value of any column arrives as an unparsed array literal (a str like '{...}');
  - every column PostgreSQL declares as an array arrives as a Python list of str (or None);
  - referral_pseudonymised.risk_types holds at least one non-empty list (the data exercise it);
  - pandas.read_sql gives as many rows as the cursor and the same column names in order.
Prints one line per view, "rows <view> <n>", for the caller to compare with psql's counts,
then "ok".  On any failure prints "FAIL: ..." lines to stderr and exits 1.
"""
import re
import sys
import warnings

import pandas
import psycopg2

ARRAY_LITERAL = re.compile(r"^\{.*\}$", re.DOTALL)


def main(dsn):
    failures = []
    conn = psycopg2.connect(dsn)
    conn.set_session(readonly=True, autocommit=True)
    cur = conn.cursor()
    cur.execute(
        """SELECT c.relname FROM pg_catalog.pg_class c
           WHERE c.relnamespace OPERATOR(pg_catalog.=) 'safeguard'::pg_catalog.regnamespace
             AND c.relkind OPERATOR(pg_catalog.=) 'v'
             AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
           ORDER BY 1""")
    views = [r[0] for r in cur.fetchall()]
    if "referral_pseudonymised" not in views:
        failures.append("referral_pseudonymised is not readable by %s (views: %s)"
                        % (conn.info.user, views))
    risk_types_seen = 0
    for view in views:
        # Columns PostgreSQL declares as arrays (any element type), in order.
        cur.execute(
            """SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
                      t.typcategory OPERATOR(pg_catalog.=) 'A'
               FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
               WHERE a.attrelid OPERATOR(pg_catalog.=) pg_catalog.format('safeguard.%%I', %s)::pg_catalog.regclass
                 AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
               ORDER BY a.attnum""", (view,))
        declared = cur.fetchall()
        arrays = {name: typ for name, typ, is_array in declared if is_array}

        cur.execute('SELECT * FROM safeguard."%s"' % view)
        names = [d.name for d in cur.description]
        rows = cur.fetchall()
        for i, name in enumerate(names):
            for row in rows:
                v = row[i]
                if isinstance(v, str) and ARRAY_LITERAL.match(v):
                    failures.append("%s.%s (%s) arrives as the unparsed string %r"
                                    % (view, name, arrays.get(name, "not an array"), v))
                    break
                if name in arrays and v is not None and not (
                        isinstance(v, list) and all(isinstance(e, str) for e in v)):
                    failures.append("%s.%s (%s) arrives as %s %r, not a list of str"
                                    % (view, name, arrays[name], type(v).__name__, v))
                    break
                if view == "referral_pseudonymised" and name == "risk_types" \
                        and isinstance(v, list) and v:
                    risk_types_seen += 1

        with warnings.catch_warnings():
            # pandas >= 2 warns that it only tests SQLAlchemy and sqlite3 connections.
            warnings.simplefilter("ignore", UserWarning)
            df = pandas.read_sql('SELECT * FROM safeguard."%s"' % view, conn)
        if len(df) != len(rows):
            failures.append("%s: pandas.read_sql read %d rows, the cursor %d" % (view, len(df), len(rows)))
        if list(df.columns) != names:
            failures.append("%s: pandas columns %s differ from %s" % (view, list(df.columns), names))
        for name in df.columns:
            col = df[name]
            if col.dtype == object:
                bad = col[col.map(lambda v: isinstance(v, str) and bool(ARRAY_LITERAL.match(v)))]
                if len(bad):
                    failures.append("pandas: %s.%s holds the unparsed string %r"
                                    % (view, name, bad.iloc[0]))
            if name in arrays:
                notlist = col[col.map(lambda v: v is not None and not isinstance(v, list))]
                if len(notlist):
                    failures.append("pandas: %s.%s (%s) holds %s %r, not a list"
                                    % (view, name, arrays[name], type(notlist.iloc[0]).__name__,
                                       notlist.iloc[0]))
        print("rows %s %d" % (view, len(rows)))

    if risk_types_seen == 0:
        failures.append("referral_pseudonymised.risk_types: no row holds a non-empty list")
    else:
        print("risk_types lists %d" % risk_types_seen)
    conn.close()
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if failures:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
