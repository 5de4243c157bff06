#include "src/persistence/aof_rewrite.h"

#include <deque>
#include <string_view>
#include <vector>

#include "engine/db.h"
#include "engine/hash_object.h"
#include "engine/kv2_object.h"
#include "engine/list_object.h"
#include "engine/set_object.h"
#include "engine/shard.h"
#include "engine/stream_object.h"
#include "engine/zset_object.h"
#include "protocol/reply_writer.h"
#include "protocol/strings.h"
#include "src/persistence/aof.h"

namespace shoal::server {
namespace {

using engine::Db;
using engine::KeyNode;
using engine::ObjType;

constexpr size_t kItemsPerCommand = 64;  // Redis's AOF_REWRITE_ITEMS_PER_CMD

// Gathers one command's arguments: views of the dataset, and strings computed here.
class Command {
 public:
  explicit Command(std::string* out) : out_(out) {}
  Command& Add(std::string_view a) {
    args_.push_back(a);
    return *this;
  }
  Command& Own(std::string a) {
    owned_.push_back(std::move(a));  // a deque never moves what it holds
    args_.push_back(owned_.back());
    return *this;
  }
  void Emit() { AppendResp(out_, engine::ArgList(args_.data(), args_.size())); }

 private:
  std::string* out_;
  std::vector<std::string_view> args_;
  std::deque<std::string> owned_;
};

// Emits `name key item...` in commands of at most kItemsPerCommand items; `each` calls
// its argument with an adder for every item's arguments.
template <typename ForEach>
void EmitBatched(std::string* out, std::string_view name, std::string_view key, ForEach&& each) {
  std::vector<std::string> args;
  size_t items = 0;
  auto flush = [&] {
    if (items == 0) return;
    std::vector<std::string_view> views = {name, key};
    views.insert(views.end(), args.begin(), args.end());
    AppendResp(out, engine::ArgList(views.data(), views.size()));
    args.clear();
    items = 0;
  };
  each([&](std::initializer_list<std::string_view> item) {
    for (std::string_view a : item) args.emplace_back(a);
    if (++items == kItemsPerCommand) flush();
  });
  flush();
}

void DumpStream(std::string* out, std::string_view key, const engine::StreamObject& s) {
  using engine::StreamId;
  if (s.size() == 0) {
    // Redis's way to make an empty stream: add an entry at the last ID and trim it away.
    Command(out).Add("XADD").Add(key).Add("MAXLEN").Add("0").Own(s.last_id().ToString())
        .Add("x").Add("y").Emit();
  }
  for (const auto& [id, packed] : s.entries()) {
    Command c(out);
    c.Add("XADD").Add(key).Own(id.ToString());
    for (std::string_view f : engine::StreamObject::Unpack(packed)) c.Add(f);
    c.Emit();
  }
  Command(out).Add("XSETID").Add(key).Own(s.last_id().ToString()).Add("ENTRIESADDED")
      .Own(StrCat(s.entries_added())).Add("MAXDELETEDID").Own(s.max_deleted_entry_id().ToString())
      .Emit();
  for (const auto& [name, group] : s.groups()) {
    Command(out).Add("XGROUP").Add("CREATE").Add(key).Add(name).Own(group.last_id.ToString())
        .Add("ENTRIESREAD").Own(StrCat(group.entries_read)).Emit();
    for (const auto& [consumer, c] : group.consumers) {
      Command(out).Add("XGROUP").Add("CREATECONSUMER").Add(key).Add(name).Add(consumer).Emit();
    }
    for (const auto& [id, p] : group.pel) {
      Command(out).Add("XCLAIM").Add(key).Add(name).Add(p.consumer).Add("0").Own(id.ToString())
          .Add("TIME").Own(StrCat(p.delivery_time)).Add("RETRYCOUNT")
          .Own(StrCat(p.delivery_count)).Add("JUSTID").Add("FORCE").Emit();
    }
  }
}

// KV2.RESTORE with the whole state (kv2_family.cc).
void DumpKv2(std::string* out, std::string_view key, const engine::Kv2Object& kv) {
  Command c(out);
  c.Add("KV2.RESTORE").Add(key).Own(StrCat(kv.current_version())).Own(StrCat(kv.oldest_version()))
      .Own(StrCat(kv.created_ms())).Own(StrCat(kv.updated_ms())).Own(StrCat(kv.max_versions()))
      .Add(kv.cas_required() ? "1" : "0").Own(StrCat(kv.custom().size()));
  for (const auto& [name, value] : kv.custom()) c.Add(name).Add(value);
  c.Own(StrCat(kv.versions().size()));
  for (const auto& [number, v] : kv.versions()) {
    c.Own(StrCat(number)).Own(StrCat(v.created_ms)).Own(StrCat(v.deletion_ms))
        .Add(v.destroyed ? "1" : "0").Own(StrCat(v.data.size()));
    for (const auto& [field, value] : v.data) c.Add(field).Add(value);
  }
  c.Emit();
}

// A key's tags, retention and hold, after its value (a retained key refuses writes).
void DumpMeta(std::string* out, std::string_view key, const engine::KeyMeta& meta, int64_t now) {
  if (!meta.tags.empty()) {
    Command c(out);
    c.Add("TAG.SET").Add(key);
    for (const auto& [name, value] : meta.tags) c.Add(name).Add(value);
    c.Emit();
  }
  if (meta.retained(now)) {
    Command(out).Add("RETAIN").Add(key).Add("UNTIL").Own(StrCat(meta.retain_until_ms)).Emit();
  }
  if (meta.legal_hold) Command(out).Add("LEGALHOLD").Add(key).Add("ON").Emit();
}

// A key's commands (its value, TTL and metadata) replay at its OBJECT MTIME: a time
// annotation (aof.h) before them, unless the last one written (*last_ms) says the same.
void DumpKey(std::string* out, const KeyNode* node, int64_t* last_ms) {
  if (const int64_t mtime = node->mtime(); mtime > 0 && mtime != *last_ms) {
    AppendTimeAnnotation(out, mtime);
    *last_ms = mtime;
  }
  std::string_view key = node->key();
  switch (Db::TypeOf(node)) {
    case ObjType::kString:
      Command(out).Add("SET").Add(key).Add(Db::StringOf(node)).Emit();
      break;
    case ObjType::kList: {
      const auto* list = static_cast<const engine::ListObject*>(Db::ObjectOf(node));
      EmitBatched(out, "RPUSH", key, [&](auto add) {
        if (list->size() == 0) return;
        list->items().Walk(0, false, [&](size_t, std::string_view v) {
          add({v});
          return true;
        });
      });
      break;
    }
    case ObjType::kSet: {
      const auto* set = static_cast<const engine::SetObject*>(Db::ObjectOf(node));
      EmitBatched(out, "SADD", key, [&](auto add) {
        set->ForEach([&](std::string_view m) { add({m}); });
      });
      break;
    }
    case ObjType::kZSet: {
      const auto* zset = static_cast<const engine::ZSetObject*>(Db::ObjectOf(node));
      EmitBatched(out, "ZADD", key, [&](auto add) {
        zset->Walk(0, zset->size(), false, [&](const auto& e) {
          std::string score = protocol::FormatDouble(e.score);
          add({score, e.member});
        });
      });
      break;
    }
    case ObjType::kHash: {
      const auto* hash = static_cast<const engine::HashObject*>(Db::ObjectOf(node));
      EmitBatched(out, "HSET", key, [&](auto add) {
        hash->ForEach([&](std::string_view f, std::string_view v) { add({f, v}); });
      });
      break;
    }
    case ObjType::kStream:
      DumpStream(out, key, *static_cast<const engine::StreamObject*>(Db::ObjectOf(node)));
      break;
    case ObjType::kKv2:
      DumpKv2(out, key, *static_cast<const engine::Kv2Object*>(Db::ObjectOf(node)));
      break;
  }
  if (int64_t at = Db::ExpireAt(node); at != 0) {
    Command(out).Add("PEXPIREAT").Add(key).Own(StrCat(at)).Emit();
  }
}

}  // namespace

void DumpDataset(engine::Engine& engine, std::string* out) {
  int64_t last_ms = 0;
  for (int d = 0; d < engine.databases(); ++d) {
    bool selected = false;
    for (unsigned s = 0; s < engine.shard_count(); ++s) {
      Db& db = engine.shard(s).db(d);
      db.table().ForEach([&](KeyNode* node) {
        if (db.IsExpired(node)) return;
        if (!selected) {
          Command(out).Add("SELECT").Own(StrCat(d)).Emit();
          selected = true;
        }
        DumpKey(out, node, &last_ms);
        if (const engine::KeyMeta* meta = db.MetaOf(node)) DumpMeta(out, node->key(), *meta, db.now_ms());
      });
    }
  }
}

// One shard's part of a RewriteSnapshot: its keys as commands, as they were at the start.
class RewriteSnapshot::Part : public engine::SnapshotSink {
 public:
  Part(RewriteSnapshot* owner, int64_t start_ms) : owner_(owner), start_ms_(start_ms) {}
  void Key(int db, const KeyNode* node, const engine::KeyMeta* meta) override {
    if (db != db_) {
      Command(&out).Add("SELECT").Own(StrCat(db)).Emit();
      db_ = db;
    }
    DumpKey(&out, node, &last_ms_);
    if (meta != nullptr) DumpMeta(&out, node->key(), *meta, start_ms_);
  }
  void Done() override {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    if (--owner_->pending_ == 0) owner_->cv_.notify_all();
  }
  std::string out;

 private:
  RewriteSnapshot* owner_;
  int64_t start_ms_;
  int db_ = -1;
  int64_t last_ms_ = 0;  // the last time annotation in `out`
};

RewriteSnapshot::RewriteSnapshot(engine::Engine* engine) : engine_(engine) {}
RewriteSnapshot::~RewriteSnapshot() = default;

bool RewriteSnapshot::Start(int64_t start_ms) {
  for (unsigned s = 0; s < engine_->shard_count(); ++s) {
    if (engine_->shard(s).snapshot_sink() != nullptr) return false;
  }
  pending_ = engine_->shard_count();
  for (unsigned s = 0; s < engine_->shard_count(); ++s) {
    parts_.push_back(std::make_unique<Part>(this, start_ms));
    engine_->shard(s).BeginSnapshot(parts_.back().get(), start_ms);
  }
  return true;
}

std::string RewriteSnapshot::Wait() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return pending_ == 0; });
  }
  std::string base;
  for (auto& part : parts_) base += part->out;
  return base;
}

}  // namespace shoal::server
