#!/bin/bash
# TAG.FIND over 1M keys, 100 of them tagged color=red (issue 7): loads the keys with
# redis-cli --pipe, then times TAG.FIND with redis-benchmark. Usage: bench/tag-find.sh [threads]
set -e
T=${1:-1}
PORT=$((20000 + RANDOM % 10000))
${SHOAL:-build/shoal-server} --port $PORT --threads $T >/tmp/tag-find-bench.log 2>&1 &
PID=$!
trap "kill $PID" EXIT
for i in $(seq 50); do redis-cli -p $PORT ping >/dev/null 2>&1 && break; sleep 0.1; done
python3 - $PORT <<'PY'
import sys
port = sys.argv[1]
out = []
for i in range(1000000):
    k = "key:%d" % i
    out.append("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n" % (len(k), k))
for i in range(0, 1000000, 10000):
    k = "key:%d" % i
    out.append("*4\r\n$7\r\nTAG.SET\r\n$%d\r\n%s\r\n$5\r\ncolor\r\n$3\r\nred\r\n" % (len(k), k))
open("/tmp/tag-find-bench.resp", "w").write("".join(out))
PY
redis-cli -p $PORT --pipe < /tmp/tag-find-bench.resp | tail -1
redis-cli -p $PORT dbsize
redis-cli -p $PORT tag.find color red | tail -1
echo "TAG.FIND (100 matches of 1M keys), threads=$T:"
redis-benchmark -p $PORT -n 20000 -c 1 -q tag.find color red
redis-benchmark -p $PORT -n 20000 -c 1 -q tag.find color red count 10
echo "baseline SCAN 0 MATCH key:1000* COUNT 100 for scale:"
redis-benchmark -p $PORT -n 20000 -c 1 -q scan 0 count 100
