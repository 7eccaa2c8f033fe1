#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string_view>

namespace coastguard::replay {

// Cuts a stream into lines for replay, reading a megabyte at a time into a buffer of
// kMaxLineBytes: each line is handed over as a view into the buffer with wire::kPadding readable
// bytes after it, so the parsers read it in place (no copy per line). A trailing CR is dropped.
// A line longer than kMaxLineBytes is handed over once as `too_long` (empty) and skipped to its
// newline, so that later lines stay aligned with their numbers. Returns false on a read error.
bool ReadLines(std::FILE* in,
               const std::function<void(std::string_view line, bool too_long)>& on_line);

inline constexpr size_t kMaxLineBytes = 16 << 20;

}  // namespace coastguard::replay
