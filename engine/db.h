// Db: one database (of 16 by default) on one shard: the keys this shard owns in it.
//
// Keys live in a ds::KeyTable; a key with a TTL carries its absolute expiry time (unix
// ms) in its node. Expiry is lazy (every lookup through Find drops an expired key) and
// active: the shard's timing wheel holds one entry per key with a TTL and deletes the key
// when it falls due, so expired keys are freed promptly instead of being found by sampling.
//
// Wheel bookkeeping: the node's aux word records the deadline of the wheel entry that
// speaks for the key ("armed"). Extending a TTL keeps the armed entry; when it fires early
// it re-arms at the key's current expiry. Shortening a TTL arms a new, earlier entry. An
// entry whose deadline differs from the node's aux is stale and does nothing, so a TTL
// that was reset never acts on the new value, and a key keeps about one entry.
//
// Every write goes through a method here, so that writes are seen in one place (WATCH,
// blocked clients and keyspace notifications hook into NotifyWrite). Every lookup goes
// through Find, which is where a running snapshot (engine/snapshot.h) saves a key before
// anyone can change it.
//
// Thread: a Db belongs to its shard's thread; another thread may use it only while the
// shard is parked for that thread's transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/ds/key_table.h"
#include "engine/key_meta.h"
#include "engine/object.h"
#include "engine/snapshot.h"

namespace shoal::engine {

class Shard;
using ds::KeyNode;

// Passed as expire_at: keep whatever TTL the key has.
inline constexpr int64_t kKeepTtl = -1;

class Db {
 public:
  Db(Shard* shard, int index);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  int index() const { return index_; }
  void set_index(int index) { index_ = index; }
  Shard& shard() { return *shard_; }
  int64_t now_ms() const;

  // --- Reads --------------------------------------------------------------------------
  // The live node of `key`, or null. Drops the key if it has expired. Counts as an access
  // of the key: its access clock (eviction.h) moves.
  KeyNode* Find(std::string_view key);
  // Find without the access: what OBJECT and eviction look at.
  KeyNode* Peek(std::string_view key);
  // Redis's lookupKeyRead: Find, counted in INFO keyspace_hits / keyspace_misses. With
  // kNoTouch, as Peek (Redis's LOOKUP_NOTOUCH: EXISTS, TYPE, TTL).
  enum class Access { kTouch, kNoTouch };
  KeyNode* FindRead(std::string_view key, Access access = Access::kTouch);
  // Like Find, but null with *wrong_type = true when the key holds another type.
  KeyNode* FindOfType(std::string_view key, ObjType type, bool* wrong_type);
  bool IsExpired(const KeyNode* node) const;

  static ObjType TypeOf(const KeyNode* node) { return static_cast<ObjType>(node->type()); }
  static std::string_view StringOf(const KeyNode* node) { return node->value(); }
  static Object* ObjectOf(const KeyNode* node);
  // Absolute expiry in unix ms, or 0 when the key has no TTL.
  static int64_t ExpireAt(const KeyNode* node) {
    return node->has_expiry() ? node->expire_at() : 0;
  }

  size_t size() const { return table_.size(); }
  size_t expires_count() const { return expires_; }
  ds::KeyTable& table() { return table_; }
  const ds::KeyTable& table() const { return table_; }
  // Bytes held by keys and values in this database.
  size_t MemoryUsage() const;

  // --- Writes -------------------------------------------------------------------------
  // Stores a string under `key`. `node` is the key's current live node or null. expire_at
  // is an absolute time, 0 for no TTL, or kKeepTtl. Returns the key's node.
  // A whole new value: the key loses its tags (key_meta.h).
  KeyNode* SetString(std::string_view key, KeyNode* node, std::string_view value,
                     int64_t expire_at);
  // Changes a string key's value in place (INCR, INCRBYFLOAT): TTL and tags are kept.
  // A null node creates the key.
  KeyNode* UpdateString(std::string_view key, KeyNode* node, std::string_view value);
  // Changes a string's length in place, keeping its leading bytes; the caller then writes
  // through node->mutable_value() and calls NotifyWrite. Returns the (maybe moved) node.
  KeyNode* ResizeString(KeyNode* node, size_t len);
  // Stores an object under a key that is absent.
  KeyNode* AddObject(std::string_view key, std::unique_ptr<Object> object, int64_t expire_at = 0);
  // Sets (expire_at > 0) or removes (0) the key's TTL. Returns the (maybe moved) node.
  KeyNode* SetExpire(KeyNode* node, int64_t expire_at);
  void Delete(KeyNode* node);
  bool Delete(std::string_view key);  // false when absent
  // Removes every key (FLUSHDB). Returns how many were removed.
  size_t Clear();
  // Takes a live node out of this database, to Attach it to another (MOVE), with its
  // metadata in *meta.
  KeyNode* Detach(KeyNode* node, KeyMeta* meta);
  // Adds a detached node and its metadata; its key must be absent here.
  KeyNode* Attach(KeyNode* node, KeyMeta meta);
  // Gives a live node's value and TTL to the absent key `new_key` of `dst` (this database
  // or another, on this shard or on one parked for the caller) and deletes the node
  // (RENAME). An object changes hands without a copy; a string's bytes are copied into the
  // new node, since they live inside the old one. Returns the new node.
  KeyNode* MoveTo(KeyNode* node, Db& dst, std::string_view new_key);
  // Call after changing a value in place; the write methods above call it themselves.
  // Stamps the key's last-write time (OBJECT MTIME).
  void NotifyWrite(std::string_view key);
  // Deletes a key for maxmemory (eviction.h): journaled as DEL, counted in evicted_keys,
  // notified as "evicted".
  void Evict(KeyNode* node);

