#include "src/persistence/rdb_shoal.h"

#include <utility>

#include "engine/ds/varint.h"
#include "src/persistence/rdb_format.h"

namespace shoal::persistence {
namespace {

void WriteFields(RdbWriter& w, const engine::Kv2Object::Fields& fields) {
  w.ModuleUint(fields.size());
  for (const auto& [name, value] : fields) {
    w.ModuleString(name);
    w.ModuleString(value);
  }
}

bool ReadFields(RdbReader& r, engine::Kv2Object::Fields* fields) {
  uint64_t n;
  if (!r.ModuleCount(&n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string name, value;
    if (!r.ModuleString(&name) || !r.ModuleString(&value)) return false;
    fields->emplace_back(std::move(name), std::move(value));
  }
  return true;
}

}  // namespace

void MtimeRun::Add(int64_t mtime_ms) {
  // Zigzag: small differences of either sign stay small varints.
  const int64_t delta = static_cast<int64_t>(static_cast<uint64_t>(mtime_ms) -
                                             static_cast<uint64_t>(last_));
  ds::AppendVarint(&packed_,
                   (static_cast<uint64_t>(delta) << 1) ^ static_cast<uint64_t>(delta >> 63));
  last_ = mtime_ms;
  ++count_;
}

void MtimeRun::Clear() {
  packed_.clear();
  count_ = 0;
  last_ = 0;
}

void WriteMtimes(RdbWriter& w, const MtimeRun& run) {
  std::string value;
  ds::AppendVarint(&value, run.size());
  value += run.packed();
  w.Aux(kMtimesAux, value);
}

void WriteKv2(RdbWriter& w, const engine::Kv2Object& kv) {
  w.Len(kKv2ModuleId);
  w.ModuleUint(kv.current_version());
  w.ModuleUint(kv.oldest_version());
  w.ModuleSint(kv.created_ms());
  w.ModuleSint(kv.updated_ms());
  w.ModuleUint(kv.max_versions());
  w.ModuleUint(kv.cas_required() ? 1 : 0);
  WriteFields(w, kv.custom());
  w.ModuleUint(kv.versions().size());
  for (const auto& [number, v] : kv.versions()) {
    w.ModuleUint(number);
    w.ModuleSint(v.created_ms);
    w.ModuleSint(v.deletion_ms);
    w.ModuleUint(v.destroyed ? 1 : 0);
    WriteFields(w, v.data);
  }
  w.Len(rdb::kModuleOpEof);
}

void WriteKeyMeta(RdbWriter& w, int db, std::string_view key, const engine::KeyMeta& meta) {
  w.Byte(rdb::kOpModuleAux);
  w.Len(kMetaModuleId);
  w.Len(rdb::kModuleOpUint);
  w.Len(rdb::kModuleAuxAfterRdb);
  w.ModuleUint(static_cast<uint64_t>(db));
  w.ModuleString(key);
  w.ModuleSint(meta.retain_until_ms);
  w.ModuleUint(meta.legal_hold ? 1 : 0);
  w.ModuleUint(meta.tags.size());
  for (const auto& [name, value] : meta.tags) {
    w.ModuleString(name);
    w.ModuleString(value);
  }
  w.Len(rdb::kModuleOpEof);
}

bool ReadKv2(RdbReader& r, std::unique_ptr<engine::Object>* out) {
  uint64_t current, oldest, max_versions, cas_required, versions;
  int64_t created, updated;
  engine::Kv2Object::Fields custom;
  if (!r.ModuleUint(&current) || !r.ModuleUint(&oldest) || !r.ModuleSint(&created) ||
      !r.ModuleSint(&updated) || !r.ModuleUint(&max_versions) || !r.ModuleUint(&cas_required) ||
      !ReadFields(r, &custom) || !r.ModuleCount(&versions)) {
    return false;
  }
  if (max_versions > UINT32_MAX) return r.Fail("Corrupt kv2 value: max_versions");
  auto kv = std::make_unique<engine::Kv2Object>(created);
  kv->Restore(current, oldest, created, updated);
  kv->set_max_versions(static_cast<uint32_t>(max_versions));
  kv->set_cas_required(cas_required != 0);
  kv->set_custom(engine::Kv2Object::Normalize(std::move(custom)));
  for (uint64_t i = 0; i < versions; ++i) {
    uint64_t number, destroyed;
    engine::Kv2Object::Version v;
    if (!r.ModuleUint(&number) || !r.ModuleSint(&v.created_ms) ||
        !r.ModuleSint(&v.deletion_ms) || !r.ModuleUint(&destroyed) || !ReadFields(r, &v.data)) {
      return false;
    }
    if (number == 0 || number > current) return r.Fail("Corrupt kv2 value: version number");
    v.destroyed = destroyed != 0;
    v.data = engine::Kv2Object::Normalize(std::move(v.data));
    kv->RestoreVersion(number, std::move(v));
  }
  if (!r.ModuleEof()) return false;
  *out = std::move(kv);
  return true;
}

bool ReadKeyMeta(RdbReader& r, KeyMetaRecord* out) {
  uint64_t db, hold, tags;
  if (!r.ModuleUint(&db) || !r.ModuleString(&out->key) ||
      !r.ModuleSint(&out->meta.retain_until_ms) || !r.ModuleUint(&hold) ||
      !r.ModuleCount(&tags)) {
    return false;
  }
  if (db > INT32_MAX) return r.Fail("Corrupt key metadata: database");
  out->db = static_cast<int>(db);
  out->meta.legal_hold = hold != 0;
  for (uint64_t i = 0; i < tags; ++i) {
    std::string name, value;
    if (!r.ModuleString(&name) || !r.ModuleString(&value)) return false;
    out->meta.tags.emplace_back(std::move(name), std::move(value));
  }
  return r.ModuleEof();
}

bool ParseMtimes(std::string_view value, std::vector<int64_t>* out) {
  uint64_t count;
  if (!ds::ReadVarint(&value, &count) || count > value.size()) return false;
  out->clear();
  out->reserve(count);
  int64_t last = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t v;
    if (!ds::ReadVarint(&value, &v)) return false;
    const int64_t delta = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
    last = static_cast<int64_t>(static_cast<uint64_t>(last) + static_cast<uint64_t>(delta));
    out->push_back(last);
  }
  return value.empty();
}

}  // namespace shoal::persistence
