#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/ip_address.h"
#include "core/login.h"
#include "core/text.h"
#include "detect/account_guessing.h"
#include "detect/activity.h"
#include "detect/brute_force.h"
#include "detect/compromise.h"
#include "detect/familiarity.h"
#include "detect/returning_device.h"
#include "detect/service_attack.h"
#include "detect/source_guessing.h"
#include "policy/blocks.h"

namespace coastguard::policy {

// Everything that shapes login decisions. Defaults are the documented embedded defaults
// (docs/configuration.md).
struct EngineConfig {
  core::LoginRules logins;
  detect::Windows windows;
  detect::BruteForceThresholds brute_force;
  detect::AccountGuessingThresholds account_guessing;
  detect::SourceGuessingThresholds source_guessing;
  detect::ServiceAttackThresholds service_attack;
  detect::FamiliaritySettings familiarity;
  detect::CompromiseSettings compromise;
  detect::ReturningDeviceSettings returning_device;
  BlockSettings blocks;
  size_t memory_budget_mb = 1024;
  std::vector<core::Cidr> allow_networks;
  std::vector<std::string> allow_logins;
  // Accounts that only send by design: the [[outbound.bulk]] logins, filled in by the config
  // loader (not a key of its own).
  std::vector<std::string> sending_applications;
};

// The auth guard's tables, in the order docs/configuration.md lists them (core/settings.h).
template <typename V>
void DescribeSettings(V& v, EngineConfig& c) {
  core::DescribeSettings(v, c.logins);
  detect::DescribeSettings(v, c.windows);
  detect::DescribeSettings(v, c.brute_force);
  detect::DescribeSettings(v, c.account_guessing);
  detect::DescribeSettings(v, c.source_guessing);
  detect::DescribeSettings(v, c.service_attack);
  detect::DescribeSettings(v, c.familiarity);
  detect::DescribeSettings(v, c.compromise);
  detect::DescribeSettings(v, c.returning_device);
  DescribeSettings(v, c.blocks);
  v.Table("memory");
  v.Integer("budget_mb", c.memory_budget_mb, 16, 1 << 20);
  v.Table("allow");
  v.List("networks", [&c](const std::string& text) -> absl::Status {
    const auto cidr = core::Cidr::Parse(text);
    if (!cidr) return core::InvalidInput(core::Cat("bad network '", text, "'"));
    c.allow_networks.push_back(*cidr);
    return absl::OkStatus();
  });
  v.List("logins", [&c](const std::string& text) -> absl::Status {
    c.allow_logins.push_back(text);
    return absl::OkStatus();
  });
}

}  // namespace coastguard::policy
