#pragma once

#include <cstdint>

#include "breach/hash_line.h"

namespace coastguard::breach {

// The on-disk layout of a breach store (`<db>/sha1.cgb`, `<db>/ntlm.cgb`, and a delta beside
// each, `*.delta.cgb`). Little-endian, every section 8-byte aligned, read through mmap:
//   header | index | keys | counts | tails | filter
// index:  kPrefixes + 1 uint64: entry offsets per 20-bit prefix (the 5 hex of the range API)
// keys:   uint64 per entry, the hash's first 64 bits big-endian, sorted
// counts: uint32 per entry
// tails:  the hash's remaining bytes (12 for SHA-1, 8 for NTLM), for the range API's suffixes
// filter: 2^filter_shards_log2 FilterShard entries, then each shard's 8-bit fingerprints;
//         a key's shard is its top filter_shards_log2 bits
// A store without the exact part (imported with --filter-only) has entries but no index, keys,
// counts or tails (their offsets are 0); one without a filter has filter_offset 0.
inline constexpr char kStoreMagic[8] = {'C', 'G', 'B', 'R', 'E', 'A', 'C', 'H'};
inline constexpr uint32_t kStoreVersion = 1;
inline constexpr int kPrefixBits = 20;
inline constexpr uint32_t kPrefixes = 1u << kPrefixBits;

struct StoreHeader {
  char magic[8];
  uint32_t version;
  uint32_t kind;      // HashKind
  uint64_t build_id;  // random per import
  uint64_t base_id;   // a delta: the build_id of the base it amends; a base: 0
  uint64_t entries;
  uint64_t count_sum;
  uint64_t index_offset;
  uint64_t keys_offset;
  uint64_t counts_offset;
  uint64_t tails_offset;
  uint64_t filter_offset;
  uint64_t filter_shards_log2;
  uint64_t file_bytes;  // a shorter file is refused: it was cut off
  uint64_t reserved[3];
};
static_assert(sizeof(StoreHeader) == 128);

struct FilterShard {
  uint64_t seed;
  uint32_t segment_length;
  uint32_t segment_count_length;
  uint32_t array_length;
  uint32_t reserved;
  uint64_t fingerprints_offset;  // from the start of the file
};
static_assert(sizeof(FilterShard) == 32);

constexpr size_t TailBytes(HashKind kind) { return HashBytes(kind) - 8; }

}  // namespace coastguard::breach
