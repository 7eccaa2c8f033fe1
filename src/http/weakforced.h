#pragma once

#include <string_view>

#include "http/http_server.h"
#include "policy/engine.h"

namespace coastguard::http {

// weakforced's administrative commands with its request and reply shapes, so integrations
// written for wforce move over unchanged: ping, reset, addBLEntry, delBLEntry, getBL,
// addWLEntry, delWLEntry, getWL (at /?command=X and /command/X). Loop thread.
class Weakforced {
 public:
  explicit Weakforced(policy::Engine& engine) : engine_(engine) {}

  // 404 for a command it does not know.
  Response Command(std::string_view command, const Request& request);

 private:
  Response List(bool blocks, core::Timestamp now) const;

  policy::Engine& engine_;
};

}  // namespace coastguard::http
