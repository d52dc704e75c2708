#!/bin/bash
# A stack isolated as a VRF (isolation: vrf) on a kernel that has VRF
# (Debian's, under qemu: make check-kernel): a full reconcile, lookups that
# never fall through to the main table, and hostnet ping / check mtu through
# the VRF.  Two peer namespaces: the management gateway 192.0.2.1 behind
# eth1, the storage gateway 198.51.100.1 (MTU 9000, no forwarding) behind
# eth3.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ns/lib-ns.sh"
. "$(dirname "$0")/lib-kernel.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1
kernel_require vrf bridge veth
peer_start
unshare --net sleep 3600 &
PEER2=$!
trap 'kill $PEER $PEER2 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.3
S() { nsenter -t "$PEER2" -n "$@"; }

for i in 1 3; do ip link add "eth$i" type veth peer name "eth${i}p"; done
ip link set eth1p netns "$PEER"
ip link set eth3p netns "$PEER2"
P ip addr add 192.0.2.1/24 dev eth1p
P ip link set eth1p up
S ip link set lo up
S ip link set eth3p mtu 9000
S ip addr add 198.51.100.1/24 dev eth3p
S ip link set eth3p up
S sysctl -qw net.ipv4.ip_forward=0

H=$T/vrf.yaml
cat >"$H" <<'EOY'
apiVersion: hostnet/v1
kind: HostProfile
host: vrf1
uplinks:
  - name: eth1
  - name: eth3
    mtu: 9000
switches:
  - name: vs0
    uplinks: [eth1]
  - name: vs1
    mtu: 9000
    uplinks: [eth3]
portgroups:
  - name: Management Network
    switch: vs0
  - name: Storage
    switch: vs1
stacks:
  - name: default
    gateway: {ipv4: 192.0.2.1}
  - name: storage
    table: 200
    isolation: vrf
    gateway: {ipv4: 198.51.100.1}
adapters:
  - name: vmk0
    portgroup: Management Network
    services: [management]
    ipv4: [192.0.2.10/24]
  - name: vmk1
    portgroup: Storage
    services: [nfs]
    stack: storage
    mtu: 9000
    ipv4: [198.51.100.10/24]
EOY
host_state() {
	"$HOSTNET" show interfaces --json | python3 -c 'import json,sys
for l in json.load(sys.stdin): l.pop("index"); l.pop("oper"); print(json.dumps(l, sort_keys=True))' | sort
	ip -o addr show | sed 's/^[0-9]*: //' | sort
	ip route show table all | grep -v "^local\|^broadcast\|^multicast\|fe80" | sort
}

# --- plan, apply, verify, idempotent ------------------------------------------------
expect_rc "the plan creates the VRF" 2 "$HOSTNET" plan --detailed-exitcode "$H"
grep -q "+ link storage (vrf)" <<<"$LAST" && ok "the plan shows the VRF device storage" || not_ok "plan shows the VRF" "$LAST"
expect_rc "isolation: vrf applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$H"
grep -q verified <<<"$LAST" || not_ok "the apply verified the result" "$LAST"
ip -d link show storage | grep -q "vrf table 200" && ip -o link show vmk1 | grep -q "master storage" &&
	ok "storage is a VRF on table 200 and vmk1 is in it" || not_ok "VRF device" "$(ip -d link show storage 2>&1; ip -o link show vmk1)"
ip route show vrf storage | grep -q "^default via 198.51.100.1 dev vmk1" &&
	ok "the stack's gateway is the VRF's default route" || not_ok "VRF default route" "$(ip route show vrf storage 2>&1)"
expect_rc "a second plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"

# --- lookups and traffic never fall through to the main table ---------------------------
out=$(ip route get 192.0.2.1 vrf storage 2>&1)
grep -q "via 198.51.100.1 dev vmk1" <<<"$out" && ! grep -q "dev vmk0" <<<"$out" &&
	ok "a lookup in the VRF for management's subnet leaves by the storage gateway, not vmk0" ||
	not_ok "VRF lookup stays in the VRF" "$out"
