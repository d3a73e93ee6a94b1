#!/usr/bin/env bash
# bench/w6.sh: W6, the sweep of 100,000 breaches while W1 runs: W1's p99 latency alone and
# during the sweep.
#
# Data: a history from bench/volume (SCALE 0.01 by default: 16,000 cases of a decade, with
# their open work), W1's pool (bench/w1/setup.sql: acknowledged referrals of one authority,
# grown through the real workflow) and, before each sweep, a backlog bulk-loaded by
# bench/volume (sg_vol.backlog_range): referrals sent 75 days ago and never acknowledged, each
# with three open deadlines (la_acknowledgement, la_outcome, la_outcome_escalation) whose
# three rungs (due_soon, breach, escalate) are all due: 33,334 referrals = 100,002 breaches
# (300,006 rungs).  Every rung due before the runs is swept first.
#
# Each repetition, interleaved:
#   alone   W1 (bench/w1/safeguard.sql, the officer deciding referrals, CLIENTS clients,
#           synchronous_commit on) for SAFEGUARD_BENCH_SECONDS with no sweep
#   busy    a comparator: W1 runs next to a session that only counts a
#           series in SQL over and over: what any CPU-bound third session costs W1 here
#   sweep   the backlog is loaded; a session calls safeguard.sweep() in a loop (batches of
#           BATCH rungs, 1000 being what the background worker asks for); one second later
#           W1 runs for SAFEGUARD_BENCH_SECONDS; then the loop stops and what is left of the
#           backlog is swept in one call (timed, not under W1)
# Reported: the median over repetitions of W1's p99 latency (from pgbench --log) in each, the
# ratio sweep / alone (target <= 1.10: "W1's p99 latency rises at most 10%") and busy / alone,
# W1's throughput,
# and the sweep's throughput in breaches per second while W1 ran and in the final bulk call.
#
# Environment (see also bench/lib.sh):
#   SAFEGUARD_BENCH_W6_CLIENTS=2         W1 clients
#   SAFEGUARD_BENCH_W6_BREACHES=100000   breaches per sweep (a third as many referrals)
#   SAFEGUARD_BENCH_W6_BATCH=1000        max_rungs of each sweep() call during W1
#   SAFEGUARD_BENCH_W6_SCALE=0.01        history volume (QUICK: 0.001)
#
# Exit status: 0 benchmark ran (targets met or not), 2 wrong results (a broken audit chain, a
# rung fired twice), 1 other error.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENTS=${SAFEGUARD_BENCH_W6_CLIENTS:-2}
BATCH=${SAFEGUARD_BENCH_W6_BATCH:-1000}
if ((BENCH_QUICK)); then
	BREACHES=${SAFEGUARD_BENCH_W6_BREACHES:-10000}
	SCALE=${SAFEGUARD_BENCH_W6_SCALE:-0.001}
else
	BREACHES=${SAFEGUARD_BENCH_W6_BREACHES:-100000}
	SCALE=${SAFEGUARD_BENCH_W6_SCALE:-0.01}
fi

bench_init "$@"
bench_require_int SAFEGUARD_BENCH_W6_CLIENTS "$CLIENTS"
bench_require_int SAFEGUARD_BENCH_W6_BATCH "$BATCH"
bench_require_int SAFEGUARD_BENCH_W6_BREACHES "$BREACHES"
REFERRALS=$(((BREACHES + 2) / 3))
bench_db_create w6
AS_OF="$(date -u +%Y-%m-%d) 00:00+00"

bench_admin_psql -At -c "SELECT rolname FROM pg_roles" >"$BENCH_WORK/roles.before"
bench_log "W6: history (scale $SCALE)"
PGDATABASE=$BENCH_DB VOLUME_SCALE=$SCALE VOLUME_AS_OF=$AS_OF \
	"$BENCH_DIR/volume/load.sh" --part all 2>&1 | grep '^volume:' | sed 's/^/bench: W6 /' >&2
# the generator's roles are the cluster's: those this run created are dropped at exit
while read -r r; do
	grep -qxF "$r" "$BENCH_WORK/roles.before" || bench_drop_role_at_exit "$r"
done < <(bench_psql -At -c "SELECT role FROM sg_vol.actor")

