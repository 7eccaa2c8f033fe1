#include "wire/form_check.h"

#include <cstdio>

#include "core/text.h"
#include "wire/json_input.h"

namespace coastguard::wire {
namespace {

using forms::FormField;
using forms::FormReason;
using forms::FormVerdict;
using forms::Role;

absl::Status Bad(std::string_view what) { return core::InvalidInput(std::string(what)); }

}  // namespace

absl::Status FormCheckParser::Parse(std::string_view text, bool padded, forms::FormRequest* out) {
  std::vector<FormField> kept = std::move(out->fields);  // keeps its capacity
  kept.clear();
  *out = forms::FormRequest{};
  out->fields = std::move(kept);
  roles_.clear();
  const simdjson::padded_string_view input = PaddedInput(text, padded, copy_);
  simdjson::ondemand::document doc;
  if (parser_.iterate(input).get(doc) != simdjson::SUCCESS) return Bad("not JSON");
  simdjson::ondemand::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return Bad("not a JSON object");
  bool has_ip = false;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return Bad("bad key");
    simdjson::ondemand::value value;
    if (field.value().get(value) != simdjson::SUCCESS) return Bad("bad value");
    std::string_view str;
    if (key == "form") {
      if (value.get_string().get(out->form) != simdjson::SUCCESS)
        return Bad("form is not a string");
      if (!forms::ValidFormName(out->form)) {
        return Bad("form must be 1-64 characters of letters, digits and - _ . /");
      }
    } else if (key == "ip") {
      if (value.get_string().get(str) != simdjson::SUCCESS) return Bad("ip is not a string");
      const auto ip = core::IpAddress::Parse(str);
      if (!ip) return Bad("ip is not an IP address");
      out->ip = *ip;
      has_ip = true;
    } else if (key == "user_agent") {
      if (!ReadOptionalString(value, &out->user_agent)) {
        return Bad("user_agent is not a string");
      }
      out->has_user_agent = true;
    } else if (key == "recipient") {
      if (!ReadOptionalString(value, &out->recipient)) {
        return Bad("recipient is not a string");
      }
    } else if (key == "id") {
      if (!ReadOptionalString(value, &out->id)) return Bad("id is not a string");
      if (out->id.size() > 128) return Bad("id longer than 128 bytes");
    } else if (key == "token") {
      if (!ReadOptionalString(value, &out->token)) return Bad("token is not a string");
    } else if (key == "altcha") {
      if (!ReadOptionalString(value, &out->altcha)) return Bad("altcha is not a string");
    } else if (key == "fields" || key == "roles") {
      simdjson::ondemand::object map;
      if (value.get_object().get(map) != simdjson::SUCCESS) {
        return Bad(key == "fields" ? "fields is not an object" : "roles is not an object");
      }
      const bool fields = key == "fields";
      for (auto entry : map) {
        std::string_view name, content;
        if (entry.unescaped_key().get(name) != simdjson::SUCCESS) return Bad("bad field name");
        simdjson::ondemand::value v;
        if (entry.value().get(v) != simdjson::SUCCESS) return Bad("bad field value");
        if (!ReadOptionalString(v, &content)) {
          return Bad(fields ? "field values must be strings" : "roles must be strings");
        }
        if (fields) {
          if (out->fields.size() >= forms::kMaxFields) return Bad("more than 100 fields");
          out->fields.push_back(FormField{name, content, Role::kText});
        } else {
          if (roles_.size() >= forms::kMaxFields) return Bad("more than 100 roles");
          roles_.emplace_back(name, content);
        }
      }
    }
    // Other keys (ts, kind, label in replay lines) are not the check's business.
  }
  if (out->form.empty()) return Bad("missing form");
  if (!has_ip) return Bad("missing ip");
  for (const auto& [name, role] : roles_) {
    for (FormField& f : out->fields) {
      if (f.name == name) f.role = forms::ParseRole(role);
    }
  }
  if (out->recipient.empty()) {
    for (const FormField& f : out->fields) {
      if (f.role == Role::kEmail && !f.value.empty()) {
        out->recipient = f.value;
        break;
      }
    }
  }
  return absl::OkStatus();
}

namespace {

// The two layouts differ only in spacing and the replay line's delay_ms (kept for the shape the
// other decision lines have).
void AppendVerdict(const FormVerdict& verdict, bool replay_line, std::string& out) {
  const char* comma = replay_line ? ", " : ",";
  const char* colon = replay_line ? ": " : ":";
  out += '{';
  out += "\"verdict\"";
  out += colon;
  out += '"';
  out += forms::FormActionName(verdict.action);
  out += '"';
  out += comma;
  if (replay_line) out += "\"delay_ms\": 0, ";
  out += "\"reasons\"";
  out += colon;
  out += '[';
  bool first = true;
  verdict.reasons.ForEach([&](FormReason r) {
    if (!first) out += comma;
    first = false;
    out += '"';
    out += forms::FormReasonName(r);
    out += '"';
  });
  char score[32];
  std::snprintf(score, sizeof(score), "%.1f", verdict.score);
  out += ']';
  out += comma;
  out += "\"score\"";
  out += colon;
  out += score;
  out += '}';
}

}  // namespace

void AppendFormDecisionLine(const FormVerdict& verdict, std::string& out) {
  AppendVerdict(verdict, /*replay_line=*/true, out);
}

std::string FormVerdictJson(const FormVerdict& verdict) {
  std::string out;
  AppendVerdict(verdict, /*replay_line=*/false, out);
  return out;
}

}  // namespace coastguard::wire
