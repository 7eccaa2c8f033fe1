#include "forms/altcha.h"

#include <charconv>

#include "absl/strings/escaping.h"
#include "core/crypto.h"
#include "core/text.h"

namespace coastguard::forms {
namespace {

constexpr size_t kMaxPayload = 4096;

// The value of `name` in the salt's query part ("<hex>?expires=1700000000&form=x&").
std::string_view SaltParam(std::string_view salt, std::string_view name) {
  const size_t query = salt.find('?');
  if (query == std::string_view::npos) return {};
  std::string_view rest = salt.substr(query + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace

std::string AltchaChallenge::Json() const {
  std::string out = "{\"algorithm\":";
  core::AppendJsonString(out, algorithm);
  out += ",\"challenge\":";
  core::AppendJsonString(out, challenge);
  out += core::Cat(",\"maxnumber\":", max_number, ",\"salt\":");
  core::AppendJsonString(out, salt);
  out += ",\"signature\":";
  core::AppendJsonString(out, signature);
  out += '}';
  return out;
}

AltchaChallenge Altcha::CreateWith(std::string_view salt, uint64_t number) const {
  AltchaChallenge c;
  c.max_number = max_number_;
  c.salt = std::string(salt);
  c.challenge = core::Sha256Hex(core::Cat(c.salt, number));
  c.signature = core::HmacSha256Hex(key_, c.challenge);
  return c;
}

AltchaChallenge Altcha::Create(core::Timestamp now) const {
  uint64_t number = 0;
  const std::string random = core::RandomHex(8);
  std::from_chars(random.data(), random.data() + random.size(), number, 16);
  // The trailing '&' stops anyone splicing parameters onto a signed salt (as altcha-lib does).
  const std::string salt =
      core::Cat(core::RandomHex(12), "?expires=", core::ToSeconds(now + ttl_), "&");
  return CreateWith(salt, number % (max_number_ + 1));
}

AltchaVerified Altcha::Verify(std::string_view payload, core::Timestamp now) {
  AltchaVerified out;
  if (payload.empty() || payload.size() > kMaxPayload) return out;
  std::string json;
  if (!absl::Base64Unescape(std::string(payload), &json)) return out;
  // The payload was just decoded into a fresh string: pad that one copy for simdjson.
  json.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  const simdjson::padded_string_view input(json.data(), json.size(), json.capacity());
  simdjson::ondemand::document doc;
  if (parser_.iterate(input).get(doc) != simdjson::SUCCESS) return out;
  simdjson::ondemand::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return out;
  std::string_view algorithm, salt, signature;
  uint64_t number = 0;
  bool has_number = false;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return out;
    simdjson::ondemand::value value;
    if (field.value().get(value) != simdjson::SUCCESS) return out;
    std::string_view text;
    if (key == "algorithm" || key == "challenge" || key == "salt" || key == "signature") {
      if (value.get_string().get(text) != simdjson::SUCCESS) return out;
      if (key == "algorithm") algorithm = text;
      if (key == "challenge") out.challenge = std::string(text);
      if (key == "salt") salt = text;
      if (key == "signature") signature = text;
    } else if (key == "number") {
      if (value.get_uint64().get(number) != simdjson::SUCCESS) return out;
      has_number = true;
    }
  }
  if (algorithm != "SHA-256" || !has_number || out.challenge.size() != 64 || salt.empty() ||
      salt.size() > 512) {
    return out;
  }
  const std::string_view expires = SaltParam(salt, "expires");
  uint32_t expires_s = 0;
  const auto [end, error] =
      std::from_chars(expires.data(), expires.data() + expires.size(), expires_s);
  // Only our own challenges come back, and ours always expire.
  if (expires.empty() || error != std::errc() || end != expires.data() + expires.size()) return out;
  const bool solved =
      core::ConstantTimeEquals(core::Sha256Hex(core::Cat(salt, number)), out.challenge);
  const bool signed_by_us =
      core::ConstantTimeEquals(core::HmacSha256Hex(key_, out.challenge), signature);
  if (!solved || !signed_by_us) return out;
  out.expires_s = expires_s;
  out.result = core::FromSeconds(expires_s) < now ? AltchaResult::kExpired : AltchaResult::kValid;
  return out;
}

}  // namespace coastguard::forms
