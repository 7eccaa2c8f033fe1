// Memory under a flood of distinct keys: feeds N attempts, each from a new IP with a new login
// (one in ten a success, so that familiarity fills too), through one engine with the default
// 1 GiB budget, then prints RSS, table sizes and evictions.
//
// usage: bench_flood [N=10000000]
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/process_metrics.h"
#include "policy/engine.h"

int main(int argc, char** argv) {
  using namespace coastguard;
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  policy::EngineConfig config;
  policy::Engine engine(config, 1);
  const size_t rss_before = io::ResidentBytes();
  core::Timestamp t = 1'800'000'000 * core::kSecond;
  std::string login;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    std::array<uint8_t, 16> bytes{};
    bytes[10] = bytes[11] = 0xff;
    bytes[12] = static_cast<uint8_t>(11 + (i >> 24) % 200);
    bytes[13] = static_cast<uint8_t>(i >> 16);
    bytes[14] = static_cast<uint8_t>(i >> 8);
    bytes[15] = static_cast<uint8_t>(i);
    login = "flood" + std::to_string(i) + "@example.com";
    t += 100;  // 10,000 attempts a second
    const core::AuthAttempt a{
        t, core::Protocol::kImap, core::IpAddress::FromBytes(bytes), login, "abcd", ""};
    engine.Check(a);
    // Every attempt is reported (refused or not): the point is the bound, not the verdicts.
    engine.Report(a, i % 10 == 0 ? core::Outcome::kSuccess : core::Outcome::kBadPassword);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const policy::Engine::TableSizes s = engine.sizes();
  const size_t rss = io::ResidentBytes();
  std::printf("flood: %llu distinct IPs and logins in %.1f s (%.0f attempts/s)\n",
              static_cast<unsigned long long>(n), seconds, static_cast<double>(n) / seconds);
  std::printf("flood: RSS %.0f MiB (%.0f MiB before), budget %zu MiB, tables ~%.0f MiB\n",
              static_cast<double>(rss) / (1 << 20), static_cast<double>(rss_before) / (1 << 20),
              config.memory_budget_mb, static_cast<double>(s.memory_bytes) / (1 << 20));
  std::printf(
      "flood: keys sources=%zu logins=%zu login_ip=%zu familiarity_logins=%zu "
      "familiarity_entries=%zu blocks=%zu\n",
      s.sources, s.logins, s.pairs, s.familiarity_logins, s.familiarity_entries, s.blocks);
  std::printf(
      "flood: evicted sources=%llu logins=%llu login_ip=%llu familiarity_logins=%llu "
      "blocks_refused=%llu\n",
      static_cast<unsigned long long>(s.source_evictions),
      static_cast<unsigned long long>(s.login_evictions),
      static_cast<unsigned long long>(s.pair_evictions),
      static_cast<unsigned long long>(s.familiarity_evictions),
      static_cast<unsigned long long>(s.blocks_dropped));
  std::printf("flood: %s\n",
              rss <= (config.memory_budget_mb << 20) ? "RSS within budget" : "RSS OVER BUDGET");
  return 0;
}
