"""RDB snapshots against Debian's Redis 7.0 (issue 6): a dump.rdb written by redis-server
loads into Shoal with identical content; Shoal's dump passes redis-check-rdb and loads
back into redis-server identically; a restart (SHUTDOWN SAVE, SIGTERM with save rules, the
save rules before a kill -9) keeps every type and TTL, and OBJECT MTIME."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import redis

import harness

REDIS_SERVER = "/usr/bin/redis-server"
CHECK_RDB = shutil.which("redis-check-rdb") or "/usr/bin/redis-check-rdb"


class RedisProcess:
    """Debian's redis-server on 127.0.0.1:<free port> in `directory`, with no save rules
    and no AOF unless `args` (more options, which win) say otherwise."""

    def __init__(self, directory, *args):
        self.port = harness.free_port()
        self.log = open(os.path.join(directory, "redis.log"), "w+")
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", directory,
             "--save", "", "--appendonly", "no", "--daemonize", "no", *args],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("redis-server exited: " + self.read_log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not answer PING in 10 s")

    # The same as the harness's: they use only port, proc and log.
    client = harness.ServerProcess.client
    read_log = harness.ServerProcess.read_log
    stop = harness.ServerProcess.stop


def fill(r):
    """Every type, in its small and large encodings, with TTLs, in two databases."""
    r.set("str", "hello")
    r.set("int", 12345)
    r.set("bigint", -9223372036854775808)
    r.set("notint", "012")
    r.set("empty", "")
    r.set("long", "L" * 100000)
    r.set("compressible", "abc" * 5000)  # written LZF-compressed by Redis
    r.set("ttl", "v", px=500000)
    r.hset("hsmall", mapping={"f1": "v1", "f2": "2"})
    r.hset("hbig", mapping={"field%d" % i: "value%d" % i for i in range(1000)})
    r.expire("hbig", 1000)
    r.sadd("sint", 1, 2, -3, 100000)
    r.sadd("sstr", "a", "b", "c")
    r.sadd("sbig", *["member%d" % i for i in range(1000)])
    r.sadd("sbigint", *range(0, 7000, 7))
    r.zadd("zsmall", {"a": 1.5, "b": float("-inf"), "c": float("inf"), "d": 3})
    r.zadd("zbig", {"m%d" % i: i * 0.25 for i in range(1000)})
    r.rpush("lsmall", "a", 1, "b", -2)
    r.rpush("lbig", *[str(i) if i % 3 == 0 else "item%d%s" % (i, "x" * (i % 50))
                      for i in range(1000)])
    r.rpush("lbig", "P" * 20000)  # a plain quicklist node
    r.xadd("stream", {"a": 1, "b": 2}, id="1-1")
    for i in range(2, 250):
        r.xadd("stream", {"f": i}, id="%d-0" % i)
    r.xdel("stream", "5-0")
    r.xgroup_create("stream", "g1", id="0")
    r.xgroup_create("stream", "g2", id="$")
    r.xreadgroup("g1", "alice", {"stream": ">"}, count=3)
    r.xreadgroup("g1", "bob", {"stream": ">"}, count=2)
    r.xack("stream", "g1", "1-1")
    r.xadd("emptystream", {"a": "b"}, id="1-1")
    r.xdel("emptystream", "1-1")
    r.execute_command("SELECT", 3)
    r.set("db3", "x")
    r.execute_command("SELECT", 0)


def describe(r):
    """What a client sees of every key in every database: {(db, key): (type, content, pttl)}."""
    out = {}
    for db in range(16):
        r.execute_command("SELECT", db)
        for key in r.keys("*"):
            t = r.type(key).decode()
            if t == "string":
                content = r.get(key)
            elif t == "hash":
                content = sorted(r.hgetall(key).items())
            elif t == "set":
                content = sorted(r.smembers(key))
            elif t == "zset":
                content = r.zrange(key, 0, -1, withscores=True)
            elif t == "list":
                content = r.lrange(key, 0, -1)
            elif t == "stream":
                info = r.xinfo_stream(key)
                groups = []
                for g in r.xinfo_groups(key):
                    pending = [(p["message_id"], p["consumer"], p["times_delivered"]) for p in
                               r.xpending_range(key, g["name"], "-", "+", 1000)]
                    groups.append((g["name"], g["consumers"], g["pending"],
                                   g["last-delivered-id"], g.get("entries-read"), g.get("lag"),
                                   pending))
                content = (r.xrange(key), info["length"], info["last-generated-id"],
                           info.get("max-deleted-entry-id"), info.get("entries-added"), groups)
            else:
                content = None
            out[(db, key)] = (t, content, r.pttl(key))
    r.execute_command("SELECT", 0)
    return out


class Rdb(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shoal-rdb-")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            p.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def shoal(self, *args, threads=4):
        p = harness.ServerProcess("--dir", self.dir, *args, threads=threads)
        self.procs.append(p)
        return p

    def redis(self):
        p = RedisProcess(self.dir)
        self.procs.append(p)
        return p

    def assertSameData(self, expected, actual):
        self.assertEqual(set(expected), set(actual))
        for key, (t, content, pttl) in expected.items():
            at, acontent, apttl = actual[key]
            self.assertEqual((t, content), (at, acontent), key)
            if pttl < 0:
                self.assertEqual(pttl, apttl, key)
            else:
                self.assertLess(abs(pttl - apttl), 5000, key)

    def test_redis_dump_loads_into_shoal_and_back(self):
        rs = self.redis()
        r = rs.client()
        fill(r)
        expected = describe(r)
        self.assertTrue(r.save())
        r.close()
        rs.stop()
        self.procs.remove(rs)

        shoal = self.shoal()
        s = shoal.client()
        self.assertSameData(expected, describe(s))
        self.assertEqual(s.object("encoding", "hsmall"), b"listpack")
        self.assertEqual(s.object("encoding", "hbig"), b"hashtable")
        self.assertEqual(s.object("encoding", "sint"), b"intset")
        self.assertEqual(s.object("encoding", "zbig"), b"skiplist")
        os.remove(os.path.join(self.dir, "dump.rdb"))
        self.assertTrue(s.save())
        self.assertLessEqual(abs(s.lastsave().timestamp() - time.time()), 5)
        s.close()
        shoal.stop()
        self.procs.remove(shoal)

        self.check_and_load_into_redis(expected)

    def check_and_load_into_redis(self, expected):
        """redis-check-rdb accepts dump.rdb, and redis-server loads `expected` from it.
        Returns redis-check-rdb's output."""
        check = subprocess.run([CHECK_RDB, os.path.join(self.dir, "dump.rdb")],
                               capture_output=True, timeout=60)
        out = check.stdout.decode(errors="replace")
        self.assertEqual(check.returncode, 0, out)
        self.assertIn("RDB looks OK", out)
        rs = self.redis()
        r = rs.client()
        self.assertSameData(expected, describe(r))
        r.close()
        return out

    def test_bgsave_dump_loads_into_redis(self):
        shoal = self.shoal()
        s = shoal.client()
        fill(s)
        expected = describe(s)
        s.bgsave()
        deadline = time.time() + 30
        while s.info("persistence")["rdb_bgsave_in_progress"] != 0 and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(s.info("persistence")["rdb_last_bgsave_status"], "ok")
        s.close()
        shoal.stop()
        self.procs.remove(shoal)
        rs = self.redis()
        r = rs.client()
        self.assertSameData(expected, describe(r))
        r.close()

    def restart(self, shoal, *args):
        shoal.stop()
        self.procs.remove(shoal)
        return self.shoal(*args)

    def test_restart_after_shutdown_save(self):
        shoal = self.shoal()
        s = shoal.client()
        fill(s)
        expected = describe(s)
        try:
            s.shutdown(save=True)
        except redis.exceptions.ConnectionError:
            pass
        shoal.proc.wait(timeout=30)
        s.close()
        shoal = self.restart(shoal)
        s = shoal.client()
        self.assertSameData(expected, describe(s))
        s.close()

    def test_restart_after_sigterm_with_save_rules(self):
        shoal = self.shoal("--save", "3600 1")
        s = shoal.client()
        fill(s)
        expected = describe(s)
        s.close()
        shoal = self.restart(shoal, "--save", "3600 1")  # SIGTERM saves under save rules
        s = shoal.client()
        self.assertSameData(expected, describe(s))
        s.close()

    def test_save_rules_survive_kill_9(self):
        shoal = self.shoal("--save", "1 1")
        s = shoal.client()
        fill(s)
        expected = describe(s)
        deadline = time.time() + 30
        while time.time() < deadline:
            info = s.info("persistence")
            if info["rdb_changes_since_last_save"] == 0 and info["rdb_bgsave_in_progress"] == 0:
                break
            time.sleep(0.1)
        self.assertEqual(s.info("persistence")["rdb_changes_since_last_save"], 0)
        s.close()
        shoal.proc.kill()
        shoal.proc.wait(timeout=10)
        shoal = self.restart(shoal, "--save", "")
        s = shoal.client()
        self.assertSameData(expected, describe(s))
        s.close()

    def test_restart_keeps_mtimes(self):
        """OBJECT MTIME and KV2.METADATA survive SAVE and a restart (the shoal-mtimes AUX
        fields); redis-check-rdb accepts the file, and redis-server, which ignores AUX
        fields it does not know, still loads a dump of Redis's types."""
        shoal = self.shoal()
        s = shoal.client()
        fill(s)
        s.execute_command("kv2.put", "secret", "f", "v")
        keys = [k for k in s.keys("*")]
        before = {k: s.execute_command("OBJECT MTIME", k) for k in keys}
        metadata = s.execute_command("kv2.metadata", "secret")
        started = time.time()
        while time.time() - started < 1.2:  # a later clock than any mtime
            time.sleep(0.1)
        self.assertTrue(s.save())
        s.close()
        shoal = self.restart(shoal)
        s = shoal.client()
        self.assertEqual({k: s.execute_command("OBJECT MTIME", k) for k in keys}, before)
        self.assertEqual(s.execute_command("kv2.metadata", "secret"), metadata)
        s.delete("secret")  # redis-server cannot load Shoal's own types
        self.assertTrue(s.save())
        expected = describe(s)
        s.close()
        shoal.stop()
        self.procs.remove(shoal)
        self.assertIn("AUX FIELD shoal-mtimes", self.check_and_load_into_redis(expected))

    def test_corrupt_dump_refuses_to_start(self):
        with open(os.path.join(self.dir, "dump.rdb"), "wb") as f:
            f.write(b"REDIS0010" + b"\xfe\x00\x00\x01k\x05hello" + b"\xff" + b"\x01" * 8)
        with self.assertRaises(RuntimeError) as ctx:
            self.shoal()
        self.assertIn("Wrong RDB checksum", str(ctx.exception))


if __name__ == "__main__":
    harness.main()
