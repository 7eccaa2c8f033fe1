#include "counters/table_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace coastguard::counters {
namespace {

size_t PageRounded(size_t bytes) {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
}

}  // namespace

void* AllocateTableMemory(size_t bytes, size_t alignment) {
  if (bytes < kHugeBytes) return ::operator new(bytes, std::align_val_t(alignment));
  // Map a huge page more than needed, then give back what lies before the first huge-page
  // boundary and after the end.
  const size_t length = PageRounded(bytes);
  void* mapped = mmap(nullptr, length + kHugeBytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(mapped);
  const uintptr_t aligned = (start + kHugeBytes - 1) & ~(uintptr_t{kHugeBytes} - 1);
  if (aligned > start) munmap(mapped, aligned - start);
  const uintptr_t end = start + length + kHugeBytes;
  if (end > aligned + length)
    munmap(reinterpret_cast<void*>(aligned + length), end - aligned - length);
  // Advice only: where the kernel has no huge pages (or THP is off) the memory works as is.
  madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

void FreeTableMemory(void* memory, size_t bytes, size_t alignment) noexcept {
  if (memory == nullptr) return;
  if (bytes < kHugeBytes) {
    ::operator delete(memory, std::align_val_t(alignment));
    return;
  }
  munmap(memory, PageRounded(bytes));
}

}  // namespace coastguard::counters
