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

# The end-to-end tests leave most of the CPU idle (they wait on daemons and peers): the fuzz
# targets are built and run beside them, at the lowest priority so that they take only what
# the tests leave. Their output is shown when both are done.
stage "fuzz targets (smoke), in the background at nice 19"
fuzz_log=$(mktemp)
# A process group of its own (to stop it whole), in this session: a new session would be a
# scheduling group of its own under autogroup, and nice would count for nothing against the tests.
set -m
nice -n 19 scripts/fuzz.sh smoke >"$fuzz_log" 2>&1 &
fuzz_pid=$!
set +m
trap 'kill -- -$fuzz_pid 2>/dev/null || true; rm -f "$fuzz_log"' EXIT

stage "end-to-end tests (real Dovecot, Postfix, nftables, Chromium; the packaged binary)"
COASTGUARD_BIN="$PWD/build/package/usr/bin/coastguard" \
  /usr/bin/python3 -m pytest tests/e2e -q -p no:cacheprovider

stage "fuzz targets (smoke): results"
fuzz_status=0
wait "$fuzz_pid" || fuzz_status=$?
grep -v '^\[' "$fuzz_log" || true  # the build's progress lines are left out
[ "$fuzz_status" -eq 0 ] || { echo "fuzz smoke failed ($fuzz_status)"; tail -n 80 "$fuzz_log"; exit 1; }

stage "done"
