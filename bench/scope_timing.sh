#!/usr/bin/env bash
# bench/scope_timing.sh: what a scoped role's query timings tell about rows it cannot see,
# with the scope guard (src/scope_guard.c) off (PostgreSQL's plans) and on, side by side.
#
#   bench/scope_timing.sh [oracle] [cost]      (default: both parts)
#
# Part "oracle": authority A's officer times, about rows it cannot see:
#   count by la_id   SELECT count(*) FROM safeguard.concern WHERE la_id = <B> (B has none),
#                    and the same for authority C (C has N)
#   NHS probe        SELECT count(*) FROM safeguard.concern WHERE adult_nhs_number = <X>
#                    (X: an adult with 20 concerns at C) and the same for an absent number,
#                    over the whole table and among 100 ids (an index range on the primary key)
#   open case        SELECT count(*) FROM safeguard.safeguarding_case
#                    WHERE la_id = <C or B> AND adult_key = 'nhs:<X>' AND state = 'open'
#   own concerns     SELECT count(*) ... WHERE la_id = safeguard.current_organisation()
# in two states of one database: S0 A's 2,000 concerns only; S1 plus N concerns (default
# 50,000, half as many cases) at authority C, none at B (VACUUM FULL ANALYZE after each).
# Each pair (C / B, X / absent) is timed in the same run on the same table, interleaved: their
# ratio is what the timing tells A about rows A cannot see (1.00: nothing).  S0 to S1 shows
# the table growing, which PostgreSQL itself tells everyone (pg_class.reltuples,
# pg_relation_size()).
# Part "cost": bench/volume at VOLUME_SCALE (default 0.01), then an authority's officer's
# deadlines_overdue and report_la_outcomes_outstanding and the regulator's reader's
# report_kpi, each read whole; prints their plans with the guard off and on.
#
# Every query runs REPS times (default 21, plus an untimed warm-up) with the guard off and on,
# interleaved, as the scoped role (SET LOCAL ROLE from the superuser running the loop, which
# sets the superuser-only safeguard.scope_guard); the figures are medians in ms, planning
# included.  Each statement must give the same answer with the guard off and on (checked;
# exit 2 otherwise).  The report (markdown) goes to stdout, with the load average before and
# after.  A benchmark, not a test: timings never fail it.
#
# Server: as bench/lib.sh (PGHOST/PGPORT/PGDATABASE, else a pg_virtualenv cluster; make
# install first unless SAFEGUARD_BENCH_SKIP_INSTALL=1).  In this repository, run it through
# the install lock:  /work/bin/sgcheck sh 'SAFEGUARD_BENCH_SKIP_INSTALL=1 bench/scope_timing.sh'
#
# Environment (all optional):
#   SAFEGUARD_BENCH_REPS=21          timed runs per query and setting
#   SAFEGUARD_BENCH_SCOPE_ROWS=50000 N, the concerns at C
#   VOLUME_SCALE=0.01                the cost part's bench/volume scale
#   SAFEGUARD_BENCH_KEEP=1           keep the scratch databases
set -euo pipefail
export SAFEGUARD_BENCH_REPS=${SAFEGUARD_BENCH_REPS:-21}	# before lib.sh, which reads it
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init "$@"

