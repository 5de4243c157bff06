// How the HTTP front's {workspace, namespace, key} paths map onto RESP keys, one to one.
//
//   ws:<len(workspace)>:<workspace>:<len(namespace)>:<namespace>:<key>
//
// Lengths are decimal byte counts of the percent-decoded segments, so a key is read back
// unambiguously from the left: "a/b" + "c" gives ws:3:a/b:1:c:... and "a" + "b/c" gives
// ws:1:a:3:b/c:..., and no two paths share a key. The user's key is everything after the
// namespace and may hold any bytes (slashes too). No hash tag: a namespace's keys spread
// over every shard, and listing visits them all (KEYS with ListPattern, then sorted).
//
// Redis users see the same keys: `GET ws:7:default:5:users:alice` over RESP reads what
// `PUT /api2/default/users/alice` wrote, and the other way round.
#pragma once

#include <string>
#include <string_view>

namespace shoal::http {

// The RESP key of one HTTP key.
std::string KeyFor(std::string_view workspace, std::string_view ns, std::string_view key);
// What every RESP key of workspace/namespace starts with: KeyFor(workspace, ns, "").
std::string NamespacePrefix(std::string_view workspace, std::string_view ns);
// A Redis glob that matches exactly the keys of workspace/namespace whose user key starts
// with `prefix` (glob characters in all three are escaped).
std::string ListPattern(std::string_view workspace, std::string_view ns, std::string_view prefix);
// The inverse of KeyFor: false when `resp_key` is not of that form.
bool ParseKey(std::string_view resp_key, std::string* workspace, std::string* ns,
              std::string* key);

// Decodes %XX escapes (and, in a query string, '+' as a space). False on a malformed
// escape ("%4", "%zz").
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out);

}  // namespace shoal::http
