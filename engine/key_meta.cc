#include "engine/key_meta.h"

#include <algorithm>

#include "protocol/strings.h"

namespace shoal::engine {

std::string KeyMetaStore::IndexKey(std::string_view name, std::string_view value) {
  // Length-prefixed, so that no two (name, value) pairs share a key.
  return StrCat(name.size(), ":", name, value);
}

const KeyMeta* KeyMetaStore::Find(std::string_view key) const {
  auto it = meta_.find(AsAbsl(key));
  return it == meta_.end() ? nullptr : &it->second;
}

KeyMeta& KeyMetaStore::Get(std::string_view key) {
  return meta_[AsAbsl(key)];
}

void KeyMetaStore::Unindex(std::string_view key, const KeyMeta& meta) {
  for (const auto& [name, value] : meta.tags) Unindex(key, name, value);
  Unlock(key);
}

void KeyMetaStore::Index(std::string_view key, const KeyMeta& meta) {
  for (const auto& [name, value] : meta.tags) index_[IndexKey(name, value)].emplace(key);
  UpdateLocked(key, meta);
}

void KeyMetaStore::UpdateLocked(std::string_view key, const KeyMeta& meta) {
  if (meta.retain_until_ms == 0 && !meta.legal_hold) return Unlock(key);
  if (locked_.emplace(key).second && lock_counter_ != nullptr) lock_counter_->fetch_add(1);
}

void KeyMetaStore::Unlock(std::string_view key) {
  if (locked_.erase(AsAbsl(key)) > 0 && lock_counter_ != nullptr) lock_counter_->fetch_sub(1);
}

void KeyMetaStore::Erase(std::string_view key) {
  auto it = meta_.find(AsAbsl(key));
  if (it == meta_.end()) return;
  Unindex(key, it->second);
  meta_.erase(it);
}

KeyMeta KeyMetaStore::Take(std::string_view key) {
  auto it = meta_.find(AsAbsl(key));
  if (it == meta_.end()) return {};
  KeyMeta meta = std::move(it->second);
  Unindex(key, meta);
  meta_.erase(it);
  return meta;
}

void KeyMetaStore::Put(std::string_view key, KeyMeta meta) {
  Erase(key);
  if (meta.empty()) return;
  Index(key, meta);
  meta_[AsAbsl(key)] = std::move(meta);
}

void KeyMetaStore::Clear() {
  meta_.clear();
  index_.clear();
  if (lock_counter_ != nullptr) lock_counter_->fetch_sub(static_cast<int64_t>(locked_.size()));
  locked_.clear();
}

void KeyMetaStore::Unindex(std::string_view key, std::string_view name,
                           std::string_view value) {
  auto it = index_.find(IndexKey(name, value));
  if (it == index_.end()) return;
  it->second.erase(std::string(key));
  if (it->second.empty()) index_.erase(it);
}

bool KeyMetaStore::SetTag(std::string_view key, std::string_view name, std::string_view value) {
  auto& tags = Get(key).tags;
  auto it = std::find_if(tags.begin(), tags.end(), [&](const auto& t) { return t.first == name; });
  const bool added = it == tags.end();
  if (added) {
    tags.emplace_back(name, value);
  } else {
    Unindex(key, it->first, it->second);
    it->second = value;
  }
  index_[IndexKey(name, value)].emplace(key);
  return added;
}

bool KeyMetaStore::DeleteTag(std::string_view key, std::string_view name) {
  auto m = meta_.find(AsAbsl(key));
  if (m == meta_.end()) return false;
  auto& tags = m->second.tags;
  auto it = std::find_if(tags.begin(), tags.end(), [&](const auto& t) { return t.first == name; });
  if (it == tags.end()) return false;
  Unindex(key, it->first, it->second);
  tags.erase(it);
  return true;
}

void KeyMetaStore::DropTags(std::string_view key) {
  const KeyMeta* meta = Find(key);
  if (meta == nullptr) return;
  while (!meta->tags.empty()) DeleteTag(key, meta->tags.back().first);
}

const absl::btree_set<std::string>* KeyMetaStore::Tagged(std::string_view name,
                                                         std::string_view value) const {
  auto it = index_.find(IndexKey(name, value));
  return it == index_.end() ? nullptr : &it->second;
}

void KeyMetaStore::SetRetention(std::string_view key, int64_t until_ms) {
  KeyMeta& meta = Get(key);
  meta.retain_until_ms = until_ms;
  UpdateLocked(key, meta);
}

void KeyMetaStore::SetLegalHold(std::string_view key, bool on) {
  KeyMeta& meta = Get(key);
  meta.legal_hold = on;
  UpdateLocked(key, meta);
}

bool KeyMetaStore::AnyLocked(int64_t now_ms) const {
  for (const std::string& key : locked_) {
    const KeyMeta* meta = Find(key);
    if (meta != nullptr && meta->undeletable(now_ms)) return true;
  }
  return false;
}

bool KeyMetaStore::EraseIfEmpty(std::string_view key) {
  auto it = meta_.find(AsAbsl(key));
  if (it == meta_.end() || !it->second.empty()) return false;
  Unindex(key, it->second);
  meta_.erase(it);
  return true;
}

}  // namespace shoal::engine
