"""Lists over a real socket with 4 threads: clients blocked in BLPOP served in the order
they blocked, BLMOVE between keys that live on different shards, and a producer with four
BLPOP consumers where every item is delivered exactly once. Every wait is bounded."""
import threading
import time

import harness


class Lists(harness.ServerTestCase):
    threads = 4

    def blocked(self, cmds=("blpop", "brpop", "blmove", "brpoplpush", "blmpop")):
        return sum(1 for c in self.r.client_list() if c["cmd"] in cmds)

    def wait_blocked(self, n, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.blocked() >= n:
                return
            time.sleep(0.01)
        self.fail("clients did not block")

    def test_basic_commands(self):
        r = self.r
        self.assertEqual(r.rpush("l", "a", "b", "c"), 3)
        self.assertEqual(r.lpush("l", "z"), 4)
        self.assertEqual(r.lrange("l", 0, -1), [b"z", b"a", b"b", b"c"])
        self.assertEqual(r.lpop("l", 2), [b"z", b"a"])
        self.assertEqual(r.execute_command("LPOS", "l", "c"), 1)
        self.assertEqual(r.object("encoding", "l"), b"listpack")
        self.assertEqual(self.server.raw(b"RPOP missing 2\r\n", 0.5), b"*-1\r\n")
        self.assertEqual(self.server.raw(b"LPOP missing\r\n", 0.5), b"$-1\r\n")

    def test_blocked_clients_served_in_fifo_order(self):
        results, errors = {}, []

        def consumer(i):
            try:
                c = self.server.client()
                results[i] = c.blpop(["fifo"], timeout=10)
                c.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = []
        for i in range(5):
            t = threading.Thread(target=consumer, args=(i,))
            t.start()
            threads.append(t)
            self.wait_blocked(i + 1)  # each blocks before the next starts
        self.r.rpush("fifo", *["item%d" % i for i in range(5)])
        for t in threads:
            t.join(timeout=15)
        self.assertEqual(errors, [])
        self.assertEqual(results, {i: (b"fifo", b"item%d" % i) for i in range(5)})
        self.assertEqual(self.r.exists("fifo"), 0)

    def test_blmove_across_shards(self):
        # BLMOVE and BRPOPLPUSH to eight destinations without a common tag: with 4 shards, most
        # live on another shard than the source.
        for i in range(8):
            dst = "moved%d" % i
            out = []
            c = self.server.client()
            if i % 2:
                t = threading.Thread(target=lambda: out.append(c.brpoplpush("source", dst, 10)))
            else:
                t = threading.Thread(target=lambda: out.append(
                    c.blmove("source", dst, timeout=10, src="LEFT", dest="RIGHT")))
            t.start()
            self.wait_blocked(1)
            self.r.rpush("source", "v%d" % i)
            t.join(timeout=15)
            c.connection_pool.disconnect()  # close() keeps the pooled connection open
            self.assertEqual(out, [b"v%d" % i])
            self.assertEqual(self.r.lrange(dst, 0, -1), [b"v%d" % i])
            self.assertEqual(self.r.exists("source"), 0)
            deadline = time.time() + 5
            while self.blocked() > 0 and time.time() < deadline:
                time.sleep(0.01)
        # A timeout answers a null array, as Redis does.
        self.assertEqual(self.server.raw(b"BLMOVE nothing dst LEFT LEFT 0.05\r\n", 1.0), b"*-1\r\n")

    def test_producer_and_consumers_deliver_each_item_once(self):
        items = 400
        got, errors = [], []
        lock = threading.Lock()

        def consumer():
            try:
                c = self.server.client()
                while True:
                    reply = c.blpop(["jobs", "jobs-other"], timeout=2)
                    if reply is None:
                        break
                    if reply[1] == b"stop":
                        break
                    with lock:
                        got.append(reply[1])
                c.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        consumers = [threading.Thread(target=consumer) for _ in range(4)]
        for t in consumers:
            t.start()
        producer = self.server.client()
        for i in range(items):
            producer.rpush("jobs" if i % 3 else "jobs-other", "job%d" % i)
        deadline = time.time() + 20
        while time.time() < deadline:
            with lock:
                if len(got) >= items:
                    break
            time.sleep(0.01)
        for _ in consumers:
            producer.rpush("jobs", "stop")
        for t in consumers:
            t.join(timeout=15)
        producer.close()
        self.assertEqual(errors, [])
        self.assertEqual(len(got), items)
        self.assertEqual(sorted(got), sorted(b"job%d" % i for i in range(items)))
        self.assertEqual(self.r.exists("jobs", "jobs-other"), 0)


if __name__ == "__main__":
    harness.main()
