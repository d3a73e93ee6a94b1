# shellcheck shell=bash
# bench/lib.sh: shared scaffolding of the workload benchmarks (bench/w*.sh, bench/run).
# Source it, do not run it:
#
#   #!/usr/bin/env bash
#   set -euo pipefail
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_init "$@"              # --help, make install, re-exec inside pg_virtualenv
#   bench_db_create w1           # scratch database safeguard_bench_w1 with the extension
#   bench_psql -f "$BENCH_DIR/w1/setup.sql"
#   bench_pgbench 8 off 10 -f a.sql@1 -f b.sql@1     # one run, several scripts
#   bench_row W1 8 off safeguard "0.91 ms" 1.02 "<= 1.05 x floor" met
#
# Server.  bench_init runs `make -s install` in the repository root (skip with
# SAFEGUARD_BENCH_SKIP_INSTALL=1).  When none of PGHOST, PGPORT, PGDATABASE is set it then
# runs the calling script again inside `pg_virtualenv -t -v 15 -o fsync=on` (a throwaway cluster;
# fsync on so that a synchronous commit waits for the disk, as in production; pg_virtualenv's
# own default is off).  Otherwise it uses the named server: the extension must be installed
# there and the role must be a superuser (CREATE EXTENSION, CREATE ROLE, CHECKPOINT).
#
# Environment (all optional; bench/run passes them on):
#   SAFEGUARD_BENCH_REPS=3          repetitions; every figure is a median over these
#   SAFEGUARD_BENCH_SECONDS=10      duration of one pgbench run
#   SAFEGUARD_BENCH_QUICK=1         smoke mode: REPS=1, SECONDS=3, smaller data (scripts read
#                                   BENCH_QUICK); figures are then not worth quoting
#   SAFEGUARD_BENCH_FSYNC=on        fsync of the pg_virtualenv cluster
#   SAFEGUARD_BENCH_SKIP_INSTALL=1  do not run make install first
#   SAFEGUARD_BENCH_KEEP=1          keep scratch databases and the work directory
#   SAFEGUARD_BENCH_ROWS_FILE=path  bench_row also appends its row there (bench/run sets it)
#   BENCH_SERVER_OPTS="a=b c=d"     (set by a calling script before bench_init) more settings of
#                                   the pg_virtualenv cluster, one -o each (W1 loads
#                                   pg_stat_statements this way); ignored on a named server
#
# Variables set here: BENCH_DIR (bench/), REPO_DIR, BENCH_REPS, BENCH_SECONDS, BENCH_QUICK
# (0/1), BENCH_WORK (a temporary directory, removed at exit), BENCH_DB (after
# bench_db_create), PGBENCH (the pgbench binary).
#
# Functions (each documented where it is defined):
#   die MSG                     message on stderr, exit 1
#   bench_log MSG               progress message on stderr
#   bench_require_int NAME VAL  fail unless VAL is a positive integer
#   bench_init "$@"             --help (prints the calling script's header), install, re-exec
#   bench_db_create NAME        creates database safeguard_bench_NAME with the extension,
#                               dropped at exit; sets BENCH_DB
#   bench_w1_setup RESERVED [no-comparators]
#                               W1's referral pool (bench/w1/setup.sql) and comparators
#                               (bench/w1/comparators.sql) in BENCH_DB; sets CC, INSP, OFFICER
#   bench_psql ARGS...          psql on BENCH_DB: -X -q, ON_ERROR_STOP=1
#   bench_admin_psql ARGS...    the same on the maintenance database
#   bench_median V...           median of numbers (mean of the middle two for an even count)
#   bench_pgbench CLIENTS SYNC SECONDS PGBENCH-ARGS...
#                               one pgbench run of SECONDS (or "tN": N transactions per client)
#                               (-n -M prepared, synchronous_commit = SYNC in
#                               every session, role $BENCH_ROLE when set, CHECKPOINT first);
#                               prints one line per -f script, in order:
#                                 <script> <tps> <latency avg ms> <p99 ms> <transactions> <failed>
#                               dies when a client aborted or the output cannot be read
#   bench_p99 LOGPREFIX N       p99 latency in ms of script number N (0-based) in pgbench --log
#                               files LOGPREFIX.*
#   bench_ratio A B             A/B to 2 decimals
#   bench_verdict RATIO OP LIMIT   "met" or "missed" (OP is <= or >=)
#   bench_header                the results table's header (markdown)
#   bench_flush_time            the disk's flush time now: pg_test_fsync's fdatasync of one 8kB
#                               write, 1 s, in the server's data directory when it is ours
#                               (else BENCH_WORK); prints e.g. "0.109 ms (fdatasync, 9176/s)"
#   bench_cell_median FILE C SYNC SCRIPT [FIELD]   median over repetitions, results file of W1/W8
#   bench_cell_ratio FILE C SYNC A B   median of the per-run latency ratios A / B, 2 decimals
#   bench_run_cells FN LABEL WARMUP LENGTH "CLIENTS" "SYNCS"   warm-up, then the rotating cells
#   bench_record_run FILE REP C SYNC OUT   one run's bench_pgbench output into a W1/W8 results file
#   bench_verify_audit          exit 2 when safeguard.verify_audit() finds a problem
#   bench_print_p99 FILE "CLIENTS" "SYNCS" SCRIPT...   the p99 lines of a W1/W8 results file
#   bench_row WORKLOAD CLIENTS SYNC COMPARATOR MEDIAN RATIO TARGET MET
#                               one row of the results table (markdown); "-" for empty cells
#
# The results table: | workload | clients | sync | comparator | median | ratio | target | met |
# where median carries its unit (e.g. "0.912 ms", "1.84 s"), ratio is safeguard's median
# divided by this comparator's (latency: lower is better), "-" in safeguard's own row.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
BENCH_QUICK=0
[[ "${SAFEGUARD_BENCH_QUICK:-}" == 1 ]] && BENCH_QUICK=1
if ((BENCH_QUICK)); then
	BENCH_REPS=${SAFEGUARD_BENCH_REPS:-1}
	BENCH_SECONDS=${SAFEGUARD_BENCH_SECONDS:-3}
