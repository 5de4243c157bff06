"""Blocking pops over a real socket (issue 3): waiters on several threads woken by writers on
others, timeouts with the real clock, a pipeline held behind a blocked command, and
clients that disconnect while blocked (also while still blocking on another thread)."""
import socket
import threading
import time

import harness


class Blocking(harness.ServerTestCase):
    threads = 4

    def wait_blocked(self, n, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            clients = self.r.client_list()
            if sum(1 for c in clients if c["cmd"] in ("bzpopmin", "bzpopmax", "bzpopbyscore")) >= n:
                return
            time.sleep(0.01)
        self.fail("clients did not block")

    def test_waiters_on_many_connections_each_get_one_member(self):
        results, errors = [], []

        def consumer():
            try:
                c = self.server.client()
                results.append(c.bzpopmin(["q1", "q2"], timeout=10))
                c.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=consumer) for _ in range(8)]
        for t in threads:
            t.start()
        self.wait_blocked(8)
        for i in range(8):
            self.r.zadd("q1" if i % 2 else "q2", {"m%d" % i: i})
        for t in threads:
            t.join(timeout=15)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(r[1] for r in results), sorted(b"m%d" % i for i in range(8)))
        self.assertEqual(self.r.exists("q1", "q2"), 0)

    def test_timeout_with_the_real_clock(self):
        start = time.time()
        self.assertIsNone(self.r.bzpopmax("nothing", timeout=0.3))
        elapsed = time.time() - start
        self.assertGreaterEqual(elapsed, 0.29)
        self.assertLess(elapsed, 2.0)
        self.assertEqual(self.server.raw(b"BZPOPMIN nothing 0.05\r\n", 1.0), b"*-1\r\n")

    def test_pipeline_waits_behind_the_blocked_command(self):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
        s.sendall(b"BZPOPMIN pq 0\r\nPING\r\n")
        self.wait_blocked(1)
        s.settimeout(0.2)
        with self.assertRaises(socket.timeout):
            s.recv(100)  # nothing yet: PING waits for the blocked BZPOPMIN
        self.r.zadd("pq", {"x": 5})
        s.settimeout(5)
        data = b""
        deadline = time.time() + 5
        while not data.endswith(b"+PONG\r\n") and time.time() < deadline:
            data += s.recv(100)
        self.assertEqual(data, b"*3\r\n$2\r\npq\r\n$1\r\nx\r\n$1\r\n5\r\n+PONG\r\n")
        s.close()

    def test_bzpopbyscore_now_wakes_when_the_job_falls_due(self):
        lateness = []
        for _ in range(5):
            due_ms = int(time.time() * 1000) + 300
            self.r.zadd("sched", {"job": due_ms})
            reply = self.r.execute_command("BZPOPBYSCORE", "sched", "NOW", "5")
            woke_ms = time.time() * 1000
            self.assertEqual(reply[:2], [b"sched", b"job"])
            self.assertGreaterEqual(woke_ms, due_ms - 1)
            lateness.append(woke_ms - due_ms)
        lateness.sort()
        self.assertLess(lateness[len(lateness) // 2], 20, lateness)  # the median wake-up

    def test_disconnect_while_blocked_releases_the_client(self):
        base = self.r.info("clients")["connected_clients"]
        socks = []
        for _ in range(5):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
            s.sendall(b"BZPOPMIN gone 0\r\n")
            socks.append(s)
        self.wait_blocked(5)
        for s in socks:
            s.close()
        deadline = time.time() + 5
        while time.time() < deadline and self.r.info("clients")["connected_clients"] != base:
            time.sleep(0.02)
        self.assertEqual(self.r.info("clients")["connected_clients"], base)
        # Nobody is left waiting: a write stays where it is.
        self.r.zadd("gone", {"a": 1})
        time.sleep(0.05)
        self.assertEqual(self.r.zcard("gone"), 1)

    def test_client_kill_releases_a_blocked_client(self):
        base = self.r.info("clients")["connected_clients"]
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
        s.sendall(b"CLIENT ID\r\n")
        reply = s.recv(64)
        client_id = int(reply[1:reply.index(b"\r\n")])
        s.sendall(b"BLPOP killed 0\r\n")
        deadline = time.time() + 5
        while time.time() < deadline and not any(
                c["cmd"] == "blpop" for c in self.r.client_list()):
            time.sleep(0.01)
        self.assertEqual(self.r.client_kill_filter(_id=client_id), 1)
        deadline = time.time() + 5
        while time.time() < deadline and self.r.info("clients")["connected_clients"] != base:
            time.sleep(0.02)
        self.assertEqual(self.r.info("clients")["connected_clients"], base)
        # It waits no more: the element is not popped for a client that is gone.
        self.r.lpush("killed", "a")
        time.sleep(0.05)
        self.assertEqual(self.r.llen("killed"), 1)
        s.close()

    def test_clients_closing_as_they_block_on_other_threads(self):
        # A client that goes away while its command is still blocking on another shard's
        # thread (not yet parked at home) is released once it parks, never cancelled twice
        # (that crashed the server). Bounded: 3 s of clients on 8 threads.
        base = self.r.info("clients")["connected_clients"]
        stop = time.time() + 3

        def churn(i):
            n = 0
            while time.time() < stop:
                s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
                s.sendall(b"".join(b"BLPOP churn%d 0\r\n" % k for k in range(4)))
                if n % 2:  # a reset, not only an orderly close
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                s.close()
                n += 1

        self.assertEqual(harness.run_concurrently(churn, 8), [])
        self.assertTrue(self.server.alive())
        deadline = time.time() + 10
        while time.time() < deadline and self.r.info("clients")["connected_clients"] != base:
            time.sleep(0.05)
        self.assertEqual(self.r.info("clients")["connected_clients"], base)


if __name__ == "__main__":
    harness.main()
