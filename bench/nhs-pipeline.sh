#!/usr/bin/env bash
# bench/nhs-pipeline.sh CHECKOUT: NHS Digital's Safeguarding Adults publication
# code (a checkout of NHSDigital/ASC-Safeguarding-Adults, only read) run over
# safeguard's sac_return() on the seeded generator's casework, in a throwaway
# cluster with the installed safeguard; its England totals compared with
# safeguard's for 2024-25 and 2025-26 (bench/nhs_pipeline.py says how).  Needs
# python3-pandas, python3-psycopg2 and python3-sqlalchemy (1.4, as the
# pipeline pins; PYTHON names the interpreter that has them, default python3);
# not part of make test: the pipeline is not shipped here.
set -euo pipefail
checkout=$(cd "${1:?usage: bench/nhs-pipeline.sh CHECKOUT}" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/nhs-pipeline.XXXXXX)
export checkout repo work PYTHON=${PYTHON:-python3}
pg_virtualenv -t -v 15 -o session_preload_libraries=safeguard bash -c '
set -euo pipefail
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION safeguard CASCADE"
psql -X -q -v ON_ERROR_STOP=1 -o /dev/null <<SQL
SET client_min_messages = warning;
\i $repo/test/generator/generator.sql
SELECT sg_gen.setup();
SELECT sg_gen.plan(20251, 400, '\''2024-10-01'\'', '\''2026-01-30'\'');
SELECT sg_gen.plan_council(20252, 300, '\''2024-10-01'\'', '\''2026-01-30'\'');
SELECT sg_gen.execute('\''2026-01-15 12:00+00'\'');
SQL
rc=0
for year in 2024 2025; do
	echo "== $year-$(( (year + 1) % 100 ))"
	"$PYTHON" "$repo/bench/nhs_pipeline.py" "$checkout" "$work" "$year" || rc=1
done
exit $rc'
