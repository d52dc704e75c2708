#!/bin/bash
# One benchmark step inside a fresh private network + mount namespace.
# Started by run.sh as
#   unshare --net --mount --propagation private -- bash ns.sh STEP ARGS...
# Everything created here vanishes with the namespace.  Refuses to run
# anywhere else (see bench_assert_private_netns).
set -u
. "$(dirname "$0")/lib.sh"
bench_assert_private_netns

# ifupdown2 and hostnet read /sys/class/net: without a sysfs of this
# namespace they would see the machine's interfaces.
mount -t sysfs sysfs /sys
# No IPv6 link-local addresses on new links, in every namespace of every
# case alike (as tests/ns does): their DAD ends at a random moment and would
# add addresses and routes in the middle of a timed command.
sysctl -qw net.ipv6.conf.all.addr_gen_mode=1 net.ipv6.conf.default.addr_gen_mode=1
# The benchmark addresses are IPv6 (2001:db8::/32): no duplicate address
# detection either, for the same reason (its end changes the addresses'
# flags at a random moment), for hostnet and its peers alike.
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip link set lo up

G=$BENCH_OUT/gen
STATE=$BENCH_OUT/state
mkdir -p "$STATE"
export NO_COLOR=1

uplinks() {  # uplink stand-ins eth1..eth4, peers up (as peers/ifupdown2/nsenv.sh)
	{
		for i in 1 2 3 4; do
			echo "link add eth$i type veth peer name eth${i}p"
			echo "link set eth${i}p up"
		done
	} | ip -batch -
}

fresh_state() {  # fresh_state NAME: a new, empty state database
	export HOSTNET_STATE=$STATE/$1.db
	rm -f "$HOSTNET_STATE" "$HOSTNET_STATE"-*
}

# expect_host A R EXTRA_ROUTES: the host a profile of A adapters and R routes
# makes, on top of 4 uplinks with their peers.
expect_host() {
	local label=$1 a=$2 r=$3
	check "$label" "links=$((8 + 1 + 2 * a)) routes=$((a + r)) mtu9000=$((3 + 2 * a)) addr=$a ports=$((2 + a))" \
		"links=$(n_links) routes=$(n_routes6) mtu9000=$(n_mtu9000) addr=$(n_addr6) ports=$(n_ports)"
}

# expect_ifu LABEL N: the state peers/ifupdown2/bench.sh checks, on both sides:
# addresses, routes (connected + static), adapters with MTU 9000, bridge ports
expect_ifu() {
	check "$1" "addr=$2 routes=$((2 * $2)) mtu9000-adapters=$2 ports=$(($2 + 2))" \
		"addr=$(n_addr6) routes=$(n_routes6) mtu9000-adapters=$(ip -o link show | grep -E '^[0-9]+: a[0-9]+@' | grep -c ' mtu 9000 ') ports=$(n_ports)"
}

step=$1
shift
case $step in
observe)  # observe PAIRS ROUTES
	pairs=$1 routes=$2
	ip -batch "$G/observe-$pairs-$routes.txt"
	check observe.setup "links=$((2 * pairs)) routes=$((routes + 1))" "links=$(n_links) routes=$(n_routes6)"
	fresh_state observe
	# hostnet and its peer alternate; report.py pairs the runs by their order.
	tm observe.hostnet-observe "$HOSTNET" observe -q --host bench
	rm -f "$HOSTNET_STATE"
	tm observe.ip ip -d link show +++ ip route show table all
	tm observe.hostnet-show "$HOSTNET" show interfaces --json +++ "$HOSTNET" show routes --json
	tm observe.hostnet-show-routes "$HOSTNET" show routes --json
	tm observe.ip-j-routes ip -j route show table all
	all=$(ip route show table all | wc -l)
	check observe.hostnet-show-routes "$all" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' \
		"$BENCH_OUT/log/observe.hostnet-show-routes.out")"
	check observe.ip-j-routes "$all" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' \
		"$BENCH_OUT/log/observe.ip-j-routes.out")"
	;;

