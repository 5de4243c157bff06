#include "engine/set_object.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "engine/args.h"
#include "engine/scan_args.h"
#include "protocol/strings.h"
#include "xxhash.h"

namespace shoal::engine {
namespace {

// Heap bytes of a std::string beyond the object itself (libstdc++ keeps up to 15 inline).
size_t HeapBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

// Redis's intsetMaxEntries: set-max-intset-entries, capped at 2^30.
size_t IntSetMax(const SetLimits& limits) {
  return std::min<size_t>(limits.max_intset_entries, size_t{1} << 30);
}

}  // namespace

size_t SetObject::MemberHash::operator()(std::string_view m) const {
  return static_cast<size_t>(XXH3_64bits(m.data(), m.size()));
}

std::string_view SetObject::FormatInt(int64_t v, char* buf) {
  auto r = std::to_chars(buf, buf + 24, v);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

std::unique_ptr<SetObject> SetObject::Create(std::string_view first, size_t size_hint,
                                             const Limits& limits) {
  auto set = std::make_unique<SetObject>();
  int64_t v;
  if (ParseInt64(first, &v) && size_hint <= IntSetMax(limits)) return set;
  if (size_hint <= limits.max_listpack_entries) {
    set->enc_ = Encoding::kListpack;
    set->list_.reserve(size_hint);
  } else {
    set->enc_ = Encoding::kHashtable;
    set->members_.reserve(size_hint);
    set->index_.reserve(size_hint);
  }
  return set;
}

std::unique_ptr<SetObject> SetObject::EmptyListpack() {
  auto set = std::make_unique<SetObject>();
  set->enc_ = Encoding::kListpack;
  return set;
}

std::string_view SetObject::encoding() const {
  switch (enc_) {
    case Encoding::kIntSet:
      return "intset";
    case Encoding::kListpack:
      return "listpack";
    case Encoding::kHashtable:
      break;
  }
  return "hashtable";
}

size_t SetObject::MemoryUsage() const {
  size_t bytes = sizeof(*this) + ints_.capacity_bytes();
  bytes += list_.capacity() * sizeof(std::string);
  for (const std::string& m : list_) bytes += HeapBytes(m);
  // flat_hash_set: one slot plus one control byte per bucket.
  // The index: one 4-byte slot plus one control byte per bucket.
  bytes += members_.capacity() * sizeof(ds::InlineString) +
           index_.capacity() * (sizeof(uint32_t) + 1);
  for (const ds::InlineString& m : members_) bytes += m.HeapBytes();
  return bytes;
}

std::unique_ptr<Object> SetObject::Clone() const {
  auto copy = std::make_unique<SetObject>();
  copy->enc_ = enc_;
  copy->ints_ = ints_;
  copy->list_ = list_;
  copy->members_ = members_;
  // The copy's index must hash through the copy's own vector.
  copy->index_.reserve(members_.size());
  for (uint32_t i = 0; i < members_.size(); ++i) copy->index_.insert(i);
  return copy;
}

size_t SetObject::size() const {
  switch (enc_) {
    case Encoding::kIntSet:
      return ints_.size();
    case Encoding::kListpack:
      return list_.size();
    case Encoding::kHashtable:
      break;
  }
  return members_.size();
}

bool SetObject::Contains(std::string_view member) const {
  switch (enc_) {
    case Encoding::kIntSet: {
      int64_t v;
      return ParseInt64(member, &v) && ints_.Contains(v);
    }
    case Encoding::kListpack:
      return std::find(list_.begin(), list_.end(), member) != list_.end();
    case Encoding::kHashtable:
      break;
  }
  return index_.find(member) != index_.end();
}

void SetObject::PrepareFor(size_t size_hint, const Limits& limits) {
  if ((enc_ == Encoding::kListpack && size_hint > limits.max_listpack_entries) ||
      (enc_ == Encoding::kIntSet && size_hint > IntSetMax(limits))) {
    ConvertToTable();
  }
}

bool SetObject::Add(std::string_view member, const Limits& limits) {
  if (enc_ == Encoding::kIntSet) {
    int64_t v;
    if (ParseInt64(member, &v)) {
      if (!ints_.Insert(v)) return false;
      if (ints_.size() > IntSetMax(limits)) ConvertToTable();
      return true;
    }
    // Redis's setTypeAddAux: a listpack when every member, the widest integer included,
    // fits its limits; else a hashtable.
    size_t widest = 0;
    if (!ints_.empty()) {
      char buf[24];
      widest = std::max(FormatInt(ints_.At(0), buf).size(),
                        FormatInt(ints_.At(ints_.size() - 1), buf).size());
    }
    if (ints_.size() < limits.max_listpack_entries && member.size() <= limits.max_listpack_value &&
        widest <= limits.max_listpack_value) {
      IntSetToListpack();
      list_.emplace_back(member);
    } else {
      ConvertToTable();
      TableInsert(member);
    }
    return true;
  }
  if (enc_ == Encoding::kListpack) {
    if (std::find(list_.begin(), list_.end(), member) != list_.end()) return false;
    if (list_.size() < limits.max_listpack_entries && member.size() <= limits.max_listpack_value) {
      list_.emplace_back(member);
      return true;
    }
    ConvertToTable();
  }
  if (index_.find(member) != index_.end()) return false;
  TableInsert(member);
  return true;
}

void SetObject::TableInsert(std::string_view member) {
  members_.emplace_back(member);
  index_.insert(static_cast<uint32_t>(members_.size() - 1));
}

bool SetObject::Remove(std::string_view member) {
  switch (enc_) {
    case Encoding::kIntSet: {
      int64_t v;
      return ParseInt64(member, &v) && ints_.Erase(v);
    }
    case Encoding::kListpack: {
      auto it = std::find(list_.begin(), list_.end(), member);
      if (it == list_.end()) return false;
      list_.erase(it);
      return true;
    }
    case Encoding::kHashtable:
      break;
  }
  auto it = index_.find(member);
  if (it == index_.end()) return false;
  const uint32_t pos = *it;
  const uint32_t last = static_cast<uint32_t>(members_.size() - 1);
  index_.erase(it);
  if (pos != last) {
    // The last member fills the hole: its slot is re-made for its new position.
    index_.erase(last);
    members_[pos] = std::move(members_[last]);
    index_.insert(pos);
  }
  members_.pop_back();
  return true;
}

void SetObject::MaybeConvertToIntSet(const Limits& limits) {
  if (enc_ == Encoding::kIntSet || size() > IntSetMax(limits)) return;
  ds::IntSet ints;
  ints.Reserve(size());
  bool all_integers = true;
  ForEach([&](std::string_view m) {
    int64_t v;
    if (!all_integers || !ParseInt64(m, &v)) {
      all_integers = false;
      return;
    }
    ints.Insert(v);
  });
  if (!all_integers) return;
  ints_ = std::move(ints);
  list_.clear();
  list_.shrink_to_fit();
  index_.clear();
  members_.clear();
  members_.shrink_to_fit();
  enc_ = Encoding::kIntSet;
}

void SetObject::RebuildHashtableAsListpack(const Limits& limits) {
  if (enc_ != Encoding::kHashtable) return;
  std::vector<ds::InlineString> members = std::move(members_);
  members_.clear();
  index_.clear();
  enc_ = Encoding::kListpack;
  for (const ds::InlineString& m : members) {
    if (enc_ == Encoding::kHashtable) {
      TableInsert(m);  // distinct already
    } else {
      Add(m, limits);
    }
  }
}

std::string SetObject::MemberAt(size_t i) const {
  switch (enc_) {
    case Encoding::kIntSet: {
      char buf[24];
      return std::string(FormatInt(ints_.At(i), buf));
    }
    case Encoding::kListpack:
      return list_[i];
    case Encoding::kHashtable:
      break;
  }
  return std::string(members_[i].view());
}

std::vector<std::string_view> SetObject::Views(std::vector<std::string>* storage) const {
  std::vector<std::string_view> out;
  out.reserve(size());
  if (enc_ == Encoding::kIntSet) {
    // Reserved up front, so the strings never move while views into them exist.
    storage->reserve(storage->size() + ints_.size());
    ForEach([&](std::string_view m) {
      storage->emplace_back(m);
      out.push_back(storage->back());
    });
    return out;
  }
  ForEach([&](std::string_view m) { out.push_back(m); });
  return out;
}

uint64_t SetObject::Scan(uint64_t cursor, size_t count, std::vector<std::string>* out) const {
  if (enc_ != Encoding::kHashtable) {
    ForEach([&](std::string_view m) { out->emplace_back(m); });
    return 0;
  }
  // ScanByKeyHash walks (key, value) pairs; a set's members are keys without values.
  std::vector<std::pair<std::string_view, bool>> pairs;
  pairs.reserve(members_.size());
  for (const ds::InlineString& m : members_) pairs.emplace_back(m.view(), true);
  return ScanByKeyHash(pairs, cursor, count, out,
                       [](std::string_view m, bool) { return std::string(m); });
}

void SetObject::IntSetToListpack() {
  list_.reserve(ints_.size() + 1);
  ForEach([&](std::string_view m) { list_.emplace_back(m); });
  ints_ = ds::IntSet();
  enc_ = Encoding::kListpack;
}

void SetObject::ConvertToTable() {
  if (enc_ == Encoding::kHashtable) return;
  members_.reserve(size() + 1);
  index_.reserve(size() + 1);
  if (enc_ == Encoding::kIntSet) {
    ForEach([&](std::string_view m) { TableInsert(m); });
    ints_ = ds::IntSet();
  } else {
    for (const std::string& m : list_) TableInsert(m);
    list_.clear();
    list_.shrink_to_fit();
  }
  enc_ = Encoding::kHashtable;
}

}  // namespace shoal::engine
