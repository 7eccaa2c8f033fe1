#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/time.h"

namespace coastguard::breach {

// [breach]: the breach corpus and what to do about accounts that use a password from it.
struct BreachConfig {
  std::string db;  // "" = <data_dir>/breach (what `coastguard breach import` fills)
  std::string on_login = "notify";    // "notify": mark, webhook, mail; "refuse": also refuse login
  std::string common_passwords_file;  // one per line or a JSON array; "" = the built-in default
  size_t min_length = 8;
  std::vector<std::string> service_words;  // the service's own names, never part of a password
  // The notification mail: piped to this command (e.g. ["/usr/sbin/sendmail", "-t", "-i"]);
  // empty = no mail. At most one per account per notify_every.
  std::vector<std::string> notify_command;
  std::string notify_from = "postmaster";
  std::string notify_template;  // a file; "" = the built-in text (docs/breach.md)
  core::Duration notify_every = 30 * core::kDay;
  size_t max_accounts = 100'000;  // marked accounts remembered (the least recently seen go)
};

// Where Debian's john-data puts its list of common passwords (3,500 of them).
inline constexpr char kDefaultCommonPasswords[] = "/usr/share/john/password.lst";

template <typename V>
void DescribeSettings(V& v, BreachConfig& c) {
  v.Table("breach");
  v.Text("db", c.db);
  v.Text("on_login", c.on_login);
  v.Text("common_passwords_file", c.common_passwords_file);
  v.Integer("min_length", c.min_length, 1, 64);
  v.List("service_words", [&c](const std::string& word) -> absl::Status {
    c.service_words.push_back(word);
    return absl::OkStatus();
  });
  v.List("notify_command", [&c](const std::string& part) -> absl::Status {
    c.notify_command.push_back(part);
    return absl::OkStatus();
  });
  v.Text("notify_from", c.notify_from);
  v.Text("notify_template", c.notify_template);
  v.Duration("notify_every", c.notify_every, core::kMinute);
  v.Integer("max_accounts", c.max_accounts, 100, 100'000'000);
  v.Require(c.on_login == "notify" || c.on_login == "refuse",
            "breach.on_login must be \"notify\" or \"refuse\"");
}

}  // namespace coastguard::breach
