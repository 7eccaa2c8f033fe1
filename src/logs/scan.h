#pragma once

#include <optional>
#include <string_view>

#include "core/ip_address.h"

// Small scanning helpers the log parsers share. Log lines are read with find and compare, not
// with a regular expression engine: a fixed scanner per format is what makes a million lines a
// second possible (fail2ban's regular expressions manage about 13 thousand).
namespace coastguard::logs {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline constexpr size_t kNpos = std::string_view::npos;

inline bool Starts(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}
inline bool Ends(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}
inline bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != kNpos;
}

// The text after the first `marker`, or nullopt.
inline std::optional<std::string_view> After(std::string_view text, std::string_view marker) {
  const size_t at = text.find(marker);
  if (at == kNpos) return std::nullopt;
  return text.substr(at + marker.size());
}
// The text after the last `marker`, or nullopt: fields a server writes after the client's own
// text (a user name) are found from the right, so that text the client typed cannot stand in
// for them.
inline std::optional<std::string_view> AfterLast(std::string_view text, std::string_view marker) {
  const size_t at = text.rfind(marker);
  if (at == kNpos) return std::nullopt;
  return text.substr(at + marker.size());
}

// The text up to the first of `stops` (or all of it).
inline std::string_view UpTo(std::string_view text, std::string_view stops) {
  const size_t at = text.find_first_of(stops);
  return at == kNpos ? text : text.substr(0, at);
}

inline std::string_view TrimSpaces(std::string_view t) {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return t;
}

// An address as logs write it: "203.0.113.9", "[203.0.113.9]", "::ffff:203.0.113.9",
// "[2001:db8::1]", "203.0.113.9:54321", "[2001:db8::1]:54321", "2001:db8::1.54321" is not
// accepted. IPv4-mapped IPv6 becomes the IPv4 address (core::IpAddress stores both alike).
std::optional<core::IpAddress> ReadAddress(std::string_view token);

}  // namespace coastguard::logs
