#!/bin/bash
# hostnet benchmarks: `make bench`, or by hand (as root)
#   HOSTNET=/path/to/hostnet tests/bench/run.sh [CASE...]
# CASE: observe apply prune noop ifupdown2 fleet (default: all, in that order).
#
# Every timed command runs in a private network namespace created for it
# (unshare --net --mount, see ns.sh); the machine's own namespace is never
# changed.  Each case prints one table row per measurement: whole-process
# medians over BENCH_RUNS runs (default 5) of hostnet and of its peer,
# measured in the same runs on the same kind of namespace, the ratio
# hostnet/peer, and the maximum RSS.  Targets are printed for reference:
# nothing here fails because of a time.
#
# Environment:
#   HOSTNET      the binary (default: ../../hostnet from this script)
#   BENCH_RUNS   runs per measurement (default 5)
#   BENCH_OUT    work directory (default: a new /tmp/hostnet-bench.XXXXXX);
#                results.md, raw/ timings, log/ outputs of the last run
#   BENCH_KEEP=1 keep the work directory's generated repositories (large)
#   BENCH_EXEC   the benchexec program (`make tests/bench/benchexec`;
#                default: benchexec beside this script)
#   Sizes (defaults in brackets; tests/bench-smoke.sh makes them tiny):
#   BENCH_ADAPTERS [1000] adapters of the apply/prune/noop cases,
#   BENCH_ROUTES [100000] routes (the apply and noop cases also use a tenth,
#   and apply three times as many on one adapter),
#   BENCH_PAIRS [500] veth pairs of the observe case, BENCH_HOSTS [10000]
#   hosts of the big fleet repository, BENCH_IFUPDOWN [100] adapters of the
#   ifupdown2 case.
# Needs: root, unshare, ip, python3, git; installs ifupdown2 with apt-get for
# the ifupdown2 case if it is missing.  Exits 1 when a timed command failed
# or a check of the kernel state after it did not hold (see the table).
set -euo pipefail

