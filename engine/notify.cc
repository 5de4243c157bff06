#include "engine/notify.h"

#include "engine/engine.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

struct FlagChar {
  char c;
  uint32_t flag;
};
// In the order Redis's keyspaceEventsFlagsToString writes the classes.
constexpr FlagChar kClasses[] = {
    {'g', kNotifyGeneric}, {'$', kNotifyString}, {'l', kNotifyList},   {'s', kNotifySet},
    {'h', kNotifyHash},    {'z', kNotifyZset},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},  {'d', kNotifyModule}, {'n', kNotifyNew}};

}  // namespace

int64_t ParseKeyspaceEvents(std::string_view text) {
  uint32_t flags = 0;
  for (char c : text) {
    switch (c) {
      case 'A': flags |= kNotifyAll; break;
      case 'K': flags |= kNotifyKeyspace; break;
      case 'E': flags |= kNotifyKeyevent; break;
      case 'm': flags |= kNotifyKeyMiss; break;
      default: {
        bool known = false;
        for (const FlagChar& f : kClasses) {
          if (f.c == c) {
            flags |= f.flag;
            known = true;
          }
        }
        if (!known) return -1;
      }
    }
  }
  return flags;
}

std::string FormatKeyspaceEvents(uint32_t flags) {
  std::string out;
  if ((flags & kNotifyAll) == kNotifyAll) {
    out += 'A';
  } else {
    for (const FlagChar& f : kClasses) {
      if (flags & f.flag) out += f.c;
    }
  }
  if (flags & kNotifyKeyspace) out += 'K';
  if (flags & kNotifyKeyevent) out += 'E';
  if (flags & kNotifyKeyMiss) out += 'm';
  return out;
}

void NotifyKeyspaceEvent(Engine& engine, uint32_t type, std::string_view event,
                         std::string_view key, int db) {
  const uint32_t flags = engine.config().GetNotifyFlags();
  if (!(flags & type)) return;
  const int64_t now = engine.clock().NowMs();
  if (flags & kNotifyKeyspace) {
    engine.pubsub().Publish(ChannelKind::kGlobal, StrCat("__keyspace@", db, "__:", key), event,
                            now);
  }
  if (flags & kNotifyKeyevent) {
    engine.pubsub().Publish(ChannelKind::kGlobal, StrCat("__keyevent@", db, "__:", event), key,
                            now);
  }
}

}  // namespace shoal::engine
