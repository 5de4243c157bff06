"""Lua scripts over a real socket with python3-redis (issue 4): the scripts rate limiters,
lock libraries and job queues ship, run unchanged; atomic over keys on every shard; a
runaway script, BUSY, then SCRIPT KILL, with one and with four shard threads."""
import threading
import time

import redis

import harness

RATE_LIMIT = """
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if current > tonumber(ARGV[2]) then return 0 end
return 1
"""

RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

CLAIM_JOB = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if #due == 0 then return false end
redis.call('ZREM', KEYS[1], due[1])
return due[1]
"""

# Builds its key names inside the script, as BullMQ's scripts do.
MOVE_ALL = """
local n = tonumber(ARGV[1])
for i = 0, n - 1 do redis.call('INCR', 'acct:' .. i) end
return n
"""


class Scripts(harness.ServerTestCase):
    threads = 4

    def test_rate_limiter(self):
        limiter = self.r.register_script(RATE_LIMIT)
        allowed = [limiter(keys=["rl:user"], args=[60000, 5]) for _ in range(8)]
        self.assertEqual(allowed, [1] * 5 + [0] * 3)
        self.assertGreater(self.r.pttl("rl:user"), 0)

    def test_lock_release(self):
        release = self.r.register_script(RELEASE_LOCK)
        self.r.set("lock:a", "token-1", px=30000, nx=True)
        self.assertEqual(release(keys=["lock:a"], args=["other-token"]), 0)
        self.assertEqual(self.r.get("lock:a"), b"token-1")
        self.assertEqual(release(keys=["lock:a"], args=["token-1"]), 1)
        self.assertIsNone(self.r.get("lock:a"))

    def test_job_claim_by_eight_clients_claims_each_job_once(self):
        self.r.zadd("jobs", {"job:%d" % i: i for i in range(400)})
        claimed = []
        lock = threading.Lock()

        def worker(_):
            c = self.server.client()
            claim = c.register_script(CLAIM_JOB)
            mine = []
            for _ in range(1000):
                job = claim(keys=["jobs"], args=[1000])
                if job is None:
                    break
                mine.append(job)
            with lock:
                claimed.extend(mine)
            c.close()

        self.assertEqual(harness.run_concurrently(worker, 8), [])
        self.assertEqual(len(claimed), 400)
        self.assertEqual(len(set(claimed)), 400)
        self.assertEqual(self.r.zcard("jobs"), 0)

    def test_script_over_every_shard_is_atomic_for_readers(self):
        keys = ["acct:%d" % i for i in range(16)]
        self.r.mset({k: 0 for k in keys})
        incr_declared = self.r.register_script(
            "for i, k in ipairs(KEYS) do redis.call('INCR', k) end return #KEYS")
        def writes(c):
            move_all = c.register_script(MOVE_ALL)
            for n in range(200):
                if n % 2:
                    incr_declared(keys=keys, client=c)
                else:
                    move_all(args=[len(keys)])

        errors, torn = harness.torn_reads(self.server, keys, writes)
        self.assertEqual(errors, [])
        self.assertEqual(torn, [])
        self.assertEqual(self.r.mget(keys), [b"200"] * len(keys))
        info = self.r.info("stats")
        self.assertGreaterEqual(info["script_escalations"], 99)

    def test_redis_log_writes_to_the_server_log(self):
        self.r.eval("redis.log(redis.LOG_WARNING, 'hello', 'from lua')", 0)
        self.r.eval("redis.log(redis.LOG_DEBUG, 'not at notice level')", 0)
        log = self.server.read_log()
        self.assertRegex(log, r"\d+:M \d\d \w{3} \d{4} [\d:.]+ # hello from lua")
        self.assertNotIn("not at notice level", log)

    def test_errors_as_redis_formats_them(self):
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            self.r.eval("return redis.call('nosuchcommand')", 0)
        self.assertIn("Unknown Redis command called from script", str(cm.exception))
        with self.assertRaises(redis.exceptions.NoScriptError):
            self.r.evalsha("0" * 40, 0)
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            self.r.eval("return undefined_global", 0)
        self.assertIn("Script attempted to access nonexistent global variable", str(cm.exception))


class RunawayScript(harness.ServerTestCase):
    """A script that never ends: after busy-reply-threshold other clients get BUSY, and
    SCRIPT KILL stops it. Run with one thread (every client shares the script's thread)
    and four."""
    threads = 1

    def test_busy_then_script_kill(self):
        self.r.config_set("busy-reply-threshold", 200)
        runner = self.server.client()
        result = []

        def run():
            try:
                runner.eval("local i = 0 while true do i = i + 1 end", 0)
            except redis.exceptions.ResponseError as e:
                result.append(str(e))

        t = threading.Thread(target=run)
        t.start()
        # Each probe is a new client, as an operator's redis-cli would be. (A command sent
        # just before the script started may wait for it: it is ordered after the script,
        # on a shard the script holds. Such a probe times out and the next one is made.)
        busy = None
        deadline = time.time() + 10
        while time.time() < deadline and busy is None:
            probe = self.server.client(socket_timeout=1)
            try:
                probe.get("x")
                time.sleep(0.02)
            except redis.exceptions.TimeoutError:
                pass
            except redis.exceptions.BusyLoadingError as e:  # python3-redis maps BUSY here
                busy = str(e)
            except redis.exceptions.ResponseError as e:
                busy = str(e)
            finally:
                probe.close()
        self.assertIsNotNone(busy, "never answered BUSY")
        self.assertIn("busy running a script", busy)
        other = self.server.client()
        self.assertEqual(other.script_kill(), True)
        t.join(timeout=10)
        self.assertFalse(t.is_alive())
        self.assertEqual(len(result), 1)
        self.assertIn("Script killed by user with SCRIPT KILL", result[0])
        self.assertEqual(other.ping(), True)
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            other.script_kill()
        self.assertIn("NOTBUSY", str(cm.exception))


class RunawayScriptFourThreads(RunawayScript):
    threads = 4


if __name__ == "__main__":
    harness.main()
