# Shared helpers for shell tests.  Tests print TAP (ok / not ok lines and a
# plan at the end) so that the automake harness counts each case.
#
# Environment (set by `make check`): HOSTNET (the binary), SRCDIR, BUILDDIR.
# Outside make, they default to the source tree next to this file.

: "${SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
: "${HOSTNET:=$BUILDDIR/hostnet}"

tap_n=0
tap_failed=0

ok() {      # ok DESCRIPTION
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {  # not_ok DESCRIPTION [DETAIL...]
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/# /'
	done
}

check() {   # check DESCRIPTION COMMAND...: ok when COMMAND exits 0
	local desc=$1
	shift
	local out
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "$out"
	fi
}

# A test that cannot run here is skipped, unless HOSTNET_REQUIRE_ALL=1 (CI),
# where a skip would hide a gap and so counts as a failure.
skip_all() {  # skip_all REASON
	if [ "${HOSTNET_REQUIRE_ALL:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - required test could not run: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

# Sets $T to a temporary directory removed when the test exits.  (A function
# called as $(...) would run its trap in the subshell and delete at once.)
make_tmp() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/hostnet-test.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$T'" EXIT
}
