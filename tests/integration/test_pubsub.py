"""Pub/Sub over real sockets (issue 9): publishers and subscribers on different threads
(counts and per-publisher order), patterns, RESP3 pushes (also to a client blocked in
BLPOP), RESP2 subscriber mode, and the clients that client-output-buffer-limit disconnects
(a slow subscriber; a normal client that never reads)."""
import socket
import time

import harness


def read_until(sock, needle, timeout=5.0):
    """Reads from sock until `needle` is in what was read, or the timeout; returns it."""
    data = b""
    deadline = time.time() + timeout
    sock.settimeout(0.2)
    while needle not in data and time.time() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        data += chunk
    return data


def collect(pubsub, n, timeout=20.0):
    """The next n messages (not confirmations) of a python3-redis PubSub."""
    got = []
    deadline = time.time() + timeout
    while len(got) < n and time.time() < deadline:
        m = pubsub.get_message(timeout=0.5)
        if m is not None and m["type"] in ("message", "pmessage"):
            got.append(m)
    return got


class PubSub(harness.ServerTestCase):
    threads = 4

    def subscriber(self, *channels, patterns=()):
        p = self.server.client().pubsub()
        if channels:
            p.subscribe(*channels)
        if patterns:
            p.psubscribe(*patterns)
        for _ in range(len(channels) + len(patterns)):  # the confirmations
            self.assertIsNotNone(p.get_message(timeout=5))
        return p

    def test_publishers_and_subscribers_on_different_threads(self):
        # Connections are spread over the 4 threads round robin.
        subs = [self.subscriber("ch") for _ in range(4)]
        publishers, per = 4, 300

        def publish(i):
            c = self.server.client()
            for n in range(per):
                self.assertEqual(c.publish("ch", "%d:%d" % (i, n)), 4)
            c.close()

        self.assertEqual(harness.run_concurrently(publish, publishers), [])
        for p in subs:
            got = collect(p, publishers * per)
            self.assertEqual(len(got), publishers * per)
            nxt = [0] * publishers
            for m in got:
                i, n = map(int, m["data"].decode().split(":"))
                self.assertEqual(n, nxt[i], "publisher %d out of order" % i)
                nxt[i] += 1
            p.close()

    def test_pattern_subscription(self):
        p = self.subscriber(patterns=("news.*",))
        self.assertEqual(self.r.publish("news.tech", "a"), 1)
        self.assertEqual(self.r.publish("sport", "b"), 0)
        got = collect(p, 1)
        self.assertEqual(got[0]["pattern"], b"news.*")
        self.assertEqual(got[0]["channel"], b"news.tech")
        self.assertEqual(got[0]["data"], b"a")
        self.assertEqual(self.r.pubsub_numpat(), 1)
        p.close()

    def test_resp3_push_over_raw_socket(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"HELLO 3\r\n")
            read_until(s, b"modules")
            s.sendall(b"SUBSCRIBE ch3\r\n")
            self.assertIn(b">3\r\n$9\r\nsubscribe\r\n$3\r\nch3\r\n:1\r\n",
                          read_until(s, b":1\r\n"))
            # RESP3: other commands still run while subscribed.
            s.sendall(b"SET k v\r\n")
            self.assertIn(b"+OK\r\n", read_until(s, b"+OK\r\n"))
            self.assertEqual(self.r.publish("ch3", "hi"), 1)
            self.assertIn(b">3\r\n$7\r\nmessage\r\n$3\r\nch3\r\n$2\r\nhi\r\n",
                          read_until(s, b"hi\r\n"))

    def test_resp2_subscriber_mode(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"SUBSCRIBE a\r\n")
            read_until(s, b":1\r\n")
            s.sendall(b"GET k\r\nPING\r\n")
            data = read_until(s, b"$0\r\n\r\n")
            self.assertIn(b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                          b"PING / QUIT / RESET are allowed in this context\r\n", data)
            self.assertIn(b"*2\r\n$4\r\npong\r\n$0\r\n\r\n", data)
            s.sendall(b"RESET\r\nGET k\r\n")
            self.assertIn(b"+RESET\r\n$-1\r\n", read_until(s, b"$-1\r\n"))

    def test_slow_subscriber_is_disconnected(self):
        self.r.config_set("client-output-buffer-limit", "pubsub 512kb 0 0")
        try:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", self.server.port))
            s.sendall(b"SUBSCRIBE slow\r\n")
            read_until(s, b":1\r\n")
            payload = "x" * 10000
            deadline = time.time() + 20
            gone = False
            while time.time() < deadline and not gone:  # never reads: falls behind
                for _ in range(100):
                    self.r.publish("slow", payload)
                gone = self.r.pubsub_numsub("slow")[0][1] == 0
            self.assertTrue(gone, "the slow subscriber was not disconnected")
            self.assertIn("overcoming of output buffer limits", self.server.read_log())
            # A subscriber that reads is unaffected.
            p = self.subscriber("slow")
            self.assertEqual(self.r.publish("slow", payload), 1)
            self.assertEqual(len(collect(p, 1)), 1)
            p.close()
            s.close()
        finally:
            self.r.config_set("client-output-buffer-limit", "pubsub 32mb 8mb 60")


