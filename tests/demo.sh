#!/bin/bash
# The README's main-job demo (tools/demo.sh) runs and every step behaves.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "the demo needs root (network namespaces)"
command -v git >/dev/null || skip_all "git not found"
command -v script >/dev/null || skip_all "script not found (util-linux)"
make_tmp
if HOSTNET=$HOSTNET bash "$SRCDIR/tools/demo.sh" >"$T/out" 2>&1; then
	ok "tools/demo.sh: validate, plan, apply, no-op plan, drift, heal, prune, refusals, settings"
else
	not_ok "tools/demo.sh: validate, plan, apply, no-op plan, drift, heal, prune, refusals, settings" \
		"$(tail -40 "$T/out")"
fi
grep -q "^No changes. The host matches its profile.$" "$T/out" && ok "the demo's second plan has nothing to do" ||
	not_ok "the demo's second plan has nothing to do"
grep -q "^esx03 has drifted from generation 1" "$T/out" && grep -q "^No drift: esx03 matches generation 2" "$T/out" &&
	ok "the demo reports the injected drift and then none after healing" ||
	not_ok "the demo reports the injected drift and then none after healing"

# The first plan is saved and applied from its file: printed once.
n=$(grep -c '^  + link vmk0 (veth)  # HEAD:hosts/esx03.yaml' "$T/out")
[ "$n" = 1 ] && grep -q '^Applying the saved plan .*/esx03\.plan for esx03\.  Plan: ' "$T/out" &&
	ok "the plan is printed once: apply of the saved plan names it instead" ||
	not_ok "the plan is printed once: apply of the saved plan names it instead" "printed $n times"

grep -q '^  - link vmk2 (veth)  # no longer in the profile$' "$T/out" &&
	grep -q '^Apply complete: 0 added, 0 changed, 3 destroyed' "$T/out" &&
	grep -q '^Device "vmk2" does not exist\.$' "$T/out" &&
	ok "a commit that removes vmk2 makes a plan with '-' lines and apply removes it" ||
	not_ok "a commit that removes vmk2 makes a plan with '-' lines and apply removes it"

grep -q 'error: teaming needs bonding (bond), which this kernel lacks; nothing was changed' "$T/out" &&
	grep -q '^qdisc tbf .* rate 2Gbit .* peakrate 4Gbit' "$T/out" &&
	grep -q '^aa:05:27:2a:c7:fd master vs0 static$' "$T/out" &&
	grep -q '^net.ipv6.conf.vmk0.autoconf = 1$' "$T/out" &&
	grep -q '^No drift: esx05 matches generation 1' "$T/out" &&
	ok "esx05: teaming refused; shaping, security policy and SLAAC realized without drift" ||
	not_ok "esx05: teaming refused; shaping, security policy and SLAAC realized without drift"

# Escape sequences only on a terminal without NO_COLOR.
esc=$'\033'
! grep -q "$esc" "$T/out" && ok "no escape sequence in the demo's piped output" ||
	not_ok "no escape sequence in the demo's piped output" "$(grep -m3 "$esc" "$T/out" | cat -v)"
tty_run() {  # tty_run OUT ENV...: the demo on a terminal (script's pty)
	local out=$1
	shift
	env "$@" HOSTNET="$HOSTNET" script -qec "bash '$SRCDIR/tools/demo.sh'" /dev/null >"$out" 2>&1 </dev/null
}
tty_run "$T/tty-nocolor" NO_COLOR=1
tty_run "$T/tty-color" -u NO_COLOR
! grep -q "$esc" "$T/tty-nocolor" && grep -q "$esc\[1m\\$ " "$T/tty-color" &&
	ok "on a terminal: bold step headers, none under NO_COLOR=1" ||
	not_ok "on a terminal: bold step headers, none under NO_COLOR=1" \
		"NO_COLOR=1: $(grep -c "$esc" "$T/tty-nocolor") lines with ESC" \
		"colour: $(grep -c "$esc\[1m\\$ " "$T/tty-color") bold headers"
tap_done
