#include "engine/object.h"

#include "protocol/strings.h"


namespace shoal::engine {
namespace {
constexpr std::string_view kNames[] = {"string", "list", "set", "zset", "hash", "stream", "kv2"};
}  // namespace

std::string_view TypeName(ObjType type) { return kNames[static_cast<int>(type)]; }

bool ParseTypeName(std::string_view name, ObjType* type) {
  for (int i = 0; i < static_cast<int>(std::size(kNames)); ++i) {
    if (EqualsIgnoreCase(name, kNames[i])) {
      *type = static_cast<ObjType>(i);
      return true;
    }
  }
  return false;
}

}  // namespace shoal::engine
