#include "src/http/jwt_auth.h"

#include <jwt.h>

#include <cerrno>
#include <memory>

#include "protocol/strings.h"

namespace shoal::http {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

// The integer claim `name` into *value; false when the token has none. A claim that is not
// a number reads as 0 (libjwt's answer), which fails the checks below.
bool IntClaim(jwt_t* jwt, const char* name, long* value) {
  errno = 0;
  *value = jwt_get_grant_int(jwt, name);
  return errno != ENOENT;
}

}  // namespace

std::string CheckBearer(std::string_view authorization, std::string_view secret,
                        int64_t now_sec) {
  if (authorization.empty()) return "missing bearer token";
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return "malformed Authorization header";
  }
  std::string token(authorization.substr(kScheme.size()));
  jwt_t* raw = nullptr;
  // With a key, jwt_decode verifies the signature by the algorithm the header names.
  int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                      static_cast<int>(secret.size()));
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  if (rc != 0 || !jwt) return "invalid token";
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return "token algorithm is not HS256";
  long exp, nbf;
  if (IntClaim(jwt.get(), "exp", &exp) && now_sec >= exp) return "token expired";
  if (IntClaim(jwt.get(), "nbf", &nbf) && now_sec < nbf) return "token not yet valid";
  return "";
}

}  // namespace shoal::http
