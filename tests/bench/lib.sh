# Helpers shared by tests/bench/run.sh (root side) and tests/bench/ns.sh
# (inside each private namespace).  Bash only.
#
# Environment:
#   HOSTNET        the binary under test
#   BENCH_OUT      work directory: raw/ (one line per timed run), log/, gen/
#   BENCH_ROOTNS   the network namespace run.sh started in (never touched)
#   BENCH_EXEC     the compiled benchexec wrapper

# --- safety ----------------------------------------------------------------
# The fresh-namespace test of the namespace tests (tests/ns/lib-ns.sh), which
# run.sh copies beside this file.  BENCH_ROOTNS must be set: /proc/1/ns/net
# may be unreadable (it is on this VM, even for root), so the namespace
# run.sh started in is the one that surely must not be used.
if [ -e "$(dirname "${BASH_SOURCE[0]}")/lib-ns.sh" ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/lib-ns.sh"
else
	. "$(dirname "${BASH_SOURCE[0]}")/../ns/lib-ns.sh"
fi

bench_assert_private_netns() {
	if [ -z "${BENCH_ROOTNS:-}" ] || ! ns_is_fresh "$BENCH_ROOTNS"; then
		echo "ABORT: not in a fresh private network namespace ($(readlink /proc/self/ns/net))" >&2
		exit 99
	fi
}

# --- waiting for a quiet machine ---------------------------------------------
# A namespace with thousands of links and routes is torn down by a kernel
# worker after its last process exits (about 0.5 s of CPU for 1,000 veths and
# 100,000 routes here).  Every timed command waits until two consecutive
# 100 ms windows show less than BENCH_QUIET % of all CPUs busy (at most 10 s).
# run.sh sets BENCH_QUIET to 15, or to 10 more than the load it found before
# it started when other work keeps the machine busier than that.
cpu_busy() {  # percent of all CPUs busy during the next 100 ms
	local u n s i w x y z b1 t1 b2 t2
	read -r _ u n s i w x y z _ </proc/stat
	b1=$((u + n + s + x + y + z)); t1=$((b1 + i + w))
	sleep 0.1
	read -r _ u n s i w x y z _ </proc/stat
	b2=$((u + n + s + x + y + z)); t2=$((b2 + i + w))
	echo $((100 * (b2 - b1) / ((t2 - t1) > 0 ? (t2 - t1) : 1)))
}
# BUSY is the last window's value: what else ran when the timing started.
quiesce() {
	local quiet=0 end=$((SECONDS + 10))
	while [ "$quiet" -lt 2 ] && [ "$SECONDS" -lt "$end" ]; do
		BUSY=$(cpu_busy)
		if [ "$BUSY" -lt "${BENCH_QUIET:-15}" ]; then quiet=$((quiet + 1)); else quiet=0; fi
	done
}

# --- timing -------------------------------------------------------------------
# tm LABEL CMD... [+++ CMD...]: quiesce, then run the command(s) under
# benchexec and append "seconds maxrss_kib status cpu_seconds" to raw/LABEL (and the
# CPU busy % just before it to raw/LABEL.busy).  stdout and
# stderr of the last run are kept in log/LABEL.out and log/LABEL.err.
tm() {
	local label=$1
	shift
	rm -f "$BENCH_OUT/log/$label.out" "$BENCH_OUT/log/$label.err"
	quiesce
	echo "$BUSY" >>"$BENCH_OUT/raw/$label.busy"
	"$BENCH_EXEC" -r "$BENCH_OUT/raw/$label" -o "$BENCH_OUT/log/$label.out" \
		-e "$BENCH_OUT/log/$label.err" "$@"
	local st
	st=$(tail -n1 "$BENCH_OUT/raw/$label" | cut -d' ' -f3)
	if [ "$st" != 0 ]; then
		echo "  warning: $label exited $st (see $BENCH_OUT/log/$label.err)" >&2
	fi
}

# check LABEL WANT GOT: record whether a step produced what it should.
# A mismatch is shown in the table (and as a warning), never hidden.
check() {
	local label=$1 want=$2 got=$3
	if [ "$want" = "$got" ]; then
		echo ok >>"$BENCH_OUT/raw/$label.check"
	else
		echo "want $want got $got" >>"$BENCH_OUT/raw/$label.check"
		echo "  warning: $label: want $want, got $got" >&2
	fi
}

# --- what the kernel has, for the checks ---------------------------------------
n_links() { ip -o link show | grep -vc ': lo:'; }
n_routes6() { ip -6 route show table main | grep -vc ' dev lo '; }  # not ::1
n_mtu9000() { ip -o link show | grep -c ' mtu 9000 '; }
n_addr6() { ip -6 -o addr show | grep -c ' inet6 2001:db8:'; }
n_ports() { ip -o link show master vs0 | wc -l; }
