#!/usr/bin/env bash
# bench/w5.sh: W5, the overdue views and the indicator views at 10% and at 100% of the closed
# history, on one database.
#
# Data: bench/volume (seeded, deterministic): 150 local authorities, 5,000 providers and, at
# SCALE 1.0, a decade of casework (1.6M cases, 2M concerns, ~960,000 referrals, every deadline and
# audit row the workflow writes).  First the newest 10% of the cases is loaded (the last year:
# all the open work and a year of closed history), the views are timed; then the older 90% is
# added (closed history only: the open work is the same) and they are timed again.
#
# Views, each as the role a user would have (sessions SET ROLE to the generator's roles):
#   deadlines_overdue (LA)      a local authority officer's overdue deadlines (vol_la1_hub)
#   deadlines_overdue (CQC)     the contact centre's overdue deadlines (vol_cc1)
#   report_send_queue           the send queue, every authority (vol_cc1)
#   report_la_outcomes_outstanding   the chase list, every authority (vol_cc1)
#   report_kpi                  the dashboard's 12-month headline (vol_reader: the regulator's
#                               performance team, reads every authority)
#   report_indicators (12 months)        WHERE month >= this month - 11 months, as a BI tool asks
#   report_indicator_events (12 months)  the same 12 months on the drill-down view, filtered on
#                               received_at as its column comment advises (from 1.2)
#   before: ...                 what issue 19 changed, as it was (bench/w5/before.sql), in
#                               the same run: report_indicators, sac_return
#   before: report_repeat_concerns, report_data_quality   as they were (all history), beside
#                               repeat_concerns(the 12 months' start, NULL) and the new
#                               report_data_quality (the last 12 months), checked to give the
#                               old views' rows (the 12 months; data_quality(NULL, NULL))
#   report_data_quality, report_feedback, report_provider_enquiries,
#   report_unallocated, sac_return (this reporting year)   as the reader (issue 19, target 2);
#                               report_feedback filtered to the last 12 months by outcome_at as
#                               a dashboard reads it, and unfiltered (a row per referral with an
#                               outcome: its output is the history, so it grows with it)
# Each query runs once to warm up, then SAFEGUARD_BENCH_REPS times (at least 3), first with
# jit = off (the setting README.md recommends for a casework database), then with PostgreSQL's
# default jit = on; reported for each: the median time at 10% and at 100%, ratio t100 / t10,
# target <= 1.5 (the issue: "time grows at most 1.5x when closed history grows 10x").  Under
# row-level security the planner's row estimates grow with the tables, not with the rows a
# query returns, so at volume the estimated cost crosses jit_above_cost and a query of a few
# milliseconds spends hundreds compiling: the jit = on rows show how much.  The plans (EXPLAIN ANALYZE, BUFFERS) of both
# phases are written to the work directory (kept with SAFEGUARD_BENCH_KEEP=1) and, when
# SAFEGUARD_BENCH_W5_PLANS names a directory, copied there.
#
# Environment (see also bench/lib.sh):
#   SAFEGUARD_BENCH_W5_SCALE=0.1    volume scale (1.0 = the issue's size; QUICK: 0.01)
#   SAFEGUARD_BENCH_W5_SEED=1       generator seed
#   SAFEGUARD_BENCH_W5_VERIFY=0     1: also time safeguard.verify_audit() over the whole trail
#   SAFEGUARD_BENCH_W5_PLANS=       a directory to copy the plans to
#   SAFEGUARD_BENCH_W5_JIT="off on" the jit settings to time (each a pass over every query)
#   SAFEGUARD_BENCH_W5_SQL=         more SQL files to run (as a superuser) before loading, e.g. to
#                                   try an index on an installed version that lacks it
#
# Exit status: 0 benchmark ran (targets met or not), 2 wrong results (a broken audit chain),
# 1 other error.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ((BENCH_QUICK)); then SCALE=${SAFEGUARD_BENCH_W5_SCALE:-0.01}; else SCALE=${SAFEGUARD_BENCH_W5_SCALE:-0.1}; fi
SEED=${SAFEGUARD_BENCH_W5_SEED:-1}
VERIFY=${SAFEGUARD_BENCH_W5_VERIFY:-0}
JITS=${SAFEGUARD_BENCH_W5_JIT:-"off on"}
REPS=$BENCH_REPS
((REPS >= 3)) || REPS=3
((BENCH_QUICK)) && REPS=1

bench_init "$@"
bench_require_int SAFEGUARD_BENCH_W5_SEED "$SEED"
bench_db_create w5
AS_OF="$(date -u +%Y-%m-%d) 00:00+00"
for f in "$BENCH_DIR/w5/before.sql" ${SAFEGUARD_BENCH_W5_SQL:-}; do
	bench_log "W5: running $f"
	bench_psql -f "$f" >/dev/null
done
SAC_THIS_YEAR="sac_return(pg_catalog.date_part('year', current_date - 90)::integer)"
FEEDBACK_FILTER="outcome_at >= (date_trunc('month', current_date) - interval '11 months')::date::timestamptz"
PERIOD_START="(date_trunc('month', current_date) - interval '11 months')::date::timestamptz"
EVENTS_FILTER="received_at >= $PERIOD_START"

