"""Shared support for integration tests: start build/shoal-server on a free loopback port,
talk to it with redis-cli and Debian's python3-redis, and stop only the server we started.

Each test file runs as `python3 test_x.py --server path/to/shoal-server [unittest args]`.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import redis

SERVER = None


def run_concurrently(target, n, timeout=60):
    """Runs target(i) on n threads at once; returns the exceptions they raised, as
    strings (an empty list when all went well). Waits at most `timeout` seconds each."""
    errors = []

    def run(i):
        try:
            target(i)
        except Exception as e:  # noqa: BLE001 - returned to the caller
            errors.append(repr(e))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    if any(t.is_alive() for t in threads):
        errors.append("threads still running after %ss" % timeout)
    return errors


def torn_reads(server, keys, writes, readers=3):
    """Runs writes(client) on one thread while `readers` clients MGET `keys` in a loop;
    returns (errors, torn): the readers' MGET results whose values differ."""
    torn = []
    done = threading.Event()

    def run(i):
        c = server.client()
        if i == 0:
            writes(c)
            done.set()
        else:
            for _ in range(3000):
                if done.is_set():
                    break
                values = c.mget(keys)
                if len(set(values)) != 1:
                    torn.append(values)
        c.close()

    return run_concurrently(run, readers + 1), torn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A shoal-server child process on 127.0.0.1:<free port>."""

    def __init__(self, *args, threads=2, config_text=None, password=None):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="shoal-test-")
        self.log = open(os.path.join(self.dir, "server.log"), "w+")
        cmd = [SERVER]
        if config_text is not None:
            path = os.path.join(self.dir, "shoal.conf")
            with open(path, "w") as f:
                f.write(config_text)
            cmd.append(path)
        cmd += ["--port", str(self.port), "--bind", "127.0.0.1", "--threads", str(threads),
                "--dir", self.dir, *args]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.read_log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64)[:1] in (b"+", b"-"):  # PONG, or NOAUTH with a password
                        return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("server did not answer PING in 10 s")

    def client(self, **kw):
        kw.setdefault("socket_timeout", 10)
        return redis.Redis(host="127.0.0.1", port=self.port, **kw)

    def cli(self, *args, input=None):
        """Runs redis-cli against the server; returns its stdout."""
        out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *args],
                             input=input, capture_output=True, timeout=60)
        return out.stdout.decode(errors="replace")

    def raw(self, data, read_timeout=2.0, port=None):
        """Sends raw bytes on a fresh socket (to `port`, by default the RESP port); returns
        what came back until close, reset or timeout."""
        with socket.create_connection(("127.0.0.1", port or self.port), timeout=read_timeout) as s:
            s.sendall(data)
            chunks = []
            end = time.time() + read_timeout
            while time.time() < end:
                try:
                    b = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not b:
                    break
                chunks.append(b)
            return b"".join(chunks)

    def alive(self):
        return self.proc.poll() is None

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


class ServerTestCase(unittest.TestCase):
    """One server for the whole class; `self.r` is a python3-redis client to it."""
    server_args = ()
    threads = 2

    @classmethod
    def setUpClass(cls):
        cls.server = ServerProcess(*cls.server_args, threads=cls.threads)
        cls.r = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.r.close()
        cls.server.stop()

    def setUp(self):
        self.r.flushall()


def main():
    global SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    args, rest = parser.parse_known_args()
    SERVER = os.path.abspath(args.server)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
