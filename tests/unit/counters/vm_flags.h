#pragma once

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace coastguard::counters::testing {

// The VmFlags line of the mapping in /proc/self/smaps that holds `address` ("" if none).
inline std::string VmFlagsAt(const void* address) {
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

// Whether this kernel has transparent huge pages, so that MADV_HUGEPAGE marks a mapping ("hg").
inline bool KernelHasHugePages() {
  return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

inline bool AdvisedHugePages(const void* address) {
  return VmFlagsAt(address).find(" hg") != std::string::npos;
}

}  // namespace coastguard::counters::testing
