#!/bin/bash
# The per-service firewall (firewall: in the profile, table inet hostnet):
# real connections from a client namespace behind the switch to listeners in
# the host namespace, from allowed and disallowed sources; ARP flux kept off
# the adapters; drift and healing; a foreign table and an iptables-nft rule
# left alone; a failed apply restoring the previous ruleset exactly; the
# firewall turned off removing the table.
. "$(dirname "$0")/../lib.sh" || exit 1
. "$(dirname "$0")/lib-ns.sh" || exit 1
ns_enter "$@"
[ -n "${HOSTNET_IN_NETNS:-}" ] || exit 1
command -v nft >/dev/null || skip_all "nft (nftables) not found"
command -v python3 >/dev/null || skip_all "python3 not found"
command -v iptables-nft >/dev/null || skip_all "iptables-nft (iptables) not found"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1

ip link add eth1 type veth peer name eth1p
ip link add eth2 type veth peer name eth2p
unshare --net sleep 600 &
client=$!
listener=
trap 'kill $client $listener 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.2
C() { nsenter -t "$client" -n "$@"; }

# The client: one NIC on the switch, with allowed (.50) and disallowed (.200)
# sources in both subnets.  It learns the adapters' MACs by ARP.
ip link set eth1p netns "$client"
C ip link set lo up
C ip addr add 192.0.2.50/24 dev eth1p
C ip addr add 192.0.2.200/24 dev eth1p
C ip addr add 198.51.100.50/24 dev eth1p
C ip addr add 198.51.100.200/24 dev eth1p
C ip addr add 198.51.100.1/24 dev eth1p
C ip link set eth1p mtu 9000 up

mkdir -p "$T/p/hosts"
P=$T/p/hosts/fw1.yaml
cat >"$P" <<'EOF'
apiVersion: hostnet/v1
kind: HostProfile
host: fw1
uplinks: [{name: eth1, mtu: 9000}, {name: eth2, mtu: 9000}]
switches: [{name: vs0, mtu: 9000, uplinks: [eth1, eth2]}]
portgroups: [{name: Management, switch: vs0}, {name: Storage, switch: vs0}]
stacks:
  - {name: default}
  - {name: storage, table: 100, gateway: {ipv4: 198.51.100.1}}
adapters:
  - {name: vmk0, portgroup: Management, services: [management], ipv4: [192.0.2.10/24]}
  - {name: vmk1, portgroup: Storage, services: [vsan, replication], stack: storage, mtu: 9000,
     ipv4: [198.51.100.10/24]}
firewall:
  enabled: true
  services:
    management: {allow: [192.0.2.0/25], ports: [tcp/8006]}
    replication: {allow: [198.51.100.0/25]}
EOF

# Someone else's nftables table and an iptables-nft rule: never touched.
nft -f - <<'EOF'
table inet filter {
	chain input {
		type filter hook input priority 10; policy accept;
		tcp dport 5555 counter accept
	}
}
EOF
foreign() { nft -s list table inet filter; iptables-nft -S INPUT; }
iptables-nft -A INPUT -p tcp --dport 5556 -j ACCEPT
foreign_before=$(foreign)

out=$("$HOSTNET" plan "$P" 2>&1)
grep -q "+ firewall table inet hostnet (15 rules)  # $P:14:1" <<<"$out" &&
	ok "plan shows the firewall with the line of its key" ||
	not_ok "plan shows the firewall with the line of its key" "$out"
out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
rc=$?
[ $rc = 0 ] && nft list tables | grep -qx "table inet hostnet" &&
	ok "apply creates table inet hostnet" || not_ok "apply creates table inet hostnet" "rc=$rc" "$out"
out=$("$HOSTNET" plan "$P" 2>&1)
grep -q "No changes" <<<"$out" && ok "the listed ruleset equals the desired one: no changes" ||
	not_ok "the listed ruleset equals the desired one: no changes" "$out"

# Listeners on every port of the test, on all addresses of the host.
cat >"$T/listen.py" <<'EOF'
import selectors, socket, sys
sel = selectors.DefaultSelector()
for port in map(int, sys.argv[1:]):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(16); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        c, _ = key.fileobj.accept(); c.close()
EOF
python3 "$T/listen.py" 22 8006 6789 7788 9999 >"$T/listen.out" &
listener=$!
for _ in $(seq 50); do grep -q ready "$T/listen.out" 2>/dev/null && break; sleep 0.1; done

