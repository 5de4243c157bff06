// Connection commands: PING, ECHO, HELLO, AUTH, QUIT, RESET, SELECT and CLIENT, with
// Redis 7.2's replies and error texts.
#include <string>
#include <vector>

#include "protocol/strings.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Type = Value::Type;

class ConnectionFamilyTest : public EngineTest {
 protected:
  // The value of `field` in a map reply (RESP3 map or RESP2 flat array).
  static Value Field(const Value& map, std::string_view field) {
    for (size_t i = 0; i + 1 < map.elems.size(); i += 2) {
      if (map.elems[i].str == field) return map.elems[i + 1];
    }
    Value missing;
    missing.type = Type::kError;
    missing.str = "no field " + std::string(field);
    return missing;
  }
  // The CLIENT LIST lines of a reply.
  static std::vector<std::string> Lines(const Value& v) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < v.str.size()) {
      size_t end = v.str.find('\n', start);
      lines.push_back(v.str.substr(start, end - start));
      start = end + 1;
    }
    return lines;
  }
  int64_t MyId() { return Run({"client", "id"}).integer; }
};

TEST_P(ConnectionFamilyTest, Ping) {
  EXPECT_THAT(Run({"ping"}), SimpleArg("PONG"));
  EXPECT_THAT(Run({"PING", "hello world"}), BulkArg("hello world"));
  EXPECT_THAT(Run({"ping", "a", "b"}), ErrArg("ERR wrong number of arguments for 'ping' command"));
}

TEST_P(ConnectionFamilyTest, Echo) {
  EXPECT_THAT(Run({"echo", "hi"}), BulkArg("hi"));
  EXPECT_THAT(Run({"echo", ""}), BulkArg(""));
  EXPECT_THAT(Run({"echo"}), ErrArg("ERR wrong number of arguments for 'echo' command"));
  EXPECT_THAT(Run({"echo", "a", "b"}), ErrArg("ERR wrong number of arguments for 'echo' command"));
}

TEST_P(ConnectionFamilyTest, HelloWithoutVersionKeepsResp2) {
  Value v = Run({"hello"});
  ASSERT_EQ(v.type, Type::kArray) << v.ToString();
  ASSERT_EQ(v.elems.size(), 14u);
  EXPECT_THAT(Field(v, "server"), BulkArg("redis"));
  EXPECT_THAT(Field(v, "version"), BulkArg("7.2.4"));
  EXPECT_THAT(Field(v, "proto"), IntArg(2));
  EXPECT_THAT(Field(v, "id"), IntArg(MyId()));
  EXPECT_THAT(Field(v, "mode"), BulkArg("standalone"));
  EXPECT_THAT(Field(v, "role"), BulkArg("master"));
  EXPECT_THAT(Field(v, "modules"), ArrArg(ElementsAre()));
}

TEST_P(ConnectionFamilyTest, Hello3SwitchesToResp3) {
  Value v = Run({"hello", "3"});
  ASSERT_EQ(v.type, Type::kMap) << v.ToString();
  EXPECT_THAT(Field(v, "proto"), IntArg(3));
  // Later replies use RESP3 types.
  EXPECT_THAT(Run({"get", "missing"}), NilArg());
  EXPECT_EQ(Run({"config", "get", "maxmemory"}).type, Type::kMap);
  EXPECT_EQ(Run({"client", "info"}).type, Type::kVerbatim);
  // And back.
  EXPECT_EQ(Run({"hello", "2"}).type, Type::kArray);
  EXPECT_EQ(Run({"config", "get", "maxmemory"}).type, Type::kArray);
}

