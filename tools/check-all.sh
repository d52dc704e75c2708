#!/bin/bash
# The whole test suite, as CI runs it: a normal build and an ASan/UBSan build,
# each running every test, then the fuzz harnesses (a minute each) and
# `make distcheck`.  Prints per-build summaries and ends with the line
# "N passed, N failed".
#
# Needs root (namespace tests create network namespaces) and the packages
# from tools/install-deps.sh.  Builds in ./build-check/ (removed first).
#
# Works whatever state the source tree is in: configured and built in place
# (as the README's first line leaves it) or not.  Every build here starts
# from a pristine copy of the sources in build-check/src (the files git
# tracks plus the untracked ones it does not ignore, as they are in the work
# tree), so the user's in-tree build is neither reused nor destroyed, and
# nothing generated in place (configure, Makefile, objects) leaks into what
# is tested.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$top/build-check
# A failed distcheck leaves read-only directories behind.
[ -d "$out" ] && chmod -R u+w "$out" 2>/dev/null
rm -rf "$out"
mkdir -p "$out"
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0

note() { printf '\n=== %s\n' "$*"; }

# The last lines of a build's configure.log and make.log: where a failed
# build says why.
show_tails() {  # show_tails DIR
	local f
	for f in "$1/configure.log" "$1/make.log"; do
		[ -s "$f" ] || continue
		echo "--- $f (last 30 lines)"
		tail -n 30 -- "$f"
	done
}

# The pristine copy.  Outside a git work tree (an unpacked release tarball)
# everything but build-check/ is copied and a configuration made in place is
# removed from the copy with `make distclean`.
src=$out/src
copy_sources() {
	mkdir -p "$src" || return 1
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(
			set -o pipefail
			git -C "$top" ls-files -z --cached --others --exclude-standard |
				while IFS= read -r -d '' f; do   # leave out tracked files deleted in the work tree
					if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
				done | tar -C "$top" --null -T - -cf - | tar -C "$src" -xf -
		)
	else
		tar -C "$top" --exclude=./build-check -cf - . | tar -C "$src" -xf - &&
			{ [ ! -f "$src/config.status" ] || (cd "$src" && make distclean >/dev/null 2>&1); }
	fi
}
if ! copy_sources || [ ! -f "$src/configure.ac" ]; then
	echo "check-all: could not copy the sources to $src"
	echo "0 passed, 1 failed"
	exit 1
fi

# Adds a build's results to the totals, counted from the harness's per-case
# lines (the summary is missing when the harness itself stops).  A build that
# failed without a failing case still counts as one failure, so it cannot
# pass silently.
count() {  # count LOGFILE STATUS
	local p f
	p=$(grep -cE '^PASS: ' "$1" 2>/dev/null)
	f=$(grep -cE '^(FAIL|ERROR|XPASS): ' "$1" 2>/dev/null)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$2" != 0 ] && [ "${f:-0}" = 0 ]; then
		failed=$((failed + 1))
	fi
}

if [ ! -x "$src/configure" ]; then
	note "autogen"
	(cd "$src" && ./autogen.sh) >"$out/autogen.log" 2>&1 ||
		{ tail -n 30 -- "$out/autogen.log"; echo "0 passed, 1 failed"; exit 1; }
fi
# The JSON Schema checker's modules are installed once in the source tree
# (git ignores them) and lent to the copy.
if [ -f tests/schema/package.json ]; then
	if [ ! -d tests/schema/node_modules ]; then
		note "npm ci (JSON Schema checker)"
		(cd tests/schema && npm ci --no-audit --no-fund --loglevel=error) || failed=$((failed + 1))
	fi
	[ -d tests/schema/node_modules ] && ln -sfn "$top/tests/schema/node_modules" "$src/tests/schema/node_modules"
fi

run_build() {  # run_build NAME CONFIGURE-ARGS...
	local name=$1 status
	shift
	note "build: $name"
	mkdir -p "$out/$name"
	(
		cd "$out/$name" &&
		"$src/configure" -q "$@" >configure.log 2>&1 || { show_tails .; exit 1; }
		make -j"$jobs" >make.log 2>&1 || { show_tails .; exit 1; }
		HOSTNET_REQUIRE_ALL=1 make -j"$jobs" -k check >check.log 2>&1
		status=$?
		grep -E '^(FAIL|ERROR|XPASS)' check.log ||
			{ [ $status = 0 ] || tail -n 25 -- check.log; }
		for f in $(grep -lE '^(not ok|Bail out)' $(find tests -name '*.log') 2>/dev/null); do
			echo "--- $f"; grep -B2 -A25 '^not ok' "$f" | head -80
		done
		sed -n '/^# TOTAL/,/^# ERROR/p' check.log
		exit $status
	)
	status=$?
	count "$out/$name/check.log" "$status"
}

