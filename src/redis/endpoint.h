#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace coastguard::redis {

// Where one Redis server listens, and how to log in to it.
struct Endpoint {
  std::string host;  // empty when unix_path is set
  uint16_t port = 6379;
  std::string unix_path;  // a Unix socket instead of TCP
  std::string user;       // ACL user (Redis 6+); empty: the default user
  std::string password;   // empty: no AUTH
  int db = 0;
  std::string ToString() const;  // host:port or unix:path, never the password
};

// A decimal of at most 6 digits, no sign, not above `max` (ports, db numbers, slots).
bool ParseDecimal(std::string_view text, int64_t max, int64_t* out);

// redis://[[user]:password@]host[:port][/db], rediss is refused (no TLS in hiredis 0.14),
// unix:///path/to/socket[?db=N]. Bracketed IPv6 hosts: redis://[::1]:6379.
absl::StatusOr<Endpoint> ParseRedisUrl(std::string_view url);
// host:port (a Sentinel's or a Cluster node's address), IPv6 bracketed.
absl::StatusOr<Endpoint> ParseHostPort(std::string_view text, uint16_t default_port);

}  // namespace coastguard::redis
