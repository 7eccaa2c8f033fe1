#pragma once

#include <string>

#include "absl/status/status.h"
#include "forms/form_guard.h"
#include "http/http_server.h"
#include "wire/form_check.h"

namespace coastguard::demo {

// The contact-form demo (examples/contact-form), an optional module outside the production
// libraries, mounted at /demo by `coastguard serve --demo DIR`: coastguard plays the web
// application too, so an operator sees the integration work end to end without writing one.
// GET /demo/ renders the page with a fresh render token, /demo/altcha.js is the npm widget, and
// POST /demo/submit does what an application's handler does: build the check from the posted
// fields, ask the guard, and answer with the verdict (a real application would now send, hold or
// drop its mail).
class FormDemo {
 public:
  explicit FormDemo(forms::FormGuard& guard) : guard_(guard) {}

  // Reads index.html and the widget (node_modules/altcha, from `npm ci` in `directory`).
  absl::Status Load(const std::string& directory);
  http::Response Handle(const http::Request& request);

 private:
  http::Response Submit(const http::Request& request);

  forms::FormGuard& guard_;
  std::string page_;    // index.html with {{token}} where the render token goes
  std::string widget_;  // altcha.min.js
  wire::FormCheckParser parser_;
  forms::FormRequest form_;
};

}  // namespace coastguard::demo
