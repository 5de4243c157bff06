// Skiplist: see skiplist.h for the invariants. The search, link and unlink steps follow
// Redis's zslInsert / zslDeleteNode / zslGetRank / zslGetElementByRank line by line, so
// spans and ranks agree with Redis's for the same operations.
#include "engine/ds/skiplist.h"

#include <bit>
#include <cstring>
#include <new>
#include <utility>

namespace shoal::ds {

static_assert(sizeof(Skiplist::Node) == 24, "node header layout");

namespace {

// -1, 0, 1 as `member` sorts before, with, after `bound` (Redis zslLexValue* via sdscmplex).
int CompareToBound(std::string_view member, const LexBound& bound) {
  switch (bound.kind) {
    case LexBound::Kind::kMinusInf: return 1;
    case LexBound::Kind::kPlusInf: return -1;
    case LexBound::Kind::kValue: break;
  }
  const int c = member.compare(bound.value);
  return (c > 0) - (c < 0);
}

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::optional<LexBound> LexBound::Parse(std::string_view arg) {
  if (arg.empty()) return std::nullopt;
  switch (arg[0]) {
    case '-':
      if (arg.size() == 1) return MinusInf();
      return std::nullopt;
    case '+':
      if (arg.size() == 1) return PlusInf();
      return std::nullopt;
    case '[': return Inclusive(arg.substr(1));
    case '(': return Exclusive(arg.substr(1));
    default: return std::nullopt;
  }
}

std::optional<LexRange> LexRange::Parse(std::string_view min_arg, std::string_view max_arg) {
  std::optional<LexBound> min = LexBound::Parse(min_arg);
  std::optional<LexBound> max = LexBound::Parse(max_arg);
  if (!min || !max) return std::nullopt;
  return LexRange{*min, *max};
}

bool LexRange::GteMin(std::string_view member) const {
  const int c = CompareToBound(member, min);
  return min.exclusive ? c > 0 : c >= 0;
}

bool LexRange::LteMax(std::string_view member) const {
  const int c = CompareToBound(member, max);
  return max.exclusive ? c < 0 : c <= 0;
}

bool LexRange::IsEmpty() const {
  int c;
  if (min.kind != max.kind) {
    c = min.kind < max.kind ? -1 : 1;
  } else if (min.kind == LexBound::Kind::kValue) {
    c = min.value.compare(max.value);
  } else {
    c = 0;
  }
  return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
}

namespace {

// True when node x sorts strictly before (score, member).
inline bool Before(const Skiplist::Node* x, double score, std::string_view member) {
  return x->score() < score || (x->score() == score && x->member() < member);
}

// True when node x sorts before or with (score, member).
inline bool NotAfter(const Skiplist::Node* x, double score, std::string_view member) {
  return x->score() < score || (x->score() == score && x->member() <= member);
}

}  // namespace

Skiplist::Skiplist(uint64_t seed)
    : rng_(seed != 0 ? seed : reinterpret_cast<uintptr_t>(this) ^ 0x5851f42d4c957f2dULL) {
  header_ = NewNode(kMaxLevel, 0, {});
  bytes_ = header_->AllocSize();
  for (int i = 0; i < kMaxLevel; ++i) header_->levels()[i] = {nullptr, 0};
}

Skiplist::~Skiplist() {
  if (header_ == nullptr) return;  // moved from
  FreeAll();
  FreeNode(header_);
}

Skiplist::Skiplist(Skiplist&& other) noexcept
    : header_(std::exchange(other.header_, nullptr)),
      tail_(std::exchange(other.tail_, nullptr)),
      length_(std::exchange(other.length_, 0)),
      level_(std::exchange(other.level_, 1)),
      rng_(other.rng_),
      bytes_(std::exchange(other.bytes_, 0)) {}

Skiplist& Skiplist::operator=(Skiplist&& other) noexcept {
  if (this != &other) {
    if (header_ != nullptr) {
      FreeAll();
      FreeNode(header_);
    }
    header_ = std::exchange(other.header_, nullptr);
    tail_ = std::exchange(other.tail_, nullptr);
    length_ = std::exchange(other.length_, 0);
    level_ = std::exchange(other.level_, 1);
    rng_ = other.rng_;
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

Skiplist::Node* Skiplist::NewNode(int height, double score, std::string_view member) {
  assert(height >= 1 && height <= kMaxLevel);
  assert(member.size() <= UINT32_MAX);
  void* mem = ::operator new(Node::AllocSize(height, member.size()));
  Node* node = new (mem) Node(score, static_cast<uint32_t>(member.size()),
                              static_cast<uint8_t>(height));
  if (!member.empty()) std::memcpy(node->member_data(), member.data(), member.size());
  return node;
}

void Skiplist::FreeNode(Node* node) { ::operator delete(static_cast<void*>(node)); }

int Skiplist::RandomHeight() {
  // Each two zero bits of a uniform word add a level: P(height > k) = 4^-k, capped at 32.
  const int zeros = std::countr_zero(SplitMix64(&rng_));
  const int height = 1 + zeros / 2;
  return height < kMaxLevel ? height : kMaxLevel;
}

void Skiplist::FreeAll() {
  Node* x = header_->levels()[0].forward;
  while (x != nullptr) {
    Node* next = x->Next();
    FreeNode(x);
    x = next;
  }
}

void Skiplist::Clear() {
  FreeAll();
  for (int i = 0; i < kMaxLevel; ++i) header_->levels()[i] = {nullptr, 0};
  tail_ = nullptr;
  length_ = 0;
  level_ = 1;
  bytes_ = header_->AllocSize();
}

void Skiplist::FindPath(double score, std::string_view member, Node** update,
                        uint64_t* rank) const {
  Node* x = header_;
  uint64_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    WalkRight(&x, i, [&](const Node* f) { return Before(f, score, member); }, &traversed);
    update[i] = x;
    rank[i] = traversed;
  }
}

void Skiplist::Link(Node* node) {
  Path update;
  uint64_t rank[kMaxLevel];
  FindPath(node->score_, node->member(), update, rank);
  LinkAt(node, update, rank);
}

void Skiplist::LinkAt(Node* node, Node** update, uint64_t* rank) {
  const int height = node->height_;
  if (height > level_) {
    for (int i = level_; i < height; ++i) {
      rank[i] = 0;
      update[i] = header_;
      header_->levels()[i].span = length_;
    }
    level_ = height;
  }
  for (int i = 0; i < height; ++i) {
    Node::Level& prev = update[i]->levels()[i];
    Node::Level& own = node->levels()[i];
    own.forward = prev.forward;
    prev.forward = node;
    own.span = prev.span - (rank[0] - rank[i]);
    prev.span = (rank[0] - rank[i]) + 1;
  }
  for (int i = height; i < level_; ++i) ++update[i]->levels()[i].span;
  node->backward_ = update[0] == header_ ? nullptr : update[0];
  if (Node* next = node->levels()[0].forward) {
    next->backward_ = node;
  } else {
    tail_ = node;
  }
  ++length_;
}

void Skiplist::Unlink(Node* x, Node** update) {
  for (int i = 0; i < level_; ++i) {
    Node::Level& prev = update[i]->levels()[i];
    if (prev.forward == x) {
      prev.span += x->levels()[i].span - 1;
      prev.forward = x->levels()[i].forward;
    } else {
      prev.span -= 1;
    }
  }
  if (Node* next = x->levels()[0].forward) {
    next->backward_ = x->backward_;
  } else {
    tail_ = x->backward_;
  }
  while (level_ > 1 && header_->levels()[level_ - 1].forward == nullptr) --level_;
  --length_;
}

Skiplist::Node* Skiplist::Insert(double score, std::string_view member) {
  assert(score == score && "NaN score");
  Node* node = NewNode(RandomHeight(), score, member);
  bytes_ += node->AllocSize();
  Link(node);
  return node;
}

bool Skiplist::Delete(double score, std::string_view member) {
  Path update;
  uint64_t rank[kMaxLevel];
  FindPath(score, member, update, rank);
  Node* x = update[0]->levels()[0].forward;
  if (x == nullptr || x->score_ != score || x->member() != member) return false;
  Unlink(x, update);
  Release(x);
  return true;
}

Skiplist::Node* Skiplist::UpdateScore(double cur_score, std::string_view member,
                                      double new_score) {
  assert(new_score == new_score && "NaN score");
  // Both searches run in one loop: the path to the element (to unlink it) and the path to
  // its new place, both taken in the list as it is now. Below the level where they part,
  // they follow independent pointers, so their cache misses overlap instead of queueing as
  // two searches one after the other would (Redis's zslUpdateScore searches twice).
  Path update, target;
  uint64_t rank[kMaxLevel], target_rank[kMaxLevel];
  Node* x = header_;
  Node* y = header_;
  uint64_t x_rank = 0, y_rank = 0;
  auto to_old = [&](const Node* f) { return Before(f, cur_score, member); };
  auto to_new = [&](const Node* f) { return Before(f, new_score, member); };
  for (int i = level_ - 1; i >= 0; --i) {
    for (bool x_moves = true, y_moves = true; x_moves || y_moves;) {
      if (x_moves) x_moves = StepRight(&x, i, to_old, &x_rank);
      if (y_moves) y_moves = StepRight(&y, i, to_new, &y_rank);
    }
    update[i] = x;
    rank[i] = x_rank;
    target[i] = y;
    target_rank[i] = y_rank;
  }
  x = x->levels()[0].forward;
  assert(x != nullptr && x->score_ == cur_score && x->member() == member);
  // Redis keeps the node in place only when the new score lies strictly between its
  // neighbours' scores; equal neighbours would need a member comparison, so it relinks.
  Node* next = x->levels()[0].forward;
  if ((x->backward_ == nullptr || x->backward_->score_ < new_score) &&
      (next == nullptr || next->score_ > new_score)) {
    x->score_ = new_score;
    return x;
  }
  // The target path was found with x still linked: where it ends at x, the node before x
  // takes its place, and every rank past x drops by one once x is out.
  const int old_level = level_;
  const uint64_t x_pos = rank[0] + 1;
  for (int i = 0; i < old_level; ++i) {
    if (target[i] == x) {
      target[i] = update[i];
      target_rank[i] = rank[i];
    } else if (target_rank[i] > x_pos) {
      --target_rank[i];
    }
  }
  Unlink(x, update);
  x->score_ = new_score;
  LinkAt(x, target, target_rank);
  return x;
}

uint64_t Skiplist::Rank(double score, std::string_view member) const {
  uint64_t rank = 0;
  const Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    WalkRight(&x, i, [&](const Node* f) { return NotAfter(f, score, member); }, &rank);
    if (x != header_ && x->score_ == score && x->member() == member) return rank;
  }
  return 0;
}

Skiplist::Node* Skiplist::ByRank(uint64_t rank) const {
  if (rank == 0 || rank > length_) return nullptr;
  uint64_t traversed = 0;
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span <= rank) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    if (traversed == rank) return x;
  }
  return nullptr;
}

