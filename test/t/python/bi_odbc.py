#!/usr/bin/env python3
"""A BI tool's view of safeguard through psqlODBC (unixODBC + odbc-postgresql), as
Excel and Power BI use it: test/t/030_bi_clients.pl runs this as a login role with the
reader duty.  Usage: bi_odbc.py HOST PORT DBNAME USER

Prints one line per fact ("key value"), and "FAIL: ..." on stderr for each check
that fails (exit status 1):
- with the DSN settings docs/reporting.md recommends (BoolsAsChar=0,
  TextAsLongVarchar=0, UnknownsAsLongVarchar=0, MaxVarcharSize=65535, AB=0x10):
  SQLTables offers exactly the relations the role may SELECT and each opens;
  booleans arrive as Python bools, text columns as SQL_WVARCHAR, not LONGVARCHAR;
- with the driver's defaults, the same table list offers relations that then fail
  (what the settings are for), but schema safeguard_reporting offers only what
  opens; booleans arrive as the strings '1'/'0';
- the driver's SQLColumns gives no REMARKS (psqlODBC answers an empty string), and
  safeguard.data_dictionary gives every column's description instead.
"""
import sys

import pyodbc

SQL_WVARCHAR = -9
SQL_WLONGVARCHAR = -10
RECOMMENDED = ("BoolsAsChar=0;TextAsLongVarchar=0;UnknownsAsLongVarchar=0;"
               "MaxVarcharSize=65535;AB=0x10;")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def connect(host, port, db, user, extra):
    return pyodbc.connect("Driver={PostgreSQL Unicode};Server=%s;Port=%s;Database=%s;UID=%s;%s"
                          % (host, port, db, user, extra), autocommit=True)


def offered(cur, schema="safeguard"):
    """The relations of a schema that SQLTables offers, and which of them open."""
    names = sorted(r.table_name for r in cur.tables(schema=schema))
    refused = []
    for name in names:
        try:
            cur.execute('SELECT * FROM %s."%s" LIMIT 0' % (schema, name))
        except pyodbc.Error:
            refused.append(name)
    return names, refused


def main():
    host, port, db, user = sys.argv[1:5]

    # The recommended DSN settings.
    cn = connect(host, port, db, user, RECOMMENDED)
    cur = cn.cursor()
    readable = sorted(r[0] for r in cur.execute(
        "SELECT DISTINCT relation_name FROM safeguard.data_dictionary WHERE relation_readable").fetchall())
    names, refused = offered(cur)
    print("recommended offered %d refused %d" % (len(names), len(refused)))
    check(names == readable, "SQLTables with AB=0x10 offers exactly the readable relations: %s vs %s"
          % (names, readable))
    check(not refused, "every relation offered opens, but %s refuse" % refused)

    cur.execute("SELECT referral_id, immediate_risk, state FROM safeguard.referral_pseudonymised "
                "ORDER BY referral_id LIMIT 1")
    row = cur.fetchone()
    check(row is not None, "referral_pseudonymised has rows")
    if row is not None:
        check(isinstance(row.immediate_risk, bool), "a boolean arrives as a Python bool, not %r"
              % (row.immediate_risk,))
        print("boolean %r" % (row.immediate_risk,))
    view_cols = list(cur.columns(schema="safeguard", table="report_indicators"))
    indicator = [c for c in view_cols if c.column_name == "stage"]
    check(len(indicator) == 1 and indicator[0].data_type == SQL_WVARCHAR,
          "report_indicators.stage (text) is SQL_WVARCHAR, not LONGVARCHAR: %r"
          % [(c.column_name, c.data_type) for c in indicator])
    remarks = [c.remarks for c in view_cols]
    print("driver remarks %s" % ("none" if all(not r for r in remarks) else "some"))
    described = dict(cur.execute(
        "SELECT column_name, column_description FROM safeguard.data_dictionary "
        "WHERE relation_name = 'report_indicators'").fetchall())
    check(len(described) == len(view_cols) and all(described.values()),
          "data_dictionary describes every column of report_indicators: %r" % described)
    print("dictionary in_time %s" % described.get("in_time"))
    rows = cur.execute("SELECT count(*) FROM safeguard.report_indicators").fetchone()[0]
    fetched = len(cur.execute("SELECT * FROM safeguard.report_indicators").fetchall())
    check(rows == fetched, "report_indicators fetched whole: %d of %d rows" % (fetched, rows))
    print("report_indicators rows %d" % fetched)
    cn.close()

    # The driver's defaults: what the settings change.
    cn = connect(host, port, db, user, "")
    cur = cn.cursor()
    names, refused = offered(cur)
    print("defaults offered %d refused %d" % (len(names), len(refused)))
    names, refused = offered(cur, "safeguard_reporting")
    print("defaults reporting offered %d refused %d" % (len(names), len(refused)))
    cur.execute("SELECT immediate_risk FROM safeguard.referral_pseudonymised LIMIT 1")
    print("defaults boolean %r" % (cur.fetchone()[0],))
    indicator = [c for c in cur.columns(schema="safeguard", table="report_indicators")
                 if c.column_name == "stage"]
    print("defaults text type %d" % indicator[0].data_type)
    cn.close()

    print("ok" if not failures else "failed %d" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
