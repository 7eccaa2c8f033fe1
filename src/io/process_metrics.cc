#include "io/process_metrics.h"

#include <unistd.h>

#include <cstdio>

#include "core/metrics_text.h"

namespace coastguard::io {

size_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int got = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return got == 2 ? resident * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

void AppendMemoryMetrics(std::string& out, size_t table_bytes, size_t budget_bytes) {
  core::MetricHeader(out, "coastguard_memory_bytes", "gauge",
                     "Memory: tables (estimated) and process RSS.");
  core::MetricSample(out, "coastguard_memory_bytes", "kind=\"tables\"",
                     static_cast<double>(table_bytes));
  core::MetricSample(out, "coastguard_memory_bytes", "kind=\"rss\"",
                     static_cast<double>(ResidentBytes()));
  core::MetricSample(out, "coastguard_memory_bytes", "kind=\"budget\"",
                     static_cast<double>(budget_bytes));
}

}  // namespace coastguard::io
