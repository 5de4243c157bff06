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
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 100); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

RPORT=$(free_port); OPORT=$(free_port)
taskset -c "$SCPU" redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$WORK" --daemonize no --loglevel warning >"$WORK/redis.log" 2>&1 &
PIDS+=("$!")
cmd=(); for a in "${OURS[@]}"; do cmd+=("${a//\{port\}/$OPORT}"); done
taskset -c "$SCPU" "${cmd[@]}" >"$WORK/ours.log" 2>&1 &
PIDS+=("$!")
wait_up "$RPORT"; wait_up "$OPORT" || { tail -20 "$WORK/ours.log" >&2; exit 1; }

LUA='local n = redis.call("INCR", KEYS[1]) redis.call("PEXPIRE", KEYS[1], ARGV[1]) return n'
SHA=$(redis-cli -p "$RPORT" SCRIPT LOAD "$LUA")
[[ "$(redis-cli -p "$OPORT" SCRIPT LOAD "$LUA")" == "$SHA" ]] || { echo "SHA differs" >&2; exit 1; }

bench() { # port pipeline -> requests per second
  taskset -c "$CCPU" redis-benchmark -p "$1" -c "$CLIENTS" -n "$N" -r 100000 -P "$2" --csv \
    EVALSHA "$SHA" 1 rl:__rand_int__ 60000 2>/dev/null | tail -1 | awk -F'","' '{gsub(/"/,"",$2); print $2+0}'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for p in 1 16; do
  o=(); r=()
  for _ in $(seq 1 "$ROUNDS"); do o+=("$(bench "$OPORT" "$p")"); r+=("$(bench "$RPORT" "$p")"); done
  om=$(printf '%s\n' "${o[@]}" | median); rm_=$(printf '%s\n' "${r[@]}" | median)
  printf 'evalsha        P=%-3s ours=%-12s redis=%-12s ratio=%s\n' "$p" "$om" "$rm_" \
    "$(awk -v o="$om" -v r="$rm_" 'BEGIN { printf "%.3f", (r > 0 ? o / r : 0) }')"
done
