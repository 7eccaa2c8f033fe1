#include "http/api.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "core/text.h"
#include "http/weakforced.h"
#include "policy/explain.h"

namespace coastguard::http {
namespace {

using nlohmann::json;

constexpr core::Duration kDefaultBlockTtl = core::kHour;

// Logins and subjects come from outside and may not be valid UTF-8: replace, never throw.
Response JsonReply(int status, const json& body) {
  return Response{status, body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

const std::string* StringField(const json& body, const char* key) {
  const auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

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

Response JsonError(int status, std::string_view reason) {
  std::string body = "{\"error\":";
  core::AppendJsonString(body, reason);
  body += "}";
  return Response{status, body};
}

Response FailureReply(int status, std::string_view reason) {
  std::string body = "{\"status\":\"failure\",\"reason\":";
  core::AppendJsonString(body, reason);
  body += "}";
  return Response{status, body};
}

Api::Api(policy::Engine& engine, const policy::ServerConfig& config, Credentials credentials,
         Metrics& metrics, std::function<void(std::string&)> extra_metrics)
    : engine_(engine),
      config_(config),
      credentials_(std::move(credentials)),
      metrics_(metrics),
      extra_metrics_(std::move(extra_metrics)) {
  if (!credentials_.dovecot_basic_auth.empty()) {
    basic_expected_ = "Basic " + absl::Base64Escape(credentials_.dovecot_basic_auth);
  }
}

bool Api::PolicyAuthorized(const Request& request) const {
  if (credentials_.dovecot_api_key.empty() && basic_expected_.empty()) return true;
  if (!credentials_.dovecot_api_key.empty() &&
      core::ConstantTimeEquals(request.header("X-API-Key"), credentials_.dovecot_api_key)) {
    return true;
  }
  return !basic_expected_.empty() &&
         core::ConstantTimeEquals(request.header("Authorization"), basic_expected_);
}

bool Api::AdminAuthorized(const Request& request) const {
  const std::string_view authorization = request.header("Authorization");
  if (StartsWith(authorization, "Bearer ")) {
    return core::ConstantTimeEquals(authorization.substr(7), credentials_.admin_token);
  }
  // weakforced clients send Basic auth with any user and the password as the secret.
  const std::string password = BasicPassword(authorization);
  return !password.empty() && core::ConstantTimeEquals(password, credentials_.admin_token);
}

Response Api::Handle(const Request& request) {
  const auto start = std::chrono::steady_clock::now();
  std::string_view endpoint = "other";
  Response response =
      request.body_too_large
          ? JsonError(400, core::Cat("body larger than ", config_.max_body_bytes, " bytes"))
          : Route(request, &endpoint);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  metrics_.ObserveRequest(endpoint, response.status, micros);
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
    return Response{200, metrics_.Render(engine_, request.now, extra_metrics_),
                    "text/plain; version=0.0.4"};
  }
  if (path == "/v1/auth/check" || path == "/v1/auth/report") {
    *endpoint = "native";
    if (request.method != "POST") return JsonError(405, "use POST");
    if (!PolicyAuthorized(request)) return JsonError(401, "bad or missing credentials");
    return NativeCheck(request, path == "/v1/auth/report");
  }
  if (StartsWith(path, "/v1/forms/")) {
    *endpoint = "forms";
    return Forms(request, path.substr(10));
  }
  if (demo_ && (path == "/demo" || StartsWith(path, "/demo/"))) {
    *endpoint = "demo";
    return demo_(request);
  }
  if (!StartsWith(path, "/v1/")) return JsonError(404, "no such endpoint; see docs/api.md");
  *endpoint = "admin";
  if (!AdminAuthorized(request)) return JsonError(401, "admin token required");
  if (path == "/v1/blocks") return Blocks(request);
  if (path == "/v1/allow") return Allows(request);
  if (path == "/v1/service") {
    if (request.method != "GET") return JsonError(405, "use GET");
    return JsonReply(200, policy::ServiceJson(engine_, request.now));
  }
  if (StartsWith(path, "/v1/entities/")) return Entity(request, path.substr(13));
  if (path == "/v1/suspects") return Suspects(request, false);
  if (path == "/v1/suspects/clear") return Suspects(request, true);
  return JsonError(404, "no such endpoint; see docs/api.md");
}

Response Api::Command(std::string_view command, const Request& request,
                      std::string_view* endpoint) {
  if (command == "allow" || command == "report") {
    *endpoint = command;
    if (request.method != "POST") return FailureReply(405, "use POST");
    if (!PolicyAuthorized(request)) return FailureReply(401, "Unauthorized");
    return command == "allow" ? PolicyAllow(request) : PolicyReport(request);
  }
  *endpoint = "admin";
  if (command != "ping" && !AdminAuthorized(request)) return FailureReply(401, "Unauthorized");
  bool handled = false;
  Response response = WeakforcedCommand(command, request, engine_, &handled);
  return response;
}

Response Api::PolicyAllow(const Request& request) {
  PolicyRequest body;
  if (absl::Status s = policy_parser_.Parse(request.body, &body); !s.ok()) {
    return FailureReply(400, core::Message(s));
  }
  const auto ip = core::IpAddress::Parse(body.remote);
  if (!ip) return FailureReply(400, "remote is not an IP address");
  core::AuthAttempt attempt{request.now, core::ParseProtocol(body.protocol),
                            *ip,         body.login,
                            body.pwhash, body.device_id};
  const core::Verdict verdict = engine_.Check(attempt);
  return Response{200, PolicyReply(verdict, config_.reject_message)};
}

Response Api::PolicyReport(const Request& request) {
  PolicyRequest body;
  if (absl::Status s = policy_parser_.Parse(request.body, &body); !s.ok()) {
    return FailureReply(400, core::Message(s));
  }
  if (!body.has_success) return FailureReply(400, "missing success");
  const auto ip = core::IpAddress::Parse(body.remote);
  if (!ip) return FailureReply(400, "remote is not an IP address");
  // A login we refused never reached the password check: its outcome is unknown.
  if (body.policy_reject) return Response{200, "{\"status\":\"ok\"}"};
  core::AuthAttempt attempt{request.now, core::ParseProtocol(body.protocol),
                            *ip,         body.login,
                            body.pwhash, body.device_id};
  core::Outcome outcome = core::Outcome::kSuccess;
  if (!body.success) {
    outcome =
        body.fail_type == "account" ? core::Outcome::kUnknownUser : core::Outcome::kBadPassword;
  }
  engine_.Report(attempt, outcome);
  return Response{200, "{\"status\":\"ok\"}"};
}

Response Api::NativeCheck(const Request& request, bool report) {
  replay::Event event;
  if (absl::Status s = event_parser_.Parse(request.body, /*padded=*/false,
                                           /*require_outcome=*/report, &event);
      !s.ok()) {
    return JsonError(400, core::Message(s));
  }
  // Live traffic is stamped by the clock, whatever ts the body carries.
  event.attempt.ts = request.now;
  if (report) {
    engine_.Report(event.attempt, event.outcome);
    return Response{200, "{\"status\":\"ok\"}"};
  }
  std::string body;
  core::AppendVerdictJson(engine_.Check(event.attempt), body);
  return Response{200, body};
}

Response Api::Blocks(const Request& request) {
  if (request.method == "GET") {
    const bool all = request.query("all") == "1";
    json blocks = json::array();
    engine_.blocks().ForEach([&](const policy::BlockKey& key, const policy::Block& block) {
      if (all || block.expires > request.now) {
        blocks.push_back(policy::BlockJson(key, block, request.now));
      }
    });
    return JsonReply(200, {{"blocks", blocks}});
  }
  if (request.method != "POST" && request.method != "DELETE") {
    return JsonError(405, "use GET, POST or DELETE");
  }
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return JsonError(400, "body is not a JSON object");
  const std::string* ip = StringField(body, "ip");
  const std::string* network = StringField(body, "network");
  const std::string* login = StringField(body, "login");
  if ((ip != nullptr) + (network != nullptr) + (login != nullptr) != 1) {
    return JsonError(400, "give exactly one of ip, network or login");
  }
  policy::BlockKey key;
  std::string subject;
  if (login != nullptr) {
    auto canonical = engine_.Canonical(*login);
    if (!canonical.ok()) return JsonError(400, core::Message(canonical.status()));
    key = policy::LoginBlockKey(engine_.LoginDigest(*canonical));
    subject = *canonical;
  } else {
    const std::string& text = ip != nullptr ? *ip : *network;
    const auto cidr = core::Cidr::Parse(text);
    if (!cidr || (ip != nullptr && text.find('/') != std::string::npos)) {
      return JsonError(400, ip != nullptr ? "bad ip" : "bad network");
    }
    key = policy::NetworkBlockKey(*cidr);
    subject = cidr->bits == cidr->base.family_bits() ? cidr->base.ToString() : cidr->ToString();
  }
  if (request.method == "DELETE") {
    return JsonReply(200, {{"removed", engine_.Unblock(key)}});
  }
  core::Duration ttl = kDefaultBlockTtl;
  if (const auto it = body.find("ttl_seconds"); it != body.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() <= 0 ||
        it->get<int64_t>() > 10LL * 365 * 86400) {
      return JsonError(400, "ttl_seconds must be a positive integer");
    }
    ttl = it->get<int64_t>() * core::kSecond;
  }
  if (const std::string* reason = StringField(body, "reason"); reason && !reason->empty()) {
    subject += " (" + *reason + ")";
  }
  engine_.OperatorBlock(key, subject, ttl, request.now);
  const policy::Block* block = engine_.blocks().Find(key, request.now);
  return JsonReply(201, {{"block", policy::BlockJson(key, *block, request.now)}});
}

Response Api::Allows(const Request& request) {
  if (request.method == "GET") {
    json networks = json::array(), logins = json::array();
    for (const core::Cidr& cidr : engine_.allows().networks()) networks.push_back(cidr.ToString());
    for (const auto& [digest, subject] : engine_.allows().logins()) logins.push_back(subject);
    return JsonReply(200, {{"networks", networks}, {"logins", logins}});
  }
  if (request.method != "POST" && request.method != "DELETE") {
    return JsonError(405, "use GET, POST or DELETE");
  }
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return JsonError(400, "body is not a JSON object");
  const bool add = request.method == "POST";
  const std::string* network = StringField(body, "network");
  const std::string* login = StringField(body, "login");
  if ((network != nullptr) == (login != nullptr)) {
    return JsonError(400, "give exactly one of network or login");
  }
  if (network != nullptr) {
    const auto cidr = core::Cidr::Parse(*network);
    if (!cidr) return JsonError(400, "bad network");
    engine_.AllowNetwork(*cidr, add);
  } else if (!engine_.AllowLogin(*login, add)) {
    return JsonError(400, "bad login");
  }
  return JsonReply(add ? 201 : 200, {{"status", "ok"}});
}

Response Api::Suspects(const Request& request, bool clear) {
  if (!clear) {
    if (request.method != "GET") return JsonError(405, "use GET");
    json suspects = json::array();
    const uint32_t now_s = core::ToSeconds(request.now);
    engine_.ForEachEvidence([&](uint64_t, const detect::LoginEvidence& e) {
      if (e.suspicious_s == 0 || e.cleared_s >= e.suspicious_s || e.suspicious_s + 86400 <= now_s) {
        return;
      }
      json flags = json::array();
      if (e.flags & detect::LoginEvidence::kFromGuessingSource)
        flags.push_back("from_guessing_source");
      if (e.flags & detect::LoginEvidence::kUnfamiliarDuringAttack)
        flags.push_back("unfamiliar_during_attack");
      if (e.flags & detect::LoginEvidence::kAfterDistributedFailures)
        flags.push_back("after_distributed_failures");
      suspects.push_back({{"login", e.login},
                          {"since", e.suspicious_s},
                          {"ip", e.ip.ToString()},
                          {"evidence", flags}});
    });
    return JsonReply(200, {{"suspects", suspects}});
  }
  if (request.method != "POST") return JsonError(405, "use POST");
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  const std::string* login = body.is_object() ? StringField(body, "login") : nullptr;
  if (login == nullptr) return JsonError(400, "give the login to clear");
  auto canonical = engine_.Canonical(*login);
  if (!canonical.ok()) return JsonError(400, core::Message(canonical.status()));
  return JsonReply(
      200, {{"cleared", engine_.ClearSuspect(engine_.LoginDigest(*canonical), request.now)}});
}

Response Api::Forms(const Request& request, std::string_view rest) {
  if (forms_ == nullptr) return JsonError(404, "the form guard is off");
  if (rest == "check") {
    if (request.method != "POST") return JsonError(405, "use POST");
    if (!PolicyAuthorized(request)) return JsonError(401, "bad or missing credentials");
    if (absl::Status s = form_parser_.Parse(request.body, /*padded=*/false, &form_); !s.ok()) {
      return JsonError(400, core::Message(s));
    }
    return Response{200, forms::FormVerdictJson(forms_->Check(form_, request.now))};
  }
  if (rest == "token" || rest == "challenge") {
    // Public: pages fetch these when they render a form, and they reveal nothing.
    if (request.method != "GET") return JsonError(405, "use GET");
    if (rest == "challenge") return Response{200, forms_->CreateChallenge(request.now).Json()};
    const std::string_view form = request.query("form");
    if (!forms::ValidFormName(form)) {
      return JsonError(400, "give ?form=NAME (1-64 letters, digits and - _ . /)");
    }
    return JsonReply(
        200, {{"token", forms_->IssueToken(form, request.now)}, {"form", std::string(form)}});
  }
  if (rest == "events") {
    if (!AdminAuthorized(request)) return JsonError(401, "admin token required");
    if (request.method != "GET") return JsonError(405, "use GET");
    double since = 0;
    const std::string_view since_text = request.query("since");
    if (!since_text.empty()) {
      char* end = nullptr;
      const std::string copy(since_text);
      since = std::strtod(copy.c_str(), &end);
      if (end == copy.c_str() || *end != '\0' || !std::isfinite(since)) {
        return JsonError(400, "since must be a Unix time in seconds");
      }
    }
    json events = json::array();
    for (const forms::CampaignEvent& e : forms_->events()) {
      const double ts = static_cast<double>(e.ts) / core::kSecond;
      if (ts <= since) continue;
      events.push_back({{"ts", ts},
                        {"form", e.form},
                        {"reason", forms::FormReasonName(e.reason)},
                        {"key", e.key},
                        {"recipients", e.recipients},
                        {"earlier_ids", e.earlier_ids}});
    }
    return JsonReply(200, {{"events", events}});
  }
  return JsonError(404, "form endpoints are check, token, challenge and events");
}

Response Api::Entity(const Request& request, std::string_view rest) {
  if (request.method != "GET") return JsonError(405, "use GET");
  if (StartsWith(rest, "ip/")) {
    const auto ip = core::IpAddress::Parse(rest.substr(3));
    if (!ip) return JsonError(400, "bad ip");
    return JsonReply(200, policy::ExplainIp(engine_, *ip, request.now));
  }
  if (StartsWith(rest, "login/")) {
    const json explained = policy::ExplainLogin(engine_, rest.substr(6), request.now);
    if (explained.is_null()) return JsonError(400, "bad login");
    return JsonReply(200, explained);
  }
  return JsonError(404, "entities are ip/{ip} or login/{login}");
}

}  // namespace coastguard::http
