// RESP -> Lua -> RESP round trips through a script (`return redis.pcall(...)`), for random
// replies made of the types that survive the trip unchanged: what a command replied is what
// the script's caller gets, in RESP2 and in RESP3.
#include <cstdint>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "tests/lua/lua_test_util.h"

namespace shoal::lua {
namespace {

class RoundTripTest : public LuaTest {
 protected:
  // Writes one random value (no nulls inside aggregates: a nil ends a Lua array; no maps or
  // sets of more than one element: Lua's table order is not the reply's).
  void Random(protocol::ReplyWriter& w, int depth, bool top) {
    int kinds = w.resp() == 3 ? 12 : 6;
    switch (rng_() % kinds) {
      case 0:
        w.Integer(static_cast<int64_t>(rng_() % (1ULL << 53)) - (1LL << 52));
        break;
      case 1:
        w.Bulk(Text());
        break;
      case 2:
        w.SimpleString(Text());
        break;
      case 3:
        w.Error("E" + std::to_string(rng_() % 100) + " " + Text());
        break;
      case 4:
        if (top) w.Null();
        else w.Bulk("");
        break;
      case 5: {
        size_t n = depth < 3 ? rng_() % 4 : 0;
        w.Array(n);
        for (size_t i = 0; i < n; i++) Random(w, depth + 1, false);
        break;
      }
      case 6:
        w.Double(static_cast<double>(static_cast<int64_t>(rng_() % 2000000) - 1000000) / 64);
        break;
      case 7:
        w.Boolean(rng_() % 2);
        break;
      case 8:
        w.BigNumber(std::to_string(rng_()) + std::to_string(rng_()) + std::to_string(rng_()));
        break;
      case 9:
        w.Verbatim(rng_() % 2 ? "txt" : "mkd", Text());
        break;
      case 10:
        w.Map(1);
        w.Bulk(Text());
        Random(w, depth + 1, false);
        break;
      case 11:
        w.Set(1);
        w.Bulk(Text());
        break;
    }
  }

  std::string Text() {
    std::string s(rng_() % 12, 'a');
    for (char& c : s) c = static_cast<char>('a' + rng_() % 26);
    return s;
  }

  std::mt19937_64 rng_{20261123};
};

TEST_F(RoundTripTest, Resp2) {
  for (int i = 0; i < 500; i++) {
    std::string reply;
    protocol::ReplyWriter w(&reply, 2);
    Random(w, 0, true);
    EXPECT_EQ(Eval("return redis.pcall('RAW', ARGV[1])", {}, {reply}, 2), reply) << i;
  }
}

TEST_F(RoundTripTest, Resp3) {
  for (int i = 0; i < 500; i++) {
    std::string reply;
    protocol::ReplyWriter w(&reply, 3);
    Random(w, 0, true);
    EXPECT_EQ(Eval("redis.setresp(3) return redis.pcall('RAW', ARGV[1])", {}, {reply}, 3),
              reply)
        << i;
  }
}

}  // namespace
}  // namespace shoal::lua
