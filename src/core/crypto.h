#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace coastguard::core {

// Thin wrappers over OpenSSL's EVP interfaces, so that callers never touch its contexts.

// Lower-case hex of HMAC-SHA256(key, data); empty if OpenSSL fails.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// SHA-1(data): what breach corpora (HIBP) are keyed by; never used for anything secret.
std::array<unsigned char, 20> Sha1(std::string_view data);
// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);
// `size` bytes from OpenSSL's CSPRNG as lower-case hex (2 * size characters).
std::string RandomHex(size_t size);
// Overwrites a string's bytes in a way the compiler keeps (OPENSSL_cleanse): for copies of
// passwords, before they are freed.
void Wipe(std::string& text);
// 64 bits from OpenSSL's CSPRNG (ids, seeds).
uint64_t RandomU64();
// Lower-case hex of raw bytes.
std::string Hex(const unsigned char* data, size_t size);

}  // namespace coastguard::core
