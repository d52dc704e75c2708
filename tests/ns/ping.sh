#!/bin/bash
# hostnet ping (vmkping) and hostnet check mtu against gateways in a second
# namespace, so the echo really crosses the adapter, switch and uplink.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done
unshare --net sleep 600 &
router=$!
trap 'kill $router 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.2
R() { nsenter -t "$router" -n "$@"; }
ip link set eth1p netns "$router"
ip link set eth3p netns "$router"
R ip link set lo up
R ip addr add 192.0.2.65/26 dev eth1p
R ip link set eth1p up
R ip link set eth3p mtu 9000
R ip addr add 198.51.100.65/26 dev eth3p
R ip link set eth3p up
"$HOSTNET" apply --auto-approve "$SRCDIR/examples/profiles/hosts/esx01.yaml" >/dev/null 2>&1 ||
	not_ok "esx01 applies"

out=$("$HOSTNET" ping -S vmotion -d -s 8972 -c 2 198.51.100.65 2>&1)
[ $? = 0 ] && grep -q "^PING 198.51.100.65 from vmk1 (198.51.100.71) stack vmotion: 8972 data bytes, don't fragment$" <<<"$out" &&
	grep -q "^2 packets transmitted, 2 received, 0% packet loss$" <<<"$out" &&
	ok "ping -S vmotion -d -s 8972 proves jumbo frames end to end from the vmotion adapter" ||
	not_ok "jumbo ping from the vmotion stack" "$out"
out=$("$HOSTNET" ping -I vmk0 -c 1 192.0.2.65 2>&1)
[ $? = 0 ] && grep -q "from vmk0 (192.0.2.71) stack default" <<<"$out" && ok "ping -I picks the adapter and its address" ||
	not_ok "ping -I picks the adapter" "$out"
out=$("$HOSTNET" check mtu 2>&1)
[ $? = 0 ] && grep -q "^vmk1     MTU 9000 to 198.51.100.65 (stack vmotion): ok$" <<<"$out" &&
	ok "check mtu passes when the path carries the adapter's MTU" || not_ok "check mtu passes" "$out"

R ip link set eth3p mtu 1500
out=$("$HOSTNET" ping -I vmk1 -d -s 8972 -c 1 -W 0.5 198.51.100.65 2>&1)
[ $? = 1 ] && grep -q "100% packet loss" <<<"$out" && ok "a jumbo ping fails where the path is narrower (exit 1)" ||
	not_ok "a jumbo ping fails where the path is narrower" "$out"
out=$("$HOSTNET" check mtu 2>&1)
[ $? = 2 ] && grep -q "^vmk1     MTU 9000 to 198.51.100.65 (stack vmotion): DRIFT" <<<"$out" &&
	ok "check mtu reports a path narrower than the profile's MTU as drift (exit 2)" ||
	not_ok "check mtu reports a narrow path as drift" "$out"
out=$("$HOSTNET" ping -I vmk9 192.0.2.65 2>&1)
[ $? = 1 ] && grep -q "no VMkernel adapter 'vmk9' with an IPv4 address" <<<"$out" && ok "an unknown adapter is one clear error" ||
	not_ok "an unknown adapter is one clear error" "$out"
tap_done
