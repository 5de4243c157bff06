// The server-wide SHA -> script body map behind EVALSHA and SCRIPT LOAD/EXISTS/FLUSH.
//
// Every shard thread keeps its own Interpreter and compiles a script into it the first time
// it runs there; this cache is what lets a shard that never saw the EVAL find the body for
// an EVALSHA. Thread-safe: readers share a lock, Load and Flush take it exclusively.
#pragma once

#include <cstddef>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace shoal::lua {

class ScriptCache {
 public:
  // Stores `body` under its SHA1 (if not there yet) and returns the sha.
  std::string Load(std::string_view body);
  // Stores `body` under a sha the caller already computed.
  void Put(std::string_view sha, std::string_view body);
  // The body for `sha` (40 hex digits, any case), or nullopt.
  std::optional<std::string> Get(std::string_view sha) const;
  bool Exists(std::string_view sha) const;
  void Flush();
  size_t size() const;
  // Bytes held by bodies and shas (INFO's used_memory_scripts_eval, roughly).
  size_t memory_bytes() const;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::string> bodies_;
  size_t bytes_ = 0;
};

}  // namespace shoal::lua
