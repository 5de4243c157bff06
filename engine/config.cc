#include "engine/config.h"

#include <algorithm>

#include "protocol/strings.h"
#include "engine/glob.h"
#include "engine/notify.h"

namespace shoal::engine {

Config::Config() {
  using K = Kind;
  auto add = [&](std::string name, K kind, std::string value, bool mut, int64_t min = INT64_MIN,
                 int64_t max = INT64_MAX, std::vector<std::string> choices = {}) {
    Add(Param{std::move(name), kind, std::move(value), mut, min, max, std::move(choices)});
  };
  add("port", K::kInt, "6379", false, 0, 65535);
  add("bind", K::kString, "127.0.0.1", false);
  add("threads", K::kInt, "0", false, 0, 1024);
  add("databases", K::kInt, "16", false, 1, 1 << 20);
  add("timeout", K::kInt, "0", true, 0, INT32_MAX);
  add("tcp-keepalive", K::kInt, "300", true, 0, INT32_MAX);
  add("maxclients", K::kInt, "10000", true, 1, INT32_MAX);
  add("requirepass", K::kString, "", true);
  add("maxmemory", K::kMemory, "0", true, 0);
  add("maxmemory-policy", K::kEnum, "noeviction", true, 0, 0,
      {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
       "allkeys-lfu", "allkeys-random", "noeviction"});
  add("maxmemory-samples", K::kInt, "5", true, 1, 64);
  add("appendonly", K::kBool, "no", true);
  add("appendfsync", K::kEnum, "everysec", true, 0, 0, {"always", "everysec", "no"});
  add("appendfilename", K::kString, "appendonly.aof", false);
  add("appenddirname", K::kString, "appendonlydir", false);
  add("aof-load-truncated", K::kBool, "yes", true);
  add("dir", K::kString, ".", true);
  add("dbfilename", K::kString, "dump.rdb", true);
  add("save", K::kString, "", true);
  add("protected-mode", K::kBool, "yes", true);
  add("proto-max-bulk-len", K::kMemory, "536870912", true, 1024 * 1024);
  add("client-query-buffer-limit", K::kMemory, "1073741824", true, 1024 * 1024);
  add("hz", K::kInt, "10", true, 1, 500);
  add("busy-poll-us", K::kInt, "50", true, 0, 10000);
  add("loglevel", K::kEnum, "notice", true, 0, 0, {"debug", "verbose", "notice", "warning", "nothing"});
  add("logfile", K::kString, "", false);
  add("daemonize", K::kBool, "no", false);
  add("pidfile", K::kString, "", false);
  add("busy-reply-threshold", K::kInt, "5000", true, 0);
  add("lua-time-limit", K::kInt, "5000", true, 0);
  add("notify-keyspace-events", K::kString, "", true);
  params_["notify-keyspace-events"].check = [](std::string_view, std::string_view value,
                                               std::string* canonical) -> std::string {
    int64_t flags = ParseKeyspaceEvents(value);
    if (flags < 0) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    *canonical = FormatKeyspaceEvents(static_cast<uint32_t>(flags));
    return "";
  };
  add("client-output-buffer-limit", K::kString,
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", true);
  params_["client-output-buffer-limit"].check = [](std::string_view current,
                                                   std::string_view value,
                                                   std::string* canonical) -> std::string {
    OutputLimits limits;
    ParseOutputLimits(current, &limits);
    if (!ParseOutputLimits(value, &limits)) return "Invalid argument";
    *canonical = FormatOutputLimits(limits);
    return "";
  };
  add("hash-max-listpack-entries", K::kInt, "128", true, 0);
  add("hash-max-listpack-value", K::kInt, "64", true, 0);
  add("zset-max-listpack-entries", K::kInt, "128", true, 0);
  add("zset-max-listpack-value", K::kInt, "64", true, 0);
  add("list-max-listpack-size", K::kInt, "-2", true, INT32_MIN, INT32_MAX);
  AddAlias("list-max-ziplist-size", "list-max-listpack-size");
  add("list-compress-depth", K::kInt, "0", true, 0, INT32_MAX);  // stored; lists are not compressed
  add("set-max-intset-entries", K::kInt, "512", true, 0);
  add("set-max-listpack-entries", K::kInt, "128", true, 0);
  add("set-max-listpack-value", K::kInt, "64", true, 0);
  add("slowlog-log-slower-than", K::kInt, "10000", true);
  add("slowlog-max-len", K::kInt, "128", true, 0);
  add("lfu-log-factor", K::kInt, "10", true, 0);
  add("lfu-decay-time", K::kInt, "1", true, 0);
  add("active-expire", K::kBool, "yes", true);
  add("admin-password", K::kString, "", true);  // AUTH admin <password>: RETAIN CLEAR
  add("tag-max-per-key", K::kInt, "10", true, 0, 1 << 20);
  add("tag-max-key-len", K::kInt, "128", true, 1, 1 << 20);
  add("tag-max-value-len", K::kInt, "256", true, 0, 1 << 20);
  // The HTTP/JSON front (src/http/): off while http-port is 0. An empty token secret
  // turns bearer-token checks off, as an empty requirepass does for AUTH.
  add("http-port", K::kInt, "0", false, 0, 65535);
  add("http-token-secret", K::kString, "", true);
  add("http-payload-limit", K::kMemory, "2097152", true, 0);  // 2mb
  add("http-default-workspace", K::kString, "default", true);
}

void Config::Add(Param p) {
  std::string name = p.name;
  params_[name] = std::move(p);
}

void Config::AddAlias(std::string alias, std::string name) {
  aliases_[std::move(alias)] = std::move(name);
}

std::string Config::Canonical(std::string lower_name) const {
  auto it = aliases_.find(lower_name);
  return it == aliases_.end() ? lower_name : it->second;
}

std::optional<int64_t> Config::ParseMemory(std::string_view text) {
  std::string t = ToLower(text);
  int64_t mul = 1;
  struct Unit {
    const char* suffix;
    int64_t mul;
  };
  static const Unit units[] = {{"gb", 1LL << 30}, {"mb", 1LL << 20}, {"kb", 1LL << 10},
                               {"g", 1000LL * 1000 * 1000}, {"m", 1000LL * 1000}, {"k", 1000},
                               {"b", 1}};
  for (const Unit& u : units) {
    std::string_view s(u.suffix);
    if (t.size() > s.size() && t.compare(t.size() - s.size(), s.size(), s) == 0) {
      mul = u.mul;
      t.resize(t.size() - s.size());
      break;
    }
  }
  int64_t v;
  if (t.empty() || !SimpleAtoi(t, &v) || v < 0) return std::nullopt;
  if (v > INT64_MAX / mul) return std::nullopt;
  return v * mul;
}

std::string Config::Validate(const Param& p, std::string_view value, std::string* canonical) const {
  switch (p.kind) {
    case Kind::kString:
      if (p.check) return p.check(p.value, value, canonical);
      *canonical = std::string(value);
      return "";
    case Kind::kBool: {
      std::string v = ToLower(value);
      if (v != "yes" && v != "no") return "argument must be 'yes' or 'no'";
      *canonical = v;
      return "";
    }
    case Kind::kEnum: {
      std::string v = ToLower(value);
      if (std::find(p.choices.begin(), p.choices.end(), v) == p.choices.end()) {
        return "argument(s) must be one of the following: " + StrJoin(p.choices, ", ");
      }
      *canonical = v;
      return "";
    }
    case Kind::kInt:
    case Kind::kMemory: {
      std::optional<int64_t> v;
      int64_t n;
      if (p.kind == Kind::kMemory) {
        v = ParseMemory(value);
      } else if (SimpleAtoi(value, &n)) {
        v = n;
      }
      if (!v) return "argument couldn't be parsed into an integer";
      if (*v < p.min || *v > p.max) {
        return StrCat("argument must be between ", p.min, " and ", p.max, " inclusive");
      }
      *canonical = StrCat(*v);
      return "";
    }
  }
  return "";
}

bool Config::ParseSaveRules(std::string_view text,
                            std::vector<std::pair<int64_t, int64_t>>* rules) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) words.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  if (words.size() % 2 != 0) return false;
  rules->clear();
  for (size_t i = 0; i < words.size(); i += 2) {
    int64_t seconds, changes;
    if (!SimpleAtoi(words[i], &seconds) || !SimpleAtoi(words[i + 1], &changes) || seconds < 0 ||
        changes < 0) {
      return false;
    }
    rules->emplace_back(seconds, changes);
  }
  return true;
}

