#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "breach/database.h"

namespace coastguard::breach {

// Why a password should not be set (NIST SP 800-63B: compare the whole password against
// breach corpora, common passwords and context words, and say why).
enum class Weakness : uint8_t { kBreached, kCommon, kContextWord, kTooShort };
std::string_view WeaknessCode(Weakness weakness);  // "breached", "common", ...
// A sentence a sign-up or password-change form can show as it is.
std::string WeaknessMessage(Weakness weakness, uint32_t breach_count, size_t min_length);

// The most common passwords, from a data package (one per line, or a JSON array of strings),
// compared in lower case.
class CommonPasswords {
 public:
  absl::Status Load(const std::string& path);
  bool Contains(std::string_view password) const;
  size_t size() const { return words_.size(); }

 private:
  absl::flat_hash_set<std::string> words_;
};

struct PasswordCheckRequest {
  std::optional<std::string_view> password;     // the whole check
  std::optional<std::array<uint8_t, 20>> sha1;  // the breach check only
  std::string_view login;                       // "alice@example.com": its parts are context
  std::vector<std::string_view> context;        // more words (the service's name, ...)
};

struct PasswordCheckResult {
  bool ok = true;
  uint32_t breach_count = 0;
  bool breach_exact = true;  // false: only the filter was asked ("maybe in a breach")
  std::vector<Weakness> weaknesses;
};

struct PasswordCheckSettings {
  size_t min_length = 8;                   // in characters (code points), NIST's minimum
  std::vector<std::string> service_words;  // always context words (the service's own name)
};

// Checks a password as a sign-up or password change would. Holds nothing of the password:
// it is hashed and compared, and the caller drops it.
class PasswordChecker {
 public:
  PasswordChecker(const Database* database, const CommonPasswords* common,
                  PasswordCheckSettings settings)
      : database_(database), common_(common), settings_(std::move(settings)) {}

  PasswordCheckResult Check(const PasswordCheckRequest& request) const;
  size_t min_length() const { return settings_.min_length; }

 private:
  bool HasContextWord(std::string_view password, const PasswordCheckRequest& request) const;

  const Database* database_;
  const CommonPasswords* common_;
  PasswordCheckSettings settings_;
};

}  // namespace coastguard::breach
