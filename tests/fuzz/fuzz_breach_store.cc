// A breach store file as the daemon opens it (damaged, cut off, or made up): Store::Open must
// refuse what it cannot read safely, and every lookup of what it accepts stays inside the file.
// The input is placed in a memfd and opened through /proc/self/fd, as a file would be.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "breach/store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = ::memfd_create("store", MFD_CLOEXEC);
  if (fd < 0) return 0;
  if (::write(fd, data, size) != static_cast<ssize_t>(size)) {
    ::close(fd);
    return 0;
  }
  auto store = coastguard::breach::Store::Open("/proc/self/fd/" + std::to_string(fd));
  ::close(fd);
  if (!store.ok()) return 0;
  const coastguard::breach::Store& s = **store;
  // Hashes spread over the key space, and the file's own bytes as hashes.
  uint8_t hash[20] = {};
  for (int i = 0; i < 64; ++i) {
    for (int b = 0; b < 20; ++b)
      hash[b] = static_cast<uint8_t>(i * 37 + b * 11 + (b == 0 ? i * 4 : 0));
    (void)s.Count(hash);
    (void)s.MaybeContains(hash);
  }
  for (size_t at = 0; at + 20 <= size && at < 4096; at += 20) {
    (void)s.Count(data + at);
    (void)s.MaybeContains(data + at);
  }
  for (const uint32_t prefix : {0u, 1u, 0x5BAA6u, 0xFFFFFu}) {
    const auto [begin, end] = s.PrefixRange(prefix);
    for (uint64_t i = begin; i < end && i < begin + 64; ++i) {
      (void)s.KeyAt(i);
      (void)s.CountAt(i);
      (void)*s.TailAt(i);
    }
  }
  return 0;
}
