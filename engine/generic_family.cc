// Placeholder until this family is written: every handler replies an error.
#include "engine/command_context.h"
#include "engine/families.h"

namespace shoal::engine {

void CmdDel(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdExists(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdType(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdExpire(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdPExpire(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdExpireAt(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdPExpireAt(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdTtl(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdPTtl(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdExpireTime(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdPExpireTime(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdPersist(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdRename(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdRenameNx(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdCopy(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdMove(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdKeys(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdScan(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdRandomKey(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdDbSize(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdFlushDb(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdFlushAll(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdSwapDb(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdTouch(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdObjectEncoding(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdObjectRefCount(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdObjectIdleTime(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdObjectFreq(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdObjectHelp(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdMemoryUsage(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdMemoryHelp(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }

}  // namespace shoal::engine
