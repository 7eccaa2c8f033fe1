#pragma once

#include <cstddef>
#include <new>

namespace coastguard::counters {

// Memory for the tables' large arrays. From kHugeBytes on, an allocation is its own mapping,
// aligned to a huge page and marked MADV_HUGEPAGE: where transparent huge pages are enabled
// only on request (`madvise`, as on this project's CI machines), a growing table otherwise
// faults its memory in one 4 KiB page at a time, and those faults were a sixth of a replay's CPU
// time. The tail past the last whole huge page stays in small pages, so rounding wastes nothing.
// Smaller allocations come from the heap.
inline constexpr size_t kHugeBytes = size_t{2} << 20;

void* AllocateTableMemory(size_t bytes, size_t alignment);
// `bytes` and `alignment` as they were allocated.
void FreeTableMemory(void* memory, size_t bytes, size_t alignment) noexcept;

// A standard allocator over the functions above, for the tables' hash indexes.
template <typename T>
struct TableAllocator {
  using value_type = T;
  TableAllocator() = default;
  template <typename U>
  TableAllocator(const TableAllocator<U>& /*other*/) noexcept {}  // NOLINT: rebinding converts
  T* allocate(size_t n) {  // NOLINT(readability-identifier-naming): the standard's name
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(AllocateTableMemory(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* memory, size_t n) noexcept {  // NOLINT(readability-identifier-naming)
    FreeTableMemory(memory, n * sizeof(T), alignof(T));
  }
  template <typename U>
  bool operator==(const TableAllocator<U>& /*other*/) const noexcept {
    return true;
  }
};

}  // namespace coastguard::counters
