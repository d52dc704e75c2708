#!/bin/bash
# The reconcile loop end to end in a private network namespace: plan,
# apply, idempotency, every kind of change, drift, foreign objects,
# rollback, saved plans and kernels without a feature.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1
EX=$SRCDIR/examples/profiles

# The NICs of a simulated host: veth stand-ins eth1..eth5.
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done

# hostnet's own view of what it manages plus every foreign object, minus what
# changes by itself (ifindex, operstate): equal output means an equal host.
state() {
	{ "$HOSTNET" show interfaces --json | python3 -c 'import json,sys
for l in json.load(sys.stdin): l.pop("index"); l.pop("oper"); print(json.dumps(l, sort_keys=True))' | sort
	  "$HOSTNET" show addresses --json; "$HOSTNET" show routes --json
	  ip -j rule show; ip -6 -j rule show; } 2>&1
}

expect_rc() {  # expect_rc DESC RC CMD...
	local desc=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] && ok "$desc" || not_ok "$desc" "rc=$rc, want $want" "$out"
	LAST=$out
}

# --- each example from zero, then idempotent --------------------------------
for h in esx01 esx02 esx03; do
	expect_rc "$h: apply from zero succeeds" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$EX/hosts/$h.yaml"
	grep -q "verified" <<<"$LAST" || not_ok "$h: apply verified the result" "$LAST"
	expect_rc "$h: a second plan finds nothing to do" 0 "$HOSTNET" plan --detailed-exitcode "$EX/hosts/$h.yaml"
	expect_rc "$h: a second apply finds nothing to do" 0 "$HOSTNET" apply --auto-approve "$EX/hosts/$h.yaml"
	[ "$LAST" = "No changes. The host matches its profile." ] || not_ok "$h: second apply says No changes" "$LAST"
	if [ $h = esx02 ]; then
		# The storage stack has no gateway: a lookup that misses stops at
		# the table's unreachable default instead of using management's.
		out=$(ip -6 route get 2001:db8:99::1 from 2001:db8:20::132 2>&1)
		grep -q "unreachable\|No route to host" <<<"$out" &&
			ok "a stack without a gateway does not fall through to the main table" ||
			not_ok "a stack without a gateway does not fall through to the main table" "$out"
	fi
	# Switching hosts prunes everything the previous one created.
