#include "breach/store.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "core/text.h"

namespace coastguard::breach {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(core::Cat(path, ": ", std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(StoreHeader))) {
    ::close(fd);
    return absl::DataLossError(core::Cat(path, ": too short to be a breach store"));
  }
  void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);  // the mapping keeps the file, even after a re-import renames another over it
  if (map == MAP_FAILED)
    return absl::InternalError(core::Cat(path, ": mmap: ", std::strerror(errno)));
  std::unique_ptr<Store> store(new Store());
  store->base_ = static_cast<const uint8_t*>(map);
  store->size_ = static_cast<size_t>(st.st_size);
  if (absl::Status status = store->Validate(path); !status.ok()) return status;
  // Lookups are random over the whole file: read-ahead would only evict useful pages.
  ::madvise(map, store->size_, MADV_RANDOM);
  return store;
}

void Store::AdviseSequential() const {
  ::madvise(const_cast<uint8_t*>(base_), size_, MADV_SEQUENTIAL);
}

Store::~Store() {
  if (base_ != nullptr) ::munmap(const_cast<uint8_t*>(base_), size_);
}

absl::Status Store::Validate(const std::string& path) {
  header_ = reinterpret_cast<const StoreHeader*>(base_);
  const auto bad = [&](std::string_view why) {
    return absl::DataLossError(core::Cat(path, ": ", why, "; import the corpus again"));
  };
  if (std::memcmp(header_->magic, kStoreMagic, sizeof(kStoreMagic)) != 0) {
    return bad("not a breach store");
  }
  if (header_->version != kStoreVersion) return bad("written by another version");
  if (header_->kind != static_cast<uint32_t>(HashKind::kSha1) &&
      header_->kind != static_cast<uint32_t>(HashKind::kNtlm)) {
    return bad("unknown hash kind");
  }
  if (header_->file_bytes != size_) return bad("cut off (its length is not the one written)");
  const uint64_t n = header_->entries;
  // A section [offset, offset + bytes) inside the file, without overflow.
  const auto inside = [&](uint64_t offset, uint64_t count, uint64_t width) {
    return offset % 8 == 0 && offset >= sizeof(StoreHeader) && offset <= size_ &&
           (width == 0 || count <= (size_ - offset) / width);
  };
  if (header_->keys_offset != 0) {
    if (!inside(header_->index_offset, kPrefixes + 1ULL, 8) ||
        !inside(header_->keys_offset, n, 8) || !inside(header_->counts_offset, n, 4) ||
        !inside(header_->tails_offset, n, TailBytes(kind()))) {
      return bad("a section lies outside the file");
    }
    index_ = reinterpret_cast<const uint64_t*>(base_ + header_->index_offset);
    keys_ = reinterpret_cast<const uint64_t*>(base_ + header_->keys_offset);
    counts_ = reinterpret_cast<const uint32_t*>(base_ + header_->counts_offset);
    tails_ = base_ + header_->tails_offset;
    if (index_[0] != 0 || index_[kPrefixes] != n) return bad("the prefix index is damaged");
    for (uint32_t p = 0; p < kPrefixes; ++p) {
      if (index_[p] > index_[p + 1]) return bad("the prefix index is damaged");
    }
    coarse_.resize(kBuckets + 1);
    for (uint64_t b = 0; b <= kBuckets; ++b) coarse_[b] = index_[b << 4];
  }
  if (header_->filter_offset != 0) {
    if (header_->filter_shards_log2 > 20) return bad("too many filter shards");
    const uint64_t shards = 1ULL << header_->filter_shards_log2;
    if (!inside(header_->filter_offset, shards, sizeof(FilterShard))) {
      return bad("the filter lies outside the file");
    }
    shards_ = reinterpret_cast<const FilterShard*>(base_ + header_->filter_offset);
    for (uint64_t s = 0; s < shards; ++s) {
      const FilterShard& shard = shards_[s];
      const bool power_of_two =
          shard.segment_length != 0 && (shard.segment_length & (shard.segment_length - 1)) == 0;
      // Slots reach segment_count_length + 2 * segment_length - 1, provided the first slot's
      // range is whole segments.
      const bool whole_segments = power_of_two &&
                                  shard.segment_count_length >= shard.segment_length &&
                                  shard.segment_count_length % shard.segment_length == 0;
      const bool slots_fit = shard.array_length == 0 ||
                             (whole_segments && static_cast<uint64_t>(shard.segment_count_length) +
                                                        2ULL * shard.segment_length <=
                                                    shard.array_length);
      if (!slots_fit || shard.fingerprints_offset > size_ ||
          shard.array_length > size_ - shard.fingerprints_offset) {
        return bad("a filter shard is damaged");
      }
    }
  }
  return absl::OkStatus();
}

