#include "engine/command_context.h"

#include "engine/shard.h"
#include "protocol/strings.h"

namespace shoal::engine {

void CommandContext::Error(std::string_view message) {
  reply.Error(message);
  failed_ = true;
  Shard* shard = Shard::Current();
  if (shard != nullptr) shard->stats().CountError(message.substr(0, message.find(' ')));
}


void CommandContext::ReplyHelp(std::initializer_list<std::string_view> lines) {
  reply.Array(lines.size() + 3);
  reply.SimpleString(StrCat(ToUpper(args[0]), " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  for (std::string_view line : lines) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Print this help.");
}

}  // namespace shoal::engine
