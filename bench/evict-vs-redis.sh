#!/bin/bash
# SET throughput while evicting (maxmemory + allkeys-lru), Shoal against Redis, A/B
# interleaved.
#   bench/evict-vs-redis.sh [-r rounds] [-n requests] [-m maxmemory] -- build/shoal-server --threads 1
# Each round starts the server (pinned to CPU 1) on a free port with maxmemory (default
# 64mb) and allkeys-lru, fills it past the limit with random keys (100-byte values from a
# space of 10M keys), then measures `redis-benchmark -t set -r 10000000 -d 100` at P=1 and
# P=16 (pinned to CPU 0) while every SET evicts. Prints requests/s, evicted_keys and
# used_memory per round, then the medians. Stops only the processes it started, by PID.
set -euo pipefail
rounds=3 n=300000 maxmemory=64mb
while [[ $# -gt 0 && $1 != -- ]]; do
  case $1 in
    -r) rounds=$2; shift 2 ;;
    -n) n=$2; shift 2 ;;
    -m) maxmemory=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
shift  # --
shoal=("$@")

source "$(dirname "$0")/lib.sh"
bench() {  # port pipeline requests -> requests per second
  taskset -c 0 redis-benchmark -p "$1" -t set -r 10000000 -d 100 -P "$2" -n "$3" -q |
    tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1
}
field() { redis-cli -p "$1" info | tr -d '\r' | grep "^$2:" | cut -d: -f2; }

one_run() {  # $1: shoal|redis; prints "p1 p16 evicted used"
  local port pid p1 p16
  port=$(free_port)
  if [[ $1 == shoal ]]; then
    taskset -c 1 "${shoal[@]}" --port "$port" --bind 127.0.0.1 --maxmemory "$maxmemory" \
      --maxmemory-policy allkeys-lru >/dev/null 2>&1 &
  else
    taskset -c 1 redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
      --maxmemory "$maxmemory" --maxmemory-policy allkeys-lru >/dev/null 2>&1 &
  fi
  pid=$!
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  bench "$port" 16 1000000 >/dev/null  # past the limit: from here on every SET evicts
  p16=$(bench "$port" 16 "$n")
  p1=$(bench "$port" 1 "$((n / 3))")
  echo "$p1 $p16 $(field "$port" evicted_keys) $(field "$port" used_memory)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}


o1=() o16=() r1=() r16=()
for r in $(seq "$rounds"); do
  read -r a b ev used <<<"$(one_run shoal)"
  o1+=("$a") o16+=("$b")
  echo "round $r: shoal P=1 $a P=16 $b (evicted $ev, used_memory $used)"
  read -r a b ev used <<<"$(one_run redis)"
  r1+=("$a") r16+=("$b")
  echo "round $r: redis P=1 $a P=16 $b (evicted $ev, used_memory $used)"
done
for p in 1 16; do
  declare -n ours="o$p" theirs="r$p"
  mo=$(printf '%s\n' "${ours[@]}" | median)
  mr=$(printf '%s\n' "${theirs[@]}" | median)
  echo "median P=$p: shoal $mo redis $mr ratio $(python3 -c "print(round($mo/$mr, 3))")"
done
