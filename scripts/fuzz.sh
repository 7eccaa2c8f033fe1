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
# One target: its corpus plus mutations, in a directory of its own; prints its last line.
run_one() {
  local target=build/fuzz/tests/fuzz/fuzz_$1 corpus=tests/fuzz/corpus/$1 work status=0
  [ -x "$target" ] || { echo "fuzz_$1: not built" >&2; return 1; }
  local options=(-max_total_time=5 -print_final_stats=0) shown=1
  [ "$mode" = smoke ] || { options=(-runs="$runs" -print_final_stats=1); shown=12; }
  work=$(mktemp -d)
  "$target" "${options[@]}" "$work" "$corpus" >"$work.log" 2>&1 || status=$?
  tail -n "$shown" "$work.log"
  [ $status -eq 0 ] || tail -n 60 "$work.log"
  rm -rf "$work" "$work.log"
  [ $status -eq 0 ] && echo "fuzz_$1: ok" || { echo "fuzz_$1: FAILED ($status)"; return 1; }
}

# Smoke runs go one per core (their output is held until each ends); long runs one at a time.
parallel=1
[ "$mode" = smoke ] && parallel=$(nproc)
failed=0
running=0
for name in $targets; do
  if [ $running -ge $parallel ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run_one "$name" &
  running=$((running + 1))
done
while [ $running -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
exit $failed
