#include "forms/render_token.h"

#include <charconv>

#include "core/crypto.h"
#include "core/text.h"

namespace coastguard::forms {
namespace {

bool IsHex(std::string_view text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string RenderTokens::Sign(std::string_view form, std::string_view issued,
                               std::string_view nonce) const {
  return core::HmacSha256Hex(key_,
                             core::Cat("coastguard-form-token\n", form, "\n", issued, "\n", nonce));
}

std::string RenderTokens::IssueWith(std::string_view form, uint64_t issued_ms,
                                    std::string_view nonce) const {
  const std::string issued = std::to_string(issued_ms);
  return core::Cat(issued, ".", nonce, ".", Sign(form, issued, nonce));
}

std::string RenderTokens::Issue(std::string_view form, core::Timestamp now) const {
  return IssueWith(form, static_cast<uint64_t>(now / core::kMillisecond), core::RandomHex(16));
}

RenderTokens::Parsed RenderTokens::Verify(std::string_view form, std::string_view token) const {
  Parsed parsed;
  if (token.size() > 200) return parsed;
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return parsed;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return parsed;
  const std::string_view issued = token.substr(0, first);
  const std::string_view nonce = token.substr(first + 1, second - first - 1);
  const std::string_view signature = token.substr(second + 1);
  uint64_t issued_ms = 0;
  const auto [end, error] =
      std::from_chars(issued.data(), issued.data() + issued.size(), issued_ms);
  if (error != std::errc() || end != issued.data() + issued.size() || issued.empty()) return parsed;
  if (nonce.size() < 16 || nonce.size() > 64 || !IsHex(nonce) || signature.size() != 64) {
    return parsed;
  }
  if (!core::ConstantTimeEquals(signature, Sign(form, issued, nonce))) return parsed;
  parsed.valid = true;
  parsed.issued_ms = issued_ms;
  parsed.nonce = nonce;
  return parsed;
}

}  // namespace coastguard::forms