else
	BENCH_REPS=${SAFEGUARD_BENCH_REPS:-3}
	BENCH_SECONDS=${SAFEGUARD_BENCH_SECONDS:-10}
fi
BENCH_FSYNC=${SAFEGUARD_BENCH_FSYNC:-on}
BENCH_WORK=
BENCH_DB=
BENCH_CREATED_DB=0
BENCH_ROLES_TO_DROP=()
PGBENCH=

# Prints a message on stderr and exits with status 1.
die() {
	echo "bench: $*" >&2
	exit 1
}

# Prints a progress message on stderr.
bench_log() {
	echo "bench: $*" >&2
}

# Fails unless $2 is a positive integer; $1 names it in the message.
bench_require_int() {
	[[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"
}

# Removes the work directory and drops what bench_db_create made, unless SAFEGUARD_BENCH_KEEP=1.
# Calls bench_on_exit first when the calling script defines it.
bench_cleanup() {
	if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
	if [[ "${SAFEGUARD_BENCH_KEEP:-}" == 1 ]]; then
		bench_log "kept database ${BENCH_DB:-none} and $BENCH_WORK (SAFEGUARD_BENCH_KEEP=1)"
		return 0
	fi
	[[ -n "$BENCH_WORK" ]] && rm -rf "$BENCH_WORK"
	if ((BENCH_CREATED_DB)); then
		bench_admin_psql -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	local r
	for r in "${BENCH_ROLES_TO_DROP[@]}"; do
		bench_admin_psql -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
	done
}

# Prints the calling script's header comment for --help, installs the extension unless
# SAFEGUARD_BENCH_SKIP_INSTALL=1, and re-runs the calling script inside pg_virtualenv when no
# server is named.  Then checks the configuration, finds pgbench and makes BENCH_WORK.
bench_init() {
	local script
	script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
	if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
		sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$script"
		exit 0
	fi
	bench_require_int SAFEGUARD_BENCH_REPS "$BENCH_REPS"
	bench_require_int SAFEGUARD_BENCH_SECONDS "$BENCH_SECONDS"
	[[ "$BENCH_FSYNC" == on || "$BENCH_FSYNC" == off ]] ||
		die "SAFEGUARD_BENCH_FSYNC must be on or off, got '$BENCH_FSYNC'"
	if [[ "${SAFEGUARD_BENCH_SKIP_INSTALL:-}" != 1 ]]; then
		bench_log "make -s install in $REPO_DIR"
		make -s -C "$REPO_DIR" install >&2
	fi
	if [[ -z "${PGHOST:-}" && -z "${PGPORT:-}" && -z "${PGDATABASE:-}" ]]; then
		command -v pg_virtualenv >/dev/null 2>&1 ||
			die "no server named (PGHOST/PGPORT/PGDATABASE unset) and pg_virtualenv not found (postgresql-common)"
		# pg_virtualenv sets the PG* variables, so the inner run takes the other branch.
		# -t: a cluster in a temporary directory even as root, and a port of its own (a
		# random free one, which pg_virtualenv takes from PGPORT), so that runs of several
		# benchmarks (or test suites) at once collide neither on the cluster nor the port.
		local port tries=0
		while :; do
			port=$((55000 + RANDOM % 5000))
			[[ ! -e /var/run/postgresql/.s.PGSQL.$port ]] && ! (ss -ltnH 2>/dev/null | grep -q ":$port ") && break
			((++tries < 50)) || die "no free port found for pg_virtualenv"
		done
		local -a extra=()
		local o
		for o in ${BENCH_SERVER_OPTS:-}; do extra+=(-o "$o"); done
		PGPORT=$port SAFEGUARD_BENCH_SKIP_INSTALL=1 exec pg_virtualenv -t -v 15 -o "fsync=$BENCH_FSYNC" \
			"${extra[@]}" bash "$script" "$@"
	fi
	if command -v pgbench >/dev/null 2>&1; then
		PGBENCH=$(command -v pgbench)
	elif [[ -x /usr/lib/postgresql/15/bin/pgbench ]]; then
		PGBENCH=/usr/lib/postgresql/15/bin/pgbench
	else
		die "pgbench not found (package postgresql-client-15 or postgresql-15)"
	fi
	BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/safeguard-bench.XXXXXX")
	trap bench_cleanup EXIT
}

# Runs psql on the scratch database: no psqlrc, stop at the first error, quiet.
bench_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$BENCH_DB" "$@"
}

# Runs psql on the maintenance database (PGDATABASE, else postgres).
bench_admin_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE:-postgres}" "$@"
}

