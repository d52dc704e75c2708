#!/bin/bash
# The Debian package: built with dpkg-buildpackage from a clean copy of the
# source tree, checked with lintian, and installed on a fresh Debian 12 root
# (a debootstrap minbase chroot of bookworm) with dpkg -i + apt-get -f
# install, where the installed hostnet must run and every file be in place.
#
# Not part of `make check` (distcheck would run it inside itself); run by
# tools/check-all.sh, or alone as root: bash tests/deb.sh.  Needs the
# network for the chroot's packages.  The chroot is built once and kept as a
# tarball in /var/cache/hostnet-test/ (HOSTNET_TEST_CACHE); each run unpacks
# a fresh copy.  HOSTNET_DEB_MIRROR picks the Debian mirror.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (chroot, dpkg inside it)"
for t in dpkg-buildpackage dh lintian debootstrap fakeroot chroot; do
	command -v "$t" >/dev/null || skip_all "$t not found (tools/install-deps.sh installs it)"
done
make_tmp
cache=${HOSTNET_TEST_CACHE:-/var/cache/hostnet-test}
mirror=${HOSTNET_DEB_MIRROR:-http://deb.debian.org/debian}
root=$T/root
start=$(date +%s)
elapsed() { echo "$(($(date +%s) - start)) s"; }

# 1. A clean copy of the sources: what git tracks (and new files not yet
# added), without any build products of the tree it came from.
mkdir -p "$T/src"
if git -C "$SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$SRCDIR" && git ls-files -z -co --exclude-standard) |
		(cd "$SRCDIR" && tar --null -T - -cf -) | tar -xf - -C "$T/src"
elif [ ! -e "$SRCDIR/config.status" ]; then
	cp -a "$SRCDIR/." "$T/src/"
else
	skip_all "$SRCDIR is configured and not a git checkout: run make distclean there first"
fi
[ -x "$T/src/debian/rules" ] && [ ! -e "$T/src/config.status" ] &&
	ok "a clean copy of the source tree" || not_ok "a clean copy of the source tree" "$(ls "$T/src")"

# 2. Build.
(cd "$T/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
status=$?
deb=$(ls "$T"/hostnet_*_*.deb 2>/dev/null | head -1)
if [ $status = 0 ] && [ -n "$deb" ]; then
	ok "dpkg-buildpackage -us -uc -b builds $(basename "$deb") ($(elapsed))"
else
	not_ok "dpkg-buildpackage -us -uc -b builds hostnet_*.deb" "$(tail -40 "$T/build.log")"
	tap_done
	exit 1
fi
version=$(sed -n '1s/^hostnet (\([^)]*\)).*/\1/p' "$T/src/debian/changelog")
ac_version=$(sed -n 's/^AC_INIT(\[hostnet\], \[\([^]]*\)\].*/\1/p' "$T/src/configure.ac")
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] && [ "$version" = "$ac_version" ] &&
	ok "the package's version $version is configure.ac's" ||
	not_ok "the package's version is configure.ac's" "deb: $(dpkg-deb -f "$deb" Version)" "configure.ac: $ac_version"
grep -qE '^# PASS: +[1-9]' "$T/build.log" && ! grep -qE '^(FAIL|ERROR):' "$T/build.log" &&
	ok "the build ran the unit tests and they passed" ||
	not_ok "the build ran the unit tests and they passed" "$(grep -E '^# [A-Z]+:|^(FAIL|ERROR):' "$T/build.log")"
dpkg-deb -f "$deb" Recommends | grep -qw udhcpc && ok "udhcpc is a Recommends" ||
	not_ok "udhcpc is a Recommends" "$(dpkg-deb -f "$deb" Recommends)"
deps=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libyaml-0-2 libnl-3-200 libnl-route-3-200 libsqlite3-0 libgit2- libjansson4; do
	grep -q "$lib" <<<"$deps" || { not_ok "Depends names the shared libraries (${lib}...)" "$deps"; deps=; break; }
done
[ -n "$deps" ] && ok "Depends names the shared libraries (from \${shlibs:Depends})"

# 3. lintian: no errors (warnings are listed).
lintian --no-tag-display-limit "$deb" >"$T/lintian.log" 2>&1
if grep -q '^E:' "$T/lintian.log"; then
	not_ok "lintian reports no errors" "$(grep -E '^[EW]:' "$T/lintian.log")"
else
	ok "lintian reports no errors ($(grep -c '^W:' "$T/lintian.log") warnings)"
	grep '^W:' "$T/lintian.log" | sed 's/^/# /'
fi

# 4. A fresh bookworm root, from the cached tarball (made on the first run).
mkdir -p "$cache"
tarball=$cache/bookworm-minbase.tar.gz
(
	flock 9
	if [ ! -s "$tarball" ]; then
		rm -rf "$cache/bookworm.new"
		debootstrap --variant=minbase bookworm "$cache/bookworm.new" "$mirror" >"$T/debootstrap.log" 2>&1 &&
			tar -C "$cache/bookworm.new" -czf "$tarball.tmp" . && mv -f "$tarball.tmp" "$tarball"
		rm -rf "$cache/bookworm.new" "$tarball.tmp"
	fi
) 9>"$cache/.lock"
mkdir -p "$root"
if [ -s "$tarball" ] && tar -C "$root" -xzf "$tarball" && [ -x "$root/usr/bin/apt-get" ]; then
	ok "a fresh debootstrap minbase bookworm root ($(elapsed))"
