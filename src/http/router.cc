#include "src/http/router.h"

#include <algorithm>

#include "engine/config.h"
#include "engine/digest.h"
#include "protocol/reply_value.h"
#include "protocol/strings.h"
#include "src/http/jwt_auth.h"
#include "src/http/key_mapping.h"
#include "src/http/metrics.h"

namespace shoal::http {
namespace {

using protocol::Value;

// The path split at '/', each segment percent-decoded, and the query's `prefix`.
struct Target {
  std::vector<std::string> segments;  // empty segments kept ("/a//b" has three)
  std::string key_rest;               // decoded path after the third segment, for keys
  std::string prefix;
};

// Splits "/api2/ws/ns/k/with/slashes?prefix=p". The key is everything after the namespace,
// so it may hold '/'. False on a malformed percent escape.
bool ParseTarget(std::string_view url, size_t key_segment, Target* t) {
  std::string_view path = url, query;
  if (size_t q = url.find('?'); q != std::string_view::npos) {
    path = url.substr(0, q);
    query = url.substr(q + 1);
  }
  if (path.empty() || path[0] != '/') return false;
  path.remove_prefix(1);
  while (true) {
    if (t->segments.size() == key_segment) {
      if (!PercentDecode(path, false, &t->key_rest)) return false;
      t->segments.push_back(t->key_rest);
      break;
    }
    size_t slash = path.find('/');
    std::string decoded;
    if (!PercentDecode(path.substr(0, slash), false, &decoded)) return false;
    t->segments.push_back(std::move(decoded));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == "prefix") {
      if (!PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true,
                         &t->prefix)) {
        return false;
      }
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return true;
}

HttpResponse MethodNotAllowed(std::string_view allow) {
  HttpResponse r = HttpResponse::Text(405, "method not allowed");
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

// If-Match: "*" or one MD5 ETag (quoted or bare). "" with *error set otherwise.
std::string ParseIfMatch(std::string_view value, bool* error) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value == "*") return "*";
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  *error = !engine::IsMd5Hex(value);
  return *error ? "" : ToLower(value);
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      StrAppend(out, "\\u00", std::string_view(&kHex[u >> 4], 1), std::string_view(&kHex[u & 15], 1));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// True when If-None-Match `list` ("*", or ETags separated by commas, quoted or bare, W/
// allowed as RFC 9110's weak comparison permits on GET) names `etag`.
bool NamesEtag(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view tag = list.substr(0, comma);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
    if (EqualsIgnoreCase(tag, etag)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool IsWrite(std::string_view method) { return method == "PUT" || method == "POST"; }

}  // namespace

void Plan::SetCommand(std::vector<std::string> args) {
  args_ = std::move(args);
  command_.assign(args_.begin(), args_.end());
}

Plan Plan::For(const HttpRequest& req, const engine::Config& config, int64_t now_sec) {
  Plan plan;
  std::string_view url = req.url;
  std::string_view path = url.substr(0, url.find('?'));
  bool get = req.method == "GET" || req.method == "HEAD";
  if (path == "/healthz" || path == "/metrics") {
    if (!get) {
      plan.response_ = MethodNotAllowed("GET, HEAD");
    } else if (path == "/healthz") {
      plan.response_ = HttpResponse::Text(200, "ok");
    } else {
      plan.kind_ = Kind::kMetrics;
      plan.SetCommand({"info", "everything"});
    }
    return plan;
  }
  // /api2/{ws}/{ns}[/{key}] or /api/{ns}[/{key}]: the key is segment 3 or 2.
  bool v2 = path == "/api2" || path.substr(0, 6) == "/api2/";
  bool v1 = !v2 && (path == "/api" || path.substr(0, 5) == "/api/");
  if (!v1 && !v2) {
    plan.response_ = HttpResponse::Text(404, "not found");
    return plan;
  }
  if (std::string secret = config.GetString("http-token-secret"); !secret.empty()) {
    std::string why = CheckBearer(req.authorization, secret, now_sec);
    if (!why.empty()) {
      plan.response_ = HttpResponse::Text(401, why);
      plan.response_.headers.emplace_back("WWW-Authenticate", "Bearer");
      return plan;
    }
  }
  size_t key_segment = v2 ? 3 : 2;
  Target t;
  if (!ParseTarget(url, key_segment, &t)) {
    plan.response_ = HttpResponse::Text(400, "malformed path or query");
    return plan;
  }
  if (v1) t.segments.insert(t.segments.begin() + 1, config.GetString("http-default-workspace"));
  // segments: api, ws, ns[, key]
  if (t.segments.size() < 3 || t.segments[1].empty() || t.segments[2].empty()) {
    plan.response_ = HttpResponse::Text(404, "not found");
    return plan;
  }
  plan.workspace_ = t.segments[1];
  plan.namespace_ = t.segments[2];
  if (t.segments.size() == 3) {  // the namespace itself: a listing
    if (!get) {
      plan.response_ = MethodNotAllowed("GET, HEAD");
      return plan;
    }
    plan.kind_ = Kind::kList;
    plan.SetCommand({"keys", ListPattern(plan.workspace_, plan.namespace_, t.prefix)});
    return plan;
  }
  const std::string& key = t.segments[3];
  if (key.empty()) {
    plan.response_ = HttpResponse::Text(400, "empty key");
    return plan;
  }
  std::string resp_key = KeyFor(plan.workspace_, plan.namespace_, key);
  if (get) {
    plan.kind_ = Kind::kGet;
    if (req.has_if_none_match) plan.not_modified_if_ = req.if_none_match;
    plan.SetCommand({"get", std::move(resp_key)});
    return plan;
  }
  if (req.method == "DELETE") {
    plan.kind_ = Kind::kDelete;
    plan.SetCommand({"del", std::move(resp_key)});
    return plan;
  }
  bool write = v2 ? req.method == "PUT" : IsWrite(req.method);
  if (!write) {
    plan.response_ = MethodNotAllowed(v2 ? "GET, HEAD, PUT, DELETE" : "GET, HEAD, POST, PUT, DELETE");
    return plan;
  }
  plan.kind_ = Kind::kPut;
  bool bad = req.has_if_match && req.has_if_none_match;
  std::string match;
  if (req.has_if_match && !bad) match = ParseIfMatch(req.if_match, &bad);
  if (req.has_if_none_match && !bad) {
    std::string_view v = req.if_none_match;
    bad = v != "*";  // on a write only "*" (create, never replace) makes sense
  }
  if (bad) {
    plan.kind_ = Kind::kNone;
    plan.response_ = HttpResponse::Text(400, "bad If-Match / If-None-Match header");
    return plan;
  }
  if (req.has_if_none_match) {
    plan.created_on_insert_ = true;
    plan.SetCommand({"set", std::move(resp_key), req.body, "nx"});
  } else if (match == "*") {
    plan.SetCommand({"set", std::move(resp_key), req.body, "xx"});
  } else if (!match.empty()) {
    plan.SetCommand({"setifmd5", std::move(resp_key), req.body, match});
  } else {
    plan.SetCommand({"set", std::move(resp_key), req.body});
  }
  return plan;
}

const HttpResponse& Plan::Finish(std::string_view reply, engine::Engine* engine) {
  Value v = protocol::ParseReply(reply);
  if (v.is_error()) {
    bool wrong_type = v.str.rfind("WRONGTYPE", 0) == 0;
    response_ = HttpResponse::Text(wrong_type ? 409 : 500, v.str);
    return response_;
  }
  switch (kind_) {
    case Kind::kGet:
      if (v.is_null()) {
        response_ = HttpResponse::Text(404, "not found");
      } else {
        response_.etag = engine::Md5Hex(v.str);
        if (NamesEtag(not_modified_if_, response_.etag)) {
          response_.status = 304;  // the client's copy is current: no body
          break;
        }
        response_.status = 200;
        response_.content_type = "application/octet-stream";
        response_.body = std::move(v.str);
      }
      break;
    case Kind::kPut:
      if (v.is_null()) {
        response_ = HttpResponse::Text(412, "precondition failed");
      } else {
        response_.status = created_on_insert_ ? 201 : 204;
      }
      break;
    case Kind::kDelete:
      if (v.integer == 0) {
        response_ = HttpResponse::Text(404, "not found");
      } else {
        response_.status = 204;
      }
      break;
    case Kind::kList: {
      std::vector<std::string> keys;
      std::string ws, ns, key;
      for (const Value& e : v.elems) {
        if (ParseKey(e.str, &ws, &ns, &key) && ws == workspace_ && ns == namespace_) {
          keys.push_back(key);
        }
      }
      std::sort(keys.begin(), keys.end());
      std::string& body = response_.body;
      body = "{\"workspace\":";
      AppendJsonString(workspace_, &body);
      body += ",\"namespace\":";
      AppendJsonString(namespace_, &body);
      StrAppend(&body, ",\"count\":", keys.size(), ",\"keys\":[");
      for (size_t i = 0; i < keys.size(); ++i) {
        if (i > 0) body.push_back(',');
        AppendJsonString(keys[i], &body);
      }
      body += "]}";
      response_.status = 200;
      response_.content_type = "application/json";
      break;
    }
    case Kind::kMetrics:
      response_.status = 200;
      response_.body = FormatMetrics(v.str, *engine);
      response_.content_type = "text/plain; version=0.0.4; charset=utf-8";
      break;
    case Kind::kNone:
      break;
  }
  return response_;
}

}  // namespace shoal::http
