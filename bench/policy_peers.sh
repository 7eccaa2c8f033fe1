#!/usr/bin/env bash
# Postfix policy throughput under the same load (bench_postfix_load: 200 persistent
# connections, RCPT and END-OF-MESSAGE for 20,000 accounts): coastguard, then
# policyd-rate-limit and postfwd (Debian packages) configured for comparable per-user limits
# (500 recipients an hour, 2,000 a day, keyed by sasl_username). Prints figures and ratios.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
load=build/release/bench/bench_postfix_load
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

wait_port() {
  for _ in $(seq 200); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run() {  # name port
  local result
  result=$("$load" "$2" 200 "$seconds" 2>&1 | tail -n 1)
  echo "$1: $result"
  echo "$result" | sed -n 's/.*: \([0-9]*\) requests\/s.*/\1/p' > "$work/$1.rate"
}

port=$(free_port)
printf '[postfix]\nlisten = "127.0.0.1:%s"\n' "$port" > "$work/coastguard.toml"
build/release/src/coastguard serve --listen "127.0.0.1:$(free_port)" --data-dir "$work/cg" \
  --config "$work/coastguard.toml" 2>"$work/coastguard.log" &
pids+=($!)
wait_port "$port" && run coastguard "$port"

if command -v policyd-rate-limit >/dev/null; then
  port=$(free_port)
  mkdir -p "$work/prl" && chown policyd-rate-limit "$work/prl" 2>/dev/null
  cat > "$work/prl.yaml" <<YAML
debug: False
user: "policyd-rate-limit"
group: "policyd-rate-limit"
pidfile: "$work/prl/pid"
backend: 0
sqlite_config:
    database: "$work/prl/db.sqlite3"
SOCKET: ["127.0.0.1", $port]
limits:
    - [500, 3600]
    - [2000, 86400]
limits_by_id: {}
limit_by_sasl: True
limit_by_sender: False
limit_by_ip: False
limited_networks: []
success_action: "dunno"
fail_action: "defer_if_permit Rate limit reach, retry later"
db_error_action: "dunno"
report: False
delay_to_close: 300
YAML
  policyd-rate-limit --file "$work/prl.yaml" >"$work/prl.log" 2>&1 &
  pids+=($!)
  wait_port "$port" && run policyd-rate-limit "$port" || echo "policyd-rate-limit: did not start"
fi

if command -v postfwd1 >/dev/null; then
  port=$(free_port)
  cat > "$work/postfwd.cf" <<'RULES'
id=RCPT_HOUR; protocol_state==RCPT; action=rcpt(sasl_username/500/3600/DEFER_IF_PERMIT 4.7.1 rate limit)
id=RCPT_DAY; protocol_state==RCPT; action=rcpt(sasl_username/2000/86400/DEFER_IF_PERMIT 4.7.1 rate limit)
RULES
  # Without --daemon postfwd reads requests from standard input; with it, it forks away and
  # is stopped through its pid file.
  postfwd1 --daemon --file "$work/postfwd.cf" --interface 127.0.0.1 --port "$port" \
    --user nobody --group nogroup --pidfile "$work/postfwd.pid" --nodns --norulelog \
    --noidlestats >"$work/postfwd.log" 2>&1
  wait_port "$port" && run postfwd "$port" || echo "postfwd: did not start"
  [ -s "$work/postfwd.pid" ] && kill "$(cat "$work/postfwd.pid")" 2>/dev/null
fi

cg=$(cat "$work/coastguard.rate" 2>/dev/null || echo 0)
for peer in policyd-rate-limit postfwd; do
  rate=$(cat "$work/$peer.rate" 2>/dev/null || echo 0)
  if [ "${rate:-0}" -gt 0 ]; then
    echo "coastguard / $peer = $((cg / rate))x"
  fi
done
echo "target: coastguard >= 50,000 requests/s"
