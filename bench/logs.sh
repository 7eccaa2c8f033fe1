#!/usr/bin/env bash
# The log guard's parse throughput: `coastguard logs parse` on a 1 M-line Dovecot log and on a
# 1 M-line mixed mail.log, in lines per CPU-second, beside fail2ban-regex with its dovecot
# filter on the same Dovecot file in the same run. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/src/coastguard
out=bench/out
mkdir -p "$out"
lines=${LOG_LINES:-1000000}
for kind in dovecot mixed; do
  [ -s "$out/$kind.log" ] || /usr/bin/python3 bench/log_lines.py --kind "$kind" --lines "$lines" \
    --out "$out/$kind.log"
done

# CPU seconds (user + system) of a command, its output thrown away.
cpu() {
  /usr/bin/time -f "%U %S" "$@" >/dev/null 2>"$out/time.txt" || true
  tail -n 1 "$out/time.txt" | awk '{ print $1 + $2 }'
}

for kind in dovecot mixed; do
  best=""
  for _ in 1 2 3; do
    s=$(cpu "$bin" logs parse "$out/$kind.log")
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
  done
  "$bin" logs parse "$out/$kind.log" 2>&1 >/dev/null | tail -n 1
  awk -v s="$best" -v n="$lines" -v k="$kind" \
    'BEGIN { printf "logs parse %s: %d lines in %.3f CPU-s (best of 3): %.2f M lines per CPU-second\n", k, n, s, n / s / 1e6 }'
done
if command -v fail2ban-regex >/dev/null; then
  f2b=$(cpu fail2ban-regex "$out/dovecot.log" /etc/fail2ban/filter.d/dovecot.conf)
  ours=$(cpu "$bin" logs parse "$out/dovecot.log")
  awk -v f="$f2b" -v o="$ours" -v n="$lines" \
    'BEGIN { printf "fail2ban-regex (dovecot filter), same file: %.1f CPU-s (%.0f lines per CPU-second); coastguard is %.0fx faster\n", f, n / f, f / o }'
else
  echo "fail2ban-regex: not installed (scripts/install-deps.sh installs fail2ban)"
fi
/usr/bin/python3 bench/log_follow.py