uint64_t Store::filter_bytes() const {
  if (shards_ == nullptr) return 0;
  uint64_t bytes = sizeof(FilterShard) << header_->filter_shards_log2;
  for (uint64_t s = 0; s < (1ULL << header_->filter_shards_log2); ++s) {
    bytes += shards_[s].array_length;
  }
  return bytes;
}

std::pair<uint64_t, uint64_t> Store::PrefixRange(uint32_t prefix) const {
  if (index_ == nullptr || prefix >= kPrefixes) return {0, 0};
  return {index_[prefix], index_[prefix + 1]};
}

uint64_t Store::LowerBound(uint64_t key) const {
  // Hashes are uniform, so a key's place is predictable from its value: interpolate within
  // its 16-bit bucket (the bucket table is small enough to stay in the CPU's cache) and step
  // to it. That is one miss in the keys and a few adjacent cache lines, where the 20-bit index
  // and a binary search would be two dependent misses and ten lines.
  const uint64_t bucket = key >> 48;
  const uint64_t begin = coarse_[bucket];
  const uint64_t end = coarse_[bucket + 1];
  if (begin == end) return begin;
  const uint64_t i = Interpolate(key, 16, begin, end);
  __builtin_prefetch(counts_ + i);
  return Walk(key, begin, end, i);
}

uint64_t Store::Walk(uint64_t key, uint64_t begin, uint64_t end, uint64_t start) const {
  uint64_t i = start;
  constexpr int kMaxSteps = 256;  // beyond this the input is not uniform: search instead
  int steps = 0;
  if (keys_[i] < key) {
    while (i < end && keys_[i] < key && ++steps < kMaxSteps) ++i;
    if (i < end && keys_[i] < key) i = std::lower_bound(keys_ + i, keys_ + end, key) - keys_;
  } else {
    while (i > begin && keys_[i - 1] >= key && ++steps < kMaxSteps) --i;
    if (i > begin && keys_[i - 1] >= key) {
      i = std::lower_bound(keys_ + begin, keys_ + i, key) - keys_;
    }
  }
  return i;
}

uint64_t Store::Interpolate(uint64_t key, int bits, uint64_t begin, uint64_t end) {
  return begin +
         static_cast<uint64_t>((static_cast<unsigned __int128>(key << bits) * (end - begin)) >> 64);
}

void Store::PrefetchPrefix(uint64_t key) const {
  if (index_ != nullptr) __builtin_prefetch(index_ + (key >> (64 - kPrefixBits)));
}

Store::Near Store::PrefetchNear(uint64_t key) const {
  if (keys_ == nullptr) return Near{};
  const uint64_t prefix = key >> (64 - kPrefixBits);
  const uint64_t begin = index_[prefix];
  const uint64_t end = index_[prefix + 1];
  if (begin == end) return Near{begin, true};
  const uint64_t i = Interpolate(key, kPrefixBits, begin, end);
  __builtin_prefetch(keys_ + i);
  return Near{i, false};
}

