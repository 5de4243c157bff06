// Server commands: COMMAND, INFO, CONFIG, TIME, LASTSAVE, DEBUG and SHUTDOWN, with Redis
// 7.2's replies and error texts.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/command_table.h"
#include "engine/persistence.h"
#include "protocol/strings.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using Type = Value::Type;

class ServerFamilyTest : public EngineTest {
 protected:
  // INFO's text as section -> field -> value; fails the test on a malformed line.
  using InfoMap = std::map<std::string, std::map<std::string, std::string>>;
  InfoMap Info(std::initializer_list<std::string_view> args) {
    std::vector<std::string> cmd = {"info"};
    cmd.insert(cmd.end(), args.begin(), args.end());
    Value v = Run(cmd);
    EXPECT_EQ(v.type, Type::kBulk) << v.ToString();
    return ParseInfo(v.str);
  }
  static InfoMap ParseInfo(const std::string& text) {
    InfoMap out;
    std::string section;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find("\r\n", pos);
      EXPECT_NE(end, std::string::npos) << "line without \\r\\n at " << pos;
      if (end == std::string::npos) break;
      std::string line = text.substr(pos, end - pos);
      pos = end + 2;
      EXPECT_EQ(line.find('\n'), std::string::npos) << line;
      if (line.empty()) continue;
      if (line.rfind("# ", 0) == 0) {
        section = line.substr(2);
        out[section];
        continue;
      }
      size_t colon = line.find(':');
      EXPECT_NE(colon, std::string::npos) << line;
      EXPECT_FALSE(section.empty()) << line;
      out[section][line.substr(0, colon)] = line.substr(colon + 1);
    }
    return out;
  }
  static std::vector<std::string> Keys(const InfoMap& info) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : info) keys.push_back(k);
    return keys;
  }
  static size_t TopLevelRows() {
    size_t n = 0;
    for (const CommandSpec& spec : CommandTable::Get().all()) {
      n += spec.name.find('|') == std::string_view::npos;
    }
    return n;
  }
  // The value of `field` in a map reply (RESP3 map or RESP2 flat array).
  static const Value* Field(const Value& map, std::string_view field) {
    for (size_t i = 0; i + 1 < map.elems.size(); i += 2) {
      if (map.elems[i].str == field) return &map.elems[i + 1];
    }
    return nullptr;
  }
};

// --- COMMAND -----------------------------------------------------------------------------

TEST_P(ServerFamilyTest, CommandCountIsTopLevelRows) {
  EXPECT_THAT(Run({"command", "count"}), IntArg(static_cast<int64_t>(TopLevelRows())));
  Value all = Run({"command"});
  ASSERT_EQ(all.type, Type::kArray);
  EXPECT_EQ(all.elems.size(), TopLevelRows());
  for (const Value& info : all.elems) EXPECT_EQ(info.elems.size(), 10u) << info.ToString();
  EXPECT_THAT(Run({"command", "count", "x"}),
              ErrArg("ERR wrong number of arguments for 'command|count' command"));
}

TEST_P(ServerFamilyTest, CommandInfoGet) {
  Value v = Run({"command", "info", "GET"});
  ASSERT_EQ(v.elems.size(), 1u);
  const Value& get = v.elems[0];
  ASSERT_EQ(get.elems.size(), 10u) << get.ToString();
  EXPECT_THAT(get.elems[0], BulkArg("get"));
  EXPECT_THAT(get.elems[1], IntArg(2));
  std::vector<std::string> flags = StrArray(get.elems[2]);
  EXPECT_THAT(flags, ElementsAre("readonly", "fast"));
  EXPECT_EQ(get.elems[2].elems[0].type, Type::kSimple);
  EXPECT_THAT(get.elems[3], IntArg(1));
  EXPECT_THAT(get.elems[4], IntArg(1));
  EXPECT_THAT(get.elems[5], IntArg(1));
  EXPECT_THAT(StrArray(get.elems[6]), ElementsAre("@read", "@string", "@fast"));
  EXPECT_THAT(get.elems[7], ArrArg(IsEmpty()));  // tips
  ASSERT_EQ(get.elems[8].elems.size(), 1u);      // one key spec
  const Value& spec = get.elems[8].elems[0];
  ASSERT_NE(Field(spec, "flags"), nullptr);
  EXPECT_THAT(StrArray(*Field(spec, "flags")), ElementsAre("RO", "access"));
  const Value* begin = Field(spec, "begin_search");
  ASSERT_NE(begin, nullptr);
  EXPECT_THAT(*Field(*begin, "type"), BulkArg("index"));
  EXPECT_THAT(*Field(*Field(*begin, "spec"), "index"), IntArg(1));
  const Value* find = Field(spec, "find_keys");
  ASSERT_NE(find, nullptr);
  EXPECT_THAT(*Field(*find, "type"), BulkArg("range"));
  EXPECT_THAT(*Field(*Field(*find, "spec"), "lastkey"), IntArg(0));
  EXPECT_THAT(*Field(*Field(*find, "spec"), "keystep"), IntArg(1));
  EXPECT_THAT(get.elems[9], ArrArg(IsEmpty()));  // no subcommands
}

