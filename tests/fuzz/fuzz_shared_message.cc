// Messages from the other nodes on the shared channel (redis/shared_message.h): whatever is
// published there is outside input, read field by field and applied to an engine, a form guard
// and the breached-accounts table, as a node applies it.
#include <cstdint>
#include <string_view>

#include "breach/breached_logins.h"
#include "forms/form_guard.h"
#include "policy/engine.h"
#include "redis/shared_message.h"
#include "store/state_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace coastguard;
  static policy::Engine engine(policy::EngineConfig{.memory_budget_mb = 16}, 1);
  static forms::FormGuard guard(forms::FormsConfig{}, "fuzz-key", 1, size_t{16} << 20);
  static breach::BreachedLogins breached(1000, 1);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  redis::MessageHeader header;
  const redis::MessageHandlers handlers{
      [](const core::AuthAttempt& a, const core::Outcome* outcome) { engine.Observe(a, outcome); },
      [](std::string_view record) {
        store::ApplyStateRecord(record, engine, store::ApplyMode::kLive);
      },
      [](const forms::FormRequest& request, int64_t ts) { guard.Observe(request, ts); },
      [](const redis::BreachRecord& r) {
        if (r.notified) {
          breached.ObserveNotified(r.login, r.ts);
        } else {
          breached.ObserveReport(r.login, r.ip, r.service, r.breached, r.breach_count, r.ts);
        }
      }};
  (void)redis::ReadMessage(bytes, &header, handlers);
  return 0;
}
