#!/bin/bash
# apply --connectivity-check: gateways must answer from the adapters that
# reach them, or the apply is rolled back.  The gateways live in a second
# namespace (a "router" process), so echo requests really leave the adapter.
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

cp -r "$SRCDIR/examples/profiles" "$T/p"
P=$T/p/hosts/esx03.yaml
state() { "$HOSTNET" show interfaces --json | python3 -c 'import json,sys
for l in json.load(sys.stdin): l.pop("index"); l.pop("oper"); print(json.dumps(l, sort_keys=True))'
	"$HOSTNET" show addresses --json; "$HOSTNET" show routes --json; ip rule; }

before=$(state)
out=$("$HOSTNET" apply --auto-approve --connectivity-check "$P" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "connectivity check: gateway .* does not answer from vmk" <<<"$out" &&
	ok "with no gateway answering, apply --connectivity-check fails" ||
	not_ok "with no gateway answering, apply --connectivity-check fails" "rc=$rc" "$out"
[ "$(state)" = "$before" ] && ok "and rolls the host back to what it was" ||
	not_ok "and rolls the host back to what it was" "$(diff <(echo "$before") <(state) | head)"

# The site's routers: management 192.0.2.1 behind eth1, vMotion 198.51.100.1
# behind eth3 (jumbo frames end to end).
ip link set eth1p netns "$router"
ip link set eth3p netns "$router"
R ip link set lo up
R ip addr add 192.0.2.1/26 dev eth1p
R ip link set eth1p up
R ip link set eth3p mtu 9000
R ip addr add 198.51.100.1/26 dev eth3p
R ip link set eth3p up
out=$("$HOSTNET" apply --auto-approve --connectivity-check "$P" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "gateway 192.0.2.1 answers from vmk0 (192.0.2.13)" <<<"$out" &&
	grep -q "gateway 198.51.100.1 answers from vmk1 (198.51.100.13)" <<<"$out" &&
	ok "with the gateways answering, apply succeeds and says who answered" ||
	not_ok "with the gateways answering, apply succeeds and says who answered" "rc=$rc" "$out"

# Management safety: a change that loses the management gateway (a typo in
# the address moves vmk0 out of the gateway's subnet) is rolled back.
good=$(state)
sed -i 's|192.0.2.13/26|192.0.2.213/26|' "$P"
sed -i 's|      ipv4: 192.0.2.1$|      ipv4: 192.0.2.193|' "$T/p/common/site-a.yaml"
sed -i 's|via: 192.0.2.62|via: 192.0.2.254|' "$T/p/common/site-a.yaml"
# The plan disturbs management: refused without a way back or an explicit yes.
out=$("$HOSTNET" apply --auto-approve --connectivity-check "$P" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "this plan disturbs management (.*--confirm-timeout S.*--allow-management-change; nothing was changed" <<<"$out" &&
	grep -q "disturbs: management" <<<"$out" && [ "$(state)" = "$good" ] &&
	ok "a plan that disturbs management is refused without --allow-management-change, nothing changed" ||
	not_ok "a plan that disturbs management is refused without --allow-management-change, nothing changed" "rc=$rc" "$out"
out=$("$HOSTNET" apply --auto-approve --allow-management-change --connectivity-check "$P" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "gateway 192.0.2.193 (table 254) does not answer from vmk0 (192.0.2.213)" <<<"$out" &&
	ok "a change that would cut management off is caught by the check" ||
	not_ok "a change that would cut management off is caught by the check" "rc=$rc" "$out"
[ "$(state)" = "$good" ] && ip addr show vmk0 | grep -q "192.0.2.13/26" &&
	ok "and management keeps its address and gateway" ||
	not_ok "and management keeps its address and gateway" "$(diff <(echo "$good") <(state) | head)"
"$HOSTNET" history --limit 2 | grep -q "rolled-back" && ok "the rolled-back generation is recorded" ||
	not_ok "the rolled-back generation is recorded"
tap_done
