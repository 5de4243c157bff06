"""Streams over a real socket (issue 5): XREAD BLOCK woken by an XADD from another client,
several consumers of one group each getting distinct entries through XREADGROUP BLOCK, and
XAUTOCLAIM taking over the entries of a consumer that died."""
import threading
import time

import harness


class Streams(harness.ServerTestCase):
    threads = 4

    def wait_blocked(self, n, cmd, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if sum(1 for c in self.r.client_list() if c["cmd"] == cmd) >= n:
                return
            time.sleep(0.01)
        self.fail("clients did not block")

    def test_xread_block_woken_by_xadd_from_another_client(self):
        self.r.xadd("events", {"old": "1"}, id="1-0")
        result, errors = [], []

        def reader():
            try:
                c = self.server.client()
                result.append(c.xread({"events": "$", "other": "$"}, block=10000))
                c.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        t = threading.Thread(target=reader)
        t.start()
        self.wait_blocked(1, "xread")
        writer = self.server.client()
        new_id = writer.xadd("events", {"new": "2"})
        t.join(timeout=15)
        self.assertEqual(errors, [])
        self.assertEqual(result, [[[b"events", [(new_id, {b"new": b"2"})]]]])
        writer.close()

    def test_xread_block_times_out_with_the_real_clock(self):
        start = time.time()
        self.assertIsNone(self.r.xread({"quiet": "$"}, block=300) or None)
        self.assertGreaterEqual(time.time() - start, 0.29)

    def test_consumers_in_one_group_get_distinct_entries(self):
        self.r.xgroup_create("jobs", "workers", id="$", mkstream=True)
        got, errors = [], []
        lock = threading.Lock()

        def worker(i):
            try:
                work(i)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        def work(i):
            c = self.server.client()
            for _ in range(10):
                reply = c.xreadgroup("workers", "w%d" % i, {"jobs": ">"}, count=1, block=10000)
                if not reply:
                    break
                for _, entries in reply:
                    for entry_id, fields in entries:
                        with lock:
                            got.append(fields[b"n"])
                        c.xack("jobs", "workers", entry_id)
                with lock:
                    if len(got) >= 20:
                        break
            c.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        self.wait_blocked(4, "xreadgroup")
        for n in range(20):
            self.r.xadd("jobs", {"n": str(n)})
        deadline = time.time() + 15
        while time.time() < deadline and len(got) < 20:
            time.sleep(0.02)
        # Wake any worker still blocked so the threads end.
        for n in range(20, 24):
            self.r.xadd("jobs", {"n": str(n)})
        for t in threads:
            t.join(timeout=15)
        self.assertEqual(errors, [])
        self.assertEqual(len(got), len(set(got)))  # no entry went to two consumers
        self.assertTrue({str(n).encode() for n in range(20)} <= set(got))
        self.assertEqual(self.r.xpending("jobs", "workers")["pending"], 0)

    def test_xautoclaim_after_a_consumer_dies(self):
        self.r.xgroup_create("tasks", "g", id="0", mkstream=True)
        ids = [self.r.xadd("tasks", {"t": str(n)}) for n in range(3)]
        dying = self.server.client()
        reply = dying.xreadgroup("g", "dying", {"tasks": ">"})
        self.assertEqual([e[0] for e in reply[0][1]], ids)
        dying.close()  # it never acknowledges
        time.sleep(0.2)
        survivor = self.server.client()
        cursor, claimed, deleted = survivor.execute_command(
            "XAUTOCLAIM", "tasks", "g", "survivor", "100", "0-0")
        self.assertEqual(cursor, b"0-0")
        self.assertEqual([e[0] for e in claimed], ids)
        self.assertEqual(deleted, [])
        pending = survivor.xpending_range("tasks", "g", "-", "+", 10)
        self.assertEqual({p["consumer"] for p in pending}, {b"survivor"})
        self.assertEqual([p["times_delivered"] for p in pending], [2, 2, 2])
        survivor.close()


if __name__ == "__main__":
    harness.main()
