#include "src/persistence/rdb_writer.h"

#include <cstring>

#include "engine/hash_object.h"
#include "engine/kv2_object.h"
#include "engine/list_object.h"
#include "engine/set_object.h"
#include "engine/stream_object.h"
#include "engine/zset_object.h"
#include "protocol/strings.h"
#include "src/persistence/packed.h"
#include "src/persistence/rdb_format.h"
#include "src/persistence/rdb_shoal.h"

namespace shoal::persistence {

using engine::Db;
using engine::ObjType;

namespace {

// Redis's quicklist node limit under the default fill (-2, 8 KB); Shoal's nodes are cut
// again here so that the file does not depend on the in-memory layout.
constexpr size_t kListNodeBytes = 8192;
constexpr size_t kListNodeEntries = 128;
constexpr size_t kStreamNodeEntries = 100;  // stream-node-max-entries

void AppendBigEndian(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

// Shoal's own types are module values (rdb_shoal.h): redis-check-rdb skips them.
uint8_t RdbTypeOf(const engine::KeyNode* node) {
  switch (Db::TypeOf(node)) {
    case ObjType::kString: return rdb::kTypeString;
    case ObjType::kList: return rdb::kTypeListQuicklist2;
    case ObjType::kSet: return rdb::kTypeSet;
    case ObjType::kZSet: return rdb::kTypeZSet2;
    case ObjType::kHash: return rdb::kTypeHash;
    case ObjType::kStream: return rdb::kTypeStreamListpacks2;
    case ObjType::kKv2: return rdb::kTypeModule2;
  }
  return rdb::kTypeString;
}

void RdbWriter::Le(uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) Byte(static_cast<uint8_t>(v >> (8 * i)));
}

void RdbWriter::Header(int64_t now_ms, uint64_t used_memory) {
  out_->append(StrCat("REDIS00", rdb::kVersion));
  Aux("redis-ver", "7.0.15");
  Aux("redis-bits", "64");
  Aux("ctime", StrCat(now_ms / 1000));
  Aux("used-mem", StrCat(used_memory));
  Aux("aof-base", "0");
}

void RdbWriter::Aux(std::string_view key, std::string_view value) {
  Byte(rdb::kOpAux);
  String(key);
  String(value);
}

void RdbWriter::SelectDb(int db) {
  EndKeys();
  Byte(rdb::kOpSelectDb);
  Len(static_cast<uint64_t>(db));
}

void RdbWriter::ResizeDb(uint64_t size, uint64_t expires) {
  Byte(rdb::kOpResizeDb);
  Len(size);
  Len(expires);
}

void RdbWriter::EndKeys() {
  if (mtimes_.size() == 0) return;
  WriteMtimes(*this, mtimes_);
  mtimes_.Clear();
}

void RdbWriter::Eof() {
  EndKeys();
  Byte(rdb::kOpEof);
}

void RdbWriter::Len(uint64_t len) {
  if (len < (1 << 6)) {
    Byte(static_cast<uint8_t>(len));
  } else if (len < (1 << 14)) {
    Byte(static_cast<uint8_t>((len >> 8) | (rdb::kLen14Bit << 6)));
    Byte(static_cast<uint8_t>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    Byte(rdb::kLen32Bit);
    for (int i = 3; i >= 0; --i) Byte(static_cast<uint8_t>(len >> (8 * i)));
  } else {
    Byte(rdb::kLen64Bit);
    AppendBigEndian(out_, len);
  }
}

void RdbWriter::String(std::string_view s) {
  int64_t v;
  if (s.size() <= 11 && ParseCanonicalInt(s, &v)) {
    const uint8_t enc = rdb::kEncVal << 6;
    if (v >= INT8_MIN && v <= INT8_MAX) {
      Byte(enc | rdb::kEncInt8);
      return Le(static_cast<uint64_t>(v), 1);
    }
    if (v >= INT16_MIN && v <= INT16_MAX) {
      Byte(enc | rdb::kEncInt16);
      return Le(static_cast<uint64_t>(v), 2);
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
      Byte(enc | rdb::kEncInt32);
      return Le(static_cast<uint64_t>(v), 4);
    }
  }
  Len(s.size());
  out_->append(s);
}

void RdbWriter::BinaryDouble(double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  Le(bits, 8);
}

void RdbWriter::ModuleUint(uint64_t v) {
  Len(rdb::kModuleOpUint);
  Len(v);
}

void RdbWriter::ModuleSint(int64_t v) {
  Len(rdb::kModuleOpSint);
  Len(static_cast<uint64_t>(v));
}

void RdbWriter::ModuleString(std::string_view s) {
  Len(rdb::kModuleOpString);
  String(s);
}

void RdbWriter::Key(std::string_view key, const engine::KeyNode* node,
                    const engine::KeyMeta* meta, int db) {
  if (node->has_expiry()) {
    Byte(rdb::kOpExpireTimeMs);
    Le(static_cast<uint64_t>(node->expire_at()), 8);
  }
  Byte(RdbTypeOf(node));
  String(key);
  Value(node);
  if (meta != nullptr && !meta->empty()) WriteKeyMeta(*this, db, key, *meta);
  mtimes_.Add(node->mtime());
  if (mtimes_.size() == kMtimesPerRecord) EndKeys();
}

void RdbWriter::Value(const engine::KeyNode* node) {
  if (Db::TypeOf(node) == ObjType::kString) return String(Db::StringOf(node));
  const engine::Object* object = Db::ObjectOf(node);
  switch (object->type()) {
    case ObjType::kString:
      break;
    case ObjType::kList:
      return ListValue(object);
    case ObjType::kSet: {
      const auto* set = static_cast<const engine::SetObject*>(object);
      Len(set->size());
      set->ForEach([&](std::string_view m) { String(m); });
      return;
    }
    case ObjType::kZSet: {
      const auto* zset = static_cast<const engine::ZSetObject*>(object);
      Len(zset->size());
      zset->Walk(0, zset->size(), false, [&](const engine::ZSetObject::Entry& e) {
        String(e.member);
        BinaryDouble(e.score);
      });
      return;
    }
    case ObjType::kHash: {
      const auto* hash = static_cast<const engine::HashObject*>(object);
      Len(hash->size());
      hash->ForEach([&](std::string_view f, std::string_view v) {
        String(f);
        String(v);
      });
      return;
    }
    case ObjType::kStream:
      return StreamValue(object);
    case ObjType::kKv2:
      return WriteKv2(*this, *static_cast<const engine::Kv2Object*>(object));
  }
}

// Quicklist 2: the number of nodes, then per node its container and its bytes. The node
// count comes first, so the nodes are built before any is written.
void RdbWriter::ListValue(const engine::Object* object) {
  const auto* list = static_cast<const engine::ListObject*>(object);
  struct Node {
    uint64_t container;
    std::string bytes;
  };
  std::vector<Node> nodes;
  ListpackBuilder lp;
  auto flush = [&] {
    if (lp.count() > 0) nodes.push_back({rdb::kContainerPacked, lp.Finish()});
    lp = ListpackBuilder();
  };
  if (list->size() > 0) {
    list->items().Walk(0, false, [&](size_t, std::string_view v) {
      if (v.size() >= kListNodeBytes) {  // Redis keeps an entry this big in a plain node
        flush();
        nodes.push_back({rdb::kContainerPlain, std::string(v)});
        return true;
      }
      if (lp.count() >= kListNodeEntries || lp.bytes() + v.size() + 11 > kListNodeBytes) flush();
      lp.Add(v);
      return true;
    });
  }
  flush();
  Len(nodes.size());
  for (const Node& n : nodes) {
    Len(n.container);
    String(n.bytes);
  }
}

// Stream listpacks 2 (rdb.c rdbSaveObject, t_stream.c streamAppendItem): nodes keyed by
// their master ID (128-bit big-endian), each a listpack of: count, deleted (0), the master
// entry's field count and names, a 0 terminator, then per entry: flags (0), ms and seq
// relative to the master ID, the field count, fields and values, and the entry's element
// count (lp-count). Then length, last_id, first_id, max_deleted_entry_id, entries_added,
// and the consumer groups with their PELs and consumers.
void RdbWriter::StreamValue(const engine::Object* object) {
  const auto* stream = static_cast<const engine::StreamObject*>(object);
  const auto& entries = stream->entries();
  Len((entries.size() + kStreamNodeEntries - 1) / kStreamNodeEntries);
  auto it = entries.begin();
  while (it != entries.end()) {
    const engine::StreamId master = it->first;
    auto stop = it;
    size_t count = 0;
    while (stop != entries.end() && count < kStreamNodeEntries) ++stop, ++count;
    std::vector<std::string_view> first = engine::StreamObject::Unpack(it->second);
    ListpackBuilder lp;
    lp.AddInt(static_cast<int64_t>(count));
    lp.AddInt(0);
    lp.AddInt(static_cast<int64_t>(first.size() / 2));
    for (size_t i = 0; i < first.size(); i += 2) lp.Add(first[i]);
    lp.AddInt(0);
    for (; it != stop; ++it) {
      std::vector<std::string_view> fields = engine::StreamObject::Unpack(it->second);
      lp.AddInt(0);
      lp.AddInt(static_cast<int64_t>(it->first.ms - master.ms));
      lp.AddInt(static_cast<int64_t>(it->first.seq - master.seq));
      lp.AddInt(static_cast<int64_t>(fields.size() / 2));
      for (std::string_view f : fields) lp.Add(f);
      lp.AddInt(static_cast<int64_t>(3 + fields.size() + 1));
    }
    std::string key;
    AppendBigEndian(&key, master.ms);
    AppendBigEndian(&key, master.seq);
    String(key);
    String(lp.Finish());
  }
  Len(entries.size());
  Len(stream->last_id().ms);
  Len(stream->last_id().seq);
  Len(stream->first_id().ms);
  Len(stream->first_id().seq);
  Len(stream->max_deleted_entry_id().ms);
  Len(stream->max_deleted_entry_id().seq);
  Len(stream->entries_added());
  Len(stream->groups().size());
  for (const auto& [name, group] : stream->groups()) {
    String(name);
    Len(group.last_id.ms);
    Len(group.last_id.seq);
    Len(static_cast<uint64_t>(group.entries_read));
    Len(group.pel.size());
    for (const auto& [id, pending] : group.pel) {
      AppendBigEndian(out_, id.ms);
      AppendBigEndian(out_, id.seq);
      Le(static_cast<uint64_t>(pending.delivery_time), 8);
      Len(pending.delivery_count);
    }
    Len(group.consumers.size());
    for (const auto& [cname, consumer] : group.consumers) {
      String(cname);
      Le(static_cast<uint64_t>(consumer.seen_time), 8);
      Len(consumer.pending.size());
      for (const engine::StreamId& id : consumer.pending) {
        AppendBigEndian(out_, id.ms);
        AppendBigEndian(out_, id.seq);
      }
    }
  }
}

}  // namespace shoal::persistence
