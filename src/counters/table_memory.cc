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
  char* const base = static_cast<char*>(mapped);
  const size_t misalignment = reinterpret_cast<uintptr_t>(base) % kHugeBytes;
  const size_t head = misalignment == 0 ? 0 : kHugeBytes - misalignment;
  char* const aligned = base + head;
  if (head > 0) munmap(base, head);
  munmap(aligned + length, kHugeBytes - head);  // never empty: head < kHugeBytes
  // Advice only: where the kernel has no huge pages (or THP is off) the memory works as is.
  madvise(aligned, length, MADV_HUGEPAGE);
  return aligned;
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
