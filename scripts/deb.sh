#!/usr/bin/env bash
# Builds the Debian package with Debian's own helpers: build/deb/coastguard_<version>_amd64.deb
# and its -dbgsym. dpkg-buildpackage writes into the parent directory; the files are moved here.
set -euo pipefail
cd "$(dirname "$0")/.."
# The console's uPlot is embedded into the binary: its npm files must be in place.
scripts/npm-install.sh
# debhelper points HOME at a temporary directory: keep ccache's own cache.
CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache} dpkg-buildpackage -b -us -uc -jauto
rm -rf build/deb
mkdir -p build/deb
version=$(dpkg-parsechangelog -S Version)
for f in "coastguard_${version}_amd64.deb" "coastguard-dbgsym_${version}_amd64.deb" \
  "coastguard_${version}_amd64.buildinfo" "coastguard_${version}_amd64.changes"; do
  mv "../$f" build/deb/
done
ls build/deb/*.deb
