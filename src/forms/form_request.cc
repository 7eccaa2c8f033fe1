#include "forms/form_request.h"

namespace coastguard::forms {

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

}  // namespace coastguard::forms
