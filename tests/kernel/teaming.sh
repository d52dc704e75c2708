#!/bin/bash
# NIC teaming on a kernel with bonding (Debian's, under qemu: make
# check-kernel): a full reconcile of a teamed switch, and failover proven
# with traffic.  The uplinks eth1/eth2 are veths whose peers sit on a
# "physical" bridge in a peer namespace that holds the gateway 192.0.2.1;
# setting a peer down takes the carrier from its uplink.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ns/lib-ns.sh"
. "$(dirname "$0")/lib-kernel.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1
kernel_require bond bridge veth
peer_start

for i in 1 2; do ip link add "eth$i" type veth peer name "eth${i}p"; ip link set "eth${i}p" netns "$PEER"; done
P ip link add phys type bridge
P ip link set eth1p master phys
P ip link set eth2p master phys
P ip addr add 192.0.2.1/24 dev phys
P ip link set eth1p up
P ip link set eth2p up
P ip link set phys up

H=$T/team.yaml
cat >"$H" <<'EOY'
apiVersion: hostnet/v1
kind: HostProfile
host: team1
uplinks:
  - name: eth1
  - name: eth2
switches:
  - name: vs0
    uplinks: [eth1, eth2]
    teaming:
      policy: failover
      active: [eth1]
      standby: [eth2]
portgroups:
  - name: Management Network
    switch: vs0
adapters:
  - name: vmk0
    portgroup: Management Network
    services: [management]
    ipv4: [192.0.2.10/24]
EOY
bond() { ip -d link show vs0b 2>&1; }
# sysfs shows the namespace that mounted it, not this one: ip -d.
active() { ip -d link show vs0b 2>/dev/null | grep -o 'active_slave [^ ]*' | cut -d' ' -f2; }
# hostnet's view of the links without what changes by itself, and addresses.
host_state() {
	"$HOSTNET" show interfaces --json | python3 -c 'import json,sys
for l in json.load(sys.stdin): l.pop("index"); l.pop("oper"); print(json.dumps(l, sort_keys=True))' | sort
	ip -o addr show | sed 's/^[0-9]*: //' | sort
}

# --- failover: plan, apply, verify, idempotent ------------------------------
expect_rc "the plan creates the bond" 2 "$HOSTNET" plan --detailed-exitcode "$H"
grep -q "bond: active-backup, primary eth1, link status every 100 ms" <<<"$LAST" &&
	ok "the plan shows active-backup, primary eth1 and link monitoring" || not_ok "plan shows the bond" "$LAST"
expect_rc "failover applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$H"
grep -q verified <<<"$LAST" || not_ok "the apply verified the result" "$LAST"
out=$(bond)
grep -q "mode active-backup" <<<"$out" && grep -q "miimon 100 " <<<"$out" && grep -q "primary eth1 " <<<"$out" &&
	ok "vs0b is active-backup, primary eth1, miimon 100" || not_ok "vs0b settings" "$out"
[ "$(ip -o link show eth1 | grep -o 'master [^ ]*')" = "master vs0b" ] &&
	[ "$(ip -o link show eth2 | grep -o 'master [^ ]*')" = "master vs0b" ] &&
	[ "$(ip -o link show vs0b | grep -o 'master [^ ]*')" = "master vs0" ] &&
	ok "both uplinks are in the bond, the bond in the switch" || not_ok "bond members" "$(ip -o link show)"
expect_rc "a second plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"

# The bond and the peer's bridge settle (carrier, forwarding): wait for a ping.
for _ in $(seq 50); do P ping -c 1 -W 1 192.0.2.10 >/dev/null 2>&1 && break; sleep 0.2; done
[ "$(active)" = eth1 ] && P ping -c 2 -W 2 192.0.2.10 >/dev/null 2>&1 &&
	ok "the peer reaches vmk0 through eth1, the active uplink" || not_ok "peer reaches vmk0" "active: $(active)"

