#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/time.h"

namespace coastguard::forms {

// ALTCHA proof of work, version 1 of its protocol (what altcha-lib's "altcha-lib/v1" creates and
// the altcha widget solves): the client finds `number` such that
// SHA-256(salt + number) == challenge; the server signed the challenge with HMAC-SHA256, so it
// keeps no state until a solution comes back. The salt carries "?expires=<unix seconds>&".
struct AltchaChallenge {
  std::string algorithm = "SHA-256";
  std::string challenge;  // hex SHA-256(salt + number)
  uint64_t max_number = 0;
  std::string salt;
  std::string signature;  // hex HMAC-SHA256(key, challenge)

  // {"algorithm":..,"challenge":..,"maxnumber":..,"salt":..,"signature":..}
  std::string Json() const;
};

enum class AltchaResult : uint8_t { kValid, kInvalid, kExpired };

struct AltchaVerified {
  AltchaResult result = AltchaResult::kInvalid;
  std::string challenge;  // for single use: remembered until it expires
  uint32_t expires_s = 0;
};

class Altcha {
 public:
  Altcha(std::string key, uint64_t max_number, core::Duration ttl)
      : key_(std::move(key)), max_number_(max_number), ttl_(ttl) {}

  // A fresh challenge with a random salt and secret number, expiring ttl from now.
  AltchaChallenge Create(core::Timestamp now) const;
  // Deterministic: for tests.
  AltchaChallenge CreateWith(std::string_view salt, uint64_t number) const;

  // Verifies the widget's payload (base64 of its JSON): algorithm SHA-256, not expired, the
  // number solves the challenge and the signature is ours, compared in constant time.
  // Single use is the caller's business (it has the state).
  AltchaVerified Verify(std::string_view payload, core::Timestamp now);

  uint64_t max_number() const { return max_number_; }

 private:
  std::string key_;
  uint64_t max_number_;
  core::Duration ttl_;
  simdjson::ondemand::parser parser_;
};

}  // namespace coastguard::forms
