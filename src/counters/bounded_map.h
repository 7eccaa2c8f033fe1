#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/time.h"
#include "counters/table_memory.h"

namespace coastguard::counters {

// A hash map with a hard entry cap. When full, an insert first evicts the entry that matters
// least: among kSample entries drawn by a deterministic generator, the one with the lowest
// `Value::Retention(now)` (a larger value means "keep me"). Sampled eviction keeps inserts O(1)
// with no per-entry list links, as Redis does for its LRU approximation; the generator is
// seeded by a constant so replay stays byte-identical across runs.
//
// Values live in dense slots (in chunks), keys map to slot indices; erasing moves the last slot
// into the hole. Pointers and references returned by Find/FindOrInsert stay valid only until the
// next insert or erase on the same map. Not thread-safe: one owner (the engine's thread).
template <typename Key, typename Value, typename Hash = absl::Hash<Key>>
class BoundedMap {
 public:
  static constexpr int kSample = 8;

  explicit BoundedMap(size_t capacity)
      : capacity_(capacity < 1 ? 1 : capacity), slots_(capacity_) {}

  size_t size() const { return slots_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t evictions() const { return evictions_; }
  // Called with each entry just before it is evicted (not on Erase).
  void set_on_evict(std::function<void(const Key&, const Value&)> fn) { on_evict_ = std::move(fn); }

  Value* Find(const Key& key) {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &slots_[it->second].second;
  }
  const Value* Find(const Key& key) const {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &slots_[it->second].second;
  }

  // The value for `key`, default-constructed (after an eviction if full) when absent.
  Value& FindOrInsert(const Key& key, core::Timestamp now) {
    if (const auto it = index_.find(key); it != index_.end()) return slots_[it->second].second;
    if (slots_.size() >= capacity_) EvictSampled(now);
    index_.emplace(key, static_cast<uint32_t>(slots_.size()));
    return slots_.PushBack(key).second;
  }

  // Evicts the entry that matters least among a sample (a byte bound on top of the count one).
  void EvictOne(core::Timestamp now) {
    if (slots_.size() == 0) return;
    EvictSampled(now);
  }

  bool Erase(const Key& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return false;
    const uint32_t hole = it->second;
    index_.erase(it);
    if (hole + 1 != slots_.size()) {
      slots_[hole] = std::move(slots_[slots_.size() - 1]);
      index_[slots_[hole].first] = hole;
    }
    slots_.PopBack();
    return true;
  }

  // Calls fn(key, value) for every entry, in slot order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < slots_.size(); ++i) fn(slots_[i].first, slots_[i].second);
  }

  // Approximate heap bytes held: slots plus the index's control bytes and entries.
  size_t MemoryBytes() const {
    return slots_.MemoryBytes() + index_.capacity() * (sizeof(std::pair<Key, uint32_t>) + 1);
  }

 private:
  // Entries live in fixed-size chunks rather than one vector: growing never moves them (a
  // doubling vector copies every entry each time and touches twice the pages: 14 % of a replay's
  // CPU time). A small table takes one chunk at a time, so its spare room (budget too) is less
  // than a chunk; a table past kBlocksAfterBytes takes a huge page's worth of chunks at once
  // (see table_memory.h). Either way the last allocation holds only what the cap leaves for it,
  // so what a full table holds stays what its cap was sized for.
  class Slots {
   public:
    // A busy table: a few hundred kilobytes of entries. (Small tables are most tables, whose
    // memory a huge page would multiply; a busy one grows on, and its first 4 KiB page faults
    // cost it most below this.)
    static constexpr size_t kBlocksAfterBytes = kHugeBytes / 8;
    using Slot = std::pair<Key, Value>;
    explicit Slots(size_t capacity) : capacity_(capacity) {
      constexpr size_t kChunkBytes = 64 << 10;
      const size_t fit = std::min(capacity, std::max<size_t>(1, kChunkBytes / sizeof(Slot)));
      while ((size_t{2} << shift_) <= fit) ++shift_;  // the largest power of two that fits
    }
    size_t size() const { return size_; }
    Slot& operator[](size_t i) { return chunks_[i >> shift_][i & Mask()]; }
    const Slot& operator[](size_t i) const { return chunks_[i >> shift_][i & Mask()]; }
    Slot& PushBack(const Key& key) {
      if ((size_ >> shift_) == chunks_.size()) Grow();
      Slot& slot = (*this)[size_++];
      slot.first = key;
      return slot;
    }
    // Leaves the last slot as a new one is, its heap given back (assigning an empty value
    // would keep a string's buffer); the next PushBack reuses it.
    void PopBack() {
      Slot& last = (*this)[--size_];
      std::destroy_at(&last);
      std::construct_at(&last);
    }
    size_t MemoryBytes() const {
      return allocated_ * sizeof(Slot) + chunks_.capacity() * sizeof(Slot*) +
             blocks_.capacity() * sizeof(Block);
    }

