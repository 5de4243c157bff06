// The command table is the one list of commands: these tests read it.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/command_table.h"
#include "protocol/strings.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

std::string ReadTestSources() {
  std::string all;
  for (const char* dir : {"tests/engine", "tests/integration"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SHOAL_SOURCE_DIR) + "/" + dir)) {
      std::ifstream in(entry.path());
      std::stringstream ss;
      ss << in.rdbuf();
      all += ToLower(ss.str());
    }
  }
  return all;
}

bool Mentions(const std::string& sources, std::string_view word) {
  return sources.find(StrCat("\"", word, "\"")) != std::string::npos;
}

// Every row has tests: its name (and a subcommand's container and subcommand names)
// appears quoted in the unit or integration tests.
TEST(CommandTableTest, EveryRowHasTests) {
  std::string sources = ReadTestSources();
  for (const CommandSpec& spec : CommandTable::Get().all()) {
    size_t bar = spec.name.find('|');
    if (bar == std::string_view::npos) {
      EXPECT_TRUE(Mentions(sources, spec.name)) << "no test names '" << spec.name << "'";
    } else {
      EXPECT_TRUE(Mentions(sources, spec.name.substr(0, bar)) &&
                  Mentions(sources, spec.name.substr(bar + 1)))
          << "no test names '" << spec.name << "'";
    }
  }
}

TEST(CommandTableTest, RowsAreWellFormed) {
  const CommandTable& table = CommandTable::Get();
  for (const CommandSpec& spec : table.all()) {
    EXPECT_EQ(ToLower(spec.name), spec.name);
    EXPECT_EQ(table.Find(spec.name), &spec);
    EXPECT_EQ(table.Find(ToUpper(spec.name)), &spec);
    EXPECT_NE(spec.arity, 0) << spec.name;
    EXPECT_TRUE(spec.handler != nullptr || spec.is_container()) << spec.name;
    if (spec.first_key > 0) {
      EXPECT_GT(spec.step, 0) << spec.name;
      EXPECT_TRUE(spec.last_key < 0 || spec.last_key >= spec.first_key) << spec.name;
    }
    EXPECT_FALSE(spec.summary.empty()) << spec.name;
    EXPECT_FALSE(spec.acl.empty()) << spec.name;
    // At most one key-use flag, and only on a write command with keys.
    const uint32_t key_use =
        spec.flags & (kReadsSources | kReadsFirstKey | kDeletesKeys | kDeletesFirstKey);
    EXPECT_LE(__builtin_popcount(key_use), 1) << spec.name;
    if (key_use != 0) EXPECT_TRUE(spec.is_write() && spec.first_key > 0) << spec.name;
    size_t bar = spec.name.find('|');
    if (bar != std::string_view::npos) {
      const CommandSpec* container = table.Find(spec.name.substr(0, bar));
      ASSERT_NE(container, nullptr) << spec.name;
      EXPECT_TRUE(container->is_container()) << spec.name;
      EXPECT_EQ(table.FindSub(*container, ToUpper(spec.name.substr(bar + 1))), &spec);
    }
  }
}

TEST(CommandTableTest, KeysFollowKeySpecs) {
  const CommandTable& table = CommandTable::Get();
  auto keys_of = [&](std::vector<std::string_view> args) {
    KeyList keys;
    CollectKeys(*table.Find(args[0]), ArgList(args.data(), args.size()), &keys);
    return std::vector<std::string_view>(keys.begin(), keys.end());
  };
  using ::testing::ElementsAre;
  EXPECT_THAT(keys_of({"get", "a"}), ElementsAre("a"));
  EXPECT_THAT(keys_of({"mset", "a", "1", "b", "2"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"mget", "a", "b", "c"}), ElementsAre("a", "b", "c"));
  EXPECT_THAT(keys_of({"rename", "a", "b"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"ping"}), ElementsAre());
  // Shard channels are key positions (COMMAND INFO) but not keys.
  EXPECT_THAT(keys_of({"spublish", "ch", "m"}), ElementsAre());
  EXPECT_THAT(keys_of({"ssubscribe", "a", "b"}), ElementsAre());
  EXPECT_TRUE(ArityOk(*table.Find("get"), 2));
  EXPECT_FALSE(ArityOk(*table.Find("get"), 3));
  EXPECT_TRUE(ArityOk(*table.Find("set"), 5));
  EXPECT_FALSE(ArityOk(*table.Find("set"), 2));
}

}  // namespace
}  // namespace shoal::engine
