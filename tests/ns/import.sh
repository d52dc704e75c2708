#!/bin/bash
# hostnet import (issue #15) on a host built with `ip` as an administrator or
# ifupdown would: a bridge vmbr0 over two NICs with the management address and
# the default route, a plain NIC eth3 with its own address, a second routing
# table with a `from` rule and a gateway, a static route, and what import must
# leave out (a link-local and a dynamic address, kernel routes, a dummy link).
# The imported profile validates, says what it guessed and left out, and its
# plan against the same host creates and destroys none of the host's objects.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state/state.db NO_COLOR=1
H() { "$HOSTNET" "$@"; }

# The NICs' other ends live in a second namespace, as a switch would be.
unshare --net sleep 600 &
peer=$!
trap 'kill "$peer" 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.2
for n in eth1 eth2 eth3; do
	ip link add "$n" type veth peer name "${n}p" netns "$peer"
done
build_host() {
	ip link add vmbr0 type bridge
	ip link set eth1 master vmbr0
	ip link set eth2 master vmbr0
	ip link set vmbr0 address 02:00:00:00:00:10
	ip link set eth3 mtu 9000
	for n in eth1 eth2 eth3 vmbr0; do ip link set "$n" up; done
	ip address add 192.0.2.10/24 dev vmbr0
	ip address add 2001:db8:1::10/64 dev vmbr0 nodad
	ip address add 192.0.2.99/24 dev vmbr0 valid_lft 300 preferred_lft 300
	ip address add 198.51.100.10/24 dev eth3
	ip address add fe80::3/64 dev eth3 nodad
	ip route add default via 192.0.2.1
	ip route add 203.0.113.0/24 via 192.0.2.254 proto static
	ip rule add from 198.51.100.10 lookup 100
	ip route add default via 198.51.100.1 dev eth3 table 100
}
build_host
# A link of a kind hostnet does not model, when the kernel has dummy links.
ip link add dum0 type dummy 2>/dev/null && have_dummy=1

mkdir -p "$T/hosts"
profile=$T/hosts/pve01.yaml
# (Without lifetimes and timers, which count down.)
host_state() { ip -o link show; ip -br address show; ip route show table all; ip rule; }
before=$(host_state)
out=$(H import --host pve01 --out "$profile" 2>&1)
[ $? = 0 ] && [ -s "$profile" ] && ok "import writes the profile" || not_ok "import" "$out"
after=$(host_state)
[ "$before" = "$after" ] &&
	ok "import changes nothing on the host" ||
	not_ok "import changed the host" "$(diff <(echo "$before") <(echo "$after"))"
check "the imported profile validates" "$HOSTNET" validate "$profile"

# --- what it says ---------------------------------------------------------------
has() {  # has DESCRIPTION FIXED-STRING...: each string is a line of the profile
	local desc=$1 s
	shift
	for s in "$@"; do
		grep -qxF -- "$s" "$profile" || { not_ok "$desc" "missing: $s" "$(cat "$profile")"; return; }
	done
	ok "$desc"
}
has "the bridge is a switch over its two NICs, the third NIC an uplink with its MTU" \
	"  - {name: eth1}" "  - {name: eth2}" "  - {name: eth3, mtu: 9000}" \
	"  - {name: vmbr0, mtu: 1500, uplinks: [eth1, eth2]}"
has "the bridge's address is an adapter in place, management, with the MAC that was set" \
	"  - name: vmbr0" "    backing: switch" "    services: [management]   # guessed (see above)" \
	'    mac: "02:00:00:00:00:10"' "    ipv4: [192.0.2.10/24]" '    ipv6: ["2001:db8:1::10/64"]'
has "the NIC's address is an adapter in place on the stack of its table" \
	"  - name: eth3" "    backing: uplink" "    stack: table100" "    ipv4: [198.51.100.10/24]"
has "the rule's table is a stack with its gateway, the main default route the default's" \
	"  - name: table100" "    table: 100   # hostnet adds its own rules (priority 10000, 10001); the host's (priority 32765) stays: remove it after apply" "    gateway: {ipv4: 198.51.100.1}" \
	"  - name: default" "    gateway: {ipv4: 192.0.2.1}"
has "the static route is a route" "  - {to: 203.0.113.0/24, via: 192.0.2.254}"
has "comments say what was guessed and what was left out" \
	"#   - services: [management] on vmbr0, which carries the main table's default route" \
	"#   - address 192.0.2.99/24 on vmbr0: dynamic (from DHCP or router advertisements; say ipv4: dhcp or ipv6: [auto] for that)" \
	"#   - 1 link-local address: the kernel makes them"
grep -q "^#   - [0-9]* routes of protocol kernel: " "$profile" &&
	ok "kernel routes are noted as left out" || not_ok "kernel routes noted" "$(cat "$profile")"
if [ -n "${have_dummy:-}" ]; then
	has "a link of another kind is noted" "#   - link dum0: kind dummy is not modelled"
fi
! grep -v "^#" "$profile" | grep -q "192.0.2.99\|fe80::3" &&
	ok "no dynamic or link-local address outside the comments" || not_ok "left-out addresses" "$(cat "$profile")"

# --- its plan -------------------------------------------------------------------
# Nothing of the host's is created or destroyed.  Until adoption (the foreign
# bridge) is in, the plan may stop at the bridge as a conflict; the stack is
# realized hostnet's way, so its own rules and unreachable defaults in table
# 100 are the only additions.
plan_ok() {  # plan_ok DESCRIPTION
	local out bad
	out=$(H plan "$profile" 2>&1)
	bad=$(grep -E '^  [-+] ' <<<"$out" | grep -vE '^  \+ (rule .* lookup 100 |route .* table 100 )')
	[ -z "$bad" ] && ! grep -q "^  - " <<<"$out" && ok "$1" || not_ok "$1" "$out"
}
plan_ok "the plan creates and destroys none of the host's objects"

# Without the bridge, nothing stands in the plan's way: it must run.
ip link del vmbr0
ip link del dum0 2>/dev/null
profile=$T/hosts/pve02.yaml
out=$(H import --host pve02 --out "$profile" 2>&1)
[ $? = 0 ] && ok "import of the host without its bridge" || not_ok "second import" "$out"
out=$(H plan --detailed-exitcode "$profile" 2>&1)
rc=$?
[ $rc = 2 ] && grep -q "~ route default via 198.51.100.1 dev eth3 table 100" <<<"$out" &&
	ok "the plan runs and takes the host's routes over" || not_ok "plan without the bridge" "$out"
plan_ok "... and creates and destroys none of the host's objects"
out=$(H apply --auto-approve "$profile" 2>&1)
[ $? = 0 ] && ok "the imported profile applies" || not_ok "apply" "$out"
out=$(H plan --detailed-exitcode "$profile" 2>&1)
[ $? = 0 ] && ok "then its plan is empty" || not_ok "second plan" "$out"
ip -o address show dev eth3 | grep -q "198.51.100.10/24" && ip rule | grep -q "from 198.51.100.10 lookup 100" &&
	ok "the host's address and rule are still there" || not_ok "host objects kept" "$(ip address; ip rule)"

tap_done
