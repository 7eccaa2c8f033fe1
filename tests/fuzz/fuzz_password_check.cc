// Bodies of POST /v1/passwords/check and /v1/passwords/report (the breach guard's API), with
// the policy key, against a small corpus imported once. The first byte picks the endpoint.
#include <stdlib.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "breach/importer.h"
#include "http/api.h"

namespace {

struct Setup {
  coastguard::policy::Engine engine{coastguard::policy::EngineConfig{.memory_budget_mb = 16}, 1};
  std::unique_ptr<coastguard::breach::Database> database;
  std::unique_ptr<coastguard::breach::PasswordChecker> checker;
  coastguard::breach::BreachedLogins logins{1000, 1};
  std::unique_ptr<coastguard::http::BreachApi> breach;
  std::unique_ptr<coastguard::http::Api> api;

  Setup() {
    char pattern[] = "/tmp/coastguard-fuzz-breach-XXXXXX";
    const std::string dir = mkdtemp(pattern);
    // SHA-1 of "password", and one more.
    std::ofstream(dir + "/corpus.txt") << "0000000000000000000000000000000000000001:3\r\n"
                                          "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\r\n";
    coastguard::breach::ImportOptions options;
    options.db_dir = dir + "/db";
    options.inputs = {dir + "/corpus.txt"};
    if (!coastguard::breach::Import(options).ok()) __builtin_trap();
    database = std::make_unique<coastguard::breach::Database>(options.db_dir);
    database->Refresh();
    checker = std::make_unique<coastguard::breach::PasswordChecker>(
        database.get(), nullptr, coastguard::breach::PasswordCheckSettings{8, {"examplemail"}});
    breach = std::make_unique<coastguard::http::BreachApi>(engine, *database, *checker, logins,
                                                           coastguard::http::BreachApiSettings{});
    api = std::make_unique<coastguard::http::Api>(
        engine, coastguard::http::ApiSettings{
                    "token", coastguard::http::DovecotConfig{"key", "", "no"}, 65536, 0});
    api->set_breach(breach.get());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Setup setup;
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  coastguard::http::Request request;
  request.method = "POST";
  request.path = (data[0] & 1) != 0 ? "/v1/passwords/report" : "/v1/passwords/check";
  request.body = body;
  request.now = 1'800'000'000'000'000;
  request.header = [](const char* name) {
    return std::string_view(name) == "X-API-Key" ? std::string_view("key") : std::string_view();
  };
  request.query = [](const char*) { return std::string_view(); };
  const coastguard::http::Response response = setup.api->Handle(request);
  if (response.status != 200 && response.status != 400) __builtin_trap();
  return 0;
}
