#!/usr/bin/env bash
# bench/audit_chain.sh: throughput of audited workflow writes under concurrency, with pgbench.
#
# Every workflow write appends audit rows to a per-case SHA-256 hash chain under a per-chain
# row lock (safeguard.serial_lock).  The design goal: 8 concurrent writers are not reduced to one at a time (a
# single global chain head would serialise them all).  In one run this times, each for a fixed
# duration, one write per transaction:
#   A  distinct chains  safeguard.log_concern about a new adult each time: a new case, so a new
#                       chain (bench/audit_distinct.sql); 1 client and N clients (default 8)
#   B  one shared chain safeguard.log_concern about the same adult every time: the same open
#                       case, so the same chain: the worst case, like one global chain head
#                       (bench/audit_shared.sql); 1 client and N clients
#   C  unchained        a bare INSERT of a concern-sized row into a plain logged table: no
#                       trigger, no audit (bench/audit_bare.sql); 1 client and N clients
# repeating the six R times (default 3), interleaved, then prints the median transactions per
# second, the ratios between them, and whether A scales (N writers on distinct chains well above
# one writer's throughput).  It is a benchmark, not a test: a missed target does not fail the
# exit status.  It exits non-zero when the audit trail is wrong afterwards (verify_audit finds a
# problem, a chain has the wrong length, a committed transaction left no row), or on any error.
#
# Durability is the same for all: every session runs with synchronous_commit = on (audited
# transactions force a synchronous commit anyway).  The pgbench sessions connect as the
# invoking superuser and act as an inspector role through PGOPTIONS (-c role=...).
#
# Server: the one named by PGHOST/PGPORT/PGDATABASE when any of them is set (the extension
# must be installed there; superuser needed for CREATE EXTENSION, CREATE ROLE and CHECKPOINT);
# otherwise the script re-runs itself inside `pg_virtualenv -v 15`, a throwaway cluster (with
# fsync = on unless SAFEGUARD_BENCH_FSYNC=off, so that commits wait for the disk).  It
# first runs `make -s install` in the repository root (skip with SAFEGUARD_BENCH_SKIP_INSTALL=1).
# The benchmark writes audit rows, which cannot be deleted, so it works only in a scratch
# database it creates (it refuses one that exists) and drops it at the end, with its role
# <database>_inspector.
#
# Environment (all optional):
#   SAFEGUARD_BENCH_REPS=3               repetitions; the medians are over these
#   SAFEGUARD_BENCH_SECONDS=7            duration of each pgbench run
#   SAFEGUARD_BENCH_FSYNC=on             fsync of the pg_virtualenv cluster (pg_virtualenv's own
#                                        default is off: fast, but then no commit waits for the disk)
#   SAFEGUARD_BENCH_CLIENTS=8            clients of the concurrent runs (A, B and C alike)
#   SAFEGUARD_BENCH_DB=safeguard_bench_audit   scratch database (must not exist)
#   SAFEGUARD_BENCH_KEEP=1               keep the scratch database and role afterwards
#   SAFEGUARD_BENCH_SKIP_INSTALL=1       do not run make install first
#
# Exit status: 0 benchmark ran (target met or not), 2 audit trail or row counts wrong, 1 other
# error (a pgbench run that aborted included).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

REPS=${SAFEGUARD_BENCH_REPS:-3}
DURATION=${SAFEGUARD_BENCH_SECONDS:-7}
FSYNC=${SAFEGUARD_BENCH_FSYNC:-on}
CLIENTS=${SAFEGUARD_BENCH_CLIENTS:-8}
DB=${SAFEGUARD_BENCH_DB:-safeguard_bench_audit}
ROLE=${DB}_inspector

# This script's reading of "not reduced to one at a time": N writers on distinct chains get at
# least 1.5 times one writer's throughput, halfway between fully serialised (1) and the 2x that
# CPU-bound work can reach on 2 cores.
TARGET_SCALING=1.5
# Seconds of the warm-up run of each workload (not reported).
WARMUP=2
# NHS numbers checked before timing.
NHS_CHECK=100000

