#include "core/memory_budget.h"

#include "core/metrics_text.h"
#include "core/text.h"

namespace coastguard::core {

void AppendTableMetrics(std::string& out, const std::vector<TableUsage>& tables) {
  auto family = [&](const char* name, const char* type, const char* help, auto value,
                    bool bounded_only, bool eviction = false) {
    MetricHeader(out, name, type, help);
    for (const TableUsage& t : tables) {
      if (bounded_only && t.capacity == 0) continue;
      const std::string_view label =
          eviction && !t.eviction_label.empty() ? t.eviction_label : t.table;
      MetricSample(out, name, Cat("table=\"", label, "\""), static_cast<double>(value(t)));
    }
  };
  family(
      "coastguard_keys", "gauge", "Keys tracked per table.",
      [](const TableUsage& t) { return t.keys; }, false);
  family(
      "coastguard_table_capacity", "gauge",
      "Keys a table holds before it evicts: its share of the memory budget.",
      [](const TableUsage& t) { return t.capacity; }, true);
  family(
      "coastguard_table_budget_bytes", "gauge", "Each table's share of the memory budget.",
      [](const TableUsage& t) { return t.share_bytes; }, true);
  family(
      "coastguard_table_memory_bytes", "gauge", "Bytes each table holds now (estimated).",
      [](const TableUsage& t) { return t.memory_bytes; }, true);
  family(
      "coastguard_evictions_total", "counter", "Keys evicted to stay within the memory budget.",
      [](const TableUsage& t) { return t.evictions; }, true, true);
}

size_t TablesMemoryBytes(const std::vector<TableUsage>& tables) {
  size_t sum = 0;
  for (const TableUsage& t : tables) sum += t.memory_bytes;
  return sum;
}

}  // namespace coastguard::core
