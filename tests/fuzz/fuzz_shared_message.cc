// Messages from the other nodes on the shared channel (redis/shared_message.h): whatever is
// published there is outside input, read field by field and applied to an engine.
#include <cstdint>
#include <string_view>

#include "policy/engine.h"
#include "redis/shared_message.h"
#include "store/state_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  coastguard::redis::MessageHeader header;
  const coastguard::redis::MessageHandlers handlers{
      [](const coastguard::core::AuthAttempt& a, const coastguard::core::Outcome* outcome) {
        engine.Observe(a, outcome);
      },
      [](std::string_view record) {
        coastguard::store::ApplyStateRecord(record, engine, coastguard::store::ApplyMode::kLive);
      }};
  (void)coastguard::redis::ReadMessage(bytes, &header, handlers);
  return 0;
}