Store::Near Store::Settle(uint64_t key, Near near) const {
  if (keys_ == nullptr || near.settled) return near;
  const uint64_t prefix = key >> (64 - kPrefixBits);
  const uint64_t begin = index_[prefix];
  const uint64_t end = index_[prefix + 1];
  // The keys of the cache line the estimate fell in (within the prefix) have arrived.
  constexpr uint64_t kKeysPerLine = 64 / sizeof(uint64_t);
  const uint64_t line_start =
      near.at - (reinterpret_cast<uintptr_t>(keys_ + near.at) % 64) / sizeof(uint64_t);
  const uint64_t low = std::max(begin, line_start);
  const uint64_t high = std::min(end, line_start + kKeysPerLine);
  if (keys_[low] > key && low > begin) {
    __builtin_prefetch(keys_ + low - 1);  // the key, if present, is in an earlier line
    return Near{low - 1, false};
  }
  if (keys_[high - 1] < key && high < end) {
    __builtin_prefetch(keys_ + high);  // or in a later one
    return Near{high, false};
  }
  const uint64_t at = std::lower_bound(keys_ + low, keys_ + high, key) - keys_;
  // Only a key that is there has a count to read: an absent one costs the keys' line alone.
  if (at < high && keys_[at] == key) __builtin_prefetch(counts_ + at);
  return Near{at, true};
}

std::optional<uint32_t> Store::CountNear(const uint8_t* hash, Near near) const {
  if (keys_ == nullptr) return std::nullopt;
  const uint64_t key = KeyOf(hash);
  if (near.settled) return CountAtLowerBound(key, near.at);
  const uint64_t prefix = key >> (64 - kPrefixBits);
  const uint64_t begin = index_[prefix];
  const uint64_t end = index_[prefix + 1];
  return CountAtLowerBound(key, Walk(key, begin, end, near.at));
}

std::optional<uint32_t> Store::CountAtLowerBound(uint64_t key, uint64_t i) const {
  if (i >= entries() || keys_[i] != key) return std::nullopt;
  return counts_[i];
}

FuseLayout Store::ShardLayout(uint64_t key, const uint8_t** fingerprints) const {
  const uint64_t shift = header_->filter_shards_log2;
  const FilterShard& shard = shards_[shift == 0 ? 0 : key >> (64 - shift)];
  *fingerprints = base_ + shard.fingerprints_offset;
  return FuseLayout{shard.seed, shard.segment_length, shard.segment_count_length,
                    shard.array_length};
}

void Store::PrefetchFilter(uint64_t key) const {
  if (shards_ == nullptr) return;
  const uint8_t* fingerprints = nullptr;
  const FuseLayout layout = ShardLayout(key, &fingerprints);
  FusePrefetch(layout, fingerprints, key);
}

uint64_t Store::Find(uint64_t key, const uint8_t* tail) const {
  const uint64_t end = PrefixRange(static_cast<uint32_t>(key >> 44)).second;
  const size_t tail_bytes = TailBytes(kind());
  // Equal 64-bit keys are rare (about n / 2^64) but possible: compare the tails too.
  for (uint64_t i = LowerBound(key); i < end && keys_[i] == key; ++i) {
    if (std::memcmp(tails_ + i * tail_bytes, tail, tail_bytes) == 0) return i;
  }
  return entries();
}

std::optional<uint32_t> Store::Count(const uint8_t* hash) const {
  if (keys_ == nullptr) return std::nullopt;
  // The first 64 bits decide, as in a store of truncated hashes: two corpus hashes share them
  // with probability n / 2^64 (5e-11 at a billion), and the tails stay cold on disk.
  const uint64_t key = KeyOf(hash);
  return CountAtLowerBound(key, LowerBound(key));
}

bool Store::MaybeContains(const uint8_t* hash) const {
  const uint64_t key = KeyOf(hash);
  if (shards_ != nullptr) {
    const uint8_t* fingerprints = nullptr;
    const FuseLayout layout = ShardLayout(key, &fingerprints);
    return FuseContains(layout, fingerprints, key);
  }
  return Count(hash).has_value();
}

}  // namespace coastguard::breach