# connect SRC DST PORT -> "open" or "dropped" (a 1 s timeout).
connect() {
	C python3 -c 'import socket, sys
s = socket.socket(); s.settimeout(1.0); s.bind((sys.argv[1], 0))
try:
    s.connect((sys.argv[2], int(sys.argv[3]))); print("open")
except OSError:
    print("dropped")' "$@"
}
expect() {  # expect open|dropped SRC DST PORT WHY
	local got
	got=$(connect "$2" "$3" "$4")
	[ "$got" = "$1" ] && ok "$2 -> $3:$4 $1 ($5)" || not_ok "$2 -> $3:$4 $1 ($5)" "got: $got"
}
expect open 192.0.2.50 192.0.2.10 22 "management's ssh from an allowed source"
expect open 192.0.2.50 192.0.2.10 8006 "a port the profile adds to management"
expect dropped 192.0.2.200 192.0.2.10 22 "management from a source not allowed"
expect dropped 192.0.2.50 192.0.2.10 6789 "vsan is not a service of vmk0"
expect dropped 192.0.2.50 192.0.2.10 9999 "no service has this port"
expect open 198.51.100.50 198.51.100.10 6789 "vsan's Ceph monitor, from any source"
expect open 198.51.100.200 198.51.100.10 6789 "vsan has no allow list: any source"
expect open 198.51.100.50 198.51.100.10 7788 "replication (DRBD) from an allowed source"
expect dropped 198.51.100.200 198.51.100.10 7788 "replication from a source not allowed"
expect dropped 198.51.100.50 198.51.100.10 22 "ssh is management's, not vmk1's"
C ping -c1 -W1 -I 192.0.2.200 192.0.2.10 >/dev/null &&
	ok "echo requests pass from any source" || not_ok "echo requests pass from any source"
C ip -4 neigh show dev eth1p | grep -q "192.0.2.10 lladdr" &&
	ok "the client learnt the adapters' addresses by ARP" ||
	not_ok "the client learnt the adapters' addresses by ARP" "$(C ip neigh)"

# ARP flux: every link of the host would answer ARP for any of its
# addresses (the switch vs0 did, and the client's SYN for vmk0 then came in
# through vs0, past the adapter's rules).  Exactly the adapter that has the
# address answers.
cat >"$T/arp.py" <<'PY'
import socket, struct, sys, time
ifname, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((ifname, 0))
mac = s.getsockname()[4]
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, socket.inet_aton(src),
                  bytes(6), socket.inet_aton(dst))
s.send(b"\xff" * 6 + mac + b"\x08\x06" + arp)
s.settimeout(0.2)
seen, end = set(), time.time() + 1.0
while time.time() < end:
    try:
        f = s.recv(128)
    except socket.timeout:
        continue
    if len(f) < 42:
        continue
    op, sha, spa = struct.unpack_from("!6xH6s4s", f, 14)
    if op == 2 and spa == socket.inet_aton(dst):
        seen.add(sha.hex(":"))
print(" ".join(sorted(seen)))
PY
mac_of() { ip -br link show "$1" | awk '{print $3}'; }
arp_who() { C python3 "$T/arp.py" eth1p "$1" "$2"; }
[ "$(arp_who 198.51.100.50 198.51.100.10)" = "$(mac_of vmk1)" ] &&
	[ "$(arp_who 192.0.2.50 192.0.2.10)" = "$(mac_of vmk0)" ] &&
	ok "only the adapter with the address answers ARP for it" ||
	not_ok "only the adapter with the address answers ARP for it" \
		"198.51.100.10: $(arp_who 198.51.100.50 198.51.100.10) (vmk1 $(mac_of vmk1))" \
		"192.0.2.10: $(arp_who 192.0.2.50 192.0.2.10) (vmk0 $(mac_of vmk0))"
[ "$(sysctl -n net.ipv4.conf.vmk0.arp_ignore net.ipv4.conf.vmk0.arp_announce \
	net.ipv4.conf.vmk0.rp_filter net.ipv4.conf.vs0.arp_ignore | tr '\n' ' ')" = "1 2 2 1 " ] &&
	ok "adapters and switches have arp_ignore 1, arp_announce 2, rp_filter 2" ||
	not_ok "adapters and switches have arp_ignore 1, arp_announce 2, rp_filter 2"
