// ZSetObject: the value of a sorted-set key, in one of Redis's two encodings.
//
// - "listpack": a vector of (score, member) kept sorted by (score, member bytes), searched
//   linearly by member and by binary search by score. Used while the set has at most
//   zset-max-listpack-entries members and no member is longer than zset-max-listpack-value
//   bytes (Redis's defaults: 128, 64), where a scan of a few cache lines beats the pointer
//   chasing of a skiplist.
// - "skiplist": a ds::Skiplist (order, ranks by span) plus an absl::flat_hash_set of its
//   nodes keyed by their member bytes (the member -> score index), once either limit is
//   passed. The index holds 8-byte node pointers, not copies of the members: a member is
//   stored once, in its node, and a score change touches only the list. As in Redis, a
//   set is converted once and never back, even when it shrinks again (a new set built by
//   a STORE command starts small again).
//
// Order is (score, member bytes), as Redis orders them; ranks are 0-based from the lowest.
// NaN is never stored (the family rejects it first). The limits are read by the caller
// and passed in with each write, so the object needs no engine state. An empty set is
// never stored: the family deletes the key when its last member goes.
//
// Thread: owned by one key node, used only on its shard's thread (engine/object.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/ds/skiplist.h"
#include "engine/object.h"

namespace shoal::engine {

class ZSetObject final : public Object {
 public:
  using Limits = ListpackLimits;
  // One element. `member` points into the set and lives until its next write.
  struct Entry {
    std::string_view member;
    double score;
  };
  // A run of consecutive ranks [first, first + count).
  struct RankSpan {
    size_t first = 0;
    size_t count = 0;
  };

  ZSetObject() = default;
  ZSetObject(const ZSetObject& other);
  ZSetObject& operator=(const ZSetObject&) = delete;

  ObjType type() const override { return ObjType::kZSet; }
  std::string_view encoding() const override { return listpack_ ? "listpack" : "skiplist"; }
  // Bytes on the heap: this object, the vector or the skiplist nodes and hash slots, and
  // member bytes past std::string's inline buffer.
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;

  bool is_listpack() const { return listpack_; }
  size_t size() const { return listpack_ ? entries_.size() : list_.size(); }

  // Redis's zsetTypeMaybeConvert, before a write of `count` new members whose longest is
  // `max_len` bytes: converts to a skiplist when either passes the limits.
  void PrepareFor(size_t count, size_t max_len, const Limits& limits);
  // The score of `member`, or nullopt.
  std::optional<double> Score(std::string_view member) const;
  // Adds `member`, which must be absent. Converts when a limit is passed. O(n) listpack,
  // O(log n) skiplist.
  void Insert(std::string_view member, double score, const Limits& limits);
  // Moves the present `member` from `old_score` to `new_score`.
  void Update(std::string_view member, double old_score, double new_score);
  // Removes `member`; false when absent.
  bool Erase(std::string_view member);

  // 0-based rank of the present (member, score). O(n) listpack, O(log n) skiplist.
  size_t RankOf(std::string_view member, double score) const;
  // The element of 0-based `rank` < size().
  Entry At(size_t rank) const;
  // The ranks whose score lies in `range` / whose member lies in `range` (Redis's
  // z*FirstIn*Range and z*LastIn*Range).
  RankSpan ScoreSpan(const ds::ScoreRange& range) const;
  RankSpan LexSpan(const ds::LexRange& range) const;

  // Calls fn(Entry) for `count` elements from rank `start`, upwards, or downwards when
  // `reverse` (start is then the highest rank visited). fn must not change the set.
  template <typename Fn>
  void Walk(size_t start, size_t count, bool reverse, Fn&& fn) const {
    if (count == 0) return;
    if (listpack_) {
      for (size_t i = 0; i < count; ++i) {
        const Item& item = entries_[reverse ? start - i : start + i];
        fn(Entry{item.member, item.score});
      }
      return;
    }
    const ds::Skiplist::Node* node = list_.ByRank(start + 1);
    for (size_t i = 0; i < count && node != nullptr; ++i) {
      fn(Entry{node->member(), node->score()});
      node = reverse ? node->Prev() : node->Next();
    }
  }
  // Removes the ranks [first, first + count). O(removed) plus O(n) listpack, O(log n)
  // skiplist.
  void EraseRanks(size_t first, size_t count);

  // ZSCAN's walk, as HashObject::Scan: a listpack returns everything at once; a skiplist
  // walks the members in the order of their XXH3 hash, the cursor being the smallest hash
  // not returned yet. Appends to *out; returns the next cursor, 0 when done.
  uint64_t Scan(uint64_t cursor, size_t count, std::vector<Entry>* out) const;

 private:
  struct Item {
    double score;
    std::string member;
  };
  void ConvertToSkiplist();
  // Index in entries_ of `member`, or entries_.size().
  size_t FindItem(std::string_view member) const;

  // The index hashes and compares a node by its member, and looks up by member bytes.
  struct MemberHash {
    using is_transparent = void;
    size_t operator()(std::string_view member) const;
    size_t operator()(const ds::Skiplist::Node* node) const { return (*this)(node->member()); }
  };
  struct MemberEq {
    using is_transparent = void;
    static std::string_view View(std::string_view member) { return member; }
    static std::string_view View(const ds::Skiplist::Node* node) { return node->member(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a) == View(b);
    }
  };
  using Index = absl::flat_hash_set<ds::Skiplist::Node*, MemberHash, MemberEq>;

  bool listpack_ = true;
  std::vector<Item> entries_;  // listpack, sorted
  ds::Skiplist list_;          // skiplist
  Index dict_;                 // skiplist: its nodes by member
};

}  // namespace shoal::engine
