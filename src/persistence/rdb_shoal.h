// Shoal's own data in an RDB file, stored as Redis module data, which redis-check-rdb
// skips (and redis-server refuses to load, having no such types):
//   - a versioned secret (kv2_object.h) is an RDB_TYPE_MODULE_2 value of module
//     "shoal-kv2": its counters, times, settings, custom metadata, then each kept version;
//   - a key's tags, retention and legal hold (key_meta.h) follow the key as an
//     RDB_OPCODE_MODULE_AUX record of module "shoalmeta": database, key, retention end,
//     hold, tags.
// Fields are a module's typed values (RedisModule_SaveUnsigned / SaveSigned /
// SaveStringBuffer), closed by the module EOF opcode.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/key_meta.h"
#include "engine/kv2_object.h"
#include "src/persistence/rdb_reader.h"
#include "src/persistence/rdb_writer.h"

namespace shoal::persistence {

// Redis's moduleTypeEncodeId: nine characters of "A-Za-z0-9-_", then a 10-bit version.
constexpr uint64_t ModuleId(std::string_view name, int encver) {
  constexpr std::string_view kCharset =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  uint64_t id = 0;
  for (char c : name) id = (id << 6) | kCharset.find(c);
  return (id << 10) | static_cast<uint64_t>(encver);
}
inline constexpr uint64_t kKv2ModuleId = ModuleId("shoal-kv2", 1);
inline constexpr uint64_t kMetaModuleId = ModuleId("shoalmeta", 1);

// The value of a kv2 key (after its type byte and name).
void WriteKv2(RdbWriter& w, const engine::Kv2Object& kv);
// A MODULE_AUX record with the key's metadata.
void WriteKeyMeta(RdbWriter& w, int db, std::string_view key, const engine::KeyMeta& meta);

// The reader's side, called once the module id is read. False after r.Fail.
bool ReadKv2(RdbReader& r, std::unique_ptr<engine::Object>* out);
bool ReadKeyMeta(RdbReader& r, KeyMetaRecord* out);

}  // namespace shoal::persistence
