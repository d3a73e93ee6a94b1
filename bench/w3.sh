#!/usr/bin/env bash
# bench/w3.sh: W3, one UPDATE statement touching N rows (default 100,000) through safeguard
# against the same statement on the comparators, timed in the same session, interleaved.
#
# The statement: the recipient authority's officer corrects the local authority contact of N
# acknowledged referrals at once (a correction, so it can be repeated on the same rows):
#   safeguard  UPDATE safeguard.referral: per row the C guard and one audit row appended to the
#              row's case chain (row lock, head read, SHA-256); one synchronous commit
#   bare       the same UPDATE on a plain copy (no trigger)
#   floor      the same UPDATE plus an explicit INSERT of one audit row per row (a writable
#              CTE), no check, no chain, no hash
#   plpgsql    the same UPDATE on the copy guarded and audited in PL/pgSQL
# The N rows are clones of referrals made through the workflow (bench/w3/clone.sql), spread
# over the pool's cases (SAFEGUARD_BENCH_W3_CASES of them), copied to every comparator.  Each
# repetition runs the four statements in rotating order, each after a VACUUM and a CHECKPOINT
# (untimed), timed by psql's \timing (commit included).  Reported: the median seconds and the
# median of the per-repetition ratios safeguard / comparator.  The issue sets no target.
#
# Environment (see also bench/lib.sh; SAFEGUARD_BENCH_SECONDS is not used here):
#   SAFEGUARD_BENCH_W3_ROWS=100000   rows per statement (quick mode: 10000)
#   SAFEGUARD_BENCH_W3_CASES=300     distinct cases (audit chains) the rows belong to
#
# Exit status: 0 benchmark ran, 2 wrong results, 1 other error.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ((BENCH_QUICK)); then ROWS=${SAFEGUARD_BENCH_W3_ROWS:-10000}; else ROWS=${SAFEGUARD_BENCH_W3_ROWS:-100000}; fi
CASES=${SAFEGUARD_BENCH_W3_CASES:-300}
COMPARATORS=(safeguard bare floor plpgsql)

bench_init "$@"
bench_require_int SAFEGUARD_BENCH_W3_ROWS "$ROWS"
bench_require_int SAFEGUARD_BENCH_W3_CASES "$CASES"
bench_db_create w3
bench_w1_setup 1
bench_log "W3: making $CASES referrals through the workflow, then $ROWS clones of them"
bench_psql -c "CALL safeguard_bench.grow_pool($CASES)"
read -r _ LO HI < <(bench_psql -At -v rows="$ROWS" -f "$BENCH_DIR/w3/clone.sql" | grep '^w3_range ')
[[ "$LO" =~ ^[0-9]+$ && "$HI" =~ ^[0-9]+$ && $((HI - LO + 1)) == "$ROWS" ]] || die "W3: cloning gave ids '$LO'..'$HI'"
bench_psql -c 'VACUUM ANALYZE' >/dev/null

# Prints the statement of comparator $1 for repetition $2.
statement() {
	local set="la_contact = 'W3 repetition $2'" where="id BETWEEN $LO AND $HI"
	case $1 in
	safeguard) echo "UPDATE safeguard.referral SET $set WHERE $where;" ;;
	bare) echo "UPDATE safeguard_bench.bare_referral SET $set WHERE $where;" ;;
	plpgsql) echo "UPDATE safeguard_bench.pl_referral SET $set WHERE $where;" ;;
	floor) cat <<SQL
WITH u AS (UPDATE safeguard_bench.floor_referral r SET $set WHERE r.$where RETURNING r.id, r.case_id, r.la_contact)
INSERT INTO safeguard_bench.floor_audit (recorded_at, business_time, txid, login_role, acting_role,
    organisation_id, duty, table_name, row_key, case_id, action, from_state, to_state, changes,
    application_name, client_addr)
SELECT clock_timestamp(), now(), pg_current_xact_id(), session_user, current_user, NULL, 'la_officer',
       'referral', u.id::text, u.case_id, 'UPDATE', 'acknowledged', 'acknowledged',
       jsonb_build_object('la_contact', jsonb_build_object('old', NULL, 'new', u.la_contact)),
       current_setting('application_name'), inet_client_addr()
  FROM u;
SQL
		;;
	esac
}

