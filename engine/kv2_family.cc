// Versioned secrets: KV2.PUT, KV2.PATCH, KV2.GET, KV2.METADATA, KV2.DELETE, KV2.UNDELETE,
// KV2.DESTROY, KV2.CONFIG and KV2.LIST, with OpenBao KV v2's semantics over one key of
// type "kv2" (engine/kv2_object.h holds the versions and the metadata).
//
// Check-and-set: `CAS n` writes only when n is the key's current version (0: the key has
// no version yet); a key with cas_required refuses a write without CAS. The check and the
// write are one step on the key's shard, so among concurrent writers with the same n
// exactly one wins.
//
// Argument forms. Data is `field value [field value ...]`, followed by an optional
// `CAS n`: the last two arguments are taken as the option when they are CAS (any case)
// and a non-negative integer, and at least one field pair comes before them. A field named
// "cas" with a number for value can therefore be written anywhere but last.
//
// Replies: data and metadata are maps (RESP3) or flat arrays (RESP2), sorted by name;
// times are unix milliseconds, deletion_time 0 meaning "not deleted". A version that is
// missing, pruned, deleted or destroyed reads as nil; KV2.METADATA tells which.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/kv2_object.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

using Fields = Kv2Object::Fields;

constexpr size_t kMaxCustomKeys = 64;
constexpr size_t kMaxCustomKeyLen = 128;
constexpr size_t kMaxCustomValueLen = 512;

Kv2Object* Kv2Of(KeyNode* node) {
  return node != nullptr ? static_cast<Kv2Object*>(Db::ObjectOf(node)) : nullptr;
}

// A version number argument: n >= min.
bool ParseVersion(std::string_view s, int64_t min, uint64_t* out) {
  int64_t v;
  if (!ParseInt64(s, &v) || v < min) return false;
  *out = static_cast<uint64_t>(v);
  return true;
}

// `field value [...] [CAS n]` from args[2]. False after replying an error.
bool ParseData(CommandContext& ctx, Fields* fields, std::optional<uint64_t>* cas) {
  size_t end = ctx.argc();
  uint64_t n;
  if (end >= 6 && EqualsIgnoreCase(ctx.arg(end - 2), "cas") &&
      ParseVersion(ctx.arg(end - 1), 0, &n)) {
    *cas = n;
    end -= 2;
  }
  if ((end - 2) % 2 != 0) return ctx.Error(errors::WrongArgs(ctx.spec.name)), false;
  for (size_t i = 2; i < end; i += 2) fields->emplace_back(ctx.arg(i), ctx.arg(i + 1));
  *fields = Kv2Object::Normalize(std::move(*fields));
  return true;
}

// `VERSIONS n [n ...]` from args[from]. False after replying an error.
bool ParseVersions(CommandContext& ctx, size_t from, std::vector<uint64_t>* versions) {
  if (from + 1 >= ctx.argc() || !EqualsIgnoreCase(ctx.arg(from), "versions")) {
    return ctx.Error(errors::kSyntax), false;
  }
  for (size_t i = from + 1; i < ctx.argc(); ++i) {
    uint64_t n;
    if (!ParseVersion(ctx.arg(i), 1, &n)) return ctx.Error(errors::kKv2BadVersion), false;
    versions->push_back(n);
  }
  return true;
}

void ReplyFields(CommandContext& ctx, const Fields& fields) {
  ctx.reply.Map(fields.size());
  for (const auto& [name, value] : fields) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

// KV2.PUT and KV2.PATCH: a new version holding the data (PUT) or the latest live
// version's data with the fields merged over it (PATCH).
void WriteVersion(CommandContext& ctx, bool patch) {
  Fields fields;
  std::optional<uint64_t> cas;
  if (!ParseData(ctx, &fields, &cas)) return;
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindNodeForWrite(ctx, db, key, ObjType::kKv2, &node)) return;
  Kv2Object* kv = Kv2Of(node);
  if (patch) {
    const Kv2Object::Version* latest = kv != nullptr ? kv->Find(0) : nullptr;
    if (latest == nullptr || !latest->live()) return ctx.Error(errors::kKv2NoLiveVersion);
    fields = Kv2Object::Merge(latest->data, fields);
  }
  if (kv != nullptr && kv->cas_required() && !cas) return ctx.Error(errors::kCasRequired);
  if (cas && *cas != (kv != nullptr ? kv->current_version() : 0)) {
    return ctx.Error(errors::kCasMismatch);
  }
  const int64_t now = ctx.now_ms();
  if (kv == nullptr) kv = Kv2Of(db.AddObject(key, std::make_unique<Kv2Object>(now)));
  ctx.reply.Integer(static_cast<int64_t>(kv->Put(std::move(fields), now)));
  db.NotifyWrite(key);
}

// KV2.DELETE, KV2.UNDELETE and KV2.DESTROY: a change to the versions named.
using VersionChange = int64_t (Kv2Object::*)(const std::vector<uint64_t>&, int64_t);

