#!/usr/bin/env bash
# bench/profile.sh: W1's (or W8's) per-transition cost profile (issue 19, target 7), in
# instructions.
#
# What a W1 transition (the officer decides an acknowledged referral: bench/w1/safeguard.sql)
# costs the backend, part by part, next to the SQL floor (bench/w1/floor.sql) and the PL/pgSQL
# comparator (bench/w1/plpgsql.sql) on the same pool.  Instructions, not time: this machine's
# hardware counters are not available to perf (`perf stat -e instructions true` says
# "not supported"), and sampling on a shared 2-core machine is noisy, so the backend runs under
# `valgrind --tool=callgrind`, which counts every instruction it executes; the counts are the
# same from run to run (to a few hundred instructions per transition) whatever the load.
#
# How: a private cluster (initdb in a temporary directory), bench/w1/setup.sql and
# bench/w1/comparators.sql, a pool of referrals made through the real workflow; then, the
# server stopped, a single-user backend (`postgres --single`: one process, no background
# workers, the same executor, triggers and SPI) runs under callgrind twice per comparator: once
# with N_SMALL transitions and once with N_LARGE, each a prepared statement (as pgbench
# -M prepared) committed on its own, acting as the officer (SET ROLE).  Per transition =
# (counts of the long run - counts of the short run) / (N_LARGE - N_SMALL): start-up, catalog
# and plan caching, and shut-down cancel out.  Each part is a function's inclusive count (its
# callees included), for the audit chain's parts the count of the call from
# sg_audit_append_to.  Then the server is started again and the results are checked: every
# table holds exactly the decided referrals the runs committed, and safeguard.verify_audit()
# finds nothing (exit 2 otherwise).
#
# Writes the profile (markdown) to stdout and to bench/results/profile-<UTC time>.md, with the
# date, the load average and the disk's flush time at the start, the commit, and valgrind's
# version.  Knobs:
#   SAFEGUARD_BENCH_PROFILE_WORKLOAD=w1 w1, or w8: the council's manager allocates a decided
#                                       enquiry (bench/w8/safeguard.sql) beside W8's SQL floor
#                                       (bench/w8/floor.sql); W8 has no PL/pgSQL comparator
#   SAFEGUARD_BENCH_PROFILE_SMALL=20    transitions of the short run
#   SAFEGUARD_BENCH_PROFILE_LARGE=220   transitions of the long run
#   SAFEGUARD_BENCH_RESULTS=bench/results   where the result file goes
#   SAFEGUARD_BENCH_SKIP_INSTALL=1      do not run make install first
#   SAFEGUARD_BENCH_KEEP=1              keep the work directory (cluster, callgrind files)
# Needs valgrind and callgrind_annotate (package valgrind), python3, and the PostgreSQL 15
# server binaries.  About 2 minutes on 2 cores.
#
# Exit status: 0 profile written, 2 wrong results, 1 other error.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SMALL=${SAFEGUARD_BENCH_PROFILE_SMALL:-20}
LARGE=${SAFEGUARD_BENCH_PROFILE_LARGE:-220}
RESULTS_DIR=${SAFEGUARD_BENCH_RESULTS:-$BENCH_DIR/results}
PGBIN=/usr/lib/postgresql/15/bin
WORKLOAD=${SAFEGUARD_BENCH_PROFILE_WORKLOAD:-w1}
case $WORKLOAD in
w1) SCRIPTS=(safeguard floor plpgsql) ;;
w8) SCRIPTS=(safeguard floor) ;;
*) echo "bench: SAFEGUARD_BENCH_PROFILE_WORKLOAD must be w1 or w8, not '$WORKLOAD'" >&2; exit 1 ;;
esac

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit 0
fi
bench_require_int SAFEGUARD_BENCH_PROFILE_SMALL "$SMALL"
bench_require_int SAFEGUARD_BENCH_PROFILE_LARGE "$LARGE"
((LARGE > SMALL)) || die "SAFEGUARD_BENCH_PROFILE_LARGE must exceed SAFEGUARD_BENCH_PROFILE_SMALL"
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
	die "valgrind and callgrind_annotate are needed (package valgrind)"
command -v python3 >/dev/null || die "python3 is needed"
[[ -x $PGBIN/postgres ]] || die "no PostgreSQL 15 server in $PGBIN"
if [[ "${SAFEGUARD_BENCH_SKIP_INSTALL:-}" != 1 ]]; then
	bench_log "make -s install in $REPO_DIR"
	make -s -C "$REPO_DIR" install >&2
fi
PGBENCH=$PGBIN/pgbench
BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/safeguard-profile.XXXXXX")
trap bench_cleanup EXIT
# The cluster belongs to postgres when we are root (initdb refuses root).
as_owner() {
	if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}
