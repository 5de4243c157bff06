#include "src/http/http_message.h"

#include "protocol/strings.h"

namespace shoal::http {

HttpResponse HttpResponse::Text(int status, std::string_view text) {
  HttpResponse r;
  r.status = status;
  r.body = StrCat(text, "\n");
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

void WriteResponse(const HttpResponse& response, bool head, bool close, std::string* out) {
  StrAppend(out, "HTTP/1.1 ", response.status, " ", ReasonPhrase(response.status), "\r\n");
  // RFC 9110: a 204 or 304 carries no Content-Length and no body.
  bool bodyless = response.status == 204 || response.status == 304;
  if (!bodyless) StrAppend(out, "Content-Length: ", response.body.size(), "\r\n");
  if (!response.content_type.empty()) {
    StrAppend(out, "Content-Type: ", response.content_type, "\r\n");
  }
  if (!response.etag.empty()) StrAppend(out, "ETag: \"", response.etag, "\"\r\n");
  for (const auto& [name, value] : response.headers) StrAppend(out, name, ": ", value, "\r\n");
  if (close) out->append("Connection: close\r\n");
  out->append("\r\n");
  if (!head && !bodyless) out->append(response.body);
}

}  // namespace shoal::http
