"""MULTI/EXEC/WATCH over a real socket with python3-redis (issue 4): its transactional
pipeline, its optimistic-locking helper, and EXEC over keys on every shard, atomic against
concurrent readers on other connections."""
import redis

import harness


class Transactions(harness.ServerTestCase):
    threads = 4

    def test_transactional_pipeline(self):
        p = self.r.pipeline(transaction=True)
        p.set("a", 1).incr("a").hset("h", "f", "v").hgetall("h").get("a")
        self.assertEqual(p.execute(), [True, 2, 1, {b"f": b"v"}, b"2"])

    def test_queueing_error_aborts(self):
        p = self.r.pipeline(transaction=True)
        p.set("a", 1).execute_command("NOSUCHCOMMAND")
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            p.execute()
        # redis-py reports the queued command's error that made EXEC answer EXECABORT.
        self.assertIn("unknown command 'NOSUCHCOMMAND'", str(cm.exception))
        self.assertIsNone(self.r.get("a"))

    def test_runtime_error_does_not_roll_back(self):
        p = self.r.pipeline(transaction=True)
        p.set("a", "x").incr("a").set("b", "y")
        result = p.execute(raise_on_error=False)
        self.assertEqual(result[0], True)
        self.assertIsInstance(result[1], redis.exceptions.ResponseError)
        self.assertEqual(self.r.mget("a", "b"), [b"x", b"y"])

    def test_watch_helper_retries_until_it_wins(self):
        """redis-py's transaction() retries on WatchError: 8 clients each add 50 to one
        counter through WATCH/GET/MULTI/SET/EXEC; no increment is lost."""
        self.r.set("counter", 0)

        def worker(_):
            c = self.server.client()
            for _ in range(50):
                def add(pipe):
                    value = int(pipe.get("counter"))
                    pipe.multi()
                    pipe.set("counter", value + 1)
                c.transaction(add, "counter")
            c.close()

        self.assertEqual(harness.run_concurrently(worker, 8), [])
        self.assertEqual(int(self.r.get("counter")), 400)

    def test_watched_key_changed_elsewhere_fails_exec(self):
        with self.r.pipeline() as p:
            p.watch("w")
            self.server.client().set("w", "changed")
            p.multi()
            p.set("x", 1)
            with self.assertRaises(redis.exceptions.WatchError):
                p.execute()
        self.assertIsNone(self.r.get("x"))

    def test_exec_over_every_shard_is_atomic_for_readers(self):
        keys = ["acct:%d" % i for i in range(16)]
        self.r.mset({k: 0 for k in keys})
        def writes(c):
            for _ in range(200):
                p = c.pipeline(transaction=True)
                for k in keys:
                    p.incr(k)
                p.execute()

        errors, torn = harness.torn_reads(self.server, keys, writes)
        self.assertEqual(errors, [])
        self.assertEqual(torn, [])
        self.assertEqual(self.r.mget(keys), [b"200"] * len(keys))


if __name__ == "__main__":
    harness.main()
