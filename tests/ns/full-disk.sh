#!/bin/bash
# The confirm-or-rollback safety net on a really full disk (issue 12, items
# 1 and 2).  The state database lives on a 16 MiB tmpfs in a private mount
# namespace; before each apply a filler file leaves F bytes free, for F from
# 0 up, so that the database runs out at every write point in turn: the
# generation's start (with its snapshot and deadline), the outcome after the
# change, the rollback's record.  Whatever F is:
#   - exit 0 only with the generation recorded as applied;
#   - exit 1 only with the host (links, addresses, routes, rules) exactly as
#     before;
#   - no generation pending once a run could write again (and, with a
#     deadline, `confirm --expire` after it on the still-full disk).
. "$(dirname "$0")/../lib.sh"
if [ -z "${HOSTNET_IN_MNTNS:-}" ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root for a mount namespace"
	command -v unshare >/dev/null || skip_all "unshare (util-linux) not found"
	command -v fallocate >/dev/null || skip_all "fallocate (util-linux) not found"
	HOSTNET_IN_MNTNS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
fi
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
make_tmp
export NO_COLOR=1
FS=$T/fs
mkdir "$FS"
mount -t tmpfs -o size=16m,mode=0700 hostnet-test "$FS" || { echo "Bail out! cannot mount a tmpfs"; exit 1; }
# shellcheck disable=SC2064
trap "umount '$FS'; rm -rf '$T'" EXIT
export HOSTNET_STATE=$FS/state/state.db
for i in 1 2; do ip link add "eth$i" type veth peer name "eth${i}p"; done

# profile N FILE: host "full" with vmk0 and N more adapters.
profile() {
	{
		echo "apiVersion: hostnet/v1"
		echo "kind: HostProfile"
		echo "host: full"
		echo "uplinks: [{name: eth1}, {name: eth2}]"
		echo "switches: [{name: vs0, uplinks: [eth1, eth2]}]"
		echo "portgroups: [{name: pg, switch: vs0}]"
		echo "stacks: [{name: default, gateway: {ipv4: 192.0.2.1}}]"
		echo "adapters:"
		echo "  - {name: vmk0, portgroup: pg, services: [management], ipv4: [192.0.2.10/24]}"
		for i in $(seq 1 "$1"); do
			echo "  - {name: vmk$i, portgroup: pg, services: [provisioning], ipv4: [198.51.100.$i/32]}"
		done
	} >"$2"
}
mkdir -p "$T/p/hosts"
profile 0 "$T/p/hosts/full.yaml"
profile 40 "$T/p/big.yaml"
BASE=$T/p/hosts/full.yaml BIG=$T/p/big.yaml

# Names, MTUs, masters, addresses, routes and rules; not what moves by itself
# (ifindexes, carrier and operstate, a route's linkdown flag).
host_state() {
	ip -o link show | sed -E 's/^[0-9]+: ([^:@]+)[^ ]* .*( mtu [0-9]+).*/\1\2/'
	ip -o link show | grep -o "^[0-9]*: [^:@]*\|master [^ ]*" | paste -sd' '
	ip -o addr show | awk '{print $2, $3, $4}'
	ip route show table all | sed 's/ linkdown//'
	ip rule show
}
fill() {  # fill F: leave F bytes free on the tmpfs
	rm -f "$FS/fill"
	local avail
	avail=$(df -B1 --output=avail "$FS" | tail -1)
	[ "$avail" -le "$1" ] || fallocate -l $((avail - $1)) "$FS/fill"
}
pending() { "$HOSTNET" history --limit 0 2>/dev/null | grep -c " pending, "; }

"$HOSTNET" apply --auto-approve "$BASE" >"$T/out" 2>&1 &&
	ok "the baseline profile is applied on the empty tmpfs" ||
	not_ok "the baseline profile is applied" "$(cat "$T/out")"

# sweep NAME [APPLY-OPTION...]: one apply of $BIG per free-space step.
# Counts what happened in before/unrecorded/applied/expired.
sweep() {
	local name=$1 F rc s0 s1 out bad="" n_before=0 n_unrec=0 n_applied=0 n_expired=0
	shift
	# Below about 100 KB free the start cannot be recorded (its desired
	# state packed, 0006-generation-wants.sql): a point below, every step
	# around the thresholds.
	for F in 0 $(seq 32768 "$STEP" 163840); do
		fill "$F"
		s0=$(host_state)
		out=$("$HOSTNET" apply --auto-approve --allow-management-change "$@" "$BIG" 2>&1 >/dev/null)
		rc=$?
		s1=$(host_state)
		case "$out" in
		*"nothing was changed"*) n_before=$((n_before + 1)) ;;
		*"cannot record the outcome"*) n_unrec=$((n_unrec + 1)) ;;
		*"not confirmed in time"*) n_expired=$((n_expired + 1)) ;;
		esac
		if [ "$rc" = 0 ]; then
			n_applied=$((n_applied + 1))
			"$HOSTNET" history --limit 3 | grep -q " generation .* applied, 120 actions" ||
				bad="$bad F=$F: exit 0 without an applied generation ($out)"
		elif [ "$s0" != "$s1" ]; then
			bad="$bad F=$F: exit $rc and the host changed ($out)"
		fi
		if [ "$rc" != 0 ] && [ "$1" = --confirm-timeout ]; then
			sleep 0.3
			"$HOSTNET" confirm --expire >/dev/null 2>&1
			[ "$(pending)" = 0 ] ||
				bad="$bad F=$F: pending after confirm --expire on the full disk ($out)"
		fi
		rm -f "$FS/fill"
		# The next run that can write closes anything left pending and
		# still knows the baseline as applied.
		out=$("$HOSTNET" apply --auto-approve --allow-management-change "$BASE" 2>&1 >/dev/null) ||
			bad="$bad F=$F: the next apply failed ($(tail -3 <<<"$out"))"
		[ "$(pending)" = 0 ] || bad="$bad F=$F: a generation stays pending after the next apply"
		"$HOSTNET" drift --host full --exit-code >/dev/null 2>&1 ||
			bad="$bad F=$F: drift does not know the applied generation"
		[ "$(host_state)" = "$s0" ] || bad="$bad F=$F: the baseline is not restored"
	done
	echo "# $name: $n_before refused before the change, $n_unrec unrecorded and rolled back," \
		"$n_expired rolled back at the deadline, $n_applied applied"
	[ -z "$bad" ] && ok "$name: every exit 0 is recorded, every exit 1 left the host as it was" ||
		not_ok "$name: exit status, host and record agree at every fill level" "$bad"
	eval "N_BEFORE=$n_before N_UNREC=$n_unrec N_APPLIED=$n_applied N_EXPIRED=$n_expired"
}

