#include "http/console_sessions.h"

#include "core/crypto.h"

namespace coastguard::http {

ConsoleSessions::Created ConsoleSessions::Create(core::Timestamp now) {
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.used < oldest->second.used) oldest = it;
    }
    sessions_.erase(oldest);
  }
  Created created{core::RandomHex(32), core::RandomHex(32)};
  sessions_[core::Sha256Hex(created.id)] = Session{created.csrf, now, now};
  return created;
}

const std::string* ConsoleSessions::Find(std::string_view id, core::Timestamp now) {
  if (id.empty()) return nullptr;
  const auto it = sessions_.find(core::Sha256Hex(id));
  if (it == sessions_.end()) return nullptr;
  Session& s = it->second;
  if (now - s.used > kIdle || now - s.created > kLifetime) {
    sessions_.erase(it);
    return nullptr;
  }
  s.used = std::max(s.used, now);
  return &s.csrf;
}

void ConsoleSessions::End(std::string_view id) { sessions_.erase(core::Sha256Hex(id)); }

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return {};
}

}  // namespace coastguard::http
