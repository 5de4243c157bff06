#!/usr/bin/env bash
# Installs what is missing, builds, and starts shoal-server on 127.0.0.1:6379 in the
# foreground. Extra arguments go to the server: tools/run.sh --port 7000 --threads 4
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
exec "${SHOAL_BUILD_DIR:-$ROOT/build}/shoal-server" "$@"
