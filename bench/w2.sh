#!/usr/bin/env bash
# bench/w2.sh: W2, a rejected referral transition (wrong duty) through safeguard against the
# PL/pgSQL implementation of the same rules, both in the same pgbench runs.
#
# The contact centre's clerk tries to decide an acknowledged referral, which only the
# recipient authority's officer may do: safeguard's C guard and the PL/pgSQL guard
# (bench/w1/comparators.sql) both refuse with 42501.  Each side runs its UPDATE in a PL/pgSQL
# function with the same body (safeguard_bench.w2_try_sg / w2_try_pl) that catches 42501, so
# both pay the same subtransaction (bench/w2/*.sql).  Cells: clients 1, 2, 8 x
# synchronous_commit on, off (nothing is written, so the setting should not matter); R
# repetitions; median of each script's average latency and of the per-run ratios.
# Target (issue 8): safeguard no slower than PL/pgSQL (ratio <= 1.0).  Afterwards it checks
# that no referral changed and no audit row was written for them.
#
# Environment (see also bench/lib.sh):
#   SAFEGUARD_BENCH_W2_CLIENTS="1 2 8", SAFEGUARD_BENCH_W2_SYNCS="on off"
#
# Exit status: 0 benchmark ran (target met or not), 2 wrong results, 1 other error.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENTS=${SAFEGUARD_BENCH_W2_CLIENTS:-"1 2 8"}
SYNCS=${SAFEGUARD_BENCH_W2_SYNCS:-"on off"}
RESERVED=200
WARMUP=2

bench_init "$@"
bench_db_create w2
bench_w1_setup "$RESERVED"
bench_log "W2: making $((RESERVED + 2)) referrals through the workflow"
bench_psql -c "CALL safeguard_bench.grow_pool($((RESERVED + 2)))"
bench_psql -c 'VACUUM ANALYZE' >/dev/null
LO=$(bench_psql -At -c 'SELECT pool_lo FROM safeguard_bench.pool')
HI=$((LO + RESERVED - 1))
AUDIT_BEFORE=$(bench_psql -At -c 'SELECT (SELECT count(*) FROM safeguard.audit_event) + (SELECT count(*) FROM safeguard_bench.pl_audit)')

# One pgbench run of both scripts: $1 repetition (0 = warm-up), $2 clients, $3 sync, $4 s.
run_cell() {
	local rep=$1 clients=$2 sync=$3 secs=$4 out
	out=$(BENCH_ROLE=$CC bench_pgbench "$clients" "$sync" "$secs" -D lo="$LO" -D hi="$HI" \
		-f "$BENCH_DIR/w2/safeguard.sql@1" -f "$BENCH_DIR/w2/plpgsql.sql@1")
	while read -r path tps lat p99 n _; do
		echo "$rep $clients $sync $(basename "$path" .sql) $lat $tps $p99 $n" >>"$BENCH_WORK/w2.results"
		((rep > 0)) && printf '  rep %d  %d clients  sync %-3s  %-9s %8.3f ms  p99 %8.3f ms  %7.0f tps\n' \
			"$rep" "$clients" "$sync" "$(basename "$path" .sql)" "$lat" "$p99" "$tps" >&2
	done <<<"$out"
	return 0
}

: >"$BENCH_WORK/w2.results"
cells=()
for c in $CLIENTS; do for y in $SYNCS; do cells+=("$c $y"); done; done
bench_log "W2: warm-up (${WARMUP} s, not reported)"
run_cell 0 2 on "$WARMUP"
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
	bench_log "W2: repetition $rep/$BENCH_REPS"
	for ((i = 0; i < ${#cells[@]}; i++)); do
		# shellcheck disable=SC2086 # "clients sync"
		run_cell "$rep" ${cells[$(((i + rep - 1) % ${#cells[@]}))]} "$BENCH_SECONDS"
	done
done

# Correctness: nothing changed, nothing audited.
changed=$(bench_psql -At -c "SELECT (SELECT count(*) FROM safeguard.referral WHERE id BETWEEN $LO AND $HI AND state <> 'acknowledged')
	+ (SELECT count(*) FROM safeguard_bench.pl_referral WHERE id BETWEEN $LO AND $HI AND state <> 'acknowledged')")
audit_after=$(bench_psql -At -c 'SELECT (SELECT count(*) FROM safeguard.audit_event) + (SELECT count(*) FROM safeguard_bench.pl_audit)')
if [[ "$changed" != 0 || "$audit_after" != "$AUDIT_BEFORE" ]]; then
	echo "bench: WRONG: W2 changed $changed rows; audit rows $AUDIT_BEFORE before, $audit_after after" >&2
	exit 2
fi
bench_log "W2: correctness OK (every attempt refused with 42501, nothing changed or audited)"

echo "## W2: a rejected referral transition (wrong duty, 42501), latency per transaction"
echo
echo "$BENCH_REPS repetitions x ${BENCH_SECONDS} s per cell, both scripts in the same pgbench run;" \
	"median of each script's average latency; ratio = median over runs of safeguard / plpgsql (same run)."
echo
bench_header
for c in $CLIENTS; do
	for y in $SYNCS; do
		for s in safeguard plpgsql; do
			# shellcheck disable=SC2046
			med=$(bench_median $(awk -v c="$c" -v y="$y" -v s="$s" '$1 > 0 && $2 == c && $3 == y && $4 == s { print $5 }' "$BENCH_WORK/w2.results"))
			if [[ $s == safeguard ]]; then
				bench_row W2 "$c" "$y" safeguard "$(printf '%.3f ms' "$med")" - - -
				continue
			fi
			# shellcheck disable=SC2046
			ratio=$(printf '%.2f' "$(bench_median $(awk -v c="$c" -v y="$y" '$1 > 0 && $2 == c && $3 == y { lat[$1, $4] = $5; reps[$1] = 1 }
				END { for (r in reps) if (lat[r, "plpgsql"] > 0) printf "%.6f\n", lat[r, "safeguard"] / lat[r, "plpgsql"] }' "$BENCH_WORK/w2.results"))")
			bench_row W2 "$c" "$y" plpgsql "$(printf '%.3f ms' "$med")" "$ratio" "<= 1.0" "$(bench_verdict "$ratio" '<=' 1.0)"
		done
	done
done
