#include "lua/script_cache.h"

#include <mutex>

#include "lua/interpreter.h"
#include "protocol/strings.h"

namespace shoal::lua {

std::string ScriptCache::Load(std::string_view body) {
  std::string sha = Sha1Hex(body);
  Put(sha, body);
  return sha;
}

void ScriptCache::Put(std::string_view sha, std::string_view body) {
  std::string key = ToLower(sha);
  std::unique_lock lock(mu_);
  auto [it, inserted] = bodies_.try_emplace(std::move(key), body);
  if (inserted) bytes_ += it->first.size() + it->second.size();
}

std::optional<std::string> ScriptCache::Get(std::string_view sha) const {
  std::string key = ToLower(sha);
  std::shared_lock lock(mu_);
  auto it = bodies_.find(key);
  if (it == bodies_.end()) return std::nullopt;
  return it->second;
}

bool ScriptCache::Exists(std::string_view sha) const {
  std::string key = ToLower(sha);
  std::shared_lock lock(mu_);
  return bodies_.count(key) != 0;
}

void ScriptCache::Flush() {
  std::unique_lock lock(mu_);
  bodies_.clear();
  bytes_ = 0;
}

size_t ScriptCache::size() const {
  std::shared_lock lock(mu_);
  return bodies_.size();
}

size_t ScriptCache::memory_bytes() const {
  std::shared_lock lock(mu_);
  return bytes_;
}

}  // namespace shoal::lua
