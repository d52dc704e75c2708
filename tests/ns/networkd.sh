#!/bin/bash
# hostnet beside the real systemd-networkd (issue 15, section 4).  Debian's
# systemd-networkd runs in a private network + mount namespace (tmpfs on
# /run, so its state, D-Bus and drop-ins are the test's; tmpfs on
# /etc/systemd/network for its .network file; a read-only sysfs of the
# namespace, so it does not wait for a udev that is not there), with a
# private system bus for networkctl.  It manages eth2; hostnet manages a
# switch on eth1 and a storage stack (table 100, policy rule, unreachable
# default).  The test shows: hostnet refuses to touch eth2; plan warns while
# networkd would delete foreign routes and rules; without the shipped
# drop-in `networkctl reconfigure` deletes hostnet's rule and route; with it,
# they survive `networkctl reload` and `networkctl reconfigure`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"

ND=/lib/systemd/systemd-networkd
if [ -z "${HOSTNET_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root to create namespaces"
	[ -x "$ND" ] || skip_all "systemd-networkd not found (apt-get install systemd)"
	command -v networkctl >/dev/null || skip_all "networkctl not found"
	command -v dbus-daemon >/dev/null || skip_all "dbus-daemon not found (apt-get install dbus-daemon)"
	id systemd-network >/dev/null 2>&1 || skip_all "no systemd-network user"
	[ -d /etc/systemd/network ] || skip_all "no /etc/systemd/network to mount over"
	HOSTNET_OUTER_NETNS=$(readlink /proc/self/ns/net) HOSTNET_IN_NETNS=1 \
		exec unshare --net --mount --propagation private -- bash "$0" "$@"
fi
if ! ns_is_fresh "${HOSTNET_OUTER_NETNS:-}"; then
	echo "Bail out! not in a fresh private network namespace"
	exit 1
fi
make_tmp
# The namespace's own views: everything mounted here vanishes with it.
mount -t sysfs -o ro sysfs /sys
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /etc/systemd/network
mkdir -p /run/dbus /run/systemd
sysctl -qw net.ipv6.conf.all.addr_gen_mode=1 net.ipv6.conf.default.addr_gen_mode=1
ip link set lo up
export HOSTNET_STATE=$T/state.db NO_COLOR=1

dbus_pid=
nd_pid=
stop_all() {
	[ -n "$nd_pid" ] && kill "$nd_pid" 2>/dev/null && wait "$nd_pid" 2>/dev/null
	[ -n "$dbus_pid" ] && kill "$dbus_pid" 2>/dev/null
	rm -rf "$T"
}
trap stop_all EXIT

ip -batch - <<'EOB'
link add eth1 type veth peer name eth1p
link add eth2 type veth peer name eth2p
link set eth1p up
link set eth2p up
EOB
cat >/etc/systemd/network/10-eth2.network <<'EOF'
[Match]
Name=eth2
[Network]
Address=203.0.113.5/24
LinkLocalAddressing=no
EOF
dbus-daemon --system --fork --print-pid >"$T/dbus.pid" || { echo "Bail out! dbus-daemon did not start"; exit 1; }
dbus_pid=$(cat "$T/dbus.pid")

start_networkd() {
	"$ND" >>"$T/networkd.log" 2>&1 &
	nd_pid=$!
	for _ in $(seq 100); do
		grep -Eqs '^ADMIN_STATE=(configuring|configured)$' "/run/systemd/netif/links/$(cat /sys/class/net/eth2/ifindex)" &&
			networkctl list >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "Bail out! systemd-networkd did not configure eth2: $(cat "$T/networkd.log")"
	exit 1
}
stop_networkd() {
	kill "$nd_pid" && wait "$nd_pid" 2>/dev/null
	nd_pid=
}
start_networkd
ip -o addr show eth2 | grep -q 203.0.113.5/24 && ok "systemd-networkd runs in the namespace and configures eth2" ||
	not_ok "systemd-networkd runs in the namespace and configures eth2" "$(cat "$T/networkd.log")"

cat >"$T/h1.yaml" <<'EOF'
apiVersion: hostnet/v1
kind: HostProfile
host: h1
uplinks:
  - name: eth1
switches:
  - {name: vs0, uplinks: [eth1]}
portgroups:
  - {name: Mgmt, switch: vs0}
  - {name: Storage, switch: vs0}
stacks:
  - name: storage
    table: 100
    gateway: {ipv4: 198.51.100.1}
adapters:
  - {name: vmk0, portgroup: Mgmt, services: [management], ipv4: [192.0.2.10/24]}
  - {name: vmk1, portgroup: Storage, services: [nfs], stack: storage, ipv4: [198.51.100.10/24]}
EOF
# The same host, with eth2 (networkd's) as a second uplink of vs0.
sed 's/^  - name: eth1$/  - name: eth1\n  - name: eth2/; s/uplinks: \[eth1\]/uplinks: [eth1, eth2]/' "$T/h1.yaml" >"$T/h1-eth2.yaml"

ours() { ip rule show | grep 'proto 77'; ip route show table all | grep 'proto 77'; }

out=$("$HOSTNET" plan "$T/h1.yaml" 2>&1)
grep -q "warning: systemd-networkd runs here with ManageForeignRoutes and ManageForeignRoutingPolicyRules on" <<<"$out" &&
	ok "plan warns that networkd deletes foreign routes and rules (its defaults)" ||
	not_ok "plan warns that networkd deletes foreign routes and rules (its defaults)" "$out"
out=$("$HOSTNET" apply --auto-approve "$T/h1.yaml" 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(ip rule show | grep -c 'lookup 100 proto 77')" = 2 ] &&
	ok "hostnet applies its stack beside networkd" || not_ok "hostnet applies its stack beside networkd" "rc=$rc" "$out"

before=$(ip -d link show eth2; ip addr show eth2)
out=$("$HOSTNET" plan "$T/h1-eth2.yaml" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "h1-eth2.yaml:[0-9]*:[0-9]*: error: interface 'eth2' is managed by systemd-networkd; hostnet will not change it" <<<"$out" &&
	ok "plan refuses to change a link networkd manages, naming both and the profile line" ||
	not_ok "plan refuses to change a link networkd manages, naming both and the profile line" "rc=$rc" "$out"
out=$("$HOSTNET" apply --auto-approve --adopt "$T/h1-eth2.yaml" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "managed by systemd-networkd" <<<"$out" && [ "$(ip -d link show eth2; ip addr show eth2)" = "$before" ] &&
	ok "apply --adopt refuses it too and leaves eth2 alone" ||
	not_ok "apply --adopt refuses it too and leaves eth2 alone" "rc=$rc" "$out"

# Without the drop-in: networkd's defaults delete what it did not make.
have=$(ours)
networkctl reconfigure eth2 && sleep 1
left=$(ours)
! grep -q "lookup 100" <<<"$left" && ! grep -q "unreachable default table 100" <<<"$left" &&
	[ -n "$have" ] && ok "without the drop-in, 'networkctl reconfigure' deletes hostnet's rules and unreachable route" ||
	not_ok "without the drop-in, 'networkctl reconfigure' deletes hostnet's rules and unreachable route" \
		"before:" "$have" "after:" "$left"
"$HOSTNET" apply --auto-approve "$T/h1.yaml" >/dev/null 2>&1
[ -n "$have" ] && [ "$(ours)" = "$have" ] && ok "hostnet apply puts them back" || not_ok "hostnet apply puts them back" "$(ours)"

# With the shipped drop-in (networkd reads its configuration at start).
mkdir -p /run/systemd/networkd.conf.d
cp "$SRCDIR/examples/networkd.conf.d/hostnet.conf" /run/systemd/networkd.conf.d/
stop_networkd
start_networkd
out=$("$HOSTNET" plan "$T/h1.yaml" 2>&1)
rc=$?
[ $rc = 0 ] && ! grep -q "warning: systemd-networkd" <<<"$out" && grep -q "^No changes" <<<"$out" &&
	ok "with the drop-in, plan has no warning and nothing to do after networkd's restart" ||
	not_ok "with the drop-in, plan has no warning and nothing to do after networkd's restart" "rc=$rc" "$out"
networkctl reload && sleep 1
[ -n "$have" ] && [ "$(ours)" = "$have" ] && ok "hostnet's routes and rules survive 'networkctl reload'" ||
	not_ok "hostnet's routes and rules survive 'networkctl reload'" "$(ours)"
networkctl reconfigure eth2 && sleep 1
[ -n "$have" ] && [ "$(ours)" = "$have" ] && ok "hostnet's routes and rules survive 'networkctl reconfigure'" ||
	not_ok "hostnet's routes and rules survive 'networkctl reconfigure'" "$(ours)"
ip -o addr show eth2 | grep -q 203.0.113.5/24 && ok "and networkd still manages eth2" ||
	not_ok "and networkd still manages eth2" "$(ip addr show eth2)"

tap_done