bench_w1_setup 0 no-comparators
NEED=3000

# Grows W1's pool until at least NEED referrals are left.
ensure_pool() {
	bench_w1_ensure_pool "$NEED" W6 safeguard_bench.next_sg \
		"safeguard.referral, safeguard.deadline, safeguard.audit_event"
}

# Sweeps every due rung in one call; prints how many fired and the seconds it took.
drain() {
	local t0 n
	t0=$(date +%s.%N)
	n=$(bench_psql -At -c "SELECT safeguard.sweep(2000000000)")
	echo "$n $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
}

# Counts the breach rungs fired so far.
breaches() {
	bench_psql -At -c "SELECT count(*) FROM safeguard.deadline_alert WHERE rung = 'breach'"
}

# One W1 run of $1 seconds (the pool grown first); prints "<tps> <p99 ms> <transactions>".
w1_run() {
	local s tps lat p99 n f
	ensure_pool
	read -r s tps lat p99 n f < <(BENCH_ROLE=$OFFICER bench_pgbench "$CLIENTS" on "$1" -f "$BENCH_DIR/w1/safeguard.sql")
	echo "$tps $p99 $n"
}

# Raises NEED to twice what a SECONDS-long run would use at the rate $1 (transactions per
# second, as pgbench reports it) of a run so far: the fastest run sizes the pool, so that a
# quiet machine does not run it dry.
need_for() {
	local need
	need=$(awk -v r="$1" -v s="$BENCH_SECONDS" 'BEGIN { printf "%d", r * s * 2 + 1 }')
	((need > NEED)) && NEED=$need
	return 0
}

read -r n secs < <(drain)
bench_log "W6: swept the history's due rungs first: $n in $secs s"
bench_log "W6: warm-up run of W1 (not reported)"
ensure_pool
# A fixed number of transactions (1000 per client, within the first pool), whatever the rate.
read -r tps _ _ < <(w1_run t1000)
need_for "$tps"

# Runs W1 for SECONDS next to a session that runs the SQL $2 over and over, starting one
# second before W1 and stopping after it (or as soon as the SQL returns 0); prints
# "<tps> <p99 ms> <transactions> <calls> <seconds the loop ran>".  $1 names the run's files.
w1_beside() {
	local tag=$1 sql=$2 stop=$BENCH_WORK/stop.$1 loop tps p99 n
	(
		t0=$(date +%s.%N)
		calls=0
		while [[ ! -e "$stop" ]]; do
			k=$(bench_psql -At -c "$sql")
			calls=$((calls + 1))
			[[ "$k" != 0 ]] || break
		done
		echo "$calls $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" >"$BENCH_WORK/loop.$tag"
	) &
	loop=$!
	sleep 1
	read -r tps p99 n < <(w1_run "$BENCH_SECONDS")
	touch "$stop"
	wait "$loop"
	echo "$tps $p99 $n $(cat "$BENCH_WORK/loop.$tag")"
}

