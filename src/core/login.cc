#include "core/login.h"

#include "absl/strings/ascii.h"
#include "core/text.h"

namespace coastguard::core {

absl::Status CanonicalLoginInto(std::string_view raw, const LoginRules& rules, std::string& out) {
  size_t begin = 0;
  size_t end = raw.size();
  while (begin < end && absl::ascii_isspace(static_cast<unsigned char>(raw[begin]))) ++begin;
  while (end > begin && absl::ascii_isspace(static_cast<unsigned char>(raw[end - 1]))) --end;
  const std::string_view trimmed = raw.substr(begin, end - begin);
  if (trimmed.empty()) return absl::InvalidArgumentError("empty login");
  if (trimmed.size() > kMaxLoginBytes) return absl::InvalidArgumentError("login too long");
  out.resize(trimmed.size());
  bool has_at = false;
  for (size_t i = 0; i < trimmed.size(); ++i) {  // one pass: this runs on every attempt
    const auto byte = static_cast<unsigned char>(trimmed[i]);
    if (byte < 0x20 || byte == 0x7f) {
      return absl::InvalidArgumentError("control character in login");
    }
    has_at |= byte == '@';
    out[i] = static_cast<char>(rules.case_fold ? absl::ascii_tolower(byte) : byte);
  }
  if (!rules.default_domain.empty() && !has_at) {
    out += '@';
    for (const char c : rules.default_domain) {
      out.push_back(rules.case_fold ? absl::ascii_tolower(static_cast<unsigned char>(c)) : c);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CanonicalLogin(std::string_view raw, const LoginRules& rules) {
  std::string login;
  if (absl::Status status = CanonicalLoginInto(raw, rules, login); !status.ok()) return status;
  return login;
}

}  // namespace coastguard::core
