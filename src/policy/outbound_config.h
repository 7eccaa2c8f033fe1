#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "core/text.h"
#include "core/time.h"
#include "detect/sending.h"

namespace coastguard::policy {

// The outbound guard's settings ([outbound] and [[outbound.bulk]]). What it tells Postfix for
// each verdict is Postfix's business (postfix::PostfixConfig).
struct OutboundConfig {
  detect::SendingLimits limits;
  // Per-account limits for legitimate bulk senders (login as configured -> limits). Bulk
  // accounts are exempt from the spike rule; they keep the compromise rule.
  std::map<std::string, detect::SendingLimits> bulk_accounts;
  core::Duration suspect_window = core::kDay;         // how long a suspicious login taints mail
  core::Duration new_login_window = 6 * core::kHour;  // how long a new-place login counts
  size_t max_accounts = 1'000'000;
};

template <typename V>
void DescribeSettings(V& v, OutboundConfig& c) {
  v.Table("outbound");
  detect::DescribeLimits(v, c.limits);
  v.Duration("suspect_window", c.suspect_window, core::kMinute);
  v.Duration("new_login_window", c.new_login_window, 0);
  // Each entry: login = "...", plus any limit keys; unset limits keep the compiled defaults.
  v.Entries("bulk", [&c](auto& entry) -> absl::Status {
    std::string login;
    detect::SendingLimits limits;
    entry.Text("login", login);
    detect::DescribeLimits(entry, limits);
    if (login.empty()) return core::InvalidInput("a bulk entry needs login = \"...\"");
    c.bulk_accounts[login] = limits;
    return absl::OkStatus();
  });
}

}  // namespace coastguard::policy
