// The router (src/http/router.h) without a socket or an engine: which command each request
// becomes, which requests are answered without one, and how replies become statuses.
#include "src/http/router.h"

#include "engine/config.h"
#include "engine/digest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal::http {
namespace {

using ::testing::ElementsAre;

class RouterTest : public ::testing::Test {
 protected:
  Plan For(std::string method, std::string url, std::string body = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.body = std::move(body);
    r.if_match = if_match_;
    r.has_if_match = has_if_match_;
    r.if_none_match = if_none_match_;
    r.has_if_none_match = has_if_none_match_;
    return Plan::For(r, config_, 1000);
  }
  std::vector<std::string> Command(const Plan& p) {
    return std::vector<std::string>(p.command().begin(), p.command().end());
  }
  void IfMatch(std::string v) { if_match_ = std::move(v); has_if_match_ = true; }
  void IfNoneMatch(std::string v) { if_none_match_ = std::move(v); has_if_none_match_ = true; }
  // Finish without an engine: every route but /metrics.
  int Status(Plan& p, std::string_view reply) { return p.Finish(reply, nullptr).status; }

  engine::Config config_;
  std::string if_match_, if_none_match_;
  bool has_if_match_ = false, has_if_none_match_ = false;
};

TEST_F(RouterTest, KeyCommands) {
  EXPECT_THAT(Command(For("GET", "/api2/w/n/k")), ElementsAre("get", "ws:1:w:1:n:k"));
  EXPECT_THAT(Command(For("HEAD", "/api2/w/n/k")), ElementsAre("get", "ws:1:w:1:n:k"));
  EXPECT_THAT(Command(For("DELETE", "/api2/w/n/k")), ElementsAre("del", "ws:1:w:1:n:k"));
  EXPECT_THAT(Command(For("PUT", "/api2/w/n/k", "v")), ElementsAre("set", "ws:1:w:1:n:k", "v"));
  EXPECT_THAT(Command(For("PUT", "/api2/w%2Fx/n/a/b%3F?ignored=1", "v")),
              ElementsAre("set", "ws:3:w/x:1:n:a/b?", "v"));
}

TEST_F(RouterTest, ConditionalWrites) {
  IfNoneMatch("*");
  EXPECT_THAT(Command(For("PUT", "/api2/w/n/k", "v")), ElementsAre("set", "ws:1:w:1:n:k", "v", "nx"));
  has_if_none_match_ = false;
  IfMatch("*");
  EXPECT_THAT(Command(For("PUT", "/api2/w/n/k", "v")), ElementsAre("set", "ws:1:w:1:n:k", "v", "xx"));
  std::string md5 = engine::Md5Hex("old");
  IfMatch("\"" + md5 + "\"");
  EXPECT_THAT(Command(For("PUT", "/api2/w/n/k", "v")),
              ElementsAre("setifmd5", "ws:1:w:1:n:k", "v", md5));
  IfMatch(" " + engine::Md5Hex("old").substr(0, 31) + "A ");
  EXPECT_EQ(Command(For("PUT", "/api2/w/n/k", "v"))[3], md5.substr(0, 31) + "a");
}

TEST_F(RouterTest, BadConditionHeadersAre400) {
  for (const char* v : {"", "abc", "W/\"d41d8cd98f00b204e9800998ecf8427e\"", "*, *"}) {
    IfMatch(v);
    Plan p = For("PUT", "/api2/w/n/k", "v");
    ASSERT_TRUE(p.done()) << v;
    EXPECT_EQ(p.response().status, 400) << v;
  }
  has_if_match_ = false;
  IfNoneMatch("\"d41d8cd98f00b204e9800998ecf8427e\"");
  EXPECT_EQ(For("PUT", "/api2/w/n/k", "v").response().status, 400);
  IfMatch("*");
  IfNoneMatch("*");
  EXPECT_EQ(For("PUT", "/api2/w/n/k", "v").response().status, 400);
}

TEST_F(RouterTest, RepliesBecomeStatuses) {
  Plan get = For("GET", "/api2/w/n/k");
  EXPECT_EQ(Status(get, "$5\r\nhello\r\n"), 200);
  EXPECT_EQ(get.response().body, "hello");
  EXPECT_EQ(get.response().etag, engine::Md5Hex("hello"));
  Plan missing = For("GET", "/api2/w/n/k");
  EXPECT_EQ(Status(missing, "$-1\r\n"), 404);
  Plan wrong = For("GET", "/api2/w/n/k");
  EXPECT_EQ(Status(wrong, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"), 409);
  Plan put = For("PUT", "/api2/w/n/k", "v");
  EXPECT_EQ(Status(put, "+OK\r\n"), 204);
  Plan failed = For("PUT", "/api2/w/n/k", "v");
  EXPECT_EQ(Status(failed, "$-1\r\n"), 412);
  IfNoneMatch("*");
  Plan created = For("PUT", "/api2/w/n/k", "v");
  EXPECT_EQ(Status(created, "+OK\r\n"), 201);
  Plan del = For("DELETE", "/api2/w/n/k");
  EXPECT_EQ(Status(del, ":1\r\n"), 204);
  Plan del_missing = For("DELETE", "/api2/w/n/k");
  EXPECT_EQ(Status(del_missing, ":0\r\n"), 404);
  Plan error = For("PUT", "/api2/w/n/k", "v");
  EXPECT_EQ(Status(error, "-OOM command not allowed\r\n"), 500);
}

TEST_F(RouterTest, GetWithIfNoneMatchIs304WhenCurrent) {
  std::string etag = engine::Md5Hex("hello");
  std::vector<std::string> current = {"\"" + etag + "\"", etag, "*", "W/\"" + etag + "\"",
                                      "\"0123\", \"" + etag + "\""};
  for (const std::string& v : current) {
    IfNoneMatch(v);
    Plan p = For("GET", "/api2/w/n/k");
    EXPECT_EQ(Status(p, "$5\r\nhello\r\n"), 304) << v;
    EXPECT_EQ(p.response().body, "") << v;
    EXPECT_EQ(p.response().etag, etag) << v;
  }
  IfNoneMatch("\"" + engine::Md5Hex("other") + "\"");
  Plan changed = For("GET", "/api2/w/n/k");
  EXPECT_EQ(Status(changed, "$5\r\nhello\r\n"), 200);
  Plan missing = For("GET", "/api2/w/n/k");
  EXPECT_EQ(Status(missing, "$-1\r\n"), 404);
}

TEST_F(RouterTest, Listing) {
  Plan p = For("GET", "/api2/w/n?prefix=a%2A+b");
  EXPECT_THAT(Command(p), ElementsAre("keys", "ws:1:w:1:n:a\\* b*"));
  std::string reply = "*3\r\n$12\r\nws:1:w:1:n:b\r\n$14\r\nws:1:w:1:n:a\"\\\r\n$12\r\nws:1:w:1:n:a\r\n";
  EXPECT_EQ(Status(p, reply), 200);
  EXPECT_EQ(p.response().body,
            "{\"workspace\":\"w\",\"namespace\":\"n\",\"count\":3,\"keys\":[\"a\",\"a\\\"\\\\\",\"b\"]}");
  EXPECT_EQ(p.response().content_type, "application/json");
  Plan control = For("GET", "/api2/w/n");
  EXPECT_EQ(Status(control, "*1\r\n$13\r\nws:1:w:1:n:\n\x01\r\n"), 200);
  EXPECT_THAT(control.response().body, ::testing::HasSubstr("[\"\\u000a\\u0001\"]"));
}

TEST_F(RouterTest, OldApiUsesTheDefaultWorkspace) {
  EXPECT_THAT(Command(For("POST", "/api/n/k", "v")), ElementsAre("set", "ws:7:default:1:n:k", "v"));
  EXPECT_THAT(Command(For("PUT", "/api/n/k", "v")), ElementsAre("set", "ws:7:default:1:n:k", "v"));
  EXPECT_THAT(Command(For("GET", "/api/n/k/l")), ElementsAre("get", "ws:7:default:1:n:k/l"));
  EXPECT_THAT(Command(For("GET", "/api/n?prefix=p")), ElementsAre("keys", "ws:7:default:1:n:p*"));
  ASSERT_EQ(config_.Set("http-default-workspace", "team", false), "");
  EXPECT_THAT(Command(For("GET", "/api/n/k")), ElementsAre("get", "ws:4:team:1:n:k"));
}

TEST_F(RouterTest, AnsweredWithoutTheEngine) {
  struct Case {
    const char* method;
    const char* url;
    int status;
  } cases[] = {
      {"GET", "/healthz", 200},      {"HEAD", "/healthz", 200},     {"POST", "/healthz", 405},
      {"GET", "/", 404},             {"GET", "/api2", 404},         {"GET", "/api2/w", 404},
      {"GET", "/api2//n/k", 404},    {"GET", "/api2/w/n/", 400},    {"GET", "/api2/w/n/%zz", 400},
      {"POST", "/api2/w/n/k", 405},  {"PATCH", "/api/n/k", 405},    {"PUT", "/api2/w/n", 405},
      {"GET", "/api2x/w/n/k", 404},  {"GET", "/api2/w/n?prefix=%", 400},
  };
  for (const Case& c : cases) {
    Plan p = For(c.method, c.url);
    ASSERT_TRUE(p.done()) << c.method << " " << c.url;
    EXPECT_EQ(p.response().status, c.status) << c.method << " " << c.url;
  }
  EXPECT_THAT(For("POST", "/api2/w/n/k").response().headers,
              ElementsAre(std::pair<std::string, std::string>("Allow", "GET, HEAD, PUT, DELETE")));
  EXPECT_THAT(Command(For("GET", "/metrics")), ElementsAre("info", "everything"));
}

TEST_F(RouterTest, TokenRequiredWhenASecretIsSet) {
  ASSERT_EQ(config_.Set("http-token-secret", "s", false), "");
  Plan p = For("GET", "/api2/w/n/k");
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.response().status, 401);
  EXPECT_THAT(p.response().headers,
              ElementsAre(std::pair<std::string, std::string>("WWW-Authenticate", "Bearer")));
  EXPECT_EQ(For("GET", "/api/n").response().status, 401);
  EXPECT_EQ(For("GET", "/healthz").response().status, 200);
  EXPECT_FALSE(For("GET", "/metrics").done());
}

}  // namespace
}  // namespace shoal::http
