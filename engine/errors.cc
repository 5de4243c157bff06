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

std::string UnsupportedOption(std::string_view option) {
  return StrCat("ERR Unsupported option ", option);
}

std::string HelloSyntax(std::string_view option) {
  return StrCat("ERR Syntax error in HELLO option '", option, "'");
}

std::string ClientAttrInvalid(std::string_view attr) {
  return StrCat("ERR ", attr, " cannot contain spaces, newlines or special characters.");
}

std::string UnrecognizedOption(std::string_view option) {
  return StrCat("ERR Unrecognized option '", option, "'");
}

std::string UnknownClientType(std::string_view type) {
  return StrCat("ERR Unknown client type '", type, "'");
}

std::string NoSuchUser(std::string_view user) { return StrCat("ERR No such user '", user, "'"); }

std::string UnknownConfigOption(std::string_view name) {
  return StrCat("ERR Unknown option or number of arguments for CONFIG SET - '", name, "'");
}

std::string ConfigSetFailed(std::string_view name, std::string_view why) {
  return StrCat("ERR CONFIG SET failed (possibly related to argument '", name, "') - ", why);
}

std::string ConfigRewriteFailed(std::string_view why) {
  return StrCat("ERR Rewriting config file: ", why);
}

std::string SubcommandSyntax(std::string_view sub, std::string_view command) {
  return StrCat("ERR unknown subcommand or wrong number of arguments for '", sub.substr(0, 128),
                "'. Try ", ToUpper(command), " HELP.");
}

std::string StreamUnbalanced(std::string_view command, char symbol) {
  return StrCat("ERR Unbalanced '", command, "' list of streams: for each stream key an ID or '",
                std::string_view(&symbol, 1), "' must be specified.");
}

std::string NoGroupForRead(std::string_view key, std::string_view group) {
  return StrCat("NOGROUP No such key '", key, "' or consumer group '", group,
                "' in XREADGROUP with GROUP option");
}

std::string NoGroup(std::string_view key, std::string_view group) {
  return StrCat("NOGROUP No such consumer group '", group, "' for key name '", key, "'");
}

std::string XClaimUnknownOption(std::string_view option) {
  return StrCat("ERR Unrecognized XCLAIM option '", option, "'");
}

std::string NoKeyOrGroup(std::string_view key, std::string_view group) {
  return StrCat("NOGROUP No such key '", key, "' or consumer group '", group, "'");
}

std::string Locked(std::string_view key, std::string_view why) {
  return StrCat("LOCKED key '", key, "' is ", why);
}

std::string TooManyTags(size_t limit) { return StrCat("ERR a key holds at most ", limit, " tags"); }

std::string TagTooLong(size_t key_len, size_t value_len) {
  return StrCat("ERR tag names are 1 to ", key_len, " bytes and tag values up to ", value_len,
                " bytes");
}

std::string SubscriberMode(std::string_view command) {
  return StrCat("ERR Can't execute '", command,
                "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
                "in this context");
}

}  // namespace shoal::engine::errors