((EUID == 0)) && chown postgres "$BENCH_WORK"
DATA=$BENCH_WORK/data
export PGHOST=$BENCH_WORK PGPORT=$((55000 + RANDOM % 5000)) PGUSER=postgres PGDATABASE=postgres
((EUID == 0)) || PGUSER=$(id -un)
as_owner "$PGBIN/initdb" -D "$DATA" -A trust -U "$PGUSER" --no-sync >/dev/null
server() {
	as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$BENCH_WORK/server.log" -w \
		-o "-p $PGPORT -k $BENCH_WORK -c listen_addresses=''" "$@" >/dev/null
}
bench_on_exit() {
	[[ -f $DATA/postmaster.pid ]] && server -m immediate stop
	return 0
}
server start
stamp=$(date -u '+%Y%m%dT%H%M%SZ')
context="date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); machine: $(nproc) CPUs ($(uname -m)), load average at start $(cut -d' ' -f1-3 /proc/loadavg)
disk flush time at start: $(bench_flush_time)
server: PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), single-user backend; safeguard $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_DIR" diff --quiet HEAD -- src sql extension 2>/dev/null || echo ' (src/sql/extension with uncommitted changes)'); $(valgrind --version)
settings: $SMALL and $LARGE transitions per comparator; per transition = difference / $((LARGE - SMALL))"

bench_db_create profile
BENCH_CREATED_DB=0	# the cluster goes with the work directory
total=$((2 * (SMALL + LARGE) + 10))
if [[ $WORKLOAD == w1 ]]; then
	bench_w1_setup 0
	ACTOR=$OFFICER
	bench_log "profile: a pool of $total referrals through the workflow"
	bench_psql -c "CALL safeguard_bench.grow_pool($total)" -c "VACUUM ANALYZE" >/dev/null
else
	# W8's roles, as bench/w8.sh makes them: the statement runs as the manager and names the officer.
	OFFICER=${BENCH_DB}_officer
	ACTOR=${BENCH_DB}_sam
	bench_log "profile: a pool of $total decided enquiries through the workflow"
	bench_psql -v officer="$OFFICER" -v sam="$ACTOR" -v pool="$total" -f "$BENCH_DIR/w8/setup.sql" >/dev/null
	bench_psql -c "VACUUM ANALYZE" >/dev/null
fi
server -m fast stop

