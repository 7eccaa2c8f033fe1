#include "counters/bounded_map.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vm_flags.h"

namespace coastguard::counters {
namespace {

struct Value {
  int64_t retention = 0;
  int64_t Retention(core::Timestamp) const { return retention; }
};

struct Text {
  std::string text;
  int64_t Retention(core::Timestamp) const { return 0; }
};

TEST(BoundedMap, ItsMemoryStaysWithinWhatItsCapHolds) {
  // Slots come in chunks as the map grows: the spare room stays below what the cap holds,
  // whatever the cap (a chunk's worth, a few, or less than one).
  for (const size_t cap : {1, 7, 100, 1000, 100'000}) {
    BoundedMap<uint64_t, Value> map(cap);
    for (uint64_t k = 0; k < 2 * cap; ++k) map.FindOrInsert(k, 0).retention = 1;
    const size_t slots = map.capacity() * sizeof(std::pair<uint64_t, Value>);
    EXPECT_GE(map.MemoryBytes(), slots) << cap;
    EXPECT_LE(map.MemoryBytes(), slots + map.capacity() * sizeof(uint64_t) * 4 + 4096) << cap;
  }
}

TEST(BoundedMap, ABusyTableKeepsItsEntriesAcrossHugePageBlocks) {
  // Past a few hundred kilobytes, slots come a huge page's worth at a time: every entry must
  // stay where its key says, through inserts, erases (the last slot moves into the hole) and
  // evictions.
  const size_t cap = 3 * kHugeBytes / sizeof(std::pair<uint64_t, Value>) + 1000;
  BoundedMap<uint64_t, Value> map(cap);
  for (uint64_t k = 0; k < cap; ++k) map.FindOrInsert(k, 0).retention = static_cast<int64_t>(k) + 7;
  // Entries past the first few hundred kilobytes live in blocks mapped for huge pages (all but
  // the last, which holds only what the cap leaves).
  if (testing::KernelHasHugePages()) {
    EXPECT_TRUE(testing::AdvisedHugePages(map.Find(cap / 2)));
  }
  for (uint64_t k = 0; k < cap; k += 3) ASSERT_TRUE(map.Erase(k));
  for (uint64_t k = 0; k < cap; ++k) {
    const Value* v = map.Find(k);
    if (k % 3 == 0) {
      ASSERT_EQ(v, nullptr) << k;
    } else {
      ASSERT_NE(v, nullptr) << k;
      ASSERT_EQ(v->retention, static_cast<int64_t>(k) + 7) << k;
    }
  }
  for (uint64_t k = cap; k < 2 * cap; ++k) map.FindOrInsert(k, 0).retention = 1;
  EXPECT_EQ(map.size(), cap);
}

TEST(BoundedMap, ABusyTableNeverTakesMoreSlotsThanItsCap) {
  // Wide entries, so that the slots dwarf the index: a block taken past the cap (a huge page's
  // worth where the cap leaves less) would show.
  struct Wide {
    char payload[248] = {};
    int64_t Retention(core::Timestamp) const { return 0; }
  };
  for (const size_t cap : {1500, 3000, 9000}) {
    BoundedMap<uint64_t, Wide> map(cap);
    for (uint64_t k = 0; k < 2 * cap; ++k) map.FindOrInsert(k, 0);
    const size_t slots = cap * sizeof(std::pair<uint64_t, Wide>);
    EXPECT_GE(map.MemoryBytes(), slots) << cap;
    EXPECT_LE(map.MemoryBytes(), slots + cap * 64 + 4096) << cap;
  }
}

TEST(BoundedMap, AnErasedEntryGivesItsHeapBack) {
  // The next entry takes the erased one's slot: it must start empty, not with the old string's
  // buffer (owners count their entries' heap bytes: a kept buffer would go uncounted).
  BoundedMap<uint64_t, Text> map(4);
  for (uint64_t k = 0; k < 4; ++k) map.FindOrInsert(k, 0).text = std::string(1000, 'x');
  for (uint64_t k = 0; k < 4; ++k) map.Erase(k);
  for (uint64_t k = 10; k < 14; ++k) {
    const Text& fresh = map.FindOrInsert(k, 0);
    EXPECT_TRUE(fresh.text.empty());
    EXPECT_LT(fresh.text.capacity(), 1000u);
  }
}

TEST(BoundedMap, NeverExceedsItsCapacity) {
  BoundedMap<uint64_t, Value> map(100);
  for (uint64_t k = 0; k < 10'000; ++k) map.FindOrInsert(k, 0).retention = static_cast<int64_t>(k);
  EXPECT_EQ(map.size(), 100u);
  EXPECT_EQ(map.evictions(), 9'900u);
}

TEST(BoundedMap, EvictsWhatMattersLeast) {
  BoundedMap<uint64_t, Value> map(64);
  // Half the entries carry high retention; a flood of low-retention keys must not push them out.
  // Sampling 8 candidates picks only valuable ones with probability 2^-8 per eviction, so a few
  // go over 5,000 evictions; with uniform random eviction none would be left.
  for (uint64_t k = 0; k < 32; ++k) map.FindOrInsert(k, 0).retention = 1'000'000;
  for (uint64_t k = 1000; k < 1000 + 5000; ++k) map.FindOrInsert(k, 0).retention = 1;
  int survivors = 0;
  for (uint64_t k = 0; k < 32; ++k) survivors += map.Find(k) != nullptr;
  EXPECT_GE(survivors, 20);
}

TEST(BoundedMap, EvictionIsTheSameInEveryRun) {
  auto run = [] {
    BoundedMap<uint64_t, Value> map(50);
    for (uint64_t k = 0; k < 500; ++k) map.FindOrInsert(k * 7919, 0).retention = k % 13;
    std::vector<uint64_t> keys;
    map.ForEach([&](uint64_t key, const Value&) { keys.push_back(key); });
    return keys;
  };
  EXPECT_EQ(run(), run());
}

TEST(BoundedMap, EraseKeepsTheIndexConsistent) {
  BoundedMap<uint64_t, Value> map(10);
  for (uint64_t k = 0; k < 10; ++k) map.FindOrInsert(k, 0).retention = static_cast<int64_t>(k);
  EXPECT_TRUE(map.Erase(3));
  EXPECT_FALSE(map.Erase(3));
  for (uint64_t k = 0; k < 10; ++k) {
    if (k == 3) continue;
    ASSERT_NE(map.Find(k), nullptr) << k;
    EXPECT_EQ(map.Find(k)->retention, static_cast<int64_t>(k));
  }
}

TEST(BoundedMap, TellsTheEvictionHookWhatGoes) {
  BoundedMap<uint64_t, Value> map(4);
  std::vector<uint64_t> evicted;
  map.set_on_evict([&](const uint64_t& key, const Value&) { evicted.push_back(key); });
  for (uint64_t k = 0; k < 6; ++k) map.FindOrInsert(k, 0);
  EXPECT_EQ(evicted.size(), 2u);
  for (uint64_t key : evicted) EXPECT_EQ(map.Find(key), nullptr);
}

}  // namespace
}  // namespace coastguard::counters
