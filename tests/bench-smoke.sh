#!/bin/bash
# Every benchmark script (tests/bench/) once, on tiny sizes, with the programs
# `make check` built: a benchmark that no longer builds or runs fails here,
# long before someone needs its figures.  Nothing is timed or compared.
#
# run.sh runs every case but ifupdown2, whose peer is a package that takes
# over the machine's network configuration (ifupdown2 replaces ifupdown), so
# install-deps.sh does not install it; `make bench` installs it when asked.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "the benchmarks need root (network namespaces)"
for t in python3 git unshare perf; do
	command -v "$t" >/dev/null || skip_all "$t not found (tools/install-deps.sh installs it)"
done
make_tmp
B=$BUILDDIR/tests/bench
export BENCH_RUNS=1 BENCH_QUIET=101 BENCH_ADAPTERS=4 BENCH_ROUTES=20 BENCH_PAIRS=2 \
	BENCH_HOSTS=12 BENCH_IFUPDOWN=2

# run.sh: every row of its table present and its checks held (it exits 1
# when a check of the kernel state or a command's exit status did not).
if HOSTNET=$HOSTNET BENCH_EXEC=$B/benchexec BENCH_OUT=$T/run \
	bash "$SRCDIR/tests/bench/run.sh" observe apply prune noop fleet >"$T/run.out" 2>"$T/run.err"; then
	ok "bench/run.sh: observe, apply, prune, noop and fleet run and their checks hold"
else
	not_ok "bench/run.sh: observe, apply, prune, noop and fleet run and their checks hold" \
		"$(tail -n 30 "$T/run.err")"
fi
rows=$(grep -c '^| |' "$T/run.out")
if [ "$rows" = 20 ] && ! grep -q '\*\*exit\|\*\*want' "$T/run.out"; then
	ok "bench/run.sh: 20 result rows, every one checked ok"
else
	not_ok "bench/run.sh: 20 result rows, every one checked ok" "rows: $rows" "$(cat "$T/run.out")"
fi

# observe.sh: the bench-observe program, its own namespace, a tiny table.
if BENCH_OBSERVE=$B/bench-observe bash "$SRCDIR/tests/bench/observe.sh" --pairs 2 --routes 20 --reps 1 \
	>"$T/observe.out" 2>&1 && grep -q '^observed: .* (20 in table 100)' "$T/observe.out" &&
	grep -q 'observe_all() whole process' "$T/observe.out"; then
	ok "bench/observe.sh: bench-observe builds, observes 20 routes and prints its table"
else
	not_ok "bench/observe.sh: bench-observe builds, observes 20 routes and prints its table" \
		"$(tail -n 30 "$T/observe.out")"
fi

# phases.sh: uprobes on hostnet's phase functions, one scenario recorded.
if HOSTNET=$HOSTNET BENCH_OUT=$T/phases bash "$SRCDIR/tests/bench/phases.sh" apply-full observe \
	>"$T/phases.out" 2>"$T/phases.err" &&
	[ "$(grep -c '^ *[0-9.]* *[0-9.]*  *cmd_apply$' "$T/phases.out")" = 1 ] &&
	[ "$(grep -c '^ *[0-9.]* *[0-9.]*  *cmd_observe$' "$T/phases.out")" = 1 ]; then
	ok "bench/phases.sh: the phase timeline of apply and observe"
else
	not_ok "bench/phases.sh: the phase timeline of apply and observe" \
		"$(cat "$T/phases.out")" "$(tail -n 20 "$T/phases.err")"
fi
tap_done
