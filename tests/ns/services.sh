#!/bin/bash
# Service tags that do something, on a simulated host: the published
# endpoints (services.json and one .env per service, rewritten after each
# apply and rollback), show services from the host, a file and git, the
# management guard of apply and of the pull agent, and per-adapter traffic
# counters (show adapters --stats, the metrics file) with real traffic.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
command -v git >/dev/null || skip_all "git not found"
ns_enter "$@"
make_tmp
export NO_COLOR=1 HOSTNET_STATE=$T/state/state.db HOSTNET_SERVICES_DIR=$T/run \
	GIT_CONFIG_NOSYSTEM=1 HOME=$T
ip link add eth1 type veth peer name eth1p
ip link set eth1p up

profile() {  # profile VMK1-SERVICES VMK1-ADDRESS VMK0-ADDRESS
	cat <<EOY
apiVersion: hostnet/v1
kind: HostProfile
host: sv01
uplinks: [{name: eth1}]
switches: [{name: vs0, uplinks: [eth1]}]
portgroups: [{name: Management, switch: vs0}, {name: vMotion, switch: vs0}]
stacks:
  - {name: default, gateway: {ipv4: 192.0.2.1}}
  - {name: vmotion, table: 100, gateway: {ipv4: 198.51.100.1}}
adapters:
  - {name: vmk0, portgroup: Management, services: [management], ipv4: [$3/24]}
  - {name: vmk1, portgroup: vMotion, services: $1, stack: vmotion, ipv4: [$2/24], ipv6: ["2001:db8:1::10/64"]}
EOY
}
P=$T/sv01.yaml
profile "[vmotion, nfs]" 198.51.100.10 192.0.2.10 >"$P"

out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
[ $? = 0 ] && ok "apply from zero (nothing existed, so nothing is disturbed)" || not_ok "apply from zero" "$out"
ls "$T/run/services" >"$T/ls"
[ "$(cat "$T/ls")" = "$(printf 'management.env\nnfs.env\nvmotion.env')" ] &&
	ok "apply publishes one .env per service" || not_ok "apply publishes one .env per service" "$(cat "$T/ls")"
env=$(env -i sh -c ". '$T/run/services/vmotion.env'; echo \$HOSTNET_ADAPTER \$HOSTNET_ADDRESS4 \$HOSTNET_ADDRESS6 \$HOSTNET_STACK \$HOSTNET_TABLE \$HOSTNET_GATEWAY4 \$HOSTNET_MTU")
[ "$env" = "vmk1 198.51.100.10 2001:db8:1::10 vmotion 100 198.51.100.1 1500" ] &&
	ok "vmotion.env names the adapter, addresses, stack, table, gateway and MTU (sh reads it)" ||
	not_ok "vmotion.env names the adapter, addresses, stack, table, gateway and MTU" "$env" "$(cat "$T/run/services/vmotion.env")"
python3 - "$T/run/services.json" <<'EOP' && ok "services.json lists each tag with its adapter" || not_ok "services.json lists each tag" "$(cat "$T/run/services.json")"
import json, sys
d = json.load(open(sys.argv[1]))["services"]
assert [(s["service"], s["adapter"]) for s in d] == [("management", "vmk0"), ("vmotion", "vmk1"), ("nfs", "vmk1")], d
assert d[0]["address4"] == "192.0.2.10/24" and d[0]["table"] == 254 and d[0]["gateway4"] == "192.0.2.1", d[0]
EOP
[ "$(stat -c %a "$T/run/services/nfs.env")" = 644 ] && ! ls -A "$T/run/services" | grep -q '^\.' &&
	ok "the files are world-readable and no temporary file is left" || not_ok "file modes, no temporary files" "$(ls -la "$T/run/services")"

out=$("$HOSTNET" show services)
grep -qE '^vmotion +vmk1 +198\.51\.100\.10/24 +2001:db8:1::10/64 +vmotion +100 +198\.51\.100\.1 ' <<<"$out" &&
	ok "show services gives the last applied generation's endpoints" || not_ok "show services" "$out"
