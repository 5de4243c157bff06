// MULTI, EXEC, DISCARD, WATCH and UNWATCH. The transaction state lives in the session
// (session.h explains how commands are queued and how EXEC runs them atomically across
// shards); these handlers only check the state and reply.
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"

namespace shoal::engine {

void CmdMulti(CommandContext& ctx) {
  if (ctx.session.in_multi()) return ctx.Error(errors::kMultiNested);
  ctx.session.BeginMulti();
  ctx.reply.Ok();
}

void CmdExec(CommandContext& ctx) {
  if (!ctx.session.in_multi()) return ctx.Error(errors::kExecWithoutMulti);
  ctx.session.Exec(ctx);
}

void CmdDiscard(CommandContext& ctx) {
  if (!ctx.session.in_multi()) return ctx.Error(errors::kDiscardWithoutMulti);
  ctx.session.DiscardMulti();
  ctx.reply.Ok();
}

void CmdWatch(CommandContext& ctx) {
  if (ctx.session.in_multi()) return ctx.Error(errors::kWatchInMulti);
  for (size_t i = 1; i < ctx.argc(); ++i) ctx.session.Watch(ctx, ctx.arg(i));
  ctx.reply.Ok();
}

void CmdUnwatch(CommandContext& ctx) {
  ctx.session.Unwatch();
  ctx.reply.Ok();
}

}  // namespace shoal::engine