: >"$BENCH_WORK/w6.results"
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
	read -r tps p99 n < <(w1_run "$BENCH_SECONDS")
	need_for "$tps"
	echo "$rep alone $tps $p99 $n" >>"$BENCH_WORK/w6.results"
	bench_log "W6: rep $rep: W1 alone: p99 $p99 ms, $tps tps"

	# Comparator: the same W1 run next to a session that only keeps a core busy (a series
	# counted in SQL, over and over: no safeguard function, no lock, no write).  What any
	# CPU-bound third session costs W1 on this machine, to set the sweep's figure against.
	read -r tps p99 n _ < <(w1_beside "busy.$rep" "SELECT count(*) FROM pg_catalog.generate_series(1, 3000000)")
	need_for "$tps"
	echo "$rep busy $tps $p99 $n" >>"$BENCH_WORK/w6.results"
	bench_log "W6: rep $rep: W1 next to a CPU-bound session: p99 $p99 ms, $tps tps"

	read -r lo hi < <(bench_psql -At -F ' ' -c "SELECT * FROM sg_vol.backlog_range($REFERRALS)")
	t=$SECONDS
	bench_psql -c "CALL sg_vol.load($lo, $hi, 20000)" -c "ANALYZE safeguard.deadline" >/dev/null 2>&1
	due=$(bench_psql -At -c "SELECT count(*) FROM safeguard.deadline WHERE status = 'open' AND kind LIKE 'la_%' AND subject_id >= 3::bigint * ($lo - 1) + 1 AND subject_table = 'referral'")
	bench_log "W6: rep $rep: backlog of $((hi - lo + 1)) referrals ($due open deadlines, a breach each) loaded in $((SECONDS - t)) s"
	ensure_pool
	b0=$(breaches)
	read -r tps p99 n calls swept_secs < <(w1_beside "sweep.$rep" "SELECT safeguard.sweep($BATCH)")
	need_for "$tps"
	b1=$(breaches)
	read -r rest rest_secs < <(drain)
	b2=$(breaches)
	during=$(awk -v b="$((b1 - b0))" -v s="$swept_secs" 'BEGIN { printf "%.0f", b / s }')
	bulk=$(awk -v b="$((b2 - b1))" -v s="$rest_secs" 'BEGIN { if (s > 0 && b > 0) printf "%.0f", b / s; else print "nan" }')
	echo "$rep sweep $tps $p99 $n $((b1 - b0)) $swept_secs $calls $during $((b2 - b1)) $rest_secs $bulk" >>"$BENCH_WORK/w6.results"
	bench_log "W6: rep $rep: W1 during the sweep: p99 $p99 ms, $tps tps; sweep($BATCH) x $calls: $((b1 - b0)) breaches in $swept_secs s ($during/s); the rest in one call: $((b2 - b1)) breaches ($rest rungs) in $rest_secs s ($bulk/s)"
	((b2 - b0 == due)) || bench_log "W6: warning: $((b2 - b0)) breaches fired for $due overdue deadlines"
done

status=0
twice=$(bench_psql -At -c "SELECT count(*) FROM (SELECT deadline_id, rung FROM safeguard.deadline_alert GROUP BY 1, 2 HAVING count(*) > 1) x")
bad=$(bench_psql -At -c "SELECT count(*) FROM safeguard.verify_audit()")
if [[ "$twice" != 0 || "$bad" != 0 ]]; then
	bench_log "W6: WRONG: $twice rungs fired twice, verify_audit() reports $bad broken rows"
	status=2
fi

col() { awk -v k="$1" -v c="$2" '$2 == k { print $c }' "$BENCH_WORK/w6.results"; }
# shellcheck disable=SC2046
p_alone=$(bench_median $(col alone 4))
# shellcheck disable=SC2046
p_sweep=$(bench_median $(col sweep 4))
# shellcheck disable=SC2046
t_alone=$(bench_median $(col alone 3))
# shellcheck disable=SC2046
t_sweep=$(bench_median $(col sweep 3))
# shellcheck disable=SC2046
rate=$(bench_median $(col sweep 9))
# shellcheck disable=SC2046
bulk=$(bench_median $(col sweep 12))
ratio=$(bench_ratio "$p_sweep" "$p_alone")
# shellcheck disable=SC2046
p_busy=$(bench_median $(col busy 4))
bench_log "W6: W1 throughput $(printf '%.0f' "$t_alone") tps alone, $(printf '%.0f' "$t_sweep") tps during the sweep; sweep $rate breaches/s during W1 (sweep($BATCH) batches), $bulk breaches/s in one call afterwards"
bench_row "W6 W1 p99 during sweep" "$CLIENTS" on "safeguard, sweeping" "$(printf '%.3f ms' "$p_sweep")" - - -
bench_row "W6 W1 p99 during sweep" "$CLIENTS" on "W1 alone" "$(printf '%.3f ms' "$p_alone")" "$ratio" "<= 1.10" "$(bench_verdict "$ratio" '<=' 1.10)"
bench_row "W6 W1 p99 next to a CPU-bound session" "$CLIENTS" on "W1 alone" "$(printf '%.3f ms' "$p_busy")" "$(bench_ratio "$p_busy" "$p_alone")" - -
bench_row "W6 sweep throughput" 1 - "during W1, sweep($BATCH)" "$rate breaches/s" - - -
bench_row "W6 sweep throughput" 1 - "one call, after W1" "$bulk breaches/s" - - -
exit "$status"
