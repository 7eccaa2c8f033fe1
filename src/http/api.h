#pragma once

#include <functional>
#include <string>

#include "forms/form_guard.h"
#include "http/dovecot_policy.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "policy/config.h"
#include "policy/engine.h"
#include "replay/event_parser.h"

namespace coastguard::http {

// Credentials checked at the door. Empty policy credentials leave the policy endpoints open
// (the server binds to loopback by default); the admin token is never empty.
struct Credentials {
  std::string admin_token;
  std::string dovecot_api_key;
  std::string dovecot_basic_auth;  // "user:password"
};

// Routes every HTTP request: the Dovecot auth policy and weakforced commands
// (/?command=X and /command/X), the native /v1 API, /healthz and /metrics.
// Runs on the server's loop thread; holds no lock.
class Api {
 public:
  Api(policy::Engine& engine, const policy::ServerConfig& config, Credentials credentials,
      Metrics& metrics, std::function<void(std::string&)> extra_metrics);

  Response Handle(const Request& request);
  // Enables /v1/forms/*; without it they answer 404.
  void set_forms(forms::FormGuard* forms) { forms_ = forms; }
  // Serves the contact-form demo under /demo/ (examples/contact-form).
  void set_demo(std::function<Response(const Request&)> demo) { demo_ = std::move(demo); }

 private:
  Response Route(const Request& request, std::string_view* endpoint);
  Response Command(std::string_view command, const Request& request, std::string_view* endpoint);
  Response PolicyAllow(const Request& request);
  Response PolicyReport(const Request& request);
  Response NativeCheck(const Request& request, bool report);
  Response Blocks(const Request& request);
  Response Allows(const Request& request);
  Response Entity(const Request& request, std::string_view rest);
  Response Suspects(const Request& request, bool clear);
  Response Forms(const Request& request, std::string_view rest);
  bool PolicyAuthorized(const Request& request) const;
  bool AdminAuthorized(const Request& request) const;

  policy::Engine& engine_;
  const policy::ServerConfig& config_;
  Credentials credentials_;
  std::string basic_expected_;  // "Basic <base64(user:password)>" for the policy endpoints
  Metrics& metrics_;
  std::function<void(std::string&)> extra_metrics_;
  forms::FormGuard* forms_ = nullptr;
  forms::FormRequestParser form_parser_;
  forms::FormRequest form_;
  std::function<Response(const Request&)> demo_;
  PolicyParser policy_parser_;
  replay::EventParser event_parser_;
};

// {"error": "..."} with the given status (native API).
Response JsonError(int status, std::string_view reason);
// {"status": "failure", "reason": "..."} (weakforced and Dovecot endpoints).
Response FailureReply(int status, std::string_view reason);

}  // namespace coastguard::http
