#!/bin/bash
# Least privilege (issue 12, item 4): every command works with CAP_NET_ADMIN
# alone (+ CAP_NET_RAW for ping and --connectivity-check), as the shipped
# units bound them; the kernel probe needs no namespace of its own, changes
# nothing, gives the answers `ip` gives, and is cached per boot in the state
# directory only when the cache file is ours and well formed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) not found"
command -v dnsmasq >/dev/null || skip_all "dnsmasq not found (apt-get install dnsmasq-base)"
command -v udhcpc >/dev/null || skip_all "udhcpc not found (apt-get install udhcpc)"
make_tmp
export HOSTNET_STATE=$T/state/state.db NO_COLOR=1
CACHE=$T/state/kernel-caps

# as CAPS CMD...: run CMD as root with only the named capabilities (all
# sets bounded, so nothing regains the others).
as() {
	local c=$1
	shift
	setpriv --inh-caps=-all,"$c" --ambient-caps=-all,"$c" --bounding-set=-all,"$c" -- "$@"
}
NA() { as +net_admin "$HOSTNET" "$@"; }
NR() { as +net_admin,+net_raw "$HOSTNET" "$@"; }
expect_rc() {  # expect_rc DESC RC CMD...
	local desc=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] && ok "$desc" || not_ok "$desc" "rc=$rc, want $want" "$out"
	LAST=$out
}

[ "$(as +net_admin grep CapEff /proc/self/status | awk '{print $2}')" = 0000000000001000 ] &&
	ok "setpriv leaves exactly CAP_NET_ADMIN" ||
	not_ok "setpriv leaves exactly CAP_NET_ADMIN" "$(as +net_admin grep Cap /proc/self/status)"

for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done
unshare --net sleep 600 &
router=$!
dnsmasq=""
cleanup() {
	[ -n "$dnsmasq" ] && kill "$dnsmasq" 2>/dev/null
	[ -f "$T/dnsmasq.pid" ] && kill "$(cat "$T/dnsmasq.pid")" 2>/dev/null
	for f in "$T"/state/dhcp/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	kill "$router" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
sleep 0.2
R() { nsenter -t "$router" -n "$@"; }
ip link set eth1p netns "$router"
R ip link set lo up
R ip addr add 192.0.2.1/26 dev eth1p
R ip link set eth1p up
ip link set eth3p netns "$router"
R ip link set eth3p mtu 9000
R ip addr add 198.51.100.1/26 dev eth3p
R ip link set eth3p up
cp -r "$SRCDIR/examples/profiles" "$T/p"
P=$T/p/hosts/esx03.yaml

# --- the probe: no namespace, nothing created, the answers of `ip` --------
ip -o monitor link address route rule >"$T/monitor" 2>&1 &
mon=$!
sleep 0.2
expect_rc "observe runs with CAP_NET_ADMIN only" 0 NA observe -q --host esx03 --export "$T/snap.json"
sleep 0.2
kill $mon
[ ! -s "$T/monitor" ] && ok "the probe created nothing (ip monitor saw no change)" ||
	not_ok "the probe created nothing" "$(cat "$T/monitor")"
got=$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["state"]["caps"])))' "$T/snap.json")
want=""
for k in veth bridge macvlan vxlan vlan vrf bond dummy; do
	case $k in
	veth) args="peer name hnq-p" ;;
	macvlan | vlan) args="" ;;
	vxlan) args="id 42 dstport 4789" ;;
	vrf) args="table 4242" ;;
	*) args="" ;;
	esac
	case $k in
	macvlan) made="ip link add hnq-l type dummy 2>/dev/null || ip link add hnq-l type veth peer name hnq-lp; ip link add hnq link hnq-l type macvlan" ;;
	vlan) made="ip link add hnq-l type dummy 2>/dev/null || ip link add hnq-l type veth peer name hnq-lp; ip link add hnq link hnq-l type vlan id 42" ;;
	*) made="ip link add hnq type $k $args" ;;
	esac
	unshare --net sh -c "$made" 2>/dev/null && want="$want $k"
