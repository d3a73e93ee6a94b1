#!/usr/bin/env bash
# bench/sqlsmith.sh: robustness under random SQL.  SQLsmith against a loaded database, once per
# duty, as an unprivileged login role holding that duty; zero crashes, zero internal errors.
#
# In a throwaway cluster (`pg_virtualenv -t -v 15`, gone at the end) it:
#   1. loads realistic casework through the real workflow: test/generator/generator.sql with a
#      fixed seed (concerns, triage, referrals in every state, working-day deadlines), a
#      large-scale provider enquiry, and the deadline sweep's alerts (bench/sqlsmith/load.sql);
#   2. for each duty (admin, contact_centre, inspector, la_officer, sam, enquiry_officer,
#      commissioner, provider, reader, auditor) creates a LOGIN role sgfz_<duty> (no superuser,
#      no BYPASSRLS, no CREATEDB/CREATEROLE) that holds only that duty
#      (safeguard.grant_duty), with statement_timeout and lock_timeout set on the role, and
#      runs `sqlsmith --exclude-catalog --seed=<fixed> --max-queries=<N>` as it, one duty
#      after another;
#   3. reads the server log (log_line_prefix carries the SQLSTATE, %e) for each duty's stretch:
#      errors by SQLSTATE, internal errors (class XX: XX000 and the rest), crashes (a backend
#      killed by a signal or exiting abnormally, PANIC, the postmaster reinitialising), plus
#      sqlsmith's own count of lost connections;
#   4. runs safeguard.verify_audit() as the auditor role (no broken row allowed), and
#      verify_audit(digest) with a digest sealed before the fuzzing (no newest row deleted, no
#      chain rebuilt);
#   5. prints a table per duty and keeps the logs under bench/results/sqlsmith-<UTC time>/
#      (summary.txt, server.log, sqlsmith-<duty>.log); bench/results/ is not committed.
#
# Usage:
#   bench/sqlsmith.sh            20,000 queries per duty (20 to 50 minutes on 2 shared cores, by their load)
#   bench/sqlsmith.sh --quick    500 queries per duty, a smaller data set (a smoke run, ~2 min)
#   bench/sqlsmith.sh --help
#
# It installs the Debian package sqlsmith with apt-get when sqlsmith is missing (as root), and
# runs `make -s install` in the repository root first (skip with SAFEGUARD_BENCH_SKIP_INSTALL=1).
#
# Environment (all optional):
#   SAFEGUARD_SQLSMITH_QUERIES=20000   queries per duty (--quick: 500)
#   SAFEGUARD_SQLSMITH_CONCERNS=3000   concerns the generator plans (--quick: 600)
#   SAFEGUARD_SQLSMITH_SEED=20261122   sqlsmith's seed for the first duty; duty i gets seed+i
#   SAFEGUARD_SQLSMITH_GEN_SEED=8      the generator's seed
#   SAFEGUARD_SQLSMITH_DUTIES="..."    the duties to run, space-separated (default: all ten)
#   SAFEGUARD_SQLSMITH_TIMEOUT=1s      statement_timeout (and lock_timeout) of the fuzzing roles
#   SAFEGUARD_SQLSMITH_RUN_LIMIT=1800  seconds one duty's sqlsmith may take before it is stopped
#                                      (a run that hits it fails: the run must be bounded)
#   SAFEGUARD_SQLSMITH_RESULTS=bench/results   where the run's directory goes
#   SAFEGUARD_BENCH_SKIP_INSTALL=1     do not run make install first
#
# Exit status: 0 no crash, no internal error, every run completed its queries and the audit
# trail verifies; 2 a crash, an internal error (class XX) or a failed verification; 1 any
# other error (set-up, a run that did not finish).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

