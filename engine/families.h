// The handlers of every command family, for the command table. Each family's file
// (string_family.cc, generic_family.cc, ...) defines its handlers; the table in
// command_table.cc is the only place that lists them.
#pragma once

#include <string>

#include "engine/command_table.h"

namespace shoal::engine {

class CommandContext;
#define SHOAL_HANDLER(name) void name(CommandContext& ctx)

// string_family.cc
SHOAL_HANDLER(CmdGet); SHOAL_HANDLER(CmdSet); SHOAL_HANDLER(CmdSetNx); SHOAL_HANDLER(CmdSetEx);
SHOAL_HANDLER(CmdPSetEx); SHOAL_HANDLER(CmdGetSet); SHOAL_HANDLER(CmdGetDel);
SHOAL_HANDLER(CmdGetEx); SHOAL_HANDLER(CmdMGet); SHOAL_HANDLER(CmdMSet);
SHOAL_HANDLER(CmdMSetNx); SHOAL_HANDLER(CmdIncr); SHOAL_HANDLER(CmdDecr);
SHOAL_HANDLER(CmdIncrBy); SHOAL_HANDLER(CmdDecrBy); SHOAL_HANDLER(CmdIncrByFloat);
SHOAL_HANDLER(CmdAppend); SHOAL_HANDLER(CmdStrLen); SHOAL_HANDLER(CmdGetRange);
SHOAL_HANDLER(CmdSetRange);

// etag_family.cc
SHOAL_HANDLER(CmdSetIfMd5);

// hash_family.cc
SHOAL_HANDLER(CmdHSet); SHOAL_HANDLER(CmdHSetNx); SHOAL_HANDLER(CmdHGet); SHOAL_HANDLER(CmdHMGet);
SHOAL_HANDLER(CmdHMSet); SHOAL_HANDLER(CmdHGetAll); SHOAL_HANDLER(CmdHDel); SHOAL_HANDLER(CmdHLen);
SHOAL_HANDLER(CmdHExists); SHOAL_HANDLER(CmdHKeys); SHOAL_HANDLER(CmdHVals);
SHOAL_HANDLER(CmdHIncrBy); SHOAL_HANDLER(CmdHIncrByFloat); SHOAL_HANDLER(CmdHStrLen);
SHOAL_HANDLER(CmdHRandField); SHOAL_HANDLER(CmdHScan);

// zset_family.cc
SHOAL_HANDLER(CmdZAdd); SHOAL_HANDLER(CmdZIncrBy); SHOAL_HANDLER(CmdZRem); SHOAL_HANDLER(CmdZCard);
SHOAL_HANDLER(CmdZScore); SHOAL_HANDLER(CmdZMScore); SHOAL_HANDLER(CmdZRank);
SHOAL_HANDLER(CmdZRevRank); SHOAL_HANDLER(CmdZCount); SHOAL_HANDLER(CmdZLexCount);
SHOAL_HANDLER(CmdZRange); SHOAL_HANDLER(CmdZRangeStore); SHOAL_HANDLER(CmdZRevRange);
SHOAL_HANDLER(CmdZRangeByScore); SHOAL_HANDLER(CmdZRevRangeByScore);
SHOAL_HANDLER(CmdZRangeByLex); SHOAL_HANDLER(CmdZRevRangeByLex);
SHOAL_HANDLER(CmdZRemRangeByScore); SHOAL_HANDLER(CmdZRemRangeByRank);
SHOAL_HANDLER(CmdZRemRangeByLex); SHOAL_HANDLER(CmdZPopMin); SHOAL_HANDLER(CmdZPopMax);
SHOAL_HANDLER(CmdZMPop); SHOAL_HANDLER(CmdBZMPop); SHOAL_HANDLER(CmdBZPopMin); SHOAL_HANDLER(CmdBZPopMax);
SHOAL_HANDLER(CmdZPopByScore); SHOAL_HANDLER(CmdBZPopByScore); SHOAL_HANDLER(CmdZRandMember);
SHOAL_HANDLER(CmdZScan); SHOAL_HANDLER(CmdZUnion); SHOAL_HANDLER(CmdZUnionStore);
SHOAL_HANDLER(CmdZInter); SHOAL_HANDLER(CmdZInterStore); SHOAL_HANDLER(CmdZDiff);
SHOAL_HANDLER(CmdZDiffStore); SHOAL_HANDLER(CmdZInterCard);
// Key specs of the numkeys commands: "numkeys key..." at args[1] (ZUNION, ZMPOP, ...) and
// "dst numkeys key..." (ZUNIONSTORE, ...). Nothing past an invalid numkeys.
void ZNumKeysKeys(ArgList args, KeyList* keys);
void ZStoreNumKeysKeys(ArgList args, KeyList* keys);
void PopByScoreKeys(ArgList args, KeyList* keys);  // BZPOPBYSCORE

// set_family.cc (SINTERCARD's keys: ZNumKeysKeys)
SHOAL_HANDLER(CmdSAdd); SHOAL_HANDLER(CmdSRem); SHOAL_HANDLER(CmdSMembers);
SHOAL_HANDLER(CmdSIsMember); SHOAL_HANDLER(CmdSMIsMember); SHOAL_HANDLER(CmdSCard);
SHOAL_HANDLER(CmdSPop); SHOAL_HANDLER(CmdSRandMember); SHOAL_HANDLER(CmdSMove);
SHOAL_HANDLER(CmdSInter); SHOAL_HANDLER(CmdSInterCard); SHOAL_HANDLER(CmdSUnion);
SHOAL_HANDLER(CmdSDiff); SHOAL_HANDLER(CmdSInterStore); SHOAL_HANDLER(CmdSUnionStore);
SHOAL_HANDLER(CmdSDiffStore); SHOAL_HANDLER(CmdSScan);
// list_family.cc
SHOAL_HANDLER(CmdLPush); SHOAL_HANDLER(CmdRPush); SHOAL_HANDLER(CmdLPushX); SHOAL_HANDLER(CmdRPushX);
SHOAL_HANDLER(CmdLPop); SHOAL_HANDLER(CmdRPop); SHOAL_HANDLER(CmdLLen); SHOAL_HANDLER(CmdLRange);
SHOAL_HANDLER(CmdLIndex); SHOAL_HANDLER(CmdLSet); SHOAL_HANDLER(CmdLInsert); SHOAL_HANDLER(CmdLRem);
SHOAL_HANDLER(CmdLTrim); SHOAL_HANDLER(CmdLPos); SHOAL_HANDLER(CmdLMove); SHOAL_HANDLER(CmdRPopLPush);
SHOAL_HANDLER(CmdLMPop); SHOAL_HANDLER(CmdBLPop); SHOAL_HANDLER(CmdBRPop); SHOAL_HANDLER(CmdBLMPop);
SHOAL_HANDLER(CmdBLMove); SHOAL_HANDLER(CmdBRPopLPush);
// Key specs of LMPOP numkeys key... and BLMPOP timeout numkeys key...
void LMPopKeys(ArgList args, KeyList* keys);
void BLMPopKeys(ArgList args, KeyList* keys);
// stream_family.cc, stream_group_family.cc
SHOAL_HANDLER(CmdXAdd); SHOAL_HANDLER(CmdXLen); SHOAL_HANDLER(CmdXRange); SHOAL_HANDLER(CmdXRevRange);
SHOAL_HANDLER(CmdXDel); SHOAL_HANDLER(CmdXTrim); SHOAL_HANDLER(CmdXSetId); SHOAL_HANDLER(CmdXRead);
SHOAL_HANDLER(CmdXInfoStream); SHOAL_HANDLER(CmdXInfoGroups); SHOAL_HANDLER(CmdXInfoConsumers);
SHOAL_HANDLER(CmdXInfoHelp); SHOAL_HANDLER(CmdXGroupCreate); SHOAL_HANDLER(CmdXGroupSetId);
SHOAL_HANDLER(CmdXGroupDestroy); SHOAL_HANDLER(CmdXGroupCreateConsumer);
SHOAL_HANDLER(CmdXGroupDelConsumer); SHOAL_HANDLER(CmdXGroupHelp); SHOAL_HANDLER(CmdXReadGroup);
SHOAL_HANDLER(CmdXAck); SHOAL_HANDLER(CmdXPending); SHOAL_HANDLER(CmdXClaim);
SHOAL_HANDLER(CmdXAutoClaim);
// XREAD / XREADGROUP keys: the first half of the arguments after STREAMS.
void XReadKeys(ArgList args, KeyList* keys);

// generic_family.cc (keys and keyspaces)
SHOAL_HANDLER(CmdDel); SHOAL_HANDLER(CmdExists); SHOAL_HANDLER(CmdType);
SHOAL_HANDLER(CmdExpire); SHOAL_HANDLER(CmdPExpire); SHOAL_HANDLER(CmdExpireAt);
SHOAL_HANDLER(CmdPExpireAt); SHOAL_HANDLER(CmdTtl); SHOAL_HANDLER(CmdPTtl);
SHOAL_HANDLER(CmdExpireTime); SHOAL_HANDLER(CmdPExpireTime); SHOAL_HANDLER(CmdPersist);
SHOAL_HANDLER(CmdRename); SHOAL_HANDLER(CmdRenameNx); SHOAL_HANDLER(CmdCopy);
SHOAL_HANDLER(CmdMove); SHOAL_HANDLER(CmdKeys); SHOAL_HANDLER(CmdScan);
SHOAL_HANDLER(CmdRandomKey); SHOAL_HANDLER(CmdDbSize); SHOAL_HANDLER(CmdFlushDb);
SHOAL_HANDLER(CmdFlushAll); SHOAL_HANDLER(CmdSwapDb); SHOAL_HANDLER(CmdTouch);
SHOAL_HANDLER(CmdObjectEncoding); SHOAL_HANDLER(CmdObjectRefCount);
SHOAL_HANDLER(CmdObjectIdleTime); SHOAL_HANDLER(CmdObjectFreq); SHOAL_HANDLER(CmdObjectMTime); SHOAL_HANDLER(CmdObjectHelp);
SHOAL_HANDLER(CmdMemoryUsage); SHOAL_HANDLER(CmdMemoryHelp);

// multi_family.cc
SHOAL_HANDLER(CmdMulti); SHOAL_HANDLER(CmdExec); SHOAL_HANDLER(CmdDiscard); SHOAL_HANDLER(CmdWatch);
SHOAL_HANDLER(CmdUnwatch);

// script_family.cc
SHOAL_HANDLER(CmdEval); SHOAL_HANDLER(CmdEvalSha); SHOAL_HANDLER(CmdEvalRo);
SHOAL_HANDLER(CmdEvalShaRo); SHOAL_HANDLER(CmdScriptLoad); SHOAL_HANDLER(CmdScriptExists);
SHOAL_HANDLER(CmdScriptFlush); SHOAL_HANDLER(CmdScriptKill); SHOAL_HANDLER(CmdScriptHelp);
// EVAL's keys: args[2] is numkeys, the keys follow.
void EvalKeys(ArgList args, KeyList* keys);
// The script's SHA: EVALSHA's argument (lower case), or the SHA1 of EVAL's body.
std::string ScriptSha(ArgList args, bool by_sha);

// kv2_family.cc (versioned secrets)
SHOAL_HANDLER(CmdKv2Put); SHOAL_HANDLER(CmdKv2Patch); SHOAL_HANDLER(CmdKv2Get);
SHOAL_HANDLER(CmdKv2Metadata); SHOAL_HANDLER(CmdKv2Delete); SHOAL_HANDLER(CmdKv2Undelete);
SHOAL_HANDLER(CmdKv2Destroy); SHOAL_HANDLER(CmdKv2Config); SHOAL_HANDLER(CmdKv2List);
SHOAL_HANDLER(CmdKv2Restore);

// tag_family.cc, retention_family.cc (key tags, retention locks, legal holds)
SHOAL_HANDLER(CmdHMerge);  // hash_family.cc
SHOAL_HANDLER(CmdTagSet); SHOAL_HANDLER(CmdTagGet); SHOAL_HANDLER(CmdTagDel);
SHOAL_HANDLER(CmdTagFind); SHOAL_HANDLER(CmdTagSetPrefix); SHOAL_HANDLER(CmdTagDelKeys);
SHOAL_HANDLER(CmdRetain); SHOAL_HANDLER(CmdLegalHold);
// The retention guard, before every write command's handler: false after replying -LOCKED
// (unless `reply_error` is false: a blocked client's serve, which then leaves it blocked).
bool WriteAllowed(CommandContext& ctx, bool reply_error = true);
// Whether a database (the session's, or any with all_dbs) holds a retained or held key now.
bool AnyKeyLocked(CommandContext& ctx, bool all_dbs);

// connection_family.cc
SHOAL_HANDLER(CmdPing); SHOAL_HANDLER(CmdEcho); SHOAL_HANDLER(CmdHello); SHOAL_HANDLER(CmdAuth);
SHOAL_HANDLER(CmdQuit); SHOAL_HANDLER(CmdReset); SHOAL_HANDLER(CmdSelect);
SHOAL_HANDLER(CmdClientId); SHOAL_HANDLER(CmdClientSetName); SHOAL_HANDLER(CmdClientGetName);
SHOAL_HANDLER(CmdClientList); SHOAL_HANDLER(CmdClientInfo); SHOAL_HANDLER(CmdClientKill);
SHOAL_HANDLER(CmdClientSetInfo); SHOAL_HANDLER(CmdClientReply); SHOAL_HANDLER(CmdClientNoEvict);
SHOAL_HANDLER(CmdClientHelp);

// server_family.cc
SHOAL_HANDLER(CmdCommand); SHOAL_HANDLER(CmdCommandCount); SHOAL_HANDLER(CmdCommandInfo);
SHOAL_HANDLER(CmdCommandDocs); SHOAL_HANDLER(CmdCommandList); SHOAL_HANDLER(CmdCommandGetKeys);
SHOAL_HANDLER(CmdCommandHelp); SHOAL_HANDLER(CmdInfo); SHOAL_HANDLER(CmdConfigGet);
SHOAL_HANDLER(CmdConfigSet); SHOAL_HANDLER(CmdConfigResetStat); SHOAL_HANDLER(CmdConfigRewrite);
SHOAL_HANDLER(CmdConfigHelp); SHOAL_HANDLER(CmdTime); SHOAL_HANDLER(CmdDebug);
SHOAL_HANDLER(CmdShutdown); SHOAL_HANDLER(CmdLastSave);
SHOAL_HANDLER(CmdSave); SHOAL_HANDLER(CmdBgSave);
SHOAL_HANDLER(CmdBgRewriteAof);

// pubsub_family.cc
SHOAL_HANDLER(CmdSubscribe); SHOAL_HANDLER(CmdUnsubscribe); SHOAL_HANDLER(CmdPSubscribe);
SHOAL_HANDLER(CmdPUnsubscribe); SHOAL_HANDLER(CmdSSubscribe); SHOAL_HANDLER(CmdSUnsubscribe);
SHOAL_HANDLER(CmdPublish); SHOAL_HANDLER(CmdSPublish); SHOAL_HANDLER(CmdPubSubChannels);
SHOAL_HANDLER(CmdPubSubShardChannels); SHOAL_HANDLER(CmdPubSubNumSub);
SHOAL_HANDLER(CmdPubSubShardNumSub); SHOAL_HANDLER(CmdPubSubNumPat); SHOAL_HANDLER(CmdPubSubHelp);
// tracking_family.cc
SHOAL_HANDLER(CmdClientTracking); SHOAL_HANDLER(CmdClientCaching); SHOAL_HANDLER(CmdClientGetRedir);
SHOAL_HANDLER(CmdClientTrackingInfo);

#undef SHOAL_HANDLER

}  // namespace shoal::engine