# name | role | query
QUERIES=(
	"deadlines_overdue (LA)|vol_la1_hub|SELECT * FROM safeguard.deadlines_overdue"
	"deadlines_overdue (CQC)|vol_cc1|SELECT * FROM safeguard.deadlines_overdue"
	"report_send_queue|vol_cc1|SELECT * FROM safeguard.report_send_queue"
	"report_la_outcomes_outstanding|vol_cc1|SELECT * FROM safeguard.report_la_outcomes_outstanding"
	"report_kpi|vol_reader|SELECT * FROM safeguard.report_kpi"
	"report_indicators (12 months)|vol_reader|SELECT * FROM safeguard.report_indicators WHERE month >= (date_trunc('month', current_date) - interval '11 months')::date"
	"report_indicator_events (12 months)|vol_reader|SELECT * FROM safeguard.report_indicator_events WHERE $EVENTS_FILTER"
	"repeat_concerns (12 months)|vol_reader|SELECT * FROM safeguard.repeat_concerns($PERIOD_START, NULL)"
	"before: report_repeat_concerns (12 months)|vol_reader|SELECT * FROM sg_w5_before.report_repeat_concerns WHERE $EVENTS_FILTER"
	"before: report_indicators (12 months)|vol_reader|SELECT * FROM sg_w5_before.report_indicators WHERE month >= (date_trunc('month', current_date) - interval '11 months')::date"
	"report_data_quality (the last 12 months)|vol_reader|SELECT * FROM safeguard.report_data_quality"
	"before: report_data_quality (all time)|vol_reader|SELECT * FROM sg_w5_before.report_data_quality"
	"report_feedback (12 months by outcome_at)|vol_reader|SELECT * FROM safeguard.report_feedback WHERE $FEEDBACK_FILTER"
	"report_feedback (all: grows with its output)|vol_reader|SELECT * FROM safeguard.report_feedback"
	"report_provider_enquiries|vol_reader|SELECT * FROM safeguard.report_provider_enquiries"
	"report_unallocated|vol_reader|SELECT * FROM safeguard.report_unallocated"
	"sac_return (this year)|vol_reader|SELECT * FROM safeguard.$SAC_THIS_YEAR"
	"before: sac_return (this year)|vol_reader|SELECT * FROM sg_w5_before.$SAC_THIS_YEAR"
)

# Loads a part of the volume (recent, rest), logging its time.
load_part() {
	PGDATABASE=$BENCH_DB VOLUME_SCALE=$SCALE VOLUME_SEED=$SEED VOLUME_AS_OF=$AS_OF \
		"$BENCH_DIR/volume/load.sh" --part "$1" 2>&1 | grep '^volume:' | sed 's/^/bench: W5 /' >&2
}

