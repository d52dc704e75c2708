#!/bin/bash
# The observer and the state store, driven through the hostnet binary in a
# private network namespace built with ip.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state/state.db
ns_build_host

py() { python3 - "$@"; }

# --- hostnet show matches what ip reports, field by field -------------------
"$HOSTNET" show interfaces --json >"$T/links.json" && ip -j -d link show >"$T/ip-links.json"
if out=$(py "$T/links.json" "$T/ip-links.json" <<'EOP' 2>&1
import json, sys
mine = {l["name"]: l for l in json.load(open(sys.argv[1]))}
ip = {l["ifname"]: l for l in json.load(open(sys.argv[2]))}
assert set(mine) == set(ip), (sorted(mine), sorted(ip))
byidx = {l["ifindex"]: l["ifname"] for l in ip.values()}
for name, l in ip.items():
    m = mine[name]
    kind = l.get("linkinfo", {}).get("info_kind", "device")
    assert m["index"] == l["ifindex"], name
    assert m["kind"] == kind, (name, m["kind"], kind)
    assert m["mtu"] == l["mtu"], name
    assert m["mac"] == l.get("address"), name
    assert m["enabled"] == ("UP" in l["flags"]), name
    assert m["oper"] == l["operstate"].lower(), (name, m["oper"], l["operstate"])
    assert m["master"] == l.get("master"), name
    assert m["alias"] == l.get("ifalias"), name
EOP
); then ok "show interfaces reports every link as ip does"; else not_ok "show interfaces reports every link as ip does" "$out"; fi

"$HOSTNET" show addresses --json >"$T/addrs.json" && ip -j addr show >"$T/ip-addrs.json"
if out=$(py "$T/addrs.json" "$T/ip-addrs.json" <<'EOP' 2>&1
import json, sys
mine = sorted((a["interface"], a["address"], a["scope"]) for a in json.load(open(sys.argv[1])))
ip = sorted((l["ifname"], "%s/%d" % (a["local"], a["prefixlen"]), a["scope"])
            for l in json.load(open(sys.argv[2])) for a in l["addr_info"])
assert mine == ip, (mine, ip)
EOP
); then ok "show addresses reports every address as ip does"; else not_ok "show addresses reports every address as ip does" "$out"; fi

"$HOSTNET" show routes --json >"$T/routes.json"
ip -j -4 route show table all >"$T/ip-r4.json"; ip -j -6 route show table all >"$T/ip-r6.json"
if out=$(py "$T/routes.json" "$T/ip-r4.json" "$T/ip-r6.json" <<'EOP' 2>&1
import json, sys
names = {"main": "main", "local": "local", "default": "default"}
def key(table, dst, gw, dev, proto):
    return (str(table), dst, gw or "", dev or "", str(proto))
mine = sorted(key(r["table"], r["destination"] if r["destination"] not in ("0.0.0.0/0", "::/0") else "default",
                  r["gateway"], r["interface"], r["protocol"]) for r in json.load(open(sys.argv[1])))
ip = []
for f in sys.argv[2:]:
    for r in json.load(open(f)):
        t = {"main": 254, "local": 255, "default": 253}.get(r.get("table", "main"), r.get("table"))
        dst = r["dst"]
        if dst != "default" and "/" not in dst:
            dst += "/128" if ":" in dst else "/32"
        ip.append(key(t, dst, r.get("gateway"), r.get("dev"), {"77": "hostnet", "None": "boot"}.get(str(r.get("protocol")), r.get("protocol"))))
assert mine == sorted(ip), "\n".join(map(str, sorted(set(mine) ^ set(ip))))
EOP
); then ok "show routes reports every route of every table as ip does"; else not_ok "show routes reports every route of every table as ip does" "$out"; fi

# --- ownership: marks, not names, decide ------------------------------------
if out=$(py "$T/links.json" "$T/routes.json" <<'EOP' 2>&1
import json, sys
links = {l["name"]: l["owned"] for l in json.load(open(sys.argv[1]))}
want = {"vs0", "vmk0", "vmk0p", "vmk1", "vmk1p"}
assert {n for n, o in links.items() if o} == want, links
routes = json.load(open(sys.argv[2]))
owned = sorted((r["table"], r["destination"]) for r in routes if r["owned"])
assert owned == [(100, "0.0.0.0/0"), (100, "198.51.100.0/24")], owned
assert all(r["protocol"] == "hostnet" for r in routes if r["owned"])
EOP
); then ok "owned objects are exactly those carrying hostnet's marks (not a foreign alias in hostnet's group)"
else not_ok "owned objects are exactly those carrying hostnet's marks (not a foreign alias in hostnet's group)" "$out"; fi

