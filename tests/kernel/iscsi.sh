#!/bin/bash
# iSCSI port binding on a kernel with iscsi_tcp (Debian's, under qemu: make
# check-kernel).  A target (Debian's tgt: tgtd and a small file-backed LUN,
# made with tgtadm) in a peer namespace behind the switch, on the iSCSI
# subnet only; hostnet applies vmk2 tagged iscsi and vmk1 untagged on another
# subnet; open-iscsi's iscsid runs in hostnet's namespace.  A sendtargets
# discovery through hostnet's record hostnet-vmk2 finds the target; one
# through a record bound by hand to vmk1 does not, though the host routes to
# the target: the binding, not the routing table, picks the adapter.
#
# open-iscsi keeps its records and locks in /etc/iscsi and /run, and tgtd
# its control socket's lock in /run: the test runs in a private mount
# namespace with a tmpfs over each, so the host's are never touched.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ns/lib-ns.sh"
. "$(dirname "$0")/lib-kernel.sh"
ns_enter "$@"
for c in iscsiadm iscsid tgtd tgtadm; do
	command -v "$c" >/dev/null || skip_all "$c not found (open-iscsi, tgt)"
done
if [ -z "${HOSTNET_ISCSI_MNTNS:-}" ]; then
	HOSTNET_ISCSI_MNTNS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
make_tmp
kernel_require bridge veth
# The initiator's transport: iscsid would load it too, but a kernel without
# it is a skip, not a failure of the binding.  The kernel's own module
# helper (vm-run points it at the unpacked kernel's modules).
[ -d /sys/module/iscsi_tcp ] || "$(cat /proc/sys/kernel/modprobe)" -q iscsi_tcp 2>/dev/null
[ -d /sys/module/iscsi_tcp ] ||
	skip_all "this kernel lacks iscsi_tcp (make check-kernel runs this test on Debian's kernel)"

mkdir -p "$T/etc"
cp /etc/iscsi/iscsid.conf "$T/etc/" 2>/dev/null
mount -t tmpfs -o mode=755 tmpfs /run || exit 1
mount -t tmpfs -o mode=755 tmpfs /etc/iscsi || exit 1
cp "$T/etc/iscsid.conf" /etc/iscsi/ 2>/dev/null
echo "InitiatorName=iqn.2026-12.test.hostnet:initiator" >/etc/iscsi/initiatorname.iscsi
mkdir -p /etc/iscsi/ifaces /run/lock
export NO_COLOR=1 HOSTNET_STATE=$T/state.db HOSTNET_ISCSI_IFACES_DIR=/etc/iscsi/ifaces \
	HOSTNET_SERVICES_DIR=$T/run

peer_start
tgtd_pid='' iscsid_pid=''
trap 'kill $tgtd_pid $iscsid_pid $PEER 2>/dev/null; rm -rf "$T"' EXIT
ip link add eth1 type veth peer name eth1p
ip link set eth1p netns "$PEER"
P ip addr add 198.51.100.1/24 dev eth1p
P ip link set eth1p up

# The target: tgtd in the peer's namespace (its control socket is an
# abstract one there, so tgtadm runs there too), one 8 MiB LUN.
IQN=iqn.2026-12.test.hostnet:lun0
truncate -s 8M "$T/lun0.img"
P setsid tgtd -f --iscsi portal=198.51.100.1:3260 >"$T/tgtd.log" 2>&1 &
tgtd_pid=$!
for _ in $(seq 50); do P tgtadm --lld iscsi --op show --mode target >/dev/null 2>&1 && break; sleep 0.1; done
P tgtadm --lld iscsi --op new --mode target --tid 1 -T "$IQN" &&
	P tgtadm --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$T/lun0.img" &&
	P tgtadm --lld iscsi --op bind --mode target --tid 1 -I ALL &&
	ok "tgtd in the peer namespace serves $IQN" ||
	not_ok "the target" "$(cat "$T/tgtd.log")"

