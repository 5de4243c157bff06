#!/bin/bash
# PUBLISH throughput to 10 subscribers, Shoal against Redis, A/B interleaved.
#   bench/publish-vs-redis.sh [-r rounds] [-n requests] [-s subscribers] -- build/shoal-server --threads 1
# Each round starts the server (pinned to CPU 1) on a free port, attaches `subscribers`
# redis-cli SUBSCRIBE clients (reading into /dev/null), then runs
# `redis-benchmark -P 16 publish ch hello` (pinned to CPU 0). Prints requests/s per round and
# the medians. Stops only the processes it started, by PID.
set -euo pipefail
rounds=3 n=200000 subs=10
while [[ $# -gt 0 && $1 != -- ]]; do
  case $1 in
    -r) rounds=$2; shift 2 ;;
    -n) n=$2; shift 2 ;;
    -s) subs=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
shift  # --
shoal=("$@")

source "$(dirname "$0")/lib.sh"

one_run() {  # $1: shoal|redis; prints requests per second
  local port pid sub_pids=() rate
  port=$(free_port)
  if [[ $1 == shoal ]]; then
    taskset -c 1 "${shoal[@]}" --port "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
  else
    taskset -c 1 redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 &
  fi
  pid=$!
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  for _ in $(seq "$subs"); do
    redis-cli -p "$port" subscribe ch >/dev/null 2>&1 &
    sub_pids+=($!)
  done
  for _ in $(seq 50); do
    [[ $(redis-cli -p "$port" pubsub numsub ch | tail -1) == "$subs" ]] && break
    sleep 0.1
  done
  rate=$(taskset -c 0 redis-benchmark -p "$port" -n "$n" -P 16 -q publish ch hello |
         tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
  kill "${sub_pids[@]}" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$rate"
}


ours=() theirs=()
for r in $(seq "$rounds"); do
  ours+=("$(one_run shoal)")
  theirs+=("$(one_run redis)")
  echo "round $r: shoal ${ours[-1]} redis ${theirs[-1]}"
done
mo=$(printf '%s\n' "${ours[@]}" | median)
mr=$(printf '%s\n' "${theirs[@]}" | median)
echo "median: shoal $mo redis $mr ratio $(python3 -c "print(round($mo/$mr, 3))")"
