// Dovecot auth-policy bodies as the HTTP API receives them.
#include <cstdint>
#include <string>

#include "http/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small budget: long runs must stay far below libFuzzer's RSS limit.
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  static coastguard::http::Api api(engine, coastguard::http::ApiSettings{"token", {}, 65536, 0});
  const std::string body(reinterpret_cast<const char*>(data), size);
  for (const char* path : {"/command/allow", "/command/report", "/v1/auth/check"}) {
    coastguard::http::Request request;
    request.method = "POST";
    request.path = path;
    request.body = body;
    request.now = 1'800'000'000'000'000;
    request.header = [](const char*) { return std::string_view(); };
    request.query = [](const char*) { return std::string_view(); };
    const coastguard::http::Response response = api.Handle(request);
    if (response.status != 200 && response.status != 400) __builtin_trap();
  }
  return 0;
}
