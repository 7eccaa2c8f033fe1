#pragma once

#include <cstdint>
#include <map>
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
#include "detect/sending.h"
#include "detect/service_attack.h"
#include "detect/source_guessing.h"
#include "forms/form_config.h"
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

// What the outbound guard does per reason, in Postfix's words.
struct OutboundActions {
  std::string rate_limited = "DEFER_IF_PERMIT 4.7.1 Sending rate limit exceeded, try again later";
  std::string compromised_login =
      "HOLD Held for review: the account's last login looks compromised";
  std::string sending_spike = "HOLD Held for review: unusual volume after a login from a new place";
};

struct OutboundConfig {
  detect::SendingLimits limits;
  // Per-account limits for legitimate bulk senders (canonical login -> limits). Bulk accounts
  // are exempt from the spike rule; they keep the compromise rule.
  std::map<std::string, detect::SendingLimits> bulk_accounts;
  core::Duration suspect_window = core::kDay;         // how long a suspicious login taints mail
  core::Duration new_login_window = 6 * core::kHour;  // how long a new-place login counts
  OutboundActions actions;
  size_t max_accounts = 1'000'000;
  // Hold events are also POSTed here (JSON, X-Coastguard-Signature: sha256=HMAC); "" = off.
  std::string webhook_url;
  std::string webhook_secret;
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
  // Postfix policy delegation: TCP address (empty: off) and optional UNIX socket.
  std::string postfix_listen = "127.0.0.1:10040";
  std::string postfix_socket;
  size_t postfix_max_connections = 1024;
};

struct Config {
  EngineConfig engine;
  ServerConfig server;
  OutboundConfig outbound;
  forms::FormsConfig forms;
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
