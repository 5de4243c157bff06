#include "engine/stream_object.h"

#include <cerrno>
#include <cstdlib>

#include "engine/args.h"
#include "engine/ds/varint.h"
#include "protocol/strings.h"

namespace shoal::engine {

bool StreamId::Incr() {
  if (seq == std::numeric_limits<uint64_t>::max()) {
    if (ms == std::numeric_limits<uint64_t>::max()) return false;
    ++ms;
    seq = 0;
  } else {
    ++seq;
  }
  return true;
}

bool StreamId::Decr() {
  if (seq == 0) {
    if (ms == 0) return false;
    --ms;
    seq = std::numeric_limits<uint64_t>::max();
  } else {
    --seq;
  }
  return true;
}

std::string StreamId::ToString() const { return StrCat(ms, "-", seq); }

namespace {
// Redis's string2ull: string2ll when it fits (and is not negative), else strtoull over the
// whole text.
bool ParseU64(std::string_view s, uint64_t* value) {
  int64_t ll;
  if (ParseInt64(s, &ll)) {
    if (ll < 0) return false;
    *value = static_cast<uint64_t>(ll);
    return true;
  }
  if (s.empty() || s.size() > 40) return false;
  std::string copy(s);
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(copy.c_str(), &end, 10);
  if (errno == EINVAL || errno == ERANGE || *end != '\0') return false;
  *value = v;
  return true;
}

}  // namespace

bool ParseStreamId(std::string_view text, bool strict, uint64_t missing_seq, StreamId* id,
                   bool* seq_star) {
  if (seq_star != nullptr) *seq_star = false;
  if (text.size() > 127) return false;
  if (!strict && text == "-") {
    *id = StreamId{};
    return true;
  }
  if (!strict && text == "+") {
    *id = StreamId::Max();
    return true;
  }
  size_t dash = text.find('-');
  StreamId parsed;
  if (dash == std::string_view::npos) {
    if (!ParseU64(text, &parsed.ms)) return false;
    parsed.seq = missing_seq;
  } else {
    if (!ParseU64(text.substr(0, dash), &parsed.ms)) return false;
    std::string_view seq = text.substr(dash + 1);
    if (seq_star != nullptr && seq == "*") {
      *seq_star = true;
      parsed.seq = 0;
    } else if (!ParseU64(seq, &parsed.seq)) {
      return false;
    }
  }
  *id = parsed;
  return true;
}

std::string StreamObject::Pack(const std::vector<std::string_view>& fields) {
  size_t bytes = 0;
  for (std::string_view f : fields) bytes += f.size() + 2;
  std::string out;
  out.reserve(bytes);
  for (std::string_view f : fields) {
    ds::AppendVarint(&out, f.size());
    out.append(f);
  }
  return out;
}

std::vector<std::string_view> StreamObject::Unpack(std::string_view packed) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < packed.size()) {
    uint64_t len;
    const char* p = ds::DecodeVarint(packed.data() + i, &len);
    i = static_cast<size_t>(p - packed.data());
    out.push_back(packed.substr(i, len));
    i += len;
  }
  return out;
}

size_t StreamObject::MemoryUsage() const {
  // Per entry: its B-tree slot, plus a sixth of a slot of node headers and slack (absl's
  // 256-byte nodes hold ~5 of these 48-byte slots), plus the packed bytes' heap chunk
  // (malloc's 8-byte header, 16-byte granules) when they outgrow std::string's inline
  // buffer. Calibrated by StreamObjectTest.BytesPerEntry against mallinfo2.
  size_t bytes = sizeof(*this);
  for (const auto& [id, packed] : entries_) {
    bytes += (sizeof(StreamId) + sizeof(std::string)) * 7 / 6;
    if (packed.capacity() > 15) bytes += (packed.capacity() + 1 + 8 + 15) / 16 * 16;
  }
  for (const auto& [name, group] : groups_) {
    bytes += sizeof(Group) + name.size() + 64;
    bytes += group.pel.size() * (sizeof(PendingEntry) + sizeof(StreamId) + 48);
    for (const auto& [cname, c] : group.consumers) {
      bytes += sizeof(Consumer) + cname.size() + 64 + c.pending.size() * 48;
    }
  }
  return bytes;
}

