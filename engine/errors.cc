#include "engine/errors.h"

#include "protocol/strings.h"

namespace shoal::engine::errors {

std::string WrongArgs(std::string_view command) {
  return StrCat("ERR wrong number of arguments for '", ToLower(command),
                      "' command");
}

std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t n) {
  // As Redis's processCommand: each argument as "'%.*s' " while the list is under 128
  // bytes, each cut to what is left of those 128.
  std::string list;
  for (size_t i = 0; i < n && list.size() < 128; ++i) {
    StrAppend(&list, "'", args[i].substr(0, 128 - list.size()), "' ");
  }
  return StrCat("ERR unknown command '", name.substr(0, 128),
                      "', with args beginning with: ", list);
}

std::string UnknownSubcommand(std::string_view sub, std::string_view command) {
  return StrCat("ERR unknown subcommand '", sub.substr(0, 128), "'. Try ",
                      ToUpper(command), " HELP.");
}

std::string InvalidExpire(std::string_view command) {
  return StrCat("ERR invalid expire time in '", ToLower(command),
                      "' command");
}

}  // namespace shoal::engine::errors
