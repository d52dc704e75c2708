#!/bin/bash
# The Proof of issue 15: taking over a Proxmox-like host that ifupdown2 made.
#
# In a private network + mount namespace (its own sysfs, tmpfs /run and
# /var/tmp, a test interfaces file bind-mounted over /etc/network/interfaces,
# as ifreload has no -i), ifupdown2 builds: vmbr0 over eth1 with the
# management address and the default route, a static route, and a storage
# bridge vmbr1 over eth2 with its own address, a second routing table and
# its policy rules.  Then: hostnet refuses while ifupdown2 still manages the
# links; the user takes them out of ifupdown2; the profile validates clean;
# plan shows only adoptions; apply --adopt runs while a peer namespace pings
# the management address every 10 ms (zero lost, every ifindex unchanged);
# a second plan is empty; ifreload no longer touches anything; a manual
# change is drift; removing the storage adapter from the profile deletes it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"

if [ -z "${HOSTNET_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root to create namespaces"
	command -v ifreload >/dev/null || skip_all "ifupdown2 not found (apt-get install ifupdown2)"
	command -v ping >/dev/null || skip_all "ping (iputils-ping) not found"
	[ -f /etc/network/interfaces ] || skip_all "no /etc/network/interfaces to bind-mount over"
	HOSTNET_OUTER_NETNS=$(readlink /proc/self/ns/net) HOSTNET_IN_NETNS=1 \
		exec unshare --net --mount --propagation private -- bash "$0" "$@"
fi
if ! ns_is_fresh "${HOSTNET_OUTER_NETNS:-}"; then
	echo "Bail out! not in a fresh private network namespace"
	exit 1
fi
make_tmp
# ifupdown2 reads and writes /sys/class/net: the namespace's own sysfs.
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mkdir -p /run/network   # else ifreload says "Another instance ... is already running"
mount -t tmpfs tmpfs /var/tmp
touch "$T/interfaces"
mount --bind "$T/interfaces" /etc/network/interfaces
sysctl -qw net.ipv6.conf.all.addr_gen_mode=1 net.ipv6.conf.default.addr_gen_mode=1
ip link set lo up
export HOSTNET_STATE=$T/state.db NO_COLOR=1
# Outside the host's own network namespace hostnet reads ifupdown2's state
# only when told where it is (observe-managers.c).
export HOSTNET_IFUPDOWN2_STATE=/var/tmp/network/ifstatenew

unshare --net sleep 600 &
peer=$!
pinger=
monitor=
trap 'kill $pinger $monitor $peer 2>/dev/null; umount /etc/network/interfaces; rm -rf "$T"' EXIT
sleep 0.2
for i in 1 2; do ip link add "eth$i" type veth peer name "eth${i}p"; done
ip link set eth2p up

cat >"$T/interfaces" <<'EOF'
auto lo
iface lo inet loopback

auto eth1
iface eth1 inet manual

auto vmbr0
iface vmbr0 inet static
	address 192.0.2.10/24
	gateway 192.0.2.1
	bridge-ports eth1
	bridge-stp off
	bridge-fd 0
	post-up ip route add 203.0.113.0/24 via 192.0.2.254

auto eth2
iface eth2 inet manual

# Storage on its own table, reached from its own address only.
auto vmbr1
iface vmbr1 inet static
	address 198.51.100.10/24
	bridge-ports eth2
	bridge-stp off
	bridge-fd 0
	post-up ip route add 198.51.100.0/24 dev vmbr1 table 100
	post-up ip route add default via 198.51.100.1 dev vmbr1 table 100
	post-up ip route add unreachable default table 100 metric 4294967295
	post-up ip -6 route add unreachable default table 100 metric 4294967295
	post-up ip rule add from 198.51.100.10 lookup 100 priority 10000
	post-up ip rule add oif vmbr1 lookup 100 priority 10001
EOF
ifreload -a >"$T/ifreload.log" 2>&1
ip link set eth1p netns "$peer"
nsenter -t "$peer" -n sh -c 'ip link set lo up; ip link set eth1p up; ip addr add 192.0.2.50/24 dev eth1p'
for _ in $(seq 100); do ip -o link show vmbr0 | grep -q "state UP" && break; sleep 0.1; done
nsenter -t "$peer" -n ping -c 1 -W 2 192.0.2.10 >/dev/null 2>&1 &&
	ip rule show | grep -q "from 198.51.100.10 lookup 100" && ip route show 203.0.113.0/24 | grep -q via &&
	ok "ifupdown2 built the Proxmox-like host (management on vmbr0, storage on vmbr1, table 100)" ||
	not_ok "ifupdown2 built the Proxmox-like host" "$(cat "$T/ifreload.log"; ip -br addr; ip route; ip rule)"

mkdir -p "$T/repo/hosts"
P=$T/repo/hosts/pve01.yaml
# The profile, written by hostnet from the kernel (eth1p went to the peer;
# eth2p, a veth stand-in's far end, is not a NIC of this host).
out=$("$HOSTNET" import --host pve01 --uplinks eth1,eth2 --out "$P" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "backing: switch" "$P" && grep -q "services: \[management\]" "$P" &&
	grep -q "table: 100   # the host's rule (priority 10000) is adopted" "$P" &&
	ok "hostnet import writes the host's profile" || not_ok "hostnet import writes the host's profile" "rc=$rc" "$out" "$(cat "$P" 2>/dev/null)"

host_state() {
	ip -d -o link show | grep -o '^[0-9]*: [^:]*\|alias .*'
	ip -o addr show | awk '{print $2, $4}'
	ip route show table all | grep -v '^local\|^broadcast\|^multicast\|fe80::\|ff00::'
	ip rule show
}
ifindexes() { ip -o link show | awk '{print $1, $2}'; }
before=$(host_state)
idx_before=$(ifindexes)

# Coexistence first: ifupdown2's links are its own.
out=$("$HOSTNET" plan "$P" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "pve01.yaml:[0-9]*:[0-9]*: error: interface 'vmbr0' is managed by ifupdown2; hostnet will not change it" <<<"$out" &&
	ok "plan refuses while ifupdown2 manages the links, naming it" ||
	not_ok "plan refuses while ifupdown2 manages the links, naming it" "rc=$rc" "$out"
out=$("$HOSTNET" apply --auto-approve --adopt "$P" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "managed by ifupdown2" <<<"$out" && [ "$(host_state)" = "$before" ] &&
	ok "--adopt does not override another manager, and nothing changed" ||
	not_ok "--adopt does not override another manager, and nothing changed" "rc=$rc" "$out"

# Out of ifupdown2's hands, as README says: its file keeps only lo, and its
# saved state goes, so a later ifreload has nothing of hostnet's to take
# down.
printf 'auto lo\niface lo inet loopback\n' >"$T/interfaces"
rm -f /var/tmp/network/ifstatenew

out=$("$HOSTNET" validate "$P" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "^1 profile checked: 0 errors" <<<"$out" && ok "the profile validates" || not_ok "the profile validates" "rc=$rc" "$out"

out=$("$HOSTNET" plan "$P" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "^  = adopt link vmbr0 (bridge)" <<<"$out" && grep -q "^  = adopt link vmbr1 (bridge)" <<<"$out" &&
	grep -q "^  = adopt address 192.0.2.10/24 on vmbr0" <<<"$out" &&
	grep -q "^  = adopt route default via 192.0.2.1 dev vmbr0 table main" <<<"$out" &&
	grep -q "^  = adopt rule from 198.51.100.10/32 lookup 100 priority 10000" <<<"$out" &&
	grep -q "^Plan: [0-9]* to adopt, 0 to add, 0 to change, 0 to destroy.$" <<<"$out" &&
	! grep -q "^  [-+~]" <<<"$out" &&
	ok "plan shows only adoptions" || not_ok "plan shows only adoptions" "rc=$rc" "$out"

# Only the echo requests around the apply count (ns_ping_window): the ones
# in flight when ping is stopped, or lost to a loaded machine long before,
# are not the takeover's.
nsenter -t "$peer" -n ping -D -i 0.01 192.0.2.10 >"$T/ping.out" 2>&1 &
pinger=$!
ip -o monitor link >"$T/links.mon" 2>&1 &
monitor=$!
sleep 0.5
t0=$(date +%s.%N)
out=$("$HOSTNET" apply --auto-approve --adopt "$P" 2>&1)
rc=$?
t1=$(date +%s.%N)
sleep 0.5
kill -0 $pinger 2>/dev/null && overlap=yes || overlap=no
kill -INT $pinger; wait $pinger 2>/dev/null
kill $monitor; wait $monitor 2>/dev/null
pinger= monitor=
stats=$(ns_ping_window "$T/ping.out" "$t0" "$t1")
win=$?
[ $rc = 0 ] && grep -q "Apply complete: [0-9]* adopted, 0 added, 0 changed, 0 destroyed" <<<"$out" &&
	ok "apply --adopt takes the host over" || not_ok "apply --adopt takes the host over" "rc=$rc" "$out"
[ "$overlap" = yes ] && [ $win = 0 ] &&
	ok "zero echo requests (every 10 ms) lost to the management address during the takeover: $stats" ||
	not_ok "zero echo requests lost to the management address during the takeover" "$stats" \
		"ping still running when apply ended: $overlap"
# Every link event of the takeover (the new aliases) shows the link up.
events=$(grep -c "vmbr[01]" "$T/links.mon")
down=$(grep "vmbr[01]\|eth[12]" "$T/links.mon" | grep -v "[<,]UP[,>]")
[ "$events" -gt 0 ] && [ -z "$down" ] && ok "no link went down ($events link events, every one up)" ||
	not_ok "no link went down" "$(cat "$T/links.mon")"
[ "$(ifindexes)" = "$idx_before" ] && ok "every ifindex unchanged" ||
	not_ok "every ifindex unchanged" "$(diff <(echo "$idx_before") <(ifindexes))"
[ "$(ip route show default)" = "default via 192.0.2.1 dev vmbr0 proto 77 " ] &&
	[ "$(ip rule show | grep -c 'lookup 100')" = 2 ] && [ "$(ip rule show | grep -c 'lookup 100 proto 77')" = 2 ] &&
	ok "the default route and the rules are hostnet's, with no copy left behind" ||
	not_ok "the default route and the rules are hostnet's, with no copy left behind" "$(ip route; ip rule)"

out=$("$HOSTNET" plan "$P" 2>&1)
grep -q "^No changes. The host matches its profile.$" <<<"$out" && ok "a second plan is empty" ||
	not_ok "a second plan is empty" "$out"
ifreload -a >"$T/ifreload2.log" 2>&1
out=$("$HOSTNET" plan "$P" 2>&1)
grep -q "^No changes. The host matches its profile.$" <<<"$out" &&
	ok "ifupdown2, out of the picture, takes nothing down on ifreload -a" ||
	not_ok "ifupdown2, out of the picture, takes nothing down on ifreload -a" "$out" "$(cat "$T/ifreload2.log")"

ip route del 203.0.113.0/24
out=$("$HOSTNET" drift --exit-code 2>&1)
rc=$?
[ $rc = 2 ] && grep -q "203.0.113.0/24" <<<"$out" && ok "a manual change is drift" ||
	not_ok "a manual change is drift" "rc=$rc" "$out"
"$HOSTNET" apply --auto-approve "$P" >/dev/null 2>&1

# Without the storage adapter (and its stack): its address, routes and
# rules go; vmbr1 stays, a switch.
python3 - "$P" <<'EOF'
import re, sys
p = sys.argv[1]
lines = open(p).read().split("\n")
# List items ("  - ...", continued by deeper lines), and the stack the
# adapter on vmbr1 alone used.
def items(lines):
    out, cur = [], None
    for l in lines:
        if l.startswith("  - "):
            cur = [l]; out.append(cur)
        elif cur is not None and l.startswith("    "):
            cur.append(l)
        else:
            cur = None; out.append([l])
    return out
blocks = items(lines)
stack = None
for b in blocks:
    text = "\n".join(b)
    if b[0].startswith("  - name: vmbr1") and "backing: switch" in text:
        m = re.search(r"stack: (\S+)", text)
        stack = m.group(1) if m else None
blocks = [b for b in blocks
          if not (b[0].startswith("  - name: vmbr1") and "backing: switch" in "\n".join(b))
          and not (stack and b[0] == "  - name: " + stack)]
open(p, "w").write("\n".join(l for b in blocks for l in b))
EOF
out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "^  - address 198.51.100.10/24 on vmbr1" <<<"$out" &&
	! ip -o addr show vmbr1 | grep -q 198.51.100.10 && ! ip rule show | grep -q "lookup 100" &&
	[ -z "$(ip route show table 100)" ] && ip link show vmbr1 >/dev/null 2>&1 &&
	ok "removing the adopted storage adapter from the profile deletes it" ||
	not_ok "removing the adopted storage adapter from the profile deletes it" "rc=$rc" "$out"

tap_done
