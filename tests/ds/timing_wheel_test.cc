// TimingWheel against a model: std::multimap from deadline to item id, driven by random
// adds (past, near, far, beyond the overflow horizon) and random Advance steps (small
// steps and jumps of hours or weeks), with adds from inside fire.
#include "engine/ds/timing_wheel.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace shoal::ds {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;

// Items are strings, some longer than the small-string buffer, so moves are exercised.
std::string ItemFor(uint64_t id) {
  std::string s = std::to_string(id);
  if (id % 3 == 0) s += std::string(40, '#');
  return s;
}
uint64_t IdOf(const std::string& item) { return std::stoull(item); }

int64_t RandomOffset(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0: return -static_cast<int64_t>(rng() % 5000);  // in the past
    case 1: return 0;
    case 2:
    case 3: return 1 + static_cast<int64_t>(rng() % 300);
    case 4: return static_cast<int64_t>(rng() % 70000);
    case 5: return static_cast<int64_t>(rng() % (20 * kHour));
    case 6: return static_cast<int64_t>(rng() % (200 * kDay));  // into the overflow
    default: return static_cast<int64_t>(rng() % 2000);
  }
}

int64_t RandomStep(std::mt19937_64& rng) {
  switch (rng() % 12) {
    case 0: return 0;
    case 1: return static_cast<int64_t>(rng() % (10 * kHour));
    case 2: return rng() % 8 == 0 ? static_cast<int64_t>(rng() % (60 * kDay)) : 70000;
    case 3: return static_cast<int64_t>(rng() % 100000);
    case 4: return 256;
    default: return 1 + static_cast<int64_t>(rng() % 300);
  }
}

struct Model {
  std::multimap<int64_t, uint64_t> by_deadline;
  std::map<uint64_t, int64_t> deadline_of;
  void Add(int64_t deadline, uint64_t id) {
    by_deadline.emplace(deadline, id);
    deadline_of[id] = deadline;
  }
  int64_t Earliest() const { return by_deadline.empty() ? kNever : by_deadline.begin()->first; }
};

void RunModel(uint64_t seed, int64_t start) {
  std::mt19937_64 rng(seed);
  TimingWheel<std::string> wheel(start);
  Model model;
  int64_t now = start;
  uint64_t next_id = 0;
  for (int step = 0; step < 30000; ++step) {
    if (rng() % 300 == 0) {  // drop a fifth of the items, as the shard drops stale entries
      const uint64_t mod = rng() % 5;
      size_t expected = 0;
      for (auto it = model.by_deadline.begin(); it != model.by_deadline.end();) {
        if (it->second % 5 == mod) {
          model.deadline_of.erase(it->second);
          it = model.by_deadline.erase(it);
          ++expected;
        } else {
          ++it;
        }
      }
      EXPECT_EQ(wheel.RemoveIf([&](const std::string& item, int64_t deadline) {
        EXPECT_EQ(model.deadline_of.count(IdOf(item)) == 0, IdOf(item) % 5 == mod);
        return IdOf(item) % 5 == mod;
      }), expected);
    } else if (rng() % 100 < 55) {
      const int64_t deadline = std::max<int64_t>(0, now + RandomOffset(rng));
      const uint64_t id = next_id++;
      wheel.Add(deadline, ItemFor(id));
      model.Add(deadline, id);
    } else {
      now += RandomStep(rng);
      std::vector<std::pair<int64_t, uint64_t>> added_in_fire;
      int64_t last = std::numeric_limits<int64_t>::min();
      size_t fired = 0;
      const size_t n = wheel.Advance(now, [&](std::string&& item, int64_t deadline) {
        ++fired;
        const uint64_t id = IdOf(item);
        // Only items present when Advance began may fire, each once, at its deadline.
        auto it = model.deadline_of.find(id);
        ASSERT_NE(it, model.deadline_of.end()) << "unknown or repeated item " << id;
        EXPECT_EQ(it->second, deadline);
        EXPECT_LE(deadline, now);
        EXPECT_GE(deadline, last) << "out of order";
        last = deadline;
        auto range = model.by_deadline.equal_range(deadline);
        for (auto m = range.first; m != range.second; ++m) {
          if (m->second == id) {
            model.by_deadline.erase(m);
            break;
          }
        }
        model.deadline_of.erase(it);
        EXPECT_LE(wheel.NextDeadline(), model.Earliest());
        if (rng() % 4 == 0) {  // re-arm from inside fire: past, now, or later
          const int64_t d = std::max<int64_t>(0, now + RandomOffset(rng));
          const uint64_t new_id = next_id++;
          wheel.Add(d, ItemFor(new_id));
          added_in_fire.emplace_back(d, new_id);
          EXPECT_LE(wheel.NextDeadline(), d);
        }
      });
      EXPECT_EQ(n, fired);
      EXPECT_EQ(wheel.current_ms(), now);
      // Nothing due is left unfired.
      EXPECT_GT(model.Earliest(), now) << "seed " << seed << " step " << step;
      for (const auto& [d, id] : added_in_fire) model.Add(d, id);
    }
    ASSERT_EQ(wheel.size(), model.by_deadline.size());
    const int64_t next = wheel.NextDeadline();
    const int64_t earliest = model.Earliest();
    EXPECT_LE(next, earliest);
    // Never reports a due time for an item that is not due yet (that would busy-loop).
    if (earliest > now) {
      EXPECT_GT(next, now);
    }
    if (earliest == kNever) {
      EXPECT_EQ(next, kNever);
    }
  }
  // Drain everything with one far jump.
  now += 400 * kDay;
  int64_t last = 0;
  const size_t n = wheel.Advance(now, [&](std::string&& item, int64_t deadline) {
    EXPECT_GE(deadline, last);
    last = deadline;
    EXPECT_EQ(model.deadline_of.at(IdOf(item)), deadline);
  });
  EXPECT_EQ(n, model.by_deadline.size());
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.NextDeadline(), kNever);
}