sysctl -qw net.ipv4.conf.vmk1.arp_ignore=0 net.ipv4.conf.vs0.arp_ignore=0
who=$(arp_who 192.0.2.50 192.0.2.10)
[ "$(wc -w <<<"$who")" -ge 2 ] && ok "with arp_ignore 0 (set by hand) other links answer too: ARP flux" ||
	not_ok "with arp_ignore 0 (set by hand) other links answer too: ARP flux" "$who"
out=$("$HOSTNET" drift --exit-code 2>&1)
rc=$?
[ $rc = 2 ] && grep -q "link vmk1" <<<"$out" && grep -q "link vs0" <<<"$out" &&
	ok "and that is drift (exit 2)" || not_ok "and that is drift (exit 2)" "rc=$rc" "$out"
"$HOSTNET" apply --auto-approve --allow-management-change "$P" >/dev/null 2>&1
[ "$(arp_who 192.0.2.50 192.0.2.10)" = "$(mac_of vmk0)" ] && ok "apply heals it" ||
	not_ok "apply heals it" "$(arp_who 192.0.2.50 192.0.2.10)"

out=$("$HOSTNET" show firewall 2>&1)
grep -Eq "^vmk0 +management +[1-9][0-9]* +[1-9][0-9]*$" <<<"$out" &&
	grep -Eq "^vmk0 +\(dropped\) +[1-9][0-9]* +[1-9][0-9]*$" <<<"$out" &&
	ok "show firewall counts what was accepted and dropped" ||
	not_ok "show firewall counts what was accepted and dropped" "$out"
"$HOSTNET" show firewall --json | python3 -c 'import json, sys
rows = json.load(sys.stdin)
vsan = [r for r in rows if r["adapter"] == "vmk1" and r["service"] == "vsan"][0]
assert vsan["packets"] >= 2 and vsan["bytes"] > 0, vsan' &&
	ok "show firewall --json has the same counters" || not_ok "show firewall --json has the same counters"
"$HOSTNET" drift --metrics "$T/drift.prom" >/dev/null 2>&1
grep -Eq '^hostnet_firewall_dropped_packets\{host="fw1",adapter="vmk0"\} [1-9]' "$T/drift.prom" &&
	ok "the drift metrics file has the dropped-packet counters" ||
	not_ok "the drift metrics file has the dropped-packet counters" "$(cat "$T/drift.prom")"

check "hostnet check mtu passes with the firewall on" "$HOSTNET" check mtu

# Drift: a rule deleted by hand, then the table flushed.
good=$(nft -s list table inet hostnet)
h=$(nft -a list chain inet hostnet input | grep "tcp dport 8006" | sed 's/.* handle //')
nft delete rule inet hostnet input handle "$h"
out=$("$HOSTNET" drift --exit-code 2>&1)
rc=$?
[ $rc = 2 ] && grep -q "firewall" <<<"$out" && ok "a rule deleted by hand is drift (exit 2)" ||
	not_ok "a rule deleted by hand is drift (exit 2)" "rc=$rc" "$out"
expect dropped 192.0.2.50 192.0.2.10 8006 "the deleted rule no longer opens the port"
# The rewrite touches the rules on vmk0, a management adapter: the blast
# radius guard wants a way back or an explicit yes.
out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
rc=$?
[ $rc != 0 ] && grep -q "disturbs management" <<<"$out" &&
	[ "$(nft -s list table inet hostnet)" != "$good" ] &&
	ok "healing the firewall of a management adapter needs --allow-management-change" ||
	not_ok "healing the firewall of a management adapter needs --allow-management-change" "rc=$rc" "$out"
"$HOSTNET" apply --auto-approve --allow-management-change "$P" >/dev/null 2>&1
[ "$(nft -s list table inet hostnet)" = "$good" ] && "$HOSTNET" drift >/dev/null 2>&1 &&
	ok "apply heals it" || not_ok "apply heals it" "$(nft -s list table inet hostnet | diff - <(echo "$good"))"
