// Replay lines (auth, mail, form) and /v1/auth/* bodies: parse, and decide whatever parses.
#include <cstdint>
#include <string>

#include "policy/engine.h"
#include "replay/replayer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small budget: long runs must stay far below libFuzzer's RSS limit.
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  static coastguard::policy::Outbound outbound(coastguard::policy::OutboundConfig{}, engine);
  static coastguard::forms::FormGuard forms(coastguard::forms::FormsConfig{.max_keys = 10'000},
                                            "key", 1);
  static coastguard::replay::Replayer replayer(engine, &outbound, &forms);
  static std::string out;
  out.clear();
  const std::string line(reinterpret_cast<const char*>(data), size);
  std::string error;
  replayer.Process(line, /*padded=*/false, out, &error);
  if (out.empty() || out.back() != '\n') __builtin_trap();  // one decision line, always
  return 0;
}