   private:
    struct FreeBlock {
      size_t slots = 0;
      void operator()(Slot* first) const noexcept {
        std::destroy_n(first, slots);
        FreeTableMemory(first, slots * sizeof(Slot), alignof(Slot));
      }
    };
    using Block = std::unique_ptr<Slot[], FreeBlock>;
    size_t Mask() const { return (size_t{1} << shift_) - 1; }
    void Grow() {
      const size_t chunk = size_t{1} << shift_;
      const size_t chunk_bytes = chunk * sizeof(Slot);
      // Enough chunks to cover a huge page, once the table has shown it grows.
      const size_t chunks = allocated_ * sizeof(Slot) < kBlocksAfterBytes
                                ? 1
                                : (kHugeBytes + chunk_bytes - 1) / chunk_bytes;
      const size_t slots = std::min(chunks * chunk, capacity_ - allocated_);
      // Room first, so that nothing throws once the block is built: a block is never lost nor
      // counted apart from the chunks that point into it.
      blocks_.reserve(blocks_.size() + 1);
      chunks_.reserve(chunks_.size() + (slots + chunk - 1) / chunk);
      Slot* first = static_cast<Slot*>(AllocateTableMemory(slots * sizeof(Slot), alignof(Slot)));
      try {
        std::uninitialized_value_construct_n(first, slots);  // destroys what it built if it throws
      } catch (...) {
        FreeTableMemory(first, slots * sizeof(Slot), alignof(Slot));
        throw;
      }
      blocks_.emplace_back(first, FreeBlock{slots});
      for (size_t s = 0; s < slots; s += chunk) chunks_.push_back(first + s);
      allocated_ += slots;
    }
    size_t capacity_;
    std::vector<Slot*> chunks_;  // into blocks_, one per chunk of 2^shift_ slots
    std::vector<Block> blocks_;  // what was allocated
    size_t allocated_ = 0;       // slots in all blocks
    size_t size_ = 0;
    int shift_ = 0;
  };

  uint64_t NextRandom() {
    // splitmix64: fast, and good enough to pick eviction candidates.
    uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  void EvictSampled(core::Timestamp now) {
    size_t victim = NextRandom() % slots_.size();
    int64_t lowest = slots_[victim].second.Retention(now);
    for (int i = 1; i < kSample; ++i) {
      const size_t candidate = NextRandom() % slots_.size();
      const int64_t retention = slots_[candidate].second.Retention(now);
      if (retention < lowest) {
        lowest = retention;
        victim = candidate;
      }
    }
    if (on_evict_) on_evict_(slots_[victim].first, slots_[victim].second);
    Key key = slots_[victim].first;
    Erase(key);
    ++evictions_;
  }

  size_t capacity_;
  uint64_t evictions_ = 0;
  uint64_t rng_ = 0x5eed;
  std::function<void(const Key&, const Value&)> on_evict_;
  absl::flat_hash_map<Key, uint32_t, Hash, std::equal_to<Key>,
                      TableAllocator<std::pair<const Key, uint32_t>>>
      index_;
  Slots slots_;
};

}  // namespace coastguard::counters