out=$("$HOSTNET" show adapters)
want="NAME  ENABLED  OPER  MTU   MAC                SWITCH  STACK    SERVICES"
if grep -q "^vmk0 .*vs0  *default  *management$" <<<"$out" &&
	grep -q "^vmk1 .*9000 .*vs0  *vmotion  *vmotion$" <<<"$out" && [ "$(wc -l <<<"$out")" = 3 ]; then
	ok "show adapters recovers adapters, switch, stack and services from the marks"
else
	not_ok "show adapters recovers adapters, switch, stack and services from the marks" "$out"
fi
out=$("$HOSTNET" show stacks)
if grep -q "^default  *main  *1  *192.0.2.1 " <<<"$out" && grep -q "^vmotion  *100  *1  *198.51.100.1 " <<<"$out"; then
	ok "show stacks gives each stack its table, adapters and gateway"
else
	not_ok "show stacks gives each stack its table, adapters and gateway" "$out"
fi

# --- a snapshot round-trips through SQLite unchanged -------------------------
ns_settle
id=$("$HOSTNET" observe -q --host nstest)
if [ -n "$id" ]; then ok "observe records a snapshot and prints its id ($id)"; else not_ok "observe records a snapshot and prints its id"; fi
same=1
for v in adapters interfaces addresses routes stacks; do
	"$HOSTNET" show "$v" --json >"$T/live.$v"
	"$HOSTNET" show "$v" --json --snapshot "$id" >"$T/snap.$v" || same=0
	cmp -s "$T/live.$v" "$T/snap.$v" || { same=0; diff "$T/live.$v" "$T/snap.$v" | head -20 >"$T/diff"; }
done
[ $same = 1 ] && ok "every view of the recorded snapshot equals the live one" ||
	not_ok "every view of the recorded snapshot equals the live one" "$(cat "$T/diff" 2>/dev/null)"
check "the state database passes its integrity check" "$HOSTNET" state check
mode=$(stat -c %a "$T/state/state.db"):$(stat -c %a "$T/state")
[ "$mode" = 600:700 ] && ok "state.db is created 0600 in a 0700 directory" || not_ok "state.db is created 0600 in a 0700 directory" "$mode"
out=$("$HOSTNET" history --host nstest)
grep -q "snapshot  *$id  *nstest .* routes" <<<"$out" && ok "history lists the snapshot" || not_ok "history lists the snapshot" "$out"

