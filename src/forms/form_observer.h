#pragma once

#include <cstdint>
#include <vector>

#include "core/time.h"
#include "forms/form_request.h"
#include "forms/form_verdict.h"

namespace coastguard::forms {

// What the node that decided a submission made of it, for the nodes that only observe it: they
// count it as that node did, not as their own scores would (their keys may not verify its
// token), and take the campaigns it reported as reported.
struct DecidedForm {
  FormAction action = FormAction::kAccept;
  bool rejected = false;           // rejected on its own, before campaigns: added no new entries
  std::vector<uint64_t> reported;  // the campaigns (keys) whose event this check sent
};

// Receives every submission the form guard checks, as the application sent it (the views are
// valid only during the call), with what the guard decided. The shared state of several nodes
// sends these to the others, whose guards count them as their own (FormGuard::Observe):
// campaigns, rates and used tokens then span every node. Called on the guard's thread;
// implementations must not block.
class FormObserver {
 public:
  virtual ~FormObserver() = default;
  virtual void FormChecked(const FormRequest& request, core::Timestamp now,
                           const DecidedForm& decided) = 0;
};

}  // namespace coastguard::forms
