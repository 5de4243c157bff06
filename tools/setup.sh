#!/usr/bin/env bash
# Installs the Debian packages Shoal needs (only the missing ones) and builds it into
# build/ (Release, Ninja, ccache). Sourced by run.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGES=(g++ cmake ninja-build ccache pkg-config libabsl-dev libxxhash-dev
  libmimalloc-dev libgtest-dev libgmock-dev libbenchmark-dev redis-server redis-tools
  python3 python3-redis liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libssl-dev
  libhttp-parser-dev libjwt-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

BUILD="${SHOAL_BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$BUILD" ${SHOAL_BUILD_JOBS:+-j "$SHOAL_BUILD_JOBS"}
