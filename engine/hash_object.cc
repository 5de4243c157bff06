#include "engine/hash_object.h"

#include <algorithm>

#include "engine/scan_args.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

// Heap bytes of a std::string beyond the object itself (libstdc++ keeps up to 15 inline).
size_t HeapBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

}  // namespace

size_t HashObject::MemoryUsage() const {
  size_t bytes = sizeof(*this);
  if (listpack_) {
    bytes += pairs_.capacity() * sizeof(pairs_[0]);
    for (const auto& [f, v] : pairs_) bytes += HeapBytes(f) + HeapBytes(v);
  } else {
    // flat_hash_map: one slot plus one control byte per bucket.
    bytes += table_.capacity() * (sizeof(std::pair<ds::InlineString, std::string>) + 1);
    for (const auto& [f, v] : table_) bytes += f.HeapBytes() + HeapBytes(v);
  }
  return bytes;
}

std::unique_ptr<Object> HashObject::Clone() const { return std::make_unique<HashObject>(*this); }

const std::string* HashObject::Find(std::string_view field) const {
  if (listpack_) {
    for (const auto& [f, v] : pairs_) {
      if (f == field) return &v;
    }
    return nullptr;
  }
  auto it = table_.find(field);
  return it == table_.end() ? nullptr : &it->second;
}

void HashObject::PrepareFor(ArgList pairs, const Limits& limits) {
  if (!listpack_) return;
  if (pairs.size() / 2 > limits.max_listpack_entries) return ConvertToTable();
  for (std::string_view arg : pairs) {
    if (arg.size() > limits.max_listpack_value) return ConvertToTable();
  }
}

bool HashObject::Set(std::string_view field, std::string_view value, const Limits& limits) {
  if (listpack_ &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    ConvertToTable();
  }
  if (listpack_) {
    for (auto& [f, v] : pairs_) {
      if (f == field) {
        v.assign(value);
        return false;
      }
    }
    pairs_.emplace_back(std::string(field), std::string(value));
    if (pairs_.size() > limits.max_listpack_entries) ConvertToTable();
    return true;
  }
  auto [it, added] = table_.try_emplace(field);
  it->second.assign(value);
  return added;
}

bool HashObject::Erase(std::string_view field) {
  if (!listpack_) return table_.erase(field) > 0;
  auto it =
      std::find_if(pairs_.begin(), pairs_.end(), [&](const auto& p) { return p.first == field; });
  if (it == pairs_.end()) return false;
  pairs_.erase(it);
  return true;
}

uint64_t HashObject::Scan(uint64_t cursor, size_t count, std::vector<Entry>* out) const {
  if (listpack_) {
    for (const auto& [f, v] : pairs_) out->emplace_back(f, v);
    return 0;
  }
  return ScanByKeyHash(table_, cursor, count, out, [](const auto& f, const auto& v) {
    return Entry(f, v);
  });
}

void HashObject::ConvertToTable() {
  table_.reserve(pairs_.size());
  for (auto& [f, v] : pairs_) table_.try_emplace(std::string_view(f), std::move(v));
  pairs_.clear();
  pairs_.shrink_to_fit();
  listpack_ = false;
}

}  // namespace shoal::engine
