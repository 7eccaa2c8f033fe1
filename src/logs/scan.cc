#include "logs/scan.h"

namespace coastguard::logs {

std::optional<core::IpAddress> ReadAddress(std::string_view t) {
  t = TrimSpaces(t);
  if (t.empty() || t.size() > 64) return std::nullopt;
  if (t.front() == '[') {
    const size_t close = t.find(']');
    if (close == kNpos) return std::nullopt;
    // "[203.0.113.9]:54321" -> the bracketed part; "[IPv6:2001:db8::1]" (Sendmail, Exim)
    std::string_view inner = t.substr(1, close - 1);
    if (Starts(inner, "IPv6:") || Starts(inner, "ipv6:")) inner.remove_prefix(5);
    return core::IpAddress::Parse(inner);
  }
  if (auto ip = core::IpAddress::Parse(t)) return ip;
  // "203.0.113.9:54321": one colon means IPv4 with a port.
  const size_t colon = t.find(':');
  if (colon != kNpos && t.find(':', colon + 1) == kNpos) {
    const std::string_view port = t.substr(colon + 1);
    if (port.empty()) return std::nullopt;
    for (const char c : port) {
      if (!IsDigit(c)) return std::nullopt;
    }
    return core::IpAddress::Parse(t.substr(0, colon));
  }
  return std::nullopt;
}

}  // namespace coastguard::logs
