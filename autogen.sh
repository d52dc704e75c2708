#!/bin/sh
# Regenerate the build system.  With --deps, first install the Debian build
# and test dependencies (needs root), so a fresh Debian 12 needs nothing else.
set -e
cd "$(dirname "$0")"
if [ "$1" = "--deps" ]; then
	./tools/install-deps.sh
	shift
fi
mkdir -p m4
autoreconf --install --force
