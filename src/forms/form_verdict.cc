#include "forms/form_verdict.h"

#include <cstdio>

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

void AppendFormVerdictLine(const FormVerdict& verdict, std::string& out) {
  out += "{\"verdict\": \"";
  out += FormActionName(verdict.action);
  out += "\", \"delay_ms\": 0, \"reasons\": [";
  bool first = true;
  verdict.reasons.ForEach([&](FormReason r) {
    if (!first) out += ", ";
    first = false;
    out += '"';
    out += FormReasonName(r);
    out += '"';
  });
  char score[32];
  std::snprintf(score, sizeof(score), "%.1f", verdict.score);
  out += "], \"score\": ";
  out += score;
  out += '}';
}

}  // namespace coastguard::forms
