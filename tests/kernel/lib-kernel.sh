# Shared by the tests of what this machine's kernel may lack (run by
# `make check-kernel` in Debian's kernel under qemu).  Source after
# tests/lib.sh and tests/ns/lib-ns.sh, and after ns_enter.

# The test needs these kernel capabilities (hostnet's probe names): without
# them it is skipped, a failure under HOSTNET_REQUIRE_ALL=1.
kernel_require() {  # kernel_require CAP...
	ns_kernel_has "$@" ||
		skip_all "this kernel lacks one of: $* (make check-kernel runs this test on Debian's kernel)"
}

# A peer namespace, the "physical" side: P CMD runs CMD in it.  It dies
# with the test.
peer_start() {
	unshare --net sleep 3600 &
	PEER=$!
	trap 'kill $PEER 2>/dev/null; rm -rf "$T"' EXIT
	for _ in $(seq 50); do
		[ "$(readlink /proc/$PEER/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	P ip link set lo up
}
P() { nsenter -t "$PEER" -n "$@"; }

expect_rc() {  # expect_rc DESC RC CMD...: LAST holds the output
	local desc=$1 want=$2 rc
	shift 2
	LAST=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] && ok "$desc" || not_ok "$desc" "rc=$rc, want $want" "$LAST"
}

# Edits the profile in place: python's str.replace, once, the old text must be there.
edit() {  # edit FILE OLD NEW
	python3 - "$@" <<'EOP'
import sys
p, old, new = sys.argv[1], sys.argv[2].encode().decode("unicode_escape"), sys.argv[3].encode().decode("unicode_escape")
s = open(p).read()
assert old in s, old
open(p, "w").write(s.replace(old, new, 1))
EOP
}

# Pings from CMD's side in the background while FN runs, then reports the
# losses: "sent received".
ping_during() {  # ping_during COUNT INTERVAL DEST FN [NS-PREFIX...]
	local count=$1 interval=$2 dest=$3 fn=$4 pid
	shift 4
	"$@" ping -n -i "$interval" -c "$count" -W 1 "$dest" >"$T/ping.out" 2>&1 &
	pid=$!
	"$fn"
	wait $pid
	sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$T/ping.out"
}
