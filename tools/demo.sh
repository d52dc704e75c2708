#!/bin/bash
# hostnet's main job, start to finish, on the shipped examples, inside a
# throwaway network namespace: your own interfaces are never touched, and
# everything the demo creates disappears when it ends.
#
#   sudo tools/demo.sh            (after building; uses ./hostnet)
#
# validate -> plan to a file -> apply that plan -> plan again (nothing to do)
# -> inject drift -> drift report -> heal -> a commit removes an adapter: the
# plan prunes it -> a profile this kernel cannot realize is refused -> the
# adapter settings it can realize (esx05 without teaming and DHCP), in a
# namespace of their own.
#
# Bold step headers only when stdout is a terminal and NO_COLOR is unset;
# hostnet itself decides the same way.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
HOSTNET=${HOSTNET:-$top/hostnet}

if [ -z "${HOSTNET_DEMO_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates a private network namespace)" >&2; exit 1; }
	[ -x "$HOSTNET" ] || { echo "demo: build hostnet first (./configure && make)" >&2; exit 1; }
	HOSTNET_DEMO_OUTER=$(readlink /proc/self/ns/net) HOSTNET_DEMO_NETNS=1 \
		exec unshare --net -- bash "$0" "$@"
fi
# Only in a fresh namespace of its own: not the caller's, not PID 1's, and
# nothing in it but lo.
self=$(readlink /proc/self/ns/net)
if [ -z "$self" ] || [ "$self" = "${HOSTNET_DEMO_OUTER:-}" ] ||
	[ "$self" = "$(readlink /proc/1/ns/net 2>/dev/null)" ] ||
	[ "$(ip -o link show | grep -vc ': lo:')" != 0 ]; then
	echo "demo: not in a fresh private network namespace; refusing to go on" >&2
	exit 1
fi

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	bold=$'\033[1m' plain=$'\033[0m' gitcolor=auto
else
	bold='' plain='' gitcolor=never
fi
# git of the profiles repository: no pager, colour as above.
g() { git --no-pager -c color.ui=$gitcolor -C "$R" "$@"; }
failed=0
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
run() {  # run EXPECTED-RC CMD...
	local want=$1 rc
	shift
	step "$*"
	"$@"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "demo: expected exit status $want, got $rc" >&2
		failed=1
	fi
}
commit() {  # commit MESSAGE: commit the profiles repository's work tree
	g -c user.name=demo -c user.email=demo@example.invalid commit -qam "$1"
}

# The host: lo, and veth stand-ins for its NICs eth1..eth5.
ip link set lo up
sysctl -qw net.ipv6.conf.all.addr_gen_mode=1 net.ipv6.conf.default.addr_gen_mode=1
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done

# --- esx05's adapter settings: a host of its own, in a namespace of its own
# inside this one (started below, when the main part is done).
if [ "${HOSTNET_DEMO_SECTION:-}" = esx05 ]; then
	R=$HOSTNET_DEMO_REPO
	export HOSTNET_STATE=$HOSTNET_DEMO_WORK/esx05.db
	run 2 "$HOSTNET" plan --repo "$R" --host esx05 --out "$HOSTNET_DEMO_WORK/esx05.plan" --detailed-exitcode
	run 0 "$HOSTNET" apply --auto-approve "$HOSTNET_DEMO_WORK/esx05.plan"
	run 0 "$HOSTNET" show interfaces
	run 0 tc qdisc show dev vmk1
	run 0 bridge fdb show dev vmk0p state static
	run 0 sysctl net.ipv6.conf.vmk0.accept_ra net.ipv6.conf.vmk0.autoconf
	run 0 "$HOSTNET" drift --host esx05 --exit-code
	exit $failed
fi

