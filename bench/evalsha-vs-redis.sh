#!/usr/bin/env bash
# evalsha-vs-redis.sh: EVALSHA of a two-command script (a rate limiter's INCR + PEXPIRE) on
# Shoal against Redis, in one run, as ../shared/bench/vs-redis.sh measures the built-in
# tests: both servers pinned to one CPU, redis-benchmark to the other, rounds in turn
# (A B A B ...), medians, and the ratio ours/redis.
#
#   bench/evalsha-vs-redis.sh [-n N] [-r ROUNDS] -- build/shoal-server --port {port} --threads 1
set -euo pipefail
N=200000; ROUNDS=3; CLIENTS=50; SCPU=1; CCPU=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) N=$2; shift 2;;
    -r) ROUNDS=$2; shift 2;;
    --) shift; break;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [-n N] [-r ROUNDS] -- SERVER_COMMAND (with {port})" >&2; exit 2; }
OURS=("$@")
source "$(dirname "$0")/lib.sh"
start_pair "$SCPU" "${OURS[@]}"

LUA='local n = redis.call("INCR", KEYS[1]) redis.call("PEXPIRE", KEYS[1], ARGV[1]) return n'
SHA=$(redis-cli -p "$RPORT" SCRIPT LOAD "$LUA")
[[ "$(redis-cli -p "$OPORT" SCRIPT LOAD "$LUA")" == "$SHA" ]] || { echo "SHA differs" >&2; exit 1; }

bench() { # port pipeline -> requests per second
  taskset -c "$CCPU" redis-benchmark -p "$1" -c "$CLIENTS" -n "$N" -r 100000 -P "$2" --csv \
    EVALSHA "$SHA" 1 rl:__rand_int__ 60000 2>/dev/null | tail -1 | awk -F'","' '{gsub(/"/,"",$2); print $2+0}'
}
for p in 1 16; do
  o=(); r=()
  for _ in $(seq 1 "$ROUNDS"); do o+=("$(bench "$OPORT" "$p")"); r+=("$(bench "$RPORT" "$p")"); done
  om=$(printf '%s\n' "${o[@]}" | median); rm_=$(printf '%s\n' "${r[@]}" | median)
  printf 'evalsha        P=%-3s ours=%-12s redis=%-12s ratio=%s\n' "$p" "$om" "$rm_" \
    "$(awk -v o="$om" -v r="$rm_" 'BEGIN { printf "%.3f", (r > 0 ? o / r : 0) }')"
done
