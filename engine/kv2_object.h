// Kv2Object: a versioned secret, as OpenBao's KV version 2 keeps one (its "metadata" and
// "data" paths under one key).
//
// A key holds numbered versions, 1, 2, 3, ... Each version holds its field-to-value data,
// its created time, its deletion time (0 while live: a soft delete sets it, UNDELETE
// clears it) and a destroyed flag (the data is wiped for good). The metadata around them:
// current_version (0 before the first write), oldest_version, created and updated times,
// max_versions, cas_required and custom string metadata.
//
// Pruning follows OpenBao's cleanupOldVersions: after a write, when current_version -
// oldest_version >= max_versions, every version up to current_version - max_versions is
// dropped and oldest_version becomes the next one. oldest_version is therefore 0 until the
// first prune, and lowering max_versions takes effect at the next write, as in OpenBao.
//
// Data and custom metadata are kept sorted by name, so replies are in a stable order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/object.h"

namespace shoal::engine {

class Kv2Object : public Object {
 public:
  using Fields = std::vector<std::pair<std::string, std::string>>;  // sorted by name
  static constexpr uint32_t kDefaultMaxVersions = 10;

  struct Version {
    int64_t created_ms = 0;
    int64_t deletion_ms = 0;  // 0: not deleted
    bool destroyed = false;
    Fields data;
    bool live() const { return deletion_ms == 0 && !destroyed; }
  };

  explicit Kv2Object(int64_t now_ms) : created_ms_(now_ms), updated_ms_(now_ms) {}

  ObjType type() const override { return ObjType::kKv2; }
  std::string_view encoding() const override { return "versioned"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override { return std::make_unique<Kv2Object>(*this); }

  uint64_t current_version() const { return current_; }
  uint64_t oldest_version() const { return oldest_; }
  int64_t created_ms() const { return created_ms_; }
  int64_t updated_ms() const { return updated_ms_; }
  uint32_t max_versions() const { return max_versions_; }
  bool cas_required() const { return cas_required_; }
  const Fields& custom() const { return custom_; }
  const std::map<uint64_t, Version>& versions() const { return versions_; }

  // The kept version `n` (0: the current one), or null.
  const Version* Find(uint64_t n) const;
  Version* Find(uint64_t n);

  // Adds version current_version + 1 holding `data` and prunes; returns its number.
  uint64_t Put(Fields data, int64_t now_ms);

  // Each applies to the kept versions named and returns how many changed.
  int64_t Delete(const std::vector<uint64_t>& versions, int64_t now_ms);
  int64_t Undelete(const std::vector<uint64_t>& versions, int64_t now_ms);
  int64_t Destroy(const std::vector<uint64_t>& versions, int64_t now_ms);

  void set_max_versions(uint32_t n) { max_versions_ = n == 0 ? kDefaultMaxVersions : n; }
  void set_cas_required(bool v) { cas_required_ = v; }
  void set_custom(Fields custom) { custom_ = std::move(custom); }
  void Touch(int64_t now_ms) { updated_ms_ = now_ms; }

  // Loading a saved key (RDB): the counters and times as saved, then each kept version.
  void Restore(uint64_t current, uint64_t oldest, int64_t created_ms, int64_t updated_ms) {
    current_ = current;
    oldest_ = oldest;
    created_ms_ = created_ms;
    updated_ms_ = updated_ms;
  }
  void RestoreVersion(uint64_t n, Version v) { versions_[n] = std::move(v); }

  // Sorts `fields` by name, the last of equal names winning (as a map update would).
  static Fields Normalize(Fields fields);
  // `base` with `patch` merged over it.
  static Fields Merge(const Fields& base, const Fields& patch);

 private:
  // Applies `change` to each named kept version for which `applies` holds; counts them.
  template <typename Applies, typename Change>
  int64_t ChangeEach(const std::vector<uint64_t>& versions, int64_t now_ms, Applies applies,
                     Change change);

  uint64_t current_ = 0;
  uint64_t oldest_ = 0;
  int64_t created_ms_;
  int64_t updated_ms_;
  uint32_t max_versions_ = kDefaultMaxVersions;
  bool cas_required_ = false;
  Fields custom_;
  std::map<uint64_t, Version> versions_;
};

}  // namespace shoal::engine