# Creates the scratch database safeguard_bench_$1 (dropping a leftover one of an earlier run:
# audit rows cannot be deleted, so every run starts from a fresh database) with the extension,
# sets BENCH_DB, and drops it at exit.
bench_db_create() {
	[[ "$1" =~ ^[a-z0-9_]+$ ]] || die "bench_db_create: bad name '$1'"
	BENCH_DB=safeguard_bench_$1
	bench_admin_psql -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB" >/dev/null
	BENCH_CREATED_DB=1
	bench_psql -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION safeguard' >/dev/null
}

# Sets up W1's referral pool in BENCH_DB (bench/w1/setup.sql, with $1 referrals reserved at
# its start) and, unless $2 is "no-comparators", the comparators (bench/w1/comparators.sql).
# Sets CC, INSP and OFFICER to the roles setup.sql creates (<database>_cc, _insp, _officer),
# dropping leftovers of an earlier run first and these at exit.
bench_w1_setup() {
	local reserved=$1 with=${2:-comparators} r
	local -a files=(-f "$BENCH_DIR/w1/setup.sql")
	CC=${BENCH_DB}_cc
	INSP=${BENCH_DB}_insp
	OFFICER=${BENCH_DB}_officer
	for r in "$CC" "$INSP" "$OFFICER"; do
		bench_admin_psql -c "DROP ROLE IF EXISTS $r" >/dev/null
		bench_drop_role_at_exit "$r"
	done
	[[ "$with" == no-comparators ]] || files+=(-f "$BENCH_DIR/w1/comparators.sql")
	bench_psql -v cc="$CC" -v insp="$INSP" -v officer="$OFFICER" -v reserved="$reserved" \
		"${files[@]}" >/dev/null
}

