#!/bin/bash
# hostnet reconcile, the pull agent, against a local bare "origin" in a
# private network namespace: first apply, nothing to do, a new commit, an
# invalid commit refused while the last good one is kept, drift healed, and
# the --interval loop picking up a push.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
command -v git >/dev/null || skip_all "git not found"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state/state.db NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 HOME=$T
git config --global user.email t@example.invalid
git config --global user.name test
git config --global init.defaultBranch main
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done

git init -q --bare "$T/origin.git"
git clone -q "$T/origin.git" "$T/work" 2>/dev/null
cp -r "$SRCDIR/examples/profiles/." "$T/work/"
W() { git -C "$T/work" "$@"; }
W add -A && W commit -qm one && W push -q origin main
c1=$(W rev-parse HEAD)
agent() { "$HOSTNET" reconcile --remote "file://$T/origin.git" --host esx03 "$@"; }

out=$(agent 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "esx03: applying ${c1:0:12} of main" <<<"$out" && ip link show vmk1 >/dev/null 2>&1 &&
	ok "the first run fetches and applies the branch" || not_ok "the first run fetches and applies the branch" "rc=$rc" "$out"
[ -d "$T/state/profiles.git" ] && [ ! -e "$T/state/profiles.git/hosts" ] &&
	ok "the mirror is a bare repository beside the state database (nothing checked out)" ||
	not_ok "the mirror is a bare repository beside the state database"
"$HOSTNET" history --limit 3 | grep -q "generation .* commit ${c1:0:12}" && ok "the generation records the commit" ||
	not_ok "the generation records the commit" "$("$HOSTNET" history --limit 2)"

gens() { "$HOSTNET" history --json --limit 0 | python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin) if e["kind"] == "generation"))'; }
n=$(gens)
out=$(agent 2>&1)
[ $? = 0 ] && grep -q "up to date with ${c1:0:12}; nothing to do" <<<"$out" && [ "$(gens)" = "$n" ] &&
	ok "with neither the commit nor the host changed, nothing is done" || not_ok "nothing is done when nothing changed" "$out"

sed -i 's/^    ipv4: \[198.51.100.13\/26\]/    ipv4: [198.51.100.14\/26]/' "$T/work/hosts/esx03.yaml"
W commit -qam two && W push -q origin main
c2=$(W rev-parse HEAD)
out=$(agent 2>&1)
[ $? = 0 ] && grep -q "applying ${c2:0:12}" <<<"$out" && ip addr show vmk1 | grep -q 198.51.100.14/26 &&
	ok "a new commit is fetched and applied" || not_ok "a new commit is fetched and applied" "$out"

sed -i 's/^    ipv4: \[198.51.100.14\/26\]/    ipvv4: [198.51.100.15\/26]/' "$T/work/hosts/esx03.yaml"
W commit -qam bad && W push -q origin main
c3=$(W rev-parse HEAD)
before=$(ip -o addr show vmk1)
out=$(agent 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "hostnet reconcile: commit ${c3:0:12} of main does not validate; keeping ${c2:0:12}" <<<"$out" &&
	grep -q "unknown key 'ipvv4'" <<<"$out" && [ "$(ip -o addr show vmk1)" = "$before" ] &&
	ok "an invalid commit is reported (exit 1) and the host keeps the last good one" ||
	not_ok "an invalid commit is reported and the host keeps the last good one" "rc=$rc" "$out"

ip link set vmk1 mtu 1500
out=$(agent 2>&1)
[ $? = 1 ] && grep -q "applying ${c2:0:12}" <<<"$out" && ip link show vmk1 | grep -q "mtu 9000" &&
	ok "drift is healed from the last good commit even while the branch is broken" ||
	not_ok "drift is healed from the last good commit while the branch is broken" "$out"

W revert --no-edit HEAD >/dev/null && W push -q origin main
# Started directly, not through agent(), so that $! is hostnet itself and
# not a subshell that SIGTERM would leave the agent running behind.
"$HOSTNET" reconcile --remote "file://$T/origin.git" --host esx03 --interval 0.3 >"$T/loop.out" 2>&1 &
loop=$!
sed -i 's/^    ipv4: \[198.51.100.14\/26\]/    ipv4: [198.51.100.16\/26]/' "$T/work/hosts/esx03.yaml"
W commit -qam four && W push -q origin main
for _ in $(seq 60); do ip addr show vmk1 | grep -q 198.51.100.16/26 && break; sleep 0.1; done
kill -TERM $loop
wait $loop
lrc=$?
[ $lrc = 0 ] && ! kill -0 $loop 2>/dev/null && ip addr show vmk1 | grep -q 198.51.100.16/26 && ok "the --interval loop picks up a push and stops on SIGTERM" ||
	not_ok "the --interval loop picks up a push and stops on SIGTERM" "rc=$lrc" "$(cat "$T/loop.out")"
out=$("$HOSTNET" reconcile --remote "file://$T/nope.git" --host esx03 2>&1)
[ $? = 1 ] && grep -q "hostnet reconcile: cannot fetch branch 'main' of 'file://$T/nope.git'" <<<"$out" &&
	ok "an unreachable remote is one clear error" || not_ok "an unreachable remote is one clear error" "$out"
tap_done
