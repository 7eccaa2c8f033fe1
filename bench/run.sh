#!/usr/bin/env bash
# `make bench`: detection quality on the scenario, replay throughput, HTTP throughput and
# latency against a raw-epoll ceiling under the same load, Dovecot latency under listener
# floods, memory under a flood of distinct keys in every table, and
# startup time with 10 million familiarity entries, the breach corpus, and the log guard's
# parse throughput, and several nodes sharing their state on Redis. Prints figures; asserts
# nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/src/coastguard
out=bench/out
mkdir -p "$out"
seconds=${BENCH_SECONDS:-10}

# The fastest of three replays of a file: its "lines per CPU-second" summary line.
best_of_3() {
  for _ in 1 2 3; do
    "$bin" replay "$1" --config bench/coastguard.toml --decisions /dev/null 2>&1 |
      grep "lines per CPU-second"
  done | sort -t'(' -k2 -n -r | head -n 1
}

echo "=== detection quality (bench/scenario.py: 4,000 accounts, 12 h warm-up, 10 h of attacks)"
if [ ! -s "$out/scenario.jsonl" ] || [ bench/scenario.py -nt "$out/scenario.jsonl" ]; then
  /usr/bin/python3 bench/scenario.py --out "$out/scenario.jsonl"
fi
"$bin" replay "$out/scenario.jsonl" --config bench/coastguard.toml \
  --decisions "$out/decisions.jsonl" --summary-json "$out/summary.json" 2>"$out/replay-summary.txt"
/usr/bin/python3 bench/report.py quality "$out/summary.json"
echo
echo "=== outbound: legit mail, the bulk sender, spam from broken-into accounts"
/usr/bin/python3 bench/report.py mail "$out/summary.json" "$out/scenario.jsonl" \
  "$out/decisions.jsonl" newsletter@example.com

echo
echo "=== forms: 4 days of people, then a day of abuse campaigns (bench/forms_scenario.py)"
scripts/npm-install.sh  # the disposable-domain list the config names
if [ ! -s "$out/forms.jsonl" ] || [ bench/forms_scenario.py -nt "$out/forms.jsonl" ]; then
  /usr/bin/python3 bench/scenario.py --forms --out "$out/forms.jsonl" 2>"$out/forms-gen.txt"
fi
"$bin" replay "$out/forms.jsonl" --config bench/coastguard.toml \
  --decisions "$out/forms-decisions.jsonl" 2>"$out/forms-summary.txt"
attack_start=$(grep -o 'campaigns from ts [0-9]*' "$out/forms-gen.txt" | grep -o '[0-9]*$' ||
  echo 1750345600)
/usr/bin/python3 bench/report.py forms "$out/forms.jsonl" "$out/forms-decisions.jsonl" "$attack_start"
best_of_3 "$out/forms.jsonl" | sed "s/^/form checks, one core: /"

echo
echo "=== independent families (bench/families: written without the detectors; seeds 1-5, worst case)"
SEEDS=${FAMILY_SEEDS:-"1 2 3 4 5"} bench/families/run.sh

echo
echo "=== replay throughput (one thread, JSON parsing included; best of 3)"
if [ ! -s "$out/scenario-auth.jsonl" ] || [ bench/scenario.py -nt "$out/scenario-auth.jsonl" ]; then
  /usr/bin/python3 bench/scenario.py --no-mail --out "$out/scenario-auth.jsonl"
fi
for file in scenario-auth scenario; do
  best_of_3 "$out/$file.jsonl" | sed "s/^/$file: /"
done
echo "target: >= 1,000,000 login events per CPU-second (scenario-auth: logins only)"
bench/instructions.sh "$out/scenario-auth.jsonl"

echo
echo "=== several nodes sharing one Redis (docs/cluster.md): the login scenario split round-robin"
/usr/bin/python3 bench/cluster_replay.py "$bin" "$out/scenario-auth.jsonl" --nodes 1,2,4 --pace 2000
/usr/bin/python3 bench/cluster_replay.py "$bin" "$out/scenario-auth.jsonl" --nodes 2,4 --pace 50000
echo "target: prevented and friction within 0.5 points of the single node"
bench/cluster_http.sh "$seconds"

echo
echo "=== HTTP: Dovecot-shaped allow+report, keep-alive, wrk -t1 -c64 -d${seconds}s on loopback"
port_cg=$((20000 + RANDOM % 10000))
port_ceiling=$((port_cg + 1))
data=$(mktemp -d)
"$bin" serve --listen "127.0.0.1:$port_cg" --data-dir "$data" 2>"$out/serve.log" &
cg_pid=$!
build/release/bench/epoll_ceiling "$port_ceiling" 2>/dev/null &
ceiling_pid=$!
trap 'kill $cg_pid $ceiling_pid 2>/dev/null || true; rm -rf "$data"' EXIT
for port in $port_cg $port_ceiling; do
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.05
  done
done
POLICY_KEY=$(cat "$data/policy_key")
export POLICY_KEY
wrk -t1 -c64 -d"${seconds}s" --latency -s bench/dovecot.lua "http://127.0.0.1:$port_ceiling/" \
  > "$out/wrk-ceiling.txt"
wrk -t1 -c64 -d"${seconds}s" --latency -s bench/dovecot.lua "http://127.0.0.1:$port_cg/" \
  > "$out/wrk-coastguard.txt"
/usr/bin/python3 bench/report.py http "$out/wrk-coastguard.txt" "$out/wrk-ceiling.txt"
kill $cg_pid $ceiling_pid 2>/dev/null || true
wait 2>/dev/null || true

echo
echo "=== Postfix policy: 200 persistent connections, RCPT + END-OF-MESSAGE, ${seconds}s"
bench/policy_peers.sh "$seconds"

echo
echo "=== Dovecot allow latency while the listeners are flooded (the fault suite's (a) and (b))"
/usr/bin/python3 bench/listener_floods.py "$bin" "${FLOOD_REQUESTS:-5000}"

echo
echo "=== memory: a flood of distinct keys in every table (auth, outbound, forms; default budget)"
build/release/bench/bench_flood "${FLOOD_ROUNDS:-6000000}"

echo
echo "=== startup with 10 million familiarity entries"
build/release/bench/bench_state_load "${STATE_ENTRIES:-10000000}"

echo
echo "=== the console's reads on a daemon fed the whole login scenario (bench/console_load.py)"
/usr/bin/python3 bench/console_load.py

echo
echo "=== breach corpus: import, lookups, range API (BREACH_KEYS, default 100 million)"
bench/breach.sh

echo
echo "=== log guard: parse throughput on a 1 M-line Dovecot log and a mixed mail.log, beside fail2ban-regex"
bench/logs.sh
