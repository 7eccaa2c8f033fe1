#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace coastguard::core {

struct LoginRules {
  // Lower-case ASCII letters: mail logins are case-insensitive at nearly every provider.
  bool case_fold = true;
  // Appended as "@domain" to logins without '@' (MailRip retries with the bare local part).
  std::string default_domain;
};

template <typename V>
void DescribeSettings(V& v, LoginRules& r) {
  v.Table("logins");
  v.Boolean("case_fold", r.case_fold);
  v.Text("default_domain", r.default_domain);
}

inline constexpr size_t kMaxLoginBytes = 320;  // RFC 5321 path limit plus slack

// The canonical form every counter and list keys on: trimmed of ASCII white space, case-folded
// as configured, default domain applied. Fails on empty, oversized or control-character logins.
absl::StatusOr<std::string> CanonicalLogin(std::string_view raw, const LoginRules& rules);
// The same into `out`, whose buffer is reused (the engine's per-attempt path); on an error
// `out` holds nothing to use.
absl::Status CanonicalLoginInto(std::string_view raw, const LoginRules& rules, std::string& out);

}  // namespace coastguard::core