std::unique_ptr<Object> StreamObject::Clone() const {
  return std::make_unique<StreamObject>(*this);
}

void StreamObject::Append(StreamId id, const std::vector<std::string_view>& fields) {
  entries_.emplace_hint(entries_.end(), id, Pack(fields));
  if (entries_.size() == 1) first_id_ = id;
  last_id_ = id;
  ++entries_added_;
}

const std::string* StreamObject::Find(StreamId id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

void StreamObject::AfterRemoval() {
  first_id_ = entries_.empty() ? StreamId{} : entries_.begin()->first;
}

bool StreamObject::Delete(StreamId id) {
  if (entries_.erase(id) == 0) return false;
  if (id > max_deleted_) max_deleted_ = id;
  AfterRemoval();
  return true;
}

size_t StreamObject::TrimMaxLen(uint64_t maxlen, bool approx, uint64_t limit) {
  size_t removed = 0;
  while (entries_.size() > maxlen) {
    size_t batch = approx ? kApproxBlock : entries_.size() - maxlen;
    if (approx && (entries_.size() < batch || entries_.size() - batch < maxlen)) break;
    if (limit != 0 && removed + batch > limit) {
      if (approx) break;
      batch = limit - removed;
      if (batch == 0) break;
    }
    auto end = entries_.begin();
    std::advance(end, batch);
    entries_.erase(entries_.begin(), end);
    removed += batch;
  }
  if (removed > 0) AfterRemoval();
  return removed;
}

size_t StreamObject::TrimMinId(StreamId minid, bool approx, uint64_t limit) {
  size_t removed = 0;
  while (!entries_.empty() && entries_.begin()->first < minid) {
    size_t batch;
    if (approx) {
      if (entries_.size() < kApproxBlock) break;
      auto last = entries_.begin();
      std::advance(last, kApproxBlock - 1);
      if (!(last->first < minid)) break;  // the block holds entries to keep
      batch = kApproxBlock;
    } else {
      batch = std::distance(entries_.begin(), entries_.lower_bound(minid));
    }
    if (limit != 0 && removed + batch > limit) {
      if (approx) break;
      batch = limit - removed;
      if (batch == 0) break;
    }
    auto end = entries_.begin();
    std::advance(end, batch);
    entries_.erase(entries_.begin(), end);
    removed += batch;
  }
  if (removed > 0) AfterRemoval();
  return removed;
}

StreamObject::Group* StreamObject::FindGroup(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

bool StreamObject::HasTombstonesFrom(StreamId start) const {
  if (entries_.empty() || max_deleted_.IsZero()) return false;
  if (first_id_ > max_deleted_) return false;
  return start <= max_deleted_;
}

int64_t StreamObject::EstimateEntriesRead(StreamId id) const {
  if (entries_added_ == 0) return 0;
  if (entries_.empty() && id <= last_id_) return static_cast<int64_t>(entries_added_);
  if (id == last_id_) return static_cast<int64_t>(entries_added_);
  if (id > last_id_) return -1;
  if (max_deleted_.IsZero() || max_deleted_ < first_id_) {
    if (id < first_id_) return static_cast<int64_t>(entries_added_ - entries_.size());
    if (id == first_id_) return static_cast<int64_t>(entries_added_ - entries_.size() + 1);
  }
  return -1;
}

std::optional<int64_t> StreamObject::Lag(const Group& group) const {
  if (entries_added_ == 0) return 0;
  if (group.entries_read != -1 && !HasTombstonesFrom(group.last_id)) {
    return static_cast<int64_t>(entries_added_) - group.entries_read;
  }
  int64_t read = EstimateEntriesRead(group.last_id);
  if (read == -1) return std::nullopt;
  return static_cast<int64_t>(entries_added_) - read;
}

}  // namespace shoal::engine