TEST_P(ServerFamilyTest, CommandInfoKeyRanges) {
  Value v = Run({"command", "info", "mset", "set", "ping"});
  ASSERT_EQ(v.elems.size(), 3u);
  const Value& mset = v.elems[0];
  EXPECT_THAT(mset.elems[1], IntArg(-3));
  EXPECT_THAT(mset.elems[4], IntArg(-1));
  EXPECT_THAT(mset.elems[5], IntArg(2));
  const Value& range = *Field(*Field(mset.elems[8].elems[0], "find_keys"), "spec");
  EXPECT_THAT(*Field(range, "lastkey"), IntArg(-1));
  EXPECT_THAT(*Field(range, "keystep"), IntArg(2));
  EXPECT_THAT(StrArray(v.elems[1].elems[2]), ElementsAre("write", "denyoom"));
  EXPECT_THAT(StrArray(*Field(v.elems[1].elems[8].elems[0], "flags")), ElementsAre("RW", "update"));
  const Value& ping = v.elems[2];
  EXPECT_THAT(ping.elems[8], ArrArg(IsEmpty()));
  EXPECT_THAT(StrArray(ping.elems[2]), ElementsAre("fast"));
}

TEST_P(ServerFamilyTest, CommandInfoContainersAndUnknown) {
  Value v = Run({"command", "info", "config", "config|get", "nosuch", "get|x"});
  ASSERT_EQ(v.elems.size(), 4u);
  const Value& config = v.elems[0];
  EXPECT_THAT(config.elems[0], BulkArg("config"));
  EXPECT_THAT(config.elems[1], IntArg(-2));
  std::vector<std::string> subs;
  for (const Value& sub : config.elems[9].elems) subs.push_back(sub.elems[0].str);
  EXPECT_THAT(subs, ElementsAre("config|get", "config|set", "config|resetstat", "config|rewrite",
                                "config|help"));
  EXPECT_THAT(v.elems[1].elems[0], BulkArg("config|get"));
  EXPECT_THAT(StrArray(v.elems[1].elems[2]), ElementsAre("admin", "noscript", "loading", "stale"));
  EXPECT_THAT(v.elems[2], NilArg());
  EXPECT_THAT(v.elems[3], NilArg());
  // No names: every command.
  EXPECT_EQ(Run({"command", "info"}).elems.size(), TopLevelRows());
}

TEST_P(ServerFamilyTest, CommandInfoFlagsInRedisOrder) {
  Value v = Run({"command", "info", "hello", "client|kill", "shutdown", "keys"});
  EXPECT_THAT(StrArray(v.elems[0].elems[2]),
              ElementsAre("noscript", "loading", "stale", "fast", "no_auth", "allow_busy"));
  EXPECT_THAT(StrArray(v.elems[1].elems[2]), ElementsAre("admin", "noscript", "loading", "stale"));
  EXPECT_THAT(StrArray(v.elems[2].elems[2]),
              ElementsAre("admin", "noscript", "loading", "stale", "no_multi", "allow_busy"));
  // Shoal's routing flags stay hidden.
  EXPECT_THAT(StrArray(v.elems[3].elems[2]), ElementsAre("readonly"));
}

TEST_P(ServerFamilyTest, CommandInfoResp3UsesSetsAndMaps) {
  ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
  Value v = Run({"command", "info", "get"});
  const Value& get = v.elems[0];
  EXPECT_EQ(get.elems[2].type, Type::kSet);
  EXPECT_EQ(get.elems[6].type, Type::kSet);
  EXPECT_EQ(get.elems[8].elems[0].type, Type::kMap);
}

