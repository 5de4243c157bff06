#include "engine/zset_object.h"

#include <algorithm>

#include "engine/scan_args.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

// Heap bytes of a std::string beyond the object itself (libstdc++ keeps up to 15 inline).
size_t HeapBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

// Redis's order: by score, then by member bytes (memcmp, shorter first on a common prefix).
bool Before(double a_score, std::string_view a, double b_score, std::string_view b) {
  return a_score < b_score || (a_score == b_score && a < b);
}

// The skiplist's elements as (member, score) pairs, in list order, for ScanByKeyHash.
struct Elements {
  struct Iter {
    const ds::Skiplist::Node* node;
    std::pair<std::string_view, double> operator*() const {
      return {node->member(), node->score()};
    }
    Iter& operator++() {
      node = node->Next();
      return *this;
    }
    bool operator!=(const Iter& other) const { return node != other.node; }
  };
  const ds::Skiplist& list;
  Iter begin() const { return {list.First()}; }
  Iter end() const { return {nullptr}; }
};

}  // namespace

size_t ZSetObject::MemberHash::operator()(std::string_view member) const {
  return absl::Hash<absl::string_view>{}(AsAbsl(member));
}

ZSetObject::ZSetObject(const ZSetObject& other)
    : Object(), listpack_(other.listpack_), entries_(other.entries_) {
  if (listpack_) return;
  dict_.reserve(other.dict_.size());
  for (const ds::Skiplist::Node* n = other.list_.First(); n != nullptr; n = n->Next()) {
    dict_.insert(list_.Insert(n->score(), n->member()));
  }
}

size_t ZSetObject::MemoryUsage() const {
  size_t bytes = sizeof(*this);
  if (listpack_) {
    bytes += entries_.capacity() * sizeof(Item);
    for (const Item& item : entries_) bytes += HeapBytes(item.member);
  } else {
    bytes += list_.MemoryUsage() - sizeof(ds::Skiplist);
    // flat_hash_set: one node pointer plus one control byte per bucket.
    bytes += dict_.capacity() * (sizeof(ds::Skiplist::Node*) + 1);
  }
  return bytes;
}

std::unique_ptr<Object> ZSetObject::Clone() const { return std::make_unique<ZSetObject>(*this); }

void ZSetObject::PrepareFor(size_t count, size_t max_len, const Limits& limits) {
  if (listpack_ && (count > limits.max_listpack_entries || max_len > limits.max_listpack_value)) {
    ConvertToSkiplist();
  }
}

size_t ZSetObject::FindItem(std::string_view member) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].member == member) return i;
  }
  return entries_.size();
}

std::optional<double> ZSetObject::Score(std::string_view member) const {
  if (listpack_) {
    size_t i = FindItem(member);
    if (i == entries_.size()) return std::nullopt;
    return entries_[i].score;
  }
  auto it = dict_.find(member);
  if (it == dict_.end()) return std::nullopt;
  return (*it)->score();
}

void ZSetObject::Insert(std::string_view member, double score, const Limits& limits) {
  if (listpack_ && (entries_.size() + 1 > limits.max_listpack_entries ||
                    member.size() > limits.max_listpack_value)) {
    ConvertToSkiplist();
  }
  if (listpack_) {
    auto it = std::partition_point(entries_.begin(), entries_.end(), [&](const Item& item) {
      return Before(item.score, item.member, score, member);
    });
    entries_.insert(it, Item{score, std::string(member)});
    return;
  }
  dict_.insert(list_.Insert(score, member));
}

void ZSetObject::Update(std::string_view member, double old_score, double new_score) {
  if (listpack_) {
    size_t i = FindItem(member);
    Item item = std::move(entries_[i]);
    entries_.erase(entries_.begin() + static_cast<ptrdiff_t>(i));
    item.score = new_score;
    auto it = std::partition_point(entries_.begin(), entries_.end(), [&](const Item& e) {
      return Before(e.score, e.member, new_score, item.member);
    });
    entries_.insert(it, std::move(item));
    return;
  }
  list_.UpdateScore(old_score, member, new_score);  // the same node, which the index holds
}

