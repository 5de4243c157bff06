"""The foundation over a real socket: pipelining, RESP3, many clients, cross-shard
atomicity, active expiry, and bad input (issue 2)."""
import socket
import threading
import time
import unittest

import harness


class Basics(harness.ServerTestCase):
    threads = 4

    def test_ping_inline_and_multibulk(self):
        self.assertEqual(self.server.raw(b"PING\r\n", 0.3), b"+PONG\r\n")
        self.assertEqual(self.server.raw(b"*1\r\n$4\r\nPING\r\n", 0.3), b"+PONG\r\n")
        self.assertTrue(self.r.ping())

    def test_pipeline_of_10000_commands(self):
        p = self.r.pipeline(transaction=False)
        for i in range(10000):
            p.set("k%d" % i, i)
        for i in range(10000):
            p.get("k%d" % i)
        out = p.execute()
        self.assertEqual(out[:10000], [True] * 10000)
        self.assertEqual(out[10000:], [str(i).encode() for i in range(10000)])
        self.assertEqual(self.r.dbsize(), 10000)

    def test_redis_cli_pipe_mode(self):
        data = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$1\r\nv\r\n" % (len(b"key:%d" % i), i)
                        for i in range(5000))
        out = self.server.cli("--pipe", input=data)
        self.assertIn("errors: 0, replies: 5000", out)
        self.assertEqual(self.r.dbsize(), 5000)

    def test_resp3_after_hello_3(self):
        reply = self.server.raw(b"HELLO 3\r\nSET a 1\r\nGET missing\r\nGET a\r\n", 0.5)
        self.assertTrue(reply.startswith(b"%"), reply)
        self.assertIn(b"$5\r\nproto\r\n:3\r\n", reply)
        self.assertTrue(reply.endswith(b"+OK\r\n_\r\n$1\r\n1\r\n"), reply)
        # RESP2 again by default on a new connection
        self.assertEqual(self.server.raw(b"GET missing\r\n", 0.3), b"$-1\r\n")

    def test_200_concurrent_clients(self):
        errors = []

        def worker(n):
            try:
                c = self.server.client()
                for i in range(50):
                    c.incr("counter")
                    c.set("c%d" % n, i)
                    if c.get("c%d" % n) != str(i).encode():
                        errors.append("read own write failed")
                c.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(int(self.r.get("counter")), 200 * 50)

    def test_mset_is_atomic_for_mget_readers(self):
        keys = ["atom:%d" % i for i in range(8)]  # spread over the 4 shards
        self.r.mset({k: 0 for k in keys})
        stop = time.time() + 3
        mixed = []

        def writer(w):
            c = self.server.client()
            v = 0
            while time.time() < stop:
                v += 1
                c.mset({k: "%d-%d" % (w, v) for k in keys})
            c.close()

        def reader():
            c = self.server.client()
            while time.time() < stop:
                vals = c.mget(keys)
                if len(set(vals)) != 1:
                    mixed.append(vals)
            c.close()

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
        threads += [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(mixed[:3], [])

    def test_active_expiry_frees_10000_keys(self):
        p = self.r.pipeline(transaction=False)
        for i in range(10000):
            p.set("ttl:%d" % i, "v", px=100)
        p.execute()
        start = time.time()
        deadline = start + 5
        while time.time() < deadline and self.r.dbsize() > 0:
            time.sleep(0.01)
        elapsed = time.time() - start
        self.assertEqual(self.r.dbsize(), 0)
        # 100 ms TTL: gone within 300 ms of being set (generous for a shared machine: 1 s)
        self.assertLess(elapsed, 1.0)

    def test_malformed_requests_get_protocol_errors(self):
        cases = {
            b"*abc\r\n": b"-ERR Protocol error: invalid multibulk length\r\n",
            b"*1\r\n$abc\r\n": b"-ERR Protocol error: invalid bulk length\r\n",
            b"*1\r\nfoo\r\n": b"-ERR Protocol error: expected '$', got 'f'\r\n",
            b"*1\r\n$99999999999\r\n": b"-ERR Protocol error: invalid bulk length\r\n",
            b"*9999999999\r\n": b"-ERR Protocol error: invalid multibulk length\r\n",
            b'SET "a b\r\n': b"-ERR Protocol error: unbalanced quotes in request\r\n",
        }
        self.r.set("safe", "kept")
        for request, expected in cases.items():
            self.assertEqual(self.server.raw(request, 1.0), expected, request)
        self.assertEqual(self.r.get("safe"), b"kept")
        self.assertTrue(self.server.alive())

    def test_disconnect_in_the_middle_of_a_bulk_string(self):
        self.r.set("safe", "kept")
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", self.server.port))
            s.sendall(b"*3\r\n$3\r\nSET\r\n$4\r\nsafe\r\n$100\r\nonly-part")
            s.close()
        # a huge announced bulk, then gone
        s = socket.create_connection(("127.0.0.1", self.server.port))
        s.sendall(b"*3\r\n$3\r\nSET\r\n$4\r\nsafe\r\n$500000000\r\n" + b"x" * 100000)
        s.close()
        self.assertEqual(self.r.get("safe"), b"kept")
        self.assertTrue(self.server.alive())

    def test_closed_connections_are_released(self):
        for _ in range(50):
            self.assertEqual(self.server.raw(b"PING\r\n", 0.2), b"+PONG\r\n")
        for _ in range(20):
            self.server.cli("set", "k", "v")
        deadline = time.time() + 5
        while time.time() < deadline and self.r.info("clients")["connected_clients"] != 1:
            time.sleep(0.05)
        self.assertEqual(self.r.info("clients")["connected_clients"], 1)
        self.assertEqual(self.r.client_list()[0]["cmd"], "client|list")

    def test_unknown_command_and_wrong_arity(self):
        with self.assertRaises(Exception) as e:
            self.r.execute_command("NOSUCH", "a", "b")
        self.assertIn("unknown command 'NOSUCH', with args beginning with: 'a' 'b'", str(e.exception))
        with self.assertRaises(Exception) as e:
            self.r.execute_command("GET")
        self.assertIn("wrong number of arguments for 'get' command", str(e.exception))

    def test_redis_benchmark_runs_clean(self):
        import subprocess
        out = subprocess.run(["redis-benchmark", "-p", str(self.server.port), "-t", "set,get,incr,mset",
                              "-n", "2000", "-q", "-c", "10"], capture_output=True, timeout=120)
        text = out.stdout.decode()
        for name in ("SET", "GET", "INCR", "MSET"):
            self.assertIn(name, text)
        self.assertNotIn("ERR", text + out.stderr.decode())

    def test_redis_benchmark_default_tests_run_clean(self):
        """Issue 5: redis-benchmark's default test list (lists, sets, hashes, sorted sets,
        LRANGE, MSET) completes with no error reply."""
        import subprocess
        self.r.config_resetstat()
        out = subprocess.run(["redis-benchmark", "-p", str(self.server.port), "-n", "20000", "-q"],
                             capture_output=True, timeout=280)
        text = out.stdout.decode().replace("\r", "\n")
        for name in ("PING_INLINE", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD",
                     "HSET", "SPOP", "ZADD", "ZPOPMIN", "LRANGE_600", "MSET"):
            self.assertIn(name + " ", text.replace(":", " "))
        self.assertNotIn("ERR", text + out.stderr.decode())
        self.assertEqual(self.r.info("stats")["total_error_replies"], 0)


if __name__ == "__main__":
    harness.main()