TEST(TimingWheelTest, RandomOperationsMatchModelFromZero) { RunModel(1, 0); }
TEST(TimingWheelTest, RandomOperationsMatchModelUnixTime) { RunModel(2, 1'700'000'123'456); }
TEST(TimingWheelTest, RandomOperationsMatchModelNearBlockEdge) {
  RunModel(3, (int64_t{1} << 32) - 700);
  RunModel(4, (int64_t{5} << 32) - 1);
}

TEST(TimingWheelTest, PastDeadlineFiresAtNextAdvanceWithoutTimeMoving) {
  TimingWheel<int> wheel(1000);
  wheel.Add(900, 1);
  wheel.Add(1000, 2);
  wheel.Add(500, 3);
  EXPECT_EQ(wheel.NextDeadline(), 500);
  std::vector<std::pair<int, int64_t>> fired;
  EXPECT_EQ(wheel.Advance(1000, [&](int&& v, int64_t d) { fired.emplace_back(v, d); }), 3u);
  EXPECT_EQ(fired, (std::vector<std::pair<int, int64_t>>{{3, 500}, {1, 900}, {2, 1000}}));
  // An earlier time does not move the clock back.
  wheel.Add(1001, 4);
  EXPECT_EQ(wheel.Advance(10, [](int&&, int64_t) {}), 0u);
  EXPECT_EQ(wheel.current_ms(), 1000);
  EXPECT_EQ(wheel.size(), 1u);
}

TEST(TimingWheelTest, AddsFromFireWaitForTheNextAdvance) {
  TimingWheel<std::string> wheel(0);
  wheel.Add(10, "a");
  std::vector<std::string> fired;
  auto fire = [&](std::string&& item, int64_t deadline) {
    fired.push_back(item + "@" + std::to_string(deadline));
    if (item == "a") {
      wheel.Add(50, "b");   // past by the time Advance ends
      wheel.Add(100, "c");  // exactly the Advance's time
      wheel.Add(150, "d");
      EXPECT_EQ(wheel.size(), 3u);
      EXPECT_LE(wheel.NextDeadline(), 50);
    }
  };
  EXPECT_EQ(wheel.Advance(100, fire), 1u);
  EXPECT_EQ(fired, std::vector<std::string>{"a@10"});
  EXPECT_EQ(wheel.size(), 3u);
  EXPECT_EQ(wheel.NextDeadline(), 50);
  EXPECT_EQ(wheel.Advance(100, fire), 2u);
  EXPECT_EQ(fired, (std::vector<std::string>{"a@10", "b@50", "c@100"}));
  EXPECT_EQ(wheel.Advance(149, fire), 0u);
  EXPECT_EQ(wheel.Advance(150, fire), 1u);
  EXPECT_EQ(fired.back(), "d@150");
}