# The whole script is one function, read before anything runs, and it uses
# copies of its helpers: editing tests/bench/ during a run cannot change it.
main() {
	D=$(cd "$(dirname "$0")" && pwd)
	: "${HOSTNET:=$D/../../hostnet}"
	HOSTNET=$(readlink -f "$HOSTNET")
	RUNS=${BENCH_RUNS:-5}
	export BENCH_ADAPTERS=${BENCH_ADAPTERS:-1000} BENCH_ROUTES=${BENCH_ROUTES:-100000} \
		BENCH_PAIRS=${BENCH_PAIRS:-500} BENCH_HOSTS=${BENCH_HOSTS:-10000} \
		BENCH_IFUPDOWN=${BENCH_IFUPDOWN:-100}
	NA=$BENCH_ADAPTERS NR=$BENCH_ROUTES NR10=$((BENCH_ROUTES / 10)) NR3=$((3 * BENCH_ROUTES))
	ALL="observe apply prune noop ifupdown2 fleet"
	CASES=${*:-$ALL}

	die() { echo "bench: $*" >&2; exit 1; }
	[ "$(id -u)" = 0 ] || die "needs root (it creates network namespaces)"
	[ -x "$HOSTNET" ] || die "no hostnet binary at $HOSTNET (set HOSTNET)"
	for c in $CASES; do
		case " $ALL " in *" $c "*) ;; *) die "unknown case '$c' (cases: $ALL)" ;; esac
	done
	BENCH_EXEC=$(readlink -f "${BENCH_EXEC:-$D/benchexec}")
	[ -x "$BENCH_EXEC" ] || die "no benchexec at $BENCH_EXEC (make tests/bench/benchexec, or set BENCH_EXEC)"
	for t in unshare ip python3 git; do
		command -v "$t" >/dev/null || die "$t not found"
	done
	case " $CASES " in *" ifupdown2 "*)
		if ! command -v ifreload >/dev/null; then
			echo "bench: installing ifupdown2 (the peer of case 5)" >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q ifupdown2 >/dev/null ||
				die "apt-get install ifupdown2 failed"
		fi
		[ -e /etc/network/interfaces ] || die "/etc/network/interfaces missing (ifupdown2 case bind-mounts over it)"
	esac

	OUT=${BENCH_OUT:-$(mktemp -d /tmp/hostnet-bench.XXXXXX)}
	mkdir -p "$OUT"
	OUT=$(readlink -f "$OUT")
	rm -rf "$OUT/raw" "$OUT/log" "$OUT/state"
	mkdir -p "$OUT/raw" "$OUT/log" "$OUT/gen"

	# The namespace this script runs in: ns.sh refuses to run in it (PID 1's is
	# not always readable, see lib.sh).
	BENCH_ROOTNS=$(readlink /proc/self/ns/net)
	B=$OUT/bin
	mkdir -p "$B"
	cp "$D/ns.sh" "$D/lib.sh" "$D/../ns/lib-ns.sh" "$D/gen.py" "$D/report.py" "$B/"
	export HOSTNET BENCH_OUT=$OUT BENCH_ROOTNS BENCH_EXEC

	gen() { python3 "$B/gen.py" "$@"; }
	G=$OUT/gen
	ns() { unshare --net --mount --propagation private -- bash "$B/ns.sh" "$@"; }
	progress() { printf 'bench: %s\n' "$*" >&2; }

	# --- inputs (generated once, outside the namespaces) ---------------------------
	progress "generating profiles in $G"
	# (A3R$NR10's peer is `ip` per link and address + `ip -batch` of the routes.)
	APPLY_VARIANTS="A${NA}R0 A${NA}R$NR10 A${NA}R$NR A1R$NR10 A3R$NR10 A1R$NR A1R$NR3"
	NOOP_VARIANTS="A${NA}R$NR10 A1R$NR"
	for v in $APPLY_VARIANTS A1R0; do
		a=${v#A}; a=${a%%R*}; r=${v#*R}
		mkdir -p "$G/$v/hosts"
		[ -s "$G/$v/ip.txt" ] || {
			gen profile "$G/$v/hosts/bench.yaml" "$a" "$r"
			gen ipbatch "$G/$v/ip.txt" "$a" "$r"
		}
	done
	for ((k = 1; k < NA; k++)); do echo "link del a$k"; done >"$G/prune-del.txt"
	OBS=$BENCH_PAIRS-$NR
	[ -s "$G/observe-$OBS.txt" ] || gen observe-batch "$G/observe-$OBS.txt" "$BENCH_PAIRS" "$NR"
	IFU=$BENCH_IFUPDOWN
	mkdir -p "$G/ifupdown2-$IFU/hosts"
	gen profile-ifupdown "$G/ifupdown2-$IFU/hosts/bench.yaml" "$IFU"
	gen interfaces "$G/ifupdown2-$IFU/interfaces" "$IFU"
	case " $CASES " in *" fleet "*)
		for n in $BENCH_HOSTS 10; do
			R=$G/fleet-$n
			if [ ! -d "$R/.git" ]; then
				progress "generating a git repository of $n hosts"
				rm -rf "$R"
				gen fleet "$R" "$n"
				git -C "$R" init -q
				git -C "$R" add -A
				git -C "$R" -c user.name=bench -c user.email=bench@example.invalid commit -q -m "$n hosts"
				git -C "$R" repack -adq   # packed, as a clone is
			fi
		done
	esac

	# What else keeps the machine busy (median of 10 windows of 100 ms): the
	# bar for "quiet" before each timed command (see quiesce in lib.sh).
	. "$B/lib.sh"
	BENCH_BASE_BUSY=$(for i in 1 2 3 4 5 6 7 8 9 10; do cpu_busy; done | sort -n | sed -n 5p)
	# (A BENCH_QUIET given in the environment wins: the smoke test, which
	# times nothing, gives 101 so that nothing waits.)
	BENCH_QUIET=${BENCH_QUIET:-$((BENCH_BASE_BUSY + 10 > 15 ? BENCH_BASE_BUSY + 10 : 15))}
	export BENCH_QUIET BENCH_BASE_BUSY
	progress "CPU busy before starting: $BENCH_BASE_BUSY % (quiet means < $BENCH_QUIET %)"

	# --- the cases -------------------------------------------------------------------
	for c in $CASES; do
		for ((r = 1; r <= RUNS; r++)); do
			progress "$c: run $r/$RUNS"
			case $c in
			observe) ns observe "$BENCH_PAIRS" "$NR" ;;
			apply)
				for v in $APPLY_VARIANTS; do
					peer=ip
					[ "$v" = "A3R$NR10" ] && peer=ip-split
					ns apply "$v" hostnet
					ns apply "$v" "$peer"
				done
				;;
			prune)
				ns prune hostnet "A${NA}R0"
				ns prune ip "A${NA}R0"
				;;
			noop) for v in $NOOP_VARIANTS; do ns noop "$v"; done ;;
			ifupdown2)
				ns ifupdown2-hostnet "$IFU"
				ns ifupdown2-peer "$IFU"
				;;
			fleet) ns fleet "$BENCH_HOSTS" 10 ;;
			esac
		done
	done

	# --- report ----------------------------------------------------------------------
	{
		cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
		mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
		os=$(. /etc/os-release && echo "$PRETTY_NAME")
		rev=$(cd "$D" && git describe --always --dirty 2>/dev/null || echo '?')
		ifu=$(dpkg-query -W -f '${Version}' ifupdown2 2>/dev/null || echo 'not installed')
		echo "Machine: $(nproc) CPUs ($cpu), $mem RAM, Linux $(uname -r), $os."
		echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); hostnet $rev ($HOSTNET); $(ip -V | sed 's/, libbpf.*//'); ifupdown2 $ifu."
		echo
		echo "$RUNS runs per measurement, each in a fresh private network namespace; medians (min–max) of the wall"
		echo "time of whole processes; CPU = median user + system time of the processes themselves; RSS = median"
		echo "of the maximum resident set (getrusage); ratio = median of the per-run ratios hostnet / peer"
		echo "(hostnet and its peer alternate, run i of one paired with run i of the other; CPU ratio likewise"
		echo "of the CPU times); targets are for reference, nothing fails on a time; checks = the kernel state after each command"
		echo "was verified; busy % = the highest CPU use (all CPUs, 100 ms) by anything else just before a timed"
		echo "command (each waits up to 10 s for < $BENCH_QUIET %; the machine was $BENCH_BASE_BUSY % busy before the run)."
		echo
		python3 "$B/report.py" "$OUT"
	} >"$OUT/results.md"
	cat "$OUT/results.md"
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$G/fleet-$BENCH_HOSTS" "$OUT/state"
	progress "raw timings and logs: $OUT"
	# A benchmark that measured a failure measured nothing: say so in the
	# exit status too (the table already shows which).
	bad=$(find "$OUT/raw" -type f -name '*.check' -exec cat {} + | grep -vcx ok || true)
	st=$(find "$OUT/raw" -type f ! -name '*.check' ! -name '*.busy' -exec cat {} + |
		awk 'NF >= 3 && $3 != 0' | wc -l)
	if [ "$bad" != 0 ] || [ "$st" != 0 ]; then
		progress "FAILED: $bad checks did not hold, $st timed commands exited non-zero"
		exit 1
	fi
}
main "$@"
exit
