#include "http/api.h"

#include <chrono>

#include "absl/strings/escaping.h"
#include "core/log.h"
#include "core/text.h"
#include "http/json_reply.h"

namespace coastguard::http {
namespace {

using core::StartsWith;

// The password of "Basic base64(user:password)", or empty.
std::string BasicPassword(std::string_view authorization) {
  if (!StartsWith(authorization, "Basic ")) return "";
  std::string decoded;
  const std::string encoded(authorization.substr(6));
  if (!absl::Base64Unescape(encoded, &decoded)) return "";
  const size_t colon = decoded.find(':');
  return colon == std::string::npos ? "" : decoded.substr(colon + 1);
}

}  // namespace

Api::Api(policy::Engine& engine, ApiSettings settings)
    : settings_(std::move(settings)),
      dovecot_(engine, settings_.dovecot.reject_message),
      weakforced_(engine),
      native_(engine),
      admin_(engine) {
  if (!settings_.dovecot.basic_auth.empty()) {
    basic_expected_ = "Basic " + absl::Base64Escape(settings_.dovecot.basic_auth);
  }
}

bool Api::PolicyAuthorized(const Request& request) const {
  const std::string& api_key = settings_.dovecot.api_key;
  if (api_key.empty() && basic_expected_.empty()) return true;
  if (!api_key.empty() && core::ConstantTimeEquals(request.header("X-API-Key"), api_key)) {
    return true;
  }
  return !basic_expected_.empty() &&
         core::ConstantTimeEquals(request.header("Authorization"), basic_expected_);
}

bool Api::AdminAuthorized(const Request& request) {
  const std::string_view authorization = request.header("Authorization");
  if (StartsWith(authorization, "Bearer ")) {
    return core::ConstantTimeEquals(authorization.substr(7), settings_.admin_token);
  }
  if (console_ && authorization.empty()) {
    const std::string_view cookie = CookieValue(request.header("Cookie"), kSessionCookie);
    if (!cookie.empty()) {
      const std::string* csrf = sessions_.Find(cookie, request.now);
      if (csrf == nullptr) return false;
      return request.method == "GET" || request.method == "HEAD" ||
             core::ConstantTimeEquals(request.header("X-CSRF-Token"), *csrf);
    }
  }
  // weakforced clients send Basic auth with any user and the password as the secret.
  const std::string password = BasicPassword(authorization);
  return !password.empty() && core::ConstantTimeEquals(password, settings_.admin_token);
}

Response Api::Handle(const Request& request) {
  const auto start = std::chrono::steady_clock::now();
  std::string_view endpoint = "other";
  Response response =
      request.body_too_large
          ? JsonError(400, core::Cat("body larger than ", settings_.max_body_bytes, " bytes"))
          : Route(request, &endpoint);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  request_metrics_.ObserveRequest(endpoint, response.status, micros);
  if (settings_.slow_request_us > 0 && static_cast<size_t>(micros) > settings_.slow_request_us) {
    core::Log(core::Cat("slow request: ", request.method, " ", request.path, " took ",
                        static_cast<int64_t>(micros), " us (status ", response.status, ")"));
  }
  return response;
}

Response Api::Route(const Request& request, std::string_view* endpoint) {
  const std::string_view path = request.path;
  if (path == "/") {
    const std::string_view command = request.query("command");
    if (command.empty()) return JsonError(404, "no command; see docs/api.md");
    return Command(command, request, endpoint);
  }
  if (StartsWith(path, "/command/")) return Command(path.substr(9), request, endpoint);
  if (path == "/healthz") {
    if (request.method != "GET") return JsonError(405, "use GET");
    return Response{200, "{\"status\":\"ok\"}"};
  }
  if (path == "/metrics") {
    if (request.method != "GET") return JsonError(405, "use GET");
    return Response{200, metrics_ != nullptr ? metrics_->Render(request.now) : "",
                    "text/plain; version=0.0.4"};
  }
  if (path == "/v1/auth/check" || path == "/v1/auth/report") {
    *endpoint = "native";
    if (request.method != "POST") return JsonError(405, "use POST");
    if (!PolicyAuthorized(request)) return JsonError(401, "bad or missing credentials");
    return path == "/v1/auth/report" ? native_.Report(request) : native_.Check(request);
  }
  if (StartsWith(path, "/v1/forms/")) {
    *endpoint = "forms";
    return Forms(request, path.substr(10));
  }
  if (StartsWith(path, "/range/")) {
    *endpoint = "range";
    if (breach_ == nullptr) return JsonError(404, "the breach guard is off");
    return breach_->Range(request, path.substr(7));
  }
  if (StartsWith(path, "/v1/passwords/")) {
    *endpoint = "passwords";
    return Passwords(request, path.substr(14));
  }
  if (path == "/console" || StartsWith(path, "/console/")) {
    *endpoint = "console";
    if (!console_) return JsonError(404, "the console is off");
    return console_->Handle(request);
  }
  for (const auto& [prefix, handler] : mounts_) {
    if (path == prefix || (StartsWith(path, prefix) && path.substr(prefix.size(), 1) == "/")) {
      return handler(request);
    }
  }
  if (!StartsWith(path, "/v1/")) return JsonError(404, "no such endpoint; see docs/api.md");
  *endpoint = "admin";
  if (!AdminAuthorized(request)) return JsonError(401, "admin token required");
  return admin_.Handle(request, path);
}

Response Api::Command(std::string_view command, const Request& request,
                      std::string_view* endpoint) {
  if (command == "allow" || command == "report") {
    *endpoint = command;
    if (request.method != "POST") return FailureReply(405, "use POST");
    if (!PolicyAuthorized(request)) return FailureReply(401, "Unauthorized");
    return command == "allow" ? dovecot_.Allow(request) : dovecot_.Report(request);
  }
  *endpoint = "admin";
  if (command != "ping" && !AdminAuthorized(request)) return FailureReply(401, "Unauthorized");
  return weakforced_.Command(command, request);
}

Response Api::Forms(const Request& request, std::string_view rest) {
  if (!forms_) return JsonError(404, "the form guard is off");
  if (rest == "check") {
    if (request.method != "POST") return JsonError(405, "use POST");
    if (!PolicyAuthorized(request)) return JsonError(401, "bad or missing credentials");
    return forms_->Check(request);
  }
  // Public: pages fetch these when they render a form, and they reveal nothing.
  if (rest == "token") return forms_->Token(request);
  if (rest == "challenge") return forms_->Challenge(request);
  if (rest == "events") {
    if (!AdminAuthorized(request)) return JsonError(401, "admin token required");
    return forms_->Events(request);
  }
  return JsonError(404, "form endpoints are check, token, challenge and events");
}

Response Api::Passwords(const Request& request, std::string_view rest) {
  if (breach_ == nullptr) return JsonError(404, "the breach guard is off");
  if (rest != "check" && rest != "report") {
    return JsonError(404, "password endpoints are check and report");
  }
  if (request.method != "POST") return JsonError(405, "use POST");
  if (!PolicyAuthorized(request)) return JsonError(401, "bad or missing credentials");
  return rest == "check" ? breach_->Check(request) : breach_->Report(request);
}

}  // namespace coastguard::http
