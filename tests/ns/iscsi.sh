#!/bin/bash
# iSCSI port binding: an open-iscsi iface record hostnet-<adapter> for each
# adapter tagged iscsi, planned with its profile line, applied, read back by
# Debian's iscsiadm (in a private mount namespace, /etc/iscsi/ifaces bound to
# the test's directory), drift-checked (edited or removed by hand), removed
# when the tag goes, restored by a rollback; other records are never touched.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
ns_enter "$@"
command -v iscsiadm >/dev/null || skip_all "iscsiadm (open-iscsi) not found"
make_tmp
export NO_COLOR=1 HOSTNET_STATE=$T/state.db HOSTNET_ISCSI_IFACES_DIR=$T/ifaces \
	HOSTNET_SERVICES_DIR=$T/run
ip link add eth1 type veth peer name eth1p
ip link set eth1p up

profile() {  # profile SERVICES-OF-VMK2
	cat <<EOY
apiVersion: hostnet/v1
kind: HostProfile
host: st01
uplinks: [{name: eth1}]
switches: [{name: vs0, uplinks: [eth1]}]
portgroups: [{name: Management, switch: vs0}, {name: iSCSI, switch: vs0}]
stacks: [{name: default, gateway: {ipv4: 192.0.2.1}}]
adapters:
  - {name: vmk0, portgroup: Management, services: [management], ipv4: [192.0.2.10/24]}
  - {name: vmk2, portgroup: iSCSI, services: $1, ipv4: [198.51.100.10/24]}
  - {name: vmk3, portgroup: iSCSI, services: [nfs], ipv4: [198.51.100.11/24]}
EOY
}
P=$T/st01.yaml
profile "[iscsi]" >"$P"
mkdir -p "$T/ifaces"
# A record of the administrator's: never read, changed or removed.
printf '# BEGIN RECORD 2.1.8\niface.iscsi_ifacename = iface0\niface.transport_name = tcp\n# END RECORD\n' \
	>"$T/ifaces/iface0"
cp "$T/ifaces/iface0" "$T/iface0.orig"
R=$T/ifaces/hostnet-vmk2

out=$("$HOSTNET" plan "$P" 2>&1)
grep -qE '^  \+ iscsi-iface hostnet-vmk2  # .*st01.yaml:[0-9]+:' <<<"$out" &&
	! grep -q 'hostnet-vmk3' <<<"$out" &&
	ok "the plan creates the record of the iscsi adapter, with its profile line" ||
	not_ok "the plan creates the record of the iscsi adapter, with its profile line" "$out"

out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
[ $? = 0 ] && [ -f "$R" ] && [ ! -e "$T/ifaces/hostnet-vmk3" ] &&
	ok "apply writes hostnet-vmk2 and no record for the untagged vmk3" ||
	not_ok "apply writes hostnet-vmk2 and no record for the untagged vmk3" "$out" "$(ls -la "$T/ifaces")"
grep -qx 'iface.transport_name = tcp' "$R" && grep -qx 'iface.net_ifacename = vmk2' "$R" &&
	grep -qx 'iface.iscsi_ifacename = hostnet-vmk2' "$R" &&
	[ "$(stat -c %a "$R")" = 600 ] &&
	ok "the record binds the tcp transport to vmk2 (mode 0600, as iscsiadm writes)" ||
	not_ok "the record binds the tcp transport to vmk2" "$(cat "$R")"

