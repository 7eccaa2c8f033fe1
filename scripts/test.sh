#!/usr/bin/env bash
# Everything `make test` runs, in order. Fails on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

stage() { printf '\n=== %s\n' "$*"; }

stage "layering (dependencies point from the edges to the core)"
/usr/bin/python3 scripts/check-layering.py

stage "npm packages (uPlot for the console, ALTCHA widget, playwright-core, altcha-lib, hibp)"
scripts/npm-install.sh

stage "build (release)"
cmake --preset release >/dev/null
cmake --build --preset release

stage "unit tests (release)"
ctest --test-dir build/release --output-on-failure -j"$jobs"

stage "build (ASan + UBSan)"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan --target unit_tests

stage "unit tests (ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs"

stage "fuzz targets (smoke)"
scripts/fuzz.sh smoke

stage "end-to-end tests (real Dovecot, Postfix, Chromium)"
COASTGUARD_BIN="$PWD/build/release/src/coastguard" /usr/bin/python3 -m pytest tests/e2e -q -p no:cacheprovider
