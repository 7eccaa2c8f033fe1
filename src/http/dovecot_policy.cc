#include "http/dovecot_policy.h"

#include "core/crypto.h"
#include "core/text.h"
#include "http/json_reply.h"
#include "wire/json_input.h"

namespace coastguard::http {
namespace {

using simdjson::ondemand::json_type;

absl::Status Bad(const char* what) { return core::InvalidInput(what); }

bool ReadBool(simdjson::ondemand::value value, bool* out) {
  json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == json_type::boolean) return value.get_bool().get(*out) == simdjson::SUCCESS;
  std::string_view text;
  if (type != json_type::string || value.get_string().get(text) != simdjson::SUCCESS) return false;
  if (text == "true" || text == "1" || text == "yes")
    *out = true;
  else if (text == "false" || text == "0" || text == "no" || text.empty())
    *out = false;
  else
    return false;
  return true;
}

}  // namespace

absl::Status PolicyParser::Parse(std::string_view body, PolicyRequest* out) {
  *out = PolicyRequest{};
  const simdjson::padded_string_view input = wire::PaddedCopy(body, copy_);
  simdjson::ondemand::document doc;
  if (parser_.iterate(input).get(doc) != simdjson::SUCCESS) return Bad("body is not JSON");
  simdjson::ondemand::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return Bad("body is not a JSON object");
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return Bad("bad key");
    simdjson::ondemand::value value;
    if (field.value().get(value) != simdjson::SUCCESS) return Bad("bad value");
    bool ok = true;
    if (key == "login")
      ok = wire::ReadOptionalString(value, &out->login);
    else if (key == "pwhash")
      ok = wire::ReadOptionalString(value, &out->pwhash);
    else if (key == "remote")
      ok = wire::ReadOptionalString(value, &out->remote);
    else if (key == "device_id")
      ok = wire::ReadOptionalString(value, &out->device_id);
    else if (key == "protocol")
      ok = wire::ReadOptionalString(value, &out->protocol);
    else if (key == "session_id")
      ok = wire::ReadOptionalString(value, &out->session_id);
    else if (key == "fail_type")
      ok = wire::ReadOptionalString(value, &out->fail_type);
    else if (key == "tls")
      ok = ReadBool(value, &out->tls);
    else if (key == "policy_reject")
      ok = ReadBool(value, &out->policy_reject);
    else if (key == "success")
      ok = out->has_success = ReadBool(value, &out->success);
    if (!ok) return core::InvalidInput(core::Cat("bad value for '", key, "'"));
  }
  if (out->login.empty()) return Bad("missing login");
  if (out->remote.empty()) return Bad("missing remote");
  return absl::OkStatus();
}

std::string PolicyReply(const core::Verdict& verdict, std::string_view reject_message) {
  std::string out;
  out.reserve(64 + reject_message.size());
  switch (verdict.action) {
    case core::Action::kAllow: out = "{\"status\":0,\"msg\":\"\",\"r_attrs\":{}}"; break;
    case core::Action::kDelay:
      // Dovecot tarpits in whole seconds; round up so a delay is never lost.
      out = core::Cat("{\"status\":", (verdict.delay_ms + 999) / 1000,
                      ",\"msg\":\"\",\"r_attrs\":{}}");
      break;
    case core::Action::kReject:
    case core::Action::kDefer:  // mail verdicts; never given to a login
    case core::Action::kHold:
      out = "{\"status\":-1,\"msg\":";
      core::AppendJsonString(out, reject_message);
      out += ",\"r_attrs\":{}}";
      break;
  }
  return out;
}

std::string DovecotConfLines(std::string_view host, uint16_t port, const DovecotConfig& config) {
  // A wildcard listener is reached on loopback; IPv6 literals need brackets in a URL.
  std::string shown(host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host);
  if (shown.find(':') != std::string::npos) shown = core::Cat("[", shown, "]");
  const std::string userinfo = config.basic_auth.empty() ? "" : config.basic_auth + "@";
  const std::string secret = config.api_key.empty() ? config.basic_auth : config.api_key;
  std::string out =
      core::Cat("auth_policy_server_url = http://", userinfo, shown, ":", port, "/\n");
  if (!config.api_key.empty()) {
    out += core::Cat("auth_policy_server_api_header = ", config.api_key, "\n");
  }
  out += core::Cat("auth_policy_hash_nonce = ",
                   core::HmacSha256Hex(secret, "coastguard auth_policy_hash_nonce").substr(0, 32),
                   "\n");
  return out;
}

bool DovecotPolicy::Translate(const Request& request, bool report, core::AuthAttempt* attempt,
                              Response* error) {
  if (absl::Status s = parser_.Parse(request.body, &body_); !s.ok()) {
    *error = FailureReply(400, core::Message(s));
    return false;
  }
  if (report && !body_.has_success) {
    *error = FailureReply(400, "missing success");
    return false;
  }
  const auto ip = core::IpAddress::Parse(body_.remote);
  if (!ip) {
    *error = FailureReply(400, "remote is not an IP address");
    return false;
  }
  // Live traffic is stamped by the clock when the request arrived.
  *attempt = core::AuthAttempt{request.now,  core::ParseProtocol(body_.protocol),
                               *ip,          body_.login,
                               body_.pwhash, body_.device_id};
  return true;
}

Response DovecotPolicy::Allow(const Request& request) {
  core::AuthAttempt attempt;
  Response error;
  if (!Translate(request, /*report=*/false, &attempt, &error)) return error;
  return Response{200, PolicyReply(engine_.Check(attempt), reject_message_)};
}

Response DovecotPolicy::Report(const Request& request) {
  core::AuthAttempt attempt;
  Response error;
  if (!Translate(request, /*report=*/true, &attempt, &error)) return error;
  // A login we refused never reached the password check: its outcome is unknown.
  if (body_.policy_reject) return OkReply();
  core::Outcome outcome = core::Outcome::kSuccess;
  if (!body_.success) {
    // Dovecot 2.4 and weakforced clients say "account" when the user does not exist.
    outcome =
        body_.fail_type == "account" ? core::Outcome::kUnknownUser : core::Outcome::kBadPassword;
  }
  engine_.Report(attempt, outcome);
  return OkReply();
}

}  // namespace coastguard::http
