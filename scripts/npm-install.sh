#!/usr/bin/env bash
# Installs the npm packages pinned by the lock files: uPlot for the console (embedded into the
# binary at build time), the ALTCHA widget for the contact-form demo, and playwright-core,
# altcha-lib and hibp (a real HIBP client) for the end-to-end tests. Skips what is in place.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in console examples/contact-form tests/browser; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
