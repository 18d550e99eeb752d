#!/usr/bin/env bash
# Installs what harmlens needs from Debian 12's own packages, and nothing else.
#   scripts/setup.sh          build and test dependencies
#   scripts/setup.sh --bench  also the peers the benchmarks compare against
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libsqlite3-dev sqlite3 libsodium-dev nlohmann-json3-dev libcli11-dev
  libssl-dev    # SHA-256 of every loaded file (OpenSSL's libcrypto)
  libgtest-dev libgmock-dev libbenchmark-dev
  libproj-dev   # WGS84 <-> British National Grid for the spatial layer
  clang libclang-rt-14-dev   # libFuzzer for the parser fuzz targets
  libcpp-httplib-dev         # harmlens serve (the dashboard's HTTP server)
  chromium                   # the dashboard's browser tests (driven by playwright-core from npm)
)
# Node and npm build the web front end (Vite from npm). Debian 12 machines here already
# have them (possibly from another apt source, which a Debian npm would conflict with).
if ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-pandas time wrk)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
