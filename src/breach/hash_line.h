#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coastguard::breach {

// The two hash kinds HIBP publishes: SHA-1 of the password, and NTLM (MD4 of its UTF-16LE).
enum class HashKind : uint8_t { kSha1 = 1, kNtlm = 2 };

constexpr size_t HashBytes(HashKind kind) { return kind == HashKind::kSha1 ? 20 : 16; }
std::string_view HashKindName(HashKind kind);  // "sha1", "ntlm"

// A hash with its breach count. NTLM uses the first 16 bytes of `bytes`.
struct HashEntry {
  std::array<uint8_t, 20> bytes{};
  uint32_t count = 0;
  HashKind kind = HashKind::kSha1;

  // The first 64 bits, big-endian: sorting keys sorts hashes, and key >> 44 is the 5-hex prefix.
  uint64_t Key() const;
};

enum class LineProblem : uint8_t {
  kNone,
  kBlank,      // empty or only a line ending: skipped, not counted as bad
  kNotHex,     // a character outside [0-9A-Fa-f] in the hash
  kLength,     // neither a SHA-1 nor an NTLM hash (nor their suffixes in a per-prefix file)
  kBadCount,   // the count is not a decimal number below 2^32
  kWrongKind,  // an NTLM hash in a SHA-1 import, or the other way round
};
std::string_view LineProblemText(LineProblem problem);

// Parses one line of HIBP's format, "HASH:COUNT" with an optional CR (upper or lower case hex;
// a bare "HASH" counts 1). `prefix` is the 20-bit prefix of the downloader's one-file-per-prefix
// layout, whose lines carry only the 35 (SHA-1) or 27 (NTLM) hex digits after it. `expected` is
// the kind the import settled on (the first good line decides it); nullopt accepts either.
LineProblem ParseHashLine(std::string_view line, std::optional<uint32_t> prefix,
                          std::optional<HashKind> expected, HashEntry* out);

// "ABCDE" -> 0xABCDE; nullopt unless exactly five hex digits.
std::optional<uint32_t> ParsePrefix(std::string_view hex);

// Upper-case hex of bytes [from_nibble, to_nibble) of a hash, as the range API writes suffixes.
void AppendHexNibbles(const uint8_t* bytes, size_t from_nibble, size_t to_nibble, std::string& out);

}  // namespace coastguard::breach
