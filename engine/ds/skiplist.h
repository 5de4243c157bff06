// Skiplist: the ordered half of a large sorted set, as Redis's zskiplist (t_zset.c zsl*).
//
// Elements are (double score, member bytes), ordered by score, then by member bytes as
// memcmp orders them (a shorter member first on a common prefix), exactly as Redis orders
// them. Scores compare as doubles, so -0.0 and 0.0 are equal and such elements are ordered
// by member; NaN is never stored (the caller rejects it, as Redis does). The skiplist does
// not know which members exist: the zset owner keeps a member -> score hash map beside it,
// guarantees that Insert gets an absent member and that Delete / UpdateScore / Rank get the
// member's current score, and erases from its map in the Delete*Range callbacks.
//
// Invariants:
//   - level 0 links every element in order; tail() is the last one; each node's Prev() is
//     its level-0 predecessor (nullptr for the first);
//   - a node of height h (1..32, P(h > k) = 4^-k, drawn once when the node is made) is
//     linked on levels 0..h-1; the list's level() is the greatest height present (1 when
//     empty), and the header is linked on every level below it;
//   - span(x, i) is the number of level-0 steps from x to its level-i successor, so summing
//     spans along a search path gives a 1-based rank.
// Complexity (expected): Insert, Delete, UpdateScore, Rank, ByRank, First/LastInRange
// O(log n); Delete*Range O(log n + removed); Next/Prev O(1).
//
// Memory: one allocation per element holding a 24-byte header (score, backward pointer,
// member length, height), then `height` {forward, span} pairs of 16 bytes, then the member
// bytes (no terminator). An element of height 1 with a 10-byte member takes 50 bytes, where
// Redis takes a 48-byte node plus a 14-byte sds in a second allocation. UpdateScore reuses
// the node, even when it has to move.
//
// Ownership: the list owns its nodes. A Node* stays valid until that element is deleted
// (or the list is cleared or destroyed); UpdateScore returns the same node. Member views
// point into the node. Not thread-safe: a list belongs to one shard thread.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace shoal::ds {

// A score interval with Redis's ZRANGEBYSCORE semantics: min/max may be +-inf, and an
// exclusive bound is written "(x" in commands. Parsing the numbers (and rejecting NaN)
// belongs to the command layer.
struct ScoreRange {
  double min;
  double max;
  bool minex = false;  // exclude min
  bool maxex = false;  // exclude max

  bool GteMin(double v) const { return minex ? v > min : v >= min; }
  bool LteMax(double v) const { return maxex ? v < max : v <= max; }
  // True when no score can lie in the range (Redis zslIsInRange's first test).
  bool IsEmpty() const { return min > max || (min == max && (minex || maxex)); }
};

// One end of a ZRANGEBYLEX interval: "-" (below every member), "+" (above every member),
// "[x" (inclusive) or "(x" (exclusive). `value` points into the caller's argument.
struct LexBound {
  enum class Kind : uint8_t { kMinusInf, kValue, kPlusInf };
  Kind kind = Kind::kValue;
  bool exclusive = false;
  std::string_view value;

  static LexBound MinusInf() { return {Kind::kMinusInf, false, {}}; }
  static LexBound PlusInf() { return {Kind::kPlusInf, false, {}}; }
  static LexBound Inclusive(std::string_view v) { return {Kind::kValue, false, v}; }
  static LexBound Exclusive(std::string_view v) { return {Kind::kValue, true, v}; }
  // Redis zslParseLexRangeItem: nullopt for anything else (the caller replies
  // "-ERR min or max not valid string range item").
  static std::optional<LexBound> Parse(std::string_view arg);
};

// A member interval, meaningful when all elements have the same score (Redis leaves the
// result unspecified otherwise; this list then answers as Redis's would).
struct LexRange {
  LexBound min;
  LexBound max;

  static std::optional<LexRange> Parse(std::string_view min_arg, std::string_view max_arg);
  bool GteMin(std::string_view member) const;
  bool LteMax(std::string_view member) const;
  // True when no member can lie in the range ("(a [a", "[b [a", "+ -"; "- -" is not caught
  // here but contains nothing either), as Redis zslIsInLexRange's first test.
  bool IsEmpty() const;
};

