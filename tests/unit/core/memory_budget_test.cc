#include "core/memory_budget.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <array>
#include <string>
#include <vector>

#include "core/text.h"
#include "forms/form_guard.h"
#include "policy/engine.h"
#include "policy/outbound.h"

namespace coastguard {
namespace {

constexpr core::Timestamp kStart = 1'800'000'000 * core::kSecond;

core::IpAddress V4(uint32_t i) {
  std::array<uint8_t, 16> b{};
  b[10] = b[11] = 0xff;
  b[12] = static_cast<uint8_t>(11 + (i >> 24) % 200);
  b[13] = static_cast<uint8_t>(i >> 16);
  b[14] = static_cast<uint8_t>(i >> 8);
  b[15] = static_cast<uint8_t>(i);
  return core::IpAddress::FromBytes(b);
}

// A new /48 every time: IPv6 floods fill the prefix levels too.
core::IpAddress V6(uint32_t i) {
  std::array<uint8_t, 16> b{};
  b[0] = 0x2a;
  b[1] = 0x01;
  b[2] = static_cast<uint8_t>(i >> 24);
  b[3] = static_cast<uint8_t>(i >> 16);
  b[4] = static_cast<uint8_t>(i >> 8);
  b[5] = static_cast<uint8_t>(i);
  b[15] = 1;
  return core::IpAddress::FromBytes(b);
}

TEST(MemoryBudget, SharesCoverTheWholeBudgetAndNoMore) {
  EXPECT_EQ(core::BudgetShares::kTotal, 100u);
  EXPECT_EQ(core::ShareBytes(size_t{1} << 30, 100), (size_t{1} << 30) / 100 * 100);
  EXPECT_EQ(core::TableCapacity(size_t{16} << 20, 1, 1 << 20), 1024u);  // the floor
}

// Every table of every guard, driven past its share by keys a client chooses, stays within
// its capacity and (estimated) bytes, and says it evicted.
TEST(MemoryBudget, AFloodOfDistinctKeysStaysWithinEveryTablesShare) {
  // What the heap really holds, measured by the allocator rather than by the tables' estimates.
  [[maybe_unused]] const size_t heap_before = mallinfo2().uordblks;
  policy::EngineConfig config;
  config.memory_budget_mb = 16;
  const size_t budget = config.memory_budget_mb << 20;
  policy::Engine engine(config, 7);
  policy::Outbound outbound(policy::OutboundConfig{}, engine);
  forms::FormGuard forms(forms::FormsConfig{}, "key", 7, budget);

  std::vector<core::TableUsage> before;
  engine.AppendTables(before);
  outbound.AppendTables(before);
  forms.AppendTables(before);
  size_t most = 0;
  for (const core::TableUsage& t : before) most = std::max(most, t.capacity);

  core::Timestamp now = kStart;
  // Familiarity sees a quarter of the attempts as new logins' successes.
  const uint32_t n = static_cast<uint32_t>(5 * most);
  for (uint32_t i = 0; i < n; ++i) {
    now += 100 * core::kMillisecond;
    // Each login twice, from two places: half of them succeed both times, so familiarity
    // fills and the second success (a new place) leaves evidence.
    const std::string login = core::Cat("flood", i / 2, "@example.com");
    const core::IpAddress ip = i % 2 == 0 ? V4(i) : V6(i);
    const core::AuthAttempt a{now, core::Protocol::kImap, ip, login, "pw", ""};
    engine.Check(a);
    engine.Report(a, (i / 2) % 2 == 0 ? core::Outcome::kSuccess : core::Outcome::kBadPassword);
    if (i % 8 == 0) {
      engine.OperatorBlock(policy::NetworkBlockKey(core::Cidr{ip, ip.family_bits()}), "flood",
                           core::kHour, now);
    }

    const std::string account = core::Cat("sasl", i, "@example.com");
    const std::string rcpt = core::Cat("r", i, "@d", i, ".example");
    const std::vector<std::string_view> rcpts{rcpt};
    outbound.CheckMail({now, account, ip, account, "Q1"}, rcpts);

    const std::string token = forms.IssueToken("contact", now - 10 * core::kSecond);
    const std::string email = core::Cat("p", i, "@m", i, ".example");
    // Words of their own (digits would all read as one placeholder word).
    std::string words;
    for (uint32_t w = 0; w < 12; ++w) {
      uint32_t x = (i * 2654435761u) ^ (w * 40503u);
      for (int c = 0; c < 6; ++c, x /= 26) words += static_cast<char>('a' + x % 26);
      words += ' ';
    }
    // Each link twice (short of a campaign), and ids as long as the API allows: the ids kept
    // to name in a campaign's event are held to their share too.
    const std::string text = core::Cat("see https://l", i / 2, ".example/", i / 2, " ", words);
    const std::string id = core::Cat(i, std::string(128, 'x')).substr(0, 128);
    forms::FormRequest r;
    r.form = "contact";
    r.ip = ip;
    r.recipient = email;
    r.token = token;
    r.id = id;
    r.fields = {{"email", email, forms::Role::kEmail}, {"comment", text, forms::Role::kText}};
    forms.Check(r, now);
  }

  engine.Maintain(now);  // as the server does every second: measures the heap the tables hold
  std::vector<core::TableUsage> tables;
  engine.AppendTables(tables);
  outbound.AppendTables(tables);
  forms.AppendTables(tables);
  size_t total = 0;
  for (const core::TableUsage& t : tables) {
    total += t.memory_bytes;
    if (t.capacity == 0) continue;
    SCOPED_TRACE(std::string(t.table));
    EXPECT_LE(t.keys, t.capacity);
    EXPECT_LE(t.memory_bytes, t.share_bytes);
    if (t.table == "form_altcha") continue;  // needs solved proofs of work, flooded elsewhere
    EXPECT_GT(t.evictions, 0u) << t.keys << " keys of " << t.capacity;
  }
  EXPECT_LE(total, budget);
#if !defined(__SANITIZE_ADDRESS__)  // ASan's allocator keeps its own books
  const size_t heap_after = mallinfo2().uordblks;
  EXPECT_LE(heap_after - heap_before, budget) << "estimated " << total;
#endif
}

TEST(MemoryBudget, TableMetricsNameEveryTableOnce) {
  const std::vector<core::TableUsage> tables{{"sources", 3, 1024, 100, 50, 2, {}},
                                             {"familiarity_entries", 9, 0, 0, 0, 0, {}},
                                             {"blocks", 1, 1024, 10, 5, 4, "blocks_refused"}};
  std::string out;
  core::AppendTableMetrics(out, tables);
  EXPECT_NE(out.find("coastguard_keys{table=\"familiarity_entries\"} 9"), std::string::npos) << out;
  EXPECT_EQ(out.find("coastguard_table_capacity{table=\"familiarity_entries\"}"),
            std::string::npos);
  EXPECT_NE(out.find("coastguard_evictions_total{table=\"blocks_refused\"} 4"), std::string::npos);
  EXPECT_NE(out.find("coastguard_table_capacity{table=\"sources\"} 1024"), std::string::npos);
  EXPECT_EQ(out.find("# TYPE coastguard_keys gauge"), out.rfind("# TYPE coastguard_keys gauge"));
}

}  // namespace
}  // namespace coastguard
