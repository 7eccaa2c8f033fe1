#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "breach/breach_config.h"
#include "core/time.h"
#include "firewall/firewall_config.h"
#include "forms/form_config.h"
#include "http/http_config.h"
#include "http/webhook.h"
#include "logs/follow_config.h"
#include "policy/engine_config.h"
#include "policy/outbound_config.h"
#include "postfix/postfix_config.h"
#include "redis/shared_config.h"
#include "store/store_config.h"

namespace coastguard::config {

// The whole configuration file, assembled from the settings each module owns and describes
// (core/settings.h). The daemon hands each component its own part; no module sees another's.
// Defaults are the embedded defaults: `coastguard serve` with no file runs on exactly these.
struct Config {
  policy::EngineConfig engine;        // [logins] [windows] [brute_force] ... [memory] [allow]
  policy::OutboundConfig outbound;    // [outbound], [[outbound.bulk]]
  forms::FormsConfig forms;           // [forms]
  store::StoreConfig store;           // [server] data_dir
  http::HttpConfig http;              // [server]
  http::DovecotConfig dovecot;        // [dovecot]
  http::WebhookSettings webhook;      // [outbound] webhook_url, webhook_secret
  postfix::PostfixConfig postfix;     // [postfix], [outbound] *_action
  breach::BreachConfig breach;        // [breach]
  logs::LogsConfig logs;              // [[logs]]
  firewall::FirewallConfig firewall;  // [firewall]
  redis::SharedConfig shared;         // [shared]
};

template <typename V>
void DescribeSettings(V& v, Config& c) {
  store::DescribeSettings(v, c.store);
  http::DescribeSettings(v, c.http);
  postfix::DescribeSettings(v, c.postfix);
  policy::DescribeSettings(v, c.outbound);
  http::DescribeSettings(v, c.webhook);
  http::DescribeSettings(v, c.dovecot);
  policy::DescribeSettings(v, c.engine);
  forms::DescribeSettings(v, c.forms);
  breach::DescribeSettings(v, c.breach);
  firewall::DescribeSettings(v, c.firewall);
  redis::DescribeSettings(v, c.shared);
  logs::DescribeSettings(v, c.logs);  // last: it names the top level ("")
}

// Parses TOML text. Errors name `source_name` and the line: "coastguard.toml:12: ...", the
// earliest in the file when there are several. Unknown tables and keys are errors, so that a
// typo never silently leaves a default in force.
absl::StatusOr<Config> ParseConfig(std::string_view text, std::string_view source_name);
absl::StatusOr<Config> LoadConfigFile(const std::string& path);

// "90s", "15m", "1h", "60d", "500ms", or a bare number of seconds.
absl::StatusOr<core::Duration> ParseDuration(std::string_view text);

// The embedded defaults as TOML, for `coastguard config --defaults`.
std::string DefaultConfigToml();

}  // namespace coastguard::config
