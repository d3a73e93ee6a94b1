#!/usr/bin/env bash
# bench/w7.sh: W7, audit appends through safeguard (hash-chained) against unchained appends of
# the same row shape, both in the same pgbench runs, at 1, 2, 8 and 16 clients.
#
#   chained    a correction of a referral's local authority contact through safeguard: the
#              guard, then one audit row appended to the case's chain (row lock, head read,
#              SHA-256, insert) (bench/w7/chained.sql)
#   unchained  the same correction on a plain copy plus an explicit INSERT of an audit row of
#              the same shape into a plain table with audit_event's indexes: no chain, no hash,
#              no guard (bench/w7/unchained.sql)
# Each client works on referrals of its own (distinct cases, so distinct chains): the question
# is whether chaining serialises writers that do not share a chain.  The ratio also carries
# the guard and the trigger machinery, so it is an upper bound on what the chain costs.  Both
# sides commit synchronously (audited transactions always do; the comparator is given the
# same durability): synchronous_commit = on.  Reported: median of each script's average
# latency, median of the per-run ratios chained / unchained.  Target (issue 8): at most 1.1 at
# 8 clients.  Afterwards: safeguard.verify_audit() must find nothing.
#
# Environment (see also bench/lib.sh):
#   SAFEGUARD_BENCH_W7_CLIENTS="1 2 8 16"   client counts (each needs its own referrals)
#   SAFEGUARD_BENCH_W7_PER=20               referrals per client
#
# Exit status: 0 benchmark ran (target met or not), 2 wrong results, 1 other error.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENTS=${SAFEGUARD_BENCH_W7_CLIENTS:-"1 2 8 16"}
PER=${SAFEGUARD_BENCH_W7_PER:-20}
WARMUP=2

bench_init "$@"
bench_require_int SAFEGUARD_BENCH_W7_PER "$PER"
maxc=1
for c in $CLIENTS; do bench_require_int SAFEGUARD_BENCH_W7_CLIENTS "$c"; ((c > maxc)) && maxc=$c; done
NEEDED=$((maxc * PER))
bench_db_create w7
bench_w1_setup "$NEEDED"
bench_log "W7: making $((NEEDED + 2)) referrals through the workflow"
bench_psql -c "CALL safeguard_bench.grow_pool($((NEEDED + 2)))"
bench_psql -c 'VACUUM ANALYZE' >/dev/null
LO=$(bench_psql -At -c 'SELECT pool_lo FROM safeguard_bench.pool')
# pgbench's client_id starts at 0
run_cell() {
	local rep=$1 clients=$2 secs=$3 out
	out=$(BENCH_ROLE=$OFFICER bench_pgbench "$clients" on "$secs" -D lo="$LO" -D per="$PER" \
		-f "$BENCH_DIR/w7/chained.sql@1" -f "$BENCH_DIR/w7/unchained.sql@1")
	while read -r path tps lat p99 n _; do
		echo "$rep $clients on $(basename "$path" .sql) $lat $tps $p99 $n" >>"$BENCH_WORK/w7.results"
		((rep > 0)) && printf '  rep %d  %2d clients  %-9s %8.3f ms  p99 %8.3f ms  %7.0f tps\n' \
			"$rep" "$clients" "$(basename "$path" .sql)" "$lat" "$p99" "$tps" >&2
	done <<<"$out"
	return 0
}

: >"$BENCH_WORK/w7.results"
read -r -a cells <<<"$CLIENTS"
bench_log "W7: warm-up (${WARMUP} s, not reported)"
run_cell 0 2 "$WARMUP"
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
	bench_log "W7: repetition $rep/$BENCH_REPS"
	for ((i = 0; i < ${#cells[@]}; i++)); do
		run_cell "$rep" "${cells[$(((i + rep - 1) % ${#cells[@]}))]}" "$BENCH_SECONDS"
	done
done

problems=$(bench_psql -At -c 'SELECT chain_key, chain_seq, problem FROM safeguard.verify_audit() LIMIT 5')
[[ -z "$problems" ]] || { echo "bench: WRONG: verify_audit(): $problems" >&2; exit 2; }
committed=$(awk '$4 == "chained" { n += $8 } END { print n + 0 }' "$BENCH_WORK/w7.results")
appended=$(bench_psql -At -c "SELECT count(*) FROM safeguard.audit_event WHERE table_name = 'referral' AND changes ? 'la_contact' AND from_state = 'acknowledged' AND to_state = 'acknowledged'")
# give or take the transactions in flight when a run's time was up (at most one per client)
inflight=$(awk '$4 == "chained" { n += $2 } END { print n + 0 }' "$BENCH_WORK/w7.results")
((appended >= committed && appended <= committed + inflight)) ||
	{ echo "bench: WRONG: $committed chained transactions committed (up to $inflight more in flight), $appended audit rows appended" >&2; exit 2; }
bench_log "W7: correctness OK ($appended chained appends, audit verified)"

echo "## W7: audit appends, chained (safeguard) vs unchained, synchronous_commit on"
echo
echo "$BENCH_REPS repetitions x ${BENCH_SECONDS} s per cell, both scripts in the same pgbench run, each client on" \
	"chains of its own; median of each script's average latency; ratio = median over runs of chained / unchained."
echo
bench_header
for c in $CLIENTS; do
	for s in chained unchained; do
		# shellcheck disable=SC2046
		med=$(bench_median $(awk -v c="$c" -v s="$s" '$1 > 0 && $2 == c && $4 == s { print $5 }' "$BENCH_WORK/w7.results"))
		if [[ $s == chained ]]; then
			bench_row W7 "$c" on "safeguard (chained)" "$(printf '%.3f ms' "$med")" - - -
			continue
		fi
		# shellcheck disable=SC2046
		ratio=$(printf '%.2f' "$(bench_median $(awk -v c="$c" '$1 > 0 && $2 == c { lat[$1, $4] = $5; reps[$1] = 1 }
			END { for (r in reps) if (lat[r, "unchained"] > 0) printf "%.6f\n", lat[r, "chained"] / lat[r, "unchained"] }' "$BENCH_WORK/w7.results"))")
		target=- met=-
		if [[ $c == 8 ]]; then target="<= 1.1"; met=$(bench_verdict "$ratio" '<=' 1.1); fi
		bench_row W7 "$c" on unchained "$(printf '%.3f ms' "$med")" "$ratio" "$target" "$met"
	done
done
