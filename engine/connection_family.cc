// Placeholder until this family is written: every handler replies an error.
#include "engine/command_context.h"
#include "engine/families.h"

namespace shoal::engine {

void CmdPing(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdEcho(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdHello(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdAuth(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdQuit(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdReset(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdSelect(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientId(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientSetName(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientGetName(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientList(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientInfo(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientKill(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientSetInfo(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientReply(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientNoEvict(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }
void CmdClientHelp(CommandContext& ctx) { ctx.Error("ERR not implemented yet"); }

}  // namespace shoal::engine