# Runs $2 transitions of comparator $1 in a single-user backend under callgrind.
profile_run() {
	local s=$1 n=$2 i body
	body=$(grep -v '^--' "$BENCH_DIR/$WORKLOAD/$s.sql" | sed '/^[[:space:]]*$/d; s/;[[:space:]]*$//')
	body=${body//:officer/\'$OFFICER\'}	# W8's pgbench variable, as a literal
	{
		printf 'SET ROLE %s;\n\n' "$ACTOR"
		printf 'PREPARE w1 AS %s;\n\n' "$body"
		for ((i = 0; i < n; i++)); do printf 'EXECUTE w1;\n\n'; done
	} >"$BENCH_WORK/$s.$n.sql"
	((EUID == 0)) && chown postgres "$BENCH_WORK/$s.$n.sql"
	as_owner valgrind --tool=callgrind --callgrind-out-file="$BENCH_WORK/cg.$s.$n" \
		"$PGBIN/postgres" --single -j -D "$DATA" "$BENCH_DB" \
		<"$BENCH_WORK/$s.$n.sql" >"$BENCH_WORK/out.$s.$n" 2>&1
	if grep -qE '(ERROR|FATAL|PANIC):' "$BENCH_WORK/out.$s.$n"; then
		grep -E '(ERROR|FATAL|PANIC):' "$BENCH_WORK/out.$s.$n" | head -n 5 >&2
		echo "bench: profile: $s failed" >&2
		exit 2
	fi
	callgrind_annotate --inclusive=yes --tree=calling --threshold=100 "$BENCH_WORK/cg.$s.$n" \
		>"$BENCH_WORK/tree.$s.$n" 2>/dev/null
}
for s in "${SCRIPTS[@]}"; do
	for n in "$SMALL" "$LARGE"; do
		bench_log "profile: $s, $n transitions under callgrind"
		profile_run "$s" "$n"
	done
done

server start
if [[ $WORKLOAD == w1 ]]; then
	bad=$(bench_psql -At -c "SELECT
		(SELECT count(*) FROM safeguard.referral WHERE state = 'decided')::text || ' ' ||
		(SELECT count(*) FROM safeguard_bench.floor_referral WHERE state = 'decided') || ' ' ||
		(SELECT count(*) FROM safeguard_bench.pl_referral WHERE state = 'decided') || ' ' ||
		(SELECT count(*) FROM safeguard.verify_audit())")
	want="$((SMALL + LARGE)) $((SMALL + LARGE)) $((SMALL + LARGE)) 0"
	what="decided referrals (safeguard, floor, plpgsql) and broken chains"
else
	bad=$(bench_psql -At -c "SELECT
		(SELECT count(*) FROM safeguard.la_enquiry WHERE state = 'allocated')::text || ' ' ||
		(SELECT count(*) FROM safeguard_bench.floor_enquiry WHERE state = 'allocated') || ' ' ||
		(SELECT count(*) FROM safeguard.verify_audit())")
	want="$((SMALL + LARGE)) $((SMALL + LARGE)) 0"
	what="allocated enquiries (safeguard, floor) and broken chains"
fi
if [[ "$bad" != "$want" ]]; then
	echo "bench: profile: $what: $bad, expected $want" >&2
	exit 2
fi

report=$(python3 - "$BENCH_WORK" "$SMALL" "$LARGE" "$WORKLOAD" <<'EOF'
import re, sys
work, small, large, workload = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
line = re.compile(r'^\s*([\d,]+) \([ \d.]+%\)\s+([*>]?)\s*(\S.*?)(?: \(([\d,]+)x\))?(?: \[(.*)\])?\s*$')
total_re = re.compile(r'^\s*([\d,]+) \([ \d.]+%\)\s+PROGRAM TOTALS')

ours = set()	# functions of safeguard.so


clone_suffix = re.compile(r'\.(constprop|isra|part)\.\d+$')

def load(path):
    """inclusive counts by function, and by (caller, callee) arc"""
    incl, arcs, calls, total, cur = {}, {}, {}, 0, None
    for l in open(path, errors='replace'):
        m = total_re.match(l)
        if m:
            total = int(m.group(1).replace(',', ''))
            continue
        m = line.match(l)
        if not m:
            continue
        n = int(m.group(1).replace(',', ''))
        # a static function the compiler cloned (read_chain_head.constprop.0) counts under its name
        name = clone_suffix.sub('', m.group(3).split(':')[-1])
        if m.group(2) == '*':
            cur = name
            if (m.group(5) or '').endswith('safeguard.so'):
                ours.add(name)
            incl[name] = max(incl.get(name, 0), n)
        elif m.group(2) == '>' and cur is not None:
            arcs[(cur, name)] = arcs.get((cur, name), 0) + n
            if m.group(4):
                calls[name] = calls.get(name, 0) + int(m.group(4).replace(',', ''))
    return incl, arcs, total, calls

def per(s):
    a, b = load(f'{work}/tree.{s}.{small}'), load(f'{work}/tree.{s}.{large}')
    d = large - small
    f = lambda name: (b[0].get(name, 0) - a[0].get(name, 0)) / d
    arc = lambda x, y: (b[1].get((x, y), 0) - a[1].get((x, y), 0)) / d
    ncalls = lambda name: (b[3].get(name, 0) - a[3].get(name, 0)) / d
    return f, arc, (b[2] - a[2]) / d, ncalls

sg, sg_arc, sg_total, sg_calls = per('safeguard')
fl, _, fl_total, fl_calls = per('floor')
w1 = workload == 'w1'
if w1:
    pl, _, pl_total, pl_calls = per('plpgsql')
guard = 'sg_referral_guard' if w1 else 'sg_la_enquiry_guard'
after = None if w1 else 'sg_la_enquiry_after'

def k(v):
    return f'{v / 1000:,.1f}k'
def pc(v, t):
    return f'{100 * v / t:.1f}%' if t else '-'

print('## Per transition, in instructions (the backend, everything it executes)')
print()
print('| comparator | instructions per transition | ÷ floor |')
print('|---|--:|--:|')
comparators = [('safeguard', sg_total), ('floor (UPDATE + audit INSERT, no checks, no hash)', fl_total)]
if w1:
    comparators.append(('PL/pgSQL (same rules and chain)', pl_total))
for name, t in comparators:
    print(f'| {name} | {k(t)} | {t / fl_total:.2f} |')
gap = sg_total - fl_total
print()
print(f'safeguard - floor: **{k(gap)} instructions per transition**.')
print()
print('## safeguard\'s transition, part by part')
print()
print('Each part is a function\'s inclusive count (its callees included); indented parts are inside the part above them. '
      'PostgreSQL\'s executor stages are not listed: safeguard\'s SPI statements enter them again from inside the triggers, so their inclusive counts overlap. '
      '"% of gap" is the part\'s share of safeguard - floor (the floor writes its audit row too, so the audit INSERT is not all gap).')
print()
print('| part | function (caller) | instructions | % of the transition | % of gap |')
print('|---|---|--:|--:|--:|')
audit_rec = sg('sg_audit_record')
append = sg_arc('sg_audit_record', 'sg_audit_append_to')
rows = [
    ('the guard: duty, transition, columns, rules, stamps (BEFORE ROW)', guard, sg(guard)),
    ('&nbsp;&nbsp;the acting role\'s grants (cached per backend; every caller)', 'sg_current_actor', sg('sg_current_actor')),
    ('foreign-key checks of the row (stamped `*_org_id` among them)', 'RI_FKey_check_upd', sg('RI_FKey_check_upd') + sg('RI_FKey_check_ins')),
] + ([] if w1 else [
    ('the after trigger: deadlines, the case, an arrived referral mirrored', after, sg(after)),
    ('&nbsp;&nbsp;the arrived referral\'s mirror (a lookup when none arrived)', 'sg_referral_follow_enquiry', sg('sg_referral_follow_enquiry')),
]) + [
    ('the audit trigger (AFTER ROW)', 'sg_audit_row', sg('sg_audit_row')),
    ('&nbsp;&nbsp;the row\'s audit content: actor, changes document', 'sg_audit_record - sg_audit_append_to', audit_rec - append),
    ('&nbsp;&nbsp;the chain append', 'sg_audit_append_to', append),
    ('&nbsp;&nbsp;&nbsp;&nbsp;the chain\'s row lock', 'sg_serial_lock (sg_audit_append_to)', sg_arc('sg_audit_append_to', 'sg_serial_lock')),
    # the head read: an index scan since the chain-head change, an SPI query before it
    ('&nbsp;&nbsp;&nbsp;&nbsp;the head read (latest snapshot)', 'read_chain_head or sg_query_internal_latest (sg_audit_append_to)',
     sg_arc('sg_audit_append_to', 'read_chain_head') + sg_arc('sg_audit_append_to', 'sg_query_internal_latest')),
    ('&nbsp;&nbsp;&nbsp;&nbsp;SHA-256 and the field encoding', 'row_hash (sg_audit_append_to)', sg_arc('sg_audit_append_to', 'row_hash')),
    # the audit row's insertion: without SPI since issue 19's audit branch (sg_audit_insert), an SPI INSERT before it
    ('&nbsp;&nbsp;&nbsp;&nbsp;the audit row\'s insertion (heap, indexes, id)', 'sg_audit_insert or sg_exec_internal (sg_audit_append_to)',
     sg_arc('sg_audit_append_to', 'sg_audit_insert') + sg_arc('sg_audit_append_to', 'sg_exec_internal')),
    ('the commit', 'CommitTransactionCommand', sg('CommitTransactionCommand')),
]
for part, fn, v in rows:
    print(f'| {part} | `{fn}` | {k(v)} | {pc(v, sg_total)} | {pc(v, gap)} |')
print()
print('## Calls per transition')
print()
print('| function | safeguard | floor |' + (' PL/pgSQL |' if w1 else ''))
print('|---|--:|--:|' + ('--:|' if w1 else ''))
for fn in ('SPI_execute_plan', 'SPI_execute_snapshot', 'SPI_execute', 'SPI_execute_with_args', 'get_extension_oid',
           'RI_FKey_check_upd', 'RI_FKey_check_ins', 'pg_cryptohash_final', 'XLogFlush'):
    print(f'| `{fn}` | {sg_calls(fn):g} | {fl_calls(fn):g} |' + (f' {pl_calls(fn):g} |' if w1 else ''))
print()
print('## safeguard\'s own functions, inclusive, per transition (over 1% of it)')
print()
print('| function | instructions | % of the transition |')
print('|---|--:|--:|')
# the hooks around every statement (safeguard's SPI statements included) are left out
hooks = {'sg_process_utility', 'sg_executor_start', 'sg_executor_run', 'sg_executor_finish', 'sg_executor_end'}
names = [n for n in ours if n not in hooks]
for n in sorted(names, key=lambda n: -sg(n)):
    v = sg(n)
    if v >= 0.01 * sg_total:
        print(f'| `{n}` | {k(v)} | {pc(v, sg_total)} |')
EOF
)
mkdir -p "$RESULTS_DIR"
out=$RESULTS_DIR/profile-$stamp.md
[[ $WORKLOAD == w1 ]] || out=$RESULTS_DIR/profile-$WORKLOAD-$stamp.md
{
	echo "# ${WORKLOAD^^} per-transition profile (bench/profile.sh)"
	echo "$context"
	echo
	echo "$report"
} | tee "$out"
bench_log "profile: written to $out"
