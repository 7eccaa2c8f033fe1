// ALTCHA payloads as the widget posts them (base64 of JSON), straight into the verifier.
#include <cstdint>
#include <string>

#include "forms/altcha.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static coastguard::forms::Altcha altcha("key", 1000, 600'000'000);
  const std::string payload(reinterpret_cast<const char*>(data), size);
  const auto verified = altcha.Verify(payload, 1'800'000'000'000'000);
  // Nothing a fuzzer writes can carry our signature.
  if (verified.result == coastguard::forms::AltchaResult::kValid) __builtin_trap();
  return 0;
}
