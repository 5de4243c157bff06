// Shoal's own data in an RDB file, stored as Redis module data, which redis-check-rdb
// skips (and redis-server refuses to load, having no such types), except the mtimes:
//   - a versioned secret (kv2_object.h) is an RDB_TYPE_MODULE_2 value of module
//     "shoal-kv2": its counters, times, settings, custom metadata, then each kept version;
//   - a key's tags, retention and legal hold (key_meta.h) follow the key as an
//     RDB_OPCODE_MODULE_AUX record of module "shoalmeta": database, key, retention end,
//     hold, tags;
//   - the keys' OBJECT MTIMEs follow them in plain AUX fields named "shoal-mtimes", one
//     per run of at most kMtimesPerRecord keys (a record closes the run at its limit,
//     before a SELECTDB and before EOF). Its value: the run's key count, then their mtimes
//     in file order, each the difference from the one before (the first from 0), all as
//     LEB128 varints (the differences zigzag-coded): about 2 bytes a key where one small
//     string, hash or set takes 20-40 (a module's signed field per key would take 2-10).
//     Not a MODULE_AUX record: Redis ignores AUX fields it does not know, by the AUX
//     contract, where it refuses to load module data of a module it lacks, so a Shoal
//     dump of Redis's types still loads into redis-server. A file without them (Redis's,
//     an older Shoal's) loads with the load time as mtime.
// Fields are a module's typed values (RedisModule_SaveUnsigned / SaveSigned /
// SaveStringBuffer), closed by the module EOF opcode.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
inline constexpr std::string_view kMtimesAux = "shoal-mtimes";
inline constexpr size_t kMtimesPerRecord = 4096;

// The value of a kv2 key (after its type byte and name).
void WriteKv2(RdbWriter& w, const engine::Kv2Object& kv);
// A MODULE_AUX record with the key's metadata.
void WriteKeyMeta(RdbWriter& w, int db, std::string_view key, const engine::KeyMeta& meta);

// The AUX field with the mtimes of a run of keys.
void WriteMtimes(RdbWriter& w, const MtimeRun& run);

// The reader's side, called once the module id is read. False after r.Fail.
bool ReadKv2(RdbReader& r, std::unique_ptr<engine::Object>* out);
bool ReadKeyMeta(RdbReader& r, KeyMetaRecord* out);
// Unpacks the value of a run's AUX field (WriteMtimes) into *out; false when it is corrupt.
bool ParseMtimes(std::string_view value, std::vector<int64_t>* out);

}  // namespace shoal::persistence
