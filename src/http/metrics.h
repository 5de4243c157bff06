// /metrics: the server's counters in the Prometheus text exposition format (version 0.0.4).
//
// Most values come from INFO (run through the connection's session, so the engine gathers
// them on its own threads as it does for RESP clients): commands processed per command,
// connected clients, keys per database, used memory, expired and evicted keys. The command
// latency histogram is read from every shard's LatencyHistogram (engine/stats.h), whose
// counters any thread may read; its power-of-two microsecond buckets are printed in
// seconds, cumulatively, as Prometheus histograms are.
#pragma once

#include <string>
#include <string_view>

namespace shoal::engine {
class Engine;
}

namespace shoal::http {

// The exposition text, from the reply of `INFO everything` and the engine's histograms.
std::string FormatMetrics(std::string_view info, engine::Engine& engine);

}  // namespace shoal::http