# --- the active uplink loses its carrier, then gets it back -----------------
down_up() {
	sleep 1.5
	P ip link set eth1p down
	for _ in $(seq 40); do [ "$(active)" = eth2 ] && break; sleep 0.1; done
	echo "$(active)" >"$T/during"
	P ping -c 2 -W 2 192.0.2.10 >/dev/null 2>&1 && echo answered >>"$T/during"
	P ip link set eth1p up
	for _ in $(seq 60); do [ "$(active)" = eth1 ] && break; sleep 0.1; done
	echo "$(active)" >"$T/after"
	sleep 1.5
}
read -r sent recv <<<"$(ping_during 60 0.1 192.0.2.10 down_up P)"
lost=$((${sent:-0} - ${recv:-0}))
echo "# failover: $sent sent, $recv answered, $lost lost while eth1 lost its carrier and got it back"
[ "$(head -n1 "$T/during")" = eth2 ] && grep -q answered "$T/during" &&
	ok "eth1's carrier gone: eth2 takes over and the peer's pings are answered" ||
	not_ok "failover to eth2" "during: $(cat "$T/during")" "$(bond)"
[ "$(cat "$T/after")" = eth1 ] && ok "eth1 back: traffic fails back to the primary" ||
	not_ok "failback to eth1" "after: $(cat "$T/after")"
# At least half answered: without link monitoring (the bug this is for) 39
# of 60 were lost; with it 3-23 of 60 under emulation on a loaded machine
# (pings sent to the standby before the peer's bridge relearns vmk0's MAC).
[ "${sent:-0}" -gt 0 ] && [ "$lost" -le $((sent / 2)) ] &&
	ok "a continuous ping through the switch keeps answering ($lost of $sent lost)" ||
	not_ok "continuous ping keeps answering" "$(cat "$T/ping.out")"

# --- drift: miimon, members, mode; each healed --------------------------------
drift_heal() {  # drift_heal WHAT PATTERN CHECK...
	local what=$1 pat=$2
	shift 2
	expect_rc "$what is drift" 2 "$HOSTNET" drift --exit-code
	grep -q -- "$pat" <<<"$LAST" || not_ok "the drift report names it ($pat)" "$LAST"
	expect_rc "apply heals $what" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$H"
	if "$@"; then ok "$what is as the profile says again"; else not_ok "$what healed" "$(bond)"; fi
	expect_rc "and the plan is empty after healing $what" 0 "$HOSTNET" plan --detailed-exitcode "$H"
}
# Without link monitoring (the bond as hostnet made it before #16), the
# dead uplink stays active and the peer loses vmk0: what the fix is for.
ip link set vs0b type bond miimon 0
P ip link set eth1p down
sleep 1
if [ "$(active)" = eth1 ] && ! P ping -c 2 -W 1 192.0.2.10 >/dev/null 2>&1; then
	ok "with miimon 0 the bond keeps the dead uplink active and vmk0 is cut off"
else
	not_ok "miimon 0 keeps the dead uplink" "active: $(active)"
fi
P ip link set eth1p up
drift_heal "link monitoring turned off" "vs0b" sh -c 'ip -d link show vs0b | grep -q "miimon 100 "'
ip link set eth2 nomaster
drift_heal "an uplink taken out of the bond" "eth2" sh -c 'ip -o link show eth2 | grep -q "master vs0b"'
ip link set eth1 nomaster
ip link set eth2 nomaster
ip link set vs0b down
ip link set vs0b type bond mode balance-rr
ip link set eth1 master vs0b
ip link set eth2 master vs0b
ip link set vs0b up
drift_heal "the bond's mode" "vs0b" sh -c 'ip -d link show vs0b | grep -q "mode active-backup"'

# --- another interval, and ARP monitoring set by hand --------------------------
edit "$H" "      standby: [eth2]\n" "      standby: [eth2]\n      detection: {method: link, interval_ms: 250}\n"
expect_rc "a change of the detection interval is planned" 2 "$HOSTNET" plan --detailed-exitcode "$H"
grep -q "~ .*vs0b" <<<"$LAST" && grep -q "link status every 100 ms -> .*link status every 250 ms" <<<"$LAST" &&
	ok "the plan modifies vs0b: link status every 100 ms -> 250 ms" || not_ok "plan shows the interval change" "$LAST"
