#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/metrics_text.h"
#include "forms/form_guard.h"
#include "http/admin_api.h"
#include "http/breach_api.h"
#include "http/console.h"
#include "http/console_sessions.h"
#include "http/dovecot_policy.h"
#include "http/forms_api.h"
#include "http/http_config.h"
#include "http/http_server.h"
#include "http/native_auth.h"
#include "http/request_metrics.h"
#include "http/weakforced.h"
#include "policy/engine.h"
#include "policy/outbound.h"

namespace coastguard::http {

struct ApiSettings {
  std::string admin_token;  // never empty: the daemon generates one when none is configured
  DovecotConfig dovecot;    // policy credentials (empty: not checked) and the reject message
  size_t max_body_bytes = 64 * 1024;
  size_t slow_request_us = 0;  // log requests slower than this; 0 = never
};

// The HTTP front door: routes each request to the translator of its protocol and checks its
// credentials on the way. Policy endpoints (Dovecot allow/report, /v1/auth/*, /v1/forms/check)
// take the Dovecot credentials if configured (the server binds to loopback by default); admin
// endpoints take the admin token (Bearer, or weakforced-style Basic with it as the password);
// /healthz, /metrics, ping, the form token and challenge, and the breach range API are public;
// the console (/console/) logs in with the admin token.
// Runs on the server's loop thread; holds no lock.
class Api {
 public:
  Api(policy::Engine& engine, ApiSettings settings);

  Response Handle(const Request& request);

  // Parts that are optional: without them their endpoints answer 404 (forms) or list nothing.
  void set_outbound(const policy::Outbound* outbound) { admin_.set_outbound(outbound); }
  void set_forms(forms::FormGuard* guard) {
    if (guard != nullptr) {
      forms_.emplace(*guard);
    } else {
      forms_.reset();
    }
  }
  // The breach guard (range API, password checks and reports); without it they answer 404.
  void set_breach(BreachApi* breach) {
    breach_ = breach;
    admin_.set_breached_logins(breach != nullptr ? &breach->logins() : nullptr);
  }
  void set_metrics(const core::MetricsRegistry* metrics) { metrics_ = metrics; }
  void set_timeline(const history::Timeline* timeline) { admin_.set_timeline(timeline); }
  void set_system(SystemView view) { admin_.set_system(std::move(view)); }
  // Serves the operator's console at /console/ from `assets`; its sessions then open the admin
  // endpoints too.
  void EnableConsole(std::span<const ConsoleAsset> assets) {
    console_.emplace(sessions_, settings_.admin_token, assets);
  }
  // Serves `handler` at `prefix` and below (the contact-form demo at /demo).
  void Mount(std::string prefix, RequestHandler handler) {
    mounts_.emplace_back(std::move(prefix), std::move(handler));
  }
  // coastguard_request_duration_seconds, coastguard_http_responses_total.
  void AppendMetrics(std::string& out) const { request_metrics_.AppendMetrics(out); }

 private:
  Response Route(const Request& request, std::string_view* endpoint);
  Response Command(std::string_view command, const Request& request, std::string_view* endpoint);
  Response Forms(const Request& request, std::string_view rest);
  Response Passwords(const Request& request, std::string_view rest);
  bool PolicyAuthorized(const Request& request) const;
  // The admin token (Bearer, or Basic with it as the password), or a console session; a
  // session's writes must carry its CSRF token.
  bool AdminAuthorized(const Request& request);

  ApiSettings settings_;
  std::string basic_expected_;  // "Basic <base64(user:password)>" for the policy endpoints
  DovecotPolicy dovecot_;
  Weakforced weakforced_;
  NativeAuth native_;
  AdminApi admin_;
  ConsoleSessions sessions_;
  std::optional<Console> console_;
  std::optional<FormsApi> forms_;
  BreachApi* breach_ = nullptr;
  const core::MetricsRegistry* metrics_ = nullptr;
  std::vector<std::pair<std::string, RequestHandler>> mounts_;
  RequestMetrics request_metrics_;
};

}  // namespace coastguard::http
