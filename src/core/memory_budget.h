#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coastguard::core {

// One memory budget ([memory] budget_mb) over every table that grows with what clients send:
// each table gets a share of it, in percent, and evicts what matters least when its share is
// full. The shares add up to 100; they are here, in one place, so that no table is left out.
struct BudgetShares {
  // The auth engine. Familiarity is the most valuable state and the only part that grows with
  // legitimate users rather than with attacks.
  static constexpr size_t kSources = 19;
  static constexpr size_t kLogins = 10;
  static constexpr size_t kLoginIp = 10;
  static constexpr size_t kFamiliarity = 25;
  static constexpr size_t kBlocks = 4;
  static constexpr size_t kEvidence = 2;
  // The outbound guard's per-account counters (keyed by sasl_username).
  static constexpr size_t kOutboundAccounts = 12;
  // The form guard's tables.
  static constexpr size_t kFormNonces = 2;
  static constexpr size_t kFormAltcha = 1;
  static constexpr size_t kFormIps = 2;
  static constexpr size_t kFormPrefixes = 1;
  static constexpr size_t kFormRecipients = 3;
  static constexpr size_t kFormRecipientDomains = 2;
  static constexpr size_t kFormCampaigns = 5;
  static constexpr size_t kFormTextBands = 2;

  static constexpr size_t kTotal = kSources + kLogins + kLoginIp + kFamiliarity + kBlocks +
                                   kEvidence + kOutboundAccounts + kFormNonces + kFormAltcha +
                                   kFormIps + kFormPrefixes + kFormRecipients +
                                   kFormRecipientDomains + kFormCampaigns + kFormTextBands;
};
static_assert(BudgetShares::kTotal == 100);

// The bytes `percent` of `budget_bytes` is.
constexpr size_t ShareBytes(size_t budget_bytes, size_t percent) {
  return budget_bytes / 100 * percent;
}

// Entries of about `entry_bytes` (with their index and typical heap) that `percent` of
// `budget_bytes` holds; at least 1024, so that a tiny budget still works.
constexpr size_t TableCapacity(size_t budget_bytes, size_t percent, size_t entry_bytes) {
  const size_t n = ShareBytes(budget_bytes, percent) / (entry_bytes == 0 ? 1 : entry_bytes);
  return n < 1024 ? 1024 : n;
}

// Bytes one entry of a counters::BoundedMap costs: its slot, plus its index at the worst load
// that absl's Swiss table reaches. That is 2.56 buckets (a control byte and a slot each) per
// entry: when erased entries' tombstones fill a table more than 25/32 full it doubles rather
// than rehashing in place, as a full map that evicts on every insert makes it do.
template <typename K, typename V>
constexpr size_t EntryBytes() {
  return sizeof(std::pair<K, V>) + (sizeof(std::pair<K, uint32_t>) + 1) * 21 / 8;
}

// One table as /metrics shows it.
struct TableUsage {
  std::string_view table;
  size_t keys = 0;
  size_t capacity = 0;      // 0: not a bounded table of its own (shown as keys only)
  size_t share_bytes = 0;   // its share of the budget
  size_t memory_bytes = 0;  // estimated bytes held now
  uint64_t evictions = 0;
  std::string_view eviction_label;  // the evictions' table label when it is not `table`
};

// A bounded map (counters::BoundedMap) as /metrics shows it, given its share of the budget.
template <typename Map>
TableUsage MapUsage(std::string_view table, const Map& map, size_t budget_bytes, size_t percent) {
  return {table,
          map.size(),
          map.capacity(),
          ShareBytes(budget_bytes, percent),
          map.MemoryBytes(),
          map.evictions(),
          {}};
}

// coastguard_keys{table}, coastguard_table_capacity{table}, coastguard_table_budget_bytes{table},
// coastguard_table_memory_bytes{table}, coastguard_evictions_total{table}: every table of every
// component, each family once.
void AppendTableMetrics(std::string& out, const std::vector<TableUsage>& tables);
// What all of them hold (coastguard_memory_bytes{kind="tables"}).
size_t TablesMemoryBytes(const std::vector<TableUsage>& tables);

}  // namespace coastguard::core
