#include "breach/fuse_filter.h"

#include <algorithm>
#include <cmath>

namespace coastguard::breach {
namespace {

constexpr uint32_t kArity = 3;

uint64_t MixSplit(uint64_t key, uint64_t seed) {
  // The murmur3 finaliser: keys are hash prefixes already, but seeds must decorrelate retries.
  uint64_t h = key + seed;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint8_t Fingerprint(uint64_t hash) { return static_cast<uint8_t>(hash ^ (hash >> 32)); }

struct Slots {
  uint32_t at[kArity];
};

Slots SlotsOf(const FuseLayout& layout, uint64_t hash) {
  const uint64_t mask = layout.segment_length - 1;
  const uint32_t h0 = static_cast<uint32_t>(
      (static_cast<unsigned __int128>(hash) * layout.segment_count_length) >> 64);
  uint32_t h1 = h0 + layout.segment_length;
  uint32_t h2 = h1 + layout.segment_length;
  h1 ^= static_cast<uint32_t>((hash >> 18) & mask);
  h2 ^= static_cast<uint32_t>(hash & mask);
  return Slots{{h0, h1, h2}};
}

// The sizing rule of the paper for 3-wise filters.
FuseLayout LayoutFor(size_t size) {
  FuseLayout layout;
  if (size <= 1) {
    layout.segment_length = 4;
  } else {
    const double exponent = std::floor(std::log(static_cast<double>(size)) / std::log(3.33) + 2.25);
    layout.segment_length = 1u << std::min(18, static_cast<int>(exponent));
  }
  const double factor =
      size <= 1
          ? 0.0
          : std::max(1.125, 0.875 + 0.25 * std::log(1e6) / std::log(static_cast<double>(size)));
  const uint64_t capacity = static_cast<uint64_t>(std::llround(static_cast<double>(size) * factor));
  uint64_t segment_count = (capacity + layout.segment_length - 1) / layout.segment_length;
  segment_count = segment_count <= kArity - 1 ? 1 : segment_count - (kArity - 1);
  layout.array_length = static_cast<uint32_t>((segment_count + kArity - 1) * layout.segment_length);
  layout.segment_count_length = static_cast<uint32_t>(segment_count * layout.segment_length);
  return layout;
}

}  // namespace

bool FuseContains(const FuseLayout& layout, const uint8_t* fingerprints, uint64_t key) {
  if (layout.array_length == 0) return false;
  const uint64_t hash = MixSplit(key, layout.seed);
  const Slots slots = SlotsOf(layout, hash);
  return (Fingerprint(hash) ^ fingerprints[slots.at[0]] ^ fingerprints[slots.at[1]] ^
          fingerprints[slots.at[2]]) == 0;
}

void FusePrefetch(const FuseLayout& layout, const uint8_t* fingerprints, uint64_t key) {
  if (layout.array_length == 0) return;
  const Slots slots = SlotsOf(layout, MixSplit(key, layout.seed));
  for (const uint32_t slot : slots.at) __builtin_prefetch(fingerprints + slot);
}

bool FuseBuilder::Build(std::span<const uint64_t> keys, uint64_t seed_base, FuseLayout* layout,
                        std::vector<uint8_t>* fingerprints) {
  *layout = LayoutFor(keys.size());
  if (keys.empty()) {
    layout->array_length = 0;
    fingerprints->clear();
    return true;
  }
  uint64_t state = seed_base;
  for (int attempt = 0; attempt < 64; ++attempt) {
    layout->seed = SplitMix(state);
    if (TryBuild(keys, *layout, *fingerprints)) return true;
  }
  return false;
}

bool FuseBuilder::TryBuild(std::span<const uint64_t> keys, FuseLayout& layout,
                           std::vector<uint8_t>& fingerprints) {
  const uint32_t length = layout.array_length;
  slot_count_.assign(length, 0);
  slot_hash_.assign(length, 0);
  for (const uint64_t key : keys) {
    const uint64_t hash = MixSplit(key, layout.seed);
    const Slots slots = SlotsOf(layout, hash);
    for (uint32_t which = 0; which < kArity; ++which) {
      uint8_t& count = slot_count_[slots.at[which]];
      if (count >= 252) return false;  // 63 keys in one slot: the counter would wrap
      count = static_cast<uint8_t>((count + 4) ^ which);
      slot_hash_[slots.at[which]] ^= hash;
    }
  }
  queue_.clear();
  for (uint32_t slot = 0; slot < length; ++slot) {
    if ((slot_count_[slot] >> 2) == 1) queue_.push_back(slot);
  }
  peeled_hash_.clear();
  peeled_which_.clear();
  while (!queue_.empty()) {
    const uint32_t slot = queue_.back();
    queue_.pop_back();
    if ((slot_count_[slot] >> 2) != 1) continue;  // emptied since it was queued
    const uint64_t hash = slot_hash_[slot];
    const uint8_t found = slot_count_[slot] & 3;
    peeled_hash_.push_back(hash);
    peeled_which_.push_back(found);
    const Slots slots = SlotsOf(layout, hash);
    for (uint32_t which = 0; which < kArity; ++which) {
      const uint32_t other = slots.at[which];
      slot_count_[other] = static_cast<uint8_t>((slot_count_[other] - 4) ^ which);
      slot_hash_[other] ^= hash;
      if (which != found && (slot_count_[other] >> 2) == 1) queue_.push_back(other);
    }
  }
  if (peeled_hash_.size() != keys.size()) return false;
  fingerprints.assign(length, 0);
  for (size_t i = peeled_hash_.size(); i-- > 0;) {
    const uint64_t hash = peeled_hash_[i];
    const Slots slots = SlotsOf(layout, hash);
    const uint32_t found = peeled_which_[i];
    fingerprints[slots.at[found]] =
        static_cast<uint8_t>(Fingerprint(hash) ^ fingerprints[slots.at[(found + 1) % kArity]] ^
                             fingerprints[slots.at[(found + 2) % kArity]]);
  }
  return true;
}

}  // namespace coastguard::breach
