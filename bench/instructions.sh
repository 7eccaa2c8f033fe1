#!/usr/bin/env bash
# Instructions per replayed line, counted by valgrind's cachegrind: a figure that a busy shared
# machine does not move, where CPU-seconds do (the same binary measured 0.57-0.79 M lines per
# CPU-second here on one day and 1.07 M on another). Startup (config, lists) is taken out by
# replaying an empty file as well. Prints figures; asserts nothing.
#   bench/instructions.sh EVENTS.jsonl [LINES (default 50000)] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
events=$1
lines=${2:-50000}
bin=${3:-build/release/src/coastguard}
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n "$lines" "$events" >"$tmp/lines.jsonl"
: >"$tmp/empty.jsonl"
refs() {  # instructions executed replaying $1
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$bin" replay "$1" --config bench/coastguard.toml --decisions /dev/null 2>&1 |
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
startup=$(refs "$tmp/empty.jsonl")
total=$(refs "$tmp/lines.jsonl")
n=$(wc -l <"$tmp/lines.jsonl")
echo "$(basename "$events"): $(( (total - startup) / n )) instructions per line ($n lines; startup $(( startup / 1000000 )) M)"
