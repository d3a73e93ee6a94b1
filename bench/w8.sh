#!/usr/bin/env bash
# bench/w8.sh: W8, a council pathway transition (issue 16): the authority's manager allocates a
# decided enquiry to a named officer (decided -> allocated), through safeguard against two
# comparators, all three in the same pgbench runs on identically loaded tables.
#
# Each transaction is one UPDATE of one decided enquiry (bench/w8/setup.sql makes the pool
# through the real workflow: a concern logged at the council's front door, decided a section
# 42 enquiry):
#   safeguard  safeguard.la_enquiry: the C guard, stamps, hash-chained audit row (w8/safeguard.sql)
#   bare       a plain copy, no trigger: the bare UPDATE (w8/bare.sql)
#   floor      a plain copy plus an explicit audit INSERT in the same statement, no checks,
#              no hash (w8/floor.sql): the SQL floor
# (No PL/pgSQL peer: W1's is the measure of that comparison; writing the council machine's
# rules again in PL/pgSQL was not done.)  One pgbench run per (clients, synchronous_commit)
# cell runs the three scripts together (-f script@1 each), so they share the machine's state,
# noise included; each run is a fixed number of transactions per client (the pool is made
# once, large enough).  Reported, as W1: the median over repetitions of each script's average
# latency, and the median of the per-run ratios safeguard / comparator.  No target: issue 16
# asks for the comparison; W1's targets are the write path's.
#
# Environment (see also bench/lib.sh: SAFEGUARD_BENCH_REPS, _QUICK, _FSYNC, ...):
#   SAFEGUARD_BENCH_W8_CLIENTS="1 8"   client counts
#   SAFEGUARD_BENCH_W8_SYNCS="on"      synchronous_commit settings
#   SAFEGUARD_BENCH_W8_TX=300          transactions per client per run (QUICK: 100)
#
# Exit status: 0 benchmark ran, 2 wrong results, 1 other error.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENTS=${SAFEGUARD_BENCH_W8_CLIENTS:-"1 8"}
SYNCS=${SAFEGUARD_BENCH_W8_SYNCS:-"on"}
if ((BENCH_QUICK)); then TX=${SAFEGUARD_BENCH_W8_TX:-100}; else TX=${SAFEGUARD_BENCH_W8_TX:-300}; fi
WARMUP=50
SCRIPTS=(safeguard bare floor)

bench_init "$@"
bench_require_int SAFEGUARD_BENCH_W8_TX "$TX"
bench_db_create w8
OFFICER=${BENCH_DB}_officer
SAM=${BENCH_DB}_sam
for r in "$OFFICER" "$SAM"; do
	bench_admin_psql -c "DROP ROLE IF EXISTS $r" >/dev/null
	bench_drop_role_at_exit "$r"
done
# Every transaction of every run might pick the same script: the pool holds them all.
total=$((2 * WARMUP))
for c in $CLIENTS; do for y in $SYNCS; do total=$((total + BENCH_REPS * c * TX)); done; done
bench_log "W8: making $total decided enquiries through the real workflow"
bench_psql -v officer="$OFFICER" -v sam="$SAM" -v pool="$total" -f "$BENCH_DIR/w8/setup.sql" >/dev/null

# One pgbench run of the three scripts: $1 repetition (0 = warm-up), $2 clients, $3 sync, $4 length.
run_cell() {
	local rep=$1 clients=$2 sync=$3 len=$4 out args=() s
	for s in "${SCRIPTS[@]}"; do args+=(-f "$BENCH_DIR/w8/$s.sql@1"); done
	out=$(BENCH_ROLE=$SAM bench_pgbench "$clients" "$sync" "$len" -D officer="$OFFICER" "${args[@]}")
	bench_record_run "$BENCH_WORK/w8.results" "$rep" "$clients" "$sync" "$out"
}

: >"$BENCH_WORK/w8.results"
bench_run_cells run_cell W8 "$WARMUP" "t$TX" "$CLIENTS" "$SYNCS"

# Correctness: each table allocated as many enquiries as its script committed, give or take
# one per client and run (as W1: pgbench's per-script counts once missed one committed
# transaction of a fixed-length run, 2,720 allocated for 2,719 counted), safeguard's with the
# manager's stamps, and the audit chains verify.
inflight=$(awk '$4 == "safeguard" { n += $2 } END { print n + 0 }' "$BENCH_WORK/w8.results")
for s in "${SCRIPTS[@]}"; do
	committed=$(awk -v s="$s" '$4 == s { n += $8 } END { print n + 0 }' "$BENCH_WORK/w8.results")
	case $s in
	safeguard) tbl=safeguard.la_enquiry ;;
	bare) tbl=safeguard_bench.bare_enquiry ;;
	floor) tbl=safeguard_bench.floor_enquiry ;;
	esac
	allocated=$(bench_psql -At -c "SELECT count(*) FROM $tbl WHERE state = 'allocated'")
	if ((allocated < committed || allocated > committed + inflight)); then
		echo "bench: WRONG: W8 $s committed $committed transactions (up to $inflight more uncounted) but $tbl holds $allocated allocated enquiries" >&2
		exit 2
	fi
done
bad=$(bench_psql -At -c "SELECT count(*) FROM safeguard.la_enquiry WHERE state = 'allocated' AND (allocated_by::text <> '$SAM' OR allocated_at IS NULL OR allocated_to::text <> '$OFFICER')")
[[ "$bad" == 0 ]] || { echo "bench: WRONG: $bad allocated enquiries without the manager's stamps" >&2; exit 2; }
bench_verify_audit
bench_log "W8: correctness OK (allocated rows match committed transactions, give or take one per client and run; audit verified)"

echo "## W8: a council pathway transition (enquiry decided -> allocated by the manager), latency per transaction"
echo
echo "$BENCH_REPS repetitions x $TX transactions per client per cell, the three scripts in the same pgbench run;" \
	"median of each script's average latency; ratio = median over runs of safeguard / comparator (same run)."
echo
bench_header
for c in $CLIENTS; do
	for y in $SYNCS; do
		for s in "${SCRIPTS[@]}"; do
			med=$(bench_cell_median "$BENCH_WORK/w8.results" "$c" "$y" "$s")
			if [[ $s == safeguard ]]; then
				bench_row W8 "$c" "$y" safeguard "$(printf '%.3f ms' "$med")" - - -
				continue
			fi
			bench_row W8 "$c" "$y" "$s" "$(printf '%.3f ms' "$med")" \
				"$(bench_cell_ratio "$BENCH_WORK/w8.results" "$c" "$y" safeguard "$s")" - -
		done
	done
done
echo
bench_print_p99 "$BENCH_WORK/w8.results" "$CLIENTS" "$SYNCS" "${SCRIPTS[@]}"
