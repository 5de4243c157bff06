"""Versioned secrets over a real socket (issue 7): concurrent check-and-set writers, and
the map replies as python3-redis and redis-cli see them."""
import multiprocessing

import redis

import harness


def cas_writer(arg):
    """Writes 100 versions of "secret" with KV2.PUT ... CAS, retrying each until it wins;
    returns the version numbers won."""
    port, i = arg
    c = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
    won = []
    for attempt in range(100000):
        if len(won) == 100:
            break
        meta = c.execute_command("KV2.METADATA", "secret")
        current = dict(zip(meta[0::2], meta[1::2]))[b"current_version"] if meta else 0
        try:
            v = c.execute_command("KV2.PUT", "secret", "writer", str(i), "n", str(len(won)),
                                  "CAS", str(current))
        except redis.ResponseError as e:  # another writer won this version
            assert "CASMISMATCH" in str(e), e
            continue
        assert v == current + 1, (v, current)
        won.append(v)
    assert len(won) == 100, "no progress"
    c.close()
    return won


class Kv2(harness.ServerTestCase):
    threads = 4

    def test_concurrent_cas_writers_lose_nothing(self):
        """16 clients (processes, so that Python's lock does not serialise them) each retry
        KV2.PUT with CAS until it succeeds, 100 times each: every version number is won
        exactly once and the last version is 1600."""
        with multiprocessing.get_context("fork").Pool(16) as pool:
            results = pool.map_async(cas_writer, [(self.server.port, i) for i in range(16)])
            won = [v for vs in results.get(timeout=240) for v in vs]
        self.assertEqual(sorted(won), list(range(1, 1601)))
        meta = self.r.execute_command("KV2.METADATA", "secret")
        self.assertEqual(dict(zip(meta[0::2], meta[1::2]))[b"current_version"], 1600)
        # The kept versions (the default 10) hold what their winners wrote.
        for v in range(1591, 1601):
            data = self.r.execute_command("KV2.GET", "secret", "VERSION", v)
            self.assertEqual(sorted(dict(zip(data[0::2], data[1::2]))), [b"n", b"writer"])
        self.assertIsNone(self.r.execute_command("KV2.GET", "secret", "VERSION", 1590))

    def test_resp3_map_and_cli(self):
        self.r.execute_command("KV2.PUT", "app/db", "user", "u", "pass", "p")
        out = self.server.cli("-3", "--no-raw", "KV2.GET", "app/db")
        self.assertIn('"pass" => "p"', out)
        self.assertEqual(self.server.cli("KV2.LIST", "app").strip(), "db")


if __name__ == "__main__":
    harness.main()
