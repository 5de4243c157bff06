"""The append-only file end to end: restart keeps every type and TTL, redis-check-aof
accepts Shoal's files, a torn tail loads with a warning, a corrupt file refuses to start,
kill -9 under appendfsync always loses no acknowledged write, BGREWRITEAOF and turning
appendonly on live keep the data, replay keeps OBJECT MTIME and KV2 times (the #TS-MS
annotations), and redis-server loads the annotated files."""
import os
import subprocess
import threading
import time

import harness
from harness import ServerProcess
from test_rdb import RedisProcess


def aof_dir(server):
    return os.path.join(server.dir, "appendonlydir")


def incr_file(directory):
    names = sorted(n for n in os.listdir(directory) if n.endswith(".incr.aof"))
    return os.path.join(directory, names[-1])


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def rewrite_done(r):
    info = r.info("persistence")
    return info["aof_enabled"] == 1 and info["aof_rewrite_in_progress"] == 0


class AofTest(harness.unittest.TestCase):
    def start(self, *args, directory=None, fsync="everysec"):
        extra = ["--appendonly", "yes", "--appendfsync", fsync, *args]
        if directory is not None:
            extra += ["--dir", directory]
        server = ServerProcess(*extra)
        self.addCleanup(server.stop)
        return server

    def restart(self, server, *args, **kw):
        server.stop()
        return self.start(*args, directory=server.dir, **kw)

    def fill(self, r):
        r.set("s", "v")
        r.set("n", 41)
        r.incr("n")
        r.set("ttl", "x", ex=1000)
        r.pexpireat("s", 4102444800000)  # 2100-01-01
        r.rpush("l", "a", "b", "c")
        r.sadd("set", "1", "2", "x")
        r.zadd("z", {"m": 1.5, "n": -2})
        r.hset("h", mapping={"f": "1", "g": "2"})
        r.xadd("st", {"f": "v"}, id="1-1")
        r.xadd("st", {"f": "w"}, id="2-1")
        r.xgroup_create("st", "g", id="0")
        r.xreadgroup("g", "alice", {"st": ">"}, count=1)
        r.execute_command("select", "3")
        r.set("db3", "yes")
        r.execute_command("select", "0")
        r.incrbyfloat("fl", 2.5)
        r.spop("set")

    def check(self, r, ttl_at):
        self.assertEqual(r.get("s"), b"v")
        self.assertEqual(r.execute_command("pexpiretime", "s"), 4102444800000)
        self.assertEqual(r.get("n"), b"42")
        self.assertEqual(r.execute_command("pexpiretime", "ttl"), ttl_at)
        self.assertEqual(r.lrange("l", 0, -1), [b"a", b"b", b"c"])
        self.assertEqual(r.scard("set"), 2)
        self.assertEqual(r.zrange("z", 0, -1, withscores=True), [(b"n", -2.0), (b"m", 1.5)])
        self.assertEqual(r.hgetall("h"), {b"f": b"1", b"g": b"2"})
        self.assertEqual(r.xlen("st"), 2)
        self.assertEqual(r.xpending("st", "g")["pending"], 1)
        self.assertEqual(r.get("fl"), b"2.5")
        r.execute_command("select", "3")
        self.assertEqual(r.get("db3"), b"yes")
        r.execute_command("select", "0")

    def test_restart_keeps_every_type_and_ttl(self):
        server = self.start()
        r = server.client()
        self.fill(r)
        members = r.smembers("set")
        ttl_at = r.execute_command("pexpiretime", "ttl")
        r.close()
        server = self.restart(server)
        r = server.client()
        self.check(r, ttl_at)
        self.assertEqual(r.smembers("set"), members)
        self.assertIn("DB loaded from append only file", server.read_log())
        r.close()

    def test_redis_check_aof_accepts_the_files(self):
        server = self.start()
        r = server.client()
        self.fill(r)
        r.execute_command("bgrewriteaof")
        self.assertTrue(wait_for(lambda: rewrite_done(r)))
        r.set("after", "rewrite")
        r.close()
        server.stop()
        manifest = os.path.join(aof_dir(server), "appendonly.aof.manifest")
        out = subprocess.run(["redis-check-aof", manifest], capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(b"All AOF files and manifest are valid", out.stdout)

    def test_bgrewriteaof_compacts_and_keeps_the_data(self):
        server = self.start()
        r = server.client()
        for i in range(200):
            r.incr("counter")
        self.fill(r)
        ttl_at = r.execute_command("pexpiretime", "ttl")
        before = r.info("persistence")["aof_current_size"]
        self.assertTrue(r.execute_command("bgrewriteaof"))  # redis-py reads the status as True
        self.assertTrue(wait_for(lambda: rewrite_done(r)))
        info = r.info("persistence")
        self.assertEqual(info["aof_rewrites"], 2)  # the first base, then ours
        self.assertLess(info["aof_current_size"], before)
        r.set("after", "rewrite")
        r.close()
        self.assertEqual(sorted(os.listdir(aof_dir(server))),
                         ["appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof",
                          "appendonly.aof.manifest"])
        server = self.restart(server)
        r = server.client()
        self.check(r, ttl_at)
        self.assertEqual(r.get("counter"), b"200")
        self.assertEqual(r.get("after"), b"rewrite")
        r.close()

    def stopped_with_two_keys(self):
        """A server that wrote a=1 and b=2 to its AOF and stopped; returns it."""
        server = self.start()
        r = server.client()
        r.set("a", "1")
        r.set("b", "2")
        r.close()
        server.stop()
        return server

    def test_truncated_tail_loads_with_a_warning(self):
        server = self.stopped_with_two_keys()
        with open(incr_file(aof_dir(server)), "ab") as f:
            f.write(b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1")
        server = self.start(directory=server.dir)
        r = server.client()
        self.assertEqual(r.mget("a", "b", "c"), [b"1", b"2", None])
        log = server.read_log()
        self.assertIn("short read while loading the AOF file", log)
        self.assertIn("loaded anyway because aof-load-truncated is enabled", log)
        r.close()

    def test_corrupt_file_refuses_to_start(self):
        server = self.stopped_with_two_keys()
        path = incr_file(aof_dir(server))
        with open(path, "rb") as f:
            data = f.read()
        cut = data.index(b"*3\r\n$3\r\nSET\r\n$1\r\nb")
        with open(path, "wb") as f:
            f.write(data[:cut] + b"garbage\r\n" + data[cut:])
        out = subprocess.run(
            [harness.SERVER, "--port", str(harness.free_port()), "--bind", "127.0.0.1",
             "--dir", server.dir, "--appendonly", "yes"], capture_output=True, timeout=30)
        self.assertNotEqual(out.returncode, 0)
        message = out.stdout.decode() + out.stderr.decode()
        self.assertIn("Bad file format reading the append only file appendonly.aof.1.incr.aof",
                      message)
        self.assertIn("at offset %d" % cut, message)

    def test_kill_9_under_load_loses_no_acknowledged_write(self):
        server = self.start(fsync="always")
        acked = [[] for _ in range(8)]
        stop = threading.Event()

        def writer(i):
            c = server.client(socket_timeout=5)
            n = 0
            try:
                while not stop.is_set() and n < 100000:
                    n += 1
                    c.set("w:%d:%d" % (i, n), n)
                    acked[i].append(n)
                    c.incr("counter:%d" % i)
                    acked[i].append(-n)
            except Exception:  # noqa: BLE001 - the server was killed under us
                pass

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        server.proc.kill()  # SIGKILL, while the writers write
        server.proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=20)
        self.assertFalse(any(t.is_alive() for t in threads))
        self.assertGreater(sum(len(a) for a in acked), 100)
        server = self.start(directory=server.dir, fsync="always")
        r = server.client()
        for i, log in enumerate(acked):
            sets = [n for n in log if n > 0]
            if sets:
                keys = ["w:%d:%d" % (i, n) for n in sets]
                values = r.mget(keys)
                missing = [k for k, v in zip(keys, values) if v is None]
                self.assertEqual(missing, [], "acknowledged writes lost")
            incrs = [-n for n in log if n < 0]
            if incrs:
                self.assertGreaterEqual(int(r.get("counter:%d" % i)), len(incrs))
        r.close()

    def test_appendonly_turned_on_live_writes_a_base(self):
        server = ServerProcess()
        self.addCleanup(server.stop)
        r = server.client()
        r.set("before", "on")
        r.rpush("l", "x")
        self.assertEqual(r.info("persistence")["aof_enabled"], 0)
        self.assertEqual(r.config_set("appendonly", "yes"), True)
        self.assertTrue(wait_for(lambda: rewrite_done(r)))
        r.set("after", "on")
        r.config_set("appendfsync", "always")
        r.lpush("l", "y")
        # Off, a write the AOF does not see, on again: the files left from before are
        # replaced by a base of the data as it is now.
        r.config_set("appendonly", "no")
        self.assertTrue(wait_for(lambda: r.info("persistence")["aof_enabled"] == 0))
        r.set("while", "off")
        r.config_set("appendonly", "yes")
        self.assertTrue(wait_for(lambda: rewrite_done(r)))
        r.close()
        server = self.restart(server)
        r = server.client()
        self.assertEqual(r.mget("before", "after", "while"), [b"on", b"on", b"off"])
        self.assertEqual(r.lrange("l", 0, -1), [b"y", b"x"])
        r.close()

    def test_blocked_pop_served_later_replays_as_a_pop(self):
        server = self.start(fsync="always")
        waiter = server.client()
        result = {}
        t = threading.Thread(target=lambda: result.update(v=waiter.blpop(["q"], timeout=10)))
        t.start()
        r = server.client()
        self.assertTrue(wait_for(
            lambda: any(c.get("cmd") == "blpop" for c in r.client_list())))
        r.rpush("q", "job1", "job2")
        t.join(timeout=10)
        self.assertEqual(result["v"], (b"q", b"job1"))
        waiter.close()
        r.close()
        server = self.restart(server)
        r = server.client()
        self.assertEqual(r.lrange("q", 0, -1), [b"job2"])
        r.close()

    def test_restart_keeps_mtimes_and_kv2_times(self):
        """Replayed entries run at their logged time (the #TS-MS annotations): OBJECT MTIME
        and KV2.METADATA after a restart are the original ones, from the incr file and
        from a rewritten base alike; redis-check-aof accepts the annotated files."""
        server = self.start()
        data_dir = server.dir  # a restarted server's own dir is another one
        r = server.client()
        r.set("early", "v")
        r.execute_command("kv2.put", "secret", "f", "v1")
        time.sleep(0.05)
        r.execute_command("kv2.put", "secret", "f", "v2")
        r.execute_command("kv2.delete", "secret", "versions", "1")
        r.hset("h", "f", "v")

        def facts():
            return ([r.execute_command("OBJECT MTIME", k) for k in ("early", "secret", "h")],
                    r.execute_command("kv2.metadata", "secret"))

        before = facts()
        r.close()
        for rewrite in (False, True):
            started = time.time()
            while time.time() - started < 1.2:  # a later clock than any logged time
                time.sleep(0.1)
            server.stop()
            server = self.start(directory=data_dir)
            r = server.client()
            self.assertEqual(facts(), before, "after a rewrite" if rewrite else "incr file")
            if not rewrite:
                r.execute_command("bgrewriteaof")
                self.assertTrue(wait_for(lambda: rewrite_done(r)))
            r.close()
        server.stop()
        manifest = os.path.join(data_dir, "appendonlydir", "appendonly.aof.manifest")
        out = subprocess.run(["redis-check-aof", manifest], capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(b"All AOF files and manifest are valid", out.stdout)

    def test_redis_server_loads_the_annotated_files(self):
        """Redis 7's loader skips '#' lines as it skips its own #TS: ones: redis-server
        replays Shoal's annotated base and incr files to the same data."""
        server = self.start()
        data_dir = server.dir
        r = server.client()
        r.set("s", "v")
        time.sleep(0.01)
        r.rpush("l", "a", "b")
        r.execute_command("bgrewriteaof")
        self.assertTrue(wait_for(lambda: rewrite_done(r)))
        time.sleep(0.01)
        r.hset("h", "f", "v")
        r.set("s", "w")
        r.close()
        server.stop()
        files = os.path.join(data_dir, "appendonlydir")
        for name in os.listdir(files):
            if name.endswith(".aof"):
                with open(os.path.join(files, name), "rb") as f:
                    self.assertIn(b"#TS-MS:", f.read(), name)
        rs = RedisProcess(data_dir, "--appendonly", "yes")
        self.addCleanup(rs.stop)
        r = rs.client()
        self.assertEqual(r.get("s"), b"w")
        self.assertEqual(r.lrange("l", 0, -1), [b"a", b"b"])
        self.assertEqual(r.hgetall("h"), {b"f": b"v"})
        r.close()


if __name__ == "__main__":
    harness.main()
