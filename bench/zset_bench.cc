// Skiplist (the large sorted-set encoding): inserting in random order, ZRANK-style rank
// lookups, and ZRANGEBYSCORE-style range reads (find the first element >= a score, then
// read the next 10), at sizes that fit in L2, in L3, and far beyond. Members look like
// redis-benchmark's ("member:%010d"); scores are random integers below 4n, so some tie.
// bytes_per_element is MemoryUsage() / size(): node allocations as requested, header
// included, without the member -> score map a zset keeps beside the list.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/ds/skiplist.h"

namespace shoal::ds {
namespace {

using Element = std::pair<double, std::string>;

std::vector<Element> MakeElements(int64_t n) {
  std::mt19937_64 rng(42);
  std::vector<Element> elements;
  elements.reserve(static_cast<size_t>(n));
  char buf[32];
  for (int64_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "member:%010lld", static_cast<long long>(i));
    elements.emplace_back(static_cast<double>(rng() % static_cast<uint64_t>(4 * n)), buf);
  }
  return elements;
}

void Fill(Skiplist& list, const std::vector<Element>& elements) {
  for (const Element& e : elements) list.Insert(e.first, e.second);
}

void BM_SkiplistInsert(benchmark::State& state) {
  const std::vector<Element> elements = MakeElements(state.range(0));
  double bytes_per_element = 0;
  for (auto _ : state) {
    Skiplist list(1);
    Fill(list, elements);
    state.PauseTiming();
    bytes_per_element =
        static_cast<double>(list.MemoryUsage()) / static_cast<double>(list.size());
    list.Clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes_per_element"] = bytes_per_element;
}
BENCHMARK(BM_SkiplistInsert)->ArgName("elements")->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

void BM_SkiplistRank(benchmark::State& state) {
  std::vector<Element> elements = MakeElements(state.range(0));
  Skiplist list(1);
  Fill(list, elements);
  std::shuffle(elements.begin(), elements.end(), std::mt19937_64(7));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(list.Rank(elements[i].first, elements[i].second));
    if (++i == elements.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SkiplistRank)->ArgName("elements")->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

// ZADD of a present member with a new random score, as redis-benchmark's zadd test once
// its set is full: the element is found, unlinked and linked again at its new place.
void BM_SkiplistUpdateScore(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<Element> elements = MakeElements(n);
  Skiplist list(1);
  Fill(list, elements);
  std::mt19937_64 rng(11);
  for (auto _ : state) {
    Element& e = elements[rng() % elements.size()];
    const double score = static_cast<double>(rng() % static_cast<uint64_t>(4 * n));
    benchmark::DoNotOptimize(list.UpdateScore(e.first, e.second, score));
    e.first = score;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SkiplistUpdateScore)->ArgName("elements")->Arg(1 << 10)->Arg(1 << 17)->Arg(1 << 20);

// ZRANGEBYSCORE key s +inf LIMIT 0 10 for random s: one seek, then ten Next() steps.
void BM_SkiplistRange(benchmark::State& state) {
  const int64_t n = state.range(0);
  Skiplist list(1);
  Fill(list, MakeElements(n));
  std::mt19937_64 rng(9);
  std::vector<double> starts(4096);
  for (double& s : starts) s = static_cast<double>(rng() % static_cast<uint64_t>(4 * n));
  size_t i = 0;
  int64_t read = 0;
  for (auto _ : state) {
    const ScoreRange range{starts[i], std::numeric_limits<double>::infinity()};
    int taken = 0;
    for (const Skiplist::Node* x = list.FirstInRange(range); x != nullptr && taken < 10;
         x = x->Next(), ++taken) {
      benchmark::DoNotOptimize(x->member().data());
    }
    read += taken;
    if (++i == starts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["elements_read"] =
      benchmark::Counter(static_cast<double>(read), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_SkiplistRange)->ArgName("elements")->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

}  // namespace
}  // namespace shoal::ds