# iscsiadm reads only /etc/iscsi: a private mount namespace shows it ours.
readback=$(unshare --mount --propagation private bash -c '
	mount -t tmpfs none /etc/iscsi && mkdir /etc/iscsi/ifaces &&
	mount --bind "$1" /etc/iscsi/ifaces && iscsiadm -m iface -I hostnet-vmk2' _ "$T/ifaces" 2>&1)
grep -qx 'iface.net_ifacename = vmk2' <<<"$readback" &&
	grep -qx 'iface.transport_name = tcp' <<<"$readback" &&
	grep -qx 'iface.iscsi_ifacename = hostnet-vmk2' <<<"$readback" &&
	ok "iscsiadm -m iface -I hostnet-vmk2 reads the record back" ||
	not_ok "iscsiadm -m iface -I hostnet-vmk2 reads the record back" "$readback"

out=$("$HOSTNET" plan "$P" 2>&1)
grep -q '^No changes' <<<"$out" && ok "a second plan finds nothing to do" ||
	not_ok "a second plan finds nothing to do" "$out"

# Drift: edited by hand, then removed by hand; apply heals both.
sed -i 's/net_ifacename = vmk2/net_ifacename = vmk3/' "$R"
out=$("$HOSTNET" drift --exit-code 2>&1)
rc=$?
[ $rc = 2 ] && grep -q 'iscsi-iface hostnet-vmk2' <<<"$out" &&
	ok "a record edited by hand is drift (exit 2)" || not_ok "a record edited by hand is drift (exit 2)" "rc=$rc" "$out"
out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
grep -q '~ iscsi-iface hostnet-vmk2' <<<"$out" && grep -qx 'iface.net_ifacename = vmk2' "$R" &&
	ok "apply rewrites the edited record" || not_ok "apply rewrites the edited record" "$out" "$(cat "$R")"
rm "$R"
out=$("$HOSTNET" drift --exit-code 2>&1)
rc=$?
[ $rc = 2 ] && grep -q 'iscsi-iface hostnet-vmk2' <<<"$out" &&
	ok "a record removed by hand is drift (exit 2)" || not_ok "a record removed by hand is drift (exit 2)" "rc=$rc" "$out"
"$HOSTNET" apply --auto-approve "$P" >/dev/null 2>&1 && [ -f "$R" ] &&
	ok "apply writes it again" || not_ok "apply writes it again" "$(ls -la "$T/ifaces")"
cp "$R" "$T/record.applied"

# The tag goes, but the apply fails (no gateway answers the connectivity
# check): the rollback brings the record back as it was.
profile "[nfs]" >"$P"
out=$("$HOSTNET" plan "$P" 2>&1)
grep -qE '^  - iscsi-iface hostnet-vmk2  # no longer in the profile' <<<"$out" &&
	grep -q 'disturbs: iscsi' <<<"$out" &&
	ok "the plan removes the record when the tag goes, and says it disturbs iscsi" ||
	not_ok "the plan removes the record when the tag goes, and says it disturbs iscsi" "$out"
out=$("$HOSTNET" apply --auto-approve --connectivity-check "$P" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q 'rolled back' <<<"$out" && cmp -s "$R" "$T/record.applied" &&
	ok "a failed apply restores the removed record exactly" ||
	not_ok "a failed apply restores the removed record exactly" "rc=$rc" "$out" "$(ls -la "$T/ifaces")"
out=$("$HOSTNET" apply --auto-approve "$P" 2>&1)
[ $? = 0 ] && [ ! -e "$R" ] && ok "apply removes the record when the tag goes" ||
	not_ok "apply removes the record when the tag goes" "$out" "$(ls -la "$T/ifaces")"
cmp -s "$T/ifaces/iface0" "$T/iface0.orig" && [ "$(ls -A "$T/ifaces")" = iface0 ] &&
	ok "the administrator's record survives every apply and nothing else is left" ||
	not_ok "the administrator's record survives every apply and nothing else is left" "$(ls -la "$T/ifaces")"

# Turned off: records are neither read nor written.
profile "[iscsi]" >"$P"
out=$(HOSTNET_ISCSI_IFACES_DIR=off "$HOSTNET" plan "$P" 2>&1)
! grep -q 'iscsi-iface' <<<"$out" && ok "HOSTNET_ISCSI_IFACES_DIR=off leaves records alone" ||
	not_ok "HOSTNET_ISCSI_IFACES_DIR=off leaves records alone" "$out"
tap_done
