#!/usr/bin/env bash
# HTTP GET throughput on one key: wrk (Debian's `wrk`) against shoal-server's HTTP front,
# 3 rounds of `wrk -t2 -c50 -d10s` per configuration: --threads 1 and 4, without a token
# secret and with one (every request then carries an HS256 bearer token that is verified).
# Usage: bench/http-wrk.sh [path/to/shoal-server]. Records go in bench/RESULTS.md ("HTTP").
set -u
BIN="${1:-build/shoal-server}"
for threads in 1 4; do
  for auth in none jwt; do
    PORT=$((20000 + RANDOM % 10000)); HPORT=$((PORT + 1))
    args=(--port $PORT --http-port $HPORT --threads $threads)
    hdr=()
    if [[ $auth == jwt ]]; then
      args+=(--http-token-secret s3cret)
      TOKEN=$(python3 -c '
import base64,hmac,hashlib,json
b=lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode()
s=b(json.dumps({"alg":"HS256","typ":"JWT"}).encode())+"."+b(json.dumps({"sub":"bench","exp":4102444800}).encode())
print(s+"."+b(hmac.new(b"s3cret",s.encode(),hashlib.sha256).digest()))')
      hdr=(-H "Authorization: Bearer $TOKEN")
    fi
    $BIN "${args[@]}" >/dev/null 2>&1 & PID=$!
    sleep 0.5
    curl -s -X PUT "${hdr[@]}" --data-binary 'value-of-sixteen' http://127.0.0.1:$HPORT/api2/bench/ns/key
    for round in 1 2 3; do
      rps=$(wrk -t2 -c50 -d10s "${hdr[@]}" http://127.0.0.1:$HPORT/api2/bench/ns/key | awk '/Requests\/sec/ {print $2}')
      echo "threads=$threads auth=$auth round=$round rps=$rps"
    done
    kill $PID; wait $PID 2>/dev/null
  done
done
