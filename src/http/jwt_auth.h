// Bearer-token authentication for the HTTP front: `Authorization: Bearer <JWT>`, HS256 only,
// signed with the `http-token-secret` directive. libjwt (Debian's libjwt-dev, C, OpenSSL
// underneath) decodes the token and checks its signature; this file adds what libjwt 1.10
// does not check itself: that the algorithm is HS256 (never `none`, HS384/512 or RSA, so a
// token cannot choose how it is verified) and that `exp` / `nbf`, when present, hold now.
// Thread-safe: no state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::http {

// "" when `authorization` (the header's value, "" when absent) carries a valid token at
// unix time `now_sec`; otherwise why not, for the 401 body.
std::string CheckBearer(std::string_view authorization, std::string_view secret, int64_t now_sec);

}  // namespace shoal::http
