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
  // Times are bounded as the shared state bounds them, against a fixed "now".
  constexpr int64_t kNow = int64_t{1'800'000'000} * 1'000'000;
  redis::MessageHeader header;
  const redis::MessageHandlers handlers{
      [](const core::AuthAttempt& attempt, const core::Outcome* outcome) {
        core::AuthAttempt a = attempt;
        a.ts = redis::BoundRemoteTime(a.ts, kNow);
        engine.Observe(a, outcome);
      },
      [](std::string_view record) {
        store::ApplyStateRecord(record, engine, store::ApplyMode::kLive);
      },
      [](const forms::FormRequest& request, const forms::DecidedForm& decided, int64_t ts) {
        guard.Observe(request, redis::BoundRemoteTime(ts, kNow), decided);
      },
      [](const redis::BreachRecord& r) {
        const int64_t ts = redis::BoundRemoteTime(r.ts, kNow);
        if (r.notified) {
          breached.ObserveNotified(r.login, ts);
        } else {
          breached.ObserveReport(r.login, r.ip, r.service, r.breached, r.breach_count, ts);
        }
      }};
  (void)redis::ReadMessage(bytes, &header, handlers);
  return 0;
}
