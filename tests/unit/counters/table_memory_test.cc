#include "counters/table_memory.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace coastguard::counters {
namespace {

// The VmFlags line of the mapping in /proc/self/smaps that holds `address` ("" if none).
std::string VmFlagsAt(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> begin >> dash >> end && dash == '-' &&
        line.find(':') > line.find(' ')) {
      inside = begin <= at && at < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

TEST(TableMemory, ALargeArrayIsAlignedToAHugePageAndAskedToUseHugePages) {
  // The huge page advice needs the kernel's transparent huge pages (Debian's kernels have
  // them); without them the memory is ordinary and there is nothing to check.
  if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0) {
    GTEST_SKIP() << "no transparent huge pages in this kernel";
  }
  const size_t bytes = 3 * kHugeBytes + 100;
  auto* memory = static_cast<unsigned char*>(AllocateTableMemory(bytes, 8));
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(memory) % kHugeBytes, 0u);
  std::memset(memory, 0xab, bytes);  // every byte asked for is there, the tail too
  EXPECT_EQ(memory[bytes - 1], 0xab);
  EXPECT_NE(VmFlagsAt(memory).find(" hg"), std::string::npos) << VmFlagsAt(memory);
  FreeTableMemory(memory, bytes, 8);
  EXPECT_EQ(VmFlagsAt(memory).find(" hg"), std::string::npos);  // the whole mapping went back
}

TEST(TableMemory, ASmallArrayComesFromTheHeapWithItsAlignment) {
  void* memory = AllocateTableMemory(1000, 64);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(memory) % 64, 0u);
  EXPECT_EQ(VmFlagsAt(memory).find(" hg"), std::string::npos);
  FreeTableMemory(memory, 1000, 64);
}

}  // namespace
}  // namespace coastguard::counters
