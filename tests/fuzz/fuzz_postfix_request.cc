// Postfix policy delegation streams: split into requests, each translated and decided.
#include <cstdint>
#include <string>

#include "policy/outbound.h"
#include "postfix/outbound_policy.h"
#include "postfix/policy_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small budget: long runs must stay far below libFuzzer's RSS limit.
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  static coastguard::policy::Outbound outbound(coastguard::policy::OutboundConfig{}, engine);
  static coastguard::postfix::OutboundPolicy policy(outbound,
                                                    coastguard::postfix::PostfixActions{});
  coastguard::postfix::PolicyReader reader;
  // Feed in two pieces, as a socket may deliver them.
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  reader.Feed(bytes.substr(0, size / 2));
  reader.Feed(bytes.substr(size / 2));
  coastguard::postfix::PolicyRequest request;
  std::string error;
  while (reader.Next(&request, &error) == coastguard::postfix::PolicyReader::Result::kRequest) {
    // Every stage, as the server would decide it: RCPT, END-OF-MESSAGE and the rest.
    const std::string_view action = policy.Decide(request, 1'800'000'000'000'000);
    if (action.empty() || action.find('\n') != std::string_view::npos) __builtin_trap();
  }
  return 0;
}
