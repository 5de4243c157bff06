// KeyMetaStore: what Shoal keeps beside some keys' values, per database: their tags, their
// retention (no write, no delete until a time) and their legal hold (no delete until
// released).
//
// Few keys have any of it, so it lives in a side table keyed by name rather than in every
// key's node; the node's user flag kHasMeta says "look here", so keys without metadata
// never pay a lookup. Db keeps the flag and the table in step (db.cc): a deleted or
// expired key loses its metadata, RENAME and MOVE carry it to the new name, COPY copies
// the tags, and a write that replaces the whole value (SET) drops the tags.
//
// The tag index maps each (tag key, tag value) to the keys that carry it, so TAG.FIND costs
// what it finds, not the size of the keyspace.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace shoal::engine {

struct KeyMeta {
  std::vector<std::pair<std::string, std::string>> tags;  // in the order they were set
  int64_t retain_until_ms = 0;  // 0: no retention
  bool legal_hold = false;

  bool empty() const { return tags.empty() && retain_until_ms == 0 && !legal_hold; }
  // No write may change or delete the key.
  bool retained(int64_t now_ms) const { return retain_until_ms > now_ms; }
  // No write may delete the key.
  bool undeletable(int64_t now_ms) const { return legal_hold || retained(now_ms); }
};

class KeyMetaStore {
 public:
  // The node flag (KeyNode user flags, bits 1..3) of keys that have an entry here.
  static constexpr uint8_t kHasMeta = 1 << 1;

  const KeyMeta* Find(std::string_view key) const;
  // The key's entry, created empty when missing.
  KeyMeta& Get(std::string_view key);
  // Drops the key's entry and its index entries.
  void Erase(std::string_view key);
  // Takes the key's entry out (RENAME, MOVE), to Put under another name or database.
  KeyMeta Take(std::string_view key);
  void Put(std::string_view key, KeyMeta meta);
  void Clear();

  // Tags. SetTag adds or replaces; both return whether the key gained / lost a tag key.
  bool SetTag(std::string_view key, std::string_view name, std::string_view value);
  bool DeleteTag(std::string_view key, std::string_view name);
  void DropTags(std::string_view key);
  // The keys tagged name=value, sorted.
  const absl::btree_set<std::string>* Tagged(std::string_view name,
                                             std::string_view value) const;

  // Retention and holds.
  void SetRetention(std::string_view key, int64_t until_ms);
  void SetLegalHold(std::string_view key, bool on);
  // Whether any key of this database is retained or held now.
  bool AnyLocked(int64_t now_ms) const;

  // The engine-wide count of locked keys (retention or hold set), kept in step.
  void set_lock_counter(std::atomic<int64_t>* counter) { lock_counter_ = counter; }

  // Drops the key's entry when nothing is left in it; true when dropped.
  bool EraseIfEmpty(std::string_view key);

 private:
  static std::string IndexKey(std::string_view name, std::string_view value);
  void Unindex(std::string_view key, const KeyMeta& meta);
  void Unindex(std::string_view key, std::string_view name, std::string_view value);
  void Index(std::string_view key, const KeyMeta& meta);
  void UpdateLocked(std::string_view key, const KeyMeta& meta);
  void Unlock(std::string_view key);

  absl::flat_hash_map<std::string, KeyMeta> meta_;
  absl::flat_hash_map<std::string, absl::btree_set<std::string>> index_;
  absl::flat_hash_set<std::string> locked_;  // keys with a retention time or a hold
  std::atomic<int64_t>* lock_counter_ = nullptr;
};

}  // namespace shoal::engine
