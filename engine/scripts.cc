#include "engine/scripts.h"

#include <mutex>

#include "engine/errors.h"
#include "lua/interpreter.h"

namespace shoal::engine {

ShardScripts::ShardScripts() : vm(std::make_unique<lua::Interpreter>()) {}
ShardScripts::~ShardScripts() = default;

bool ShardScripts::Load(const std::string& sha, std::string_view body, std::string* error) {
  if (vm->Has(sha)) return true;
  if (!vm->Load(sha, body, error)) return false;
  lua::ScriptFlags flags;
  size_t offset;
  std::string ignored;
  if (lua::ParseShebang(body, &flags, &offset, &ignored) && flags.no_writes) {
    no_writes.insert(sha);
  }
  return true;
}

void ShardScripts::Flush() {
  vm->Flush();
  no_writes.clear();
}

void ScriptRegistry::Flush() {
  std::unique_lock<std::shared_mutex> lock(mu_);
  bodies_.Flush();
  modes_.clear();
  epoch_.fetch_add(1, std::memory_order_acq_rel);
}

ScriptRegistry::Mode ScriptRegistry::ModeOf(std::string_view sha) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = modes_.find(absl::string_view(sha.data(), sha.size()));
  return it == modes_.end() ? Mode::kUnknown : it->second;
}

void ScriptRegistry::SetMode(std::string_view sha, Mode mode) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  modes_[std::string(sha)] = mode;
}

void ScriptRegistry::SetBusy(Running& r, bool busy) {
  if (r.busy.exchange(busy, std::memory_order_acq_rel) != busy) {
    busy_count_.fetch_add(busy ? 1 : -1, std::memory_order_acq_rel);
  }
}

std::string_view ScriptRegistry::Kill() {
  Running* running = running_.get();
  bool any = false;
  for (unsigned i = 0; i < shards_; ++i) {
    if (!running[i].busy.load(std::memory_order_acquire)) continue;
    if (running[i].wrote.load(std::memory_order_acquire)) return errors::kUnkillable;
    any = true;
  }
  if (!any) return errors::kNotBusy;
  for (unsigned i = 0; i < shards_; ++i) {
    if (running[i].busy.load(std::memory_order_acquire)) {
      running[i].kill.store(true, std::memory_order_release);
    }
  }
  return {};
}

}  // namespace shoal::engine