apply)  # apply VARIANT WHO: from zero, by hostnet, `ip -batch`, or `ip` + `ip -batch`
	v=$1 who=$2
	a=${v#A}; a=${a%%R*}; r=${v#*R}
	uplinks
	case $who in
	hostnet)
		fresh_state "apply-$v"
		tm "apply.$v.hostnet" "$HOSTNET" apply --auto-approve "$G/$v/hosts/bench.yaml"
		;;
	ip) tm "apply.$v.ip" ip -batch "$G/$v/ip.txt" ;;
	ip-split)
		# As a person would: one `ip` command per link and address line
		# (the same lines as ip.txt), then the routes in one `ip -batch`.
		cmd=()
		while IFS= read -r line; do
			eval "words=($line)"   # our own generated lines (quoted aliases)
			cmd+=(ip "${words[@]}" +++)
		done < <(grep -v '^route ' "$G/$v/ip.txt")
		grep '^route ' "$G/$v/ip.txt" >"$STATE/routes-$v.txt"
		tm "apply.$v.ip" "${cmd[@]}" ip -batch "$STATE/routes-$v.txt"
		who=ip
		;;
	esac
	expect_host "apply.$v.$who" "$a" "$r"
	;;

prune)  # prune WHO VARIANT: VARIANT's adapters (A<n>R0) exist, the profile keeps only a0
	who=$1 v=$2
	a=${v#A}; a=${a%%R*}
	uplinks
	if [ "$who" = hostnet ]; then
		fresh_state prune
		"$HOSTNET" apply --auto-approve "$G/$v/hosts/bench.yaml" >/dev/null
		expect_host prune.setup.hostnet "$a" 0
		tm prune.hostnet "$HOSTNET" apply --auto-approve "$G/A1R0/hosts/bench.yaml"
	else
		ip -batch "$G/$v/ip.txt"
		expect_host prune.setup.ip "$a" 0
		tm prune.ip ip -batch "$G/prune-del.txt"
	fi
	expect_host "prune.$who" 1 0
	;;

noop)  # noop VARIANT: that host applied, then nothing to do
	v=$1
	a=${v#A}; a=${a%%R*}; r=${v#*R}
	uplinks
	fresh_state "noop-$v"
	"$HOSTNET" apply --auto-approve "$G/$v/hosts/bench.yaml" >/dev/null
	expect_host "noop.$v.setup" "$a" "$r"
	# The baseline (observe) is measured between the others, in the same
	# namespace and state: report.py pairs each with it run by run.
	tm "noop.$v.plan" "$HOSTNET" plan "$G/$v/hosts/bench.yaml"
	check "noop.$v.plan" "No changes." "$(grep -o '^No changes\.' "$BENCH_OUT/log/noop.$v.plan.out")"
	tm "noop.$v.observe" "$HOSTNET" observe -q --host bench
	tm "noop.$v.apply" "$HOSTNET" apply --auto-approve "$G/$v/hosts/bench.yaml"
	check "noop.$v.apply" "No changes." "$(grep -o '^No changes\.' "$BENCH_OUT/log/noop.$v.apply.out")"
	tm "noop.$v.drift" "$HOSTNET" drift --host bench
	check "noop.$v.drift" "No drift:" "$(grep -o '^No drift:' "$BENCH_OUT/log/noop.$v.drift.out")"
	expect_host "noop.$v.after" "$a" "$r"
	;;

ifupdown2-hostnet)  # the ifupdown2 host, realized by hostnet (it creates the veths)
	n=$1
	uplinks
	fresh_state ifupdown2
	P=$G/ifupdown2-$n/hosts/bench.yaml
	tm ifupdown2.hostnet.scratch "$HOSTNET" apply --auto-approve "$P"
	expect_ifu ifupdown2.hostnet.scratch "$n"
	tm ifupdown2.hostnet.noop "$HOSTNET" apply --auto-approve "$P"
	check ifupdown2.hostnet.noop "No changes." "$(grep -o '^No changes\.' "$BENCH_OUT/log/ifupdown2.hostnet.noop.out")"
	tm ifupdown2.hostnet.drift "$HOSTNET" drift --host bench --exit-code
	;;

