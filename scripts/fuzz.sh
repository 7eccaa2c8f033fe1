#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each one.
#   scripts/fuzz.sh smoke        a short run of each (part of `make test`)
#   scripts/fuzz.sh long [RUNS] [NAME...]  RUNS executions of each target, or of the named
#                                           ones (default 10 million; NAME as in targets.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-smoke}
runs=${2:-10000000}
shift $(($# > 2 ? 2 : $#))
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzzers
# Every target of tests/fuzz/targets.txt must have been built: a missing one fails the run.
targets=$(cat tests/fuzz/targets.txt)
if [ $# -gt 0 ]; then
  for name in "$@"; do
    grep -qx "$name" tests/fuzz/targets.txt || { echo "$name: not in tests/fuzz/targets.txt" >&2; exit 1; }
  done
  targets="$*"
fi
[ -n "$targets" ] || { echo "tests/fuzz/targets.txt lists no target" >&2; exit 1; }
for name in $targets; do
  target=build/fuzz/tests/fuzz/fuzz_$name
  if [ ! -x "$target" ]; then
    echo "fuzz_$name: not built" >&2
    exit 1
  fi
  name=$(basename "$target")
  corpus="tests/fuzz/corpus/${name#fuzz_}"
  work=$(mktemp -d)
  if [ "$mode" = smoke ]; then
    "$target" -max_total_time=10 -print_final_stats=0 "$work" "$corpus" 2>&1 | tail -n 1
  else
    "$target" -runs="$runs" -print_final_stats=1 "$work" "$corpus" 2>&1 | tail -n 12
  fi
  rm -rf "$work"
  echo "$name: ok"
done
