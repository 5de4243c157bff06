#include "engine/kv2_object.h"

#include <algorithm>

namespace shoal::engine {

size_t Kv2Object::MemoryUsage() const {
  auto fields_bytes = [](const Fields& fields) {
    size_t n = fields.capacity() * sizeof(Fields::value_type);
    for (const auto& [k, v] : fields) n += k.capacity() + v.capacity();
    return n;
  };
  size_t n = sizeof(*this) + fields_bytes(custom_);
  for (const auto& [number, version] : versions_) {
    n += sizeof(number) + sizeof(version) + 32 + fields_bytes(version.data);  // 32: tree node
  }
  return n;
}

const Kv2Object::Version* Kv2Object::Find(uint64_t n) const {
  auto it = versions_.find(n == 0 ? current_ : n);
  return it == versions_.end() ? nullptr : &it->second;
}

Kv2Object::Version* Kv2Object::Find(uint64_t n) {
  return const_cast<Version*>(static_cast<const Kv2Object*>(this)->Find(n));
}

uint64_t Kv2Object::Put(Fields data, int64_t now_ms) {
  ++current_;
  versions_[current_] = Version{.created_ms = now_ms, .data = std::move(data)};
  updated_ms_ = now_ms;
  if (current_ - oldest_ >= max_versions_) {
    const uint64_t last_dropped = current_ - max_versions_;
    versions_.erase(versions_.begin(), versions_.upper_bound(last_dropped));
    oldest_ = last_dropped + 1;
  }
  return current_;
}

template <typename Applies, typename Change>
int64_t Kv2Object::ChangeEach(const std::vector<uint64_t>& versions, int64_t now_ms,
                              Applies applies, Change change) {
  int64_t changed = 0;
  for (uint64_t n : versions) {
    Version* v = Find(n);
    if (v == nullptr || !applies(*v)) continue;
    change(*v);
    ++changed;
  }
  if (changed > 0) updated_ms_ = now_ms;
  return changed;
}

int64_t Kv2Object::Delete(const std::vector<uint64_t>& versions, int64_t now_ms) {
  return ChangeEach(versions, now_ms, [](const Version& v) { return v.live(); },
                    [&](Version& v) { v.deletion_ms = now_ms; });
}

int64_t Kv2Object::Undelete(const std::vector<uint64_t>& versions, int64_t now_ms) {
  return ChangeEach(versions, now_ms,
                    [](const Version& v) { return !v.destroyed && v.deletion_ms != 0; },
                    [](Version& v) { v.deletion_ms = 0; });
}

int64_t Kv2Object::Destroy(const std::vector<uint64_t>& versions, int64_t now_ms) {
  return ChangeEach(versions, now_ms, [](const Version& v) { return !v.destroyed; },
                    [](Version& v) {
                      v.destroyed = true;
                      Fields().swap(v.data);
                    });
}

Kv2Object::Fields Kv2Object::Normalize(Fields fields) {
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Fields out;
  out.reserve(fields.size());
  for (auto& f : fields) {
    if (!out.empty() && out.back().first == f.first) {
      out.back().second = std::move(f.second);
    } else {
      out.push_back(std::move(f));
    }
  }
  return out;
}

Kv2Object::Fields Kv2Object::Merge(const Fields& base, const Fields& patch) {
  Fields all = base;
  all.insert(all.end(), patch.begin(), patch.end());
  return Normalize(std::move(all));
}

}  // namespace shoal::engine
