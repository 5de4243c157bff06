// SetObject (engine/set_object.h) in its hashtable encoding: SADD-style inserts, SISMEMBER
// lookups and SPOP-style random removals, at sizes that fit in L2, in L3, and far beyond;
// and an intset's inserts at its default limit. Members look like redis-benchmark's
// ("element:%010d"). bytes_per_member is MemoryUsage() / size().
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/set_object.h"

namespace shoal::engine {
namespace {

std::vector<std::string> MakeMembers(int64_t n) {
  std::vector<std::string> members;
  members.reserve(static_cast<size_t>(n));
  char buf[32];
  for (int64_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "element:%010lld", static_cast<long long>(i));
    members.emplace_back(buf);
  }
  std::shuffle(members.begin(), members.end(), std::mt19937_64(42));
  return members;
}

const SetLimits kLimits;  // Redis's defaults

void Fill(SetObject& set, const std::vector<std::string>& members) {
  set.PrepareFor(members.size(), kLimits);
  for (const std::string& m : members) set.Add(m, kLimits);
}

void BM_SetAdd(benchmark::State& state) {
  const std::vector<std::string> members = MakeMembers(state.range(0));
  double bytes_per_member = 0;
  for (auto _ : state) {
    SetObject set;
    for (const std::string& m : members) set.Add(m, kLimits);
    state.PauseTiming();
    bytes_per_member = static_cast<double>(set.MemoryUsage()) / static_cast<double>(set.size());
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes_per_member"] = bytes_per_member;
}
BENCHMARK(BM_SetAdd)->ArgName("members")->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

void BM_SetContains(benchmark::State& state) {
  const std::vector<std::string> members = MakeMembers(state.range(0));
  SetObject set;
  Fill(set, members);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(set.Contains(members[i]));
    if (++i == members.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SetContains)->ArgName("members")->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

// SPOP without a count: a uniform position, then Remove of that member.
void BM_SetPopRandom(benchmark::State& state) {
  const std::vector<std::string> members = MakeMembers(state.range(0));
  SetObject set;
  std::mt19937_64 rng(7);
  for (auto _ : state) {
    if (set.size() == 0) {
      state.PauseTiming();
      Fill(set, members);
      state.ResumeTiming();
    }
    const std::string m = set.MemberAt(rng() % set.size());
    benchmark::DoNotOptimize(set.Remove(m));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SetPopRandom)->ArgName("members")->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

// An intset of up to 512 integers (set-max-intset-entries), filled in random order.
void BM_SetAddIntSet(benchmark::State& state) {
  std::vector<std::string> members;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 512; ++i) members.push_back(std::to_string(static_cast<int32_t>(rng())));
  double bytes_per_member = 0;
  for (auto _ : state) {
    SetObject set;
    for (const std::string& m : members) set.Add(m, kLimits);
    state.PauseTiming();
    bytes_per_member = static_cast<double>(set.MemoryUsage()) / static_cast<double>(set.size());
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * 512);
  state.counters["bytes_per_member"] = bytes_per_member;
}
BENCHMARK(BM_SetAddIntSet);

}  // namespace
}  // namespace shoal::engine
