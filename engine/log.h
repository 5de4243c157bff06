// The server log: lines on stderr in Redis's format ("pid:M 23 Nov 2026 05:40:19.123 # text").
#pragma once

#include <string_view>

namespace shoal::engine {

// A warning line ('#'); thread-safe (one fprintf per line).
void LogWarning(std::string_view message);

}  // namespace shoal::engine
