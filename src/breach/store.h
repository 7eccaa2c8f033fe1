#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "breach/fuse_filter.h"
#include "breach/hash_line.h"
#include "breach/store_format.h"

namespace coastguard::breach {

// One breach store file, mmapped read-only and validated on open (a damaged or cut-off file is
// refused with the reason, never read out of bounds). A lookup interpolates the key's place in
// the sorted keys from a small bucket table and reads its count; nothing of the corpus is
// loaded into the heap. Read-only after Open: any thread may query it.
class Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // For a reader that walks the whole store in order (--update): read ahead.
  void AdviseSequential() const;

  HashKind kind() const { return static_cast<HashKind>(header_->kind); }
  uint64_t entries() const { return header_->entries; }
  uint64_t build_id() const { return header_->build_id; }
  uint64_t base_id() const { return header_->base_id; }
  uint64_t file_bytes() const { return size_; }
  bool has_exact() const { return header_->keys_offset != 0; }
  bool has_filter() const { return header_->filter_offset != 0; }
  uint64_t filter_bytes() const;

  // The count of a hash (HashBytes(kind) bytes) in the exact part, matched on its first 64
  // bits; nullopt when absent.
  std::optional<uint32_t> Count(const uint8_t* hash) const;
  // May the hash be in the set? From the filter (false positives 0.39 %), else the exact part.
  bool MaybeContains(const uint8_t* hash) const;

  // A count in stages, for batches: the reads of many lookups then overlap instead of
  // waiting one after another, each stage running once the previous one's reads arrived.
  // PrefetchPrefix starts reading the key's 20-bit prefix range; PrefetchNear interpolates
  // the key's place within it and starts reading that cache line of keys; Settle reads it
  // and either places the key there (starting to read its count) or starts reading the
  // neighbouring line it must be in; CountNear answers.
  struct Near {
    uint64_t at = 0;
    bool settled = false;  // `at` is the key's lower bound, not an estimate
  };
  void PrefetchFilter(uint64_t key) const;
  void PrefetchPrefix(uint64_t key) const;
  Near PrefetchNear(uint64_t key) const;
  Near Settle(uint64_t key, Near near) const;
  std::optional<uint32_t> CountNear(const uint8_t* hash, Near near) const;

  // Entries of one 20-bit prefix: [begin, end) for Key/Tail/CountAt.
  std::pair<uint64_t, uint64_t> PrefixRange(uint32_t prefix) const;
  uint64_t KeyAt(uint64_t i) const { return keys_[i]; }
  const uint8_t* TailAt(uint64_t i) const { return tails_ + i * TailBytes(kind()); }
  uint32_t CountAt(uint64_t i) const { return counts_[i]; }
  // The index of `key` with `tail` in the exact part, or entries() when absent.
  uint64_t Find(uint64_t key, const uint8_t* tail) const;
  // The first index whose key is not below `key` (within its prefix).
  uint64_t LowerBound(uint64_t key) const;

 private:
  Store() = default;
  absl::Status Validate(const std::string& path);
  FuseLayout ShardLayout(uint64_t key, const uint8_t** fingerprints) const;
  // Where a key would be in [begin, end) from its value, `bits` being the key's top bits all
  // entries of the range share: a start for Walk.
  static uint64_t Interpolate(uint64_t key, int bits, uint64_t begin, uint64_t end);
  // The first index in [begin, end) whose key is not below `key`, stepping from `start`.
  uint64_t Walk(uint64_t key, uint64_t begin, uint64_t end, uint64_t start) const;
  std::optional<uint32_t> CountAtLowerBound(uint64_t key, uint64_t i) const;

  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  const StoreHeader* header_ = nullptr;
  const uint64_t* index_ = nullptr;
  const uint64_t* keys_ = nullptr;
  const uint32_t* counts_ = nullptr;
  const uint8_t* tails_ = nullptr;
  const FilterShard* shards_ = nullptr;
  // Every 16th entry of the index: the offsets of the 2^16 buckets of the keys' top 16 bits.
  static constexpr uint64_t kBuckets = 1 << 16;
  std::vector<uint64_t> coarse_;
};

// The hash's first 64 bits, big-endian (what the store sorts and indexes by).
inline uint64_t KeyOf(const uint8_t* hash) {
  uint64_t key;
  std::memcpy(&key, hash, 8);
  return __builtin_bswap64(key);
}

}  // namespace coastguard::breach
