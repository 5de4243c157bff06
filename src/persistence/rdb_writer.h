// RdbWriter: encodes keys and values in Redis's RDB format (version 10, as Redis 7.0
// writes it) into a byte buffer the caller drains (RdbFile below writes it to disk and
// keeps the CRC).
//
// Encodings written: strings raw, or as int8/16/32 when they are canonical integers of at
// most 11 characters (rdbTryIntegerEncoding); no LZF (Redis loads uncompressed strings).
// Hashes, sets and sorted sets in their plain forms (RDB_TYPE_HASH, RDB_TYPE_SET,
// RDB_TYPE_ZSET_2), which Redis 7.0 loads and re-encodes by its own thresholds. Lists as
// RDB_TYPE_LIST_QUICKLIST_2 (listpack nodes of at most 128 entries or 8 KB, one plain node
// for an entry past that), streams as RDB_TYPE_STREAM_LISTPACKS_2 (nodes of 100 entries,
// each entry with its own fields, no deleted entries), the two types that have only a
// packed form in Redis 7.0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/db.h"

namespace shoal::persistence {

// The OBJECT MTIMEs of a run of keys, packed as their "shoal-mtimes" AUX field holds them
// (rdb_shoal.h): Add one per key, in file order.
class MtimeRun {
 public:
  void Add(int64_t mtime_ms);
  size_t size() const { return count_; }
  const std::string& packed() const { return packed_; }
  void Clear();

 private:
  std::string packed_;
  size_t count_ = 0;
  int64_t last_ = 0;
};

class RdbWriter {
 public:
  // Appends to *out, which the caller may drain (clear) between calls.
  explicit RdbWriter(std::string* out) : out_(out) {}

  // "REDIS0010" and the AUX fields Redis writes: redis-ver, redis-bits, ctime, used-mem,
  // aof-base.
  void Header(int64_t now_ms, uint64_t used_memory);
  void Aux(std::string_view key, std::string_view value);
  void SelectDb(int db);
  void ResizeDb(uint64_t size, uint64_t expires);
  // One key: its expiry (when it has one), type, name and value, then Shoal's metadata
  // for it (tags, retention, hold; rdb_shoal.h) when it has some. Its OBJECT MTIME goes
  // into the mtime field of its run of keys (rdb_shoal.h), written after kMtimesPerRecord
  // keys, by SelectDb, by Eof, or by EndKeys.
  void Key(std::string_view key, const engine::KeyNode* node,
           const engine::KeyMeta* meta = nullptr, int db = 0);
  // Writes the mtime field of the keys since the last one, if any: for a writer whose
  // keys end without SelectDb or Eof (a BGSAVE's shard part).
  void EndKeys();
  // The EOF opcode (after EndKeys); the caller appends the CRC of everything
  // (RdbFile::Finish).
  void Eof();

  // Building blocks, public for the tests.
  void Len(uint64_t len);
  void String(std::string_view s);
  void Value(const engine::KeyNode* node);  // the type byte is written by Key
  void Byte(uint8_t b) { out_->push_back(static_cast<char>(b)); }
  // A module's typed fields (RedisModule_Save*): an opcode, then the value.
  void ModuleUint(uint64_t v);
  void ModuleSint(int64_t v);
  void ModuleString(std::string_view s);

 private:
  void Le(uint64_t v, int bytes);
  void BinaryDouble(double d);
  void StreamValue(const engine::Object* object);
  void ListValue(const engine::Object* object);

  std::string* out_;
  MtimeRun mtimes_;  // of the keys since the last mtime record
};

// The RDB type byte Key writes for a node.
uint8_t RdbTypeOf(const engine::KeyNode* node);

}  // namespace shoal::persistence
