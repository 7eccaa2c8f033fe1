#pragma once

#include "core/time.h"
#include "forms/form_request.h"

namespace coastguard::forms {

// Receives every submission the form guard checks, as the application sent it (the views are
// valid only during the call). The shared state of several nodes sends these to the others,
// whose guards count them as their own (FormGuard::Observe): campaigns, rates and used tokens
// then span every node. Called on the guard's thread; implementations must not block.
class FormObserver {
 public:
  virtual ~FormObserver() = default;
  virtual void FormChecked(const FormRequest& request, core::Timestamp now) = 0;
};

}  // namespace coastguard::forms
