#!/bin/bash
# Streamed JSON (issue 13): `show routes --json` and `plan --format json`
# write each object as they format it; the document must stay the one they
# printed when they built it whole: valid JSON (python3 -m json.tool) and,
# byte for byte, the same document re-dumped with two-space indentation
# (what jansson's JSON_INDENT(2) writes of the whole array).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
command -v python3 >/dev/null || skip_all "python3 not found"
make_tmp
export HOSTNET_STATE=$T/state/state.db NO_COLOR=1
N=3000

# same_document DESC FILE [COUNT-EXPR]: parses, and equals its own re-dump.
same_document() {
	local desc=$1 f=$2 out
	if ! out=$(python3 -m json.tool "$f" 2>&1 >/dev/null); then
		not_ok "$desc: parses with python3 -m json.tool" "$out"
		return
	fi
	ok "$desc: parses with python3 -m json.tool"
	if out=$(python3 - "$f" <<'EOP' 2>&1
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
again = json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
if text != again:
    for i, (a, b) in enumerate(zip(text, again)):
        if a != b:
            break
    else:
        i = min(len(text), len(again))
    sys.exit("differs at byte %d: %r vs %r" % (i, text[i - 40:i + 40], again[i - 40:i + 40]))
EOP
	); then ok "$desc: the whole document, byte for byte"; else not_ok "$desc: the whole document, byte for byte" "$out"; fi
}

# --- show routes --json at a few thousand routes ---------------------------
ip link add eth1 type veth peer name eth1p
ip link set eth1 up
ip link set eth1p up
ip address add 2001:db8::10/64 dev eth1 nodad
ip address add 192.0.2.10/24 dev eth1
for i in $(seq 1 $N); do
	printf 'route add 2001:db8:1::%x/128 via 2001:db8::1 dev eth1 metric %d\n' "$i" $((i % 7))
done | ip -batch -
ip route add 198.51.100.0/24 via 192.0.2.1 table 100
ns_settle

"$HOSTNET" show routes --json >"$T/routes.json"
rc=$?
[ "$rc" = 0 ] && ok "show routes --json exits 0" || not_ok "show routes --json exits 0" "rc=$rc"
same_document "show routes --json at $N routes" "$T/routes.json"
want=$(( $(ip -j -4 route show table all | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') +
	 $(ip -j -6 route show table all | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') ))
got=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/routes.json")
[ "$got" = "$want" ] && [ "$got" -gt "$N" ] && ok "every route is an element ($got)" ||
	not_ok "every route is an element" "got $got, ip has $want"

# Written while it is made: a write that fails is an error, not a success.
out=$("$HOSTNET" show routes --json 2>&1 >/dev/full)
rc=$?
[ "$rc" = 1 ] && grep -q "cannot write the output: No space left on device" <<<"$out" &&
	ok "show --json to a full device fails with its reason" ||
	not_ok "show --json to a full device fails with its reason" "rc=$rc" "$out"

# An empty view (no adapter has hostnet's marks yet) is still a document.
"$HOSTNET" show adapters --json >"$T/empty.json"
[ "$(cat "$T/empty.json")" = "[]" ] && ok "an empty view is []" ||
	not_ok "an empty view is []" "$(head -c 200 "$T/empty.json")"

# --- plan --format json at a few thousand actions --------------------------
{
	cat <<'EOY'
apiVersion: hostnet/v1
kind: HostProfile
host: big
uplinks:
  - {name: eth1}
switches:
  - {name: vs0, uplinks: [eth1]}
portgroups:
  - {name: pg0, switch: vs0}
adapters:
  - {name: vmk0, portgroup: pg0, services: [management], ipv4: [203.0.113.10/24], ipv6: ["2001:db8:3::10/64"]}
routes:
EOY
	for i in $(seq 1 $N); do printf '  - {to: "2001:db8:2::%x/128", via: "2001:db8:3::1"}\n' "$i"; done
} >"$T/big.yaml"
"$HOSTNET" plan --format json --show-unmanaged "$T/big.yaml" >"$T/plan.json" 2>"$T/plan.err"
rc=$?
[ "$rc" = 0 ] && ok "plan --format json exits 0" || not_ok "plan --format json exits 0" "rc=$rc" "$(cat "$T/plan.err")"
same_document "plan --format json with $N routes to add" "$T/plan.json"
if out=$(python3 - "$T/plan.json" "$N" <<'EOP' 2>&1
import json, sys
p = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert list(p) == ["host", "source", "commit", "profile_hash", "summary", "disturbs", "actions", "unmanaged"], list(p)
assert len(p["profile_hash"]) == 40, p["profile_hash"]
routes = [a for a in p["actions"] if a["object"] == "route"]
assert len(routes) == n, len(routes)
assert p["summary"]["add"] == len([a for a in p["actions"] if a["op"] == "create"]), p["summary"]
assert "eth1p" in p["unmanaged"]["links"], p["unmanaged"]
EOP
); then ok "plan JSON has every action, the profile hash, and unmanaged last"; else not_ok "plan JSON has every action, the profile hash, and unmanaged last" "$out"; fi

out=$("$HOSTNET" plan --format json "$T/big.yaml" 2>&1 >/dev/full)
rc=$?
[ "$rc" = 1 ] && grep -q "cannot write the plan: No space left on device" <<<"$out" &&
	ok "plan --format json to a full device fails with its reason" ||
	not_ok "plan --format json to a full device fails with its reason" "rc=$rc" "$out"

# The saved plan holds the same plan, and a state hash apply accepts.
"$HOSTNET" plan --format json --out "$T/saved.plan" "$T/big.yaml" >"$T/plan2.json" 2>"$T/plan2.err"
if out=$(python3 - "$T/saved.plan" "$T/plan2.json" <<'EOP' 2>&1
import json, sys
saved = json.load(open(sys.argv[1]))
printed = json.load(open(sys.argv[2]))
assert saved["plan"] == printed, "saved plan differs from the printed one"
assert len(saved["state_hash"]) == 40 and saved["profile_hash"] == printed["profile_hash"]
EOP
); then ok "plan --out saves the printed plan with both hashes"; else not_ok "plan --out saves the printed plan with both hashes" "$out"; fi
out=$("$HOSTNET" apply --auto-approve "$T/saved.plan" 2>&1)
rc=$?
[ "$rc" = 0 ] && [ "$(ip -6 route show root 2001:db8:2::/48 | wc -l)" = "$N" ] &&
	ok "apply takes the saved plan ($N routes added)" || not_ok "apply takes the saved plan" "rc=$rc" "$out"
out=$("$HOSTNET" plan "$T/big.yaml" 2>&1)
grep -q '^No changes\.' <<<"$out" && ok "then a plain plan has nothing to do" ||
	not_ok "then a plain plan has nothing to do" "$out"
tap_done
