#pragma once

#include <cstddef>
#include <string>

namespace coastguard::io {

// Resident set size of this process in bytes (from /proc/self/statm), 0 if unknown.
size_t ResidentBytes();

// coastguard_memory_bytes: the decision tables' estimate, the process RSS and the budget.
void AppendMemoryMetrics(std::string& out, size_t table_bytes, size_t budget_bytes);

}  // namespace coastguard::io
