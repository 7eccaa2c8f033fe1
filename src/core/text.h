#pragma once

#include <charconv>
#include <concepts>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace coastguard::core {

// Debian's Abseil is built with its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so
// absl::StrCat does not take std::string_view; this small concatenation does.
inline void AppendPiece(std::string& out, std::string_view piece) { out.append(piece); }
inline void AppendPiece(std::string& out, const char* piece) { out.append(piece); }
inline void AppendPiece(std::string& out, char c) { out.push_back(c); }
// Digits by std::to_chars, without a temporary string: the log parser and the replay write
// numbers on every line.
template <typename T>
requires(std::integral<T> && !std::same_as<T, char> &&
         !std::same_as<T, bool>) void AppendPiece(std::string& out, T value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}
inline void AppendPiece(std::string& out, double value) { out += std::to_string(value); }

template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (AppendPiece(out, args), ...);
  return out;
}

// A status message as std::string (absl's message() is an absl::string_view here).
inline std::string Message(const absl::Status& status) {
  return std::string(status.message().data(), status.message().size());
}

// text == word for a string literal (the whole array but its terminating NUL is the word), as
// a length check and a compare of known size that the compiler inlines (string_view's == calls
// memcmp): for the keywords parsers meet on every line.
template <size_t N>
bool IsWord(std::string_view text, const char (&word)[N]) {
  return text.size() == N - 1 && std::memcmp(text.data(), word, N - 1) == 0;
}

inline bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

inline bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

inline absl::Status InvalidInput(const std::string& message) {
  return absl::InvalidArgumentError(message);
}

}  // namespace coastguard::core

namespace coastguard::core {

// Appends `text` as a JSON string literal (quotes included), escaping control characters,
// quotes and backslashes. Bytes >= 0x80 pass through: callers hand in UTF-8 or opaque bytes.
inline void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out += "\\u00";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

// Compares secrets without an early exit, so timing does not reveal a matching prefix.
inline bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace coastguard::core
