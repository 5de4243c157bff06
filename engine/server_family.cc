// Placeholder until this family is written: every handler replies an error.
#include "engine/command_context.h"
#include "engine/families.h"

namespace shoal::engine {

void CmdCommand(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdCommandCount(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdCommandInfo(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdCommandDocs(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdCommandList(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdCommandGetKeys(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdCommandHelp(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdInfo(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdConfigGet(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdConfigSet(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdConfigResetStat(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdConfigRewrite(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdConfigHelp(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdTime(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdDebug(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdShutdown(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdLastSave(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }

}  // namespace shoal::engine
