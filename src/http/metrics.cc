#include "src/http/metrics.h"

#include <cstdio>

#include "engine/engine.h"
#include "engine/shard.h"
#include "engine/stats.h"
#include "protocol/strings.h"

namespace shoal::http {
namespace {

using engine::LatencyHistogram;

void Header(std::string* out, std::string_view name, std::string_view type,
            std::string_view help) {
  StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

// A label value with \, " and newline escaped.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// The value of `field` in a "a=1,b=2" list; "0" when absent.
std::string_view Field(std::string_view list, std::string_view field) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view pair = list.substr(0, comma);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == field) return pair.substr(eq + 1);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return "0";
}

// Calls fn(name, value) for every "name:value" line of INFO's text.
template <typename Fn>
void ForEachInfoLine(std::string_view info, Fn fn) {
  while (!info.empty()) {
    size_t nl = info.find('\n');
    std::string_view line = info.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t colon = line.find(':');
    if (!line.empty() && line[0] != '#' && colon != std::string_view::npos) {
      fn(line.substr(0, colon), line.substr(colon + 1));
    }
    if (nl == std::string_view::npos) break;
    info.remove_prefix(nl + 1);
  }
}

std::string Seconds(uint64_t usec) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.10g", static_cast<double>(usec) / 1e6);
  return buf;
}

void WriteLatency(engine::Engine& engine, std::string* out) {
  uint64_t buckets[LatencyHistogram::kBuckets] = {};
  uint64_t sum_usec = 0;
  for (unsigned s = 0; s < engine.shard_count(); ++s) {
    const LatencyHistogram& h = engine.shard(s).stats().latency;
    for (size_t i = 0; i < LatencyHistogram::kBuckets; ++i) buckets[i] += h.buckets[i].Get();
    sum_usec += h.sum_usec.Get();
  }
  constexpr std::string_view kName = "shoal_command_duration_seconds";
  Header(out, kName, "histogram", "Time spent running commands (power-of-two microsecond buckets).");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < LatencyHistogram::kBuckets; ++i) {
    cumulative += buckets[i];
    std::string le = i + 1 < LatencyHistogram::kBuckets
                         ? Seconds(LatencyHistogram::UpperBoundUsec(i))
                         : std::string("+Inf");
    StrAppend(out, kName, "_bucket{le=\"", le, "\"} ", cumulative, "\n");
  }
  StrAppend(out, kName, "_sum ", Seconds(sum_usec), "\n", kName, "_count ", cumulative, "\n");
}

}  // namespace

std::string FormatMetrics(std::string_view info, engine::Engine& engine) {
  std::string calls, failed, keys, expires;
  std::string gauges;  // the single-valued lines, in INFO's order
  struct Single {
    std::string_view field, name, type, help;
  };
  static constexpr Single kSingles[] = {
      {"connected_clients", "shoal_connected_clients", "gauge", "Client connections (RESP and HTTP)."},
      {"used_memory", "shoal_used_memory_bytes", "gauge", "Bytes allocated by the server."},
      {"total_connections_received", "shoal_connections_received_total", "counter", "Connections accepted."},
      {"total_commands_processed", "shoal_commands_processed_total", "counter", "Commands run."},
      {"expired_keys", "shoal_expired_keys_total", "counter", "Keys removed because their TTL passed."},
      {"evicted_keys", "shoal_evicted_keys_total", "counter", "Keys evicted under maxmemory."},
      {"keyspace_hits", "shoal_keyspace_hits_total", "counter", "Successful key lookups."},
      {"keyspace_misses", "shoal_keyspace_misses_total", "counter", "Failed key lookups."},
  };
  ForEachInfoLine(info, [&](std::string_view name, std::string_view value) {
    if (name.substr(0, 8) == "cmdstat_") {
      std::string label = LabelValue(name.substr(8));
      StrAppend(&calls, "shoal_command_calls_total{cmd=\"", label, "\"} ", Field(value, "calls"), "\n");
      StrAppend(&failed, "shoal_command_failed_calls_total{cmd=\"", label, "\"} ",
                Field(value, "failed_calls"), "\n");
      return;
    }
    if (name.size() > 2 && name.substr(0, 2) == "db" && name.find_first_not_of("0123456789", 2) == std::string_view::npos) {
      std::string_view db = name.substr(2);
      StrAppend(&keys, "shoal_db_keys{db=\"", db, "\"} ", Field(value, "keys"), "\n");
      StrAppend(&expires, "shoal_db_keys_with_expiry{db=\"", db, "\"} ", Field(value, "expires"), "\n");
      return;
    }
    for (const Single& s : kSingles) {
      if (name != s.field) continue;
      Header(&gauges, s.name, s.type, s.help);
      StrAppend(&gauges, s.name, " ", value, "\n");
    }
  });
  std::string out = std::move(gauges);
  Header(&out, "shoal_command_calls_total", "counter", "Calls per command.");
  out += calls;
  Header(&out, "shoal_command_failed_calls_total", "counter", "Calls per command that replied an error.");
  out += failed;
  Header(&out, "shoal_db_keys", "gauge", "Keys per database.");
  out += keys;
  Header(&out, "shoal_db_keys_with_expiry", "gauge", "Keys with a TTL per database.");
  out += expires;
  WriteLatency(engine, &out);
  return out;
}

}  // namespace shoal::http
