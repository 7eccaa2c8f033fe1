#include "core/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace coastguard::core {

void Wipe(std::string& text) {
  if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
}

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    hex.push_back(kHex[data[i] >> 4]);
    hex.push_back(kHex[data[i] & 0xf]);
  }
  return hex;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  // Fetching the algorithm is the expensive part of an HMAC: once per process (thread-safe
  // static initialisation; EVP_MAC objects may be shared across threads).
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  // OpenSSL refuses a null key pointer even for an empty key.
  static const unsigned char kEmpty = 0;
  const unsigned char* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  const unsigned char* data_bytes =
      data.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(data.data());
  const bool ok = ctx != nullptr && EVP_MAC_init(ctx, key_bytes, key.size(), params) == 1 &&
                  EVP_MAC_update(ctx, data_bytes, data.size()) == 1 &&
                  EVP_MAC_final(ctx, mac, &length, sizeof(mac)) == 1;
  EVP_MAC_CTX_free(ctx);
  return ok ? Hex(mac, length) : "";
}

std::array<unsigned char, 20> Sha1(std::string_view data) {
  std::array<unsigned char, 20> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha1(), nullptr);
  return digest;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) return "";
  return Hex(digest, length);
}

namespace {

void RandomBytes(unsigned char* bytes, size_t size) {
  if (RAND_bytes(bytes, static_cast<int>(size)) != 1) {
    // Without randomness, tokens and challenges would be guessable: better to stop.
    std::fputs("coastguard: OpenSSL RAND_bytes failed\n", stderr);
    std::abort();
  }
}

}  // namespace

std::string RandomHex(size_t size) {
  std::vector<unsigned char> bytes(size == 0 ? 1 : size);
  RandomBytes(bytes.data(), bytes.size());
  return Hex(bytes.data(), size);
}

uint64_t RandomU64() {
  uint64_t value = 0;
  RandomBytes(reinterpret_cast<unsigned char*>(&value), sizeof(value));
  return value;
}

}  // namespace coastguard::core
