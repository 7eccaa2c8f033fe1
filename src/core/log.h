#pragma once

#include <string_view>

namespace coastguard::core {

// Writes one line to the operator's log (standard error, which systemd's journal collects):
// "coastguard: <line>\n" in a single write, so lines from one process never interleave.
// Log lines are built where their events are (blocks, holds, campaigns); callers only emit them.
void Log(std::string_view line);

}  // namespace coastguard::core
