#!/usr/bin/env bash
# cpu-per-op.sh: server CPU time per request, Shoal against Redis, for redis-benchmark's
# built-in tests. Where one redis-benchmark process is the bottleneck (cheap commands at
# P=16 on a 2-core machine, see bench/RESULTS.md), both servers reach the same request
# rate, and requests per second cannot tell them apart; the CPU each server spends per
# request still can. CPU time is utime + stime of the server process from /proc, read
# before and after each run, user and system time apart. Setup as ../shared/bench/vs-redis.sh: both servers pinned to
# one CPU, the client to the other, rounds in turn, medians. The ratio is redis/ours, so
# above 1 means Shoal spends less CPU per request.
#
# Pass --busy-poll-us 0 to Shoal: a loop that waits for a slower client otherwise spends
# that wait polling (src/event_loop.h), which counts as CPU here though it serves nothing.
#
#   bench/cpu-per-op.sh [-n N] [-r ROUNDS] [-P PIPELINE] [--tests a,b] -- build/shoal-server --port {port} --threads 1 --busy-poll-us 0
set -euo pipefail
N=1000000; ROUNDS=3; CLIENTS=50; P=16; TESTS="hset,zpopmin,lpush,sadd"; SCPU=1; CCPU=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) N=$2; shift 2;;
    -r) ROUNDS=$2; shift 2;;
    -P) P=$2; shift 2;;
    --tests) TESTS=$2; shift 2;;
    --) shift; break;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [options] -- SERVER_COMMAND (with {port})" >&2; exit 2; }
OURS=("$@")
source "$(dirname "$0")/lib.sh"
start_pair "$SCPU" "${OURS[@]}"

TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }  # utime stime
run() { # pid port test -> "ops/s user-us-per-op sys-us-per-op"
  local u0 s0 u1 s1 rate
  read -r u0 s0 < <(cpu_ticks "$1")
  rate=$(taskset -c "$CCPU" redis-benchmark -p "$2" -c "$CLIENTS" -n "$N" -r 100000 -d 16 -P "$P" \
    -t "$3" --csv 2>/dev/null | tail -1 | awk -F'","' '{gsub(/"/,"",$2); print $2+0}')
  read -r u1 s1 < <(cpu_ticks "$1")
  awk -v u="$((u1 - u0))" -v s="$((s1 - s0))" -v hz="$TICK" -v n="$N" -v r="$rate" \
    'BEGIN { printf "%s %.3f %.3f\n", r, u * 1e6 / hz / n, s * 1e6 / hz / n }'
}
med() { printf '%s\n' "$@" | median; }
printf '%-10s %-4s %9s %9s | %-19s | %-19s | %s\n' test P ours redis "ours us/op usr+sys" \
  "redis us/op usr+sys" "cpu ratio redis/ours"
for t in ${TESTS//,/ }; do
  orate=(); ou=(); os=(); rrate=(); ru=(); rs=()
  for _ in $(seq 1 "$ROUNDS"); do
    read -r a b c < <(run "$OPID" "$OPORT" "$t"); orate+=("$a"); ou+=("$b"); os+=("$c")
    read -r a b c < <(run "$RPID" "$RPORT" "$t"); rrate+=("$a"); ru+=("$b"); rs+=("$c")
  done
  oU=$(med "${ou[@]}"); oS=$(med "${os[@]}"); rU=$(med "${ru[@]}"); rS=$(med "${rs[@]}")
  printf '%-10s P=%-2s %9s %9s | %5s + %5s = %5s | %5s + %5s = %5s | %s\n' "$t" "$P" \
    "$(med "${orate[@]}")" "$(med "${rrate[@]}")" "$oU" "$oS" \
    "$(awk -v a="$oU" -v b="$oS" 'BEGIN { printf "%.3f", a + b }')" "$rU" "$rS" \
    "$(awk -v a="$rU" -v b="$rS" 'BEGIN { printf "%.3f", a + b }')" \
    "$(awk -v o="$oU" -v p="$oS" -v r="$rU" -v q="$rS" 'BEGIN { printf "%.3f", (o + p > 0 ? (r + q) / (o + p) : 0) }')"
done