: >"$BENCH_WORK/w3.results"
n=${#COMPARATORS[@]}
for ((rep = 0; rep <= BENCH_REPS; rep++)); do
	if ((rep == 0)); then bench_log "W3: warm-up round (not reported)"; else bench_log "W3: repetition $rep/$BENCH_REPS"; fi
	for ((i = 0; i < n; i++)); do
		s=${COMPARATORS[$(((i + rep) % n))]}
		bench_psql -c 'VACUUM safeguard.referral, safeguard.audit_event, safeguard_bench.bare_referral, safeguard_bench.floor_referral, safeguard_bench.floor_audit, safeguard_bench.pl_referral, safeguard_bench.pl_audit' -c CHECKPOINT >/dev/null
		out=$(bench_psql -v ON_ERROR_STOP=1 <<SQL
SET synchronous_commit = on;
SET ROLE "$OFFICER";
\\timing on
$(statement "$s" "$rep")
SQL
		)
		ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n 1)
		[[ -n "$ms" ]] || die "W3: no timing for $s: $out"
		echo "$rep $s $ms" >>"$BENCH_WORK/w3.results"
		((rep > 0)) && printf '  rep %d  %-9s %10.1f ms\n' "$rep" "$s" "$ms" >&2
	done
done

# Correctness: every row of every table carries the last repetition's value; safeguard wrote
# one audit row per row per statement; the chains verify.
last="W3 repetition $BENCH_REPS"
for t in safeguard.referral safeguard_bench.bare_referral safeguard_bench.floor_referral safeguard_bench.pl_referral; do
	got=$(bench_psql -At -c "SELECT count(*) FROM $t WHERE id BETWEEN $LO AND $HI AND la_contact = '$last'")
	[[ "$got" == "$ROWS" ]] || { echo "bench: WRONG: W3: $t has $got of $ROWS rows updated" >&2; exit 2; }
done
appended=$(bench_psql -At -c "SELECT count(*) FROM safeguard.audit_event WHERE table_name = 'referral' AND row_key::bigint BETWEEN $LO AND $HI")
[[ "$appended" == $((ROWS * (BENCH_REPS + 1))) ]] ||
	{ echo "bench: WRONG: W3: $appended audit rows for $((BENCH_REPS + 1)) statements of $ROWS rows" >&2; exit 2; }
problems=$(bench_psql -At -c 'SELECT chain_key, chain_seq, problem FROM safeguard.verify_audit() LIMIT 5')
[[ -z "$problems" ]] || { echo "bench: WRONG: verify_audit(): $problems" >&2; exit 2; }
bench_log "W3: correctness OK (every row updated on every side; $appended audit rows; audit verified)"

echo "## W3: one UPDATE statement over $ROWS referrals (a correction), $CASES cases"
echo
echo "$BENCH_REPS repetitions (+1 warm-up), the four statements interleaved in one session;" \
	"median seconds per statement; ratio = median over repetitions of safeguard / comparator."
echo
bench_header
for s in "${COMPARATORS[@]}"; do
	# shellcheck disable=SC2046
	med=$(bench_median $(awk -v s="$s" '$1 > 0 && $2 == s { print $3 }' "$BENCH_WORK/w3.results"))
	if [[ $s == safeguard ]]; then
		bench_row W3 1 on safeguard "$(printf '%.2f s' "$(awk -v m="$med" 'BEGIN { print m / 1000 }')")" - - -
		continue
	fi
	# shellcheck disable=SC2046
	ratio=$(printf '%.2f' "$(bench_median $(awk -v s="$s" '$1 > 0 { t[$1, $2] = $3; reps[$1] = 1 }
		END { for (r in reps) if (t[r, s] > 0) printf "%.6f\n", t[r, "safeguard"] / t[r, s] }' "$BENCH_WORK/w3.results"))")
	bench_row W3 1 on "$s" "$(printf '%.2f s' "$(awk -v m="$med" 'BEGIN { print m / 1000 }')")" "$ratio" - -
done
echo
printf 'per row: safeguard %.1f µs\n' "$(awk '$1 > 0 && $2 == "safeguard" { print $3 }' "$BENCH_WORK/w3.results" | sort -g | awk -v n="$ROWS" '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] * 1000 / n }')"
