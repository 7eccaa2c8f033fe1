#include "policy/config.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <toml++/toml.h>

#include "core/text.h"

namespace coastguard::policy {
namespace {

using core::Duration;

// One configurable value: where it lives and how to read it from a TOML node.
using Setter = std::function<absl::Status(const toml::node&, Config&)>;

absl::Status TypeError(std::string_view want) {
  return core::InvalidInput(core::Cat("expected ", want));
}

template <typename T>
Setter Integer(std::function<T&(Config&)> field, int64_t min, int64_t max) {
  return [=](const toml::node& node, Config& c) -> absl::Status {
    // is_integer first: toml++ converts a float to int64 without a range check (UB for 1e27).
    if (!node.is_integer()) return TypeError("an integer");
    const auto v = node.value<int64_t>();
    if (!v) return TypeError("an integer");
    if (*v < min || *v > max) {
      return core::InvalidInput(core::Cat("must be between ", min, " and ", max));
    }
    field(c) = static_cast<T>(*v);
    return absl::OkStatus();
  };
}

Setter Int(std::function<int&(Config&)> field, int64_t min, int64_t max) {
  return Integer<int>(std::move(field), min, max);
}

Setter Size(std::function<size_t&(Config&)> field, int64_t min, int64_t max) {
  return Integer<size_t>(std::move(field), min, max);
}

Setter Real(std::function<double&(Config&)> field, double min, double max) {
  return [=](const toml::node& node, Config& c) -> absl::Status {
    if (!node.is_number()) return TypeError("a number");
    const double v = *node.value<double>();
    if (!(v >= min && v <= max)) {
      return core::InvalidInput(core::Cat("must be between ", min, " and ", max));
    }
    field(c) = v;
    return absl::OkStatus();
  };
}

Setter Bool(std::function<bool&(Config&)> field) {
  return [=](const toml::node& node, Config& c) -> absl::Status {
    if (!node.is_boolean()) return TypeError("true or false");
    field(c) = *node.value<bool>();
    return absl::OkStatus();
  };
}

Setter String(std::function<std::string&(Config&)> field) {
  return [=](const toml::node& node, Config& c) -> absl::Status {
    if (!node.is_string()) return TypeError("a string");
    field(c) = *node.value<std::string>();
    return absl::OkStatus();
  };
}

Setter Time(std::function<Duration&(Config&)> field, Duration min) {
  return [=](const toml::node& node, Config& c) -> absl::Status {
    absl::StatusOr<Duration> d;
    if (node.is_string()) {
      d = ParseDuration(*node.value<std::string>());
    } else if (node.is_integer()) {
      d = ParseDuration(std::to_string(*node.value<int64_t>()));
    } else {
      return TypeError("a duration such as \"90s\", \"15m\", \"1h\" or \"7d\"");
    }
    if (!d.ok()) return d.status();
    if (*d < min) return absl::InvalidArgumentError("duration too short");
    field(c) = *d;
    return absl::OkStatus();
  };
}

Setter StringList(std::function<absl::Status(Config&, const std::string&)> add) {
  return [=](const toml::node& node, Config& c) -> absl::Status {
    const toml::array* array = node.as_array();
    if (array == nullptr) return TypeError("an array of strings");
    for (const toml::node& item : *array) {
      if (!item.is_string()) return TypeError("an array of strings");
      if (absl::Status s = add(c, *item.value<std::string>()); !s.ok()) return s;
    }
    return absl::OkStatus();
  };
}

// Reads the sending-limit keys shared by [outbound] and each [[outbound.bulk]] entry.
absl::Status SetLimit(detect::SendingLimits& l, std::string_view key, const toml::node& node,
                      bool* known) {
  *known = true;
  int* target = nullptr;
  if (key == "recipients_per_minute")
    target = &l.recipients_per_minute;
  else if (key == "recipients_per_hour")
    target = &l.recipients_per_hour;
  else if (key == "recipients_per_day")
    target = &l.recipients_per_day;
  else if (key == "messages_per_hour")
    target = &l.messages_per_hour;
  else if (key == "messages_per_day")
    target = &l.messages_per_day;
  else if (key == "domains_per_hour")
    target = &l.domains_per_hour;
  else if (key == "spike_min")
    target = &l.spike_min;
  if (target != nullptr) {
    if (!node.is_integer() || *node.value<int64_t>() < 0 || *node.value<int64_t>() > 100'000'000) {
      return TypeError("an integer from 0 (off) to 100000000");
    }
    if (key == "domains_per_hour" && *node.value<int64_t>() > 32) {
      return core::InvalidInput("must be at most 32 (distinct domains are counted exactly to 32)");
    }
    *target = static_cast<int>(*node.value<int64_t>());
    return absl::OkStatus();
  }
  if (key == "spike_factor") {
    if (!node.is_number() || !(*node.value<double>() >= 1.0)) return TypeError("a number >= 1");
    l.spike_factor = *node.value<double>();
    return absl::OkStatus();
  }
  *known = false;
  return absl::OkStatus();
}

Setter Limit(std::string key) {
  return [key](const toml::node& node, Config& c) -> absl::Status {
    bool known;
    return SetLimit(c.outbound.limits, key, node, &known);
  };
}

// [[outbound.bulk]]: login = "...", plus any limit keys; unset limits keep the defaults.
absl::Status SetBulk(const toml::node& node, Config& c) {
  const toml::array* entries = node.as_array();
  if (entries == nullptr) return TypeError("an array of tables ([[outbound.bulk]])");
  for (const toml::node& entry : *entries) {
    const toml::table* table = entry.as_table();
    if (table == nullptr) return TypeError("an array of tables ([[outbound.bulk]])");
    const auto login = (*table)["login"].value<std::string>();
    if (!login || login->empty()) return core::InvalidInput("a bulk entry needs login = \"...\"");
    detect::SendingLimits limits = c.outbound.limits;
    for (const auto& [key, value] : *table) {
      const std::string_view name(key.str());
      if (name == "login") continue;
      bool known;
      if (absl::Status s = SetLimit(limits, name, value, &known); !s.ok()) {
        return core::InvalidInput(core::Cat("line ",
                                            static_cast<uint64_t>(value.source().begin.line), ": ",
                                            name, ": ", core::Message(s)));
      }
      if (!known) {
        return core::InvalidInput(core::Cat("line ",
                                            static_cast<uint64_t>(value.source().begin.line),
                                            ": unknown key '", name, "' in a bulk entry"));
      }
    }
    c.outbound.bulk_accounts[*login] = limits;
  }
  return absl::OkStatus();
}

// The schema: table -> key -> setter. Every key documented in docs/configuration.md.
Setter FormLimit(std::function<uint32_t&(Config&)> field) {
  return Integer<uint32_t>(std::move(field), 0, 1'000'000'000);
}

const std::map<std::string, std::map<std::string, Setter>>& Schema() {
  static const auto* schema = new std::map<std::string, std::map<std::string, Setter>>{
      {"server",
       {
           {"listen", String([](Config& c) -> std::string& { return c.server.listen; })},
           {"data_dir", String([](Config& c) -> std::string& { return c.server.data_dir; })},
           {"admin_token", String([](Config& c) -> std::string& { return c.server.admin_token; })},
           {"max_body_bytes",
            Size([](Config& c) -> size_t& { return c.server.max_body_bytes; }, 1024, 16 << 20)},
           {"max_connections",
            Size([](Config& c) -> size_t& { return c.server.max_connections; }, 16, 1 << 20)},
           {"slow_request_us",
            Size([](Config& c) -> size_t& { return c.server.slow_request_us; }, 0, 60'000'000)},
       }},
      {"postfix",
       {
           {"listen", String([](Config& c) -> std::string& { return c.server.postfix_listen; })},
           {"socket", String([](Config& c) -> std::string& { return c.server.postfix_socket; })},
           {"max_connections",
            Size([](Config& c) -> size_t& { return c.server.postfix_max_connections; }, 1,
                 1 << 20)},
       }},
      {"outbound",
       {
           {"recipients_per_minute", Limit("recipients_per_minute")},
           {"recipients_per_hour", Limit("recipients_per_hour")},
           {"recipients_per_day", Limit("recipients_per_day")},
           {"messages_per_hour", Limit("messages_per_hour")},
           {"messages_per_day", Limit("messages_per_day")},
           {"domains_per_hour", Limit("domains_per_hour")},
           {"spike_min", Limit("spike_min")},
           {"spike_factor", Limit("spike_factor")},
           {"suspect_window",
            Time([](Config& c) -> Duration& { return c.outbound.suspect_window; }, core::kMinute)},
           {"new_login_window",
            Time([](Config& c) -> Duration& { return c.outbound.new_login_window; }, 0)},
           {"rate_limited_action",
            String([](Config& c) -> std::string& { return c.outbound.actions.rate_limited; })},
           {"compromised_action",
            String([](Config& c) -> std::string& { return c.outbound.actions.compromised_login; })},
           {"spike_action",
            String([](Config& c) -> std::string& { return c.outbound.actions.sending_spike; })},
           {"bulk", &SetBulk},
           {"webhook_url",
            String([](Config& c) -> std::string& { return c.outbound.webhook_url; })},
           {"webhook_secret",
            String([](Config& c) -> std::string& { return c.outbound.webhook_secret; })},
       }},
      {"forms",
       {
           {"challenge_at",
            Real([](Config& c) -> double& { return c.forms.challenge_at; }, 0, 100)},
           {"reject_at", Real([](Config& c) -> double& { return c.forms.reject_at; }, 0, 100)},
           {"secret", String([](Config& c) -> std::string& { return c.forms.secret; })},
           {"token_required", Bool([](Config& c) -> bool& { return c.forms.token_required; })},
           {"min_fill", Time([](Config& c) -> Duration& { return c.forms.min_fill; }, 0)},
           {"token_ttl",
            Time([](Config& c) -> Duration& { return c.forms.token_ttl; }, core::kMinute)},
           {"altcha_required", Bool([](Config& c) -> bool& { return c.forms.altcha_required; })},
           {"altcha_max_number",
            Integer<uint64_t>([](Config& c) -> uint64_t& { return c.forms.altcha_max_number; }, 100,
                              100'000'000)},
           {"altcha_ttl",
            Time([](Config& c) -> Duration& { return c.forms.altcha_ttl; }, core::kMinute)},
           {"ip_per_hour", FormLimit([](Config& c) -> uint32_t& { return c.forms.ip_per_hour; })},
           {"prefix_per_hour",
            FormLimit([](Config& c) -> uint32_t& { return c.forms.prefix_per_hour; })},
           {"recipient_per_day",
            FormLimit([](Config& c) -> uint32_t& { return c.forms.recipient_per_day; })},
           {"recipient_domain_per_day",
            FormLimit([](Config& c) -> uint32_t& { return c.forms.recipient_domain_per_day; })},
           {"recipient_domain_factor",
            Real([](Config& c) -> double& { return c.forms.recipient_domain_factor; }, 1, 1000)},
           {"new_recipient_domain_per_day",
            FormLimit([](Config& c) -> uint32_t& { return c.forms.new_recipient_domain_per_day; })},
           {"form_per_10m", FormLimit([](Config& c) -> uint32_t& { return c.forms.form_per_10m; })},
           {"surge_factor",
            Real([](Config& c) -> double& { return c.forms.surge_factor; }, 0, 1000)},
           {"surge_min", FormLimit([](Config& c) -> uint32_t& { return c.forms.surge_min; })},
           {"max_urls", FormLimit([](Config& c) -> uint32_t& { return c.forms.max_urls; })},
           {"campaign_window",
            Time([](Config& c) -> Duration& { return c.forms.campaign_window; }, core::kMinute)},
           {"campaign_recipients",
            FormLimit([](Config& c) -> uint32_t& { return c.forms.campaign_recipients; })},
           {"domain_maturity",
            Time([](Config& c) -> Duration& { return c.forms.domain_maturity; }, 0)},
           {"established_recipients",
            FormLimit([](Config& c) -> uint32_t& { return c.forms.established_recipients; })},
           {"text_min_words",
            FormLimit([](Config& c) -> uint32_t& { return c.forms.text_min_words; })},
           {"text_similarity",
            Real([](Config& c) -> double& { return c.forms.text_similarity; }, 0.1, 1)},
           {"disposable_domains_file",
            String([](Config& c) -> std::string& { return c.forms.disposable_domains_file; })},
           {"own_domains", StringList([](Config& c, const std::string& d) -> absl::Status {
              c.forms.own_domains.push_back(d);
              return absl::OkStatus();
            })},
           {"max_keys",
            Size([](Config& c) -> size_t& { return c.forms.max_keys; }, 1000, 100'000'000)},
       }},
      {"dovecot",
       {
           {"api_key", String([](Config& c) -> std::string& { return c.server.dovecot_api_key; })},
           {"basic_auth",
            String([](Config& c) -> std::string& { return c.server.dovecot_basic_auth; })},
           {"reject_message",
            String([](Config& c) -> std::string& { return c.server.reject_message; })},
       }},
      {"logins",
       {
           {"case_fold", Bool([](Config& c) -> bool& { return c.engine.logins.case_fold; })},
           {"default_domain",
            String([](Config& c) -> std::string& { return c.engine.logins.default_domain; })},
       }},
      {"windows",
       {
           {"short", Time([](Config& c) -> Duration& { return c.engine.windows.short_window; },
                          core::kMinute)},
           {"long", Time([](Config& c) -> Duration& { return c.engine.windows.long_window; },
                         core::kMinute)},
       }},
      {"brute_force",
       {
           {"delay_from",
            Int([](Config& c) -> int& { return c.engine.brute_force.delay_from; }, 1, 8)},
           {"block_at", Int([](Config& c) -> int& { return c.engine.brute_force.block_at; }, 1, 8)},
           {"first_delay",
            Time([](Config& c) -> Duration& { return c.engine.brute_force.first_delay; },
                 core::kMillisecond)},
           {"max_delay", Time([](Config& c) -> Duration& { return c.engine.brute_force.max_delay; },
                              core::kMillisecond)},
           {"block_ttl", Time([](Config& c) -> Duration& { return c.engine.brute_force.block_ttl; },
                              core::kSecond)},
       }},
      {"account_guessing",
       {
           {"wrong_passwords",
            Int([](Config& c) -> int& { return c.engine.account_guessing.wrong_passwords; }, 1,
                16)},
           {"sources",
            Int([](Config& c) -> int& { return c.engine.account_guessing.sources; }, 1, 8)},
           {"block_ttl",
            Time([](Config& c) -> Duration& { return c.engine.account_guessing.block_ttl; },
                 core::kSecond)},
       }},
      {"source_guessing",
       {
           {"ip_logins",
            Int([](Config& c) -> int& { return c.engine.source_guessing.ip_logins; }, 1, 16)},
           {"ipv4_24_logins",
            Int([](Config& c) -> int& { return c.engine.source_guessing.ipv4_24_logins; }, 1, 16)},
           {"ipv6_64_logins",
            Int([](Config& c) -> int& { return c.engine.source_guessing.ipv6_64_logins; }, 1, 16)},
           {"ipv6_48_logins",
            Int([](Config& c) -> int& { return c.engine.source_guessing.ipv6_48_logins; }, 1, 16)},
           {"unknown_users",
            Int([](Config& c) -> int& { return c.engine.source_guessing.unknown_users; }, 1, 8)},
           {"successes_per_extra_login",
            Int([](Config& c)
                    -> int& { return c.engine.source_guessing.successes_per_extra_login; },
                0, 1'000'000)},
           {"block_ttl",
            Time([](Config& c) -> Duration& { return c.engine.source_guessing.block_ttl; },
                 core::kSecond)},
       }},
      {"service_attack",
       {
           {"interval",
            Time([](Config& c) -> Duration& { return c.engine.service_attack.interval; },
                 core::kSecond)},
           {"factor",
            Real([](Config& c) -> double& { return c.engine.service_attack.factor; }, 1, 1000)},
           {"min_unfamiliar_failures", Real(
                                           [](Config& c) -> double& {
                                             return c.engine.service_attack.min_unfamiliar_failures;
                                           },
                                           0, 1e9)},
           {"min_unknown_users",
            Real([](Config& c) -> double& { return c.engine.service_attack.min_unknown_users; }, 0,
                 1e9)},
           {"baseline_weight",
            Real([](Config& c) -> double& { return c.engine.service_attack.baseline_weight; },
                 0.0001, 1)},
           {"hold", Time([](Config& c) -> Duration& { return c.engine.service_attack.hold; }, 0)},
       }},
      {"familiarity",
       {
           {"ttl",
            Time([](Config& c) -> Duration& { return c.engine.familiarity.ttl; }, core::kHour)},
           {"refresh", Time([](Config& c) -> Duration& { return c.engine.familiarity.refresh; },
                            core::kSecond)},
           {"max_sources_per_login",
            Size([](Config& c) -> size_t& { return c.engine.familiarity.max_sources_per_login; }, 4,
                 256)},
       }},
      {"blocks",
       {
           {"max_ttl",
            Time([](Config& c) -> Duration& { return c.engine.blocks.max_ttl; }, core::kSecond)},
           {"offense_memory",
            Time([](Config& c) -> Duration& { return c.engine.blocks.offense_memory; }, 0)},
           {"max_blocks",
            Size([](Config& c) -> size_t& { return c.engine.blocks.max_blocks; }, 16, 100'000'000)},
       }},
      {"memory",
       {
           {"budget_mb",
            Size([](Config& c) -> size_t& { return c.engine.memory_budget_mb; }, 16, 1 << 20)},
       }},
      {"allow",
       {
           {"networks", StringList([](Config& c, const std::string& text) -> absl::Status {
              const auto cidr = core::Cidr::Parse(text);
              if (!cidr) return core::InvalidInput(core::Cat("bad network '", text, "'"));
              c.engine.allow_networks.push_back(*cidr);
              return absl::OkStatus();
            })},
           {"logins", StringList([](Config& c, const std::string& text) -> absl::Status {
              c.engine.allow_logins.push_back(text);
              return absl::OkStatus();
            })},
       }},
  };
  return *schema;
}

std::string Where(std::string_view source_name, const toml::source_region& region) {
  return core::Cat(source_name, ":", static_cast<uint64_t>(region.begin.line));
}

absl::Status Validate(const Config& c, std::string_view source_name) {
  auto bad = [&](std::string_view what) {
    return core::InvalidInput(core::Cat(source_name, ": ", what));
  };
  if (c.engine.brute_force.delay_from > c.engine.brute_force.block_at) {
    return bad("brute_force.delay_from must not exceed brute_force.block_at");
  }
  if (c.forms.challenge_at > c.forms.reject_at) {
    return bad("forms.challenge_at must not exceed forms.reject_at");
  }
  if (c.engine.windows.long_window < c.engine.windows.short_window) {
    return bad("windows.long must not be shorter than windows.short");
  }
  for (const std::string* action :
       {&c.outbound.actions.rate_limited, &c.outbound.actions.compromised_login,
        &c.outbound.actions.sending_spike}) {
    // One line to Postfix: a newline would end the reply early.
    if (action->empty() || action->find_first_of("\r\n") != std::string::npos) {
      return bad("outbound actions must be one non-empty line");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Duration> ParseDuration(std::string_view text) {
  if (text.empty() || text.size() > 32) return absl::InvalidArgumentError("bad duration");
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) {
    return core::InvalidInput(core::Cat("bad duration '", text, "'"));
  }
  const std::string_view unit(end, text.data() + text.size() - end);
  Duration scale;
  if (unit.empty() || unit == "s")
    scale = core::kSecond;
  else if (unit == "ms")
    scale = core::kMillisecond;
  else if (unit == "m")
    scale = core::kMinute;
  else if (unit == "h")
    scale = core::kHour;
  else if (unit == "d")
    scale = core::kDay;
  else
    return core::InvalidInput(core::Cat("bad duration unit in '", text, "'"));
  if (value > (int64_t{1} << 62) / scale) return absl::InvalidArgumentError("duration too long");
  return value * scale;
}

absl::StatusOr<Config> ParseConfig(std::string_view text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(core::Cat(
        source_name, ":", static_cast<uint64_t>(e.source().begin.line), ": ", e.description()));
  }
  Config config;
  const auto& schema = Schema();
  for (const auto& [table_name, table_node] : root) {
    const auto table_it = schema.find(std::string(std::string_view(table_name.str())));
    if (table_it == schema.end() || !table_node.is_table()) {
      return core::InvalidInput(core::Cat(Where(source_name, table_node.source()),
                                          ": unknown table [", std::string_view(table_name.str()),
                                          "]"));
    }
    for (const auto& [key, node] : *table_node.as_table()) {
      const auto key_it = table_it->second.find(std::string(std::string_view(key.str())));
      if (key_it == table_it->second.end()) {
        return core::InvalidInput(core::Cat(Where(source_name, node.source()), ": unknown key '",
                                            std::string_view(key.str()), "' in [",
                                            std::string_view(table_name.str()), "]"));
      }
      if (absl::Status s = key_it->second(node, config); !s.ok()) {
        return core::InvalidInput(core::Cat(Where(source_name, node.source()), ": ",
                                            std::string_view(table_name.str()), ".",
                                            std::string_view(key.str()), ": ", core::Message(s)));
      }
    }
  }
  if (absl::Status s = Validate(config, source_name); !s.ok()) return s;
  return config;
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(core::Cat(path, ": cannot open config file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConfig(buffer.str(), path);
}

std::string DefaultConfigToml() {
  return R"(# Coastguard embedded defaults. Every key is optional; see docs/configuration.md.
[server]
listen = "127.0.0.1:8084"
data_dir = "/var/lib/coastguard"
admin_token = ""            # empty: generated at first start into <data_dir>/admin_token
max_body_bytes = 65536
max_connections = 4096

[postfix]
listen = "127.0.0.1:10040"  # check_policy_service inet:127.0.0.1:10040; "" turns it off
socket = ""                 # also listen on this UNIX socket if set
max_connections = 1024

[outbound]
recipients_per_minute = 0   # 0 = off
recipients_per_hour = 500
recipients_per_day = 2000
messages_per_hour = 100
messages_per_day = 500
domains_per_hour = 0
spike_factor = 10.0
spike_min = 40
suspect_window = "24h"
new_login_window = "6h"
rate_limited_action = "DEFER_IF_PERMIT 4.7.1 Sending rate limit exceeded, try again later"
compromised_action = "HOLD Held for review: the account's last login looks compromised"
spike_action = "HOLD Held for review: unusual volume after a login from a new place"
webhook_url = ""            # hold events are POSTed here too (http://host:port/path)
webhook_secret = ""         # HMAC-SHA256 key: X-Coastguard-Signature: sha256=<hex>
# [[outbound.bulk]]
# login = "newsletter@example.com"
# recipients_per_hour = 50000
# recipients_per_day = 200000
# messages_per_hour = 50000

[dovecot]
api_key = ""                # value of auth_policy_server_api_header; empty: not checked
basic_auth = ""             # "user:password" from auth_policy_server_url; empty: not checked
reject_message = "Login refused by policy, try again later"

[logins]
case_fold = true
default_domain = ""

[windows]
short = "1h"
long = "24h"

[brute_force]
delay_from = 3
block_at = 6
first_delay = "1s"
max_delay = "8s"
block_ttl = "15m"

[account_guessing]
wrong_passwords = 8
sources = 3
block_ttl = "1h"

[source_guessing]
ip_logins = 5
ipv4_24_logins = 10
ipv6_64_logins = 5
ipv6_48_logins = 10
unknown_users = 3
successes_per_extra_login = 20
block_ttl = "1h"

[service_attack]
interval = "5m"
factor = 4.0
min_unfamiliar_failures = 12.0
min_unknown_users = 6.0
baseline_weight = 0.05
hold = "30m"

[familiarity]
ttl = "60d"
refresh = "1h"
max_sources_per_login = 32

[blocks]
max_ttl = "24h"
offense_memory = "24h"
max_blocks = 1000000

[memory]
budget_mb = 1024

[allow]
networks = []
logins = []

[forms]                     # the form guard: docs/forms.md
challenge_at = 2.5          # score at which a submission is challenged...
reject_at = 5.0             # ...and rejected
secret = ""                 # signs render tokens and ALTCHA challenges; "": per installation
token_required = false      # a missing render token counts against a submission
min_fill = "3s"             # faster than this after rendering is a bot
token_ttl = "2h"
altcha_required = false     # a missing proof of work forces a challenge
altcha_max_number = 50000   # the widget's search space (~0.1 s in a browser)
altcha_ttl = "20m"
ip_per_hour = 10            # 0 = off
prefix_per_hour = 40        # /24 or /64
recipient_per_day = 3       # the same address typed in again and again
recipient_domain_per_day = 30
recipient_domain_factor = 4.0
new_recipient_domain_per_day = 5  # to a domain first seen today (after the first day)
form_per_10m = 0            # an absolute cap per form; 0 = off
surge_factor = 5.0          # per form, against its own learned baseline
surge_min = 30
max_urls = 3                # links per text field
campaign_window = "24h"
campaign_recipients = 3     # one young link, domain or text to this many recipients: hold
domain_maturity = "24h"
established_recipients = 25
text_min_words = 8
text_similarity = 0.5
disposable_domains_file = ""  # JSON array (npm disposable-email-domains) or one per line
own_domains = []            # links to these are never a campaign
max_keys = 500000
)";
}

}  // namespace coastguard::policy
