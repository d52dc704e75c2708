#!/bin/bash
# Each tests/bad/*.yaml must be rejected with exactly the errors its header
# names.  Header lines (comments at the top of the file):
#   # expect: LINE:COL: error: MESSAGE     (one line per expected error; the
#   # expect: error: MESSAGE                file's path is put in front)
#   # expect-at: PATH:LINE:COL: error: MESSAGE
#                                          (an error located in another file,
#                                          such as a fragment named by extends;
#                                          taken verbatim, PATH relative to
#                                          tests/bad)
#   # schema: reject|accept|skip           (for tests/schema.sh)
# Warnings may be expected too; unexpected errors fail the case.
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR/tests/bad" || exit 1

n=0
for f in *.yaml; do
	n=$((n + 1))
	mapfile -t want < <(
		sed -n 's/^# expect: //p' "$f" | while IFS= read -r line; do
			case $line in
			[0-9]*) printf '%s:%s\n' "$f" "$line" ;;
			*) printf '%s: %s\n' "$f" "$line" ;;
			esac
		done
		sed -n 's/^# expect-at: //p' "$f"
	)
	out=$("$HOSTNET" validate -q "$f" 2>&1 >/dev/null)
	rc=$?
	problems=()
	[ ${#want[@]} -gt 0 ] || problems+=("no '# expect:' or '# expect-at:' header")
	[ $rc = 1 ] || problems+=("exit status $rc, want 1")
	for w in "${want[@]}"; do
		grep -qxF -- "$w" <<<"$out" || problems+=("missing: $w")
	done
	got_errors=$(grep -c ': error: ' <<<"$out")
	want_errors=$(printf '%s\n' "${want[@]}" | grep -c ': error: ')
	[ "$got_errors" = "$want_errors" ] ||
		problems+=("$got_errors errors, want $want_errors")
	if [ ${#problems[@]} = 0 ]; then
		ok "$f is rejected with its expected errors"
	else
		not_ok "$f is rejected with its expected errors" "${problems[@]}" "output:" "$out"
	fi
done
[ $n -ge 40 ] && ok "the corpus has at least 40 bad profiles ($n)" ||
	not_ok "the corpus has at least 40 bad profiles ($n)"
tap_done
