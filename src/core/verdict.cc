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

void AppendVerdictJson(const Verdict& verdict, std::string& out) {
  out += "{\"verdict\": \"";
  out += ActionName(verdict.action);
  out += "\", \"delay_ms\": ";
  out += std::to_string(verdict.delay_ms);
  out += ", \"reasons\": [";
  bool first = true;
  verdict.reasons.ForEach([&](Reason r) {
    if (!first) out += ", ";
    first = false;
    out += '"';
    out += ReasonName(r);
    out += '"';
  });
  out += "]}";
}

}  // namespace coastguard::core
