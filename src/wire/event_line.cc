#include "wire/event_line.h"

#include <cmath>

#include "core/text.h"
#include "wire/json_input.h"

namespace coastguard::wire {
namespace {

using simdjson::ondemand::json_type;

absl::Status Bad(std::string_view what) { return core::InvalidInput(std::string(what)); }

// Largest accepted timestamp: year 5138. Keeps every later conversion in range.
constexpr double kMaxTimestamp = 1e11;

enum class Field {
  kTs,
  kKind,
  kProtocol,
  kIp,
  kLogin,
  kPwhash,
  kClientId,
  kOutcome,
  kLabel,
  kSaslUser,
  kSender,
  kRecipients,
  kSize,
  kAttempts,
  kOther
};

constexpr size_t kMaxRecipients = 10000;

// Dispatches on length first: one short comparison per field instead of a chain of them (this
// runs for every field of every line).
Field Classify(std::string_view key) {
  using core::IsWord;
  switch (key.size()) {
    case 2:
      if (IsWord(key, "ts")) return Field::kTs;
      if (IsWord(key, "ip")) return Field::kIp;
      break;
    case 4:
      if (IsWord(key, "kind")) return Field::kKind;
      if (IsWord(key, "size")) return Field::kSize;
      break;
    case 5:
      if (IsWord(key, "login")) return Field::kLogin;
      if (IsWord(key, "label")) return Field::kLabel;
      break;
    case 6:
      if (IsWord(key, "pwhash")) return Field::kPwhash;
      if (IsWord(key, "sender")) return Field::kSender;
      break;
    case 7:
      if (IsWord(key, "outcome")) return Field::kOutcome;
      break;
    case 8:
      if (IsWord(key, "protocol")) return Field::kProtocol;
      if (IsWord(key, "attempts")) return Field::kAttempts;
      break;
    case 9:
      if (IsWord(key, "client_id")) return Field::kClientId;
      if (IsWord(key, "sasl_user")) return Field::kSaslUser;
      break;
    case 10:
      if (IsWord(key, "recipients")) return Field::kRecipients;
      break;
  }
  return Field::kOther;
}

}  // namespace

absl::StatusOr<core::Timestamp> EventParser::ReadTime(std::string_view line, bool padded) {
  const simdjson::padded_string_view input = PaddedInput(line, padded, copy_);
  simdjson::ondemand::document doc;
  if (parser_.iterate(input).get(doc) != simdjson::SUCCESS) return Bad("not JSON");
  double ts;
  if (doc["ts"].get_double().get(ts) != simdjson::SUCCESS) return Bad("no numeric ts");
  if (!std::isfinite(ts) || ts < 0 || ts > kMaxTimestamp) return Bad("ts out of range");
  return static_cast<core::Timestamp>(std::llround(ts * core::kSecond));
}

absl::Status EventParser::Parse(std::string_view line, bool padded, bool require_outcome,
                                Event* out) {
  out->kind = EventKind::kAuth;
  out->attempt = core::AuthAttempt{};
  out->outcome = core::Outcome::kBadPassword;
  out->has_outcome = false;
  out->label = {};
  out->attempts = 1;
  out->mail.sasl_user = out->mail.sender = {};
  out->mail.recipients.clear();  // keeps its capacity across lines
  out->mail.size = 0;
  const simdjson::padded_string_view input = PaddedInput(line, padded, copy_);
  simdjson::ondemand::document doc;
  if (parser_.iterate(input).get(doc) != simdjson::SUCCESS) return Bad("not JSON");
  simdjson::ondemand::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return Bad("not a JSON object");

  bool has_ts = false, has_kind = false, has_ip = false, has_protocol = false;
  std::string_view text;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return Bad("bad key");
    simdjson::ondemand::value value;
    if (field.value().get(value) != simdjson::SUCCESS) return Bad("bad value");
    switch (Classify(key)) {
      case Field::kTs: {
        double ts;
        if (value.get_double().get(ts) != simdjson::SUCCESS) return Bad("ts is not a number");
        if (!std::isfinite(ts) || ts < 0 || ts > kMaxTimestamp) return Bad("ts out of range");
        out->attempt.ts = static_cast<core::Timestamp>(std::llround(ts * core::kSecond));
        has_ts = true;
        break;
      }
      case Field::kKind:
        if (value.get_string().get(text) != simdjson::SUCCESS) return Bad("kind is not a string");
        if (core::IsWord(text, "auth"))
          out->kind = EventKind::kAuth;
        else if (core::IsWord(text, "mail"))
          out->kind = EventKind::kMail;
        else if (core::IsWord(text, "form"))
          out->kind = EventKind::kForm;
        else
          return Bad("unsupported kind");
        has_kind = true;
        break;
      case Field::kProtocol:
        if (!ReadOptionalString(value, &text)) return Bad("protocol is not a string");
        out->attempt.protocol = core::ParseProtocol(text);
        has_protocol = !text.empty();
        break;
      case Field::kIp: {
        if (value.get_string().get(text) != simdjson::SUCCESS) return Bad("ip is not a string");
        const auto ip = core::IpAddress::Parse(text);
        if (!ip) return Bad("ip is not an IP address");
        out->attempt.ip = *ip;
        has_ip = true;
        break;
      }
      case Field::kLogin:
        if (value.get_string().get(out->attempt.login) != simdjson::SUCCESS) {
          return Bad("login is not a string");
        }
        break;
      case Field::kPwhash:
        if (!ReadOptionalString(value, &out->attempt.pwhash)) return Bad("pwhash is not a string");
        break;
      case Field::kClientId:
        if (!ReadOptionalString(value, &out->attempt.client_id))
          return Bad("client_id is not a string");
        break;
      case Field::kOutcome: {
        if (value.get_string().get(text) != simdjson::SUCCESS) {
          return Bad("outcome is not a string");
        }
        const auto outcome = core::ParseOutcome(text);
        if (!outcome) return Bad("outcome must be success, bad_password, unknown_user or failure");
        out->outcome = *outcome;
        out->has_outcome = true;
        break;
      }
      case Field::kLabel:
        if (!ReadOptionalString(value, &out->label)) return Bad("label is not a string");
        break;
      case Field::kSaslUser:
        if (!ReadOptionalString(value, &out->mail.sasl_user))
          return Bad("sasl_user is not a string");
        break;
      case Field::kSender:
        if (!ReadOptionalString(value, &out->mail.sender)) return Bad("sender is not a string");
        break;
      case Field::kAttempts: {
        uint64_t attempts;
        if (value.get_uint64().get(attempts) != simdjson::SUCCESS || attempts < 1 ||
            attempts > 1000) {
          return Bad("attempts is not a number from 1 to 1000");
        }
        out->attempts = static_cast<uint32_t>(attempts);
        break;
      }
      case Field::kSize: {
        uint64_t size;
        if (value.get_uint64().get(size) != simdjson::SUCCESS) return Bad("size is not a number");
        out->mail.size = size;
        break;
      }
      case Field::kRecipients: {
        simdjson::ondemand::array array;
        if (value.get_array().get(array) != simdjson::SUCCESS) {
          return Bad("recipients is not an array");
        }
        for (auto item : array) {
          std::string_view recipient;
          if (item.get_string().get(recipient) != simdjson::SUCCESS) {
            return Bad("recipients must be strings");
          }
          if (out->mail.recipients.size() >= kMaxRecipients) return Bad("too many recipients");
          out->mail.recipients.push_back(recipient);
        }
        break;
      }
      case Field::kOther: break;
    }
    // Unknown fields are ignored by contract.
  }
  if (!has_ts) return Bad("missing ts");
  if (!has_kind) return Bad("missing kind");
  if (out->kind == EventKind::kForm) return absl::OkStatus();
  if (out->kind == EventKind::kMail) {
    if (!has_ip) return Bad("missing ip");
    if (out->mail.recipients.empty()) return Bad("missing recipients");
    return absl::OkStatus();
  }
  if (!has_protocol) return Bad("missing protocol");
  if (!has_ip) return Bad("missing ip");
  if (out->attempt.login.empty()) return Bad("missing login");
  if (require_outcome && !out->has_outcome) return Bad("missing outcome");
  return absl::OkStatus();
}

void AppendDecisionLine(const core::Verdict& verdict, std::string& out) {
  // Pieces of known length, and the number without a temporary string: this runs per line.
  using namespace std::string_view_literals;
  out += R"({"verdict": ")"sv;
  out += core::ActionName(verdict.action);
  out += R"(", "delay_ms": )"sv;
  core::AppendPiece(out, verdict.delay_ms);
  out += R"(, "reasons": [)"sv;
  bool first = true;
  verdict.reasons.ForEach([&](core::Reason r) {
    if (!first) out += ", "sv;
    first = false;
    out += '"';
    out += core::ReasonName(r);
    out += '"';
  });
  out += "]}"sv;
}

}  // namespace coastguard::wire
