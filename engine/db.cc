#include "engine/db.h"

#include "engine/engine.h"
#include "engine/notify.h"
#include "engine/shard.h"

namespace shoal::engine {
namespace {

void DisposeNode(KeyNode* node) {
  if (static_cast<ObjType>(node->type()) != ObjType::kString) delete Db::ObjectOf(node);
}

std::string_view PointerBytes(const Object* const* p) {
  return std::string_view(reinterpret_cast<const char*>(p), sizeof(Object*));
}

}  // namespace

Db::Db(Shard* shard, int index) : shard_(shard), index_(index) {
  table_.set_disposer(&DisposeNode);
  meta_.set_lock_counter(&shard->engine().locked_keys);
}

Db::~Db() = default;

int64_t Db::now_ms() const { return shard_->now_ms(); }

Object* Db::ObjectOf(const KeyNode* node) {
  Object* obj;
  memcpy(&obj, node->value().data(), sizeof(obj));
  return obj;
}

bool Db::IsExpired(const KeyNode* node) const {
  return node->has_expiry() && node->expire_at() <= now_ms() && !Undeletable(node);
}

KeyMeta& Db::EditMeta(KeyNode* node) {
  node->set_user_flags((node->flags() & 0xE) | KeyMetaStore::kHasMeta);
  return meta_.Get(node->key());
}

void Db::SetMeta(KeyNode* node, KeyMeta meta) {
  EditMeta(node);
  meta_.Put(node->key(), std::move(meta));
  TrimMeta(node);
}

void Db::TrimMeta(KeyNode* node) {
  if (meta_.EraseIfEmpty(node->key())) {
    node->set_user_flags(node->flags() & 0xE & ~KeyMetaStore::kHasMeta);
  }
}

bool Db::Undeletable(const KeyNode* node) const {
  const KeyMeta* meta = MetaOf(node);
  return meta != nullptr && meta->undeletable(now_ms());
}

bool Db::Retained(const KeyNode* node) const {
  const KeyMeta* meta = MetaOf(node);
  return meta != nullptr && meta->retained(now_ms());
}

KeyNode* Db::Peek(std::string_view key) {
  KeyNode* node = table_.Find(key);
  if (node == nullptr) return nullptr;
  BeforeChange(node);
  if (!IsExpired(node)) return node;
  DeleteExpired(node);
  return nullptr;
}

KeyNode* Db::Find(std::string_view key) {
  KeyNode* node = Peek(key);
  if (node == nullptr) return nullptr;
  const Config& config = shard_->engine().config();
  if (!config.LfuPolicy()) {
    node->set_access(LruAccessClock(now_ms()));
  } else {
    node->set_access(TouchedAccessClock(node->access(), config.GetEviction(), now_ms(),
                                        shard_->evictor().Random01()));
  }
  return node;
}

void Db::Stamp(KeyNode* node, bool created) {
  const int64_t now = now_ms();
  node->set_mtime(now);
  if (created) node->set_access(NewAccessClock(shard_->engine().config().GetEviction(), now));
}

void Db::DeleteJournaled(KeyNode* node, uint32_t notify_type, std::string_view event) {
  const uint64_t writes = thread_writes_;
  if (Journal* journal = shard_->engine().journal()) {
    std::string_view args[] = {"DEL", node->key()};
    journal->Append(index_, ArgList(args, 2), now_ms());
  }
  if (!(shard_->engine().config().GetNotifyFlags() & notify_type)) {
    Delete(node);
  } else {
    std::string key(node->key());
    Delete(node);
    Notify(notify_type, event, key);
  }
  thread_writes_ = writes;  // not the running command's write
}

void Db::DeleteExpired(KeyNode* node) {
  shard_->stats().expired_keys.Add();
  DeleteJournaled(node, kNotifyExpired, "expired");
}

void Db::Evict(KeyNode* node) {
  shard_->stats().evicted_keys.Add();
  DeleteJournaled(node, kNotifyEvicted, "evicted");
}

KeyNode* Db::FindRead(std::string_view key, Access access) {
  KeyNode* node = access == Access::kTouch ? Find(key) : Peek(key);
  (node ? shard_->stats().keyspace_hits : shard_->stats().keyspace_misses).Add();
  if (node == nullptr) Notify(kNotifyKeyMiss, "keymiss", key);
  return node;
}

void Db::Notify(uint32_t type, std::string_view event, std::string_view key) {
  Engine& engine = shard_->engine();
  if (engine.config().GetNotifyFlags() & type) NotifyKeyspaceEvent(engine, type, event, key, index_);
}

KeyNode* Db::FindOfType(std::string_view key, ObjType type, bool* wrong_type) {
  KeyNode* node = Find(key);
  *wrong_type = node != nullptr && TypeOf(node) != type;
  return *wrong_type ? nullptr : node;
}

size_t Db::MemoryUsage() const {
  size_t bytes = table_.MemoryUsage();
  table_.ForEach([&](KeyNode* node) {
    if (TypeOf(node) != ObjType::kString) bytes += ObjectOf(node)->MemoryUsage();
  });
  return bytes;
}

KeyNode* Db::SetString(std::string_view key, KeyNode* node, std::string_view value,
                       int64_t expire_at) {
  if (node != nullptr && MetaOf(node) != nullptr) {
    meta_.DropTags(key);
    TrimMeta(node);
  }
  bool had_ttl = node != nullptr && node->has_expiry();
  bool want_ttl = expire_at == kKeepTtl ? had_ttl : expire_at > 0;
  const bool created = node == nullptr;
  if (created) {
    BeforeCreate(key);
    node = table_.Insert(key, static_cast<uint8_t>(ObjType::kString), value, want_ttl);
    Notify(kNotifyNew, "new", key);
  } else {
    if (TypeOf(node) != ObjType::kString) delete ObjectOf(node);
    node = table_.Reset(node, static_cast<uint8_t>(ObjType::kString), value, want_ttl);
  }
  Stamp(node, created);
  if (want_ttl && !had_ttl) {
    ++expires_;
    node->set_aux(0);
  } else if (!want_ttl && had_ttl) {
    --expires_;
  }
  if (want_ttl && expire_at != kKeepTtl) {
    node->set_expire_at(expire_at);
    Arm(node);
  }
  Changed(key);
  return node;
}

KeyNode* Db::UpdateString(std::string_view key, KeyNode* node, std::string_view value) {
  if (node == nullptr) return SetString(key, nullptr, value, 0);
  node = table_.Reset(node, static_cast<uint8_t>(ObjType::kString), value, node->has_expiry());
  Stamp(node, false);
  Changed(key);
  return node;
}

KeyNode* Db::ResizeString(KeyNode* node, size_t len) { return table_.ResizeValue(node, len); }

KeyNode* Db::AddObject(std::string_view key, std::unique_ptr<Object> object, int64_t expire_at) {
  BeforeCreate(key);
  Object* raw = object.release();
  KeyNode* node = table_.Insert(key, static_cast<uint8_t>(raw->type()), PointerBytes(&raw),
                                expire_at > 0);
  Stamp(node, true);
  if (expire_at > 0) {
    ++expires_;
    node->set_aux(0);
    node->set_expire_at(expire_at);
    Arm(node);
  }
  Changed(key);
  Notify(kNotifyNew, "new", key);
  return node;
}

KeyNode* Db::SetExpire(KeyNode* node, int64_t expire_at) {
  if (expire_at <= 0) {
    if (node->has_expiry()) {
      node = table_.SetHasExpiry(node, false);
      --expires_;
    }
  } else {
    if (!node->has_expiry()) {
      node = table_.SetHasExpiry(node, true);
      node->set_aux(0);
      ++expires_;
    }
    node->set_expire_at(expire_at);
    Arm(node);
  }
  Stamp(node, false);
  Changed(node->key());
  return node;
}

void Db::Forget(KeyNode* node) {
  if (node->has_expiry()) --expires_;
  if (node->flags() & KeyMetaStore::kHasMeta) meta_.Erase(node->key());
}

void Db::Delete(KeyNode* node) {
  BeforeChange(node);
  Forget(node);
  Changed(node->key());
  table_.Erase(node);
}

bool Db::Delete(std::string_view key) {
  KeyNode* node = Find(key);
  if (node == nullptr) return false;
  Delete(node);
  return true;
}

size_t Db::Clear() {
  if (snapshot_ != nullptr) SnapshotStep(SIZE_MAX);  // hand every key over before it goes
  size_t n = table_.size();
  shard_->watches().TouchDb(index_,
                            [this](std::string_view key) { return table_.Find(key) != nullptr; });
  table_.Clear();
  meta_.Clear();
  expires_ = 0;
  shard_->PurgeStaleExpiries();
  shard_->stats().dirty.Add(n);
  ++thread_writes_;  // FLUSHDB / FLUSHALL are journaled even when there was nothing
  return n;
}

KeyNode* Db::Detach(KeyNode* node, KeyMeta* meta) {
  BeforeChange(node);
  *meta = meta_.Take(node->key());
  Forget(node);
  Changed(node->key());
  table_.Detach(node);
  return node;
}

KeyNode* Db::Attach(KeyNode* node, KeyMeta meta) {
  BeforeCreate(node->key());
  table_.Attach(node);
  node->set_user_flags(node->flags() & 0xE & ~KeyMetaStore::kHasMeta);
  if (!meta.empty()) SetMeta(node, std::move(meta));
  if (node->has_expiry()) {
    ++expires_;
    node->set_aux(0);  // this shard's wheel has no entry for it yet
    Arm(node);
  }
  Changed(node->key());  // the key keeps its access clock and last-write time
  return node;
}

KeyNode* Db::MoveTo(KeyNode* node, Db& dst, std::string_view new_key) {
  BeforeChange(node);  // the node is emptied before Delete below sees it
  const int64_t expire_at = ExpireAt(node);
  KeyMeta meta = meta_.Take(node->key());
  KeyNode* moved;
  if (TypeOf(node) == ObjType::kString) {
    // Inserting never moves other nodes, so the source bytes stay valid while copied.
    moved = dst.SetString(new_key, nullptr, StringOf(node), expire_at);
  } else {
    std::unique_ptr<Object> object(ObjectOf(node));
    // The node gives its object up: as an empty string it leaves the disposer nothing to
    // free. Keeping the expiry words keeps expires_ right for the Delete below.
    node = table_.Reset(node, static_cast<uint8_t>(ObjType::kString), {}, node->has_expiry());
    moved = dst.AddObject(new_key, std::move(object), expire_at);
  }
  Delete(node);
  if (!meta.empty()) dst.SetMeta(moved, std::move(meta));
  return moved;
}

void Db::NotifyWrite(std::string_view key) {
  if (KeyNode* node = table_.Find(key)) node->set_mtime(now_ms());
  Changed(key);
}

void Db::Changed(std::string_view key) {
  ++thread_writes_;
  shard_->stats().dirty.Add();
  shard_->blocking().OnWrite(index_, key);
  shard_->watches().Touch(index_, key);
  shard_->engine().tracking().OnWrite(shard_->tracking(), key);
}

void Db::Arm(KeyNode* node) {
  int64_t armed = node->aux();
  int64_t at = node->expire_at();
  if (armed != 0 && armed <= at) return;  // the armed entry fires first and re-arms
  node->set_aux(at);
  shard_->wheel().Add(at, WheelEntry{this, std::string(node->key())});
}

namespace {
// Whether the wheel entry armed at `deadline` still speaks for the node (see db.h).
bool Armed(const KeyNode* node, int64_t deadline) {
  return node != nullptr && node->has_expiry() && node->aux() == deadline;
}
}  // namespace

bool Db::StaleWheelEntry(std::string_view key, int64_t deadline) const {
  return !Armed(table_.Find(key), deadline);
}

void Db::OnWheelEntry(std::string_view key, int64_t deadline) {
  KeyNode* node = table_.Find(key);
  if (!Armed(node, deadline)) return;  // stale
  if (node->expire_at() <= now_ms()) {
    if (const KeyMeta* meta = MetaOf(node); meta != nullptr && meta->undeletable(now_ms())) {
      // Retained or held: it expires when the retention ends (a hold's release re-arms).
      node->set_aux(0);
      if (meta->retained(now_ms())) {
        node->set_aux(meta->retain_until_ms);
        shard_->wheel().Add(meta->retain_until_ms, WheelEntry{this, std::string(key)});
      }
      return;
    }
    DeleteExpired(node);
    return;
  }
  node->set_aux(0);
  Arm(node);
}

}  // namespace shoal::engine