TEST_P(ServerFamilyTest, CommandDocs) {
  Value v = Run({"command", "docs", "get", "nosuch", "client"});
  ASSERT_EQ(v.type, Type::kArray);  // RESP2 map
  ASSERT_EQ(v.elems.size(), 4u) << v.ToString();
  EXPECT_THAT(v.elems[0], BulkArg("get"));
  const Value& get = v.elems[1];
  EXPECT_THAT(*Field(get, "summary"), BulkArg("Returns the string value of a key."));
  EXPECT_THAT(*Field(get, "since"), BulkArg("1.0.0"));
  EXPECT_THAT(*Field(get, "group"), BulkArg("string"));
  EXPECT_EQ(Field(get, "subcommands"), nullptr);
  EXPECT_THAT(v.elems[2], BulkArg("client"));
  const Value* subs = Field(v.elems[3], "subcommands");
  ASSERT_NE(subs, nullptr);
  ASSERT_NE(Field(*subs, "client|list"), nullptr);
  EXPECT_THAT(*Field(*Field(*subs, "client|list"), "group"), BulkArg("connection"));

  ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
  Value all = Run({"command", "docs"});
  EXPECT_EQ(all.type, Type::kMap);
  EXPECT_EQ(all.elems.size(), 2 * TopLevelRows());
}

TEST_P(ServerFamilyTest, CommandList) {
  std::vector<std::string> all = StrArray(Run({"command", "list"}));
  EXPECT_EQ(all.size(), CommandTable::Get().size());
  EXPECT_THAT(all, Contains("get"));
  EXPECT_THAT(all, Contains("config|get"));
  EXPECT_THAT(StrArray(Run({"command", "list", "filterby", "pattern", "CONFIG|*"})),
              ElementsAre("config|get", "config|set", "config|resetstat", "config|rewrite",
                          "config|help"));
  std::vector<std::string> strings = StrArray(Run({"command", "list", "FILTERBY", "aclcat", "string"}));
  EXPECT_THAT(strings, Contains("get"));
  EXPECT_THAT(strings, Not(Contains("del")));
  EXPECT_THAT(Run({"command", "list", "filterby", "aclcat", "nosuch"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"command", "list", "filterby", "module", "x"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"command", "list", "filterby", "color", "x"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"command", "list", "filterby", "pattern"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"command", "list", "bogus"}), ErrArg("ERR syntax error"));
}

TEST_P(ServerFamilyTest, CommandGetKeys) {
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "set", "k", "v"})), ElementsAre("k"));
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "MSET", "a", "1", "b", "2"})),
              ElementsAre("a", "b"));
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "rename", "x", "y"})), ElementsAre("x", "y"));
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "object", "encoding", "k"})), ElementsAre("k"));
  EXPECT_THAT(Run({"command", "getkeys", "nosuch", "k"}), ErrArg("ERR Invalid command specified"));
  EXPECT_THAT(Run({"command", "getkeys", "object", "nosuch", "k"}),
              ErrArg("ERR Invalid command specified"));
  EXPECT_THAT(Run({"command", "getkeys", "ping"}), ErrArg("ERR The command has no key arguments"));
  EXPECT_THAT(Run({"command", "getkeys", "config", "get", "x"}),
              ErrArg("ERR The command has no key arguments"));
  EXPECT_THAT(Run({"command", "getkeys", "get"}),
              ErrArg("ERR Invalid number of arguments specified for command"));
  EXPECT_THAT(Run({"command", "getkeys", "get", "a", "b"}),
              ErrArg("ERR Invalid number of arguments specified for command"));
  EXPECT_THAT(Run({"command", "getkeys"}),
              ErrArg("ERR wrong number of arguments for 'command|getkeys' command"));
}