ROWS=${SAFEGUARD_BENCH_SCOPE_ROWS:-50000}
bench_require_int SAFEGUARD_BENCH_SCOPE_ROWS "$ROWS"
SCALE=${VOLUME_SCALE:-0.01}
parts=("$@")
((${#parts[@]})) || parts=(oracle cost)
X=9434765919		# the adult with concerns at C, then at B
ABSENT=1234567881	# an NHS number nobody has

# Prints one markdown table of medians for a part: per state and query, off, on, on/off.
report_medians() {
	bench_psql -At -F ' | ' -c "
		SELECT '| ' || f.state, f.query, round(f.median_ms::numeric, 3), round(o.median_ms::numeric, 3),
		       round((o.median_ms / nullif(f.median_ms, 0))::numeric, 2), f.result_min || ' |'
		FROM scope_bench.medians f JOIN scope_bench.medians o USING (state, query)
		JOIN (SELECT DISTINCT ON (name) name, id FROM scope_bench.query ORDER BY name, id) q ON q.name = f.query
		WHERE f.guard = 'off' AND o.guard = 'on' AND f.state LIKE '$1%'
		ORDER BY f.state, q.id"
}

# Prints the plans of query $1 with the guard off and on, as its role (EXPLAIN, COSTS OFF);
# with $2 = view, of "SELECT * FROM" the view the query reads.
explain_query() {
	local name role sql g
	IFS=$'\t' read -r name role sql < <(bench_psql -At -F $'\t' -c "
		SELECT name, role, CASE WHEN '${2:-}' = 'view' THEN 'SELECT * FROM ' || substring(sql from 'FROM (safeguard[.][a-z_]+)')
		                   ELSE sql END FROM scope_bench.query WHERE id = $1")
	for g in off on; do
		echo "- $name, guard $g:"
		echo '```'
		bench_psql -At -c "SET safeguard.scope_guard = $g" -c "SET ROLE $role" -c "EXPLAIN (COSTS OFF) $sql"
		echo '```'
	done
}

# Exits 2 when a statement gave different answers with the guard off and on, or across runs.
check_answers() {
	local bad
	bad=$(bench_psql -At -c "SELECT string_agg(DISTINCT state || '/' || query, ', ') FROM (
		SELECT state, query FROM scope_bench.timing GROUP BY state, query
		HAVING count(DISTINCT result) > 1) x")
	if [[ -n "$bad" ]]; then
		echo "bench: DIFFERENT ANSWERS with the guard off and on: $bad" >&2
		exit 2
	fi
}

oracle() {
	local laa lab lac officer t
	bench_db_create scope
	officer=${BENCH_DB}_officer_a
	bench_admin_psql -c "DROP ROLE IF EXISTS $officer" -c "CREATE ROLE $officer LOGIN" >/dev/null
	bench_drop_role_at_exit "$officer"
	read -r laa lab lac < <(bench_psql -At -F ' ' -c "
		INSERT INTO safeguard.organisation (kind, name, code) VALUES
		    ('regulator', 'Bench Regulator', 'SB-CQC'), ('local_authority', 'Bench Council A', 'SB-LAA'),
		    ('local_authority', 'Bench Council B', 'SB-LAB'), ('local_authority', 'Bench Council C', 'SB-LAC');
		SELECT (SELECT id FROM safeguard.organisation WHERE code = 'SB-LAA'),
		       (SELECT id FROM safeguard.organisation WHERE code = 'SB-LAB'),
		       (SELECT id FROM safeguard.organisation WHERE code = 'SB-LAC')")
	bench_psql -c "SELECT safeguard.grant_duty('$officer', 'la_officer', $laa)" >/dev/null
	bench_psql -f "$BENCH_DIR/scope_timing.sql" >/dev/null
	bench_psql -c "INSERT INTO scope_bench.query VALUES
		(1, 'oracle', 'count by la_id = B (B has 0)', '$officer', 'SELECT count(*) FROM safeguard.concern WHERE la_id = $lab'),
		(2, 'oracle', 'count by la_id = C (C has N)', '$officer', 'SELECT count(*) FROM safeguard.concern WHERE la_id = $lac'),
		(3, 'oracle', 'NHS probe, X (20 concerns at C)', '$officer', 'SELECT count(*) FROM safeguard.concern WHERE adult_nhs_number = ''$X'''),
		(4, 'oracle', 'NHS probe, absent number', '$officer', 'SELECT count(*) FROM safeguard.concern WHERE adult_nhs_number = ''$ABSENT'''),
		(5, 'oracle', 'NHS probe, X, among 100 ids', '$officer', 'SELECT count(*) FROM safeguard.concern WHERE id BETWEEN 2000000 AND 2000099 AND adult_nhs_number = ''$X'''),
		(6, 'oracle', 'NHS probe, absent, among 100 ids', '$officer', 'SELECT count(*) FROM safeguard.concern WHERE id BETWEEN 2000000 AND 2000099 AND adult_nhs_number = ''$ABSENT'''),
		(7, 'oracle', 'open case of X at B (none)', '$officer', 'SELECT count(*) FROM safeguard.safeguarding_case WHERE la_id = $lab AND adult_key = ''nhs:$X'' AND state = ''open'''),
		(8, 'oracle', 'open case of X at C (one)', '$officer', 'SELECT count(*) FROM safeguard.safeguarding_case WHERE la_id = $lac AND adult_key = ''nhs:$X'' AND state = ''open'''),
		(9, 'oracle', 'own concerns (la_id = current_organisation())', '$officer', 'SELECT count(*) FROM safeguard.concern WHERE la_id = safeguard.current_organisation()')"
	bench_psql -c "SET jit = off" -c "ALTER DATABASE $BENCH_DB SET jit = off" \
		-c "ALTER DATABASE $BENCH_DB SET max_parallel_workers_per_gather = 0" >/dev/null

	# S0: A's own work only
	bench_psql -c "SELECT scope_bench.triggers(false)" \
		-c "SELECT scope_bench.load($laa, 2000, 1000000, '4010232137', 1)" \
		-c "SELECT scope_bench.triggers(true)" >/dev/null
	bench_psql -c "VACUUM FULL ANALYZE safeguard.concern, safeguard.safeguarding_case"
	t=$(date +%s)
	bench_log "oracle: S0 (A only), $BENCH_REPS runs per query and setting"
	bench_psql -c "CALL scope_bench.run('S0 A 2000, B 0, C 0', 'oracle', $BENCH_REPS)"
	# S1: N concerns at C
	bench_psql -c "SELECT scope_bench.triggers(false)" \
		-c "SELECT scope_bench.load($lac, $ROWS, 2000000, '$X', 20)" \
		-c "SELECT scope_bench.triggers(true)" >/dev/null
	bench_psql -c "VACUUM FULL ANALYZE safeguard.concern, safeguard.safeguarding_case"
	bench_log "oracle: S1 ($ROWS concerns at C)"
	bench_psql -c "CALL scope_bench.run('S1 A 2000, B 0, C $ROWS', 'oracle', $BENCH_REPS)"
	bench_log "oracle: timed in $(($(date +%s) - t)) s"
	check_answers

	echo "### Part oracle: authority A's officer times queries about authority B"
	echo
	echo "Rows: S0 A's 2,000 concerns (1,001 cases); S1 adds $ROWS concerns ($((ROWS / 2 + 1)) cases) at authority C, 20 of them (and one open case) about adult X. B has none. concern: $(bench_psql -At -c "SELECT pg_size_pretty(pg_total_relation_size('safeguard.concern'))") in S1."
	echo
	echo "| state | query (as A's officer) | guard off: median ms | guard on: median ms | on/off | answer |"
	echo "|---|---|--:|--:|--:|--:|"
	report_medians S
	echo
	echo "What A learns about rows it cannot see (S1, each pair timed interleaved in the same run on the same table): median of the first / median of the second. 1.00 means the timing tells nothing."
	echo
	echo "| question | compared | guard off | guard on |"
	echo "|---|---|--:|--:|"
	bench_psql -At -F ' | ' -c "
		SELECT '| ' || p.label, p.cmp, round((x.median_ms / y.median_ms)::numeric, 2),
		       round((xo.median_ms / yo.median_ms)::numeric, 2) || ' |'
		FROM (VALUES (1, 'how many concerns has an authority', 'la_id = C (N) / la_id = B (0)', 2, 1),
		             (2, 'is adult X the subject of concerns', 'X / absent, whole table', 3, 4),
		             (3, 'is adult X the subject of concerns', 'X / absent, among 100 ids', 5, 6),
		             (4, 'has X an open case at an authority', 'at C (one) / at B (none)', 8, 7)) p(n, label, cmp, qx, qy)
		JOIN scope_bench.query qx ON qx.id = p.qx JOIN scope_bench.query qy ON qy.id = p.qy
		JOIN scope_bench.medians x ON x.query = qx.name AND x.guard = 'off' AND x.state LIKE 'S1%'
		JOIN scope_bench.medians y ON y.query = qy.name AND y.guard = 'off' AND y.state LIKE 'S1%'
		JOIN scope_bench.medians xo ON xo.query = qx.name AND xo.guard = 'on' AND xo.state LIKE 'S1%'
		JOIN scope_bench.medians yo ON yo.query = qy.name AND yo.guard = 'on' AND yo.state LIKE 'S1%'
		ORDER BY p.n"
	echo
	echo "S0 to S1 (the table grows from 2,000 to $((ROWS + 2000)) rows) changes the guarded plans' timings with the table's size, which PostgreSQL tells every role anyway (pg_class.reltuples and relpages, pg_relation_size()); S0 and S1 were timed one after the other, so drift between them is the machine's."
	echo
	echo "Plans (EXPLAIN, COSTS OFF) in S1, as A's officer:"
	echo
	local q
	for q in 2 3 5 8 9; do
		explain_query "$q"
	done
	echo
	drop_db
}

# Drops the current scratch database (unless SAFEGUARD_BENCH_KEEP=1), before the next part makes its own.
drop_db() {
	[[ "${SAFEGUARD_BENCH_KEEP:-}" == 1 ]] && return 0
	bench_admin_psql -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >/dev/null
	BENCH_CREATED_DB=0
}

cost() {
	local t
	bench_db_create scope_volume
	bench_log "cost: loading bench/volume at VOLUME_SCALE=$SCALE"
	t=$(date +%s)
	PGDATABASE=$BENCH_DB VOLUME_SCALE=$SCALE bash "$BENCH_DIR/volume/load.sh" >&2
	bench_log "cost: loaded in $(($(date +%s) - t)) s"
	bench_psql -f "$BENCH_DIR/scope_timing.sql" >/dev/null
	bench_psql -c "ALTER DATABASE $BENCH_DB SET jit = off" \
		-c "ALTER DATABASE $BENCH_DB SET max_parallel_workers_per_gather = 0" >/dev/null
	bench_psql -c "INSERT INTO scope_bench.query VALUES
		(11, 'cost', 'deadlines_overdue (officer of authority 1)', 'vol_la1_hub', 'SELECT count(v) + coalesce(sum(length(v::text)), 0) FROM safeguard.deadlines_overdue v'),
		(12, 'cost', 'report_la_outcomes_outstanding (officer of authority 1)', 'vol_la1_hub', 'SELECT count(v) + coalesce(sum(length(v::text)), 0) FROM safeguard.report_la_outcomes_outstanding v'),
		(13, 'cost', 'report_kpi (reader at the regulator)', 'vol_reader', 'SELECT count(v) + coalesce(sum(length(v::text)), 0) FROM safeguard.report_kpi v'),
		(14, 'cost', 'my_deadlines (officer of authority 1)', 'vol_la1_hub', 'SELECT count(v) + coalesce(sum(length(v::text)), 0) FROM safeguard.my_deadlines v'),
		(15, 'cost', 'case_overview (officer of authority 1)', 'vol_la1_hub', 'SELECT count(v) + coalesce(sum(length(v::text)), 0) FROM safeguard.case_overview v')"
	bench_log "cost: $BENCH_REPS runs per query and setting"
	bench_psql -c "CALL scope_bench.run('V volume $SCALE', 'cost', $BENCH_REPS)"
	check_answers
	echo "### Part cost: ordinary work on bench/volume at SCALE $SCALE"
	echo
	bench_psql -At -F ' ' -c "SELECT 'Rows:', (SELECT count(*) FROM safeguard.concern), 'concerns,',
		(SELECT count(*) FROM safeguard.referral), 'referrals,', (SELECT count(*) FROM safeguard.deadline), 'deadlines,',
		(SELECT count(*) FROM safeguard.safeguarding_case), 'cases; 150 authorities.'"
	echo
	echo "| state | query (view read whole) | guard off: median ms | guard on: median ms | on/off | answer |"
	echo "|---|---|--:|--:|--:|--:|"
	report_medians V
	echo
	echo "Plans (EXPLAIN, COSTS OFF):"
	echo
	local q
	for q in 11 12 13; do
		explain_query "$q" view
	done
	echo
}

echo "## bench/scope_timing.sh"
echo
echo "Command: \`bench/scope_timing.sh ${parts[*]}\` (SAFEGUARD_BENCH_REPS=$BENCH_REPS, SAFEGUARD_BENCH_SCOPE_ROWS=$ROWS, VOLUME_SCALE=$SCALE); $(date -u '+%Y-%m-%d %H:%M UTC'); $(psql -X -At -d "${PGDATABASE:-postgres}" -c 'SELECT version()' | cut -d, -f1); $(nproc) cores."
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
for p in "${parts[@]}"; do
	case "$p" in
	oracle) oracle ;;
	cost) cost ;;
	*) die "unknown part '$p' (oracle, cost)" ;;
	esac
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