namespace shoal::engine {

void Db::BeginSnapshot(int64_t start_ms) {
  snapshot_ = std::make_unique<DbSnapshot>();
  snapshot_->db = index_;
  snapshot_->start_ms = start_ms;
}

void Db::SnapshotEmit(const KeyNode* node) {
  if (node->has_expiry() && node->expire_at() <= snapshot_->start_ms) return;
  shard_->snapshot_sink()->Key(snapshot_->db, node, MetaOf(node));
}

bool Db::SnapshotStep(size_t budget) {
  DbSnapshot& s = *snapshot_;
  if (s.done) return true;
  const uint64_t from = s.cursor;
  const uint64_t next = table_.Scan(from, budget, [&](KeyNode* node) {
    // A bucket the table merged after a shrink can hold keys below the cursor: saved.
    if (ds::KeyTable::ScanPosition(node->key()) < from) return;
    if (!s.handled.empty() && s.handled.contains(node->key())) return;
    SnapshotEmit(node);
  });
  if (next == 0) {
    s.done = true;
    s.cursor = ds::KeyTable::kScanEnd;
    s.handled = {};
  } else {
    s.cursor = next;
  }
  return s.done;
}

void Db::SnapshotEarly(KeyNode* node) {
  DbSnapshot& s = *snapshot_;
  if (s.done || ds::KeyTable::ScanPosition(node->key()) < s.cursor) return;
  if (s.handled.contains(node->key())) return;
  s.handled.emplace(node->key());
  SnapshotEmit(node);
}

void Db::SnapshotCreated(std::string_view key) {
  DbSnapshot& s = *snapshot_;
  if (s.done || ds::KeyTable::ScanPosition(key) < s.cursor || s.handled.contains(key)) return;
  s.handled.emplace(key);
}

}  // namespace shoal::engine
