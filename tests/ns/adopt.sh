#!/bin/bash
# Adoption in place (issue 15, section 3): a host whose bridge, adapters,
# addresses, routes and rules another tool made (here: ip, as an installer
# would) and that the profile describes.  The plan shows adoptions; apply
# refuses them without --adopt; a failed adoption gives everything back its
# own marks; apply --adopt takes them over without deleting or recreating a
# link, while a peer pings the management address; after it they are
# hostnet's (drift, prune).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
command -v ping >/dev/null || skip_all "ping (iputils-ping) not found"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1

cat >"$T/h1.yaml" <<'EOF'
apiVersion: hostnet/v1
kind: HostProfile
host: h1
uplinks:
  - name: eth1
  - name: eth2
  - name: eth3
switches:
  - {name: vs0, uplinks: [eth1, eth2]}
portgroups:
  - {name: Mgmt, switch: vs0}
stacks:
  - name: default
    gateway: {ipv4: 192.0.2.1}
  - name: storage
    table: 100
    gateway: {ipv4: 198.51.100.1}
adapters:
  - {name: vmk0, portgroup: Mgmt, services: [management], ipv4: [192.0.2.10/24]}
  - {name: vmk1, portgroup: Mgmt, services: [nfs], stack: storage, ipv4: [198.51.100.10/24]}
  - {name: eth3, backing: uplink, services: [provisioning], ipv4: [203.0.113.200/28]}
routes:
  - {to: 203.0.113.0/24, via: 192.0.2.254}
EOF

# The peer: a namespace behind eth1 that pings the management address.
unshare --net sleep 600 &
peer=$!
trap 'kill $peer 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.2
ip -batch - <<'EOB'
link add eth1 type veth peer name eth1p
link add eth2 type veth peer name eth2p
link add eth3 type veth peer name eth3p
link add vs0 type bridge
link set eth1 master vs0
link set eth2 master vs0
link add vmk0 type veth peer name vmk0p
link set vmk0p master vs0
link add vmk1 type veth peer name vmk1p
link set vmk1p master vs0
link set vs0 alias "made by the installer"
link set eth1 up
link set eth2 up
link set eth3 up
link set vs0 up
link set vmk0 up
link set vmk0p up
link set vmk1 up
link set vmk1p up
address add 192.0.2.10/24 dev vmk0
address add 198.51.100.10/24 dev vmk1
address add 203.0.113.200/28 dev eth3
route add default via 192.0.2.1 proto boot
route add 203.0.113.0/24 via 192.0.2.254 proto static
route add 198.51.100.0/24 dev vmk1 table 100 proto boot scope link
route add default via 198.51.100.1 table 100 proto boot
rule add from 198.51.100.10 lookup 100 priority 10000
rule add oif vmk1 lookup 100 priority 10001 protocol static
EOB
ip link set eth1p netns "$peer"
nsenter -t "$peer" -n sh -c 'ip link set lo up; ip link set eth1p up; ip addr add 192.0.2.50/24 dev eth1p'
for _ in $(seq 50); do ip -o link show vs0 | grep -q "state UP" && break; sleep 0.1; done

# Everything a takeover may not lose: links (with their index, group and
# alias), addresses, routes of every table, rules.
host_state() {
	ip -d -o link show | sed 's/ link-netnsid [0-9]*//' | awk '{print $1, $2, $0}' |
		grep -o '^[0-9]*: [^ ]*\|group [^ ]*\|alias .*' | tr '\n' ' '; echo
	ip -o addr show | awk '{print $2, $4}'
	ip route show table all | grep -v '^local\|^broadcast\|^multicast\|fe80::\|ff00::'
	ip rule show
	# OWNED follows IFA_PROTO 77 too: a rollback must give it back.
	"$HOSTNET" show addresses
}
ifindexes() { ip -o link show | awk '{print $1, $2}'; }

before=$(host_state)
idx_before=$(ifindexes)

