#!/bin/sh
# libvirt-qemu-conf.sh: sets qemu.conf's migration_address and
# migration_host to the vMotion adapter's IPv4 address, from the
# environment of /run/hostnet/services/vmotion.env (EnvironmentFile= of
# libvirt-migration.conf).  The rest of qemu.conf is left as it is.
set -eu
conf=${QEMU_CONF:-/etc/libvirt/qemu.conf}
addr=${HOSTNET_ADDRESS4:?no vMotion IPv4 address in /run/hostnet/services/vmotion.env}
tmp=$(mktemp "$conf.XXXXXX")
grep -v -e '^migration_address *=' -e '^migration_host *=' "$conf" >"$tmp" || true
printf 'migration_address = "%s"\nmigration_host = "%s"\n' "$addr" "$addr" >>"$tmp"
chmod --reference="$conf" "$tmp"
mv "$tmp" "$conf"