done
unshare --net ip link add hnq type bridge vlan_filtering 1 2>/dev/null && want="$want bridge-vlan-filtering"
unshare --net sh -c 'tc qdisc add dev lo root tbf rate 1mbit burst 10kb latency 50ms' 2>/dev/null && want="$want tbf"
unshare --net sh -c 'ip rule add priority 30000 from 192.0.2.99 lookup 100 protocol 77 &&
	ip rule show priority 30000 | grep -q "proto 77"' 2>/dev/null && want="$want rule-protocol"
unshare --net sh -c 'ip link add hnq type bridge && ip link add hnq-a type veth peer name hnq-b &&
	ip link set hnq-b master hnq && ip link set hnq-b type bridge_slave locked on &&
	ip -d link show hnq-b | grep -q "locked on"' 2>/dev/null && want="$want bridge-port-locked"
want=$(tr ' ' '\n' <<<"$want" | sed '/^$/d' | sort | paste -sd' ')
[ "$got" = "$want" ] && ok "the probe's answers are what ip says in a throwaway namespace ($got)" ||
	not_ok "the probe agrees with ip" "probe: $got" "ip:    $want"

# --- the cache: per boot, ours only ----------------------------------------
key="boot_id $(cat /proc/sys/kernel/random/boot_id)"
grep -q "^$key$" "$CACHE" && grep -q "^release $(uname -r)$" "$CACHE" &&
	[ "$(stat -c %a "$CACHE")" = 600 ] &&
	ok "the answer is cached in the state directory (0600) with the boot id and release" ||
	not_ok "the answer is cached" "$(ls -l "$CACHE"; cat "$CACHE")"
sed -i 's/^caps .*/caps 1/' "$CACHE"   # veth only: a bridge-less kernel
expect_rc "a cached answer is used: with 'no bridge' cached, plan refuses switches" 1 NA plan "$P"
grep -q "needs .*bridge" <<<"$LAST" || not_ok "the refusal names the bridge" "$LAST"
chmod 0660 "$CACHE"
expect_rc "a group-writable cache file is not trusted" 0 NA plan "$P"
[ "$(stat -c %a "$CACHE")" = 600 ] && ! grep -q "^caps 1$" "$CACHE" &&
	ok "and is replaced by a fresh probe" || not_ok "the untrusted cache is replaced" "$(ls -l "$CACHE"; cat "$CACHE")"
sed -i 's/^caps .*/caps 1/' "$CACHE"
chown nobody "$CACHE"
expect_rc "a cache file owned by someone else is not trusted" 0 NA plan "$P"
sed -i 's/^caps .*/caps 1/; s/^boot_id .*/boot_id 00000000-0000-0000-0000-000000000000/' "$CACHE"
chown root "$CACHE"
expect_rc "an answer from another boot is not used" 0 NA plan "$P"
printf 'hostnet-kernel-caps 1\ncaps 1\n' >"$CACHE"
expect_rc "a malformed cache file is not used" 0 NA plan "$P"
grep -q "^$key$" "$CACHE" && ok "and is rewritten" || not_ok "the malformed cache is rewritten" "$(cat "$CACHE")"

# --- every command with CAP_NET_ADMIN only ----------------------------------
expect_rc "plan" 2 NA plan --detailed-exitcode "$P"
expect_rc "apply" 0 NA apply --auto-approve "$P"
expect_rc "apply again: nothing to do" 0 NA apply --auto-approve "$P"
expect_rc "drift" 0 NA drift --host esx03 --exit-code
expect_rc "show, history, state check" 0 sh -c "$(declare -f as); as +net_admin '$HOSTNET' show adapters &&
	as +net_admin '$HOSTNET' history && as +net_admin '$HOSTNET' state check"
