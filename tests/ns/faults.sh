#!/bin/bash
# Faults: hostnet killed after each action of an apply in turn, netlink
# refusals in the middle of an apply, and eight applies at once.  After
# each, the host must converge to its profile with nothing orphaned and a
# state database that passes its check.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
export NO_COLOR=1
P=$SRCDIR/examples/profiles/hosts/esx03.yaml
P1=$SRCDIR/examples/profiles/hosts/esx01.yaml

export -f ns_settle
# Each case gets a fresh namespace of its own (nested), so one case's
# leftovers cannot help or hurt the next.  It prints the owned objects.
fresh() {  # fresh STATE-DB SCRIPT
	HOSTNET_STATE=$1 unshare --net bash -c '
		set -u
		# As ns_enter: no IPv6 link-local addresses finishing DAD later.
		sysctl -qw net.ipv6.conf.all.addr_gen_mode=1 net.ipv6.conf.default.addr_gen_mode=1
		for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done
		ip link set lo up
		'"$2"
}

# What hostnet manages and sees, minus what changes by itself (ifindexes,
# operstate: a veth's carrier takes a moment to come back after an MTU change).
cat >"$T/state.sh" <<EOS
"$HOSTNET" show addresses --json
"$HOSTNET" show routes --json
"$HOSTNET" show interfaces --json | python3 -c 'import json,sys
for l in json.load(sys.stdin): l.pop("index"); l.pop("oper"); print(json.dumps(l, sort_keys=True))'
EOS

# The number of actions of a full apply from zero.
total=$(fresh "$T/count.db" "'$HOSTNET' plan --format json '$P'" | python3 -c 'import json,sys
s = json.load(sys.stdin)["summary"]; print(s["add"] + s["change"] + s["destroy"])')
[ "$total" -gt 10 ] && ok "a full apply of esx03 has $total actions to cut" || not_ok "count the actions" "$total"

bad=""
for n in $(seq 1 "$total"); do
	out=$(fresh "$T/kill$n.db" "
		HOSTNET_TEST_KILL_BEFORE=$n '$HOSTNET' apply --auto-approve '$P' >/dev/null 2>&1
		[ \$? = 137 ] || { echo 'not killed'; exit 1; }
		'$HOSTNET' apply --auto-approve --allow-management-change '$P' >/dev/null 2>&1 || { echo 'second apply failed'; exit 1; }
		'$HOSTNET' plan --detailed-exitcode '$P' >/dev/null 2>&1 || { echo 'not converged'; exit 1; }
		'$HOSTNET' state check >/dev/null || { echo 'state check failed'; exit 1; }
		'$HOSTNET' history --limit 0 | grep -q 'failed, .*interrupted' || { echo 'interrupted generation not recorded'; exit 1; }
		'$HOSTNET' show interfaces --json | python3 -c 'import json,sys
owned = sorted(l[\"name\"] for l in json.load(sys.stdin) if l[\"owned\"])
want = sorted([\"vs0\", \"vs1\", \"vmk0\", \"vmk0p\", \"vmk1\", \"vmk1p\", \"vmk2\", \"vmk2p\"])
assert owned == want, owned' || { echo 'orphaned or missing owned links'; exit 1; }
	" 2>&1) || bad="$bad $n($out)"
done
[ -z "$bad" ] && ok "killed before each of the $total actions, the next apply converges with nothing orphaned" ||
	not_ok "killed before each action, the next apply converges" "failed at:$bad"

# Netlink refusals injected in the middle: rollback to an identical host.
for e in EEXIST ENODEV EBUSY ENOBUFS; do
	out=$(fresh "$T/$e.db" "
		'$HOSTNET' apply --auto-approve '$P1' >/dev/null 2>&1 || exit 1
		sed 's/198.51.100.71/198.51.100.72/; s/mtu: 9000                       # vMotion below 9000 is a warning/mtu: 8000/' '$P1' > /tmp/hostnet-fault-$e.yaml
		ns_settle
		before=\$(bash '$T/state.sh')
		HOSTNET_TEST_FAIL_BEFORE=3 HOSTNET_TEST_FAIL_ERRNO=$e '$HOSTNET' apply --auto-approve /tmp/hostnet-fault-$e.yaml 2>&1 | grep -c 'rolled back: the host is as it was'
		ns_settle
		after=\$(bash '$T/state.sh')
		rm -f /tmp/hostnet-fault-$e.yaml
		[ \"\$before\" = \"\$after\" ] && echo same
	" 2>&1)
	[ "$out" = "1
same" ] && ok "a refusal ($e) in the middle of an apply rolls back to an identical host" ||
		not_ok "a refusal ($e) in the middle of an apply rolls back" "$out"
done

# Eight applies at once: one applies, the others wait for the lock and
# then find nothing to do (or give up with the lock message).
out=$(fresh "$T/many.db" "
	for i in 1 2 3 4 5 6 7 8; do
		'$HOSTNET' apply --auto-approve --lock-timeout 20 '$P' > /tmp/hostnet-many.\$i 2>&1 &
	done
	wait
	applied=\$(grep -l 'Apply complete' /tmp/hostnet-many.* | wc -l)
	nothing=\$(grep -l '^No changes. The host matches its profile.' /tmp/hostnet-many.* | wc -l)
	locked=\$(grep -l 'state is locked by another hostnet (pid [0-9]*)' /tmp/hostnet-many.* | wc -l)
	rm -f /tmp/hostnet-many.*
	echo \$applied \$((nothing + locked))
	'$HOSTNET' plan --detailed-exitcode '$P' >/dev/null && echo converged
	'$HOSTNET' history --json --limit 0 | python3 -c 'import json,sys
g = [e for e in json.load(sys.stdin) if e[\"kind\"] == \"generation\" and \" 0 actions\" not in e[\"summary\"]]
print(len(g))'
")
[ "$out" = "1 7
converged
1" ] && ok "of eight simultaneous applies exactly one changes the host; the result equals one apply" ||
	not_ok "eight simultaneous applies" "$out"
tap_done