bool ZSetObject::Erase(std::string_view member) {
  if (listpack_) {
    size_t i = FindItem(member);
    if (i == entries_.size()) return false;
    entries_.erase(entries_.begin() + static_cast<ptrdiff_t>(i));
    return true;
  }
  auto it = dict_.find(member);
  if (it == dict_.end()) return false;
  const double score = (*it)->score();
  dict_.erase(it);
  list_.Delete(score, member);
  return true;
}

size_t ZSetObject::RankOf(std::string_view member, double score) const {
  if (listpack_) return FindItem(member);
  return list_.Rank(score, member) - 1;
}

ZSetObject::Entry ZSetObject::At(size_t rank) const {
  if (listpack_) return Entry{entries_[rank].member, entries_[rank].score};
  const ds::Skiplist::Node* node = list_.ByRank(rank + 1);
  return Entry{node->member(), node->score()};
}

ZSetObject::RankSpan ZSetObject::ScoreSpan(const ds::ScoreRange& range) const {
  if (range.IsEmpty()) return {};
  if (listpack_) {
    auto first = std::partition_point(entries_.begin(), entries_.end(),
                                      [&](const Item& e) { return !range.GteMin(e.score); });
    auto last = std::partition_point(first, entries_.end(),
                                     [&](const Item& e) { return range.LteMax(e.score); });
    return {static_cast<size_t>(first - entries_.begin()), static_cast<size_t>(last - first)};
  }
  const ds::Skiplist::Node* first = list_.FirstInRange(range);
  if (first == nullptr) return {};
  const ds::Skiplist::Node* last = list_.LastInRange(range);
  size_t a = list_.Rank(first->score(), first->member());
  size_t b = list_.Rank(last->score(), last->member());
  return {a - 1, b - a + 1};
}

ZSetObject::RankSpan ZSetObject::LexSpan(const ds::LexRange& range) const {
  if (range.IsEmpty()) return {};
  if (listpack_) {
    // Redis's zzlFirstInLexRange / zzlLastInLexRange: linear, from each end.
    size_t first = 0;
    while (first < entries_.size() && !range.GteMin(entries_[first].member)) ++first;
    if (first == entries_.size() || !range.LteMax(entries_[first].member)) return {};
    size_t last = entries_.size() - 1;
    while (last > first && !range.LteMax(entries_[last].member)) --last;
    return {first, last - first + 1};
  }
  const ds::Skiplist::Node* first = list_.FirstInLexRange(range);
  if (first == nullptr) return {};
  const ds::Skiplist::Node* last = list_.LastInLexRange(range);
  size_t a = list_.Rank(first->score(), first->member());
  size_t b = list_.Rank(last->score(), last->member());
  if (b < a) return {};
  return {a - 1, b - a + 1};
}

void ZSetObject::EraseRanks(size_t first, size_t count) {
  if (count == 0) return;
  if (listpack_) {
    auto begin = entries_.begin() + static_cast<ptrdiff_t>(first);
    entries_.erase(begin, begin + static_cast<ptrdiff_t>(count));
    return;
  }
  list_.DeleteRangeByRank(first + 1, first + count, [&](std::string_view member, double) {
    dict_.erase(member);
  });
}

uint64_t ZSetObject::Scan(uint64_t cursor, size_t count, std::vector<Entry>* out) const {
  if (listpack_) {
    for (const Item& item : entries_) out->push_back(Entry{item.member, item.score});
    return 0;
  }
  return ScanByKeyHash(Elements{list_}, cursor, count, out,
                       [](std::string_view member, double score) { return Entry{member, score}; });
}

void ZSetObject::ConvertToSkiplist() {
  dict_.reserve(entries_.size());
  for (Item& item : entries_) {
    dict_.insert(list_.Insert(item.score, item.member));
  }
  entries_.clear();
  entries_.shrink_to_fit();
  listpack_ = false;
}

}  // namespace shoal::engine