Skiplist::Node* Skiplist::FirstInRange(const ScoreRange& range) const {
  if (range.IsEmpty() || tail_ == nullptr || !range.GteMin(tail_->score_)) return nullptr;
  const Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    WalkRight(&x, i, [&](const Node* f) { return !range.GteMin(f->score_); });
  }
  Node* first = x->levels()[0].forward;  // exists: the tail is >= min
  return range.LteMax(first->score_) ? first : nullptr;
}

Skiplist::Node* Skiplist::LastInRange(const ScoreRange& range) const {
  Node* first = First();
  if (range.IsEmpty() || first == nullptr || !range.LteMax(first->score_)) return nullptr;
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    WalkRight(&x, i, [&](const Node* f) { return range.LteMax(f->score_); });
  }
  // x is not the header: the first element is <= max.
  return range.GteMin(x->score_) ? x : nullptr;
}

Skiplist::Node* Skiplist::FirstInLexRange(const LexRange& range) const {
  if (range.IsEmpty() || tail_ == nullptr || !range.GteMin(tail_->member())) return nullptr;
  const Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    WalkRight(&x, i, [&](const Node* f) { return !range.GteMin(f->member()); });
  }
  Node* first = x->levels()[0].forward;
  return range.LteMax(first->member()) ? first : nullptr;
}

