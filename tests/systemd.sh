#!/bin/bash
# The example units pass systemd-analyze verify (with the built binary in
# place of @sbindir@/hostnet, and the man page configure generated).
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze not found"
command -v man >/dev/null || skip_all "man not found (systemd-analyze checks Documentation=)"
make_tmp
for f in "$SRCDIR"/examples/systemd/*.in "$SRCDIR"/examples/systemd/*.timer; do
	sed "s|@sbindir@/hostnet|$HOSTNET|" "$f" >"$T/$(basename "$f" .in)"
done
cd "$T" || exit 1
for u in *.service *.timer; do
	out=$(MANPATH=$BUILDDIR/man systemd-analyze verify "$u" 2>&1)
	[ $? = 0 ] && [ -z "$out" ] && ok "$u passes systemd-analyze verify" || not_ok "$u passes systemd-analyze verify" "$out"
done
for u in hostnet-drift.service hostnet-reconcile.service; do
	grep -q "^ProtectSystem=strict$" "$u" && grep -q "^CapabilityBoundingSet=CAP_NET_ADMIN" "$u" &&
		grep -q "^ReadWritePaths=/var/lib/hostnet" "$u" &&
		ok "$u is hardened (ProtectSystem=strict, capabilities bounded, state dir writable)" ||
		not_ok "$u is hardened"
done
# Exactly the capabilities each needs (issue 12, item 4; tests/ns/privilege.sh
# runs the commands with no more): no CAP_SYS_ADMIN anywhere.
for u in hostnet-drift.service:CAP_NET_ADMIN hostnet-confirm-expire.service:CAP_NET_ADMIN \
	"hostnet-reconcile.service:CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE"; do
	got=$(grep "^CapabilityBoundingSet=" "${u%%:*}")
	[ "$got" = "CapabilityBoundingSet=${u#*:}" ] && grep -qx "AmbientCapabilities=" "${u%%:*}" &&
		ok "${u%%:*} is bounded to ${u#*:}" || not_ok "${u%%:*} is bounded to ${u#*:}" "$got"
done
grep -q -- "drift --exit-code --metrics /var/lib/node_exporter/textfile/hostnet.prom" hostnet-drift.service &&
	ok "the drift unit writes the node_exporter textfile" || not_ok "the drift unit writes the node_exporter textfile"
tap_done