ALL_DUTIES="admin contact_centre inspector la_officer sam enquiry_officer commissioner provider reader auditor"
QUICK=0
DB=safeguard_sqlsmith
PREFIX=sgfz_
# The log line prefix the analysis parses: time, [pid], user@database, SQLSTATE.
LOG_PREFIX='%m [%p] %q%u@%d %e '

# Prints a message on stderr and exits with status 1.
die() {
	echo "sqlsmith.sh: $*" >&2
	exit 1
}

# Prints the comment block at the top of this file.
usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# Fails unless $2 is a positive integer; $1 names it in the message.
require_positive_int() {
	[[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"
}

# Reads the options and the environment into the settings; exports them for the inner run.
configure() {
	while (($#)); do
		case $1 in
		-h | --help) usage; exit 0 ;;
		--quick) QUICK=1 ;;
		*) die "unknown argument '$1' (try --help)" ;;
		esac
		shift
	done
	if ((QUICK)); then
		: "${SAFEGUARD_SQLSMITH_QUERIES:=500}" "${SAFEGUARD_SQLSMITH_CONCERNS:=600}"
	fi
	export SAFEGUARD_SQLSMITH_QUERIES=${SAFEGUARD_SQLSMITH_QUERIES:-20000}
	export SAFEGUARD_SQLSMITH_CONCERNS=${SAFEGUARD_SQLSMITH_CONCERNS:-3000}
	export SAFEGUARD_SQLSMITH_SEED=${SAFEGUARD_SQLSMITH_SEED:-20261122}
	export SAFEGUARD_SQLSMITH_GEN_SEED=${SAFEGUARD_SQLSMITH_GEN_SEED:-8}
	export SAFEGUARD_SQLSMITH_DUTIES=${SAFEGUARD_SQLSMITH_DUTIES:-$ALL_DUTIES}
	export SAFEGUARD_SQLSMITH_TIMEOUT=${SAFEGUARD_SQLSMITH_TIMEOUT:-1s}
	export SAFEGUARD_SQLSMITH_RUN_LIMIT=${SAFEGUARD_SQLSMITH_RUN_LIMIT:-1800}
	export SAFEGUARD_SQLSMITH_RESULTS=${SAFEGUARD_SQLSMITH_RESULTS:-$REPO_DIR/bench/results}
	require_positive_int SAFEGUARD_SQLSMITH_QUERIES "$SAFEGUARD_SQLSMITH_QUERIES"
	require_positive_int SAFEGUARD_SQLSMITH_CONCERNS "$SAFEGUARD_SQLSMITH_CONCERNS"
	require_positive_int SAFEGUARD_SQLSMITH_SEED "$SAFEGUARD_SQLSMITH_SEED"
	require_positive_int SAFEGUARD_SQLSMITH_GEN_SEED "$SAFEGUARD_SQLSMITH_GEN_SEED"
	require_positive_int SAFEGUARD_SQLSMITH_RUN_LIMIT "$SAFEGUARD_SQLSMITH_RUN_LIMIT"
	[[ "$SAFEGUARD_SQLSMITH_TIMEOUT" =~ ^[1-9][0-9]*(ms|s|min)$ ]] ||
		die "SAFEGUARD_SQLSMITH_TIMEOUT must be a duration like 1s or 500ms, got '$SAFEGUARD_SQLSMITH_TIMEOUT'"
	local d
	for d in $SAFEGUARD_SQLSMITH_DUTIES; do
		[[ " $ALL_DUTIES " == *" $d "* ]] || die "unknown duty '$d' in SAFEGUARD_SQLSMITH_DUTIES"
	done
	[[ -n "${SAFEGUARD_SQLSMITH_DUTIES// /}" ]] || die "SAFEGUARD_SQLSMITH_DUTIES is empty"
}

# Installs the Debian package sqlsmith when the command is missing.
ensure_sqlsmith() {
	command -v sqlsmith >/dev/null 2>&1 && return 0
	[[ "$(id -u)" == 0 ]] || die "sqlsmith is not installed; run: apt-get install sqlsmith (as root)"
	echo "sqlsmith.sh: installing the Debian package sqlsmith" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlsmith >&2 ||
		{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlsmith >&2; } ||
		die "apt-get install sqlsmith failed"
	command -v sqlsmith >/dev/null 2>&1 || die "sqlsmith still not found after apt-get install"
}

# ---------------------------------------------------------------------------------------------
# Inside the throwaway cluster.
# ---------------------------------------------------------------------------------------------

OUT=
SERVER_LOG=
PASSWORD=
declare -A QUERIES OK ERRS TIMEOUTS SQLSMITH_LOST SECS TOPS XX_SG XX_KNOWN XX_NEW CRASHES FATALS RC
XX_ALL=0
# What the postmaster logs when a backend crashes (one line per crash), and PANIC.
CRASH_PATTERN='server process \(PID [0-9]+\) (was terminated|exited with exit code)|PANIC:'
# The same, with what follows a crash (kept in findings.txt, not counted).
CRASH_CONTEXT='server process \(PID [0-9]+\)|Failed process was running|terminating any other active server processes|all server processes terminated; reinitializing|PANIC:'

# Runs psql as the cluster's superuser on the scratch database: no psqlrc, stop at the first error.
su_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"
}