run_build normal
ASAN_OPTIONS=detect_leaks=1 run_build sanitizers --enable-sanitizers CC=gcc

# The unit tests once more under valgrind: errors or definite leaks fail.
note "valgrind: unit tests"
if command -v valgrind >/dev/null; then
	(cd "$out/normal" &&
	 make -k check TESTS="$(make -s print-unit-tests)" \
		LOG_COMPILER="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --trace-children=no" \
		>valgrind.log 2>&1)
	status=$?
	grep -E '^(FAIL|ERROR)' "$out/normal/valgrind.log"
	for f in $(grep -lE '^(not ok|Bail out)|==[0-9]+==' "$out/normal"/tests/test-*.log 2>/dev/null); do
		echo "--- $f"; grep -E -A12 '^not ok|==[0-9]+== [A-Z]' "$f" | head -40
	done
	count "$out/normal/valgrind.log" "$status"
	sed -n '/^# TOTAL/,/^# ERROR/p' "$out/normal/valgrind.log"
else
	echo "valgrind not installed"
	failed=$((failed + 1))
fi

# clang must build everything warning-free too (-Werror); the tests already
# ran twice above.
note "build: clang (compile only, -Werror)"
mkdir -p "$out/clang"
if (cd "$out/clang" && "$src/configure" -q CC=clang >configure.log 2>&1 &&
	make -j"$jobs" all check_PROGRAMS= >make.log 2>&1 &&
	make -j"$jobs" $(cd "$out/normal" && make -s print-check-programs 2>/dev/null) >>make.log 2>&1); then
	echo "clang: ok"
	passed=$((passed + 1))
else
	show_tails "$out/clang"
	echo "clang: FAILED"
	failed=$((failed + 1))
fi

# The libFuzzer harnesses (tests/fuzz/), a minute each; a crash shows its
# reproducer and the sanitizer's stack.
note "make fuzz (60 s per harness)"
if (cd "$out/normal" && make fuzz FUZZ_SECONDS=60 >fuzz.log 2>&1); then
	grep -E '^fuzz-[a-z]+: [0-9]+ s,' "$out/normal/fuzz.log"
	echo "fuzz: ok"
	passed=$((passed + 1))
else
	if grep -qE '^fuzz-[a-z]+: [0-9]+ s,' "$out/normal/fuzz.log"; then
		sed -n '/^fuzz-[a-z]*: [0-9]* s,/,$p' "$out/normal/fuzz.log" | head -200
	else
		tail -n 30 -- "$out/normal/fuzz.log"
	fi
	echo "fuzz: FAILED"
	failed=$((failed + 1))
fi

# The Debian package, built and installed on a fresh bookworm root
# (tests/deb.sh; a few minutes, more on the first run, which makes the chroot).
note "Debian package (tests/deb.sh)"
if HOSTNET_REQUIRE_ALL=1 bash "$top/tests/deb.sh" >"$out/deb.log" 2>&1; then
	grep -E '^ok .*(builds|lintian)|^# total' "$out/deb.log"
	echo "deb: ok"
	passed=$((passed + 1))
else
	grep -E -A12 '^not ok' "$out/deb.log" | head -80
	echo "deb: FAILED"
	failed=$((failed + 1))
fi

# What this machine's kernel lacks (bonding, VRF), in one boot of Debian's
# kernel under qemu (tools/check-kernel.sh); no VM is a failure here.
note "make check-kernel (Debian's kernel under qemu)"
start=$(date +%s)
(cd "$out/normal" && HOSTNET_REQUIRE_ALL=1 make check-kernel >check-kernel.log 2>&1)
status=$?
grep -E '^not ok|^# failover:' "$out/normal/check-kernel.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/normal/check-kernel.log" | tail -n 1)
echo "check-kernel: ${line:-no summary} in $(($(date +%s) - start)) s"
[ -n "$line" ] || tail -n 20 -- "$out/normal/check-kernel.log"
set -- $line
passed=$((passed + ${1:-0}))
failed=$((failed + ${3:-0}))
[ $status != 0 ] && [ "${3:-0}" = 0 ] && failed=$((failed + 1))

note "make distcheck"
if (cd "$out/normal" && env -u HOSTNET_REQUIRE_ALL make -j"$jobs" distcheck >distcheck.log 2>&1); then
	echo "distcheck: ok"
	passed=$((passed + 1))
else
	tail -n 40 -- "$out/normal/distcheck.log"
	echo "distcheck: FAILED"
	failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
