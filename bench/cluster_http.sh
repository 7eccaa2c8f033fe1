#!/usr/bin/env bash
# HTTP allow+report throughput per node, two nodes with their state shared on one Redis against
# the same two nodes alone, in the same run and under the same load (each node its own wrk
# -t1 -c32, Dovecot-shaped: bench/dovecot.lua), then Redis commands and bytes per request and
# Redis memory per block. Prints figures; asserts nothing. Needs redis-server, wrk.
#   bench/cluster_http.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/src/coastguard
seconds=${1:-10}
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return; sleep 0.05; done; }
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  >/dev/null 2>&1 &
pids+=($!)
wait_port "$redis_port"
rcli() { redis-cli -p "$redis_port" "$@"; }
stat_of() { rcli INFO "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k {print $2}'; }

# Two nodes, with or without [shared]; their ports in $pair (not printed: a command
# substitution's subshell would keep the pids from the cleanup).
start_pair() {
  local mode=$1
  pair=()
  for k in 0 1; do
    local dir=$work/$mode-$k port
    port=$(free_port)
    mkdir -p "$dir"
    printf '[postfix]\nlisten = ""\n' >"$dir/coastguard.toml"
    if [ "$mode" = shared ]; then
      printf '[shared]\nredis = "redis://127.0.0.1:%s/0"\nnode = "n%s"\n' "$redis_port" "$k" \
        >>"$dir/coastguard.toml"
    fi
    "$bin" serve --listen "127.0.0.1:$port" --data-dir "$dir" --config "$dir/coastguard.toml" \
      >"$dir/log" 2>&1 &
    pids+=($!)
    wait_port "$port"
    pair+=("$port")
  done
}

# Both nodes under load at once; prints the requests per second of each.
load_pair() {
  local outs=() loads=()
  for port in "$@"; do
    local dir
    dir=$(dirname "$(grep -l "127.0.0.1:$port" "$work"/*/log | head -n1)")
    POLICY_KEY=$(cat "$dir/policy_key") wrk -t1 -c32 -d"${seconds}s" -s bench/dovecot.lua \
      "http://127.0.0.1:$port/" >"$dir/wrk.txt" &
    loads+=($!)
    outs+=("$dir/wrk.txt")
  done
  wait "${loads[@]}"
  for out in "${outs[@]}"; do awk '/Requests\/sec/ {print $2}' "$out"; done
}

start_pair alone
a0=${pair[0]} a1=${pair[1]}
start_pair shared
s0=${pair[0]} s1=${pair[1]}
for _ in $(seq 100); do
  [ "$(metric "$s0" coastguard_shared_joined)" = 1 ] && [ "$(metric "$s1" coastguard_shared_joined)" = 1 ] && break
  sleep 0.1
done
mapfile -t alone < <(load_pair "$a0" "$a1")
commands0=$(stat_of stats total_commands_processed)
bytes0=$(stat_of stats total_net_input_bytes)
mapfile -t shared < <(load_pair "$s0" "$s1")
echo "records each shared node applied from the other: $(metric "$s0" coastguard_shared_received_records_total)," \
  "$(metric "$s1" coastguard_shared_received_records_total)"
commands1=$(stat_of stats total_commands_processed)
bytes1=$(stat_of stats total_net_input_bytes)
requests=$(/usr/bin/python3 -c "print(round((${shared[0]} + ${shared[1]}) * $seconds))")
/usr/bin/python3 - "$seconds" "${alone[@]}" "${shared[@]}" "$commands0" "$commands1" "$bytes0" "$bytes1" "$requests" <<'PY'
import sys
seconds = float(sys.argv[1])
a0, a1, s0, s1 = map(float, sys.argv[2:6])
c0, c1, b0, b1, requests = map(float, sys.argv[6:11])
print(f"two nodes under load at once, wrk -t1 -c32 -d{seconds:.0f}s each (allow+report):")
print(f"  alone:            {a0:9,.0f} + {a1:9,.0f} requests/s")
print(f"  sharing on Redis: {s0:9,.0f} + {s1:9,.0f} requests/s")
print(f"  ratio per node, shared / alone: {s0 / a0:.2f}, {s1 / a1:.2f} (target >= 0.5)")
print(f"  Redis: {(c1 - c0) / requests:.4f} commands and {(b1 - b0) / requests:.1f} bytes in per request")
PY

# Redis memory per block in force: 10,000 operator blocks on one node.
token=$(cat "$work/shared-0/admin_token")
used0=$(stat_of memory used_memory)
/usr/bin/python3 - "$s0" "$token" <<'PY'
import http.client, json, sys
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for n in range(10000):
    body = json.dumps({"ip": f"10.{200 + n // 65536}.{n // 256 % 256}.{n % 256}", "ttl_seconds": 3600})
    conn.request("POST", "/v1/blocks", body, {"Authorization": "Bearer " + sys.argv[2],
                                               "Content-Type": "application/json"})
    conn.getresponse().read()
PY
for _ in $(seq 100); do
  [ "$(rcli --scan --pattern 'cg:{blocks}:*' | wc -l)" -ge 10000 ] && break
  sleep 0.1
done
used1=$(stat_of memory used_memory)
echo "Redis memory per block in force: $(( (used1 - used0) / 10000 )) bytes (10,000 blocks)"