class Skiplist {
 public:
  static constexpr int kMaxLevel = 32;

  class Node {
   public:
    Node() = delete;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    double score() const { return score_; }
    std::string_view member() const { return {member_data(), member_size_}; }
    Node* Next() const { return levels()[0].forward; }  // nullptr after the last
    Node* Prev() const { return backward_; }            // nullptr before the first
    int height() const { return height_; }

   private:
    friend class Skiplist;
    struct Level {
      Node* forward;
      uint64_t span;
    };
    Node(double score, uint32_t member_size, uint8_t height)
        : score_(score), backward_(nullptr), member_size_(member_size), height_(height) {}

    // The levels follow the 24-byte header; the member bytes follow the levels.
    Level* levels() { return reinterpret_cast<Level*>(this + 1); }
    const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
    const char* member_data() const { return reinterpret_cast<const char*>(levels() + height_); }
    char* member_data() { return reinterpret_cast<char*>(levels() + height_); }
    static size_t AllocSize(int height, size_t member_size) {
      return sizeof(Node) + sizeof(Level) * static_cast<size_t>(height) + member_size;
    }
    size_t AllocSize() const { return AllocSize(height_, member_size_); }

    double score_;
    Node* backward_;
    uint32_t member_size_;
    uint8_t height_;
  };

  // `seed` drives the node heights; 0 picks one from the list's address. A moved-from
  // list may only be destroyed or assigned to.
  explicit Skiplist(uint64_t seed = 0);
  ~Skiplist();
  Skiplist(Skiplist&& other) noexcept;
  Skiplist& operator=(Skiplist&& other) noexcept;
  Skiplist(const Skiplist&) = delete;
  Skiplist& operator=(const Skiplist&) = delete;

  size_t size() const { return length_; }
  bool empty() const { return length_ == 0; }
  int level() const { return level_; }
  // Bytes this list holds: node allocations as requested from the allocator (the header
  // node included) plus the Skiplist object.
  size_t MemoryUsage() const { return bytes_ + sizeof(Skiplist); }

  Node* First() const { return header_->levels()[0].forward; }
  Node* Last() const { return tail_; }

  // Adds an element; `member` must be absent (the caller's hash map says so). Returns the
  // new node. O(log n).
  Node* Insert(double score, std::string_view member);
  // Removes the element if (score, member) is present. O(log n).
  bool Delete(double score, std::string_view member);
  // Moves the element (cur_score, member), which must be present, to new_score and returns
  // its node (the same node: it is updated in place when it keeps its position, as Redis's
  // zslUpdateScore, and relinked otherwise). O(log n).
  Node* UpdateScore(double cur_score, std::string_view member, double new_score);

  // 1-based rank of (score, member), 0 when absent. ZREVRANK is size() - rank + 1.
  uint64_t Rank(double score, std::string_view member) const;
  // The element of 1-based `rank`, nullptr when rank is 0 or > size(). O(log n).
  Node* ByRank(uint64_t rank) const;

  // The first / last element whose score is in `range`, nullptr when none. O(log n).
  Node* FirstInRange(const ScoreRange& range) const;
  Node* LastInRange(const ScoreRange& range) const;
  // The first / last element whose member is in `range` (all scores equal). O(log n).
  Node* FirstInLexRange(const LexRange& range) const;
  Node* LastInLexRange(const LexRange& range) const;

  // Remove every element in the range and return how many; for each, before its node is
  // freed, calls removed(std::string_view member, double score) (the view dies with the
  // node; the callback must not touch this list). ByRank takes a 1-based inclusive
  // [start, end] as Redis zslDeleteRangeByRank (start 0 counts as 1; an end past size()
  // stops at the last element). O(log n + removed).
  template <typename Fn>
  uint64_t DeleteRangeByScore(const ScoreRange& range, Fn&& removed);
  template <typename Fn>
  uint64_t DeleteRangeByLex(const LexRange& range, Fn&& removed);
  template <typename Fn>
  uint64_t DeleteRangeByRank(uint64_t start, uint64_t end, Fn&& removed);

