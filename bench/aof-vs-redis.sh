#!/bin/bash
# SET throughput with the append-only file (issue 6): Shoal without persistence, with
# appendfsync everysec and always, and Redis with appendfsync always, all writing to the
# same directory (same disk). redis-benchmark -t set -c 50; each configuration runs
# ROUNDS times, the median requests/s is printed.
#   bench/aof-vs-redis.sh build/shoal-server [rounds] [requests]
set -euo pipefail
SHOAL=$(realpath "$1")
ROUNDS=${2:-3}
REQUESTS=${3:-200000}
DIR=$(mktemp -d /tmp/shoal-aof-bench-XXXXXX)
PORT=$((20000 + RANDOM % 20000))
trap 'rm -rf "$DIR"' EXIT

run_one() {  # label, then the server command line (with {port} and {dir})
  local label=$1
  shift
  local results=()
  for ((i = 0; i < ROUNDS; i++)); do
    rm -rf "$DIR/data" && mkdir -p "$DIR/data"
    local cmd=("${@//\{port\}/$PORT}")
    cmd=("${cmd[@]//\{dir\}/$DIR/data}")
    "${cmd[@]}" >"$DIR/server.log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do
      redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
      sleep 0.05
    done
    local rps
    rps=$(redis-benchmark -p "$PORT" -t set -c 50 -n "$REQUESTS" -r 100000 --csv 2>/dev/null |
          awk -F'","' '/^"SET"/ {print $2}')
    kill "$pid" && wait "$pid" 2>/dev/null || true
    results+=("$rps")
  done
  local median
  median=$(printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-32s %10s   (rounds: %s)\n' "$label" "$median" "${results[*]}"
}

run_one "shoal, no persistence" "$SHOAL" --port {port} --threads 2 --dir {dir}
run_one "shoal, appendfsync everysec" "$SHOAL" --port {port} --threads 2 --dir {dir} \
  --appendonly yes --appendfsync everysec
run_one "shoal, appendfsync always" "$SHOAL" --port {port} --threads 2 --dir {dir} \
  --appendonly yes --appendfsync always
run_one "redis, appendfsync always" redis-server --port {port} --dir {dir} --save '' \
  --appendonly yes --appendfsync always
run_one "redis, appendfsync everysec" redis-server --port {port} --dir {dir} --save '' \
  --appendonly yes --appendfsync everysec
