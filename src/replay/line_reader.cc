#include "replay/line_reader.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "wire/json_input.h"

namespace coastguard::replay {

bool ReadLines(std::FILE* in,
               const std::function<void(std::string_view line, bool too_long)>& on_line) {
  std::unique_ptr<char[]> buffer(new char[kMaxLineBytes + wire::kPadding]);
  auto emit = [&](size_t start, size_t end) {
    std::string_view line(buffer.get() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line, false);
  };
  size_t filled = 0;
  bool eof = false;
  bool skipping = false;  // inside a line longer than the buffer, already reported
  // Read a megabyte at a time, not up to the whole line bound: what is read is then parsed while
  // still in the cache, and only the pages the lines need are ever touched (16 MiB of first
  // touches was 3 % of a replay's time).
  constexpr size_t kReadBytes = 1 << 20;
  while (!eof) {
    const size_t got =
        std::fread(buffer.get() + filled, 1, std::min(kReadBytes, kMaxLineBytes - filled), in);
    filled += got;
    eof = got == 0;
    size_t start = 0;
    while (true) {
      const void* nl = std::memchr(buffer.get() + start, '\n', filled - start);
      if (nl == nullptr) break;
      const size_t end = static_cast<const char*>(nl) - buffer.get();
      if (!skipping) emit(start, end);
      skipping = false;
      start = end + 1;
    }
    if (eof && start < filled && !skipping) {
      emit(start, filled);
      start = filled;
    } else if (start == 0 && filled == kMaxLineBytes) {
      if (!skipping) on_line(std::string_view(), true);
      skipping = true;
      filled = 0;
      continue;
    }
    std::memmove(buffer.get(), buffer.get() + start, filled - start);
    filled -= start;
  }
  return std::ferror(in) == 0;
}

}  // namespace coastguard::replay
