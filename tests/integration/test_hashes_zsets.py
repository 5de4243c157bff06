"""Hashes and sorted sets over a real socket: concurrent ZPOPBYSCORE consumers, its reply
shapes in RESP2 and RESP3, listpack -> hashtable / skiplist conversion, HSCAN of a big
hash, ZUNIONSTORE across shards, a pipeline of 10,000 ZADDs, and redis-cli output."""
import subprocess
import threading
import time

import harness

N_JOBS = 20000
N_CONSUMERS = 8


class HashesZSets(harness.ServerTestCase):
    threads = 4

    # ---- helpers -------------------------------------------------------------------------

    def fill_sched(self, n=N_JOBS):
        p = self.r.pipeline(transaction=False)
        for i in range(0, n, 500):
            p.zadd("sched", {"job:%d" % j: j for j in range(i, min(n, i + 500))})
        self.assertEqual(sum(p.execute()), n)
        self.assertEqual(self.r.zcard("sched"), n)

    def run_consumers(self, pop):
        """Runs N_CONSUMERS threads, each with its own connection, calling pop(client) until
        it returns an empty list; returns (per-thread lists, errors)."""
        results = [[] for _ in range(N_CONSUMERS)]
        errors = []
        deadline = time.time() + 120
        max_calls = N_JOBS + 10  # one thread can never need more calls than there are jobs

        def consumer(n):
            c = self.server.client()
            try:
                for _ in range(max_calls):
                    if time.time() > deadline:
                        errors.append("consumer %d: out of time" % n)
                        return
                    got = pop(c)
                    if not got:
                        return
                    results[n].extend(got)
                errors.append("consumer %d: too many calls" % n)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append("consumer %d: %r" % (n, e))
            finally:
                c.close()

        threads = [threading.Thread(target=consumer, args=(n,)) for n in range(N_CONSUMERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=150)
        self.assertFalse(any(t.is_alive() for t in threads), "a consumer is stuck")
        return results, errors

    def check_popped_once(self, results, errors):
        self.assertEqual(errors, [])
        union = [m for r in results for m in r]
        expected = {b"job:%d" % i for i in range(N_JOBS)}
        self.assertEqual(len(union), N_JOBS, "popped %d, expected %d" % (len(union), N_JOBS))
        self.assertEqual(len(set(union)), N_JOBS, "some member was popped twice")
        self.assertEqual(set(union), expected)
        self.assertEqual(self.r.zcard("sched"), 0)
        self.assertEqual(self.r.exists("sched"), 0)
        # Each consumer sees its own pops in increasing score order (lowest first).
        for r in results:
            scores = [int(m.split(b":")[1]) for m in r]
            self.assertEqual(scores, sorted(scores))

    # ---- 1. concurrent ZPOPBYSCORE --------------------------------------------------------

    def test_concurrent_zpopbyscore_pops_each_member_once(self):
        self.fill_sched()

        def pop(c):
            m = c.execute_command("ZPOPBYSCORE", "sched", "+inf")
            return [] if m is None else [m]

        self.check_popped_once(*self.run_consumers(pop))

    def test_concurrent_zpopbyscore_count_10_pops_each_member_once(self):
        self.fill_sched()

        def pop(c):
            got = c.execute_command("ZPOPBYSCORE", "sched", "+inf", "COUNT", 10)
            if len(got) > 10:
                raise AssertionError("COUNT 10 returned %d members" % len(got))
            return got

        self.check_popped_once(*self.run_consumers(pop))

    def test_concurrent_zpopbyscore_on_small_listpack_sets(self):
        # the same race on the listpack encoding: 50 rounds of a 100-member set, 8 consumers
        barrier = threading.Barrier(N_CONSUMERS, timeout=30)
        results = [[] for _ in range(N_CONSUMERS)]
        errors = []

        def consumer(n):
            c = self.server.client()
            try:
                for rnd in range(50):
                    barrier.wait()
                    if n == 0:
                        c.zadd("small", {"r%d:%d" % (rnd, i): i for i in range(100)})
                        if c.object("encoding", "small") != b"listpack":
                            errors.append("round %d: not listpack" % rnd)
                    barrier.wait()
                    for _ in range(101):
                        m = c.execute_command("ZPOPBYSCORE", "small", "+inf")
                        if m is None:
                            break
                        results[n].append(m)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append("consumer %d: %r" % (n, e))
                barrier.abort()
            finally:
                c.close()

        threads = [threading.Thread(target=consumer, args=(n,)) for n in range(N_CONSUMERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertFalse(any(t.is_alive() for t in threads), "a consumer is stuck")
        self.assertEqual(errors, [])
        union = [m for r in results for m in r]
        self.assertEqual(len(union), 5000)
        self.assertEqual(set(union), {b"r%d:%d" % (rnd, i) for rnd in range(50) for i in range(100)})
        self.assertEqual(self.r.exists("small"), 0)

    # ---- 2. ZPOPBYSCORE semantics ---------------------------------------------------------

    def test_zpopbyscore_pops_only_due_members_in_score_order(self):
        self.r.zadd("q", {"c": 30, "a": 10, "b": 20, "late": 100, "d": 25})
        zp = lambda *a: self.r.execute_command("ZPOPBYSCORE", "q", *a)  # noqa: E731
        self.assertEqual(zp("24"), b"a")
        self.assertEqual(zp("24"), b"b")
        self.assertIsNone(zp("24"))  # nothing due
        self.assertEqual(self.r.zcard("q"), 3)
        self.assertEqual(zp("50", "COUNT", 10), [b"d", b"c"])
        self.assertEqual(zp("50", "COUNT", 10), [])
        self.assertEqual(zp("(100"), None)  # exclusive max
        self.assertEqual(zp("100"), b"late")
        self.assertEqual(self.r.exists("q"), 0)  # last pop deleted the key
        self.assertIsNone(self.r.execute_command("ZPOPBYSCORE", "missing", "+inf"))
        self.assertEqual(self.r.execute_command("ZPOPBYSCORE", "missing", "+inf", "COUNT", 3), [])

    def test_zpopbyscore_min_bound(self):
        self.r.zadd("q", {"m%d" % i: i for i in range(10)})
        zp = lambda *a: self.r.execute_command("ZPOPBYSCORE", "q", *a)  # noqa: E731
        self.assertEqual(zp("6", "MIN", "4", "COUNT", 10), [b"m4", b"m5", b"m6"])
        self.assertEqual(zp("6", "MIN", "(2"), b"m3")
        self.assertIsNone(zp("6", "MIN", "3"))
        self.assertEqual(self.r.zrange("q", 0, -1), [b"m0", b"m1", b"m2", b"m7", b"m8", b"m9"])
        with self.assertRaises(Exception) as e:
            zp("6", "MIN", "abc")
        self.assertIn("min or max is not a float", str(e.exception))
        with self.assertRaises(Exception) as e:
            zp("6", "BOGUS")
        self.assertIn("syntax error", str(e.exception))

    def test_zpopbyscore_withscores_resp2(self):
        self.r.zadd("q", {"a": 1, "b": 2.5, "c": 3})
        zp = lambda *a: self.r.execute_command("ZPOPBYSCORE", "q", *a)  # noqa: E731
        self.assertEqual(zp("+inf", "WITHSCORES"), [b"a", b"1"])
        self.assertEqual(zp("+inf", "COUNT", 5, "WITHSCORES"), [b"b", b"2.5", b"c", b"3"])
        self.assertIsNone(zp("+inf", "WITHSCORES"))
        self.assertEqual(self.server.raw(b"ZADD q 1 a\r\nZPOPBYSCORE q 0 WITHSCORES\r\n"
                                         b"ZPOPBYSCORE q 0\r\nZPOPBYSCORE q 5 WITHSCORES\r\n", 0.5),
                         b":1\r\n*-1\r\n$-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n")

    def test_zpopbyscore_withscores_resp3(self):
        self.r.zadd("q", {"a": 1, "b": 2.5, "c": 3, "d": 4})
        reply = self.server.raw(b"HELLO 3\r\n"
                                b"ZPOPBYSCORE q 3 COUNT 2 WITHSCORES\r\n"
                                b"ZPOPBYSCORE q +inf WITHSCORES\r\n"
                                b"ZPOPBYSCORE q 0 WITHSCORES\r\n"
                                b"ZPOPBYSCORE q 0\r\n"
                                b"ZPOPBYSCORE q +inf COUNT 5\r\n", 0.5)
        self.assertTrue(reply.startswith(b"%"), reply)
        expected = (
            # COUNT + WITHSCORES: an array of [member, double] pairs
            b"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
            # no COUNT + WITHSCORES: a 2-element [member, double]
            b"*2\r\n$1\r\nc\r\n,3\r\n"
            # nothing due: null, with and without WITHSCORES
            b"_\r\n_\r\n"
            # COUNT without WITHSCORES: a plain array of members
            b"*1\r\n$1\r\nd\r\n")
        self.assertEqual(reply[-len(expected):], expected, reply)

    # ---- 3. hashes ------------------------------------------------------------------------

    def test_big_hash_hset_hgetall_hincrby_hscan(self):
        fields = {"f%d" % i: "v%d" % i for i in range(1000)}
        self.assertEqual(self.r.hset("h", mapping=fields), 1000)
        self.assertEqual(self.r.hlen("h"), 1000)
        expected = {k.encode(): v.encode() for k, v in fields.items()}
        self.assertEqual(self.r.hgetall("h"), expected)
        self.assertEqual(self.r.hset("h", "f0", "new"), 0)  # update, not add
        self.assertEqual(self.r.hget("h", "f0"), b"new")
        expected[b"f0"] = b"new"
        self.assertEqual(self.r.hincrby("h", "n", 5), 5)
        self.assertEqual(self.r.hincrby("h", "n", -7), -2)
        expected[b"n"] = b"-2"
        with self.assertRaises(Exception) as e:
            self.r.hincrby("h", "f1", 1)
        self.assertIn("hash value is not an integer", str(e.exception))
        # HSCAN: every field at least once, bounded number of calls
        seen = {}
        cursor = 0
        for _ in range(2000):
            cursor, chunk = self.r.hscan("h", cursor, count=50)
            seen.update(chunk)
            if cursor == 0:
                break
        self.assertEqual(cursor, 0, "HSCAN did not finish in 2000 calls")
        self.assertEqual(seen, expected)
        # MATCH filters server-side
        cursor, matched = 0, {}
        for _ in range(2000):
            cursor, chunk = self.r.hscan("h", cursor, match="f99*", count=100)
            matched.update(chunk)
            if cursor == 0:
                break
        self.assertEqual(set(matched), {b"f99"} | {b"f99%d" % i for i in range(10)})

    def test_hash_encoding_listpack_to_hashtable(self):
        self.r.hset("h", mapping={"f%d" % i: "v" for i in range(128)})
        self.assertEqual(self.r.object("encoding", "h"), b"listpack")
        self.r.hset("h", "f128", "v")
        self.assertEqual(self.r.hlen("h"), 129)
        self.assertEqual(self.r.object("encoding", "h"), b"hashtable")
        self.r.hdel("h", "f128", "f127")  # no conversion back
        self.assertEqual(self.r.object("encoding", "h"), b"hashtable")
        # a long value converts too
        self.r.hset("h2", "a", "x" * 64)
        self.assertEqual(self.r.object("encoding", "h2"), b"listpack")
        self.r.hset("h2", "b", "x" * 65)
        self.assertEqual(self.r.object("encoding", "h2"), b"hashtable")

    def test_hgetall_resp3_is_a_map(self):
        self.r.hset("h", mapping={"a": "1", "b": "2"})
        reply = self.server.raw(b"HELLO 3\r\nHGETALL h\r\nHGETALL missing\r\n", 0.5)
        self.assertTrue(reply.startswith(b"%"), reply)
        tail = reply[reply.rindex(b"%2\r\n"):]
        self.assertIn(tail, (b"%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n%0\r\n",
                             b"%2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n%0\r\n"))
        # RESP2: a flat array
        self.assertIn(self.server.raw(b"HGETALL h\r\n", 0.3),
                      (b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
                       b"*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"))

    # ---- 4. sorted sets -------------------------------------------------------------------

    def test_zadd_zrange_zrangebyscore_zrank(self):
        self.assertEqual(self.r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}), 5)
        self.assertEqual(self.r.zadd("z", {"a": 1.5}), 0)
        self.assertEqual(self.r.zrange("z", 0, -1, withscores=True),
                         [(b"a", 1.5), (b"b", 2.0), (b"c", 3.0), (b"d", 4.0), (b"e", 5.0)])
        # without redis-py's withscores flag the RESP2 reply stays flat
        self.assertEqual(self.r.execute_command("ZRANGE", "z", 0, 1, "WITHSCORES"),
                         [b"a", b"1.5", b"b", b"2"])
        self.assertEqual(self.server.raw(b"ZRANGE z 0 0 WITHSCORES\r\n", 0.3),
                         b"*2\r\n$1\r\na\r\n$3\r\n1.5\r\n")
        self.assertEqual(self.r.zrangebyscore("z", 2, "+inf", start=1, num=2), [b"c", b"d"])
        self.assertEqual(self.r.zrangebyscore("z", "(1.5", 4), [b"b", b"c", b"d"])
        self.assertEqual(self.r.zrevrangebyscore("z", "+inf", "-inf", start=0, num=1), [b"e"])
        self.assertEqual(self.r.zrank("z", "a"), 0)
        self.assertEqual(self.r.zrank("z", "e"), 4)
        self.assertEqual(self.r.zrevrank("z", "e"), 0)
        self.assertIsNone(self.r.zrank("z", "nope"))
        self.assertEqual(self.r.zscore("z", "a"), 1.5)

    def test_zset_encoding_listpack_to_skiplist(self):
        self.r.zadd("z", {"m%d" % i: i for i in range(128)})
        self.assertEqual(self.r.object("encoding", "z"), b"listpack")
        self.r.zadd("z", {"m128": 128})
        self.assertEqual(self.r.zcard("z"), 129)
        self.assertEqual(self.r.object("encoding", "z"), b"skiplist")
        self.assertEqual(self.r.zrank("z", "m128"), 128)
        self.assertEqual(self.r.zrange("z", 0, 2), [b"m0", b"m1", b"m2"])
        self.r.zrem("z", "m0", "m1")  # no conversion back
        self.assertEqual(self.r.object("encoding", "z"), b"skiplist")
        self.r.zadd("z2", {"x" * 65: 1})
        self.assertEqual(self.r.object("encoding", "z2"), b"skiplist")

    def test_zunionstore_across_shards(self):
        keys = ["zu:%d" % i for i in range(8)]  # plain keys: spread over the 4 shards
        for n, k in enumerate(keys):
            self.r.zadd(k, {"common": 1, "only%d" % n: n})
        self.assertEqual(self.r.zunionstore("dest", keys), 9)
        self.assertEqual(self.r.zscore("dest", "common"), 8.0)
        self.assertEqual(self.r.zscore("dest", "only7"), 7.0)
        self.assertEqual(self.r.zunionstore("dest", keys, aggregate="MAX"), 9)
        self.assertEqual(self.r.zscore("dest", "common"), 1.0)
        self.assertEqual(self.r.zunionstore("dest2", {"zu:0": 2, "zu:1": 3}), 3)
        self.assertEqual(self.r.zrange("dest2", 0, -1, withscores=True),
                         [(b"only0", 0.0), (b"only1", 3.0), (b"common", 5.0)])
        # a destination that is one of the sources, and of another type
        self.r.set("str", "x")
        self.assertEqual(self.r.zunionstore("str", ["zu:2", "zu:3"]), 3)
        self.assertEqual(self.r.type("str"), b"zset")
        self.assertEqual(self.r.zunionstore("zu:4", ["zu:4", "zu:5"]), 3)
        self.assertEqual(self.r.zscore("zu:4", "common"), 2.0)
        # an empty union deletes the destination
        self.assertEqual(self.r.zunionstore("dest", ["nokey1", "nokey2"]), 0)
        self.assertEqual(self.r.exists("dest"), 0)

    def test_pipeline_of_10000_zadds(self):
        p = self.r.pipeline(transaction=False)
        for i in range(10000):
            p.zadd("pz:%d" % (i % 16), {"m%d" % i: i})
        out = p.execute()
        self.assertEqual(out, [1] * 10000)
        self.assertEqual(sum(self.r.zcard("pz:%d" % k) for k in range(16)), 10000)
        self.assertEqual(self.r.zrange("pz:3", 0, 1, withscores=True), [(b"m3", 3.0), (b"m19", 19.0)])
        self.assertEqual(self.r.object("encoding", "pz:0"), b"skiplist")

    # ---- 5. redis-cli ---------------------------------------------------------------------

    def test_redis_cli_zadd_zrange(self):
        # the harness's cli() passes -h too; run the exact command lines here
        def cli(*args):
            out = subprocess.run(["redis-cli", "-p", str(self.server.port), *args],
                                 capture_output=True, timeout=30)
            return out.stdout.decode(errors="replace")

        self.assertEqual(cli("ZADD", "z", "1", "a"), "1\n")
        self.assertEqual(cli("--no-raw", "ZRANGE", "z", "0", "-1", "WITHSCORES"),
                         '1) "a"\n2) "1"\n')
        self.assertEqual(cli("--no-raw", "ZADD", "z", "2.5", "b"), "(integer) 1\n")
        self.assertEqual(cli("--no-raw", "ZRANGE", "z", "0", "-1", "WITHSCORES"),
                         '1) "a"\n2) "1"\n3) "b"\n4) "2.5"\n')
        self.assertEqual(cli("--no-raw", "ZPOPBYSCORE", "z", "1"), '"a"\n')


if __name__ == "__main__":
    harness.main()
