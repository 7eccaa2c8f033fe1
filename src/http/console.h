#pragma once

#include <span>
#include <string>
#include <string_view>

#include "http/console_sessions.h"
#include "http/http_server.h"

namespace coastguard::http {

// One file of the console's static part (console/ and uPlot from npm, embedded at build time).
struct ConsoleAsset {
  std::string_view name;  // "app.js": served at /console/app.js
  std::string_view content_type;
  std::string_view body;
};

inline constexpr std::string_view kSessionCookie = "coastguard_session";

// The operator's console at /console/: a login page that trades the admin token for a session
// cookie (HttpOnly, SameSite=Strict), the page and its scripts, and the CSRF token the page
// sends with each write. The data itself comes from the admin API, which accepts the session
// (see Api::AdminAuthorized). Nothing here may be cached by the browser.
class Console {
 public:
  Console(ConsoleSessions& sessions, std::string admin_token, std::span<const ConsoleAsset> assets)
      : sessions_(sessions), admin_token_(std::move(admin_token)), assets_(assets) {}

  // `path` is the whole path (/console/...).
  Response Handle(const Request& request);

 private:
  Response Login(const Request& request);
  Response Logout(const Request& request);
  Response Page(std::string_view name, int status, std::string_view error = {}) const;
  const ConsoleAsset* Find(std::string_view name) const;

  ConsoleSessions& sessions_;
  std::string admin_token_;
  std::span<const ConsoleAsset> assets_;
};

// Adds the headers every console reply carries: no caching, no framing, no sniffing, and a
// content security policy that allows only the console's own files.
void AddConsoleHeaders(Response& response);

// The value of field `name` in an application/x-www-form-urlencoded body, decoded; empty if
// absent.
std::string FormField(std::string_view body, std::string_view name);

}  // namespace coastguard::http
