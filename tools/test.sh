#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and integration) with ctest.
# Exits non-zero on any failure. Extra arguments go to ctest (e.g. -R Generic).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
BUILD="${SHOAL_BUILD_DIR:-$ROOT/build}"
cd "$BUILD"
ctest --output-on-failure --timeout 300 -j "$(nproc)" "$@"
