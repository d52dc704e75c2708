#!/bin/bash
# The JSON Schema (schema/host-profile.schema.json) against the example
# profiles and the bad-profile corpus: tests/schema/check.mjs does the work
# (ajv in strict mode; see the comment at its top), this prints its results
# as TAP through tests/lib.sh.
#
# Needs node and tests/schema/node_modules (cd tests/schema && npm ci);
# without them the test is skipped (a failure under HOSTNET_REQUIRE_ALL=1).

# automake runs tests with $(SHELL), which may be dash: lib.sh needs bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$SRCDIR/tests/schema

command -v node >/dev/null 2>&1 ||
	skip_all "node not found (needed for the JSON Schema cross-check)"
[ -d "$dir/node_modules/ajv" ] && [ -d "$dir/node_modules/yaml" ] ||
	skip_all "tests/schema/node_modules missing (run: cd tests/schema && npm ci)"

make_tmp

# check.mjs prints one record per line: ok<TAB>desc, not_ok<TAB>desc and
# detail<TAB>text lines that belong to the not_ok before them.
node "$dir/check.mjs" --lines --root "$SRCDIR" >"$T/out" 2>"$T/err"
rc=$?

pending=
details=()
flush() {
	if [ -n "$pending" ]; then
		not_ok "$pending" "${details[@]}"
	fi
	pending=
	details=()
}

while IFS= read -r line || [ -n "$line" ]; do
	kind=${line%%$'\t'*}
	text=${line#*$'\t'}
	case $kind in
	ok)
		flush
		ok "$text"
		;;
	not_ok)
		flush
		pending=$text
		;;
	detail)
		if [ -n "$pending" ]; then
			details+=("$text")
		else
			echo "# $text"
		fi
		;;
	*)
		flush
		pending="check.mjs printed an unexpected line"
		details=("$line")
		;;
	esac
done <"$T/out"
flush

# A crash (or an exit status that disagrees with the lines) is a failure too.
if [ "$rc" != 0 ] && [ "$tap_failed" = 0 ]; then
	not_ok "check.mjs exited with status $rc" "$(cat "$T/err")"
elif [ "$tap_n" = 0 ]; then
	not_ok "check.mjs reported nothing" "$(cat "$T/err")"
fi

tap_done