void ChangeVersions(CommandContext& ctx, VersionChange change) {
  std::vector<uint64_t> versions;
  // KV2.DELETE without VERSIONS soft-deletes the latest version.
  const bool latest = ctx.argc() == 2;
  if (!latest && !ParseVersions(ctx, 2, &versions)) return;
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindNodeForWrite(ctx, db, key, ObjType::kKv2, &node)) return;
  Kv2Object* kv = Kv2Of(node);
  if (kv == nullptr) return ctx.reply.Integer(0);
  if (latest) versions.push_back(kv->current_version());
  const int64_t changed = (kv->*change)(versions, ctx.now_ms());
  if (changed > 0) db.NotifyWrite(key);
  ctx.reply.Integer(changed);
}

}  // namespace

void CmdKv2Put(CommandContext& ctx) { WriteVersion(ctx, /*patch=*/false); }
void CmdKv2Patch(CommandContext& ctx) { WriteVersion(ctx, /*patch=*/true); }

// KV2.GET key [VERSION n]: version 0 (or none) is the current one.
void CmdKv2Get(CommandContext& ctx) {
  uint64_t n = 0;
  if (ctx.argc() != 2) {
    if (ctx.argc() != 4 || !EqualsIgnoreCase(ctx.arg(2), "version")) {
      return ctx.Error(errors::kSyntax);
    }
    if (!ParseVersion(ctx.arg(3), 0, &n)) return ctx.Error(errors::kKv2BadVersion);
  }
  Kv2Object* kv;
  if (!FindObject(ctx, ctx.arg(1), ObjType::kKv2, &kv)) return;
  const Kv2Object::Version* v = kv != nullptr ? kv->Find(n) : nullptr;
  if (v == nullptr || !v->live()) return ctx.reply.Null();
  ReplyFields(ctx, v->data);
}

// KV2.METADATA key: the key's metadata and a map of its kept versions.
void CmdKv2Metadata(CommandContext& ctx) {
  Kv2Object* kv;
  if (!FindObject(ctx, ctx.arg(1), ObjType::kKv2, &kv)) return;
  if (kv == nullptr) return ctx.reply.Null();
  auto& r = ctx.reply;
  r.Map(8);
  r.Bulk("current_version");
  r.Integer(static_cast<int64_t>(kv->current_version()));
  r.Bulk("oldest_version");
  r.Integer(static_cast<int64_t>(kv->oldest_version()));
  r.Bulk("created_time");
  r.Integer(kv->created_ms());
  r.Bulk("updated_time");
  r.Integer(kv->updated_ms());
  r.Bulk("max_versions");
  r.Integer(kv->max_versions());
  r.Bulk("cas_required");
  r.Boolean(kv->cas_required());
  r.Bulk("custom_metadata");
  ReplyFields(ctx, kv->custom());
  r.Bulk("versions");
  r.Map(kv->versions().size());
  for (const auto& [number, v] : kv->versions()) {
    r.Bulk(std::to_string(number));
    r.Map(3);
    r.Bulk("created_time");
    r.Integer(v.created_ms);
    r.Bulk("deletion_time");
    r.Integer(v.deletion_ms);
    r.Bulk("destroyed");
    r.Boolean(v.destroyed);
  }
}

void CmdKv2Delete(CommandContext& ctx) { ChangeVersions(ctx, &Kv2Object::Delete); }
void CmdKv2Undelete(CommandContext& ctx) { ChangeVersions(ctx, &Kv2Object::Undelete); }
void CmdKv2Destroy(CommandContext& ctx) { ChangeVersions(ctx, &Kv2Object::Destroy); }

// KV2.CONFIG key [MAX-VERSIONS n] [CAS-REQUIRED yes|no] [CUSTOM k v ...]: sets metadata,
// creating a key with no version when missing (OpenBao lets metadata exist first). CUSTOM
// replaces all custom metadata and takes the rest of the arguments.
void CmdKv2Config(CommandContext& ctx) {
  std::optional<uint32_t> max_versions;
  std::optional<bool> cas_required;
  std::optional<Fields> custom;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view option = ctx.arg(i);
    if (EqualsIgnoreCase(option, "custom")) {
      if ((ctx.argc() - i - 1) % 2 != 0) return ctx.Error(errors::kSyntax);
      Fields fields;
      for (size_t j = i + 1; j < ctx.argc(); j += 2) {
        if (ctx.arg(j).size() > kMaxCustomKeyLen || ctx.arg(j + 1).size() > kMaxCustomValueLen) {
          return ctx.Error(errors::kKv2CustomLimits);
        }
        fields.emplace_back(ctx.arg(j), ctx.arg(j + 1));
      }
      custom = Kv2Object::Normalize(std::move(fields));
      if (custom->size() > kMaxCustomKeys) return ctx.Error(errors::kKv2CustomLimits);
      break;
    }
    if (i + 1 >= ctx.argc()) return ctx.Error(errors::kSyntax);
    std::string_view value = ctx.arg(i + 1);
    if (EqualsIgnoreCase(option, "max-versions")) {
      int64_t n;
      if (!ParseInt64(value, &n) || n < 0 || n > UINT32_MAX) {
        return ctx.Error(errors::kKv2BadMaxVersions);
      }
      max_versions = static_cast<uint32_t>(n);
    } else if (EqualsIgnoreCase(option, "cas-required")) {
      if (!EqualsIgnoreCase(value, "yes") && !EqualsIgnoreCase(value, "no")) {
        return ctx.Error(errors::kSyntax);
      }
      cas_required = EqualsIgnoreCase(value, "yes");
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindNodeForWrite(ctx, db, key, ObjType::kKv2, &node)) return;
  const int64_t now = ctx.now_ms();
  Kv2Object* kv = Kv2Of(node);
  if (kv == nullptr) kv = Kv2Of(db.AddObject(key, std::make_unique<Kv2Object>(now)));
  if (max_versions) kv->set_max_versions(*max_versions);
  if (cas_required) kv->set_cas_required(*cas_required);
  if (custom) kv->set_custom(std::move(*custom));
  kv->Touch(now);
  db.NotifyWrite(key);
  ctx.reply.Ok();
}

