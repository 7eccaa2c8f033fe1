// Bodies of the admin and weakforced endpoints that change state (blocks, allow lists, resets,
// suspects), with the admin token: the block-target parser, TTLs and reasons. The first byte
// picks the endpoint, so each input costs one request and coverage steers between endpoints.
#include <cstdint>
#include <iterator>
#include <string>

#include "http/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small budget: long runs must stay far below libFuzzer's RSS limit.
  static coastguard::policy::Engine engine(coastguard::policy::EngineConfig{.memory_budget_mb = 16},
                                           1);
  static coastguard::http::Api api(engine, coastguard::http::ApiSettings{"token", {}, 65536, 0});
  static const struct {
    const char* method;
    const char* path;
  } kCalls[] = {{"POST", "/v1/blocks"},          {"DELETE", "/v1/blocks"},
                {"POST", "/v1/allow"},           {"DELETE", "/v1/allow"},
                {"POST", "/v1/suspects/clear"},  {"POST", "/command/addBLEntry"},
                {"POST", "/command/delBLEntry"}, {"POST", "/command/addWLEntry"},
                {"POST", "/command/delWLEntry"}, {"POST", "/command/reset"}};
  if (size == 0) return 0;
  const auto& call = kCalls[data[0] % std::size(kCalls)];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
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
  // 507: the block list is full (documented); anything else is a bug.
  const int status = response.status;
  if (status != 200 && status != 201 && status != 400 && status != 507) __builtin_trap();
  return 0;
}