work=$(mktemp -d /tmp/hostnet-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOSTNET_STATE=$work/state.db GIT_CONFIG_NOSYSTEM=1 HOME=$work
# The published service endpoints and iSCSI records stay in the demo's directory too.
export HOSTNET_SERVICES_DIR=$work/run HOSTNET_ISCSI_IFACES_DIR=$work/iscsi

# The profiles repository: the examples, committed to git.
cp -r "$top/examples/profiles" "$work/repo"
R=$work/repo
g init -q -b main
g add -A
commit "host profiles"

# Plan to a file, then apply exactly that plan (it is not printed again).
run 0 "$HOSTNET" validate --repo "$R"
run 2 "$HOSTNET" plan --repo "$R" --host esx03 --out "$work/esx03.plan" --detailed-exitcode
run 0 "$HOSTNET" apply --auto-approve "$work/esx03.plan"
run 0 "$HOSTNET" plan --repo "$R" --host esx03 --detailed-exitcode
run 0 "$HOSTNET" show adapters
run 0 "$HOSTNET" show stacks

step "ip link set vmk1 mtu 1500 && ip route del default table 100   # somebody changes the host"
ip link set vmk1 mtu 1500
ip route del default table 100
run 2 "$HOSTNET" drift --host esx03 --exit-code
run 0 "$HOSTNET" apply --repo "$R" --host esx03 --auto-approve
run 0 "$HOSTNET" drift --host esx03 --exit-code

# A commit removes vmk2 (vSAN) from esx03: the plan prunes the adapter, its
# port and its routes, and apply removes them.
step "git commit -m 'esx03: vSAN leaves this host'   # vmk2 removed from hosts/esx03.yaml"
sed -i '/^  - name: vmk2$/,$d' "$R/hosts/esx03.yaml"
commit "esx03: vSAN leaves this host"
g show --stat --format='%h %s' HEAD
run 2 "$HOSTNET" plan --repo "$R" --host esx03 --out "$work/prune.plan" --detailed-exitcode
run 0 "$HOSTNET" apply --auto-approve "$work/prune.plan"
run 1 ip link show vmk2
run 0 "$HOSTNET" history --limit 6

# esx04 uses tagged VLANs and a VRF: on a kernel without them the plan is
# refused before anything changes (exit 1), naming the lines.  So is esx05's
# teamed switch on a kernel without bonding.
for h in esx04 esx05; do
	step "$HOSTNET plan --repo $R --host $h"
	out=$("$HOSTNET" plan --repo "$R" --host "$h" 2>&1)
	rc=$?
	echo "$out"
	if [ $rc = 1 ] && ! grep -q "which this kernel lacks; nothing was changed" <<<"$out"; then
		echo "demo: $h failed for another reason than a missing kernel feature" >&2
		failed=1
	fi
done

# esx05's other adapter settings need no bonding: shaping (a tbf qdisc on
# vmk1), the security policy (a locked bridge port with a static FDB entry
# for vmk0's MAC) and SLAAC.  Its DHCP needs a DHCP server, which this
# namespace has not (tests/ns/settings.sh runs one): the variant gives vmk0 a
# static address and its switch no teaming.
step "git commit -m 'esx05 on this kernel: no teaming, a static vmk0 address'"
sed -i -e '/^    teaming:$/,/^      standby:/d' \
	-e 's|^    ipv4: dhcp .*|    ipv4: [192.0.2.15/24]  # DHCP needs a server: tests/ns/settings.sh|' \
	"$R/hosts/esx05.yaml"
commit "esx05 on this kernel: no teaming, a static vmk0 address"
g show --format='%h %s' HEAD | sed -n '/^@@/,$p'
HOSTNET_DEMO_OUTER=$self HOSTNET_DEMO_SECTION=esx05 HOSTNET_DEMO_REPO=$R HOSTNET_DEMO_WORK=$work \
	unshare --net -- bash "$0" || failed=1

echo
if [ $failed = 0 ]; then
	echo "demo: every step behaved as expected; the namespace and its state are gone now."
else
	echo "demo: some step did not behave as expected (see above)" >&2
fi
exit $failed
