#!/bin/bash
# A no-op plan of the profile last applied, unchanged, reuses that
# generation's desired state instead of parsing the profile
# (reconciler/cmd-cached.c).  HOSTNET_DEBUG says which path a plan took; its
# output must be the full path's, byte for byte, and anything that could make
# them differ (a byte of any file, the host, the kernel's capabilities, a
# warning, an old database) must take the full path.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
command -v sqlite3 >/dev/null || skip_all "sqlite3 (the CLI) not found"
command -v git >/dev/null || skip_all "git not found"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1 HOSTNET_DEBUG=1
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done
cp -r "$SRCDIR/examples/profiles" "$T/p"
P=$T/p/hosts/esx03.yaml
REUSED="debug: reused the desired state of generation"

# path DESC WANT ARGS...: the plan's debug line names WANT ("reused" or the
# full path's reason); its stdout and status are in $OUT and $RC.
path() {
	local desc=$1 want=$2
	shift 2
	OUT=$("$HOSTNET" plan "$@" 2>"$T/err")
	RC=$?
	ERR=$(cat "$T/err")
	grep -q -- "$want" <<<"$ERR" && ok "$desc" || not_ok "$desc" "rc=$RC" "$ERR" "$OUT"
}
# same DESC ARGS...: a cached plan's stdout and status are the full path's
# (the full path: a state database that does not exist).
same() {
	local desc=$1 full frc
	shift
	full=$(HOSTNET_STATE=$T/none.db "$HOSTNET" plan "$@" 2>/dev/null)
	frc=$?
	path "$desc: the cached path is taken" "$REUSED" "$@"
	[ "$OUT" = "$full" ] && [ "$RC" = "$frc" ] && ok "$desc: output and status as the full path's" ||
		not_ok "$desc: output and status as the full path's" "cached rc=$RC: $OUT" "full rc=$frc: $full"
}

"$HOSTNET" apply --auto-approve "$P" >/dev/null 2>&1 || { echo "Bail out! apply failed"; exit 1; }

# --- (a) the same profile on an unchanged host ---------------------------------
same "a file profile with a fragment" "$P"
same "--format json" --format json "$P"
same "--format markdown" --format markdown "$P"
same "--detailed-exitcode" --detailed-exitcode "$P"
same "--show-unmanaged" --show-unmanaged "$P"
[ "$(sqlite3 "$HOSTNET_STATE" 'SELECT files FROM generation_sources' | cut -f2)" = $'hosts/esx03.yaml\ncommon/site-a.yaml' ] &&
	ok "the generation records the host file and its fragment" ||
	not_ok "the generation records the host file and its fragment" \
		"$(sqlite3 "$HOSTNET_STATE" 'SELECT * FROM generation_sources')"
path "--against-snapshot always takes the full path" "full path" --against-snapshot /nonexistent "$P"
path "--out always takes the full path" "full path" --out "$T/plan.json" "$P"
ERR=$(HOSTNET_DEBUG= "$HOSTNET" plan "$P" 2>&1 >/dev/null)
[ -z "$ERR" ] && ok "without HOSTNET_DEBUG the cached path says nothing" ||
	not_ok "without HOSTNET_DEBUG the cached path says nothing" "$ERR"

# --- (b) one byte changed in the profile or its fragment -------------------------
echo "#" >>"$P"
path "a byte more in the host file: full path" "source key differs" "$P"
grep -q "No changes" <<<"$OUT" && ok "... and the plan is still empty" || not_ok "... and the plan is still empty" "$OUT"
sed -i '$d' "$P"
path "the byte taken back: cached again" "$REUSED" "$P"
sed -i 's|^  - to: 203.0.113.192/26$|  - to: 203.0.113.128/26|' "$T/p/common/site-a.yaml"
path "a route changed in the fragment: full path" "source key differs" "$P"
grep -q "+ route 203.0.113.128/26.*common/site-a.yaml:[0-9]" <<<"$OUT" &&
	ok "... and the plan adds the route, naming the fragment's line" ||
	not_ok "... and the plan adds the route, naming the fragment's line" "$OUT"
sed -i 's|^  - to: 203.0.113.128/26$|  - to: 203.0.113.192/26|' "$T/p/common/site-a.yaml"
path "the fragment restored: cached again" "$REUSED" "$P"

# --- (c) the host drifted ------------------------------------------------------------
ip link set vmk1 mtu 1500
path "a drifted host: full path" "the host differs" "$P"
grep -q "hosts/esx03.yaml:[0-9]" <<<"$OUT" && grep -q "mtu: 1500 -> 9000" <<<"$OUT" &&
	ok "... and its action names the profile's line" || not_ok "... and its action names the profile's line" "$OUT"
ip link set vmk1 mtu 9000
path "the drift healed by hand: cached again" "$REUSED" "$P"

