#!/usr/bin/env bash
# Independent scenario families: generate (seeds 1..4 unless SEEDS is set), replay with
# bench/coastguard.toml, score, print one line per (family, seed) and the worst case.
#   SEEDS="1 2 3 4 5" FAMILIES="mobile_isp forms_fresh" bench/families/run.sh
# Prints figures; asserts nothing. Needs build/release/src/coastguard (not built here).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$0")/../.."
bin=build/release/src/coastguard
out=bench/out/families
py=/usr/bin/python3
fam_dir=bench/families
mkdir -p "$out"
families=${FAMILIES:-"mobile_isp university small_business fresh_install forms_fresh forms_adversary"}
seeds=${SEEDS:-"1 2 3 4"}
[ -x "$bin" ] || { echo "missing $bin (build it first)" >&2; exit 1; }

stale() {  # $1 events file, $2 generator: regenerate when missing or older than its code
  [ -s "$1" ] || return 0
  for src in "$2" "$fam_dir/common.py" "$fam_dir/attacks.py" "$fam_dir/mix.py"; do
    [ "$src" -nt "$1" ] && return 0
  done
  return 1
}

start=$(date +%s)
scores=()
"$py" "$fam_dir/score.py" --legend
for fam in $families; do
  gen=$fam_dir/$fam.py
  for seed in $seeds; do
    base=$out/$fam-$seed
    if stale "$base.jsonl" "$gen"; then
      "$py" "$gen" --seed "$seed" --out "$base.jsonl" 2>"$base.gen.txt"
    fi
    "$bin" replay "$base.jsonl" --config bench/coastguard.toml --decisions "$base.decisions.jsonl" \
      --summary-json "$base.summary.json" --holds "$base.holds.jsonl" 2>"$base.replay.txt"
    bad=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("bad_lines", "?"))' \
      "$base.summary.json")
    [ "$bad" = "0" ] || echo "WARNING: $fam/$seed: $bad bad lines (see $base.replay.txt)"
    "$py" "$fam_dir/score.py" "$base.jsonl" "$base.decisions.jsonl" --json --name "$fam/$seed" \
      >"$base.score.json"
    "$py" "$fam_dir/score.py" "$base.jsonl" "$base.decisions.jsonl" >"$base.table.txt"
    "$py" "$fam_dir/score.py" --line "$base.score.json"
    scores+=("$base.score.json")
  done
done
echo
"$py" "$fam_dir/score.py" --worst "${scores[@]}"
echo "(tables per run: $out/<family>-<seed>.table.txt; $(( $(date +%s) - start )) s)"
