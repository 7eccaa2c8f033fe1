#include "core/login.h"

#include "absl/strings/ascii.h"
#include "core/text.h"

namespace coastguard::core {

absl::StatusOr<std::string> CanonicalLogin(std::string_view raw, const LoginRules& rules) {
  size_t begin = 0;
  size_t end = raw.size();
  while (begin < end && absl::ascii_isspace(static_cast<unsigned char>(raw[begin]))) ++begin;
  while (end > begin && absl::ascii_isspace(static_cast<unsigned char>(raw[end - 1]))) --end;
  const std::string_view trimmed = raw.substr(begin, end - begin);
  if (trimmed.empty()) return absl::InvalidArgumentError("empty login");
  if (trimmed.size() > kMaxLoginBytes) return absl::InvalidArgumentError("login too long");
  for (const char c : trimmed) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return absl::InvalidArgumentError("control character in login");
    }
  }
  std::string login(trimmed.data(), trimmed.size());
  if (rules.case_fold) {
    for (char& c : login) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  if (!rules.default_domain.empty() && login.find('@') == std::string::npos) {
    login += '@';
    for (const char c : rules.default_domain) {
      login.push_back(rules.case_fold ? absl::ascii_tolower(static_cast<unsigned char>(c)) : c);
    }
  }
  return login;
}

}  // namespace coastguard::core
