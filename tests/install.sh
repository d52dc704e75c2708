#!/bin/bash
# `make install-strip DESTDIR=...` puts every file an operator needs where
# the README's "Installing" section says, the units and the hook name the
# installed binary (also under another prefix given to make), the installed
# binary validates the installed examples, and `make uninstall` removes
# every file again.
. "$(dirname "$0")/lib.sh"
command -v readelf >/dev/null || skip_all "readelf not found (binutils)"
make_tmp
# The sub-makes must not inherit the harness's jobs or its TESTS=.
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -C "$BUILDDIR" -s "$@"; }

# dir VAR [MAKE-ARGS...]: an installation directory as make expands it.
dir() {
	local v=$1
	shift
	printf 'print-dir:\n\t@echo $(%s)\n' "$v" | make -C "$BUILDDIR" -s -f Makefile -f - "$@" print-dir
}

# check_tree ROOT PREFIX-ARGS...: the installed files under ROOT, exactly.
check_tree() {
	local root=$1
	shift
	local sbindir mandir unitdir compdir pkgdatadir docdir
	sbindir=$(dir sbindir "$@") mandir=$(dir mandir "$@") unitdir=$(dir systemdsystemunitdir "$@")
	compdir=$(dir bashcompletiondir "$@") pkgdatadir=$(dir pkgdatadir "$@") docdir=$(dir docdir "$@")
	local want=(
		"$sbindir/hostnet"
		"$mandir/man8/hostnet.8"
		"$unitdir/hostnet-drift.service" "$unitdir/hostnet-drift.timer"
		"$unitdir/hostnet-reconcile.service" "$unitdir/hostnet-reconcile.timer"
		"$unitdir/hostnet-confirm-expire.service" "$unitdir/hostnet-confirm-expire.timer"
		"$compdir/hostnet"
		"$pkgdatadir/examples/hooks/pre-receive"
		"$pkgdatadir/examples/ci/github-actions.yml" "$pkgdatadir/examples/ci/gitlab-ci.yml"
		"$pkgdatadir/examples/profiles/common/site-a.yaml"
		"$pkgdatadir"/examples/profiles/hosts/esx0{1,2,3,4,5}.yaml
		"$pkgdatadir/examples/networkd.conf.d/hostnet.conf"
		"$pkgdatadir"/examples/services/{libvirt-migration.conf,libvirt-qemu-conf.sh}
		"$pkgdatadir"/examples/services/{migrate-to.sh,sshd-listen-management.conf}
		"$pkgdatadir/schema/host-profile.schema.json" "$pkgdatadir/schema/README.md"
		"$docdir/README.md"
	)
	local got missing extra
	got=$(cd "$root" && find . -type f -o -type l | sed 's|^\.||' | sort)
	missing=$(comm -23 <(printf '%s\n' "${want[@]}" | sort) <(echo "$got"))
	extra=$(comm -13 <(printf '%s\n' "${want[@]}" | sort) <(echo "$got"))
	[ -z "$missing" ] && [ -z "$extra" ] && ok "the ${#want[@]} files are installed, and nothing else (sbindir $sbindir)" ||
		not_ok "the ${#want[@]} files are installed, and nothing else (sbindir $sbindir)" "missing: $missing" "unexpected: $extra"

	local bad=
	for u in "$root$unitdir"/*.service; do
		grep -q "^ExecStart=$sbindir/hostnet " "$u" || bad="$bad $(basename "$u")"
	done
	[ -z "$bad" ] && ok "every unit starts $sbindir/hostnet" ||
		not_ok "every unit starts $sbindir/hostnet" "not:$bad" "$(grep -h ExecStart= "$root$unitdir"/*.service)"
	local hook=$root$pkgdatadir/examples/hooks/pre-receive
	[ -x "$hook" ] && grep -q "^HOSTNET=\${HOSTNET:-$sbindir/hostnet}$" "$hook" && ! grep -q '@[a-z]*@' "$hook" &&
		ok "the hook is executable and runs $sbindir/hostnet" ||
		not_ok "the hook is executable and runs $sbindir/hostnet" "$(ls -l "$hook"; grep -n 'HOSTNET=\|@' "$hook")"
	SBIN=$root$sbindir PKGDATA=$root$pkgdatadir
}

# 1. The configured prefix, stripped.
mk install-strip DESTDIR="$T/root" >"$T/install.log" 2>&1 ||
	{ not_ok "make install-strip DESTDIR=..." "$(cat "$T/install.log")"; tap_done; exit 1; }
ok "make install-strip DESTDIR=..."
check_tree "$T/root"
readelf -S "$SBIN/hostnet" | grep -q '\.symtab' && not_ok "install-strip strips the binary" ||
	ok "install-strip strips the binary"
out=$("$SBIN/hostnet" validate "$PKGDATA"/examples/profiles/hosts/*.yaml 2>&1)
[ $? = 0 ] && ok "the installed binary validates the installed example profiles" ||
	not_ok "the installed binary validates the installed example profiles" "$out"
schema=$(sed -n 's/^# yaml-language-server: \$schema=//p' "$PKGDATA/examples/profiles/hosts/esx01.yaml")
[ -f "$PKGDATA/examples/profiles/hosts/$schema" ] && ok "the profiles' \$schema path reaches the installed schema" ||
	not_ok "the profiles' \$schema path reaches the installed schema" "$schema"

mk uninstall DESTDIR="$T/root" >"$T/uninstall.log" 2>&1
left=$(find "$T/root" -type f -o -type l)
[ -z "$left" ] && ok "make uninstall DESTDIR=... leaves no file" || not_ok "make uninstall DESTDIR=... leaves no file" "$left"

# 2. Another prefix given to make: the units follow it.  Afterwards the
# build tree's copies go back to the configured prefix.
p=/opt/hostnet-test
mk install prefix=$p DESTDIR="$T/root2" >"$T/install2.log" 2>&1 ||
	not_ok "make install prefix=$p DESTDIR=..." "$(cat "$T/install2.log")"
check_tree "$T/root2" prefix=$p
mk uninstall prefix=$p DESTDIR="$T/root2" >/dev/null 2>&1
mk all >/dev/null 2>&1
sbindir=$(dir sbindir)
grep -q "^ExecStart=$sbindir/hostnet " "$BUILDDIR/examples/systemd/hostnet-drift.service" &&
	ok "make without prefix= regenerates the units for $sbindir" ||
	not_ok "make without prefix= regenerates the units for $sbindir" "$(grep ExecStart "$BUILDDIR/examples/systemd/hostnet-drift.service")"
tap_done
