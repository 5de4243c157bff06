// KeyTable: see key_table.h for the node layout, the resize policy and the scan guarantee.
//
// Every node operation that can move a node (Reset, ResizeValue, SetHasExpiry) first
// finds what links to the node (its bucket slot or the previous node in its chain, by
// hashing the node's key again: chains hold about one node), then reallocates, then points
// that link at the new address. A resize never moves nodes, only relinks them.
#include "engine/ds/key_table.h"

#include <malloc.h>
#include <xxhash.h>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>

#include "engine/ds/alloc_counter.h"

namespace shoal::ds {

namespace {

using key_table_internal::StoreWord;

static_assert(sizeof(void*) == 8, "KeyNode packs a 48-bit pointer into a 64-bit word");

constexpr uint32_t kMinBits = 2;   // 4 buckets: an empty database costs 32 bytes
constexpr uint32_t kMaxBits = 40;  // the scan cursor space

constexpr size_t kHeadSize = 16;  // the link word and the stamp word
constexpr size_t kExpirySize = 16;

size_t NodeSize(bool with_expiry, size_t key_len, size_t value_len) {
  return kHeadSize + (with_expiry ? kExpirySize : 0) + VarintSize(key_len) +
         VarintSize(value_len) + key_len + value_len;
}

// The link word keeps 48 bits of pointer: an address above that would corrupt the chain.
void CheckAddress(uintptr_t address) {
  if ((address >> 48) != 0) {
    std::fprintf(stderr, "KeyTable: node address %#zx does not fit in 48 bits\n",
                 static_cast<size_t>(address));
    std::abort();
  }
}

// Node and bucket memory is counted in alloc_counter.h at its usable size.
void* Counted(void* p) {
  if (p != nullptr) CountAllocated(malloc_usable_size(p));
  return p;
}

void FreeCounted(void* p) {
  if (p == nullptr) return;
  CountFreed(malloc_usable_size(p));
  std::free(p);
}

char* AllocateNode(size_t bytes) {
  void* p = Counted(std::malloc(bytes));
  if (p == nullptr) throw std::bad_alloc();
  CheckAddress(reinterpret_cast<uintptr_t>(p));
  return static_cast<char*>(p);
}

uint8_t Tag(uint8_t type, uint8_t flags) {
  assert(type < 16);
  return static_cast<uint8_t>((type << 4) | (flags & 0xf));
}

bool Overlaps(const char* a, size_t a_len, const char* b, size_t b_len) {
  auto ua = reinterpret_cast<uintptr_t>(a);
  auto ub = reinterpret_cast<uintptr_t>(b);
  return a_len != 0 && b_len != 0 && ua < ub + b_len && ub < ua + a_len;
}

// splitmix64: turns one random word into a sequence of them.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

KeyTable::KeyTable() = default;

KeyTable::~KeyTable() { Clear(); }

KeyTable::KeyTable(KeyTable&& other) noexcept
    : buckets_(std::exchange(other.buckets_, nullptr)),
      bits_(std::exchange(other.bits_, 0)),
      size_(std::exchange(other.size_, 0)),
      node_bytes_(std::exchange(other.node_bytes_, 0)),
      disposer_(other.disposer_) {}

KeyTable& KeyTable::operator=(KeyTable&& other) noexcept {
  if (this != &other) {
    Clear();
    buckets_ = std::exchange(other.buckets_, nullptr);
    bits_ = std::exchange(other.bits_, 0);
    size_ = std::exchange(other.size_, 0);
    node_bytes_ = std::exchange(other.node_bytes_, 0);
    disposer_ = other.disposer_;
  }
  return *this;
}

uint64_t KeyTable::Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

size_t KeyTable::bucket_count() const { return buckets_ ? size_t{1} << bits_ : 0; }

size_t KeyTable::MemoryUsage() const { return bucket_count() * sizeof(KeyNode*) + node_bytes_; }

KeyNode* KeyTable::Find(std::string_view key) const {
  if (size_ == 0) return nullptr;
  for (KeyNode* node = buckets_[BucketOf(Hash(key))]; node != nullptr; node = node->next()) {
    if (node->key() == key) return node;
  }
  return nullptr;
}

KeyNode* KeyTable::Insert(std::string_view key, uint8_t type, std::string_view value,
                          bool with_expiry) {
  assert(Find(key) == nullptr);
  // The first bucket array before the node, so that a failure leaks nothing.
  if (buckets_ == nullptr && !Rehash(kMinBits)) throw std::bad_alloc();
  char* p = AllocateNode(NodeSize(with_expiry, key.size(), value.size()));
  const uint8_t tag = Tag(type, with_expiry ? KeyNode::kExpiryFlag : 0);
  StoreWord(p, uint64_t{tag} << KeyNode::kTagShift);
  StoreWord(p + 8, 0);
  char* q = p + kHeadSize;
  if (with_expiry) {
    std::memset(q, 0, kExpirySize);
    q += kExpirySize;
  }
  q = EncodeVarint(q, key.size());
  q = EncodeVarint(q, value.size());
  if (!key.empty()) std::memcpy(q, key.data(), key.size());
  if (value.data() != nullptr && !value.empty()) {
    std::memcpy(q + key.size(), value.data(), value.size());
  }
  auto* node = reinterpret_cast<KeyNode*>(p);
  LinkNew(node, Hash(key));
  return node;
}

KeyNode* KeyTable::Reset(KeyNode* node, uint8_t type, std::string_view value, bool with_expiry) {
  size_t key_len, old_len;
  const char* key = node->DecodeLengths(&key_len, &old_len);
  const bool same_layout =
      with_expiry == node->has_expiry() && VarintSize(value.size()) == VarintSize(old_len);
  const uint8_t tag = Tag(type, node->flags());
  if (same_layout && value.size() == old_len) {
    node->set_tag(tag);
    if (value.data() != nullptr && !value.empty()) {
      std::memmove(node->mutable_value(), value.data(), value.size());
    }
    return node;
  }
  const size_t old_size = static_cast<size_t>(key - node->base()) + key_len + old_len;
  const bool aliases = value.data() != nullptr &&
                       Overlaps(value.data(), value.size(), node->base(), old_size);
  if (same_layout && !aliases) {
    node = ReallocValue(node, value.size());
    node->set_tag(tag);
    if (value.data() != nullptr && !value.empty()) {
      std::memcpy(node->mutable_value(), value.data(), value.size());
    }
    return node;
  }
  return Rebuild(node, type, with_expiry, value.size(), value.data(),
                 value.data() != nullptr ? value.size() : 0);
}

KeyNode* KeyTable::ResizeValue(KeyNode* node, size_t new_len) {
  size_t key_len, old_len;
  const char* key = node->DecodeLengths(&key_len, &old_len);
  if (new_len == old_len) return node;
  if (VarintSize(new_len) == VarintSize(old_len)) return ReallocValue(node, new_len);
  return Rebuild(node, node->type(), node->has_expiry(), new_len, key + key_len,
                 std::min(old_len, new_len));
}

KeyNode* KeyTable::SetHasExpiry(KeyNode* node, bool with_expiry) {
  if (node->has_expiry() == with_expiry) return node;
  size_t key_len, len;
  const char* key = node->DecodeLengths(&key_len, &len);
  return Rebuild(node, node->type(), with_expiry, len, key + key_len, len);
}

void KeyTable::Erase(KeyNode* node) {
  Unlink(node);
  if (disposer_ != nullptr) disposer_(node);
  FreeCounted(node);
  MaybeShrink();
}

void KeyTable::Detach(KeyNode* node) {
  Unlink(node);
  MaybeShrink();
}

void KeyTable::Attach(KeyNode* node) {
  assert(node->next() == nullptr);
  assert(Find(node->key()) == nullptr);
  LinkNew(node, Hash(node->key()));
}

void KeyTable::FreeDetached(KeyNode* node) {
  if (disposer_ != nullptr) disposer_(node);
  FreeCounted(node);
}

void KeyTable::Clear() {
  if (buckets_ != nullptr) {
    const size_t count = size_t{1} << bits_;
    for (size_t b = 0; b < count; ++b) {
      for (KeyNode* node = buckets_[b]; node != nullptr;) {
        KeyNode* next = node->next();
        if (disposer_ != nullptr) disposer_(node);
        FreeCounted(node);
        node = next;
      }
    }
    FreeCounted(buckets_);
  }
  buckets_ = nullptr;
  bits_ = 0;
  size_ = 0;
  node_bytes_ = 0;
}

KeyNode* KeyTable::RandomNode(uint64_t rnd) const {
  if (size_ == 0) return nullptr;
  // Random buckets until a non-empty one: the load factor stays above 1/8 (or the table
  // has 4 buckets), so 32 tries nearly always succeed; then walk on to the next one.
  uint64_t r = rnd;
  size_t b = 0;
  bool found = false;
  for (int attempt = 0; attempt < 32 && !found; ++attempt) {
    r = Mix(r);
    b = BucketOf(r);
    found = buckets_[b] != nullptr;
  }
  const size_t mask = (size_t{1} << bits_) - 1;
  while (buckets_[b] == nullptr) b = (b + 1) & mask;
  size_t chain = 0;
  for (KeyNode* n = buckets_[b]; n != nullptr; n = n->next()) ++chain;
  size_t pick = static_cast<size_t>(Mix(r) % chain);
  KeyNode* node = buckets_[b];
  while (pick-- > 0) node = node->next();
  return node;
}

size_t KeyTable::Sample(uint64_t rnd, size_t count, KeyNode** out) const {
  if (size_ == 0 || count == 0) return 0;
  const size_t mask = (size_t{1} << bits_) - 1;
  size_t b = BucketOf(Mix(rnd));
  size_t got = 0;
  for (size_t step = 0; step < 16 * count && got < count; ++step, b = (b + 1) & mask) {
    for (KeyNode* n = buckets_[b]; n != nullptr && got < count; n = n->next()) out[got++] = n;
  }
  return got;
}

void KeyTable::LinkNew(KeyNode* node, uint64_t hash) {
  if (buckets_ == nullptr && !Rehash(kMinBits)) throw std::bad_alloc();
  KeyNode*& head = buckets_[BucketOf(hash)];
  node->set_next(head);
  head = node;
  ++size_;
  node_bytes_ += node->AllocatedSize();
  // A failed grow leaves a longer chain behind, which still works.
  if (size_ > (size_t{1} << bits_) && bits_ < kMaxBits) Rehash(bits_ + 1);
}

KeyTable::Link KeyTable::FindLink(const KeyNode* node) const {
  KeyNode** slot = &buckets_[BucketOf(Hash(node->key()))];
  if (*slot == node) return {slot, nullptr};
  KeyNode* prev = *slot;
  while (prev->next() != node) {
    prev = prev->next();
    assert(prev != nullptr && "node is not in this table");
  }
  return {nullptr, prev};
}

void KeyTable::SetLink(Link link, KeyNode* target) {
  if (link.bucket != nullptr) {
    *link.bucket = target;
  } else {
    link.prev->set_next(target);
  }
}

void KeyTable::Unlink(KeyNode* node) {
  SetLink(FindLink(node), node->next());
  node->set_next(nullptr);
  --size_;
  node_bytes_ -= node->AllocatedSize();
}

void KeyTable::MaybeShrink() {
  if (bits_ > kMinBits && size_ < ((size_t{1} << bits_) >> 3)) Rehash(bits_ - 1);
}

bool KeyTable::Rehash(uint32_t new_bits) {
  assert(new_bits >= kMinBits && new_bits <= kMaxBits);
  const size_t new_count = size_t{1} << new_bits;
  auto* fresh = static_cast<KeyNode**>(Counted(std::calloc(new_count, sizeof(KeyNode*))));
  if (fresh == nullptr) return false;
  if (buckets_ != nullptr) {
    // Nodes and new slots sit at random addresses: prefetch the chain heads a few buckets
    // ahead, and link nodes in batches so that each new slot is prefetched before it is
    // read. This keeps many cache misses in flight instead of one at a time.
    constexpr size_t kAhead = 8;
    constexpr size_t kBatch = 16;
    KeyNode* batch[kBatch];
    size_t slots[kBatch];
    size_t pending = 0;
    auto link_batch = [&] {
      for (size_t i = 0; i < pending; ++i) {
        batch[i]->set_next(fresh[slots[i]]);
        fresh[slots[i]] = batch[i];
      }
      pending = 0;
    };
    const size_t count = size_t{1} << bits_;
    const int shift = 64 - static_cast<int>(new_bits);
    for (size_t b = 0; b < count; ++b) {
      if (b + kAhead < count && buckets_[b + kAhead] != nullptr) {
        __builtin_prefetch(buckets_[b + kAhead]);
      }
      for (KeyNode* node = buckets_[b]; node != nullptr;) {
        KeyNode* next = node->next();  // linking the batch rewrites the link word
        const size_t slot = static_cast<size_t>(Hash(node->key()) >> shift);
        __builtin_prefetch(&fresh[slot], 1);
        batch[pending] = node;
        slots[pending] = slot;
        if (++pending == kBatch) link_batch();
        node = next;
      }
    }
    link_batch();
    FreeCounted(buckets_);
  }
  buckets_ = fresh;
  bits_ = new_bits;
  return true;
}

KeyNode* KeyTable::ReallocValue(KeyNode* node, size_t new_len) {
  size_t key_len, old_len;
  const char* key = node->DecodeLengths(&key_len, &old_len);
  assert(VarintSize(new_len) == VarintSize(old_len));
  const size_t head = static_cast<size_t>(key - node->base());
  const size_t old_size = head + key_len + old_len;
  const size_t new_size = head + key_len + new_len;
  const size_t len_offset = node->lengths_offset() + VarintSize(key_len);
  const Link link = FindLink(node);
  const size_t old_usable = malloc_usable_size(node);
  void* p = std::realloc(node, new_size);
  if (p == nullptr) throw std::bad_alloc();
  CountFreed(old_usable);
  Counted(p);
  CheckAddress(reinterpret_cast<uintptr_t>(p));
  auto* moved = static_cast<KeyNode*>(p);
  EncodeVarint(moved->base() + len_offset, new_len);
  if (moved != node) SetLink(link, moved);
  node_bytes_ = node_bytes_ - old_size + new_size;
  return moved;
}

KeyNode* KeyTable::Rebuild(KeyNode* old, uint8_t type, bool with_expiry, size_t new_len,
                           const char* src, size_t copy_len) {
  size_t key_len, old_len;
  const char* key = old->DecodeLengths(&key_len, &old_len);
  const size_t old_size = static_cast<size_t>(key - old->base()) + key_len + old_len;
  const size_t new_size = NodeSize(with_expiry, key_len, new_len);
  char* p = AllocateNode(new_size);
  auto* node = reinterpret_cast<KeyNode*>(p);
  // The link and stamp words carry the next pointer, access clock and mtime over.
  StoreWord(p, old->word());
  node->set_stamp(old->stamp());
  const uint8_t flags = static_cast<uint8_t>((old->flags() & 0xe) | (with_expiry ? 1 : 0));
  node->set_tag(Tag(type, flags));
  char* q = p + kHeadSize;
  if (with_expiry) {
    if (old->has_expiry()) {
      std::memcpy(q, old->base() + kHeadSize, kExpirySize);
    } else {
      std::memset(q, 0, kExpirySize);
    }
    q += kExpirySize;
  }
  q = EncodeVarint(q, key_len);
  q = EncodeVarint(q, new_len);
  if (key_len != 0) std::memcpy(q, key, key_len);
  if (copy_len != 0) std::memcpy(q + key_len, src, copy_len);
  SetLink(FindLink(old), node);
  node_bytes_ = node_bytes_ - old_size + new_size;
  FreeCounted(old);
  return node;
}

}  // namespace shoal::ds
