#!/bin/bash
# The adapter settings of issue #7 end to end on a simulated host: DHCP from
# a dnsmasq on the switch side (in a second namespace, behind the uplink),
# SLAAC from its router advertisements, egress shaping, a portgroup's
# security policy (really dropping forged frames), drift of each reported and
# healed, everything removed again, and teaming refused where the kernel has
# no bonding.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
command -v dnsmasq >/dev/null || skip_all "dnsmasq not found (apt-get install dnsmasq-base)"
command -v udhcpc >/dev/null || skip_all "udhcpc not found (apt-get install udhcpc)"
make_tmp
export HOSTNET_STATE=$T/state/state.db NO_COLOR=1
# SLAAC needs link-local addresses: new links generate them here (lib-ns
# turns that off for the other tests).
sysctl -qw net.ipv6.conf.default.addr_gen_mode=0
ip link add eth1 type veth peer name eth1p
unshare --net sleep 600 &
router=$!
cleanup() {
	# dnsmasq runs under nsenter in a function's subshell: its own pid file
	# names it (it would keep the router namespace alive after the test).
	[ -f "$T/dnsmasq.pid" ] && kill "$(cat "$T/dnsmasq.pid")" 2>/dev/null
	pkill -f -- "--pid-file=$T/dnsmasq.pid" 2>/dev/null
	for f in "$T"/state/dhcp/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	kill "$router" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
sleep 0.2
R() { nsenter -t "$router" -n "$@"; }
ip link set eth1p netns "$router"
R ip link set lo up
R ip addr add 192.0.2.1/24 dev eth1p
R ip addr add 2001:db8:1::1/64 dev eth1p nodad
R ip link set eth1p up
# Leases of 2 minutes from 192.0.2.100-150, router 192.0.2.1, and router
# advertisements of 2001:db8:1::/64 (SLAAC only).
R dnsmasq --keep-in-foreground --no-resolv --no-hosts --port=0 --interface=eth1p \
	--bind-interfaces --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,120 \
	--dhcp-option=3,192.0.2.1 --enable-ra --dhcp-range=2001:db8:1::,ra-only \
	--dhcp-leasefile="$T/leases" --pid-file="$T/dnsmasq.pid" --log-facility="$T/dnsmasq.log" &

mkdir -p "$T/hosts"
profile=$T/hosts/esx05.yaml
cat >"$profile" <<'EOF'
apiVersion: hostnet/v1
kind: HostProfile
host: esx05
uplinks:
  - name: eth1
switches:
  - name: vs0
    uplinks: [eth1]
portgroups:
  - name: Management Network
    switch: vs0
    security:
      promiscuous: reject
      mac_changes: reject
      forged_transmits: reject
  - name: Storage
    switch: vs0
stacks:
  - name: storage
    table: 110
adapters:
  - name: vmk0
    portgroup: Management Network
    services: [management]
    ipv4: dhcp
    ipv6: [auto]
  - name: vmk1
    portgroup: Storage
    services: [nfs]
    stack: storage
    ipv4: [198.51.100.10/24]
    shaping:
      average: 1gbit
      peak: 2gbit
      burst: 100mb
EOF
H() { "$HOSTNET" "$@"; }
# A link hostnet does not own, with a qdisc of its own: never touched.
ip link add other0 type veth peer name other0p
tc qdisc add dev other0 root handle 7: pfifo limit 42

# --- apply from zero --------------------------------------------------------
out=$(H plan --detailed-exitcode "$profile" 2>&1)
[ $? = 2 ] && grep -q "ipv4: dhcp (a client is started and its lease awaited)" <<<"$out" &&
	grep -q "shaping: average 1gbit, peak 2gbit, burst 100mb" <<<"$out" &&
	grep -q "port: learning off, unicast flood off, locked" <<<"$out" &&
	grep -q "ipv6 ra: accept_ra 2, autoconf 1, accept_ra_defrtr 1" <<<"$out" &&
	ok "plan shows DHCP, shaping, port security and RAs" || not_ok "plan shows the settings" "$out"
out=$(H apply --auto-approve --dhcp-timeout 20 "$profile" 2>&1)
[ $? = 0 ] && ok "apply from zero with DHCP, SLAAC, shaping and security" ||
	not_ok "apply from zero" "$out" "$(cat "$T"/state/dhcp/*.log 2>/dev/null)"
lease=$(ip -4 -o addr show dev vmk0)
grep -qE "inet 192\.0\.2\.1[0-5][0-9]/24 .*dynamic" <<<"$lease" &&
	ok "vmk0 holds a lease from the DHCP server, with the lease's lifetime" || not_ok "vmk0 holds a lease" "$lease"
ip route show proto dhcp | grep -q "^default via 192.0.2.1 dev vmk0" &&
	ok "the lease's router is the default stack's default route (protocol dhcp)" ||
	not_ok "the router is the default route" "$(ip route show)"
pid=$(cat "$T/state/dhcp/vmk0.pid" 2>/dev/null)
[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = udhcpc ] &&
	ok "a udhcpc client runs for vmk0 (pid file in the state directory)" || not_ok "udhcpc runs for vmk0"
check "the gateway answers through the DHCP adapter" "$HOSTNET" ping -I vmk0 -c 1 -W 2 192.0.2.1
out=$(H plan --detailed-exitcode "$profile" 2>&1)
[ $? = 0 ] && ok "plan after apply is empty (the lease is not drift)" || not_ok "plan after apply is empty" "$out"

# --- SLAAC ---------------------------------------------------------------------
[ "$(cat /proc/sys/net/ipv6/conf/vmk0/accept_ra)$(cat /proc/sys/net/ipv6/conf/vmk0/autoconf)" = 21 ] &&
	[ "$(cat /proc/sys/net/ipv6/conf/vmk1/accept_ra)$(cat /proc/sys/net/ipv6/conf/vmk1/autoconf)" = 00 ] &&
	[ "$(cat /proc/sys/net/ipv6/conf/vs0/accept_ra)$(cat /proc/sys/net/ipv6/conf/vs0/autoconf)" = 00 ] &&
	ok "accept_ra/autoconf on for the 'auto' adapter only (not on the switch)" || not_ok "RA sysctls per adapter"
for _ in $(seq 50); do
	ip -6 -o addr show dev vmk0 scope global | grep -q "2001:db8:1:" && break
	sleep 0.2
done
ip -6 -o addr show dev vmk0 scope global | grep -q "inet6 2001:db8:1:.*/64 .*dynamic" &&
	ok "vmk0 autoconfigures an address from the router advertisement" ||
	not_ok "SLAAC address on vmk0" "$(ip -6 addr show dev vmk0)" "$(tail -5 "$T/dnsmasq.log")"
out=$(H plan --detailed-exitcode "$profile" 2>&1)
[ $? = 0 ] && ok "the SLAAC address is not drift" || not_ok "the SLAAC address is not drift" "$out"

# --- shaping ---------------------------------------------------------------
q=$(tc qdisc show dev vmk1)
grep -q "qdisc tbf 686e: root .*rate 1Gbit burst 100Mb peakrate 2Gbit" <<<"$q" &&
	ok "vmk1 is shaped by hostnet's tbf (686e:) at 1gbit/2gbit/100mb" || not_ok "tbf on vmk1" "$q"
tc qdisc replace dev vmk1 root handle 1: pfifo
out=$(H plan --detailed-exitcode "$profile" 2>&1)
[ $? = 2 ] && grep -q "shaping: pfifo qdisc 1: (not hostnet's) -> average 1gbit, peak 2gbit, burst 100mb" <<<"$out" &&
	ok "a replaced qdisc is drift" || not_ok "a replaced qdisc is drift" "$out"
H apply --auto-approve "$profile" >/dev/null 2>&1 && tc qdisc show dev vmk1 | grep -q "tbf 686e: root" &&
	ok "apply puts the shaping back" || not_ok "apply heals shaping" "$(tc qdisc show dev vmk1)"

# --- security ------------------------------------------------------------------
port=$(ip -d link show dev vmk0p)
mac=$(cat /sys/class/net/vmk0/address 2>/dev/null || ip -br link show dev vmk0 | awk '{print $3}')
grep -q "learning off flood off" <<<"$port" && grep -q "locked on" <<<"$port" &&
	ok "vmk0's port: no learning, no unknown-unicast flooding, locked" || not_ok "port flags" "$port"
[ "$(bridge fdb show dev vmk0p | grep -c ' static')" = 1 ] &&
	bridge fdb show dev vmk0p | grep -q "^$mac master vs0 static" &&
	ok "one static FDB entry: the adapter's own MAC ($mac)" || not_ok "static FDB entry" "$(bridge fdb show dev vmk0p)"
ip link set dev vmk0 address 02:00:5e:00:53:99
ip neigh flush dev vmk0
R ip neigh flush dev eth1p
if "$HOSTNET" ping -I vmk0 -c 1 -W 1 192.0.2.1 >/dev/null 2>&1; then
	not_ok "a forged source MAC is dropped by the locked port"
else
	ok "a forged source MAC is dropped by the locked port (forged_transmits: reject)"
fi
out=$(H plan --detailed-exitcode "$profile" 2>&1)
[ $? = 2 ] && grep -q "mac: 02:00:5e:00:53:99 -> $mac" <<<"$out" &&
	ok "the changed adapter MAC is drift (mac_changes: reject)" || not_ok "MAC change is drift" "$out"
H apply --auto-approve --allow-management-change "$profile" >/dev/null 2>&1
check "apply restores the MAC and the gateway answers again" "$HOSTNET" ping -I vmk0 -c 1 -W 2 192.0.2.1
ip link set vmk0p type bridge_slave learning on locked off
out=$(H drift --host esx05 --exit-code 2>&1)
[ $? = 2 ] && grep -q "port: learning on, unicast flood off, unlocked -> learning off, unicast flood off, locked" <<<"$out" &&
	ok "port flags changed behind hostnet's back are drift" || not_ok "port flags drift" "$out"
H apply --auto-approve "$profile" >/dev/null 2>&1
ip -d link show dev vmk0p | grep -q "learning off flood off.*locked on" &&
	ok "apply locks the port again" || not_ok "apply heals the port"

# --- the lease --------------------------------------------------------------
kill -USR2 "$(cat "$T/state/dhcp/vmk0.pid")"   # udhcpc: release the lease
for _ in $(seq 30); do ip -4 -o addr show dev vmk0 | grep -q inet || break; sleep 0.1; done
out=$(H drift --host esx05 --exit-code 2>&1)
[ $? = 2 ] && grep -q "dhcp: no lease -> lease" <<<"$out" &&
	ok "a released lease is drift (drift --exit-code: 2)" || not_ok "a released lease is drift" "$out"
H apply --auto-approve "$profile" >/dev/null 2>&1
ip -4 -o addr show dev vmk0 | grep -q "inet 192.0.2.1" && out=$(H drift --host esx05 --exit-code 2>&1) &&
	ok "apply asks the client to renew: the lease is back, no drift" || not_ok "apply renews the lease" "$out"
pid=$(cat "$T/state/dhcp/vmk0.pid")
H apply --auto-approve "$profile" >/dev/null 2>&1
[ "$(cat "$T/state/dhcp/vmk0.pid")" = "$pid" ] && kill -0 "$pid" &&
	ok "a second apply keeps the running client" || not_ok "a second apply keeps the client"

# --- a client that dies is started again ------------------------------------------
alive() { [ -n "$1" ] && ps -o stat= -p "$1" 2>/dev/null | grep -qv Z; }
kill -KILL "$pid"   # no release: the lease stays until it expires
# kill(2) only queues the signal: the client is dead once it is a zombie
# or gone, and only then is this the case of a client that died.
for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
H apply --auto-approve "$profile" >/dev/null 2>&1
new=$(cat "$T/state/dhcp/vmk0.pid" 2>/dev/null)
[ -n "$new" ] && [ "$new" != "$pid" ] && alive "$new" &&
	ok "apply starts a client again where one died" || not_ok "apply restarts a dead client"
git init -q -b main "$T/repo" && mkdir -p "$T/repo/hosts" && cp "$profile" "$T/repo/hosts/" &&
	git -C "$T/repo" add -A && git -C "$T/repo" -c user.name=t -c user.email=t@example.invalid commit -qm one
agent() { H reconcile --remote "$T/repo" --host esx05 --lock-timeout 5; }
agent >/dev/null 2>&1
out=$(agent 2>&1)
[ $? = 0 ] && grep -q "up to date" <<<"$out" && ok "the agent has nothing to do while the client runs" ||
	not_ok "agent: nothing to do" "$out"
pid=$(cat "$T/state/dhcp/vmk0.pid")
kill -KILL "$pid"
for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
out=$(agent 2>&1)
rc=$?
new=$(cat "$T/state/dhcp/vmk0.pid" 2>/dev/null)
[ $rc = 0 ] && grep -q "the DHCP client of vmk0 is not running" <<<"$out" && alive "$new" && [ "$new" != "$pid" ] &&
	ok "the reconcile agent keeps the DHCP client running" || not_ok "agent restarts the client" "$out"
pid=$new

# --- everything removed -----------------------------------------------------
sed -i -e '/security:/,/forged_transmits/d' -e 's|ipv4: dhcp|ipv4: [192.0.2.10/24]|' \
	-e '/ipv6: \[auto\]/d' -e '/shaping:/,/burst:/d' "$profile"
out=$(H apply --auto-approve --allow-management-change "$profile" 2>&1)
[ $? = 0 ] && ok "apply of the profile without the settings" || not_ok "apply without settings" "$out"
[ "$(ip -4 -o addr show dev vmk0 | grep -c inet)" = 1 ] && ip -4 -o addr show dev vmk0 | grep -q "192.0.2.10/24" &&
	ok "the lease is released and the static address is in" || not_ok "static address only" "$(ip -4 addr show dev vmk0)"
# Stopped: gone, or a zombie where PID 1 does not reap orphans.
[ ! -e "$T/state/dhcp/vmk0.pid" ] && ! ps -o stat= -p "$pid" | grep -qv Z &&
	ok "the DHCP client is stopped" || not_ok "the DHCP client is stopped" "$(ls -l "$T/state/dhcp"; ps -o pid,stat,comm -p "$pid")"
tc qdisc show dev vmk1 | grep -q "noqueue" && ok "the tbf is gone (the veth's default qdisc again)" ||
	not_ok "tbf removed" "$(tc qdisc show dev vmk1)"
ip -d link show dev vmk0p | grep -q "learning on flood on.*locked off" &&
	[ "$(bridge fdb show dev vmk0p | grep -c ' static')" = 0 ] &&
	ok "the port is back to Linux's defaults, no static entry" || not_ok "port defaults" "$(ip -d link show dev vmk0p)"
[ "$(cat /proc/sys/net/ipv6/conf/vmk0/accept_ra)" = 0 ] && ok "RAs are off on vmk0 again" || not_ok "accept_ra off"
out=$(H plan --detailed-exitcode "$profile" 2>&1)
[ $? = 0 ] && ok "and the plan is empty" || not_ok "empty plan after removal" "$out"

tc qdisc show dev other0 | grep -q "qdisc pfifo 7: root refcnt [0-9]* limit 42p" &&
	ok "a foreign link's qdisc survived every apply" || not_ok "foreign qdisc untouched" "$(tc qdisc show dev other0)"

# --- teaming where the kernel has no bonding -------------------------------------
ip link add eth2 type veth peer name eth2p
cat >"$T/hosts/esx06.yaml" <<'EOF'
apiVersion: hostnet/v1
kind: HostProfile
host: esx06
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
EOF
# Addresses without their lifetimes, which count down on their own, and
# routes without those learned from router advertisements (the kernel's,
# they come and go with dnsmasq's RAs).
host_state() { ip -o link show; ip -o addr show | sed 's/ valid_lft.*//'; ip route show table all | grep -v " proto ra "; }
before=$(host_state)
out=$(H apply --auto-approve "$T/hosts/esx06.yaml" 2>&1)
rc=$?
if ns_kernel_has bond; then
	# A kernel with bonding: tests/kernel/teaming.sh (make check-kernel)
	# tests the bond, its failover and its drift; here it only applies.
	[ $rc = 0 ] && ip -d link show vs0b 2>/dev/null | grep -q "active-backup" &&
		ok "teaming applies where the kernel has bonding" || not_ok "teaming applies" "$out"
	H apply --auto-approve "$profile" >/dev/null 2>&1
else
	[ $rc = 1 ] && grep -q "hosts/esx06.yaml:11:7: error: teaming needs bonding (bond), which this kernel lacks; nothing was changed" <<<"$out" &&
		ok "teaming is refused at its profile line where the kernel lacks bonding" || not_ok "teaming refused" "$out"
	[ "$before" = "$(host_state)" ] &&
		ok "and nothing was changed" || not_ok "nothing changed by a refused plan" "$(diff <(echo "$before") <(host_state))"
fi

# --- no DHCP client --------------------------------------------------------------
sed -i 's|ipv4: \[192.0.2.10/24\]|ipv4: dhcp|' "$profile"
out=$(HOSTNET_UDHCPC=/nonexistent H apply --auto-approve "$profile" 2>&1)
[ $? = 1 ] && grep -q "vmk0: ipv4: dhcp needs the udhcpc client (apt-get install udhcpc); nothing was changed" <<<"$out" &&
	ip -4 -o addr show dev vmk0 | grep -q "192.0.2.10/24" &&
	ok "without a DHCP client: one clear error, nothing changed" || not_ok "no DHCP client" "$out"
# --- the hook on a table stack, as udhcpc runs it ----------------------------------
ip link add hk0 type veth peer name hk0p
ip link set hk0 up
hook() { env HOSTNET_DHCP_HOOK=1 interface=hk0 mask=24 router=203.0.113.1 lease=60 \
	HOSTNET_DHCP_TABLE=120 HOSTNET_DHCP_RULES=1 HOSTNET_DHCP_GATEWAY=1 "$@"; }
hook ip=203.0.113.50 "$HOSTNET" bound 2>/dev/null
[ "$(ip route show table 120 proto dhcp | sort | tr -s ' ')" = "$(printf '%s\n' \
	"203.0.113.0/24 dev hk0 scope link linkdown " "default via 203.0.113.1 dev hk0 linkdown " | sort)" ] &&
	ip rule | grep -q "^10000:	from 203.0.113.50 lookup 120 proto dhcp" &&
	ok "a lease on a table stack: connected route, router and source rule in its table" ||
	not_ok "hook: bound on a table stack" "$(ip route show table 120; ip rule)"
hook ip=203.0.113.51 "$HOSTNET" renew 2>/dev/null
ip -4 -o addr show dev hk0 | grep -q "203.0.113.51/24" && ! ip -4 -o addr show dev hk0 | grep -q "203.0.113.50" &&
	[ "$(ip rule | grep -c 'lookup 120')" = 1 ] && ip rule | grep -q "from 203.0.113.51 lookup 120" &&
	ok "a renewal with a new address replaces the old one and its rule" || not_ok "hook: renew" "$(ip addr show dev hk0; ip rule)"
hook "$HOSTNET" deconfig 2>/dev/null
[ -z "$(ip -4 -o addr show dev hk0)" ] && ! ip rule | grep -q "lookup 120" && [ -z "$(ip route show table 120)" ] &&
	ok "deconfig removes the lease's address, rule and routes" || not_ok "hook: deconfig" "$(ip addr show dev hk0; ip rule; ip route show table 120)"
out=$(env HOSTNET_DHCP_HOOK=1 interface=hk0 ip=203.0.113.300 mask=24 "$HOSTNET" bound 2>&1)
[ $? = 1 ] && grep -q "malformed lease from udhcpc" <<<"$out" && ok "a malformed lease is refused with the variables" ||
	not_ok "hook: malformed lease" "$out"
tap_done