out=$("$HOSTNET" plan "$T/h1.yaml" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "^  = adopt link vs0 (bridge)" <<<"$out" &&
	grep -q "^  = adopt link vmk0 (veth)" <<<"$out" &&
	grep -q "^  = adopt address 192.0.2.10/24 on vmk0" <<<"$out" &&
	grep -q "^  = adopt address 203.0.113.200/28 on eth3" <<<"$out" &&
	grep -q "^  = adopt route default via 192.0.2.1 dev vmk0 table main" <<<"$out" &&
	grep -q "^  = adopt rule from 198.51.100.10/32 lookup 100 priority 10000" <<<"$out" &&
	grep -q "^Plan: 14 to adopt, 2 to add, 0 to change, 0 to destroy.$" <<<"$out" &&
	grep -q "'hostnet apply --adopt' does them" <<<"$out" &&
	! grep -q "^  [~-]" <<<"$out" &&
	ok "plan shows the installer's objects as adoptions, counted apart" ||
	not_ok "plan shows the installer's objects as adoptions, counted apart" "rc=$rc" "$out"

out=$("$HOSTNET" plan --format json "$T/h1.yaml" 2>/dev/null)
python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["summary"] == {"add": 2, "change": 0, "destroy": 0, "adopt": 14}, d["summary"]
ops = [a["op"] for a in d["actions"]]
assert ops.count("adopt") == 14 and ops.count("create") == 2, ops
l = [a for a in d["actions"] if a["object"] == "link" and a["description"].startswith("link vs0")][0]
assert l["op"] == "adopt" and l["from"]["alias"] == "made by the installer", l
' "$out" && ok "the JSON plan counts and marks the adoptions" ||
	not_ok "the JSON plan counts and marks the adoptions" "$out"

out=$("$HOSTNET" apply --auto-approve "$T/h1.yaml" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "the plan adopts 14 objects that are not hostnet's (no hostnet marks); pass --adopt to take them over in place; nothing was changed" <<<"$out" &&
	grep -q "^  adopt link vs0 (bridge)$" <<<"$out" && [ "$(host_state)" = "$before" ] &&
	ok "apply without --adopt refuses, naming the objects and the flag, and changes nothing" ||
	not_ok "apply without --adopt refuses, naming the objects and the flag, and changes nothing" "rc=$rc" "$out"

# A failure at the last action (a route in table main, after every link,
# address and rule was adopted): the rollback gives each object back its
# own marks and protocol, and deletes none of them.
n=$("$HOSTNET" plan --format json "$T/h1.yaml" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["actions"]))')
out=$(HOSTNET_TEST_FAIL_BEFORE=$n "$HOSTNET" apply --auto-approve --adopt "$T/h1.yaml" 2>&1)
rc=$?
after=$(host_state)
[ $rc = 1 ] && grep -q "rolled back: the host is as it was before this apply" <<<"$out" &&
	[ "$after" = "$before" ] && [ "$(ifindexes)" = "$idx_before" ] &&
	ok "a failed adoption is rolled back: foreign marks, aliases and protocols restored, nothing deleted" ||
	not_ok "a failed adoption is rolled back: foreign marks, aliases and protocols restored, nothing deleted" \
		"rc=$rc" "$out" "$(diff <(echo "$before") <(echo "$after"))"

# The takeover proper, while the peer pings the management address every
# 10 ms.
# Only the echo requests around the apply count (ns_ping_window): the ones
# in flight when ping is stopped, or lost to a loaded machine long before,
# are not the takeover's.
nsenter -t "$peer" -n ping -D -i 0.01 192.0.2.10 >"$T/ping.out" 2>&1 &
pinger=$!
sleep 0.5
t0=$(date +%s.%N)
out=$("$HOSTNET" apply --auto-approve --adopt "$T/h1.yaml" 2>&1)
rc=$?
t1=$(date +%s.%N)
sleep 0.5
kill -0 $pinger 2>/dev/null && overlap=yes || overlap=no
kill -INT $pinger; wait $pinger 2>/dev/null
stats=$(ns_ping_window "$T/ping.out" "$t0" "$t1")
win=$?
[ $rc = 0 ] && grep -q "Apply complete: 14 adopted, 2 added, 0 changed, 0 destroyed" <<<"$out" &&
	ok "apply --adopt takes the objects over" || not_ok "apply --adopt takes the objects over" "rc=$rc" "$out"
[ "$overlap" = yes ] && [ $win = 0 ] &&
	ok "no echo request to the management address was lost during the takeover: $stats" ||
	not_ok "no echo request to the management address was lost during the takeover" "$stats" \
		"ping still running when apply ended: $overlap"
[ "$(ifindexes)" = "$idx_before" ] && ok "no link was deleted or recreated (every ifindex unchanged)" ||
	not_ok "no link was deleted or recreated (every ifindex unchanged)" "$(diff <(echo "$idx_before") <(ifindexes))"
ip -d link show vs0 | grep -q "alias hostnet:switch" && ip -d link show vmk0 | grep -Eq "group (0x686e7374|1752068980)" &&
	[ "$(ip route show default | grep -c 'proto 77')" = 1 ] &&
	[ "$(ip rule show | grep -c 'lookup 100 proto 77')" = 2 ] &&
	[ "$(ip rule show | grep -c 'lookup 100')" = 2 ] &&
	ok "links carry hostnet's marks, routes and rules its protocol, with no copy left behind" ||
	not_ok "links carry hostnet's marks, routes and rules its protocol, with no copy left behind" \
		"$(ip -d link show vs0; ip route; ip rule)"

# On a NIC, which keeps no marks, the address is hostnet's by its
# IFA_PROTO alone: the replace must have changed it in place.
"$HOSTNET" show addresses | grep -q "^eth3 .*203.0.113.200/28 .*yes$" &&
	ok "the address on the NIC is hostnet's by IFA_PROTO (NLM_F_REPLACE changed it in place)" ||
	not_ok "the address on the NIC is hostnet's by IFA_PROTO" "$("$HOSTNET" show addresses)"
out=$("$HOSTNET" plan "$T/h1.yaml" 2>&1)
grep -q "^No changes. The host matches its profile.$" <<<"$out" && ok "a second plan is empty" ||
	not_ok "a second plan is empty" "$out"

# Adopted objects are hostnet's: a manual change is drift, and removing
# an adapter from the profile deletes it.
ip route del 203.0.113.0/24
out=$("$HOSTNET" drift --exit-code 2>&1)
rc=$?
[ $rc = 2 ] && grep -q "203.0.113.0/24" <<<"$out" && ok "a manual change to an adopted route is drift" ||
	not_ok "a manual change to an adopted route is drift" "rc=$rc" "$out"
"$HOSTNET" apply --auto-approve "$T/h1.yaml" >/dev/null 2>&1
sed -i '/name: vmk1,/d; /- name: storage/,/198.51.100.1}/d' "$T/h1.yaml"
out=$("$HOSTNET" apply --auto-approve "$T/h1.yaml" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "^  - link vmk1 (veth)" <<<"$out" && ! ip link show vmk1 >/dev/null 2>&1 &&
	[ "$(ip rule show | grep -c 'lookup 100')" = 0 ] && ip link show vmk0 >/dev/null 2>&1 &&
	ok "removing an adopted adapter from the profile deletes it, its rules with it" ||
	not_ok "removing an adopted adapter from the profile deletes it, its rules with it" "rc=$rc" "$out"

tap_done
