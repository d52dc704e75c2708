#!/bin/bash
# check-kernel.sh SRCDIR BUILDDIR TEST...: the namespace tests for what this
# machine's kernel lacks (8021q, VRF, bonding, bridge VLAN filtering), run in
# ONE boot of Debian 12's own kernel under qemu (tools/vm-run.sh).  Each
# boot costs 10-20 s of emulation, so every test runs inside the same guest;
# everything is built on the host beforehand (compiling inside the emulated
# guest is slow).  Prints each test's TAP and ends with "N passed, N failed",
# counted per test case.  Exit 0 when nothing failed.
#
# No VM (no qemu, no kernel package, no boot: vm-run exits 125) is a skip
# (exit 0, saying so), or a failure under HOSTNET_REQUIRE_ALL=1.
#
# Inside the guest this script runs itself again as
#   check-kernel.sh --in-vm SRCDIR BUILDDIR TEST...
set -u

summary() {  # summary LOG: the totals of the TAP lines in LOG
	local p f
	p=$(grep -cE '^ok ' "$1")
	f=$(grep -cE '^not ok ' "$1")
	echo "${p:-0} passed, ${f:-0} failed"
	[ "${f:-0}" = 0 ]
}

if [ "${1:-}" = --in-vm ]; then
	shift
	export SRCDIR=$1 BUILDDIR=$2 HOSTNET=$2/hostnet
	shift 2
	uname -r | sed 's/^/# kernel: /'
	for t in "$@"; do
		echo "# --- $t"
		start=$(date +%s)
		# A script that stops early without a "not ok" still fails.
		if ! bash "$SRCDIR/$t" </dev/null 2>&1; then
			echo "not ok - $t exited non-zero"
		fi
		echo "# $t: $(($(date +%s) - start)) s"
	done
	exit 0
fi

[ $# -ge 3 ] || { echo "usage: tools/check-kernel.sh SRCDIR BUILDDIR TEST..." >&2; exit 2; }
srcdir=$(cd "$1" && pwd) builddir=$(cd "$2" && pwd)
shift 2
log=$(mktemp "${TMPDIR:-/tmp}/check-kernel.XXXXXX")
trap 'rm -f "$log"' EXIT
start=$(date +%s)
(cd "$builddir" && "$srcdir/tools/vm-run.sh" bash "$srcdir/tools/check-kernel.sh" --in-vm \
	"$srcdir" "$builddir" "$@") 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "# check-kernel: $(($(date +%s) - start)) s in all (one boot)"
if [ $rc = 125 ]; then
	if [ "${HOSTNET_REQUIRE_ALL:-0}" = 1 ]; then
		echo "not ok - no VM to run the kernel tests in (see above)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "# SKIP: no VM to run the kernel tests in (see above)"
	echo "0 passed, 0 failed"
	exit 0
fi
if [ $rc != 0 ]; then
	echo "not ok - tools/vm-run.sh exited $rc" | tee -a "$log"
fi
summary "$log"
