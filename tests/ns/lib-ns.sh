# Namespace test harness.  Source it from a test after tests/lib.sh, then
# call ns_enter "$@" first thing: the test re-runs itself inside a fresh
# private network namespace (unshare -n).  Everything it creates vanishes with
# the namespace when the test exits, pass or fail, so there is nothing to tear
# down and nothing can touch the machine's own interfaces.

# True when this shell is in a fresh network namespace of its own: not
# $1 (the namespace the caller started in), not PID 1's (when readable:
# /proc/1 may not be), and nothing in it but lo.  The benchmarks use it too.
ns_is_fresh() {
	local self init
	self=$(readlink /proc/self/ns/net)
	init=$(readlink /proc/1/ns/net 2>/dev/null)
	[ -n "$self" ] && [ "$self" != "$1" ] && [ "$self" != "$init" ] &&
		[ "$(ip -o link show | grep -vc ': lo:')" = 0 ]
}

ns_enter() {
	if [ -z "${HOSTNET_IN_NETNS:-}" ]; then
		[ "$(id -u)" = 0 ] || skip_all "needs root to create network namespaces"
		command -v unshare >/dev/null || skip_all "unshare (util-linux) not found"
		command -v ip >/dev/null || skip_all "ip (iproute2) not found"
		HOSTNET_OUTER_NETNS=$(readlink /proc/self/ns/net) HOSTNET_IN_NETNS=1 \
			exec unshare --net -- bash "$0" "$@"
	fi
	if ! ns_is_fresh "${HOSTNET_OUTER_NETNS:-}"; then
		echo "Bail out! not in a fresh private network namespace"
		exit 1
	fi
	# No IPv6 link-local addresses on new links: their DAD finishes (and
	# adds local routes) at an unpredictable moment, which would race every
	# count.  Tests add the IPv6 addresses they need, with nodad.
	sysctl -qw net.ipv6.conf.all.addr_gen_mode=1 net.ipv6.conf.default.addr_gen_mode=1
	ip link set lo up
}

# A small ESXi-like host: two uplink stand-ins (veth up1/up2, peers up1p/up2p),
# switch vs0 (a bridge) over them, adapter vmk0 on it carrying hostnet's
# marks, a second adapter vmk1 on stack "vmotion" (table 100, policy rules,
# default route, all with protocol 77), and foreign objects beside them: a
# static route, a rule, a link in hostnet's group with someone else's alias.
ns_build_host() {
	ip -batch - <<'EOB'
link add up1 type veth peer name up1p
link add up2 type veth peer name up2p
link add vs0 type bridge
link set up1 master vs0
link set up2 master vs0
link set vs0 group 0x686e7374 alias "hostnet:switch" mtu 9000
link add vmk0 mtu 1500 type veth peer name vmk0p
link set vmk0 group 0x686e7374 alias "hostnet:adapter services=management"
link set vmk0p group 0x686e7374 alias "hostnet:port adapter=vmk0" master vs0
link add vmk1 mtu 9000 type veth peer name vmk1p
link set vmk1 group 0x686e7374 alias "hostnet:adapter services=vmotion stack=vmotion"
link set vmk1p group 0x686e7374 alias "hostnet:port adapter=vmk1" master vs0
link add impostor type veth peer name impostorp
link set impostor group 0x686e7374 alias "someone else's"
link set up1 up
link set up2 up
link set up1p up
link set up2p up
link set vs0 up
link set vmk0 up
link set vmk0p up
link set vmk1 up
link set vmk1p up
address add 192.0.2.10/24 dev vmk0
address add 2001:db8::10/64 dev vmk0 nodad
address add 198.51.100.10/24 dev vmk1
route add default via 192.0.2.1 dev vmk0
route add 203.0.113.0/24 via 192.0.2.254 proto static
route add default via 198.51.100.1 dev vmk1 table 100 proto 77
route add 198.51.100.0/24 dev vmk1 table 100 proto 77 scope link
rule add from 198.51.100.10 lookup 100 priority 10000 protocol 77
rule add oif vmk1 lookup 100 priority 10001 protocol 77
rule add from 203.0.113.0/24 lookup 200 priority 20000
EOB
	# The bridge's carrier (and the kernel's IPv6 routes on it) comes up
	# after its ports do: wait for it, then for everything to be still.
	for _ in $(seq 100); do ip -o link show vs0 | grep -q "state UP" && break; sleep 0.1; done
	ns_settle
}

# Waits (up to 10 s) until links and routes stop changing: a bridge's
# carrier, and with it the kernel's routes on it, come up a moment after
# its ports do, and a test comparing two observations must not race that.
ns_settle() {
	local prev="" now i still=0
	for i in $(seq 50); do
		now=$(ip -o link show; ip -4 route show table all; ip -6 route show table all)
		if [ "$now" = "$prev" ]; then
			still=$((still + 1))
			[ $still -ge 2 ] && return 0
		else
			still=0
		fi
		prev=$now
		sleep 0.2
	done
}

# Whether `ping -D` (output in $1) lost no echo request in the window from
# the last reply before time $2 to the first reply after time $3 (seconds
# since the epoch, as `date +%s.%N` gives them): what a change between those
# times may not cost.  Prints "LOST of SENT in the window (N overall)".
# Outside that window, a loaded machine may drop a packet now and then
# (veth and bridge queues with the CPU taken): that is not the change's.
ns_ping_window() {
	python3 - "$@" <<'PYEOF'
import re, sys
got, sent = {}, 0
for line in open(sys.argv[1]):
    m = re.match(r"\[(\d+\.\d+)\] .*icmp_seq=(\d+) ", line)
    if m:
        got[int(m.group(2))] = float(m.group(1))
    m = re.match(r"(\d+) packets transmitted", line)
    if m:
        sent = int(m.group(1))
start, end = float(sys.argv[2]), float(sys.argv[3])
before = [q for q, t in got.items() if t < start]
after = [q for q, t in got.items() if t > end]
if not before or not after:
    print("no replies on both sides of the window (%d replies)" % len(got))
    sys.exit(1)
lo, hi = max(before), min(after)
lost = [q for q in range(lo, hi + 1) if q not in got]
print("%d lost of %d in the window (%d of %d lost overall)" % (len(lost), hi - lo + 1, sent - len(got), sent))
sys.exit(1 if lost else 0)
PYEOF
}

# True when hostnet's kernel probe says this kernel has every capability
# named ("vlan", "vrf", "bond", "bridge-vlan-filtering"...): a test asserts
# the plan's refusal where one is missing and the real behaviour where all
# are there (tests/kernel/ runs on Debian's kernel under qemu).
ns_kernel_has() {  # ns_kernel_has CAP...
	local d r
	d=$(mktemp -d "${TMPDIR:-/tmp}/hostnet-caps.XXXXXX")
	HOSTNET_STATE=$d/state.db "$HOSTNET" observe -q --export "$d/snap.json" >/dev/null 2>&1 &&
		python3 -c 'import json,sys
caps = json.load(open(sys.argv[1]))["state"]["caps"]
sys.exit(0 if all(c in caps for c in sys.argv[2:]) else 1)' "$d/snap.json" "$@"
	r=$?
	rm -rf "$d"
	return $r
}
