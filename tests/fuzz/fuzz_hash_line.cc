// HIBP corpus lines ("HASH:COUNT", per-prefix suffix lines) as `coastguard breach import` reads
// them, and the five-hex prefixes of file names and of the range API. The first byte picks a
// prefix (or none) and the kind the import expects.
#include <cstdint>
#include <optional>
#include <string_view>

#include "breach/hash_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using coastguard::breach::HashKind;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view line(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::optional<uint32_t> prefix =
      (mode & 1) != 0 ? std::optional<uint32_t>(0x5BAA6) : std::nullopt;
  const std::optional<HashKind> expected =
      (mode & 6) == 2   ? std::optional<HashKind>(HashKind::kSha1)
      : (mode & 6) == 4 ? std::optional<HashKind>(HashKind::kNtlm)
                        : std::nullopt;
  coastguard::breach::HashEntry entry;
  const auto problem = coastguard::breach::ParseHashLine(line, prefix, expected, &entry);
  if (problem == coastguard::breach::LineProblem::kNone) {
    // A parsed hash prints back as hex of its own length, and its key holds its first bytes.
    std::string hex;
    coastguard::breach::AppendHexNibbles(entry.bytes.data(), 0,
                                         2 * coastguard::breach::HashBytes(entry.kind), hex);
    if (hex.size() != 2 * coastguard::breach::HashBytes(entry.kind)) __builtin_trap();
    if (expected && entry.kind != *expected) __builtin_trap();
  }
  const auto parsed = coastguard::breach::ParsePrefix(line);
  if (parsed && *parsed >= (1u << 20)) __builtin_trap();
  return 0;
}