Skiplist::Node* Skiplist::LastInLexRange(const LexRange& range) const {
  Node* first = First();
  if (range.IsEmpty() || first == nullptr || !range.LteMax(first->member())) return nullptr;
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    WalkRight(&x, i, [&](const Node* f) { return range.LteMax(f->member()); });
  }
  return range.GteMin(x->member()) ? x : nullptr;
}

Skiplist::Node* Skiplist::SeekScore(const ScoreRange& range, Node** update) const {
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    WalkRight(&x, i, [&](const Node* f) { return !range.GteMin(f->score_); });
    update[i] = x;
  }
  return x->levels()[0].forward;
}

Skiplist::Node* Skiplist::SeekLex(const LexRange& range, Node** update) const {
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    WalkRight(&x, i, [&](const Node* f) { return !range.GteMin(f->member()); });
    update[i] = x;
  }
  return x->levels()[0].forward;
}

Skiplist::Node* Skiplist::SeekRank(uint64_t start, Node** update) const {
  uint64_t traversed = 0;
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span < start) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    update[i] = x;
  }
  return x->levels()[0].forward;
}

bool Skiplist::Verify() const {
  // Level 0: order, backward links, tail, length.
  size_t n = 0;
  const Node* prev = nullptr;
  int max_height = 1;
  for (const Node* x = First(); x != nullptr; prev = x, x = x->Next()) {
    ++n;
    if (x->backward_ != prev) return false;
    if (x->height_ < 1 || x->height_ > kMaxLevel) return false;
    if (x->height_ > max_height) max_height = x->height_;
    if (x->score_ != x->score_) return false;
    if (prev != nullptr && !Before(prev, x->score_, x->member())) return false;
  }
  if (n != length_ || tail_ != prev || max_height != level_) return false;
  // Every level: the level-i chain visits exactly the nodes of height > i, in order, and
  // each span is the level-0 distance to the successor.
  for (int i = 0; i < level_; ++i) {
    const Node* x = header_;
    uint64_t pos = 0;  // rank of x (0 for the header)
    const Node* walk = First();
    uint64_t walk_pos = 1;
    while (x->levels()[i].forward != nullptr) {
      const Node* f = x->levels()[i].forward;
      while (walk != nullptr && walk != f) {
        if (walk->height_ > i) return false;  // skipped a node that belongs on level i
        walk = walk->Next();
        ++walk_pos;
      }
      if (walk == nullptr || f->height_ <= i) return false;
      if (x->levels()[i].span != walk_pos - pos) return false;
      x = f;
      pos = walk_pos;
      walk = walk->Next();
      ++walk_pos;
    }
    for (; walk != nullptr; walk = walk->Next()) {
      if (walk->height_ > i) return false;
    }
  }
  return true;
}

}  // namespace shoal::ds