# Grows W1's pool (CALL safeguard_bench.grow_pool) until each of the pool sequences $3 (names,
# separated by spaces) has at least $1 referrals left, then runs VACUUM ANALYZE on the tables
# $4 (a comma-separated list); $2 (W1, W6, ...) names the workload in the log.
bench_w1_ensure_pool() {
	local need=$1 label=$2 seqs=${3// /,} tables=$4 left tries=0
	# Again until enough is left: a pool whose referral ids jumped starts again at the new
	# ones (grow_pool), and what was left of the old one no longer counts.
	while ((tries++ < 3)); do
		left=$(bench_psql -At -c "SELECT min(safeguard_bench.left_in_pool(s)) FROM unnest('{$seqs}'::regclass[]) s" 2>/dev/null || echo 0)
		[[ -n "$left" ]] || left=0
		((left < need)) || break
		bench_log "$label: growing W1's pool by $((need - left + 100)) referrals ($left left, $need wanted)"
		bench_psql -c "CALL safeguard_bench.grow_pool($((need - left + 100)))"
		bench_psql -c "VACUUM ANALYZE $tables" >/dev/null
	done
}

# Registers role $1 to be dropped at exit (after the database; the caller creates it).
bench_drop_role_at_exit() {
	BENCH_ROLES_TO_DROP+=("$1")
}

# Prints the median of its arguments (numbers).
bench_median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) printf "%.6g\n", v[(NR + 1) / 2]
			else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# Prints the 99th percentile, in ms, of the latencies of script number $2 (0-based) in the
# pgbench --log files $1.* (fields: client transaction latency_us script epoch us).
bench_p99() {
	cat "$1".* 2>/dev/null | awk -v s="$2" '$4 == s { print $3 }' | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			i = int(NR * 0.99 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
			printf "%.3f\n", v[i] / 1000
		}'
}

# Runs one pgbench run: $1 clients, $2 synchronous_commit (on/off) in every session, $3
# seconds, then pgbench arguments (-f script@weight ..., -D var=value ...).  Connects to
# BENCH_DB; sessions take role $BENCH_ROLE when it is set (PGOPTIONS -c role=..., so no extra
# statement per transaction).  CHECKPOINT first, so that no run inherits another's dirty
# buffers.  Prints, per -f script in the order given:
#   <script> <tps> <latency average ms> <p99 ms> <transactions> <failed>
# Dies when pgbench fails, a client aborted, or a transaction failed.
bench_pgbench() {
	local clients=$1 sync=$2 secs=$3 threads out rc=0 opts logp length=()
	shift 3
	if [[ "$secs" =~ ^t([1-9][0-9]*)$ ]]; then
		length=(-t "${BASH_REMATCH[1]}")
	else
		length=(-T "$secs")
	fi
	threads=$(nproc)
	((threads <= clients)) || threads=$clients
	opts="-c synchronous_commit=$sync"
	[[ -n "${BENCH_ROLE:-}" ]] && opts+=" -c role=$BENCH_ROLE"
	logp=$BENCH_WORK/pgbench_log.$$.$RANDOM
	bench_psql -c CHECKPOINT
	out=$(cd "$BENCH_WORK" && PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }$opts" \
		"$PGBENCH" -n -M prepared "${length[@]}" -c "$clients" -j "$threads" \
		--log --log-prefix="$logp" "$@" "$BENCH_DB" 2>&1) || rc=$?
	if ((rc != 0)) || grep -q 'aborted' <<<"$out"; then
		echo "$out" >&2
		die "pgbench failed (exit status $rc): $*"
	fi
	awk '
		/^transaction type: / && $3 != "multiple" { single = 1; name = $3 }
		/^number of transactions actually processed: / { total_n = $6 }
		/^number of failed transactions: / { total_f = $5 }
		/^latency average = / { total_lat = $4 }
		/^tps = / { total_tps = $3 }
		/^SQL script [0-9]+: / { k++; script[k] = $4 }
		/^ - [0-9]+ transactions / { n[k] = $2; t = $0; sub(/.*tps = /, "", t); sub(/\).*/, "", t); tps[k] = t }
		/^ - number of failed transactions: / { f[k] = $6 }
		/^ - latency average = / { lat[k] = $5 }
		END {
			if (single) { k = 1; script[1] = name; n[1] = total_n; f[1] = total_f; lat[1] = total_lat; tps[1] = total_tps }
			for (i = 1; i <= k; i++) {
				if (lat[i] == "" || tps[i] == "") exit 3
				print script[i], tps[i], lat[i], i - 1, n[i], (f[i] == "" ? 0 : f[i])
			}
		}' <<<"$out" >"$logp.parsed" || {
		echo "$out" >&2
		die "could not read pgbench's output: $*"
	}
	local s tps lat idx n f
	while read -r s tps lat idx n f; do
		[[ "$f" == 0 ]] || { echo "$out" >&2; die "pgbench: $f failed transactions in $s"; }
		echo "$s $tps $lat $(bench_p99 "$logp" "$idx") $n $f"
	done <"$logp.parsed"
	rm -f "$logp".*
}

