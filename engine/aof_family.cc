// The append-only file's commands. The file itself is the server's (src/persistence/aof.h),
// reached through the engine's Journal (journal.h); INFO persistence shows its state
// (server_family.cc).
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"

namespace shoal::engine {

// BGREWRITEAOF: compacts the AOF in the background (Redis's bgrewriteaofCommand).
void CmdBgRewriteAof(CommandContext& ctx) {
  Journal* journal = ctx.engine().journal();
  if (journal == nullptr) return ctx.Error(errors::kAofOff);
  if (!journal->StartRewrite()) return ctx.Error(errors::kAofRewriteInProgress);
  ctx.reply.SimpleString("Background append only file rewriting started");
}

}  // namespace shoal::engine
