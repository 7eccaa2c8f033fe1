#include "breach/notification.h"

#include <string>

namespace coastguard::breach {
namespace {

constexpr std::string_view kTemplate =
    "From: {{from}}\n"
    "To: {{to}}\n"
    "Subject: Please change your mail password\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Auto-Submitted: auto-generated\n"
    "\n"
    "Hello,\n"
    "\n"
    "You just signed in to {{service}} as {{login}}. The password you used is on the lists\n"
    "of stolen passwords that criminals share: it has turned up {{breach_count}} times in\n"
    "data breaches, on this or on other websites. Nobody needs to have broken into your\n"
    "account yet, but these lists are exactly what they use to try.\n"
    "\n"
    "What to do, today:\n"
    "\n"
    "1. Change the password of this mail account. Choose one you have never used anywhere\n"
    "   else. A password manager (for example the one built into your browser or phone,\n"
    "   Bitwarden or KeePassXC) can make up a strong one and remember it for you.\n"
    "2. If you used the same password on other websites, change it there too, each to a\n"
    "   different one.\n"
    "\n"
    "We will never ask you for your password by mail. If you did not sign in just now,\n"
    "change your password at once and tell us.\n";

// Printable ASCII only: no CR, LF or other controls that would end a header, and no 8-bit
// bytes, which a header may only carry encoded.
bool SafeForHeader(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F) return false;
  }
  return !text.empty();
}

void ReplaceAll(std::string& text, std::string_view key, std::string_view value) {
  for (size_t at = text.find(key); at != std::string::npos;
       at = text.find(key, at + value.size())) {
    text.replace(at, key.size(), value);
  }
}

}  // namespace

std::string_view DefaultNotificationTemplate() { return kTemplate; }

std::optional<std::string> RenderNotification(std::string_view message_template,
                                              const BreachedLogin& login, std::string_view from,
                                              std::string_view service) {
  const std::string_view to = login.login;
  const size_t at = to.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == to.size() || !SafeForHeader(to) ||
      to.find_first_of(" <>,;\"") != std::string_view::npos || !SafeForHeader(from)) {
    return std::nullopt;
  }
  std::string message(message_template);
  ReplaceAll(message, "{{to}}", to);
  ReplaceAll(message, "{{from}}", from);
  ReplaceAll(message, "{{login}}", to);
  ReplaceAll(message, "{{breach_count}}", std::to_string(login.breach_count));
  ReplaceAll(message, "{{service}}", service.empty() ? std::string_view("your mail") : service);
  return message;
}

}  // namespace coastguard::breach
