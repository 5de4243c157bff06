// StreamObject: the value of a stream key (XADD, XRANGE, XREAD, consumer groups).
//
// Entries are ordered by ID (ms-seq, two uint64) in an absl::btree_map from ID to the
// entry's fields and values packed into one string (each as a varint length and its
// bytes). The B-tree keeps many entries per node, so a seek by ID is O(log n), an append
// at the end is amortised O(1) (the rightmost leaf) and the per-entry overhead is the
// slot (16-byte ID + 32-byte std::string), node slack and the packed bytes: 104 heap
// bytes for a small entry (one 10-byte field), against roughly 20-30 in Redis's radix
// tree of listpacks (measured in StreamObjectTest.BytesPerEntry). Redis saves by
// delta-encoding IDs and sharing field names with a node's master entry; a chunked form
// could do the same later without changing this interface.
//
// Bookkeeping as Redis 7 keeps it (t_stream.c): last_id (the top ID ever added or set by
// XSETID, never lowered), first_id (of the first live entry, 0-0 when empty),
// max_deleted_entry_id (the highest ID removed by XDEL), entries_added (every entry ever
// added). An empty stream stays a key (Redis deletes it only with DEL).
//
// Consumer groups: by name (ordered, as Redis's rax), each with its last delivered ID,
// entries_read (-1 when unknown), a pending entries list (PEL: ID -> owner, delivery time
// and count) and its consumers (by name, each with the IDs it owns). The group PEL and the
// consumers' PELs always hold the same IDs.
//
// Thread: owned by one key node, used only on its shard's thread (engine/object.h).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "engine/object.h"

namespace shoal::engine {

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  static constexpr StreamId Max() {
    return {std::numeric_limits<uint64_t>::max(), std::numeric_limits<uint64_t>::max()};
  }
  bool IsZero() const { return ms == 0 && seq == 0; }
  // The next / previous ID; false at the ends (Redis's streamIncrID / streamDecrID).
  bool Incr();
  bool Decr();
  std::string ToString() const;
  friend auto operator<=>(const StreamId&, const StreamId&) = default;
};

class StreamObject final : public Object {
 public:
  using Entries = absl::btree_map<StreamId, std::string>;

  struct PendingEntry {
    std::string consumer;
    int64_t delivery_time = 0;  // unix ms
    uint64_t delivery_count = 1;
  };
  struct Consumer {
    int64_t seen_time = 0;    // last interaction (any read, claim)
    int64_t active_time = -1;  // last successful read or claim; -1: never
    std::set<StreamId> pending;
  };
  struct Group {
    StreamId last_id;
    int64_t entries_read = -1;  // -1: unknown (Redis's SCG_INVALID_ENTRIES_READ)
    std::map<StreamId, PendingEntry> pel;
    std::map<std::string, Consumer, std::less<>> consumers;
  };

  StreamObject() = default;
  StreamObject(const StreamObject&) = default;
  StreamObject& operator=(const StreamObject&) = delete;

  ObjType type() const override { return ObjType::kStream; }
  std::string_view encoding() const override { return "stream"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;

  size_t size() const { return entries_.size(); }
  const Entries& entries() const { return entries_; }

  // Appends an entry whose ID is greater than last_id(). `fields` alternates field, value.
  void Append(StreamId id, const std::vector<std::string_view>& fields);
  // Removes the entry; false when absent. Updates first_id and max_deleted_entry_id (XDEL).
  bool Delete(StreamId id);
  // Removes the oldest entries so that at most `maxlen` remain (`minid`: those below it).
  // approx: only whole blocks of kApproxBlock oldest entries go, as Redis drops only whole
  // radix-tree nodes; limit (0: none) caps how many go. Returns how many were removed.
  size_t TrimMaxLen(uint64_t maxlen, bool approx, uint64_t limit);
  size_t TrimMinId(StreamId minid, bool approx, uint64_t limit);
  static constexpr uint64_t kApproxBlock = 100;  // Redis's stream-node-max-entries

  // Entries in [start, end] in order (reverse: from end down), at most count (0: all).
  template <typename Fn>
  void Range(StreamId start, StreamId end, bool reverse, uint64_t count, Fn&& fn) const {
    if (start > end) return;
    uint64_t n = 0;
    if (!reverse) {
      for (auto it = entries_.lower_bound(start); it != entries_.end() && it->first <= end; ++it) {
        fn(it->first, it->second);
        if (++n == count) return;
      }
    } else {
      auto it = entries_.upper_bound(end);
      while (it != entries_.begin()) {
        --it;
        if (it->first < start) return;
        fn(it->first, it->second);
        if (++n == count) return;
      }
    }
  }
  // The packed fields of `id`, or null.
  const std::string* Find(StreamId id) const;

  StreamId last_id() const { return last_id_; }
  StreamId first_id() const { return first_id_; }
  StreamId max_deleted_entry_id() const { return max_deleted_; }
  uint64_t entries_added() const { return entries_added_; }
  void set_last_id(StreamId id) { last_id_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }
  void set_max_deleted_entry_id(StreamId id) { max_deleted_ = id; }
  // The ID of the last live entry (0-0 when empty).
  StreamId LastEntryId() const { return entries_.empty() ? StreamId{} : entries_.rbegin()->first; }

  // Consumer groups.
  std::map<std::string, Group, std::less<>>& groups() { return groups_; }
  const std::map<std::string, Group, std::less<>>& groups() const { return groups_; }
  Group* FindGroup(std::string_view name);
  // Redis's streamEstimateDistanceFromFirstEverEntry: the entries_read a group that has
  // delivered up to `id` would have, or -1 when it cannot be known.
  int64_t EstimateEntriesRead(StreamId id) const;
  // Redis 7's consumer group lag (XINFO GROUPS), or nullopt when it cannot be known.
  std::optional<int64_t> Lag(const Group& group) const;
  // Redis's streamRangeHasTombstones(s, &start, NULL): an XDEL may have left a gap at or
  // after `start`.
  bool HasTombstonesFrom(StreamId start) const;

  // Packing of an entry's fields and values.
  static std::string Pack(const std::vector<std::string_view>& fields);
  static std::vector<std::string_view> Unpack(std::string_view packed);

 private:
  void AfterRemoval();  // refreshes first_id_

  Entries entries_;
  StreamId last_id_;
  StreamId first_id_;
  StreamId max_deleted_;
  uint64_t entries_added_ = 0;
  std::map<std::string, Group, std::less<>> groups_;
};

// Redis's stream ID syntax: "ms-seq", "ms" (seq = missing_seq), and unless strict "-"
// (0-0) and "+" (max). With seq_star, "ms-*" parses with *seq_star = true.
bool ParseStreamId(std::string_view text, bool strict, uint64_t missing_seq, StreamId* id,
                   bool* seq_star = nullptr);

}  // namespace shoal::engine
