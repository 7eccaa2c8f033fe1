#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace coastguard::breach {

// A binary fuse filter (Graf & Lemire 2022): 3-wise, 8-bit fingerprints, about 9 bits per key
// and 0.39 % false positives. Written here because Debian packages no such filter.
struct FuseLayout {
  uint64_t seed = 0;
  uint32_t segment_length = 0;        // a power of two
  uint32_t segment_count_length = 0;  // segment_count * segment_length
  uint32_t array_length = 0;          // fingerprints
};

// May `key` be in the set the fingerprints were built from? False means certainly not.
bool FuseContains(const FuseLayout& layout, const uint8_t* fingerprints, uint64_t key);
// Starts the three reads FuseContains will make for `key`, so that a batch of lookups waits
// for memory once rather than once per key.
void FusePrefetch(const FuseLayout& layout, const uint8_t* fingerprints, uint64_t key);

// Builds filters one after another, reusing its scratch memory (about 24 bytes per key).
class FuseBuilder {
 public:
  // `keys` must be unique. Returns false if no seed peels (duplicates, or bad luck 64 times
  // in a row, which does not happen with unique keys).
  bool Build(std::span<const uint64_t> keys, uint64_t seed_base, FuseLayout* layout,
             std::vector<uint8_t>* fingerprints);

 private:
  bool TryBuild(std::span<const uint64_t> keys, FuseLayout& layout,
                std::vector<uint8_t>& fingerprints);

  std::vector<uint8_t> slot_count_;  // keys per slot * 4, xor'ed with which of the 3 it was
  std::vector<uint64_t> slot_hash_;  // xor of the hashes in the slot
  std::vector<uint32_t> queue_;
  std::vector<uint64_t> peeled_hash_;
  std::vector<uint8_t> peeled_which_;
};

}  // namespace coastguard::breach