done
out=$(ip -d link show vs1 2>&1; ip -j link show vmk1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mtu"])')
grep -q 9000 <<<"$out" && ok "the realized host has vMotion's MTU 9000 on vmk1" || not_ok "vmk1 MTU" "$out"
ip rule show | grep -q "from 198.51.100.13 lookup 100 proto 77" &&
	ok "a vmotion-stack address gets its policy rule into table 100" ||
	not_ok "a vmotion-stack address gets its policy rule into table 100" "$(ip rule show)"
ip route show table 100 | grep -q "^default via 198.51.100.1 dev vmk1 proto 77" &&
	ok "the vmotion stack's gateway is the default route of table 100" ||
	not_ok "the vmotion stack's gateway is the default route of table 100" "$(ip route show table 100)"
ip route get 203.0.113.200 from 198.51.100.13 2>&1 | grep -q "via 198.51.100.1 dev vmk1 table 100" &&
	ok "traffic from a vmotion address leaves by the vmotion gateway, not the main table's" ||
	not_ok "traffic from a vmotion address leaves by the vmotion gateway, not the main table's" "$(ip route get 203.0.113.200 from 198.51.100.13 2>&1)"

# --- VLAN and VRF: refused by a kernel without them, applied by one with them
# (Debian's, under qemu: make check-kernel) ------------------------------------
before=$(state)
if ! ns_kernel_has bridge-vlan-filtering vrf; then
	expect_rc "a VLAN/VRF profile is refused on this kernel" 1 "$HOSTNET" plan "$EX/hosts/esx04.yaml"
	grep -q "esx04.yaml:[0-9]*:[0-9]*: error: a portgroup VLAN needs bridge VLAN filtering" <<<"$LAST" &&
		ok "the refusal names the profile line of the VLAN" || not_ok "the refusal names the profile line of the VLAN" "$LAST"
	expect_rc "apply refuses it too" 1 "$HOSTNET" apply --auto-approve "$EX/hosts/esx04.yaml"
	[ "$(state)" = "$before" ] && ok "the refused profile changed nothing" || not_ok "the refused profile changed nothing"
else
	# Applied, with traffic, by tests/kernel/vlan.sh and vrf.sh.
	expect_rc "a VLAN/VRF profile is planned on this kernel" 2 "$HOSTNET" plan --detailed-exitcode "$EX/hosts/esx04.yaml"
	[ "$(state)" = "$before" ] && ok "the plan changed nothing" || not_ok "the plan changed nothing"
fi

# --- every kind of change, on a copy of esx01 -------------------------------
P=$T/p/hosts
mkdir -p "$P"
cp "$EX/hosts/esx01.yaml" "$P/esx01.yaml"
edit() { python3 - "$P/esx01.yaml" "$@" <<'EOP'
import sys
p, old, new = (a.encode().decode("unicode_escape") for a in sys.argv[1:4])
s = open(p).read()
assert old in s, old
open(p, "w").write(s.replace(old, new, 1))
EOP
}
change() {  # change DESC CHECK-CMD: apply the edited profile, then check
	local desc=$1
	shift
	expect_rc "$desc: applies" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$P/esx01.yaml"
	if "$@" >/dev/null 2>&1 && "$HOSTNET" plan --detailed-exitcode "$P/esx01.yaml" >/dev/null 2>&1; then
		ok "$desc: the kernel has it and the next plan is empty"
	else
		not_ok "$desc: the kernel has it and the next plan is empty" "$(ip addr; ip route show table all | grep -v local)"
	fi
}
"$HOSTNET" apply --auto-approve --allow-management-change "$P/esx01.yaml" >/dev/null 2>&1
edit "    ipv4: [198.51.100.71/26]" "    ipv4: [198.51.100.72/26]"
change "an address changes" sh -c 'ip addr show vmk1 | grep -q 198.51.100.72/26 && ! ip addr show vmk1 | grep -q 198.51.100.71/'
edit "    mtu: 9000                       # vMotion" "    mtu: 8000                       # vMotion"
change "an adapter MTU changes" sh -c 'ip link show vmk1 | grep -q "mtu 8000"'
edit "    services: [vmotion]\n" "    services: [vmotion]\n    mac: \"02:00:5e:10:00:09\"\n"
change "a MAC is set" sh -c 'ip link show vmk1 | grep -q 02:00:5e:10:00:09'
edit "    services: [vmotion]" "    services: [vmotion, provisioning]"
change "service tags change" sh -c 'ip -d link show vmk1 | grep -q "alias hostnet:adapter services=vmotion,provisioning stack=vmotion"'
cat >>"$P/esx01.yaml" <<'EOY'
  - to: 203.0.113.0/25
    via: 198.51.100.65
    stack: vmotion
EOY
change "a route is added to a stack" sh -c 'ip route show table 100 | grep -q "203.0.113.0/25 via 198.51.100.65 dev vmk1 proto 77"'
python3 - "$P/esx01.yaml" <<'EOP'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("adapters:\n", """adapters:
  - name: vmk9
    portgroup: Management Network
    services: [provisioning]
    ipv4: [192.0.2.99/26]
""", 1)
open(p, "w").write(s)
EOP
change "an adapter is added" sh -c 'ip addr show vmk9 | grep -q 192.0.2.99/26 && ip link show vmk9p | grep -q "master vs0"'
python3 - "$P/esx01.yaml" <<'EOP'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("""  - name: vmk9
    portgroup: Management Network
    services: [provisioning]
    ipv4: [192.0.2.99/26]
""", "", 1)
open(p, "w").write(s)
EOP
change "an adapter is removed (pruned)" sh -c '! ip link show vmk9 && ! ip link show vmk9p'
edit "    table: 100" "    table: 110"
change "a stack moves to another table" sh -c 'ip rule show | grep -q "lookup 110" && ! ip rule show | grep -q "lookup 100 proto 77" && [ -z "$(ip route show table 100)" ]'

# --- drift: injected with ip, reported, healed -------------------------------
ip link set vmk1 mtu 1500
ip addr del 192.0.2.71/26 dev vmk0 2>/dev/null
ip route del default table 110 2>/dev/null
expect_rc "injected drift is reported with exit code 2" 2 "$HOSTNET" drift --host esx01 --exit-code --metrics "$T/drift.prom"
for want in "changed    link vmk1 (veth)" "mtu: 1500 -> 8000" "missing    address 192.0.2.71/26 on vmk0" "missing    route default via 198.51.100.65 dev vmk1 table 110"; do
	grep -qF -- "$want" <<<"$LAST" || not_ok "drift report names: $want" "$LAST"
done
ok "the drift report names each difference with its profile line"
grep -q 'hostnet_drift_objects{host="esx01",kind="link"} 1' "$T/drift.prom" &&
	ok "the metrics file counts drift by kind" || not_ok "the metrics file counts drift by kind" "$(cat "$T/drift.prom")"
first=$("$HOSTNET" drift --host esx01 --format json | python3 -c 'import json,sys
print(json.load(sys.stdin)["differences"][0]["since"])')
sleep 1.1
ip link set vmk0 mtu 1400
"$HOSTNET" drift --host esx01 --format json >"$T/drift2.json"
if python3 -c 'import json,sys
first = sys.argv[1]
d = {x["description"]: x["since"] for x in json.load(open(sys.argv[2]))["differences"]}
assert d["link vmk1 (veth)"] == first, d
assert d["link vmk0 (veth)"] > first, d' "$first" "$T/drift2.json"; then
	ok "drift says since when each difference exists (the older one keeps its first sighting)"
else
	not_ok "drift says since when each difference exists" "$first" "$(cat "$T/drift2.json")"
fi
expect_rc "apply heals the drift" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$P/esx01.yaml"
expect_rc "no drift after healing" 0 "$HOSTNET" drift --host esx01 --exit-code

# --- foreign objects survive apply and prune ---------------------------------
ip link add foreign0 type veth peer name foreign0p
ip addr add 10.99.0.1/24 dev foreign0
ip link set foreign0 up
ip route add 10.99.0.0/16 dev foreign0 proto static
ip route add 10.98.0.0/16 dev foreign0 table 110 proto static
ip rule add from 10.99.0.1 lookup 300 priority 20000
ip link set foreign0 mtu 1400
foreign=$(ip -d link show foreign0; ip addr show foreign0; ip route show proto static table all; ip rule show | grep 10.99)
cp "$EX/hosts/esx03.yaml" "$T/p/hosts/esx03.yaml"; cp -r "$EX/common" "$T/p/"
expect_rc "switching the host to another profile prunes and rebuilds" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$T/p/hosts/esx03.yaml"
! ip link show vmk9 >/dev/null 2>&1 && ! ip rule show | grep -q "lookup 110" && ok "esx01's stack and rules are pruned" ||
	not_ok "esx01's stack and rules are pruned" "$(ip rule show)"
now=$(ip -d link show foreign0; ip addr show foreign0; ip route show proto static table all; ip rule show | grep 10.99)
out=$("$HOSTNET" plan --show-unmanaged "$T/p/hosts/esx03.yaml" 2>&1)
grep -q "^    foreign0$" <<<"$out" && grep -q "^    10.99.0.1/24 on foreign0$" <<<"$out" &&
	grep -q "^    10.99.0.0/16 table 254$" <<<"$out" && ! grep -q "^    vmk" <<<"$out" &&
	ok "plan --show-unmanaged lists the foreign objects and nothing of hostnet's" ||
	not_ok "plan --show-unmanaged lists the foreign objects and nothing of hostnet's" "$out"
[ "$now" = "$foreign" ] && ok "foreign links, addresses, routes and rules are untouched" ||
	not_ok "foreign links, addresses, routes and rules are untouched" "$(diff <(echo "$foreign") <(echo "$now"))"

# --- a failure in the middle rolls back to an identical host ----------------
before=$(state)
expect_rc "a failure injected at action 12 fails the apply" 1 env HOSTNET_TEST_FAIL_BEFORE=12 "$HOSTNET" apply --auto-approve --allow-management-change "$P/esx01.yaml"
grep -q "rolled back: the host is as it was before this apply" <<<"$LAST" &&
	ok "the apply says it rolled back" || not_ok "the apply says it rolled back" "$LAST"
after=$(state)
[ "$after" = "$before" ] && ok "after the rollback the host equals the snapshot taken before" ||
	not_ok "after the rollback the host equals the snapshot taken before" "$(diff <(echo "$before") <(echo "$after") | head -30)"
"$HOSTNET" history --limit 3 | grep -q "rolled-back" && ok "the generation is recorded as rolled back" ||
	not_ok "the generation is recorded as rolled back" "$("$HOSTNET" history --limit 3)"

# --- saved plans --------------------------------------------------------------
expect_rc "plan --out saves a plan" 0 "$HOSTNET" plan --out "$T/p.plan" "$P/esx01.yaml"
ip link set eth1 mtu 1280
expect_rc "a saved plan is refused after the host changed" 1 "$HOSTNET" apply --auto-approve "$T/p.plan"
grep -q "the host changed since" <<<"$LAST" && ok "the refusal says the host changed" || not_ok "the refusal says the host changed" "$LAST"
ip link set eth1 mtu 1500
expect_rc "plan --out again" 0 "$HOSTNET" plan --out "$T/p2.plan" "$P/esx01.yaml"
expect_rc "an unchanged host applies the saved plan" 0 "$HOSTNET" apply --auto-approve --allow-management-change "$T/p2.plan"
expect_rc "and the profile then has nothing to do" 0 "$HOSTNET" plan --detailed-exitcode "$P/esx01.yaml"
# A damaged plan is reported as a plan, not read as a profile (issue 12, item 7).
before=$(state)
head -c 300 "$T/p2.plan" >"$T/damaged.plan"
expect_rc "a truncated plan is refused" 1 "$HOSTNET" apply --auto-approve "$T/damaged.plan"
grep -q "damaged.plan:[0-9]*:[0-9]*: not a valid plan: .*; nothing was changed" <<<"$LAST" &&
	! grep -q apiVersion <<<"$LAST" && ok "a truncated plan gets its JSON error with line and column" ||
	not_ok "a truncated plan gets its JSON error with line and column" "$LAST"
sed 's/"hostnet_plan"/"hostnet_plam"/' "$T/p2.plan" >"$T/unmarked.json"
expect_rc "a JSON file without the plan marker is refused" 1 "$HOSTNET" apply --auto-approve "$T/unmarked.json"
grep -q "unmarked.json: not a hostnet plan (no 'hostnet_plan' key" <<<"$LAST" &&
	ok "a JSON file without the marker is reported as not a plan" ||
	not_ok "a JSON file without the marker is reported as not a plan" "$LAST"
{ echo; echo '  {"hostnet_plan": 1, "want": '; } >"$T/cut.json"
expect_rc "a damaged JSON file of any name is read as a plan" 1 "$HOSTNET" apply --auto-approve "$T/cut.json"
grep -q "cut.json:3:0: not a valid plan" <<<"$LAST" && ok "its error is a JSON error" ||
	not_ok "its error is a JSON error" "$LAST"
[ "$(state)" = "$before" ] && ok "damaged plans changed nothing" ||
	not_ok "damaged plans changed nothing" "$(diff <(echo "$before") <(state) | head)"

# --- plan against an exported snapshot: the same plan, without the host ----
"$HOSTNET" observe -q --host esx01 --export "$T/snap.json" >/dev/null
sed -i 's/^    mtu: 8000                       # vMotion/    mtu: 7000                       # vMotion/' "$P/esx01.yaml"
live=$("$HOSTNET" plan --format json "$P/esx01.yaml" 2>&1)
ip link set vmk1 mtu 1280   # the live host moves on; the snapshot does not
snap=$("$HOSTNET" plan --format json --against-snapshot "$T/snap.json" "$P/esx01.yaml" 2>&1)
[ -n "$live" ] && [ "$live" = "$snap" ] && grep -q '"mtu: 8000 -> 7000"' <<<"$snap" &&
	ok "plan --against-snapshot gives the plan the host had when it was exported" ||
	not_ok "plan --against-snapshot gives the plan the host had when it was exported" "$(diff <(echo "$live") <(echo "$snap") | head)"
ip link set vmk1 mtu 8000
sed -i 's/^    mtu: 7000                       # vMotion/    mtu: 8000                       # vMotion/' "$P/esx01.yaml"
echo '{"hostnet_snapshot": 1, "host": "esx01", "taken_at": 0, "state": {"links": "x"}}' >"$T/bad.json"
out=$("$HOSTNET" plan --against-snapshot "$T/bad.json" "$P/esx01.yaml" 2>&1)
[ $? = 1 ] && grep -q "bad.json: state.links: expected a list" <<<"$out" && ok "a malformed snapshot is one clear error" ||
	not_ok "a malformed snapshot is one clear error" "$out"

# --- what hostnet will not take over ----------------------------------------
ip link add vmk7 type veth peer name vmk7p
sed 's/^  - name: vmk1$/  - name: vmk7/' "$P/esx01.yaml" >"$T/p/hosts/esx01b.yaml"
sed -i 's/^host: esx01 /host: esx01b /' "$T/p/hosts/esx01b.yaml"
expect_rc "a foreign link with an adapter's name is a conflict" 1 "$HOSTNET" plan "$T/p/hosts/esx01b.yaml"
grep -q "error: interface 'vmk7' exists, is not hostnet's (it has no hostnet marks) and cannot be adopted: its peer 'vmk7p' is not a port of 'vs1'" <<<"$LAST" &&
	ok "the conflict names the profile line and the interface" || not_ok "the conflict names the profile line and the interface" "$LAST"
sed 's/eth3/eth9/g' "$P/esx01.yaml" >"$T/p/hosts/esx01c.yaml"
sed -i 's/^host: esx01 /host: esx01c /' "$T/p/hosts/esx01c.yaml"
expect_rc "a missing uplink is an error" 1 "$HOSTNET" plan "$T/p/hosts/esx01c.yaml"
grep -q "error: uplink 'eth9' does not exist on this host" <<<"$LAST" && ok "the error names the uplink" ||
	not_ok "the error names the uplink" "$LAST"
expect_rc "apply without a terminal needs --auto-approve" 1 "$HOSTNET" apply "$EX/hosts/esx02.yaml" </dev/null
tap_done
