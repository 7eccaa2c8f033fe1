#!/usr/bin/env bash
# The breach guard's figures for `make bench`: a corpus of BREACH_KEYS (default 100 million)
# random SHA-1 hashes in HIBP's format is imported (time and peak RSS), then looked up in the
# exact store and the filter (ns per query, out of the CPU caches; the filter's false-positive
# rate), and the range API is loaded with padded requests for random prefixes.
# The corpus is piped into the import (as from a decompressor), so the disk holds the store
# only: BREACH_KEYS=1000000000 needs about 50 GB free in BREACH_DIR (the store and, until it
# is written, its scratch files).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/src/coastguard
keys=${BREACH_KEYS:-100000000}
seconds=${BENCH_SECONDS:-10}
dir=$(mktemp -d "${BREACH_DIR:-/tmp}/coastguard-breach-bench-XXXXXX")
trap 'kill $cg_pid 2>/dev/null || true; rm -rf "$dir"' EXIT
cg_pid=
known="$dir/known.txt"
# The generator runs on the other core; the import's time and RSS are its own.
build/release/bench/bench_breach corpus "$keys" - "$known" |
  /usr/bin/time -f "import: %e s wall, peak RSS %M KiB" \
    "$bin" breach import --db "$dir/data/breach" - 2>&1 | grep -v "^import: .* from stdin"
build/release/bench/bench_breach query "$dir/data/breach" "$known"
echo "targets: import of 1 B <= 15 min and <= 8 GiB; filter <= 9.1 bits/hash; <= 100 ns/query"

port=$((30000 + RANDOM % 10000))
"$bin" serve --listen "127.0.0.1:$port" --data-dir "$dir/data" 2>"$dir/serve.log" &
cg_pid=$!
for _ in $(seq 200); do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
  sleep 0.05
done
wrk -t1 -c32 -d"${seconds}s" --latency -s bench/range.lua "http://127.0.0.1:$port/" \
  > "$dir/wrk-range.txt"
awk '/Requests\/sec/ {print "range API, Add-Padding (800-1,000 lines per answer), wrk -t1 -c32: " $2 " requests/s"}
     /^ +99%/ {print "  p99 latency " $2}' "$dir/wrk-range.txt"
grep -q "Non-2xx" "$dir/wrk-range.txt" && grep "Non-2xx" "$dir/wrk-range.txt" || true
