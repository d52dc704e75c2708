#!/bin/bash
# The README's main-job demo (tools/demo.sh) runs and every step behaves.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "the demo needs root (network namespaces)"
command -v git >/dev/null || skip_all "git not found"
make_tmp
if HOSTNET=$HOSTNET bash "$SRCDIR/tools/demo.sh" >"$T/out" 2>&1; then
	ok "tools/demo.sh: validate, plan, apply, no-op plan, drift, heal, refusal"
else
	not_ok "tools/demo.sh: validate, plan, apply, no-op plan, drift, heal, refusal" "$(tail -40 "$T/out")"
fi
grep -q "^No changes. The host matches its profile.$" "$T/out" && ok "the demo's second plan has nothing to do" ||
	not_ok "the demo's second plan has nothing to do"
grep -q "^esx03 has drifted from generation 1" "$T/out" && grep -q "^No drift: esx03 matches generation 2" "$T/out" &&
	ok "the demo reports the injected drift and then none after healing" ||
	not_ok "the demo reports the injected drift and then none after healing"
tap_done
