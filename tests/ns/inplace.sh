#!/bin/bash
# Adapters in place (issue #15): the management address on the switch's own
# bridge (Proxmox's vmbr0), a storage address on a plain NIC on its own stack,
# and a VLAN device over the bridge.  Applied, verified, nothing left to do;
# their services (#14) seen though no mark on the links says them: listed,
# published, the management guard refusing a change to vmbr0's address, the
# firewall filtering on vmbr0 with real connections; drift on their
# addresses healed; a prune removes only hostnet's addresses,
# never the NIC; the bridge goes only with its switch; the VLAN device is
# refused by the plan where the kernel has no 8021q.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state/state.db NO_COLOR=1 HOSTNET_SERVICES_DIR=$T/run
H() { "$HOSTNET" "$@"; }
client='' listener=''
trap 'kill $client $listener 2>/dev/null; rm -rf "$T"' EXIT

# The host's NICs (veth stand-ins), and an address on eth3 that someone else
# put there: it must survive everything below.
for n in eth1 eth2 eth3; do
	ip link add "$n" type veth peer name "${n}p"
	ip link set "${n}p" up
done
ip address add 203.0.113.77/24 dev eth3
# (Not /sys/class/net: sysfs still shows the namespace it was mounted in.)
ifindex() { ip -o link show dev "$1" 2>/dev/null | cut -d: -f1; }
eth3_index=$(ifindex eth3)

mkdir -p "$T/hosts"
profile=$T/hosts/pve01.yaml
write() {  # write ADAPTERS-AND-MORE: the profile with these adapters
	cat >"$profile" <<EOF
apiVersion: hostnet/v1
kind: HostProfile
host: pve01
uplinks:
  - {name: eth1}
  - {name: eth2}
  - {name: eth3}
$1
EOF
}
SWITCH='switches:
  - {name: vmbr0, uplinks: [eth1, eth2]}'
MGMT='  - name: vmbr0
    backing: switch
    services: [management]
    ipv4: [192.0.2.10/24]'
STORAGE='  - name: eth3
    backing: uplink
    services: [nfs]
    stack: storage
    ipv4: [198.51.100.10/24]'
write "$SWITCH
stacks:
  - name: default
    gateway: {ipv4: 192.0.2.1}
  - name: storage
    table: 100
    gateway: {ipv4: 198.51.100.1}
adapters:
$MGMT
$STORAGE"

# --- apply --------------------------------------------------------------------
out=$(H plan "$profile" 2>&1)
grep -q '^  + address 198.51.100.10/24 on eth3  # ' <<<"$out" &&
	grep -q '^  + address 192.0.2.10/24 on vmbr0  # ' <<<"$out" &&
	! grep -q '+ link eth3\|(veth)' <<<"$out" &&
	ok "plan puts the addresses on the bridge and the NIC and makes no adapter link" ||
	not_ok "plan of the in-place adapters" "$out"
out=$(H apply --auto-approve "$profile" 2>&1)
[ $? = 0 ] && grep -q "verified" <<<"$out" && ok "apply in place, verified" || not_ok "apply" "$out"
# iproute2 6.1 does not print IFA_PROTO: hostnet's own view says whose each
# address is (by its protocol, 77, on a link hostnet does not own).
out=$(H show addresses 2>&1)
grep -qE '^eth3 +ipv4 +198\.51\.100\.10/24 +global +yes' <<<"$out" &&
	grep -qE '^eth3 +ipv4 +203\.0\.113\.77/24 +global +no' <<<"$out" &&
	ok "the NIC's address is hostnet's by its protocol, the other one is not" ||
	not_ok "ownership of eth3's addresses" "$out"
ip -o address show dev vmbr0 | grep -q "inet 192.0.2.10/24" &&
	ok "the bridge carries the management address" || not_ok "vmbr0's address" "$(ip address)"
link=$(ip -d link show dev eth3)
! grep -q "alias" <<<"$link" && grep -q "group default" <<<"$link" &&
	grep -q "state UP\|,UP" <<<"$link" &&
	ok "no mark on the NIC (no alias, default group), and it is up" || not_ok "eth3 unmarked" "$link"
ip route show table 100 | grep -q "^default via 198.51.100.1 dev eth3 proto 77" &&
	ip rule | grep -q "from 198.51.100.10 lookup 100" &&
	ok "the NIC's stack: its table's gateway and source rule" ||
	not_ok "the storage stack" "$(ip route show table 100; ip rule)"
out=$(H plan --detailed-exitcode "$profile" 2>&1)
[ $? = 0 ] && ok "second plan is empty" || not_ok "second plan is empty" "$out"

