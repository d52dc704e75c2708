#!/bin/bash
# hostnet validate's command line: sources, refs, exit codes, messages.
. "$(dirname "$0")/lib.sh"
make_tmp

export GIT_CONFIG_NOSYSTEM=1 HOME=$T
git config --global user.email t@example.invalid
git config --global user.name test
git config --global init.defaultBranch main

expect() {  # expect DESC RC EXPECTED-STDERR-LINE CMD...
	local desc=$1 want_rc=$2 want=$3 out rc
	shift 3
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	# A trailing '*' matches the rest of the line (libgit2's own wording).
	if [ "$rc" = "$want_rc" ] && { grep -qxF -- "$want" <<<"$out" ||
		{ [ "${want%\*}" != "$want" ] && grep -qF -- "${want%\*}" <<<"$out"; }; }; then
		ok "$desc"
	else
		not_ok "$desc" "want rc=$want_rc and line: $want" "got rc=$rc:" "$out"
	fi
}

good() {  # a valid profile for host $1 with management address $2
	cat <<EOY
apiVersion: hostnet/v1
kind: HostProfile
host: $1
uplinks: [{name: eth1}, {name: eth2}]
switches: [{name: vs0, uplinks: [eth1, eth2]}]
portgroups: [{name: Management, switch: vs0}]
adapters:
  - {name: vmk0, portgroup: Management, services: [management], ipv4: [$2/24]}
EOY
}

R=$T/repo
mkdir -p "$R/hosts"
good h1 192.0.2.10 >"$R/hosts/h1.yaml"
git -C "$R" init -q && git -C "$R" add -A && git -C "$R" commit -qm one
good h1 192.0.2.11 | sed 's/^kind: HostProfile/kind: HostProfile\nmtu: 9000/' >"$R/hosts/h1.yaml"
git -C "$R" commit -qam "bad key"

expect "an unknown key fails with REF:path:line:col" 1 \
	"main:hosts/h1.yaml:3:1: error: unknown key 'mtu' in profile" \
	"$HOSTNET" validate --repo "$R" --ref main
check "the previous commit still validates (HEAD~1)" \
	"$HOSTNET" validate --repo "$R" --ref HEAD~1
expect "a missing ref is a clear error" 1 \
	"hostnet validate: ref 'nope' not found in repository '$R'" \
	"$HOSTNET" validate --repo "$R" --ref nope
expect "a missing repository is a clear error" 1 \
	"hostnet validate: cannot open git repository '$T/none': *" \
	"$HOSTNET" validate --repo "$T/none"
expect "a missing host profile is a clear error" 1 \
	"error: HEAD~1:hosts/h9.yaml: no such profile" \
	"$HOSTNET" validate --repo "$R" --ref HEAD~1 --host h9
expect "a missing file is a clear error" 1 \
	"error: $T/nofile.yaml: no such profile" \
	"$HOSTNET" validate "$T/nofile.yaml"
expect "--host without --repo is a usage error" 1 \
	"hostnet validate: --ref and --host need --repo" \
	"$HOSTNET" validate --host h1
expect "an unknown command is named" 1 "hostnet: unknown command 'frobnicate'" \
	"$HOSTNET" frobnicate

# A file outside hosts/ is checked on its own; in hosts/ its name must match.
mkdir -p "$T/plain/hosts"
good other 192.0.2.12 >"$T/plain/hosts/h2.yaml"
expect "a host file must be named after its host" 1 \
	"$T/plain/hosts/h2.yaml:3:7: error: host: 'other' does not match the file name (hosts/h2.yaml holds host 'h2')" \
	"$HOSTNET" validate "$T/plain/hosts/h2.yaml"
good h3 192.0.2.13 >"$T/plain/any-name.yaml"
check "a file outside hosts/ need not match its host" "$HOSTNET" validate "$T/plain/any-name.yaml"
(cd "$T/plain" && good h4 192.0.2.14 >h4.yaml)
expect "a relative path is reported as typed" 0 "1 profile checked: 0 errors, 0 warnings" \
	sh -c "cd '$T/plain' && '$HOSTNET' validate h4.yaml"

# Several problems in one run, sorted by position, each once.
cat >"$T/plain/multi.yaml" <<'EOY'
apiVersion: hostnet/v1
kind: HostProfile
host: multi
uplinks: [{name: eth1, mtu: 70000}]
adapters:
  - {name: vmk0, portgroup: Nope, ipv4: [192.0.2.300/24]}
