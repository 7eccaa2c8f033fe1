#!/usr/bin/env bash
# Installs the Debian packages a target needs, only if missing, non-interactively, so that
# `make run` and `make test` work unattended on a fresh Debian 12 machine.
#   scripts/install-deps.sh [build|deb|test|bench]   (default: build; each includes the one before)
set -euo pipefail
profile=${1:-build}

build=(
  cmake ninja-build g++ ccache pkg-config
  libabsl-dev libsimdjson-dev nlohmann-json3-dev libtomlplusplus-dev libxxhash-dev
  libmicrohttpd-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libpsl-dev publicsuffix libicu-dev libnftables-dev libsystemd-dev libcurl4-openssl-dev
  libhiredis-dev
  # data: the common-password list of the breach guard (/usr/share/john/password.lst)
  john-data
)
deb=(
  # the Debian package (make deb) and its check
  debhelper dpkg-dev fakeroot lintian
)
test=(
  # the sanitizer runtime for the fuzz targets (clang's libFuzzer)
  clang libclang-rt-14-dev
  # end-to-end peers and clients (chromium for the console and the form demo, driven by
  # playwright-core)
  dovecot-imapd dovecot-pop3d dovecot-auth-lua postfix python3 python3-pytest chromium
  # the log guard's firewall test: nft in a network namespace the test creates
  nftables iproute2
  # ...and its journal test: journal files written by systemd-journal-remote (no journald needed)
  systemd-journal-remote
  # shared state: several nodes on one real Redis, Sentinel and Cluster
  redis-server redis-sentinel
  # contrib/'s alert rules are checked and unit-tested with promtool
  prometheus
)
bench=(
  # wrk, and the policy servers coastguard is compared with
  wrk policyd-rate-limit postfwd fail2ban
  # instructions per replayed line (bench/instructions.sh), steady on a busy machine
  valgrind
  # data: the link shorteners the form guard reads (/usr/share/spamassassin/25_url_shortener.cf)
  spamassassin
)
case "$profile" in
  build) packages=("${build[@]}") ;;
  deb) packages=("${build[@]}" "${deb[@]}") ;;
  test) packages=("${build[@]}" "${deb[@]}" "${test[@]}") ;;
  bench) packages=("${build[@]}" "${deb[@]}" "${test[@]}" "${bench[@]}") ;;
  *) echo "install-deps.sh: unknown profile '$profile' (build, deb, test or bench)" >&2; exit 2 ;;
esac

# Node.js and npm fetch the browser-side packages (the ALTCHA widget, playwright-core). Many
# machines carry their own Node.js; Debian's is installed only when there is none.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}"
# Postfix asks a debconf question on install; answer it so the install never blocks.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