TEST_P(ConnectionFamilyTest, HelloErrors) {
  EXPECT_THAT(Run({"hello", "x"}), ErrArg("ERR Protocol version is not an integer or out of range"));
  EXPECT_THAT(Run({"hello", "1"}), ErrArg("NOPROTO unsupported protocol version"));
  EXPECT_THAT(Run({"hello", "4"}), ErrArg("NOPROTO unsupported protocol version"));
  EXPECT_THAT(Run({"hello", "3", "foo"}), ErrArg("ERR Syntax error in HELLO option 'foo'"));
  EXPECT_THAT(Run({"hello", "3", "AUTH", "default"}),
              ErrArg("ERR Syntax error in HELLO option 'AUTH'"));
  EXPECT_THAT(Run({"hello", "3", "setname"}), ErrArg("ERR Syntax error in HELLO option 'setname'"));
  EXPECT_THAT(Run({"hello", "3", "setname", "a b"}),
              ErrArg("ERR Client names cannot contain spaces, newlines or special characters."));
  // A failed HELLO leaves the protocol alone.
  EXPECT_EQ(Run({"config", "get", "maxmemory"}).type, Type::kArray);
}

TEST_P(ConnectionFamilyTest, HelloSetName) {
  EXPECT_EQ(Run({"hello", "2", "setname", "worker-1"}).type, Type::kArray);
  EXPECT_THAT(Run({"client", "getname"}), BulkArg("worker-1"));
}

TEST_P(ConnectionFamilyTest, HelloAuthWithoutPassword) {
  // The default user is nopass: any password authenticates it; other users do not exist.
  EXPECT_EQ(Run({"hello", "3", "auth", "default", "anything"}).type, Type::kMap);
  EXPECT_THAT(Run({"hello", "3", "auth", "alice", "x"}), ErrArg("WRONGPASS"));
}

