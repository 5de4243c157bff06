// Redis's error replies, spelled once. Handlers reply with these and never write an error
// text inline, so clients that match on Redis's texts keep working.
#pragma once

#include <string>
#include <string_view>

namespace shoal::engine::errors {

inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNanOrInfinity =
    "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kSameObject =
    "ERR source and destination objects are the same";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
// SETIFMD5 (etag_family.cc): the digest is not 32 hex digits.
inline constexpr std::string_view kInvalidMd5 = "ERR invalid MD5 digest";
inline constexpr std::string_view kAuthNotConfigured =
    "ERR AUTH <password> called without any password configured for the default user. "
    "Are you sure your configuration is correct?";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kExpireNxXxGtLt =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtLt =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kTimeoutOutOfRange = "ERR timeout is out of range";
inline constexpr std::string_view kSelectNotAllowed = "ERR SELECT is not allowed in cluster mode";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kNotAllowedInMulti = "ERR Command not allowed inside a transaction";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kOom =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kExecAbortOom =
    "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > "
    "'maxmemory'.";
inline constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kBusy =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You "
    "can either wait the script termination or kill the server in a hard way using the "
    "SHUTDOWN NOSAVE command.";
inline constexpr std::string_view kNumKeysNegative = "ERR Number of keys can't be negative";
inline constexpr std::string_view kNumKeysTooBig =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kScriptUnknownCommand =
    "ERR Unknown Redis command called from script";
inline constexpr std::string_view kScriptWrongArgs =
    "ERR Wrong number of args calling Redis command from script";
inline constexpr std::string_view kScriptNotAllowed =
    "ERR This Redis command is not allowed from script";
inline constexpr std::string_view kScriptReadOnly =
    "ERR Write commands are not allowed from read-only scripts.";
inline constexpr std::string_view kScriptUndeclaredAfterWrite =
    "ERR Script reached a key outside its declared KEYS on another shard after writing; its "
    "next run will hold every shard (declare every key in KEYS to avoid this)";
inline constexpr std::string_view kScriptFlushArgs =
    "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
inline constexpr std::string_view kCountOutOfRange = "ERR value is out of range, must be positive";
inline constexpr std::string_view kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "ERR invalid second DB index";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
inline constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";

// Hashes (hash_family.cc).
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kValueNanOrInfinity = "ERR value is NaN or Infinity";
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
// Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) (HRANDFIELD's count).
inline constexpr std::string_view kValueOutOfLongRange =
    "ERR value is out of range, must be between -9223372036854775807 and 9223372036854775807";

// Sorted sets (zset_family.cc).
inline constexpr std::string_view kZAddXxNx =
    "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZAddGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZAddIncrPair =
    "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kZScoreNan = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kZMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kZMinMaxNotString =
    "ERR min or max not valid string range item";
inline constexpr std::string_view kZLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kZWithScoresByLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr std::string_view kZWeightNotFloat = "ERR weight value is not a float";
inline constexpr std::string_view kZLimitNegative = "ERR LIMIT can't be negative";
inline constexpr std::string_view kZNumKeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kZCountNotPositive = "ERR count should be greater than 0";

// Sets (set_family.cc).
inline constexpr std::string_view kNumKeysTooMany =
    "ERR Number of keys can't be greater than number of args";

// "ERR at least 1 input key is needed for 'zunionstore' command"
inline std::string AtLeastOneInputKey(std::string_view command) {
  return std::string("ERR at least 1 input key is needed for '").append(command).append(
      "' command");
}

// Lists (list_family.cc).
inline constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kLPosRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or "
    "use negative to start from the end of the list";
inline constexpr std::string_view kLPosCountNegative = "ERR COUNT can't be negative";
inline constexpr std::string_view kLPosMaxLenNegative = "ERR MAXLEN can't be negative";
// Streams (stream_family.cc).
inline constexpr std::string_view kStreamBadId =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view kXAddIdTooSmall =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
inline constexpr std::string_view kXAddIdZero = "ERR The ID specified in XADD must be greater than 0-0";
inline constexpr std::string_view kStreamExhausted =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
inline constexpr std::string_view kStreamMaxLenMinId =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
inline constexpr std::string_view kStreamMaxLenNegative = "ERR The MAXLEN argument must be >= 0.";
inline constexpr std::string_view kStreamLimitNegative = "ERR The LIMIT argument must be >= 0.";
inline constexpr std::string_view kStreamLimitNoStrategy =
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
inline constexpr std::string_view kStreamLimitNoApprox =
    "ERR syntax error, LIMIT cannot be used without the special ~ option";
inline constexpr std::string_view kXTrimNoStrategy =
    "ERR syntax error, XTRIM must be called with a trimming strategy";
inline constexpr std::string_view kStreamInvalidStart = "ERR invalid start ID for the interval";
inline constexpr std::string_view kStreamInvalidEnd = "ERR invalid end ID for the interval";
inline constexpr std::string_view kXSetIdEntriesAdded = "ERR entries_added must be positive";
inline constexpr std::string_view kXSetIdBelowGivenMaxDeleted =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
inline constexpr std::string_view kXSetIdBelowMaxDeleted =
    "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id";
inline constexpr std::string_view kXSetIdBelowTop =
    "ERR The ID specified in XSETID is smaller than the target stream top item";
inline constexpr std::string_view kXSetIdEntriesBelowLength =
    "ERR The entries_added specified in XSETID is smaller than the target stream length";
inline constexpr std::string_view kTimeoutNotInteger = "ERR timeout is not an integer or out of range";
inline constexpr std::string_view kXReadGroupOption =
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view kXReadNoAckOption =
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view kXReadGroupMissingGroup = "ERR Missing GROUP option for XREADGROUP";
inline constexpr std::string_view kXReadGroupDollar =
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
    "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would "
    "just return an empty result set.";
inline constexpr std::string_view kXReadGreaterId =
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
    "<consumer> option.";
inline constexpr std::string_view kXReadGroupKeyGone = "UNBLOCKED the stream key no longer exists";
inline constexpr std::string_view kXReadGroupGroupGone =
    "NOGROUP the consumer group this client was blocked on no longer exists";
inline constexpr std::string_view kXGroupExists = "BUSYGROUP Consumer Group name already exists";
inline constexpr std::string_view kXGroupMkStream =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";
inline constexpr std::string_view kXGroupEntriesRead =
    "ERR value for ENTRIESREAD must be positive or -1";
inline constexpr std::string_view kXClaimBadMinIdle =
    "ERR Invalid min-idle-time argument for XCLAIM";
inline constexpr std::string_view kXClaimBadIdle = "ERR Invalid IDLE option argument for XCLAIM";
inline constexpr std::string_view kXClaimBadTime = "ERR Invalid TIME option argument for XCLAIM";
inline constexpr std::string_view kXClaimBadRetryCount =
    "ERR Invalid RETRYCOUNT option argument for XCLAIM";
inline constexpr std::string_view kXAutoClaimBadMinIdle =
    "ERR Invalid min-idle-time argument for XAUTOCLAIM";
inline constexpr std::string_view kXAutoClaimCount = "ERR COUNT must be > 0";
// "ERR Unrecognized XCLAIM option 'foo'"
std::string XClaimUnknownOption(std::string_view option);
// "NOGROUP No such key 'k' or consumer group 'g'" (XPENDING, XCLAIM, XAUTOCLAIM)
std::string NoKeyOrGroup(std::string_view key, std::string_view group);
// "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified."
std::string StreamUnbalanced(std::string_view command, char symbol);
// "NOGROUP No such key 'k' or consumer group 'g' in XREADGROUP with GROUP option"
std::string NoGroupForRead(std::string_view key, std::string_view group);
// "NOGROUP No such consumer group 'g' for key name 'k'"
std::string NoGroup(std::string_view key, std::string_view group);

// Connection and server commands (connection_family.cc, server_family.cc).
inline constexpr std::string_view kProtoVersionNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
    "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
    "select the RESP protocol version at the same time";
inline constexpr std::string_view kClientNameInvalid =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
inline constexpr std::string_view kClientIdNotPositive = "ERR client-id should be greater than 0";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kInvalidCommandSpecified = "ERR Invalid command specified";
inline constexpr std::string_view kNoKeyArguments = "ERR The command has no key arguments";
inline constexpr std::string_view kInvalidArgumentCount =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kInvalidArguments = "ERR Invalid arguments specified for command";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";
inline constexpr std::string_view kShutdownFailed = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kAofRewriteInProgress =
    "ERR Background append only file rewriting already in progress";
// Shoal rewrites only an AOF it is writing (Redis would create the files).
inline constexpr std::string_view kAofOff = "ERR The append only file is off (appendonly no)";
inline constexpr std::string_view kShutdownAbortFailed =
    "ERR Errors trying to abort SHUTDOWN. Check logs.";
// Snapshots (SAVE, BGSAVE, DEBUG RELOAD). Redis replies a bare "ERR" when SAVE fails and
// logs the reason.
inline constexpr std::string_view kNoPersistence =
    "ERR persistence is not available: no Persistence is installed (embedded engine)";
inline constexpr std::string_view kSaveFailed = "ERR";
inline constexpr std::string_view kBgSaveInProgress = "ERR Background save already in progress";
inline constexpr std::string_view kBgSaveWhileRewriting =
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE "
    "in order to schedule a BGSAVE whenever possible.";
inline constexpr std::string_view kReloadFailed =
    "ERR Error trying to load the RDB dump, check server logs.";

// Versioned secrets (kv2_family.cc), in OpenBao's words.
inline constexpr std::string_view kCasMismatch =
    "CASMISMATCH check-and-set parameter did not match the current version";
inline constexpr std::string_view kCasRequired =
    "ERR check-and-set parameter required for this call";
inline constexpr std::string_view kKv2NoLiveVersion =
    "ERR no live version to patch: the latest version is missing, deleted or destroyed";
inline constexpr std::string_view kKv2BadVersion =
    "ERR version must be a positive integer";
inline constexpr std::string_view kKv2BadMaxVersions =
    "ERR max-versions must be an integer between 0 and 4294967295";
inline constexpr std::string_view kKv2CustomLimits =
    "ERR custom metadata allows at most 64 keys, keys up to 128 bytes and values up to 512 bytes";
inline constexpr std::string_view kInvalidRetention =
    "ERR invalid retention: give a positive number of seconds or a future unix time in ms";
inline constexpr std::string_view kRetentionShortened =
    "ERR a retention can be extended, not shortened";
inline constexpr std::string_view kRetentionClearNeedsAdmin =
    "NOPERM RETAIN CLEAR needs admin rights (AUTH admin <admin-password>)";
inline constexpr std::string_view kFlushLocked =
    "LOCKED the database holds retained or held keys";

// "LOCKED key 'k' is retained" / "... is held": a write refused by a retention or a hold.
std::string Locked(std::string_view key, std::string_view why);
// "ERR a key holds at most 10 tags"
std::string TooManyTags(size_t limit);
// "ERR tag names are 1 to 128 bytes and tag values up to 256 bytes"
std::string TagTooLong(size_t key_len, size_t value_len);

// "ERR wrong number of arguments for 'get' command" (name as Redis spells it: lower case,
// "config|get" for a subcommand).
std::string WrongArgs(std::string_view command);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t n);
// "ERR unknown subcommand 'foo'. Try CONFIG HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view command);
// "ERR invalid expire time in 'set' command"
std::string InvalidExpire(std::string_view command);
// "ERR Unsupported option foo" (EXPIRE's NX/XX/GT/LT parser)
std::string UnsupportedOption(std::string_view option);
// "ERR Syntax error in HELLO option 'foo'"
std::string HelloSyntax(std::string_view option);
// "ERR lib-name cannot contain spaces, newlines or special characters." (CLIENT SETINFO)
std::string ClientAttrInvalid(std::string_view attr);
// "ERR Unrecognized option 'foo'" (CLIENT SETINFO)
std::string UnrecognizedOption(std::string_view option);
// "ERR Unknown client type 'foo'"
std::string UnknownClientType(std::string_view type);
// "ERR No such user 'foo'"
std::string NoSuchUser(std::string_view user);
// "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
std::string UnknownConfigOption(std::string_view name);
// "ERR CONFIG SET failed (possibly related to argument 'foo') - why"
std::string ConfigSetFailed(std::string_view name, std::string_view why);
// "ERR Rewriting config file: why"
std::string ConfigRewriteFailed(std::string_view why);
// CLIENT TRACKING / CLIENT CACHING (networking.c).
inline constexpr std::string_view kTrackingOneRedirect =
    "ERR A client can only redirect to a single other client";
inline constexpr std::string_view kTrackingNoRedirectTarget =
    "ERR The client ID you want redirect to does not exist";
inline constexpr std::string_view kTrackingPrefixNeedsBcast =
    "ERR PREFIX option requires BCAST mode to be enabled";
inline constexpr std::string_view kTrackingBcastSwitch =
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
    "then re-enabling it with a different mode.";
inline constexpr std::string_view kTrackingOptWithBcast =
    "ERR OPTIN and OPTOUT are not compatible with BCAST";
inline constexpr std::string_view kTrackingOptinAndOptout =
    "ERR You can't specify both OPTIN mode and OPTOUT mode";
inline constexpr std::string_view kTrackingOptSwitch =
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and "
    "then re-enabling it with a different mode.";
inline constexpr std::string_view kCachingNeedsOptMode =
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
    "OPTOUT mode enabled";
inline constexpr std::string_view kCachingYesNeedsOptin =
    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
inline constexpr std::string_view kCachingNoNeedsOptout =
    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";

// "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET
// are allowed in this context" (a RESP2 client in subscriber mode)
std::string SubscriberMode(std::string_view command);
// "ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP."
std::string SubcommandSyntax(std::string_view sub, std::string_view command);

}  // namespace shoal::engine::errors