ifupdown2-peer)  # the same host by ifreload, adapters pre-created (peers/ifupdown2 "precreated")
	n=$1
	F=$G/ifupdown2-$n/interfaces
	# As peers/ifupdown2/nsenv.sh: own /run (lock dir must exist), own
	# /var/tmp (state), the file bind-mounted over /etc/network/interfaces
	# (ifreload has no -i), uplinks eth1..eth4, veth pairs aK/aKp precreated.
	mount -t tmpfs tmpfs /run
	mkdir -p /run/network
	mount -t tmpfs tmpfs /var/tmp
	mount --bind "$F" /etc/network/interfaces
	uplinks
	for ((k = 0; k < n; k++)); do echo "link add a$k type veth peer name a${k}p"; done | ip -batch -
	tm ifupdown2.peer.scratch ifreload -a
	expect_ifu ifupdown2.peer.scratch "$n"
	tm ifupdown2.peer.noop ifreload -a
	expect_ifu ifupdown2.peer.noop "$n"
	tm ifupdown2.peer.query ifquery --check -a -i "$F"
	;;

fleet)  # fleet N...: validate and plan against repositories of N hosts (10,000 and 10)
	uplinks
	fresh_state fleet
	for n in "$@"; do
		R=$G/fleet-$n
		one=h$((n / 2))
		tm "fleet.$n.validate-all" "$HOSTNET" validate -q --repo "$R"
		tm "fleet.$n.validate-one" "$HOSTNET" validate -q --repo "$R" --host "$one"
		tm "fleet.$n.plan-one" "$HOSTNET" plan --repo "$R" --host "$one"
		check "fleet.$n.plan-one" "+ link vmk0" "$(grep -m1 -o '+ link vmk0' "$BENCH_OUT/log/fleet.$n.plan-one.out")"
	done
	;;

phases)  # phases SCENARIO: one hostnet run under perf with the hnbench uprobes (phases.sh)
	s=$1
	mount -t tracefs nodev /sys/kernel/tracing   # hidden by this namespace's sysfs
	uplinks
	fresh_state "phases-$s"
	rec() { perf record -q -e "${BENCH_PROBES:-hnbench}:*" -o "$BENCH_OUT/phases.$s.data" -- "$@" \
		>"$BENCH_OUT/log/phases.$s.out" 2>"$BENCH_OUT/log/phases.$s.err"; }
	case $s in
	apply-routes) rec "$HOSTNET" apply --auto-approve "$G/$BENCH_V_ROUTES/hosts/bench.yaml" ;;
	apply-adapters) rec "$HOSTNET" apply --auto-approve "$G/$BENCH_V_ADAPTERS/hosts/bench.yaml" ;;
	apply-full) rec "$HOSTNET" apply --auto-approve "$G/$BENCH_V_FULL/hosts/bench.yaml" ;;
	noop-plan | noop-apply)
		"$HOSTNET" apply --auto-approve "$G/$BENCH_V_FULL/hosts/bench.yaml" >/dev/null
		if [ "$s" = noop-plan ]; then
			rec "$HOSTNET" plan "$G/$BENCH_V_FULL/hosts/bench.yaml"
		else
			rec "$HOSTNET" apply --auto-approve "$G/$BENCH_V_FULL/hosts/bench.yaml"
		fi
		;;
	observe | show-routes)
		ip -batch "$G/$BENCH_V_OBSERVE.txt"
		if [ "$s" = observe ]; then
			rec "$HOSTNET" observe --host bench
		else
			rec "$HOSTNET" show routes --json
			echo "$(wc -c <"$BENCH_OUT/log/phases.$s.out") bytes of JSON" >>"$BENCH_OUT/log/phases.$s.out"
		fi
		;;
	*) echo "ns.sh: unknown scenario $s" >&2; exit 2 ;;
	esac
	;;

*)
	echo "ns.sh: unknown step $step" >&2
	exit 2
	;;
esac
