#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace coastguard::ctl {

struct Response {
  long status = 0;
  std::string body;
};

// A blocking HTTP client of the admin API for `coastguard ctl` (a command line tool, never the
// daemon), through libcurl. The token goes as `Authorization: Bearer`.
class AdminClient {
 public:
  AdminClient(std::string base_url, std::string token)
      : base_url_(std::move(base_url)), token_(std::move(token)) {}

  // `method` GET, POST or DELETE; `body` JSON or empty. An error only when no answer came.
  absl::StatusOr<Response> Call(const std::string& method, const std::string& path,
                                const std::string& body = "") const;
  // Percent-encodes a path segment (a login may hold '@', '/', '+').
  static std::string Escape(const std::string& segment);

 private:
  std::string base_url_;
  std::string token_;
};

}  // namespace coastguard::ctl