# Prints $1/$2 to 2 decimals ("nan" when $2 is zero or empty).
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "nan"; else printf "%.2f\n", a / b }'
}

# Prints "met" when $1 $2 $3 holds ($2 is <= or >=), "missed" otherwise.
bench_verdict() {
	awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN {
		if (r == "nan") { print "missed"; exit }
		ok = (op == "<=") ? (r + 0 <= t + 0) : (r + 0 >= t + 0)
		print ok ? "met" : "missed"
	}'
}

# Prints the disk's flush time (see the list above); "unknown" when pg_test_fsync is missing.
bench_flush_time() {
	local bin dir out line
	bin=$(dirname "$PGBENCH")/pg_test_fsync
	[[ -x "$bin" ]] || bin=/usr/lib/postgresql/15/bin/pg_test_fsync
	[[ -x "$bin" ]] || { echo unknown; return 0; }
	dir=$(bench_admin_psql -At -c 'SHOW data_directory' 2>/dev/null || true)
	[[ -n "$dir" && -w "$dir" ]] || dir=$BENCH_WORK
	out=$("$bin" -s 1 -f "$dir/safeguard_bench_fsync.tmp" 2>/dev/null || true)
	rm -f "$dir/safeguard_bench_fsync.tmp"
	line=$(grep -m1 '^ *fdatasync ' <<<"$out" || true)
	awk '{ for (i = 1; i <= NF; i++) if ($i == "ops/sec") ops = $(i - 1)
	       if (ops + 0 > 0) printf "%.3f ms (fdatasync of one 8kB write, %d/s)\n", 1000 / ops, ops
	       else print "unknown" }' <<<"${line:-x}"
}

# Prints the header of the results table.
bench_header() {
	echo "| workload | clients | sync | comparator | median | ratio | target | met |"
	echo "|---|--:|---|---|--:|--:|---|---|"
}

# The results file of a side-by-side workload (W1, W8) has one line per script and run:
#   <rep> <clients> <sync> <script> <latency avg ms> <tps> <p99 ms> <transactions>
# (rep 0 is the warm-up, never reported).  Prints the median over the repetitions of field $5
# (default 5, the average latency; 7 is p99) of script $4 in the cell of $2 clients and
# synchronous_commit $3, in results file $1.
bench_cell_median() {
	local file=$1 c=$2 y=$3 s=$4 f=${5:-5}
	# shellcheck disable=SC2046
	bench_median $(awk -v c="$c" -v y="$y" -v s="$s" -v f="$f" \
		'$1 > 0 && $2 == c && $3 == y && $4 == s { print $f }' "$file")
}

# Prints, to 2 decimals, the median over the repetitions of the per-run ratio of script $4's
# average latency to script $5's (paired: the same pgbench run) in the cell of $2 clients and
# synchronous_commit $3, in results file $1 (laid out as for bench_cell_median).
bench_cell_ratio() {
	local file=$1 c=$2 y=$3 a=$4 b=$5
	# shellcheck disable=SC2046
	printf '%.2f' "$(bench_median $(awk -v c="$c" -v y="$y" -v a="$a" -v b="$b" \
		'$1 > 0 && $2 == c && $3 == y { lat[$1, $4] = $5; reps[$1] = 1 }
		 END { for (r in reps) if (lat[r, b] > 0) printf "%.6f\n", lat[r, a] / lat[r, b] }' "$file"))"
}

