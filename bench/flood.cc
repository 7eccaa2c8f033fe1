// Memory under a flood of distinct keys in every table: N rounds, each an attempt from a new
// address (IPv4 and IPv6 /48s in turn) for a login seen twice (half of them succeed, so that
// familiarity and evidence fill), an operator block every 8th round, a message from a new
// sasl_username, and a form submission with a new recipient, a link to a new domain and a text
// of its own. All of it through one engine, outbound guard and form guard sharing the default
// 1 GiB budget; then RSS and every table's keys, capacity and evictions.
//
// usage: bench_flood [N=10000000] [BUDGET_MB=1024]
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/memory_budget.h"
#include "core/text.h"
#include "forms/form_guard.h"
#include "io/process_metrics.h"
#include "policy/engine.h"
#include "policy/outbound.h"

namespace {

using namespace coastguard;

core::IpAddress Address(uint64_t i) {
  std::array<uint8_t, 16> b{};
  if (i % 2 == 0) {
    b[10] = b[11] = 0xff;
    b[12] = static_cast<uint8_t>(11 + (i >> 24) % 200);
  } else {
    b[0] = 0x2a;
    b[1] = 0x01;
    b[2] = static_cast<uint8_t>(i >> 24);
    b[15] = 1;
  }
  const size_t at = i % 2 == 0 ? 13 : 3;
  b[at] = static_cast<uint8_t>(i >> 16);
  b[at + 1] = static_cast<uint8_t>(i >> 8);
  b[at + 2] = static_cast<uint8_t>(i);
  return core::IpAddress::FromBytes(b);
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  policy::EngineConfig config;
  if (argc > 2) config.memory_budget_mb = std::strtoull(argv[2], nullptr, 10);
  const size_t budget = config.memory_budget_mb << 20;
  const size_t rss_before = io::ResidentBytes();
  policy::Engine engine(config, 1);
  policy::Outbound outbound(policy::OutboundConfig{}, engine);
  forms::FormGuard forms(forms::FormsConfig{}, "bench-key", 1, budget);

  core::Timestamp now = 1'800'000'000 * core::kSecond;
  std::string login, account, rcpt, email, text;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    now += 100;  // 10,000 rounds a second
    const core::IpAddress ip = Address(i);
    login = core::Cat("flood", i / 2, "@example.com");
    const core::AuthAttempt a{now, core::Protocol::kImap, ip, login, "abcd", ""};
    engine.Check(a);
    // Every attempt is reported (refused or not): the point is the bound, not the verdicts.
    engine.Report(a, (i / 2) % 2 == 0 ? core::Outcome::kSuccess : core::Outcome::kBadPassword);
    if (i % 8 == 0) {
      engine.OperatorBlock(policy::NetworkBlockKey(core::Cidr{ip, ip.family_bits()}), "flood",
                           core::kDay, now);
    }

    account = core::Cat("sasl", i, "@example.com");
    rcpt = core::Cat("r", i, "@d", i, ".example");
    const std::vector<std::string_view> rcpts{rcpt};
    outbound.CheckMail({now, account, ip, account, "Q1"}, rcpts);

    const std::string token = forms.IssueToken("contact", now - 10 * core::kSecond);
    email = core::Cat("p", i, "@m", i, ".example");
    text = core::Cat("see https://l", i, ".example/", i, " ");
    for (uint32_t w = 0; w < 12; ++w) {
      uint64_t x = (i * 2654435761u) ^ (w * 40503u);
      for (int c = 0; c < 6; ++c, x /= 26) text += static_cast<char>('a' + x % 26);
      text += ' ';
    }
    forms::FormRequest r;
    r.form = "contact";
    r.ip = ip;
    r.recipient = email;
    r.token = token;
    r.fields = {{"email", email, forms::Role::kEmail}, {"comment", text, forms::Role::kText}};
    forms.Check(r, now);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  engine.Maintain(now);  // as the server does every second: measures the heap of some tables
  std::vector<core::TableUsage> tables;
  engine.AppendTables(tables);
  outbound.AppendTables(tables);
  forms.AppendTables(tables);
  const size_t rss = io::ResidentBytes();
  std::printf("flood: %llu rounds (login attempt, message, form submission) in %.1f s (%.0f/s)\n",
              static_cast<unsigned long long>(n), seconds, static_cast<double>(n) / seconds);
  std::printf("flood: RSS %.0f MiB (%.0f MiB before), budget %zu MiB, tables ~%.0f MiB\n",
              static_cast<double>(rss) / (1 << 20), static_cast<double>(rss_before) / (1 << 20),
              config.memory_budget_mb,
              static_cast<double>(core::TablesMemoryBytes(tables)) / (1 << 20));
  std::printf("flood: %-24s %10s %10s %9s %12s\n", "table", "keys", "capacity", "MiB/share",
              "evictions");
  for (const core::TableUsage& t : tables) {
    if (t.capacity == 0) {
      std::printf("flood: %-24.*s %10zu\n", static_cast<int>(t.table.size()), t.table.data(),
                  t.keys);
      continue;
    }
    std::printf(
        "flood: %-24.*s %10zu %10zu %4.0f/%-4.0f %12llu%s\n", static_cast<int>(t.table.size()),
        t.table.data(), t.keys, t.capacity, static_cast<double>(t.memory_bytes) / (1 << 20),
        static_cast<double>(t.share_bytes) / (1 << 20),
        static_cast<unsigned long long>(t.evictions), t.eviction_label.empty() ? "" : " (refused)");
  }
  std::printf("flood: %s\n", rss <= budget ? "RSS within budget" : "RSS OVER BUDGET");
  return 0;
}
