#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the demo and the tests need. Idempotent: a machine that
# already has them all is left alone (no apt-get update, no network).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git curl
  libcpp-httplib-dev libcurl4-openssl-dev libyaml-cpp-dev libspdlog-dev nlohmann-json3-dev catch2
  libsqlite3-dev zlib1g-dev libssl-dev libcrypt-dev libre2-dev openssl libboost1.81-dev libhowardhinnant-date-dev
  prometheus-cpp-dev
  prometheus prometheus-alertmanager prometheus-pushgateway wrk python3 python3-aiosmtpd python3-yaml python3-websockets chromium
  dpkg-dev help2man lintian
  clang libclang-rt-14-dev llvm
  gcovr
  gnuplot-nox  # bench/scale's plot only
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
