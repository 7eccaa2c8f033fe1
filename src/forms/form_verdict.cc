#include "forms/form_verdict.h"

namespace coastguard::forms {

std::string_view FormActionName(FormAction a) {
  switch (a) {
    case FormAction::kAccept: return "accept";
    case FormAction::kChallenge: return "challenge";
    case FormAction::kHold: return "hold";
    case FormAction::kReject: return "reject";
  }
  return "accept";
}

}  // namespace coastguard::forms
