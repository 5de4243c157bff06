# bench/lib.sh: what the *-vs-redis.sh scripts share. Source it:
#   source "$(dirname "$0")/lib.sh"
# free_port            prints a free TCP port on 127.0.0.1
# wait_up PORT         waits (10 s at most) until the server on PORT answers PING
# median               prints the median of the numbers on stdin, one per line
# start_pair CPU CMD.. starts redis-server and Shoal (CMD, where {port} becomes its port),
#                      both pinned to CPU, nothing persisted; sets RPORT RPID OPORT OPID and
#                      WORK (a temporary dir with their logs), and stops both by PID and
#                      removes WORK on exit.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_up() {
  for _ in $(seq 1 100); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server on port $1 did not answer PING" >&2
  return 1
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else print a[int((NR+1)/2)]}'; }

start_pair() {
  local cpu=$1; shift
  WORK=$(mktemp -d)
  trap 'kill "$RPID" "$OPID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
  RPORT=$(free_port); OPORT=$(free_port)
  taskset -c "$cpu" redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$WORK" --daemonize no --loglevel warning >"$WORK/redis.log" 2>&1 &
  RPID=$!
  local cmd=() a
  for a in "$@"; do cmd+=("${a//\{port\}/$OPORT}"); done
  taskset -c "$cpu" "${cmd[@]}" >"$WORK/ours.log" 2>&1 &
  OPID=$!
  wait_up "$RPORT" && wait_up "$OPORT" || { tail -20 "$WORK/ours.log" >&2; return 1; }
}
