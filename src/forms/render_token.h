#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"

namespace coastguard::forms {

// A signed render token: the page embeds one when it renders the form, the check reads how long
// the person took and whether the token was used before. "<issued_ms>.<nonce>.<signature>", the
// signature being HMAC-SHA256 over the form name, the issue time and the nonce, so a token is
// good for one form only and cannot be back-dated.
class RenderTokens {
 public:
  explicit RenderTokens(std::string key) : key_(std::move(key)) {}

  std::string Issue(std::string_view form, core::Timestamp now) const;
  // Deterministic form of Issue for tests and the scenario generator.
  // The issue time is in milliseconds: whole seconds would make an instant fill look up to a
  // second slower than it was.
  std::string IssueWith(std::string_view form, uint64_t issued_ms, std::string_view nonce) const;

  struct Parsed {
    bool valid = false;  // well-formed and signed by us for this form
    uint64_t issued_ms = 0;
    std::string_view nonce;  // points into the token
  };
  // Constant time in the signature.
  Parsed Verify(std::string_view form, std::string_view token) const;

 private:
  std::string Sign(std::string_view form, std::string_view issued, std::string_view nonce) const;
  std::string key_;
};

}  // namespace coastguard::forms
