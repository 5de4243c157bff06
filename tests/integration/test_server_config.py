"""The server process: config file and flags, AUTH, idle timeout, maxclients, and a clean
exit on SIGTERM and SHUTDOWN (issue 2)."""
import signal
import socket
import time
import unittest

import redis

import harness


class Config(unittest.TestCase):
    def test_file_then_flags_and_unknown_directives(self):
        conf = 'databases 4\n# a comment\nmaxclients "50"\nsome-future-directive yes\ntimeout 0\n'
        srv = harness.ServerProcess("--maxclients", "60", config_text=conf)
        try:
            r = srv.client()
            self.assertEqual(r.config_get("databases"), {"databases": "4"})
            self.assertEqual(r.config_get("maxclients"), {"maxclients": "60"})  # the flag wins
            with self.assertRaises(redis.ResponseError):
                r.select(4)
            self.assertIn("unknown directive 'some-future-directive'", srv.read_log())
        finally:
            srv.stop()

    def test_bad_config_value_refuses_to_start(self):
        with self.assertRaises(RuntimeError):
            harness.ServerProcess("--port", "notanumber")

    def test_requirepass(self):
        srv = harness.ServerProcess("--requirepass", "s3cret")
        try:
            r = srv.client()
            with self.assertRaises(redis.AuthenticationError):
                r.get("k")
            self.assertTrue(srv.client(password="s3cret").set("k", "v"))
            self.assertEqual(srv.client(password="s3cret").get("k"), b"v")
            with self.assertRaises((redis.AuthenticationError, redis.ResponseError)) as e:
                srv.client(password="wrong").get("k")
            self.assertIn("WRONGPASS", str(e.exception))
        finally:
            srv.stop()

    def test_idle_timeout_closes_clients(self):
        srv = harness.ServerProcess("--timeout", "1")
        try:
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            s.sendall(b"PING\r\n")
            self.assertEqual(s.recv(16), b"+PONG\r\n")
            start = time.time()
            self.assertEqual(s.recv(16), b"")  # closed by the server
            self.assertLess(time.time() - start, 4)
            s.close()
        finally:
            srv.stop()

    def test_maxclients(self):
        srv = harness.ServerProcess("--maxclients", "3")
        try:
            conns = []
            for _ in range(3):
                c = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                c.sendall(b"PING\r\n")
                self.assertEqual(c.recv(16), b"+PONG\r\n")
                conns.append(c)
            extra = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            self.assertEqual(extra.recv(64), b"-ERR max number of clients reached\r\n")
            extra.close()
            for c in conns:
                c.close()
        finally:
            srv.stop()

    def test_sigterm_exits_cleanly(self):
        srv = harness.ServerProcess()
        srv.client().set("k", "v")
        srv.proc.send_signal(signal.SIGTERM)
        self.assertEqual(srv.proc.wait(timeout=10), 0)
        srv.stop()

    def test_shutdown_command(self):
        srv = harness.ServerProcess()
        try:
            srv.cli("shutdown", "nosave")
            self.assertEqual(srv.proc.wait(timeout=10), 0)
        finally:
            srv.stop()


if __name__ == "__main__":
    harness.main()
