#include "io/host_port.h"

#include <charconv>

namespace coastguard::io {

std::optional<HostPort> ParseHostPort(std::string_view text) {
  std::string_view host, port;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  unsigned number = 0;
  std::from_chars(port.data(), port.data() + port.size(), number);
  if (number > 65535) return std::nullopt;
  return HostPort{std::string(host), static_cast<uint16_t>(number)};
}

}  // namespace coastguard::io