sed -i 's/^    mtu: 9000$/    mtu: 8000/' "$P"
NA apply --auto-approve --confirm-timeout 20 "$P" >"$T/try" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "Run 'hostnet confirm'" "$T/try" && break; sleep 0.1; done
expect_rc "confirm" 0 NA confirm
wait $pid
[ $? = 0 ] && ip -o link show vmk1 | grep -q "mtu 8000" && ok "apply --confirm-timeout keeps the confirmed change" ||
	not_ok "apply --confirm-timeout keeps the confirmed change" "$(cat "$T/try")"
expect_rc "confirm --expire" 0 NA confirm --expire

# --- CAP_NET_RAW as well for ICMP -------------------------------------------
expect_rc "ping with CAP_NET_ADMIN and CAP_NET_RAW" 0 NR ping -I vmk0 -c 1 192.0.2.1
sed -i 's/^    mtu: 8000$/    mtu: 9000/' "$P"
expect_rc "apply --connectivity-check with CAP_NET_ADMIN and CAP_NET_RAW" 0 \
	NR apply --auto-approve --connectivity-check "$P"
grep -q "gateway 192.0.2.1 answers from vmk0" <<<"$LAST" || not_ok "the gateway answered" "$LAST"

# --- DHCP: udhcpc sends raw frames and renews from UDP port 68 --------------
# nsenter execs dnsmasq, so $! is dnsmasq itself (through a shell function
# it would be a subshell, and dnsmasq would outlive the test); its pid file
# says the same.
nsenter -t "$router" -n dnsmasq --keep-in-foreground --no-resolv --no-hosts --port=0 \
	--interface=eth3p --bind-interfaces --dhcp-option=3,198.51.100.1 \
	--dhcp-range=198.51.100.10,198.51.100.50,255.255.255.192,120 --dhcp-leasefile="$T/leases" \
	--pid-file="$T/dnsmasq.pid" --log-facility="$T/dnsmasq.log" &
dnsmasq=$!
cat >"$T/p/hosts/d1.yaml" <<'EOY'
apiVersion: hostnet/v1
kind: HostProfile
host: d1
uplinks: [{name: eth3}, {name: eth4}]
switches: [{name: vs9, uplinks: [eth3, eth4]}]
portgroups: [{name: pg, switch: vs9}]
adapters:
  - {name: vmk9, portgroup: pg, services: [management], ipv4: dhcp}
EOY
links() { ip -o link show | awk -F": " "{print \$2}"; ip -o addr show | awk "{print \$2, \$4}"; }
before=$(links)
expect_rc "a DHCP adapter without CAP_NET_BIND_SERVICE is refused" 1 NR apply --auto-approve "$T/p/hosts/d1.yaml"
grep -q "vmk9: ipv4: dhcp needs CAP_NET_BIND_SERVICE for its client.*nothing was changed" <<<"$LAST" &&
	[ "$(links)" = "$before" ] &&
	ok "before anything changes, naming the capability" || not_ok "the DHCP refusal names the capability" "$LAST"
expect_rc "with CAP_NET_BIND_SERVICE too, the DHCP adapter gets its lease" 0 \
	as +net_admin,+net_raw,+net_bind_service "$HOSTNET" apply --auto-approve --allow-management-change --dhcp-timeout 20 "$T/p/hosts/d1.yaml"
pid=$(cat "$T/state/dhcp/vmk9.pid" 2>/dev/null)
kill -USR1 "$pid" 2>/dev/null   # renew now: udhcpc binds UDP port 68 for it
for _ in $(seq 30); do grep -q "renew: lease" "$T/state/dhcp/vmk9.log" 2>/dev/null && break; sleep 0.1; done
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "renew: lease" "$T/state/dhcp/vmk9.log" &&
	ok "and its client renews (it binds port 68) and keeps running" ||
	not_ok "the DHCP client renews" "$(cat "$T/state/dhcp/vmk9.log" 2>/dev/null)"
tap_done
