// RdbReader: parses an RDB file (versions 1 to 11, so Redis 7.0's and 7.2's) held in
// memory and hands each key to a callback as a ready engine value.
//
// Read: strings (raw, int8/16/32, LZF), lists (plain, ziplist, quicklist, quicklist 2 with
// plain and packed nodes), sets (plain, intset, listpack), sorted sets (zset, zset2,
// ziplist, listpack), hashes (plain, ziplist, listpack; zipmap is refused), streams
// (listpacks 1, 2 and 3, with groups, consumers and PELs), expiries in s and ms,
// SELECTDB, RESIZEDB, AUX, IDLE and FREQ (skipped), FUNCTION2 (skipped: Shoal has no
// functions), Shoal's own data (rdb_shoal.h: kv2 values, key metadata, mtimes). Refused
// with an error: other modules' types and MODULE_AUX, the pre-7.0 FUNCTION opcode,
// zipmaps, databases past the configured count.
//
// Every length is checked against the bytes left before anything is allocated or read,
// so a truncated or corrupt file gives an error message, never a crash or a huge
// allocation. The CRC is checked first (a file whose CRC is 0 skips the check, as Redis
// does for rdbchecksum no).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/key_meta.h"
#include "engine/object.h"

namespace shoal::persistence {

// One key read from the file.
struct LoadedKey {
  int db = 0;
  std::string key;
  int64_t expire_ms = 0;  // absolute unix ms; 0: no TTL
  engine::ObjType type = engine::ObjType::kString;
  std::string str;                         // kString
  std::unique_ptr<engine::Object> object;  // every other type
};

// Shoal's metadata for one key (rdb_shoal.h), read after the key.
struct KeyMetaRecord {
  int db = 0;
  std::string key;
  engine::KeyMeta meta;
};

// The encoding thresholds the loaded objects follow (the config's).
struct LoadLimits {
  engine::ListpackLimits hash;
  engine::ListpackLimits zset;
  engine::SetLimits set;
  int list_fill = -2;
  int databases = 16;
};

class RdbReader {
 public:
  RdbReader(std::string_view data, const LoadLimits& limits) : data_(data), limits_(limits) {}

  // Parses the whole file, calling on_key for each key in file order. Returns "" on
  // success, else a message saying what is wrong and at which byte offset.
  // Shoal's key metadata records go to on_meta (skipped when it is null).
  // on_mtimes (when not null) is called at the end of each run of keys (rdb_shoal.h: at
  // its "shoal-mtimes" field, or at a SELECTDB or EOF without one) with the OBJECT MTIMEs
  // of the keys of the run that went to on_key, in order; empty when it had none.
  std::string Read(const std::function<void(LoadedKey&&)>& on_key,
                   const std::function<void(KeyMetaRecord&&)>& on_meta = nullptr,
                   const std::function<void(const std::vector<int64_t>&)>& on_mtimes = nullptr);

  // The AUX fields seen (name, value), in file order.
  const std::vector<std::pair<std::string, std::string>>& aux() const { return aux_; }

  // Module values' typed fields (rdb_shoal.cc), each false after Fail.
  bool ModuleUint(uint64_t* v);
  bool ModuleSint(int64_t* v);
  bool ModuleString(std::string* s);
  bool ModuleCount(uint64_t* n);  // an unsigned field the bytes left can hold as a count
  bool ModuleEof();
  bool Fail(std::string_view what);

 private:
  bool Need(size_t n);
  bool Byte(uint8_t* b);
  bool Le(int bytes, uint64_t* v);
  bool BigEndian64(uint64_t* v);
  // A length; *encoded is set (and the low bits returned) for a 0b11 special encoding.
  bool Len(uint64_t* len, bool* encoded = nullptr);
  bool String(std::string* s);
  bool Count(uint64_t* n, size_t min_bytes_each);
  bool ModuleField(uint64_t opcode);  // a length that the bytes left can hold
  bool StringDouble(double* d);
  bool BinaryDouble(double* d);
  bool StreamIdRaw(uint64_t* ms, uint64_t* seq);
  // The value of a "shoal-mtimes" AUX field: checks it against the run of keys and hands
  // the mtimes of those on_key got to on_mtimes.
  bool Mtimes(std::string_view value,
              const std::function<void(const std::vector<int64_t>&)>& on_mtimes);
  // The run of keys ends without a record: its keys keep the load time.
  void EndRun(const std::function<void(const std::vector<int64_t>&)>& on_mtimes);

  bool Value(uint8_t type, LoadedKey* out);
  bool ListValue(uint8_t type, LoadedKey* out);
  bool SetValue(uint8_t type, LoadedKey* out);
  bool ZSetValue(uint8_t type, LoadedKey* out);
  bool HashValue(uint8_t type, LoadedKey* out);
  bool StreamValue(uint8_t type, LoadedKey* out);
  // A packed blob (listpack / ziplist / intset) decoded into its elements.
  bool Packed(uint8_t type, std::vector<std::string>* elements);

  std::string_view data_;
  size_t pos_ = 0;
  LoadLimits limits_;
  int version_ = 0;
  std::string error_;
  std::vector<std::pair<std::string, std::string>> aux_;
  std::vector<bool> run_;  // the keys since the last mtime record: went to on_key or not
};

}  // namespace shoal::persistence
