#!/bin/sh
# Builds bench-observe straight from the sources (no Makefile needed) and runs
# it.  It unshares its own network namespace; run as root.
#   tests/bench/observe.sh [--pairs N] [--routes N] [--reps N]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${TMPDIR:-/tmp}/bench-observe.$$
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-I"$top/reconciler" \
	"$top/tests/bench/bench-observe.c" \
	"$top"/reconciler/nl.c "$top"/reconciler/nl-batch.c "$top"/reconciler/observe*.c \
	"$top/reconciler/kobj.c" "$top/reconciler/addr.c" \
	$(pkg-config --cflags --libs libnl-3.0) -o "$out"
"$out" "$@"
