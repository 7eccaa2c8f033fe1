#include "counters/table_memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "vm_flags.h"

namespace coastguard::counters {
namespace {

using testing::AdvisedHugePages;
using testing::KernelHasHugePages;

TEST(TableMemory, ALargeArrayIsAlignedToAHugePageAndAskedToUseHugePages) {
  const size_t bytes = 3 * kHugeBytes + 100;
  auto* memory = static_cast<unsigned char*>(AllocateTableMemory(bytes, 8));
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(memory) % kHugeBytes, 0u);
  std::memset(memory, 0xab, bytes);  // every byte asked for is there, the tail too
  EXPECT_EQ(memory[bytes - 1], 0xab);
  // The advice needs the kernel's transparent huge pages (Debian's kernels have them).
  if (KernelHasHugePages()) {
    EXPECT_TRUE(AdvisedHugePages(memory));
    EXPECT_TRUE(AdvisedHugePages(memory + bytes - 1));
  }
  FreeTableMemory(memory, bytes, 8);
  // The whole mapping went back, its first page and its last (an address mapped again since
  // would not carry the advice).
  EXPECT_FALSE(AdvisedHugePages(memory));
  EXPECT_FALSE(AdvisedHugePages(memory + bytes - 1));
}

TEST(TableMemory, ASmallArrayComesFromTheHeapWithItsAlignment) {
  void* memory = AllocateTableMemory(1000, 64);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(memory) % 64, 0u);
  EXPECT_FALSE(AdvisedHugePages(memory));
  FreeTableMemory(memory, 1000, 64);
}

}  // namespace
}  // namespace coastguard::counters
