#include "breach/hash_line.h"

#include <charconv>

namespace coastguard::breach {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Writes nibble `index` (0 = high half of byte 0) of `bytes`.
void SetNibble(uint8_t* bytes, size_t index, int value) {
  uint8_t& byte = bytes[index / 2];
  byte = (index % 2 == 0) ? static_cast<uint8_t>((byte & 0x0F) | (value << 4))
                          : static_cast<uint8_t>((byte & 0xF0) | value);
}

}  // namespace

std::string_view HashKindName(HashKind kind) { return kind == HashKind::kSha1 ? "sha1" : "ntlm"; }

uint64_t HashEntry::Key() const {
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = (key << 8) | bytes[i];
  return key;
}

std::string_view LineProblemText(LineProblem problem) {
  switch (problem) {
    case LineProblem::kNone: return "ok";
    case LineProblem::kBlank: return "blank line";
    case LineProblem::kNotHex: return "the hash is not hexadecimal";
    case LineProblem::kLength: return "neither a SHA-1 nor an NTLM hash";
    case LineProblem::kBadCount: return "the count is not a number below 2^32";
    case LineProblem::kWrongKind: return "a hash of the other kind than the rest of the import";
  }
  return "unknown";
}

LineProblem ParseHashLine(std::string_view line, std::optional<uint32_t> prefix,
                          std::optional<HashKind> expected, HashEntry* out) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return LineProblem::kBlank;
  const size_t colon = line.find(':');
  const std::string_view hex = line.substr(0, colon);
  // A per-prefix file's lines are 35 or 27 digits; a whole hash (40 or 32) is read as one.
  const size_t skipped = (prefix && (hex.size() == 35 || hex.size() == 27)) ? 5 : 0;
  HashKind kind;
  if (hex.size() + skipped == 40) {
    kind = HashKind::kSha1;
  } else if (hex.size() + skipped == 32) {
    kind = HashKind::kNtlm;
  } else {
    return LineProblem::kLength;
  }
  HashEntry entry;
  entry.kind = kind;
  if (skipped != 0) {
    for (size_t i = 0; i < 5; ++i)
      SetNibble(entry.bytes.data(), i, (*prefix >> (4 * (4 - i))) & 0xF);
  }
  for (size_t i = 0; i < hex.size(); ++i) {
    const int value = HexValue(hex[i]);
    if (value < 0) return LineProblem::kNotHex;
    SetNibble(entry.bytes.data(), skipped + i, value);
  }
  if (expected && *expected != kind) return LineProblem::kWrongKind;
  entry.count = 1;
  if (colon != std::string_view::npos) {
    const std::string_view digits = line.substr(colon + 1);
    uint32_t count = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
      return LineProblem::kBadCount;
    }
    entry.count = count;
  }
  *out = entry;
  return LineProblem::kNone;
}

std::optional<uint32_t> ParsePrefix(std::string_view hex) {
  if (hex.size() != 5) return std::nullopt;
  uint32_t value = 0;
  for (const char c : hex) {
    const int nibble = HexValue(c);
    if (nibble < 0) return std::nullopt;
    value = (value << 4) | static_cast<uint32_t>(nibble);
  }
  return value;
}

void AppendHexNibbles(const uint8_t* bytes, size_t from_nibble, size_t to_nibble,
                      std::string& out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  const size_t at = out.size();
  out.resize(at + (to_nibble - from_nibble));
  char* write = out.data() + at;
  for (size_t i = from_nibble; i < to_nibble; ++i) {
    const uint8_t byte = bytes[i / 2];
    *write++ = kDigits[(i % 2 == 0) ? (byte >> 4) : (byte & 0xF)];
  }
}

}  // namespace coastguard::breach