# Runs a side-by-side workload's pgbench runs: function $1, called as $1 REP CLIENTS SYNC
# LENGTH, once as the warm-up (repetition 0, 2 clients, sync on, $3 transactions per client),
# then BENCH_REPS times for every cell of the client counts $5 x synchronous_commit settings
# $6 (space-separated lists), in an order rotating with the repetition, each run of LENGTH $4
# (seconds, or tN as bench_pgbench takes it); $2 names the workload in the log.
bench_run_cells() {
	local fn=$1 label=$2 warmup=$3 runlen=$4 clients=$5 syncs=$6 c y rep i
	local -a cells=()
	for c in $clients; do for y in $syncs; do cells+=("$c $y"); done; done
	bench_log "$label: warm-up ($warmup transactions per client, not reported)"
	"$fn" 0 2 on "t$warmup"
	for ((rep = 1; rep <= BENCH_REPS; rep++)); do
		bench_log "$label: repetition $rep/$BENCH_REPS"
		for ((i = 0; i < ${#cells[@]}; i++)); do
			# shellcheck disable=SC2086 # "clients sync"
			"$fn" "$rep" ${cells[$(((i + rep - 1) % ${#cells[@]}))]} "$runlen"
		done
	done
}

# Appends one bench_pgbench run's output ($5: its lines, one per script) to results file $1
# as repetition $2 at $3 clients and synchronous_commit $4 (laid out as for bench_cell_median),
# and for a reported repetition (> 0) prints the run's lines on stderr.
bench_record_run() {
	local file=$1 rep=$2 clients=$3 sync=$4 out=$5 path tps lat p99 n
	while read -r path tps lat p99 n _; do
		echo "$rep $clients $sync $(basename "$path" .sql) $lat $tps $p99 $n" >>"$file"
	done <<<"$out"
	if ((rep > 0)); then
		awk -v r="$rep" -v c="$clients" -v y="$sync" '$1 == r && $2 == c && $3 == y {
			printf "  rep %d  %d clients  sync %-3s  %-9s %8.3f ms  p99 %8.3f ms  %7.0f tps\n", r, c, y, $4, $5, $7, $6 }' \
			"$file" | tail -n "$(grep -c . <<<"$out")" >&2
	fi
}

# Exits 2 (a wrong result) when safeguard.verify_audit() finds a problem in BENCH_DB.
bench_verify_audit() {
	local problems
	problems=$(bench_psql -At -c 'SELECT chain_key, chain_seq, problem FROM safeguard.verify_audit() LIMIT 5')
	[[ -z "$problems" ]] || { echo "bench: WRONG: verify_audit(): $problems" >&2; exit 2; }
}

# Prints the p99 latencies of results file $1 (laid out as for bench_cell_median): one line per
# cell of client counts $2 and synchronous_commit settings $3 (space-separated lists), with
# the median p99 of each script named after them.
bench_print_p99() {
	local file=$1 clients=$2 syncs=$3 c y s line
	shift 3
	echo "p99 latency (ms, median over repetitions, from pgbench --log):"
	for c in $clients; do
		for y in $syncs; do
			line="  $c clients, sync $y:"
			for s in "$@"; do
				line+=" $s $(bench_cell_median "$file" "$c" "$y" "$s" 7)"
			done
			echo "$line"
		done
	done
}

# Prints one row of the results table, and appends it to $SAFEGUARD_BENCH_ROWS_FILE when set.
# Arguments: workload clients sync comparator median ratio target met ("-" for an empty cell).
bench_row() {
	(($# == 8)) || die "bench_row: 8 arguments expected, got $#: $*"
	local row
	row=$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$@")
	echo "$row"
	if [[ -n "${SAFEGUARD_BENCH_ROWS_FILE:-}" ]]; then
		echo "$row" >>"$SAFEGUARD_BENCH_ROWS_FILE"
	fi
}
