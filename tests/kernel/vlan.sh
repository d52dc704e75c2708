#!/bin/bash
# Portgroup VLANs and VLAN adapters on a kernel with bridge VLAN filtering
# and 8021q (Debian's, under qemu: make check-kernel): full reconciles with
# traffic.  The uplinks eth1..eth3 are veths whose peers sit in a peer
# namespace, the "physical" network: eth1p in a bridge "phys" with VLAN
# subinterfaces phys.10 and phys.20 (a tagged trunk), eth3p with eth3p.50.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ns/lib-ns.sh"
. "$(dirname "$0")/lib-kernel.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1
kernel_require bridge bridge-vlan-filtering vlan veth
peer_start

for i in 1 2 3; do ip link add "eth$i" type veth peer name "eth${i}p"; ip link set "eth${i}p" netns "$PEER"; done
P ip link add phys type bridge
P ip link set eth1p master phys
P ip addr add 203.0.113.1/24 dev phys
for v in 10 20; do P ip link add link phys name "phys.$v" type vlan id "$v"; done
P ip link add phys2 type bridge
P ip link set eth2p master phys2
P ip link add link phys2 name phys2.40 type vlan id 40
P ip link add link eth3p name eth3p.50 type vlan id 50
for l in eth1p eth2p eth3p phys phys.10 phys.20 phys2 phys2.40 eth3p.50; do P ip link set "$l" up; done

H=$T/vlan.yaml
cat >"$H" <<'EOY'
apiVersion: hostnet/v1
kind: HostProfile
host: vlan1
uplinks:
  - name: eth1
switches:
  - name: vs0
    uplinks: [eth1]
portgroups:
  - name: Management Network
    switch: vs0
  - name: Storage
    switch: vs0
    vlan: 10
  - name: Backup
    switch: vs0
    vlan: 20
adapters:
  - name: vmk0
    portgroup: Management Network
    services: [management]
    ipv4: [203.0.113.10/24]
  - name: vmk1
    portgroup: Storage
    ipv4: [192.0.2.10/24]
  - name: vmk2
    portgroup: Backup
    ipv4: [198.51.100.20/24]
