#pragma once

#include <map>
#include <string>

#include "core/time.h"
#include "http/api.h"

namespace coastguard::http {

// One request through the router, as the HTTP server would hand it over, at a fixed time.
inline Response CallApi(Api& api, const std::string& method, const std::string& path,
                        const std::string& body, const std::map<std::string, std::string>& headers,
                        const std::map<std::string, std::string>& query) {
  Request r;
  r.method = method;
  r.path = path;
  r.body = body;
  r.now = 1'800'000'000 * core::kSecond;
  r.header = [&headers](const char* k) {
    const auto it = headers.find(k);
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  };
  r.query = [&query](const char* k) {
    const auto it = query.find(k);
    return it == query.end() ? std::string_view() : std::string_view(it->second);
  };
  return api.Handle(r);
}

}  // namespace coastguard::http