STEP=4096
HOSTNET_TEST_NO_RESERVE=1 sweep "without the reserve"
[ "$N_BEFORE" -gt 0 ] && [ "$N_UNREC" -gt 0 ] && [ "$N_APPLIED" -gt 0 ] &&
	ok "without the reserve the disk ran out before the change, after it, and not at all" ||
	not_ok "the sweep reached every write point" "before=$N_BEFORE unrecorded=$N_UNREC applied=$N_APPLIED"

sweep "with the reserve"
[ "$N_BEFORE" -gt 0 ] && [ "$N_APPLIED" -gt 0 ] && [ "$N_UNREC" = 0 ] &&
	ok "with the reserve every apply that started could record its outcome" ||
	not_ok "with the reserve the outcome is always recorded" "before=$N_BEFORE unrecorded=$N_UNREC applied=$N_APPLIED"

STEP=12288
sweep "--confirm-timeout" --confirm-timeout 1
[ "$N_BEFORE" -gt 0 ] && [ "$N_EXPIRED" -gt 0 ] &&
	ok "--confirm-timeout: refused before the change, or rolled back and recorded at the deadline" ||
	not_ok "--confirm-timeout reached both outcomes" "before=$N_BEFORE expired=$N_EXPIRED"

check "the state database is consistent after all that" "$HOSTNET" state check
tap_done
