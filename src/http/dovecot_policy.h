#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "absl/status/status.h"
#include "core/auth_event.h"
#include "core/verdict.h"
#include "http/http_config.h"
#include "http/http_server.h"
#include "policy/engine.h"

namespace coastguard::http {

// Dovecot's auth policy protocol (auth_policy_server_url), both ways: the JSON body Dovecot
// POSTs before the password check ("allow") and after it ("report"), turned into an attempt for
// the engine, and the engine's verdict turned into the reply Dovecot reads.

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

// The dovecot.conf lines that point Dovecot at a coastguard listening on `host`:`port` with
// these credentials: auth_policy_server_url (user:password in it for basic_auth),
// auth_policy_server_api_header (the key, which Dovecot sends as X-API-Key) and
// auth_policy_hash_nonce (derived from the credentials: the same on every Dovecot that shares
// them, secret like them).
std::string DovecotConfLines(std::string_view host, uint16_t port, const DovecotConfig& config);

// The two commands. Runs on the loop thread, like the engine it calls.
class DovecotPolicy {
 public:
  DovecotPolicy(policy::Engine& engine, std::string reject_message)
      : engine_(engine), reject_message_(std::move(reject_message)) {}

  // ?command=allow: a verdict before the password check.
  Response Allow(const Request& request);
  // ?command=report: the password check's outcome, unless we refused the attempt.
  Response Report(const Request& request);

 private:
  // Reads the body into body_ and `attempt` (stamped with the request's time); a 400 reply in
  // `error` when it cannot.
  bool Translate(const Request& request, bool report, core::AuthAttempt* attempt, Response* error);

  policy::Engine& engine_;
  std::string reject_message_;
  PolicyParser parser_;
  PolicyRequest body_;
};

}  // namespace coastguard::http