  // Removes every element (no callbacks). O(n).
  void Clear();

  // Checks every invariant above (order, backward links, tail, length, level, and every
  // span on every level); O(n * level). For tests.
  bool Verify() const;

 private:
  using Path = Node* [kMaxLevel];

  static Node* NewNode(int height, double score, std::string_view member);
  static void FreeNode(Node* node);
  int RandomHeight();
  void FreeAll();
  // One step right on level i of a search: moves *x to its successor if `before` holds for
  // that successor, adds the span passed to *rank (when rank is not null), and returns
  // whether it moved. After a move it prefetches the node the search visits if it drops a
  // level there, so both candidates load at once. Every search by key is made of these.
  template <typename NodeT, typename Pred>
  static bool StepRight(NodeT** x, int i, const Pred& before, uint64_t* rank = nullptr) {
    NodeT* f = (*x)->levels()[i].forward;
    if (f == nullptr || !before(f)) return false;
    if (rank != nullptr) *rank += (*x)->levels()[i].span;
    *x = f;
    if (i > 0) __builtin_prefetch(f->levels()[i - 1].forward);
    return true;
  }
  // StepRight until it stops: *x is then the last node on level i that `before` holds for
  // (or where it started).
  template <typename NodeT, typename Pred>
  static void WalkRight(NodeT** x, int i, const Pred& before, uint64_t* rank = nullptr) {
    while (StepRight(x, i, before, rank)) {
    }
  }
  // The search path for (score, member): update[i] is the last node before it on level i
  // (the header when none) and rank[i] that node's 1-based rank (0 for the header), for
  // every level below level().
  void FindPath(double score, std::string_view member, Node** update, uint64_t* rank) const;
  // Links `node` (height already set) after the path found for its (score, member).
  void Link(Node* node);
  // Links `node` after a path FindPath found for its key; rank[] and update[] must have
  // room for node's height (they are filled for levels the list does not have yet).
  void LinkAt(Node* node, Node** update, uint64_t* rank);
  // Unlinks x, given update[i] = the last node before x on each level i < level_.
  void Unlink(Node* x, Node** update);
  void Release(Node* x) {
    bytes_ -= x->AllocSize();
    FreeNode(x);
  }
  // Fill update[] with the last node before the range's first element on every level and
  // return that first candidate (which may lie past the range's end).
  Node* SeekScore(const ScoreRange& range, Node** update) const;
  Node* SeekLex(const LexRange& range, Node** update) const;
  Node* SeekRank(uint64_t start, Node** update) const;

  Node* header_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t rng_;
  size_t bytes_ = 0;
};

template <typename Fn>
uint64_t Skiplist::DeleteRangeByScore(const ScoreRange& range, Fn&& removed) {
  Path update;
  uint64_t count = 0;
  for (Node* x = SeekScore(range, update); x != nullptr && range.LteMax(x->score_);) {
    Node* next = x->Next();
    Unlink(x, update);
    removed(x->member(), x->score_);
    Release(x);
    ++count;
    x = next;
  }
  return count;
}

template <typename Fn>
uint64_t Skiplist::DeleteRangeByLex(const LexRange& range, Fn&& removed) {
  Path update;
  uint64_t count = 0;
  for (Node* x = SeekLex(range, update); x != nullptr && range.LteMax(x->member());) {
    Node* next = x->Next();
    Unlink(x, update);
    removed(x->member(), x->score_);
    Release(x);
    ++count;
    x = next;
  }
  return count;
}

template <typename Fn>
uint64_t Skiplist::DeleteRangeByRank(uint64_t start, uint64_t end, Fn&& removed) {
  if (start == 0) start = 1;
  if (start > end) return 0;
  Path update;
  uint64_t count = 0;
  uint64_t rank = start;
  for (Node* x = SeekRank(start, update); x != nullptr && rank <= end; ++rank) {
    Node* next = x->Next();
    Unlink(x, update);
    removed(x->member(), x->score_);
    Release(x);
    ++count;
    x = next;
  }
  return count;
}

}  // namespace shoal::ds
