#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace coastguard::forms {

// What a field may hold, as the application declares in "roles". Unknown roles are plain text.
enum class Role : uint8_t {
  kText,     // free text: comments, messages (links allowed, counted)
  kName,     // a person's name: reaches the greeting of the mail ("Hello <name>!")
  kEmail,    // one address
  kSubject,  // one line that reaches a header
  kPhone,
  kUrl,       // a homepage field: one link is what it is for
  kHoneypot,  // hidden from people by the page; anything in it is a bot
  kSecret,    // passwords and the like: never read, never logged
};

Role ParseRole(std::string_view role);
// 1-64 characters of letters, digits and - _ . /
bool ValidFormName(std::string_view name);
// Fields whose value can end up in a mail header (CR/LF there is injection; in a subject, a
// break before a header-shaped line: see InjectsHeader).
inline bool ReachesHeader(Role role) {
  return role == Role::kName || role == Role::kEmail || role == Role::kSubject ||
         role == Role::kPhone || role == Role::kUrl;
}

struct FormField {
  std::string_view name;
  std::string_view value;
  Role role = Role::kText;
};

// One form submission to check, as the application describes it (docs/forms.md); decoded from a
// POST /v1/forms/check body or a replay "form" line by wire::FormCheckParser. Views point into
// the parser and stay valid until its next Parse call.
struct FormRequest {
  std::string_view form;
  core::IpAddress ip;
  std::string_view user_agent;
  bool has_user_agent = false;
  std::string_view recipient;  // empty: the first email field's value
  std::string_view id;         // the application's submission id, named in campaign events
  std::string_view token;
  std::string_view altcha;
  std::vector<FormField> fields;
};

inline constexpr size_t kMaxFields = 100;
inline constexpr size_t kMaxFormName = 64;

}  // namespace coastguard::forms
