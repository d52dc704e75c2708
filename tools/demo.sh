#!/bin/bash
# hostnet's main job, start to finish, on the shipped examples, inside a
# throwaway network namespace: your own interfaces are never touched, and
# everything the demo creates disappears when it ends.
#
#   sudo tools/demo.sh            (after building; uses ./hostnet)
#
# validate -> plan -> apply -> plan again (nothing to do) -> inject drift ->
# drift report -> heal -> a profile this kernel cannot realize is refused.
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

work=$(mktemp -d /tmp/hostnet-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOSTNET_STATE=$work/state.db NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 HOME=$work
failed=0
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
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

# The host: lo, and veth stand-ins for its NICs eth1..eth5.
ip link set lo up
sysctl -qw net.ipv6.conf.all.addr_gen_mode=1 net.ipv6.conf.default.addr_gen_mode=1
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done

# The profiles repository: the examples, committed to git.
cp -r "$top/examples/profiles" "$work/repo"
git -C "$work/repo" init -q -b main
git -C "$work/repo" -c user.name=demo -c user.email=demo@example.invalid add -A
git -C "$work/repo" -c user.name=demo -c user.email=demo@example.invalid commit -qm "host profiles"
R=$work/repo

run 0 "$HOSTNET" validate --repo "$R"
run 2 "$HOSTNET" plan --repo "$R" --host esx03 --detailed-exitcode
run 0 "$HOSTNET" apply --repo "$R" --host esx03 --auto-approve
run 0 "$HOSTNET" plan --repo "$R" --host esx03 --detailed-exitcode
run 0 "$HOSTNET" show adapters
run 0 "$HOSTNET" show stacks

step "ip link set vmk1 mtu 1500 && ip route del default table 100   # somebody changes the host"
ip link set vmk1 mtu 1500
ip route del default table 100
run 2 "$HOSTNET" drift --host esx03 --exit-code
run 0 "$HOSTNET" apply --repo "$R" --host esx03 --auto-approve
run 0 "$HOSTNET" drift --host esx03 --exit-code
run 0 "$HOSTNET" history --limit 6

# esx04 uses tagged VLANs and a VRF: on a kernel without them the plan is
# refused before anything changes (exit 1), naming the lines.
step "$HOSTNET plan --repo $R --host esx04"
out=$("$HOSTNET" plan --repo "$R" --host esx04 2>&1)
rc=$?
echo "$out"
if [ $rc = 1 ] && ! grep -q "which this kernel lacks; nothing was changed" <<<"$out"; then
	echo "demo: esx04 failed for another reason than a missing kernel feature" >&2
	failed=1
fi

echo
if [ $failed = 0 ]; then
	echo "demo: every step behaved as expected; the namespace and its state are gone now."
else
	echo "demo: some step did not behave as expected (see above)" >&2
fi
exit $failed
