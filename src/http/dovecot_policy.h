#pragma once

#include <string>
#include <string_view>

#include <simdjson.h>

#include "absl/status/status.h"
#include "core/verdict.h"

namespace coastguard::http {

// The body Dovecot 2.3 (and weakforced clients) POST to ?command=allow|report: string
// attributes from auth_policy_request_attributes plus booleans. Views point into the parser.
struct PolicyRequest {
  std::string_view login;
  std::string_view pwhash;
  std::string_view remote;
  std::string_view device_id;
  std::string_view protocol;
  std::string_view session_id;
  std::string_view fail_type;  // Dovecot 2.4 / weakforced: "account" means unknown user
  bool tls = false;
  bool success = false;
  bool has_success = false;
  bool policy_reject = false;
};

// Parses a policy body with simdjson On-Demand. Unknown keys (and nested objects such as
// weakforced's "attrs") are ignored; booleans may also arrive as "true"/"false" strings.
class PolicyParser {
 public:
  absl::Status Parse(std::string_view body, PolicyRequest* out);

 private:
  simdjson::ondemand::parser parser_;
  simdjson::padded_string copy_;
};

// {"status":N,"msg":"...","r_attrs":{}}: N<0 reject (msg shown to the user), 0 allow,
// N>0 tarpit N seconds. Dovecot reads status and msg; weakforced clients also r_attrs.
std::string PolicyReply(const core::Verdict& verdict, std::string_view reject_message);

}  // namespace coastguard::http