# --- show interfaces: the adapter settings (#7), from a recorded snapshot ----
# Set in a copy of the database, so the values are exact whatever this
# kernel reports: a shaped adapter with RA off, a locked port with static
# FDB entries, and a bond with its primary.
if command -v sqlite3 >/dev/null; then
	# Snapshots are blobs (state/0005-snapshot-blobs.sql) that SQL cannot
	# edit: the copy gets a snapshot in the row format older hostnets wrote,
	# of the links checked below, which also shows that format still reads.
	cp "$HOSTNET_STATE" "$T/settings.db"
	up1=$(ip -o link show up1 | cut -d: -f1)
	rows=
	seq=0
	for n in lo up1 vmk0 vmk0p impostor; do
		rows="$rows${rows:+,} (last_insert_rowid(), $seq, $(ip -o link show "$n" | cut -d: -f1),
			'$n', 'device', '', 1500, NULL, 1, 6, 0, 0, 0, '', 0, 0, 0, 0)"
		seq=$((seq + 1))
	done
	rid=$(sqlite3 "$T/settings.db" "
	INSERT INTO snapshots (taken_at, host, caps, kernel_release, n_links, n_addrs, n_routes,
		n_rules, format) SELECT taken_at, host, caps, kernel_release, 5, 0, 0, 0, 1
		FROM snapshots WHERE id = $id;
	INSERT INTO snapshot_links (snapshot_id, seq, ifindex, name, kind, kind_name, mtu, mac,
		admin_up, operstate, master, link, link_group, alias, vlan_id, vrf_table, macvlan_mode,
		owned) VALUES $rows;
	SELECT max(id) FROM snapshots;")
	sqlerr=$(sqlite3 "$T/settings.db" 2>&1 "
	UPDATE snapshot_links SET qdisc = 'tbf', qdisc_handle = 1752039424, shaping_rate = 12500000,
		shaping_peak = 25000000, shaping_burst = 102400, is_brport = 0, n_fdb = 0, fdb = NULL,
		has_ra = 1, accept_ra = 0, autoconf = 0, accept_ra_defrtr = 1
		WHERE snapshot_id = $rid AND name = 'vmk0';
	UPDATE snapshot_links SET qdisc = '', shaping_rate = 0, shaping_peak = 0, shaping_burst = 0,
		is_brport = 1, brport_learning = 0, brport_flood = 0, brport_locked = 1,
		n_fdb = 2, fdb = '02:00:5e:10:00:01', has_ra = 0, accept_ra = 0, autoconf = 0,
		accept_ra_defrtr = 0
		WHERE snapshot_id = $rid AND name = 'vmk0p';
	UPDATE snapshot_links SET kind = 'bond', kind_name = 'bond', bond_mode = 1,
		bond_primary = $up1, qdisc = '', is_brport = 0, n_fdb = 0, fdb = NULL, has_ra = 0
		WHERE snapshot_id = $rid AND name = 'impostor';
	UPDATE snapshot_links SET qdisc = '', qdisc_handle = 0, is_brport = 0, n_fdb = 0, fdb = NULL,
		has_ra = 1, accept_ra = 1, autoconf = 1, accept_ra_defrtr = 1
		WHERE snapshot_id = $rid AND name = 'lo';")
	out=$("$HOSTNET" show interfaces --state "$T/settings.db" --snapshot "$rid" 2>&1)
	settings() { awk -v n="$1" 'NR == 1 { c = index($0, "SETTINGS"); a = index($0, "ALIAS") }
		$1 == n { s = substr($0, c, a - c); sub(/ +$/, "", s); print s }' <<<"$out"; }
	if [ "$(settings vmk0)" = "shape=100mbit/200mbit,burst=100kb accept_ra=0 autoconf=0" ] &&
	   [ "$(settings vmk0p)" = "port=locked fdb=02:00:5e:10:00:01+1" ] &&
	   [ "$(settings impostor)" = "bond=active-backup primary=up1" ] &&
	   [ "$(settings lo)" = "-" ] && [ -z "$sqlerr" ]; then
		ok "show interfaces has a SETTINGS column: shaping, port flags and FDB, bond, RA"
	else
		not_ok "show interfaces has a SETTINGS column: shaping, port flags and FDB, bond, RA" "$sqlerr" "$out"
	fi
	"$HOSTNET" show interfaces --json --state "$T/settings.db" --snapshot "$rid" >"$T/settings.json"
	if out=$(python3 - "$T/settings.json" <<'EOP' 2>&1
import json, sys
by = {l["name"]: l for l in json.load(open(sys.argv[1]))}
v = by["vmk0"]
assert v["qdisc"] == "tbf" and v["qdisc_handle"] == 0x686e0000, v
assert v["shaping"] == {"rate": 12500000, "peak": 25000000, "burst": 102400}, v
assert v["ipv6_ra"] == {"accept_ra": 0, "autoconf": 0, "accept_ra_defrtr": 1}, v
assert v["bridge_port"] is None and v["bond"] is None, v
p = by["vmk0p"]
assert p["bridge_port"] == {"flags": ["locked"], "n_fdb": 2, "fdb": "02:00:5e:10:00:01"}, p
assert p["shaping"] is None and p["ipv6_ra"] is None and p["qdisc"] is None, p
b = by["impostor"]
assert b["bond"] == {"mode_number": 1, "mode": "active-backup", "primary": "up1"}, b
EOP
	); then ok "show interfaces --json has every adapter setting, typed"
	else not_ok "show interfaces --json has every adapter setting, typed" "$out"; fi
else
	not_ok "show interfaces has a SETTINGS column: shaping, port flags and FDB, bond, RA" "sqlite3 CLI missing"
fi

# --- the lock: a second writer waits, then names the holder ------------------
echo 4242 >"$HOSTNET_STATE.lock"
flock "$HOSTNET_STATE.lock" sleep 5 &
holder=$!
# Wait until the holder really has the lock (a loaded machine is slow).
for _ in $(seq 50); do flock -n "$HOSTNET_STATE.lock" true || break; sleep 0.1; done
out=$("$HOSTNET" observe --lock-timeout 0.2 2>&1)
rc=$?
[ $rc = 1 ] && [ "$out" = "hostnet observe: state is locked by another hostnet (pid 4242) for more than 0.2 s" ] &&
	ok "a locked state database fails after --lock-timeout, naming the holder's pid" ||
	not_ok "a locked state database fails after --lock-timeout, naming the holder's pid" "rc=$rc" "$out"
check "read-only commands do not wait for the lock" "$HOSTNET" history
kill $holder 2>/dev/null
wait $holder 2>/dev/null

# --- broken databases: one clear message, nothing changed --------------------
echo "not a database at all, just text" >"$T/junk.db"
cp "$T/junk.db" "$T/junk.orig"
out=$("$HOSTNET" observe --state "$T/junk.db" 2>&1)
rc=$?
[ $rc = 1 ] && [[ "$out" = "hostnet observe: state database $T/junk.db is damaged (file is not a database), so hostnet stops"* ]] &&
	cmp -s "$T/junk.db" "$T/junk.orig" &&
	ok "a file that is not a database is refused untouched" ||
	not_ok "a file that is not a database is refused untouched" "rc=$rc" "$out"
if command -v sqlite3 >/dev/null; then
	cp "$HOSTNET_STATE" "$T/newer.db"
	sqlite3 "$T/newer.db" "PRAGMA user_version = 99"
	out=$("$HOSTNET" observe --state "$T/newer.db" 2>&1)
	latest=$(find "$SRCDIR/state" -name '[0-9][0-9][0-9][0-9]-*.sql' | wc -l)
	[ "$out" = "hostnet observe: state database $T/newer.db is schema version 99, newer than this hostnet (knows up to $latest); upgrade hostnet" ] &&
		ok "a database from a newer hostnet is refused" || not_ok "a database from a newer hostnet is refused" "$out"
else
	not_ok "a database from a newer hostnet is refused" "sqlite3 CLI missing"
fi
# Damage: overwrite pages in the middle of a copy of the database.
cp "$HOSTNET_STATE" "$T/damaged.db"
size=$(stat -c %s "$T/damaged.db")
dd if=/dev/urandom of="$T/damaged.db" bs=4096 seek=$((size / 4096 / 2)) count=2 conv=notrunc status=none
out=$("$HOSTNET" state check --state "$T/damaged.db" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "damaged\|malformed\|not a" <<<"$out" && ok "state check fails on a damaged database" ||
	not_ok "state check fails on a damaged database" "rc=$rc" "$out"

# --- a big host: 100,000 routes ----------------------------------------------
# IPv6 routes (2001:db8::/32 has room for them; the IPv4 documentation
# ranges do not).  No link-local addresses on these links (addr_gen_mode, set
# by ns_enter) and no DAD: either would change addresses and routes at a
# random moment and race the counts below.
ip link add bulk type veth peer name bulkp
sysctl -qw net.ipv6.conf.bulk.accept_dad=0 net.ipv6.conf.bulkp.accept_dad=0
ip link set bulk up && ip link set bulkp up
ip addr add 2001:db8:ff::1/64 dev bulk nodad
awk 'BEGIN { for (i = 0; i < 100000; i++)
	printf "route add 2001:db8:%x:%x::/64 via 2001:db8:ff::2 table 300\n", 256 + int(i / 65536), i % 65536 }' |
	ip -batch -
want=$(( $(ip -4 route show table all | wc -l) + $(ip -6 route show table all | wc -l) ))
got=$("$HOSTNET" show routes --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), sum(1 for x in r if x["table"] == 300))')
[ "$got" = "$want 100000" ] && ok "show routes --json returns every route of a 100,000-route host" ||
	not_ok "show routes --json returns every route of a 100,000-route host" "got: $got, want: $want 100000"
out=$("$HOSTNET" observe --host big)
grep -q "routes" <<<"$out" && [ "$(grep -o '[0-9]* routes' <<<"$out")" = "$want routes" ] &&
	ok "observe records all of them ($out)" || not_ok "observe records all of them" "$out" "want $want routes"
tap_done