// KV2.LIST prefix: the kv2 keys directly under the `/`-separated path `prefix` ("" or "/"
// for the top; "app" and "app/" both list "app/"), relative to it and sorted. A key that
// continues deeper is listed once as its next segment with a trailing "/" (a folder), as
// OpenBao lists. Runs with every shard parked.
void CmdKv2List(CommandContext& ctx) {
  std::string prefix(ctx.arg(1));
  if (prefix == "/") prefix.clear();
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  std::vector<std::string_view> names;
  for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) {
    Db& db = ctx.db_on(i);
    db.table().ForEach([&](KeyNode* node) {
      std::string_view key = node->key();
      if (Db::TypeOf(node) != ObjType::kKv2 || db.IsExpired(node)) return;
      if (key.size() <= prefix.size() || key.substr(0, prefix.size()) != prefix) return;
      std::string_view rest = key.substr(prefix.size());
      const size_t slash = rest.find('/');
      names.push_back(slash == std::string_view::npos ? rest : rest.substr(0, slash + 1));
    });
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  ctx.reply.BulkArray(names.data(), names.size());
}

// KV2.RESTORE key current oldest created updated max-versions cas-required
//   ncustom [name value ...] nversions [number created deletion destroyed nfields
//   [field value ...] ...]
// Replaces the key with a versioned secret in exactly this state: what an AOF rewrite
// writes (src/persistence/aof_rewrite.cc), so that replay restores versions, times and
// deletions as they were. Replies OK, or a syntax error for a malformed state.
void CmdKv2Restore(CommandContext& ctx) {
  size_t i = 2;
  auto number = [&](int64_t* v) { return i < ctx.argc() && ParseInt64(ctx.arg(i++), v); };
  auto fields = [&](Fields* out) {
    int64_t n;
    if (!number(&n) || n < 0 || static_cast<size_t>(n) > (ctx.argc() - i) / 2) return false;
    for (int64_t j = 0; j < n; ++j, i += 2) out->emplace_back(ctx.arg(i), ctx.arg(i + 1));
    *out = Kv2Object::Normalize(std::move(*out));
    return true;
  };
  int64_t current, oldest, created, updated, max_versions, cas_required, versions;
  Fields custom;
  if (!number(&current) || !number(&oldest) || !number(&created) || !number(&updated) ||
      !number(&max_versions) || !number(&cas_required) || !fields(&custom) ||
      !number(&versions) || current < 0 || oldest < 0 || max_versions < 0 ||
      max_versions > UINT32_MAX || versions < 0) {
    return ctx.Error(errors::kSyntax);
  }
  auto kv = std::make_unique<Kv2Object>(created);
  kv->Restore(static_cast<uint64_t>(current), static_cast<uint64_t>(oldest), created, updated);
  kv->set_max_versions(static_cast<uint32_t>(max_versions));
  kv->set_cas_required(cas_required != 0);
  kv->set_custom(std::move(custom));
  for (int64_t v = 0; v < versions; ++v) {
    int64_t n, destroyed;
    Kv2Object::Version version;
    if (!number(&n) || !number(&version.created_ms) || !number(&version.deletion_ms) ||
        !number(&destroyed) || !fields(&version.data) || n < 1 || n > current) {
      return ctx.Error(errors::kSyntax);
    }
    version.destroyed = destroyed != 0;
    kv->RestoreVersion(static_cast<uint64_t>(n), std::move(version));
  }
  if (i != ctx.argc()) return ctx.Error(errors::kSyntax);
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  if (KeyNode* old = db.Find(key)) db.Delete(old);
  db.AddObject(key, std::move(kv));
  ctx.reply.Ok();
}

}  // namespace shoal::engine
