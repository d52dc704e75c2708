#!/bin/bash
# The state database is not trusted blindly: one that another user owns or
# can write (or that is a symlink) is refused like ssh's StrictModes refuses
# a key file, and a damaged one stops every command with one message, exit 1,
# its bytes untouched.  Its snapshots drive rollbacks and its generations are
# what drift compares against, so either would let the file lie to root.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
command -v sqlite3 >/dev/null || skip_all "sqlite3 (the CLI) not found"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody'"
make_tmp
export NO_COLOR=1
unset HOSTNET_STATE
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done
P=$SRCDIR/examples/profiles/hosts/esx03.yaml
D=$T/state
GOOD=$T/good.db

# A database with every kind of record: generations, snapshots, drift.
"$HOSTNET" apply --auto-approve --state "$D/state.db" "$P" >/dev/null 2>&1 &&
	"$HOSTNET" observe -q --state "$D/state.db" >/dev/null &&
	ip link set vmk1 mtu 1500 && { "$HOSTNET" drift --host esx03 --state "$D/state.db" >/dev/null; [ $? != 1 ]; } ||
	{ echo "Bail out! could not build a state database"; exit 1; }
cp "$D/state.db" "$GOOD"

# Each command that reads the state database, with what it needs.
commands=("observe" "drift --host esx03" "apply --auto-approve $P" "confirm" "confirm --expire"
	  "history" "show routes --snapshot 1" "state check")

fresh() {  # a copy of the good database in a 0700 directory
	rm -rf "$D" && mkdir -m 700 "$D" && cp "$GOOD" "$D/state.db" && chmod 600 "$D/state.db"
}

# refused DESCRIPTION PATTERN: every command exits 1 with a message matching
# PATTERN and leaves the database's bytes as they were.
refused() {
	local desc=$1 pattern=$2 bad="" out rc
	# (cp and cmp would hang on a FIFO: compare regular files only.)
	rm -f "$T/before"
	[ -f "$D/state.db" ] && cp "$D/state.db" "$T/before"
	for c in "${commands[@]}"; do
		# shellcheck disable=SC2086
		out=$(timeout 20 "$HOSTNET" $c --state "$D/state.db" 2>&1 </dev/null)
		rc=$?
		if [ $rc != 1 ] || ! grep -q -- "$pattern" <<<"$out"; then
			bad+="$c: rc=$rc: $out"$'\n'
		elif [ -f "$T/before" ] && ! cmp -s "$T/before" "$D/state.db"; then
			bad+="$c changed the file"$'\n'
		fi
	done
	[ -z "$bad" ] && ok "$desc" || not_ok "$desc" "$bad"
}

# --- item 5: ownership, modes, symlinks ------------------------------------
fresh
check "a database of our own in a 0700 directory is used" "$HOSTNET" state check --state "$D/state.db"

fresh; chown nobody "$D/state.db"
refused "a database owned by nobody is refused by every command, saying how to fix it" \
	"state database $D/state.db is owned by uid 65534 (nobody), not by root.*chown root $D/state.db"
