#!/usr/bin/env bash
# bench/sweep.sh: what a sweep costs when nothing is due (issue 19, target 1): the time of
# safeguard.sweep(1000) that fires nothing with SMALL (default 10,000) and then LARGE (default
# 100,000) open deadlines, and the ratio LARGE / SMALL (target: at most 1.5, and a few
# milliseconds in absolute terms).  Beside it, in the same session (a block after the sweeps), the
# candidate query of 1.4's sweep (bench/sweep/candidates_1_4.sql: every open, unpaused
# deadline's ladder read to its end, each rung's instant computed by the same C arithmetic,
# counted where due), which is what a 1.4 sweep that fired nothing did.
#
# The open deadlines are la_outcome deadlines (20 working days) of one authority, anchored
# over the ten days before the pinned clock (Monday 16 March 2026 12:00 UTC), so none has a
# rung due.  They are loaded as a restore loads rows (COPY FROM with session_replication_role =
# replica, by a superuser: the guards and the audit stand aside), then
# safeguard.rebuild_deadline_schedule() computes their schedule, timed: what a calendar change
# (a gov.uk import) costs at that many open deadlines.  Each size: one session (as the worker
# sweeps: one backend, warm), each comparator's warm-up then its calls, in blocks, each
# timed by psql's \timing (one statement in its own transaction, its commit included: sweep()
# records itself in sweep_health).  Reported: the
# median ms per call at each size, and the ratio of the medians LARGE / SMALL per comparator.
# Checks that every call fired nothing and the 1.4 query found nothing due.
#
# Environment (see also bench/lib.sh; SAFEGUARD_BENCH_SECONDS is not used here):
#   SAFEGUARD_BENCH_SWEEP_SMALL=10000     open deadlines first (quick mode: 2000)
#   SAFEGUARD_BENCH_SWEEP_LARGE=100000    then (quick mode: 20000)
#   SAFEGUARD_BENCH_SWEEP_CALLS=51        timed calls of sweep(1000) per size (quick mode: 5)
#   SAFEGUARD_BENCH_SWEEP_OLD_CALLS=5     timed runs of the 1.4 query per size (quick mode: 2)
#
# Exit status: 0 benchmark ran, 2 wrong results, 1 other error.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ((BENCH_QUICK)); then
	SMALL=${SAFEGUARD_BENCH_SWEEP_SMALL:-2000}
	LARGE=${SAFEGUARD_BENCH_SWEEP_LARGE:-20000}
	CALLS=${SAFEGUARD_BENCH_SWEEP_CALLS:-5}
	OLD_CALLS=${SAFEGUARD_BENCH_SWEEP_OLD_CALLS:-2}
else
	SMALL=${SAFEGUARD_BENCH_SWEEP_SMALL:-10000}
	LARGE=${SAFEGUARD_BENCH_SWEEP_LARGE:-100000}
	CALLS=${SAFEGUARD_BENCH_SWEEP_CALLS:-51}
	OLD_CALLS=${SAFEGUARD_BENCH_SWEEP_OLD_CALLS:-5}
fi
CLOCK='2026-03-16 12:00+00'

bench_init "$@"
bench_require_int SAFEGUARD_BENCH_SWEEP_SMALL "$SMALL"
bench_require_int SAFEGUARD_BENCH_SWEEP_LARGE "$LARGE"
bench_require_int SAFEGUARD_BENCH_SWEEP_CALLS "$CALLS"
bench_require_int SAFEGUARD_BENCH_SWEEP_OLD_CALLS "$OLD_CALLS"
((LARGE > SMALL)) || die "SAFEGUARD_BENCH_SWEEP_LARGE must exceed SAFEGUARD_BENCH_SWEEP_SMALL"
bench_db_create sweep

bench_psql -c "INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
               VALUES ('local_authority', 'Sweep bench council', 'SWEEP-LA', 'Dana Head', 'dana@sweep.example')" >/dev/null
ORG=$(bench_psql -At -c "SELECT id FROM safeguard.organisation WHERE code = 'SWEEP-LA'")
POLICY=$(bench_psql -At -c "SELECT id FROM safeguard.deadline_policy WHERE shipped")

# Loads open la_outcome deadlines for referrals $1..$2 (subject ids), as a restore does, then
# rebuilds the schedule; prints the rebuild's milliseconds.
load() {
	local from=$1 to=$2 out ms
	bench_psql -At -c "COPY (SELECT 'la_outcome', 'referral', g, $ORG, $POLICY,
	                          timestamptz '$CLOCK' - (g % 864000) * interval '1 second', 'england-and-wales'
	                        FROM generate_series($from, $to) g) TO STDOUT" |
		PGOPTIONS='-c session_replication_role=replica' bench_psql \
			-c "COPY safeguard.deadline (kind, subject_table, subject_id, organisation_id, policy_id, anchor_at, division) FROM STDIN"
	out=$(bench_psql <<SQL
SELECT safeguard.set_clock('$CLOCK') IS NOT NULL AS pinned \\gset
\\timing on
SELECT safeguard.rebuild_deadline_schedule();
SQL
	)
	ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n 1)
	bench_psql -c 'VACUUM ANALYZE safeguard.deadline, safeguard.deadline_schedule' >/dev/null
	echo "$ms"
}

