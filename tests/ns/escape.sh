#!/bin/bash
# Text output escapes what comes from outside (issue 12, item 8): a git file
# name with an escape sequence and a newline, and kernel names and aliases
# with escapes, never reach the terminal raw; JSON keeps them exact.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
command -v git >/dev/null || skip_all "git not found"
command -v python3 >/dev/null || skip_all "python3 not found"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state/state.db
export HOME=$T GIT_CONFIG_NOSYSTEM=1
git config --global user.email t@example.invalid
git config --global user.name test

ESC=$'\e'
# raw_free DESCRIPTION FILE: no ESC byte, no C1 byte pair, no line that
# starts where the file name's newline would have put it.
raw_free() {
	if grep -q "$ESC" "$2" || grep -q '^name\.yaml' "$2" || grep -qaP '\xc2[\x80-\x9f]' "$2" ||
	   grep -qaP '\xe2\x80\xae' "$2"; then
		not_ok "$1" "$(cat -A "$2")"
	else
		ok "$1"
	fi
}
# has DESCRIPTION FILE TEXT: the escaped form is shown (the name is not dropped).
has() {
	grep -qF -- "$3" "$2" && ok "$1" || not_ok "$1" "want: $3" "$(cat -A "$2")"
}

# --- a git file name with an escape sequence and a newline ------------------
R=$T/repo
evil="ev${ESC}[31mil"$'\n'"name"
mkdir -p "$R/hosts"
cp "$SRCDIR/examples/profiles/hosts/esx01.yaml" "$R/hosts/"
git -C "$R" init -q && git -C "$R" add -A && git -C "$R" commit -qm base
printf 'apiVersion: hostnet/v1\nkind: HostProfile\nhost: x\n' >"$R/hosts/$evil.yaml"
git -C "$R" add -A && git -C "$R" commit -qm evil

"$HOSTNET" validate --repo "$R" >"$T/v.out" 2>&1
raw_free "validate --repo escapes a file name with ESC and a newline" "$T/v.out"
has "validate --repo shows the escaped file name" "$T/v.out" 'HEAD:hosts/ev\x1b[31mil\nname.yaml:3:7: error:'
"$HOSTNET" plan --repo "$R" --base HEAD~1 --head HEAD >"$T/p.out" 2>&1
raw_free "plan --base/--head (text) escapes the host's file name" "$T/p.out"
has "plan --base/--head names the host escaped" "$T/p.out" '== ev\x1b[31mil\nname =='
"$HOSTNET" plan --repo "$R" --base HEAD~1 --head HEAD --format markdown >"$T/m.out" 2>&1
raw_free "plan --base/--head (markdown) escapes the host's file name" "$T/m.out"
has "the markdown table names the host escaped" "$T/m.out" '| `ev\x1b[31mil\nname` |'
"$HOSTNET" validate --repo "$R" --host "$evil" >"$T/h.out" 2>&1
raw_free "an error message quoting the name escapes it" "$T/h.out"

# --- kernel names and aliases ------------------------------------------------
alias_raw="${ESC}[31mred"$'\n'"line"$'\u202e'
ip link add "ev${ESC}[1m" type veth peer name evp
ip link set evp alias "$alias_raw"
"$HOSTNET" show interfaces >"$T/s.out" 2>&1
raw_free "show interfaces escapes a link name and an alias from the kernel" "$T/s.out"
has "show interfaces shows the escaped name" "$T/s.out" 'ev\x1b[1m'
has "show interfaces shows the escaped alias" "$T/s.out" '\x1b[31mred\nline\u202e'
"$HOSTNET" show interfaces --json >"$T/s.json"
if out=$(python3 - "$T/s.json" "$alias_raw" <<'EOP' 2>&1
import json, sys
links = {l["name"]: l for l in json.load(open(sys.argv[1]))}
assert "ev\x1b[1m" in links, sorted(links)
assert links["evp"]["alias"] == sys.argv[2], links["evp"]["alias"]
EOP
); then ok "show --json keeps the name and alias exact"; else not_ok "show --json keeps the name and alias exact" "$out"; fi

# A link in hostnet's group with an alias of escapes: the plan prunes it
# and prints its name and alias escaped.
for i in 1 2 3 4; do ip link add eth$i type veth peer name eth${i}p; done
ip link add "vmk${ESC}[2J" type veth peer name vmkxp
ip link set "vmk${ESC}[2J" group 0x686e7374 alias "hostnet:adapter ${ESC}]0;pwned${ESC}\\"
"$HOSTNET" plan "$SRCDIR/examples/profiles/hosts/esx01.yaml" >"$T/k.out" 2>&1
raw_free "plan escapes kernel link names and aliases" "$T/k.out"
has "plan names the pruned link escaped" "$T/k.out" 'vmk\x1b[2J'

tap_done