[ "$("$HOSTNET" show services --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ] &&
	ok "show services --json has one object per tag" || not_ok "show services --json" "$("$HOSTNET" show services --json)"

# From git, without the host: another host's vMotion address.
R=$T/profiles
mkdir -p "$R/hosts"
profile "[vmotion]" 198.51.100.20 192.0.2.20 | sed 's/^host: sv01/host: sv02/' >"$R/hosts/sv02.yaml"
git -C "$R" init -q -b main && git -C "$R" add -A &&
	git -C "$R" -c user.name=t -c user.email=t@example.invalid commit -qm sv02
out=$("$HOSTNET" show services --json --repo "$R" --host sv02 2>/dev/null)
python3 -c 'import json,sys
d = [s for s in json.load(sys.stdin) if s["service"] == "vmotion"]
assert d[0]["address4"] == "198.51.100.20/24", d' <<<"$out" &&
	ok "show services --repo --host reads another host's endpoints from git" ||
	not_ok "show services --repo --host reads another host's endpoints from git" "$out"

# A tag goes: its .env goes, the others are rewritten.
profile "[vmotion]" 198.51.100.10 192.0.2.10 >"$P"
out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
[ $? = 0 ] && [ ! -e "$T/run/services/nfs.env" ] && [ -f "$T/run/services/vmotion.env" ] &&
	grep -q 'disturbs: nfs' <<<"$out" &&
	ok "a tag taken off: the plan says it disturbs nfs, and nfs.env is removed" ||
	not_ok "a tag taken off: nfs.env is removed" "$out" "$(ls "$T/run/services")"

# A failing apply (no gateway answers): the files describe what is back.
cp "$T/run/services/vmotion.env" "$T/vmotion.before"
profile "[vmotion]" 198.51.100.11 192.0.2.10 >"$P"
out=$("$HOSTNET" apply --auto-approve --connectivity-check "$P" 2>&1)
[ $? = 1 ] && cmp -s "$T/run/services/vmotion.env" "$T/vmotion.before" &&
	ok "after a rollback the published files describe the host as it was" ||
	not_ok "after a rollback the published files describe the host as it was" "$out" "$(cat "$T/run/services/vmotion.env")"

# The management guard.
profile "[vmotion]" 198.51.100.11 192.0.2.11 >"$P"
state() { ip -o addr show; ip route show table all; }
before=$(state)
out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q '^hostnet apply: this plan disturbs management (1 action): .*--confirm-timeout S .*--allow-management-change; nothing was changed$' <<<"$out" &&
	grep -q 'disturbs: management' <<<"$out" && [ "$(state)" = "$before" ] &&
	ok "apply refuses a plan that disturbs management, changing nothing" ||
	not_ok "apply refuses a plan that disturbs management, changing nothing" "rc=$rc" "$out"
out=$("$HOSTNET" plan --format json "$P" 2>/dev/null)
python3 -c 'import json,sys
p = json.load(sys.stdin)
assert p["disturbs"] == {"management": 1, "vmotion": 2}, p["disturbs"]
a = [x["description"] for x in p["actions"] if "management" in x["disturbs"]]
assert a == ["address 192.0.2.10/24 on vmk0"], a
a = [x["description"] for x in p["actions"] if "vmotion" in x["disturbs"]]
assert a == ["rule from 198.51.100.10/32 lookup 100 priority 10000", "address 198.51.100.10/24 on vmk1"], a' <<<"$out" &&
	ok "the JSON plan counts the actions per service and names them on each action" ||
	not_ok "the JSON plan counts the actions per service" "$out"
out=$("$HOSTNET" apply --auto-approve --allow-management-change "$P" 2>&1)
[ $? = 0 ] && ip -o addr show vmk0 | grep -q 192.0.2.11/24 &&
	grep -q '^HOSTNET_ADDRESS4=192.0.2.11$' "$T/run/services/management.env" &&
	ok "--allow-management-change applies it, and management.env follows" ||
	not_ok "--allow-management-change applies it" "$out"

# The pull agent refuses it too unless configured.
git init -q --bare "$T/origin.git"
mkdir -p "$T/w/hosts" && profile "[vmotion]" 198.51.100.11 192.0.2.12 >"$T/w/hosts/sv01.yaml"
git -C "$T/w" init -q -b main && git -C "$T/w" add -A &&
	git -C "$T/w" -c user.name=t -c user.email=t@example.invalid commit -qm agent &&
	git -C "$T/w" push -q "$T/origin.git" main 2>/dev/null
out=$("$HOSTNET" reconcile --remote "file://$T/origin.git" --host sv01 2>&1)
rc=$?
[ $rc = 1 ] && grep -q 'this plan disturbs management' <<<"$out" && ip -o addr show vmk0 | grep -q 192.0.2.11/24 &&
	ok "the agent refuses a commit that disturbs management" || not_ok "the agent refuses a commit that disturbs management" "rc=$rc" "$out"
out=$("$HOSTNET" reconcile --remote "file://$T/origin.git" --host sv01 --allow-management-change 2>&1)
[ $? = 0 ] && ip -o addr show vmk0 | grep -q 192.0.2.12/24 &&
	ok "the agent with --allow-management-change applies it" || not_ok "the agent with --allow-management-change applies it" "$out"

# Counters: traffic through vmk0 to a peer behind the switch.
ip link add br-peer type bridge && ip link set br-peer up
ip link set eth1p master br-peer
ip netns add peer 2>/dev/null || true
ip link add pv type veth peer name pvp
ip link set pvp master br-peer up
ip link set pv netns peer
ip -n peer addr add 192.0.2.1/24 dev pv && ip -n peer link set pv up
ping -c 5 -i 0.2 -W 1 -I vmk0 192.0.2.1 >/dev/null 2>&1
out=$("$HOSTNET" show adapters --stats --json)
python3 -c 'import json,sys
d = {a["name"]: a for a in json.load(sys.stdin)}
v = d["vmk0"]
assert v["services"] == ["management"], v
assert v["stats"]["tx_packets"] >= 5 and v["stats"]["rx_packets"] >= 5 and v["stats"]["tx_bytes"] > 0, v' <<<"$out" &&
	ok "show adapters --stats counts the traffic of vmk0, labelled management" ||
	not_ok "show adapters --stats counts vmk0's traffic" "$out"
out=$("$HOSTNET" show adapters --stats)
grep -qE '^vmk1 +vmotion +[0-9]+ ' <<<"$out" && ok "the text view has a row per adapter with its services" ||
	not_ok "the text view of --stats" "$out"
"$HOSTNET" drift --metrics "$T/m.prom" >/dev/null 2>&1
grep -qE '^hostnet_adapter_tx_packets_total\{host="sv01",adapter="vmk0",services="management"\} [0-9]+$' "$T/m.prom" &&
	ok "the metrics file has each adapter's counters labelled with its services" ||
	not_ok "the metrics file has the adapter counters" "$(grep adapter "$T/m.prom")"
out=$("$HOSTNET" show routes --stats 2>&1)
[ $? = 1 ] && grep -q "^hostnet show: --stats: only 'show adapters'" <<<"$out" &&
	ok "--stats elsewhere is one clear error" || not_ok "--stats elsewhere is one clear error" "$out"
ip netns del peer
tap_done