def await_blocked(r, command, timeout=5.0):
    """Waits until some client's current command (CLIENT LIST cmd=) is `command`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(c.get("cmd") == command for c in r.client_list()):
            return True
        time.sleep(0.02)
    return False


class PushesWhileBlocked(harness.ServerTestCase):
    """RESP3 pushes are out of band: a client blocked in BLPOP gets them at once, and the
    blocked reply follows when it is served."""
    threads = 4

    def resp3_socket(self):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
        s.sendall(b"HELLO 3\r\n")
        read_until(s, b"modules")
        return s

    def test_invalidation_reaches_a_blocked_client(self):
        with self.resp3_socket() as s:
            s.sendall(b"CLIENT TRACKING ON\r\nGET k\r\n")
            read_until(s, b"_\r\n")
            s.sendall(b"BLPOP waitlist 5\r\n")
            self.assertTrue(await_blocked(self.r, "blpop"))
            self.r.set("k", "v2")
            data = read_until(s, b"k\r\n", timeout=1.0)
            self.assertIn(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n", data)
            self.assertNotIn(b"waitlist", data)  # BLPOP is still blocked
            self.r.lpush("waitlist", "x")
            self.assertIn(b"*2\r\n$8\r\nwaitlist\r\n$1\r\nx\r\n",
                          read_until(s, b"x\r\n"))

    def test_invalidation_reaches_other_blocking_commands(self):
        cases = [(b"BZPOPMIN waitz 5", "bzpopmin", lambda: self.r.zadd("waitz", {"m": 1}),
                  b"waitz"),
                 (b"XREAD BLOCK 5000 STREAMS waits $", "xread",
                  lambda: self.r.xadd("waits", {"f": "v"}), b"waits"),
                 (b"BZPOPBYSCORE waitq 100 5", "bzpopbyscore",
                  lambda: self.r.zadd("waitq", {"job": 1}), b"job")]
        with self.resp3_socket() as s:
            s.sendall(b"CLIENT TRACKING ON\r\n")
            read_until(s, b"+OK\r\n")
            for i, (command, name, wake, needle) in enumerate(cases):
                key = b"key%d" % i
                s.sendall(b"GET " + key + b"\r\n")
                read_until(s, b"_\r\n")
                s.sendall(command + b"\r\n")
                self.assertTrue(await_blocked(self.r, name), name)
                self.r.set(key, "new")
                data = read_until(s, key + b"\r\n", timeout=1.0)
                self.assertIn(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\n" + key, data, name)
                wake()
                self.assertIn(needle, read_until(s, needle, timeout=5.0), name)

    def test_message_reaches_a_blocked_subscriber(self):
        with self.resp3_socket() as s:
            s.sendall(b"SUBSCRIBE news\r\n")
            read_until(s, b":1\r\n")
            # RESP3 lets a subscriber run BLPOP; replies before it go out at once too.
            s.sendall(b"PING\r\nBLPOP sublist 5\r\n")
            self.assertIn(b"+PONG\r\n", read_until(s, b"+PONG\r\n", timeout=1.0))
            self.assertTrue(await_blocked(self.r, "blpop"))
            for i in range(3):
                self.assertEqual(self.r.publish("news", "m%d" % i), 1)
            data = read_until(s, b"m2\r\n", timeout=1.0)
            for i in range(3):  # in publish order
                self.assertIn(b">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nm%d\r\n" % i,
                              data)
            self.assertLess(data.index(b"m0"), data.index(b"m1"))
            self.assertLess(data.index(b"m1"), data.index(b"m2"))
            self.assertNotIn(b"sublist", data)
            self.r.lpush("sublist", "y")
            self.assertIn(b"*2\r\n$7\r\nsublist\r\n$1\r\ny\r\n", read_until(s, b"y\r\n"))


    def test_backlog_of_pushes_then_the_blocked_reply(self):
        # More pushes than the socket holds: the rest waits for EPOLLOUT while BLPOP stays
        # blocked, and the BLPOP reply comes after all of them.
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", self.server.port))
        s.settimeout(5)
        s.sendall(b"HELLO 3\r\n")
        read_until(s, b"modules")
        s.sendall(b"SUBSCRIBE bulk\r\n")
        read_until(s, b":1\r\n")
        s.sendall(b"BLPOP backlog 10\r\n")
        self.assertTrue(await_blocked(self.r, "blpop"))
        payload = b"p" * 10000
        n = 400
        for i in range(n):
            self.assertEqual(self.r.publish("bulk", b"%04d" % i + payload), 1)
        blocked = [c for c in self.r.client_list() if c.get("cmd") == "blpop"]
        self.assertGreater(int(blocked[0]["omem"]), 0)  # some of it waits for the socket
        self.r.lpush("backlog", "last")
        tail = b"*2\r\n$7\r\nbacklog\r\n$4\r\nlast\r\n"
        chunks, last, deadline = [], b"", time.time() + 20
        while not last.endswith(tail) and time.time() < deadline:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            last = (last + chunk)[-len(tail):]
        s.close()
        data = b"".join(chunks)
        self.assertTrue(data.endswith(tail), data[-200:])
        self.assertEqual(data.count(b">3\r\n$7\r\nmessage\r\n$4\r\nbulk\r\n"), n)
        self.assertLess(data.index(b"0398" + payload[:10]), data.index(b"0399" + payload[:10]))


class NormalOutputLimit(harness.ServerTestCase):
    """client-output-buffer-limit's normal class: a client that pipelines and never reads is
    closed, and the server keeps serving the others."""
    threads = 4

    def setUp(self):
        super().setUp()
        self.r.set("big", "x" * 100000)

    def tearDown(self):
        self.r.config_set("client-output-buffer-limit", "normal 0 0 0")
        super().tearDown()

    def greedy_client(self):
        """A socket that pipelines GETs of the 100 KB value and never reads; returns it
        and its CLIENT LIST addr."""
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", self.server.port))
        s.settimeout(5)
        addr = "127.0.0.1:%d" % s.getsockname()[1]
        deadline = time.time() + 5  # accepted (connect returns before the server accepts)
        while time.time() < deadline and not any(
                c.get("addr") == addr for c in self.r.client_list()):
            time.sleep(0.01)
        s.sendall(b"GET big\r\n" * 200 + b"INCR after\r\n")
        return s, addr

    def await_gone(self, addr, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not any(c.get("addr") == addr for c in self.r.client_list()):
                return True
            time.sleep(0.05)
        return False

    def test_default_is_unlimited(self):
        s, addr = self.greedy_client()
        time.sleep(1.5)  # past a sweep: nothing closes it
        self.assertFalse(self.await_gone(addr, timeout=0.5))
        s.close()

    def test_hard_limit_closes_a_client_that_does_not_read(self):
        self.r.config_set("client-output-buffer-limit", "normal 1mb 0 0")
        s, addr = self.greedy_client()
        self.assertTrue(self.await_gone(addr), "the greedy client was not disconnected")
        self.assertIn("closed for overcoming of output buffer limits", self.server.read_log())
        s.close()
        # As Redis, nothing after the limit was reached ran.
        self.assertIsNone(self.r.get("after"))
        # The others are served, big replies included (each under the limit).
        c = self.server.client()
        for _ in range(20):
            self.assertEqual(len(c.get("big")), 100000)
        self.assertTrue(c.ping())
        c.close()

    def test_soft_limit_closes_after_its_seconds(self):
        self.r.config_set("client-output-buffer-limit", "normal 0 200kb 1")
        s, addr = self.greedy_client()
        # Stuck over the soft limit with no new output: the once-a-second sweep closes it.
        self.assertTrue(self.await_gone(addr), "the stuck client was not disconnected")
        s.close()
        self.assertTrue(self.r.ping())


class KeyspaceEvents(harness.ServerTestCase):
    threads = 4

    def test_set_del_and_expired_events(self):
        self.r.config_set("notify-keyspace-events", "KEA")
        try:
            p = self.server.client().pubsub()
            p.psubscribe("__key*__:*")
            self.assertIsNotNone(p.get_message(timeout=5))
            # Keys on every shard: events come from the owning shards' threads.
            for i in range(8):
                self.r.set("k%d" % i, "v")
            for i in range(8):
                self.r.delete("k%d" % i)
            self.r.set("ttl", "v", px=50)
            got = collect(p, 8 * 4 + 4 + 2)
            events = [(m["channel"].decode(), m["data"].decode()) for m in got]
            for i in range(8):
                self.assertIn(("__keyevent@0__:set", "k%d" % i), events)
                self.assertIn(("__keyspace@0__:k%d" % i, "set"), events)
                self.assertIn(("__keyevent@0__:del", "k%d" % i), events)
            # Per key, set comes before del.
            self.assertLess(events.index(("__keyevent@0__:set", "k3")),
                            events.index(("__keyevent@0__:del", "k3")))
            # Active expiry deletes "ttl" by itself within the wait.
            self.assertIn(("__keyevent@0__:expired", "ttl"), events)
            self.assertIn(("__keyspace@0__:ttl", "expired"), events)
            p.close()
        finally:
            self.r.config_set("notify-keyspace-events", "")


class Tracking(harness.ServerTestCase):
    threads = 4

    def test_resp2_redirect_invalidation(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as listener:
            listener.sendall(b"CLIENT ID\r\n")
            reply = read_until(listener, b"\r\n")
            listener_id = int(reply[1:reply.index(b"\r\n")])
            listener.sendall(b"SUBSCRIBE __redis__:invalidate\r\n")
            read_until(listener, b":1\r\n")
            cache = self.server.client()
            cache.execute_command("CLIENT", "TRACKING", "ON", "REDIRECT", listener_id)
            for i in range(8):  # keys on every shard
                cache.get("key%d" % i)
            for i in range(8):
                self.r.set("key%d" % i, "new")
            data = read_until(listener, b"key7\r\n")
            for i in range(8):
                self.assertIn(b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"
                              b"*1\r\n$4\r\nkey%d\r\n" % i, data)
            cache.close()

    def test_resp3_invalidation_push(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"HELLO 3\r\n")
            read_until(s, b"modules")
            s.sendall(b"CLIENT TRACKING ON\r\nGET cached\r\n")
            read_until(s, b"_\r\n")
            self.r.set("cached", "v")
            self.assertIn(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\ncached\r\n",
                          read_until(s, b"cached\r\n"))


if __name__ == "__main__":
    harness.main()