TEST(TimingWheelTest, SelfRearmingTimerFiresOncePerAdvance) {
  TimingWheel<int> wheel(0);
  wheel.Add(0, 7);
  for (int64_t t = 0; t < 1000; t += 10) {
    EXPECT_EQ(wheel.Advance(t, [&](int&& v, int64_t) { wheel.Add(wheel.current_ms(), v); }), 1u);
  }
  EXPECT_EQ(wheel.size(), 1u);
}

TEST(TimingWheelTest, FarJumpFiresEverythingInOrder) {
  std::mt19937_64 rng(9);
  const int64_t start = 1'700'000'000'000;
  TimingWheel<uint64_t> wheel(start);
  std::multimap<int64_t, uint64_t> model;
  for (uint64_t i = 0; i < 100000; ++i) {
    const int64_t d = start + 1 + static_cast<int64_t>(rng() % (365 * kDay));
    wheel.Add(d, i);
    model.emplace(d, i);
  }
  auto expected = model.begin();
  const size_t n = wheel.Advance(start + 365 * kDay, [&](uint64_t&&, int64_t d) {
    ASSERT_NE(expected, model.end());
    EXPECT_EQ(d, expected->first);
    ++expected;
  });
  EXPECT_EQ(n, model.size());
  EXPECT_EQ(expected, model.end());
  // Jumping an empty wheel, or one with a single far item, by hours or years.
  int64_t now = wheel.current_ms();
  wheel.Add(now + 3 * 365 * kDay, 1);
  for (int i = 0; i < 100000; ++i) {
    now += kHour;
    wheel.Advance(now, [&](uint64_t&&, int64_t d) { EXPECT_LE(d, now); });
  }
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.Advance(now + (int64_t{1} << 50), [](uint64_t&&, int64_t) {}), 0u);
}

TEST(TimingWheelTest, NextDeadlineIsExactNearAndSlotStartFar) {
  TimingWheel<int> wheel(1000);
  EXPECT_EQ(wheel.NextDeadline(), kNever);
  wheel.Add(1000 + 70000, 1);
  const int64_t far = wheel.NextDeadline();
  EXPECT_LE(far, 71000);
  EXPECT_GT(far, 1000);
  wheel.Add(1100, 2);  // the next 256-ms block: its slot starts at 1024
  EXPECT_LE(wheel.NextDeadline(), 1100);
  EXPECT_GT(wheel.NextDeadline(), 1000);
  wheel.Add(1010, 5);  // the current 256-ms block: exact
  EXPECT_EQ(wheel.NextDeadline(), 1010);
  wheel.Add(int64_t{1} << 45, 3);  // overflow only after the others fire
  wheel.Advance(71000, [](int&&, int64_t) {});
  EXPECT_EQ(wheel.NextDeadline(), int64_t{1} << 45);
  wheel.Add(kNever, 4);
  EXPECT_EQ(wheel.Advance(int64_t{1} << 45, [](int&& v, int64_t) { EXPECT_EQ(v, 3); }), 1u);
  EXPECT_EQ(wheel.current_ms(), int64_t{1} << 45);
  EXPECT_EQ(wheel.NextDeadline(), kNever);  // item 4 is due at the end of time
  EXPECT_EQ(wheel.size(), 1u);
}

TEST(TimingWheelTest, MoveOnlyItems) {
  TimingWheel<std::unique_ptr<int>> wheel(0);
  for (int i = 0; i < 1000; ++i) wheel.Add(i * 997 % 5000, std::make_unique<int>(i));
  int sum = 0;
  EXPECT_EQ(wheel.Advance(5000, [&](std::unique_ptr<int>&& p, int64_t) { sum += *p; }), 1000u);
  EXPECT_EQ(sum, 999 * 1000 / 2);
}

}  // namespace
}  // namespace shoal::ds