else
	not_ok "a fresh debootstrap minbase bookworm root" "$(tail -20 "$T/debootstrap.log" 2>/dev/null)"
	tap_done
	exit 1
fi
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
cp "$deb" "$root/tmp/"
debname=$(basename "$deb")

# 5. Install as an operator would: dpkg -i, then apt-get pulls the libraries.
# (Nothing may start a service in the chroot; minbase has no systemd running.)
in_root dpkg -i "/tmp/$debname" >"$T/dpkg.log" 2>&1
out=$(in_root apt-get update -qq 2>&1 && in_root apt-get -f install -y -qq 2>&1)
status=$(in_root dpkg-query -W -f '${Status}' hostnet 2>&1)
[ "$status" = "install ok installed" ] && ok "dpkg -i + apt-get -f install installs it ($(elapsed))" ||
	not_ok "dpkg -i + apt-get -f install installs it" "$status" "$(cat "$T/dpkg.log")" "$out"

out=$(in_root hostnet --version 2>&1)
[ $? = 0 ] && grep -q "$version" <<<"$out" && ok "hostnet --version in the root: $out" ||
	not_ok "hostnet --version in the root" "$out"
[ "$(in_root sh -c 'command -v hostnet')" = /usr/sbin/hostnet ] && ok "hostnet is /usr/sbin/hostnet, on root's PATH" ||
	not_ok "hostnet is /usr/sbin/hostnet, on root's PATH"
ex=/usr/share/hostnet/examples/profiles/hosts
out=$(in_root hostnet validate $ex/esx01.yaml $ex/esx03.yaml 2>&1)
[ $? = 0 ] && ok "hostnet validate of the installed example profiles" ||
	not_ok "hostnet validate of the installed example profiles" "$out"
out=$(in_root hostnet validate /usr/share/hostnet/examples/profiles/hosts/none.yaml 2>&1)
[ $? = 1 ] && ok "hostnet validate of a missing file fails" || not_ok "hostnet validate of a missing file fails" "$out"

for f in /usr/share/man/man8/hostnet.8.gz \
	/usr/share/bash-completion/completions/hostnet \
	/usr/share/hostnet/schema/host-profile.schema.json \
	/usr/share/doc/hostnet/copyright /usr/share/doc/hostnet/README.md.gz; do
	[ -s "$root$f" ] && ok "installed: $f" || not_ok "installed: $f"
done
zcat "$root/usr/share/man/man8/hostnet.8.gz" | grep -q '^\.TH HOSTNET 8' &&
	ok "the man page is a hostnet(8) page" || not_ok "the man page is a hostnet(8) page"
hook=$root/usr/share/hostnet/examples/hooks/pre-receive
[ -x "$hook" ] && grep -q '^HOSTNET=${HOSTNET:-/usr/sbin/hostnet}$' "$hook" &&
	ok "the pre-receive hook is executable and runs /usr/sbin/hostnet" ||
	not_ok "the pre-receive hook is executable and runs /usr/sbin/hostnet" "$(ls -l "$hook" 2>&1)"
out=$(in_root bash -c '. /usr/share/bash-completion/completions/hostnet
	COMP_WORDS=(hostnet show a); COMP_CWORD=2; _hostnet; echo "${COMPREPLY[*]}"' 2>&1)
[ "$out" = "adapters addresses" ] && ok "the installed completion completes 'hostnet show a'" ||
	not_ok "the installed completion completes 'hostnet show a'" "$out"

units=$(cd "$root/lib/systemd/system" 2>/dev/null && ls hostnet-*)
want="hostnet-confirm-expire.service hostnet-confirm-expire.timer hostnet-drift.service hostnet-drift.timer hostnet-reconcile.service hostnet-reconcile.timer"
[ "$(echo $units)" = "$want" ] && ok "the units and timers are in /lib/systemd/system" ||
	not_ok "the units and timers are in /lib/systemd/system" "got: $(echo $units)"
bad=$(grep -L '^ExecStart=/usr/sbin/hostnet ' "$root"/lib/systemd/system/hostnet-*.service)
[ -z "$bad" ] && ok "every unit starts /usr/sbin/hostnet" || not_ok "every unit starts /usr/sbin/hostnet" "$bad"
enabled=$(find "$root/etc/systemd" -name 'hostnet*' 2>/dev/null)
[ -z "$enabled" ] && ok "no unit is enabled (no symlink under /etc/systemd)" ||
	not_ok "no unit is enabled (no symlink under /etc/systemd)" "$enabled"

# 6. Purge leaves nothing of the package.
in_root dpkg --purge hostnet >"$T/purge.log" 2>&1
left=$(ls -d "$root"/usr/sbin/hostnet "$root"/usr/share/hostnet "$root"/lib/systemd/system/hostnet-* \
	"$root"/usr/share/bash-completion/completions/hostnet 2>/dev/null)
[ -z "$left" ] && ok "dpkg --purge removes it all" || not_ok "dpkg --purge removes it all" "$left" "$(cat "$T/purge.log")"
echo "# total $(elapsed)"
tap_done
