#!/bin/sh
# migrate-to.sh DOMAIN DEST-HOST [PROFILES-REPO]: live-migrates DOMAIN to
# DEST-HOST over both hosts' vMotion adapters.  The destination's vMotion
# address comes from its profile in git (no need to log in there), this
# host's from what hostnet last applied here.
set -eu
dom=$1 dest=$2 repo=${3:-/srv/git/profiles.git}
addr=$(hostnet show services --json --repo "$repo" --host "$dest" |
	python3 -c 'import json,sys
s=[x for x in json.load(sys.stdin) if x["service"] == "vmotion" and x["address4"]]
print(s[0]["address4"].split("/")[0] if s else "")')
[ -n "$addr" ] || { echo "migrate-to: $dest has no vMotion adapter with an IPv4 address" >&2; exit 1; }
. /run/hostnet/services/vmotion.env
[ -n "$HOSTNET_ADDRESS4" ] || { echo "migrate-to: this host has no vMotion IPv4 address" >&2; exit 1; }
# The control connection goes over ssh to the host; the memory stream to
# the destination's vMotion address, where it listens for it.
exec virsh migrate --live --persistent --verbose "$dom" "qemu+ssh://$dest/system" \
	"tcp://$addr" --listen-address "$addr"
