"""BGSAVE of N keys (issue 6): wall time and the peak extra memory (RSS over the RSS
before the save), with and without a concurrent write load, for Shoal and for Redis.

  /usr/bin/python3 bench/bgsave_bench.py --server build/shoal-server [--keys 1000000]

Shoal's RSS is read from /proc/<pid>/status (VmRSS); Redis's extra memory is its forked
child's copy-on-write (INFO rdb_last_cow_size) plus nothing else, since the parent's RSS
does not grow. Polls every 5 ms, so times are +-5 ms.
"""
import argparse
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import redis


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start(cmd, port):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            r = redis.Redis(port=port, socket_timeout=60)
            r.ping()
            return proc, r
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def fill(port, n):
    data = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$16\r\nvalue-%010d\r\n"
                    % (len(b"key:%d" % i), i, i) for i in range(n))
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=data, check=True,
                   capture_output=True, timeout=600)


def writer(port, n, stop):
    r = redis.Redis(port=port, socket_timeout=60)
    i = 0
    while not stop.is_set():
        p = r.pipeline(transaction=False)
        for _ in range(100):
            p.set("key:%d" % ((i * 7919) % n), "overwritten-%d" % i)
            i += 1
        p.execute()


def measure(proc, r, port, n, with_writes):
    stop = threading.Event()
    t = threading.Thread(target=writer, args=(port, n, stop))
    if with_writes:
        t.start()
        time.sleep(0.2)
    base = rss_kb(proc.pid)
    peak = base
    start_t = time.time()
    r.bgsave()
    while True:
        peak = max(peak, rss_kb(proc.pid))
        if r.info("persistence")["rdb_bgsave_in_progress"] == 0:
            break
        time.sleep(0.005)
    elapsed = time.time() - start_t
    stop.set()
    if with_writes:
        t.join()
    info = r.info("persistence")
    cow = info.get("rdb_last_cow_size", 0) // 1024
    return elapsed, base, peak - base, cow, r.info("memory")["used_memory"] // 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    rows = []
    for name in ("shoal", "redis"):
        d = tempfile.mkdtemp(prefix="bgsave-bench-")
        port = free_port()
        if name == "shoal":
            cmd = [args.server, "--port", str(port), "--bind", "127.0.0.1", "--dir", d,
                   "--threads", str(args.threads)]
        else:
            cmd = ["/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1",
                   "--dir", d, "--save", "", "--appendonly", "no"]
        proc, r = start(cmd, port)
        try:
            fill(port, args.keys)
            for with_writes in (False, True):
                elapsed, base, extra, cow, used = measure(proc, r, port, args.keys, with_writes)
                extra_kb = cow if name == "redis" else extra
                rows.append((name, "yes" if with_writes else "no", "%.2f" % elapsed,
                             base // 1024, extra_kb // 1024, "%.1f%%" % (100.0 * extra_kb / base)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            shutil.rmtree(d, ignore_errors=True)
    print("| server | writes during | time s | RSS before MB | extra MB | extra / RSS |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| %s | %s | %s | %s | %s | %s |" % row)


if __name__ == "__main__":
    main()
