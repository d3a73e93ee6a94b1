"""Runs NHS Digital's Safeguarding Adults publication code over safeguard's
sac_return(), with only its database read replaced, and compares its England
totals with safeguard's.  Called by bench/nhs-pipeline.sh (read it first).

Usage: python3 bench/nhs_pipeline.py CHECKOUT WORKDIR YEAR
  CHECKOUT  a checkout of NHSDigital/ASC-Safeguarding-Adults (only read)
  WORKDIR   where its publication_outputs/ is copied, with the reference files
            it reads and its outputs
  YEAR      the reporting year to run (2025: 2025-26)
The database: the PG* environment, holding safeguard with casework.

The one replacement: the pipeline creates a SQLAlchemy engine for SQL Server
through pyodbc; here that engine is PostgreSQL through psycopg2, and the SQL
file it reads (its params.json names it) selects from sac_return(:year).  It
also reads two reference files NHS Digital keeps beside its SQL, written here:
the local authority mapping (region, council type and made-up populations per
CASSR code) and the question reference list (which cells its Power BI risk
table uses: SG2a, SG2a_b1, SG2b).  Every step of its main.py runs, in order,
except export_table_ranges_to_excel, which drives Excel through xlwings
(replaced by a module that refuses).  Exits 0 when every England total the
pipeline derives equals safeguard's and the risk table's England cells equal
the return's, 1 otherwise.
"""
import csv
import json
import os
import shutil
import sys
import types
import warnings

import psycopg2
import sqlalchemy

checkout, workdir, year = sys.argv[1], sys.argv[2], int(sys.argv[3])
work = os.path.join(workdir, "publication_outputs")
out = os.path.join(workdir, "out%d" % year)
if not os.path.isdir(work):
    shutil.copytree(os.path.join(checkout, "publication_outputs"), work)
os.makedirs(out, exist_ok=True)
os.chdir(work)
sys.path.insert(0, work)

_create_engine = sqlalchemy.create_engine


def postgres_engine(url, **kwargs):
    """The pipeline's engine, on PostgreSQL (connection from the PG* environment)."""
    kwargs.pop("fast_executemany", None)  # a pyodbc option
    return _create_engine("postgresql+psycopg2://", **kwargs)


sqlalchemy.create_engine = postgres_engine
xlwings = types.ModuleType("xlwings")
xlwings.Book = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no Excel here"))
sys.modules["xlwings"] = xlwings

conn = psycopg2.connect("")
cur = conn.cursor()
with open("sac_return.sql", "w") as f:
    f.write('SELECT "CASSR_CODE", "TABLE_REFERENCE" || \'|\' || "ENQUIRY_TYPE" || \'|\' || "CATEGORY" || \'|\' '
            '|| "SUBCATEGORY" AS "SAC_QUESTION_REFERENCE", "TABLE_REFERENCE", "ENQUIRY_TYPE", "CATEGORY", '
            '"SUBCATEGORY", "COLUMN_NAME", "ROW_NAME", "VALUE" FROM safeguard.sac_return(:year)\n')
cur.execute("SELECT cassr_code, ons_code, name FROM safeguard.organisation "
            "WHERE kind = 'local_authority' AND cassr_code IS NOT NULL ORDER BY cassr_code")
las = cur.fetchall()
populations = [(200000 + 10000 * i, 30000 + 1000 * i, 20000 + 500 * i, 9000 + 100 * i) for i in range(len(las))]
england = [sum(p[i] for p in populations) for i in range(4)]
with open("la_mapping.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["LA_CODE", "ONS_CODE", "LA_NAME", "REGION_CODE", "REGION_NAME", "COUNCIL_TYPE", "GEOGRAPHY",
                "18-64", "65-74", "75-84", "85+", "Total adult population",
                "eprop_18_64", "eprop_65_74", "eprop_75_84", "eprop_85+"])
    for (cassr, ons, name), p in zip(las, populations):
        w.writerow([cassr, ons, name, "E12000009", "South West", "Unitary Authority", "ENGLAND", *p, sum(p),
                    *[t / sum(england) for t in england]])
cur.execute("SELECT DISTINCT table_reference || '|' || enquiry_type || '|' || category || '|' || subcategory, "
            "CASE WHEN table_reference IN ('SG2a', 'SG2a_b1', 'SG2b') THEN 'Y' ELSE 'N' END "
            "FROM safeguard.sac_template")