EOY
vlans() { bridge -d vlan show dev "$1" 2>&1; }
# "VID[ PVID][ untagged]" lines of a port, sorted: `bridge -j vlan show`.
vset() {
	bridge -j vlan show dev "$1" | python3 -c 'import json,sys
for p in json.load(sys.stdin):
    for v in p.get("vlans", []):
        print(v["vlan"], *sorted(f for f in v.get("flags", [])))' | sort -n | tr '\n' ';'
}
host_state() {
	"$HOSTNET" show interfaces --json | python3 -c 'import json,sys
for l in json.load(sys.stdin): l.pop("index"); l.pop("oper"); print(json.dumps(l, sort_keys=True))' | sort
	for l in eth1 vmk1p vmk2p vmk0p; do echo "$l $(vset $l)"; done
	ip -o addr show | sed 's/^[0-9]*: //' | sort
}
# The peer reaches ADDR from its side (a few tries while ports settle).
reach() { for _ in $(seq 20); do P ping -c 1 -W 1 "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
# The peer does not: ARP from the wrong VLAN never gets an answer.
unreachable() { P ip neigh flush all; ! P ping -c 2 -W 1 "$1" >/dev/null 2>&1; }
# The peer's VLAN-10 side, or its VLAN-20 side, holds both storage subnets'
# gateways: which VLAN answers shows what the switch let through.
peer_on() {  # peer_on VID
	P ip addr flush dev phys.10
	P ip addr flush dev phys.20
	P ip addr add 192.0.2.1/24 dev "phys.$1"
	P ip addr add 198.51.100.1/24 dev "phys.$1"
	P ip neigh flush all
}

# --- plan, apply, verify, idempotent -------------------------------------------
expect_rc "the plan creates the tagged portgroups" 2 "$HOSTNET" plan --detailed-exitcode "$H"
grep -q "vlans: none -> PVID 1, tagged 10 20" <<<"$LAST" &&
	ok "the plan makes eth1 a tagged member of VLANs 10 and 20" || not_ok "plan shows eth1's VLANs" "$LAST"
expect_rc "the tagged portgroups apply" 0 "$HOSTNET" apply --auto-approve "$H"
grep -q verified <<<"$LAST" || not_ok "the apply verified the result" "$LAST"
[ "$(vset eth1)" = "1 Egress Untagged PVID;10;20;" ] &&
	ok "eth1 carries VLANs 10 and 20 tagged, untagged traffic on VLAN 1" || not_ok "eth1's VLANs" "$(vlans eth1)"
[ "$(vset vmk1p)" = "10 Egress Untagged PVID;" ] && [ "$(vset vmk2p)" = "20 Egress Untagged PVID;" ] &&
	[ "$(vset vmk0p)" = "1 Egress Untagged PVID;" ] &&
	ok "each port has only its portgroup's VLAN, untagged" || not_ok "ports' VLANs" "$(bridge vlan show)"
expect_rc "a second plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"

# --- isolation, proven with traffic -----------------------------------------------
reach 203.0.113.10 && ok "the peer reaches the untagged vmk0" || not_ok "untagged traffic" "$(bridge vlan show)"
peer_on 10
reach 192.0.2.10 && ok "a VLAN-10 peer reaches the VLAN-10 adapter" || not_ok "VLAN 10 traffic" "$(bridge vlan show)"
unreachable 198.51.100.20 && ok "and not the VLAN-20 adapter" || not_ok "VLAN 20 isolated from VLAN 10" "$(bridge vlan show)"
peer_on 20
reach 198.51.100.20 && ok "a VLAN-20 peer reaches the VLAN-20 adapter" || not_ok "VLAN 20 traffic" "$(bridge vlan show)"
unreachable 192.0.2.10 && ok "and not the VLAN-10 adapter" || not_ok "VLAN 10 isolated from VLAN 20" "$(bridge vlan show)"

# --- drift: a PVID and an uplink's VLAN changed by hand, healed ---------------------
drift_heal() {  # drift_heal WHAT PATTERN CHECK...
	local what=$1 pat=$2
	shift 2
	expect_rc "$what is drift" 2 "$HOSTNET" drift --exit-code
	grep -q -- "$pat" <<<"$LAST" || not_ok "the drift report names it ($pat)" "$LAST"
	expect_rc "apply heals $what" 0 "$HOSTNET" apply --auto-approve "$H"
	if "$@"; then ok "$what is as the profile says again"; else not_ok "$what healed" "$(bridge vlan show)"; fi
	expect_rc "and the plan is empty after healing $what" 0 "$HOSTNET" plan --detailed-exitcode "$H"
}
bridge vlan add dev vmk2p vid 10 pvid untagged
unreachable 198.51.100.20 || not_ok "the PVID changed by hand cuts vmk2 off its VLAN" "$(bridge vlan show)"
drift_heal "vmk2's PVID changed by hand" "vmk2p" sh -c '[ "$(bridge -j vlan show dev vmk2p | python3 -c "import json,sys; print([v[\"vlan\"] for p in json.load(sys.stdin) for v in p[\"vlans\"]])")" = "[20]" ]'
reach 198.51.100.20 && ok "and the VLAN-20 peer reaches vmk2 again" || not_ok "traffic after healing" "$(bridge vlan show)"
bridge vlan del dev eth1 vid 20
drift_heal "VLAN 20 taken off the uplink" "eth1" sh -c 'bridge vlan show dev eth1 | grep -qw 20'

# --- a VLAN change in the profile ------------------------------------------------------
edit "$H" "    vlan: 20\n" "    vlan: 30\n"
expect_rc "a portgroup's new VLAN is planned" 2 "$HOSTNET" plan --detailed-exitcode "$H"
grep -q "~ .*vmk2p" <<<"$LAST" && grep -q "vlans: PVID 20 -> PVID 30" <<<"$LAST" &&
	grep -q "vlans: PVID 1, tagged 10 20 -> PVID 1, tagged 10 30" <<<"$LAST" &&
	ok "the plan modifies vmk2p (PVID 20 -> 30) and eth1 (tagged 10 20 -> 10 30)" || not_ok "plan of a VLAN change" "$LAST"
expect_rc "the new VLAN applies" 0 "$HOSTNET" apply --auto-approve "$H"
[ "$(vset vmk2p)" = "30 Egress Untagged PVID;" ] && [ "$(vset eth1)" = "1 Egress Untagged PVID;10;30;" ] &&
	ok "vmk2p is on VLAN 30, eth1 carries 10 and 30" || not_ok "VLAN 30 applied" "$(bridge vlan show)"
expect_rc "and the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"
P ip link add link phys name phys.30 type vlan id 30
P ip link set phys.30 up
P ip addr flush dev phys.20
P ip addr add 198.51.100.1/24 dev phys.30
reach 198.51.100.20 && ok "a VLAN-30 peer reaches vmk2" || not_ok "VLAN 30 traffic" "$(bridge vlan show)"

# --- a forced failure rolls back ----------------------------------------------------------
before=$(host_state)
cp "$H" "$T/v40.yaml"
edit "$T/v40.yaml" "    vlan: 30\n" "    vlan: 40\n"
HOSTNET_TEST_FAIL_BEFORE=2 HOSTNET_TEST_FAIL_ERRNO=EBUSY expect_rc "a failure in the middle of a VLAN change is refused" 1 \
	"$HOSTNET" apply --auto-approve "$T/v40.yaml"
grep -q "rolled back: the host is as it was" <<<"$LAST" && [ "$(host_state)" = "$before" ] &&
	ok "and rolled back to the same VLANs" || not_ok "rollback of a VLAN change" "$LAST" "$(diff <(echo "$before") <(host_state))"

# --- a VLAN adapter over the VLAN-filtering bridge ----------------------------------------------
cat >>"$H" <<'EOY'
  - name: vs0.60
    backing: vlan
    switch: vs0
    vlan: 60
    ipv6: [2001:db8:60::10/64]
EOY
expect_rc "a VLAN adapter over the filtering switch applies" 0 "$HOSTNET" apply --auto-approve "$H"
[ "$(vset vs0)" = "1 Egress Untagged PVID;60;" ] && [ "$(vset eth1)" = "1 Egress Untagged PVID;10;30;60;" ] &&
	ok "the bridge itself and eth1 carry VLAN 60, tagged" || not_ok "VLAN 60 on the bridge" "$(bridge vlan show)"
expect_rc "and the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"
P ip link add link phys name phys.60 type vlan id 60
P ip link set phys.60 up
P ip addr add 2001:db8:60::1/64 dev phys.60 nodad
reach 2001:db8:60::10 && ok "a VLAN-60 peer reaches vs0.60 through the filtering bridge" ||
	not_ok "VLAN 60 traffic" "$(bridge vlan show)" "$(ip -6 addr show dev vs0.60)"
bridge vlan del dev vs0 vid 60 self
drift_heal "VLAN 60 taken off the bridge itself" "vs0" sh -c 'bridge vlan show dev vs0 | grep -qw 60'
edit "$H" "  - name: vs0.60\n    backing: vlan\n    switch: vs0\n    vlan: 60\n    ipv6: [2001:db8:60::10/64]\n" ""
expect_rc "without it the profile applies" 0 "$HOSTNET" apply --auto-approve "$H"
! ip link show vs0.60 >/dev/null 2>&1 && [ "$(vset eth1)" = "1 Egress Untagged PVID;10;30;" ] &&
	ok "vs0.60 is pruned and eth1 no longer carries VLAN 60" || not_ok "vs0.60 pruned" "$(bridge vlan show)"

# --- prune: no more tagged portgroups -------------------------------------------------------
edit "$H" "  - name: vmk2\n    portgroup: Backup\n    ipv4: [198.51.100.20/24]\n" ""
edit "$H" "  - name: vmk1\n    portgroup: Storage\n    ipv4: [192.0.2.10/24]\n" ""
edit "$H" "  - name: Storage\n    switch: vs0\n    vlan: 10\n  - name: Backup\n    switch: vs0\n    vlan: 30\n" ""
expect_rc "a switch without tagged portgroups applies" 0 "$HOSTNET" apply --auto-approve "$H"
! ip link show vmk1 >/dev/null 2>&1 && ! ip link show vmk2p >/dev/null 2>&1 &&
	ok "the tagged adapters are pruned" || not_ok "tagged adapters pruned" "$(ip -br link)"
expect_rc "and the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"
reach 203.0.113.10 && ok "vmk0 still answers untagged" || not_ok "untagged after prune" "$(bridge vlan show)"

# --- VLAN adapters: 8021q over a switch's bridge and over an uplink ---------------------------
cat >>"$H" <<'EOY'
  - name: vs1.40
    backing: vlan
    switch: vs1
    vlan: 40
    ipv4: [192.0.2.40/24]
  - name: eth3.50
    backing: vlan
    uplink: eth3
    vlan: 50
    ipv4: [198.51.100.50/24]
EOY
edit "$H" "uplinks:\n  - name: eth1\n" "uplinks:\n  - name: eth1\n  - name: eth2\n  - name: eth3\n    state: up\n"
edit "$H" "    uplinks: [eth1]\n" "    uplinks: [eth1]\n  - name: vs1\n    uplinks: [eth2]\n"
expect_rc "VLAN adapters apply" 0 "$HOSTNET" apply --auto-approve "$H"
ip -d link show vs1.40 | grep -q "vlan protocol 802.1Q id 40" && ip -d link show eth3.50 | grep -q "vlan protocol 802.1Q id 50" &&
	ok "vs1.40 and eth3.50 are 802.1Q devices" || not_ok "VLAN adapters" "$LAST" "$(ip -d link)"
expect_rc "a second plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"
P ip addr add 192.0.2.1/24 dev phys2.40
P ip addr add 198.51.100.1/24 dev eth3p.50
P ip addr flush dev phys.10
P ip addr flush dev phys.30
reach 192.0.2.40 && ok "a VLAN-40 peer reaches vs1.40 through the bridge" || not_ok "VLAN 40 traffic" "$(ip -d link show vs1.40)"
reach 198.51.100.50 && ok "a VLAN-50 peer reaches eth3.50 on the NIC" || not_ok "VLAN 50 traffic" "$(ip -d link show eth3.50)"
ip addr del 198.51.100.50/24 dev eth3.50
drift_heal "eth3.50's address removed by hand" "eth3.50" sh -c 'ip -o addr show dev eth3.50 | grep -q 198.51.100.50/24'
ip link set vs1.40 down
drift_heal "vs1.40 set down by hand" "vs1.40" sh -c 'ip -o link show vs1.40 | grep -q "<.*UP"'
edit "$H" "  - name: vs1.40\n    backing: vlan\n    switch: vs1\n    vlan: 40\n    ipv4: [192.0.2.40/24]\n" ""
edit "$H" "  - name: eth3.50\n    backing: vlan\n    uplink: eth3\n    vlan: 50\n    ipv4: [198.51.100.50/24]\n" ""
expect_rc "without them the profile applies" 0 "$HOSTNET" apply --auto-approve "$H"
! ip link show vs1.40 >/dev/null 2>&1 && ! ip link show eth3.50 >/dev/null 2>&1 && ip link show eth3 >/dev/null 2>&1 &&
	ok "the VLAN adapters are pruned, the NIC stays" || not_ok "VLAN adapters pruned" "$(ip -br link)"
expect_rc "and the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"
tap_done