  // --- Tags, retention, holds (key_meta.h) -------------------------------------------
  KeyMetaStore& meta() { return meta_; }
  // The node's metadata, or null.
  const KeyMeta* MetaOf(const KeyNode* node) const {
    return (node->flags() & KeyMetaStore::kHasMeta) ? meta_.Find(node->key()) : nullptr;
  }
  // The key's metadata entry, created when missing (the node gets the flag).
  KeyMeta& EditMeta(KeyNode* node);
  // Gives the node this metadata (replacing any), or none when it is empty.
  void SetMeta(KeyNode* node, KeyMeta meta);
  // Drops the node's metadata entry when it became empty.
  void TrimMeta(KeyNode* node);
  // Retained or held now: no delete, no expiry.
  bool Undeletable(const KeyNode* node) const;
  // Retained now: no write at all.
  bool Retained(const KeyNode* node) const;
  // What locks an undeletable node, for errors::Locked: "retained" or "held".
  std::string_view LockName(const KeyNode* node) const {
    return Retained(node) ? "retained" : "held";
  }
  // Keyspace notification (notify.h) on a key of this database; free while notifications
  // are off. Expiry calls it with "expired"; the eviction code calls it with
  // (kNotifyEvicted, "evicted", key) after evicting a key.
  void Notify(uint32_t type, std::string_view event, std::string_view key);

  // The timing wheel's callback: the entry armed at `deadline` for `key` is due.
  void OnWheelEntry(std::string_view key, int64_t deadline);
  // True when that entry no longer speaks for the key (it would do nothing when it fires).
  bool StaleWheelEntry(std::string_view key, int64_t deadline) const;

  // --- Snapshots (engine/snapshot.h) ------------------------------------------------
  // Starts this database's part of a snapshot; Shard::BeginSnapshot calls it.
  void BeginSnapshot(int64_t start_ms);
  // Scans at least `budget` more keys (unless the end comes first); true when the whole
  // database has been handed over.
  bool SnapshotStep(size_t budget);
  void EndSnapshot() { snapshot_.reset(); }
  bool in_snapshot() const { return snapshot_ != nullptr; }
  // Writes made on the calling thread so far, in any Db: the session compares it around a
  // command to tell whether the command changed anything (Redis's `dirty`), which decides
  // whether the command is journaled. Expiries are not counted (they are journaled as DEL
  // on their own). NoteWrite counts a change made outside these methods (SWAPDB).
  static uint64_t ThreadWrites() { return thread_writes_; }
  static void NoteWrite() { ++thread_writes_; }

 private:
  void Arm(KeyNode* node);
  // A running snapshot: hand `node` over now unless it is already saved or handled.
  void BeforeChange(KeyNode* node) {
    if (snapshot_ != nullptr) [[unlikely]] SnapshotEarly(node);
  }
  // A running snapshot: `key` is being created; the scan must not save it.
  void BeforeCreate(std::string_view key) {
    if (snapshot_ != nullptr) [[unlikely]] SnapshotCreated(key);
  }
  void SnapshotEarly(KeyNode* node);
  void SnapshotCreated(std::string_view key);
  void SnapshotEmit(const KeyNode* node);
  void Forget(KeyNode* node);  // bookkeeping before a node leaves this Db
  // Deletes an expired node: journaled as DEL (journal.h), counted, and notified as
  // "expired".
  void DeleteExpired(KeyNode* node);
  // Deletes a node the server removes on its own (expiry, eviction): journaled as DEL,
  // notified, and not counted as the running command's write.
  void DeleteJournaled(KeyNode* node, uint32_t notify_type, std::string_view event);
  // A new node's access clock and last-write time.
  void Stamp(KeyNode* node, bool created);
  // What NotifyWrite does besides the stamp: WATCH, blocked clients, tracking, counts.
  void Changed(std::string_view key);

  Shard* shard_;
  int index_;
  ds::KeyTable table_;
  size_t expires_ = 0;
  KeyMetaStore meta_;
  std::unique_ptr<DbSnapshot> snapshot_;  // while a snapshot runs
  static inline thread_local uint64_t thread_writes_ = 0;
};

}  // namespace shoal::engine
