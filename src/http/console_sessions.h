#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "core/time.h"

namespace coastguard::http {

// The console's logins: a session is a random id the browser keeps in an HttpOnly cookie, with
// a CSRF token the page sends back as X-CSRF-Token on every write. Ids are kept only as their
// SHA-256 (a memory dump shows no usable cookie). Bounded: at most kMaxSessions, the least
// recently used dropped first; a session ends after kIdle without use or kLifetime in all.
class ConsoleSessions {
 public:
  static constexpr size_t kMaxSessions = 64;
  static constexpr core::Duration kIdle = 8 * core::kHour;
  static constexpr core::Duration kLifetime = 24 * core::kHour;

  struct Created {
    std::string id;
    std::string csrf;
  };
  Created Create(core::Timestamp now);
  // The session's CSRF token when `id` names a live session (and marks it used), else null.
  const std::string* Find(std::string_view id, core::Timestamp now);
  void End(std::string_view id);
  size_t size() const { return sessions_.size(); }

 private:
  struct Session {
    std::string csrf;
    core::Timestamp created = 0;
    core::Timestamp used = 0;
  };
  absl::flat_hash_map<std::string, Session> sessions_;  // by SHA-256 of the id
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or empty.
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace coastguard::http
