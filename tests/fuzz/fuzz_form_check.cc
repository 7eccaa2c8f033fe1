// POST /v1/forms/check bodies (and replay "form" lines) through the parser and the guard.
#include <cstdint>
#include <string>

#include "http/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  static coastguard::forms::FormGuard guard(coastguard::forms::FormsConfig{.max_keys = 10'000},
                                            "key", 1);
  static coastguard::http::Api* api = [] {
    auto* a =
        new coastguard::http::Api(engine, coastguard::http::ApiSettings{"token", {}, 65536, 0});
    a->set_forms(&guard);
    return a;
  }();
  static int64_t now = 1'800'000'000'000'000;
  now += 1'000'000;
  const std::string body(reinterpret_cast<const char*>(data), size);
  coastguard::http::Request request;
  request.method = "POST";
  request.path = "/v1/forms/check";
  request.body = body;
  request.now = now;
  request.header = [](const char*) { return std::string_view(); };
  request.query = [](const char*) { return std::string_view(); };
  const coastguard::http::Response response = api->Handle(request);
  if (response.status != 200 && response.status != 400) __builtin_trap();
  return 0;
}