TEST_P(ServerFamilyTest, CommandHelpAndUnknown) {
  Value v = Run({"command", "help"});
  ASSERT_GE(v.elems.size(), 3u);
  EXPECT_THAT(v.elems[0],
              SimpleArg("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(v.elems.back(), SimpleArg("    Print this help."));
  EXPECT_THAT(Run({"command", "bogus"}), ErrArg("ERR unknown subcommand 'bogus'. Try COMMAND HELP."));
}

// --- INFO --------------------------------------------------------------------------------

TEST_P(ServerFamilyTest, InfoDefaultSections) {
  InfoMap info = Info({});
  EXPECT_THAT(Keys(info), ::testing::UnorderedElementsAre(
                              "Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
                              "CPU", "Modules", "Errorstats", "Cluster", "Keyspace"));
  EXPECT_EQ(info["Server"]["redis_version"], "7.2.4");
  EXPECT_EQ(info["Server"]["redis_mode"], "standalone");
  EXPECT_EQ(info["Server"]["arch_bits"], "64");
  EXPECT_EQ(info["Server"]["process_id"], StrCat(static_cast<int64_t>(getpid())));
  EXPECT_EQ(info["Server"]["tcp_port"], "0");
  EXPECT_EQ(info["Server"]["config_file"], "");
  EXPECT_EQ(info["Server"]["run_id"].size(), 40u);
  EXPECT_EQ(info["Server"]["uptime_in_seconds"], "0");
  EXPECT_EQ(info["Clients"]["connected_clients"], "1");
  EXPECT_EQ(info["Clients"]["maxclients"], "10000");
  EXPECT_EQ(info["Memory"]["maxmemory_policy"], "noeviction");
  EXPECT_EQ(info["Memory"]["maxmemory"], "0");
  EXPECT_EQ(info["Memory"]["maxmemory_human"], "0B");
  EXPECT_FALSE(info["Memory"]["used_memory"].empty());
  EXPECT_EQ(info["Persistence"]["loading"], "0");
  EXPECT_EQ(info["Persistence"]["aof_enabled"], "0");
  EXPECT_EQ(info["Replication"]["role"], "master");
  EXPECT_EQ(info["Replication"]["connected_slaves"], "0");
  EXPECT_EQ(info["Cluster"]["cluster_enabled"], "0");
  EXPECT_THAT(info["CPU"]["used_cpu_user"], ::testing::MatchesRegex("[0-9]+\\.[0-9]{6}"));
}

TEST_P(ServerFamilyTest, InfoTextLayout) {
  Value v = Run({"info", "server", "clients"});
  ASSERT_EQ(v.type, Type::kBulk);
  EXPECT_THAT(v.str, StartsWith("# Server\r\nredis_version:7.2.4\r\n"));
  EXPECT_THAT(v.str, HasSubstr("\r\n\r\n# Clients\r\nconnected_clients:1\r\n"));
  EXPECT_THAT(v.str, ::testing::EndsWith("\r\n"));
  ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
  EXPECT_EQ(Run({"info"}).type, Type::kVerbatim);
}

TEST_P(ServerFamilyTest, InfoSectionSelection) {
  EXPECT_THAT(Keys(Info({"SERVER"})), ElementsAre("Server"));
  EXPECT_THAT(Keys(Info({"keyspace", "cpu"})), ::testing::UnorderedElementsAre("Keyspace", "CPU"));
  EXPECT_THAT(Keys(Info({"commandstats"})), ElementsAre("Commandstats"));
  EXPECT_THAT(Keys(Info({"all"})), Contains("Commandstats"));
  EXPECT_EQ(Keys(Info({"everything"})).size(), 12u);
  EXPECT_EQ(Keys(Info({"default", "commandstats"})).size(), 12u);
  EXPECT_THAT(Run({"info", "bogus"}), BulkArg(""));
}

TEST_P(ServerFamilyTest, InfoClientsCountsSessions) {
  auto a = NewSession();
  auto b = NewSession();
  EXPECT_EQ(Info({"clients"})["Clients"]["connected_clients"], "3");
  b.reset();
  EXPECT_EQ(Info({"clients"})["Clients"]["connected_clients"], "2");
}

TEST_P(ServerFamilyTest, InfoCommandStats) {
  Run({"get", "a"});
  Run({"get", "b"});
  Run({"config", "get", "maxmemory"});
  Run({"incr", "not-a-number-key"});
  Run({"set", "s", "x"});
  Run({"incr", "s"});  // fails
  auto stats = Info({"commandstats"})["Commandstats"];
  EXPECT_THAT(stats["cmdstat_get"], StartsWith("calls=2,usec="));
  EXPECT_THAT(stats["cmdstat_get"], ::testing::MatchesRegex(
                                        "calls=2,usec=[0-9]+,usec_per_call=[0-9]+\\.[0-9]{2},"
                                        "rejected_calls=0,failed_calls=0"));
  EXPECT_THAT(stats["cmdstat_config|get"], StartsWith("calls=1,"));
  EXPECT_THAT(stats["cmdstat_incr"], StartsWith("calls=2,"));
  EXPECT_THAT(stats["cmdstat_incr"], HasSubstr(",failed_calls=1"));
  EXPECT_EQ(stats.count("cmdstat_del"), 0u);
}

TEST_P(ServerFamilyTest, InfoErrorStatsAndTotals) {
  Run({"set", "s", "x"});
  Run({"incr", "s"});
  Run({"nosuchcommand"});
  auto info = Info({"errorstats", "stats"});
  EXPECT_EQ(info["Errorstats"]["errorstat_ERR"], "count=2");
  EXPECT_EQ(info["Stats"]["total_error_replies"], "2");
  EXPECT_EQ(info["Stats"]["total_commands_processed"], "2");  // set, incr; INFO not yet done
}

TEST_P(ServerFamilyTest, InfoKeyspaceHitsAndMisses) {
  Run({"set", "k", "v"});
  Run({"get", "k"});
  Run({"get", "missing"});
  auto stats = Info({"stats"})["Stats"];
  EXPECT_EQ(stats["keyspace_hits"], "1");
  EXPECT_EQ(stats["keyspace_misses"], "1");
}

TEST_P(ServerFamilyTest, InfoKeyspace) {
  EXPECT_THAT(Info({"keyspace"})["Keyspace"], IsEmpty());
  for (int i = 0; i < 20; ++i) Run({"set", StrCat("key", i), "v"});
  Run({"select", "2"});
  Run({"set", "t", "v", "ex", "100"});
  Run({"select", "0"});
  RunExpiry();  // every shard publishes its counts on a tick
  auto keyspace = Info({"keyspace"})["Keyspace"];
  EXPECT_EQ(keyspace["db0"], "keys=20,expires=0,avg_ttl=0");
  EXPECT_EQ(keyspace["db2"], "keys=1,expires=1,avg_ttl=0");
  EXPECT_EQ(keyspace.size(), 2u);
  // TTL keys leave when they expire.
  AdvanceTime(101'000);
  EXPECT_EQ(Info({"keyspace"})["Keyspace"].count("db2"), 0u);
}

TEST_P(ServerFamilyTest, InfoUsesServerInfo) {
  engine_->server_info().tcp_port = 7001;
  engine_->server_info().config_file = "/etc/shoal.conf";
  engine_->server_info().executable = "/usr/bin/shoal-server";
  auto info = Info({"server", "memory"});
  EXPECT_EQ(info["Server"]["tcp_port"], "7001");
  EXPECT_EQ(info["Server"]["config_file"], "/etc/shoal.conf");
  EXPECT_EQ(info["Server"]["executable"], "/usr/bin/shoal-server");
  EXPECT_EQ(info["Server"]["listener0"], "name=tcp,bind=127.0.0.1,port=7001");
}

// used_memory counts every allocation (ds/alloc_counter.h): a 4 MB value shows, and
// deleting it gives the bytes back.
TEST_P(ServerFamilyTest, InfoUsedMemoryFollowsAllocations) {
  auto used = [&] { return std::stoll(Info({"memory"})["Memory"]["used_memory"]); };
  const int64_t before = used();
  Run({"set", "big", std::string(4 << 20, 'x')});
  const int64_t with = used();
  EXPECT_GT(with - before, 4 << 20);
  EXPECT_LT(with - before, 5 << 20);
  Run({"del", "big"});
  EXPECT_LT(used() - before, 1 << 20);
  EXPECT_NE(Info({"memory"})["Memory"]["used_memory_human"], "");
}

TEST_P(ServerFamilyTest, InfoUptimeFollowsClock) {
  AdvanceTime(3 * 86400 * 1000LL + 5000);
  auto server = Info({"server"})["Server"];
  EXPECT_EQ(server["uptime_in_seconds"], StrCat(3 * 86400 + 5));
  EXPECT_EQ(server["uptime_in_days"], "3");
}

// --- CONFIG ------------------------------------------------------------------------------

TEST_P(ServerFamilyTest, ConfigGet) {
  EXPECT_THAT(StrArray(Run({"config", "get", "maxmemory"})), ElementsAre("maxmemory", "0"));
  // An exact name answers under the spelling asked, as Redis.
  EXPECT_THAT(StrArray(Run({"config", "get", "MAXMEMORY"})), ElementsAre("MAXMEMORY", "0"));
  EXPECT_THAT(StrArray(Run({"config", "get", "maxmemory*"})),
              ElementsAre("maxmemory", "0", "maxmemory-policy", "noeviction",
                          "maxmemory-samples", "5"));
  EXPECT_THAT(StrArray(Run({"config", "get", "port", "maxmemory-policy", "port"})),
              ElementsAre("port", "6379", "maxmemory-policy", "noeviction"));
  EXPECT_THAT(Run({"config", "get", "nosuch"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"config", "get"}),
              ErrArg("ERR wrong number of arguments for 'config|get' command"));
  ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
  Value v = Run({"config", "get", "*"});
  EXPECT_EQ(v.type, Type::kMap);
  EXPECT_NE(Field(v, "requirepass"), nullptr);
}

TEST_P(ServerFamilyTest, ConfigSetRoundTrip) {
  EXPECT_THAT(Run({"config", "set", "maxmemory", "10mb"}), OkArg());
  EXPECT_THAT(StrArray(Run({"config", "get", "maxmemory"})), ElementsAre("maxmemory", "10485760"));
  EXPECT_THAT(Run({"CONFIG", "SET", "MaxMemory-Policy", "ALLKEYS-LRU", "timeout", "30"}), OkArg());
  EXPECT_THAT(StrArray(Run({"config", "get", "maxmemory-policy", "timeout"})),
              ElementsAre("maxmemory-policy", "allkeys-lru", "timeout", "30"));
  EXPECT_EQ(Info({"memory"})["Memory"]["maxmemory_policy"], "allkeys-lru");
  EXPECT_EQ(Info({"memory"})["Memory"]["maxmemory_human"], "10.00M");
}

// busy-poll-us: Shoal's own (src/event_loop.h), live, read lock-free by every loop turn.
TEST_P(ServerFamilyTest, ConfigBusyPollUs) {
  EXPECT_THAT(StrArray(Run({"config", "get", "busy-poll-us"})), ElementsAre("busy-poll-us", "50"));
  EXPECT_EQ(engine_->config().GetBusyPollUs(), 50);
  EXPECT_THAT(Run({"config", "set", "busy-poll-us", "0"}), OkArg());
  EXPECT_EQ(engine_->config().GetBusyPollUs(), 0);
  EXPECT_THAT(Run({"config", "set", "busy-poll-us", "-1"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'busy-poll-us') - "));
  EXPECT_THAT(Run({"config", "set", "busy-poll-us", "soon"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'busy-poll-us') - "));
  EXPECT_EQ(engine_->config().GetBusyPollUs(), 0);
}

TEST_P(ServerFamilyTest, ConfigSetErrors) {
  EXPECT_THAT(Run({"config", "set", "nosuch", "1"}),
              ErrArg("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
  EXPECT_THAT(Run({"config", "set", "Port", "1"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'Port') - can't set "
                     "immutable config"));
  EXPECT_THAT(Run({"config", "set", "timeout", "1", "TIMEOUT", "2"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate "
                     "parameter"));
  EXPECT_THAT(Run({"config", "set", "maxmemory", "lots"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - "));
  EXPECT_THAT(Run({"config", "set", "maxmemory-policy", "bogus"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
                     "argument(s) must be one of the following:"));
  EXPECT_THAT(Run({"config", "set", "timeout", "1", "maxmemory"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"config", "set", "timeout"}),
              ErrArg("ERR wrong number of arguments for 'config|set' command"));
}

TEST_P(ServerFamilyTest, ConfigSetIsAllOrNothing) {
  EXPECT_THAT(Run({"config", "set", "timeout", "7", "maxmemory", "1mb", "maxmemory-policy", "x"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy')"));
  EXPECT_THAT(StrArray(Run({"config", "get", "timeout", "maxmemory"})),
              ElementsAre("timeout", "0", "maxmemory", "0"));
  EXPECT_THAT(Run({"config", "set", "timeout", "7", "nosuch", "1"}), ErrArg("ERR Unknown option"));
  EXPECT_THAT(StrArray(Run({"config", "get", "timeout"})), ElementsAre("timeout", "0"));
}

TEST_P(ServerFamilyTest, ConfigResetStat) {
  Run({"get", "a"});
  Run({"nosuch"});
  auto info = Info({"commandstats", "errorstats", "stats"});
  EXPECT_FALSE(info["Commandstats"].empty());
  EXPECT_FALSE(info["Errorstats"].empty());
  EXPECT_THAT(Run({"config", "resetstat"}), OkArg());
  info = Info({"commandstats", "errorstats", "stats"});
  // Only CONFIG RESETSTAT itself, counted after it ran (INFO is counted after it replies).
  EXPECT_EQ(info["Commandstats"].size(), 1u);
  EXPECT_THAT(info["Commandstats"]["cmdstat_config|resetstat"], StartsWith("calls=1,"));
  EXPECT_THAT(info["Errorstats"], IsEmpty());
  EXPECT_EQ(info["Stats"]["keyspace_misses"], "0");
  EXPECT_THAT(Run({"config", "resetstat", "x"}),
              ErrArg("ERR wrong number of arguments for 'config|resetstat' command"));
}

TEST_P(ServerFamilyTest, ConfigRewriteWithoutFile) {
  EXPECT_THAT(Run({"config", "rewrite"}), ErrArg("ERR The server is running without a config file"));
}

TEST_P(ServerFamilyTest, ConfigRewrite) {
  std::string path = StrCat(::testing::TempDir(), "shoal_rewrite_", static_cast<int64_t>(getpid()),
                            "_", GetParam(), ".conf");
  {
    std::ofstream out(path);
    out << "# my settings\n"
           "maxmemory 100\n"
           "some-redis-only-directive yes\n"
           "\n"
           "maxmemory 200\n"
           "timeout 5\n";
  }
  engine_->server_info().config_file = path;
  EXPECT_THAT(Run({"config", "set", "maxmemory", "1mb", "timeout", "0", "requirepass", "a b"}),
              OkArg());
  EXPECT_THAT(Run({"config", "rewrite"}), OkArg());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "# my settings\n"
            "maxmemory 1048576\n"
            "some-redis-only-directive yes\n"
            "\n"
            "timeout 0\n"
            "# Generated by CONFIG REWRITE\n"
            "requirepass \"a b\"\n");
  std::remove(path.c_str());
}

TEST_P(ServerFamilyTest, ConfigHelpAndUnknown) {
  Value v = Run({"config", "help"});
  ASSERT_GE(v.elems.size(), 3u);
  EXPECT_THAT(v.elems[0],
              SimpleArg("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(Run({"config", "bogus"}), ErrArg("ERR unknown subcommand 'bogus'. Try CONFIG HELP."));
  EXPECT_THAT(Run({"config"}), ErrArg("ERR wrong number of arguments for 'config' command"));
}

// --- TIME, LASTSAVE, DEBUG, SHUTDOWN --------------------------------------------------------

TEST_P(ServerFamilyTest, Time) {
  clock_.Set(1'700'000'123'456);
  Value v = Run({"time"});
  EXPECT_THAT(v, ArrArg(ElementsAre(BulkArg("1700000123"), BulkArg("456000"))));
  EXPECT_THAT(Run({"time", "x"}), ErrArg("ERR wrong number of arguments for 'time' command"));
}

TEST_P(ServerFamilyTest, LastSave) {
  int64_t start = NowMs() / 1000;
  AdvanceTime(10'000);
  EXPECT_THAT(Run({"lastsave"}), IntArg(start));
  EXPECT_THAT(Run({"lastsave", "x"}), ErrArg("ERR wrong number of arguments for 'lastsave' command"));
}

TEST_P(ServerFamilyTest, DebugSleep) {
  EXPECT_THAT(Run({"debug", "sleep", "0"}), OkArg());
  EXPECT_THAT(Run({"debug", "SLEEP", "0.001"}), OkArg());
  EXPECT_THAT(Run({"debug", "sleep", "abc"}), OkArg());  // Redis's strtod: zero seconds
  EXPECT_THAT(Run({"debug", "sleep"}),
              ErrArg("ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG "
                     "HELP."));
}

TEST_P(ServerFamilyTest, DebugSetActiveExpire) {
  Run({"set", "k", "v", "px", "100"});
  EXPECT_THAT(Run({"debug", "set-active-expire", "0"}), OkArg());
  EXPECT_FALSE(engine_->active_expire.load());
  AdvanceTime(1000);  // no active expiry: the key stays in the keyspace until touched
  EXPECT_EQ(Info({"keyspace"})["Keyspace"]["db0"], "keys=1,expires=1,avg_ttl=0");
  EXPECT_THAT(Run({"debug", "set-active-expire", "1"}), OkArg());
  EXPECT_TRUE(engine_->active_expire.load());
  AdvanceTime(1);
  EXPECT_EQ(Info({"keyspace"})["Keyspace"].count("db0"), 0u);
}

TEST_P(ServerFamilyTest, DebugHelpAndUnknown) {
  Value v = Run({"debug", "help"});
  ASSERT_GE(v.elems.size(), 3u);
  EXPECT_THAT(v.elems[0], SimpleArg("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(Run({"debug", "object", "k"}),
              ErrArg("ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG "
                     "HELP."));
  EXPECT_THAT(Run({"debug"}), ErrArg("ERR wrong number of arguments for 'debug' command"));
}

TEST_P(ServerFamilyTest, ShutdownEmbeddedFails) {
  EXPECT_THAT(Run({"shutdown"}), ErrArg("ERR Errors trying to SHUTDOWN. Check logs."));
  EXPECT_THAT(Run({"shutdown", "nosave", "now", "force"}), ErrArg("ERR Errors trying to SHUTDOWN."));
  EXPECT_FALSE(session_->close_requested());
}

TEST_P(ServerFamilyTest, ShutdownCallsHook) {
  std::atomic<int> calls{0};
  engine_->server_info().shutdown = [&calls] { ++calls; };
  EXPECT_EQ(session_->ExecuteRaw({"shutdown", "nosave"}), "");  // no reply: the link closes
  EXPECT_EQ(calls.load(), 1);
  EXPECT_TRUE(session_->close_requested());
}

TEST_P(ServerFamilyTest, ShutdownArgumentErrors) {
  engine_->server_info().shutdown = [] { ADD_FAILURE() << "must not shut down"; };
  EXPECT_THAT(Run({"shutdown", "bogus"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"shutdown", "save", "nosave"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"shutdown", "abort", "now"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"shutdown", "abort"}), ErrArg("ERR Errors trying to abort SHUTDOWN. Check logs."));
}

TEST_P(ServerFamilyTest, ConfigSetSaveRules) {
  EXPECT_THAT(Run({"config", "set", "save", "3600 1 300 100"}), OkArg());
  EXPECT_THAT(Run({"config", "get", "save"}),
              ArrArg(ElementsAre(BulkArg("save"), BulkArg("3600 1 300 100"))));
  EXPECT_THAT(Run({"config", "set", "save", ""}), OkArg());
  EXPECT_THAT(Run({"config", "set", "save", "3600"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
                     "parameters"));
  EXPECT_THAT(Run({"config", "set", "save", "10 x"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'save')"));
  EXPECT_THAT(Run({"config", "get", "save"}), ArrArg(ElementsAre(BulkArg("save"), BulkArg(""))));
}

TEST_P(ServerFamilyTest, SnapshotsNeedPersistence) {
  const char* kNone =
      "ERR persistence is not available: no Persistence is installed (embedded engine)";
  EXPECT_THAT(Run({"save"}), ErrArg(kNone));
  EXPECT_THAT(Run({"bgsave"}), ErrArg(kNone));
  EXPECT_THAT(Run({"bgsave", "schedule"}), ErrArg(kNone));
  EXPECT_THAT(Run({"debug", "reload"}), ErrArg(kNone));
  EXPECT_THAT(Run({"bgsave", "now"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"save", "x"}), ErrArg("ERR wrong number of arguments for 'save' command"));
}

// A Persistence that records what the commands ask of it.
class FakePersistence : public Persistence {
 public:
  std::string Save(Engine&) override { return ++saves, save_error; }
  std::string BgSave(Engine&) override { return ++bgsaves, ""; }
  int64_t LastSave() const override { return 1234; }
  std::string Reload(Engine&) override { return ++reloads, ""; }
  void SetShutdownSave(ShutdownSave m) override { mode = m; }
  void InfoRdb(Engine&, std::string* out) override { out->append("rdb_fake:1\r\n"); }
  int saves = 0, bgsaves = 0, reloads = 0;
  std::string save_error;
  ShutdownSave mode = ShutdownSave::kDefault;
};

TEST_P(ServerFamilyTest, SnapshotCommandsUsePersistence) {
  FakePersistence fake;
  engine_->set_persistence(&fake);
  EXPECT_THAT(Run({"save"}), OkArg());
  EXPECT_THAT(Run({"bgsave"}), SimpleArg("Background saving started"));
  EXPECT_THAT(Run({"BGSAVE", "SCHEDULE"}), SimpleArg("Background saving started"));
  EXPECT_THAT(Run({"debug", "reload"}), OkArg());
  EXPECT_THAT(Run({"lastsave"}), IntArg(1234));
  EXPECT_EQ(fake.saves, 1);
  EXPECT_EQ(fake.bgsaves, 2);
  EXPECT_EQ(fake.reloads, 1);
  EXPECT_EQ(Info({"persistence"})["Persistence"]["rdb_fake"], "1");
  fake.save_error = "ERR";
  EXPECT_THAT(Run({"save"}), ErrArg("ERR"));
  engine_->server_info().shutdown = [] {};
  session_->ExecuteRaw({"shutdown", "save"});
  EXPECT_EQ(fake.mode, Persistence::ShutdownSave::kSave);
  engine_->set_persistence(nullptr);
}

INSTANTIATE_TEST_SUITE_P(Shards, ServerFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
