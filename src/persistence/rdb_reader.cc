#include "src/persistence/rdb_reader.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "engine/hash_object.h"
#include "engine/list_object.h"
#include "engine/set_object.h"
#include "engine/stream_object.h"
#include "engine/zset_object.h"
#include "protocol/strings.h"
#include "src/persistence/crc64.h"
#include "src/persistence/lzf.h"
#include "src/persistence/packed.h"
#include "src/persistence/rdb_format.h"
#include "src/persistence/rdb_shoal.h"

namespace shoal::persistence {

using engine::ObjType;

namespace {

constexpr size_t kMaxStringLen = size_t{512} << 20;  // Redis's proto-max-bulk-len default

bool ParseDouble(std::string_view s, double* d) {
  if (s.empty() || s.size() > 400) return false;
  std::string copy(s);
  char* end = nullptr;
  *d = strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && !std::isnan(*d);
}

// The next element of a decoded stream listpack as an integer.
bool NextInt(const std::vector<std::string>& e, size_t* i, int64_t* v) {
  if (*i >= e.size()) return false;
  return ParseCanonicalInt(e[(*i)++], v);
}

}  // namespace

bool RdbReader::Fail(std::string_view what) {
  if (error_.empty()) error_ = StrCat(what, " (at byte ", pos_, ")");
  return false;
}

bool RdbReader::Need(size_t n) {
  if (data_.size() - pos_ < n) return Fail("Unexpected end of file: the RDB file is truncated");
  return true;
}

bool RdbReader::Byte(uint8_t* b) {
  if (!Need(1)) return false;
  *b = static_cast<uint8_t>(data_[pos_++]);
  return true;
}

bool RdbReader::Le(int bytes, uint64_t* v) {
  if (!Need(static_cast<size_t>(bytes))) return false;
  *v = 0;
  for (int i = bytes - 1; i >= 0; --i) *v = (*v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  pos_ += static_cast<size_t>(bytes);
  return true;
}

bool RdbReader::BigEndian64(uint64_t* v) {
  if (!Need(8)) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) *v = (*v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  pos_ += 8;
  return true;
}

bool RdbReader::Len(uint64_t* len, bool* encoded) {
  uint8_t b;
  if (!Byte(&b)) return false;
  if (encoded) *encoded = false;
  switch (b >> 6) {
    case 0:
      *len = b & 0x3f;
      return true;
    case 1: {
      uint8_t next;
      if (!Byte(&next)) return false;
      *len = (uint64_t{b & 0x3fu} << 8) | next;
      return true;
    }
    case 3:
      if (!encoded) return Fail("Unexpected encoded length");
      *encoded = true;
      *len = b & 0x3f;
      return true;
  }
  if (b == rdb::kLen32Bit || b == rdb::kLen64Bit) {
    const int n = b == rdb::kLen32Bit ? 4 : 8;
    if (!Need(static_cast<size_t>(n))) return false;
    *len = 0;
    for (int i = 0; i < n; ++i) *len = (*len << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return true;
  }
  return Fail(StrCat("Unknown length encoding ", static_cast<int>(b)));
}

bool RdbReader::Count(uint64_t* n, size_t min_bytes_each) {
  if (!Len(n)) return false;
  if (*n > (data_.size() - pos_) / min_bytes_each) return Fail("Length larger than the file");
  return true;
}

bool RdbReader::String(std::string* s) {
  bool encoded = false;
  uint64_t len = 0;
  if (!Len(&len, &encoded)) return false;
  if (encoded) {
    uint64_t v;
    switch (len) {
      case rdb::kEncInt8:
      case rdb::kEncInt16:
      case rdb::kEncInt32: {
        const int bytes = len == rdb::kEncInt8 ? 1 : len == rdb::kEncInt16 ? 2 : 4;
        if (!Le(bytes, &v)) return false;
        int64_t x = static_cast<int64_t>(v << (64 - 8 * bytes)) >> (64 - 8 * bytes);
        *s = StrCat(x);
        return true;
      }
      case rdb::kEncLzf: {
        uint64_t clen, out_len;
        if (!Len(&clen) || !Len(&out_len) || !Need(clen)) return false;
        if (out_len > kMaxStringLen || out_len > clen * 128 + 64) {
          return Fail("Invalid LZF length");
        }
        if (!LzfDecompress(data_.substr(pos_, clen), out_len, s)) {
          return Fail("Invalid LZF compressed string");
        }
        pos_ += clen;
        return true;
      }
    }
    return Fail(StrCat("Unknown string encoding ", len));
  }
  if (!Need(len)) return false;
  s->assign(data_.substr(pos_, len));
  pos_ += len;
  return true;
}

bool RdbReader::StringDouble(double* d) {
  uint8_t len;
  if (!Byte(&len)) return false;
  if (len == 253) return Fail("NaN score");
  if (len == 254) return *d = INFINITY, true;
  if (len == 255) return *d = -INFINITY, true;
  if (!Need(len)) return false;
  std::string_view text = data_.substr(pos_, len);
  pos_ += len;
  return ParseDouble(text, d) || Fail("Invalid double");
}

bool RdbReader::BinaryDouble(double* d) {
  uint64_t bits;
  if (!Le(8, &bits)) return false;
  memcpy(d, &bits, sizeof *d);
  return !std::isnan(*d) || Fail("NaN score");
}

bool RdbReader::StreamIdRaw(uint64_t* ms, uint64_t* seq) {
  return BigEndian64(ms) && BigEndian64(seq);
}

bool RdbReader::Packed(uint8_t type, std::vector<std::string>* elements) {
  std::string blob;
  if (!String(&blob)) return false;
  bool ok;
  switch (type) {
    case rdb::kTypeSetIntset:
      ok = DecodeIntset(blob, elements);
      break;
    case rdb::kTypeListZiplist:
    case rdb::kTypeZSetZiplist:
    case rdb::kTypeHashZiplist:
    case rdb::kTypeListQuicklist:
      ok = DecodeZiplist(blob, elements);
      break;
    default:
      ok = DecodeListpack(blob, elements);
  }
  return ok || Fail("Corrupt packed encoding (listpack, ziplist or intset)");
}

bool RdbReader::ModuleField(uint64_t opcode) {
  uint64_t op = 0;
  if (!Len(&op)) return false;
  return op == opcode || Fail("Corrupt module value: unexpected field type");
}

bool RdbReader::ModuleUint(uint64_t* v) { return ModuleField(rdb::kModuleOpUint) && Len(v); }

bool RdbReader::ModuleSint(int64_t* v) {
  uint64_t u;
  if (!ModuleField(rdb::kModuleOpSint) || !Len(&u)) return false;
  *v = static_cast<int64_t>(u);
  return true;
}

bool RdbReader::ModuleString(std::string* s) {
  return ModuleField(rdb::kModuleOpString) && String(s);
}

bool RdbReader::ModuleCount(uint64_t* n) {
  if (!ModuleUint(n)) return false;
  return *n <= data_.size() - pos_ || Fail("Corrupt module value: count past the end");
}

bool RdbReader::ModuleEof() { return ModuleField(rdb::kModuleOpEof); }

bool RdbReader::Mtimes(std::string_view value,
                       const std::function<void(const std::vector<int64_t>&)>& on_mtimes) {
  std::vector<int64_t> mtimes;
  if (!ParseMtimes(value, &mtimes)) return Fail("Corrupt mtime record");
  if (mtimes.size() != run_.size()) {
    return Fail("Corrupt mtime record: its count is not the number of keys before it");
  }
  // Only the keys on_key got (an empty value is dropped, as Redis drops it).
  size_t kept = 0;
  for (size_t i = 0; i < run_.size(); ++i) {
    if (run_[i]) mtimes[kept++] = mtimes[i];
  }
  mtimes.resize(kept);
  run_.clear();
  if (on_mtimes) on_mtimes(mtimes);
  return true;
}

void RdbReader::EndRun(const std::function<void(const std::vector<int64_t>&)>& on_mtimes) {
  if (run_.empty()) return;
  run_.clear();
  if (on_mtimes) on_mtimes({});
}

std::string RdbReader::Read(const std::function<void(LoadedKey&&)>& on_key,
                            const std::function<void(KeyMetaRecord&&)>& on_meta,
                            const std::function<void(const std::vector<int64_t>&)>& on_mtimes) {
  if (data_.size() < 9 || data_.substr(0, 5) != "REDIS") {
    return "Wrong signature trying to load DB from file: not an RDB file";
  }
  for (size_t i = 5; i < 9; ++i) {
    if (data_[i] < '0' || data_[i] > '9') return "Wrong signature: bad RDB version";
  }
  version_ = atoi(std::string(data_.substr(5, 4)).c_str());
  if (version_ < 1 || version_ > rdb::kMaxReadVersion) {
    return StrCat("Can't handle RDB format version ", version_);
  }
  if (version_ >= 5) {
    if (data_.size() < 9 + 1 + 8) return "Unexpected end of file: the RDB file is truncated";
    uint64_t stored = 0;
    for (int i = 7; i >= 0; --i) {
      stored = (stored << 8) | static_cast<uint8_t>(data_[data_.size() - 8 + i]);
    }
    if (stored != 0 && Crc64(0, data_.substr(0, data_.size() - 8)) != stored) {
      return "Wrong RDB checksum: the file is corrupt or truncated";
    }
  }
  pos_ = 9;
  int db = 0;
  int64_t expire_ms = 0;
  for (;;) {
    uint8_t op;
    if (!Byte(&op)) return error_;
    uint64_t a, b;
    std::string s1, s2;
    switch (op) {
      case rdb::kOpExpireTime:
        if (!Le(4, &a)) return error_;
        expire_ms = static_cast<int64_t>(static_cast<int32_t>(a)) * 1000;
        continue;
      case rdb::kOpExpireTimeMs:
        if (!Le(8, &a)) return error_;
        expire_ms = static_cast<int64_t>(a);
        continue;
      case rdb::kOpIdle:
        if (!Len(&a)) return error_;
        continue;
      case rdb::kOpFreq:
        if (!Byte(&op)) return error_;
        continue;
      case rdb::kOpSelectDb:
        EndRun(on_mtimes);
        if (!Len(&a)) return error_;
        if (a >= static_cast<uint64_t>(limits_.databases)) {
          Fail(StrCat("FATAL: Data file was created with a Redis server configured to handle "
                      "more than ", limits_.databases, " databases"));
          return error_;
        }
        db = static_cast<int>(a);
        continue;
      case rdb::kOpResizeDb:
        if (!Len(&a) || !Len(&b)) return error_;
        continue;
      case rdb::kOpAux:
        if (!String(&s1) || !String(&s2)) return error_;
        if (s1 == kMtimesAux) {
          if (!Mtimes(s2, on_mtimes)) return error_;
          continue;
        }
        aux_.emplace_back(std::move(s1), std::move(s2));
        continue;
      case rdb::kOpFunction2:
        // A function library: Shoal has no FUNCTION support, so the code is skipped.
        if (!String(&s1)) return error_;
        continue;
      case rdb::kOpFunction:
        Fail("Pre-release function format (RDB_OPCODE_FUNCTION) is not supported");
        return error_;
      case rdb::kOpModuleAux: {
        // Only Shoal's own: a key's tags, retention and hold (rdb_shoal.h).
        KeyMetaRecord record;
        if (!Len(&a) || !Len(&b)) return error_;
        if (a != kMetaModuleId || b != rdb::kModuleOpUint) {
          Fail("The RDB file contains module data (MODULE_AUX), which Shoal cannot load");
          return error_;
        }
        if (!Len(&b) || !ReadKeyMeta(*this, &record)) return error_;
        if (on_meta) on_meta(std::move(record));
        continue;
      }
      case rdb::kOpEof:
        EndRun(on_mtimes);
        if (version_ >= 5 && pos_ != data_.size() - 8) {
          Fail("Unexpected data after the EOF opcode");
          return error_;
        }
        return "";
      default:
        break;
    }
    LoadedKey key;
    key.db = db;
    key.expire_ms = expire_ms;
    expire_ms = 0;
    if (!String(&key.key) || !Value(op, &key)) return error_;
    const bool kept = key.type == ObjType::kString || key.object != nullptr;
    // A Shoal file closes a run at kMtimesPerRecord keys: a longer one has no mtimes (a
    // Redis file), and is dropped as it goes, so that memory stays bounded.
    if (run_.size() == kMtimesPerRecord) EndRun(on_mtimes);
    run_.push_back(kept);
    if (kept) on_key(std::move(key));
  }
}

bool RdbReader::Value(uint8_t type, LoadedKey* out) {
  switch (type) {
    case rdb::kTypeString:
      out->type = ObjType::kString;
      return String(&out->str);
    case rdb::kTypeList:
    case rdb::kTypeListZiplist:
    case rdb::kTypeListQuicklist:
    case rdb::kTypeListQuicklist2:
      return ListValue(type, out);
    case rdb::kTypeSet:
    case rdb::kTypeSetIntset:
    case rdb::kTypeSetListpack:
      return SetValue(type, out);
    case rdb::kTypeZSet:
    case rdb::kTypeZSet2:
    case rdb::kTypeZSetZiplist:
    case rdb::kTypeZSetListpack:
      return ZSetValue(type, out);
    case rdb::kTypeHash:
    case rdb::kTypeHashZiplist:
    case rdb::kTypeHashListpack:
      return HashValue(type, out);
    case rdb::kTypeStreamListpacks:
    case rdb::kTypeStreamListpacks2:
    case rdb::kTypeStreamListpacks3:
      return StreamValue(type, out);
    case rdb::kTypeHashZipmap:
      return Fail("Hashes in the zipmap encoding (RDB files of Redis < 2.6) are not supported");
    case rdb::kTypeModule2: {
      // Only Shoal's own: a versioned secret (rdb_shoal.h).
      uint64_t id;
      if (!Len(&id)) return false;
      if (id != kKv2ModuleId) return Fail("The RDB file contains a module type, which Shoal cannot load");
      out->type = ObjType::kKv2;
      return ReadKv2(*this, &out->object);
    }
    case rdb::kTypeModule:
      return Fail("The RDB file contains a module type, which Shoal cannot load");
  }
  return Fail(StrCat("Unknown RDB value type ", static_cast<int>(type)));
}

// An empty collection is skipped (Redis 7 skips empty keys when loading): out->object
// stays null.
bool RdbReader::ListValue(uint8_t type, LoadedKey* out) {
  std::vector<std::string> items;
  uint64_t n;
  if (type == rdb::kTypeList) {
    if (!Count(&n, 1)) return false;
    items.resize(n);
    for (std::string& s : items) {
      if (!String(&s)) return false;
    }
  } else if (type == rdb::kTypeListZiplist) {
    if (!Packed(type, &items)) return false;
  } else {
    if (!Count(&n, 2)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t container = rdb::kContainerPacked;
      if (type == rdb::kTypeListQuicklist2) {
        if (!Len(&container)) return false;
        if (container != rdb::kContainerPlain && container != rdb::kContainerPacked) {
          return Fail("Unknown quicklist node container");
        }
      }
      if (container == rdb::kContainerPlain) {
        items.emplace_back();
        if (!String(&items.back())) return false;
      } else if (!Packed(type, &items)) {
        return false;
      }
    }
  }
  out->type = ObjType::kList;
  if (items.empty()) return true;
  auto list = std::make_unique<engine::ListObject>();
  for (const std::string& v : items) {
    list->PrepareGrow(v.size(), 1, limits_.list_fill);
    list->items().PushBack(v, limits_.list_fill);
  }
  out->object = std::move(list);
  return true;
}

bool RdbReader::SetValue(uint8_t type, LoadedKey* out) {
  std::vector<std::string> members;
  if (type == rdb::kTypeSet) {
    uint64_t n;
    if (!Count(&n, 1)) return false;
    members.resize(n);
    for (std::string& s : members) {
      if (!String(&s)) return false;
    }
  } else if (!Packed(type, &members)) {
    return false;
  }
  out->type = ObjType::kSet;
  if (members.empty()) return true;
  auto set = engine::SetObject::Create(members[0], members.size(), limits_.set);
  for (const std::string& m : members) {
    if (!set->Add(m, limits_.set)) return Fail("Duplicate set members detected");
  }
  out->object = std::move(set);
  return true;
}

bool RdbReader::ZSetValue(uint8_t type, LoadedKey* out) {
  std::vector<std::pair<std::string, double>> items;
  if (type == rdb::kTypeZSet || type == rdb::kTypeZSet2) {
    uint64_t n;
    if (!Count(&n, 2)) return false;
    items.resize(n);
    for (auto& [member, score] : items) {
      if (!String(&member)) return false;
      if (!(type == rdb::kTypeZSet ? StringDouble(&score) : BinaryDouble(&score))) return false;
    }
  } else {
    std::vector<std::string> e;
    if (!Packed(type, &e)) return false;
    if (e.size() % 2 != 0) return Fail("Odd number of sorted set listpack elements");
    for (size_t i = 0; i < e.size(); i += 2) {
      double score;
      if (!ParseDouble(e[i + 1], &score)) return Fail("Invalid sorted set score");
      items.emplace_back(std::move(e[i]), score);
    }
  }
  out->type = ObjType::kZSet;
  if (items.empty()) return true;
  auto zset = std::make_unique<engine::ZSetObject>();
  size_t max_len = 0;
  for (const auto& item : items) max_len = std::max(max_len, item.first.size());
  zset->PrepareFor(items.size(), max_len, limits_.zset);
  for (const auto& [member, score] : items) {
    if (zset->Score(member)) return Fail("Duplicate sorted set members detected");
    zset->Insert(member, score, limits_.zset);
  }
  out->object = std::move(zset);
  return true;
}

bool RdbReader::HashValue(uint8_t type, LoadedKey* out) {
  std::vector<std::string> e;
  if (type == rdb::kTypeHash) {
    uint64_t n;
    if (!Count(&n, 2)) return false;
    e.resize(2 * n);
    for (std::string& s : e) {
      if (!String(&s)) return false;
    }
  } else {
    if (!Packed(type, &e)) return false;
    if (e.size() % 2 != 0) return Fail("Odd number of hash listpack elements");
  }
  out->type = ObjType::kHash;
  if (e.empty()) return true;
  auto hash = std::make_unique<engine::HashObject>();
  for (size_t i = 0; i < e.size(); i += 2) {
    if (!hash->Set(e[i], e[i + 1], limits_.hash)) return Fail("Duplicate hash fields detected");
  }
  out->object = std::move(hash);
  return true;
}

// t_stream.c's node layout; see RdbWriter::StreamValue.
bool RdbReader::StreamValue(uint8_t type, LoadedKey* out) {
  auto stream = std::make_unique<engine::StreamObject>();
  uint64_t nodes;
  if (!Count(&nodes, 2)) return false;
  for (uint64_t n = 0; n < nodes; ++n) {
    std::string master_key;
    if (!String(&master_key)) return false;
    if (master_key.size() != 16) return Fail("Stream node key entry is not the size of a stream ID");
    engine::StreamId master;
    for (int i = 0; i < 8; ++i) master.ms = (master.ms << 8) | static_cast<uint8_t>(master_key[i]);
    for (int i = 8; i < 16; ++i) master.seq = (master.seq << 8) | static_cast<uint8_t>(master_key[i]);
    std::vector<std::string> e;
    if (!Packed(rdb::kTypeStreamListpacks, &e)) return false;
    if (e.empty()) return Fail("Empty listpack inside stream");
    size_t i = 0;
    int64_t count, deleted, master_fields;
    if (!NextInt(e, &i, &count) || !NextInt(e, &i, &deleted) ||
        !NextInt(e, &i, &master_fields) || master_fields < 0 ||
        static_cast<uint64_t>(master_fields) > e.size() - i) {
      return Fail("Corrupt stream node header");
    }
    const size_t fields_at = i;
    i += static_cast<size_t>(master_fields);
    int64_t zero;
    if (!NextInt(e, &i, &zero) || zero != 0) return Fail("Corrupt stream master entry");
    std::vector<std::string_view> fields;
    while (i < e.size()) {
      int64_t flags, ms_delta, seq_delta, lp_count;
      if (!NextInt(e, &i, &flags) || !NextInt(e, &i, &ms_delta) || !NextInt(e, &i, &seq_delta)) {
        return Fail("Corrupt stream entry");
      }
      fields.clear();
      if (flags & rdb::kStreamItemSameFields) {
        if (static_cast<uint64_t>(master_fields) > e.size() - i) return Fail("Corrupt stream entry");
        for (int64_t f = 0; f < master_fields; ++f) {
          fields.push_back(e[fields_at + static_cast<size_t>(f)]);
          fields.push_back(e[i++]);
        }
      } else {
        int64_t nf;
        if (!NextInt(e, &i, &nf) || nf < 0 || static_cast<uint64_t>(nf) > (e.size() - i) / 2) {
          return Fail("Corrupt stream entry");
        }
        for (int64_t f = 0; f < 2 * nf; ++f) fields.push_back(e[i++]);
      }
      if (!NextInt(e, &i, &lp_count)) return Fail("Corrupt stream entry");
      if (flags & rdb::kStreamItemDeleted) continue;
      engine::StreamId id{master.ms + static_cast<uint64_t>(ms_delta),
                          master.seq + static_cast<uint64_t>(seq_delta)};
      if (stream->size() > 0 && !(id > stream->LastEntryId())) {
        return Fail("Stream entry IDs are not in increasing order");
      }
      stream->Append(id, fields);
    }
  }
  uint64_t length, added = 0;
  engine::StreamId last, first, max_deleted;
  if (!Len(&length) || !Len(&last.ms) || !Len(&last.seq)) return false;
  if (type != rdb::kTypeStreamListpacks) {
    if (!Len(&first.ms) || !Len(&first.seq) || !Len(&max_deleted.ms) ||
        !Len(&max_deleted.seq) || !Len(&added)) {
      return false;
    }
  } else {
    added = length;
  }
  if (length != stream->size()) return Fail("Stream length does not match its entries");
  if (stream->size() > 0 && last < stream->LastEntryId()) return Fail("Stream last ID too small");
  stream->set_last_id(last);
  stream->set_max_deleted_entry_id(max_deleted);
  stream->set_entries_added(added);
  uint64_t groups;
  if (!Count(&groups, 4)) return false;
  for (uint64_t g = 0; g < groups; ++g) {
    std::string name;
    engine::StreamObject::Group group;
    uint64_t entries_read = static_cast<uint64_t>(-1);
    if (!String(&name) || !Len(&group.last_id.ms) || !Len(&group.last_id.seq)) return false;
    if (type != rdb::kTypeStreamListpacks && !Len(&entries_read)) return false;
    group.entries_read = static_cast<int64_t>(entries_read);
    uint64_t pending;
    if (!Count(&pending, 16 + 8 + 1)) return false;
    for (uint64_t p = 0; p < pending; ++p) {
      engine::StreamId id;
      uint64_t time, delivery_count;
      if (!StreamIdRaw(&id.ms, &id.seq) || !Le(8, &time) || !Len(&delivery_count)) return false;
      engine::StreamObject::PendingEntry& entry = group.pel[id];
      entry.delivery_time = static_cast<int64_t>(time);
      entry.delivery_count = delivery_count;
    }
    uint64_t consumers;
    if (!Count(&consumers, 1 + 8 + 1)) return false;
    for (uint64_t c = 0; c < consumers; ++c) {
      std::string cname;
      uint64_t seen, active, owned;
      if (!String(&cname) || !Le(8, &seen)) return false;
      active = seen;
      if (type == rdb::kTypeStreamListpacks3 && !Le(8, &active)) return false;
      engine::StreamObject::Consumer& consumer = group.consumers[cname];
      consumer.seen_time = static_cast<int64_t>(seen);
      consumer.active_time = static_cast<int64_t>(active);
      if (!Count(&owned, 16)) return false;
      for (uint64_t p = 0; p < owned; ++p) {
        engine::StreamId id;
        if (!StreamIdRaw(&id.ms, &id.seq)) return false;
        auto it = group.pel.find(id);
        if (it == group.pel.end()) return Fail("Consumer pending entry not in the group's PEL");
        if (!it->second.consumer.empty()) return Fail("Pending entry owned by two consumers");
        it->second.consumer = cname;
        consumer.pending.insert(id);
      }
    }
    for (const auto& [id, entry] : group.pel) {
      if (entry.consumer.empty()) return Fail("Group pending entry without a consumer");
    }
    if (!stream->groups().emplace(std::move(name), std::move(group)).second) {
      return Fail("Duplicated consumer group name");
    }
  }
  out->type = ObjType::kStream;
  out->object = std::move(stream);
  return true;
}

}  // namespace shoal::persistence
