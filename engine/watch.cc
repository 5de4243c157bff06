#include "engine/watch.h"

#include <algorithm>

namespace shoal::engine {

namespace {
absl::string_view View(std::string_view s) { return absl::string_view(s.data(), s.size()); }
}  // namespace

void WatchRegistry::Add(int db, std::string_view key, std::shared_ptr<WatchState> state) {
  if (db >= static_cast<int>(by_db_.size())) by_db_.resize(db + 1);
  auto [it, inserted] = by_db_[db].try_emplace(std::string(key));
  if (inserted) ++keys_;
  it->second.push_back(std::move(state));
}

void WatchRegistry::Remove(int db, std::string_view key, const WatchState* state) {
  if (db >= static_cast<int>(by_db_.size())) return;
  auto it = by_db_[db].find(View(key));
  if (it == by_db_[db].end()) return;
  States& states = it->second;
  states.erase(std::remove_if(states.begin(), states.end(),
                              [state](const auto& s) { return s.get() == state; }),
               states.end());
  if (states.empty()) {
    by_db_[db].erase(it);
    --keys_;
  }
}

void WatchRegistry::TouchSlow(int db, std::string_view key) {
  if (db >= static_cast<int>(by_db_.size())) return;
  auto it = by_db_[db].find(View(key));
  if (it == by_db_[db].end()) return;
  for (auto& s : it->second) s->dirty.store(true, std::memory_order_release);
}

}  // namespace shoal::engine
