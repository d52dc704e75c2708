#!/bin/sh
# Runs bench-observe (tests/bench/bench-observe.c, built by `make check` or
# `make tests/bench/bench-observe` against libhostnet.a like every test).  It
# unshares its own network namespace; run as root.
#   tests/bench/observe.sh [--pairs N] [--routes N] [--reps N]
# BENCH_OBSERVE names the program when the build tree is not the source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prog=${BENCH_OBSERVE:-$here/bench-observe}
if [ ! -x "$prog" ]; then
	echo "observe.sh: $prog not built (make tests/bench/bench-observe, or set BENCH_OBSERVE)" >&2
	exit 1
fi
exec "$prog" "$@"
