#!/usr/bin/env bash
# Everything `make test` runs, in order. Fails on the first failing stage. The end-to-end tests
# run the binary of the Debian package this run builds: what is tested is what is shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
started=$SECONDS
stage() { printf '\n=== %s (at %d s)\n' "$*" $((SECONDS - started)); }

stage "layering (dependencies point from the edges to the core)"
/usr/bin/python3 scripts/check-layering.py

stage "npm packages (uPlot for the console, ALTCHA widget, playwright-core, altcha-lib, hibp)"
scripts/npm-install.sh

stage "Debian package (the daemon with Debian's hardening flags; lintian runs in the e2e tests)"
scripts/deb.sh
rm -rf build/package
dpkg-deb -x "$(ls build/deb/coastguard_*_amd64.deb)" build/package

stage "build (ASan + UBSan)"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan --target unit_tests

stage "unit tests (ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs"

stage "fuzz targets (smoke)"
scripts/fuzz.sh smoke

stage "end-to-end tests (real Dovecot, Postfix, nftables, Chromium; the packaged binary)"
COASTGUARD_BIN="$PWD/build/package/usr/bin/coastguard" \
  /usr/bin/python3 -m pytest tests/e2e -q -p no:cacheprovider

stage "done"
