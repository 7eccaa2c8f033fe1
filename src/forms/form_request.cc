#include "forms/form_request.h"

#include "core/json_input.h"
#include "core/text.h"

namespace coastguard::forms {
namespace {

absl::Status Bad(std::string_view what) { return core::InvalidInput(std::string(what)); }

}  // namespace

bool ValidFormName(std::string_view name) {
  if (name.empty() || name.size() > kMaxFormName) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

Role ParseRole(std::string_view role) {
  if (role == "name") return Role::kName;
  if (role == "email") return Role::kEmail;
  if (role == "subject") return Role::kSubject;
  if (role == "phone") return Role::kPhone;
  if (role == "url") return Role::kUrl;
  if (role == "honeypot") return Role::kHoneypot;
  if (role == "secret" || role == "password") return Role::kSecret;
  return Role::kText;
}

absl::Status FormRequestParser::Parse(std::string_view text, bool padded, FormRequest* out) {
  std::vector<FormField> kept = std::move(out->fields);  // keeps its capacity
  kept.clear();
  *out = FormRequest{};
  out->fields = std::move(kept);
  roles_.clear();
  simdjson::padded_string_view input =
      padded ? simdjson::padded_string_view(text.data(), text.size(),
                                            text.size() + simdjson::SIMDJSON_PADDING)
             : core::PaddedCopy(text, copy_);
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
      if (!ValidFormName(out->form)) {
        return Bad("form must be 1-64 characters of letters, digits and - _ . /");
      }
    } else if (key == "ip") {
      if (value.get_string().get(str) != simdjson::SUCCESS) return Bad("ip is not a string");
      const auto ip = core::IpAddress::Parse(str);
      if (!ip) return Bad("ip is not an IP address");
      out->ip = *ip;
      has_ip = true;
    } else if (key == "user_agent") {
      if (!core::ReadOptionalString(value, &out->user_agent)) {
        return Bad("user_agent is not a string");
      }
      out->has_user_agent = true;
    } else if (key == "recipient") {
      if (!core::ReadOptionalString(value, &out->recipient)) {
        return Bad("recipient is not a string");
      }
    } else if (key == "id") {
      if (!core::ReadOptionalString(value, &out->id)) return Bad("id is not a string");
      if (out->id.size() > 128) return Bad("id longer than 128 bytes");
    } else if (key == "token") {
      if (!core::ReadOptionalString(value, &out->token)) return Bad("token is not a string");
    } else if (key == "altcha") {
      if (!core::ReadOptionalString(value, &out->altcha)) return Bad("altcha is not a string");
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
        if (!core::ReadOptionalString(v, &content)) {
          return Bad(fields ? "field values must be strings" : "roles must be strings");
        }
        if (fields) {
          if (out->fields.size() >= kMaxFields) return Bad("more than 100 fields");
          out->fields.push_back(FormField{name, content, Role::kText});
        } else {
          if (roles_.size() >= kMaxFields) return Bad("more than 100 roles");
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
      if (f.name == name) f.role = ParseRole(role);
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

}  // namespace coastguard::forms
