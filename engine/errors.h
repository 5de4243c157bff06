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
inline constexpr std::string_view kSelectNotAllowed = "ERR SELECT is not allowed in cluster mode";
inline constexpr std::string_view kCountOutOfRange = "ERR value is out of range, must be positive";

// "ERR wrong number of arguments for 'get' command" (name as Redis spells it: lower case,
// "config|get" for a subcommand).
std::string WrongArgs(std::string_view command);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t n);
// "ERR unknown subcommand 'foo'. Try CONFIG HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view command);
// "ERR invalid expire time in 'set' command"
std::string InvalidExpire(std::string_view command);

}  // namespace shoal::engine::errors
