// Bodies of the admin and weakforced endpoints that change state (blocks, allow lists, resets,
// suspects), with the admin token: the block-target parser, TTLs and reasons.
#include <cstdint>
#include <string>

#include "http/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small budget: long runs must stay far below libFuzzer's RSS limit.
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  static coastguard::http::Api api(engine, coastguard::http::ApiSettings{"token", {}, 65536, 0});
  const std::string body(reinterpret_cast<const char*>(data), size);
  static const struct {
    const char* method;
    const char* path;
  } kCalls[] = {{"POST", "/v1/blocks"},          {"DELETE", "/v1/blocks"},
                {"POST", "/v1/allow"},           {"DELETE", "/v1/allow"},
                {"POST", "/v1/suspects/clear"},  {"POST", "/command/addBLEntry"},
                {"POST", "/command/delBLEntry"}, {"POST", "/command/addWLEntry"},
                {"POST", "/command/delWLEntry"}, {"POST", "/command/reset"}};
  for (const auto& call : kCalls) {
    coastguard::http::Request request;
    request.method = call.method;
    request.path = call.path;
    request.body = body;
    request.now = 1'800'000'000'000'000;
    request.header = [](const char* name) {
      return std::string_view(name) == "Authorization" ? std::string_view("Bearer token")
                                                       : std::string_view();
    };
    request.query = [](const char*) { return std::string_view(); };
    const coastguard::http::Response response = api.Handle(request);
    if (response.status != 200 && response.status != 201 && response.status != 400) {
      __builtin_trap();
    }
  }
  return 0;
}