SWEEP='SELECT safeguard.sweep(1000);'
OLD=$(grep -v '^--' "$BENCH_DIR/sweep/candidates_1_4.sql")
: >"$BENCH_WORK/sweep.results"
declare -A rebuild
# Times both comparators at $1 open deadlines in one session (as the worker sweeps: one
# backend, a transaction per call): a warm-up sweep and CALLS sweeps, then a warm-up run and
# OLD_CALLS runs of the old query (in blocks: a run of the old query, 0.1-0.7 s of reading,
# leaves the CPU caches cold for the sweep after it, which then takes 2-3x longer).  Appends "<size> <comparator> <ms>" lines to sweep.results.
measure() {
	local size=$1 i
	bench_log "sweep: $size open deadlines: $CALLS sweeps and $OLD_CALLS runs of the 1.4 query, one session"
	{
		echo "SELECT safeguard.set_clock('$CLOCK') IS NOT NULL AS pinned \\gset"
		echo 'SET jit = off;'
		echo '\timing on'
		echo '\echo W new'; echo "$SWEEP"
		for ((i = 0; i < CALLS; i++)); do echo '\echo M new'; echo "$SWEEP"; done
		echo '\echo W old'; echo "$OLD"
		for ((i = 0; i < OLD_CALLS; i++)); do echo '\echo M old'; echo "$OLD"; done
	} >"$BENCH_WORK/sweep_$size.sql"
	bench_psql -At -f "$BENCH_WORK/sweep_$size.sql" >"$BENCH_WORK/sweep_$size.out"
	awk -v z="$size" '/^[WM] (new|old)$/ { tag = $1; s = $2; res = ""; next }
		/^Time: / { if (tag == "M") print z, s, $2, res; next }
		{ res = $0 }' "$BENCH_WORK/sweep_$size.out" >"$BENCH_WORK/sweep_$size.parsed"
	[[ $(wc -l <"$BENCH_WORK/sweep_$size.parsed") == $((CALLS + OLD_CALLS)) ]] ||
		die "sweep: could not read the timings at $size: $(head -c 2000 "$BENCH_WORK/sweep_$size.out")"
	if awk '$4 != "0" { bad = 1 } END { exit !bad }' "$BENCH_WORK/sweep_$size.parsed"; then
		echo "bench: WRONG: sweep: a call at $size open deadlines fired or found something due" >&2
		exit 2
	fi
	awk '{ print $1, $2, $3 }' "$BENCH_WORK/sweep_$size.parsed" >>"$BENCH_WORK/sweep.results"
	awk '{ printf "  rep %7d open  %-3s %10.3f ms\n", $1, $2, $3 }' "$BENCH_WORK/sweep_$size.parsed" >&2
}

bench_log "sweep: loading $SMALL open deadlines"
rebuild[$SMALL]=$(load 1 "$SMALL")
measure "$SMALL"
bench_log "sweep: loading $((LARGE - SMALL)) more"
rebuild[$LARGE]=$(load $((SMALL + 1)) "$LARGE")
measure "$LARGE"

# Correctness: every open deadline has its schedule row; none is due; the sweeps recorded themselves.
rows=$(bench_psql -At -c "SELECT count(*) FROM safeguard.deadline_schedule WHERE next_fire_at > '$CLOCK'")
[[ "$rows" == "$LARGE" ]] || { echo "bench: WRONG: sweep: $rows schedule rows in the future, expected $LARGE" >&2; exit 2; }
swept=$(bench_psql -At -c "SELECT sweeps FROM safeguard.sweep_health")
[[ "$swept" == $((2 * (CALLS + 1))) ]] || { echo "bench: WRONG: sweep_health counts $swept sweeps, expected $((2 * (CALLS + 1)))" >&2; exit 2; }
bench_log "sweep: correctness OK ($rows deadlines scheduled, none due; every call fired nothing; $swept sweeps recorded)"

med() { # size comparator
	# shellcheck disable=SC2046
	bench_median $(awk -v z="$1" -v s="$2" '$1 == z && $2 == s { print $3 }' "$BENCH_WORK/sweep.results")
}
echo "## Sweep: sweep(1000) firing nothing, $SMALL and $LARGE open deadlines"
echo
echo "One session per size (warm, as the worker); each call one statement in its own transaction (commit included), timed by psql; $CALLS calls" \
	"of sweep(1000), then $OLD_CALLS runs of 1.4's candidate query, per size, each after a warm-up;" \
	"median ms per call. ratio: median at $LARGE / median at $SMALL (target <= 1.5)."
echo
bench_header
for s in new old; do
	name=$([[ $s == new ]] && echo 'sweep(1000), schedule' || echo '1.4 candidate query')
	small=$(med "$SMALL" "$s")
	large=$(med "$LARGE" "$s")
	ratio=$(bench_ratio "$large" "$small")
	bench_row "Sweep, $SMALL open" 1 on "$name" "$(printf '%.3f ms' "$small")" - - -
	if [[ $s == new ]]; then
		bench_row "Sweep, $LARGE open" 1 on "$name" "$(printf '%.3f ms' "$large")" "$ratio" "<= 1.5 (vs $SMALL)" \
			"$(bench_verdict "$ratio" '<=' 1.5)"
	else
		bench_row "Sweep, $LARGE open" 1 on "$name" "$(printf '%.3f ms' "$large")" "$ratio" - -
	fi
done
echo
printf 'at %d open: sweep(1000) %.3f ms, 1.4 query %.1f ms (%.0fx)\n' "$LARGE" "$(med "$LARGE" new)" \
	"$(med "$LARGE" old)" "$(awk -v a="$(med "$LARGE" old)" -v b="$(med "$LARGE" new)" 'BEGIN { print a / b }')"
printf 'rebuild_deadline_schedule() (what a calendar change costs): %.0f ms at %d open, %.0f ms at %d open\n' \
	"${rebuild[$SMALL]}" "$SMALL" "${rebuild[$LARGE]}" "$LARGE"