# --- (e) another kernel capability fingerprint -----------------------------------
CACHE=$T/kernel-caps
caps=$(sed -n 's/^caps //p' "$CACHE")
[ -n "$caps" ] || not_ok "the kernel capabilities cache has a caps line" "$(cat "$CACHE")"
cp "$CACHE" "$T/caps.saved"
sed -i "s/^caps .*/caps $(printf %x $((0x$caps ^ 0x20)))/" "$CACHE"
path "another kernel capability fingerprint: full path" "source key differs" "$P"
grep -q "No changes" <<<"$OUT" && ok "... and the plan is still empty" || not_ok "... and the plan is still empty" "$OUT"
cp "$T/caps.saved" "$CACHE"
path "the fingerprint back: cached again" "$REUSED" "$P"

# --- git: --repo/--ref/--host ----------------------------------------------------------
git -C "$T/p" init -q && git -C "$T/p" add -A &&
	git -C "$T/p" -c user.name=t -c user.email=t@example.org commit -qm init ||
	{ echo "Bail out! git"; exit 1; }
"$HOSTNET" apply --auto-approve --repo "$T/p" --host esx03 >/dev/null 2>&1
path "from git, after a no-op apply of it: cached" "$REUSED" --repo "$T/p" --host esx03
same "from git" --repo "$T/p" --host esx03
path "the file again: the generation was keyed by git's bytes, the same" "$REUSED" "$P"

# --- (d) a profile with a warning never uses the cache ------------------------------
sed -i 's/^    services: \[vsan\]$/    services: [vsan, provisioning]/' "$P"
"$HOSTNET" apply --auto-approve "$P" >/dev/null 2>"$T/err"
grep -q "warning:" "$T/err" || not_ok "the changed profile has a warning" "$(cat "$T/err")"
path "a profile with a warning: full path" "full path" "$P"
grep -q "warning:.*mixes services" <<<"$ERR" && ok "... and the warning is printed" ||
	not_ok "... and the warning is printed" "$ERR"
sed -i 's/^    services: \[vsan, provisioning\]$/    services: [vsan]/' "$P"

# --- (f) old databases -------------------------------------------------------------------
"$HOSTNET" apply --auto-approve "$P" >/dev/null 2>&1
path "back to the clean profile: cached" "$REUSED" "$P"
sqlite3 "$HOSTNET_STATE" "DELETE FROM generation_sources"
path "a generation without a key: full path" "no applied generation with recorded sources" "$P"
sqlite3 "$HOSTNET_STATE" "DROP TABLE generation_sources; PRAGMA user_version = 7"
path "a database of schema 7 (migration pending): full path" "no readable state database" "$P"
grep -q "No changes" <<<"$OUT" && ok "... and the plan is still empty" || not_ok "... and the plan is still empty" "$OUT"
"$HOSTNET" apply --auto-approve "$P" >/dev/null 2>&1
[ "$(sqlite3 "$HOSTNET_STATE" 'PRAGMA user_version')" = 8 ] && ok "an apply migrates it to schema 8" ||
	not_ok "an apply migrates it to schema 8"
path "a no-op apply keys the generation it found: cached" "$REUSED" "$P"

# --- a directory's files are known by their status, as git's index knows them --
sleep 3   # older than the racy window: the status is recorded
"$HOSTNET" apply --auto-approve "$P" >/dev/null 2>&1
n=$(sqlite3 "$HOSTNET_STATE" "SELECT files FROM generation_sources" | grep -c $'^[0-9][^\t]*\t')
[ "$n" = 2 ] && ok "an old enough file's status is recorded with the key" ||
	not_ok "an old enough file's status is recorded with the key" "$(sqlite3 "$HOSTNET_STATE" "SELECT * FROM generation_sources")"
path "unchanged files by their status: cached" "$REUSED" "$P"
F=$T/p/common/site-a.yaml
cp -p "$F" "$T/site-a.saved"
ino=$(stat -c %i "$F")
# In place (same inode), same size, the mtime put back: only ctime tells.
python3 -c 'import sys; f = open(sys.argv[1], "r+"); s = f.read(); f.seek(0)
f.write(s.replace("  - to: 203.0.113.192/26", "  - to: 203.0.113.128/26"))' "$F"
touch -r "$T/site-a.saved" "$F"
[ "$(stat -c %i.%s.%Y "$F")" = "$ino.$(stat -c %s.%Y "$T/site-a.saved")" ] ||
	not_ok "same inode, size and mtime after the edit" "$(stat "$F")"
sleep 3   # past the racy window again: the status alone must tell
path "a same-size edit in place with its mtime put back: full path" "source key differs" "$P"
grep -q "+ route 203.0.113.128/26" <<<"$OUT" && ok "... and the plan adds the route" ||
	not_ok "... and the plan adds the route" "$OUT"
tap_done