PGBENCH=
CREATED_DB=0
CREATED_ROLE=0
WORK=
LA_ID=

# Prints a message on stderr and exits with status 1.
die() {
	echo "bench: $*" >&2
	exit 1
}

# Prints a message on stderr and exits with status 2: the audit trail is wrong.
wrong() {
	echo "bench: WRONG: $*" >&2
	exit 2
}

# Fails unless $2 is a positive integer; $1 names it in the message.
require_positive_int() {
	[[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"
}

# Checks the configuration.
check_config() {
	require_positive_int SAFEGUARD_BENCH_REPS "$REPS"
	require_positive_int SAFEGUARD_BENCH_SECONDS "$DURATION"
	require_positive_int SAFEGUARD_BENCH_CLIENTS "$CLIENTS"
	((CLIENTS >= 2)) || die "SAFEGUARD_BENCH_CLIENTS must be at least 2 (it is compared with 1 client), got '$CLIENTS'"
	[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "SAFEGUARD_BENCH_DB must be a plain lower-case name, got '$DB'"
	((${#ROLE} <= 63)) || die "SAFEGUARD_BENCH_DB is too long for the role name $ROLE"
	[[ "$FSYNC" == on || "$FSYNC" == off ]] || die "SAFEGUARD_BENCH_FSYNC must be on or off, got '$FSYNC'"
}

# Finds pgbench: on PATH, else next to the PostgreSQL 15 server.
find_pgbench() {
	if command -v pgbench >/dev/null 2>&1; then
		PGBENCH=$(command -v pgbench)
	elif [[ -x /usr/lib/postgresql/15/bin/pgbench ]]; then
		PGBENCH=/usr/lib/postgresql/15/bin/pgbench
	else
		die "pgbench not found (package postgresql-client-15 or postgresql-15)"
	fi
}

# Runs psql on the scratch database: no psqlrc, stop at the first error, quiet.
bench_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"
}

# Runs psql on the maintenance database (PGDATABASE, else postgres).
admin_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE:-postgres}" "$@"
}

# Drops what this run created, unless SAFEGUARD_BENCH_KEEP=1.
cleanup() {
	if [[ -n "$WORK" ]]; then
		rm -rf "$WORK"
	fi
	if [[ "${SAFEGUARD_BENCH_KEEP:-}" == 1 ]]; then
		echo "bench: kept database $DB and role $ROLE (SAFEGUARD_BENCH_KEEP=1)" >&2
		return 0
	fi
	if ((CREATED_DB)); then
		admin_psql -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
	fi
	if ((CREATED_ROLE)); then
		admin_psql -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1 || true
	fi
}

# Creates the scratch database, the extension, the organisations, the role and the harness.
setup() {
	local exists
	exists=$(admin_psql -At -c "SELECT 1 FROM pg_catalog.pg_database WHERE datname = '$DB'")
	[[ -z "$exists" ]] ||
		die "database $DB exists; this benchmark writes audit rows, which cannot be deleted, so it works only in a database it creates: drop $DB or set SAFEGUARD_BENCH_DB"
	exists=$(admin_psql -At -c "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '$ROLE'")
	[[ -z "$exists" ]] || die "role $ROLE exists (a kept run?): drop it or set SAFEGUARD_BENCH_DB"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/safeguard-bench-audit.XXXXXX")
	trap cleanup EXIT
	admin_psql -c "CREATE DATABASE $DB"
	CREATED_DB=1
	CREATED_ROLE=1	# created by audit_chain.sql below; DROP ROLE IF EXISTS is harmless before
	bench_psql -c 'SET client_min_messages = warning' \
		-c 'CREATE EXTENSION safeguard' \
		-c 'CREATE SCHEMA safeguard_bench'
	bench_psql -v role="$ROLE" -f "$BENCH_DIR/audit_chain.sql"
	LA_ID=$(bench_psql -At -c "SELECT id FROM safeguard.organisation WHERE code = 'BENCH-LA'")
	[[ "$LA_ID" =~ ^[0-9]+$ ]] || die "set-up: no bench local authority"
}

# Prints the run's context: when, where, what, with which settings.
print_context() {
	local server ext sync fsync
	server=$(bench_psql -At -c 'SHOW server_version')
	ext=$(bench_psql -At -c "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'safeguard'")
	sync=$(bench_psql -At -c 'SHOW synchronous_commit')
	fsync=$(bench_psql -At -c 'SHOW fsync')
	echo "# safeguard audit chain benchmark: audited workflow writes under concurrency"
	echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "machine:  $(nproc) CPUs ($(uname -m)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "server:   PostgreSQL $server, safeguard $ext, database $DB; fsync = $fsync," \
		"synchronous_commit = $sync on the server, on in every bench session"
	echo "runs:     $("$PGBENCH" --version | sed 's/ (PostgreSQL)//'), -M prepared," \
		"${DURATION} s per run, 1 and $CLIENTS clients; $REPS interleaved repetitions" \
		"(+ a ${WARMUP} s warm-up of each workload, not reported); CHECKPOINT before each run"
	echo
}

# Checks the NHS numbers the workloads use; exits 2 when one is invalid or repeated.
check_nhs_numbers() {
	local bad
	echo "correctness: the first $NHS_CHECK generated NHS numbers ..."
	bad=$(bench_psql -At -F ' ' -c "SELECT * FROM safeguard_bench.check_nhs_numbers($NHS_CHECK)")
	if [[ -n "$bad" ]]; then
		echo "correctness: FAILED (i number problem), first ones:" >&2
		head -n 20 <<<"$bad" >&2
		exit 2
	fi
	echo "correctness: OK, all valid and distinct"
	echo
}

# Prints the pgbench script of workload letter $1.
script_of() {
	case $1 in
	A) echo "$BENCH_DIR/audit_distinct.sql" ;;
	B) echo "$BENCH_DIR/audit_shared.sql" ;;
	C) echo "$BENCH_DIR/audit_bare.sql" ;;
	*) die "unknown workload $1" ;;
	esac
}