TEST_P(ConnectionFamilyTest, AuthWithoutPasswordConfigured) {
  EXPECT_THAT(Run({"auth", "secret"}),
              ErrArg("ERR AUTH <password> called without any password configured for the "
                     "default user. Are you sure your configuration is correct?"));
  EXPECT_THAT(Run({"auth", "default", "whatever"}), OkArg());
  EXPECT_THAT(Run({"auth", "bob", "whatever"}),
              ErrArg("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_THAT(Run({"auth", "a", "b", "c"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"auth"}), ErrArg("ERR wrong number of arguments for 'auth' command"));
}

TEST_P(ConnectionFamilyTest, RequirePassFlow) {
  EXPECT_THAT(Run({"config", "set", "requirepass", "s3cret"}), OkArg());
  // The session that set it stays authenticated, as in Redis.
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());

  auto other = NewSession();
  EXPECT_THAT(RunOn(*other, {"get", "k"}), ErrArg("NOAUTH Authentication required."));
  EXPECT_THAT(RunOn(*other, {"client", "id"}), ErrArg("NOAUTH Authentication required."));
  EXPECT_THAT(RunOn(*other, {"ping"}), ErrArg("NOAUTH"));
  EXPECT_THAT(RunOn(*other, {"hello", "3"}),
              ErrArg("NOAUTH HELLO must be called with the client already authenticated"));
  EXPECT_THAT(RunOn(*other, {"auth", "wrong"}),
              ErrArg("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_THAT(RunOn(*other, {"auth", "nobody", "s3cret"}), ErrArg("WRONGPASS"));
  EXPECT_THAT(RunOn(*other, {"get", "k"}), ErrArg("NOAUTH"));
  EXPECT_THAT(RunOn(*other, {"auth", "s3cret"}), OkArg());
  EXPECT_THAT(RunOn(*other, {"get", "k"}), BulkArg("v"));

  // HELLO AUTH authenticates and switches protocol at once.
  auto third = NewSession();
  EXPECT_THAT(RunOn(*third, {"hello", "3", "auth", "default", "bad"}), ErrArg("WRONGPASS"));
  Value v = RunOn(*third, {"hello", "3", "auth", "default", "s3cret", "setname", "c3"});
  ASSERT_EQ(v.type, Type::kMap) << v.ToString();
  EXPECT_THAT(RunOn(*third, {"client", "getname"}), BulkArg("c3"));

  // RESET logs out when a password is set.
  EXPECT_THAT(RunOn(*other, {"reset"}), SimpleArg("RESET"));
  EXPECT_THAT(RunOn(*other, {"get", "k"}), ErrArg("NOAUTH"));
  EXPECT_THAT(RunOn(*other, {"auth", "default", "s3cret"}), OkArg());
  EXPECT_THAT(RunOn(*other, {"get", "k"}), BulkArg("v"));
}

TEST_P(ConnectionFamilyTest, Quit) {
  auto other = NewSession();
  EXPECT_FALSE(other->close_requested());
  EXPECT_THAT(RunOn(*other, {"quit"}), OkArg());
  EXPECT_TRUE(other->close_requested());
}

TEST_P(ConnectionFamilyTest, Reset) {
  EXPECT_THAT(Run({"select", "3"}), OkArg());
  EXPECT_THAT(Run({"client", "setname", "n"}), OkArg());
  EXPECT_THAT(Run({"client", "no-evict", "on"}), OkArg());
  ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
  EXPECT_THAT(Run({"set", "k", "db3"}), OkArg());

  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_EQ(session_->resp(), 2);
  EXPECT_EQ(session_->db(), 0);
  EXPECT_THAT(Run({"client", "getname"}), NilArg());
  EXPECT_THAT(Run({"get", "k"}), NilArg());  // back in db 0
  EXPECT_EQ(Run({"config", "get", "maxmemory"}).type, Type::kArray);
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" flags=N "));
  EXPECT_THAT(Run({"reset", "x"}), ErrArg("ERR wrong number of arguments for 'reset' command"));
}

TEST_P(ConnectionFamilyTest, ResetTurnsRepliesBackOn) {
  EXPECT_THAT(Run({"client", "reply", "off"}), NilArg());  // no reply at all
  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_THAT(Run({"ping"}), SimpleArg("PONG"));
}

TEST_P(ConnectionFamilyTest, Select) {
  EXPECT_THAT(Run({"set", "k", "zero"}), OkArg());
  EXPECT_THAT(Run({"select", "15"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), NilArg());
  EXPECT_THAT(Run({"set", "k", "fifteen"}), OkArg());
  EXPECT_THAT(Run({"select", "0"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("zero"));

  EXPECT_THAT(Run({"select", "16"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"select", "-1"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"select", "x"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"select", "1.5"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"select", "99999999999"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"select"}), ErrArg("ERR wrong number of arguments for 'select' command"));
  EXPECT_EQ(session_->db(), 0);
}

TEST_P(ConnectionFamilyTest, ClientIdIsUniquePerSession) {
  auto other = NewSession();
  Value mine = Run({"client", "id"});
  Value theirs = RunOn(*other, {"client", "id"});
  ASSERT_EQ(mine.type, Type::kInteger);
  EXPECT_EQ(mine.integer, static_cast<int64_t>(session_->id()));
  EXPECT_EQ(theirs.integer, static_cast<int64_t>(other->id()));
  EXPECT_NE(mine.integer, theirs.integer);
  EXPECT_THAT(Run({"client", "id", "x"}),
              ErrArg("ERR wrong number of arguments for 'client|id' command"));
}

TEST_P(ConnectionFamilyTest, ClientSetNameGetName) {
  EXPECT_THAT(Run({"client", "getname"}), NilArg());
  EXPECT_THAT(Run({"client", "setname", "my-conn"}), OkArg());
  EXPECT_THAT(Run({"client", "getname"}), BulkArg("my-conn"));
  EXPECT_THAT(Run({"client", "setname", "has space"}),
              ErrArg("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_THAT(Run({"client", "setname", "new\nline"}), ErrArg("ERR Client names cannot"));
  EXPECT_THAT(Run({"client", "getname"}), BulkArg("my-conn"));
  EXPECT_THAT(Run({"client", "setname", ""}), OkArg());  // removes it
  EXPECT_THAT(Run({"client", "getname"}), NilArg());
  EXPECT_THAT(Run({"client", "setname"}),
              ErrArg("ERR wrong number of arguments for 'client|setname' command"));
  EXPECT_THAT(Run({"client", "getname", "x"}),
              ErrArg("ERR wrong number of arguments for 'client|getname' command"));
}

TEST_P(ConnectionFamilyTest, ClientListShowsEverySession) {
  auto other = NewSession();
  EXPECT_THAT(RunOn(*other, {"client", "setname", "second"}), OkArg());
  EXPECT_THAT(RunOn(*other, {"select", "5"}), OkArg());
  Value v = Run({"client", "list"});
  ASSERT_EQ(v.type, Type::kBulk) << v.ToString();
  ASSERT_EQ(v.str.back(), '\n');
  std::vector<std::string> lines = Lines(v);
  ASSERT_EQ(lines.size(), 2u);
  // In id (connection) order.
  EXPECT_THAT(lines[0], ::testing::StartsWith(StrCat("id=", session_->id(), " addr=")));
  EXPECT_THAT(lines[0], HasSubstr(" cmd=client|list "));  // the running command, as Redis
  EXPECT_THAT(lines[0], HasSubstr(" db=0 "));
  EXPECT_THAT(lines[1], ::testing::StartsWith(StrCat("id=", other->id(), " addr=")));
  EXPECT_THAT(lines[1], HasSubstr(" name=second "));
  EXPECT_THAT(lines[1], HasSubstr(" db=5 "));
  EXPECT_THAT(lines[1], HasSubstr(" cmd=select "));
  EXPECT_THAT(lines[1], HasSubstr(" user=default "));
  EXPECT_THAT(lines[1], HasSubstr(" resp=2 "));

  ASSERT_EQ(RunOn(*other, {"hello", "3"}).type, Type::kMap);
  Value v3 = RunOn(*other, {"client", "list"});
  EXPECT_EQ(v3.type, Type::kVerbatim);
  EXPECT_THAT(Lines(v3)[1], HasSubstr(" resp=3 "));
}

TEST_P(ConnectionFamilyTest, ClientListFilters) {
  auto other = NewSession();
  EXPECT_EQ(Lines(Run({"client", "list", "type", "normal"})).size(), 2u);
  EXPECT_EQ(Lines(Run({"client", "list", "TYPE", "NORMAL"})).size(), 2u);
  EXPECT_THAT(Run({"client", "list", "type", "pubsub"}), BulkArg(""));
  EXPECT_THAT(Run({"client", "list", "type", "replica"}), BulkArg(""));
  EXPECT_THAT(Run({"client", "list", "type", "master"}), BulkArg(""));
  EXPECT_THAT(Run({"client", "list", "type", "bogus"}), ErrArg("ERR Unknown client type 'bogus'"));

  std::string other_id = StrCat(other->id());
  std::vector<std::string> lines = Lines(Run({"client", "list", "id", other_id}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], ::testing::StartsWith("id=" + other_id + " "));
  // In the order asked; unknown ids are skipped.
  lines = Lines(Run({"client", "list", "id", other_id, "999999", StrCat(session_->id())}));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], ::testing::StartsWith("id=" + other_id + " "));
  EXPECT_THAT(lines[1], ::testing::StartsWith(StrCat("id=", session_->id(), " ")));
  EXPECT_THAT(Run({"client", "list", "id", "x"}), ErrArg("ERR Invalid client ID"));
  EXPECT_THAT(Run({"client", "list", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "list", "type"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "list", "id"}), ErrArg("ERR syntax error"));
}

TEST_P(ConnectionFamilyTest, ClientInfo) {
  EXPECT_THAT(Run({"client", "setname", "me"}), OkArg());
  Value v = Run({"client", "info"});
  ASSERT_EQ(v.type, Type::kBulk);
  EXPECT_THAT(v.str, ::testing::StartsWith(StrCat("id=", session_->id(), " addr=embedded ")));
  EXPECT_THAT(v.str, HasSubstr(" name=me "));
  EXPECT_THAT(v.str, HasSubstr(" cmd=client|info "));
  EXPECT_EQ(v.str.back(), '\n');
  EXPECT_EQ(Lines(v).size(), 1u);
  EXPECT_THAT(Run({"client", "info", "x"}),
              ErrArg("ERR wrong number of arguments for 'client|info' command"));
}

TEST_P(ConnectionFamilyTest, ClientListBeforeAnyCommandShowsNull) {
  auto other = NewSession();
  std::vector<std::string> lines =
      Lines(Run({"client", "list", "id", StrCat(other->id())}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(" cmd=NULL "));
}

TEST_P(ConnectionFamilyTest, ClientKillById) {
  auto other = NewSession();
  auto bystander = NewSession();
  EXPECT_THAT(Run({"client", "kill", "id", StrCat(other->id())}), IntArg(1));
  EXPECT_TRUE(other->close_requested());
  EXPECT_FALSE(bystander->close_requested());
  EXPECT_FALSE(session_->close_requested());
  // The killed client shows the 'c' flag until its connection goes.
  EXPECT_THAT(Run({"client", "list", "id", StrCat(other->id())}).str, HasSubstr(" flags=c "));
  EXPECT_THAT(Run({"client", "kill", "id", "999999"}), IntArg(0));
}

TEST_P(ConnectionFamilyTest, ClientKillSkipMe) {
  std::string me = StrCat(session_->id());
  EXPECT_THAT(Run({"client", "kill", "id", me}), IntArg(0));  // SKIPME yes by default
  EXPECT_FALSE(session_->close_requested());
  EXPECT_THAT(Run({"client", "kill", "id", me, "skipme", "no"}), IntArg(1));
  EXPECT_TRUE(session_->close_requested());
}

TEST_P(ConnectionFamilyTest, ClientKillFilters) {
  auto a = NewSession();
  auto b = NewSession();
  // ADDR: embedded sessions share the address "embedded"; the caller is skipped.
  EXPECT_THAT(Run({"client", "kill", "addr", "10.0.0.1:1"}), IntArg(0));
  EXPECT_THAT(Run({"client", "kill", "type", "pubsub"}), IntArg(0));
  EXPECT_THAT(Run({"client", "kill", "user", "default", "laddr", "nowhere:1"}), IntArg(0));
  EXPECT_THAT(Run({"client", "kill", "addr", "embedded", "type", "normal"}), IntArg(2));
  EXPECT_TRUE(a->close_requested());
  EXPECT_TRUE(b->close_requested());
  EXPECT_FALSE(session_->close_requested());
}

TEST_P(ConnectionFamilyTest, ClientKillOldForm) {
  EXPECT_THAT(Run({"client", "kill", "10.0.0.1:1"}), ErrArg("ERR No such client"));
  EXPECT_FALSE(session_->close_requested());
  // The old form may kill the caller itself.
  EXPECT_THAT(Run({"client", "kill", "embedded"}), OkArg());
  EXPECT_TRUE(session_->close_requested());
}

TEST_P(ConnectionFamilyTest, ClientKillErrors) {
  EXPECT_THAT(Run({"client", "kill"}),
              ErrArg("ERR wrong number of arguments for 'client|kill' command"));
  EXPECT_THAT(Run({"client", "kill", "id", "0"}), ErrArg("ERR client-id should be greater than 0"));
  EXPECT_THAT(Run({"client", "kill", "id", "x"}), ErrArg("ERR client-id should be greater than 0"));
  EXPECT_THAT(Run({"client", "kill", "type", "x"}), ErrArg("ERR Unknown client type 'x'"));
  EXPECT_THAT(Run({"client", "kill", "user", "alice"}), ErrArg("ERR No such user 'alice'"));
  EXPECT_THAT(Run({"client", "kill", "skipme", "maybe"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "kill", "bogus", "1"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "kill", "id", "1", "skipme"}), ErrArg("ERR syntax error"));
  EXPECT_FALSE(session_->close_requested());
}

TEST_P(ConnectionFamilyTest, ClientSetInfo) {
  EXPECT_THAT(Run({"client", "setinfo", "lib-name", "redis-py"}), OkArg());
  EXPECT_THAT(Run({"client", "setinfo", "LIB-VER", "5.0.1"}), OkArg());
  std::string info = Run({"client", "info"}).str;
  EXPECT_THAT(info, HasSubstr(" lib-name=redis-py lib-ver=5.0.1"));
  EXPECT_THAT(Run({"client", "setinfo", "lib-name", "a b"}),
              ErrArg("ERR lib-name cannot contain spaces, newlines or special characters."));
  EXPECT_THAT(Run({"client", "setinfo", "LIB-VER", "1\n"}),
              ErrArg("ERR LIB-VER cannot contain spaces, newlines or special characters."));
  EXPECT_THAT(Run({"client", "setinfo", "color", "red"}), ErrArg("ERR Unrecognized option 'color'"));
  EXPECT_THAT(Run({"client", "setinfo", "lib-name"}),
              ErrArg("ERR wrong number of arguments for 'client|setinfo' command"));
  EXPECT_THAT(Run({"client", "setinfo", "lib-name", ""}), OkArg());
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" lib-name= lib-ver=5.0.1"));
}

TEST_P(ConnectionFamilyTest, ClientReplyOffAndOn) {
  EXPECT_THAT(Run({"client", "reply", "off"}), NilArg());  // nothing written
  EXPECT_EQ(session_->ExecuteRaw({"set", "k", "v"}), "");
  EXPECT_EQ(session_->ExecuteRaw({"get", "k"}), "");
  EXPECT_EQ(session_->ExecuteRaw({"client", "reply", "bogus"}), "");  // errors dropped too
  EXPECT_EQ(session_->ExecuteRaw({"client", "reply", "skip"}), "");   // stays off
  EXPECT_EQ(session_->ExecuteRaw({"get", "k"}), "");
  EXPECT_THAT(Run({"client", "reply", "on"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
}

TEST_P(ConnectionFamilyTest, ClientReplySkip) {
  EXPECT_EQ(session_->ExecuteRaw({"client", "reply", "skip"}), "");
  EXPECT_EQ(session_->ExecuteRaw({"set", "k", "v"}), "");  // skipped
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));             // replies again
  EXPECT_THAT(Run({"client", "reply", "maybe"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "reply"}),
              ErrArg("ERR wrong number of arguments for 'client|reply' command"));
}

TEST_P(ConnectionFamilyTest, ClientNoEvict) {
  EXPECT_THAT(Run({"client", "no-evict", "on"}), OkArg());
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" flags=e "));
  EXPECT_THAT(Run({"client", "no-evict", "OFF"}), OkArg());
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" flags=N "));
  EXPECT_THAT(Run({"client", "no-evict", "maybe"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "no-evict"}),
              ErrArg("ERR wrong number of arguments for 'client|no-evict' command"));
}

TEST_P(ConnectionFamilyTest, ClientHelpAndUnknown) {
  Value v = Run({"client", "help"});
  ASSERT_EQ(v.type, Type::kArray);
  ASSERT_GE(v.elems.size(), 4u);
  EXPECT_THAT(v.elems[0],
              SimpleArg("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(v.elems[v.elems.size() - 2], SimpleArg("HELP"));
  EXPECT_THAT(v.elems.back(), SimpleArg("    Print this help."));
  EXPECT_THAT(Run({"client", "bogus"}), ErrArg("ERR unknown subcommand 'bogus'. Try CLIENT HELP."));
  EXPECT_THAT(Run({"client"}), ErrArg("ERR wrong number of arguments for 'client' command"));
}

TEST_P(ConnectionFamilyTest, ErrorRepliesKeepTheSessionUsable) {
  EXPECT_THAT(Run({"select", "x"}), ErrArg("ERR"));
  EXPECT_THAT(Run({"ping"}), Not(ErrArg("ERR")));
}

INSTANTIATE_TEST_SUITE_P(Shards, ConnectionFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