expect_rc "the new interval applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$H"
grep -q "miimon 250 " <<<"$(bond)" && ok "vs0b checks its members every 250 ms" || not_ok "miimon 250" "$(bond)"
expect_rc "and the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$H"
# ARP monitoring would mark every uplink down here (validate-settings.c):
# set by hand, it is drift, and apply puts link status back and clears the
# targets (an empty list, which libnl would otherwise drop).
ip link set vs0b type bond miimon 0 arp_interval 200 arp_ip_target 192.0.2.1 arp_validate all
grep -q "arp_ip_target 192.0.2.1" <<<"$(bond)" || not_ok "ARP monitoring set by hand" "$(bond)"
drift_heal "ARP monitoring set by hand" "vs0b" sh -c 'ip -d link show vs0b | grep -q "miimon 250 .*arp_interval 0 " &&
	! ip -d link show vs0b | grep -q arp_ip_target'
for _ in $(seq 30); do P ping -c 1 -W 1 192.0.2.10 >/dev/null 2>&1 && break; sleep 0.2; done
P ping -c 2 -W 2 192.0.2.10 >/dev/null 2>&1 && ok "and the peer reaches vmk0 again" || not_ok "traffic after healing" "$(bond)"
edit "$H" "      detection: {method: link, interval_ms: 250}\n" ""
expect_rc "back to the default interval applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$H"
grep -q "miimon 100 " <<<"$(bond)" && ok "vs0b is back to miimon 100" || not_ok "back to miimon 100" "$(bond)"

# --- a forced failure rolls back ----------------------------------------------
before=$(host_state)
cp "$H" "$T/lb.yaml"
edit "$T/lb.yaml" "      policy: failover\n      active: [eth1]\n      standby: [eth2]\n" "      policy: loadbalance\n      active: [eth1, eth2]\n"
HOSTNET_TEST_FAIL_BEFORE=3 HOSTNET_TEST_FAIL_ERRNO=EBUSY expect_rc "a failure in the middle of a policy change is refused" 1 \
	"$HOSTNET" apply --auto-approve --allow-management-change "$T/lb.yaml"
grep -q "rolled back: the host is as it was" <<<"$LAST" && [ "$(host_state)" = "$before" ] &&
	ok "and rolled back to the same bond" || not_ok "rollback of a policy change" "$LAST" "$(diff <(echo "$before") <(host_state))"

# --- loadbalance ---------------------------------------------------------------
expect_rc "changing the policy is planned" 2 "$HOSTNET" plan --detailed-exitcode "$T/lb.yaml"
grep -q "vs0b" <<<"$LAST" && grep -q "balance-xor" <<<"$LAST" && ok "the plan rebuilds vs0b as balance-xor" ||
	not_ok "plan of the policy change" "$LAST"
expect_rc "loadbalance applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$T/lb.yaml"
out=$(bond)
grep -q "mode balance-xor" <<<"$out" && grep -q "miimon 100 " <<<"$out" &&
	[ "$(ip -o link show eth1 | grep -o 'master [^ ]*')" = "master vs0b" ] &&
	[ "$(ip -o link show eth2 | grep -o 'master [^ ]*')" = "master vs0b" ] &&
	ok "vs0b is balance-xor over both uplinks with miimon 100" || not_ok "loadbalance bond" "$out"
expect_rc "the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$T/lb.yaml"
for _ in $(seq 30); do P ping -c 1 -W 1 192.0.2.10 >/dev/null 2>&1 && break; sleep 0.2; done
P ping -c 2 -W 2 192.0.2.10 >/dev/null 2>&1 && ok "the peer reaches vmk0 through the balance-xor bond" ||
	not_ok "traffic through balance-xor" "$(bond)"

# --- prune: the switch without teaming ---------------------------------------------
edit "$T/lb.yaml" "    teaming:\n      policy: loadbalance\n      active: [eth1, eth2]\n" ""
expect_rc "a switch without teaming applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$T/lb.yaml"
! ip link show vs0b >/dev/null 2>&1 && [ "$(ip -o link show eth1 | grep -o 'master [^ ]*')" = "master vs0" ] &&
	ok "the bond is pruned and the uplinks are in the switch again" || not_ok "bond pruned" "$(ip -o link show)"
expect_rc "and the next plan is empty" 0 "$HOSTNET" plan --detailed-exitcode "$T/lb.yaml"
tap_done
