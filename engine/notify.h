// Keyspace notifications (Redis's notify.c): events published on
// `__keyspace@<db>__:<key>` (message: the event) and `__keyevent@<db>__:<event>` (message:
// the key), as notify-keyspace-events selects them.
//
// The flags word: K and E say which of the two channels get events; the other flags are
// event classes (g generic, $ string, l list, s set, h hash, z zset, x expired, e evicted,
// t stream, m key miss, d module, n new key; A is g$lshzxetd). An event is published when
// its class and at least one of K / E are on. Config keeps the parsed word in an atomic,
// so a family's call costs one load and one branch while notifications are off.
//
// Threads: an event is published from the thread that made the change (the key's shard),
// through the thread-safe PubSub registry; subscribers get it as any message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::engine {

class Engine;

enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1u << 0,  // K
  kNotifyKeyevent = 1u << 1,  // E
  kNotifyGeneric = 1u << 2,   // g
  kNotifyString = 1u << 3,    // $
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h
  kNotifyZset = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x
  kNotifyEvicted = 1u << 9,   // e
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m
  kNotifyModule = 1u << 12,   // d
  kNotifyNew = 1u << 13,      // n
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// Parses notify-keyspace-events ("KEA", "Ex", ""); -1 on a character Redis does not know.
int64_t ParseKeyspaceEvents(std::string_view text);
// The flags as Redis's CONFIG GET shows them ("AKE", "xE", "g$KE").
std::string FormatKeyspaceEvents(uint32_t flags);

// Publishes `event` on `key` of database `db` when `type` is enabled. Any thread.
void NotifyKeyspaceEvent(Engine& engine, uint32_t type, std::string_view event,
                         std::string_view key, int db);

}  // namespace shoal::engine
