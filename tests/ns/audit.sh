#!/bin/bash
# The audit trail: every generation records who ran it (uid, user, the sudo
# user, or the pull agent with its remote and branch), the commit's author
# and the result; rollbacks record who rolled back; `history --json` and the
# WHO column show it; each apply and rollback reaches the systemd journal
# with structured fields, captured here by a stand-in journald on a private
# /run (a mount namespace of the test's own).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
command -v git >/dev/null || skip_all "git not found"
command -v python3 >/dev/null || skip_all "python3 not found"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state/state.db NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 HOME=$T
unset SUDO_USER SUDO_UID SUDO_GID SUDO_COMMAND
git config --global user.email ada@example.invalid
git config --global user.name "Ada Lovelace"
git config --global init.defaultBranch main
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done
P=$SRCDIR/examples/profiles/hosts/esx03.yaml
J() { python3 -c "import json,sys; h=json.load(sys.stdin); g=[e for e in h if e['kind']=='generation']; print(eval(sys.argv[1]))" "$1"; }
hist() { "$HOSTNET" history --json --limit 0; }

# 1. apply by root through sudo: SUDO_USER and SUDO_UID are recorded.
out=$(SUDO_USER=alice SUDO_UID=1234 "$HOSTNET" apply --auto-approve "$P" 2>&1)
[ $? = 0 ] || not_ok "apply as root with SUDO_USER set" "$out"
h=$(hist)
got=$(J 'g[0]["who"]["uid"], g[0]["who"]["user"], g[0]["who"]["sudo_user"], g[0]["who"]["sudo_uid"], g[0]["who"]["agent"], g[0]["result"], g[0]["commit_author"], g[0]["rolled_back_by"]' <<<"$h")
[ "$got" = "(0, 'root', 'alice', 1234, None, 'applied', None, None)" ] &&
	ok "history --json: uid, user, sudo user and uid, no agent, the result" ||
	not_ok "history --json records who applied through sudo" "$got" "$h"
"$HOSTNET" history --limit 5 | grep -qE "^\S+ +generation +[0-9]+ +esx03 +alice \(sudo\) +applied" &&
	"$HOSTNET" history --limit 5 | head -1 | grep -q "WHO" &&
	ok "text history: a WHO column names the sudo user" || not_ok "text history has a WHO column" "$("$HOSTNET" history --limit 5)"

# 2. the pull agent: its remote (credentials never stored), branch, and the
# commit's author from git.
git init -q --bare "$T/origin.git"
git clone -q "$T/origin.git" "$T/work" 2>/dev/null
cp -r "$SRCDIR/examples/profiles/." "$T/work/"
sed -i 's/mtu: 9000/mtu: 8000/' "$T/work/hosts/esx03.yaml"
git -C "$T/work" add -A && git -C "$T/work" commit -qm one && git -C "$T/work" push -q origin main
out=$("$HOSTNET" reconcile --remote "file://$T/origin.git" --host esx03 2>&1)
[ $? = 0 ] || not_ok "reconcile applies the branch" "$out"
got=$(J 'g[0]["who"]["agent"], g[0]["commit_author"], g[0]["who"]["sudo_user"], g[0]["result"]' <<<"$(hist)")
[ "$got" = "({'remote': 'file://$T/origin.git', 'branch': 'main'}, 'Ada Lovelace <ada@example.invalid>', None, 'applied')" ] &&
	ok "history --json: the agent's remote and branch and the commit's author" ||
	not_ok "history --json records the agent and the author" "$got" "$out"
"$HOSTNET" history --limit 0 | grep -m1 " generation " | grep -q " agent " && ok "text history: WHO is 'agent' for the pull agent" ||
	not_ok "text history names the agent" "$("$HOSTNET" history --limit 1)"

# 3. an unconfirmed change: who rolled it back, and why.
out=$(SUDO_USER=bob "$HOSTNET" apply --auto-approve --confirm-timeout 0.3 "$P" 2>&1)
got=$(J 'g[0]["result"], g[0]["who"]["sudo_user"], g[0]["rolled_back_by"]["sudo_user"], g[0]["rolled_back_by"]["reason"]' <<<"$(hist)")
[ "$got" = "('rolled-back', 'bob', 'bob', 'not confirmed in time')" ] &&
	ok "a rollback at the confirmation deadline records who rolled back and why" ||
	not_ok "a rollback records who rolled back" "$got" "$out"

# 4. a database from before the audit trail: its generations read with nulls.
sqlite3 "$HOSTNET_STATE" "DELETE FROM generation_audit WHERE generation_id = 1"
got=$(J '[e["who"] for e in g if e["id"] == 1], [e["commit_author"] for e in g if e["id"] == 1]' <<<"$(hist)")
[ "$got" = "([None], [None])" ] && "$HOSTNET" history --limit 0 | grep -qE "generation +1 +esx03 +- " &&
	ok "a generation without an audit record reads as null (JSON) and '-' (text)" ||
	not_ok "an old generation reads with nulls" "$got"

