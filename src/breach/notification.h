#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "breach/breached_logins.h"

namespace coastguard::breach {

// The mail that tells a person their password is in a breach corpus. The template is a whole
// message (headers, a blank line, the body) with {{to}}, {{from}}, {{login}}, {{breach_count}}
// and {{service}} filled in; the built-in one explains, without jargon, what happened and how
// to pick a new password with a password manager.
std::string_view DefaultNotificationTemplate();

// Nullopt when the login is no mail address, or holds characters that could forge a header.
std::optional<std::string> RenderNotification(std::string_view message_template,
                                              const BreachedLogin& login, std::string_view from,
                                              std::string_view service);

}  // namespace coastguard::breach