# Times every query: $1 the phase (10 or 100), $2 jit (off or on).  Appends "<tag> <index>
# <ms>" to w5.times, the tag being the phase with a "j" appended for jit on, and writes the
# plans to w5_plans_<tag>.txt.
measure() {
	local phase=$1 jit=$2 tag=$1 i name role sql k
	[[ $jit == on ]] && tag=${phase}j
	for ((i = 0; i < ${#QUERIES[@]}; i++)); do
		IFS='|' read -r name role sql <<<"${QUERIES[$i]}"
		{
			echo "SET ROLE $role;"
			echo "SET jit = $jit;"
			printf '%s\n' '\o /dev/null'
			printf '%s\n' '\timing on'
			for ((k = 0; k <= REPS; k++)); do echo "$sql;"; done
		} | bench_psql 2>&1 | awk '/^Time: / { print $2 }' | tail -n "$REPS" |
			sed "s/^/$tag $i /" >>"$BENCH_WORK/w5.times"
		{
			echo "== $name ($role), ${phase}% of the history, jit = $jit"
			bench_psql -c "SET ROLE $role" -c "SET jit = $jit" -c "EXPLAIN (ANALYZE, BUFFERS) $sql"
			echo
		} >>"$BENCH_WORK/w5_plans_$tag.txt" 2>&1
		bench_log "W5 ${phase}%, jit $jit: $name: median $(median_of "$tag" "$i") ms"
	done
}

# Prints the median time in ms of query $2 under tag $1 (10, 100, 10j, 100j).
median_of() {
	# shellcheck disable=SC2046
	bench_median $(awk -v p="$1" -v q="$2" '$1 == p && $2 == q { print $3 }' "$BENCH_WORK/w5.times")
}

# Prints a time in ms with a unit that suits it.
fmt_ms() {
	awk -v m="$1" 'BEGIN { if (m >= 1000) printf "%.2f s\n", m / 1000; else printf "%.1f ms\n", m }'
}

# Prints the closed and open cases, referrals and audit rows now loaded.
census() {
	bench_psql -At -F ' ' -c "SELECT
		(SELECT count(*) FROM safeguard.safeguarding_case WHERE state = 'closed'),
		(SELECT count(*) FROM safeguard.safeguarding_case WHERE state = 'open'),
		(SELECT count(*) FROM safeguard.referral),
		(SELECT count(*) FROM safeguard.deadline WHERE status = 'open'),
		(SELECT count(*) FROM safeguard.audit_event),
		pg_size_pretty(pg_database_size(current_database()))"
}

: >"$BENCH_WORK/w5.times"
bench_admin_psql -At -c "SELECT rolname FROM pg_roles" >"$BENCH_WORK/roles.before"
bench_log "W5: scale $SCALE, seed $SEED, history up to $AS_OF; loading the newest 10% of the cases"
t=$SECONDS
load_part recent
read -r closed10 open10 ref10 dl10 audit10 size10 < <(census)
bench_log "W5: 10%: $closed10 closed cases, $open10 open, $ref10 referrals, $dl10 open deadlines, $audit10 audit rows, $size10 ($((SECONDS - t)) s)"
# the generator's roles are the cluster's: those this run created are dropped at exit
while read -r r; do
	grep -qxF "$r" "$BENCH_WORK/roles.before" || bench_drop_role_at_exit "$r"
done < <(bench_psql -At -c "SELECT role FROM sg_vol.actor")
for jit in $JITS; do measure 10 "$jit"; done

bench_log "W5: adding the older 90% of the cases"
t=$SECONDS
load_part rest
read -r closed100 open100 ref100 dl100 audit100 size100 < <(census)
bench_log "W5: 100%: $closed100 closed cases, $open100 open, $ref100 referrals, $dl100 open deadlines, $audit100 audit rows, $size100 ($((SECONDS - t)) s)"
[[ "$open10" == "$open100" && "$dl10" == "$dl100" ]] ||
	bench_log "W5: warning: the open work changed between the phases ($open10/$open100 cases, $dl10/$dl100 deadlines)"
for jit in $JITS; do measure 100 "$jit"; done

status=0
# The changed views and functions must give exactly what they gave before (as the reader,
# whole history).
for v in report_indicators "$SAC_THIS_YEAR"; do
	diff=$(bench_psql -At -c "SET ROLE vol_reader" -c "SELECT count(*) FROM (
		(SELECT * FROM safeguard.$v EXCEPT ALL SELECT * FROM sg_w5_before.$v)
		UNION ALL (SELECT * FROM sg_w5_before.$v EXCEPT ALL SELECT * FROM safeguard.$v)) d")
	if [[ "$diff" != 0 ]]; then
		bench_log "W5: $v differs from its definition before issue 19 in $diff rows"
		status=2
	else
		bench_log "W5: $v gives exactly the rows of its definition before issue 19"
	fi
done
# The periods of repeat_concerns and data_quality: exactly the old views' rows (the 12 months
# as W5 times them; data_quality with no period, every row).
for pair in "safeguard.repeat_concerns($PERIOD_START, NULL)|sg_w5_before.report_repeat_concerns WHERE $EVENTS_FILTER" \
	"safeguard.data_quality(NULL, NULL)|sg_w5_before.report_data_quality"; do
	IFS='|' read -r new old <<<"$pair"
	diff=$(bench_psql -At -c "SET ROLE vol_reader" -c "SELECT count(*) FROM (
		(SELECT * FROM $new EXCEPT ALL SELECT * FROM $old)
		UNION ALL (SELECT * FROM $old EXCEPT ALL SELECT * FROM $new)) d")
	if [[ "$diff" != 0 ]]; then
		bench_log "W5: $new differs from $old in $diff rows"
		status=2
	else
		bench_log "W5: $new gives exactly the rows of $old"
	fi
done
if ((VERIFY)); then
	t=$SECONDS
	bad=$(bench_psql -At -c "SELECT count(*) FROM safeguard.verify_audit()")
	bench_log "W5: verify_audit() over $audit100 audit rows: $((SECONDS - t)) s, $([[ $bad == 0 ]] && echo 'every chain intact' || echo BROKEN)"
	[[ "$bad" == 0 ]] || status=2
fi
if [[ -n "${SAFEGUARD_BENCH_W5_PLANS:-}" ]]; then
	mkdir -p "$SAFEGUARD_BENCH_W5_PLANS"
	cp "$BENCH_WORK"/w5_plans_*.txt "$SAFEGUARD_BENCH_W5_PLANS"/
fi

bench_log "W5: closed cases $closed10 -> $closed100 ($(bench_ratio "$closed100" "$closed10")x); results:"
for jit in $JITS; do
	j=''
	[[ $jit == on ]] && j=j
	for ((i = 0; i < ${#QUERIES[@]}; i++)); do
		IFS='|' read -r name _ _ <<<"${QUERIES[$i]}"
		m10=$(median_of "10$j" "$i")
		m100=$(median_of "100$j" "$i")
		ratio=$(bench_ratio "$m100" "$m10")
		bench_row "W5 $name, jit $jit" 1 - "safeguard, 100% history" "$(fmt_ms "$m100")" - - -
		bench_row "W5 $name, jit $jit" 1 - "10% history" "$(fmt_ms "$m10")" "$ratio" "<= 1.5" "$(bench_verdict "$ratio" '<=' 1.5)"
	done
done
exit "$status"
