"""What the OBJECT MTIME fields (the "shoal-mtimes" AUX fields, issue 7) cost an RDB file:
its size and the SAVE, BGSAVE and DEBUG RELOAD times over N keys, for one or more builds
(say the commit before them and the one after).

  /usr/bin/python3 bench/rdb_mtime_bench.py --server OLD/shoal-server --server build/shoal-server

Keys `key:N` with 16-byte values, written with redis-cli --pipe (their mtimes spread over
the second or two the fill takes); each time is the median of --rounds runs.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bgsave_bench import fill, free_port, start  # noqa: E402


def timed(fn, rounds):
    times = []
    for _ in range(rounds):
        t = time.time()
        fn()
        times.append(time.time() - t)
    return statistics.median(times)


def bgsave(r):
    r.bgsave()
    while r.info("persistence")["rdb_bgsave_in_progress"] != 0:
        time.sleep(0.005)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", action="append", required=True)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print("| server | keys | dump.rdb bytes | bytes/key | SAVE s | BGSAVE s | DEBUG RELOAD s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for server in args.server:
        d = tempfile.mkdtemp(prefix="rdb-mtime-bench-")
        port = free_port()
        proc, r = start([server, "--port", str(port), "--bind", "127.0.0.1", "--dir", d,
                         "--threads", str(args.threads)], port)
        try:
            fill(port, args.keys)
            keys = r.dbsize()
            save = timed(r.save, args.rounds)
            size = os.path.getsize(os.path.join(d, "dump.rdb"))
            bg = timed(lambda: bgsave(r), args.rounds)
            reload = timed(lambda: r.execute_command("DEBUG", "RELOAD"), args.rounds)
            print("| %s | %d | %d | %.2f | %.2f | %.2f | %.2f |"
                  % (server, keys, size, size / keys, save, bg, reload))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
