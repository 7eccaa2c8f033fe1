#!/usr/bin/env bash
# Instructions per replayed line, counted by valgrind's cachegrind: a figure that a busy shared
# machine does not move, where CPU-seconds do (the same binary measured 0.57-0.79 M lines per
# CPU-second here on one day and 1.07 M on another). Startup (config, lists) is taken out by
# replaying an empty file as well. Prints figures; asserts nothing; without valgrind it says
# so and skips.
#   bench/instructions.sh EVENTS.jsonl [LINES (default 50000)] [BINARY]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/instructions.sh EVENTS.jsonl [LINES] [BINARY]" >&2; exit 2; }
events=$(realpath "$1")
lines=${2:-50000}
bin=$(realpath "${3:-build/release/src/coastguard}")
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null; then
  echo "instructions per line: skipped (valgrind is not installed)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n "$lines" "$events" >"$tmp/lines.jsonl"
: >"$tmp/empty.jsonl"
n=$(wc -l <"$tmp/lines.jsonl")
[ "$n" -gt 0 ] || { echo "instructions.sh: $events has no lines" >&2; exit 1; }
refs() {  # instructions executed replaying $1; the replay's own messages if it fails
  if ! valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$bin" replay "$1" --config bench/coastguard.toml --decisions /dev/null 2>"$tmp/log"; then
    cat "$tmp/log" >&2
    return 1
  fi
  sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$tmp/log" | tr -d ,
}
startup=$(refs "$tmp/empty.jsonl")
total=$(refs "$tmp/lines.jsonl")
for count in "$startup" "$total"; do
  case "$count" in
    '' | *[!0-9]*) echo "instructions.sh: no instruction count in valgrind's output" >&2; exit 1 ;;
  esac
done
echo "$(basename "$events"): $(( (total - startup) / n )) instructions per line ($n lines; startup $(( startup / 1000000 )) M)"