EOY
out=$("$HOSTNET" validate "$T/plain/multi.yaml" 2>&1)
want="$T/plain/multi.yaml:3:7: error: no adapter carries the 'management' service; a host needs one to stay manageable
$T/plain/multi.yaml:4:29: error: mtu: 70000 is out of range (68..65535)
$T/plain/multi.yaml:6:29: error: portgroup: portgroup 'Nope' is not defined
$T/plain/multi.yaml:6:42: error: ipv4: '192.0.2.300/24' is not an IPv4 address with a prefix length (like 192.0.2.10/24)
1 profile checked: 4 errors, 0 warnings"
[ "$out" = "$want" ] && ok "every problem is reported, sorted by position" ||
	not_ok "every problem is reported, sorted by position" "got:" "$out" "want:" "$want"

# A fragment validates on its own but is completed by the hosts extending
# it: plan refuses to realize it alone (it crashed on the partial objects;
# the fuzzer found it).
cat >"$T/plain/frag.yaml" <<'EOY'
apiVersion: hostnet/v1
kind: ProfileFragment
adapters:
  - {name: vmk3, portgroup: Management}
EOY
check "a fragment validates on its own" "$HOSTNET" validate "$T/plain/frag.yaml"
expect "plan refuses a fragment on its own" 1 \
	"$T/plain/frag.yaml:1:1: error: kind: a ProfileFragment is not deployed on its own; plan a host profile that extends it" \
	"$HOSTNET" plan --against-snapshot "$SRCDIR/tests/fuzz/seeds/snapshot/snapshot-esx01.json" "$T/plain/frag.yaml"

check "--help exits 0" "$HOSTNET" validate --help
check "--version exits 0" "$HOSTNET" --version

# One option grammar: every command takes --help, --version and --state, and
# --lock-timeout where it may wait for the state lock; a bad option is one
# message naming the command.
version=$("$HOSTNET" --version)
commands="validate show plan apply confirm drift reconcile ping check observe history state import"
locking=" observe apply drift confirm reconcile "
for c in $commands; do
	out=$("$HOSTNET" "$c" --version 2>&1)
	[ $? = 0 ] && [ "$out" = "$version" ] && ok "$c --version prints '$version'" ||
		not_ok "$c --version" "$out"
	lk=no
	[[ $locking == *" $c "* ]] && lk=yes
	out=$("$HOSTNET" "$c" --help 2>&1)
	if [ $? = 0 ] && grep -q "^  --state PATH " <<<"$out" && grep -q "^  -h, --help " <<<"$out" &&
		grep -q "^  --version " <<<"$out" &&
		[ "$(grep -c "^  --lock-timeout S " <<<"$out")" = "$([ $lk = yes ] && echo 1 || echo 0)" ]; then
		ok "$c --help lists --state, --help, --version; --lock-timeout: $lk"
	else
		not_ok "$c --help lists the common options" "$out"
	fi
done
expect "an unknown option names the command" 1 "hostnet drift: unrecognized option '--bogus'" \
	"$HOSTNET" drift --bogus
expect "an unknown option after the operand too" 1 "hostnet check: unrecognized option '--bogus'" \
	"$HOSTNET" check mtu --bogus
expect "--state without its path is one clear message" 1 \
	"hostnet plan: option '--state' requires an argument" "$HOSTNET" plan --state
expect "--lock-timeout is refused where nothing waits for the lock" 1 \
	"hostnet plan: unrecognized option '--lock-timeout'" "$HOSTNET" plan --lock-timeout 1 x.yaml
expect "a bad --lock-timeout is named" 1 \
	"hostnet observe: --lock-timeout: 'soon' is not a number of seconds" \
	"$HOSTNET" observe --lock-timeout soon
expect "check wants its operand" 1 "usage: hostnet check mtu [--host H] [--state PATH]" \
	"$HOSTNET" check --state "$T/s.db"
# Read-only commands refuse a database that is not there: --state reached
# them wherever it stood.
for args in "state info --state $T/none.db" "state --state $T/none.db info" \
	"history --state $T/none.db" "show --state $T/none.db --snapshot 1 routes" \
	"show routes --snapshot 1 --state $T/none.db"; do
	# shellcheck disable=SC2086
	out=$("$HOSTNET" $args 2>&1)
	[ $? = 1 ] && grep -q "$T/none.db" <<<"$out" && [ ! -e "$T/none.db" ] &&
		ok "hostnet ${args//$T\//} reads the database --state names" || not_ok "hostnet $args" "$out"
done
tap_done
