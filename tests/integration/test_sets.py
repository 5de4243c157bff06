"""Sets over a real socket: concurrent SPOP consumers, SMOVE between keys on different
shards racing with SUNION readers (members are never lost, duplicated or seen twice), RESP3
set replies (`~`), encodings through CONFIG SET, set operations across shards, a pipeline
of SADDs, and redis-cli output."""
import re
import subprocess
import threading
import time

import harness

N_MEMBERS = 20000
N_CONSUMERS = 8


class Sets(harness.ServerTestCase):
    threads = 4

    def run_threads(self, target, n):
        """Runs target(index, client, errors) on n threads, each with its own connection."""
        errors = []

        def body(i):
            c = self.server.client()
            try:
                target(i, c, errors)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append("thread %d: %r" % (i, e))
            finally:
                c.close()

        threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=150)
        self.assertFalse(any(t.is_alive() for t in threads), "a thread is stuck")
        self.assertEqual(errors, [])

    def fill(self, key, n):
        p = self.r.pipeline(transaction=False)
        for i in range(0, n, 1000):
            p.sadd(key, *["m%d" % j for j in range(i, min(n, i + 1000))])
        self.assertEqual(sum(p.execute()), n)

    # ---- SPOP by many consumers -----------------------------------------------------------

    def test_concurrent_spop_pops_each_member_once(self):
        for count in (None, 7):
            self.fill("pool", N_MEMBERS)
            self.assertEqual(self.r.object("encoding", "pool"), b"hashtable")
            results = [[] for _ in range(N_CONSUMERS)]
            deadline = time.time() + 120

            def consumer(i, c, errors):
                for _ in range(N_MEMBERS + 10):
                    if time.time() > deadline:
                        errors.append("consumer %d: out of time" % i)
                        return
                    if count is None:
                        got = c.spop("pool")
                        if got is None:
                            return
                        results[i].append(got)
                    else:
                        got = c.spop("pool", count)
                        if not got:
                            return
                        results[i].extend(got)
                errors.append("consumer %d: too many calls" % i)

            self.run_threads(consumer, N_CONSUMERS)
            union = [m for r in results for m in r]
            self.assertEqual(len(union), N_MEMBERS)
            self.assertEqual(set(union), {b"m%d" % i for i in range(N_MEMBERS)})
            self.assertEqual(self.r.exists("pool"), 0)

    # ---- SMOVE across shards is atomic ----------------------------------------------------

    def test_smove_across_shards_races_with_sunion(self):
        keys = ["bag:%d" % i for i in range(8)]  # plain keys: spread over the 4 shards
        members = ["x%d" % i for i in range(400)]
        for n, m in enumerate(members):
            self.r.sadd(keys[n % len(keys)], m)
        stop = threading.Event()

        def mover(i, c, errors):
            for step in range(600):
                m = members[(i * 131 + step * 7) % len(members)]
                src = keys[(i + step) % len(keys)]
                dst = keys[(i + 3 * step + 1) % len(keys)]
                c.smove(src, dst, m)  # 0 when m is elsewhere: fine

        def reader(i, c, errors):
            while not stop.is_set():
                seen = c.sunion(keys)
                if len(seen) != len(members):
                    errors.append("sunion saw %d members" % len(seen))
                    return
                total = sum(c.scard(k) for k in keys)  # not atomic: only a bound
                if total > len(members) * 2:
                    errors.append("scard total %d" % total)
                    return
                card = c.execute_command("SINTERCARD", len(keys), *keys)
                if card != 0:
                    errors.append("a member in every bag")
                    return

        readers = threading.Thread(target=lambda: self.run_threads(reader, 2))
        readers.start()
        try:
            self.run_threads(mover, 6)
        finally:
            stop.set()
            readers.join(timeout=60)
        self.assertFalse(readers.is_alive())
        everything = [m for k in keys for m in self.r.smembers(k)]
        self.assertEqual(len(everything), len(members))  # each member in exactly one bag
        self.assertEqual(set(everything), {m.encode() for m in members})

    # ---- reply shapes ---------------------------------------------------------------------

    def test_resp3_set_replies(self):
        out = self.server.raw(b"HELLO 3\r\nSADD {s}a 1 2\r\nSADD {s}b 2 x\r\n"
                              b"SMEMBERS {s}a\r\nSINTER {s}a {s}b\r\nSUNION {s}a {s}b\r\n"
                              b"SDIFF {s}a {s}b\r\nSPOP {s}b 5\r\nSRANDMEMBER {s}a 1\r\n"
                              b"SMEMBERS nokey\r\nSMISMEMBER {s}a 1 3\r\n")
        after_hello = out[out.index(b":2\r\n:2\r\n"):]
        # Sets are `~`; SRANDMEMBER with a count is an array (its member is random);
        # SMISMEMBER an array of integers. Orders: an intset increases, a listpack keeps
        # insertion order, so every reply here is deterministic but SRANDMEMBER's.
        self.assertRegex(after_hello,
                         re.compile(re.escape(
                             b":2\r\n:2\r\n"
                             b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n"
                             b"~1\r\n$1\r\n2\r\n"
                             b"~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\nx\r\n"
                             b"~1\r\n$1\r\n1\r\n"
                             b"~2\r\n$1\r\n2\r\n$1\r\nx\r\n"
                             b"*1\r\n$1\r\n") + b"[12]" + re.escape(
                             b"\r\n~0\r\n*2\r\n:1\r\n:0\r\n") + b"$", re.S))
        # RESP2: plain arrays.
        self.assertEqual(self.server.raw(b"SADD t 5\r\nSMEMBERS t\r\n"), b":1\r\n*1\r\n$1\r\n5\r\n")

    def test_encodings_follow_config(self):
        self.r.sadd("i", *range(10))
        self.assertEqual(self.r.object("encoding", "i"), b"intset")
        self.r.sadd("i", "x")
        self.assertEqual(self.r.object("encoding", "i"), b"listpack")
        self.r.sadd("i", *["y%d" % n for n in range(200)])
        self.assertEqual(self.r.object("encoding", "i"), b"hashtable")
        try:
            self.r.config_set("set-max-intset-entries", 2)
            self.assertEqual(self.r.config_get("set-max-intset-entries"),
                             {"set-max-intset-entries": "2"})
            self.r.sadd("j", 1, 2, 3)
            self.assertEqual(self.r.object("encoding", "j"), b"listpack")
        finally:
            self.r.config_set("set-max-intset-entries", 512)

    # ---- across shards, pipelines, redis-cli ------------------------------------------------

    def test_set_operations_across_shards(self):
        keys = ["su:%d" % i for i in range(8)]
        for n, k in enumerate(keys):
            self.r.sadd(k, "common", "only%d" % n)
        self.assertEqual(self.r.sunionstore("dest", keys), 9)
        self.assertEqual(self.r.sinterstore("dest2", keys), 1)
        self.assertEqual(self.r.smembers("dest2"), {b"common"})
        self.assertEqual(self.r.sdiff(keys), {b"only0"})
        self.assertEqual(self.r.sdiffstore("dest", ["dest"] + keys[1:]), 1)
        self.assertEqual(self.r.smembers("dest"), {b"only0"})
        self.r.set("str", "v")
        with self.assertRaises(harness.redis.ResponseError):
            self.r.sunion(keys + ["str"])
        # sorted-set operations take plain sets too
        self.assertEqual(self.r.zunionstore("zdest", keys), 9)
        self.assertEqual(self.r.zscore("zdest", "common"), 8.0)

    def test_pipeline_of_10000_sadds(self):
        p = self.r.pipeline(transaction=False)
        for i in range(10000):
            p.sadd("ps:%d" % (i % 16), i)
        self.assertEqual(p.execute(), [1] * 10000)
        self.assertEqual(sum(self.r.scard("ps:%d" % k) for k in range(16)), 10000)
        self.assertEqual(self.r.object("encoding", "ps:0"), b"hashtable")  # 625 > 512
        self.assertEqual(self.r.sismember("ps:3", 19), True)

    def test_redis_cli_sadd_smembers(self):
        def cli(*args):
            out = subprocess.run(["redis-cli", "-p", str(self.server.port), *args],
                                 capture_output=True, timeout=30)
            return out.stdout.decode(errors="replace")

        self.assertEqual(cli("SADD", "s", "3", "1", "2"), "3\n")
        self.assertEqual(cli("--no-raw", "SMEMBERS", "s"), '1) "1"\n2) "2"\n3) "3"\n')
        self.assertEqual(cli("--no-raw", "SCARD", "s"), "(integer) 3\n")
        self.assertEqual(cli("--no-raw", "-3", "SMEMBERS", "s"), '1~ "1"\n2~ "2"\n3~ "3"\n')


if __name__ == "__main__":
    harness.main()