std::string Config::Set(std::string_view name, std::string_view value, bool startup) {
  std::string key = Canonical(ToLower(name));
  std::vector<std::pair<int64_t, int64_t>> rules;
  if (key == "save" && !ParseSaveRules(value, &rules)) {
    return "CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters";
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = params_.find(key);
    if (it == params_.end()) return "Unknown option or number of arguments for CONFIG SET - '" + std::string(name) + "'";
    if (!startup && !it->second.mutable_at_runtime) {
      return "CONFIG SET failed (possibly related to argument '" + key +
             "') - can't set immutable config";
    }
    std::string canonical;
    std::string err = Validate(it->second, value, &canonical);
    if (!err.empty()) {
      return "CONFIG SET failed (possibly related to argument '" + key + "') - " + err;
    }
    it->second.value = canonical;
    RefreshCached(key, canonical);
  }
  std::vector<std::function<void(const std::string&)>> listeners;
  {
    std::lock_guard<std::mutex> lock(mu_);
    listeners = listeners_;
  }
  for (auto& fn : listeners) fn(key);
  return "";
}

std::optional<std::string> Config::Get(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = params_.find(Canonical(ToLower(name)));
  if (it == params_.end()) return std::nullopt;
  return it->second.value;
}

bool Config::Has(std::string_view name) const { return Get(name).has_value(); }

