#!/bin/bash
# Where the time of one hostnet command goes: uprobes on hostnet's phase
# functions (perf probe), one run in a private namespace, and a timeline of
# the phases with their durations.  As root, needs perf and a hostnet built
# with -g (the default CFLAGS have it):
#   HOSTNET=/path/to/hostnet tests/bench/phases.sh [SCENARIO...]
# SCENARIO: apply-routes (1 adapter + 100,000 routes from zero),
#   apply-adapters (1,000 adapters from zero), apply-full (1,000 adapters +
#   10,000 routes from zero), noop-plan, noop-apply (that host applied, then
#   plan / apply again), observe (1,000 links + 100,000 routes), show-routes
#   (hostnet show routes --json there).  Default: all.
# The probes are defined in a group of this run's own, "hnbench<pid>", and
# deleted on exit.  Only enabled while perf records, so nothing else is
# slowed down.  Sizes: BENCH_ADAPTERS (1000) and BENCH_ROUTES (100000), as in
# run.sh (tests/bench-smoke.sh makes them tiny).
set -euo pipefail
D=$(cd "$(dirname "$0")" && pwd)
: "${HOSTNET:=$D/../../hostnet}"
HOSTNET=$(readlink -f "$HOSTNET")
ALL="apply-routes apply-adapters apply-full noop-plan noop-apply observe show-routes"
SCEN=${*:-$ALL}
[ "$(id -u)" = 0 ] || { echo "phases: needs root" >&2; exit 1; }
command -v perf >/dev/null || { echo "phases: perf not found" >&2; exit 1; }

OUT=${BENCH_OUT:-$(mktemp -d /tmp/hostnet-phases.XXXXXX)}
mkdir -p "$OUT/gen" "$OUT/raw" "$OUT/log"
OUT=$(readlink -f "$OUT")
G=$OUT/gen
NA=${BENCH_ADAPTERS:-1000} NR=${BENCH_ROUTES:-100000}
export BENCH_V_ROUTES=A1R$NR BENCH_V_ADAPTERS=A${NA}R0 BENCH_V_FULL=A${NA}R$((NR / 10))
export BENCH_V_OBSERVE=observe-$((NA / 2))-$NR
for v in $BENCH_V_ROUTES $BENCH_V_ADAPTERS $BENCH_V_FULL; do
	a=${v#A}; a=${a%%R*}; r=${v#*R}
	mkdir -p "$G/$v/hosts"
	[ -s "$G/$v/hosts/bench.yaml" ] || python3 "$D/gen.py" profile "$G/$v/hosts/bench.yaml" "$a" "$r"
done
[ -s "$G/$BENCH_V_OBSERVE.txt" ] || python3 "$D/gen.py" observe-batch "$G/$BENCH_V_OBSERVE.txt" $((NA / 2)) "$NR"

FUNCS="cmd_apply cmd_plan cmd_observe cmd_show generation_doc cmd_desired_load validate_profile realize_profile cmd_want_hash want_to_json cmd_check_kernel
	observe_caps store_open observe_all diff_compute plan_to_json cmd_state_hash plan_print_text
	store_snapshot_save store_generation_begin apply_diff store_generation_finish view_build"
# Concurrent runs (two builds' `make check`) each own their probes.
export BENCH_PROBES=hnbench$$
cleanup() { perf probe -q -d "$BENCH_PROBES:*" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
for f in $FUNCS; do
	perf probe -q -x "$HOSTNET" -a "$BENCH_PROBES:$f=$f" >/dev/null 2>&1 &&
		perf probe -q -x "$HOSTNET" -a "$BENCH_PROBES:$f=$f%return" >/dev/null 2>&1 ||
		echo "phases: no probe on $f (inlined or absent)" >&2
done

BENCH_ROOTNS=$(readlink /proc/self/ns/net)
export HOSTNET BENCH_OUT=$OUT BENCH_ROOTNS
export BENCH_EXEC=/bin/false   # ns.sh's timing helper is not used here
for s in $SCEN; do
	rm -f "$OUT/phases.$s.data"
	unshare --net --mount --propagation private -- bash "$D/ns.sh" phases "$s"
	echo "== $s: $(tail -n1 "$OUT/log/phases.$s.out" 2>/dev/null)"
	perf script -i "$OUT/phases.$s.data" -F time,event 2>/dev/null | python3 -c '
import sys
ev = []
for line in sys.stdin:
    p = line.split()
    if len(p) >= 2:
        ev.append((float(p[0].rstrip(":")), p[1].rstrip(":").split(":")[-1]))
if not ev:
    sys.exit("no events recorded")
t0 = ev[0][0]
stack = []
rows = []
for t, name in ev:
    if name.endswith("__return"):
        base = name[:-len("__return")]
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][1] == base:
                st, _, depth = stack.pop(i)
                rows.append((st, depth, base, t - st))
                break
    else:
        stack.append((t, name, len(stack)))
rows.sort()
print("   start ms   duration ms  phase")
for st, depth, name, d in rows:
    indent = "  " * depth
    print(f"{(st - t0) * 1000:11.1f} {d * 1000:13.1f}  {indent}{name}")
print(f"{(ev[-1][0] - t0) * 1000:11.1f}                end (last probe)")
'
done
