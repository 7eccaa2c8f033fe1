// Startup time with a large familiarity store: writes a snapshot of N familiarity entries
// (logins with 7 sources each) into a temporary data directory, then times what
// `coastguard serve` does at startup: open the directory, load snapshot and journal, compact.
//
// usage: bench_state_load [N=10000000]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/digest.h"
#include "core/text.h"
#include "store/state_store.h"

int main(int argc, char** argv) {
  using namespace coastguard;
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  char pattern[] = "/tmp/coastguard-state-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  policy::EngineConfig config;
  const uint32_t now_s = 1'800'000'000;
  {
    store::StateStore store(dir);
    if (!store.Open().ok()) return 1;
    policy::Engine engine(config, store.seed());
    constexpr uint64_t kPerLogin = 7;
    for (uint64_t i = 0; i < n; ++i) {
      engine.RestoreFamiliarity(core::Mix64(i / kPerLogin, 99),
                                {core::Mix64(i, 7), now_s - static_cast<uint32_t>(i % 86400), 3});
    }
    if (absl::Status s = store.Compact({&engine, nullptr, {}}); !s.ok()) {
      std::fprintf(stderr, "%s\n", core::Message(s).c_str());
      return 1;
    }
    std::printf("state: wrote %zu familiarity entries (%zu logins), snapshot %.0f MiB in %.2f s\n",
                engine.familiarity().entries(), engine.familiarity().logins(),
                static_cast<double>(std::filesystem::file_size(dir + "/state.snap")) / (1 << 20),
                store.last_snapshot_seconds());
  }
  const auto start = std::chrono::steady_clock::now();
  store::StateStore store(dir);
  if (!store.Open().ok()) return 1;
  policy::Engine engine(config, store.seed());
  const auto loaded = store.Load(engine);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  store.Stop();
  std::filesystem::remove_all(dir);
  if (!loaded.ok()) return 1;
  std::printf(
      "state: startup restored %llu familiarity entries in %.2f s (load %.2f s), "
      "target < 10 s\n",
      static_cast<unsigned long long>(loaded->familiarity), seconds, loaded->seconds);
  return 0;
}
