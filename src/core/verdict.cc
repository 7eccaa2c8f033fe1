#include "core/verdict.h"

namespace coastguard::core {

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kAllow: return "allow";
    case Action::kDelay: return "delay";
    case Action::kReject: return "reject";
    case Action::kDefer: return "defer";
    case Action::kHold: return "hold";
  }
  return "allow";
}

}  // namespace coastguard::core
