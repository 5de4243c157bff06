"""maxmemory and eviction against the real binary (issue 9): fill past the limit under each
policy and check that used_memory stays within 5% of maxmemory and that the right class of
keys went; noeviction's OOM error; the "evicted" keyspace event; INFO memory's fields."""
import time

import redis

import harness

LIMIT = 8 * 1024 * 1024
VALUE = "v" * 1000


def info(c, section, field):
    return int(c.info(section)[field])


class Eviction(harness.ServerTestCase):
    threads = 2

    def setUp(self):
        super().setUp()
        self.c = self.server.client()
        self.c.config_set("maxmemory", 0)
        self.c.flushall()
        self.c.config_set("maxmemory-policy", "noeviction")

    def fill(self, prefix, n, ex=None):
        """Writes n keys of 1000 bytes through a pipeline; returns how many got OOM."""
        oom = 0
        for start in range(0, n, 500):
            p = self.c.pipeline(transaction=False)
            for i in range(start, min(n, start + 500)):
                p.set("%s%d" % (prefix, i), VALUE, ex=ex)
            for r in p.execute(raise_on_error=False):
                if isinstance(r, redis.exceptions.ResponseError):
                    self.assertIn("OOM command not allowed when used memory > 'maxmemory'", str(r))
                    oom += 1
        return oom

    def existing(self, prefix, n):
        p = self.c.pipeline(transaction=False)
        for i in range(n):
            p.exists("%s%d" % (prefix, i))
        return sum(p.execute())

    def limit(self):
        """Sets maxmemory to used_memory + LIMIT (the server's own baseline stays out)."""
        used = info(self.c, "memory", "used_memory")
        self.c.config_set("maxmemory", used + LIMIT)
        return used + LIMIT

    def assert_within_limit(self, limit):
        used = info(self.c, "memory", "used_memory")
        self.assertLessEqual(used, limit * 1.05, "used %d, maxmemory %d" % (used, limit))

    def test_info_memory_fields(self):
        m = self.c.info("memory")
        for field in ("used_memory", "used_memory_human", "maxmemory", "maxmemory_policy",
                      "mem_fragmentation_ratio", "used_memory_rss"):
            self.assertIn(field, m)
        self.assertIn("evicted_keys", self.c.info("stats"))
        # used_memory follows what is stored, and RSS grows with it (mimalloc).
        before = self.c.info("memory")
        self.fill("k", 20000)
        after = self.c.info("memory")
        grown = after["used_memory"] - before["used_memory"]
        self.assertGreater(grown, 20000 * 1000)
        self.assertLess(grown, 20000 * 1300)
        # Every counted byte is resident (RSS can only be above it, by the allocator's
        # spare pages and the binary).
        self.assertGreater(after["used_memory_rss"], after["used_memory"])
        self.c.config_set("maxmemory", "100mb")
        self.assertEqual(self.c.config_get("maxmemory")["maxmemory"], str(100 * 1024 * 1024))
        self.assertEqual(info(self.c, "memory", "maxmemory"), 100 * 1024 * 1024)

    def test_noeviction_refuses_writes_and_keeps_data(self):
        limit = self.limit()
        evicted = info(self.c, "stats", "evicted_keys")
        oom = self.fill("k", 2 * LIMIT // 1000)
        self.assertGreater(oom, 0)
        self.assert_within_limit(limit)
        self.assertEqual(info(self.c, "stats", "evicted_keys"), evicted)
        stored = 2 * LIMIT // 1000 - oom
        self.assertEqual(self.existing("k", 2 * LIMIT // 1000), stored)
        self.assertEqual(self.c.get("k0"), VALUE.encode())
        # Freed buffers may have brought used_memory back under the limit: go well below.
        self.c.config_set("maxmemory", info(self.c, "memory", "used_memory") - (1 << 20))
        with self.assertRaises(redis.exceptions.ResponseError) as e:
            self.c.lpush("l", "x")
        self.assertIn("OOM", str(e.exception))
        self.c.delete("k0")  # deletes still run

    def test_allkeys_policies_stay_within_the_limit(self):
        for policy in ("allkeys-lru", "allkeys-lfu", "allkeys-random"):
            with self.subTest(policy=policy):
                self.c.config_set("maxmemory", 0)
                self.c.flushall()
                self.c.config_set("maxmemory-policy", policy)
                limit = self.limit()
                evicted = info(self.c, "stats", "evicted_keys")
                self.assertEqual(self.fill("k", 3 * LIMIT // 1000), 0)
                self.assert_within_limit(limit)
                self.assertGreater(info(self.c, "stats", "evicted_keys") - evicted, LIMIT // 1000)

    def test_allkeys_lru_keeps_a_hot_set(self):
        self.c.config_set("maxmemory-policy", "allkeys-lru")
        self.fill("hot", 200)
        limit = self.limit()
        for rnd in range(12):
            time.sleep(1.05)  # the LRU clock counts seconds
            p = self.c.pipeline(transaction=False)
            for i in range(200):
                p.get("hot%d" % i)
            p.execute()
            self.assertEqual(self.fill("new%d:" % rnd, 1500), 0)
            self.assert_within_limit(limit)
        self.assertGreater(info(self.c, "stats", "evicted_keys"), 5000)
        self.assertGreaterEqual(self.existing("hot", 200), 190)

    def test_volatile_policies_never_evict_keys_without_a_ttl(self):
        for policy in ("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"):
            with self.subTest(policy=policy):
                self.c.config_set("maxmemory", 0)
                self.c.flushall()
                self.c.config_set("maxmemory-policy", policy)
                self.fill("keep", 2000)
                limit = self.limit()
                self.assertEqual(self.fill("ttl", 2 * LIMIT // 1000, ex=3600), 0)
                self.assert_within_limit(limit)
                self.assertEqual(self.existing("keep", 2000), 2000)
                # Only keys without a TTL left to write over: OOM, and nothing of them goes.
                self.assertGreater(self.fill("plain", 2 * LIMIT // 1000), 0)
                self.assertEqual(self.existing("keep", 2000), 2000)
                self.assert_within_limit(limit)

    def test_evicted_keyspace_event(self):
        self.c.config_set("notify-keyspace-events", "Ee")
        sub = self.server.client().pubsub()
        sub.psubscribe("__keyevent@0__:evicted")
        self.assertIsNotNone(sub.get_message(timeout=5))
        self.c.config_set("maxmemory-policy", "allkeys-random")
        self.limit()
        self.fill("k", 2 * LIMIT // 1000)
        deadline = time.time() + 10
        msg = None
        while msg is None and time.time() < deadline:
            m = sub.get_message(timeout=0.5)
            if m is not None and m["type"] == "pmessage":
                msg = m
        self.assertIsNotNone(msg)
        self.assertEqual(msg["channel"], b"__keyevent@0__:evicted")
        self.assertTrue(msg["data"].startswith(b"k"))
        self.c.config_set("notify-keyspace-events", "")

    def test_object_freq_idletime_mtime(self):
        self.c.set("k", "v")
        before = int(time.time() * 1000)
        self.c.append("k", "w")
        mtime = int(self.c.execute_command("OBJECT", "MTIME", "k", infotype="mtime"))
        self.assertLessEqual(abs(mtime - before), 1000)
        self.assertEqual(self.c.object("idletime", "k"), 0)
        self.c.config_set("maxmemory-policy", "allkeys-lfu")
        self.c.set("f", "v")
        self.assertEqual(self.c.object("freq", "f"), 5)


if __name__ == "__main__":
    harness.main()
