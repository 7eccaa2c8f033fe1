#pragma once

#include <cstddef>
#include <string>

#include "core/time.h"

namespace coastguard::http {

// The HTTP listener and its door ([server]).
struct HttpConfig {
  std::string listen = "127.0.0.1:8084";
  std::string admin_token;  // empty: generated at first start into <data_dir>/admin_token
  size_t max_body_bytes = 64 * 1024;
  size_t max_connections = 4096;
  // Per client address: Dovecot keeps up to 100 parallel connections per auth process, all
  // from the same address when it runs on this host.
  size_t max_connections_per_client = 1024;
  core::Duration idle_timeout = core::kMinute;  // a connection silent this long is closed
  size_t slow_request_us = 0;  // requests slower than this are logged (µs); 0 = never
  bool console = true;         // the operator's console at /console/ (admin token to log in)
};

template <typename V>
void DescribeSettings(V& v, HttpConfig& c) {
  v.Table("server");
  v.Text("listen", c.listen);
  v.Text("admin_token", c.admin_token);
  v.Integer("max_body_bytes", c.max_body_bytes, 1024, 16 << 20);
  v.Integer("max_connections", c.max_connections, 16, 1 << 20);
  v.Integer("max_connections_per_client", c.max_connections_per_client, 1, 1 << 20);
  v.Duration("idle_timeout", c.idle_timeout, core::kSecond);
  v.Integer("slow_request_us", c.slow_request_us, 0, 60'000'000);
  v.Boolean("console", c.console);
}

// Dovecot's auth policy ([dovecot]). The credentials also guard the other policy endpoints
// (/v1/auth/*, /v1/forms/check): auth_policy_server_api_header sends X-API-Key, and
// user:password in auth_policy_server_url sends Basic auth. Empty: not checked.
struct DovecotConfig {
  std::string api_key;
  std::string basic_auth;  // "user:password"
  std::string reject_message = "Login refused by policy, try again later";
  // Neither is set: the daemon then generates a key (<data_dir>/policy_key) and requires it.
  bool HasCredentials() const { return !api_key.empty() || !basic_auth.empty(); }
};

template <typename V>
void DescribeSettings(V& v, DovecotConfig& c) {
  v.Table("dovecot");
  v.Text("api_key", c.api_key);
  v.Text("basic_auth", c.basic_auth);
  v.Text("reject_message", c.reject_message);
}

}  // namespace coastguard::http
