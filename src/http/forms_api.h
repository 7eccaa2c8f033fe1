#pragma once

#include <string_view>

#include "forms/form_guard.h"
#include "http/http_server.h"
#include "wire/form_check.h"

namespace coastguard::http {

// The form guard's HTTP API (docs/forms.md): POST /v1/forms/check (policy credentials),
// GET /v1/forms/token and /v1/forms/challenge (public: pages fetch them when they render a
// form), GET /v1/forms/events (admin). The router checks credentials; this translates. Loop
// thread.
class FormsApi {
 public:
  explicit FormsApi(forms::FormGuard& guard) : guard_(guard) {}

  Response Check(const Request& request);
  Response Token(const Request& request);
  Response Challenge(const Request& request);
  Response Events(const Request& request);

 private:
  forms::FormGuard& guard_;
  wire::FormCheckParser parser_;
  forms::FormRequest form_;
};

}  // namespace coastguard::http