# --- the services of adapters in place ------------------------------------------
# vmbr0's alias says hostnet:switch and eth3 has none: only the applied
# generation's desired state knows what they carry.
out=$(H show services 2>&1)
grep -qE '^management +vmbr0 +192\.0\.2\.10/24 +- +default +254 +192\.0\.2\.1 ' <<<"$out" &&
	grep -qE '^nfs +eth3 +198\.51\.100\.10/24 +- +storage +100 +198\.51\.100\.1 ' <<<"$out" &&
	ok "show services lists the adapters in place with their stacks" || not_ok "show services" "$out"
grep -qx 'HOSTNET_ADAPTER=vmbr0' "$T/run/services/management.env" 2>/dev/null &&
	grep -qx 'HOSTNET_ADDRESS4=192.0.2.10' "$T/run/services/management.env" &&
	ok "apply published management.env for vmbr0" ||
	not_ok "management.env" "$(cat "$T/run/services/management.env" 2>&1)"
out=$(H show adapters 2>&1)
grep -qE '^vmbr0 .*management' <<<"$out" && grep -qE '^eth3 .*nfs' <<<"$out" &&
	ok "show adapters lists them with their services" || not_ok "show adapters" "$out"
ns_state() { ip -o address show; ip route show table all; ip rule; }
before=$(ns_state)
sed -i 's|192\.0\.2\.10/24|192.0.2.11/24|' "$profile"
out=$(H apply --auto-approve "$profile" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q '^hostnet apply: this plan disturbs management .*nothing was changed$' <<<"$out" &&
	[ "$(ns_state)" = "$before" ] &&
	ok "a change to vmbr0's address disturbs management: refused, nothing changed" ||
	not_ok "management guard on vmbr0" "rc=$rc" "$out"
sed -i 's|192\.0\.2\.11/24|192.0.2.10/24|' "$profile"

# The firewall filters what arrives on vmbr0 by vmbr0's services: a client
# behind the switch (on eth1) reaches ssh from an allowed source only.
fw_tests() {
	local got rules
	unshare --net sleep 600 &
	client=$!
	sleep 0.2
	C() { nsenter -t "$client" -n "$@"; }
	ip link set eth1p netns "$client" || return 1
	C ip link set lo up
	C ip address add 192.0.2.50/24 dev eth1p
	C ip address add 192.0.2.200/24 dev eth1p
	C ip link set eth1p up
	cp "$profile" "$T/nofw.yaml"
	printf '%s\n' 'firewall:' '  enabled: true' '  services:' \
		'    management: {allow: [192.0.2.0/25]}' >>"$profile"
	out=$(H apply --auto-approve "$profile" 2>&1)
	[ $? = 1 ] && grep -q 'this plan disturbs management' <<<"$out" &&
		ok "turning the firewall on over vmbr0 disturbs management" || not_ok "firewall guard" "$out"
	out=$(H apply --auto-approve --allow-management-change "$profile" 2>&1)
	rules=$(nft list table inet hostnet 2>&1)
	[ $? = 0 ] && grep -q 'iifname "vmbr0".*tcp dport 22' <<<"$rules" &&
		ok "the firewall has vmbr0's management rule" || not_ok "firewall on vmbr0" "$out" "$rules"
	python3 -c 'import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 22)); s.listen(16); print("ready", flush=True)
while True: s.accept()[0].close()' >"$T/listen.out" &
	listener=$!
	for _ in $(seq 50); do grep -q ready "$T/listen.out" 2>/dev/null && break; sleep 0.1; done
	connect() {
		C python3 -c 'import socket, sys
s = socket.socket(); s.settimeout(1.0); s.bind((sys.argv[1], 0))
try:
    s.connect(("192.0.2.10", 22)); print("open")
except OSError:
    print("dropped")' "$1"
	}
	got=$(connect 192.0.2.50)
	[ "$got" = open ] && ok "ssh to vmbr0 from an allowed source is accepted" ||
		not_ok "ssh from 192.0.2.50" "got: $got" "$(nft list table inet hostnet)"
	got=$(connect 192.0.2.200)
	[ "$got" = dropped ] && ok "ssh to vmbr0 from a source not allowed is dropped" ||
		not_ok "ssh from 192.0.2.200" "got: $got"
	# eth1p back home before its namespace goes (it would take eth1).
	C ip link set eth1p netns "$$" && ip link set eth1p up
	kill "$listener" "$client"
	wait "$listener" "$client" 2>/dev/null
	listener='' client=''
	cp "$T/nofw.yaml" "$profile"
	out=$(H apply --auto-approve "$profile" 2>&1)
	[ $? = 0 ] && ! nft list table inet hostnet >/dev/null 2>&1 &&
		ok "the firewall off again removes the table" || not_ok "firewall off" "$out"
}
if command -v nft >/dev/null && command -v python3 >/dev/null; then
	fw_tests
else
	for _ in 1 2 3 4 5; do skip "the firewall on vmbr0" "nft or python3 not found"; done
fi

# --- drift --------------------------------------------------------------------
ip address del 198.51.100.10/24 dev eth3
ip address del 192.0.2.10/24 dev vmbr0
out=$(H drift --host pve01 --exit-code 2>&1)
[ $? = 2 ] && grep -q "missing    address 198.51.100.10/24 on eth3" <<<"$out" &&
	grep -q "missing    address 192.0.2.10/24 on vmbr0" <<<"$out" &&
	ok "drift reports the in-place addresses missing" || not_ok "drift" "$out"
out=$(H apply --auto-approve "$profile" 2>&1)
[ $? = 0 ] && ip -o address show dev eth3 | grep -q "198.51.100.10/24" &&
	ip -o address show dev vmbr0 | grep -q "192.0.2.10/24" &&
	ok "apply heals them" || not_ok "heal" "$out"
ip -o address show dev eth3 | grep -q "203.0.113.77/24" &&
	ok "the other address on the NIC is untouched" || not_ok "foreign address kept" "$(ip address)"

# --- prune --------------------------------------------------------------------
bridge_index=$(ifindex vmbr0)
write "$SWITCH
stacks:
  - name: default
    gateway: {ipv4: 192.0.2.1}
adapters:
$MGMT"
out=$(H apply --auto-approve "$profile" 2>&1)
[ $? = 0 ] && ! ip -o address show dev eth3 | grep -q "198.51.100.10" &&
	ok "removing the NIC's adapter removes its address" || not_ok "prune eth3's adapter" "$out"
[ "$(ifindex eth3)" = "$eth3_index" ] && ip -o address show dev eth3 | grep -q "203.0.113.77/24" &&
	[ "$(ifindex vmbr0)" = "$bridge_index" ] &&
	ok "the NIC and the bridge stay (same ifindex), the other address too" ||
	not_ok "NIC and bridge kept" "$(ip -br link; ip -br address)"
[ -z "$(ip route show table 100)" ] && ! ip rule | grep -q "lookup 100" &&
	ok "the stack's routes and rules went with it" || not_ok "stack pruned" "$(ip rule)"
write "stacks:
  - name: default
    gateway: {ipv4: 198.51.100.1}
adapters:
  - name: eth3
    backing: uplink
    services: [management]
    ipv4: [198.51.100.10/24]"
# Management moves from vmbr0 to eth3 (the main table's gateway with it):
# that disturbs management, so it takes --allow-management-change.
out=$(H apply --auto-approve --allow-management-change "$profile" 2>&1)
[ $? = 0 ] && [ -z "$(ifindex vmbr0)" ] && [ -n "$(ifindex eth1)" ] && [ -n "$(ifindex eth2)" ] &&
	[ "$(ifindex eth3)" = "$eth3_index" ] &&
	ok "a removed switch takes its bridge (hostnet's), never the NICs" ||
	not_ok "switch removed" "$out" "$(ip -br link)"

# --- a VLAN device over the bridge ----------------------------------------------
write "$SWITCH
adapters:
$MGMT
  - name: vmbr0.20
    backing: vlan
    switch: vmbr0
    vlan: 20
    ipv4: [203.0.113.20/24]"
line=$(grep -n "backing: vlan" "$profile" | cut -d: -f1)
out=$(H plan "$profile" 2>&1)
rc=$?
if grep -q "8021q" <<<"$out"; then
	[ $rc = 1 ] && grep -qF "$profile:$line:14: error: a VLAN needs 802.1Q VLAN support (8021q) (vlan), which this kernel lacks; nothing was changed" <<<"$out" &&
		ok "without 8021q the plan refuses the VLAN adapter at its backing line" ||
		not_ok "VLAN refused" "$out"
else
	out=$(H apply --auto-approve "$profile" 2>&1)
	[ $? = 0 ] && ip -d link show dev vmbr0.20 | grep -q "vlan protocol 802.1Q id 20" &&
		ok "the VLAN adapter is an 802.1Q device over the bridge" || not_ok "VLAN applied" "$out"
fi

tap_done
