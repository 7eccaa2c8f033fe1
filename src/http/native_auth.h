#pragma once

#include "http/http_server.h"
#include "policy/engine.h"
#include "wire/event_line.h"

namespace coastguard::http {

// The native auth API: POST /v1/auth/check and /v1/auth/report take the replay contract's event
// line as their body (wire::EventParser) and answer with its decision line, so an integration
// and a replay of its traffic speak the same JSON. Loop thread.
class NativeAuth {
 public:
  explicit NativeAuth(policy::Engine& engine) : engine_(engine) {}

  Response Check(const Request& request);
  Response Report(const Request& request);

 private:
  // Parses the body; false with a 400 reply in `error` when it cannot.
  bool Read(const Request& request, bool report, Response* error);

  policy::Engine& engine_;
  wire::EventParser parser_;
  wire::Event event_;
};

}  // namespace coastguard::http
