#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coastguard::io {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

// "127.0.0.1:8084", "[::1]:8084", "localhost:8084"; nullopt without a host or a port in 0-65535.
std::optional<HostPort> ParseHostPort(std::string_view text);

}  // namespace coastguard::io
