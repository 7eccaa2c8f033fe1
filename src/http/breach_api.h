#pragma once

#include <cstdint>
#include <functional>
#include <random>

#include <nlohmann/json.hpp>

#include "breach/breached_logins.h"
#include "breach/database.h"
#include "breach/password_check.h"
#include "http/http_server.h"
#include "io/command_runner.h"
#include "policy/engine.h"

namespace coastguard::http {

struct BreachApiSettings {
  bool refuse_on_login = false;  // [breach] on_login = "refuse"
};

// The breach guard's HTTP API (docs/breach.md):
//   GET  /range/{5 hex}[?mode=ntlm]  HIBP's range API (public, as HIBP's is); Add-Padding: true
//   POST /v1/passwords/check         sign-up and password change (policy credentials)
//   POST /v1/passwords/report        a successful login's password SHA-1, from Dovecot's Lua
//                                    script (policy credentials); 403 means refuse the login
// The router checks credentials; this translates. Passwords are hashed and dropped, never
// logged or kept. Loop thread.
class BreachApi {
 public:
  // Called when a login reports a breached password (first: the account was not marked).
  using OnBreached = std::function<void(const breach::BreachedLogin&, bool first)>;

  BreachApi(const policy::Engine& engine, const breach::Database& database,
            const breach::PasswordChecker& checker, breach::BreachedLogins& logins,
            BreachApiSettings settings);

  Response Range(const Request& request, std::string_view prefix);
  Response Check(const Request& request);
  Response Report(const Request& request);
  void set_on_breached(OnBreached fn) { on_breached_ = std::move(fn); }

  const breach::BreachedLogins& logins() const { return logins_; }
  uint64_t range_requests() const { return range_requests_; }

 private:
  Response CheckBody(const nlohmann::json& body);

  const policy::Engine& engine_;
  const breach::Database& database_;
  const breach::PasswordChecker& checker_;
  breach::BreachedLogins& logins_;
  BreachApiSettings settings_;
  OnBreached on_breached_;
  std::mt19937_64 padding_random_;
  uint64_t range_requests_ = 0;
};

// The webhook's event for an account first seen with a breached password.
std::string BreachedLoginJson(const breach::BreachedLogin& login);

struct NotificationCounts {
  uint64_t sent = 0;     // handed to the notify command
  uint64_t skipped = 0;  // the login is no mail address
  io::CommandRunnerStats command;
};

// coastguard_breach_hashes{kind}, coastguard_breach_password_reports_total{result},
// coastguard_breach_accounts_marked_total, coastguard_breach_accounts_cleared_total,
// coastguard_breach_range_requests_total, coastguard_breach_notifications_total{result}.
void AppendBreachMetrics(std::string& out, const BreachApi& api, const breach::Database& db,
                         const NotificationCounts& notifications);

}  // namespace coastguard::http
