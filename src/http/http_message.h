// One HTTP request as the connection hands it to the router, and the response the router
// gives back. Only the headers the front acts on are kept; the parser (http_connection.cc)
// fills them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::http {

struct HttpRequest {
  std::string method;  // "GET", "PUT", ... as http_parser names it
  std::string url;     // the request target: path and query, still percent-encoded
  std::string body;
  std::string authorization;
  std::string if_match;
  std::string if_none_match;
  bool has_if_match = false;
  bool has_if_none_match = false;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type;  // none when empty
  std::string etag;          // the MD5 hex, written quoted; none when empty
  std::vector<std::pair<std::string, std::string>> headers;  // more headers (Allow, ...)

  // A response with a short text body ("not found\n").
  static HttpResponse Text(int status, std::string_view text);
};

// The reason phrase of a status code ("Not Found"); "Unknown" for codes not used here.
std::string_view ReasonPhrase(int status);

// Appends the status line, headers and body to *out. A response to HEAD gets the headers
// (Content-Length included) without the body. `close` adds "Connection: close".
void WriteResponse(const HttpResponse& response, bool head, bool close, std::string* out);

}  // namespace shoal::http