# Runs one pgbench run: $1 repetition (0 = warm-up), $2 workload letter, $3 clients, $4 seconds.
# Appends "rep workload clients tps processed failed latency_ms" to $WORK/results.
run_one() {
	local rep=$1 w=$2 clients=$3 secs=$4 out rc=0 tps processed failed latency threads
	threads=$(nproc)
	((threads <= clients)) || threads=$clients
	bench_psql -c CHECKPOINT
	out=$(PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c role=$ROLE -c synchronous_commit=on" \
		"$PGBENCH" -n -M prepared -T "$secs" -c "$clients" -j "$threads" -D la="$LA_ID" \
		-f "$(script_of "$w")" "$DB" 2>&1) || rc=$?
	if ((rc != 0)) || grep -q 'aborted' <<<"$out"; then
		echo "$out" >&2
		die "pgbench run $w$clients (repetition $rep) failed (exit status $rc)"
	fi
	tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
	processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
	latency=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' <<<"$out")
	[[ -n "$tps" && -n "$processed" && -n "$latency" ]] || {
		echo "$out" >&2
		die "could not read pgbench's output for run $w$clients"
	}
	[[ "${failed:-0}" == 0 ]] || {
		echo "$out" >&2
		die "pgbench run $w$clients (repetition $rep): $failed failed transactions"
	}
	echo "$rep $w $clients $tps $processed ${failed:-0} $latency" >>"$WORK/results"
	if ((rep > 0)); then
		printf '  %s%-2s %8.1f tps  %6.2f ms\n' "$w" "$clients" "$tps" "$latency"
	fi
}

# Runs the warm-up and the timed repetitions, the six runs rotating their order each time.
run_timings() {
	local runs=("A 1" "A $CLIENTS" "B 1" "B $CLIENTS" "C 1" "C $CLIENTS") r i n=6 run
	: >"$WORK/results"
	echo "warm-up (${WARMUP} s each, not reported) ..."
	for run in "${runs[@]}"; do
		# shellcheck disable=SC2086 # "letter clients"
		run_one 0 $run "$WARMUP"
	done
	for ((r = 1; r <= REPS; r++)); do
		echo "repetition $r/$REPS ..."
		for ((i = 0; i < n; i++)); do
			# shellcheck disable=SC2086 # "letter clients"
			run_one "$r" ${runs[$(((i + r - 1) % n))]} "$DURATION"
		done
	done
	echo
}

# Prints the total transactions pgbench committed for workload $1 (warm-up included).
committed() {
	awk -v w="$1" '$2 == w { s += $5 } END { print s + 0 }' "$WORK/results"
}

# Checks the audit trail and the rows after the runs; exits 2 when anything is wrong.
check_after() {
	local a b c facts problems
	a=$(committed A)
	b=$(committed B)
	c=$(committed C)
	echo "correctness: the audit trail after $((a + b)) audited and $c bare transactions ..."
	problems=$(bench_psql -At -c 'SELECT audit_id, chain_key, chain_seq, problem FROM safeguard.verify_audit() LIMIT 20')
	[[ -z "$problems" ]] || wrong "verify_audit() found problems:"$'\n'"$problems"
	# One row of facts: A concerns, their cases, A concerns that joined a case, A chains of other
	# than 3 rows; B concerns, their cases, B chain rows; bare rows.
	facts=$(bench_psql -At -F ' ' <<'SQL'
WITH a AS (
    SELECT c.id, c.case_id, c.joined_open_case FROM safeguard.concern c
     WHERE c.description = 'Bench: a concern about an adult with no open case.'
), b AS (
    SELECT c.id, c.case_id FROM safeguard.concern c
     WHERE c.description = 'Bench: a concern about the adult every transaction is about.'
), a_chains AS (
    SELECT e.chain_key, pg_catalog.count(*) AS n, pg_catalog.max(e.chain_seq) AS top
      FROM safeguard.audit_event e WHERE e.case_id IN (SELECT a.case_id FROM a)
     GROUP BY e.chain_key
)
SELECT (SELECT pg_catalog.count(*) FROM a),
       (SELECT pg_catalog.count(DISTINCT a.case_id) FROM a),
       (SELECT pg_catalog.count(*) FROM a WHERE a.joined_open_case),
       (SELECT pg_catalog.count(*) FROM a_chains WHERE a_chains.n <> 3 OR a_chains.top <> 3),
       (SELECT pg_catalog.count(*) FROM b),
       (SELECT pg_catalog.count(DISTINCT b.case_id) FROM b),
       (SELECT pg_catalog.count(*) FROM safeguard.audit_event e
         WHERE e.case_id = (SELECT pg_catalog.min(b.case_id) FROM b)),
       (SELECT pg_catalog.max(e.chain_seq) FROM safeguard.audit_event e
         WHERE e.case_id = (SELECT pg_catalog.min(b.case_id) FROM b)),
       (SELECT pg_catalog.count(*) FROM safeguard_bench.bare_concern)
SQL
	)
	local na ncases_a joined bad_chains nb ncases_b b_rows b_top nc
	read -r na ncases_a joined bad_chains nb ncases_b b_rows b_top nc <<<"$facts"
	((na == a)) || wrong "pgbench committed $a distinct-chain transactions, $na concerns exist"
	((ncases_a == na && joined == 0)) ||
		wrong "$na distinct-adult concerns should open $na cases; they are in $ncases_a, $joined joined one"
	((bad_chains == 0)) || wrong "$bad_chains distinct-adult case chains do not have exactly 3 rows, sequence 1..3"
	((nb == b)) || wrong "pgbench committed $b shared-chain transactions, $nb concerns exist"
	((ncases_b == 1)) || wrong "the shared adult's $nb concerns are in $ncases_b cases, not one"
	# The shared case's chain: the case opened, then a concern and its deadline per transaction.
	((b_rows == 2 * nb + 1 && b_top == b_rows)) ||
		wrong "the shared chain has $b_rows rows up to sequence $b_top, expected $((2 * nb + 1))"
	((nc == c)) || wrong "pgbench committed $c bare inserts, $nc rows exist"
	echo "correctness: OK: verify_audit() finds nothing; $na distinct-adult concerns in $na cases," \
		"each chain 3 rows; $nb shared-adult concerns in 1 case, its chain $b_rows rows" \
		"(1..$b_top, no gap, no fork); $nc bare rows; every committed transaction is there"
	echo
}

# Prints the results table, the ratios and the target line.
report() {
	awk -v n="$CLIENTS" -v reps="$REPS" -v target="$TARGET_SCALING" -v cpus="$(nproc)" '
		# Returns the median of the space-separated numbers in s.
		function median(s,    a, k, i, j, t) {
			k = split(s, a, " ")
			for (i = 2; i <= k; i++) {
				t = a[i]
				for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
				a[j + 1] = t
			}
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		# Returns max/min of the space-separated numbers in s.
		function spread(s,    a, k, i, lo, hi) {
			k = split(s, a, " ")
			lo = hi = a[1]
			for (i = 2; i <= k; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
			return hi / lo
		}
		# Returns PASS when ok is true, MISS otherwise.
		function verdict(ok) { return ok ? "PASS" : "MISS" }
		# Returns the ratio x/y in repetition r of the runs named x and y, e.g. "A8", "A1".
		function rr(r, x, y) { return byrep[r, x] / byrep[r, y] }
		# Returns the per-repetition values of the ratio x/y, space-separated.
		function per_rep(x, y,    r, s) {
			s = ""
			for (r = 1; r <= reps; r++) s = s sprintf(" %.2f", rr(r, x, y))
			return s
		}
		# Prints one ratio line: the ratio of the medians, then the paired per-repetition ratios.
		function ratio(label, x, y, what) {
			printf "  %-7s %5.2f   %-62s per repetition:%s\n", label, m[x] / m[y], what, per_rep(x, y)
		}
		$1 > 0 { key = $2 $3; tps[key] = tps[key] " " $4; lat[key] = lat[key] " " $7; byrep[$1, key] = $4 }
		END {
			name["A"] = "A distinct chains (new case each)"
			name["B"] = "B one shared chain (same case)"
			name["C"] = "C unchained: bare INSERT"
			print "| workload | clients | median TPS | median latency ms | TPS spread max/min |"
			print "|---|--:|--:|--:|--:|"
			split("A B C", ws, " ")
			for (i = 1; i <= 3; i++) {
				w = ws[i]
				split("1 " n, cs, " ")
				for (j = 1; j <= 2; j++) {
					key = w cs[j]
					if (!(key in tps)) { print "bench: no timings for " key > "/dev/stderr"; exit 1 }
					m[key] = median(tps[key])
					printf "| %s | %d | %.0f | %.2f | %.2f |\n", name[w], cs[j], m[key], median(lat[key]), spread(tps[key])
				}
			}
			a1 = m["A1"]; an = m["A" n]; b1 = m["B1"]; bn = m["B" n]; c1 = m["C1"]; cn = m["C" n]
			print ""
			printf "medians of %d repetition%s\n", reps, (reps == 1 ? "" : "s")
			print ""
			print "ratios (of the medians; then the same ratio within each repetition, whose runs were close in time):"
			ratio("A" n "/A1", "A" n, "A1", "scaling of writers on distinct chains")
			ratio("B" n "/B1", "B" n, "B1", "scaling of writers on one shared chain (they queue on its lock)")
			ratio("B" n "/A" n, "B" n, "A" n, "cost of sharing one chain, " n " writers")
			ratio("A" n "/C" n, "A" n, "C" n, "chained workflow write vs bare insert, " n " writers")
			ratio("A1/C1", "A1", "C1", "the same, 1 writer")
			ratio("B" n "/C" n, "B" n, "C" n, "the shared chain vs bare insert, " n " writers")
			ratio("C" n "/C1", "C" n, "C1", "what " n " clients get here when nothing is shared")
			print ""
			print "target:"
			printf "  %d concurrent writers are not reduced to one at a time (A%d/A1 >= %s): %.2f  %s   (one shared chain, like a global head: B%d/B1 %.2f)\n", n, n, target, an / a1, verdict(an / a1 >= target), n, bn / b1
			print ""
			print "reading it:"
			printf "  An audited transaction is CPU work in its backend (validation, case linking, a\n"
			printf "  working-day deadline, SHA-256 over 2-3 audit rows) and a commit that waits for a\n"
			printf "  WAL flush of about 4 kB.  %d clients can do at most about %dx the CPU work of 1 on\n", n, cpus
			printf "  these %d CPUs (which also run pgbench); they get more only where 1 client leaves\n", cpus
			printf "  the CPUs idle, waiting on round trips and flushes that %d clients overlap and share\n", n
			printf "  (group commit), as the bare insert shows (C%d/C1).  A, one chain per writer, should\n", n
			printf "  reach that: about %dx or more.  B cannot beat one writer at a time, because each\n", cpus
			printf "  writer holds the chain'"'"'s lock (and the adult'"'"'s case-linking lock) until its commit\n"
			printf "  is on disk: B%d/B1 near 1 is what a single global chain head costs.  A opens a case\n", n
			printf "  per transaction (3 audit rows), B joins one (2 rows), so B1 is a little cheaper than\n"
			printf "  A1.  C is a bare insert, not the workflow without its chain: A%d/C%d prices the whole\n", n, n
			printf "  workflow, not the chain.  On a shared virtual disk whose flush latency jumps, A%d\n", n
			printf "  waits on flushes rather than on chains: compare the per-repetition ratios.\n"
		}' "$WORK/results"
}

# Builds and installs the extension from the repository root.
install_extension() {
	echo "bench: make -s install in $REPO_DIR" >&2
	make -s -C "$REPO_DIR" install >&2
}

main() {
	if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
		sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
		exit 0
	fi
	check_config
	find_pgbench
	if [[ "${SAFEGUARD_BENCH_SKIP_INSTALL:-}" != 1 ]]; then
		install_extension
	fi
	if [[ -z "${PGHOST:-}" && -z "${PGPORT:-}" && -z "${PGDATABASE:-}" ]]; then
		command -v pg_virtualenv >/dev/null 2>&1 ||
			die "no server named (PGHOST/PGPORT/PGDATABASE unset) and pg_virtualenv not found (postgresql-common)"
		# pg_virtualenv sets the PG* variables, so the inner run takes the other branch.
		# -t: a cluster in a temporary directory even as root, on a port of its own, so that it
		# collides with no other cluster (a test suite's, or the pg_virtualenv it runs inside).
		PGPORT=$((55000 + RANDOM % 5000)) SAFEGUARD_BENCH_SKIP_INSTALL=1 exec pg_virtualenv -t -v 15 -o "fsync=$FSYNC" \
			bash "${BASH_SOURCE[0]}" "$@"
	fi

	local start=$SECONDS
	setup
	print_context
	check_nhs_numbers
	run_timings
	check_after
	report
	echo
	echo "run time: $((SECONDS - start)) s (setup, checks and timings; excludes make install and cluster creation)"
}

main "$@"
