// Bearer tokens (src/http/jwt_auth.h): HS256 only, signature, exp and nbf. Tokens are built
// here by hand (base64url + HMAC from OpenSSL), so the test does not trust libjwt to make
// what it later checks.
#include "src/http/jwt_auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal::http {
namespace {

constexpr int64_t kNow = 1700000000;

std::string B64Url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63]};
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63]};
  }
  return out;
}

std::string Token(std::string_view header, std::string_view payload, std::string_view secret,
                  const EVP_MD* md = EVP_sha256()) {
  std::string input = B64Url(header) + "." + B64Url(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + B64Url(std::string_view(reinterpret_cast<char*>(mac), len));
}

constexpr std::string_view kHs256 = R"({"alg":"HS256","typ":"JWT"})";

TEST(JwtAuthTest, ValidTokens) {
  EXPECT_EQ(CheckBearer("Bearer " + Token(kHs256, R"({"sub":"a"})", "s"), "s", kNow), "");
  EXPECT_EQ(CheckBearer("bearer " + Token(kHs256, R"({"exp":1700000001})", "s"), "s", kNow), "");
  EXPECT_EQ(CheckBearer("BEARER " + Token(kHs256, R"({"nbf":1700000000})", "s"), "s", kNow), "");
}

TEST(JwtAuthTest, MissingOrMalformed) {
  EXPECT_EQ(CheckBearer("", "s", kNow), "missing bearer token");
  EXPECT_EQ(CheckBearer("Basic abc", "s", kNow), "malformed Authorization header");
  EXPECT_EQ(CheckBearer("Bearer", "s", kNow), "malformed Authorization header");
  EXPECT_EQ(CheckBearer("Bearer ", "s", kNow), "malformed Authorization header");
  for (const char* t : {"Bearer x", "Bearer a.b", "Bearer a.b.c", "Bearer ...", "Bearer !!.??.##"}) {
    EXPECT_EQ(CheckBearer(t, "s", kNow), "invalid token") << t;
  }
}

TEST(JwtAuthTest, WrongSignatureOrTamperedPayload) {
  EXPECT_EQ(CheckBearer("Bearer " + Token(kHs256, R"({"sub":"a"})", "other"), "s", kNow),
            "invalid token");
  std::string good = Token(kHs256, R"({"sub":"a"})", "s");
  std::string forged = Token(kHs256, R"({"sub":"root"})", "x");
  std::string mixed = forged.substr(0, forged.rfind('.')) + good.substr(good.rfind('.'));
  EXPECT_EQ(CheckBearer("Bearer " + mixed, "s", kNow), "invalid token");
}

TEST(JwtAuthTest, ExpiredAndNotYetValid) {
  EXPECT_EQ(CheckBearer("Bearer " + Token(kHs256, R"({"exp":1700000000})", "s"), "s", kNow),
            "token expired");
  EXPECT_EQ(CheckBearer("Bearer " + Token(kHs256, R"({"exp":1})", "s"), "s", kNow), "token expired");
  EXPECT_EQ(CheckBearer("Bearer " + Token(kHs256, R"({"nbf":1700000001})", "s"), "s", kNow),
            "token not yet valid");
}

TEST(JwtAuthTest, OnlyHs256) {
  std::string none = B64Url(R"({"alg":"none"})") + "." + B64Url(R"({"sub":"a"})") + ".";
  EXPECT_NE(CheckBearer("Bearer " + none, "s", kNow), "");
  EXPECT_NE(CheckBearer("Bearer " + Token(R"({"alg":"none"})", R"({"sub":"a"})", "s"), "s", kNow), "");
  EXPECT_NE(CheckBearer("Bearer " + Token(R"({"alg":"HS512"})", R"({"sub":"a"})", "s", EVP_sha512()),
                        "s", kNow), "");
  EXPECT_NE(CheckBearer("Bearer " + Token(R"({"alg":"HS384"})", R"({"sub":"a"})", "s", EVP_sha384()),
                        "s", kNow), "");
  EXPECT_NE(CheckBearer("Bearer " + Token(R"({"alg":"RS256"})", R"({"sub":"a"})", "s"), "s", kNow), "");
  EXPECT_NE(CheckBearer("Bearer " + Token(R"({"typ":"JWT"})", R"({"sub":"a"})", "s"), "s", kNow), "");
}

}  // namespace
}  // namespace shoal::http
