#include "src/http/key_mapping.h"

#include "protocol/strings.h"

namespace shoal::http {
namespace {

constexpr std::string_view kKeyPrefix = "ws:";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = AsciiLower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void AppendGlobEscaped(std::string_view text, std::string* out) {
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
}

// Reads "<len>:<bytes>:" from the front of *in into *segment.
bool ReadSegment(std::string_view* in, std::string* segment) {
  size_t colon = in->find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 19) return false;
  int64_t len;
  if (!SimpleAtoi(in->substr(0, colon), &len) || len < 0) return false;
  if (StrCat(len) != in->substr(0, colon)) return false;  // canonical lengths only
  in->remove_prefix(colon + 1);
  if (static_cast<uint64_t>(len) >= in->size() || (*in)[len] != ':') return false;
  segment->assign(in->substr(0, len));
  in->remove_prefix(len + 1);
  return true;
}

}  // namespace

std::string NamespacePrefix(std::string_view workspace, std::string_view ns) {
  return StrCat(kKeyPrefix, workspace.size(), ":", workspace, ":", ns.size(), ":", ns, ":");
}

std::string KeyFor(std::string_view workspace, std::string_view ns, std::string_view key) {
  return StrCat(NamespacePrefix(workspace, ns), key);
}

std::string ListPattern(std::string_view workspace, std::string_view ns,
                        std::string_view prefix) {
  std::string pattern;
  AppendGlobEscaped(KeyFor(workspace, ns, prefix), &pattern);
  pattern.push_back('*');
  return pattern;
}

bool ParseKey(std::string_view resp_key, std::string* workspace, std::string* ns,
              std::string* key) {
  if (resp_key.substr(0, kKeyPrefix.size()) != kKeyPrefix) return false;
  resp_key.remove_prefix(kKeyPrefix.size());
  if (!ReadSegment(&resp_key, workspace) || !ReadSegment(&resp_key, ns)) return false;
  key->assign(resp_key);
  return true;
}

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexDigit(in[i + 1]), lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

}  // namespace shoal::http
