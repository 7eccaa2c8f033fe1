#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/ip_address.h"
#include "core/login.h"
#include "detect/account_guessing.h"
#include "detect/activity.h"
#include "detect/brute_force.h"
#include "detect/familiarity.h"
#include "detect/service_attack.h"
#include "detect/source_guessing.h"
#include "policy/blocks.h"

namespace coastguard::policy {

// Everything that shapes decisions. Defaults are the documented embedded defaults
// (docs/configuration.md); `coastguard serve` with no config file runs on exactly these.
struct EngineConfig {
  core::LoginRules logins;
  detect::Windows windows;
  detect::BruteForceThresholds brute_force;
  detect::AccountGuessingThresholds account_guessing;
  detect::SourceGuessingThresholds source_guessing;
  detect::ServiceAttackThresholds service_attack;
  detect::FamiliaritySettings familiarity;
  BlockSettings blocks;
  size_t memory_budget_mb = 1024;
  std::vector<core::Cidr> allow_networks;
  std::vector<std::string> allow_logins;
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8084";
  std::string data_dir = "/var/lib/coastguard";
  std::string admin_token;  // empty: generated at first start into <data_dir>/admin_token
  size_t max_body_bytes = 64 * 1024;
  size_t max_connections = 4096;
  // Dovecot auth policy credentials: auth_policy_server_api_header sends X-API-Key, and
  // user:password in auth_policy_server_url sends Basic auth. Empty: not checked.
  std::string dovecot_api_key;
  std::string dovecot_basic_auth;  // "user:password"
  std::string reject_message = "Login refused by policy, try again later";
  // Requests slower than this are logged (µs); 0 disables.
  size_t slow_request_us = 0;
};

struct Config {
  EngineConfig engine;
  ServerConfig server;
};

// Parses TOML text. Errors name `source_name` and the line: "coastguard.toml:12: ...".
// Unknown tables and keys are errors, so that a typo never silently leaves a default in force.
absl::StatusOr<Config> ParseConfig(std::string_view text, std::string_view source_name);
absl::StatusOr<Config> LoadConfigFile(const std::string& path);

// "90s", "15m", "1h", "60d", "500ms", or a bare number of seconds.
absl::StatusOr<core::Duration> ParseDuration(std::string_view text);

// The embedded defaults as TOML, for `coastguard config --defaults`.
std::string DefaultConfigToml();

}  // namespace coastguard::policy