out=$(ip route get 192.0.2.1 oif vmk1 2>&1)
! grep -q "dev vmk0" <<<"$out" && ok "a lookup from vmk1 (the VRF's adapter) does not use vmk0 either" ||
	not_ok "lookup from vmk1" "$out"
for _ in $(seq 30); do "$HOSTNET" ping -I vmk0 -c 1 192.0.2.1 >/dev/null 2>&1 && break; sleep 0.2; done
expect_rc "management's gateway answers from vmk0 (the main table)" 0 "$HOSTNET" ping -I vmk0 -c 2 192.0.2.1
expect_rc "but not from the storage stack: only the main table reaches it" 1 "$HOSTNET" ping -S storage -c 2 -W 1 192.0.2.1
expect_rc "nor from a socket bound to the VRF" 1 ping -n -I storage -c 2 -W 1 192.0.2.1
expect_rc "hostnet ping -S storage reaches the storage gateway through the VRF" 0 "$HOSTNET" ping -S storage -c 2 198.51.100.1
grep -q "from vmk1 (198.51.100.10) stack storage" <<<"$LAST" || not_ok "ping -S storage uses vmk1" "$LAST"
expect_rc "a jumbo ping with don't-fragment crosses the VRF" 0 "$HOSTNET" ping -S storage -d -s 8972 -c 2 198.51.100.1
expect_rc "check mtu passes through the VRF" 0 "$HOSTNET" check mtu
grep -q "^vmk1 .*MTU 9000 to 198.51.100.1 (stack storage): ok$" <<<"$LAST" || not_ok "check mtu names vmk1's path" "$LAST"
S ip link set eth3p mtu 1500
expect_rc "check mtu finds the narrower path behind the VRF (exit 2)" 2 "$HOSTNET" check mtu
S ip link set eth3p mtu 9000

# --- drift, healed --------------------------------------------------------------------
ip link set vmk1 nomaster
expect_rc "vmk1 taken out of the VRF is drift" 2 "$HOSTNET" drift --exit-code
grep -q "vmk1" <<<"$LAST" || not_ok "the drift report names vmk1" "$LAST"
expect_rc "apply heals it" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$H"
ip -o link show vmk1 | grep -q "master storage" && ip route show vrf storage | grep -q "^default via 198.51.100.1" &&
	ok "vmk1 is in the VRF again with its default route" || not_ok "VRF healed" "$(ip -o link show vmk1; ip route show vrf storage)"
expect_rc "and the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"

# --- a forced failure rolls back ---------------------------------------------------------
before=$(host_state)
cp "$H" "$T/v2.yaml"
edit "$T/v2.yaml" "    ipv4: [198.51.100.10/24]\n" "    ipv4: [198.51.100.11/24]\n"
HOSTNET_TEST_FAIL_BEFORE=2 HOSTNET_TEST_FAIL_ERRNO=EBUSY expect_rc "a failure in the middle of a change is refused" 1 \
	"$HOSTNET" apply --auto-approve --allow-management-change "$T/v2.yaml"
after=$(host_state)
grep -q "rolled back: the host is as it was" <<<"$LAST" && [ "$after" = "$before" ] &&
	ok "and rolled back: the VRF, its routes and addresses as they were" ||
	not_ok "rollback" "$LAST" "$(diff <(echo "$before") <(echo "$after"))"

# --- prune: the stack as a table again, then gone ------------------------------------------
edit "$T/v2.yaml" "    isolation: vrf\n" ""
expect_rc "isolation: table instead applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$T/v2.yaml"
! ip link show storage >/dev/null 2>&1 && ip rule show | grep -q "lookup 200" &&
	ok "the VRF device is pruned and policy rules steer into table 200" || not_ok "VRF pruned" "$(ip -o link show; ip rule show)"
expect_rc "and the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$T/v2.yaml"
expect_rc "back to the VRF applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$H"
ip -d link show storage 2>/dev/null | grep -q "vrf table 200" && ok "and the VRF is back" || not_ok "VRF back" "$(ip -d link show storage 2>&1)"
tap_done
