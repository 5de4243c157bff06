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
}

Db::~Db() = default;

int64_t Db::now_ms() const { return shard_->now_ms(); }

Object* Db::ObjectOf(const KeyNode* node) {
  Object* obj;
  memcpy(&obj, node->value().data(), sizeof(obj));
  return obj;
}

bool Db::IsExpired(const KeyNode* node) const {
  return node->has_expiry() && node->expire_at() <= now_ms();
}

KeyNode* Db::Find(std::string_view key) {
  KeyNode* node = table_.Find(key);
  if (node == nullptr || !IsExpired(node)) return node;
  DeleteExpired(node);
  return nullptr;
}

void Db::DeleteExpired(KeyNode* node) {
  shard_->stats().expired_keys.Add();
  if (!(shard_->engine().config().GetNotifyFlags() & kNotifyExpired)) return Delete(node);
  std::string key(node->key());
  Delete(node);
  Notify(kNotifyExpired, "expired", key);
}

KeyNode* Db::FindRead(std::string_view key) {
  KeyNode* node = Find(key);
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
  bool had_ttl = node != nullptr && node->has_expiry();
  bool want_ttl = expire_at == kKeepTtl ? had_ttl : expire_at > 0;
  if (node == nullptr) {
    node = table_.Insert(key, static_cast<uint8_t>(ObjType::kString), value, want_ttl);
    Notify(kNotifyNew, "new", key);
  } else {
    if (TypeOf(node) != ObjType::kString) delete ObjectOf(node);
    node = table_.Reset(node, static_cast<uint8_t>(ObjType::kString), value, want_ttl);
  }
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
  NotifyWrite(key);
  return node;
}

KeyNode* Db::ResizeString(KeyNode* node, size_t len) { return table_.ResizeValue(node, len); }

KeyNode* Db::AddObject(std::string_view key, std::unique_ptr<Object> object, int64_t expire_at) {
  Object* raw = object.release();
  KeyNode* node = table_.Insert(key, static_cast<uint8_t>(raw->type()), PointerBytes(&raw),
                                expire_at > 0);
  if (expire_at > 0) {
    ++expires_;
    node->set_aux(0);
    node->set_expire_at(expire_at);
    Arm(node);
  }
  NotifyWrite(key);
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
  NotifyWrite(node->key());
  return node;
}

void Db::Forget(KeyNode* node) {
  if (node->has_expiry()) --expires_;
}

void Db::Delete(KeyNode* node) {
  Forget(node);
  NotifyWrite(node->key());
  table_.Erase(node);
}

bool Db::Delete(std::string_view key) {
  KeyNode* node = Find(key);
  if (node == nullptr) return false;
  Delete(node);
  return true;
}

size_t Db::Clear() {
  size_t n = table_.size();
  shard_->watches().TouchDb(index_,
                            [this](std::string_view key) { return table_.Find(key) != nullptr; });
  table_.Clear();
  expires_ = 0;
  shard_->stats().dirty.Add(n);
  return n;
}

KeyNode* Db::Detach(KeyNode* node) {
  Forget(node);
  NotifyWrite(node->key());
  table_.Detach(node);
  return node;
}

KeyNode* Db::Attach(KeyNode* node) {
  table_.Attach(node);
  if (node->has_expiry()) {
    ++expires_;
    node->set_aux(0);  // this shard's wheel has no entry for it yet
    Arm(node);
  }
  NotifyWrite(node->key());
  return node;
}

KeyNode* Db::MoveTo(KeyNode* node, Db& dst, std::string_view new_key) {
  const int64_t expire_at = ExpireAt(node);
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
  return moved;
}

void Db::NotifyWrite(std::string_view key) {
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

void Db::OnWheelEntry(std::string_view key, int64_t deadline) {
  KeyNode* node = table_.Find(key);
  if (node == nullptr || !node->has_expiry() || node->aux() != deadline) return;  // stale
  if (node->expire_at() <= now_ms()) return DeleteExpired(node);
  node->set_aux(0);
  Arm(node);
}

}  // namespace shoal::engine
