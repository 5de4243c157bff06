// Parsing of command arguments with Redis's exact rules (util.c string2ll, string2d,
// string2ld), and the number formatting Redis uses in replies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::engine {

// The most elements HRANDFIELD / ZRANDMEMBER / SRANDMEMBER return for a negative count
// (with repeats). Redis has no limit and streams such a reply into an unbounded buffer; a
// count like -2^62 would take the server down, so larger ones get "value is out of range".
inline constexpr int64_t kMaxRandomRepeats = int64_t{1} << 24;

// The [count [WITH...]] of HRANDFIELD / ZRANDMEMBER (and SRANDMEMBER without an option),
// as Redis checks them before the key: args[2] is the count, args[3] the option when
// `option` is not empty. Sets *count and *with_option; returns "" or the error to reply.
std::string_view ParseRandomCount(const std::string_view* args, size_t argc, std::string_view option,
                                  int64_t* count, bool* with_option);

// Redis string2ll: optional '-', digits, no '+', no spaces, no leading zeros, in range.
bool ParseInt64(std::string_view s, int64_t* value);
// Redis string2d (scores, timeouts): strtod over the whole text, no leading space, no NaN.
bool ParseDouble(std::string_view s, double* value);
// Redis string2ld (INCRBYFLOAT, HINCRBYFLOAT): long double, no leading space, no NaN.
bool ParseLongDouble(std::string_view s, long double* value);
// Redis ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a bare '.') removed.
std::string FormatLongDouble(long double value);
// A blocking command's timeout, Redis's getTimeoutFromObjectOrReply: seconds as a
// (long) double, 0 for forever. Sets *deadline_ms (absolute, 0 for forever) and returns
// "" or the error text to reply.
std::string_view ParseBlockTimeout(std::string_view text, int64_t now_ms, int64_t* deadline_ms);

// The arguments of ZMPOP, LMPOP and their blocking forms from numkeys (args[numkeys_idx])
// on: numkeys keys, then one of two ends (MIN|MAX, LEFT|RIGHT), then [COUNT n], checked as
// Redis's zmpopGenericCommand / lmpopGenericCommand check them.
struct MPopArgs {
  size_t first_key = 0, key_count = 0;
  bool second_end = false;  // MAX, RIGHT
  size_t count = 1;
};
// Returns "" or the error to reply.
std::string_view ParseMPopArgs(const std::string_view* args, size_t argc, size_t numkeys_idx,
                               std::string_view first_end, std::string_view second_end,
                               MPopArgs* a);

// Case-insensitive equality with an ASCII option name such as "nx".
bool IsOption(std::string_view arg, std::string_view option);

}  // namespace shoal::engine
