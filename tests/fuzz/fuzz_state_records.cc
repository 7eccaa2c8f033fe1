// Snapshot and journal files as read back at startup (a torn or damaged file is outside input).
#include <cstdint>
#include <string_view>

#include "store/state_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small budget: long runs must stay far below libFuzzer's RSS limit.
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  coastguard::store::LoadStats stats;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (coastguard::store::ApplyStateData(bytes, engine, nullptr, &stats, nullptr).damaged_bytes >
      size)
    __builtin_trap();
  return 0;
}