# Prints the size in bytes of the server log.
log_size() {
	stat -c %s "$SERVER_LOG"
}

# Configures the server's logging so that every error carries its SQLSTATE, its source location
# and its statement.
configure_logging() {
	psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c "ALTER SYSTEM SET log_line_prefix = '$LOG_PREFIX'" \
		-c "ALTER SYSTEM SET log_error_verbosity = 'verbose'" \
		-c "ALTER SYSTEM SET log_min_error_statement = 'error'" \
		-c "ALTER SYSTEM SET log_min_messages = 'warning'" \
		-c "ALTER SYSTEM SET restart_after_crash = 'on'" \
		-c "SELECT pg_catalog.pg_reload_conf()" >/dev/null
	sleep 1
}

# Creates the scratch database, the extension, the fuzzing roles and the data.
setup() {
	local d
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB"
	PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	su_psql -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION safeguard'
	for d in $ALL_DUTIES; do
		# Unprivileged: no superuser, no BYPASSRLS, nothing beyond the duty.  The timeouts bound
		# every statement sqlsmith sends.
		su_psql -c "CREATE ROLE $PREFIX$d LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '$PASSWORD'" \
			-c "ALTER ROLE $PREFIX$d SET statement_timeout = '$SAFEGUARD_SQLSMITH_TIMEOUT'" \
			-c "ALTER ROLE $PREFIX$d SET lock_timeout = '$SAFEGUARD_SQLSMITH_TIMEOUT'"
	done
	echo "loading: generator seed $SAFEGUARD_SQLSMITH_GEN_SEED, $SAFEGUARD_SQLSMITH_CONCERNS concerns planned ..."
	(cd "$REPO_DIR" && su_psql -v seed="$SAFEGUARD_SQLSMITH_GEN_SEED" -v concerns="$SAFEGUARD_SQLSMITH_CONCERNS" \
		-v prefix="$PREFIX" -f test/generator/generator.sql -f bench/sqlsmith/load.sql) >/dev/null
	# Each fuzzing role must hold exactly its duty, and no privilege attribute.
	local bad
	bad=$(su_psql -At -c "
		SELECT r.rolname FROM pg_catalog.pg_roles r
		 WHERE r.rolname LIKE '${PREFIX}%'
		   AND (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication
		        OR (SELECT pg_catalog.array_agg(g.duty::text) FROM safeguard.duty_grant g
		             WHERE g.role = r.oid AND g.revoked_at IS NULL)
		           IS DISTINCT FROM ARRAY[substr(r.rolname, ${#PREFIX} + 1)])")
	[[ -z "$bad" ]] || die "fuzzing roles with more than their duty: $bad"
}

# Prints one line of facts about the loaded data.
data_facts() {
	su_psql -At -F ' ' -c "
		SELECT (SELECT pg_catalog.count(*) FROM safeguard.concern),
		       (SELECT pg_catalog.count(*) FROM safeguard.referral),
		       (SELECT pg_catalog.count(*) FROM safeguard.deadline),
		       (SELECT pg_catalog.count(*) FROM safeguard.deadline_alert),
		       (SELECT pg_catalog.count(*) FROM safeguard.provider_enquiry),
		       (SELECT pg_catalog.count(*) FROM safeguard.audit_event)"
}

# Prints the number of rows verify_audit() returns, and with $1 the digest, verify_audit(digest),
# as the fuzzing auditor role (without the role's timeouts: verification reads every audit row).
verify_as_auditor() {
	PGOPTIONS="-c statement_timeout=0 -c lock_timeout=0" PGPASSWORD=$PASSWORD psql -X -q -v ON_ERROR_STOP=1 -At -h "${PGHOST:-localhost}" -d "$DB" -U "${PREFIX}auditor" \
		-v digest="$1" <<'SQL'
SELECT (SELECT pg_catalog.count(*) FROM safeguard.verify_audit()) || ' ' ||
       (SELECT pg_catalog.count(*) FROM safeguard.verify_audit(:'digest')) || ' ' ||
       safeguard.verify_audit_strict(:'digest');
SQL
}

# Runs sqlsmith as the role of duty $1 with seed $2; records its figures.
run_duty() {
	local duty=$1 seed=$2 role=$PREFIX$1 from to t0 rc=0 log="$OUT/sqlsmith-$1.log" progress
	from=$(log_size)
	t0=$SECONDS
	echo "fuzzing: $duty as $role, seed $seed, $SAFEGUARD_SQLSMITH_QUERIES queries ..."
	timeout --kill-after=30 "$SAFEGUARD_SQLSMITH_RUN_LIMIT" \
		sqlsmith --target="host=${PGHOST:-localhost} port=$PGPORT dbname=$DB user=$role password=$PASSWORD application_name=sqlsmith_$duty" \
		--seed="$seed" --max-queries="$SAFEGUARD_SQLSMITH_QUERIES" --exclude-catalog --verbose \
		>/dev/null 2>"$log" || rc=$?
	SECS[$duty]=$((SECONDS - t0))
	RC[$duty]=$rc
	sleep 1 # let the server finish writing the log
	to=$(log_size)
	tail -c +"$((from + 1))" "$SERVER_LOG" | head -c "$((to - from))" >"$OUT/server-$duty.log"
	# sqlsmith's progress: one character per query: . ok, e error, t timeout, S syntax error,
	# C connection lost (the server crashed or ended the session).
	progress=$(grep -E '^[.etSC]+$' "$log" | tr -d '\n' || true)
	QUERIES[$duty]=$(sed -n 's/^queries: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	: "${QUERIES[$duty]:=0}"
	OK[$duty]=$(tr -cd '.' <<<"$progress" | wc -c)
	SQLSMITH_LOST[$duty]=$(tr -cd 'C' <<<"$progress" | wc -c)
	analyse_log "$duty" "$OUT/server-$duty.log"
}

# Prints "safeguard" when function $1 of file $2 (a LOCATION of the server log) is safeguard's
# own C code, else "core".
origin_of() {
	if [[ -f "$REPO_DIR/src/$2" ]] && grep -q "^$1(" "$REPO_DIR/src/$2"; then
		echo safeguard
	else
		echo core
	fi
}

# Classifies the server log stretch $2 of duty $1: errors by SQLSTATE, internal errors by origin,
# crashes.  Appends every internal error and crash, with its statement, to findings.txt.
analyse_log() {
	local duty=$1 file=$2 state func src where n_sg=0 n_known=0 n_new=0
	# "<date> <time> <zone> [pid] user@db SQLSTATE LEVEL:  message": the SQLSTATE is the field
	# before the level.  (mawk: no {n} intervals.)
	awk '
		{
			for (i = 2; i <= NF; i++) if ($i ~ /^(ERROR|FATAL|PANIC):$/ && $(i - 1) ~ /^[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]$/) {
				print $i, $(i - 1); break
			}
		}' "$file" >"$file.states"
	ERRS[$duty]=$(grep -c '^ERROR:' "$file.states" || true)
	TIMEOUTS[$duty]=$(grep -c '^ERROR: 57014$' "$file.states" || true)
	FATALS[$duty]=$(grep -c '^FATAL:' "$file.states" || true)
	TOPS[$duty]=$(awk '$1 == "ERROR:" { n[$2]++ } END { for (s in n) print n[s], s }' "$file.states" |
		sort -k1,1nr -k2 | head -n 4 | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')
	# Each internal error's SQLSTATE and source location (its LOCATION line, same backend).
	awk '
		{
			pid = ""
			for (i = 1; i <= NF; i++) if ($i ~ /^\[[0-9]+\]$/) { pid = $i; break }
			if (pid == "") next
			for (j = i + 1; j <= NF; j++) {
				if ($j ~ /^(ERROR|FATAL|PANIC):$/ && $(j - 1) ~ /^XX/) { pending[pid] = $(j - 1); break }
				if ($j == "LOCATION:" && (pid in pending)) {
					f = $(j + 1); sub(/,$/, "", f); l = $(j + 2); sub(/:[0-9]+$/, "", l)
					print pending[pid], f, l; delete pending[pid]; break
				}
			}
		}' "$file" >"$file.xx"
	while read -r state func src; do
		where="$func, $src"
		if [[ "$(origin_of "$func" "$src")" == safeguard ]]; then
			n_sg=$((n_sg + 1))
			echo "$duty: $state in safeguard's C code at $where" >>"$OUT/findings.txt"
		elif awk -F '\t' -v f="$func" -v s="$src" '!/^#/ && $1 == f && $2 == s { found = 1 } END { exit !found }' \
			"$BENCH_DIR/sqlsmith/known_core_xx.txt"; then
			n_known=$((n_known + 1))
			echo "$duty: $state in PostgreSQL at $where (known, bench/sqlsmith/known_core_xx.txt)" >>"$OUT/findings.txt"
		else
			n_new=$((n_new + 1))
			echo "$duty: $state in PostgreSQL at $where (NOT in bench/sqlsmith/known_core_xx.txt)" >>"$OUT/findings.txt"
		fi
	done <"$file.xx"
	XX_SG[$duty]=$n_sg
	XX_KNOWN[$duty]=$n_known
	XX_NEW[$duty]=$n_new
	# An internal error without a LOCATION line is counted as unknown.
	XX_ALL=$(grep -c ' XX' "$file.states" || true)
	if ((XX_ALL > n_sg + n_known + n_new)); then
		XX_NEW[$duty]=$((n_new + XX_ALL - n_sg - n_known - n_new))
	fi
	CRASHES[$duty]=$(grep -cE "$CRASH_PATTERN" "$file" || true)
	# The log entries of the internal errors and crashes, statements included, for reproducing:
	# an entry is a time-stamped line and its tab-indented continuation lines.
	awk -v crash="$CRASH_CONTEXT" '
		/^[0-9][0-9][0-9][0-9]-/ { keep = ($0 ~ / XX[0-9A-Z][0-9A-Z][0-9A-Z] / || $0 ~ crash) }
		keep' "$file" >>"$OUT/findings.txt"
}

# Prints the summary table and the verdict; returns 2 on a crash, an internal error or a failed
# verification, 1 on an unfinished run, else 0.
report() {
	local verify_rows=$1 verify_digest_rows=$2 strict=$3 facts_before=$4 facts_after=$5 total_secs=$6
	local d status=0 crashes=0 sg=0 known=0 new=0 lost=0 short=0 queries=0
	echo "| duty | queries | ok | errors | of which 57014 (timeout) | top SQLSTATEs of the errors | FATAL | crashes | connections lost | XX in safeguard | XX in PostgreSQL, unknown | XX in PostgreSQL, known | seconds |"
	echo "|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|"
	for d in $SAFEGUARD_SQLSMITH_DUTIES; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$d" "${QUERIES[$d]}" "${OK[$d]}" \
			"${ERRS[$d]}" "${TIMEOUTS[$d]}" "${TOPS[$d]:--}" "${FATALS[$d]}" \
			"${CRASHES[$d]}" "${SQLSMITH_LOST[$d]}" "${XX_SG[$d]}" "${XX_NEW[$d]}" "${XX_KNOWN[$d]}" "${SECS[$d]}"
		queries=$((queries + QUERIES[$d]))
		crashes=$((crashes + CRASHES[$d]))
		lost=$((lost + SQLSMITH_LOST[$d]))
		sg=$((sg + XX_SG[$d]))
		known=$((known + XX_KNOWN[$d]))
		new=$((new + XX_NEW[$d]))
		if ((RC[$d] != 0 || QUERIES[$d] < SAFEGUARD_SQLSMITH_QUERIES)); then
			echo "run of $d did not finish: sqlsmith exit status ${RC[$d]}, ${QUERIES[$d]} of $SAFEGUARD_SQLSMITH_QUERIES queries" >&2
			short=1
		fi
	done
	echo
	echo "queries: $queries in all"
	echo "data before (concerns referrals deadlines alerts provider_enquiries audit_rows): $facts_before"
	echo "data after  (concerns referrals deadlines alerts provider_enquiries audit_rows): $facts_after"
	echo "crashes: $crashes in the server log (a backend killed by a signal or exiting abnormally, or PANIC); sqlsmith lost its connection $lost times"
	echo "internal errors (SQLSTATE class XX): $sg in safeguard's C code; $new in PostgreSQL at a location not known;" \
		"$known in PostgreSQL at a known location (bench/sqlsmith/known_core_xx.txt)"
	echo "verify_audit() as ${PREFIX}auditor: $verify_rows broken rows; verify_audit(digest sealed before fuzzing): $verify_digest_rows rows; verify_audit_strict(digest): $strict"
	echo "run time: $total_secs s (set-up, load, fuzzing and checks; excludes make install and cluster creation)"
	if ((crashes || lost || sg || new)); then
		echo "RESULT: FAIL (a crash or an internal error; see findings.txt)"
		status=2
	elif ((known)) && [[ "${SAFEGUARD_SQLSMITH_STRICT:-}" == 1 ]]; then
		echo "RESULT: FAIL (internal errors of PostgreSQL at known locations, SAFEGUARD_SQLSMITH_STRICT=1)"
		status=2
	elif [[ "$verify_rows" != 0 || "$verify_digest_rows" != 0 || "$strict" != true ]]; then
		echo "RESULT: FAIL (audit verification)"
		status=2
	elif ((short)); then
		echo "RESULT: FAIL (a run did not finish)"
		status=1
	else
		echo "RESULT: PASS (internal errors of PostgreSQL itself at known locations: $known; see findings.txt)"
	fi
	return $status
}

inner_main() {
	local start=$SECONDS stamp i=0 d digest facts_before facts_after v rows digest_rows strict status=0
	SERVER_LOG="$(dirname "${PGSYSCONFDIR:?not inside pg_virtualenv -t}")/log/postgresql-15-regress.log"
	[[ -r "$SERVER_LOG" ]] || die "cannot read the server log $SERVER_LOG"
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	OUT="$SAFEGUARD_SQLSMITH_RESULTS/sqlsmith-$stamp"
	mkdir -p "$OUT"
	: >"$OUT/findings.txt"
	configure_logging
	setup
	facts_before=$(data_facts)
	digest=$(su_psql -At -c 'SELECT safeguard.audit_digest()')
	{
		echo "# safeguard under SQLsmith: random SQL as each duty"
		echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		echo "machine:  $(nproc) CPUs ($(uname -m)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "server:   $(su_psql -At -c 'SELECT pg_catalog.version()' | cut -d, -f1)," \
			"safeguard $(su_psql -At -c "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'safeguard'")"
		echo "sqlsmith: $(dpkg-query -W -f '${Package} ${Version}' sqlsmith 2>/dev/null || sqlsmith --version | head -n 1)," \
			"--exclude-catalog, $SAFEGUARD_SQLSMITH_QUERIES queries per duty, seeds $SAFEGUARD_SQLSMITH_SEED + i," \
			"statement_timeout = lock_timeout = $SAFEGUARD_SQLSMITH_TIMEOUT"
		echo "data:     generator seed $SAFEGUARD_SQLSMITH_GEN_SEED, $SAFEGUARD_SQLSMITH_CONCERNS concerns planned"
		echo
	} | tee "$OUT/summary.txt"
	for d in $SAFEGUARD_SQLSMITH_DUTIES; do
		run_duty "$d" "$((SAFEGUARD_SQLSMITH_SEED + i))"
		i=$((i + 1))
	done
	# The server must still answer, then the audit trail must verify.
	su_psql -At -c 'SELECT 1' >/dev/null || die "the server does not answer after the fuzzing"
	facts_after=$(data_facts)
	v=$(verify_as_auditor "$digest") || die "verify_audit() raised an error as ${PREFIX}auditor"
	read -r rows digest_rows strict <<<"$v"
	echo
	report "$rows" "$digest_rows" "$strict" "$facts_before" "$facts_after" "$((SECONDS - start))" \
		| tee -a "$OUT/summary.txt" || status=$?
	# Keep the whole server log, compressed; the per-duty stretches were only for the analysis.
	gzip -c "$SERVER_LOG" >"$OUT/server.log.gz"
	rm -f "$OUT"/server-*.log "$OUT"/server-*.log.states "$OUT"/server-*.log.xx
	gzip -f "$OUT"/sqlsmith-*.log
	cp "$OUT/summary.txt" "$SAFEGUARD_SQLSMITH_RESULTS/sqlsmith-summary.txt"
	echo "logs: $OUT"
	return "$status"
}

main() {
	configure "$@"
	if [[ "${SAFEGUARD_SQLSMITH_INNER:-}" == 1 ]]; then
		inner_main
		return
	fi
	ensure_sqlsmith
	if [[ "${SAFEGUARD_BENCH_SKIP_INSTALL:-}" != 1 ]]; then
		echo "sqlsmith.sh: make -s install in $REPO_DIR" >&2
		make -s -C "$REPO_DIR" install >&2
	fi
	command -v pg_virtualenv >/dev/null 2>&1 || die "pg_virtualenv not found (package postgresql-common)"
	# -t: a private cluster directory even as root, so that parallel runs do not collide and
	# the server log is at a known place.  A random free port: clusters that other scripts
	# create at the same moment would race for pg_createcluster's next free one.
	if [[ -z "${PGPORT:-}" ]]; then
		local port tries=0
		while :; do
			port=$((20000 + RANDOM % 10000))
			[[ ! -e "/var/run/postgresql/.s.PGSQL.$port" ]] &&
				! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
			tries=$((tries + 1))
			((tries < 50)) || die "no free port found"
		done
		export PGPORT=$port
	fi
	SAFEGUARD_SQLSMITH_INNER=1 exec pg_virtualenv -t -v 15 bash "${BASH_SOURCE[0]}" "$@"
}

main "$@"
