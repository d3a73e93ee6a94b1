#!/usr/bin/env bash
# test/unit/run_fuzz.sh: the libFuzzer side of the unit tests, for test/unit/Makefile.
#
#   run_fuzz.sh probe CLANG
#       exits 0 when CLANG can build and link a -fsanitize=fuzzer,address,undefined
#       program (clang alone is not enough: libFuzzer ships in libclang-rt-NN-dev).
#   run_fuzz.sh tap FUZZER SECONDS SEED SEEDS_DIR ARTIFACT_DIR
#       runs ./FUZZER for SECONDS with -seed=SEED on a throwaway corpus plus the
#       committed SEEDS_DIR (read, never written), and prints one TAP result: ok with
#       execs, execs/s, coverage and corpus size, or not ok with the reproducer's path
#       and the tail of libFuzzer's report as diagnostics.  Exit status 1 on failure.
#   run_fuzz.sh long FUZZER SECONDS CORPUS_DIR SEEDS_DIR ARTIFACT_DIR
#       runs ./FUZZER for SECONDS on the working corpus CORPUS_DIR (kept between runs,
#       git-ignored) plus SEEDS_DIR, printing libFuzzer's own output.
set -euo pipefail

# Prints libFuzzer's final "key: value" statistic $2 from log $1 (empty when absent).
final_stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1 || true
}

# Prints field $2 (cov, ft, corp) of the last libFuzzer status line in log $1.
status_field() {
	{ grep -E '^#[0-9]+' "$1" || true; } | tail -n 1 | sed -n "s/.* $2: \([^ ]*\).*/\1/p"
}

probe() {
	local clang=$1 dir rc=0
	command -v "$clang" >/dev/null 2>&1 || return 1
	dir=$(mktemp -d "${TMPDIR:-/tmp}/sg-fuzz-probe.XXXXXX")
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }' \
		>"$dir/probe.c"
	"$clang" -fsanitize=fuzzer,address,undefined -o "$dir/probe" "$dir/probe.c" >/dev/null 2>&1 || rc=1
	rm -rf "$dir"
	return "$rc"
}

tap() {
	local fuzzer=$1 seconds=$2 seed=$3 seeds=$4 artifacts=$5
	local name work log rc=0 execs rate cov ft corp artifact
	local -a dirs
	name=$(basename "$fuzzer")
	work=$(mktemp -d "${TMPDIR:-/tmp}/sg-$name.XXXXXX")
	log="$work/log"
	mkdir -p "$work/corpus" "$artifacts"
	echo "1..1"
	# The throwaway corpus comes first: libFuzzer writes new inputs only there.
	dirs=("$work/corpus")
	if [[ -d "$seeds" ]]; then dirs+=("$seeds"); fi
	"$fuzzer" -seed="$seed" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$artifacts/$name-" "${dirs[@]}" >"$log" 2>&1 || rc=$?
	execs=$(final_stat "$log" number_of_executed_units)
	rate=$(final_stat "$log" average_exec_per_sec)
	cov=$(status_field "$log" cov)
	ft=$(status_field "$log" ft)
	corp=$(status_field "$log" corp)
	if [[ "$rc" -eq 0 && -n "$execs" ]]; then
		echo "ok 1 - libFuzzer $name: ${execs} inputs in ${seconds}s (${rate}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, seed $seed"
	else
		artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		echo "not ok 1 - libFuzzer $name: exit status $rc, seed $seed${artifact:+, reproduce with: ./$name $artifact}"
		# From the harness's own report (or the sanitizer's) on, 60 lines at most.
		awk '/^fuzz_|ERROR|runtime error/ { on = 1 } on && !/^#[0-9]+/' "$log" | head -n 60 | sed 's/^/# /'
	fi
	rm -rf "$work"
	return $((rc != 0 || ${#execs} == 0))
}

long() {
	local fuzzer=$1 seconds=$2 corpus=$3 seeds=$4 artifacts=$5 name
	name=$(basename "$fuzzer")
	mkdir -p "$corpus" "$artifacts"
	if [[ ! -d "$seeds" ]]; then seeds=""; fi
	"$fuzzer" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$artifacts/$name-" "$corpus" ${seeds:+"$seeds"}
}

case "${1:-}" in
probe) probe "$2" ;;
tap) tap "$2" "$3" "$4" "$5" "$6" ;;
long) long "$2" "$3" "$4" "$5" "$6" ;;
*)
	sed -n '2,/^set -euo pipefail/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
	exit 2
	;;
esac
