#!/bin/bash
# Runs the libFuzzer harnesses that `make fuzz` built, each for a bounded
# time on its seed corpus, and prints one line per harness:
#   fuzz-profile: 60 s, 812345 runs, cov 1451, 0 crashes
# A crash, leak, timeout or broken round trip fails (exit 1) and prints the
# input that reproduces it and the sanitizer's report.  Seeds are copied into
# OUTDIR/corpus/NAME, where what the fuzzer finds accumulates across runs
# until `make clean`.
#
# usage: run.sh SRCDIR OUTDIR SECONDS
#   OUTDIR holds the binaries fuzz-profile, fuzz-snapshot, fuzz-snapblob and fuzz-wantblob.
set -u
if [ $# -ne 3 ]; then
	echo "usage: $0 SRCDIR OUTDIR SECONDS" >&2
	exit 2
fi
src=$1 out=$2 secs=$3

# seed NAME FILE...: copies files into NAME's corpus, named by their path so
# hosts/esx01.yaml and another esx01.yaml do not collide.
seed() {
	local name=$1 f rel
	shift
	mkdir -p "$out/corpus/$name"
	for f in "$@"; do
		[ -f "$f" ] || continue
		rel=${f#"$src"/}
		cp "$f" "$out/corpus/$name/seed-${rel//\//_}"
	done
}

shopt -s nullglob globstar
seed profile "$src"/examples/profiles/**/*.yaml "$src"/tests/bad/**/*.yaml \
	"$src"/tests/fuzz/seeds/profile/* "$src"/tests/fuzz/regressions/profile/*
seed snapshot "$src"/tests/fuzz/seeds/snapshot/* "$src"/tests/fuzz/regressions/snapshot/*
seed snapblob "$src"/tests/fuzz/seeds/snapblob/* "$src"/tests/fuzz/regressions/snapblob/*
seed wantblob "$src"/tests/fuzz/seeds/wantblob/* "$src"/tests/fuzz/regressions/wantblob/*

# fuzz NAME DICT: runs fuzz-NAME; 0 when it found nothing.
fuzz() {
	local name=$1 dict=$2 bin=$out/fuzz-$1 log=$out/fuzz-$1.log
	local status start runs cov crashes repro

	mkdir -p "$out/artifacts/$name"
	start=$SECONDS
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$name/" -dict="$dict" "$out/corpus/$name" >"$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -oE ' cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
	repro=$(sed -n 's/.*Test unit written to //p' "$log" | grep -v '/slow-unit-' | tail -1)
	crashes=0
	if [ "$status" != 0 ]; then
		crashes=1
	fi
	echo "fuzz-$name: $((SECONDS - start)) s, ${runs:-0} runs, cov ${cov:-0}, $crashes crashes"
	if [ "$status" = 0 ]; then
		return 0
	fi
	echo "fuzz-$name: FAILED (libFuzzer exit $status); log: $log"
	if [ -n "$repro" ]; then
		echo "fuzz-$name: reproducer: $repro"
		echo "fuzz-$name: replay with: $bin $repro"
		echo "fuzz-$name: once fixed, keep it: cp $repro $src/tests/fuzz/regressions/$name/"
	fi
	# The report: from the first line of the sanitizer's (or the harness's)
	# message to libFuzzer's summary.
	sed -n '/^==[0-9]*==\|runtime error:\|^fuzz-'"$name"': \|^ERROR: libFuzzer\|^INFO: libFuzzer: \(timeout\|out-of-memory\)/,$p' "$log" |
		grep -v '^MS: \|^artifact_prefix=\|^Base64: \|^stat::' | head -120
	return 1
}

failed=0
fuzz profile "$src/tests/fuzz/yaml.dict" || failed=1
fuzz snapshot "$src/tests/fuzz/json.dict" || failed=1
fuzz snapblob "$src/tests/fuzz/snapblob.dict" || failed=1
fuzz wantblob "$src/tests/fuzz/snapblob.dict" || failed=1
exit $failed