nft add rule inet hostnet input tcp dport 9999 accept
"$HOSTNET" drift --exit-code >/dev/null 2>&1
[ $? = 2 ] && ok "a rule added by hand is drift" || not_ok "a rule added by hand is drift"
nft flush table inet hostnet
"$HOSTNET" drift --exit-code >/dev/null 2>&1
[ $? = 2 ] && ok "a flushed table is drift" || not_ok "a flushed table is drift"
nft delete table inet hostnet
"$HOSTNET" drift --exit-code >/dev/null 2>&1
[ $? = 2 ] && ok "a deleted table is drift" || not_ok "a deleted table is drift"
"$HOSTNET" apply --auto-approve --allow-management-change "$P" >/dev/null 2>&1
[ "$(nft -s list table inet hostnet)" = "$good" ] && ok "and apply makes it again" ||
	not_ok "and apply makes it again"

# A failing apply restores the previous ruleset exactly: the change opens
# a port and moves vmk1; the injected failure is at its last action.
cp "$P" "$T/good.yaml"
sed -i 's|ports: \[tcp/8006\]|ports: [tcp/8006, tcp/9999]|; s|198.51.100.10/24|198.51.100.11/24|' "$P"
n=$("$HOSTNET" plan --format json "$P" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["actions"]))')
out=$(HOSTNET_TEST_FAIL_BEFORE=$n "$HOSTNET" apply --auto-approve --allow-management-change "$P" 2>&1)
rc=$?
[ $rc != 0 ] && [ "$(nft -s list table inet hostnet)" = "$good" ] &&
	ok "an apply failing at its last action leaves the ruleset as it was" ||
	not_ok "an apply failing at its last action leaves the ruleset as it was" "rc=$rc" "$out"
# Past the firewall: the gateway does not answer, so --connectivity-check
# rolls back a ruleset already replaced.
C ip addr del 198.51.100.1/24 dev eth1p
out=$("$HOSTNET" apply --auto-approve --allow-management-change --connectivity-check "$P" 2>&1)
rc=$?
C ip addr add 198.51.100.1/24 dev eth1p
[ $rc = 1 ] && grep -q "rolled back" <<<"$out" && [ "$(nft -s list table inet hostnet)" = "$good" ] &&
	ok "a failed connectivity check restores the previous ruleset exactly" ||
	not_ok "a failed connectivity check restores the previous ruleset exactly" "rc=$rc" "$out" \
		"$(nft -s list table inet hostnet | diff <(echo "$good") -)"
# --confirm-timeout: expired unconfirmed, the ruleset goes back.
out=$("$HOSTNET" apply --auto-approve --allow-management-change --confirm-timeout 1 "$P" 2>&1)
rc=$?
[ $rc != 0 ] && [ "$(nft -s list table inet hostnet)" = "$good" ] &&
	ok "an unconfirmed change is rolled back to the previous ruleset" ||
	not_ok "an unconfirmed change is rolled back to the previous ruleset" "rc=$rc" "$out"
cp "$T/good.yaml" "$P"

# Prune and firewall off: the foreign table and rule survive everything.
sed -i 's/enabled: true/enabled: false/' "$P"
out=$("$HOSTNET" plan "$P" 2>&1)
grep -q -- "- firewall table inet hostnet" <<<"$out" && ok "turning the firewall off plans the table's removal" ||
	not_ok "turning the firewall off plans the table's removal" "$out"
"$HOSTNET" apply --auto-approve --allow-management-change "$P" >/dev/null 2>&1
! nft list tables | grep -q "inet hostnet" && ok "and apply removes the table" ||
	not_ok "and apply removes the table" "$(nft list tables)"
expect open 192.0.2.200 192.0.2.10 9999 "with the firewall off nothing is filtered"
sed -i '/name: vmk1/,+1d; /name: storage/d' "$P"
out=$("$HOSTNET" apply --auto-approve --allow-management-change "$P" 2>&1)
grep -q -- "- link vmk1 (veth)" <<<"$out" || not_ok "vmk1 is pruned" "$out"
[ "$(foreign)" = "$foreign_before" ] && ok "the foreign table survives apply and prune" ||
	not_ok "the foreign table survives apply and prune" "$(diff <(echo "$foreign_before") <(foreign))"
iptables-nft -S INPUT | grep -q -- "--dport 5556" &&
	ok "and so does the iptables-nft rule" || not_ok "and so does the iptables-nft rule"
tap_done