H=$T/is01.yaml
cat >"$H" <<'EOY'
apiVersion: hostnet/v1
kind: HostProfile
host: is01
uplinks: [{name: eth1}]
switches: [{name: vs0, uplinks: [eth1]}]
portgroups: [{name: Management, switch: vs0}, {name: Other, switch: vs0}, {name: iSCSI, switch: vs0}]
stacks: [{name: default, gateway: {ipv4: 203.0.113.1}}]
adapters:
  - {name: vmk0, portgroup: Management, services: [management], ipv4: [192.0.2.10/24]}
  - {name: vmk1, portgroup: Other, services: [nfs], ipv4: [203.0.113.10/24]}
  - {name: vmk2, portgroup: iSCSI, services: [iscsi], ipv4: [198.51.100.10/24]}
EOY
out=$("$HOSTNET" apply --auto-approve "$H" 2>&1)
[ $? = 0 ] && grep -qx 'iface.net_ifacename = vmk2' /etc/iscsi/ifaces/hostnet-vmk2 &&
	[ ! -e /etc/iscsi/ifaces/hostnet-vmk1 ] &&
	ok "apply writes the record hostnet-vmk2, none for vmk1" ||
	not_ok "apply and the record hostnet-vmk2" "$out" "$(ls -la /etc/iscsi/ifaces)"

# The initiator daemon, in hostnet's namespace (its control socket is an
# abstract one here).
# In its own session: stopping, iscsid -f signals its whole process group
# (kill(0, SIGTERM)), which would otherwise be this test's.
setsid iscsid -f >"$T/iscsid.log" 2>&1 &
iscsid_pid=$!
for _ in $(seq 50); do ss -xl | grep -q ISCSIADM_ABSTRACT_NAMESPACE && break; sleep 0.1; done
ss -xl | grep -q ISCSIADM_ABSTRACT_NAMESPACE && ok "iscsid listens in hostnet's namespace" ||
	not_ok "iscsid" "$(cat "$T/iscsid.log")"

# The untagged adapter's record, made by hand as an administrator would.
out=$(iscsiadm -m iface -I other -o new 2>&1 &&
	iscsiadm -m iface -I other -o update -n iface.net_ifacename -v vmk1 2>&1)
[ $? = 0 ] && grep -qx 'iface.net_ifacename = vmk1' /etc/iscsi/ifaces/other &&
	ok "a record 'other' bound by hand to vmk1" || not_ok "iscsiadm -m iface -I other" "$out"

expect_rc "discovery through hostnet-vmk2 (bound to the iscsi adapter) finds the target" 0 \
	iscsiadm -m discovery -t st -p 198.51.100.1 -I hostnet-vmk2
grep -q "^198\.51\.100\.1:3260,1 $IQN\$" <<<"$LAST" &&
	ok "it lists $IQN at 198.51.100.1:3260" || not_ok "the discovered target" "$LAST"
# (Without -I iscsiadm tries every record, 'other' too: 'default' is the
# unbound one.)
expect_rc "discovery through the unbound record 'default' finds it too (the host routes there)" 0 \
	iscsiadm -m discovery -t st -p 198.51.100.1 -I default
# It must fail for the binding: iscsid up, no complaint about it.
rc=0
LAST=$(iscsiadm -m discovery -t st -p 198.51.100.1 -I other 2>&1) || rc=$?
[ "$rc" != 0 ] && ! grep -q "$IQN" <<<"$LAST" && ! grep -qi "iscsid\|daemon" <<<"$LAST" &&
	ok "discovery through a record bound to the untagged vmk1 fails (rc=$rc)" ||
	not_ok "discovery through vmk1 fails" "rc=$rc" "$LAST"

{ kill "$iscsid_pid" "$tgtd_pid"; wait "$iscsid_pid" "$tgtd_pid"; } 2>/dev/null
iscsid_pid='' tgtd_pid=''
tap_done
