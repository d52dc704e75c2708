#!/bin/sh
# Debian 12 packages needed to build hostnet and run its whole test suite.
set -e
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: run as root (apt-get needs it)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake libtool pkg-config ca-certificates \
	libyaml-dev libnl-3-dev libnl-route-3-dev libsqlite3-dev libgit2-dev \
	libjansson-dev libcmocka-dev \
	clang valgrind iproute2 git sqlite3 util-linux procps systemd man-db \
	udhcpc dnsmasq-base >/dev/null
apt-get install -y -qq --no-install-recommends groff-base >/dev/null  # tests/man.sh
apt-get install -y -qq --no-install-recommends libsystemd-dev python3 >/dev/null  # journal.c, tests/ns/audit.sh
# The install test (bash-completion's loader), the Debian package and its
# test on a fresh root (tests/deb.sh).
apt-get install -y -qq --no-install-recommends bash-completion >/dev/null
# The service firewall (libnftables) and its test (nft, iptables-nft's foreign rule).
apt-get install -y -qq --no-install-recommends libnftables-dev nftables iptables >/dev/null
apt-get install -y -qq --no-install-recommends debhelper dpkg-dev fakeroot lintian debootstrap >/dev/null
# libclang-rt-14-dev: libFuzzer for `make fuzz` (clang only Recommends it);
# python3: the tests' JSON checks and the benchmarks' generators; linux-perf:
# tests/bench/phases.sh, smoke-run by tests/bench-smoke.sh.
apt-get install -y -qq --no-install-recommends libclang-rt-14-dev python3 linux-perf >/dev/null
# open-iscsi: iscsiadm reads back the iface records of tests/ns/iscsi.sh (iSCSI port binding).
apt-get install -y -qq --no-install-recommends open-iscsi >/dev/null
# tgt: the iSCSI target (tgtd, tgtadm) of tests/kernel/iscsi.sh, in its own namespace.
apt-get install -y -qq --no-install-recommends tgt >/dev/null
# udhcpc is the DHCP client hostnet runs for `ipv4: dhcp` adapters; dnsmasq
# (the binary only, no service) is the DHCP server and router advertiser of
# tests/ns/settings.sh, inside its namespace.
# Node.js runs the JSON Schema cross-check (ajv).  Keep an existing install
# (its npm may not coexist with Debian's packages).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
apt-get install -y -qq --no-install-recommends iputils-ping >/dev/null  # tests/ns/adopt.sh, takeover.sh, tests/kernel/: a peer's ping
apt-get install -y -qq --no-install-recommends dbus-daemon dbus-system-bus-common >/dev/null  # tests/ns/networkd.sh: networkctl's bus
# ifupdown2 builds the Proxmox-like host of tests/ns/takeover.sh (in its own
# namespace; the package enables networking.service, which reads only lo from
# the /etc/network/interfaces it creates).
apt-get install -y -qq --no-install-recommends ifupdown2 >/dev/null
# make check-kernel: tools/vm-run.sh boots Debian's kernel under qemu.
apt-get install -y -qq --no-install-recommends qemu-system-x86 busybox-static kmod >/dev/null
