#include "engine/digest.h"

#include <openssl/evp.h>

#include "protocol/strings.h"

namespace shoal::engine {

std::string Md5Hex(std::string_view data) {
  // Fetched once: EVP_md5() would look the algorithm up again on every call.
  static const EVP_MD* const md5 = [] {
    const EVP_MD* md = EVP_MD_fetch(nullptr, "MD5", nullptr);
    return md != nullptr ? md : EVP_md5();
  }();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, md5, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

bool IsMd5Hex(std::string_view text) {
  if (text.size() != 32) return false;
  for (char c : text) {
    char l = AsciiLower(c);
    if (!((l >= '0' && l <= '9') || (l >= 'a' && l <= 'f'))) return false;
  }
  return true;
}

}  // namespace shoal::engine
