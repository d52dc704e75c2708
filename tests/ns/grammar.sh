#!/bin/bash
# One option grammar on a real host: --state in several positions on every
# command, and the --host default of drift and check mtu (the one host the
# state database has applied generations of; several: which; none: the
# machine's name, or the kernel's MTUs for check mtu).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
unset HOSTNET_STATE
export NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 HOME=$T
ip link add eth1 type veth peer name eth1p

profile() {  # profile HOST ADAPTER-MTU LAST-OCTET
	cat <<EOY
apiVersion: hostnet/v1
kind: HostProfile
host: $1
uplinks: [{name: eth1, mtu: 9000}]
switches: [{name: vs0, mtu: 9000, uplinks: [eth1]}]
portgroups: [{name: Management, switch: vs0}]
stacks: [{name: default, gateway: {ipv4: 192.0.2.1}}]
adapters:
  - {name: vmk0, portgroup: Management, services: [management], mtu: $2, ipv4: [192.0.2.$3/24]}
EOY
}
R=$T/profiles
mkdir -p "$R/hosts"
profile hv07 9000 7 >"$R/hosts/hv07.yaml"
profile hv08 1500 8 >"$R/hosts/hv08.yaml"
git -C "$R" init -q -b main && git -C "$R" add -A &&
	git -C "$R" -c user.name=t -c user.email=t@example.invalid commit -qm profiles

run() {  # run DESC WANT-RC PATTERN ARGS...: PATTERN (grep -E) in stdout+stderr
	local desc=$1 want_rc=$2 pat=$3 out rc
	shift 3
	out=$("$HOSTNET" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -qE -- "$pat" <<<"$out"; then
		ok "$desc"
	else
		not_ok "$desc" "hostnet $*" "want rc=$want_rc and /$pat/, got rc=$rc:" "$out"
	fi
}

# --- one host in the database ---------------------------------------------
A=$T/one/state.db
run "apply --state PATH at the end" 0 "verified" \
	apply --repo "$R" --host hv07 --auto-approve --state "$A"
run "drift without --host compares with the database's one host" 0 \
	"^No drift: hv07 matches generation 1 " drift --state "$A"
run "drift --exit-code --state PATH" 0 "^No drift: hv07" drift --exit-code --state "$A"
run "drift --state PATH --exit-code" 0 "^No drift: hv07" drift --state "$A" --exit-code
ip link set vmk0 mtu 1500
run "check mtu --state PATH checks the one host's generation" 2 \
	"^checking hv07 against generation 1 \(the last applied\)$" check mtu --state "$A"
run "check mtu reports an adapter below its profile's MTU as drift" 2 \
	"^vmk0     MTU 9000 to 192.0.2.1 \(stack default\): DRIFT: the adapter's MTU is 1500$" \
	check --state "$A" mtu
run "drift without --host sees the changed MTU of the one host" 2 "^hv07 has drifted" \
	drift --state "$A" --exit-code

# --- several hosts ----------------------------------------------------------
B=$T/two/state.db
run "apply --state PATH at the start" 0 "verified" \
	apply --state "$B" --repo "$R" --host hv07 --auto-approve
run "a second host applied to the same database" 0 "verified" \
	apply --repo "$R" --host hv08 --state "$B" --auto-approve --allow-management-change
run "drift without --host names the hosts when there are several" 1 \
	"^hostnet drift: $B holds applied generations of 2 hosts \(hv07, hv08\); --host picks one$" \
	drift --state "$B"
run "check mtu without --host names the hosts when there are several" 1 \
	"^hostnet check: $B holds applied generations of 2 hosts \(hv07, hv08\); --host picks one$" \
	check mtu --state "$B"
run "drift --host picks one of several" 0 "^No drift: hv08 matches generation 2 " \
	drift --host hv08 --state "$B"
run "check mtu --host picks one of several" 0 "^checking hv08 against generation 2 " \
	check mtu --host hv08 --state "$B"

# --- no applied generation --------------------------------------------------
C=$T/none/state.db
short=$(uname -n)
short=${short%%.*}
run "observe -q --state PATH --lock-timeout S" 0 "^1$" observe -q --state "$C" --lock-timeout 1
run "drift without --host and without generations keeps its message" 1 \
	"^hostnet drift: no applied generation of host $short in $C: nothing to compare with until 'hostnet apply' has run$" \
	drift --state "$C"
out=$("$HOSTNET" check mtu --state "$C" 2>&1)
[ $? = 0 ] && [ "$out" = "no adapter above MTU 1500 with a gateway to check" ] &&
	ok "check mtu without generations checks the kernel's MTUs" ||
	not_ok "check mtu without generations checks the kernel's MTUs" "$out"
run "check mtu --host without a generation of it is an error" 1 \
	"^hostnet check: no applied generation of host hv07 in $C$" check mtu --host hv07 --state "$C"

# --- --state before and after the operands of every other command ---------
P=$R/hosts/hv08.yaml
run "validate --state PATH FILE" 0 "1 profile checked" validate --state "$B" "$P"
run "validate FILE --state PATH" 0 "1 profile checked" validate "$P" --state "$B"
run "show --state PATH adapters" 0 "^vmk0 " show --state "$B" adapters
run "show adapters --state PATH" 0 "^vmk0 " show adapters --state "$B"
run "show --snapshot ID --state PATH routes" 0 "^TABLE " show --snapshot 1 --state "$B" routes
run "plan --state PATH --repo" 0 "^No changes" plan --state "$B" --repo "$R" --host hv08
run "plan FILE --state PATH" 0 "^No changes" plan "$P" --state "$B"
run "apply --state PATH FILE --lock-timeout S" 0 "^No changes" \
	apply --state "$B" "$P" --auto-approve --lock-timeout 2
run "confirm --expire --state PATH" 0 "^0 changes rolled back$" confirm --expire --state "$B"
run "confirm --state PATH --expire" 0 "^0 changes rolled back$" confirm --state "$B" --expire
run "reconcile --state PATH keeps its mirror beside that database" 0 "hv08" \
	reconcile --state "$B" --remote "$R" --host hv08
[ -d "$T/two/profiles.git" ] && ok "the mirror is beside the --state database" ||
	not_ok "the mirror is beside the --state database" "$(ls "$T/two")"
run "reconcile ... --state PATH" 0 "^hv08 is up to date" \
	reconcile --remote "$R" --host hv08 --state "$B" --lock-timeout 1
run "ping --state PATH DEST" 1 "^1 packets transmitted, 0 received" \
	ping --state "$B" -c 1 -W 0.2 192.0.2.1
run "ping DEST --state PATH" 1 "^1 packets transmitted, 0 received" \
	ping -c 1 -W 0.2 192.0.2.1 --state "$B"
run "observe --state PATH -q" 0 "^[0-9]+$" observe --state "$B" -q
run "history --state PATH" 0 "generation +[0-9]+ +hv08 +[^ ]+ +applied" history --state "$B" --limit 5
run "history --limit N --state PATH" 0 "snapshot" history --limit 5 --state "$B"
run "state check --state PATH" 0 "^$B: ok$" state check --state "$B"
run "state --state PATH info" 0 "^path: $B$" state --state "$B" info
tap_done