# 5. the journal: a stand-in journald on a private /run gets the entries.
cat >"$T/journal.sh" <<'EOS'
set -u
mount -t tmpfs tmpfs /run || exit 97
mkdir -p /run/systemd/journal
python3 "$CAPTURE" /run/systemd/journal/socket "$T/journal.jsonl" 4 20 &
cap=$!
for _ in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
ip link set vmk1 mtu 1500
SUDO_USER=carol SUDO_UID=4321 "$HOSTNET" apply --auto-approve "$P" >"$T/j-apply.out" 2>&1 || exit 98
SUDO_USER=carol "$HOSTNET" apply --auto-approve --confirm-timeout 0.3 "$T/prof/hosts/esx03.yaml" >>"$T/j-apply.out" 2>&1
"$HOSTNET" reconcile --remote "file://$T/origin.git" --host esx03 >>"$T/j-apply.out" 2>&1 || exit 99
wait $cap
EOS
cp -r "$SRCDIR/examples/profiles" "$T/prof"
sed -i 's/mtu: 9000/mtu: 7000/' "$T/prof/hosts/esx03.yaml"
CAPTURE=$SRCDIR/tests/ns/journal-capture.py T=$T HOSTNET=$HOSTNET P=$P \
	unshare --mount --propagation private -- bash "$T/journal.sh"
rc=$?
# Four: the apply, the apply waiting for confirmation, its rollback, the agent's.
[ $rc = 0 ] && [ "$(wc -l <"$T/journal.jsonl")" = 4 ] && ok "each apply and rollback sends one journal entry" ||
	not_ok "the journal gets one entry per apply" "rc=$rc" "$(cat "$T/j-apply.out" "$T/journal.jsonl" 2>&1)"
jf() { python3 -c "import json,sys; e=[json.loads(l) for l in open(sys.argv[2])]; print(eval(sys.argv[1]))" "$1" "$T/journal.jsonl"; }
gen=$(J 'g[1]["id"]' <<<"$(hist)")
got=$(jf '[(x.get("MESSAGE_ID"), x.get("HOSTNET_EVENT"), x.get("HOSTNET_HOST"), x.get("HOSTNET_RESULT"), x.get("HOSTNET_USER"), x.get("HOSTNET_SUDO_USER"), x.get("HOSTNET_SUDO_UID"), x.get("HOSTNET_UID"), x.get("PRIORITY")) for x in e[:3]]')
want="[('9efe8b12bbd04b9f8cb80e9582743c0b', 'apply', 'esx03', 'applied', 'root', 'carol', '4321', '0', '6'), ('9efe8b12bbd04b9f8cb80e9582743c0b', 'apply', 'esx03', 'pending', 'root', 'carol', None, '0', '6'), ('9efe8b12bbd04b9f8cb80e9582743c0b', 'rollback', 'esx03', 'rolled-back', 'root', 'carol', None, '0', '4')]"
[ "$got" = "$want" ] && ok "journal entries: MESSAGE_ID, event, host, result, user, sudo user, priority" ||
	not_ok "journal entries carry the audit fields" "$got"
got=$(jf '(e[0]["HOSTNET_GENERATION"], e[0]["HOSTNET_ACTIONS"] != "0", e[2]["HOSTNET_GENERATION"], e[2]["HOSTNET_REASON"], "HOSTNET_REMOTE" in e[0], "alice" in e[0]["MESSAGE"] or "carol" in e[0]["MESSAGE"])')
[ "$got" = "('$((gen - 1))', True, '$gen', 'not confirmed in time', False, True)" ] &&
	ok "journal entries: the generation, the action count, a rollback's reason" ||
	not_ok "journal entries name the generation and reason" "$got" "gen=$gen"
c1=$(git -C "$T/work" rev-parse HEAD)
got=$(jf '(e[3]["HOSTNET_REMOTE"], e[3]["HOSTNET_BRANCH"], e[3]["HOSTNET_COMMIT"], e[3]["HOSTNET_AUTHOR"], "HOSTNET_SUDO_USER" in e[3])')
[ "$got" = "('file://$T/origin.git', 'main', '$c1', 'Ada Lovelace <ada@example.invalid>', False)" ] &&
	ok "journal entries of the agent: remote, branch, commit and its author" ||
	not_ok "journal entries of the agent carry remote, branch, commit, author" "$got"

# 6. no journald at all (an empty private /run): the apply succeeds.
ip link set vmk1 mtu 1500
out=$(HOSTNET=$HOSTNET P=$P unshare --mount --propagation private -- \
	bash -c 'mount -t tmpfs tmpfs /run && ! [ -e /run/systemd/journal/socket ] && "$HOSTNET" apply --auto-approve "$P"' 2>&1)
[ $? = 0 ] && ip link show vmk1 | grep -q "mtu 9000" && ok "without a journal socket the apply still succeeds" ||
	not_ok "an apply without journald succeeds" "$out"
tap_done
