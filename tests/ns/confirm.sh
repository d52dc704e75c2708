#!/bin/bash
# apply --confirm-timeout and hostnet confirm, like `netplan try`: a change
# stays only when confirmed in time; otherwise it is rolled back, even when
# the apply process itself was killed while waiting.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
export HOSTNET_STATE=$T/state.db NO_COLOR=1
for i in 1 2 3 4 5; do ip link add "eth$i" type veth peer name "eth${i}p"; done
P=$SRCDIR/examples/profiles/hosts/esx03.yaml
mtu() { ip -o link show vmk1 | grep -o "mtu [0-9]*"; }

"$HOSTNET" apply --auto-approve --confirm-timeout 10 "$P" >"$T/a1" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q "Run 'hostnet confirm'" "$T/a1" && break; sleep 0.1; done
out=$("$HOSTNET" confirm 2>&1)
wait $pid
rc=$?
[ $rc = 0 ] && grep -q "^confirmed generation 1: the change stays$" <<<"$out" && grep -q "Confirmed: the change stays." "$T/a1" &&
	ok "a change confirmed in time stays, and apply exits 0" || not_ok "a change confirmed in time stays" "rc=$rc" "$out" "$(cat "$T/a1")"
[ "$("$HOSTNET" show adapters | wc -l)" = 4 ] && ok "the adapters are there after confirmation" || not_ok "the adapters are there after confirmation"

ip link set vmk1 mtu 1500
out=$("$HOSTNET" apply --auto-approve --confirm-timeout 0.5 "$P" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "Not confirmed within" <<<"$out" && [ "$(mtu)" = "mtu 1500" ] &&
	ok "an unconfirmed change is rolled back when the time is up (apply exits 1)" ||
	not_ok "an unconfirmed change is rolled back when the time is up" "rc=$rc" "$out" "$(mtu)"

"$HOSTNET" apply --auto-approve --confirm-timeout 1 "$P" >"$T/a2" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q "Run 'hostnet confirm'" "$T/a2" && break; sleep 0.1; done
kill -9 $pid
wait $pid 2>/dev/null
[ "$(mtu)" = "mtu 9000" ] && ok "a killed apply leaves its change in place, pending" || not_ok "a killed apply leaves its change pending" "$(mtu)"
out=$("$HOSTNET" confirm --expire 2>&1)
[ "$(mtu)" = "mtu 9000" ] && grep -q "^0 changes rolled back$" <<<"$out" &&
	ok "before the deadline, confirm --expire leaves it" || not_ok "before the deadline, confirm --expire leaves it" "$out"
sleep 1.2
out=$("$HOSTNET" drift --host esx03 2>&1)
[ "$(mtu)" = "mtu 1500" ] && grep -q "rolled back: not confirmed in time" <<<"$out" &&
	ok "after the deadline the next hostnet run rolls the killed apply's change back" ||
	not_ok "after the deadline the next hostnet run rolls the killed apply's change back" "$out" "$(mtu)"
"$HOSTNET" history --limit 3 | grep -q "rolled-back, 1 actions: not confirmed in time" &&
	ok "the generation is recorded as rolled back, not confirmed in time" ||
	not_ok "the generation is recorded as rolled back" "$("$HOSTNET" history --limit 3)"
out=$("$HOSTNET" confirm 2>&1)
[ $? = 1 ] && [ "$out" = "hostnet confirm: no change is waiting for confirmation" ] &&
	ok "confirm with nothing pending says so" || not_ok "confirm with nothing pending says so" "$out"
check "the state database is consistent after all that" "$HOSTNET" state check
tap_done