bool Config::IsMutable(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = params_.find(Canonical(ToLower(name)));
  return it != params_.end() && it->second.mutable_at_runtime;
}

std::vector<std::pair<std::string, std::string>> Config::Match(std::string_view pattern) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, p] : params_) {
    if (GlobMatch(pattern, name, /*nocase=*/true)) out.emplace_back(name, p.value);
  }
  for (const auto& [alias, name] : aliases_) {
    if (GlobMatch(pattern, alias, /*nocase=*/true)) out.emplace_back(alias, params_.at(name).value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t Config::GetInt(std::string_view name) const {
  std::optional<std::string> v = Get(name);
  if (!v) return 0;
  if (*v == "yes") return 1;
  if (*v == "no") return 0;
  int64_t n = 0;
  (void)SimpleAtoi(*v, &n);
  return n;
}

std::string Config::GetString(std::string_view name) const { return Get(name).value_or(""); }

ListpackLimits Config::GetListpackLimits(std::string_view type) const {
  size_t base = type == "zset" ? 2 : 0;
  ListpackLimits limits;
  limits.max_listpack_entries = listpack_[base].load(std::memory_order_relaxed);
  limits.max_listpack_value = listpack_[base + 1].load(std::memory_order_relaxed);
  return limits;
}

SetLimits Config::GetSetLimits() const {
  SetLimits limits;
  limits.max_intset_entries = set_limits_[0].load(std::memory_order_relaxed);
  limits.max_listpack_entries = set_limits_[1].load(std::memory_order_relaxed);
  limits.max_listpack_value = set_limits_[2].load(std::memory_order_relaxed);
  return limits;
}

void Config::RefreshCached(const std::string& name, const std::string& value) {
  if (name == "notify-keyspace-events") {
    notify_flags_.store(static_cast<uint32_t>(std::max<int64_t>(0, ParseKeyspaceEvents(value))),
                        std::memory_order_relaxed);
    return;
  }
  if (name == "client-output-buffer-limit") {
    OutputLimits limits;
    ParseOutputLimits(value, &limits);
    StoreLimit(limits.pubsub, pubsub_limit_);
    StoreLimit(limits.normal, normal_limit_);
    return;
  }
  if (name == "list-max-listpack-size") {
    int64_t v = -2;
    SimpleAtoi(value, &v);
    list_fill_.store(static_cast<int>(v), std::memory_order_relaxed);
    return;
  }
  if (name == "busy-poll-us") {
    int64_t v = 0;
    SimpleAtoi(value, &v);
    busy_poll_us_.store(static_cast<int>(v), std::memory_order_relaxed);
    return;
  }
  static const char* const kEvictionNames[] = {"maxmemory", "maxmemory-policy", "maxmemory-samples",
                                               "lfu-log-factor", "lfu-decay-time"};
  for (size_t i = 0; i < 5; ++i) {
    if (name != kEvictionNames[i]) continue;
    int64_t v = 0;
    if (i == 1) {
      EvictionPolicy policy = EvictionPolicy::kNoEviction;
      ParseEvictionPolicy(value, &policy);
      v = static_cast<int64_t>(policy);
    } else {
      SimpleAtoi(value, &v);
    }
    eviction_[i].store(v, std::memory_order_relaxed);
    return;
  }
  static const char* const kSetNames[] = {"set-max-intset-entries", "set-max-listpack-entries",
                                          "set-max-listpack-value"};
  for (size_t i = 0; i < 3; ++i) {
    if (name != kSetNames[i]) continue;
    int64_t v = 0;
    SimpleAtoi(value, &v);
    set_limits_[i].store(static_cast<size_t>(std::max<int64_t>(0, v)), std::memory_order_relaxed);
  }
  static const char* const kNames[] = {"hash-max-listpack-entries", "hash-max-listpack-value",
                                       "zset-max-listpack-entries", "zset-max-listpack-value"};
  for (size_t i = 0; i < 4; ++i) {
    if (name != kNames[i]) continue;
    int64_t v = 0;
    SimpleAtoi(value, &v);
    listpack_[i].store(static_cast<size_t>(std::max<int64_t>(0, v)), std::memory_order_relaxed);
  }
}

void Config::OnChange(std::function<void(const std::string&)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(fn));
}

}  // namespace shoal::engine