fresh; chmod 666 "$D/state.db"
refused "a database of mode 0666 is refused" "state database $D/state.db is writable by others (mode 0666).*chmod 600 $D/state.db"
fresh; chmod 620 "$D/state.db"
refused "a group-writable database is refused" "is writable by its group (mode 0620).*chmod 600"
fresh; chmod 1777 "$D"
refused "a database in a 1777 directory is refused" "state directory $D is writable by others (mode 1777).*chmod 700 $D"
fresh; chmod 777 "$D"
refused "a database in a 0777 directory is refused" "state directory $D is writable by others (mode 0777)"
fresh; chmod 770 "$D"
refused "a database in a group-writable directory is refused" "state directory $D is writable by its group (mode 0770)"
fresh; chown nobody "$D"
refused "a database in a directory owned by nobody is refused" "state directory $D is owned by uid 65534 (nobody).*chown root $D"
fresh; mv "$D/state.db" "$D/real.db"; ln -s real.db "$D/state.db"
refused "a symlinked database is refused, not followed" "state database $D/state.db is a symbolic link"
fresh; cp "$GOOD" "$D/state.db-wal"; chown nobody "$D/state.db-wal"
refused "a -wal file owned by nobody is refused" "state database file $D/state.db-wal is owned by uid 65534"
fresh; ln -s /dev/null "$D/state.db-shm"
refused "a symlinked -shm file is refused" "state database file $D/state.db-shm is a symbolic link"
fresh; rm "$D/state.db"; mkfifo -m 600 "$D/state.db"
refused "a FIFO in place of the database is refused at once" "state database $D/state.db is not a regular file"
fresh; : >"$D/state.db.lock"; chown nobody "$D/state.db.lock"
out=$("$HOSTNET" observe --state "$D/state.db" 2>&1)
[ $? = 1 ] && grep -q "lock file $D/state.db.lock is owned by uid 65534" <<<"$out" &&
	ok "a lock file owned by nobody is refused" || not_ok "a lock file owned by nobody is refused" "$out"

fresh; chmod 1777 "$D"; chmod 700 "$D"
check "after the suggested chmod the database is used again" "$HOSTNET" observe -q --state "$D/state.db"
rm -rf "$T/new"
"$HOSTNET" observe -q --state "$T/new/state.db" >/dev/null
[ "$(stat -c %a:%U "$T/new" "$T/new/state.db" | tr '\n' ' ')" = "700:root 600:root " ] &&
	ok "a new database is still created 0600 in a 0700 directory" ||
	not_ok "a new database is still created 0600 in a 0700 directory" "$(stat -c '%n %a %U' "$T/new" "$T/new/state.db")"

# --- item 9: damage ---------------------------------------------------------
page() {  # the first page of table or index $1 in the good database
	sqlite3 "$GOOD" "SELECT min(pageno) FROM dbstat WHERE name = '$1'"
}
# damage PAGE: random bytes over page PAGE (1: the header after its magic).
damage() {
	fresh
	if [ "$1" = 1 ]; then
		dd if=/dev/urandom of="$D/state.db" bs=1 seek=16 count=84 conv=notrunc status=none
	else
		dd if=/dev/urandom of="$D/state.db" bs=4096 seek=$(($1 - 1)) count=1 conv=notrunc status=none
	fi
}
msg="state database $D/state.db is damaged (.*), so hostnet stops and writes nothing more to it. To recover, move it aside"
for target in "the header:1" "the generations table:$(page generations)" "an index:$(page generations_host)" \
	"the snapshot blobs:$(page snapshot_blobs)" "the snapshots table:$(page snapshots)" \
	"the drift reports:$(page drift_reports)" "the schema:$(page sqlite_schema)"; do
	damage "${target#*:}"
	refused "damage to ${target%%:*} stops every command with the one message, the file untouched" "$msg"
done
# Damage quick_check cannot see (a row's bytes changed within a valid page)
# is found by the content checks when the row is read.
fresh
sqlite3 "$D/state.db" "UPDATE snapshot_blobs SET objects = CAST(objects || x'00' AS BLOB) WHERE snapshot_id = 1"
cp "$D/state.db" "$T/before"
out=$("$HOSTNET" show interfaces --snapshot 1 --state "$D/state.db" 2>&1)
[ $? = 1 ] && grep -q "damaged (content check: snapshot 1: its blob has a bad end" <<<"$out" &&
	cmp -s "$T/before" "$D/state.db" &&
	ok "a snapshot blob with trailing bytes is reported as damage" ||
	not_ok "a snapshot blob with trailing bytes is reported as damage" "$out"
# plan only reads the state database (the desired state it may reuse).
damage "$(page generations)"
cp "$D/state.db" "$T/before"
HOSTNET_STATE=$D/state.db "$HOSTNET" plan "$P" >/dev/null 2>&1
cmp -s "$T/before" "$D/state.db" && ok "plan leaves a damaged database's bytes alone" ||
	not_ok "plan leaves a damaged database's bytes alone"
tap_done
