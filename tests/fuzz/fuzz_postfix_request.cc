// Postfix policy delegation streams: split into requests, each parsed and decided.
#include <cstdint>
#include <string>

#include "policy/outbound.h"
#include "postfix/policy_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small budget: long runs must stay far below libFuzzer's RSS limit.
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  static coastguard::policy::Outbound outbound(coastguard::policy::OutboundConfig{}, engine);
  coastguard::postfix::PolicyReader reader;
  // Feed in two pieces, as a socket may deliver them.
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  reader.Feed(bytes.substr(0, size / 2));
  reader.Feed(bytes.substr(size / 2));
  coastguard::postfix::PolicyRequest request;
  std::string error;
  while (reader.Next(&request, &error) == coastguard::postfix::PolicyReader::Result::kRequest) {
    const auto ip = coastguard::core::IpAddress::Parse(request.client_address);
    const coastguard::policy::OutboundMessage m{1'800'000'000'000'000, request.sasl_username,
                                                ip ? *ip : coastguard::core::IpAddress(),
                                                request.sender, request.queue_id};
    (void)outbound.CheckRecipient(m, request.recipient);
  }
  return 0;
}
