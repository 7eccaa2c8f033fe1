#include "http/console.h"

#include <microhttpd.h>

#include "core/text.h"
#include "http/json_reply.h"

namespace coastguard::http {
namespace {

using core::StartsWith;

Response Redirect(std::string location) {
  Response r{303, "", "text/plain"};
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

std::string SessionCookie(std::string_view value, int64_t max_age_seconds) {
  return core::Cat(kSessionCookie, "=", value,
                   "; Path=/; HttpOnly; SameSite=Strict; Max-Age=", max_age_seconds);
}

}  // namespace

void AddConsoleHeaders(Response& response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
      "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
}

std::string FormField(std::string_view body, std::string_view name) {
  while (!body.empty()) {
    const size_t end = body.find('&');
    const std::string_view pair = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    std::string value(pair.substr(eq + 1));
    for (char& c : value) {
      if (c == '+') c = ' ';  // form encoding's space; MHD_http_unescape decodes only %XX
    }
    value.resize(MHD_http_unescape(value.data()));
    return value;
  }
  return {};
}

const ConsoleAsset* Console::Find(std::string_view name) const {
  for (const ConsoleAsset& asset : assets_) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

Response Console::Page(std::string_view name, int status, std::string_view error) const {
  const ConsoleAsset* asset = Find(name);
  if (asset == nullptr) return JsonError(404, "no such console file");
  Response r{status, std::string(asset->body), std::string(asset->content_type)};
  if (name == "login.html") {
    // The login page carries one placeholder, for the reason the last attempt failed.
    const size_t at = r.body.find("{{error}}");
    if (at != std::string::npos) r.body.replace(at, 9, error);
  }
  return r;
}

Response Console::Handle(const Request& request) {
  Response r = [&] {
    const std::string_view path = request.path;
    if (path == "/console") return Redirect("/console/");
    const std::string_view name = path.substr(std::string_view("/console/").size());
    const std::string_view cookie = CookieValue(request.header("Cookie"), kSessionCookie);
    if (name == "login") return Login(request);
    if (name == "logout") return Logout(request);
    if (request.method != "GET" && request.method != "HEAD") return JsonError(405, "use GET");
    if (name.empty() || name == "index.html") {
      return sessions_.Find(cookie, request.now) != nullptr ? Page("index.html", 200)
                                                            : Page("login.html", 200);
    }
    if (name == "session") {
      const std::string* csrf = sessions_.Find(cookie, request.now);
      if (csrf == nullptr) return JsonError(401, "not logged in");
      return JsonReply(200, {{"csrf", *csrf}});
    }
    // The static files reveal nothing: the login page needs its style before anyone logs in.
    if (name == "login.html" || name.find('/') != std::string_view::npos) {
      return JsonError(404, "no such console file");
    }
    const ConsoleAsset* asset = Find(name);
    if (asset == nullptr) return JsonError(404, "no such console file");
    return Response{200, std::string(asset->body), std::string(asset->content_type)};
  }();
  AddConsoleHeaders(r);
  return r;
}

Response Console::Login(const Request& request) {
  if (request.method != "POST") return Redirect("/console/");
  const std::string token = FormField(request.body, "token");
  if (token.empty() || !core::ConstantTimeEquals(token, admin_token_)) {
    return Page("login.html", 401, "That is not the admin token.");
  }
  const ConsoleSessions::Created session = sessions_.Create(request.now);
  Response r = Redirect("/console/");
  r.headers.emplace_back("Set-Cookie",
                         SessionCookie(session.id, ConsoleSessions::kLifetime / core::kSecond));
  return r;
}

Response Console::Logout(const Request& request) {
  if (request.method != "POST") return JsonError(405, "use POST");
  const std::string_view cookie = CookieValue(request.header("Cookie"), kSessionCookie);
  const std::string* csrf = sessions_.Find(cookie, request.now);
  // Logging out is a write too: a page elsewhere must not end the operator's session.
  if (csrf == nullptr || !core::ConstantTimeEquals(FormField(request.body, "csrf"), *csrf)) {
    return JsonError(403, "bad or missing CSRF token");
  }
  sessions_.End(cookie);
  Response r = Redirect("/console/");
  r.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
  return r;
}

}  // namespace coastguard::http
