"""The HTTP/JSON front (issue 8): /api2 and /api keys with If-Match / If-None-Match, prefix
listing across shards, HS256 bearer tokens, payload and header limits, malformed and
pipelined requests, /metrics and /healthz, and keys shared with RESP clients. Tokens are
built here with hmac + base64 (no PyJWT)."""
import base64
import hashlib
import hmac
import http.client
import json
import random
import re
import socket
import threading
import time
import unittest
import urllib.parse

import harness

SECRET = "test-secret"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(payload, secret=SECRET, alg="HS256", sign_with=hashlib.sha256, header=None):
    head = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(payload).encode())
    if sign_with is None:
        sig = ""
    else:
        sig = b64url(hmac.new(secret.encode(), signing_input.encode(), sign_with).digest())
    return signing_input + "." + sig


def valid_token():
    return make_jwt({"sub": "tests", "exp": int(time.time()) + 3600})


def md5(data):
    return hashlib.md5(data).hexdigest()


class HttpFrontTest(unittest.TestCase):
    threads = 4

    @classmethod
    def setUpClass(cls):
        cls.http_port = harness.free_port()
        cls.server = harness.ServerProcess("--http-port", str(cls.http_port),
                                           "--http-token-secret", SECRET, threads=cls.threads)
        cls.r = cls.server.client()
        cls.token = valid_token()

    @classmethod
    def tearDownClass(cls):
        cls.r.close()
        cls.server.stop()

    def setUp(self):
        self.r.flushall()
        self.r.config_set("http-payload-limit", "2mb")

    def tearDown(self):
        self.assertTrue(self.server.alive(), self.server.read_log())

    # --- helpers -------------------------------------------------------------------------

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)

    def request(self, method, path, body=None, headers=None, token="valid", conn=None):
        """One request; returns (status, headers dict with lower-case names, body bytes)."""
        hdrs = dict(headers or {})
        if token == "valid":
            hdrs["Authorization"] = "Bearer " + self.token
        elif token is not None:
            hdrs["Authorization"] = token
        own = conn is None
        c = conn or self.connect()
        try:
            c.request(method, path, body=body, headers=hdrs)
            resp = c.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            if own:
                c.close()

    def raw(self, data, read_timeout=3.0):
        """Sends raw bytes to the HTTP port; returns what came back until close or timeout."""
        return self.server.raw(data, read_timeout=read_timeout, port=self.http_port)

    def put(self, path, body, **kw):
        return self.request("PUT", path, body=body, **kw)[0]

    # --- keys ----------------------------------------------------------------------------

    def test_put_get_head_delete(self):
        self.assertEqual(self.put("/api2/ws/ns/k", b"hello"), 204)
        status, headers, body = self.request("GET", "/api2/ws/ns/k")
        self.assertEqual((status, body), (200, b"hello"))
        self.assertEqual(headers["etag"], '"%s"' % md5(b"hello"))
        status, headers, body = self.request("HEAD", "/api2/ws/ns/k")
        self.assertEqual((status, body, headers["content-length"]), (200, b"", "5"))
        self.assertEqual(headers["etag"], '"%s"' % md5(b"hello"))
        status, headers, body = self.request("GET", "/api2/ws/ns/k",
                                             headers={"If-None-Match": headers["etag"]})
        self.assertEqual((status, body), (304, b""))  # the client's copy is current
        self.assertEqual(headers["etag"], '"%s"' % md5(b"hello"))
        self.assertEqual(self.put("/api2/ws/ns/k", b"again"), 204)  # an update is 204 too
        self.assertEqual(self.request("GET", "/api2/ws/ns/k")[2], b"again")
        self.assertEqual(self.request("DELETE", "/api2/ws/ns/k")[0], 204)
        self.assertEqual(self.request("GET", "/api2/ws/ns/k")[0], 404)
        self.assertEqual(self.request("HEAD", "/api2/ws/ns/k")[0], 404)
        self.assertEqual(self.request("DELETE", "/api2/ws/ns/k")[0], 404)

    def test_binary_values_and_keys_with_slashes(self):
        value = bytes(range(256)) * 4
        self.assertEqual(self.put("/api2/ws/ns/dir/sub/file.bin", value), 204)
        status, headers, body = self.request("GET", "/api2/ws/ns/dir/sub/file.bin")
        self.assertEqual((status, body), (200, value))
        self.assertEqual(self.put("/api2/ws/ns/empty", b""), 204)
        self.assertEqual(self.request("GET", "/api2/ws/ns/empty")[:3:2], (200, b""))

    def test_conditional_writes(self):
        path = "/api2/ws/ns/cond"
        self.assertEqual(self.put(path, b"v1", headers={"If-Match": "*"}), 412)  # absent
        self.assertEqual(self.put(path, b"v1", headers={"If-Match": '"%s"' % md5(b"")}), 412)
        self.assertEqual(self.put(path, b"v1", headers={"If-None-Match": "*"}), 201)
        self.assertEqual(self.put(path, b"v2", headers={"If-None-Match": "*"}), 412)
        self.assertEqual(self.request("GET", path)[2], b"v1")
        self.assertEqual(self.put(path, b"v2", headers={"If-Match": "*"}), 204)
        etag = self.request("GET", path)[1]["etag"]
        self.assertEqual(etag, '"%s"' % md5(b"v2"))
        self.assertEqual(self.put(path, b"v3", headers={"If-Match": etag}), 204)
        self.assertEqual(self.put(path, b"v4", headers={"If-Match": etag}), 412)  # stale now
        # A bare (unquoted) digest in either case is taken too.
        self.assertEqual(self.put(path, b"v5", headers={"If-Match": md5(b"v3").upper()}), 204)
        self.assertEqual(self.request("GET", path)[2], b"v5")

    def test_bad_condition_headers_are_400(self):
        path = "/api2/ws/ns/bad"
        self.assertEqual(self.put(path, b"x"), 204)
        for headers in ({"If-Match": "xyz"}, {"If-Match": '"abc"'}, {"If-Match": ""},
                        {"If-Match": '"%s", "%s"' % (md5(b"x"), md5(b"y"))},
                        {"If-None-Match": '"%s"' % md5(b"x")},
                        {"If-Match": "*", "If-None-Match": "*"}):
            self.assertEqual(self.put(path, b"y", headers=headers), 400, headers)
        self.assertEqual(self.request("GET", path)[2], b"x")

    def test_stale_md5_with_concurrent_writers_exactly_one_wins(self):
        path = "/api2/ws/ns/race"
        for round_ in range(5):
            self.assertEqual(self.put(path, b"base-%d" % round_), 204)
            etag = self.request("GET", path)[1]["etag"]
            n = 8
            statuses = [None] * n
            barrier = threading.Barrier(n, timeout=10)

            def writer(i):
                conn = self.connect()
                conn.connect()
                barrier.wait()
                statuses[i] = self.request("PUT", path, body=b"writer-%d" % i,
                                           headers={"If-Match": etag}, conn=conn)[0]
                conn.close()

            self.assertEqual(harness.run_concurrently(writer, n), [])
            self.assertEqual(sorted(statuses), [204] + [412] * (n - 1), statuses)
            winner = statuses.index(204)
            self.assertEqual(self.request("GET", path)[2], b"writer-%d" % winner)

    def test_wrong_type_is_409_and_unknown_paths_404(self):
        self.r.hset("ws:2:ws:2:ns:h", "f", "v")
        self.assertEqual(self.request("GET", "/api2/ws/ns/h")[0], 409)
        self.assertEqual(self.request("GET", "/nothing/here")[0], 404)
        self.assertEqual(self.request("GET", "/api2/ws")[0], 404)
        self.assertEqual(self.request("GET", "/api2/ws/ns/")[0], 400)  # empty key
        self.assertEqual(self.request("GET", "/api2/ws/ns/%zz")[0], 400)

    def test_methods_not_allowed(self):
        status, headers, _ = self.request("POST", "/api2/ws/ns/k", body=b"x")
        self.assertEqual(status, 405)
        self.assertIn("PUT", headers["allow"])
        self.assertEqual(self.request("PATCH", "/api2/ws/ns/k", body=b"x")[0], 405)
        self.assertEqual(self.request("PUT", "/api2/ws/ns", body=b"x")[0], 405)
        self.assertEqual(self.request("POST", "/healthz", body=b"")[0], 405)

    # --- listing -------------------------------------------------------------------------

    def test_listing_with_prefix_across_shards(self):
        names = ["user-%03d" % i for i in range(60)]
        for name in reversed(names):
            self.assertEqual(self.put("/api2/acme/people/" + name, b"v"), 204)
        self.assertEqual(self.put("/api2/acme/people/admin", b"v"), 204)
        self.assertEqual(self.put("/api2/acme/other/user-x", b"v"), 204)
        self.assertEqual(self.put("/api2/acme2/people/user-y", b"v"), 204)
        # 60 keys without a hash tag spread over the 4 shards: the listing gathers them all.
        status, headers, body = self.request("GET", "/api2/acme/people?prefix=user-")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        doc = json.loads(body)
        self.assertEqual(doc, {"workspace": "acme", "namespace": "people", "count": 60,
                               "keys": names})
        doc = json.loads(self.request("GET", "/api2/acme/people")[2])
        self.assertEqual(doc["keys"], ["admin"] + names)
        doc = json.loads(self.request("GET", "/api2/acme/people?prefix=user-05")[2])
        self.assertEqual(doc["keys"], ["user-%03d" % i for i in range(50, 60)])
        doc = json.loads(self.request("GET", "/api2/acme/nobody?prefix=x")[2])
        self.assertEqual(doc, {"workspace": "acme", "namespace": "nobody", "count": 0, "keys": []})

    def test_listing_prefix_is_literal_and_percent_decoded(self):
        for key in ("a*b", "a?c", "a[1]", "ab", "a b", "q\\x"):
            path = "/api2/ws/ns/" + urllib.parse.quote(key, safe="")
            self.assertEqual(self.put(path, b"v"), 204)
        doc = json.loads(self.request("GET", "/api2/ws/ns?prefix=a%2A")[2])
        self.assertEqual(doc["keys"], ["a*b"])
        doc = json.loads(self.request("GET", "/api2/ws/ns?prefix=a+")[2])
        self.assertEqual(doc["keys"], ["a b"])
        doc = json.loads(self.request("GET", "/api2/ws/ns?prefix=a%5B")[2])
        self.assertEqual(doc["keys"], ["a[1]"])
        doc = json.loads(self.request("GET", "/api2/ws/ns?prefix=q%5C")[2])
        self.assertEqual(doc["keys"], ["q\\x"])

    def test_key_mapping_is_one_to_one(self):
        self.assertEqual(self.put("/api2/a%2Fb/c/k", b"first"), 204)
        self.assertEqual(self.put("/api2/a/b%2Fc/k", b"second"), 204)
        self.assertEqual(self.put("/api2/a/b/c%2Fk", b"third"), 204)
        self.assertEqual(self.request("GET", "/api2/a%2Fb/c/k")[2], b"first")
        self.assertEqual(self.request("GET", "/api2/a/b%2Fc/k")[2], b"second")
        self.assertEqual(self.request("GET", "/api2/a/b/c%2Fk")[2], b"third")
        self.assertEqual(sorted(self.r.keys("*")),
                         [b"ws:1:a:1:b:c/k", b"ws:1:a:3:b/c:k", b"ws:3:a/b:1:c:k"])
        self.assertEqual(json.loads(self.request("GET", "/api2/a/b")[2])["keys"], ["c/k"])

    # --- RESP interplay and the old API --------------------------------------------------

    def test_put_read_by_redis_cli_and_back(self):
        self.assertEqual(self.put("/api2/default/users/alice", b"from http"), 204)
        self.assertEqual(self.server.cli("GET", "ws:7:default:5:users:alice").strip(), "from http")
        self.server.cli("SET", "ws:7:default:5:users:bob", "from resp")
        status, headers, body = self.request("GET", "/api2/default/users/bob")
        self.assertEqual((status, body), (200, b"from resp"))
        self.assertEqual(headers["etag"], '"%s"' % md5(b"from resp"))
        self.assertEqual(self.put("/api2/default/users/bob", b"v2",
                                  headers={"If-Match": headers["etag"]}), 204)
        self.assertEqual(self.server.cli("GET", "ws:7:default:5:users:bob").strip(), "v2")
        self.r.set("ws:7:default:5:users:carol", "x", px=100)
        time.sleep(0.3)
        self.assertEqual(self.request("GET", "/api2/default/users/carol")[0], 404)

    def test_old_api_uses_the_default_workspace(self):
        self.assertEqual(self.request("POST", "/api/ns/k", body=b"old")[0], 204)
        self.assertEqual(self.request("GET", "/api/ns/k")[2], b"old")
        self.assertEqual(self.request("GET", "/api2/default/ns/k")[2], b"old")
        self.assertEqual(self.request("POST", "/api/ns/k", body=b"x",
                                      headers={"If-None-Match": "*"})[0], 412)
        doc = json.loads(self.request("GET", "/api/ns?prefix=")[2])
        self.assertEqual(doc, {"workspace": "default", "namespace": "ns", "count": 1, "keys": ["k"]})
        self.r.config_set("http-default-workspace", "other")
        try:
            self.assertEqual(self.request("GET", "/api/ns/k")[0], 404)
            self.assertEqual(self.request("POST", "/api/ns/k", body=b"o")[0], 204)
            self.assertEqual(self.request("GET", "/api2/other/ns/k")[2], b"o")
        finally:
            self.r.config_set("http-default-workspace", "default")
        self.assertEqual(self.request("DELETE", "/api/ns/k")[0], 204)
        self.assertEqual(self.request("DELETE", "/api/ns/k")[0], 404)

    # --- auth ----------------------------------------------------------------------------

    def test_every_invalid_token_is_401(self):
        now = int(time.time())
        bad = {
            "missing": None,
            "not bearer": "Basic dXNlcjpwYXNz",
            "empty bearer": "Bearer ",
            "malformed": "Bearer not-a-jwt",
            "two parts": "Bearer abc.def",
            "bad base64": "Bearer !!!.@@@.###",
            "bad signature": "Bearer " + make_jwt({"exp": now + 60}, secret="other-secret"),
            "tampered payload": "Bearer " + ".".join(
                [valid_token().split(".")[0], b64url(b'{"sub":"admin"}'),
                 valid_token().split(".")[2]]),
            "expired": "Bearer " + make_jwt({"exp": now - 10}),
            "not yet valid": "Bearer " + make_jwt({"nbf": now + 3600}),
            "alg none": "Bearer " + make_jwt({"exp": now + 60}, alg="none", sign_with=None),
            "alg none signed": "Bearer " + make_jwt({"exp": now + 60}, alg="none"),
            "alg HS512": "Bearer " + make_jwt({"exp": now + 60}, alg="HS512",
                                              sign_with=hashlib.sha512),
            "alg HS384": "Bearer " + make_jwt({"exp": now + 60}, alg="HS384",
                                              sign_with=hashlib.sha384),
            "alg RS256": "Bearer " + make_jwt({"exp": now + 60}, alg="RS256"),
        }
        for name, token in bad.items():
            status, headers, _ = self.request("GET", "/api2/ws/ns/k", token=token)
            self.assertEqual(status, 401, name)
            self.assertEqual(headers.get("www-authenticate"), "Bearer", name)
            self.assertEqual(self.request("PUT", "/api2/ws/ns/k", body=b"x", token=token)[0],
                             401, name)
        self.assertEqual(self.r.exists("ws:2:ws:2:ns:k"), 0)
        # Valid: with a future exp, and without exp; lower-case scheme.
        self.assertEqual(self.request("GET", "/api2/ws/ns/k")[0], 404)
        self.assertEqual(self.request("GET", "/api2/ws/ns/k",
                                      token="bearer " + make_jwt({"sub": "x"}))[0], 404)
        self.assertEqual(self.request("GET", "/api/ns/k", token=None)[0], 401)

    def test_healthz_and_metrics_need_no_token(self):
        status, _, body = self.request("GET", "/healthz", token=None)
        self.assertEqual((status, body), (200, b"ok\n"))
        self.put("/api2/ws/ns/k", b"v")
        self.request("GET", "/api2/ws/ns/k")
        # Shards publish their key counts on their tick: wait (bounded) for the new key.
        deadline = time.time() + 5
        while True:
            status, headers, body = self.request("GET", "/metrics", token=None)
            if b'shoal_db_keys{db="0"} 1' in body or time.time() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
        text = body.decode()
        for line in ('shoal_command_calls_total{cmd="set"} ',
                     'shoal_command_calls_total{cmd="get"} ',
                     'shoal_db_keys{db="0"} 1', "shoal_connected_clients ",
                     "shoal_used_memory_bytes ", "shoal_expired_keys_total ",
                     "shoal_evicted_keys_total ", '# TYPE shoal_command_duration_seconds histogram',
                     'shoal_command_duration_seconds_bucket{le="+Inf"} ',
                     "shoal_command_duration_seconds_sum ", "shoal_command_duration_seconds_count "):
            self.assertIn(line, text)
        buckets = [int(l.rsplit(" ", 1)[1]) for l in text.splitlines()
                   if l.startswith("shoal_command_duration_seconds_bucket")]
        self.assertEqual(buckets, sorted(buckets))  # cumulative
        count = int([l for l in text.splitlines()
                     if l.startswith("shoal_command_duration_seconds_count")][0].split()[1])
        self.assertEqual(buckets[-1], count)
        self.assertGreater(count, 0)

    # --- limits and bad input ------------------------------------------------------------

    def test_payload_limit_413(self):
        self.r.config_set("http-payload-limit", "1000")
        self.assertEqual(self.put("/api2/ws/ns/k", b"x" * 1000), 204)
        self.assertEqual(self.put("/api2/ws/ns/k", b"y" * 1001), 413)
        self.assertEqual(self.request("GET", "/api2/ws/ns/k")[2], b"x" * 1000)
        # A chunked body that grows past the limit.
        chunk = b"y" * 600
        reply = self.raw(b"PUT /api2/ws/ns/k HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                         + self.token.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + b"258\r\n" + chunk + b"\r\n" + b"258\r\n" + chunk + b"\r\n0\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 413 "), reply)
        self.r.config_set("http-payload-limit", "2mb")
        self.assertEqual(self.r.config_get("http-payload-limit"), {"http-payload-limit": "2097152"})
        # The default 2 MB: refused as soon as the headers announce more.
        reply = self.raw(b"PUT /api2/ws/ns/big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                         + self.token.encode() + b"\r\nContent-Length: 3000000\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 413 "), reply)
        self.assertIn(b"Connection: close", reply)
        # Sent in full, a big body still gets its 413 (the server drains before closing).
        self.assertEqual(self.put("/api2/ws/ns/big", b"z" * (3 * 1024 * 1024)), 413)
        self.assertEqual(self.put("/api2/ws/ns/big", b"z" * (2 * 1024 * 1024)), 204)
        self.assertEqual(len(self.request("GET", "/api2/ws/ns/big")[2]), 2 * 1024 * 1024)

    def test_chunked_bodies_are_supported(self):
        reply = self.raw(b"PUT /api2/ws/ns/c HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                         + self.token.encode() + b"\r\nTransfer-Encoding: chunked\r\n"
                         b"Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 204 "), reply)
        self.assertEqual(self.request("GET", "/api2/ws/ns/c")[2], b"hello world")

    def test_malformed_requests_get_400_and_close(self):
        auth = b"Authorization: Bearer " + self.token.encode() + b"\r\n"
        cases = {
            "garbage": b"GARBAGE\r\n\r\n",
            "bad request line": b"GET\r\n\r\n",
            "bad version": b"GET / HTTP/9x\r\n\r\n",
            "header without colon": b"GET /healthz HTTP/1.1\r\nNoColonHere\r\n\r\n",
            "control char in header": b"GET /healthz HTTP/1.1\r\nX\x01: v\r\n\r\n",
            "bad content-length": b"PUT /api2/ws/ns/k HTTP/1.1\r\n" + auth
                                  + b"Content-Length: abc\r\n\r\n",
            "two content-lengths": b"PUT /api2/ws/ns/k HTTP/1.1\r\n" + auth
                                   + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
            "bad chunk size": b"PUT /api2/ws/ns/k HTTP/1.1\r\n" + auth
                              + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
            "nul in url": b"GET /a\x00b HTTP/1.1\r\n\r\n",
        }
        for name, data in cases.items():
            reply = self.raw(data)
            self.assertTrue(reply.startswith(b"HTTP/1.1 400 "), (name, reply))
            self.assertIn(b"Connection: close", reply, name)
        self.assertEqual(self.r.exists("ws:2:ws:2:ns:k"), 0)
        # A well-formed request before the garbage is still answered, in order.
        reply = self.raw(b"GET /healthz HTTP/1.1\r\n\r\nGARBAGE\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 OK"), reply)
        self.assertIn(b"HTTP/1.1 400 ", reply)

    def test_header_limits(self):
        huge = b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        reply = self.raw(huge)
        self.assertTrue(reply.startswith(b"HTTP/1.1 431 "), reply[:100])
        many = b"GET /healthz HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(3000)) + b"\r\n"
        self.assertTrue(self.raw(many).startswith(b"HTTP/1.1 431 "))
        long_url = b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n"
        self.assertTrue(self.raw(long_url).startswith(b"HTTP/1.1 414 "))
        # Just under the limit is fine.
        ok = b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 8000 + b"\r\nConnection: close\r\n\r\n"
        self.assertTrue(self.raw(ok).startswith(b"HTTP/1.1 200 "))

    def test_pipelined_requests_answered_in_order(self):
        auth = b"Authorization: Bearer " + self.token.encode() + b"\r\n"
        reqs = [b"PUT /api2/ws/ns/p HTTP/1.1\r\n" + auth + b"Content-Length: 3\r\n\r\none",
                b"GET /api2/ws/ns/p HTTP/1.1\r\n" + auth + b"\r\n",
                b"PUT /api2/ws/ns/p HTTP/1.1\r\n" + auth + b"Content-Length: 3\r\n\r\ntwo",
                b"GET /api2/ws/ns/missing HTTP/1.1\r\n" + auth + b"\r\n",
                b"GET /api2/ws/ns/p HTTP/1.1\r\n" + auth + b"Connection: close\r\n\r\n"]
        reply = self.raw(b"".join(reqs))
        statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", reply)
        self.assertEqual(statuses, [b"204", b"200", b"204", b"404", b"200"], reply)
        self.assertTrue(reply.endswith(b"two"), reply)
        self.assertIn(b"\r\n\r\none", reply)

    def test_deep_pipeline_across_shards(self):
        auth = b"Authorization: Bearer " + self.token.encode() + b"\r\n"
        n = 200
        for i in range(n):
            self.r.set("ws:2:ws:2:ns:k%d" % i, "v%d" % i)
        data = b"".join(b"GET /api2/ws/ns/k%d HTTP/1.1\r\n" % i + auth + b"\r\n" for i in range(n))
        data += b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"
        reply = self.raw(data, read_timeout=10)
        bodies = [part.split(b"HTTP/1.1")[0] for part in reply.split(b"\r\n\r\n")[1:]]
        self.assertEqual(bodies[:n], [b"v%d" % i for i in range(n)])
        self.assertTrue(reply.endswith(b"ok\n"))

    def test_pipeline_of_large_replies(self):
        value = b"x" * (200 * 1024)
        self.assertEqual(self.put("/api2/ws/ns/large", value), 204)
        auth = b"Authorization: Bearer " + self.token.encode() + b"\r\n"
        n = 60  # 12 MB of replies for 60 short requests: written in steps, not all buffered
        data = b"".join(b"GET /api2/ws/ns/large HTTP/1.1\r\n" + auth + b"\r\n" for _ in range(n))
        data += b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"
        reply = self.raw(data, read_timeout=20)
        self.assertEqual(reply.count(b"HTTP/1.1 200 OK"), n + 1)
        self.assertEqual(reply.count(value), n)
        self.assertTrue(reply.endswith(b"ok\n"))

    def test_keep_alive_and_http10(self):
        conn = self.connect()
        for i in range(50):
            self.assertEqual(self.request("PUT", "/api2/ws/ns/ka", body=b"%d" % i, conn=conn)[0], 204)
            self.assertEqual(self.request("GET", "/api2/ws/ns/ka", conn=conn)[2], b"%d" % i)
        # The HTTP client is a client like the others in CLIENT LIST, named "http".
        http_clients = [c for c in self.r.client_list() if c["name"] == "http"]
        self.assertEqual(len(http_clients), 1)
        self.assertTrue(http_clients[0]["addr"].startswith("127.0.0.1:"))
        self.assertEqual(http_clients[0]["laddr"], "127.0.0.1:%d" % self.http_port)
        conn.close()
        reply = self.raw(b"GET /healthz HTTP/1.0\r\n\r\n")  # HTTP/1.0: closed after the reply
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 "), reply)
        self.assertIn(b"Connection: close", reply)

    def test_expect_100_continue(self):
        with socket.create_connection(("127.0.0.1", self.http_port), timeout=5) as s:
            s.sendall(b"PUT /api2/ws/ns/e HTTP/1.1\r\nAuthorization: Bearer " + self.token.encode()
                      + b"\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            self.assertEqual(s.recv(100), b"HTTP/1.1 100 Continue\r\n\r\n")
            s.sendall(b"body")
            self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 204 "))
        self.assertEqual(self.request("GET", "/api2/ws/ns/e")[2], b"body")

    def test_random_bytes_do_not_crash_the_server(self):
        rng = random.Random(8)
        prefixes = [b"", b"GET / HTTP/1.1\r\n", b"PUT /api2/a/b/c HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
                    b"GET /api2/a/b/c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"]
        for _ in range(150):
            data = rng.choice(prefixes) + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
            self.raw(data, read_timeout=0.2)
        self.assertTrue(self.server.alive())
        self.assertEqual(self.request("GET", "/healthz", token=None)[0], 200)


class HttpWithoutSecretTest(unittest.TestCase):
    """With no http-token-secret, the API is open (as Redis without requirepass)."""

    def test_no_secret_no_token_needed(self):
        port = harness.free_port()
        srv = harness.ServerProcess("--http-port", str(port), threads=2)
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("PUT", "/api2/w/n/k", body=b"open")
            self.assertEqual(c.getresponse().status, 204)
            c.close()
            self.assertEqual(srv.client().get("ws:1:w:1:n:k"), b"open")
        finally:
            srv.stop()

    def test_maxclients_answers_503(self):
        port = harness.free_port()
        srv = harness.ServerProcess("--http-port", str(port), "--maxclients", "2", threads=2)
        held = []
        try:
            # Fill both slots with RESP clients (the harness's startup probe may still hold
            # one for a moment: retry, bounded).
            deadline = time.time() + 5
            while len(held) < 2 and time.time() < deadline:
                c = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                c.sendall(b"PING\r\n")
                if c.recv(64) == b"+PONG\r\n":
                    held.append(c)
                else:
                    c.close()
                    time.sleep(0.05)
            self.assertEqual(len(held), 2)
            reply = srv.raw(b"GET /healthz HTTP/1.1\r\n\r\n", port=port)
            self.assertTrue(reply.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), reply)
            self.assertTrue(reply.endswith(b"\r\n\r\nmax number of clients reached\n"), reply)
        finally:
            for c in held:
                c.close()
            srv.stop()

if __name__ == "__main__":
    harness.main()
