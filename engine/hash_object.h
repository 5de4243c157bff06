// HashObject: the value of a hash key, in one of Redis's two encodings.
//
// - "listpack": a flat vector of (field, value) pairs in insertion order, searched
//   linearly. Used while the hash has at most hash-max-listpack-entries fields and every
//   field and value is at most hash-max-listpack-value bytes (Redis's defaults: 128, 64),
//   where a scan of a few cache lines beats hashing.
// - "hashtable": an absl::flat_hash_map from field to value, once either limit is passed.
//   Fields are ds::InlineString, so a field of up to 23 bytes sits in its slot and a
//   lookup needs no second cache miss to compare it. As in Redis, a hash is converted
//   once and never back, even if it shrinks again.
//
// The limits are read by the caller (they live in the config) and passed in with each
// write, so the object needs no engine state. An empty hash is never stored: the family
// deletes the key when its last field goes.
//
// Thread: owned by one key node, used only on its shard's thread (engine/object.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/command_table.h"
#include "engine/ds/inline_string.h"
#include "engine/object.h"

namespace shoal::engine {

class HashObject final : public Object {
 public:
  using Limits = ListpackLimits;

  ObjType type() const override { return ObjType::kHash; }
  std::string_view encoding() const override { return listpack_ ? "listpack" : "hashtable"; }
  // Bytes on the heap: this object, the vector or table slots, and string bytes that do not
  // fit in std::string's inline buffer.
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;

  bool is_listpack() const { return listpack_; }
  size_t size() const { return listpack_ ? pairs_.size() : table_.size(); }

  // The value of `field`, or null. The pointer lives until the next write.
  const std::string* Find(std::string_view field) const;
  // Redis's hashTypeTryConversion, before a write of the (field, value, ...) arguments in
  // `pairs`: converts to a hashtable when there are more pairs than the entry limit or any
  // argument is longer than the value limit (even if the field is already present).
  void PrepareFor(ArgList pairs, const Limits& limits);
  // Sets `field` to `value`; true when the field is new. Converts to a hashtable when a
  // length or the entry count passes the limits (Redis's hashTypeSet).
  bool Set(std::string_view field, std::string_view value, const Limits& limits);
  // Removes `field`; false when absent. A listpack keeps the order of the others.
  bool Erase(std::string_view field);

  using Entry = std::pair<std::string_view, std::string_view>;
  // HSCAN's walk: appends a page of (field, value) to *out and returns the next cursor, 0
  // when the walk is done. A listpack returns every pair at once, whatever the cursor, as
  // Redis does. A hashtable walks its fields in the order of a 64-bit hash of the field
  // (XXH3), which does not depend on the table's layout: the cursor is the smallest field
  // hash not returned yet; a call returns at least `count` fields (never splitting fields
  // that share a hash) and the hash of the next one. So every field present for the whole
  // scan is returned exactly once however the table grows, shrinks or rehashes between
  // calls; a field added or removed during the scan may or may not be. A call costs
  // O(m log m) over the m fields not yet passed (Redis's costs O(count)): simple and
  // correct; to revisit if HSCAN over huge hashes becomes hot.
  uint64_t Scan(uint64_t cursor, size_t count, std::vector<Entry>* out) const;

  // Calls fn(field, value) for every field: insertion order for a listpack, the table's
  // order for a hashtable. fn must not change the hash.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (listpack_) {
      for (const auto& [f, v] : pairs_) fn(std::string_view(f), std::string_view(v));
    } else {
      for (const auto& [f, v] : table_) fn(std::string_view(f), std::string_view(v));
    }
  }

 private:
  void ConvertToTable();

  bool listpack_ = true;
  std::vector<std::pair<std::string, std::string>> pairs_;  // listpack
  absl::flat_hash_map<ds::InlineString, std::string, ds::InlineStringHash, ds::InlineStringEq>
      table_;  // hashtable
};

}  // namespace shoal::engine