with open("question_reference.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["SAC_QUESTION_REFERENCE", "USED_IN_POWER_BI"])
    w.writerows(cur.fetchall())
outputs = {k: os.path.join(out, v) for k, v in [
    ("unrounded_csv_output_location", "unrounded.csv"), ("final_csv_output_location", "final.csv"),
    ("data_tables_output_location", "tables.xlsx"), ("pbi_current_output_location", "pbi_current.csv"),
    ("pbi_map_output_location", "pbi_map.csv"), ("pbi_risk_output_location", "pbi_risk.csv"),
    ("pbi_sars_output_location", "pbi_sars.csv")]}
with open("params.json", "w") as f:
    json.dump(dict(servername="unused", database="unused", sql_script_location="sac_return.sql",
                   year_key=year, reporting_year="%d-%02d" % (year, (year + 1) % 100),
                   mapping_file_location="la_mapping.csv", question_reference_location="question_reference.csv",
                   excluded_codes=[], number_of_las=len(las), **outputs), f, indent=1)

warnings.simplefilter("ignore")
import data_tables_read_in_data as m1  # noqa: E402  (reads params.json on import)
import data_tables_produce_all_measures as m2  # noqa: E402
import data_tables_export_outputs as m3  # noqa: E402
import pbi_current_and_map as m4  # noqa: E402
import pbi_risk_table as m5  # noqa: E402
import pbi_safeguarding_adult_reviews as m6  # noqa: E402
import pandas as pd  # noqa: E402

ran = []


def step(fn, *args):
    """Runs one step of main.py and records its name."""
    result = fn(*args)
    ran.append(fn.__name__)
    return result


# main.py's run_tables_and_csv() and run_power_bi(), step by step
sac_df = step(m1.read_in_data)
all_measures = step(m2.produce_all_table_measures, sac_df)
england_m = step(m2.format_england_breakdown, all_measures)
council_m = step(m2.format_council_type_breakdown, all_measures)
region_m = step(m2.format_region_breakdown, all_measures)
la_m = step(m2.format_local_authority_breakdown, all_measures)
unrounded = step(m2.append_all_breakdowns, england_m, council_m, region_m, la_m)
unrounded = step(m2.add_additional_measures, unrounded)
unrounded = step(m2.add_england_proportions, sac_df, unrounded)
unrounded = step(m2.calculate_all_rates_per_100k, unrounded)
unrounded = step(m2.calculate_age_standardised_rate, unrounded)
step(m2.export_unrounded_csv, unrounded)
kept = unrounded.copy()
rounded = step(m3.apply_rounding_and_suppression, unrounded)
rounded = step(m3.create_msp_dummy_values, rounded, kept)
rounded = step(m3.apply_msp_rounding_and_suppression, rounded)
step(m3.create_table_ranges, rounded)
sac_csv = step(m3.produce_csv_output, sac_df)
sac_csv = step(m3.csv_rounding_and_suppression, sac_csv)
step(m3.export_csv_file, sac_csv)
pbi = step(m4.create_and_export_pbi_current)
step(m4.create_and_export_pbi_map, pbi)
step(m5.create_and_export_pbi_risk_table)
step(m6.create_and_export_pbi_sars)
print("steps run (%d): %s" % (len(ran), ", ".join(ran)))
print("not run: export_table_ranges_to_excel (Excel)")

# safeguard's England totals: the return summed over every authority, by the
# label the pipeline reads (SG1a-SG1e for section 42 enquiries by ROW_NAME;
# SG2b both ways; the others by COLUMN_NAME).
cur.execute("""
SELECT "ROW_NAME", sum("VALUE") FROM safeguard.sac_return(%(y)s)
WHERE "TABLE_REFERENCE" IN ('SG1a', 'SG1b', 'SG1c', 'SG1d', 'SG1e') AND "ENQUIRY_TYPE" = 'Section 42 Enquiries'
   OR "TABLE_REFERENCE" = 'SG2b' GROUP BY 1
UNION ALL
SELECT "COLUMN_NAME", sum("VALUE") FROM safeguard.sac_return(%(y)s)
WHERE "TABLE_REFERENCE" IN ('SG1f', 'SG2a', 'SG2b', 'SG2c', 'SG2e', 'SG3a', 'SG4a', 'SG5a') GROUP BY 1""", {"y": year})
ours = {k: int(v) for k, v in cur.fetchall()}
ours["Total Enquiries"] = (ours["SG1f Total Number of Section 42 Safeguarding Enquiries"]
                          + ours["SG1f Total Number of Other Safeguarding Enquiries"])
ours["Total Concluded Enquiries"] = sum(ours["SG3a " + k] for k in (
    "Yes, they lacked capacity", "No, they did not lack capacity", "Not recorded", "Don't know"))
ours["SG1a 85+"] = ours["SG1a 85-94"] + ours["SG1a 95+"]
theirs = kept[kept["Council Type / Region Name"] == "ENGLAND"].iloc[0]
bad = 0
for label in sorted(ours):
    if label not in theirs.index:
        bad += 1
        print("  missing from the pipeline's England row: %s" % label)
    elif int(theirs[label]) != ours[label]:
        bad += 1
        print("  differs: %s: pipeline %s, safeguard %d" % (label, theirs[label], ours[label]))
print("England totals compared: %d, equal: %d" % (len(ours), len(ours) - bad))
for label in ("SG1f Total Number of Safeguarding Concerns", "SG1f Total Number of Section 42 Safeguarding Enquiries",
              "SG1f Total Number of Other Safeguarding Enquiries", "Total Enquiries", "Total Concluded Enquiries"):
    print("  %s: %d" % (label, int(theirs[label])))

# Its Power BI risk table's England rows (CASSR 1010, rounded as it publishes)
# against the return's cross-tabulations summed over the authorities.
cur.execute("""SELECT "TABLE_REFERENCE", "CATEGORY", "SUBCATEGORY", coalesce(safeguard.sac_disclose(sum("VALUE")::bigint), 0)
               FROM safeguard.sac_return(%s) WHERE "TABLE_REFERENCE" IN ('SG2a', 'SG2a_b1', 'SG2b') GROUP BY 1, 2, 3""",
            (year,))
names = {"SG2a": "Type and Source (SG2a)", "SG2b": "Location and Source (SG2b)", "SG2a_b1": "Type and Location (SG2ab1)"}
cells = {(names[t], r, c): v for t, r, c, v in cur.fetchall()}
risk = pd.read_csv(outputs["pbi_risk_output_location"])
risk = risk[risk["CASSR"].astype(str) == "1010"]
equal = sum(1 for _, x in risk.iterrows() if cells.get((x["Table"], x["Row"], x["Column"])) == x["Value"])
print("risk table England cells: %d, equal to the return's: %d (the return has %d)" % (len(risk), equal, len(cells)))
sys.exit(1 if bad or equal != len(risk) or len(risk) != len(cells) else 0)
