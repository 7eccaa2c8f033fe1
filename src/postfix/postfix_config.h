#pragma once

#include <cstddef>
#include <string>

#include "core/time.h"

namespace coastguard::postfix {

// What Postfix is told for each outbound verdict, in its own words (access(5) actions). The
// keys live in [outbound], where operators look for them.
struct PostfixActions {
  std::string rate_limited = "DEFER_IF_PERMIT 4.7.1 Sending rate limit exceeded, try again later";
  std::string compromised_login =
      "HOLD Held for review: the account's last login looks compromised";
  std::string sending_spike = "HOLD Held for review: unusual volume after a login from a new place";
};

// The Postfix policy delegation listener ([postfix]) and its actions.
struct PostfixConfig {
  std::string listen = "127.0.0.1:10040";  // TCP HOST:PORT; empty: off
  std::string socket;                      // also listen on this UNIX socket if set
  size_t max_connections = 1024;
  size_t max_connections_per_client = 256;              // per TCP client address
  core::Duration idle_timeout = 10 * core::kMinute;     // Postfix's own default max_idle is 100s
  core::Duration request_timeout = 30 * core::kSecond;  // a request begun and not finished
  PostfixActions actions;
};

inline bool OneLine(const std::string& action) {
  return !action.empty() && action.find_first_of("\r\n") == std::string::npos;
}

template <typename V>
void DescribeSettings(V& v, PostfixConfig& c) {
  v.Table("postfix");
  v.Text("listen", c.listen);
  v.Text("socket", c.socket);
  v.Integer("max_connections", c.max_connections, 1, 1 << 20);
  v.Integer("max_connections_per_client", c.max_connections_per_client, 1, 1 << 20);
  v.Duration("idle_timeout", c.idle_timeout, core::kSecond);
  v.Duration("request_timeout", c.request_timeout, core::kSecond);
  v.Table("outbound");
  v.Text("rate_limited_action", c.actions.rate_limited);
  v.Text("compromised_action", c.actions.compromised_login);
  v.Text("spike_action", c.actions.sending_spike);
  // One line to Postfix: a newline would end the reply early.
  v.Require(OneLine(c.actions.rate_limited) && OneLine(c.actions.compromised_login) &&
                OneLine(c.actions.sending_spike),
            "outbound actions must be one non-empty line");
}

}  // namespace coastguard::postfix
